//! The AWS provider's own plan-time validations of argument values: string lengths and patterns,
//! enums, integer sets and ranges, ARNs, CIDRs, JSON documents, conflicting and required-together
//! arguments, and block counts. `terraform validate` runs them before anything reaches AWS, so a
//! literal that gen-tf writes and one of them refuses is a gen-tf bug.
//!
//! The facts come from the provider's v6 Go source (`../shared/reference/provider-validators.json`),
//! trimmed to the types of `scripts/provider-types.json` by
//! `scripts/extract-provider-validators.mjs` into `schemas/aws-provider-validators.json`. They are
//! indexed once, with every pattern compiled, the first time a module is checked.
//!
//! Only values known when gen-tf lowers are judged (strings, numbers, bools, lists and objects of
//! them, `jsonencode` of those); a reference or a function call is known only at apply time, as
//! it is to Terraform. A template's literal parts still give its least length. Facts the
//! reference marks `unsure` (they may differ in the provider releases gen-tf admits) and enums it
//! marks possibly incomplete (`enum_known`) are not judged: a self-check failure stops the user's
//! build, so it must never be a false alarm. Lengths are in bytes, as Go's `len` counts them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use regex_automata::meta::Regex;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::ir::{Body, Expr, Item, Part, UnaryOp};

/// A value as far as it is known when gen-tf lowers.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Lit<'e> {
    /// Known only at apply time: a reference, a call, an operation.
    Unknown,
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'e, str>),
    /// A template with interpolations: only its literal length is known.
    Template {
        literal_bytes: usize,
    },
    /// `jsonencode(x)`: a string that is the JSON text of `x`.
    Json(Box<Lit<'e>>),
    List(Vec<Lit<'e>>),
    Obj(Vec<(Cow<'e, str>, Lit<'e>)>),
}

pub(super) fn lit(expr: &Expr) -> Lit<'_> {
    match expr {
        Expr::Null => Lit::Null,
        Expr::Bool(b) => Lit::Bool(*b),
        Expr::Number(n) => n.as_f64().map_or(Lit::Unknown, Lit::Num),
        Expr::Str(s) => Lit::Str(Cow::Borrowed(s)),
        Expr::Template(parts) => Lit::Template {
            literal_bytes: parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => s.len(),
                    Part::Interp(_) => 0,
                })
                .sum(),
        },
        Expr::Array(items) => Lit::List(items.iter().map(lit).collect()),
        Expr::Object(entries) => Lit::Obj(
            entries
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), lit(v)))
                .collect(),
        ),
        Expr::Call(name, args) if name == "jsonencode" && args.len() == 1 => {
            Lit::Json(Box::new(lit(&args[0])))
        }
        Expr::Unary(UnaryOp::Neg, e) => match lit(e) {
            Lit::Num(n) => Lit::Num(-n),
            _ => Lit::Unknown,
        },
        Expr::Paren(e) => lit(e),
        _ => Lit::Unknown,
    }
}

/// A JSON text parsed into a [`Lit`]; `None` when it is not JSON.
fn parse_json(text: &str) -> Option<Lit<'static>> {
    fn convert(v: serde_json::Value) -> Lit<'static> {
        match v {
            serde_json::Value::Null => Lit::Null,
            serde_json::Value::Bool(b) => Lit::Bool(b),
            serde_json::Value::Number(n) => n.as_f64().map_or(Lit::Unknown, Lit::Num),
            serde_json::Value::String(s) => Lit::Str(Cow::Owned(s)),
            serde_json::Value::Array(a) => Lit::List(a.into_iter().map(convert).collect()),
            serde_json::Value::Object(o) => Lit::Obj(
                o.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), convert(v)))
                    .collect(),
            ),
        }
    }
    serde_json::from_str(text).ok().map(convert)
}

// ------------------------------------------------------------------------------------------
// The embedded facts

/// One argument's validations, as `schemas/aws-provider-validators.json` writes them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    len: Option<(usize, usize)>,
    max_len: Option<usize>,
    regex: Option<String>,
    not_regex: Option<String>,
    #[serde(rename = "enum")]
    one_of: Option<Vec<String>>,
    /// Possibly incomplete: never judged (see the module documentation).
    #[serde(default, rename = "enum_known")]
    _enum_known: Option<Vec<String>>,
    #[serde(default)]
    enum_ignore_case: bool,
    int_range: Option<(i64, i64)>,
    int_min: Option<i64>,
    int_in: Option<Vec<i64>>,
    int_divisible_by: Option<i64>,
    float_range: Option<(f64, f64)>,
    any_of: Option<Vec<Spec>>,
    #[serde(default)]
    arn: bool,
    #[serde(default)]
    not_arn: bool,
    cidr: Option<String>,
    json: Option<String>,
    format: Option<String>,
    #[serde(default)]
    nullable_int: bool,
    #[serde(default)]
    nullable_float: bool,
    elem: Option<Box<Spec>>,
    #[serde(default)]
    conflicts_with: Vec<String>,
    #[serde(default)]
    exactly_one_of: Vec<String>,
    #[serde(default)]
    at_least_one_of: Vec<String>,
    #[serde(default)]
    required_with: Vec<String>,
    max_items: Option<usize>,
    min_items: Option<usize>,
    #[serde(default)]
    unsure: bool,
}

#[derive(Debug, Deserialize)]
struct File {
    arn_regex: String,
    resources: BTreeMap<String, BTreeMap<String, Spec>>,
}

/// A pattern compiled the first time a literal is held to it: a run that builds one stack
/// compiles only the patterns its resources meet, not all of the provider's.
struct Pattern {
    source: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    fn new(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            compiled: OnceLock::new(),
        }
    }

    fn is_match(&self, s: &str) -> bool {
        self.compiled
            .get_or_init(|| compile_pattern(&self.source))
            .is_match(s)
    }
}

/// A [`Spec`] with its patterns, compiled when first used.
struct Rule {
    spec: Spec,
    regex: Option<Pattern>,
    not_regex: Option<Pattern>,
    any_of: Vec<Rule>,
    elem: Option<Box<Rule>>,
}

fn compile_pattern(pattern: &str) -> Regex {
    // The provider's patterns are Go (RE2) syntax, which the regex crates share.
    Regex::new(pattern).unwrap_or_else(|e| panic!("provider pattern {pattern:?} compiles: {e}"))
}

impl Rule {
    fn new(mut spec: Spec) -> Rule {
        let any_of = spec.any_of.take().unwrap_or_default();
        let elem = spec.elem.take().map(|e| Box::new(Rule::new(*e)));
        Rule {
            regex: spec.regex.as_deref().map(Pattern::new),
            not_regex: spec.not_regex.as_deref().map(Pattern::new),
            any_of: any_of.into_iter().map(Rule::new).collect(),
            elem,
            spec,
        }
    }
}

/// Every argument's rules of every type, by the dotted path of the block that holds the
/// argument (`""` for the resource body, `capacity_provider_strategy` for its blocks).
pub(super) struct Validators {
    arn: Pattern,
    rfc3339: Pattern,
    types: BTreeMap<String, BTreeMap<String, Vec<(String, Rule)>>>,
}

impl Validators {
    pub(super) fn load() -> Validators {
        let file: File =
            serde_json::from_str(include_str!("../../schemas/aws-provider-validators.json"))
                .expect(
                    "schemas/aws-provider-validators.json is valid; regenerate it with \
                     `node scripts/extract-provider-validators.mjs`",
                );
        let mut types: BTreeMap<String, BTreeMap<String, Vec<(String, Rule)>>> = BTreeMap::new();
        for (ty, arguments) in file.resources {
            let by_parent = types.entry(ty).or_default();
            for (path, spec) in arguments {
                let (parent, leaf) = path.rsplit_once('.').unwrap_or(("", &path));
                let rule = (leaf.to_owned(), Rule::new(spec));
                by_parent.entry(parent.to_owned()).or_default().push(rule);
            }
        }
        Validators {
            arn: Pattern::new(&file.arn_regex),
            rfc3339: Pattern::new(
                r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
            ),
            types,
        }
    }

    /// Whether any validation is known for `ty`.
    pub(super) fn covers(&self, ty: &str) -> bool {
        self.types.contains_key(ty)
    }

    /// Checks one body of a `resource "TY"` block: `parent` is its dotted path without list
    /// indices (`""` for the resource body itself). Each problem is the argument it concerns
    /// (`None` for the body as a whole) and what is wrong.
    pub(super) fn check_body(
        &self,
        ty: &str,
        parent: &str,
        body: &Body,
    ) -> Vec<(Option<String>, String)> {
        let Some(rules) = self.types.get(ty).and_then(|t| t.get(parent)) else {
            return Vec::new();
        };
        let present = Present::of(body);
        let mut out = Vec::new();
        let mut pairs = BTreeSet::new();
        for (leaf, rule) in rules {
            let spec = &rule.spec;
            if spec.unsure {
                continue;
            }
            let mut say = |msg: String| out.push((Some(leaf.clone()), msg));
            match present.0.get(leaf.as_str()) {
                Some(Here::Attr(expr)) => {
                    let value = lit(expr);
                    if let Lit::List(items) = &value {
                        count(spec, items.len(), "elements", &mut say);
                    }
                    match (&rule.elem, &value) {
                        (Some(elem), Lit::List(items)) => {
                            for (i, item) in items.iter().enumerate() {
                                for m in self.value(elem, item) {
                                    say(format!("element {i}: {m}"));
                                }
                            }
                        }
                        (Some(_), _) => {}
                        (None, value) => self.value(rule, value).into_iter().for_each(&mut say),
                    }
                }
                Some(Here::Blocks(n)) => count(spec, *n, "blocks", &mut say),
                Some(Here::Dynamic) | None => {}
            }
            if present.has(leaf) {
                for other in spec.conflicts_with.iter().map(|c| last(c)) {
                    let pair = (leaf.as_str().min(other), leaf.as_str().max(other));
                    if other != leaf && present.has(other) && pairs.insert(pair) {
                        say(format!(
                            "\"{leaf}\" and \"{other}\" conflict; the provider takes only one"
                        ));
                    }
                }
                for other in spec.required_with.iter().map(|c| last(c)) {
                    if !present.has(other) {
                        say(format!("\"{leaf}\" needs \"{other}\" as well"));
                    }
                }
            }
            for (group, at_most_one) in
                [(&spec.exactly_one_of, true), (&spec.at_least_one_of, false)]
            {
                // Each group is judged once: by its first member's rule.
                if group.first().map(|c| last(c)) != Some(leaf.as_str()) {
                    continue;
                }
                let names: Vec<&str> = group.iter().map(|c| last(c)).collect();
                let n = names.iter().filter(|name| present.has(name)).count();
                if n == 0 || (at_most_one && n > 1) {
                    let what = if at_most_one { "exactly" } else { "at least" };
                    let names = names.join(", ");
                    out.push((
                        None,
                        format!("{what} one of {names} must be set, found {n}"),
                    ));
                }
            }
        }
        out
    }

    /// What is wrong with one value; empty when it passes or is not known.
    fn value(&self, rule: &Rule, v: &Lit<'_>) -> Vec<String> {
        let spec = &rule.spec;
        let mut out = Vec::new();
        match v {
            Lit::Unknown | Lit::Null => return out,
            Lit::Template { literal_bytes } => {
                let max = spec.len.map(|(_, max)| max).or(spec.max_len);
                if let Some(max) = max.filter(|max| literal_bytes > max) {
                    out.push(format!(
                        "its literal text alone is {literal_bytes} bytes long; the provider takes \
                         at most {max}"
                    ));
                }
                return out;
            }
            _ => {}
        }
        let text: Option<Cow<'_, str>> = match v {
            Lit::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            Lit::Num(n) => Some(Cow::Owned(n.to_string())),
            Lit::Bool(b) => Some(Cow::Owned(b.to_string())),
            _ => None,
        };
        if let (Lit::Str(s), true) = (v, spec.nullable_int || spec.nullable_float) {
            if s.is_empty() {
                return out; // the provider's "unset"
            }
        }
        if let Some(s) = text.as_deref() {
            self.text(rule, v, s, &mut out);
        }
        if let Some(json) = &spec.json {
            json_document(json, v, &mut out);
        }
        if !rule.any_of.is_empty() && rule.any_of.iter().all(|alt| !self.value(alt, v).is_empty()) {
            out.push(format!(
                "{} fits none of the provider's alternatives ({})",
                show(v),
                rule.any_of
                    .iter()
                    .map(|alt| describe(&alt.spec))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        out
    }

    /// The checks of a value that has a text form (a string, number or bool).
    fn text(&self, rule: &Rule, v: &Lit<'_>, s: &str, out: &mut Vec<String>) {
        let spec = &rule.spec;
        // Shown only in a problem: almost every value passes.
        let shown = Shown(v);
        if let (Lit::Str(_), Some((min, max))) = (v, spec.len) {
            if s.len() < min || s.len() > max {
                let n = s.len();
                out.push(format!(
                    "{shown} is {n} bytes long; the provider takes {min} to {max}"
                ));
            }
        }
        if let Some(max) = spec.max_len.filter(|max| s.len() > *max) {
            let n = s.len();
            out.push(format!(
                "{shown} is {n} bytes long; the provider takes at most {max}"
            ));
        }
        if let Some(re) = &rule.regex {
            if !re.is_match(s) {
                let p = spec.regex.as_deref().unwrap_or_default();
                out.push(format!("{shown} does not match the provider's pattern {p}"));
            }
        }
        if let Some(re) = &rule.not_regex {
            if re.is_match(s) {
                let p = spec.not_regex.as_deref().unwrap_or_default();
                out.push(format!("{shown} matches {p}, which the provider refuses"));
            }
        }
        if let Some(names) = &spec.one_of {
            let fits = names
                .iter()
                .any(|n| n == s || (spec.enum_ignore_case && n.eq_ignore_ascii_case(s)));
            if !fits {
                out.push(format!("{shown} is not one of {}", names.join(", ")));
            }
        }
        if spec.arn && !s.is_empty() && !self.arn.is_match(s) {
            out.push(format!("{shown} is not an ARN"));
        }
        if spec.not_arn && s.starts_with("arn:") {
            out.push(format!("{shown} is an ARN; the provider takes a name here"));
        }
        match spec.cidr.as_deref() {
            Some("ipv4_network") if !ipv4_network(s) => out.push(format!(
                "{shown} is not an IPv4 network in CIDR form (no host bits set)"
            )),
            Some("ipv6_network") if !ipv6_network(s) => out.push(format!(
                "{shown} is not an IPv6 network in CIDR form (no host bits set)"
            )),
            _ => {}
        }
        if spec.format.as_deref() == Some("rfc3339") && !self.rfc3339.is_match(s) {
            out.push(format!("{shown} is not an RFC 3339 time"));
        }
        let ints = spec.int_range.is_some()
            || spec.int_min.is_some()
            || spec.int_in.is_some()
            || spec.int_divisible_by.is_some()
            || spec.nullable_int;
        let number = s.trim().parse::<f64>().ok();
        if ints || spec.float_range.is_some() || spec.nullable_float {
            let Some(n) = number else {
                out.push(format!("{shown} is not a number"));
                return;
            };
            if ints && n.fract() != 0.0 {
                out.push(format!("{shown} is not a whole number"));
                return;
            }
            let int = n as i64;
            if let Some((lo, hi)) = spec.int_range.filter(|(lo, hi)| int < *lo || int > *hi) {
                out.push(format!(
                    "{int} is outside the provider's range {lo} to {hi}"
                ));
            }
            if let Some(min) = spec.int_min.filter(|min| int < *min) {
                out.push(format!("{int} is below the provider's minimum {min}"));
            }
            if let Some(set) = spec.int_in.as_ref().filter(|set| !set.contains(&int)) {
                let set: Vec<String> = set.iter().map(ToString::to_string).collect();
                out.push(format!("{int} is not one of {}", set.join(", ")));
            }
            if let Some(d) = spec.int_divisible_by.filter(|d| *d != 0 && int % d != 0) {
                out.push(format!("{int} is not a multiple of {d}"));
            }
            if let Some((lo, hi)) = spec.float_range.filter(|(lo, hi)| n < *lo || n > *hi) {
                out.push(format!("{n} is outside the provider's range {lo} to {hi}"));
            }
        }
    }
}

/// What is in one body: its arguments, and how many blocks of each name.
enum Here<'b> {
    Attr(&'b Expr),
    Blocks(usize),
    Dynamic,
}

struct Present<'b>(FxHashMap<&'b str, Here<'b>>);

impl<'b> Present<'b> {
    fn of(body: &'b Body) -> Self {
        // Hashed, and only looked up: one is built for every body of a validated resource.
        let mut map = FxHashMap::default();
        for item in &body.items {
            match item {
                Item::Attribute(a) => {
                    map.insert(a.key.as_str(), Here::Attr(&a.expr));
                }
                Item::Block(b) if b.ident.as_str() == "dynamic" => {
                    if let Some(name) = b.labels.first() {
                        map.insert(name.as_str(), Here::Dynamic);
                    }
                }
                Item::Block(b) => {
                    let n = match map.get(b.ident.as_str()) {
                        Some(Here::Blocks(n)) => n + 1,
                        _ => 1,
                    };
                    map.insert(b.ident.as_str(), Here::Blocks(n));
                }
                Item::Comment(_) => {}
            }
        }
        Present(map)
    }

    /// Whether the argument or block is set to something other than `null`.
    fn has(&self, name: &str) -> bool {
        match self.0.get(name) {
            Some(Here::Attr(Expr::Null)) | None => false,
            Some(_) => true,
        }
    }
}

/// `a.0.b` -> `b`: the provider names a sibling by its full path.
fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// [`show`] of a value, written only when a message is.
struct Shown<'v, 'e>(&'v Lit<'e>);

impl std::fmt::Display for Shown<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&show(self.0))
    }
}

fn count(spec: &Spec, n: usize, what: &str, say: &mut impl FnMut(String)) {
    if let Some(max) = spec.max_items.filter(|max| n > *max) {
        say(format!("{n} {what}; the provider takes at most {max}"));
    }
    if let Some(min) = spec.min_items.filter(|min| n > 0 && n < *min) {
        say(format!("{n} {what}; the provider takes at least {min}"));
    }
}

fn show(v: &Lit<'_>) -> String {
    match v {
        Lit::Str(s) => format!("{s:?}"),
        Lit::Num(n) => n.to_string(),
        Lit::Bool(b) => b.to_string(),
        _ => "the value".to_owned(),
    }
}

fn describe(spec: &Spec) -> String {
    let mut parts = Vec::new();
    if let Some(set) = &spec.int_in {
        let set: Vec<String> = set.iter().map(ToString::to_string).collect();
        parts.push(format!("one of {}", set.join(", ")));
    }
    if let Some(d) = spec.int_divisible_by {
        parts.push(format!("a multiple of {d}"));
    }
    if let Some(names) = &spec.one_of {
        parts.push(format!("one of {}", names.join(", ")));
    }
    if spec.arn {
        parts.push("an ARN".to_owned());
    }
    if let Some(re) = &spec.regex {
        parts.push(format!("matching {re}"));
    }
    parts.join(", ")
}

fn ipv4_network(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else {
        return false;
    };
    match (addr.parse::<Ipv4Addr>(), bits.parse::<u32>()) {
        (Ok(addr), Ok(bits)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(addr) & !mask == 0
        }
        _ => false,
    }
}

fn ipv6_network(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else {
        return false;
    };
    match (addr.parse::<Ipv6Addr>(), bits.parse::<u32>()) {
        (Ok(addr), Ok(bits)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(addr) & !mask == 0
        }
        _ => false,
    }
}

// ------------------------------------------------------------------------------------------
// JSON documents

/// `json`: `iam_policy` (a JSON object, first character `{`, no repeated keys), `json` (any
/// JSON), `json_or_yaml` (not judged), `ecs_container_definitions` (see [`container_definitions`]).
fn json_document(kind: &str, v: &Lit<'_>, out: &mut Vec<String>) {
    let parsed;
    let doc = match v {
        Lit::Json(inner) => inner.as_ref(),
        Lit::Str(s) => match parse_json(s) {
            Some(doc) => {
                if kind == "iam_policy" && !s.starts_with('{') {
                    out.push("an IAM policy document must start with \"{\"".to_owned());
                    return;
                }
                parsed = doc;
                &parsed
            }
            None if kind == "json_or_yaml" => return,
            None => {
                out.push("the value is not valid JSON".to_owned());
                return;
            }
        },
        _ => return,
    };
    match kind {
        "iam_policy" => match doc {
            Lit::Obj(entries) => {
                let mut seen = BTreeSet::new();
                for (k, _) in entries {
                    if !seen.insert(k.as_ref()) {
                        out.push(format!("the policy document repeats the key {k:?}"));
                    }
                }
            }
            Lit::Unknown => {}
            _ => out.push("an IAM policy document must be a JSON object".to_owned()),
        },
        "ecs_container_definitions" => container_definitions(doc, out),
        _ => {}
    }
}

/// How the provider decodes `container_definitions` into the ECS SDK's `[]ContainerDefinition`
/// at plan time: an array of non-empty objects whose integer, boolean, string-list and
/// string-map fields have those JSON types (keys match case-insensitively).
fn container_definitions(doc: &Lit<'_>, out: &mut Vec<String>) {
    let items = match doc {
        Lit::List(items) => items,
        Lit::Unknown => return,
        _ => {
            out.push("container definitions must be a JSON array of objects".to_owned());
            return;
        }
    };
    for (i, item) in items.iter().enumerate() {
        match item {
            Lit::Obj(fields) if fields.is_empty() => out.push(format!(
                "container definition {i} is empty, which the provider refuses"
            )),
            Lit::Obj(fields) => container(i, fields, out),
            Lit::Unknown => {}
            _ => out.push(format!("container definition {i} is not a JSON object")),
        }
    }
}

const INT_FIELDS: [&str; 5] = [
    "cpu",
    "memory",
    "memoryreservation",
    "starttimeout",
    "stoptimeout",
];
const BOOL_FIELDS: [&str; 6] = [
    "essential",
    "privileged",
    "readonlyrootfilesystem",
    "interactive",
    "pseudoterminal",
    "disablenetworking",
];
const STRING_LISTS: [&str; 4] = ["command", "entrypoint", "dnsservers", "links"];

fn container(i: usize, fields: &[(Cow<'_, str>, Lit<'_>)], out: &mut Vec<String>) {
    let mut bad = |field: &str, what: &str| {
        out.push(format!("container definition {i}: {field} must be {what}"));
    };
    for (key, value) in fields {
        let k = key.to_ascii_lowercase();
        let k = k.as_str();
        if INT_FIELDS.contains(&k) && !is_int32(value) {
            bad(key, "a JSON integer");
        } else if BOOL_FIELDS.contains(&k)
            && !matches!(value, Lit::Bool(_) | Lit::Unknown | Lit::Null)
        {
            bad(key, "a JSON boolean");
        } else if STRING_LISTS.contains(&k) && !list_of(value, is_str) {
            bad(key, "a JSON array of strings");
        } else if k == "dockerlabels" && !string_map(value) {
            bad(key, "a JSON object of strings");
        } else if k == "environment"
            && !list_of(value, |v| fields_are(v, &["name", "value"], is_str))
        {
            bad(key, "a JSON array of {name, value} strings");
        } else if k == "secrets"
            && !list_of(value, |v| fields_are(v, &["name", "valuefrom"], is_str))
        {
            bad(key, "a JSON array of {name, valueFrom} strings");
        } else if k == "versionconsistency"
            && !matches!(value, Lit::Unknown | Lit::Null)
            && !matches!(value, Lit::Str(s) if s == "enabled" || s == "disabled")
        {
            bad(key, "\"enabled\" or \"disabled\"");
        } else if k == "logconfiguration" && !fields_are(value, &["options"], string_map) {
            bad("logConfiguration.options", "a JSON object of strings");
        } else if k == "portmappings"
            && !list_of(value, |v| {
                fields_are(v, &["containerport", "hostport"], is_int32)
            })
        {
            bad(
                "portMappings",
                "objects with integer containerPort and hostPort",
            );
        } else if k == "ulimits"
            && !list_of(value, |v| {
                fields_are(v, &["softlimit", "hardlimit"], is_int32)
            })
        {
            bad("ulimits", "objects with integer softLimit and hardLimit");
        } else if k == "healthcheck"
            && !fields_are(
                value,
                &["interval", "timeout", "retries", "startperiod"],
                is_int32,
            )
        {
            bad(
                "healthCheck",
                "an object with integer interval, timeout, retries, startPeriod",
            );
        }
    }
}

fn is_int32(v: &Lit<'_>) -> bool {
    match v {
        Lit::Num(n) => n.fract() == 0.0 && *n >= f64::from(i32::MIN) && *n <= f64::from(i32::MAX),
        Lit::Unknown | Lit::Null => true,
        _ => false,
    }
}

fn is_str(v: &Lit<'_>) -> bool {
    matches!(
        v,
        Lit::Str(_) | Lit::Template { .. } | Lit::Unknown | Lit::Null
    )
}

fn list_of(v: &Lit<'_>, each: impl Fn(&Lit<'_>) -> bool) -> bool {
    match v {
        Lit::List(items) => items.iter().all(each),
        Lit::Unknown | Lit::Null => true,
        _ => false,
    }
}

fn string_map(v: &Lit<'_>) -> bool {
    fields_are(v, &[], |_| true)
        && match v {
            Lit::Obj(entries) => entries.iter().all(|(_, v)| is_str(v)),
            _ => true,
        }
}

/// `v` is an object (or unknown) whose fields named in `names` (lower case) pass `check`.
fn fields_are(v: &Lit<'_>, names: &[&str], check: impl Fn(&Lit<'_>) -> bool) -> bool {
    match v {
        Lit::Obj(entries) => entries
            .iter()
            .filter(|(k, _)| names.contains(&k.to_ascii_lowercase().as_str()))
            .all(|(_, v)| check(v)),
        Lit::Unknown | Lit::Null => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Patterns compile when first used; every one of them must compile.
    #[test]
    fn every_pattern_compiles() {
        fn visit(rule: &Rule, n: &mut usize) {
            for p in rule.regex.iter().chain(&rule.not_regex) {
                let _ = p.is_match("");
                *n += 1;
            }
            rule.any_of.iter().for_each(|r| visit(r, n));
            if let Some(e) = &rule.elem {
                visit(e, n);
            }
        }
        let v = Validators::load();
        assert!(v.arn.is_match("arn:aws:iam::123456789012:role/x"));
        assert!(v.rfc3339.is_match("2026-01-02T03:04:05Z"));
        let mut n = 0;
        for by_parent in v.types.values() {
            for rules in by_parent.values() {
                rules.iter().for_each(|(_, r)| visit(r, &mut n));
            }
        }
        assert!(n > 10, "only {n} patterns");
    }
}

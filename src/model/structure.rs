//! A pass over the loaded JSON value against the stack's own JSON Schema, before serde.
//!
//! serde stops at the first problem it meets. Users fixing a stack want every unknown field,
//! missing field, wrong type, out-of-range number, unknown value and invalid name in one run, so
//! this pass walks the whole value against the schema that `gen-tf schema` prints (generated from
//! the same types serde uses, so the two cannot drift) and reports everything it finds. serde
//! still has the last word: when this pass finds nothing, serde deserializes, and if serde
//! disagrees its error is reported as well.

use schemars::schema::{InstanceType, Schema, SchemaObject, SingleOrVec};
use serde_json::Value;

use crate::diag::{core, did_you_mean, index, join, Diagnostic};

use super::names::{ServiceName, StackName};

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// What the pass found: diagnostics, and where the unknown fields are (so that the rest of the
/// stack can still be validated without them).
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    pub unknown_fields: Vec<Vec<Seg>>,
}

/// Walks `value` against the stack schema.
pub(crate) fn check(value: &Value) -> Findings {
    // Generated once per process. Reading the committed schema instead was tried: serde's
    // deserialising of schemars' types took 6.4 M instructions, against about 2 M to generate
    // (callgrind, one 10-service stack).
    static ROOT: std::sync::OnceLock<schemars::schema::RootSchema> = std::sync::OnceLock::new();
    let root = ROOT.get_or_init(|| schemars::schema_for!(super::Stack));
    let mut w = Walker {
        defs: &root.definitions,
        path: Vec::new(),
        found: Findings::default(),
    };
    w.walk_object_schema(&root.schema, value);
    w.found
}

/// `gen-tf schema`'s output, committed, which editors and the tests read.
#[cfg(test)]
const COMMITTED_SCHEMA: &str = include_str!("../../schemas/stack.schema.json");

/// Removes the fields at `paths` from `value`.
pub(crate) fn remove_fields(value: &mut Value, paths: &[Vec<Seg>]) {
    for p in paths {
        let Some((Seg::Key(last), parents)) = p.split_last() else {
            continue;
        };
        if let Some(Value::Object(m)) = lookup_mut(value, parents) {
            m.remove(last);
        }
    }
}

fn lookup_mut<'v>(value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |cur, seg| match (seg, cur) {
        (Seg::Key(k), Value::Object(m)) => m.get_mut(k),
        (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    })
}

/// A JSON path as diagnostics print it.
pub(crate) fn path_string(path: &[Seg]) -> String {
    path.iter().fold(String::new(), |acc, seg| match seg {
        Seg::Key(k) => join(&acc, k),
        Seg::Index(i) => index(&acc, *i),
    })
}

struct Walker<'a> {
    defs: &'a schemars::Map<String, Schema>,
    path: Vec<Seg>,
    found: Findings,
}

impl<'a> Walker<'a> {
    fn here(&self) -> String {
        path_string(&self.path)
    }

    fn push(&mut self, d: Diagnostic) {
        self.found.diagnostics.push(d);
    }

    /// Follows `$ref`s and single-element `allOf` wrappers (schemars puts a field's doc comment
    /// on such a wrapper). Returns the schema and the name of the last definition followed.
    fn resolve(&self, mut s: &'a SchemaObject) -> (&'a SchemaObject, Option<&'a str>) {
        let mut name = None;
        for _ in 0..32 {
            if let Some(r) = &s.reference {
                let def = r.trim_start_matches("#/definitions/");
                match self.defs.get(def) {
                    Some(Schema::Object(o)) => {
                        name = self.defs.get_key_value(def).map(|(k, _)| k.as_str());
                        s = o;
                        continue;
                    }
                    _ => return (s, name),
                }
            }
            match s.subschemas.as_ref().and_then(|sub| sub.all_of.as_ref()) {
                Some(all) if all.len() == 1 => match &all[0] {
                    Schema::Object(o) => s = o,
                    Schema::Bool(_) => return (s, name),
                },
                _ => return (s, name),
            }
        }
        (s, name)
    }

    fn walk(&mut self, schema: &'a Schema, v: &Value) {
        match schema {
            Schema::Bool(true) => {}
            Schema::Bool(false) => {
                let d = Diagnostic::new(
                    &core::UNKNOWN_FIELD,
                    self.here(),
                    "this value is not allowed here",
                )
                .help("remove it");
                self.push(d);
            }
            Schema::Object(o) => self.walk_object_schema(o, v),
        }
    }

    fn walk_object_schema(&mut self, schema: &'a SchemaObject, v: &Value) {
        let (s, def) = self.resolve(schema);
        if def == Some("StackName") {
            if let Value::String(name) = v {
                if let Err(msg) = StackName::new(name.as_str()) {
                    self.push(name_diagnostic(self.here(), &msg));
                }
                return;
            }
        }
        if let Some(values) = self.enum_values(s) {
            return self.check_enum(&values, v);
        }
        let alternatives = s
            .subschemas
            .as_ref()
            .and_then(|sub| sub.any_of.as_ref().or(sub.one_of.as_ref()));
        if let Some(alts) = alternatives {
            return self.walk_alternatives(s, alts, v);
        }
        if let Some(types) = &s.instance_type {
            if !types_match(types, v) {
                let d = type_diagnostic(self.here(), &self.describe(s), v);
                return self.push(d);
            }
        }
        match v {
            Value::Number(_) => self.check_number(s, v),
            Value::String(text) => self.check_length(s, text.chars().count(), "characters"),
            Value::Object(map) => self.walk_map(s, map),
            Value::Array(items) => {
                self.check_length(s, items.len(), "items");
                let item_schema = s.array.as_ref().and_then(|a| match &a.items {
                    Some(SingleOrVec::Single(one)) => Some(&**one),
                    _ => None,
                });
                if let Some(item_schema) = item_schema {
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(Seg::Index(i));
                        self.walk(item_schema, item);
                        self.path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    /// Untagged enums and `Option<T>` (`anyOf: [T, null]`): the alternative whose JSON type fits
    /// the value is walked, so errors inside it keep their full path.
    fn walk_alternatives(&mut self, s: &'a SchemaObject, alts: &'a [Schema], v: &Value) {
        let fitting: Vec<&'a Schema> = alts.iter().filter(|a| self.fits(a, v)).collect();
        match fitting.as_slice() {
            [] => {
                let d = type_diagnostic(self.here(), &self.describe(s), v);
                self.push(d);
            }
            [one] => self.walk(one, v),
            several => {
                // Several shapes fit: report the alternative that explains the value best.
                let mut best: Option<Findings> = None;
                for alt in several {
                    let mut trial = Walker {
                        defs: self.defs,
                        path: self.path.clone(),
                        found: Findings::default(),
                    };
                    trial.walk(alt, v);
                    let better = best
                        .as_ref()
                        .is_none_or(|b| trial.found.diagnostics.len() < b.diagnostics.len());
                    if better {
                        best = Some(trial.found);
                    }
                }
                if let Some(b) = best {
                    self.found.diagnostics.extend(b.diagnostics);
                    self.found.unknown_fields.extend(b.unknown_fields);
                }
            }
        }
    }

    /// Whether the value has the JSON type that an alternative expects.
    fn fits(&self, alt: &'a Schema, v: &Value) -> bool {
        let Schema::Object(o) = alt else {
            return matches!(alt, Schema::Bool(true));
        };
        let (s, _) = self.resolve(o);
        if self.enum_values(s).is_some() {
            return v.is_string();
        }
        if let Some(types) = &s.instance_type {
            return types_match(types, v);
        }
        match s
            .subschemas
            .as_ref()
            .and_then(|sub| sub.any_of.as_ref().or(sub.one_of.as_ref()))
        {
            Some(alts) => alts.iter().any(|a| self.fits(a, v)),
            None => true,
        }
    }

    /// The allowed values of a closed set: a plain `enum`, or a `oneOf`/`anyOf` whose every
    /// alternative is one (schemars writes that for enums whose variants have doc comments).
    fn enum_values(&self, s: &'a SchemaObject) -> Option<Vec<String>> {
        if let Some(values) = &s.enum_values {
            return Some(
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            );
        }
        let alts = s
            .subschemas
            .as_ref()
            .and_then(|sub| sub.one_of.as_ref().or(sub.any_of.as_ref()))?;
        let mut out = Vec::new();
        for a in alts {
            let Schema::Object(o) = a else { return None };
            let (r, _) = self.resolve(o);
            if let Some(c) = &r.const_value {
                out.push(c.as_str()?.to_owned());
            } else {
                out.extend(self.enum_values(r)?);
            }
        }
        Some(out)
    }

    fn check_enum(&mut self, values: &[String], v: &Value) {
        let allowed = values.join(", ");
        match v {
            Value::String(s) if values.iter().any(|x| x == s) => {}
            Value::String(s) => {
                let help = match did_you_mean(s, values.iter().map(String::as_str)) {
                    Some(m) => format!("did you mean `{m}`? (allowed: {allowed})"),
                    None => format!("allowed values: {allowed}"),
                };
                let d = Diagnostic::new(
                    &core::UNKNOWN_VALUE,
                    self.here(),
                    format!("unknown value `{s}`"),
                )
                .help(help);
                self.push(d);
            }
            other => {
                let d = Diagnostic::new(
                    &core::INVALID_TYPE,
                    self.here(),
                    format!("expected one of {allowed}, found {}", shown(other)),
                )
                .help(format!("write one of: {allowed}"));
                self.push(d);
            }
        }
    }

    /// Whole numbers must fit the Rust type behind the field (schemars records it as `format`).
    fn check_number(&mut self, s: &SchemaObject, v: &Value) {
        let is_integer = matches!(&s.instance_type, Some(t) if has_type(t, InstanceType::Integer));
        if !is_integer {
            return self.check_fraction(s, v);
        }
        let whole_but_huge = v.as_f64().is_some_and(|f| f.fract() == 0.0);
        let n = match as_integer(v) {
            Some(n) => n,
            // Past every integer type (JSON has no limit): out of range, not a fraction.
            None if whole_but_huge => i128::MAX,
            None => {
                let d = Diagnostic::new(
                    &core::INVALID_TYPE,
                    self.here(),
                    format!("expected a whole number, found {}", shown(v)),
                )
                .help("write a whole number, without a fraction");
                return self.push(d);
            }
        };
        let (lo, hi): (i128, i128) = match s.format.as_deref() {
            Some("uint8") => (0, u8::MAX.into()),
            Some("uint16") => (0, u16::MAX.into()),
            Some("uint32") => (0, u32::MAX.into()),
            Some("uint64" | "uint") => (0, u64::MAX.into()),
            Some("int8") => (i8::MIN.into(), i8::MAX.into()),
            Some("int16") => (i16::MIN.into(), i16::MAX.into()),
            Some("int32") => (i32::MIN.into(), i32::MAX.into()),
            _ => (i64::MIN.into(), i64::MAX.into()),
        };
        // A field's AWS range, declared next to it with `#[schemars(range(min, max))]`, narrows
        // the type's (and documents it in the JSON Schema).
        let bound = |b: Option<f64>| b.filter(|b| b.fract() == 0.0).map(|b| b as i128);
        let declared = s.number.as_ref();
        let lo = bound(declared.and_then(|n| n.minimum)).map_or(lo, |b| b.max(lo));
        let hi = bound(declared.and_then(|n| n.maximum)).map_or(hi, |b| b.min(hi));
        if n < lo || n > hi {
            let field = self.field_name();
            let d = Diagnostic::new(
                &core::OUT_OF_RANGE,
                self.here(),
                format!("{} is out of range for `{field}`", shown_number(v)),
            )
            .help(format!("`{field}` takes a whole number from {lo} to {hi}"));
            self.push(d);
        }
    }

    /// A number that may have a fraction (a percent such as a canary's 0.1-100) against the
    /// range declared next to the field with `#[schemars(range(min, max))]`.
    fn check_fraction(&mut self, s: &SchemaObject, v: &Value) {
        let (Some(n), Some(declared)) = (v.as_f64(), s.number.as_ref()) else {
            return;
        };
        let lo = declared.minimum.unwrap_or(f64::NEG_INFINITY);
        let hi = declared.maximum.unwrap_or(f64::INFINITY);
        if n < lo || n > hi {
            let field = self.field_name();
            let d = Diagnostic::new(
                &core::OUT_OF_RANGE,
                self.here(),
                format!("{} is out of range for `{field}`", shown_number(v)),
            )
            .help(format!("`{field}` takes a number from {lo} to {hi}"));
            self.push(d);
        }
    }

    /// A text's or a list's length against the bounds declared next to the field with
    /// `#[schemars(length(min, max))]`.
    fn check_length(&mut self, s: &SchemaObject, len: usize, unit: &str) {
        let (min, max) = match unit {
            "items" => s
                .array
                .as_ref()
                .map_or((None, None), |a| (a.min_items, a.max_items)),
            _ => s
                .string
                .as_ref()
                .map_or((None, None), |t| (t.min_length, t.max_length)),
        };
        let len32 = u32::try_from(len).unwrap_or(u32::MAX);
        let field = self.field_name();
        let problem = match (min, max) {
            (Some(lo), _) if len32 < lo => format!("`{field}` has {len} {unit}, fewer than {lo}"),
            (_, Some(hi)) if len32 > hi => format!("`{field}` has {len} {unit}, more than {hi}"),
            _ => return,
        };
        let range = match (min, max) {
            (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
            (Some(lo), None) => format!("at least {lo}"),
            (None, Some(hi)) => format!("at most {hi}"),
            (None, None) => return,
        };
        let d = Diagnostic::new(&core::OUT_OF_RANGE, self.here(), problem)
            .help(format!("`{field}` takes {range} {unit}"));
        self.push(d);
    }

    fn field_name(&self) -> String {
        self.path
            .iter()
            .rev()
            .find_map(|s| match s {
                Seg::Key(k) => Some(k.clone()),
                Seg::Index(_) => None,
            })
            .unwrap_or_default()
    }

    fn walk_map(&mut self, s: &'a SchemaObject, map: &serde_json::Map<String, Value>) {
        let Some(ov) = &s.object else { return };
        let here = self.here();
        for req in &ov.required {
            if !map.contains_key(req) {
                let place = if here.is_empty() {
                    "the stack"
                } else {
                    here.as_str()
                };
                let d = Diagnostic::new(
                    &core::MISSING_FIELD,
                    here.clone(),
                    format!("missing required field `{req}`"),
                )
                .help(format!("add `{req}` to {place}"));
                self.push(d);
            }
        }
        let services_map = self.path == [Seg::Key("services".to_owned())];
        for (k, val) in map {
            self.path.push(Seg::Key(k.clone()));
            if let Some(ps) = ov.properties.get(k) {
                self.walk(ps, val);
            } else if self.path.len() == 1 && k == "_" {
                // The stack's scratch field for Jsonnet helpers; deliberately not in the schema.
            } else {
                match ov.additional_properties.as_deref() {
                    Some(Schema::Bool(false)) => self.unknown_field(s, k),
                    Some(extra) => {
                        if services_map {
                            if let Err(msg) = ServiceName::new(k.as_str()) {
                                self.push(name_diagnostic(self.here(), &msg));
                            }
                        }
                        self.walk(extra, val);
                    }
                    None => {}
                }
            }
            self.path.pop();
        }
    }

    fn unknown_field(&mut self, s: &'a SchemaObject, field: &str) {
        let known: Vec<&str> = s
            .object
            .as_ref()
            .map(|o| o.properties.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let help = if let Some(m) = did_you_mean(field, known.iter().copied()) {
            format!("did you mean `{m}`?")
        } else if let Some(parent) = self.nested_home(s, field) {
            format!("`{field}` belongs inside `{parent}`")
        } else {
            format!("known fields here: {}", known.join(", "))
        };
        let d = Diagnostic::new(
            &core::UNKNOWN_FIELD,
            self.here(),
            format!("unknown field `{field}`"),
        )
        .help(help);
        self.push(d);
        self.found.unknown_fields.push(self.path.clone());
    }

    /// A property of `s` whose own object (or list of objects) has a field called `field`: the
    /// usual mistake is writing a nested field one level too high.
    fn nested_home(&self, s: &'a SchemaObject, field: &str) -> Option<String> {
        let props = &s.object.as_ref()?.properties;
        props.iter().find_map(|(name, ps)| {
            let Schema::Object(o) = ps else { return None };
            let mut candidates = vec![self.resolve(o).0];
            let (r, _) = self.resolve(o);
            if let Some(alts) = r.subschemas.as_ref().and_then(|sub| sub.any_of.as_ref()) {
                candidates.extend(alts.iter().filter_map(|a| match a {
                    Schema::Object(x) => Some(self.resolve(x).0),
                    Schema::Bool(_) => None,
                }));
            }
            let mut expanded = Vec::new();
            for c in candidates {
                expanded.push(c);
                if let Some(SingleOrVec::Single(item)) =
                    c.array.as_ref().and_then(|a| a.items.as_ref())
                {
                    if let Schema::Object(i) = &**item {
                        expanded.push(self.resolve(i).0);
                    }
                }
            }
            expanded
                .iter()
                .any(|c| {
                    c.object
                        .as_ref()
                        .is_some_and(|ov| ov.properties.contains_key(field))
                })
                .then(|| name.clone())
        })
    }

    /// What a schema expects, in words.
    fn describe(&self, s: &'a SchemaObject) -> String {
        if let Some(values) = self.enum_values(s) {
            return format!("one of {}", values.join(", "));
        }
        if let Some(types) = &s.instance_type {
            let list: Vec<InstanceType> = match types {
                SingleOrVec::Single(t) => vec![**t],
                SingleOrVec::Vec(v) => v.clone(),
            };
            return list
                .iter()
                .filter(|t| **t != InstanceType::Null)
                .map(|t| type_word(*t))
                .collect::<Vec<_>>()
                .join(" or ");
        }
        if let Some(alts) = s
            .subschemas
            .as_ref()
            .and_then(|sub| sub.any_of.as_ref().or(sub.one_of.as_ref()))
        {
            let mut words: Vec<String> = Vec::new();
            for a in alts {
                if let Schema::Object(o) = a {
                    let (r, _) = self.resolve(o);
                    let w = self.describe(r);
                    if !w.is_empty() && !words.contains(&w) {
                        words.push(w);
                    }
                }
            }
            return words.join(" or ");
        }
        "a value".to_owned()
    }
}

fn type_word(t: InstanceType) -> String {
    match t {
        InstanceType::Null => "null",
        InstanceType::Boolean => "true or false",
        InstanceType::Object => "an object",
        InstanceType::Array => "a list",
        InstanceType::Number => "a number",
        InstanceType::String => "a string",
        InstanceType::Integer => "a whole number",
    }
    .to_owned()
}

fn has_type(types: &SingleOrVec<InstanceType>, t: InstanceType) -> bool {
    match types {
        SingleOrVec::Single(one) => **one == t,
        SingleOrVec::Vec(v) => v.contains(&t),
    }
}

fn types_match(types: &SingleOrVec<InstanceType>, v: &Value) -> bool {
    let fits = |t: InstanceType| match (t, v) {
        (InstanceType::Null, Value::Null)
        | (InstanceType::Boolean, Value::Bool(_))
        | (InstanceType::Object, Value::Object(_))
        | (InstanceType::Array, Value::Array(_))
        | (InstanceType::String, Value::String(_))
        | (InstanceType::Number, Value::Number(_)) => true,
        // Fractions are reported by the range check, with a clearer message.
        (InstanceType::Integer, Value::Number(_)) => true,
        _ => false,
    };
    match types {
        SingleOrVec::Single(one) => fits(**one),
        SingleOrVec::Vec(all) => all.iter().any(|t| fits(*t)),
    }
}

fn as_integer(v: &Value) -> Option<i128> {
    let Value::Number(n) = v else { return None };
    if let Some(i) = n.as_i64() {
        return Some(i.into());
    }
    n.as_u64().map(Into::into)
}

/// A value as a message shows it: its kind, and short values themselves.
pub(crate) fn shown(v: &Value) -> String {
    let text = v.to_string();
    let short = if text.chars().count() > 40 {
        format!("{}...", text.chars().take(40).collect::<String>())
    } else {
        text
    };
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(_) => format!("the number {short}"),
        Value::String(_) => format!("the string {short}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn type_diagnostic(path: String, expected: &str, v: &Value) -> Diagnostic {
    let help = match v {
        Value::String(s) if expected.contains("number") && s.trim().parse::<f64>().is_ok() => {
            format!("write {} without quotes", s.trim())
        }
        Value::String(s)
            if expected.contains("true or false") && matches!(s.as_str(), "true" | "false") =>
        {
            format!("write {s} without quotes")
        }
        Value::Number(n) if expected.contains("a string") => format!("quote it: \"{n}\""),
        _ => format!("write {expected} here (see `gen-tf schema`)"),
    };
    Diagnostic::new(
        &core::INVALID_TYPE,
        path,
        format!("expected {expected}, found {}", shown(v)),
    )
    .help(help)
}

/// A number as the stack wrote it, as far as JSON keeps it.
fn shown_number(v: &Value) -> String {
    let text = v.to_string();
    crate::diag::clip(&text, 40)
}

/// The names' own check explains itself as `what: how to fix`.
pub(crate) fn name_diagnostic(path: String, msg: &str) -> Diagnostic {
    let (what, fix) = msg.split_once(": ").unwrap_or((msg, ""));
    Diagnostic::new(&core::INVALID_NAME, path, what.to_owned()).help(fix.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::parse;

    fn codes_and_paths(v: &serde_json::Value) -> Vec<(&'static str, String)> {
        parse(v)
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.path))
            .collect()
    }

    #[test]
    fn reports_every_problem_not_the_first() {
        let v = json!({
            "name": "s",
            "servics": {},
            "services": {
                "a": { "cpu": "256", "memory": 512, "prot": 80 },
                "b": { "cpu": 256, "memory": -1, "runtime_platform": { "cpu_architecture": "arm64" } }
            }
        });
        assert_eq!(
            codes_and_paths(&v),
            vec![
                ("unknown-field", "servics".to_owned()),
                ("invalid-type", "services.a.cpu".to_owned()),
                ("unknown-field", "services.a.prot".to_owned()),
                ("out-of-range", "services.b.memory".to_owned()),
                (
                    "unknown-value",
                    "services.b.runtime_platform.cpu_architecture".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn unknown_fields_alone_still_give_a_stack() {
        let v = json!({ "name": "s", "services": { "a": { "cpu": 256, "memory": 512, "desired_cont": 2 } } });
        let parsed = parse(&v);
        assert_eq!(parsed.diagnostics.len(), 1);
        assert!(parsed.stack.is_some());
        // Any other structural problem: no stack, so no rule can misread it.
        let v = json!({ "name": "s", "services": { "a": { "cpu": 256, "memory": "x", "desired_cont": 2 } } });
        assert!(parse(&v).stack.is_none());
    }

    #[test]
    fn names_and_scratch() {
        let v = json!({ "name": "S", "_": { "anything": [1, 2] }, "services": { "a.b": { "cpu": 256, "memory": 512 } } });
        assert_eq!(
            codes_and_paths(&v),
            vec![
                ("invalid-name", "name".to_owned()),
                ("invalid-name", "services[\"a.b\"]".to_owned()),
            ]
        );
    }

    #[test]
    fn null_options_and_untagged_shapes() {
        let v = json!({
            "name": "s",
            "cluster": null,
            "services": { "a": { "cpu": 256, "memory": 512, "memory_reservation": { "strategy": "dynamic" }, "image": null } }
        });
        let parsed = parse(&v);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert!(parsed.stack.is_some());
        let v = json!({ "name": "s", "services": { "a": { "cpu": 256, "memory": 512, "memory_reservation": { "strategy": "x" } } } });
        assert_eq!(
            codes_and_paths(&v),
            vec![(
                "unknown-value",
                "services.a.memory_reservation.strategy".to_owned()
            )]
        );
    }

    #[test]
    fn root_must_be_an_object() {
        assert_eq!(
            codes_and_paths(&json!([1])),
            vec![("invalid-type", String::new())]
        );
    }

    /// The committed schema is the model's: the file parses, and equals what schemars
    /// generates from the types now (the structural pass walks the generated one).
    #[test]
    fn the_committed_schema_is_the_models() {
        let committed: schemars::schema::RootSchema = serde_json::from_str(super::COMMITTED_SCHEMA)
            .expect("schemas/stack.schema.json parses as a JSON Schema");
        assert!(
            committed == schemars::schema_for!(crate::model::Stack),
            "schemas/stack.schema.json is stale: cargo run -- schema > schemas/stack.schema.json"
        );
    }
}

//! The shape the code keeps (ARCHITECTURE.md): no function in `src/` longer than 100 lines, so
//! that every function reads in one sitting; no `unwrap_or` on stack data in `src/lower/`,
//! where every default has already been resolved; and imports that go one way: `resolve`,
//! `lower`, `facts` and `model` never import `validate`, `model` imports no other stage, `facts`
//! only `model`, `ir` no printer, and no two files import each other, directly or in a ring.
//! And the public surface: `src/lib.rs` exports exactly the list below (`SURFACE`) and keeps
//! `#![warn(unreachable_pub)]`, so a new public item is a decision, not drift.
//!
//! The import graph counts `use` trees and `crate::`, `super::` and `self::` paths in code,
//! outside `#[cfg(test)]` items and `tests.rs` files (test code may reach anything). A parent
//! module naming its own child by a bare path (`child::f()`) is the module tree, not an import.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const MAX_FN_LINES: usize = 100;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("src/ is readable");
        if entry.path().extension().is_some_and(|e| e == "rs") {
            out.push(entry.into_path());
        }
    }
    out
}

/// The source with comments, string and char literals blanked out (newlines kept), so that
/// braces and keywords in them do not count.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let keep_lines = |s: &[char], out: &mut String| {
        out.extend(s.iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
    };
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(&['/', '/']) {
            i + rest.iter().position(|&c| c == '\n').unwrap_or(rest.len())
        } else if rest.starts_with(&['/', '*']) {
            i + 2 + find(&rest[2..], &['*', '/']).map_or(rest.len() - 2, |p| p + 2)
        } else if rest[0] == 'r' && (rest.get(1) == Some(&'"') || rest.get(1) == Some(&'#')) {
            let hashes = rest[1..].iter().take_while(|&&c| c == '#').count();
            if rest.get(1 + hashes) == Some(&'"') {
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let body = 2 + hashes;
                i + body
                    + find(&rest[body..], &close).map_or(rest.len() - body, |p| p + close.len())
            } else {
                i + 1
            }
        } else if rest[0] == '"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != '"' {
                j += if rest[j] == '\\' { 2 } else { 1 };
            }
            i + j + 1
        } else if rest[0] == '\'' && (rest.get(1) == Some(&'\\') || rest.get(2) == Some(&'\'')) {
            let mut j = 1;
            while j < rest.len() && rest[j] != '\'' {
                j += if rest[j] == '\\' { 2 } else { 1 };
            }
            i + j + 1
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        let end = end.min(b.len());
        keep_lines(&b[i..end], &mut out);
        i = end;
    }
    out
}

fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `(name, first line, length in lines)` of every function with a body.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(at) = find_fn(line) else { continue };
        let name: String = line[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i32;
        let mut opened = false;
        'scan: for (n, l) in lines[start..].iter().enumerate() {
            let from = if n == 0 { at } else { 0 };
            for c in l[from..].chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened && depth == 0 => break 'scan,
                    _ => {}
                }
                if opened && depth == 0 {
                    out.push((name.clone(), start + 1, n + 1));
                    break 'scan;
                }
            }
        }
    }
    out
}

/// Where `fn <name>` starts on a line, as an item (not inside a word or a type like `Fn(`).
fn find_fn(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = line[from..].find("fn ") {
        let at = from + p;
        let before = line[..at].chars().last();
        if before.is_none_or(|c| c == ' ' || c == '\t' || c == '(') {
            return Some(at);
        }
        from = at + 3;
    }
    None
}

#[test]
fn no_function_is_longer_than_100_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (name, line, len) in functions(&code_only(&text)) {
            if len > MAX_FN_LINES {
                long.push(format!(
                    "{}:{line}: fn {name} is {len} lines",
                    file.display()
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these functions:\n{}",
        long.join("\n")
    );
}

#[test]
fn lowering_applies_no_defaults() {
    let lower = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lower");
    let mut found = Vec::new();
    for file in rust_files(&lower) {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (n, line) in code_only(&text).lines().enumerate() {
            if line.contains("unwrap_or") {
                found.push(format!("{}:{}", file.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "defaults belong in src/resolve/, not in lowering:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scanner_sees_through_strings_and_comments() {
    let code = code_only(
        "fn a() {\n    let s = \"}\"; // }\n    let c = '{';\n    let r = r#\"{\"#;\n}\nfn b<'x>(v: &'x str) {}\n",
    );
    assert_eq!(
        functions(&code),
        [("a".to_owned(), 1, 5), ("b".to_owned(), 6, 1)]
    );
}

// ---------------------------------------------------------------------------------------------
// The import graph: which file of `src/` names which other file, through `use` trees and through
// `crate::`, `super::` and `self::` paths in code. A path resolves to the file of its longest
// prefix that is a module (`src/a/b.rs` or `src/a/b/mod.rs` for `crate::a::b::Item`).

type Module = Vec<String>;

/// The module path of a file under `src/`: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).expect("under src/");
    let mut segs: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = segs.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        segs.push(stem.to_owned());
    }
    segs
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Path,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Other(char),
}

fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
            continue;
        }
        if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Other('0'));
            continue;
        }
        i += 1;
        out.push(match ch {
            ':' if c.get(i) == Some(&':') => {
                i += 1;
                Tok::Path
            }
            '{' => Tok::Open,
            '}' => Tok::Close,
            ',' => Tok::Comma,
            ';' => Tok::Semi,
            '*' => Tok::Star,
            c if c.is_whitespace() => continue,
            c => Tok::Other(c),
        });
    }
    out
}

/// Expands the use tree starting at `t[*i]` into full paths, leaving `*i` after it.
fn use_tree(t: &[Tok], i: &mut usize, prefix: &[String], out: &mut Vec<Module>) {
    let mut path = prefix.to_vec();
    while *i < t.len() {
        match &t[*i] {
            Tok::Ident(s) if s == "as" => {
                *i += 2;
                break;
            }
            Tok::Ident(s) => {
                if s != "self" || path.is_empty() {
                    path.push(s.clone());
                }
                *i += 1;
            }
            Tok::Path | Tok::Star => *i += 1,
            Tok::Open => {
                *i += 1;
                while *i < t.len() && t[*i] != Tok::Close {
                    if t[*i] == Tok::Comma {
                        *i += 1;
                        continue;
                    }
                    use_tree(t, i, &path, out);
                }
                *i += 1;
                return;
            }
            _ => break,
        }
    }
    out.push(path);
}

/// Every module path a file names, absolute (without the leading `crate`).
fn named_paths(module: &Module, code: &str, modules: &HashMap<Module, PathBuf>) -> Vec<Module> {
    let t = tokens(code);
    // The inline modules (`mod tests { .. }`) around each brace, so that `super` inside them
    // means the file's own module.
    let mut braces: Vec<Option<String>> = Vec::new();
    let mut raw: Vec<(Module, Module)> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if is_cfg_test(&t[i..]) {
            i = item_end(&t, i + 7);
            continue;
        }
        let here = || -> Module {
            let mut m = module.clone();
            m.extend(braces.iter().flatten().cloned());
            m
        };
        match &t[i] {
            Tok::Open => {
                let inline = match (i.checked_sub(2).map(|j| &t[j]), &t[i - 1]) {
                    (Some(Tok::Ident(m)), Tok::Ident(name)) if m == "mod" => Some(name.clone()),
                    _ => None,
                };
                braces.push(inline);
                i += 1;
            }
            Tok::Close => {
                braces.pop();
                i += 1;
            }
            Tok::Ident(u) if u == "use" => {
                i += 1;
                let mut paths = Vec::new();
                use_tree(&t, &mut i, &[], &mut paths);
                let at = here();
                raw.extend(paths.into_iter().map(|p| (at.clone(), p)));
            }
            Tok::Ident(s)
                if (s == "crate" || s == "super" || s == "self")
                    && t.get(i + 1) == Some(&Tok::Path) =>
            {
                let mut p = vec![s.clone()];
                i += 1;
                while t.get(i) == Some(&Tok::Path) {
                    match t.get(i + 1) {
                        Some(Tok::Ident(n)) => p.push(n.clone()),
                        _ => break,
                    }
                    i += 2;
                }
                raw.push((here(), p));
            }
            _ => i += 1,
        }
    }
    raw.into_iter()
        .filter_map(|(at, p)| absolute(&at, &p, modules))
        .collect()
}

/// Whether the tokens start with `#[cfg(test)]`.
fn is_cfg_test(t: &[Tok]) -> bool {
    let ident = |s: &str| Tok::Ident(s.to_owned());
    t.starts_with(&[
        Tok::Other('#'),
        Tok::Other('['),
        ident("cfg"),
        Tok::Other('('),
        ident("test"),
        Tok::Other(')'),
        Tok::Other(']'),
    ])
}

/// The index after the item starting at `t[i]`: after its `;`, or after the brace that closes
/// its first `{`.
fn item_end(t: &[Tok], mut i: usize) -> usize {
    let mut depth = 0;
    while i < t.len() {
        match t[i] {
            Tok::Semi if depth == 0 => return i + 1,
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

fn absolute(at: &Module, path: &[String], modules: &HashMap<Module, PathBuf>) -> Option<Module> {
    let first = path.first()?;
    let mut base = match first.as_str() {
        "crate" => Vec::new(),
        "self" | "super" => at.clone(),
        name if modules.contains_key(&[at.clone(), vec![name.to_owned()]].concat()) => at.clone(),
        _ => return None,
    };
    let mut rest = path;
    if first == "crate" || first == "self" {
        rest = &path[1..];
    }
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// `file -> files it names`, for every file of `src/` but `main.rs` (its own crate); read once
/// for all the tests that ask.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    static GRAPH: std::sync::OnceLock<BTreeMap<String, BTreeSet<String>>> =
        std::sync::OnceLock::new();
    GRAPH.get_or_init(read_import_graph).clone()
}

fn read_import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files: Vec<PathBuf> = rust_files(&src)
        .into_iter()
        .filter(|f| !f.ends_with("main.rs") && !f.ends_with("tests.rs"))
        .collect();
    let modules: HashMap<Module, PathBuf> = files
        .iter()
        .map(|f| (module_of(&src, f), f.clone()))
        .collect();
    let name = |f: &Path| {
        f.strip_prefix(&src)
            .expect("under src/")
            .display()
            .to_string()
    };
    let mut graph = BTreeMap::new();
    for file in &files {
        let code = code_only(&std::fs::read_to_string(file).expect("readable"));
        let mut targets = BTreeSet::new();
        for mut path in named_paths(&module_of(&src, file), &code, &modules) {
            while !modules.contains_key(&path) {
                path.pop();
            }
            let target = &modules[&path];
            if target != file {
                targets.insert(name(target));
            }
        }
        graph.insert(name(file), targets);
    }
    graph
}

/// The strongly connected components of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w.as_str()) {
                visit(s, w);
                let lw = s.low[w.as_str()];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on.contains(w.as_str()) {
                let iw = s.index[w.as_str()];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                scc.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                s.out.push(scc);
            }
        }
    }
    let mut s = State {
        graph,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// The files of `src/` under `dir/` (or the file `dir.rs`), as the graph names them.
fn in_stage(file: &str, stage: &str) -> bool {
    file.starts_with(&format!("{stage}/")) || file == format!("{stage}.rs")
}

/// `from -> to` edges where a file of one of `stages` names a file outside `allowed`.
fn imports_outside(stages: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for (file, targets) in import_graph() {
        if !stages.iter().any(|s| in_stage(&file, s)) {
            continue;
        }
        for t in targets {
            if !allowed.iter().any(|a| in_stage(&t, a)) {
                bad.push(format!("src/{file} -> src/{t}"));
            }
        }
    }
    bad
}

/// `from -> to` edges where a file of one of `stages` names a file of `forbidden`.
fn imports_of(stages: &[&str], forbidden: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (file, targets) in import_graph() {
        if stages.iter().any(|s| in_stage(&file, s)) {
            bad.extend(
                targets
                    .iter()
                    .filter(|t| in_stage(t, forbidden))
                    .map(|t| format!("src/{file} -> src/{t}")),
            );
        }
    }
    bad
}

#[test]
fn resolve_and_lower_do_not_import_validate() {
    let bad = imports_of(&["resolve", "lower", "facts", "model"], "validate");
    assert!(
        bad.is_empty(),
        "the rules read the resolved stack, never the other way (move shared facts to src/facts/):\n{}",
        bad.join("\n")
    );
}

#[test]
fn model_imports_no_other_stage() {
    let bad = imports_outside(&["model"], &["model", "diag"]);
    assert!(
        bad.is_empty(),
        "src/model/ holds plain serde types; defaults and derived facts belong in src/resolve/ or src/facts/:\n{}",
        bad.join("\n")
    );
}

#[test]
fn facts_import_only_the_model() {
    let bad = imports_outside(&["facts"], &["facts", "model"]);
    assert!(
        bad.is_empty(),
        "src/facts/ sits below resolve and validate:\n{}",
        bad.join("\n")
    );
}

#[test]
fn ir_does_not_import_emit() {
    let bad = imports_of(&["ir"], "emit");
    assert!(
        bad.is_empty(),
        "the IR is what the printers read; it names no printer:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_file_level_import_cycle() {
    let found: Vec<String> = cycles(&import_graph())
        .iter()
        .map(|c| c.join(" <-> "))
        .collect();
    assert!(
        found.is_empty(),
        "these files import each other, directly or in a ring; move what they share into a file below them:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_cycle_finder_finds_rings() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", &["b"][..]),
        ("b", &["c"]),
        ("c", &["a"]),
        ("d", &["a"]),
    ]
    .iter()
    .map(|(f, ts)| (f.to_string(), ts.iter().map(|t| t.to_string()).collect()))
    .collect();
    assert_eq!(cycles(&graph), [["a", "b", "c"]]);
}

#[test]
fn the_import_scanner_reads_use_trees_and_paths() {
    let mut modules = HashMap::new();
    for m in [
        vec![],
        vec!["a"],
        vec!["a", "b"],
        vec!["c"],
        vec!["d"],
        vec!["e"],
    ] {
        let m: Module = m.into_iter().map(str::to_owned).collect();
        modules.insert(m.clone(), PathBuf::from(m.join("/")));
    }
    let code = code_only(
        "use crate::a::{b::{self, X}, Y as Z};\nuse super::c;\nfn f() { crate::d::g(); }\n#[cfg(test)]\nmod tests { use crate::e; }\nmod inner { use super::b::W; }\n",
    );
    let at: Module = vec!["a".to_owned()];
    let mut got = named_paths(&at, &code, &modules);
    got.sort();
    let want: Vec<Module> = [
        &["a", "Y"][..],
        &["a", "b"],
        &["a", "b", "W"],
        &["a", "b", "X"],
        &["c"],
        &["d", "g"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| (*s).to_owned()).collect())
    .collect();
    assert_eq!(got, want);
}

#[test]
fn the_model_applies_no_defaults() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
    let mut found = Vec::new();
    for file in rust_files(&model) {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (n, line) in code_only(&text).lines().enumerate() {
            if line.contains("_or_default(") && !line.contains("unwrap_or_default(") {
                found.push(format!("{}:{}", file.display(), n + 1));
            }
            // A value with a fallback is a default (or a derived fact): resolve's job. The
            // schema-driven structural pass reads JSON Schema, not the stack, and may.
            let fallback = [".unwrap_or(", ".unwrap_or_else(", ".is_none_or("]
                .iter()
                .any(|f| line.contains(f));
            if fallback && !file.ends_with("structure.rs") {
                found.push(format!("{}:{}", file.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "src/model/ holds the stack as written; put the default in src/resolve/defaults.rs (a derived fact: src/resolve/derived.rs):\n{}",
        found.join("\n")
    );
}

/// What `src/validate/` may name in `src/model/`, and why.
const VALIDATE_MAY_NAME_IN_MODEL: &[(&str, &str)] = &[
    (
        "model/aws.rs",
        "the syntax of ARNs, regions and EC2 IDs: a value's form, not the stack",
    ),
    (
        "model/names.rs",
        "the checked name types (ServiceName) that the resolved stack keeps",
    ),
];

/// The one file of `src/validate/` that takes the model itself: the entry point, which
/// resolves it before any rule runs.
const VALIDATE_TAKES_THE_MODEL: &[&str] = &["validate/mod.rs"];

/// Every rule reads only the resolved stack: no file of `src/validate/` but its entry point
/// names anything in `src/model/` beyond ARN syntax and the checked names. What a rule needs
/// to know about the stack as written, the resolved type keeps (`written_*` fields, an
/// `Option`, a flag).
#[test]
fn rules_read_only_the_resolved_stack() {
    let mut bad = Vec::new();
    for (file, targets) in import_graph() {
        if !in_stage(&file, "validate") || VALIDATE_TAKES_THE_MODEL.contains(&file.as_str()) {
            continue;
        }
        for t in targets.iter().filter(|t| in_stage(t, "model")) {
            if !VALIDATE_MAY_NAME_IN_MODEL.iter().any(|(ok, _)| ok == t) {
                bad.push(format!("src/{file} -> src/{t}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a rule reads only the resolved stack; put what it needs on the resolved type in \
         src/resolve/:\n{}",
        bad.join("\n")
    );
}

/// The catalogue registers every family as one that reads the resolved stack: the
/// model-reading registration is gone, and does not come back.
#[test]
fn the_catalogue_has_no_model_reading_family() {
    let rules = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/validate/rules.rs"),
    )
    .expect("readable");
    let registered = rules
        .lines()
        .filter(|l| l.trim().starts_with("resolved("))
        .count();
    assert!(registered >= 28, "{registered} families registered");
    for banned in ["family(", "Check::Model", "&Stack", "crate::model"] {
        assert!(
            !rules.contains(banned),
            "src/validate/rules.rs names {banned}: every family reads only &Resolved"
        );
    }
}

/// The public surface, as `src/lib.rs` declares it: `mod NAME` for a public module, `use PATH`
/// (`as ALIAS`) for a re-export, each prefixed by the inline public module it sits in
/// (`rules::`). Changing it is a decision: add the entry here and its reason in lib.rs.
const SURFACE: &[&str] = &[
    "mod diag",
    "mod emit",
    "mod import",
    "mod ir",
    "mod model",
    "mod pipeline",
    "mod provider_schema",
    "mod report",
    "mod rules",
    "rules::use crate::platform::RULES as PLATFORM",
    "rules::use crate::validate::rules::all",
    "rules::use crate::validate::rules::find",
    "rules::use crate::validate::rules::markdown_table",
    "use cli::main",
    "use cli::discover",
    "use facts::fargate",
    "use load::line_of",
    "use load::load",
    "use load::LoadError",
    "use load::LoadOptions",
    "use load::Loaded",
    "use platform::PlatformFile",
    "use write::is_generated",
];

/// A `use` tree expanded into full paths, each with its `as` alias; leaves `*i` after it.
fn exported_tree(t: &[Tok], i: &mut usize, prefix: &[String], out: &mut Vec<String>) {
    let mut path = prefix.to_vec();
    while *i < t.len() {
        match &t[*i] {
            Tok::Ident(s) if s == "as" => {
                if let Some(Tok::Ident(alias)) = t.get(*i + 1) {
                    out.push(format!("{} as {alias}", path.join("::")));
                }
                *i += 2;
                return;
            }
            Tok::Ident(s) => {
                path.push(s.clone());
                *i += 1;
            }
            Tok::Path => *i += 1,
            Tok::Star => {
                path.push("*".to_owned());
                *i += 1;
            }
            Tok::Open => {
                *i += 1;
                while *i < t.len() && t[*i] != Tok::Close {
                    if t[*i] == Tok::Comma {
                        *i += 1;
                        continue;
                    }
                    exported_tree(t, i, &path, out);
                }
                *i += 1;
                return;
            }
            _ => break,
        }
    }
    out.push(path.join("::"));
}

/// What `src/lib.rs` makes public: `pub mod` and `pub use` items, in inline `pub mod` blocks
/// too. `pub(crate)` and private items are not the surface.
fn lib_surface(lib: &str) -> BTreeSet<String> {
    let t = tokens(&code_only(lib));
    let mut out = BTreeSet::new();
    // The inline public modules we are in, with the brace depth each opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < t.len() {
        let prefix: String = inline.iter().map(|(m, _)| format!("{m}::")).collect();
        match (&t[i], t.get(i + 1), t.get(i + 2), t.get(i + 3)) {
            (Tok::Ident(p), Some(Tok::Ident(m)), Some(Tok::Ident(name)), next)
                if p == "pub" && m == "mod" =>
            {
                out.insert(format!("{prefix}mod {name}"));
                if next == Some(&Tok::Open) {
                    depth += 1;
                    inline.push((name.clone(), depth));
                }
                i += 4;
            }
            (Tok::Ident(p), Some(Tok::Ident(u)), ..) if p == "pub" && u == "use" => {
                i += 2;
                let mut paths = Vec::new();
                exported_tree(&t, &mut i, &[], &mut paths);
                out.extend(paths.into_iter().map(|p| format!("{prefix}use {p}")));
            }
            (Tok::Open, ..) => {
                depth += 1;
                i += 1;
            }
            (Tok::Close, ..) => {
                if inline.last().is_some_and(|&(_, d)| d == depth) {
                    inline.pop();
                }
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn lib_exports_only_the_chosen_surface() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("src/lib.rs");
    let have = lib_surface(&lib);
    let chosen: BTreeSet<String> = SURFACE.iter().map(|s| (*s).to_owned()).collect();
    let added: Vec<&String> = have.difference(&chosen).collect();
    let gone: Vec<&String> = chosen.difference(&have).collect();
    assert!(
        added.is_empty() && gone.is_empty(),
        "src/lib.rs exports what is not on the chosen surface (tests/code_shape.rs, SURFACE): \
         make it private, or add it there with its reason in lib.rs (ARCHITECTURE.md, \
         \"Public surface\").\n  exported, not chosen: {added:?}\n  chosen, not exported: {gone:?}"
    );
    // Everything else is narrowed by the compiler: a `pub` item the surface does not reach is a
    // warning, and CI denies warnings.
    assert!(
        lib.contains("#![warn(unreachable_pub)]"),
        "src/lib.rs must keep #![warn(unreachable_pub)]"
    );
}

#[test]
fn the_surface_scanner_reads_pub_items_only() {
    let lib = "//! pub mod not_this;\n#![warn(unreachable_pub)]\nmod private;\n\
               pub(crate) mod narrowed;\n/// Doc.\npub mod open;\npub use a::{b, c::{D, E as F}};\n\
               pub(crate) use x::Y;\npub mod inline {\n    pub use crate::p::Q as R;\n    fn f() { }\n}\n\
               pub use last::One;\n";
    let got: Vec<String> = lib_surface(lib).into_iter().collect();
    assert_eq!(
        got,
        [
            "inline::use crate::p::Q as R",
            "mod inline",
            "mod open",
            "use a::b",
            "use a::c::D",
            "use a::c::E as F",
            "use last::One",
        ]
    );
}

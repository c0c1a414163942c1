//! The shape the code keeps (ARCHITECTURE.md): no function in `src/` longer than 100 lines, so
//! that every function reads in one sitting, and no `unwrap_or` on stack data in `src/lower/`,
//! where every default has already been resolved.

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

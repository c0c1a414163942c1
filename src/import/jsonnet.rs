//! A stack value as Jsonnet text, formatted like the examples: two-space indentation, bare
//! keys, single-quoted strings, trailing commas, short objects and lists on one line, and
//! comment lines before the keys that have them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::resolve::derived::format_number;

/// Lines longer than this are broken up.
const WIDTH: usize = 100;

const KEYWORDS: &[&str] = &[
    "assert",
    "else",
    "error",
    "false",
    "for",
    "function",
    "if",
    "import",
    "importstr",
    "importbin",
    "in",
    "local",
    "null",
    "tailstrict",
    "then",
    "self",
    "super",
    "true",
];

/// The stack as a Jsonnet file: `header` lines as `//` comments first, then the value, with
/// `comments` (by dotted key path) before their keys, and `helpers` (Jsonnet that evaluates to
/// the value at their path) instead of those values.
pub(crate) fn render(
    header: &[String],
    value: &Value,
    comments: &BTreeMap<String, Vec<String>>,
    helpers: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    for line in header {
        comment_line(&mut out, "", line);
    }
    if !helpers.is_empty() {
        out.push_str("local g = import 'gen-tf.libsonnet';\n\n");
    }
    let cx = Cx { comments, helpers };
    write(&mut out, value, "", "", &cx);
    out.push('\n');
    out
}

/// What is written at a path besides the value: comments before it, or a helper instead.
struct Cx<'a> {
    comments: &'a BTreeMap<String, Vec<String>>,
    helpers: &'a BTreeMap<String, String>,
}

fn comment_line(out: &mut String, indent: &str, line: &str) {
    if line.is_empty() {
        out.push_str(&format!("{indent}//\n"));
    } else {
        out.push_str(&format!("{indent}// {line}\n"));
    }
}

fn key(k: &str) -> String {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident && !KEYWORDS.contains(&k) {
        k.to_owned()
    } else {
        string(k)
    }
}

/// A single-quoted Jsonnet string.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => format_number(f),
            _ => n.to_string(),
        },
        Value::String(s) => string(s),
        _ => unreachable!("containers are written by `write`"),
    }
}

/// The value on one line, when nothing below it has a comment.
fn inline(v: &Value, path: &str, cx: &Cx<'_>) -> Option<String> {
    if let Some(h) = cx.helpers.get(path) {
        return Some(h.clone());
    }
    match v {
        Value::Object(o) if o.is_empty() => Some("{}".to_owned()),
        Value::Array(a) if a.is_empty() => Some("[]".to_owned()),
        Value::Object(o) => {
            let parts = o
                .iter()
                .map(|(k, x)| {
                    let p = join(path, k);
                    if cx.comments.contains_key(&p) {
                        return None;
                    }
                    Some(format!("{}: {}", key(k), inline(x, &p, cx)?))
                })
                .collect::<Option<Vec<_>>>()?;
            Some(format!("{{ {} }}", parts.join(", ")))
        }
        Value::Array(a) => {
            let parts = a
                .iter()
                .map(|x| inline(x, path, cx))
                .collect::<Option<Vec<_>>>()?;
            Some(format!("[{}]", parts.join(", ")))
        }
        v => Some(scalar(v)),
    }
}

fn join(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_owned()
    } else {
        format!("{path}.{k}")
    }
}

/// Writes `v` at the current position (after `prefix` on a line indented by `indent`).
fn write(out: &mut String, v: &Value, indent: &str, path: &str, cx: &Cx<'_>) {
    if let Some(h) = cx.helpers.get(path) {
        out.push_str(h);
        return;
    }
    // The root is always broken up, like every example.
    if !path.is_empty() {
        if let Some(one) = inline(v, path, cx) {
            let line_start = out.rfind('\n').map_or(0, |i| i + 1);
            if out.len() - line_start + one.len() < WIDTH {
                out.push_str(&one);
                return;
            }
        }
    }
    let inner = format!("{indent}  ");
    match v {
        Value::Object(o) if !o.is_empty() => {
            out.push_str("{\n");
            for (k, x) in o {
                let p = join(path, k);
                for line in cx.comments.get(&p).into_iter().flatten() {
                    comment_line(out, &inner, line);
                }
                out.push_str(&format!("{inner}{}: ", key(k)));
                write(out, x, &inner, &p, cx);
                out.push_str(",\n");
            }
            out.push_str(&format!("{indent}}}"));
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for x in a {
                out.push_str(&inner);
                write(out, x, &inner, path, cx);
                out.push_str(",\n");
            }
            out.push_str(&format!("{indent}]"));
        }
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        v => out.push_str(&scalar(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_like_the_examples() {
        let v = json!({
            "name": "web",
            "services": { "api": {
                "cpu": 256,
                "target": 60.0,
                "environment": [{ "name": "A", "value": "it's" }],
                "tags": { "cost-center": "x" },
            }},
        });
        let mut c = BTreeMap::new();
        c.insert(
            "services.api".to_owned(),
            vec!["Adopted from arn".to_owned()],
        );
        let text = render(&["Imported".to_owned()], &v, &c, &BTreeMap::new());
        assert_eq!(
            text,
            "// Imported\n{\n  name: 'web',\n  services: {\n    // Adopted from arn\n    api: {\n      cpu: 256,\n      target: 60,\n      environment: [{ name: 'A', value: 'it\\'s' }],\n      tags: { 'cost-center': 'x' },\n    },\n  },\n}\n"
        );
    }
}

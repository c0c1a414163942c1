//! Terraform JSON syntax (`*.tf.json`) for the same IR the HCL printer takes.
//!
//! The mapping follows HashiCorp's "JSON Configuration Syntax" page: a block is nested objects,
//! one level per label; JSON strings are string templates, so literal text has `${` and `%{`
//! doubled and anything that is not a literal becomes `"${...}"`; some arguments are read
//! literally or as bare references instead, listed in [`mode`].

use serde_json::{Map, Value};

use super::hcl::{inline, template_text};
use super::text::{comment_lines, escape_markers, HEADER};
use crate::ir::{self, Expr, Item};

/// The whole `.tf.json` file: pretty JSON with 2-space indents and a trailing newline. The
/// header goes into the root `"//"` property, the one comment form Terraform JSON has.
pub fn print_file(body: &ir::Body) -> String {
    let mut root = Map::new();
    let mut rest = match to_value(body) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let header = Value::String(HEADER.trim_start_matches("# ").to_owned());
    let comment = match rest.shift_remove("//") {
        Some(Value::Array(mut more)) => {
            more.insert(0, header);
            Value::Array(more)
        }
        Some(other) => Value::Array(vec![header, other]),
        None => header,
    };
    root.insert("//".to_owned(), comment);
    root.append(&mut rest);
    let text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    let mut text = super::escape_invisible_json(text);
    text.push('\n');
    text
}

/// The body as a JSON value without the header, for tests that compare it with the HCL form.
pub fn to_value(body: &ir::Body) -> Value {
    let mut root = Map::new();
    let mut comments = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for item in &body.items {
        match item {
            Item::Comment(c) => pending.push(c.clone()),
            Item::Attribute(a) => {
                comments.append(&mut pending);
                let (key, v) = argument(a, &[]);
                root.insert(key, v);
            }
            Item::Block(b) if b.ident.as_str() == "locals" => {
                comments.append(&mut pending);
                let locals = root
                    .entry("locals")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let (Value::Object(into), Value::Object(mut from)) =
                    (locals, block_body(&b.body, &["locals"], Vec::new()))
                {
                    into.append(&mut from);
                }
            }
            Item::Block(b) => {
                let ident = b.ident.as_str();
                let body = block_body(&b.body, &[ident], std::mem::take(&mut pending));
                let labels: Vec<&str> = b.labels.iter().map(String::as_str).collect();
                insert_labelled(&mut root, ident, &labels, body);
            }
        }
    }
    comments.append(&mut pending);
    if let Some(c) = comment_value(comments) {
        root.insert("//".to_owned(), c);
    }
    Value::Object(root)
}

/// Puts a top-level block at `root[ident][label]...`; a second block at the same place turns the
/// value into an array of bodies, as the spec allows for repeated blocks.
fn insert_labelled(root: &mut Map<String, Value>, ident: &str, labels: &[&str], body: Value) {
    let mut slot = root.entry(ident.to_owned()).or_insert(Value::Null);
    for label in labels {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(m) = slot else {
            unreachable!()
        };
        slot = m.entry((*label).to_owned()).or_insert(Value::Null);
    }
    match slot {
        Value::Null => *slot = body,
        Value::Array(bodies) => bodies.push(body),
        other => *other = Value::Array(vec![other.take(), body]),
    }
}

/// A block body. `path` is the chain of block types from the top level, which decides how
/// arguments are read; `comments` are the comment lines written just before the block.
fn block_body(body: &ir::Body, path: &[&str], mut comments: Vec<String>) -> Value {
    let mut map = Map::new();
    // Nested blocks of one type become one property, an array when there are several.
    let mut blocks: Vec<(&str, Vec<Value>)> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for item in &body.items {
        match item {
            Item::Comment(c) => pending.push(c.clone()),
            Item::Attribute(a) => {
                comments.append(&mut pending);
                let (key, v) = argument(a, path);
                map.insert(key, v);
            }
            Item::Block(b) => {
                let ident = b.ident.as_str();
                let mut inner_path = path.to_vec();
                inner_path.push(ident);
                let mut v = block_body(&b.body, &inner_path, std::mem::take(&mut pending));
                for label in b.labels.iter().rev() {
                    let mut m = Map::new();
                    m.insert(label.clone(), v);
                    v = Value::Object(m);
                }
                match blocks.iter_mut().find(|(i, _)| *i == ident) {
                    Some((_, list)) => list.push(v),
                    None => {
                        map.insert(ident.to_owned(), Value::Null);
                        blocks.push((ident, vec![v]));
                    }
                }
            }
        }
    }
    comments.append(&mut pending);
    for (ident, mut list) in blocks {
        let v = if list.len() == 1 {
            list.remove(0)
        } else {
            Value::Array(list)
        };
        map.insert(ident.to_owned(), v);
    }
    let mut out = Map::new();
    if let Some(c) = comment_value(comments) {
        out.insert("//".to_owned(), c);
    }
    out.append(&mut map);
    Value::Object(out)
}

/// One string per comment line, cut as the HCL printer cuts them; a lone line stays a string.
fn comment_value(comments: Vec<String>) -> Option<Value> {
    let mut lines: Vec<Value> = comments
        .iter()
        .flat_map(|c| comment_lines(c))
        .map(Value::String)
        .collect();
    match lines.len() {
        0 => None,
        1 => lines.pop(),
        _ => Some(Value::Array(lines)),
    }
}

/// How Terraform reads a JSON property value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// The general rule: strings are templates.
    Template,
    /// Taken literally: strings are not templates (`variable` defaults, `terraform` settings).
    Literal,
    /// A bare reference or keyword such as `"aws_iam_role.x"` (`depends_on`, `ignore_changes`).
    Reference,
    /// A type constraint written as a string, `"list(string)"`.
    Type,
}

/// The block-type-specific exceptions of the JSON syntax page, keyed by block path and argument.
/// An argument as a JSON property: its key, and its value read as the block path says (at the
/// top level, where `path` is empty, every string is a template).
fn argument(a: &ir::Attribute, path: &[&str]) -> (String, Value) {
    let key = a.key.as_str();
    (key.to_owned(), value(&a.expr, mode(path, key)))
}

fn mode(path: &[&str], key: &str) -> Mode {
    match (path, key) {
        (["terraform", ..], _) => Mode::Literal,
        (["variable"], "type") => Mode::Type,
        (["variable"], "default" | "description" | "sensitive" | "nullable" | "ephemeral") => {
            Mode::Literal
        }
        (["output"], "description" | "sensitive" | "ephemeral") => Mode::Literal,
        (["module"], "source" | "version") => Mode::Literal,
        (["provider"], "alias" | "version") => Mode::Literal,
        ([.., "connection"], "type") => Mode::Literal,
        ([_], "depends_on" | "provider" | "providers") => Mode::Reference,
        (["resource" | "data", "lifecycle"], "ignore_changes" | "replace_triggered_by") => {
            Mode::Reference
        }
        (["moved" | "removed"], "from" | "to") | (["import"], "to") => Mode::Reference,
        _ => Mode::Template,
    }
}

fn value(e: &Expr, mode: Mode) -> Value {
    match e {
        Expr::Null => Value::Null,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Number(n) => number(n),
        Expr::Str(s) => Value::String(text(s, mode)),
        Expr::Array(items) if mode != Mode::Type => {
            Value::Array(items.iter().map(|i| value(i, mode)).collect())
        }
        // Object keys in expressions are templates too (the JSON spec allows interpolated keys).
        Expr::Object(entries) if mode != Mode::Type => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (text(k, mode), value(v, mode)))
                .collect(),
        ),
        // Literal parts are spelled for a JSON template, which has no backslash escapes;
        // serde_json adds JSON's own.
        Expr::Template(parts) => Value::String(template_text(parts, escape_markers)),
        _ => match mode {
            Mode::Reference | Mode::Type => Value::String(inline(e)),
            Mode::Template | Mode::Literal => Value::String(format!("${{{}}}", inline(e))),
        },
    }
}

/// Plain text as a JSON string that `mode` reads back as that text.
fn text(s: &str, mode: Mode) -> String {
    match mode {
        Mode::Template => escape_markers(s),
        Mode::Literal | Mode::Reference | Mode::Type => s.to_owned(),
    }
}

fn number(n: &::hcl::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::from(i)
    } else if let Some(u) = n.as_u64() {
        Value::from(u)
    } else {
        n.as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number)
    }
}

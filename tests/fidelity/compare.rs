//! What "the same Terraform" means, for one generated file in three spellings: the IR, the HCL
//! text read back by hcl-rs, and the `.tf.json` text read back by serde_json.
//!
//! Each spelling is brought to one canonical hcl-rs [`Expression`] per attribute, so that only
//! differences Terraform would see are reported: parentheses, quoted versus bare object keys,
//! `"${x}"` versus `x`, escapes versus raw characters, and a JSON string versus the HCL template
//! it stands for all compare equal. Templates become a synthetic call `__template(parts...)`
//! with their literal parts decoded, so a template compares by what it evaluates to and not by
//! how hcl-edit or the printer chose to escape it.

use gen_tf::emit::{hcl as emit_hcl, json as emit_json};
use gen_tf::ir::{self, Item};
use hcl::expr::{
    BinaryOp, Conditional, Expression, FuncCall, ObjectKey, Operation, TemplateExpr,
    TraversalOperator, UnaryOp, UnaryOperator,
};
use hcl::template::{Element, Strip, Template};
use hcl::{Identifier, Structure};
use serde_json::{Map, Value};

pub type Outcome = Result<(), String>;

/// The canonical form of an expression (see the module docs).
pub fn canon(e: &Expression) -> Result<Expression, String> {
    Ok(match e {
        Expression::Parenthesis(inner) => canon(inner)?,
        Expression::Number(n) => number(n),
        Expression::Array(items) => {
            Expression::Array(items.iter().map(canon).collect::<Result<_, _>>()?)
        }
        Expression::Object(obj) => Expression::Object(
            obj.iter()
                .map(|(k, v)| Ok((ObjectKey::Expression(key(k)?), canon(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        Expression::TemplateExpr(t) => match t.as_ref() {
            // A quoted string's literal parts still carry their backslash escapes: hcl-rs keeps
            // the source spelling, and `Template::from_str` reads template syntax only.
            TemplateExpr::QuotedString(raw) => template(&parse_template(raw)?, true)?,
            TemplateExpr::Heredoc(h) => template(&parse_template(&h.template)?, false)?,
        },
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => match (u.operator, canon(&u.expr)?) {
                (UnaryOperator::Neg, Expression::Number(n)) => number(&-n),
                (op, e) => Expression::from(UnaryOp::new(op, e)),
            },
            Operation::Binary(b) => Expression::from(BinaryOp::new(
                canon(&b.lhs_expr)?,
                b.operator,
                canon(&b.rhs_expr)?,
            )),
        },
        Expression::FuncCall(f) => {
            let mut f = f.as_ref().clone();
            f.args = f.args.iter().map(canon).collect::<Result<_, _>>()?;
            Expression::FuncCall(Box::new(f))
        }
        Expression::Conditional(c) => Expression::from(Conditional::new(
            canon(&c.cond_expr)?,
            canon(&c.true_expr)?,
            canon(&c.false_expr)?,
        )),
        Expression::ForExpr(f) => {
            let mut f = f.as_ref().clone();
            f.collection_expr = canon(&f.collection_expr)?;
            f.key_expr = f.key_expr.as_ref().map(canon).transpose()?;
            f.value_expr = canon(&f.value_expr)?;
            f.cond_expr = f.cond_expr.as_ref().map(canon).transpose()?;
            Expression::ForExpr(Box::new(f))
        }
        Expression::Traversal(t) => {
            let mut ops = Vec::new();
            for op in &t.operators {
                ops.push(match op {
                    TraversalOperator::Index(i) => TraversalOperator::Index(canon(i)?),
                    other => other.clone(),
                });
            }
            // `a.b` parsed from `(a).b` nests traversals; flatten them.
            match canon(&t.expr)? {
                Expression::Traversal(inner) => {
                    let mut inner = *inner;
                    inner.operators.extend(ops);
                    Expression::Traversal(Box::new(inner))
                }
                expr => {
                    let mut t = t.as_ref().clone();
                    t.expr = expr;
                    t.operators = ops;
                    Expression::Traversal(Box::new(t))
                }
            }
        }
        other => other.clone(),
    })
}

/// A bare identifier key is its own name as a string.
fn key(k: &ObjectKey) -> Result<Expression, String> {
    match k {
        ObjectKey::Identifier(id) => Ok(Expression::String(id.to_string())),
        ObjectKey::Expression(e) => canon(e),
        other => Err(format!("unknown object key kind {other:?}")),
    }
}

/// Whole numbers as integers and the rest as floats, so `1`, `1.0` and JSON's `1` agree.
fn number(n: &hcl::Number) -> Expression {
    let f = n.as_f64().unwrap_or(f64::NAN);
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Expression::Number(hcl::Number::from(f as i64))
    } else {
        Expression::Number(hcl::Number::from_f64(f).unwrap_or(*n))
    }
}

fn parse_template(text: &str) -> Result<Template, String> {
    text.parse::<Template>()
        .map_err(|e| format!("not a template: {text:?}: {e}"))
}

/// A template's canonical form: its literal text when it has no interpolation, the one
/// interpolated expression when it is nothing else, else `__template(parts...)`. gen-tf never
/// writes directives or strip markers, so meeting one means user text became template syntax.
fn template(t: &Template, quoted: bool) -> Result<Expression, String> {
    let mut parts: Vec<Expression> = Vec::new();
    let push_literal = |parts: &mut Vec<Expression>, s: String| match parts.last_mut() {
        Some(Expression::String(prev)) => prev.push_str(&s),
        _ => parts.push(Expression::String(s)),
    };
    for element in t.elements() {
        match element {
            Element::Literal(s) => {
                let s = if quoted { unescape(s)? } else { s.clone() };
                push_literal(&mut parts, s);
            }
            Element::Interpolation(i) => {
                if i.strip != Strip::None {
                    return Err(format!("a strip marker in an interpolation: {t}"));
                }
                match canon(&i.expr)? {
                    Expression::String(s) => push_literal(&mut parts, s),
                    e => parts.push(e),
                }
            }
            Element::Directive(d) => {
                return Err(format!("a template directive in generated output: {d:?}"))
            }
        }
    }
    Ok(match parts.len() {
        0 => Expression::String(String::new()),
        1 => parts.remove(0),
        _ => {
            let mut call = FuncCall::new(Identifier::unchecked("__template"));
            call.args = parts;
            Expression::FuncCall(Box::new(call))
        }
    })
}

/// The value of a quoted string's literal text: HCL's backslash escapes decoded.
fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(d @ ('u' | 'U')) => {
                let len = if d == 'u' { 4 } else { 8 };
                let hex: String = chars.by_ref().take(len).collect();
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad escape \\{d}{hex} in {s:?}"))?;
                out.push(ch);
            }
            other => return Err(format!("bad escape \\{other:?} in {s:?}")),
        }
    }
    Ok(out)
}

/// Comments dropped, which is all a parser can return.
pub fn strip_comments(body: &ir::Body) -> ir::Body {
    ir::Body {
        items: body
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Comment(_) => None,
                Item::Attribute(a) => Some(Item::Attribute(a.clone())),
                Item::Block(b) => Some(Item::Block(ir::Block {
                    ident: b.ident.clone(),
                    labels: b.labels.clone(),
                    body: strip_comments(&b.body),
                })),
            })
            .collect(),
    }
}

/// A parsed body as IR again, for printing it a second time.
pub fn from_hcl(body: &hcl::Body) -> ir::Body {
    ir::Body {
        items: body
            .iter()
            .map(|s| match s {
                Structure::Attribute(a) => Item::Attribute(ir::Attribute {
                    key: a.key.clone(),
                    expr: a.expr.clone(),
                }),
                Structure::Block(b) => Item::Block(ir::Block {
                    ident: b.identifier.clone(),
                    labels: b.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    body: from_hcl(&b.body),
                }),
            })
            .collect(),
    }
}

/// The canonical attributes and blocks of a body, in order.
#[derive(Debug, PartialEq)]
pub enum Node {
    Attribute(String, Expression),
    Block(String, Vec<String>, Vec<Node>),
}

pub fn canon_body(body: &hcl::Body) -> Result<Vec<Node>, String> {
    body.iter()
        .map(|s| {
            Ok(match s {
                Structure::Attribute(a) => Node::Attribute(a.key.to_string(), canon(&a.expr)?),
                Structure::Block(b) => Node::Block(
                    b.identifier.to_string(),
                    b.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    canon_body(&b.body)?,
                ),
            })
        })
        .collect()
}

/// The first place two node lists differ, for a readable failure.
fn first_difference(a: &[Node], b: &[Node], at: &str) -> String {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        match (x, y) {
            (Node::Block(i1, l1, b1), Node::Block(i2, l2, b2))
                if i1 == i2 && l1 == l2 && b1 != b2 =>
            {
                return first_difference(b1, b2, &format!("{at}/{i1}{l1:?}"));
            }
            _ if x != y => return format!("{at}[{i}]:\n  {x:?}\nvs\n  {y:?}"),
            _ => {}
        }
    }
    format!("{at}: {} vs {} items", a.len(), b.len())
}

/// How Terraform reads a JSON property, by the block path and the argument name. Written from
/// HashiCorp's "JSON Configuration Syntax" page, independently of `emit::json`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// A string is a template: `${...}` interpolates, `$${` is a literal `${`.
    Template,
    /// A string is taken as it is.
    Literal,
    /// A string is an expression: a reference or a keyword (`depends_on`, `ignore_changes`).
    Expression,
}

fn mode(path: &[&str], key: &str) -> Mode {
    match (path, key) {
        (["terraform", ..], _) => Mode::Literal,
        (["variable"], "type") => Mode::Expression,
        (["variable"], "default" | "description" | "sensitive" | "nullable") => Mode::Literal,
        (["output"], "description" | "sensitive") => Mode::Literal,
        ([_], "depends_on" | "provider") => Mode::Expression,
        ([_, "lifecycle"], "ignore_changes" | "replace_triggered_by") => Mode::Expression,
        _ => Mode::Template,
    }
}

/// A JSON property value as the expression Terraform reads from it, canonical.
fn json_expr(v: &Value, mode: Mode) -> Result<Expression, String> {
    Ok(match v {
        Value::Null => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Number(n) => {
            let n = match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => hcl::Number::from(i),
                (None, Some(f)) => hcl::Number::from_f64(f).ok_or("NaN in JSON")?,
                _ => return Err(format!("number {n} out of range")),
            };
            number(&n)
        }
        Value::String(s) => match mode {
            Mode::Literal => Expression::String(s.clone()),
            Mode::Template => template(&parse_template(s)?, false)?,
            Mode::Expression => match s.parse::<Expression>() {
                // Terraform reads these strings as bare expressions; `"${x}"` is not one.
                Ok(
                    e @ (Expression::Variable(_)
                    | Expression::Traversal(_)
                    | Expression::FuncCall(_)),
                ) => canon(&e)?,
                Ok(other) => return Err(format!("not a bare expression: {s:?} ({other:?})")),
                Err(e) => return Err(format!("not an expression: {s:?}: {e}")),
            },
        },
        Value::Array(items) => Expression::Array(
            items
                .iter()
                .map(|i| json_expr(i, mode))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Expression::Object(
            map.iter()
                .map(|(k, v)| {
                    let k = match mode {
                        Mode::Template => template(&parse_template(k)?, false)?,
                        _ => Expression::String(k.clone()),
                    };
                    Ok((ObjectKey::Expression(k), json_expr(v, mode)?))
                })
                .collect::<Result<_, String>>()?,
        ),
    })
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{at}: expected a JSON object, found {v}"))
}

/// Property names of a JSON body, without the `//` comment property.
fn keys(map: &Map<String, Value>) -> Vec<&str> {
    let mut k: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "//")
        .collect();
    k.sort_unstable();
    k
}

/// A JSON body against the HCL body it should carry: the same argument names with the same
/// values, and the same nested blocks (one object, or an array of them, per block type).
fn json_body(hcl: &hcl::Body, json: &Value, path: &[&str], at: &str) -> Outcome {
    let map = object(json, at)?;
    let mut names: Vec<&str> = Vec::new();
    let mut blocks: Vec<(&str, Vec<&hcl::Block>)> = Vec::new();
    for s in hcl.iter() {
        match s {
            Structure::Attribute(a) => {
                let k = a.key.as_str();
                names.push(k);
                let j = map
                    .get(k)
                    .ok_or_else(|| format!("{at}: JSON lacks argument {k}"))?;
                let want = canon(&a.expr)?;
                let got = json_expr(j, mode(path, k))?;
                if want != got {
                    return Err(format!(
                        "{at}.{k}: HCL and JSON differ:\n  HCL:  {want:?}\n  JSON: {got:?}\n  (JSON text: {j})"
                    ));
                }
            }
            Structure::Block(b) => {
                let ident = b.identifier.as_str();
                names.push(ident);
                match blocks.iter_mut().find(|(i, _)| *i == ident) {
                    Some((_, list)) => list.push(b),
                    None => blocks.push((ident, vec![b])),
                }
            }
        }
    }
    names.sort_unstable();
    names.dedup();
    if names != keys(map) {
        return Err(format!("{at}: HCL has {names:?}, JSON has {:?}", keys(map)));
    }
    for (ident, list) in blocks {
        let mut inner = path.to_vec();
        inner.push(ident);
        json_blocks(&list, 0, &map[ident], &inner, &format!("{at}.{ident}"))?;
    }
    Ok(())
}

/// Blocks that share a type and their first `depth` labels against the JSON value at that
/// point: one object level per remaining label, then a body or an array of bodies.
fn json_blocks(
    blocks: &[&hcl::Block],
    depth: usize,
    json: &Value,
    path: &[&str],
    at: &str,
) -> Outcome {
    if blocks.iter().all(|b| b.labels.len() == depth) {
        let bodies: Vec<&Value> = match json {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        if bodies.len() != blocks.len() {
            return Err(format!(
                "{at}: {} HCL blocks, {} JSON bodies",
                blocks.len(),
                bodies.len()
            ));
        }
        for (i, (b, j)) in blocks.iter().zip(bodies).enumerate() {
            json_body(&b.body, j, path, &format!("{at}[{i}]"))?;
        }
        return Ok(());
    }
    let map = object(json, at)?;
    let mut groups: Vec<(&str, Vec<&hcl::Block>)> = Vec::new();
    for b in blocks {
        let label = b
            .labels
            .get(depth)
            .ok_or_else(|| format!("{at}: blocks with different label counts"))?
            .as_str();
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, list)) => list.push(b),
            None => groups.push((label, vec![b])),
        }
    }
    let mut labels: Vec<&str> = groups.iter().map(|(l, _)| *l).collect();
    labels.sort_unstable();
    if labels != keys(map) {
        return Err(format!(
            "{at}: HCL labels {labels:?}, JSON has {:?}",
            keys(map)
        ));
    }
    for (label, list) in groups {
        json_blocks(
            &list,
            depth + 1,
            &map[label],
            path,
            &format!("{at}.{label}"),
        )?;
    }
    Ok(())
}

/// A whole file: `locals` blocks merge into one `locals` object, everything else as above.
pub fn json_file(hcl: &hcl::Body, json: &Value) -> Outcome {
    let map = object(json, "file")?;
    let mut rest = Vec::new();
    let mut locals: Vec<&hcl::Attribute> = Vec::new();
    let mut saw_locals = false;
    for s in hcl.iter() {
        match s {
            Structure::Block(b) if b.identifier.as_str() == "locals" => {
                saw_locals = true;
                locals.extend(b.body.attributes());
            }
            other => rest.push(other.clone()),
        }
    }
    let mut without_locals = map.clone();
    if saw_locals {
        let merged: Map<String, Value> = match without_locals.remove("locals") {
            Some(Value::Object(m)) => m,
            Some(Value::Array(items)) => items
                .into_iter()
                .flat_map(|i| match i {
                    Value::Object(m) => m,
                    _ => Map::new(),
                })
                .collect(),
            other => return Err(format!("locals: {other:?}")),
        };
        let attrs = hcl::Body(
            locals
                .into_iter()
                .map(|a| Structure::Attribute(a.clone()))
                .collect(),
        );
        json_body(&attrs, &Value::Object(merged), &["locals"], "locals")?;
    }
    json_body(
        &hcl::Body(rest),
        &Value::Object(without_locals),
        &[],
        "file",
    )
}

/// Every property of one generated Terraform file:
/// - hcl-rs parses the printed HCL, and it reads back as the IR it was printed from;
/// - printing what was read back gives the same bytes (comments aside, which a parser drops),
///   so the printer's layout is a function of the structure alone and is at its fixed point;
/// - the `.tf.json` form parses and carries the same blocks, arguments and values.
pub fn file(name: &str, body: &ir::Body) -> Outcome {
    let text = emit_hcl::print_file(body);
    let parsed: hcl::Body =
        hcl::parse(&text).map_err(|e| format!("{name}: hcl-rs cannot parse it: {e}\n{text}"))?;
    let want = canon_body(&emit_hcl::to_hcl_body(body)).map_err(|e| format!("{name}: {e}"))?;
    let got = canon_body(&parsed).map_err(|e| format!("{name}: {e}\n{text}"))?;
    if want != got {
        return Err(format!(
            "{name}: the HCL reads back differently: {}\n{text}",
            first_difference(&want, &got, "")
        ));
    }
    let again = emit_hcl::print_file(&from_hcl(&parsed));
    let stripped = emit_hcl::print_file(&strip_comments(body));
    if again != stripped {
        return Err(format!(
            "{name}: printing the parsed HCL gives other bytes:\n{}",
            line_diff(&stripped, &again)
        ));
    }
    let json_text = emit_json::print_file(body);
    let json: Value = serde_json::from_str(&json_text)
        .map_err(|e| format!("{name}.json: not JSON: {e}\n{json_text}"))?;
    json_file(&parsed, &json).map_err(|e| format!("{name}.json: {e}\n{json_text}"))
}

fn line_diff(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  {x:?}\n  {y:?}", i + 1);
        }
    }
    format!("{} vs {} lines", a.lines().count(), b.lines().count())
}

//! What "the same Terraform" means, for one generated file in three spellings: the IR, the HCL
//! text read back by hcl-rs, and the `.tf.json` text read back by serde_json.
//!
//! Each spelling is brought to one canonical IR [`Expr`] per attribute, so that only differences
//! Terraform would see are reported: parentheses, quoted versus bare object keys, `"${x}"` versus
//! `x`, escapes versus raw characters, and a JSON string versus the HCL template it stands for
//! all compare equal. A template's literal parts are plain text in the IR, so a template compares
//! by what it evaluates to and not by how hcl-edit or the printer chose to escape it.

use gen_tf::emit::{hcl as emit_hcl, json as emit_json};
use gen_tf::ir::{self, Expr, Item, Part, Step, UnaryOp};
use hcl::expr::{Expression, TemplateExpr};
use hcl::Structure;
use serde_json::{Map, Value};

pub type Outcome = Result<(), String>;

/// Something with a canonical form: the IR itself, or what hcl-rs parsed.
pub trait Spelling {
    fn to_ir(&self) -> Result<Expr, String>;
}

impl Spelling for Expr {
    fn to_ir(&self) -> Result<Expr, String> {
        Ok(self.clone())
    }
}

/// gen-tf never writes a form the IR lacks (directives, strip markers, splats, ...), so meeting
/// one means user text became syntax.
impl Spelling for Expression {
    fn to_ir(&self) -> Result<Expr, String> {
        Expr::try_from(self.clone()).map_err(|e| format!("{e}: {self:?}"))
    }
}

/// The canonical form of an expression (see the module docs).
pub fn canon(e: &impl Spelling) -> Result<Expr, String> {
    Ok(canonical(e.to_ir()?))
}

fn canonical(e: Expr) -> Expr {
    let all = |items: Vec<Expr>| items.into_iter().map(canonical).collect();
    let boxed = |e: Box<Expr>| Box::new(canonical(*e));
    match e {
        Expr::Paren(inner) => canonical(*inner),
        Expr::Number(n) => number(&n),
        Expr::Template(parts) => template(parts),
        Expr::Array(items) => Expr::Array(all(items)),
        Expr::Object(entries) => Expr::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k, canonical(v)))
                .collect(),
        ),
        Expr::Call(name, args) => Expr::Call(name, all(args)),
        Expr::Unary(op, e) => match (op, canonical(*e)) {
            (UnaryOp::Neg, Expr::Number(n)) => number(&-n),
            (op, e) => Expr::Unary(op, Box::new(e)),
        },
        Expr::Binary(lhs, op, rhs) => Expr::Binary(boxed(lhs), op, boxed(rhs)),
        Expr::Conditional(c, t, f) => Expr::Conditional(boxed(c), boxed(t), boxed(f)),
        Expr::Traversal(root, steps) => {
            let steps: Vec<Step> = steps
                .into_iter()
                .map(|s| match s {
                    Step::Index(i) => Step::Index(canonical(i)),
                    attr => attr,
                })
                .collect();
            // `a.b` parsed from `(a).b` nests traversals; flatten them.
            match canonical(*root) {
                Expr::Traversal(root, mut inner) => {
                    inner.extend(steps);
                    Expr::Traversal(root, inner)
                }
                root => Expr::Traversal(Box::new(root), steps),
            }
        }
        other => other,
    }
}

/// Whole numbers as integers and the rest as floats, so `1`, `1.0` and JSON's `1` agree.
fn number(n: &hcl::Number) -> Expr {
    let f = n.as_f64().unwrap_or(f64::NAN);
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        ir::int(f as i64)
    } else {
        Expr::Number(hcl::Number::from_f64(f).unwrap_or(*n))
    }
}

/// A template's canonical form: adjacent literal text and interpolated strings joined into one
/// literal; no parts is the empty string, a lone literal its text and a lone interpolation that
/// expression.
fn template(parts: Vec<Part>) -> Expr {
    let mut out: Vec<Part> = Vec::new();
    for part in parts {
        let lit = match part {
            Part::Lit(s) => s,
            Part::Interp(e) => match canonical(e) {
                Expr::Str(s) => s,
                e => {
                    out.push(Part::Interp(e));
                    continue;
                }
            },
        };
        match out.last_mut() {
            Some(Part::Lit(prev)) => prev.push_str(&lit),
            _ => out.push(Part::Lit(lit)),
        }
    }
    match out.as_slice() {
        [] => Expr::Str(String::new()),
        [Part::Lit(s)] => Expr::Str(s.clone()),
        [Part::Interp(e)] => e.clone(),
        _ => Expr::Template(out),
    }
}

/// A Terraform JSON string read as the template it is: `${...}` interpolates, `$${` is a
/// literal `${`, and there are no backslash escapes, which is what hcl-rs's raw template text
/// means too.
fn json_template(s: &str) -> Result<Expr, String> {
    let raw = Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(s.to_owned())));
    canon(&raw).map_err(|e| format!("not a template: {s:?}: {e}"))
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

/// A parsed body as IR again, as it was read (nothing made canonical), for printing it a second
/// time.
pub fn from_hcl(body: &hcl::Body) -> Result<ir::Body, String> {
    let items = body
        .iter()
        .map(|s| {
            Ok(match s {
                Structure::Attribute(a) => Item::Attribute(ir::Attribute {
                    key: a.key.clone(),
                    expr: a.expr.to_ir()?,
                }),
                Structure::Block(b) => Item::Block(ir::Block {
                    ident: b.identifier.clone(),
                    labels: b.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    body: from_hcl(&b.body)?,
                }),
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(ir::Body { items })
}

/// The canonical attributes and blocks of a body, in order.
#[derive(Debug, PartialEq)]
pub enum Node {
    Attribute(String, Expr),
    Block(String, Vec<String>, Vec<Node>),
}

/// A body as hcl-rs parsed it, canonical.
pub fn canon_body(body: &hcl::Body) -> Result<Vec<Node>, String> {
    canon_body_ir(&from_hcl(body)?)
}

/// An IR body, canonical; comments dropped, which is all a parser can return.
fn canon_body_ir(body: &ir::Body) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    for item in &body.items {
        nodes.push(match item {
            Item::Comment(_) => continue,
            Item::Attribute(a) => Node::Attribute(a.key.to_string(), canon(&a.expr)?),
            Item::Block(b) => Node::Block(
                b.ident.to_string(),
                b.labels.clone(),
                canon_body_ir(&b.body)?,
            ),
        });
    }
    Ok(nodes)
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
fn json_expr(v: &Value, mode: Mode) -> Result<Expr, String> {
    Ok(match v {
        Value::Null => Expr::Null,
        Value::Bool(b) => Expr::Bool(*b),
        Value::Number(n) => {
            let n = match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => hcl::Number::from(i),
                (None, Some(f)) => hcl::Number::from_f64(f).ok_or("NaN in JSON")?,
                _ => return Err(format!("number {n} out of range")),
            };
            number(&n)
        }
        Value::String(s) => match mode {
            Mode::Literal => Expr::Str(s.clone()),
            Mode::Template => json_template(s)?,
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
        Value::Array(items) => Expr::Array(
            items
                .iter()
                .map(|i| json_expr(i, mode))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Expr::Object(
            map.iter()
                .map(|(k, v)| {
                    let k = match mode {
                        Mode::Template => match json_template(k)? {
                            Expr::Str(k) => k,
                            other => return Err(format!("a computed key: {other:?}")),
                        },
                        _ => k.clone(),
                    };
                    Ok((k, json_expr(v, mode)?))
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
    let want = canon_body_ir(body).map_err(|e| format!("{name}: {e}"))?;
    let got = canon_body(&parsed).map_err(|e| format!("{name}: {e}\n{text}"))?;
    if want != got {
        return Err(format!(
            "{name}: the HCL reads back differently: {}\n{text}",
            first_difference(&want, &got, "")
        ));
    }
    let again = emit_hcl::print_file(&from_hcl(&parsed)?);
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

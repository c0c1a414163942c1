//! The Terraform IR: what `lower` produces and `emit` consumes.
//!
//! Expressions are hcl-rs's own [`hcl::Expression`] values. The structure around them (bodies,
//! blocks, attributes) is ours, because hcl-rs's `Body` cannot carry comments and generated code
//! needs `#checkov:skip=ID:reason` lines inside resource blocks.
//!
//! Invariant: nothing in this module formats text for output; the one printer in `emit` owns all
//! layout. The only exception is [`template`], which must build the raw text of a quoted template
//! because hcl-rs stores templates as raw strings.

use hcl::expr::{
    FuncCall, Object, ObjectKey, TemplateExpr, Traversal, TraversalOperator, Variable,
};
use hcl::{Expression, Identifier};

/// One generated module: an ordered list of files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    pub files: Vec<File>,
}

/// One generated file. Terraform files carry a [`Body`]; the module README is plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// File name without directory, for example `versions.tf` (the emitter may change the
    /// extension, for example to `versions.tf.json`).
    pub name: String,
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Terraform(Body),
    Text(String),
}

/// A Terraform body: attributes, nested blocks and comments in output order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attribute(Attribute),
    Block(Block),
    /// A whole-line `#` comment; the text excludes the leading `# `.
    Comment(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: Identifier,
    pub expr: Expression,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ident: Identifier,
    pub labels: Vec<String>,
    pub body: Body,
}

impl Body {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an attribute. `key` must be a valid identifier; keys come from gen-tf's own code,
    /// never from user input.
    pub fn attr(mut self, key: &str, expr: impl Into<Expression>) -> Self {
        self.push_attr(key, expr);
        self
    }

    /// Appends an attribute only when `expr` is `Some`.
    pub fn attr_opt(mut self, key: &str, expr: Option<impl Into<Expression>>) -> Self {
        if let Some(expr) = expr {
            self.push_attr(key, expr);
        }
        self
    }

    pub fn block(mut self, block: Block) -> Self {
        self.items.push(Item::Block(block));
        self
    }

    pub fn blocks(mut self, blocks: impl IntoIterator<Item = Block>) -> Self {
        self.items.extend(blocks.into_iter().map(Item::Block));
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.items.push(Item::Comment(text.into()));
        self
    }

    pub fn push_attr(&mut self, key: &str, expr: impl Into<Expression>) {
        self.items.push(Item::Attribute(Attribute {
            key: Identifier::unchecked(key),
            expr: expr.into(),
        }));
    }

    pub fn push_block(&mut self, block: Block) {
        self.items.push(Item::Block(block));
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Block {
    pub fn new(ident: &str, labels: &[&str], body: Body) -> Self {
        Self {
            ident: Identifier::unchecked(ident),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            body,
        }
    }

    /// `resource "TYPE" "NAME" { ... }`
    pub fn resource(ty: &str, name: &str, body: Body) -> Self {
        Self::new("resource", &[ty, name], body)
    }

    /// `data "TYPE" "NAME" { ... }`
    pub fn data(ty: &str, name: &str, body: Body) -> Self {
        Self::new("data", &[ty, name], body)
    }
}

/// A string literal. The printer escapes it so Terraform reads it as literal text
/// (`${` and `%{` included).
pub fn str(s: impl Into<String>) -> Expression {
    Expression::String(s.into())
}

pub fn int(n: i64) -> Expression {
    Expression::Number(hcl::Number::from(n))
}

/// A number that may have a fraction. Whole numbers are stored as integers so they print without
/// a trailing `.0`.
pub fn num(n: f64) -> Expression {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        int(n as i64)
    } else {
        hcl::Number::from_f64(n).map_or(Expression::Null, Expression::Number)
    }
}

pub fn bool(b: bool) -> Expression {
    Expression::Bool(b)
}

/// A bare identifier used as a keyword-like value, for example `string` in a type constraint.
pub fn ident(name: &str) -> Expression {
    Expression::Variable(Variable::unchecked(name))
}

/// `var.NAME`
pub fn var(name: &str) -> Expression {
    traversal("var", &[name])
}

/// `local.NAME`
pub fn local(name: &str) -> Expression {
    traversal("local", &[name])
}

/// `TYPE.NAME.ATTR...`, for example `aws_iam_role.execution.arn`.
pub fn reference(ty: &str, name: &str, attrs: &[&str]) -> Expression {
    let mut path = vec![name];
    path.extend_from_slice(attrs);
    traversal(ty, &path)
}

/// `ROOT.a.b.c`
pub fn traversal(root: &str, attrs: &[&str]) -> Expression {
    Expression::Traversal(Box::new(Traversal::new(
        Variable::unchecked(root),
        attrs
            .iter()
            .map(|a| TraversalOperator::GetAttr(Identifier::unchecked(*a)))
            .collect::<Vec<_>>(),
    )))
}

/// `EXPR[INDEX]`
pub fn index(expr: Expression, idx: u64) -> Expression {
    Expression::Traversal(Box::new(Traversal::new(
        expr,
        vec![TraversalOperator::Index(int(idx as i64))],
    )))
}

pub fn call(name: &str, args: Vec<Expression>) -> Expression {
    let mut f = FuncCall::builder(Identifier::unchecked(name));
    for a in args {
        f = f.arg(a);
    }
    Expression::FuncCall(Box::new(f.build()))
}

pub fn list(items: impl IntoIterator<Item = Expression>) -> Expression {
    Expression::Array(items.into_iter().collect())
}

/// An object whose keys print as identifiers when they are valid identifiers and as quoted
/// strings otherwise. Order is kept.
pub fn object<K: AsRef<str>>(entries: impl IntoIterator<Item = (K, Expression)>) -> Expression {
    let mut obj = Object::new();
    for (k, v) in entries {
        let k = k.as_ref();
        let key = match Identifier::new(k) {
            Ok(id) => ObjectKey::Identifier(id),
            Err(_) => ObjectKey::Expression(Expression::String(k.to_owned())),
        };
        obj.insert(key, v);
    }
    Expression::Object(obj)
}

/// One piece of a quoted template.
pub enum Part<'a> {
    Lit(&'a str),
    Interp(Expression),
}

/// A quoted template such as `"com.amazonaws.${var.region}.s3"`. Literal parts are escaped so
/// that user text never becomes an interpolation. A template with a single interpolation and no
/// literal text is returned as that expression: Terraform's fmt unwraps interpolation-only strings.
pub fn template(parts: Vec<Part<'_>>) -> Expression {
    if let [Part::Interp(e)] = parts.as_slice() {
        return e.clone();
    }
    let mut raw = String::new();
    for (i, p) in parts.iter().enumerate() {
        match p {
            Part::Lit(s) => {
                let lit = escape_literal(s);
                // `$` right before `${` reads as the escape `$${`, which would turn the
                // interpolation into text; `${"$"}` is the one spelling HCL has for it.
                let head = lit.trim_end_matches('$');
                match parts.get(i + 1) {
                    Some(Part::Interp(_)) if head.len() < lit.len() => {
                        raw.push_str(head);
                        raw.push_str(&format!("${{\"{}\"}}", &lit[head.len()..]));
                    }
                    _ => raw.push_str(&lit),
                }
            }
            Part::Interp(e) => {
                raw.push_str("${");
                raw.push_str(&inline_reference(e));
                raw.push('}');
            }
        }
    }
    Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw)))
}

/// Escapes a literal for a quoted HCL string: quotes, backslashes, control characters and the
/// template markers `${` and `%{`, which become `$${` and `%%{`.
pub fn escape_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Text of a reference inside `${...}`. Only references and numbers are interpolated by gen-tf.
fn inline_reference(e: &Expression) -> String {
    match e {
        Expression::Variable(v) => v.to_string(),
        Expression::Number(n) => n.to_string(),
        Expression::Traversal(t) => {
            let mut s = inline_reference(&t.expr);
            for op in &t.operators {
                match op {
                    TraversalOperator::GetAttr(id) => {
                        s.push('.');
                        s.push_str(id.as_str());
                    }
                    TraversalOperator::Index(i) => {
                        s.push('[');
                        s.push_str(&inline_reference(i));
                        s.push(']');
                    }
                    TraversalOperator::LegacyIndex(i) => {
                        s.push('.');
                        s.push_str(&i.to_string());
                    }
                    TraversalOperator::AttrSplat => s.push_str(".*"),
                    TraversalOperator::FullSplat => s.push_str("[*]"),
                }
            }
            s
        }
        Expression::FuncCall(f) => {
            let args: Vec<String> = f.args.iter().map(inline_reference).collect();
            format!("{}({})", f.name.name.as_str(), args.join(", "))
        }
        Expression::String(s) => format!("\"{}\"", escape_literal(s)),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_escapes_markers_in_literals() {
        let e = template(vec![
            Part::Lit("a${b}%{c}\"\\"),
            Part::Interp(var("region")),
        ]);
        match e {
            Expression::TemplateExpr(t) => match *t {
                TemplateExpr::QuotedString(s) => {
                    assert_eq!(s, "a$${b}%%{c}\\\"\\\\${var.region}");
                }
                TemplateExpr::Heredoc(_) => panic!("heredoc"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn interpolation_only_template_is_unwrapped() {
        assert_eq!(template(vec![Part::Interp(var("x"))]), var("x"));
    }

    #[test]
    fn whole_floats_become_integers() {
        assert_eq!(num(70.0), int(70));
        assert_ne!(num(0.1), int(0));
    }
}

//! The IR as hcl-rs's own structures and back: the edge where gen-tf meets `hcl::parse`.
//!
//! Tests compare what `hcl::parse` reads back from the printer's text with [`to_hcl_body`] of
//! the IR it was printed from, and tests that start from HCL text read it into the IR with
//! `Expr::try_from`. Templates go through hcl-rs's typed [`Template`], so hcl-rs, not the
//! printers, decides how their text is spelled. Nothing in the pipeline uses this module.

use std::fmt;

use hcl::expr::{
    BinaryOperator, Conditional, FuncCall, Object, ObjectKey, Operation, TemplateExpr, Traversal,
    TraversalOperator, UnaryOperator, Variable,
};
use hcl::template::{Element, Interpolation, Strip, Template};
use hcl::{Expression, Identifier};

use crate::ir::{self, BinaryOp, Expr, Item, Part, Step, UnaryOp};

/// The body as hcl-rs's own structure, comments dropped, so tests can compare it with what
/// `hcl::parse` reads back from [`super::hcl::print_body`].
pub fn to_hcl_body(body: &ir::Body) -> hcl::Body {
    hcl::Body(
        body.items
            .iter()
            .filter_map(|item| match item {
                Item::Attribute(a) => Some(hcl::Structure::Attribute(hcl::Attribute::new(
                    a.key.clone(),
                    Expression::from(&a.expr),
                ))),
                Item::Block(b) => Some(hcl::Structure::Block(hcl::Block {
                    identifier: b.ident.clone(),
                    labels: b
                        .labels
                        .iter()
                        .cloned()
                        .map(hcl::BlockLabel::String)
                        .collect(),
                    body: to_hcl_body(&b.body),
                })),
                Item::Comment(_) => None,
            })
            .collect(),
    )
}

impl From<&Expr> for Expression {
    fn from(e: &Expr) -> Self {
        match e {
            Expr::Null => Expression::Null,
            Expr::Bool(b) => Expression::Bool(*b),
            Expr::Number(n) => Expression::Number(*n),
            Expr::Str(s) => Expression::String(s.clone()),
            Expr::Template(parts) => template(parts),
            Expr::Ident(name) => Expression::Variable(Variable::unchecked(name.as_str())),
            Expr::Traversal(root, steps) => {
                let ops: Vec<TraversalOperator> = steps
                    .iter()
                    .map(|s| match s {
                        Step::Attr(a) => TraversalOperator::GetAttr(Identifier::unchecked(a)),
                        Step::Index(i) => TraversalOperator::Index(i.into()),
                    })
                    .collect();
                Expression::from(Traversal::new(Expression::from(&**root), ops))
            }
            Expr::Call(name, args) => {
                let mut f = FuncCall::new(Identifier::unchecked(name.as_str()));
                f.args = args.iter().map(Expression::from).collect();
                Expression::from(f)
            }
            Expr::Array(items) => Expression::Array(items.iter().map(Expression::from).collect()),
            Expr::Object(entries) => {
                let mut obj = Object::new();
                for (k, v) in entries {
                    obj.insert(
                        ObjectKey::Expression(Expression::String(k.clone())),
                        v.into(),
                    );
                }
                Expression::Object(obj)
            }
            Expr::Unary(op, e) => Expression::from(hcl::expr::UnaryOp::new(
                unary_operator(*op),
                Expression::from(&**e),
            )),
            Expr::Binary(lhs, op, rhs) => Expression::from(hcl::expr::BinaryOp::new(
                Expression::from(&**lhs),
                binary_operator(*op),
                Expression::from(&**rhs),
            )),
            Expr::Conditional(c, t, f) => Expression::from(Conditional::new(
                Expression::from(&**c),
                Expression::from(&**t),
                Expression::from(&**f),
            )),
            Expr::Paren(inner) => Expression::Parenthesis(Box::new(Expression::from(&**inner))),
        }
    }
}

/// A template through hcl-rs's typed [`Template`], which spells it: literal text with `${` and
/// `%{` doubled, interpolations as hcl-rs formats expressions. One thing it gets wrong: it writes
/// a literal `$` right before an interpolation as it is, and `$${` then reads back as an escape.
/// So those `$`s are handed over as the interpolated string `${"$"}` that HCL reads them as.
/// This is the test oracle's own account, kept apart from the printers' so it can catch them.
fn template(parts: &[Part]) -> Expression {
    let mut elements: Vec<Element> = Vec::new();
    for part in parts {
        match (part, elements.last_mut()) {
            (Part::Lit(s), Some(Element::Literal(prev))) => prev.push_str(s),
            (Part::Lit(s), _) => elements.push(Element::Literal(s.clone())),
            (Part::Interp(e), last) => {
                if let Some(Element::Literal(prev)) = last {
                    let dollars = prev.split_off(prev.trim_end_matches('$').len());
                    if !dollars.is_empty() {
                        let dollars = Interpolation::new(Expression::String(dollars));
                        elements.push(Element::Interpolation(dollars));
                    }
                }
                elements.push(Element::Interpolation(Interpolation::new(
                    Expression::from(e),
                )));
            }
        }
    }
    elements.retain(|e| !matches!(e, Element::Literal(s) if s.is_empty()));
    match elements.as_slice() {
        [Element::Interpolation(i)] => i.expr.clone(),
        _ => {
            let t = Template::from_iter(elements);
            Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(t.to_string())))
        }
    }
}

fn unary_operator(op: UnaryOp) -> UnaryOperator {
    match op {
        UnaryOp::Not => UnaryOperator::Not,
        UnaryOp::Neg => UnaryOperator::Neg,
    }
}

fn binary_operator(op: BinaryOp) -> BinaryOperator {
    match op {
        BinaryOp::Eq => BinaryOperator::Eq,
        BinaryOp::NotEq => BinaryOperator::NotEq,
        BinaryOp::Less => BinaryOperator::Less,
        BinaryOp::LessEq => BinaryOperator::LessEq,
        BinaryOp::Greater => BinaryOperator::Greater,
        BinaryOp::GreaterEq => BinaryOperator::GreaterEq,
        BinaryOp::Plus => BinaryOperator::Plus,
        BinaryOp::Minus => BinaryOperator::Minus,
        BinaryOp::Mul => BinaryOperator::Mul,
        BinaryOp::Div => BinaryOperator::Div,
        BinaryOp::Mod => BinaryOperator::Mod,
        BinaryOp::And => BinaryOperator::And,
        BinaryOp::Or => BinaryOperator::Or,
    }
}

/// An HCL form that gen-tf never generates, so the IR has no place for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gen-tf's IR has no {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

fn unsupported<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(what.to_owned()))
}

impl TryFrom<Expression> for Expr {
    type Error = Unsupported;

    fn try_from(e: Expression) -> Result<Self, Unsupported> {
        let boxed = |e: Expression| Expr::try_from(e).map(Box::new);
        Ok(match e {
            Expression::Null => Expr::Null,
            Expression::Bool(b) => Expr::Bool(b),
            Expression::Number(n) => Expr::Number(n),
            Expression::String(s) => Expr::Str(s),
            Expression::Array(items) => Expr::Array(try_all(items)?),
            Expression::Object(obj) => Expr::Object(
                obj.into_iter()
                    .map(|(k, v)| Ok((object_key(k)?, Expr::try_from(v)?)))
                    .collect::<Result<_, Unsupported>>()?,
            ),
            Expression::TemplateExpr(t) => match *t {
                TemplateExpr::QuotedString(_) => {
                    let t = Template::from_expr(&t).map_err(|e| Unsupported(e.to_string()))?;
                    Expr::Template(template_parts(t)?)
                }
                TemplateExpr::Heredoc(_) => return unsupported("heredocs"),
            },
            Expression::Variable(v) => Expr::Ident(v.as_str().to_owned()),
            Expression::Traversal(t) => {
                let steps = t
                    .operators
                    .into_iter()
                    .map(|op| match op {
                        TraversalOperator::GetAttr(id) => Ok(Step::Attr(id.to_string())),
                        TraversalOperator::Index(i) => Ok(Step::Index(Expr::try_from(i)?)),
                        _ => unsupported("splats or legacy `.0` indexes"),
                    })
                    .collect::<Result<_, _>>()?;
                Expr::Traversal(boxed(t.expr)?, steps)
            }
            Expression::FuncCall(f) if f.name.namespace.is_empty() && !f.expand_final => {
                Expr::Call(f.name.name.to_string(), try_all(f.args)?)
            }
            Expression::FuncCall(_) => return unsupported("namespaced calls or `...` arguments"),
            Expression::Parenthesis(inner) => Expr::Paren(boxed(*inner)?),
            Expression::Conditional(c) => Expr::Conditional(
                boxed(c.cond_expr)?,
                boxed(c.true_expr)?,
                boxed(c.false_expr)?,
            ),
            Expression::Operation(op) => operation(*op)?,
            _ => return unsupported("for-expressions"),
        })
    }
}

fn try_all(items: Vec<Expression>) -> Result<Vec<Expr>, Unsupported> {
    items.into_iter().map(Expr::try_from).collect()
}

fn object_key(k: ObjectKey) -> Result<String, Unsupported> {
    match k {
        ObjectKey::Identifier(id) => Ok(id.to_string()),
        ObjectKey::Expression(Expression::String(s)) => Ok(s),
        _ => unsupported("computed object keys"),
    }
}

fn template_parts(t: Template) -> Result<Vec<Part>, Unsupported> {
    t.elements()
        .iter()
        .map(|element| match element {
            Element::Literal(s) => Ok(Part::Lit(s.clone())),
            Element::Interpolation(Interpolation {
                expr,
                strip: Strip::None,
            }) => Ok(Part::Interp(Expr::try_from(expr.clone())?)),
            Element::Interpolation(_) => unsupported("strip markers"),
            Element::Directive(_) => unsupported("template directives"),
        })
        .collect()
}

fn operation(op: Operation) -> Result<Expr, Unsupported> {
    Ok(match op {
        Operation::Unary(u) => {
            let op = match u.operator {
                UnaryOperator::Not => UnaryOp::Not,
                UnaryOperator::Neg => UnaryOp::Neg,
            };
            ir::unary(op, Expr::try_from(u.expr)?)
        }
        Operation::Binary(b) => {
            let op = BinaryOp::ALL
                .into_iter()
                .find(|op| binary_operator(*op) == b.operator)
                .ok_or_else(|| Unsupported(format!("the operator {}", b.operator)))?;
            ir::binary(Expr::try_from(b.lhs_expr)?, op, Expr::try_from(b.rhs_expr)?)
        }
    })
}

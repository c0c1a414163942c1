//! The IR's expressions: every form gen-tf generates, and nothing it does not.
//!
//! Text is kept as the plain value it stands for. A literal string or a template's literal part
//! holds the characters Terraform should end up with; quotes, backslashes, control characters,
//! `${`, `%{` and a `$` right before an interpolation are spelled by each printer for its own
//! syntax, at print time. So user text can never turn into template syntax here, and nothing
//! downstream has to parse text to find out what an expression is.

use hcl::Number;

/// A Terraform expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Number(Number),
    /// A literal string: plain text, unescaped.
    Str(String),
    /// A quoted template such as `"service/${var.cluster_name}"`.
    Template(Vec<Part>),
    /// A bare name: a keyword-like value (`string`, `desired_count`) or a traversal's root (`var`).
    Ident(String),
    /// `ROOT.attr[index]...`, for example `aws_iam_role.execution.arn` or `var.ids[0]`.
    Traversal(Box<Expr>, Vec<Step>),
    /// `name(args...)`
    Call(String, Vec<Expr>),
    Array(Vec<Expr>),
    /// Entries in output order, each key once ([`object`] sees to that). Keys are plain text;
    /// the printer writes each as an identifier when it reads back as the same key, else quoted.
    Object(Vec<(String, Expr)>),
    Unary(UnaryOp, Box<Expr>),
    Binary(Box<Expr>, BinaryOp, Box<Expr>),
    /// `cond ? then : otherwise`
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Parentheses written on purpose; the printer adds the ones that grouping needs by itself.
    Paren(Box<Expr>),
}

/// One piece of a template. The IR stores owned text (`Part<String>`); [`template`] also takes
/// borrowed text, so lowering can write `Part::Lit("service/")`.
#[derive(Debug, Clone, PartialEq)]
pub enum Part<L = String> {
    /// Plain text, unescaped.
    Lit(L),
    /// `${expr}`
    Interp(Expr),
}

/// One step of a traversal.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name`
    Attr(String),
    /// `[expr]`
    Index(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Plus,
    Minus,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

impl UnaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Not => "!",
            UnaryOp::Neg => "-",
        }
    }
}

impl BinaryOp {
    pub const ALL: [BinaryOp; 13] = [
        BinaryOp::Eq,
        BinaryOp::NotEq,
        BinaryOp::Less,
        BinaryOp::LessEq,
        BinaryOp::Greater,
        BinaryOp::GreaterEq,
        BinaryOp::Plus,
        BinaryOp::Minus,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Mod,
        BinaryOp::And,
        BinaryOp::Or,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEq => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEq => ">=",
            BinaryOp::Plus => "+",
            BinaryOp::Minus => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }

    /// HCL's binding strength, higher binds tighter (hclsyntax `binaryOps`).
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 6,
            BinaryOp::Plus | BinaryOp::Minus => 5,
            BinaryOp::Less | BinaryOp::LessEq | BinaryOp::Greater | BinaryOp::GreaterEq => 4,
            BinaryOp::Eq | BinaryOp::NotEq => 3,
            BinaryOp::And => 2,
            BinaryOp::Or => 1,
        }
    }
}

/// A string literal. Each printer escapes it so Terraform reads it as literal text (`${` and
/// `%{` included).
pub fn str(s: impl Into<String>) -> Expr {
    Expr::Str(s.into())
}

pub fn int(n: i64) -> Expr {
    Expr::Number(Number::from(n))
}

/// A number that may have a fraction. Whole numbers are stored as integers so they print without
/// a trailing `.0`.
pub fn num(n: f64) -> Expr {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        int(n as i64)
    } else {
        Number::from_f64(n).map_or(Expr::Null, Expr::Number)
    }
}

pub fn bool(b: bool) -> Expr {
    Expr::Bool(b)
}

/// A bare identifier used as a keyword-like value, for example `string` in a type constraint.
pub fn ident(name: &str) -> Expr {
    Expr::Ident(name.to_owned())
}

/// `var.NAME`
pub fn var(name: &str) -> Expr {
    traversal("var", &[name])
}

/// `local.NAME`
pub fn local(name: &str) -> Expr {
    traversal("local", &[name])
}

/// `TYPE.NAME.ATTR...`, for example `aws_iam_role.execution.arn`.
pub fn reference(ty: &str, name: &str, attrs: &[&str]) -> Expr {
    let mut path = vec![name];
    path.extend_from_slice(attrs);
    traversal(ty, &path)
}

/// `ROOT.a.b.c`
pub fn traversal(root: &str, attrs: &[&str]) -> Expr {
    let steps = attrs.iter().map(|a| Step::Attr((*a).to_owned())).collect();
    Expr::Traversal(Box::new(ident(root)), steps)
}

/// `EXPR[INDEX]`; indexing a traversal extends it.
pub fn index(expr: Expr, idx: u64) -> Expr {
    let step = Step::Index(int(idx as i64));
    match expr {
        Expr::Traversal(root, mut steps) => {
            steps.push(step);
            Expr::Traversal(root, steps)
        }
        other => Expr::Traversal(Box::new(other), vec![step]),
    }
}

pub fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Call(name.to_owned(), args)
}

pub fn list(items: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Array(items.into_iter().collect())
}

/// An object whose entries keep their order. A repeated key keeps its first place and takes the
/// last value, as a map would: HCL rejects an object that names a key twice.
pub fn object<K: AsRef<str>>(entries: impl IntoIterator<Item = (K, Expr)>) -> Expr {
    let mut out: Vec<(String, Expr)> = Vec::new();
    for (k, v) in entries {
        let k = k.as_ref();
        match out.iter_mut().find(|(key, _)| key == k) {
            Some((_, slot)) => *slot = v,
            None => out.push((k.to_owned(), v)),
        }
    }
    Expr::Object(out)
}

/// A quoted template such as `"com.amazonaws.${var.region}.s3"`. Literal parts stay plain text:
/// the printers escape them. Adjacent literals are joined; a template that is a single
/// interpolation is that expression (Terraform's fmt unwraps `"${x}"`), and one without any
/// interpolation is a plain string.
pub fn template<L: Into<String>>(parts: Vec<Part<L>>) -> Expr {
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    for part in parts {
        match (part, out.last_mut()) {
            (Part::Lit(s), Some(Part::Lit(prev))) => prev.push_str(&s.into()),
            (Part::Lit(s), _) => {
                let s = s.into();
                if !s.is_empty() {
                    out.push(Part::Lit(s));
                }
            }
            (Part::Interp(e), _) => out.push(Part::Interp(e)),
        }
    }
    if out.len() > 1 {
        return Expr::Template(out);
    }
    match out.pop() {
        None => str(""),
        Some(Part::Lit(s)) => str(s),
        Some(Part::Interp(e)) => e,
    }
}

/// `(EXPR)`
pub fn paren(e: Expr) -> Expr {
    Expr::Paren(Box::new(e))
}

/// `!EXPR` or `-EXPR`
pub fn unary(op: UnaryOp, e: Expr) -> Expr {
    Expr::Unary(op, Box::new(e))
}

/// `LHS op RHS`, for example `data.aws_region.current.id == "us-east-1"`.
pub fn binary(lhs: Expr, op: BinaryOp, rhs: Expr) -> Expr {
    Expr::Binary(Box::new(lhs), op, Box::new(rhs))
}

/// `COND ? THEN : OTHERWISE`
pub fn conditional(cond: Expr, then: Expr, otherwise: Expr) -> Expr {
    Expr::Conditional(Box::new(cond), Box::new(then), Box::new(otherwise))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_keep_plain_text_and_join_literals() {
        let t = template(vec![
            Part::Lit("a${b}"),
            Part::Lit("%{c}\"\\"),
            Part::Interp(var("region")),
            Part::Lit(""),
        ]);
        assert_eq!(
            t,
            Expr::Template(vec![
                Part::Lit("a${b}%{c}\"\\".to_owned()),
                Part::Interp(var("region")),
            ])
        );
        assert_eq!(template(vec![Part::Lit("a"), Part::Lit("b")]), str("ab"));
        assert_eq!(template::<String>(vec![]), str(""));
    }

    #[test]
    fn interpolation_only_template_is_unwrapped() {
        assert_eq!(
            template(vec![Part::<&str>::Interp(var("x")), Part::Lit("")]),
            var("x")
        );
    }

    #[test]
    fn whole_floats_become_integers() {
        assert_eq!(num(70.0), int(70));
        assert_ne!(num(0.1), int(0));
        assert_eq!(num(f64::NAN), Expr::Null);
    }

    #[test]
    fn objects_name_each_key_once() {
        assert_eq!(
            object([("a", int(1)), ("b", int(2)), ("a", int(3))]),
            Expr::Object(vec![("a".to_owned(), int(3)), ("b".to_owned(), int(2))])
        );
    }

    #[test]
    fn indexing_extends_a_traversal() {
        assert_eq!(
            index(var("ids"), 0),
            Expr::Traversal(
                Box::new(ident("var")),
                vec![Step::Attr("ids".to_owned()), Step::Index(int(0))]
            )
        );
    }
}

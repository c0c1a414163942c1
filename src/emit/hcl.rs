//! The one HCL printer: IR -> text that `terraform fmt` leaves byte for byte as it is.
//!
//! fmt never reflows, so the layout is ours; what fmt owns is indentation and `=` alignment. Both
//! are computed here the way hclwrite's `format.go` computes them, from bracket counts per line
//! and from chains of one-line `name = value` lines, instead of being tracked while printing.
//! That way any nesting the printer produces, even an odd one, is already what fmt would print.
//!
//! Layout: objects with entries are always multi-line; arrays stay on one line unless an element
//! spans lines; a call whose only multi-line argument is the last one hugs it (`jsonencode([`
//! ... `])`); a blank line separates blocks from each other and from attributes.

use ::hcl::expr::{
    Conditional, ForExpr, FuncCall, HeredocStripMode, ObjectKey, Operation, TemplateExpr,
    TraversalOperator,
};
use ::hcl::{Expression, Identifier};

use super::{chunks, comment_lines, Chunk};
use crate::ir::{self, escape_literal, Item};

pub use super::HEADER;

/// The body as fmt would print it, each line ending in `\n`.
pub fn print_body(body: &ir::Body) -> String {
    let mut lines = Vec::new();
    push_body(&mut lines, body, false);
    layout(lines)
}

/// A whole `.tf` file: [`HEADER`], a blank line, then the body.
pub fn print_file(body: &ir::Body) -> String {
    let text = print_body(body);
    if text.is_empty() {
        format!("{HEADER}\n")
    } else {
        format!("{HEADER}\n\n{text}")
    }
}

/// The body as hcl-rs's own structure, comments dropped, so tests can compare it with what
/// `hcl::parse` reads back from [`print_body`].
pub fn to_hcl_body(body: &ir::Body) -> ::hcl::Body {
    ::hcl::Body(
        body.items
            .iter()
            .filter_map(|item| match item {
                Item::Attribute(a) => Some(::hcl::Structure::Attribute(::hcl::Attribute::new(
                    a.key.clone(),
                    a.expr.clone(),
                ))),
                Item::Block(b) => Some(::hcl::Structure::Block(::hcl::Block {
                    identifier: b.ident.clone(),
                    labels: b
                        .labels
                        .iter()
                        .cloned()
                        .map(::hcl::BlockLabel::String)
                        .collect(),
                    body: to_hcl_body(&b.body),
                })),
                Item::Comment(_) => None,
            })
            .collect(),
    )
}

/// An expression on one line, objects written `{ a = 1, b = 2 }`: the form Terraform JSON needs
/// inside `"${...}"`.
pub(crate) fn inline(expr: &Expression) -> String {
    let lines = render(expr, true);
    lines.iter().map(Line::text).collect::<Vec<_>>().join("\n")
}

/// One physical output line before fmt's indentation and alignment pass.
#[derive(Debug, Clone, Default)]
struct Line {
    /// Everything before the `=` of a one-line assignment, or the whole line.
    lead: String,
    /// `= value` when the line is a complete one-line `name = value`: the only lines fmt aligns.
    assign: Option<String>,
    /// Brackets opened minus brackets closed, which is all fmt looks at to indent.
    net: i32,
    /// The line ends a heredoc, so the next text must start a new line.
    closed: bool,
}

impl Line {
    fn text(&self) -> String {
        match &self.assign {
            Some(a) => format!("{} {a}", self.lead),
            None => self.lead.clone(),
        }
    }

    fn append(&mut self, other: Line) {
        match &mut self.assign {
            Some(a) if other.net == 0 => a.push_str(&other.text()),
            Some(a) => {
                self.lead = format!("{} {a}{}", self.lead, other.text());
                self.assign = None;
            }
            None => match other.assign {
                Some(a) => {
                    self.lead.push_str(&other.lead);
                    self.assign = Some(a);
                }
                None => self.lead.push_str(&other.lead),
            },
        }
        self.net += other.net;
        self.closed = other.closed;
    }
}

type Lines = Vec<Line>;

fn text(s: impl Into<String>) -> Lines {
    vec![Line {
        lead: s.into(),
        ..Line::default()
    }]
}

/// Punctuation and keywords written by the printer itself, whose brackets are real tokens.
fn punct(s: &str) -> Lines {
    let net = s
        .chars()
        .map(|c| match c {
            '(' | '[' | '{' => 1,
            ')' | ']' | '}' => -1,
            _ => 0,
        })
        .sum();
    vec![Line {
        lead: s.to_owned(),
        net,
        ..Line::default()
    }]
}

/// Concatenates pieces: each piece's first line continues the previous piece's last line.
fn cat(pieces: impl IntoIterator<Item = Lines>) -> Lines {
    let mut out: Lines = Vec::new();
    for piece in pieces {
        let mut rest = piece.into_iter();
        match (out.last_mut(), rest.next()) {
            (Some(last), Some(first)) if !last.closed => last.append(first),
            (_, Some(first)) => out.push(first),
            (_, None) => {}
        }
        out.extend(rest);
    }
    out
}

fn one_line(lines: &Lines) -> bool {
    lines.len() == 1 && !lines[0].closed
}

fn parens(lines: Lines) -> Lines {
    cat([punct("("), lines, punct(")")])
}

/// `open`, one element per line each followed by `sep`, `close`: fmt indents the elements one
/// level because the opening line leaves one bracket open.
fn vertical(open: &str, items: Vec<Lines>, sep: &str, last_sep: &str, close: &str) -> Lines {
    let mut out = punct(open);
    let count = items.len();
    for (i, item) in items.into_iter().enumerate() {
        let s = if i + 1 == count { last_sep } else { sep };
        out.extend(cat([item, text(s)]));
    }
    out.extend(punct(close));
    out
}

/// `key = value`; a one-line value makes an alignable assignment line.
fn assignment(key: String, value: Lines) -> Lines {
    // A heredoc counts as one line here: fmt stops counting brackets at its opener.
    if value.len() == 1 && value[0].net == 0 {
        let closed = value[0].closed;
        let assign = Some(format!("= {}", value[0].text()));
        vec![Line {
            lead: key,
            assign,
            net: 0,
            closed,
        }]
    } else {
        cat([text(key), punct(" = "), value])
    }
}

fn render(expr: &Expression, flat: bool) -> Lines {
    match expr {
        Expression::Null => text("null"),
        Expression::Bool(b) => text(b.to_string()),
        Expression::Number(n) => text(n.to_string()),
        Expression::String(s) => text(quote(s)),
        Expression::Array(items) => array(items, flat),
        Expression::Object(obj) if obj.is_empty() => punct("{}"),
        Expression::Object(obj) => {
            let entries = obj.iter().map(|(k, v)| assignment(key(k), render(v, flat)));
            if flat {
                let entries: Vec<String> = entries.map(|l| l[0].text()).collect();
                cat([punct("{ "), text(entries.join(", ")), punct(" }")])
            } else {
                let mut out = punct("{");
                out.extend(entries.flatten());
                out.extend(punct("}"));
                out
            }
        }
        Expression::TemplateExpr(t) => template(t, flat),
        Expression::Variable(v) => text(v.as_str()),
        Expression::Traversal(t) => {
            let mut pieces = vec![operand(&t.expr, flat, |e| {
                matches!(e, Expression::Operation(_) | Expression::Conditional(_)) || is_negative(e)
            })];
            for op in &t.operators {
                pieces.push(match op {
                    TraversalOperator::GetAttr(id) => text(format!(".{id}")),
                    TraversalOperator::Index(i) => cat([punct("["), render(i, flat), punct("]")]),
                    TraversalOperator::LegacyIndex(n) => text(format!(".{n}")),
                    TraversalOperator::AttrSplat => text(".*"),
                    TraversalOperator::FullSplat => punct("[*]"),
                });
            }
            cat(pieces)
        }
        Expression::FuncCall(f) => call(f, flat),
        Expression::Parenthesis(inner) => parens(render(inner, flat)),
        Expression::Conditional(c) => conditional(c, flat),
        Expression::Operation(op) => operation(op, flat),
        Expression::ForExpr(f) => for_expr(f, flat),
        // Variants added to hcl-rs later: its own formatter is the best guess.
        other => text(::hcl::format::to_string(other).unwrap_or_default()),
    }
}

fn array(items: &[Expression], flat: bool) -> Lines {
    let items: Vec<Lines> = items.iter().map(|e| render(e, flat)).collect();
    if items.is_empty() {
        punct("[]")
    } else if flat || items.iter().all(one_line) {
        cat([punct("["), join(items, ", "), punct("]")])
    } else {
        vertical("[", items, ",", ",", "]")
    }
}

fn join(items: Vec<Lines>, sep: &str) -> Lines {
    let mut pieces = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            pieces.push(text(sep));
        }
        pieces.push(item);
    }
    cat(pieces)
}

fn call(f: &FuncCall, flat: bool) -> Lines {
    let mut name = String::new();
    for ns in &f.name.namespace {
        name.push_str(ns.as_str());
        name.push_str("::");
    }
    name.push_str(f.name.name.as_str());
    let mut args: Vec<Lines> = f.args.iter().map(|a| render(a, flat)).collect();
    if f.expand_final {
        if let Some(last) = args.pop() {
            args.push(cat([last, text("...")]));
        }
    }
    let hugs = args.iter().rev().skip(1).all(one_line);
    if flat || hugs {
        cat([text(name), punct("("), join(args, ", "), punct(")")])
    } else {
        let last_sep = if f.expand_final { "" } else { "," };
        vertical(&format!("{name}("), args, ",", last_sep, ")")
    }
}

/// Renders a sub-expression, in parentheses when `needs` says the parser would otherwise group
/// it differently.
fn operand(e: &Expression, flat: bool, needs: impl Fn(&Expression) -> bool) -> Lines {
    let lines = render(e, flat);
    if needs(e) {
        parens(lines)
    } else {
        lines
    }
}

fn conditional(c: &Conditional, flat: bool) -> Lines {
    let nested = |e: &Expression| matches!(e, Expression::Conditional(_));
    cat([
        operand(&c.cond_expr, flat, nested),
        punct(" ? "),
        operand(&c.true_expr, flat, nested),
        punct(" : "),
        render(&c.false_expr, flat),
    ])
}

fn operation(op: &Operation, flat: bool) -> Lines {
    match op {
        Operation::Unary(u) => cat([
            punct(u.operator.as_str()),
            // `- -1` would come back from fmt as `--1`; parentheses keep it readable.
            operand(&u.expr, flat, |e| {
                matches!(e, Expression::Operation(_) | Expression::Conditional(_)) || is_negative(e)
            }),
        ]),
        Operation::Binary(b) => {
            let prec = b.operator.precedence();
            let lower = |e: &Expression, or_equal: bool| match e {
                Expression::Conditional(_) => true,
                Expression::Operation(o) => match o.as_ref() {
                    Operation::Binary(inner) => {
                        let p = inner.operator.precedence();
                        p < prec || (or_equal && p == prec)
                    }
                    Operation::Unary(_) => false,
                },
                _ => false,
            };
            cat([
                operand(&b.lhs_expr, flat, |e| lower(e, false)),
                punct(&format!(" {} ", b.operator.as_str())),
                // Binary operators associate to the left, so an equal-precedence right operand
                // needs parentheses to keep its grouping.
                operand(&b.rhs_expr, flat, |e| lower(e, true)),
            ])
        }
    }
}

fn is_negative(e: &Expression) -> bool {
    matches!(e, Expression::Number(n) if n.as_f64().is_some_and(|f| f < 0.0))
}

fn for_expr(f: &ForExpr, flat: bool) -> Lines {
    let object = f.key_expr.is_some();
    let mut pieces = vec![punct(if object { "{ for " } else { "[for " })];
    if let Some(k) = &f.key_var {
        pieces.push(text(format!("{k}, ")));
    }
    pieces.push(text(format!("{} in ", f.value_var)));
    pieces.push(render(&f.collection_expr, flat));
    pieces.push(punct(" : "));
    if let Some(k) = &f.key_expr {
        pieces.push(render(k, flat));
        pieces.push(punct(" => "));
    }
    pieces.push(render(&f.value_expr, flat));
    if f.grouping {
        pieces.push(text("..."));
    }
    if let Some(c) = &f.cond_expr {
        pieces.push(punct(" if "));
        pieces.push(render(c, flat));
    }
    pieces.push(punct(if object { " }" } else { "]" }));
    cat(pieces)
}

fn template(t: &TemplateExpr, flat: bool) -> Lines {
    match t {
        TemplateExpr::QuotedString(raw) => match interpolation_only(raw) {
            // fmt would unwrap `"${x}"` to `x`, so print it unwrapped in the first place.
            Some(inner) => render(&inner, flat),
            None => text(format!("\"{raw}\"")),
        },
        TemplateExpr::Heredoc(h) => {
            let dash = if h.strip == HeredocStripMode::Indent {
                "-"
            } else {
                ""
            };
            let nl = if h.template.ends_with('\n') { "" } else { "\n" };
            let body = format!("<<{dash}{}\n{}{nl}{}", h.delimiter, h.template, h.delimiter);
            vec![Line {
                lead: body,
                closed: true,
                ..Line::default()
            }]
        }
    }
}

/// The expression inside a template that is nothing but one `${...}`.
fn interpolation_only(raw: &str) -> Option<Expression> {
    match chunks(raw).as_slice() {
        [Chunk::Seq(seq)] if seq.starts_with("${") => {
            let inner = seq[2..seq.len() - 1].trim_matches('~').trim();
            inner.parse().ok()
        }
        _ => None,
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", escape_literal(s))
}

fn key(k: &ObjectKey) -> String {
    match k {
        ObjectKey::Identifier(id) if is_plain_key(id) => id.to_string(),
        ObjectKey::Identifier(id) => quote_key(id),
        ObjectKey::Expression(Expression::String(s)) => quote_key(s),
        // Verbatim: unwrapping `"${x}"` is only right for whole values, not for keys.
        ObjectKey::Expression(Expression::TemplateExpr(t))
            if !matches!(**t, TemplateExpr::Heredoc(_)) =>
        {
            format!("\"{t}\"")
        }
        // A bare reference as a key would be read as a literal name; parentheses make HCL
        // evaluate it.
        ObjectKey::Expression(
            e @ (Expression::Variable(_)
            | Expression::Traversal(_)
            | Expression::FuncCall(_)
            | Expression::Operation(_)
            | Expression::Conditional(_)),
        ) => format!("({})", inline(e)),
        ObjectKey::Expression(e) => inline(e),
        other => ::hcl::format::to_string(other).unwrap_or_default(),
    }
}

/// ASCII identifiers that HCL reads back as the same literal key (`null`, `true`, `false` are
/// values and `for` starts a for-expression).
fn is_plain_key(id: &Identifier) -> bool {
    let s = id.as_str();
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(s, "null" | "true" | "false" | "for")
}

/// A quoted key in which every character is its own grapheme cluster: fmt aligns `=` by
/// counting clusters, so anything that could join a neighbour (combining marks, joiners,
/// emoji modifiers, Hangul jamo, ...) is written as a `\u` escape, which reads back the same.
fn quote_key(s: &str) -> String {
    let mut out = String::from("\"");
    for c in escape_literal(s).chars() {
        if c.is_ascii() || is_standalone(c) {
            out.push(c);
        } else if (c as u32) <= 0xffff {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push_str(&format!("\\U{:08x}", c as u32));
        }
    }
    out.push('"');
    out
}

/// Characters whose grapheme-break property is "Other" in every Unicode version: they never
/// join a neighbour that is itself ASCII or standalone.
fn is_standalone(c: char) -> bool {
    matches!(c as u32,
        0xa1..=0xac | 0xae..=0x2ff            // Latin-1 (no soft hyphen), Latin Extended, IPA
        | 0x370..=0x482 | 0x48a..=0x52f      // Greek, Cyrillic (no combining marks)
        | 0x1e00..=0x1fff                    // Latin Extended Additional, Greek Extended
        | 0x2010..=0x2027 | 0x2030..=0x205e  // punctuation (no format characters)
        | 0x20a0..=0x20cf                    // currency
        | 0x2100..=0x23ff | 0x2460..=0x27bf  // symbols, arrows, shapes, dingbats
        | 0x3000..=0x3029 | 0x3030..=0x303f  // CJK punctuation (no tone marks)
        | 0x3041..=0x3096 | 0x309b..=0x30ff  // kana (no voicing marks)
        | 0x3400..=0x4dbf | 0x4e00..=0x9fff  // CJK ideographs
        | 0xac00..=0xd7a3                    // precomposed Hangul syllables
        | 0xff01..=0xff60 | 0xffe0..=0xffe6  // full-width forms
        | 0x1f300..=0x1f3fa | 0x1f400..=0x1f64f | 0x1f680..=0x1f6ff | 0x1f900..=0x1f9ff)
}

/// Display columns as fmt counts them for alignment (grapheme clusters). Keys are escaped by
/// [`quote_key`] so that this is exact for them; other text only approximates it by not
/// counting common combining characters.
fn columns(s: &str) -> usize {
    let mut n = 0;
    let mut joined = false;
    for c in s.chars() {
        let extends = matches!(c as u32,
            0x300..=0x36f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x20d0..=0x20ff
            | 0xfe00..=0xfe0f | 0xfe20..=0xfe2f | 0x200c | 0x1f3fb..=0x1f3ff | 0xe0020..=0xe007f);
        if !extends && !joined && c != '\u{200d}' {
            n += 1;
        }
        joined = c == '\u{200d}';
    }
    n
}

fn push_body(out: &mut Lines, body: &ir::Body, in_variable: bool) {
    #[derive(PartialEq)]
    enum Prev {
        Nothing,
        Attribute,
        Block,
    }
    let mut prev = Prev::Nothing;
    let mut comments: Vec<&str> = Vec::new();
    for item in &body.items {
        match item {
            Item::Comment(c) => comments.push(c),
            Item::Attribute(a) => {
                if prev == Prev::Block {
                    out.push(Line::default());
                }
                push_comments(out, &mut comments);
                out.extend(attribute(a, in_variable));
                prev = Prev::Attribute;
            }
            Item::Block(b) => {
                if prev != Prev::Nothing {
                    out.push(Line::default());
                }
                push_comments(out, &mut comments);
                push_block(out, b);
                prev = Prev::Block;
            }
        }
    }
    if prev == Prev::Block && !comments.is_empty() {
        out.push(Line::default());
    }
    push_comments(out, &mut comments);
}

fn attribute(a: &ir::Attribute, in_variable: bool) -> Lines {
    let value = match &a.expr {
        // fmt rewrites a quoted type constraint to the bare type expression.
        Expression::String(s) if in_variable && a.key.as_str() == "type" => s
            .parse::<Expression>()
            .map_or_else(|_| render(&a.expr, false), |e| render(&e, false)),
        e => render(e, false),
    };
    assignment(a.key.to_string(), value)
}

fn push_block(out: &mut Lines, b: &ir::Block) {
    let mut header = b.ident.to_string();
    for label in &b.labels {
        header.push(' ');
        header.push_str(&quote(label));
    }
    if b.body.is_empty() {
        out.extend(cat([text(header), punct(" {}")]));
        return;
    }
    out.extend(cat([text(header), punct(" {")]));
    push_body(out, &b.body, b.ident.as_str() == "variable");
    out.extend(punct("}"));
}

/// Each comment line becomes `# text`; checkov's skip markers are written `#checkov:...`, the
/// form its documentation shows.
fn push_comments(out: &mut Lines, comments: &mut Vec<&str>) {
    for line in comments.drain(..).flat_map(comment_lines) {
        let lead = if line.is_empty() {
            "#".to_owned()
        } else if line.starts_with("checkov:") {
            format!("#{line}")
        } else {
            format!("# {line}")
        };
        out.push(Line {
            lead,
            ..Line::default()
        });
    }
}

/// fmt's indentation and alignment pass (hclwrite `formatIndent` and `formatCells`).
fn layout(lines: Lines) -> String {
    let mut stack: Vec<i32> = Vec::new();
    let mut indents = Vec::with_capacity(lines.len());
    for line in &lines {
        if line.net > 0 {
            indents.push(stack.len());
            stack.push(line.net);
            continue;
        }
        let mut closed = -line.net;
        while closed > 0 {
            let Some(top) = stack.last_mut() else { break };
            if closed >= *top {
                closed -= *top;
                stack.pop();
            } else {
                *top -= closed;
                closed = 0;
            }
        }
        indents.push(stack.len());
    }

    let mut pads = vec![1; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let end = (i..lines.len())
            .find(|&j| lines[j].assign.is_none())
            .unwrap_or(lines.len());
        let width = |j: usize| 2 * indents[j] + columns(&lines[j].lead);
        let longest = (i..end).map(width).max().unwrap_or(0);
        for (j, pad) in pads[i..end].iter_mut().enumerate() {
            *pad = longest - width(i + j) + 1;
        }
        i = end + 1;
    }

    let mut out = String::new();
    for (j, line) in lines.iter().enumerate() {
        if !line.lead.is_empty() || line.assign.is_some() {
            out.push_str(&" ".repeat(2 * indents[j]));
            out.push_str(&line.lead);
        }
        if let Some(a) = &line.assign {
            out.push_str(&" ".repeat(pads[j]));
            out.push_str(a);
        }
        out.push('\n');
    }
    out
}

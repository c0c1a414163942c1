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

use std::borrow::Cow;

use smallvec::{smallvec, SmallVec};

use super::text::{comment_lines, template_pieces, Piece};
use crate::ir::{self, BinaryOp, Expr, Item, Part, Step, UnaryOp};

pub use super::text::HEADER;

/// The body as fmt would print it, each line ending in `\n`.
pub fn print_body(body: &ir::Body) -> String {
    let mut lines = Lines::new();
    push_body(&mut lines, body, false);
    layout(lines)
}

/// A whole `.tf` file: [`HEADER`], a blank line, then the body.
pub fn print_file(body: &ir::Body) -> String {
    let mut lines = Lines::new();
    push_body(&mut lines, body, false);
    let mut out = String::with_capacity(HEADER.len() + 2 + text_size(&lines));
    out.push_str(HEADER);
    out.push('\n');
    if !lines.is_empty() {
        out.push('\n');
    }
    layout_into(&mut out, lines);
    out
}

/// An expression on one line, objects written `{ a = 1, b = 2 }`: the form Terraform JSON needs
/// inside `"${...}"`.
pub fn inline(expr: &Expr) -> String {
    let lines = render(expr, true);
    lines.iter().map(Line::text).collect::<Vec<_>>().join("\n")
}

/// One physical output line before fmt's indentation and alignment pass.
#[derive(Debug, Clone, Default)]
struct Line {
    /// Everything before the `=` of a one-line assignment, or the whole line. The printer's own
    /// punctuation is borrowed, not allocated.
    lead: Cow<'static, str>,
    /// `= value` when the line is a complete one-line `name = value`: the only lines fmt aligns.
    assign: Option<String>,
    /// Brackets opened minus brackets closed, which is all fmt looks at to indent.
    net: i32,
}

impl Line {
    fn text(&self) -> String {
        match &self.assign {
            Some(a) => {
                let mut s = String::with_capacity(self.len());
                s.push_str(&self.lead);
                s.push(' ');
                s.push_str(a);
                s
            }
            None => self.lead.to_string(),
        }
    }

    /// The length of [`Line::text`], without building it.
    fn len(&self) -> usize {
        self.lead.len() + self.assign.as_ref().map_or(0, |a| a.len() + 1)
    }

    /// Appends [`Line::text`] to `out`.
    fn push_text(&self, out: &mut String) {
        out.push_str(&self.lead);
        if let Some(a) = &self.assign {
            out.push(' ');
            out.push_str(a);
        }
    }

    fn append(&mut self, other: Line) {
        match &mut self.assign {
            Some(a) if other.net == 0 => other.push_text(a),
            Some(_) => {
                if let Some(a) = self.assign.take() {
                    let lead = self.lead.to_mut();
                    lead.push(' ');
                    lead.push_str(&a);
                }
                other.push_text(self.lead.to_mut());
            }
            None => match other.assign {
                Some(a) => {
                    self.push_lead(other.lead);
                    self.assign = Some(a);
                }
                None => self.push_lead(other.lead),
            },
        }
        self.net += other.net;
    }

    /// Appends `lead` to this line's lead; an empty lead takes it as it is.
    fn push_lead(&mut self, lead: Cow<'static, str>) {
        if self.lead.is_empty() {
            self.lead = lead;
        } else {
            self.lead.to_mut().push_str(&lead);
        }
    }
}

/// Most pieces are one line: those are kept inline, not in an allocation of their own.
type Lines = SmallVec<[Line; 1]>;

fn text(s: impl Into<String>) -> Lines {
    smallvec![Line {
        lead: Cow::Owned(s.into()),
        ..Line::default()
    }]
}

/// Punctuation and keywords written by the printer itself, whose brackets are real tokens.
fn punct(s: impl Into<Cow<'static, str>>) -> Lines {
    let s = s.into();
    let net = s
        .chars()
        .map(|c| match c {
            '(' | '[' | '{' => 1,
            ')' | ']' | '}' => -1,
            _ => 0,
        })
        .sum();
    smallvec![Line {
        lead: s,
        net,
        ..Line::default()
    }]
}

/// Concatenates pieces: each piece's first line continues the previous piece's last line.
fn cat(pieces: impl IntoIterator<Item = Lines>) -> Lines {
    let mut out = Lines::new();
    for piece in pieces {
        let mut rest = piece.into_iter();
        match (out.last_mut(), rest.next()) {
            (Some(last), Some(first)) => last.append(first),
            (None, Some(first)) => out.push(first),
            (_, None) => {}
        }
        out.extend(rest);
    }
    out
}

fn one_line(lines: &Lines) -> bool {
    lines.len() == 1
}

fn parens(lines: Lines) -> Lines {
    cat([punct("("), lines, punct(")")])
}

/// `open`, one element per line each followed by `sep`, `close`: fmt indents the elements one
/// level because the opening line leaves one bracket open.
fn vertical(
    open: impl Into<Cow<'static, str>>,
    items: Vec<Lines>,
    sep: &'static str,
    last_sep: &'static str,
    close: &'static str,
) -> Lines {
    let mut out = punct(open);
    let count = items.len();
    for (i, item) in items.into_iter().enumerate() {
        let s = if i + 1 == count { last_sep } else { sep };
        out.extend(cat([item, punct(s)]));
    }
    out.extend(punct(close));
    out
}

/// `key = value`; a one-line value makes an alignable assignment line.
fn assignment(key: String, value: Lines) -> Lines {
    if value.len() == 1 && value[0].net == 0 {
        smallvec![Line {
            lead: Cow::Owned(key),
            assign: Some({
                let mut a = String::with_capacity(2 + value[0].len());
                a.push_str("= ");
                value[0].push_text(&mut a);
                a
            }),
            net: 0,
        }]
    } else {
        cat([text(key), punct(" = "), value])
    }
}

fn render(expr: &Expr, flat: bool) -> Lines {
    match expr {
        Expr::Null => punct("null"),
        Expr::Bool(b) => punct(if *b { "true" } else { "false" }),
        Expr::Number(n) => text(n.to_string()),
        Expr::Str(s) => text(quote(s)),
        Expr::Template(parts) => template(parts, flat),
        Expr::Ident(name) => text(name.as_str()),
        Expr::Traversal(root, steps) => traversal(root, steps, flat),
        Expr::Call(name, args) => call(name, args, flat),
        Expr::Array(items) => array(items, flat),
        Expr::Object(entries) => object(entries, flat),
        Expr::Paren(inner) => parens(render(inner, flat)),
        Expr::Unary(op, e) => unary(*op, e, flat),
        Expr::Binary(lhs, op, rhs) => binary(lhs, *op, rhs, flat),
        Expr::Conditional(c, t, f) => conditional(c, t, f, flat),
    }
}

/// Arrays longer than this on one line are written one element per line, for reviewers; fmt
/// keeps either layout.
const MAX_ONE_LINE_ARRAY: usize = 80;

fn array(items: &[Expr], flat: bool) -> Lines {
    let items: Vec<Lines> = items.iter().map(|e| render(e, flat)).collect();
    let width: usize = items
        .iter()
        .map(|l| l.iter().map(|line| line.len() + 2).sum::<usize>())
        .sum();
    if items.is_empty() {
        punct("[]")
    } else if flat || items.iter().all(one_line) && width <= MAX_ONE_LINE_ARRAY {
        cat([punct("["), join(items, ", "), punct("]")])
    } else {
        vertical("[", items, ",", ",", "]")
    }
}

/// Objects with entries are multi-line, except on one line (`flat`), where they read
/// `{ a = 1, b = 2 }`.
fn object(entries: &[(String, Expr)], flat: bool) -> Lines {
    if entries.is_empty() {
        return punct("{}");
    }
    let entries = entries
        .iter()
        .map(|(k, v)| assignment(key(k), render(v, flat)));
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

fn join(items: Vec<Lines>, sep: &'static str) -> Lines {
    let mut pieces = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            pieces.push(punct(sep));
        }
        pieces.push(item);
    }
    cat(pieces)
}

fn traversal(root: &Expr, steps: &[Step], flat: bool) -> Lines {
    let mut pieces = vec![operand(root, flat, |e| {
        matches!(
            e,
            Expr::Unary(..) | Expr::Binary(..) | Expr::Conditional(..)
        ) || is_negative(e)
    })];
    for step in steps {
        pieces.push(match step {
            Step::Attr(name) => text(format!(".{name}")),
            Step::Index(i) => cat([punct("["), render(i, flat), punct("]")]),
        });
    }
    cat(pieces)
}

fn call(name: &str, args: &[Expr], flat: bool) -> Lines {
    let args: Vec<Lines> = args.iter().map(|a| render(a, flat)).collect();
    let hugs = args.iter().rev().skip(1).all(one_line);
    if flat || hugs {
        cat([text(name), punct("("), join(args, ", "), punct(")")])
    } else {
        vertical(format!("{name}("), args, ",", ",", ")")
    }
}

/// Renders a sub-expression, in parentheses when `needs` says the parser would otherwise group
/// it differently.
fn operand(e: &Expr, flat: bool, needs: impl Fn(&Expr) -> bool) -> Lines {
    let lines = render(e, flat);
    if needs(e) {
        parens(lines)
    } else {
        lines
    }
}

fn conditional(cond: &Expr, then: &Expr, otherwise: &Expr, flat: bool) -> Lines {
    let nested = |e: &Expr| matches!(e, Expr::Conditional(..));
    cat([
        operand(cond, flat, nested),
        punct(" ? "),
        operand(then, flat, nested),
        punct(" : "),
        render(otherwise, flat),
    ])
}

fn unary(op: UnaryOp, e: &Expr, flat: bool) -> Lines {
    cat([
        punct(op.as_str()),
        // `- -1` would come back from fmt as `--1`; parentheses keep it readable.
        operand(e, flat, |e| {
            matches!(
                e,
                Expr::Unary(..) | Expr::Binary(..) | Expr::Conditional(..)
            ) || is_negative(e)
        }),
    ])
}

fn binary(lhs: &Expr, op: BinaryOp, rhs: &Expr, flat: bool) -> Lines {
    let prec = op.precedence();
    let lower = |e: &Expr, or_equal: bool| match e {
        Expr::Conditional(..) => true,
        Expr::Binary(_, inner, _) => {
            let p = inner.precedence();
            p < prec || (or_equal && p == prec)
        }
        _ => false,
    };
    cat([
        operand(lhs, flat, |e| lower(e, false)),
        punct(format!(" {} ", op.as_str())),
        // Binary operators associate to the left, so an equal-precedence right operand needs
        // parentheses to keep its grouping.
        operand(rhs, flat, |e| lower(e, true)),
    ])
}

fn is_negative(e: &Expr) -> bool {
    matches!(e, Expr::Number(n) if n.as_f64().is_some_and(|f| f < 0.0))
}

fn template(parts: &[Part], flat: bool) -> Lines {
    match template_pieces(parts).as_slice() {
        // fmt would unwrap `"${x}"` to `x`, so print it unwrapped in the first place.
        [Piece::Interp(e)] => render(e, flat),
        _ => text(format!("\"{}\"", template_text(parts, escape_literal))),
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_escaped(&mut out, s);
    out.push('"');
    out
}

/// Escapes plain text for a quoted HCL string: quotes, backslashes, control characters and the
/// template markers `${` and `%{`, which become `$${` and `%%{`. With [`super::text::escape_markers`], which
/// Terraform JSON uses alone, this is the only place that spells literal text.
pub fn escape_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// [`escape_literal`] appended to `out`, in one pass.
fn push_escaped(out: &mut String, s: &str) {
    let plain = |b: u8| b >= 0x20 && b != 0x7f && !matches!(b, b'"' | b'\\' | b'$' | b'%');
    if s.bytes().all(plain) && (s.is_ascii() || !s.chars().any(super::is_invisible_format)) {
        out.push_str(s);
        return;
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == '$' || c == '%') && chars.peek() == Some(&'{') {
            out.push(c);
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if super::is_invisible_format(c) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// A key as written before `=`: bare when HCL reads it back as the same literal key, else
/// quoted.
fn key(k: &str) -> String {
    if is_plain_key(k) {
        k.to_owned()
    } else {
        quote_key(k)
    }
}

/// ASCII identifiers that HCL reads back as the same literal key (`null`, `true`, `false` are
/// values and `for` starts a for-expression).
fn is_plain_key(s: &str) -> bool {
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
        // fmt rewrites a quoted type constraint to the bare type expression, whose text the
        // string already is.
        Expr::Str(s) if in_variable && a.key.as_str() == "type" => text(s.as_str()),
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
            Cow::Borrowed("#")
        } else if line.starts_with("checkov:") {
            Cow::Owned(format!("#{line}"))
        } else {
            Cow::Owned(format!("# {line}"))
        };
        out.push(Line {
            lead,
            ..Line::default()
        });
    }
}

/// fmt's indentation and alignment pass (hclwrite `formatIndent` and `formatCells`).
fn layout(lines: Lines) -> String {
    let mut out = String::with_capacity(text_size(&lines));
    layout_into(&mut out, lines);
    out
}

/// A guess at the laid-out size of `lines`, so the text is allocated once.
fn text_size(lines: &Lines) -> usize {
    lines.iter().map(|l| l.len() + 8).sum()
}

fn layout_into(out: &mut String, lines: Lines) {
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

    for (j, line) in lines.iter().enumerate() {
        if !line.lead.is_empty() || line.assign.is_some() {
            spaces(out, 2 * indents[j]);
            out.push_str(&line.lead);
        }
        if let Some(a) = &line.assign {
            spaces(out, pads[j]);
            out.push_str(a);
        }
        out.push('\n');
    }
}

fn spaces(out: &mut String, n: usize) {
    const BLANK: &str = "                                                                ";
    let mut n = n;
    while n > BLANK.len() {
        out.push_str(BLANK);
        n -= BLANK.len();
    }
    out.push_str(&BLANK[..n]);
}

/// A template's text between its quotes: literal pieces spelled by `escape`, the syntax's own,
/// and interpolations as `${...}` around the HCL printer's one-line form, which Terraform JSON
/// reads too.
pub(crate) fn template_text(parts: &[Part], escape: fn(&str) -> String) -> String {
    let mut out = String::new();
    for piece in template_pieces(parts) {
        match piece {
            Piece::Lit(s) => out.push_str(&escape(&s)),
            Piece::Interp(e) => {
                out.push_str("${");
                out.push_str(&inline(&e));
                out.push('}');
            }
        }
    }
    out
}

//! A cheap check, before parsing, that Jsonnet source is not nested deeper than the
//! evaluator's recursive-descent parser can take.
//!
//! jrsonnet parses (and later frees) the syntax tree recursively, with no depth limit of its
//! own, so `[[[[…` a hundred thousand deep overflows even the evaluator thread's large stack,
//! and a stack overflow aborts the process instead of returning an error. The estimate here
//! counts what makes the tree deep: open brackets, and within one bracket level the
//! constructs that nest the rest of the expression (`local … ;`, `assert … ;`, `if`,
//! `function`, `error`), plus runs of prefix operators. It over-counts rather than under-counts;
//! real stacks stay in the tens or hundreds.
//!
//! Strings and comments are skipped with Jsonnet's own lexical rules ([`scan_jsonnet`]): a
//! quoted string may span lines, a verbatim string (`@'...'`) has no backslash escapes, and a
//! text block (`|||`) ends at the first line indented less than its first line. A scanner
//! that misread any of them could be made to skip the rest of a line, or of the file, and
//! with it the brackets that overflow the parser. Where the text is not valid Jsonnet, the
//! scanner reads it as code, so that it over-counts rather than under-counts.
//!
//! The evaluator itself grows its stack with `stacker` (jrsonnet's `ensure_sufficient_stack`),
//! but its parser has no such guard: this check is what protects it.

use super::line::{is_ident, scan};

/// Far below what the evaluator thread survives (about 50 000 levels in a debug build), and
/// far above any real file.
pub(crate) const MAX_NESTING: usize = 10_000;

/// Whether `source` is nested deeper than [`MAX_NESTING`].
pub(crate) fn too_deep(source: &str) -> bool {
    let bytes = source.as_bytes();
    // Per open bracket: constructs that nest across `;` (local, assert) and those that end
    // there (operators, suffixes, if, function, error).
    let mut levels: Vec<(usize, usize)> = vec![(0, 0)];
    let mut total = 0usize;
    let hit = scan_jsonnet(bytes, |pos, b| {
        match b {
            b'{' | b'[' | b'(' => {
                levels.push((0, 0));
                total += 1;
                return total > MAX_NESTING;
            }
            b'}' | b']' | b')' if levels.len() > 1 => {
                let (chain, expr) = levels.pop().expect("checked above");
                total -= 1 + chain + expr;
                // `f()()`, `a[0][0]`: a closed group may be one link of a suffix chain.
                levels.last_mut().expect("root stays").1 += 1;
                total += 1;
                return total > MAX_NESTING;
            }
            _ => {}
        }
        let (chain, expr) = levels.last_mut().expect("the root level is never popped");
        match b {
            b',' => {
                total -= *chain + *expr;
                *chain = 0;
                *expr = 0;
            }
            b';' => {
                total -= *expr;
                *expr = 0;
            }
            // Operator chains (`1+1+…`, `----x`) and field chains (`a.b.c…`) nest the tree too.
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'=' | b'!' | b'&' | b'|' | b'^'
            | b'~' | b'.' => {
                *expr += 1;
                total += 1;
            }
            _ if pos == 0 || !is_ident(bytes[pos - 1]) => match keyword(&bytes[pos..]) {
                Some(Keyword::Chain) => {
                    *chain += 1;
                    total += 1;
                }
                Some(Keyword::Expr) => {
                    *expr += 1;
                    total += 1;
                }
                None => {}
            },
            _ => {}
        }
        total > MAX_NESTING
    });
    hit.is_some()
}

/// Calls `f(position, byte)` for every byte of `bytes` outside Jsonnet strings, text blocks and
/// comments, until it returns true; returns that position.
pub(crate) fn scan_jsonnet(bytes: &[u8], mut f: impl FnMut(usize, u8) -> bool) -> Option<usize> {
    let end = bytes.len();
    let mut i = 0;
    while i < end {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        i = match b {
            b'"' | b'\'' => skip_quoted(bytes, i + 1, b),
            b'@' if matches!(next, Some(b'"' | b'\'')) => skip_verbatim(bytes, i + 2, bytes[i + 1]),
            b'|' if bytes[i..].starts_with(b"|||") => match skip_text_block(bytes, i + 3) {
                Some(after) => after,
                // Not a valid text block: read on as code (`|` is an operator).
                None => {
                    if f(i, b) {
                        return Some(i);
                    }
                    i + 1
                }
            },
            b'#' => line_end(bytes, i),
            b'/' if next == Some(b'/') => line_end(bytes, i),
            b'/' if next == Some(b'*') => bytes[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(end, |p| i + 2 + p + 2),
            _ => {
                if f(i, b) {
                    return Some(i);
                }
                i + 1
            }
        };
    }
    None
}

/// After the opening quote `q` of a `"` or `'` string: the position after its closing quote.
/// Backslash escapes one character; newlines are part of the string.
fn skip_quoted(bytes: &[u8], from: usize, q: u8) -> usize {
    let mut j = from;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            c if c == q => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// After `@` and the quote `q` of a verbatim string: the position after its closing quote. There
/// are no escapes but the doubled quote.
fn skip_verbatim(bytes: &[u8], from: usize, q: u8) -> usize {
    let mut j = from;
    while j < bytes.len() {
        if bytes[j] == q {
            if bytes.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    bytes.len()
}

/// After `|||`: the position after the closing `|||` of the text block, or `None` when the text
/// is not a text block (nothing but an optional `-` and blanks before the line end, a first line
/// with indentation, a last line that is `|||`).
fn skip_text_block(bytes: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    if bytes.get(j) == Some(&b'-') {
        j += 1;
    }
    while matches!(bytes.get(j), Some(b' ' | b'\t' | b'\r')) {
        j += 1;
    }
    if bytes.get(j) != Some(&b'\n') {
        return None;
    }
    j += 1;
    while bytes.get(j) == Some(&b'\n') {
        j += 1;
    }
    let indent_len = bytes[j..]
        .iter()
        .position(|&c| c != b' ' && c != b'\t')
        .unwrap_or(0);
    if indent_len == 0 {
        return None;
    }
    let indent = &bytes[j..j + indent_len];
    loop {
        if j >= bytes.len() {
            return None;
        }
        if bytes[j] == b'\n' {
            j += 1;
        } else if bytes[j..].starts_with(indent) {
            j = line_end(bytes, j) + 1;
        } else {
            while matches!(bytes.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            return bytes[j..].starts_with(b"|||").then_some(j + 3);
        }
    }
}

/// The position of the newline that ends the line at `at`, or the text's end.
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |p| at + p)
}

enum Keyword {
    Chain,
    Expr,
}

fn keyword(rest: &[u8]) -> Option<Keyword> {
    let word_end = rest
        .iter()
        .position(|&b| !is_ident(b))
        .unwrap_or(rest.len());
    match &rest[..word_end] {
        b"local" | b"assert" => Some(Keyword::Chain),
        b"if" | b"function" | b"error" => Some(Keyword::Expr),
        _ => None,
    }
}

/// Whether flow brackets in `source` (YAML `[`/`{`) nest deeper than `limit`.
///
/// libyaml takes time quadratic in flow nesting before serde_yaml's own depth limit of 128
/// can stop it: two megabytes of `[` take seconds. Anything this deep would be refused
/// anyway, so refuse it before parsing.
pub(crate) fn brackets_deeper_than(source: &str, limit: usize) -> bool {
    let bytes = source.as_bytes();
    scan(bytes, 0, bytes.len(), |_, b, depth| {
        b"[{".contains(&b) && usize::try_from(depth).is_ok_and(|d| d >= limit)
    })
    .is_some()
}

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
    let hit = scan(bytes, 0, bytes.len(), |pos, b, _| {
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

//! Rules that need more than one field, or AWS facts the provider does not check.
//!
//! Every rule has a stable code (see [`rules::all`]), runs over the whole stack, and pushes
//! diagnostics instead of returning early: users see every problem in one run.

mod capacity;
mod containers;
mod context;
mod database;
mod endpoints;
mod environment;
mod memory;
mod naming;
mod platform;
pub mod rules;
mod scaling;
mod secrets;
mod sizing;

use crate::diag::Diagnostic;
use crate::model::Stack;

pub use context::Context;

/// Runs every rule. Diagnostics come back in a stable order: by path, then code.
pub fn validate(stack: &Stack, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for family in rules::FAMILIES {
        (family.check)(stack, cx, &mut out);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.code.cmp(b.code)));
    out
}

//! Rules that need more than one field, or AWS facts the provider does not check.
//!
//! Every rule has a stable code (see [`rules::RULES`]), runs over the whole stack, and pushes
//! diagnostics instead of returning early: users see every problem in one run.

mod capacity;
mod containers;
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

/// Fargate's task sizes, also for the tests' stack generator.
pub use sizing::{FARGATE_SIZES, WINDOWS_SIZES};

/// What the rules may look at besides the stack.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The environment name, for the `dynamic` memory reservation strategy.
    pub env: Option<String>,
}

/// Runs every rule. Diagnostics come back in a stable order: by path, then code.
pub fn validate(stack: &Stack, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    sizing::check(stack, cx, &mut out);
    platform::check(stack, cx, &mut out);
    capacity::check(stack, cx, &mut out);
    memory::check(stack, cx, &mut out);
    database::check(stack, cx, &mut out);
    naming::check(stack, cx, &mut out);
    environment::check(stack, cx, &mut out);
    secrets::check(stack, cx, &mut out);
    containers::check(stack, cx, &mut out);
    endpoints::check(stack, cx, &mut out);
    scaling::check(stack, cx, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.code.cmp(b.code)));
    out
}

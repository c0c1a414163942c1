//! Rules that need more than one field, or AWS facts the provider does not check, and the
//! resolved stack they let through.
//!
//! Every rule has a stable code (see [`rules::all`]), runs over the whole stack, and pushes
//! diagnostics instead of returning early: users see every problem in one run. A stack that
//! passes every rule is resolved ([`crate::resolve`]): lowering never sees an unchecked one.

pub(crate) mod arn_forms;
pub(crate) mod arn_region;
mod capacity;
mod container_settings;
mod containers;
mod context;
mod database;
mod deployment;
mod deployment_strategy;
mod endpoints;
mod environment;
mod exec;
mod iam;
mod load_balancing;
mod memory;
mod naming;
mod network;
mod platform;
pub(crate) mod rules;
mod scaling;
mod schedule;
mod secrets;
mod service_connect;
mod sizing;
pub(crate) mod task_role_endpoints;
mod volumes;

use crate::diag::{core, Diagnostic};
use crate::model::Stack;
use crate::resolve::{self, Resolved};

pub(crate) use context::Context;

/// A stack that passed every rule: what it means, and its warnings.
#[derive(Debug, Clone)]
pub(crate) struct Valid {
    pub resolved: Resolved,
    pub warnings: Vec<Diagnostic>,
}

/// Runs every rule and resolves the stack, or returns every diagnostic (warnings included).
/// Diagnostics come back in a stable order: by path, then code.
pub(crate) fn validate(stack: &Stack, cx: &Context) -> Result<Valid, Vec<Diagnostic>> {
    let mut out = Vec::new();
    for family in rules::FAMILIES {
        (family.check)(stack, cx, &mut out);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.code.cmp(b.code)));
    if out.iter().any(Diagnostic::is_error) {
        return Err(out);
    }
    match resolve::resolve(stack, cx.env.as_deref()) {
        Some(resolved) => Ok(Valid {
            resolved,
            warnings: out,
        }),
        None => {
            out.push(
                Diagnostic::new(
                    &core::INTERNAL,
                    "",
                    "gen-tf could not resolve a stack that passed every rule",
                )
                .help(
                    "this is a bug in gen-tf: a rule is missing; please report it with the stack",
                ),
            );
            Err(out)
        }
    }
}

//! Rules that need more than one field, or AWS facts the provider does not check, and the
//! resolved stack they let through.
//!
//! Every rule has a stable code (see [`rules::all`]), runs over the whole stack, and pushes
//! diagnostics instead of returning early: users see every problem in one run. The stack is
//! resolved first ([`crate::resolve`]) and the rules read only the resolved stack; lowering gets
//! it only when no rule found an error.

pub(crate) mod arn_forms;
pub(crate) mod arn_region;
mod capacity;
mod connect_test_traffic;
mod container_settings;
mod containers;
mod context;
mod database;
mod deployment;
mod deployment_controller;
mod deployment_strategy;
mod ebs_volume;
mod endpoints;
mod environment;
mod exec;
mod iam;
mod load_balancing;
mod memory;
mod name_overrides;
mod naming;
mod network;
mod platform;
pub(crate) mod rules;
mod scaling;
mod schedule;
mod secrets;
mod service_connect;
mod sizing;
mod spot;
pub(crate) mod task_role_endpoints;
mod volumes;

use crate::diag::Diagnostic;
use crate::model::Stack;
use crate::resolve::{self, Resolved};

pub(crate) use context::Context;

/// A stack that passed every rule: what it means, and its warnings.
#[derive(Debug, Clone)]
pub(crate) struct Valid {
    pub resolved: Resolved,
    pub warnings: Vec<Diagnostic>,
}

/// Resolves the stack, runs every rule over it, and returns the resolved stack with its
/// warnings, or every diagnostic (warnings included). Diagnostics come back in a stable order:
/// by path, then code.
pub(crate) fn validate(stack: &Stack, cx: &Context) -> Result<Valid, Vec<Diagnostic>> {
    let resolved = resolve::resolve(stack, cx.env.as_deref());
    let mut out = Vec::new();
    for family in rules::FAMILIES {
        (family.check)(&resolved, &mut out);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.code.cmp(b.code)));
    if out.iter().any(Diagnostic::is_error) {
        return Err(out);
    }
    Ok(Valid {
        resolved,
        warnings: out,
    })
}

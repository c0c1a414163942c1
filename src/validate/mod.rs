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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn codes(v: serde_json::Value) -> Vec<&'static str> {
        let stack = crate::model::from_value(&v).expect("structurally valid");
        let cx = Context {
            env: Some("prd".to_owned()),
        };
        match validate(&stack, &cx) {
            Ok(valid) => valid.warnings.iter().map(|d| d.code).collect(),
            Err(all) => all.iter().map(|d| d.code).collect(),
        }
    }

    /// A value resolution keeps as written (here a load balancer without a container port,
    /// which the service's target groups leave out) is one finding, by the rule about it: the
    /// rules that ask whether the service has a load balancer read the target groups as
    /// written, and do not report a missing one.
    #[test]
    fn a_value_kept_as_written_is_one_finding() {
        let tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/1";
        let svc = |deployment: serde_json::Value| {
            json!({"name": "shop", "services": {"api": {"cpu": 256, "memory": 512,
                "load_balancer": {"target_group_arn": tg}, "deployment": deployment}}})
        };
        assert_eq!(
            codes(svc(json!({"health_check_grace_period_seconds": 30}))),
            ["lb-port"]
        );
        assert_eq!(codes(svc(json!({"strategy": "BLUE_GREEN"}))), ["lb-port"]);
    }
}

//! The ECS service's deployment settings: rolling update limits, the circuit breaker, deployment
//! alarms, and what Terraform leaves to others (`lifecycle.ignore_changes`).

use crate::ir::{self, Block, Body};
use crate::resolve::deployment::Deployment;
use crate::resolve::Service;

/// The deployment arguments, written only when the stack sets them.
pub fn attrs(body: Body, d: &Deployment) -> Body {
    body.attr_opt(
        "deployment_minimum_healthy_percent",
        d.minimum_healthy_percent.map(|p| ir::int(i64::from(p))),
    )
    .attr_opt(
        "deployment_maximum_percent",
        d.maximum_percent.map(|p| ir::int(i64::from(p))),
    )
    .attr_opt(
        "wait_for_steady_state",
        d.wait_for_steady_state.then(|| ir::bool(true)),
    )
}

/// The circuit breaker (always written, so that a stack's intent is visible) and the deployment
/// alarms.
pub fn blocks(d: &Deployment) -> Vec<Block> {
    let mut out = vec![Block::new(
        "deployment_circuit_breaker",
        &[],
        Body::new()
            .attr("enable", ir::bool(d.circuit_breaker.enable))
            .attr("rollback", ir::bool(d.circuit_breaker.rollback)),
    )];
    if let Some(a) = &d.alarms {
        out.push(Block::new(
            "alarms",
            &[],
            Body::new()
                .attr(
                    "alarm_names",
                    ir::list(a.names.iter().map(|n| ir::str(n.clone()))),
                )
                .attr("enable", ir::bool(true))
                .attr("rollback", ir::bool(a.rollback)),
        ));
    }
    out
}

/// `ignore_changes` for what others own once the service exists: the desired count when
/// Application Auto Scaling moves it, the task definition when CI deploys revisions.
pub fn lifecycle(svc: &Service) -> Option<Block> {
    let mut ignored = Vec::new();
    if svc.scaling.is_some() {
        ignored.push(ir::ident("desired_count"));
    }
    if svc.deployment.ignore_task_definition_changes {
        ignored.push(ir::ident("task_definition"));
    }
    (!ignored.is_empty()).then(|| {
        Block::new(
            "lifecycle",
            &[],
            Body::new().attr("ignore_changes", ir::list(ignored)),
        )
    })
}

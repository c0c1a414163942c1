//! What Fargate Spot does to a service between deployments.
//!
//! This family still reads the stack as written: its warning stands beside the
//! `capacity-range` errors of a strategy whose weights or bases resolution cannot take (it
//! then leaves the service out), and the resolved stack has no strategy to read there.

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::model::service::CapacityProvider;
use crate::model::{Service, ServiceName, Stack};
use crate::resolve::derived;

use super::context::Context;

pub(super) static SPOT_INTERRUPTION: Rule = Rule {
    code: "spot-interruption",
    severity: Severity::Warning,
    summary: "A service that can run a single task, on Fargate Spot: each Spot interruption stops the service until capacity returns.",
    fact: "When AWS reclaims Fargate Spot capacity, the task gets a two-minute warning and is stopped; ECS then tries to start a replacement on Fargate Spot when capacity is available, so a service with only one task is down until then. minimum_healthy_percent applies to deployments, not to interruptions; a FARGATE base keeps that many tasks off Spot.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&SPOT_INTERRUPTION];

pub(super) fn check(stack: &Stack, _cx: &Context, out: &mut Vec<Diagnostic>) {
    for (name, svc) in stack.services() {
        spot(name, svc, &join("services", name.as_str()), out);
    }
}

/// A service that may run one task, with no FARGATE base to keep it off Spot.
fn spot(name: &ServiceName, svc: &Service, base: &str, out: &mut Vec<Diagnostic>) {
    let strategy = &svc.capacity_provider_strategy;
    let on_spot = strategy.iter().any(|c| {
        c.capacity_provider == CapacityProvider::FargateSpot
            && (c.weight.unwrap_or(0) > 0 || c.base.unwrap_or(0) > 0)
    });
    let kept_off = strategy
        .iter()
        .any(|c| c.capacity_provider == CapacityProvider::Fargate && c.base.unwrap_or(0) > 0);
    if on_spot && !kept_off && derived::min_running_tasks(svc) == 1 {
        out.push(
            Diagnostic::new(&SPOT_INTERRUPTION, join(base, "capacity_provider_strategy"), format!(
                "{name} can run a single task, and it may be on FARGATE_SPOT: a Spot interruption stops the service until Spot capacity returns"
            ))
            .help("give FARGATE a base of 1 (the first task runs on regular Fargate), or run at least 2 tasks"),
        );
    }
}

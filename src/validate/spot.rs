//! What Fargate Spot does to a service between deployments.
//!
//! It reads the strategy as written (`Service::strategy`): its warning stands beside the
//! `capacity-range` errors of a strategy whose weights or bases do not resolve.

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::resolve::service::{CapacityProvider, Service};
use crate::resolve::Resolved;

pub(super) static SPOT_INTERRUPTION: Rule = Rule {
    code: "spot-interruption",
    severity: Severity::Warning,
    summary: "A service that can run a single task, on Fargate Spot: each Spot interruption stops the service until capacity returns.",
    fact: "When AWS reclaims Fargate Spot capacity, the task gets a two-minute warning and is stopped; ECS then tries to start a replacement on Fargate Spot when capacity is available, so a service with only one task is down until then. minimum_healthy_percent applies to deployments, not to interruptions; a FARGATE base keeps that many tasks off Spot.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&SPOT_INTERRUPTION];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        spot(svc, out);
    }
}

/// A service that may run one task, with no FARGATE base to keep it off Spot.
fn spot(svc: &Service, out: &mut Vec<Diagnostic>) {
    let (name, base, strategy) = (&svc.name, &svc.path, &svc.strategy);
    let on_spot = strategy
        .iter()
        .any(|c| c.provider == CapacityProvider::FargateSpot && (c.weight > 0 || c.base > 0));
    let kept_off = strategy
        .iter()
        .any(|c| c.provider == CapacityProvider::Fargate && c.base > 0);
    if on_spot && !kept_off && svc.min_running_tasks == 1 {
        out.push(
            Diagnostic::new(&SPOT_INTERRUPTION, join(base, "capacity_provider_strategy"), format!(
                "{name} can run a single task, and it may be on FARGATE_SPOT: a Spot interruption stops the service until Spot capacity returns"
            ))
            .help("give FARGATE a base of 1 (the first task runs on regular Fargate), or run at least 2 tasks"),
        );
    }
}

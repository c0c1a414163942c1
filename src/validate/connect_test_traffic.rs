//! Service Connect test traffic (`client_aliases[].test_traffic_header`): ECS routes it to the
//! new revision only while a BLUE_GREEN, LINEAR or CANARY deployment runs two revisions.

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::resolve::Resolved;

pub(super) static TEST_TRAFFIC_RULES: Rule = Rule {
    code: "test-traffic-rules",
    severity: Severity::Error,
    summary: "A Service Connect test traffic header on a service whose deployment strategy is ROLLING.",
    fact: "Service Connect test traffic rules route requests with a matching header to the new service revision during a blue/green, linear or canary deployment, which runs the old and new revisions side by side; a rolling deployment has no second revision to test.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-blue-green.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&TEST_TRAFFIC_RULES];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let Some(sc) = &svc.service_connect else {
            continue;
        };
        let strategy = svc.deployment.strategy.as_ref().map(|s| s.kind);
        if strategy.is_some_and(|s| s.shifts_traffic()) {
            continue;
        }
        let base = join(&svc.path, "service_connect");
        for (i, s) in sc.services.iter().enumerate() {
            if s.test_traffic_header.is_none() {
                continue;
            }
            // ECS takes one client alias per entry (the structural pass refuses a second).
            let path = join(
                &index(
                    &join(&index(&join(&base, "services"), i), "client_aliases"),
                    0,
                ),
                "test_traffic_header",
            );
            out.push(
                Diagnostic::new(
                    &TEST_TRAFFIC_RULES,
                    path,
                    "test traffic reaches the new revision of a BLUE_GREEN, LINEAR or CANARY deployment, and this service deploys ROLLING",
                )
                .help("set deployment.strategy: 'BLUE_GREEN' (or LINEAR, CANARY), or remove test_traffic_header"),
            );
        }
    }
}

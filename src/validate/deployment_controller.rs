//! `deployment.controller`: what only the ECS deployment controller does. ECS refuses these
//! settings with CODE_DEPLOY or EXTERNAL when Terraform creates or updates the service.

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::resolve::deployment::DeploymentController;
use crate::resolve::Resolved;

pub(super) static DEPLOYMENT_CONTROLLER: Rule = Rule {
    code: "deployment-controller",
    severity: Severity::Error,
    summary: "A deployment strategy or the circuit breaker with the CODE_DEPLOY or EXTERNAL deployment controller.",
    fact: "The deployment strategies ROLLING, BLUE_GREEN, LINEAR and CANARY (deploymentConfiguration.strategy) are those of the ECS deployment controller, and the deployment circuit breaker can only be used with the rolling update (ECS) deployment type.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&DEPLOYMENT_CONTROLLER];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let d = &svc.deployment;
        let Some(c) = d.controller.filter(|c| *c != DeploymentController::Ecs) else {
            continue;
        };
        let path = join(&svc.path, "deployment");
        let c = c.as_str();
        if let Some(s) = &d.strategy {
            out.push(
                Diagnostic::new(
                    &DEPLOYMENT_CONTROLLER,
                    join(&path, "strategy"),
                    format!("strategy {} needs the ECS deployment controller, and this service's is {c}", s.kind.as_str()),
                )
                .help("remove controller (ECS is the default), or remove strategy and let the controller deploy"),
            );
        }
        // With another controller, resolution turns the circuit breaker on only where the
        // stack writes `enable: true` or `rollback: true`.
        if d.circuit_breaker.enable || d.circuit_breaker.rollback {
            out.push(
                Diagnostic::new(
                    &DEPLOYMENT_CONTROLLER,
                    join(&path, "circuit_breaker"),
                    format!("the circuit breaker belongs to deployments of the ECS controller, and this service's is {c}"),
                )
                .help("remove circuit_breaker (gen-tf writes none with this controller), or remove controller"),
            );
        }
    }
}

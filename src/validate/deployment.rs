//! `deployment`: limits that let a rolling update progress, the circuit breaker, deployment
//! alarms and the grace period. What Fargate Spot does to a service is `spot.rs`'s rule.

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::facts::ecs::{DEPLOYMENT_MAXIMUM_PERCENT, DEPLOYMENT_MINIMUM_HEALTHY_PERCENT};
use crate::model::names::ServiceName;
use crate::resolve::{Resolved, Service};

const ROLLING_DOCS: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html";

pub(super) static DEPLOYMENT: Rule = Rule {
    code: "deployment",
    severity: Severity::Error,
    summary: "Deployment limits that let ECS neither stop nor start a task, a rollback without the circuit breaker, a deployment alarm name CloudWatch refuses, or a grace period without a load balancer.",
    fact: "During a rolling update ECS keeps at least minimum_healthy_percent of the desired count running (rounded up) and at most maximum_percent (rounded down); when neither lets it stop or start one task, the deployment never progresses. The circuit breaker rolls back only when it is enabled. Alarm names are 1-255 characters. The health check grace period applies to load balancer health checks.",
    source: ROLLING_DOCS,
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&DEPLOYMENT];

/// CloudWatch alarm names: 1-255 characters.
/// Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
const MAX_ALARM_NAME: usize = 255;

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let name = &svc.name;
        let d = &svc.deployment;
        let path = join(&svc.path, "deployment");
        // Without `deployment`, ECS's defaults (100 and 200) never stall a service of 1 task
        // or more.
        stuck(name, svc, &path, out);
        if d.circuit_breaker.turned_off && d.circuit_breaker.rollback {
            out.push(
                Diagnostic::new(&DEPLOYMENT, join(&join(&path, "circuit_breaker"), "rollback"), "rollback needs the circuit breaker, which enable: false turns off")
                    .help("remove enable: false (the circuit breaker is on by default), or remove rollback"),
            );
        }
        for (i, n) in d.alarms.iter().flat_map(|a| a.names.iter()).enumerate() {
            let bad = n.is_empty()
                || n.chars().count() > MAX_ALARM_NAME
                || n.chars().any(char::is_control);
            if bad {
                out.push(
                    Diagnostic::new(&DEPLOYMENT, index(&join(&join(&path, "alarms"), "names"), i), format!("{:?} is not a CloudWatch alarm name", crate::diag::clip(n, 40)))
                        .help("write the name of an existing alarm: 1 to 255 characters, no control characters"),
                );
            }
        }
        if d.grace_period_seconds.is_some() {
            grace(name, svc, &path, out);
        }
    }
}

/// The documented stall: with the service's fewest tasks n, ECS may stop none (ceil(n * min /
/// 100) >= n) and start none (floor(n * max / 100) <= n). Fewer tasks stall more easily, so the
/// fewest is the one to check.
fn stuck(name: &ServiceName, svc: &Service, path: &str, out: &mut Vec<Diagnostic>) {
    let d = &svc.deployment;
    let min = d
        .minimum_healthy_percent
        .unwrap_or(DEPLOYMENT_MINIMUM_HEALTHY_PERCENT);
    let max = d.maximum_percent.unwrap_or(DEPLOYMENT_MAXIMUM_PERCENT);
    let n = u64::from(svc.min_running_tasks);
    let keep = (n * u64::from(min)).div_ceil(100);
    let most = n * u64::from(max) / 100;
    if keep >= n && most <= n {
        out.push(
            Diagnostic::new(&DEPLOYMENT, path.to_owned(), format!(
                "with {n} task(s), minimum_healthy_percent {min} keeps all {keep} running and maximum_percent {max} allows no more than {most}: a deployment of {name} could neither stop nor start a task"
            ))
            .help(format!(
                "lower minimum_healthy_percent to at most {}, or raise maximum_percent to at least {} (room for one more task)",
                (100 * (n - 1)) / n,
                (100 * (n + 1)).div_ceil(n)
            )),
        );
    }
}

fn grace(name: &ServiceName, svc: &Service, path: &str, out: &mut Vec<Diagnostic>) {
    let at = join(path, "health_check_grace_period_seconds");
    // The target groups as written: one without a container port is `lb-port`'s error, not a
    // missing load balancer.
    if svc
        .written_load_balancers
        .iter()
        .any(|l| l.grace_period_seconds.is_some())
    {
        out.push(
            Diagnostic::new(
                &DEPLOYMENT,
                at,
                "the grace period is set twice, here and in load_balancer",
            )
            .help("keep load_balancer.health_check_grace_period_seconds, and remove this one"),
        );
    } else if svc.written_load_balancers.is_empty() {
        out.push(
            Diagnostic::new(
                &DEPLOYMENT,
                at,
                format!(
                    "{name} has no load balancer whose health checks the grace period would delay"
                ),
            )
            .help("remove it; for a container health check, give the check a start period instead"),
        );
    }
}

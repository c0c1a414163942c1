//! `deployment.strategy` BLUE_GREEN, LINEAR and CANARY: what ECS needs to run two revisions side
//! by side (an alternate target group and the listener rules on every load balancer), the
//! settings that belong to one strategy only, and the lifecycle hooks. That a strategy needs the
//! ECS deployment controller is `deployment_controller.rs`'s rule.

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::model::aws::Arn;
use crate::resolve::deployment::{AdvancedConfiguration, DeploymentStrategy, Strategy};
use crate::resolve::{Resolved, Service};

pub(super) static STRATEGY_SETTINGS: Rule = Rule {
    code: "strategy-settings",
    severity: Severity::Error,
    summary: "linear without strategy LINEAR, canary without CANARY, or bake_time_in_minutes or lifecycle_hooks with a ROLLING deployment.",
    fact: "linearConfiguration applies to LINEAR deployments and canaryConfiguration to CANARY ones; the bake time and lifecycle hooks belong to BLUE_GREEN, LINEAR and CANARY deployments, which run two service revisions side by side.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html",
};

pub(super) static ADVANCED_CONFIGURATION: Rule = Rule {
    code: "advanced-configuration",
    severity: Severity::Error,
    summary: "A BLUE_GREEN, LINEAR or CANARY service without load balancers, a load balancer of one without advanced_configuration, an alternate target group equal to the primary, or advanced_configuration on a ROLLING service.",
    fact: "BLUE_GREEN, LINEAR and CANARY deployments shift traffic between two target groups through a listener rule: each load balancer of the service names the alternate target group (which differs from the primary), the production listener rule and the role ECS assumes to change it.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html",
};

pub(super) static LIFECYCLE_HOOK: Rule = Rule {
    code: "lifecycle-hook",
    severity: Severity::Error,
    summary: "A lifecycle hook whose target is not a Lambda function ARN in the stack's region, that names a stage twice, or that runs at a test traffic stage without a test listener rule.",
    fact: "A deployment lifecycle hook's target is a Lambda function (arn:<partition>:lambda:<region>:<account>:function:<name>) that ECS invokes in the service's region. TEST_TRAFFIC_SHIFT and POST_TEST_TRAFFIC_SHIFT are the stages where test traffic moves to the new revision, through a load balancer's test listener rule.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&STRATEGY_SETTINGS, &ADVANCED_CONFIGURATION, &LIFECYCLE_HOOK];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let d = &svc.deployment.written;
        let path = join(&svc.path, "deployment");
        settings(d, &path, out);
        advanced(svc, d.kind, &svc.path, out);
        hooks(stack, svc, d, &path, out);
    }
}

fn push(out: &mut Vec<Diagnostic>, rule: &'static Rule, path: String, message: String, help: &str) {
    out.push(Diagnostic::new(rule, path, message).help(help));
}

fn settings(d: &Strategy, path: &str, out: &mut Vec<Diagnostic>) {
    let strategy = d.kind;
    let s = strategy.as_str();
    if d.linear.is_some() && strategy != DeploymentStrategy::Linear {
        push(
            out,
            &STRATEGY_SETTINGS,
            join(path, "linear"),
            format!("linear applies to strategy LINEAR, and this deployment is {s}"),
            "set strategy: 'LINEAR', or remove linear",
        );
    }
    if d.canary.is_some() && strategy != DeploymentStrategy::Canary {
        push(
            out,
            &STRATEGY_SETTINGS,
            join(path, "canary"),
            format!("canary applies to strategy CANARY, and this deployment is {s}"),
            "set strategy: 'CANARY', or remove canary",
        );
    }
    if strategy.shifts_traffic() {
        return;
    }
    if d.bake_time_in_minutes.is_some() {
        push(
            out,
            &STRATEGY_SETTINGS,
            join(path, "bake_time_in_minutes"),
            "a bake time applies to BLUE_GREEN, LINEAR and CANARY deployments, not ROLLING"
                .to_owned(),
            "set strategy: 'BLUE_GREEN' (or LINEAR, CANARY), or remove bake_time_in_minutes",
        );
    }
    if !d.hooks.is_empty() {
        push(
            out,
            &STRATEGY_SETTINGS,
            join(path, "lifecycle_hooks"),
            "lifecycle hooks run in BLUE_GREEN, LINEAR and CANARY deployments, not ROLLING"
                .to_owned(),
            "set strategy: 'BLUE_GREEN' (or LINEAR, CANARY), or remove lifecycle_hooks",
        );
    }
}

/// Each load balancer of the service with its path and its primary target group, when the
/// stack gives one.
fn targets(svc: &Service) -> Vec<(String, Option<&str>, Option<&AdvancedConfiguration>)> {
    svc.load_balancers
        .iter()
        .map(|lb| {
            (
                lb.path.clone(),
                lb.target_group_arn.as_deref(),
                lb.advanced_configuration.as_ref(),
            )
        })
        .collect()
}

fn advanced(svc: &Service, strategy: DeploymentStrategy, base: &str, out: &mut Vec<Diagnostic>) {
    let s = strategy.as_str();
    let targets = targets(svc);
    // A target group without a container port is `lb-port`'s error, not a missing one.
    if strategy.shifts_traffic() && svc.written_load_balancers.is_empty() {
        push(out, &ADVANCED_CONFIGURATION, join(&join(base, "deployment"), "strategy"), format!("a {s} deployment shifts load balancer traffic, and the service has no load balancer"), "add load_balancers with an advanced_configuration, or use strategy: 'ROLLING'");
    }
    for (path, primary, adv) in targets {
        match (strategy.shifts_traffic(), adv) {
            (true, None) => push(out, &ADVANCED_CONFIGURATION, path, format!("a {s} deployment needs an advanced_configuration on every load balancer"), "add advanced_configuration: { alternate_target_group_arn, production_listener_rule } (role_arn is optional: gen-tf writes the infrastructure role)"),
            (false, Some(_)) => push(out, &ADVANCED_CONFIGURATION, join(&path, "advanced_configuration"), "advanced_configuration applies to BLUE_GREEN, LINEAR and CANARY deployments, and this one is ROLLING".to_owned(), "set deployment.strategy, or remove advanced_configuration"),
            (true, Some(a)) if primary == Some(a.alternate_target_group_arn.as_str()) => push(out, &ADVANCED_CONFIGURATION, join(&join(&path, "advanced_configuration"), "alternate_target_group_arn"), "the alternate target group is the primary one: ECS needs a second target group for the new revision".to_owned(), "create a second target group on the same listener and give its ARN"),
            _ => {}
        }
    }
}

fn hooks(stack: &Resolved, svc: &Service, d: &Strategy, path: &str, out: &mut Vec<Diagnostic>) {
    let test_rule = targets(svc)
        .iter()
        .any(|(_, _, a)| a.is_some_and(|a| a.test_listener_rule.is_some()));
    for (i, h) in d.hooks.iter().enumerate() {
        let at = index(&join(path, "lifecycle_hooks"), i);
        match Arn::parse(&h.function_arn) {
            Ok(a) if a.service == "lambda" && a.resource.starts_with("function:") => {
                if let Some(region) = stack.region.as_deref().filter(|r| *r != a.region) {
                    push(
                        out,
                        &LIFECYCLE_HOOK,
                        join(&at, "function_arn"),
                        format!("the function is in {}, and the stack in {region}", a.region),
                        "give a Lambda function in the stack's region",
                    );
                }
            }
            _ => push(
                out,
                &LIFECYCLE_HOOK,
                join(&at, "function_arn"),
                format!(
                    "{:?} is not a Lambda function ARN",
                    crate::diag::clip(&h.function_arn, 80)
                ),
                "write arn:aws:lambda:<region>:<account>:function:<name>",
            ),
        }
        for (j, stage) in h.stages.iter().enumerate() {
            if h.stages[..j].contains(stage) {
                push(
                    out,
                    &LIFECYCLE_HOOK,
                    index(&join(&at, "stages"), j),
                    format!("{} is listed twice", stage.as_str()),
                    "list each stage once",
                );
            } else if stage.needs_test_traffic() && !test_rule {
                push(out, &LIFECYCLE_HOOK, index(&join(&at, "stages"), j), format!("{} moves test traffic, and no load balancer of the service has a test_listener_rule", stage.as_str()), "add test_listener_rule to the advanced_configuration, or remove the stage");
            }
        }
    }
}

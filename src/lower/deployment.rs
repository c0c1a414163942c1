//! The ECS service's deployment settings: rolling update limits, the circuit breaker, deployment
//! alarms, and what Terraform leaves to others (`lifecycle.ignore_changes`).

use crate::ir::{self, Block, Body};
use crate::resolve::deployment::{Deployment, Strategy};
use crate::resolve::Service;

/// The deployment arguments, written only when the stack sets them.
pub(super) fn attrs(body: Body, d: &Deployment) -> Body {
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

/// The controller when the stack sets one, the circuit breaker (always written with the ECS
/// controller, so that a stack's intent is visible) and the deployment
/// alarms.
pub(super) fn blocks(d: &Deployment) -> Vec<Block> {
    let mut out = Vec::new();
    if let Some(c) = d.controller {
        out.push(Block::new(
            "deployment_controller",
            &[],
            Body::new().attr("type", ir::str(c.as_str())),
        ));
    }
    if !d.external_controller() {
        out.push(Block::new(
            "deployment_circuit_breaker",
            &[],
            Body::new()
                .attr("enable", ir::bool(d.circuit_breaker.enable))
                .attr("rollback", ir::bool(d.circuit_breaker.rollback)),
        ));
    }
    if let Some(st) = &d.strategy {
        out.push(strategy(st));
    }
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

/// `deployment_configuration`: the strategy, its bake times and steps, and the lifecycle hooks.
/// The provider takes the minutes as strings.
fn strategy(st: &Strategy) -> Block {
    let minutes = |m: Option<u32>| m.map(|m| ir::str(m.to_string()));
    let mut body = Body::new()
        .attr("strategy", ir::str(st.kind.as_str()))
        .attr_opt("bake_time_in_minutes", minutes(st.bake_time_in_minutes));
    if let Some(l) = &st.linear {
        body = body.block(Block::new(
            "linear_configuration",
            &[],
            Body::new()
                .attr("step_percent", ir::num(l.step_percent))
                .attr_opt(
                    "step_bake_time_in_minutes",
                    minutes(l.step_bake_time_in_minutes),
                ),
        ));
    }
    if let Some(c) = &st.canary {
        body = body.block(Block::new(
            "canary_configuration",
            &[],
            Body::new()
                .attr("canary_percent", ir::num(c.percent))
                .attr_opt(
                    "canary_bake_time_in_minutes",
                    minutes(c.bake_time_in_minutes),
                ),
        ));
    }
    body = body.blocks(st.hooks.iter().map(|h| {
        Block::new(
            "lifecycle_hook",
            &[],
            Body::new()
                .attr("hook_target_arn", ir::str(h.function_arn.clone()))
                .attr("role_arn", ir::str(h.role_arn.clone()))
                .attr(
                    "lifecycle_stages",
                    ir::list(h.stages.iter().map(|s| ir::str(s.as_str()))),
                ),
        )
    }));
    Block::new("deployment_configuration", &[], body)
}

/// `ignore_changes` for what others own once the service exists: the desired count when
/// Application Auto Scaling moves it, the task definition when CI deploys revisions.
pub(super) fn lifecycle(svc: &Service) -> Option<Block> {
    let mut ignored = Vec::new();
    if svc.scaling.is_some() {
        ignored.push(ir::ident("desired_count"));
    }
    // CodeDeploy or the external controller deploy revisions and swap target groups; ECS
    // refuses a task definition change through UpdateService for them.
    if svc.deployment.external_controller() {
        ignored.push(ir::ident("task_definition"));
        ignored.push(ir::ident("load_balancer"));
    } else if svc.deployment.ignore_task_definition_changes {
        ignored.push(ir::ident("task_definition"));
        // A blue/green, linear or canary deployment swaps the primary and alternate target
        // groups; CI's deployments then leave them the other way round.
        if svc
            .deployment
            .strategy
            .as_ref()
            .is_some_and(|s| s.kind.shifts_traffic())
        {
            ignored.push(ir::ident("load_balancer"));
        }
    }
    (!ignored.is_empty()).then(|| {
        Block::new(
            "lifecycle",
            &[],
            Body::new().attr("ignore_changes", ir::list(ignored)),
        )
    })
}

/// The services that deploy with BLUE_GREEN, LINEAR or CANARY, as the subject of the module
/// README's sentence on listener rules ("`api` deploys", "`api` and `web` deploy"); `None`
/// without one.
pub(super) fn traffic_shifting(stack: &crate::resolve::Resolved) -> Option<String> {
    let names: Vec<String> = stack
        .services
        .iter()
        .filter(|s| {
            s.deployment
                .strategy
                .as_ref()
                .is_some_and(|st| st.kind.shifts_traffic())
        })
        .map(|s| format!("`{}`", s.name))
        .collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(format!("{one} deploys")),
        [rest @ .., last] => Some(format!("{} and {last} deploy", rest.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{compile_value, Options, Source};

    fn compile(deployment: serde_json::Value) -> Vec<(String, String)> {
        let tg = |n: &str| {
            format!("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/{n}/6d0ecf831eec9f09")
        };
        let value = serde_json::json!({
            "name": "shop",
            "region": "eu-west-1",
            "services": {"api": {
                "cpu": 256,
                "memory": 512,
                "port": 8080,
                "load_balancers": [{
                    "target_group_arn": tg("blue"),
                    "advanced_configuration": {
                        "alternate_target_group_arn": tg("green"),
                        "production_listener_rule": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
                        "role_arn": "arn:aws:iam::123456789012:role/ecs-lb"
                    }
                }],
                "deployment": deployment
            }}
        });
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        compile_value(source, &Options::default())
            .expect("compiles")
            .files
    }

    fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
        &files.iter().find(|(n, _)| n == name).expect(name).1
    }

    /// A LINEAR deployment writes its strategy, bake times (as the strings the provider takes)
    /// and hook; the load balancer its advanced configuration; with CI deploying revisions the
    /// swapped target groups are ignored too; versions.tf raises the floor to 6.21 and names
    /// why; the module README shows the caller's listener rule lifecycle block.
    #[test]
    fn a_linear_deployment_is_written_with_its_provider_floor() {
        let files = compile(serde_json::json!({
            "strategy": "LINEAR",
            "bake_time_in_minutes": 10,
            "linear": {"step_percent": 25, "step_bake_time_in_minutes": 5},
            "ignore_task_definition_changes": true,
            "lifecycle_hooks": [{
                "function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:smoke",
                "role_arn": "arn:aws:iam::123456789012:role/hooks",
                "stages": ["PRE_SCALE_UP"]
            }]
        }));
        let api: String = file(&files, "api.tf").split_whitespace().collect();
        for want in [
            "deployment_configuration{strategy=\"LINEAR\"bake_time_in_minutes=\"10\"",
            "linear_configuration{step_percent=25step_bake_time_in_minutes=\"5\"}",
            "lifecycle_hook{hook_target_arn=\"arn:aws:lambda:eu-west-1:123456789012:function:smoke\"",
            "lifecycle_stages=[\"PRE_SCALE_UP\"]",
            "advanced_configuration{alternate_target_group_arn=",
            "ignore_changes=[task_definition,load_balancer]",
        ] {
            assert!(api.contains(want), "{want} not in {api}");
        }
        let versions = file(&files, "versions.tf");
        assert!(versions.contains("\">= 6.21, < 7.0\""), "{versions}");
        assert!(versions.contains("linear_configuration"), "{versions}");
        let readme = file(&files, "README.md");
        assert!(readme.contains("ignore_changes = [action]"), "{readme}");
    }

    /// Without a strategy nothing of it is written, and the module stays admitted by 5.100.
    #[test]
    fn no_strategy_writes_no_deployment_configuration() {
        let value = serde_json::json!({
            "name": "shop",
            "services": {"api": {"cpu": 256, "memory": 512, "deployment": {"ignore_task_definition_changes": true}}}
        });
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        let files = compile_value(source, &Options::default())
            .expect("compiles")
            .files;
        let api = file(&files, "api.tf");
        assert!(!api.contains("deployment_configuration"), "{api}");
        assert!(api.contains("ignore_changes = [task_definition]"), "{api}");
        assert!(file(&files, "versions.tf").contains("\">= 5.100, < 7.0\""));
        assert!(!file(&files, "README.md").contains("Listener rules"));
    }

    /// CODE_DEPLOY is written as the controller, without the circuit breaker (ECS's own), and
    /// Terraform leaves the task definition and load balancers to CodeDeploy.
    #[test]
    fn code_deploy_writes_the_controller_and_ignores_what_it_changes() {
        let value = serde_json::json!({
            "name": "shop",
            "services": {"api": {"cpu": 256, "memory": 512, "deployment": {"controller": "CODE_DEPLOY"}}}
        });
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        let files = compile_value(source, &Options::default())
            .expect("compiles")
            .files;
        let api = file(&files, "api.tf");
        assert!(
            api.contains("deployment_controller {\n    type = \"CODE_DEPLOY\"\n  }"),
            "{api}"
        );
        assert!(!api.contains("deployment_circuit_breaker"), "{api}");
        assert!(
            api.contains("ignore_changes = [task_definition, load_balancer]"),
            "{api}"
        );
        assert!(file(&files, "versions.tf").contains("\">= 5.100, < 7.0\""));
    }

    /// A Service Connect alias's test traffic header is written as `test_traffic_rules`, and
    /// raises the provider floor to 6.4.
    #[test]
    fn a_test_traffic_header_is_written_with_its_provider_floor() {
        let mut value = serde_json::json!({
            "name": "shop",
            "region": "eu-west-1",
            "services": {"api": {
                "cpu": 256,
                "memory": 512,
                "port": 8080,
                "load_balancers": [{
                    "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/6d0ecf831eec9f09",
                    "advanced_configuration": {
                        "alternate_target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/6d0ecf831eec9f09",
                        "production_listener_rule": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
                    }
                }],
                "service_connect": {
                    "namespace": "shop.internal",
                    "services": [{"port_name": "http", "client_aliases": [{
                        "port": 80,
                        "test_traffic_header": {"name": "x-test-traffic", "value": "true"}
                    }]}]
                },
                "deployment": {"strategy": "BLUE_GREEN"}
            }}
        });
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        let files = compile_value(source, &Options::default())
            .expect("compiles")
            .files;
        let api: String = file(&files, "api.tf").split_whitespace().collect();
        let want = "client_alias{port=80test_traffic_rules{header{name=\"x-test-traffic\"value{exact=\"true\"}}}}";
        assert!(api.contains(want), "{want} not in {api}");
        let versions = file(&files, "versions.tf");
        assert!(
            versions.contains("client_alias.test_traffic_rules"),
            "{versions}"
        );
        // Without a traffic-shifting strategy the header is refused.
        value["services"]["api"]["deployment"] = serde_json::json!({});
        value["services"]["api"]["load_balancers"][0]
            .as_object_mut()
            .unwrap()
            .remove("advanced_configuration");
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        assert!(compile_value(source, &Options::default()).is_err());
    }
}

//! Container definitions, for the `jsonencode` of a task definition. The main container and the
//! sidecars are written by the same code.

use crate::ir::Expr;

use crate::ir;
use crate::resolve::container::{HealthCheck, Settings};
use crate::resolve::{Container, Service};

use super::{Ctx, VarType};

/// One container definition, its fields in the order of ECS's ContainerDefinition.
pub(super) fn definition(ctx: &mut Ctx<'_>, svc: &Service, c: &Container) -> Expr {
    let image = match &c.image {
        Some(i) => ir::str(i.clone()),
        None => ctx.var(
            &format!("{}_image", svc.name.ident()),
            VarType::String,
            &format!(
                "Container image of {}, for example an ECR URI with a tag.",
                svc.name
            ),
        ),
    };
    let s = &c.settings;
    let mut fields: Vec<(&str, Expr)> = vec![("name", ir::str(c.name.clone())), ("image", image)];
    if let Some(r) = &s.repository_credentials {
        fields.push((
            "repositoryCredentials",
            ir::object([("credentialsParameter", ir::str(r.arn.clone()))]),
        ));
    }
    fields.push(("essential", ir::bool(c.essential)));
    if let Some(m) = c.memory {
        fields.push(("memory", ir::int(i64::from(m))));
    }
    if let Some(r) = c.memory_reservation {
        fields.push(("memoryReservation", ir::int(i64::from(r))));
    }
    if let Some(p) = c.port {
        let mut mapping = Vec::new();
        if let Some(name) = &c.port_name {
            mapping.push(("name", ir::str(name.clone())));
        }
        mapping.push(("containerPort", ir::int(i64::from(p))));
        mapping.push(("protocol", ir::str("tcp")));
        fields.push(("portMappings", ir::list([ir::object(mapping)])));
    }
    push_strings(&mut fields, "entryPoint", &s.entry_point);
    push_strings(&mut fields, "command", &s.command);
    if !c.environment.is_empty() {
        fields.push((
            "environment",
            ir::list(c.environment.iter().map(|(k, v)| {
                ir::object([("name", ir::str(k.clone())), ("value", ir::str(v.clone()))])
            })),
        ));
    }
    storage(&mut fields, s);
    if let Some(init) = s.init_process_enabled {
        fields.push((
            "linuxParameters",
            ir::object([("initProcessEnabled", ir::bool(init))]),
        ));
    }
    if !c.secrets.is_empty() {
        fields.push((
            "secrets",
            ir::list(c.secrets.iter().map(|s| {
                ir::object([
                    ("name", ir::str(s.name.clone())),
                    ("valueFrom", ir::str(s.value_from.clone())),
                ])
            })),
        ));
    }
    lifecycle(&mut fields, c);
    fields.push(("logConfiguration", log_configuration(ctx, svc, &c.name)));
    if let Some(h) = &s.health_check {
        fields.push(("healthCheck", health_check(h)));
    }
    ir::object(fields)
}

fn push_strings<'a>(fields: &mut Vec<(&'a str, Expr)>, key: &'a str, values: &[String]) {
    if !values.is_empty() {
        fields.push((key, ir::list(values.iter().map(|v| ir::str(v.clone())))));
    }
}

/// `environmentFiles` and `mountPoints`: what the container reads from S3 and the volumes.
fn storage(fields: &mut Vec<(&str, Expr)>, s: &Settings) {
    if !s.environment_files.is_empty() {
        fields.push((
            "environmentFiles",
            ir::list(
                s.environment_files.iter().map(|f| {
                    ir::object([("value", ir::str(f.arn.clone())), ("type", ir::str("s3"))])
                }),
            ),
        ));
    }
    if !s.mount_points.is_empty() {
        // readOnly is written even when false: it is what ECS reports back.
        fields.push((
            "mountPoints",
            ir::list(s.mount_points.iter().map(|m| {
                ir::object([
                    ("sourceVolume", ir::str(m.volume.clone())),
                    ("containerPath", ir::str(m.path.clone())),
                    ("readOnly", ir::bool(m.read_only)),
                ])
            })),
        ));
    }
}

/// How the container starts, runs and stops: dependencies, stop timeout, user, working
/// directory, root filesystem, terminal and limits.
fn lifecycle(fields: &mut Vec<(&str, Expr)>, c: &Container) {
    let s = &c.settings;
    if !s.depends_on.is_empty() {
        fields.push((
            "dependsOn",
            ir::list(s.depends_on.iter().map(|d| {
                ir::object([
                    ("containerName", ir::str(d.container.clone())),
                    ("condition", ir::str(d.condition.as_str())),
                ])
            })),
        ));
    }
    if let Some(t) = s.stop_timeout {
        fields.push(("stopTimeout", ir::int(i64::from(t))));
    }
    if let Some(u) = &s.user {
        fields.push(("user", ir::str(u.clone())));
    }
    if let Some(w) = &s.working_directory {
        fields.push(("workingDirectory", ir::str(w.clone())));
    }
    if s.read_only_root_filesystem {
        fields.push(("readonlyRootFilesystem", ir::bool(true)));
    }
    if s.pseudo_terminal {
        fields.push(("pseudoTerminal", ir::bool(true)));
    }
    if let Some(r) = &s.restart_policy {
        let mut policy = vec![("enabled", ir::bool(r.enabled))];
        if !r.ignored_exit_codes.is_empty() {
            policy.push((
                "ignoredExitCodes",
                ir::list(r.ignored_exit_codes.iter().map(|c| ir::int(i64::from(*c)))),
            ));
        }
        if let Some(p) = r.restart_attempt_period {
            policy.push(("restartAttemptPeriod", ir::int(i64::from(p))));
        }
        fields.push(("restartPolicy", ir::object(policy)));
    }
    if let Some(v) = s.version_consistency {
        fields.push((
            "versionConsistency",
            ir::str(if v { "enabled" } else { "disabled" }),
        ));
    }
    if !s.ulimits.is_empty() {
        fields.push((
            "ulimits",
            ir::list(s.ulimits.iter().map(|u| {
                ir::object([
                    ("name", ir::str(u.name.as_str())),
                    ("softLimit", ir::int(i64::from(u.soft))),
                    ("hardLimit", ir::int(i64::from(u.hard))),
                ])
            })),
        ));
    }
}

/// The health check with every value written, ECS's defaults included.
fn health_check(h: &HealthCheck) -> Expr {
    let mut fields = vec![
        (
            "command",
            ir::list(h.command.iter().map(|c| ir::str(c.clone()))),
        ),
        ("interval", ir::int(i64::from(h.interval))),
        ("timeout", ir::int(i64::from(h.timeout))),
        ("retries", ir::int(i64::from(h.retries))),
    ];
    if let Some(p) = h.start_period {
        fields.push(("startPeriod", ir::int(i64::from(p))));
    }
    ir::object(fields)
}

fn log_configuration(ctx: &mut Ctx<'_>, svc: &Service, stream_prefix: &str) -> Expr {
    let region = ctx.region();
    ir::object([
        ("logDriver", ir::str("awslogs")),
        (
            "options",
            ir::object([
                (
                    "awslogs-group",
                    ir::reference("aws_cloudwatch_log_group", &svc.name.ident(), &["name"]),
                ),
                ("awslogs-region", region),
                ("awslogs-stream-prefix", ir::str(stream_prefix)),
            ]),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{compile_value, Options, Source};

    /// `pseudo_terminal` reaches the container definitions of the main container and of a
    /// sidecar that set it, and nothing is written for a container that leaves it out.
    #[test]
    fn pseudo_terminal_is_written_where_set() {
        let value = serde_json::json!({
            "name": "shop",
            "services": {"api": {
                "cpu": 256,
                "memory": 512,
                "pseudo_terminal": true,
                "sidecars": [
                    {"name": "tty", "image": "busybox:1.36", "pseudo_terminal": true},
                    {"name": "plain", "image": "busybox:1.36"}
                ]
            }}
        });
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        let compiled = compile_value(source, &Options::default()).expect("compiles");
        let (_, api) = compiled
            .files
            .iter()
            .find(|(n, _)| n == "api.tf")
            .expect("api.tf");
        assert_eq!(api.matches("pseudoTerminal = true").count(), 2, "{api}");
    }

    fn compile_api(value: &serde_json::Value) -> String {
        let source = Source {
            value,
            label: "<memory>",
            text: None,
        };
        let compiled = compile_value(source, &Options::default()).expect("compiles");
        compiled
            .files
            .into_iter()
            .find(|(n, _)| n == "api.tf")
            .expect("api.tf")
            .1
    }

    /// `restart_policy` becomes `restartPolicy` with `enabled` defaulted to true and only the
    /// values the stack gives; `version_consistency` becomes `versionConsistency`.
    #[test]
    fn restart_policy_and_version_consistency_are_written_where_set() {
        let api = compile_api(&serde_json::json!({
            "name": "shop",
            "services": {"api": {
                "cpu": 256,
                "memory": 512,
                "restart_policy": {"ignored_exit_codes": [0, 143], "restart_attempt_period": 120},
                "version_consistency": false,
                "sidecars": [
                    {"name": "agent", "image": "busybox:1.36", "essential": false,
                     "restart_policy": {"enabled": false}, "version_consistency": true},
                    {"name": "plain", "image": "busybox:1.36"}
                ]
            }}
        }));
        let compact: String = api.split_whitespace().collect();
        assert!(
            compact.contains(
                "restartPolicy={enabled=trueignoredExitCodes=[0,143]restartAttemptPeriod=120}"
            ),
            "{api}"
        );
        assert!(compact.contains("restartPolicy={enabled=false}"), "{api}");
        assert_eq!(api.matches("restartPolicy").count(), 2, "{api}");
        assert_eq!(
            api.matches("versionConsistency = \"disabled\"").count(),
            1,
            "{api}"
        );
        assert_eq!(
            api.matches("versionConsistency = \"enabled\"").count(),
            1,
            "{api}"
        );
    }

    /// Every service says whether ECS rebalances it across Availability Zones: ENABLED unless
    /// the stack turns it off.
    #[test]
    fn availability_zone_rebalancing_is_always_written() {
        let on = compile_api(&serde_json::json!({
            "name": "shop",
            "services": {"api": {"cpu": 256, "memory": 512}}
        }));
        assert!(
            on.contains("availability_zone_rebalancing = \"ENABLED\""),
            "{on}"
        );
        let off = compile_api(&serde_json::json!({
            "name": "shop",
            "services": {"api": {"cpu": 256, "memory": 512, "availability_zone_rebalancing": false}}
        }));
        assert!(
            off.contains("availability_zone_rebalancing = \"DISABLED\""),
            "{off}"
        );
    }
}

//! What `gen-tf import` writes builds a module whose adopted resources carry the values AWS
//! described, under the provider's rules: for each fixture, every import block's resource is
//! found in the lowered module and its arguments are compared with the describe output
//! (container definitions with ECS's defaults and ordering, the cluster by name, the task
//! definition by ARN, `desired_count` left to auto scaling, `availability_zone_rebalancing`
//! written, the scalable target without `role_arn`). What the report names as a change is left
//! out. This runs the real pipeline, not `terraform plan`: Terraform cannot read the imported
//! resources offline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gen_tf::import::{self, aws, check};
use gen_tf::pipeline::{check_value, Options, Source};
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// (resource address, argument, module's value, AWS's value) for each argument that differs.
type Mismatches = Vec<(String, String, Value, Value)>;

fn eq(out: &mut Mismatches, at: &str, arg: &str, ours: &Value, theirs: Value) {
    if *ours != theirs {
        out.push((at.to_owned(), arg.to_owned(), ours.clone(), theirs));
    }
}

/// A container definition as ECS returns it, reduced to what ECS's equivalence compares:
/// empty lists, `cpu: 0`, `hostPort` equal to `containerPort` and `essential: true` are its
/// defaults; environment and secrets compare as sets.
fn container(c: &Value) -> Value {
    let mut o = serde_json::Map::new();
    for (k, v) in c.as_object().into_iter().flatten() {
        let default = match (k.as_str(), v) {
            (_, Value::Array(a)) if a.is_empty() => true,
            ("cpu", Value::Number(n)) if n.as_u64() == Some(0) => true,
            ("essential", Value::Bool(true)) => true,
            ("logConfiguration", _) => true, // its group is a reference; compared below
            _ => false,
        };
        if default {
            continue;
        }
        let v = match k.as_str() {
            "environment" | "secrets" => {
                let mut items = v.as_array().cloned().unwrap_or_default();
                items.sort_by_key(|i| i["name"].to_string());
                Value::Array(items)
            }
            "portMappings" => Value::Array(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| json!({ "containerPort": p["containerPort"], "name": p["name"] }))
                    .collect(),
            ),
            _ => v.clone(),
        };
        o.insert(k.clone(), v);
    }
    Value::Object(o)
}

fn described_container(c: &aws::ContainerDefinition) -> Value {
    let mut v = serde_json::Map::new();
    v.insert("name".into(), c.name.clone().into());
    v.insert("image".into(), c.image.clone().into());
    if let Some(m) = c.memory {
        v.insert("memory".into(), m.into());
    }
    if let Some(m) = c.memory_reservation {
        v.insert("memoryReservation".into(), m.into());
    }
    if c.essential == Some(false) {
        v.insert("essential".into(), false.into());
    }
    if !c.port_mappings.is_empty() {
        v.insert(
            "portMappings".into(),
            c.port_mappings
                .iter()
                .map(|p| json!({ "containerPort": p.container_port, "name": p.name }))
                .collect(),
        );
    }
    let mut env: Vec<Value> = c
        .environment
        .iter()
        .map(|e| json!({ "name": e.name, "value": e.value }))
        .collect();
    env.sort_by_key(|i| i["name"].to_string());
    if !env.is_empty() {
        v.insert("environment".into(), Value::Array(env));
    }
    let mut secrets: Vec<Value> = c
        .secrets
        .iter()
        .map(|e| json!({ "name": e.name, "valueFrom": e.value_from }))
        .collect();
    secrets.sort_by_key(|i| i["name"].to_string());
    if !secrets.is_empty() {
        v.insert("secrets".into(), Value::Array(secrets));
    }
    if !c.mount_points.is_empty() {
        v.insert(
            "mountPoints".into(),
            c.mount_points
                .iter()
                .map(|m| json!({ "sourceVolume": m.source_volume, "containerPath": m.container_path, "readOnly": m.read_only }))
                .collect(),
        );
    }
    if c.readonly_root_filesystem == Some(true) {
        v.insert("readonlyRootFilesystem".into(), true.into());
    }
    Value::Object(v)
}

fn mismatches(name: &str) -> Mismatches {
    mismatches_with(name, |_| {})
}

/// The mismatches after `edit` changed the imported stack.
fn mismatches_with(name: &str, edit: impl Fn(&mut Value)) -> Mismatches {
    let paths = vec![fixture(name)];
    let described = import::input::read(&paths).expect("the fixture reads");
    let outputs = import::import(&paths, None).expect("the fixture imports");
    let mut out = Vec::new();
    for mut o in outputs {
        edit(&mut o.stack.value);
        let label = format!("{}.jsonnet", o.stack.stack);
        let checked = check_value(
            Source {
                value: &o.stack.value,
                label: &label,
                text: None,
            },
            &Options::default(),
        )
        .expect("the imported stack checks");
        let module = checked.lower();
        let res: BTreeMap<String, Value> = check::resources(&module);
        assert!(!o.imports.is_empty(), "{name}: no import blocks");
        for b in &o.imports {
            let addr = b.to.splitn(3, '.').nth(2).unwrap().to_owned();
            let r = res
                .get(&addr)
                .unwrap_or_else(|| panic!("{addr} is not in the module"));
            let at = addr.as_str();
            let ty = addr.split('.').next().unwrap();
            match ty {
                "aws_ecs_service" => {
                    let (_, s) = described
                        .services
                        .iter()
                        .find(|(_, s)| {
                            b.id == format!(
                                "{}/{}",
                                s.cluster_arn.rsplit('/').next().unwrap(),
                                s.service_name
                            )
                        })
                        .unwrap();
                    eq(&mut out, at, "name", &r["name"], json!(s.service_name));
                    let scaled = described
                        .targets
                        .keys()
                        .any(|k| k.ends_with(&format!("/{}", s.service_name)));
                    if scaled {
                        // Left to auto scaling: Terraform ignores it after creation.
                        eq(
                            &mut out,
                            at,
                            "lifecycle.ignore_changes",
                            &r["lifecycle"][0]["ignore_changes"],
                            json!(["${desired_count}"]),
                        );
                    } else {
                        eq(
                            &mut out,
                            at,
                            "desired_count",
                            &r["desired_count"],
                            json!(s.desired_count),
                        );
                    }
                    eq(
                        &mut out,
                        at,
                        "platform_version",
                        &r["platform_version"],
                        json!(s.platform_version),
                    );
                    eq(
                        &mut out,
                        at,
                        "availability_zone_rebalancing",
                        &r["availability_zone_rebalancing"],
                        json!(s.availability_zone_rebalancing),
                    );
                    eq(
                        &mut out,
                        at,
                        "propagate_tags",
                        &r["propagate_tags"],
                        json!(s.propagate_tags),
                    );
                    eq(
                        &mut out,
                        at,
                        "enable_ecs_managed_tags",
                        &r["enable_ecs_managed_tags"],
                        json!(s.enable_ecs_managed_tags),
                    );
                    eq(
                        &mut out,
                        at,
                        "enable_execute_command",
                        r.get("enable_execute_command").unwrap_or(&json!(false)),
                        json!(s.enable_execute_command.unwrap_or(false)),
                    );
                    match &s.launch_type {
                        Some(l) => eq(&mut out, at, "launch_type", &r["launch_type"], json!(l)),
                        None => {
                            let strategy: Vec<Value> = s.capacity_provider_strategy.iter().map(|c| json!({ "capacity_provider": c.capacity_provider, "weight": c.weight, "base": c.base })).collect();
                            eq(
                                &mut out,
                                at,
                                "capacity_provider_strategy",
                                &r["capacity_provider_strategy"],
                                Value::Array(strategy),
                            );
                        }
                    }
                    if !s.load_balancers.is_empty() {
                        eq(
                            &mut out,
                            at,
                            "health_check_grace_period_seconds",
                            &r["health_check_grace_period_seconds"],
                            json!(s.health_check_grace_period_seconds),
                        );
                        let lbs: Vec<Value> = s.load_balancers.iter().map(|l| json!({ "target_group_arn": l.target_group_arn, "container_name": l.container_name, "container_port": l.container_port })).collect();
                        eq(
                            &mut out,
                            at,
                            "load_balancer",
                            &r["load_balancer"],
                            Value::Array(lbs),
                        );
                    }
                    let net = s.network_configuration.as_ref().unwrap();
                    eq(
                        &mut out,
                        at,
                        "network_configuration.assign_public_ip",
                        &r["network_configuration"][0]["assign_public_ip"],
                        json!(
                            net.awsvpc_configuration.assign_public_ip.as_deref() == Some("ENABLED")
                        ),
                    );
                    let dc = s.deployment_configuration.as_ref().unwrap();
                    let cb = dc.deployment_circuit_breaker.as_ref().unwrap();
                    eq(
                        &mut out,
                        at,
                        "deployment_circuit_breaker",
                        &r["deployment_circuit_breaker"],
                        json!([{ "enable": cb.enable, "rollback": cb.rollback }]),
                    );
                    eq(
                        &mut out,
                        at,
                        "deployment_minimum_healthy_percent",
                        r.get("deployment_minimum_healthy_percent")
                            .unwrap_or(&json!(100)),
                        json!(dc.minimum_healthy_percent),
                    );
                    eq(
                        &mut out,
                        at,
                        "deployment_maximum_percent",
                        r.get("deployment_maximum_percent").unwrap_or(&json!(200)),
                        json!(dc.maximum_percent),
                    );
                    if let Some(sc) = s
                        .deployments
                        .first()
                        .and_then(|d| d.service_connect_configuration.as_ref())
                    {
                        let c = &r["service_connect_configuration"][0];
                        eq(
                            &mut out,
                            at,
                            "service_connect_configuration.namespace",
                            &c["namespace"],
                            json!(sc.namespace),
                        );
                        let svcs: Vec<Value> = sc.services.iter().map(|x| json!({
                            "port_name": x.port_name,
                            "discovery_name": x.discovery_name,
                            "client_alias": x.client_aliases.iter().map(|a| json!({ "port": a.port, "dns_name": a.dns_name })).collect::<Vec<_>>(),
                        })).collect();
                        eq(
                            &mut out,
                            at,
                            "service_connect_configuration.service",
                            &c["service"],
                            Value::Array(svcs),
                        );
                    }
                }
                "aws_ecs_task_definition" => {
                    let (td, _) = &described.task_definitions[&b.id];
                    eq(&mut out, at, "family", &r["family"], json!(td.family));
                    eq(&mut out, at, "cpu", &r["cpu"], json!(td.cpu));
                    eq(&mut out, at, "memory", &r["memory"], json!(td.memory));
                    eq(
                        &mut out,
                        at,
                        "network_mode",
                        &r["network_mode"],
                        json!(td.network_mode),
                    );
                    eq(
                        &mut out,
                        at,
                        "requires_compatibilities",
                        &r["requires_compatibilities"],
                        json!(td.requires_compatibilities),
                    );
                    let rp = td.runtime_platform.as_ref().unwrap();
                    eq(
                        &mut out,
                        at,
                        "runtime_platform",
                        &r["runtime_platform"],
                        json!([{ "operating_system_family": rp.operating_system_family, "cpu_architecture": rp.cpu_architecture }]),
                    );
                    let ours: Vec<Value> = r["container_definitions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(container)
                        .collect();
                    let theirs: Vec<Value> = td
                        .container_definitions
                        .iter()
                        .map(described_container)
                        .collect();
                    eq(
                        &mut out,
                        at,
                        "container_definitions",
                        &Value::Array(ours),
                        Value::Array(theirs),
                    );
                    for (i, c) in td.container_definitions.iter().enumerate() {
                        let lc = c.log_configuration.as_ref().unwrap();
                        let opts = &r["container_definitions"][i]["logConfiguration"]["options"];
                        eq(
                            &mut out,
                            at,
                            "awslogs-region",
                            &opts["awslogs-region"],
                            json!(lc.options["awslogs-region"]),
                        );
                        eq(
                            &mut out,
                            at,
                            "awslogs-stream-prefix",
                            &opts["awslogs-stream-prefix"],
                            json!(lc.options["awslogs-stream-prefix"]),
                        );
                    }
                    let role = |arn: &Option<String>| {
                        json!(arn.as_deref().map(|a| a.rsplit('/').next().unwrap()))
                    };
                    let role_of = |label: &Value| {
                        let l = label
                            .as_str()
                            .unwrap()
                            .trim_start_matches("${aws_iam_role.")
                            .trim_end_matches(".arn}");
                        res[&format!("aws_iam_role.{l}")]["name"].clone()
                    };
                    eq(
                        &mut out,
                        at,
                        "task_role_arn",
                        &role_of(&r["task_role_arn"]),
                        role(&td.task_role_arn),
                    );
                    eq(
                        &mut out,
                        at,
                        "execution_role_arn",
                        &role_of(&r["execution_role_arn"]),
                        role(&td.execution_role_arn),
                    );
                }
                "aws_appautoscaling_target" => {
                    let t = described
                        .targets
                        .values()
                        .find(|t| b.id == format!("ecs/{}/ecs:service:DesiredCount", t.resource_id))
                        .unwrap();
                    eq(
                        &mut out,
                        at,
                        "min_capacity",
                        &r["min_capacity"],
                        json!(t.min_capacity),
                    );
                    eq(
                        &mut out,
                        at,
                        "max_capacity",
                        &r["max_capacity"],
                        json!(t.max_capacity),
                    );
                    // AWS puts its service-linked role there: gen-tf writes none.
                    eq(
                        &mut out,
                        at,
                        "role_arn",
                        r.get("role_arn").unwrap_or(&Value::Null),
                        Value::Null,
                    );
                }
                "aws_appautoscaling_policy" => {
                    let p = described
                        .policies
                        .iter()
                        .find(|p| b.id.ends_with(&format!("/{}", p.policy_name)))
                        .unwrap();
                    eq(&mut out, at, "name", &r["name"], json!(p.policy_name));
                    eq(
                        &mut out,
                        at,
                        "policy_type",
                        &r["policy_type"],
                        json!(p.policy_type),
                    );
                    if let Some(tt) = &p.target_tracking_scaling_policy_configuration {
                        let c = &r["target_tracking_scaling_policy_configuration"][0];
                        eq(
                            &mut out,
                            at,
                            "target_value",
                            &c["target_value"],
                            json!(tt.target_value as i64),
                        );
                        eq(
                            &mut out,
                            at,
                            "scale_in_cooldown",
                            &c["scale_in_cooldown"],
                            json!(tt.scale_in_cooldown),
                        );
                        eq(
                            &mut out,
                            at,
                            "scale_out_cooldown",
                            &c["scale_out_cooldown"],
                            json!(tt.scale_out_cooldown),
                        );
                        let m = tt.predefined_metric_specification.as_ref().unwrap();
                        eq(
                            &mut out,
                            at,
                            "predefined_metric_type",
                            &c["predefined_metric_specification"][0]["predefined_metric_type"],
                            json!(m.predefined_metric_type),
                        );
                    }
                    if let Some(st) = &p.step_scaling_policy_configuration {
                        let c = &r["step_scaling_policy_configuration"][0];
                        eq(
                            &mut out,
                            at,
                            "adjustment_type",
                            &c["adjustment_type"],
                            json!(st.adjustment_type),
                        );
                        eq(&mut out, at, "cooldown", &c["cooldown"], json!(st.cooldown));
                        eq(
                            &mut out,
                            at,
                            "metric_aggregation_type",
                            &c["metric_aggregation_type"],
                            json!(st.metric_aggregation_type),
                        );
                        let steps: Vec<Value> = st
                            .step_adjustments
                            .iter()
                            .map(|s| {
                                let mut v = serde_json::Map::new();
                                if let Some(l) = s.metric_interval_lower_bound {
                                    v.insert("metric_interval_lower_bound".into(), json!(l as i64));
                                }
                                if let Some(u) = s.metric_interval_upper_bound {
                                    v.insert("metric_interval_upper_bound".into(), json!(u as i64));
                                }
                                v.insert("scaling_adjustment".into(), json!(s.scaling_adjustment));
                                Value::Object(v)
                            })
                            .collect();
                        eq(
                            &mut out,
                            at,
                            "step_adjustment",
                            &c["step_adjustment"],
                            Value::Array(steps),
                        );
                    }
                }
                "aws_cloudwatch_metric_alarm" => {
                    let a = &described.alarms[&b.id];
                    eq(
                        &mut out,
                        at,
                        "namespace",
                        &r["namespace"],
                        json!(a.namespace),
                    );
                    eq(
                        &mut out,
                        at,
                        "metric_name",
                        &r["metric_name"],
                        json!(a.metric_name),
                    );
                    eq(
                        &mut out,
                        at,
                        "statistic",
                        &r["statistic"],
                        json!(a.statistic),
                    );
                    eq(&mut out, at, "period", &r["period"], json!(a.period));
                    eq(
                        &mut out,
                        at,
                        "evaluation_periods",
                        &r["evaluation_periods"],
                        json!(a.evaluation_periods),
                    );
                    eq(
                        &mut out,
                        at,
                        "threshold",
                        &r["threshold"],
                        json!(a.threshold.map(|t| t as i64)),
                    );
                    eq(
                        &mut out,
                        at,
                        "comparison_operator",
                        &r["comparison_operator"],
                        json!(a.comparison_operator),
                    );
                    let dims: serde_json::Map<String, Value> = a
                        .dimensions
                        .iter()
                        .map(|d| (d.name.clone(), json!(d.value)))
                        .collect();
                    eq(
                        &mut out,
                        at,
                        "dimensions",
                        &r["dimensions"],
                        Value::Object(dims),
                    );
                }
                "aws_cloudwatch_log_group" => {
                    let g = &described.log_groups[&b.id];
                    eq(
                        &mut out,
                        at,
                        "retention_in_days",
                        &r["retention_in_days"],
                        json!(g.retention_in_days),
                    );
                }
                "aws_security_group" => {
                    let g = &described.security_groups[&b.id];
                    eq(&mut out, at, "name", &r["name"], json!(g.group_name));
                    eq(
                        &mut out,
                        at,
                        "description",
                        &r["description"],
                        json!(g.description),
                    );
                }
                "aws_iam_role" => eq(&mut out, at, "name", &r["name"], json!(b.id)),
                "aws_iam_role_policy" | "aws_iam_role_policy_attachment" => {}
                other => panic!("no comparison for {other}"),
            }
        }
    }
    out
}

#[test]
fn every_imported_argument_is_what_aws_described() {
    for name in ["web", "worker", "private"] {
        let m = mismatches(name);
        assert!(
            m.is_empty(),
            "{name}: arguments that would change on the first plan without the report saying so:\n{}",
            m.iter()
                .map(|(r, a, o, t)| format!("  {r} {a}: module {o}, AWS {t}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The comparison is not vacuous: a stack changed after import shows in each kind of argument.
#[test]
fn the_comparison_sees_a_change() {
    let m = mismatches_with("worker", |v| {
        let s = &mut v["services"]["invoice-worker"];
        s["cpu"] = json!(1024);
        s["memory"] = json!(2048);
        s["environment"][0]["value"] = json!("other");
        s["auto_scaling"]["max_capacity"] = json!(30);
        s["auto_scaling"]["policies"][0]["alarm"]["threshold"] = json!(50);
    });
    let args: Vec<&str> = m.iter().map(|(_, a, _, _)| a.as_str()).collect();
    assert_eq!(
        args,
        [
            "cpu",
            "memory",
            "container_definitions",
            "max_capacity",
            "threshold"
        ],
        "{m:?}"
    );
}

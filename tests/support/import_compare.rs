//! The comparison of `tests/import_nodiff.rs` (the lowered module) and `tests/import_plan.rs`
//! (real `terraform plan`): every import block's resource against the describe output, under
//! the provider's rules. The resources come as a map from address (`type.name`) to arguments,
//! either the module's JSON (`${...}` references, `lifecycle`) or the plan's values (references
//! resolved, unknown values and nulls left out, `container_definitions` a JSON string, step
//! bounds strings, as the provider's schema has them).

use std::collections::BTreeMap;

use gen_tf::import::aws;
use gen_tf::import::blocks::ImportBlock;
use gen_tf::import::read::Described;
use serde_json::{json, Value};

/// Where the resources come from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The lowered module's JSON.
    Module,
    /// `terraform show -json` of a plan: `resource_changes[].change.after`.
    Plan,
}

/// (resource address, argument, module's value, AWS's value) for each argument that differs.
pub type Mismatches = Vec<(String, String, Value, Value)>;

pub fn eq(out: &mut Mismatches, at: &str, arg: &str, ours: &Value, theirs: Value) {
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

/// An argument that the provider defaults when left out: a null (the plan) or no key (the module).
fn or(r: &Value, key: &str, default: Value) -> Value {
    match r.get(key) {
        None | Some(Value::Null) => default,
        Some(v) => v.clone(),
    }
}

/// The container definitions: a list in the module, the JSON string in the plan.
fn definitions(r: &Value) -> Value {
    match &r["container_definitions"] {
        Value::String(s) => {
            serde_json::from_str(s).expect("the plan's container definitions are JSON")
        }
        v => v.clone(),
    }
}

/// A step's bounds are strings in the provider's schema: compared as numbers.
fn step_numbers(v: &Value) -> Value {
    let number = |x: &Value| match x {
        Value::String(s) => s
            .parse::<f64>()
            .map(|f| json!(f as i64))
            .unwrap_or(x.clone()),
        _ => x.clone(),
    };
    Value::Array(
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let o = s.as_object().into_iter().flatten();
                Value::Object(o.map(|(k, x)| (k.clone(), number(x))).collect())
            })
            .collect(),
    )
}

/// Every mismatch between the resources of `imports` in `res` and what AWS described; `role_of`
/// gives the AWS value that a resource's argument referring to another resource or to a module
/// input stands for: the name of the role of `task_role_arn`, the ID of the group of a rule's
/// `security_group_id` and `referenced_security_group_id` (null when it names none).
pub fn compare(
    described: &Described,
    imports: &[ImportBlock],
    res: &BTreeMap<String, Value>,
    shape: Shape,
    role_of: &dyn Fn(&str, &str) -> Value,
) -> Mismatches {
    let mut out = Vec::new();
    for b in imports {
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
                if shape == Shape::Plan {
                    // The provider accepts the cluster's name where AWS returns its ARN
                    // (provider #41994): the names compare.
                    let name = s.cluster_arn.rsplit('/').next().unwrap();
                    eq(&mut out, at, "cluster", &r["cluster"], json!(name));
                }
                if scaled && shape == Shape::Plan {
                    // Left to auto scaling: the module's `lifecycle` (compared in the module's
                    // shape) makes Terraform ignore the planned value after import.
                } else if scaled {
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
                    &or(r, "enable_execute_command", json!(false)),
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
                    json!(net.awsvpc_configuration.assign_public_ip.as_deref() == Some("ENABLED")),
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
                    &or(r, "deployment_minimum_healthy_percent", json!(100)),
                    json!(dc.minimum_healthy_percent),
                );
                eq(
                    &mut out,
                    at,
                    "deployment_maximum_percent",
                    &or(r, "deployment_maximum_percent", json!(200)),
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
                let defs = definitions(r);
                let ours: Vec<Value> = defs.as_array().unwrap().iter().map(container).collect();
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
                    let opts = &defs[i]["logConfiguration"]["options"];
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
                eq(
                    &mut out,
                    at,
                    "task_role_arn",
                    &role_of(at, "task_role_arn"),
                    role(&td.task_role_arn),
                );
                eq(
                    &mut out,
                    at,
                    "execution_role_arn",
                    &role_of(at, "execution_role_arn"),
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
                        &step_numbers(&c["step_adjustment"]),
                        Value::Array(steps),
                    );
                }
            }
            "aws_cloudwatch_metric_alarm" => {
                let a = &described.alarms[&b.id];
                eq(
                    &mut out,
                    at,
                    "alarm_name",
                    &r["alarm_name"],
                    json!(a.alarm_name),
                );
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
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let d = &described.security_group_rules[&b.id];
                eq(
                    &mut out,
                    at,
                    "direction",
                    &json!(ty == "aws_vpc_security_group_egress_rule"),
                    json!(d.is_egress),
                );
                eq(
                    &mut out,
                    at,
                    "security_group_id",
                    &role_of(at, "security_group_id"),
                    json!(d.group_id),
                );
                eq(
                    &mut out,
                    at,
                    "ip_protocol",
                    &r["ip_protocol"],
                    json!(d.ip_protocol),
                );
                // Every port is -1 in AWS, and no port in the configuration.
                let port = |p: Option<i64>| json!(p.filter(|p| *p != -1));
                eq(
                    &mut out,
                    at,
                    "from_port",
                    &or(r, "from_port", Value::Null),
                    port(d.from_port),
                );
                eq(
                    &mut out,
                    at,
                    "to_port",
                    &or(r, "to_port", Value::Null),
                    port(d.to_port),
                );
                eq(
                    &mut out,
                    at,
                    "cidr_ipv4",
                    &or(r, "cidr_ipv4", Value::Null),
                    json!(d.cidr_ipv4),
                );
                eq(
                    &mut out,
                    at,
                    "prefix_list_id",
                    &or(r, "prefix_list_id", Value::Null),
                    json!(d.prefix_list_id),
                );
                eq(
                    &mut out,
                    at,
                    "referenced_security_group_id",
                    &role_of(at, "referenced_security_group_id"),
                    json!(d.referenced_group_info.as_ref().map(|g| &g.group_id)),
                );
            }
            "aws_vpc_endpoint" => {
                let e = described
                    .endpoints
                    .iter()
                    .find(|e| e.vpc_endpoint_id == b.id)
                    .unwrap();
                eq(
                    &mut out,
                    at,
                    "service_name",
                    &r["service_name"],
                    json!(e.service_name),
                );
                eq(
                    &mut out,
                    at,
                    "vpc_endpoint_type",
                    &r["vpc_endpoint_type"],
                    json!(e.vpc_endpoint_type),
                );
                eq(
                    &mut out,
                    at,
                    "vpc_id",
                    &role_of(at, "vpc_id"),
                    json!(e.vpc_id),
                );
                if e.vpc_endpoint_type == "Interface" {
                    eq(
                        &mut out,
                        at,
                        "private_dns_enabled",
                        &r["private_dns_enabled"],
                        json!(e.private_dns_enabled),
                    );
                    let groups: Vec<Value> = e.groups.iter().map(|g| json!(g.group_id)).collect();
                    eq(
                        &mut out,
                        at,
                        "security_group_ids",
                        &json!([role_of(at, "security_group_ids")]),
                        Value::Array(groups),
                    );
                }
            }
            "aws_iam_role" => eq(&mut out, at, "name", &r["name"], json!(b.id)),
            "aws_iam_role_policy" | "aws_iam_role_policy_attachment" => {}
            other => panic!("no comparison for {other}"),
        }
    }
    out
}

//! A test-only describe synthesiser (issue 28's round trip): the resources of a module gen-tf
//! built (`gen_tf::import::check::resources`, the module's JSON with `${...}` references) turned
//! into the files the AWS CLI would print once those resources run, in the shapes `gen-tf import`
//! reads (`aws ecs describe-services`, `describe-task-definition --include TAGS`, `aws iam
//! get-role`, `list-role-policies`, `get-role-policy`, `list-attached-role-policies`, `aws
//! application-autoscaling describe-scalable-targets`, `describe-scaling-policies`,
//! `describe-scheduled-actions`, `aws cloudwatch describe-alarms`, `aws logs
//! describe-log-groups`, `aws ec2 describe-security-groups` and `describe-security-group-rules`
//! (each rule with an `sgr-` ID, a group variable's value from [`variable_group_id`]), with the defaults ECS adds to a
//! container definition, the suffix Terraform adds to a `name_prefix`, the service-linked role
//! Application Auto Scaling puts on a scalable target and the alarms it creates for a target
//! tracking policy.
//!
//! It covers the resources of a service with no volumes, database or VPC endpoints: the
//! round trip's draw is restricted to those (`tests/import_round_trip.rs`); a resource of
//! another type, or an argument the synthesiser does not know, is an error, not skipped.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Map, Value};

pub const ACCOUNT: &str = "123456789012";

/// What Terraform adds to a security group's `name_prefix` (a timestamp and a counter).
pub const PREFIX_SUFFIX: &str = "20261208012345678900000001";

/// Where the resources run: the region and the ECS cluster (the module's `var.cluster_name`).
pub struct At<'a> {
    pub region: &'a str,
    pub cluster: &'a str,
}

/// The value of a reference `${type.name.attr}` (or `${var.cluster_name}`) once the resources
/// exist.
fn resolve(res: &BTreeMap<String, Value>, at: &At<'_>, v: &Value) -> Value {
    let region = at.region;
    match v {
        Value::String(s) => {
            if s == "${data.aws_caller_identity.current.account_id}" {
                return ACCOUNT.into();
            }
            if s == "${var.cluster_name}" {
                return at.cluster.into();
            }
            let reference = |x: &&str| {
                x.split('.').count() == 3
                    && x.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            };
            let Some(inner) = s
                .strip_prefix("${")
                .and_then(|x| x.strip_suffix('}'))
                .filter(reference)
            else {
                return v.clone();
            };
            let parts: Vec<&str> = inner.split('.').collect();
            let [ty, name, attr] = parts[..] else {
                panic!("the synthesiser does not resolve {s}")
            };
            let r = &res[&format!("{ty}.{name}")];
            match (ty, attr) {
                (_, "name") => r["name"].clone(),
                // A role's ID in Terraform is its name.
                ("aws_iam_role", "id") => r["name"].clone(),
                ("aws_iam_role", "arn") => format!(
                    "arn:aws:iam::{ACCOUNT}:role/{}",
                    r["name"].as_str().unwrap()
                )
                .into(),
                ("aws_security_group", "id") => security_group_id(name).into(),
                ("aws_ecs_task_definition", "arn") => task_definition_arn(r, region).into(),
                ("aws_appautoscaling_target", "resource_id") => {
                    interpolate(res, at, &r["resource_id"]).into()
                }
                ("aws_appautoscaling_target", "scalable_dimension" | "service_namespace") => {
                    r[attr].clone()
                }
                ("aws_appautoscaling_policy", "arn") => policy_arn(res, at, r).into(),
                _ => panic!("the synthesiser does not resolve {s}"),
            }
        }
        Value::Array(a) => a.iter().map(|x| resolve(res, at, x)).collect(),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), resolve(res, at, x)))
                .collect(),
        ),
        v => v.clone(),
    }
}

/// A template's `${...}` references resolved: `service/${var.cluster_name}/${aws_ecs_service.web.name}`.
fn interpolate(res: &BTreeMap<String, Value>, at: &At<'_>, v: &Value) -> String {
    let mut rest = v.as_str().unwrap();
    let mut out = String::new();
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let end = i + rest[i..].find('}').unwrap();
        let value = resolve(res, at, &Value::from(&rest[i..=end]));
        out.push_str(value.as_str().unwrap());
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A scaling policy's ARN, with a made-up ID.
fn policy_arn(res: &BTreeMap<String, Value>, at: &At<'_>, r: &Value) -> String {
    let rid = resolve(res, at, &r["resource_id"]);
    format!(
        "arn:aws:autoscaling:{}:{ACCOUNT}:scalingPolicy:0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9:resource/ecs/{}:policyName/{}",
        at.region,
        rid.as_str().unwrap(),
        r["name"].as_str().unwrap()
    )
}

/// A security group ID made from the resource's label, distinct for distinct labels.
fn security_group_id(name: &str) -> String {
    made_up_id("sg", name)
}

fn task_definition_arn(r: &Value, region: &str) -> String {
    let family = r["family"].as_str().unwrap();
    format!("arn:aws:ecs:{region}:{ACCOUNT}:task-definition/{family}:1")
}

/// A container definition as ECS returns it: the defaults it fills in added.
fn described_container(c: &Value) -> Value {
    let mut o = c.as_object().unwrap().clone();
    for list in [
        "portMappings",
        "environment",
        "mountPoints",
        "volumesFrom",
        "systemControls",
    ] {
        o.entry(list).or_insert(json!([]));
    }
    o.entry("cpu").or_insert(json!(0));
    Value::Object(o)
}

fn write(dir: &Path, file: &str, v: &Value) {
    std::fs::write(dir.join(file), serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Writes into `dir` the describe output of every resource of `res` as they would run in the
/// ECS cluster `cluster` of `region`.
pub fn describe(res: &BTreeMap<String, Value>, cluster: &str, region: &str, dir: &Path) {
    let mut services = Vec::new();
    let mut log_groups = Vec::new();
    let mut groups = Vec::new();
    let mut targets = Vec::new();
    let mut policies = Vec::new();
    let mut alarms = Vec::new();
    let mut scheduled = Vec::new();
    let mut rules = Vec::new();
    let at = &At { region, cluster };
    for (addr, r) in res {
        let (ty, name) = addr.split_once('.').unwrap();
        match ty {
            "aws_ecs_service" => services.push(service(res, r, at)),
            "aws_ecs_task_definition" => {
                let defs: Vec<Value> = resolve(res, at, &r["container_definitions"])
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(described_container)
                    .collect();
                let rp = &r["runtime_platform"][0];
                let mut td = json!({
                    "taskDefinition": {
                        "taskDefinitionArn": task_definition_arn(r, region),
                        "containerDefinitions": defs,
                        "family": r["family"],
                        "taskRoleArn": resolve(res, at, &r["task_role_arn"]),
                        "executionRoleArn": resolve(res, at, &r["execution_role_arn"]),
                        "networkMode": r["network_mode"],
                        "revision": 1,
                        "volumes": r.get("volume").and_then(Value::as_array).into_iter().flatten().map(volume).collect::<Vec<_>>(),
                        "status": "ACTIVE",
                        "requiresAttributes": [],
                        "placementConstraints": [],
                        "compatibilities": ["EC2", "FARGATE"],
                        "runtimePlatform": {
                            "cpuArchitecture": rp["cpu_architecture"],
                            "operatingSystemFamily": rp["operating_system_family"],
                        },
                        "requiresCompatibilities": r["requires_compatibilities"],
                        "cpu": r["cpu"],
                        "memory": r["memory"],
                        "registeredAt": "2026-12-08T01:23:45.678000+00:00",
                        "registeredBy": format!("arn:aws:iam::{ACCOUNT}:role/deployer"),
                    },
                    "tags": [],
                });
                if let Some(e) = r.get("ephemeral_storage") {
                    td["taskDefinition"]["ephemeralStorage"] =
                        json!({ "sizeInGiB": e[0]["size_in_gib"] });
                }
                write(dir, &format!("describe-task-definition-{name}.json"), &td);
            }
            "aws_iam_role" => role(res, r, name, at, dir),
            "aws_cloudwatch_log_group" => {
                let group = r["name"].as_str().unwrap();
                let mut g = json!({
                    "logGroupName": group,
                    "creationTime": 1_765_150_000_000_u64,
                    "retentionInDays": r["retention_in_days"],
                    "metricFilterCount": 0,
                    "arn": format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{group}:*"),
                    "storedBytes": 0,
                    "logGroupClass": "STANDARD",
                    "logGroupArn": format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{group}"),
                });
                if let Some(k) = r.get("kms_key_id") {
                    g["kmsKeyId"] = k.clone();
                }
                log_groups.push(g);
            }
            "aws_security_group" => {
                let group = match (&r["name"], &r["name_prefix"]) {
                    (Value::String(n), _) => n.clone(),
                    (_, Value::String(p)) => format!("{p}{PREFIX_SUFFIX}"),
                    _ => panic!("{addr} has no name"),
                };
                groups.push(json!({
                    "Description": r["description"],
                    "GroupName": group,
                    "IpPermissions": [],
                    "OwnerId": ACCOUNT,
                    "GroupId": security_group_id(name),
                    "IpPermissionsEgress": [],
                    "VpcId": "vpc-0123456789abcdef0",
                }));
            }
            "aws_appautoscaling_target" => targets.push(scalable_target(res, r, at)),
            "aws_appautoscaling_policy" => {
                let (p, tracking) = scaling_policy(res, r, at);
                alarms.extend(tracking);
                policies.push(p);
            }
            "aws_cloudwatch_metric_alarm" => alarms.push(alarm(res, r, at)),
            "aws_appautoscaling_scheduled_action" => scheduled.push(scheduled_action(res, r, at)),
            // Described with their role.
            "aws_iam_role_policy_attachment" | "aws_iam_role_policy" => {}
            "aws_vpc_security_group_egress_rule" | "aws_vpc_security_group_ingress_rule" => {
                rules.push(security_group_rule(res, r, ty, name, at));
            }
            other => panic!("the synthesiser does not describe {other} ({addr})"),
        }
    }
    write(
        dir,
        "describe-services.json",
        &json!({ "services": services, "failures": [] }),
    );
    // `gen-tf import --commands` asks for the scaling outputs only of scaled services.
    if !targets.is_empty() {
        write(
            dir,
            "describe-scalable-targets.json",
            &json!({ "ScalableTargets": targets }),
        );
        write(
            dir,
            "describe-scaling-policies.json",
            &json!({ "ScalingPolicies": policies }),
        );
        write(
            dir,
            "describe-scheduled-actions.json",
            &json!({ "ScheduledActions": scheduled }),
        );
    }
    if !alarms.is_empty() {
        write(
            dir,
            "describe-alarms.json",
            &json!({ "MetricAlarms": alarms, "CompositeAlarms": [] }),
        );
    }
    write(
        dir,
        "describe-log-groups.json",
        &json!({ "logGroups": log_groups }),
    );
    write(
        dir,
        "describe-security-groups.json",
        &json!({ "SecurityGroups": groups }),
    );
    write(
        dir,
        "describe-security-group-rules.json",
        &json!({ "SecurityGroupRules": rules }),
    );
}

/// A made-up ID with `prefix` from a resource's label (FNV-1a), distinct for distinct labels.
fn made_up_id(prefix: &str, label: &str) -> String {
    let hash = label.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{prefix}-{:017x}", u128::from(hash) * 16)
}

/// The `sgr-` ID the synthesiser gives the rule resource `ty.label`.
pub fn security_group_rule_id(ty: &str, label: &str) -> String {
    made_up_id("sgr", &format!("{ty}.{label}"))
}

/// The value the running module was given for the group variable `var.name` (a load
/// balancer's, a database's, an EFS file system's group).
pub fn variable_group_id(name: &str) -> String {
    made_up_id("sg", &format!("var.{name}"))
}

/// A security group rule as `aws ec2 describe-security-group-rules` prints it.
fn security_group_rule(
    res: &BTreeMap<String, Value>,
    r: &Value,
    ty: &str,
    label: &str,
    at: &At<'_>,
) -> Value {
    let group = resolve(res, at, &r["security_group_id"]);
    let mut o = Map::new();
    o.insert(
        "SecurityGroupRuleId".into(),
        security_group_rule_id(ty, label).into(),
    );
    o.insert("GroupId".into(), group.clone());
    o.insert("GroupOwnerId".into(), ACCOUNT.into());
    o.insert(
        "IsEgress".into(),
        (ty == "aws_vpc_security_group_egress_rule").into(),
    );
    o.insert("IpProtocol".into(), r["ip_protocol"].clone());
    o.insert(
        "FromPort".into(),
        r.get("from_port").cloned().unwrap_or(json!(-1)),
    );
    o.insert(
        "ToPort".into(),
        r.get("to_port").cloned().unwrap_or(json!(-1)),
    );
    let known = [
        "security_group_id",
        "description",
        "ip_protocol",
        "from_port",
        "to_port",
        "referenced_security_group_id",
        "cidr_ipv4",
        "cidr_ipv6",
        "prefix_list_id",
    ];
    for k in r.as_object().unwrap().keys() {
        assert!(
            known.contains(&k.as_str()),
            "the synthesiser does not describe {ty}.{label}'s {k}"
        );
    }
    if let Some(Value::String(peer)) = r.get("referenced_security_group_id") {
        let id = match peer
            .strip_prefix("${var.")
            .and_then(|x| x.strip_suffix('}'))
        {
            Some(var) => variable_group_id(var),
            None => resolve(res, at, &Value::from(peer.as_str()))
                .as_str()
                .unwrap()
                .to_owned(),
        };
        o.insert(
            "ReferencedGroupInfo".into(),
            json!({ "GroupId": id, "UserId": ACCOUNT }),
        );
    }
    for (k, key) in [("cidr_ipv4", "CidrIpv4"), ("cidr_ipv6", "CidrIpv6")] {
        if let Some(v) = r.get(k) {
            o.insert(key.into(), v.clone());
        }
    }
    if let Some(Value::String(p)) = r.get("prefix_list_id") {
        let id = if p.starts_with("${") {
            made_up_id("pl", p)
        } else {
            p.clone()
        };
        o.insert("PrefixListId".into(), id.into());
    }
    if let Some(d) = r.get("description") {
        o.insert("Description".into(), d.clone());
    }
    o.insert("Tags".into(), json!([]));
    o.insert(
        "SecurityGroupRuleArn".into(),
        format!(
            "arn:aws:ec2:{}:{ACCOUNT}:security-group-rule/{}",
            at.region,
            security_group_rule_id(ty, label)
        )
        .into(),
    );
    Value::Object(o)
}

fn service(res: &BTreeMap<String, Value>, r: &Value, at: &At<'_>) -> Value {
    let (cluster, region) = (at.cluster, at.region);
    let name = r["name"].as_str().unwrap();
    let net = &r["network_configuration"][0];
    let cb = &r["deployment_circuit_breaker"][0];
    let mut s = json!({
        "serviceArn": format!("arn:aws:ecs:{region}:{ACCOUNT}:service/{cluster}/{name}"),
        "serviceName": name,
        "clusterArn": format!("arn:aws:ecs:{region}:{ACCOUNT}:cluster/{cluster}"),
        "loadBalancers": r.get("load_balancer").and_then(Value::as_array).into_iter().flatten().map(|l| {
            let mut lb = json!({
                "targetGroupArn": l["target_group_arn"],
                "containerName": l["container_name"],
                "containerPort": l["container_port"],
            });
            if let Some(a) = l.get("advanced_configuration") {
                lb["advancedConfiguration"] = Value::Object(fields(
                    &a[0],
                    &[
                        ("alternate_target_group_arn", "alternateTargetGroupArn"),
                        ("production_listener_rule", "productionListenerRule"),
                        ("test_listener_rule", "testListenerRule"),
                        ("role_arn", "roleArn"),
                    ],
                    |v| resolve(res, at, v),
                ));
            }
            lb
        }).collect::<Vec<_>>(),
        "serviceRegistries": [],
        "status": "ACTIVE",
        "desiredCount": r["desired_count"],
        "runningCount": r["desired_count"],
        "pendingCount": 0,
        "platformVersion": r["platform_version"],
        "platformFamily": "Linux",
        "taskDefinition": resolve(res, at, &r["task_definition"]),
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": { "enable": cb["enable"], "rollback": cb["rollback"] },
            "maximumPercent": r.get("deployment_maximum_percent").cloned().unwrap_or(json!(200)),
            "minimumHealthyPercent": r.get("deployment_minimum_healthy_percent").cloned().unwrap_or(json!(100)),
        },
        "deployments": [deployment(res, r, at)],
        "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
        "events": [],
        "createdAt": "2026-12-08T01:23:45.678000+00:00",
        "placementConstraints": [],
        "placementStrategy": [],
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-0123456789abcdef0"],
                "securityGroups": resolve(res, at, &net["security_groups"]),
                "assignPublicIp": if net["assign_public_ip"] == json!(true) { "ENABLED" } else { "DISABLED" },
            }
        },
        "schedulingStrategy": "REPLICA",
        "deploymentController": { "type": r["deployment_controller"][0].get("type").cloned().unwrap_or(json!("ECS")) },
        "createdBy": format!("arn:aws:iam::{ACCOUNT}:role/deployer"),
        "enableECSManagedTags": r["enable_ecs_managed_tags"],
        "propagateTags": r["propagate_tags"],
        "enableExecuteCommand": r.get("enable_execute_command").cloned().unwrap_or(json!(false)),
        "availabilityZoneRebalancing": r["availability_zone_rebalancing"],
    });
    let o = s.as_object_mut().unwrap();
    if let Some(c) = r.get("deployment_configuration") {
        let dc = o["deploymentConfiguration"].as_object_mut().unwrap();
        dc.extend(strategy(&c[0]));
    }
    // CodeDeploy and the external controller have no circuit breaker (ECS's own).
    if cb.is_null() {
        o["deploymentConfiguration"]
            .as_object_mut()
            .unwrap()
            .remove("deploymentCircuitBreaker");
    }
    match &r["launch_type"] {
        Value::String(l) => {
            o.insert("launchType".into(), l.clone().into());
        }
        _ => {
            let strategy: Vec<Value> = r["capacity_provider_strategy"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    json!({
                        "capacityProvider": c["capacity_provider"],
                        "weight": c["weight"],
                        "base": c.get("base").cloned().unwrap_or(json!(0)),
                    })
                })
                .collect();
            o.insert("capacityProviderStrategy".into(), Value::Array(strategy));
        }
    }
    if let Some(g) = r.get("health_check_grace_period_seconds") {
        o.insert("healthCheckGracePeriodSeconds".into(), g.clone());
    }
    if let Some(a) = r.get("alarms") {
        let a = &a[0];
        o["deploymentConfiguration"]["alarms"] = json!({
            "alarmNames": a["alarm_names"],
            "enable": a["enable"],
            "rollback": a["rollback"],
        });
    }
    let tags: Vec<Value> = r["tags"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
    o.insert("tags".into(), Value::Array(tags));
    s
}

fn role(res: &BTreeMap<String, Value>, r: &Value, label: &str, at: &At<'_>, dir: &Path) {
    let name = r["name"].as_str().unwrap();
    let mut role = Map::new();
    role.insert("Path".into(), r.get("path").cloned().unwrap_or(json!("/")));
    role.insert("RoleName".into(), name.into());
    role.insert("RoleId".into(), "AROAGENTFTESTPLACEHOLD".into());
    role.insert(
        "Arn".into(),
        format!("arn:aws:iam::{ACCOUNT}:role/{name}").into(),
    );
    role.insert("CreateDate".into(), "2026-12-08T01:23:45+00:00".into());
    role.insert(
        "AssumeRolePolicyDocument".into(),
        resolve(res, at, &r["assume_role_policy"]),
    );
    if let Some(d) = r.get("description") {
        role.insert("Description".into(), d.clone());
    }
    role.insert("MaxSessionDuration".into(), 3600.into());
    if let Some(b) = r.get("permissions_boundary") {
        role.insert(
            "PermissionsBoundary".into(),
            json!({ "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": b }),
        );
    }
    role.insert("RoleLastUsed".into(), json!({}));
    write(
        dir,
        &format!("get-role-{label}.json"),
        &json!({ "Role": role }),
    );
    // An inline policy names its role by `id`, an attachment by `name`: both are the name.
    let of_role = |ty: &str| -> Vec<&Value> {
        let by = |attr: &str| json!(format!("${{aws_iam_role.{label}.{attr}}}"));
        res.iter()
            .filter(|(a, p)| {
                a.starts_with(&format!("{ty}."))
                    && (p["role"] == by("name") || p["role"] == by("id"))
            })
            .map(|(_, p)| p)
            .collect()
    };
    let inline = of_role("aws_iam_role_policy");
    let names: Vec<&Value> = inline.iter().map(|p| &p["name"]).collect();
    write(
        dir,
        &format!("list-role-policies-{label}.json"),
        &json!({ "RoleName": name, "PolicyNames": names }),
    );
    for p in inline {
        let policy = p["name"].as_str().unwrap();
        write(
            dir,
            &format!("get-role-policy-{label}-{policy}.json"),
            &json!({
                "RoleName": name,
                "PolicyName": policy,
                "PolicyDocument": expand_data(&resolve(res, at, &p["policy"])),
            }),
        );
    }
    let attached: Vec<Value> = of_role("aws_iam_role_policy_attachment")
        .into_iter()
        .map(|a| {
            let arn = a["policy_arn"].as_str().unwrap();
            json!({ "PolicyName": arn.rsplit('/').next().unwrap(), "PolicyArn": arn })
        })
        .collect();
    write(
        dir,
        &format!("list-attached-role-policies-{label}.json"),
        &json!({ "RoleName": name, "AttachedPolicies": attached }),
    );
}

/// `describe-scalable-targets`' entry for an `aws_appautoscaling_target`: the role is the
/// service-linked one, which Application Auto Scaling puts in place of any other.
fn scalable_target(res: &BTreeMap<String, Value>, r: &Value, at: &At<'_>) -> Value {
    json!({
        "ServiceNamespace": r["service_namespace"],
        "ResourceId": interpolate(res, at, &r["resource_id"]),
        "ScalableDimension": r["scalable_dimension"],
        "MinCapacity": r["min_capacity"],
        "MaxCapacity": r["max_capacity"],
        "RoleARN": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"),
        "CreationTime": "2026-12-08T01:23:45.678000+00:00",
        "SuspendedState": {
            "DynamicScalingInSuspended": false,
            "DynamicScalingOutSuspended": false,
            "ScheduledScalingSuspended": false,
        },
        "ScalableTargetARN": format!("arn:aws:application-autoscaling:{}:{ACCOUNT}:scalable-target/0ec51f2e3d4c5b6a79808a9b0c1d2e3f4a5b", at.region),
    })
}

/// A number as the AWS APIs print a double.
fn double(v: &Value) -> Value {
    json!(v.as_f64().unwrap())
}

/// The keys of `from` (a Terraform block) that are set, under AWS's names, each mapped by `f`;
/// a key whose AWS name is empty is one the call does not print.
fn fields(from: &Value, names: &[(&str, &str)], f: impl Fn(&Value) -> Value) -> Map<String, Value> {
    let known: Vec<&str> = names.iter().map(|(k, _)| *k).collect();
    for k in from.as_object().unwrap().keys() {
        assert!(
            known.contains(&k.as_str()),
            "the synthesiser does not describe {k}"
        );
    }
    names
        .iter()
        .filter(|(_, aws)| !aws.is_empty())
        .filter_map(|(tf, aws)| from.get(*tf).map(|v| ((*aws).to_owned(), f(v))))
        .collect()
}

/// `describe-scaling-policies`' entry for an `aws_appautoscaling_policy`, with the alarms AWS
/// creates for a target tracking policy (which `describe-alarms` prints too).
fn scaling_policy(res: &BTreeMap<String, Value>, r: &Value, at: &At<'_>) -> (Value, Vec<Value>) {
    let arn = policy_arn(res, at, r);
    let rid = resolve(res, at, &r["resource_id"]);
    let mut p = json!({
        "PolicyARN": arn,
        "PolicyName": r["name"],
        "ServiceNamespace": resolve(res, at, &r["service_namespace"]),
        "ResourceId": rid,
        "ScalableDimension": resolve(res, at, &r["scalable_dimension"]),
        "PolicyType": r["policy_type"],
    });
    let mut tracking = Vec::new();
    if let Some(tt) = r.get("target_tracking_scaling_policy_configuration") {
        let tt = &tt[0];
        let mut c = fields(
            tt,
            &[
                ("target_value", "TargetValue"),
                ("scale_in_cooldown", "ScaleInCooldown"),
                ("scale_out_cooldown", "ScaleOutCooldown"),
                ("disable_scale_in", "DisableScaleIn"),
                ("predefined_metric_specification", ""),
                ("customized_metric_specification", ""),
            ],
            Clone::clone,
        );
        c["TargetValue"] = double(&tt["target_value"]);
        let (namespace, metric, dimensions) =
            if let Some(m) = tt.get("predefined_metric_specification") {
                let m = &m[0];
                let mut spec = fields(
                    m,
                    &[
                        ("predefined_metric_type", "PredefinedMetricType"),
                        ("resource_label", "ResourceLabel"),
                    ],
                    Clone::clone,
                );
                spec = spec
                    .into_iter()
                    .map(|(k, v)| (k, resolve(res, at, &v)))
                    .collect();
                c.insert("PredefinedMetricSpecification".into(), Value::Object(spec));
                let service = rid.as_str().unwrap().rsplit('/').next().unwrap().to_owned();
                let (ns, name) = match m["predefined_metric_type"].as_str().unwrap() {
                    "ECSServiceAverageCPUUtilization" => ("AWS/ECS", "CPUUtilization"),
                    "ECSServiceAverageMemoryUtilization" => ("AWS/ECS", "MemoryUtilization"),
                    _ => ("AWS/ApplicationELB", "RequestCountPerTarget"),
                };
                let dims = json!([
                    { "Name": "ClusterName", "Value": at.cluster },
                    { "Name": "ServiceName", "Value": service },
                ]);
                (json!(ns), json!(name), dims)
            } else {
                let m = &tt["customized_metric_specification"][0];
                let mut spec = fields(
                    m,
                    &[
                        ("namespace", "Namespace"),
                        ("metric_name", "MetricName"),
                        ("statistic", "Statistic"),
                        ("unit", "Unit"),
                        ("dimensions", "Dimensions"),
                    ],
                    |v| resolve(res, at, v),
                );
                let dims: Vec<Value> = m["dimensions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|d| json!({ "Name": d["name"], "Value": resolve(res, at, &d["value"]) }))
                    .collect();
                spec.insert("Dimensions".into(), json!(dims));
                c.insert("CustomizedMetricSpecification".into(), Value::Object(spec));
                (
                    m["namespace"].clone(),
                    m["metric_name"].clone(),
                    json!(dims),
                )
            };
        for (side, op) in [
            ("AlarmHigh", "GreaterThanThreshold"),
            ("AlarmLow", "LessThanThreshold"),
        ] {
            let name = format!(
                "TargetTracking-{}-{side}-0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
                rid.as_str().unwrap()
            );
            tracking.push(json!({
                "AlarmName": name,
                "AlarmArn": format!("arn:aws:cloudwatch:{}:{ACCOUNT}:alarm:{name}", at.region),
                "AlarmDescription": format!("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {arn}."),
                "ActionsEnabled": true,
                "OKActions": [],
                "AlarmActions": [arn],
                "InsufficientDataActions": [],
                "StateValue": "OK",
                "MetricName": metric,
                "Namespace": namespace,
                "Statistic": "Average",
                "Dimensions": dimensions,
                "Period": 60,
                "EvaluationPeriods": if side == "AlarmHigh" { 3 } else { 15 },
                "Threshold": c["TargetValue"],
                "ComparisonOperator": op,
            }));
        }
        p["TargetTrackingScalingPolicyConfiguration"] = Value::Object(c);
    }
    if let Some(st) = r.get("step_scaling_policy_configuration") {
        let st = &st[0];
        let mut c = fields(
            st,
            &[
                ("adjustment_type", "AdjustmentType"),
                ("cooldown", "Cooldown"),
                ("metric_aggregation_type", "MetricAggregationType"),
                ("min_adjustment_magnitude", "MinAdjustmentMagnitude"),
                ("step_adjustment", "StepAdjustments"),
            ],
            Clone::clone,
        );
        let steps: Vec<Value> = st["step_adjustment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let mut o = fields(
                    s,
                    &[
                        ("metric_interval_lower_bound", "MetricIntervalLowerBound"),
                        ("metric_interval_upper_bound", "MetricIntervalUpperBound"),
                        ("scaling_adjustment", "ScalingAdjustment"),
                    ],
                    Clone::clone,
                );
                for b in ["MetricIntervalLowerBound", "MetricIntervalUpperBound"] {
                    if let Some(v) = o.get_mut(b) {
                        *v = double(v);
                    }
                }
                Value::Object(o)
            })
            .collect();
        c.insert("StepAdjustments".into(), Value::Array(steps));
        p["StepScalingPolicyConfiguration"] = Value::Object(c);
    }
    // The alarms that invoke the policy: a step policy's alarm is the module's own.
    let own: Vec<Value> = res
        .iter()
        .filter(|(a, x)| {
            a.starts_with("aws_cloudwatch_metric_alarm.")
                && resolve(res, at, &x["alarm_actions"]) == json!([p["PolicyARN"]])
        })
        .map(|(_, x)| {
            let name = x["alarm_name"].as_str().unwrap();
            json!({ "AlarmName": name, "AlarmARN": format!("arn:aws:cloudwatch:{}:{ACCOUNT}:alarm:{name}", at.region) })
        })
        .chain(tracking.iter().map(|a| json!({ "AlarmName": a["AlarmName"], "AlarmARN": a["AlarmArn"] })))
        .collect();
    p["Alarms"] = Value::Array(own);
    // Created in the module's order: each policy depends on the one before.
    let mut before = 0;
    let mut x = r;
    while let Some(d) = x["depends_on"][0].as_str() {
        before += 1;
        x = &res[d.trim_start_matches("${").trim_end_matches('}')];
    }
    p["CreationTime"] = json!(format!("2026-12-08T01:23:{:02}.678000+00:00", 10 + before));
    (p, tracking)
}

/// `describe-alarms`' entry for an `aws_cloudwatch_metric_alarm`.
fn alarm(res: &BTreeMap<String, Value>, r: &Value, at: &At<'_>) -> Value {
    let name = r["alarm_name"].as_str().unwrap();
    let mut a = fields(
        r,
        &[
            ("alarm_name", "AlarmName"),
            ("alarm_description", "AlarmDescription"),
            ("alarm_actions", "AlarmActions"),
            ("namespace", "Namespace"),
            ("metric_name", "MetricName"),
            ("statistic", "Statistic"),
            ("dimensions", "Dimensions"),
            ("period", "Period"),
            ("evaluation_periods", "EvaluationPeriods"),
            ("datapoints_to_alarm", "DatapointsToAlarm"),
            ("threshold", "Threshold"),
            ("comparison_operator", "ComparisonOperator"),
            ("treat_missing_data", "TreatMissingData"),
            // `describe-alarms` prints no tags (`list-tags-for-resource` does).
            ("tags", ""),
        ],
        |v| resolve(res, at, v),
    );
    a.insert(
        "AlarmArn".into(),
        format!("arn:aws:cloudwatch:{}:{ACCOUNT}:alarm:{name}", at.region).into(),
    );
    a["Threshold"] = double(&a["Threshold"]);
    let dims: Vec<Value> = a
        .get("Dimensions")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| json!({ "Name": k, "Value": v }))
        .collect();
    a.insert("Dimensions".into(), Value::Array(dims));
    for (k, v) in [
        ("ActionsEnabled", json!(true)),
        ("OKActions", json!([])),
        ("InsufficientDataActions", json!([])),
        ("StateValue", json!("OK")),
        (
            "AlarmConfigurationUpdatedTimestamp",
            json!("2026-12-08T01:23:45.678000+00:00"),
        ),
    ] {
        a.insert(k.into(), v);
    }
    Value::Object(a)
}

/// `describe-scheduled-actions`' entry for an `aws_appautoscaling_scheduled_action`.
fn scheduled_action(res: &BTreeMap<String, Value>, r: &Value, at: &At<'_>) -> Value {
    let mut a = fields(
        r,
        &[
            ("name", "ScheduledActionName"),
            ("service_namespace", "ServiceNamespace"),
            ("resource_id", "ResourceId"),
            ("scalable_dimension", "ScalableDimension"),
            ("schedule", "Schedule"),
            ("timezone", "Timezone"),
            ("start_time", "StartTime"),
            ("end_time", "EndTime"),
            ("scalable_target_action", ""),
            ("depends_on", ""),
        ],
        |v| resolve(res, at, v),
    );
    let name = r["name"].as_str().unwrap();
    let rid = a["ResourceId"].as_str().unwrap().to_owned();
    a.insert(
        "ScheduledActionARN".into(),
        format!("arn:aws:autoscaling:{}:{ACCOUNT}:scheduledAction:0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9:resource/ecs/{rid}:scheduledActionName/{name}", at.region).into(),
    );
    if let Some(t) = r.get("scalable_target_action") {
        let t = fields(
            &t[0],
            &[
                ("min_capacity", "MinCapacity"),
                ("max_capacity", "MaxCapacity"),
            ],
            // The provider takes the capacities as strings; AWS prints numbers.
            |v| match v {
                Value::String(n) => json!(n.parse::<u64>().unwrap()),
                v => v.clone(),
            },
        );
        a.insert("ScalableTargetAction".into(), Value::Object(t));
    }
    a.insert(
        "CreationTime".into(),
        "2026-12-08T01:23:45.678000+00:00".into(),
    );
    Value::Object(a)
}

/// The service's primary deployment, with its Service Connect configuration (which
/// `describe-services` prints only there).
fn deployment(res: &BTreeMap<String, Value>, r: &Value, at: &At<'_>) -> Value {
    let mut d = json!({
        "id": "ecs-svc/1234567890123456789",
        "status": "PRIMARY",
        "taskDefinition": resolve(res, at, &r["task_definition"]),
        "desiredCount": r["desired_count"],
        "pendingCount": 0,
        "runningCount": r["desired_count"],
        "failedTasks": 0,
        "createdAt": "2026-12-08T01:23:45.678000+00:00",
        "updatedAt": "2026-12-08T01:23:45.678000+00:00",
        "rolloutState": "COMPLETED",
        "rolloutStateReason": "ECS deployment ecs-svc/1234567890123456789 completed.",
    });
    if let Some(v) = r.get("volume_configuration") {
        d["volumeConfigurations"] = json!([volume_configuration(res, at, &v[0])]);
    }
    let Some(sc) = r.get("service_connect_configuration") else {
        return d;
    };
    let sc = &sc[0];
    let mut c = fields(
        sc,
        &[
            ("enabled", "enabled"),
            ("namespace", "namespace"),
            ("service", ""),
            ("log_configuration", ""),
        ],
        |v| resolve(res, at, v),
    );
    let services: Vec<Value> = sc
        .get("service")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|x| {
            let mut o = fields(
                x,
                &[
                    ("port_name", "portName"),
                    ("discovery_name", "discoveryName"),
                    ("client_alias", ""),
                ],
                Clone::clone,
            );
            let aliases: Vec<Value> = x
                .get("client_alias")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|a| {
                    let mut o = fields(
                        a,
                        &[
                            ("port", "port"),
                            ("dns_name", "dnsName"),
                            ("test_traffic_rules", ""),
                        ],
                        Clone::clone,
                    );
                    if let Some(t) = a.get("test_traffic_rules") {
                        let h = &t[0]["header"][0];
                        o.insert(
                            "testTrafficRules".into(),
                            json!({ "header": { "name": h["name"], "value": { "exact": h["value"][0]["exact"] } } }),
                        );
                    }
                    Value::Object(o)
                })
                .collect();
            o.insert("clientAliases".into(), Value::Array(aliases));
            Value::Object(o)
        })
        .collect();
    c.insert("services".into(), Value::Array(services));
    if let Some(l) = sc.get("log_configuration") {
        let l = &l[0];
        c.insert(
            "logConfiguration".into(),
            json!({
                "logDriver": l["log_driver"],
                "options": resolve(res, at, &l["options"]),
                "secretOptions": [],
            }),
        );
    }
    d["serviceConnectConfiguration"] = Value::Object(c);
    d
}

/// A service's `deployment_configuration` block as `deploymentConfiguration` prints it: the
/// minutes, which the provider takes as strings, as numbers.
fn strategy(c: &Value) -> Map<String, Value> {
    let minutes = |v: &Value| json!(v.as_str().unwrap().parse::<u32>().unwrap());
    let mut o = fields(
        c,
        &[
            ("strategy", "strategy"),
            ("bake_time_in_minutes", ""),
            ("linear_configuration", ""),
            ("canary_configuration", ""),
            ("lifecycle_hook", ""),
        ],
        Clone::clone,
    );
    if let Some(b) = c.get("bake_time_in_minutes") {
        o.insert("bakeTimeInMinutes".into(), minutes(b));
    }
    if let Some(l) = c.get("linear_configuration") {
        let mut x = json!({ "stepPercent": l[0]["step_percent"] });
        if let Some(b) = l[0].get("step_bake_time_in_minutes") {
            x["stepBakeTimeInMinutes"] = minutes(b);
        }
        o.insert("linearConfiguration".into(), x);
    }
    if let Some(k) = c.get("canary_configuration") {
        let mut x = json!({ "canaryPercent": k[0]["canary_percent"] });
        if let Some(b) = k[0].get("canary_bake_time_in_minutes") {
            x["canaryBakeTimeInMinutes"] = minutes(b);
        }
        o.insert("canaryConfiguration".into(), x);
    }
    if let Some(Value::Array(hooks)) = c.get("lifecycle_hook") {
        let hooks: Vec<Value> = hooks
            .iter()
            .map(|h| {
                json!({
                    "hookTargetArn": h["hook_target_arn"],
                    "roleArn": h["role_arn"],
                    "lifecycleStages": h["lifecycle_stages"],
                })
            })
            .collect();
        o.insert("lifecycleHooks".into(), Value::Array(hooks));
    }
    o
}

/// A service's `volume_configuration` as a deployment's `volumeConfigurations` prints it.
fn volume_configuration(res: &BTreeMap<String, Value>, at: &At<'_>, v: &Value) -> Value {
    let m = &v["managed_ebs_volume"][0];
    let mut e = fields(
        m,
        &[
            ("role_arn", "roleArn"),
            ("size_in_gb", "sizeInGiB"),
            ("volume_type", "volumeType"),
            ("iops", "iops"),
            ("throughput", "throughput"),
            ("encrypted", "encrypted"),
            ("kms_key_id", "kmsKeyId"),
            ("file_system_type", "filesystemType"),
            ("snapshot_id", "snapshotId"),
            ("tag_specifications", ""),
        ],
        |x| resolve(res, at, x),
    );
    if let Some(t) = m.get("tag_specifications") {
        let t = &t[0];
        let mut spec = json!({ "resourceType": t["resource_type"] });
        if let Some(Value::Object(tags)) = t.get("tags") {
            spec["tags"] = tags
                .iter()
                .map(|(k, v)| json!({ "key": k, "value": v }))
                .collect();
        }
        if let Some(p) = t.get("propagate_tags") {
            spec["propagateTags"] = p.clone();
        }
        e.insert("tagSpecifications".into(), json!([spec]));
    }
    json!({ "name": v["name"], "managedEBSVolume": e })
}

/// A task definition's volume as ECS prints it: a bind volume with an empty `host`.
fn volume(v: &Value) -> Value {
    let mut o = fields(
        v,
        &[
            ("name", "name"),
            ("configure_at_launch", "configuredAtLaunch"),
            ("efs_volume_configuration", ""),
        ],
        Clone::clone,
    );
    match v.get("efs_volume_configuration") {
        Some(e) => {
            let e = &e[0];
            let mut c = fields(
                e,
                &[
                    ("file_system_id", "fileSystemId"),
                    ("root_directory", "rootDirectory"),
                    ("transit_encryption", "transitEncryption"),
                    ("transit_encryption_port", "transitEncryptionPort"),
                    ("authorization_config", ""),
                ],
                Clone::clone,
            );
            if let Some(a) = e.get("authorization_config") {
                let a = fields(
                    &a[0],
                    &[("access_point_id", "accessPointId"), ("iam", "iam")],
                    Clone::clone,
                );
                c.insert("authorizationConfig".into(), Value::Object(a));
            }
            o.insert("efsVolumeConfiguration".into(), Value::Object(c));
        }
        None if v.get("configure_at_launch") != Some(&json!(true)) => {
            o.insert("host".into(), json!({}));
        }
        None => {}
    }
    Value::Object(o)
}

/// The partition and account data sources inside strings (`arn:${data.aws_partition...}:...`).
fn expand_data(v: &Value) -> Value {
    match v {
        Value::String(s) => s
            .replace("${data.aws_partition.current.partition}", "aws")
            .replace("${data.aws_caller_identity.current.account_id}", ACCOUNT)
            .into(),
        Value::Array(a) => a.iter().map(expand_data).collect(),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), expand_data(x))).collect())
        }
        v => v.clone(),
    }
}

//! A test-only describe synthesiser (issue 28's round trip): the resources of a module gen-tf
//! built (`gen_tf::import::check::resources`, the module's JSON with `${...}` references) turned
//! into the files the AWS CLI would print once those resources run, in the shapes `gen-tf import`
//! reads (`aws ecs describe-services`, `describe-task-definition --include TAGS`, `aws iam
//! get-role`, `list-role-policies`, `get-role-policy`, `list-attached-role-policies`, `aws logs
//! describe-log-groups`, `aws ec2 describe-security-groups`), with the defaults ECS adds to a
//! container definition and the suffix Terraform adds to a `name_prefix`.
//!
//! It covers the resources of a service with no load balancer, Service Connect, auto scaling
//! or volumes: the round trip's draw is restricted to those
//! (`tests/import_round_trip.rs`); a resource of another type is an error, not skipped.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Map, Value};

pub const ACCOUNT: &str = "123456789012";

/// What Terraform adds to a security group's `name_prefix` (a timestamp and a counter).
pub const PREFIX_SUFFIX: &str = "20261208012345678900000001";

/// The value of a reference `${type.name.attr}` once the resources exist.
fn resolve(res: &BTreeMap<String, Value>, region: &str, v: &Value) -> Value {
    match v {
        Value::String(s) => {
            if s == "${data.aws_caller_identity.current.account_id}" {
                return ACCOUNT.into();
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
                _ => panic!("the synthesiser does not resolve {s}"),
            }
        }
        Value::Array(a) => a.iter().map(|x| resolve(res, region, x)).collect(),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), resolve(res, region, x)))
                .collect(),
        ),
        v => v.clone(),
    }
}

fn security_group_id(name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{:x}", b % 16)).collect();
    format!("sg-{:0<17}", &hex[..hex.len().min(17)])
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
    for (addr, r) in res {
        let (ty, name) = addr.split_once('.').unwrap();
        match ty {
            "aws_ecs_service" => services.push(service(res, r, cluster, region)),
            "aws_ecs_task_definition" => {
                let defs: Vec<Value> = resolve(res, region, &r["container_definitions"])
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(described_container)
                    .collect();
                let rp = &r["runtime_platform"][0];
                let td = json!({
                    "taskDefinition": {
                        "taskDefinitionArn": task_definition_arn(r, region),
                        "containerDefinitions": defs,
                        "family": r["family"],
                        "taskRoleArn": resolve(res, region, &r["task_role_arn"]),
                        "executionRoleArn": resolve(res, region, &r["execution_role_arn"]),
                        "networkMode": r["network_mode"],
                        "revision": 1,
                        "volumes": [],
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
                write(dir, &format!("describe-task-definition-{name}.json"), &td);
            }
            "aws_iam_role" => role(res, r, name, region, dir),
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
            // Described with their role, or with their group (`describe-security-groups` holds
            // the rules gen-tf writes anew).
            "aws_iam_role_policy_attachment" | "aws_iam_role_policy" => {}
            "aws_vpc_security_group_egress_rule" | "aws_vpc_security_group_ingress_rule" => {}
            other => panic!("the synthesiser does not describe {other} ({addr})"),
        }
    }
    write(
        dir,
        "describe-services.json",
        &json!({ "services": services, "failures": [] }),
    );
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
}

fn service(res: &BTreeMap<String, Value>, r: &Value, cluster: &str, region: &str) -> Value {
    let name = r["name"].as_str().unwrap();
    let net = &r["network_configuration"][0];
    let cb = &r["deployment_circuit_breaker"][0];
    let mut s = json!({
        "serviceArn": format!("arn:aws:ecs:{region}:{ACCOUNT}:service/{cluster}/{name}"),
        "serviceName": name,
        "clusterArn": format!("arn:aws:ecs:{region}:{ACCOUNT}:cluster/{cluster}"),
        "loadBalancers": [],
        "serviceRegistries": [],
        "status": "ACTIVE",
        "desiredCount": r["desired_count"],
        "runningCount": r["desired_count"],
        "pendingCount": 0,
        "platformVersion": r["platform_version"],
        "platformFamily": "Linux",
        "taskDefinition": resolve(res, region, &r["task_definition"]),
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": { "enable": cb["enable"], "rollback": cb["rollback"] },
            "maximumPercent": r.get("deployment_maximum_percent").cloned().unwrap_or(json!(200)),
            "minimumHealthyPercent": r.get("deployment_minimum_healthy_percent").cloned().unwrap_or(json!(100)),
        },
        "deployments": [],
        "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
        "events": [],
        "createdAt": "2026-12-08T01:23:45.678000+00:00",
        "placementConstraints": [],
        "placementStrategy": [],
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-0123456789abcdef0"],
                "securityGroups": resolve(res, region, &net["security_groups"]),
                "assignPublicIp": if net["assign_public_ip"] == json!(true) { "ENABLED" } else { "DISABLED" },
            }
        },
        "schedulingStrategy": "REPLICA",
        "deploymentController": { "type": "ECS" },
        "createdBy": format!("arn:aws:iam::{ACCOUNT}:role/deployer"),
        "enableECSManagedTags": r["enable_ecs_managed_tags"],
        "propagateTags": r["propagate_tags"],
        "enableExecuteCommand": r.get("enable_execute_command").cloned().unwrap_or(json!(false)),
        "availabilityZoneRebalancing": r["availability_zone_rebalancing"],
    });
    let o = s.as_object_mut().unwrap();
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
    let tags: Vec<Value> = r["tags"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
    o.insert("tags".into(), Value::Array(tags));
    s
}

fn role(res: &BTreeMap<String, Value>, r: &Value, label: &str, region: &str, dir: &Path) {
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
        resolve(res, region, &r["assume_role_policy"]),
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
                "PolicyDocument": resolve(res, region, &p["policy"]),
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

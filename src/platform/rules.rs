//! The platform's rules: the platform file itself, each stack's references to it, and the
//! checks across every stack and environment of a project.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::batch::Target;
use crate::diag::Diagnostic;
use crate::model::stack::PlatformRef;
use crate::model::Stack;
use crate::pipeline::Compiled;

pub use super::catalogue::*;
use super::model::PlatformFile;
use super::shared::{closest, VpcUse};

/// The platform file's own references: each cluster's namespace.
pub(super) fn check_file(p: &PlatformFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Names become Terraform labels and output keys.
    let keys = p
        .networks
        .keys()
        .map(|k| ("networks", k))
        .chain(p.clusters.keys().map(|k| ("clusters", k)))
        .chain(p.namespaces.keys().map(|k| ("namespaces", k)));
    for (kind, key) in keys {
        let ok = key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            out.push(
                Diagnostic::new(&PLATFORM_FILE, crate::diag::join(kind, key), format!("`{key}` is not a platform name"))
                    .help("use lower-case letters, digits, '-' and '_', starting with a letter: it becomes a Terraform label"),
            );
        }
    }
    for (name, n) in &p.networks {
        let at = |f: &str| format!("networks.{name}.{f}");
        if !n.vpc_id.starts_with("vpc-") {
            out.push(
                Diagnostic::new(
                    &PLATFORM_FILE,
                    at("vpc_id"),
                    format!("{:?} is not a VPC ID", n.vpc_id),
                )
                .help("give the VPC's ID, vpc- followed by hex digits"),
            );
        }
        let cidr_ok = n.cidr.split_once('/').is_some_and(|(ip, len)| {
            ip.parse::<std::net::Ipv4Addr>().is_ok() && len.parse::<u8>().is_ok_and(|l| l <= 32)
        });
        if !cidr_ok {
            out.push(
                Diagnostic::new(
                    &PLATFORM_FILE,
                    at("cidr"),
                    format!("{:?} is not an IPv4 CIDR", n.cidr),
                )
                .help("give the VPC's IPv4 CIDR, for example \"10.40.0.0/16\""),
            );
        }
        if n.private_subnets.is_empty() {
            out.push(
                Diagnostic::new(
                    &PLATFORM_FILE,
                    at("private_subnets"),
                    "the network has no private subnet",
                )
                .help(
                    "give one private subnet per Availability Zone: { 'eu-west-1a': 'subnet-...' }",
                ),
            );
        }
        if !n.nat_gateway && n.private_route_table_ids.is_empty() {
            out.push(
                Diagnostic::new(&PLATFORM_FILE, at("private_route_table_ids"), "without a NAT gateway, the Gateway endpoints (S3 for ECR image layers) need the private route tables")
                    .help("list the route tables of the private subnets"),
            );
        }
    }
    for (name, c) in &p.clusters {
        if c.capacity_providers.is_empty() {
            out.push(
                Diagnostic::new(
                    &PLATFORM_FILE,
                    format!("clusters.{name}.capacity_providers"),
                    "the cluster has no capacity provider",
                )
                .help("use [\"FARGATE\"], [\"FARGATE_SPOT\"] or both"),
            );
        }
    }
    for (name, c) in &p.clusters {
        if let Some(ns) = &c.namespace {
            if !p.namespaces.contains_key(ns) {
                out.push(
                    Diagnostic::new(
                        &PLATFORM_NAME,
                        format!("clusters.{name}.namespace"),
                        format!("cluster `{name}` names namespace `{ns}`, which the platform does not define"),
                    )
                    .help(closest(ns, p.namespaces.keys())),
                );
            }
        }
    }
    out
}

/// One stack's references to the platform, and what it must leave to the platform.
pub(super) fn check_stack(stack: &Stack, p: &PlatformFile, value: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(r) = &stack.platform else {
        return out;
    };
    let unknown = |kind: &str, field: &str, name: &str, known: Vec<&String>| {
        Diagnostic::new(
            &PLATFORM_NAME,
            format!("platform.{field}"),
            format!("{kind} `{name}` is not in the platform"),
        )
        .help(closest(name, known))
    };
    if !p.networks.contains_key(&r.network) {
        out.push(unknown(
            "network",
            "network",
            &r.network,
            p.networks.keys().collect(),
        ));
    }
    let cluster = p.clusters.get(&r.cluster);
    if cluster.is_none() {
        out.push(unknown(
            "cluster",
            "cluster",
            &r.cluster,
            p.clusters.keys().collect(),
        ));
    }
    if let Some(ns) = &r.namespace {
        if !p.namespaces.contains_key(ns) {
            out.push(unknown(
                "namespace",
                "namespace",
                ns,
                p.namespaces.keys().collect(),
            ));
        }
    }
    let owned = |path: &str, what: &str| {
        Diagnostic::new(
            &PLATFORM_OWNED,
            path.to_owned(),
            format!("the stack runs in the platform, which owns {what}"),
        )
        .help(format!(
            "remove `{path}`; the platform's {} gives it",
            if path == "cluster" {
                format!("cluster `{}`", r.cluster)
            } else {
                format!("network `{}`", r.network)
            }
        ))
    };
    if stack.cluster.is_some() {
        out.push(owned("cluster", "the cluster and its capacity providers"));
    }
    if let Some(region) = stack.region.as_ref().filter(|r| **r != p.region) {
        out.push(
            Diagnostic::new(
                &PLATFORM_OWNED,
                "region",
                format!(
                    "the stack's region {region} is not the platform's ({}), where its network and cluster are",
                    p.region
                ),
            )
            .help("remove `region`: a stack in the platform runs in the platform's region"),
        );
    }
    if stack.vpc_endpoints.is_some() {
        out.push(owned("vpc_endpoints", "the VPC endpoints"));
    }
    if value.pointer("/network/nat_gateway").is_some() {
        out.push(owned(
            "network.nat_gateway",
            "the network's NAT gateway fact",
        ));
    }
    if value.pointer("/network/existing_vpc_endpoints").is_some() {
        out.push(owned(
            "network.existing_vpc_endpoints",
            "the list of the VPC's endpoints",
        ));
    }
    if let Some(c) = cluster {
        out.extend(missing_providers(stack, r, c));
    }
    out
}

/// Each capacity provider a service uses that its platform cluster does not have.
fn missing_providers(stack: &Stack, r: &PlatformRef, c: &super::model::Cluster) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, svc) in stack.services() {
        for (i, item) in svc.capacity_provider_strategy.iter().enumerate() {
            if !c.capacity_providers.contains(&item.capacity_provider) {
                let have: Vec<&str> = c.capacity_providers.iter().map(|p| p.as_str()).collect();
                out.push(
                    Diagnostic::new(
                        &CAPACITY_PROVIDER_MISSING,
                        format!("services.{name}.capacity_provider_strategy[{i}].capacity_provider"),
                        format!(
                            "service `{name}` uses {}, which cluster `{}` ({}) does not have",
                            item.capacity_provider.as_str(),
                            r.cluster,
                            c.name
                        ),
                    )
                    .help(format!(
                        "use one of the cluster's capacity providers ({}), or add {} to clusters.{}.capacity_providers in the platform",
                        have.join(", "),
                        item.capacity_provider.as_str(),
                        r.cluster
                    )),
                );
            }
        }
    }
    out
}

/// The environment that creates a VPC's endpoints: the only one that uses the VPC, or the one
/// its networks name as `endpoints_owner`.
pub(super) fn endpoints_owner(
    vpc: &str,
    use_: &VpcUse,
    targets: &[Target],
    platforms: &[Option<PlatformFile>],
    all_envs: &[String],
) -> Result<Option<usize>, Box<(usize, Diagnostic)>> {
    let envs: Vec<usize> = use_.envs.keys().copied().collect();
    let first = envs.first().copied().unwrap_or(0);
    let named: Vec<Option<String>> = use_
        .envs
        .iter()
        .map(|(t, net)| {
            platforms[*t]
                .as_ref()
                .and_then(|p| p.networks.get(net))
                .and_then(|n| n.endpoints_owner.clone())
        })
        .collect();
    let env_name = |t: usize| targets[t].env.clone().unwrap_or_default();
    let owner = named.iter().flatten().next().cloned();
    let agreed = named.iter().flatten().all(|o| Some(o) == owner.as_ref());
    let found = owner
        .as_ref()
        .and_then(|o| envs.iter().copied().find(|t| env_name(*t) == *o));
    match (envs.len(), owner, found) {
        (1, None, _) => Ok(Some(first)),
        (_, Some(_), Some(t)) if agreed => Ok(Some(t)),
        // The owner is an environment this build does not build: its own build creates them.
        (_, Some(o), None) if agreed && all_envs.contains(&o) => Ok(None),
        _ if use_.needs.is_empty() => Ok(Some(first)),
        (_, owner, _) => {
            let net = use_.envs.get(&first).cloned().unwrap_or_default();
            let names: Vec<String> = envs.iter().map(|t| env_name(*t)).collect();
            let message = match owner {
                Some(o) if agreed => format!(
                    "network `{net}` (VPC {vpc}) names endpoints_owner `{o}`, which is not one of the environments that use the VPC ({})",
                    names.join(", ")
                ),
                Some(_) => format!("the environments that share VPC {vpc} name different endpoints_owner values"),
                None => format!(
                    "environments {} share VPC {vpc} (network `{net}`), and each would create its endpoints: the second apply fails",
                    names.join(" and ")
                ),
            };
            Err(Box::new((
                first,
                Diagnostic::new(&ENDPOINTS_OWNER, format!("networks.{net}.endpoints_owner"), message)
                    .help(format!(
                        "set endpoints_owner to one environment ({}) in every environment's network; the others then use its endpoints",
                        names.join(" or ")
                    )),
            )))
        }
    }
}

/// A resource a compiled module creates, read back from its files: type, label and its literal
/// `name` (when it has one), plus whether it sets private DNS.
struct Made {
    ty: String,
    name: Option<String>,
    service_name: Option<String>,
    private_dns: bool,
}

fn made(c: &Compiled) -> Vec<Made> {
    let mut out = Vec::new();
    for (file, content) in &c.files {
        if file.ends_with(".tf") {
            let Ok(body) = hcl::parse(content) else {
                continue;
            };
            for b in body.blocks().filter(|b| b.identifier() == "resource") {
                let Some(ty) = b.labels().first() else {
                    continue;
                };
                let lit = |key: &str| {
                    b.body()
                        .attributes()
                        .find(|a| a.key() == key)
                        .and_then(|a| match a.expr() {
                            hcl::Expression::String(s) => Some(s.clone()),
                            hcl::Expression::Bool(b) => Some(b.to_string()),
                            _ => None,
                        })
                };
                out.push(Made {
                    ty: ty.as_str().to_owned(),
                    name: lit("name").or_else(|| lit("alarm_name")),
                    service_name: lit("service_name"),
                    private_dns: lit("private_dns_enabled").as_deref() == Some("true"),
                });
            }
        } else if file.ends_with(".tf.json") {
            let Ok(v) = serde_json::from_str::<Value>(content) else {
                continue;
            };
            for (ty, blocks) in v["resource"].as_object().into_iter().flatten() {
                for (_, b) in blocks.as_object().into_iter().flatten() {
                    let lit = |key: &str| {
                        b[key]
                            .as_str()
                            .filter(|s| !s.contains("${"))
                            .map(str::to_owned)
                    };
                    out.push(Made {
                        ty: ty.clone(),
                        name: lit("name").or_else(|| lit("alarm_name")),
                        service_name: lit("service_name"),
                        private_dns: b["private_dns_enabled"] == Value::Bool(true),
                    });
                }
            }
        }
    }
    out
}

/// What a created resource takes that no other module of the project may take too, as (key,
/// name): `None` for a resource whose name no other module can collide with.
fn taken_name(
    m: &Made,
    t: usize,
    cluster: &str,
    r: Option<&PlatformRef>,
) -> Option<(String, String)> {
    Some(match (m.ty.as_str(), &m.name, &m.service_name) {
        ("aws_vpc_endpoint", _, Some(s)) if m.private_dns => (format!("endpoint {s}"), s.clone()),
        ("aws_ecs_cluster", Some(n), _) => (format!("cluster {n}"), n.clone()),
        ("aws_ecs_service", Some(n), _) => (format!("service {t} {cluster} {n}"), n.clone()),
        ("aws_iam_role", Some(n), _) => (format!("role {n}"), n.clone()),
        ("aws_cloudwatch_log_group", Some(n), _) => (format!("log group {n}"), n.clone()),
        ("aws_cloudwatch_metric_alarm", Some(n), _) => (format!("alarm {n}"), n.clone()),
        // A fixed name (`names.security_group`) is unique per VPC: the stacks of one platform
        // network share theirs. A stack without a platform names no VPC.
        ("aws_security_group", Some(n), _) => {
            (format!("security group {} {n}", r?.network), n.clone())
        }
        _ => return None,
    })
}

/// The checks across every module of a project: what no two modules may both create. `units`
/// are the compiled stacks with their target and platform reference.
pub(crate) fn across(
    units: &[(usize, &Compiled, Option<&PlatformRef>)],
    targets: &[Target],
) -> Vec<(usize, Diagnostic)> {
    let env = |t: usize| {
        targets[t]
            .env
            .as_deref()
            .map_or(String::new(), |e| format!(" in {e}"))
    };
    // key -> (first unit, what)
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, (t, c, r)) in units.iter().enumerate() {
        let made = made(c);
        // The cluster the services run in: the platform's, the module's own, or its variable.
        let own = made
            .iter()
            .find(|m| m.ty == "aws_ecs_cluster")
            .and_then(|m| m.name.clone());
        let cluster = r.map_or_else(
            || own.unwrap_or_else(|| "var.cluster_name".to_owned()),
            |r| r.cluster.clone(),
        );
        for m in made {
            let Some(key) = taken_name(&m, *t, &cluster, *r) else {
                continue;
            };
            let Some(&first) = seen.get(&key) else {
                seen.insert(key, i);
                continue;
            };
            let (ft, fc, _) = &units[first];
            let (rule, path, message, help) = match m.ty.as_str() {
                "aws_vpc_endpoint" => (
                    &ENDPOINT_OWNED_TWICE,
                    "vpc_endpoints",
                    format!(
                        "stack `{}`{} creates the {} endpoint with private DNS, and so does stack `{}`{} ({}); in one VPC the second apply fails and the first serves only its own tasks",
                        c.name, env(*t), key.1, fc.name, env(*ft), fc.stack_file.display()
                    ),
                    "describe the network once in a platform (gen-tf.toml: platform = \"platform.jsonnet\", docs/platform.md) and give both stacks platform.network; the platform then creates each endpoint once per VPC".to_owned(),
                ),
                "aws_ecs_cluster" => (
                    &CLUSTER_OWNED_TWICE,
                    "cluster",
                    format!(
                        "stack `{}`{} creates cluster `{}` and its capacity providers, and so does stack `{}`{} ({}); the second association overwrites the first",
                        c.name, env(*t), key.1, fc.name, env(*ft), fc.stack_file.display()
                    ),
                    "describe the cluster once in a platform (docs/platform.md) and give both stacks platform.cluster; or let one stack own it and the other use var.cluster_name".to_owned(),
                ),
                "aws_ecs_service" => (
                    &NAME_TWICE,
                    "services",
                    format!(
                        "stack `{}`{} names an ECS service `{}` in cluster `{}`, and so does stack `{}` ({})",
                        c.name, env(*t), key.1, cluster, fc.name, fc.stack_file.display()
                    ),
                    "ECS service names are unique per cluster: rename one service or one stack".to_owned(),
                ),
                other => (
                    &NAME_TWICE,
                    "",
                    format!(
                        "stack `{}`{} and stack `{}`{} ({}) both create {} `{}`",
                        c.name, env(*t), fc.name, env(*ft), fc.stack_file.display(),
                        match other {
                            "aws_iam_role" => "IAM role",
                            "aws_cloudwatch_metric_alarm" => "CloudWatch alarm",
                            "aws_security_group" => "security group",
                            _ => "log group",
                        },
                        key.1
                    ),
                    match other {
                        "aws_cloudwatch_metric_alarm" => "CloudWatch alarm names are unique per region: give one step policy's alarm another `alarm.name`, or leave it out for the policy's own name",
                        "aws_security_group" => "security group names are unique per VPC, and these stacks share one platform network: give one service another `names.security_group`, or leave it out for a name prefix",
                        _ => "IAM role names are unique per account and log group names per region: rename one stack or set its environment",
                    }
                    .to_owned(),
                ),
            };
            let mut d = Diagnostic::new(rule, path, message).help(help);
            d.file = c.stack_file.display().to_string();
            out.push((*t, d));
        }
    }
    out
}

/// One service's part in Service Connect, in its environment.
pub(super) struct Connect {
    pub target: usize,
    /// Index of the stack in the loaded list.
    pub stack: usize,
    pub stack_name: String,
    pub service: String,
    /// The namespace, as written or given by the platform.
    pub namespace: String,
    /// The discovery names it serves; empty for a client only.
    pub serves: Vec<String>,
}

/// Stacks (by name) that a stack's clients wait for, per target.
pub(super) type After = BTreeMap<(usize, String), Vec<String>>;

/// Each client whose namespace nobody serves in its environment: the diagnostic, by stack
/// index. And, for the root module, the stacks each stack's clients wait for.
pub(super) fn service_connect(all: &[Connect]) -> (Vec<(usize, Diagnostic)>, After) {
    let mut found = Vec::new();
    let mut after: After = BTreeMap::new();
    for c in all.iter().filter(|c| c.serves.is_empty()) {
        let servers: Vec<&Connect> = all
            .iter()
            .filter(|s| s.target == c.target && s.namespace == c.namespace && !s.serves.is_empty())
            .collect();
        if servers.is_empty() {
            found.push((
                c.stack,
                Diagnostic::new(
                    &SERVICE_CONNECT_NO_SERVER,
                    format!("services.{}.service_connect", c.service),
                    format!(
                        "service `{}` of stack `{}` is a Service Connect client in namespace `{}`, but no service of any stack serves a discovery name there",
                        c.service, c.stack_name, c.namespace
                    ),
                )
                .help("give the server its service_connect.services (port_name, discovery_name) in the same namespace, or remove service_connect from the client"),
            ));
        }
        for s in servers {
            if s.stack_name != c.stack_name {
                let list = after.entry((c.target, c.stack_name.clone())).or_default();
                if !list.contains(&s.stack_name) {
                    list.push(s.stack_name.clone());
                }
            }
        }
    }
    for list in after.values_mut() {
        list.sort();
    }
    (found, after)
}

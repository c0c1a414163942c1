//! Describe output -> one stack per cluster, as a person would write it: values equal to
//! gen-tf's defaults are left out, AWS names that differ from gen-tf's derivation are kept as
//! `names` overrides, and everything gen-tf cannot express or would change is a [`Finding`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::aws::*;
use super::read::{Described, ReadError};
use crate::model::names::suggest_name;
use crate::model::scaling::ComparisonOperator;
use crate::model::{ServiceName, StackName};
use crate::resolve::defaults;
use crate::resolve::service::{Names, DEFAULT_LOG_RETENTION_DAYS};

/// What the report says of one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Adopted with an import block, and the first plan changes it in place.
    Changes,
    /// The first apply replaces it (or creates it while the running one stays): a rename or a
    /// setting AWS cannot change in place.
    Replaces,
    /// gen-tf creates it anew: the provider has no importer for it, or gen-tf cannot match it.
    CreatedAnew,
    /// Running in AWS, and gen-tf cannot express it: it is left out of the stack.
    NotExpressed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Changes => "changes",
            Self::Replaces => "replaces",
            Self::CreatedAnew => "created anew",
            Self::NotExpressed => "not expressed",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub stack: String,
    pub service: String,
    /// The AWS resource (its name or ARN).
    pub resource: String,
    pub kind: Kind,
    pub message: String,
}

/// One adopted ECS service: where it came from and the AWS IDs its import blocks need.
#[derive(Debug, Clone)]
pub struct Adopted {
    pub name: ServiceName,
    pub arn: String,
    pub cluster: String,
    pub ecs_name: String,
    pub task_definition_arn: String,
}

/// One cluster's stack.
#[derive(Debug, Clone)]
pub struct Imported {
    pub cluster: String,
    pub stack: StackName,
    pub region: Option<String>,
    /// The stack, in the order it is written.
    pub value: Value,
    /// Comment lines written before a key, by its path (`services.web`).
    pub comments: BTreeMap<String, Vec<String>>,
    /// Jsonnet written instead of the value at a path: the seed guide's helpers (`g.spotMix`),
    /// each equal to the value it stands for.
    pub helpers: BTreeMap<String, String>,
    pub services: Vec<Adopted>,
    /// The `vpce-` IDs of the endpoints the stack adopts (`--manage-endpoints`).
    pub endpoints: Vec<String>,
    pub findings: Vec<Finding>,
}

/// `arn:aws:ecs:eu-west-1:123456789012:cluster/web` -> `web`; a bare name stays.
pub(crate) fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// A valid stack or service name close to an AWS name, at most `max` characters.
fn name_for(aws: &str, max: usize) -> String {
    let mut s = suggest_name(aws);
    s.truncate(max);
    s.trim_end_matches('-').to_owned()
}

struct Cx<'a> {
    d: &'a Described,
    stack: &'a StackName,
    env: Option<&'a str>,
    service: String,
    findings: Vec<Finding>,
    /// Jsonnet written instead of a value (the seed guide's helpers), by key path.
    raw: BTreeMap<String, String>,
}

impl Cx<'_> {
    fn note(&mut self, resource: impl Into<String>, kind: Kind, message: impl Into<String>) {
        self.findings.push(Finding {
            stack: self.stack.to_string(),
            service: self.service.clone(),
            resource: resource.into(),
            kind,
            message: message.into(),
        });
    }
}

fn put(o: &mut Map<String, Value>, key: &str, v: impl Into<Value>) {
    o.insert(key.to_owned(), v.into());
}

/// The stacks, one per cluster, in cluster name order. A service whose task definition was not
/// described is an error naming the call that describes it.
pub(crate) fn stacks(d: &Described, env: Option<&str>) -> Result<Vec<Imported>, Vec<ReadError>> {
    stacks_with(d, env, false)
}

/// [`stacks`], with `manage_endpoints`: the VPC's endpoints written as the stack's own
/// (`--manage-endpoints`, see `endpoints`) instead of existing ones.
pub(crate) fn stacks_with(
    d: &Described,
    env: Option<&str>,
    manage_endpoints: bool,
) -> Result<Vec<Imported>, Vec<ReadError>> {
    let mut by_cluster: BTreeMap<String, Vec<&(std::path::PathBuf, EcsService)>> = BTreeMap::new();
    for s in &d.services {
        by_cluster
            .entry(last_segment(&s.1.cluster_arn).to_owned())
            .or_default()
            .push(s);
    }
    missing_task_definitions(d)?;
    let mut out = Vec::new();
    for (cluster, services) in by_cluster {
        let stack = StackName::new(name_for(&cluster, 40))
            .unwrap_or_else(|_| StackName::new("imported").expect("a valid name"));
        let mut cx = Cx {
            d,
            stack: &stack,
            env,
            service: String::new(),
            findings: Vec::new(),
            raw: BTreeMap::new(),
        };
        let region = services
            .iter()
            .find_map(|s| arn_region(&s.1.cluster_arn))
            .map(str::to_owned);
        let mut root = Map::new();
        put(&mut root, "name", stack.as_str());
        if let Some(r) = &region {
            put(&mut root, "region", r.as_str());
        }
        let mut comments = BTreeMap::new();
        let mut svcs = Map::new();
        let mut adopted = Vec::new();
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        for (file, s) in services.iter().map(|x| (&x.0, &x.1)) {
            let base = service_key(short_name(&stack, &s.service_name));
            let n = taken.entry(base.clone()).or_insert(0);
            *n += 1;
            let key = if *n == 1 { base } else { format!("{base}-{n}") };
            let name = ServiceName::new(key.clone()).expect("a suggested name is valid");
            cx.service = key.clone();
            let td = &d.task_definitions[&s.task_definition].0;
            // The report names a service without an ARN (ecspresso's) by cluster and name.
            let mut named = s.clone();
            if named.service_arn.is_empty() {
                named.service_arn = format!("service {cluster}/{}", s.service_name);
            }
            let value = service(&mut cx, &cluster, &name, &named, td);
            let from = origin(file, s, &cluster);
            comments.insert(
                format!("services.{key}"),
                vec![format!("Adopted from {from}")],
            );
            svcs.insert(key, value);
            adopted.push(Adopted {
                name,
                arn: from,
                cluster: cluster.clone(),
                ecs_name: s.service_name.clone(),
                task_definition_arn: td.task_definition_arn.clone(),
            });
        }
        let endpoint_ids = network_of(
            &mut cx,
            &services,
            &region,
            manage_endpoints,
            &mut root,
            &mut comments,
        );
        stack_iam(&mut cx, &services, &mut root);
        put(&mut root, "services", Value::Object(svcs));
        let helpers = std::mem::take(&mut cx.raw);
        let mut findings = cx.findings;
        findings.sort_by(|a, b| (&a.service, a.kind).cmp(&(&b.service, b.kind)));
        out.push(Imported {
            cluster,
            stack,
            region,
            value: Value::Object(root),
            comments,
            helpers,
            services: adopted,
            endpoints: endpoint_ids,
            findings,
        });
    }
    Ok(out)
}

/// Where a service came from: its ARN, else (ecspresso's) its file, name and cluster.
fn origin(file: &std::path::Path, s: &EcsService, cluster: &str) -> String {
    if s.service_arn.is_empty() {
        format!(
            "{} (service {} of cluster {cluster})",
            file.display(),
            s.service_name
        )
    } else {
        s.service_arn.clone()
    }
}

/// The container the service is built around: the one named like the service (its ECS name
/// or its key in the stack, as gen-tf names it), else the load balancer's, else the first
/// essential one, else the first. The name comes first: a service can send a load balancer to
/// a sidecar, and taking that one as the main container would leave a sidecar named like the
/// service, which no stack may have.
fn main_container<'a>(
    s: &EcsService,
    key: &str,
    td: &'a TaskDefinition,
) -> Option<&'a ContainerDefinition> {
    let c = &td.container_definitions;
    c.iter()
        .find(|c| c.name == s.service_name || c.name == key)
        .or_else(|| {
            s.load_balancers
                .first()
                .and_then(|lb| c.iter().find(|c| c.name == lb.container_name))
        })
        .or_else(|| c.iter().find(|c| c.essential.unwrap_or(true)))
        .or_else(|| c.first())
}

fn service(
    cx: &mut Cx<'_>,
    cluster: &str,
    name: &ServiceName,
    s: &EcsService,
    td: &TaskDefinition,
) -> Value {
    let mut o = Map::new();
    let derived = Names::new(cx.stack, cx.env, name, false);
    let Some(main) = main_container(s, name.as_str(), td) else {
        cx.note(
            &td.task_definition_arn,
            Kind::NotExpressed,
            "the task definition has no containers",
        );
        return Value::Object(o);
    };
    put(&mut o, "image", main.image.as_str());
    let num = |v: &Option<String>| v.as_deref().and_then(|x| x.parse::<u32>().ok());
    match (num(&td.cpu), num(&td.memory)) {
        (Some(cpu), Some(mem)) => {
            put(&mut o, "cpu", cpu);
            put(&mut o, "memory", mem);
        }
        _ => cx.note(
            &td.task_definition_arn,
            Kind::NotExpressed,
            "the task definition sets no task-level cpu and memory, which Fargate needs",
        ),
    }
    container_memory(cx, main, num(&td.memory), &mut o);
    runtime_platform(cx, td, &mut o);
    placement(cx, s, &mut o);
    if let Some(v) = s
        .platform_version
        .as_deref()
        .filter(|v| *v != defaults::DEFAULT_PLATFORM_VERSION)
    {
        put(&mut o, "platform_version", v);
    }
    if let Some(e) = &td.ephemeral_storage {
        if e.size_in_gi_b > 20 {
            put(&mut o, "ephemeral_storage_gib", e.size_in_gi_b);
        }
    }
    let target_id = format!("service/{cluster}/{}", s.service_name);
    let scaled = cx.d.targets.contains_key(&target_id);
    if !scaled && s.desired_count != 1 {
        put(&mut o, "desired_count", s.desired_count);
    }
    container_fields(cx, main, &mut o, true);
    derived_settings(cx, main, &mut o);
    let port_name = main
        .port_mappings
        .first()
        .and_then(|p| p.name.clone())
        .filter(|n| n != defaults::DEFAULT_PORT_NAME);
    if let Some(p) = port_name {
        put(&mut o, "port_name", p);
    }
    load_balancers(cx, s, main, &mut o);
    service_connect(cx, s, &mut o);
    super::strategy::volume_configuration(s, &mut o);
    network(cx, s, &mut o);
    deployment(cx, s, &mut o);
    if s.enable_execute_command == Some(true) {
        put(&mut o, "enable_execute_command", true);
    }
    if s.availability_zone_rebalancing.as_deref() == Some("DISABLED") {
        put(&mut o, "availability_zone_rebalancing", false);
    }
    if let Some(t) = cx.d.targets.get(&target_id) {
        let a = auto_scaling(cx, &target_id, t, &derived, &mut o);
        put(&mut o, "auto_scaling", a);
    }
    put_task_role(cx, s, td, &mut o);
    let log_group = logs(cx, td, main, &mut o);
    volumes(cx, td, &mut o);
    efs_group(cx.d, s, &mut o);
    sidecars(cx, td, main, &mut o);
    secret_keys(cx, td, &mut o);
    names(cx, s, td, &derived, log_group.as_deref(), &mut o);
    let tags: Map<String, Value> = s
        .tags
        .iter()
        .filter(|t| !t.key.starts_with("aws:"))
        .map(|t| (t.key.clone(), Value::from(t.value.clone())))
        .collect();
    if !tags.is_empty() {
        put(&mut o, "tags", Value::Object(tags));
    }
    Value::Object(o)
}

/// The main container's memory and reservation, the reservation as the seed guide's strategy
/// where it is one (`helpers`).
fn container_memory(
    cx: &mut Cx<'_>,
    main: &ContainerDefinition,
    task_memory: Option<u32>,
    o: &mut Map<String, Value>,
) {
    if let Some(m) = main.memory {
        put(o, "container_memory", m);
    }
    if let Some(r) = main.memory_reservation {
        put(o, "memory_reservation", r);
        let helper = task_memory.and_then(|m| super::helpers::memory_reservation(m, r, cx.env));
        if let Some(h) = helper {
            let path = format!("services.{}.memory_reservation", cx.service);
            cx.raw.insert(path, h);
        }
    }
}

fn runtime_platform(cx: &mut Cx<'_>, td: &TaskDefinition, o: &mut Map<String, Value>) {
    let rp = td.runtime_platform.as_ref();
    let arch = rp.and_then(|r| r.cpu_architecture.as_deref());
    let os = rp.and_then(|r| r.operating_system_family.as_deref());
    if arch.is_none() {
        cx.note(
            &td.task_definition_arn,
            Kind::Changes,
            "the task definition names no CPU architecture, which Fargate runs as X86_64; the stack says X86_64, and the next revision writes it explicitly",
        );
    }
    let arch = arch.unwrap_or("X86_64");
    let os = os.unwrap_or("LINUX");
    if arch != "ARM64" || os != "LINUX" {
        let mut r = Map::new();
        put(&mut r, "cpu_architecture", arch);
        if os != "LINUX" {
            put(&mut r, "operating_system_family", os);
        }
        put(o, "runtime_platform", Value::Object(r));
    }
}

fn placement(cx: &mut Cx<'_>, s: &EcsService, o: &mut Map<String, Value>) {
    if !s.capacity_provider_strategy.is_empty() {
        let items: Vec<Value> = s
            .capacity_provider_strategy
            .iter()
            .map(|c| {
                let mut i = Map::new();
                put(&mut i, "capacity_provider", c.capacity_provider.as_str());
                put(&mut i, "weight", c.weight);
                if c.base > 0 {
                    put(&mut i, "base", c.base);
                }
                Value::Object(i)
            })
            .collect();
        put(o, "capacity_provider_strategy", items);
        if let Some(mix) = spot_mix(&s.capacity_provider_strategy) {
            let path = format!("services.{}.capacity_provider_strategy", cx.service);
            cx.raw.insert(path, mix);
        }
    } else if s.launch_type.as_deref().is_some_and(|l| l != "FARGATE") {
        cx.note(
            &s.service_arn,
            Kind::NotExpressed,
            format!(
                "the service runs on the {} launch type; gen-tf builds Fargate services only",
                s.launch_type.as_deref().unwrap_or_default()
            ),
        );
    }
}

/// The fields every container takes.
fn container_fields(
    cx: &mut Cx<'_>,
    c: &ContainerDefinition,
    o: &mut Map<String, Value>,
    main: bool,
) {
    if let Some(p) = c.port_mappings.first() {
        put(o, "port", p.container_port);
    }
    if c.port_mappings.len() > 1 {
        cx.note(
            format!("container {}", c.name),
            Kind::NotExpressed,
            format!(
                "{} port mappings; gen-tf writes one per container",
                c.port_mappings.len()
            ),
        );
    }
    let env: Vec<Value> = c
        .environment
        .iter()
        .map(|e| json!({ "name": e.name, "value": e.value }))
        .collect();
    if !env.is_empty() {
        put(o, "environment", env);
    }
    let secrets: Vec<Value> = c
        .secrets
        .iter()
        .map(|e| json!({ "name": e.name, "value_from": e.value_from }))
        .collect();
    if !secrets.is_empty() {
        put(o, "secrets", secrets);
    }
    if c.readonly_root_filesystem == Some(true) {
        put(o, "read_only_root_filesystem", true);
    }
    if let Some(h) = &c.health_check {
        put(o, "health_check", health_check(h));
    }
    if !c.command.is_empty() {
        put(o, "command", c.command.clone());
    }
    if !c.entry_point.is_empty() {
        put(o, "entry_point", c.entry_point.clone());
    }
    if let Some(w) = &c.working_directory {
        put(o, "working_directory", w.as_str());
    }
    if let Some(u) = &c.user {
        put(o, "user", u.as_str());
    }
    if let Some(t) = c.stop_timeout {
        put(o, "stop_timeout", t);
    }
    if !c.mount_points.is_empty() {
        put(
            o,
            "mount_points",
            c.mount_points.iter().map(mount).collect::<Vec<_>>(),
        );
    }
    if c.cpu.is_some_and(|x| x > 0) {
        cx.note(
            format!("container {}", c.name),
            Kind::Changes,
            "sets a container cpu share, which gen-tf does not write: the container shares the task's CPU",
        );
    }
    let depends = c.rest.get("dependsOn").and_then(depends_on);
    if let Some(d) = &depends {
        put(o, "depends_on", d.clone());
    }
    let read = super::extras::read(&c.rest, o);
    for k in c.rest.keys().filter(|k| !read.contains(k)) {
        if k != "dependsOn" || (main && depends.is_none()) {
            cx.note(
                format!("container {}", c.name),
                Kind::NotExpressed,
                format!("sets {k}, which gen-tf does not import"),
            );
        }
    }
}

/// A container's `dependsOn` as the stack's `depends_on`, or none when an entry is not one
/// gen-tf writes (a container name and one of ECS's conditions).
fn depends_on(v: &Value) -> Option<Value> {
    let list = v.as_array()?;
    let entries: Option<Vec<Value>> = list
        .iter()
        .map(|d| {
            let container = d["containerName"].as_str()?;
            let condition = d["condition"]
                .as_str()
                .filter(|c| ["START", "COMPLETE", "SUCCESS", "HEALTHY"].contains(c))?;
            Some(json!({ "container": container, "condition": condition }))
        })
        .collect();
    entries.filter(|e| !e.is_empty()).map(Value::Array)
}

fn load_balancers(
    cx: &mut Cx<'_>,
    s: &EcsService,
    main: &ContainerDefinition,
    o: &mut Map<String, Value>,
) {
    let port = main.port_mappings.first().map(|p| p.container_port);
    let grace = s.health_check_grace_period_seconds.unwrap_or(0);
    match s.load_balancers.as_slice() {
        [] => {}
        [lb] if lb.container_name == main.name => {
            let mut v = Map::new();
            if let Some(arn) = &lb.target_group_arn {
                put(&mut v, "target_group_arn", arn.as_str());
            }
            if Some(lb.container_port) != port {
                put(&mut v, "container_port", lb.container_port);
            }
            if grace != crate::resolve::network::DEFAULT_GRACE_PERIOD {
                put(&mut v, "health_check_grace_period_seconds", grace);
            }
            if let Some(a) = super::strategy::advanced(lb) {
                put(&mut v, "advanced_configuration", a);
            }
            put(o, "load_balancer", Value::Object(v));
        }
        many => {
            let items: Vec<Value> = many
                .iter()
                .map(|lb| {
                    let mut v = Map::new();
                    put(
                        &mut v,
                        "target_group_arn",
                        lb.target_group_arn.clone().unwrap_or_default(),
                    );
                    if lb.container_name != main.name {
                        put(&mut v, "container", lb.container_name.as_str());
                    }
                    put(&mut v, "container_port", lb.container_port);
                    if let Some(g) = lb_group(cx.d, s, lb.container_port) {
                        put(&mut v, "security_group_id", g);
                    }
                    if let Some(a) = super::strategy::advanced(lb) {
                        put(&mut v, "advanced_configuration", a);
                    }
                    Value::Object(v)
                })
                .collect();
            put(o, "load_balancers", items);
            if grace != crate::resolve::network::DEFAULT_GRACE_PERIOD {
                cx.note(
                    &s.service_arn,
                    Kind::Changes,
                    "health_check_grace_period_seconds is written under deployment",
                );
            }
        }
    }
    if s.load_balancers
        .iter()
        .any(|l| l.target_group_arn.is_none())
    {
        cx.note(
            &s.service_arn,
            Kind::NotExpressed,
            "a Classic Load Balancer (by name, without a target group); gen-tf takes target groups",
        );
    }
}

/// The load balancer's security group of a `load_balancers` entry on `port`: the one group
/// that the described ingress rules of the service's task group admit on that port. Without it
/// (no rule described, or several groups on the port) the entry gives none, and the group
/// comes from the module variable, its value reported as an input when one rule matches it.
fn lb_group(d: &Described, s: &EcsService, port: u16) -> Option<String> {
    one_peer(d, s, false, port)
}

/// The one group (not a task group of a described service) that the described rules of the
/// service's task group in that direction name on TCP `port`.
fn one_peer(d: &Described, s: &EcsService, egress: bool, port: u16) -> Option<String> {
    let task_group = |s: &EcsService| {
        s.network_configuration
            .as_ref()
            .and_then(|n| n.awsvpc_configuration.security_groups.first())
            .cloned()
    };
    let own = task_group(s)?;
    let tasks: Vec<String> = d
        .services
        .iter()
        .filter_map(|(_, s)| task_group(s))
        .collect();
    let groups: BTreeSet<&str> = d
        .security_group_rules
        .values()
        .filter(|r| r.group_id == own && r.is_egress == egress && r.ip_protocol == "tcp")
        .filter(|r| r.from_port == Some(i64::from(port)) && r.to_port == Some(i64::from(port)))
        .filter_map(|r| r.referenced_group_info.as_ref())
        .map(|g| g.group_id.as_str())
        .filter(|g| !tasks.iter().any(|t| t == g))
        .collect();
    match groups.into_iter().collect::<Vec<_>>().as_slice() {
        [g] => Some((*g).to_owned()),
        _ => None,
    }
}

/// The EFS volumes' `security_group_id`: the one group that the task group's described egress
/// rules reach on NFS (2049). Without it (no rule described, or several groups) the volumes
/// give none, and the group comes from the module variable, reported as an input when one rule
/// matches it.
fn efs_group(d: &Described, s: &EcsService, o: &mut Map<String, Value>) {
    let Some(Value::Object(vols)) = o.get_mut("volumes") else {
        return;
    };
    if !vols.values().any(|v| v.get("efs").is_some()) {
        return;
    }
    let Some(g) = one_peer(d, s, true, 2049) else {
        return;
    };
    for efs in vols.values_mut().filter_map(|v| v.get_mut("efs")) {
        if let Some(efs) = efs.as_object_mut() {
            efs.insert("security_group_id".into(), g.clone().into());
        }
    }
}

fn service_connect(cx: &mut Cx<'_>, s: &EcsService, o: &mut Map<String, Value>) {
    let primary = s
        .deployments
        .iter()
        .find(|d| d.status == "PRIMARY")
        .or(s.deployments.first());
    let Some(sc) = primary
        .and_then(|d| d.service_connect_configuration.as_ref())
        .filter(|c| c.enabled)
    else {
        return;
    };
    let mut v = Map::new();
    if let Some(ns) = &sc.namespace {
        // ECS returns the ARN, which the stack takes as it is: the provider compares it as
        // written.
        put(&mut v, "namespace", ns.as_str());
    }
    let services: Vec<Value> = sc
        .services
        .iter()
        .map(|x| {
            let mut e = Map::new();
            put(&mut e, "port_name", x.port_name.as_str());
            if let Some(d) = x.discovery_name.as_deref().filter(|d| *d != x.port_name) {
                put(&mut e, "discovery_name", d);
            }
            let aliases: Vec<Value> = x
                .client_aliases
                .iter()
                .map(|a| {
                    let mut c = Map::new();
                    put(&mut c, "port", a.port);
                    if let Some(d) = &a.dns_name {
                        put(&mut c, "dns_name", d.as_str());
                    }
                    if let Some(h) = super::strategy::test_traffic_header(a) {
                        put(&mut c, "test_traffic_header", h);
                    }
                    Value::Object(c)
                })
                .collect();
            if !aliases.is_empty() {
                put(&mut e, "client_aliases", aliases);
            }
            Value::Object(e)
        })
        .collect();
    if !services.is_empty() {
        put(&mut v, "services", services);
    }
    match &sc.log_configuration {
        Some(_) => cx.note(
            &s.service_arn,
            Kind::Changes,
            "the Service Connect proxy's log configuration becomes gen-tf's (awslogs to the service's log group)",
        ),
        None => cx.note(
            &s.service_arn,
            Kind::Changes,
            "gen-tf sends the Service Connect proxy's logs to the service's log group, which the running service does not",
        ),
    }
    put(o, "service_connect", Value::Object(v));
}

fn network(cx: &mut Cx<'_>, s: &EcsService, o: &mut Map<String, Value>) {
    let Some(n) = &s.network_configuration else {
        return;
    };
    let vpc = &n.awsvpc_configuration;
    if vpc.assign_public_ip.as_deref() == Some("ENABLED") {
        put(
            o,
            "network",
            json!({ "subnets": "public", "assign_public_ip": true }),
        );
    }
    cx.note(
        &s.service_arn,
        Kind::Changes,
        format!(
            "its subnets ({}) come from the module's subnet variable: pass these IDs, or the service's network configuration changes",
            vpc.subnets.join(", ")
        ),
    );
    if vpc.security_groups.len() > 1 {
        cx.note(
            &s.service_arn,
            Kind::Changes,
            format!(
                "runs in {} security groups; gen-tf gives the tasks one, its own: {} would be removed",
                vpc.security_groups.len(),
                vpc.security_groups[1..].join(", ")
            ),
        );
    }
}

fn deployment(cx: &mut Cx<'_>, s: &EcsService, o: &mut Map<String, Value>) {
    let Some(dc) = &s.deployment_configuration else {
        return;
    };
    let mut v = Map::new();
    // CodeDeploy or the external controller: gen-tf writes no circuit breaker (ECS's own).
    let controller = s
        .deployment_controller
        .as_ref()
        .map(|c| c.kind.as_str())
        .filter(|k| *k != "ECS");
    if let Some(k @ ("CODE_DEPLOY" | "EXTERNAL")) = controller {
        put(&mut v, "controller", k);
    }
    if let Some(m) = dc
        .minimum_healthy_percent
        .filter(|m| *m != crate::facts::ecs::DEPLOYMENT_MINIMUM_HEALTHY_PERCENT)
    {
        put(&mut v, "minimum_healthy_percent", m);
    }
    if let Some(m) = dc
        .maximum_percent
        .filter(|m| *m != crate::facts::ecs::DEPLOYMENT_MAXIMUM_PERCENT)
    {
        put(&mut v, "maximum_percent", m);
    }
    match &dc.deployment_circuit_breaker {
        _ if controller.is_some() => {}
        Some(cb) if cb.enable && cb.rollback => {}
        Some(cb) => put(
            &mut v,
            "circuit_breaker",
            json!({ "enable": cb.enable, "rollback": cb.rollback }),
        ),
        None => put(
            &mut v,
            "circuit_breaker",
            json!({ "enable": false, "rollback": false }),
        ),
    }
    if let Some(a) = dc
        .alarms
        .as_ref()
        .filter(|a| a.enable && !a.alarm_names.is_empty())
    {
        put(
            &mut v,
            "alarms",
            json!({ "names": a.alarm_names, "rollback": a.rollback }),
        );
    }
    if let Some(st) = dc.strategy.as_deref().filter(|s| *s != "ROLLING") {
        super::strategy::strategy(st, dc, &mut v);
    }
    if let Some(k) = controller.filter(|k| !["CODE_DEPLOY", "EXTERNAL"].contains(k)) {
        cx.note(
            &s.service_arn,
            Kind::NotExpressed,
            format!("the deployment controller {k}, which gen-tf does not know (it writes ECS, CODE_DEPLOY or EXTERNAL)"),
        );
    }
    if !v.is_empty() {
        put(o, "deployment", Value::Object(v));
    }
}

/// A scaling name's part after the common prefix: `<prefix>-<short>`.
fn common_prefix(names: &[&str]) -> Option<String> {
    let first = names.first()?;
    let mut cut: Vec<usize> = first.match_indices('-').map(|(i, _)| i).collect();
    cut.reverse();
    cut.into_iter()
        .map(|i| &first[..i])
        .find(|p| {
            names
                .iter()
                .all(|n| n.starts_with(&format!("{p}-")) && n.len() > p.len() + 1)
        })
        .map(str::to_owned)
}

/// gen-tf's own prefix when every name has it, else their common prefix: with one name, or
/// names that share more (`<prefix>-queue-depth`, `<prefix>-queue-age`), the longest common
/// prefix would move the policies to other addresses, and the first apply would replace them.
fn scaling_prefix(all: &[&str], derived: &Names) -> Option<String> {
    let own = |n: &&str| {
        n.strip_prefix(derived.prefix.as_str())
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|r| !r.is_empty())
    };
    if !all.is_empty() && all.iter().all(own) {
        Some(derived.prefix.clone())
    } else {
        common_prefix(all)
    }
}

fn auto_scaling(
    cx: &mut Cx<'_>,
    target_id: &str,
    t: &ScalableTarget,
    derived: &Names,
    o: &mut Map<String, Value>,
) -> Value {
    let mut a = Map::new();
    put(&mut a, "min_capacity", t.min_capacity);
    put(&mut a, "max_capacity", t.max_capacity);
    let mut policies: Vec<&ScalingPolicy> =
        cx.d.policies
            .iter()
            .filter(|p| p.resource_id == target_id)
            .collect();
    // In the order they were created: gen-tf creates a service's policies one after the other,
    // in the stack's order (each depends on the one before), so another order would change
    // every policy's depends_on.
    policies.sort_by(|a, b| a.creation_time.cmp(&b.creation_time));
    let scheduled: Vec<&ScheduledAction> =
        cx.d.scheduled
            .iter()
            .filter(|p| p.resource_id == target_id)
            .collect();
    let all: Vec<&str> = policies
        .iter()
        .map(|p| p.policy_name.as_str())
        .chain(scheduled.iter().map(|s| s.scheduled_action_name.as_str()))
        .collect();
    let prefix = scaling_prefix(&all, derived);
    let short = |n: &str| match &prefix {
        Some(p) => n[p.len() + 1..].to_owned(),
        None => n.to_owned(),
    };
    if let Some(p) = &prefix {
        if *p != derived.prefix {
            let names = o
                .entry("names")
                .or_insert_with(|| Value::Object(Map::new()));
            names["scaling_prefix"] = Value::from(p.clone());
        }
    } else if !all.is_empty() {
        for n in &all {
            cx.note(
                *n,
                Kind::Replaces,
                "its name shares no '-' prefix with the service's other scaling names, so gen-tf names it <prefix>-<name>: the first apply replaces it",
            );
        }
    }
    let mut out = Vec::new();
    for p in policies {
        out.push(policy(cx, p, short(&p.policy_name)));
    }
    if !out.is_empty() {
        put(&mut a, "policies", out);
    }
    let sched: Vec<Value> = scheduled
        .iter()
        .map(|s| {
            cx.note(
                &s.scheduled_action_name,
                Kind::CreatedAnew,
                "the AWS provider cannot import scheduled actions: the first apply creates it again with the same name and settings, replacing the running one",
            );
            let mut v = Map::new();
            put(&mut v, "name", short(&s.scheduled_action_name));
            put(&mut v, "schedule", s.schedule.as_str());
            if let Some(tz) = s.timezone.as_deref().filter(|t| *t != "UTC") {
                put(&mut v, "timezone", tz);
            }
            if let Some(r) = &s.scalable_target_action {
                if let Some(m) = r.min_capacity {
                    put(&mut v, "min_capacity", m);
                }
                if let Some(m) = r.max_capacity {
                    put(&mut v, "max_capacity", m);
                }
            }
            Value::Object(v)
        })
        .collect();
    if !sched.is_empty() {
        put(&mut a, "scheduled", sched);
    }
    if t.role_arn
        .as_deref()
        .is_some_and(|r| !r.contains("/aws-service-role/"))
    {
        cx.note(
            target_id,
            Kind::Changes,
            "the scalable target names a role of its own; gen-tf leaves role_arn to Application Auto Scaling's service-linked role",
        );
    }
    Value::Object(a)
}

/// Whether `described` is the description gen-tf writes on this step policy's alarm (an alarm
/// gen-tf created, or one already migrated), which the first apply keeps.
fn own_description(cx: &Cx<'_>, p: &ScalingPolicy, a: &MetricAlarm, described: &str) -> bool {
    let op =
        serde_json::from_value::<ComparisonOperator>(Value::from(a.comparison_operator.as_str()));
    match (op, &a.metric_name, a.threshold) {
        (Ok(op), Some(metric), Some(threshold)) => {
            described
                == crate::lower::scaling::alarm_description(
                    &cx.service,
                    &p.policy_name,
                    metric,
                    op,
                    threshold,
                )
        }
        _ => false,
    }
}

/// The alarm that invokes a step policy, from `describe-alarms`.
fn step_alarm(cx: &mut Cx<'_>, p: &ScalingPolicy) -> Option<Value> {
    let Some(name) = p.alarms.first().map(|a| a.alarm_name.clone()) else {
        cx.note(
            &p.policy_arn,
            Kind::NotExpressed,
            "no alarm invokes this step policy; gen-tf writes one with its defaults",
        );
        return None;
    };
    let Some(a) = cx.d.alarms.get(&name) else {
        cx.note(
            &name,
            Kind::CreatedAnew,
            format!("no describe-alarms output holds {name}; add `aws cloudwatch describe-alarms --alarm-names {name}`"),
        );
        return None;
    };

    if a.alarm_description
        .as_deref()
        .is_some_and(|d| !own_description(cx, p, a, d))
    {
        cx.note(
            &name,
            Kind::Changes,
            "gen-tf writes its own alarm description (which policy the alarm scales with, and when)",
        );
    }
    let mut v = Map::new();
    // gen-tf names the alarm like its policy unless `alarm.name` says otherwise.
    if a.alarm_name != p.policy_name {
        put(&mut v, "name", a.alarm_name.as_str());
    }
    if let Some(n) = &a.namespace {
        put(&mut v, "namespace", n.as_str());
    }
    if let Some(m) = &a.metric_name {
        put(&mut v, "metric_name", m.as_str());
    }
    let dims: Vec<(String, String)> = a
        .dimensions
        .iter()
        .map(|d| (d.name.clone(), d.value.clone()))
        .collect();
    if let Some(d) = super::metric::dimensions(a.namespace.as_deref(), &dims, &p.resource_id) {
        put(&mut v, "dimensions", d);
    }
    if let Some(s) = &a.statistic {
        put(&mut v, "statistic", s.as_str());
    }
    if let Some(t) = a.threshold {
        put(&mut v, "threshold", t);
    }
    if let Some(p) = a.period {
        put(&mut v, "period", p);
    }
    put(&mut v, "evaluation_periods", a.evaluation_periods);
    if let Some(d) = a.datapoints_to_alarm {
        put(&mut v, "datapoints_to_alarm", d);
    }
    put(
        &mut v,
        "comparison_operator",
        a.comparison_operator.as_str(),
    );
    if let Some(t) = a.treat_missing_data.as_deref().filter(|t| *t != "missing") {
        put(&mut v, "treat_missing_data", t);
    }
    if a.alarm_actions.len() > 1 || !a.ok_actions.is_empty() {
        cx.note(
            &name,
            Kind::Changes,
            "has actions besides the scaling policy; gen-tf's alarm invokes the policy only",
        );
    }
    Some(Value::Object(v))
}

/// ECS Exec's statement, which gen-tf adds to the task role of a service with
/// `enable_execute_command` (`resolve::iam`): imported as a statement too, it came twice.
fn is_exec_statement(st: &Value) -> bool {
    let mut actions: Vec<&str> = match &st["Action"] {
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        Value::String(s) => vec![s.as_str()],
        _ => Vec::new(),
    };
    actions.sort_unstable();
    let resource = &st["Resource"];
    st["Sid"] == "EcsExec"
        && st["Effect"] == "Allow"
        && st.get("Condition").is_none()
        && (*resource == json!("*") || *resource == json!(["*"]))
        && actions
            == [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ]
}

/// The service's `task_role`, from the role its task definition names.
fn put_task_role(cx: &mut Cx<'_>, s: &EcsService, td: &TaskDefinition, o: &mut Map<String, Value>) {
    let Some(role) = td.task_role_arn.as_deref().map(last_segment) else {
        return;
    };
    let derived = Derived {
        exec: s.enable_execute_command == Some(true),
        efs: iam_file_systems(td),
    };
    if let Some(r) = task_role(cx, role, &derived) {
        put(o, "task_role", r);
    }
}

/// What gen-tf adds to a task role's statements itself: ECS Exec's, and EFS access to the file
/// systems mounted with IAM authorization.
struct Derived {
    exec: bool,
    efs: Vec<String>,
}

/// The file systems the task mounts with IAM authorization.
fn iam_file_systems(td: &TaskDefinition) -> Vec<String> {
    td.volumes
        .iter()
        .filter_map(|v| v.efs_volume_configuration.as_ref())
        .filter(|e| {
            e.authorization_config
                .as_ref()
                .is_some_and(|a| a.iam.as_deref() == Some("ENABLED"))
        })
        .map(|e| e.file_system_id.clone())
        .collect()
}

/// A statement gen-tf derives for EFS volumes with IAM authorization (`resolve::iam::efs`):
/// ClientMount, and ClientWrite, on file systems the task mounts that way; imported as a
/// statement too, it came twice.
fn is_efs_statement(st: &Value, efs: &[String]) -> bool {
    let list = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let actions = list(&st["Action"]);
    let resources = list(&st["Resource"]);
    st.get("Sid").is_none()
        && st["Effect"] == "Allow"
        && !actions.is_empty()
        && actions
            .iter()
            .all(|a| a == "elasticfilesystem:ClientMount" || a == "elasticfilesystem:ClientWrite")
        && !resources.is_empty()
        && resources.iter().all(|r| {
            r.starts_with("arn:")
                && r.contains(":elasticfilesystem:")
                && r.rsplit_once(":file-system/")
                    .is_some_and(|(_, id)| efs.iter().any(|f| f == id))
        })
}

/// The task role's permissions: its inline policies' statements and its attached policies.
/// The statements gen-tf derives itself (ECS Exec's, EFS access) are left to gen-tf.
fn task_role(cx: &mut Cx<'_>, role: &str, derived: &Derived) -> Option<Value> {
    if !cx.d.roles.contains_key(role) {
        cx.note(
            role,
            Kind::NotExpressed,
            format!("the task role is not described; add `aws iam get-role --role-name {role}` and its policies"),
        );
        return None;
    }
    let mut statements = Vec::new();
    let inline: Vec<(&String, &Value)> =
        cx.d.inline
            .iter()
            .filter(|((r, _), _)| r == role)
            .map(|((_, p), doc)| (p, doc))
            .collect();
    for (policy, doc) in &inline {
        if policy.as_str() != "application" {
            cx.note(
                format!("{role}:{policy}"),
                Kind::Replaces,
                "gen-tf writes the task role's statements as one inline policy named application: this one is removed and its statements move there",
            );
        }
        let list = match &doc["Statement"] {
            Value::Array(a) => a.clone(),
            v @ Value::Object(_) => vec![v.clone()],
            _ => Vec::new(),
        };
        let own = |st: &&Value| {
            (derived.exec && is_exec_statement(st)) || is_efs_statement(st, &derived.efs)
        };
        for st in list.iter().filter(|st| !own(st)) {
            statements.push(statement(st));
        }
    }
    if let Some(listed) = cx.d.inline_names.get(role) {
        for p in listed
            .iter()
            .filter(|p| !inline.iter().any(|(n, _)| n == p))
        {
            cx.note(
                format!("{role}:{p}"),
                Kind::NotExpressed,
                format!("not described; add `aws iam get-role-policy --role-name {role} --policy-name {p}`"),
            );
        }
    }
    let mut v = Map::new();
    if !statements.is_empty() {
        put(&mut v, "statements", statements);
    }
    let managed: Vec<Value> =
        cx.d.attached
            .get(role)
            .into_iter()
            .flatten()
            .map(|p| Value::from(p.policy_arn.clone()))
            .collect();
    if !managed.is_empty() {
        put(&mut v, "managed_policy_arns", managed);
    }
    (!v.is_empty()).then_some(Value::Object(v))
}

/// One IAM statement as the stack writes it.
fn statement(st: &Value) -> Value {
    let list = |v: &Value| match v {
        Value::String(s) => vec![Value::from(s.clone())],
        Value::Array(a) => a.clone(),
        _ => Vec::new(),
    };
    let mut v = Map::new();
    if let Some(sid) = st["Sid"].as_str() {
        put(&mut v, "sid", sid);
    }
    if st["Effect"].as_str() == Some("Deny") {
        put(&mut v, "effect", "Deny");
    }
    put(&mut v, "actions", list(&st["Action"]));
    put(&mut v, "resources", list(&st["Resource"]));
    if let Some(c) = st.get("Condition").filter(|c| c.is_object()) {
        // Conditions take lists of values.
        let mut conds = Map::new();
        for (op, keys) in c.as_object().into_iter().flatten() {
            let mut k = Map::new();
            for (key, val) in keys.as_object().into_iter().flatten() {
                k.insert(key.clone(), Value::Array(list(val)));
            }
            conds.insert(op.clone(), Value::Object(k));
        }
        put(&mut v, "conditions", Value::Object(conds));
    }
    Value::Object(v)
}

/// The log group the main container writes to, and the retention and key of the stack.
fn logs(
    cx: &mut Cx<'_>,
    td: &TaskDefinition,
    main: &ContainerDefinition,
    o: &mut Map<String, Value>,
) -> Option<String> {
    let Some(lc) = &main.log_configuration else {
        cx.note(
            format!("container {}", main.name),
            Kind::Changes,
            "has no log configuration; gen-tf sends every container's logs to the service's log group",
        );
        return None;
    };
    if lc.log_driver != "awslogs" {
        cx.note(
            format!("container {}", main.name),
            Kind::NotExpressed,
            format!("logs through {}; gen-tf writes awslogs", lc.log_driver),
        );
        return None;
    }
    let group = lc.options.get("awslogs-group")?.clone();
    let mut obs = Map::new();
    match cx.d.log_groups.get(&group) {
        Some(g) => {
            match g.retention_in_days {
                Some(d) if d != DEFAULT_LOG_RETENTION_DAYS => put(&mut obs, "log_retention_days", d),
                Some(_) => {}
                None => cx.note(
                    &group,
                    Kind::Changes,
                    format!("keeps logs forever; gen-tf sets a retention ({DEFAULT_LOG_RETENTION_DAYS} days unless observability.log_retention_days says otherwise)"),
                ),
            }
            if let Some(k) = &g.kms_key_id {
                put(&mut obs, "log_kms_key_arn", k.as_str());
            }
        }
        None => cx.note(
            &group,
            Kind::NotExpressed,
            format!("the log group is not described; add `aws logs describe-log-groups --log-group-name-prefix {group}`"),
        ),
    }
    if !obs.is_empty() {
        // Beside what the variables said (`database::derived_settings`).
        match o.get_mut("observability") {
            Some(Value::Object(given)) => given.extend(obs),
            _ => put(o, "observability", Value::Object(obs)),
        }
    }
    if let Some(p) = lc
        .options
        .get("awslogs-stream-prefix")
        .filter(|p| **p != main.name)
    {
        cx.note(
            &td.task_definition_arn,
            Kind::Changes,
            format!(
                "the awslogs stream prefix {p} becomes the container name {}",
                main.name
            ),
        );
    }
    Some(group)
}

fn volumes(cx: &mut Cx<'_>, td: &TaskDefinition, o: &mut Map<String, Value>) {
    let mut vols = Map::new();
    for v in &td.volumes {
        if v.configured_at_launch == Some(true) {
            vols.insert(v.name.clone(), json!({ "configure_at_launch": true }));
            continue;
        }
        match &v.efs_volume_configuration {
            Some(e) => {
                let mut efs = Map::new();
                put(&mut efs, "file_system_id", e.file_system_id.as_str());
                if let Some(a) = e
                    .authorization_config
                    .as_ref()
                    .and_then(|a| a.access_point_id.clone())
                {
                    put(&mut efs, "access_point_id", a);
                }
                if let Some(r) = e.root_directory.as_deref().filter(|r| *r != "/") {
                    put(&mut efs, "root_directory", r);
                }
                if let Some(t) = &e.transit_encryption {
                    put(&mut efs, "transit_encryption", t.as_str());
                }
                if let Some(i) = e.authorization_config.as_ref().and_then(|a| a.iam.clone()) {
                    put(&mut efs, "iam", i);
                }
                vols.insert(v.name.clone(), json!({ "efs": efs }));
            }
            None => {
                if v.host
                    .as_ref()
                    .is_some_and(|h| h.get("sourcePath").is_some())
                {
                    cx.note(
                        &td.task_definition_arn,
                        Kind::NotExpressed,
                        format!(
                            "volume {} has a host source path, which Fargate does not take",
                            v.name
                        ),
                    );
                }
                vols.insert(v.name.clone(), json!({}));
            }
        }
    }
    if !vols.is_empty() {
        put(o, "volumes", Value::Object(vols));
    }
}

fn sidecars(
    cx: &mut Cx<'_>,
    td: &TaskDefinition,
    main: &ContainerDefinition,
    o: &mut Map<String, Value>,
) {
    let mut out = Vec::new();
    for c in td
        .container_definitions
        .iter()
        .filter(|c| c.name != main.name)
    {
        let mut v = Map::new();
        put(&mut v, "name", c.name.as_str());
        put(&mut v, "image", c.image.as_str());
        if let Some(m) = c.memory {
            put(&mut v, "memory", m);
        }
        if let Some(m) = c.memory_reservation {
            put(&mut v, "memory_reservation", m);
        }
        if c.essential.unwrap_or(true) {
            put(&mut v, "essential", true);
        }
        container_fields(cx, c, &mut v, false);
        out.push(Value::Object(v));
    }
    if !out.is_empty() {
        put(o, "sidecars", out);
    }
}

/// `database` and `observability` from the variables gen-tf derives from them.
fn derived_settings(cx: &mut Cx<'_>, main: &ContainerDefinition, o: &mut Map<String, Value>) {
    if super::database::derived_settings(o) {
        cx.note(
            format!("container {}", main.name),
            Kind::NotExpressed,
            "its DB_* variables became the service's database; the database's port and max_connections are not described: set database.port when it is not 5432 (gen-tf's egress rule to the database uses it) and database.max_connections (or engine and instance_class) for the connection budget check",
        );
    }
}

/// The KMS keys the execution role decrypts the secrets with, on the secrets.
fn secret_keys(cx: &mut Cx<'_>, td: &TaskDefinition, o: &mut Map<String, Value>) {
    let Some(role) = td.execution_role_arn.as_deref().map(last_segment) else {
        return;
    };
    let keys = super::kms::decrypt_keys(cx.d, role);
    for k in super::kms::put_on_secrets(o, keys) {
        cx.note(
            format!("{role}: kms:Decrypt on {k}"),
            Kind::Changes,
            "the execution role decrypts with more KMS keys than the service has secrets (gen-tf takes one key per secret): the first apply takes this key off the role",
        );
    }
}

/// The `names` overrides: each AWS name that differs from gen-tf's derivation.
fn names(
    cx: &mut Cx<'_>,
    s: &EcsService,
    td: &TaskDefinition,
    derived: &Names,
    log_group: Option<&str>,
    o: &mut Map<String, Value>,
) {
    // `auto_scaling` put the scaling prefix here; it goes last.
    let scaling_prefix = o
        .remove("names")
        .and_then(|v| v.get("scaling_prefix").cloned());
    let mut n = Map::new();
    let mut keep = |key: &str, aws: &str, gen: &str| {
        if aws != gen {
            n.insert(key.to_owned(), Value::from(aws));
        }
    };
    keep("service", &s.service_name, &derived.ecs_service);
    keep("family", &td.family, &derived.family);
    if let Some(r) = &td.task_role_arn {
        keep("task_role", last_segment(r), &derived.task_role);
    }
    if let Some(r) = &td.execution_role_arn {
        keep("execution_role", last_segment(r), &derived.execution_role);
    }
    if let Some(g) = log_group {
        keep("log_group", g, &derived.log_group);
    }
    let sg = s
        .network_configuration
        .as_ref()
        .and_then(|n| n.awsvpc_configuration.security_groups.first())
        .and_then(|id| cx.d.security_groups.get(id));
    if let Some(g) = sg {
        n.insert("security_group".into(), Value::from(g.group_name.clone()));
        if g.description != derived.security_group_description {
            n.insert(
                "security_group_description".into(),
                Value::from(g.description.clone()),
            );
        }
    }
    if td.task_role_arn.is_none() {
        cx.note(
            &td.task_definition_arn,
            Kind::CreatedAnew,
            "the task definition has no task role; gen-tf creates one for the service",
        );
    }
    if let Some(r) = td.execution_role_arn.as_deref().map(last_segment) {
        for ((role, policy), _) in cx.d.inline.iter().filter(|((role, _), _)| role == r) {
            if policy != "start-tasks" {
                cx.note(
                    format!("{role}:{policy}"),
                    Kind::NotExpressed,
                    "an inline policy of the execution role that gen-tf does not manage: it stays on the role beside gen-tf's start-tasks policy; delete it once that policy is applied",
                );
            }
        }
        if r == "ecsTaskExecutionRole" {
            cx.note(
                r,
                Kind::Changes,
                "the account's shared execution role: adopting it into this stack makes the stack own it, and destroying the stack would delete it for every service; consider leaving names.execution_role out so the service gets a role of its own",
            );
        }
    }
    if let Some(p) = scaling_prefix {
        n.insert("scaling_prefix".into(), p);
    }
    if !n.is_empty() {
        o.insert("names".into(), Value::Object(n));
    }
}

/// The stack's `network` (and with `manage_endpoints` its `vpc_endpoints`) from the endpoints of
/// the VPC its services run in; the `vpce-` IDs adopted.
fn network_of(
    cx: &mut Cx<'_>,
    services: &[&(std::path::PathBuf, EcsService)],
    region: &Option<String>,
    manage_endpoints: bool,
    root: &mut Map<String, Value>,
    comments: &mut BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let d = cx.d;
    let vpcs: Vec<&str> = services
        .iter()
        .filter_map(|s| s.1.network_configuration.as_ref())
        .flat_map(|n| n.awsvpc_configuration.security_groups.iter())
        .filter_map(|id| d.security_groups.get(id)?.vpc_id.as_deref())
        .collect();
    match region.as_deref().filter(|_| manage_endpoints) {
        Some(r) => managed_network(cx, r, &vpcs, root, comments),
        None => {
            if let Some(n) = stack_network(d, region, &vpcs, comments) {
                put(root, "network", n);
            }
            Vec::new()
        }
    }
}

/// `--manage-endpoints`: the VPC's endpoints as the stack's `network` and `vpc_endpoints` (see
/// `endpoints`), with their findings; the adopted `vpce-` IDs.
fn managed_network(
    cx: &mut Cx<'_>,
    region: &str,
    vpcs: &[&str],
    root: &mut Map<String, Value>,
    comments: &mut BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let eps: Vec<&VpcEndpoint> =
        cx.d.endpoints
            .iter()
            .filter(|e| vpcs.contains(&e.vpc_id.as_str()))
            .collect();
    let m = super::endpoints::managed(cx.d, cx.stack.as_str(), region, &eps);
    cx.service = String::new();
    for (resource, kind, message) in m.findings {
        let kind = match kind {
            super::endpoints::Kind::Changes => Kind::Changes,
            super::endpoints::Kind::NotExpressed => Kind::NotExpressed,
        };
        cx.note(resource, kind, message);
    }
    if !m.network.is_empty() {
        put(root, "network", Value::Object(m.network));
    }
    if !m.vpc_endpoints.is_empty() {
        comments.insert(
            "vpc_endpoints".to_owned(),
            vec![format!(
                "The VPC's endpoints ({}), adopted by this stack (gen-tf import --manage-endpoints): it owns them now.",
                m.ids.join(", ")
            )],
        );
        put(root, "vpc_endpoints", m.vpc_endpoints);
    }
    m.ids
}

/// The VPC's endpoints, which the stack counts as existing (it does not adopt them: they are
/// the VPC's, shared by every stack in it), and no NAT gateway when the tasks pull their images
/// through an endpoint.
fn stack_network(
    d: &Described,
    region: &Option<String>,
    vpcs: &[&str],
    comments: &mut BTreeMap<String, Vec<String>>,
) -> Option<Value> {
    let region = region.as_deref()?;
    let prefix = format!("com.amazonaws.{region}.");
    let endpoints: Vec<&VpcEndpoint> = d
        .endpoints
        .iter()
        .filter(|e| vpcs.contains(&e.vpc_id.as_str()))
        .collect();
    let mut short: Vec<String> = endpoints
        .iter()
        .filter_map(|e| e.service_name.strip_prefix(&prefix).map(str::to_owned))
        .collect();
    short.sort();
    short.dedup();
    if short.is_empty() {
        return None;
    }
    let no_nat = short.iter().any(|s| s == "ecr.dkr");
    comments.insert(
        "network".to_owned(),
        vec![format!(
            "The VPC's endpoints ({}), kept as they are: gen-tf counts them and creates none of its own.",
            endpoints
                .iter()
                .map(|e| e.vpc_endpoint_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )],
    );
    let mut n = Map::new();
    if no_nat {
        put(&mut n, "nat_gateway", false);
    }
    put(&mut n, "existing_vpc_endpoints", short);
    Some(Value::Object(n))
}

/// `g.spotMix(spot, on_demand, base)` when the strategy is the seed guide's: FARGATE_SPOT
/// without a base, then FARGATE.
fn spot_mix(items: &[CapacityProviderItem]) -> Option<String> {
    match items {
        [spot, fargate]
            if spot.capacity_provider == "FARGATE_SPOT"
                && spot.base == 0
                && fargate.capacity_provider == "FARGATE" =>
        {
            Some(format!(
                "g.spotMix({}, {}, {})",
                spot.weight, fargate.weight, fargate.base
            ))
        }
        _ => None,
    }
}

fn health_check(h: &ContainerHealthCheck) -> Value {
    let mut v = Map::new();
    put(&mut v, "command", h.command.clone());
    for (k, x) in [
        ("interval", h.interval),
        ("timeout", h.timeout),
        ("retries", h.retries),
        ("start_period", h.start_period),
    ] {
        if let Some(x) = x {
            put(&mut v, k, x);
        }
    }
    Value::Object(v)
}

fn mount(m: &ContainerMount) -> Value {
    let mut v = Map::new();
    put(&mut v, "volume", m.source_volume.as_str());
    put(&mut v, "path", m.container_path.as_str());
    if m.read_only {
        put(&mut v, "read_only", true);
    }
    Value::Object(v)
}

/// One scaling policy as the stack writes it, its name short of the common prefix.
fn policy(cx: &mut Cx<'_>, p: &ScalingPolicy, name: String) -> Value {
    let mut v = Map::new();
    put(&mut v, "name", name);
    if let Some(tt) = &p.target_tracking_scaling_policy_configuration {
        let customized = tt
            .customized_metric_specification
            .as_ref()
            .and_then(|m| super::metric::customized(m, &p.resource_id));
        match (&tt.predefined_metric_specification, customized) {
            (Some(m), _) => {
                put(
                    &mut v,
                    "predefined_metric_type",
                    m.predefined_metric_type.as_str(),
                );
                if let Some(l) = &m.resource_label {
                    put(&mut v, "resource_label", l.as_str());
                }
            }
            (None, Some(m)) => put(&mut v, "customized_metric", m),
            (None, None) => cx.note(
                &p.policy_arn,
                Kind::NotExpressed,
                "a customized metric specification with metric math: write it under customized_metric by hand",
            ),
        }
        put(&mut v, "target_value", tt.target_value);
        if let Some(c) = tt.scale_in_cooldown {
            put(&mut v, "scale_in_cooldown", c);
        }
        if let Some(c) = tt.scale_out_cooldown {
            put(&mut v, "scale_out_cooldown", c);
        }
        if tt.disable_scale_in == Some(true) {
            put(&mut v, "disable_scale_in", true);
        }
    } else if let Some(st) = &p.step_scaling_policy_configuration {
        put(&mut v, "policy_type", "StepScaling");
        if let Some(t) = &st.adjustment_type {
            put(&mut v, "adjustment_type", t.as_str());
        }
        if let Some(c) = st.cooldown {
            put(&mut v, "cooldown", c);
        }
        if let Some(m) = &st.metric_aggregation_type {
            put(&mut v, "metric_aggregation_type", m.as_str());
        }
        if let Some(m) = st.min_adjustment_magnitude {
            put(&mut v, "min_adjustment_magnitude", m);
        }
        let steps: Vec<Value> = st
            .step_adjustments
            .iter()
            .map(|s| {
                let mut x = Map::new();
                if let Some(l) = s.metric_interval_lower_bound {
                    put(&mut x, "metric_interval_lower_bound", l);
                }
                if let Some(u) = s.metric_interval_upper_bound {
                    put(&mut x, "metric_interval_upper_bound", u);
                }
                put(&mut x, "scaling_adjustment", s.scaling_adjustment);
                Value::Object(x)
            })
            .collect();
        put(&mut v, "step_adjustments", steps);
        if let Some(alarm) = step_alarm(cx, p) {
            put(&mut v, "alarm", alarm);
        }
    }
    Value::Object(v)
}

/// Every service whose task definition no file describes, as an error naming the call.
fn missing_task_definitions(d: &Described) -> Result<(), Vec<ReadError>> {
    let mut errors = Vec::new();
    for (file, s) in &d.services {
        if !d.task_definitions.contains_key(&s.task_definition) {
            errors.push(ReadError {
                file: file.clone(),
                message: format!(
                    "the service {} runs {}, which no file describes; add the output of `aws ecs describe-task-definition --include TAGS --task-definition {}`",
                    s.service_name, s.task_definition, s.task_definition
                ),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A service key for an ECS service name: valid, and not the name of a module file.
/// gen-tf names a service `<stack>-<service>`: a service it built keeps its key.
fn short_name<'a>(stack: &StackName, ecs_name: &'a str) -> &'a str {
    ecs_name
        .strip_prefix(&format!("{stack}-"))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(ecs_name)
}

/// The stack's `iam` path and permissions boundary, from the roles the task definitions name.
fn stack_iam(
    cx: &mut Cx<'_>,
    services: &[&(std::path::PathBuf, EcsService)],
    root: &mut Map<String, Value>,
) {
    let tds: Vec<&TaskDefinition> = services
        .iter()
        .filter_map(|s| cx.d.task_definitions.get(&s.1.task_definition))
        .map(|(td, _)| td)
        .collect();
    match super::iam::stack_iam(cx.d, &tds) {
        Ok(Some(iam)) => put(root, "iam", iam),
        Ok(None) => {}
        Err(message) => {
            cx.service = String::new();
            cx.note("iam", Kind::Changes, message);
        }
    }
}

fn service_key(ecs_name: &str) -> String {
    let mut base = name_for(ecs_name, 56);
    if [
        "versions",
        "variables",
        "outputs",
        "cluster",
        "data",
        "override",
    ]
    .contains(&base.as_str())
    {
        base.push_str("-svc");
    }
    base
}

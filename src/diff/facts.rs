//! What changed, in the stack's own terms: each service (and the stack) read from the resolved
//! model as `fact -> value` pairs (`cpu -> 512`, `env LOG_LEVEL -> debug`), compared by key.
//! Secret values are never read: a secret shows only where it comes from.

use std::collections::BTreeMap;

use crate::resolve::iam::Statement;
use crate::resolve::service::Placement;
use crate::resolve::{EndpointKind, Policy, Resolved, Service};

/// One fact that differs; `None` on a side that does not have it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub(crate) type Facts = BTreeMap<String, String>;

/// The stack-wide facts: endpoints, NAT, region, cluster.
pub(crate) fn stack(r: &Resolved) -> Facts {
    let mut f = Facts::new();
    f.insert(
        "region".into(),
        r.region
            .clone()
            .unwrap_or_else(|| "(module variable)".into()),
    );
    f.insert("nat_gateway".into(), r.nat_gateway.to_string());
    if let Some(c) = &r.cluster {
        f.insert("cluster".into(), c.name.clone());
    }
    for e in &r.endpoints {
        let kind = match &e.kind {
            EndpointKind::Gateway => "Gateway".to_owned(),
            EndpointKind::Interface { private_dns, .. } => {
                format!(
                    "Interface, private DNS {}",
                    if *private_dns { "on" } else { "off" }
                )
            }
        };
        f.insert(format!("endpoint {}", e.service), kind);
    }
    f
}

/// A service's facts.
pub(crate) fn service(s: &Service) -> Facts {
    let mut f = Facts::new();
    let t = &s.task;
    f.insert("cpu".into(), t.cpu.to_string());
    f.insert("memory".into(), t.memory.to_string());
    f.insert(
        "platform".into(),
        format!("{} {}", t.os.as_str(), t.architecture.as_str()),
    );
    f.insert("platform_version".into(), t.platform_version.clone());
    if let Some(g) = t.ephemeral_storage_gib {
        f.insert("ephemeral_storage_gib".into(), g.to_string());
    }
    f.insert("ecs service name".into(), s.names.ecs_service.clone());
    f.insert("log group".into(), s.names.log_group.clone());
    f.insert(
        "log retention days".into(),
        s.logs.retention_days.to_string(),
    );
    f.insert("desired_count".into(), s.desired_count.to_string());
    f.insert(
        "placement".into(),
        match &s.placement {
            Placement::LaunchType => "FARGATE (launch type)".to_owned(),
            // A stack with such a strategy stops at `capacity-range` or `capacity-weight`.
            Placement::Unresolved => String::new(),
            Placement::Strategy(items) => items
                .iter()
                .map(|c| {
                    format!(
                        "{} weight {} base {}",
                        c.provider.as_str(),
                        c.weight,
                        c.base
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        },
    );
    containers(s, &mut f);
    for v in &t.volumes {
        let ebs = s
            .ebs
            .as_ref()
            .filter(|e| v.configure_at_launch && e.name == v.name);
        let what = match &v.efs {
            None if ebs.is_some() => ebs.map(ebs_fact).unwrap_or_default(),
            None => "bind (task storage)".to_owned(),
            Some(e) => format!(
                "EFS {}{}{}",
                e.file_system_id,
                e.access_point_id
                    .as_ref()
                    .map(|a| format!(" access point {a}"))
                    .unwrap_or_default(),
                e.root_directory
                    .as_ref()
                    .map(|d| format!(" at {d}"))
                    .unwrap_or_default()
            ),
        };
        f.insert(format!("volume {}", v.name), what);
    }
    let d = &s.deployment;
    f.insert(
        "deployment".into(),
        format!(
            "minimum healthy {}%, maximum {}%, circuit breaker {}{}",
            d.minimum_healthy_percent.unwrap_or(100),
            d.maximum_percent.unwrap_or(200),
            if d.circuit_breaker.enable {
                "on"
            } else {
                "off"
            },
            if d.circuit_breaker.rollback {
                " with rollback"
            } else {
                ""
            }
        ),
    );
    for lb in &s.load_balancers {
        f.insert(
            format!("load balancer {}:{}", lb.container, lb.container_port),
            lb.target_group_arn
                .clone()
                .unwrap_or_else(|| "(module variable)".into()),
        );
    }
    scaling(s, &mut f);
    for e in &s.egress {
        f.insert(format!("egress {}", e.label), e.description.clone());
    }
    f.insert("execute_command".into(), s.execute_command.to_string());
    f
}

/// Each container's image, port, memory, environment and secrets (sidecars prefixed).
fn containers(s: &Service, f: &mut Facts) {
    for c in s.containers() {
        let prefix = if c.name == s.container.name {
            String::new()
        } else {
            format!("sidecar {} ", c.name)
        };
        let image = c
            .image
            .clone()
            .unwrap_or_else(|| format!("(module variable {}_image)", s.name));
        f.insert(format!("{prefix}image"), image);
        if let Some(p) = c.port {
            f.insert(format!("{prefix}port"), p.to_string());
        }
        if let Some(m) = c.memory {
            f.insert(format!("{prefix}container memory"), m.to_string());
        }
        if let Some(m) = c.memory_reservation {
            f.insert(format!("{prefix}memory_reservation"), m.to_string());
        }
        for (k, v) in &c.environment {
            f.insert(format!("{prefix}env {k}"), v.clone());
        }
        for sec in &c.secrets {
            // The reference (an ARN) is not the secret; the value is never read.
            f.insert(
                format!("{prefix}secret {}", sec.name),
                format!("from {}", sec.value_from),
            );
        }
    }
}

/// The scaling range, policies and scheduled actions.
fn scaling(s: &Service, f: &mut Facts) {
    if let Some(sc) = &s.scaling {
        f.insert(
            "scaling".into(),
            format!("{} to {} tasks", sc.min_capacity, sc.max_capacity),
        );
        for p in &sc.policies {
            let what = match p {
                Policy::TargetTracking(t) => {
                    format!("target tracking {} at {}", t.metric.name(), t.target_value)
                }
                Policy::Step(s) => format!(
                    "step scaling on alarm {} ({} steps)",
                    s.alarm.metric_name,
                    s.steps.len()
                ),
            };
            f.insert(format!("scaling policy {}", p.name().short), what);
        }
        for a in &sc.scheduled {
            f.insert(format!("scheduled action {}", a.label), a.schedule.clone());
        }
    }
}

/// The differences between two fact sets, in key order.
pub(crate) fn compare(before: &Facts, after: &Facts) -> Vec<Change> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| Change {
            what: k.clone(),
            before: before.get(k).cloned(),
            after: after.get(k).cloned(),
        })
        .collect()
}

/// One permission: a role's effect on an action and a resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Grant {
    pub role: String,
    pub effect: String,
    pub action: String,
    pub resource: String,
}

impl Grant {
    /// A wildcard in the action or the resource.
    pub(crate) fn wildcard(&self) -> bool {
        self.action.contains('*') || self.resource.contains('*')
    }
}

/// Every (role, effect, action, resource) a service's roles hold; managed policies as
/// `attach` of the policy ARN. Conditions are written after the resource.
pub(crate) fn grants(s: &Service) -> Vec<Grant> {
    let mut out = Vec::new();
    let mut add = |role: &str, st: &Statement| {
        let cond = if st.conditions.is_empty() {
            String::new()
        } else {
            format!(
                " (when {})",
                st.conditions.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        let resources = st
            .resources
            .iter()
            .cloned()
            .chain(st.own_resources.iter().map(|o| {
                format!(
                    "arn:<partition>:{}:<region>:<account>:{}",
                    o.service, o.resource
                )
            }));
        for r in resources {
            for a in &st.actions {
                out.push(Grant {
                    role: role.to_owned(),
                    effect: st.effect.as_str().to_owned(),
                    action: a.clone(),
                    resource: format!("{r}{cond}"),
                });
            }
        }
    };
    for st in &s.roles.task {
        add(&s.names.task_role, st);
    }
    for st in &s.roles.execution {
        add(&s.names.execution_role, st);
    }
    for p in &s.roles.task_managed_policies {
        out.push(Grant {
            role: s.names.task_role.clone(),
            effect: "Attach".into(),
            action: "managed policy".into(),
            resource: p.clone(),
        });
    }
    out.sort();
    out.dedup();
    out
}

/// An EBS volume in the stack's terms: size (or snapshot), type, IOPS, throughput, encryption.
fn ebs_fact(e: &crate::resolve::ebs::Ebs) -> String {
    let mut parts = vec![match (e.size_in_gb, &e.snapshot_id) {
        (Some(gib), _) => format!("EBS {gib} GiB"),
        (None, Some(snap)) => format!("EBS from {snap}"),
        (None, None) => "EBS".to_owned(),
    }];
    parts.push(
        e.volume_type
            .unwrap_or(crate::facts::ebs::DEFAULT_VOLUME_TYPE)
            .as_str()
            .to_owned(),
    );
    if let Some(iops) = e.iops {
        parts.push(format!("{iops} IOPS"));
    }
    if let Some(t) = e.throughput {
        parts.push(format!("{t} MiB/s"));
    }
    parts.push(
        if e.encrypted {
            "encrypted"
        } else {
            "unencrypted"
        }
        .to_owned(),
    );
    format!("{} (one per task, configured at launch)", parts.join(" "))
}

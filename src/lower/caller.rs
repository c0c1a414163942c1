//! The rest of the module README's "What the caller must provide": what the module's resources
//! rely on in resources the stack does not own. `readme::caller_duties` lists the other half of
//! connections through variables; these are the security groups the stack names, the cluster's
//! capacity providers, the Service Connect namespace and the KMS key policies of the log group
//! and the EBS volumes.

use std::collections::{BTreeMap, BTreeSet};

use crate::resolve::scaling::{Dimensions, Policy};
use crate::resolve::service::{Destination, Placement};

use super::markdown::cell;
use super::Ctx;

pub(super) fn duties(ctx: &Ctx<'_>) -> Vec<String> {
    let stack = ctx.stack;
    // Without a region in the stack, `var.region` names it.
    let (region, in_region) = match &stack.region {
        Some(r) => (r.clone(), r.clone()),
        None => (
            "<region>".to_owned(),
            "the region of `var.region`".to_owned(),
        ),
    };
    let mut out = Vec::new();
    // Security groups the stack names, which must admit the tasks' traffic.
    for s in &stack.services {
        let id = s.name.ident();
        for e in &s.egress {
            if let (Destination::SecurityGroup(sg), Some((from, to))) = (&e.to, e.ports) {
                let ports = if from == to {
                    format!("port {from}")
                } else {
                    format!("ports {from}-{to}")
                };
                out.push(format!(
                    "Ingress on `{}` from the `{}` tasks (output `{id}_security_group_id`) on {} {ports} ({}): the module opens only the tasks' side.",
                    cell(sg),
                    s.name,
                    e.protocol.as_str().to_uppercase(),
                    cell(&e.description),
                ));
            }
        }
    }
    // Capacity providers: a cluster the stack owns gets them from the module.
    if stack.cluster.is_none() {
        let mut providers = BTreeSet::new();
        let mut users = Vec::new();
        for s in &stack.services {
            if let Placement::Strategy(items) = &s.placement {
                providers.extend(items.iter().map(|i| i.provider.as_str()));
                users.push(format!("`{}`", s.name));
            }
        }
        if !providers.is_empty() {
            let names: Vec<String> = providers.iter().map(|p| format!("`{p}`")).collect();
            out.push(format!(
                "The capacity providers {} associated with the cluster `var.cluster_name` (`aws_ecs_cluster_capacity_providers`, which the stack does not own): {} {} tasks with them, and ECS refuses a strategy that names a provider the cluster does not have.",
                names.join(" and "),
                users.join(", "),
                if users.len() == 1 { "places" } else { "place" },
            ));
        }
    }
    // Service Connect namespaces: ECS creates services in them, never the namespace.
    let mut namespaces = BTreeSet::new();
    let mut default_namespace = Vec::new();
    for s in &stack.services {
        match s.service_connect.as_ref().map(|c| c.namespace.as_deref()) {
            Some(Some(ns)) => {
                namespaces.insert(ns);
            }
            Some(None) => default_namespace.push(format!("`{}`", s.name)),
            None => {}
        }
    }
    for ns in namespaces {
        out.push(format!(
            "The Cloud Map namespace `{}` in {in_region}: Service Connect registers the services in it, and the ECS service fails to create when it does not exist.",
            cell(ns)
        ));
    }
    if !default_namespace.is_empty() {
        out.push(format!(
            "A default Service Connect namespace on the cluster `var.cluster_name` ({} use it).",
            default_namespace.join(", ")
        ));
    }
    metrics_and_keys(ctx, &region, &in_region, &mut out);
    out
}

/// The metrics that step policies watch outside the service's own (an SQS queue's depth), and
/// the key policies of customer KMS keys for logs.
fn metrics_and_keys(ctx: &Ctx<'_>, region: &str, in_region: &str, out: &mut Vec<String>) {
    let stack = ctx.stack;
    // The metrics of step policies' alarms outside the service's own (an SQS queue's depth).
    let mut metrics: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for s in &stack.services {
        for p in s.scaling.iter().flat_map(|a| &a.policies) {
            let Policy::Step(step) = p else {
                continue;
            };
            let a = &step.alarm;
            if let Dimensions::Given(d) = &a.dimensions {
                let dims: Vec<String> = d
                    .iter()
                    .map(|(k, v)| format!("{}={}", cell(k), cell(v)))
                    .collect();
                let key = (cell(&a.namespace), cell(&a.metric_name), dims.join(", "));
                let policy = format!("`{}` of `{}`", step.name.short, s.name);
                metrics.entry(key).or_default().push(policy);
            }
        }
    }
    for ((namespace, metric, dims), policies) in metrics {
        out.push(format!(
            "The resource that publishes `{namespace}` `{metric}` ({dims}) in {in_region}: the alarms of the step policies {} watch it, and without its data they never fire.",
            policies.join(", ")
        ));
    }
    // Customer KMS keys for the log groups.
    let keys: BTreeSet<&str> = stack
        .services
        .iter()
        .filter_map(|s| s.logs.kms_key_arn.as_deref())
        .collect();
    for key in keys {
        out.push(format!(
            "A key policy on `{}` that allows the principal `logs.{region}.amazonaws.com` `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*` and `kms:Describe*` (conditioned on `kms:EncryptionContext:aws:logs:arn`): CloudWatch Logs refuses to create the log group otherwise (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).",
            cell(key)
        ));
    }
    // Customer KMS keys for EBS volumes: the infrastructure role creates the volumes with them.
    for svc in &stack.services {
        let Some(e) = &svc.ebs else { continue };
        let Some(key) = &e.kms_key_id else { continue };
        let role = match &e.role_arn {
            Some(arn) => format!("`{}`", cell(arn)),
            None => format!(
                "`{}` (which the module creates)",
                svc.names.infrastructure_role
            ),
        };
        out.push(format!(
            "A key policy on `{}` that lets the infrastructure role {role} of `{}` use it for EBS: `kms:CreateGrant` (with `kms:GrantIsForAWSResource`), `kms:Decrypt`, `kms:DescribeKey`, `kms:GenerateDataKeyWithoutPlaintext` and `kms:ReEncrypt*`; ECS cannot create the tasks' volumes otherwise (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html).",
            cell(key),
            svc.name
        ));
    }
}

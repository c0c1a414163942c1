//! `load_balancers`: several target groups, each to a container port of the task.
//!
//! ECS checks each entry when the service is created or updated: the container must be in the
//! task definition and expose the port in its portMappings, or CreateService fails. The
//! `load_balancer` shorthand keeps its own rule (`lb-port`).

use std::collections::BTreeMap;

use crate::diag::{did_you_mean, join, Diagnostic, Rule, Severity};
use crate::model::aws::is_ec2_id;
use crate::resolve::service::WrittenTarget;
use crate::resolve::{Resolved, Service};

use super::arn_forms::TARGET_GROUP;
use super::secrets::ARN_FORMAT;

pub(super) static LOAD_BALANCER: Rule = Rule {
    code: "load-balancer",
    severity: Severity::Error,
    summary: "A load_balancers entry whose container or port the task does not have, a target group listed twice, or load_balancer and load_balancers together.",
    fact: "Each load balancer of an ECS service names a container of the task definition and a container port from its portMappings; CreateService fails otherwise. A service takes at most 5 target groups. `load_balancer` is the shorthand for one target group to the main container, so a service uses one of the two fields.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/register-multiple-targetgroups.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&LOAD_BALANCER];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let name = &svc.name;
        let (shorthand, entries): (Vec<&WrittenTarget>, Vec<&WrittenTarget>) =
            svc.written_load_balancers.iter().partition(|t| t.shorthand);
        if entries.is_empty() {
            continue;
        }
        let base = join(&svc.path, "load_balancers");
        if !shorthand.is_empty() {
            out.push(
                Diagnostic::new(
                    &LOAD_BALANCER,
                    base.clone(),
                    format!("{name} has both load_balancer and load_balancers"),
                )
                .help("move the load_balancer target group into load_balancers (with its target_group_arn), and remove load_balancer"),
            );
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, t) in entries.into_iter().enumerate() {
            let path = &t.path;
            entry(svc, t, out);
            let arn = t.target_group_arn.as_deref().unwrap_or_default();
            if let Some(first) = seen.insert(arn, i) {
                out.push(
                    Diagnostic::new(
                        &LOAD_BALANCER,
                        join(path, "target_group_arn"),
                        format!("this target group is already {base}[{first}]"),
                    )
                    .help("remove the entry: ECS registers each task once per target group"),
                );
            }
        }
    }
}

fn entry(svc: &Service, t: &WrittenTarget, out: &mut Vec<Diagnostic>) {
    let (name, path) = (&svc.name, &t.path);
    let arn = t.target_group_arn.as_deref().unwrap_or_default();
    if let Some(why) = TARGET_GROUP.problem(arn) {
        out.push(
            Diagnostic::new(
                &ARN_FORMAT,
                join(path, "target_group_arn"),
                format!("{arn:?} is not a target group ARN: {why}"),
            )
            .help(format!(
                "write the full ARN, {}, for example {}",
                TARGET_GROUP.form(),
                TARGET_GROUP.example
            )),
        );
    }
    if let Some(sg) = t
        .security_group_id
        .as_deref()
        .filter(|s| !is_ec2_id(s, "sg"))
    {
        out.push(
            Diagnostic::new(
                &LOAD_BALANCER,
                join(path, "security_group_id"),
                format!("{sg:?} is not a security group ID"),
            )
            .help("write the load balancer's security group ID, sg- and 8 or 17 hex digits, or omit it to get the variable <service>_lb_security_group_id"),
        );
    }
    let container = t.container.as_deref().unwrap_or(name.as_str());
    // The container's port and where it is set (the X-Ray daemon is gen-tf's, not a sidecar
    // the stack names).
    let xray = join(&join(&svc.path, "observability"), "xray");
    let sidecars = || svc.sidecars.iter().filter(|s| s.path != xray);
    let found = if container == name.as_str() {
        Some((svc.container.written_port, join(&svc.path, "port")))
    } else {
        sidecars()
            .find(|s| s.name == container)
            .map(|s| (s.written_port, join(&s.path, "port")))
    };
    let Some((port, at)) = found else {
        let names = std::iter::once(name.as_str()).chain(sidecars().map(|s| s.name.as_str()));
        let help = match did_you_mean(container, names) {
            Some(n) => format!("did you mean {n:?}? The task's containers are the service's own ({name}) and its sidecars"),
            None => format!("name the service's own container ({name}) or one of its sidecars, or omit container for the service's own"),
        };
        out.push(
            Diagnostic::new(
                &LOAD_BALANCER,
                join(path, "container"),
                format!("the task of {name} has no container {container:?}"),
            )
            .help(help),
        );
        return;
    };
    match (port, t.container_port) {
        (None, _) => out.push(
            Diagnostic::new(
                &LOAD_BALANCER,
                path.to_owned(),
                format!("container {container} exposes no port for the target group to send to"),
            )
            .help(format!("set {at} to the port the container listens on")),
        ),
        (Some(p), Some(c)) if p != c => out.push(
            Diagnostic::new(
                &LOAD_BALANCER,
                join(path, "container_port"),
                format!("container {container} exposes port {p}, not {c}"),
            )
            .help(format!("set container_port to {p}, or omit it")),
        ),
        _ => {}
    }
}

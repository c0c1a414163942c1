//! ECS Service Connect and the port name it refers to.
//!
//! ECS checks a Service Connect configuration only when the service is created or updated: a
//! `portName` that no port mapping has, a name of the wrong shape, two endpoints with one
//! discovery name or alias in a namespace, or no namespace at all all fail there.

use std::collections::BTreeMap;

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::model::aws::Arn;
use crate::model::names::ServiceName;
use crate::resolve::network::ServiceConnect;
use crate::resolve::{Resolved, Service};

pub(super) static SERVICE_CONNECT: Rule = Rule {
    code: "service-connect",
    severity: Severity::Error,
    summary: "A Service Connect port name that no port mapping has, a name ECS refuses, a discovery name or client alias used twice in a namespace, or no namespace.",
    fact: "Each Service Connect service names a port mapping of the task (gen-tf names the main container's port `port_name`, default `http`). Port and discovery names take up to 64 lower-case letters, digits, '_' and '-', not starting with '-'; a client alias's DNS name up to 127 of those and '.'. Discovery names and client aliases are unique in the Cloud Map namespace. Without a namespace ECS uses the cluster's default, which a cluster created by gen-tf does not have.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&SERVICE_CONNECT];

/// What ECS allows in port and discovery names (64) and client alias DNS names (127, with '.').
fn name_problem(s: &str, max: usize, dots: bool) -> Option<String> {
    let ok_char = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' || (dots && c == '.')
    };
    if s.is_empty() {
        Some("it is empty".to_owned())
    } else if s.len() > max {
        Some(format!(
            "it is {} characters long; at most {max} are allowed",
            s.len()
        ))
    } else if s.starts_with('-') {
        Some("it starts with '-'".to_owned())
    } else if !s.chars().all(ok_char) {
        let extra = if dots { ", '-' and '.'" } else { " and '-'" };
        Some(format!(
            "only lower-case letters, digits, '_'{extra} are allowed"
        ))
    } else {
        None
    }
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    // (namespace, discovery name or alias) -> the path that took it first.
    let mut taken: BTreeMap<(Option<&str>, String), String> = BTreeMap::new();
    for svc in &stack.services {
        let name = &svc.name;
        let base = &svc.path;
        if svc.written_port_name {
            let p = &svc.port_name;
            if let Some(why) = name_problem(p, 64, false) {
                out.push(
                    Diagnostic::new(&SERVICE_CONNECT, join(base, "port_name"), format!("port_name {p:?} is not a port mapping name: {why}"))
                        .help("use up to 64 lower-case letters, digits, '_' and '-', for example 'http' or 'grpc'"),
                );
            }
        }
        let Some(sc) = &svc.service_connect else {
            continue;
        };
        let sc_path = join(base, "service_connect");
        namespace(stack, name, sc, &sc_path, out);
        let ns = sc.namespace.as_deref();
        let mut ports: BTreeMap<&str, String> = BTreeMap::new();
        for (i, s) in sc.services.iter().enumerate() {
            let path = index(&join(&sc_path, "services"), i);
            port_name(name, svc, &s.port_name, &path, out);
            if let Some(first) = ports.insert(&s.port_name, path.clone()) {
                out.push(
                    Diagnostic::new(
                        &SERVICE_CONNECT,
                        join(&path, "port_name"),
                        format!("port {:?} is already offered by {first}", s.port_name),
                    )
                    .help("offer each port once; remove this entry"),
                );
            }
            let discovery = s.effective_discovery_name();
            if let Some(why) = s
                .discovery_name
                .as_deref()
                .and_then(|d| name_problem(d, 64, false))
            {
                out.push(
                    Diagnostic::new(&SERVICE_CONNECT, join(&path, "discovery_name"), format!("discovery_name {discovery:?} is not a Cloud Map service name ECS accepts: {why}"))
                        .help("use up to 64 lower-case letters, digits, '_' and '-', for example the service's name"),
                );
            }
            unique(
                &mut taken,
                (ns, format!("discovery name {discovery:?}")),
                &path,
                out,
            );
            // ECS takes one client alias per entry (the structural pass refuses a second).
            for (j, (port, dns_name)) in s.client_alias.iter().enumerate() {
                let apath = index(&join(&path, "client_aliases"), j);
                if let Some(why) = dns_name.as_deref().and_then(|d| name_problem(d, 127, true)) {
                    out.push(
                        Diagnostic::new(&SERVICE_CONNECT, join(&apath, "dns_name"), format!("dns_name {:?} is not a client alias ECS accepts: {why}", dns_name.as_deref().unwrap_or_default()))
                            .help("use a DNS name of up to 127 lower-case letters, digits, '_', '-' and '.', for example 'api' or 'api.shop.internal'"),
                    );
                }
                let dns = dns_name
                    .clone()
                    .unwrap_or_else(|| format!("{discovery}.<namespace>"));
                unique(
                    &mut taken,
                    (ns, format!("client alias {dns}:{port}")),
                    &apath,
                    out,
                );
            }
        }
    }
}

/// A namespace must be given when the cluster is the stack's own, and be a name or the ARN of a
/// Cloud Map namespace.
fn namespace(
    stack: &Resolved,
    name: &ServiceName,
    sc: &ServiceConnect,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    match sc.namespace.as_deref() {
        None if stack.cluster.is_some() => out.push(
            Diagnostic::new(&SERVICE_CONNECT, path.to_owned(), format!("{name} uses Service Connect without a namespace, and the stack's own cluster has no default Service Connect namespace"))
                .help("set service_connect.namespace to the name or ARN of the Cloud Map namespace, for example 'shop.internal'"),
        ),
        Some(ns) if ns.starts_with("arn:") => {
            let why = match Arn::parse(ns) {
                Err(e) => Some(e),
                Ok(a) if a.service != "servicediscovery" || !a.resource.starts_with("namespace/ns-") => {
                    Some(format!("it is not {}", super::arn_forms::NAMESPACE.form()))
                }
                Ok(_) => None,
            };
            if let Some(why) = why {
                out.push(
                    Diagnostic::new(&SERVICE_CONNECT, join(path, "namespace"), format!("{ns:?} is not a Cloud Map namespace ARN: {why}"))
                        .help(format!("write the namespace's name, or its ARN, for example {}", super::arn_forms::NAMESPACE.example)),
                );
            }
        }
        Some(ns) if ns.is_empty() || ns.len() > 1024 || !ns.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) => out.push(
            Diagnostic::new(&SERVICE_CONNECT, join(path, "namespace"), format!("{ns:?} is not a Cloud Map namespace name"))
                .help("write the namespace's name (letters, digits, '.', '_' and '-'), for example 'shop.internal', or its ARN"),
        ),
        _ => {}
    }
}

/// A Service Connect service's port name must be the main container's port mapping name.
fn port_name(name: &ServiceName, svc: &Service, port: &str, path: &str, out: &mut Vec<Diagnostic>) {
    let own = svc.port_name.as_str();
    if svc.container.port.is_none() {
        out.push(
            Diagnostic::new(
                &SERVICE_CONNECT,
                join(path, "port_name"),
                format!("{name}'s container has no port for Service Connect to name"),
            )
            .help(format!(
                "set services.{name}.port (the port mapping is then named {own:?})"
            )),
        );
    } else if port != own {
        out.push(
            Diagnostic::new(&SERVICE_CONNECT, join(path, "port_name"), format!("{name} has no port mapping named {port:?}; its container's port is named {own:?}"))
                .help(format!("write port_name: '{own}', or set the service's port_name to {port:?}")),
        );
    }
}

fn unique<'a>(
    taken: &mut BTreeMap<(Option<&'a str>, String), String>,
    key: (Option<&'a str>, String),
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(first) = taken.get(&key) {
        let ns = key.0.map_or_else(
            || "the cluster's default namespace".to_owned(),
            |n| format!("namespace {n}"),
        );
        out.push(
            Diagnostic::new(&SERVICE_CONNECT, path.to_owned(), format!("the {} is already used in {ns} by {first}", key.1))
                .help("give each Service Connect endpoint its own discovery_name and client alias in a namespace"),
        );
    } else {
        taken.insert(key, path.to_owned());
    }
}

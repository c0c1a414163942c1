//! Resolved traffic of a service: where its tasks run, the target groups they register with,
//! Service Connect, and the task security group's rules that these need (ingress from the load
//! balancers and from Service Connect clients, egress to Service Connect servers and to the
//! stack's own destinations).

use super::derived;
/// The model's value type that the resolved network keeps as it is.
pub(crate) use crate::model::network::Subnets;
use crate::model::network::{EgressProtocol, EgressRule};
use crate::model::{self, ServiceName};

use super::defaults;
use super::egress::{Destination, Egress, IpProtocol};

/// Seconds the scheduler ignores load balancer health checks after a task starts.
pub(crate) const DEFAULT_GRACE_PERIOD: u32 = 60;
/// Where the tasks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Network {
    pub subnets: Subnets,
    pub assign_public_ip: bool,
    /// `network.assign_public_ip` as written (`assign_public_ip` has the default applied).
    pub written_public_ip: Option<bool>,
}

impl Network {
    /// Whether the tasks reach the internet through an internet gateway (public subnets with a
    /// public IP, which the `network-placement` rule makes go together).
    pub(crate) fn is_public(self) -> bool {
        self.subnets == Subnets::Public
    }
}

/// One target group that the ECS service registers its tasks with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LoadBalancer {
    /// Where it is written: `services.<name>.load_balancer` (the shorthand) or
    /// `services.<name>.load_balancers[i]`.
    pub path: String,
    /// `None` means the module variable `<service>_target_group_arn` (the `load_balancer`
    /// shorthand only).
    pub target_group_arn: Option<String>,
    /// The container that receives the traffic.
    pub container: String,
    pub container_port: u16,
    /// The load balancer's security group; `None` means the module variable
    /// `<service>_lb_security_group_id`.
    pub security_group_id: Option<String>,
    pub advanced_configuration: Option<crate::model::deployment::AdvancedConfiguration>,
    /// The shorthand's own `health_check_grace_period_seconds`, as written (`None` for the
    /// `load_balancers` entries): the service's grace period in effect is
    /// `Service::grace_period_seconds`.
    pub grace_period_seconds: Option<u32>,
}

/// A target group entry as written: the `load_balancer` shorthand or a `load_balancers` entry,
/// also one whose container port cannot be resolved (`Service::load_balancers` holds those
/// that can; the `lb-port` and `load-balancer` rules report the rest, so lowering never sees
/// them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WrittenTarget {
    /// `services.<name>.load_balancer` or `services.<name>.load_balancers[i]`.
    pub path: String,
    /// Whether this is the `load_balancer` shorthand.
    pub shorthand: bool,
    pub target_group_arn: Option<String>,
    /// The container named (`load_balancers` entries; `None`: the service's own).
    pub container: Option<String>,
    pub container_port: Option<u16>,
    pub security_group_id: Option<String>,
    /// The shorthand's `health_check_grace_period_seconds`.
    pub grace_period_seconds: Option<u32>,
    /// The shorthand's `load_balancer_arn_suffix`.
    pub load_balancer_arn_suffix: Option<String>,
    /// The shorthand's `target_group_arn_suffix`.
    pub target_group_arn_suffix: Option<String>,
}

/// One ingress rule of the task security group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ingress {
    /// The rule's Terraform label after `<service>_`, for example `from_lb`.
    pub label: String,
    pub description: String,
    pub port: u16,
    pub from: Source,
}

/// Where an ingress rule admits traffic from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    /// A security group given to the module as the variable `name`.
    Variable {
        name: String,
        description: String,
    },
    SecurityGroup(String),
    /// The task security group of another service of the stack.
    Service(ServiceName),
}

/// Resolved `service_connect`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServiceConnect {
    /// `None` means the cluster's default namespace.
    pub namespace: Option<String>,
    pub services: Vec<ConnectService>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConnectService {
    pub port_name: String,
    pub discovery_name: Option<String>,
    /// (port, DNS name) of the one client alias ECS takes.
    pub client_alias: Option<(u16, Option<String>)>,
    /// (name, exact value) of the alias's test traffic header.
    pub test_traffic_header: Option<(String, String)>,
}

impl ConnectService {
    /// The name other services find it by: its own, or ECS's default, the port name.
    pub(crate) fn effective_discovery_name(&self) -> &str {
        self.discovery_name.as_deref().unwrap_or(&self.port_name)
    }
}

pub(super) fn network(svc: &model::Service) -> Network {
    let n = svc.network.clone().unwrap_or_default();
    Network {
        subnets: defaults::subnets(&n),
        assign_public_ip: defaults::assign_public_ip(&n),
        written_public_ip: n.assign_public_ip,
    }
}

/// The target groups: the `load_balancer` shorthand (one target group to the main container),
/// or the `load_balancers` entries. One without a container port (which the rules require) is
/// left out.
pub(super) fn load_balancers(name: &ServiceName, svc: &model::Service) -> Vec<LoadBalancer> {
    let base = crate::diag::join("services", name.as_str());
    if let Some(lb) = &svc.load_balancer {
        return derived::container_port(svc)
            .map(|port| LoadBalancer {
                path: crate::diag::join(&base, "load_balancer"),
                target_group_arn: lb.target_group_arn.clone(),
                container: name.to_string(),
                container_port: port,
                security_group_id: None,
                advanced_configuration: lb.advanced_configuration.clone(),
                grace_period_seconds: lb.health_check_grace_period_seconds,
            })
            .into_iter()
            .collect();
    }
    svc.load_balancers
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let container = t.container.clone().unwrap_or_else(|| name.to_string());
            let port = match svc.sidecars.iter().find(|s| s.name == container) {
                Some(s) => s.container.port,
                None => svc.container.port,
            };
            Some(LoadBalancer {
                path: format!("{base}.load_balancers[{i}]"),
                target_group_arn: Some(t.target_group_arn.clone()),
                container,
                container_port: t.container_port.or(port)?,
                security_group_id: t.security_group_id.clone(),
                advanced_configuration: t.advanced_configuration.clone(),
                grace_period_seconds: None,
            })
        })
        .collect()
}

/// Every target group entry as written: the shorthand, then the `load_balancers` entries.
pub(super) fn written_targets(name: &ServiceName, svc: &model::Service) -> Vec<WrittenTarget> {
    let base = crate::diag::join("services", name.as_str());
    let shorthand = svc.load_balancer.iter().map(|lb| WrittenTarget {
        path: crate::diag::join(&base, "load_balancer"),
        shorthand: true,
        target_group_arn: lb.target_group_arn.clone(),
        container: None,
        container_port: lb.container_port,
        security_group_id: None,
        grace_period_seconds: lb.health_check_grace_period_seconds,
        load_balancer_arn_suffix: lb.load_balancer_arn_suffix.clone(),
        target_group_arn_suffix: lb.target_group_arn_suffix.clone(),
    });
    let entries = svc
        .load_balancers
        .iter()
        .enumerate()
        .map(|(i, t)| WrittenTarget {
            path: format!("{base}.load_balancers[{i}]"),
            shorthand: false,
            target_group_arn: Some(t.target_group_arn.clone()),
            container: t.container.clone(),
            container_port: t.container_port,
            security_group_id: t.security_group_id.clone(),
            grace_period_seconds: None,
            load_balancer_arn_suffix: None,
            target_group_arn_suffix: None,
        });
    shorthand.chain(entries).collect()
}

/// The health check grace period: the shorthand's, else `deployment`'s, else 60 s; `None`
/// without a load balancer (ECS uses it only with one).
pub(super) fn grace_period(svc: &model::Service, lbs: &[LoadBalancer]) -> Option<u32> {
    if lbs.is_empty() {
        return None;
    }
    let given = svc
        .load_balancer
        .as_ref()
        .and_then(|l| l.health_check_grace_period_seconds)
        .or_else(|| {
            svc.deployment
                .as_ref()
                .and_then(|d| d.health_check_grace_period_seconds)
        });
    Some(given.unwrap_or(DEFAULT_GRACE_PERIOD))
}

/// Ingress from the load balancers: one rule per distinct (security group, port).
pub(super) fn lb_ingress(name: &ServiceName, lbs: &[LoadBalancer]) -> Vec<Ingress> {
    let mut pairs: Vec<(Option<&str>, u16)> = Vec::new();
    for lb in lbs {
        let pair = (lb.security_group_id.as_deref(), lb.container_port);
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    let one = pairs.len() == 1;
    pairs
        .into_iter()
        .enumerate()
        .map(|(i, (sg, port))| Ingress {
            label: if one {
                "from_lb".to_owned()
            } else {
                format!("from_lb_{}", i + 1)
            },
            description: match sg {
                Some(sg) => format!("Load balancer {sg} to {name} on {port}"),
                None => format!("Load balancer to {name} on {port}"),
            },
            port,
            from: match sg {
                Some(sg) => Source::SecurityGroup(sg.to_owned()),
                None => Source::Variable {
                    name: format!("{}_lb_security_group_id", name.ident()),
                    description: format!("Security group of the load balancer in front of {name}."),
                },
            },
        })
        .collect()
}

pub(super) fn service_connect(svc: &model::Service) -> Option<ServiceConnect> {
    let sc = svc.service_connect.as_ref()?;
    Some(ServiceConnect {
        namespace: sc.namespace.clone(),
        services: sc
            .services
            .iter()
            .map(|s| ConnectService {
                port_name: s.port_name.clone(),
                discovery_name: s.discovery_name.clone(),
                client_alias: s
                    .client_aliases
                    .first()
                    .map(|a| (a.port, a.dns_name.clone())),
                test_traffic_header: s
                    .client_aliases
                    .first()
                    .and_then(|a| a.test_traffic_header.as_ref())
                    .map(|h| (h.name.clone(), h.value.clone())),
            })
            .collect(),
    })
}

/// The other services of the stack that reach `name` through Service Connect (clients in its
/// namespace), when `name` offers an endpoint there: the ingress on its port from each.
pub(super) fn connect_ingress(
    stack: &model::Stack,
    name: &ServiceName,
    svc: &model::Service,
) -> Vec<Ingress> {
    let Some(port) = connect_server_port(svc) else {
        return Vec::new();
    };
    connect_peers(stack, name, svc)
        .map(|client| Ingress {
            label: format!("sc_from_{}", client.ident()),
            description: format!("{client} to {name} on {port} through Service Connect"),
            port,
            from: Source::Service(client.clone()),
        })
        .collect()
}

/// The egress from `name`'s tasks to each service of its namespace that offers an endpoint.
pub(super) fn connect_egress(
    stack: &model::Stack,
    name: &ServiceName,
    svc: &model::Service,
) -> Vec<Egress> {
    if svc.service_connect.is_none() {
        return Vec::new();
    }
    connect_peers(stack, name, svc)
        .filter_map(|server| {
            let port = connect_server_port(&stack.services[server])?;
            Some(Egress {
                label: format!("sc_to_{}", server.ident()),
                description: format!("{name} to {server} on {port} through Service Connect"),
                protocol: IpProtocol::Tcp,
                ports: Some((port, port)),
                to: Destination::Service(server.clone()),
            })
        })
        .collect()
}

/// The port that Service Connect clients reach a service on: its main container's (the only
/// named port), when it offers an endpoint. In awsvpc mode the proxy listens on it.
fn connect_server_port(svc: &model::Service) -> Option<u16> {
    let sc = svc.service_connect.as_ref()?;
    if sc.services.is_empty() {
        return None;
    }
    derived::container_port(svc)
}

/// The other services in the same namespace (as written) as `name`, in name order.
fn connect_peers<'a>(
    stack: &'a model::Stack,
    name: &'a ServiceName,
    svc: &'a model::Service,
) -> impl Iterator<Item = &'a ServiceName> {
    let namespace = svc.service_connect.as_ref().map(|s| &s.namespace);
    stack.services().filter_map(move |(other, o)| {
        let same = o.service_connect.as_ref().map(|s| &s.namespace) == namespace;
        (other != name && namespace.is_some() && same).then_some(other)
    })
}

/// The stack's own egress rules, labelled by position.
/// The stack's own egress rules. A rule without exactly one destination, or without the port
/// its protocol needs, is left out: the `egress` rule reports it (from
/// `Service::written_egress`), so lowering never sees it.
pub(super) fn user_egress(name: &ServiceName, rules: &[EgressRule]) -> Vec<Egress> {
    rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let protocol = match defaults::egress_protocol(r) {
                EgressProtocol::Tcp => IpProtocol::Tcp,
                EgressProtocol::Udp => IpProtocol::Udp,
                EgressProtocol::All => IpProtocol::All,
            };
            let ports = match protocol {
                IpProtocol::All => None,
                IpProtocol::Tcp | IpProtocol::Udp => {
                    let from = r.port?;
                    Some((from, r.to_port.unwrap_or(from)))
                }
            };
            let (to, shown) = match r.destinations().as_slice() {
                [("cidr_ipv4", v)] => (Destination::Cidr((*v).to_owned()), *v),
                [("prefix_list_id", v)] => (Destination::PrefixList((*v).to_owned()), *v),
                [("security_group_id", v)] => (Destination::SecurityGroup((*v).to_owned()), *v),
                _ => return None,
            };
            let what = match ports {
                None => "all traffic".to_owned(),
                Some((a, b)) if a == b => format!("{} {a}", protocol.as_str()),
                Some((a, b)) => format!("{} {a}-{b}", protocol.as_str()),
            };
            Some(Egress {
                label: format!("egress_{i}"),
                description: r
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("{name} to {shown} on {what}")),
                protocol,
                ports,
                to,
            })
        })
        .collect()
}

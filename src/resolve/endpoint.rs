//! Resolved VPC endpoints: the final list, each with its type settled and its private DNS decided.

use super::derived;
use std::collections::BTreeSet;

use crate::facts::endpoints::{default_type, Purpose, GATEWAY_SERVICES, NEED_ORDER};

use super::needs::service_needs;
/// The model's endpoint type, which resolved endpoints keep as it is.
pub(crate) use crate::model::endpoint::EndpointType;
use crate::model::endpoint::{EndpointSpec, Preset, VpcEndpoints};
use crate::model::{ServiceName, Stack};

/// The name of the built-in policy that limits s3 to the region's ECR layer bucket.
pub(crate) const ECR_LAYERS_POLICY: &str = "ecr-layers";

/// The Terraform label of an endpoint: `ecr.api` -> `ecr_api`. An endpoint whose type is not its
/// service's default gets the type as a suffix (`s3_interface`), so that s3 can have both kinds
/// and a label never changes when the other kind is added.
pub(crate) fn label(service: &str, ty: EndpointType) -> String {
    let mut l = service.replace(['.', '-'], "_");
    if ty != default_type(service) {
        l.push('_');
        l.push_str(&ty.as_str().to_ascii_lowercase());
    }
    l
}

/// One endpoint the stack creates: an entry of `vpc_endpoints` (or of its preset), with its type
/// settled and its private DNS and policy decided, and what the entry wrote, for the rules.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Endpoint {
    /// The short service name, `ecr.api`.
    pub service: String,
    /// The Terraform label, `ecr_api` (see [`label`]).
    pub label: String,
    pub kind: EndpointKind,
    pub policy: Option<EndpointPolicy>,
    /// `private_dns_enabled` as written; `None` means gen-tf's default (in `kind`).
    pub written_private_dns: Option<bool>,
    /// JSON path of the entry, for diagnostics. The preset's endpoints point at `vpc_endpoints`.
    pub path: String,
    /// Whether the entry is an object, so that its fields have paths of their own.
    pub is_object: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EndpointKind {
    /// Routes in the private route tables; tasks reach it through its prefix list.
    Gateway,
    Interface {
        private_dns: bool,
        /// S3 and DynamoDB Interface endpoints with private DNS: whether it serves only inbound
        /// resolver endpoints (true when the VPC also has the service's Gateway endpoint).
        dns_only_for_inbound_resolver: Option<bool>,
        /// The Gateway endpoint that must exist first, by label.
        after_gateway: Option<String>,
    },
}

impl Endpoint {
    pub(crate) fn ty(&self) -> EndpointType {
        match self.kind {
            EndpointKind::Gateway => EndpointType::Gateway,
            EndpointKind::Interface { .. } => EndpointType::Interface,
        }
    }

    /// The path of one of the entry's fields, or of the entry when it is a plain name.
    pub(crate) fn field_path(&self, field: &str) -> String {
        if self.is_object {
            crate::diag::join(&self.path, field)
        } else {
            self.path.clone()
        }
    }
}

/// An endpoint the VPC already has (`network.existing_vpc_endpoints`), with its default type:
/// not created, but reached by the tasks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Existing {
    pub service: String,
    /// The Terraform label of its prefix-list lookup (Gateway endpoints), `existing_s3`.
    pub label: String,
    pub ty: EndpointType,
    /// JSON path of the entry.
    pub path: String,
}

/// The stack's existing endpoints, in the order written.
pub(crate) fn existing(stack: &Stack) -> Vec<Existing> {
    stack
        .network
        .iter()
        .flat_map(|n| n.existing_vpc_endpoints.iter().enumerate())
        .map(|(i, s)| {
            let ty = default_type(s);
            Existing {
                label: format!("existing_{}", label(s, ty)),
                service: s.clone(),
                ty,
                path: format!("network.existing_vpc_endpoints[{i}]"),
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EndpointPolicy {
    /// Only s3:GetObject on the region's ECR layer bucket.
    EcrLayers,
    /// The user's policy document, as given.
    Document(serde_json::Value),
}

/// The stack's endpoints, in output order: the list as written, or the preset's set (without
/// what the VPC already has). Empty without `vpc_endpoints`.
pub(crate) fn resolve(stack: &Stack) -> Vec<Endpoint> {
    let mut all = written(stack);
    let gateways: BTreeSet<String> = all
        .iter()
        .filter(|e| e.ty() == EndpointType::Gateway)
        .map(|e| e.service.clone())
        .collect();
    for e in &mut all {
        if e.ty() == EndpointType::Interface {
            e.kind = interface(&e.service, e.written_private_dns, &gateways);
        }
    }
    all
}

/// An Interface endpoint's private DNS, given the services that have a Gateway endpoint.
fn interface(service: &str, written: Option<bool>, gateways: &BTreeSet<String>) -> EndpointKind {
    if !GATEWAY_SERVICES.contains(&service) {
        return EndpointKind::Interface {
            private_dns: written.unwrap_or(true),
            dns_only_for_inbound_resolver: None,
            after_gateway: None,
        };
    }
    // S3 (and DynamoDB) private DNS defaults to "only for inbound resolver endpoints", which AWS
    // refuses unless the VPC has the service's Gateway endpoint. With the Gateway, VPC traffic
    // keeps using it (no per-GB charge) and the Interface endpoint serves on-premises callers;
    // without it, the user's choice is spelt out. Source:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html#private-dns
    let gateway = gateways.contains(service);
    let on = written.unwrap_or(gateway);
    EndpointKind::Interface {
        private_dns: on,
        dns_only_for_inbound_resolver: on.then_some(gateway),
        after_gateway: (on && gateway).then(|| label(service, EndpointType::Gateway)),
    }
}

/// One entry as written, its type settled; an Interface endpoint's private DNS is decided by
/// [`resolve`] once every entry is known.
fn entry(
    service: &str,
    ty: EndpointType,
    written_private_dns: Option<bool>,
    policy: Option<&serde_json::Value>,
    path: String,
    is_object: bool,
) -> Endpoint {
    Endpoint {
        service: service.to_owned(),
        label: label(service, ty),
        kind: match ty {
            EndpointType::Gateway => EndpointKind::Gateway,
            EndpointType::Interface => EndpointKind::Interface {
                private_dns: written_private_dns.unwrap_or(true),
                dns_only_for_inbound_resolver: None,
                after_gateway: None,
            },
        },
        policy: policy.map(|p| match p {
            serde_json::Value::String(s) if s == ECR_LAYERS_POLICY => EndpointPolicy::EcrLayers,
            other => EndpointPolicy::Document(other.clone()),
        }),
        written_private_dns,
        path,
        is_object,
    }
}

fn written(stack: &Stack) -> Vec<Endpoint> {
    match &stack.vpc_endpoints {
        None => Vec::new(),
        Some(VpcEndpoints::Preset(Preset::FargatePrivate)) => needs(stack)
            .into_iter()
            .filter(|n| {
                !existing(stack)
                    .iter()
                    .any(|e| e.service == n.service && e.ty == n.ty)
            })
            // One endpoint serves every purpose that needs it (s3 for image layers and for
            // environment files, secretsmanager for secrets and registry credentials).
            .filter({
                let mut seen = BTreeSet::new();
                move |n| seen.insert((n.service, n.ty))
            })
            .map(|n| {
                entry(
                    n.service,
                    n.ty,
                    None,
                    None,
                    "vpc_endpoints".to_owned(),
                    false,
                )
            })
            .collect(),
        Some(VpcEndpoints::List(list)) => list
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let path = format!("vpc_endpoints[{i}]");
                match spec {
                    EndpointSpec::Short(s) => entry(s, default_type(s), None, None, path, false),
                    EndpointSpec::Full(c) => entry(
                        &c.service,
                        c.endpoint_type.unwrap_or_else(|| default_type(&c.service)),
                        c.private_dns_enabled,
                        c.policy.as_ref(),
                        path,
                        true,
                    ),
                }
            })
            .collect(),
    }
}

/// An endpoint that the stack's tasks need when they have no NAT gateway.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Need {
    pub service: &'static str,
    pub ty: EndpointType,
    pub purpose: Purpose,
    /// The services that need it, in name order.
    pub users: Vec<ServiceName>,
}

/// The endpoints that the stack's tasks need to start and run without a NAT gateway, each with
/// the services that need it, in a fixed order. An endpoint needed for two purposes is listed
/// once per purpose, so that a missing one names what fails for whom.
pub(crate) fn needs(stack: &Stack) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    // Tasks in public subnets with a public IP reach AWS over the internet gateway.
    for (name, svc) in stack.services().filter(|(_, s)| !derived::is_public(s)) {
        for (service, ty, purpose) in service_needs(svc) {
            let same = |n: &&mut Need| n.service == service && n.ty == ty && n.purpose == purpose;
            match out.iter_mut().find(same) {
                Some(n) if n.users.last() == Some(name) => {}
                Some(n) => n.users.push(name.clone()),
                None => out.push(Need {
                    service,
                    ty,
                    purpose,
                    users: vec![name.clone()],
                }),
            }
        }
    }
    let rank = |s: &str| {
        NEED_ORDER
            .iter()
            .position(|o| *o == s)
            .unwrap_or(NEED_ORDER.len())
    };
    out.sort_by_key(|n| rank(n.service));
    out
}

/// The Interface endpoints' security group: `network.vpc_endpoint_security_group` (else gen-tf
/// names it by prefix), and its description, given or derived.
pub(crate) fn security_group(stack: &Stack) -> (Option<String>, String) {
    let n = stack.network.as_ref();
    (
        n.and_then(|n| n.vpc_endpoint_security_group.clone()),
        n.and_then(|n| n.vpc_endpoint_security_group_description.clone())
            .unwrap_or_else(|| {
                format!(
                    "Interface VPC endpoints of the {} stack: HTTPS from its tasks only.",
                    stack.name
                )
            }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label("ecr.api", EndpointType::Interface), "ecr_api");
        assert_eq!(label("s3", EndpointType::Gateway), "s3");
        assert_eq!(label("s3", EndpointType::Interface), "s3_interface");
        assert_eq!(label("execute-api", EndpointType::Interface), "execute_api");
    }
}

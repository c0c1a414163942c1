//! Resolved VPC endpoints: the final list, each with its type settled and its private DNS decided.

use crate::model::endpoint::{self as m, EndpointType, ECR_LAYERS_POLICY, GATEWAY_SERVICES};
use crate::model::Stack;

#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The short service name, `ecr.api`.
    pub service: String,
    /// The Terraform label, `ecr_api` (see [`m::label`]).
    pub label: String,
    pub kind: EndpointKind,
    pub policy: Option<EndpointPolicy>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointKind {
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
    pub fn ty(&self) -> EndpointType {
        match self.kind {
            EndpointKind::Gateway => EndpointType::Gateway,
            EndpointKind::Interface { .. } => EndpointType::Interface,
        }
    }
}

/// An endpoint the VPC already has: not created, but reached by the tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub service: String,
    /// The Terraform label of its prefix-list lookup (Gateway endpoints), `existing_s3`.
    pub label: String,
    pub ty: EndpointType,
}

pub(super) fn existing(stack: &Stack) -> Vec<Existing> {
    m::existing(stack)
        .map(|e| Existing {
            label: format!("existing_{}", m::label(&e.service, e.ty)),
            service: e.service,
            ty: e.ty,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointPolicy {
    /// Only s3:GetObject on the region's ECR layer bucket.
    EcrLayers,
    /// The user's policy document, as given.
    Document(serde_json::Value),
}

pub(super) fn resolve(stack: &Stack) -> Vec<Endpoint> {
    let all = m::resolve(stack);
    all.iter()
        .map(|e| Endpoint {
            service: e.service.clone(),
            label: e.label(),
            kind: match e.ty {
                EndpointType::Gateway => EndpointKind::Gateway,
                EndpointType::Interface => interface(e, &all),
            },
            policy: e.policy.as_ref().map(|p| match p {
                serde_json::Value::String(s) if s == ECR_LAYERS_POLICY => EndpointPolicy::EcrLayers,
                other => EndpointPolicy::Document(other.clone()),
            }),
        })
        .collect()
}

fn interface(e: &m::Endpoint, all: &[m::Endpoint]) -> EndpointKind {
    if !GATEWAY_SERVICES.contains(&e.service.as_str()) {
        return EndpointKind::Interface {
            private_dns: e.private_dns_enabled.unwrap_or(true),
            dns_only_for_inbound_resolver: None,
            after_gateway: None,
        };
    }
    // S3 (and DynamoDB) private DNS defaults to "only for inbound resolver endpoints", which AWS
    // refuses unless the VPC has the service's Gateway endpoint. With the Gateway, VPC traffic
    // keeps using it (no per-GB charge) and the Interface endpoint serves on-premises callers;
    // without it, the user's choice is spelt out. Source:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html#private-dns
    let gateway = all
        .iter()
        .any(|g| g.service == e.service && g.ty == EndpointType::Gateway);
    let on = e.private_dns_enabled.unwrap_or(gateway);
    EndpointKind::Interface {
        private_dns: on,
        dns_only_for_inbound_resolver: on.then_some(gateway),
        after_gateway: (on && gateway).then(|| m::label(&e.service, EndpointType::Gateway)),
    }
}

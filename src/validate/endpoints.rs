//! VPC endpoints: the set that private tasks need, and entries AWS would refuse.
//!
//! Lowering writes [`endpoint::resolve`]'s endpoints as they are, so everything that would make
//! one invalid Terraform or a failing `apply` is rejected here.

use std::collections::BTreeMap;

use crate::diag::{did_you_mean, join, Diagnostic, Rule, Severity};
use crate::facts::endpoints::{self as facts, ImageSource, Purpose, GATEWAY_SERVICES};
use crate::model::names::ServiceName;
use crate::resolve::endpoint::{Endpoint, EndpointPolicy, EndpointType, Need, ECR_LAYERS_POLICY};
use crate::resolve::Resolved;

const ECR_DOCS: &str = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html";

pub(super) static ENDPOINT_MISSING: Rule = Rule {
    code: "endpoint-missing",
    severity: Severity::Error,
    summary: "A stack without a NAT gateway lacks a VPC endpoint that its tasks need.",
    fact: "Without a route to the internet, Fargate tasks (platform 1.4.0+) reach AWS only through VPC endpoints: ecr.api, ecr.dkr and the s3 Gateway endpoint to pull ECR images (layers are in S3, and S3 Interface endpoints cannot be used by ECR), logs for the awslogs driver, secretsmanager or ssm for secrets; a missing one fails the task at start. ECS Exec needs ssmmessages and Service Connect needs ecs-agent, through which ECS manages the proxy. Tasks in public subnets use the internet gateway instead.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
};

pub(super) static ENDPOINT_GATEWAY: Rule = Rule {
    code: "endpoint-gateway",
    severity: Severity::Error,
    summary: "A Gateway endpoint for a service that has no Gateway endpoint.",
    fact: "Only Amazon S3 and DynamoDB have gateway endpoints; every other service is reached through Interface endpoints. CreateVpcEndpoint fails for anything else.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
};

pub(super) static ENDPOINT_S3_INTERFACE: Rule = Rule {
    code: "endpoint-s3-interface",
    severity: Severity::Warning,
    summary: "s3 is only an Interface endpoint while services pull images from ECR.",
    fact: "Amazon ECR keeps image layers in S3 and reaches them only through the S3 Gateway endpoint; S3 Interface endpoints cannot be used with ECR, so layers keep going through the NAT gateway (which bills per GB). Gateway endpoints have no hourly or data charge.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
};

pub(super) static ENDPOINT_DUPLICATE: Rule = Rule {
    code: "endpoint-duplicate",
    severity: Severity::Error,
    summary: "The same endpoint is listed twice.",
    fact: "A VPC has at most one endpoint of each type for a service with private DNS; a second one fails at apply time, and both would have the same Terraform label.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
};

pub(super) static ENDPOINT_SERVICE: Rule = Rule {
    code: "endpoint-service",
    severity: Severity::Error,
    summary: "An endpoint service name that is not a short AWS service name.",
    fact: "Endpoint service names are com.amazonaws.<region>.<service>, where <service> is lower-case words separated by '.' (ecr.api, s3, logs). gen-tf adds the prefix and the region.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
};

pub(super) static ENDPOINT_POLICY: Rule = Rule {
    code: "endpoint-policy",
    severity: Severity::Error,
    summary: "An endpoint policy that is neither a policy document nor a built-in policy name.",
    fact: "An endpoint policy is an IAM resource policy document with a Statement. The built-in 'ecr-layers' allows only s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/*, the minimum ECR needs, so it applies to s3 only.",
    source: ECR_DOCS,
};

pub(super) static ENDPOINT_PRIVATE_DNS: Rule = Rule {
    code: "endpoint-private-dns",
    severity: Severity::Error,
    summary: "private_dns_enabled on a Gateway endpoint, or off for an endpoint that private tasks need.",
    fact: "Private DNS exists only for Interface endpoints. Without it, the ECS agent and SDKs resolve the public service names, which a subnet without a NAT gateway cannot reach.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns",
};

pub(super) static IMAGE_UNREACHABLE: Rule = Rule {
    code: "image-unreachable",
    severity: Severity::Error,
    summary: "A stack without a NAT gateway uses an image that no VPC endpoint serves.",
    fact: "VPC endpoints serve only the private ECR registry of their own region. Images on Docker Hub, Amazon ECR Public (public.ecr.aws) and other registries, or in another region's ECR, need a route to the internet.",
    source: ECR_DOCS,
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &ENDPOINT_MISSING,
    &ENDPOINT_GATEWAY,
    &ENDPOINT_S3_INTERFACE,
    &ENDPOINT_DUPLICATE,
    &ENDPOINT_SERVICE,
    &ENDPOINT_POLICY,
    &ENDPOINT_PRIVATE_DNS,
    &IMAGE_UNREACHABLE,
];

/// Endpoints that tasks commonly reach besides the ones gen-tf derives from a service's needs.
const ALSO_KNOWN: &[&str] = &["sts", "dynamodb", "monitoring", "sqs", "sns"];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    let endpoints = &stack.endpoints;
    for e in endpoints {
        check_entry(e, out);
    }
    check_duplicates(endpoints, out);
    check_existing(stack, endpoints, out);
    check_needs(stack, endpoints, out);
    if !stack.nat_gateway {
        check_images(stack, out);
    }
}

fn check_entry(e: &Endpoint, out: &mut Vec<Diagnostic>) {
    if let Some((message, help)) = service_name_problem(&e.service) {
        out.push(Diagnostic::new(&ENDPOINT_SERVICE, e.field_path("service"), message).help(help));
        // The other checks of this entry would only repeat the bad name.
        return;
    }
    if e.ty() == EndpointType::Gateway && !GATEWAY_SERVICES.contains(&e.service.as_str()) {
        out.push(
            Diagnostic::new(
                &ENDPOINT_GATEWAY,
                e.field_path("type"),
                format!(
                    "{} has no Gateway endpoint; only s3 and dynamodb do",
                    e.service
                ),
            )
            .help(format!(
                "remove `type` ({} is an Interface endpoint), or write type: 'Interface'",
                e.service
            )),
        );
    }
    if e.ty() == EndpointType::Gateway && e.written_private_dns.is_some() {
        out.push(
            Diagnostic::new(&ENDPOINT_PRIVATE_DNS,
                e.field_path("private_dns_enabled"),
                format!("the {} Gateway endpoint has no private DNS; private_dns_enabled applies to Interface endpoints only", e.service),
            )
            .help("remove private_dns_enabled: Gateway endpoints work through route tables"),
        );
    }
    if let Some(policy) = &e.policy {
        check_policy(e, policy, out);
    }
}

/// Why `s` is not a short service name, with a fix.
fn service_name_problem(s: &str) -> Option<(String, String)> {
    if let Some(rest) = s.strip_prefix("com.amazonaws.") {
        // com.amazonaws.<region>.<service>: keep <service>.
        let short = rest.split_once('.').map_or(rest, |(_, svc)| svc);
        return Some((
            format!("endpoint service {s:?} is a full service name"),
            format!("write only the service, {short:?}: gen-tf adds com.amazonaws.<region>. from the stack's region"),
        ));
    }
    if s.is_empty() {
        return Some((
            "the endpoint service name is empty".to_owned(),
            "name the service, the part after com.amazonaws.<region>.: for example \"ecr.api\", \"s3\" or \"logs\"".to_owned(),
        ));
    }
    let segment_ok = |seg: &str| {
        seg.starts_with(|c: char| c.is_ascii_lowercase())
            && !seg.ends_with('-')
            && seg
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if s.split('.').all(segment_ok) {
        return None;
    }
    let guess = s.to_ascii_lowercase().replace(['_', ' ', '/'], ".");
    let help = match did_you_mean(
        &guess,
        facts::NEED_ORDER.iter().chain(ALSO_KNOWN).copied(),
    ) {
        Some(k) => format!("did you mean {k:?}?"),
        None => "use the part after com.amazonaws.<region>., in lower case: for example \"ecr.api\", \"s3\" or \"logs\"".to_owned(),
    };
    Some((format!("{s:?} is not an endpoint service name"), help))
}

fn check_policy(e: &Endpoint, policy: &EndpointPolicy, out: &mut Vec<Diagnostic>) {
    let path = e.field_path("policy");
    let document = match policy {
        EndpointPolicy::EcrLayers => {
            if e.service != "s3" {
                out.push(
                    Diagnostic::new(&ENDPOINT_POLICY,
                        path,
                        format!("the built-in policy 'ecr-layers' limits S3 access; it does not apply to {}", e.service),
                    )
                    .help("move policy: 'ecr-layers' to the s3 endpoint, or give a policy document object"),
                );
            }
            return;
        }
        EndpointPolicy::Document(document) => document,
    };
    match document {
        serde_json::Value::String(name) => {
            let help = match did_you_mean(name, [ECR_LAYERS_POLICY]) {
                Some(k) => format!("did you mean {k:?}? Otherwise give a policy document object {{ Version, Statement }}"),
                None => "use the built-in 'ecr-layers' (s3 only) or a policy document object { Version, Statement }".to_owned(),
            };
            out.push(
                Diagnostic::new(&ENDPOINT_POLICY, path, format!("unknown built-in endpoint policy {name:?}"))
                    .help(help),
            );
        }
        serde_json::Value::Object(doc) if doc.contains_key("Statement") => {}
        serde_json::Value::Object(_) => out.push(
            Diagnostic::new(&ENDPOINT_POLICY, path, "the endpoint policy document has no Statement")
                .help("add Statement: [{ Effect, Principal, Action, Resource }] (and Version: '2012-10-17')"),
        ),
        _ => out.push(
            Diagnostic::new(&ENDPOINT_POLICY, path, "an endpoint policy must be a policy document object or a built-in policy name")
                .help("give { Version: '2012-10-17', Statement: [...] }, or 'ecr-layers' for s3"),
        ),
    }
}

/// Same service and type twice, or two services that would share a Terraform label.
fn check_duplicates(endpoints: &[Endpoint], out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, &Endpoint> = BTreeMap::new();
    for e in endpoints {
        if service_name_problem(&e.service).is_some() {
            continue;
        }
        let label = e.label.clone();
        match seen.get(&label) {
            Some(first) if first.service == e.service => out.push(
                Diagnostic::new(
                    &ENDPOINT_DUPLICATE,
                    e.path.clone(),
                    format!(
                        "the {} {} endpoint is listed twice",
                        e.service,
                        e.ty().as_str()
                    ),
                )
                .help(format!(
                    "remove this entry; {} already creates it",
                    first.path
                )),
            ),
            Some(first) => out.push(
                Diagnostic::new(
                    &ENDPOINT_DUPLICATE,
                    e.path.clone(),
                    format!(
                        "{} and {} would both be aws_vpc_endpoint.{label}",
                        first.service, e.service
                    ),
                )
                .help(format!(
                    "keep only the real service name of the two ({} or {})",
                    first.service, e.service
                )),
            ),
            None => {
                seen.insert(label, e);
            }
        }
    }
}

fn users(names: &[ServiceName]) -> String {
    let names: Vec<&str> = names.iter().map(ServiceName::as_str).collect();
    match names.as_slice() {
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

/// Without NAT every need must be met; with NAT, only the s3 Interface warning applies.
/// Existing endpoints: real service names, each once, and not also created by the stack.
fn check_existing(stack: &Resolved, endpoints: &[Endpoint], out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<String> = Vec::new();
    for e in &stack.existing_endpoints {
        if let Some((message, help)) = service_name_problem(&e.service) {
            out.push(Diagnostic::new(&ENDPOINT_SERVICE, e.path.clone(), message).help(help));
            continue;
        }
        if seen.contains(&e.service) {
            out.push(
                Diagnostic::new(
                    &ENDPOINT_DUPLICATE,
                    e.path.clone(),
                    format!("{} is listed twice", e.service),
                )
                .help("remove this entry"),
            );
            continue;
        }
        seen.push(e.service.clone());
        if let Some(created) = endpoints
            .iter()
            .find(|c| c.service == e.service && c.ty() == e.ty)
        {
            out.push(
                Diagnostic::new(
                    &ENDPOINT_DUPLICATE,
                    created.path.clone(),
                    format!("the VPC already has the {} endpoint ({}), and a second one with private DNS fails with \"conflicting DNS domain\"", e.service, e.path),
                )
                .help(format!("remove {} from vpc_endpoints, or from network.existing_vpc_endpoints if the stack should own it", e.service)),
            );
        }
    }
}

fn check_needs(stack: &Resolved, endpoints: &[Endpoint], out: &mut Vec<Diagnostic>) {
    let existing = &stack.existing_endpoints;
    let has = |service: &str, ty: EndpointType| {
        endpoints
            .iter()
            .find(|e| e.service == service && e.ty() == ty)
    };
    let exists = |service: &str, ty: EndpointType| {
        existing.iter().any(|e| e.service == service && e.ty == ty)
    };
    let list_path = if stack.written_vpc_endpoints {
        "vpc_endpoints"
    } else {
        "network.nat_gateway"
    };
    let nat = stack.nat_gateway;
    for need in &stack.needs {
        if exists(need.service, need.ty) {
            continue;
        }
        let found = has(need.service, need.ty);
        if nat {
            let s3_interface = has("s3", EndpointType::Interface);
            if need.purpose == Purpose::ImagePull
                && need.service == "s3"
                && found.is_none()
                && s3_interface.is_some()
            {
                out.push(
                    Diagnostic::new(&ENDPOINT_S3_INTERFACE,
                        s3_interface.map(|e| e.path.clone()).unwrap_or_default(),
                        format!(
                            "s3 is only an Interface endpoint, which ECR cannot use: the image layers of {} still come through the NAT gateway",
                            users(&need.users)
                        ),
                    )
                    .help("add 's3' (a Gateway endpoint, free of charge) to vpc_endpoints"),
                );
            }
            continue;
        }
        match found {
            None => out.push(missing(need, list_path, has("s3", EndpointType::Interface).is_some())),
            Some(e) if e.written_private_dns == Some(false) => out.push(
                Diagnostic::new(&ENDPOINT_PRIVATE_DNS,
                    e.field_path("private_dns_enabled"),
                    format!(
                        "the {} endpoint has private DNS off: without a NAT gateway, {} {}",
                        e.service,
                        users(&need.users),
                        need.purpose.failure()
                    ),
                )
                .help("remove private_dns_enabled (it defaults to true), so the public service name resolves to the endpoint"),
            ),
            Some(_) => {}
        }
    }
}

fn missing(need: &Need, path: &str, s3_interface: bool) -> Diagnostic {
    let what = match need.ty {
        EndpointType::Gateway => format!("{} Gateway endpoint", need.service),
        EndpointType::Interface => format!("{} endpoint", need.service),
    };
    let mut message = format!(
        "no {what}: without a NAT gateway, {} {}",
        users(&need.users),
        need.purpose.failure()
    );
    if need.purpose == Purpose::ImagePull && need.service == "s3" {
        message.push_str(if s3_interface {
            " (image layers come from S3, and ECR cannot use the s3 Interface endpoint)"
        } else {
            " (image layers come from S3)"
        });
    }
    let entry = match need.ty {
        EndpointType::Gateway => format!("'{}' (a Gateway endpoint)", need.service),
        EndpointType::Interface => format!("'{}'", need.service),
    };
    Diagnostic::new(&ENDPOINT_MISSING, path, message).help(format!(
        "add {entry} to vpc_endpoints, or write vpc_endpoints: 'fargate-private' for every endpoint the services need"
    ))
}

/// Without NAT, only the region's private ECR can be reached.
fn check_images(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    // Tasks in public subnets pull through the internet gateway (`private_images` leaves them
    // out).
    for (name, image) in &stack.private_images {
        let base = join("services", name.as_str());
        let why = match &image.source {
            ImageSource::Other { registry } => {
                format!("{registry} is not served by VPC endpoints")
            }
            ImageSource::Ecr { region } => match &stack.region {
                // A region AWS does not have is the `region` rule's to report.
                Some(r) if r != region && crate::model::aws::is_known_region(r) => {
                    format!("it is in ECR in {region}, and the stack's endpoints serve only {r}")
                }
                _ => continue,
            },
            ImageSource::Variable => continue,
        };
        let whose = match &image.sidecar {
            Some(sidecar) => format!("the image of {name}'s sidecar {sidecar}"),
            None => format!("{name}'s image"),
        };
        let path = format!("{base}.{}", image.path);
        let region = stack.region.as_deref().unwrap_or("the stack's region");
        let help = if image.has_credentials {
            format!("repository_credentials let ECS log in to the registry, but not reach it: set network.nat_gateway: true, or copy the image to ECR in {region} (an ECR pull through cache rule can mirror Docker Hub, GitHub, GitLab, Quay and Azure registries)")
        } else {
            format!("copy the image to ECR in {region} (an ECR pull through cache rule can mirror Docker Hub and ECR Public), or set network.nat_gateway: true")
        };
        out.push(
            Diagnostic::new(
                &IMAGE_UNREACHABLE,
                path,
                format!("without a NAT gateway, {whose} cannot be pulled: {why}"),
            )
            .help(help),
        );
    }
}

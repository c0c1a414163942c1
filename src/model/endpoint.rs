//! `vpc_endpoints` and `network`: what private tasks need to reach AWS without a NAT gateway.
//!
//! The entries deserialize by hand rather than through `#[serde(untagged)]`: an untagged enum
//! only says "data did not match any variant", while users need to hear which field or value
//! is wrong. The visitors hand maps and lists back to serde, so serde_path_to_error still
//! reports the exact JSON path (`vpc_endpoints[2].typ`).
//!
//! [`resolve`] and [`needs`] are shared by `validate` (which checks that the two agree) and
//! `lower` (which writes the resolved endpoints), so both stages see the same endpoints.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::names::ServiceName;
use super::service::Service;
use super::stack::Stack;

/// `vpc_endpoints`: a preset name (`'fargate-private'`) or a list of endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum VpcEndpoints {
    Preset(Preset),
    List(Vec<EndpointSpec>),
}

/// Endpoint sets that gen-tf derives from the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Preset {
    /// Exactly what the services need without a NAT gateway: ecr.api, ecr.dkr and the s3
    /// Gateway when they pull from ECR, logs for awslogs, and secretsmanager or ssm when their
    /// secrets refer to them.
    #[serde(rename = "fargate-private")]
    FargatePrivate,
}

/// One endpoint: a short service name (`'ecr.api'`, `'s3'`) or an object.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EndpointSpec {
    Short(String),
    Full(EndpointConfig),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// Short service name, the part after `com.amazonaws.<region>.`.
    pub service: String,
    /// Default: Gateway for s3 and dynamodb, Interface for everything else.
    #[serde(default, rename = "type")]
    pub endpoint_type: Option<EndpointType>,
    /// Interface endpoints only. Default true (for s3 and dynamodb Interface endpoints: true
    /// when the stack also has their Gateway endpoint, else false).
    #[serde(default)]
    pub private_dns_enabled: Option<bool>,
    /// An endpoint policy: a policy document object, or the name of a built-in policy
    /// (`'ecr-layers'` limits s3 to the region's ECR layer bucket).
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum EndpointType {
    Interface,
    Gateway,
}

impl EndpointType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interface => "Interface",
            Self::Gateway => "Gateway",
        }
    }
}

impl EndpointSpec {
    pub fn service(&self) -> &str {
        match self {
            Self::Short(s) => s,
            Self::Full(c) => &c.service,
        }
    }
}

impl<'de> Deserialize<'de> for VpcEndpoints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = VpcEndpoints;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the preset \"fargate-private\" or a list of endpoints")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Preset::deserialize(s.into_deserializer()).map(VpcEndpoints::Preset)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(VpcEndpoints::List)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for EndpointSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EndpointSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a service name such as \"ecr.api\", or an object { service, type, \
                     private_dns_enabled, policy }",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(EndpointSpec::Short(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                EndpointConfig::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(EndpointSpec::Full)
            }
        }
        d.deserialize_any(V)
    }
}

/// `network`: facts about the VPC that gen-tf cannot see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Whether the private subnets route to a NAT gateway. Default true. With false, every
    /// endpoint the services need must be in `vpc_endpoints` or `existing_vpc_endpoints`.
    #[serde(default = "yes")]
    pub nat_gateway: bool,
    /// Endpoints the VPC already has (a network team's, or another stack's), by short name:
    /// gen-tf does not create them (a second one with private DNS fails with "conflicting DNS
    /// domain"), counts them as present, and lets the tasks reach them: Interface endpoints
    /// through `var.vpc_endpoint_security_group_id`, s3 and dynamodb Gateway endpoints through
    /// their prefix lists.
    #[serde(default)]
    pub existing_vpc_endpoints: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Services that have Gateway endpoints (and, since 2023/2024, Interface endpoints too).
/// Source: https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
pub const GATEWAY_SERVICES: &[&str] = &["s3", "dynamodb"];

/// The name of the built-in policy that limits s3 to the region's ECR layer bucket.
pub const ECR_LAYERS_POLICY: &str = "ecr-layers";

/// The type an entry gets when it names none.
pub fn default_type(service: &str) -> EndpointType {
    if GATEWAY_SERVICES.contains(&service) {
        EndpointType::Gateway
    } else {
        EndpointType::Interface
    }
}

/// The Terraform label of an endpoint: `ecr.api` -> `ecr_api`. An endpoint whose type is not its
/// service's default gets the type as a suffix (`s3_interface`), so that s3 can have both kinds
/// and a label never changes when the other kind is added.
pub fn label(service: &str, ty: EndpointType) -> String {
    let mut l = service.replace(['.', '-'], "_");
    if ty != default_type(service) {
        l.push('_');
        l.push_str(&ty.as_str().to_ascii_lowercase());
    }
    l
}

/// One endpoint the stack asks for, with its defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub service: String,
    pub ty: EndpointType,
    /// What the user wrote; `None` means gen-tf's default.
    pub private_dns_enabled: Option<bool>,
    pub policy: Option<serde_json::Value>,
    /// JSON path of the entry, for diagnostics. The preset's endpoints point at `vpc_endpoints`.
    pub path: String,
    /// Whether the entry is an object, so that its fields have paths of their own.
    pub is_object: bool,
}

impl Endpoint {
    pub fn label(&self) -> String {
        label(&self.service, self.ty)
    }

    /// The path of one of the entry's fields, or of the entry when it is a plain name.
    pub fn field_path(&self, field: &str) -> String {
        if self.is_object {
            crate::diag::join(&self.path, field)
        } else {
            self.path.clone()
        }
    }
}

/// The stack's endpoints: the list as written, or the preset's set. Empty without
/// `vpc_endpoints`.
pub fn resolve(stack: &Stack) -> Vec<Endpoint> {
    match &stack.vpc_endpoints {
        None => Vec::new(),
        Some(VpcEndpoints::Preset(Preset::FargatePrivate)) => needs(stack)
            .into_iter()
            .filter(|n| !existing(stack).any(|e| e.service == n.service && e.ty == n.ty))
            // One endpoint serves every purpose that needs it (s3 for image layers and for
            // environment files, secretsmanager for secrets and registry credentials).
            .filter({
                let mut seen = std::collections::BTreeSet::new();
                move |n| seen.insert((n.service, n.ty))
            })
            .map(|n| Endpoint {
                service: n.service.to_owned(),
                ty: n.ty,
                private_dns_enabled: None,
                policy: None,
                path: "vpc_endpoints".to_owned(),
                is_object: false,
            })
            .collect(),
        Some(VpcEndpoints::List(list)) => list
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let path = format!("vpc_endpoints[{i}]");
                match spec {
                    EndpointSpec::Short(s) => Endpoint {
                        ty: default_type(s),
                        service: s.clone(),
                        private_dns_enabled: None,
                        policy: None,
                        path,
                        is_object: false,
                    },
                    EndpointSpec::Full(c) => Endpoint {
                        ty: c.endpoint_type.unwrap_or_else(|| default_type(&c.service)),
                        service: c.service.clone(),
                        private_dns_enabled: c.private_dns_enabled,
                        policy: c.policy.clone(),
                        path,
                        is_object: true,
                    },
                }
            })
            .collect(),
    }
}

/// An endpoint the VPC already has (`network.existing_vpc_endpoints`), with its default type.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub service: String,
    pub ty: EndpointType,
    /// JSON path of the entry.
    pub path: String,
}

/// The stack's existing endpoints, in the order written.
pub fn existing(stack: &Stack) -> impl Iterator<Item = Existing> + '_ {
    stack
        .network
        .iter()
        .flat_map(|n| n.existing_vpc_endpoints.iter().enumerate())
        .map(|(i, s)| Existing {
            service: s.clone(),
            ty: default_type(s),
            path: format!("network.existing_vpc_endpoints[{i}]"),
        })
}

/// What a task does with an endpoint, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ImagePull,
    Logs,
    Secrets,
    Tracing,
    EnvironmentFiles,
    RepositoryCredentials,
    /// ECS Exec's SSM agent (`ssmmessages`).
    ExecuteCommand,
    /// ECS's management of the Service Connect proxy (`ecs-agent`).
    ServiceConnect,
}

impl Purpose {
    /// What fails without the endpoint, completing "without a NAT gateway, <services> ...".
    pub fn failure(self) -> &'static str {
        match self {
            Self::ImagePull => "cannot pull images from ECR",
            Self::Logs => "cannot send awslogs logs to CloudWatch Logs",
            Self::Secrets => "cannot read secrets",
            Self::Tracing => "cannot send traces to X-Ray",
            Self::EnvironmentFiles => "cannot download environment_files from S3",
            Self::RepositoryCredentials => "cannot read repository_credentials",
            Self::ExecuteCommand => {
                "cannot open ECS Exec sessions (the SSM agent in the tasks needs ssmmessages)"
            }
            Self::ServiceConnect => {
                "cannot run the Service Connect proxy, which ECS manages through ecs-agent"
            }
        }
    }
}

/// An endpoint that the stack's tasks need when they have no NAT gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub service: &'static str,
    pub ty: EndpointType,
    pub purpose: Purpose,
    /// The services that need it, in name order.
    pub users: Vec<ServiceName>,
}

/// Where a container image comes from, as far as the network is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A private ECR registry (`<account>.dkr.ecr.<region>.amazonaws.com/...`).
    Ecr { region: String },
    /// The module variable `<service>_image`, documented as an ECR URI.
    Variable,
    /// Any other registry: Docker Hub, public.ecr.aws, ghcr.io... reachable only through a NAT
    /// gateway, because VPC endpoints do not serve them.
    Other { registry: String },
}

/// Classifies an image reference by its registry host, the part before the first `/` when that
/// part looks like a host (Docker's own rule: it has a `.` or `:`, or is `localhost`).
pub fn image_source(image: Option<&str>) -> ImageSource {
    let Some(image) = image else {
        return ImageSource::Variable;
    };
    let host = match image.split_once('/') {
        Some((h, _)) if h.contains(['.', ':']) || h == "localhost" => h,
        _ => {
            return ImageSource::Other {
                registry: "docker.io".to_owned(),
            }
        }
    };
    // <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]
    // Source: https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html
    let parts: Vec<&str> = host.split('.').collect();
    let is_ecr = parts.len() >= 6
        && parts[0].len() == 12
        && parts[0].bytes().all(|b| b.is_ascii_digit())
        && parts[1] == "dkr"
        && (parts[2] == "ecr" || parts[2] == "ecr-fips")
        && parts[4] == "amazonaws"
        && parts[5] == "com";
    if is_ecr {
        ImageSource::Ecr {
            region: parts[3].to_owned(),
        }
    } else {
        ImageSource::Other {
            registry: host.to_owned(),
        }
    }
}

/// One image a service's task pulls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// JSON path relative to the service: `image` or `sidecars[0].image`.
    pub path: String,
    /// The sidecar's name; `None` for the main container.
    pub sidecar: Option<String>,
    pub source: ImageSource,
    /// Whether the container gives `repository_credentials` for its registry.
    pub has_credentials: bool,
}

/// Every image a service's task pulls: the main container's, then the sidecars'.
pub fn images(svc: &Service) -> Vec<ImageRef> {
    let mut out = vec![ImageRef {
        path: "image".to_owned(),
        sidecar: None,
        source: image_source(svc.image.as_deref()),
        has_credentials: svc.container.repository_credentials.is_some(),
    }];
    for (i, s) in svc.sidecars.iter().enumerate() {
        out.push(ImageRef {
            path: format!("sidecars[{i}].image"),
            sidecar: Some(s.name.clone()),
            source: image_source(Some(&s.image)),
            has_credentials: s.container.repository_credentials.is_some(),
        });
    }
    if let Some(daemon) = svc.xray_daemon() {
        out.push(ImageRef {
            path: "observability.xray_daemon_image".to_owned(),
            sidecar: Some(daemon.name),
            source: image_source(Some(&daemon.image)),
            has_credentials: false,
        });
    }
    out
}

/// The endpoint service a secret's `valueFrom` is read from: Secrets Manager for its ARNs, SSM
/// for parameter ARNs and for bare parameter names (allowed in the task's own region); `None`
/// for an ARN of any other service, which `secret-arn` reports: a value that failed its own
/// rule says nothing about the endpoints (`arn:aws:secretmanager:...` is a typo, not a
/// parameter, and asking for an ssm endpoint would give a wrong second fix).
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
pub fn secret_endpoint(value_from: &str) -> Option<&'static str> {
    match super::aws::Arn::parse(value_from) {
        Ok(a) if a.service == "secretsmanager" => Some("secretsmanager"),
        Ok(a) if a.service == "ssm" => Some("ssm"),
        Ok(_) => None,
        Err(_) if value_from.starts_with("arn:") => None,
        Err(_) => Some("ssm"),
    }
}

/// The endpoints one service's tasks need without a NAT gateway, with what each is for.
///
/// Fargate platform 1.4.0+ pulls images, reads secrets and ships awslogs through the task's
/// own network interface, so these are the task's needs. It needs ecr.api, ecr.dkr and the s3
/// Gateway endpoint (image layers live in S3; S3 Interface endpoints cannot be used by ECR),
/// logs for awslogs, secretsmanager / ssm for secrets, the s3 Gateway endpoint for
/// environment files and secretsmanager for private registry credentials (which the task reads
/// through its own network interface, like secrets). Fargate does not need the ECS endpoints.
/// Sources: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html,
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
pub fn service_needs(svc: &Service) -> Vec<(&'static str, EndpointType, Purpose)> {
    use EndpointType::{Gateway, Interface};
    let mut out = Vec::new();
    let pulls_ecr = images(svc)
        .iter()
        .any(|i| matches!(i.source, ImageSource::Ecr { .. } | ImageSource::Variable));
    if pulls_ecr {
        out.push(("ecr.api", Interface, Purpose::ImagePull));
        out.push(("ecr.dkr", Interface, Purpose::ImagePull));
        out.push(("s3", Gateway, Purpose::ImagePull));
    }
    // Every gen-tf container logs through awslogs (see lower/container.rs).
    out.push(("logs", Interface, Purpose::Logs));
    for endpoint in svc
        .all_secrets()
        .filter_map(|s| secret_endpoint(&s.value_from))
    {
        out.push((endpoint, Interface, Purpose::Secrets));
    }
    // Environment files are read from S3, and private registry credentials from Secrets
    // Manager, through the task's own network interface, like secrets.
    if svc
        .containers()
        .any(|(_, c)| !c.environment_files.is_empty())
    {
        out.push(("s3", Gateway, Purpose::EnvironmentFiles));
    }
    if svc
        .containers()
        .any(|(_, c)| c.repository_credentials.is_some())
    {
        out.push(("secretsmanager", Interface, Purpose::RepositoryCredentials));
    }
    // ECS Exec's SSM agent and ECS's Service Connect proxy reach their services themselves.
    // Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
    if svc.execute_command() {
        out.push(("ssmmessages", Interface, Purpose::ExecuteCommand));
    }
    if svc.service_connect.is_some() {
        out.push(("ecs-agent", Interface, Purpose::ServiceConnect));
    }
    // The daemon sends segments to the X-Ray API.
    // Source: https://docs.aws.amazon.com/xray/latest/devguide/xray-security-vpc-endpoint.html
    if svc.xray_daemon().is_some() {
        out.push(("xray", Interface, Purpose::Tracing));
    }
    out
}

/// The order needs are reported and created in: image pulls first, then what tasks need to run.
pub const NEED_ORDER: &[&str] = &[
    "ecr.api",
    "ecr.dkr",
    "s3",
    "logs",
    "secretsmanager",
    "ssm",
    "kms",
    "xray",
    "ssmmessages",
    "ecs-agent",
];

/// The endpoints that the stack's tasks need to start and run without a NAT gateway, each with
/// the services that need it, in a fixed order. An endpoint needed for two purposes is listed
/// once per purpose, so that a missing one names what fails for whom.
pub fn needs(stack: &Stack) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    // Tasks in public subnets with a public IP reach AWS over the internet gateway.
    for (name, svc) in stack.services().filter(|(_, s)| !s.is_public()) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn image_sources() {
        assert_eq!(
            image_source(Some("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1")),
            ImageSource::Ecr {
                region: "eu-west-1".to_owned()
            }
        );
        assert_eq!(image_source(None), ImageSource::Variable);
        for (img, reg) in [
            ("nginx:1.25", "docker.io"),
            ("library/nginx", "docker.io"),
            ("public.ecr.aws/xray/aws-xray-daemon:3", "public.ecr.aws"),
            ("ghcr.io/o/i:1", "ghcr.io"),
            (
                "1234.dkr.ecr.eu-west-1.amazonaws.com/x",
                "1234.dkr.ecr.eu-west-1.amazonaws.com",
            ),
        ] {
            assert_eq!(
                image_source(Some(img)),
                ImageSource::Other {
                    registry: reg.to_owned()
                },
                "{img}"
            );
        }
    }

    #[test]
    fn labels() {
        assert_eq!(label("ecr.api", EndpointType::Interface), "ecr_api");
        assert_eq!(label("s3", EndpointType::Gateway), "s3");
        assert_eq!(label("s3", EndpointType::Interface), "s3_interface");
        assert_eq!(label("execute-api", EndpointType::Interface), "execute_api");
    }

    #[test]
    fn secrets() {
        assert_eq!(
            secret_endpoint("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
            Some("secretsmanager")
        );
        assert_eq!(
            secret_endpoint("arn:aws:ssm:eu-west-1:123456789012:parameter/x"),
            Some("ssm")
        );
        assert_eq!(secret_endpoint("my-parameter"), Some("ssm"));
        assert_eq!(
            secret_endpoint("arn:aws:secretmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
            None
        );
        assert_eq!(secret_endpoint("arn:aws:secretsmanager"), None);
    }

    #[test]
    fn entries_deserialize_with_clear_errors() {
        let v: VpcEndpoints =
            serde_json::from_value(json!(["ecr.api", { "service": "s3", "type": "Gateway" }]))
                .unwrap();
        assert!(matches!(v, VpcEndpoints::List(l) if l.len() == 2));
        let v: VpcEndpoints = serde_json::from_value(json!("fargate-private")).unwrap();
        assert_eq!(v, VpcEndpoints::Preset(Preset::FargatePrivate));
        let e = serde_json::from_value::<VpcEndpoints>(json!("fargate-privat")).unwrap_err();
        assert!(
            e.to_string().contains("unknown variant `fargate-privat`"),
            "{e}"
        );
        let e = serde_json::from_value::<VpcEndpoints>(json!([42])).unwrap_err();
        assert!(e.to_string().contains("a service name such as"), "{e}");
        let e = serde_json::from_value::<VpcEndpoints>(json!([{ "service": "s3", "typ": "x" }]))
            .unwrap_err();
        assert!(e.to_string().contains("unknown field `typ`"), "{e}");
    }
}

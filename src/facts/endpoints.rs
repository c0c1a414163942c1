//! VPC endpoints: which AWS services have Gateway endpoints, and which endpoints a Fargate
//! task needs to start and run without a NAT gateway.

use crate::model::aws::Arn;
use crate::model::{EndpointType, Service};

/// Services that have Gateway endpoints (and, since 2023/2024, Interface endpoints too).
/// Source: https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
pub(crate) const GATEWAY_SERVICES: &[&str] = &["s3", "dynamodb"];

/// The type an entry gets when it names none.
pub(crate) fn default_type(service: &str) -> EndpointType {
    if GATEWAY_SERVICES.contains(&service) {
        EndpointType::Gateway
    } else {
        EndpointType::Interface
    }
}

/// What a task does with an endpoint, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
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
    pub(crate) fn failure(self) -> &'static str {
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

/// Where a container image comes from, as far as the network is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImageSource {
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
pub(crate) fn image_source(image: Option<&str>) -> ImageSource {
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
pub(crate) struct ImageRef {
    /// JSON path relative to the service: `image` or `sidecars[0].image`.
    pub path: String,
    /// The sidecar's name; `None` for the main container.
    pub sidecar: Option<String>,
    pub source: ImageSource,
    /// Whether the container gives `repository_credentials` for its registry.
    pub has_credentials: bool,
}

/// Every image a service's task pulls: the main container's, then the sidecars'.
pub(crate) fn images(svc: &Service) -> Vec<ImageRef> {
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
pub(crate) fn secret_endpoint(value_from: &str) -> Option<&'static str> {
    match Arn::parse(value_from) {
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
pub(crate) fn service_needs(svc: &Service) -> Vec<(&'static str, EndpointType, Purpose)> {
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
    for s in svc.all_secrets() {
        if let Some(endpoint) = secret_endpoint(&s.value_from) {
            out.push((endpoint, Interface, Purpose::Secrets));
        }
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
pub(crate) const NEED_ORDER: &[&str] = &[
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}

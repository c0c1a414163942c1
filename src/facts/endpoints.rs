//! VPC endpoints: which AWS services have Gateway endpoints, and which endpoints a Fargate
//! task needs to start and run without a NAT gateway.

use crate::model::aws::Arn;
use crate::model::EndpointType;

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

/// The AWS services that a task role's statements call, and the VPC endpoints they need when
/// the tasks have no NAT gateway: [`endpoint_for`] maps an IAM action's service prefix to its
/// endpoint.
/// Sources: https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
/// (the services and their endpoint names) and
/// https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html (S3, DynamoDB).
/// IAM service prefix -> the endpoint service (the part after `com.amazonaws.<region>.`) and
/// its type. S3 and DynamoDB take their Gateway endpoints, which cost nothing.
pub(crate) const ACTION_ENDPOINTS: &[(&str, &str, EndpointType)] = &[
    ("athena", "athena", EndpointType::Interface),
    ("cloudwatch", "monitoring", EndpointType::Interface),
    ("dynamodb", "dynamodb", EndpointType::Gateway),
    ("ecr", "ecr.api", EndpointType::Interface),
    ("ecs", "ecs", EndpointType::Interface),
    ("elasticache", "elasticache", EndpointType::Interface),
    (
        "elasticfilesystem",
        "elasticfilesystem",
        EndpointType::Interface,
    ),
    ("events", "events", EndpointType::Interface),
    ("execute-api", "execute-api", EndpointType::Interface),
    ("firehose", "kinesis-firehose", EndpointType::Interface),
    ("glue", "glue", EndpointType::Interface),
    ("kinesis", "kinesis-streams", EndpointType::Interface),
    ("kms", "kms", EndpointType::Interface),
    ("lambda", "lambda", EndpointType::Interface),
    ("logs", "logs", EndpointType::Interface),
    ("rds-data", "rds-data", EndpointType::Interface),
    ("s3", "s3", EndpointType::Gateway),
    ("secretsmanager", "secretsmanager", EndpointType::Interface),
    ("sns", "sns", EndpointType::Interface),
    ("sqs", "sqs", EndpointType::Interface),
    ("ssm", "ssm", EndpointType::Interface),
    ("ssmmessages", "ssmmessages", EndpointType::Interface),
    ("states", "states", EndpointType::Interface),
    ("sts", "sts", EndpointType::Interface),
    ("xray", "xray", EndpointType::Interface),
];

/// Actions that are permissions, not calls the task makes over the network: `rds-db:connect`
/// (an auth token signed locally, used on the database's own connection) and `iam:PassRole`.
const NOT_CALLS: &[&str] = &["rds-db:", "iam:passrole"];

/// What one action needs without a NAT gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ActionNeed {
    /// This endpoint.
    Endpoint(&'static str, EndpointType),
    /// Nothing: not a network call.
    Nothing,
    /// The service has no VPC endpoint (or `*`, which may call anything).
    NoEndpoint(String),
}

pub(crate) fn endpoint_for(action: &str) -> ActionNeed {
    let lower = action.to_ascii_lowercase();
    if NOT_CALLS.iter().any(|p| lower.starts_with(p)) {
        return ActionNeed::Nothing;
    }
    let prefix = lower.split_once(':').map_or(lower.as_str(), |(p, _)| p);
    match ACTION_ENDPOINTS.iter().find(|(p, _, _)| *p == prefix) {
        Some((_, service, ty)) => ActionNeed::Endpoint(service, *ty),
        None => ActionNeed::NoEndpoint(prefix.to_owned()),
    }
}

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

    #[test]
    fn actions_map_to_their_endpoints() {
        assert_eq!(
            endpoint_for("dynamodb:GetItem"),
            ActionNeed::Endpoint("dynamodb", EndpointType::Gateway)
        );
        assert_eq!(
            endpoint_for("SQS:ReceiveMessage"),
            ActionNeed::Endpoint("sqs", EndpointType::Interface)
        );
        assert_eq!(endpoint_for("rds-db:connect"), ActionNeed::Nothing);
        assert_eq!(
            endpoint_for("route53:ChangeResourceRecordSets"),
            ActionNeed::NoEndpoint("route53".to_owned())
        );
        assert_eq!(endpoint_for("*"), ActionNeed::NoEndpoint("*".to_owned()));
    }
}

//! The AWS services that a task role's statements call, and the VPC endpoints they need when the
//! tasks have no NAT gateway.
//!
//! The agent's own needs (images, logs, secrets, Exec, X-Ray) are `endpoint::needs`. The
//! application's are what its task role allows: a task that may call `dynamodb:GetItem` will
//! call DynamoDB, and without a NAT gateway that call times out unless the VPC has the DynamoDB
//! endpoint. [`endpoint_for`] maps an IAM action's service prefix to its endpoint.
//! Source: https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
//! (the services and their endpoint names) and
//! https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html (S3, DynamoDB).

use crate::diag::{Diagnostic, Rule, Severity};
use crate::model::endpoint::EndpointType;
use crate::model::iam::Effect;
use crate::model::Stack;
use crate::resolve::derived;

use super::context::Context;

pub(crate) static TASK_ROLE_ENDPOINT: Rule = Rule {
    code: "task-role-endpoint",
    severity: Severity::Error,
    summary: "Without a NAT gateway, a task role allows calls to an AWS service whose VPC endpoint the VPC does not have.",
    fact: "Private tasks without a NAT gateway reach AWS only through VPC endpoints; a task whose role allows `dynamodb:GetItem` calls DynamoDB, and without its endpoint every call times out.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
};

pub(crate) static TASK_ROLE_NO_ENDPOINT: Rule = Rule {
    code: "task-role-no-endpoint",
    severity: Severity::Error,
    summary: "Without a NAT gateway, a task role allows calls to an AWS service that has no VPC endpoint.",
    fact: "Only the services listed in the AWS PrivateLink documentation have VPC endpoints; a private task without a NAT gateway cannot reach any other.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
};

pub(crate) static RULES: &[&Rule] = &[&TASK_ROLE_ENDPOINT, &TASK_ROLE_NO_ENDPOINT];

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

/// One allowed action of a private service's task role and what it needs.
pub(crate) struct ActionUse<'a> {
    pub service: &'a str,
    /// JSON path of the action.
    pub path: String,
    pub sid: Option<&'a str>,
    pub action: &'a str,
    pub need: ActionNeed,
}

/// Every allowed action of the task roles of the stack's private services (public ones reach
/// AWS over the internet gateway), with what it needs.
pub(crate) fn action_uses(stack: &Stack) -> Vec<ActionUse<'_>> {
    let mut out = Vec::new();
    for (name, svc) in stack.services().filter(|(_, s)| !derived::is_public(s)) {
        let Some(role) = &svc.task_role else { continue };
        for (i, st) in role.statements.iter().enumerate() {
            if st.effect == Some(Effect::Deny) {
                continue;
            }
            let statement = format!("services.{name}.task_role.statements[{i}]");
            for (j, action) in st.actions.iter().enumerate() {
                out.push(ActionUse {
                    service: name.as_str(),
                    path: format!("{statement}.actions[{j}]"),
                    sid: st.sid.as_deref(),
                    action,
                    need: endpoint_for(action),
                });
            }
        }
    }
    out
}

pub(crate) fn check(stack: &Stack, _cx: &Context, out: &mut Vec<Diagnostic>) {
    if derived::nat_gateway(stack) {
        return;
    }
    let created = crate::resolve::endpoint::resolve(stack);
    let has = |service: &str| {
        created.iter().any(|e| e.service == service)
            || crate::resolve::endpoint::existing(stack)
                .iter()
                .any(|e| e.service == service)
    };
    let mut reported = std::collections::BTreeSet::new();
    for u in action_uses(stack) {
        let named = match u.sid {
            Some(sid) => format!("statement {sid:?}"),
            None => "a statement".to_owned(),
        };
        match &u.need {
            ActionNeed::Nothing => {}
            ActionNeed::Endpoint(service, ty) => {
                if has(service) || !reported.insert((u.service, *service)) {
                    continue;
                }
                let how = match ty {
                    EndpointType::Gateway => "Gateway",
                    EndpointType::Interface => "Interface",
                };
                out.push(
                    Diagnostic::new(
                        &TASK_ROLE_ENDPOINT,
                        u.path.clone(),
                        format!(
                            "service `{}` has no NAT gateway and {named} allows `{}`, but the VPC has no {service} endpoint: every call will time out",
                            u.service, u.action
                        ),
                    )
                    .help(format!(
                        "add {service:?} ({how}) to vpc_endpoints, or to network.existing_vpc_endpoints when the VPC has it; in a platform, the platform creates it"
                    )),
                );
            }
            ActionNeed::NoEndpoint(prefix) => {
                out.push(
                    Diagnostic::new(
                        &TASK_ROLE_NO_ENDPOINT,
                        u.path.clone(),
                        format!(
                            "service `{}` has no NAT gateway and {named} allows `{}`, but `{prefix}` has no VPC endpoint that gen-tf knows: the call cannot leave the VPC",
                            u.service, u.action
                        ),
                    )
                    .help(if prefix == "*" {
                        "name the actions the application calls (`sqs:ReceiveMessage`), so that their endpoints can be checked".to_owned()
                    } else {
                        format!("run the service in a network with a NAT gateway, or remove the `{prefix}` actions")
                    }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

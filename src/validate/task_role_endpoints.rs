//! The AWS services that a task role's statements call, and the VPC endpoints they need when the
//! tasks have no NAT gateway.
//!
//! The agent's own needs (images, logs, secrets, Exec, X-Ray) are `endpoint::needs`. The
//! application's are what its task role allows: a task that may call `dynamodb:GetItem` will
//! call DynamoDB, and without a NAT gateway that call times out unless the VPC has the DynamoDB
//! endpoint. `facts::endpoints::endpoint_for` maps an IAM action's service prefix to its
//! endpoint, and `Resolved::action_uses` lists what the private services' task roles allow.
//! Source: https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
//! (the services and their endpoint names) and
//! https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html (S3, DynamoDB).

use crate::diag::{Diagnostic, Rule, Severity};
use crate::facts::endpoints::ActionNeed;
use crate::resolve::endpoint::EndpointType;
use crate::resolve::Resolved;

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

pub(crate) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    if stack.nat_gateway {
        return;
    }
    let has = |service: &str| {
        stack.endpoints.iter().any(|e| e.service == service)
            || stack
                .existing_endpoints
                .iter()
                .any(|e| e.service == service)
    };
    let mut reported = std::collections::BTreeSet::new();
    for u in &stack.action_uses {
        let named = match &u.sid {
            Some(sid) => format!("statement {sid:?}"),
            None => "a statement".to_owned(),
        };
        match &u.need {
            ActionNeed::Nothing => {}
            ActionNeed::Endpoint(service, ty) => {
                if has(service) || !reported.insert((&u.service, *service)) {
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

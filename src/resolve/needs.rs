//! What a service's tasks pull and reach, read from the service as written: its images, and the
//! VPC endpoints it needs without a NAT gateway (from the AWS facts in `facts::endpoints`).

use crate::facts::endpoints::{
    endpoint_for, image_source, secret_endpoint, ActionNeed, ImageSource, Purpose,
};
use crate::model::iam::Effect;
use crate::model::{EndpointType, Service, ServiceName, Stack};

use super::derived;

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
    if let Some(daemon) = derived::xray_daemon(svc) {
        out.push(ImageRef {
            path: "observability.xray_daemon_image".to_owned(),
            sidecar: Some(daemon.name),
            source: image_source(Some(&daemon.image)),
            has_credentials: false,
        });
    }
    out
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
    if derived::execute_command(svc) {
        out.push(("ssmmessages", Interface, Purpose::ExecuteCommand));
    }
    if svc.service_connect.is_some() {
        out.push(("ecs-agent", Interface, Purpose::ServiceConnect));
    }
    // The daemon sends segments to the X-Ray API.
    // Source: https://docs.aws.amazon.com/xray/latest/devguide/xray-security-vpc-endpoint.html
    if derived::xray_daemon(svc).is_some() {
        out.push(("xray", Interface, Purpose::Tracing));
    }
    out
}

/// One allowed action of a private service's task role and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionUse {
    pub service: ServiceName,
    /// JSON path of the action.
    pub path: String,
    /// JSON path of its statement.
    pub statement: String,
    pub sid: Option<String>,
    pub action: String,
    pub need: ActionNeed,
}

/// Every allowed action of the task roles of the stack's private services (public ones reach
/// AWS over the internet gateway), with what it needs.
pub(crate) fn action_uses(stack: &Stack) -> Vec<ActionUse> {
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
                    service: name.clone(),
                    path: format!("{statement}.actions[{j}]"),
                    statement: statement.clone(),
                    sid: st.sid.clone(),
                    action: action.clone(),
                    need: endpoint_for(action),
                });
            }
        }
    }
    out
}

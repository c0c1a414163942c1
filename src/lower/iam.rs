//! IAM for one service: an execution role (pulls the image, writes logs, reads exactly the
//! service's secrets) and a task role (the application's own identity).

use crate::ir::{self, Block, Body, Expr};
use crate::model::{Service, ServiceName};

use super::Ctx;

/// AWS's managed policy for ECR pulls and CloudWatch Logs writes by the ECS agent.
const EXECUTION_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// The roles and their policies, in output order.
pub fn blocks(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Vec<Block> {
    let id = name.ident();
    let prefix = ctx.prefix(name);
    let mut out = vec![
        Block::resource(
            "aws_iam_role",
            &format!("{id}_execution"),
            Body::new()
                .attr("name", ir::str(format!("{prefix}-execution")))
                .attr(
                    "description",
                    ir::str(format!(
                        "ECS agent role of {name}: image pulls, logs and secrets."
                    )),
                )
                .attr("assume_role_policy", assume_ecs_tasks())
                .attr_opt("tags", ctx.tags(Some(svc))),
        ),
        Block::resource(
            "aws_iam_role_policy_attachment",
            &format!("{id}_execution"),
            Body::new()
                .attr(
                    "role",
                    ir::reference("aws_iam_role", &format!("{id}_execution"), &["name"]),
                )
                .attr("policy_arn", ir::str(EXECUTION_POLICY_ARN)),
        ),
    ];
    if let Some(policy) = secrets_policy(svc) {
        out.push(Block::resource(
            "aws_iam_role_policy",
            &format!("{id}_secrets"),
            Body::new()
                .attr("name", ir::str("read-secrets"))
                .attr(
                    "role",
                    ir::reference("aws_iam_role", &format!("{id}_execution"), &["id"]),
                )
                .attr("policy", policy),
        ));
    }
    out.push(Block::resource(
        "aws_iam_role",
        &format!("{id}_task"),
        Body::new()
            .attr("name", ir::str(format!("{prefix}-task")))
            .attr(
                "description",
                ir::str(format!("Application role of {name}.")),
            )
            .attr("assume_role_policy", assume_ecs_tasks())
            .attr_opt("tags", ctx.tags(Some(svc))),
    ));
    out
}

/// Trust policy that lets only ECS tasks assume the role.
fn assume_ecs_tasks() -> Expr {
    ir::call(
        "jsonencode",
        vec![ir::object([
            ("Version", ir::str("2012-10-17")),
            (
                "Statement",
                ir::list([ir::object([
                    ("Effect", ir::str("Allow")),
                    ("Action", ir::str("sts:AssumeRole")),
                    (
                        "Principal",
                        ir::object([("Service", ir::str("ecs-tasks.amazonaws.com"))]),
                    ),
                ])]),
            ),
        ])],
    )
}

/// Read access to exactly the secrets and parameters the service names, nothing more.
fn secrets_policy(svc: &Service) -> Option<Expr> {
    let (mut secrets, mut params): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for s in &svc.secrets {
        match secret_resource(&s.value_from) {
            SecretResource::SecretsManager(arn) => secrets.push(arn),
            SecretResource::Parameter(arn) => params.push(arn),
        }
    }
    secrets.sort();
    secrets.dedup();
    params.sort();
    params.dedup();
    let mut statements = Vec::new();
    if !secrets.is_empty() {
        statements.push(statement("secretsmanager:GetSecretValue", &secrets));
    }
    if !params.is_empty() {
        statements.push(statement("ssm:GetParameters", &params));
    }
    (!statements.is_empty()).then(|| {
        ir::call(
            "jsonencode",
            vec![ir::object([
                ("Version", ir::str("2012-10-17")),
                ("Statement", ir::list(statements)),
            ])],
        )
    })
}

fn statement(action: &str, resources: &[String]) -> Expr {
    ir::object([
        ("Effect", ir::str("Allow")),
        ("Action", ir::list([ir::str(action)])),
        (
            "Resource",
            ir::list(resources.iter().map(|r| ir::str(r.clone()))),
        ),
    ])
}

pub enum SecretResource {
    SecretsManager(String),
    Parameter(String),
}

/// The IAM resource of a `valueFrom`: a Secrets Manager ARN loses its
/// `:json-key:version-stage:version-id` suffix (IAM matches the secret, not the key). Validation
/// has already checked the ARN's shape.
pub fn secret_resource(value_from: &str) -> SecretResource {
    let parts: Vec<&str> = value_from.split(':').collect();
    if parts.get(2) == Some(&"secretsmanager") && parts.len() > 7 {
        SecretResource::SecretsManager(parts[..7].join(":"))
    } else if parts.get(2) == Some(&"secretsmanager") {
        SecretResource::SecretsManager(value_from.to_owned())
    } else {
        SecretResource::Parameter(value_from.to_owned())
    }
}

//! IAM for one service: an execution role (pulls the image, writes logs, reads exactly the
//! service's secrets) and a task role (the application's own identity).

use crate::ir::Expr;

use crate::ir::{self, Block, Body};
use crate::resolve::container::SecretSource;
use crate::resolve::Service;

use super::Ctx;

/// AWS's managed policy for ECR pulls and CloudWatch Logs writes by the ECS agent.
const EXECUTION_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// The roles and their policies, in output order.
pub fn blocks(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    let (name, id) = (&svc.name, svc.name.ident());
    let mut out = vec![
        Block::resource(
            "aws_iam_role",
            &format!("{id}_execution"),
            Body::new()
                .attr("name", ir::str(svc.names.execution_role.clone()))
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
            .attr("name", ir::str(svc.names.task_role.clone()))
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
    let mut sources: Vec<&SecretSource> = svc
        .containers()
        .flat_map(|c| &c.secrets)
        .map(|s| &s.source)
        .collect();
    sources.sort();
    sources.dedup();
    let secrets: Vec<&str> = sources
        .iter()
        .filter_map(|s| match s {
            SecretSource::SecretsManager { arn } => Some(arn.as_str()),
            SecretSource::Parameter { .. } => None,
        })
        .collect();
    let params: Vec<&str> = sources
        .iter()
        .filter_map(|s| match s {
            SecretSource::Parameter { arn } => Some(arn.as_str()),
            SecretSource::SecretsManager { .. } => None,
        })
        .collect();
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

fn statement(action: &str, resources: &[&str]) -> Expr {
    ir::object([
        ("Effect", ir::str("Allow")),
        ("Action", ir::list([ir::str(action)])),
        ("Resource", ir::list(resources.iter().map(|r| ir::str(*r)))),
    ])
}

//! IAM for one service: an execution role (pulls the image, writes logs, reads exactly the
//! service's secrets) and a task role (the application's own identity), each trusting only ECS
//! tasks of this account.

use std::collections::BTreeMap;

use crate::ir::{self, Block, Body, Expr, Part};
use crate::model::iam::ConditionValue;
use crate::resolve::iam::{OwnArn, Statement};
use crate::resolve::Service;

use super::Ctx;

/// AWS's managed policy for ECR pulls and CloudWatch Logs writes by the ECS agent.
const EXECUTION_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// The roles and their policies, in output order.
pub(super) fn blocks(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    let (name, id) = (&svc.name, svc.name.ident());
    let execution = format!("{id}_execution");
    let task = format!("{id}_task");
    let mut out = vec![
        role(
            ctx,
            svc,
            &execution,
            &svc.names.execution_role,
            format!("ECS agent role of {name}: image pulls, logs and secrets."),
        ),
        attachment(&execution, &execution, EXECUTION_POLICY_ARN),
    ];
    out.extend(inline_policy(
        ctx,
        &execution,
        "start-tasks",
        &svc.roles.execution,
    ));
    out.push(role(
        ctx,
        svc,
        &task,
        &svc.names.task_role,
        format!("Application role of {name}."),
    ));
    out.extend(inline_policy(ctx, &task, "application", &svc.roles.task));
    for (i, arn) in svc.roles.task_managed_policies.iter().enumerate() {
        out.push(attachment(&format!("{task}_{i}"), &task, arn));
    }
    ctx.output(
        format!("{task}_role_arn"),
        format!("ARN of the {name} task role, the application's identity."),
        ir::reference("aws_iam_role", &task, &["arn"]),
    );
    ctx.output(
        format!("{task}_role_name"),
        format!("Name of the {name} task role, to attach more policies outside the module."),
        ir::reference("aws_iam_role", &task, &["name"]),
    );
    out
}

fn role(ctx: &mut Ctx<'_>, svc: &Service, label: &str, name: &str, description: String) -> Block {
    let roles = &svc.roles;
    Block::resource(
        "aws_iam_role",
        label,
        Body::new()
            .attr("name", ir::str(name))
            .attr_opt("path", roles.path.clone().map(ir::str))
            .attr("description", ir::str(description))
            .attr("assume_role_policy", assume_ecs_tasks(ctx))
            .attr_opt(
                "permissions_boundary",
                roles.permissions_boundary.clone().map(ir::str),
            )
            .attr_opt("tags", ctx.tags(Some(svc))),
    )
}

fn attachment(label: &str, role: &str, policy_arn: &str) -> Block {
    Block::resource(
        "aws_iam_role_policy_attachment",
        label,
        Body::new()
            .attr("role", ir::reference("aws_iam_role", role, &["name"]))
            .attr("policy_arn", ir::str(policy_arn)),
    )
}

/// The role's inline policy, when it has statements.
fn inline_policy(
    ctx: &mut Ctx<'_>,
    role: &str,
    name: &str,
    statements: &[Statement],
) -> Option<Block> {
    if statements.is_empty() {
        return None;
    }
    Some(Block::resource(
        "aws_iam_role_policy",
        role,
        Body::new()
            .attr("name", ir::str(name))
            .attr("role", ir::reference("aws_iam_role", role, &["id"]))
            .attr("policy", policy(ctx, statements)),
    ))
}

/// Trust policy that lets only ECS tasks of this account assume the role: without
/// `aws:SourceAccount`, ECS acting for another account could be made to assume it (the confused
/// deputy problem).
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
fn assume_ecs_tasks(ctx: &mut Ctx<'_>) -> Expr {
    let account = ctx.data("aws_caller_identity", &["account_id"]);
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
                    (
                        "Condition",
                        ir::object([(
                            "StringEquals",
                            ir::object([("aws:SourceAccount", account)]),
                        )]),
                    ),
                ])]),
            ),
        ])],
    )
}

/// `jsonencode({ Version, Statement })` of statements, keys in IAM's documented order.
fn policy(ctx: &mut Ctx<'_>, statements: &[Statement]) -> Expr {
    let statements: Vec<Expr> = statements.iter().map(|s| statement(ctx, s)).collect();
    ir::call(
        "jsonencode",
        vec![ir::object([
            ("Version", ir::str("2012-10-17")),
            ("Statement", ir::list(statements)),
        ])],
    )
}

fn statement(ctx: &mut Ctx<'_>, s: &Statement) -> Expr {
    let strings = |v: &[String]| ir::list(v.iter().map(|x| ir::str(x.clone())));
    let mut fields = Vec::new();
    if let Some(sid) = &s.sid {
        fields.push(("Sid", ir::str(sid.clone())));
    }
    fields.push(("Effect", ir::str(s.effect.as_str())));
    fields.push(("Action", strings(&s.actions)));
    let mut resources: Vec<Expr> = s.resources.iter().map(|r| ir::str(r.clone())).collect();
    resources.extend(s.own_resources.iter().map(|a| own_arn(ctx, a)));
    fields.push(("Resource", ir::list(resources)));
    // Operator -> key -> value, the stack's conditions and those on the module's own ARNs.
    let mut conditions: BTreeMap<&str, Vec<(&str, Expr)>> = BTreeMap::new();
    for (op, keys) in &s.conditions {
        for (k, v) in keys {
            let value = match v {
                ConditionValue::One(one) => ir::str(one.clone()),
                ConditionValue::Any(any) => strings(any),
            };
            conditions.entry(op).or_default().push((k, value));
        }
    }
    for (op, keys) in &s.own_conditions {
        for (k, arns) in keys {
            let value = match arns.as_slice() {
                [one] => own_arn(ctx, one),
                _ => ir::list(arns.iter().map(|a| own_arn(ctx, a)).collect::<Vec<_>>()),
            };
            conditions.entry(op).or_default().push((k, value));
        }
    }
    if !conditions.is_empty() {
        fields.push((
            "Condition",
            ir::object(
                conditions
                    .into_iter()
                    .map(|(op, keys)| (op, ir::object(keys))),
            ),
        ));
    }
    ir::object(fields)
}

/// `arn:${partition}:<service>:<region>:${account}:<resource>`: the partition and account from
/// the provider's data sources, the region from the stack (or `var.region`).
fn own_arn(ctx: &mut Ctx<'_>, a: &OwnArn) -> Expr {
    let partition = ctx.data("aws_partition", &["partition"]);
    let account = ctx.data("aws_caller_identity", &["account_id"]);
    let region = match &ctx.stack.region {
        Some(r) => Part::Lit(r.clone()),
        None => Part::Interp(ctx.region()),
    };
    ir::template(vec![
        Part::Lit("arn:".to_owned()),
        Part::Interp(partition),
        Part::Lit(format!(":{}:", a.service)),
        region,
        Part::Lit(":".to_owned()),
        Part::Interp(account),
        Part::Lit(format!(":{}", a.resource)),
    ])
}

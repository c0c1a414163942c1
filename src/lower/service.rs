//! One service's file: log group, IAM, security group, task definition and ECS service.

use hcl::Expression;

use crate::ir::{self, Block, Body};
use crate::resolve::service::{Container, Placement};
use crate::resolve::Service;

use super::{iam, Ctx, VarType};

pub fn lower(ctx: &mut Ctx<'_>, svc: &Service) -> Body {
    let id = svc.name.ident();
    let name = &svc.name;
    let mut body = Body::new().block(log_group(ctx, svc));
    body = body.blocks(iam::blocks(ctx, svc));
    body = body.blocks(security_group(ctx, svc));
    body = body.block(task_definition(ctx, svc));
    body = body.block(ecs_service(ctx, svc));
    body = body.blocks(super::scaling::blocks(ctx, svc));

    ctx.output(
        format!("{id}_service_name"),
        format!("Name of the {name} ECS service."),
        ir::reference("aws_ecs_service", &id, &["name"]),
    );
    ctx.output(
        format!("{id}_service_arn"),
        format!("ARN of the {name} ECS service."),
        ir::reference("aws_ecs_service", &id, &["arn"]),
    );
    ctx.output(
        format!("{id}_task_definition_arn"),
        format!("ARN of the {name} task definition revision."),
        ir::reference("aws_ecs_task_definition", &id, &["arn"]),
    );
    ctx.output(
        format!("{id}_security_group_id"),
        format!("ID of the {name} task security group."),
        ir::reference("aws_security_group", &id, &["id"]),
    );
    body
}

fn log_group(ctx: &mut Ctx<'_>, svc: &Service) -> Block {
    let name = &svc.name;
    let retention = svc.logs.retention_days;
    let mut body = Body::new();
    if svc.logs.kms_key_arn.is_none() {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_158:{name} sets no observability.log_kms_key_arn, so CloudWatch's default encryption applies"
        ));
    }
    if retention < 365 && retention != 0 {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_338:{name} keeps logs {retention} days (observability.log_retention_days)"
        ));
    }
    body = body
        .attr("name", ir::str(svc.names.log_group.clone()))
        .attr("retention_in_days", ir::int(i64::from(retention)))
        .attr_opt("kms_key_id", svc.logs.kms_key_arn.clone().map(ir::str))
        .attr_opt("tags", ctx.tags(Some(svc)));
    Block::resource("aws_cloudwatch_log_group", &name.ident(), body)
}

/// A rule of the task security group on one TCP port, to or from another security group.
fn sg_rule(
    kind: &str,
    label: String,
    sg_id: &Expression,
    description: String,
    port: u16,
    peer: Expression,
) -> Block {
    Block::resource(
        kind,
        &label,
        Body::new()
            .attr("security_group_id", sg_id.clone())
            .attr("description", ir::str(description))
            .attr("ip_protocol", ir::str("tcp"))
            .attr("from_port", ir::int(i64::from(port)))
            .attr("to_port", ir::int(i64::from(port)))
            .attr("referenced_security_group_id", peer),
    )
}

fn security_group(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    let (name, id) = (&svc.name, svc.name.ident());
    let sg_id = ir::reference("aws_security_group", &id, &["id"]);
    let vpc_id = ctx.vpc_id();
    let mut out = vec![Block::resource(
        "aws_security_group",
        &id,
        Body::new()
            .attr("name", ir::str(svc.names.security_group.clone()))
            .attr(
                "description",
                ir::str(format!("Tasks of the {name} ECS service.")),
            )
            .attr("vpc_id", vpc_id)
            .attr_opt("tags", ctx.tags(Some(svc))),
    )];
    if let Some(lb) = &svc.load_balancer {
        let port = lb.container_port;
        let lb_sg = ctx.var(
            &format!("{id}_lb_security_group_id"),
            VarType::String,
            &format!("Security group of the load balancer in front of {name}."),
        );
        out.push(sg_rule(
            "aws_vpc_security_group_ingress_rule",
            format!("{id}_from_lb"),
            &sg_id,
            format!("Load balancer to {name} on {port}"),
            port,
            lb_sg,
        ));
    }
    if let Some(port) = svc.database_port {
        // Without this the tasks start, then cannot reach their database: the task security
        // group only allows what it names.
        let db_sg = ctx.var(
            &format!("{id}_database_security_group_id"),
            VarType::String,
            &format!("Security group of the database that {name} connects to."),
        );
        out.push(sg_rule(
            "aws_vpc_security_group_egress_rule",
            format!("{id}_to_database"),
            &sg_id,
            format!("{name} to its database on {port}"),
            port,
            db_sg,
        ));
    }
    out.extend(super::endpoints::task_egress(ctx, svc, &sg_id));
    out
}

fn task_definition(ctx: &mut Ctx<'_>, svc: &Service) -> Block {
    let (name, id) = (&svc.name, svc.name.ident());
    let mut containers = vec![container(ctx, svc, &svc.container)];
    containers.extend(svc.sidecars.iter().map(|c| container(ctx, svc, c)));
    let mut body = Body::new();
    if !svc.container.read_only_root_filesystem {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_336:{name} writes to its root filesystem (read_only_root_filesystem is not set)"
        ));
    }
    body = body
        .attr("family", ir::str(svc.names.family.clone()))
        .attr("requires_compatibilities", ir::list([ir::str("FARGATE")]))
        .attr("network_mode", ir::str("awsvpc"))
        .attr("cpu", ir::str(svc.task.cpu.to_string()))
        .attr("memory", ir::str(svc.task.memory.to_string()))
        .attr(
            "execution_role_arn",
            ir::reference("aws_iam_role", &format!("{id}_execution"), &["arn"]),
        )
        .attr(
            "task_role_arn",
            ir::reference("aws_iam_role", &format!("{id}_task"), &["arn"]),
        )
        .attr(
            "container_definitions",
            ir::call("jsonencode", vec![ir::list(containers)]),
        )
        .attr_opt("tags", ctx.tags(Some(svc)))
        .blocks(svc.task.ephemeral_storage_gib.map(|gib| {
            Block::new(
                "ephemeral_storage",
                &[],
                Body::new().attr("size_in_gib", ir::int(i64::from(gib))),
            )
        }))
        .block(Block::new(
            "runtime_platform",
            &[],
            Body::new()
                .attr("operating_system_family", ir::str(svc.task.os.as_str()))
                .attr("cpu_architecture", ir::str(svc.task.architecture.as_str())),
        ));
    Block::resource("aws_ecs_task_definition", &id, body)
}

/// One container definition, in the field order of ECS's own documentation.
fn container(ctx: &mut Ctx<'_>, svc: &Service, c: &Container) -> Expression {
    let image = match &c.image {
        Some(i) => ir::str(i.clone()),
        None => ctx.var(
            &format!("{}_image", svc.name.ident()),
            VarType::String,
            &format!(
                "Container image of {}, for example an ECR URI with a tag.",
                svc.name
            ),
        ),
    };
    let mut fields: Vec<(&str, Expression)> = vec![
        ("name", ir::str(c.name.clone())),
        ("image", image),
        ("essential", ir::bool(c.essential)),
    ];
    if let Some(m) = c.memory {
        fields.push(("memory", ir::int(i64::from(m))));
    }
    if let Some(r) = c.memory_reservation {
        fields.push(("memoryReservation", ir::int(i64::from(r))));
    }
    if let Some(p) = c.port {
        fields.push((
            "portMappings",
            ir::list([ir::object([
                ("containerPort", ir::int(i64::from(p))),
                ("protocol", ir::str("tcp")),
            ])]),
        ));
    }
    if !c.environment.is_empty() {
        fields.push((
            "environment",
            ir::list(c.environment.iter().map(|(k, v)| {
                ir::object([("name", ir::str(k.clone())), ("value", ir::str(v.clone()))])
            })),
        ));
    }
    if !c.secrets.is_empty() {
        fields.push((
            "secrets",
            ir::list(c.secrets.iter().map(|s| {
                ir::object([
                    ("name", ir::str(s.name.clone())),
                    ("valueFrom", ir::str(s.value_from.clone())),
                ])
            })),
        ));
    }
    if c.read_only_root_filesystem {
        fields.push(("readonlyRootFilesystem", ir::bool(true)));
    }
    fields.push(("logConfiguration", log_configuration(ctx, svc, &c.name)));
    ir::object(fields)
}

fn log_configuration(ctx: &mut Ctx<'_>, svc: &Service, stream_prefix: &str) -> Expression {
    let region = ctx.region();
    ir::object([
        ("logDriver", ir::str("awslogs")),
        (
            "options",
            ir::object([
                (
                    "awslogs-group",
                    ir::reference("aws_cloudwatch_log_group", &svc.name.ident(), &["name"]),
                ),
                ("awslogs-region", region),
                ("awslogs-stream-prefix", ir::str(stream_prefix)),
            ]),
        ),
    ])
}

fn ecs_service(ctx: &mut Ctx<'_>, svc: &Service) -> Block {
    let id = svc.name.ident();
    let cluster = ctx.cluster_name();
    let mut body = Body::new()
        .attr("name", ir::str(svc.names.ecs_service.clone()))
        .attr("cluster", cluster)
        .attr(
            "task_definition",
            ir::reference("aws_ecs_task_definition", &id, &["arn"]),
        )
        .attr("desired_count", ir::int(i64::from(svc.desired_count)))
        .attr(
            "platform_version",
            ir::str(svc.task.platform_version.clone()),
        )
        .attr("propagate_tags", ir::str("SERVICE"))
        .attr("enable_ecs_managed_tags", ir::bool(true));
    body = match &svc.placement {
        Placement::LaunchType => body.attr("launch_type", ir::str("FARGATE")),
        // Provider 6.x replaces the service only when asked to; without this a strategy change
        // fails at apply time.
        Placement::Strategy(_) => body.attr("force_new_deployment", ir::bool(true)),
    };
    body = body
        .attr_opt(
            "health_check_grace_period_seconds",
            svc.load_balancer
                .as_ref()
                .map(|lb| ir::int(i64::from(lb.grace_period_seconds))),
        )
        .attr_opt("tags", ctx.tags(Some(svc)));
    if let Placement::Strategy(items) = &svc.placement {
        body = body.blocks(items.iter().map(|item| {
            Block::new(
                "capacity_provider_strategy",
                &[],
                Body::new()
                    .attr("capacity_provider", ir::str(item.provider.as_str()))
                    .attr("weight", ir::int(i64::from(item.weight)))
                    .attr("base", ir::int(i64::from(item.base))),
            )
        }));
    }
    let subnets = ctx.private_subnet_ids();
    body = body.block(Block::new(
        "network_configuration",
        &[],
        Body::new()
            .attr("subnets", subnets)
            .attr(
                "security_groups",
                ir::list([ir::reference("aws_security_group", &id, &["id"])]),
            )
            .attr("assign_public_ip", ir::bool(false)),
    ));
    body = body.block(Block::new(
        "deployment_circuit_breaker",
        &[],
        Body::new()
            .attr("enable", ir::bool(true))
            .attr("rollback", ir::bool(true)),
    ));
    body = body.blocks(load_balancer(ctx, svc));
    if svc.scaling.is_some() {
        body = body.block(Block::new(
            "lifecycle",
            &[],
            Body::new().attr("ignore_changes", ir::list([ir::ident("desired_count")])),
        ));
    }
    body = body.attr("depends_on", ir::list(depends_on(ctx, svc)));
    Block::resource("aws_ecs_service", &id, body)
}

fn load_balancer(ctx: &mut Ctx<'_>, svc: &Service) -> Option<Block> {
    let lb = svc.load_balancer.as_ref()?;
    let tg = match &lb.target_group_arn {
        Some(arn) => ir::str(arn.clone()),
        None => ctx.var(
            &format!("{}_target_group_arn", svc.name.ident()),
            VarType::String,
            &format!(
                "ARN of the target group that sends traffic to {}.",
                svc.name
            ),
        ),
    };
    Some(Block::new(
        "load_balancer",
        &[],
        Body::new()
            .attr("target_group_arn", tg)
            .attr("container_name", ir::str(svc.container.name.clone()))
            .attr("container_port", ir::int(i64::from(lb.container_port))),
    ))
}

fn depends_on(ctx: &Ctx<'_>, svc: &Service) -> Vec<Expression> {
    let mut depends = vec![ir::reference(
        "aws_iam_role_policy_attachment",
        &format!("{}_execution", svc.name.ident()),
        &[],
    )];
    if ctx.stack.cluster.is_some() {
        depends.push(ir::reference(
            "aws_ecs_cluster_capacity_providers",
            "this",
            &[],
        ));
    }
    depends
}

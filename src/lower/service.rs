//! One service's file: log group, IAM, security group, task definition and ECS service.

use hcl::Expression;

use crate::ir::{self, Block, Body};
use crate::model::service::Sidecar;
use crate::model::{Service, ServiceName};

use super::{iam, Ctx, VarType};

/// CloudWatch Logs retention when the stack sets none.
pub const DEFAULT_LOG_RETENTION_DAYS: u32 = 30;
/// Seconds the scheduler ignores load balancer health checks after a task starts.
pub const DEFAULT_GRACE_PERIOD: u32 = 60;

pub fn lower(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Body {
    let id = name.ident();
    let mut body = Body::new().block(log_group(ctx, name, svc));
    body = body.blocks(iam::blocks(ctx, name, svc));
    body = body.blocks(security_group(ctx, name, svc));
    body = body.block(task_definition(ctx, name, svc));
    body = body.block(ecs_service(ctx, name, svc));
    body = body.blocks(super::scaling::blocks(ctx, name, svc));

    ctx.output(
        format!("{id}_service_name"),
        format!("Name of the {name} ECS service."),
        ir::reference("aws_ecs_service", &id, &["name"]),
    );
    ctx.output(
        format!("{id}_service_arn"),
        format!("ARN of the {name} ECS service."),
        // The service's `id` is its ARN in provider 5 and 6; `arn` exists only from 6.0.
        ir::reference("aws_ecs_service", &id, &["id"]),
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

fn log_group(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Block {
    let obs = svc.observability.as_ref();
    let retention = obs
        .and_then(|o| o.log_retention_days)
        .unwrap_or(DEFAULT_LOG_RETENTION_DAYS);
    let kms = obs.and_then(|o| o.log_kms_key_arn.clone());
    let mut body = Body::new();
    if kms.is_none() {
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
        .attr("name", ir::str(format!("/ecs/{}/{}", ctx.stack.name, name)))
        .attr("retention_in_days", ir::int(i64::from(retention)))
        .attr_opt("kms_key_id", kms.map(ir::str))
        .attr_opt("tags", ctx.tags(Some(svc)));
    Block::resource("aws_cloudwatch_log_group", &name.ident(), body)
}

fn security_group(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Vec<Block> {
    let id = name.ident();
    let sg_id = ir::reference("aws_security_group", &id, &["id"]);
    let vpc_id = ctx.vpc_id();
    let mut out = vec![Block::resource(
        "aws_security_group",
        &id,
        Body::new()
            .attr("name", ir::str(format!("{}-tasks", ctx.prefix(name))))
            .attr(
                "description",
                ir::str(format!("Tasks of the {name} ECS service.")),
            )
            .attr("vpc_id", vpc_id)
            .attr_opt("tags", ctx.tags(Some(svc))),
    )];
    if let Some(lb) = &svc.load_balancer {
        let port = lb.container_port.or(svc.port).unwrap_or(80);
        let lb_sg = ctx.var(
            &format!("{id}_lb_security_group_id"),
            VarType::String,
            &format!("Security group of the load balancer in front of {name}."),
        );
        out.push(Block::resource(
            "aws_vpc_security_group_ingress_rule",
            &format!("{id}_from_lb"),
            Body::new()
                .attr("security_group_id", sg_id.clone())
                .attr(
                    "description",
                    ir::str(format!("Load balancer to {name} on {port}")),
                )
                .attr("ip_protocol", ir::str("tcp"))
                .attr("from_port", ir::int(i64::from(port)))
                .attr("to_port", ir::int(i64::from(port)))
                .attr("referenced_security_group_id", lb_sg),
        ));
    }
    if let Some(db) = &svc.database {
        // Without this the tasks start, then cannot reach their database: the task security
        // group only allows what it names.
        let port = db.port_or_default();
        let db_sg = ctx.var(
            &format!("{id}_database_security_group_id"),
            VarType::String,
            &format!("Security group of the database that {name} connects to."),
        );
        out.push(Block::resource(
            "aws_vpc_security_group_egress_rule",
            &format!("{id}_to_database"),
            Body::new()
                .attr("security_group_id", sg_id.clone())
                .attr(
                    "description",
                    ir::str(format!("{name} to its database on {port}")),
                )
                .attr("ip_protocol", ir::str("tcp"))
                .attr("from_port", ir::int(i64::from(port)))
                .attr("to_port", ir::int(i64::from(port)))
                .attr("referenced_security_group_id", db_sg),
        ));
    }
    out.extend(super::endpoints::task_egress(ctx, name, &sg_id));
    out
}

fn task_definition(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Block {
    let id = name.ident();
    let platform = svc.platform();
    let mut containers = vec![main_container(ctx, name, svc)];
    containers.extend(svc.sidecars.iter().map(|s| sidecar(ctx, name, s)));
    let mut body = Body::new();
    if !svc.read_only_root_filesystem() {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_336:{name} writes to its root filesystem (read_only_root_filesystem is not set)"
        ));
    }
    body = body
        .attr("family", ir::str(ctx.prefix(name)))
        .attr("requires_compatibilities", ir::list([ir::str("FARGATE")]))
        .attr("network_mode", ir::str("awsvpc"))
        .attr("cpu", ir::str(svc.cpu.to_string()))
        .attr("memory", ir::str(svc.memory.to_string()))
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
        .block(Block::new(
            "runtime_platform",
            &[],
            Body::new()
                .attr(
                    "operating_system_family",
                    ir::str(platform.operating_system_family.as_str()),
                )
                .attr(
                    "cpu_architecture",
                    ir::str(platform.cpu_architecture.as_str()),
                ),
        ));
    Block::resource("aws_ecs_task_definition", &id, body)
}

fn main_container(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Expression {
    let id = name.ident();
    let image = match &svc.image {
        Some(i) => ir::str(i.clone()),
        None => ctx.var(
            &format!("{id}_image"),
            VarType::String,
            &format!("Container image of {name}, for example an ECR URI with a tag."),
        ),
    };
    let mut fields: Vec<(&str, Expression)> = vec![
        ("name", ir::str(name.as_str())),
        ("image", image),
        ("essential", ir::bool(true)),
    ];
    if let Some(m) = svc.container_memory {
        fields.push(("memory", ir::int(i64::from(m))));
    }
    if let Some(r) = svc.reservation_mib(ctx.opts.env.as_deref()) {
        fields.push(("memoryReservation", ir::int(r)));
    }
    let port = svc
        .port
        .or_else(|| svc.load_balancer.as_ref().and_then(|l| l.container_port));
    if let Some(p) = port {
        fields.push(("portMappings", port_mappings(p)));
    }
    let mut env: Vec<(String, String)> = svc
        .environment
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    env.extend(svc.generated_env());
    if !env.is_empty() {
        fields.push(("environment", env_list(&env)));
    }
    if !svc.secrets.is_empty() {
        fields.push((
            "secrets",
            ir::list(svc.secrets.iter().map(|s| {
                ir::object([
                    ("name", ir::str(s.name.clone())),
                    ("valueFrom", ir::str(s.value_from.clone())),
                ])
            })),
        ));
    }
    if svc.read_only_root_filesystem() {
        fields.push(("readonlyRootFilesystem", ir::bool(true)));
    }
    fields.push((
        "logConfiguration",
        log_configuration(ctx, name, name.as_str()),
    ));
    ir::object(fields)
}

fn sidecar(ctx: &mut Ctx<'_>, service: &ServiceName, s: &Sidecar) -> Expression {
    let mut fields: Vec<(&str, Expression)> = vec![
        ("name", ir::str(s.name.clone())),
        ("image", ir::str(s.image.clone())),
        ("essential", ir::bool(s.essential)),
    ];
    if let Some(m) = s.memory {
        fields.push(("memory", ir::int(i64::from(m))));
    }
    if let Some(r) = s.memory_reservation {
        fields.push(("memoryReservation", ir::int(r)));
    }
    if let Some(p) = s.port {
        fields.push(("portMappings", port_mappings(p)));
    }
    if !s.environment.is_empty() {
        let env: Vec<(String, String)> = s
            .environment
            .iter()
            .map(|e| (e.name.clone(), e.value.clone()))
            .collect();
        fields.push(("environment", env_list(&env)));
    }
    fields.push(("logConfiguration", log_configuration(ctx, service, &s.name)));
    ir::object(fields)
}

fn port_mappings(port: u16) -> Expression {
    ir::list([ir::object([
        ("containerPort", ir::int(i64::from(port))),
        ("protocol", ir::str("tcp")),
    ])])
}

fn env_list(env: &[(String, String)]) -> Expression {
    ir::list(
        env.iter().map(|(k, v)| {
            ir::object([("name", ir::str(k.clone())), ("value", ir::str(v.clone()))])
        }),
    )
}

fn log_configuration(ctx: &mut Ctx<'_>, service: &ServiceName, stream_prefix: &str) -> Expression {
    let region = ctx.region();
    ir::object([
        ("logDriver", ir::str("awslogs")),
        (
            "options",
            ir::object([
                (
                    "awslogs-group",
                    ir::reference("aws_cloudwatch_log_group", &service.ident(), &["name"]),
                ),
                ("awslogs-region", region),
                ("awslogs-stream-prefix", ir::str(stream_prefix)),
            ]),
        ),
    ])
}

fn ecs_service(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Block {
    let id = name.ident();
    let cluster = ctx.cluster_name();
    let subnets = ctx.private_subnet_ids();
    let mut body = Body::new()
        .attr("name", ir::str(name.as_str()))
        .attr("cluster", cluster)
        .attr(
            "task_definition",
            ir::reference("aws_ecs_task_definition", &id, &["arn"]),
        )
        .attr(
            "desired_count",
            ir::int(i64::from(svc.effective_desired_count())),
        )
        .attr(
            "platform_version",
            ir::str(svc.platform_version_or_latest()),
        )
        .attr("propagate_tags", ir::str("SERVICE"))
        .attr("enable_ecs_managed_tags", ir::bool(true));
    if svc.capacity_provider_strategy.is_empty() {
        body = body.attr("launch_type", ir::str("FARGATE"));
    } else {
        // Provider 6.x replaces the service only when asked to; without this a strategy change
        // fails at apply time.
        body = body.attr("force_new_deployment", ir::bool(true));
    }
    if let Some(lb) = &svc.load_balancer {
        body = body.attr(
            "health_check_grace_period_seconds",
            ir::int(i64::from(
                lb.health_check_grace_period_seconds
                    .unwrap_or(DEFAULT_GRACE_PERIOD),
            )),
        );
    }
    body = body.attr_opt("tags", ctx.tags(Some(svc)));
    for item in &svc.capacity_provider_strategy {
        body = body.block(Block::new(
            "capacity_provider_strategy",
            &[],
            Body::new()
                .attr(
                    "capacity_provider",
                    ir::str(item.capacity_provider.as_str()),
                )
                .attr("weight", ir::int(item.weight.unwrap_or(0)))
                .attr("base", ir::int(item.base.unwrap_or(0))),
        ));
    }
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
    if let Some(lb) = &svc.load_balancer {
        let tg = match &lb.target_group_arn {
            Some(arn) => ir::str(arn.clone()),
            None => ctx.var(
                &format!("{id}_target_group_arn"),
                VarType::String,
                &format!("ARN of the target group that sends traffic to {name}."),
            ),
        };
        let port = lb.container_port.or(svc.port).unwrap_or(80);
        body = body.block(Block::new(
            "load_balancer",
            &[],
            Body::new()
                .attr("target_group_arn", tg)
                .attr("container_name", ir::str(name.as_str()))
                .attr("container_port", ir::int(i64::from(port))),
        ));
    }
    if svc.auto_scaling.is_some() {
        body = body.block(Block::new(
            "lifecycle",
            &[],
            Body::new().attr("ignore_changes", ir::list([ir::ident("desired_count")])),
        ));
    }
    let mut depends = vec![ir::reference(
        "aws_iam_role_policy_attachment",
        &format!("{id}_execution"),
        &[],
    )];
    if ctx.stack.cluster.is_some() {
        depends.push(ir::reference(
            "aws_ecs_cluster_capacity_providers",
            "this",
            &[],
        ));
    }
    body = body.attr("depends_on", ir::list(depends));
    Block::resource("aws_ecs_service", &id, body)
}

//! One service's file: log group, IAM, security group, task definition and ECS service.

use crate::ir::Expr;

use crate::ir::{self, Block, Body};
use crate::resolve::defaults::DEFAULT_PLATFORM_VERSION;
use crate::resolve::service::Placement;
use crate::resolve::Service;

use super::{deployment, iam, network, task, traffic, Ctx};

pub(super) fn lower(ctx: &mut Ctx<'_>, svc: &Service) -> Body {
    let id = svc.name.ident();
    let name = &svc.name;
    let mut before = vec![log_group(ctx, svc)];
    before.extend(iam::blocks(ctx, svc));
    before.extend(super::ebs::infrastructure_role(ctx, svc));
    before.extend(network::security_group(ctx, svc));
    let needs = depends_on(ctx, svc, &before);
    let mut body = Body::new().blocks(before);
    body = body.block(task::task_definition(ctx, svc));
    body = body.block(ecs_service(ctx, svc, needs));
    body = body.blocks(super::scaling::blocks(ctx, svc));

    ctx.output(
        format!("{id}_service_name"),
        format!("Name of the {name} ECS service."),
        ir::reference("aws_ecs_service", &id, &["name"]),
    );
    ctx.output(
        format!("{id}_service_arn"),
        format!("ARN of the {name} ECS service."),
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
        .attr_opt("tags", ctx.tags(Some(svc)))
        .block(region_precondition(ctx));
    Block::resource("aws_cloudwatch_log_group", &name.ident(), body)
}

fn ecs_service(ctx: &mut Ctx<'_>, svc: &Service, depends_on: Vec<Expr>) -> Block {
    let id = svc.name.ident();
    let cluster = ctx.cluster_name();
    let mut body = Body::new();
    if svc.network.assign_public_ip {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_333:{} runs in public subnets, where tasks need a public IP to reach the internet (network.subnets: 'public')",
            svc.name
        ));
    }
    if svc.task.platform_version != DEFAULT_PLATFORM_VERSION {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_332:{} pins its Fargate platform version (platform_version: '{}' in the stack)",
            svc.name, svc.task.platform_version
        ));
    }
    body = body
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
        .attr(
            "availability_zone_rebalancing",
            ir::str(if svc.az_rebalancing {
                "ENABLED"
            } else {
                "DISABLED"
            }),
        )
        .attr("enable_ecs_managed_tags", ir::bool(true));
    body = match &svc.placement {
        Placement::LaunchType => body.attr("launch_type", ir::str("FARGATE")),
        // Provider 6.x replaces the service only when asked to; without this a strategy change
        // fails at apply time.
        Placement::Strategy(_) => body.attr("force_new_deployment", ir::bool(true)),
        // A stack with such a strategy stops at `capacity-range` or `capacity-weight`.
        Placement::Unresolved => body,
    };
    body = body
        .attr_opt(
            "health_check_grace_period_seconds",
            svc.grace_period_seconds.map(|g| ir::int(i64::from(g))),
        )
        .attr_opt(
            "enable_execute_command",
            svc.execute_command.then(|| ir::bool(true)),
        );
    body = deployment::attrs(body, &svc.deployment).attr_opt("tags", ctx.tags(Some(svc)));
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
    body = body
        .block(traffic::network_configuration(ctx, svc))
        .blocks(deployment::blocks(&svc.deployment))
        .blocks(traffic::load_balancers(ctx, svc))
        .blocks(traffic::service_connect(ctx, svc))
        .blocks(super::ebs::volume_configuration(svc))
        .blocks(deployment::lifecycle(svc));
    body = body.attr("depends_on", ir::list(depends_on));
    Block::resource("aws_ecs_service", &id, body)
}

fn depends_on(ctx: &Ctx<'_>, svc: &Service, before: &[Block]) -> Vec<Expr> {
    const NEEDED: &[&str] = &[
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ];
    let mut depends: Vec<Expr> = before
        .iter()
        .filter(|b| b.ident.as_str() == "resource" && NEEDED.contains(&b.labels[0].as_str()))
        .map(|b| ir::reference(&b.labels[0], &b.labels[1], &[]))
        .collect();
    let stack = ctx.stack;
    depends.extend(
        stack
            .endpoints
            .iter()
            .map(|e| ir::reference("aws_vpc_endpoint", &e.label, &[])),
    );
    if stack.has_interface_endpoints() {
        depends.push(ir::reference(
            "aws_vpc_security_group_ingress_rule",
            &format!("{}_to_vpc_endpoints", svc.name.ident()),
            &[],
        ));
    }
    if stack.cluster.is_some() {
        depends.push(ir::reference(
            "aws_ecs_cluster_capacity_providers",
            "this",
            &[],
        ));
    }
    depends.extend(connect_servers(ctx, svc));
    depends
}

/// A Service Connect client (a service that offers nothing in its namespace) starts after the
/// services of the stack that serve in that namespace: tasks started before an endpoint exists
/// cannot resolve it until they are redeployed.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html
fn connect_servers(ctx: &Ctx<'_>, svc: &Service) -> Vec<Expr> {
    let Some(sc) = svc
        .service_connect
        .as_ref()
        .filter(|sc| sc.services.is_empty())
    else {
        return Vec::new();
    };
    ctx.stack
        .services
        .iter()
        .filter(|o| o.name != svc.name)
        .filter(|o| {
            o.service_connect
                .as_ref()
                .is_some_and(|c| c.namespace == sc.namespace && !c.services.is_empty())
        })
        .map(|o| ir::reference("aws_ecs_service", &o.name.ident(), &[]))
        .collect()
}

/// The provider must work in the region the tasks use: the log group is created where the
/// provider points, while the tasks log to `awslogs-region` and reach endpoints named after the
/// stack's region. A mismatch fails the plan here instead of leaving tasks that cannot log.
///
/// The region is read with `lookup` on the whole data source: provider 6 names it `region`
/// (and deprecates `name`), while 5.100 has only `name`. A static reference to either attribute
/// fails validation on one major or draws a deprecation warning on the other; `id` is the
/// region too, but a mocked `aws_region` (terraform test) leaves it random.
fn region_precondition(ctx: &mut Ctx<'_>) -> Block {
    let current = ctx.data("aws_region", &[]);
    let provider_region = ir::call(
        "lookup",
        vec![
            current.clone(),
            ir::str("region"),
            ir::call("lookup", vec![current, ir::str("name"), Expr::Null]),
        ],
    );
    let (region, which) = match &ctx.stack.region {
        Some(r) => (ir::str(r.clone()), format!("{r} (the stack's region)")),
        None => (ctx.region(), "var.region".to_owned()),
    };
    Block::new(
        "lifecycle",
        &[],
        Body::new().block(Block::new(
            "precondition",
            &[],
            Body::new()
                .attr(
                    "condition",
                    ir::binary(provider_region, ir::BinaryOp::Eq, region),
                )
                .attr(
                    "error_message",
                    ir::str(format!(
                        "The AWS provider is configured for another region than {which}, where the tasks log and reach AWS; configure the provider for that region."
                    )),
                ),
        )),
    )
}

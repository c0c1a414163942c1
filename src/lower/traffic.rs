//! How traffic reaches the ECS service's tasks: the network configuration, the target groups
//! and Service Connect.

use crate::ir::{self, Block, Body, Expr};
use crate::resolve::network::ServiceConnect;
use crate::resolve::Service;

use super::{Ctx, VarType};

/// Subnets, the task security group and the public IP setting.
pub(super) fn network_configuration(ctx: &mut Ctx<'_>, svc: &Service) -> Block {
    let subnets = if svc.network.is_public() {
        ctx.public_subnet_ids()
    } else {
        ctx.private_subnet_ids()
    };
    Block::new(
        "network_configuration",
        &[],
        Body::new()
            .attr("subnets", subnets)
            .attr(
                "security_groups",
                ir::list([ir::reference(
                    "aws_security_group",
                    &svc.name.ident(),
                    &["id"],
                )]),
            )
            .attr("assign_public_ip", ir::bool(svc.network.assign_public_ip)),
    )
}

/// One `load_balancer` block per target group.
pub(super) fn load_balancers(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    svc.load_balancers
        .iter()
        .map(|lb| {
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
            let advanced = lb.advanced_configuration.as_ref().map(|a| {
                Block::new(
                    "advanced_configuration",
                    &[],
                    Body::new()
                        .attr(
                            "alternate_target_group_arn",
                            ir::str(a.alternate_target_group_arn.clone()),
                        )
                        .attr(
                            "production_listener_rule",
                            ir::str(a.production_listener_rule.clone()),
                        )
                        .attr_opt(
                            "test_listener_rule",
                            a.test_listener_rule.clone().map(ir::str),
                        )
                        .attr(
                            "role_arn",
                            a.role_arn
                                .clone()
                                .map_or_else(|| super::ebs::infrastructure_role_arn(svc), ir::str),
                        ),
                )
            });
            Block::new(
                "load_balancer",
                &[],
                Body::new()
                    .attr("target_group_arn", tg)
                    .attr("container_name", ir::str(lb.container.clone()))
                    .attr("container_port", ir::int(i64::from(lb.container_port)))
                    .blocks(advanced),
            )
        })
        .collect()
}

/// `service_connect_configuration`, with the proxy's logs in the service's log group.
pub(super) fn service_connect(ctx: &mut Ctx<'_>, svc: &Service) -> Option<Block> {
    let sc: &ServiceConnect = svc.service_connect.as_ref()?;
    let mut body = Body::new()
        .attr("enabled", ir::bool(true))
        .attr_opt("namespace", sc.namespace.clone().map(ir::str))
        .block(proxy_logs(ctx, svc));
    for s in &sc.services {
        let alias = s.client_alias.as_ref().map(|(port, dns)| {
            Block::new(
                "client_alias",
                &[],
                Body::new()
                    .attr("port", ir::int(i64::from(*port)))
                    .attr_opt("dns_name", dns.clone().map(ir::str))
                    .blocks(s.test_traffic_header.as_ref().map(|(name, value)| {
                        Block::new(
                            "test_traffic_rules",
                            &[],
                            Body::new().block(Block::new(
                                "header",
                                &[],
                                Body::new()
                                    .attr("name", ir::str(name.clone()))
                                    .block(Block::new(
                                        "value",
                                        &[],
                                        Body::new().attr("exact", ir::str(value.clone())),
                                    )),
                            )),
                        )
                    })),
            )
        });
        body = body.block(Block::new(
            "service",
            &[],
            Body::new()
                .attr("port_name", ir::str(s.port_name.clone()))
                .attr_opt("discovery_name", s.discovery_name.clone().map(ir::str))
                .blocks(alias),
        ));
    }
    Some(Block::new("service_connect_configuration", &[], body))
}

/// The Service Connect proxy logs with awslogs to the service's log group, under its own
/// stream prefix: without a log configuration its logs are lost.
fn proxy_logs(ctx: &mut Ctx<'_>, svc: &Service) -> Block {
    let region: Expr = ctx.region();
    Block::new(
        "log_configuration",
        &[],
        Body::new().attr("log_driver", ir::str("awslogs")).attr(
            "options",
            ir::object([
                (
                    "awslogs-group",
                    ir::reference("aws_cloudwatch_log_group", &svc.name.ident(), &["name"]),
                ),
                ("awslogs-region", region),
                ("awslogs-stream-prefix", ir::str("service-connect")),
            ]),
        ),
    )
}

//! A service's task security group and its rules: ingress from the load balancer, egress to its
//! database and to the AWS APIs (see `endpoints`).

use crate::ir::Expr;

use crate::ir::{self, Block, Body};
use crate::resolve::Service;

use super::{Ctx, VarType};

/// A rule of the task security group on one TCP port, to or from another security group.
fn sg_rule(
    kind: &str,
    label: String,
    sg_id: &Expr,
    description: String,
    port: u16,
    peer: Expr,
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

pub fn security_group(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    let (name, id) = (&svc.name, svc.name.ident());
    let sg_id = ir::reference("aws_security_group", &id, &["id"]);
    let vpc_id = ctx.vpc_id();
    let mut out = vec![Block::resource(
        "aws_security_group",
        &id,
        Body::new()
            .attr(
                "name_prefix",
                ir::str(svc.names.security_group_prefix.clone()),
            )
            .attr(
                "description",
                ir::str(format!("Tasks of the {name} ECS service.")),
            )
            .attr("vpc_id", vpc_id)
            .attr_opt("tags", ctx.tags(Some(svc)))
            .block(create_before_destroy()),
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

/// A security group attached to running tasks or endpoints cannot be deleted, so a replacement
/// (a changed description or VPC) must exist first; with a `name_prefix` the two can coexist.
pub fn create_before_destroy() -> Block {
    Block::new(
        "lifecycle",
        &[],
        Body::new().attr("create_before_destroy", ir::bool(true)),
    )
}

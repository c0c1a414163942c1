//! A service's task security group and its rules: ingress from the load balancers and from
//! Service Connect clients, egress to its database, to Service Connect servers, to the stack's
//! own destinations and to the AWS APIs (see `endpoints`).

use crate::ir::Expr;

use crate::ir::{self, Block, Body};
use crate::model::ServiceName;
use crate::resolve::network::Source;
use crate::resolve::service::{Destination, Egress};
use crate::resolve::Service;

use super::{create_before_destroy, Ctx, VarType};

/// A rule of the task security group on one TCP port, to or from another security group.
fn sg_rule(
    service: &ServiceName,
    kind: &str,
    label: String,
    sg_id: &Expr,
    description: String,
    port: u16,
    peer: Expr,
) -> Block {
    let mut body = Body::new();
    if port == 80 {
        // checkov reads any ingress on 80 as open to the world; this one admits a security
        // group only.
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_260:admits port 80 only from a security group, never 0.0.0.0/0: {service} listens on 80 (its port or container_port in the stack)"
        ));
    }
    Block::resource(
        kind,
        &label,
        body.attr("security_group_id", sg_id.clone())
            .attr("description", ir::str(description))
            .attr("ip_protocol", ir::str("tcp"))
            .attr("from_port", ir::int(i64::from(port)))
            .attr("to_port", ir::int(i64::from(port)))
            .attr("referenced_security_group_id", peer),
    )
}

pub(super) fn security_group(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    let (name, id) = (&svc.name, svc.name.ident());
    let sg_id = ir::reference("aws_security_group", &id, &["id"]);
    let vpc_id = ctx.vpc_id();
    // A fixed name (`names.security_group`) cannot exist twice, so its replacement cannot be
    // created before the old group is destroyed.
    let body = match &svc.names.security_group {
        Some(fixed) => Body::new().attr("name", ir::str(fixed.clone())),
        None => Body::new().attr(
            "name_prefix",
            ir::str(svc.names.security_group_prefix.clone()),
        ),
    };
    let body = body
        .attr(
            "description",
            ir::str(svc.names.security_group_description.clone()),
        )
        .attr("vpc_id", vpc_id)
        .attr_opt("tags", ctx.tags(Some(svc)));
    let body = match svc.names.security_group {
        Some(_) => body,
        None => body.block(create_before_destroy()),
    };
    let mut out = vec![Block::resource("aws_security_group", &id, body)];
    for i in &svc.ingress {
        let peer = match &i.from {
            Source::Variable { name, description } => ctx.var(name, VarType::String, description),
            Source::SecurityGroup(sg) => ir::str(sg.clone()),
            Source::Service(other) => task_security_group(other),
        };
        out.push(sg_rule(
            name,
            "aws_vpc_security_group_ingress_rule",
            format!("{id}_{}", i.label),
            &sg_id,
            i.description.clone(),
            i.port,
            peer,
        ));
    }
    for e in &svc.egress {
        out.push(egress(ctx, svc, &sg_id, e));
    }
    out.extend(super::endpoints::task_egress(ctx, svc, &sg_id));
    out
}

/// One egress rule of the task security group to a destination the stack names.
fn egress(ctx: &mut Ctx<'_>, svc: &Service, sg_id: &Expr, e: &Egress) -> Block {
    let (key, peer) = match &e.to {
        Destination::Variable { name, description } => (
            "referenced_security_group_id",
            ctx.var(name, VarType::String, description),
        ),
        Destination::SecurityGroup(id) => ("referenced_security_group_id", ir::str(id.clone())),
        Destination::Cidr(cidr) => ("cidr_ipv4", ir::str(cidr.clone())),
        Destination::PrefixList(id) => ("prefix_list_id", ir::str(id.clone())),
        Destination::Service(other) => ("referenced_security_group_id", task_security_group(other)),
    };
    Block::resource(
        "aws_vpc_security_group_egress_rule",
        &format!("{}_{}", svc.name.ident(), e.label),
        Body::new()
            .attr("security_group_id", sg_id.clone())
            .attr("description", ir::str(e.description.clone()))
            .attr("ip_protocol", ir::str(e.protocol.as_str()))
            .attr_opt(
                "from_port",
                e.ports.map(|(from, _)| ir::int(i64::from(from))),
            )
            .attr_opt("to_port", e.ports.map(|(_, to)| ir::int(i64::from(to))))
            .attr(key, peer),
    )
}

/// The task security group of a service of the stack.
fn task_security_group(service: &ServiceName) -> Expr {
    ir::reference("aws_security_group", &service.ident(), &["id"])
}

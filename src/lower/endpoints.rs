//! VPC endpoints and the task egress rules that go with them.
//!
//! Security groups are least privilege in both directions: the endpoint security group admits
//! 443 only from the stack's task security groups (by reference, never a CIDR), and the tasks
//! reach the endpoints by reference too, plus the S3/DynamoDB prefix lists of the Gateway
//! endpoints. Only a stack that says it has a NAT gateway keeps the 443-to-anywhere egress,
//! because its applications may call anything on the internet.

use std::collections::BTreeMap;

use crate::ir::Expr;

use crate::ir::{self, Block, Body, Part};
use crate::model::endpoint::EndpointType;
use crate::resolve::{Endpoint, EndpointKind, EndpointPolicy, Service};

use super::{Ctx, VarType};

/// The Terraform label of the one endpoint security group.
const SG: &str = "vpc_endpoints";

/// The stack's `vpc_endpoints.tf`, or `None` when it creates no endpoints and reaches no
/// existing Gateway endpoint.
pub(super) fn file(ctx: &mut Ctx<'_>) -> Option<Body> {
    let mut body = Body::new();
    for e in &ctx.stack.existing_endpoints {
        if e.ty == EndpointType::Gateway {
            let name = service_name(ctx, &e.service);
            body.push_block(Block::data(
                "aws_prefix_list",
                &e.label,
                Body::new().attr("name", name),
            ));
        }
    }
    let endpoints = &ctx.stack.endpoints;
    if endpoints.is_empty() {
        return (!body.is_empty()).then_some(body);
    }
    for e in endpoints {
        let block = vpc_endpoint(ctx, e);
        body.push_block(block);
    }
    let ids: Vec<(String, Expr)> = endpoints
        .iter()
        .map(|e| {
            (
                e.label.clone(),
                ir::reference("aws_vpc_endpoint", &e.label, &["id"]),
            )
        })
        .collect();
    ctx.output(
        "vpc_endpoint_ids".to_owned(),
        "IDs of the VPC endpoints, by Terraform label (ecr_api, s3...).".to_owned(),
        ir::object(ids),
    );
    if ctx.stack.has_interface_endpoints() {
        body = body.blocks(security_group(ctx));
        ctx.output(
            "vpc_endpoints_security_group_id".to_owned(),
            "ID of the security group of the Interface VPC endpoints.".to_owned(),
            ir::reference("aws_security_group", SG, &["id"]),
        );
    }
    Some(body)
}

/// `com.amazonaws.<region>.<service>`, with `var.region` when the stack names no region.
fn service_name(ctx: &mut Ctx<'_>, service: &str) -> Expr {
    match &ctx.stack.region {
        Some(r) => ir::str(format!("com.amazonaws.{r}.{service}")),
        None => {
            let region = ctx.region();
            ir::template(vec![
                Part::Lit("com.amazonaws."),
                Part::Interp(region),
                Part::Lit(&format!(".{service}")),
            ])
        }
    }
}

/// The stack's tags plus a `Name`, which the VPC console shows instead of the bare vpce- ID.
fn tags(ctx: &Ctx<'_>, name: String) -> Expr {
    let mut tags: BTreeMap<String, String> = ctx.stack.tags.clone();
    tags.entry("Name".to_owned()).or_insert(name);
    ir::object(tags.into_iter().map(|(k, v)| (k, ir::str(v))))
}

fn vpc_endpoint(ctx: &mut Ctx<'_>, e: &Endpoint) -> Block {
    let vpc_id = ctx.vpc_id();
    let mut body = Body::new()
        .attr("vpc_id", vpc_id)
        .attr("service_name", service_name(ctx, &e.service))
        // Always written: the provider's default is Gateway.
        .attr("vpc_endpoint_type", ir::str(e.ty().as_str()));
    let mut dns_options = None;
    let mut depends_on = None;
    match &e.kind {
        EndpointKind::Interface {
            private_dns,
            dns_only_for_inbound_resolver,
            after_gateway,
        } => {
            let subnets = ctx.private_subnet_ids();
            body = body.attr("subnet_ids", subnets).attr(
                "security_group_ids",
                ir::list([ir::reference("aws_security_group", SG, &["id"])]),
            );
            dns_options = dns_only_for_inbound_resolver.map(|only| {
                Block::new(
                    "dns_options",
                    &[],
                    Body::new().attr(
                        "private_dns_only_for_inbound_resolver_endpoint",
                        ir::bool(only),
                    ),
                )
            });
            depends_on = after_gateway
                .as_ref()
                .map(|gw| ir::list([ir::reference("aws_vpc_endpoint", gw, &[])]));
            body = body.attr("private_dns_enabled", ir::bool(*private_dns));
        }
        EndpointKind::Gateway => {
            let route_tables = ctx.var(
                "private_route_table_ids",
                VarType::ListOfString,
                "IDs of the private subnets' route tables, which the Gateway VPC endpoints add routes to.",
            );
            body = body.attr("route_table_ids", route_tables);
        }
    }
    if let Some(policy) = &e.policy {
        let policy = policy_expr(ctx, policy);
        body = body.attr("policy", policy);
    }
    body = body.attr(
        "tags",
        tags(
            ctx,
            format!("{}-{}", ctx.stack.prefix, e.label.replace('_', "-")),
        ),
    );
    if let Some(b) = dns_options {
        body = body.block(b);
    }
    body = body.attr_opt("depends_on", depends_on);
    Block::resource("aws_vpc_endpoint", &e.label, body)
}

/// `jsonencode(...)` of a policy: the built-in `ecr-layers`, or the user's document as given.
/// Validation has checked that it is one of the two.
fn policy_expr(ctx: &mut Ctx<'_>, policy: &EndpointPolicy) -> Expr {
    let doc = match policy {
        EndpointPolicy::EcrLayers => ecr_layers(ctx),
        EndpointPolicy::Document(d) => json(d),
    };
    ir::call("jsonencode", vec![doc])
}

/// The minimum S3 access ECR image pulls need: read objects of the region's layer bucket.
/// Source: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms
fn ecr_layers(ctx: &mut Ctx<'_>) -> Expr {
    let bucket = match &ctx.stack.region {
        Some(r) => ir::str(format!("arn:aws:s3:::prod-{r}-starport-layer-bucket/*")),
        None => {
            let region = ctx.region();
            ir::template(vec![
                Part::Lit("arn:aws:s3:::prod-"),
                Part::Interp(region),
                Part::Lit("-starport-layer-bucket/*"),
            ])
        }
    };
    ir::object([
        ("Version", ir::str("2012-10-17")),
        (
            "Statement",
            ir::list([ir::object([
                ("Sid", ir::str("EcrImageLayers")),
                ("Effect", ir::str("Allow")),
                ("Principal", ir::str("*")),
                ("Action", ir::list([ir::str("s3:GetObject")])),
                ("Resource", ir::list([bucket])),
            ])]),
        ),
    ])
}

/// A JSON value as an HCL expression, for `jsonencode`. Strings stay literal text: the
/// printer escapes `${`, so a user's policy can never become an interpolation.
fn json(v: &serde_json::Value) -> Expr {
    match v {
        serde_json::Value::Null => Expr::Null,
        serde_json::Value::Bool(b) => ir::bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => ir::int(i),
            (None, Some(f)) => ir::num(f),
            (None, None) => Expr::Null,
        },
        serde_json::Value::String(s) => ir::str(s.clone()),
        serde_json::Value::Array(a) => ir::list(a.iter().map(json)),
        serde_json::Value::Object(o) => ir::object(o.iter().map(|(k, v)| (k.as_str(), json(v)))),
    }
}

/// The endpoint security group and one ingress rule per service: 443 from its tasks only.
fn security_group(ctx: &mut Ctx<'_>) -> Vec<Block> {
    let vpc_id = ctx.vpc_id();
    let stack = ctx.stack;
    let sg_tags = tags(ctx, format!("{}-vpc-endpoints", stack.prefix));
    let (fixed, description) = &stack.endpoint_security_group;
    // A fixed name (an adopted group's) cannot exist twice, so its replacement cannot be created
    // before the old group is destroyed.
    let body = match fixed {
        Some(name) => Body::new().attr("name", ir::str(name.clone())),
        None => Body::new().attr(
            "name_prefix",
            ir::str(format!("{}-vpc-endpoints-", stack.prefix)),
        ),
    };
    let body = body
        .attr("description", ir::str(description.clone()))
        .attr("vpc_id", vpc_id)
        .attr("tags", sg_tags);
    let body = match fixed {
        Some(_) => body,
        None => body.block(super::create_before_destroy()),
    };
    let mut out = vec![Block::resource("aws_security_group", SG, body)];
    for svc in &stack.services {
        let (name, id) = (&svc.name, svc.name.ident());
        out.push(Block::resource(
            "aws_vpc_security_group_ingress_rule",
            &format!("{id}_to_vpc_endpoints"),
            Body::new()
                .attr(
                    "security_group_id",
                    ir::reference("aws_security_group", SG, &["id"]),
                )
                .attr(
                    "description",
                    ir::str(format!("HTTPS from the {name} tasks")),
                )
                .attr("ip_protocol", ir::str("tcp"))
                .attr("from_port", ir::int(443))
                .attr("to_port", ir::int(443))
                .attr(
                    "referenced_security_group_id",
                    ir::reference("aws_security_group", &id, &["id"]),
                ),
        ));
    }
    out
}

/// Egress of one service's tasks: HTTPS to the Interface endpoints' security group and to the
/// Gateway endpoints' prefix lists (ECR image layers come from S3 that way), plus HTTPS to
/// anywhere when the tasks have a way there: the NAT gateway, or a public IP in a public subnet.
pub(super) fn task_egress(ctx: &mut Ctx<'_>, svc: &Service, sg_id: &Expr) -> Vec<Block> {
    let (name, id) = (&svc.name, svc.name.ident());
    let stack = ctx.stack;
    let https = |label: String, description: String, target: (&str, Expr)| {
        Block::resource(
            "aws_vpc_security_group_egress_rule",
            &label,
            Body::new()
                .attr("security_group_id", sg_id.clone())
                .attr("description", ir::str(description))
                .attr("ip_protocol", ir::str("tcp"))
                .attr("from_port", ir::int(443))
                .attr("to_port", ir::int(443))
                .attr(target.0, target.1),
        )
    };
    let mut out = Vec::new();
    if stack.has_existing_interface_endpoints() {
        let existing_sg = ctx.var(
            "vpc_endpoint_security_group_id",
            VarType::String,
            "Security group of the VPC's existing Interface endpoints (network.existing_vpc_endpoints); it must admit HTTPS from the task security groups.",
        );
        out.push(https(
            format!("{id}_to_existing_vpc_endpoints"),
            format!("{name} to the VPC's existing Interface endpoints over HTTPS"),
            ("referenced_security_group_id", existing_sg),
        ));
    }
    for e in stack
        .existing_endpoints
        .iter()
        .filter(|e| e.ty == EndpointType::Gateway)
    {
        out.push(https(
            format!("{id}_to_{}", e.label),
            format!(
                "{name} to {} over HTTPS through the VPC's Gateway endpoint",
                e.service
            ),
            (
                "prefix_list_id",
                ir::traversal("data", &["aws_prefix_list", &e.label, "id"]),
            ),
        ));
    }
    let through = if svc.network.is_public() {
        Some("the internet gateway")
    } else {
        stack.nat_gateway.then_some("the NAT gateway")
    };
    if let Some(through) = through {
        out.push(https(
            format!("{id}_https"),
            format!("{name} to AWS APIs and ECR over HTTPS through {through}"),
            ("cidr_ipv4", ir::str("0.0.0.0/0")),
        ));
    }
    if stack.has_interface_endpoints() {
        out.push(https(
            format!("{id}_to_vpc_endpoints"),
            format!("{name} to the Interface VPC endpoints over HTTPS"),
            (
                "referenced_security_group_id",
                ir::reference("aws_security_group", SG, &["id"]),
            ),
        ));
    }
    for e in stack
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Gateway)
    {
        let label = &e.label;
        out.push(https(
            format!("{id}_to_{label}"),
            format!(
                "{name} to {} over HTTPS through its Gateway VPC endpoint",
                e.service
            ),
            (
                "prefix_list_id",
                ir::reference("aws_vpc_endpoint", label, &["prefix_list_id"]),
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::ir::{Body, Content, Item};
    use crate::lower::lower_json;

    /// Every `resource` block of the module as (type, label, body).
    fn resources(stack: serde_json::Value) -> Vec<(String, String, Body)> {
        let module = lower_json(&stack, None);
        let mut out = Vec::new();
        for f in module.files {
            if let Content::Terraform(body) = f.content {
                for item in body.items {
                    if let Item::Block(b) = item {
                        if b.ident.as_str() == "resource" {
                            out.push((b.labels[0].clone(), b.labels[1].clone(), b.body));
                        }
                    }
                }
            }
        }
        out
    }

    fn has_attr(body: &Body, key: &str) -> bool {
        body.items
            .iter()
            .any(|i| matches!(i, Item::Attribute(a) if a.key.as_str() == key))
    }

    fn stack(nat: bool) -> serde_json::Value {
        json!({
            "name": "s",
            "network": { "nat_gateway": nat },
            "vpc_endpoints": "fargate-private",
            "services": {
                "api": { "cpu": 256, "memory": 512 },
                "worker": { "cpu": 256, "memory": 512 },
            },
        })
    }

    #[test]
    fn endpoint_security_group_never_admits_a_cidr() {
        for nat in [true, false] {
            let rs = resources(stack(nat));
            let ingress: Vec<_> = rs
                .iter()
                .filter(|(t, _, b)| {
                    t == "aws_vpc_security_group_ingress_rule"
                        && b.items.iter().any(|i| {
                            matches!(i, Item::Attribute(a) if a.key.as_str() == "security_group_id"
                                && a.expr == crate::ir::reference("aws_security_group", "vpc_endpoints", &["id"]))
                        })
                })
                .collect();
            assert_eq!(ingress.len(), 2, "one rule per service");
            for (_, label, body) in ingress {
                assert!(has_attr(body, "referenced_security_group_id"), "{label}");
                assert!(
                    !has_attr(body, "cidr_ipv4") && !has_attr(body, "cidr_ipv6"),
                    "{label}"
                );
            }
        }
    }

    #[test]
    fn without_nat_no_rule_names_a_cidr() {
        let rs = resources(stack(false));
        let egress: Vec<_> = rs
            .iter()
            .filter(|(t, _, _)| t == "aws_vpc_security_group_egress_rule")
            .map(|(_, l, _)| l.as_str())
            .collect();
        assert_eq!(
            egress,
            [
                "api_to_vpc_endpoints",
                "api_to_s3",
                "worker_to_vpc_endpoints",
                "worker_to_s3"
            ]
        );
        for (t, label, body) in &rs {
            if t.starts_with("aws_vpc_security_group") {
                assert!(
                    !has_attr(body, "cidr_ipv4") && !has_attr(body, "cidr_ipv6"),
                    "{label}"
                );
            }
        }
    }

    #[test]
    fn with_nat_the_internet_egress_stays() {
        let rs = resources(stack(true));
        assert!(rs
            .iter()
            .any(|(t, l, b)| t == "aws_vpc_security_group_egress_rule"
                && l == "api_https"
                && has_attr(b, "cidr_ipv4")));
    }

    #[test]
    fn every_endpoint_states_its_type() {
        for (t, label, body) in resources(stack(false)) {
            if t == "aws_vpc_endpoint" {
                assert!(has_attr(&body, "vpc_endpoint_type"), "{label}");
            }
        }
    }
}

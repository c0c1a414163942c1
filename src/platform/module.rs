//! The platform module (networks' endpoints, clusters, namespaces) and the root module of one
//! environment, as IR.

use std::collections::BTreeMap;

use crate::ir::{self, Block, Body, Content, Expr, File, Module};
use crate::lower::module_files;
use crate::model::endpoint::EndpointType;
use crate::model::stack::PlatformRef;
use crate::pipeline::Compiled;

use super::model::{Cluster, Namespace, Network, PlatformFile};
use super::PLATFORM_MODULE;

fn tf(name: &str, body: Body) -> File {
    File {
        name: name.to_owned(),
        content: Content::Terraform(body),
    }
}

/// The endpoint security group's name: the VPC's, so that every environment that shares the
/// VPC finds the one the owner created.
fn endpoint_sg_name(net: &Network) -> String {
    format!("vpc-endpoints-{}", net.vpc_id)
}

fn tags(p: &PlatformFile, name: &str) -> Expr {
    let mut tags = p.tags.clone();
    tags.entry("Name".to_owned())
        .or_insert_with(|| name.to_owned());
    ir::object(tags.into_iter().map(|(k, v)| (k, ir::str(v))))
}

fn label(s: &str) -> String {
    s.replace(['-', '.'], "_")
}

/// The platform module of one environment: for each network whose endpoints this environment
/// owns (`owned`), its endpoints and their security group; for each network whose endpoints
/// another environment owns, a lookup of that security group (`interfaces`: the VPC has
/// Interface endpoints); each cluster with its capacity providers; each namespace.
pub(super) fn platform(
    p: &PlatformFile,
    owned: &BTreeMap<&str, Vec<(String, EndpointType)>>,
    interfaces: &BTreeMap<String, bool>,
) -> Module {
    let mut body = Body::new();
    let networks: Vec<(String, Expr)> = p
        .networks
        .iter()
        .map(|(name, net)| {
            (
                name.clone(),
                network(&mut body, p, name, net, owned, interfaces),
            )
        })
        .collect();
    let namespaces: Vec<(String, Expr)> = p
        .namespaces
        .iter()
        .map(|(name, ns)| (name.clone(), namespace(&mut body, p, name, ns)))
        .collect();
    let clusters: Vec<(String, Expr)> = p
        .clusters
        .iter()
        .map(|(name, c)| (name.clone(), cluster(&mut body, p, name, c)))
        .collect();
    let output = |name: &str, description: &str, value: Expr| {
        Block::new(
            "output",
            &[name],
            Body::new()
                .attr("description", ir::str(description))
                .attr("value", value),
        )
    };
    let outputs = Body::new()
        .block(output(
            "networks",
            "Each network: VPC ID, subnets, route tables and the Interface endpoints' security group.",
            ir::object(networks),
        ))
        .block(output(
            "clusters",
            "Each cluster: name (once its capacity providers are associated) and ARN.",
            ir::object(clusters),
        ))
        .block(output(
            "namespaces",
            "Each Service Connect namespace: name and ARN.",
            ir::object(namespaces),
        ));
    let files = vec![tf("main.tf", body), tf("outputs.tf", outputs)];
    let mut all = vec![tf("versions.tf", module_files::versions(&files))];
    all.extend(files);
    Module { files: all }
}

/// A stack module's variable, as the root module sees it.
struct Var {
    name: String,
    ty: Expr,
    description: String,
}

/// The variables of a compiled stack module, read back from its `variables.tf(.json)`.
fn variables(c: &Compiled) -> Vec<Var> {
    let mut out = Vec::new();
    for (name, content) in &c.files {
        if name == "variables.tf" {
            let Ok(body) = hcl::parse(content) else {
                continue;
            };
            for b in body.blocks().filter(|b| b.identifier() == "variable") {
                let Some(var) = b.labels().first().map(|l| l.as_str().to_owned()) else {
                    continue;
                };
                let attr = |key: &str| {
                    b.body()
                        .attributes()
                        .find(|a| a.key() == key)
                        .map(|a| a.expr().clone())
                };
                let ty = attr("type").map_or_else(|| "string".to_owned(), |e| e.to_string());
                let description = match attr("description") {
                    Some(hcl::Expression::String(s)) => s,
                    _ => String::new(),
                };
                out.push(Var {
                    name: var,
                    ty: type_expr(&ty),
                    description,
                });
            }
        } else if name == "variables.tf.json" {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(content) else {
                continue;
            };
            for (var, decl) in v["variable"].as_object().into_iter().flatten() {
                let ty = decl["type"].as_str().unwrap_or("string");
                let ty = ty.trim_start_matches("${").trim_end_matches('}');
                out.push(Var {
                    name: var.clone(),
                    ty: type_expr(ty),
                    description: decl["description"].as_str().unwrap_or("").to_owned(),
                });
            }
        }
    }
    out
}

/// A type constraint as gen-tf writes them.
fn type_expr(text: &str) -> Expr {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match text.strip_prefix("list(").and_then(|t| t.strip_suffix(')')) {
        Some(inner) => ir::call("list", vec![ir::ident(inner)]),
        None => match text.strip_prefix("map(").and_then(|t| t.strip_suffix(')')) {
            Some(inner) => ir::call("map", vec![ir::ident(inner)]),
            None => ir::ident(&text),
        },
    }
}

/// What the platform gives a stack variable, by its name; `None`: the root module's caller
/// gives it (`<stack>_<variable>`).
fn wired(var: &str, p: &PlatformFile, r: &PlatformRef) -> Option<Expr> {
    let out = |root: &str, key: &str, attr: &str| {
        Some(ir::traversal("module", &[PLATFORM_MODULE, root, key, attr]))
    };
    let net = |attr: &str| out("networks", &r.network, attr);
    match var {
        "region" => Some(ir::str(p.region.clone())),
        "cluster_name" => out("clusters", &r.cluster, "name"),
        "vpc_id" => net("vpc_id"),
        "private_subnet_ids" => net("private_subnet_ids"),
        "public_subnet_ids" => net("public_subnet_ids"),
        "private_route_table_ids" => net("private_route_table_ids"),
        "vpc_endpoint_security_group_id" => net("vpc_endpoint_security_group_id"),
        _ => None,
    }
}

/// The root module of one environment: the AWS provider, the platform module and every stack
/// module in the platform, each stack variable wired to a platform output or passed through.
pub(super) fn root(
    p: &PlatformFile,
    members: &[(&Compiled, &PlatformRef)],
    after: &super::rules::After,
    target: usize,
) -> Module {
    let names: Vec<&str> = members.iter().map(|(c, _)| c.name.as_str()).collect();
    let mut main = Body::new().block(Block::new(
        "provider",
        &["aws"],
        Body::new().attr("region", ir::str(p.region.clone())),
    ));
    main.push_block(Block::new(
        "module",
        &[PLATFORM_MODULE],
        Body::new().attr("source", ir::str(format!("../{PLATFORM_MODULE}"))),
    ));
    let mut vars = Body::new();
    for (c, r) in members {
        let mut m = Body::new().attr("source", ir::str(format!("../{}", c.name)));
        for v in variables(c) {
            let value = match wired(&v.name, p, r) {
                Some(e) => e,
                None => {
                    let outer = format!("{}_{}", c.name.replace('-', "_"), v.name);
                    vars.push_block(Block::new(
                        "variable",
                        &[&outer],
                        Body::new().attr("type", v.ty.clone()).attr(
                            "description",
                            ir::str(format!("Stack {}: {}", c.name, v.description)),
                        ),
                    ));
                    ir::var(&outer)
                }
            };
            m = m.attr(&v.name, value);
        }
        // Service Connect clients start after the servers of their namespace: tasks started
        // before a server's endpoint exists cannot resolve it until they are redeployed.
        let mut servers: Vec<Expr> = after
            .get(&(target, c.name.clone()))
            .into_iter()
            .flatten()
            .filter(|s| names.contains(&s.as_str()))
            .map(|s| ir::traversal("module", &[s]))
            .collect();
        // A namespace other than the cluster's default: no output the stack reads depends on
        // it, so the stack waits for the whole platform.
        if r.namespace.is_some() {
            servers.insert(0, ir::traversal("module", &[PLATFORM_MODULE]));
        }
        if !servers.is_empty() {
            m = m.attr("depends_on", ir::list(servers));
        }
        main.push_block(Block::new("module", &[&c.name], m));
    }
    let files = vec![tf("main.tf", main), tf("variables.tf", vars)];
    let mut all = vec![tf("versions.tf", module_files::versions(&files))];
    all.extend(files);
    Module { files: all }
}

/// One network's endpoints and their security group (or its lookup), into `body`; its output.
fn network(
    body: &mut Body,
    p: &PlatformFile,
    name: &String,
    net: &Network,
    owned: &BTreeMap<&str, Vec<(String, EndpointType)>>,
    interfaces: &BTreeMap<String, bool>,
) -> Expr {
    let n = label(name);
    let created = owned.get(name.as_str()).cloned().unwrap_or_default();
    let has_interface = created.iter().any(|(_, t)| *t == EndpointType::Interface);
    let sg = format!("{n}_vpc_endpoints");
    let sg_id = if has_interface {
        body.push_block(Block::resource(
            "aws_security_group",
            &sg,
            Body::new()
                .attr("name", ir::str(endpoint_sg_name(net)))
                .attr(
                    "description",
                    ir::str(format!(
                        "Interface VPC endpoints of network {name}: HTTPS from the VPC CIDR, so every task in the VPC reaches them."
                    )),
                )
                .attr("vpc_id", ir::str(net.vpc_id.clone()))
                .attr("tags", tags(p, &endpoint_sg_name(net))),
        ));
        body.push_block(Block::resource(
            "aws_vpc_security_group_ingress_rule",
            &format!("{n}_vpc_endpoints_https"),
            Body::new()
                .attr(
                    "security_group_id",
                    ir::reference("aws_security_group", &sg, &["id"]),
                )
                .attr(
                    "description",
                    ir::str(format!("HTTPS from every task in network {name}")),
                )
                .attr("ip_protocol", ir::str("tcp"))
                .attr("from_port", ir::int(443))
                .attr("to_port", ir::int(443))
                .attr("cidr_ipv4", ir::str(net.cidr.clone())),
        ));
        ir::reference("aws_security_group", &sg, &["id"])
    } else if !owned.contains_key(name.as_str()) && interfaces.get(name).copied().unwrap_or(false) {
        body.push_block(Block::data(
            "aws_security_group",
            &sg,
            Body::new()
                .attr("vpc_id", ir::str(net.vpc_id.clone()))
                .attr("name", ir::str(endpoint_sg_name(net))),
        ));
        ir::traversal("data", &["aws_security_group", &sg, "id"])
    } else {
        Expr::Null
    };
    let subnets = ir::list(net.private_subnets.values().map(|s| ir::str(s.clone())));
    for (service, ty) in &created {
        body.push_block(vpc_endpoint(p, name, net, (service, *ty), &sg, &subnets));
    }
    ir::object([
        ("vpc_id", ir::str(net.vpc_id.clone())),
        ("private_subnet_ids", subnets),
        (
            "public_subnet_ids",
            ir::list(net.public_subnets.values().map(|s| ir::str(s.clone()))),
        ),
        (
            "private_route_table_ids",
            ir::list(
                net.private_route_table_ids
                    .iter()
                    .map(|r| ir::str(r.clone())),
            ),
        ),
        ("vpc_endpoint_security_group_id", sg_id),
    ])
}

/// One Service Connect namespace, into `body`; its output.
fn namespace(body: &mut Body, p: &PlatformFile, name: &str, ns: &Namespace) -> Expr {
    let l = label(name);
    body.push_block(Block::resource(
        "aws_service_discovery_http_namespace",
        &l,
        Body::new()
            .attr("name", ir::str(ns.name.clone()))
            .attr(
                "description",
                ir::str(format!("Service Connect namespace {name}")),
            )
            .attr("tags", tags(p, &ns.name)),
    ));
    ir::object([
        (
            "name",
            ir::reference("aws_service_discovery_http_namespace", &l, &["name"]),
        ),
        (
            "arn",
            ir::reference("aws_service_discovery_http_namespace", &l, &["arn"]),
        ),
    ])
}

/// One cluster and its capacity providers, into `body`; its output.
fn cluster(body: &mut Body, p: &PlatformFile, name: &str, c: &Cluster) -> Expr {
    let l = label(name);
    let mut cb = Body::new();
    if !c.container_insights {
        cb = cb.comment(
            "checkov:skip=CKV_AWS_65:Container Insights turned off by container_insights = false in the platform",
        );
    }
    cb = cb
        .attr("name", ir::str(c.name.clone()))
        .attr("tags", tags(p, &c.name))
        .block(Block::new(
            "setting",
            &[],
            Body::new().attr("name", ir::str("containerInsights")).attr(
                "value",
                ir::str(if c.container_insights {
                    "enabled"
                } else {
                    "disabled"
                }),
            ),
        ));
    if let Some(ns) = &c.namespace {
        cb = cb.block(Block::new(
            "service_connect_defaults",
            &[],
            Body::new().attr(
                "namespace",
                ir::reference("aws_service_discovery_http_namespace", &label(ns), &["arn"]),
            ),
        ));
    }
    body.push_block(Block::resource("aws_ecs_cluster", &l, cb));
    body.push_block(Block::resource(
        "aws_ecs_cluster_capacity_providers",
        &l,
        Body::new()
            .attr(
                "cluster_name",
                ir::reference("aws_ecs_cluster", &l, &["name"]),
            )
            .attr(
                "capacity_providers",
                ir::list(c.capacity_providers.iter().map(|p| ir::str(p.as_str()))),
            ),
    ));
    ir::object([
        // Through the capacity providers, so that services wait for them.
        (
            "name",
            ir::reference("aws_ecs_cluster_capacity_providers", &l, &["cluster_name"]),
        ),
        ("arn", ir::reference("aws_ecs_cluster", &l, &["arn"])),
    ])
}

/// One endpoint of a network: Interface endpoints with private DNS in every private subnet and
/// the endpoint security group (`sg`), Gateway endpoints on the private route tables.
fn vpc_endpoint(
    p: &PlatformFile,
    name: &str,
    net: &Network,
    (service, ty): (&str, EndpointType),
    sg: &str,
    subnets: &Expr,
) -> Block {
    let n = label(name);
    let l = format!("{n}_{}", crate::resolve::endpoint::label(service, ty));
    let mut e = Body::new()
        .attr("vpc_id", ir::str(net.vpc_id.clone()))
        .attr(
            "service_name",
            ir::str(format!("com.amazonaws.{}.{service}", p.region)),
        )
        .attr("vpc_endpoint_type", ir::str(ty.as_str()));
    e = match ty {
        EndpointType::Interface => e
            .attr("subnet_ids", subnets.clone())
            .attr(
                "security_group_ids",
                ir::list([ir::reference("aws_security_group", sg, &["id"])]),
            )
            .attr("private_dns_enabled", ir::bool(true)),
        EndpointType::Gateway => e.attr(
            "route_table_ids",
            ir::list(
                net.private_route_table_ids
                    .iter()
                    .map(|r| ir::str(r.clone())),
            ),
        ),
    };
    e = e.attr(
        "tags",
        tags(
            p,
            &format!(
                "{name}-{}",
                crate::resolve::endpoint::label(service, ty).replace('_', "-")
            ),
        ),
    );
    Block::resource("aws_vpc_endpoint", &l, e)
}

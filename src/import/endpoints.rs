//! `gen-tf import --manage-endpoints`: the VPC's endpoints written as the stack's own
//! (`vpc_endpoints`), so that gen-tf manages them and imports them by their `vpce-` IDs, with
//! their security group (`network.vpc_endpoint_security_group`) and its rules.
//!
//! Without the flag the endpoints stay the VPC's (`network.existing_vpc_endpoints`): several
//! stacks and environments share a VPC, and an endpoint adopted by one stack is destroyed with
//! it (or replaced by its changes) for every other. The flag is for the stack that should own
//! them; the report names each endpoint and that owner.

use serde_json::{json, Map, Value};

use super::aws::VpcEndpoint;
use super::read::Described;

/// What a line of the report says (`stack::Kind`'s two that apply here; the stack maps them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Changes,
    NotExpressed,
}

/// What the flag makes of the VPC's endpoints: the `network` and `vpc_endpoints` values, the
/// adopted `vpce-` IDs, and the report's lines (resource, kind, message).
#[derive(Debug, Default)]
pub(super) struct Managed {
    pub(super) network: Map<String, Value>,
    pub(super) vpc_endpoints: Vec<Value>,
    pub(super) ids: Vec<String>,
    pub(super) findings: Vec<(String, Kind, String)>,
}

/// The policy AWS gives an endpoint created without one: full access, which gen-tf leaves out.
fn default_policy(doc: &Value) -> bool {
    let st = match &doc["Statement"] {
        Value::Array(a) if a.len() == 1 => &a[0],
        _ => return false,
    };
    st["Effect"] == "Allow"
        && st["Principal"] == "*"
        && st["Action"] == "*"
        && st["Resource"] == "*"
}

/// One endpoint as `vpc_endpoints` writes it: its short name when gen-tf's defaults are its
/// settings, else an object.
fn entry(short: &str, e: &VpcEndpoint, findings: &mut Vec<(String, Kind, String)>) -> Value {
    let gateway_by_default = matches!(short, "s3" | "dynamodb");
    let is_gateway = e.vpc_endpoint_type == "Gateway";
    let mut o = Map::new();
    o.insert("service".into(), json!(short));
    if is_gateway != gateway_by_default {
        o.insert("type".into(), json!(e.vpc_endpoint_type));
    }
    if !is_gateway {
        let dns = e.private_dns_enabled.unwrap_or(false);
        if !dns || gateway_by_default {
            o.insert("private_dns_enabled".into(), json!(dns));
        }
    }
    match e
        .policy_document
        .as_deref()
        .map(serde_json::from_str::<Value>)
    {
        Some(Ok(doc)) if !default_policy(&doc) => {
            o.insert("policy".into(), doc);
        }
        Some(Err(_)) => findings.push((
            e.vpc_endpoint_id.clone(),
            Kind::NotExpressed,
            "its policy document is not JSON: set vpc_endpoints' policy by hand".to_owned(),
        )),
        _ => {}
    }
    if o.len() == 1 {
        json!(short)
    } else {
        Value::Object(o)
    }
}

/// The VPC's endpoints (`endpoints`, already those of the stack's VPC) as the stack's own.
pub(super) fn managed(
    d: &Described,
    stack: &str,
    region: &str,
    endpoints: &[&VpcEndpoint],
) -> Managed {
    let mut m = Managed::default();
    let prefix = format!("com.amazonaws.{region}.");
    let mut shorts = Vec::new();
    let mut sorted: Vec<&VpcEndpoint> = endpoints.to_vec();
    sorted.sort_by(|a, b| a.service_name.cmp(&b.service_name));
    for e in sorted {
        let Some(short) = e.service_name.strip_prefix(&prefix) else {
            m.findings.push((
                e.vpc_endpoint_id.clone(),
                Kind::NotExpressed,
                format!(
                    "{} is no AWS service of {region}: it stays, unmanaged",
                    e.service_name
                ),
            ));
            continue;
        };
        m.vpc_endpoints.push(entry(short, e, &mut m.findings));
        shorts.push(short);
        m.ids.push(e.vpc_endpoint_id.clone());
        m.findings.push((
            e.vpc_endpoint_id.clone(),
            Kind::Changes,
            format!(
                "{short} in {}: adopted, and owned by the stack {stack} from now on; destroying the stack, or a change that replaces the endpoint, takes it from every stack in the VPC: list it under network.existing_vpc_endpoints in the others",
                e.vpc_id
            ),
        ));
        m.findings.push((
            e.vpc_endpoint_id.clone(),
            Kind::Changes,
            "its tags become the stack's, with a Name".to_owned(),
        ));
        let (ids, var) = if e.vpc_endpoint_type == "Gateway" {
            (&e.route_table_ids, "private_route_table_ids")
        } else {
            (&e.subnet_ids, "private_subnet_ids")
        };
        if !ids.is_empty() {
            m.findings.push((
                e.vpc_endpoint_id.clone(),
                Kind::Changes,
                format!(
                    "its {} ({}) come from the module's {var} variable: pass these IDs, or the endpoint changes",
                    if var == "private_subnet_ids" { "subnets" } else { "route tables" },
                    ids.join(", ")
                ),
            ));
        }
    }
    if shorts.contains(&"ecr.dkr") {
        m.network.insert("nat_gateway".into(), json!(false));
    }
    endpoint_group(d, endpoints, &mut m);
    m
}

/// The Interface endpoints' one security group, adopted under its name and description.
fn endpoint_group(d: &Described, endpoints: &[&VpcEndpoint], m: &mut Managed) {
    let mut groups: Vec<&str> = endpoints
        .iter()
        .filter(|e| e.vpc_endpoint_type == "Interface")
        .flat_map(|e| e.groups.iter().map(|g| g.group_id.as_str()))
        .collect();
    groups.sort_unstable();
    groups.dedup();
    match groups.as_slice() {
        [] => {}
        [id] => match d.security_groups.get(*id) {
            Some(g) => {
                m.findings.push((
                    g.group_id.clone(),
                    Kind::Changes,
                    format!("the endpoints' security group {}, adopted with the endpoints: its tags become the stack's, with a Name; the rules gen-tf does not write stay", g.group_name),
                ));
                m.network
                    .insert("vpc_endpoint_security_group".into(), json!(g.group_name));
                m.network.insert(
                    "vpc_endpoint_security_group_description".into(),
                    json!(g.description),
                );
            }
            None => m.findings.push((
                (*id).to_owned(),
                Kind::Changes,
                format!("the endpoints' security group is not described, so gen-tf creates one and moves the endpoints to it, which admits this stack's tasks only: add `aws ec2 describe-security-groups --group-ids {id}` and `aws ec2 describe-security-group-rules --filters Name=group-id,Values={id}` so it is adopted instead"),
            )),
        },
        many => m.findings.push((
            many.join(", "),
            Kind::Changes,
            "the Interface endpoints are in several security groups; gen-tf gives them one, its own, and the endpoints leave the others".to_owned(),
        )),
    }
}

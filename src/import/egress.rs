//! The described egress rules of a service's task security group that none of gen-tf's own
//! rules takes (its database, EFS, Service Connect and AWS API rules), written as the
//! service's `egress` entries, so that they are imported by their `sgr-` IDs and kept, rather
//! than left in place unmanaged. Left out (and reported by `rules` as before): the rule AWS
//! gives every new group (all traffic to `0.0.0.0/0`, without a description), and what
//! `egress` cannot express (IPv6, a protocol other than TCP, UDP or all, several peers).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::aws::SecurityGroupRule;
use super::read::Described;
use super::rules::{group_ids, Matched};
use crate::ir::Module;

/// The described rules gen-tf's rules left over, as `egress` entries by service key, in the
/// order [`order`] gives (AWS keeps no order of a group's rules).
pub(crate) fn left_over(
    module: &Module,
    d: &Described,
    matched: &Matched,
    services: &Map<String, Value>,
) -> BTreeMap<String, Vec<Value>> {
    let groups = group_ids(module, d);
    let mut out: BTreeMap<String, Vec<(Vec<String>, Value)>> = BTreeMap::new();
    for key in services.keys() {
        let Some(group) = groups.get(&key.replace('-', "_")) else {
            continue;
        };
        for r in d.security_group_rules.values().filter(|r| {
            r.is_egress
                && &r.group_id == group
                && !matched
                    .ids
                    .values()
                    .any(|id| *id == r.security_group_rule_id)
        }) {
            if let Some(entry) = entry(key, r) {
                out.entry(key.clone()).or_default().push((order(r), entry));
            }
        }
    }
    out.into_iter()
        .map(|(k, mut v)| {
            v.sort_by(|a, b| a.0.cmp(&b.0));
            (k, v.into_iter().map(|(_, e)| e).collect())
        })
        .collect()
}

/// The order the entries are written in: ports, protocol, destination, description (numbers
/// zero-padded so that they sort as numbers).
pub(crate) fn order(r: &SecurityGroupRule) -> Vec<String> {
    let port = |p: Option<i64>| format!("{:06}", p.unwrap_or(-1).max(-1) + 1);
    vec![
        port(r.from_port),
        port(r.to_port),
        r.ip_protocol.clone(),
        destination(r).map(|(_, v)| v).unwrap_or_default(),
        r.description.clone().unwrap_or_default(),
    ]
}

/// The one destination of a rule, as (`egress` field, value).
fn destination(r: &SecurityGroupRule) -> Option<(&'static str, String)> {
    let all = [
        ("cidr_ipv4", r.cidr_ipv4.clone()),
        ("prefix_list_id", r.prefix_list_id.clone()),
        (
            "security_group_id",
            r.referenced_group_info.as_ref().map(|g| g.group_id.clone()),
        ),
    ];
    let mut given = all.into_iter().filter_map(|(k, v)| Some((k, v?)));
    let one = given.next()?;
    (given.next().is_none() && r.cidr_ipv6.is_none()).then_some(one)
}

/// The `egress` entry of `service` for a described rule, when gen-tf can write it.
fn entry(service: &str, r: &SecurityGroupRule) -> Option<Value> {
    let (field, to) = destination(r)?;
    let mut e = Map::new();
    let what = match r.ip_protocol.as_str() {
        "-1" => {
            // The rule AWS gives every new group: left in place, as it was.
            if to == "0.0.0.0/0" && r.description.is_none() {
                return None;
            }
            e.insert("protocol".into(), "all".into());
            "all traffic".to_owned()
        }
        p @ ("tcp" | "udp") => {
            let valid = |x: Option<i64>| x.filter(|x| (1..=65535).contains(x));
            let (from, to_port) = (valid(r.from_port)?, valid(r.to_port)?);
            if to_port < from {
                return None;
            }
            if p == "udp" {
                e.insert("protocol".into(), "udp".into());
            }
            e.insert("port".into(), from.into());
            if to_port != from {
                e.insert("to_port".into(), to_port.into());
                format!("{p} {from}-{to_port}")
            } else {
                format!("{p} {from}")
            }
        }
        _ => return None,
    };
    e.insert(field.into(), to.clone().into());
    // gen-tf's description unless another is described; the whole internet needs one written.
    let default = format!("{service} to {to} on {what}");
    match r.description.as_deref() {
        Some(d) if d != default || to == "0.0.0.0/0" => {
            e.insert("description".into(), d.into());
        }
        Some(_) => {}
        // No description: gen-tf writes its own, which the report names.
        None if to == "0.0.0.0/0" => return None,
        None => {}
    }
    Some(Value::Object(e))
}

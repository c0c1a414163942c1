//! Security group rules: each `aws_vpc_security_group_ingress_rule` and `_egress_rule` of the
//! module matched to a rule of `aws ec2 describe-security-group-rules` with the same group,
//! direction, protocol, ports and peer, and imported by its `sgr-` ID (the provider's import
//! ID for both types). A peer the module takes from a variable (the load balancer's group, the
//! VPC endpoints' group) matches the one described rule of that kind, and the module input that
//! keeps it is reported. Described rules of an adopted group that the module does not write are
//! reported: `aws_security_group` without inline `ingress`/`egress` blocks leaves them alone, so
//! they stay in place, unmanaged.

use std::collections::{BTreeMap, BTreeSet};

use super::aws::SecurityGroupRule;
use super::module::{attr, literal, referenced, resources};
use super::read::Described;
use super::stack::{Finding, Imported, Kind};
use crate::ir::{Block, Expr, Module, Step};

const INGRESS: &str = "aws_vpc_security_group_ingress_rule";
const EGRESS: &str = "aws_vpc_security_group_egress_rule";

/// What the module's rules make of the described ones.
#[derive(Debug, Default)]
pub(crate) struct Matched {
    /// `sgr-` IDs by the rule's (type, label).
    pub(crate) ids: BTreeMap<(String, String), String>,
    /// Why a rule of the module is created anew, by (type, label).
    pub(crate) anew: BTreeMap<(String, String), String>,
    /// Module inputs (variable name -> value) that the matched rules need to stay as they are.
    pub(crate) inputs: BTreeMap<String, String>,
    /// Changes and rules left in place, by the label of the group's resource.
    pub(crate) findings: Vec<(String, String, Kind, String)>,
}

/// The peer a rule of the module names.
#[derive(Debug, PartialEq)]
enum Peer {
    Group(String),
    /// A group from a module variable: any described group, recorded as that input.
    GroupVar(String),
    /// A group the first apply creates: no described rule can name it.
    NewGroup,
    Cidr4(String),
    Cidr6(String),
    PrefixList(String),
    /// A prefix list read from AWS (`data.aws_prefix_list`) or from an endpoint: any.
    AnyPrefixList,
    Unknown,
}

fn is(rule: &Block) -> bool {
    let ty = rule.labels[0].as_str();
    ty == INGRESS || ty == EGRESS
}

fn traversal(e: &Expr) -> Option<(String, Vec<String>)> {
    match e {
        Expr::Traversal(root, steps) => match root.as_ref() {
            Expr::Ident(r) => Some((
                r.clone(),
                steps
                    .iter()
                    .filter_map(|s| match s {
                        Step::Attr(a) => Some(a.clone()),
                        _ => None,
                    })
                    .collect(),
            )),
            _ => None,
        },
        _ => None,
    }
}

fn number(b: &Block, key: &str) -> Option<i64> {
    match attr(b, key)? {
        Expr::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// The described ID of each security group of the module, by label.
pub(super) fn group_ids(module: &Module, d: &Described) -> BTreeMap<String, String> {
    resources(module)
        .filter(|b| b.labels[0] == "aws_security_group")
        .filter_map(|b| {
            let name = literal(b, "name")?;
            let g = d.security_groups.values().find(|g| g.group_name == name)?;
            Some((b.labels[1].clone(), g.group_id.clone()))
        })
        .collect()
}

fn peer(b: &Block, groups: &BTreeMap<String, String>) -> Peer {
    if let Some(e) = attr(b, "referenced_security_group_id") {
        if let Expr::Str(s) = e {
            return Peer::Group(s.clone());
        }
        return match traversal(e) {
            Some((root, path)) if root == "var" => path
                .first()
                .map_or(Peer::Unknown, |v| Peer::GroupVar(v.clone())),
            Some((root, path)) if root == "aws_security_group" => path
                .first()
                .and_then(|l| groups.get(l))
                .map_or(Peer::NewGroup, |id| Peer::Group(id.clone())),
            _ => Peer::Unknown,
        };
    }
    if let Some(c) = literal(b, "cidr_ipv4") {
        return Peer::Cidr4(c.to_owned());
    }
    if let Some(c) = literal(b, "cidr_ipv6") {
        return Peer::Cidr6(c.to_owned());
    }
    match attr(b, "prefix_list_id") {
        Some(Expr::Str(p)) => Peer::PrefixList(p.clone()),
        Some(_) => Peer::AnyPrefixList,
        None => Peer::Unknown,
    }
}

/// Whether the described rule's peer is the module's.
fn same_peer(p: &Peer, r: &SecurityGroupRule) -> bool {
    let group = r
        .referenced_group_info
        .as_ref()
        .map(|g| g.group_id.as_str());
    match p {
        Peer::Group(id) => group == Some(id.as_str()),
        Peer::GroupVar(_) => group.is_some(),
        Peer::Cidr4(c) => r.cidr_ipv4.as_deref() == Some(c.as_str()),
        Peer::Cidr6(c) => r.cidr_ipv6.as_deref() == Some(c.as_str()),
        Peer::PrefixList(id) => r.prefix_list_id.as_deref() == Some(id.as_str()),
        Peer::AnyPrefixList => r.prefix_list_id.is_some(),
        Peer::NewGroup | Peer::Unknown => false,
    }
}

/// A described rule's ports as the module writes them: none for every port.
fn ports(r: &SecurityGroupRule) -> (Option<i64>, Option<i64>) {
    let p = |x: Option<i64>| x.filter(|x| *x != -1);
    (p(r.from_port), p(r.to_port))
}

/// A described rule for the report: direction, protocol, ports and peer.
fn describe(r: &SecurityGroupRule) -> String {
    let dir = if r.is_egress { "egress" } else { "ingress" };
    let proto = if r.ip_protocol == "-1" {
        "all traffic".to_owned()
    } else {
        match ports(r) {
            (Some(f), Some(t)) if f == t => format!("{} {f}", r.ip_protocol),
            (Some(f), Some(t)) => format!("{} {f}-{t}", r.ip_protocol),
            _ => r.ip_protocol.clone(),
        }
    };
    let peer = r
        .referenced_group_info
        .as_ref()
        .map(|g| g.group_id.clone())
        .or_else(|| r.cidr_ipv4.clone())
        .or_else(|| r.cidr_ipv6.clone())
        .or_else(|| r.prefix_list_id.clone())
        .unwrap_or_default();
    let to = if r.is_egress { "to" } else { "from" };
    format!("{dir} {proto} {to} {peer}")
}

/// Every rule of the module matched against the described rules.
pub(crate) fn matched(module: &Module, d: &Described) -> Matched {
    let groups = group_ids(module, d);
    let mut out = Matched::default();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    // A rule whose peer is a variable matches any described group: the rules with a known
    // peer take theirs first (an ingress from another service's group on the port of the load
    // balancer's was taken for the load balancer's, and the load balancer's rule was left
    // ambiguous).
    let mut ordered: Vec<&Block> = resources(module).filter(|b| is(b)).collect();
    ordered.sort_by_key(|b| matches!(peer(b, &groups), Peer::GroupVar(_)));
    for b in ordered {
        let key = (b.labels[0].clone(), b.labels[1].clone());
        let Some(group) = referenced(b, "security_group_id").and_then(|l| groups.get(&l)) else {
            out.anew.insert(
                key,
                "its security group is created anew, and the rule with it".to_owned(),
            );
            continue;
        };
        let of_group: Vec<&SecurityGroupRule> = d
            .security_group_rules
            .values()
            .filter(|r| &r.group_id == group)
            .collect();
        if of_group.is_empty() {
            out.anew.insert(
                key,
                format!("no rule of {group} is described, so the group's existing rules stay beside it; add `aws ec2 describe-security-group-rules --filters Name=group-id,Values={group}` so they are imported instead"),
            );
            continue;
        }
        let egress = b.labels[0] == EGRESS;
        let p = peer(b, &groups);
        let want = (number(b, "from_port"), number(b, "to_port"));
        let protocol = literal(b, "ip_protocol").unwrap_or_default();
        let candidates: Vec<&SecurityGroupRule> = of_group
            .iter()
            .copied()
            .filter(|r| !used.contains(r.security_group_rule_id.as_str()))
            .filter(|r| r.is_egress == egress && r.ip_protocol == protocol)
            .filter(|r| ports(r) == want && same_peer(&p, r))
            .collect();
        match candidates.as_slice() {
            [r] => {
                let r: &SecurityGroupRule = r;
                used.insert(&r.security_group_rule_id);
                out.ids.insert(key, r.security_group_rule_id.clone());
                if let (Peer::GroupVar(v), Some(g)) = (&p, &r.referenced_group_info) {
                    out.inputs.insert(v.clone(), g.group_id.clone());
                }
                let ours = literal(b, "description").unwrap_or_default();
                if r.description.as_deref().unwrap_or_default() != ours {
                    out.findings.push((
                        b.labels[1].clone(),
                        r.security_group_rule_id.clone(),
                        Kind::Changes,
                        format!("the rule's description becomes gen-tf's: {ours}"),
                    ));
                }
            }
            [] => {
                out.anew.insert(
                    key,
                    format!("no described rule of {group} has this direction, protocol, ports and peer: the first apply adds it"),
                );
            }
            many => {
                out.anew.insert(
                    key,
                    format!(
                        "{} described rules of {group} could be this one ({}): write the import block for the right one by hand",
                        many.len(),
                        many.iter()
                            .map(|r| r.security_group_rule_id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }
    for (label, group) in &groups {
        for r in d
            .security_group_rules
            .values()
            .filter(|r| &r.group_id == group && !used.contains(r.security_group_rule_id.as_str()))
        {
            out.findings.push((
                label.clone(),
                r.security_group_rule_id.clone(),
                Kind::NotExpressed,
                format!(
                    "{} of {group}, which gen-tf does not write: it stays in place, unmanaged (the group is adopted without inline rules, which leaves its rules alone); delete it by hand once gen-tf's rules are applied, if it is not needed",
                    describe(r)
                ),
            ));
        }
    }
    out
}

/// The findings of `m` for the report, each named by its owner service.
pub(crate) fn findings(
    m: &Matched,
    imported: &Imported,
    owner: &dyn Fn(&str) -> String,
) -> Vec<Finding> {
    m.findings
        .iter()
        .map(|(label, resource, kind, message)| Finding {
            stack: imported.stack.to_string(),
            service: owner(label),
            resource: resource.clone(),
            kind: *kind,
            message: message.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::lower::lower_json;

    fn described(rules: serde_json::Value) -> Described {
        let mut d = Described::default();
        let g: crate::import::aws::SecurityGroup = serde_json::from_value(json!({
            "Description": "web tasks", "GroupName": "web-tasks", "GroupId": "sg-1",
            "VpcId": "vpc-1",
        }))
        .unwrap();
        d.security_groups.insert("sg-1".into(), g);
        for r in rules.as_array().unwrap() {
            let r: SecurityGroupRule = serde_json::from_value(r.clone()).unwrap();
            d.security_group_rules
                .insert(r.security_group_rule_id.clone(), r);
        }
        d
    }

    fn rule(id: &str, egress: bool, port: i64, peer: serde_json::Value) -> serde_json::Value {
        let mut r = json!({
            "SecurityGroupRuleId": id, "GroupId": "sg-1", "IsEgress": egress,
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
        });
        r.as_object_mut()
            .unwrap()
            .extend(peer.as_object().unwrap().clone());
        r
    }

    fn module() -> Module {
        lower_json(
            &json!({
                "name": "shop",
                "services": { "web": {
                    "cpu": 256, "memory": 512, "port": 8080,
                    "load_balancer": { "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1" },
                    "names": { "security_group": "web-tasks" },
                }},
            }),
            None,
        )
    }

    /// A peer from a variable matches the one described rule of its kind, and its value
    /// becomes the input; the CIDR egress matches exactly; an unmatched rule is reported.
    #[test]
    fn a_variable_peer_matches_the_one_rule_of_its_kind() {
        let d = described(json!([
            rule(
                "sgr-lb",
                false,
                8080,
                json!({ "ReferencedGroupInfo": { "GroupId": "sg-lb" } })
            ),
            rule("sgr-out", true, 443, json!({ "CidrIpv4": "0.0.0.0/0" })),
            rule("sgr-extra", false, 22, json!({ "CidrIpv4": "10.0.0.0/8" })),
        ]));
        let m = matched(&module(), &d);
        let ids: Vec<&str> = m.ids.values().map(String::as_str).collect();
        assert_eq!(ids, ["sgr-out", "sgr-lb"], "{m:?}");
        assert_eq!(
            m.inputs.get("web_lb_security_group_id").map(String::as_str),
            Some("sg-lb")
        );
        assert!(
            m.findings.iter().any(|(_, id, kind, msg)| id == "sgr-extra"
                && *kind == Kind::NotExpressed
                && msg.starts_with("ingress tcp 22 from 10.0.0.0/8 of sg-1")),
            "{m:?}"
        );
    }

    /// Found by the round trip: a rule whose peer is a variable (the load balancer's group)
    /// no longer takes, or is made ambiguous by, the described rule of a rule with a known
    /// peer (a Service Connect client's group on the same port).
    #[test]
    fn a_known_peer_takes_its_rule_before_a_variable_peer() {
        let module = lower_json(
            &json!({
                "name": "shop",
                "services": {
                    "api": {
                        "cpu": 256, "memory": 512,
                        "service_connect": { "namespace": "shop" },
                        "names": { "security_group": "api-tasks" },
                    },
                    "web": {
                        "cpu": 256, "memory": 512, "port": 8080,
                        "load_balancer": { "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1" },
                        "service_connect": { "namespace": "shop", "services": [{ "port_name": "http" }] },
                        "names": { "security_group": "web-tasks" },
                    },
                },
            }),
            None,
        );
        let mut d = described(json!([
            rule(
                "sgr-lb",
                false,
                8080,
                json!({ "ReferencedGroupInfo": { "GroupId": "sg-lb" } })
            ),
            rule(
                "sgr-a-sc",
                false,
                8080,
                json!({ "ReferencedGroupInfo": { "GroupId": "sg-2" } })
            ),
        ]));
        let g: crate::import::aws::SecurityGroup = serde_json::from_value(json!({
            "Description": "api tasks", "GroupName": "api-tasks", "GroupId": "sg-2",
            "VpcId": "vpc-1",
        }))
        .unwrap();
        d.security_groups.insert("sg-2".into(), g);
        let m = matched(&module, &d);
        let id = |label: &str| m.ids.get(&(INGRESS.to_owned(), label.to_owned())).cloned();
        assert_eq!(id("web_from_lb").as_deref(), Some("sgr-lb"), "{m:?}");
        assert_eq!(id("web_sc_from_api").as_deref(), Some("sgr-a-sc"), "{m:?}");
        assert_eq!(
            m.inputs.get("web_lb_security_group_id").map(String::as_str),
            Some("sg-lb")
        );
    }

    /// Two described rules that could both be the module's: neither is imported, and the
    /// report names both.
    #[test]
    fn an_ambiguous_rule_is_not_imported() {
        let d = described(json!([
            rule(
                "sgr-a",
                false,
                8080,
                json!({ "ReferencedGroupInfo": { "GroupId": "sg-a" } })
            ),
            rule(
                "sgr-b",
                false,
                8080,
                json!({ "ReferencedGroupInfo": { "GroupId": "sg-b" } })
            ),
        ]));
        let m = matched(&module(), &d);
        assert!(
            !m.ids.values().any(|id| id == "sgr-a" || id == "sgr-b"),
            "{m:?}"
        );
        let why = &m.anew[&(INGRESS.to_owned(), "web_from_lb".to_owned())];
        assert!(
            why.starts_with("2 described rules of sg-1 could be this one (sgr-a, sgr-b)"),
            "{why}"
        );
        assert!(m.inputs.is_empty());
    }
}

//! A service's `network` and `egress`: settings that Terraform applies without complaint and
//! that leave the tasks without the connections they were meant to have.

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::model::aws::is_ec2_id;
use crate::resolve::defaults;
use crate::resolve::egress::{EgressProtocol, EgressRule};
use crate::resolve::network::Subnets;
use crate::resolve::{Resolved, Service};

pub(super) static NETWORK_PLACEMENT: Rule = Rule {
    code: "network-placement",
    severity: Severity::Error,
    summary: "A public IP for tasks in private subnets, or tasks in public subnets without one.",
    fact: "A public subnet routes 0.0.0.0/0 to an internet gateway, which serves only network interfaces with a public IP: Fargate tasks there need assignPublicIp ENABLED to pull images. A private subnet has no route to an internet gateway, so a public IP gives its tasks no internet access; they use a NAT gateway or VPC endpoints.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
};

pub(super) static EGRESS: Rule = Rule {
    code: "egress",
    severity: Severity::Error,
    summary: "An egress rule without exactly one destination, with a CIDR or ID that is not one, with ports that do not fit its protocol, to 0.0.0.0/0 without a description, or that the security group already has.",
    fact: "A security group rule has exactly one destination: an IPv4 network (its address with the host bits zero), a prefix list (pl-...) or a security group (sg-...). TCP and UDP rules take a port range; an all-protocols rule takes none. Descriptions are up to 255 of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*. Egress to the whole internet should say why it is needed. A group holds each rule (protocol, ports, destination) once; EC2 refuses a duplicate (InvalidPermission.Duplicate), also of the HTTPS-to-anywhere rule gen-tf writes for tasks with a NAT gateway or a public IP.",
    source: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&NETWORK_PLACEMENT, &EGRESS];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        placement(stack, svc, out);
        for (i, r) in svc.written_egress.iter().enumerate() {
            egress(r, &index(&join(&svc.path, "egress"), i), out);
        }
        duplicates(stack, svc, out);
    }
}

/// What makes two egress rules the same rule for EC2: protocol, ports and destination.
type RuleIdentity = (EgressProtocol, Option<(u16, u16)>, String);

fn identity(r: &EgressRule) -> Option<RuleIdentity> {
    let protocol = defaults::egress_protocol(r);
    let ports = match protocol {
        EgressProtocol::All => None,
        _ => r.port.map(|p| (p, r.to_port.unwrap_or(p))),
    };
    match r.destinations().as_slice() {
        [(k, v)] => Some((protocol, ports, format!("{k}={v}"))),
        _ => None,
    }
}

/// EC2 refuses a rule that the group already has (InvalidPermission.Duplicate): two equal
/// rules, or one equal to the HTTPS-to-anywhere rule gen-tf writes for tasks with a NAT
/// gateway or a public IP.
fn duplicates(stack: &Resolved, svc: &Service, out: &mut Vec<Diagnostic>) {
    let (name, base) = (&svc.name, &join(&svc.path, "egress"));
    let https = (
        EgressProtocol::Tcp,
        Some((443, 443)),
        "cidr_ipv4=0.0.0.0/0".to_owned(),
    );
    let generated = stack.nat_gateway || svc.network.is_public();
    let mut seen = Vec::new();
    for (i, r) in svc.written_egress.iter().enumerate() {
        let Some(id) = identity(r) else {
            continue;
        };
        let path = index(base, i);
        if generated && id == https {
            out.push(
                Diagnostic::new(&EGRESS, path.clone(), format!("{name}'s task security group already allows HTTPS to 0.0.0.0/0 (for AWS APIs and images), and EC2 refuses a second equal rule"))
                    .help("remove this rule: the tasks can already reach any HTTPS endpoint"),
            );
        } else if let Some((first, _)) = seen.iter().find(|(_, s)| *s == id) {
            out.push(
                Diagnostic::new(&EGRESS, path.clone(), format!("the rule is the same as {base}[{first}] (protocol, ports and destination), and EC2 refuses a second equal rule"))
                    .help("remove one of the two"),
            );
        }
        seen.push((i, id));
    }
}

fn placement(stack: &Resolved, svc: &Service, out: &mut Vec<Diagnostic>) {
    let name = &svc.name;
    let at = join(&join(&svc.path, "network"), "assign_public_ip");
    match (svc.network.subnets, svc.network.written_public_ip) {
        (Subnets::Private, Some(true)) => {
            let how = if stack.nat_gateway {
                "they reach the internet through the NAT gateway"
            } else {
                "the stack has no NAT gateway either, so they reach only the VPC endpoints"
            };
            out.push(
                Diagnostic::new(&NETWORK_PLACEMENT, at, format!(
                    "{name} runs in private subnets, where a public IP gives no internet access: {how}"
                ))
                .help("remove assign_public_ip, or run the tasks in public subnets with network.subnets: 'public'"),
            );
        }
        (Subnets::Public, Some(false)) => out.push(
            Diagnostic::new(&NETWORK_PLACEMENT, at, format!(
                "{name} runs in public subnets without a public IP: the internet gateway does not serve it, so its tasks cannot pull images"
            ))
            .help("remove assign_public_ip (in public subnets it defaults to true), or use network.subnets: 'private'"),
        ),
        _ => {}
    }
}

fn egress(r: &EgressRule, path: &str, out: &mut Vec<Diagnostic>) {
    let mut push = |field: &str, message: String, help: &str| {
        let at = if field.is_empty() {
            path.to_owned()
        } else {
            join(path, field)
        };
        out.push(Diagnostic::new(&EGRESS, at, message).help(help));
    };
    match r.destinations().as_slice() {
        [] => push(
            "",
            "the egress rule names no destination".to_owned(),
            "give one of cidr_ipv4, prefix_list_id or security_group_id",
        ),
        [_] => {}
        many => push(
            many[1].0,
            format!(
                "the egress rule names {} destinations; a rule has exactly one",
                many.len()
            ),
            "split it into one rule per destination",
        ),
    }
    if let Some(c) = &r.cidr_ipv4 {
        if let Err(why) = ipv4_network(c) {
            push(
                "cidr_ipv4",
                format!("{c:?} is not an IPv4 network: {why}"),
                "write a network address and prefix length, such as 203.0.113.0/24",
            );
        } else if c == "0.0.0.0/0" && r.description.is_none() {
            push("cidr_ipv4", "egress to 0.0.0.0/0 (the whole internet) has no description".to_owned(), "add a description that says why the tasks need it, or name the destination's network");
        }
    }
    if let Some(p) = r.prefix_list_id.as_deref().filter(|p| !is_ec2_id(p, "pl")) {
        push(
            "prefix_list_id",
            format!("{p:?} is not a prefix list ID"),
            "write pl- and 8 or 17 hex digits",
        );
    }
    if let Some(g) = r
        .security_group_id
        .as_deref()
        .filter(|g| !is_ec2_id(g, "sg"))
    {
        push(
            "security_group_id",
            format!("{g:?} is not a security group ID"),
            "write sg- and 8 or 17 hex digits",
        );
    }
    match (defaults::egress_protocol(r), r.port, r.to_port) {
        (EgressProtocol::All, Some(_), _) | (EgressProtocol::All, _, Some(_)) => push(
            "protocol",
            "a rule for all protocols covers every port; it takes no port or to_port".to_owned(),
            "remove port and to_port, or use protocol: 'tcp' or 'udp'",
        ),
        (EgressProtocol::Tcp | EgressProtocol::Udp, None, _) => push(
            "port",
            "the rule has no port".to_owned(),
            "set port (and to_port for a range)",
        ),
        (_, Some(from), Some(to)) if to < from => push(
            "to_port",
            format!("to_port {to} is below port {from}"),
            "set to_port to the last port of the range, at least port",
        ),
        _ => {}
    }
    if let Some(d) = &r.description {
        let allowed = |c: char| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c);
        if d.len() > 255 || !d.chars().all(allowed) {
            push(
                "description",
                format!(
                    "{:?} is not a security group rule description",
                    crate::diag::clip(d, 40)
                ),
                "use up to 255 of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
            );
        }
    }
}

/// Checks `a.b.c.d/n` with the host bits zero, as the provider's `ipv4_network` check does.
fn ipv4_network(s: &str) -> Result<(), String> {
    let (addr, len) = s.split_once('/').ok_or("it has no /prefix length")?;
    let len: u32 = len
        .parse()
        .ok()
        .filter(|l| *l <= 32)
        .ok_or("the prefix length is not 0-32")?;
    let octets: Vec<u8> = addr
        .split('.')
        .map(|o| {
            o.parse::<u8>()
                .ok()
                .filter(|_| !o.is_empty() && (o == "0" || !o.starts_with('0')))
        })
        .collect::<Option<_>>()
        .filter(|v: &Vec<u8>| v.len() == 4)
        .ok_or("the address is not four numbers 0-255")?;
    let ip = u32::from_be_bytes([octets[0], octets[1], octets[2], octets[3]]);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    if ip & !mask != 0 {
        let net = (ip & mask).to_be_bytes();
        return Err(format!(
            "host bits are set; the network is {}.{}.{}.{}/{len}",
            net[0], net[1], net[2], net[3]
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks() {
        assert!(ipv4_network("203.0.113.0/24").is_ok());
        assert!(ipv4_network("0.0.0.0/0").is_ok());
        assert!(ipv4_network("10.1.2.3/32").is_ok());
        assert_eq!(
            ipv4_network("10.1.2.3/24").unwrap_err(),
            "host bits are set; the network is 10.1.2.0/24"
        );
        for bad in [
            "10.1.2.0",
            "10.1.2.0/33",
            "10.1.2/24",
            "10.01.2.0/24",
            "a.b.c.d/8",
        ] {
            assert!(ipv4_network(bad).is_err(), "{bad}");
        }
    }
}

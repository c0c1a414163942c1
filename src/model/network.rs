//! A service's own network settings: which subnets its tasks run in, whether they get a public
//! IP, and where else (besides AWS's APIs and its database) they may connect to.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `network` of a service (the stack's `network` describes the VPC).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceNetwork {
    /// Whether the tasks' network interfaces get a public IP. Default: true in public subnets,
    /// false in private ones. Only a task in a public subnet reaches the internet through a
    /// public IP.
    #[serde(default)]
    pub assign_public_ip: Option<bool>,
    /// `'private'` (default: `var.private_subnet_ids`) or `'public'` (`var.public_subnet_ids`,
    /// subnets whose route table sends 0.0.0.0/0 to an internet gateway).
    #[serde(default)]
    pub subnets: Option<Subnets>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Subnets {
    #[default]
    Private,
    Public,
}

impl Subnets {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Public => "public",
        }
    }
}

/// One egress rule of the task security group, to one destination.
/// Source: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EgressRule {
    /// The port, or the first port of a range. Required unless `protocol` is `'all'`.
    #[serde(default)]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// The last port of a range. Default: `port`.
    #[serde(default)]
    #[schemars(range(min = 1, max = 65535))]
    pub to_port: Option<u16>,
    /// `'tcp'` (default), `'udp'`, or `'all'` (every protocol and port: Terraform's `-1`).
    #[serde(default)]
    pub protocol: Option<EgressProtocol>,
    /// An IPv4 network in CIDR notation, such as a partner's `203.0.113.0/24`.
    #[serde(default)]
    pub cidr_ipv4: Option<String>,
    /// A managed prefix list (`pl-...`).
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    /// Another security group (`sg-...`) in the VPC or a peered one.
    #[serde(default)]
    pub security_group_id: Option<String>,
    /// Why the tasks connect there; required for `0.0.0.0/0`. Default: generated from the
    /// destination and ports.
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum EgressProtocol {
    #[serde(rename = "tcp")]
    Tcp,
    #[serde(rename = "udp")]
    Udp,
    #[serde(rename = "all")]
    All,
}

impl EgressRule {
    /// The destinations the rule names, as (field, value), in field order.
    pub fn destinations(&self) -> Vec<(&'static str, &str)> {
        [
            ("cidr_ipv4", &self.cidr_ipv4),
            ("prefix_list_id", &self.prefix_list_id),
            ("security_group_id", &self.security_group_id),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

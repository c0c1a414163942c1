//! Egress rules of a task security group, which services, volumes and Service Connect add.

use crate::model::ServiceName;

/// The model's egress rule, which the resolved service keeps as written for the rules.
pub(crate) use crate::model::network::{EgressProtocol, EgressRule};

/// One egress rule of the task security group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Egress {
    /// The rule's Terraform label after `<service>_`, for example `to_database`.
    pub label: String,
    pub description: String,
    pub protocol: IpProtocol,
    /// From and to port; `None` for all traffic.
    pub ports: Option<(u16, u16)>,
    pub to: Destination,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IpProtocol {
    Tcp,
    Udp,
    /// Every protocol (`-1`).
    All,
}

impl IpProtocol {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::All => "-1",
        }
    }
}

/// Where an egress rule goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Destination {
    /// A security group given to the module as the variable `name`.
    Variable {
        name: String,
        description: String,
    },
    SecurityGroup(String),
    Cidr(String),
    PrefixList(String),
    /// The task security group of another service of the stack.
    Service(ServiceName),
}

//! `vpc_endpoints` and `network`: what private tasks need to reach AWS without a NAT gateway.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `vpc_endpoints`: a preset name (`'fargate-private'`) or a list of endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum VpcEndpoints {
    Preset(String),
    List(Vec<EndpointSpec>),
}

/// One endpoint: a short service name (`'ecr.api'`, `'s3'`) or an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EndpointSpec {
    Short(String),
    Full(EndpointConfig),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// Short service name, the part after `com.amazonaws.<region>.`.
    pub service: String,
    /// Default: Gateway for s3 and dynamodb, Interface for everything else.
    #[serde(default, rename = "type")]
    pub endpoint_type: Option<EndpointType>,
    /// Interface endpoints only. Default true.
    #[serde(default)]
    pub private_dns_enabled: Option<bool>,
    /// An endpoint policy: a policy document object, or the name of a built-in policy
    /// (`'ecr-layers'` limits s3 to the region's ECR layer bucket).
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum EndpointType {
    Interface,
    Gateway,
}

impl EndpointType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interface => "Interface",
            Self::Gateway => "Gateway",
        }
    }
}

impl EndpointSpec {
    pub fn service(&self) -> &str {
        match self {
            Self::Short(s) => s,
            Self::Full(c) => &c.service,
        }
    }
}

/// `network`: facts about the VPC that gen-tf cannot see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Whether the private subnets route to a NAT gateway. Default true. With false, every
    /// endpoint the services need must be in `vpc_endpoints`.
    #[serde(default = "yes")]
    pub nat_gateway: bool,
}

fn yes() -> bool {
    true
}

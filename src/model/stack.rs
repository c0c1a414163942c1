//! A stack: one input file, one generated Terraform module.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::endpoint::VpcEndpoints;
use super::iam::StackIam;
use super::names::{ServiceName, StackName};
use super::service::Service;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gen-tf stack")]
pub struct Stack {
    /// Module name and prefix of AWS names: lower-case letters, digits and '-'.
    pub name: StackName,
    /// AWS region. Omitted means the module variable `region`.
    #[serde(default)]
    pub region: Option<String>,
    /// Tags for every resource.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Settings for every IAM role of the stack: permissions boundary and path.
    #[serde(default)]
    pub iam: Option<StackIam>,
    /// A cluster the stack owns. Omitted means the module variable `cluster_name`.
    #[serde(default)]
    pub cluster: Option<Cluster>,
    #[serde(default)]
    pub network: Option<Network>,
    /// The platform's network, cluster and Service Connect namespace the stack runs in, by
    /// name (the project's `platform` file, docs/platform.md). The platform then owns the
    /// cluster and the VPC endpoints: `cluster`, `vpc_endpoints`, `network.nat_gateway` and
    /// `network.existing_vpc_endpoints` come from it.
    #[serde(default)]
    pub platform: Option<PlatformRef>,
    #[serde(default)]
    pub vpc_endpoints: Option<VpcEndpoints>,
    /// The services, by name.
    pub services: BTreeMap<ServiceName, Service>,
    /// Free-form values for Jsonnet `local`-style sharing; ignored by gen-tf. Fields starting
    /// with `_` are not allowed elsewhere, so this is the one place for helpers.
    #[serde(default, rename = "_")]
    #[schemars(skip)]
    pub scratch: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// ECS cluster name.
    pub name: String,
    /// Container Insights, which right-sizing reads. Default true.
    #[serde(default = "yes")]
    pub container_insights: bool,
}

/// `platform`: names in the project's platform file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformRef {
    /// A key of the platform's `networks`.
    pub network: String,
    /// A key of the platform's `clusters`.
    pub cluster: String,
    /// A key of the platform's `namespaces`. Omitted means the cluster's default namespace.
    #[serde(default)]
    pub namespace: Option<String>,
}

fn yes() -> bool {
    true
}

impl Stack {
    /// The services in output order (by name).
    pub fn services(&self) -> impl Iterator<Item = (&ServiceName, &Service)> {
        self.services.iter()
    }
}

/// `network`: facts about the VPC that gen-tf cannot see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Whether the private subnets route to a NAT gateway. Default true. With false, every
    /// endpoint the services need must be in `vpc_endpoints` or `existing_vpc_endpoints`.
    #[serde(default = "yes")]
    pub nat_gateway: bool,
    /// Endpoints the VPC already has (a network team's, or another stack's), by short name:
    /// gen-tf does not create them (a second one with private DNS fails with "conflicting DNS
    /// domain"), counts them as present, and lets the tasks reach them: Interface endpoints
    /// through `var.vpc_endpoint_security_group_id`, s3 and dynamodb Gateway endpoints through
    /// their prefix lists.
    #[serde(default)]
    pub existing_vpc_endpoints: Vec<String>,
    /// The exact name of the security group of the Interface endpoints the stack creates,
    /// instead of a name prefix with a unique suffix: up to 255 characters of a-z, A-Z, 0-9,
    /// spaces and `._-:/()#,@[]+=&;{}!$*`, not starting with `sg-`. `gen-tf import
    /// --manage-endpoints` writes it to adopt a running group.
    /// Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub vpc_endpoint_security_group: Option<String>,
    /// That group's description, which EC2 cannot change in place (the same characters).
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub vpc_endpoint_security_group_description: Option<String>,
}

//! The platform file as written: networks, clusters and Service Connect namespaces, by name.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::service::CapacityProvider;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gen-tf platform")]
pub struct PlatformFile {
    /// The AWS region of every network, cluster and namespace.
    pub region: String,
    /// Tags for every resource the platform module creates.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The VPCs stacks run in, by name.
    #[serde(default)]
    pub networks: BTreeMap<String, Network>,
    /// The ECS clusters, by name.
    #[serde(default)]
    pub clusters: BTreeMap<String, Cluster>,
    /// The Service Connect (Cloud Map HTTP) namespaces, by name.
    #[serde(default)]
    pub namespaces: BTreeMap<String, Namespace>,
    /// Free-form values for Jsonnet sharing; ignored.
    #[serde(default, rename = "_")]
    #[schemars(skip)]
    pub scratch: Option<serde_json::Value>,
}

/// One VPC. The platform owns its VPC endpoints: exactly the union of what every stack that runs
/// in it needs, in every environment, created once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// The VPC's ID, `vpc-...`.
    pub vpc_id: String,
    /// The VPC's IPv4 CIDR: the endpoint security group admits HTTPS from it.
    pub cidr: String,
    /// The private subnets the tasks and the Interface endpoints go in: Availability Zone ->
    /// subnet ID, one per AZ.
    pub private_subnets: BTreeMap<String, String>,
    /// Public subnets for services with `network.subnets: 'public'`: AZ -> subnet ID.
    #[serde(default)]
    pub public_subnets: BTreeMap<String, String>,
    /// Route tables of the private subnets, which the Gateway endpoints add routes to.
    #[serde(default)]
    pub private_route_table_ids: Vec<String>,
    /// Whether the private subnets route to a NAT gateway. Default true. With false, the
    /// platform creates every endpoint its stacks need.
    #[serde(default = "yes")]
    pub nat_gateway: bool,
    /// Endpoints the VPC already has (a network team's), by short name: not created.
    #[serde(default)]
    pub existing_endpoints: Vec<String>,
    /// The environment whose platform module creates this VPC's endpoints, when several
    /// environments share the VPC; the others look the endpoint security group up.
    #[serde(default)]
    pub endpoints_owner: Option<String>,
}

/// One ECS cluster, with its capacity providers and default Service Connect namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// The ECS cluster name.
    pub name: String,
    /// Default FARGATE and FARGATE_SPOT.
    #[serde(default = "both_providers")]
    pub capacity_providers: Vec<CapacityProvider>,
    /// Container Insights. Default true.
    #[serde(default = "yes")]
    pub container_insights: bool,
    /// A key of `namespaces`: the cluster's default Service Connect namespace.
    #[serde(default)]
    pub namespace: Option<String>,
}

/// One Cloud Map HTTP namespace for Service Connect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Namespace {
    /// The namespace name, for example `apps-dev.internal`.
    pub name: String,
}

fn yes() -> bool {
    true
}

fn both_providers() -> Vec<CapacityProvider> {
    vec![CapacityProvider::Fargate, CapacityProvider::FargateSpot]
}

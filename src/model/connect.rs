//! How traffic reaches a service's tasks: several load balancer target groups
//! (`load_balancers`), and ECS Service Connect (`service_connect`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One target group that sends traffic to a container of the task.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/register-multiple-targetgroups.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerTarget {
    /// The target group's ARN (`arn:aws:elasticloadbalancing:...:targetgroup/<name>/<id>`).
    pub target_group_arn: String,
    /// The container that receives the traffic: the service's own (default, named after the
    /// service) or a sidecar's name.
    #[serde(default)]
    pub container: Option<String>,
    /// The container port the target group sends to. Default: that container's `port`.
    #[serde(default)]
    #[schemars(range(min = 1, max = 65535))]
    pub container_port: Option<u16>,
    /// The security group of the load balancer in front of this target group, which the task
    /// security group admits on the port. Omitted means the module variable
    /// `<service>_lb_security_group_id`, shared by every entry that omits it.
    #[serde(default)]
    pub security_group_id: Option<String>,
    /// The alternate target group and listener rules of a BLUE_GREEN, LINEAR or CANARY
    /// deployment.
    #[serde(default)]
    pub advanced_configuration: Option<super::deployment::AdvancedConfiguration>,
}

/// ECS Service Connect: the service reaches the other services of a Cloud Map namespace by
/// short names through a proxy that ECS adds to each task, and (with `services`) is reachable
/// from them.
///
/// The namespace is an existing AWS Cloud Map namespace; ECS creates a Cloud Map service in it
/// for each entry of `services` (through its service-linked role), so the module creates no
/// `aws_service_discovery_service`. Private tasks without a NAT gateway need the `ecs-agent`
/// VPC endpoint, through which ECS manages the proxy.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceConnect {
    /// The Cloud Map namespace's name or ARN. Omitted means the cluster's default Service
    /// Connect namespace (a cluster that the stack owns has none).
    #[serde(default)]
    pub namespace: Option<String>,
    /// What this service offers to the namespace. Omitted or empty: the service is only a
    /// client of the others.
    #[serde(default)]
    pub services: Vec<ServiceConnectService>,
}

/// One endpoint that the service offers in the namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceConnectService {
    /// The name of a container port mapping: the service's `port_name` (default `http`).
    pub port_name: String,
    /// The Cloud Map service name, unique in the namespace. Default: `port_name`.
    #[serde(default)]
    pub discovery_name: Option<String>,
    /// The name and port that clients connect to. ECS takes at most one alias per entry.
    #[serde(default)]
    #[schemars(length(max = 1))]
    pub client_aliases: Vec<ClientAlias>,
}

/// A name and port under which the clients in the namespace reach the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientAlias {
    /// The port the clients' proxies listen on.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// The DNS name clients use, for example `api` or `api.shop.internal`. Default:
    /// `<discovery_name>.<namespace>`.
    #[serde(default)]
    pub dns_name: Option<String>,
    /// During a BLUE_GREEN, LINEAR or CANARY deployment, requests with this header reach the
    /// new revision as test traffic (written as `test_traffic_rules.header`, provider 6.4).
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectTestTrafficRules.html
    #[serde(default)]
    pub test_traffic_header: Option<TestTrafficHeader>,
}

/// A request header and the value it must have, exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestTrafficHeader {
    /// The header's name, for example `x-test-traffic`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The value that marks a request as test traffic.
    #[schemars(length(min = 1))]
    pub value: String,
}

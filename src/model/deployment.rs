//! `deployment`: how ECS replaces a service's tasks with a new task definition revision, and
//! what Terraform does about revisions it did not make.
//!
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A rolling update's limits, its failure detection, and Terraform's part in deployments.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Lower limit on the tasks kept running during a deployment, in percent of the desired
    /// count (rounded up), 0-100. Omitted means ECS's default of 100.
    #[serde(default)]
    #[schemars(range(min = 0, max = 100))]
    pub minimum_healthy_percent: Option<u32>,
    /// Upper limit on the tasks running during a deployment, in percent of the desired count
    /// (rounded down), 100-200. Omitted means ECS's default of 200.
    #[serde(default)]
    #[schemars(range(min = 100, max = 200))]
    pub maximum_percent: Option<u32>,
    /// Fails a deployment whose tasks never reach a steady state. Omitted means on, with
    /// rollback to the last completed deployment.
    #[serde(default)]
    pub circuit_breaker: Option<CircuitBreaker>,
    /// CloudWatch alarms that fail a deployment when they go into ALARM while it runs.
    #[serde(default)]
    pub alarms: Option<DeploymentAlarms>,
    /// Whether `terraform apply` waits until the service is stable. Default false.
    #[serde(default)]
    pub wait_for_steady_state: Option<bool>,
    /// Whether Terraform leaves the service's task definition alone once the service exists,
    /// because CI registers and deploys new revisions (as with ecspresso). Default false.
    #[serde(default)]
    pub ignore_task_definition_changes: Option<bool>,
    /// Seconds the scheduler ignores failing load balancer health checks after a task starts,
    /// for a service with `load_balancers` (`load_balancer` has its own field). Default 60.
    #[serde(default)]
    #[schemars(range(min = 0, max = 2147483647))]
    pub health_check_grace_period_seconds: Option<u32>,
}

/// The deployment circuit breaker.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreaker {
    /// Default true.
    #[serde(default)]
    pub enable: Option<bool>,
    /// Roll back to the last completed deployment when one fails. Default: the value of
    /// `enable`.
    #[serde(default)]
    pub rollback: Option<bool>,
}

/// Deployment alarms: CloudWatch alarms that ECS watches during a deployment.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentAlarms {
    /// Names of existing CloudWatch alarms, for example on the target group's 5xx count.
    #[schemars(length(min = 1))]
    pub names: Vec<String>,
    /// Roll back when an alarm fires. Default true.
    #[serde(default)]
    pub rollback: Option<bool>,
}

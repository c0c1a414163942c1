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
    /// ROLLING (default), BLUE_GREEN, LINEAR or CANARY. The last three need
    /// `advanced_configuration` on every load balancer, and provider 6.4 (6.21 for LINEAR and
    /// CANARY).
    #[serde(default)]
    pub strategy: Option<DeploymentStrategy>,
    /// Minutes both revisions keep running after production traffic moved, 0-1440, before
    /// the old one stops (BLUE_GREEN, LINEAR, CANARY). Omitted means ECS's default.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1440))]
    pub bake_time_in_minutes: Option<u32>,
    /// The steps of a LINEAR deployment.
    #[serde(default)]
    pub linear: Option<LinearConfiguration>,
    /// The canary of a CANARY deployment.
    #[serde(default)]
    pub canary: Option<CanaryConfiguration>,
    /// Lambda functions ECS calls at stages of a BLUE_GREEN, LINEAR or CANARY deployment.
    #[serde(default)]
    pub lifecycle_hooks: Vec<LifecycleHook>,
    /// Who deploys new revisions: ECS (the default), CODE_DEPLOY (AWS CodeDeploy blue/green)
    /// or EXTERNAL (task sets through the API). Written as `deployment_controller` when set.
    /// With CODE_DEPLOY or EXTERNAL, gen-tf writes no circuit breaker (it belongs to ECS
    /// deployments) and Terraform ignores the task definition and load balancers, which the
    /// controller changes.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentController.html
    #[serde(default)]
    pub controller: Option<DeploymentController>,
}

/// `deployment.controller`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum DeploymentController {
    #[serde(rename = "ECS")]
    Ecs,
    #[serde(rename = "CODE_DEPLOY")]
    CodeDeploy,
    #[serde(rename = "EXTERNAL")]
    External,
}

impl DeploymentController {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ecs => "ECS",
            Self::CodeDeploy => "CODE_DEPLOY",
            Self::External => "EXTERNAL",
        }
    }
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

/// `deployment.strategy`: how ECS moves traffic from the running revision to the new one.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum DeploymentStrategy {
    /// Replace tasks in place within `minimum_healthy_percent` and `maximum_percent`.
    #[serde(rename = "ROLLING")]
    Rolling,
    /// Start the new revision beside the old one, then move all traffic at once.
    #[serde(rename = "BLUE_GREEN")]
    BlueGreen,
    /// Move traffic in equal steps (`linear`).
    #[serde(rename = "LINEAR")]
    Linear,
    /// Move a share of traffic first (`canary`), then the rest.
    #[serde(rename = "CANARY")]
    Canary,
}

impl DeploymentStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rolling => "ROLLING",
            Self::BlueGreen => "BLUE_GREEN",
            Self::Linear => "LINEAR",
            Self::Canary => "CANARY",
        }
    }

    /// BLUE_GREEN, LINEAR and CANARY: two revisions side by side behind two target groups.
    pub fn shifts_traffic(self) -> bool {
        self != Self::Rolling
    }
}

/// `deployment.linear`: the steps of a LINEAR deployment.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinearConfiguration {
    /// Percent of production traffic each step moves, 3-100.
    #[schemars(range(min = 3, max = 100))]
    pub step_percent: f64,
    /// Minutes between steps, 0-1440. Omitted means ECS's default.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1440))]
    pub step_bake_time_in_minutes: Option<u32>,
}

/// `deployment.canary`: the first share of a CANARY deployment.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CanaryConfiguration {
    /// Percent of production traffic the canary gets, 0.1-100.
    #[schemars(range(min = 0.1, max = 100))]
    pub percent: f64,
    /// Minutes the canary runs before the rest of the traffic moves, 0-1440. Omitted means
    /// ECS's default.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1440))]
    pub bake_time_in_minutes: Option<u32>,
}

/// One lifecycle hook: a Lambda function that ECS calls at the given stages of a deployment.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleHook {
    /// The Lambda function's ARN (`arn:aws:lambda:<region>:<account>:function:<name>`).
    pub function_arn: String,
    /// The role ECS assumes to invoke the function.
    pub role_arn: String,
    /// The stages at which ECS calls the function.
    #[schemars(length(min = 1))]
    pub stages: Vec<LifecycleStage>,
}

/// A stage of a BLUE_GREEN, LINEAR or CANARY deployment.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LifecycleStage {
    ReconcileService,
    PreScaleUp,
    PostScaleUp,
    TestTrafficShift,
    PostTestTrafficShift,
    ProductionTrafficShift,
    PostProductionTrafficShift,
}

impl LifecycleStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReconcileService => "RECONCILE_SERVICE",
            Self::PreScaleUp => "PRE_SCALE_UP",
            Self::PostScaleUp => "POST_SCALE_UP",
            Self::TestTrafficShift => "TEST_TRAFFIC_SHIFT",
            Self::PostTestTrafficShift => "POST_TEST_TRAFFIC_SHIFT",
            Self::ProductionTrafficShift => "PRODUCTION_TRAFFIC_SHIFT",
            Self::PostProductionTrafficShift => "POST_PRODUCTION_TRAFFIC_SHIFT",
        }
    }

    /// The stages that move test traffic, which need a test listener rule.
    pub fn needs_test_traffic(self) -> bool {
        matches!(self, Self::TestTrafficShift | Self::PostTestTrafficShift)
    }
}

/// `advanced_configuration` of a load balancer: what ECS swaps during a BLUE_GREEN, LINEAR or
/// CANARY deployment.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AdvancedConfiguration.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedConfiguration {
    /// The second target group, which the new revision registers with.
    pub alternate_target_group_arn: String,
    /// The ARN of the listener rule that sends production traffic to both target groups, whose
    /// weights ECS changes.
    pub production_listener_rule: String,
    /// The ARN of a listener rule for test traffic to the new revision. Optional.
    #[serde(default)]
    pub test_listener_rule: Option<String>,
    /// The infrastructure role ECS assumes to change the listener rules. Omitted: gen-tf
    /// creates `<stack>-<service>-ecs-infra` with the AWS-managed policy
    /// AmazonECSInfrastructureRolePolicyForLoadBalancers.
    #[serde(default)]
    pub role_arn: Option<String>,
}

//! `auto_scaling`: Application Auto Scaling for an ECS service's desired count.
//!
//! The field names are the seed guide's and the Terraform provider's, so the guide's
//! target-tracking snippet and DESIGN.md's step-scaling snippet are valid as they stand. The
//! model accepts every combination of fields; `validate::scaling` decides which ones AWS would
//! refuse, so that users get every problem at once with a JSON path.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The scalable target (`service/<cluster>/<service>`, `ecs:service:DesiredCount`) and its
/// policies. With auto scaling the service's `desired_count` defaults to `min_capacity` and
/// later changes made by scaling are ignored by Terraform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoScaling {
    /// Fewest tasks scaling may leave running.
    pub min_capacity: u32,
    /// Most tasks scaling may start. At least `min_capacity`.
    pub max_capacity: u32,
    /// Target tracking and step scaling policies, at most 50.
    #[serde(default)]
    pub policies: Vec<Policy>,
    /// Scheduled actions that set the target's minimum and maximum at given times, for example
    /// a higher minimum during business hours. Each sets the range until another one changes
    /// it; the module then leaves the target's range to them.
    #[serde(default)]
    pub scheduled: Vec<ScheduledAction>,
}

/// One scheduled action: at `schedule`, the scalable target's range becomes `min_capacity` to
/// `max_capacity` (either may be left as it is), and tasks are started or stopped to fit it.
/// Source: https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduledAction {
    /// Lower-case letters, digits and '-', unique within the service. The AWS name is
    /// `<stack>[-<env>]-<service>-<name>`.
    pub name: String,
    /// `cron(Minutes Hours Day-of-month Month Day-of-week Year)` (one of the two day fields is
    /// `?`), `rate(<n> minutes|hours|days)` or `at(yyyy-mm-ddThh:mm:ss)`.
    pub schedule: String,
    /// IANA time zone for `cron()` and `at()`, such as `Europe/Berlin`. Default UTC.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The new minimum number of tasks.
    #[serde(default)]
    pub min_capacity: Option<u32>,
    /// The new maximum number of tasks.
    #[serde(default)]
    pub max_capacity: Option<u32>,
}

/// One scaling policy. Target tracking is the default `policy_type`, so the seed guide's snippet
/// (which names only the metric and target) is valid as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Policy name suffix (lower-case letters, digits and '-'), unique within the service. The
    /// AWS name is `<stack>[-<env>]-<service>-<name>`. Default: `cpu`, `memory` or `requests` for a
    /// predefined metric, the metric name for a customized one, `scale-out` or `scale-in` for a
    /// step policy.
    #[serde(default)]
    pub name: Option<String>,
    /// `TargetTrackingScaling` (default) or `StepScaling`.
    #[serde(default)]
    pub policy_type: Option<PolicyType>,

    // Target tracking.
    /// ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization or
    /// ALBRequestCountPerTarget. Kept as text so an unknown name can get a suggestion.
    #[serde(default)]
    pub predefined_metric_type: Option<String>,
    /// The value the metric is kept at: a percentage in (0, 100] for CPU and memory, requests
    /// per task for ALBRequestCountPerTarget.
    #[serde(default)]
    pub target_value: Option<f64>,
    /// Seconds after a scale-in before the next one.
    #[serde(default)]
    pub scale_in_cooldown: Option<u32>,
    /// Seconds after a scale-out before the next one.
    #[serde(default)]
    pub scale_out_cooldown: Option<u32>,
    /// Only ever scale out with this policy.
    #[serde(default)]
    pub disable_scale_in: Option<bool>,
    /// `app/<lb>/<id>/targetgroup/<tg>/<id>`, for ALBRequestCountPerTarget. Omitted means: built
    /// from the service's `load_balancer` (its ARN suffixes, or module variables).
    #[serde(default)]
    pub resource_label: Option<String>,
    /// A metric that is not predefined.
    #[serde(default)]
    pub customized_metric: Option<CustomizedMetric>,

    // Step scaling.
    /// How `scaling_adjustment` is read. Default ChangeInCapacity.
    #[serde(default)]
    pub adjustment_type: Option<AdjustmentType>,
    /// Seconds to wait for a scaling activity to take effect. AWS's default is 300.
    #[serde(default)]
    pub cooldown: Option<u32>,
    /// How the alarm's data points are aggregated. AWS's default is Average.
    #[serde(default)]
    pub metric_aggregation_type: Option<MetricAggregation>,
    /// Least number of tasks a PercentChangeInCapacity step changes by.
    #[serde(default)]
    pub min_adjustment_magnitude: Option<i64>,
    /// 1 to 20 steps, relative to the alarm threshold.
    #[serde(default)]
    pub step_adjustments: Vec<StepAdjustment>,
    /// The CloudWatch alarm that triggers a step policy.
    #[serde(default)]
    pub alarm: Option<Alarm>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PolicyType {
    TargetTrackingScaling,
    StepScaling,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TargetTrackingScaling => "TargetTrackingScaling",
            Self::StepScaling => "StepScaling",
        }
    }
}

/// Which way a step policy scales, from where its steps lie relative to the alarm threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Steps above the threshold: the metric is high, add tasks.
    Out,
    /// Steps below the threshold: the metric is low, remove tasks.
    In,
}

impl Direction {
    /// The alarm operator that fires exactly where the steps apply. Above the threshold AWS
    /// treats a step's lower bound as inclusive, below it the upper bound, so `>=` and `<=`.
    /// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
    pub fn comparison_operator(self) -> ComparisonOperator {
        match self {
            Self::Out => ComparisonOperator::GreaterThanOrEqualToThreshold,
            Self::In => ComparisonOperator::LessThanOrEqualToThreshold,
        }
    }
}

/// Predefined target tracking metrics for ECS services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredefinedMetric {
    Cpu,
    Memory,
    AlbRequestCount,
}

impl PredefinedMetric {
    pub const ALL: [Self; 3] = [Self::Cpu, Self::Memory, Self::AlbRequestCount];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "ECSServiceAverageCPUUtilization",
            Self::Memory => "ECSServiceAverageMemoryUtilization",
            Self::AlbRequestCount => "ALBRequestCountPerTarget",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Percent metrics take a target in (0, 100].
    pub fn is_percent(self) -> bool {
        matches!(self, Self::Cpu | Self::Memory)
    }

    /// Short suffix for policy names.
    pub fn short(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Memory => "memory",
            Self::AlbRequestCount => "requests",
        }
    }
}

/// A CloudWatch metric for target tracking that is not predefined. It should change in
/// proportion to the task count, as utilization or requests per task do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomizedMetric {
    #[schemars(length(max = 255))]
    pub namespace: String,
    #[schemars(length(max = 255))]
    pub metric_name: String,
    pub statistic: Statistic,
    #[serde(default)]
    pub unit: Option<String>,
    /// The metric's dimensions. Omitted in AWS/ECS and ECS/ContainerInsights means this
    /// service's (ClusterName and ServiceName); other namespaces need them.
    #[serde(default)]
    pub dimensions: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AdjustmentType {
    ChangeInCapacity,
    PercentChangeInCapacity,
    ExactCapacity,
}

impl AdjustmentType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChangeInCapacity => "ChangeInCapacity",
            Self::PercentChangeInCapacity => "PercentChangeInCapacity",
            Self::ExactCapacity => "ExactCapacity",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MetricAggregation {
    Average,
    Minimum,
    Maximum,
}

impl MetricAggregation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Average => "Average",
            Self::Minimum => "Minimum",
            Self::Maximum => "Maximum",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Statistic {
    Average,
    Minimum,
    Maximum,
    Sum,
    SampleCount,
}

impl Statistic {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Average => "Average",
            Self::Minimum => "Minimum",
            Self::Maximum => "Maximum",
            Self::Sum => "Sum",
            Self::SampleCount => "SampleCount",
        }
    }
}

/// One step, relative to the alarm threshold. A missing bound is infinite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepAdjustment {
    #[serde(default)]
    pub metric_interval_lower_bound: Option<f64>,
    #[serde(default)]
    pub metric_interval_upper_bound: Option<f64>,
    pub scaling_adjustment: i64,
}

/// The alarm of a step policy. Every field but `threshold` has a default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    /// The alarm's name: up to 255 printable characters. Default the policy's name
    /// (`<scaling_prefix>-<policy name>`); set it to keep the name of a running alarm that
    /// `gen-tf import` adopts (renaming an alarm replaces it).
    /// Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub name: Option<String>,
    /// Default CPUUtilization.
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub metric_name: Option<String>,
    /// Default AWS/ECS.
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub namespace: Option<String>,
    /// The metric's dimensions, written as given. Omitted in AWS/ECS and ECS/ContainerInsights
    /// means this service's (ClusterName and ServiceName); other namespaces need them, for
    /// example `{ QueueName: 'jobs' }` for AWS/SQS.
    #[serde(default)]
    pub dimensions: Option<BTreeMap<String, String>>,
    /// Default Average.
    #[serde(default)]
    pub statistic: Option<Statistic>,
    /// Seconds, default 60.
    #[serde(default)]
    pub period: Option<u32>,
    /// Default 2.
    #[serde(default)]
    pub evaluation_periods: Option<u32>,
    /// Breaching data points among `evaluation_periods` that set off the alarm. Default: all.
    #[serde(default)]
    pub datapoints_to_alarm: Option<u32>,
    /// Required for a step policy.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Default: follows from the steps (above the threshold to scale out, below to scale in).
    #[serde(default)]
    pub comparison_operator: Option<ComparisonOperator>,
    /// Default `missing`.
    #[serde(default)]
    pub treat_missing_data: Option<TreatMissingData>,
}

/// Namespaces whose per-service metrics have the dimensions ClusterName and ServiceName, which
/// gen-tf fills in when a metric names none.
/// Sources: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html,
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
pub const SERVICE_NAMESPACES: &[&str] = &["AWS/ECS", "ECS/ContainerInsights"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ComparisonOperator {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl ComparisonOperator {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Self::GreaterThanThreshold => "GreaterThanThreshold",
            Self::LessThanThreshold => "LessThanThreshold",
            Self::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => ">=",
            Self::GreaterThanThreshold => ">",
            Self::LessThanThreshold => "<",
            Self::LessThanOrEqualToThreshold => "<=",
        }
    }

    pub fn is_above(self) -> bool {
        matches!(
            self,
            Self::GreaterThanOrEqualToThreshold | Self::GreaterThanThreshold
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TreatMissingData {
    Missing,
    Ignore,
    Breaching,
    NotBreaching,
}

impl TreatMissingData {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Ignore => "ignore",
            Self::Breaching => "breaching",
            Self::NotBreaching => "notBreaching",
        }
    }
}

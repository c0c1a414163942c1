//! `auto_scaling`: Application Auto Scaling for an ECS service's desired count.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoScaling {
    pub min_capacity: u32,
    pub max_capacity: u32,
    #[serde(default)]
    pub policies: Vec<Policy>,
}

/// One scaling policy. Target tracking is the default `policy_type`, so the seed guide's snippet
/// (which names only the metric and target) is valid as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Policy name suffix; unique within the service. Default: derived from the metric or
    /// `step-<n>`.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub policy_type: Option<PolicyType>,

    // Target tracking.
    /// ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization or
    /// ALBRequestCountPerTarget. Kept as text so an unknown name can get a suggestion.
    #[serde(default)]
    pub predefined_metric_type: Option<String>,
    #[serde(default)]
    pub target_value: Option<f64>,
    #[serde(default)]
    pub scale_in_cooldown: Option<u32>,
    #[serde(default)]
    pub scale_out_cooldown: Option<u32>,
    #[serde(default)]
    pub disable_scale_in: Option<bool>,
    /// `app/<lb>/<id>/targetgroup/<tg>/<id>`, for ALBRequestCountPerTarget.
    #[serde(default)]
    pub resource_label: Option<String>,
    /// A metric that is not predefined.
    #[serde(default)]
    pub customized_metric: Option<CustomizedMetric>,

    // Step scaling.
    #[serde(default)]
    pub adjustment_type: Option<AdjustmentType>,
    #[serde(default)]
    pub cooldown: Option<u32>,
    #[serde(default)]
    pub metric_aggregation_type: Option<MetricAggregation>,
    #[serde(default)]
    pub min_adjustment_magnitude: Option<i64>,
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

impl Policy {
    pub fn kind(&self) -> PolicyType {
        self.policy_type.unwrap_or(PolicyType::TargetTrackingScaling)
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomizedMetric {
    pub namespace: String,
    pub metric_name: String,
    pub statistic: Statistic,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
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

/// The alarm of a step policy. Every field has a default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    /// Default CPUUtilization.
    #[serde(default)]
    pub metric_name: Option<String>,
    /// Default AWS/ECS.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Default Average.
    #[serde(default)]
    pub statistic: Option<Statistic>,
    /// Seconds, default 60.
    #[serde(default)]
    pub period: Option<u32>,
    /// Default 2.
    #[serde(default)]
    pub evaluation_periods: Option<u32>,
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

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

/// Longest policy `name` a stack may give. With the longest stack name (40) and service name
/// (64), `<stack>[-<env>]-<service>-<name>` stays within the alarm name limit (255) and the scaling
/// policy name limit (256).
/// Sources: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
/// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
pub const MAX_POLICY_NAME_LEN: usize = 64;

impl Policy {
    pub fn kind(&self) -> PolicyType {
        self.policy_type
            .unwrap_or(PolicyType::TargetTrackingScaling)
    }

    /// The predefined metric, when the name is one AWS knows for ECS.
    pub fn predefined_metric(&self) -> Option<PredefinedMetric> {
        self.predefined_metric_type
            .as_deref()
            .and_then(PredefinedMetric::parse)
    }

    /// The policy's name inside the service: the user's `name`, else one derived from what the
    /// policy does, so that snippets which name nothing still get readable AWS names such as
    /// `shop-api-cpu` and `shop-api-scale-out`. `index` (the position in `policies`) is the
    /// fallback when nothing better is known.
    pub fn name_or_default(&self, index: usize) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match self.kind() {
            PolicyType::TargetTrackingScaling => {
                if let Some(m) = self.predefined_metric() {
                    m.short().to_owned()
                } else if let Some(c) = &self.customized_metric {
                    kebab(&c.metric_name, MAX_POLICY_NAME_LEN)
                } else {
                    format!("target-{index}")
                }
            }
            PolicyType::StepScaling => match self.direction() {
                Some(Direction::Out) => "scale-out".to_owned(),
                Some(Direction::In) => "scale-in".to_owned(),
                None => format!("step-{index}"),
            },
        }
    }

    /// The side of the alarm threshold that every step lies on; `None` when there are no steps
    /// or they do not all lie on one side (which validation rejects).
    pub fn direction(&self) -> Option<Direction> {
        let mut sides = self.step_adjustments.iter().map(StepAdjustment::side);
        let first = sides.next()??;
        sides.all(|s| s == Some(first)).then_some(first)
    }

    /// AWS requires an adjustment type on a new step policy; a change in task count is what a
    /// step without one most plausibly means.
    pub fn adjustment_type_or_default(&self) -> AdjustmentType {
        self.adjustment_type
            .unwrap_or(AdjustmentType::ChangeInCapacity)
    }

    /// The alarm's comparison: the user's, else the one that matches the steps.
    pub fn comparison_operator(&self) -> Option<ComparisonOperator> {
        self.alarm
            .as_ref()
            .and_then(|a| a.comparison_operator)
            .or_else(|| self.direction().map(Direction::comparison_operator))
    }
}

/// `ApproximateNumberOfMessagesVisible` -> `approximate-number-of-messages-visible`: a policy
/// name made of the characters that every AWS name and Terraform label accepts.
fn kebab(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('-');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    }
    let mut out = out
        .trim_start_matches(|c: char| c == '-' || c.is_ascii_digit())
        .to_owned();
    out.truncate(max);
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "custom".to_owned()
    } else {
        out.to_owned()
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

impl StepAdjustment {
    /// Above the threshold when the interval starts at or above it, below when it ends at or
    /// below it; `None` for an interval that crosses the threshold.
    pub fn side(&self) -> Option<Direction> {
        match (
            self.metric_interval_lower_bound,
            self.metric_interval_upper_bound,
        ) {
            (Some(lo), _) if lo >= 0.0 => Some(Direction::Out),
            (_, Some(hi)) if hi <= 0.0 => Some(Direction::In),
            _ => None,
        }
    }
}

/// The alarm of a step policy. Every field but `threshold` has a default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
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

/// Defaults of a step policy's alarm: one-minute data points (the resolution of the AWS/ECS
/// metrics), two of them in a row, the service's average CPU.
pub const DEFAULT_ALARM_METRIC: &str = "CPUUtilization";
pub const DEFAULT_ALARM_NAMESPACE: &str = "AWS/ECS";
pub const DEFAULT_ALARM_PERIOD: u32 = 60;
pub const DEFAULT_ALARM_EVALUATION_PERIODS: u32 = 2;

impl Alarm {
    pub fn metric_name_or_default(&self) -> &str {
        self.metric_name.as_deref().unwrap_or(DEFAULT_ALARM_METRIC)
    }

    pub fn namespace_or_default(&self) -> &str {
        self.namespace.as_deref().unwrap_or(DEFAULT_ALARM_NAMESPACE)
    }

    pub fn statistic_or_default(&self) -> Statistic {
        self.statistic.unwrap_or(Statistic::Average)
    }

    pub fn period_or_default(&self) -> u32 {
        self.period.unwrap_or(DEFAULT_ALARM_PERIOD)
    }

    pub fn evaluation_periods_or_default(&self) -> u32 {
        self.evaluation_periods
            .unwrap_or(DEFAULT_ALARM_EVALUATION_PERIODS)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn step(lo: Option<f64>, hi: Option<f64>, adj: i64) -> StepAdjustment {
        StepAdjustment {
            metric_interval_lower_bound: lo,
            metric_interval_upper_bound: hi,
            scaling_adjustment: adj,
        }
    }

    #[test]
    fn kebab_names() {
        assert_eq!(
            kebab("ApproximateNumberOfMessagesVisible", 64),
            "approximate-number-of-messages-visible"
        );
        assert_eq!(kebab("p99 latency_ms", 64), "p99-latency-ms");
        assert_eq!(kebab("42", 64), "custom");
        assert_eq!(kebab("abc-def", 4), "abc");
    }

    #[test]
    fn sides() {
        assert_eq!(step(Some(0.0), Some(10.0), 1).side(), Some(Direction::Out));
        assert_eq!(step(Some(10.0), None, 1).side(), Some(Direction::Out));
        assert_eq!(step(None, Some(0.0), -1).side(), Some(Direction::In));
        assert_eq!(step(Some(-5.0), Some(5.0), 1).side(), None);
        assert_eq!(step(None, Some(5.0), 1).side(), None);
    }
}

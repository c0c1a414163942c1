//! Resolved auto scaling: the target's range and each policy with every field it needs.

use super::derived;
use std::collections::BTreeMap;

use crate::model::aws::Arn;
use crate::model::scaling::{self as m, ComparisonOperator, MetricAggregation, TreatMissingData};
/// The model's value types that resolved policies, and the policies as written, keep as they
/// are.
pub(crate) use crate::model::scaling::{
    AdjustmentType, Alarm as WrittenAlarm, Direction, Policy as WrittenPolicy, PolicyType,
    PredefinedMetric, Statistic, StepAdjustment, SERVICE_NAMESPACES,
};
use crate::model::{self, ServiceName};

use super::defaults;
use super::names::Names;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scaling {
    pub min_capacity: u32,
    pub max_capacity: u32,
    /// The policies that resolve: a policy without what its kind needs (a target value, a
    /// metric, an alarm and its threshold) is left out, and the scaling rules report it from
    /// `written`, so lowering never sees it.
    pub policies: Vec<Policy>,
    /// Every policy as written, with its names (`<prefix>-<name>` whether it resolves or not).
    pub written: Vec<PolicyAsWritten>,
    /// Scheduled actions; with any, the target's range is theirs once it exists.
    pub scheduled: Vec<ScheduledAction>,
}

/// A policy as the stack writes it, with the names it gets.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PolicyAsWritten {
    pub name: PolicyName,
    pub policy: WrittenPolicy,
}

/// One scheduled action, with its names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScheduledAction {
    /// The name as the stack writes it (`scheduled[].name`).
    pub name: String,
    /// Terraform label, `<service>_<name>`.
    pub label: String,
    /// AWS name, `<prefix>-<name>`.
    pub aws: String,
    pub schedule: String,
    pub timezone: Option<String>,
    pub min_capacity: Option<u32>,
    pub max_capacity: Option<u32>,
}

impl ScheduledAction {
    /// The time zone the schedule is read in: the stack's, or Application Auto Scaling's UTC.
    pub(crate) fn effective_timezone(&self) -> &str {
        self.timezone.as_deref().unwrap_or("UTC")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Policy {
    TargetTracking(TargetTracking),
    Step(StepScaling),
}

impl Policy {
    pub(crate) fn name(&self) -> &PolicyName {
        match self {
            Self::TargetTracking(t) => &t.name,
            Self::Step(s) => &s.name,
        }
    }

    pub(crate) fn kind(&self) -> PolicyType {
        match self {
            Self::TargetTracking(_) => PolicyType::TargetTrackingScaling,
            Self::Step(_) => PolicyType::StepScaling,
        }
    }
}

/// A policy's names: its short name in the service (`cpu`), its Terraform label
/// (`api_cpu`) and its AWS name (`shop-api-cpu`), which its alarm shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyName {
    pub short: String,
    pub label: String,
    pub aws: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TargetTracking {
    pub name: PolicyName,
    pub target_value: f64,
    pub scale_in_cooldown: Option<u32>,
    pub scale_out_cooldown: Option<u32>,
    pub disable_scale_in: Option<bool>,
    pub metric: TargetMetric,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TargetMetric {
    /// A predefined metric; ALBRequestCountPerTarget comes with its resource label.
    Predefined {
        metric: PredefinedMetric,
        resource_label: Option<ResourceLabel>,
    },
    Customized(CustomizedMetric),
}

/// A target tracking metric that is not predefined.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CustomizedMetric {
    pub namespace: String,
    pub metric_name: String,
    pub statistic: Statistic,
    pub unit: Option<String>,
    pub dimensions: Dimensions,
}

/// The dimensions of a metric an alarm or a policy watches.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Dimensions {
    /// This service's: ClusterName and ServiceName.
    Service,
    /// As the stack gives them.
    Given(BTreeMap<String, String>),
}

/// The stack's dimensions, else this service's in the namespaces that publish per service;
/// `None` where a metric needs them and has none (the `metric-dimensions` rule).
fn dimensions(namespace: &str, given: Option<&BTreeMap<String, String>>) -> Option<Dimensions> {
    match given {
        Some(d) => Some(Dimensions::Given(d.clone())),
        None if SERVICE_NAMESPACES.contains(&namespace) => Some(Dimensions::Service),
        None => None,
    }
}

impl TargetMetric {
    /// The metric's name, for summaries.
    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Predefined { metric, .. } => metric.as_str(),
            Self::Customized(c) => &c.metric_name,
        }
    }
}

/// `app/<lb>/<id>/targetgroup/<tg>/<id>` for ALBRequestCountPerTarget.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResourceLabel {
    /// The policy's own `resource_label`.
    Given(String),
    /// Built from the load balancer's ARN suffixes; a part that is `None` is a module variable.
    Parts {
        load_balancer: Option<String>,
        target_group: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepScaling {
    pub name: PolicyName,
    pub adjustment_type: AdjustmentType,
    pub cooldown: Option<u32>,
    pub metric_aggregation_type: Option<MetricAggregation>,
    pub min_adjustment_magnitude: Option<i64>,
    pub steps: Vec<StepAdjustment>,
    pub alarm: Alarm,
}

/// The CloudWatch alarm that invokes a step policy.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alarm {
    /// The AWS name: `alarm.name`, else the policy's.
    pub name: String,
    pub namespace: String,
    pub metric_name: String,
    pub statistic: Statistic,
    pub period: u32,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: Option<u32>,
    pub threshold: f64,
    pub comparison_operator: ComparisonOperator,
    pub treat_missing_data: Option<TreatMissingData>,
    pub dimensions: Dimensions,
}

pub(super) fn resolve(
    names: &Names,
    service: &ServiceName,
    svc: &model::Service,
    a: &m::AutoScaling,
) -> Scaling {
    let written: Vec<PolicyAsWritten> = a
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let short = defaults::policy_name(p, i);
            PolicyAsWritten {
                name: PolicyName {
                    label: format!("{}_{}", service.ident(), short.replace('-', "_")),
                    aws: format!("{}-{short}", names.prefix),
                    short,
                },
                policy: p.clone(),
            }
        })
        .collect();
    let policies = written
        .iter()
        .filter_map(|w| match derived::policy_kind(&w.policy) {
            PolicyType::TargetTrackingScaling => target_tracking(svc, &w.policy, w.name.clone()),
            PolicyType::StepScaling => step_scaling(&w.policy, w.name.clone()),
        })
        .collect();
    let scheduled = a
        .scheduled
        .iter()
        .map(|s| ScheduledAction {
            name: s.name.clone(),
            label: format!("{}_{}", service.ident(), s.name.replace('-', "_")),
            aws: format!("{}-{}", names.prefix, s.name),
            schedule: s.schedule.clone(),
            timezone: s.timezone.clone(),
            min_capacity: s.min_capacity,
            max_capacity: s.max_capacity,
        })
        .collect();
    Scaling {
        min_capacity: a.min_capacity,
        max_capacity: a.max_capacity,
        policies,
        written,
        scheduled,
    }
}

fn target_tracking(svc: &model::Service, p: &m::Policy, name: PolicyName) -> Option<Policy> {
    let metric = match (&p.customized_metric, derived::predefined_metric(p)) {
        (Some(c), None) => TargetMetric::Customized(CustomizedMetric {
            namespace: c.namespace.clone(),
            metric_name: c.metric_name.clone(),
            statistic: c.statistic,
            unit: c.unit.clone(),
            dimensions: dimensions(&c.namespace, c.dimensions.as_ref())?,
        }),
        (None, Some(metric)) => TargetMetric::Predefined {
            metric,
            resource_label: match metric {
                PredefinedMetric::AlbRequestCount => Some(resource_label(svc, p)?),
                _ => None,
            },
        },
        _ => return None,
    };
    Some(Policy::TargetTracking(TargetTracking {
        name,
        target_value: p.target_value?,
        scale_in_cooldown: p.scale_in_cooldown,
        scale_out_cooldown: p.scale_out_cooldown,
        disable_scale_in: p.disable_scale_in,
        metric,
    }))
}

/// The policy's own label, else the load balancer's ARN suffixes (the target group's taken from
/// its ARN when only that is given).
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
fn resource_label(svc: &model::Service, p: &m::Policy) -> Option<ResourceLabel> {
    if let Some(label) = &p.resource_label {
        return Some(ResourceLabel::Given(label.clone()));
    }
    // One of several target groups: its ARN gives the target group's part; the load balancer's
    // is a module variable. With more than one, the `alb-resource-label` rule wants a label.
    if let [only] = svc.load_balancers.as_slice() {
        return Some(ResourceLabel::Parts {
            load_balancer: None,
            target_group: tg_suffix_of_arn(&only.target_group_arn),
        });
    }
    let lb = svc.load_balancer.as_ref()?;
    Some(ResourceLabel::Parts {
        load_balancer: lb.load_balancer_arn_suffix.clone(),
        target_group: lb
            .target_group_arn_suffix
            .clone()
            .or_else(|| lb.target_group_arn.as_deref().and_then(tg_suffix_of_arn)),
    })
}

/// `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>` ends in the suffix
/// the resource label needs.
fn tg_suffix_of_arn(arn: &str) -> Option<String> {
    let resource = Arn::parse(arn).ok()?.resource;
    let parts: Vec<&str> = resource.split('/').collect();
    (parts.len() == 3 && parts[0] == "targetgroup").then(|| resource.to_owned())
}

fn step_scaling(p: &m::Policy, name: PolicyName) -> Option<Policy> {
    let a = p.alarm.as_ref()?;
    let alarm_name = a.name.clone().unwrap_or_else(|| name.aws.clone());
    Some(Policy::Step(StepScaling {
        name,
        adjustment_type: defaults::adjustment_type(p),
        cooldown: p.cooldown,
        metric_aggregation_type: p.metric_aggregation_type,
        min_adjustment_magnitude: p.min_adjustment_magnitude,
        steps: p.step_adjustments.clone(),
        alarm: Alarm {
            name: alarm_name,
            namespace: defaults::alarm_namespace(a).to_owned(),
            metric_name: defaults::alarm_metric_name(a).to_owned(),
            statistic: defaults::alarm_statistic(a),
            period: defaults::alarm_period(a),
            evaluation_periods: defaults::alarm_evaluation_periods(a),
            datapoints_to_alarm: a.datapoints_to_alarm,
            threshold: a.threshold?,
            comparison_operator: derived::comparison_operator(p)?,
            treat_missing_data: a.treat_missing_data,
            dimensions: dimensions(defaults::alarm_namespace(a), a.dimensions.as_ref())?,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_group_suffix_from_arn() {
        assert_eq!(
            tg_suffix_of_arn(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067"
            )
            .as_deref(),
            Some("targetgroup/api/73e2d6bc24d8a067")
        );
        assert_eq!(tg_suffix_of_arn("targetgroup/api/1"), None);
    }
}

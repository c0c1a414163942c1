//! Auto scaling: the scalable target's range, target tracking policies, step policies and the
//! alarms that drive them.
//!
//! Application Auto Scaling checks most of this only when `terraform apply` calls
//! PutScalingPolicy, and some of it (an alarm on the wrong side of its steps, a metric that does
//! not exist) never fails at all: the service just does not scale. Every problem is reported,
//! each at the JSON path of the field to change.

use crate::resolve::derived;
use std::collections::BTreeMap;

mod steps;
mod target;

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::facts::autoscaling::MAX_POLICY_NAME_LEN;
use crate::model::names::ServiceName;
use crate::resolve::scaling::{
    PolicyAsWritten, PolicyType, Scaling, WrittenPolicy as Policy, SERVICE_NAMESPACES,
};
use crate::resolve::{Resolved, Service};

const STEP_GUIDE: &str =
    "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html";
const STEP_CONFIG: &str = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html";
const TARGET_CONFIG: &str = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html";
const PREDEFINED: &str = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html";
const PUT_ALARM: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";

pub(super) static SCALING_CAPACITY_RANGE: Rule = Rule {
    code: "scaling-capacity-range",
    severity: Severity::Error,
    summary: "auto_scaling's min_capacity is greater than its max_capacity.",
    fact: "RegisterScalableTarget rejects a minimum capacity above the maximum.",
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
};

pub(super) static DESIRED_COUNT_RANGE: Rule = Rule {
    code: "desired-count-range",
    severity: Severity::Error,
    summary: "desired_count lies outside auto_scaling's min_capacity..max_capacity.",
    fact: "Application Auto Scaling moves a desired count outside the range back into it at its next activity, so the number written would not hold; with auto scaling, desired_count only sets the first deployment and defaults to min_capacity.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html",
};

pub(super) static POLICY_COUNT: Rule = Rule {
    code: "policy-count",
    severity: Severity::Error,
    summary: "More than 50 scaling policies on one service.",
    fact: "A scalable target takes at most 50 scaling policies, target tracking and step together.",
    source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
};

pub(super) static POLICY_FIELDS: Rule = Rule {
    code: "policy-fields",
    severity: Severity::Error,
    summary: "A target tracking field on a step policy, or a step scaling field on a target tracking policy.",
    fact: "PutScalingPolicy takes a TargetTrackingScalingPolicyConfiguration or a StepScalingPolicyConfiguration, matching policy_type; the other one is not part of the policy. policy_type defaults to TargetTrackingScaling.",
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
};

pub(super) static POLICY_NAME: Rule = Rule {
    code: "policy-name",
    severity: Severity::Error,
    summary: "A policy name that is not lower-case letters, digits and single '-', or longer than 64 characters.",
    fact: "The name becomes the AWS policy and alarm name `<stack>[-<env>]-<service>-<name>` (at most 256 and 255 characters) and part of Terraform labels.",
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
};

pub(super) static POLICY_NAME_DUPLICATE: Rule = Rule {
    code: "policy-name-duplicate",
    severity: Severity::Error,
    summary: "Two policies of a service with the same name (given or derived), or two policies whose Terraform names coincide.",
    fact: "PutScalingPolicy with an existing name replaces that policy, so two Terraform resources would overwrite each other on every apply.",
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
};

pub(super) static ALARM_NAME_DUPLICATE: Rule = Rule {
    code: "alarm-name-duplicate",
    severity: Severity::Error,
    summary: "Two step policies of a stack whose CloudWatch alarms get the same name (an `alarm.name`, or the policy's name).",
    fact: "Alarm names are unique per account and region, and PutMetricAlarm with an existing name replaces that alarm, so two Terraform resources would overwrite each other's alarm on every apply.",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
};

pub(super) static TARGET_METRIC: Rule = Rule {
    code: "target-metric",
    severity: Severity::Error,
    summary: "A target tracking policy with no metric, or with both a predefined and a customized metric.",
    fact: "A target tracking configuration takes exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification.",
    source: TARGET_CONFIG,
};

pub(super) static UNKNOWN_METRIC: Rule = Rule {
    code: "unknown-metric",
    severity: Severity::Error,
    summary: "A predefined metric that ECS services do not have, or an AWS/ECS alarm metric that does not exist per service.",
    fact: "ECS services take the predefined metrics ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization and ALBRequestCountPerTarget. In AWS/ECS, the metrics with the ClusterName and ServiceName dimensions are CPUUtilization and MemoryUtilization; an alarm on any other name never leaves INSUFFICIENT_DATA.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html",
};

pub(super) static TARGET_VALUE_MISSING: Rule = Rule {
    code: "target-value-missing",
    severity: Severity::Error,
    summary: "A target tracking policy without target_value.",
    fact: "TargetValue is required in a target tracking configuration.",
    source: TARGET_CONFIG,
};

pub(super) static TARGET_VALUE_RANGE: Rule = Rule {
    code: "target-value-range",
    severity: Severity::Error,
    summary: "A target_value outside (0, 100] for a CPU or memory utilization metric, or not above 0 for requests per target.",
    fact: "Utilization metrics are percentages, and the target value must be a valid number for the metric; a target of 0 or below 100% utilization never settles.",
    source: TARGET_CONFIG,
};

pub(super) static ALB_RESOURCE_LABEL: Rule = Rule {
    code: "alb-resource-label",
    severity: Severity::Error,
    summary: "ALBRequestCountPerTarget without a resource label to use, a malformed label, or a label on another metric.",
    fact: "ALBRequestCountPerTarget needs ResourceLabel `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>` for a target group attached to the service; no other metric takes one.",
    source: PREDEFINED,
};

pub(super) static ALARM_THRESHOLD: Rule = Rule {
    code: "alarm-threshold",
    severity: Severity::Error,
    summary: "A step policy without an alarm threshold.",
    fact: "A step policy only runs when its CloudWatch alarm fires, and its steps are relative to the alarm's threshold.",
    source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
};

pub(super) static ALARM_COMPARISON: Rule = Rule {
    code: "alarm-comparison",
    severity: Severity::Error,
    summary: "An alarm comparison_operator on the other side of the threshold than the policy's steps.",
    fact: "A step applies to the metric's distance from the threshold; an alarm that fires above the threshold never reaches steps below it, and the reverse, so the policy never scales.",
    source: STEP_GUIDE,
};

pub(super) static ALARM_PERIOD: Rule = Rule {
    code: "alarm-period",
    severity: Severity::Error,
    summary: "An alarm period that is not 10, 20, 30 or a multiple of 60 seconds, or under a minute for an AWS/ECS metric.",
    fact: "PutMetricAlarm accepts periods of 10, 20, 30 and any multiple of 60 seconds. Periods under 60 seconds only suit high-resolution metrics; AWS/ECS publishes once a minute, so such an alarm keeps lapsing into INSUFFICIENT_DATA and the policy does not run.",
    source: PUT_ALARM,
};

pub(super) static ALARM_EVALUATION: Rule = Rule {
    code: "alarm-evaluation",
    severity: Severity::Error,
    summary: "evaluation_periods below 1, datapoints_to_alarm outside 1..evaluation_periods, or an evaluation window that is too long.",
    fact: "EvaluationPeriods is at least 1; DatapointsToAlarm is at least 1 and at most EvaluationPeriods; Period times EvaluationPeriods is at most 7 days, and at most 1 day for periods under an hour.",
    source: PUT_ALARM,
};

pub(super) static STEP_COUNT: Rule = Rule {
    code: "step-count",
    severity: Severity::Error,
    summary: "A step policy with no step adjustments or more than 20.",
    fact: "A new step scaling policy needs at least one step adjustment, and a policy takes at most 20.",
    source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
};

pub(super) static STEP_BOUNDS: Rule = Rule {
    code: "step-bounds",
    severity: Severity::Error,
    summary: "A step with both bounds null, or an upper bound not above its lower bound.",
    fact: "The upper and lower bound can't both be null in one step adjustment, and the upper bound must be greater than the lower bound.",
    source: STEP_GUIDE,
};

pub(super) static STEP_NULL_BOUND: Rule = Rule {
    code: "step-null-bound",
    severity: Severity::Error,
    summary: "More than one step with a null lower bound, or more than one with a null upper bound.",
    fact: "At most one step adjustment can have a null lower bound (negative infinity), and at most one a null upper bound (positive infinity).",
    source: STEP_GUIDE,
};

pub(super) static STEP_UNBOUNDED_END: Rule = Rule {
    code: "step-unbounded-end",
    severity: Severity::Error,
    summary: "A positive upper bound with no step that is unbounded above, or a negative lower bound with none unbounded below.",
    fact: "If a step adjustment has a positive upper bound, one must have a null upper bound; if one has a negative lower bound, one must have a null lower bound.",
    source: STEP_GUIDE,
};

pub(super) static STEP_ADJUSTMENT_GAP: Rule = Rule {
    code: "step-adjustment-gap",
    severity: Severity::Error,
    summary: "Metric values between two steps that no step covers.",
    fact: "The ranges of step adjustments can't have a gap.",
    source: STEP_GUIDE,
};

pub(super) static STEP_ADJUSTMENT_OVERLAP: Rule = Rule {
    code: "step-adjustment-overlap",
    severity: Severity::Error,
    summary: "Two steps that cover the same metric values.",
    fact: "The ranges of step adjustments can't overlap.",
    source: STEP_GUIDE,
};

pub(super) static STEP_DIRECTION: Rule = Rule {
    code: "step-direction",
    severity: Severity::Error,
    summary: "Steps on both sides of the threshold, a step across it, or a step that scales the wrong way for its side.",
    fact: "A step policy's alarm fires on one side of its threshold, so its steps lie on that side: above it they add tasks (scale out), below it they remove tasks (scale in).",
    source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
};

pub(super) static EXACT_CAPACITY_NEGATIVE: Rule = Rule {
    code: "exact-capacity-negative",
    severity: Severity::Error,
    summary: "A negative scaling_adjustment with adjustment_type ExactCapacity.",
    fact: "With ExactCapacity the adjustment is the new task count, which must be non-negative.",
    source: STEP_GUIDE,
};

pub(super) static MIN_ADJUSTMENT_MAGNITUDE: Rule = Rule {
    code: "min-adjustment-magnitude",
    severity: Severity::Error,
    summary: "min_adjustment_magnitude with an adjustment type other than PercentChangeInCapacity, or below 1.",
    fact: "MinAdjustmentMagnitude is the least number of tasks a PercentChangeInCapacity policy changes by; it has no meaning for the other adjustment types.",
    source: STEP_CONFIG,
};

pub(super) static METRIC_DIMENSIONS: Rule = Rule {
    code: "metric-dimensions",
    severity: Severity::Error,
    summary: "A metric outside AWS/ECS and ECS/ContainerInsights without dimensions, or dimensions CloudWatch refuses.",
    fact: "A CloudWatch metric is identified by its namespace, name and every one of its dimensions; an alarm or policy that names a metric with other dimensions (or none) watches a metric that does not exist and never acts. gen-tf fills in ClusterName and ServiceName only in AWS/ECS and ECS/ContainerInsights. A metric has at most 30 dimensions; names are 1-255 characters and values 1-1024.",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html",
};

pub(super) static METRIC_NAMESPACE: Rule = Rule {
    code: "metric-namespace",
    severity: Severity::Error,
    summary: "A CloudWatch namespace that starts with ':'.",
    fact: "A CloudWatch namespace matches [^:].* (1-255 characters that do not start with a colon). The AWS provider refuses an alarm namespace of colons only at terraform validate, and PutMetricAlarm refuses any namespace that starts with one; no metric is published under such a namespace, so a scaling policy on it never acts.",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &SCALING_CAPACITY_RANGE,
    &DESIRED_COUNT_RANGE,
    &POLICY_COUNT,
    &POLICY_FIELDS,
    &POLICY_NAME,
    &POLICY_NAME_DUPLICATE,
    &ALARM_NAME_DUPLICATE,
    &TARGET_METRIC,
    &UNKNOWN_METRIC,
    &TARGET_VALUE_MISSING,
    &TARGET_VALUE_RANGE,
    &ALB_RESOURCE_LABEL,
    &ALARM_THRESHOLD,
    &ALARM_COMPARISON,
    &ALARM_PERIOD,
    &ALARM_EVALUATION,
    &STEP_COUNT,
    &STEP_BOUNDS,
    &STEP_NULL_BOUND,
    &STEP_UNBOUNDED_END,
    &STEP_ADJUSTMENT_GAP,
    &STEP_ADJUSTMENT_OVERLAP,
    &STEP_DIRECTION,
    &EXACT_CAPACITY_NEGATIVE,
    &MIN_ADJUSTMENT_MAGNITUDE,
    &METRIC_DIMENSIONS,
    &METRIC_NAMESPACE,
];

/// Policies per scalable target.
/// Source: https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
pub(super) const MAX_POLICIES: usize = 50;
/// Step adjustments per policy (same source).
pub(super) const MAX_STEPS: usize = 20;
/// AWS/ECS metrics published per service, with the ClusterName and ServiceName dimensions that
/// the generated alarm sets.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
pub(super) const ECS_SERVICE_METRICS: &[&str] = &["CPUUtilization", "MemoryUtilization"];
/// Target values beyond ±2^360 are refused.
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
pub(super) const MAX_TARGET_VALUE: f64 = 2.348_542_582_773_833_2e108;

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    // Terraform label -> (service, policy name, JSON path) of the policy that took it first.
    let mut labels: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    // Alarm name -> JSON path of the policy whose alarm took it first, and whether that
    // policy gave the name (`alarm.name`).
    let mut alarms: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for svc in &stack.services {
        let Some(a) = &svc.scaling else {
            continue;
        };
        let name = &svc.name;
        let base = join(&svc.path, "auto_scaling");
        capacity(svc, a, &base, out);
        let policies = join(&base, "policies");
        if a.written.len() > MAX_POLICIES {
            out.push(
                Diagnostic::new(
                    &POLICY_COUNT,
                    policies.clone(),
                    format!(
                        "{} has {} scaling policies; AWS allows at most {MAX_POLICIES} per service",
                        name,
                        a.written.len()
                    ),
                )
                .help("combine policies on the same metric, or remove the ones that never act"),
            );
        }
        for (i, w) in a.written.iter().enumerate() {
            let (path, p) = (index(&policies, i), &w.policy);
            let named = policy_name(p, &path, out);
            match derived::policy_kind(p) {
                PolicyType::TargetTrackingScaling => target::check(svc, p, &path, out),
                PolicyType::StepScaling => steps::check(p, &path, out),
            }
            if named {
                unique_label(name, w, i, &path, &mut labels, out);
            }
            unique_alarm(w, &path, &mut alarms, out);
        }
    }
}

/// A step policy's alarm name, given (`alarm.name`) or the policy's, taken once per stack.
fn unique_alarm(
    w: &PolicyAsWritten,
    path: &str,
    alarms: &mut BTreeMap<String, (String, bool)>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(alarm) = &w.policy.alarm else { return };
    let (alarm_name, at) = match &alarm.name {
        Some(n) => (n.clone(), join(&join(path, "alarm"), "name")),
        None => (w.name.aws.clone(), path.to_owned()),
    };
    let given = alarm.name.is_some();
    match alarms.get(&alarm_name) {
        None => {
            alarms.insert(alarm_name, (path.to_owned(), given));
        }
        // Two policies named alike are `policy-name-duplicate`'s; this rule is about a name
        // one of them gives its alarm.
        Some((_, false)) if !given => {}
        Some((other, _)) => out.push(
            Diagnostic::new(
                &ALARM_NAME_DUPLICATE,
                at,
                format!("the alarm {alarm_name:?} is already the alarm of {other}; CloudWatch would keep one alarm for both policies"),
            )
            .help("give each step policy's alarm its own `alarm.name`, or leave `alarm.name` out for the policy's name"),
        ),
    }
}

fn capacity(svc: &Service, a: &Scaling, base: &str, out: &mut Vec<Diagnostic>) {
    let (min, max) = (a.min_capacity, a.max_capacity);
    if min > max {
        out.push(
            Diagnostic::new(
                &SCALING_CAPACITY_RANGE,
                join(base, "min_capacity"),
                format!("min_capacity {min} is greater than max_capacity {max}"),
            )
            .help(format!(
                "raise max_capacity to at least {min}, or lower min_capacity to at most {max}"
            )),
        );
        return;
    }
    if let Some(d) = svc.written_desired_count {
        if d < min || d > max {
            out.push(
                Diagnostic::new(&DESIRED_COUNT_RANGE,
                    join(&svc.path, "desired_count"),
                    format!(
                        "desired_count {d} is outside auto_scaling's range of {min} to {max} tasks, so auto scaling would move it"
                    ),
                )
                .help(format!(
                    "set desired_count between {min} and {max}, or remove it: with auto scaling it defaults to min_capacity ({min})"
                )),
            );
        }
    }
}

/// Checks a user-given name; returns whether the policy's name (given or derived) is usable for
/// the duplicate check.
fn policy_name(p: &Policy, path: &str, out: &mut Vec<Diagnostic>) -> bool {
    let Some(n) = &p.name else {
        return true;
    };
    let chars_ok = n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let shape_ok =
        n.starts_with(|c: char| c.is_ascii_lowercase()) && !n.ends_with('-') && !n.contains("--");
    let problem = if !chars_ok || !shape_ok {
        Some(format!(
            "policy name {n:?} is not lower-case letters, digits and single '-' starting with a letter"
        ))
    } else if n.len() > MAX_POLICY_NAME_LEN {
        Some(format!(
            "policy name {n:?} is {} characters long; at most {MAX_POLICY_NAME_LEN} are allowed",
            n.len()
        ))
    } else {
        None
    };
    let Some(message) = problem else {
        return true;
    };
    let mut suggestion = crate::model::names::suggest_name(n);
    suggestion.truncate(MAX_POLICY_NAME_LEN);
    let suggestion = suggestion.trim_end_matches('-');
    out.push(
        Diagnostic::new(&POLICY_NAME, join(path, "name"), message).help(format!(
            "use a name such as {suggestion:?}; it becomes the AWS name <stack>[-<env>]-<service>-<name>"
        )),
    );
    false
}

fn unique_label(
    service: &ServiceName,
    w: &PolicyAsWritten,
    i: usize,
    path: &str,
    labels: &mut BTreeMap<String, (String, String, String)>,
    out: &mut Vec<Diagnostic>,
) {
    let p = &w.policy;
    let pname = w.name.short.clone();
    let label = w.name.label.clone();
    let at = if p.name.is_some() {
        join(path, "name")
    } else {
        path.to_owned()
    };
    match labels.get(&label) {
        None => {
            labels.insert(label, (service.to_string(), pname, path.to_owned()));
        }
        Some((other_svc, other_name, other_path)) if *other_svc == service.as_str() => {
            let given = if p.name.is_some() {
                ""
            } else {
                " (derived from its metric or steps)"
            };
            out.push(
                Diagnostic::new(&POLICY_NAME_DUPLICATE,
                    at,
                    format!("policy name `{pname}`{given} is already used by {other_path}; {service} would have two policies named {other_name:?}"),
                )
                .help(format!("give this policy a different `name`, for example name: '{pname}-{i}'")),
            );
        }
        Some((other_svc, other_name, _)) => {
            out.push(
                Diagnostic::new(&POLICY_NAME_DUPLICATE,
                    at,
                    format!("policy `{pname}` of {service} and policy `{other_name}` of {other_svc} both get the Terraform name `{label}`"),
                )
                .help("rename one of the two policies with `name`"),
            );
        }
    }
}

/// The fields a policy sets, by kind: (target tracking fields, step scaling fields). The
/// destructuring names every field of [`Policy`], so a field added to the model does not
/// compile until it is sorted into one kind or the other here.
fn fields_by_kind(p: &Policy) -> (Vec<&'static str>, Vec<&'static str>) {
    let Policy {
        name: _,
        policy_type: _,
        predefined_metric_type,
        target_value,
        scale_in_cooldown,
        scale_out_cooldown,
        disable_scale_in,
        resource_label,
        customized_metric,
        adjustment_type,
        cooldown,
        metric_aggregation_type,
        min_adjustment_magnitude,
        step_adjustments,
        alarm,
    } = p;
    let set = |fields: &[(&'static str, bool)]| -> Vec<&'static str> {
        fields
            .iter()
            .filter(|(_, on)| *on)
            .map(|(f, _)| *f)
            .collect()
    };
    (
        set(&[
            ("predefined_metric_type", predefined_metric_type.is_some()),
            ("target_value", target_value.is_some()),
            ("scale_in_cooldown", scale_in_cooldown.is_some()),
            ("scale_out_cooldown", scale_out_cooldown.is_some()),
            ("disable_scale_in", disable_scale_in.is_some()),
            ("resource_label", resource_label.is_some()),
            ("customized_metric", customized_metric.is_some()),
        ]),
        set(&[
            ("adjustment_type", adjustment_type.is_some()),
            ("cooldown", cooldown.is_some()),
            ("metric_aggregation_type", metric_aggregation_type.is_some()),
            (
                "min_adjustment_magnitude",
                min_adjustment_magnitude.is_some(),
            ),
            ("step_adjustments", !step_adjustments.is_empty()),
            ("alarm", alarm.is_some()),
        ]),
    )
}

/// One diagnostic per field that belongs to the other policy type.
fn foreign_fields(p: &Policy, path: &str, out: &mut Vec<Diagnostic>) {
    let (target_fields, step_fields) = fields_by_kind(p);
    let (foreign, this, other, fix) = match derived::policy_kind(p) {
        PolicyType::TargetTrackingScaling => (
            step_fields,
            "a target tracking policy (policy_type defaults to TargetTrackingScaling)",
            "step scaling",
            "or set policy_type: 'StepScaling' to make this a step policy",
        ),
        PolicyType::StepScaling => (
            target_fields,
            "a step scaling policy",
            "target tracking",
            "or move it to a separate target tracking policy",
        ),
    };
    for f in foreign {
        out.push(
            Diagnostic::new(
                &POLICY_FIELDS,
                join(path, f),
                format!("`{f}` is a {other} field, but this is {this}"),
            )
            .help(format!("remove `{f}`, {fix}")),
        );
    }
}

/// The dimensions the metrics of common namespaces are published with, for help lines.
/// Sources: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html,
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html,
/// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/dimensions.html
const KNOWN_DIMENSIONS: &[(&str, &str)] = &[
    ("AWS/SQS", "QueueName, for example { QueueName: 'jobs' }"),
    (
        "AWS/ApplicationELB",
        "LoadBalancer (app/<name>/<id>) and, per target group, TargetGroup (targetgroup/<name>/<id>)",
    ),
    (
        "AWS/RDS",
        "DBInstanceIdentifier for an instance, or DBClusterIdentifier for an Aurora cluster",
    ),
    ("AWS/DynamoDB", "TableName"),
    ("AWS/Kinesis", "StreamName"),
];

/// Most dimensions a metric may have.
const MAX_DIMENSIONS: usize = 30;

/// A metric's dimensions: needed outside the namespaces gen-tf fills in, and within
/// CloudWatch's limits. `at` is the path of the object that holds `dimensions`.
pub(super) fn metric_dimensions(
    namespace: &str,
    metric: &str,
    dimensions: Option<&BTreeMap<String, String>>,
    at: &str,
    out: &mut Vec<Diagnostic>,
) {
    if namespace.starts_with(':') {
        out.push(
            Diagnostic::new(
                &METRIC_NAMESPACE,
                join(at, "namespace"),
                format!("the namespace {namespace:?} starts with ':', which CloudWatch refuses"),
            )
            .help("write the metric's namespace as CloudWatch lists it, for example AWS/SQS or MyApp/Queue"),
        );
    }
    let Some(dims) = dimensions else {
        if !SERVICE_NAMESPACES.contains(&namespace) {
            let known = KNOWN_DIMENSIONS
                .iter()
                .find(|(ns, _)| *ns == namespace)
                .map_or_else(
                    || "the metric's dimensions, as `aws cloudwatch list-metrics --namespace <ns>` shows them".to_owned(),
                    |(ns, dims)| format!("{ns} metrics take {dims}"),
                );
            out.push(
                Diagnostic::new(
                    &METRIC_DIMENSIONS,
                    at.to_owned(),
                    format!("{namespace} {metric} is given no dimensions, so it matches no published metric and the policy never acts"),
                )
                .help(format!("add dimensions: {known}; for a metric published without dimensions, write dimensions: {{}}")),
            );
        }
        return;
    };
    let path = join(at, "dimensions");
    if dims.len() > MAX_DIMENSIONS {
        out.push(
            Diagnostic::new(
                &METRIC_DIMENSIONS,
                path.clone(),
                format!(
                    "the metric has {} dimensions; CloudWatch allows {MAX_DIMENSIONS}",
                    dims.len()
                ),
            )
            .help("name only the dimensions the metric is published with"),
        );
    }
    for (k, v) in dims {
        let (kl, vl) = (k.chars().count(), v.chars().count());
        if !(1..=255).contains(&kl) || !(1..=1024).contains(&vl) {
            out.push(
                Diagnostic::new(
                    &METRIC_DIMENSIONS,
                    join(&path, k),
                    format!(
                        "dimension `{}` has a {kl}-character name and a {vl}-character value",
                        crate::diag::clip(k, 40)
                    ),
                )
                .help("dimension names take 1-255 characters and values 1-1024"),
            );
        }
    }
}

//! Auto scaling: the scalable target's range, target tracking policies, step policies and the
//! alarms that drive them.
//!
//! Application Auto Scaling checks most of this only when `terraform apply` calls
//! PutScalingPolicy, and some of it (an alarm on the wrong side of its steps, a metric that does
//! not exist) never fails at all: the service just does not scale. Every problem is reported,
//! each at the JSON path of the field to change.

use std::collections::BTreeMap;

use crate::diag::{did_you_mean, index, join, Diagnostic, Severity};
use crate::model::scaling::{
    AdjustmentType, Alarm, Direction, PolicyType, StepAdjustment, DEFAULT_ALARM_NAMESPACE,
    MAX_POLICY_NAME_LEN,
};
use crate::model::service::{format_number, LoadBalancer};
use crate::model::{AutoScaling, Policy, PredefinedMetric, Service, ServiceName, Stack};

use super::rules::Rule;
use super::Context;

const STEP_GUIDE: &str =
    "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html";
const STEP_CONFIG: &str = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html";
const TARGET_CONFIG: &str = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html";
const PREDEFINED: &str = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html";
const PUT_ALARM: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";

pub const RULES: &[Rule] = &[
    Rule {
        code: "scaling-capacity-range",
        severity: Severity::Error,
        summary: "auto_scaling's min_capacity is greater than its max_capacity.",
        fact: "RegisterScalableTarget rejects a minimum capacity above the maximum.",
        source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
    },
    Rule {
        code: "desired-count-range",
        severity: Severity::Error,
        summary: "desired_count lies outside auto_scaling's min_capacity..max_capacity.",
        fact: "Application Auto Scaling moves a desired count outside the range back into it at its next activity, so the number written would not hold; with auto scaling, desired_count only sets the first deployment and defaults to min_capacity.",
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html",
    },
    Rule {
        code: "policy-count",
        severity: Severity::Error,
        summary: "More than 50 scaling policies on one service.",
        fact: "A scalable target takes at most 50 scaling policies, target tracking and step together.",
        source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
    },
    Rule {
        code: "policy-fields",
        severity: Severity::Error,
        summary: "A target tracking field on a step policy, or a step scaling field on a target tracking policy.",
        fact: "PutScalingPolicy takes a TargetTrackingScalingPolicyConfiguration or a StepScalingPolicyConfiguration, matching policy_type; the other one is not part of the policy. policy_type defaults to TargetTrackingScaling.",
        source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
    },
    Rule {
        code: "policy-name",
        severity: Severity::Error,
        summary: "A policy name that is not lower-case letters, digits and single '-', or longer than 64 characters.",
        fact: "The name becomes the AWS policy and alarm name `<stack>-<service>-<name>` (at most 256 and 255 characters) and part of Terraform labels.",
        source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
    },
    Rule {
        code: "policy-name-duplicate",
        severity: Severity::Error,
        summary: "Two policies of a service with the same name (given or derived), or two policies whose Terraform names coincide.",
        fact: "PutScalingPolicy with an existing name replaces that policy, so two Terraform resources would overwrite each other on every apply.",
        source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
    },
    Rule {
        code: "target-metric",
        severity: Severity::Error,
        summary: "A target tracking policy with no metric, or with both a predefined and a customized metric.",
        fact: "A target tracking configuration takes exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification.",
        source: TARGET_CONFIG,
    },
    Rule {
        code: "unknown-metric",
        severity: Severity::Error,
        summary: "A predefined metric that ECS services do not have, or an AWS/ECS alarm metric that does not exist per service.",
        fact: "ECS services take the predefined metrics ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization and ALBRequestCountPerTarget. In AWS/ECS, the metrics with the ClusterName and ServiceName dimensions are CPUUtilization and MemoryUtilization; an alarm on any other name never leaves INSUFFICIENT_DATA.",
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html",
    },
    Rule {
        code: "target-value-missing",
        severity: Severity::Error,
        summary: "A target tracking policy without target_value.",
        fact: "TargetValue is required in a target tracking configuration.",
        source: TARGET_CONFIG,
    },
    Rule {
        code: "target-value-range",
        severity: Severity::Error,
        summary: "A target_value outside (0, 100] for a CPU or memory utilization metric, or not above 0 for requests per target.",
        fact: "Utilization metrics are percentages, and the target value must be a valid number for the metric; a target of 0 or below 100% utilization never settles.",
        source: TARGET_CONFIG,
    },
    Rule {
        code: "alb-resource-label",
        severity: Severity::Error,
        summary: "ALBRequestCountPerTarget without a resource label to use, a malformed label, or a label on another metric.",
        fact: "ALBRequestCountPerTarget needs ResourceLabel `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>` for a target group attached to the service; no other metric takes one.",
        source: PREDEFINED,
    },
    Rule {
        code: "alarm-threshold",
        severity: Severity::Error,
        summary: "A step policy without an alarm threshold.",
        fact: "A step policy only runs when its CloudWatch alarm fires, and its steps are relative to the alarm's threshold.",
        source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
    },
    Rule {
        code: "alarm-comparison",
        severity: Severity::Error,
        summary: "An alarm comparison_operator on the other side of the threshold than the policy's steps.",
        fact: "A step applies to the metric's distance from the threshold; an alarm that fires above the threshold never reaches steps below it, and the reverse, so the policy never scales.",
        source: STEP_GUIDE,
    },
    Rule {
        code: "alarm-period",
        severity: Severity::Error,
        summary: "An alarm period that is not 10, 20, 30 or a multiple of 60 seconds.",
        fact: "PutMetricAlarm accepts periods of 10, 20, 30 and any multiple of 60 seconds.",
        source: PUT_ALARM,
    },
    Rule {
        code: "alarm-evaluation",
        severity: Severity::Error,
        summary: "evaluation_periods below 1, datapoints_to_alarm outside 1..evaluation_periods, or an evaluation window that is too long.",
        fact: "EvaluationPeriods is at least 1; DatapointsToAlarm is at least 1 and at most EvaluationPeriods; Period times EvaluationPeriods is at most 7 days, and at most 1 day for periods under an hour.",
        source: PUT_ALARM,
    },
    Rule {
        code: "step-count",
        severity: Severity::Error,
        summary: "A step policy with no step adjustments or more than 20.",
        fact: "A new step scaling policy needs at least one step adjustment, and a policy takes at most 20.",
        source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
    },
    Rule {
        code: "step-bounds",
        severity: Severity::Error,
        summary: "A step with both bounds null, or an upper bound not above its lower bound.",
        fact: "The upper and lower bound can't both be null in one step adjustment, and the upper bound must be greater than the lower bound.",
        source: STEP_GUIDE,
    },
    Rule {
        code: "step-null-bound",
        severity: Severity::Error,
        summary: "More than one step with a null lower bound, or more than one with a null upper bound.",
        fact: "At most one step adjustment can have a null lower bound (negative infinity), and at most one a null upper bound (positive infinity).",
        source: STEP_GUIDE,
    },
    Rule {
        code: "step-unbounded-end",
        severity: Severity::Error,
        summary: "A positive upper bound with no step that is unbounded above, or a negative lower bound with none unbounded below.",
        fact: "If a step adjustment has a positive upper bound, one must have a null upper bound; if one has a negative lower bound, one must have a null lower bound.",
        source: STEP_GUIDE,
    },
    Rule {
        code: "step-adjustment-gap",
        severity: Severity::Error,
        summary: "Metric values between two steps that no step covers.",
        fact: "The ranges of step adjustments can't have a gap.",
        source: STEP_GUIDE,
    },
    Rule {
        code: "step-adjustment-overlap",
        severity: Severity::Error,
        summary: "Two steps that cover the same metric values.",
        fact: "The ranges of step adjustments can't overlap.",
        source: STEP_GUIDE,
    },
    Rule {
        code: "step-direction",
        severity: Severity::Error,
        summary: "Steps on both sides of the threshold, a step across it, or a step that scales the wrong way for its side.",
        fact: "A step policy's alarm fires on one side of its threshold, so its steps lie on that side: above it they add tasks (scale out), below it they remove tasks (scale in).",
        source: "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
    },
    Rule {
        code: "exact-capacity-negative",
        severity: Severity::Error,
        summary: "A negative scaling_adjustment with adjustment_type ExactCapacity.",
        fact: "With ExactCapacity the adjustment is the new task count, which must be non-negative.",
        source: STEP_GUIDE,
    },
    Rule {
        code: "min-adjustment-magnitude",
        severity: Severity::Error,
        summary: "min_adjustment_magnitude with an adjustment type other than PercentChangeInCapacity, or below 1.",
        fact: "MinAdjustmentMagnitude is the least number of tasks a PercentChangeInCapacity policy changes by; it has no meaning for the other adjustment types.",
        source: STEP_CONFIG,
    },
];

/// Policies per scalable target.
/// Source: https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
pub const MAX_POLICIES: usize = 50;
/// Step adjustments per policy (same source).
pub const MAX_STEPS: usize = 20;
/// AWS/ECS metrics published per service, with the ClusterName and ServiceName dimensions that
/// the generated alarm sets.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
pub const ECS_SERVICE_METRICS: &[&str] = &["CPUUtilization", "MemoryUtilization"];
/// Target values beyond ±2^360 are refused.
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
const MAX_TARGET_VALUE: f64 = 2.348_542_582_773_833_2e108;

const TARGET_ONLY: &[&str] = &[
    "predefined_metric_type",
    "target_value",
    "scale_in_cooldown",
    "scale_out_cooldown",
    "disable_scale_in",
    "resource_label",
    "customized_metric",
];
const STEP_ONLY: &[&str] = &[
    "adjustment_type",
    "cooldown",
    "metric_aggregation_type",
    "min_adjustment_magnitude",
    "step_adjustments",
    "alarm",
];

pub fn check(stack: &Stack, _cx: &Context, out: &mut Vec<Diagnostic>) {
    // Terraform label -> (service, policy name, JSON path) of the policy that took it first.
    let mut labels: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for (name, svc) in stack.services() {
        let Some(a) = &svc.auto_scaling else {
            continue;
        };
        let base = join(&join("services", name.as_str()), "auto_scaling");
        capacity(name, svc, a, &base, out);
        let policies = join(&base, "policies");
        if a.policies.len() > MAX_POLICIES {
            out.push(
                Diagnostic::error(
                    "policy-count",
                    policies.clone(),
                    format!(
                        "{} has {} scaling policies; AWS allows at most {MAX_POLICIES} per service",
                        name,
                        a.policies.len()
                    ),
                )
                .help("combine policies on the same metric, or remove the ones that never act"),
            );
        }
        for (i, p) in a.policies.iter().enumerate() {
            let path = index(&policies, i);
            let named = policy_name(p, &path, out);
            match p.kind() {
                PolicyType::TargetTrackingScaling => target_tracking(svc, p, &path, out),
                PolicyType::StepScaling => step_policy(p, &path, out),
            }
            if named {
                unique_label(name, p, i, &path, &mut labels, out);
            }
        }
    }
}

fn capacity(
    name: &ServiceName,
    svc: &Service,
    a: &AutoScaling,
    base: &str,
    out: &mut Vec<Diagnostic>,
) {
    let (min, max) = (a.min_capacity, a.max_capacity);
    if min > max {
        out.push(
            Diagnostic::error(
                "scaling-capacity-range",
                join(base, "min_capacity"),
                format!("min_capacity {min} is greater than max_capacity {max}"),
            )
            .help(format!(
                "raise max_capacity to at least {min}, or lower min_capacity to at most {max}"
            )),
        );
        return;
    }
    if let Some(d) = svc.desired_count {
        if d < min || d > max {
            out.push(
                Diagnostic::error(
                    "desired-count-range",
                    join(&join("services", name.as_str()), "desired_count"),
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
        Diagnostic::error("policy-name", join(path, "name"), message).help(format!(
            "use a name such as {suggestion:?}; it becomes the AWS name <stack>-<service>-<name>"
        )),
    );
    false
}

fn unique_label(
    service: &ServiceName,
    p: &Policy,
    i: usize,
    path: &str,
    labels: &mut BTreeMap<String, (String, String, String)>,
    out: &mut Vec<Diagnostic>,
) {
    let pname = p.name_or_default(i);
    let label = format!("{}_{}", service.ident(), pname.replace('-', "_"));
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
                Diagnostic::error(
                    "policy-name-duplicate",
                    at,
                    format!("policy name `{pname}`{given} is already used by {other_path}; {service} would have two policies named {other_name:?}"),
                )
                .help(format!("give this policy a different `name`, for example name: '{pname}-{i}'")),
            );
        }
        Some((other_svc, other_name, _)) => {
            out.push(
                Diagnostic::error(
                    "policy-name-duplicate",
                    at,
                    format!("policy `{pname}` of {service} and policy `{other_name}` of {other_svc} both get the Terraform name `{label}`"),
                )
                .help("rename one of the two policies with `name`"),
            );
        }
    }
}

/// One diagnostic per field that belongs to the other policy type.
fn foreign_fields(p: &Policy, path: &str, out: &mut Vec<Diagnostic>) {
    let set = |f: &str| -> bool {
        match f {
            "predefined_metric_type" => p.predefined_metric_type.is_some(),
            "target_value" => p.target_value.is_some(),
            "scale_in_cooldown" => p.scale_in_cooldown.is_some(),
            "scale_out_cooldown" => p.scale_out_cooldown.is_some(),
            "disable_scale_in" => p.disable_scale_in.is_some(),
            "resource_label" => p.resource_label.is_some(),
            "customized_metric" => p.customized_metric.is_some(),
            "adjustment_type" => p.adjustment_type.is_some(),
            "cooldown" => p.cooldown.is_some(),
            "metric_aggregation_type" => p.metric_aggregation_type.is_some(),
            "min_adjustment_magnitude" => p.min_adjustment_magnitude.is_some(),
            "step_adjustments" => !p.step_adjustments.is_empty(),
            "alarm" => p.alarm.is_some(),
            _ => false,
        }
    };
    let (foreign, this, other, fix) = match p.kind() {
        PolicyType::TargetTrackingScaling => (
            STEP_ONLY,
            "a target tracking policy (policy_type defaults to TargetTrackingScaling)",
            "step scaling",
            "or set policy_type: 'StepScaling' to make this a step policy",
        ),
        PolicyType::StepScaling => (
            TARGET_ONLY,
            "a step scaling policy",
            "target tracking",
            "or move it to a separate target tracking policy",
        ),
    };
    for f in foreign.iter().filter(|f| set(f)) {
        out.push(
            Diagnostic::error(
                "policy-fields",
                join(path, f),
                format!("`{f}` is a {other} field, but this is {this}"),
            )
            .help(format!("remove `{f}`, {fix}")),
        );
    }
}

fn target_tracking(svc: &Service, p: &Policy, path: &str, out: &mut Vec<Diagnostic>) {
    foreign_fields(p, path, out);
    let names: Vec<&str> = PredefinedMetric::ALL.iter().map(|m| m.as_str()).collect();
    match (&p.predefined_metric_type, &p.customized_metric) {
        (Some(_), Some(_)) => out.push(
            Diagnostic::error(
                "target-metric",
                path.to_owned(),
                "the policy sets both predefined_metric_type and customized_metric",
            )
            .help("keep one of them; a target tracking policy tracks one metric"),
        ),
        (None, None) => out.push(
            Diagnostic::error("target-metric", path.to_owned(), "the target tracking policy names no metric")
                .help(format!(
                    "set predefined_metric_type to one of {}, or customized_metric: {{ namespace, metric_name, statistic }}",
                    names.join(", ")
                )),
        ),
        (None, Some(c)) => {
            for (field, value) in [("namespace", &c.namespace), ("metric_name", &c.metric_name)] {
                if value.trim().is_empty() {
                    out.push(
                        Diagnostic::error(
                            "target-metric",
                            join(&join(path, "customized_metric"), field),
                            format!("customized_metric.{field} is empty"),
                        )
                        .help(format!("set {field} to the CloudWatch metric's {field}")),
                    );
                }
            }
        }
        (Some(name), None) => {
            if PredefinedMetric::parse(name).is_none() {
                let help = match did_you_mean(name, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? ECS services take {}", names.join(", ")),
                    None => format!(
                        "ECS services take {}; for another metric use customized_metric",
                        names.join(", ")
                    ),
                };
                out.push(
                    Diagnostic::error(
                        "unknown-metric",
                        join(path, "predefined_metric_type"),
                        format!("`{name}` is not a predefined metric for ECS services"),
                    )
                    .help(help),
                );
            }
        }
    }
    let metric = p.predefined_metric();
    match p.target_value {
        None => out.push(
            Diagnostic::error(
                "target-value-missing",
                path.to_owned(),
                "the target tracking policy has no target_value",
            )
            .help(match metric {
                Some(PredefinedMetric::AlbRequestCount) => {
                    "add target_value: the requests per task per minute to keep, for example 1000"
                        .to_owned()
                }
                Some(m) if m.is_percent() => {
                    "add target_value: the utilization percentage to keep, for example 70.0"
                        .to_owned()
                }
                _ => "add target_value: the metric value the policy keeps".to_owned(),
            }),
        ),
        Some(v) => target_value(metric, v, path, out),
    }
    resource_label(svc, p, metric, path, out);
}

fn target_value(metric: Option<PredefinedMetric>, v: f64, path: &str, out: &mut Vec<Diagnostic>) {
    let at = join(path, "target_value");
    let shown = format_number(v);
    match metric {
        Some(m) if m.is_percent() && !(v > 0.0 && v <= 100.0) => out.push(
            Diagnostic::error(
                "target-value-range",
                at,
                format!("target_value {shown} is not a percentage in (0, 100] for {}", m.as_str()),
            )
            .help("set target_value above 0 and at most 100, for example 70.0"),
        ),
        Some(PredefinedMetric::AlbRequestCount) if v <= 0.0 => out.push(
            Diagnostic::error(
                "target-value-range",
                at,
                format!("target_value {shown} is not a positive number of requests per target"),
            )
            .help("set target_value above 0: the requests per task per minute to keep, for example 1000"),
        ),
        _ if v.abs() > MAX_TARGET_VALUE => out.push(
            Diagnostic::error("target-value-range", at, format!("target_value {shown} is beyond ±2^360"))
                .help("set target_value to a value the metric can take"),
        ),
        _ => {}
    }
}

fn resource_label(
    svc: &Service,
    p: &Policy,
    metric: Option<PredefinedMetric>,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    const LABEL_FORM: &str = "app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>";
    let is_alb = metric == Some(PredefinedMetric::AlbRequestCount);
    match &p.resource_label {
        Some(_) if !is_alb && (metric.is_some() || p.customized_metric.is_some()) => out.push(
            Diagnostic::error(
                "alb-resource-label",
                join(path, "resource_label"),
                format!(
                    "resource_label only goes with ALBRequestCountPerTarget, not {}",
                    p.predefined_metric_type.as_deref().unwrap_or("a customized metric")
                ),
            )
            .help("remove resource_label, or use predefined_metric_type: 'ALBRequestCountPerTarget'"),
        ),
        Some(label) if is_alb && !is_resource_label(label) => out.push(
            Diagnostic::error(
                "alb-resource-label",
                join(path, "resource_label"),
                format!("resource_label {label:?} is not of the form {LABEL_FORM}"),
            )
            .help("join the load balancer ARN's final part (app/...) and the target group ARN's final part (targetgroup/...) with '/'"),
        ),
        None if is_alb => match &svc.load_balancer {
            None => out.push(
                Diagnostic::error(
                    "alb-resource-label",
                    path.to_owned(),
                    "ALBRequestCountPerTarget needs a resource label, and the service has no load_balancer to build it from",
                )
                .help(format!(
                    "add load_balancer to the service, or set resource_label: '{LABEL_FORM}'"
                )),
            ),
            Some(lb) => lb_suffixes(lb, path, out),
        },
        _ => {}
    }
}

/// The load balancer's ARN suffixes, when given, must have the shapes the label is built from.
fn lb_suffixes(lb: &LoadBalancer, policy: &str, out: &mut Vec<Diagnostic>) {
    let lb_path = policy
        .split_once(".auto_scaling")
        .map_or_else(String::new, |(svc, _)| join(svc, "load_balancer"));
    for (field, value, kind, form) in [
        (
            "load_balancer_arn_suffix",
            &lb.load_balancer_arn_suffix,
            "app",
            "app/<lb-name>/<lb-id>",
        ),
        (
            "target_group_arn_suffix",
            &lb.target_group_arn_suffix,
            "targetgroup",
            "targetgroup/<tg-name>/<tg-id>",
        ),
    ] {
        if let Some(v) = value {
            if !is_suffix(v, kind) {
                out.push(
                    Diagnostic::error(
                        "alb-resource-label",
                        join(&lb_path, field),
                        format!("{field} {v:?} is not of the form {form}, so the ALBRequestCountPerTarget label built from it would be refused"),
                    )
                    .help(format!("use the final part of the ARN, {form}")),
                );
            }
        }
    }
}

/// `<kind>/<name>/<id>` with non-empty parts and no whitespace.
pub fn is_suffix(s: &str, kind: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    parts.len() == 3
        && parts[0] == kind
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && !p.contains(char::is_whitespace))
}

fn is_resource_label(s: &str) -> bool {
    match s.find("/targetgroup/") {
        Some(i) => is_suffix(&s[..i], "app") && is_suffix(&s[i + 1..], "targetgroup"),
        None => false,
    }
}

fn step_policy(p: &Policy, path: &str, out: &mut Vec<Diagnostic>) {
    foreign_fields(p, path, out);
    let adjustment = p.adjustment_type_or_default();
    if let Some(m) = p.min_adjustment_magnitude {
        let at = join(path, "min_adjustment_magnitude");
        if adjustment != AdjustmentType::PercentChangeInCapacity {
            out.push(
                Diagnostic::error(
                    "min-adjustment-magnitude",
                    at,
                    format!(
                        "min_adjustment_magnitude only applies to PercentChangeInCapacity, but adjustment_type is {}",
                        adjustment.as_str()
                    ),
                )
                .help("remove min_adjustment_magnitude, or use adjustment_type: 'PercentChangeInCapacity'"),
            );
        } else if m < 1 {
            out.push(
                Diagnostic::error(
                    "min-adjustment-magnitude",
                    at,
                    format!("min_adjustment_magnitude {m} is below 1 task"),
                )
                .help("set min_adjustment_magnitude to at least 1, or remove it"),
            );
        }
    }
    steps(p, adjustment, path, out);
    match &p.alarm {
        Some(alarm) if alarm.threshold.is_some() => alarm_fields(p, alarm, path, out),
        Some(alarm) => {
            out.push(
                Diagnostic::error("alarm-threshold", join(path, "alarm"), "the step policy's alarm has no threshold")
                    .help("add threshold: the metric value the steps are relative to, for example threshold: 80"),
            );
            alarm_fields(p, alarm, path, out);
        }
        None => out.push(
            Diagnostic::error("alarm-threshold", path.to_owned(), "the step policy has no alarm to trigger it")
                .help("add alarm: { metric_name: 'CPUUtilization', threshold: 80 }; its other fields have defaults"),
        ),
    }
}

fn alarm_fields(p: &Policy, alarm: &Alarm, path: &str, out: &mut Vec<Diagnostic>) {
    let at = join(path, "alarm");
    if alarm.namespace_or_default() == DEFAULT_ALARM_NAMESPACE {
        let metric = alarm.metric_name_or_default();
        if !ECS_SERVICE_METRICS.contains(&metric) {
            let help = match did_you_mean(metric, ECS_SERVICE_METRICS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "AWS/ECS has {} per service; for another metric also set alarm.namespace",
                    ECS_SERVICE_METRICS.join(" and ")
                ),
            };
            out.push(
                Diagnostic::error(
                    "unknown-metric",
                    join(&at, "metric_name"),
                    format!("AWS/ECS has no per-service metric `{metric}`"),
                )
                .help(help),
            );
        }
    }
    if let (Some(op), Some(dir)) = (alarm.comparison_operator, p.direction()) {
        if op.is_above() != (dir == Direction::Out) {
            let (steps_side, want) = match dir {
                Direction::Out => ("above", dir.comparison_operator()),
                Direction::In => ("below", dir.comparison_operator()),
            };
            out.push(
                Diagnostic::error(
                    "alarm-comparison",
                    join(&at, "comparison_operator"),
                    format!(
                        "the alarm fires when the metric is {} the threshold, but the steps lie {steps_side} it, so no step would ever apply",
                        if op.is_above() { "above" } else { "below" }
                    ),
                )
                .help(format!("use comparison_operator: '{}', or remove it to have it follow from the steps", want.as_str())),
            );
        }
    }
    let period = alarm.period_or_default();
    if !(matches!(period, 10 | 20 | 30) || (period > 0 && period % 60 == 0)) {
        let up = period.div_ceil(60).max(1) * 60;
        out.push(
            Diagnostic::error(
                "alarm-period",
                join(&at, "period"),
                format!("period {period} is not 10, 20, 30 or a multiple of 60 seconds"),
            )
            .help(format!(
                "use period: {up} (AWS/ECS metrics arrive once a minute)"
            )),
        );
    }
    let evals = alarm.evaluation_periods_or_default();
    if evals == 0 {
        out.push(
            Diagnostic::error(
                "alarm-evaluation",
                join(&at, "evaluation_periods"),
                "evaluation_periods is 0",
            )
            .help("set evaluation_periods to at least 1"),
        );
    } else {
        let window = u64::from(period) * u64::from(evals);
        let limit: u64 = if period < 3600 { 86_400 } else { 604_800 };
        if window > limit {
            out.push(
                Diagnostic::error(
                    "alarm-evaluation",
                    join(&at, "evaluation_periods"),
                    format!(
                        "{evals} evaluation periods of {period} s span {window} s; CloudWatch allows at most {limit} s{}",
                        if period < 3600 { " for periods under an hour" } else { "" }
                    ),
                )
                .help(format!("set evaluation_periods to at most {}", limit / u64::from(period.max(1)))),
            );
        }
    }
    if let Some(d) = alarm.datapoints_to_alarm {
        if d == 0 || (evals > 0 && d > evals) {
            out.push(
                Diagnostic::error(
                    "alarm-evaluation",
                    join(&at, "datapoints_to_alarm"),
                    format!("datapoints_to_alarm {d} is not between 1 and evaluation_periods ({evals})"),
                )
                .help(format!("set datapoints_to_alarm between 1 and {}, or remove it to require every data point", evals.max(1))),
            );
        }
    }
}

fn steps(p: &Policy, adjustment: AdjustmentType, path: &str, out: &mut Vec<Diagnostic>) {
    let list = join(path, "step_adjustments");
    let n = p.step_adjustments.len();
    if n == 0 {
        out.push(
            Diagnostic::error("step-count", path.to_owned(), "the step policy has no step_adjustments")
                .help("add step_adjustments, for example [{ metric_interval_lower_bound: 0, scaling_adjustment: 1 }]"),
        );
        return;
    }
    if n > MAX_STEPS {
        out.push(
            Diagnostic::error(
                "step-count",
                list.clone(),
                format!("the policy has {n} step adjustments; AWS allows at most {MAX_STEPS}"),
            )
            .help(
                "merge neighbouring steps, or split them over two policies with their own alarms",
            ),
        );
    }
    // Steps whose own bounds are sound; only these take part in the checks between steps.
    let mut sound: Vec<(usize, &StepAdjustment)> = Vec::new();
    for (i, s) in p.step_adjustments.iter().enumerate() {
        let at = index(&list, i);
        if adjustment == AdjustmentType::ExactCapacity && s.scaling_adjustment < 0 {
            out.push(
                Diagnostic::error(
                    "exact-capacity-negative",
                    join(&at, "scaling_adjustment"),
                    format!("scaling_adjustment {} is a negative task count (adjustment_type is ExactCapacity)", s.scaling_adjustment),
                )
                .help("with ExactCapacity the adjustment is the task count to set: use 0 or more, or use ChangeInCapacity to remove tasks"),
            );
        }
        match (s.metric_interval_lower_bound, s.metric_interval_upper_bound) {
            (None, None) => out.push(
                Diagnostic::error("step-bounds", at, "the step has neither a lower nor an upper bound")
                    .help("set metric_interval_lower_bound (for a scale-out step, for example 0) or metric_interval_upper_bound (for a scale-in step, for example 0)"),
            ),
            (Some(lo), Some(hi)) if hi <= lo => out.push(
                Diagnostic::error(
                    "step-bounds",
                    at,
                    format!(
                        "metric_interval_upper_bound {} is not above metric_interval_lower_bound {}",
                        format_number(hi),
                        format_number(lo)
                    ),
                )
                .help("make the upper bound greater than the lower bound, or remove it for the last step"),
            ),
            _ => sound.push((i, s)),
        }
    }
    let nulls_ok = null_bounds(&sound, &list, out);
    unbounded_ends(&sound, &list, out);
    if nulls_ok {
        gaps_and_overlaps(&sound, &list, out);
    }
    direction(adjustment, &sound, &list, out);
}

/// At most one step unbounded below and one unbounded above. Returns whether that holds.
fn null_bounds(sound: &[(usize, &StepAdjustment)], list: &str, out: &mut Vec<Diagnostic>) -> bool {
    let mut ok = true;
    for (field, pick, side) in [
        ("metric_interval_lower_bound", 0, "below"),
        ("metric_interval_upper_bound", 1, "above"),
    ] {
        let open: Vec<usize> = sound
            .iter()
            .filter(|(_, s)| {
                if pick == 0 {
                    s.metric_interval_lower_bound.is_none()
                } else {
                    s.metric_interval_upper_bound.is_none()
                }
            })
            .map(|(i, _)| *i)
            .collect();
        if let [first, rest @ ..] = open.as_slice() {
            for i in rest {
                ok = false;
                out.push(
                    Diagnostic::error(
                        "step-null-bound",
                        index(list, *i),
                        format!("the step has no {field}, like step_adjustments[{first}]; only one step may be unbounded {side}"),
                    )
                    .help(format!("give this step a {field} where the neighbouring step ends")),
                );
            }
        }
    }
    ok
}

fn unbounded_ends(sound: &[(usize, &StepAdjustment)], list: &str, out: &mut Vec<Diagnostic>) {
    let open_above = sound
        .iter()
        .any(|(_, s)| s.metric_interval_upper_bound.is_none());
    let top = sound
        .iter()
        .filter_map(|(i, s)| s.metric_interval_upper_bound.map(|u| (*i, u)))
        .filter(|(_, u)| *u > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let (false, Some((i, u))) = (open_above, top) {
        let u = format_number(u);
        out.push(
            Diagnostic::error(
                "step-unbounded-end",
                index(list, i),
                format!("the steps end at {u} above the threshold, and no step has a null upper bound; metric values beyond it would get no step"),
            )
            .help(format!("remove metric_interval_upper_bound from this step, or add a last step {{ metric_interval_lower_bound: {u}, scaling_adjustment: ... }}")),
        );
    }
    let open_below = sound
        .iter()
        .any(|(_, s)| s.metric_interval_lower_bound.is_none());
    let bottom = sound
        .iter()
        .filter_map(|(i, s)| s.metric_interval_lower_bound.map(|l| (*i, l)))
        .filter(|(_, l)| *l < 0.0)
        .min_by(|a, b| a.1.total_cmp(&b.1));
    if let (false, Some((i, l))) = (open_below, bottom) {
        let l = format_number(l);
        out.push(
            Diagnostic::error(
                "step-unbounded-end",
                index(list, i),
                format!("the steps end at {l} below the threshold, and no step has a null lower bound; metric values beyond it would get no step"),
            )
            .help(format!("remove metric_interval_lower_bound from this step, or add a first step {{ metric_interval_upper_bound: {l}, scaling_adjustment: ... }}")),
        );
    }
}

/// Sorted by lower bound (null first), each step must start where the previous one ends.
fn gaps_and_overlaps(sound: &[(usize, &StepAdjustment)], list: &str, out: &mut Vec<Diagnostic>) {
    let mut sorted = sound.to_vec();
    sorted.sort_by(|a, b| {
        let key = |s: &StepAdjustment| s.metric_interval_lower_bound.unwrap_or(f64::NEG_INFINITY);
        key(a.1).total_cmp(&key(b.1)).then(a.0.cmp(&b.0))
    });
    for pair in sorted.windows(2) {
        let ((ia, a), (ib, b)) = (pair[0], pair[1]);
        let Some(lo) = b.metric_interval_lower_bound else {
            continue;
        };
        let at = index(list, ib);
        match a.metric_interval_upper_bound {
            None => out.push(
                Diagnostic::error(
                    "step-adjustment-overlap",
                    at,
                    format!("the step starts at {}, inside step_adjustments[{ia}], which has no upper bound", format_number(lo)),
                )
                .help(format!("give step_adjustments[{ia}] metric_interval_upper_bound: {}, or make this the step without an upper bound", format_number(lo))),
            ),
            Some(hi) if hi < lo => {
                let (hi, lo) = (format_number(hi), format_number(lo));
                out.push(
                    Diagnostic::error(
                        "step-adjustment-gap",
                        at,
                        format!("the step starts at {lo} but step_adjustments[{ia}] ends at {hi}; metric values from {hi} to {lo} get no step"),
                    )
                    .help(format!("set metric_interval_lower_bound: {hi} here, or metric_interval_upper_bound: {lo} on step_adjustments[{ia}]")),
                );
            }
            Some(hi) if hi > lo => {
                let (hi, lo) = (format_number(hi), format_number(lo));
                out.push(
                    Diagnostic::error(
                        "step-adjustment-overlap",
                        at,
                        format!("the step starts at {lo}, before step_adjustments[{ia}] ends at {hi}; metric values from {lo} to {hi} match both"),
                    )
                    .help(format!("set metric_interval_lower_bound: {hi} here, or metric_interval_upper_bound: {lo} on step_adjustments[{ia}]")),
                );
            }
            Some(_) => {}
        }
    }
}

fn direction(
    adjustment: AdjustmentType,
    sound: &[(usize, &StepAdjustment)],
    list: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut above = None;
    let mut below = None;
    for (i, s) in sound {
        let at = index(list, *i);
        match s.side() {
            None => out.push(
                Diagnostic::error(
                    "step-direction",
                    at,
                    format!(
                        "the step spans the threshold (from {} to {}); a step lies either above it (scale out) or below it (scale in)",
                        s.metric_interval_lower_bound.map_or("-infinity".to_owned(), format_number),
                        s.metric_interval_upper_bound.map_or("+infinity".to_owned(), format_number),
                    ),
                )
                .help("split the step at 0 and put the part below the threshold in a separate scale-in policy"),
            ),
            Some(Direction::Out) => {
                above.get_or_insert(*i);
                if adjustment != AdjustmentType::ExactCapacity && s.scaling_adjustment < 0 {
                    out.push(
                        Diagnostic::error(
                            "step-direction",
                            join(&at, "scaling_adjustment"),
                            format!("the step lies above the threshold but removes tasks (scaling_adjustment {})", s.scaling_adjustment),
                        )
                        .help("use a positive scaling_adjustment above the threshold; to scale in, use steps below it (metric_interval_upper_bound <= 0)"),
                    );
                }
            }
            Some(Direction::In) => {
                below.get_or_insert(*i);
                if adjustment != AdjustmentType::ExactCapacity && s.scaling_adjustment > 0 {
                    out.push(
                        Diagnostic::error(
                            "step-direction",
                            join(&at, "scaling_adjustment"),
                            format!("the step lies below the threshold but adds tasks (scaling_adjustment {})", s.scaling_adjustment),
                        )
                        .help("use a negative scaling_adjustment below the threshold; to scale out, use steps above it (metric_interval_lower_bound >= 0)"),
                    );
                }
            }
        }
    }
    if let (Some(a), Some(b)) = (above, below) {
        out.push(
            Diagnostic::error(
                "step-direction",
                list.to_owned(),
                format!("step_adjustments[{a}] lies above the threshold and step_adjustments[{b}] below it, but the policy's one alarm fires on one side only"),
            )
            .help("split them into a scale-out policy (steps at or above 0) and a scale-in policy (steps at or below 0), each with its own alarm"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_suffixes() {
        assert!(is_resource_label(
            "app/my-alb/778d41231b141a0f/targetgroup/my-tg/943f017f100becff"
        ));
        assert!(!is_resource_label("app/my-alb/778d41231b141a0f"));
        assert!(!is_resource_label("targetgroup/a/b/app/c/d"));
        assert!(is_suffix("targetgroup/tg/1", "targetgroup"));
        assert!(!is_suffix("targetgroup/tg/", "targetgroup"));
    }

    #[test]
    fn max_target_value_is_two_to_the_360() {
        assert_eq!(MAX_TARGET_VALUE, 2f64.powi(360));
    }
}

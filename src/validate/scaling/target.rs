//! Target tracking policies: one metric, a target value it can reach, and for
//! ALBRequestCountPerTarget a resource label.

use crate::diag::{did_you_mean, join, Diagnostic};
use crate::resolve::derived;
use crate::resolve::derived::format_number;
use crate::resolve::scaling::{PredefinedMetric, WrittenPolicy as Policy};
use crate::resolve::service::WrittenTarget;
use crate::resolve::Service;

use super::{foreign_fields, MAX_TARGET_VALUE};
use super::{
    ALB_RESOURCE_LABEL, TARGET_METRIC, TARGET_VALUE_MISSING, TARGET_VALUE_RANGE, UNKNOWN_METRIC,
};

pub(super) fn check(svc: &Service, p: &Policy, path: &str, out: &mut Vec<Diagnostic>) {
    foreign_fields(p, path, out);
    let names: Vec<&str> = PredefinedMetric::ALL.iter().map(|m| m.as_str()).collect();
    match (&p.predefined_metric_type, &p.customized_metric) {
        (Some(_), Some(_)) => out.push(
            Diagnostic::new(&TARGET_METRIC,
                path.to_owned(),
                "the policy sets both predefined_metric_type and customized_metric",
            )
            .help("keep one of them; a target tracking policy tracks one metric"),
        ),
        (None, None) => out.push(
            Diagnostic::new(&TARGET_METRIC, path.to_owned(), "the target tracking policy names no metric")
                .help(format!(
                    "set predefined_metric_type to one of {}, or customized_metric: {{ namespace, metric_name, statistic }}",
                    names.join(", ")
                )),
        ),
        (None, Some(c)) => {
            super::metric_dimensions(
                &c.namespace,
                &c.metric_name,
                c.dimensions.as_ref(),
                &join(path, "customized_metric"),
                out,
            );
            for (field, value) in [("namespace", &c.namespace), ("metric_name", &c.metric_name)] {
                if value.trim().is_empty() {
                    out.push(
                        Diagnostic::new(&TARGET_METRIC,
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
                    Diagnostic::new(&UNKNOWN_METRIC,
                        join(path, "predefined_metric_type"),
                        format!("`{name}` is not a predefined metric for ECS services"),
                    )
                    .help(help),
                );
            }
        }
    }
    let metric = derived::predefined_metric(p);
    match p.target_value {
        None => out.push(
            Diagnostic::new(
                &TARGET_VALUE_MISSING,
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
            Diagnostic::new(&TARGET_VALUE_RANGE,
                at,
                format!("target_value {shown} is not a percentage in (0, 100] for {}", m.as_str()),
            )
            .help("set target_value above 0 and at most 100, for example 70.0"),
        ),
        Some(PredefinedMetric::AlbRequestCount) if v <= 0.0 => out.push(
            Diagnostic::new(&TARGET_VALUE_RANGE,
                at,
                format!("target_value {shown} is not a positive number of requests per target"),
            )
            .help("set target_value above 0: the requests per task per minute to keep, for example 1000"),
        ),
        _ if v.abs() > MAX_TARGET_VALUE => out.push(
            Diagnostic::new(&TARGET_VALUE_RANGE, at, format!("target_value {shown} is beyond ±2^360"))
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
    // The `load_balancers` entries and the `load_balancer` shorthand, as written.
    let entries = svc
        .written_load_balancers
        .iter()
        .filter(|t| !t.shorthand)
        .count();
    let shorthand = svc.written_load_balancers.iter().find(|t| t.shorthand);
    match &p.resource_label {
        Some(_) if !is_alb && (metric.is_some() || p.customized_metric.is_some()) => out.push(
            Diagnostic::new(&ALB_RESOURCE_LABEL,
                join(path, "resource_label"),
                format!(
                    "resource_label only goes with ALBRequestCountPerTarget, not {}",
                    p.predefined_metric_type.as_deref().unwrap_or("a customized metric")
                ),
            )
            .help("remove resource_label, or use predefined_metric_type: 'ALBRequestCountPerTarget'"),
        ),
        Some(label) if is_alb && !is_resource_label(label) => out.push(
            Diagnostic::new(&ALB_RESOURCE_LABEL,
                join(path, "resource_label"),
                format!("resource_label {label:?} is not of the form {LABEL_FORM}"),
            )
            .help("join the load balancer ARN's final part (app/...) and the target group ARN's final part (targetgroup/...) with '/'"),
        ),
        None if is_alb && entries > 1 => out.push(
            Diagnostic::new(&ALB_RESOURCE_LABEL,
                path.to_owned(),
                format!(
                    "ALBRequestCountPerTarget counts the requests of one target group, and the service has {entries} in load_balancers"
                ),
            )
            .help(format!("set resource_label: '{LABEL_FORM}' for the target group to track")),
        ),
        None if is_alb && entries == 1 => {}
        None if is_alb => match shorthand {
            None => out.push(
                Diagnostic::new(&ALB_RESOURCE_LABEL,
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
fn lb_suffixes(lb: &WrittenTarget, policy: &str, out: &mut Vec<Diagnostic>) {
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
                    Diagnostic::new(&ALB_RESOURCE_LABEL,
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
pub(super) fn is_suffix(s: &str, kind: &str) -> bool {
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

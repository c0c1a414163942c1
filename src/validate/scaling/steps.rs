//! Step scaling policies: their steps (AWS's bound rules, one direction per policy) and the
//! CloudWatch alarm that invokes them.

use crate::diag::{did_you_mean, index, join, Diagnostic};
use crate::resolve::derived;
use crate::resolve::derived::format_number;
use crate::resolve::scaling::{
    AdjustmentType, Direction, StepAdjustment, WrittenAlarm as Alarm, WrittenPolicy as Policy,
};

use super::{foreign_fields, ECS_SERVICE_METRICS, MAX_STEPS};
use super::{
    ALARM_COMPARISON, ALARM_EVALUATION, ALARM_PERIOD, ALARM_THRESHOLD, EXACT_CAPACITY_NEGATIVE,
    MIN_ADJUSTMENT_MAGNITUDE, STEP_ADJUSTMENT_GAP, STEP_ADJUSTMENT_OVERLAP, STEP_BOUNDS,
    STEP_COUNT, STEP_DIRECTION, STEP_NULL_BOUND, STEP_UNBOUNDED_END, UNKNOWN_METRIC,
};
use crate::resolve::defaults::{self, DEFAULT_ALARM_NAMESPACE};

pub(super) fn check(p: &Policy, path: &str, out: &mut Vec<Diagnostic>) {
    foreign_fields(p, path, out);
    let adjustment = defaults::adjustment_type(p);
    if let Some(m) = p.min_adjustment_magnitude {
        let at = join(path, "min_adjustment_magnitude");
        if adjustment != AdjustmentType::PercentChangeInCapacity {
            out.push(
                Diagnostic::new(&MIN_ADJUSTMENT_MAGNITUDE,
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
                Diagnostic::new(
                    &MIN_ADJUSTMENT_MAGNITUDE,
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
                Diagnostic::new(&ALARM_THRESHOLD, join(path, "alarm"), "the step policy's alarm has no threshold")
                    .help("add threshold: the metric value the steps are relative to, for example threshold: 80"),
            );
            alarm_fields(p, alarm, path, out);
        }
        None => out.push(
            Diagnostic::new(&ALARM_THRESHOLD, path.to_owned(), "the step policy has no alarm to trigger it")
                .help("add alarm: { metric_name: 'CPUUtilization', threshold: 80 }; its other fields have defaults"),
        ),
    }
}

fn alarm_fields(p: &Policy, alarm: &Alarm, path: &str, out: &mut Vec<Diagnostic>) {
    let at = join(path, "alarm");
    super::metric_dimensions(
        defaults::alarm_namespace(alarm),
        defaults::alarm_metric_name(alarm),
        alarm.dimensions.as_ref(),
        &at,
        out,
    );
    if defaults::alarm_namespace(alarm) == DEFAULT_ALARM_NAMESPACE {
        let metric = defaults::alarm_metric_name(alarm);
        if !ECS_SERVICE_METRICS.contains(&metric) {
            let help = match did_you_mean(metric, ECS_SERVICE_METRICS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "AWS/ECS has {} per service; for another metric also set alarm.namespace",
                    ECS_SERVICE_METRICS.join(" and ")
                ),
            };
            out.push(
                Diagnostic::new(
                    &UNKNOWN_METRIC,
                    join(&at, "metric_name"),
                    format!("AWS/ECS has no per-service metric `{metric}`"),
                )
                .help(help),
            );
        }
    }
    if let (Some(op), Some(dir)) = (alarm.comparison_operator, derived::policy_direction(p)) {
        if op.is_above() != (dir == Direction::Out) {
            let (steps_side, want) = match dir {
                Direction::Out => ("above", dir.comparison_operator()),
                Direction::In => ("below", dir.comparison_operator()),
            };
            out.push(
                Diagnostic::new(&ALARM_COMPARISON,
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
    alarm_timing(alarm, &at, out);
}

/// The alarm's period, evaluation window and datapoints, which CloudWatch limits.
fn alarm_timing(alarm: &Alarm, at: &str, out: &mut Vec<Diagnostic>) {
    let period = defaults::alarm_period(alarm);
    let whole_minutes = period > 0 && period % 60 == 0;
    let up = u64::from(period).div_ceil(60).max(1) * 60;
    if !(matches!(period, 10 | 20 | 30) || whole_minutes) {
        out.push(
            Diagnostic::new(
                &ALARM_PERIOD,
                join(at, "period"),
                format!("period {period} is not 10, 20, 30 or a multiple of 60 seconds"),
            )
            .help(format!("use period: {up}")),
        );
    } else if !whole_minutes && defaults::alarm_namespace(alarm) == DEFAULT_ALARM_NAMESPACE {
        out.push(
            Diagnostic::new(&ALARM_PERIOD,
                join(at, "period"),
                format!("period {period} is shorter than a minute, but AWS/ECS publishes {} once a minute, so the alarm would keep lapsing into INSUFFICIENT_DATA", defaults::alarm_metric_name(alarm)),
            )
            .help(format!("use period: {up}, or a multiple of it")),
        );
    }
    let evals = defaults::alarm_evaluation_periods(alarm);
    if evals == 0 {
        out.push(
            Diagnostic::new(
                &ALARM_EVALUATION,
                join(at, "evaluation_periods"),
                "evaluation_periods is 0",
            )
            .help("set evaluation_periods to at least 1"),
        );
    } else {
        let window = u64::from(period) * u64::from(evals);
        let limit: u64 = if period < 3600 { 86_400 } else { 604_800 };
        if window > limit {
            out.push(
                Diagnostic::new(&ALARM_EVALUATION,
                    join(at, "evaluation_periods"),
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
                Diagnostic::new(&ALARM_EVALUATION,
                    join(at, "datapoints_to_alarm"),
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
            Diagnostic::new(&STEP_COUNT, path.to_owned(), "the step policy has no step_adjustments")
                .help("add step_adjustments, for example [{ metric_interval_lower_bound: 0, scaling_adjustment: 1 }]"),
        );
        return;
    }
    if n > MAX_STEPS {
        out.push(
            Diagnostic::new(
                &STEP_COUNT,
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
                Diagnostic::new(&EXACT_CAPACITY_NEGATIVE,
                    join(&at, "scaling_adjustment"),
                    format!("scaling_adjustment {} is a negative task count (adjustment_type is ExactCapacity)", s.scaling_adjustment),
                )
                .help("with ExactCapacity the adjustment is the task count to set: use 0 or more, or use ChangeInCapacity to remove tasks"),
            );
        }
        match (s.metric_interval_lower_bound, s.metric_interval_upper_bound) {
            (None, None) => out.push(
                Diagnostic::new(&STEP_BOUNDS, at, "the step has neither a lower nor an upper bound")
                    .help("set metric_interval_lower_bound (for a scale-out step, for example 0) or metric_interval_upper_bound (for a scale-in step, for example 0)"),
            ),
            (Some(lo), Some(hi)) if hi <= lo => out.push(
                Diagnostic::new(&STEP_BOUNDS,
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
                    Diagnostic::new(&STEP_NULL_BOUND,
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
            Diagnostic::new(&STEP_UNBOUNDED_END,
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
            Diagnostic::new(&STEP_UNBOUNDED_END,
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
                Diagnostic::new(&STEP_ADJUSTMENT_OVERLAP,
                    at,
                    format!("the step starts at {}, inside step_adjustments[{ia}], which has no upper bound", format_number(lo)),
                )
                .help(format!("give step_adjustments[{ia}] metric_interval_upper_bound: {}, or make this the step without an upper bound", format_number(lo))),
            ),
            Some(hi) if hi < lo => {
                let (hi, lo) = (format_number(hi), format_number(lo));
                out.push(
                    Diagnostic::new(&STEP_ADJUSTMENT_GAP,
                        at,
                        format!("the step starts at {lo} but step_adjustments[{ia}] ends at {hi}; metric values from {hi} to {lo} get no step"),
                    )
                    .help(format!("set metric_interval_lower_bound: {hi} here, or metric_interval_upper_bound: {lo} on step_adjustments[{ia}]")),
                );
            }
            Some(hi) if hi > lo => {
                let (hi, lo) = (format_number(hi), format_number(lo));
                out.push(
                    Diagnostic::new(&STEP_ADJUSTMENT_OVERLAP,
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
        match derived::step_side(s) {
            None => out.push(
                Diagnostic::new(&STEP_DIRECTION,
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
                        Diagnostic::new(&STEP_DIRECTION,
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
                        Diagnostic::new(&STEP_DIRECTION,
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
            Diagnostic::new(&STEP_DIRECTION,
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
    use crate::resolve::scaling::PolicyType;

    fn policy(steps: &[(Option<f64>, Option<f64>, i64)], alarm: Alarm) -> Policy {
        let json = serde_json::json!({ "policy_type": "StepScaling" });
        let mut p: Policy = serde_json::from_value(json).unwrap();
        assert_eq!(derived::policy_kind(&p), PolicyType::StepScaling);
        p.step_adjustments = steps
            .iter()
            .map(|&(lo, hi, adj)| StepAdjustment {
                metric_interval_lower_bound: lo,
                metric_interval_upper_bound: hi,
                scaling_adjustment: adj,
            })
            .collect();
        p.alarm = Some(alarm);
        p
    }

    fn codes(p: &Policy) -> Vec<&'static str> {
        let mut out = Vec::new();
        check(p, "p", &mut out);
        out.iter().map(|d| d.code).collect()
    }

    fn threshold(t: f64) -> Alarm {
        Alarm {
            threshold: Some(t),
            ..Alarm::default()
        }
    }

    #[test]
    fn seed_steps_are_valid() {
        let p = policy(
            &[(Some(0.0), Some(10.0), 10), (Some(10.0), None, 30)],
            threshold(80.0),
        );
        assert!(codes(&p).is_empty(), "{:?}", codes(&p));
    }

    #[test]
    fn scale_in_steps_are_valid_in_any_order() {
        let p = policy(
            &[(Some(-20.0), Some(0.0), -1), (None, Some(-20.0), -2)],
            threshold(40.0),
        );
        assert!(codes(&p).is_empty(), "{:?}", codes(&p));
    }

    #[test]
    fn every_problem_is_reported_once() {
        let p = policy(
            &[
                (Some(0.0), Some(10.0), 1),
                (Some(12.0), Some(20.0), 2),
                (Some(15.0), None, 3),
            ],
            threshold(80.0),
        );
        assert_eq!(
            codes(&p),
            ["step-adjustment-gap", "step-adjustment-overlap"]
        );
    }

    #[test]
    fn huge_period_does_not_overflow() {
        let alarm = Alarm {
            period: Some(u32::MAX),
            evaluation_periods: Some(u32::MAX),
            ..threshold(1.0)
        };
        let p = policy(&[(Some(0.0), None, 1)], alarm);
        assert_eq!(codes(&p), ["alarm-period", "alarm-evaluation"]);
    }
}

//! `auto_scaling.scheduled`: the expressions Application Auto Scaling parses only when it
//! stores the action, and capacities that make the action fail when it runs.
//!
//! Sources: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html,
//! https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html

use std::collections::BTreeMap;

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::facts::autoscaling::MAX_POLICY_NAME_LEN;
use crate::model::names::ServiceName;
use crate::resolve::scaling::{Scaling, ScheduledAction};
use crate::resolve::Resolved;

pub(super) static SCHEDULE: Rule = Rule {
    code: "schedule",
    severity: Severity::Error,
    summary: "A scheduled action whose schedule, time zone, name or capacities Application Auto Scaling refuses, or whose range cannot apply.",
    fact: "A schedule is at(yyyy-mm-ddThh:mm:ss), rate(<n> minute(s)|hour(s)|day(s)) or cron(Minutes Hours Day-of-month Month Day-of-week Year), where one of the two day fields is '?'. The time zone (an IANA name) applies to at() and cron(). An action sets a minimum, a maximum or both; a minimum above the maximum in effect (or a maximum below the minimum) fails when the action runs, so an action that sets one of them must fit the range the other actions and the target leave.",
    source: "https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html",
};

pub(super) static SCHEDULE_RESTORE: Rule = Rule {
    code: "schedule-restore",
    severity: Severity::Warning,
    summary: "Scheduled actions that move the target's min_capacity or max_capacity, none of which sets it back to auto_scaling's own.",
    fact: "A scheduled action changes the scalable target's range in AWS, and the range stays as the last action left it. gen-tf makes the target ignore min_capacity and max_capacity once it has scheduled actions, so that apply does not undo them (terraform-aws-modules/terraform-aws-ecs#422); auto_scaling's own range then applies only at creation, and comes back only through an action that sets it.",
    source: "https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&SCHEDULE, &SCHEDULE_RESTORE];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    // Terraform label -> the path that took it first.
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for svc in &stack.services {
        let Some(a) = &svc.scaling else {
            continue;
        };
        let name = &svc.name;
        let base = join(&join(&svc.path, "auto_scaling"), "scheduled");
        for (i, s) in a.scheduled.iter().enumerate() {
            let path = index(&base, i);
            if let Some(why) = name_problem(&s.name) {
                push(out, join(&path, "name"), format!("scheduled action name {:?} {why}", s.name), "use lower-case letters, digits and single '-', starting with a letter, such as 'business-hours'");
            } else {
                let label = &s.label;
                if let Some(first) = labels.insert(label.clone(), path.clone()) {
                    push(
                        out,
                        join(&path, "name"),
                        format!("{first} already takes the name (Terraform label {label})"),
                        "give each scheduled action of a service its own name",
                    );
                }
            }
            if let Err(why) = schedule(&s.schedule) {
                push(
                    out,
                    join(&path, "schedule"),
                    format!(
                        "{:?} is not a schedule: {why}",
                        crate::diag::clip(&s.schedule, 60)
                    ),
                    "write cron(0 8 ? * MON-FRI *), rate(1 day) or at(2030-01-31T08:00:00)",
                );
            }
            timezone(s, &path, out);
            capacities(name, a, i, &path, out);
        }
        restores(a, &base, out);
    }
}

fn push(out: &mut Vec<Diagnostic>, path: String, message: String, help: &str) {
    out.push(Diagnostic::new(&SCHEDULE, path, message).help(help));
}

fn name_problem(n: &str) -> Option<&'static str> {
    let chars = n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !chars
        || !n.starts_with(|c: char| c.is_ascii_lowercase())
        || n.ends_with('-')
        || n.contains("--")
    {
        Some("is not lower-case letters, digits and single '-' starting with a letter")
    } else if n.len() > MAX_POLICY_NAME_LEN {
        Some("is longer than 64 characters")
    } else {
        None
    }
}

fn timezone(s: &ScheduledAction, path: &str, out: &mut Vec<Diagnostic>) {
    let Some(tz) = &s.timezone else {
        return;
    };
    let segment = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c))
    };
    let shaped = tz.starts_with(|c: char| c.is_ascii_uppercase())
        && tz.split('/').count() <= 3
        && tz.split('/').all(segment);
    if !shaped {
        push(
            out,
            join(path, "timezone"),
            format!("{tz:?} is not an IANA time zone name"),
            "write a canonical IANA name such as 'Europe/Berlin', 'America/New_York' or 'UTC'",
        );
    } else if let Some(help) = unknown_zone(tz) {
        push(
            out,
            join(path, "timezone"),
            format!("{tz:?} is not in the IANA time zone database"),
            &help,
        );
    } else if s.schedule.trim_start().starts_with("rate(") {
        push(
            out,
            join(path, "timezone"),
            "a time zone applies to cron() and at() schedules, not to rate()".to_owned(),
            "remove timezone, or use a cron() schedule",
        );
    }
}

/// When `tz` is not a name of the IANA time zone database (the `chrono-tz` crate's copy, which
/// Application Auto Scaling's list follows), the fix: the closest name, or examples.
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
fn unknown_zone(tz: &str) -> Option<String> {
    if tz.parse::<chrono_tz::Tz>().is_ok() {
        return None;
    }
    let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
    Some(match crate::diag::did_you_mean(tz, names) {
        Some(close) => format!(
            "did you mean '{close}'? Names are case-sensitive, as the IANA database writes them"
        ),
        None => "write a canonical IANA name such as 'Europe/Berlin', 'America/New_York' or 'UTC'"
            .to_owned(),
    })
}

/// The action's range must fit what the target and the other actions may have left in effect.
fn capacities(name: &ServiceName, a: &Scaling, i: usize, path: &str, out: &mut Vec<Diagnostic>) {
    let s = &a.scheduled[i];
    let others = a
        .scheduled
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, o)| o);
    match (s.min_capacity, s.max_capacity) {
        (None, None) => push(
            out,
            path.to_owned(),
            "the scheduled action sets neither min_capacity nor max_capacity".to_owned(),
            "set min_capacity, max_capacity or both",
        ),
        (Some(min), Some(max)) if min > max => push(
            out,
            join(path, "min_capacity"),
            format!("min_capacity {min} is greater than max_capacity {max}"),
            "set min_capacity at most max_capacity",
        ),
        (Some(min), None) => {
            let lowest = others
                .filter_map(|o| o.max_capacity)
                .fold(a.max_capacity, u32::min);
            if min > lowest {
                push(out, join(path, "min_capacity"), format!(
                    "min_capacity {min} is above the maximum of {lowest} that may be in effect when it runs ({name}'s target or another action): Application Auto Scaling would refuse it"
                ), "also set max_capacity in this action, to at least min_capacity");
            }
        }
        (None, Some(max)) => {
            let highest = others
                .filter_map(|o| o.min_capacity)
                .fold(a.min_capacity, u32::max);
            if max < highest {
                push(out, join(path, "max_capacity"), format!(
                    "max_capacity {max} is below the minimum of {highest} that may be in effect when it runs ({name}'s target or another action): Application Auto Scaling would refuse it"
                ), "also set min_capacity in this action, to at most max_capacity");
            }
        }
        _ => {}
    }
}

/// The target ignores its range once scheduled actions own it (`lower::scaling`), so a bound
/// that an action moves must be set back by another action, or it stays moved.
fn restores(a: &Scaling, base: &str, out: &mut Vec<Diagnostic>) {
    type Bound = fn(&ScheduledAction) -> Option<u32>;
    let bounds: [(&str, u32, Bound); 2] = [
        ("min_capacity", a.min_capacity, |s| s.min_capacity),
        ("max_capacity", a.max_capacity, |s| s.max_capacity),
    ];
    for (field, own, of) in bounds {
        let moved = a
            .scheduled
            .iter()
            .enumerate()
            .find_map(|(i, s)| of(s).filter(|v| *v != own).map(|v| (i, v)));
        let restored = a.scheduled.iter().any(|s| of(s) == Some(own));
        if let (Some((i, value)), false) = (moved, restored) {
            out.push(
                Diagnostic::new(
                    &SCHEDULE_RESTORE,
                    join(&index(base, i), field),
                    format!(
                        "this action sets {field} to {value}, and no scheduled action sets it back to auto_scaling.{field} {own}: the target keeps {value} (or a later action's value) for good, because Terraform leaves the range of a target with scheduled actions to them"
                    ),
                )
                .help(format!(
                    "add a scheduled action that sets {field}: {own} again (for example after business hours), or make {own} the value of auto_scaling.{field} if {value} is meant to stay"
                )),
            );
        }
    }
}

/// Parses `at(...)`, `rate(...)` or `cron(...)`.
fn schedule(s: &str) -> Result<(), String> {
    let inner = |prefix: &str| s.strip_prefix(prefix).and_then(|r| r.strip_suffix(')'));
    if let Some(at) = inner("at(") {
        return at_time(at);
    }
    if let Some(rate) = inner("rate(") {
        let (n, unit) = rate
            .split_once(' ')
            .ok_or("rate() takes a number and a unit")?;
        let n: u64 = n
            .parse()
            .map_err(|_| format!("{n:?} is not a positive whole number"))?;
        if n == 0 {
            return Err("the rate is 0".to_owned());
        }
        return match unit {
            "minute" | "minutes" | "hour" | "hours" | "day" | "days" => Ok(()),
            _ => Err(format!("{unit:?} is not minute(s), hour(s) or day(s)")),
        };
    }
    if let Some(cron) = inner("cron(") {
        return cron_fields(cron);
    }
    Err("it does not start with at(, rate( or cron( and end with )".to_owned())
}

fn at_time(t: &str) -> Result<(), String> {
    let bad = || format!("{t:?} is not yyyy-mm-ddThh:mm:ss");
    let (date, time) = t.split_once('T').ok_or_else(bad)?;
    let nums = |s: &str, sep: char| -> Option<Vec<u32>> {
        let parts: Vec<&str> = s.split(sep).collect();
        parts
            .iter()
            .map(|p| p.parse().ok().filter(|_| p.len() >= 2))
            .collect()
    };
    match (nums(date, '-').as_deref(), nums(time, ':').as_deref()) {
        (Some([y, mo, d]), Some([h, mi, s]))
            if (1970..=2199).contains(y)
                && (1..=12).contains(mo)
                && (1..=31).contains(d)
                && *h < 24
                && *mi < 60
                && *s < 60 =>
        {
            Ok(())
        }
        _ => Err(bad()),
    }
}

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Six fields; exactly one of day-of-month and day-of-week is `?`.
fn cron_fields(c: &str) -> Result<(), String> {
    let f: Vec<&str> = c.split_whitespace().collect();
    let [minutes, hours, dom, month, dow, year] = f.as_slice() else {
        return Err(format!(
            "cron() takes 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), not {}",
            f.len()
        ));
    };
    field("Minutes", minutes, 0, 59, &[], "")?;
    field("Hours", hours, 0, 23, &[], "")?;
    field("Day-of-month", dom, 1, 31, &[], "?LW")?;
    field("Month", month, 1, 12, MONTHS, "")?;
    field("Day-of-week", dow, 1, 7, DAYS, "?L#")?;
    field("Year", year, 1970, 2199, &[], "")?;
    match (*dom == "?", *dow == "?") {
        (true, false) | (false, true) => Ok(()),
        _ => Err("one of Day-of-month and Day-of-week must be ? (and only one)".to_owned()),
    }
}

/// One cron field: `*`, `?`, or a list of values, ranges (`a-b`) and increments (`a/n`, `*/n`),
/// with the field's special characters.
fn field(
    name: &str,
    f: &str,
    lo: u32,
    hi: u32,
    names: &[&str],
    special: &str,
) -> Result<(), String> {
    let value = |v: &str| -> bool {
        let v = v.trim_end_matches(|c| special.contains(c) && c != '?' && c != '#');
        v.is_empty() && special.contains('L')
            || v.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
            || names.contains(&v.to_ascii_uppercase().as_str())
    };
    let item_ok = |item: &str| -> bool {
        if item == "*" || (item == "?" && special.contains('?')) {
            return true;
        }
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        if step.is_some_and(|s| s.parse::<u32>().map_or(true, |n| n == 0)) {
            return false;
        }
        if let Some((v, nth)) = range.split_once('#') {
            return special.contains('#')
                && value(v)
                && nth.parse::<u32>().is_ok_and(|n| (1..=5).contains(&n));
        }
        range == "*" && step.is_some()
            || range.split('-').count() <= 2 && range.split('-').all(value)
    };
    if f.split(',').all(item_ok) {
        Ok(())
    } else {
        Err(format!(
            "{name} field {f:?} is not valid ({lo}-{hi}{})",
            if names.is_empty() {
                String::new()
            } else {
                format!(" or {}-{}", names[0], names[names.len() - 1])
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        for ok in [
            "cron(0 8 ? * MON-FRI *)",
            "cron(30 6 ? * MON *)",
            "cron(0/15 * * * ? *)",
            "cron(0 18 L * ? *)",
            "cron(0 10 ? * 6L 2030)",
            "cron(0 10 ? * FRI#3 *)",
            "cron(0 9 1,15 JAN-MAR ? 2026-2030)",
            "rate(1 day)",
            "rate(5 minutes)",
            "at(2030-01-31T08:00:00)",
        ] {
            assert_eq!(schedule(ok), Ok(()), "{ok}");
        }
        for bad in [
            "cron(0 8 * * MON-FRI *)",
            "cron(0 8 ? * ? *)",
            "cron(0 8 ? * MON-FRI)",
            "cron(60 8 ? * MON *)",
            "cron(0 24 ? * MON *)",
            "cron(0 8 ? FOO MON *)",
            "cron(0/0 8 ? * MON *)",
            "0 8 * * 1-5",
            "rate(0 minutes)",
            "rate(5 weeks)",
            "rate(5)",
            "at(2030-13-01T08:00:00)",
            "at(2030-01-01 08:00:00)",
        ] {
            assert!(schedule(bad).is_err(), "{bad}");
        }
    }
}

//! The defaults gen-tf applies to values a stack leaves out, in one place: `resolve` applies
//! them, and the rules that read a value kept as written call them rather than repeat a default.
//! AWS's own defaults live in `crate::facts`.

use super::derived;
use crate::facts::autoscaling::MAX_POLICY_NAME_LEN;
use crate::model::connect::ServiceConnectService;
use crate::model::network::{EgressProtocol, EgressRule, ServiceNetwork, Subnets};
use crate::model::scaling::{AdjustmentType, Alarm, Direction, Policy, PolicyType, Statistic};
use crate::model::service::{Database, DbEngine, MemoryReservation, ReservationStrategy};
use crate::model::Service;

/// The name of the main container's port mapping when the stack gives none.
pub(crate) const DEFAULT_PORT_NAME: &str = "http";

/// Defaults of a step policy's alarm: one-minute data points (the resolution of the AWS/ECS
/// metrics), two of them in a row, the service's average CPU.
pub(crate) const DEFAULT_ALARM_METRIC: &str = "CPUUtilization";
pub(crate) const DEFAULT_ALARM_NAMESPACE: &str = "AWS/ECS";
pub(crate) const DEFAULT_ALARM_PERIOD: u32 = 60;
pub(crate) const DEFAULT_ALARM_EVALUATION_PERIODS: u32 = 2;

pub(crate) fn subnets(n: &ServiceNetwork) -> Subnets {
    n.subnets.unwrap_or_default()
}

/// The public IP setting ECS gets: the user's, else true exactly in public subnets.
pub(crate) fn assign_public_ip(n: &ServiceNetwork) -> bool {
    n.assign_public_ip.unwrap_or(subnets(n) == Subnets::Public)
}

pub(crate) fn egress_protocol(r: &EgressRule) -> EgressProtocol {
    r.protocol.unwrap_or(EgressProtocol::Tcp)
}

pub(crate) fn discovery_name(s: &ServiceConnectService) -> &str {
    s.discovery_name.as_deref().unwrap_or(&s.port_name)
}

/// The policy's name inside the service: the user's `name`, else one derived from what the
/// policy does, so that snippets which name nothing still get readable AWS names such as
/// `shop-api-cpu` and `shop-api-scale-out`. `index` (the position in `policies`) is the
/// fallback when nothing better is known.
pub(crate) fn policy_name(p: &Policy, index: usize) -> String {
    if let Some(n) = &p.name {
        return n.clone();
    }
    match derived::policy_kind(p) {
        PolicyType::TargetTrackingScaling => {
            if let Some(m) = derived::predefined_metric(p) {
                m.short().to_owned()
            } else if let Some(c) = &p.customized_metric {
                kebab(&c.metric_name, MAX_POLICY_NAME_LEN)
            } else {
                format!("target-{index}")
            }
        }
        PolicyType::StepScaling => match derived::policy_direction(p) {
            Some(Direction::Out) => "scale-out".to_owned(),
            Some(Direction::In) => "scale-in".to_owned(),
            None => format!("step-{index}"),
        },
    }
}

/// AWS requires an adjustment type on a new step policy; a change in task count is what a
/// step without one most plausibly means.
pub(crate) fn adjustment_type(p: &Policy) -> AdjustmentType {
    p.adjustment_type
        .unwrap_or(AdjustmentType::ChangeInCapacity)
}

pub(crate) fn alarm_metric_name(a: &Alarm) -> &str {
    a.metric_name.as_deref().unwrap_or(DEFAULT_ALARM_METRIC)
}

pub(crate) fn alarm_namespace(a: &Alarm) -> &str {
    a.namespace.as_deref().unwrap_or(DEFAULT_ALARM_NAMESPACE)
}

pub(crate) fn alarm_statistic(a: &Alarm) -> Statistic {
    a.statistic.unwrap_or(Statistic::Average)
}

pub(crate) fn alarm_period(a: &Alarm) -> u32 {
    a.period.unwrap_or(DEFAULT_ALARM_PERIOD)
}

pub(crate) fn alarm_evaluation_periods(a: &Alarm) -> u32 {
    a.evaluation_periods
        .unwrap_or(DEFAULT_ALARM_EVALUATION_PERIODS)
}

/// The port the task security group opens egress to.
pub(crate) fn database_port(db: &Database) -> u16 {
    db.port.unwrap_or(match db.engine {
        Some(DbEngine::Mysql) => 3306,
        _ => 5432,
    })
}

/// The main container's port name: the user's, else `http`.
pub(crate) fn port_name(svc: &Service) -> &str {
    svc.port_name.as_deref().unwrap_or(DEFAULT_PORT_NAME)
}

/// The environment the seed guide's `dynamic` memory reservation treats as production.
pub(crate) const PRODUCTION_ENV: &str = "prd";

/// The platform version when the stack names none.
pub(crate) const DEFAULT_PLATFORM_VERSION: &str = "LATEST";

/// The platform version gen-tf writes: the user's, or `LATEST`.
pub(crate) fn platform_version(svc: &Service) -> &str {
    svc.platform_version
        .as_deref()
        .unwrap_or(DEFAULT_PLATFORM_VERSION)
}

/// MiB a strategy reserves out of `limit` MiB in environment `env`, with the seed guide's
/// `std.floor` rounding: 50% conservative, 80% aggressive, and dynamic 70% in
/// [`PRODUCTION_ENV`] and 50% elsewhere.
pub(crate) fn reserve(strategy: ReservationStrategy, limit: u32, env: Option<&str>) -> u32 {
    let pct = match strategy {
        ReservationStrategy::Conservative => 50,
        ReservationStrategy::Aggressive => 80,
        ReservationStrategy::Dynamic if env == Some(PRODUCTION_ENV) => 70,
        ReservationStrategy::Dynamic => 50,
    };
    (u64::from(limit) * pct / 100) as u32
}

/// The memoryReservation in MiB that the main container gets in environment `env`, if any.
/// Negative or oversized values are left for the rules to reject.
pub(crate) fn reservation_mib(svc: &Service, env: Option<&str>) -> Option<i64> {
    let limit = svc.container_memory.unwrap_or(svc.memory);
    match &svc.memory_reservation {
        None => None,
        Some(MemoryReservation::MiB(n)) => Some(*n),
        Some(MemoryReservation::Strategy(s)) => Some(i64::from(reserve(s.strategy, limit, env))),
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

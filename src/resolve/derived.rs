//! What gen-tf derives from a service or stack as written: the facts that resolution and the
//! rules reading a value kept as written share, so that each is computed in one place. They were
//! methods on the model's types; `src/model/` now holds plain serde types only.

use crate::model::container::ContainerFields;
use crate::model::network::Subnets;
use crate::model::scaling::{
    ComparisonOperator, Direction, Policy, PolicyType, PredefinedMetric, StepAdjustment,
};
use crate::model::service::{RuntimePlatform, Service, Sidecar};
use crate::model::volume::{EfsVolume, Toggle};
use crate::model::Stack;

/// The X-Ray daemon's container name and default image.
/// Source: https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon-ecs.html
pub(crate) const XRAY_DAEMON_NAME: &str = "xray-daemon";
pub(crate) const XRAY_DAEMON_IMAGE: &str = "public.ecr.aws/xray/aws-xray-daemon:3.x";
/// AWS's example task definition reserves this much for the daemon.
pub(crate) const XRAY_DAEMON_RESERVATION_MIB: i64 = 256;

/// The runtime platform, ECS's default (Linux, and gen-tf's ARM64) when none is given.
pub(crate) fn platform(svc: &Service) -> RuntimePlatform {
    svc.runtime_platform.clone().unwrap_or_default()
}

/// Environment variables gen-tf derives from `database` and `observability`, in output order.
pub(crate) fn generated_env(svc: &Service) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(db) = &svc.database {
        out.push(("DB_READ_HOST".to_owned(), db.read_host.clone()));
        out.push(("DB_WRITE_HOST".to_owned(), db.write_host.clone()));
        if let Some(pool) = &db.pool {
            out.push(("DB_POOL_MIN".to_owned(), pool.min.to_string()));
            out.push(("DB_POOL_MAX".to_owned(), pool.max.to_string()));
        }
    }
    if let Some(obs) = &svc.observability {
        if let Some(rate) = obs.xray_sampling_rate {
            out.push(("XRAY_SAMPLING_RATE".to_owned(), format_number(rate)));
        }
        if let Some(level) = &obs.log_level {
            out.push(("LOG_LEVEL".to_owned(), level.clone()));
        }
    }
    out
}

/// The highest number of tasks the service can run: the auto scaling maximum (or a scheduled
/// action's, which sets the range at its time), else the desired count.
pub(crate) fn max_tasks(svc: &Service) -> u32 {
    match &svc.auto_scaling {
        Some(a) => a
            .scheduled
            .iter()
            .filter_map(|s| s.max_capacity)
            .fold(a.max_capacity, u32::max),
        None => svc.desired_count.unwrap_or(1),
    }
}

/// The lowest number of tasks the service can run while it runs any, at least 1: what a
/// deployment or a Spot interruption has to work with.
pub(crate) fn min_running_tasks(svc: &Service) -> u32 {
    let lowest = match &svc.auto_scaling {
        Some(a) => a
            .scheduled
            .iter()
            .filter_map(|s| s.min_capacity)
            .fold(a.min_capacity, u32::min),
        None => svc.desired_count.unwrap_or(1),
    };
    lowest.max(1)
}

/// Whether the tasks run in public subnets (and reach the internet through a public IP).
pub(crate) fn is_public(svc: &Service) -> bool {
    svc.network
        .as_ref()
        .is_some_and(|n| n.subnets.unwrap_or_default() == Subnets::Public)
}

/// Whether ECS Exec is on.
pub(crate) fn execute_command(svc: &Service) -> bool {
    svc.enable_execute_command.unwrap_or(false)
}

/// The X-Ray daemon sidecar, when `observability.xray` asks for it.
pub(crate) fn xray_daemon(svc: &Service) -> Option<Sidecar> {
    let obs = svc.observability.as_ref()?;
    obs.xray.unwrap_or(false).then(|| Sidecar {
        name: XRAY_DAEMON_NAME.to_owned(),
        image: obs
            .xray_daemon_image
            .clone()
            .unwrap_or_else(|| XRAY_DAEMON_IMAGE.to_owned()),
        memory: None,
        memory_reservation: Some(XRAY_DAEMON_RESERVATION_MIB),
        essential: false,
        container: ContainerFields::default(),
    })
}

/// The main container's port: the service's `port`, else the load balancer's
/// `container_port` (the `lb-port` rule makes the two agree when both are given).
pub(crate) fn container_port(svc: &Service) -> Option<u16> {
    svc.container
        .port
        .or_else(|| svc.load_balancer.as_ref().and_then(|l| l.container_port))
}

/// desired_count as written: the user's, else `min_capacity` with auto scaling, else 1.
pub(crate) fn desired_count(svc: &Service) -> u32 {
    svc.desired_count.unwrap_or(match &svc.auto_scaling {
        Some(a) => a.min_capacity,
        None => 1,
    })
}

/// Whether the private subnets route to a NAT gateway (the default).
pub(crate) fn nat_gateway(stack: &Stack) -> bool {
    stack.network.as_ref().is_none_or(|n| n.nat_gateway)
}

/// Numbers as Jsonnet's `std.toString` writes them: `0.1`, `1`, not `1.0`.
pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// An EFS volume's transit encryption as gen-tf writes it: on unless turned off.
pub(crate) fn efs_transit_encryption(e: &EfsVolume) -> bool {
    e.transit_encryption.is_none_or(Toggle::is_enabled)
}

/// Whether the task role's identity mounts an EFS volume: off unless turned on.
pub(crate) fn efs_iam(e: &EfsVolume) -> bool {
    e.iam.is_some_and(Toggle::is_enabled)
}

/// A scaling policy's type: target tracking unless the stack says otherwise.
pub(crate) fn policy_kind(p: &Policy) -> PolicyType {
    p.policy_type.unwrap_or(PolicyType::TargetTrackingScaling)
}

/// The predefined metric, when the name is one AWS knows for ECS.
pub(crate) fn predefined_metric(p: &Policy) -> Option<PredefinedMetric> {
    p.predefined_metric_type
        .as_deref()
        .and_then(PredefinedMetric::parse)
}

/// The side of the alarm threshold that every step lies on; `None` when there are no steps
/// or they do not all lie on one side (which validation rejects).
pub(crate) fn policy_direction(p: &Policy) -> Option<Direction> {
    let mut sides = p.step_adjustments.iter().map(step_side);
    let first = sides.next()??;
    sides.all(|s| s == Some(first)).then_some(first)
}

/// A step policy's alarm comparison: the user's, else the one that matches the steps.
pub(crate) fn comparison_operator(p: &Policy) -> Option<ComparisonOperator> {
    p.alarm
        .as_ref()
        .and_then(|a| a.comparison_operator)
        .or_else(|| policy_direction(p).map(Direction::comparison_operator))
}

/// Above the threshold when the step's interval starts at or above it, below when it ends at
/// or below it; `None` for an interval that crosses the threshold.
pub(crate) fn step_side(s: &StepAdjustment) -> Option<Direction> {
    match (s.metric_interval_lower_bound, s.metric_interval_upper_bound) {
        (Some(lo), _) if lo >= 0.0 => Some(Direction::Out),
        (_, Some(hi)) if hi <= 0.0 => Some(Direction::In),
        _ => None,
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
    fn sides() {
        let side = |s: StepAdjustment| step_side(&s);
        assert_eq!(side(step(Some(0.0), Some(10.0), 1)), Some(Direction::Out));
        assert_eq!(side(step(Some(10.0), None, 1)), Some(Direction::Out));
        assert_eq!(side(step(None, Some(0.0), -1)), Some(Direction::In));
        assert_eq!(side(step(Some(-5.0), Some(5.0), 1)), None);
        assert_eq!(side(step(None, Some(5.0), 1)), None);
    }
}

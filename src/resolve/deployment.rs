//! Resolved `deployment`: the ECS service's deployment arguments with their defaults applied.

use crate::model;
/// The model's value types that the resolved deployment keeps as they are.
pub(crate) use crate::model::deployment::{
    AdvancedConfiguration, DeploymentController, DeploymentStrategy,
};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Deployment {
    /// `None` leaves ECS's default (100).
    pub minimum_healthy_percent: Option<u32>,
    /// `None` leaves ECS's default (200).
    pub maximum_percent: Option<u32>,
    pub circuit_breaker: CircuitBreaker,
    pub alarms: Option<Alarms>,
    pub wait_for_steady_state: bool,
    /// Terraform ignores changes to the service's `task_definition`: CI deploys revisions.
    pub ignore_task_definition_changes: bool,
    /// `None` writes no `deployment_configuration` (ECS's ROLLING, and provider 5.100 admitted).
    pub strategy: Option<Strategy>,
    /// The strategy settings as the stack writes them, also when it names no strategy (then
    /// `kind` is ECS's default, ROLLING, and lowering writes none of them): for the rules.
    pub written: Strategy,
    /// `deployment.health_check_grace_period_seconds` as written (the grace period in effect is
    /// `Service::grace_period_seconds`).
    pub grace_period_seconds: Option<u32>,
    /// `None` writes no `deployment_controller` (ECS's default, the ECS controller).
    pub controller: Option<model::deployment::DeploymentController>,
}

impl Deployment {
    /// CODE_DEPLOY or EXTERNAL: someone other than ECS deploys revisions, so there is no
    /// circuit breaker and Terraform leaves the task definition and load balancers alone.
    pub(crate) fn external_controller(&self) -> bool {
        self.controller
            .is_some_and(|c| c != model::deployment::DeploymentController::Ecs)
    }
}

/// `deployment_configuration`, as the stack gives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Strategy {
    pub kind: model::deployment::DeploymentStrategy,
    pub bake_time_in_minutes: Option<u32>,
    pub linear: Option<model::deployment::LinearConfiguration>,
    pub canary: Option<model::deployment::CanaryConfiguration>,
    pub hooks: Vec<model::deployment::LifecycleHook>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
    /// The stack writes `enable: false`.
    pub turned_off: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alarms {
    pub names: Vec<String>,
    pub rollback: bool,
}

/// gen-tf has always written the circuit breaker with rollback; a stack without `deployment`
/// keeps that.
pub(super) fn resolve(svc: &model::Service) -> Deployment {
    let d = svc.deployment.clone().unwrap_or_default();
    let written = Strategy {
        kind: d
            .strategy
            .unwrap_or(model::deployment::DeploymentStrategy::Rolling),
        bake_time_in_minutes: d.bake_time_in_minutes,
        linear: d.linear.clone(),
        canary: d.canary.clone(),
        hooks: d.lifecycle_hooks.clone(),
    };
    // The circuit breaker belongs to the ECS controller's deployments.
    let ecs = d
        .controller
        .is_none_or(|c| c == model::deployment::DeploymentController::Ecs);
    let enable = d
        .circuit_breaker
        .as_ref()
        .and_then(|c| c.enable)
        .unwrap_or(ecs);
    Deployment {
        minimum_healthy_percent: d.minimum_healthy_percent,
        maximum_percent: d.maximum_percent,
        circuit_breaker: CircuitBreaker {
            enable,
            rollback: d
                .circuit_breaker
                .as_ref()
                .and_then(|c| c.rollback)
                .unwrap_or(enable),
            turned_off: d.circuit_breaker.as_ref().and_then(|c| c.enable) == Some(false),
        },
        alarms: d.alarms.map(|a| Alarms {
            names: a.names,
            rollback: a.rollback.unwrap_or(true),
        }),
        wait_for_steady_state: d.wait_for_steady_state.unwrap_or(false),
        ignore_task_definition_changes: d.ignore_task_definition_changes.unwrap_or(false),
        strategy: d.strategy.map(|kind| Strategy {
            kind,
            ..written.clone()
        }),
        written,
        grace_period_seconds: d.health_check_grace_period_seconds,
        controller: d.controller,
    }
}

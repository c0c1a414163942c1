//! The AWS names a service's resources get.

/// A service's `names` as written, which the resolved service keeps for the rules.
pub(crate) use crate::model::name_overrides::NameOverrides;
use crate::model::{ServiceName, StackName};

/// The AWS names of a service's resources. Names that are unique per account, region or
/// cluster carry the stack name and the environment, so neither two stacks nor two
/// environments of one stack collide in one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Names {
    /// `<stack>[-<env>]-<service>`: the prefix of the names below and of policy and alarm names
    /// (`names.scaling_prefix` replaces it for those).
    pub prefix: String,
    pub family: String,
    pub execution_role: String,
    pub task_role: String,
    /// The infrastructure role ECS assumes for EBS volumes and load balancers, as long as
    /// `execution_role` so the same length limit covers both.
    pub infrastructure_role: String,
    /// The security group's `name_prefix`: Terraform appends a unique suffix, so a replacement
    /// can be created before the old group is destroyed.
    pub security_group_prefix: String,
    /// The security group's exact name, when `names.security_group` gives one: then it is
    /// written as `name` instead of `name_prefix`.
    pub security_group: Option<String>,
    /// The security group's description (EC2 cannot change it in place).
    pub security_group_description: String,
    pub log_group: String,
    /// The ECS service name: the service's own name in a cluster the stack owns, else the
    /// prefix, so that stacks and environments sharing a cluster do not collide.
    pub ecs_service: String,
}

/// `<stack>-<env>`, or `<stack>` without an environment: the prefix of every AWS name the stack
/// derives.
pub(crate) fn stack_prefix(stack: &StackName, env: Option<&str>) -> String {
    match env {
        Some(env) => format!("{stack}-{env}"),
        None => stack.to_string(),
    }
}

impl Names {
    pub(crate) fn new(
        stack: &StackName,
        env: Option<&str>,
        service: &ServiceName,
        owns_cluster: bool,
    ) -> Self {
        let prefix = format!("{}-{service}", stack_prefix(stack, env));
        let log_group = match env {
            Some(env) => format!("/ecs/{stack}/{env}/{service}"),
            None => format!("/ecs/{stack}/{service}"),
        };
        Self {
            family: prefix.clone(),
            execution_role: format!("{prefix}-execution"),
            task_role: format!("{prefix}-task"),
            infrastructure_role: format!("{prefix}-ecs-infra"),
            security_group_prefix: format!("{prefix}-tasks-"),
            security_group: None,
            security_group_description: format!("Tasks of the {service} ECS service."),
            log_group,
            ecs_service: if owns_cluster {
                service.to_string()
            } else {
                prefix.clone()
            },
            prefix,
        }
    }

    /// The names with a service's `names` overrides applied: each given name replaces its
    /// derivation.
    pub(crate) fn overridden(mut self, o: Option<&NameOverrides>) -> Self {
        let Some(o) = o else { return self };
        let set = |slot: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                slot.clone_from(v);
            }
        };
        set(&mut self.ecs_service, &o.service);
        set(&mut self.family, &o.family);
        set(&mut self.task_role, &o.task_role);
        set(&mut self.execution_role, &o.execution_role);
        set(&mut self.log_group, &o.log_group);
        set(&mut self.prefix, &o.scaling_prefix);
        self.security_group.clone_from(&o.security_group);
        set(
            &mut self.security_group_description,
            &o.security_group_description,
        );
        self
    }
}

//! The AWS names a service's resources get.

use crate::model::{ServiceName, StackName};

/// The AWS names of a service's resources. Names that are unique per account, region or
/// cluster carry the stack name and the environment, so neither two stacks nor two
/// environments of one stack collide in one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Names {
    /// `<stack>[-<env>]-<service>`: the prefix of the names below and of policy and alarm names.
    pub prefix: String,
    pub family: String,
    pub execution_role: String,
    pub task_role: String,
    /// The security group's `name_prefix`: Terraform appends a unique suffix, so a replacement
    /// can be created before the old group is destroyed.
    pub security_group_prefix: String,
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
            security_group_prefix: format!("{prefix}-tasks-"),
            log_group,
            ecs_service: if owns_cluster {
                service.to_string()
            } else {
                prefix.clone()
            },
            prefix,
        }
    }
}

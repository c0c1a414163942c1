//! Resolved IAM: every statement each of a service's two roles gets, generated ones and the
//! stack's own together, so that lowering writes policies without deciding anything.
//!
//! The execution role is what the ECS agent uses to start a task (pull images, read secrets,
//! write logs); the task role is the application's identity.
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html

use std::collections::{BTreeMap, BTreeSet};

use crate::model::iam::{ConditionValue, Effect};
use crate::model::{self, Stack};

use super::container::{Container, SecretSource};

/// One policy statement, as IAM reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub conditions: BTreeMap<String, BTreeMap<String, ConditionValue>>,
}

impl Statement {
    /// An `Allow` of `actions` on `resources`, with no sid and no condition.
    pub fn allow(actions: &[&str], resources: Vec<String>) -> Self {
        Self {
            sid: None,
            effect: Effect::Allow,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            resources,
            conditions: BTreeMap::new(),
        }
    }
}

/// What a service's roles are given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Roles {
    /// The execution role's inline policy (beyond AmazonECSTaskExecutionRolePolicy).
    pub execution: Vec<Statement>,
    /// The task role's inline policy: the stack's statements, then the ones gen-tf's features
    /// need.
    pub task: Vec<Statement>,
    /// Managed policies attached to the task role.
    pub task_managed_policies: Vec<String>,
    /// The stack's `iam` settings, for both roles.
    pub permissions_boundary: Option<String>,
    pub path: Option<String>,
}

pub(super) fn resolve(stack: &Stack, svc: &model::Service, containers: &[&Container]) -> Roles {
    let role = svc.task_role.clone().unwrap_or_default();
    let iam = stack.iam.clone().unwrap_or_default();
    let mut task: Vec<Statement> = role.statements.iter().map(statement).collect();
    if svc.execute_command() {
        task.push(execute_command());
    }
    Roles {
        execution: execution(containers),
        task,
        task_managed_policies: role.managed_policy_arns,
        permissions_boundary: iam.permissions_boundary,
        path: iam.path,
    }
}

fn statement(s: &model::iam::Statement) -> Statement {
    Statement {
        sid: s.sid.clone(),
        // IAM's own default, spelt out.
        effect: s.effect.unwrap_or(Effect::Allow),
        actions: s.actions.clone(),
        resources: s.resources.clone(),
        conditions: s.conditions.clone(),
    }
}

/// Read access to exactly the secrets and parameters the containers name, and decryption with
/// exactly the customer-managed keys that encrypt them.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
fn execution(containers: &[&Container]) -> Vec<Statement> {
    let secrets = containers.iter().flat_map(|c| &c.secrets);
    let mut managed = BTreeSet::new();
    let mut params = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for s in secrets {
        match &s.source {
            SecretSource::SecretsManager { arn } => managed.insert(arn.clone()),
            SecretSource::Parameter { arn } => params.insert(arn.clone()),
        };
        keys.extend(s.kms_key_arn.clone());
    }
    let mut out = Vec::new();
    for (action, resources) in [
        ("secretsmanager:GetSecretValue", managed),
        ("ssm:GetParameters", params),
        ("kms:Decrypt", keys),
    ] {
        if !resources.is_empty() {
            out.push(Statement::allow(&[action], resources.into_iter().collect()));
        }
    }
    out
}

/// ECS Exec: the SSM agent in the containers opens its control and data channels with the task
/// role. The channels have no resource ARN, so the statement is on `*`.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-required-iam-permissions
fn execute_command() -> Statement {
    Statement {
        sid: Some("EcsExec".to_owned()),
        ..Statement::allow(
            &[
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            vec!["*".to_owned()],
        )
    }
}

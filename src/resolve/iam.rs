//! Resolved IAM: every statement each of a service's two roles gets, generated ones and the
//! stack's own together, so that lowering writes policies without deciding anything.
//!
//! The execution role is what the ECS agent uses to start a task (pull images, read secrets,
//! write logs); the task role is the application's identity.
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html

use super::derived;
use std::collections::{BTreeMap, BTreeSet};

/// The model's value types that a resolved statement keeps as they are.
pub(crate) use crate::model::iam::{ConditionValue, Effect};
use crate::model::{self, Stack};

use super::container::{Container, SecretSource};
use super::volume::Volume;

/// One policy statement, as IAM reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub conditions: BTreeMap<String, BTreeMap<String, ConditionValue>>,
    /// Resources in the module's own partition, region and account, which only Terraform knows:
    /// written after `resources` as `arn:<partition>:<service>:<region>:<account>:<resource>`.
    pub own_resources: Vec<OwnArn>,
    /// Conditions whose values are ARNs in the module's own partition, region and account
    /// (operator -> key -> values), written with `conditions`.
    pub own_conditions: BTreeMap<String, BTreeMap<String, Vec<OwnArn>>>,
}

/// The parts of an ARN in the module's own partition, region and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnArn {
    pub service: &'static str,
    pub resource: String,
}

impl Statement {
    /// An `Allow` of `actions` on `resources`, with no sid and no condition.
    pub(crate) fn allow(actions: &[&str], resources: Vec<String>) -> Self {
        Self {
            sid: None,
            effect: Effect::Allow,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            resources,
            conditions: BTreeMap::new(),
            own_resources: Vec::new(),
            own_conditions: BTreeMap::new(),
        }
    }
}

/// What a service's roles are given.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Roles {
    /// The execution role's inline policy (beyond AmazonECSTaskExecutionRolePolicy).
    pub execution: Vec<Statement>,
    /// The task role's inline policy: the stack's statements, then the ones gen-tf's features
    /// need.
    pub task: Vec<Statement>,
    /// How many of `task` (the first ones) the stack wrote in `task_role.statements`.
    pub written_statements: usize,
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
    let written_statements = task.len();
    if derived::xray_daemon(svc).is_some() {
        // What AWSXRayDaemonWriteAccess grants, inline: the daemon sends segments and
        // telemetry and reads sampling rules with the task role's credentials.
        // Source: https://docs.aws.amazon.com/xray/latest/devguide/security_iam_id-based-policy-examples.html
        task.push(Statement::allow(
            &[
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            vec!["*".to_owned()],
        ));
    }
    if derived::execute_command(svc) {
        task.push(execute_command());
    }
    Roles {
        execution: execution(containers),
        task,
        written_statements,
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
        own_resources: Vec::new(),
        own_conditions: BTreeMap::new(),
    }
}

/// Read access to exactly the secrets and parameters the containers name (private registry
/// credentials included), decryption with exactly the customer-managed keys that encrypt them,
/// and read access to exactly their environment files.
/// Sources: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html,
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html,
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html
fn execution(containers: &[&Container]) -> Vec<Statement> {
    let secrets = containers.iter().flat_map(|c| &c.secrets);
    let mut managed = BTreeSet::new();
    let mut params = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for s in secrets {
        match &s.source {
            SecretSource::SecretsManager { .. } => managed.extend(s.source.grants()),
            SecretSource::Parameter { .. } => params.extend(s.source.grants()),
        };
        keys.extend(s.kms_key_arn.clone());
    }
    for r in containers
        .iter()
        .filter_map(|c| c.settings.repository_credentials.as_ref())
    {
        managed.extend(r.secret.grants());
        keys.extend(r.kms_key_arn.clone());
    }
    let files = containers
        .iter()
        .flat_map(|c| &c.settings.environment_files);
    let objects: BTreeSet<String> = files.clone().map(|f| f.arn.clone()).collect();
    let buckets: BTreeSet<String> = files.map(|f| f.bucket_arn.clone()).collect();
    let mut out = Vec::new();
    for (action, resources) in [
        ("secretsmanager:GetSecretValue", managed),
        ("ssm:GetParameters", params),
        ("kms:Decrypt", keys),
        ("s3:GetObject", objects),
        ("s3:GetBucketLocation", buckets),
    ] {
        if !resources.is_empty() {
            out.push(Statement::allow(&[action], resources.into_iter().collect()));
        }
    }
    out
}

/// What the task role needs for EFS volumes mounted with `iam: 'ENABLED'`: ClientMount on each
/// such file system, and ClientWrite on those a container mounts writable. EFS allows what
/// either the identity or the file system policy allows, so under a file system policy that
/// does not grant them, a mount without ClientMount fails and one without ClientWrite is
/// read-only whatever the mount point says.
///
/// When every such volume of a file system mounts it through an access point, the grant holds
/// only through those access points (`elasticfilesystem:AccessPointArn`): without the
/// condition, the task role could mount the file system's root, writable.
/// Sources: https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html,
/// https://docs.aws.amazon.com/efs/latest/ug/enforce-root-directory-access-point.html
pub(super) fn efs(volumes: &[Volume]) -> Vec<Statement> {
    let iam = || {
        volumes
            .iter()
            .filter_map(|v| v.efs.as_ref())
            .filter(|e| e.iam)
    };
    let own = |resource: String| OwnArn {
        service: "elasticfilesystem",
        resource,
    };
    let mut out = Vec::new();
    for (action, writes) in [
        ("elasticfilesystem:ClientMount", false),
        ("elasticfilesystem:ClientWrite", true),
    ] {
        // File system -> its access points, or `None` when a volume mounts it without one.
        let mut file_systems: BTreeMap<&str, Option<BTreeSet<&str>>> = BTreeMap::new();
        for e in iam().filter(|e| !writes || e.written) {
            let entry = file_systems
                .entry(&e.file_system_id)
                .or_insert_with(|| Some(BTreeSet::new()));
            match (entry.as_mut(), e.access_point_id.as_deref()) {
                (Some(points), Some(ap)) => {
                    points.insert(ap);
                }
                _ => *entry = None,
            }
        }
        let whole: Vec<&str> = file_systems
            .iter()
            .filter(|(_, points)| points.is_none())
            .map(|(fs, _)| *fs)
            .collect();
        if !whole.is_empty() {
            let mut s = Statement::allow(&[action], Vec::new());
            s.own_resources = whole
                .into_iter()
                .map(|id| own(format!("file-system/{id}")))
                .collect();
            out.push(s);
        }
        for (fs, points) in &file_systems {
            let Some(points) = points else {
                continue;
            };
            let mut s = Statement::allow(&[action], Vec::new());
            s.own_resources = vec![own(format!("file-system/{fs}"))];
            let arns = points
                .iter()
                .map(|ap| own(format!("access-point/{ap}")))
                .collect();
            s.own_conditions.insert(
                "StringEquals".to_owned(),
                BTreeMap::from([("elasticfilesystem:AccessPointArn".to_owned(), arns)]),
            );
            out.push(s);
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

//! Reading describe output: every `.json` file of the directories (or the files) given, each
//! recognised by its top-level keys, never by its name, into one [`Described`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::aws::*;
use crate::load::{read_regular, strip_bom, MAX_FILE_BYTES};

/// A file that could not be read or recognised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct ReadError {
    pub file: PathBuf,
    pub message: String,
}

/// The AWS CLI calls `gen-tf import` reads, with the top-level keys that recognise each output.
/// A file matches the first kind whose keys it has.
pub(crate) const KINDS: &[(&str, &[&str])] = &[
    ("aws ecs describe-services", &["services"]),
    (
        "aws ecs describe-task-definition --include TAGS",
        &["taskDefinition"],
    ),
    (
        "aws application-autoscaling describe-scalable-targets",
        &["ScalableTargets"],
    ),
    (
        "aws application-autoscaling describe-scaling-policies",
        &["ScalingPolicies"],
    ),
    (
        "aws application-autoscaling describe-scheduled-actions",
        &["ScheduledActions"],
    ),
    ("aws cloudwatch describe-alarms", &["MetricAlarms"]),
    ("aws iam get-role", &["Role"]),
    ("aws iam list-role-policies", &["PolicyNames"]),
    (
        "aws iam get-role-policy",
        &["RoleName", "PolicyName", "PolicyDocument"],
    ),
    ("aws iam list-attached-role-policies", &["AttachedPolicies"]),
    ("aws logs describe-log-groups", &["logGroups"]),
    ("aws ec2 describe-security-groups", &["SecurityGroups"]),
    (
        "aws ec2 describe-security-group-rules",
        &["SecurityGroupRules"],
    ),
    ("aws ec2 describe-vpc-endpoints", &["VpcEndpoints"]),
];

/// Everything the files described, keyed by what the stack looks them up by.
#[derive(Debug, Default)]
pub struct Described {
    /// ECS services with the file each came from, in file order.
    pub services: Vec<(PathBuf, EcsService)>,
    /// Task definitions by ARN, with their tags.
    pub task_definitions: BTreeMap<String, (TaskDefinition, Vec<LowerTag>)>,
    /// Scalable targets by resource ID (`service/<cluster>/<service>`).
    pub targets: BTreeMap<String, ScalableTarget>,
    pub policies: Vec<ScalingPolicy>,
    pub scheduled: Vec<ScheduledAction>,
    /// Metric alarms by name.
    pub alarms: BTreeMap<String, MetricAlarm>,
    /// Roles by name.
    pub roles: BTreeMap<String, Role>,
    /// Inline policy names by role, from `list-role-policies`.
    pub inline_names: BTreeMap<String, Vec<String>>,
    /// Inline policies by (role, policy name).
    pub inline: BTreeMap<(String, String), Value>,
    /// Attached managed policies by role.
    pub attached: BTreeMap<String, Vec<AttachedPolicy>>,
    /// Log groups by name.
    pub log_groups: BTreeMap<String, LogGroup>,
    /// Security groups by ID.
    pub security_groups: BTreeMap<String, SecurityGroup>,
    /// Security group rules by `sgr-` ID.
    pub security_group_rules: BTreeMap<String, SecurityGroupRule>,
    pub endpoints: Vec<VpcEndpoint>,
    /// Paginated outputs: a `NextToken` means the file holds only part of the answer.
    pub truncated: Vec<PathBuf>,
    /// Some services came from ecspresso's files, whose ARNs gen-tf makes up.
    pub from_ecspresso: bool,
}

/// The files a path names: itself, or the `.json` files directly in a directory, sorted.
pub(super) fn files_of(path: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let err = |message: String| ReadError {
        file: path.to_owned(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| err(e.to_string()))? {
        let p = entry.map_err(|e| err(e.to_string()))?.path();
        if p.extension().is_some_and(|e| e == "json") && p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Which call printed this output, by its top-level keys.
pub(crate) fn recognise(v: &Value) -> Option<&'static str> {
    let obj = v.as_object()?;
    KINDS
        .iter()
        .find(|(_, keys)| keys.iter().all(|k| obj.contains_key(*k)))
        .map(|(kind, _)| *kind)
}

fn parse<T: DeserializeOwned>(file: &Path, kind: &str, v: Value) -> Result<T, ReadError> {
    serde_json::from_value(v).map_err(|e| ReadError {
        file: file.to_owned(),
        message: format!("looks like the output of `{kind}`, but does not read as it: {e}"),
    })
}

pub(super) fn read_one(file: &Path, d: &mut Described) -> Result<(), ReadError> {
    let err = |message: String| ReadError {
        file: file.to_owned(),
        message,
    };
    let bytes = read_regular(file, MAX_FILE_BYTES).map_err(|e| err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| err("is not UTF-8 text".to_owned()))?;
    let v: Value = serde_json::from_str(strip_bom(&text)).map_err(|e| {
        err(format!(
            "is not JSON ({e}); save the AWS CLI's output with --output json"
        ))
    })?;
    let Some(kind) = recognise(&v) else {
        let keys = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect::<Vec<_>>().join(", "))
            .unwrap_or_else(|| "no object".to_owned());
        return Err(err(format!(
            "is not the output of an AWS CLI call gen-tf reads (its top-level keys: {keys}); it reads {}",
            KINDS.iter().map(|(k, _)| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        )));
    };
    if v.get("NextToken").or_else(|| v.get("nextToken")).is_some() {
        d.truncated.push(file.to_owned());
    }
    store(file, kind, v, d)
}

/// One recognised output into `d`.
fn store(file: &Path, kind: &str, v: Value, d: &mut Described) -> Result<(), ReadError> {
    let err = |message: String| ReadError {
        file: file.to_owned(),
        message,
    };
    match kind {
        "aws ecs describe-services" => {
            let out: DescribeServices = parse(file, kind, v)?;
            if let Some(f) = out.failures.first() {
                return Err(err(format!(
                    "describe-services reports a failure: {f}; check the cluster and service names"
                )));
            }
            d.services
                .extend(out.services.into_iter().map(|s| (file.to_owned(), s)));
        }
        "aws ecs describe-task-definition --include TAGS" => {
            let out: DescribeTaskDefinition = parse(file, kind, v)?;
            d.task_definitions.insert(
                out.task_definition.task_definition_arn.clone(),
                (out.task_definition, out.tags),
            );
        }
        "aws application-autoscaling describe-scalable-targets" => {
            let out: DescribeScalableTargets = parse(file, kind, v)?;
            for t in out.scalable_targets {
                d.targets.insert(t.resource_id.clone(), t);
            }
        }
        "aws application-autoscaling describe-scaling-policies" => {
            let out: DescribeScalingPolicies = parse(file, kind, v)?;
            d.policies.extend(out.scaling_policies);
        }
        "aws application-autoscaling describe-scheduled-actions" => {
            let out: DescribeScheduledActions = parse(file, kind, v)?;
            d.scheduled.extend(out.scheduled_actions);
        }
        "aws cloudwatch describe-alarms" => {
            let out: DescribeAlarms = parse(file, kind, v)?;
            for a in out.metric_alarms {
                d.alarms.insert(a.alarm_name.clone(), a);
            }
        }
        "aws iam get-role" => {
            let out: GetRole = parse(file, kind, v)?;
            d.roles.insert(out.role.role_name.clone(), out.role);
        }
        "aws iam list-role-policies" => {
            let out: ListRolePolicies = parse(file, kind, v)?;
            let role = out.role_name.ok_or_else(|| err(UNATTRIBUTED.to_owned()))?;
            d.inline_names.insert(role, out.policy_names);
        }
        "aws iam get-role-policy" => {
            let out: GetRolePolicy = parse(file, kind, v)?;
            d.inline
                .insert((out.role_name, out.policy_name), out.policy_document);
        }
        "aws iam list-attached-role-policies" => {
            let out: ListAttachedRolePolicies = parse(file, kind, v)?;
            let role = out.role_name.ok_or_else(|| err(UNATTRIBUTED.to_owned()))?;
            d.attached.insert(role, out.attached_policies);
        }
        "aws logs describe-log-groups" => {
            let out: DescribeLogGroups = parse(file, kind, v)?;
            for g in out.log_groups {
                d.log_groups.insert(g.log_group_name.clone(), g);
            }
        }
        "aws ec2 describe-security-groups" => {
            let out: DescribeSecurityGroups = parse(file, kind, v)?;
            for g in out.security_groups {
                d.security_groups.insert(g.group_id.clone(), g);
            }
        }
        "aws ec2 describe-security-group-rules" => {
            let out: DescribeSecurityGroupRules = parse(file, kind, v)?;
            for r in out.security_group_rules {
                d.security_group_rules
                    .insert(r.security_group_rule_id.clone(), r);
            }
        }
        _ => {
            let out: DescribeVpcEndpoints = parse(file, kind, v)?;
            d.endpoints.extend(out.vpc_endpoints);
        }
    }
    Ok(())
}

/// Why `list-role-policies` and `list-attached-role-policies` need the role name added.
const UNATTRIBUTED: &str = "names no role: the AWS CLI prints none for this call, so add it with --query, as `gen-tf import --commands` does: --query '{RoleName: `ROLE`, ...}'";

/// `ecspresso.yml` (or `.yaml`) when `path` is that file or a directory that holds it.
pub(super) fn ecspresso_config(path: &Path) -> Option<PathBuf> {
    let is_config = |p: &Path| {
        p.file_name()
            .is_some_and(|n| n == "ecspresso.yml" || n == "ecspresso.yaml")
    };
    if is_config(path) && path.is_file() {
        return Some(path.to_owned());
    }
    ["ecspresso.yml", "ecspresso.yaml"]
        .iter()
        .map(|n| path.join(n))
        .find(|p| p.is_file())
}

/// Reads a file gen-tf did not write, as UTF-8 text.
pub(super) fn text_of(file: &Path) -> Result<String, ReadError> {
    let err = |message: String| ReadError {
        file: file.to_owned(),
        message,
    };
    let bytes = read_regular(file, MAX_FILE_BYTES).map_err(|e| err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| err("is not UTF-8 text".to_owned()))?;
    Ok(strip_bom(&text).to_owned())
}

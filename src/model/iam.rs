//! What a service's tasks may do in AWS (`task_role`), and the settings every role of a stack
//! takes (`iam`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The application's own permissions: the task role's inline policy and managed policies.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskRole {
    /// IAM policy statements, written into the task role's inline policy.
    #[serde(default)]
    pub statements: Vec<Statement>,
    /// ARNs of managed policies to attach, for example
    /// `arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`.
    #[serde(default)]
    pub managed_policy_arns: Vec<String>,
}

/// One IAM policy statement.
/// Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Statement ID: letters and digits.
    #[serde(default)]
    pub sid: Option<String>,
    /// Default Allow.
    #[serde(default)]
    pub effect: Option<Effect>,
    /// `service:Action` names, wildcards allowed: `sqs:ReceiveMessage`, `s3:Get*`.
    pub actions: Vec<String>,
    /// Resource ARNs, or `*`.
    pub resources: Vec<String>,
    /// Condition operator -> condition key -> value(s), as in IAM:
    /// `{ StringEquals: { 'aws:ResourceTag/team': 'payments' } }`.
    #[serde(default)]
    pub conditions: BTreeMap<String, BTreeMap<String, ConditionValue>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        }
    }
}

/// A condition value: one string, or a list of them (any of which matches).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConditionValue {
    One(String),
    Any(Vec<String>),
}

/// `iam`: settings for every role the stack creates, which many organisations require.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StackIam {
    /// ARN of a managed policy that bounds the permissions of every role.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// IAM path of every role, `/` or `/a/b/`.
    #[serde(default)]
    pub path: Option<String>,
}

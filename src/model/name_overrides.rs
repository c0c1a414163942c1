//! `names`: the AWS names a service's resources get, given instead of derived. A running
//! service adopted with `gen-tf import` keeps its names (renaming an ECS service, a task role or
//! a log group replaces it); they are useful without import too, for names a convention fixes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Per-service overrides of the AWS names gen-tf derives from the stack, the environment and the
/// service name. Each omitted name keeps its derivation. The `name-override` rule checks each
/// against the characters AWS accepts for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NameOverrides {
    /// The ECS service's name: up to 255 letters, digits, '_' and '-'.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub service: Option<String>,
    /// The task definition family: up to 255 letters, digits, '_' and '-'.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub family: Option<String>,
    /// The task role's name: up to 64 letters, digits and '+=,.@_-'.
    /// Source: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 64))]
    pub task_role: Option<String>,
    /// The execution role's name: up to 64 letters, digits and '+=,.@_-'.
    /// Source: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 64))]
    pub execution_role: Option<String>,
    /// The CloudWatch Logs log group: up to 512 letters, digits and '._-/#'.
    /// Source: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 512))]
    pub log_group: Option<String>,
    /// The task security group's exact name (instead of a name prefix with a unique suffix): up
    /// to 255 characters of a-z, A-Z, 0-9, spaces and `._-:/()#,@[]+=&;{}!$*`, not starting
    /// with `sg-`. A fixed name cannot be created before
    /// the old group is destroyed, so a replacement waits for the tasks to leave the old group.
    /// Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub security_group: Option<String>,
    /// The task security group's description, which EC2 cannot change in place: up to 255
    /// characters of a-z, A-Z, 0-9, spaces and `._-:/()#,@[]+=&;{}!$*`.
    /// Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
    #[serde(default)]
    #[schemars(length(min = 1, max = 255))]
    pub security_group_description: Option<String>,
    /// The prefix of the scaling policies', their alarms' and the scheduled actions' names,
    /// which are `<scaling_prefix>-<policy or action name>`. Default `<stack>-<env>-<service>`.
    #[serde(default)]
    #[schemars(length(min = 1, max = 200))]
    pub scaling_prefix: Option<String>,
}

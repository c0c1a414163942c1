//! What a container of a task is given: the service's own container and every sidecar take the
//! same fields, so they are declared, checked, resolved and written once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Container settings shared by the main container (at the service's top level) and sidecars.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerFields {
    /// Container port.
    #[serde(default)]
    pub port: Option<u16>,
    /// Container environment variables.
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    /// Secrets injected from Secrets Manager or SSM Parameter Store.
    #[serde(default)]
    pub secrets: Vec<Secret>,
    /// Mount the container's root filesystem read-only. Default false, because many
    /// applications write temporary files.
    #[serde(default)]
    pub read_only_root_filesystem: Option<bool>,
    /// A command ECS runs in the container to tell whether it is healthy. An essential
    /// container that turns unhealthy stops its task, and `depends_on` can wait for `HEALTHY`.
    #[serde(default)]
    pub health_check: Option<HealthCheck>,
    /// Arguments that replace the image's `CMD`.
    #[serde(default)]
    pub command: Vec<String>,
    /// Arguments that replace the image's `ENTRYPOINT`.
    #[serde(default)]
    pub entry_point: Vec<String>,
    /// The directory the command runs in. Omitted means the image's `WORKDIR`.
    #[serde(default)]
    pub working_directory: Option<String>,
    /// The user (`name`, `uid`, `uid:gid`, `user:group`...) the command runs as. Omitted means
    /// the image's `USER`. Not for Windows containers.
    #[serde(default)]
    pub user: Option<String>,
    /// Seconds between SIGTERM and SIGKILL when the task stops, 2-120 on Fargate. Omitted means
    /// 30.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
    #[serde(default)]
    #[schemars(range(min = 2, max = 120))]
    pub stop_timeout: Option<u32>,
    /// Containers of the same task that must reach a state before this one starts.
    #[serde(default)]
    pub depends_on: Vec<Dependency>,
    /// Task `volumes` this container mounts.
    #[serde(default)]
    pub mount_points: Vec<MountPoint>,
    /// Resource limits (`ulimit`) of the container's processes.
    #[serde(default)]
    pub ulimits: Vec<Ulimit>,
    /// Run an init process (PID 1) that forwards signals and reaps zombie processes, as
    /// `docker run --init` does. Linux only.
    #[serde(default)]
    pub init_process_enabled: Option<bool>,
    /// Allocate a TTY for the container's process, as `docker run -t` does, for programs that
    /// expect a terminal. Default false.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
    #[serde(default)]
    pub pseudo_terminal: Option<bool>,
    /// ARNs of S3 objects (`arn:aws:s3:::bucket/path/app.env`) whose `VARIABLE=VALUE` lines
    /// become environment variables; `environment` wins over them. The execution role may read
    /// exactly these objects.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html
    #[serde(default)]
    #[schemars(length(max = 10))]
    pub environment_files: Vec<String>,
    /// Credentials for an image in a private registry other than ECR: the ARN of a Secrets
    /// Manager secret holding `{"username": ..., "password": ...}`, or
    /// `{ credentials_parameter, kms_key_arn }` when a customer-managed KMS key encrypts it.
    /// The execution role may read exactly that secret (and decrypt with that key).
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html
    #[serde(default)]
    pub repository_credentials: Option<RepositoryCredentials>,
    /// Restart the container in place when it exits, instead of replacing the task (for an
    /// essential container) or leaving it stopped (for a sidecar).
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html
    #[serde(default)]
    pub restart_policy: Option<RestartPolicy>,
    /// Whether ECS resolves the image tag to a digest when the task definition is deployed, so
    /// every task of a deployment runs the same image even if the tag moves. Omitted means
    /// ECS's default (enabled); false writes `versionConsistency: disabled`.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
    #[serde(default)]
    pub version_consistency: Option<bool>,
}

/// `restart_policy`: ECS's container restart policy.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerRestartPolicy.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestartPolicy {
    /// Default true: declaring a restart policy turns it on.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Exit codes after which ECS does not restart the container, at most 50. Default none.
    #[serde(default)]
    #[schemars(length(max = 50))]
    pub ignored_exit_codes: Vec<i32>,
    /// Seconds the container must have run before ECS restarts it, 60-1800; a container that
    /// exits sooner is not restarted. Omitted means ECS's 300.
    #[serde(default)]
    #[schemars(range(min = 60, max = 1800))]
    pub restart_attempt_period: Option<u32>,
}

/// `health_check`: Docker's `HEALTHCHECK`, run by the ECS agent.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// `['CMD', 'executable', 'arg', ...]` to run a program, or `['CMD-SHELL', 'command']` to
    /// run a command with the container's shell. Exit code 0 means healthy.
    pub command: Vec<String>,
    /// Seconds between checks, 5-300. Default 30.
    #[serde(default)]
    #[schemars(range(min = 5, max = 300))]
    pub interval: Option<u32>,
    /// Seconds a check may take before it counts as failed, 2-120 and below the interval.
    /// Default 5.
    #[serde(default)]
    #[schemars(range(min = 2, max = 120))]
    pub timeout: Option<u32>,
    /// Failed checks in a row that make the container unhealthy, 1-10. Default 3.
    #[serde(default)]
    #[schemars(range(min = 1, max = 10))]
    pub retries: Option<u32>,
    /// Seconds after start during which failed checks do not count, 0-300. Default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 300))]
    pub start_period: Option<u32>,
}

/// One entry of `depends_on`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// The other container: the service's name for its main container, or a sidecar's name.
    pub container: String,
    pub condition: ContainerCondition,
}

/// What a dependency waits for.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ContainerCondition {
    /// The other container has started.
    #[serde(rename = "START")]
    Start,
    /// The other container has exited (it cannot be essential).
    #[serde(rename = "COMPLETE")]
    Complete,
    /// The other container has exited with status 0 (it cannot be essential).
    #[serde(rename = "SUCCESS")]
    Success,
    /// The other container's health check has passed (it needs a `health_check`).
    #[serde(rename = "HEALTHY")]
    Healthy,
}

impl ContainerCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "START",
            Self::Complete => "COMPLETE",
            Self::Success => "SUCCESS",
            Self::Healthy => "HEALTHY",
        }
    }
}

/// One entry of `mount_points`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MountPoint {
    /// The name of one of the service's `volumes`.
    pub volume: String,
    /// Absolute path inside the container.
    pub path: String,
    /// Mount the volume read-only. Default false.
    #[serde(default)]
    pub read_only: bool,
}

/// One entry of `ulimits`. Values are counts, bytes or seconds, depending on the limit.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ulimit {
    pub name: UlimitName,
    /// At most `hard`.
    #[schemars(range(max = 2_147_483_647))]
    pub soft: u32,
    /// For `nofile`, at most 1048576 on Fargate.
    #[schemars(range(max = 2_147_483_647))]
    pub hard: u32,
}

/// The resource limits ECS sets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum UlimitName {
    Core,
    Cpu,
    Data,
    Fsize,
    Locks,
    Memlock,
    Msgqueue,
    Nice,
    Nofile,
    Nproc,
    Rss,
    Rtprio,
    Rttime,
    Sigpending,
    Stack,
}

impl UlimitName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Core => "core",
            Self::Cpu => "cpu",
            Self::Data => "data",
            Self::Fsize => "fsize",
            Self::Locks => "locks",
            Self::Memlock => "memlock",
            Self::Msgqueue => "msgqueue",
            Self::Nice => "nice",
            Self::Nofile => "nofile",
            Self::Nproc => "nproc",
            Self::Rss => "rss",
            Self::Rtprio => "rtprio",
            Self::Rttime => "rttime",
            Self::Sigpending => "sigpending",
            Self::Stack => "stack",
        }
    }
}

/// `repository_credentials`: a secret ARN, or the ARN with the key that encrypts the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RepositoryCredentials {
    Arn(String),
    WithKey(RepositoryCredentialsWithKey),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositoryCredentialsWithKey {
    /// ARN of the Secrets Manager secret with the registry's username and password.
    pub credentials_parameter: String,
    /// The customer-managed KMS key that encrypts the secret: the execution role needs
    /// kms:Decrypt on it.
    #[serde(default)]
    pub kms_key_arn: Option<String>,
}

impl RepositoryCredentials {
    /// The secret's ARN.
    pub fn secret_arn(&self) -> &str {
        match self {
            Self::Arn(a) => a,
            Self::WithKey(k) => &k.credentials_parameter,
        }
    }

    pub fn kms_key_arn(&self) -> Option<&str> {
        match self {
            Self::Arn(_) => None,
            Self::WithKey(k) => k.kms_key_arn.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// Environment variable name inside the container.
    pub name: String,
    /// ARN of a Secrets Manager secret (optionally with `:json-key:version-stage:version-id`) or
    /// of an SSM parameter. A secret's ARN may be partial (without the 6-character suffix).
    pub value_from: String,
    /// The customer-managed KMS key that encrypts the secret or parameter, if any: the
    /// execution role needs kms:Decrypt on it. Omitted means the AWS managed key.
    #[serde(default)]
    pub kms_key_arn: Option<String>,
}

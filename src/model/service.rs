//! One ECS Fargate service, as a stack describes it. Field names are the seed guide's own.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::connect::{LoadBalancerTarget, ServiceConnect};
use super::container::ContainerFields;
use super::deployment::Deployment;
use super::iam::TaskRole;
use super::network::{EgressRule, ServiceNetwork};
use super::scaling::AutoScaling;
use super::volume::Volume;

/// A service: one task definition, one ECS service, and what they need around them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Container image. Omitted means the module variable `<service>_image`.
    #[serde(default)]
    pub image: Option<String>,
    /// Task CPU units (256 = 0.25 vCPU). Must form a valid Fargate size with `memory`.
    pub cpu: u32,
    /// Task memory in MiB.
    pub memory: u32,
    /// The main container's hard memory limit in MiB. Omitted means no container limit (the task
    /// memory bounds it).
    #[serde(default)]
    pub container_memory: Option<u32>,
    /// Soft memory limit (memoryReservation) in MiB, or a strategy from the seed guide.
    #[serde(default)]
    pub memory_reservation: Option<MemoryReservation>,
    /// CPU architecture and OS. Omitted means ARM64 Linux.
    #[serde(default)]
    pub runtime_platform: Option<RuntimePlatform>,
    /// How tasks spread over FARGATE and FARGATE_SPOT.
    #[serde(default)]
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    /// Launch type. Cannot be combined with `capacity_provider_strategy`. When both are omitted
    /// the service uses `launch_type = "FARGATE"`.
    #[serde(default)]
    pub launch_type: Option<LaunchType>,
    /// Ephemeral storage of the task in GiB, 21-200. Omitted means Fargate's 20 GiB.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html
    #[serde(default)]
    #[schemars(range(min = 21, max = 200))]
    pub ephemeral_storage_gib: Option<u32>,
    /// Fargate platform version: `LATEST`, `1.4.0` or `1.3.0` (Linux), `1.0.0` (Windows).
    #[serde(default)]
    pub platform_version: Option<String>,
    /// Number of tasks. With auto scaling it defaults to `min_capacity`; otherwise to 1.
    #[serde(default)]
    pub desired_count: Option<u32>,
    #[serde(default)]
    pub database: Option<Database>,
    #[serde(default)]
    pub observability: Option<Observability>,
    #[serde(default)]
    pub load_balancer: Option<LoadBalancer>,
    #[serde(default)]
    pub auto_scaling: Option<AutoScaling>,
    /// Extra containers in the same task, for example a log router or an X-Ray daemon.
    #[serde(default)]
    pub sidecars: Vec<Sidecar>,
    /// What the application may do in AWS: the task role's statements and managed policies.
    #[serde(default)]
    pub task_role: Option<TaskRole>,
    /// Tags for this service's resources, merged over the stack's tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The main container's settings, which sidecars take too.
    #[serde(flatten)]
    pub container: ContainerFields,
    /// The task's data volumes by name (letters, digits, `_` and `-`), which containers mount
    /// with `mount_points`: `{}` for a bind volume (task storage, for example a writable `/tmp`
    /// under a read-only root filesystem), or `{ efs: {...} }` for an Amazon EFS file system.
    #[serde(default)]
    pub volumes: BTreeMap<String, Volume>,
    /// The EBS volume ECS creates for each task, attached to the volume of `volumes` that sets
    /// `configure_at_launch: true`.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html
    #[serde(default)]
    pub volume_configuration: Option<super::ebs::VolumeConfiguration>,
    /// ECS Exec (`aws ecs execute-command`): a shell in running tasks through Systems Manager.
    /// Gives the task role the `ssmmessages` channel permissions and the containers an init
    /// process; private tasks without a NAT gateway need the `ssmmessages` endpoint. Default
    /// false.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
    #[serde(default)]
    pub enable_execute_command: Option<bool>,
    /// Availability Zone rebalancing: ECS moves tasks to even out the service across its
    /// Availability Zones after a zone's tasks were lost. Written explicitly on every service,
    /// because ECS enables it on new services and leaves older ones disabled, so an unset value
    /// shows as drift. Default true (`ENABLED`); false writes `DISABLED`.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html
    #[serde(default)]
    pub availability_zone_rebalancing: Option<bool>,
    /// Several target groups, each to a container and port of the task: internal and
    /// internet-facing load balancers, or several ports. Cannot be combined with
    /// `load_balancer`, which is the shorthand for one target group to the main container. ECS
    /// takes at most 5.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
    #[serde(default)]
    #[schemars(length(max = 5))]
    pub load_balancers: Vec<LoadBalancerTarget>,
    /// The name of the main container's port mapping, which `service_connect` refers to: up to
    /// 64 lower-case letters, digits, '_' and '-', not starting with '-'. Default `http`.
    #[serde(default)]
    pub port_name: Option<String>,
    /// ECS Service Connect in a Cloud Map namespace.
    #[serde(default)]
    pub service_connect: Option<ServiceConnect>,
    /// Rolling update limits, circuit breaker, deployment alarms, and Terraform's part in
    /// deployments.
    #[serde(default)]
    pub deployment: Option<Deployment>,
    /// The subnets the tasks run in and whether they get a public IP. Default: private subnets,
    /// no public IP.
    #[serde(default)]
    pub network: Option<ServiceNetwork>,
    /// Egress rules of the task security group to destinations of the stack's own, besides the
    /// AWS APIs (and the database) that gen-tf opens by itself.
    #[serde(default)]
    pub egress: Vec<EgressRule>,
    /// AWS names given instead of derived: the ECS service, task family, roles, log group,
    /// security group and the scaling names' prefix, for example a running service's, kept
    /// when `gen-tf import` adopts it.
    #[serde(default)]
    pub names: Option<super::name_overrides::NameOverrides>,
}

/// `memory_reservation`: a number of MiB, or `{ strategy: ... }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum MemoryReservation {
    MiB(i64),
    Strategy(StrategyRef),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyRef {
    pub strategy: ReservationStrategy,
}

/// The seed guide's three reservation strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReservationStrategy {
    /// 50% of the hard limit.
    Conservative,
    /// 80% of the hard limit, for predictable workloads.
    Aggressive,
    /// 70% in `prd`, 50% elsewhere (the environment comes from `-V ENV=...`).
    Dynamic,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuntimePlatform {
    #[serde(default = "default_arch")]
    pub cpu_architecture: CpuArchitecture,
    #[serde(default = "default_os")]
    pub operating_system_family: OperatingSystemFamily,
}

impl Default for RuntimePlatform {
    fn default() -> Self {
        Self {
            cpu_architecture: default_arch(),
            operating_system_family: default_os(),
        }
    }
}

fn default_arch() -> CpuArchitecture {
    CpuArchitecture::Arm64
}

fn default_os() -> OperatingSystemFamily {
    OperatingSystemFamily::Linux
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CpuArchitecture {
    #[serde(rename = "ARM64")]
    Arm64,
    #[serde(rename = "X86_64")]
    X86_64,
}

impl CpuArchitecture {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Arm64 => "ARM64",
            Self::X86_64 => "X86_64",
        }
    }
}

/// Operating systems that Fargate runs.
///
/// Spelt out per variant: `rename_all = "SCREAMING_SNAKE_CASE"` would give
/// `WINDOWS_SERVER2019_FULL`, which is not the ECS value `WINDOWS_SERVER_2019_FULL`.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum OperatingSystemFamily {
    #[serde(rename = "LINUX")]
    Linux,
    #[serde(rename = "WINDOWS_SERVER_2019_FULL")]
    WindowsServer2019Full,
    #[serde(rename = "WINDOWS_SERVER_2019_CORE")]
    WindowsServer2019Core,
    #[serde(rename = "WINDOWS_SERVER_2022_FULL")]
    WindowsServer2022Full,
    #[serde(rename = "WINDOWS_SERVER_2022_CORE")]
    WindowsServer2022Core,
}

impl OperatingSystemFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Linux => "LINUX",
            Self::WindowsServer2019Full => "WINDOWS_SERVER_2019_FULL",
            Self::WindowsServer2019Core => "WINDOWS_SERVER_2019_CORE",
            Self::WindowsServer2022Full => "WINDOWS_SERVER_2022_FULL",
            Self::WindowsServer2022Core => "WINDOWS_SERVER_2022_CORE",
        }
    }

    pub fn is_windows(self) -> bool {
        self != Self::Linux
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityProviderItem {
    pub capacity_provider: CapacityProvider,
    /// Relative share of tasks, 0-1000.
    #[serde(default)]
    pub weight: Option<i64>,
    /// Tasks placed on this provider first, 0-100000. At most one provider may set it above 0.
    #[serde(default)]
    pub base: Option<i64>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum CapacityProvider {
    #[serde(rename = "FARGATE")]
    Fargate,
    #[serde(rename = "FARGATE_SPOT")]
    FargateSpot,
}

impl CapacityProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fargate => "FARGATE",
            Self::FargateSpot => "FARGATE_SPOT",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LaunchType {
    #[serde(rename = "FARGATE")]
    Fargate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// Reader endpoint, exported as DB_READ_HOST.
    pub read_host: String,
    /// Writer endpoint, exported as DB_WRITE_HOST.
    pub write_host: String,
    /// Per-task connection pool, exported as DB_POOL_MIN and DB_POOL_MAX.
    #[serde(default)]
    pub pool: Option<Pool>,
    /// The database's max_connections. Omitted means: computed from `engine` and
    /// `instance_class` with the RDS default formulas, when both are given.
    #[serde(default)]
    pub max_connections: Option<u32>,
    #[serde(default)]
    pub engine: Option<DbEngine>,
    /// RDS instance class, for example `db.r6g.large`.
    #[serde(default)]
    pub instance_class: Option<String>,
    /// Connections kept free for admin and migrations. Default 20, as in the seed guide.
    #[serde(default)]
    pub buffer: Option<u32>,
    /// Port the tasks connect to. Default: 5432 for postgres (and when no engine is given),
    /// 3306 for mysql.
    #[serde(default)]
    pub port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DbEngine {
    Postgres,
    Mysql,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observability {
    /// Exported as XRAY_SAMPLING_RATE, 0-1.
    #[serde(default)]
    pub xray_sampling_rate: Option<f64>,
    /// Exported as LOG_LEVEL.
    #[serde(default)]
    pub log_level: Option<String>,
    /// CloudWatch Logs retention. Default 30.
    #[serde(default)]
    pub log_retention_days: Option<u32>,
    /// KMS key that encrypts the log group. Omitted means CloudWatch's default encryption.
    #[serde(default)]
    pub log_kms_key_arn: Option<String>,
    /// Run the X-Ray daemon next to the application (a sidecar named `xray-daemon` that the
    /// SDKs reach on UDP 127.0.0.1:2000), and give the task role what it needs to send traces.
    #[serde(default)]
    pub xray: Option<bool>,
    /// The X-Ray daemon's image. Default: AWS's image on Amazon ECR Public, which tasks without
    /// a NAT gateway cannot pull: copy it into your ECR and name that copy here.
    #[serde(default)]
    pub xray_daemon_image: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    /// Container port the target group sends to. Default: the service's `port`.
    #[serde(default)]
    pub container_port: Option<u16>,
    /// Target group ARN. Omitted means the module variable `<service>_target_group_arn`.
    #[serde(default)]
    pub target_group_arn: Option<String>,
    /// Seconds the scheduler ignores failing load balancer health checks after a task starts.
    /// Default 60.
    #[serde(default)]
    pub health_check_grace_period_seconds: Option<u32>,
    /// `app/<name>/<id>` of the load balancer, for ALBRequestCountPerTarget. Omitted means the
    /// module variable `<service>_lb_arn_suffix` when that metric is used.
    #[serde(default)]
    pub load_balancer_arn_suffix: Option<String>,
    /// `targetgroup/<name>/<id>`, for ALBRequestCountPerTarget. Omitted means the module
    /// variable `<service>_target_group_arn_suffix` when that metric is used.
    #[serde(default)]
    pub target_group_arn_suffix: Option<String>,
    /// The alternate target group and listener rules of a BLUE_GREEN, LINEAR or CANARY
    /// deployment.
    #[serde(default)]
    pub advanced_configuration: Option<super::deployment::AdvancedConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    /// Container name, unique in the task.
    pub name: String,
    pub image: String,
    /// Hard memory limit in MiB.
    #[serde(default)]
    pub memory: Option<u32>,
    /// Soft memory limit in MiB.
    #[serde(default)]
    pub memory_reservation: Option<i64>,
    /// Whether the task stops when this container stops. Default false.
    #[serde(default)]
    pub essential: bool,
    #[serde(flatten)]
    pub container: ContainerFields,
}

impl Service {
    /// Every container's settings with the JSON path of the object that holds them, relative to
    /// the service: `""` for the main container, `sidecars[i]` for a sidecar.
    pub fn containers(&self) -> impl Iterator<Item = (String, &ContainerFields)> {
        std::iter::once((String::new(), &self.container)).chain(
            self.sidecars
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("sidecars[{i}]"), &s.container)),
        )
    }

    /// Every secret of every container.
    pub fn all_secrets(&self) -> impl Iterator<Item = &super::container::Secret> {
        self.containers().flat_map(|(_, c)| c.secrets.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names serde reads are the names gen-tf writes, which are ECS's.
    #[test]
    fn operating_systems_round_trip() {
        for os in [
            OperatingSystemFamily::Linux,
            OperatingSystemFamily::WindowsServer2019Full,
            OperatingSystemFamily::WindowsServer2019Core,
            OperatingSystemFamily::WindowsServer2022Full,
            OperatingSystemFamily::WindowsServer2022Core,
        ] {
            let v = serde_json::to_value(os).unwrap();
            assert_eq!(v, serde_json::json!(os.as_str()));
            assert_eq!(
                serde_json::from_value::<OperatingSystemFamily>(v).unwrap(),
                os
            );
        }
    }
}

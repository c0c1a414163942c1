//! `volumes`: the task's data volumes, which containers mount with `mount_points`.
//!
//! Fargate offers two kinds: a bind volume (`{}`), storage of the task's own that lives as long
//! as the task and that its containers share (the place for `/tmp` under a read-only root
//! filesystem), and an Amazon EFS file system.
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_data_volumes.html

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One volume: `{}` for a bind volume, or `{ efs: {...} }`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// An Amazon EFS file system. Omitted means a bind volume in the task's ephemeral storage.
    #[serde(default)]
    pub efs: Option<EfsVolume>,
    /// An Amazon EBS volume that the service configures (`volume_configuration`) instead of
    /// the task definition: ECS creates one per task. Linux, platform version 1.4.0 or later;
    /// one such volume per service. Default false.
    /// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specify-ebs-config.html
    #[serde(default)]
    pub configure_at_launch: Option<bool>,
}

/// An Amazon EFS file system mounted into the task (Linux, platform version 1.4.0 or later).
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EfsVolume {
    /// The file system, `fs-` and its ID.
    pub file_system_id: String,
    /// An access point (`fsap-...`), which enforces its own root directory and POSIX user.
    #[serde(default)]
    pub access_point_id: Option<String>,
    /// The directory of the file system to mount. Omitted means `/`; with an access point it
    /// must be omitted or `/`.
    #[serde(default)]
    pub root_directory: Option<String>,
    /// TLS between the task and EFS. Default `ENABLED`; IAM authorization and access points
    /// need it.
    #[serde(default)]
    pub transit_encryption: Option<Toggle>,
    /// Mount with the task role's identity, so that the file system policy can tell tasks
    /// apart. With `ENABLED` the task role gets `elasticfilesystem:ClientMount` (and
    /// `ClientWrite` when a container mounts the volume writable) on the file system. Default
    /// `DISABLED`.
    #[serde(default)]
    pub iam: Option<Toggle>,
    /// The security group of the file system's mount targets, which the tasks reach on NFS
    /// (TCP 2049). Omitted means the module variable `<service>_efs_security_group_id`, one for
    /// all of a service's file systems.
    #[serde(default)]
    pub security_group_id: Option<String>,
}

/// `ENABLED` or `DISABLED`, as ECS spells these switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Toggle {
    #[serde(rename = "ENABLED")]
    Enabled,
    #[serde(rename = "DISABLED")]
    Disabled,
}

impl Toggle {
    pub fn is_enabled(self) -> bool {
        self == Self::Enabled
    }
}

//! `volume_configuration`: the Amazon EBS volume that ECS creates for each task of a service,
//! attached to the task volume that sets `configure_at_launch`.
//!
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The service's configuration of its one `configure_at_launch` volume.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceVolumeConfiguration.html
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolumeConfiguration {
    /// The task volume (in `volumes`) that sets `configure_at_launch: true`.
    pub name: String,
    /// The EBS volume ECS creates, one per task.
    pub managed_ebs_volume: ManagedEbsVolume,
}

/// One EBS volume per task, created by ECS when the task starts and deleted when it stops.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceManagedEBSVolumeConfiguration.html
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedEbsVolume {
    /// The infrastructure role ECS assumes to create and attach the volume. Omitted: gen-tf
    /// creates `<stack>-<service>-ecs-infra` with the AWS-managed policy
    /// AmazonECSInfrastructureRolePolicyForVolumes.
    #[serde(default)]
    pub role_arn: Option<String>,
    /// GiB. Required unless `snapshot_id` is given (then the snapshot's size is the default).
    /// gp2 and gp3 take 1-16384, io1 and io2 4-16384, st1 and sc1 125-16384, standard 1-1024.
    #[serde(default)]
    #[schemars(range(min = 1, max = 16384))]
    pub size_in_gb: Option<u32>,
    /// gp3 (ECS's default), gp2, io1, io2, st1, sc1 or standard.
    #[serde(default)]
    pub volume_type: Option<EbsVolumeType>,
    /// Provisioned IOPS: gp3 3000-16000, io1 100-64000, io2 100-256000; required for io1 and
    /// io2, refused by the other types.
    #[serde(default)]
    pub iops: Option<u32>,
    /// MiB/s, gp3 only: 125-1000.
    #[serde(default)]
    pub throughput: Option<u32>,
    /// Encrypt the volume. Default true (gen-tf writes it; ECS would follow the account's
    /// default encryption setting).
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// The KMS key that encrypts the volume (key ID, key ARN or alias ARN). Omitted means the
    /// AWS-managed key for EBS.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// The Linux file system: xfs (ECS's default), ext3 or ext4. A snapshot keeps its own.
    #[serde(default)]
    pub file_system_type: Option<EbsFileSystem>,
    /// A snapshot (`snap-...`) to create each volume from.
    #[serde(default)]
    pub snapshot_id: Option<String>,
    /// Tags for each volume, written as its `tag_specifications`.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Also copy the tags of the service or the task definition onto each volume: SERVICE,
    /// TASK_DEFINITION or NONE. Omitted writes nothing (NONE).
    #[serde(default)]
    pub propagate_tags: Option<PropagateTags>,
}

/// An EBS volume type.
/// Source: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EbsVolumeType {
    Gp3,
    Gp2,
    Io1,
    Io2,
    St1,
    Sc1,
    Standard,
}

impl EbsVolumeType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gp3 => "gp3",
            Self::Gp2 => "gp2",
            Self::Io1 => "io1",
            Self::Io2 => "io2",
            Self::St1 => "st1",
            Self::Sc1 => "sc1",
            Self::Standard => "standard",
        }
    }
}

/// The file systems ECS formats an EBS volume with for a Linux task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EbsFileSystem {
    Xfs,
    Ext3,
    Ext4,
}

impl EbsFileSystem {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Xfs => "xfs",
            Self::Ext3 => "ext3",
            Self::Ext4 => "ext4",
        }
    }
}

/// Where a volume's propagated tags come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PropagateTags {
    Service,
    TaskDefinition,
    None,
}

impl PropagateTags {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Service => "SERVICE",
            Self::TaskDefinition => "TASK_DEFINITION",
            Self::None => "NONE",
        }
    }
}

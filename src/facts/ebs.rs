//! What ECS accepts for the EBS volume it creates per task, by volume type.
//!
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceManagedEBSVolumeConfiguration.html

use crate::model::ebs::EbsVolumeType;

/// The volume type ECS uses when the stack gives none.
pub(crate) const DEFAULT_VOLUME_TYPE: EbsVolumeType = EbsVolumeType::Gp3;

/// One volume type's limits: size in GiB, provisioned IOPS (`None`: the type takes none) and
/// whether IOPS must be given, throughput in MiB/s (`None`: the type takes none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub size_gib: (u32, u32),
    pub iops: Option<(u32, u32)>,
    pub iops_required: bool,
    pub throughput: Option<(u32, u32)>,
}

/// `sizeInGiB`: gp2 and gp3 1-16,384, io1 and io2 4-16,384, st1 and sc1 125-16,384, standard
/// 1-1,024. `iops`: gp3 3,000-16,000, io1 100-64,000, io2 100-256,000, required for io1 and io2
/// and not supported by the others. `throughput`: gp3 only, up to 1,000 MiB/s (gp3's baseline,
/// 125, is its least).
pub(crate) fn limits(t: EbsVolumeType) -> Limits {
    use EbsVolumeType::*;
    let (size_gib, iops, throughput) = match t {
        Gp3 => ((1, 16_384), Some((3_000, 16_000)), Some((125, 1_000))),
        Gp2 => ((1, 16_384), None, None),
        Io1 => ((4, 16_384), Some((100, 64_000)), None),
        Io2 => ((4, 16_384), Some((100, 256_000)), None),
        St1 | Sc1 => ((125, 16_384), None, None),
        Standard => ((1, 1_024), None, None),
    };
    Limits {
        size_gib,
        iops,
        iops_required: matches!(t, Io1 | Io2),
        throughput,
    }
}

//! The service's EBS volume (`volume_configuration`), and the infrastructure role that ECS
//! assumes to manage volumes and load balancers for it.

use std::collections::BTreeMap;

use crate::model::{self, ebs};

/// The managed EBS volume with gen-tf's defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ebs {
    /// The task volume it attaches to (`configure_at_launch`).
    pub name: String,
    /// `None`: the role gen-tf creates ([`Infrastructure`]).
    pub role_arn: Option<String>,
    pub size_in_gb: Option<u32>,
    pub volume_type: Option<ebs::EbsVolumeType>,
    pub iops: Option<u32>,
    pub throughput: Option<u32>,
    /// On unless the stack turns it off.
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub file_system_type: Option<ebs::EbsFileSystem>,
    pub snapshot_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub propagate_tags: Option<ebs::PropagateTags>,
}

/// The infrastructure role gen-tf writes for a service, with the AWS-managed policies it needs:
/// one role per service, in the service's file, so a service's resources stay together and
/// removing a service removes its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Infrastructure {
    /// AmazonECSInfrastructureRolePolicyForVolumes: an EBS volume names no role.
    pub volumes: bool,
    /// AmazonECSInfrastructureRolePolicyForLoadBalancers: an advanced configuration names no
    /// role.
    pub load_balancers: bool,
}

pub(crate) fn resolve(svc: &model::Service) -> Option<Ebs> {
    let c = svc.volume_configuration.as_ref()?;
    let v = &c.managed_ebs_volume;
    Some(Ebs {
        name: c.name.clone(),
        role_arn: v.role_arn.clone(),
        size_in_gb: v.size_in_gb,
        volume_type: v.volume_type,
        iops: v.iops,
        throughput: v.throughput,
        encrypted: v.encrypted.unwrap_or(true),
        kms_key_id: v.kms_key_id.clone(),
        file_system_type: v.file_system_type,
        snapshot_id: v.snapshot_id.clone(),
        tags: v.tags.clone(),
        propagate_tags: v.propagate_tags,
    })
}

/// The role gen-tf writes, when something of the service needs one and names none.
pub(crate) fn infrastructure(svc: &model::Service, ebs: Option<&Ebs>) -> Option<Infrastructure> {
    let volumes = ebs.is_some_and(|e| e.role_arn.is_none());
    let mut advanced = svc
        .load_balancer
        .iter()
        .filter_map(|lb| lb.advanced_configuration.as_ref())
        .chain(
            svc.load_balancers
                .iter()
                .filter_map(|t| t.advanced_configuration.as_ref()),
        );
    let load_balancers = advanced.any(|a| a.role_arn.is_none());
    (volumes || load_balancers).then_some(Infrastructure {
        volumes,
        load_balancers,
    })
}

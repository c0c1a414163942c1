//! Resolved task volumes, and what an EFS volume needs around it: a way through the task
//! security group to the file system's mount targets.

use super::derived;
use std::collections::BTreeMap;

use crate::model::{self, ServiceName};

use super::container::Container;
use super::egress::{Destination, Egress, IpProtocol};

/// NFS, the port of EFS mount targets (with and without TLS: the mount helper tunnels TLS to
/// the same port).
/// Source: https://docs.aws.amazon.com/efs/latest/ug/network-access.html
pub(crate) const NFS_PORT: u16 = 2049;

/// One volume of the task definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Volume {
    pub name: String,
    /// `None`: a bind volume in the task's storage.
    pub efs: Option<Efs>,
    /// The service configures it: an EBS volume (`volume_configuration`).
    pub configure_at_launch: bool,
}

/// An EFS volume with gen-tf's defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Efs {
    pub file_system_id: String,
    pub access_point_id: Option<String>,
    pub root_directory: Option<String>,
    /// On unless the stack turns it off.
    pub transit_encryption: bool,
    /// Whether the task role's identity mounts it.
    pub iam: bool,
    /// The mount targets' security group; `None` means `var.<service>_efs_security_group_id`.
    pub security_group_id: Option<String>,
    /// Whether a container mounts it writable (the task role then needs ClientWrite too).
    pub written: bool,
}

/// The volumes in name order, each EFS volume knowing whether any container writes to it.
pub(super) fn resolve(svc: &model::Service, containers: &[Container]) -> Vec<Volume> {
    svc.volumes
        .iter()
        .map(|(name, v)| Volume {
            name: name.clone(),
            configure_at_launch: v.configure_at_launch.unwrap_or(false),
            efs: v.efs.as_ref().map(|e| Efs {
                file_system_id: e.file_system_id.clone(),
                access_point_id: e.access_point_id.clone(),
                root_directory: e.root_directory.clone(),
                transit_encryption: derived::efs_transit_encryption(e),
                iam: derived::efs_iam(e),
                security_group_id: e.security_group_id.clone(),
                written: containers.iter().any(|c| {
                    c.settings
                        .mount_points
                        .iter()
                        .any(|m| &m.volume == name && !m.read_only)
                }),
            }),
        })
        .collect()
}

/// NFS egress to the file systems' mount targets, one rule per destination: AWS refuses a
/// second identical rule (`InvalidPermission.Duplicate`), so volumes that share a security
/// group share the rule. A file system has one set of mount targets, so when one of its volumes
/// names their security group, its other volumes use that group too instead of the module
/// variable, which the caller would pass as the same group. Without the rule the task cannot
/// mount the volume and stops before its containers start.
pub(super) fn egress(service: &ServiceName, volumes: &[Volume]) -> Vec<Egress> {
    let efs = || {
        volumes
            .iter()
            .filter_map(|v| v.efs.as_ref().map(|e| (v, e)))
    };
    // File system -> the security group that one of its volumes names.
    let mut named: BTreeMap<&str, &str> = BTreeMap::new();
    for (_, e) in efs() {
        if let Some(sg) = e.security_group_id.as_deref() {
            named.entry(&e.file_system_id).or_insert(sg);
        }
    }
    let mut given: BTreeMap<&str, &str> = BTreeMap::new();
    let mut variable = false;
    for (v, e) in efs() {
        let sg = e
            .security_group_id
            .as_deref()
            .or_else(|| named.get(e.file_system_id.as_str()).copied());
        match sg {
            None => variable = true,
            Some(sg) => {
                given.entry(sg).or_insert(&v.name);
            }
        }
    }
    let nfs = |label: String, description: String, to: Destination| Egress {
        label,
        description,
        protocol: IpProtocol::Tcp,
        ports: Some((NFS_PORT, NFS_PORT)),
        to,
    };
    let mut out = Vec::new();
    if variable {
        out.push(nfs(
            "to_efs".to_owned(),
            format!("{service} to its EFS file systems on {NFS_PORT} (NFS)"),
            Destination::Variable {
                name: format!("{}_efs_security_group_id", service.ident()),
                description: format!(
                    "Security group of the EFS mount targets that {service} mounts."
                ),
            },
        ));
    }
    for (sg, volume) in given {
        out.push(nfs(
            format!("to_efs_{volume}"),
            format!("{service} to the EFS file system of volume {volume} on {NFS_PORT} (NFS)"),
            Destination::SecurityGroup(sg.to_owned()),
        ));
    }
    out
}

//! The task's `volumes`: names ECS accepts, and EFS configurations that mount. The provider
//! checks only the enum values; an EFS volume that cannot mount fails each task at start.

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::resolve::service::Service;
use crate::resolve::volume::Efs;
use crate::resolve::Resolved;

use super::naming::is_ecs_name;

const EFS_VOLUMES: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html";

pub(super) static VOLUME_NAME: Rule = Rule {
    code: "volume-name",
    severity: Severity::Error,
    summary: "A volume name that ECS does not accept.",
    fact: "A volume name is up to 255 letters, numbers, underscores and hyphens.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html",
};

pub(super) static VOLUME_EFS: Rule = Rule {
    code: "volume-efs",
    severity: Severity::Error,
    summary: "An EFS volume that cannot mount: malformed IDs, IAM or an access point without transit encryption, a root directory beside an access point, or a task that cannot use EFS.",
    fact: "IAM authorization and access points need transit encryption; with an access point the root directory must be omitted or '/'. File systems are fs-<hex>, access points fsap-<hex>, security groups sg-<hex>. Fargate mounts EFS on Linux platform version 1.4.0 or later, not on Windows.",
    source: EFS_VOLUMES,
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&VOLUME_NAME, &VOLUME_EFS];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let base = join(&svc.path, "volumes");
        for v in &svc.task.volumes {
            let volume = &v.name;
            let path = join(&base, volume);
            if !is_ecs_name(volume) {
                out.push(
                    Diagnostic::new(
                        &VOLUME_NAME,
                        path.clone(),
                        format!("{volume:?} is not a valid volume name"),
                    )
                    .help("use 1-255 letters, digits, '_' and '-'"),
                );
            }
            if let Some(efs) = &v.efs {
                check_efs(&join(&path, "efs"), volume, efs, svc, out);
            }
        }
    }
}

/// `<prefix>` and 8 to `max` lower-case hex digits: the shape of EFS and VPC IDs.
fn is_id(s: &str, prefix: &str, max: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|hex| {
        (8..=max).contains(&hex.len())
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn check_efs(path: &str, volume: &str, e: &Efs, svc: &Service, out: &mut Vec<Diagnostic>) {
    let mut bad = |field: &str, message: String, help: &str| {
        out.push(Diagnostic::new(&VOLUME_EFS, join(path, field), message).help(help));
    };
    // Sources: https://docs.aws.amazon.com/efs/latest/ug/API_FileSystemDescription.html,
    // https://docs.aws.amazon.com/efs/latest/ug/API_AccessPointDescription.html
    if !is_id(&e.file_system_id, "fs-", 40) {
        bad(
            "file_system_id",
            format!("{:?} is not an EFS file system ID", e.file_system_id),
            "write the ID, fs- and its hexadecimal digits, for example fs-0123456789abcdef0",
        );
    }
    if let Some(ap) = e
        .access_point_id
        .as_deref()
        .filter(|ap| !is_id(ap, "fsap-", 40))
    {
        bad(
            "access_point_id",
            format!("{ap:?} is not an EFS access point ID"),
            "write the ID, fsap- and its hexadecimal digits, for example fsap-0123456789abcdef0",
        );
    }
    if let Some(sg) = e
        .security_group_id
        .as_deref()
        .filter(|sg| !is_id(sg, "sg-", 17))
    {
        bad("security_group_id", format!("{sg:?} is not a security group ID"),
            "write the ID of the mount targets' security group, sg- and its hexadecimal digits, or omit it to get a variable");
    }
    if !e.transit_encryption {
        let needs = match (e.iam, e.access_point_id.is_some()) {
            (true, true) => Some("IAM authorization and an access point"),
            (true, false) => Some("IAM authorization"),
            (false, true) => Some("an access point"),
            (false, false) => None,
        };
        if let Some(needs) = needs {
            bad(
                "transit_encryption",
                format!(
                    "volume {volume} uses {needs}, which EFS allows only with transit encryption"
                ),
                "remove transit_encryption (it defaults to ENABLED)",
            );
        }
    }
    match e.root_directory.as_deref() {
        Some(dir) if e.access_point_id.is_some() && dir != "/" => bad(
            "root_directory",
            format!("with an access point the root directory is the access point's, not {dir:?}"),
            "remove root_directory (the access point sets it)",
        ),
        Some(dir) if !dir.starts_with('/') => bad(
            "root_directory",
            format!("{dir:?} is not an absolute path in the file system"),
            "write the directory from the file system's root, for example /uploads",
        ),
        _ => {}
    }
    if svc.task.os.is_windows() {
        out.push(
            Diagnostic::new(
                &VOLUME_EFS,
                path.to_owned(),
                format!("volume {volume}: Windows tasks on Fargate cannot mount EFS"),
            )
            .help("run the service on LINUX, or remove the EFS volume"),
        );
    } else if svc.task.platform_version == "1.3.0" {
        out.push(
            Diagnostic::new(&VOLUME_EFS, path.to_owned(), format!("volume {volume}: EFS needs Fargate platform version 1.4.0 or later; the service runs on 1.3.0"))
                .help("set platform_version: '1.4.0', or remove it (LATEST)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_id;

    #[test]
    fn ids() {
        assert!(is_id("fs-0123abcd", "fs-", 40));
        assert!(is_id("fs-0123456789abcdef0", "fs-", 40));
        assert!(is_id("sg-0123456789abcdef0", "sg-", 17));
        assert!(!is_id("fs-0123ABCD", "fs-", 40));
        assert!(!is_id("fs-0123", "fs-", 40));
        assert!(!is_id("fsap-0123abcd", "fs-", 40));
        assert!(!is_id("sg-0123456789abcdef01", "sg-", 17));
    }
}

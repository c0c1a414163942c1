//! EBS volumes that ECS creates per task (`volume_configuration` and the task volume with
//! `configure_at_launch`): limits per volume type, the pairing of the two, and the platform.
//! The provider checks only the enums and the throughput's upper bound; the rest fails each
//! task's launch, after `terraform apply` succeeded.

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::facts::ebs::{limits, DEFAULT_VOLUME_TYPE};
use crate::resolve::ebs::Ebs;
use crate::resolve::{Resolved, Service};

use super::platform::before_1_4;

pub(super) static EBS_VOLUME_LIMITS: Rule = Rule {
    code: "ebs-volume-limits",
    severity: Severity::Error,
    summary: "An EBS volume whose size, IOPS or throughput its volume type does not allow, or that has neither a size nor a snapshot.",
    fact: "sizeInGiB: gp2 and gp3 1-16384, io1 and io2 4-16384, st1 and sc1 125-16384, standard 1-1024; a size or a snapshot is required. iops: gp3 3000-16000, io1 100-64000, io2 100-256000, required for io1 and io2, not supported by gp2, st1, sc1 and standard. throughput: gp3 only, 125-1000 MiB/s. The volume type defaults to gp3.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceManagedEBSVolumeConfiguration.html",
};

pub(super) static CONFIGURE_AT_LAUNCH: Rule = Rule {
    code: "configure-at-launch",
    severity: Severity::Error,
    summary: "A volume with configure_at_launch that the service's volume_configuration does not name, a volume_configuration that names no such volume, more than one such volume, or one that is an EFS volume too.",
    fact: "A task definition volume with configuredAtLaunch is configured when the service launches tasks: the service's volumeConfigurations name it, and a service configures one volume. A volume configured at launch has no other configuration (EFS).",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specify-ebs-config.html",
};

pub(super) static EBS_PLATFORM: Rule = Rule {
    code: "ebs-platform",
    severity: Severity::Error,
    summary: "An EBS volume on Fargate platform version 1.3.0, or on a Windows task.",
    fact: "Fargate attaches EBS volumes to Linux tasks on platform version 1.4.0 or later.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html#ebs-volumes-configuration",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&EBS_VOLUME_LIMITS, &CONFIGURE_AT_LAUNCH, &EBS_PLATFORM];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let base = &svc.path;
        pairing(svc, base, out);
        if let Some(v) = &svc.ebs {
            let path = join(&join(base, "volume_configuration"), "managed_ebs_volume");
            volume_limits(v, &path, out);
            platform(svc, &join(base, "volume_configuration"), out);
        }
    }
}

fn push(out: &mut Vec<Diagnostic>, rule: &'static Rule, path: String, message: String, help: &str) {
    out.push(Diagnostic::new(rule, path, message).help(help));
}

/// The volume with `configure_at_launch` and the service's `volume_configuration` name each
/// other.
fn pairing(svc: &Service, base: &str, out: &mut Vec<Diagnostic>) {
    let volumes = join(base, "volumes");
    let at_launch: Vec<&String> = svc
        .task
        .volumes
        .iter()
        .filter(|v| v.configure_at_launch)
        .map(|v| &v.name)
        .collect();
    for v in &svc.task.volumes {
        let n = &v.name;
        if v.configure_at_launch && v.efs.is_some() {
            push(out, &CONFIGURE_AT_LAUNCH, join(&join(&volumes, n), "configure_at_launch"), format!("volume {n} is an EFS volume, and a volume configured at launch is an EBS volume of the service"), "remove configure_at_launch, or remove efs");
        }
    }
    let named = svc.ebs.as_ref().map(|c| c.name.as_str());
    for n in &at_launch {
        if named != Some(n.as_str()) {
            push(out, &CONFIGURE_AT_LAUNCH, join(&join(&volumes, n), "configure_at_launch"), format!("volume {n} is configured at launch, and the service's volume_configuration does not name it"), &format!("add volume_configuration: {{ name: '{n}', managed_ebs_volume: {{ size_in_gb: ... }} }}, or remove configure_at_launch"));
        }
    }
    let Some(name) = named else { return };
    let path = join(&join(base, "volume_configuration"), "name");
    match svc.task.volumes.iter().find(|v| v.name == name) {
        None => push(
            out,
            &CONFIGURE_AT_LAUNCH,
            path,
            format!("the service has no volume {name:?}"),
            &format!("add volumes: {{ {name}: {{ configure_at_launch: true }} }}, and mount it with mount_points"),
        ),
        Some(v) if !v.configure_at_launch => push(
            out,
            &CONFIGURE_AT_LAUNCH,
            path,
            format!("volume {name} does not set configure_at_launch, so the task definition would not take the service's EBS volume"),
            &format!("set configure_at_launch: true on volumes.{name}"),
        ),
        Some(_) => {}
    }
}

fn volume_limits(v: &Ebs, path: &str, out: &mut Vec<Diagnostic>) {
    let t = v.volume_type.unwrap_or(DEFAULT_VOLUME_TYPE);
    // "an io2 volume", "an st1 volume", "a gp3 volume", "a standard volume".
    let ty = match t.as_str() {
        read @ ("io1" | "io2" | "st1" | "sc1") => format!("n {read}"),
        other => format!(" {other}"),
    };
    let l = limits(t);
    let outside = |n: u32, (lo, hi): (u32, u32)| n < lo || n > hi;
    match v.size_in_gb {
        Some(size) if outside(size, l.size_gib) => push(
            out,
            &EBS_VOLUME_LIMITS,
            join(path, "size_in_gb"),
            format!(
                "a{ty} volume is {}-{} GiB, not {size}",
                l.size_gib.0, l.size_gib.1
            ),
            &format!(
                "set size_in_gb between {} and {}, or choose another volume_type",
                l.size_gib.0, l.size_gib.1
            ),
        ),
        None if v.snapshot_id.is_none() => push(
            out,
            &EBS_VOLUME_LIMITS,
            join(path, "size_in_gb"),
            "the volume has neither a size nor a snapshot to take it from".to_owned(),
            "set size_in_gb, or snapshot_id",
        ),
        _ => {}
    }
    match (v.iops, l.iops) {
        (Some(_), None) => push(
            out,
            &EBS_VOLUME_LIMITS,
            join(path, "iops"),
            format!("a{ty} volume takes no provisioned IOPS"),
            "remove iops, or use volume_type gp3, io1 or io2",
        ),
        (Some(n), Some(range)) if outside(n, range) => push(
            out,
            &EBS_VOLUME_LIMITS,
            join(path, "iops"),
            format!("a{ty} volume takes {}-{} IOPS, not {n}", range.0, range.1),
            &format!("set iops between {} and {}", range.0, range.1),
        ),
        (None, Some(range)) if l.iops_required => push(
            out,
            &EBS_VOLUME_LIMITS,
            join(path, "iops"),
            format!("a{ty} volume needs its provisioned IOPS"),
            &format!("set iops between {} and {}", range.0, range.1),
        ),
        _ => {}
    }
    match (v.throughput, l.throughput) {
        (Some(_), None) => push(
            out,
            &EBS_VOLUME_LIMITS,
            join(path, "throughput"),
            format!(
                "throughput applies to gp3 volumes, and this one is {}",
                t.as_str()
            ),
            "remove throughput, or use volume_type gp3",
        ),
        (Some(n), Some(range)) if outside(n, range) => push(
            out,
            &EBS_VOLUME_LIMITS,
            join(path, "throughput"),
            format!("a{ty} volume takes {}-{} MiB/s, not {n}", range.0, range.1),
            &format!("set throughput between {} and {}", range.0, range.1),
        ),
        _ => {}
    }
}

fn platform(svc: &Service, path: &str, out: &mut Vec<Diagnostic>) {
    if svc.task.os.is_windows() {
        push(
            out,
            &EBS_PLATFORM,
            path.to_owned(),
            "Fargate attaches EBS volumes to Linux tasks only, and this task runs Windows"
                .to_owned(),
            "run the service on LINUX, or remove volume_configuration",
        );
    } else if before_1_4(&svc.task.platform_version) {
        push(
            out,
            &EBS_PLATFORM,
            path.to_owned(),
            format!(
                "EBS volumes need Fargate platform version 1.4.0 or later; the service runs on {}",
                svc.task.platform_version
            ),
            "set platform_version: '1.4.0', or remove it (LATEST)",
        );
    }
}

//! The container and task fields of the random stacks (issue 14): health checks, commands,
//! users, stop timeouts, ulimits, init processes, terminals, environment files, registry
//! credentials and sidecar secrets on every container, `depends_on` from the main container to its sidecars,
//! and the task's volumes with the mount points that use them. Drawn valid; what random draws
//! would break (timeouts not below intervals, conditions a sidecar cannot meet, more than ten
//! environment files) is repaired when the stack is assembled.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

use super::{hostile, put};

const ULIMITS: &[&str] = &[
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// Fargate's largest `nofile`.
const NOFILE_MAX: u32 = 1_048_576;

#[derive(Debug, Clone)]
pub struct HealthCheck {
    shell: bool,
    tail: String,
    interval: Option<u32>,
    timeout: Option<u32>,
    retries: Option<u32>,
    start_period: Option<u32>,
}

fn health_check() -> impl Strategy<Value = HealthCheck> {
    (
        any::<bool>(),
        hostile(),
        prop::option::of(5u32..=300),
        prop::option::of(2u32..=120),
        prop::option::of(1u32..=10),
        prop::option::of(0u32..=300),
    )
        .prop_map(
            |(shell, tail, interval, timeout, retries, start_period)| HealthCheck {
                shell,
                tail,
                interval,
                timeout,
                retries,
                start_period,
            },
        )
}

/// One container's fields beyond image, memory, port and environment.
#[derive(Debug, Clone)]
pub struct Extras {
    pub health_check: Option<HealthCheck>,
    command: Vec<String>,
    entry_point: Vec<String>,
    working_directory: Option<String>,
    user: Option<String>,
    stop_timeout: Option<u32>,
    /// (name index, soft limit per mille of the hard one, hard limit).
    ulimits: Vec<(usize, u32, u32)>,
    init_process_enabled: Option<bool>,
    pseudo_terminal: Option<bool>,
    /// (enabled, ignored exit codes, restart attempt period).
    restart_policy: Option<(Option<bool>, Vec<i32>, Option<u32>)>,
    version_consistency: Option<bool>,
    /// Object keys, without the `.env` extension.
    environment_files: Vec<String>,
    /// (volume index, read only); the index is taken modulo the task's volumes.
    mounts: Vec<(usize, bool)>,
    /// Registry credentials, with or without a KMS key; only for images outside ECR.
    credentials: Option<bool>,
    /// Sidecar secrets: (name, kind of ARN).
    secrets: Vec<(String, usize)>,
}

impl Extras {
    pub fn environment_files_is_empty(&self) -> bool {
        self.environment_files.is_empty()
    }
}

pub fn extras() -> impl Strategy<Value = Extras> {
    let run = (
        prop::option::of(health_check()),
        prop::collection::vec(hostile(), 0..3),
        prop::collection::vec(hostile(), 0..2),
        prop::option::of(prop_oneof![Just("/srv/app".to_owned()), hostile()]),
        prop::option::of(
            select(&["1000", "1000:1000", "nobody", "app:app"][..]).prop_map(str::to_owned),
        ),
        prop::option::of(2u32..=120),
        prop::option::of(any::<bool>()),
    );
    let limits = (
        prop::collection::vec((0..ULIMITS.len(), 0u32..=1000, 0u32..=2_000_000), 0..3),
        prop::option::of(any::<bool>()),
        prop::collection::vec("[a-z0-9][a-z0-9/_-]{0,16}", 0..3),
        prop::collection::vec((0usize..4, any::<bool>()), 0..3),
        prop::option::of(any::<bool>()),
        prop::collection::vec(("[A-Z_][A-Z0-9_]{0,10}", 0usize..3), 0..2),
    );
    let restarts = (
        prop::option::of((
            prop::option::of(any::<bool>()),
            prop::collection::vec(0i32..=255, 0..4),
            prop::option::of(60u32..=1800),
        )),
        prop::option::of(any::<bool>()),
    );
    (run, limits, restarts).prop_map(
        |(
            (
                health_check,
                command,
                entry_point,
                working_directory,
                user,
                stop_timeout,
                pseudo_terminal,
            ),
            (ulimits, init_process_enabled, environment_files, mounts, credentials, secrets),
            (restart_policy, version_consistency),
        )| Extras {
            health_check,
            command,
            entry_point,
            working_directory,
            user,
            stop_timeout,
            ulimits,
            init_process_enabled,
            pseudo_terminal,
            restart_policy,
            version_consistency,
            environment_files,
            mounts,
            credentials,
            secrets,
        },
    )
}

/// A task volume: a bind volume or EFS.
#[derive(Debug, Clone)]
pub enum Volume {
    Bind,
    Efs {
        access_point: bool,
        iam: Option<bool>,
        transit: Option<bool>,
        root: Option<String>,
        security_group: bool,
    },
    /// An EBS volume the service configures at launch (only the first one drawn; a service
    /// configures one).
    Ebs(Ebs),
}

/// The drawn `volume_configuration.managed_ebs_volume`, made valid for its type when written.
#[derive(Debug, Clone)]
pub struct Ebs {
    /// Index into EBS_TYPES; `None` leaves ECS's gp3.
    kind: Option<usize>,
    role: bool,
    /// Per mille of the type's size range; `None` with a snapshot.
    size: Option<u32>,
    snapshot: bool,
    /// Per mille of the type's IOPS range.
    iops: Option<u32>,
    /// Per mille of gp3's throughput range.
    throughput: Option<u32>,
    encrypted: Option<bool>,
    kms: bool,
    file_system: Option<usize>,
    tags: bool,
    propagate: Option<usize>,
}

/// An inclusive range.
type Range = (u32, u32);

/// Volume type, size range, IOPS range (`None`: takes none) and whether IOPS are required.
const EBS_TYPES: &[(&str, Range, Option<Range>, bool)] = &[
    ("gp3", (1, 16384), Some((3000, 16000)), false),
    ("gp2", (1, 16384), None, false),
    ("io1", (4, 16384), Some((100, 64000)), true),
    ("io2", (4, 16384), Some((100, 256000)), true),
    ("st1", (125, 16384), None, false),
    ("sc1", (125, 16384), None, false),
    ("standard", (1, 1024), None, false),
];

fn ebs() -> impl Strategy<Value = Ebs> {
    (
        (
            prop::option::of(0..EBS_TYPES.len()),
            any::<bool>(),
            prop::option::of(0u32..=1000),
            any::<bool>(),
            prop::option::of(0u32..=1000),
            prop::option::of(0u32..=1000),
        ),
        (
            prop::option::of(any::<bool>()),
            any::<bool>(),
            prop::option::of(0usize..3),
            any::<bool>(),
            prop::option::of(0usize..3),
        ),
    )
        .prop_map(
            |(
                (kind, role, size, snapshot, iops, throughput),
                (encrypted, kms, file_system, tags, propagate),
            )| Ebs {
                kind,
                role,
                size,
                snapshot,
                iops,
                throughput,
                encrypted,
                kms,
                file_system,
                tags,
                propagate,
            },
        )
}

/// `volume_configuration` for the volume `name`, valid for the drawn type.
fn ebs_value(name: &str, e: &Ebs) -> Value {
    let (kind, size_range, iops_range, iops_required) = EBS_TYPES[e.kind.unwrap_or(0)];
    let within =
        |(lo, hi): (u32, u32), pm: u32| lo + (u64::from(hi - lo) * u64::from(pm) / 1000) as u32;
    let mut v = Map::new();
    if e.kind.is_some() {
        v.insert("volume_type".into(), kind.into());
    }
    if e.role {
        v.insert(
            "role_arn".into(),
            "arn:aws:iam::123456789012:role/ecs-infrastructure-volumes".into(),
        );
    }
    if e.snapshot {
        v.insert("snapshot_id".into(), "snap-0123456789abcdef0".into());
    }
    if let Some(pm) = e.size.or((!e.snapshot).then_some(0)) {
        v.insert("size_in_gb".into(), within(size_range, pm).into());
    }
    if let Some(range) = iops_range {
        if let Some(pm) = e.iops.or(iops_required.then_some(0)) {
            v.insert("iops".into(), within(range, pm).into());
        }
    }
    if kind == "gp3" {
        if let Some(pm) = e.throughput {
            v.insert("throughput".into(), within((125, 1000), pm).into());
        }
    }
    put(&mut v, "encrypted", e.encrypted.map(Value::from));
    if e.kms {
        v.insert(
            "kms_key_id".into(),
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
        );
    }
    put(
        &mut v,
        "file_system_type",
        e.file_system
            .map(|i| Value::from(["xfs", "ext3", "ext4"][i])),
    );
    if e.tags {
        v.insert("tags".into(), json!({ "purpose": "scratch" }));
    }
    put(
        &mut v,
        "propagate_tags",
        e.propagate
            .map(|i| Value::from(["SERVICE", "TASK_DEFINITION", "NONE"][i])),
    );
    json!({ "name": name, "managed_ebs_volume": v })
}

pub fn volumes() -> impl Strategy<Value = Vec<(String, Volume)>> {
    let efs = (
        any::<bool>(),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        prop::option::of("/[a-z0-9_-]{1,12}(/[a-z0-9_-]{1,8})?"),
        any::<bool>(),
    )
        .prop_map(
            |(access_point, iam, transit, root, security_group)| Volume::Efs {
                access_point,
                iam,
                transit,
                root,
                security_group,
            },
        );
    let volume = prop_oneof![1 => Just(Volume::Bind), 2 => efs, 1 => ebs().prop_map(Volume::Ebs)];
    prop::collection::vec(("[A-Za-z][A-Za-z0-9_-]{0,12}", volume), 0..4)
}

/// `depends_on` of the main container: (sidecar index, condition kind), taken modulo the kept
/// sidecars.
pub fn depends() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0usize..3, 0usize..4), 0..3)
}

/// What assembling one container's extras needs to know about its task.
pub struct TaskView<'a> {
    pub region: Option<&'a str>,
    pub volumes: &'a [String],
    /// Environment files already given to the task's other containers (at most 10 in all).
    pub files: usize,
    /// Whether environment files can be downloaded (no 'ecr-layers' s3 policy in the way).
    pub files_allowed: bool,
}

/// Writes `x` into a container object. `outside_ecr`: the image comes from another registry,
/// which is where credentials belong.
/// A restart policy the `restart-policy` rule accepts: nothing else while it is off, each exit
/// code once.
fn restart_policy_value((enabled, codes, period): &(Option<bool>, Vec<i32>, Option<u32>)) -> Value {
    let mut p = Map::new();
    if let Some(e) = enabled {
        p.insert("enabled".into(), (*e).into());
    }
    if *enabled != Some(false) {
        let codes: BTreeSet<i32> = codes.iter().copied().collect();
        if !codes.is_empty() {
            p.insert("ignored_exit_codes".into(), json!(codes));
        }
        if let Some(s) = period {
            p.insert("restart_attempt_period".into(), (*s).into());
        }
    }
    Value::Object(p)
}

pub fn put_extras(
    c: &mut Map<String, Value>,
    x: &Extras,
    outside_ecr: bool,
    task: &mut TaskView<'_>,
) {
    if let Some(h) = &x.health_check {
        c.insert("health_check".into(), health_check_value(h));
    }
    let strings = |v: &[String]| (!v.is_empty()).then(|| json!(v));
    put(c, "command", strings(&x.command));
    put(c, "entry_point", strings(&x.entry_point));
    put(
        c,
        "working_directory",
        x.working_directory.clone().map(Value::from),
    );
    put(c, "user", x.user.clone().map(Value::from));
    put(c, "stop_timeout", x.stop_timeout.map(Value::from));
    let mut names = BTreeSet::new();
    let ulimits: Vec<Value> = x
        .ulimits
        .iter()
        .filter(|(n, _, _)| names.insert(*n))
        .map(|&(n, per_mille, hard)| {
            let hard = if ULIMITS[n] == "nofile" { hard.min(NOFILE_MAX) } else { hard };
            json!({ "name": ULIMITS[n], "soft": (u64::from(hard) * u64::from(per_mille) / 1000), "hard": hard })
        })
        .collect();
    put(
        c,
        "ulimits",
        (!ulimits.is_empty()).then_some(Value::Array(ulimits)),
    );
    put(
        c,
        "init_process_enabled",
        x.init_process_enabled.map(Value::from),
    );
    put(c, "pseudo_terminal", x.pseudo_terminal.map(Value::from));
    put(
        c,
        "restart_policy",
        x.restart_policy.as_ref().map(restart_policy_value),
    );
    put(
        c,
        "version_consistency",
        x.version_consistency.map(Value::from),
    );
    if task.files_allowed {
        let room = 10 - task.files.min(10);
        let files: Vec<Value> = x
            .environment_files
            .iter()
            .take(room)
            .map(|k| json!(format!("arn:aws:s3:::gen-tf-config/{k}.env")))
            .collect();
        task.files += files.len();
        put(
            c,
            "environment_files",
            (!files.is_empty()).then_some(Value::Array(files)),
        );
    }
    if !task.volumes.is_empty() {
        let mut used = BTreeSet::new();
        let mounts: Vec<Value> = x
            .mounts
            .iter()
            .map(|&(i, ro)| (&task.volumes[i % task.volumes.len()], ro))
            .filter(|(v, _)| used.insert(*v))
            .map(|(v, ro)| json!({ "volume": v, "path": format!("/mnt/{v}"), "read_only": ro }))
            .collect();
        put(
            c,
            "mount_points",
            (!mounts.is_empty()).then_some(Value::Array(mounts)),
        );
    }
    if let (Some(with_key), true) = (x.credentials, outside_ecr) {
        let r = task.region.unwrap_or("us-east-1");
        let arn = format!("arn:aws:secretsmanager:{r}:123456789012:secret:registry/mirror-AbCdEf");
        c.insert(
            "repository_credentials".into(),
            if with_key {
                json!({ "credentials_parameter": arn, "kms_key_arn": format!("arn:aws:kms:{r}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab") })
            } else {
                json!(arn)
            },
        );
    }
}

/// A health check whose timeout is below its interval (ECS's defaults: 5 and 30 seconds).
fn health_check_value(h: &HealthCheck) -> Value {
    let mut o = Map::new();
    let first = if h.shell { "CMD-SHELL" } else { "CMD" };
    o.insert(
        "command".into(),
        json!([first, format!("check {}", h.tail)]),
    );
    let interval = h.interval.unwrap_or(30);
    let timeout = h.timeout.filter(|t| *t < interval).or_else(|| {
        // A timeout at or above the interval becomes one second below it.
        h.timeout.map(|_| (interval - 1).clamp(2, 120))
    });
    let timeout = match (timeout, h.interval) {
        (None, Some(i)) if i <= 5 => Some(2),
        (t, _) => t,
    };
    put(&mut o, "interval", h.interval.map(Value::from));
    put(&mut o, "timeout", timeout.map(Value::from));
    put(&mut o, "retries", h.retries.map(Value::from));
    put(&mut o, "start_period", h.start_period.map(Value::from));
    Value::Object(o)
}

/// Sidecar secrets, skipping names the sidecar's environment already uses.
pub fn put_sidecar_secrets(
    c: &mut Map<String, Value>,
    x: &Extras,
    env: &BTreeSet<String>,
    region: Option<&str>,
) {
    let mut taken = env.clone();
    let secrets: Vec<Value> = x
        .secrets
        .iter()
        .filter(|(n, _)| taken.insert(n.clone()))
        .map(|(n, kind)| super::secret(region, n, *kind))
        .collect();
    put(
        c,
        "secrets",
        (!secrets.is_empty()).then_some(Value::Array(secrets)),
    );
}

/// The task's volumes as the stack writes them, with names made unique; EFS volumes with IAM or
/// an access point keep transit encryption on, and a root directory only without an access
/// point; the first EBS volume is configured at launch by the returned `volume_configuration`,
/// and any other is a bind volume.
pub fn volumes_value(list: &[(String, Volume)]) -> (Vec<String>, Option<Value>, Option<Value>) {
    let mut out = Map::new();
    let mut configuration = None;
    for (i, (name, v)) in list.iter().enumerate() {
        if out.contains_key(name) {
            continue;
        }
        let value = match v {
            Volume::Bind => json!({}),
            Volume::Ebs(_) if configuration.is_some() => json!({}),
            Volume::Ebs(e) => {
                configuration = Some(ebs_value(name, e));
                json!({ "configure_at_launch": true })
            }
            Volume::Efs {
                access_point,
                iam,
                transit,
                root,
                security_group,
            } => {
                let mut e = Map::new();
                e.insert(
                    "file_system_id".into(),
                    format!("fs-0123456789abcde{i:02x}").into(),
                );
                if *access_point {
                    e.insert(
                        "access_point_id".into(),
                        format!("fsap-0123456789abcde{i:02x}").into(),
                    );
                } else {
                    put(&mut e, "root_directory", root.clone().map(Value::from));
                }
                let needs_tls = *access_point || *iam == Some(true);
                let transit = transit.filter(|on| *on || !needs_tls);
                let toggle = |b: bool| Value::from(if b { "ENABLED" } else { "DISABLED" });
                put(&mut e, "transit_encryption", transit.map(toggle));
                put(&mut e, "iam", iam.map(toggle));
                if *security_group {
                    e.insert(
                        "security_group_id".into(),
                        format!("sg-0123456789abcde{i:02x}").into(),
                    );
                }
                json!({ "efs": e })
            }
        };
        out.insert(name.clone(), value);
    }
    let names = out.keys().cloned().collect();
    (
        names,
        (!out.is_empty()).then_some(Value::Object(out)),
        configuration,
    )
}

/// One of the kept sidecars, as `depends_on` sees it.
pub struct SidecarView<'a> {
    pub name: &'a str,
    pub essential: bool,
    pub healthy: bool,
}

/// The main container's `depends_on`: each condition the sidecar can meet, else START.
pub fn depends_value(picks: &[(usize, usize)], sidecars: &[SidecarView<'_>]) -> Option<Value> {
    if sidecars.is_empty() {
        return None;
    }
    let mut seen = BTreeSet::new();
    let list: Vec<Value> = picks
        .iter()
        .map(|&(i, kind)| (&sidecars[i % sidecars.len()], kind))
        .filter(|(s, _)| seen.insert(s.name))
        .map(|(s, kind)| {
            let condition = match kind {
                1 if !s.essential => "COMPLETE",
                2 if !s.essential => "SUCCESS",
                3 if s.healthy => "HEALTHY",
                _ => "START",
            };
            json!({ "container": s.name, "condition": condition })
        })
        .collect();
    (!list.is_empty()).then_some(Value::Array(list))
}

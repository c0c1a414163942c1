//! What each container is given beyond image, memory and environment: health checks,
//! dependencies between containers, mount points, ulimits, environment files, private registry
//! credentials, and the settings Windows containers do not take. The provider passes all of
//! them to ECS as JSON without a look; RegisterTaskDefinition, or the task when it starts,
//! rejects them.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{did_you_mean, index, join, Diagnostic, Rule, Severity};
use crate::facts::endpoints::secret_endpoint;
use crate::resolve::container::{environment_file, ContainerCondition, Settings, UlimitName};
use crate::resolve::endpoint::EndpointPolicy;
use crate::resolve::{EndpointKind, Resolved, Service};

use super::secrets::ARN_FORMAT;

pub(super) static HEALTH_CHECK: Rule = Rule {
    code: "health-check",
    severity: Severity::Error,
    summary: "A health check whose command does not start with CMD or CMD-SHELL, or whose timeout is not below its interval.",
    fact: "healthCheck.command is [\"CMD\", executable, args...] or [\"CMD-SHELL\", command]; interval is 5-300 s (default 30), timeout 2-120 s (default 5), retries 1-10, startPeriod 0-300. gen-tf also requires the timeout to be below the interval, so that one check ends before the next is due.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
};

pub(super) static DEPENDS_ON: Rule = Rule {
    code: "depends-on",
    severity: Severity::Error,
    summary: "A depends_on entry naming a container the task does not have, HEALTHY on a container without a health check, COMPLETE or SUCCESS on an essential container, or containers waiting for each other.",
    fact: "dependsOn names another container of the same task. HEALTHY needs that container to have a healthCheck; COMPLETE and SUCCESS cannot be set on an essential container (the task would stop when it exits). A cycle of dependencies never starts.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html",
};

pub(super) static MOUNT_POINT: Rule = Rule {
    code: "mount-point",
    severity: Severity::Error,
    summary: "A mount point whose volume the service does not declare, whose path is not absolute, or whose path another mount point of the container already uses.",
    fact: "mountPoints[].sourceVolume must be the name of a volume of the task definition, and containerPath an absolute path inside the container; Docker refuses two mounts at one path.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html",
};

pub(super) static ULIMIT: Rule = Rule {
    code: "ulimit",
    severity: Severity::Error,
    summary: "A ulimit whose soft limit is above its hard limit, a nofile limit above Fargate's 1048576, or the same ulimit twice.",
    fact: "A soft limit cannot exceed its hard limit. Fargate sets nofile to 65535 by default and takes at most 1048576 for it.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html",
};

pub(super) static ENVIRONMENT_FILE: Rule = Rule {
    code: "environment-file",
    severity: Severity::Error,
    summary: "An environment file that is not an S3 object ARN ending in .env, more than 10 in a task, on platform 1.3.0, or denied by the s3 endpoint's 'ecr-layers' policy.",
    fact: "environmentFiles take S3 object ARNs (arn:aws:s3:::bucket/key) of files with the .env extension, at most ten per task definition, on Linux platform version 1.4.0 or later. The task downloads them through its own network, so an s3 Gateway endpoint whose policy allows only ECR's layer bucket denies them.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html",
};

pub(super) static REPOSITORY_CREDENTIALS: Rule = Rule {
    code: "repository-credentials",
    severity: Severity::Error,
    summary: "repository_credentials that are not the ARN of a Secrets Manager secret.",
    fact: "repositoryCredentials.credentialsParameter is the ARN of a Secrets Manager secret (not an SSM parameter, not a JSON key of one) that holds the registry's username and password; the execution role needs secretsmanager:GetSecretValue on it.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
};

pub(super) static WINDOWS_CONTAINER: Rule = Rule {
    code: "windows-container",
    severity: Severity::Error,
    summary: "A container setting that Windows containers on Fargate do not take: init_process_enabled, user, ulimits, read_only_root_filesystem.",
    fact: "Windows containers do not support linuxParameters (initProcessEnabled), user, ulimits or readonlyRootFilesystem; RegisterTaskDefinition rejects them for a Windows task.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/windows_task_definitions.html",
};

pub(super) static RESTART_POLICY: Rule = Rule {
    code: "restart-policy",
    severity: Severity::Warning,
    summary: "A restart policy turned off that still sets ignored_exit_codes or restart_attempt_period, or that lists an exit code twice.",
    fact: "restartPolicy.enabled decides whether ECS restarts the container; ignoredExitCodes (at most 50) and restartAttemptPeriod (60-1800 s, default 300) only apply while it is enabled.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &HEALTH_CHECK,
    &DEPENDS_ON,
    &MOUNT_POINT,
    &ULIMIT,
    &ENVIRONMENT_FILE,
    &REPOSITORY_CREDENTIALS,
    &WINDOWS_CONTAINER,
    &RESTART_POLICY,
];

/// Fargate's largest `nofile` limit.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
pub(super) const FARGATE_NOFILE_MAX: u32 = 1_048_576;

/// Environment files per task definition.
pub(super) const MAX_ENVIRONMENT_FILES: usize = 10;

/// One container of a task, as the rules see it.
struct Member<'a> {
    /// The JSON path of the object that holds its fields.
    path: &'a str,
    name: &'a str,
    essential: bool,
    fields: &'a Settings,
}

/// The service's own container and its sidecars (not the X-Ray daemon, whose fields are
/// gen-tf's).
fn members(svc: &Service) -> Vec<Member<'_>> {
    let xray = join(&join(&svc.path, "observability"), "xray");
    svc.containers()
        .filter(|c| c.path != xray)
        .map(|c| Member {
            path: &c.path,
            name: &c.name,
            essential: c.essential,
            fields: &c.settings,
        })
        .collect()
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let task = members(svc);
        let windows = svc.task.os.is_windows();
        for m in &task {
            check_health_check(m, out);
            check_depends_on(m, &task, out);
            check_mount_points(m, svc, out);
            check_ulimits(m, out);
            check_repository_credentials(m, out);
            check_restart_policy(m, out);
            if windows {
                check_windows(m, out);
            }
        }
        check_cycles(&task, out);
        check_environment_files(stack, svc, &task_files(&task), out);
    }
}

/// Every environment file of a task with its path.
fn task_files<'a>(task: &'a [Member<'a>]) -> Vec<(String, &'a str)> {
    task.iter()
        .flat_map(|m| {
            m.fields
                .written_environment_files
                .iter()
                .enumerate()
                .map(|(i, f)| (index(&join(m.path, "environment_files"), i), f.as_str()))
        })
        .collect()
}

fn check_health_check(m: &Member<'_>, out: &mut Vec<Diagnostic>) {
    let Some(h) = &m.fields.health_check else {
        return;
    };
    let path = join(m.path, "health_check");
    let command: Vec<&str> = h.command.iter().map(String::as_str).collect();
    let problem = match command.as_slice() {
        [] => Some("the health check has no command".to_owned()),
        ["CMD" | "CMD-SHELL"] => Some(format!("{:?} is not followed by a command", command[0])),
        ["CMD" | "CMD-SHELL", ..] => None,
        [first, ..] => Some(format!(
            "the command starts with {first:?}, not \"CMD\" or \"CMD-SHELL\""
        )),
    };
    if let Some(why) = problem {
        out.push(
            Diagnostic::new(&HEALTH_CHECK, join(&path, "command"), why).help(
                "write ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'] to run a shell command, or ['CMD', '/bin/healthcheck', 'arg'] to run a program",
            ),
        );
    }
    let (interval, timeout) = (h.interval, h.timeout);
    if timeout >= interval {
        let at = if h.written_timeout {
            "timeout"
        } else {
            "interval"
        };
        out.push(
            Diagnostic::new(
                &HEALTH_CHECK,
                join(&path, at),
                format!("a timeout of {timeout} s is not below the interval of {interval} s"),
            )
            .help(format!(
                "make the timeout shorter than the interval, for example timeout: {}",
                (interval / 2).max(2)
            )),
        );
    }
}

fn check_depends_on(m: &Member<'_>, task: &[Member<'_>], out: &mut Vec<Diagnostic>) {
    for (i, d) in m.fields.depends_on.iter().enumerate() {
        let path = index(&join(m.path, "depends_on"), i);
        let at = join(&path, "container");
        let Some(target) = task.iter().find(|t| t.name == d.container) else {
            let names = task.iter().map(|t| t.name);
            let help = match did_you_mean(&d.container, names.clone()) {
                Some(n) => format!("did you mean {n:?}?"),
                None => format!(
                    "name one of the task's containers: {}",
                    names.collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(
                Diagnostic::new(
                    &DEPENDS_ON,
                    at,
                    format!("the task has no container named {:?}", d.container),
                )
                .help(help),
            );
            continue;
        };
        if target.name == m.name {
            out.push(
                Diagnostic::new(&DEPENDS_ON, at, format!("{} depends on itself", m.name))
                    .help("name another container of the task"),
            );
            continue;
        }
        let cond = join(&path, "condition");
        match d.condition {
            ContainerCondition::Healthy if target.fields.health_check.is_none() => out.push(
                Diagnostic::new(
                    &DEPENDS_ON,
                    cond,
                    format!("{} waits for {} to be HEALTHY, but {} has no health_check", m.name, target.name, target.name),
                )
                .help(format!("give {} a health_check, or wait for START", target.name)),
            ),
            ContainerCondition::Complete | ContainerCondition::Success if target.essential => {
                out.push(
                    Diagnostic::new(
                        &DEPENDS_ON,
                        cond,
                        format!(
                            "{} is essential, so it cannot be waited for with {}: the task stops when it exits",
                            target.name,
                            d.condition.as_str()
                        ),
                    )
                    .help(format!(
                        "make {} a sidecar with essential: false (an init container), or wait for START or HEALTHY",
                        target.name
                    )),
                )
            }
            _ => {}
        }
    }
}

/// Containers that wait for each other in a circle; each cycle is reported once, at the
/// `depends_on` of the first of its containers in task order.
fn check_cycles(task: &[Member<'_>], out: &mut Vec<Diagnostic>) {
    let edges: BTreeMap<&str, Vec<&str>> = task
        .iter()
        .map(|m| {
            let targets = m.fields.depends_on.iter().map(|d| d.container.as_str());
            (m.name, targets.filter(|t| *t != m.name).collect())
        })
        .collect();
    let mut reported: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
    for m in task {
        let Some(cycle) = cycle_from(m.name, &edges) else {
            continue;
        };
        let members: BTreeSet<&str> = cycle.iter().copied().collect();
        if reported.insert(members) {
            out.push(
                Diagnostic::new(
                    &DEPENDS_ON,
                    join(m.path, "depends_on"),
                    format!(
                        "the containers wait for each other and never start: {}",
                        cycle.join(" -> ")
                    ),
                )
                .help("remove one of these depends_on entries"),
            );
        }
    }
}

/// A path of dependencies from `start` back to `start`, if there is one.
fn cycle_from<'a>(start: &'a str, edges: &BTreeMap<&'a str, Vec<&'a str>>) -> Option<Vec<&'a str>> {
    fn walk<'a>(
        at: &'a str,
        start: &'a str,
        edges: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        seen: &mut BTreeSet<&'a str>,
    ) -> bool {
        for &next in edges.get(at).into_iter().flatten() {
            if next == start {
                path.push(next);
                return true;
            }
            if seen.insert(next) {
                path.push(next);
                if walk(next, start, edges, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start];
    walk(start, start, edges, &mut path, &mut BTreeSet::new()).then_some(path)
}

fn check_mount_points(m: &Member<'_>, svc: &Service, out: &mut Vec<Diagnostic>) {
    let volumes = &svc.task.volumes;
    let mut paths: BTreeMap<&str, String> = BTreeMap::new();
    for (i, mp) in m.fields.mount_points.iter().enumerate() {
        let path = index(&join(m.path, "mount_points"), i);
        if !volumes.iter().any(|v| v.name == mp.volume) {
            let names = volumes.iter().map(|v| v.name.as_str());
            let help = match did_you_mean(&mp.volume, names.clone()) {
                Some(n) => format!("did you mean {n:?}?"),
                None if volumes.is_empty() => format!(
                    "declare it in the service's volumes, for example volumes: {{ {}: {{}} }} for task storage",
                    mp.volume
                ),
                None => format!(
                    "name one of the service's volumes ({}), or declare it in volumes",
                    names.collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(
                Diagnostic::new(
                    &MOUNT_POINT,
                    join(&path, "volume"),
                    format!("the service has no volume named {:?}", mp.volume),
                )
                .help(help),
            );
        }
        if !mp.path.starts_with('/') {
            out.push(
                Diagnostic::new(
                    &MOUNT_POINT,
                    join(&path, "path"),
                    format!("{:?} is not an absolute path", mp.path),
                )
                .help(format!(
                    "write the path from the root, for example \"/{}\"",
                    mp.path.trim_start_matches("./")
                )),
            );
        } else if let Some(first) = paths.get(mp.path.as_str()) {
            out.push(
                Diagnostic::new(
                    &MOUNT_POINT,
                    join(&path, "path"),
                    format!("{} already mounts a volume at {:?}", first, mp.path),
                )
                .help("mount each volume at a path of its own"),
            );
        } else {
            paths.insert(&mp.path, path);
        }
    }
}

fn check_ulimits(m: &Member<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeSet<UlimitName> = BTreeSet::new();
    for (i, u) in m.fields.ulimits.iter().enumerate() {
        let path = index(&join(m.path, "ulimits"), i);
        let name = u.name.as_str();
        if !seen.insert(u.name) {
            out.push(
                Diagnostic::new(
                    &ULIMIT,
                    join(&path, "name"),
                    format!("the {name} ulimit is set twice"),
                )
                .help("keep one entry per ulimit"),
            );
        }
        if u.soft > u.hard {
            out.push(
                Diagnostic::new(
                    &ULIMIT,
                    join(&path, "soft"),
                    format!(
                        "the {name} soft limit {} is above its hard limit {}",
                        u.soft, u.hard
                    ),
                )
                .help(format!("lower soft to at most {}, or raise hard", u.hard)),
            );
        }
        if u.name == UlimitName::Nofile && u.hard > FARGATE_NOFILE_MAX {
            out.push(
                Diagnostic::new(
                    &ULIMIT,
                    join(&path, "hard"),
                    format!(
                        "Fargate allows nofile up to {FARGATE_NOFILE_MAX}, not {}",
                        u.hard
                    ),
                )
                .help(format!(
                    "set hard (and soft) to at most {FARGATE_NOFILE_MAX}"
                )),
            );
        }
    }
}

fn check_repository_credentials(m: &Member<'_>, out: &mut Vec<Diagnostic>) {
    let Some(r) = &m.fields.written_credentials else {
        return;
    };
    let base = join(m.path, "repository_credentials");
    let (arn_path, key_path) = if r.with_key {
        (
            join(&base, "credentials_parameter"),
            join(&base, "kms_key_arn"),
        )
    } else {
        (base.clone(), base.clone())
    };
    let arn = r.arn.as_str();
    let problem = match super::secrets::secret_problem(arn) {
        Some(why) => Some(why),
        None if secret_endpoint(arn) != Some("secretsmanager") => {
            Some("it is an SSM parameter; registry credentials live in Secrets Manager".to_owned())
        }
        None if arn
            .split(":secret:")
            .nth(1)
            .is_some_and(|n| n.contains(':')) =>
        {
            Some("ECS reads the whole secret, not a JSON key or version of it".to_owned())
        }
        None => None,
    };
    if let Some(why) = problem {
        out.push(
            Diagnostic::new(
                &REPOSITORY_CREDENTIALS,
                arn_path,
                format!("{arn:?} is not a Secrets Manager secret ARN: {why}"),
            )
            .help("give the ARN of a secret holding {\"username\": ..., \"password\": ...}, for example arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/acme-AbCdEf"),
        );
    } else {
        super::secrets::ambiguous(arn, arn_path, out);
    }
    if let Some(key) = r.kms_key_arn.as_deref() {
        if let Some(why) = super::arn_forms::KMS_KEY.problem(key) {
            out.push(
                Diagnostic::new(&ARN_FORMAT, key_path, format!("{key:?} is not a KMS key ARN: {why}"))
                    .help("write the key's full ARN, for example arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (aliases are not accepted), or use the credentials' ARN alone when the AWS managed key encrypts the secret"),
            );
        }
    }
}

fn check_environment_files(
    stack: &Resolved,
    svc: &Service,
    files: &[(String, &str)],
    out: &mut Vec<Diagnostic>,
) {
    for (path, arn) in files {
        let problem = match environment_file(arn) {
            None => Some((
                format!("{arn:?} is not an S3 object ARN"),
                "write arn:aws:s3:::<bucket>/<key>.env (S3 ARNs have no region or account)"
                    .to_owned(),
            )),
            Some(_) if !arn.ends_with(".env") => Some((
                format!("{arn:?} does not have the .env extension that ECS requires"),
                "name the object with a .env extension, for example app/production.env".to_owned(),
            )),
            Some(_) => None,
        };
        if let Some((message, help)) = problem {
            out.push(Diagnostic::new(&ENVIRONMENT_FILE, path.clone(), message).help(help));
        }
    }
    let Some((first, _)) = files.first() else {
        return;
    };
    if files.len() > MAX_ENVIRONMENT_FILES {
        out.push(
            Diagnostic::new(
                &ENVIRONMENT_FILE,
                files[MAX_ENVIRONMENT_FILES].0.clone(),
                format!("the task has {} environment files; ECS takes at most {MAX_ENVIRONMENT_FILES} per task definition", files.len()),
            )
            .help("merge environment files, or move values into environment or secrets"),
        );
    }
    if !svc.task.os.is_windows() && svc.task.platform_version == "1.3.0" {
        out.push(
            Diagnostic::new(
                &ENVIRONMENT_FILE,
                first.clone(),
                "environment files need Fargate platform version 1.4.0 or later; the service runs on 1.3.0",
            )
            .help("set platform_version: '1.4.0', or remove it (LATEST)"),
        );
    }
    let ecr_layers_only = stack.endpoints.iter().any(|e| {
        e.service == "s3"
            && matches!(e.kind, EndpointKind::Gateway)
            && e.policy == Some(EndpointPolicy::EcrLayers)
    });
    if ecr_layers_only {
        out.push(
            Diagnostic::new(
                &ENVIRONMENT_FILE,
                first.clone(),
                "the s3 Gateway endpoint's 'ecr-layers' policy allows only ECR's layer bucket, so the tasks cannot download their environment files",
            )
            .help("give the s3 endpoint a policy document that also allows s3:GetObject on the environment files, or remove its policy"),
        );
    }
}

/// A restart policy's settings that have no effect: set while it is off, or an exit code twice.
fn check_restart_policy(m: &Member<'_>, out: &mut Vec<Diagnostic>) {
    let Some(r) = &m.fields.restart_policy else {
        return;
    };
    let path = join(m.path, "restart_policy");
    // `enabled` is true unless the stack turns it off.
    if !r.enabled {
        let set = [
            ("ignored_exit_codes", !r.ignored_exit_codes.is_empty()),
            ("restart_attempt_period", r.restart_attempt_period.is_some()),
        ];
        for (field, _) in set.iter().filter(|(_, present)| *present) {
            out.push(
                Diagnostic::new(
                    &RESTART_POLICY,
                    join(&path, field),
                    format!("{field} has no effect while the restart policy is disabled"),
                )
                .help(format!(
                    "remove {field}, or set enabled: true to have ECS restart the container"
                )),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for (i, code) in r.ignored_exit_codes.iter().enumerate() {
        if !seen.insert(*code) {
            out.push(
                Diagnostic::new(
                    &RESTART_POLICY,
                    index(&join(&path, "ignored_exit_codes"), i),
                    format!("exit code {code} is listed twice"),
                )
                .help("list each exit code once"),
            );
        }
    }
}

fn check_windows(m: &Member<'_>, out: &mut Vec<Diagnostic>) {
    let f = m.fields;
    let set = [
        ("init_process_enabled", f.written_init_process.is_some()),
        ("user", f.user.is_some()),
        ("ulimits", !f.ulimits.is_empty()),
        (
            "read_only_root_filesystem",
            // false (the default) is what Windows containers have anyway, and gen-tf does not
            // write it.
            f.read_only_root_filesystem,
        ),
    ];
    for (field, _) in set.iter().filter(|(_, present)| *present) {
        out.push(
            Diagnostic::new(
                &WINDOWS_CONTAINER,
                join(m.path, field),
                format!("Windows containers on Fargate do not take {field}"),
            )
            .help(format!("remove {field}, or run the service on LINUX")),
        );
    }
}

//! Names: the AWS names gen-tf derives from the stack and service names, the names users give
//! directly (cluster, containers, region), tags, and module file names.
//!
//! Stack and service names are already restricted to `[a-z0-9-]` by the model, so they are valid
//! Terraform identifiers (after `-` -> `_`) and path components; what is left is the length of
//! the names derived from them, and the names that come from elsewhere.

use std::collections::BTreeMap;

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::model::aws::is_region;
use crate::resolve::derived::XRAY_DAEMON_NAME;
use crate::resolve::{Cluster, Resolved, Service};

pub(super) static NAME_LENGTH: Rule = Rule {
    code: "name-length",
    severity: Severity::Error,
    summary: "A stack and service name whose derived AWS names are too long.",
    fact: "gen-tf names IAM roles <stack>-<service>-execution, -task and -ecs-infra (IAM allows 64 characters; each role whose name is not given in `names` is checked), the security group <stack>-<service>-tasks (255), the log group /ecs/<stack>/<service> (512) and the task family <stack>-<service> (255, [0-9A-Za-z_-]).",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names",
};

pub(super) static RESERVED_NAME: Rule = Rule {
    code: "reserved-name",
    severity: Severity::Error,
    summary: "A service name that is also the name of a generated module file.",
    fact: "Each service is written to <service>.tf, next to versions.tf, variables.tf, outputs.tf and cluster.tf; a service with one of those names would overwrite that file.",
    source: "https://developer.hashicorp.com/terraform/language/modules/develop/structure",
};

pub(super) static CLUSTER_NAME: Rule = Rule {
    code: "cluster-name",
    severity: Severity::Error,
    summary: "A cluster name that ECS does not accept.",
    fact: "An ECS cluster name has up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
};

pub(super) static CLUSTER_ENVIRONMENT: Rule = Rule {
    code: "cluster-environment",
    severity: Severity::Warning,
    summary: "A cluster the stack owns whose name does not contain the environment.",
    fact: "ECS cluster names are unique per account and region. gen-tf puts the environment into every name it derives, but the cluster name is the stack's own: two environments in one account would both create (and then fight over) the same cluster.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
};

pub(super) static CONTAINER_NAME: Rule = Rule {
    code: "container-name",
    severity: Severity::Error,
    summary: "A sidecar name that ECS does not accept as a container name.",
    fact: "A container name has up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_name",
};

pub(super) static DUPLICATE_CONTAINER: Rule = Rule {
    code: "duplicate-container",
    severity: Severity::Error,
    summary: "Two containers of a task with the same name (the main container is named after the service).",
    fact: "Container names must be unique within a task definition.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_name",
};

pub(super) static REGION: Rule = Rule {
    code: "region",
    severity: Severity::Error,
    summary: "A region that is not an AWS region code, or not a region AWS has.",
    fact: "Region codes look like us-east-1 or us-gov-west-1; anything else, and any code AWS has no region for (ap-souteast-2), fails when the provider configures its endpoints.",
    source: "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
};

pub(super) static ENVIRONMENT_NAME: Rule = Rule {
    code: "environment-name",
    severity: Severity::Error,
    summary: "An environment (ENV) that cannot be part of AWS names.",
    fact: "gen-tf puts the environment into every name that is unique per account, region or cluster (IAM roles, log groups, alarms, security groups, task families, ECS services), so that two environments in one account do not collide; those names take lower-case letters, digits and '-' here.",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names",
};

pub(super) static SECURITY_GROUP_NAME: Rule = Rule {
    code: "security-group-name",
    severity: Severity::Error,
    summary: "A stack name that starts with `sg-`, which security group names cannot.",
    fact: "EC2 refuses security group names that start with sg- (the prefix of security group IDs), and the AWS provider rejects them at plan time; gen-tf's security group names start with the stack name.",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
};

pub(super) static INVALID_TAG: Rule = Rule {
    code: "invalid-tag",
    severity: Severity::Error,
    summary: "A tag key or value that AWS rejects, or more than 50 tags on one resource.",
    fact: "Tag keys are 1-128 characters and values up to 256, made of Unicode letters, digits, spaces and _ . : / = + - @; the aws: prefix is reserved; a resource has at most 50 user tags.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html#tag-restrictions",
};

pub(super) static MIXED_SCRIPT: Rule = Rule {
    code: "mixed-script",
    severity: Severity::Warning,
    summary: "A tag key that mixes letters of the Latin, Greek, Cyrillic or Armenian scripts.",
    fact: "Letters such as Cyrillic а (U+0430) and Latin a look the same, so a key `Nаme` with a Cyrillic а passes for `Name` in a review while AWS, Terraform and cost reports see two different keys. One key rarely needs letters of two of these scripts.",
    source: "https://www.unicode.org/reports/tr39/#Mixed_Script_Detection",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &NAME_LENGTH,
    &RESERVED_NAME,
    &CLUSTER_NAME,
    &CLUSTER_ENVIRONMENT,
    &CONTAINER_NAME,
    &DUPLICATE_CONTAINER,
    &REGION,
    &ENVIRONMENT_NAME,
    &SECURITY_GROUP_NAME,
    &INVALID_TAG,
    &MIXED_SCRIPT,
];

/// Module files that a service's `<name>.tf` must not replace (see `lower::lower`).
const RESERVED: &[&str] = &["versions", "variables", "outputs", "cluster", "data"];

/// Service names whose `<name>.tf` Terraform gives a meaning of its own: `override.tf` (and
/// `*_override.tf`, which a valid name cannot form, having no `_`). Other special names
/// (`*.tftest.hcl`, `terraform.tfvars`, `*.auto.tfvars`) do not end in `.tf`, so no service
/// file can take them.
/// Source: https://developer.hashicorp.com/terraform/language/files/override
const TERRAFORM_RESERVED: &[&str] = &["override"];

/// The names resolution derives, with their AWS limits, longest-suffix first so one diagnostic
/// covers a service. A scaling policy's name is its alarm's too, and the alarm's limit is the
/// lower (255 against 256).
/// Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
fn derived(s: &Service) -> Vec<(String, usize, &'static str)> {
    let n = &s.names;
    // Each role is listed: with `names.execution_role` given, the task role and the
    // infrastructure role keep their derived names, which may still be too long.
    let infrastructure = s
        .infrastructure
        .as_ref()
        .map(|_| (n.infrastructure_role.clone(), 64, "IAM role"));
    let mut out = vec![
        (n.execution_role.clone(), 64, "IAM role"),
        (n.task_role.clone(), 64, "IAM role"),
        // The provider appends a 26-character unique suffix to a name prefix.
        (
            n.security_group_prefix.clone(),
            229,
            "security group name prefix",
        ),
        (n.log_group.clone(), 512, "log group"),
        (n.family.clone(), 255, "task family"),
        (n.ecs_service.clone(), 255, "ECS service"),
    ];
    out.extend(infrastructure);
    let scaling = s.scaling.iter();
    out.extend(
        // Every policy as written, also one that does not resolve.
        scaling.clone().flat_map(|a| a.written.iter()).map(|p| {
            // A policy whose alarm has its own `alarm.name` gives the alarm no name.
            if p.policy.alarm.as_ref().is_some_and(|a| a.name.is_some()) {
                (p.name.aws.clone(), 256, "scaling policy")
            } else {
                (p.name.aws.clone(), 255, "scaling policy and alarm")
            }
        }),
    );
    // Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
    let scheduled = scaling.flat_map(|a| a.scheduled.iter());
    out.extend(scheduled.map(|a| (a.aws.clone(), 256, "scheduled action")));
    out
}

/// `[a-z0-9]` words joined by single '-': what the environment must be to sit in AWS names.
fn is_environment_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    stack_names(stack, out);
    if let Some(cluster) = &stack.cluster {
        cluster_name(cluster, stack.env.as_deref(), out);
    }
    check_tags("tags", &stack.tags, out);
    mixed_script_keys("tags", &stack.tags, out);
    for svc in &stack.services {
        let (name, base) = (&svc.name, &svc.path);
        check_service_name(stack, svc, out);
        check_tags(&join(base, "tags"), &svc.own_tags, out);
        mixed_script_keys(&join(base, "tags"), &svc.own_tags, out);
        // `tags` holds the stack's and the service's together.
        if svc.tags.len() > MAX_TAGS {
            out.push(
                Diagnostic::new(
                    &INVALID_TAG,
                    join(base, "tags"),
                    format!(
                        "{name}'s resources would carry {} tags (stack and service tags together)",
                        svc.tags.len()
                    ),
                )
                .help(format!("use at most {MAX_TAGS} tags per resource")),
            );
        }
        container_names(svc, out);
    }
}

/// The environment, the stack name and the region, which every derived name contains.
fn stack_names(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    if let Some(env) = stack.env.as_deref().filter(|e| !is_environment_name(e)) {
        out.push(
            Diagnostic::new(
                &ENVIRONMENT_NAME,
                "",
                format!("the environment {env:?} (ENV) cannot be part of AWS names"),
            )
            .help(format!(
                "use lower-case letters, digits and single '-', for example -V ENV={}",
                crate::model::names::suggest_name(env)
            )),
        );
    }
    // `<stack>-<service>-tasks-...`: a stack named `sg` gives `sg-...` as well.
    if format!("{}-", stack.name).starts_with("sg-") {
        let example = match stack.name.as_str().trim_start_matches("sg-") {
            "sg" => "app-sg",
            rest => rest,
        };
        out.push(
            Diagnostic::new(
                &SECURITY_GROUP_NAME,
                "name",
                format!(
                    "the stack name `{}` makes its security group names start with sg-",
                    stack.name
                ),
            )
            .help(format!("rename the stack, for example `{example}`")),
        );
    }
    if let Some(region) = &stack.region {
        if !is_region(region) {
            out.push(
                Diagnostic::new(&REGION, "region", format!("{region:?} is not an AWS region code"))
                    .help("write a region code such as us-east-1 or eu-west-1, or omit region to use var.region"),
            );
        } else if !crate::model::aws::is_known_region(region) {
            let help = match crate::diag::did_you_mean(region, crate::model::aws::REGIONS.iter().copied()) {
                Some(near) => format!("did you mean {near:?}? Or omit region to use var.region"),
                None => "write one of AWS's region codes, such as us-east-1 or eu-west-1, or omit region to use var.region".to_owned(),
            };
            out.push(
                Diagnostic::new(
                    &REGION,
                    "region",
                    format!("{region:?} is not a region AWS has"),
                )
                .help(help),
            );
        }
    }
}

fn cluster_name(cluster: &Cluster, env: Option<&str>, out: &mut Vec<Diagnostic>) {
    if !is_ecs_name(&cluster.name) {
        out.push(
            Diagnostic::new(
                &CLUSTER_NAME,
                "cluster.name",
                format!("{:?} is not a valid ECS cluster name", cluster.name),
            )
            .help("use 1-255 letters, digits, '_' and '-'"),
        );
    }
    let env = env.filter(|e| is_environment_name(e));
    let named = is_ecs_name(&cluster.name);
    if let Some(env) = env.filter(|e| named && !cluster.name.split(['-', '_']).any(|w| w == *e)) {
        out.push(
            Diagnostic::new(
                &CLUSTER_ENVIRONMENT,
                "cluster.name",
                format!("the cluster name {:?} does not contain the environment `{env}`: built for two environments in one account and region, both would create this cluster", cluster.name),
            )
            .help(format!("include the environment, for example name: '{}-' + std.extVar('ENV'); when every environment has its own account, this does not apply", cluster.name)),
        );
    }
}

/// Container names: valid, and unique in the task (the main container is named after the
/// service, and the X-Ray daemon is `xray-daemon`).
fn container_names(svc: &Service, out: &mut Vec<Diagnostic>) {
    let base = &svc.path;
    let xray = join(&join(base, "observability"), "xray");
    let mut containers: BTreeMap<&str, String> = BTreeMap::new();
    containers.insert(svc.name.as_str(), base.to_owned());
    if svc.sidecars.iter().any(|c| c.path == xray) {
        containers.insert(XRAY_DAEMON_NAME, xray.clone());
    }
    for s in svc.sidecars.iter().filter(|c| c.path != xray) {
        let p = join(&s.path, "name");
        if !is_ecs_name(&s.name) {
            out.push(
                Diagnostic::new(
                    &CONTAINER_NAME,
                    p.clone(),
                    format!("{:?} is not a valid container name", s.name),
                )
                .help("use 1-255 letters, digits, '_' and '-'"),
            );
        }
        if let Some(first) = containers.get(s.name.as_str()) {
            let what = if first == base {
                "the service's own container".to_owned()
            } else if s.name == XRAY_DAEMON_NAME {
                "the X-Ray daemon that observability.xray adds".to_owned()
            } else {
                first.clone()
            };
            out.push(
                Diagnostic::new(
                    &DUPLICATE_CONTAINER,
                    p.clone(),
                    format!("container name {:?} is already used by {what}", s.name),
                )
                .help("give every sidecar a name of its own, different from the service name"),
            );
        } else {
            containers.insert(s.name.as_str(), p);
        }
    }
}

fn check_service_name(stack: &Resolved, svc: &Service, out: &mut Vec<Diagnostic>) {
    let (name, base) = (&svc.name, &svc.path);
    if RESERVED.contains(&name.as_str()) {
        out.push(
            Diagnostic::new(
                &RESERVED_NAME,
                base.to_owned(),
                format!("a service named `{name}` would overwrite the module's {name}.tf"),
            )
            .help(format!(
                "rename the service, for example `{name}-svc`; {} are taken",
                RESERVED.join(", ")
            )),
        );
    }
    if TERRAFORM_RESERVED.contains(&name.as_str()) {
        out.push(
            Diagnostic::new(
                &RESERVED_NAME,
                base.to_owned(),
                format!(
                    "a service named `{name}` would be written to {name}.tf, which Terraform \
                     reads as an override file, not as part of the module"
                ),
            )
            .help(format!("rename the service, for example `{name}-svc`")),
        );
    }
    // The names hold the environment as given: one that cannot be part of AWS names is
    // `environment-name`'s error, and the lengths are measured once it is fixed.
    let env = stack.env.as_deref();
    if env.is_some_and(|e| !is_environment_name(e)) {
        return;
    }
    for (derived, limit, what) in derived(svc) {
        let len = derived.chars().count();
        let family_ok = what != "task family" || is_ecs_name(&derived);
        if len > limit || !family_ok {
            out.push(
                Diagnostic::new(&NAME_LENGTH,
                    base.to_owned(),
                    format!("the {what} name {derived:?} is {len} characters; AWS allows {limit}"),
                )
                .help(format!(
                    "shorten the stack name ({}){} or the service name ({}) by {} characters together",
                    stack.name.as_str().len(),
                    env.map(|e| format!(", the environment ({})", e.len())).unwrap_or_default(),
                    name.as_str().len(),
                    len.saturating_sub(limit)
                )),
            );
            break;
        }
    }
}

/// Tag keys whose letters come from more than one of the scripts with look-alike letters.
fn mixed_script_keys(path: &str, tags: &BTreeMap<String, String>, out: &mut Vec<Diagnostic>) {
    for k in tags.keys() {
        let mut scripts: Vec<&str> = Vec::new();
        for c in k.chars() {
            if let Some(s) = confusable_script(c) {
                if !scripts.contains(&s) {
                    scripts.push(s);
                }
            }
        }
        if scripts.len() > 1 {
            let odd: Vec<String> = k
                .chars()
                .filter(|&c| !c.is_ascii() && confusable_script(c).is_some())
                .map(|c| format!("U+{:04X}", u32::from(c)))
                .collect();
            out.push(
                Diagnostic::new(
                    &MIXED_SCRIPT,
                    join(path, k),
                    format!(
                        "tag key {} mixes {} letters ({}), so it can pass for another key",
                        crate::diag::short_value(k),
                        scripts.join(" and "),
                        odd.join(", ")
                    ),
                )
                .help("write the key in one script"),
            );
        }
    }
}

/// The script of a letter that has look-alikes in the others: Latin, Greek, Cyrillic, Armenian.
fn confusable_script(c: char) -> Option<&'static str> {
    match u32::from(c) {
        _ if c.is_ascii_alphabetic() => Some("Latin"),
        0xC0..=0x24F if c.is_alphabetic() => Some("Latin"),
        0x370..=0x3FF | 0x1F00..=0x1FFF if c.is_alphabetic() => Some("Greek"),
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F
            if c.is_alphabetic() =>
        {
            Some("Cyrillic")
        }
        0x530..=0x58F if c.is_alphabetic() => Some("Armenian"),
        _ => None,
    }
}

/// A resource carries at most this many user tags.
const MAX_TAGS: usize = 50;

fn check_tags(path: &str, tags: &BTreeMap<String, String>, out: &mut Vec<Diagnostic>) {
    for (k, v) in tags {
        let p = join(path, k);
        let key_len = k.chars().count();
        if key_len == 0 || key_len > 128 || !k.chars().all(tag_char) {
            out.push(
                Diagnostic::new(
                    &INVALID_TAG,
                    p.clone(),
                    format!("tag key {k:?} is not allowed"),
                )
                .help("use 1-128 letters, digits, spaces and _ . : / = + - @"),
            );
        } else if k.to_ascii_lowercase().starts_with("aws:") {
            out.push(
                Diagnostic::new(
                    &INVALID_TAG,
                    p.clone(),
                    format!("tag key {k:?} uses the reserved aws: prefix"),
                )
                .help("choose a key that does not start with aws:"),
            );
        }
        if v.chars().count() > 256 || !v.chars().all(tag_char) {
            out.push(
                Diagnostic::new(
                    &INVALID_TAG,
                    p,
                    format!("the value of tag {k:?} is not allowed"),
                )
                .help("use at most 256 letters, digits, spaces and _ . : / = + - @"),
            );
        }
    }
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, the pattern AWS documents for tags.
fn tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || c == ' '
        || c == '\u{a0}'
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || (c.is_whitespace() && !c.is_control())
}

/// `^[A-Za-z0-9_-]{1,255}$`: ECS cluster, container and task family names.
pub(super) fn is_ecs_name(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert!("team: payments/α=+-@ 1".chars().all(tag_char));
        assert!(!"${x}".chars().all(tag_char));
        assert!(!"a\nb".chars().all(tag_char));
    }

    /// The names are measured with the environment they will hold: one that cannot be part of
    /// AWS names is `environment-name`'s error alone, and a valid one counts.
    #[test]
    fn names_are_measured_with_a_valid_environment() {
        let long = "s".repeat(40);
        let stack = crate::model::from_value(&serde_json::json!({
            "name": long, "services": {"worker-service": {"cpu": 256, "memory": 512}}
        }))
        .expect("structurally valid");
        let codes = |env: &str| {
            let mut out = Vec::new();
            check(&crate::resolve::resolve(&stack, Some(env)), &mut out);
            out.iter().map(|d| d.code).collect::<Vec<_>>()
        };
        assert_eq!(codes("production"), ["name-length"]);
        assert_eq!(codes("Prod EU"), ["environment-name"]);
    }
}

//! `arn-region`: every ARN the stack gives gen-tf must be in the stack's partition, and the
//! regional ones in the stack's region. An ARN from another region passes `terraform plan` (the
//! provider checks only its shape) and fails at apply, when ECS, CloudWatch Logs or IAM looks the
//! resource up in the stack's region.
//!
//! [`KINDS`] is the one table of the ARN kinds gen-tf reads, with whether each must be in the
//! stack's region and the AWS source that says so. The check is a small function over a parsed
//! [`Arn`] ([`region_problem`]), independent of how the ARN's form is checked: a malformed ARN is
//! `arn-format`'s or `secret-arn`'s, and is skipped here.

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::model::aws::{is_region, Arn};
use crate::resolve::{Container, Resolved};

pub(crate) static ARN_REGION: Rule = Rule {
    code: "arn-region",
    severity: Severity::Error,
    summary: "An ARN in another partition than the stack's, or a regional resource (target group, KMS key, Cloud Map namespace) in another region.",
    fact: "Target groups, KMS keys and Cloud Map namespaces are regional: an ECS service, a log group or a secret uses only those of its own region, and every ARN must be in the stack's partition. IAM policies and S3 objects have no region. A secret or SSM parameter given as a full ARN may be in another region of the same partition (ECS reads it there), so gen-tf lets it through; the KMS key of a secret must be in the secret's region.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
};

/// This family's rules, in catalogue order.
pub(crate) static RULES: &[&Rule] = &[&ARN_REGION];

/// Where an ARN kind's resource must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// In the stack's region (and partition).
    StackRegion,
    /// In the region of another ARN of the stack: a secret's KMS key is in the secret's region.
    SecretRegion,
    /// In any region of the stack's partition: a secret or an SSM parameter, given in full.
    AnyRegion,
    /// No region at all (IAM, S3): only the partition is checked.
    Global,
}

/// One kind of ARN that gen-tf reads from a stack.
pub(crate) struct Kind {
    /// The stack fields that hold it.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "documentation the unit test checks against the schema"
        )
    )]
    pub fields: &'static str,
    pub scope: Scope,
    /// The AWS documentation that says where the resource must be.
    pub source: &'static str,
}

/// Every ARN kind gen-tf reads. `tests/docs.rs`-style checks and `explain` can list it; the check
/// below reads [`Kind::scope`] from here.
pub(crate) static KINDS: &[Kind] = &[
    Kind {
        fields: "load_balancer.target_group_arn, load_balancers[].target_group_arn",
        scope: Scope::StackRegion,
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html",
    },
    Kind {
        fields: "observability.log_kms_key_arn",
        scope: Scope::StackRegion,
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    },
    Kind {
        fields: "service_connect.namespace (as an ARN)",
        scope: Scope::StackRegion,
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html",
    },
    Kind {
        fields: "secrets[].value_from, repository_credentials",
        scope: Scope::AnyRegion,
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html",
    },
    Kind {
        fields: "secrets[].kms_key_arn, repository_credentials.kms_key_arn",
        scope: Scope::SecretRegion,
        source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
    },
    Kind {
        fields: "task_role.managed_policy_arns, iam.permissions_boundary, environment_files",
        scope: Scope::Global,
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
    },
];

const fn kind(i: usize) -> &'static Kind {
    &KINDS[i]
}
const TARGET_GROUP: &Kind = kind(0);
const LOG_KEY: &Kind = kind(1);
const NAMESPACE: &Kind = kind(2);
const SECRET: &Kind = kind(3);
const SECRET_KEY: &Kind = kind(4);
const GLOBAL: &Kind = kind(5);

/// The partition a region code belongs to.
/// Source: https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
pub(crate) fn partition_of(region: &str) -> &'static str {
    match region.split('-').take(2).collect::<Vec<_>>().as_slice() {
        ["cn", _] => "aws-cn",
        [_, "gov"] => "aws-us-gov",
        [_, "iso"] => "aws-iso",
        [_, "isob"] => "aws-iso-b",
        [_, "isoe"] => "aws-iso-e",
        [_, "isof"] => "aws-iso-f",
        _ => "aws",
    }
}

/// Why `arn` cannot be used by a stack in `region`, if it cannot. `home` is the region the
/// resource must be in for [`Scope::SecretRegion`] (the secret's), when known.
pub(crate) fn region_problem(
    arn: &Arn,
    scope: Scope,
    region: &str,
    home: Option<&str>,
) -> Option<String> {
    let partition = partition_of(region);
    if arn.partition != partition {
        return Some(format!(
            "it is in the partition `{}`, and the stack's region {region} is in `{partition}`",
            arn.partition
        ));
    }
    let (want, whose) = match scope {
        Scope::StackRegion => (region, "the stack's region"),
        Scope::SecretRegion => match home {
            Some(h) => (h, "the secret's region"),
            None => return None,
        },
        Scope::AnyRegion | Scope::Global => return None,
    };
    (arn.region != want).then(|| {
        format!(
            "it is in {}, and a {} must be in {whose}, {want}",
            if arn.region.is_empty() {
                "no region"
            } else {
                arn.region
            },
            match scope {
                Scope::SecretRegion => "secret's KMS key",
                _ => "regional resource",
            }
        )
    })
}

/// Checks one ARN field; a value that is not an ARN at all is another rule's.
fn field(
    value: &str,
    k: &Kind,
    region: &str,
    home: Option<&str>,
    path: String,
    out: &mut Vec<Diagnostic>,
) {
    let Ok(arn) = Arn::parse(value) else {
        return;
    };
    // A region part that is not a region code is the ARN's own format rule's to report; a
    // secret whose region is not one gives its KMS key nothing to be compared with.
    if !arn.region.is_empty() && !is_region(arn.region) {
        return;
    }
    let home = home.filter(|h| is_region(h));
    if let Some(why) = region_problem(&arn, k.scope, region, home) {
        out.push(
            Diagnostic::new(&ARN_REGION, path, format!("{value:?} cannot be used here: {why}"))
                .help(match (k.scope, home) {
                    (Scope::StackRegion, _) => format!(
                        "use the resource in {region}, or set the stack's region to where it is (see {})",
                        k.source
                    ),
                    (Scope::SecretRegion, Some(h)) => format!(
                        "use a KMS key in {h}, where the secret is (see {})",
                        k.source
                    ),
                    _ => format!(
                        "write an ARN in the partition `{}` (see {})",
                        partition_of(region),
                        k.source
                    ),
                }),
        );
    }
}

/// The region of a secret ARN, when it parses.
fn region_of(value: &str) -> Option<&str> {
    Arn::parse(value).ok().map(|a| a.region)
}

pub(crate) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    // Without a region (the module variable) or with a bad one (`region` reports it), there is
    // nothing to compare with.
    let Some(region) = stack
        .region
        .as_deref()
        .filter(|r| crate::model::aws::is_known_region(r))
    else {
        return;
    };
    if let Some(b) = stack.permissions_boundary.as_deref() {
        field(
            b,
            GLOBAL,
            region,
            None,
            "iam.permissions_boundary".to_owned(),
            out,
        );
    }
    for svc in &stack.services {
        let base = &svc.path;
        for lb in &svc.load_balancers {
            if let Some(tg) = lb.target_group_arn.as_deref() {
                let path = join(&lb.path, "target_group_arn");
                field(tg, TARGET_GROUP, region, None, path, out);
            }
        }
        if let Some(kms) = svc.logs.kms_key_arn.as_deref() {
            let path = join(&join(base, "observability"), "log_kms_key_arn");
            field(kms, LOG_KEY, region, None, path, out);
        }
        if let Some(ns) = svc
            .service_connect
            .as_ref()
            .and_then(|c| c.namespace.as_deref())
            .filter(|n| n.starts_with("arn:"))
        {
            let path = join(&join(base, "service_connect"), "namespace");
            field(ns, NAMESPACE, region, None, path, out);
        }
        for (i, p) in svc.roles.task_managed_policies.iter().enumerate() {
            let path = index(&join(&join(base, "task_role"), "managed_policy_arns"), i);
            field(p, GLOBAL, region, None, path, out);
        }
        for c in svc.containers() {
            container(c, region, out);
        }
    }
}

/// The ARNs of one container: secrets, their keys, registry credentials and
/// environment files.
fn container(c: &Container, region: &str, out: &mut Vec<Diagnostic>) {
    let at = &c.path;
    for (i, s) in c.secrets.iter().enumerate() {
        let entry = index(&join(at, "secrets"), i);
        field(
            &s.value_from,
            SECRET,
            region,
            None,
            join(&entry, "value_from"),
            out,
        );
        if let Some(kms) = s.kms_key_arn.as_deref() {
            let home = region_of(&s.value_from);
            field(
                kms,
                SECRET_KEY,
                region,
                home,
                join(&entry, "kms_key_arn"),
                out,
            );
        }
    }
    if let Some(rc) = &c.settings.repository_credentials {
        let path = join(at, "repository_credentials");
        let secret = rc.arn.as_str();
        field(secret, SECRET, region, None, path.clone(), out);
        if let Some(kms) = rc.kms_key_arn.as_deref() {
            let home = region_of(secret);
            field(
                kms,
                SECRET_KEY,
                region,
                home,
                join(&path, "kms_key_arn"),
                out,
            );
        }
    }
    for (i, f) in c.settings.environment_files.iter().enumerate() {
        let path = index(&join(at, "environment_files"), i);
        field(&f.arn, GLOBAL, region, None, path, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(arn: &str, scope: Scope, region: &str) -> Option<String> {
        region_problem(&Arn::parse(arn).unwrap(), scope, region, None)
    }

    /// Every field the table names is a field of the stack format.
    #[test]
    fn table_names_stack_fields() {
        let schema = serde_json::to_string(&schemars::schema_for!(crate::model::Stack)).unwrap();
        for k in KINDS {
            for f in k.fields.split(", ") {
                let last = f.split(' ').next().unwrap().rsplit('.').next().unwrap();
                assert!(schema.contains(&format!("\"{last}\":")), "{f}");
            }
            assert!(k.source.starts_with("https://docs.aws.amazon.com/"));
        }
    }

    #[test]
    fn partitions() {
        assert_eq!(partition_of("eu-west-1"), "aws");
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("us-isob-east-1"), "aws-iso-b");
    }

    #[test]
    fn regions() {
        let tg =
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef";
        assert!(problem(tg, Scope::StackRegion, "eu-west-1").is_some());
        assert_eq!(problem(tg, Scope::StackRegion, "us-east-1"), None);
        let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
        assert_eq!(problem(secret, Scope::AnyRegion, "eu-west-1"), None);
        assert!(problem(secret, Scope::AnyRegion, "cn-north-1").is_some());
        let policy = "arn:aws:iam::123456789012:policy/app";
        assert_eq!(problem(policy, Scope::Global, "eu-west-1"), None);
        assert!(problem(policy, Scope::Global, "us-gov-west-1").is_some());
    }
}

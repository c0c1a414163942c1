//! ARNs written into the stack: secrets, the log group's KMS key and the target group. A
//! malformed ARN passes `terraform plan` and fails when ECS or CloudWatch Logs reads it; for a
//! secret, the IAM policy that gen-tf derives from it would also be wrong.

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::resolve::Resolved;

use super::arn_forms::{KMS_KEY, TARGET_GROUP};
use crate::model::aws::{secret_suffix, Arn, SecretSuffix};

pub(super) static SECRET_ARN: Rule = Rule {
    code: "secret-arn",
    severity: Severity::Error,
    summary: "A secret's value_from that is not a Secrets Manager secret ARN or an SSM parameter ARN.",
    fact: "valueFrom is arn:<partition>:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>] or arn:<partition>:ssm:<region>:<account>:parameter/<name>; gen-tf also grants the execution role read access to exactly that ARN.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
};

pub(super) static ARN_FORMAT: Rule = Rule {
    code: "arn-format",
    severity: Severity::Error,
    summary: "A KMS key, target group or managed policy ARN that is not shaped like one (the forms are listed below).",
    fact: "CloudWatch Logs and ECS take the full ARN of a KMS key (not an alias), an ECS service's load balancer the full ARN of a target group, IAM the ARN of a managed policy; a malformed one passes `terraform plan` and fails at apply.",
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html",
};

pub(super) static SECRET_ARN_AMBIGUOUS: Rule = Rule {
    code: "secret-arn-ambiguous",
    severity: Severity::Warning,
    summary: "A secret ARN whose name ends in '-' and six characters, so it may be partial or complete.",
    fact: "Secrets Manager appends '-' and six random characters to a secret's name in its ARN, and ECS and IAM take the ARN with or without them. A name that itself ends in '-' and six characters (db-master) reads either way: gen-tf grants the execution role both the ARN as written and the ARN with any suffix (-??????), so the task starts in both cases.",
    source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&SECRET_ARN, &ARN_FORMAT, &SECRET_ARN_AMBIGUOUS];

/// Whether `name` is a secret name: the characters Secrets Manager allows in names one gives,
/// or a name another AWS service gives the secrets it manages (`rds!db-<uuid>`,
/// `rds!cluster-<uuid>`, `events!connection/...`): the managing service's ID, `!`, then a name.
/// Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/service-linked-secrets.html
fn secret_name(name: &str) -> bool {
    let own = |n: &str| name_chars(n, b"/_+=.@-");
    match name.split_once('!') {
        Some((service, rest)) => {
            !service.is_empty() && service.bytes().all(|b| b.is_ascii_lowercase()) && own(rest)
        }
        None => own(name),
    }
}

/// The name in a Secrets Manager ARN that `secret_problem` accepted.
fn secret_name_of(value_from: &str) -> Option<&str> {
    let arn = Arn::parse(value_from).ok()?;
    (arn.service == "secretsmanager")
        .then(|| arn.resource.strip_prefix("secret:"))??
        .split(':')
        .next()
}

/// A secret name that may be partial or complete: both are granted, and the stack is told.
pub(super) fn ambiguous(value_from: &str, path: String, out: &mut Vec<Diagnostic>) {
    let Some(name) = secret_name_of(value_from) else {
        return;
    };
    if secret_suffix(name) == SecretSuffix::Ambiguous {
        let (head, tail) = name.rsplit_once('-').unwrap_or((name, ""));
        out.push(
            Diagnostic::new(
                &SECRET_ARN_AMBIGUOUS,
                path,
                format!("the secret name {name:?} may be the secret `{head}` with the suffix `-{tail}`, or a partial ARN of `{name}`; gen-tf grants the execution role both"),
            )
            .help("write the complete ARN, as `aws secretsmanager describe-secret` prints it (its name ends in '-' and six random characters), or rename the secret so it does not end in '-' and six characters"),
        );
    }
}

/// Characters of secret names (`/_+=.@-` and alphanumerics) and SSM parameter names.
fn name_chars(s: &str, extra: &[u8]) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// Why `value_from` is not a secret ARN gen-tf can use, if it is not.
pub(super) fn secret_problem(value_from: &str) -> Option<String> {
    let arn = match Arn::parse(value_from) {
        Ok(a) => a,
        Err(e) => return Some(e),
    };
    if !matches!(arn.service, "secretsmanager" | "ssm") {
        return Some(format!(
            "`{}` is neither secretsmanager nor ssm",
            arn.service
        ));
    }
    if let Some(p) = arn.location_problem() {
        return Some(p);
    }
    match arn.service {
        "secretsmanager" => {
            let Some(rest) = arn.resource.strip_prefix("secret:") else {
                return Some("a Secrets Manager ARN names `secret:<name>`".to_owned());
            };
            let fields: Vec<&str> = rest.split(':').collect();
            if !secret_name(fields[0]) {
                return Some(format!("`{}` is not a secret name", fields[0]));
            }
            // After the name: nothing, or exactly json-key:version-stage:version-id (each may
            // be empty).
            if fields.len() != 1 && fields.len() != 4 {
                return Some(
                    "after the secret name, write nothing or all of :<json-key>:<version-stage>:<version-id> (empty parts allowed)"
                        .to_owned(),
                );
            }
            None
        }
        "ssm" => {
            let Some(name) = arn.resource.strip_prefix("parameter") else {
                return Some("an SSM ARN names `parameter/<name>`".to_owned());
            };
            if !name.starts_with('/') || !name_chars(&name[1..], b"/_.-") {
                return Some(format!(
                    "`{}` is not a parameter name",
                    name.trim_start_matches('/')
                ));
            }
            None
        }
        _ => None,
    }
}

/// A KMS key ARN: CloudWatch Logs and IAM take the key's ARN, not an alias.
fn kms_key(kms: &str, path: String, out: &mut Vec<Diagnostic>) {
    if let Some(why) = KMS_KEY.problem(kms) {
        out.push(
            Diagnostic::new(
                &ARN_FORMAT,
                path,
                format!("{kms:?} is not a KMS key ARN: {why}"),
            )
            .help(format!(
                "write the key's full ARN, {}, for example {} (aliases are not accepted)",
                KMS_KEY.form(),
                KMS_KEY.example
            )),
        );
    }
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        for c in svc.containers() {
            for (i, s) in c.secrets.iter().enumerate() {
                let entry = index(&join(&c.path, "secrets"), i);
                if let Some(why) = secret_problem(&s.value_from) {
                    out.push(
                        Diagnostic::new(&SECRET_ARN, join(&entry, "value_from"), format!("{:?} is not a secret ARN: {why}", s.value_from))
                            .help("write the full ARN, for example arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf or arn:aws:ssm:us-east-1:123456789012:parameter/app/api-key"),
                    );
                } else {
                    ambiguous(&s.value_from, join(&entry, "value_from"), out);
                }
                if let Some(kms) = s.kms_key_arn.as_deref() {
                    kms_key(kms, join(&entry, "kms_key_arn"), out);
                }
            }
        }
        if let Some(kms) = svc.logs.kms_key_arn.as_deref() {
            kms_key(
                kms,
                join(&join(&svc.path, "observability"), "log_kms_key_arn"),
                out,
            );
        }
        // The shorthand's target group (`load_balancing` checks the `load_balancers` entries).
        for lb in svc.written_load_balancers.iter().filter(|l| l.shorthand) {
            let Some(tg) = lb.target_group_arn.as_deref() else {
                continue;
            };
            if let Some(why) = TARGET_GROUP.problem(tg) {
                out.push(
                    Diagnostic::new(
                        &ARN_FORMAT,
                        join(&lb.path, "target_group_arn"),
                        format!("{tg:?} is not a target group ARN: {why}"),
                    )
                    .help(format!(
                        "write the full ARN, {}, for example {}, or omit it to get a variable",
                        TARGET_GROUP.form(),
                        TARGET_GROUP.example
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets() {
        for ok in [
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::",
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a/b_c+d=e.f@g-h:k:AWSCURRENT:",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/api/key",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/key",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-8c2b1f04-5b1e-4f0e-9d57-0a1b2c3d4e5f-Zx12Yw:password::",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-8c2b1f04-5b1e-4f0e-9d57-0a1b2c3d4e5f",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:events!connection/api/8c2b1f04-AbCdEf",
        ] {
            assert_eq!(secret_problem(ok), None, "{ok}");
        }
        for bad in [
            "db-password",
            "arn:aws:secretsmanager:eu-west-1:1234:secret:db",
            "arn:aws:secretsmanager:eu-west-1:123456789012:db",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password",
            "arn:aws:ssm:eu-west-1:123456789012:parameter",
            "arn:aws:s3:::bucket/key",
            "arn:aws:secretsmanager:${var.region}:123456789012:secret:x",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:!pw",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:RDS!db-1",
        ] {
            assert!(secret_problem(bad).is_some(), "{bad}");
        }
    }
}

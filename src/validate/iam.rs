//! IAM the stack writes itself: the task role's statements and managed policies, and the
//! stack's permissions boundary and path. IAM checks these only when `terraform apply` calls
//! PutRolePolicy or CreateRole, or, for a misspelt action, never: the statement just grants
//! nothing and the application is denied at run time.

use super::secrets::ARN_FORMAT;
use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::model::aws::Arn;
use crate::resolve::iam::{ConditionValue, Roles, Statement};
use crate::resolve::Resolved;

const POLICY_GRAMMAR: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";

pub(super) static IAM_ACTION: Rule = Rule {
    code: "iam-action",
    severity: Severity::Error,
    summary: "A task role action that is not `service:Action` (wildcards allowed) or `*`.",
    fact: "IAM actions are a service prefix (lower-case letters, digits and '-'), a colon and an action name of letters and digits, where * and ? are wildcards. A misspelt or malformed action matches nothing, so the application is denied at run time.",
    source: POLICY_GRAMMAR,
};

pub(super) static IAM_RESOURCE: Rule = Rule {
    code: "iam-resource",
    severity: Severity::Error,
    summary: "A task role resource that is neither an ARN nor `*`.",
    fact: "A statement's Resource is an ARN (arn:<partition>:<service>:<region>:<account>:<resource>, where region and account may be empty or wildcards, as for S3) or *. PutRolePolicy refuses anything else.",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
};

pub(super) static IAM_STATEMENT: Rule = Rule {
    code: "iam-statement",
    severity: Severity::Error,
    summary: "A statement without actions or resources, a Sid that is not letters and digits, two statements with one Sid, a condition without values, or a policy over IAM's size limit.",
    fact: "A statement needs Action and Resource; Sid is letters and digits and unique in its policy; a condition key needs at least one value; a role's inline policies together take at most 10,240 characters.",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
};

pub(super) static IAM_WILDCARD: Rule = Rule {
    code: "iam-wildcard",
    severity: Severity::Warning,
    summary: "A task role action `*` or `<service>:*`.",
    fact: "A wildcard action grants every present and future action of the service (or of AWS), including deleting and changing permissions; least privilege lists the actions the application calls.",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
};

pub(super) static IAM_PATH: Rule = Rule {
    code: "iam-path",
    severity: Severity::Error,
    summary: "An iam.path that is not `/` or `/name/.../`.",
    fact: "An IAM path starts and ends with / and holds printable ASCII characters other than space, at most 512 characters.",
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
};

pub(super) static IAM_MANAGED_POLICIES: Rule = Rule {
    code: "iam-managed-policies",
    severity: Severity::Warning,
    summary: "More managed policies on the task role than IAM's default quota of 10.",
    fact: "A role takes at most 10 managed policies unless the account's quota was raised (to at most 20); AttachRolePolicy fails beyond it.",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &IAM_ACTION,
    &IAM_RESOURCE,
    &IAM_STATEMENT,
    &IAM_WILDCARD,
    &IAM_PATH,
    &IAM_MANAGED_POLICIES,
];

/// Characters of a role's inline policies IAM accepts, all together.
const MAX_POLICY_CHARS: usize = 10_240;
/// Managed policies per role without a quota increase.
const MAX_MANAGED_POLICIES: usize = 10;

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    stack_iam(stack, out);
    for svc in &stack.services {
        task_role(&join(&svc.path, "task_role"), &svc.roles, out);
    }
}

fn stack_iam(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    if let Some(arn) = &stack.permissions_boundary {
        policy_arn(arn, "iam.permissions_boundary", out);
    }
    if let Some(path) = &stack.iam_path {
        let inner = path.strip_prefix('/').and_then(|p| p.strip_suffix('/'));
        let chars_ok = path.bytes().all(|b| (0x21..=0x7e).contains(&b));
        let ok =
            path == "/" || inner.is_some_and(|p| !p.is_empty()) && chars_ok && path.len() <= 512;
        if !ok {
            out.push(
                Diagnostic::new(
                    &IAM_PATH,
                    "iam.path",
                    format!("{path:?} is not an IAM path"),
                )
                .help("write / or a path such as /services/payments/ (starting and ending with /)"),
            );
        }
    }
}

fn policy_arn(arn: &str, path: &str, out: &mut Vec<Diagnostic>) {
    let form = &super::arn_forms::MANAGED_POLICY;
    if let Some(why) = form.problem(arn) {
        out.push(
            Diagnostic::new(
                &ARN_FORMAT,
                path.to_owned(),
                format!("{arn:?} is not a managed policy ARN: {why}"),
            )
            .help(format!(
                "write {} (for example {}); AWS managed policies have the account `aws`",
                form.form(),
                form.example
            )),
        );
    }
}

/// The task role as the stack writes it: its managed policies and its own statements (the
/// first `written_statements` of the resolved role's).
fn task_role(base: &str, role: &Roles, out: &mut Vec<Diagnostic>) {
    let managed = &role.task_managed_policies;
    let statements = &role.task[..role.written_statements];
    let arns = join(base, "managed_policy_arns");
    for (i, arn) in managed.iter().enumerate() {
        policy_arn(arn, &index(&arns, i), out);
    }
    if managed.len() > MAX_MANAGED_POLICIES {
        out.push(
            Diagnostic::new(
                &IAM_MANAGED_POLICIES,
                arns,
                format!(
                    "{} managed policies; a role takes {MAX_MANAGED_POLICIES} without a quota increase",
                    managed.len()
                ),
            )
            .help("move permissions into task_role.statements, or have the account's IAM quota raised (at most 20)"),
        );
    }
    let list = join(base, "statements");
    let mut sids: Vec<(&str, String)> = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let at = index(&list, i);
        if let Some(sid) = s.sid.as_deref() {
            match sids.iter().find(|(other, _)| *other == sid) {
                Some((_, first)) => out.push(
                    Diagnostic::new(
                        &IAM_STATEMENT,
                        join(&at, "sid"),
                        format!("Sid {sid:?} is also used by {first}"),
                    )
                    .help("give every statement its own sid, or leave sid out"),
                ),
                None => sids.push((sid, at.clone())),
            }
        }
        statement(&at, s, out);
    }
    let size = policy_chars(statements);
    if size > MAX_POLICY_CHARS {
        out.push(
            Diagnostic::new(
                &IAM_STATEMENT,
                list,
                format!("the task role's inline policy is about {size} characters; IAM takes {MAX_POLICY_CHARS}"),
            )
            .help("use wildcards within a service's resources, fewer statements, or managed_policy_arns for large policies"),
        );
    }
}

/// The size IAM counts: the policy document without white space.
fn policy_chars(statements: &[Statement]) -> usize {
    let document: Vec<serde_json::Value> = statements
        .iter()
        .map(|s| {
            serde_json::json!({
                "sid": s.sid,
                "effect": s.effect.as_str(),
                "actions": s.actions,
                "resources": s.resources,
                "conditions": s.conditions,
            })
        })
        .collect();
    serde_json::to_string(&document).map_or(0, |s| {
        s.len() + r#"{"Version":"2012-10-17","Statement":}"#.len()
    })
}

fn statement(at: &str, s: &Statement, out: &mut Vec<Diagnostic>) {
    if let Some(sid) = s
        .sid
        .as_deref()
        .filter(|sid| !sid.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        out.push(
            Diagnostic::new(
                &IAM_STATEMENT,
                join(at, "sid"),
                format!("Sid {sid:?} is not letters and digits"),
            )
            .help(format!(
                "use a Sid such as {:?}",
                sid.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
            )),
        );
    }
    for (field, empty) in [
        ("actions", s.actions.is_empty()),
        ("resources", s.resources.is_empty()),
    ] {
        if empty {
            out.push(
                Diagnostic::new(
                    &IAM_STATEMENT,
                    join(at, field),
                    format!("the statement has no {field}"),
                )
                .help(format!("list at least one of the statement's {field}")),
            );
        }
    }
    for (i, action) in s.actions.iter().enumerate() {
        action_check(&index(&join(at, "actions"), i), action, out);
    }
    for (i, resource) in s.resources.iter().enumerate() {
        if resource != "*" && !is_resource_arn(resource) {
            out.push(
                Diagnostic::new(&IAM_RESOURCE, index(&join(at, "resources"), i), format!("{resource:?} is neither an ARN nor *"))
                    .help("write the resource's ARN, for example arn:aws:sqs:us-east-1:123456789012:jobs or arn:aws:s3:::bucket/*"),
            );
        }
    }
    for (op, keys) in &s.conditions {
        for (key, value) in keys {
            let empty = match value {
                ConditionValue::One(_) => false,
                ConditionValue::Any(v) => v.is_empty(),
            };
            if empty {
                out.push(
                    Diagnostic::new(
                        &IAM_STATEMENT,
                        join(&join(&join(at, "conditions"), op), key),
                        format!("condition {op} {key} has no value"),
                    )
                    .help("give the condition key at least one value"),
                );
            }
        }
    }
}

fn action_check(at: &str, action: &str, out: &mut Vec<Diagnostic>) {
    if action == "*" || action.ends_with(":*") && is_action(action) {
        out.push(
            Diagnostic::new(&IAM_WILDCARD, at.to_owned(), format!("{action:?} grants every action{}", if action == "*" { " of every service" } else { " of the service" }))
                .help("list the actions the application calls, for example sqs:ReceiveMessage and sqs:DeleteMessage"),
        );
    } else if !is_action(action) {
        out.push(
            Diagnostic::new(
                &IAM_ACTION,
                at.to_owned(),
                format!("{action:?} is not an IAM action"),
            )
            .help(
                "write service:Action, for example s3:GetObject, sqs:SendMessage or dynamodb:Query",
            ),
        );
    }
}

/// `service:Action` with `*` and `?` wildcards in the action part.
fn is_action(s: &str) -> bool {
    let Some((service, action)) = s.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !action.is_empty()
        && action
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?')
}

/// `arn:<partition>:<service>:<region>:<account>:<resource>`, where region and account may be
/// empty (S3, IAM) or wildcards, and the resource is not empty.
fn is_resource_arn(s: &str) -> bool {
    Arn::parse(s)
        .is_ok_and(|a| !a.partition.is_empty() && !a.service.is_empty() && !a.resource.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_resources() {
        for ok in [
            "s3:GetObject",
            "sqs:Receive*",
            "ec2:Describe?pc*",
            "execute-api:Invoke",
        ] {
            assert!(is_action(ok), "{ok}");
        }
        for bad in [
            "s3",
            "S3:GetObject",
            "s3:",
            "s3:Get Object",
            "s3::GetObject",
        ] {
            assert!(!is_action(bad), "{bad}");
        }
        assert!(is_resource_arn("arn:aws:s3:::bucket/*"));
        assert!(is_resource_arn("arn:aws:sqs:*:*:jobs-*"));
        assert!(!is_resource_arn("bucket/*"));
        assert!(!is_resource_arn("arn:aws:s3:::"));
    }
}

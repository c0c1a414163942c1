//! `names`: AWS names a service gives instead of the derived ones, each checked against the
//! characters AWS accepts for its resource (the lengths are the structural pass's).

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::resolve::Resolved;

pub(super) static NAME_OVERRIDE: Rule = Rule {
    code: "name-override",
    severity: Severity::Error,
    summary: "A name in a service's `names`, a step policy's `alarm.name` or `network.vpc_endpoint_security_group`, that AWS does not accept for its resource.",
    fact: "ECS service names and task families take letters, digits, '_' and '-'; IAM role names letters, digits and '+=,.@_-'; log group names letters, digits and '._-/#'; security group names and descriptions a-z, A-Z, 0-9, spaces and '._-:/()#,@[]+=&;{}!$*' (names not starting with sg-); scaling policy and alarm names printable characters.",
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&NAME_OVERRIDE];

/// What a name may hold, in words for the message, and the check.
struct Form {
    what: &'static str,
    allowed: &'static str,
    ok: fn(&str) -> bool,
}

impl Form {
    /// A `name-override` error at `path` when `value` is not of this form. `running` names the
    /// resource an import adopts by this name; `otherwise` ends the help.
    fn check(
        &self,
        value: &str,
        path: String,
        running: &str,
        otherwise: &str,
    ) -> Option<Diagnostic> {
        (!(self.ok)(value)).then(|| {
            Diagnostic::new(
                &NAME_OVERRIDE,
                path,
                format!("{value:?} is not a valid {}", self.what),
            )
            .help(format!(
                "use {} (the name AWS shows for the running {running}, when it is adopted){otherwise}",
                self.allowed
            ))
        })
    }
}

fn ecs(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn iam(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

fn log_group(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b))
}

/// A VPC security group's name takes the characters its description does, and not `sg-`.
fn security_group(s: &str) -> bool {
    sg_description(s) && !s.to_ascii_lowercase().starts_with("sg-")
}

fn sg_description(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" ._-:/()#,@[]+=&;{}!$*".contains(&b))
}

fn printable(s: &str) -> bool {
    !s.chars().any(char::is_control) && s.trim() == s
}

const SERVICE: Form = Form {
    what: "ECS service name",
    allowed: "letters, digits, '_' and '-'",
    ok: ecs,
};
const FAMILY: Form = Form {
    what: "task family",
    allowed: "letters, digits, '_' and '-'",
    ok: ecs,
};
const ROLE: Form = Form {
    what: "IAM role name",
    allowed: "letters, digits and '+=,.@_-'",
    ok: iam,
};
const LOG_GROUP: Form = Form {
    what: "log group name",
    allowed: "letters, digits and '._-/#'",
    ok: log_group,
};
const SECURITY_GROUP: Form = Form {
    what: "security group name",
    allowed: "a-z, A-Z, 0-9, spaces and '._-:/()#,@[]+=&;{}!$*', not starting with sg-",
    ok: security_group,
};
const SG_DESCRIPTION: Form = Form {
    what: "security group description",
    allowed: "a-z, A-Z, 0-9, spaces and '._-:/()#,@[]+=&;{}!$*'",
    ok: sg_description,
};
const SCALING_PREFIX: Form = Form {
    what: "scaling name prefix",
    allowed: "printable characters without leading or trailing spaces",
    ok: printable,
};

const ALARM: Form = Form {
    what: "CloudWatch alarm name",
    allowed: "printable characters without leading or trailing spaces",
    ok: printable,
};

/// A step policy's `alarm.name`, which names the running alarm an import adopts.
fn alarm_names(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let Some(a) = &svc.scaling else { continue };
        let policies = join(&join(&svc.path, "auto_scaling"), "policies");
        for (i, w) in a.written.iter().enumerate() {
            let Some(value) = w.policy.alarm.as_ref().and_then(|a| a.name.as_ref()) else {
                continue;
            };
            let path = join(&crate::diag::index(&policies, i), "alarm");
            out.extend(ALARM.check(
                value,
                join(&path, "name"),
                "alarm",
                ", or leave it out for the policy's name",
            ));
        }
    }
}

/// `network.vpc_endpoint_security_group` and its description, which name a running group an
/// import adopts.
fn endpoint_group(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    let (name, _) = &stack.endpoint_security_group;
    let fields = [
        ("vpc_endpoint_security_group", name, &SECURITY_GROUP),
        (
            "vpc_endpoint_security_group_description",
            &stack.written_endpoint_security_group_description,
            &SG_DESCRIPTION,
        ),
    ];
    for (field, value, form) in fields {
        let Some(value) = value else { continue };
        out.extend(form.check(value, join("network", field), "group", ""));
    }
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    alarm_names(stack, out);
    endpoint_group(stack, out);
    for svc in &stack.services {
        let Some(o) = &svc.given_names else { continue };
        let base = join(&svc.path, "names");
        let fields = [
            ("service", &o.service, &SERVICE),
            ("family", &o.family, &FAMILY),
            ("task_role", &o.task_role, &ROLE),
            ("execution_role", &o.execution_role, &ROLE),
            ("log_group", &o.log_group, &LOG_GROUP),
            ("security_group", &o.security_group, &SECURITY_GROUP),
            (
                "security_group_description",
                &o.security_group_description,
                &SG_DESCRIPTION,
            ),
            ("scaling_prefix", &o.scaling_prefix, &SCALING_PREFIX),
        ];
        for (field, value, form) in fields {
            let Some(value) = value else { continue };
            out.extend(form.check(value, join(&base, field), "resource", ""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(ecs("my_service-1") && !ecs("my service"));
        assert!(iam("ecsTaskRole+x=y,z.@_-") && !iam("role/path"));
        assert!(log_group("/ecs/my-app#1") && !log_group("/ecs/my app"));
        assert!(
            security_group("web tasks")
                && !security_group("sg-web")
                && !security_group("web|tasks")
        );
        assert!(sg_description("Tasks (web): 443") && !sg_description("naïve"));
        assert!(printable("shop-api") && !printable(" shop") && !printable("a\nb"));
    }
}

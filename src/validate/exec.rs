//! ECS Exec: what a task needs for `aws ecs execute-command` to open a session. The service
//! deploys either way; the sessions fail.
//!
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::model::Stack;

use super::context::Context;
use super::platform::before_1_4;
use crate::resolve::defaults;

pub(super) static EXECUTE_COMMAND: Rule = Rule {
    code: "execute-command",
    severity: Severity::Error,
    summary: "ECS Exec on a Linux platform version older than 1.4.0, or with a read-only root filesystem.",
    fact: "ECS Exec needs Fargate platform version 1.4.0 or later on Linux (1.0.0 on Windows). The SSM agent that ECS Exec runs in each container creates directories and files, so a container with readonlyRootFilesystem cannot take sessions.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-considerations",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&EXECUTE_COMMAND];

pub(super) fn check(stack: &Stack, _cx: &Context, out: &mut Vec<Diagnostic>) {
    for (name, svc) in stack.services().filter(|(_, s)| s.execute_command()) {
        let base = join("services", name.as_str());
        let linux = !svc.platform().operating_system_family.is_windows();
        if linux && before_1_4(defaults::platform_version(svc)) {
            out.push(
                Diagnostic::new(
                    &EXECUTE_COMMAND,
                    join(&base, "enable_execute_command"),
                    format!(
                        "{name} runs on platform version {}, and ECS Exec needs 1.4.0 or later",
                        defaults::platform_version(svc)
                    ),
                )
                .help(
                    "set platform_version to '1.4.0' or 'LATEST', or remove enable_execute_command",
                ),
            );
        }
        for (at, c) in svc.containers() {
            if c.read_only_root_filesystem == Some(true) {
                let path = if at.is_empty() {
                    join(&base, "read_only_root_filesystem")
                } else {
                    join(&format!("{base}.{at}"), "read_only_root_filesystem")
                };
                out.push(
                    Diagnostic::new(
                        &EXECUTE_COMMAND,
                        path,
                        "ECS Exec cannot run its SSM agent in a container with a read-only root filesystem",
                    )
                    .help("remove read_only_root_filesystem from this container, or remove enable_execute_command"),
                );
            }
        }
    }
}

//! ECS Exec: what a task needs for `aws ecs execute-command` to open a session. The service
//! deploys either way; the sessions fail.
//!
//! Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::resolve::Resolved;

use super::platform::before_1_4;

pub(super) static EXECUTE_COMMAND: Rule = Rule {
    code: "execute-command",
    severity: Severity::Error,
    summary: "ECS Exec on a Linux platform version older than 1.4.0, or with a read-only root filesystem.",
    fact: "ECS Exec needs Fargate platform version 1.4.0 or later on Linux (1.0.0 on Windows). The SSM agent that ECS Exec runs in each container creates directories and files, so a container with readonlyRootFilesystem cannot take sessions.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-considerations",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&EXECUTE_COMMAND];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in stack.services.iter().filter(|s| s.execute_command) {
        let name = &svc.name;
        if !svc.task.os.is_windows() && before_1_4(&svc.task.platform_version) {
            out.push(
                Diagnostic::new(
                    &EXECUTE_COMMAND,
                    join(&svc.path, "enable_execute_command"),
                    format!(
                        "{name} runs on platform version {}, and ECS Exec needs 1.4.0 or later",
                        svc.task.platform_version
                    ),
                )
                .help(
                    "set platform_version to '1.4.0' or 'LATEST', or remove enable_execute_command",
                ),
            );
        }
        for c in svc.containers() {
            if c.settings.read_only_root_filesystem {
                out.push(
                    Diagnostic::new(
                        &EXECUTE_COMMAND,
                        join(&c.path, "read_only_root_filesystem"),
                        "ECS Exec cannot run its SSM agent in a container with a read-only root filesystem",
                    )
                    .help("remove read_only_root_filesystem from this container, or remove enable_execute_command"),
                );
            }
        }
    }
}

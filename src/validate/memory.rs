//! Container memory inside the task: hard limits, soft limits (memoryReservation) and their sum.
//!
//! Source for every fact here:
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::resolve::{Resolved, Service};

const CONTAINER_MEMORY_DOCS: &str = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory";

pub(super) static MEMORY_RESERVATION: Rule = Rule {
    code: "memory-reservation",
    severity: Severity::Error,
    summary: "A container's memory_reservation that is not below its hard limit, or above the task memory.",
    fact: "If a container sets both memory and memoryReservation, memory must be greater than memoryReservation; no container can reserve more than the task's memory.",
    source: CONTAINER_MEMORY_DOCS,
};

pub(super) static MEMORY_MINIMUM: Rule = Rule {
    code: "memory-minimum",
    severity: Severity::Error,
    summary: "A container memory limit or reservation below 6 MiB (or not positive).",
    fact: "The Docker 20.10.0 or later daemon reserves a minimum of 6 MiB of memory for a container, so ECS containers must not specify less than 6 MiB.",
    source: CONTAINER_MEMORY_DOCS,
};

pub(super) static CONTAINER_MEMORY: Rule = Rule {
    code: "container-memory",
    severity: Severity::Error,
    summary: "A container hard memory limit above the task memory.",
    fact: "A container cannot be given more memory than the task it runs in; RegisterTaskDefinition rejects it.",
    source: CONTAINER_MEMORY_DOCS,
};

pub(super) static MEMORY_SUM: Rule = Rule {
    code: "memory-sum",
    severity: Severity::Error,
    summary: "The containers of a task reserve more memory than the task has.",
    fact: "The total amount of memory reserved for all containers within a task (memoryReservation, or memory when no reservation is set) must not exceed the task memory.",
    source: CONTAINER_MEMORY_DOCS,
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &MEMORY_RESERVATION,
    &MEMORY_MINIMUM,
    &CONTAINER_MEMORY,
    &MEMORY_SUM,
];

/// Docker's floor for a container's memory.
pub(super) const MIN_CONTAINER_MIB: i64 = 6;

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        check_service(svc, out);
    }
}

/// One container's limits, as the task definition will carry them.
struct Container {
    /// Path of the container in the stack, and of its fields.
    hard_path: String,
    reservation_path: String,
    hard: Option<i64>,
    reservation: Option<i64>,
}

fn check_service(svc: &Service, out: &mut Vec<Diagnostic>) {
    let base = &svc.path;
    let task = i64::from(svc.task.memory);
    let mut containers = vec![Container {
        hard_path: join(base, "container_memory"),
        reservation_path: join(base, "memory_reservation"),
        hard: svc.container.memory.map(i64::from),
        reservation: svc.container.written_reservation,
    }];
    // The X-Ray daemon's fields are gen-tf's: its path is the `observability.xray` that adds it.
    let xray = join(&join(base, "observability"), "xray");
    for s in &svc.sidecars {
        let (hard_path, reservation_path) = if s.path == xray {
            (s.path.clone(), s.path.clone())
        } else {
            (join(&s.path, "memory"), join(&s.path, "memory_reservation"))
        };
        containers.push(Container {
            hard_path,
            reservation_path,
            hard: s.memory.map(i64::from),
            reservation: s.written_reservation,
        });
    }
    let mut all_sane = true;
    for c in &containers {
        all_sane &= check_container(c, task, out);
    }

    // Only meaningful once each container is sane on its own.
    let reserved: Vec<(i64, &Container)> = containers
        .iter()
        .filter_map(|c| c.reservation.or(c.hard).map(|m| (m, c)))
        .collect();
    let total: i64 = reserved.iter().map(|(m, _)| *m).sum();
    if all_sane && reserved.len() > 1 && total > task {
        let parts: Vec<String> = reserved.iter().map(|(m, _)| m.to_string()).collect();
        out.push(
            Diagnostic::new(&MEMORY_SUM,
                join(base, "memory"),
                format!(
                    "the containers reserve {total} MiB ({}) but the task has {task} MiB",
                    parts.join(" + ")
                ),
            )
            .help(format!(
                "lower the containers' memory_reservation (or memory) by {} MiB in total, or raise the task memory to a Fargate size of at least {total} MiB",
                total - task
            )),
        );
    }
}

/// Checks one container; false when it has a problem of its own.
fn check_container(c: &Container, task: i64, out: &mut Vec<Diagnostic>) -> bool {
    let before = out.len();
    if let Some(hard) = c.hard {
        if hard < MIN_CONTAINER_MIB {
            out.push(minimum(&c.hard_path, "memory", hard));
        } else if hard > task {
            out.push(
                Diagnostic::new(
                    &CONTAINER_MEMORY,
                    c.hard_path.clone(),
                    format!("a container limit of {hard} MiB is more than the task's {task} MiB"),
                )
                .help(format!(
                    "set it to at most {task} MiB, or raise the task memory"
                )),
            );
        }
    }
    if let Some(r) = c.reservation {
        if r < MIN_CONTAINER_MIB {
            out.push(minimum(&c.reservation_path, "memory_reservation", r));
        } else if let Some(hard) = c.hard.filter(|h| r >= *h && *h >= MIN_CONTAINER_MIB) {
            out.push(
                Diagnostic::new(&MEMORY_RESERVATION,
                    c.reservation_path.clone(),
                    format!("memory_reservation {r} MiB is not below the container's hard limit of {hard} MiB"),
                )
                .help(format!("set memory_reservation below {hard} MiB, for example {}", hard / 2)),
            );
        } else if r > task {
            out.push(
                Diagnostic::new(
                    &MEMORY_RESERVATION,
                    c.reservation_path.clone(),
                    format!("memory_reservation {r} MiB is more than the task's {task} MiB"),
                )
                .help(format!(
                    "set memory_reservation to at most {task} MiB, for example {} (70%)",
                    task * 7 / 10
                )),
            );
        }
    }
    out.len() == before
}

fn minimum(path: &str, field: &str, value: i64) -> Diagnostic {
    let what = if value <= 0 {
        format!("{field} must be positive, not {value}")
    } else {
        format!("{field} of {value} MiB is below Docker's 6 MiB minimum")
    };
    Diagnostic::new(&MEMORY_MINIMUM, path.to_owned(), what).help(format!(
        "give the container at least {MIN_CONTAINER_MIB} MiB"
    ))
}

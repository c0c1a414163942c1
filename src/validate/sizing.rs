//! Fargate task sizes.

use crate::diag::Severity;
use crate::diag::{join, Diagnostic, Rule};
use crate::facts::fargate::{is_valid, sizes, FARGATE_SIZES, WINDOWS_SIZES};
use crate::resolve::Resolved;

pub(super) static FARGATE_SIZE: Rule = Rule {
    code: "fargate-size",
    severity: Severity::Error,
    summary: "The task's cpu/memory pair is not a Fargate size.",
    fact: "Fargate supports 256 CPU with 512, 1024 or 2048 MiB; 512 with 1-4 GiB; 1024 with 2-8 GiB; 2048 with 4-16 GiB; 4096 with 8-30 GiB in 1 GiB steps; 8192 with 16-60 GiB in 4 GiB steps; 16384 with 32-120 GiB in 8 GiB steps. The provider does not check this; RegisterTaskDefinition fails.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&FARGATE_SIZE];

/// The valid size closest to the request: same CPU when the CPU is valid, else the smallest size
/// that fits both numbers.
fn nearest_in(table: &'static [(u32, u32, u32, u32)], cpu: u32, memory: u32) -> (u32, u32) {
    let same_cpu: Vec<(u32, u32)> = sizes(table).filter(|s| s.0 == cpu).collect();
    if let Some(&largest) = same_cpu.last() {
        return same_cpu
            .into_iter()
            .find(|s| s.1 >= memory)
            .unwrap_or(largest);
    }
    smallest_fitting(table, cpu, memory).unwrap_or_else(|| {
        let &(c, _, hi, _) = table.last().expect("table is not empty");
        (c, hi)
    })
}

/// The smallest size with at least `cpu` CPU that holds `memory`.
fn smallest_fitting(
    table: &'static [(u32, u32, u32, u32)],
    cpu: u32,
    memory: u32,
) -> Option<(u32, u32)> {
    sizes(table).find(|&(c, m)| c >= cpu && m >= memory)
}

/// The help line: the nearest size, and when the memory is what does not fit the CPU, also the
/// smallest size that keeps the memory.
fn suggestion(table: &'static [(u32, u32, u32, u32)], cpu: u32, memory: u32) -> String {
    let (c, m) = nearest_in(table, cpu, memory);
    let mut help = format!("the nearest valid size is cpu = {c}, memory = {m}");
    if let Some((c2, m2)) = smallest_fitting(table, cpu, memory) {
        if (c2, m2) != (c, m) && c2 != cpu {
            help.push_str(&format!(
                "; to keep the memory, use cpu = {c2}, memory = {m2}"
            ));
        }
    }
    help
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        let path = join(&svc.path, "cpu");
        let (cpu, memory) = (svc.task.cpu, svc.task.memory);
        if is_valid(cpu, memory) {
            continue;
        }
        // Windows tasks get a suggestion they can use (`windows-task-size` explains the rest).
        let windows = svc.task.os.is_windows();
        let table = if windows {
            WINDOWS_SIZES
        } else {
            FARGATE_SIZES
        };
        let valid_for_cpu = FARGATE_SIZES
            .iter()
            .find(|s| s.0 == cpu)
            .map(|&(cpu, lo, hi, step)| {
                let all: Vec<String> = sizes(FARGATE_SIZES)
                    .filter(|s| s.0 == cpu)
                    .map(|s| s.1.to_string())
                    .collect();
                if all.len() as u32 == (hi - lo) / step + 1 {
                    format!(" ({cpu} CPU takes {lo}-{hi} MiB in steps of {step})")
                } else {
                    let (last, rest) = all.split_last().expect("a CPU has sizes");
                    format!(" ({cpu} CPU takes {} or {last} MiB)", rest.join(", "))
                }
            })
            .unwrap_or_else(|| {
                " (CPU must be 256, 512, 1024, 2048, 4096, 8192 or 16384)".to_owned()
            });
        out.push(
            Diagnostic::new(
                &FARGATE_SIZE,
                path,
                format!(
                    "cpu {} with memory {} MiB is not a Fargate task size{valid_for_cpu}",
                    cpu, memory
                ),
            )
            .help(suggestion(table, cpu, memory)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::fargate::in_table;

    #[test]
    fn table() {
        assert!(is_valid(256, 512));
        assert!(is_valid(256, 2048));
        assert!(!is_valid(256, 4096));
        assert!(is_valid(4096, 30720));
        assert!(!is_valid(8192, 18432));
        assert!(is_valid(8192, 20480));
        // 256 CPU takes 512, 1024 and 2048 MiB, not the 1536 between them.
        assert!(!is_valid(256, 1536));
        assert_eq!(nearest_in(FARGATE_SIZES, 256, 1536), (256, 2048));
        assert_eq!(sizes(FARGATE_SIZES).filter(|s| s.0 == 256).count(), 3);
        assert!(sizes(WINDOWS_SIZES).all(|(c, m)| in_table(WINDOWS_SIZES, c, m)));
        assert_eq!(nearest_in(FARGATE_SIZES, 512, 1536), (512, 2048));
        assert_eq!(nearest_in(FARGATE_SIZES, 300, 512), (512, 1024));
        assert_eq!(nearest_in(FARGATE_SIZES, 99999, 1), (16384, 122880));
        assert_eq!(
            suggestion(FARGATE_SIZES, 256, 4096),
            "the nearest valid size is cpu = 256, memory = 2048; to keep the memory, use cpu = 512, memory = 4096"
        );
        assert_eq!(
            suggestion(WINDOWS_SIZES, 512, 1024),
            "the nearest valid size is cpu = 1024, memory = 2048"
        );
    }
}

//! Fargate task sizes.

use crate::diag::{join, Diagnostic};
use crate::model::Stack;

use super::Context;

/// Valid memory (MiB) for each Fargate CPU value: (cpu, min, max, step).
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
pub const FARGATE_SIZES: &[(u32, u32, u32, u32)] = &[
    (256, 512, 2048, 512),
    (512, 1024, 4096, 1024),
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
    (8192, 16384, 61440, 4096),
    (16384, 32768, 122880, 8192),
];

/// 256 CPU also takes exactly 512, 1024 and 2048, which the step table covers.
pub fn is_valid(cpu: u32, memory: u32) -> bool {
    FARGATE_SIZES.iter().any(|&(c, lo, hi, step)| {
        c == cpu && (lo..=hi).contains(&memory) && (memory - lo) % step == 0
    })
}

/// The valid size closest to the request: same CPU when the CPU is valid, else the smallest size
/// that fits both numbers.
pub fn nearest(cpu: u32, memory: u32) -> (u32, u32) {
    if let Some(&(c, lo, hi, step)) = FARGATE_SIZES.iter().find(|s| s.0 == cpu) {
        let m = memory.clamp(lo, hi);
        let up = lo + (m - lo).div_ceil(step) * step;
        return (c, up.min(hi));
    }
    for &(c, lo, hi, step) in FARGATE_SIZES {
        if c >= cpu && hi >= memory {
            let m = memory.max(lo);
            return (c, lo + (m - lo).div_ceil(step) * step);
        }
    }
    let &(c, _, hi, _) = FARGATE_SIZES.last().expect("table is not empty");
    (c, hi)
}

pub fn check(stack: &Stack, _cx: &Context, out: &mut Vec<Diagnostic>) {
    for (name, svc) in stack.services() {
        let path = join(&join("services", name.as_str()), "cpu");
        if !is_valid(svc.cpu, svc.memory) {
            let (c, m) = nearest(svc.cpu, svc.memory);
            let valid_for_cpu = FARGATE_SIZES
                .iter()
                .find(|s| s.0 == svc.cpu)
                .map(|&(_, lo, hi, step)| format!(" ({} CPU takes {lo}-{hi} MiB in steps of {step})", svc.cpu))
                .unwrap_or_else(|| " (CPU must be 256, 512, 1024, 2048, 4096, 8192 or 16384)".to_owned());
            out.push(
                Diagnostic::error(
                    "fargate-size",
                    path,
                    format!(
                        "cpu {} with memory {} MiB is not a Fargate task size{valid_for_cpu}",
                        svc.cpu, svc.memory
                    ),
                )
                .help(format!("the nearest valid size is cpu = {c}, memory = {m}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert!(is_valid(256, 512));
        assert!(is_valid(256, 2048));
        assert!(!is_valid(256, 4096));
        assert!(is_valid(4096, 30720));
        assert!(!is_valid(8192, 18432));
        assert!(is_valid(8192, 20480));
        assert_eq!(nearest(512, 1536), (512, 2048));
        assert_eq!(nearest(300, 512), (512, 1024));
        assert_eq!(nearest(99999, 1), (16384, 122880));
    }
}

//! Fargate task sizes: the cpu/memory pairs RegisterTaskDefinition accepts.

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

/// Pairs inside a row of the step tables that are not Fargate sizes: 256 CPU takes 512, 1024
/// and 2048 MiB, not 1536 (RegisterTaskDefinition refuses it).
const NOT_SIZES: &[(u32, u32)] = &[(256, 1536)];

/// Every size of a table, by CPU and then memory. The rows list memory from `min` to `max` in
/// steps, less [`NOT_SIZES`]; use this (or [`is_valid`]) rather than reading the rows.
pub fn sizes(table: &'static [(u32, u32, u32, u32)]) -> impl Iterator<Item = (u32, u32)> {
    table.iter().flat_map(|&(cpu, lo, hi, step)| {
        (lo..=hi)
            .step_by(step as usize)
            .map(move |m| (cpu, m))
            .filter(|s| !NOT_SIZES.contains(s))
    })
}

pub fn is_valid(cpu: u32, memory: u32) -> bool {
    in_table(FARGATE_SIZES, cpu, memory)
}

pub fn in_table(table: &'static [(u32, u32, u32, u32)], cpu: u32, memory: u32) -> bool {
    !NOT_SIZES.contains(&(cpu, memory))
        && table.iter().any(|&(c, lo, hi, step)| {
            c == cpu && (lo..=hi).contains(&memory) && (memory - lo) % step == 0
        })
}

/// The sizes a Windows task can use: 1, 2 and 4 vCPU.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
pub const WINDOWS_SIZES: &[(u32, u32, u32, u32)] = &[
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
];

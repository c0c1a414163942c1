//! Operating system, CPU architecture, platform version and capacity provider: the combinations
//! Fargate runs. The provider checks none of them; `CreateService` or `RegisterTaskDefinition`
//! rejects them at apply time.

use crate::diag::{did_you_mean, index, join, Diagnostic, Rule, Severity};
use crate::resolve::service::{CapacityProvider, CpuArchitecture, Service};
use crate::resolve::Resolved;

const PLATFORM_VERSIONS: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html";
const TASK_SIZE: &str = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size";
const CAPACITY_PROVIDERS: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html";

pub(super) static PLATFORM_VERSION: Rule = Rule {
    code: "platform-version",
    severity: Severity::Error,
    summary: "A platform_version that Fargate does not offer for the task's operating system.",
    fact: "Linux tasks run on platform version LATEST, 1.4.0 or 1.3.0; Windows tasks on LATEST or 1.0.0.",
    source: PLATFORM_VERSIONS,
};

pub(super) static WINDOWS_TASK_SIZE: Rule = Rule {
    code: "windows-task-size",
    severity: Severity::Error,
    summary: "A Windows task with 0.25, 0.5, 8 or 16 vCPU.",
    fact: "Windows containers on Fargate run with 1, 2 or 4 vCPU (cpu 1024, 2048 or 4096) only; 256 and 512 CPU units and the 8 and 16 vCPU sizes are Linux only.",
    source: TASK_SIZE,
};

pub(super) static LARGE_TASK_PLATFORM: Rule = Rule {
    code: "large-task-platform",
    severity: Severity::Error,
    summary: "An 8 or 16 vCPU task on a platform version older than 1.4.0.",
    fact: "The 8 vCPU (8192) and 16 vCPU (16384) task sizes require Linux platform version 1.4.0 or later.",
    source: TASK_SIZE,
};

pub(super) static WINDOWS_ARM64: Rule = Rule {
    code: "windows-arm64",
    severity: Severity::Error,
    summary: "A Windows task with cpu_architecture ARM64.",
    fact: "Windows containers on Fargate run on X86_64 only; ARM64 is for Linux tasks.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html",
};

pub(super) static ARM64_PLATFORM: Rule = Rule {
    code: "arm64-platform",
    severity: Severity::Error,
    summary: "An ARM64 task on a platform version older than 1.4.0.",
    fact: "Fargate runs ARM64 (Graviton) tasks on Linux platform version 1.4.0 or later.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm64.html",
};

pub(super) static SPOT_WINDOWS: Rule = Rule {
    code: "spot-windows",
    severity: Severity::Error,
    summary: "FARGATE_SPOT in the capacity provider strategy of a Windows task.",
    fact: "Windows containers on Fargate don't support the Fargate Spot capacity provider.",
    source: CAPACITY_PROVIDERS,
};

pub(super) static SPOT_ARM64_PLATFORM: Rule = Rule {
    code: "spot-arm64-platform",
    severity: Severity::Error,
    summary: "FARGATE_SPOT for an ARM64 task on a platform version older than 1.4.0.",
    fact: "Fargate Spot runs ARM64 Linux tasks (since September 2024) on platform version 1.4.0 or later only.",
    source: CAPACITY_PROVIDERS,
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &PLATFORM_VERSION,
    &WINDOWS_TASK_SIZE,
    &LARGE_TASK_PLATFORM,
    &WINDOWS_ARM64,
    &ARM64_PLATFORM,
    &SPOT_WINDOWS,
    &SPOT_ARM64_PLATFORM,
];

const LINUX_VERSIONS: &[&str] = &["LATEST", "1.4.0", "1.3.0"];
const WINDOWS_VERSIONS: &[&str] = &["LATEST", "1.0.0"];

/// Whether the version is known to be older than 1.4.0 (LATEST is 1.4.0 or newer on Linux).
pub(super) fn before_1_4(version: &str) -> bool {
    version == "1.3.0"
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        check_service(&svc.path, svc, out);
    }
}

fn check_service(base: &str, svc: &Service, out: &mut Vec<Diagnostic>) {
    let windows = svc.task.os.is_windows();
    let version = svc.task.platform_version.as_str();
    let version_path = join(base, "platform_version");
    let os_name = if windows { "Windows" } else { "Linux" };

    let allowed = if windows {
        WINDOWS_VERSIONS
    } else {
        LINUX_VERSIONS
    };
    let version_known = allowed.contains(&version);
    if !version_known {
        let hint = did_you_mean(version, allowed.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        out.push(
            Diagnostic::new(
                &PLATFORM_VERSION,
                version_path.clone(),
                format!("Fargate has no {os_name} platform version `{version}`"),
            )
            .help(format!(
                "{hint}{os_name} tasks take {} (or omit platform_version for LATEST)",
                allowed.join(", ")
            )),
        );
    }

    let (cpu, memory) = (svc.task.cpu, svc.task.memory);
    if windows && !matches!(cpu, 1024 | 2048 | 4096) && crate::facts::fargate::is_valid(cpu, memory)
    {
        out.push(
            Diagnostic::new(&WINDOWS_TASK_SIZE,
                join(base, "cpu"),
                format!("Windows tasks on Fargate cannot use cpu {cpu}"),
            )
            .help("use cpu 1024, 2048 or 4096 with a matching memory, or operating_system_family LINUX"),
        );
    }
    if !windows && matches!(cpu, 8192 | 16384) && before_1_4(version) {
        out.push(
            Diagnostic::new(
                &LARGE_TASK_PLATFORM,
                version_path.clone(),
                format!("cpu {cpu} needs platform version 1.4.0 or later, not {version}"),
            )
            .help("set platform_version to 1.4.0 or LATEST (or omit it)"),
        );
    }

    arch_and_spot(base, svc, version, out);
}

/// ARM64 with Windows, and FARGATE_SPOT with Windows or with ARM64 on an old platform.
fn arch_and_spot(base: &str, svc: &Service, version: &str, out: &mut Vec<Diagnostic>) {
    let windows = svc.task.os.is_windows();
    let arm64 = svc.task.architecture == CpuArchitecture::Arm64;
    let version_path = join(base, "platform_version");
    let runtime_path = join(base, "runtime_platform");
    if windows && arm64 {
        out.push(
            Diagnostic::new(
                &WINDOWS_ARM64,
                join(&runtime_path, "cpu_architecture"),
                "Windows tasks on Fargate cannot run on ARM64",
            )
            .help("set runtime_platform.cpu_architecture to X86_64 (ARM64 is the default)"),
        );
    }

    let spot = svc
        .strategy
        .iter()
        .position(|c| c.provider == CapacityProvider::FargateSpot);
    let strategy_path = join(base, "capacity_provider_strategy");
    if let (true, Some(i)) = (windows, spot) {
        out.push(
            Diagnostic::new(
                &SPOT_WINDOWS,
                index(&strategy_path, i),
                "Windows tasks cannot run on FARGATE_SPOT",
            )
            .help("use FARGATE only in capacity_provider_strategy, or run the service on Linux"),
        );
    }
    if !windows && arm64 && before_1_4(version) {
        match spot {
            Some(i) => out.push(
                Diagnostic::new(&SPOT_ARM64_PLATFORM,
                    index(&strategy_path, i),
                    format!("ARM64 tasks on FARGATE_SPOT need platform version 1.4.0 or later, not {version}"),
                )
                .help("set platform_version to 1.4.0 or LATEST (or omit it)"),
            ),
            None => out.push(
                Diagnostic::new(&ARM64_PLATFORM,
                    version_path,
                    format!("ARM64 tasks need platform version 1.4.0 or later, not {version}"),
                )
                .help("set platform_version to 1.4.0 or LATEST (or omit it), or use cpu_architecture X86_64"),
            ),
        }
    }
}

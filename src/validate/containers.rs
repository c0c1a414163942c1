//! Per-container values that AWS checks only at apply time: images, ports, the load balancer's
//! container port, log retention and the X-Ray sampling rate.

use crate::diag::core::OUT_OF_RANGE;
use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::resolve::{Resolved, Service};

pub(super) static LOG_RETENTION: Rule = Rule {
    code: "log-retention",
    severity: Severity::Error,
    summary: "A log_retention_days that CloudWatch Logs does not offer.",
    fact: "Retention is one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days (0 in Terraform: never expire).",
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
};

pub(super) static LB_PORT: Rule = Rule {
    code: "lb-port",
    severity: Severity::Error,
    summary: "A load balancer without a container port, or with one the container does not expose.",
    fact: "The service's load_balancer block names a container port that must be in the container's portMappings; otherwise CreateService fails.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html",
};

pub(super) static IMAGE_FORMAT: Rule = Rule {
    code: "image-format",
    severity: Severity::Error,
    summary: "A container image reference that ECS does not accept.",
    fact: "An image is up to 255 letters, numbers, hyphens, underscores, colons, periods, forward slashes and number signs (and @ before a digest).",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&LOG_RETENTION, &LB_PORT, &IMAGE_FORMAT];

/// Retention values CloudWatch Logs accepts; 0 is the provider's "never expire".
/// Source: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
pub(super) const RETENTION_DAYS: &[u32] = &[
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// ECS takes the grace period as a 32-bit signed integer.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
const MAX_GRACE_PERIOD: u32 = 2_147_483_647;

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        check_service(svc, out);
    }
}

fn check_service(svc: &Service, out: &mut Vec<Diagnostic>) {
    let base = &svc.path;
    if let Some(image) = &svc.container.image {
        check_image(&join(base, "image"), image, out);
    }
    if let Some(image) = &svc.written_xray_image {
        check_image(
            &join(&join(base, "observability"), "xray_daemon_image"),
            image,
            out,
        );
    }
    if svc.database.as_ref().is_some_and(|d| d.port == 0) {
        out.push(port_zero(join(&join(base, "database"), "port")));
    }
    if svc.container.written_port == Some(0) {
        out.push(port_zero(join(base, "port")));
    }
    // The X-Ray daemon is gen-tf's: its image is checked where it is written, above.
    let xray = join(&join(base, "observability"), "xray");
    for s in svc.sidecars.iter().filter(|s| s.path != xray) {
        if let Some(image) = &s.image {
            check_image(&join(&s.path, "image"), image, out);
        }
        if s.written_port == Some(0) {
            out.push(port_zero(join(&s.path, "port")));
        }
    }
    if let Some(lb) = svc.written_load_balancers.iter().find(|t| t.shorthand) {
        let lb_path = &lb.path;
        match (svc.container.written_port, lb.container_port) {
            (_, Some(0)) => out.push(port_zero(join(lb_path, "container_port"))),
            (None, None) => out.push(
                Diagnostic::new(&LB_PORT, lb_path.clone(), "the load balancer has no container port to send traffic to")
                    .help("set the service's port (or load_balancer.container_port) to the port the application listens on"),
            ),
            (Some(p), Some(c)) if p != c => out.push(
                Diagnostic::new(&LB_PORT,
                    join(lb_path, "container_port"),
                    format!("container_port {c} is not the container's port {p}"),
                )
                .help(format!("set container_port to {p}, or omit it")),
            ),
            _ => {}
        }
        if let Some(g) = lb.grace_period_seconds.filter(|g| *g > MAX_GRACE_PERIOD) {
            out.push(
                Diagnostic::new(
                    &OUT_OF_RANGE,
                    join(lb_path, "health_check_grace_period_seconds"),
                    format!("{g} seconds is more than ECS accepts"),
                )
                .help(format!("use at most {MAX_GRACE_PERIOD} seconds")),
            );
        }
    }
    let obs_path = join(base, "observability");
    // Its default (30 days) is one CloudWatch Logs offers: only a written value can fail.
    let days = svc.logs.retention_days;
    if !RETENTION_DAYS.contains(&days) {
        let nearest = RETENTION_DAYS
            .iter()
            .copied()
            .filter(|d| *d != 0)
            .min_by_key(|d| d.abs_diff(days))
            .unwrap_or(30);
        out.push(
            Diagnostic::new(&LOG_RETENTION,
                join(&obs_path, "log_retention_days"),
                format!("CloudWatch Logs cannot keep logs for {days} days"),
            )
            .help(format!(
                "the nearest allowed value is {nearest}; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, or 0 to never expire"
            )),
        );
    }
    if let Some(rate) = svc
        .written_sampling_rate
        .filter(|r| !(0.0..=1.0).contains(r))
    {
        out.push(
            Diagnostic::new(
                &OUT_OF_RANGE,
                join(&obs_path, "xray_sampling_rate"),
                format!("xray_sampling_rate {rate} is not a fraction between 0 and 1"),
            )
            .help("write the share of requests to trace, from 0 to 1 (0.1 = 10%)"),
        );
    }
}

fn port_zero(path: String) -> Diagnostic {
    Diagnostic::new(
        &OUT_OF_RANGE,
        path,
        "port 0 is not a port a container can listen on",
    )
    .help("use the port the application listens on, from 1 to 65535")
}

/// Letters, digits and `-_:./#@`, at most 255 characters.
pub(super) fn is_image(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_:./#@".contains(&b))
}

fn check_image(path: &str, image: &str, out: &mut Vec<Diagnostic>) {
    if !is_image(image) {
        out.push(
            Diagnostic::new(&IMAGE_FORMAT, path.to_owned(), format!("{} is not a container image reference", crate::diag::short_value(image)))
                .help("write repository[:tag] or repository@sha256:digest (up to 255 letters, digits and - _ : . / # @), or omit image to get a variable"),
        );
    }
}

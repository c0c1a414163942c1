//! The catalogue of rules: every family registered once, for `validate` to run and for
//! `gen-tf explain` and the tests that check every code has a fixture.

use crate::diag::{self, Diagnostic, Rule};
use crate::resolve::Resolved;

use super::{
    arn_region, capacity, connect_test_traffic, container_settings, containers, database,
    deployment, deployment_controller, deployment_strategy, ebs_volume, endpoints, environment,
    exec, iam, load_balancing, memory, name_overrides, naming, network, platform, scaling,
    schedule, secrets, service_connect, sizing, spot, task_role_endpoints, volumes,
};

/// One rule family: its rules, and its checks over the resolved stack (every default applied,
/// each node with its source path), which push diagnostics and never stop early.
pub(crate) struct Family {
    pub rules: &'static [&'static Rule],
    pub check: fn(&Resolved, &mut Vec<Diagnostic>),
}

/// A family: its rules and its check. Every family reads only the resolved stack
/// (`tests/code_shape.rs` fails when a file of `src/validate/` names the model beyond ARN
/// syntax and the checked names).
const fn resolved(
    rules: &'static [&'static Rule],
    check: fn(&Resolved, &mut Vec<Diagnostic>),
) -> Family {
    Family { rules, check }
}

/// Every family, in catalogue order. A new family is added here and nowhere else.
pub(crate) static FAMILIES: &[Family] = &[
    resolved(sizing::RULES, sizing::check),
    resolved(platform::RULES, platform::check),
    resolved(capacity::RULES, capacity::check),
    resolved(memory::RULES, memory::check),
    resolved(database::RULES, database::check),
    resolved(naming::RULES, naming::check),
    resolved(name_overrides::RULES, name_overrides::check),
    resolved(environment::RULES, environment::check),
    resolved(iam::RULES, iam::check),
    resolved(secrets::RULES, secrets::check),
    resolved(arn_region::RULES, arn_region::check),
    resolved(containers::RULES, containers::check),
    resolved(container_settings::RULES, container_settings::check),
    resolved(volumes::RULES, volumes::check),
    resolved(endpoints::RULES, endpoints::check),
    resolved(task_role_endpoints::RULES, task_role_endpoints::check),
    resolved(scaling::RULES, scaling::check),
    resolved(load_balancing::RULES, load_balancing::check),
    resolved(service_connect::RULES, service_connect::check),
    resolved(connect_test_traffic::RULES, connect_test_traffic::check),
    resolved(deployment::RULES, deployment::check),
    resolved(spot::RULES, spot::check),
    resolved(deployment_strategy::RULES, deployment_strategy::check),
    resolved(deployment_controller::RULES, deployment_controller::check),
    resolved(ebs_volume::RULES, ebs_volume::check),
    resolved(network::RULES, network::check),
    resolved(exec::RULES, exec::check),
    resolved(schedule::RULES, schedule::check),
];

/// Every rule, in catalogue order: the core rules, then each family's.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    diag::core::RULES
        .iter()
        .chain(FAMILIES.iter().flat_map(|f| f.rules.iter()))
        .chain(crate::platform::catalogue::RULES.iter())
        .copied()
}

pub fn find(code: &str) -> Option<&'static Rule> {
    all().find(|r| r.code == code)
}

/// The catalogue as the Markdown table in README.md's "Rules" section.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | severity | what it rejects |\n|---|---|---|\n");
    for r in all() {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.code,
            r.severity,
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

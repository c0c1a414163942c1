//! The catalogue of rules: every family registered once, for `validate` to run and for
//! `gen-tf explain` and the tests that check every code has a fixture.

use crate::diag::{self, Diagnostic, Rule};
use crate::model::Stack;

use super::context::Context;
use super::{
    capacity, containers, database, deployment, endpoints, environment, exec, load_balancing,
    memory, naming, network, platform, scaling, schedule, secrets, service_connect, sizing,
};

/// A family's checks over the whole stack: they push diagnostics and never stop early.
pub type Check = fn(&Stack, &Context, &mut Vec<Diagnostic>);

/// One rule family: its rules and its checks.
pub struct Family {
    pub rules: &'static [&'static Rule],
    pub check: Check,
}

/// Every family, in catalogue order. A new family is added here and nowhere else.
pub static FAMILIES: &[Family] = &[
    Family {
        rules: sizing::RULES,
        check: sizing::check,
    },
    Family {
        rules: platform::RULES,
        check: platform::check,
    },
    Family {
        rules: capacity::RULES,
        check: capacity::check,
    },
    Family {
        rules: memory::RULES,
        check: memory::check,
    },
    Family {
        rules: database::RULES,
        check: database::check,
    },
    Family {
        rules: naming::RULES,
        check: naming::check,
    },
    Family {
        rules: environment::RULES,
        check: environment::check,
    },
    Family {
        rules: secrets::RULES,
        check: secrets::check,
    },
    Family {
        rules: containers::RULES,
        check: containers::check,
    },
    Family {
        rules: endpoints::RULES,
        check: endpoints::check,
    },
    Family {
        rules: scaling::RULES,
        check: scaling::check,
    },
    Family {
        rules: load_balancing::RULES,
        check: load_balancing::check,
    },
    Family {
        rules: service_connect::RULES,
        check: service_connect::check,
    },
    Family {
        rules: deployment::RULES,
        check: deployment::check,
    },
    Family {
        rules: network::RULES,
        check: network::check,
    },
    Family {
        rules: exec::RULES,
        check: exec::check,
    },
    Family {
        rules: schedule::RULES,
        check: schedule::check,
    },
];

/// Every rule, in catalogue order: the core rules, then each family's.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    diag::core::RULES
        .iter()
        .chain(FAMILIES.iter().flat_map(|f| f.rules.iter()))
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

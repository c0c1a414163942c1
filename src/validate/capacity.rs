//! Capacity provider strategies: the limits `CreateService` enforces and the provider does not.

use std::collections::BTreeMap;

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::resolve::service::{CapacityProvider, Service};
use crate::resolve::Resolved;

/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
const STRATEGY_ITEM: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html";

pub(super) static CAPACITY_RANGE: Rule = Rule {
    code: "capacity-range",
    severity: Severity::Error,
    summary: "A capacity provider base or weight outside its range.",
    fact: "base is 0-100000 and weight is 0-1000.",
    source: STRATEGY_ITEM,
};

pub(super) static CAPACITY_BASE: Rule = Rule {
    code: "capacity-base",
    severity: Severity::Error,
    summary: "More than one capacity provider with a base above 0.",
    fact: "Only one capacity provider in a capacity provider strategy can have a base defined.",
    source: STRATEGY_ITEM,
};

pub(super) static CAPACITY_WEIGHT: Rule = Rule {
    code: "capacity-weight",
    severity: Severity::Error,
    summary: "A capacity provider strategy in which no provider has a weight above 0.",
    fact: "Weight defaults to 0, and at least one capacity provider in a strategy must have a weight greater than 0; otherwise CreateService fails.",
    source: STRATEGY_ITEM,
};

pub(super) static CAPACITY_DUPLICATE: Rule = Rule {
    code: "capacity-duplicate",
    severity: Severity::Error,
    summary: "The same capacity provider twice in one strategy.",
    fact: "Each capacity provider may appear once in a capacity provider strategy.",
    source: STRATEGY_ITEM,
};

pub(super) static CAPACITY_LAUNCH_TYPE: Rule = Rule {
    code: "capacity-launch-type",
    severity: Severity::Error,
    summary: "launch_type together with capacity_provider_strategy.",
    fact: "A service uses either a launch type or a capacity provider strategy; CreateService rejects both (and the provider's launch_type conflicts with capacity_provider_strategy).",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[
    &CAPACITY_RANGE,
    &CAPACITY_BASE,
    &CAPACITY_WEIGHT,
    &CAPACITY_DUPLICATE,
    &CAPACITY_LAUNCH_TYPE,
];

const MAX_BASE: i64 = 100_000;
const MAX_WEIGHT: i64 = 1_000;

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        check_service(svc, out);
    }
}

fn check_service(svc: &Service, out: &mut Vec<Diagnostic>) {
    let (strategy, base_path) = (&svc.strategy, &svc.path);
    if strategy.is_empty() {
        return;
    }
    let path = join(base_path, "capacity_provider_strategy");
    if svc.written_launch_type {
        out.push(
            Diagnostic::new(
                &CAPACITY_LAUNCH_TYPE,
                join(base_path, "launch_type"),
                "launch_type cannot be combined with capacity_provider_strategy",
            )
            .help("remove launch_type; the capacity provider strategy decides where tasks run"),
        );
    }

    let mut seen: BTreeMap<CapacityProvider, usize> = BTreeMap::new();
    let mut with_base = Vec::new();
    for (i, item) in strategy.iter().enumerate() {
        let item_path = index(&path, i);
        let provider = item.provider.as_str();
        if let Some(first) = seen.insert(item.provider, i) {
            out.push(
                Diagnostic::new(
                    &CAPACITY_DUPLICATE,
                    item_path.clone(),
                    format!("{provider} is already listed at capacity_provider_strategy[{first}]"),
                )
                .help(format!(
                    "list {provider} once, with the sum of the weights you meant"
                )),
            );
        }
        let base = item.base;
        if !(0..=MAX_BASE).contains(&base) {
            out.push(
                Diagnostic::new(
                    &CAPACITY_RANGE,
                    join(&item_path, "base"),
                    format!("base {base} is out of range"),
                )
                .help(format!("base takes 0 to {MAX_BASE} tasks")),
            );
        } else if base > 0 {
            with_base.push((i, provider));
        }
        let weight = item.weight;
        if !(0..=MAX_WEIGHT).contains(&weight) {
            out.push(
                Diagnostic::new(
                    &CAPACITY_RANGE,
                    join(&item_path, "weight"),
                    format!("weight {weight} is out of range"),
                )
                .help(format!("weight takes 0 to {MAX_WEIGHT}")),
            );
        }
    }

    if let [(_, first), rest @ ..] = with_base.as_slice() {
        for (i, provider) in rest {
            out.push(
                Diagnostic::new(
                    &CAPACITY_BASE,
                    join(&index(&path, *i), "base"),
                    format!("{provider} has a base, but {first} already has one"),
                )
                .help(format!(
                    "only one provider may have a base above 0; set base = 0 for {provider}"
                )),
            );
        }
    }

    if strategy.iter().all(|c| c.weight <= 0) {
        out.push(
            Diagnostic::new(&CAPACITY_WEIGHT,
                path,
                "no capacity provider has a weight above 0",
            )
            .help("give at least one provider a weight of 1 or more, for example { capacity_provider: 'FARGATE', weight: 1 }"),
        );
    }
}

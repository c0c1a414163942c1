//! `gen-tf diff`: a change to the stacks reviewed before any plan, from the resolved models and
//! the lowered IR of both sides (never from text):
//!
//! - `facts`: what changed in the stack's own terms, and the IAM grants of every role;
//! - `resources`: what Terraform will do to each resource, from `forcenew` (the provider's
//!   ForceNew facts), with the risk of each replacement in words;
//! - the cost delta at the minimum, desired and maximum task counts, from `cost::compare`;
//! - `report`: human, JSON, Markdown (a pull-request comment) and GitHub annotations.

pub(crate) mod disk;
pub(crate) mod facts;
pub(crate) mod forcenew;
pub(crate) mod report;
pub(crate) mod resources;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::cost::{self, compare::StackLines, Prices};
use crate::lower;
use crate::resolve::Resolved;

pub(crate) use resources::{Action, ResourceChange};

/// One stack in one environment, on one side.
pub(crate) struct Side<'a> {
    /// How the two sides are matched: the stack file relative to its tree.
    pub key: String,
    /// The file as the user names it (the after side's, for annotations).
    pub file: String,
    /// The stack's text, for line numbers.
    pub text: Option<String>,
    pub resolved: &'a Resolved,
}

/// A service's changes in its own terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServiceDiff {
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub status: &'static str,
    pub changes: Vec<facts::Change>,
}

/// A permission granted or revoked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PermissionChange {
    pub granted: bool,
    pub grant: facts::Grant,
}

/// Everything that changes in one stack and environment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StackDiff {
    pub name: String,
    pub env: Option<String>,
    pub file: String,
    pub text: Option<String>,
    /// `added`, `removed`, `changed` or `unchanged`.
    pub status: &'static str,
    pub stack: Vec<facts::Change>,
    pub services: Vec<ServiceDiff>,
    pub resources: Vec<ResourceChange>,
    pub permissions: Vec<PermissionChange>,
    /// `None` when either side could not be priced (the reason).
    pub cost: Result<StackLines, String>,
}

impl StackDiff {
    pub(crate) fn title(&self) -> String {
        match &self.env {
            Some(e) => format!("{} ({e})", self.name),
            None => self.name.clone(),
        }
    }

    pub(crate) fn risky(&self) -> impl Iterator<Item = &ResourceChange> {
        self.resources.iter().filter(|r| r.risk.risky)
    }
}

/// Counts of what Terraform will do, for one-line summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub created: usize,
    pub updated: usize,
    pub replaced: usize,
    pub may_replace: usize,
    pub destroyed: usize,
    pub risky: usize,
}

impl Counts {
    pub(crate) fn of<'a>(changes: impl IntoIterator<Item = &'a ResourceChange>) -> Self {
        let mut c = Self::default();
        for r in changes {
            match r.action {
                Action::Create => c.created += 1,
                Action::Update => c.updated += 1,
                Action::Replace => c.replaced += 1,
                Action::MayReplace => c.may_replace += 1,
                Action::Destroy => c.destroyed += 1,
            }
            c.risky += usize::from(r.risk.risky);
        }
        c
    }

    /// `2 replaced (1 risky), 5 updated, 1 created`, or `no resource changes`.
    pub(crate) fn line(&self) -> String {
        let mut parts = Vec::new();
        let risky = if self.risky > 0 {
            format!(" ({} risky)", self.risky)
        } else {
            String::new()
        };
        let mut risky_said = false;
        for (n, word) in [
            (self.replaced, "replaced"),
            (self.may_replace, "may be replaced"),
            (self.destroyed, "destroyed"),
            (self.updated, "updated"),
            (self.created, "created"),
        ] {
            if n == 0 {
                continue;
            }
            let mut part = format!("{n} {word}");
            if !risky_said && matches!(word, "replaced" | "may be replaced" | "destroyed") {
                part.push_str(&risky);
                risky_said = true;
            }
            parts.push(part);
        }
        if parts.is_empty() {
            "no resource changes".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// Compares the two sides, matched by stack file and environment; stacks only in `before`
/// come last.
pub(crate) fn diff(
    before: &[Side<'_>],
    after: &[Side<'_>],
    prices: &Prices,
    opts: &cost::Options,
) -> Vec<StackDiff> {
    let key = |s: &Side<'_>| (s.key.clone(), s.resolved.env.clone());
    let mut out: Vec<StackDiff> = after
        .iter()
        .map(|a| {
            one(
                before.iter().find(|b| key(b) == key(a)),
                Some(a),
                prices,
                opts,
            )
        })
        .collect();
    out.extend(
        before
            .iter()
            .filter(|b| !after.iter().any(|a| key(a) == key(b)))
            .map(|b| one(Some(b), None, prices, opts)),
    );
    out
}

fn services_of(r: Option<&Resolved>) -> BTreeMap<String, &crate::resolve::Service> {
    r.map(|r| r.services.iter().map(|s| (s.name.to_string(), s)).collect())
        .unwrap_or_default()
}

fn one(
    before: Option<&Side<'_>>,
    after: Option<&Side<'_>>,
    prices: &Prices,
    opts: &cost::Options,
) -> StackDiff {
    let either = after.or(before).expect("one side has the stack");
    let (rb, ra) = (before.map(|s| s.resolved), after.map(|s| s.resolved));
    let written = |r: Option<&Resolved>| {
        r.map(|r| resources::written(&lower::lower(r)))
            .unwrap_or_default()
    };
    let resources = resources::compare(&written(rb), &written(ra));
    let stack_facts = |r: Option<&Resolved>| r.map(facts::stack).unwrap_or_default();
    let stack = facts::compare(&stack_facts(rb), &stack_facts(ra));

    let (sb, sa) = (services_of(rb), services_of(ra));
    let mut names: Vec<&String> = sb.keys().chain(sa.keys()).collect();
    names.sort();
    names.dedup();
    let mut services = Vec::new();
    let mut permissions = Vec::new();
    for n in names {
        let (b, a) = (sb.get(n).copied(), sa.get(n).copied());
        let fb = b.map(facts::service).unwrap_or_default();
        let fa = a.map(facts::service).unwrap_or_default();
        let changes = facts::compare(&fb, &fa);
        let status = match (b, a) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        if !changes.is_empty() {
            services.push(ServiceDiff {
                name: n.clone(),
                status,
                changes,
            });
        }
        let gb = b.map(facts::grants).unwrap_or_default();
        let ga = a.map(facts::grants).unwrap_or_default();
        permissions.extend(
            ga.iter()
                .filter(|g| !gb.contains(g))
                .map(|g| PermissionChange {
                    granted: true,
                    grant: g.clone(),
                }),
        );
        permissions.extend(
            gb.iter()
                .filter(|g| !ga.contains(g))
                .map(|g| PermissionChange {
                    granted: false,
                    grant: g.clone(),
                }),
        );
    }

    let price = |r: Option<&Resolved>| -> Result<Vec<cost::StackCost>, String> {
        r.map(|r| cost::estimate(r, prices, opts).map_err(|e| e.to_string()))
            .transpose()
            .map(|c| c.into_iter().collect())
    };
    let cost = price(rb).and_then(|mut b| {
        price(ra).map(|a| {
            // Matched by file: a renamed stack is priced as the same stack.
            for (b, a) in b.iter_mut().zip(&a) {
                b.name.clone_from(&a.name);
            }
            cost::compare::compare(&b, &a)
                .into_iter()
                .next()
                .expect("one side has the stack")
        })
    });
    let status = match (before, after) {
        (None, _) => "added",
        (_, None) => "removed",
        _ if resources.is_empty() && services.is_empty() && stack.is_empty() => "unchanged",
        _ => "changed",
    };
    StackDiff {
        name: either.resolved.name.to_string(),
        env: either.resolved.env.clone(),
        file: either.file.clone(),
        text: either.text.clone(),
        status,
        stack,
        services,
        resources,
        permissions,
        cost,
    }
}

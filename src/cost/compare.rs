//! `gen-tf cost --compare`: what a change to the stacks does to the monthly estimate, per service
//! and stack, for a pull-request comment. "Before" is the `--compare` tree (say, a checkout of the
//! main branch), "after" the stacks being changed.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::report::{prices_json, stack_title, usd};
use super::{Capacities, Money, Options, Prices, StackCost};

type Monthly = Capacities<Money>;

/// One line of the comparison: a stack, a service or a stack's endpoints.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub name: String,
    pub before: Option<Monthly>,
    pub after: Option<Monthly>,
}

impl Line {
    /// After less before, of the amounts as shown (rounded to the cent), so that every row of
    /// the table adds up.
    pub(crate) fn delta(&self) -> Monthly {
        let z = Monthly::default();
        self.after
            .unwrap_or(z)
            .zip(self.before.unwrap_or(z), |a, b| a.rounded() - b.rounded())
    }

    pub(crate) fn status(&self) -> &'static str {
        match (self.before, self.after) {
            (None, _) => "added",
            (_, None) => "removed",
            (Some(b), Some(a)) if a == b => "unchanged",
            _ => "changed",
        }
    }
}

/// A stack of the comparison, with its services and endpoints.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StackLines {
    pub name: String,
    pub env: Option<String>,
    pub total: Line,
    pub services: Vec<Line>,
    pub endpoints: Line,
}

/// Stacks are matched by name and environment, services by name; stacks only in "before" come
/// last.
pub(crate) fn compare(before: &[StackCost], after: &[StackCost]) -> Vec<StackLines> {
    let key = |s: &StackCost| (s.name.clone(), s.env.clone());
    let mut out: Vec<StackLines> = after
        .iter()
        .map(|a| lines(before.iter().find(|b| key(b) == key(a)), Some(a)))
        .collect();
    out.extend(
        before
            .iter()
            .filter(|b| !after.iter().any(|a| key(a) == key(b)))
            .map(|b| lines(Some(b), None)),
    );
    out
}

fn lines(before: Option<&StackCost>, after: Option<&StackCost>) -> StackLines {
    let either = after.or(before).expect("one side has the stack");
    let mut names: Vec<&str> = before
        .iter()
        .chain(after.iter())
        .flat_map(|s| s.services.iter().map(|v| v.name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let service = |s: Option<&StackCost>, n: &str| {
        s.and_then(|s| s.services.iter().find(|v| v.name == n))
            .map(|v| v.monthly)
    };
    let endpoints = |s: Option<&StackCost>| {
        s.map(|s| Capacities {
            min: s.endpoints.monthly,
            desired: s.endpoints.monthly,
            max: s.endpoints.monthly,
        })
    };
    StackLines {
        name: either.name.clone(),
        env: either.env.clone(),
        total: Line {
            name: stack_title(&either.name, either.env.as_deref()),
            before: before.map(|s| s.monthly),
            after: after.map(|s| s.monthly),
        },
        services: names
            .into_iter()
            .map(|n| Line {
                name: n.to_owned(),
                before: service(before, n),
                after: service(after, n),
            })
            .collect(),
        endpoints: Line {
            name: "VPC endpoints".to_owned(),
            before: endpoints(before),
            after: endpoints(after),
        },
    }
}

/// Every stack's total together.
pub(crate) fn total(stacks: &[StackLines]) -> Line {
    let sum = |f: fn(&Line) -> Option<Monthly>| {
        Some(Capacities::sum(
            stacks
                .iter()
                .filter_map(|s| f(&s.total))
                .collect::<Vec<_>>()
                .iter(),
        ))
    };
    Line {
        name: "total".to_owned(),
        before: sum(|l| l.before),
        after: sum(|l| l.after),
    }
}

fn cell(m: Option<Money>) -> String {
    m.map_or_else(|| "-".to_owned(), |m| m.to_string())
}

fn md_row(out: &mut String, l: &Line, bold: bool) {
    let name = if bold {
        format!("**{}**", l.name)
    } else {
        l.name.clone()
    };
    let d = l.delta();
    let _ = writeln!(
        out,
        "| {name} | {} | {} | {} | {} |",
        cell(l.before.map(|c| c.desired)),
        cell(l.after.map(|c| c.desired)),
        d.desired.signed(),
        d.max.signed()
    );
}

/// A Markdown table, ready for a pull-request comment.
pub(crate) fn human(stacks: &[StackLines], prices: &Prices) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Monthly cost at the desired task count, before (--compare) and after this change; the last column is the change at the maximum.\n"
    );
    out.push_str("| stack / service | before | after | change | change at max |\n");
    out.push_str("|---|---:|---:|---:|---:|\n");
    for s in stacks {
        md_row(&mut out, &s.total, true);
        for l in s.services.iter().chain(std::iter::once(&s.endpoints)) {
            let mut l = l.clone();
            l.name = format!("{} {}", l.name, mark(l.status()));
            l.name = l.name.trim_end().to_owned();
            md_row(&mut out, &l, false);
        }
    }
    if stacks.len() > 1 {
        md_row(&mut out, &total(stacks), true);
    }
    let _ = writeln!(
        out,
        "\nPrices: {} of {}, Spot {} off; not priced: log storage, data processing and transfer.",
        prices.label,
        prices.date,
        super::report::percent_short(prices.spot.discount.to_f64())
    );
    out
}

fn mark(status: &str) -> &'static str {
    match status {
        "added" => "(new)",
        "removed" => "(removed)",
        _ => "",
    }
}

fn line_json(l: &Line) -> Value {
    let three = |c: Option<Monthly>| {
        c.map(|c| json!({ "min": usd(c.min), "desired": usd(c.desired), "max": usd(c.max) }))
    };
    json!({
        "name": l.name,
        "status": l.status(),
        "before": three(l.before),
        "after": three(l.after),
        "delta": three(Some(l.delta())),
    })
}

pub(crate) fn json(stacks: &[StackLines], prices: &Prices, opts: &Options) -> Value {
    let stack = |s: &StackLines| {
        let total = line_json(&s.total);
        json!({
            "name": s.name,
            "env": s.env,
            "status": total["status"],
            "before": total["before"],
            "after": total["after"],
            "delta": total["delta"],
            "services": s.services.iter().map(line_json).collect::<Vec<_>>(),
            "endpoints": line_json(&s.endpoints),
        })
    };
    json!({
        "currency": prices.currency,
        "prices": prices_json(prices, opts),
        "stacks": stacks.iter().map(stack).collect::<Vec<_>>(),
        "total": line_json(&total(stacks)),
    })
}

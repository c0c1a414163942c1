//! `gen-tf diff` for people (human), machines (JSON, documented in docs/diff.md), pull requests
//! (Markdown, one screen with the details folded) and GitHub Actions (annotations on the
//! changed services' lines of the stack files).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::facts::Change;
use super::forcenew::{self, Effect};
use super::{Counts, PermissionChange, ResourceChange, StackDiff};
use crate::cost::compare::Line;
use crate::cost::report::usd;
use crate::report::{github_data, github_property};

/// A secret's value is never read; its reference is shown only as changed or not.
fn is_secret(what: &str) -> bool {
    what.starts_with("secret ") || what.contains(" secret ")
}

fn change_text(c: &Change) -> String {
    if is_secret(&c.what) {
        let how = match (&c.before, &c.after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "now read from another secret",
        };
        return format!("{}: {how} (value not shown)", c.what);
    }
    match (&c.before, &c.after) {
        (None, Some(a)) => format!("{}: {a} (new)", c.what),
        (Some(b), None) => format!("{}: {b} (removed)", c.what),
        (Some(b), Some(a)) => format!("{}: {b} -> {a}", c.what),
        (None, None) => c.what.clone(),
    }
}

fn why(r: &ResourceChange) -> String {
    let mut parts: Vec<String> = Vec::new();
    for a in &r.args {
        let mut s = match &a.effect {
            Effect::Replace(arg) if *arg == forcenew::schema_path(&a.path) => {
                format!("{} forces replacement", a.path)
            }
            Effect::Replace(arg) => format!("{} (in {arg}) forces replacement", a.path),
            Effect::MayReplace(reason) => format!("{} may force replacement: {reason}", a.path),
            Effect::Update => a.path.clone(),
        };
        if let Some(r) = &a.after_apply {
            let _ = write!(s, ", known after {r} is replaced");
        }
        parts.push(s);
    }
    parts.join("; ")
}

fn permission_text(p: &PermissionChange) -> String {
    let g = &p.grant;
    format!(
        "{} {}: {} {} on {}{}",
        if p.granted { "granted" } else { "revoked" },
        g.role,
        g.effect,
        g.action,
        g.resource,
        if g.wildcard() { " [wildcard]" } else { "" }
    )
}

fn cost_text(s: &StackDiff) -> String {
    match &s.cost {
        Ok(lines) => delta_text(&lines.total),
        Err(e) => format!("not priced: {e}"),
    }
}

fn delta_text(l: &Line) -> String {
    let d = l.delta();
    format!(
        "{} at min, {} at desired, {} at max",
        d.min.signed(),
        d.desired.signed(),
        d.max.signed()
    )
}

/// Every stack's resource changes counted together.
pub(crate) fn counts(stacks: &[StackDiff]) -> Counts {
    Counts::of(stacks.iter().flat_map(|s| s.resources.iter()))
}

/// The report for people.
pub(crate) fn human(stacks: &[StackDiff]) -> String {
    let mut out = String::new();
    for s in stacks {
        let _ = writeln!(
            out,
            "{} [{}]: {}, {}",
            s.title(),
            s.file,
            s.status,
            Counts::of(&s.resources).line()
        );
        if s.status == "unchanged" {
            continue;
        }
        for c in &s.stack {
            let _ = writeln!(out, "  {}", change_text(c));
        }
        for svc in &s.services {
            let _ = writeln!(out, "  service {} ({}):", svc.name, svc.status);
            for c in &svc.changes {
                let _ = writeln!(out, "    {}", change_text(c));
            }
        }
        if !s.resources.is_empty() {
            let _ = writeln!(out, "  resources:");
            for r in &s.resources {
                let _ = writeln!(out, "    {:<15} {}", r.action.as_str(), r.address);
                let w = why(r);
                if !w.is_empty() {
                    let _ = writeln!(out, "      because {w}");
                }
                if r.action != super::Action::Update && r.action != super::Action::Create {
                    let risk = if r.risk.risky { "RISK: " } else { "" };
                    let _ = writeln!(out, "      {risk}{}", r.risk.words);
                }
            }
        }
        if !s.permissions.is_empty() {
            let _ = writeln!(out, "  permissions:");
            for p in &s.permissions {
                let _ = writeln!(out, "    {}", permission_text(p));
            }
        }
        let _ = writeln!(out, "  cost per month (USD): {}", cost_text(s));
    }
    let _ = writeln!(out, "total: {}", counts(stacks).line());
    out
}

fn change_json(c: &Change) -> Value {
    if is_secret(&c.what) {
        return json!({ "what": c.what, "before": c.before.as_ref().map(|_| "(secret)"), "after": c.after.as_ref().map(|_| "(secret)") });
    }
    json!({ "what": c.what, "before": c.before, "after": c.after })
}

fn counts_json(c: Counts) -> Value {
    json!({
        "created": c.created,
        "updated": c.updated,
        "replaced": c.replaced,
        "may_replace": c.may_replace,
        "destroyed": c.destroyed,
        "risky": c.risky,
    })
}

fn three(c: crate::cost::Capacities<crate::cost::Money>) -> Value {
    json!({ "min": usd(c.min), "desired": usd(c.desired), "max": usd(c.max) })
}

/// The JSON report (docs/diff.md).
pub(crate) fn json(stacks: &[StackDiff]) -> Value {
    let facts = forcenew::facts();
    let stack = |s: &StackDiff| {
        let resources: Vec<Value> = s
            .resources
            .iter()
            .map(|r| {
                json!({
                    "address": r.address,
                    "type": r.ty,
                    "action": r.action.key(),
                    "risky": r.risk.risky,
                    "risk": r.risk.words,
                    "arguments": r.args.iter().map(|a| {
                        let (effect, reason) = match &a.effect {
                            Effect::Update => ("update", None),
                            Effect::Replace(arg) => ("replace", Some(format!("{arg} is ForceNew"))),
                            Effect::MayReplace(why) => ("may_replace", Some(why.clone())),
                        };
                        json!({ "path": a.path, "effect": effect, "reason": reason, "known_after_apply_of": a.after_apply })
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let cost = match &s.cost {
            Ok(l) => json!({
                "before": l.total.before.map(three),
                "after": l.total.after.map(three),
                "delta": three(l.total.delta()),
            }),
            Err(e) => json!({ "not_priced": e }),
        };
        json!({
            "name": s.name,
            "env": s.env,
            "file": s.file,
            "status": s.status,
            "summary": counts_json(Counts::of(&s.resources)),
            "stack_changes": s.stack.iter().map(change_json).collect::<Vec<_>>(),
            "services": s.services.iter().map(|v| json!({
                "name": v.name,
                "status": v.status,
                "changes": v.changes.iter().map(change_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "resources": resources,
            "permissions": s.permissions.iter().map(|p| json!({
                "change": if p.granted { "granted" } else { "revoked" },
                "role": p.grant.role,
                "effect": p.grant.effect,
                "action": p.grant.action,
                "resource": p.grant.resource,
                "wildcard": p.grant.wildcard(),
            })).collect::<Vec<_>>(),
            "cost": cost,
        })
    };
    json!({
        "forcenew_facts": { "provider": facts.provider, "version": facts.version },
        "summary": counts_json(counts(stacks)),
        "stacks": stacks.iter().map(stack).collect::<Vec<_>>(),
    })
}

/// Markdown cells cannot hold `|` or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Risky lines shown before the fold; the rest are counted.
const MAX_RISKS_SHOWN: usize = 8;

/// A pull-request comment: a table of the stacks and the risks on one screen, the details of
/// each stack folded.
pub(crate) fn markdown(stacks: &[StackDiff]) -> String {
    let mut out = String::from("### gen-tf diff\n\n");
    let total = counts(stacks);
    let _ = writeln!(out, "**{}**\n", total.line());
    let changed: Vec<&StackDiff> = stacks.iter().filter(|s| s.status != "unchanged").collect();
    if changed.is_empty() {
        let _ = writeln!(out, "No stack changes.");
        return out;
    }
    out.push_str("| stack | resources | permissions | cost / month (desired) |\n");
    out.push_str("|---|---|---|---:|\n");
    for s in &changed {
        let granted = s.permissions.iter().filter(|p| p.granted).count();
        let revoked = s.permissions.len() - granted;
        let cost = match &s.cost {
            Ok(l) => l.total.delta().desired.signed(),
            Err(_) => "not priced".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | +{granted} / -{revoked} | {cost} |",
            cell(&s.title()),
            cell(&Counts::of(&s.resources).line())
        );
    }
    let risks: Vec<(String, &ResourceChange)> = changed
        .iter()
        .flat_map(|s| s.risky().map(move |r| (s.title(), r)))
        .collect();
    if !risks.is_empty() {
        let _ = writeln!(out, "\n**Risky changes**\n");
        for (title, r) in risks.iter().take(MAX_RISKS_SHOWN) {
            let _ = writeln!(
                out,
                "- :warning: {title}: `{}` {}: {}",
                r.address,
                r.action.as_str(),
                r.risk.words
            );
        }
        if risks.len() > MAX_RISKS_SHOWN {
            let _ = writeln!(out, "- and {} more, below", risks.len() - MAX_RISKS_SHOWN);
        }
    }
    let wild = changed
        .iter()
        .flat_map(|s| s.permissions.iter())
        .filter(|p| p.granted && p.grant.wildcard())
        .count();
    if wild > 0 {
        let _ = writeln!(
            out,
            "\n:warning: {wild} granted permission(s) with a wildcard."
        );
    }
    for s in &changed {
        let _ = writeln!(out, "\n<details><summary>{}</summary>\n", s.title());
        let _ = writeln!(out, "```");
        out.push_str(
            &human(std::slice::from_ref(*s))
                .lines()
                .filter(|l| !l.starts_with("total:"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let _ = writeln!(out, "\n```\n\n</details>");
    }
    out
}

/// The 1-based line of `path` (`services.api`) in the stack's text, else 1.
fn line_of(s: &StackDiff, path: &str) -> usize {
    s.text
        .as_deref()
        .and_then(|t| crate::load::line_col_of(t, path))
        .map_or(1, |(l, _)| l)
}

/// The service a resource belongs to: its label is the service's identifier, or starts with it.
fn service_of<'a>(s: &'a StackDiff, r: &ResourceChange) -> Option<&'a str> {
    let label = r.address.split_once('.').map_or("", |(_, l)| l);
    s.services.iter().map(|v| v.name.as_str()).find(|n| {
        let id = n.replace('-', "_");
        label == id || label.starts_with(&format!("{id}_"))
    })
}

/// GitHub Actions annotations: a notice on each changed service's line, a warning (an error
/// with `deny`) for each risky change.
pub(crate) fn github(stacks: &[StackDiff], deny: bool) -> String {
    let mut out = String::new();
    for s in stacks.iter().filter(|s| s.status != "unchanged") {
        for svc in &s.services {
            let line = line_of(s, &format!("services.{}", svc.name));
            let text: Vec<String> = svc.changes.iter().map(change_text).collect();
            let _ = writeln!(
                out,
                "::notice file={},line={line},title={}::{}",
                github_property(&s.file),
                github_property(&format!("gen-tf diff: {} service {}", s.title(), svc.name)),
                github_data(&text.join("\n"))
            );
        }
        for r in s.risky() {
            let line = service_of(s, r).map_or(1, |n| line_of(s, &format!("services.{n}")));
            let _ = writeln!(
                out,
                "::{} file={},line={line},title={}::{}",
                if deny { "error" } else { "warning" },
                github_property(&s.file),
                github_property(&format!(
                    "gen-tf diff: {} {} {}",
                    s.title(),
                    r.action.as_str(),
                    r.address
                )),
                github_data(&r.risk.words)
            );
        }
    }
    out
}

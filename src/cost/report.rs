//! `gen-tf cost` for people (a table per stack and a total) and for machines (JSON).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::{
    Capacities, EndpointCost, Money, Options, Prices, ServiceCost, StackCost, HOURS_PER_MONTH,
};
use crate::resolve::service::Database;

/// What the estimate leaves out, said in every report.
pub(crate) const NOT_PRICED: &[&str] = &[
    "CloudWatch Logs ingestion and storage of the services' log groups",
    "data processed by NAT gateways and interface endpoints, and data transfer",
    "load balancers, public IPv4 addresses and the database itself",
];

/// What the seed guide claims ARM64 saves.
pub(crate) const SEED_GUIDE_ARM64_CLAIM: &str = "20%";

const LABEL: usize = 34;
const NUM: usize = 12;

fn row(out: &mut String, label: &str, values: Capacities<String>) {
    let _ = writeln!(
        out,
        "{label:<LABEL$}{:>NUM$}{:>NUM$}{:>NUM$}",
        values.min, values.desired, values.max
    );
}

fn money_row(out: &mut String, label: &str, values: Capacities<Money>) {
    row(out, label, values.map(|m| m.to_string()));
}

/// A fraction as a percentage with one decimal, `20.0%`.
pub(crate) fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A fraction as a percentage with no trailing zeros, `70%`, `69.5%`.
pub(crate) fn percent_short(x: f64) -> String {
    let text = format!("{:.2}", x * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// A stack's name with its environment, `shop (prd)`.
pub(crate) fn stack_title(name: &str, env: Option<&str>) -> String {
    match env {
        Some(env) => format!("{name} ({env})"),
        None => name.to_owned(),
    }
}

/// The estimate as a table per stack, a total and what is not priced.
/// `unpriced` names each stack the price file could not price ("shop (prd): ...").
pub(crate) fn human(
    stacks: &[StackCost],
    unpriced: &[String],
    prices: &Prices,
    opts: &Options,
) -> String {
    let mut out = String::new();
    for s in stacks {
        let title = format!("{}, {}", stack_title(&s.name, s.env.as_deref()), s.region);
        row(
            &mut out,
            &title,
            Capacities {
                min: "min".into(),
                desired: "desired".into(),
                max: "max".into(),
            },
        );
        for svc in &s.services {
            service(&mut out, svc);
        }
        endpoints(&mut out, &s.endpoints);
        money_row(&mut out, "  total", s.monthly);
        out.push('\n');
    }
    if stacks.len() > 1 {
        let all = Capacities::sum(stacks.iter().map(|s| &s.monthly));
        money_row(&mut out, &format!("total ({} stacks)", stacks.len()), all);
        out.push('\n');
    }
    footer(&mut out, stacks, prices, opts);
    unpriced_lines(&mut out, unpriced);
    out
}

fn service(out: &mut String, s: &ServiceCost) {
    money_row(out, &format!("  {}", s.name), s.monthly);
    let _ = writeln!(
        out,
        "    {} {}, cpu {}, memory {} MiB; tasks {} / {} / {}, on FARGATE_SPOT {} / {} / {}",
        s.architecture.as_str(),
        s.os.as_str(),
        s.cpu,
        s.memory,
        s.tasks.min.total(),
        s.tasks.desired.total(),
        s.tasks.max.total(),
        s.tasks.min.spot,
        s.tasks.desired.spot,
        s.tasks.max.spot,
    );
    money_row(out, "    X86_64 on demand", s.x86_on_demand_monthly);
    let saving = s
        .monthly
        .zip(s.x86_on_demand_monthly, |m, x| percent(1.0 - m.ratio(x)));
    row(out, "    saving", saving);
    if let Some(arm) = s.arm64_saving {
        let _ = writeln!(
            out,
            "    ARM64 alone: {} below X86_64 for this size (the seed guide claims {SEED_GUIDE_ARM64_CLAIM})",
            percent(arm)
        );
    }
    if let Some(db) = &s.database {
        let _ = writeln!(out, "    database: {}", connections(db));
    }
}

/// The seed guide's connection arithmetic for a database, in words.
pub(crate) fn connections(db: &Database) -> String {
    let Some(per_task) = db.connections_per_task else {
        return "no pool given, so no connection arithmetic (set database.pool.max)".to_owned();
    };
    let need = db.needed().unwrap_or_default();
    let sum = format!(
        "{} tasks x {per_task} connections + {} buffer = {need}",
        db.max_tasks, db.buffer
    );
    match &db.limit {
        None => format!("{sum}; max_connections unknown (set database.max_connections)"),
        Some(l) if need <= l.value => format!(
            "{sum}, within {} ({}), {} to spare",
            l.value,
            l.source,
            l.value - need
        ),
        Some(l) => format!("{sum}, more than {} ({})", l.value, l.source),
    }
}

fn endpoints(out: &mut String, e: &EndpointCost) {
    let same = Capacities {
        min: e.monthly,
        desired: e.monthly,
        max: e.monthly,
    };
    money_row(out, "  VPC endpoints", same);
    let mut parts = Vec::new();
    if !e.interface.is_empty() {
        parts.push(format!(
            "{} Interface ({}) x {} AZs",
            e.interface.len(),
            e.interface.join(", "),
            e.availability_zones
        ));
    }
    if !e.gateway.is_empty() {
        parts.push(format!("Gateway, free: {}", e.gateway.join(", ")));
    }
    if !e.existing.is_empty() {
        parts.push(format!(
            "the VPC's own, not priced: {}",
            e.existing.join(", ")
        ));
    }
    if parts.is_empty() {
        parts.push("none".to_owned());
    }
    let _ = writeln!(out, "    {}", parts.join("; "));
    let nat = format!(
        "NAT gateway hours, {} AZs x {HOURS_PER_MONTH} h: {} a month",
        e.availability_zones, e.nat_gateway_monthly
    );
    let line = match (e.interface.is_empty(), e.nat_gateway) {
        (false, false) if e.monthly <= e.nat_gateway_monthly => format!(
            "{nat}, which the endpoints replace for {} less",
            e.nat_gateway_monthly - e.monthly
        ),
        (false, false) => format!(
            "{nat}, which the endpoints replace for {} more",
            e.monthly - e.nat_gateway_monthly
        ),
        (false, true) => format!(
            "{nat} (not in the total): the private subnets keep their NAT gateway, so the endpoints add to it"
        ),
        (true, true) => format!("{nat} (not created by this stack, not in the total)"),
        (true, false) => "no NAT gateway and no Interface endpoint to pay for".to_owned(),
    };
    let _ = writeln!(out, "    {line}");
}

fn footer(out: &mut String, stacks: &[StackCost], prices: &Prices, opts: &Options) {
    let _ = writeln!(
        out,
        "Prices: {} of {}, Spot {} off ({}); {HOURS_PER_MONTH} hours a month; {} AZs.",
        prices.label,
        prices.date,
        percent_short(prices.spot.discount.to_f64()),
        prices.spot.date,
        opts.availability_zones
    );
    let assumed: Vec<&str> = stacks
        .iter()
        .filter(|s| !s.region_given)
        .map(|s| s.name.as_str())
        .collect();
    if !assumed.is_empty() {
        let _ = writeln!(
            out,
            "Priced in {} because they name no region (--region): {}.",
            opts.default_region,
            assumed.join(", ")
        );
    }
    let _ = writeln!(out, "Not priced: {}.", NOT_PRICED.join("; "));
}

/// The stacks the price file could not price, after the footer.
fn unpriced_lines(out: &mut String, unpriced: &[String]) {
    if unpriced.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Left out of every total, for want of a price (give a price file that has it with --prices FILE):"
    );
    for u in unpriced {
        let _ = writeln!(out, "  {u}");
    }
}

/// Money as a JSON number of dollars, rounded to the cent.
pub(crate) fn usd(m: Money) -> Value {
    json!(m.to_f64())
}

fn usd3(c: Capacities<Money>) -> Value {
    json!({ "min": usd(c.min), "desired": usd(c.desired), "max": usd(c.max) })
}

/// The header every JSON report starts with.
pub(crate) fn prices_json(prices: &Prices, opts: &Options) -> Value {
    json!({
        "date": prices.date,
        "source": prices.source,
        "region": opts.default_region,
        "file": prices.label,
        "spot": {
            "discount": prices.spot.discount.to_f64(),
            "date": prices.spot.date,
            "source": prices.spot.source,
        },
    })
}

/// The estimate in the JSON shape of issue 16.
/// `not_priced` names what the price file could not price (each stack left out, and why);
/// `excluded` the costs no estimate includes.
pub(crate) fn json(
    stacks: &[StackCost],
    unpriced: &[String],
    prices: &Prices,
    opts: &Options,
) -> Value {
    json!({
        "currency": prices.currency,
        "prices": prices_json(prices, opts),
        "hours_per_month": HOURS_PER_MONTH,
        "availability_zones": opts.availability_zones,
        "stacks": stacks.iter().map(stack_json).collect::<Vec<_>>(),
        "not_priced": unpriced,
        "excluded": NOT_PRICED,
    })
}

fn stack_json(s: &StackCost) -> Value {
    let e = &s.endpoints;
    json!({
        "name": s.name,
        "env": s.env,
        "region": s.region,
        "monthly": usd3(s.monthly),
        "services": s.services.iter().map(service_json).collect::<Vec<_>>(),
        "endpoints": {
            "interface": e.interface,
            "gateway": e.gateway,
            "existing": e.existing,
            "availability_zones": e.availability_zones,
            "monthly": usd(e.monthly),
            "nat_gateway": e.nat_gateway,
            "nat_gateway_monthly": usd(e.nat_gateway_monthly),
        },
    })
}

fn share(spot: u32, total: u32) -> f64 {
    if total == 0 {
        0.0
    } else {
        (f64::from(spot) / f64::from(total) * 10_000.0).round() / 10_000.0
    }
}

fn service_json(s: &ServiceCost) -> Value {
    let mut v = json!({
        "name": s.name,
        "architecture": s.architecture.as_str(),
        "operating_system": s.os.as_str(),
        "cpu": s.cpu,
        "memory": s.memory,
        "tasks": s.tasks.map(|t| t.total()),
        "spot_tasks": s.tasks.map(|t| t.spot),
        "monthly": usd3(s.monthly),
        "x86_on_demand_monthly": usd3(s.x86_on_demand_monthly),
        "spot_share": s.tasks.map(|t| share(t.spot, t.total())),
        "arm64_saving": s.arm64_saving.map(|x| (x * 10_000.0).round() / 10_000.0),
    });
    if let Some(db) = &s.database {
        v["database"] = json!({
            "max_tasks": db.max_tasks,
            "connections_per_task": db.connections_per_task,
            "buffer": db.buffer,
            "needed": db.needed(),
            "max_connections": db.limit.as_ref().map(|l| l.value),
            "max_connections_source": db.limit.as_ref().map(|l| l.source.clone()),
        });
    }
    v
}

//! `gen-tf cost` and `gen-tf rightsize`: the plan's stacks checked and resolved (never lowered),
//! then priced with the price file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::args::{CostArgs, PricesArgs, PricingArgs, ReportFormatArg, RightsizeArgs, StackArgs};
use super::compile::{self, CheckedUnit};
use super::error::CliError;
use super::output::{eprint, print_stdout};
use super::plan::Plan;
use crate::cost::metrics::{self, Metric, Series};
use crate::cost::price_list::{PriceList, PriceListError};
use crate::cost::rightsize::{self, Observed, Outcome, Recommendation, Reservation, Size};
use crate::cost::{self, compare, report, Capacities, Money, Options, Prices, StackCost};
use crate::load;
use crate::model::{self, service::MemoryReservation};
use crate::pipeline::{self, Source};
use crate::report::Style;
use crate::resolve::Service;

/// The price file and the assumptions: flags, then the project's `[cost]`, then the defaults.
fn pricing(p: &PricingArgs, plan: &Plan) -> Result<(Prices, Options), CliError> {
    let prices = match p.prices.as_ref().or(plan.cost.prices.as_ref()) {
        Some(file) => Prices::load(file)?,
        None => Prices::embedded(),
    };
    let defaults = Options::default();
    let opts = Options {
        availability_zones: p
            .availability_zones
            .or(plan.cost.availability_zones)
            .unwrap_or(defaults.availability_zones),
        default_region: p
            .region
            .clone()
            .or_else(|| plan.cost.region.clone())
            .unwrap_or(defaults.default_region),
    };
    Ok((prices, opts))
}

fn print_json(v: &serde_json::Value) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.push('\n');
    print_stdout(&text)
}

/// Every stack of the plan priced; a stack the price file cannot price is left out, and named
/// with the price it lacks (`shop (prd): the price file has no ...`).
fn estimates(
    plan: &Plan,
    style: Style,
    deny: bool,
    prices: &Prices,
    opts: &Options,
) -> Result<(Vec<StackCost>, Vec<String>), CliError> {
    let units = compile::check(plan, style, deny)?;
    let mut out = Vec::new();
    let mut unpriced = Vec::new();
    for u in &units {
        match cost::estimate(&u.checked.resolved, prices, opts) {
            Ok(s) => out.push(s),
            Err(e) => {
                let r = &u.checked.resolved;
                let name = match &r.env {
                    Some(env) => format!("{} ({env})", r.name),
                    None => r.name.to_string(),
                };
                eprint(&format!(
                    "gen-tf: not priced: {} ({name}): {e}; it is left out of every total (give a price file that has it with --prices FILE)\n",
                    u.stack.display()
                ));
                unpriced.push(format!("{name}: {e}"));
            }
        }
    }
    Ok((out, unpriced))
}

/// Prices what it can: a stack without a price in the file is named (stderr, the report's
/// last lines, JSON `not_priced`) and left out, so that one unpriced region does not hide the
/// others' estimate; the command then exits 1, since the totals leave something out.
pub(super) fn cost(args: &CostArgs, style: Style, deny: bool) -> Result<(), CliError> {
    let plan = Plan::for_stacks(&args.stacks, None, None)?;
    let (prices, opts) = pricing(&args.pricing, &plan)?;
    let (after, mut unpriced) = estimates(&plan, style, deny, &prices, &opts)?;
    let json = args.pricing.format == ReportFormatArg::Json;
    if args.compare.is_empty() {
        if json {
            print_json(&report::json(&after, &unpriced, &prices, &opts))?;
        } else {
            print_stdout(&report::human(&after, &unpriced, &prices, &opts))?;
        }
    } else {
        let before_args = StackArgs {
            paths: args.compare.clone(),
            ..args.stacks.clone()
        };
        let before_plan = Plan::for_stacks(&before_args, None, None)?;
        let (before, n) = estimates(&before_plan, style, deny, &prices, &opts)?;
        unpriced.extend(n);
        let lines = compare::compare(&before, &after);
        if json {
            let mut v = compare::json(&lines, &prices, &opts);
            if let Some(o) = v.as_object_mut() {
                o.insert("not_priced".into(), unpriced.clone().into());
            }
            print_json(&v)?;
        } else {
            print_stdout(&compare::human(&lines, &prices))?;
        }
    }
    match unpriced.len() {
        0 => Ok(()),
        count => Err(CliError::Unpriced { count }),
    }
}

/// A metrics file and what it holds.
struct MetricsFile {
    path: PathBuf,
    file: metrics::File,
}

/// `(unit, service)` indices.
type Target = (usize, usize);

/// The service every file is for: `--service`, else the file name up to its first `.`, which is
/// the ECS service name (or gen-tf's service name).
fn assign(
    units: &[CheckedUnit],
    files: Vec<MetricsFile>,
    service: Option<&str>,
) -> Result<BTreeMap<Target, Vec<MetricsFile>>, CliError> {
    let mut out: BTreeMap<Target, Vec<MetricsFile>> = BTreeMap::new();
    for f in files {
        let stem = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = stem.split('.').next().unwrap_or_default().to_owned();
        let wanted = service.unwrap_or(&stem);
        let (stack, name) = match wanted.split_once('/') {
            Some((s, n)) => (Some(s), n),
            None => (None, wanted),
        };
        let found: Vec<Target> = units
            .iter()
            .enumerate()
            .flat_map(|(u, unit)| {
                let r = &unit.checked.resolved;
                r.services.iter().enumerate().filter_map(move |(s, svc)| {
                    let stack_ok = stack.is_none_or(|st| r.name.as_str() == st);
                    let name_ok = svc.names.ecs_service == name || svc.name.as_str() == name;
                    (stack_ok && name_ok).then_some((u, s))
                })
            })
            .collect();
        match found.as_slice() {
            [one] => out.entry(*one).or_default().push(f),
            [] => {
                return Err(CliError::Rightsize(format!(
                    "{}: no service is named `{wanted}`; name the file <ECS service name>.<anything>.json, or use --service STACK/SERVICE",
                    f.path.display()
                )))
            }
            _ => {
                return Err(CliError::Rightsize(format!(
                    "{}: `{wanted}` names {} services (stacks or environments); use --service STACK/SERVICE, or -e ENV",
                    f.path.display(),
                    found.len()
                )))
            }
        }
    }
    Ok(out)
}

pub(super) fn rightsize(args: &RightsizeArgs, style: Style, deny: bool) -> Result<(), CliError> {
    let plan = Plan::for_stacks(&args.stacks, None, None)?;
    let (prices, opts) = pricing(&args.pricing, &plan)?;
    let units = compile::check(&plan, style, deny)?;
    let files = args
        .metrics
        .iter()
        .map(|p| {
            metrics::read(p).map(|file| MetricsFile {
                path: p.clone(),
                file,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let groups = assign(&units, files, args.service.as_deref())?;
    let mut outcomes = Vec::new();
    for ((u, s), files) in &groups {
        let job = Job {
            plan: &plan,
            unit: &units[*u],
            service: &units[*u].checked.resolved.services[*s],
            prices: &prices,
            opts: &opts,
            headroom: args.headroom,
        };
        outcomes.push(job.run(files)?);
    }
    if args.pricing.format == ReportFormatArg::Json {
        print_json(&rightsize::json(&outcomes, &prices, &opts))?;
    } else {
        print_stdout(&rightsize::human(&outcomes))?;
    }
    match outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Refused { .. }))
        .count()
    {
        0 => Ok(()),
        count => Err(CliError::Refused { count }),
    }
}

/// One service's right-sizing.
struct Job<'a> {
    plan: &'a Plan,
    unit: &'a CheckedUnit,
    service: &'a Service,
    prices: &'a Prices,
    opts: &'a Options,
    headroom: u32,
}

impl Job<'_> {
    fn refuse(&self, reason: String) -> Outcome {
        let r = &self.unit.checked.resolved;
        Outcome::Refused {
            stack: r.name.to_string(),
            env: r.env.clone(),
            service: self.service.name.to_string(),
            reason,
        }
    }

    /// The service's two metrics, checked; `Err` is the reason there is no recommendation.
    fn observed(&self, files: &[MetricsFile]) -> Result<[(Series, Observed); 2], String> {
        let series = |m: Metric| -> Result<(Series, Observed), String> {
            let of: Vec<&metrics::File> = files
                .iter()
                .map(|f| &f.file)
                .filter(|f| f.metric == m)
                .collect();
            if of.is_empty() {
                return Err(format!("no {} file was given", m.name()));
            }
            let s = Series::merge(&of);
            rightsize::Window::of(&s).check(m)?;
            let p95 = s.p95().ok_or_else(|| {
                format!(
                    "no p95 of {}: run the command again with --extended-statistics p95",
                    m.name()
                )
            })?;
            let o = Observed {
                average: s.average(),
                maximum: s.maximum(),
                p95,
            };
            Ok((s, o))
        };
        Ok([
            series(Metric::CpuUtilized)?,
            series(Metric::MemoryUtilized)?,
        ])
    }

    fn run(&self, files: &[MetricsFile]) -> Result<Outcome, CliError> {
        let [(cpu_series, cpu), (mem_series, memory)] = match self.observed(files) {
            Ok(o) => o,
            Err(reason) => return Ok(self.refuse(reason)),
        };
        let r = &self.unit.checked.resolved;
        let (region, rates) =
            cost::region_prices(r, self.prices, self.opts).map_err(CliError::Cost)?;
        let price_error = |what: String| CliError::Cost(cost::no_price(r, &region, what));
        let task = &self.service.task;
        let task_rates = cost::fargate_rates(task, rates).map_err(price_error)?;
        let need = rightsize::need(cpu.p95, memory.p95, self.headroom);
        let Some(fit) = self.fit(&rightsize::candidates(need, task.os, &task_rates))? else {
            return Ok(self.refuse(format!(
                "no Fargate size holds p95 plus {}% headroom ({} CPU units, {} MiB) and passes the stack's rules",
                self.headroom, need.cpu, need.memory
            )));
        };
        let monthly = |size: Size| -> Result<Capacities<Money>, CliError> {
            let mut svc = self.service.clone();
            svc.task.cpu = size.cpu;
            svc.task.memory = size.memory;
            cost::service_cost(&svc, rates, self.prices)
                .map(|c| c.monthly)
                .map_err(price_error)
        };
        let current = Size {
            cpu: task.cpu,
            memory: task.memory,
            memory_reservation: self.service.container.memory_reservation,
        };
        let window = if cpu_series.covered() <= mem_series.covered() {
            &cpu_series
        } else {
            &mem_series
        };
        Ok(Outcome::Recommended(Box::new(Recommendation {
            stack: r.name.to_string(),
            env: r.env.clone(),
            service: self.service.name.to_string(),
            ecs_service: self.service.names.ecs_service.clone(),
            stack_file: self.unit.stack.display().to_string(),
            window: rightsize::Window::of(window),
            cpu,
            memory,
            headroom_percent: self.headroom,
            need,
            current,
            recommended: fit.size,
            strategy: fit.strategy,
            reservation_is_number: fit.reservation_is_number,
            monthly_current: monthly(current)?,
            monthly_recommended: monthly(fit.size)?,
        })))
    }

    /// The first candidate (cheapest first) whose stack, changed, still passes every rule: the
    /// size alone cannot tell whether the containers' own memory settings fit it.
    fn fit(&self, candidates: &[(u32, u32)]) -> Result<Option<Fit>, CliError> {
        let opts = &self.plan.targets[self.unit.target].opts;
        let loaded = load::load(&self.unit.stack, &opts.jsonnet())
            .map_err(|e| CliError::Rightsize(format!("{}: {e}", self.unit.stack.display())))?;
        let stack = model::from_value(&loaded.value).map_err(|_| {
            CliError::Rightsize(format!(
                "{}: no longer reads as a stack",
                self.unit.stack.display()
            ))
        })?;
        let Some((_, svc)) = stack.services().find(|(n, _)| **n == self.service.name) else {
            return Ok(None);
        };
        let reservation = match &svc.memory_reservation {
            None => Reservation::None,
            Some(MemoryReservation::Strategy(s)) => Reservation::Strategy(s.strategy),
            Some(MemoryReservation::MiB(n)) => Reservation::MiB(u32::try_from(*n).unwrap_or(0)),
        };
        let env = self.unit.checked.resolved.env.as_deref();
        let old_limit = svc.container_memory.unwrap_or(svc.memory);
        let label = self.unit.stack.display().to_string();
        for &(cpu, memory) in candidates {
            let new_limit = svc.container_memory.unwrap_or(memory);
            let (reserved, strategy) = rightsize::reserve(reservation, old_limit, new_limit, env);
            let mut value = loaded.value.clone();
            let entry = &mut value["services"][self.service.name.as_str()];
            entry["cpu"] = cpu.into();
            entry["memory"] = memory.into();
            if let (Reservation::MiB(_), Some(n)) = (reservation, reserved) {
                entry["memory_reservation"] = n.into();
            }
            let source = Source {
                value: &value,
                label: &label,
                text: None,
            };
            if pipeline::check_value(source, opts).is_ok() {
                return Ok(Some(Fit {
                    size: Size {
                        cpu,
                        memory,
                        memory_reservation: reserved,
                    },
                    strategy,
                    reservation_is_number: matches!(reservation, Reservation::MiB(_)),
                }));
            }
        }
        Ok(None)
    }
}

/// A size that passes the stack's rules, with its reservation.
struct Fit {
    size: Size,
    strategy: Option<model::service::ReservationStrategy>,
    reservation_is_number: bool,
}

/// `gen-tf prices`: reads every input, then writes the price file (atomically with `-o`) and a
/// summary of each region's gaps on stderr. The file is checked by loading it as `cost` would.
pub(super) fn prices(args: &PricesArgs) -> Result<(), CliError> {
    let mut list = PriceList::default();
    for file in &args.files {
        list.read(file)?;
    }
    let Some(file) = list.to_price_file() else {
        return Err(PriceListError {
            file: args
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            message: "no on-demand Fargate, VPC endpoint or NAT gateway hour price found; run \
                      `aws pricing get-products --region us-east-1 --service-code AmazonECS` (and \
                      AmazonVPC, AmazonEC2) and pass what it prints"
                .into(),
        }
        .into());
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    let label = args
        .output
        .as_ref()
        .map_or("the price file".to_owned(), |p| p.display().to_string());
    Prices::parse(&text, &label)?;
    match &args.output {
        Some(path) => crate::write::write_atomic(path, text.as_bytes())?,
        None => print_stdout(&text)?,
    }
    eprint(&list.summary());
    Ok(())
}

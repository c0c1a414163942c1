//! The seed guide's right-sizing recipe, made a recommendation: the smallest Fargate size that
//! holds the observed p95 plus headroom, the memory reservation by the service's strategy, the
//! monthly saving, and the change to make to the stack.
//!
//! Sizes come from [`crate::facts::fargate::FARGATE_SIZES`] (or [`crate::facts::fargate::WINDOWS_SIZES`]),
//! the table the `fargate-size` rule checks against, so a recommendation is always a valid size.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::metrics::{format_span, format_time, Metric, Series};
use super::report::{percent, prices_json, stack_title, usd};
use super::{Capacities, Money, Options, Prices, TaskRates};
use crate::facts::fargate::{sizes, FARGATE_SIZES, WINDOWS_SIZES};
use crate::model::service::{OperatingSystemFamily, ReservationStrategy};
use crate::resolve::defaults;

/// Headroom above the p95 when none is given.
pub(crate) const DEFAULT_HEADROOM_PERCENT: u32 = 20;
/// The seed guide's window: "Get average CPU/Memory over 7 days".
pub(crate) const MIN_WINDOW_SECONDS: i64 = 7 * 86_400;

/// What one task must hold: CPU units and MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Need {
    pub cpu: u32,
    pub memory: u32,
}

/// The p95 plus `headroom_percent`, rounded up to whole CPU units and MiB.
pub(crate) fn need(p95_cpu: f64, p95_memory: f64, headroom_percent: u32) -> Need {
    let grow = |x: f64| {
        let v = (x.max(0.0) * (100.0 + f64::from(headroom_percent)) / 100.0).ceil();
        if v >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            (v as u32).max(1)
        }
    };
    Need {
        cpu: grow(p95_cpu),
        memory: grow(p95_memory),
    }
}

/// Every Fargate size for the operating system that holds `need`, cheapest first (then by CPU
/// and memory).
pub(crate) fn candidates(
    need: Need,
    os: OperatingSystemFamily,
    rates: &TaskRates,
) -> Vec<(u32, u32)> {
    let table = if os.is_windows() {
        WINDOWS_SIZES
    } else {
        FARGATE_SIZES
    };
    let mut out: Vec<(u32, u32)> = sizes(table)
        .filter(|&(cpu, memory)| cpu >= need.cpu && memory >= need.memory)
        .collect();
    let price = |&(cpu, memory): &(u32, u32)| {
        rates.vcpu_hour.per_1024(cpu)
            + rates.gb_hour.per_1024(memory)
            + rates.os_license_vcpu_hour.per_1024(cpu)
    };
    out.sort_by_key(|s| (price(s), *s));
    out
}

/// The cheapest size that holds `need`; `None` when even the largest does not (test-only: the
/// property test states what `rightsize` picks with it).
#[cfg(test)]
pub(crate) fn recommend(
    need: Need,
    os: OperatingSystemFamily,
    rates: &TaskRates,
) -> Option<(u32, u32)> {
    candidates(need, os, rates).into_iter().next()
}

/// How the main container's memory_reservation is written in the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reservation {
    None,
    Strategy(ReservationStrategy),
    MiB(u32),
}

/// The reservation for a new hard limit: a strategy stays and is applied to the new limit; a
/// number is read as the strategy it equals (the seed guide writes strategies out as
/// `std.floor(memory * 0.7)`), else keeps its share of the limit.
pub(crate) fn reserve(
    r: Reservation,
    old_limit: u32,
    new_limit: u32,
    env: Option<&str>,
) -> (Option<u32>, Option<ReservationStrategy>) {
    use ReservationStrategy::{Aggressive, Conservative, Dynamic};
    match r {
        Reservation::None => (None, None),
        Reservation::Strategy(s) => (Some(defaults::reserve(s, new_limit, env)), Some(s)),
        Reservation::MiB(n) => {
            match [Dynamic, Conservative, Aggressive]
                .into_iter()
                .find(|&s| defaults::reserve(s, old_limit, env) == n)
            {
                Some(s) => (Some(defaults::reserve(s, new_limit, env)), Some(s)),
                None => {
                    let kept = u64::from(n) * u64::from(new_limit) / u64::from(old_limit.max(1));
                    (Some(u32::try_from(kept).unwrap_or(u32::MAX)), None)
                }
            }
        }
    }
}

/// One metric's summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Observed {
    pub average: Option<f64>,
    pub maximum: Option<f64>,
    pub p95: f64,
}

/// A task size and its memory reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Size {
    pub cpu: u32,
    pub memory: u32,
    pub memory_reservation: Option<u32>,
}

/// A recommendation for one service.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Recommendation {
    pub stack: String,
    pub env: Option<String>,
    pub service: String,
    pub ecs_service: String,
    pub stack_file: String,
    pub window: Window,
    pub cpu: Observed,
    pub memory: Observed,
    pub headroom_percent: u32,
    pub need: Need,
    pub current: Size,
    pub recommended: Size,
    /// The strategy the reservation follows, if any.
    pub strategy: Option<ReservationStrategy>,
    /// Whether the reservation is a number in the stack (so the diff changes it).
    pub reservation_is_number: bool,
    pub monthly_current: Capacities<Money>,
    pub monthly_recommended: Capacities<Money>,
}

/// The share of the 7-day window's periods that may have no datapoint (an hour the agent missed,
/// a window that starts an hour late): up to this, the data is accepted and the gap reported.
pub(crate) const MAX_GAP_PERCENT: i64 = 5;

/// The time the datapoints cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub from: i64,
    pub to: i64,
    pub covered: i64,
    pub points: usize,
    pub period: i64,
}

impl Window {
    pub(crate) fn of(s: &Series) -> Self {
        Self {
            from: s.points.first().map_or(0, |p| p.time),
            to: s.points.last().map_or(0, |p| p.time),
            covered: s.covered(),
            points: s.points.len(),
            period: s.period().unwrap_or(0),
        }
    }

    /// The periods a full window holds: those from the first datapoint to the last, or 7 days'
    /// worth when that is more.
    pub(crate) fn expected(&self) -> usize {
        if self.period <= 0 {
            return self.points;
        }
        let span = self.covered.max(MIN_WINDOW_SECONDS);
        usize::try_from(span.div_euclid(self.period)).unwrap_or(usize::MAX)
    }

    /// The periods of [`Window::expected`] without a datapoint.
    pub(crate) fn missing(&self) -> usize {
        self.expected().saturating_sub(self.points)
    }

    /// `1 of 168 periods missing (0.6%)`, or `None` without a gap.
    pub(crate) fn gap(&self) -> Option<String> {
        let (missing, expected) = (self.missing(), self.expected());
        (missing > 0).then(|| {
            format!(
                "{missing} of {expected} periods missing ({:.1}%)",
                missing as f64 * 100.0 / expected as f64
            )
        })
    }

    /// Refuses less than the seed guide's 7 days of datapoints, allowing gaps of up to
    /// [`MAX_GAP_PERCENT`] of the window's periods.
    pub(crate) fn check(&self, metric: Metric) -> Result<(), String> {
        let have = i64::try_from(self.points).unwrap_or(i64::MAX) * self.period;
        if self.period > 0 && have * 100 >= MIN_WINDOW_SECONDS * (100 - MAX_GAP_PERCENT) {
            return Ok(());
        }
        Err(format!(
            "the {} datapoints span {} with {} datapoints{}; right-sizing needs 7 days, the seed \
             guide's window, with at most {MAX_GAP_PERCENT}% of its periods missing: fetch the \
             metrics again with `aws cloudwatch get-metric-statistics --start-time` 7 days before \
             --end-time (GNU date: `date -u -d '7 days ago' +%Y-%m-%dT%H:%M:%S`; macOS and BSD: \
             `date -u -v-7d +%Y-%m-%dT%H:%M:%S`), once the service has run that long",
            metric.name(),
            format_span(self.covered),
            self.points,
            self.gap().map(|g| format!(" ({g})")).unwrap_or_default(),
        ))
    }
}

impl Recommendation {
    pub(crate) fn saving(&self) -> Capacities<Money> {
        self.monthly_current
            .zip(self.monthly_recommended, |c, r| c - r)
    }

    /// The change to make, as a diff of the service's fields.
    pub(crate) fn diff(&self) -> Vec<String> {
        let (c, r) = (self.current, self.recommended);
        let mut old = Vec::new();
        let mut new = Vec::new();
        let mut field = |name: &str, a: Option<u32>, b: Option<u32>| {
            if a != b {
                if let Some(a) = a {
                    old.push(format!("-  {name}: {a},"));
                }
                if let Some(b) = b {
                    new.push(format!("+  {name}: {b},"));
                }
            }
        };
        field("cpu", Some(c.cpu), Some(r.cpu));
        field("memory", Some(c.memory), Some(r.memory));
        if self.reservation_is_number {
            field(
                "memory_reservation",
                c.memory_reservation,
                r.memory_reservation,
            );
        }
        if old.is_empty() && new.is_empty() {
            return Vec::new();
        }
        let path = format!("{}: services.{}", self.stack_file, self.service);
        let mut out = vec![format!("--- {path}"), format!("+++ {path} (recommended)")];
        out.extend(old);
        out.extend(new);
        out
    }
}

/// One service's right-sizing: a recommendation, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Recommended(Box<Recommendation>),
    Refused {
        stack: String,
        env: Option<String>,
        service: String,
        reason: String,
    },
}

fn observed_line(m: Metric, o: &Observed, of: u32, needed: u32, headroom: u32) -> String {
    let opt = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |x| format!("{x:.0}"));
    format!(
        "{:<8}average {}, maximum {}, p95 {:.1} {} ({} of {of}); with {headroom}% headroom {needed}",
        if m == Metric::CpuUtilized { "CPU" } else { "memory" },
        opt(o.average),
        opt(o.maximum),
        o.p95,
        m.unit(),
        percent(o.p95 / f64::from(of)),
    )
}

fn reservation_text(r: &Recommendation) -> String {
    let (c, n) = (
        r.current.memory_reservation,
        r.recommended.memory_reservation,
    );
    match (n, r.strategy) {
        (None, _) => "memory_reservation: not set, and the stack names no strategy".to_owned(),
        (Some(n), Some(s)) => format!(
            "memory_reservation: {n} MiB by the {} strategy (was {} MiB)",
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            c.unwrap_or_default()
        ),
        (Some(n), None) => format!(
            "memory_reservation: {n} MiB, the same share of the limit (was {} MiB)",
            c.unwrap_or_default()
        ),
    }
}

/// The recommendations for people.
pub(crate) fn human(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        let r = match o {
            Outcome::Refused {
                stack,
                env,
                service,
                reason,
            } => {
                let title = stack_title(stack, env.as_deref());
                let _ = writeln!(out, "{title} / {service}: no recommendation: {reason}\n");
                continue;
            }
            Outcome::Recommended(r) => r,
        };
        let w = r.window;
        let _ = writeln!(
            out,
            "{} / {} (ECS service {}): {} of datapoints, {} to {}{}",
            stack_title(&r.stack, r.env.as_deref()),
            r.service,
            r.ecs_service,
            format_span(w.covered),
            format_time(w.from),
            format_time(w.to + w.period),
            w.gap()
                .map(|g| format!("; {g}, within the {MAX_GAP_PERCENT}% accepted"))
                .unwrap_or_default(),
        );
        let h = r.headroom_percent;
        let cpu = observed_line(Metric::CpuUtilized, &r.cpu, r.current.cpu, r.need.cpu, h);
        let mem = observed_line(
            Metric::MemoryUtilized,
            &r.memory,
            r.current.memory,
            r.need.memory,
            h,
        );
        let _ = writeln!(out, "  {cpu}\n  {mem}");
        let (c, n) = (r.current, r.recommended);
        let verdict = if (c.cpu, c.memory) == (n.cpu, n.memory) {
            "already the smallest Fargate size that holds both".to_owned()
        } else {
            format!(
                "the smallest Fargate size that holds both (was cpu {}, memory {})",
                c.cpu, c.memory
            )
        };
        let _ = writeln!(out, "  size: cpu {}, memory {}: {verdict}", n.cpu, n.memory);
        let _ = writeln!(out, "  {}", reservation_text(r));
        let (cur, rec, save) = (r.monthly_current, r.monthly_recommended, r.saving());
        let _ = writeln!(
            out,
            "  monthly at the desired count: {} -> {}, {}; at max: {} -> {}, {}",
            cur.desired,
            rec.desired,
            saving(save.desired),
            cur.max,
            rec.max,
            saving(save.max)
        );
        for line in r.diff() {
            let _ = writeln!(out, "  {line}");
        }
        out.push('\n');
    }
    out
}

/// `saving $5.20`, or `$5.20 more` when the service needs a bigger size.
fn saving(m: Money) -> String {
    if m < Money::ZERO {
        format!("{} more", -m)
    } else {
        format!("saving {m}")
    }
}

fn size_json(s: Size) -> Value {
    json!({ "cpu": s.cpu, "memory": s.memory, "memory_reservation": s.memory_reservation })
}

fn usd3(c: Capacities<Money>) -> Value {
    json!({ "min": usd(c.min), "desired": usd(c.desired), "max": usd(c.max) })
}

fn recommendation_json(r: &Recommendation) -> Value {
    let metric = |o: &Observed, needed: u32| json!({ "average": o.average, "maximum": o.maximum, "p95": o.p95, "needed": needed });
    json!({
        "stack": r.stack,
        "env": r.env,
        "service": r.service,
        "ecs_service": r.ecs_service,
        "window": {
            "from": format_time(r.window.from),
            "to": format_time(r.window.to + r.window.period),
            "days": r.window.covered as f64 / 86_400.0,
            "datapoints": r.window.points,
            "expected_datapoints": r.window.expected(),
            "missing_datapoints": r.window.missing(),
        },
        "headroom_percent": r.headroom_percent,
        "cpu": metric(&r.cpu, r.need.cpu),
        "memory": metric(&r.memory, r.need.memory),
        "current": size_json(r.current),
        "recommended": size_json(r.recommended),
        "memory_reservation_strategy": r.strategy,
        "monthly": {
            "current": usd3(r.monthly_current),
            "recommended": usd3(r.monthly_recommended),
            "saving": usd3(r.saving()),
        },
        "diff": r.diff(),
    })
}

/// The recommendations as JSON.
pub(crate) fn json(outcomes: &[Outcome], prices: &Prices, opts: &Options) -> Value {
    let services: Vec<Value> = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Recommended(r) => recommendation_json(r),
            Outcome::Refused {
                stack,
                env,
                service,
                reason,
            } => json!({ "stack": stack, "env": env, "service": service, "refused": reason }),
        })
        .collect();
    json!({
        "currency": prices.currency,
        "prices": prices_json(prices, opts),
        "services": services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::money::Rate;

    fn arm() -> TaskRates {
        TaskRates {
            vcpu_hour: Rate::parse("0.03238").unwrap(),
            gb_hour: Rate::parse("0.00356").unwrap(),
            os_license_vcpu_hour: Rate::default(),
        }
    }

    #[test]
    fn thirty_percent_of_one_vcpu_and_900_mib() {
        let n = need(0.3 * 1024.0, 900.0, 20);
        assert_eq!(
            n,
            Need {
                cpu: 369,
                memory: 1080
            }
        );
        assert_eq!(
            recommend(n, OperatingSystemFamily::Linux, &arm()),
            Some((512, 2048))
        );
        // Windows starts at 1 vCPU.
        assert_eq!(
            recommend(n, OperatingSystemFamily::WindowsServer2022Core, &arm()),
            Some((1024, 2048))
        );
        // More than 16 vCPU: nothing fits.
        let huge = need(20_000.0, 1.0, 20);
        assert_eq!(recommend(huge, OperatingSystemFamily::Linux, &arm()), None);
    }

    #[test]
    fn reservations_follow_their_strategy() {
        let dynamic = Reservation::Strategy(ReservationStrategy::Dynamic);
        assert_eq!(
            reserve(dynamic, 4096, 2048, Some("prd")),
            (Some(1433), Some(ReservationStrategy::Dynamic))
        );
        // 716 of 1024 is the dynamic strategy in prd, written out.
        assert_eq!(
            reserve(Reservation::MiB(716), 1024, 2048, Some("prd")),
            (Some(1433), Some(ReservationStrategy::Dynamic))
        );
        // 600 of 1024 is no strategy: the same share.
        assert_eq!(
            reserve(Reservation::MiB(600), 1024, 2048, None),
            (Some(1200), None)
        );
        assert_eq!(reserve(Reservation::None, 1024, 2048, None), (None, None));
    }
}

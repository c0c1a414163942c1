//! What a stack will cost a month, offline, from the resolved stack and a price file; and what
//! its services should be sized to, from Container Insights metrics.
//!
//! - `money`: exact amounts, rounded to cents only when shown.
//! - `prices`: the price file (built in, or the user's).
//! - `placement`: FARGATE and FARGATE_SPOT tasks by the strategy's base and weights.
//! - `report`: the estimate for people and as JSON; `compare`: the delta between two trees.
//! - `metrics`, `rightsize`: the AWS CLI's metric statistics, and the size they call for.
//!
//! Everything here reads [`crate::resolve`] types, never generated HCL: the task size, platform,
//! strategy, desired count, scaling range, the endpoints the stack creates and `nat_gateway`.

pub(crate) mod compare;
pub(crate) mod metrics;
pub(crate) mod money;
pub(crate) mod placement;
pub(crate) mod price_list;
pub(crate) mod prices;
pub(crate) mod report;
pub(crate) mod rightsize;
#[cfg(test)]
mod tests;

use crate::model::service::{CpuArchitecture, OperatingSystemFamily};
use crate::resolve::service::{Database, Task};
use crate::resolve::{EndpointKind, Resolved, Service};

pub(crate) use money::Money;
pub(crate) use placement::Split;
pub(crate) use prices::{Prices, RegionPrices, TaskRates};

/// Hours in the month of every estimate (AWS's pricing pages use 730).
pub(crate) const HOURS_PER_MONTH: i128 = 730;
/// Ephemeral storage every Fargate task gets without charge, in GiB.
pub(crate) const FREE_EPHEMERAL_GIB: u32 = 20;
/// NAT gateways and interface endpoint network interfaces are per Availability Zone; most VPCs
/// use two.
pub(crate) const DEFAULT_AVAILABILITY_ZONES: u32 = 2;

/// What every estimate of a run shares.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub availability_zones: u32,
    /// The region of stacks that name none (they take it as a module variable).
    pub default_region: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            availability_zones: DEFAULT_AVAILABILITY_ZONES,
            default_region: prices::DEFAULT_REGION.to_owned(),
        }
    }
}

/// One value at the service's minimum, desired and maximum task count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub(crate) struct Capacities<T> {
    pub min: T,
    pub desired: T,
    pub max: T,
}

impl<T: Copy> Capacities<T> {
    pub(crate) fn map<U>(self, f: impl Fn(T) -> U) -> Capacities<U> {
        Capacities {
            min: f(self.min),
            desired: f(self.desired),
            max: f(self.max),
        }
    }

    pub(crate) fn zip<U: Copy, V>(self, o: Capacities<U>, f: impl Fn(T, U) -> V) -> Capacities<V> {
        Capacities {
            min: f(self.min, o.min),
            desired: f(self.desired, o.desired),
            max: f(self.max, o.max),
        }
    }

    /// The three values, labelled, in order (test-only: the ratio test walks them).
    #[cfg(test)]
    pub(crate) fn labelled(self) -> [(&'static str, T); 3] {
        [
            ("min", self.min),
            ("desired", self.desired),
            ("max", self.max),
        ]
    }
}

impl Capacities<Money> {
    pub(crate) fn sum<'a>(items: impl IntoIterator<Item = &'a Self>) -> Self {
        items
            .into_iter()
            .fold(Self::default(), |acc, c| acc.zip(*c, |a, b| a + b))
    }
}

/// A stack's monthly estimate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StackCost {
    pub name: String,
    pub env: Option<String>,
    /// The region priced: the stack's, else [`Options::default_region`].
    pub region: String,
    /// Whether the stack names its region (else the default was assumed).
    pub region_given: bool,
    pub services: Vec<ServiceCost>,
    pub endpoints: EndpointCost,
    /// Services and endpoints.
    pub monthly: Capacities<Money>,
}

/// A service's monthly estimate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServiceCost {
    pub name: String,
    pub architecture: CpuArchitecture,
    pub os: OperatingSystemFamily,
    pub cpu: u32,
    pub memory: u32,
    pub tasks: Capacities<Split>,
    /// What one task costs an hour on FARGATE and on FARGATE_SPOT.
    pub hourly: TaskPrice,
    pub monthly: Capacities<Money>,
    /// The same tasks as X86_64 on FARGATE only: what the seed guide's ARM64 and Spot advice
    /// is measured against.
    pub x86_on_demand_monthly: Capacities<Money>,
    /// How much less one ARM64 task costs than an X86_64 one of its size (the guide claims 20%);
    /// `None` for X86_64 services.
    pub arm64_saving: Option<f64>,
    pub database: Option<Database>,
}

/// One task's price per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TaskPrice {
    pub on_demand: Money,
    pub spot: Money,
}

/// The VPC endpoints a stack creates, against the NAT gateway hours they replace.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EndpointCost {
    pub availability_zones: u32,
    /// Interface endpoints the stack creates, each with a network interface per AZ.
    pub interface: Vec<String>,
    /// Gateway endpoints: free.
    pub gateway: Vec<String>,
    /// Endpoints the VPC already has: not created by the stack, not priced.
    pub existing: Vec<String>,
    pub monthly: Money,
    /// Whether the private subnets route through NAT gateways (which the stack does not create).
    pub nat_gateway: bool,
    /// One NAT gateway per AZ for the month: what a VPC without the endpoints pays in hours.
    pub nat_gateway_monthly: Money,
}

/// What the price file cannot price.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CostError {
    #[error("the price file has no prices for {region} (it has {known})")]
    NoRegion {
        stack: String,
        region: String,
        known: String,
    },
    #[error("the price file has no confirmed price for {what} in {region}")]
    NoPrice {
        stack: String,
        region: String,
        what: String,
    },
}

/// The region a stack is priced in (its own, else the default) and that region's prices.
pub(crate) fn region_prices<'p>(
    r: &Resolved,
    prices: &'p Prices,
    opts: &Options,
) -> Result<(String, &'p RegionPrices), CostError> {
    let region = r
        .region
        .clone()
        .unwrap_or_else(|| opts.default_region.clone());
    match prices.region(&region) {
        Some(rates) => Ok((region, rates)),
        None => Err(CostError::NoRegion {
            stack: r.name.to_string(),
            known: prices.regions().collect::<Vec<_>>().join(", "),
            region,
        }),
    }
}

/// The error for a price the file lacks.
pub(crate) fn no_price(r: &Resolved, region: &str, what: String) -> CostError {
    CostError::NoPrice {
        stack: r.name.to_string(),
        region: region.to_owned(),
        what,
    }
}

/// The monthly estimate of a resolved stack.
pub(crate) fn estimate(
    r: &Resolved,
    prices: &Prices,
    opts: &Options,
) -> Result<StackCost, CostError> {
    let (region, rates) = region_prices(r, prices, opts)?;
    let missing = |what: &str| no_price(r, &region, what.to_owned());
    let services = r
        .services
        .iter()
        .map(|s| service_cost(s, rates, prices).map_err(|what| missing(&what)))
        .collect::<Result<Vec<_>, _>>()?;
    let endpoints = endpoint_cost(r, rates, opts.availability_zones).map_err(|w| missing(&w))?;
    let mut monthly = Capacities::sum(services.iter().map(|s| &s.monthly));
    monthly = monthly.map(|m| m + endpoints.monthly);
    Ok(StackCost {
        name: r.name.to_string(),
        env: r.env.clone(),
        region,
        region_given: r.region.is_some(),
        services,
        endpoints,
        monthly,
    })
}

/// The task counts of a service: its scaling range and desired count, else the desired count.
pub(crate) fn task_counts(s: &Service) -> Capacities<u32> {
    match &s.scaling {
        Some(sc) => Capacities {
            min: sc.min_capacity,
            desired: s.desired_count,
            max: sc.max_capacity,
        },
        None => Capacities {
            min: s.desired_count,
            desired: s.desired_count,
            max: s.desired_count,
        },
    }
}

/// A service's monthly estimate; `Err` names the price the file lacks.
pub(crate) fn service_cost(
    s: &Service,
    rates: &RegionPrices,
    prices: &Prices,
) -> Result<ServiceCost, String> {
    let hourly = task_price(&s.task, rates, prices)?;
    let x86 = Task {
        architecture: CpuArchitecture::X86_64,
        ..s.task.clone()
    };
    let x86_hourly = task_price(&x86, rates, prices)?.on_demand;
    let tasks = task_counts(s).map(|n| placement::split(n, &s.placement));
    let month = |price: Money, n: u32| price.times(i128::from(n) * HOURS_PER_MONTH);
    let monthly = tasks.map(|t| month(hourly.on_demand, t.on_demand) + month(hourly.spot, t.spot));
    let arm64_saving = (s.task.architecture == CpuArchitecture::Arm64)
        .then(|| 1.0 - hourly.on_demand.ratio(x86_hourly));
    Ok(ServiceCost {
        name: s.name.to_string(),
        architecture: s.task.architecture,
        os: s.task.os,
        cpu: s.task.cpu,
        memory: s.task.memory,
        hourly,
        monthly,
        x86_on_demand_monthly: tasks.map(|t| month(x86_hourly, t.total())),
        arm64_saving,
        tasks,
        database: s.database.clone(),
    })
}

/// One task of this size and platform, per hour, on demand and on Spot. The Spot discount applies
/// to vCPU and memory; storage above the free 20 GiB and the Windows license are charged in full.
pub(crate) fn task_price(
    task: &Task,
    rates: &RegionPrices,
    prices: &Prices,
) -> Result<TaskPrice, String> {
    let r = fargate_rates(task, rates)?;
    let compute = r.vcpu_hour.per_1024(task.cpu) + r.gb_hour.per_1024(task.memory);
    let extra_gib = task
        .ephemeral_storage_gib
        .map_or(0, |g| g.saturating_sub(FREE_EPHEMERAL_GIB));
    let storage = match (extra_gib, rates.ephemeral_storage_gb_hour) {
        (0, _) => Money::ZERO,
        (n, Some(rate)) => rate.times(n),
        (_, None) => return Err("ephemeral storage above 20 GiB".to_owned()),
    };
    let fixed = storage + r.os_license_vcpu_hour.per_1024(task.cpu);
    Ok(TaskPrice {
        on_demand: compute + fixed,
        spot: prices.spot.discount.apply(compute) + fixed,
    })
}

/// The Fargate rates of the task's platform; `Err` names the platform the file has no price for.
pub(crate) fn fargate_rates(task: &Task, rates: &RegionPrices) -> Result<TaskRates, String> {
    rates.fargate(task.os, task.architecture).ok_or_else(|| {
        format!(
            "{} {} Fargate tasks",
            task.os.as_str(),
            task.architecture.as_str()
        )
    })
}

fn endpoint_cost(r: &Resolved, rates: &RegionPrices, azs: u32) -> Result<EndpointCost, String> {
    let (mut interface, mut gateway) = (Vec::new(), Vec::new());
    for e in &r.endpoints {
        match e.kind {
            EndpointKind::Interface { .. } => interface.push(e.service.clone()),
            EndpointKind::Gateway => gateway.push(e.service.clone()),
        }
    }
    let hour = |rate: Option<money::Rate>, what: &str| rate.ok_or_else(|| what.to_owned());
    let monthly = if interface.is_empty() {
        Money::ZERO
    } else {
        let n = u32::try_from(interface.len()).unwrap_or(u32::MAX);
        hour(
            rates.interface_endpoint_az_hour,
            "interface VPC endpoint hours",
        )?
        .times(n.saturating_mul(azs))
        .times(HOURS_PER_MONTH)
    };
    let nat_gateway_monthly = hour(rates.nat_gateway_hour, "NAT gateway hours")?
        .times(azs)
        .times(HOURS_PER_MONTH);
    Ok(EndpointCost {
        availability_zones: azs,
        interface,
        gateway,
        existing: r
            .existing_endpoints
            .iter()
            .map(|e| e.service.clone())
            .collect(),
        monthly,
        nat_gateway: r.nat_gateway,
        nat_gateway_monthly,
    })
}

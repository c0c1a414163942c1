//! The cost model beside its code: the estimate's ARM64 -> X86_64 ratio (issue 16), the metrics
//! files' shape, and right-sizing's recommendation over every size. `tests/cost.rs` runs the
//! `gen-tf cost` and `gen-tf rightsize` commands themselves.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;

use super::{estimate, metrics, rightsize, Options, Prices, StackCost};
use crate::facts::fargate::{sizes, FARGATE_SIZES, WINDOWS_SIZES};
use crate::load::load;
use crate::model::service::{CpuArchitecture, OperatingSystemFamily};
use crate::pipeline::{self, Source};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const METRICS: &str = "tests/fixtures/rightsize";

/// Loads an example for ENV=prd, lets `change` edit the loaded stack, and estimates it.
fn estimate_example(path: &str, change: impl FnOnce(&mut Value)) -> StackCost {
    let opts = pipeline::Options {
        env: Some("prd".to_owned()),
        ..pipeline::Options::default()
    };
    let mut value = load(&Path::new(ROOT).join(path), &opts.jsonnet())
        .expect("loads")
        .value;
    change(&mut value);
    let source = Source {
        value: &value,
        label: path,
        text: None,
    };
    let checked = pipeline::check_value(source, &opts).expect("valid");
    estimate(&checked.resolved, &Prices::embedded(), &Options::default()).expect("priced")
}

#[test]
fn arm64_to_x86_64_raises_the_cost_by_the_price_files_ratio() {
    let arm = estimate_example("examples/seed-guide/stack.jsonnet", |_| {});
    let x86 = estimate_example("examples/seed-guide/stack.jsonnet", |v| {
        v["services"]["service-a"]["runtime_platform"]["cpu_architecture"] = "X86_64".into();
    });
    // The price file's ratio for this task size: (cpu x vCPU-hour + memory x GB-hour), X86_64
    // over ARM64.
    let prices = Prices::embedded();
    let rates = prices.region("us-east-1").unwrap();
    let hour = |arch| {
        let r = rates.fargate(OperatingSystemFamily::Linux, arch).unwrap();
        r.vcpu_hour.per_1024(512) + r.gb_hour.per_1024(1024)
    };
    let (arm_hour, x86_hour) = (hour(CpuArchitecture::Arm64), hour(CpuArchitecture::X86_64));
    let (a, x) = (&arm.services[0].monthly, &x86.services[0].monthly);
    for ((label, a), (_, x)) in a.labelled().into_iter().zip(x.labelled()) {
        assert!(x > a, "{label}: X86_64 {x} is not above ARM64 {a}");
        // x / a == x86_hour / arm_hour, exactly.
        assert_eq!(
            x.units() * arm_hour.units(),
            a.units() * x86_hour.units(),
            "{label}: {a} -> {x} is not the ratio {x86_hour:?} / {arm_hour:?}"
        );
    }
    assert_eq!(
        x86.services[0].x86_on_demand_monthly,
        arm.services[0].x86_on_demand_monthly
    );
    // What that ratio is: 1.2499 (vCPU 0.04048 / 0.03238, GB 0.004445 / 0.00356).
    let ratio = x86_hour.ratio(arm_hour);
    assert!((ratio - 1.2499).abs() < 0.0001, "{ratio}");
}

#[test]
fn metrics_files_are_the_cli_output_shape() {
    let f = metrics::read(&Path::new(ROOT).join(METRICS).join("api.memory-p95.json")).unwrap();
    assert_eq!(f.metric, metrics::Metric::MemoryUtilized);
    assert_eq!(f.points.len(), 168);
    assert!(f
        .points
        .iter()
        .all(|p| p.p95.is_some() && p.average.is_none()));
}

proptest! {
    /// Whatever the metrics, a recommendation is a valid Fargate size for the operating system
    /// that holds the p95 plus the headroom, and no cheaper valid size does; there is none only
    /// when no size holds it.
    #[test]
    fn recommendations_are_valid_sizes_above_p95_plus_headroom(
        p95_cpu in 0.0f64..20_000.0,
        p95_memory in 0.0f64..130_000.0,
        headroom in 0u32..300,
        windows in any::<bool>(),
        arm in any::<bool>(),
    ) {
        let (os, table) = if windows {
            (OperatingSystemFamily::WindowsServer2022Core, WINDOWS_SIZES)
        } else {
            (OperatingSystemFamily::Linux, FARGATE_SIZES)
        };
        let arch = if arm && !windows { CpuArchitecture::Arm64 } else { CpuArchitecture::X86_64 };
        let prices = Prices::embedded();
        let rates = prices.region("us-east-1").unwrap().fargate(os, arch).unwrap();
        let need = rightsize::need(p95_cpu, p95_memory, headroom);
        let grown = |x: f64| x * (100.0 + f64::from(headroom)) / 100.0;
        let holds = |&(c, m): &(u32, u32)| f64::from(c) >= grown(p95_cpu) && f64::from(m) >= grown(p95_memory);
        let price = |(c, m): (u32, u32)| {
            rates.vcpu_hour.per_1024(c) + rates.gb_hour.per_1024(m) + rates.os_license_vcpu_hour.per_1024(c)
        };
        match rightsize::recommend(need, os, &rates) {
            Some(size) => {
                prop_assert!(sizes(table).any(|s| s == size), "{size:?} is not a size");
                prop_assert!(holds(&size), "{size:?} does not hold {need:?}");
                for other in sizes(table).filter(holds) {
                    prop_assert!(price(other) >= price(size), "{other:?} is cheaper than {size:?}");
                }
            }
            None => prop_assert!(!sizes(table).any(|s| holds(&s)), "a size holds {need:?}"),
        }
    }
}

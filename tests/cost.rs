//! `gen-tf cost` and `gen-tf rightsize`: the real binary on the examples and on metrics files in
//! the AWS CLI's own output shape, and issue 16's done-when checks (README arithmetic to the cent,
//! the 30%-of-1-vCPU / 900-MiB right-sizing). ARM64 -> X86_64 by the price file's ratio, the
//! metrics files' shape and the recommendation property read the cost model's internals, so they
//! live beside it, in `src/cost/tests.rs`.

use std::path::Path;

use assert_cmd::Command;
use gen_tf::fargate::{sizes, FARGATE_SIZES};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const METRICS: &str = "tests/fixtures/rightsize";
const SHOP: &str = "tests/fixtures/rightsize/stacks/shop.jsonnet";

/// The real binary, run from the repository so that paths in its output are the short ones,
/// without any project file.
fn gen_tf(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("gen-tf")
        .expect("binary is built")
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .arg(args[0])
        .arg("--no-project")
        .args(&args[1..])
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

fn seed_guide_json() -> Value {
    let (code, out, err) = gen_tf(&[
        "cost",
        "examples/seed-guide",
        "-V",
        "ENV=prd",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn cost_of_the_seed_guide() {
    let (code, human, err) = gen_tf(&["cost", "examples/seed-guide", "-V", "ENV=prd"]);
    assert_eq!(code, 0, "{err}");
    let json = seed_guide_json();
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("cost_seed_guide", human);
        insta::assert_snapshot!(
            "cost_seed_guide_json",
            serde_json::to_string_pretty(&json).unwrap()
        );
    });
    // The JSON shape.
    for key in ["currency", "prices", "stacks"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    for key in ["date", "source", "region"] {
        assert!(json["prices"].get(key).is_some(), "prices.{key}");
    }
    let stack = &json["stacks"][0];
    for key in ["name", "monthly", "services", "endpoints"] {
        assert!(stack.get(key).is_some(), "stacks[0].{key}");
    }
    let svc = &stack["services"][0];
    for key in [
        "name",
        "architecture",
        "cpu",
        "memory",
        "monthly",
        "x86_on_demand_monthly",
        "spot_share",
    ] {
        assert!(svc.get(key).is_some(), "services[0].{key}");
    }
    for key in ["min", "desired", "max"] {
        assert!(stack["monthly"].get(key).is_some(), "monthly.{key}");
    }
}

/// README.md works the seed guide's stack out by hand; `gen-tf cost` must agree to the cent.
#[test]
fn the_readme_arithmetic_is_what_cost_prints() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let begin = readme
        .find("<!-- cost:seed-guide:begin")
        .expect("README.md has the cost:seed-guide:begin marker");
    let end = readme
        .find("<!-- cost:seed-guide:end -->")
        .expect("end marker");
    let json = seed_guide_json();
    let stack = &json["stacks"][0];
    let svc = &stack["services"][0];
    let want = |row: &str| -> [&Value; 3] {
        let v = match row {
            "service-a" => &svc["monthly"],
            "service-a, X86_64 on demand" => &svc["x86_on_demand_monthly"],
            "VPC endpoints" => return [&stack["endpoints"]["monthly"]; 3],
            "seed-guide" => &stack["monthly"],
            other => panic!("README row `{other}` has no counterpart"),
        };
        [&v["min"], &v["desired"], &v["max"]]
    };
    let mut rows = 0;
    for line in readme[begin..end]
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('$'))
    {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let (name, values) = (cells[0].trim_matches('*'), &cells[1..]);
        for (cell, got) in values.iter().zip(want(name)) {
            let readme: f64 = cell.trim_start_matches('$').parse().expect(cell);
            assert_eq!(
                format!("{readme:.2}"),
                format!("{:.2}", got.as_f64().unwrap()),
                "README row `{name}`: {line}"
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 4, "the README's seed-guide table has its four rows");
}

#[test]
fn compare_prints_the_delta_per_service_and_stack() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(ROOT).join("examples/seed-guide/stack.jsonnet"))
        .unwrap()
        .replace("cpu_architecture: 'ARM64'", "cpu_architecture: 'X86_64'");
    let changed = dir.path().join("stack.jsonnet");
    std::fs::write(&changed, text).unwrap();
    let changed = changed.to_str().unwrap();
    let run = |format: &str| {
        let (code, out, err) = gen_tf(&[
            "cost",
            changed,
            "-V",
            "ENV=prd",
            "--format",
            format,
            "--compare",
            "examples/seed-guide",
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let (human, json) = (run("human"), run("json"));
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("cost_compare", human);
        insta::assert_snapshot!("cost_compare_json", json);
    });
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["stacks"][0]["services"][0]["status"], "changed");
    assert_eq!(v["total"]["delta"]["desired"], 7.2);
}

#[test]
fn a_stack_the_price_file_cannot_price_is_named() {
    // An ARM64 service in eu-central-1, whose ARM64 rate the built-in file does not have.
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("frankfurt.jsonnet");
    std::fs::write(
        &stack,
        "{ name: 'frankfurt', region: 'eu-central-1', services: { api: { cpu: 512, memory: 1024 } } }",
    )
    .unwrap();
    let stack = stack.to_str().unwrap();
    // The others are priced and it is named as left out (issue 25); the exit code is 1, so
    // that CI cannot read a partial total as the whole estimate.
    let (code, out, err) = gen_tf(&["cost", stack, "examples/minimal", "-V", "ENV=prd"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("gen-tf: 1 stack(s) not priced and left out of every total"),
        "{err}"
    );
    assert!(
        err.contains(&format!("gen-tf: not priced: {stack} (frankfurt (prd)): the price file has no confirmed price for LINUX ARM64 Fargate tasks in eu-central-1; it is left out of every total (give a price file that has it with --prices FILE)")),
        "{err}"
    );
    assert!(out.contains("minimal (prd), us-east-1"), "{out}");
    assert!(
        out.ends_with(
            "Left out of every total, for want of a price (give a price file that has it with --prices FILE):\n  \
             frankfurt (prd): the price file has no confirmed price for LINUX ARM64 Fargate tasks in eu-central-1\n"
        ),
        "{out}"
    );
    // JSON names it in not_priced; the costs no estimate covers are under excluded.
    let (code, out, _) = gen_tf(&[
        "cost",
        stack,
        "-V",
        "ENV=prd",
        "--region",
        "ap-south-1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stacks"], serde_json::json!([]));
    assert_eq!(
        v["not_priced"],
        serde_json::json!(["frankfurt (prd): the price file has no confirmed price for LINUX ARM64 Fargate tasks in eu-central-1"])
    );
    assert!(v["excluded"].as_array().is_some_and(|e| !e.is_empty()));
    let region_less = dir.path().join("mumbai.jsonnet");
    std::fs::write(
        &region_less,
        "{ name: 'mumbai', services: { api: { cpu: 512, memory: 1024 } } }",
    )
    .unwrap();
    let (code, out, _) = gen_tf(&[
        "cost",
        region_less.to_str().unwrap(),
        "--region",
        "ap-south-1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["not_priced"],
        serde_json::json!(["mumbai: the price file has no prices for ap-south-1 (it has eu-central-1, eu-west-1, us-east-1)"])
    );
    // With a price file that has the rate, it is priced.
    // The built-in price file, which the binary embeds.
    let mine = include_str!("../prices/aws.json").replace(
        "\"linux_arm64\": null",
        "\"linux_arm64\": { \"vcpu_hour\": 0.03725, \"gb_hour\": 0.00409 }",
    );
    let file = dir.path().join("prices.json");
    std::fs::write(&file, mine).unwrap();
    let (code, out, err) = gen_tf(&[
        "cost",
        stack,
        "-V",
        "ENV=prd",
        "--prices",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("frankfurt (prd), eu-central-1"), "{out}");
}

#[test]
fn the_project_file_sets_the_availability_zones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("examples/seed-guide/stack.jsonnet"),
        dir.path().join("stacks/seed.jsonnet"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("gen-tf.toml"),
        "stacks = [\"stacks\"]\n[environments.prd]\n[cost]\navailability_zones = 3\n",
    )
    .unwrap();
    let out = Command::cargo_bin("gen-tf")
        .unwrap()
        .current_dir(dir.path())
        .args(["cost", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // 2 Interface endpoints x 3 AZs x 730 h x $0.01.
    assert_eq!(v["stacks"][0]["endpoints"]["monthly"], 43.8);
    assert_eq!(v["stacks"][0]["env"], "prd");
    // A flag wins over the project.
    let out = Command::cargo_bin("gen-tf")
        .unwrap()
        .current_dir(dir.path())
        .args(["cost", "--format", "json", "--availability-zones", "1"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stacks"][0]["endpoints"]["monthly"], 14.6);
}

fn metrics_files(service: &str) -> Vec<String> {
    ["cpu", "cpu-p95", "memory", "memory-p95"]
        .iter()
        .map(|m| format!("{METRICS}/{service}.{m}.json"))
        .collect()
}

fn rightsize(extra: &[&str], files: &[String]) -> (i32, String, String) {
    let mut args = vec!["rightsize", SHOP, "-V", "ENV=prd"];
    args.extend_from_slice(extra);
    args.push("--metrics");
    args.extend(files.iter().map(String::as_str));
    gen_tf(&args)
}

/// The fixture: p95 CPU at 30% of 1 vCPU, memory at 900 MiB of 4096.
#[test]
fn rightsize_turns_30_percent_of_a_vcpu_into_a_smaller_valid_size() {
    let mut files = metrics_files("api");
    files.extend(metrics_files("worker"));
    let (code, human, err) = rightsize(&[], &files);
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = rightsize(&["--format", "json"], &files);
    assert_eq!(code, 0, "{err}");
    snapshot_settings().bind(|| {
        insta::assert_snapshot!("rightsize", human);
        insta::assert_snapshot!("rightsize_json", json);
    });
    let v: Value = serde_json::from_str(&json).unwrap();
    let api = &v["services"][0];
    assert_eq!(api["service"], "api");
    assert_eq!(api["cpu"]["p95"], 307.2);
    assert_eq!(api["memory"]["p95"], 900.0);
    let (cpu, memory) = (
        api["recommended"]["cpu"].as_u64().unwrap() as u32,
        api["recommended"]["memory"].as_u64().unwrap() as u32,
    );
    assert_eq!((cpu, memory), (512, 2048));
    assert!(sizes(FARGATE_SIZES).any(|s| s == (cpu, memory)));
    assert!(cpu < 1024 && memory < 4096);
    assert!(api["monthly"]["saving"]["desired"].as_f64().unwrap() > 0.0);
    // The dynamic strategy in prd: 70% of the new 2048.
    assert_eq!(api["recommended"]["memory_reservation"], 1433);
}

#[test]
fn rightsize_refuses_fewer_than_7_days() {
    let (code, out, err) = rightsize(&[], &metrics_files("short/api"));
    assert_eq!(code, 1, "{err}");
    snapshot_settings().bind(|| insta::assert_snapshot!("rightsize_short", out));
    // Only Average and Maximum, no p95.
    let files = vec![
        format!("{METRICS}/api.cpu.json"),
        format!("{METRICS}/api.memory.json"),
    ];
    let (code, out, _) = rightsize(&[], &files);
    assert_eq!(code, 1);
    assert!(
        out.contains("no p95 of CpuUtilized: run the command again with --extended-statistics p95"),
        "{out}"
    );
}

#[test]
fn rightsize_maps_files_by_name_or_by_service() {
    // A file named after no service.
    let dir = tempfile::tempdir().unwrap();
    let stray = dir.path().join("checkout.cpu.json");
    std::fs::copy(Path::new(ROOT).join(METRICS).join("api.cpu.json"), &stray).unwrap();
    let (code, _, err) = rightsize(&[], &[stray.display().to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("no service is named `checkout`"), "{err}");
    // --service names it.
    let mut files = vec![stray.display().to_string()];
    files.extend(metrics_files("api").into_iter().skip(1));
    let (code, out, err) = rightsize(&["--service", "shop/api"], &files);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("size: cpu 512, memory 2048"), "{out}");
    // Not the CLI's output at all.
    let (code, _, err) = rightsize(&[], &[format!("{METRICS}/make_fixtures.py")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not the JSON that `aws cloudwatch get-metric-statistics` prints"),
        "{err}"
    );
}

/// `gen-tf prices` (issue 25, point 9): the Price List records that `aws pricing get-products`
/// prints (two pages of AmazonECS, one of AmazonEC2) and an AmazonVPC bulk offer file become a
/// price file for every region in them. The us-east-1 records carry the built-in file's
/// confirmed rates, so the converter must reproduce them exactly; the other regions' numbers
/// are fixture values for this test only.
#[test]
fn prices_from_the_price_list_cover_every_region_in_it() {
    let dir = std::env::temp_dir().join(format!("gen-tf-prices-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("prices.json");
    let out_s = out.to_str().unwrap();
    let inputs = [
        "tests/fixtures/prices/ecs-page-1.json",
        "tests/fixtures/prices/ecs-page-2.json",
        "tests/fixtures/prices/ec2-nat.json",
        "tests/fixtures/prices/vpc-offer.json",
    ];
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("gen-tf")
            .unwrap()
            .current_dir(ROOT)
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let mut args = vec!["prices"];
    args.extend(inputs);
    args.extend(["-o", out_s]);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "gen-tf: 3 region(s) priced from AmazonEC2, AmazonECS, AmazonVPC\n  \
         ap-southeast-2: no fargate.windows_x86_64.vcpu_hour, fargate.windows_x86_64.gb_hour, \
         fargate.windows_x86_64.os_license_vcpu_hour\n  eu-central-1: no \
         fargate.linux_arm64.gb_hour, fargate.windows_x86_64.vcpu_hour, \
         fargate.windows_x86_64.gb_hour, fargate.windows_x86_64.os_license_vcpu_hour, \
         fargate.ephemeral_storage_gb_hour, nat_gateway_hour\n  1 record(s) outside a Region \
         (Local Zones, Wavelength) were left out\n"
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let builtin: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("prices/aws.json")).unwrap(),
    )
    .unwrap();
    // The regions in the input, and nothing else (the Boston Local Zone is left out).
    let regions: Vec<&String> = file["regions"].as_object().unwrap().keys().collect();
    assert_eq!(regions, ["ap-southeast-2", "eu-central-1", "us-east-1"]);
    let (ours, theirs) = (
        &file["regions"]["us-east-1"],
        &builtin["regions"]["us-east-1"],
    );
    assert_eq!(ours["fargate"], theirs["fargate"]);
    for key in ["interface_endpoint_az_hour", "nat_gateway_hour"] {
        assert_eq!(ours[key], theirs[key], "{key}");
    }
    assert_eq!(
        ours["evidence"]["fargate.linux_arm64.vcpu_hour"]
            .as_str()
            .unwrap()
            .split(" (")
            .next(),
        Some("USE1-Fargate-ARM-vCPU-Hours:perCPU 0.03238")
    );
    assert_eq!(file["date"], "2026-11-20");
    assert_eq!(file["spot"], builtin["spot"]);
    // A rate pair with half missing is null, not half a price.
    assert_eq!(
        file["regions"]["eu-central-1"]["fargate"]["linux_arm64"],
        Value::Null
    );
    assert_eq!(
        file["regions"]["ap-southeast-2"]["fargate"]["linux_arm64"]["vcpu_hour"],
        0.03885
    );

    // `cost` reads it: priced in Sydney, and named as not priced where the file has a gap.
    let (code, stdout, stderr) = run(&[
        "cost",
        "--no-project",
        "examples/minimal",
        "--prices",
        out_s,
        "--region",
        "ap-southeast-2",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["not_priced"], serde_json::json!([]));
    let (code, stdout, _) = run(&[
        "cost",
        "--no-project",
        "examples/minimal",
        "--prices",
        out_s,
        "--region",
        "eu-central-1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["not_priced"],
        serde_json::json!([
            "minimal: the price file has no confirmed price for LINUX ARM64 Fargate tasks in \
             eu-central-1"
        ])
    );

    // Without -o the file goes to stdout, byte for byte the same.
    let mut args = vec!["prices"];
    args.extend(inputs);
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 0);
    assert_eq!(stdout, std::fs::read_to_string(&out).unwrap());

    // Not Price List output: exit 2, naming the file and what would be right.
    let (code, _, stderr) = run(&["prices", "examples/minimal/stack.jsonnet"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "gen-tf: examples/minimal/stack.jsonnet: not JSON (expected value at line 1"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["prices", "schemas/stack.schema.json"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "gen-tf: schemas/stack.schema.json: neither `aws pricing get-products` output (a \
         `PriceList` array) nor a Price List offer file (`offerCode` and `products`)\n"
    );
    // Two publications that disagree on a price: refused, naming both.
    let page = dir.join("ecs-changed.json");
    std::fs::write(
        &page,
        std::fs::read_to_string(Path::new(ROOT).join(inputs[0]))
            .unwrap()
            .replace("0.0404800000", "0.0400000000"),
    )
    .unwrap();
    let (code, _, stderr) = run(&["prices", inputs[0], page.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("us-east-1 has two prices for USE1-Fargate-vCPU-Hours:perCPU: 0.04048"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

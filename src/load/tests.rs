//! Unit tests for the embedded library and the line finder; whole files are in tests/load.rs.

use std::fs;

use serde_json::{json, Value};

use super::{line_of, load, LoadError, LoadOptions};

/// Evaluates a snippet that can import the embedded library.
fn eval(code: &str) -> Result<Value, LoadError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.jsonnet");
    fs::write(
        &path,
        format!("local g = import 'gen-tf.libsonnet';\n{code}"),
    )
    .expect("write");
    load(&path, &LoadOptions::default()).map(|l| l.value)
}

#[test]
fn memory_reservation_strategies_follow_the_seed_formulas() {
    let v = eval(
        "[g.memoryReservation(1000, 'conservative'), g.memoryReservation(1000, 'aggressive'),
          g.memoryReservation(1000, 'dynamic', 'prd'), g.memoryReservation(1000, 'dynamic', 'stg'),
          g.memoryReservation(1000, 'dynamic'), g.memoryReservation(1023, 'aggressive')]",
    )
    .unwrap();
    // 1023 * 0.8 = 818.4: floored, as the guide's std.floor.
    assert_eq!(v, json!([500, 800, 700, 500, 500, 818]));
}

#[test]
fn memory_reservation_shorthands() {
    let v = eval("[g.conservative(1024), g.aggressive(1024), g.dynamic(1024, 'prd'), g.dynamic(1024, 'dev')]")
        .unwrap();
    assert_eq!(v, json!([512, 819, 716, 512]));
}

#[test]
fn memory_reservation_rejects_unknown_strategies_and_non_numbers() {
    let err = eval("g.memoryReservation(1024, 'generous')")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown strategy 'generous'"), "{err}");
    let err = eval("g.conservative('1024')").unwrap_err().to_string();
    assert!(err.contains("memory must be a number"), "{err}");
}

#[test]
fn arm64_and_endpoint_preset() {
    let v = eval("[g.arm64, g.fargatePrivate]").unwrap();
    assert_eq!(
        v,
        json!([{ "cpu_architecture": "ARM64", "operating_system_family": "LINUX" }, "fargate-private"])
    );
}

#[test]
fn spot_mix_defaults_are_the_seeds() {
    let v = eval("[g.spotMix(), g.spotMix(50, 50, 0)]").unwrap();
    assert_eq!(
        v,
        json!([
            [
                { "capacity_provider": "FARGATE_SPOT", "weight": 70, "base": 0 },
                { "capacity_provider": "FARGATE", "weight": 30, "base": 2 },
            ],
            [
                { "capacity_provider": "FARGATE_SPOT", "weight": 50, "base": 0 },
                { "capacity_provider": "FARGATE", "weight": 50, "base": 0 },
            ],
        ])
    );
}

#[test]
fn environment_helpers() {
    let v =
        eval("g.readReplicaEnv('r', 'w') + g.samplingEnv(0.1, 'prd') + g.samplingEnv(1, 'dev')")
            .unwrap();
    assert_eq!(
        v,
        json!([
            { "name": "DB_READ_HOST", "value": "r" },
            { "name": "DB_WRITE_HOST", "value": "w" },
            { "name": "XRAY_SAMPLING_RATE", "value": "0.1" },
            { "name": "LOG_LEVEL", "value": "INFO" },
            { "name": "XRAY_SAMPLING_RATE", "value": "1" },
            { "name": "LOG_LEVEL", "value": "DEBUG" },
        ])
    );
}

#[test]
fn library_itself_manifests_as_an_empty_object() {
    assert_eq!(eval("g").unwrap(), json!({}));
}

#[test]
fn numbers_whole_or_not() {
    assert_eq!(super::data::number(512.0), Some(512.into()));
    assert_eq!(super::data::number(-0.0), Some(0.into()));
    assert!(super::data::number(0.5).is_some_and(|n| n.is_f64()));
    assert!(super::data::number(1e300).is_some_and(|n| n.is_f64()));
    assert_eq!(super::data::number(f64::INFINITY), None);
}

#[test]
fn line_of_jsonnet() {
    let src = "local x = { cpu: 1 };\n{\n  services: {\n    'api-1': {\n      cpu: 256,\n      policies: [\n        { a: 1 },\n        {\n          a: 2,\n        },\n      ],\n    },\n  },\n}\n";
    assert_eq!(line_of(src, "services"), Some(3));
    assert_eq!(line_of(src, "services.api-1.cpu"), Some(5));
    assert_eq!(line_of(src, "services[\"api-1\"].cpu"), Some(5));
    assert_eq!(line_of(src, "services.api-1.policies[0].a"), Some(7));
    assert_eq!(line_of(src, "services.api-1.policies[1].a"), Some(9));
    // Unplaceable tail: the deepest ancestor that was found.
    assert_eq!(line_of(src, "services.api-1.memory"), Some(4));
    assert_eq!(line_of(src, "nothing.here"), None);
    assert_eq!(line_of(src, ""), None);
}

#[test]
fn line_of_yaml() {
    let src = "services:\n  api:\n    cpu: 256\n    policies:\n    - a: 1\n      b: 2\n    - a: 3\n  web:\n    cpu: 512\n";
    assert_eq!(line_of(src, "services.api.cpu"), Some(3));
    assert_eq!(line_of(src, "services.api.policies[1].a"), Some(7));
    assert_eq!(line_of(src, "services.api.policies[0].b"), Some(6));
    assert_eq!(line_of(src, "services.web.cpu"), Some(9));
    // `api` has no memory; the search must not wander into `web`.
    assert_eq!(line_of(src, "services.api.memory"), Some(2));
}

#[test]
fn line_of_toml() {
    let src = "name = \"x\"\n\n[services.api]\ncpu = 256\n\n[[services.api.policies]]\na = 1\n\n[[services.api.policies]]\na = 2\n";
    assert_eq!(line_of(src, "name"), Some(1));
    assert_eq!(line_of(src, "services.api.cpu"), Some(4));
    assert_eq!(line_of(src, "services.api.policies[1].a"), Some(10));
    assert_eq!(line_of(src, "services.api.policies[0]"), Some(6));
}

#[test]
fn line_of_json() {
    let src = "{\n  \"services\": {\n    \"api\": {\n      \"policies\": [\n        { \"a\": 1 },\n        { \"a\": 2 }\n      ]\n    }\n  }\n}\n";
    assert_eq!(line_of(src, "services.api.policies[1].a"), Some(6));
    assert_eq!(line_of(src, "services.api.policies[5].a"), Some(4));
}

#[test]
fn nesting_guard_passes_real_code_and_stops_deep_code() {
    use super::guard::{brackets_deeper_than, too_deep, MAX_NESTING};
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/load");
    for entry in fs::read_dir(fixtures).expect("fixtures") {
        let path = entry.expect("entry").path();
        if let Ok(text) = fs::read_to_string(&path) {
            assert!(!too_deep(&text), "{}", path.display());
        }
    }
    // A large library: thousands of top-level locals, each with operators and calls.
    let mut big = String::new();
    for i in 0..5000 {
        big.push_str(&format!(
            "local f{i}(x) = if x > {i} then x + 1 else std.max(x, {i}) * 2;\n"
        ));
    }
    big.push_str("{ a: f1(2) }");
    assert!(!too_deep(&big));
    assert!(!too_deep(super::options::LIBSONNET));

    let deep = |unit: &str, n: usize| unit.repeat(n);
    assert!(too_deep(&format!("{}1", deep("-", MAX_NESTING + 1))));
    assert!(too_deep(&format!("1{}", deep("+1", MAX_NESTING + 1))));
    assert!(too_deep(&format!(
        "{}1",
        deep("local a = 1; ", MAX_NESTING + 1)
    )));
    assert!(too_deep(&format!("f{}", deep("(1)", MAX_NESTING + 1))));
    assert!(too_deep(&deep("[", MAX_NESTING + 1)));
    assert!(!too_deep(&format!("[{}]", deep("[1], ", MAX_NESTING * 2))));

    assert!(brackets_deeper_than(&deep("[", 501), 500));
    assert!(!brackets_deeper_than("a: [[1], {b: [2]}]\n", 500));
}

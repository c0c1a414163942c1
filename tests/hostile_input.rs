//! Hostile inputs: files that are not what they seem (FIFOs, devices, huge or swapped imports),
//! stacks that build enormous values, and the small things (duplicate JSON keys, byte order
//! marks, control characters, overlong metric names). Issue 13's points 4, 5 and 10;
//! docs/security.md names each test here next to the promise it proves.

use std::fs;
use std::path::Path;
use std::time::Duration;

#[path = "hostile/run.rs"]
mod run;

use run::{gen_tf, mkfifo, run, run_limited, stack, write, Limits, Run};

/// A run that must end by itself, quickly, with a bounded address space: a hang or an unbounded
/// read fails the test instead of the machine.
fn bounded(dir: &Path, args: &[&str]) -> Run {
    let mut c = gen_tf(dir);
    c.args(args);
    run_limited(
        c,
        Limits {
            deadline: Duration::from_secs(30),
            address_space: 3 << 29,
            file_size: None,
        },
    )
}

/// Ended on its own with a diagnostic or an I/O error (1 or 2), never a hang or a crash, and
/// said something about `name`.
fn assert_refused(r: &Run, name: &str, what: &str) {
    assert!(
        matches!(r.code, Some(1 | 2)),
        "{what}: did not end with an error: {}",
        r.all()
    );
    assert!(
        r.stderr.contains(name),
        "{what}: {name} not named: {}",
        r.all()
    );
}

/// `cmd` with `rest`, and `-o out` for the commands that write or compare.
fn with_out<'a>(cmd: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![cmd];
    if cmd != "validate" {
        v.extend(["-o", "out"]);
    }
    v.extend_from_slice(rest);
    v
}

const MEMORY_FLAG: [&str; 2] = ["--memory-limit", "1GiB"];

// ---------------------------------------------------------------------------------------------
// 4. Every read is of a regular file, with a size limit.

#[test]
fn a_fifo_as_the_stack_or_the_project_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    mkfifo(&dir.join("fifo.jsonnet"));
    mkfifo(&dir.join("fifo.json"));
    for cmd in ["build", "validate"] {
        for stack in ["fifo.jsonnet", "fifo.json"] {
            let r = bounded(dir, &with_out(cmd, &[stack, "--no-cache"]));
            assert_refused(&r, stack, &format!("{cmd} {stack}"));
            assert!(r.stderr.contains("not a regular file"), "{}", r.all());
        }
    }
    mkfifo(&dir.join("gen-tf.toml"));
    let r = bounded(dir, &["validate"]);
    assert_refused(&r, "gen-tf.toml", "a FIFO project file");
}

/// A stack that imports `lib.libsonnet`, built once so that the cache holds it.
fn cached_import(dir: &Path) -> Vec<&'static str> {
    write(&dir.join("lib.libsonnet"), "{ cpu: 256, memory: 512 }\n");
    write(
        &dir.join("s.jsonnet"),
        "local lib = import 'lib.libsonnet';\n{ name: 's', region: 'eu-west-1', services: { api: lib } }\n",
    );
    let args = vec!["s.jsonnet", "--cache-dir", "cache"];
    let r = bounded(dir, &with_out("build", &[&args[..], &MEMORY_FLAG].concat()));
    assert_eq!(r.code, Some(0), "{}", r.all());
    let r = bounded(
        dir,
        &with_out("validate", &[&args[..], &MEMORY_FLAG].concat()),
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    args
}

#[test]
fn an_import_swapped_for_a_fifo_or_a_device_after_caching_is_refused() {
    for swap in ["fifo", "/dev/zero"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let args = cached_import(dir);
        fs::remove_file(dir.join("lib.libsonnet")).unwrap();
        if swap == "fifo" {
            mkfifo(&dir.join("lib.libsonnet"));
        } else {
            std::os::unix::fs::symlink(swap, dir.join("lib.libsonnet")).unwrap();
        }
        for cmd in ["build", "validate"] {
            let r = bounded(dir, &with_out(cmd, &[&args[..], &MEMORY_FLAG].concat()));
            assert_refused(&r, "lib.libsonnet", &format!("{cmd} with {swap}"));
        }
    }
}

#[test]
fn an_import_over_the_size_limit_is_never_read_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let args = cached_import(dir);
    // 2 GiB, sparse: reading it whole takes 2 GiB of memory.
    let f = fs::OpenOptions::new()
        .write(true)
        .open(dir.join("lib.libsonnet"))
        .unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    for cmd in ["build", "validate"] {
        for cache in [&[][..], &["--no-cache"][..]] {
            let mut c = gen_tf(dir);
            c.args(with_out(cmd, &[&args[..], &MEMORY_FLAG, cache].concat()));
            let r = run_limited(c, Limits::default());
            assert_refused(&r, "lib.libsonnet", cmd);
            assert!(r.stderr.contains("16 MiB"), "{}", r.all());
            assert!(r.max_rss < 256 << 20, "read whole: {}", r.all());
        }
    }
}

#[test]
fn a_fifo_or_a_device_at_a_generated_path_is_refused() {
    for swap in ["fifo", "/dev/zero"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(&dir.join("stacks/s.json"), &stack("shop", &["api"]));
        let args = ["stacks", "-o", "out", "--no-cache"];
        assert_eq!(
            bounded(dir, &[&["build"], &args[..]].concat()).code,
            Some(0)
        );
        let api = dir.join("out/shop/api.tf");
        fs::remove_file(&api).unwrap();
        if swap == "fifo" {
            mkfifo(&api);
        } else {
            std::os::unix::fs::symlink(swap, &api).unwrap();
        }
        for cmd in ["check", "build"] {
            let r = bounded(dir, &[&[cmd], &args[..]].concat());
            assert_eq!(r.code, Some(1), "{cmd} with {swap}: {}", r.all());
            assert!(r.stderr.contains("out/shop/api.tf"), "{cmd}: {}", r.all());
        }
        assert!(fs::symlink_metadata(&api).is_ok(), "left alone");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. A memory limit, not only a deadline.

fn memory_run(dir: &Path, name: &str, expr: &str, extra: &[&str], env: Option<&str>) -> Run {
    write(
        &dir.join(name),
        &format!(
            "{{ name: 'bomb', region: 'eu-west-1', services: {{ a: {{ cpu: 256, memory: 512, \
             tags: {{ n: std.toString({expr}) }} }} }} }}\n"
        ),
    );
    let mut c = gen_tf(dir);
    c.args(["build", name, "-o", "out", "--no-cache"])
        .args(extra);
    if let Some(v) = env {
        c.env("GEN_TF_MEMORY_LIMIT", v);
    }
    run_limited(
        c,
        Limits {
            deadline: Duration::from_secs(90),
            address_space: 5 << 29,
            file_size: None,
        },
    )
}

fn assert_memory_error(r: &Run, name: &str, limit: &str) {
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains("error[load]") && r.stderr.contains(name),
        "{}",
        r.all()
    );
    assert!(
        r.stderr.contains(&format!("memory limit of {limit}")),
        "{}",
        r.all()
    );
    for crash in ["panicked", "backtrace", "memory allocation of"] {
        assert!(!r.stderr.contains(crash), "{crash}: {}", r.all());
    }
}

#[test]
fn enormous_arrays_end_in_a_load_error_not_an_abort() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (name, n) in [("e9.jsonnet", "1e9"), ("e8.jsonnet", "1e8")] {
        let r = memory_run(
            dir,
            name,
            &format!("std.length(std.makeArray({n}, function(i) i))"),
            &[],
            None,
        );
        assert_memory_error(&r, name, "2 GiB");
        assert!(!dir.join("out").exists());
    }
}

#[test]
fn the_memory_limit_is_set_by_flag_or_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // About 400 MB of string: over 300 MiB, well under the default.
    let expr = "std.length(std.repeat('x', 400000000))";
    let r = memory_run(
        dir,
        "flag.jsonnet",
        expr,
        &["--memory-limit", "300MiB"],
        None,
    );
    assert_memory_error(&r, "flag.jsonnet", "300 MiB");
    let r = memory_run(dir, "env.jsonnet", expr, &[], Some("300MiB"));
    assert_memory_error(&r, "env.jsonnet", "300 MiB");
    let r = memory_run(dir, "default.jsonnet", expr, &[], None);
    assert_eq!(r.code, Some(0), "{}", r.all());
    // Nonsense is a usage error.
    for bad in ["lots", "12", "-1GiB"] {
        let r = memory_run(dir, "bad.jsonnet", "1", &["--memory-limit", bad], None);
        assert_eq!(r.code, Some(2), "{bad}: {}", r.all());
    }
}

// ---------------------------------------------------------------------------------------------
// 10. Small things.

#[test]
fn duplicate_keys_in_a_json_stack_are_rejected_with_both_places() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("dup.json"),
        "{\n  \"name\": \"dup\",\n  \"services\": {\n    \"api\": {\n      \"cpu\": 256,\n      \"memory\": 512,\n      \"cpu\": 4096\n    }\n  }\n}\n",
    );
    let r = run(dir, &["validate", "dup.json", "--no-cache"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stderr.contains("error[invalid-type]"), "{}", r.all());
    assert!(r.stderr.contains("services.api.cpu"), "{}", r.all());
    assert!(
        r.stderr.contains("line 5") && r.stderr.contains("line 7"),
        "both places: {}",
        r.all()
    );
    let r = run(
        dir,
        &[
            "validate",
            "dup.json",
            "--no-cache",
            "--message-format",
            "json",
        ],
    );
    let d: serde_json::Value = serde_json::from_str(r.stderr.lines().next().unwrap()).unwrap();
    assert_eq!(d["code"], "invalid-type");
    assert_eq!(d["path"], "services.api.cpu");
    assert_eq!(d["line"], 7);
}

#[test]
fn a_byte_order_mark_is_accepted_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bom = "\u{feff}";
    write(
        &dir.join("lib.libsonnet"),
        &format!("{bom}{{ cpu: 256 }}\n"),
    );
    let cases = [
        ("s.json", format!("{bom}{}", stack("j", &["api"]))),
        (
            "s.jsonnet",
            format!("{bom}{{ name: 'n', services: {{ api: (import 'lib.libsonnet') + {{ memory: 512 }} }} }}\n"),
        ),
        (
            "s.yaml",
            format!("{bom}name: y\nservices:\n  api:\n    cpu: 256\n    memory: 512\n"),
        ),
        (
            "s.toml",
            format!("{bom}name = 't'\n[services.api]\ncpu = 256\nmemory = 512\n"),
        ),
    ];
    for (name, text) in cases {
        write(&dir.join(name), &text);
        let r = run(dir, &["validate", name, "--no-cache"]);
        assert_eq!(r.code, Some(0), "{name}: {}", r.all());
    }
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("err.jsonnet"),
        "{ name: 'a', services: { api: { cpu: 256, memory: 512, port: error 'bad \\u001b]0;pwned\\u0007 \\u001b[2J\\rspoof\\u009b' } } }\n",
    );
    write(
        &dir.join("field.jsonnet"),
        "{ name: 'a', services: { api: { cpu: 256, memory: 512, 'x\\u001b[31m\\r\\n  --> fake.jsonnet': 1 } } }\n",
    );
    for name in ["err.jsonnet", "field.jsonnet"] {
        let r = run(dir, &["validate", name, "--no-cache", "--color", "never"]);
        assert_eq!(r.code, Some(1), "{}", r.all());
        for c in ['\u{1b}', '\u{7}', '\r', '\u{9b}'] {
            assert!(!r.stderr.contains(c), "{name}: raw {c:?} in {:?}", r.stderr);
        }
        assert!(r.stderr.contains("\\u{1b}"), "{name}: escaped: {}", r.all());
        assert!(
            !r.stderr.lines().any(|l| l.starts_with("  --> fake")),
            "{name}: a forged line: {}",
            r.all()
        );
    }
}

/// A step policy whose alarm is `alarm` plus a threshold and periods.
fn alarm_stack(alarm: serde_json::Value) -> String {
    let mut full = serde_json::json!({ "threshold": 80, "evaluation_periods": 2, "period": 60 });
    full.as_object_mut()
        .unwrap()
        .extend(alarm.as_object().unwrap().clone());
    serde_json::json!({
        "name": "m", "region": "eu-west-1",
        "services": { "api": { "cpu": 256, "memory": 512, "auto_scaling": {
            "min_capacity": 1, "max_capacity": 2,
            "policies": [{
                "policy_type": "StepScaling", "adjustment_type": "ChangeInCapacity",
                "cooldown": 60, "metric_aggregation_type": "Average",
                "step_adjustments": [{ "metric_interval_lower_bound": 0, "scaling_adjustment": 1 }],
                "alarm": full
            }]
        } } }
    })
    .to_string()
}

#[test]
fn control_characters_and_newlines_stay_inside_mermaid_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("m.json"),
        &alarm_stack(serde_json::json!({
            "metric_name": "CPU\nUtil\u{1b}[31m\rX",
            "namespace": "My\nNamespace\u{7}",
            "dimensions": {}
        })),
    );
    let r = run(dir, &["build", "m.json", "-o", "out", "--no-cache"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    let readme = fs::read_to_string(dir.join("out/m/README.md")).unwrap();
    let mermaid = readme
        .split("```mermaid\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap();
    for c in ['\u{1b}', '\u{7}', '\r'] {
        assert!(!mermaid.contains(c), "raw {c:?} in:\n{mermaid}");
        // Nor in the tables around it, where a newline would end the row.
        assert!(!readme.contains(c), "raw {c:?} in the README:\n{readme}");
    }
    let table_row = readme
        .lines()
        .find(|l| l.starts_with('|') && l.contains("CPU Util"))
        .unwrap_or_else(|| panic!("no table row names the metric on one line:\n{readme}"));
    assert!(table_row.ends_with('|'), "{table_row}");
    let alarm = mermaid
        .lines()
        .find(|l| l.contains("_alarm{{"))
        .unwrap_or_else(|| panic!("{mermaid}"));
    assert!(
        alarm.ends_with("-->|triggers| svc_api__scale_out") && alarm.contains("Namespace"),
        "the label was split: {mermaid}"
    );
}

#[test]
fn alarm_metric_names_and_namespaces_over_255_characters_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let long = "M".repeat(5000);
    // Without `dimensions`, which the stack format did not have before the limit came in (the
    // custom namespace then also gets `metric-dimensions`).
    for (name, alarm, field) in [
        (
            "metric.json",
            serde_json::json!({ "metric_name": long }),
            "metric_name",
        ),
        (
            "namespace.json",
            serde_json::json!({ "metric_name": "Requests", "namespace": long }),
            "namespace",
        ),
    ] {
        write(&dir.join(name), &alarm_stack(alarm));
        let r = run(dir, &["validate", name, "--no-cache"]);
        assert_eq!(r.code, Some(1), "{name}: {}", r.all());
        assert!(r.stderr.contains("error[out-of-range]"), "{}", r.all());
        assert!(
            r.stderr.contains(&format!(
                "services.api.auto_scaling.policies[0].alarm.{field}"
            )),
            "{}",
            r.all()
        );
    }
}

//! Hostile input, end to end: strings that look like Terraform templates stay literal text,
//! names cannot leave the output directory, runaway or oversized input ends in an error, every
//! invalid stack exits 1 and writes nothing, and files gen-tf did not write survive a build.
//! The property tests at the end feed random stacks through model -> validate -> lower -> print.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use gen_tf::emit::hcl::escape_literal;
use gen_tf::model;
use gen_tf::pipeline::{self, Format, Options, Source};
use gen_tf::rules;
use gen_tf::LoadOptions;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

#[path = "hostile/read_back.rs"]
mod read_back;
#[path = "support/stacks.rs"]
mod stacks;
#[path = "hostile/strategies.rs"]
mod strategies;
#[path = "support/tfcheck.rs"]
mod tfcheck;

use read_back::{hostile, read_back, tf_files, HOSTILE};
use stacks::Generated;
use strategies::{free_text, loose_value, stack};

fn gen_tf() -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.env("NO_COLOR", "1");
    c
}

/// A stack with a hostile string in every field that takes free text.
fn hostile_stack() -> Value {
    let env: Vec<Value> = (0..HOSTILE.len())
        .map(|i| json!({ "name": format!("V{i}"), "value": hostile(i) }))
        .collect();
    json!({
        "name": "hostile",
        "region": "eu-west-1",
        "services": {
            "api": {
                "cpu": 256,
                "memory": 512,
                "port": 8080,
                "environment": env,
                "database": {
                    "read_host": hostile(0),
                    "write_host": hostile(1),
                    "pool": { "min": 1, "max": 2 },
                    "max_connections": 100
                },
                "observability": { "log_level": hostile(2), "xray_sampling_rate": 0.5 },
                "load_balancer": {},
                "sidecars": [{
                    "name": "proxy",
                    "image": "public.ecr.aws/nginx/nginx:1.27",
                    "environment": [
                        { "name": "A", "value": hostile(3) },
                        { "name": "B", "value": hostile(4) },
                        { "name": "C", "value": hostile(9) }
                    ]
                }]
            }
        }
    })
}

#[test]
fn hostile_strings_come_out_as_literal_text() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("hostile.json");
    fs::write(
        &stack,
        serde_json::to_string_pretty(&hostile_stack()).unwrap(),
    )
    .unwrap();
    let out = dir.path().join("out");
    gen_tf()
        .arg("build")
        .arg(&stack)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();

    let files = tf_files(&out);
    assert!(!files.is_empty());
    let mut decoded = BTreeSet::new();
    let mut all_text = String::new();
    for (path, text) in &files {
        decoded.extend(read_back(text));
        all_text.push_str(text);
        assert!(
            !text.contains('\r'),
            "{}: a raw carriage return",
            path.display()
        );
    }
    for s in HOSTILE {
        assert!(decoded.contains(*s), "{s:?} did not read back literally");
        // The escaped form, as a whole quoted string.
        assert!(
            all_text.contains(&format!("\"{}\"", escape_literal(s))),
            "{s:?} is not escaped"
        );
    }
    assert!(all_text.contains("$${var.secret}") && all_text.contains("%%{ if true }"));

    if let Some(dir) = tfcheck::tfcheck_dir() {
        let run = std::process::Command::new(dir.join("tfcheck"))
            .arg(out.join("hostile"))
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&run.stdout).into_owned()
            + &String::from_utf8_lossy(&run.stderr);
        assert!(
            run.status.success() && report.contains(" 0 problems"),
            "{report}"
        );
    }
}

#[test]
fn policy_documents_keep_iam_variables_literal() {
    // IAM policy variables must reach AWS as written, not be read by Terraform.
    let dir = tempfile::tempdir().unwrap();
    let resource = "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/${aws:username}/%{x}*";
    let stack = json!({
        "name": "policy",
        "region": "eu-west-1",
        "vpc_endpoints": [{
            "service": "s3",
            "policy": {
                "Version": "2012-10-17",
                "Statement": [{ "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": resource }]
            }
        }],
        "services": { "api": { "cpu": 256, "memory": 512 } }
    });
    let p = dir.path().join("policy.json");
    fs::write(&p, stack.to_string()).unwrap();
    let out = dir.path().join("out");
    gen_tf()
        .arg("build")
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let decoded: BTreeSet<String> = tf_files(&out)
        .iter()
        .flat_map(|(_, t)| read_back(t))
        .collect();
    assert!(decoded.contains(resource), "{decoded:?}");
}

#[test]
fn the_same_strings_in_jsonnet_yaml_and_toml_read_back_alike() {
    // The loaders hand the same text to the model whatever the format.
    let dir = tempfile::tempdir().unwrap();
    let value = "${var.x} %{ if y }z%{ endif } \"q\" \\ é 😀";
    let jsonnet = format!(
        "{{ name: 'j', services: {{ api: {{ cpu: 256, memory: 512, environment: [{{ name: 'A', value: {} }}] }} }} }}",
        serde_json::to_string(value).unwrap()
    );
    let yaml = format!(
        "name: y\nservices:\n  api:\n    cpu: 256\n    memory: 512\n    environment:\n      - name: A\n        value: {}\n",
        serde_json::to_string(value).unwrap()
    );
    let toml = format!(
        "name = 't'\n[services.api]\ncpu = 256\nmemory = 512\nenvironment = [{{ name = 'A', value = {} }}]\n",
        serde_json::to_string(value).unwrap()
    );
    for (file, text) in [("j.jsonnet", jsonnet), ("y.yaml", yaml), ("t.toml", toml)] {
        let p = dir.path().join(file);
        fs::write(&p, text).unwrap();
        let out = dir.path().join("out").join(file);
        gen_tf()
            .arg("build")
            .arg(&p)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let decoded: BTreeSet<String> = tf_files(&out)
            .iter()
            .flat_map(|(_, t)| read_back(t))
            .collect();
        assert!(decoded.contains(value), "{file}");
    }
}

#[test]
fn hostile_strings_where_aws_forbids_them_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let stack = json!({
        "name": "hostile",
        "region": "${var.region}",
        "tags": { "team": "${var.team}", "%{x}": "y" },
        "cluster": { "name": "%{ if true }c%{ endif }" },
        "services": {
            "api": {
                "cpu": 256,
                "memory": 512,
                "image": "repo:${tag}",
                "environment": [{ "name": "${X}", "value": "v" }],
                "secrets": [{ "name": "S", "value_from": "arn:aws:secretsmanager:${var.region}:123456789012:secret:x" }],
                "sidecars": [{ "name": "${name}", "image": "busybox" }]
            }
        }
    });
    let p = dir.path().join("hostile.json");
    fs::write(&p, stack.to_string()).unwrap();
    let out = dir.path().join("out");
    let run = gen_tf()
        .arg("build")
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    for code in [
        "region",
        "invalid-tag",
        "cluster-name",
        "image-format",
        "env-name",
        "secret-arn",
        "container-name",
    ] {
        assert!(
            stderr.contains(&format!("error[{code}]")),
            "{code} missing in:\n{stderr}"
        );
    }
    assert!(!out.exists(), "nothing may be written");
}

#[test]
fn names_that_would_escape_the_output_directory_are_rejected() {
    let bad = [
        "..", ".", "../x", "/abs", "a/b", "a\\b", "a\0b", "~", "C:", "x/../..", " x", "x\n",
    ];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (i, name) in bad.iter().enumerate() {
        for stack in [
            json!({ "name": name, "services": { "api": { "cpu": 256, "memory": 512 } } }),
            json!({ "name": "ok", "services": { (*name): { "cpu": 256, "memory": 512 } } }),
        ] {
            let p = dir.path().join(format!("s{i}.json"));
            fs::write(&p, stack.to_string()).unwrap();
            let run = gen_tf()
                .arg("build")
                .arg(&p)
                .arg("-o")
                .arg(&out)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert_eq!(run.status.code(), Some(1), "{name:?}: {stderr}");
            assert!(stderr.contains("error[invalid-name]"), "{name:?}: {stderr}");
        }
    }
    assert!(!out.exists());
    // Nothing appeared next to the output directory either.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| n.to_string_lossy().ends_with(".json")),
        "{names:?}"
    );
}

/// Runs `validate` on a file and returns (exit code, stderr).
fn validate_file(dir: &Path, name: &str, text: &str) -> (Option<i32>, String) {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    let run = gen_tf().arg("validate").arg(&p).output().unwrap();
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn runaway_and_oversized_input_end_in_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("recursion.jsonnet", "local f(n) = f(n + 1); { name: f(0), services: {} }".to_owned()),
        ("self.jsonnet", "local s = { a: s.a + 1 }; { name: 'x', services: {}, _: s.a }".to_owned()),
        (
            "deep.jsonnet",
            "local nest(n) = if n == 0 then {} else { a: nest(n - 1) }; { name: 'x', services: {}, _: nest(100000) }".to_owned(),
        ),
        (
            "deep-source.jsonnet",
            format!("{{ name: 'x', services: {{}}, _: {}{} }}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        ("deep.json", format!("{{\"name\": \"x\", \"services\": {{}}, \"_\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000))),
        ("deep.yaml", format!("name: x\nservices: {{}}\n_: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))),
        ("deep.toml", format!("name = 'x'\n_ = {}{}\n[services]\n", "[".repeat(100_000), "]".repeat(100_000))),
        ("huge-name.jsonnet", "{ name: std.repeat('x', 10000000), services: {} }".to_owned()),
    ];
    for (name, text) in cases {
        let (code, stderr) = validate_file(dir.path(), name, &text);
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(stderr.contains("error"), "{name}: {stderr}");
        assert!(
            stderr.len() < 20_000,
            "{name}: {} bytes of stderr",
            stderr.len()
        );
    }
    // Over the 16 MiB limit: refused before it is parsed.
    let big = format!(
        "{{\"name\": \"x\", \"services\": {{}}, \"_\": \"{}\"}}",
        "x".repeat(17 << 20)
    );
    let (code, stderr) = validate_file(dir.path(), "big.json", &big);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("larger than"), "{stderr}");
}

/// The stage fixtures: the rules' own, and the loader's (whose `err_` cases fail before the
/// model sees them).
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = ["validate", "load"]
        .iter()
        .flat_map(|d| fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let in_load = p.parent().is_some_and(|d| d.ends_with("load"));
            !in_load
                || p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("err_"))
        })
        .collect();
    v.sort();
    v
}

/// Rules no fixture can show: the one that guards gen-tf itself rather than the stack (no input
/// can trigger it: tests/provider_schema.rs covers the schema check), the one that needs two
/// stacks (`two_stacks_with_one_name_write_nothing`), and the one about a file already in the output
/// directory, which a fixture (compiled, never written) cannot hold (tests/hostile_disk.rs:
/// `hand_written_files_are_never_overwritten`).
const NO_FIXTURE: &[&str] = &[
    "provider-schema",
    "duplicate-stack",
    "hand-written-file",
    "terraform-validate",
    "terraform-warning",
];

/// The battery: every `err_` fixture exits 1 from `build`, writes nothing, and every finding
/// names a code that `explain` knows, a JSON path (or the root) and a fix.
#[test]
fn every_invalid_stack_exits_1_names_code_path_and_fix_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen_codes = BTreeSet::new();
    let mut count = 0;
    for f in fixtures() {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("ok_") {
            // Valid stacks may still show warnings; they count towards the rule catalogue.
            let run = gen_tf()
                .args(["validate", "--message-format", "json", "-V", "ENV=prd"])
                .arg(&f)
                .output()
                .unwrap();
            assert_eq!(run.status.code(), Some(0), "{name}");
            for l in String::from_utf8_lossy(&run.stderr)
                .lines()
                .filter(|l| l.starts_with('{'))
            {
                let d: Value = serde_json::from_str(l).unwrap();
                seen_codes.insert(d["code"].as_str().unwrap().to_owned());
            }
            continue;
        }
        if !(name.starts_with("err_") || name.starts_with("warn_")) {
            continue;
        }
        let out = dir.path().join(&name);
        // A fixture's first line may name its environment, as tests/validate.rs reads it.
        let env = fs::read_to_string(&f)
            .unwrap_or_default()
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// ENV: "))
            .map_or_else(|| "ENV=prd".to_owned(), |e| format!("ENV={e}"));
        let run = gen_tf()
            .args(["build", "--message-format", "json", "-V", &env, "-o"])
            .arg(&out)
            .arg(&f)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        let findings: Vec<Value> = stderr
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")))
            .collect();
        assert!(!findings.is_empty(), "{name}: no findings in {stderr}");
        for d in &findings {
            let code = d["code"].as_str().unwrap();
            seen_codes.insert(code.to_owned());
            assert!(
                !d["help"].as_str().unwrap_or("").is_empty() || code == "load",
                "{name}: no help: {d}"
            );
            assert!(
                d["path"].is_string() && d["message"].is_string(),
                "{name}: {d}"
            );
            // A load error inside an import names the imported file.
            assert!(
                d["file"].as_str().unwrap().ends_with(&name) || code == "load",
                "{name}: {d}"
            );
            assert!(
                rules::find(code).is_some(),
                "{name}: `{code}` is not in the catalogue"
            );
        }
        if name.starts_with("err_") {
            count += 1;
            assert_eq!(run.status.code(), Some(1), "{name}: {stderr}");
            assert!(findings.iter().any(|d| d["severity"] == "error"), "{name}");
            assert!(!out.exists(), "{name}: wrote output");
        } else {
            assert_eq!(run.status.code(), Some(0), "{name}: {stderr}");
            // With --deny-warnings the same stack fails and writes nothing.
            let denied = dir.path().join(format!("{name}-denied"));
            let run = gen_tf()
                .args(["build", "--deny-warnings", "-V", "ENV=prd", "-o"])
                .arg(&denied)
                .arg(&f)
                .output()
                .unwrap();
            assert_eq!(run.status.code(), Some(1), "{name} with --deny-warnings");
            assert!(!denied.exists(), "{name}: --deny-warnings wrote output");
        }
    }
    assert!(count >= 40, "only {count} err_ fixtures");
    // Every rule has at least one fixture that shows it, except those in NO_FIXTURE.
    let missing: Vec<&str> = rules::all()
        .map(|r| r.code)
        .filter(|c| !seen_codes.contains(*c) && !NO_FIXTURE.contains(c))
        // The platform's rules need a project: tests/platform.rs has a fixture for each.
        .filter(|c| !gen_tf::rules::PLATFORM.iter().any(|r| r.code == *c))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without an err_/warn_ fixture: {missing:?}"
    );
}

#[test]
fn two_stacks_with_one_name_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonnet");
    let b = dir.path().join("b.json");
    fs::write(
        &a,
        "{ name: 'same', services: { api: { cpu: 256, memory: 512 } } }",
    )
    .unwrap();
    fs::write(
        &b,
        r#"{ "name": "same", "services": { "web": { "cpu": 256, "memory": 512 } } }"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = gen_tf()
        .arg("build")
        .arg(&a)
        .arg(&b)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("error[duplicate-stack]"));
    assert!(!out.exists());
}

#[test]
fn explain_knows_every_rule() {
    for r in rules::all() {
        let run = gen_tf().args(["explain", r.code]).output().unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{}", r.code);
        assert!(
            stdout.contains(r.fact) && stdout.contains(r.source),
            "{}: {stdout}",
            r.code
        );
        assert!(
            !r.summary.is_empty() && !r.fact.is_empty() && !r.source.is_empty(),
            "{}",
            r.code
        );
    }
    let codes: Vec<&str> = rules::all().map(|r| r.code).collect();
    let unique: BTreeSet<&str> = codes.iter().copied().collect();
    assert_eq!(codes.len(), unique.len(), "duplicate rule codes");
}

#[test]
fn a_bad_stack_writes_nothing_and_hand_written_files_survive() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonnet");
    fs::write(
        &good,
        "{ name: 'good', services: { api: { cpu: 256, memory: 512 } } }",
    )
    .unwrap();
    let bad = dir.path().join("bad.jsonnet");
    fs::write(
        &bad,
        "{ name: 'bad', services: { api: { cpu: 256, memory: 4096 } } }",
    )
    .unwrap();
    let out = dir.path().join("out");

    // One bad stack among good ones: nothing at all is written.
    let run = gen_tf()
        .arg("build")
        .arg(&good)
        .arg(&bad)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(!out.exists());

    // Files that gen-tf did not generate, beside and inside its module directory.
    fs::create_dir_all(out.join("good")).unwrap();
    let notes = out.join("NOTES.md");
    let extra = out.join("good").join("extra.tf");
    fs::write(&notes, "hand-written\n").unwrap();
    fs::write(&extra, "# hand-written\n").unwrap();
    gen_tf()
        .arg("build")
        .arg(&good)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("good").join("api.tf").exists());
    assert_eq!(fs::read_to_string(&notes).unwrap(), "hand-written\n");
    assert_eq!(fs::read_to_string(&extra).unwrap(), "# hand-written\n");

    // A failing build after a good one leaves the good module exactly as it was.
    let before: Vec<(PathBuf, String)> = tf_files(&out);
    fs::write(
        &good,
        "{ name: 'good', services: { api: { cpu: 256, memory: 512, port: 0 } } }",
    )
    .unwrap();
    let run = gen_tf()
        .arg("build")
        .arg(&good)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(tf_files(&out), before);
    assert_eq!(fs::read_to_string(&notes).unwrap(), "hand-written\n");
    // No temporary files are left behind.
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        assert!(
            !e.file_name().to_string_lossy().contains(".tmp"),
            "{}",
            e.path().display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Property tests: random stacks through the real stages.

/// One case: nothing panics; a stack the pipeline rejects gets diagnostics, each with a fix;
/// a stack that validates lowers, prints the same twice, parses back, keeps every free-text
/// string literal, and has no template but gen-tf's own references. Returns whether the stack
/// got as far as printing.
fn model_to_hcl(g: &Generated) -> Result<bool, TestCaseError> {
    let options = Options {
        load: LoadOptions::default(),
        format: Format::Hcl,
        env: g.env.clone(),
    };
    let source = Source {
        value: &g.value,
        label: "<random>",
        text: None,
    };
    let checked = match pipeline::check_value(source, &options) {
        Ok(checked) => checked,
        Err(diagnostics) => {
            prop_assert!(!diagnostics.is_empty(), "rejected without a diagnostic");
            prop_assert!(diagnostics.iter().all(|d| !d.help.is_empty()));
            return Ok(false);
        }
    };
    let first = pipeline::render(&checked.lower(), Format::Hcl);
    let second = pipeline::render(&checked.lower(), Format::Hcl);
    prop_assert_eq!(&first, &second, "output is not deterministic");
    let mut decoded = BTreeSet::new();
    for (name, text) in &first {
        if name.ends_with(".tf") {
            decoded.extend(read_back(text));
        }
    }
    for s in free_text(&g.value) {
        prop_assert!(decoded.contains(&s), "{:?} did not read back literally", s);
    }
    Ok(true)
}

#[test]
fn random_stacks_never_panic_and_print_literal_parseable_hcl() {
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let printed = std::cell::Cell::new(0u32);
    runner
        .run(&stack(), |g| {
            if model_to_hcl(&g)? {
                printed.set(printed.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    // The generator is meant to reach the printer, not only the rules.
    eprintln!("{} of 64 random stacks were printed", printed.get());
    assert!(
        printed.get() >= 8,
        "only {} of 64 random stacks were valid",
        printed.get()
    );
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn arbitrary_json_never_panics_the_model(v in loose_value()) {
        let parsed = model::parse(&v);
        prop_assert!(parsed.stack.is_some() || !parsed.diagnostics.is_empty());
        if parsed.stack.is_some() {
            // The rules (and resolution) through the pipeline's own entry point.
            let source = Source { value: &v, label: "<arbitrary>", text: None };
            let _ = pipeline::check_value(source, &Options::default());
        }
    }
}

/// jrsonnet has no step limit: a stack that loops for ever ends at the evaluation deadline with
/// an error, and writes nothing. (A stack that builds an enormous value ends at the memory
/// limit: tests/hostile_input.rs.)
#[test]
fn runaway_evaluation_ends_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("slow.jsonnet");
    std::fs::write(
        &stack,
        "{ name: 'slow', services: { a: { cpu: 256, memory: 512, tags: { n: std.toString(std.foldl(function(a, i) a + i, std.range(1, 1000000000), 0)) } } } }",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = gen_tf()
        .env("GEN_TF_EVAL_TIMEOUT_SECS", "2")
        .arg("build")
        .arg(&stack)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("evaluation did not finish within 2 s"),
        "{stderr}"
    );
    assert!(!out.exists());
}

//! `gen-tf diff`: one pair of real stacks per kind of change (tests/fixtures/diff/<case>/before
//! and after), run through the real binary with `--base-dir`, each with its human, JSON and
//! Markdown output snapshotted and the prediction that matters asserted; `--base REV` on a real
//! git repository; `--deny-risk`; GitHub annotations.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn case_dir(case: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/diff").join(case)
}

/// The real binary in `dir`, without any project file: (exit code, stdout, stderr).
fn gen_tf(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("gen-tf")
        .expect("binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("diff")
        .arg("--no-project")
        .args(args)
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

/// Runs the case in every format, snapshots each, and returns the JSON report.
fn run(case: &str) -> Value {
    let after = case_dir(case).join("after");
    let mut json = Value::Null;
    for format in ["human", "json", "markdown"] {
        let (code, out, err) = gen_tf(
            &after,
            &["stack.json", "--base-dir", "../before", "--format", format],
        );
        assert_eq!(code, 0, "{case} {format}: {err}");
        let shown = if format == "human" && !err.is_empty() {
            format!("{out}--- stderr\n{err}")
        } else {
            out.clone()
        };
        snapshot_settings().bind(|| {
            insta::assert_snapshot!(format!("diff_{case}_{format}"), shown);
        });
        if format == "json" {
            json = serde_json::from_str(&out).expect("JSON");
        }
        if format == "markdown" {
            // One screen: what shows before the first fold.
            let shown = out.split("<details>").next().unwrap();
            assert!(shown.lines().count() <= 30, "{case}: {shown}");
        }
    }
    json
}

fn stack(v: &Value) -> &Value {
    &v["stacks"][0]
}

fn resource<'a>(v: &'a Value, address: &str) -> &'a Value {
    stack(v)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in {:#}", stack(v)["resources"]))
}

fn service_change<'a>(v: &'a Value, what: &str) -> &'a Value {
    stack(v)["services"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["what"] == what)
        .unwrap_or_else(|| panic!("{what} not in {:#}", stack(v)["services"]))
}

fn desired_delta(v: &Value) -> f64 {
    stack(v)["cost"]["delta"]["desired"]
        .as_f64()
        .expect("priced")
}

#[test]
fn cpu_and_memory_are_a_new_revision_and_a_rolling_deployment() {
    let v = run("cpu-memory");
    assert_eq!(service_change(&v, "cpu")["before"], "512");
    assert_eq!(service_change(&v, "cpu")["after"], "1024");
    assert_eq!(service_change(&v, "memory")["after"], "2048");
    let td = resource(&v, "aws_ecs_task_definition.api");
    assert_eq!(
        (td["action"].as_str(), td["risky"].as_bool()),
        (Some("replace"), Some(false))
    );
    assert!(td["risk"].as_str().unwrap().contains("rolling deployment"));
    assert_eq!(resource(&v, "aws_ecs_service.api")["action"], "update");
    assert!(desired_delta(&v) > 0.0);
}

#[test]
fn an_image_tag_is_a_new_revision() {
    let v = run("image-tag");
    assert!(service_change(&v, "image")["after"]
        .as_str()
        .unwrap()
        .ends_with(":1.5.0"));
    let td = resource(&v, "aws_ecs_task_definition.api");
    assert_eq!(td["arguments"][0]["path"], "container_definitions");
    assert_eq!(td["arguments"][0]["effect"], "replace");
    assert_eq!(v["summary"]["risky"], 0);
}

#[test]
fn a_scaling_policy_added_is_created() {
    let v = run("scaling-policy-added");
    assert!(service_change(&v, "scaling policy memory")["before"].is_null());
    assert_eq!(
        resource(&v, "aws_appautoscaling_policy.api_memory")["action"],
        "create"
    );
    assert_eq!(v["summary"]["created"], 1);
}

#[test]
fn a_renamed_service_destroys_the_old_one_and_is_risky() {
    let v = run("service-renamed");
    let svc = resource(&v, "aws_ecs_service.api");
    assert_eq!(
        (svc["action"].as_str(), svc["risky"].as_bool()),
        (Some("destroy"), Some(true))
    );
    assert!(svc["risk"].as_str().unwrap().contains("tasks stop"));
    assert_eq!(resource(&v, "aws_ecs_service.web")["action"], "create");
}

#[test]
fn a_renamed_log_group_is_replaced_and_its_logs_lost() {
    let v = run("log-group-renamed");
    let lg = resource(&v, "aws_cloudwatch_log_group.api");
    assert_eq!(
        (lg["action"].as_str(), lg["risky"].as_bool()),
        (Some("replace"), Some(true))
    );
    assert!(lg["risk"].as_str().unwrap().contains("every log"));
    // The task security group goes too, safely: create_before_destroy.
    let sg = resource(&v, "aws_security_group.api");
    assert_eq!(
        (sg["action"].as_str(), sg["risky"].as_bool()),
        (Some("replace"), Some(false))
    );
    assert!(sg["risk"]
        .as_str()
        .unwrap()
        .contains("create_before_destroy"));
    // Matched by file, the renamed stack costs what it cost.
    assert_eq!(desired_delta(&v), 0.0);
}

/// An EBS volume that grows updates the service in place, and the volume reads as the stack
/// gives it.
#[test]
fn a_grown_ebs_volume_updates_the_service() {
    let v = run("ebs-volume");
    assert_eq!(resource(&v, "aws_ecs_service.indexer")["action"], "update");
    let change = service_change(&v, "volume index");
    assert_eq!(
        change["after"], "EBS 200 GiB gp3 6000 IOPS encrypted (one per task, configured at launch)",
        "{change:#}"
    );
}

#[test]
fn a_security_group_change_keeps_the_group() {
    let v = run("security-group");
    assert_eq!(
        resource(&v, "aws_vpc_security_group_egress_rule.api_egress_0")["action"],
        "create"
    );
    assert!(stack(&v)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["type"] != "aws_security_group"));
}

#[test]
fn task_role_statements_granted_and_revoked_are_listed_with_wildcards() {
    let v = run("task-role");
    let perms = stack(&v)["permissions"].as_array().unwrap();
    let granted = perms.iter().find(|p| p["change"] == "granted").unwrap();
    assert_eq!(granted["action"], "s3:PutObject");
    assert_eq!(granted["wildcard"], true);
    let revoked = perms.iter().find(|p| p["change"] == "revoked").unwrap();
    assert_eq!(revoked["action"], "sns:Publish");
    assert_eq!(revoked["role"], "shop-api-task");
    assert_eq!(
        resource(&v, "aws_iam_role_policy.api_task")["action"],
        "update"
    );
}

#[test]
fn an_endpoint_added_costs_more() {
    let v = run("endpoint-added");
    assert_eq!(resource(&v, "aws_vpc_endpoint.logs")["action"], "create");
    assert!(desired_delta(&v) > 0.0);
}

#[test]
fn a_higher_spot_weight_costs_less() {
    let v = run("spot-weight");
    assert_eq!(resource(&v, "aws_ecs_service.api")["action"], "update");
    assert!(desired_delta(&v) < 0.0);
}

#[test]
fn a_conditional_forcenew_is_may_replace_with_its_condition() {
    let v = run("endpoint-private-dns");
    let e = resource(&v, "aws_vpc_endpoint.ecr_dkr");
    assert_eq!(e["action"], "may_replace");
    assert_eq!(e["arguments"][0]["path"], "private_dns_enabled");
    assert!(e["arguments"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("unless vpc_endpoint_type is Interface (CustomizeDiff)"));
    assert!(e["risk"]
        .as_str()
        .unwrap()
        .starts_with("if it is replaced: "));
}

#[test]
fn nothing_changed_is_said() {
    let v = run("nothing");
    assert_eq!(stack(&v)["status"], "unchanged");
    assert!(stack(&v)["resources"].as_array().unwrap().is_empty());
    assert_eq!(desired_delta(&v), 0.0);
}

#[test]
fn deny_risk_makes_risky_changes_errors() {
    let after = case_dir("service-renamed").join("after");
    let (code, _, err) = gen_tf(
        &after,
        &["stack.json", "--base-dir", "../before", "--deny-risk"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: risky change: shop: aws_ecs_service.api destroy"),
        "{err}"
    );
    assert!(
        err.contains("risky change(s), denied by --deny-risk"),
        "{err}"
    );
    let safe = case_dir("cpu-memory").join("after");
    let (code, _, err) = gen_tf(
        &safe,
        &["stack.json", "--base-dir", "../before", "--deny-risk"],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn github_annotations_point_at_the_changed_service() {
    let after = case_dir("service-renamed").join("after");
    let (code, out, _) = gen_tf(
        &after,
        &[
            "stack.json",
            "--base-dir",
            "../before",
            "--format",
            "github",
            "--deny-risk",
        ],
    );
    assert_eq!(code, 1);
    snapshot_settings().bind(|| insta::assert_snapshot!("diff_github", out));
    let text = std::fs::read_to_string(after.join("stack.json")).unwrap();
    let web_line = text.lines().position(|l| l.contains("\"web\"")).unwrap() + 1;
    assert!(
        out.contains(&format!("::notice file=stack.json,line={web_line},")),
        "{out}"
    );
    assert!(out.contains("::error file=stack.json"), "{out}");
}

#[test]
fn base_reads_a_git_revision_and_leaves_the_work_tree_alone() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    git(&["init", "-q"]);
    std::fs::create_dir(dir.join("stacks")).unwrap();
    let before = std::fs::read(case_dir("cpu-memory").join("before/stack.json")).unwrap();
    let after = std::fs::read(case_dir("cpu-memory").join("after/stack.json")).unwrap();
    std::fs::write(dir.join("stacks/shop.json"), &before).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "before"]);
    std::fs::write(dir.join("stacks/shop.json"), &after).unwrap();
    let (code, out, err) = gen_tf(dir, &["stacks", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(service_change(&v, "cpu")["before"], "512");
    assert_eq!(stack(&v)["file"], "stacks/shop.json");
    // The working tree still holds the change.
    assert_eq!(std::fs::read(dir.join("stacks/shop.json")).unwrap(), after);
    let (code, _, err) = gen_tf(dir, &["stacks", "--base", "no-such-rev"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("gen-tf: --base no-such-rev: git rev-parse --verify no-such-rev^{commit} failed: fatal: Needed a single revision; give a branch, tag or commit"),
        "{err}"
    );
}

/// `gen-tf build` over its previous output says in one line what Terraform will do, and says
/// nothing of it when it wrote nothing.
#[test]
fn build_summarises_what_terraform_will_do_when_it_changed_files() {
    let out = tempfile::tempdir().unwrap();
    let build = |case_side: &str| {
        let stack = case_dir("cpu-memory").join(case_side).join("stack.json");
        let o = Command::cargo_bin("gen-tf")
            .unwrap()
            .current_dir(ROOT)
            .args(["build", "--no-project", "--no-cache", "-o"])
            .arg(out.path())
            .arg(&stack)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let first = build("before");
    // Every resource block written is new.
    let blocks: usize = std::fs::read_dir(out.path().join("shop"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|t| t.lines().filter(|l| l.starts_with("resource \"")).count())
        .sum();
    assert!(blocks > 10);
    assert!(
        first.contains(&format!("gen-tf: terraform will see: {blocks} created")),
        "{first}"
    );
    let second = build("after");
    assert!(
        second.contains(
            "gen-tf: terraform will see: 1 replaced, 1 updated (gen-tf diff --base REV tells why)"
        ),
        "{second}"
    );
    let third = build("after");
    assert!(!third.contains("terraform will see"), "{third}");
}

/// With a project, every environment is compared, each on its own, and a missing --base-dir
/// is an error that names the flag.
#[test]
fn every_environment_of_the_project_is_compared() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    std::fs::write(
        dir.join("gen-tf.toml"),
        "stacks = [\"stacks\"]\n\n[environments.dev]\n[environments.prd]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("stacks")).unwrap();
    let stack = |prd_cpu: u32| {
        format!(
            "local env = std.extVar('ENV');\n{{\n  name: 'shop',\n  services: {{\n    api: {{ cpu: if env == 'prd' then {prd_cpu} else 256, memory: 2048 }},\n  }},\n}}\n"
        )
    };
    std::fs::write(dir.join("stacks/shop.jsonnet"), stack(512)).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    std::fs::write(dir.join("stacks/shop.jsonnet"), stack(1024)).unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("gen-tf")
            .unwrap()
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("XDG_CACHE_HOME", dir.join(".cache"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["diff", "--base", "HEAD", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let by_env: Vec<(String, String)> = v["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["env"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        by_env,
        [
            ("dev".to_owned(), "unchanged".to_owned()),
            ("prd".to_owned(), "changed".to_owned())
        ]
    );
    assert_eq!(v["stacks"][1]["services"][0]["changes"][0]["after"], "1024");

    let o = run(&["diff", "--base-dir", "no-such-dir"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("gen-tf: --base-dir no-such-dir: not a directory; give the root of the checkout to compare with"),
        "{err}"
    );
}

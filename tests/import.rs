//! `gen-tf import` through the real binary: each fixture of `tests/fixtures/import/` (describe
//! output in the AWS CLI's shapes) becomes a stack that builds, its import blocks and its
//! report; files are recognised by content, bad input is named with its file, and nothing is
//! ever written over an existing file.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;

fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join("cache"));
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// Imports a fixture into a fresh directory: (exit code, stdout, stderr, the stack's text,
/// imports.tf, the directory).
fn import(name: &str, extra: &[&str]) -> (i32, String, String, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(fixture(name))
        .args(["-o", "stacks"])
        .args(extra)
        .output()
        .unwrap();
    let stacks = dir.path().join("stacks");
    let stack = std::fs::read_dir(&stacks)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "jsonnet"))
                .map(|p| std::fs::read_to_string(p).unwrap())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let imports = std::fs::read_to_string(stacks.join("imports.tf")).unwrap_or_default();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        stack,
        imports,
        dir,
    )
}

/// Each fixture: a stack, its import blocks and the report, reviewed as snapshots; and the
/// written stack builds with `gen-tf build`.
#[test]
fn each_fixture_becomes_a_stack_that_builds() {
    for name in ["web", "worker", "private"] {
        let (code, stdout, stderr, stack, imports, dir) = import(name, &[]);
        assert_eq!(code, 0, "{name}: {stderr}");
        settings().bind(|| {
            insta::assert_snapshot!(format!("import_{name}_stack"), stack);
            insta::assert_snapshot!(format!("import_{name}_imports"), imports);
            insta::assert_snapshot!(format!("import_{name}_report"), stdout);
        });
        let build = gen_tf(dir.path())
            .args(["build", "stacks", "-o", "modules"])
            .output()
            .unwrap();
        assert!(
            build.status.success(),
            "{name}: the imported stack does not build:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
    }
}

/// The blocks name one resource each, of every adopted type, with the provider's ID format.
#[test]
fn import_blocks_cover_every_adopted_type() {
    let (_, _, _, _, web, _) = import("web", &[]);
    for (to, id) in [
        ("module.shop-prd.aws_ecs_service.web", "shop-prd/web"),
        (
            "module.shop-prd.aws_ecs_task_definition.web",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-web:42",
        ),
        (
            "module.shop-prd.aws_appautoscaling_target.web",
            "ecs/service/shop-prd/web/ecs:service:DesiredCount",
        ),
        (
            "module.shop-prd.aws_appautoscaling_policy.web_cpu",
            "ecs/service/shop-prd/web/ecs:service:DesiredCount/shop-web-cpu",
        ),
        ("module.shop-prd.aws_iam_role.web_task", "shop-web-task"),
        ("module.shop-prd.aws_iam_role_policy.web_task", "shop-web-task:application"),
        (
            "module.shop-prd.aws_iam_role_policy_attachment.web_execution",
            "shop-web-execution/arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        ),
        ("module.shop-prd.aws_cloudwatch_log_group.web", "/ecs/shop-web"),
        ("module.shop-prd.aws_security_group.web", "sg-0f1e2d3c4b5a69788"),
        (
            "module.shop-prd.aws_vpc_security_group_ingress_rule.web_from_lb",
            "sgr-0b1c2d3e4f5a60718",
        ),
    ] {
        let block = format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}");
        assert!(web.contains(&block), "missing {block}\nin\n{web}");
    }
    let (_, _, _, _, worker, _) = import("worker", &[]);
    assert!(
        worker.contains("import {\n  to = module.jobs.aws_cloudwatch_metric_alarm.invoice_worker_backlog\n  id = \"invoices-queue-backlog-high\"\n}"),
        "{worker}"
    );
    // Scheduled actions have no importer: no block, and the report says so.
    assert!(!worker.contains("scheduled_action"), "{worker}");
}

/// Security group rules: each rule gen-tf writes is matched to the described rule with the same
/// group, direction, protocol, ports and peer and imported by its `sgr-` ID; a peer from a module
/// variable matches the one described group and becomes a reported input; a described rule gen-tf
/// does not write is reported as left in place; without `describe-security-group-rules` the
/// rules are created anew and the report names the call.
#[test]
fn security_group_rules_are_matched() {
    let (code, stdout, stderr, _, imports, _) = import("web", &["--message-format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let stack = &doc["stacks"][0];
    assert_eq!(
        stack["inputs"],
        serde_json::json!({
            "vpc_id": "vpc-0123456789abcdef0",
            "web_lb_security_group_id": "sg-0a9b8c7d6e5f40312",
        })
    );
    assert!(
        imports.contains("#   web_lb_security_group_id = \"sg-0a9b8c7d6e5f40312\""),
        "{imports}"
    );
    let finding = |resource: &str| {
        stack["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["resource"] == resource)
            .cloned()
            .unwrap_or_else(|| panic!("no finding for {resource}: {stdout}"))
    };
    // AWS's all-traffic egress: gen-tf writes 443 only, and the group keeps the old rule.
    let left = finding("sgr-0c2d3e4f5a6071829");
    assert_eq!(left["kind"], "not-expressed");
    assert!(
        left["message"]
            .as_str()
            .unwrap()
            .starts_with("egress all traffic to 0.0.0.0/0 of sg-0f1e2d3c4b5a69788, which gen-tf does not write: it stays in place, unmanaged"),
        "{left}"
    );
    assert_eq!(
        finding("aws_vpc_security_group_egress_rule.web_https")["kind"],
        "created-anew"
    );
    assert_eq!(finding("sgr-0b1c2d3e4f5a60718")["kind"], "changes");

    // Without the rules' describe output: created anew, and the call is named.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("describe");
    std::fs::create_dir(&input).unwrap();
    for f in std::fs::read_dir(fixture("web")).unwrap() {
        let f = f.unwrap().path();
        if !f.ends_with("describe-security-group-rules.json") {
            std::fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
        }
    }
    let out = gen_tf(dir.path())
        .args(["import", "describe", "-o", "stacks"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created anew  web: aws_vpc_security_group_ingress_rule.web_from_lb: no rule of sg-0f1e2d3c4b5a69788 is described, so the group's existing rules stay beside it; add `aws ec2 describe-security-group-rules --filters Name=group-id,Values=sg-0f1e2d3c4b5a69788`"),
        "{stdout}"
    );
    let imports = std::fs::read_to_string(dir.path().join("stacks/imports.tf")).unwrap();
    assert!(!imports.contains("sgr-"), "{imports}");
}

/// `--message-format json`: one document with each finding's kind, and the import blocks.
#[test]
fn json_report() {
    let (code, stdout, stderr, _, _, _) = import("worker", &["--message-format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let stack = &doc["stacks"][0];
    assert_eq!(stack["stack"], "jobs");
    assert_eq!(stack["builds"], true);
    assert_eq!(
        stack["services"][0]["arn"],
        "arn:aws:ecs:eu-west-1:123456789012:service/jobs/invoice-worker"
    );
    let findings = stack["findings"].as_array().unwrap();
    let has = |kind: &str, resource: &str| {
        findings
            .iter()
            .any(|f| f["kind"] == kind && f["resource"] == resource)
    };
    assert!(has("created-anew", "invoice-worker-month-end"), "{stdout}");
    assert!(
        has("replaces", "invoice-worker-task:consume-invoices"),
        "{stdout}"
    );
    assert!(has("changes", "ecsTaskExecutionRole"), "{stdout}");
    assert!(stack["imports"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["id"] == "ecs/service/jobs/invoice-worker/ecs:service:DesiredCount"));
}

/// An existing file stops the import before anything is written.
#[test]
fn never_writes_over_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    std::fs::write(dir.path().join("stacks/imports.tf"), "# mine\n").unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(fixture("web"))
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("stacks/imports.tf already exist(s); gen-tf import never writes over a file"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stacks/imports.tf")).unwrap(),
        "# mine\n"
    );
    assert!(!dir.path().join("stacks/shop-prd.jsonnet").exists());
}

/// Files are recognised by their content: a file that is no known output, or a call whose
/// output names no role, is an error naming the file and the fix.
#[test]
fn unrecognised_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("describe");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("clusters.json"),
        r#"{"clusters": [], "failures": []}"#,
    )
    .unwrap();
    std::fs::write(
        input.join("attached.json"),
        r#"{"AttachedPolicies": [{"PolicyName": "x", "PolicyArn": "arn:aws:iam::aws:policy/x"}]}"#,
    )
    .unwrap();
    std::fs::write(input.join("broken.json"), "{").unwrap();
    let out = gen_tf(dir.path())
        .args(["import", "describe", "-o", "stacks"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    settings().bind(|| insta::assert_snapshot!("import_unrecognised", stderr));
    assert!(!dir.path().join("stacks").exists());
}

/// A service whose task definition no file describes: the error names the call to add.
#[test]
fn missing_task_definition_names_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("describe");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(
        fixture("web").join("describe-services.json"),
        input.join("services.json"),
    )
    .unwrap();
    let out = gen_tf(dir.path())
        .args(["import", "describe", "-o", "stacks"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("add the output of `aws ecs describe-task-definition --include TAGS --task-definition arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-web:42`"),
        "{stderr}"
    );
}

/// `--commands`: the AWS CLI calls, in order, for the services named.
#[test]
fn commands_for_a_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let out = gen_tf(dir.path())
        .args([
            "import",
            "--commands",
            "--cluster",
            "shop-prd",
            "--service",
            "web",
            "api",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    settings().bind(|| insta::assert_snapshot!("import_commands", text));
    // The shell reads it.
    let check = Command::new("sh")
        .arg("-n")
        .arg("-c")
        .arg(text.as_ref())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Several directories at once: one stack per cluster, and a VPC's endpoints only in the stacks
/// whose services run in that VPC.
#[test]
fn endpoints_stay_with_their_vpc() {
    let dir = tempfile::tempdir().unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(fixture("web"))
        .arg(fixture("private"))
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let web = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    let media = std::fs::read_to_string(dir.path().join("stacks/media-prd.jsonnet")).unwrap();
    assert!(!web.contains("existing_vpc_endpoints"), "{web}");
    assert!(media.contains("existing_vpc_endpoints"), "{media}");
}

/// `--check`: a freshly imported stack has no drift; after the stack changes, each argument
/// that differs from what AWS runs is named, down to a container definition's field.
#[test]
fn check_reports_drift_field_by_field() {
    let (code, _, stderr, _, _, dir) = import("worker", &[]);
    assert_eq!(code, 0, "{stderr}");
    let check = |dir: &Path| {
        gen_tf(dir)
            .args(["import", "--check", "stacks/jobs.jsonnet"])
            .arg(fixture("worker"))
            .output()
            .unwrap()
    };
    let out = check(dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "stacks/jobs.jsonnet: nothing drifted: what AWS runs builds the same module\n"
    );
    let path = dir.path().join("stacks/jobs.jsonnet");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("cpu: 512,", "cpu: 1024,")
        .replace("memory: 1024,", "memory: 2048,")
        .replace("value: 'invoices' }", "value: 'invoices-v2' }")
        .replace(
            "max_capacity: 20,\n        policies",
            "max_capacity: 30,\n        policies",
        );
    std::fs::write(&path, text).unwrap();
    let out = check(dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "stacks/jobs.jsonnet: 4 argument(s) drifted in AWS since the stack was written\n  \
         aws_appautoscaling_target.invoice_worker: max_capacity: stack 30, AWS 20\n  \
         aws_ecs_task_definition.invoice_worker: container_definitions[0].environment[0].value: stack \"invoices-v2\", AWS \"invoices\"\n  \
         aws_ecs_task_definition.invoice_worker: cpu: stack \"1024\", AWS \"512\"\n  \
         aws_ecs_task_definition.invoice_worker: memory: stack \"2048\", AWS \"1024\"\n"
    );
}

/// An ecspresso directory: `ecspresso.yml` with its service and task definition files, and
/// describe output beside them; the stack builds. Templates are refused with the command that
/// renders them.
#[test]
fn ecspresso_directory() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("deploy");
    std::fs::create_dir(&input).unwrap();
    for f in std::fs::read_dir(fixture("ecspresso")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
    }
    let out = gen_tf(dir.path())
        .args(["import", "deploy", "-o", "stacks"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stack = std::fs::read_to_string(dir.path().join("stacks/api-prd.jsonnet")).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    settings().bind(|| {
        insta::assert_snapshot!("import_ecspresso_stack", stack);
        insta::assert_snapshot!("import_ecspresso_report", stdout);
    });
    let imports = std::fs::read_to_string(dir.path().join("stacks/imports.tf")).unwrap();
    assert!(imports.contains("id = \"api-prd/orders\""), "{imports}");
    assert!(!imports.contains("aws_ecs_task_definition"), "{imports}");
    let build = gen_tf(dir.path())
        .args(["build", "stacks", "-o", "modules"])
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let td = input.join("ecs-task-def.json");
    let text = std::fs::read_to_string(&td)
        .unwrap()
        .replace("orders:1.8.2", "orders:{{ must_env `TAG` }}");
    std::fs::write(&td, text).unwrap();
    let out = gen_tf(dir.path())
        .args(["import", "deploy", "-o", "again"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "gen-tf: deploy/ecs-task-def.json: holds ecspresso template functions ({{ ... }}), which gen-tf does not expand; save the output of `ecspresso render` instead\n"
    );
}

/// `-V ENV=NAME` (after the command or before it) is `--env NAME`: the same stack and blocks;
/// the two disagreeing, or another variable, is refused.
#[test]
fn env_by_v_or_flag_is_one_meaning() {
    let (code, _, stderr, by_flag, blocks_flag, _) = import("private", &["--env", "stg"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr, by_v, blocks_v, _) = import("private", &["-V", "ENV=stg"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(by_flag, by_v);
    assert_eq!(blocks_flag, blocks_v);
    let (_, _, _, without, _, _) = import("private", &[]);
    assert_ne!(by_v, without, "the environment changes what is derived");

    let dir = tempfile::tempdir().unwrap();
    let out = gen_tf(dir.path())
        .args(["-V", "ENV=stg", "import"])
        .arg(fixture("private"))
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = std::fs::read_to_string(dir.path().join("stacks/media-prd.jsonnet")).unwrap();
    assert_eq!(before, by_flag);

    for (args, message) in [
        (
            &["--env", "prd", "-V", "ENV=stg"][..],
            "gen-tf: --env prd and -V ENV=stg name different environments: give one of them\n",
        ),
        (
            &["-V", "REGION=eu-west-1"][..],
            "gen-tf: -V REGION=...: gen-tf import reads no Jsonnet variables; it takes -V ENV=NAME (or --env NAME) only\n",
        ),
    ] {
        let (code, _, stderr, _, _, _) = import("worker", args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(stderr, message);
    }
}

/// The seed guide's memory reservation strategy is written where the reservation is one
/// (`private`: 1024 of 2048 MiB is 'conservative'), and the stack built from the helper is what
/// AWS runs: `--check` finds no drift.
#[test]
fn memory_reservation_strategy_is_written_as_the_helper() {
    let (code, _, stderr, stack, _, dir) = import("private", &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stack.contains("local g = import 'gen-tf.libsonnet';"),
        "{stack}"
    );
    assert!(
        stack.contains("memory_reservation: g.memoryReservation(self.memory, 'conservative'),"),
        "{stack}"
    );
    let out = gen_tf(dir.path())
        .args(["import", "--check", "stacks/media-prd.jsonnet"])
        .arg(fixture("private"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "stacks/media-prd.jsonnet: nothing drifted: what AWS runs builds the same module\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

/// `--manage-endpoints`: the VPC's endpoints become the stack's `vpc_endpoints`, imported by
/// their `vpce-` IDs with their security group (`network.vpc_endpoint_security_group`) and the
/// rules gen-tf writes; the report names each endpoint and its owner, and the rules of other
/// stacks on the group stay. Without the flag they stay existing (`each_fixture_...`).
#[test]
fn manage_endpoints_adopts_them_with_their_group() {
    let (code, stdout, stderr, stack, imports, dir) = import("private", &["--manage-endpoints"]);
    assert_eq!(code, 0, "{stderr}");
    settings().bind(|| {
        insta::assert_snapshot!("import_private_managed_stack", stack);
        insta::assert_snapshot!("import_private_managed_imports", imports);
        insta::assert_snapshot!("import_private_managed_report", stdout);
    });
    for (to, id) in [
        ("aws_vpc_endpoint.ecr_dkr", "vpce-0a1b2c3d4e5f60712"),
        ("aws_vpc_endpoint.s3", "vpce-0a1b2c3d4e5f60716"),
        ("aws_security_group.vpc_endpoints", "sg-0e3f405162738495a"),
        (
            "aws_vpc_security_group_ingress_rule.files_to_vpc_endpoints",
            "sgr-0a60718293a4b5c6d",
        ),
        (
            "aws_vpc_security_group_egress_rule.files_to_vpc_endpoints",
            "sgr-0e4f5a60718293a4b",
        ),
    ] {
        let block = format!("import {{\n  to = module.media-prd.{to}\n  id = \"{id}\"\n}}");
        assert!(imports.contains(&block), "missing {block}\nin\n{imports}");
    }
    assert!(!stack.contains("existing_vpc_endpoints:"), "{stack}");
    assert!(
        stdout.contains(
            "not expressed sgr-0b718293a4b5c6d7e: ingress tcp 443 from sg-0b1c2d3e4f5a60719"
        ),
        "{stdout}"
    );
    let build = gen_tf(dir.path())
        .args(["build", "stacks", "-o", "modules"])
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

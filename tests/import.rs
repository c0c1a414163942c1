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

/// A copy of fixture `name`'s describe output in `dir/in`, for a test to edit.
fn copied_fixture(dir: &Path, name: &str) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir(&input).unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    input
}

/// Builds the imported `stack` (relative to `dir`) into `dir/modules`, and asserts it built.
fn builds(dir: &Path, stack: impl AsRef<std::ffi::OsStr>) {
    let built = gen_tf(dir)
        .args(["build", "--no-project"])
        .arg(stack)
        .args(["-o", "modules"])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
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

/// The KMS keys the execution role decrypts the secrets with (ECS names none beside a secret)
/// come back as the secrets' `kms_key_arn`, one per secret; a key no secret can take is reported,
/// as the first apply takes it off the role. Found by the round trip (tests/import_round_trip.rs).
#[test]
fn secret_kms_keys_come_from_the_execution_role() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "private");
    let key = |n: u8| {
        format!("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-12345678900{n}")
    };
    let policy = serde_json::json!({
        "RoleName": "media-prd-files-execution",
        "PolicyName": "secrets",
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:media/files/database-Xy12Ab"
                },
                { "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [key(1), key(2)] }
            ]
        }
    });
    std::fs::write(
        input.join("get-role-policy-execution.json"),
        policy.to_string(),
    )
    .unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stack = std::fs::read_to_string(dir.path().join("stacks/media-prd.jsonnet")).unwrap();
    assert!(
        stack.contains(&format!("kms_key_arn: '{}'", key(1))),
        "{stack}"
    );
    assert_eq!(stack.matches("kms_key_arn").count(), 1, "{stack}");
    let report = format!("{}{stderr}", String::from_utf8_lossy(&out.stdout));
    assert!(
        report.contains(&format!("kms:Decrypt on {}", key(2)))
            && report.contains("more KMS keys than the service has secrets"),
        "{report}"
    );
    // The built module grants the key again.
    builds(dir.path(), "stacks/media-prd.jsonnet");
    let module = std::fs::read_dir(dir.path().join("modules/media-prd"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(
        module.contains("kms:Decrypt") && module.contains(&key(1)),
        "{module}"
    );
}

/// Found by the round trip (tests/import_round_trip.rs): a target tracking policy on a
/// customized metric is imported (it was reported and left without a metric, a stack that did
/// not validate); the service's own ClusterName and ServiceName dimensions are left to gen-tf
/// (written out, they became fixed strings in the module); gen-tf's scaling prefix is kept when
/// the policy names share more than it (`<prefix>-queue-depth`, `<prefix>-queue-age` took the
/// prefix `<prefix>-queue`, moving the policies); and the policies come in the order they were
/// created, which is the stack's (each depends on the one before).
#[test]
fn customized_metrics_prefix_and_policy_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let policy = |name: &str, created: &str, metric: serde_json::Value| {
        serde_json::json!({
            "PolicyARN": format!("arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9:resource/ecs/service/shop-prd/web:policyName/{name}"),
            "PolicyName": name,
            "ServiceNamespace": "ecs",
            "ResourceId": "service/shop-prd/web",
            "ScalableDimension": "ecs:service:DesiredCount",
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": 10.0,
                "CustomizedMetricSpecification": metric,
            },
            "Alarms": [],
            "CreationTime": created,
        })
    };
    let policies = serde_json::json!({ "ScalingPolicies": [
        policy("shop-prd-web-queue-depth", "2024-06-11T08:31:05.000000+00:00", serde_json::json!({
            "MetricName": "QueueDepth",
            "Namespace": "Custom/App",
            "Dimensions": [{ "Name": "QueueName", "Value": "jobs" }],
            "Statistic": "Average",
            "Unit": "Count",
        })),
        policy("shop-prd-web-queue-age", "2024-06-11T08:31:04.000000+00:00", serde_json::json!({
            "MetricName": "CpuUtilized",
            "Namespace": "ECS/ContainerInsights",
            "Dimensions": [
                { "Name": "ServiceName", "Value": "web" },
                { "Name": "ClusterName", "Value": "shop-prd" },
            ],
            "Statistic": "Maximum",
        })),
    ]});
    std::fs::write(
        input.join("describe-scaling-policies.json"),
        policies.to_string(),
    )
    .unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert!(!stack.contains("scaling_prefix"), "{stack}");
    assert!(!stack.contains("customized metric"), "{stack}");
    let age = stack.find("name: 'queue-age'").expect("queue-age");
    let depth = stack.find("name: 'queue-depth'").expect("queue-depth");
    assert!(age < depth, "{stack}");
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = std::fs::read_to_string(dir.path().join("modules/shop-prd/web.tf")).unwrap();
    let depth = &module[module
        .find("resource \"aws_appautoscaling_policy\" \"web_queue_depth\"")
        .expect("the queue-depth policy keeps its address")..];
    let depth = &depth[..depth.find("\n}\n").unwrap()];
    assert!(
        depth.contains("name               = \"shop-prd-web-queue-depth\"")
            && depth.contains("value = \"jobs\"")
            && depth.contains("depends_on = [aws_appautoscaling_policy.web_queue_age]"),
        "{depth}"
    );
    let age = &module[module
        .find("resource \"aws_appautoscaling_policy\" \"web_queue_age\"")
        .expect("the queue-age policy keeps its address")..];
    let age = &age[..age.find("\n}\n").unwrap()];
    assert!(
        age.contains("value = var.cluster_name") && age.contains("aws_ecs_service.web.name"),
        "{age}"
    );
}

/// Found by the round trip (tests/import_round_trip.rs): a service whose first load balancer
/// goes to a sidecar is built around its own container (named like the service), not the
/// sidecar; taking the sidecar as the main container left a sidecar named like the service, a
/// stack that did not validate.
#[test]
fn main_container_is_the_one_named_like_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let edit = |file: &str, f: &dyn Fn(&mut serde_json::Value)| {
        let path = input.join(file);
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&path, v.to_string()).unwrap();
    };
    edit("describe-task-definition.json", &|v| {
        let defs = v["taskDefinition"]["containerDefinitions"]
            .as_array_mut()
            .unwrap();
        defs.push(serde_json::json!({
            "name": "envoy",
            "image": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod",
            "cpu": 0,
            "essential": true,
            "portMappings": [{ "containerPort": 9901, "hostPort": 9901, "protocol": "tcp" }],
            "environment": [],
            "mountPoints": [],
            "volumesFrom": [],
            "systemControls": [],
        }));
    });
    edit("describe-services.json", &|v| {
        let lbs = v["services"][0]["loadBalancers"].as_array_mut().unwrap();
        lbs.insert(
            0,
            serde_json::json!({
                "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-envoy/0a1b2c3d4e5f6071",
                "containerName": "envoy",
                "containerPort": 9901,
            }),
        );
    });
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert!(
        stack.contains("name: 'envoy'") && stack.contains("container: 'envoy'"),
        "{stack}"
    );
    // The service's image is its own container's; the sidecar is envoy.
    let first_image = stack.lines().find(|l| l.contains("image:")).unwrap();
    assert!(first_image.contains("shop-web:2.14.1"), "{stack}");
    builds(dir.path(), "stacks/shop-prd.jsonnet");
}

/// Found by the round trip (tests/import_round_trip.rs): the variables gen-tf derives from
/// `database` and `observability`, at the end of the main container's variables in gen-tf's
/// order, come back as those settings (as plain variables, the service lost its egress rule to
/// the database, and the variables moved ahead of the derived ones); the report asks for the
/// database's port and max_connections, which no describe output holds.
#[test]
fn database_and_observability_from_their_variables() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let path = input.join("describe-task-definition.json");
    let mut td: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let env = td["taskDefinition"]["containerDefinitions"][0]["environment"]
        .as_array_mut()
        .unwrap();
    for (n, v) in [
        ("DB_READ_HOST", "reader.shop.internal"),
        ("DB_WRITE_HOST", "writer.shop.internal"),
        ("DB_POOL_MIN", "2"),
        ("DB_POOL_MAX", "10"),
        ("LOG_LEVEL", "info"),
    ] {
        env.push(serde_json::json!({ "name": n, "value": v }));
    }
    std::fs::write(&path, td.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert!(
        stack.contains("read_host: 'reader.shop.internal'")
            && stack.contains("pool: { min: 2, max: 10 }")
            && stack.contains("log_level: 'info'")
            && !stack.contains("DB_READ_HOST"),
        "{stack}"
    );
    let report = format!("{}{stderr}", String::from_utf8_lossy(&out.stdout));
    assert!(report.contains("set database.port"), "{report}");
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = std::fs::read_to_string(dir.path().join("modules/shop-prd/web.tf")).unwrap();
    assert!(
        module.contains("resource \"aws_vpc_security_group_egress_rule\" \"web_to_database\""),
        "{module}"
    );
}

/// Found by the round trip (tests/import_round_trip.rs): with ECS Exec on, the task role's
/// EcsExec statement is gen-tf's own (from enable_execute_command), not one of the stack's
/// statements: imported as both, the rebuilt policy had it twice.
#[test]
fn ecs_exec_statement_is_left_to_enable_execute_command() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let edit = |file: &str, f: &dyn Fn(&mut serde_json::Value)| {
        let path = input.join(file);
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&path, v.to_string()).unwrap();
    };
    edit("describe-services.json", &|v| {
        v["services"][0]["enableExecuteCommand"] = true.into();
    });
    edit("get-role-policy-task.json", &|v| {
        v["PolicyDocument"]["Statement"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "Sid": "EcsExec",
                "Effect": "Allow",
                "Action": [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel"
                ],
                "Resource": ["*"]
            }));
    });
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert!(
        stack.contains("enable_execute_command: true")
            && stack.contains("ReadCatalog")
            && !stack.contains("EcsExec"),
        "{stack}"
    );
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = std::fs::read_to_string(dir.path().join("modules/shop-prd/web.tf")).unwrap();
    assert_eq!(module.matches("\"EcsExec\"").count(), 1, "{module}");
}

/// Found by the round trip (tests/import_round_trip.rs): the task role's EFS statement for a
/// file system mounted with IAM authorization is gen-tf's own (derived from the volume), not
/// one of the stack's statements: imported as both, the rebuilt policy had it twice.
#[test]
fn efs_statement_is_left_to_the_volume() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "private");
    let statement = serde_json::json!({
        "Effect": "Allow",
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Resource": ["arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0a1b2c3d4e5f67890"],
    });
    let policy = serde_json::json!({
        "RoleName": "media-prd-files-task",
        "PolicyName": "application",
        "PolicyDocument": { "Version": "2012-10-17", "Statement": [statement] },
    });
    std::fs::write(input.join("get-role-policy-task.json"), policy.to_string()).unwrap();
    std::fs::write(
        input.join("list-role-policies-task.json"),
        serde_json::json!({ "RoleName": "media-prd-files-task", "PolicyNames": ["application"] })
            .to_string(),
    )
    .unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stack = std::fs::read_to_string(dir.path().join("stacks/media-prd.jsonnet")).unwrap();
    assert!(
        stack.contains("iam: 'ENABLED'") && !stack.contains("elasticfilesystem:Client"),
        "{stack}"
    );
    builds(dir.path(), "stacks/media-prd.jsonnet");
    let module = std::fs::read_dir(dir.path().join("modules/media-prd"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert_eq!(
        module.matches("\"elasticfilesystem:ClientMount\"").count(),
        1,
        "{module}"
    );
}

/// Found by the round trip (tests/import_round_trip.rs): a container's dependsOn is imported as
/// its depends_on (the main container's was reported and left out, a sidecar's dropped without
/// a word: either way the first apply took the dependency away).
#[test]
fn container_dependencies_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let path = input.join("describe-task-definition.json");
    let mut td: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let defs = td["taskDefinition"]["containerDefinitions"]
        .as_array_mut()
        .unwrap();
    defs[0]["dependsOn"] = serde_json::json!([{ "containerName": "envoy", "condition": "START" }]);
    defs.push(serde_json::json!({
        "name": "envoy",
        "image": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod",
        "cpu": 0,
        "essential": true,
        "dependsOn": [{ "containerName": "init", "condition": "SUCCESS" }],
        "environment": [],
        "mountPoints": [],
        "volumesFrom": [],
        "systemControls": [],
    }));
    defs.push(serde_json::json!({
        "name": "init",
        "image": "public.ecr.aws/docker/library/busybox:1.36",
        "cpu": 0,
        "essential": false,
        "environment": [],
        "mountPoints": [],
        "volumesFrom": [],
        "systemControls": [],
    }));
    std::fs::write(&path, td.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report = format!("{}{stderr}", String::from_utf8_lossy(&out.stdout));
    assert!(!report.contains("sets dependsOn"), "{report}");
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert!(
        stack.contains("depends_on: [{ container: 'envoy', condition: 'START' }]")
            && stack.contains("depends_on: [{ container: 'init', condition: 'SUCCESS' }]"),
        "{stack}"
    );
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = std::fs::read_to_string(dir.path().join("modules/shop-prd/web.tf")).unwrap();
    assert_eq!(module.matches("containerName = ").count(), 2, "{module}");
}

/// Found by the round trip (tests/import_round_trip.rs): the container settings gen-tf writes
/// as ulimits, pseudoTerminal, restartPolicy, versionConsistency, linuxParameters (the init
/// process only) and environmentFiles are imported (they were reported and left out, so the
/// first apply took them away); other shapes stay in the report.
#[test]
fn container_settings_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let path = input.join("describe-task-definition.json");
    let mut td: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let main = &mut td["taskDefinition"]["containerDefinitions"][0];
    main["ulimits"] =
        serde_json::json!([{ "name": "nofile", "softLimit": 1024, "hardLimit": 4096 }]);
    main["restartPolicy"] = serde_json::json!({ "enabled": true, "restartAttemptPeriod": 120 });
    main["versionConsistency"] = "disabled".into();
    main["linuxParameters"] = serde_json::json!({ "initProcessEnabled": true });
    main["firelensConfiguration"] = serde_json::json!({ "type": "fluentbit" });
    std::fs::write(&path, td.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report = format!("{}{stderr}", String::from_utf8_lossy(&out.stdout));
    assert!(
        report.contains("sets firelensConfiguration") && !report.contains("sets ulimits"),
        "{report}"
    );
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert!(
        stack.contains("ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }]")
            && stack.contains("restart_policy: { restart_attempt_period: 120 }")
            && stack.contains("version_consistency: false")
            && stack.contains("init_process_enabled: true"),
        "{stack}"
    );
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = std::fs::read_to_string(dir.path().join("modules/shop-prd/web.tf")).unwrap();
    assert!(
        module.contains("softLimit = 1024") && module.contains("restartAttemptPeriod = 120"),
        "{module}"
    );
}

/// The step alarm's "gen-tf writes its own alarm description" finding is for a description
/// the first apply changes: an alarm whose description is already gen-tf's own (one gen-tf
/// created, or one migrated before) is not reported, and the rebuilt module writes exactly the
/// described description. A person's description still is.
#[test]
fn own_alarm_description_is_not_reported() {
    let finding = "gen-tf writes its own alarm description";
    let (code, stdout, stderr, ..) = import("worker", &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(finding), "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "worker");
    let own = "Scales invoice-worker out with invoice-worker-backlog when ApproximateNumberOfMessagesVisible >= 100.";
    let file = input.join("describe-alarms.json");
    let mut alarms: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    alarms["MetricAlarms"][0]["AlarmDescription"] = own.into();
    std::fs::write(&file, alarms.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains(finding), "{stdout}");
    let stack = std::fs::read_dir(dir.path().join("stacks"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonnet"))
        .unwrap();
    builds(dir.path(), &stack);
    let module: String = walk(&dir.path().join("modules"));
    assert!(
        module.contains(&format!("alarm_description   = \"{own}\"")),
        "{module}"
    );
}

/// Every `.tf` file under `dir`, concatenated.
fn walk(dir: &Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            out += &walk(&p);
        } else if p.extension().is_some_and(|x| x == "tf") {
            out += &std::fs::read_to_string(&p).unwrap();
        }
    }
    out
}

/// Found by the round trip: the described egress rules of a service's group that none of
/// gen-tf's own rules takes were left in place, unmanaged, so a stack's `egress` never came
/// back. They are written as the service's `egress` (gen-tf's defaults left out: TCP, its own
/// description) and imported by their `sgr-` IDs; the rule AWS gives every new group (all
/// traffic to 0.0.0.0/0, no description) and what `egress` cannot express (IPv6) stay in place
/// and reported.
#[test]
fn egress_rules_are_imported_as_egress() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let file = input.join("describe-security-group-rules.json");
    let mut rules: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let rule = |id: &str, protocol: &str, from: i64, to: i64, peer: serde_json::Value| {
        let mut r = serde_json::json!({
            "SecurityGroupRuleId": id,
            "GroupId": "sg-0f1e2d3c4b5a69788",
            "GroupOwnerId": "123456789012",
            "IsEgress": true,
            "IpProtocol": protocol,
            "FromPort": from,
            "ToPort": to,
            "Tags": [],
            "SecurityGroupRuleArn": format!("arn:aws:ec2:eu-west-1:123456789012:security-group-rule/{id}"),
        });
        r.as_object_mut()
            .unwrap()
            .extend(peer.as_object().unwrap().clone());
        r
    };
    let list = rules["SecurityGroupRules"].as_array_mut().unwrap();
    list.push(rule(
        "sgr-0e1a2b3c4d5e6f701",
        "tcp",
        5439,
        5440,
        serde_json::json!({ "CidrIpv4": "10.20.0.0/16", "Description": "To the warehouse" }),
    ));
    list.push(rule(
        "sgr-0e1a2b3c4d5e6f702",
        "udp",
        53,
        53,
        serde_json::json!({ "ReferencedGroupInfo": { "GroupId": "sg-0dd0dd0dd0dd0dd00", "UserId": "123456789012" } }),
    ));
    list.push(rule(
        "sgr-0e1a2b3c4d5e6f703",
        "tcp",
        443,
        443,
        serde_json::json!({ "CidrIpv6": "::/0" }),
    ));
    std::fs::write(&file, rules.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    let egress = &stack[stack.find("egress: [").expect("the service's egress")..];
    let egress = &egress[..egress.find(']').unwrap()];
    assert_eq!(
        egress
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>(),
        [
            "egress: [",
            "{ protocol: 'udp', port: 53, security_group_id: 'sg-0dd0dd0dd0dd0dd00' },",
            "{ port: 5439, to_port: 5440, cidr_ipv4: '10.20.0.0/16', description: 'To the warehouse' },",
        ],
        "{stack}"
    );
    let imports = std::fs::read_to_string(dir.path().join("stacks/imports.tf")).unwrap();
    for (to, id) in [
        (
            "aws_vpc_security_group_egress_rule.web_egress_0",
            "sgr-0e1a2b3c4d5e6f702",
        ),
        (
            "aws_vpc_security_group_egress_rule.web_egress_1",
            "sgr-0e1a2b3c4d5e6f701",
        ),
    ] {
        assert!(
            imports.contains(&format!("to = module.shop-prd.{to}\n  id = \"{id}\"")),
            "{to}: {imports}"
        );
    }
    // The UDP rule had no description: gen-tf's is written, and the report says so.
    assert!(
        stdout.contains("sgr-0e1a2b3c4d5e6f702: the rule's description becomes gen-tf's: web to sg-0dd0dd0dd0dd0dd00 on udp 53"),
        "{stdout}"
    );
    for id in ["sgr-0c2d3e4f5a6071829", "sgr-0e1a2b3c4d5e6f703"] {
        assert!(
            stdout.contains(&format!("{id}: egress"))
                && stdout.contains("which gen-tf does not write"),
            "{id}: {stdout}"
        );
    }
    builds(dir.path(), "stacks/shop-prd.jsonnet");
}

/// Found by the round trip: a `load_balancers` entry's `security_group_id` was never written,
/// so an entry that named its load balancer's group came back with the module variable (and
/// the rule's peer moved to an input). Each entry now gets the one group that the task
/// group's described ingress rules admit on its port; the variable and its input are gone.
#[test]
fn load_balancer_entries_keep_their_group() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let file = input.join("describe-services.json");
    let mut services: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    services["services"][0]["loadBalancers"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web-internal/0a1b2c3d4e5f6071",
            "containerName": "web",
            "containerPort": 8080
        }));
    std::fs::write(&file, services.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert_eq!(
        stack
            .matches("security_group_id: 'sg-0a9b8c7d6e5f40312'")
            .count(),
        2,
        "{stack}"
    );
    assert!(!stack.contains("web_lb_security_group_id"), "{stack}");
    assert!(!stdout.contains("web_lb_security_group_id"), "{stdout}");
    let imports = std::fs::read_to_string(dir.path().join("stacks/imports.tf")).unwrap();
    assert!(
        imports.contains(
            "to = module.shop-prd.aws_vpc_security_group_ingress_rule.web_from_lb\n  id = \"sgr-0b1c2d3e4f5a60718\""
        ),
        "{imports}"
    );
    builds(dir.path(), "stacks/shop-prd.jsonnet");
}

/// Found by the round trip: an EFS volume's `security_group_id` was never written, so a
/// volume that named its mount targets' group came back with the module variable. The volumes
/// now get the one group that the task group's described egress rules reach on NFS (2049),
/// and the rule to it is imported under its address.
#[test]
fn efs_volumes_keep_their_group() {
    let (code, stdout, stderr, stack, imports, _dir) = import("private", &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stack.contains("security_group_id: 'sg-0f405162738495a6b'"),
        "{stack}"
    );
    assert!(!stdout.contains("files_efs_security_group_id"), "{stdout}");
    assert!(
        imports.contains(
            "to = module.media-prd.aws_vpc_security_group_egress_rule.files_to_efs_media\n  id = \"sgr-0f5a60718293a4b5c\""
        ),
        "{imports}"
    );
}

/// The deployment controller is imported (it was reported as not expressed, so the first apply
/// took CodeDeploy's control away): CODE_DEPLOY is written as `deployment.controller`, with no
/// circuit breaker (ECS's own, which gen-tf writes only with the ECS controller); the rebuilt
/// module has the controller block and no circuit breaker.
#[test]
fn deployment_controller_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let file = input.join("describe-services.json");
    let mut services: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let s = &mut services["services"][0];
    s["deploymentController"] = serde_json::json!({ "type": "CODE_DEPLOY" });
    s["deploymentConfiguration"]
        .as_object_mut()
        .unwrap()
        .remove("deploymentCircuitBreaker");
    std::fs::write(&file, services.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains("deployment controller"), "{stdout}");
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    assert!(stack.contains("controller: 'CODE_DEPLOY'"), "{stack}");
    assert!(!stack.contains("circuit_breaker"), "{stack}");
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = walk(&dir.path().join("modules"));
    assert!(
        module.contains("deployment_controller {\n    type = \"CODE_DEPLOY\"\n  }")
            && !module.contains("deployment_circuit_breaker"),
        "{module}"
    );
}

/// A CANARY deployment as ECS holds it is imported (it was reported as not expressed, so the
/// first apply took the strategy away): the strategy, its bake time, the canary and a
/// lifecycle hook under `deployment`, the load balancer's `advanced_configuration` with its
/// infrastructure role by ARN (kept, rather than replaced by a role gen-tf creates), and the
/// client alias's test traffic rule as `test_traffic_header`; the rebuilt module has each.
#[test]
fn deployment_strategy_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let file = input.join("describe-services.json");
    let mut services: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let s = &mut services["services"][0];
    let dc = s["deploymentConfiguration"].as_object_mut().unwrap();
    dc.insert("strategy".into(), "CANARY".into());
    dc.insert("bakeTimeInMinutes".into(), 15.into());
    dc.insert(
        "canaryConfiguration".into(),
        serde_json::json!({ "canaryPercent": 10.0, "canaryBakeTimeInMinutes": 5 }),
    );
    dc.insert(
        "lifecycleHooks".into(),
        serde_json::json!([{
            "hookTargetArn": "arn:aws:lambda:eu-west-1:123456789012:function:smoke-test",
            "roleArn": "arn:aws:iam::123456789012:role/ecs-hooks",
            "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
        }]),
    );
    s["loadBalancers"][0]["advancedConfiguration"] = serde_json::json!({
        "alternateTargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web-green/0a1b2c3d4e5f6071",
        "productionListenerRule": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
        "testListenerRule": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/3b4a2d1e5c6f7a80/1a2b3c4d5e6f7081",
        "roleArn": "arn:aws:iam::123456789012:role/ecs-infrastructure",
    });
    s["deployments"][0]["serviceConnectConfiguration"]["services"][0]["clientAliases"][0]
        ["testTrafficRules"] =
        serde_json::json!({ "header": { "name": "x-canary", "value": { "exact": "1" } } });
    std::fs::write(&file, services.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains("deployment strategy"), "{stdout}");
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    for want in [
        "strategy: 'CANARY'",
        "bake_time_in_minutes: 15",
        "canary: { percent: 10, bake_time_in_minutes: 5 }",
        "function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:smoke-test'",
        "stages: ['POST_TEST_TRAFFIC_SHIFT']",
        "role_arn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'",
        "test_listener_rule: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/3b4a2d1e5c6f7a80/1a2b3c4d5e6f7081'",
        "test_traffic_header: { name: 'x-canary', value: '1' }",
    ] {
        assert!(stack.contains(want), "{want}: {stack}");
    }
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = walk(&dir.path().join("modules"));
    for want in [
        "strategy             = \"CANARY\"",
        "canary_percent",
        "hook_target_arn",
        "alternate_target_group_arn",
        "role_arn                   = \"arn:aws:iam::123456789012:role/ecs-infrastructure\"",
        "exact = \"1\"",
    ] {
        assert!(module.contains(want), "{want}: {module}");
    }
    assert!(!module.contains("ecs-infra\""), "{module}");
}

/// An EBS volume configured at launch is imported (the task definition's volume with
/// `configuredAtLaunch` and the primary deployment's `volumeConfigurations`): the volume as
/// `configure_at_launch`, the service's `volume_configuration` with its infrastructure role by
/// ARN (kept, not replaced by a role gen-tf creates), and the rebuilt module configures it.
#[test]
fn ebs_volume_configured_at_launch_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let input = copied_fixture(dir.path(), "web");
    let file = input.join("describe-task-definition.json");
    let mut td: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    td["taskDefinition"]["volumes"] =
        serde_json::json!([{ "name": "data", "configuredAtLaunch": true }]);
    td["taskDefinition"]["containerDefinitions"][0]["mountPoints"] = serde_json::json!([{ "sourceVolume": "data", "containerPath": "/data", "readOnly": false }]);
    std::fs::write(&file, td.to_string()).unwrap();
    let file = input.join("describe-services.json");
    let mut services: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    services["services"][0]["deployments"][0]["volumeConfigurations"] = serde_json::json!([{
        "name": "data",
        "managedEBSVolume": {
            "encrypted": true,
            "volumeType": "gp3",
            "sizeInGiB": 40,
            "throughput": 250,
            "tagSpecifications": [{
                "resourceType": "volume",
                "tags": [{ "key": "team", "value": "shop" }],
                "propagateTags": "SERVICE",
            }],
            "roleArn": "arn:aws:iam::123456789012:role/ecs-infrastructure",
            "filesystemType": "ext4",
        },
    }]);
    std::fs::write(&file, services.to_string()).unwrap();
    let out = gen_tf(dir.path())
        .arg("import")
        .arg(&input)
        .args(["-o", "stacks"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stack = std::fs::read_to_string(dir.path().join("stacks/shop-prd.jsonnet")).unwrap();
    for want in [
        "data: { configure_at_launch: true }",
        "role_arn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'",
        "size_in_gb: 40",
        "file_system_type: 'ext4'",
        "propagate_tags: 'SERVICE'",
    ] {
        assert!(stack.contains(want), "{want}: {stack}");
    }
    assert!(!stack.contains("encrypted"), "{stack}");
    builds(dir.path(), "stacks/shop-prd.jsonnet");
    let module = walk(&dir.path().join("modules"));
    for want in [
        "configure_at_launch = true",
        "managed_ebs_volume {",
        "role_arn         = \"arn:aws:iam::123456789012:role/ecs-infrastructure\"",
        "size_in_gb       = 40",
    ] {
        assert!(module.contains(want), "{want}: {module}");
    }
    assert!(!module.contains("ecs-infra\""), "{module}");
}

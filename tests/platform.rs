//! The platform (docs/platform.md), through the real binary: every project fixture in
//! `tests/fixtures/platform/` (a directory with its own `gen-tf.toml`) fails with its exact
//! messages, snapshotted; every platform rule has one; and `examples/platform` builds to the
//! committed `modules/platform/`, where each endpoint is created once per VPC across both
//! environments, the DynamoDB endpoint is there because of a task role, and the Service
//! Connect client waits for its server.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gen_tf(cache: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", cache);
    c
}

/// `gen-tf build --project <dir>/gen-tf.toml -o <out>`: exit code and stderr.
fn build(project: &Path, out: &Path) -> (i32, String) {
    let run = gen_tf(&out.with_extension("cache"))
        .args(["build", "--project"])
        .arg(project.join("gen-tf.toml"))
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    (
        run.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root().join("tests/fixtures/platform"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_project_fixture_fails_with_its_messages_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut seen = BTreeSet::new();
    for dir in fixture_dirs() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("err_"), "{name}: only err_ fixtures here");
        let out = tmp.path().join(&name);
        let (code, stderr) = build(&dir, &out);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(!out.exists(), "{name}: wrote output");
        assert!(stderr.contains("help:"), "{name}: {stderr}");
        for l in stderr.lines() {
            if let Some(code) = l
                .strip_prefix("error[")
                .and_then(|r| r.split_once(']'))
                .map(|(c, _)| c)
            {
                seen.insert(code.to_owned());
            }
        }
        let text = stderr.replace(&format!("{}/", root().display()), "");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(format!("platform__{name}"), text));
    }
    let missing: Vec<&str> = gen_tf::rules::PLATFORM
        .iter()
        .map(|r| r.code)
        .filter(|c| !seen.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "platform rules without a project fixture: {missing:?}"
    );
}

/// Every file under `dir`, relative to it, with its content.
fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_owned(),
                fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_platform_example_builds_to_the_committed_modules() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, stderr) = build(&root().join("examples/platform"), &out);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let built = files(&out);
    let committed = files(&root().join("modules/platform"));
    let names: Vec<&PathBuf> = built.keys().collect();
    assert_eq!(
        names,
        committed.keys().collect::<Vec<_>>(),
        "modules/platform is stale: run cargo run --locked -- build --project examples/platform/gen-tf.toml"
    );
    for (path, content) in &built {
        assert_eq!(
            content,
            &committed[path],
            "modules/platform/{} is stale: run cargo run --locked -- build --project examples/platform/gen-tf.toml",
            path.display()
        );
    }
}

/// `(file, resource type, label, attributes as literal strings)` of every resource under `dir`.
type Resource = (PathBuf, String, String, BTreeMap<String, String>);

fn resources(dir: &Path) -> Vec<Resource> {
    let mut out = Vec::new();
    for (path, text) in files(dir) {
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let body = hcl::parse(&text).unwrap();
        for b in body.blocks().filter(|b| b.identifier() == "resource") {
            let attrs = b
                .body()
                .attributes()
                .map(|a| {
                    let v = match a.expr() {
                        hcl::Expression::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (a.key().to_owned(), v)
                })
                .collect();
            out.push((
                path.clone(),
                b.labels()[0].as_str().to_owned(),
                b.labels()[1].as_str().to_owned(),
                attrs,
            ));
        }
    }
    out
}

#[test]
fn each_endpoint_is_created_once_per_vpc_across_both_environments() {
    let all = resources(&root().join("modules/platform"));
    let mut count: BTreeMap<(String, String), Vec<PathBuf>> = BTreeMap::new();
    for (path, ty, _, attrs) in &all {
        if ty == "aws_vpc_endpoint" {
            count
                .entry((attrs["vpc_id"].clone(), attrs["service_name"].clone()))
                .or_default()
                .push(path.clone());
        }
    }
    assert!(count.len() >= 6, "{count:?}");
    for (key, paths) in &count {
        assert_eq!(paths.len(), 1, "{key:?} created in {paths:?}");
        // The platform module of prd (the VPC's endpoints_owner) creates them all.
        assert!(paths[0].starts_with("prd/platform"), "{key:?}: {paths:?}");
    }
    // No stack module creates an endpoint or a cluster: the platform owns them.
    for (path, ty, _, _) in &all {
        if !path.components().any(|c| c.as_os_str() == "platform") {
            assert!(
                !matches!(
                    ty.as_str(),
                    "aws_vpc_endpoint" | "aws_ecs_cluster" | "aws_ecs_cluster_capacity_providers"
                ),
                "{} creates {ty}",
                path.display()
            );
        }
    }
    // One cluster, with its one capacity providers resource, per environment.
    for env in ["dev", "prd"] {
        let clusters: Vec<&Resource> = all
            .iter()
            .filter(|r| r.0.starts_with(env) && r.1 == "aws_ecs_cluster_capacity_providers")
            .collect();
        assert_eq!(clusters.len(), 1, "{env}: {clusters:?}");
    }
    let services: BTreeSet<&str> = count.keys().map(|(_, s)| s.as_str()).collect();
    // sqs because of the worker's task role, ecs-agent because of Service Connect.
    for s in [
        "sqs",
        "ecs-agent",
        "logs",
        "ecr.api",
        "ecr.dkr",
        "s3",
        "dynamodb",
    ] {
        assert!(
            services.contains(format!("com.amazonaws.eu-west-1.{s}").as_str()),
            "{s}: {services:?}"
        );
    }
}

#[test]
fn the_dynamodb_endpoint_is_there_because_of_the_task_role() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("platform");
    for (path, text) in files(&root().join("examples/platform")) {
        let target = copy.join(&path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        // Without the ledger's DynamoDB statement, nothing else needs DynamoDB.
        let text = if path.ends_with("ledger.jsonnet") {
            let start = text.find("{ sid: 'Entries'").unwrap();
            let end = text[start..].find("{ sid: 'Statements'").unwrap() + start;
            format!("{}{}", &text[..start], &text[end..])
        } else {
            text
        };
        fs::write(target, text).unwrap();
    }
    fs::write(
        copy.join("gen-tf.toml"),
        fs::read_to_string(copy.join("gen-tf.toml"))
            .unwrap()
            .replace("../../modules/platform", "out"),
    )
    .unwrap();
    let (code, stderr) = build(&copy, &copy.join("out"));
    assert_eq!(code, 0, "{stderr}");
    let has_dynamodb = |dir: &Path| {
        resources(dir).iter().any(|(_, ty, _, a)| {
            ty == "aws_vpc_endpoint"
                && a["service_name"] == "com.amazonaws.eu-west-1.dynamodb"
                && a["vpc_endpoint_type"] == "Gateway"
        })
    };
    assert!(has_dynamodb(&root().join("modules/platform/prd/platform")));
    assert!(!has_dynamodb(&copy.join("out/prd/platform")));
}

#[test]
fn the_service_connect_client_waits_for_its_server() {
    for env in ["dev", "prd"] {
        let text = fs::read_to_string(root().join(format!("modules/platform/{env}/root/main.tf")))
            .unwrap();
        let body = hcl::parse(&text).unwrap();
        let web = body
            .blocks()
            .find(|b| b.identifier() == "module" && b.labels()[0].as_str() == "web")
            .expect("module web");
        let depends = web
            .body()
            .attributes()
            .find(|a| a.key() == "depends_on")
            .map(|a| a.expr().to_string().split_whitespace().collect::<String>());
        assert_eq!(depends.as_deref(), Some("[module.ledger]"), "{env}");
    }
}

#[test]
fn the_module_readme_names_every_shared_resource_with_its_platform_name() {
    let readme = fs::read_to_string(root().join("modules/platform/prd/ledger/README.md")).unwrap();
    for want in [
        "platform cluster `apps`, with FARGATE associated",
        "platform network `shared`",
        "`dynamodb`",
        "the default namespace of platform cluster `apps`",
    ] {
        assert!(readme.contains(want), "{want}:\n{readme}");
    }
}

#[test]
fn building_only_an_environment_that_does_not_own_the_endpoints_creates_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = gen_tf(&tmp.path().join("cache"))
        .args([
            "build",
            "--project",
            "examples/platform/gen-tf.toml",
            "--env",
            "dev",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let all = resources(&out);
    assert!(!all.iter().any(|r| r.1 == "aws_vpc_endpoint"), "{all:?}");
    let main = fs::read_to_string(out.join("dev/platform/main.tf")).unwrap();
    assert!(
        main.contains("data \"aws_security_group\" \"shared_vpc_endpoints\""),
        "{main}"
    );
}

/// `schemas/platform.schema.json` is the platform file's JSON Schema, for editors;
/// `GEN_TF_UPDATE_DOCS=1` rewrites it.
#[test]
fn the_platform_schema_is_current() {
    let schema = schemars::schema_for!(gen_tf::PlatformFile);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = root().join("schemas/platform.schema.json");
    if std::env::var_os("GEN_TF_UPDATE_DOCS").is_some() {
        fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap_or_default(),
        text,
        "schemas/platform.schema.json is stale: GEN_TF_UPDATE_DOCS=1 cargo test --test platform"
    );
}

//! `gen-tf import` with real Terraform, offline: the three fixtures imported at once (and the
//! `private` one again as `media-stg`, with `--manage-endpoints`), their stacks built, and a root module that calls each stack's module with placeholder variables
//! and holds the import blocks of `imports.tf`: `terraform validate` accepts it (every `to`
//! is an address the modules have, every `id` a string). Without Terraform or the mirror it is
//! skipped with a message, unless `CI` is set; `GEN_TF_FAST_TESTS=1` leaves it out.

#[path = "support/fast.rs"]
mod fast;
#[path = "support/import_managed.rs"]
mod import_managed;
// Also a private module of support/terraform.rs; read here for its placeholders.
#[path = "support/terraform/module_copy.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod module_copy;
#[path = "support/terraform.rs"]
#[allow(dead_code)]
mod terraform;

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use serde_json::{json, Map, Value};

fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join("cache"));
    c
}

#[test]
fn terraform_validates_the_root_with_its_import_blocks() {
    if fast::leaves_out("the import blocks' terraform validate") {
        return;
    }
    let tf = match terraform::Terraform::find() {
        Ok(tf) => tf,
        Err(why) if std::env::var_os("CI").is_some() => panic!("CI is set, but {why}"),
        Err(why) => {
            eprintln!("skipping the import blocks' terraform validate: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    // A fourth stack that owns its VPC's endpoints (`--manage-endpoints`) joins the three.
    let paths = ["web", "worker", "private"].map(|f| fixtures.join(f));
    import_managed::import_all_and_build(dir.path(), &paths, gen_tf);
    let root = dir.path().join("root");
    let mut modules = Map::new();
    for stack in ["shop-prd", "jobs", "media-prd", "media-stg"] {
        let declared = module_copy::Declared::read(&root.join("modules").join(stack)).unwrap();
        let mut m = Map::new();
        m.insert("source".into(), format!("./modules/{stack}").into());
        for (name, ty) in &declared.variables {
            m.insert(
                name.clone(),
                module_copy::placeholder(name, ty.as_ref(), "eu-west-1"),
            );
        }
        modules.insert(stack.to_owned(), Value::Object(m));
    }
    let main = json!({
        "provider": { "aws": module_copy::provider_settings("eu-west-1", None) },
        "module": modules,
    });
    std::fs::write(
        root.join("main.tf.json"),
        serde_json::to_string_pretty(&main).unwrap(),
    )
    .unwrap();
    let imports = std::fs::read_to_string(dir.path().join("stacks/imports.tf")).unwrap()
        + &std::fs::read_to_string(dir.path().join("managed/imports.tf")).unwrap();
    assert!(imports.contains("aws_vpc_endpoint.ecr_dkr"), "{imports}");
    std::fs::write(root.join("imports.tf"), imports).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("terraform")
            .args(args)
            .current_dir(&root)
            .env("TF_CLI_CONFIG_FILE", tf.cli_config())
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "terraform {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["init", "-backend=false", "-input=false"]);
    let validated = run(&["validate", "-json"]);
    let v: Value = serde_json::from_str(&validated).unwrap();
    assert_eq!(v["valid"], true, "{validated}");
    let imports = std::fs::read_to_string(root.join("imports.tf")).unwrap();
    assert!(imports.matches("import {").count() >= 25, "{imports}");
}

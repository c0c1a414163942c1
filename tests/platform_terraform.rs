//! Real Terraform on the platform example: for each environment, the generated root module
//! (`modules/platform/<env>/root`), which calls the platform module and every stack module, goes
//! through `terraform init`, `validate` and one plan of all of them together, with the real
//! AWS provider from the machine's filesystem mirror, offline.
//!
//! The plan runs as `terraform test` (one `run` with `command = plan`) so that the data sources
//! that would call AWS (the endpoint security group the dev platform looks up, the Gateway
//! endpoints' prefix lists, the caller identity) are overridden with realistic values; the
//! provider gets fake credentials from an override file. The committed modules are never
//! touched: Terraform works on a copy.
//!
//! Without Terraform or the mirror the test is skipped with a message, unless `CI` is set.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The root of the filesystem mirror that holds the AWS provider: `$TF_MIRROR`, else the
/// directory above `registry.terraform.io/hashicorp/aws/...` found on disk.
fn mirror() -> Option<PathBuf> {
    if let Some(m) = std::env::var_os("TF_MIRROR") {
        return Some(PathBuf::from(m));
    }
    let out = Command::new("find")
        .args([
            "/",
            "-path",
            "/proc",
            "-prune",
            "-o",
            "-path",
            "/sys",
            "-prune",
            "-o",
            "-name",
            "terraform-provider-aws_*",
            "-path",
            "*registry.terraform.io*",
            "-print",
            "-quit",
        ])
        .output()
        .ok()?;
    let hit = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    hit.split_once("/registry.terraform.io/")
        .map(|(m, _)| PathBuf::from(m))
}

fn terraform(dir: &Path, rc: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", rc)
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_DATA_DIR")
        .env_remove("TF_CLI_ARGS")
        .output()
        .expect("terraform runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// `module.<name>.data.<type>.<label>` for every data source under `env_dir` that calls AWS,
/// with a realistic value.
fn overrides(env_dir: &Path) -> String {
    let mut out = String::new();
    let mut dirs: Vec<PathBuf> = fs::read_dir(env_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.ends_with("root"))
        .collect();
    dirs.sort();
    for dir in dirs {
        let module = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .collect();
        files.sort();
        for f in files {
            let body = hcl::parse(&fs::read_to_string(&f).unwrap()).unwrap();
            for b in body.blocks().filter(|b| b.identifier() == "data") {
                let (ty, label) = (b.labels()[0].as_str(), b.labels()[1].as_str());
                let values = match ty {
                    "aws_security_group" => r#"{ id = "sg-0123456789abcdef0" }"#,
                    "aws_prefix_list" if label.ends_with("s3") => r#"{ id = "pl-6da54004" }"#,
                    "aws_prefix_list" => r#"{ id = "pl-6ea54007" }"#,
                    "aws_caller_identity" => {
                        r#"{ account_id = "123456789012", arn = "arn:aws:iam::123456789012:user/test" }"#
                    }
                    _ => continue,
                };
                out.push_str(&format!(
                    "override_data {{\n  target = module.{module}.data.{ty}.{label}\n  values = {values}\n}}\n\n"
                ));
            }
        }
    }
    out
}

const PROVIDER: &str = r#"provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "gen-tf-test-not-a-secret"
  max_retries                 = 1
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"#;

#[test]
fn each_environments_root_module_validates_and_plans_the_platform_and_every_stack() {
    let (Some(mirror), true) = (
        mirror(),
        Command::new("terraform").arg("version").output().is_ok(),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set, so real Terraform must run, but terraform or its mirror is missing"
        );
        eprintln!("skipping: no terraform or no AWS provider mirror");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let rc = tmp.path().join("terraformrc");
    fs::write(
        &rc,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\nplugin_cache_dir = \"{}\"\n",
            mirror.display(),
            tmp.path().join("cache").display()
        ),
    )
    .unwrap();
    fs::create_dir_all(tmp.path().join("cache")).unwrap();
    for env in ["dev", "prd"] {
        let copy = tmp.path().join(env);
        copy_dir(&root().join("modules/platform").join(env), &copy);
        let dir = copy.join("root");
        fs::write(dir.join("provider_override.tf"), PROVIDER).unwrap();
        fs::write(
            dir.join("plan.tftest.hcl"),
            format!(
                "{}run \"plan\" {{\n  command = plan\n}}\n",
                overrides(&copy)
            ),
        )
        .unwrap();
        let (ok, out) = terraform(&dir, &rc, &["init", "-backend=false", "-no-color"]);
        assert!(ok, "{env}: terraform init:\n{out}");
        let (ok, out) = terraform(&dir, &rc, &["validate", "-no-color"]);
        assert!(ok, "{env}: terraform validate:\n{out}");
        let (ok, out) = terraform(&dir, &rc, &["test", "-no-color"]);
        assert!(ok, "{env}: terraform test (plan):\n{out}");
        assert!(out.contains("1 passed, 0 failed"), "{env}:\n{out}");
    }
}

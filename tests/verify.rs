//! `gen-tf build --verify`, with the real binary and real Terraform: an example passes and leaves
//! nothing of Terraform's in the output tree; a module with a broken file fails with the module's
//! path, file and line; without Terraform, or with `-o -`, it is a usage error before anything is
//! written.
//!
//! The Terraform runs use the machine's filesystem mirror through `TF_CLI_CONFIG_FILE`, with the
//! CLI config that `support/terraform.rs` writes (the same one as `tests/terraform.rs`). Without
//! Terraform or the mirror they are skipped with a message, unless `CI` is set.

#[path = "support/fast.rs"]
mod fast;
#[path = "support/terraform.rs"]
#[allow(dead_code)]
mod terraform;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use terraform::Terraform;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The real binary, from an empty directory, with its cache in `dir`.
fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env_remove("TERRAFORM")
        .env("XDG_CACHE_HOME", dir.join("cache"));
    c
}

/// Terraform and the mirror, or `None` after saying why the test does not run.
fn terraform_or_skip() -> Option<Terraform> {
    if fast::leaves_out("the --verify test with real Terraform") {
        return None;
    }
    match Terraform::find() {
        Ok(tf) => Some(tf),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("CI is set, so --verify must run real Terraform, but {why}")
        }
        Err(why) => {
            eprintln!("skipping the --verify test: {why} (with CI set, this is a failure)");
            None
        }
    }
}

/// Every file and directory under `dir`, relative to it, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn verify_passes_an_example_and_never_hands_terraform_a_hand_written_file() {
    let Some(tf) = terraform_or_skip() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let example = root().join("examples/minimal");
    let build = |c: &mut Command| {
        c.args(["build", "-V", "ENV=prd", "--verify", "-o"])
            .arg(&out)
            .arg(&example)
            .env("TF_CLI_CONFIG_FILE", tf.cli_config())
            .output()
            .unwrap()
    };

    let run = build(&mut gen_tf(work.path()));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("gen-tf: terraform init and validate: 1 of 1 module(s) passed"),
        "{stderr}"
    );
    // Nothing of Terraform's (.terraform, the lock file) lands in the output tree, so `check`
    // sees exactly what the build wrote.
    let files = tree(&out);
    assert!(
        files
            .iter()
            .all(|f| !f.to_string_lossy().contains(".terraform")),
        "{files:?}"
    );
    let check = gen_tf(work.path())
        .args(["check", "-V", "ENV=prd", "-o"])
        .arg(&out)
        .arg(&example)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // A hand-written file in the module (gen-tf never touches it) that Terraform would refuse:
    // --verify hands Terraform only the files gen-tf wrote (issue 26), so it passes.
    let module = out.join("minimal");
    let broken =
        "resource \"aws_cloudwatch_log_group\" \"extra\" {\n  retention_in_days = \"often\"\n}\n";
    fs::write(
        module.join("broken.tf"),
        format!("# hand-written\n{broken}"),
    )
    .unwrap();
    let run = build(&mut gen_tf(work.path()));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("gen-tf: terraform init and validate: 1 of 1 module(s) passed"),
        "{stderr}"
    );
    // (Naming the module's file and line in a Terraform error: the unit test
    // `each_validate_error_is_a_diagnostic_at_the_module_file_and_line`; every file Terraform
    // now sees is one the build has just written.)
    assert!(tree(&out)
        .iter()
        .all(|f| !f.to_string_lossy().contains(".terraform")));
}

#[test]
fn verify_without_terraform_is_a_usage_error_before_anything_is_written() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let run = gen_tf(work.path())
        .args(["build", "--verify", "-o"])
        .arg(&out)
        .arg(root().join("examples/minimal"))
        .env("TERRAFORM", work.path().join("no-such-terraform"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("gen-tf: --verify: --verify runs Terraform, but `"),
        "{stderr}"
    );
    assert!(
        stderr.contains("install Terraform or put it on PATH"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn verify_needs_an_output_directory() {
    let work = tempfile::tempdir().unwrap();
    let run = gen_tf(work.path())
        .args(["build", "--verify", "-o", "-"])
        .arg(root().join("examples/minimal"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        "gen-tf: --verify: Terraform runs in the written modules, so it needs -o DIR, not -o -\n"
    );
    assert!(run.stdout.is_empty());
}

//! `gen-tf build --verify`: real `terraform init` and `terraform validate` in each module the
//! build wrote, with the provider that the user's own Terraform setup installs.
//!
//! Terraform runs in a private copy of each module (its `.tf` and `.tf.json` files, and a
//! `.terraform.lock.hcl` when the module has one), in a temporary directory that is removed
//! afterwards, with `TF_DATA_DIR` inside it: the output tree gets no `.terraform` directory and no
//! lock file, so `gen-tf check` sees exactly what the build wrote. Everything else comes from the
//! user's environment: `TF_CLI_CONFIG_FILE` (for example a `provider_installation` with a
//! `filesystem_mirror`), `TF_PLUGIN_CACHE_DIR`, credentials helpers. A failure is a diagnostic
//! that names the module's file and line where Terraform gives them.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use super::child;
use crate::diag::Diagnostic;

/// At most this many modules run Terraform at once: `init` and `validate` each start the
/// provider, a large binary, and the machines this runs on may have two cores.
const MAX_JOBS: usize = 4;

use crate::diag::core::{TERRAFORM_VALIDATE, TERRAFORM_WARNING};

/// Why `--verify` could not run at all.
#[derive(Debug)]
pub(super) struct Unavailable(pub String);

/// `terraform version`, or why Terraform cannot run. `$TERRAFORM` names another binary.
pub(super) fn find_terraform(limit: Duration) -> Result<PathBuf, Unavailable> {
    let bin = std::env::var_os("TERRAFORM").map_or_else(|| "terraform".into(), PathBuf::from);
    let out = child::output(
        Command::new(&bin)
            .arg("version")
            .env("CHECKPOINT_DISABLE", "1"),
        limit,
    );
    match out {
        Ok(out) if out.status.success() => Ok(bin),
        Ok(out) => Err(Unavailable(format!(
            "`{} version` failed: {}",
            bin.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        Err(e) if e.kind() == io::ErrorKind::TimedOut => {
            Err(Unavailable(format!("`{} version` {e}", bin.display())))
        }
        Err(e) => Err(Unavailable(format!(
            "--verify runs Terraform, but `{}` cannot run ({e}); install Terraform or put it on \
             PATH (or set TERRAFORM to its path)",
            bin.display()
        ))),
    }
}

/// Runs init and validate in every module directory, on a few threads; the diagnostics of
/// every module that failed, in the order of `modules`.
pub(super) fn verify(
    terraform: &Path,
    modules: &[PathBuf],
    jobs: usize,
    limit: Duration,
) -> Vec<Diagnostic> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Vec<Diagnostic>>> = modules.iter().map(|_| Mutex::default()).collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, MAX_JOBS).min(modules.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(dir) = modules.get(i) else {
                    break;
                };
                let found = module(terraform, dir, limit);
                *results[i].lock().expect("not poisoned") = found;
            });
        }
    });
    results
        .into_iter()
        .flat_map(|r| r.into_inner().expect("not poisoned"))
        .collect()
}

/// init and validate in a copy of `dir`.
fn module(terraform: &Path, dir: &Path, limit: Duration) -> Vec<Diagnostic> {
    let failed = |what: &str, message: String| {
        let mut d = Diagnostic::new(&TERRAFORM_VALIDATE, "terraform", message).help(format!(
            "gen-tf could not {what}; the module is written, but not verified"
        ));
        d.file = dir.display().to_string();
        vec![d]
    };
    let work = match tempfile::Builder::new().prefix("gen-tf-verify-").tempdir() {
        Ok(work) => work,
        Err(e) => return failed("make a temporary directory", e.to_string()),
    };
    let copy = work.path().join("module");
    if let Err(e) = copy_module(dir, &copy) {
        return failed("copy the module", format!("copying {}: {e}", dir.display()));
    }
    let run = |args: &[&str]| {
        child::output(
            Command::new(terraform)
                .args(args)
                .current_dir(&copy)
                .env("TF_DATA_DIR", work.path().join("data"))
                .env("TF_IN_AUTOMATION", "1")
                .env("TF_INPUT", "0")
                .env("CHECKPOINT_DISABLE", "1"),
            limit,
        )
    };
    let init = match run(&["init", "-backend=false", "-input=false", "-no-color"]) {
        Ok(out) => out,
        Err(e) => return failed("run terraform init", e.to_string()),
    };
    if !init.status.success() {
        let text = String::from_utf8_lossy(&init.stderr).into_owned()
            + &String::from_utf8_lossy(&init.stdout);
        let mut d = Diagnostic::new(
            &TERRAFORM_VALIDATE,
            "terraform init",
            format!("terraform init failed: {}", error_text(&text)),
        )
        .help(
            "init installs the AWS provider the module's versions.tf admits; offline, point \
             TF_CLI_CONFIG_FILE at a CLI config whose provider_installation has a \
             filesystem_mirror (README: \"Verifying with Terraform\")",
        );
        d.file = dir.display().to_string();
        return vec![d];
    }
    let validate = match run(&["validate", "-json", "-no-color"]) {
        Ok(out) => out,
        Err(e) => return failed("run terraform validate", e.to_string()),
    };
    let found = validate_diagnostics(dir, &String::from_utf8_lossy(&validate.stdout));
    if found.is_empty() && !validate.status.success() {
        let text = String::from_utf8_lossy(&validate.stderr).into_owned();
        return failed(
            "read terraform validate's result",
            format!("terraform validate failed: {}", error_text(&text)),
        );
    }
    found
}

/// The errors and warnings of `terraform validate -json`, each at the module's own file and
/// line; a warning is a `terraform-warning`, which does not fail the build.
pub(super) fn validate_diagnostics(dir: &Path, json: &str) -> Vec<Diagnostic> {
    let Ok(result) = serde_json::from_str::<Value>(json) else {
        return Vec::new();
    };
    let empty = Vec::new();
    let diagnostics = result["diagnostics"].as_array().unwrap_or(&empty);
    diagnostics
        .iter()
        .filter(|d| d["severity"] == "error" || d["severity"] == "warning")
        .map(|d| {
            let warning = d["severity"] == "warning";
            let summary = d["summary"].as_str().unwrap_or("error");
            let detail = one_line(d["detail"].as_str().unwrap_or_default());
            let message = if detail.is_empty() {
                format!("terraform validate: {summary}")
            } else {
                format!("terraform validate: {summary}: {detail}")
            };
            let at = d["address"].as_str().unwrap_or("terraform validate");
            let range = &d["range"];
            let file = range["filename"].as_str().map(|name| dir.join(name));
            let help = match &file {
                Some(file) if !generated(file) && warning => {
                    "gen-tf did not write this file; Terraform's detail says what to change"
                }
                Some(file) if !generated(file) => {
                    "gen-tf did not write this file; fix it, or move it out of the module directory"
                }
                _ => {
                    "gen-tf checks its output against AWS provider 5.100 and 6.25 before writing \
                     it, so this is a gen-tf bug or a provider release it has not been checked \
                     against; please report it with the stack and `terraform version`"
                }
            };
            let rule = if warning {
                &TERRAFORM_WARNING
            } else {
                &TERRAFORM_VALIDATE
            };
            let mut out = Diagnostic::new(rule, at, message).help(help);
            out.file = file.as_deref().unwrap_or(dir).display().to_string();
            out.line = range["start"]["line"]
                .as_u64()
                .and_then(|l| usize::try_from(l).ok());
            out
        })
        .collect()
}

/// Whether `path` starts with gen-tf's header (`#` in HCL, the `//` key in JSON).
fn generated(path: &Path) -> bool {
    let header = crate::emit::HEADER.trim_start_matches("# ");
    crate::load::read_head(path, 256)
        .is_ok_and(|head| String::from_utf8_lossy(&head).contains(header))
}

/// Terraform's errors in full, on one line: from its first `Error:` line to the end (else the
/// whole text), clipped only past 8,000 characters.
fn error_text(text: &str) -> String {
    let from = text.find("Error:").unwrap_or(0);
    crate::diag::clip(&one_line(&text[from..]), 8_000)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The files Terraform reads that gen-tf wrote: `.tf` and `.tf.json` files with gen-tf's header,
/// and the dependency lock file. Never a hand-written `.tf` file (it could name a remote module
/// that `init` would download), the README, a `.terraform` directory or state.
fn copy_module(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let wanted = ((name.ends_with(".tf") || name.ends_with(".tf.json"))
            && crate::write::is_generated(&entry.path()))
            || name == ".terraform.lock.hcl";
        if wanted && entry.file_type()?.is_file() {
            fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `terraform validate -json` of Terraform 1.11.4 on a module with two broken arguments
    /// (snippets left out), plus a warning and an error without a range.
    const VALIDATE_JSON: &str = r#"{"format_version": "1.0", "valid": false, "error_count": 3, "warning_count": 1, "diagnostics": [
      {"severity": "error", "summary": "Unsupported argument", "detail": "An argument named \"nonsense\" is not expected here.", "range": {"filename": "broken.tf", "start": {"line": 6, "column": 3, "byte": 126}, "end": {"line": 6, "column": 11, "byte": 134}}},
      {"severity": "warning", "summary": "Deprecated attribute", "detail": "The attribute \"name\" is deprecated.", "range": {"filename": "web.tf", "start": {"line": 9, "column": 1, "byte": 1}, "end": {"line": 9, "column": 2, "byte": 2}}},
      {"severity": "error", "summary": "Incorrect attribute value type", "detail": "Inappropriate value for attribute \"retention_in_days\":\n  a number is required.", "range": {"filename": "broken.tf", "start": {"line": 2, "column": 23, "byte": 68}, "end": {"line": 2, "column": 30, "byte": 75}}},
      {"severity": "error", "summary": "Invalid provider configuration", "detail": ""}
    ]}"#;

    #[test]
    fn each_validate_error_is_a_diagnostic_at_the_module_file_and_line() {
        let dir = Path::new("/nowhere/modules/shop");
        let found: Vec<(String, Option<usize>, String)> = validate_diagnostics(dir, VALIDATE_JSON)
            .into_iter()
            .map(|d| (d.file, d.line, d.message))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/nowhere/modules/shop/broken.tf".to_owned(),
                    Some(6),
                    "terraform validate: Unsupported argument: An argument named \"nonsense\" is \
                     not expected here."
                        .to_owned()
                ),
                (
                    "/nowhere/modules/shop/web.tf".to_owned(),
                    Some(9),
                    "terraform validate: Deprecated attribute: The attribute \"name\" is \
                     deprecated."
                        .to_owned()
                ),
                (
                    "/nowhere/modules/shop/broken.tf".to_owned(),
                    Some(2),
                    "terraform validate: Incorrect attribute value type: Inappropriate value for \
                     attribute \"retention_in_days\": a number is required."
                        .to_owned()
                ),
                (
                    "/nowhere/modules/shop".to_owned(),
                    None,
                    "terraform validate: Invalid provider configuration".to_owned()
                ),
            ]
        );
        assert!(validate_diagnostics(dir, "not JSON").is_empty());
    }

    #[test]
    fn init_errors_are_shown_in_full_from_the_first_error() {
        let stderr = "\nInitializing provider plugins...\n\nError: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider\nhashicorp/aws: no available releases match the given constraints >= 6.11.0\n\nTo see which modules are currently depending on hashicorp/aws, run terraform providers.\n";
        assert_eq!(
            error_text(stderr),
            "Error: Failed to query available provider packages Could not retrieve the list of \
             available versions for provider hashicorp/aws: no available releases match the \
             given constraints >= 6.11.0 To see which modules are currently depending on \
             hashicorp/aws, run terraform providers."
        );
    }
}

//! `gen-tf check`: build in memory and compare with the output root. Never writes.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::args::CheckArgs;
use super::compile::{self, cache_note, output_files, stale_files};
use super::eprint;
use super::error::CliError;
use super::plan::Plan;
use crate::report::Style;

/// Files that differ from the build, with a unified diff of all of them.
#[derive(Default)]
struct Drift {
    /// `(path, "stale" | "missing" | "extra")`.
    files: Vec<(String, &'static str)>,
    diff: String,
}

impl Drift {
    fn add(&mut self, path: &Path, old: &str, new: &str, why: &'static str) {
        let label = path.display().to_string();
        let d = similar::TextDiff::from_lines(old, new);
        self.diff.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&label, &label)
                .to_string(),
        );
        self.files.push((label, why));
    }
}

pub fn check(args: &CheckArgs, style: Style, deny_warnings: bool) -> Result<(), CliError> {
    let plan = Plan::new(&args.input, args.output.out.as_deref())?;
    if plan.out == "-" {
        return Err(CliError::CheckToStdout);
    }
    let units = compile::compile(&plan, style, deny_warnings)?;
    let root = PathBuf::from(&plan.out);
    let files = output_files(&units.units);
    let mut drift = Drift::default();
    for (rel, want) in &files {
        let path = root.join(rel);
        let have = std::fs::read_to_string(&path).ok();
        if have.as_deref() != Some(want.as_str()) {
            let why = if have.is_none() { "missing" } else { "stale" };
            drift.add(&path, have.as_deref().unwrap_or(""), want, why);
        }
    }
    let extra = if args.output.no_prune || plan.partial {
        Vec::new()
    } else {
        stale_files(&plan, &root, &files).map_err(|source| CliError::Read {
            path: root.clone(),
            source,
        })?
    };
    for rel in &extra {
        let path = root.join(rel);
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        drift.add(&path, &old, "", "extra");
    }
    if drift.files.is_empty() {
        eprint(&format!(
            "gen-tf: {} module(s) in sync with {}{}\n",
            units.units.len(),
            root.display(),
            cache_note(&units, &plan)
        ));
        return Ok(());
    }
    let _ = io::stdout().write_all(drift.diff.as_bytes());
    eprint(&format!(
        "gen-tf: {} file(s) out of date; run `gen-tf build` to update them:\n",
        drift.files.len()
    ));
    for (f, why) in &drift.files {
        eprint(&format!("  {why}: {f}\n"));
    }
    Err(CliError::Drift {
        count: drift.files.len(),
    })
}

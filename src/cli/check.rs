//! `gen-tf check`: build in memory and compare with the output root. Never writes.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::args::CheckArgs;
use super::compile::{self, cache_note, collisions, file_origins, output_files, stale_files};
use super::error::CliError;
use super::lock::{self, Mode};
use super::output::say;
use super::plan::Plan;
use crate::report::{self, MessageFormat, Style};
use crate::write::{self, State};

/// Files that differ from the build, with a unified diff of all of them.
#[derive(Default)]
struct Drift {
    /// `(path, "stale" | "missing" | "extra" | "leftover")`.
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

/// The existing content of `path` for a diff; a file too large or unreadable shows as a note.
fn old_text(path: &Path) -> String {
    write::read_output(path).unwrap_or_else(|e| format!("(not shown: {e})\n"))
}

pub fn check(args: &CheckArgs, style: Style, deny_warnings: bool) -> Result<(), CliError> {
    let plan = Plan::new(&args.input, args.output.out.as_deref())?;
    if plan.out == "-" {
        return Err(CliError::CheckToStdout);
    }
    let units = compile::compile(&plan, style, deny_warnings)?;
    let root = PathBuf::from(&plan.out);
    let files = output_files(&units.units);
    // No build writes while this one reads; a missing root has nothing to lock (or read).
    let _lock = if root.is_dir() {
        Some(lock::lock(&root, Mode::Shared, args.output.wait_lock)?)
    } else {
        None
    };
    let states = write::survey(&root, &files);
    let blocked = collisions(&root, &files, &file_origins(&units.units), &states);
    if !blocked.is_empty() {
        compile::print_all(&blocked, style);
        return Err(CliError::Diagnostics);
    }
    let mut drift = Drift::default();
    for ((rel, want), state) in files.iter().zip(&states) {
        let path = root.join(rel);
        match state {
            State::Missing => drift.add(&path, "", want, "missing"),
            State::Stale => drift.add(&path, &old_text(&path), want, "stale"),
            State::Unchanged | State::Blocked(_) => {}
        }
    }
    let mut stale = stale_files(&plan, &root, &files)?;
    if args.output.no_prune || plan.partial {
        stale.generated.clear();
    }
    for rel in &stale.generated {
        let path = root.join(rel);
        drift.add(&path, &old_text(&path), "", "extra");
    }
    for rel in &stale.temporary {
        drift
            .files
            .push((root.join(rel).display().to_string(), "leftover"));
    }
    if drift.files.is_empty() {
        say(&format!(
            "gen-tf: {} module(s) in sync with {}{}\n",
            units.units.len(),
            root.display(),
            cache_note(&units, &plan)
        ));
        return Ok(());
    }
    let _ = io::stdout().write_all(drift.diff.as_bytes());
    say(&format!(
        "gen-tf: {} file(s) out of date; run `gen-tf build` to update them:\n",
        drift.files.len()
    ));
    for (f, why) in &drift.files {
        say(&format!("  {why}: {f}\n"));
    }
    if style.format == MessageFormat::Github {
        for (f, why) in &drift.files {
            super::output::eprint(&report::github_file_error(
                f,
                "out-of-date",
                &format!("{f} is {why}: run `gen-tf build` and commit the result"),
            ));
        }
    }
    Err(CliError::Drift {
        count: drift.files.len(),
    })
}

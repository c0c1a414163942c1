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

/// Files that differ from the build, each with its unified diff.
#[derive(Default)]
struct Drift {
    /// `(path, "stale" | "missing" | "extra" | "leftover", diff)`.
    files: Vec<(String, &'static str, String)>,
}

impl Drift {
    fn add(&mut self, path: &Path, old: &str, new: &str, why: &'static str) {
        // Escaped like the list on stderr: a file name cannot act on the terminal.
        let label = crate::report::escape_controls(&path.display().to_string(), false).into_owned();
        let d = similar::TextDiff::from_lines(old, new);
        let diff = d
            .unified_diff()
            .context_radius(3)
            .header(&label, &label)
            .to_string();
        self.files.push((label, why, diff));
    }
}

/// The existing content of `path` for a diff; a file too large or unreadable shows as a note.
fn old_text(path: &Path) -> String {
    write::read_output(path).unwrap_or_else(|e| format!("(not shown: {e})\n"))
}

pub(super) fn check(args: &CheckArgs, style: Style, deny_warnings: bool) -> Result<(), CliError> {
    let plan = Plan::new(&args.input, args.output.out.as_deref())?;
    if plan.out == "-" {
        return Err(CliError::CheckToStdout);
    }
    let mut units = compile::compile(&plan, style, deny_warnings)?;
    let root = PathBuf::from(&plan.out);
    super::plan::check_output_root(&root)?;
    let files = output_files(&mut units.units);
    // No build writes while this one reads; a missing root has nothing to lock (or read).
    let _lock = if root.is_dir() {
        Some(lock::lock(&root, Mode::Shared, args.output.wait_lock)?)
    } else {
        None
    };
    let states = compile::survey(&plan, &root, &files, &units.units);
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
        drift.files.push((
            root.join(rel).display().to_string(),
            "leftover",
            String::new(),
        ));
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
    let count = drift.files.len();
    if style.format == MessageFormat::Json {
        // Every finding a record, as diagnostics are; the diff travels in the record, so stdout
        // stays empty.
        for (f, why, diff) in &drift.files {
            super::output::eprint(&report::json_file_error(
                f,
                why,
                &format!("{f} is {why}"),
                "run `gen-tf build` and commit the result",
                diff,
            ));
        }
        say(&format!("gen-tf: {count} file(s) out of date\n"));
        return Err(CliError::Drift { count });
    }
    let diff: String = drift.files.iter().map(|(_, _, d)| d.as_str()).collect();
    let _ = io::stdout().write_all(diff.as_bytes());
    say(&format!(
        "gen-tf: {count} file(s) out of date; run `gen-tf build` to update them:\n"
    ));
    for (f, why, _) in &drift.files {
        say(&format!("  {why}: {f}\n"));
    }
    if style.format == MessageFormat::Github {
        for (f, why, _) in &drift.files {
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

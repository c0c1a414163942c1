//! `gen-tf build`: compile, then write the modules (or print them with `-o -`) and prune the
//! generated files that no stack produces any more; with `--verify`, then run Terraform on them.

mod child;
mod verify;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::args::BuildArgs;
use super::compile::{self, cache_note, collisions, file_origins, output_files, stale_files};
use super::error::CliError;
use super::lock::{self, Mode};
use super::output::say;
use super::plan::Plan;
use crate::report::Style;
use crate::write;

pub(super) fn build(args: &BuildArgs, style: Style, deny_warnings: bool) -> Result<(), CliError> {
    let plan = Plan::new(&args.input, args.output.out.as_deref())?;
    // Before anything is built or written: --verify needs a directory and Terraform.
    let terraform = match (args.verify, plan.out == "-") {
        (false, _) => None,
        (true, true) => {
            return Err(CliError::Verify(
                "Terraform runs in the written modules, so it needs -o DIR, not -o -".to_owned(),
            ))
        }
        (true, false) => {
            let limit = child::timeout().map_err(CliError::Setting)?;
            // A signal ends Terraform (and removes temporary files) from here on.
            crate::interrupt::install();
            let bin = verify::find_terraform(limit).map_err(|e| CliError::Verify(e.0))?;
            Some((bin, limit))
        }
    };
    let mut units = compile::compile(&plan, style, deny_warnings)?;
    let files = output_files(&mut units.units);
    if plan.out == "-" {
        return print_files(&files);
    }
    let root = PathBuf::from(&plan.out);
    super::plan::check_output_root(&root)?;
    // From here on, an interrupt removes the temporary files and ends Terraform.
    crate::interrupt::install();
    std::fs::create_dir_all(&root).map_err(|source| CliError::CreateDir {
        path: root.clone(),
        source,
    })?;
    // From here to the end, no other gen-tf run looks at or writes this output root.
    let _lock = lock::lock(&root, Mode::Exclusive, args.output.wait_lock)?;
    let states = compile::survey(&plan, &root, &files, &units.units);
    let blocked = collisions(&root, &files, &file_origins(&units.units), &states);
    if !blocked.is_empty() {
        compile::print_all(&blocked, style);
        return Err(CliError::Diagnostics);
    }
    let mut stale = stale_files(&plan, &root, &files)?;
    if args.output.no_prune || plan.partial {
        stale.generated.clear();
    }
    // What Terraform will do, from the previous output on disk and the new files.
    let unchanged: Vec<bool> = states
        .iter()
        .map(|s| *s == write::State::Unchanged)
        .collect();
    let predicted =
        crate::diff::disk::summary_surveyed(&root, &files, &unchanged, &stale.generated);
    let report = write::commit(&root, &files, &states)?;
    write::prune(&root, &stale.temporary)?;
    write::prune(&root, &stale.generated)?;
    let removed: Vec<PathBuf> = stale.generated.into_iter().chain(stale.temporary).collect();
    say(&format!(
        "gen-tf: {} module(s), {} file(s) written, {} unchanged, {} removed in {}{}\n",
        units.units.len(),
        report.written.len(),
        report.unchanged.len(),
        removed.len(),
        root.display(),
        cache_note(&units, &plan),
    ));
    if !(report.written.is_empty() && removed.is_empty()) {
        say(&format!(
            "gen-tf: terraform will see: {} (gen-tf diff --base REV tells why)\n",
            predicted.line()
        ));
    }
    if let Some((terraform, limit)) = terraform {
        let dirs: Vec<PathBuf> = units.units.iter().map(|u| root.join(&u.dir)).collect();
        let found = verify::verify(&terraform, &dirs, plan.jobs, limit);
        compile::print_all(&found, style);
        say(&format!(
            "gen-tf: terraform init and validate: {} of {} module(s) passed\n",
            dirs.len() - failed_modules(&dirs, &found),
            dirs.len(),
        ));
        // Terraform's warnings fail the build only under --deny-warnings.
        if found.iter().any(crate::diag::Diagnostic::is_error)
            || (deny_warnings && !found.is_empty())
        {
            return Err(CliError::Diagnostics);
        }
    }
    if args.fail_on_change && !(report.written.is_empty() && removed.is_empty()) {
        list_changes(&root, &report.written, &removed);
        return Err(CliError::Changed {
            count: report.written.len() + removed.len(),
        });
    }
    Ok(())
}

/// How many of `dirs` have at least one of the diagnostics.
fn failed_modules(dirs: &[PathBuf], found: &[crate::diag::Diagnostic]) -> usize {
    dirs.iter()
        .filter(|dir| {
            found
                .iter()
                .any(|d| d.is_error() && Path::new(&d.file).starts_with(dir))
        })
        .count()
}

/// `-o -`: every Terraform file with a `# File:` line before it; READMEs are left out.
fn print_files(files: &[(PathBuf, String)]) -> Result<(), CliError> {
    let mut stdout = io::stdout().lock();
    for (path, content) in files {
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let r = writeln!(stdout, "# File: {}", path.display())
            .and_then(|()| stdout.write_all(content.as_bytes()));
        match r {
            Ok(()) => {}
            // A closed pipe (`gen-tf build -o - | head`) is not a failure.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(CliError::Stdout(e)),
        }
    }
    Ok(())
}

fn list_changes(root: &Path, written: &[PathBuf], removed: &[PathBuf]) {
    say("gen-tf: the build changed these files; review and stage them:\n");
    for p in written {
        say(&format!("  written: {}\n", p.display()));
    }
    for p in removed {
        say(&format!("  removed: {}\n", root.join(p).display()));
    }
}

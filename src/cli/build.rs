//! `gen-tf build`: compile, then write the modules (or print them with `-o -`) and prune the
//! generated files that no stack produces any more.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::args::BuildArgs;
use super::compile::{self, cache_note, output_files, stale_files};
use super::eprint;
use super::error::CliError;
use super::plan::Plan;
use crate::report::Style;
use crate::write;

pub fn build(args: &BuildArgs, style: Style, deny_warnings: bool) -> Result<(), CliError> {
    let plan = Plan::new(&args.input, args.output.out.as_deref())?;
    let units = compile::compile(&plan, style, deny_warnings)?;
    let files = output_files(&units.units);
    if plan.out == "-" {
        return print_files(&files);
    }
    let root = PathBuf::from(&plan.out);
    let result = write::write_tree(&root, &files).and_then(|report| {
        let stale = if args.output.no_prune || plan.partial {
            Vec::new()
        } else {
            stale_files(&plan, &root, &files)?
        };
        write::prune(&root, &stale)?;
        Ok((report, stale))
    });
    let (report, removed) = result.map_err(|source| CliError::Write {
        path: root.clone(),
        source,
    })?;
    eprint(&format!(
        "gen-tf: {} module(s), {} file(s) written, {} unchanged, {} removed in {}{}\n",
        units.units.len(),
        report.written.len(),
        report.unchanged.len(),
        removed.len(),
        root.display(),
        cache_note(&units, &plan),
    ));
    if args.fail_on_change && !(report.written.is_empty() && removed.is_empty()) {
        list_changes(&root, &report.written, &removed);
        return Err(CliError::Changed {
            count: report.written.len() + removed.len(),
        });
    }
    Ok(())
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
    eprint("gen-tf: the build changed these files; review and stage them:\n");
    for p in written {
        eprint(&format!("  written: {}\n", p.display()));
    }
    for p in removed {
        eprint(&format!("  removed: {}\n", root.join(p).display()));
    }
}

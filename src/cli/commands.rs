//! The smaller commands: `validate`, `list`, `init`, `schema` and `explain`.

use std::io::{self, Write};
use std::path::Path;

use super::args::{InitArgs, InputArgs, ListArgs};
use super::compile;
use super::error::CliError;
use super::output::{eprint, print_stdout};
use super::plan::Plan;
use crate::project;
use crate::report::Style;
use crate::validate::rules;

pub(super) fn validate(
    args: &InputArgs,
    style: Style,
    deny_warnings: bool,
) -> Result<(), CliError> {
    let plan = Plan::new(args, None)?;
    let units = compile::compile(&plan, style, deny_warnings)?;
    eprint(&format!("gen-tf: {} module(s) valid\n", units.units.len()));
    Ok(())
}

/// One row of `gen-tf list`.
#[derive(serde::Serialize)]
struct Row {
    stack: String,
    env: Option<String>,
    path: String,
    out: String,
}

pub(super) fn list(args: &ListArgs, style: Style, deny_warnings: bool) -> Result<(), CliError> {
    let plan = Plan::new(&args.input, args.out.as_deref())?;
    let units = compile::compile(&plan, style, deny_warnings)?;
    let rows: Vec<Row> = units
        .units
        .iter()
        .map(|u| Row {
            stack: u.compiled.name.clone(),
            env: plan.env(u.target).map(str::to_owned),
            path: u.compiled.stack_file.display().to_string(),
            out: Path::new(&plan.out).join(&u.dir).display().to_string(),
        })
        .collect();
    let text = if args.json {
        let mut s = serde_json::to_string(&rows).unwrap_or_default();
        s.push('\n');
        s
    } else {
        table(&rows)
    };
    print_stdout(&text)
}

/// The rows as aligned columns under a header.
fn table(rows: &[Row]) -> String {
    let width = |f: fn(&Row) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let (ws, we, wp) = (
        width(|r| r.stack.len()).max(5),
        width(|r| r.env.as_deref().map_or(1, str::len)).max(3),
        width(|r| r.path.len()).max(4),
    );
    let mut s = format!("{:ws$}  {:we$}  {:wp$}  out\n", "stack", "env", "path");
    for r in rows {
        s.push_str(&format!(
            "{:ws$}  {:we$}  {:wp$}  {}\n",
            r.stack,
            r.env.as_deref().unwrap_or("-"),
            r.path,
            r.out
        ));
    }
    s
}

pub(super) fn init(args: &InitArgs) -> Result<(), CliError> {
    let hooks = args
        .hooks_repo
        .as_deref()
        .map(|r| (r, args.hooks_rev.as_str()));
    let mut created = 0;
    for (rel, text) in project::scaffold(hooks) {
        let path = args.dir.join(rel);
        refuse_symlinks_below(&args.dir, Path::new(rel))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| CliError::CreateDir {
                path: parent.to_owned(),
                source,
            })?;
        }
        // `create_new` refuses an existing file atomically, so init never overwrites, even racing
        // another process.
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        match result {
            Ok(()) => {
                created += 1;
                eprint(&format!("  created {}\n", path.display()));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                eprint(&format!("  kept    {} (exists)\n", path.display()));
            }
            Err(source) => return Err(CliError::Write { path, source }),
        }
    }
    eprint(&init_summary(created, &args.dir));
    if let Some((repo, rev)) = hooks {
        eprint(&format!(
            "note: .pre-commit-config.yaml pins {repo} at `{rev}`; pre-commit fails unless that \
             repository has this tag or commit (pin another with --hooks-rev REV)\n"
        ));
    }
    Ok(())
}

/// What `init` did, naming the directory (absolute, so that `.` reads as a place), and the
/// next steps: `cd` there unless it is the current directory, `git init` unless it is inside a
/// git repository already (`pre-commit install` needs one), then build and install the hooks.
fn init_summary(created: usize, dir: &Path) -> String {
    let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    let mut steps = Vec::new();
    let here = std::env::current_dir().ok();
    if here.as_deref() != std::fs::canonicalize(dir).ok().as_deref() {
        steps.push(format!("`cd {}`", dir.display()));
    }
    let in_git = std::fs::canonicalize(dir)
        .ok()
        .is_some_and(|d| d.ancestors().any(|a| a.join(".git").exists()));
    if !in_git {
        steps.push("`git init` (pre-commit needs a git repository)".to_owned());
    }
    steps.push("`gen-tf build`".to_owned());
    steps.push("`pre-commit install`".to_owned());
    format!(
        "gen-tf: {created} file(s) created in {}\nNext: {}.\n",
        shown.display(),
        steps.join(", then ")
    )
}

/// A directory between `dir` and the file `rel` that is a symlink would put the scaffold
/// wherever it points: refused, like a symlink inside the output directory.
fn refuse_symlinks_below(dir: &Path, rel: &Path) -> Result<(), CliError> {
    let mut at = dir.to_owned();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(CliError::OutputRoot(format!(
                "{} is a symlink; gen-tf init does not write through it: remove it, or run \
                 init where it points",
                crate::report::escape_controls(&at.display().to_string(), false)
            )));
        }
    }
    Ok(())
}

/// The JSON Schema of the stack format, as committed in `schemas/stack.schema.json`.
pub(crate) fn schema_text() -> String {
    let schema = schemars::schema_for!(crate::model::Stack);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

pub(super) fn explain(code: &str) -> Result<(), CliError> {
    let Some(r) = rules::find(code) else {
        let known: Vec<&'static str> = rules::all().map(|r| r.code).collect();
        return Err(CliError::UnknownRule {
            code: code.to_owned(),
            suggestion: crate::diag::did_you_mean(code, known.iter().copied()).map(str::to_owned),
            known,
        });
    };
    let forms = crate::validate::arn_forms::explain(r.code);
    let forms = if forms.is_empty() {
        String::new()
    } else {
        format!("\n\nARN forms:\n{}", forms.trim_end())
    };
    println!(
        "{} ({})\n\n{}\n\nWhy: {}{forms}\n\nSource: {}",
        r.code, r.severity, r.summary, r.fact, r.source
    );
    Ok(())
}

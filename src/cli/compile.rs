//! The plan's stacks compiled through [`batch`], with every diagnostic printed once, in a fixed
//! order, and the files that the successful units produce.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::eprint;
use super::error::CliError;
use super::plan::Plan;
use crate::batch::{self, Unit};
use crate::diag::{core, Diagnostic};
use crate::pipeline::Failure;
use crate::report::{self, MessageFormat, Style};
use crate::write;

/// Every stack compiled for every target.
pub struct Units {
    pub units: Vec<Unit>,
    /// How many of them the cache answered.
    pub from_cache: usize,
}

/// Prints diagnostics once each (the same finding in every environment is one finding), with
/// the environment noted when there is more than one.
struct Reporter {
    style: Style,
    multi_env: bool,
    printed: BTreeSet<String>,
}

impl Reporter {
    fn print(&mut self, text: String, env: Option<&str>) {
        let text = match env {
            Some(env) if self.multi_env && self.style.format == MessageFormat::Human => {
                format!("{text}  = note: in environment `{env}`\n")
            }
            _ => text,
        };
        if self.printed.insert(text.clone()) {
            eprint(&text);
        }
    }
}

/// Compiles every stack for every target and prints every diagnostic. Fails (after printing)
/// when any stack is unreadable or has errors, when warnings are denied and there are some, or
/// when two stacks would write one module directory.
pub fn compile(plan: &Plan, style: Style, deny_warnings: bool) -> Result<Units, CliError> {
    let outcomes = batch::compile(&plan.stacks, &plan.targets, plan.cache.as_ref(), plan.jobs);
    let mut reporter = Reporter {
        style,
        multi_env: plan.targets.len() > 1,
        printed: BTreeSet::new(),
    };
    let (mut failed, mut unreadable) = (false, false);
    let mut units = Vec::new();
    let mut from_cache = 0;
    for outcome in outcomes {
        let env = plan.env(outcome.target);
        match outcome.result {
            Ok(compiled) => {
                for w in &compiled.warnings {
                    reporter.print(report::diagnostic(w, style), env);
                }
                failed |= deny_warnings && !compiled.warnings.is_empty();
                from_cache += usize::from(outcome.cached);
                units.push(Unit {
                    target: outcome.target,
                    dir: plan.layout.dir(&compiled.name, env),
                    compiled,
                });
            }
            Err(Failure::Load(e)) => {
                reporter.print(report::load_error(&e, style), env);
                unreadable |= report::load_is_io(&e);
                failed = true;
            }
            Err(Failure::Diagnostics(ds)) => {
                for d in &ds {
                    reporter.print(report::diagnostic(d, style), env);
                }
                failed = true;
            }
        }
    }
    for (i, d) in batch::duplicate_stacks(&units) {
        reporter.print(report::diagnostic(&d, style), plan.env(units[i].target));
        failed = true;
    }
    match (unreadable, failed) {
        (true, _) => Err(CliError::Unreadable),
        (false, true) => Err(CliError::Diagnostics),
        (false, false) => Ok(Units { units, from_cache }),
    }
}

/// `f` of every unit's every file (unit, file name, content), in output order.
fn per_file<'a, T>(units: &'a [Unit], f: impl Fn(&'a Unit, &'a str, &'a str) -> T) -> Vec<T> {
    units
        .iter()
        .flat_map(|u| u.compiled.files.iter().map(move |(n, c)| (u, n, c)))
        .map(|(u, name, content)| f(u, name, content))
        .collect()
}

/// Every compiled file, relative to the output root.
pub fn output_files(units: &[Unit]) -> Vec<(PathBuf, String)> {
    per_file(units, |u, name, content| {
        (u.dir.join(name), content.to_owned())
    })
}

/// Under the output root, in the module directories of the environments being built: generated
/// files that no unit produces, and temporary files of killed runs.
pub fn stale_files(
    plan: &Plan,
    root: &Path,
    files: &[(PathBuf, String)],
) -> Result<write::Stale, write::FsError> {
    let keep: BTreeSet<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let envs = plan.env_names();
    let depth = plan.layout.dir("x", Some("x")).components().count();
    write::find_stale(
        root,
        &keep,
        depth,
        |d| plan.layout.may_hold(d, &envs),
        |d| plan.layout.owns(d, &envs),
    )
}

/// Every unit's files as the stack file and field that make each, for messages about them.
pub fn file_origins(units: &[Unit]) -> Vec<(&Path, String)> {
    per_file(units, |u, name, _| {
        (u.compiled.stack_file.as_path(), field_of(name))
    })
}

/// The stack field a module file comes from: `services.<name>` for a service's file, `cluster`
/// and `vpc_endpoints` for theirs, the stack itself (``) for the files every module has. This
/// follows `lower`'s file names; services cannot take the module-wide names (`reserved-name`).
fn field_of(file: &str) -> String {
    let stem = [".tf.json", ".tf", ".md"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))
        .unwrap_or(file);
    match stem {
        "cluster" | "vpc_endpoints" => stem.to_owned(),
        "README" | "versions" | "variables" | "outputs" | "data" => String::new(),
        s if s.contains('_') => String::new(),
        s => format!("services.{s}"),
    }
}

/// The `hand-written-file` error for each file gen-tf will not write over.
pub fn collisions(
    root: &Path,
    files: &[(PathBuf, String)],
    origins: &[(&Path, String)],
    states: &[write::State],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (((rel, _), (stack, field)), state) in files.iter().zip(origins).zip(states) {
        let write::State::Blocked(why) = state else {
            continue;
        };
        let path = root.join(rel);
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let help = match (why, field.strip_prefix("services.")) {
            (write::Collision::HandWritten, Some(service)) => format!(
                "rename service `{service}` (its file is {name}) or move the hand-written file away; if gen-tf wrote it and its header was removed, delete it and build again"
            ),
            (write::Collision::HandWritten, None) => format!(
                "move the hand-written {name} away: gen-tf writes it in this module; if gen-tf wrote it and its header was removed, delete it and build again"
            ),
            _ => "remove or move it; gen-tf writes only regular files in real directories inside the output directory".to_owned(),
        };
        let mut d = Diagnostic::new(
            &core::HAND_WRITTEN_FILE,
            field.clone(),
            format!(
                "{} {}; gen-tf will not write over it",
                path.display(),
                why.describe()
            ),
        )
        .help(help);
        d.file = stack.display().to_string();
        found.push(d);
    }
    found
}

/// Prints diagnostics found after compiling, such as collisions.
pub fn print_all(diagnostics: &[Diagnostic], style: Style) {
    for d in diagnostics {
        eprint(&report::diagnostic(d, style));
    }
}

/// ` (N from cache)` when the cache is on, for the summary line.
pub fn cache_note(units: &Units, plan: &Plan) -> String {
    match &plan.cache {
        Some(_) => format!(" ({} from cache)", units.from_cache),
        None => String::new(),
    }
}

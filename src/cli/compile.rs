//! The plan's stacks compiled through [`batch`], with every diagnostic printed once, in a fixed
//! order, and the files that the successful units produce.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use super::eprint;
use super::error::CliError;
use super::plan::Plan;
use crate::batch::{self, Unit};
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

/// Every compiled file, relative to the output root.
pub fn output_files(units: &[Unit]) -> Vec<(PathBuf, String)> {
    units
        .iter()
        .flat_map(|u| {
            u.compiled
                .files
                .iter()
                .map(move |(name, content)| (u.dir.join(name), content.clone()))
        })
        .collect()
}

/// Generated files under the output root that no unit produces, in the module directories of
/// the environments being built.
pub fn stale_files(
    plan: &Plan,
    root: &Path,
    files: &[(PathBuf, String)],
) -> io::Result<Vec<PathBuf>> {
    let keep: BTreeSet<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let envs = plan.env_names();
    let depth = plan.layout.dir("x", Some("x")).components().count();
    write::find_stale(root, &keep, depth, |d| plan.layout.owns(d, &envs))
}

/// ` (N from cache)` when the cache is on, for the summary line.
pub fn cache_note(units: &Units, plan: &Plan) -> String {
    match &plan.cache {
        Some(_) => format!(" ({} from cache)", units.from_cache),
        None => String::new(),
    }
}

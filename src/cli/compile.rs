//! The plan's stacks compiled (or only checked) through [`batch`], with every diagnostic printed
//! once, in a fixed order, and the files that the successful units produce.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::error::CliError;
use super::output::eprint;
use super::plan::Plan;
use crate::batch::{self, Unit};
use crate::diag::{core, Diagnostic};
use crate::load::LoadError;
use crate::pipeline::{Checked, Compiled, Failure};
use crate::report::{self, Style};
use crate::write;

/// Every stack compiled for every target.
pub(super) struct Units {
    pub units: Vec<Unit>,
    /// How many of them the cache answered.
    pub from_cache: usize,
}

/// One finding, before it is printed.
enum Finding {
    Diagnostic(Diagnostic),
    Load(LoadError),
}

/// Prints diagnostics once each: a finding identical in several environments (same code,
/// file, place, message and help) is one finding, printed once with the environments it is in
/// (`= note: in environments dev, stg, prd`) when more than one environment is built. Findings
/// keep the order in which they were first seen.
struct Reporter {
    style: Style,
    multi_env: bool,
    /// Each finding and its environments, in order.
    findings: Vec<(Finding, Vec<String>)>,
    /// The key that makes two findings the same (all their fields) -> index in `findings`.
    seen: HashMap<String, usize>,
    /// The stacks each load finding came from, when the error is in a file they import: one
    /// error in a shared `.libsonnet` is printed once, naming every stack that imports it.
    importers: HashMap<usize, Vec<String>>,
    /// Warnings that fail the run under `--deny-warnings`.
    denied: usize,
    /// Some stack has errors, or warnings under `--deny-warnings`.
    failed: bool,
    /// Some stack file could not be read at all.
    unreadable: bool,
}

impl Reporter {
    fn new(plan: &Plan, style: Style) -> Self {
        Self {
            style,
            multi_env: plan.targets.len() > 1,
            findings: Vec::new(),
            seen: HashMap::new(),
            importers: HashMap::new(),
            denied: 0,
            failed: false,
            unreadable: false,
        }
    }

    /// Records a finding of `env`, to be printed by [`Reporter::finish`].
    fn add(&mut self, finding: Finding, env: Option<&str>) {
        // Every field, unclipped: findings that differ anywhere stay apart.
        let (key, importer) = match &finding {
            Finding::Diagnostic(d) => (serde_json::to_string(d).unwrap_or_default(), None),
            Finding::Load(e) => match report::imported_error_key(e) {
                Some(key) => (key, Some(e.path().display().to_string())),
                None => (format!("load {e:?}"), None),
            },
        };
        let env = env.filter(|_| self.multi_env).map(str::to_owned);
        let i = match self.seen.get(&key) {
            Some(&i) => {
                let envs = &mut self.findings[i].1;
                envs.extend(env.filter(|e| !envs.contains(e)));
                i
            }
            None => {
                self.seen.insert(key, self.findings.len());
                self.findings.push((finding, env.into_iter().collect()));
                self.findings.len() - 1
            }
        };
        if let Some(stack) = importer {
            let stacks = self.importers.entry(i).or_default();
            if !stacks.contains(&stack) {
                stacks.push(stack);
            }
        }
    }

    /// Prints an outcome's diagnostics and returns its value when it has one; `warnings` are a
    /// success's own diagnostics.
    fn outcome<T>(
        &mut self,
        result: Result<T, Failure>,
        env: Option<&str>,
        deny_warnings: bool,
        warnings: fn(&T) -> &[Diagnostic],
    ) -> Option<T> {
        match result {
            Ok(value) => {
                for w in warnings(&value) {
                    self.add(Finding::Diagnostic(w.clone()), env);
                }
                if deny_warnings {
                    self.denied += warnings(&value).len();
                }
                self.failed |= deny_warnings && !warnings(&value).is_empty();
                Some(value)
            }
            Err(Failure::Load(e)) => {
                self.unreadable |= report::load_is_io(&e);
                self.add(Finding::Load(e), env);
                self.failed = true;
                None
            }
            Err(Failure::Diagnostics(ds)) => {
                for d in ds {
                    self.add(Finding::Diagnostic(d), env);
                }
                self.failed = true;
                None
            }
        }
    }

    /// Prints every finding, then gives `value` when no stack failed.
    fn finish<T>(self, value: T) -> Result<T, CliError> {
        for (i, (finding, envs)) in self.findings.iter().enumerate() {
            let stacks = self.importers.get(&i).map_or(&[][..], Vec::as_slice);
            eprint(&match finding {
                Finding::Diagnostic(d) => report::diagnostic_in(d, self.style, envs),
                Finding::Load(e) if stacks.len() > 1 => {
                    report::imported_error(e, self.style, envs, stacks)
                }
                Finding::Load(e) => report::load_error_in(e, self.style, envs),
            });
        }
        if self.failed && self.denied > 0 {
            super::output::say(&format!(
                "gen-tf: failing on {} warning(s): --deny-warnings treats warnings as errors\n",
                self.denied
            ));
        }
        match (self.unreadable, self.failed) {
            (true, _) => Err(CliError::Unreadable),
            (false, true) => Err(CliError::Diagnostics),
            (false, false) => Ok(value),
        }
    }
}

/// Compiles every stack for every target and prints every diagnostic. Fails (after printing)
/// when any stack is unreadable or has errors, when warnings are denied and there are some, or
/// when two stacks would write one module directory.
pub(super) fn compile(plan: &Plan, style: Style, deny_warnings: bool) -> Result<Units, CliError> {
    // With a platform, every stack is compiled with what the platform owns filled in, and the
    // platform and root modules come as outcomes too (src/platform).
    let (outcomes, across) = match &plan.platform {
        Some(file) => {
            let built = crate::platform::compile(file, &plan.stacks, &plan.targets, &plan.all_envs);
            (built.outcomes, Some(built.diagnostics))
        }
        None => (
            batch::compile(&plan.stacks, &plan.targets, plan.cache.as_ref(), plan.jobs),
            None,
        ),
    };
    let mut reporter = Reporter::new(plan, style);
    let mut units = Vec::new();
    let mut from_cache = 0;
    for outcome in outcomes {
        let env = plan.env(outcome.target);
        from_cache += usize::from(outcome.cached && outcome.result.is_ok());
        let warnings: fn(&Compiled) -> &[Diagnostic] = |c| &c.warnings;
        if let Some(compiled) = reporter.outcome(outcome.result, env, deny_warnings, warnings) {
            units.push(Unit {
                target: outcome.target,
                dir: plan.layout.dir(&compiled.name, env),
                compiled,
            });
        }
    }
    for (i, d) in batch::duplicate_stacks(&units) {
        reporter.add(Finding::Diagnostic(d), plan.env(units[i].target));
        reporter.failed = true;
    }
    // The checks across a project's modules: the platform's, or, without one, the same
    // checks over the stacks as they are.
    let across = match across {
        Some(found) => found,
        None if plan.project => {
            let refs: Vec<_> = units
                .iter()
                .map(|u| (u.target, &u.compiled, None))
                .collect();
            crate::platform::across(&refs, &plan.targets)
        }
        None => Vec::new(),
    };
    for (t, d) in across {
        reporter.add(Finding::Diagnostic(d), plan.env(t));
        reporter.failed = true;
    }
    reporter.finish(Units { units, from_cache })
}

/// A stack checked and resolved for one target.
pub(super) struct CheckedUnit {
    pub target: usize,
    pub stack: PathBuf,
    pub checked: Checked,
}

/// Checks and resolves every stack for every target and prints every diagnostic; fails as
/// [`compile`] does, except that stacks are not compared with each other.
pub(super) fn check(
    plan: &Plan,
    style: Style,
    deny_warnings: bool,
) -> Result<Vec<CheckedUnit>, CliError> {
    let mut reporter = Reporter::new(plan, style);
    let mut units = Vec::new();
    for outcome in batch::check(&plan.stacks, &plan.targets, plan.jobs) {
        let env = plan.env(outcome.target);
        let warnings: fn(&Checked) -> &[Diagnostic] = |c| &c.diagnostics;
        if let Some(checked) = reporter.outcome(outcome.result, env, deny_warnings, warnings) {
            units.push(CheckedUnit {
                target: outcome.target,
                stack: outcome.stack,
                checked,
            });
        }
    }
    reporter.finish(units)
}

/// `f` of every unit's every file (unit, file name, content), in output order.
fn per_file<'a, T>(units: &'a [Unit], f: impl Fn(&'a Unit, &'a str, &'a str) -> T) -> Vec<T> {
    units
        .iter()
        .flat_map(|u| u.compiled.files.iter().map(move |(n, c)| (u, n, c)))
        .map(|(u, name, content)| f(u, name, content))
        .collect()
}

/// Every compiled file, relative to the output root. Each file's text is moved out of the
/// units, not copied (12 MB for 1,000 services): afterwards the units keep their file names
/// and hashes, not their content.
pub(super) fn output_files(units: &mut [Unit]) -> Vec<(PathBuf, String)> {
    units
        .iter_mut()
        .flat_map(|u| {
            let dir = &u.dir;
            u.compiled
                .files
                .iter_mut()
                .map(move |(name, content)| (dir.join(name), std::mem::take(content)))
        })
        .collect()
}

/// The state of every output file under `root`, with the render cache's stat index when there
/// is a cache (told the hashes the cache already checked), which is then stored.
pub(super) fn survey(
    plan: &Plan,
    root: &Path,
    files: &[(PathBuf, String)],
    units: &[Unit],
) -> Vec<write::State> {
    let mut index = plan
        .cache
        .as_ref()
        .map(|c| write::index::StatIndex::load(c, root));
    if let Some(index) = index.as_mut() {
        for (rel, hash) in output_hashes(units) {
            index.know_wanted(rel, hash);
        }
    }
    let states = write::survey_indexed(root, files, index.as_mut());
    if let (Some(cache), Some(index)) = (&plan.cache, &index) {
        index.save(cache, root);
    }
    states
}

/// The SHA-256 of every compiled file whose hash is known (from the cache), relative to the
/// output root: the stat index then need not hash it.
fn output_hashes(units: &[Unit]) -> Vec<(PathBuf, String)> {
    units
        .iter()
        .filter(|u| u.compiled.sha256.len() == u.compiled.files.len())
        .flat_map(|u| {
            let c = &u.compiled;
            c.files
                .iter()
                .zip(&c.sha256)
                .map(|((name, _), hash)| (u.dir.join(name), hash.clone()))
        })
        .collect()
}

/// Under the output root, in the module directories of the environments being built: generated
/// files that no unit produces, and temporary files of killed runs.
pub(super) fn stale_files(
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
pub(super) fn file_origins(units: &[Unit]) -> Vec<(&Path, String)> {
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
pub(super) fn collisions(
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
pub(super) fn print_all(diagnostics: &[Diagnostic], style: Style) {
    for d in diagnostics {
        eprint(&report::diagnostic(d, style));
    }
}

/// ` (N from cache)` when the cache is on, for the summary line.
pub(super) fn cache_note(units: &Units, plan: &Plan) -> String {
    match &plan.cache {
        Some(_) => format!(" ({} from cache)", units.from_cache),
        None => String::new(),
    }
}

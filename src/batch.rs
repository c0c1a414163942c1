//! Many stacks at once: every stack for every target (environment), compiled in parallel with
//! the render cache (or only checked and resolved, for `gen-tf cost`), and the rule that needs all
//! of them (`duplicate-stack`).
//!
//! Results come back in a fixed order, target by target and stack by stack as given, whatever
//! the number of threads, so that everything printed or written from them is deterministic.
//! Reporting is the caller's job: this module returns diagnostics, it never prints them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cache::Cache;
use crate::diag::{core, Diagnostic};
use crate::pipeline::{self, Checked, Compiled, Failure, Options};

/// One environment to build every stack for (`env` is `None` without environments).
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub env: Option<String>,
    pub opts: Options,
}

/// One stack compiled for one target.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Index into the targets.
    pub target: usize,
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "the unit test checks outcomes come in the stacks' order"
        )
    )]
    pub stack: PathBuf,
    pub result: Result<Compiled, Failure>,
    /// The cache answered, so nothing was evaluated.
    pub cached: bool,
}

/// Compiles every stack for every target on up to `jobs` threads, through `cache` when given.
/// Outcomes come in the order of `targets`, then of `stacks`.
pub(crate) fn compile(
    stacks: &[PathBuf],
    targets: &[Target],
    cache: Option<&Cache>,
    jobs: usize,
) -> Vec<Outcome> {
    run(stacks, targets, jobs, |stack, target| {
        compile_one(stack, &target.opts, cache)
    })
    .into_iter()
    .map(|(target, stack, (result, cached))| Outcome {
        target,
        stack,
        result,
        cached,
    })
    .collect()
}

/// One stack checked and resolved, not lowered, for one target: what `gen-tf cost` reads.
pub(crate) struct CheckOutcome {
    /// Index into the targets.
    pub target: usize,
    pub stack: PathBuf,
    pub result: Result<Checked, Failure>,
}

/// Checks and resolves every stack for every target on up to `jobs` threads, in the order of
/// `targets`, then of `stacks`. Nothing is cached: the cache holds rendered files.
pub(crate) fn check(stacks: &[PathBuf], targets: &[Target], jobs: usize) -> Vec<CheckOutcome> {
    run(stacks, targets, jobs, |stack, target| {
        pipeline::check(stack, &target.opts)
    })
    .into_iter()
    .map(|(target, stack, result)| CheckOutcome {
        target,
        stack,
        result,
    })
    .collect()
}

/// `job` for every stack in every target, on up to `jobs` threads: `(target, stack, result)` in
/// the order of `targets`, then of `stacks`, whatever the number of threads.
fn run<T: Send>(
    stacks: &[PathBuf],
    targets: &[Target],
    jobs: usize,
    job: impl Fn(&Path, &Target) -> T + Sync,
) -> Vec<(usize, PathBuf, T)> {
    let work: Vec<(usize, &Path)> = (0..targets.len())
        .flat_map(|t| stacks.iter().map(move |s| (t, s.as_path())))
        .collect();
    let next = AtomicUsize::new(0);
    // Each thread takes the next job until none is left; results keep their job's index.
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(t, stack)) = work.get(i) else {
                return done;
            };
            done.push((i, job(stack, &targets[t])));
        }
    };
    let mut results = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..jobs.min(work.len())).map(|_| s.spawn(worker)).collect();
        let mut all = worker();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_by_key(|(i, _)| *i);
    results
        .into_iter()
        .map(|(i, result)| (work[i].0, work[i].1.to_owned(), result))
        .collect()
}

/// One compilation, from the cache when it has the answer. Only successes are stored.
fn compile_one(
    stack: &Path,
    opts: &Options,
    cache: Option<&Cache>,
) -> (Result<Compiled, Failure>, bool) {
    if let Some(hit) = cache.and_then(|c| c.get(stack, opts)) {
        return (Ok(hit), true);
    }
    let result = pipeline::compile(stack, opts);
    if let (Some(cache), Ok(compiled)) = (cache, &result) {
        // A cache that cannot be written only costs time on the next run.
        let _ = cache.put(stack, opts, compiled);
    }
    (result, false)
}

/// A compiled stack in one target, with the module directory it goes to.
#[derive(Debug)]
pub(crate) struct Unit {
    /// Index into the targets.
    pub target: usize,
    pub compiled: Compiled,
    /// The module directory, relative to the output root.
    pub dir: PathBuf,
}

/// The cross-stack rule `duplicate-stack`: two stacks with one name would write into one module
/// directory. Returns, for every unit after the first in a directory, its index in `units` and
/// the diagnostic.
pub(crate) fn duplicate_stacks(units: &[Unit]) -> Vec<(usize, Diagnostic)> {
    let mut seen: BTreeMap<&Path, &Path> = BTreeMap::new();
    let mut found = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let Some(first) = seen.insert(&u.dir, &u.compiled.stack_file) else {
            continue;
        };
        let mut d = Diagnostic::new(
            &core::DUPLICATE_STACK,
            "name",
            format!(
                "stack name `{}` is also used by {}",
                u.compiled.name,
                first.display()
            ),
        )
        .help("give every stack a unique `name`; it is the module directory");
        d.file = u.compiled.stack_file.display().to_string();
        found.push((i, d));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(dir: &Path, file: &str, name: &str) -> PathBuf {
        let path = dir.join(file);
        let text = format!(
            r#"{{"name": "{name}", "services": {{"api": {{"cpu": 256, "memory": 512}}}}}}"#
        );
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn outcomes_keep_their_order_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let stacks: Vec<PathBuf> = (0..7)
            .map(|i| stack(dir.path(), &format!("s{i}.json"), &format!("s{i}")))
            .collect();
        let targets: Vec<Target> = ["dev", "prd"]
            .iter()
            .map(|e| Target {
                env: Some((*e).to_owned()),
                opts: Options::default(),
            })
            .collect();
        for jobs in [1, 3, 16] {
            let outcomes = compile(&stacks, &targets, None, jobs);
            let order: Vec<(usize, String)> = outcomes
                .iter()
                .map(|o| (o.target, o.result.as_ref().unwrap().name.clone()))
                .collect();
            let want: Vec<(usize, String)> = (0..2)
                .flat_map(|t| (0..7).map(move |i| (t, format!("s{i}"))))
                .collect();
            assert_eq!(order, want, "jobs = {jobs}");
            assert!(outcomes.iter().zip(&stacks).all(|(o, s)| o.stack == *s));
        }
    }

    #[test]
    fn a_second_stack_with_one_name_is_a_duplicate() {
        let dir = tempfile::tempdir().unwrap();
        let stacks = [
            stack(dir.path(), "a.json", "same"),
            stack(dir.path(), "b.json", "other"),
            stack(dir.path(), "c.json", "same"),
        ];
        let target = Target {
            env: None,
            opts: Options::default(),
        };
        let units: Vec<Unit> = compile(&stacks, &[target], None, 2)
            .into_iter()
            .map(|o| {
                let compiled = o.result.unwrap();
                Unit {
                    target: o.target,
                    dir: PathBuf::from(&compiled.name),
                    compiled,
                }
            })
            .collect();
        let found = duplicate_stacks(&units);
        assert_eq!(found.len(), 1);
        let (i, d) = &found[0];
        assert_eq!(*i, 2);
        assert_eq!(d.code, "duplicate-stack");
        assert!(d.message.contains("a.json"), "{}", d.message);
        assert_eq!(d.file, stacks[2].display().to_string());
    }
}

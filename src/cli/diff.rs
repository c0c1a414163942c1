//! `gen-tf diff`: the plan's stacks (the working tree) against the same stacks at a git revision
//! (`--base`, read with `git archive` into a temporary directory) or in another checkout
//! (`--base-dir`), both checked and resolved, then compared by `crate::diff`.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use super::args::{DiffArgs, DiffFormatArg, StackArgs};
use super::compile::{self, CheckedUnit};
use super::error::CliError;
use super::output::{eprint, print_stdout};
use super::plan::Plan;
use crate::cost::{self, Prices};
use crate::diff::{self, report, Side};
use crate::report::Style;

/// A stack file larger than this is not read for annotation line numbers.
const TEXT_LIMIT: u64 = 16 << 20;

pub(super) fn diff(args: &DiffArgs, style: Style, deny: bool) -> Result<(), CliError> {
    let plan = Plan::for_stacks(&args.stacks, None, None)?;
    let after = compile::check(&plan, style, deny)?;

    // The base tree: a checkout given, or the revision extracted; `_tmp` lives until the end.
    let (_tmp, base_root) = match (&args.base_dir, &args.base) {
        (Some(dir), _) if dir.is_dir() => (None, dir.clone()),
        (Some(dir), _) => {
            return Err(CliError::Base(format!(
                "--base-dir {}: not a directory; give the root of the checkout to compare with",
                dir.display()
            )))
        }
        (None, Some(rev)) => {
            let (tmp, root) = extract(rev)?;
            (Some(tmp), root)
        }
        (None, None) => return Err(CliError::Base("give --base REV or --base-dir DIR".into())),
    };
    let before_args = rebase(&args.stacks, &plan, &base_root);
    let before = match before_args {
        None => Vec::new(),
        Some(a) => compile::check(&Plan::for_stacks(&a, None, None)?, style, deny)?,
    };

    let (prices, opts) = pricing(&plan)?;
    let side = |u: &CheckedUnit, root: Option<&Path>, with_text: bool| {
        let key = match root {
            Some(r) => u.stack.strip_prefix(r).unwrap_or(&u.stack).to_path_buf(),
            None => u.stack.clone(),
        };
        let text = with_text
            .then(|| crate::load::read_regular(&u.stack, TEXT_LIMIT).ok())
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        (
            key.display().to_string(),
            u.stack.display().to_string(),
            text,
        )
    };
    let after_sides: Vec<Side<'_>> = after
        .iter()
        .map(|u| {
            let (key, file, text) = side(u, None, true);
            Side {
                key,
                file,
                text,
                resolved: &u.checked.resolved,
            }
        })
        .collect();
    let before_sides: Vec<Side<'_>> = before
        .iter()
        .map(|u| {
            let (key, file, text) = side(u, Some(&base_root), false);
            Side {
                key,
                file,
                text,
                resolved: &u.checked.resolved,
            }
        })
        .collect();
    let stacks = diff::diff(&before_sides, &after_sides, &prices, &opts);

    let text = match args.format {
        DiffFormatArg::Human => report::human(&stacks),
        DiffFormatArg::Json => {
            let mut t = serde_json::to_string_pretty(&report::json(&stacks)).unwrap_or_default();
            t.push('\n');
            t
        }
        DiffFormatArg::Markdown => report::markdown(&stacks),
        DiffFormatArg::Github => report::github(&stacks, args.deny_risk),
    };
    print_stdout(&text)?;
    let risky = warn_risky(&stacks, args);
    if args.deny_risk && !risky.is_empty() {
        return Err(CliError::Risky { count: risky.len() });
    }
    Ok(())
}

/// The project's price file and assumptions, else the defaults.
fn pricing(plan: &Plan) -> Result<(Prices, cost::Options), CliError> {
    let prices = match &plan.cost.prices {
        Some(f) => Prices::load(f)?,
        None => Prices::embedded(),
    };
    let defaults = cost::Options::default();
    let opts = cost::Options {
        availability_zones: plan
            .cost
            .availability_zones
            .unwrap_or(defaults.availability_zones),
        default_region: plan.cost.region.clone().unwrap_or(defaults.default_region),
    };
    Ok((prices, opts))
}

/// Every risky change, written to stderr (as a warning, or an error with `--deny-risk`) unless
/// the GitHub annotations already carry them.
fn warn_risky(stacks: &[diff::StackDiff], args: &DiffArgs) -> Vec<String> {
    let risky: Vec<String> = stacks
        .iter()
        .flat_map(|s| {
            s.risky().map(move |r| {
                format!(
                    "{}: {} {}: {}",
                    s.title(),
                    r.address,
                    r.action.as_str(),
                    r.risk.words
                )
            })
        })
        .collect();
    if args.format != DiffFormatArg::Github {
        let level = if args.deny_risk { "error" } else { "warning" };
        for r in &risky {
            eprint(&crate::report::escape_controls(
                &format!("{level}: risky change: {r}\n"),
                true,
            ));
        }
    }
    risky
}

/// The stack arguments of the base tree: every path (the stacks, the project file) as named
/// here, under `root`. Stack files the base does not have are left out (they are new); `None`
/// when the base has none of them.
fn rebase(args: &StackArgs, plan: &Plan, root: &Path) -> Option<StackArgs> {
    let under = |p: &Path| -> PathBuf {
        let rel: PathBuf = p
            .components()
            .filter(|c| {
                !matches!(
                    c,
                    Component::RootDir | Component::Prefix(_) | Component::CurDir
                )
            })
            .collect();
        if p.is_absolute() {
            match std::env::current_dir()
                .ok()
                .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
            {
                Some(r) => root.join(r),
                None => root.join(rel),
            }
        } else {
            root.join(rel)
        }
    };
    let project = if args.no_project {
        None
    } else {
        args.project
            .clone()
            .or_else(crate::project::find)
            .map(|p| under(&p))
    };
    // A project of the base tree is used when it has one; the stack roots come from it.
    let project = project.filter(|p| p.is_file());
    let paths: Vec<PathBuf> = if args.paths.is_empty() && project.is_some() {
        Vec::new()
    } else if args.paths.is_empty() {
        plan.stacks
            .iter()
            .map(|p| under(p))
            .filter(|p| p.exists())
            .collect()
    } else {
        args.paths
            .iter()
            .map(|p| under(p))
            .filter(|p| p.exists())
            .collect()
    };
    if paths.is_empty() && project.is_none() {
        return None;
    }
    Some(StackArgs {
        paths,
        no_project: project.is_none(),
        project,
        ..args.clone()
    })
}

/// `git archive REV` of the repository the current directory is in, extracted into a temporary
/// directory; returns it and the directory in it that matches the current one.
fn extract(rev: &str) -> Result<(tempfile::TempDir, PathBuf), CliError> {
    let git = |args: &[&str]| -> Result<Vec<u8>, CliError> {
        let out = Command::new("git")
            .args(args)
            .output()
            .map_err(|e| CliError::Base(format!("--base: cannot run git: {e}")))?;
        if !out.status.success() {
            return Err(CliError::Base(format!(
                "--base {rev}: git {} failed: {}; give a branch, tag or commit this repository has (in CI, fetch the base branch first)",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(out.stdout)
    };
    let top = String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"])?)
        .trim()
        .to_owned();
    let prefix = String::from_utf8_lossy(&git(&["rev-parse", "--show-prefix"])?)
        .trim()
        .to_owned();
    let commit = String::from_utf8_lossy(&git(&[
        "rev-parse",
        "--verify",
        &format!("{rev}^{{commit}}"),
    ])?)
    .trim()
    .to_owned();
    let tmp = tempfile::Builder::new()
        .prefix("gen-tf-diff-")
        .tempdir()
        .map_err(|e| CliError::Base(format!("--base: cannot create a temporary directory: {e}")))?;
    let tar = tmp.path().join("base.tar");
    git(&[
        "-C",
        &top,
        "archive",
        "--format=tar",
        "-o",
        &tar.display().to_string(),
        &commit,
    ])?;
    let tree = tmp.path().join("tree");
    std::fs::create_dir(&tree).map_err(|e| CliError::CreateDir {
        path: tree.clone(),
        source: e,
    })?;
    let status = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(&tree)
        .status()
        .map_err(|e| CliError::Base(format!("--base: cannot run tar: {e}")))?;
    if !status.success() {
        return Err(CliError::Base(format!(
            "--base: tar could not extract {}",
            tar.display()
        )));
    }
    let root = tree.join(prefix);
    Ok((tmp, root))
}

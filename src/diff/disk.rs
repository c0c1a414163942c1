//! `gen-tf build`'s one-line summary of what Terraform will do, from the module files on disk
//! before the build (the previous output) and the files it is about to write. Both sides are
//! read the same way (HCL through hcl-rs, `.tf.json` as JSON) into Terraform's JSON shape, so a
//! resource whose text did not change compares equal, and one that did is judged by the same
//! ForceNew facts as `gen-tf diff`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::resources::{self, Written};
use super::Counts;

/// A module's files about to be written, and its files about to be removed.
type InDir<'a> = (Vec<&'a (PathBuf, String)>, Vec<&'a PathBuf>);

/// A generated file larger than this is not read for the summary.
const LIMIT: u64 = 64 << 20;

/// A Terraform file's text in Terraform's JSON shape; `None` for other files or unreadable text.
fn parse(name: &Path, text: &str) -> Option<Value> {
    let name = name.to_string_lossy();
    if name.ends_with(".tf.json") {
        serde_json::from_str(text).ok()
    } else if name.ends_with(".tf") {
        hcl::from_str(text).ok()
    } else {
        None
    }
}

/// What the build changes, counted: `files` are the files about to be written (relative to
/// `root`, every module's every file), `removed` the generated files about to be pruned.
/// Only modules with a file that differs from disk, or a file removed, are compared. The
/// commands call [`summary_surveyed`]; the tests call this.
#[cfg(test)]
pub(crate) fn summary(root: &Path, files: &[(PathBuf, String)], removed: &[PathBuf]) -> Counts {
    summary_surveyed(root, files, &[], removed)
}

/// [`summary`], for a caller that already compared the files with the disk: `unchanged[i]`
/// says that `files[i]` holds its bytes on disk already, so it is not read again to find the
/// modules that changed (an in-sync build then reads nothing). A file without an entry there
/// is read.
pub(crate) fn summary_surveyed(
    root: &Path,
    files: &[(PathBuf, String)],
    unchanged: &[bool],
    removed: &[PathBuf],
) -> Counts {
    let on_disk = |p: &Path| -> Option<String> {
        crate::load::read_regular(&root.join(p), LIMIT)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let dir_of = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut changed: BTreeSet<PathBuf> = files
        .iter()
        .enumerate()
        .filter(|(i, (p, text))| {
            !unchanged.get(*i).copied().unwrap_or(false)
                && on_disk(p).as_deref() != Some(text.as_str())
        })
        .map(|(_, (p, _))| dir_of(p))
        .collect();
    changed.extend(removed.iter().map(|p| dir_of(p)));
    let mut changes = Vec::new();
    // Resources of modules that are new on disk, by directory and address.
    let mut created: BTreeSet<String> = BTreeSet::new();
    // Each changed module's files (about to be written) and removed files, grouped once: a
    // filter over every file for each module was quadratic in the number of stacks.
    let mut by_dir: BTreeMap<PathBuf, InDir<'_>> = changed
        .iter()
        .map(|d| (d.clone(), (Vec::new(), Vec::new())))
        .collect();
    for f in files {
        if let Some(e) = by_dir.get_mut(&dir_of(&f.0)) {
            e.0.push(f);
        }
    }
    for p in removed {
        if let Some(e) = by_dir.get_mut(&dir_of(p)) {
            e.1.push(p);
        }
    }
    for (dir, (in_dir, removed_in_dir)) in &by_dir {
        let mut before: BTreeMap<String, Written> = BTreeMap::new();
        let mut after: BTreeMap<String, Written> = BTreeMap::new();
        let old_files: BTreeSet<&PathBuf> = in_dir
            .iter()
            .map(|(p, _)| p)
            .chain(removed_in_dir.iter().copied())
            .collect();
        let mut existed = false;
        for p in &old_files {
            let Some(text) = on_disk(p) else { continue };
            existed = true;
            if let Some(v) = parse(p, &text) {
                resources::add_file(&v, &mut before);
            }
        }
        let new_files = in_dir.iter().copied();
        if !existed {
            // A module with no file on disk: every resource is created, and creating is never
            // risky, so its HCL files' resource headers are counted instead of parsed (parsing
            // 12 MB of HCL was half the CPU of a cold build of 1,000 services).
            for (p, text) in new_files {
                if p.to_string_lossy().ends_with(".tf") {
                    let at = dir.display();
                    created.extend(
                        text.lines()
                            .filter_map(resource_header)
                            .map(|a| format!("{at}/{a}")),
                    );
                } else if let Some(v) = parse(p, text) {
                    resources::add_file(&v, &mut after);
                }
            }
            changes.extend(resources::compare(&before, &after));
            continue;
        }
        for (p, text) in new_files {
            if let Some(v) = parse(p, text) {
                resources::add_file(&v, &mut after);
            }
        }
        changes.extend(resources::compare(&before, &after));
    }
    let mut counts = Counts::of(&changes);
    counts.created += created.len();
    counts
}

/// The address of a top-level `resource "TYPE" "LABEL" {` line of gen-tf's HCL, in which every
/// top-level block starts at column 0 and no string or heredoc spans lines there (the printer's
/// output, as `terraform fmt` writes it); `None` for any other line.
fn resource_header(line: &str) -> Option<String> {
    let rest = line.strip_prefix("resource \"")?.strip_suffix("\" {")?;
    let (ty, label) = rest.split_once("\" \"")?;
    let word = |w: &str| !w.is_empty() && !w.contains(['"', '\\', ' ']);
    (word(ty) && word(label)).then(|| format!("{ty}.{label}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/shop/api"
  retention_in_days = 30
}

resource "aws_iam_role" "api_task" {
  name               = "shop-api-task"
  assume_role_policy = jsonencode({ Version = "2012-10-17" })
}
"#;

    #[test]
    fn the_previous_output_and_the_new_are_compared_by_resource() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("shop")).unwrap();
        std::fs::write(dir.path().join("shop/api.tf"), OLD).unwrap();
        let new = OLD
            .replace("/ecs/shop/api", "/ecs/store/api")
            .replace("= 30", "= 90");
        let new = format!(
            "{new}\nresource \"aws_ecs_task_definition\" \"api\" {{\n  family = \"shop-api\"\n}}\n"
        );
        let files = vec![(PathBuf::from("shop/api.tf"), new)];
        let c = summary(dir.path(), &files, &[]);
        assert_eq!((c.replaced, c.risky, c.created, c.updated), (1, 1, 1, 0));
        assert_eq!(c.line(), "1 replaced (1 risky), 1 created");
        // Nothing differs: nothing is compared.
        let same = vec![(PathBuf::from("shop/api.tf"), OLD.to_owned())];
        assert_eq!(summary(dir.path(), &same, &[]), Counts::default());
        // A file the caller found unchanged is not read again; one it did not is.
        assert_eq!(
            summary_surveyed(dir.path(), &files, &[true], &[]),
            Counts::default()
        );
        assert_eq!(summary_surveyed(dir.path(), &files, &[false], &[]), c);
    }

    /// The headers counted for a new module are the resources hcl-rs reads, file by file, over
    /// every generated example module; and a new module's summary counts them as created.
    #[test]
    fn a_new_modules_resource_headers_are_its_resources() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("modules");
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "tf") {
                let text = std::fs::read_to_string(p).unwrap();
                let mut parsed = BTreeMap::new();
                resources::add_file(&parse(p, &text).unwrap(), &mut parsed);
                let counted: BTreeSet<String> = text.lines().filter_map(resource_header).collect();
                let read: BTreeSet<String> = parsed.into_keys().collect();
                assert_eq!(counted, read, "{}", p.display());
                files.push((p.strip_prefix(&root).unwrap().to_path_buf(), text));
            }
        }
        assert!(files.len() > 100, "{} files", files.len());
        let empty = tempfile::tempdir().unwrap();
        let fast = summary_surveyed(empty.path(), &files, &vec![false; files.len()], &[]);
        let mut all = BTreeMap::new();
        let mut total = 0;
        for (p, text) in &files {
            let mut one = BTreeMap::new();
            resources::add_file(&parse(p, text).unwrap(), &mut one);
            total += one.len();
            all.extend(
                one.into_iter()
                    .map(|(a, w)| (format!("{}/{a}", p.display()), w)),
            );
        }
        assert_eq!(fast.created, total);
        assert_eq!(
            Counts::of(&resources::compare(&BTreeMap::new(), &all)),
            fast
        );
        assert_eq!(
            resource_header("resource \"aws_iam_role\" \"api\" {"),
            Some("aws_iam_role.api".into())
        );
        assert_eq!(
            resource_header("  resource \"aws_iam_role\" \"api\" {"),
            None
        );
        assert_eq!(resource_header("data \"aws_iam_role\" \"api\" {"), None);
    }
}

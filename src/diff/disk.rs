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
    for dir in &changed {
        let mut before: BTreeMap<String, Written> = BTreeMap::new();
        let mut after: BTreeMap<String, Written> = BTreeMap::new();
        let old_files: BTreeSet<PathBuf> = files
            .iter()
            .map(|(p, _)| p.clone())
            .chain(removed.iter().cloned())
            .filter(|p| dir_of(p) == *dir)
            .collect();
        for p in &old_files {
            if let Some(v) = on_disk(p).and_then(|t| parse(p, &t)) {
                resources::add_file(&v, &mut before);
            }
        }
        for (p, text) in files.iter().filter(|(p, _)| dir_of(p) == *dir) {
            if let Some(v) = parse(p, text) {
                resources::add_file(&v, &mut after);
            }
        }
        changes.extend(resources::compare(&before, &after));
    }
    Counts::of(&changes)
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
}

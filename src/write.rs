//! Writing modules to disk: atomically, only the files whose bytes changed, and pruning the
//! generated files that no stack produces any more.
//!
//! Each file is written to a temporary sibling and renamed over the target, so a reader (or an
//! interrupted run) sees either the old file or the new one, never half of one.
//!
//! Pruning removes only files that carry gen-tf's header, only in module directories (which the
//! caller recognises), and a directory only once it is empty. A hand-written file, even in a
//! generated module's directory, is never touched.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub written: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

/// Writes `content` to `path` unless it already holds exactly those bytes. Returns whether it
/// wrote.
pub fn write_if_changed(path: &Path, content: &[u8]) -> io::Result<bool> {
    if let Ok(existing) = fs::read(path) {
        if existing == content {
            return Ok(false);
        }
    }
    write_atomic(path, content)?;
    Ok(true)
}

/// Temp file in the same directory, then renamed over `path`: a reader, or a run that is killed
/// half way, sees the old file or the new one, never part of one.
///
/// There is deliberately no fsync. Generated files are reproducible from the stacks, and after a
/// power loss `gen-tf check` reports any file the kernel had not flushed; syncing every file made
/// a cold build of 1,000 services about five times slower (bench/RESULTS.md).
pub fn write_atomic(path: &Path, content: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.gen-tf-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(content)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes every `(relative path, content)` under `root`.
pub fn write_tree(root: &Path, files: &[(PathBuf, String)]) -> io::Result<Report> {
    let mut report = Report::default();
    for (rel, content) in files {
        let path = root.join(rel);
        if write_if_changed(&path, content.as_bytes())? {
            report.written.push(path);
        } else {
            report.unchanged.push(path);
        }
    }
    Ok(report)
}

/// Whether `path` is a file gen-tf generated: a `.tf` file whose first line is
/// [`crate::emit::HEADER`], a `.tf.json` file whose root `"//"` comment starts with it, or a
/// `.md` file whose first line is [`crate::lower::readme::README_HEADER`]. Anything else,
/// including unreadable files, is not.
pub fn is_generated(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let first_line = |text: &str| text.lines().next().unwrap_or("").trim_end().to_owned();
    if name.ends_with(".tf.json") {
        let Ok(text) = fs::read_to_string(path) else {
            return false;
        };
        let header = crate::emit::HEADER.trim_start_matches("# ");
        let Ok(serde_json::Value::Object(root)) = serde_json::from_str(&text) else {
            return false;
        };
        return match root.get("//") {
            Some(serde_json::Value::String(s)) => s == header,
            Some(serde_json::Value::Array(a)) => a.first().and_then(|v| v.as_str()) == Some(header),
            _ => false,
        };
    }
    let header = if name.ends_with(".tf") {
        crate::emit::HEADER
    } else if name.ends_with(".md") {
        crate::lower::readme::README_HEADER
    } else {
        return false;
    };
    read_head(path).is_some_and(|text| first_line(&text) == header)
}

/// The first few hundred bytes: enough for a header line, without reading a large file.
fn read_head(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(256);
    fs::File::open(path)
        .ok()?
        .take(256)
        .read_to_end(&mut buf)
        .ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Generated files under `root` that are not in `keep` (paths relative to `root`), looking only
/// directly inside the directories `owns` accepts (given relative to `root`). Hidden directories
/// such as `.terraform` are never entered. A missing `root` has nothing stale.
pub fn find_stale(
    root: &Path,
    keep: &std::collections::BTreeSet<PathBuf>,
    max_depth: usize,
    owns: impl Fn(&Path) -> bool,
) -> io::Result<Vec<PathBuf>> {
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let walker = walkdir::WalkDir::new(root)
        .max_depth(max_depth + 1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut stale = Vec::new();
    for entry in walker {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let dir = rel.parent().unwrap_or_else(|| Path::new(""));
        if owns(dir) && !keep.contains(rel) && is_generated(entry.path()) {
            stale.push(rel.to_owned());
        }
    }
    Ok(stale)
}

/// Removes `stale` files (relative to `root`), then each directory they were in that is now
/// empty, up to but not including `root`.
pub fn prune(root: &Path, stale: &[PathBuf]) -> io::Result<()> {
    for rel in stale {
        let path = root.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut dir = rel.parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            // Fails (and stops) when the directory still holds anything.
            if fs::remove_dir(root.join(d)).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prunes_only_generated_files_in_owned_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let tf_header = format!("{}\n\nresource \"x\" \"y\" {{}}\n", crate::emit::HEADER);
        let md_header = format!("{}\n\n# m\n", crate::lower::readme::README_HEADER);
        let files = [
            ("keep/main.tf", tf_header.as_str()),
            ("gone/main.tf", tf_header.as_str()),
            ("gone/README.md", md_header.as_str()),
            (
                "gone/main.tf.json",
                "{\n  \"//\": \"Code generated by gen-tf. DO NOT EDIT.\"\n}\n",
            ),
            (
                "gone/more.tf.json",
                "{\"//\": [\"Code generated by gen-tf. DO NOT EDIT.\", \"x\"]}",
            ),
            ("mixed/old.tf", tf_header.as_str()),
            ("mixed/hand.tf", "# written by a person\n"),
            ("mixed/notes.md", "# notes\n"),
            ("mixed/hand.tf.json", "{\"//\": \"mine\"}"),
            ("mixed/.terraform/x.tf", tf_header.as_str()),
            ("mixed/sub/deep.tf", tf_header.as_str()),
            ("top.tf", tf_header.as_str()),
        ];
        for (rel, text) in files {
            let p = root.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        let keep = [PathBuf::from("keep/main.tf")].into_iter().collect();
        let owns = |d: &Path| d.components().count() == 1;
        let stale = find_stale(root, &keep, 1, owns).unwrap();
        let want: Vec<PathBuf> = [
            "gone/README.md",
            "gone/main.tf",
            "gone/main.tf.json",
            "gone/more.tf.json",
            "mixed/old.tf",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(stale, want);
        prune(root, &stale).unwrap();
        assert!(
            !root.join("gone").exists(),
            "an emptied module directory goes"
        );
        assert!(root.join("keep/main.tf").exists());
        for kept in [
            "mixed/hand.tf",
            "mixed/notes.md",
            "mixed/hand.tf.json",
            "mixed/.terraform/x.tf",
            "mixed/sub/deep.tf",
            "top.tf",
        ] {
            assert!(root.join(kept).exists(), "{kept}");
        }
        assert!(!root.join("mixed/old.tf").exists());
        assert!(find_stale(&root.join("missing"), &keep, 1, owns)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn rewrites_only_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.tf");
        assert!(write_if_changed(&p, b"x").unwrap());
        let before = fs::metadata(&p).unwrap().modified().unwrap();
        assert!(!write_if_changed(&p, b"x").unwrap());
        assert_eq!(fs::metadata(&p).unwrap().modified().unwrap(), before);
        assert!(write_if_changed(&p, b"y").unwrap());
        assert_eq!(fs::read(&p).unwrap(), b"y");
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }
}

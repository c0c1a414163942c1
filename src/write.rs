//! Writing modules to disk: atomically, and only the files whose bytes changed.
//!
//! Each file is written to a temporary sibling and renamed over the target, so a reader (or an
//! interrupted run) sees either the old file or the new one, never half of one.

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

/// Temp file in the same directory, flushed to disk, then renamed over `path`.
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
        f.sync_all()?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let names: Vec<_> = fs::read_dir(dir.path().join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1);
    }
}

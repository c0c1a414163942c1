//! Writing modules to disk: only the files whose bytes changed, all of them or none, never over a
//! file gen-tf did not write, and pruning the generated files that no stack produces any more.
//!
//! A build goes in three steps, each of which can stop the next:
//! 1. [`survey`] looks at every target path. A file there that lacks gen-tf's header (or that
//!    is not a regular file, or sits below a symlink) is a [`Collision`]: the caller reports it
//!    and writes nothing. A file with the same bytes is left alone.
//! 2. [`commit`] stages every changed file as a temporary sibling (a random name opened with
//!    `O_EXCL`, so a planted symlink cannot redirect it), and only when every one is staged
//!    renames them all into place. A failure while staging (a full disk, an immutable
//!    directory) removes the staged files and the directories it created: nothing visible
//!    changes. Each rename is atomic, so a reader sees the old file or the new one.
//! 3. [`find_stale`] and [`prune`] remove generated files that no stack produces, and the
//!    temporary files of killed runs, only in module directories (which the caller
//!    recognises), and a directory only once it is empty.
//!
//! Every error names the path it is about.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::load::{self, FileError};

pub(crate) mod index;

/// Existing outputs larger than this are not read whole: no generated file comes close.
pub(crate) const MAX_OUTPUT_BYTES: u64 = 64 << 20;

/// A failed file-system operation, with the path it was about.
#[derive(Debug, thiserror::Error)]
#[error("cannot {op} {}: {source}", path.display())]
pub struct FsError {
    pub op: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl FsError {
    pub fn new(op: &'static str, path: &Path, source: io::Error) -> Self {
        Self {
            op,
            path: path.to_owned(),
            source,
        }
    }
}

/// What a commit did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    pub written: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

/// A file of the new tree, written to a temporary sibling of its target but not yet in place.
/// Dropping it removes the temporary file.
#[derive(Debug)]
pub(crate) struct Staged {
    target: PathBuf,
    temp: tempfile::TempPath,
}

impl Staged {
    /// Writes `content` to a new temporary file beside `target`: `.<name>.gen-tf-XXXXXX.tmp`,
    /// a random name created with `O_EXCL`, so it is never a file (or symlink) that was there.
    /// Its mode is what a plain create would give (0666 less the umask).
    pub(crate) fn new(target: &Path, content: &[u8]) -> Result<Self, FsError> {
        let dir = target.parent().unwrap_or_else(|| Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}{TEMP_MARK}");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let fail = |e| FsError::new("write", target, e);
        // Created under the signal registry's lock, so an interrupt removes it (see
        // `crate::interrupt`).
        let mut temps = crate::interrupt::temps();
        let mut file = builder.tempfile_in(dir).map_err(fail)?;
        crate::interrupt::add_temp(&mut temps, file.path());
        drop(temps);
        file.write_all(content).map_err(fail)?;
        Ok(Self {
            target: target.to_owned(),
            temp: file.into_temp_path(),
        })
    }

    /// Test-only: the unit tests check the temporary name.
    #[cfg(test)]
    pub(crate) fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Renames the temporary file over the target.
    pub(crate) fn commit(self) -> Result<PathBuf, FsError> {
        let Self { target, temp } = self;
        let mut temps = crate::interrupt::temps();
        let from = temp.to_path_buf();
        temp.persist(&target)
            .map_err(|e| FsError::new("write", &target, e.error))?;
        crate::interrupt::forget_temp(&mut temps, &from);
        Ok(target)
    }
}

/// Between a file's name and the random part of its temporary name.
const TEMP_MARK: &str = ".gen-tf-";
const TEMP_SUFFIX: &str = ".tmp";

/// Whether `name` is one of gen-tf's temporary files, `.<name>.gen-tf-<random or pid>.tmp`.
pub(crate) fn is_temp_name(name: &str) -> bool {
    let Some(inner) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
    else {
        return false;
    };
    inner.rfind(TEMP_MARK).is_some_and(|at| {
        let random = &inner[at + TEMP_MARK.len()..];
        at > 0 && !random.is_empty() && random.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// Whether `path` is a regular file holding exactly `content`, read no further than needed.
/// Writes `content` to `path` (creating its directory) through a staged temporary file:
/// `gen-tf prices -o` writes its one file this way. No fsync, as for every output (see
/// [`commit`]).
pub(crate) fn write_atomic(path: &Path, content: &[u8]) -> Result<(), FsError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| FsError::new("create", dir, e))?;
    }
    Staged::new(path, content)?.commit().map(drop)
}

fn same_bytes(path: &Path, content: &[u8]) -> bool {
    let Ok((file, len)) = load::open_regular(path) else {
        return false;
    };
    if len != content.len() as u64 {
        return false;
    }
    let mut have = Vec::with_capacity(content.len());
    file.take(content.len() as u64 + 1)
        .read_to_end(&mut have)
        .is_ok()
        && have == content
}

/// Why gen-tf will not write a target path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Collision {
    /// A regular file without gen-tf's header: written by a person (or its header was deleted).
    HandWritten,
    /// A directory, symlink, FIFO, socket or device.
    NotAFile,
    /// A directory on the way is a symlink or not a directory: writing there could leave the
    /// output root.
    NotADirectory(&'static str),
    /// The path is absolute or has `..`: it would leave the output root.
    Outside,
}

impl Collision {
    /// Why, as the end of a sentence about the path.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::HandWritten => "exists and was not written by gen-tf (it has no gen-tf header)",
            Self::NotAFile => "exists and is not a regular file",
            Self::NotADirectory(why) => why,
            Self::Outside => "is not a path inside the output directory",
        }
    }
}

/// What is at each target path now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Missing,
    Unchanged,
    /// A generated file with other bytes.
    Stale,
    Blocked(Collision),
}

/// The state of every `(relative path, content)` under `root`, in order.
/// Only the tests survey without an index.
#[cfg(test)]
pub(crate) fn survey(root: &Path, files: &[(PathBuf, String)]) -> Vec<State> {
    survey_indexed(root, files, None)
}

/// [`survey`], with a stat index: a file whose stamp the index knows with the wanted bytes'
/// hash is not read, and every file found unchanged is recorded in it (see [`index`]).
pub(crate) fn survey_indexed(
    root: &Path,
    files: &[(PathBuf, String)],
    mut index: Option<&mut index::StatIndex>,
) -> Vec<State> {
    let mut dirs: BTreeMap<PathBuf, Option<Collision>> = BTreeMap::new();
    files
        .iter()
        .map(|(rel, content)| {
            if !is_inside(rel) {
                return State::Blocked(Collision::Outside);
            }
            if let Some(c) = blocked_dir(root, rel, &mut dirs) {
                return State::Blocked(c);
            }
            file_state(
                &root.join(rel),
                rel,
                content.as_bytes(),
                index.as_deref_mut(),
            )
        })
        .collect()
}

/// Only plain names below the root: no root, prefix, `.` or `..`.
fn is_inside(rel: &Path) -> bool {
    rel.components().all(|c| matches!(c, Component::Normal(_))) && rel.components().count() > 0
}

/// The first directory between `root` and `rel`'s file that is a symlink or not a directory.
/// Missing directories are fine: they will be created.
fn blocked_dir(
    root: &Path,
    rel: &Path,
    seen: &mut BTreeMap<PathBuf, Option<Collision>>,
) -> Option<Collision> {
    let mut dir = PathBuf::new();
    for part in rel.parent()?.components() {
        dir.push(part);
        let state = *seen.entry(dir.clone()).or_insert_with(|| {
            match fs::symlink_metadata(root.join(&dir)) {
                Err(_) => None,
                Ok(m) if m.file_type().is_symlink() => Some(Collision::NotADirectory(
                    "lies below a symlink, which could lead out of the output directory",
                )),
                Ok(m) if !m.is_dir() => Some(Collision::NotADirectory(
                    "lies below a path that is not a directory",
                )),
                Ok(_) => None,
            }
        });
        if state.is_some() {
            return state;
        }
    }
    None
}

fn file_state(
    path: &Path,
    rel: &Path,
    content: &[u8],
    index: Option<&mut index::StatIndex>,
) -> State {
    let meta = match fs::symlink_metadata(path) {
        Err(_) => return State::Missing,
        Ok(m) if !m.file_type().is_file() => return State::Blocked(Collision::NotAFile),
        Ok(m) => m,
    };
    if let Some(index) = index {
        if index.known_same(rel, &meta, content) {
            return State::Unchanged;
        }
        if same_bytes(path, content) {
            // The stamp was taken before the read: a change after it gives another stamp.
            index.record(rel, &meta, content);
            return State::Unchanged;
        }
    } else if same_bytes(path, content) {
        return State::Unchanged;
    }
    if is_generated(path) {
        State::Stale
    } else {
        State::Blocked(Collision::HandWritten)
    }
}

/// Writes every file whose state is [`State::Missing`] or [`State::Stale`]: all staged first,
/// then every file that will be replaced backed up beside itself (a hard link, else a copy, with
/// a temporary name), then all renamed into place. A failed rename (an immutable file) puts back
/// every file already renamed, from its backup, and removes the new ones: the tree is the old
/// one, and the error names the file. Blocked files must have been reported, not passed here.
///
/// There is deliberately no fsync. Generated files are reproducible from the stacks, and after a
/// power loss `gen-tf check` reports any file the kernel had not flushed; syncing every file made
/// a cold build of 1,000 services about five times slower (BENCHMARKS.md).
pub(crate) fn commit(
    root: &Path,
    files: &[(PathBuf, String)],
    states: &[State],
) -> Result<Report, FsError> {
    let mut report = Report::default();
    let mut created = Vec::new();
    let mut staged = Vec::new();
    // Nothing is in place yet: remove what was staged, then the directories made for it,
    // deepest first.
    let undo = |created: &[PathBuf]| {
        for d in created.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    };
    for ((rel, content), state) in files.iter().zip(states) {
        let path = root.join(rel);
        match state {
            State::Unchanged => report.unchanged.push(path),
            State::Blocked(_) => {}
            State::Missing | State::Stale => {
                let step = create_dirs(root, rel, &mut created)
                    .and_then(|()| Staged::new(&path, content.as_bytes()));
                match step {
                    Ok(s) => staged.push((s, *state == State::Stale)),
                    Err(e) => {
                        drop(staged);
                        undo(&created);
                        return Err(e);
                    }
                }
            }
        }
    }
    let mut backed_up = Vec::with_capacity(staged.len());
    for (s, replaces) in staged {
        let backup = if replaces {
            backup(&s.target)
        } else {
            Ok(None)
        };
        match backup {
            Ok(b) => backed_up.push((s, b)),
            Err(e) => {
                drop(backed_up);
                undo(&created);
                return Err(e);
            }
        }
    }
    let mut done: Vec<(PathBuf, Option<tempfile::TempPath>)> = Vec::new();
    let mut pending = backed_up.into_iter();
    for (s, backup) in pending.by_ref() {
        match s.commit() {
            Ok(target) => done.push((target, backup)),
            Err(e) => {
                drop(backup);
                drop(pending);
                roll_back(done);
                undo(&created);
                return Err(e);
            }
        }
    }
    report.written = done.into_iter().map(|(target, _backup)| target).collect();
    Ok(report)
}

/// A copy of the generated file at `target` beside it, under a temporary name: a hard link
/// when the file system has them, else a copy of its bytes.
fn backup(target: &Path) -> Result<Option<tempfile::TempPath>, FsError> {
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}{TEMP_MARK}");
    let mut temps = crate::interrupt::temps();
    let linked = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .make_in(dir, |p| fs::hard_link(target, p));
    if let Ok(link) = linked {
        let path = link.into_temp_path();
        crate::interrupt::add_temp(&mut temps, &path);
        return Ok(Some(path));
    }
    drop(temps);
    let old = load::read_regular(target, MAX_OUTPUT_BYTES)
        .map_err(|e| FsError::new("back up", target, io::Error::other(e)))?;
    Ok(Some(Staged::new(target, &old)?.temp))
}

/// Puts back the files of a failed commit, last first: each replaced file from its backup, and
/// each new file removed.
fn roll_back(done: Vec<(PathBuf, Option<tempfile::TempPath>)>) {
    for (target, backup) in done.into_iter().rev() {
        let mut temps = crate::interrupt::temps();
        match backup {
            Some(b) => {
                let from = b.to_path_buf();
                if b.persist(&target).is_ok() {
                    crate::interrupt::forget_temp(&mut temps, &from);
                }
            }
            None => {
                let _ = fs::remove_file(&target);
            }
        }
    }
}

/// Creates the missing directories between `root` (which exists) and `rel`'s file, recording
/// each one made.
fn create_dirs(root: &Path, rel: &Path, created: &mut Vec<PathBuf>) -> Result<(), FsError> {
    let mut dir = root.to_owned();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        dir.push(part);
        match fs::create_dir(&dir) {
            Ok(()) => created.push(dir.clone()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(e) => return Err(FsError::new("create", &dir, e)),
        }
    }
    Ok(())
}

/// Whether `path` is a file gen-tf generated: a `.tf` file whose first line is
/// [`crate::emit::HEADER`], a `.tf.json` file whose root `"//"` comment starts with it, or a
/// `.md` file whose first line is [`crate::lower::readme::README_HEADER`]. Anything else,
/// including unreadable files and anything but a regular file, is not.
pub fn is_generated(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(".tf.json") {
        let Ok(bytes) = load::read_regular(path, MAX_OUTPUT_BYTES) else {
            return false;
        };
        let header = crate::emit::HEADER.trim_start_matches("# ");
        let Ok(serde_json::Value::Object(root)) = serde_json::from_slice(&bytes) else {
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
    // The first few hundred bytes: enough for a header line, without reading a large file.
    let Ok(head) = load::read_head(path, 256) else {
        return false;
    };
    let text = String::from_utf8_lossy(&head);
    text.lines().next().unwrap_or("").trim_end() == header
}

/// The existing content of a generated file, for a diff: `None` when it cannot be read as text
/// within [`MAX_OUTPUT_BYTES`].
pub(crate) fn read_output(path: &Path) -> Result<String, FileError> {
    let bytes = load::read_regular(path, MAX_OUTPUT_BYTES)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// What pruning removes: generated files that no stack produces, and temporary files left by
/// killed runs. Paths are relative to the output root.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Stale {
    pub generated: Vec<PathBuf>,
    pub temporary: Vec<PathBuf>,
}

/// Stale files under `root`, looking only directly inside the directories `owns` accepts,
/// entering only directories `descend` accepts (both given relative to `root`), never following
/// a symlink. A missing `root` has nothing stale.
pub(crate) fn find_stale(
    root: &Path,
    keep: &BTreeSet<PathBuf>,
    max_depth: usize,
    descend: impl Fn(&Path) -> bool,
    owns: impl Fn(&Path) -> bool,
) -> Result<Stale, FsError> {
    let mut stale = Stale::default();
    if !root.is_dir() {
        return Ok(stale);
    }
    let rel_of = |p: &Path| p.strip_prefix(root).map(Path::to_owned).unwrap_or_default();
    let walker = walkdir::WalkDir::new(root)
        .max_depth(max_depth + 1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_type().is_dir() || descend(&rel_of(e.path())));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_owned();
            FsError::new("read", &path, io::Error::other(e))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = rel_of(entry.path());
        if !owns(rel.parent().unwrap_or_else(|| Path::new(""))) {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if is_temp_name(&name) && holds_own_marker(entry.path()) {
            stale.temporary.push(rel);
        } else if !keep.contains(&rel) && is_generated(entry.path()) {
            stale.generated.push(rel);
        }
    }
    Ok(stale)
}

/// Whether a file with a temporary name is gen-tf's own: empty (a run killed between creating
/// and writing it), or starting with one of gen-tf's headers. A user's file that only looks like
/// a temporary file is never removed.
fn holds_own_marker(path: &Path) -> bool {
    let Ok(head) = load::read_head(path, 256) else {
        return false;
    };
    if head.is_empty() {
        return true;
    }
    let text = String::from_utf8_lossy(&head);
    let first = text.lines().next().unwrap_or("").trim_end();
    let json_header = format!("\"//\": \"{}", crate::emit::HEADER.trim_start_matches("# "));
    first == crate::emit::HEADER
        || first == crate::lower::readme::README_HEADER
        || (text.trim_start().starts_with('{') && text.contains(&json_header))
}

/// Removes `stale` files (relative to `root`), then each directory they were in that is now
/// empty, up to but not including `root`.
pub(crate) fn prune(root: &Path, stale: &[PathBuf]) -> Result<(), FsError> {
    for rel in stale {
        let path = root.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(FsError::new("remove", &path, e)),
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
mod tests;

//! The stat index: a warm `gen-tf check` (or an in-sync `build`) does not read an output file
//! whose file-system stamp is the one recorded when its bytes were last compared, as git's index
//! does for `git status`.
//!
//! For each output file the index keeps its size, modification and change times, inode and
//! device, and the SHA-256 of the bytes it was found to hold. A file is taken as unchanged
//! without reading it only when all of that stamp is the same and the recorded hash is the hash
//! of what the build would write now. Any other file is read and compared byte for byte, as
//! without an index, and the index is rewritten from what was compared.
//!
//! Racy files: a file changed in the same clock tick as the stamp was taken could keep its
//! stamp. So a stamp is recorded only when both its modification and change times are at least
//! [`MARGIN`] older than the moment the comparing run started, before it read anything; any
//! later change gives the file a newer time and so another stamp. Setting the modification time
//! back (`touch -d`) still changes the change time, which cannot be set. The margin also covers
//! file systems with coarse timestamps (FAT's two seconds).
//!
//! The index lives in the render cache's private directory (sealed like its entries), one file
//! per output root, so it is trusted exactly as far as the cache is; `--no-cache` uses none.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache::Cache;

/// How much older than the run a file's times must be for its stamp to be recorded.
pub(crate) const MARGIN: Duration = Duration::from_secs(3);

/// Bumped when the format changes: an index of another format is empty.
const FORMAT: &str = "gen-tf-stat-index-1";

/// What `stat` says about a file, for equality only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    size: u64,
    /// Nanoseconds since the epoch.
    mtime: i128,
    ctime: i128,
    ino: u64,
    dev: u64,
}

impl Stamp {
    /// The stamp of a regular file's metadata; `None` where the platform has no inode or change
    /// time (the index is then never used).
    #[cfg(unix)]
    pub(crate) fn of(meta: &fs::Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Self {
            size: meta.size(),
            mtime: ns(meta.mtime(), meta.mtime_nsec()),
            ctime: ns(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &fs::Metadata) -> Option<Self> {
        None
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: String,
    /// `(path relative to the output root, stamp, SHA-256 of the bytes)`.
    files: Vec<(PathBuf, Stamp, String)>,
}

/// The index of one output root: what was read from the cache, and what this run recorded.
#[derive(Debug)]
pub(crate) struct StatIndex {
    /// Stamps with both times before this (nanoseconds since the epoch) may be recorded.
    before: i128,
    old: HashMap<PathBuf, (Stamp, String)>,
    new: Vec<(PathBuf, Stamp, String)>,
    /// The SHA-256 of the bytes wanted at a path, where the caller knew it (a cache hit checked
    /// it); `None` for a path given twice. Others are hashed here.
    wanted: HashMap<PathBuf, Option<String>>,
}

impl StatIndex {
    /// An index read from `bytes` (empty when they are absent or not an index), for a run that
    /// starts `now`, before it reads any output file.
    pub(crate) fn new(bytes: Option<&[u8]>, now: SystemTime) -> Self {
        let before = now
            .checked_sub(MARGIN)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0));
        let old = bytes
            .and_then(|b| serde_json::from_slice::<Stored>(b).ok())
            .filter(|s| s.format == FORMAT)
            .map(|s| {
                s.files
                    .into_iter()
                    .map(|(p, stamp, hash)| (p, (stamp, hash)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            before,
            old,
            new: Vec::new(),
            wanted: HashMap::new(),
        }
    }

    /// Tells the index the SHA-256 (hex) of the bytes the survey will want at `rel`, so it need
    /// not hash them. A path told twice is hashed after all.
    pub(crate) fn know_wanted(&mut self, rel: PathBuf, sha256: String) {
        self.wanted
            .entry(rel)
            .and_modify(|h| *h = None)
            .or_insert(Some(sha256));
    }

    /// The SHA-256 of `want`, the bytes wanted at `rel`.
    fn hash_of(&self, rel: &Path, want: &[u8]) -> String {
        match self.wanted.get(rel) {
            Some(Some(hash)) => hash.clone(),
            _ => sha256(want),
        }
    }

    /// Whether the file at `rel`, whose metadata is `meta`, holds `want`, known from its stamp
    /// alone: the stamp is the recorded one and `want` hashes to the recorded hash. `false`
    /// means "read it", not "it differs". A file known this way is recorded again.
    pub(crate) fn known_same(&mut self, rel: &Path, meta: &fs::Metadata, want: &[u8]) -> bool {
        let Some(stamp) = Stamp::of(meta) else {
            return false;
        };
        let Some((old, hash)) = self.old.get(rel) else {
            return false;
        };
        if *old != stamp || stamp.size != want.len() as u64 || *hash != self.hash_of(rel, want) {
            return false;
        }
        self.new.push((rel.to_owned(), stamp, hash.clone()));
        true
    }

    /// Records that the file at `rel`, with metadata `meta` taken before it was read, was found
    /// to hold `content`; kept only when the stamp is old enough not to be racy.
    pub(crate) fn record(&mut self, rel: &Path, meta: &fs::Metadata, content: &[u8]) {
        let Some(stamp) = Stamp::of(meta) else {
            return;
        };
        if stamp.mtime < self.before && stamp.ctime < self.before {
            let hash = self.hash_of(rel, content);
            self.new.push((rel.to_owned(), stamp, hash));
        }
    }

    /// How many files this run recorded (known from the stamp, or compared and old enough).
    /// Only the tests count the entries.
    #[cfg(test)]
    pub(crate) fn recorded(&self) -> usize {
        self.new.len()
    }

    /// The index to store: what this run recorded, nothing else (a file not surveyed this run
    /// is no output any more).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let stored = Stored {
            format: FORMAT.to_owned(),
            files: self.new.clone(),
        };
        serde_json::to_vec(&stored).unwrap_or_default()
    }

    /// The index of output `root` in `cache`, for a run starting now.
    pub(crate) fn load(cache: &Cache, root: &Path) -> Self {
        let now = SystemTime::now();
        Self::new(cache.read_blob(&blob_name(root)).as_deref(), now)
    }

    /// Whether this run recorded anything other than what was read: otherwise there is
    /// nothing to store.
    pub(crate) fn changed(&self) -> bool {
        self.new.len() != self.old.len()
            || self.new.iter().any(|(path, stamp, hash)| {
                self.old
                    .get(path)
                    .is_none_or(|(s, h)| s != stamp || h != hash)
            })
    }

    /// Stores the index of `root` in `cache` when it changed. Failing to store only costs the
    /// next run time.
    pub(crate) fn save(&self, cache: &Cache, root: &Path) {
        if self.changed() {
            let _ = cache.write_blob(&blob_name(root), &self.to_bytes());
        }
    }
}

/// The index's name in the cache: a hash of the output root's canonical path.
fn blob_name(root: &Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let hash = sha256(root.as_os_str().as_encoded_bytes());
    format!("stat-{}.idx", &hash[..32])
}

fn sha256(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(p: &Path) -> fs::Metadata {
        fs::symlink_metadata(p).unwrap()
    }

    #[test]
    fn a_recorded_old_stamp_is_trusted_and_any_change_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.tf");
        fs::write(&file, "abc\n").unwrap();
        let rel = Path::new("m/main.tf");
        // A run that starts well after the file was written records it.
        let later = SystemTime::now() + Duration::from_secs(60);
        let mut first = StatIndex::new(None, later);
        assert!(!first.known_same(rel, &meta(&file), b"abc\n"));
        first.record(rel, &meta(&file), b"abc\n");
        assert_eq!(first.recorded(), 1);
        let bytes = first.to_bytes();

        let mut second = StatIndex::new(Some(&bytes), later);
        assert!(second.changed(), "one entry read, none recorded yet");
        assert!(second.known_same(rel, &meta(&file), b"abc\n"));
        assert!(
            !second.changed(),
            "the same entry recorded again: nothing to store"
        );
        // Other wanted bytes: read it.
        let mut third = StatIndex::new(Some(&bytes), later);
        assert!(!third.known_same(rel, &meta(&file), b"abd\n"));
        // A same-size edit: the change time moves, whatever the modification time says.
        let mtime = meta(&file).modified().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        fs::write(&file, "abd\n").unwrap();
        fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_eq!(meta(&file).modified().unwrap(), mtime);
        let mut fourth = StatIndex::new(Some(&bytes), later);
        assert!(!fourth.known_same(rel, &meta(&file), b"abc\n"));
    }

    #[test]
    fn a_racy_stamp_is_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.tf");
        fs::write(&file, "abc\n").unwrap();
        let rel = Path::new("main.tf");
        // The run started (as far as the margin goes) before the file was written.
        let mut index = StatIndex::new(None, SystemTime::now());
        index.record(rel, &meta(&file), b"abc\n");
        assert_eq!(index.recorded(), 0);
        let mut next = StatIndex::new(Some(&index.to_bytes()), SystemTime::now());
        assert!(!next.known_same(rel, &meta(&file), b"abc\n"));
    }

    #[test]
    fn a_known_wanted_hash_replaces_hashing_and_a_path_told_twice_is_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.tf");
        fs::write(&file, "abc\n").unwrap();
        let rel = Path::new("main.tf");
        let later = SystemTime::now() + Duration::from_secs(60);
        let mut first = StatIndex::new(None, later);
        first.record(rel, &meta(&file), b"abc\n");
        let bytes = first.to_bytes();
        // The caller's hash is taken as the wanted bytes' hash: a wrong one is "read it".
        let mut told = StatIndex::new(Some(&bytes), later);
        told.know_wanted(rel.to_owned(), sha256(b"abd\n"));
        assert!(!told.known_same(rel, &meta(&file), b"abc\n"));
        let mut right = StatIndex::new(Some(&bytes), later);
        right.know_wanted(rel.to_owned(), sha256(b"abc\n"));
        assert!(right.known_same(rel, &meta(&file), b"abc\n"));
        // Told twice (two outputs at one path): the bytes are hashed after all.
        let mut twice = StatIndex::new(Some(&bytes), later);
        twice.know_wanted(rel.to_owned(), sha256(b"abd\n"));
        twice.know_wanted(rel.to_owned(), sha256(b"abd\n"));
        assert!(twice.known_same(rel, &meta(&file), b"abc\n"));
        // Wanted bytes of another length are never known the same.
        let mut longer = StatIndex::new(Some(&bytes), later);
        longer.know_wanted(rel.to_owned(), sha256(b"abc\n"));
        assert!(!longer.known_same(rel, &meta(&file), b"abc\n\n"));
    }

    #[test]
    fn garbage_is_an_empty_index() {
        let mut index = StatIndex::new(Some(b"{not json"), SystemTime::now());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.tf");
        fs::write(&file, "x").unwrap();
        assert!(!index.known_same(Path::new("a.tf"), &meta(&file), b"x"));
    }
}

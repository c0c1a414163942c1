//! The render cache: a warm `gen-tf check` of an unchanged tree skips evaluation entirely.
//!
//! This is the seed guide's "Jsonnet caching" (a key from an md5 of the env file), done right:
//! - The entry key hashes what is known before evaluating: the stack's path, the external
//!   variables, the `-J` directories, the output format and the gen-tf version (which also
//!   versions the embedded `gen-tf.libsonnet`, the validation rules and the printer).
//! - Which files a stack imports is only known after evaluating, so each entry records every
//!   input file with the hash of its content, as a build system's depfile does, and a lookup
//!   re-hashes them. Editing any imported `.libsonnet`, however deep, is a miss.
//! - Entries are written to a temporary file and renamed into place, so concurrent runs never
//!   see half an entry; an unreadable or corrupt entry is simply a miss.
//!
//! Only successful compilations are cached: errors are always recomputed and reported.
//!
//! The cache is untrusted input (docs/security.md): a shared XDG cache or a CI cache restored
//! from elsewhere may have been written by someone else. So the directory is created 0700 and
//! refused when others can write it ([`Cache::verify`]); an entry is read as a regular file
//! with a size limit and starts with the SHA-256 of its JSON header, which gives each file's
//! length and SHA-256 (the files' bytes follow it raw), so a truncated or altered entry is a
//! miss; and every name and path read back is checked as strictly as a stack's: the module
//! name is a valid stack name, each file a plain generated file name with gen-tf's header, each
//! input an absolute path read with the import limit. An entry that fails any check is a miss.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Severity};
use crate::load;
use crate::model::names::StackName;
use crate::pipeline::{Compiled, Options};
use crate::validate::rules;

/// Bumped whenever the entry format changes, so an old entry is a miss, not a parse error.
const SCHEMA: &str = "gen-tf-cache-3";

/// Entries larger than this are neither written nor read: a stack of a thousand services makes
/// a few MiB.
const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// A cache directory that others could write.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    #[error(
        "refusing the cache directory {}: it is {why}, and whoever can write it decides what gen-tf writes; delete it (it is only a cache, and gen-tf creates it again, private), or choose another with --cache-dir or GEN_TF_CACHE_DIR, or pass --no-cache",
        dir.display()
    )]
    Insecure { dir: PathBuf, why: String },
    #[error("cannot read the cache directory {}: {source}", dir.display())]
    Io {
        dir: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// A cache directory, used by one gen-tf binary.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
    version: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    schema: String,
    /// What the key hashes, kept so a (practically impossible) hash collision is still a miss.
    key: String,
    inputs: Vec<Input>,
    name: String,
    /// The files, in output order; their bytes follow the header, raw and in this order.
    files: Vec<File>,
    warnings: Vec<Warning>,
}

/// A file of an entry: its bytes are not in the JSON header (escaping and unescaping megabytes
/// of HCL was a sixth of a warm check) but after it, each checked against its own SHA-256.
#[derive(Serialize, Deserialize)]
struct File {
    name: String,
    len: usize,
    sha256: String,
}

#[derive(Serialize, Deserialize)]
struct Input {
    path: PathBuf,
    sha256: String,
}

/// A stored warning. The stack file is filled in from the current command line on a hit.
#[derive(Serialize, Deserialize)]
struct Warning {
    code: String,
    path: String,
    line: Option<usize>,
    /// Absent in entries written before columns were reported.
    #[serde(default)]
    column: Option<usize>,
    message: String,
    help: String,
}

impl Cache {
    /// A cache in `dir` for entries made by gen-tf `version`. Entries of other versions are
    /// misses.
    pub(crate) fn new(dir: impl Into<PathBuf>, version: impl Into<String>) -> Self {
        Self {
            dir: dir.into(),
            version: version.into(),
        }
    }

    /// A cache for the running binary: its package version plus the executable's size and
    /// modification time. A rebuilt binary (with new rules or printer, same version number)
    /// must not be served the old binary's output.
    pub(crate) fn for_this_binary(dir: impl Into<PathBuf>) -> Self {
        Self::new(dir, binary_version())
    }

    /// Refuses a cache directory (or this version's directory in it) that is not owned by this
    /// user or that its group or others can write. A missing directory is fine: it is created
    /// private.
    pub(crate) fn verify(&self) -> Result<(), CacheError> {
        for dir in [self.dir.clone(), self.version_dir()] {
            match fs::metadata(&dir) {
                Ok(meta) => {
                    if let Some(why) = insecure(&meta) {
                        return Err(CacheError::Insecure { dir, why });
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(CacheError::Io { dir, source }),
            }
        }
        Ok(())
    }

    /// The cached result of compiling `stack` with `opts`, if every input is unchanged and the
    /// entry passes every check.
    pub(crate) fn get(&self, stack: &Path, opts: &Options) -> Option<Compiled> {
        let (key, hash) = self.key(stack, opts)?;
        let bytes = read_private(&self.entry_path(&hash))?;
        let (header, mut raw) = unseal_entry(&bytes)?;
        let entry: Entry = serde_json::from_slice(header).ok()?;
        if entry.schema != SCHEMA || entry.key != key || !entry.is_sane() {
            return None;
        }
        let mut files = Vec::with_capacity(entry.files.len());
        for f in &entry.files {
            if f.len > raw.len() {
                return None;
            }
            let (content, rest) = raw.split_at(f.len);
            raw = rest;
            if hex(&Sha256::digest(content)) != f.sha256 {
                return None;
            }
            let content = std::str::from_utf8(content).ok()?;
            if !is_output_file(&f.name, content) {
                return None;
            }
            files.push((f.name.clone(), content.to_owned()));
        }
        if !raw.is_empty() {
            return None;
        }
        for input in &entry.inputs {
            if hash_file(&input.path)? != input.sha256 {
                return None;
            }
        }
        let file = stack.display().to_string();
        let mut warnings = Vec::with_capacity(entry.warnings.len());
        for w in entry.warnings {
            // Codes are `&'static str`; one the catalogue does not know comes from another build.
            let rule = rules::find(&w.code)?;
            if rule.severity != Severity::Warning {
                return None;
            }
            warnings.push(Diagnostic {
                code: rule.code,
                severity: Severity::Warning,
                file: file.clone(),
                path: w.path,
                line: w.line,
                column: w.column,
                message: w.message,
                help: w.help,
            });
        }
        Some(Compiled {
            stack_file: stack.to_owned(),
            name: entry.name,
            files,
            warnings,
            inputs: entry.inputs.into_iter().map(|i| i.path).collect(),
            sha256: entry.files.into_iter().map(|f| f.sha256).collect(),
        })
    }

    /// Stores a compilation. Failing to store is not an error for the caller: the next run just
    /// compiles again.
    pub(crate) fn put(&self, stack: &Path, opts: &Options, compiled: &Compiled) -> io::Result<()> {
        let Some((key, hash)) = self.key(stack, opts) else {
            return Ok(());
        };
        let mut inputs = Vec::with_capacity(compiled.inputs.len());
        for path in &compiled.inputs {
            let Some(sha256) = hash_file(path) else {
                return Ok(());
            };
            inputs.push(Input {
                path: path.clone(),
                sha256,
            });
        }
        let entry = Entry {
            schema: SCHEMA.to_owned(),
            key,
            inputs,
            name: compiled.name.clone(),
            files: compiled
                .files
                .iter()
                .map(|(name, content)| File {
                    name: name.clone(),
                    len: content.len(),
                    sha256: hex(&Sha256::digest(content.as_bytes())),
                })
                .collect(),
            warnings: compiled
                .warnings
                .iter()
                .map(|d| Warning {
                    code: d.code.to_owned(),
                    path: d.path.clone(),
                    line: d.line,
                    column: d.column,
                    message: d.message.clone(),
                    help: d.help.clone(),
                })
                .collect(),
        };
        let header = serde_json::to_vec(&entry).map_err(io::Error::other)?;
        let raw: usize = compiled.files.iter().map(|(_, c)| c.len()).sum();
        let sane = entry.is_sane()
            && compiled
                .files
                .iter()
                .all(|(name, content)| is_output_file(name, content));
        if (header.len() + raw) as u64 + 66 > MAX_ENTRY_BYTES || !sane {
            return Ok(());
        }
        // `<sha256 of the header>\n<header>\n<raw file bytes>`: compact JSON has no newline.
        let mut bytes = hex(&Sha256::digest(&header)).into_bytes();
        bytes.reserve(header.len() + raw + 2);
        bytes.push(b'\n');
        bytes.extend_from_slice(&header);
        bytes.push(b'\n');
        for (_, content) in &compiled.files {
            bytes.extend_from_slice(content.as_bytes());
        }
        self.ensure_dir()?;
        write_atomic(&self.entry_path(&hash), &bytes)?;
        // Marks the version as in use, for the clean-up in `ensure_dir`.
        let _ = fs::File::open(self.version_dir())
            .and_then(|d| d.set_modified(std::time::SystemTime::now()));
        Ok(())
    }

    /// A sealed file of this version's directory (the stat index of an output root), if it is
    /// private and intact; `name` is a plain file name.
    pub(crate) fn read_blob(&self, name: &str) -> Option<Vec<u8>> {
        let bytes = read_private(&self.version_dir().join("stat").join(name))?;
        unseal(&bytes).map(<[u8]>::to_vec)
    }

    /// Stores `body` sealed under `name` in this version's directory.
    pub(crate) fn write_blob(&self, name: &str, body: &[u8]) -> io::Result<()> {
        if body.len() as u64 + 65 > MAX_ENTRY_BYTES {
            return Ok(());
        }
        let mut bytes = hex(&Sha256::digest(body)).into_bytes();
        bytes.push(b'\n');
        bytes.extend_from_slice(body);
        self.ensure_dir()?;
        write_atomic(&self.version_dir().join("stat").join(name), &bytes)
    }

    /// The key material and its hash. `None` when the stack cannot be canonicalized (it will
    /// fail to load anyway).
    fn key(&self, stack: &Path, opts: &Options) -> Option<(String, String)> {
        let canonical = stack.canonicalize().ok()?;
        let jpath: Vec<PathBuf> = opts
            .load
            .jpath
            .iter()
            .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
            .collect();
        // The environment reaches the key as Jsonnet's `ENV`.
        let jsonnet = opts.jsonnet();
        let key = serde_json::json!({
            "schema": SCHEMA,
            "version": self.version,
            "format": opts.format.as_str(),
            "stack": canonical,
            "ext_str": jsonnet.ext_str,
            "ext_code": jsonnet.ext_code,
            "jpath": jpath,
            "import_roots": opts.load.import_roots,
        })
        .to_string();
        let hash = hex(&Sha256::digest(key.as_bytes()));
        Some((key, hash))
    }

    /// Entries live in one directory per gen-tf version, so the entries of binaries that are
    /// gone can be removed whole (see [`Cache::ensure_dir`]).
    fn version_dir(&self) -> PathBuf {
        let v = hex(&Sha256::digest(self.version.as_bytes()));
        self.dir.join(format!("{SCHEMA}-{}", &v[..16]))
    }

    fn entry_path(&self, hash: &str) -> PathBuf {
        self.version_dir()
            .join(&hash[..2])
            .join(format!("{hash}.entry"))
    }

    /// Creates the directory, with a `.gitignore` that keeps a cache inside a repository out of
    /// `git status` without the user editing their own `.gitignore`. The first time a gen-tf
    /// version writes here, it removes the entries of versions unused for [`STALE_AFTER`]:
    /// every rebuilt binary is a new version, and nothing else would ever remove their entries.
    fn ensure_dir(&self) -> io::Result<()> {
        let mine = self.version_dir();
        if mine.is_dir() {
            return Ok(());
        }
        create_private(&self.dir)?;
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            write_atomic(
                &ignore,
                b"# Created by gen-tf: the render cache is not source.\n*\n",
            )?;
        }
        create_private(&mine)?;
        let now = std::time::SystemTime::now();
        for e in fs::read_dir(&self.dir)?.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > STALE_AFTER);
            let name = e.file_name().to_string_lossy().into_owned();
            if old && name.starts_with("gen-tf-cache-") && e.path() != mine {
                // Another process may still be using it: its writes then fail and its reads
                // miss, which only costs time.
                let _ = fs::remove_dir_all(e.path());
            }
        }
        Ok(())
    }
}

impl Entry {
    /// Whether every name and path in the entry is one a compilation could have produced: the
    /// module name a valid stack name (so it cannot leave the output root), each file named
    /// once, each input an absolute path. Each file's name and content are checked with
    /// [`is_output_file`] when its bytes are read.
    fn is_sane(&self) -> bool {
        let mut names = std::collections::BTreeSet::new();
        StackName::new(self.name.as_str()).is_ok()
            && !self.inputs.is_empty()
            && self.inputs.iter().all(|i| i.path.is_absolute())
            && self
                .files
                .iter()
                .all(|f| names.insert(&f.name) && f.sha256.len() == 64)
    }
}

/// A file name a module can have (one plain, visible component ending in `.tf`, `.tf.json` or
/// `.md`) with content that starts the way gen-tf starts that kind of file.
fn is_output_file(name: &str, content: &str) -> bool {
    let plain = Path::new(name).components().count() == 1
        && matches!(
            Path::new(name).components().next(),
            Some(Component::Normal(_))
        )
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let header = |h: &str| content.lines().next() == Some(h);
    plain
        && if name.ends_with(".tf.json") {
            content.starts_with('{')
                && content.contains(crate::emit::HEADER.trim_start_matches("# "))
        } else if name.ends_with(".tf") {
            header(crate::emit::HEADER)
        } else if name.ends_with(".md") {
            header(crate::lower::readme::README_HEADER)
        } else {
            false
        }
}

/// The JSON header of an entry (`<sha256 of the header>\n<header>\n<raw bytes>`), if its hash
/// matches, and the raw bytes after it (each file checks its own hash).
fn unseal_entry(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (hash, rest) = (&bytes[..newline], &bytes[newline + 1..]);
    let end = rest.iter().position(|&b| b == b'\n')?;
    let (header, raw) = (&rest[..end], &rest[end + 1..]);
    (hash == hex(&Sha256::digest(header)).as_bytes()).then_some((header, raw))
}

/// The body of a sealed entry (`<sha256 of the body>\n<body>`), if the hash matches.
fn unseal(bytes: &[u8]) -> Option<&[u8]> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (hash, body) = (&bytes[..newline], &bytes[newline + 1..]);
    (hash == hex(&Sha256::digest(body)).as_bytes()).then_some(body)
}

/// Why a directory's metadata lets someone else write it, if it does.
fn insecure(meta: &fs::Metadata) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        let mode = meta.mode() & 0o7777;
        if meta.uid() != me {
            return Some(format!("owned by another user (uid {})", meta.uid()));
        }
        if mode & 0o002 != 0 {
            return Some(format!("writable by others (mode {mode:04o})"));
        }
        if mode & 0o020 != 0 {
            return Some(format!("writable by its group (mode {mode:04o})"));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    None
}

/// Creates `dir` and any missing parents, readable and writable only by this user.
fn create_private(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// How long the entries of a gen-tf version are kept after it last stored one.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(14 * 24 * 3600);

/// The default cache directory: `$XDG_CACHE_HOME/gen-tf`, else `~/.cache/gen-tf`. Projects use
/// `.gen-tf/cache` next to `gen-tf.toml` instead (see `cli`).
pub(crate) fn user_cache_dir() -> Option<PathBuf> {
    let non_empty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    non_empty("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| non_empty("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("gen-tf"))
}

/// `CARGO_PKG_VERSION+<size>.<mtime>` of the running executable.
pub(crate) fn binary_version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let stamp = std::env::current_exe()
        .and_then(fs::metadata)
        .map(|m| {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}.{mtime}", m.len())
        })
        .unwrap_or_default();
    format!("{version}+{stamp}")
}

/// The SHA-256 of an input: a regular file within the stack size limit (a FIFO or device
/// swapped in, or a file grown past the limit, is a miss; loading then reports it).
fn hash_file(path: &Path) -> Option<String> {
    let bytes = load::read_regular(path, load::MAX_FILE_BYTES).ok()?;
    Some(hex(&Sha256::digest(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// An entry's bytes, if its shard directory and the entry itself are private: not symlinks, owned
/// by this user, writable by neither group nor others. [`Cache::verify`] checks the directories
/// above; with this, every directory on the path to an entry, and the entry, is checked, so
/// nobody else can have replaced it. Anything else is a miss (and `put` does not write there).
fn read_private(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let shard = path.parent()?;
    if !is_private_dir(shard) {
        return None;
    }
    let (file, len) = load::open_regular(path).ok()?;
    let meta = file.metadata().ok()?;
    if insecure(&meta).is_some() || len > MAX_ENTRY_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_ENTRY_BYTES).then_some(bytes)
}

/// A directory (not a symlink) that only this user can write.
fn is_private_dir(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir() && insecure(&m).is_none())
}

/// A temporary file with a random name (created with `O_EXCL`), renamed over the entry. Two
/// runs writing the same entry both rename complete files; the last one wins.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    create_private(dir)?;
    if !is_private_dir(dir) {
        return Err(io::Error::other(format!(
            "{} is not private to this user",
            dir.display()
        )));
    }
    // Registered like the output's temporary files, so an interrupt removes it.
    let mut temps = crate::interrupt::temps();
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    crate::interrupt::add_temp(&mut temps, tmp.path());
    drop(temps);
    tmp.write_all(bytes)?;
    let from = tmp.path().to_owned();
    let mut temps = crate::interrupt::temps();
    tmp.persist(path).map_err(|e| e.error)?;
    crate::interrupt::forget_temp(&mut temps, &from);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;

    fn compiled(stack: &Path, inputs: Vec<PathBuf>) -> Compiled {
        Compiled {
            stack_file: stack.to_owned(),
            name: "s".to_owned(),
            files: vec![("a.tf".to_owned(), format!("{}\nx\n", crate::emit::HEADER))],
            warnings: Vec::new(),
            inputs,
            sha256: Vec::new(),
        }
    }

    #[test]
    fn corrupt_entries_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let stack = dir.path().join("s.json");
        fs::write(&stack, "{}").unwrap();
        let cache = Cache::new(dir.path().join("cache"), "1");
        let opts = Options::default();
        cache
            .put(&stack, &opts, &compiled(&stack, vec![stack.clone()]))
            .unwrap();
        assert!(cache.get(&stack, &opts).is_some());
        let (_, hash) = cache.key(&stack, &opts).unwrap();
        let entry = cache.entry_path(&hash);
        let text = fs::read(&entry).unwrap();
        fs::write(&entry, &text[..text.len() / 2]).unwrap();
        assert!(cache.get(&stack, &opts).is_none());
        fs::write(&entry, b"").unwrap();
        assert!(cache.get(&stack, &opts).is_none());
        // The cache keeps itself out of git.
        assert!(dir.path().join("cache/.gitignore").is_file());
    }

    #[test]
    fn file_bytes_are_raw_after_the_header_and_each_checked_by_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let stack = dir.path().join("s.json");
        fs::write(&stack, "{}").unwrap();
        let cache = Cache::new(dir.path().join("cache"), "1");
        let opts = Options::default();
        let c = compiled(&stack, vec![stack.clone()]);
        cache.put(&stack, &opts, &c).unwrap();
        let got = cache.get(&stack, &opts).unwrap();
        assert_eq!(got.files, c.files);
        assert_eq!(
            got.sha256,
            vec![hex(&Sha256::digest(c.files[0].1.as_bytes()))]
        );
        let (_, hash) = cache.key(&stack, &opts).unwrap();
        let entry = cache.entry_path(&hash);
        let bytes = fs::read(&entry).unwrap();
        assert!(
            bytes.ends_with(c.files[0].1.as_bytes()),
            "the content is raw"
        );
        // A changed byte in the content (the header's seal still holds), a byte more, a byte
        // less: each a miss.
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() = b'y';
        let longer = [&bytes[..], b"\n"].concat();
        for bad in [flipped, longer, bytes[..bytes.len() - 1].to_vec()] {
            fs::write(&entry, bad).unwrap();
            assert!(cache.get(&stack, &opts).is_none());
        }
        fs::write(&entry, bytes).unwrap();
        assert!(cache.get(&stack, &opts).is_some());
    }

    #[test]
    fn a_new_version_removes_versions_unused_for_two_weeks() {
        let dir = tempfile::tempdir().unwrap();
        let stack = dir.path().join("s.json");
        fs::write(&stack, "{}").unwrap();
        let root = dir.path().join("cache");
        let month_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(30 * 86400);
        for name in ["gen-tf-cache-1-old", "gen-tf-cache-1-recent", "not-ours"] {
            fs::create_dir_all(root.join(name).join("ab")).unwrap();
        }
        for name in ["gen-tf-cache-1-old", "not-ours"] {
            let d = fs::File::open(root.join(name)).unwrap();
            d.set_modified(month_ago).unwrap();
        }
        let cache = Cache::new(&root, "2");
        cache
            .put(
                &stack,
                &Options::default(),
                &compiled(&stack, vec![stack.clone()]),
            )
            .unwrap();
        assert!(!root.join("gen-tf-cache-1-old").exists());
        assert!(root.join("gen-tf-cache-1-recent").exists());
        assert!(root.join("not-ours").exists());
        assert!(cache.get(&stack, &Options::default()).is_some());
    }

    #[test]
    fn key_covers_ext_vars_jpath_format_and_version() {
        let dir = tempfile::tempdir().unwrap();
        let stack = dir.path().join("s.json");
        fs::write(&stack, "{}").unwrap();
        let base = Options::default();
        let key = |c: &Cache, o: &Options| c.key(&stack, o).unwrap().1;
        let c1 = Cache::new(dir.path(), "1");
        let with = |f: &dyn Fn(&mut LoadOptions)| {
            let mut o = base.clone();
            f(&mut o.load);
            key(&c1, &o)
        };
        let k = key(&c1, &base);
        assert_ne!(k, key(&Cache::new(dir.path(), "2"), &base));
        assert_ne!(k, with(&|l| l.ext_str.push(("ENV".into(), "dev".into()))));
        assert_ne!(k, with(&|l| l.ext_code.push(("N".into(), "1".into()))));
        assert_ne!(k, with(&|l| l.jpath.push("lib".into())));
        let json = Options {
            format: crate::pipeline::Format::Json,
            ..base.clone()
        };
        assert_ne!(k, key(&c1, &json));
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    /// A stack that imports `lib/common.libsonnet`, which imports `lib/sizes.libsonnet`, and
    /// reads `ENV`: an edit two imports deep must change the key.
    fn project(dir: &Path) {
        write(
            dir,
            "lib/sizes.libsonnet",
            "{ small: { cpu: 256, memory: 512 } }\n",
        );
        write(
            dir,
            "lib/common.libsonnet",
            "local sizes = import 'sizes.libsonnet';\n{ service: sizes.small { port: 8080 } }\n",
        );
        write(
            dir,
            "stacks/alpha.jsonnet",
            "local c = import 'common.libsonnet';\n\
             { name: 'alpha', tags: { env: std.extVar('ENV') }, services: { api: c.service } }\n",
        );
    }

    fn options(env: &str) -> Options {
        Options {
            load: LoadOptions {
                jpath: vec![PathBuf::from("lib")],
                ..Default::default()
            },
            env: Some(env.to_owned()),
            ..Default::default()
        }
    }

    /// The cache through the library: each of an imported file (two levels deep), an external
    /// variable and the gen-tf version changes the answer.
    #[test]
    fn cache_is_invalidated_by_imports_ext_vars_and_version() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        project(dir);
        // Options name `lib` relative to the current directory; use absolute paths instead.
        let stack = dir.join("stacks/alpha.jsonnet");
        let opts = |env: &str| {
            let mut o = options(env);
            o.load.jpath = vec![dir.join("lib")];
            o
        };
        let cache = Cache::new(dir.join("cache"), "1.0.0");
        assert!(cache.get(&stack, &opts("dev")).is_none(), "cold");
        let compiled = crate::pipeline::compile(&stack, &opts("dev")).unwrap();
        assert_eq!(
            compiled.inputs.len(),
            3,
            "the stack and both libraries: {:?}",
            compiled.inputs
        );
        cache.put(&stack, &opts("dev"), &compiled).unwrap();
        let hit = cache.get(&stack, &opts("dev")).expect("warm");
        assert_eq!(hit.files, compiled.files);
        assert_eq!(hit.name, "alpha");

        // Another ext var value is another entry.
        assert!(cache.get(&stack, &opts("prd")).is_none(), "ext var");
        // Another version is a miss.
        assert!(
            Cache::new(dir.join("cache"), "1.0.1")
                .get(&stack, &opts("dev"))
                .is_none(),
            "version"
        );
        // An edit to a file the stack imports through another import is a miss ...
        write(
            dir,
            "lib/sizes.libsonnet",
            "{ small: { cpu: 256, memory: 1024 } }\n",
        );
        assert!(cache.get(&stack, &opts("dev")).is_none(), "imported file");
        // ... and so is restoring nothing but whitespace: the content hash decides, not mtime.
        write(
            dir,
            "lib/sizes.libsonnet",
            "{ small: { cpu: 256, memory: 512 } }\n",
        );
        assert!(
            cache.get(&stack, &opts("dev")).is_some(),
            "same bytes again"
        );
        write(
            dir,
            "lib/sizes.libsonnet",
            "{ small: { cpu: 256, memory: 512 } } \n",
        );
        assert!(cache.get(&stack, &opts("dev")).is_none(), "any byte counts");
    }

    /// Threads in one process on one entry: every read finds a complete entry, and nothing but
    /// that sealed entry is left (`tests/workflow.rs` runs processes at once).
    #[test]
    fn threads_on_one_entry_never_see_a_partial_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        project(dir);
        let stack = dir.join("stacks/alpha.jsonnet");
        let mut opts = options("dev");
        opts.load.jpath = vec![dir.join("lib")];
        let compiled = crate::pipeline::compile(&stack, &opts).unwrap();
        let cache = Cache::new(dir.join(".gen-tf/cache"), "threads");
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..50 {
                        cache.put(&stack, &opts, &compiled).unwrap();
                        let got = cache
                            .get(&stack, &opts)
                            .expect("an entry is always complete");
                        assert_eq!(got.files, compiled.files);
                    }
                });
            }
        });
        let mut entries = 0;
        for e in walkdir::WalkDir::new(dir.join(".gen-tf/cache"))
            .into_iter()
            .filter_map(Result::ok)
        {
            let name = e.file_name().to_string_lossy();
            assert!(
                !name.starts_with(".tmp-"),
                "no temporary file is left: {name}"
            );
            if name.ends_with(".entry") {
                let bytes = fs::read(e.path()).unwrap();
                let (header, raw) = unseal_entry(&bytes).expect("a complete, sealed entry");
                let header: serde_json::Value = serde_json::from_slice(header).unwrap();
                let lens: u64 = header["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["len"].as_u64().unwrap())
                    .sum();
                assert_eq!(
                    lens,
                    raw.len() as u64,
                    "every file's bytes, and nothing more"
                );
                entries += 1;
            }
        }
        assert_eq!(entries, 1, "one from the threads");
    }
}

//! Stack files -> `serde_json::Value`.
//!
//! Jsonnet, JSON, YAML and TOML all end up as the same JSON value, so every later stage sees
//! one input shape. Loading treats the file as hostile: size, recursion, encoding and odd
//! values are errors, never panics or stack overflows.

mod data;
mod error;
mod file;
mod guard;
mod jsonnet;
mod line;
pub mod sandbox;
#[cfg(test)]
mod tests;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::thread;

pub use error::{LoadError, Location};
pub use file::{open_regular, read_head, read_regular, strip_bom, FileError};
pub use line::{line_col_of, line_of};
pub use sandbox::Evaluator;

/// The embedded `gen-tf.libsonnet`, importable from any stack without a path.
pub const LIBSONNET: &str = include_str!("gen-tf.libsonnet");

/// The name under which [`LIBSONNET`] is imported.
pub const LIBSONNET_NAME: &str = "gen-tf.libsonnet";

/// Larger inputs are refused: no real stack comes close, and a limit keeps a stray `-J` to a
/// data directory or a hostile import from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Evaluation runs on its own thread with this much stack, so deep but legitimate nesting
/// never reaches the guard page. Jsonnet's own call depth limit still applies.
const EVAL_STACK_BYTES: usize = 256 << 20;

/// What the `jsonnet` CLI takes on its command line; ignored for JSON, YAML and TOML.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `-V KEY=VALUE`: string external variables.
    pub ext_str: Vec<(String, String)>,
    /// `--ext-code KEY=CODE`: external variables given as Jsonnet expressions.
    pub ext_code: Vec<(String, String)>,
    /// `-J DIR`: searched, in order, after the importing file's own directory.
    pub jpath: Vec<PathBuf>,
    /// Where Jsonnet is evaluated: on a thread here, or in a child process with a memory limit.
    pub evaluator: Evaluator,
    /// The directories imports may read from (canonical paths), besides the stack file's own
    /// directory; `None` allows any file. The CLI gives the working directory, the project's
    /// directory and the `-J` directories, unless `--allow-import-outside`.
    pub import_roots: Option<Vec<PathBuf>>,
}

/// A loaded stack.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub value: serde_json::Value,
    /// Every file the stack read, itself first, then every file imported (transitively, via
    /// import/importstr/importbin), canonical paths, deduplicated, sorted after the first.
    /// Used as a cache key later. The embedded libsonnet is not listed: it is versioned with
    /// the binary.
    pub files: Vec<PathBuf>,
    /// The stack file's source text (for mapping JSON paths to lines).
    pub source: String,
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Jsonnet,
    Json,
    Yaml,
    Toml,
}

/// Loads one stack file, choosing the parser by extension.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let extension = path.extension().and_then(|e| e.to_str());
    let format = match extension.map(str::to_ascii_lowercase).as_deref() {
        Some("jsonnet" | "libsonnet") => Format::Jsonnet,
        Some("json") => Format::Json,
        Some("yaml" | "yml") => Format::Yaml,
        Some("toml") => Format::Toml,
        _ => {
            return Err(LoadError::UnsupportedExtension {
                path: path.to_owned(),
                extension: path.extension().map(|e| e.to_string_lossy().into_owned()),
            })
        }
    };
    let bytes = read_limited(path)?;
    let mut source = String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: path.to_owned(),
        line: line_at_byte(e.as_bytes(), e.utf8_error().valid_up_to()),
    })?;
    if source.starts_with('\u{feff}') {
        source.drain(..'\u{feff}'.len_utf8());
    }
    let canonical = path.canonicalize().map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;

    let (value, mut imports) = match (&opts.evaluator, format) {
        (Evaluator::Child { exe, memory_limit }, Format::Jsonnet) => {
            sandbox::evaluate(exe, *memory_limit, path, &canonical, &source, opts)?
        }
        _ => {
            let job = Job {
                path: path.to_owned(),
                canonical: canonical.clone(),
                source: source.clone(),
                opts: opts.clone(),
                format,
            };
            run_isolated(path, EVAL_STACK_BYTES, move || job.run())?
        }
    };
    imports.retain(|p| *p != canonical);
    imports.sort();
    imports.dedup();
    let mut files = Vec::with_capacity(imports.len() + 1);
    files.push(canonical);
    files.extend(imports);
    Ok(Loaded {
        value,
        files,
        source,
    })
}

/// Reads at most [`MAX_FILE_BYTES`] of a regular file; shared with the import resolver so
/// imports obey the same limit. Directories, FIFOs and devices are refused before they are
/// opened, since they could block or never end.
pub(crate) fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_regular(path, MAX_FILE_BYTES).map_err(|e| match e {
        FileError::NotAFile => LoadError::NotAFile {
            path: path.to_owned(),
        },
        FileError::TooLarge { .. } => LoadError::TooLarge {
            path: path.to_owned(),
        },
        FileError::Io(source) => LoadError::Read {
            path: path.to_owned(),
            source,
        },
    })
}

/// 1-based line of a byte offset, for pointing at bad bytes.
fn line_at_byte(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Everything the worker thread needs, owned, because the evaluator's values are not `Send`.
struct Job {
    path: PathBuf,
    canonical: PathBuf,
    source: String,
    opts: LoadOptions,
    format: Format,
}

impl Job {
    fn run(self) -> Result<(serde_json::Value, Vec<PathBuf>), LoadError> {
        match self.format {
            Format::Jsonnet => {
                jsonnet::evaluate(&self.path, &self.canonical, self.source, &self.opts)
            }
            Format::Json => data::json(&self.path, &self.source).map(|v| (v, Vec::new())),
            Format::Yaml => data::yaml(&self.path, &self.source).map(|v| (v, Vec::new())),
            Format::Toml => data::toml(&self.path, &self.source).map(|v| (v, Vec::new())),
        }
    }
}

/// Runs `f` on a thread with `stack_bytes` of stack and turns a panic into
/// [`LoadError::Internal`], so no input can take the whole process down.
fn run_isolated<T: Send + 'static>(
    path: &Path,
    stack_bytes: usize,
    f: impl FnOnce() -> Result<T, LoadError> + Send + 'static,
) -> Result<T, LoadError> {
    let internal = |message: String| LoadError::Internal {
        path: path.to_owned(),
        message,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    thread::Builder::new()
        .name("gen-tf-load".to_owned())
        .stack_size(stack_bytes)
        .spawn(move || {
            let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
        })
        .map_err(|e| internal(format!("cannot start the evaluator thread: {e}")))?;
    // jrsonnet has no step limit, so a stack that loops (or, in process, builds a huge value)
    // would run for ever. A deadline turns that into an error; the evaluator thread is abandoned
    // and ends with the process. (The gen-tf binary evaluates in a child process, which also has
    // a memory limit and is killed at the deadline: see `sandbox`.)
    let limit = eval_timeout();
    match rx.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => Err(internal(panic_message(payload.as_ref()))),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(LoadError::Timeout {
            path: path.to_owned(),
            seconds: limit.as_secs(),
        }),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(internal(
            "the evaluator thread ended without a result".to_owned(),
        )),
    }
}

/// How long one stack may take to load: `GEN_TF_EVAL_TIMEOUT_SECS`, default 60 s. A real stack
/// of a thousand services evaluates in well under a second.
fn eval_timeout() -> std::time::Duration {
    // Checked when the command starts (`check_eval_timeout`); a bad value never gets here.
    std::time::Duration::from_secs(check_eval_timeout().unwrap_or(60))
}

/// The longest evaluation deadline: a day. Larger values (up to `u64::MAX`) would overflow
/// the deadline's arithmetic.
pub const MAX_EVAL_TIMEOUT_SECS: u64 = 86_400;

/// `GEN_TF_EVAL_TIMEOUT_SECS` in seconds (60 when unset or empty), capped at
/// [`MAX_EVAL_TIMEOUT_SECS`]; anything but a whole number of at least 1 is an error that says
/// what is accepted.
pub fn check_eval_timeout() -> Result<u64, String> {
    let Some(raw) = std::env::var_os("GEN_TF_EVAL_TIMEOUT_SECS") else {
        return Ok(60);
    };
    let text = raw.to_string_lossy();
    if text.trim().is_empty() {
        return Ok(60);
    }
    let shown = crate::report::escape_controls(&crate::diag::clip(&text, 40), false).into_owned();
    let digits = text.trim();
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.bytes().all(|b| b == b'0')
    {
        return Err(format!(
            "GEN_TF_EVAL_TIMEOUT_SECS={shown:?} is not a whole number of seconds from 1 to {MAX_EVAL_TIMEOUT_SECS}; unset it for the default of 60"
        ));
    }
    // All digits: only a value past u64 fails to parse, and it is capped like any large one.
    Ok(digits
        .parse::<u64>()
        .unwrap_or(u64::MAX)
        .min(MAX_EVAL_TIMEOUT_SECS))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the evaluator panicked".to_owned())
}

//! Stack files -> `serde_json::Value`.
//!
//! Jsonnet, JSON, YAML and TOML all end up as the same JSON value, so every later stage sees
//! one input shape. Loading treats the file as hostile: size, recursion, encoding and odd
//! values are errors, never panics or stack overflows.

mod data;
mod error;
mod file;
mod guard;
mod isolate;
mod jsonnet;
mod limits;
mod line;
mod options;
pub(crate) mod sandbox;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use error::LoadError;
pub(crate) use file::{open_regular, read_head, read_regular, strip_bom, FileError};
pub(crate) use limits::{check_eval_timeout, MAX_FILE_BYTES};
pub(crate) use line::line_col_of;
pub use line::line_of;
pub(crate) use options::Evaluator;
pub use options::LoadOptions;

pub(crate) use isolate::read_limited;
use isolate::run_isolated;
use limits::EVAL_STACK_BYTES;

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

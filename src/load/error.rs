//! The one error type of the load stage.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::limits::{format_bytes, MAX_FILE_BYTES};

/// A place in a source file, for messages that point the user at the exact spot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file as the user would recognise it: the stack path as given, a path relative to
    /// the stack's directory, or a marker such as `<embedded gen-tf.libsonnet>`.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Why a stack could not be turned into a JSON value.
///
/// Every variant carries `path`, the stack file as the caller passed it, so a driver that
/// loads many stacks can say which one failed even when the message points into an import.
///
/// It is serializable because Jsonnet is evaluated in a child process (see `sandbox`), which
/// sends its error back whole.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Serialize, Deserialize)]
pub enum LoadError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        #[serde(with = "io_error")]
        source: io::Error,
    },

    #[error("{}: not a regular file", path.display())]
    NotAFile { path: PathBuf },

    #[error(
        "{}: file is larger than the {} MiB limit for stacks",
        path.display(),
        MAX_FILE_BYTES >> 20
    )]
    TooLarge { path: PathBuf },

    #[error("{}:{line}: not valid UTF-8; stacks must be UTF-8 text", path.display())]
    NotUtf8 { path: PathBuf, line: usize },

    #[error(
        "{}: unsupported file extension {}; a stack must end in .jsonnet, .libsonnet, .json, .yaml, .yml or .toml",
        path.display(),
        extension.as_deref().map_or_else(|| "(none)".to_owned(), |e| format!("`.{e}`"))
    )]
    UnsupportedExtension {
        path: PathBuf,
        extension: Option<String>,
    },

    /// A key given twice in one JSON object. JSON parsers keep one of them (serde's the last),
    /// so a value the author wrote would silently not count.
    #[error(
        "{}: `{json_path}` is given twice{}; JSON keeps only one of them, so one value would be lost",
        path.display(),
        lines(*first_line, *line)
    )]
    DuplicateKey {
        path: PathBuf,
        json_path: String,
        /// Where the first one is, when the scanner can tell.
        first_line: Option<usize>,
        line: usize,
    },

    /// A JSON, YAML or TOML syntax error.
    #[error("{}: invalid {format}: {message}", at_or_path(at.as_ref(), path))]
    Syntax {
        path: PathBuf,
        /// `JSON`, `YAML` or `TOML`.
        format: Cow<'static, str>,
        at: Option<Location>,
        message: String,
    },

    #[error(
        "{}: the YAML stream holds {documents} documents; a stack must be exactly one",
        path.display()
    )]
    MultiDocumentYaml { path: PathBuf, documents: usize },

    /// `std.extVar` of a name nobody passed.
    #[error(
        "{}: external variable `{name}` is not set; pass it with `-V {name}=VALUE` (a string) or `--ext-code {name}=CODE` (a Jsonnet expression)",
        at_or_path(at.as_ref(), path)
    )]
    MissingExtVar {
        path: PathBuf,
        name: String,
        at: Option<Location>,
    },

    /// The Jsonnet call depth limit was hit, almost always unbounded recursion.
    #[error(
        "{}: max stack frames exceeded ({limit} nested calls); is there a recursive function without a base case?{}",
        at_or_path(at.as_ref(), path),
        Frames(trace)
    )]
    Recursion {
        path: PathBuf,
        limit: usize,
        at: Option<Location>,
        trace: Vec<String>,
    },

    /// Any other Jsonnet error, syntax or runtime. `trace` holds the innermost frames first,
    /// already formatted as `file:line:col: description`.
    #[error("{}: {message}{}", at_or_path(at.as_ref(), path), Frames(trace))]
    Jsonnet {
        path: PathBuf,
        at: Option<Location>,
        message: String,
        trace: Vec<String>,
    },

    /// Jsonnet source nested so deeply that parsing it could overflow the stack.
    #[error(
        "{}: nested deeper than {limit} levels; gen-tf refuses it rather than risk a stack overflow",
        path.display()
    )]
    TooDeep { path: PathBuf, limit: usize },

    /// The document parsed but holds something JSON cannot: a function, an infinite number,
    /// a YAML tag, nesting deeper than the limit. `json_path` is empty for the top level.
    #[error("{}: {} is {what}; a stack must be plain data", path.display(), subject(json_path))]
    NotData {
        path: PathBuf,
        json_path: String,
        what: String,
    },

    /// Evaluation ran past its deadline: almost always a stack that loops over a huge range.
    #[error(
        "{}: evaluation did not finish within {seconds} s; does the stack loop over a huge std.range or build an enormous value? Set GEN_TF_EVAL_TIMEOUT_SECS to allow longer",
        path.display()
    )]
    Timeout { path: PathBuf, seconds: u64 },

    /// Evaluation needed more memory than the limit: almost always a stack that builds an
    /// enormous value. Only Jsonnet evaluates; the other formats are bounded by the file size.
    #[error(
        "{}: evaluation needed more than the memory limit of {}; does the stack build an enormous value (a huge std.makeArray, std.range or std.repeat)? Raise the limit with --memory-limit or GEN_TF_MEMORY_LIMIT",
        path.display(),
        format_bytes(*limit)
    )]
    MemoryLimit { path: PathBuf, limit: u64 },

    /// A bug in gen-tf or the Jsonnet evaluator (a caught panic), reported instead of a crash.
    #[error("{}: internal error while loading: {message}", path.display())]
    Internal { path: PathBuf, message: String },
}

impl LoadError {
    /// The stack frames under the message (innermost first), which its text ends with, each on
    /// a line of its own after four spaces.
    pub fn trace(&self) -> &[String] {
        match self {
            Self::Recursion { trace, .. } | Self::Jsonnet { trace, .. } => trace,
            _ => &[],
        }
    }

    /// The stack file the error belongs to, as the caller passed it.
    pub fn path(&self) -> &Path {
        match self {
            Self::Read { path, .. }
            | Self::NotAFile { path }
            | Self::TooLarge { path }
            | Self::DuplicateKey { path, .. }
            | Self::MemoryLimit { path, .. }
            | Self::NotUtf8 { path, .. }
            | Self::UnsupportedExtension { path, .. }
            | Self::Syntax { path, .. }
            | Self::MultiDocumentYaml { path, .. }
            | Self::MissingExtVar { path, .. }
            | Self::Recursion { path, .. }
            | Self::Jsonnet { path, .. }
            | Self::TooDeep { path, .. }
            | Self::NotData { path, .. }
            | Self::Timeout { path, .. }
            | Self::Internal { path, .. } => path,
        }
    }
}

/// `json_path` as the subject of a sentence.
pub(super) fn subject(json_path: &str) -> String {
    // Paths into absurdly deep values would otherwise fill the screen.
    const SHOWN: usize = 100;
    if json_path.is_empty() {
        "the top-level value".to_owned()
    } else if json_path.chars().count() > SHOWN {
        let head: String = json_path.chars().take(SHOWN).collect();
        format!("`{head}…`")
    } else {
        format!("`{json_path}`")
    }
}

/// ` (lines 5 and 7)`, or ` (line 7)` when the first place is not known.
fn lines(first: Option<usize>, second: usize) -> String {
    match first {
        Some(first) if first != second => format!(" (line {first} and line {second})"),
        _ => format!(" (line {second})"),
    }
}

/// `io::Error` as its message, for the evaluator's reply.
mod io_error {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::io;

    pub(super) fn serialize<S: Serializer>(e: &io::Error, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&e.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<io::Error, D::Error> {
        String::deserialize(d).map(io::Error::other)
    }
}

fn at_or_path(at: Option<&Location>, path: &Path) -> String {
    at.map_or_else(|| path.display().to_string(), Location::to_string)
}

/// Stack frames, one per indented line, so the first line of the message stays readable on
/// its own.
struct Frames<'a>(&'a [String]);

impl fmt::Display for Frames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for frame in self.0 {
            write!(f, "\n    {frame}")?;
        }
        Ok(())
    }
}

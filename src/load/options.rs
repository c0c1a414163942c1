//! What loading is told: external variables, import paths, and where Jsonnet runs.

use std::path::PathBuf;

/// The embedded `gen-tf.libsonnet`, importable from any stack without a path.
pub(super) const LIBSONNET: &str = include_str!("gen-tf.libsonnet");

/// The name under which [`LIBSONNET`] is imported.
pub(super) const LIBSONNET_NAME: &str = "gen-tf.libsonnet";

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

/// How Jsonnet is evaluated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Evaluator {
    /// On a thread of this process, with only the deadline: what the library does unless told
    /// otherwise, and `--memory-limit off`.
    #[default]
    InProcess,
    /// In a child process of `exe` (the gen-tf binary) whose address space is capped at
    /// `memory_limit` bytes.
    Child { exe: PathBuf, memory_limit: u64 },
}

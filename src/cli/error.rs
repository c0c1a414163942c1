//! Why a command failed, and the exit code that says so.

use std::io;
use std::path::PathBuf;

use crate::project::{self, ProjectError};

/// A failed command. Some failures are already on the terminal by the time they come back
/// (diagnostics, a diff, the list of changed files): [`CliError::is_reported`] says so, and
/// [`run`](super::run) prints only the others, as `gen-tf: <message>`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// Diagnostics were printed and at least one of them fails the run (an error, or a warning
    /// under `--deny-warnings`).
    #[error("the stacks have errors")]
    Diagnostics,
    /// A stack file could not be read at all (printed as a `load` diagnostic).
    #[error("a stack file could not be read")]
    Unreadable,
    /// `check`: generated files on disk differ from the build (the diff is printed).
    #[error("{count} file(s) out of date")]
    Drift { count: usize },
    /// `build --fail-on-change`: the build wrote or removed files (they are listed).
    #[error("the build changed {count} file(s)")]
    Changed { count: usize },
    /// Writing to stdout failed with something other than a closed pipe. Nothing more is
    /// printed, as before this enum existed.
    #[error("cannot write to stdout: {0}")]
    Stdout(#[source] io::Error),

    #[error(
        "no PATHS given and no {} found in the current directory or its parents; name stack \
         files or directories, or run `gen-tf init`",
        project::FILE_NAME
    )]
    NoPaths,
    #[error("no stack files found (looked for .jsonnet, .json, .yaml, .yml and .toml)")]
    NoStacks,
    #[error("{}: no such file or directory", path.display())]
    NoSuchPath { path: PathBuf },
    /// A directory of stacks could not be searched; walkdir's message names the path.
    #[error("{source}")]
    Search {
        path: PathBuf,
        #[source]
        source: walkdir::Error,
    },
    #[error("--env needs a gen-tf.toml with [environments]")]
    EnvWithoutProject,
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// `-V` given to a command that reads no stacks.
    #[error("-V/--ext-str sets a Jsonnet variable, and `gen-tf {command}` reads no stacks; for the version, run `gen-tf --version`")]
    ExtStrUnused { command: &'static str },
    #[error("check compares with a directory; `-o -` is for build")]
    CheckToStdout,
    #[error("unknown rule code `{code}`.{} Known codes: {}", did_you_mean(suggestion.as_deref()), known.join(", "))]
    UnknownRule {
        code: String,
        suggestion: Option<String>,
        known: Vec<&'static str>,
    },

    #[error(
        "another gen-tf run is {} {} (it holds the lock on that directory); wait for it to finish, or pass --wait-lock to wait",
        if *writing { "writing" } else { "using" },
        path.display()
    )]
    Locked {
        path: PathBuf,
        /// The other run writes (this one only reads).
        writing: bool,
    },
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
    /// `gen-tf import`: describe output that cannot be read, or nowhere to write.
    #[error("{0}")]
    Import(String),
    #[error(transparent)]
    Fs(#[from] crate::write::FsError),
    /// `build --verify` cannot run: Terraform is missing, or the modules go to stdout.
    #[error("--verify: {0}")]
    Verify(String),
    #[error("--memory-limit: {0}")]
    MemoryLimit(String),
    #[error("the Jsonnet evaluator failed: {0}")]
    Evaluator(#[source] io::Error),
    /// `rightsize`: services without a recommendation (each says why).
    #[error("{count} service(s) got no recommendation")]
    Refused { count: usize },
    /// `cost`: stacks the price file cannot price (each named), left out of every total; the
    /// report is printed, but the estimate is not the whole of what was asked for.
    #[error("{count} stack(s) not priced and left out of every total (see above)")]
    Unpriced { count: usize },
    /// `diff --deny-risk`: risky changes (each printed).
    #[error("{count} risky change(s), denied by --deny-risk")]
    Risky { count: usize },
    /// `diff --base` or `--base-dir`: the base tree cannot be read (the message names the flag).
    #[error("{0}")]
    Base(String),
    #[error(transparent)]
    Prices(#[from] crate::cost::prices::PriceError),
    #[error(transparent)]
    PriceList(#[from] crate::cost::price_list::PriceListError),
    #[error(transparent)]
    Cost(crate::cost::CostError),
    #[error(transparent)]
    Metrics(#[from] crate::cost::metrics::MetricsError),
    /// `rightsize`: metrics that cannot be matched to a service, or a stack that cannot be reread.
    #[error("{0}")]
    Rightsize(String),

    /// An environment variable or setting with a value gen-tf does not accept.
    #[error("{0}")]
    Setting(String),
    /// The output root cannot be used: a symlink, a file, a device (the message says which).
    #[error("{0}")]
    OutputRoot(String),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot create {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" Did you mean `{s}`?"))
        .unwrap_or_default()
}

impl CliError {
    /// 1 for findings in the stacks or drift on disk, 2 for usage and I/O failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Diagnostics
            | Self::Drift { .. }
            | Self::Changed { .. }
            | Self::Refused { .. }
            | Self::Unpriced { .. }
            | Self::Risky { .. } => 1,
            _ => 2,
        }
    }

    /// Whether the command has already told the user everything there is to say.
    pub fn is_reported(&self) -> bool {
        matches!(
            self,
            Self::Diagnostics
                | Self::Unreadable
                | Self::Drift { .. }
                | Self::Changed { .. }
                | Self::Refused { .. }
                | Self::Stdout(_)
        )
    }
}

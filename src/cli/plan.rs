//! What a command works on: the project file (`gen-tf.toml`) and the flags merged into the
//! stacks, the targets (environments with their external variables), the output root and
//! layout, the cache and the number of threads. Flags win over the project file, key by key.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use super::args::{FormatArg, InputArgs, StackArgs};
use super::error::CliError;
use crate::batch::Target;
use crate::cache::{self, Cache};
use crate::load::sandbox::{self, Evaluator};
use crate::load::LoadOptions;
use crate::pipeline::{Format, Options};
use crate::project::{self, CostSettings, ExtVars, Layout, Project};

/// What a command works on, with the project file and the flags merged.
pub(super) struct Plan {
    pub stacks: Vec<PathBuf>,
    pub targets: Vec<Target>,
    /// The output root as given: a directory, or `-` for stdout.
    pub out: String,
    pub layout: Layout,
    pub cache: Option<Cache>,
    pub jobs: usize,
    /// Stack files were named one by one, so other stacks' modules may be in the output root:
    /// such a run prunes nothing.
    pub partial: bool,
    /// The project's `[cost]` settings (defaults without a project).
    pub cost: CostSettings,
    /// The project's platform file, when it names one (docs/platform.md).
    pub platform: Option<PathBuf>,
    /// A project file is in use: the checks across its modules apply.
    pub project: bool,
    /// Every environment the project configures, built or not.
    pub all_envs: Vec<String>,
}

impl Plan {
    /// The plan for `input`, with `out` as the `-o` flag of commands that have one.
    pub(super) fn new(input: &InputArgs, out: Option<&str>) -> Result<Self, CliError> {
        Self::for_stacks(&input.stacks, input.format, out)
    }

    /// The plan for commands that read stacks but write no modules: `format` is the output
    /// syntax (part of the cache key), `out` the `-o` flag.
    pub(super) fn for_stacks(
        input: &StackArgs,
        format: Option<FormatArg>,
        out: Option<&str>,
    ) -> Result<Self, CliError> {
        crate::load::check_eval_timeout().map_err(CliError::Setting)?;
        // A signal from here on ends the evaluator children (and, in `build`, removes the
        // temporary files) before gen-tf exits.
        crate::interrupt::install();
        // Relative paths, imports and the project search all start here.
        std::env::current_dir().map_err(|e| {
            CliError::Setting(format!(
                "cannot use the working directory ({e}); it may have been deleted: cd to an \
                 existing directory and run gen-tf again"
            ))
        })?;
        let project = load_project(input)?;
        let stacks = discover(&stack_paths(input, project.as_ref())?)?;
        if stacks.is_empty() {
            return Err(CliError::NoStacks);
        }
        let out = out
            .map(str::to_owned)
            .or_else(|| project.as_ref().map(|p| p.out.display().to_string()))
            .unwrap_or_else(|| "modules".to_owned());
        let jobs = input
            .jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get);
        let cache = cache(input, project.as_ref());
        if let Some(c) = &cache {
            c.verify()?;
        }
        Ok(Self {
            stacks,
            targets: targets(input, format, project.as_ref(), &evaluator(input)?)?,
            out,
            cache,
            cost: project.as_ref().map(|p| p.cost.clone()).unwrap_or_default(),
            platform: project.as_ref().and_then(|p| p.platform.clone()),
            project: project.is_some(),
            all_envs: project
                .as_ref()
                .map(|p| p.environments.iter().map(|e| e.name.clone()).collect())
                .unwrap_or_default(),
            layout: project.map(|p| p.layout).unwrap_or_default(),
            jobs,
            partial: input.paths.iter().any(|p| !p.is_dir()),
        })
    }

    /// The environments being built, for matching module directories when pruning.
    pub(super) fn env_names(&self) -> Vec<&str> {
        self.targets
            .iter()
            .filter_map(|t| t.env.as_deref())
            .collect()
    }

    /// The environment of target `t`.
    pub(super) fn env(&self, t: usize) -> Option<&str> {
        self.targets[t].env.as_deref()
    }
}

/// Refuses an output root that is a symlink (even a dangling one) or exists and is not a
/// directory. A symlinked root would let every write and every prune land wherever it points,
/// so it is refused like a symlink inside OUT, not followed: name the directory itself. A
/// missing root is fine: `build` creates it.
pub(super) fn check_output_root(root: &Path) -> Result<(), CliError> {
    let shown =
        |p: &Path| crate::report::escape_controls(&p.display().to_string(), false).into_owned();
    match std::fs::symlink_metadata(root) {
        Err(_) => Ok(()),
        Ok(m) if m.file_type().is_symlink() => {
            let target = std::fs::read_link(root).unwrap_or_default();
            Err(CliError::OutputRoot(format!(
                "the output directory {} is a symlink to {}; gen-tf does not write or prune \
                 through a symlink: pass the real directory with -o",
                shown(root),
                shown(&target)
            )))
        }
        Ok(m) if !m.is_dir() => Err(CliError::OutputRoot(format!(
            "the output directory {} exists and is not a directory; -o names the directory \
             the modules are written to",
            shown(root)
        ))),
        Ok(_) => Ok(()),
    }
}

/// The project named by `--project`, else the one found from the current directory, unless
/// `--no-project`.
fn load_project(input: &StackArgs) -> Result<Option<Project>, CliError> {
    if input.no_project {
        return Ok(None);
    }
    match input.project.clone().or_else(project::find) {
        Some(file) => Ok(Some(Project::load(&file)?)),
        None => Ok(None),
    }
}

/// PATHS, else the project's stack roots.
fn stack_paths(input: &StackArgs, project: Option<&Project>) -> Result<Vec<PathBuf>, CliError> {
    match project {
        _ if !input.paths.is_empty() => Ok(input.paths.clone()),
        Some(p) => Ok(p.stacks.clone()),
        None => Err(CliError::NoPaths),
    }
}

/// One target per selected environment (or one without an environment), each with the
/// project's variables, then the environment's, then the command line's.
fn targets(
    input: &StackArgs,
    format: Option<FormatArg>,
    project: Option<&Project>,
    evaluator: &Evaluator,
) -> Result<Vec<Target>, CliError> {
    let mut cli_vars = ExtVars::default();
    for (k, v) in &input.ext_str {
        cli_vars.set_str(k, v);
    }
    for (k, v) in &input.ext_code {
        cli_vars.set_code(k, v);
    }
    // `-J` directories are searched before the project's.
    let mut jpath = input.jpath.clone();
    let format = format
        .map(Format::from)
        .or(project.and_then(|p| p.format))
        .unwrap_or_default();
    let roots = import_roots(input, project, &jpath);
    // The environment Jsonnet sees as `ENV`: `-V ENV=...`, else the selected environment's,
    // else the project's `[ext_str]` ENV; the same precedence as the variables.
    let env_of = |layers: &[Option<Option<&str>>]| {
        layers.iter().find_map(|l| *l).flatten().map(str::to_owned)
    };
    let target =
        |name: Option<&str>, vars: &ExtVars, env: Option<String>, jpath: &[PathBuf]| Target {
            env: name.map(str::to_owned),
            opts: Options {
                load: LoadOptions {
                    ext_str: vars.strs(),
                    ext_code: vars.codes(),
                    jpath: jpath.to_vec(),
                    evaluator: evaluator.clone(),
                    import_roots: roots.clone(),
                },
                format,
                env,
            },
        };
    let Some(p) = project else {
        if !input.env.is_empty() {
            return Err(CliError::EnvWithoutProject);
        }
        let env = env_of(&[cli_vars.layer("ENV")]);
        return Ok(vec![target(None, &cli_vars, env, &jpath)]);
    };
    jpath.extend(p.jpath.iter().cloned());
    let envs = p.select(&input.env)?;
    if envs.is_empty() {
        let env = env_of(&[cli_vars.layer("ENV"), p.vars.layer("ENV")]);
        return Ok(vec![target(None, &p.vars.merged(&cli_vars), env, &jpath)]);
    }
    Ok(envs
        .iter()
        .map(|e| {
            let vars = p.vars.merged(&e.vars).merged(&cli_vars);
            let env = env_of(&[cli_vars.layer("ENV"), Some(e.env.as_deref())]);
            target(Some(&e.name), &vars, env, &jpath)
        })
        .collect())
}

/// Where imports may read from (besides each stack's own directory, which the loader adds): the
/// working directory, the project's directory, every `-J` and project `jpath` directory, all
/// canonical; `None` (anywhere) with `--allow-import-outside`.
fn import_roots(
    input: &StackArgs,
    project: Option<&Project>,
    cli_jpath: &[PathBuf],
) -> Option<Vec<PathBuf>> {
    if input.allow_import_outside {
        return None;
    }
    let dirs = std::env::current_dir()
        .ok()
        .into_iter()
        .chain(project.map(|p| p.root.clone()))
        .chain(cli_jpath.iter().cloned())
        .chain(project.into_iter().flat_map(|p| p.jpath.iter().cloned()));
    Some(dirs.filter_map(|d| d.canonicalize().ok()).collect())
}

/// Where Jsonnet is evaluated: in a child process of this executable with the memory limit of
/// `--memory-limit`, else `$GEN_TF_MEMORY_LIMIT`, else 2 GiB; in process with `off`.
fn evaluator(input: &StackArgs) -> Result<Evaluator, CliError> {
    let limit = match input.memory_limit {
        Some(l) => l.0,
        None => match std::env::var("GEN_TF_MEMORY_LIMIT") {
            Ok(v) if !v.trim().is_empty() => sandbox::parse_memory_limit(&v)
                .map_err(|m| CliError::MemoryLimit(format!("GEN_TF_MEMORY_LIMIT={m}")))?,
            _ => Some(sandbox::DEFAULT_MEMORY_LIMIT),
        },
    };
    let Some(memory_limit) = limit.filter(|_| cfg!(unix)) else {
        return Ok(Evaluator::InProcess);
    };
    let exe = std::env::current_exe().map_err(|e| {
        CliError::MemoryLimit(format!(
            "cannot find gen-tf's own executable to evaluate in ({e}); pass --memory-limit off"
        ))
    })?;
    Ok(Evaluator::Child { exe, memory_limit })
}

/// The cache directory: `--cache-dir`, `$GEN_TF_CACHE_DIR`, the project's `cache_dir`,
/// `.gen-tf/cache` next to the project file, else the user's cache directory; none with
/// `--no-cache`.
fn cache(input: &StackArgs, project: Option<&Project>) -> Option<Cache> {
    if input.no_cache {
        return None;
    }
    input
        .cache_dir
        .clone()
        .or_else(|| {
            std::env::var_os("GEN_TF_CACHE_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| project.and_then(|p| p.cache_dir.clone()))
        .or_else(|| project.map(|p| p.root.join(".gen-tf").join("cache")))
        .or_else(cache::user_cache_dir)
        .map(Cache::for_this_binary)
}

/// Stack files named by `paths`: files as given, directories searched (sorted) for
/// `.jsonnet`, `.json`, `.yaml`, `.yml` and `.toml` files, extensions in any case, following
/// symlinks to files and directories (a symlink loop is entered once). `.libsonnet` files are
/// libraries, `.tf.json` files are output, `gen-tf.toml` is the project file, and hidden
/// directories and files are skipped. A stack-named entry that is not a regular file (a FIFO,
/// a dangling symlink) is kept, so that loading it fails: a stack is never skipped silently,
/// since its module would then be pruned. Directories below the first that hold a `gen-tf.toml` of
/// their own are another project, and skipped.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walker = walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0
                        || !(e.file_name().to_string_lossy().starts_with('.')
                            // A directory with its own project file is another project
                            // (built with its own `--project`), not stacks of this one.
                            || e.file_type().is_dir() && e.path().join(project::FILE_NAME).is_file())
                });
            for entry in walker {
                let entry = match entry {
                    Ok(entry) => entry,
                    // A symlink back to a directory already being searched: its stacks are
                    // found there.
                    Err(e) if e.loop_ancestor().is_some() => continue,
                    // A dangling symlink with a stack's name: loading it says what is wrong.
                    Err(e)
                        if e.path().is_some_and(|q| {
                            q.symlink_metadata()
                                .is_ok_and(|m| m.file_type().is_symlink())
                                && is_stack_file(q)
                        }) =>
                    {
                        out.extend(e.path().map(Path::to_owned));
                        continue;
                    }
                    Err(source) => {
                        return Err(CliError::Search {
                            path: p.clone(),
                            source,
                        })
                    }
                };
                if !entry.file_type().is_dir() && is_stack_file(entry.path()) {
                    out.push(entry.into_path());
                }
            }
        } else if p.symlink_metadata().is_ok() {
            out.push(p.clone());
        } else {
            return Err(CliError::NoSuchPath { path: p.clone() });
        }
    }
    Ok(out)
}

fn is_stack_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".tf.json") || name == project::FILE_NAME {
        return false;
    }
    matches!(
        Path::new(&name).extension().and_then(|e| e.to_str()),
        Some("jsonnet" | "json" | "yaml" | "yml" | "toml")
    )
}

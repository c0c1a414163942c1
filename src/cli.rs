//! The command line: argument parsing and the commands. The binary only calls [`run`].
//!
//! Every command that reads stacks goes through one [`Plan`]: the stacks, the environments with
//! their external variables, the output root and layout, and the cache. The project file
//! (`gen-tf.toml`) fills in what the command line leaves out.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::cache::{self, Cache};
use crate::diag::{core, Diagnostic};
use crate::load::LoadOptions;
use crate::pipeline::{self, Compiled, Failure, Format, Options};
use crate::project::{self, ExtVars, Layout, Project};
use crate::report::{self, MessageFormat, Style};
use crate::validate::rules;
use crate::write;

#[derive(Debug, Parser)]
#[command(
    name = "gen-tf",
    version,
    about = "Compiles Jsonnet descriptions of ECS Fargate services into Terraform modules",
    long_about = "Compiles Jsonnet (or JSON, YAML, TOML) descriptions of ECS Fargate services into \
                  Terraform modules, after rejecting every AWS mistake that would otherwise only \
                  fail at `terraform apply`.\n\nWith a gen-tf.toml in the current directory or a \
                  parent, the commands need no arguments: it names the stacks, the output \
                  layout and the environments. Flags override it.\n\nExit codes: 0 ok, 1 \
                  diagnostics or drift, 2 usage or I/O failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How to print diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Treat warnings as errors.
    #[arg(long, global = true)]
    pub deny_warnings: bool,
    /// Color diagnostics: auto (when stderr is a terminal), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile stacks into Terraform modules, one directory per stack (and environment), and
    /// remove generated files that no stack produces any more.
    Build(BuildArgs),
    /// Build in memory and compare with the files on disk; exit 1 with a diff when anything is
    /// stale, missing or extra. Never writes.
    Check(CheckArgs),
    /// Run the diagnostics only.
    Validate(InputArgs),
    /// List every stack and environment with its module directory (`--json` for a CI matrix).
    List(ListArgs),
    /// Scaffold a project: gen-tf.toml, an example stack and a .pre-commit-config.yaml. Never
    /// overwrites a file.
    Init(InitArgs),
    /// Print the JSON Schema of the stack format.
    Schema,
    /// Explain a diagnostic code: the rule, the AWS fact behind it and its source.
    Explain {
        /// A rule code such as `fargate-size`.
        code: String,
    },
    /// Print a shell completion script, for example `gen-tf completions bash >
    /// /etc/bash_completion.d/gen-tf`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Stack files, or directories to search for them. Default: the project's `stacks`.
    pub paths: Vec<PathBuf>,
    /// Set an external string variable, as `jsonnet -V KEY=VALUE`.
    #[arg(short = 'V', long = "ext-str", value_name = "KEY=VALUE", value_parser = parse_kv)]
    pub ext_str: Vec<(String, String)>,
    /// Set an external variable to a Jsonnet expression, as `jsonnet --ext-code KEY=CODE`.
    #[arg(long = "ext-code", value_name = "KEY=CODE", value_parser = parse_kv)]
    pub ext_code: Vec<(String, String)>,
    /// Add a library directory for Jsonnet imports.
    #[arg(short = 'J', long = "jpath", value_name = "DIR")]
    pub jpath: Vec<PathBuf>,
    /// Output syntax [default: the project's `format`, else hcl].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Only this environment of the project; repeat for more [default: all].
    #[arg(short = 'e', long = "env", value_name = "NAME")]
    pub env: Vec<String>,
    /// The project file [default: gen-tf.toml in the current directory or a parent].
    #[arg(long, value_name = "FILE")]
    pub project: Option<PathBuf>,
    /// Ignore any gen-tf.toml.
    #[arg(long, conflicts_with = "project")]
    pub no_project: bool,
    /// Neither read nor write the render cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Cache directory [default: $GEN_TF_CACHE_DIR, the project's `cache_dir`, .gen-tf/cache
    /// next to gen-tf.toml, else $XDG_CACHE_HOME/gen-tf].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Stacks compiled in parallel [default: the number of CPUs].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
}

#[derive(Debug, Args)]
pub struct OutArgs {
    /// Output root; one module directory per stack (per environment). `-` prints to stdout
    /// [default: the project's `out`, else modules].
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<String>,
    /// Keep generated files that no stack produces any more (build), or do not report them
    /// (check). Implied when stack files are named one by one.
    #[arg(long)]
    pub no_prune: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutArgs,
    /// Exit 1 when the build wrote or removed any file, as the terraform fmt pre-commit hook
    /// does.
    #[arg(long)]
    pub fail_on_change: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output root, for the `out` column [default: the project's `out`, else modules].
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<String>,
    /// Print a JSON array of {stack, env, path, out}, for a CI matrix.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to scaffold; created when missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Use the hooks of this gen-tf repository in .pre-commit-config.yaml (pre-commit then
    /// builds gen-tf itself) instead of local hooks that run the gen-tf on PATH.
    #[arg(long, value_name = "URL")]
    pub hooks_repo: Option<String>,
    /// The revision of `--hooks-repo` to pin.
    #[arg(long, value_name = "REV", default_value = concat!("v", env!("CARGO_PKG_VERSION")), requires = "hooks_repo")]
    pub hooks_rev: String,
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let style = Style {
        format: cli.message_format,
        color,
    };
    let code = match &cli.command {
        Command::Build(args) => build(args, style, cli.deny_warnings),
        Command::Check(args) => check(args, style, cli.deny_warnings),
        Command::Validate(args) => validate(args, style, cli.deny_warnings),
        Command::List(args) => list(args, style, cli.deny_warnings),
        Command::Init(args) => init(args),
        Command::Schema => schema(),
        Command::Explain { code } => explain(code),
        Command::Completions { shell } => completions(*shell),
    };
    ExitCode::from(code)
}

/// Stack files named by `paths`: files as given, directories searched (sorted) for
/// `.jsonnet`, `.json`, `.yaml`, `.yml` and `.toml` files. `.libsonnet` files are libraries,
/// `.tf.json` files are output, `gen-tf.toml` is the project file, and hidden directories
/// and files are skipped.
pub fn discover(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walker = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                let entry = entry.map_err(io::Error::other)?;
                if entry.file_type().is_file() && is_stack_file(entry.path()) {
                    out.push(entry.into_path());
                }
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: no such file or directory", p.display()),
            ));
        }
    }
    Ok(out)
}

fn is_stack_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(".tf.json") || name == project::FILE_NAME {
        return false;
    }
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("jsonnet" | "json" | "yaml" | "yml" | "toml")
    )
}

fn eprint(s: &str) {
    let _ = io::stderr().write_all(s.as_bytes());
}

/// One environment to build every stack for (`env` is `None` without environments).
struct Target {
    env: Option<String>,
    opts: Options,
}

/// What a command works on, with the project file and the flags merged.
struct Plan {
    stacks: Vec<PathBuf>,
    targets: Vec<Target>,
    /// The output root as given: a directory, or `-` for stdout.
    out: String,
    layout: Layout,
    cache: Option<Cache>,
    jobs: usize,
    /// Stack files were named one by one, so other stacks' modules may be in the output root:
    /// such a run prunes nothing.
    partial: bool,
}

impl Plan {
    fn new(input: &InputArgs, out: Option<&str>) -> Result<Self, String> {
        let project = if input.no_project {
            None
        } else {
            match input.project.clone().or_else(project::find) {
                Some(file) => Some(Project::load(&file).map_err(|e| e.to_string())?),
                None => None,
            }
        };
        let paths = match (&project, input.paths.is_empty()) {
            (_, false) => input.paths.clone(),
            (Some(p), true) => p.stacks.clone(),
            (None, true) => {
                return Err(format!(
                    "no PATHS given and no {} found in the current directory or its parents; \
                     name stack files or directories, or run `gen-tf init`",
                    project::FILE_NAME
                ))
            }
        };
        let stacks = discover(&paths).map_err(|e| e.to_string())?;
        if stacks.is_empty() {
            return Err(
                "no stack files found (looked for .jsonnet, .json, .yaml, .yml and .toml)"
                    .to_owned(),
            );
        }
        let mut cli_vars = ExtVars::default();
        for (k, v) in &input.ext_str {
            cli_vars.set_str(k, v);
        }
        for (k, v) in &input.ext_code {
            cli_vars.set_code(k, v);
        }
        // `-J` directories are searched before the project's.
        let mut jpath = input.jpath.clone();
        let format = input
            .format
            .or(project.as_ref().and_then(|p| p.format))
            .unwrap_or_default();
        let options = |vars: &ExtVars, jpath: &[PathBuf]| Options {
            load: LoadOptions {
                ext_str: vars.strs(),
                ext_code: vars.codes(),
                jpath: jpath.to_vec(),
            },
            format,
        };
        let targets = match &project {
            Some(p) => {
                jpath.extend(p.jpath.iter().cloned());
                let envs = p.select(&input.env).map_err(|e| e.to_string())?;
                if envs.is_empty() {
                    vec![Target {
                        env: None,
                        opts: options(&p.vars.merged(&cli_vars), &jpath),
                    }]
                } else {
                    envs.iter()
                        .map(|e| Target {
                            env: Some(e.name.clone()),
                            opts: options(&p.vars.merged(&e.vars).merged(&cli_vars), &jpath),
                        })
                        .collect()
                }
            }
            None if !input.env.is_empty() => {
                return Err("--env needs a gen-tf.toml with [environments]".to_owned());
            }
            None => vec![Target {
                env: None,
                opts: options(&cli_vars, &jpath),
            }],
        };
        let out = out
            .map(str::to_owned)
            .or_else(|| project.as_ref().map(|p| p.out.display().to_string()))
            .unwrap_or_else(|| "modules".to_owned());
        let cache = (!input.no_cache)
            .then(|| {
                input
                    .cache_dir
                    .clone()
                    .or_else(|| {
                        std::env::var_os("GEN_TF_CACHE_DIR")
                            .filter(|v| !v.is_empty())
                            .map(PathBuf::from)
                    })
                    .or_else(|| project.as_ref().and_then(|p| p.cache_dir.clone()))
                    .or_else(|| {
                        project
                            .as_ref()
                            .map(|p| p.root.join(".gen-tf").join("cache"))
                    })
                    .or_else(cache::user_cache_dir)
            })
            .flatten()
            .map(Cache::for_this_binary);
        let jobs = input
            .jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get);
        Ok(Self {
            stacks,
            targets,
            out,
            layout: project.map(|p| p.layout).unwrap_or_default(),
            cache,
            jobs,
            partial: input.paths.iter().any(|p| !p.is_dir()),
        })
    }

    /// The environments being built, for matching module directories when pruning.
    fn env_names(&self) -> Vec<&str> {
        self.targets
            .iter()
            .filter_map(|t| t.env.as_deref())
            .collect()
    }
}

/// One compiled stack in one environment.
struct Unit {
    target: usize,
    compiled: Compiled,
    /// The module directory, relative to the output root.
    dir: PathBuf,
}

struct Units {
    units: Vec<Unit>,
    from_cache: usize,
}

/// A compilation's result, and whether the cache answered it.
type Outcome = (Result<Compiled, Failure>, bool);

/// Compiles every stack for every target, in parallel, and prints every diagnostic in a fixed
/// order. `Err(exit code)` (after printing) when anything failed.
fn compile_plan(plan: &Plan, style: Style, deny_warnings: bool) -> Result<Units, u8> {
    let jobs: Vec<(usize, &Path)> = (0..plan.targets.len())
        .flat_map(|t| plan.stacks.iter().map(move |s| (t, s.as_path())))
        .collect();
    let results: Vec<Mutex<Option<Outcome>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(t, stack)) = jobs.get(i) else {
            return;
        };
        let opts = &plan.targets[t].opts;
        let result = match plan.cache.as_ref().and_then(|c| c.get(stack, opts)) {
            Some(hit) => (Ok(hit), true),
            None => {
                let r = pipeline::compile(stack, opts);
                if let (Some(cache), Ok(c)) = (&plan.cache, &r) {
                    // A cache that cannot be written only costs time on the next run.
                    let _ = cache.put(stack, opts, c);
                }
                (r, false)
            }
        };
        if let Ok(mut slot) = results[i].lock() {
            *slot = Some(result);
        }
    };
    std::thread::scope(|s| {
        for _ in 1..plan.jobs.min(jobs.len()) {
            s.spawn(worker);
        }
        worker();
    });

    let multi_env = plan.targets.len() > 1;
    let mut printed = BTreeSet::new();
    let mut emit = |text: String, env: Option<&str>| {
        let text = match env {
            Some(env) if multi_env && style.format == MessageFormat::Human => {
                format!("{text}  = note: in environment `{env}`\n")
            }
            _ => text,
        };
        if printed.insert(text.clone()) {
            eprint(&text);
        }
    };
    let mut units = Vec::new();
    let mut from_cache = 0;
    let mut code = 0u8;
    for ((t, _), slot) in jobs.iter().zip(results) {
        let env = plan.targets[*t].env.as_deref();
        let Some((result, hit)) = slot.into_inner().ok().flatten() else {
            eprint("gen-tf: internal error: a compilation did not finish\n");
            return Err(2);
        };
        match result {
            Ok(c) => {
                for w in &c.warnings {
                    emit(report::diagnostic(w, style), env);
                }
                if deny_warnings && !c.warnings.is_empty() {
                    code = code.max(1);
                }
                from_cache += usize::from(hit);
                units.push(Unit {
                    target: *t,
                    dir: plan.layout.dir(&c.name, env),
                    compiled: c,
                });
            }
            Err(Failure::Load(e)) => {
                emit(report::load_error(&e, style), env);
                code = code.max(if report::load_is_io(&e) { 2 } else { 1 });
            }
            Err(Failure::Diagnostics(ds)) => {
                for d in &ds {
                    emit(report::diagnostic(d, style), env);
                }
                code = code.max(1);
            }
        }
    }
    // Two stacks with one name would write into one directory.
    let mut seen: BTreeMap<&Path, &Path> = BTreeMap::new();
    for u in &units {
        if let Some(first) = seen.insert(&u.dir, &u.compiled.stack_file) {
            let mut d = Diagnostic::new(
                &core::DUPLICATE_STACK,
                "name",
                format!(
                    "stack name `{}` is also used by {}",
                    u.compiled.name,
                    first.display()
                ),
            )
            .help("give every stack a unique `name`; it is the module directory");
            d.file = u.compiled.stack_file.display().to_string();
            emit(
                report::diagnostic(&d, style),
                plan.targets[u.target].env.as_deref(),
            );
            code = code.max(1);
        }
    }
    if code != 0 {
        return Err(code);
    }
    Ok(Units { units, from_cache })
}

/// Every compiled file, relative to the output root.
fn output_files(units: &[Unit]) -> Vec<(PathBuf, String)> {
    units
        .iter()
        .flat_map(|u| {
            u.compiled
                .files
                .iter()
                .map(move |(name, content)| (u.dir.join(name), content.clone()))
        })
        .collect()
}

/// Generated files under the output root that no unit produces, in the module directories of
/// the environments being built.
fn stale_files(plan: &Plan, root: &Path, files: &[(PathBuf, String)]) -> io::Result<Vec<PathBuf>> {
    let keep: BTreeSet<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let envs = plan.env_names();
    let depth = plan.layout.dir("x", Some("x")).components().count();
    write::find_stale(root, &keep, depth, |d| plan.layout.owns(d, &envs))
}

fn cache_note(units: &Units, plan: &Plan) -> String {
    match &plan.cache {
        Some(_) => format!(" ({} from cache)", units.from_cache),
        None => String::new(),
    }
}

fn build(args: &BuildArgs, style: Style, deny_warnings: bool) -> u8 {
    let plan = match Plan::new(&args.input, args.output.out.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage(&e),
    };
    let units = match compile_plan(&plan, style, deny_warnings) {
        Ok(u) => u,
        Err(code) => return code,
    };
    let files = output_files(&units.units);
    if plan.out == "-" {
        let mut stdout = io::stdout().lock();
        for (path, content) in files {
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let r = writeln!(stdout, "# File: {}", path.display())
                .and_then(|()| stdout.write_all(content.as_bytes()));
            if let Err(e) = r {
                // A closed pipe (`gen-tf build -o - | head`) is not a failure.
                return if e.kind() == io::ErrorKind::BrokenPipe {
                    0
                } else {
                    2
                };
            }
        }
        return 0;
    }
    let root = PathBuf::from(&plan.out);
    let result = write::write_tree(&root, &files).and_then(|report| {
        let stale = if args.output.no_prune || plan.partial {
            Vec::new()
        } else {
            stale_files(&plan, &root, &files)?
        };
        write::prune(&root, &stale)?;
        Ok((report, stale))
    });
    let (report, removed) = match result {
        Ok(r) => r,
        Err(e) => {
            eprint(&format!("gen-tf: cannot write {}: {e}\n", root.display()));
            return 2;
        }
    };
    eprint(&format!(
        "gen-tf: {} module(s), {} file(s) written, {} unchanged, {} removed in {}{}\n",
        units.units.len(),
        report.written.len(),
        report.unchanged.len(),
        removed.len(),
        root.display(),
        cache_note(&units, &plan),
    ));
    if args.fail_on_change && !(report.written.is_empty() && removed.is_empty()) {
        eprint("gen-tf: the build changed these files; review and stage them:\n");
        for p in &report.written {
            eprint(&format!("  written: {}\n", p.display()));
        }
        for p in &removed {
            eprint(&format!("  removed: {}\n", root.join(p).display()));
        }
        return 1;
    }
    0
}

fn check(args: &CheckArgs, style: Style, deny_warnings: bool) -> u8 {
    let plan = match Plan::new(&args.input, args.output.out.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage(&e),
    };
    if plan.out == "-" {
        return usage("check compares with a directory; `-o -` is for build");
    }
    let units = match compile_plan(&plan, style, deny_warnings) {
        Ok(u) => u,
        Err(code) => return code,
    };
    let root = PathBuf::from(&plan.out);
    let files = output_files(&units.units);
    let mut drift = Vec::new();
    let mut diff_text = String::new();
    let mut diff = |label: &str, old: &str, new: &str| {
        let d = similar::TextDiff::from_lines(old, new);
        diff_text.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(label, label)
                .to_string(),
        );
    };
    for (rel, want) in &files {
        let path = root.join(rel);
        let have = std::fs::read_to_string(&path).ok();
        if have.as_deref() == Some(want.as_str()) {
            continue;
        }
        let label = path.display().to_string();
        diff(&label, have.as_deref().unwrap_or(""), want);
        drift.push((label, if have.is_none() { "missing" } else { "stale" }));
    }
    let extra = if args.output.no_prune || plan.partial {
        Vec::new()
    } else {
        match stale_files(&plan, &root, &files) {
            Ok(s) => s,
            Err(e) => {
                eprint(&format!("gen-tf: cannot read {}: {e}\n", root.display()));
                return 2;
            }
        }
    };
    for rel in &extra {
        let path = root.join(rel);
        let label = path.display().to_string();
        diff(
            &label,
            &std::fs::read_to_string(&path).unwrap_or_default(),
            "",
        );
        drift.push((label, "extra"));
    }
    if drift.is_empty() {
        eprint(&format!(
            "gen-tf: {} module(s) in sync with {}{}\n",
            units.units.len(),
            root.display(),
            cache_note(&units, &plan)
        ));
        return 0;
    }
    let _ = io::stdout().write_all(diff_text.as_bytes());
    eprint(&format!(
        "gen-tf: {} file(s) out of date; run `gen-tf build` to update them:\n",
        drift.len()
    ));
    for (f, why) in &drift {
        eprint(&format!("  {why}: {f}\n"));
    }
    1
}

fn validate(args: &InputArgs, style: Style, deny_warnings: bool) -> u8 {
    let plan = match Plan::new(args, None) {
        Ok(p) => p,
        Err(e) => return usage(&e),
    };
    match compile_plan(&plan, style, deny_warnings) {
        Ok(u) => {
            eprint(&format!("gen-tf: {} module(s) valid\n", u.units.len()));
            0
        }
        Err(code) => code,
    }
}

/// One row of `gen-tf list`.
#[derive(serde::Serialize)]
struct Row {
    stack: String,
    env: Option<String>,
    path: String,
    out: String,
}

fn list(args: &ListArgs, style: Style, deny_warnings: bool) -> u8 {
    let plan = match Plan::new(&args.input, args.out.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage(&e),
    };
    let units = match compile_plan(&plan, style, deny_warnings) {
        Ok(u) => u,
        Err(code) => return code,
    };
    let rows: Vec<Row> = units
        .units
        .iter()
        .map(|u| Row {
            stack: u.compiled.name.clone(),
            env: plan.targets[u.target].env.clone(),
            path: u.compiled.stack_file.display().to_string(),
            out: Path::new(&plan.out).join(&u.dir).display().to_string(),
        })
        .collect();
    let text = if args.json {
        let mut s = serde_json::to_string(&rows).unwrap_or_default();
        s.push('\n');
        s
    } else {
        let width = |f: fn(&Row) -> usize| rows.iter().map(f).max().unwrap_or(0);
        let (ws, we, wp) = (
            width(|r| r.stack.len()).max(5),
            width(|r| r.env.as_deref().map_or(1, str::len)).max(3),
            width(|r| r.path.len()).max(4),
        );
        let mut s = format!("{:ws$}  {:we$}  {:wp$}  out\n", "stack", "env", "path");
        for r in &rows {
            s.push_str(&format!(
                "{:ws$}  {:we$}  {:wp$}  {}\n",
                r.stack,
                r.env.as_deref().unwrap_or("-"),
                r.path,
                r.out
            ));
        }
        s
    };
    print_stdout(&text)
}

fn init(args: &InitArgs) -> u8 {
    let hooks = args
        .hooks_repo
        .as_deref()
        .map(|r| (r, args.hooks_rev.as_str()));
    let mut created = 0;
    for (rel, text) in project::scaffold(hooks) {
        let path = args.dir.join(rel);
        if let Some(parent) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                eprint(&format!(
                    "gen-tf: cannot create {}: {e}\n",
                    parent.display()
                ));
                return 2;
            }
        }
        // `create_new` refuses an existing file atomically, so init never overwrites, even racing
        // another process.
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        match result {
            Ok(()) => {
                created += 1;
                eprint(&format!("  created {}\n", path.display()));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                eprint(&format!("  kept    {} (exists)\n", path.display()));
            }
            Err(e) => {
                eprint(&format!("gen-tf: cannot write {}: {e}\n", path.display()));
                return 2;
            }
        }
    }
    eprint(&format!(
        "gen-tf: {created} file(s) created in {}. Next: `gen-tf build`, then `pre-commit install`.\n",
        args.dir.display()
    ));
    0
}

fn usage(message: &str) -> u8 {
    eprint(&format!("gen-tf: {message}\n"));
    2
}

fn print_stdout(text: &str) -> u8 {
    match io::stdout().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(_) => 2,
    }
}

/// The JSON Schema of the stack format, as committed in `schemas/stack.schema.json`.
pub fn schema_text() -> String {
    let schema = schemars::schema_for!(crate::model::Stack);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

fn schema() -> u8 {
    print_stdout(&schema_text())
}

fn completions(shell: clap_complete::Shell) -> u8 {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "gen-tf", &mut buf);
    print_stdout(&String::from_utf8_lossy(&buf))
}

fn explain(code: &str) -> u8 {
    match rules::find(code) {
        Some(r) => {
            println!(
                "{} ({})\n\n{}\n\nWhy: {}\n\nSource: {}",
                r.code, r.severity, r.summary, r.fact, r.source
            );
            0
        }
        None => {
            let known: Vec<&str> = rules::all().map(|r| r.code).collect();
            let hint = crate::diag::did_you_mean(code, known.iter().copied())
                .map(|s| format!(" Did you mean `{s}`?"))
                .unwrap_or_default();
            eprint(&format!(
                "gen-tf: unknown rule code `{code}`.{hint} Known codes: {}\n",
                known.join(", ")
            ));
            2
        }
    }
}

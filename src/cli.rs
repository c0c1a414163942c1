//! The command line: argument parsing and the commands. The binary only calls [`run`].

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::diag::Diagnostic;
use crate::load::LoadOptions;
use crate::pipeline::{self, Compiled, Failure, Format, Options};
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
                  fail at `terraform apply`.\n\nExit codes: 0 ok, 1 diagnostics or drift, 2 usage \
                  or I/O failure."
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
    /// Compile stacks into Terraform modules, one directory per stack.
    Build(BuildArgs),
    /// Build in memory and compare with the files on disk; exit 1 with a diff on drift. Never
    /// writes.
    Check(BuildArgs),
    /// Run the diagnostics only.
    Validate(InputArgs),
    /// Print the JSON Schema of the stack format.
    Schema,
    /// Explain a diagnostic code: the rule, the AWS fact behind it and its source.
    Explain {
        /// A rule code such as `fargate-size`.
        code: String,
    },
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Stack files, or directories to search for them.
    #[arg(required = true)]
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
    /// Output syntax.
    #[arg(long, value_enum, default_value_t = Format::Hcl)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output directory; one subdirectory per stack. `-` prints to stdout.
    #[arg(short = 'o', long = "out", value_name = "DIR", default_value = "modules")]
    pub out: String,
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
        Command::Schema => schema(),
        Command::Explain { code } => explain(code),
    };
    ExitCode::from(code)
}

impl InputArgs {
    fn options(&self) -> Options {
        Options {
            load: LoadOptions {
                ext_str: self.ext_str.clone(),
                ext_code: self.ext_code.clone(),
                jpath: self.jpath.clone(),
            },
            format: self.format,
        }
    }
}

/// Stack files named by `paths`: files as given, directories searched (sorted) for
/// `.jsonnet`, `.json`, `.yaml`, `.yml` and `.toml` files. `.libsonnet` files are libraries,
/// `.tf.json` files are output, and hidden directories are skipped.
pub fn discover(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let walker = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
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
    let name = p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    if name.ends_with(".tf.json") {
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

/// Compiles every stack; prints every diagnostic. `None` (after printing) when anything failed.
fn compile_all(args: &InputArgs, style: Style, deny_warnings: bool) -> Result<Vec<Compiled>, u8> {
    let files = match discover(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprint(&format!("gen-tf: {e}\n"));
            return Err(2);
        }
    };
    if files.is_empty() {
        eprint("gen-tf: no stack files found (looked for .jsonnet, .json, .yaml, .yml and .toml)\n");
        return Err(2);
    }
    let opts = args.options();
    let mut compiled = Vec::new();
    let mut code = 0u8;
    for f in &files {
        match pipeline::compile(f, &opts) {
            Ok(c) => {
                for w in &c.warnings {
                    eprint(&report::diagnostic(w, style));
                }
                if deny_warnings && !c.warnings.is_empty() {
                    code = code.max(1);
                }
                compiled.push(c);
            }
            Err(Failure::Load(e)) => {
                eprint(&report::load_error(&e, style));
                code = code.max(if report::load_is_io(&e) { 2 } else { 1 });
            }
            Err(Failure::Diagnostics(ds)) => {
                for d in &ds {
                    eprint(&report::diagnostic(d, style));
                }
                code = code.max(1);
            }
        }
    }
    // Two stacks with one name would write into one directory.
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for c in &compiled {
        if let Some(first) = seen.insert(&c.name, &c.stack_file) {
            let mut d = Diagnostic::error(
                "duplicate-stack",
                "name",
                format!("stack name `{}` is also used by {}", c.name, first.display()),
            )
            .help("give every stack a unique `name`; it is the module directory");
            d.file = c.stack_file.display().to_string();
            eprint(&report::diagnostic(&d, style));
            code = code.max(1);
        }
    }
    if code != 0 {
        return Err(code);
    }
    Ok(compiled)
}

/// Relative output paths of every compiled file.
fn output_files(compiled: &[Compiled]) -> Vec<(PathBuf, String)> {
    compiled
        .iter()
        .flat_map(|c| {
            c.files
                .iter()
                .map(move |(name, content)| (Path::new(&c.name).join(name), content.clone()))
        })
        .collect()
}

fn build(args: &BuildArgs, style: Style, deny_warnings: bool) -> u8 {
    let compiled = match compile_all(&args.input, style, deny_warnings) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if args.out == "-" {
        let mut stdout = io::stdout().lock();
        for (path, content) in output_files(&compiled) {
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let r = writeln!(stdout, "# File: {}", path.display())
                .and_then(|()| stdout.write_all(content.as_bytes()));
            if let Err(e) = r {
                // A closed pipe (`gen-tf build -o - | head`) is not a failure.
                return if e.kind() == io::ErrorKind::BrokenPipe { 0 } else { 2 };
            }
        }
        return 0;
    }
    let root = PathBuf::from(&args.out);
    match write::write_tree(&root, &output_files(&compiled)) {
        Ok(report) => {
            eprint(&format!(
                "gen-tf: {} stack(s), {} file(s) written, {} unchanged in {}\n",
                compiled.len(),
                report.written.len(),
                report.unchanged.len(),
                root.display()
            ));
            0
        }
        Err(e) => {
            eprint(&format!("gen-tf: cannot write {}: {e}\n", root.display()));
            2
        }
    }
}

fn check(args: &BuildArgs, style: Style, deny_warnings: bool) -> u8 {
    let compiled = match compile_all(&args.input, style, deny_warnings) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let root = PathBuf::from(&args.out);
    let mut drift = Vec::new();
    let mut diff_text = String::new();
    for (rel, want) in output_files(&compiled) {
        let path = root.join(&rel);
        let have = std::fs::read_to_string(&path).ok();
        if have.as_deref() == Some(want.as_str()) {
            continue;
        }
        let old = have.as_deref().unwrap_or("");
        let label = path.display().to_string();
        let diff = similar::TextDiff::from_lines(old, &want);
        diff_text.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&label, &label)
                .to_string(),
        );
        drift.push((label, if have.is_none() { "missing" } else { "stale" }));
    }
    if drift.is_empty() {
        eprint(&format!("gen-tf: {} stack(s) in sync with {}\n", compiled.len(), root.display()));
        return 0;
    }
    let _ = io::stdout().write_all(diff_text.as_bytes());
    eprint(&format!("gen-tf: {} file(s) out of date; run `gen-tf build` to update them:\n", drift.len()));
    for (f, why) in &drift {
        eprint(&format!("  {why}: {f}\n"));
    }
    1
}

fn validate(args: &InputArgs, style: Style, deny_warnings: bool) -> u8 {
    match compile_all(args, style, deny_warnings) {
        Ok(c) => {
            eprint(&format!("gen-tf: {} stack(s) valid\n", c.len()));
            0
        }
        Err(code) => code,
    }
}

fn schema() -> u8 {
    let schema = schemars::schema_for!(crate::model::Stack);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    match io::stdout().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(_) => 2,
    }
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
            let known: Vec<&str> = rules::RULES.iter().map(|r| r.code).collect();
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

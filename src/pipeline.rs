//! One stack through every stage: load -> model -> validate -> lower -> emit.
//!
//! Nothing here touches the output directory; `write` does that once every stack has compiled.

use std::path::{Path, PathBuf};

use crate::diag::{core, Diagnostic};
use crate::emit;
use crate::ir::{Content, Module};
use crate::load::{self, LoadError, LoadOptions};
use crate::lower;
use crate::model;
use crate::resolve::Resolved;
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// HCL (`*.tf`) that `terraform fmt` leaves untouched.
    #[default]
    Hcl,
    /// Terraform JSON syntax (`*.tf.json`).
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hcl => "hcl",
            Self::Json => "json",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub load: LoadOptions,
    pub format: Format,
}

impl Options {
    /// The environment name: the `ENV` external string, as in the seed guide's
    /// `std.extVar('ENV')`.
    pub fn env(&self) -> Option<String> {
        self.load
            .ext_str
            .iter()
            .rev()
            .find(|(k, _)| k == "ENV")
            .map(|(_, v)| v.clone())
    }
}

/// A compiled stack: the module's files, rendered, and any warnings.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub stack_file: PathBuf,
    /// The module directory name: the stack's name.
    pub name: String,
    /// `(file name, content)` in output order.
    pub files: Vec<(String, String)>,
    pub warnings: Vec<Diagnostic>,
    /// Every file the stack read (itself and its imports).
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug)]
pub enum Failure {
    Load(LoadError),
    /// At least one error; warnings are included.
    Diagnostics(Vec<Diagnostic>),
}

/// The resolved stack and its diagnostics (warnings only on success).
pub struct Checked {
    pub resolved: Resolved,
    pub diagnostics: Vec<Diagnostic>,
    pub inputs: Vec<PathBuf>,
}

/// Loads, deserializes and validates one stack.
pub fn check(path: &Path, opts: &Options) -> Result<Checked, Failure> {
    let loaded = load::load(path, &opts.load).map_err(Failure::Load)?;
    let file = path.display().to_string();
    let locate = |mut d: Diagnostic| {
        d.file.clone_from(&file);
        d.line = load::line_of(&loaded.source, &d.path);
        d
    };
    // Every structural problem, then (when the stack can still be read) every rule's finding.
    let parsed = model::parse(&loaded.value);
    let cx = validate::Context { env: opts.env() };
    let mut diagnostics = parsed.diagnostics;
    let mut resolved = None;
    match parsed
        .stack
        .as_ref()
        .map(|stack| validate::validate(stack, &cx))
    {
        Some(Ok(valid)) => {
            diagnostics.extend(valid.warnings);
            resolved = Some(valid.resolved);
        }
        Some(Err(found)) => diagnostics.extend(found),
        None => {}
    }
    let diagnostics: Vec<Diagnostic> = diagnostics.into_iter().map(locate).collect();
    let resolved = match resolved {
        Some(r) if !diagnostics.iter().any(Diagnostic::is_error) => r,
        _ => return Err(Failure::Diagnostics(diagnostics)),
    };
    Ok(Checked {
        resolved,
        diagnostics,
        inputs: loaded.files,
    })
}

/// Compiles one stack into rendered files.
pub fn compile(path: &Path, opts: &Options) -> Result<Compiled, Failure> {
    let checked = check(path, opts)?;
    let module = lower::lower(&checked.resolved);
    // The built-in provider schema self-check: output that AWS provider 6.25 would reject is a
    // gen-tf bug, and it is reported instead of written.
    let problems = crate::provider_schema::check_module(&module);
    if !problems.is_empty() {
        let file = path.display().to_string();
        return Err(Failure::Diagnostics(
            problems
                .into_iter()
                .map(|p| {
                    let mut d = Diagnostic::new(
                        &core::PROVIDER_SCHEMA,
                        "",
                        format!("generated Terraform does not fit AWS provider 6.25: {p}"),
                    )
                    .help("this is a bug in gen-tf; please report it with the stack");
                    d.file.clone_from(&file);
                    d
                })
                .collect(),
        ));
    }
    Ok(Compiled {
        stack_file: path.to_owned(),
        name: checked.resolved.name.to_string(),
        files: render(&module, opts.format),
        warnings: checked.diagnostics,
        inputs: checked.inputs,
    })
}

/// Renders a module's files in the chosen syntax.
pub fn render(module: &Module, format: Format) -> Vec<(String, String)> {
    module
        .files
        .iter()
        .map(|f| match (&f.content, format) {
            (Content::Terraform(body), Format::Hcl) => {
                (f.name.clone(), emit::hcl::print_file(body))
            }
            (Content::Terraform(body), Format::Json) => {
                (format!("{}.json", f.name), emit::json::print_file(body))
            }
            (Content::Text(text), _) => (f.name.clone(), text.clone()),
        })
        .collect()
}

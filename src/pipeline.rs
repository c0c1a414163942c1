//! One stack through every stage: load -> model -> resolve -> validate -> lower -> emit.
//!
//! The path-based [`check`] and [`compile`] load a file and hand its value to [`check_value`]
//! and [`compile_value`], which is where the stages run. A caller that already holds the value
//! (a test generator, a future command that builds stacks itself) starts there.
//!
//! Nothing here touches the output directory; `write` does that once every stack has compiled.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::diag::{core, Diagnostic};
use crate::emit;
use crate::ir::{Content, Module};
use crate::load::{self, LoadError, LoadOptions};
use crate::lower;
use crate::model;
use crate::resolve::Resolved;
use crate::validate;

/// The output syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// A format name that is neither `hcl` nor `json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?}; use \"hcl\" or \"json\"")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    /// `hcl` or `json`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Hcl, Self::Json]
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub load: LoadOptions,
    pub format: Format,
    /// The environment the stack is compiled for (`prd`, `dev`), or none. Jsonnet reads it as
    /// `std.extVar('ENV')` (the seed guide's convention); the AWS names and the `dynamic`
    /// memory reservation depend on it.
    pub env: Option<String>,
}

impl Options {
    /// What Jsonnet is given: the load options, with `ENV` set to [`Options::env`] (replacing
    /// any `ENV` among them).
    pub fn jsonnet(&self) -> LoadOptions {
        let mut load = self.load.clone();
        if let Some(env) = &self.env {
            load.ext_str.retain(|(k, _)| k != "ENV");
            load.ext_code.retain(|(k, _)| k != "ENV");
            load.ext_str.push(("ENV".to_owned(), env.clone()));
        }
        load
    }
}

/// A stack that is already loaded, and what messages say about where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The stack as the loader returns it.
    pub value: &'a serde_json::Value,
    /// What diagnostics name as the file: the stack's path, or a label such as `<generated>`.
    pub label: &'a str,
    /// The text the value was read from, so that diagnostics get line numbers; `None` when the
    /// value was not read from text.
    pub text: Option<&'a str>,
}

/// A compiled stack: the module's files, rendered, and any warnings.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The stack file (for [`compile_value`], the source's label).
    pub stack_file: PathBuf,
    /// The module directory name: the stack's name.
    pub name: String,
    /// `(file name, content)` in output order.
    pub files: Vec<(String, String)>,
    pub warnings: Vec<Diagnostic>,
    /// Every file the stack read (itself and its imports); empty for [`compile_value`].
    pub inputs: Vec<PathBuf>,
    /// The SHA-256 (hex) of each file's content, in `files` order, where already known (a
    /// cache hit, which checked them); empty otherwise. The stat index uses them instead of
    /// hashing the content again.
    pub sha256: Vec<String>,
}

#[derive(Debug)]
pub enum Failure {
    Load(LoadError),
    /// At least one error; warnings are included.
    Diagnostics(Vec<Diagnostic>),
}

/// The resolved stack and its diagnostics (warnings only on success).
pub struct Checked {
    /// Private to the crate: tests see the stack through [`Checked::lower`] and the output.
    pub(crate) resolved: Resolved,
    pub diagnostics: Vec<Diagnostic>,
    /// Every file the stack read; empty for [`check_value`].
    pub inputs: Vec<PathBuf>,
}

impl Checked {
    /// The stack lowered to the Terraform IR, as [`compile`] prints it.
    pub fn lower(&self) -> Module {
        lower::lower(&self.resolved)
    }
}

/// Deserializes and validates a loaded stack. `Err` holds every diagnostic, at least one of
/// them an error.
pub fn check_value(source: Source<'_>, opts: &Options) -> Result<Checked, Vec<Diagnostic>> {
    let locate = |mut d: Diagnostic| {
        d.file = source.label.to_owned();
        let at = source
            .text
            .and_then(|text| load::line_col_of(text, &d.path));
        d.line = at.map(|(line, _)| line);
        d.column = at.map(|(_, column)| column);
        d
    };
    // Every structural problem, then (when the stack can still be read) every rule's finding.
    let parsed = model::parse(source.value);
    let cx = validate::Context {
        env: opts.env.clone(),
    };
    let mut diagnostics = parsed.diagnostics;
    let mut resolved = None;
    match parsed.stack.as_ref().map(|s| validate::validate(s, &cx)) {
        Some(Ok(valid)) => {
            diagnostics.extend(valid.warnings);
            resolved = Some(valid.resolved);
        }
        Some(Err(found)) => diagnostics.extend(found),
        None => {}
    }
    let diagnostics: Vec<Diagnostic> = diagnostics.into_iter().map(locate).collect();
    match resolved {
        Some(resolved) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(Checked {
            resolved,
            diagnostics,
            inputs: Vec::new(),
        }),
        _ => Err(diagnostics),
    }
}

/// Loads, deserializes and validates one stack file.
pub fn check(path: &Path, opts: &Options) -> Result<Checked, Failure> {
    let (mut checked, inputs) = with_loaded(path, opts, |source| check_value(source, opts))?;
    checked.inputs = inputs;
    Ok(checked)
}

/// Loads `path` and hands its value, labelled with the path, to `stage`; also returns every
/// file the stack read.
fn with_loaded<T>(
    path: &Path,
    opts: &Options,
    stage: impl FnOnce(Source<'_>) -> Result<T, Vec<Diagnostic>>,
) -> Result<(T, Vec<PathBuf>), Failure> {
    let loaded = load::load(path, &opts.jsonnet()).map_err(Failure::Load)?;
    let label = path.display().to_string();
    let source = Source {
        value: &loaded.value,
        label: &label,
        text: Some(&loaded.source),
    };
    let out = stage(source).map_err(Failure::Diagnostics)?;
    Ok((out, loaded.files))
}

/// Compiles a loaded stack into rendered files. `Err` holds every diagnostic, at least one of
/// them an error.
pub fn compile_value(source: Source<'_>, opts: &Options) -> Result<Compiled, Vec<Diagnostic>> {
    let checked = check_value(source, opts)?;
    let module = lower::lower(&checked.resolved);
    // The built-in provider self-check: output that a provider release the module admits (6.25,
    // and 5.100 while the range admits 5.x) would reject, by its schema or by its own value
    // validations, is a gen-tf bug, and it is reported instead of written.
    let problems = crate::provider_schema::check_module(&module);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|p| {
                let mut d = Diagnostic::new(
                    &core::PROVIDER_SCHEMA,
                    "",
                    format!(
                        "generated Terraform does not fit AWS provider {}: {p}",
                        p.provider
                    ),
                )
                .help("this is a bug in gen-tf; please report it with the stack");
                d.file = source.label.to_owned();
                d
            })
            .collect());
    }
    Ok(Compiled {
        stack_file: PathBuf::from(source.label),
        name: checked.resolved.name.to_string(),
        files: render(&module, opts.format),
        warnings: checked.diagnostics,
        inputs: checked.inputs,
        sha256: Vec::new(),
    })
}

/// Compiles one stack file into rendered files.
pub fn compile(path: &Path, opts: &Options) -> Result<Compiled, Failure> {
    let (mut compiled, inputs) = with_loaded(path, opts, |source| compile_value(source, opts))?;
    path.clone_into(&mut compiled.stack_file);
    compiled.inputs = inputs;
    Ok(compiled)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_in_any_case() {
        assert_eq!("HCL".parse::<Format>(), Ok(Format::Hcl));
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert_eq!(
            "yaml".parse::<Format>().unwrap_err().to_string(),
            "unknown format \"yaml\"; use \"hcl\" or \"json\""
        );
    }

    #[test]
    fn a_loaded_value_is_checked_under_its_label_with_lines_from_its_text() {
        let text = "{\n  \"name\": \"a\",\n  \"services\": {\"api\": {\"cpu\": 256, \"memory\": 4096}}\n}\n";
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let source = |text| Source {
            value: &value,
            label: "<memory>",
            text,
        };
        let errors = compile_value(source(Some(text)), &Options::default()).unwrap_err();
        let d = errors.iter().find(|d| d.code == "fargate-size").unwrap();
        assert_eq!((d.file.as_str(), d.line), ("<memory>", Some(3)));
        let Err(errors) = check_value(source(None), &Options::default()) else {
            panic!("cpu 256 with 4096 MiB passed");
        };
        assert_eq!(errors[0].line, None);

        let fixed = serde_json::json!({ "name": "a", "services": { "api": { "cpu": 256, "memory": 512 } } });
        let source = Source {
            value: &fixed,
            label: "<memory>",
            text: None,
        };
        let compiled = compile_value(source, &Options::default()).unwrap();
        assert_eq!(compiled.name, "a");
        assert_eq!(compiled.stack_file, PathBuf::from("<memory>"));
        assert!(compiled.files.iter().any(|(n, _)| n == "api.tf"));
    }

    /// The environment is the typed field: Jsonnet gets it as `ENV` (replacing an `ENV` among
    /// the variables), and an `ENV` among the variables alone names no environment.
    #[test]
    fn the_environment_is_the_options_field_not_an_external_variable() {
        let opts = Options {
            load: LoadOptions {
                ext_str: vec![("ENV".to_owned(), "dev".to_owned())],
                ext_code: vec![("ENV".to_owned(), "'x'".to_owned())],
                ..LoadOptions::default()
            },
            env: Some("prd".to_owned()),
            ..Options::default()
        };
        let jsonnet = opts.jsonnet();
        assert_eq!(jsonnet.ext_str, [("ENV".to_owned(), "prd".to_owned())]);
        assert!(jsonnet.ext_code.is_empty());

        let value =
            serde_json::json!({"name": "shop", "services": {"api": {"cpu": 256, "memory": 512}}});
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        let family = |opts: &Options| {
            check_value(source, opts).unwrap().resolved.services[0]
                .names
                .family
                .clone()
        };
        assert_eq!(family(&opts), "shop-prd-api");
        let only_var = Options { env: None, ..opts };
        assert_eq!(family(&only_var), "shop-api");
    }
}

//! Jsonnet stacks, evaluated by jrsonnet the way the `jsonnet` CLI would.

use std::cell::RefCell;
use std::env;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use jrsonnet_evaluator::error::{Error as JrError, ErrorKind};
use jrsonnet_evaluator::tla::TlaArg;
use jrsonnet_evaluator::trace::PathResolver;
use jrsonnet_evaluator::val::MemoizedClosureThunk;
use jrsonnet_evaluator::{
    bail, ensure_sufficient_stack, with_state, AsPathLike, FileImportResolver, IStr,
    ImportResolver, ResultExt, SourcePath, SourceVirtual, Span, State, Thunk, Val,
};
use jrsonnet_gcmodule::Acyclic;
use serde_json::{Map, Value};

use super::data::{child_path, index_path, number, MAX_DEPTH};
use super::error::{subject, LoadError, Location};
use super::guard;
use super::isolate::read_limited;
use super::line::{line_col, offset_of};
use super::options::{LoadOptions, LIBSONNET, LIBSONNET_NAME};

/// Call depth limit, the `jsonnet` CLI's default `--max-stack`.
pub(crate) const MAX_STACK: usize = 500;

/// Frames shown under an error; deeper traces are summarised in one line.
const MAX_FRAMES: usize = 8;

/// Evaluates `source`, the text of the stack at `canonical`, and returns its value and the
/// real files it imported.
pub(crate) fn evaluate(
    path: &Path,
    canonical: &Path,
    source: String,
    opts: &LoadOptions,
) -> Result<(Value, Vec<PathBuf>), LoadError> {
    if guard::too_deep(&source) {
        return Err(LoadError::TooDeep {
            path: path.to_owned(),
            limit: guard::MAX_NESTING,
        });
    }
    let names = Names::new(path, canonical);
    // Kept for errors with no location of their own; see `Names::error`.
    let text = source.clone();
    let imported = Rc::new(RefCell::new(Vec::new()));
    let resolver = Resolver {
        roots: opts.import_roots.as_ref().map(|roots| {
            let own = canonical.parent().map(Path::to_owned);
            roots.iter().cloned().chain(own).collect()
        }),
        jpath: opts.jpath.clone(),
        main: canonical.to_owned(),
        main_text: source,
        imported: imported.clone(),
    };
    let stack_dir = canonical.parent().unwrap_or(canonical).to_owned();
    let context = jrsonnet_stdlib::ContextInitializer::new(PathResolver::Relative(stack_dir));
    for (name, value) in &opts.ext_str {
        context.add_ext_str(name.as_str().into(), value.as_str().into());
    }
    for (name, code) in &opts.ext_code {
        context.settings_mut().ext_vars.insert(
            name.as_str().into(),
            TlaArg::Lazy(ext_code_thunk(name, code)),
        );
    }
    let main = file_source(canonical).map_err(|e| names.error(&e, None))?;
    let mut builder = State::builder();
    builder
        .import_resolver(resolver)
        .context_initializer(context);
    let state = builder.build();

    let result = {
        let _entered = state.enter();
        let _depth = jrsonnet_evaluator::stack::limit_stack_depth(MAX_STACK);
        let evaluated = state.import_resolved(main);
        let result = match &evaluated {
            Ok(val) => manifest(val, "", 0),
            Err(e) => Err(Failure::from(e.clone())),
        };
        // jrsonnet frees values recursively, and a value nested a million deep costs one
        // std.foldl to build; freeing it would overflow any stack, which aborts the process.
        // So the evaluator's heap is leaked until exit: a run loads a handful of stacks.
        std::mem::forget(evaluated);
        result
    };
    let result = result.map_err(|f| match f {
        Failure::Eval { error, json_path } => {
            let fallback = json_path
                .as_deref()
                .and_then(|p| names.key_location(&text, p));
            names.error(&error, fallback)
        }
        Failure::NotData { json_path, what } => LoadError::NotData {
            path: path.to_owned(),
            json_path,
            what,
        },
    });
    std::mem::forget(state);
    let files = imported.take();
    result.map(|value| (value, files))
}

/// A `SourcePath` for a real file. jrsonnet does not export its file source type, so this
/// borrows `FileImportResolver`, which builds one from an absolute path and nothing else.
fn file_source(absolute: &Path) -> jrsonnet_evaluator::Result<SourcePath> {
    FileImportResolver::default().resolve_from_default(&absolute)
}

/// `--ext-code` is evaluated lazily, like the CLI, so an unused broken expression is not an
/// error, and under its own name so errors in it point at the flag rather than the stack.
fn ext_code_thunk(name: &str, code: &str) -> Thunk<Val> {
    let env: (IStr, IStr) = (format!("<ext-code {name}>").into(), code.into());
    Thunk::new(MemoizedClosureThunk::new(env, |(name, code)| {
        with_state(|s| s.evaluate_snippet(name, code))
    }))
}

/// Resolves imports like the CLI (importing file's directory, then each `-J` in order),
/// serves the embedded library, and records every real file read.
///
/// It does not wrap `FileImportResolver`: that one reads FIFOs to the end during resolution
/// and has no size limit, and both matter when the input is not trusted.
#[derive(Acyclic)]
struct Resolver {
    jpath: Vec<PathBuf>,
    /// Canonical directories imports may read from; `None`: anywhere.
    roots: Option<Vec<PathBuf>>,
    /// Served from memory so the evaluated text is exactly `Loaded::source`.
    main: PathBuf,
    main_text: String,
    imported: Rc<RefCell<Vec<PathBuf>>>,
}

impl ImportResolver for Resolver {
    fn resolve_from(
        &self,
        from: &SourcePath,
        path: &dyn AsPathLike,
    ) -> jrsonnet_evaluator::Result<SourcePath> {
        let requested = path.as_path();
        let path: &Path = requested.as_ref();
        // The embedded library wins over any file of the same name, so a stack means the same
        // thing with every copy of the same gen-tf release.
        if path == Path::new(LIBSONNET_NAME) {
            return Ok(SourcePath::new(SourceVirtual(LIBSONNET_NAME.into())));
        }
        // Only files this resolver made have a path.
        let base = if let Some(file) = from.path() {
            file.parent().map(Path::to_owned)
        } else if from.is_default() {
            // --ext-code snippets import relative to the working directory, as in the CLI.
            env::current_dir().ok()
        } else {
            None
        };
        let candidates = base.iter().chain(&self.jpath).map(|dir| dir.join(path));
        for candidate in candidates {
            match candidate.metadata() {
                Ok(meta) if meta.is_file() => {
                    let real = candidate.canonicalize().map_err(|e| {
                        ErrorKind::RuntimeError(
                            format!("cannot read {}: {e}", candidate.display()).into(),
                        )
                    })?;
                    if let Some(roots) = &self.roots {
                        if !roots.iter().any(|r| real.starts_with(r)) {
                            bail!(ErrorKind::RuntimeError(
                                format!(
                                    "import '{}' is {}, outside the stack's directory, the \
                                     working directory, the project's directory and the -J \
                                     directories; gen-tf imports only from those, unless \
                                     --allow-import-outside",
                                    path.display(),
                                    real.display()
                                )
                                .into()
                            ))
                        }
                    }
                    return file_source(&real);
                }
                Ok(_) => bail!(ErrorKind::RuntimeError(
                    format!("cannot import {}: not a regular file", candidate.display()).into()
                )),
                Err(_) => {}
            }
        }
        let searched: Vec<String> = base
            .iter()
            .chain(&self.jpath)
            .map(|d| d.display().to_string())
            .collect();
        bail!(ErrorKind::RuntimeError(
            format!(
                "cannot find import '{}' (searched: {})",
                path.display(),
                searched.join(", ")
            )
            .into()
        ))
    }

    fn load_file_contents(&self, resolved: &SourcePath) -> jrsonnet_evaluator::Result<Vec<u8>> {
        if let Some(file) = resolved.path() {
            if file == self.main {
                return Ok(self.main_text.as_bytes().to_vec());
            }
            let mut bytes =
                read_limited(file).map_err(|e| ErrorKind::RuntimeError(e.to_string().into()))?;
            // Only what `import` parses; importstr'd text may hold anything.
            let parsed = file
                .extension()
                .is_some_and(|e| e == "jsonnet" || e == "libsonnet" || e == "json");
            // A byte order mark is not Jsonnet, but editors write it; the stack itself may
            // have one too (see `load`).
            if parsed && bytes.starts_with("\u{feff}".as_bytes()) {
                bytes.drain(.."\u{feff}".len());
            }
            if parsed && std::str::from_utf8(&bytes).is_ok_and(guard::too_deep) {
                bail!(ErrorKind::RuntimeError(
                    format!(
                        "{}: nested deeper than {} levels; gen-tf refuses it rather than risk a stack overflow",
                        file.display(),
                        guard::MAX_NESTING
                    )
                    .into()
                ))
            }
            self.imported.borrow_mut().push(file.to_owned());
            return Ok(bytes);
        }
        if let Some(SourceVirtual(name)) = resolved.downcast_ref::<SourceVirtual>() {
            if name.as_str() == LIBSONNET_NAME {
                return Ok(LIBSONNET.as_bytes().to_vec());
            }
        }
        bail!(ErrorKind::RuntimeError(
            format!("cannot load {resolved}").into()
        ))
    }
}

enum Failure {
    /// `json_path` is the field or element whose evaluation failed, when known.
    Eval {
        error: JrError,
        json_path: Option<String>,
    },
    NotData {
        json_path: String,
        what: String,
    },
}

impl From<JrError> for Failure {
    fn from(error: JrError) -> Self {
        Self::Eval {
            error,
            json_path: None,
        }
    }
}

/// Records which value was being evaluated, for errors that carry no location.
fn at_path<T>(result: jrsonnet_evaluator::Result<T>, json_path: &str) -> Result<T, Failure> {
    result
        .with_description(|| {
            if json_path.is_empty() {
                subject(json_path)
            } else {
                format!("field {}", subject(json_path))
            }
        })
        .map_err(|error| Failure::Eval {
            error,
            json_path: Some(json_path.to_owned()),
        })
}

/// Val -> JSON by hand rather than through serde: serde would flatten evaluation errors to
/// strings (losing their locations) and saturate large whole numbers into i64.
fn manifest(val: &Val, json_path: &str, depth: usize) -> Result<Value, Failure> {
    if depth > MAX_DEPTH {
        return Err(Failure::NotData {
            json_path: json_path.to_owned(),
            what: format!("nested deeper than {MAX_DEPTH} levels"),
        });
    }
    Ok(match val {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Str(s) => Value::String(s.to_string()),
        Val::Num(n) => Value::Number(number(n.get()).ok_or_else(|| Failure::NotData {
            json_path: json_path.to_owned(),
            what: format!("the number {}", n.get()),
        })?),
        Val::Arr(arr) => ensure_sufficient_stack(|| {
            let mut out = Vec::with_capacity(arr.len() as usize);
            for (i, item) in arr.iter().enumerate() {
                let child = index_path(json_path, i);
                let item = at_path(item, &child)?;
                out.push(manifest(&item, &child, depth + 1)?);
            }
            Ok::<_, Failure>(Value::Array(out))
        })?,
        Val::Obj(obj) => ensure_sufficient_stack(|| {
            at_path(obj.run_assertions(), json_path)?;
            let mut out = Map::new();
            for (key, value) in obj.iter() {
                let child = child_path(json_path, &key);
                let value = at_path(value, &child)?;
                out.insert(key.to_string(), manifest(&value, &child, depth + 1)?);
            }
            Ok::<_, Failure>(Value::Object(out))
        })?,
        Val::Func(_) => {
            return Err(Failure::NotData {
                json_path: json_path.to_owned(),
                what: if json_path.is_empty() {
                    "a function (gen-tf passes no top-level arguments; read settings with std.extVar)"
                        .to_owned()
                } else {
                    "a function".to_owned()
                },
            })
        }
    })
}

/// Turns evaluator paths into the names users know.
struct Names {
    path: PathBuf,
    canonical: PathBuf,
    /// The stack's directory, as given and canonical, so imports beside the stack are shown
    /// relative to what the user typed rather than as long absolute paths.
    dir: PathBuf,
    canonical_dir: PathBuf,
}

impl Names {
    fn new(path: &Path, canonical: &Path) -> Self {
        Self {
            path: path.to_owned(),
            canonical: canonical.to_owned(),
            dir: path.parent().map(Path::to_owned).unwrap_or_default(),
            canonical_dir: canonical.parent().map(Path::to_owned).unwrap_or_default(),
        }
    }

    fn source(&self, source: &SourcePath) -> String {
        if let Some(p) = source.path() {
            if p == self.canonical {
                return self.path.display().to_string();
            }
            if let Ok(rel) = p.strip_prefix(&self.canonical_dir) {
                return self.dir.join(rel).display().to_string();
            }
            return p.display().to_string();
        }
        if let Some(SourceVirtual(name)) = source.downcast_ref::<SourceVirtual>() {
            if name.as_str() == LIBSONNET_NAME {
                return format!("<embedded {LIBSONNET_NAME}>");
            }
            return name.to_string();
        }
        source.to_string()
    }

    fn location(&self, span: &Span) -> Location {
        self.at_offset(&span.0, span.1)
    }

    fn at_offset(&self, source: &jrsonnet_evaluator::Source, offset: u32) -> Location {
        let offset = offset.min(u32::try_from(source.code().len()).unwrap_or(u32::MAX));
        let [loc] = source.map_source_locations(&[offset]);
        Location {
            file: self.source(source.source_path()),
            line: loc.line.max(1),
            column: loc.column.max(1),
        }
    }

    /// Where the key of `json_path` is written in the stack, if it can be found.
    fn key_location(&self, text: &str, json_path: &str) -> Option<Location> {
        let (line, column) = line_col(text, offset_of(text, json_path)?);
        Some(Location {
            file: self.path.display().to_string(),
            line,
            column,
        })
    }

    /// `fallback` is used when no frame has a location, which jrsonnet leaves out for
    /// some errors (a missing field, for one).
    fn error(&self, err: &JrError, fallback: Option<Location>) -> LoadError {
        let path = self.path.clone();
        let frames = &err.trace().0;
        let mut at = frames
            .iter()
            .find_map(|f| f.location.as_ref())
            .map(|s| self.location(s))
            .or(fallback);
        let trace = self.frames(err);
        let message = match err.error() {
            ErrorKind::UndefinedExternalVariable(name) => {
                return LoadError::MissingExtVar {
                    path,
                    name: name.to_string(),
                    at,
                }
            }
            ErrorKind::StackOverflow => {
                return LoadError::Recursion {
                    path,
                    limit: MAX_STACK,
                    at,
                    trace,
                }
            }
            ErrorKind::ImportSyntaxError {
                path: source,
                error,
            } => {
                at = Some(self.at_offset(source, error.location.1));
                format!("syntax error: {}", error.message)
            }
            ErrorKind::StaticAnalysisError(diagnostics) => {
                if let Some(span) = diagnostics.iter().find_map(|d| d.span.as_ref()) {
                    at = Some(self.location(span));
                }
                diagnostics
                    .iter()
                    .map(|d| d.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            ErrorKind::ImportBadFileUtf8(source) => {
                format!("{}: not valid UTF-8", self.source(source))
            }
            other => other.to_string(),
        };
        LoadError::Jsonnet {
            path,
            at,
            // Keep the message one line; jrsonnet puts hints ("did you mean") on their own.
            message: message
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("; "),
            trace,
        }
    }

    /// `file:line:col: description`, innermost first, with runs of one frame (recursion)
    /// folded into one line and long traces cut short.
    fn frames(&self, err: &JrError) -> Vec<String> {
        let mut lines: Vec<(String, usize)> = Vec::new();
        // The syntax error's own location is the message's; this frame would repeat it.
        let frames = err.trace().0.iter().filter(|f| f.desc != "parse imported");
        for frame in frames {
            let line = match &frame.location {
                Some(span) => format!("{}: {}", self.location(span), frame.desc),
                None => frame.desc.clone(),
            };
            match lines.last_mut() {
                Some((last, n)) if *last == line => *n += 1,
                _ => lines.push((line, 1)),
            }
        }
        let total = lines.len();
        let mut out: Vec<String> = lines
            .into_iter()
            .take(MAX_FRAMES)
            .map(|(line, n)| {
                if n > 1 {
                    format!("{line} (x{n})")
                } else {
                    line
                }
            })
            .collect();
        if total > MAX_FRAMES {
            out.push(format!("... {} more frames", total - MAX_FRAMES));
        }
        out
    }
}

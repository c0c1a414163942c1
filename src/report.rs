//! Rendering diagnostics for people (colored on a terminal) and for machines (JSON lines).

use std::fmt::Write as _;

use crate::diag::{core, Diagnostic, Severity};
use crate::load::LoadError;

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// Readable text; colored when stderr is a terminal.
    #[default]
    Human,
    /// One JSON object per line, for CI annotations.
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub format: MessageFormat,
    pub color: bool,
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Messages quote user values; a 100 MB string must not become a 100 MB line in a CI log.
const MAX_TEXT_CHARS: usize = 1000;

fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!(
            "{}... ({} more characters)",
            &text[..cut],
            text[cut..].chars().count()
        ),
    }
}

/// One diagnostic, ending in a newline.
pub fn diagnostic(d: &Diagnostic, style: Style) -> String {
    let clipped;
    let d = if d.message.len() > MAX_TEXT_CHARS
        || d.help.len() > MAX_TEXT_CHARS
        || d.path.len() > MAX_TEXT_CHARS
    {
        clipped = Diagnostic {
            message: clip(&d.message),
            help: clip(&d.help),
            path: clip(&d.path),
            ..d.clone()
        };
        &clipped
    } else {
        d
    };
    if style.format == MessageFormat::Json {
        let mut s = serde_json::to_string(d).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let c = style.color;
    let (label, color) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{} {}",
        paint(c, color, &format!("{label}[{}]", d.code)),
        paint(c, "1", ":"),
        paint(c, "1", &d.message)
    );
    let place = match d.line {
        Some(line) => format!("{}:{line}", d.file),
        None => d.file.clone(),
    };
    let path = if d.path.is_empty() {
        "(stack root)"
    } else {
        &d.path
    };
    let _ = writeln!(out, "  {} {place}: {path}", paint(c, "1;34", "-->"));
    if !d.help.is_empty() {
        let _ = writeln!(out, "  {} {}", paint(c, "1;34", "= help:"), d.help);
    }
    out
}

/// A load failure, shown like a diagnostic with the code `load`.
pub fn load_error(e: &LoadError, style: Style) -> String {
    let d = load_diagnostic(e);
    if style.format == MessageFormat::Json {
        return diagnostic(&d, style);
    }
    format!(
        "{}{} {}\n",
        paint(style.color, "1;31", "error[load]"),
        paint(style.color, "1", ":"),
        e
    )
}

/// A load failure as a diagnostic (for JSON output), with the line and JSON path when the
/// loader knows them, so CI annotations land on the right line.
pub fn load_diagnostic(e: &LoadError) -> Diagnostic {
    let mut d = Diagnostic::new(&core::LOAD, "", e.to_string());
    d.file = e.path().display().to_string();
    let at = match e {
        LoadError::Syntax { at, .. }
        | LoadError::MissingExtVar { at, .. }
        | LoadError::Recursion { at, .. }
        | LoadError::Jsonnet { at, .. } => at.as_ref(),
        _ => None,
    };
    match (e, at) {
        (_, Some(loc)) => {
            // An error inside an import names that file.
            d.file.clone_from(&loc.file);
            d.line = Some(loc.line);
        }
        (LoadError::NotUtf8 { line, .. }, None) => d.line = Some(*line),
        (LoadError::NotData { json_path, .. }, None) if json_path != "(top level)" => {
            d.path.clone_from(json_path);
        }
        _ => {}
    }
    d
}

/// Whether a load failure is the tool's (I/O: exit 2) rather than the input's (exit 1).
pub fn load_is_io(e: &LoadError) -> bool {
    matches!(e, LoadError::Read { .. } | LoadError::NotAFile { .. })
}

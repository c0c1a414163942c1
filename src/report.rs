//! Rendering diagnostics for people (colored on a terminal) and for machines (JSON lines, and
//! GitHub Actions workflow commands that become annotations on a pull request).
//!
//! Diagnostics quote user text (keys, values, Jsonnet `error` messages) and file names. Control
//! characters in them would reach the terminal (an ESC can rewrite the screen or the window
//! title, a CR can overwrite a line, a newline can forge a `-->` line), so human output escapes
//! them; JSON output escapes them by its own syntax.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

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
    /// One GitHub Actions workflow command (`::error file=F,line=L,col=C,title=CODE::message`)
    /// per diagnostic, which GitHub shows as an annotation on the pull request.
    Github,
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

/// A JSON text with the characters JSON lets through raw but a terminal may act on (DEL, C1
/// controls, bidirectional formatting) written as `\u` escapes; serde_json already escapes the
/// rest. They can only occur inside strings, where the escape means the same character.
fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_terminal_control(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters (C0, DEL, C1) and bidirectional formatting characters.
fn is_terminal_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character (C0, DEL, C1; also newline and tab unless `keep_newline`)
/// and every bidirectional formatting character written as a Rust escape (`\u{1b}`), so that
/// nothing in it acts on a terminal.
pub fn escape_controls(text: &str, keep_newline: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_terminal_control(c) && !(keep_newline && c == '\n');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One diagnostic, ending in a newline.
pub fn diagnostic(d: &Diagnostic, style: Style) -> String {
    diagnostic_in(d, style, &[])
}

/// The same finding in the environments `envs` of a multi-environment build, printed once and
/// noted with them (`= note: in environments dev, stg, prd`); no note when `envs` is empty.
pub fn diagnostic_in(d: &Diagnostic, style: Style, envs: &[String]) -> String {
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
    match style.format {
        MessageFormat::Json => json_line(d, envs),
        MessageFormat::Github => github_command(d, envs),
        MessageFormat::Human => human(d, style.color, envs),
    }
}

fn json_line(d: &Diagnostic, envs: &[String]) -> String {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        #[serde(flatten)]
        d: &'a Diagnostic,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        environments: &'a [String],
    }
    let mut s = json_safe(
        &serde_json::to_string(&Line {
            d,
            environments: envs,
        })
        .unwrap_or_default(),
    );
    s.push('\n');
    s
}

/// `= note: in environment dev` or `= note: in environments dev, stg, prd`.
fn env_note(envs: &[String]) -> Option<String> {
    match envs {
        [] => None,
        [one] => Some(format!("in environment {one}")),
        many => Some(format!("in environments {}", many.join(", "))),
    }
}

fn human(d: &Diagnostic, c: bool, envs: &[String]) -> String {
    let (label, color) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let esc = |t| escape_controls(t, false);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{} {}",
        paint(c, color, &format!("{label}[{}]", d.code)),
        paint(c, "1", ":"),
        paint(c, "1", &esc(&d.message))
    );
    let place = match (d.line, d.column) {
        (Some(line), Some(col)) => format!("{}:{line}:{col}", esc(&d.file)),
        (Some(line), None) => format!("{}:{line}", esc(&d.file)),
        _ => esc(&d.file).into_owned(),
    };
    let path = if d.path.is_empty() {
        Cow::Borrowed("(stack root)")
    } else {
        esc(&d.path)
    };
    let _ = writeln!(out, "  {} {place}: {path}", paint(c, "1;34", "-->"));
    if !d.help.is_empty() {
        let _ = writeln!(out, "  {} {}", paint(c, "1;34", "= help:"), esc(&d.help));
    }
    if let Some(note) = env_note(envs) {
        let _ = writeln!(out, "  {} {}", paint(c, "1;34", "= note:"), esc(&note));
    }
    out
}

/// A GitHub Actions workflow command: `::error file=F,line=L,col=C,title=CODE::message`. The
/// message carries the JSON path, the help and the environments on lines of their own.
fn github_command(d: &Diagnostic, envs: &[String]) -> String {
    let mut props = Vec::new();
    if !d.file.is_empty() {
        props.push(format!("file={}", github_property(&d.file)));
    }
    if let Some(line) = d.line {
        props.push(format!("line={line}"));
        if let Some(col) = d.column {
            props.push(format!("col={col}"));
        }
    }
    props.push(format!("title={}", github_property(d.code)));
    let mut message = d.message.clone();
    if !d.path.is_empty() {
        let _ = write!(message, "\n--> {}", d.path);
    }
    if !d.help.is_empty() {
        let _ = write!(message, "\n= help: {}", d.help);
    }
    if let Some(note) = env_note(envs) {
        let _ = write!(message, "\n= note: {note}");
    }
    format!(
        "::{} {}::{}\n",
        d.severity,
        props.join(","),
        github_data(&message)
    )
}

/// `check`'s finding about one generated file as a JSON line shaped like a diagnostic's (`code`,
/// `severity`, `file`, `path`, `message`, `help`), plus `state` (stale, missing, extra or
/// leftover) and the file's unified `diff` (empty for a leftover temporary file).
pub fn json_file_error(file: &str, state: &str, message: &str, help: &str, diff: &str) -> String {
    let line = serde_json::json!({
        "code": "out-of-date",
        "severity": "error",
        "file": file,
        "path": "",
        "message": message,
        "help": help,
        "state": state,
        "diff": diff,
    });
    let mut s = json_safe(&line.to_string());
    s.push('\n');
    s
}

/// A GitHub Actions error annotation on a whole file, such as a generated file that `check`
/// found out of date.
pub fn github_file_error(file: &str, title: &str, message: &str) -> String {
    format!(
        "::error file={},title={}::{}\n",
        github_property(file),
        github_property(title),
        github_data(message)
    )
}

/// A workflow command's message: `%`, CR and LF escaped as GitHub's runner unescapes them
/// (`%25`, `%0D`, `%0A`). Other control characters are written as Rust escapes, as on a
/// terminal, so none reaches the log raw.
pub fn github_data(text: &str) -> String {
    github_escape(text, false)
}

/// A workflow command's property value (file, title): as [`github_data`], and `:` and `,`
/// too (`%3A`, `%2C`), which would otherwise end the value.
pub fn github_property(text: &str) -> String {
    github_escape(text, true)
}

fn github_escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_terminal_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A load failure, shown like a diagnostic with the code `load` (or, for a key given twice in
/// a JSON stack, `invalid-type`, with its path and line).
pub fn load_error(e: &LoadError, style: Style) -> String {
    load_error_in(e, style, &[])
}

/// [`load_error`], noted with the environments it happened in (see [`diagnostic_in`]).
pub fn load_error_in(e: &LoadError, style: Style, envs: &[String]) -> String {
    let d = load_diagnostic(e);
    if style.format != MessageFormat::Human || d.code != core::LOAD.code {
        return diagnostic_in(&d, style, envs);
    }
    // The message, then its stack frames each on a line of its own: every part escaped, so
    // that only these line breaks remain.
    let text = e.to_string();
    let frames = e.trace();
    let frames_len: usize = frames.iter().map(|f| f.len() + 5).sum();
    let head = text
        .get(..text.len().saturating_sub(frames_len))
        .unwrap_or(&text);
    let mut out = escape_controls(head, false).into_owned();
    for f in frames {
        let _ = write!(out, "\n    {}", escape_controls(f, false));
    }
    let mut text = format!(
        "{}{} {}\n",
        paint(style.color, "1;31", "error[load]"),
        paint(style.color, "1", ":"),
        out
    );
    if let Some(note) = env_note(envs) {
        let _ = writeln!(
            text,
            "  {} {}",
            paint(style.color, "1;34", "= note:"),
            escape_controls(&note, false)
        );
    }
    text
}

/// For a load error inside a file the stack imports (a shared `.libsonnet`), what makes it the
/// same error whichever stack imported the file: its place and message, without the stack's
/// own frames. `None` for an error in the stack file itself.
pub fn imported_error_key(e: &LoadError) -> Option<String> {
    let d = load_diagnostic(e);
    if d.code != core::LOAD.code || Path::new(&d.file) == e.path() {
        return None;
    }
    let head = d.message.lines().next().unwrap_or_default();
    Some(format!(
        "import {}:{:?}:{:?} {head}",
        d.file, d.line, d.column
    ))
}

/// A load error in a file that several `stacks` import, printed once: the first stack's
/// error, with a note naming them all (JSON: a `stacks` array).
pub fn imported_error(e: &LoadError, style: Style, envs: &[String], stacks: &[String]) -> String {
    let note = format!("in every stack that imports it: {}", stacks.join(", "));
    match style.format {
        MessageFormat::Human => {
            let mut text = load_error_in(e, style, envs);
            let _ = writeln!(
                text,
                "  {} {}",
                paint(style.color, "1;34", "= note:"),
                escape_controls(&note, false)
            );
            text
        }
        MessageFormat::Json => {
            let line = diagnostic_in(&load_diagnostic(e), style, envs);
            match serde_json::from_str::<serde_json::Value>(&line) {
                Ok(serde_json::Value::Object(mut o)) => {
                    o.insert("stacks".into(), stacks.into());
                    let mut s = json_safe(&serde_json::Value::Object(o).to_string());
                    s.push('\n');
                    s
                }
                _ => line,
            }
        }
        MessageFormat::Github => {
            let mut d = load_diagnostic(e);
            let _ = write!(d.message, "\n= note: {note}");
            diagnostic_in(&d, style, envs)
        }
    }
}

/// A load failure as a diagnostic (for JSON output), with the line and JSON path when the
/// loader knows them, so CI annotations land on the right line.
pub fn load_diagnostic(e: &LoadError) -> Diagnostic {
    if let LoadError::DuplicateKey {
        path,
        json_path,
        line,
        ..
    } = e
    {
        let text = e.to_string();
        let prefix = format!("{}: ", path.display());
        let mut d = Diagnostic::new(
            &core::INVALID_TYPE,
            json_path.clone(),
            text.strip_prefix(&prefix).unwrap_or(&text),
        )
        .help("remove one of the two, or merge them into one");
        d.file = path.display().to_string();
        d.line = Some(*line);
        return d;
    }
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
            d.column = Some(loc.column);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(escape_controls("plain é 😀", false), "plain é 😀");
        assert_eq!(
            escape_controls("a\u{1b}[2J\u{7}\r\n\u{9b}\u{202e}b", false),
            "a\\u{1b}[2J\\u{7}\\u{d}\\u{a}\\u{9b}\\u{202e}b"
        );
        assert_eq!(escape_controls("a\nb\r", true), "a\nb\\u{d}");
        let json = json_safe(&serde_json::to_string("a\u{9b}b\u{1b}").unwrap());
        assert_eq!(json, "\"a\\u009bb\\u001b\"");
        assert_eq!(
            serde_json::from_str::<String>(&json).unwrap(),
            "a\u{9b}b\u{1b}"
        );
    }

    #[test]
    fn github_escapes_as_the_runner_unescapes() {
        assert_eq!(github_data("100% a,b: c\r\nd"), "100%25 a,b: c%0D%0Ad");
        assert_eq!(
            github_property("100% a,b: c\r\nd"),
            "100%25 a%2Cb%3A c%0D%0Ad"
        );
        assert_eq!(github_data("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}

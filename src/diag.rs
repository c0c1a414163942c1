//! Diagnostics: what every stage reports about user input.
//!
//! A diagnostic names the rule (a stable code), the file, the JSON path inside the stack, what is
//! wrong and what would be right. Rendering lives in `report`; this module only holds the data.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable rule code, for example `fargate-size`.
    pub code: &'static str,
    pub severity: Severity,
    /// The stack file, as the user named it.
    pub file: String,
    /// JSON path inside the stack, for example `services.api.auto_scaling.policies[1]`.
    pub path: String,
    /// 1-based line in the stack file, when it can be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub help: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            file: String::new(),
            path: path.into(),
            line: None,
            message: message.into(),
            help: String::new(),
        }
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, path, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Builds JSON paths the way diagnostics print them: `a.b[1].c`; keys that are not plain
/// identifiers are quoted: `services["my.svc"]`.
pub fn join(base: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (base.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (true, false) => format!("[{key:?}]"),
        (false, true) => format!("{base}.{key}"),
        (false, false) => format!("{base}[{key:?}]"),
    }
}

pub fn index(base: &str, i: usize) -> String {
    format!("{base}[{i}]")
}

/// The closest of `candidates` to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&w, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(w.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(join("", "services"), "services");
        assert_eq!(join("services", "api"), "services.api");
        assert_eq!(join("services", "a.b"), "services[\"a.b\"]");
        assert_eq!(index("policies", 1), "policies[1]");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("desired_cont", ["desired_count", "port"]),
            Some("desired_count")
        );
        assert_eq!(did_you_mean("zzz", ["desired_count"]), None);
    }
}

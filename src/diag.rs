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

/// One rule: a stable code and its severity, and what `gen-tf explain` prints about it. Every
/// rule is a `static`, and a diagnostic can only be made from one, so a code can never be
/// misspelt and its severity is stated once.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    /// One line: what the rule rejects.
    pub summary: &'static str,
    /// The AWS (or Terraform) fact behind it.
    pub fact: &'static str,
    /// Where the fact is documented.
    pub source: &'static str,
}

/// The rules that belong to no rule family: the structural checks of the model, loading, the
/// cross-stack check and gen-tf's own self-check.
pub mod core {
    use super::{Rule, Severity};

    pub static PROVIDER_SCHEMA: Rule = Rule {
        code: "provider-schema",
        severity: Severity::Error,
        summary: "gen-tf produced Terraform that an AWS provider it admits would reject (a gen-tf bug).",
        fact: "Every generated resource is checked before it is written against the 6.25 schema, the 5.100 schema while the module's provider range admits 5.x, and the provider's plan-time validations of every literal value, so `terraform validate` never sees an unknown or missing argument or a refused value.",
        source: "schemas/aws-provider-subset.json (6.25, scripts/extract-provider-schema.mjs), schemas/aws-provider-5.100-subset.json (scripts/extract-provider-schema-v5.mjs), schemas/aws-provider-validators.json (scripts/extract-provider-validators.mjs)",
    };

    pub static UNKNOWN_FIELD: Rule = Rule {
        code: "unknown-field",
        severity: Severity::Error,
        summary: "A field that the stack format does not have.",
        fact: "Terraform would silently ignore nothing here: a misspelt field would otherwise drop a setting.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    };

    pub static UNKNOWN_VALUE: Rule = Rule {
        code: "unknown-value",
        severity: Severity::Error,
        summary:
            "A value outside a closed set (capacity provider, architecture, adjustment type...).",
        fact: "AWS accepts only the listed values and rejects others at apply time.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    };

    pub static MISSING_FIELD: Rule = Rule {
        code: "missing-field",
        severity: Severity::Error,
        summary: "A required field is missing.",
        fact: "The field has no safe default.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    };

    pub static INVALID_TYPE: Rule = Rule {
        code: "invalid-type",
        severity: Severity::Error,
        summary: "A value has the wrong type or shape.",
        fact: "The stack format is typed.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    };

    pub static INVALID_NAME: Rule = Rule {
        code: "invalid-name",
        severity: Severity::Error,
        summary: "A stack or service name that is not lower-case letters, digits and single '-'.",
        fact: "Names become directory names, Terraform labels and AWS names; anything else could escape the output directory or be refused by AWS.",
        source: "https://developer.hashicorp.com/terraform/language/syntax/configuration#identifiers",
    };

    pub static OUT_OF_RANGE: Rule = Rule {
        code: "out-of-range",
        severity: Severity::Error,
        summary: "A number outside the range its field takes (a port of 0, a fraction above 1, a count below 0...), or a text or list longer or shorter than its field allows.",
        fact: "AWS validates these ranges and lengths only when the resource is created: ports are 1-65535, ECS integers are 32-bit, CloudWatch metric names and namespaces take at most 255 characters, and each field's own range is in its description in `gen-tf schema`.",
        source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html",
    };

    pub static LOAD: Rule = Rule {
        code: "load",
        severity: Severity::Error,
        summary: "A stack file that cannot be read, parsed or evaluated (syntax, Jsonnet error, recursion, size, encoding).",
        fact: "A stack must be one UTF-8 file of at most 16 MiB that evaluates to plain JSON data.",
        source: "gen-tf stack format (DESIGN.md: Input)",
    };

    pub static DUPLICATE_STACK: Rule = Rule {
        code: "duplicate-stack",
        severity: Severity::Error,
        summary: "Two stack files with the same `name`.",
        fact: "A stack's name is its module directory; two stacks with one name would write into one directory.",
        source: "gen-tf stack format (DESIGN.md: Output)",
    };

    pub static HAND_WRITTEN_FILE: Rule = Rule {
        code: "hand-written-file",
        severity: Severity::Error,
        summary: "A file gen-tf would write is already there and is not gen-tf's (no gen-tf header, or not a regular file).",
        fact: "gen-tf replaces only files that start with its own header; any other file at a path it would write (a hand-written locals.tf, a README.md, a symlink) is someone's, so the build writes nothing and names the stack field that makes the file.",
        source: "docs/security.md (hand-written files)",
    };

    /// A module that Terraform refused (init or validate).
    pub static TERRAFORM_VALIDATE: Rule = Rule {
        code: "terraform-validate",
        severity: Severity::Error,
        summary: "`gen-tf build --verify`: a written module that `terraform init` or `terraform validate` refuses.",
        fact: "terraform validate checks a module against the installed provider's schema and its plan-time validations; init installs that provider (through TF_CLI_CONFIG_FILE's provider_installation when set). gen-tf checks its output against the AWS provider 5.100 and 6.25 schemas and validations itself, so a validate failure is a gen-tf bug or a provider release outside what gen-tf has checked; an init failure is usually the provider installation.",
        source: "https://developer.hashicorp.com/terraform/cli/commands/validate",
    };

    /// A warning from Terraform on a written module (a deprecated argument or attribute in the
    /// installed provider, for example): reported, never a failure.
    pub static TERRAFORM_WARNING: Rule = Rule {
        code: "terraform-warning",
        severity: Severity::Warning,
        summary: "`gen-tf build --verify`: a warning from `terraform validate` on a written module.",
        fact: "terraform validate also warns, for example when a module reads an attribute that the installed provider deprecates. gen-tf reads only attributes that neither admitted provider major deprecates, so a warning in a generated file is a provider release gen-tf has not been checked against; one in a hand-written file is the file's.",
        source: "https://developer.hashicorp.com/terraform/cli/commands/validate",
    };

    /// In catalogue order.
    pub static RULES: &[&Rule] = &[
        &PROVIDER_SCHEMA,
        &UNKNOWN_FIELD,
        &UNKNOWN_VALUE,
        &MISSING_FIELD,
        &INVALID_TYPE,
        &INVALID_NAME,
        &OUT_OF_RANGE,
        &LOAD,
        &DUPLICATE_STACK,
        &HAND_WRITTEN_FILE,
        &TERRAFORM_VALIDATE,
        &TERRAFORM_WARNING,
    ];
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
    /// 1-based column (in characters) of the field's key on that line, when it can be told, so
    /// editors and CI annotations land on the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub help: String,
}

impl Diagnostic {
    /// A finding of `rule` at `path`; the code and severity are the rule's.
    pub fn new(rule: &'static Rule, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: rule.code,
            severity: rule.severity,
            file: String::new(),
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            help: String::new(),
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

/// A value from a stack as a message quotes it: at most 64 characters, quoted and escaped, so that
/// a message never carries a whole file (an imported secret) into a CI log.
pub fn short_value(s: &str) -> String {
    format!("{:?}", clip(s, 64))
}

/// At most `max` characters of `s`, with `...` when cut: user text quoted in a message.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}...", &s[..cut]),
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

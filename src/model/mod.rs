//! The typed model of a stack. Deserializing into it rejects unknown fields and wrong types;
//! the rules that need more than one field live in `validate`.

pub mod aws;
pub mod connect;
pub mod container;
pub mod deployment;
pub mod ebs;
pub mod endpoint;
pub mod iam;
pub mod name_overrides;
pub mod names;
pub mod network;
pub mod scaling;
pub mod service;
pub mod stack;
pub mod volume;

pub use endpoint::{EndpointConfig, EndpointSpec, EndpointType, VpcEndpoints};
pub use names::{ServiceName, StackName};
pub use scaling::{AutoScaling, Policy, PolicyType, PredefinedMetric, StepAdjustment};
pub use service::Service;
pub use stack::{Cluster, Network, Stack};

mod structure;

use crate::diag::{core, did_you_mean, Diagnostic};

/// A deserialized stack and everything wrong with its structure.
#[derive(Debug)]
pub struct Parsed {
    /// The stack, when it could be read. With unknown fields as the only structural problem it
    /// is read without them, so the rules can still report on the rest in the same run.
    pub stack: Option<Stack>,
    /// Structural diagnostics, in document order. Never empty when `stack` is `None`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a loaded stack, reporting every structural problem (unknown field, wrong type, missing
/// field, out-of-range number, unknown value, invalid name), not only the first.
pub fn parse(value: &serde_json::Value) -> Parsed {
    let found = structure::check(value);
    if found.diagnostics.is_empty() {
        return match deserialize(value) {
            Ok(stack) => Parsed {
                stack: Some(stack),
                diagnostics: Vec::new(),
            },
            Err(d) => Parsed {
                stack: None,
                diagnostics: vec![*d],
            },
        };
    }
    let only_unknown = found
        .diagnostics
        .iter()
        .all(|d| d.code == core::UNKNOWN_FIELD.code);
    let stack = only_unknown
        .then(|| {
            let mut pruned = value.clone();
            structure::remove_fields(&mut pruned, &found.unknown_fields);
            deserialize(&pruned).ok()
        })
        .flatten();
    Parsed {
        stack,
        diagnostics: found.diagnostics,
    }
}

/// Deserializes a loaded stack that must have no structural problem; the error holds them all.
pub fn from_value(value: &serde_json::Value) -> Result<Stack, Vec<Diagnostic>> {
    let parsed = parse(value);
    match parsed.stack {
        Some(stack) if parsed.diagnostics.is_empty() => Ok(stack),
        _ => Err(parsed.diagnostics),
    }
}

/// serde's verdict, as one diagnostic.
fn deserialize(value: &serde_json::Value) -> Result<Stack, Box<Diagnostic>> {
    serde_path_to_error::deserialize::<_, Stack>(value).map_err(|e| {
        let segs: Vec<structure::Seg> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(structure::Seg::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(structure::Seg::Key(key.clone())),
                serde_path_to_error::Segment::Enum { variant } => {
                    Some(structure::Seg::Key(variant.clone()))
                }
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        Box::new(structural_diagnostic(
            structure::path_string(&segs),
            &e.inner().to_string(),
        ))
    })
}

/// Turns serde's message into a diagnostic with a code and a fix. serde's path already ends at
/// an unknown field's name.
fn structural_diagnostic(path: String, msg: &str) -> Diagnostic {
    let expected = expected_names(msg);
    if let Some(field) = between(msg, "unknown field `", "`") {
        let help = match did_you_mean(field, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known fields here: {}", expected.join(", ")),
        };
        return Diagnostic::new(
            &core::UNKNOWN_FIELD,
            path,
            format!("unknown field `{field}`"),
        )
        .help(help);
    }
    if let Some(variant) = between(msg, "unknown variant `", "`") {
        let help = match did_you_mean(variant, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`? (allowed: {})", expected.join(", ")),
            None => format!("allowed values: {}", expected.join(", ")),
        };
        return Diagnostic::new(
            &core::UNKNOWN_VALUE,
            path,
            format!("unknown value `{variant}`"),
        )
        .help(help);
    }
    if let Some(field) = between(msg, "missing field `", "`") {
        return Diagnostic::new(
            &core::MISSING_FIELD,
            path.clone(),
            format!("missing required field `{field}`"),
        )
        .help(format!(
            "add `{field}` to {}",
            if path.is_empty() { "the stack" } else { &path }
        ));
    }
    if msg.starts_with("invalid ") && msg.contains(" name ") || msg.contains(" name ") {
        return structure::name_diagnostic(path, msg);
    }
    if msg.contains("did not match any variant") {
        return Diagnostic::new(
            &core::INVALID_TYPE,
            path,
            "value has the wrong shape".to_owned(),
        )
        .help("see the stack reference in README.md or `gen-tf schema` for the allowed forms");
    }
    Diagnostic::new(&core::INVALID_TYPE, path, msg.to_owned())
        .help("see the stack reference in README.md or `gen-tf schema`")
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// The names serde lists after "expected one of".
fn expected_names(msg: &str) -> Vec<String> {
    let Some((_, rest)) = msg.split_once("expected ") else {
        return Vec::new();
    };
    rest.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_field_suggests() {
        let v = json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512, "desired_cont": 1}}});
        let d = from_value(&v).unwrap_err().remove(0);
        assert_eq!(d.code, "unknown-field");
        assert_eq!(d.path, "services.api.desired_cont");
        assert_eq!(d.help, "did you mean `desired_count`?");
    }

    #[test]
    fn invalid_service_name() {
        let v = json!({"name": "s", "services": {"../x": {"cpu": 256, "memory": 512}}});
        let d = from_value(&v).unwrap_err().remove(0);
        assert_eq!(d.code, "invalid-name", "{d:?}");
    }

    #[test]
    fn minimal_stack() {
        let v = json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512}}});
        let s = from_value(&v).unwrap();
        assert_eq!(s.services.len(), 1);
    }
}

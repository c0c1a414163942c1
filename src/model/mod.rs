//! The typed model of a stack. Deserializing into it rejects unknown fields and wrong types;
//! the rules that need more than one field live in `validate`.

pub mod endpoint;
pub mod names;
pub mod scaling;
pub mod service;
pub mod stack;

pub use endpoint::{EndpointConfig, EndpointSpec, EndpointType, Network, VpcEndpoints};
pub use names::{ServiceName, StackName};
pub use scaling::{AutoScaling, Policy, PolicyType, PredefinedMetric, StepAdjustment};
pub use service::Service;
pub use stack::{Cluster, Stack};

use crate::diag::{did_you_mean, Diagnostic};

/// Deserializes a loaded stack. A structural problem (unknown field, wrong type, missing field,
/// invalid name) is reported as one diagnostic with the JSON path where serde stopped.
pub fn from_value(value: &serde_json::Value) -> Result<Stack, Diagnostic> {
    serde_path_to_error::deserialize::<_, Stack>(value).map_err(|e| {
        let path = clean_path(&e.path().to_string());
        structural_diagnostic(path, &e.inner().to_string())
    })
}

/// serde_path_to_error writes `.` for the root and `?` for untagged-enum positions.
fn clean_path(p: &str) -> String {
    if p == "." {
        String::new()
    } else {
        p.replace(".?", "")
    }
}

/// Turns serde's message into a diagnostic with a code and a fix.
fn structural_diagnostic(path: String, msg: &str) -> Diagnostic {
    let expected = expected_names(msg);
    if let Some(field) = between(msg, "unknown field `", "`") {
        let path = crate::diag::join(&path, field);
        let help = match did_you_mean(field, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known fields here: {}", expected.join(", ")),
        };
        return Diagnostic::error("unknown-field", path, format!("unknown field `{field}`"))
            .help(help);
    }
    if let Some(variant) = between(msg, "unknown variant `", "`") {
        let help = match did_you_mean(variant, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`? (allowed: {})", expected.join(", ")),
            None => format!("allowed values: {}", expected.join(", ")),
        };
        return Diagnostic::error("unknown-value", path, format!("unknown value `{variant}`"))
            .help(help);
    }
    if let Some(field) = between(msg, "missing field `", "`") {
        return Diagnostic::error(
            "missing-field",
            path.clone(),
            format!("missing required field `{field}`"),
        )
        .help(format!("add `{field}` to {}", if path.is_empty() { "the stack" } else { &path }));
    }
    if msg.starts_with("invalid ") && msg.contains(" name ") || msg.contains("name is empty") {
        return Diagnostic::error("invalid-name", path, msg.split(": ").next().unwrap_or(msg))
            .help(msg.split_once(": ").map_or("", |(_, h)| h));
    }
    if msg.contains("did not match any variant") {
        return Diagnostic::error("invalid-type", path, "value has the wrong shape".to_owned())
            .help("see the stack reference in README.md or `gen-tf schema` for the allowed forms");
    }
    Diagnostic::error("invalid-type", path, msg.to_owned())
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
        let d = from_value(&v).unwrap_err();
        assert_eq!(d.code, "unknown-field");
        assert_eq!(d.path, "services.api.desired_cont");
        assert_eq!(d.help, "did you mean `desired_count`?");
    }

    #[test]
    fn invalid_service_name() {
        let v = json!({"name": "s", "services": {"../x": {"cpu": 256, "memory": 512}}});
        let d = from_value(&v).unwrap_err();
        assert_eq!(d.code, "invalid-name", "{d:?}");
    }

    #[test]
    fn minimal_stack() {
        let v = json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512}}});
        let s = from_value(&v).unwrap();
        assert_eq!(s.services.len(), 1);
    }
}

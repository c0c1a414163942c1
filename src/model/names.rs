//! Names that become Terraform labels, AWS resource names and file names.
//!
//! They are checked once, when the stack is deserialized, so that later stages can paste them
//! into labels and paths without further checks: a name can never escape the output directory
//! (`..`, `/`, NUL) or produce an invalid Terraform identifier.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Shared rule for stack and service names: `^[a-z][a-z0-9-]*$`, no trailing or doubled `-`.
///
/// Lower-case letters, digits and `-` are valid in every AWS name gen-tf derives (ECS service,
/// task family, IAM role, log group, alarm, security group) and, after `-` -> `_`, in Terraform
/// identifiers. Excluding `_` means two different names can never map to the same label.
fn check_name(kind: &str, s: &str, max: usize) -> Result<(), String> {
    let valid_chars = s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let starts_with_letter = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if s.is_empty() {
        return Err(format!(
            "the {kind} name is empty: use lower-case letters, digits and single '-', for example \"my-{kind}\""
        ));
    }
    if !valid_chars || !starts_with_letter || s.ends_with('-') || s.contains("--") {
        return Err(format!(
            "invalid {kind} name {s:?}: use lower-case letters, digits and single '-', starting \
             with a letter and not ending with '-' (for example \"{}\")",
            suggest_name(s)
        ));
    }
    if s.len() > max {
        return Err(format!(
            "the {kind} name {s:?} is {} characters long: use at most {max}",
            s.len()
        ));
    }
    Ok(())
}

/// A best-effort valid name close to `s`, used in messages.
pub fn suggest_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out
        .trim_matches('-')
        .trim_start_matches(|c: char| c.is_ascii_digit());
    if trimmed.is_empty() {
        "my-name".to_owned()
    } else {
        trimmed.to_owned()
    }
}

macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Result<Self, String> {
                let s = s.into();
                check_name($kind, &s, $max)?;
                Ok(Self(s))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The name as a Terraform identifier: `-` becomes `_`.
            pub fn ident(&self) -> String {
                self.0.replace('-', "_")
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }
            fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                let mut s = schemars::schema::SchemaObject {
                    instance_type: Some(schemars::schema::InstanceType::String.into()),
                    ..Default::default()
                };
                s.string().pattern = Some("^[a-z]([a-z0-9]|-(?=[a-z0-9]))*$".to_owned());
                s.string().max_length = Some($max);
                s.string().min_length = Some(1);
                s.into()
            }
        }
    };
}

name_type!(
    /// The stack's name: the module directory name and the prefix of AWS names.
    StackName,
    "stack",
    40
);
name_type!(
    /// A service's name: the ECS service name, the task family, and (as `ident()`) the Terraform
    /// label of its resources.
    ServiceName,
    "service",
    64
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_path_escapes_and_separators() {
        for bad in [
            "..", "../x", "a/b", "a\0b", "/abs", "A", "a_b", "-a", "a-", "a--b", "1a", "",
        ] {
            assert!(ServiceName::new(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(ServiceName::new("service-a").unwrap().ident(), "service_a");
    }

    #[test]
    fn suggestion_is_valid() {
        for s in ["My_Service", "../etc", "9lives", "a--b-"] {
            let sug = suggest_name(s);
            assert!(ServiceName::new(&sug).is_ok(), "{s:?} -> {sug:?}");
        }
    }
}

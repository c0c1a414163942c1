//! What a container of a task is given: the service's own container and every sidecar take the
//! same fields, so they are declared, checked, resolved and written once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Container settings shared by the main container (at the service's top level) and sidecars.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerFields {
    /// Container port.
    #[serde(default)]
    pub port: Option<u16>,
    /// Container environment variables.
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    /// Secrets injected from Secrets Manager or SSM Parameter Store.
    #[serde(default)]
    pub secrets: Vec<Secret>,
    /// Mount the container's root filesystem read-only. Default false, because many
    /// applications write temporary files.
    #[serde(default)]
    pub read_only_root_filesystem: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// Environment variable name inside the container.
    pub name: String,
    /// ARN of a Secrets Manager secret (optionally with `:json-key:version-stage:version-id`) or
    /// of an SSM parameter. A secret's ARN may be partial (without the 6-character suffix).
    pub value_from: String,
    /// The customer-managed KMS key that encrypts the secret or parameter, if any: the
    /// execution role needs kms:Decrypt on it. Omitted means the AWS managed key.
    #[serde(default)]
    pub kms_key_arn: Option<String>,
}

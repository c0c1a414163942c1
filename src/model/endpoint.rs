//! `vpc_endpoints` and `network`: what private tasks need to reach AWS without a NAT gateway.
//!
//! The entries deserialize by hand rather than through `#[serde(untagged)]`: an untagged enum
//! only says "data did not match any variant", while users need to hear which field or value
//! is wrong. The visitors hand maps and lists back to serde, so serde_path_to_error still
//! reports the exact JSON path (`vpc_endpoints[2].typ`).
//!
//! What the entries mean (defaults, the preset's set, what tasks need) is resolved in
//! `resolve/endpoint.rs`, from the AWS facts in `facts/endpoints.rs`.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// `vpc_endpoints`: a preset name (`'fargate-private'`) or a list of endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum VpcEndpoints {
    Preset(Preset),
    List(Vec<EndpointSpec>),
}

/// Endpoint sets that gen-tf derives from the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Preset {
    /// Exactly what the services need without a NAT gateway: ecr.api, ecr.dkr and the s3
    /// Gateway when they pull from ECR, logs for awslogs, and secretsmanager or ssm when their
    /// secrets refer to them.
    #[serde(rename = "fargate-private")]
    FargatePrivate,
}

/// One endpoint: a short service name (`'ecr.api'`, `'s3'`) or an object.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EndpointSpec {
    Short(String),
    Full(EndpointConfig),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// Short service name, the part after `com.amazonaws.<region>.`.
    pub service: String,
    /// Default: Gateway for s3 and dynamodb, Interface for everything else.
    #[serde(default, rename = "type")]
    pub endpoint_type: Option<EndpointType>,
    /// Interface endpoints only. Default true (for s3 and dynamodb Interface endpoints: true
    /// when the stack also has their Gateway endpoint, else false).
    #[serde(default)]
    pub private_dns_enabled: Option<bool>,
    /// An endpoint policy: a policy document object, or the name of a built-in policy
    /// (`'ecr-layers'` limits s3 to the region's ECR layer bucket).
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum EndpointType {
    Interface,
    Gateway,
}

impl EndpointType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interface => "Interface",
            Self::Gateway => "Gateway",
        }
    }
}

impl EndpointSpec {
    pub fn service(&self) -> &str {
        match self {
            Self::Short(s) => s,
            Self::Full(c) => &c.service,
        }
    }
}

impl<'de> Deserialize<'de> for VpcEndpoints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = VpcEndpoints;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the preset \"fargate-private\" or a list of endpoints")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Preset::deserialize(s.into_deserializer()).map(VpcEndpoints::Preset)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(VpcEndpoints::List)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for EndpointSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EndpointSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a service name such as \"ecr.api\", or an object { service, type, \
                     private_dns_enabled, policy }",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(EndpointSpec::Short(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                EndpointConfig::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(EndpointSpec::Full)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_deserialize_with_clear_errors() {
        let v: VpcEndpoints =
            serde_json::from_value(json!(["ecr.api", { "service": "s3", "type": "Gateway" }]))
                .unwrap();
        assert!(matches!(v, VpcEndpoints::List(l) if l.len() == 2));
        let v: VpcEndpoints = serde_json::from_value(json!("fargate-private")).unwrap();
        assert_eq!(v, VpcEndpoints::Preset(Preset::FargatePrivate));
        let e = serde_json::from_value::<VpcEndpoints>(json!("fargate-privat")).unwrap_err();
        assert!(
            e.to_string().contains("unknown variant `fargate-privat`"),
            "{e}"
        );
        let e = serde_json::from_value::<VpcEndpoints>(json!([42])).unwrap_err();
        assert!(e.to_string().contains("a service name such as"), "{e}");
        let e = serde_json::from_value::<VpcEndpoints>(json!([{ "service": "s3", "typ": "x" }]))
            .unwrap_err();
        assert!(e.to_string().contains("unknown field `typ`"), "{e}");
    }
}

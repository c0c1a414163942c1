//! What the platform's build and its rules share.

use std::collections::BTreeMap;

use crate::diag;
use crate::model::endpoint::EndpointType;

/// A network in one environment, as the project sees it.
#[derive(Default)]
pub(super) struct VpcUse {
    /// The environments (targets) whose platform names this VPC, with the network's name.
    pub(super) envs: BTreeMap<usize, String>,
    /// Every endpoint any stack in it needs, with who needs it first (for messages).
    pub(super) needs: BTreeMap<(String, EndpointType), String>,
}

/// The closest of `names` to `name`, as help.
pub(super) fn closest<'a>(
    name: &str,
    names: impl IntoIterator<Item = &'a String> + Clone,
) -> String {
    let all: Vec<&str> = names.clone().into_iter().map(String::as_str).collect();
    match diag::did_you_mean(name, all.iter().copied()) {
        Some(m) => format!("did you mean `{m}`? (the platform has: {})", all.join(", ")),
        None if all.is_empty() => {
            "the platform defines none; add it to the platform file".to_owned()
        }
        None => format!("the platform has: {}", all.join(", ")),
    }
}

//! Fields that this version parses but does not compile yet. They are errors, never dropped.

use crate::diag::{join, Diagnostic};
use crate::model::Stack;

use super::Context;

pub fn check(stack: &Stack, _cx: &Context, out: &mut Vec<Diagnostic>) {
    if stack.vpc_endpoints.is_some() {
        out.push(
            Diagnostic::error("not-supported", "vpc_endpoints", "vpc_endpoints is not supported yet")
                .help("remove vpc_endpoints and manage the endpoints outside this module for now"),
        );
    }
    for (name, svc) in stack.services() {
        if svc.auto_scaling.is_some() {
            out.push(
                Diagnostic::error(
                    "not-supported",
                    join(&join("services", name.as_str()), "auto_scaling"),
                    "auto_scaling is not supported yet",
                )
                .help("remove auto_scaling and scale the service outside this module for now"),
            );
        }
    }
}

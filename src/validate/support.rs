//! Fields that this version parses but does not compile yet. They are errors, never dropped.

use crate::diag::Diagnostic;
use crate::model::Stack;

use super::rules::Rule;
use super::Context;
use crate::diag::Severity;

pub const RULES: &[Rule] = &[Rule {
    code: "not-supported",
    severity: Severity::Error,
    summary: "A stack field that this gen-tf version does not compile yet.",
    fact: "gen-tf never drops part of a stack silently.",
    source: "gen-tf",
}];

pub fn check(_stack: &Stack, _cx: &Context, _out: &mut Vec<Diagnostic>) {}

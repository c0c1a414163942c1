//! The catalogue of rule codes, for `gen-tf explain` and for tests that check every code has a
//! fixture.

use crate::diag::Severity;

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

pub const RULES: &[Rule] = &[
    Rule {
        code: "unknown-field",
        severity: Severity::Error,
        summary: "A field that the stack format does not have.",
        fact: "Terraform would silently ignore nothing here: a misspelt field would otherwise drop a setting.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    },
    Rule {
        code: "unknown-value",
        severity: Severity::Error,
        summary: "A value outside a closed set (capacity provider, architecture, adjustment type...).",
        fact: "AWS accepts only the listed values and rejects others at apply time.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    },
    Rule {
        code: "missing-field",
        severity: Severity::Error,
        summary: "A required field is missing.",
        fact: "The field has no safe default.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    },
    Rule {
        code: "invalid-type",
        severity: Severity::Error,
        summary: "A value has the wrong type or shape.",
        fact: "The stack format is typed.",
        source: "gen-tf stack format (README.md, `gen-tf schema`)",
    },
    Rule {
        code: "invalid-name",
        severity: Severity::Error,
        summary: "A stack or service name that is not lower-case letters, digits and single '-'.",
        fact: "Names become directory names, Terraform labels and AWS names; anything else could escape the output directory or be refused by AWS.",
        source: "https://developer.hashicorp.com/terraform/language/syntax/configuration#identifiers",
    },
    Rule {
        code: "fargate-size",
        severity: Severity::Error,
        summary: "The task's cpu/memory pair is not a Fargate size.",
        fact: "Fargate supports 256 CPU with 512, 1024 or 2048 MiB; 512 with 1-4 GiB; 1024 with 2-8 GiB; 2048 with 4-16 GiB; 4096 with 8-30 GiB in 1 GiB steps; 8192 with 16-60 GiB in 4 GiB steps; 16384 with 32-120 GiB in 8 GiB steps. The provider does not check this; RegisterTaskDefinition fails.",
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
    },
    Rule {
        code: "not-supported",
        severity: Severity::Error,
        summary: "A stack field that this gen-tf version does not compile yet.",
        fact: "gen-tf never drops part of a stack silently.",
        source: "gen-tf",
    },
];

pub fn find(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

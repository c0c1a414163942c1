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

/// Rules of the model layer and the core (structural) checks. Rule families keep their own
/// `RULES` next to their code; [`all`] chains them.
pub const CORE: &[Rule] = &[
    Rule {
        code: "provider-schema",
        severity: Severity::Error,
        summary: "gen-tf produced Terraform that the AWS provider 6.25 schema rejects (a gen-tf bug).",
        fact: "Every generated resource is checked against the provider's own schema before it is written, so `terraform validate` never sees an unknown or missing argument.",
        source: "schemas/aws-provider-subset.json, extracted from @cdktf/provider-aws 21.22.1 by scripts/extract-provider-schema.mjs",
    },
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
        code: "out-of-range",
        severity: Severity::Error,
        summary: "A number outside the range its field takes (a port of 0, a fraction above 1, a count below 0...).",
        fact: "AWS validates these ranges only when the resource is created; ports are 1-65535 and ECS integers are 32-bit.",
        source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html",
    },
    Rule {
        code: "load",
        severity: Severity::Error,
        summary: "A stack file that cannot be read, parsed or evaluated (syntax, Jsonnet error, recursion, size, encoding).",
        fact: "A stack must be one UTF-8 file of at most 16 MiB that evaluates to plain JSON data.",
        source: "gen-tf stack format (DESIGN.md: Input)",
    },
    Rule {
        code: "duplicate-stack",
        severity: Severity::Error,
        summary: "Two stack files with the same `name`.",
        fact: "A stack's name is its module directory; two stacks with one name would write into one directory.",
        source: "gen-tf stack format (DESIGN.md: Output)",
    },
];

/// Every rule, in catalogue order. A new rule family adds its `RULES` here.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    CORE.iter()
        .chain(super::sizing::RULES)
        .chain(super::platform::RULES)
        .chain(super::capacity::RULES)
        .chain(super::memory::RULES)
        .chain(super::database::RULES)
        .chain(super::naming::RULES)
        .chain(super::environment::RULES)
        .chain(super::secrets::RULES)
        .chain(super::containers::RULES)
        .chain(super::endpoints::RULES)
        .chain(super::scaling::RULES)
}

pub fn find(code: &str) -> Option<&'static Rule> {
    all().find(|r| r.code == code)
}

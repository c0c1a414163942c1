//! Container environment variables and secrets: valid names, each name once per container, and
//! none that gen-tf itself sets from `database` and `observability`.

use std::collections::BTreeMap;

use crate::diag::{index, join, Diagnostic, Rule, Severity};
use crate::resolve::container::Secret;
use crate::resolve::Resolved;

const SECRETS: &str = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html";

pub(super) static ENV_NAME: Rule = Rule {
    code: "env-name",
    severity: Severity::Error,
    summary: "An environment variable or secret name that is not a portable variable name.",
    fact: "Environment names are passed to the container as NAME=value; POSIX shells and most runtimes only read names of letters, digits and '_' that do not start with a digit, and an empty name or one containing '=' cannot be set at all.",
    source: "https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap08.html",
};

pub(super) static ENV_DUPLICATE: Rule = Rule {
    code: "env-duplicate",
    severity: Severity::Error,
    summary: "The same variable name twice in a container's environment and secrets.",
    fact: "A secret's name must be unique and not shared with an environment variable of the same container; duplicate environment names make all but one silently lost.",
    source: SECRETS,
};

pub(super) static ENV_GENERATED: Rule = Rule {
    code: "env-generated",
    severity: Severity::Error,
    summary: "A user variable with the name of one that gen-tf generates.",
    fact: "gen-tf sets DB_READ_HOST, DB_WRITE_HOST, DB_POOL_MIN and DB_POOL_MAX from `database` and XRAY_SAMPLING_RATE and LOG_LEVEL from `observability`; a second definition would conflict with it.",
    source: "gen-tf stack format (DESIGN.md: database, observability)",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&ENV_NAME, &ENV_DUPLICATE, &ENV_GENERATED];

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(super) fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An upper-case, valid name close to `s`, for help lines.
fn suggest(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for c in stack.services.iter().flat_map(|s| s.containers()) {
        let (written, generated) = c
            .environment
            .split_at(c.written_environment.min(c.environment.len()));
        let generated: BTreeMap<String, &'static str> = generated
            .iter()
            .map(|(n, _)| (n.clone(), generated_from(n)))
            .collect();
        check_names(
            container_names(&c.path, written, &c.secrets),
            &generated,
            out,
        );
    }
}

/// The stack field a variable gen-tf sets comes from.
fn generated_from(name: &str) -> &'static str {
    match name {
        "DB_READ_HOST" => "database.read_host",
        "DB_WRITE_HOST" => "database.write_host",
        "DB_POOL_MIN" => "database.pool.min",
        "DB_POOL_MAX" => "database.pool.max",
        "XRAY_SAMPLING_RATE" => "observability.xray_sampling_rate",
        "LOG_LEVEL" => "observability.log_level",
        _ => "the stack",
    }
}

/// A container's variable and secret names, with the path of each entry.
fn container_names<'a>(
    base: &'a str,
    environment: &'a [(String, String)],
    secrets: &'a [Secret],
) -> impl Iterator<Item = (&'a str, String)> + 'a {
    let env = environment
        .iter()
        .enumerate()
        .map(move |(i, (name, _))| (name.as_str(), index(&join(base, "environment"), i)));
    let secrets = secrets
        .iter()
        .enumerate()
        .map(move |(i, s)| (s.name.as_str(), index(&join(base, "secrets"), i)));
    env.chain(secrets)
}

/// Names in container order; `generated` maps names gen-tf sets to the field they come from.
fn check_names<'a>(
    names: impl Iterator<Item = (&'a str, String)>,
    generated: &BTreeMap<String, &'static str>,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (name, path) in names {
        let name_path = join(&path, "name");
        if !is_env_name(name) {
            out.push(
                Diagnostic::new(
                    &ENV_NAME,
                    name_path.clone(),
                    format!("{name:?} is not a valid variable name"),
                )
                .help(format!(
                    "use letters, digits and '_', not starting with a digit, for example {}",
                    suggest(name)
                )),
            );
        }
        if let Some(from) = generated.get(name) {
            out.push(
                Diagnostic::new(
                    &ENV_GENERATED,
                    name_path.clone(),
                    format!("{name} is set by gen-tf from {from}"),
                )
                .help(format!("remove this entry; set {from} instead")),
            );
        }
        if let Some(first) = seen.get(name) {
            out.push(
                Diagnostic::new(
                    &ENV_DUPLICATE,
                    name_path,
                    format!("{name} is already defined at {first}"),
                )
                .help("define each variable once per container, in environment or in secrets"),
            );
        } else {
            seen.insert(name, path);
        }
    }
}

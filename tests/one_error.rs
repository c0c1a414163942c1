//! One mistake, one error (issue 25): a value that fails its own rule must not feed later rules
//! and draw a second error with the wrong fix.
//!
//! Over valid stacks from the property-test generator (`support/stacks.rs`, fixed seed), each
//! string or number field in turn gets one typo: a character dropped from a string, a number
//! raised by one. When the stack is then invalid, its errors must all carry one code, unless the
//! pair is in [`SECOND_ERROR_IS_RIGHT`], which says why the second is right.

#[path = "support/stacks.rs"]
mod stacks;

use std::collections::BTreeSet;

use assert_cmd::Command;
use gen_tf::diag::Diagnostic;
use gen_tf::pipeline::{self, Format, Options, Source};
use gen_tf::LoadOptions;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

/// Pairs of codes that one typo may rightly draw together, and why.
const SECOND_ERROR_IS_RIGHT: &[(&str, &str, &str)] = &[(
    "depends-on",
    "load-balancer",
    "a typo in a container's name leaves every field that names that container pointing at \
     nothing: each is a place to fix (or the name is), and each is reported where it stands",
)];

fn errors(value: &Value, env: Option<&str>) -> Vec<Diagnostic> {
    let opts = Options {
        load: LoadOptions::default(),
        format: Format::Hcl,
        env: env.map(str::to_owned),
    };
    let source = Source {
        value,
        label: "<generated>",
        text: None,
    };
    match pipeline::check_value(source, &opts) {
        Ok(_) => Vec::new(),
        Err(ds) => ds.into_iter().filter(Diagnostic::is_error).collect(),
    }
}

/// JSON pointers of every string and number leaf.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                leaves(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                leaves(v, format!("{at}/{i}"), out);
            }
        }
        Value::String(_) | Value::Number(_) => out.push(at),
        _ => {}
    }
}

/// The typos of one field: the middle character of a string dropped (and, in an ARN, one of
/// its service's, as in `secretmanager`), a number raised by one.
fn typos(v: &Value) -> Vec<Value> {
    let drop = |s: &str, at: usize| -> String {
        s.chars()
            .enumerate()
            .filter(|&(i, _)| i != at)
            .map(|(_, c)| c)
            .collect()
    };
    match v {
        Value::String(s) if s.chars().count() >= 3 => {
            let mut out = vec![Value::String(drop(s, s.chars().count() / 2))];
            let fields: Vec<&str> = s.split(':').collect();
            if s.starts_with("arn:") && fields.len() > 3 && fields[2].len() >= 3 {
                let at = "arn:".len() + fields[1].len() + 1 + fields[2].len() / 2;
                out.push(Value::String(drop(s, at)));
            }
            out
        }
        Value::Number(n) => n.as_u64().map(|n| Value::from(n + 1)).into_iter().collect(),
        _ => Vec::new(),
    }
}

#[test]
fn one_typo_draws_errors_of_one_code() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[25; 32]),
    );
    let strategy = stacks::stack();
    let cases: usize = std::env::var("GEN_TF_ONE_ERROR_STACKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    let allowed: BTreeSet<(&str, &str)> = SECOND_ERROR_IS_RIGHT
        .iter()
        .flat_map(|&(a, b, _)| [(a, b), (b, a)])
        .collect();
    let (mut mutated, mut invalid, mut cascades) = (0, 0, Vec::new());
    let mut stacks_seen = 0;
    while stacks_seen < cases {
        let g = strategy.new_tree(&mut runner).unwrap().current();
        if !errors(&g.value, g.env.as_deref()).is_empty() {
            continue;
        }
        stacks_seen += 1;
        let mut at = Vec::new();
        leaves(&g.value, String::new(), &mut at);
        for (pointer, new) in at.iter().flat_map(|p| {
            typos(g.value.pointer(p).unwrap())
                .into_iter()
                .map(move |t| (p, t))
        }) {
            let mut value = g.value.clone();
            let field = value.pointer_mut(pointer).unwrap();
            let old = std::mem::replace(field, new.clone());
            mutated += 1;
            let found = errors(&value, g.env.as_deref());
            if found.is_empty() {
                continue;
            }
            invalid += 1;
            let codes: BTreeSet<&str> = found.iter().map(|d| d.code).collect();
            let first = *codes.iter().next().unwrap();
            if codes
                .iter()
                .all(|&c| c == first || allowed.contains(&(first, c)))
            {
                continue;
            }
            cascades.push(format!(
                "{pointer}: {old} -> {new}: {}",
                found
                    .iter()
                    .map(|d| format!("{} at {}: {}", d.code, d.path, d.message))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    eprintln!(
        "{mutated} typos over {cases} stacks, {invalid} invalid, {} with a second code",
        cascades.len()
    );
    assert!(
        invalid > 0,
        "no typo made a stack invalid: the test checks nothing"
    );
    assert!(
        cascades.is_empty(),
        "{} typo(s) drew errors of more than one code:\n{}",
        cascades.len(),
        cascades.join("\n")
    );
}

/// The case, with the real binary: `secretmanager` in a secret's ARN, in a stack without
/// a NAT gateway whose endpoints include secretsmanager, is a `secret-arn` error and nothing
/// else (it used to add `endpoint-missing: ... add 'ssm'`).
#[test]
fn a_misspelt_secret_service_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("shop.jsonnet");
    let write = |service: &str| {
        std::fs::write(
            &stack,
            format!(
                "{{ name: 'shop', network: {{ nat_gateway: false }},\n  \
                 vpc_endpoints: ['ecr.api', 'ecr.dkr', 's3', 'logs', 'secretsmanager'],\n  \
                 services: {{ api: {{ cpu: 256, memory: 512, image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1',\n    \
                 secrets: [{{ name: 'DB', value_from: 'arn:aws:{service}:us-east-1:123456789012:secret:db-AbCdEf' }}] }} }} }}\n"
            ),
        )
        .unwrap();
    };
    let run = || {
        Command::cargo_bin("gen-tf")
            .unwrap()
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .args(["validate", "--no-cache", "shop.jsonnet"])
            .output()
            .unwrap()
    };
    write("secretsmanager");
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    write("secretmanager");
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("error[").count(), 1, "{stderr}");
    assert!(stderr.starts_with("error[secret-arn]:"), "{stderr}");
}

//! `gen-tf import`: running ECS services adopted from the AWS CLI's describe output (never
//! from AWS itself) into stacks, with the import blocks and the report of what the first plan
//! would change.
//!
//! - `aws`: the CLI's output as serde types;
//! - `read`: files recognised by their content into one [`read::Described`];
//! - `stack`: one stack per cluster, and the findings.

pub mod aws;
pub mod blocks;
pub mod check;
pub(crate) mod commands;
mod database;
pub(crate) mod ecspresso;
mod egress;
mod endpoints;
mod extras;
mod helpers;
mod iam;
pub mod input;
pub(crate) mod jsonnet;
mod kms;
mod metric;
mod module;
pub mod read;
mod rules;
pub(crate) mod stack;
mod strategy;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::{Diagnostic, Severity};
use crate::pipeline::{check_value, Options, Source};

pub use blocks::ImportBlock;
pub use read::ReadError;
pub use stack::{Finding, Kind};

/// One cluster's stack, ready to write.
#[derive(Debug)]
pub struct Output {
    pub stack: stack::Imported,
    /// The stack as Jsonnet, with the report as comments.
    pub text: String,
    /// What gen-tf's own checks say of the stack (empty when it builds cleanly).
    pub diagnostics: Vec<Diagnostic>,
    pub imports: Vec<ImportBlock>,
    /// Module inputs (variable name -> value) the imported resources need to stay as AWS has
    /// them: the VPC of adopted groups and endpoints, the peers of adopted rules.
    pub inputs: BTreeMap<String, String>,
    /// The stack's findings and the import blocks' (resources created anew), by service.
    pub findings: Vec<Finding>,
}

impl Output {
    /// Whether the stack builds: no error among its diagnostics.
    pub fn builds(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Everything `gen-tf import` makes of the describe output under `paths`: one stack per
/// cluster, checked and lowered by the ordinary pipeline (built for `env`), its import blocks,
/// and the report. Nothing is written.
pub fn import(paths: &[PathBuf], env: Option<&str>) -> Result<Vec<Output>, Vec<ReadError>> {
    import_with(paths, env, false)
}

/// [`import`], with `manage_endpoints` (`--manage-endpoints`): the VPC's endpoints become the
/// stack's own and are imported, instead of being counted as existing.
pub fn import_with(
    paths: &[PathBuf],
    env: Option<&str>,
    manage_endpoints: bool,
) -> Result<Vec<Output>, Vec<ReadError>> {
    let described = input::read(paths)?;
    let stacks = stack::stacks_with(&described, env, manage_endpoints)?;
    let opts = Options {
        env: env.map(str::to_owned),
        ..Options::default()
    };
    let mut out = Vec::new();
    for mut st in stacks {
        with_egress(&mut st, &described, &opts);
        let label = format!("{}.jsonnet", st.stack);
        let source = Source {
            value: &st.value,
            label: &label,
            text: None,
        };
        let mut findings = st.findings.clone();
        let (diagnostics, imports, inputs) = match check_value(source, &opts) {
            Ok(checked) => {
                let module = crate::lower::lower(&checked.resolved);
                let (imports, anew, inputs) = blocks::blocks(&module, &st, &described);
                findings.extend(anew);
                (checked.diagnostics, imports, inputs)
            }
            Err(diagnostics) => (diagnostics, Vec::new(), BTreeMap::new()),
        };
        if let Some(t) = described.truncated.first() {
            findings.push(Finding {
                stack: st.stack.to_string(),
                service: String::new(),
                resource: t.display().to_string(),
                kind: Kind::NotExpressed,
                message: "the output holds a NextToken: it is one page of several; run the call without --max-items (the CLI then fetches every page)".to_owned(),
            });
        }
        if described.from_ecspresso {
            findings.push(Finding {
                stack: st.stack.to_string(),
                service: String::new(),
                resource: "ecspresso".to_owned(),
                kind: Kind::NotExpressed,
                message: "ecspresso's files carry no task definition revision, roles' policies, log group, security group or scaling: add the describe output of those calls beside ecspresso.yml".to_owned(),
            });
        }
        findings.sort_by(|a, b| {
            (&a.service, a.kind, &a.resource).cmp(&(&b.service, b.kind, &b.resource))
        });
        let text = jsonnet::render(
            &header(&st, &findings, &inputs),
            &st.value,
            &st.comments,
            &st.helpers,
        );
        out.push(Output {
            stack: st,
            text,
            diagnostics,
            imports,
            inputs,
            findings,
        });
    }
    Ok(out)
}

/// The described egress rules of the services' groups that gen-tf's own rules do not take,
/// added to the services as `egress` entries (see `egress`): found by building the stack once
/// without them.
fn with_egress(st: &mut stack::Imported, described: &read::Described, opts: &Options) {
    let label = format!("{}.jsonnet", st.stack);
    let source = Source {
        value: &st.value,
        label: &label,
        text: None,
    };
    let Ok(checked) = check_value(source, opts) else {
        return;
    };
    let module = crate::lower::lower(&checked.resolved);
    let matched = rules::matched(&module, described);
    let Some(services) = st
        .value
        .get("services")
        .and_then(serde_json::Value::as_object)
    else {
        return;
    };
    let extra = egress::left_over(&module, described, &matched, services);
    for (key, entries) in extra {
        let Some(s) = st.value["services"][&key].as_object_mut() else {
            continue;
        };
        match s
            .entry("egress")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()))
        {
            serde_json::Value::Array(list) => list.extend(entries),
            _ => continue,
        }
    }
}

/// The stack file's opening comment: where it came from, and the report.
fn header(
    st: &stack::Imported,
    findings: &[Finding],
    inputs: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut lines = vec![
        format!(
            "Written by `gen-tf import` from the ECS cluster {}: review it, then build it and plan",
            st.cluster
        ),
        "with the import blocks of imports.tf in the root module.".to_owned(),
    ];
    if !inputs.is_empty() {
        lines.push(String::new());
        lines.push(
            "The module's inputs that keep the adopted resources as they are (their VPC, the groups their rules name):"
                .to_owned(),
        );
        for (name, value) in inputs {
            lines.push(format!("- {name} = \"{value}\""));
        }
    }
    if findings.is_empty() {
        lines.push("The first plan changes nothing that gen-tf knows of.".to_owned());
        return lines;
    }
    lines.push(String::new());
    lines.push("What the first apply does besides adopting (gen-tf import's report):".to_owned());
    for f in findings {
        let who = if f.service.is_empty() {
            String::new()
        } else {
            format!("{}: ", f.service)
        };
        lines.push(format!(
            "- {who}{} {}: {}",
            f.resource,
            f.kind.as_str(),
            f.message
        ));
    }
    lines
}

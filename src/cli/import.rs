//! `gen-tf import`: running services into stacks (see `crate::import`), written beside their
//! import blocks, and the report; or, with `--commands`, the AWS CLI calls that describe them.

use std::path::{Path, PathBuf};

use crate::import::{self, Output};
use crate::report::{self, MessageFormat, Style};
use crate::write::Staged;

use super::args::ImportArgs;
use super::error::CliError;
use super::output::{eprint, print_stdout};

/// The environment: `--env NAME` or `-V ENV=NAME` (the last `-V` wins, as in build), one
/// meaning; both given must agree, and no other variable is taken.
fn env(args: &ImportArgs) -> Result<Option<String>, CliError> {
    if let Some((k, _)) = args.ext_str.iter().find(|(k, _)| k != "ENV") {
        return Err(CliError::Import(format!(
            "-V {k}=...: gen-tf import reads no Jsonnet variables; it takes -V ENV=NAME (or --env NAME) only"
        )));
    }
    let from_v = args.ext_str.last().map(|(_, v)| v.clone());
    match (&args.env, from_v) {
        (Some(a), Some(b)) if *a != b => Err(CliError::Import(format!(
            "--env {a} and -V ENV={b} name different environments: give one of them"
        ))),
        (Some(a), _) => Ok(Some(a.clone())),
        (None, b) => Ok(b),
    }
}

pub(super) fn run(args: &ImportArgs, style: Style) -> Result<(), CliError> {
    let env = env(args)?;
    if args.commands {
        let Some(cluster) = &args.cluster else {
            return Err(CliError::Import(
                "--commands needs --cluster CLUSTER and --service SERVICE...".to_owned(),
            ));
        };
        if args.service.is_empty() {
            return Err(CliError::Import(
                "--commands needs at least one --service SERVICE".to_owned(),
            ));
        }
        return print_stdout(&import::commands::commands(
            cluster,
            &args.service,
            args.dir.as_deref(),
        ));
    }
    if let Some(stack) = &args.check {
        return check(stack, args, env.as_deref(), style);
    }
    if args.paths.is_empty() {
        return Err(CliError::Import(
            "name the directories of describe output to import (`gen-tf import --commands --cluster C --service S` prints the calls that write them)".to_owned(),
        ));
    }
    let Some(out_dir) = &args.out_dir else {
        return Err(CliError::Import(
            "name the directory the stacks go to with -o DIR".to_owned(),
        ));
    };
    let outputs = import::import_with(&args.paths, env.as_deref(), args.manage_endpoints).map_err(
        |errors| {
            CliError::Import(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\ngen-tf: "),
            )
        },
    )?;
    let mut files: Vec<(PathBuf, String)> = outputs
        .iter()
        .map(|o| {
            (
                out_dir.join(format!("{}.jsonnet", o.stack.stack)),
                o.text.clone(),
            )
        })
        .collect();
    let blocks: Vec<_> = outputs
        .iter()
        .map(|o| {
            (
                o.stack.stack.to_string(),
                o.imports.clone(),
                o.inputs.clone(),
            )
        })
        .collect();
    files.push((
        out_dir.join("imports.tf"),
        import::blocks::imports_tf(&blocks),
    ));
    // Never over an existing file: everything is refused before anything is written.
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.symlink_metadata().is_ok())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(CliError::Import(format!(
            "{} already exist(s); gen-tf import never writes over a file: move it away or choose another -o",
            existing.join(", ")
        )));
    }
    std::fs::create_dir_all(out_dir).map_err(|source| CliError::CreateDir {
        path: out_dir.clone(),
        source,
    })?;
    write_all(&files)?;
    for o in &outputs {
        for d in &o.diagnostics {
            eprint(&report::diagnostic(d, style));
        }
    }
    let text = match style.format {
        MessageFormat::Json => json_report(&outputs, &files),
        _ => human_report(&outputs, &files),
    };
    print_stdout(&text)?;
    if outputs.iter().all(Output::builds) {
        Ok(())
    } else {
        Err(CliError::Diagnostics)
    }
}

/// Every file staged before any is renamed into place: on a failure nothing is left half
/// written (the staged files are removed when dropped).
fn write_all(files: &[(PathBuf, String)]) -> Result<(), CliError> {
    let staged = files
        .iter()
        .map(|(p, text)| Staged::new(p, text.as_bytes()))
        .collect::<Result<Vec<_>, _>>()?;
    for s in staged {
        s.commit()?;
    }
    Ok(())
}

fn human_report(outputs: &[Output], files: &[(PathBuf, String)]) -> String {
    let mut out = String::new();
    for (o, (path, _)) in outputs.iter().zip(files) {
        out.push_str(&format!(
            "{} (cluster {}): {} service(s), {} import block(s) -> {}\n",
            o.stack.stack,
            o.stack.cluster,
            o.stack.services.len(),
            o.imports.len(),
            path.display()
        ));
        for s in &o.stack.services {
            out.push_str(&format!("  {}  {}\n", s.name, s.arn));
        }
        for (name, value) in &o.inputs {
            out.push_str(&format!(
                "  {:<13} {name} = \"{value}\": as the adopted resources have it (their VPC, the groups their rules name); give it to module \"{}\"\n",
                "input", o.stack.stack
            ));
        }
        for f in &o.findings {
            let who = if f.service.is_empty() {
                String::new()
            } else {
                format!("{}: ", f.service)
            };
            out.push_str(&format!(
                "  {:<13} {who}{}: {}\n",
                f.kind.as_str(),
                f.resource,
                f.message
            ));
        }
        if !o.builds() {
            out.push_str("  the stack does not build yet: fix what the diagnostics above name\n");
        }
    }
    if let Some((p, _)) = files.last() {
        out.push_str(&format!("import blocks -> {}\n", p.display()));
    }
    out
}

fn json_report(outputs: &[Output], files: &[(PathBuf, String)]) -> String {
    let stacks: Vec<serde_json::Value> = outputs
        .iter()
        .zip(files)
        .map(|(o, (path, _))| {
            serde_json::json!({
                "stack": o.stack.stack.as_str(),
                "cluster": o.stack.cluster,
                "file": path_str(path),
                "builds": o.builds(),
                "services": o.stack.services.iter().map(|s| serde_json::json!({
                    "name": s.name.as_str(),
                    "arn": s.arn,
                })).collect::<Vec<_>>(),
                "imports": o.imports,
                "inputs": o.inputs,
                "findings": o.findings,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "stacks": stacks,
        "imports_file": files.last().map(|(p, _)| path_str(p)),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// `--check STACK`: the drift, argument by argument.
fn check(stack: &Path, args: &ImportArgs, env: Option<&str>, style: Style) -> Result<(), CliError> {
    use crate::import::check::{self, CheckError};
    if args.paths.is_empty() {
        return Err(CliError::Import(
            "--check STACK compares with describe output: name its directories".to_owned(),
        ));
    }
    let drift = match check::check(stack, &args.paths, env) {
        Ok(d) => d,
        Err(CheckError::Load(e)) => return Err(CliError::Import(e)),
        Err(CheckError::Read(errors)) => {
            return Err(CliError::Import(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\ngen-tf: "),
            ))
        }
        Err(CheckError::Diagnostics(ds)) => {
            for d in &ds {
                eprint(&report::diagnostic(d, style));
            }
            return Err(CliError::Diagnostics);
        }
    };
    let show = |v: &Option<serde_json::Value>| match v {
        None => "(absent)".to_owned(),
        Some(v) => v.to_string(),
    };
    let text = match style.format {
        MessageFormat::Json => {
            let mut t = serde_json::to_string_pretty(&serde_json::json!({
                "stack": path_str(stack),
                "drift": drift,
            }))
            .unwrap_or_default();
            t.push('\n');
            t
        }
        _ if drift.is_empty() => format!(
            "{}: nothing drifted: what AWS runs builds the same module\n",
            stack.display()
        ),
        _ => {
            let mut t = format!(
                "{}: {} argument(s) drifted in AWS since the stack was written\n",
                stack.display(),
                drift.len()
            );
            for d in &drift {
                t.push_str(&format!(
                    "  {}: {}: stack {}, AWS {}\n",
                    d.resource,
                    d.path,
                    show(&d.stack),
                    show(&d.aws)
                ));
            }
            t
        }
    };
    print_stdout(&text)?;
    if drift.is_empty() {
        Ok(())
    } else {
        Err(CliError::Drift { count: drift.len() })
    }
}

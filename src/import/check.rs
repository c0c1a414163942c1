//! `gen-tf import --check STACK DIR...`: what drifted in AWS since a stack was written. The
//! describe output is imported as usual, its services put in place of the stack's (matched by
//! their ECS service name), and both sides built by the ordinary pipeline; every argument of
//! every resource that differs is a [`Drift`]. Comparing the built modules, not the stack text,
//! means a default written out, a Jsonnet helper or a reordered field is no drift.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{read, stack};
use crate::diag::Diagnostic;
use crate::ir::{Body, Content, Expr, Item, Module, Part, Step};
use crate::model::ServiceName;
use crate::pipeline::{check_value, Options, Source};
use crate::resolve::service::Names;

/// One argument that differs: the stack's value and what AWS runs (`None`: absent there).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Drift {
    /// `<type>.<label>`.
    pub resource: String,
    /// The argument's path in the resource, `container_definitions` parsed.
    pub path: String,
    pub stack: Option<Value>,
    pub aws: Option<Value>,
}

/// Why the comparison could not run.
#[derive(Debug)]
pub enum CheckError {
    Load(String),
    Read(Vec<read::ReadError>),
    /// The stack, or what AWS describes in its place, does not build.
    Diagnostics(Vec<Diagnostic>),
}

pub fn check(
    stack_path: &Path,
    paths: &[PathBuf],
    env: Option<&str>,
) -> Result<Vec<Drift>, CheckError> {
    let opts = Options {
        env: env.map(str::to_owned),
        ..Options::default()
    };
    let loaded = crate::load::load(stack_path, &opts.jsonnet())
        .map_err(|e| CheckError::Load(e.to_string()))?;
    let described = super::input::read(paths).map_err(CheckError::Read)?;
    let imported = stack::stacks(&described, env).map_err(CheckError::Read)?;
    let mut aws_value = loaded.value.clone();
    let mut missing = Vec::new();
    let stack_name = loaded.value["name"].as_str().unwrap_or_default().to_owned();
    let owns_cluster = loaded.value.get("cluster").is_some();
    if let Some(services) = aws_value.get_mut("services").and_then(Value::as_object_mut) {
        for (key, svc) in services.iter_mut() {
            let ecs_name = match svc["names"]["service"].as_str() {
                Some(n) => n.to_owned(),
                None => match (
                    crate::model::StackName::new(stack_name.clone()),
                    ServiceName::new(key.clone()),
                ) {
                    (Ok(st), Ok(sv)) => Names::new(&st, env, &sv, owns_cluster).ecs_service,
                    _ => key.clone(),
                },
            };
            let found = imported.iter().find_map(|i| {
                let a = i.services.iter().find(|s| s.ecs_name == ecs_name)?;
                i.value["services"].get(a.name.as_str()).cloned()
            });
            match found {
                Some(v) => *svc = v,
                None => missing.push(Drift {
                    resource: format!("services.{key}"),
                    path: "ECS service".to_owned(),
                    stack: Some(Value::from(ecs_name)),
                    aws: None,
                }),
            }
        }
    }
    let build = |value: &Value, label: &str| -> Result<BTreeMap<String, Value>, CheckError> {
        let source = Source {
            value,
            label,
            text: None,
        };
        let checked = check_value(source, &opts).map_err(CheckError::Diagnostics)?;
        Ok(resources(&crate::lower::lower(&checked.resolved)))
    };
    let label = stack_path.display().to_string();
    let ours = build(&loaded.value, &label)?;
    let theirs = build(&aws_value, &format!("{label} (as AWS describes it)"))?;
    let mut out = missing;
    let keys: std::collections::BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    for k in keys {
        diff(k, "", ours.get(k), theirs.get(k), &mut out);
    }
    Ok(out)
}

/// Every resource of the module, by `<type>.<label>`, as JSON: arguments by name, nested
/// blocks as lists, `jsonencode(...)` as the value it encodes, so container definitions and
/// policies compare field by field; references and templates as their text.
pub fn resources(module: &Module) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for f in &module.files {
        let Content::Terraform(body) = &f.content else {
            continue;
        };
        for item in &body.items {
            if let Item::Block(b) = item {
                if b.ident.as_str() == "resource" && b.labels.len() == 2 {
                    out.insert(
                        format!("{}.{}", b.labels[0], b.labels[1]),
                        body_value(&b.body),
                    );
                }
            }
        }
    }
    out
}

fn body_value(body: &Body) -> Value {
    let mut o = Map::new();
    for item in &body.items {
        match item {
            Item::Attribute(a) => {
                o.insert(a.key.as_str().to_owned(), expr_value(&a.expr));
            }
            Item::Block(b) => {
                let list = o
                    .entry(b.ident.as_str().to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(l) = list {
                    l.push(body_value(&b.body));
                }
            }
            Item::Comment(_) => {}
        }
    }
    Value::Object(o)
}

fn expr_value(e: &Expr) -> Value {
    match e {
        Expr::Null => Value::Null,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Number(n) => n
            .as_i64()
            .map(Value::from)
            .or_else(|| n.as_f64().map(Value::from))
            .unwrap_or(Value::Null),
        Expr::Str(s) => Value::String(s.clone()),
        Expr::Array(items) => Value::Array(items.iter().map(expr_value).collect()),
        Expr::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), expr_value(v)))
                .collect(),
        ),
        Expr::Call(name, args) if name == "jsonencode" && args.len() == 1 => expr_value(&args[0]),
        Expr::Template(parts) => Value::String(
            parts
                .iter()
                .map(|p| match p {
                    Part::Lit(l) => l.clone(),
                    Part::Interp(x) => format!("${{{}}}", text(x)),
                })
                .collect(),
        ),
        other => Value::String(format!("${{{}}}", text(other))),
    }
}

/// A reference or call as Terraform text, for comparing and showing.
fn text(e: &Expr) -> String {
    match e {
        Expr::Ident(s) => s.clone(),
        Expr::Traversal(root, steps) => {
            let mut t = text(root);
            for s in steps {
                match s {
                    Step::Attr(a) => {
                        t.push('.');
                        t.push_str(a);
                    }
                    Step::Index(i) => t.push_str(&format!("[{}]", text(i))),
                }
            }
            t
        }
        Expr::Call(name, args) => format!(
            "{name}({})",
            args.iter().map(text).collect::<Vec<_>>().join(", ")
        ),
        Expr::Unary(..) | Expr::Binary(..) | Expr::Conditional(..) | Expr::Paren(_) => {
            format!("{e:?}")
        }
        data => expr_value(data).to_string(),
    }
}

fn diff(resource: &str, path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Drift>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y)))
            if !path.is_empty() || resource.contains('.') =>
        {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                if k == "//" {
                    continue;
                }
                diff(resource, &join(k), x.get(k), y.get(k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff(resource, &format!("{path}[{i}]"), Some(p), Some(q), out);
            }
        }
        (x, y) if x == y => {}
        (x, y) => out.push(Drift {
            resource: resource.to_owned(),
            path: if path.is_empty() {
                "(the whole resource)".to_owned()
            } else {
                path.to_owned()
            },
            stack: x.cloned(),
            aws: y.cloned(),
        }),
    }
}

//! What Terraform will do to each resource of a module, predicted from the lowered IR of both
//! sides and the provider's ForceNew facts: create, update in place, replace (or may replace),
//! destroy. Resources are matched by address (`aws_ecs_service.api`) inside the module.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::forcenew::{self, Effect};
use crate::ir::{Content, Module};

/// Meta-arguments: Terraform's, not the provider's.
const META: [&str; 6] = [
    "//",
    "lifecycle",
    "depends_on",
    "provider",
    "count",
    "for_each",
];

/// One resource as written: its arguments flattened to `path -> value` (blocks and maps
/// walked, list indices kept: `volume[0].name`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Written {
    pub ty: String,
    pub label: String,
    pub args: BTreeMap<String, Value>,
    /// `lifecycle.ignore_changes`.
    pub ignore_changes: Vec<String>,
    pub create_before_destroy: bool,
}

impl Written {
    pub(crate) fn address(&self) -> String {
        format!("{}.{}", self.ty, self.label)
    }
}

/// Every resource of a module, by address.
pub(crate) fn written(module: &Module) -> BTreeMap<String, Written> {
    let mut out = BTreeMap::new();
    for file in &module.files {
        if let Content::Terraform(body) = &file.content {
            add_file(&crate::emit::json::to_value(body), &mut out);
        }
    }
    out
}

/// The resources of one file in Terraform's JSON shape (`resource.TYPE.LABEL = {...}`), as
/// the JSON printer writes it or as hcl-rs reads an HCL file, added to `out`.
pub(crate) fn add_file(value: &Value, out: &mut BTreeMap<String, Written>) {
    let Some(types) = value.get("resource").and_then(Value::as_object) else {
        return;
    };
    for (ty, labels) in types {
        for (label, body) in labels.as_object().into_iter().flatten() {
            let mut args = BTreeMap::new();
            for (k, v) in body.as_object().into_iter().flatten() {
                if !META.contains(&k.as_str()) {
                    flatten(k, v, &mut args);
                }
            }
            let lifecycle = body.get("lifecycle");
            let ignore_changes = lifecycle
                .and_then(|l| l.get("ignore_changes"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| s.trim_start_matches("${").trim_end_matches('}').to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let create_before_destroy = lifecycle
                .and_then(|l| l.get("create_before_destroy"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let w = Written {
                ty: ty.clone(),
                label: label.clone(),
                args,
                ignore_changes,
                create_before_destroy,
            };
            out.insert(w.address(), w);
        }
    }
}

/// Blocks and maps are walked; a list of blocks gets indices; a list of values is one value.
fn flatten(path: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k != "//" {
                    flatten(&format!("{path}.{k}"), x, out);
                }
            }
        }
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            for (i, x) in items.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), x, out);
            }
        }
        _ => {
            out.insert(path.to_owned(), v.clone());
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Action {
    Create,
    Update,
    MayReplace,
    Replace,
    Destroy,
}

impl Action {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update in place",
            Self::MayReplace => "may replace",
            Self::Replace => "replace",
            Self::Destroy => "destroy",
        }
    }

    /// The JSON spelling.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::MayReplace => "may_replace",
            Self::Replace => "replace",
            Self::Destroy => "destroy",
        }
    }
}

/// One changed argument and what the provider does about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArgChange {
    /// The argument's path, `network_configuration.security_groups`.
    pub path: String,
    pub effect: Effect,
    /// Set when the value is only known after apply: the replaced resource it refers to.
    pub after_apply: Option<String>,
}

/// What happens to one resource.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResourceChange {
    pub address: String,
    pub ty: String,
    pub action: Action,
    /// Changed arguments (empty for create and destroy).
    pub args: Vec<ArgChange>,
    pub risk: Risk,
}

/// What a replacement or a destruction means for what runs, in words.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Risk {
    pub risky: bool,
    pub words: String,
}

/// The top-level argument of a path: `network_configuration[0].subnets` -> `network_configuration`.
fn top(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// Compares two modules' resources.
pub(crate) fn compare(
    before: &BTreeMap<String, Written>,
    after: &BTreeMap<String, Written>,
) -> Vec<ResourceChange> {
    let mut changes: BTreeMap<String, ResourceChange> = BTreeMap::new();
    for (addr, a) in after {
        let Some(b) = before.get(addr) else {
            changes.insert(addr.clone(), change(a, Action::Create, Vec::new()));
            continue;
        };
        let paths: BTreeSet<&String> = a.args.keys().chain(b.args.keys()).collect();
        let args: Vec<ArgChange> = paths
            .into_iter()
            .filter(|p| a.args.get(*p) != b.args.get(*p))
            .filter(|p| !a.ignore_changes.iter().any(|i| i == top(p)))
            .map(|p| ArgChange {
                path: p.clone(),
                effect: forcenew::effect(&a.ty, p),
                after_apply: None,
            })
            .collect();
        if !args.is_empty() {
            let action = action_of(&args);
            changes.insert(addr.clone(), change(a, action, args));
        }
    }
    for (addr, b) in before {
        if !after.contains_key(addr) {
            changes.insert(addr.clone(), change(b, Action::Destroy, Vec::new()));
        }
    }
    propagate(after, &mut changes);
    changes.into_values().collect()
}

/// A resource that refers to a replaced one sees that attribute only after apply; when the
/// attribute is ForceNew, it is replaced too. Repeated until nothing changes.
fn propagate(after: &BTreeMap<String, Written>, changes: &mut BTreeMap<String, ResourceChange>) {
    loop {
        let replaced: Vec<String> = changes
            .values()
            .filter(|c| matches!(c.action, Action::Replace))
            .map(|c| c.address.clone())
            .collect();
        let mut grew = false;
        for (addr, w) in after {
            if matches!(
                changes.get(addr).map(|c| c.action),
                Some(Action::Create | Action::Replace)
            ) {
                continue;
            }
            for r in &replaced {
                let needle = format!("{r}.");
                for (path, v) in &w.args {
                    let refers = v.as_str().is_some_and(|s| s.contains(&needle))
                        || v.as_array().is_some_and(|a| {
                            a.iter()
                                .any(|x| x.as_str().is_some_and(|s| s.contains(&needle)))
                        });
                    if !refers || w.ignore_changes.iter().any(|i| i == top(path)) {
                        continue;
                    }
                    let entry = changes
                        .entry(addr.clone())
                        .or_insert_with(|| change(w, Action::Update, Vec::new()));
                    if entry.args.iter().any(|a| &a.path == path) {
                        continue;
                    }
                    entry.args.push(ArgChange {
                        path: path.clone(),
                        effect: forcenew::effect(&w.ty, path),
                        after_apply: Some(r.clone()),
                    });
                    entry.args.sort_by(|a, b| a.path.cmp(&b.path));
                    let action = action_of(&entry.args);
                    *entry = change(w, action, std::mem::take(&mut entry.args));
                    grew = true;
                }
            }
        }
        if !grew {
            return;
        }
    }
}

fn action_of(args: &[ArgChange]) -> Action {
    if args.iter().any(|a| matches!(a.effect, Effect::Replace(_))) {
        Action::Replace
    } else if args
        .iter()
        .any(|a| matches!(a.effect, Effect::MayReplace(_)))
    {
        Action::MayReplace
    } else {
        Action::Update
    }
}

fn change(w: &Written, action: Action, args: Vec<ArgChange>) -> ResourceChange {
    ResourceChange {
        address: w.address(),
        ty: w.ty.clone(),
        action,
        args,
        risk: risk(&w.ty, action, w.create_before_destroy),
    }
}

/// The risk of replacing or destroying a resource of type `ty`, in words.
pub(crate) fn risk(ty: &str, action: Action, create_before_destroy: bool) -> Risk {
    let gone = matches!(
        action,
        Action::Replace | Action::MayReplace | Action::Destroy
    );
    let (risky, words) = match (ty, action) {
        (_, Action::Create) => (false, "new"),
        ("aws_ecs_task_definition", Action::Replace | Action::MayReplace) => (
            false,
            "a new task definition revision: the service rolls its tasks to it (a normal rolling deployment)",
        ),
        ("aws_ecs_service", Action::Update) => (
            false,
            "updated in place; a new task definition or network setting starts a rolling deployment",
        ),
        (_, Action::Update) => (false, "updated in place"),
        ("aws_cloudwatch_log_group", _) => (
            true,
            "the log group is deleted with every log in it; the new one starts empty",
        ),
        ("aws_ecs_service", _) => (
            true,
            "the ECS service is deleted: its tasks stop, and nothing serves until the new service's tasks are healthy",
        ),
        ("aws_security_group", _) if create_before_destroy => (
            false,
            "safe: the new group is created and attached before the old one is deleted (create_before_destroy)",
        ),
        ("aws_security_group", _) => (
            true,
            "the group is deleted before its replacement exists: tasks lose their rules meanwhile",
        ),
        ("aws_iam_role", _) => (
            true,
            "the role is deleted: running tasks that use it lose its permissions until they are replaced",
        ),
        ("aws_vpc_endpoint", _) => (
            true,
            "the endpoint is deleted: tasks that reach AWS through it fail until the new one is available",
        ),
        ("aws_ecs_cluster", _) => (
            true,
            "the cluster is deleted, with every service in it",
        ),
        ("aws_kms_key", _) => (
            true,
            "the key is scheduled for deletion: what it encrypted cannot be read once it is gone",
        ),
        _ if gone && matches!(action, Action::Destroy) => (false, "deleted"),
        _ => (false, "deleted and created again"),
    };
    let words = if action == Action::MayReplace && words != "deleted and created again" {
        format!("if it is replaced: {words}")
    } else {
        words.to_owned()
    };
    Risk { risky, words }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(ty: &str, label: &str, args: &[(&str, Value)]) -> Written {
        Written {
            ty: ty.into(),
            label: label.into(),
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            ignore_changes: Vec::new(),
            create_before_destroy: false,
        }
    }

    #[test]
    fn a_replaced_task_definition_updates_the_service_that_refers_to_it() {
        let td = |cpu: &str| w("aws_ecs_task_definition", "api", &[("cpu", cpu.into())]);
        let svc = w(
            "aws_ecs_service",
            "api",
            &[(
                "task_definition",
                "${aws_ecs_task_definition.api.arn}".into(),
            )],
        );
        let before = BTreeMap::from([
            (td("256").address(), td("256")),
            (svc.address(), svc.clone()),
        ]);
        let after = BTreeMap::from([(td("512").address(), td("512")), (svc.address(), svc)]);
        let changes = compare(&before, &after);
        let actions: Vec<(&str, Action)> = changes
            .iter()
            .map(|c| (c.address.as_str(), c.action))
            .collect();
        assert_eq!(
            actions,
            [
                ("aws_ecs_service.api", Action::Update),
                ("aws_ecs_task_definition.api", Action::Replace)
            ]
        );
        assert_eq!(
            changes[0].args[0].after_apply.as_deref(),
            Some("aws_ecs_task_definition.api")
        );
    }
}

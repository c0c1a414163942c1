//! What `gen-tf import` writes builds a module whose adopted resources carry the values AWS
//! described, under the provider's rules: for each fixture, every import block's resource is
//! found in the lowered module and its arguments are compared with the describe output
//! (container definitions with ECS's defaults and ordering, the cluster by name, the task
//! definition by ARN, `desired_count` left to auto scaling, `availability_zone_rebalancing`
//! written, the scalable target without `role_arn`). What the report names as a change is left
//! out. This runs the real pipeline; `tests/import_plan.rs` runs the same comparison
//! (`support/import_compare.rs`) on the values of a real `terraform plan` of the built modules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[path = "support/import_compare.rs"]
#[allow(dead_code)]
mod import_compare;

use gen_tf::import::read::Described;
use gen_tf::import::{self, check};
use gen_tf::pipeline::{check_value, Options, Source};
use import_compare::{Mismatches, Shape};
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// The AWS value that `addr`'s `arg` stands for: a role's name (`${aws_iam_role.x.arn}`), a
/// security group's ID (`${aws_security_group.x.id}`, by the group's name), a module input's
/// value (`${var.x}`, from what import reported), or the literal.
fn module_ref(
    res: &BTreeMap<String, Value>,
    described: &Described,
    inputs: &BTreeMap<String, String>,
    addr: &str,
    arg: &str,
) -> Value {
    // A list of one reference (`security_group_ids`) stands for its element.
    let v = match res[addr].get(arg) {
        Some(Value::Array(a)) if a.len() == 1 => &a[0],
        Some(v) => v,
        None => return Value::Null,
    };
    let Some(s) = v.as_str() else {
        return Value::Null;
    };
    if let Some(v) = s.strip_prefix("${var.").and_then(|v| v.strip_suffix('}')) {
        return json!(inputs.get(v));
    }
    if let Some(l) = s
        .strip_prefix("${aws_security_group.")
        .and_then(|l| l.strip_suffix(".id}"))
    {
        let name = &res[&format!("aws_security_group.{l}")]["name"];
        return json!(described
            .security_groups
            .values()
            .find(|g| json!(g.group_name) == *name)
            .map(|g| &g.group_id));
    }
    if let Some(l) = s
        .strip_prefix("${aws_iam_role.")
        .and_then(|l| l.strip_suffix(".arn}"))
    {
        return res[&format!("aws_iam_role.{l}")]["name"].clone();
    }
    json!(s)
}

fn mismatches(name: &str) -> Mismatches {
    mismatches_with(name, |_| {})
}

/// The mismatches after `edit` changed the imported stack.
fn mismatches_with(name: &str, edit: impl Fn(&mut Value)) -> Mismatches {
    mismatches_of(name, false, edit)
}

/// The mismatches of the stack imported with or without `--manage-endpoints`.
fn mismatches_of(name: &str, manage_endpoints: bool, edit: impl Fn(&mut Value)) -> Mismatches {
    let paths = vec![fixture(name)];
    let described = import::input::read(&paths).expect("the fixture reads");
    let outputs = import::import_with(&paths, None, manage_endpoints).expect("the fixture imports");
    let mut out = Vec::new();
    for mut o in outputs {
        edit(&mut o.stack.value);
        let label = format!("{}.jsonnet", o.stack.stack);
        let checked = check_value(
            Source {
                value: &o.stack.value,
                label: &label,
                text: None,
            },
            &Options::default(),
        )
        .expect("the imported stack checks");
        let module = checked.lower();
        let res: BTreeMap<String, Value> = check::resources(&module);
        assert!(!o.imports.is_empty(), "{name}: no import blocks");
        let imports = &o.imports;
        let role_of = |addr: &str, arg: &str| module_ref(&res, &described, &o.inputs, addr, arg);
        out.extend(import_compare::compare(
            &described,
            imports,
            &res,
            Shape::Module,
            &role_of,
        ));
    }
    out
}

#[test]
fn every_imported_argument_is_what_aws_described() {
    for name in ["web", "worker", "private"] {
        let m = mismatches(name);
        assert!(
            m.is_empty(),
            "{name}: arguments that would change on the first plan without the report saying so:\n{}",
            m.iter()
                .map(|(r, a, o, t)| format!("  {r} {a}: module {o}, AWS {t}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// With `--manage-endpoints`, the adopted endpoints, their security group and its rules are
/// what AWS described too.
#[test]
fn managed_endpoints_are_what_aws_described() {
    let m = mismatches_of("private", true, |_| {});
    assert!(m.is_empty(), "{m:?}");
    // The comparison sees them: an endpoint's private DNS turned off, and the group's
    // description, show.
    let m = mismatches_of("private", true, |v| {
        v["vpc_endpoints"][2] =
            json!({ "service": "elasticfilesystem", "private_dns_enabled": false });
        v["network"]["vpc_endpoint_security_group_description"] = json!("Endpoints");
    });
    let args: Vec<&str> = m.iter().map(|(_, a, _, _)| a.as_str()).collect();
    assert_eq!(args, ["private_dns_enabled", "description"], "{m:?}");
}

/// The comparison is not vacuous: a stack changed after import shows in each kind of argument.
#[test]
fn the_comparison_sees_a_change() {
    let m = mismatches_with("worker", |v| {
        let s = &mut v["services"]["invoice-worker"];
        s["cpu"] = json!(1024);
        s["memory"] = json!(2048);
        s["environment"][0]["value"] = json!("other");
        s["auto_scaling"]["max_capacity"] = json!(30);
        s["auto_scaling"]["policies"][0]["alarm"]["threshold"] = json!(50);
    });
    let args: Vec<&str> = m.iter().map(|(_, a, _, _)| a.as_str()).collect();
    assert_eq!(
        args,
        [
            "cpu",
            "memory",
            "container_definitions",
            "max_capacity",
            "threshold"
        ],
        "{m:?}"
    );
}

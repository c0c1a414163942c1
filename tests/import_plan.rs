//! `gen-tf import` against real `terraform plan`, offline (issue 28): the three fixtures
//! (`web`, `worker`, `private`) are imported and built with the binary, one root configuration
//! calls the three modules with placeholder variables (the cluster variable set to the cluster
//! AWS described), and one `init` and one `plan` run with the AWS provider of the machine's
//! mirror. Every planned argument of every imported resource (`resource_changes[].change.after`
//! of `terraform show -json`) is compared with the describe output under the provider's rules,
//! by the comparison `tests/import_nodiff.rs` runs on the lowered module
//! (`support/import_compare.rs`).
//!
//! The plan creates the resources (Terraform cannot read the imported ones without AWS), so the
//! arguments compared are the configuration's, as the provider plans them. The data sources
//! that call AWS (`aws_caller_identity`, `aws_prefix_list`) are replaced in the module copies by
//! locals holding the harness's placeholder values (`terraform test` would mock them, but prints
//! no plan). Without Terraform or the mirror the test is skipped with a message, unless `CI` is
//! set; `GEN_TF_FAST_TESTS=1` leaves it out.

#[path = "support/fast.rs"]
mod fast;
#[path = "support/import_compare.rs"]
#[allow(dead_code)]
mod import_compare;
#[path = "support/import_managed.rs"]
mod import_managed;
// Also a private module of support/terraform.rs; read here for its placeholders.
#[path = "support/terraform/module_copy.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod module_copy;
#[path = "support/terraform.rs"]
#[allow(dead_code)]
mod terraform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use assert_cmd::prelude::*;
use gen_tf::import;
use import_compare::Shape;
use serde_json::{json, Map, Value};

const REGION: &str = "eu-west-1";

fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join("cache"));
    c
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    ["web", "worker", "private"]
        .iter()
        .map(|f| dir.join(f))
        .collect()
}

/// The block `data "ty" "name" { ... }` removed from `text` (generated HCL: its braces balance).
fn without_block(text: &str, head: &str) -> Option<String> {
    let start = text.find(head)?;
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    let end = start + i + 1;
                    return Some(format!("{}{}", &text[..start], &text[end..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Replaces each data source of the module copy in `dir` that calls AWS by a local holding the
/// harness's placeholder values, so that a plain `terraform plan` runs offline.
fn replace_remote_data(dir: &Path) {
    let declared = module_copy::Declared::read(dir).unwrap();
    assert!(declared.hcl, "{}: gen-tf build writes HCL", dir.display());
    let mut locals = Map::new();
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    for source in declared.remote_data() {
        let (ty, name, _) = source;
        let local = format!("gen_tf_test_{ty}_{name}");
        locals.insert(local.clone(), module_copy::data_override(source, REGION));
        let head = format!("data \"{ty}\" \"{name}\" {{");
        let mut removed = false;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let text = match without_block(&text, &head) {
                Some(t) => {
                    removed = true;
                    t
                }
                None => text,
            };
            let text = text.replace(&format!("data.{ty}.{name}."), &format!("local.{local}."));
            std::fs::write(f, text).unwrap();
        }
        assert!(removed, "{}: no block {head}", dir.display());
    }
    let file = json!({ "locals": locals });
    std::fs::write(
        dir.join("zz_gen_tf_test_data.tf.json"),
        serde_json::to_string_pretty(&file).unwrap(),
    )
    .unwrap();
}

/// Leaves out what the provider treats as unset: nulls, empty block lists and empty strings
/// (`elb_name`, an unbounded step's `metric_interval_upper_bound`).
fn unset_removed(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Array(a) if a.is_empty() => None,
        Value::Array(a) => Some(Value::Array(a.iter().filter_map(unset_removed).collect())),
        Value::Object(o) => Some(Value::Object(
            o.iter()
                .filter_map(|(k, v)| unset_removed(v).map(|v| (k.clone(), v)))
                .collect(),
        )),
        v => Some(v.clone()),
    }
}

struct Plan {
    /// Per module call: address (`type.name`) to planned arguments.
    resources: BTreeMap<String, BTreeMap<String, Value>>,
    /// Per module call: address to its arguments' references (`configuration`).
    references: BTreeMap<String, BTreeMap<String, Value>>,
}

fn read_plan(shown: &Value) -> Plan {
    let mut resources: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for rc in shown["resource_changes"].as_array().unwrap() {
        let module = rc["module_address"].as_str().unwrap();
        let call = module.strip_prefix("module.").unwrap().to_owned();
        let addr = format!(
            "{}.{}",
            rc["type"].as_str().unwrap(),
            rc["name"].as_str().unwrap()
        );
        assert_eq!(
            rc["change"]["actions"],
            json!(["create"]),
            "{module}.{addr}"
        );
        let after = unset_removed(&rc["change"]["after"]).unwrap_or_default();
        resources.entry(call).or_default().insert(addr, after);
    }
    let mut references: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let calls = shown["configuration"]["root_module"]["module_calls"]
        .as_object()
        .unwrap();
    for (call, c) in calls {
        for r in c["module"]["resources"].as_array().unwrap() {
            let addr = r["address"].as_str().unwrap().to_owned();
            references
                .entry(call.clone())
                .or_default()
                .insert(addr, r["expressions"].clone());
        }
    }
    Plan {
        resources,
        references,
    }
}

/// The AWS value that `addr`'s `arg` stands for: the planned value when it is known (a module
/// input's), else by the configuration's references the name of a role (`aws_iam_role.x.arn`)
/// or the described ID of a security group (`aws_security_group.x.id`, by its name); null when
/// the configuration does not set it.
fn plan_ref(
    res: &BTreeMap<String, Value>,
    refs: &BTreeMap<String, Value>,
    described: &import::read::Described,
    addr: &str,
    arg: &str,
) -> Value {
    if let Some(v) = res[addr].get(arg) {
        return v.clone();
    }
    let targets: Vec<&str> = refs[addr][arg]["references"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(role) = targets
        .iter()
        .find_map(|r| r.strip_prefix("aws_iam_role.")?.strip_suffix(".arn"))
    {
        return res[&format!("aws_iam_role.{role}")]["name"].clone();
    }
    if let Some(sg) = targets
        .iter()
        .find_map(|r| r.strip_prefix("aws_security_group.")?.strip_suffix(".id"))
    {
        let name = &res[&format!("aws_security_group.{sg}")]["name"];
        return json!(described
            .security_groups
            .values()
            .find(|g| json!(g.group_name) == *name)
            .map(|g| &g.group_id));
    }
    assert!(
        refs[addr].get(arg).is_none(),
        "{addr}.{arg} refers to no role or group: {}",
        refs[addr][arg]
    );
    Value::Null
}

fn report(m: &import_compare::Mismatches) -> String {
    m.iter()
        .map(|(r, a, o, t)| format!("  {r} {a}: planned {o}, AWS {t}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_planned_argument_of_every_imported_resource_is_what_aws_described() {
    if fast::leaves_out("the imported stacks' terraform plan") {
        return;
    }
    let tf = match terraform::Terraform::find() {
        Ok(tf) => tf,
        Err(why) if std::env::var_os("CI").is_some() => panic!("CI is set, but {why}"),
        Err(why) => {
            eprintln!("skipping the imported stacks' terraform plan: {why}");
            return;
        }
    };
    let start = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let paths = fixtures();
    // A fourth stack that owns its VPC's endpoints (`--manage-endpoints`) joins the three.
    let managed = import_managed::import_all_and_build(dir.path(), &paths, gen_tf);

    // What the binary wrote is what the library imports: its import blocks, per stack.
    // The copy repeats the fixture's IDs: each stack is compared with its own describe output.
    let described = import::input::read(&paths).expect("the fixtures read");
    let described_managed =
        import::input::read(std::slice::from_ref(&managed)).expect("the copy reads");
    let mut outputs = import::import(&paths, None).expect("the fixtures import");
    outputs
        .extend(import::import_with(&[managed], None, true).expect("the managed fixture imports"));
    assert_eq!(outputs.len(), 4);
    assert!(outputs[3]
        .imports
        .iter()
        .any(|b| b.to.contains(".aws_vpc_endpoint.")));
    let root = dir.path().join("root");
    let mut modules = Map::new();
    for o in &outputs {
        let stack = &o.stack.stack.to_string();
        let copy = root.join("modules").join(stack);
        replace_remote_data(&copy);
        let cluster = o
            .imports
            .iter()
            .find(|b| b.to.contains(".aws_ecs_service."))
            .and_then(|b| b.id.split('/').next())
            .expect("a service's import block")
            .to_owned();
        let declared = module_copy::Declared::read(&copy).unwrap();
        let mut m = Map::new();
        m.insert("source".into(), format!("./modules/{stack}").into());
        for (name, ty) in &declared.variables {
            // The inputs import reported: the VPC, the groups the adopted rules name.
            let v = if name == "cluster_name" {
                Value::from(cluster.clone())
            } else if let Some(v) = o.inputs.get(name) {
                Value::from(v.clone())
            } else {
                module_copy::placeholder(name, ty.as_ref(), REGION)
            };
            m.insert(name.clone(), v);
        }
        modules.insert(stack.clone(), Value::Object(m));
    }
    let main = json!({
        "provider": { "aws": module_copy::provider_settings(REGION, None) },
        "module": modules,
    });
    std::fs::write(
        root.join("main.tf.json"),
        serde_json::to_string_pretty(&main).unwrap(),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("terraform")
            .args(args)
            .current_dir(&root)
            .env("TF_CLI_CONFIG_FILE", tf.cli_config())
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "terraform {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["init", "-backend=false", "-input=false", "-no-color"]);
    run(&[
        "plan",
        "-refresh=false",
        "-lock=false",
        "-input=false",
        "-no-color",
        "-out=plan.bin",
    ]);
    let shown: Value = serde_json::from_str(&run(&["show", "-json", "plan.bin"])).unwrap();
    let plan = read_plan(&shown);

    let mut compared = 0;
    for o in &outputs {
        let stack = &o.stack.stack.to_string();
        let res = &plan.resources[stack];
        let refs = &plan.references[stack];
        let described = if o.stack.endpoints.is_empty() {
            &described
        } else {
            &described_managed
        };
        let role_of = |addr: &str, arg: &str| plan_ref(res, refs, described, addr, arg);
        let m = import_compare::compare(described, &o.imports, res, Shape::Plan, &role_of);
        assert!(
            m.is_empty(),
            "{stack}: planned arguments that differ from what AWS described:\n{}",
            report(&m)
        );
        compared += o.imports.len();

        // The comparison is not vacuous: a planned value changed shows.
        let mut changed = res.clone();
        let td = o
            .imports
            .iter()
            .find_map(|b| b.to.split_once(".aws_ecs_task_definition."))
            .map(|(_, name)| format!("aws_ecs_task_definition.{name}"))
            .expect("a task definition's import block");
        changed.get_mut(&td).unwrap()["cpu"] = json!("16384");
        let m = import_compare::compare(described, &o.imports, &changed, Shape::Plan, &role_of);
        let args: Vec<&str> = m.iter().map(|(_, a, _, _)| a.as_str()).collect();
        assert_eq!(args, ["cpu"], "{}", report(&m));
    }
    assert!(compared >= 25, "only {compared} import blocks compared");
    eprintln!(
        "{compared} imported resources planned and compared in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

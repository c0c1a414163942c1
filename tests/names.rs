//! Two stacks that both have a service `api`, each built for `dev` and `prd` into one account
//! and one shared cluster (`examples/two-envs`), give four modules that share no name that AWS
//! keeps unique per account, region or cluster: IAM roles, log groups, alarms, scaling
//! policies, security groups (by name prefix), task families and ECS service names.

use std::collections::BTreeMap;
use std::path::Path;

use gen_tf::ir::{Content, Expr, Item};
use gen_tf::pipeline::{self, Options};

/// The attributes that hold a unique AWS name, by resource type. The ECS service name is unique
/// per cluster, and these stacks share one.
const NAMED: &[(&str, &str)] = &[
    ("aws_iam_role", "name"),
    ("aws_cloudwatch_log_group", "name"),
    ("aws_cloudwatch_metric_alarm", "alarm_name"),
    ("aws_appautoscaling_policy", "name"),
    ("aws_security_group", "name_prefix"),
    ("aws_ecs_task_definition", "family"),
    ("aws_ecs_service", "name"),
];

fn options(env: &str) -> Options {
    Options {
        env: Some(env.to_owned()),
        ..Default::default()
    }
}

/// Every unique name one stack gets in one environment, as (resource type, name).
fn names(stack: &Path, env: &str) -> Vec<(String, String)> {
    let checked = pipeline::check(stack, &options(env))
        .unwrap_or_else(|e| panic!("{} ({env}): {e:?}", stack.display()));
    let module = checked.lower();
    let mut out = Vec::new();
    for file in &module.files {
        let Content::Terraform(body) = &file.content else {
            continue;
        };
        for item in &body.items {
            let Item::Block(b) = item else { continue };
            if b.ident.as_str() != "resource" {
                continue;
            }
            let Some((_, attr)) = NAMED.iter().find(|(ty, _)| *ty == b.labels[0]) else {
                continue;
            };
            for item in &b.body.items {
                if let Item::Attribute(a) = item {
                    if a.key.as_str() == *attr {
                        let Expr::Str(name) = &a.expr else {
                            panic!("{}.{attr} is not a literal name: {:?}", b.labels[0], a.expr)
                        };
                        out.push((b.labels[0].clone(), name.clone()));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn two_stacks_in_two_environments_share_no_unique_name() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/two-envs");
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    for stack in ["orders.jsonnet", "billing.jsonnet"] {
        for env in ["dev", "prd"] {
            let here = format!("{stack} ({env})");
            for (ty, name) in names(&dir.join(stack), env) {
                *per_type.entry(ty.clone()).or_default() += 1;
                if let Some(first) = seen.insert((ty.clone(), name.clone()), here.clone()) {
                    panic!("{ty} name {name:?} is used by both {first} and {here}");
                }
            }
        }
    }
    // Every kind of name is there in all four modules (two roles per service, two policies
    // and alarms in billing), so the test cannot pass by finding nothing.
    for (ty, _) in NAMED {
        assert!(
            per_type.get(*ty).copied().unwrap_or(0) >= 2,
            "no {ty} in {per_type:?}"
        );
    }
    assert_eq!(per_type["aws_iam_role"], 8);
    assert_eq!(per_type["aws_ecs_service"], 4);
}

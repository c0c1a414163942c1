//! The diff's facts beside their code: every argument gen-tf writes has a ForceNew fact.

use std::path::Path;

use super::{forcenew, resources};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every argument gen-tf writes, in every example (and every diff fixture), has a ForceNew fact:
/// its own, or its enclosing block's or map's (a tag key is decided by `tags`). A fact may say
/// "not read" (`force_new: null`), which the diff reports as "may replace" with the reason.
#[test]
fn every_argument_gen_tf_writes_has_a_forcenew_fact() {
    let opts = crate::pipeline::Options {
        load: crate::load::LoadOptions {
            ext_str: vec![("ENV".to_owned(), "prd".to_owned())],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut roots = vec![Path::new(ROOT).join("examples")];
    roots.push(Path::new(ROOT).join("tests/fixtures/diff"));
    let stacks = crate::cli::discover(&roots).expect("readable");
    let mut missing = std::collections::BTreeSet::new();
    let mut seen = 0;
    for stack in &stacks {
        let checked = crate::pipeline::check(stack, &opts)
            .unwrap_or_else(|e| panic!("{}: {e:?}", stack.display()));
        let module = checked.lower();
        for w in resources::written(&module).values() {
            for path in w.args.keys() {
                seen += 1;
                if forcenew::lookup(&w.ty, path).is_none() {
                    missing.insert(format!("{} {}", w.ty, forcenew::schema_path(path)));
                }
            }
        }
    }
    assert!(seen > 500, "only {seen} arguments walked");
    assert!(missing.is_empty(), "no ForceNew fact for:\n{missing:#?}");
    // The facts name the provider source they were read from.
    let facts = forcenew::facts();
    assert!(facts.version.starts_with("v6"), "{}", facts.version);
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/aws-provider-forcenew.json"))
            .expect("JSON");
    let resources = file["resources"].as_object().expect("resources");
    assert_eq!(resources.len(), facts.resources.len());
    assert!(resources.values().all(|r| r["source"]
        .as_str()
        .is_some_and(|s| s.starts_with("internal/service/"))));
}

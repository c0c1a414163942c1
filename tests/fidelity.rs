//! Terraform fidelity (issue 6): what gen-tf writes is what Terraform will read.
//!
//! For random valid stacks (see `support/stacks.rs`) and for every fixture and example:
//! lowering does not panic, the built-in AWS provider schema finds nothing wrong, the HCL reads
//! back through hcl-rs as the IR it was printed from, printing is at its fixed point, and the
//! `.tf.json` form carries the same blocks and values (see `fidelity/compare.rs`).
//!
//! With `GEN_TF_SAMPLE_DIR` set, [`sample_for_tfcheck`] also writes a fixed sample of generated
//! modules in both syntaxes there, for `.ci/run` to hand to `../shared/tools/tfcheck`, which
//! holds them to HashiCorp's own parser and `terraform fmt`.

#[path = "fidelity/compare.rs"]
mod compare;
#[path = "support/stacks.rs"]
mod stacks;

use std::path::{Path, PathBuf};

use gen_tf::diag::Diagnostic;
use gen_tf::ir::{Content, Module};
use gen_tf::pipeline::{self, Checked, Format, Options, Source};
use gen_tf::provider_schema;
use gen_tf::LoadOptions;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use stacks::Generated;

/// Options with `-V ENV=<env>` when there is an environment.
fn options(env: Option<&str>, format: Format) -> Options {
    Options {
        load: LoadOptions::default(),
        format,
        env: env.map(str::to_owned),
    }
}

/// The typed stack, or every diagnostic that makes it invalid: the pipeline's own check, on
/// the generated value.
fn valid(g: &Generated) -> Result<Checked, Vec<Diagnostic>> {
    let source = Source {
        value: &g.value,
        label: "<generated>",
        text: None,
    };
    pipeline::check_value(source, &options(g.env.as_deref(), Format::Hcl))
}

fn lower_stack(stack: &Checked) -> Module {
    stack.lower()
}

/// Every property of a lowered module; the error names the file and what differs.
fn module_fidelity(module: &Module) -> compare::Outcome {
    let problems = provider_schema::check_module(module);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(format!("provider schema:\n{}", list.join("\n")));
    }
    for f in &module.files {
        if let Content::Terraform(body) = &f.content {
            compare::file(&f.name, body)?;
        }
    }
    // Both syntaxes give the same set of files, `.tf` for `.tf.json`.
    let names = |format| -> Vec<String> {
        pipeline::render(module, format)
            .into_iter()
            .map(|(name, _)| name.replace(".tf.json", ".tf"))
            .collect()
    };
    let (hcl, json) = (names(Format::Hcl), names(Format::Json));
    if hcl != json {
        return Err(format!("files differ: {hcl:?} vs {json:?}"));
    }
    Ok(())
}

fn codes(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} at {}: {}", d.code, d.path, d.message))
        .collect::<Vec<_>>()
        .join("; ")
}

proptest! {
    // 48 cases keep this test at a few seconds in a debug build on two cores; PROPTEST_CASES
    // asks for a deeper run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48),
        max_shrink_iters: 512,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_stacks_compile_to_faithful_terraform(g in stacks::stack()) {
        let stack = valid(&g);
        prop_assume!(stack.is_ok());
        let stack = stack.unwrap();
        let module = lower_stack(&stack);
        prop_assert_eq!(&module, &lower_stack(&stack), "lowering is not deterministic");
        if let Err(e) = module_fidelity(&module) {
            return Err(TestCaseError::fail(format!("{e}\nstack: {}", g.value)));
        }
    }
}

/// A fixed-seed stream of generated stacks, so the sample and the validity check below are the
/// same on every run.
fn generated(seed: u8) -> impl Iterator<Item = Generated> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    let strategy = stacks::stack();
    std::iter::from_fn(move || Some(strategy.new_tree(&mut runner).ok()?.current()))
}

/// The generator is meant to produce valid stacks; a new rule that rejects many of them would
/// quietly shrink the property test to a handful of cases, so it fails here instead, with the
/// diagnostics that the generator needs to learn about.
#[test]
fn generated_stacks_are_nearly_all_valid() {
    let total = 100;
    let rejected: Vec<String> = generated(7)
        .take(total)
        .filter_map(|g| valid(&g).err().map(|d| codes(&d)))
        .collect();
    eprintln!("{} of {total} generated stacks are invalid", rejected.len());
    assert!(
        rejected.len() * 10 <= total,
        "{} of {total} generated stacks are invalid:\n{}",
        rejected.len(),
        rejected.join("\n")
    );
}

/// Writes 20 generated modules (or `$GEN_TF_SAMPLE_COUNT`, for a deeper local run) as
/// `$GEN_TF_SAMPLE_DIR/{hcl,json}/<n>/`, one module directory each and README.md left out, and
/// their stacks as `$GEN_TF_SAMPLE_DIR/stacks/<n>.json`. The seed is fixed, so CI checks the
/// same modules every time and a failure can be reproduced.
#[test]
fn sample_for_tfcheck() {
    let Some(root) = std::env::var_os("GEN_TF_SAMPLE_DIR").map(PathBuf::from) else {
        return;
    };
    let count = std::env::var("GEN_TF_SAMPLE_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let samples: Vec<(Generated, Checked)> = generated(42)
        .filter_map(|g| valid(&g).ok().map(|s| (g, s)))
        .take(count)
        .collect();
    assert_eq!(samples.len(), count);
    std::fs::create_dir_all(root.join("stacks")).unwrap();
    // What checkov judges in the sample: a pinned platform version, an ingress on port 80.
    let mut covered = (false, false);
    for (n, (g, stack)) in samples.iter().enumerate() {
        let module = lower_stack(stack);
        for (_, text) in pipeline::render(&module, Format::Hcl) {
            covered.0 |= text.contains("#checkov:skip=CKV_AWS_332:");
            covered.1 |= text.contains("#checkov:skip=CKV_AWS_260:");
        }
        if let Err(e) = module_fidelity(&module) {
            panic!("sample {n}: {e}");
        }
        // The stack as a file `gen-tf build` takes; `_` (ignored by gen-tf) notes the ENV.
        let mut stack_file = g.value.clone();
        stack_file["_"] = serde_json::json!({ "ENV": g.env });
        std::fs::write(
            root.join("stacks").join(format!("{n:03}.json")),
            serde_json::to_string_pretty(&stack_file).unwrap(),
        )
        .unwrap();
        for (format, sub) in [(Format::Hcl, "hcl"), (Format::Json, "json")] {
            let dir = root.join(sub).join(format!("{n:03}"));
            std::fs::create_dir_all(&dir).unwrap();
            for (name, text) in pipeline::render(&module, format) {
                if name != "README.md" {
                    std::fs::write(dir.join(name), text).unwrap();
                }
            }
        }
    }
    if count >= 20 {
        assert_eq!(
            covered,
            (true, true),
            "the sample pins a platform version and admits 80"
        );
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every example and every fixture in `tests/fixtures/validate/` that is meant to compile.
fn compiling_inputs() -> Vec<PathBuf> {
    let mut out = gen_tf::discover(&[root().join("examples")]).expect("examples/");
    let fixtures = root().join("tests/fixtures/validate");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures/validate/")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            let ext = p.extension().map(|e| e.to_string_lossy().into_owned());
            !name.starts_with("err_")
                && matches!(
                    ext.as_deref(),
                    Some("jsonnet" | "json" | "yaml" | "yml" | "toml")
                )
        })
        .collect();
    found.sort();
    out.extend(found);
    out
}

#[test]
fn fixtures_and_examples_are_faithful() {
    let inputs = compiling_inputs();
    assert!(inputs.len() >= 3, "{inputs:?}");
    for path in inputs {
        let opts = |format| options(Some("prd"), format);
        let checked = pipeline::check(&path, &opts(Format::Hcl))
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let module = lower_stack(&checked);
        if let Err(e) = module_fidelity(&module) {
            panic!("{}: {e}", path.display());
        }
        // What the pipeline writes is exactly what was checked here, in both syntaxes.
        for format in [Format::Hcl, Format::Json] {
            let compiled = pipeline::compile(&path, &opts(format))
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            assert_eq!(
                compiled.files,
                pipeline::render(&module, format),
                "{}",
                path.display()
            );
        }
    }
}

/// Regression: serde_json's default float parser may miss by one unit in the last place, so a
/// JSON stack's `106504.24609699687` was written as `106504.24609699688` (YAML kept it). The
/// `float_roundtrip` feature makes JSON stacks read numbers exactly.
#[test]
fn json_stacks_keep_every_digit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.json");
    let threshold = "106504.24609699687";
    std::fs::write(
        &path,
        format!(
            r#"{{"name": "a", "services": {{"a": {{"cpu": 256, "memory": 512, "auto_scaling": {{
                "min_capacity": 1, "max_capacity": 2, "policies": [{{"policy_type": "StepScaling",
                "step_adjustments": [{{"metric_interval_lower_bound": 0, "scaling_adjustment": 1}}],
                "alarm": {{"threshold": {threshold}}}}}]}}}}}}}}"#
        ),
    )
    .unwrap();
    for format in [Format::Hcl, Format::Json] {
        let compiled = pipeline::compile(
            &path,
            &Options {
                format,
                ..Options::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let service = &compiled
            .files
            .iter()
            .find(|(n, _)| n.starts_with("a.tf"))
            .unwrap()
            .1;
        assert!(service.contains(threshold), "{service}");
    }
}

/// The comparison is not vacuous: the faithful JSON form passes, and each kind of difference
/// that it exists to catch fails.
#[test]
fn comparison_catches_each_kind_of_difference() {
    use gen_tf::emit::{hcl as emit_hcl, json as emit_json};
    use gen_tf::ir::{self, Block, Body, Part};
    use serde_json::{json, Value};

    let body = Body::new().block(Block::resource(
        "aws_sqs_queue",
        "q",
        Body::new()
            .comment("a comment")
            .attr("name", ir::str("${x} a\"b\\\n%{"))
            .attr(
                "policy",
                ir::template(vec![
                    Part::Lit("a$"),
                    Part::Interp(ir::var("v")),
                    Part::Lit("%{"),
                ]),
            )
            .attr("tags", ir::object([("k-1", ir::num(0.5))]))
            .block(Block::new("inner", &[], Body::new().attr("n", ir::int(1))))
            .block(Block::new("inner", &[], Body::new().attr("n", ir::int(2))))
            .block(Block::new(
                "lifecycle",
                &[],
                Body::new().attr("ignore_changes", ir::list([ir::ident("tags")])),
            ))
            .attr(
                "depends_on",
                ir::list([ir::traversal("aws_sqs_queue", &["p"])]),
            ),
    ));
    compare::file("q.tf", &body).unwrap();
    let hcl: hcl::Body = hcl::parse(&emit_hcl::print_body(&body)).unwrap();
    let json = emit_json::to_value(&body);
    compare::json_file(&hcl, &json).unwrap();

    type Mutation = Box<dyn Fn(&mut Value)>;
    fn q(j: &mut Value) -> &mut Value {
        &mut j["resource"]["aws_sqs_queue"]["q"]
    }
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "literal text read as a template",
            Box::new(|j| q(j)["name"] = json!("${x} a\"b\\\n%{")),
        ),
        (
            "another reference",
            Box::new(|j| q(j)["policy"] = json!("a${\"$\"}${var.w}%%{")),
        ),
        (
            "a number as a string",
            Box::new(|j| q(j)["tags"]["k-1"] = json!("0.5")),
        ),
        (
            "a block lost",
            Box::new(|j| q(j)["inner"] = json!({ "n": 1 })),
        ),
        (
            "blocks reordered",
            Box::new(|j| q(j)["inner"] = json!([{ "n": 2 }, { "n": 1 }])),
        ),
        (
            "an extra argument",
            Box::new(|j| q(j)["extra"] = json!(true)),
        ),
        (
            "a reference written as a template",
            Box::new(|j| q(j)["lifecycle"]["ignore_changes"] = json!(["${tags}"])),
        ),
        (
            "an extra resource",
            Box::new(|j| j["resource"]["aws_sqs_queue"]["r"] = json!({})),
        ),
    ];
    for (what, mutate) in mutations {
        let mut changed = json.clone();
        mutate(&mut changed);
        assert!(
            compare::json_file(&hcl, &changed).is_err(),
            "not caught: {what}"
        );
    }

    // HCL spellings that mean the same compare equal; ones that do not, do not.
    let canon = |text: &str| compare::canon(&text.parse::<hcl::Expression>().unwrap()).unwrap();
    assert_eq!(canon(r#""a\n\u00e9$${x}""#), ir::str("a\né${x}"));
    assert_eq!(canon(r#""${var.x}""#), canon("var.x"));
    assert_eq!(canon(r#""$$${var.x}""#), ir::str("$${var.x}"));
    // Regression: a literal `$` before an interpolation used to be written `$${`, which HCL
    // reads as an escape, so the interpolation became text.
    let dollar = ir::template(vec![Part::Lit("a$$"), Part::Interp(ir::var("x"))]);
    assert_eq!(
        compare::canon(&dollar).unwrap(),
        canon(r#""a${"$$"}${var.x}""#)
    );
    assert_ne!(compare::canon(&dollar).unwrap(), ir::str("a$${var.x}"));
    compare::file(
        "dollar.tf",
        &Body::new().block(Block::new("locals", &[], Body::new().attr("d", dollar))),
    )
    .unwrap();
    assert_ne!(canon(r#""a\\n""#), ir::str("a\n"));
    assert_ne!(canon(r#""${x}""#), ir::str("${x}"));
}

//! Real Terraform (issue 12): every module under `modules/`, every example compiled to `.tf.json`,
//! and a fixed sample of 20 property-test modules in both syntaxes go through `terraform fmt
//! -check` (HCL), `init`, `validate` and `plan` with the real AWS provider from the machine's
//! filesystem mirror, offline (see `support/terraform.rs`). Each module's provider constraint
//! must admit the mirror's version: a module that excludes it fails, it is not skipped.
//!
//! All modules of one syntax are called from one root configuration (issue 22), so that the whole
//! file is two `init`s, two `validate`s and two plans (`terraform test`, which overrides the data
//! sources that call AWS by module path) instead of three Terraform runs per module; a failure
//! still names its module and shows Terraform's error. `GEN_TF_FAST_TESTS=1` leaves it out.
//!
//! Without Terraform or the mirror the test is skipped with a message, unless the `CI`
//! environment variable is set, where that is a failure. `GEN_TF_TERRAFORM_KEEP=1` keeps the
//! module copies and Terraform's output and prints where they are.

#[path = "support/fast.rs"]
mod fast;
#[path = "support/terraform.rs"]
mod terraform;

// The generator of `tests/fidelity.rs`; only `property_sample` uses it (and only part of it).
#[allow(dead_code)]
#[path = "support/stacks.rs"]
mod stacks;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gen_tf::pipeline::{self, Format, Options, Source};
use gen_tf::LoadOptions;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use terraform::{admits, Module, Terraform};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Terraform and the mirror, or `None` after saying why the test does not run.
fn terraform_or_skip() -> Option<Terraform> {
    if fast::leaves_out("the real-Terraform test") {
        return None;
    }
    match Terraform::find() {
        Ok(tf) => Some(tf),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("CI is set, so real Terraform must run, but {why}")
        }
        Err(why) => {
            eprintln!("skipping the real-Terraform test: {why} (with CI set, this is a failure)");
            None
        }
    }
}

/// Every module directory under `modules/`, as committed.
fn committed_modules() -> Vec<Module> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root().join("modules"))
        .expect("modules/ is readable")
        .map(|e| e.expect("a directory entry").path())
        // modules/platform holds a platform project's environments, not a module: its root
        // modules are planned by tests/platform_terraform.rs.
        .filter(|p| p.is_dir() && p.join("versions.tf").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| Module {
            label: format!("modules/{}", dir.file_name().unwrap().to_string_lossy()),
            dir,
            group: "main",
        })
        .collect()
}

/// Writes a module's rendered files, without its README, into `dir`.
fn write_module(dir: &Path, files: &[(String, String)]) {
    fs::create_dir_all(dir).unwrap();
    for (name, text) in files.iter().filter(|(name, _)| name != "README.md") {
        fs::write(dir.join(name), text).unwrap();
    }
}

/// Every example stack compiled by the library's pipeline as `.tf.json`, with `ENV=prd` as
/// `modules/` is built.
fn examples_as_json(out: &Path) -> Vec<Module> {
    let options = Options {
        load: LoadOptions::default(),
        format: Format::Json,
        env: Some("prd".to_owned()),
    };
    let stacks = gen_tf::discover(&[root().join("examples")]).expect("examples/");
    assert!(!stacks.is_empty(), "examples/ has stacks");
    stacks
        .iter()
        .map(|stack| {
            let compiled = pipeline::compile(stack, &options)
                .unwrap_or_else(|e| panic!("{} compiles: {e:?}", stack.display()));
            let dir = out.join(&compiled.name);
            write_module(&dir, &compiled.files);
            Module {
                label: format!("examples-json/{}", compiled.name),
                dir,
                group: "main",
            }
        })
        .collect()
}

/// The first `count` valid stacks of the property-test generator, with the seed and the
/// validity check of `tests/fidelity.rs`'s `sample_for_tfcheck`, so that tfcheck and Terraform
/// judge the same modules; each lowered and written as HCL and as `.tf.json`. The one place
/// this test uses the generator.
fn property_sample(out: &Path, count: usize) -> Vec<Module> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]),
    );
    let generator = stacks::stack();
    let mut modules = Vec::new();
    let mut n = 0;
    while n < count {
        let g = generator.new_tree(&mut runner).expect("a stack").current();
        let source = Source {
            value: &g.value,
            label: "<generated>",
            text: None,
        };
        let opts = Options {
            load: LoadOptions::default(),
            format: Format::Hcl,
            env: g.env.clone(),
        };
        let Ok(checked) = pipeline::check_value(source, &opts) else {
            continue;
        };
        let module = checked.lower();
        for (format, syntax) in [(Format::Hcl, "hcl"), (Format::Json, "json")] {
            let dir = out.join(syntax).join(format!("{n:03}"));
            write_module(&dir, &pipeline::render(&module, format));
            modules.push(Module {
                label: format!("sample-{syntax}/{n:03}"),
                dir,
                group: "main",
            });
        }
        n += 1;
    }
    modules
}

/// A module of `tests/fixtures/terraform`. The fixtures share a root configuration of their own,
/// where those that must fail prove that a failing module is named and the others still pass.
fn fixture(label: String, name: &str) -> Module {
    Module {
        label,
        dir: root().join("tests/fixtures/terraform").join(name),
        group: "fixtures",
    }
}

/// Fixtures that must fail, with the step and a line of Terraform's (or the harness's) message:
/// they prove that a failing module is reported, not passed or skipped.
const MUST_FAIL: &[(&str, &str, &str)] = &[
    ("v6-only-attribute", "validate", "Unsupported attribute"),
    ("plan-precondition", "test", "xx-nowhere-1"),
    ("unformatted", "fmt -check", "+  name = \"unformatted\""),
    ("pinned-to-6", "constraint", "admits none"),
];

/// Says in the log that the `FAIL` line of such a fixture is the expected outcome.
fn must_fail_label(name: &str) -> String {
    format!("fixtures/{name}, which must fail")
}

#[test]
fn terraform_validates_and_plans_every_module() {
    let Some(mut tf) = terraform_or_skip() else {
        return;
    };
    eprintln!("{}", tf.describe());
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let mut modules = committed_modules();
    modules.extend(examples_as_json(&scratch.path().join("examples-json")));
    modules.extend(property_sample(&scratch.path().join("sample"), 20));
    modules.push(fixture("fixtures/remote-data".to_owned(), "remote-data"));
    let must_fail = MUST_FAIL
        .iter()
        .map(|(name, _, _)| fixture(must_fail_label(name), name));
    modules.extend(must_fail);

    let start = Instant::now();
    let results = tf.check_all(&modules, terraform::MAX_JOBS);
    let passed = results.iter().filter(|r| r.is_ok()).count();
    eprintln!(
        "terraform: {passed} of {} modules passed in {:.0} s",
        results.len(),
        start.elapsed().as_secs_f64()
    );

    let mut problems = Vec::new();
    for result in results {
        let label = match &result {
            Ok(p) => &p.label,
            Err(f) => &f.label,
        };
        let must_fail = MUST_FAIL
            .iter()
            .find(|(name, _, _)| must_fail_label(name) == *label);
        match (must_fail, result) {
            (None, Ok(_)) => {}
            // Provider 5.100, the mirror's, cannot plan BLUE_GREEN, LINEAR or CANARY deployments
            // (issue 27): such a module names the features in its versions.tf and is not planned.
            (None, Err(f)) if f.step == terraform::NEWER_PROVIDER => {
                eprintln!(
                    "{}: not planned, the mirror's provider is older than {}",
                    f.label,
                    f.lines.join("; ")
                );
            }
            (None, Err(failure)) => problems.push(failure.to_string()),
            (Some(_), Ok(p)) => problems.push(format!("{}: passed, but must fail", p.label)),
            (Some((_, step, text)), Err(f)) => {
                if f.step != *step || !f.lines.iter().any(|l| l.contains(text)) {
                    problems.push(format!("{f}    (expected {step} to fail with {text:?})\n"));
                }
            }
        }
    }
    if !problems.is_empty() {
        let kept = std::env::var_os("GEN_TF_TERRAFORM_KEEP").is_some();
        let note = if kept {
            format!(
                "module copies and Terraform's output are in {}",
                tf.keep().display()
            )
        } else {
            "set GEN_TF_TERRAFORM_KEEP=1 to keep the module copies and Terraform's output"
                .to_owned()
        };
        panic!(
            "{} module(s) failed real Terraform:\n{}{note}",
            problems.len(),
            problems.concat()
        );
    }
}

#[test]
fn version_constraints_are_read_the_way_terraform_reads_them() {
    let v = |s: &str| s.parse().expect("a version");
    let cases = [
        (">= 5.100, < 7.0", "5.100.0", true),
        (">= 5.100, < 7.0", "6.25.0", true),
        (">= 5.100, < 7.0", "7.0.0", false),
        (">= 5.100, < 7.0", "5.99.1", false),
        (">= 6.4, < 7.0", "5.100.0", false),
        ("~> 6.0", "5.100.0", false),
        ("~> 6.0", "6.25.0", true),
        ("~> 6.0", "7.0.0", false),
        ("~> 5.100.0", "5.100.3", true),
        ("~> 5.100.0", "5.101.0", false),
        ("5.100.0", "5.100.0", true),
        ("!= 5.100.0", "5.100.0", false),
    ];
    for (constraint, version, expected) in cases {
        assert_eq!(
            admits(constraint, v(version)),
            Ok(expected),
            "{constraint} admits {version}"
        );
    }
    assert!(admits(">= five", v("5.100.0")).is_err());
}

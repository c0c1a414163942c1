//! Every example stack compiles without warnings, and the committed `modules/` directory is its
//! golden output: exactly the files `gen-tf build examples -V ENV=prd -o modules` writes, byte
//! for byte. After a deliberate change to the output, that one command updates it:
//!
//! ```sh
//! cargo run --locked -- build examples -V ENV=prd -o modules
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gen_tf::pipeline::{self, Options};

const UPDATE: &str = "cargo run --locked -- build examples -V ENV=prd -o modules";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options {
        env: Some("prd".to_owned()),
        ..Default::default()
    }
}

fn example_stacks() -> Vec<PathBuf> {
    let stacks = gen_tf::discover(&[root().join("examples")]).expect("examples/ is readable");
    assert!(
        stacks.len() >= 2,
        "expected the bundled examples, found {stacks:?}"
    );
    stacks
}

/// A unified diff from the committed file to the generated one.
fn diff(label: &str, committed: &str, generated: &str) -> String {
    similar::TextDiff::from_lines(committed, generated)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{label} (committed)"),
            &format!("{label} (generated)"),
        )
        .to_string()
}

/// Generated files under `modules/` (relative to it), whichever stack they came from.
fn generated_files_on_disk(modules: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(modules)
        .into_iter()
        .map(|e| e.expect("modules/ is readable"))
        .filter(|e| e.file_type().is_file() && gen_tf::is_generated(e.path()))
        .map(|e| e.path().strip_prefix(modules).unwrap().to_owned())
        .collect()
}

#[test]
fn examples_compile_to_the_committed_modules() {
    let modules = root().join("modules");
    let mut expected = BTreeSet::new();
    let mut problems = Vec::new();
    for stack in example_stacks() {
        let compiled = pipeline::compile(&stack, &options())
            .unwrap_or_else(|e| panic!("{}: {e:?}", stack.display()));
        assert!(
            compiled.warnings.is_empty(),
            "{}: {:?}",
            stack.display(),
            compiled.warnings
        );
        for (name, content) in &compiled.files {
            let rel = Path::new(&compiled.name).join(name);
            let label = Path::new("modules").join(&rel).display().to_string();
            match std::fs::read_to_string(modules.join(&rel)) {
                Err(e) => problems.push(format!("missing: {label} ({e})")),
                Ok(on_disk) if on_disk != *content => {
                    problems.push(format!(
                        "stale: {label}\n{}",
                        diff(&label, &on_disk, content)
                    ));
                }
                Ok(_) => {}
            }
            expected.insert(rel);
        }
    }
    // modules/platform/ is the platform project's (examples/platform, its own gen-tf.toml),
    // which tests/platform.rs compares.
    let on_disk: BTreeSet<PathBuf> = generated_files_on_disk(&modules)
        .into_iter()
        .filter(|p| !p.starts_with("platform"))
        .collect();
    for rel in on_disk.difference(&expected) {
        problems.push(format!(
            "extra: {} (no example generates it)",
            Path::new("modules").join(rel).display()
        ));
    }
    assert!(
        problems.is_empty(),
        "modules/ is not what the examples generate; if the change is intended, run\n  {UPDATE}\n\n{}",
        problems.join("\n")
    );
}

#[test]
fn output_is_deterministic() {
    for stack in example_stacks() {
        let a = pipeline::compile(&stack, &options()).expect("compiles");
        let b = pipeline::compile(&stack, &options()).expect("compiles");
        assert_eq!(a.files, b.files);
    }
}

//! Every example stack compiles, every generated file is snapshotted, and the committed
//! `modules/` directory is what `gen-tf build examples -V ENV=prd -o modules` writes.

use std::path::{Path, PathBuf};

use gen_tf::pipeline::{self, Options};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options {
        load: gen_tf::load::LoadOptions {
            ext_str: vec![("ENV".to_owned(), "prd".to_owned())],
            ..Default::default()
        },
        ..Default::default()
    }
}

fn example_stacks() -> Vec<PathBuf> {
    gen_tf::cli::discover(&[root().join("examples")]).expect("examples/ is readable")
}

#[test]
fn every_example_compiles_and_is_snapshotted() {
    let stacks = example_stacks();
    assert!(
        stacks.len() >= 2,
        "expected the bundled examples, found {stacks:?}"
    );
    for stack in stacks {
        let compiled = match pipeline::compile(&stack, &options()) {
            Ok(c) => c,
            Err(e) => panic!("{}: {e:?}", stack.display()),
        };
        assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings);
        for (name, content) in &compiled.files {
            insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
                insta::assert_snapshot!(format!("example__{}__{}", compiled.name, name), content);
            });
        }
    }
}

#[test]
fn committed_modules_are_up_to_date() {
    for stack in example_stacks() {
        let compiled = pipeline::compile(&stack, &options()).expect("example compiles");
        for (name, content) in &compiled.files {
            let path = root().join("modules").join(&compiled.name).join(name);
            let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}; run `gen-tf build examples -V ENV=prd -o modules`",
                    path.display()
                )
            });
            assert!(
                on_disk == *content,
                "{} is stale; run `gen-tf build examples -V ENV=prd -o modules`",
                path.display()
            );
        }
    }
}

#[test]
fn output_is_deterministic() {
    for stack in example_stacks() {
        let a = pipeline::compile(&stack, &options()).expect("compiles");
        let b = pipeline::compile(&stack, &options()).expect("compiles");
        assert_eq!(a.files, b.files);
    }
}

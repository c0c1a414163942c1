//! The benchmark's floor: jrsonnet alone, through the crates gen-tf uses, evaluating every
//! `*.jsonnet` stack in a directory in one thread and manifesting each to JSON text, as
//! `jsonnet file.jsonnet` would. Nothing is validated, lowered or written.
//!
//! Usage: `jsonnet-floor DIR [--write OUT]` (with `--write`, each stack's JSON goes to
//! `OUT/<name>.json`, which the benchmark uses as its plain-JSON stacks).
//!
//! Each stack gets a fresh evaluator state, and its heap is leaked rather than freed, as in
//! gen-tf's own loader (src/load/jsonnet.rs).

use std::path::PathBuf;

use jrsonnet_evaluator::manifest::JsonFormat;
use jrsonnet_evaluator::trace::PathResolver;
use jrsonnet_evaluator::{FileImportResolver, State};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: jsonnet-floor DIR [--write OUT]"));
    let write = match (args.next().as_deref(), args.next()) {
        (Some("--write"), Some(out)) => Some(PathBuf::from(out)),
        (None, None) => None,
        _ => panic!("usage: jsonnet-floor DIR [--write OUT]"),
    };
    let mut stacks: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("a readable directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonnet"))
        .collect();
    stacks.sort();
    let mut bytes = 0;
    for stack in &stacks {
        let mut builder = State::builder();
        builder
            .import_resolver(FileImportResolver::default())
            .context_initializer(jrsonnet_stdlib::ContextInitializer::new(
                PathResolver::Relative(dir.clone()),
            ));
        let state = builder.build();
        let json = {
            let _entered = state.enter();
            let val = state
                .import(stack.as_path())
                .unwrap_or_else(|e| panic!("{}: {e}", stack.display()));
            let json = val
                .manifest(JsonFormat::default())
                .unwrap_or_else(|e| panic!("{}: {e}", stack.display()));
            std::mem::forget(val);
            json
        };
        std::mem::forget(state);
        bytes += json.len();
        if let Some(out) = &write {
            let name = stack.file_stem().expect("a file name");
            std::fs::write(out.join(name).with_extension("json"), json + "\n")
                .expect("a writable output directory");
        }
    }
    println!("{} stacks, {bytes} bytes of JSON", stacks.len());
}

//! Every fixture in `tests/fixtures/validate/` runs through the real pipeline (load, model,
//! validate, lower, emit). A case whose name starts with `err_` must fail, and its exact
//! diagnostics are snapshotted; every other case must compile, and its warnings (usually none)
//! are snapshotted.

use std::path::Path;

use gen_tf::pipeline::{self, Failure, Options};
use gen_tf::report::{self, MessageFormat, Style};

const STYLE: Style = Style {
    format: MessageFormat::Human,
    color: false,
};

/// The environment a fixture is built for: `prd`, unless its first line says `// ENV: <value>`.
fn fixture_env(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("// ENV: "))
        .unwrap_or("prd")
        .to_owned()
}

fn run_case(path: &Path) -> String {
    let opts = Options {
        env: Some(fixture_env(path)),
        ..Default::default()
    };
    let rel = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_path_buf();
    let is_err = rel
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("err_"));
    let cwd_rel = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    let result = pipeline::compile(&cwd_rel, &opts);
    let text = match &result {
        Ok(c) => c
            .warnings
            .iter()
            .map(|d| report::diagnostic(d, STYLE))
            .collect::<String>(),
        Err(Failure::Load(e)) => report::load_error(e, STYLE),
        Err(Failure::Diagnostics(ds)) => ds.iter().map(|d| report::diagnostic(d, STYLE)).collect(),
    };
    assert_eq!(
        result.is_err(),
        is_err,
        "{}: expected {}, got:\n{text}",
        rel.display(),
        if is_err { "failure" } else { "success" }
    );
    if is_err {
        assert!(
            text.contains("help:") || text.contains("error[load]"),
            "{text}"
        );
    }
    text.replace(&format!("{}/", env!("CARGO_MANIFEST_DIR")), "")
}

#[test]
fn validate_fixtures() {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::glob!("fixtures/validate/*.{jsonnet,json,yaml,yml,toml}", |path| {
            insta::assert_snapshot!(run_case(path));
        });
    });
}

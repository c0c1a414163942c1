//! The Mermaid diagram of every committed module README, parsed by Mermaid's own parser (the
//! `mermaid` package from npm, under jsdom: no browser), through `scripts/mermaid-check`; and the
//! proof that the check fails: the same README with its diagram broken.
//!
//! Needs Node.js; `npm ci` in `scripts/mermaid-check` is run here when its packages are missing
//! (`.ci/run` runs it first).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn check_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mermaid-check")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `node check.mjs paths...`, after `npm ci` when the packages are not installed.
fn mermaid_check(paths: &[&Path]) -> Output {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if !check_dir().join("node_modules/mermaid").is_dir() {
            let o = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(check_dir())
                .output()
                .expect("npm runs (Node.js is needed to check the Mermaid diagrams)");
            assert!(o.status.success(), "npm ci:\n{}", text(&o));
        }
    });
    Command::new("node")
        .arg(check_dir().join("check.mjs"))
        .args(paths)
        .output()
        .expect("node runs")
}

#[test]
fn every_committed_module_diagram_parses() {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("modules");
    let readmes = walk_readmes(&modules);
    assert!(!readmes.is_empty());
    let o = mermaid_check(&[&modules]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("mermaid: {} passed, 0 failed", readmes.len())),
        "one diagram per README:\n{}",
        text(&o)
    );
}

#[test]
fn a_broken_diagram_fails() {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("modules");
    let readme = walk_readmes(&modules).into_iter().next().unwrap();
    let good = fs::read_to_string(&readme).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // The real README twice: as it is, and with one node's label left unclosed.
    let ok = tmp.path().join("ok/README.md");
    let broken = tmp.path().join("broken/README.md");
    fs::create_dir_all(ok.parent().unwrap()).unwrap();
    fs::create_dir_all(broken.parent().unwrap()).unwrap();
    fs::write(&ok, &good).unwrap();
    let cut = good.find("\"]").expect("a node label in the diagram");
    fs::write(&broken, format!("{}\"{}", &good[..cut], &good[cut + 2..])).unwrap();

    let o = mermaid_check(&[tmp.path()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("mermaid: 1 passed, 1 failed"), "{out}");
    assert!(
        out.contains(&format!("{}:", broken.display())) && out.contains("does not parse"),
        "{out}"
    );
    assert!(!out.contains(&format!("{}:", ok.display())), "{out}");
}

#[test]
fn a_file_without_a_diagram_is_not_a_pass() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("README.md"), "# no diagram\n").unwrap();
    let o = mermaid_check(&[tmp.path()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

fn walk_readmes(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "README.md")
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found
}

//! The workflow around the compiler, with the real binary: the project file and discovery,
//! `check`, pruning, the render cache, `list`, `init`, the committed schema, completions and
//! `--version`. The pre-commit hooks are tested in `precommit.rs`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

#[path = "support/cache_entry.rs"]
mod cache_entry;

/// The real binary, run in `dir`, with its cache kept out of the user's home.
fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join(".xdg-cache"));
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    gen_tf(dir).args(args).output().expect("gen-tf runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// Three stacks and two environments. Every stack imports `lib/common.libsonnet`, which
/// imports `lib/sizes.libsonnet`, so an edit two imports deep must reach every module.
fn project(dir: &Path) {
    write(
        dir,
        "gen-tf.toml",
        r#"stacks = ["stacks"]
out = "modules"
jpath = ["lib"]

[environments.dev]
[environments.prd]
ext_str = { TEAM = "prd-team" }
"#,
    );
    write(
        dir,
        "lib/sizes.libsonnet",
        "{ small: { cpu: 256, memory: 512 } }\n",
    );
    write(
        dir,
        "lib/common.libsonnet",
        "local sizes = import 'sizes.libsonnet';\n{ service: sizes.small { port: 8080 } }\n",
    );
    for name in ["alpha", "beta", "gamma"] {
        write(
            dir,
            &format!("stacks/{name}.jsonnet"),
            &format!(
                "local c = import 'common.libsonnet';\n\
                 {{ name: '{name}', tags: {{ env: std.extVar('ENV') }}, services: {{ api: c.service }} }}\n"
            ),
        );
    }
}

/// Every file under `dir/modules`, with its content.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir.join("modules"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

const HAND_WRITTEN: &str = "# Written by a person: gen-tf must never touch this.\nlocals {}\n";

#[test]
fn project_check_build_prune_and_hand_written_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    write(dir, "modules/prd/alpha/local.tf", HAND_WRITTEN);
    write(dir, "modules/notes.tf", HAND_WRITTEN);

    // Nothing generated yet: everything is missing, and check writes nothing.
    let before = tree(dir);
    let o = run(dir, &["check"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("missing: modules/dev/alpha/api.tf"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(dir), before, "check never writes");

    let o = run(dir, &["build"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("6 module(s), 36 file(s) written"),
        "{}",
        stderr(&o)
    );
    for env in ["dev", "prd"] {
        for stack in ["alpha", "beta", "gamma"] {
            let api =
                fs::read_to_string(dir.join(format!("modules/{env}/{stack}/api.tf"))).unwrap();
            assert!(
                api.contains(&format!("env = \"{env}\"")),
                "ENV={env} reaches {stack}"
            );
        }
    }
    let o = run(dir, &["check"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("6 module(s) in sync with modules (6 from cache)"),
        "{}",
        stderr(&o)
    );

    // An edit two imports deep makes every module stale; check shows the diff and lists files.
    write(
        dir,
        "lib/sizes.libsonnet",
        "{ small: { cpu: 256, memory: 1024 } }\n",
    );
    let before = tree(dir);
    let o = run(dir, &["check"]);
    assert_code(&o, 1);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(
        out.contains("--- modules/dev/alpha/api.tf\n+++ modules/dev/alpha/api.tf\n"),
        "{out}"
    );
    assert!(
        out.contains("-  memory                   = \"512\"\n"),
        "{out}"
    );
    assert!(
        out.contains("+  memory                   = \"1024\"\n"),
        "{out}"
    );
    assert!(err.contains("stale: modules/prd/gamma/api.tf"), "{err}");
    assert_eq!(tree(dir), before, "check never writes");

    let o = run(dir, &["build"]);
    assert_code(&o, 0);
    assert_code(&run(dir, &["check"]), 0);

    // A stack that goes away leaves generated files behind: check reports them as extra and
    // build removes them, but not a hand-written file next to them.
    write(dir, "modules/dev/gamma/local.tf", HAND_WRITTEN);
    fs::remove_file(dir.join("stacks/gamma.jsonnet")).unwrap();
    let o = run(dir, &["check"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("extra: modules/prd/gamma/api.tf"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("-# Code generated by gen-tf. DO NOT EDIT."),
        "{}",
        stdout(&o)
    );
    let o = run(dir, &["build"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("12 removed"), "{}", stderr(&o));
    assert!(
        !dir.join("modules/prd/gamma").exists(),
        "an emptied module directory is removed"
    );
    let names: Vec<_> = fs::read_dir(dir.join("modules/dev/gamma"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["local.tf"]);
    assert_code(&run(dir, &["check"]), 0);

    // Naming stack files builds only those: the other stacks' modules are not extra.
    assert_code(&run(dir, &["check", "stacks/alpha.jsonnet"]), 0);
    let o = run(dir, &["build", "stacks/alpha.jsonnet"]);
    assert_code(&o, 0);
    assert!(
        dir.join("modules/prd/beta/api.tf").exists(),
        "{}",
        stderr(&o)
    );

    for f in [
        "modules/prd/alpha/local.tf",
        "modules/notes.tf",
        "modules/dev/gamma/local.tf",
    ] {
        assert_eq!(
            fs::read_to_string(dir.join(f)).unwrap(),
            HAND_WRITTEN,
            "{f} survives"
        );
    }
}

#[test]
fn flags_override_the_project_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    // -o and -V win over the project; --env builds one environment only.
    let o = run(
        dir,
        &[
            "build",
            "--env",
            "prd",
            "-o",
            "elsewhere",
            "-V",
            "ENV=staging",
        ],
    );
    assert_code(&o, 0);
    let api = fs::read_to_string(dir.join("elsewhere/prd/alpha/api.tf")).unwrap();
    assert!(api.contains("env = \"staging\""), "{api}");
    assert!(!dir.join("elsewhere/dev").exists());
    assert!(!dir.join("modules").exists());
    // PATHS win over `stacks`.
    let o = run(dir, &["build", "stacks/beta.jsonnet", "--env", "dev"]);
    assert_code(&o, 0);
    assert!(dir.join("modules/dev/beta/api.tf").exists());
    assert!(!dir.join("modules/dev/alpha").exists());
    // An unknown environment is a usage error that names the known ones.
    let o = run(dir, &["build", "--env", "qa"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("unknown environment `qa`; known: dev, prd"),
        "{}",
        stderr(&o)
    );
    // The project is found from a subdirectory, and its paths stay relative to it.
    let o = run(&dir.join("stacks"), &["list", "--json"]);
    assert_code(&o, 0);
    assert!(
        stdout(&o).contains("\"path\":\"../stacks/alpha.jsonnet\""),
        "{}",
        stdout(&o)
    );
    // --no-project ignores it, so the stacks must be named.
    let o = run(dir, &["check", "--no-project"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("no PATHS given"), "{}", stderr(&o));
}

#[test]
fn list_json_fits_a_ci_matrix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    let o = run(dir, &["list", "--json"]);
    assert_code(&o, 0);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(
        rows[0],
        serde_json::json!({"stack": "alpha", "env": "dev", "path": "stacks/alpha.jsonnet", "out": "modules/dev/alpha"})
    );
    assert_eq!(rows[5]["out"], "modules/prd/gamma");
    let o = run(dir, &["list", "--json", "-e", "prd"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(rows.as_array().unwrap().iter().all(|r| r["env"] == "prd"));
    // Without a project there are no environments.
    let o = run(
        dir,
        &[
            "list",
            "--json",
            "--no-project",
            "stacks/beta.jsonnet",
            "-V",
            "ENV=x",
            "-J",
            "lib",
        ],
    );
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "[{\"stack\":\"beta\",\"env\":null,\"path\":\"stacks/beta.jsonnet\",\"out\":\"modules/beta\"}]\n"
    );
    let o = run(dir, &["list"]);
    assert!(stdout(&o).starts_with("stack  env  path"), "{}", stdout(&o));
}

#[test]
fn switching_format_prunes_the_other_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    assert_code(&run(dir, &["build", "-e", "dev"]), 0);
    assert_code(&run(dir, &["build", "-e", "dev", "--format", "json"]), 0);
    let names: Vec<String> = fs::read_dir(dir.join("modules/dev/alpha"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".tf.json") || n == "README.md"),
        "{names:?}"
    );
    assert_code(&run(dir, &["check", "-e", "dev", "--format", "json"]), 0);
    // And back: the .tf.json files are recognised as generated and removed.
    assert_code(&run(dir, &["build", "-e", "dev"]), 0);
    assert!(!dir.join("modules/dev/alpha/api.tf.json").exists());
    assert!(dir.join("modules/dev/alpha/api.tf").exists());
}

#[test]
fn build_fail_on_change_and_no_prune() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    let o = run(dir, &["build", "--fail-on-change"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("written: modules/dev/alpha/api.tf"),
        "{}",
        stderr(&o)
    );
    assert_code(&run(dir, &["build", "--fail-on-change"]), 0);
    fs::remove_file(dir.join("stacks/beta.jsonnet")).unwrap();
    assert_code(&run(dir, &["check", "--no-prune"]), 0);
    assert_code(&run(dir, &["build", "--no-prune"]), 0);
    assert!(dir.join("modules/dev/beta/api.tf").exists());
    let o = run(dir, &["build", "--fail-on-change"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("removed: modules/dev/beta/api.tf"),
        "{}",
        stderr(&o)
    );
}

// The cache through the library (invalidation by imports, ext vars and version; threads on one
// entry) is tested beside it, in `src/cache.rs`.

/// A warm check really skips evaluation: it reports what the cache holds, even when that
/// differs from what evaluating would give. (Here the entry is doctored to prove it.)
#[test]
fn warm_check_uses_the_cache_and_no_cache_turns_it_off() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    assert_code(&run(dir, &["build", "-e", "dev"]), 0);
    let cache_dir = dir.join(".gen-tf/cache");
    assert!(
        cache_dir.join(".gitignore").is_file(),
        "the project cache keeps itself out of git"
    );
    let mut doctored = 0;
    for e in walkdir::WalkDir::new(&cache_dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if cache_entry::is_entry(e.path()) {
            let (mut v, hashes) = cache_entry::decode(&fs::read(e.path()).unwrap());
            for f in v["files"].as_array_mut().unwrap() {
                if f[0] == "api.tf" {
                    f[1] = serde_json::Value::String(
                        "# Code generated by gen-tf. DO NOT EDIT.\n# from the cache\n".into(),
                    );
                }
            }
            // Sealed again with the hash of the new body, as someone who can write the cache
            // can always do (an entry whose hash does not match is a miss).
            fs::write(e.path(), cache_entry::encode(&v, true, &hashes, "")).unwrap();
            doctored += 1;
        }
    }
    assert_eq!(doctored, 3);
    let o = run(dir, &["check", "-e", "dev"]);
    assert_code(&o, 1);
    assert!(stdout(&o).contains("+# from the cache"), "{}", stdout(&o));
    let o = run(dir, &["check", "-e", "dev", "--no-cache"]);
    assert_code(&o, 0);
    assert!(!stderr(&o).contains("from cache"), "{}", stderr(&o));
    // A corrupt entry is a miss, not an error.
    for e in walkdir::WalkDir::new(&cache_dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if cache_entry::is_entry(e.path()) {
            fs::write(e.path(), b"{\"schema\": tru").unwrap();
        }
    }
    let o = run(dir, &["check", "-e", "dev"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("(0 from cache)"), "{}", stderr(&o));
    // --cache-dir moves it.
    assert_code(
        &run(dir, &["check", "-e", "dev", "--cache-dir", "elsewhere"]),
        0,
    );
    assert!(dir.join("elsewhere/.gitignore").is_file());
}

/// Many runs at once on one cold cache: every run gives the right answer and every entry left
/// behind is complete.
#[test]
fn concurrent_runs_never_corrupt_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    assert_code(&run(dir, &["build", "--no-cache"]), 0);
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("gen-tf"))
                .current_dir(dir)
                .arg("check")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    // Threads in one process on one entry: `src/cache.rs`,
    // `threads_on_one_entry_never_see_a_partial_one`.
    let mut entries = 0;
    for e in walkdir::WalkDir::new(dir.join(".gen-tf/cache"))
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = e.file_name().to_string_lossy();
        assert!(
            !name.starts_with(".tmp-"),
            "no temporary file is left: {name}"
        );
        if cache_entry::is_entry(e.path()) {
            let bytes = fs::read(e.path()).unwrap();
            let (v, hashes) = cache_entry::decode(&bytes);
            assert_eq!(
                cache_entry::encode(&v, true, &hashes, ""),
                bytes,
                "a complete, sealed entry"
            );
            entries += 1;
        }
    }
    assert_eq!(
        entries, 6,
        "one per stack and environment, shared by the runs"
    );
    assert_code(&run(dir, &["check"]), 0);
}

#[test]
fn init_scaffolds_a_project_that_builds_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    let o = run(tmp.path(), &["init", "new"]);
    assert_code(&o, 0);
    for f in [
        "gen-tf.toml",
        "stacks/example.jsonnet",
        ".pre-commit-config.yaml",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let hooks = fs::read_to_string(dir.join(".pre-commit-config.yaml")).unwrap();
    assert!(hooks.contains("id: gen-tf-check"), "{hooks}");
    assert_code(&run(&dir, &["build"]), 0);
    for env in ["dev", "stg", "prd"] {
        assert!(
            dir.join(format!("modules/{env}/example/api.tf")).is_file(),
            "{env}"
        );
    }
    assert_code(&run(&dir, &["check"]), 0);
    // A second init keeps every existing file, byte for byte.
    write(&dir, "gen-tf.toml", "stacks = ['stacks']\n");
    fs::remove_file(dir.join(".pre-commit-config.yaml")).unwrap();
    let o = run(
        &dir,
        &["init", "--hooks-repo", "https://example.invalid/gen-tf"],
    );
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("kept    ./gen-tf.toml (exists)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(dir.join("gen-tf.toml")).unwrap(),
        "stacks = ['stacks']\n"
    );
    let hooks = fs::read_to_string(dir.join(".pre-commit-config.yaml")).unwrap();
    assert!(
        hooks.contains("repo: https://example.invalid/gen-tf\n    rev: v"),
        "{hooks}"
    );
}

/// `schemas/stack.schema.json` is what `gen-tf schema` prints. Run with `GEN_TF_BLESS=1` to
/// rewrite it after changing the model.
#[test]
fn committed_schema_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(root, &["schema"]);
    assert_code(&o, 0);
    let path = root.join("schemas/stack.schema.json");
    if std::env::var_os("GEN_TF_BLESS").is_some() {
        fs::write(&path, &o.stdout).unwrap();
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == stdout(&o),
        "schemas/stack.schema.json is stale: run `GEN_TF_BLESS=1 cargo test --test workflow committed_schema` \
         or `gen-tf schema > schemas/stack.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["title"], "gen-tf stack");
    assert!(schema["properties"]["services"].is_object());
}

#[test]
fn completions_and_version() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, needle) in [
        ("bash", "complete -F _gen__tf"),
        ("zsh", "#compdef gen-tf"),
        ("fish", "complete -c gen-tf"),
    ] {
        let o = run(tmp.path(), &["completions", shell]);
        assert_code(&o, 0);
        assert!(stdout(&o).contains(needle), "{shell}: {}", stdout(&o));
        assert!(
            stdout(&o).contains("list"),
            "{shell} completes the subcommands"
        );
    }
    let o = run(tmp.path(), &["--version"]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("gen-tf {}\n", env!("CARGO_PKG_VERSION"))
    );
}

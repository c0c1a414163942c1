//! The pre-commit hooks this repository ships in `.pre-commit-hooks.yaml`, run for real:
//! `pre-commit` from PyPI installs them from a git repository holding this crate and runs them
//! on a temporary git repository with three stacks and two environments. One test per kind of
//! hook, each with one pre-commit home for all its runs: the `language: rust` hooks, which
//! pre-commit builds with `cargo install` (once, as it would for a user), and the `-system`
//! hooks, which run the gen-tf this suite built, put on PATH.
//!
//! pre-commit comes from a venv under `target/pre-commit-venv`, which the tests create with
//! `python3 -m venv` and pip when it is missing: nothing is installed outside the repository.
//! Without python3 or PyPI the tests are skipped with a message; with `CI` set, that is a
//! failure.
//!
//! To keep the hook's `cargo install` affordable, it builds into one target directory shared by
//! every run, with the release profile at opt-level 0. Everything else is what a user gets.

#[path = "support/fast.rs"]
mod fast;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PRE_COMMIT_VERSION: &str = "4.7.0";

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Where the tests' pre-commit lives: a venv of its own under `target/`, which the repository
/// ignores, so that the suite installs nothing into the machine's Python.
fn venv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit-venv")
}

/// The venv's `pre-commit`, created with `python3 -m venv` and pip first when it is missing
/// or another version. `None` after saying why it cannot be had, outside CI; in CI, a failure.
fn pre_commit_program() -> Option<String> {
    if fast::leaves_out("the pre-commit test") {
        return None;
    }
    static PROGRAM: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    let found = PROGRAM.get_or_init(|| {
        let program = venv().join("bin/pre-commit");
        let version = || {
            Command::new(&program)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.stdout == format!("pre-commit {PRE_COMMIT_VERSION}\n").as_bytes())
        };
        if !version() {
            let _ = fs::remove_dir_all(venv());
            let run = |program: &Path, args: &[&str]| -> Result<(), String> {
                let shown = format!("{} {}", program.display(), args.join(" "));
                let o = Command::new(program)
                    .args(args)
                    .output()
                    .map_err(|e| format!("`{shown}` cannot run: {e}"))?;
                if o.status.success() {
                    Ok(())
                } else {
                    Err(format!("`{shown}` failed:\n{}", text(&o)))
                }
            };
            let dir = venv().display().to_string();
            run(Path::new("python3"), &["-m", "venv", &dir])?;
            let spec = format!("pre-commit=={PRE_COMMIT_VERSION}");
            let pip = venv().join("bin/pip");
            run(
                &pip,
                &["install", "--quiet", "--disable-pip-version-check", &spec],
            )?;
            if !version() {
                return Err(format!(
                    "{} is not pre-commit {PRE_COMMIT_VERSION}",
                    program.display()
                ));
            }
        }
        Ok(program.display().to_string())
    });
    match found {
        Ok(program) => Some(program.clone()),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("CI is set, so pre-commit must run, but {why}")
        }
        Err(why) => {
            eprintln!(
                "skipping: no pre-commit {PRE_COMMIT_VERSION} in {} ({why}); with CI set, this is a failure",
                venv().display()
            );
            None
        }
    }
}

/// An environment shared by git, pre-commit and the hooks: a fixed identity, no user or system
/// git configuration (a global `core.hooksPath` would make `pre-commit install` refuse), a
/// private pre-commit home, and the shared cargo target directory.
struct Env {
    _tmp: tempfile::TempDir,
    home: PathBuf,
}

impl Env {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().to_owned();
        fs::write(home.join("gitconfig"), "[init]\n\tdefaultBranch = main\n").unwrap();
        Self { _tmp: tmp, home }
    }

    fn command(&self, program: &str, dir: &Path) -> Command {
        let mut c = Command::new(program);
        c.current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", self.home.join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "gen-tf test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "gen-tf test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .env("PRE_COMMIT_HOME", self.home.join("pre-commit"))
            .env("PRE_COMMIT_COLOR", "never")
            .env("NO_COLOR", "1")
            .env_remove("GEN_TF_CACHE_DIR")
            .env("XDG_CACHE_HOME", self.home.join("xdg-cache"))
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit-target"),
            )
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256");
        c
    }

    fn run(&self, program: &str, dir: &Path, args: &[&str]) -> Output {
        self.command(program, dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"))
    }

    #[track_caller]
    fn ok(&self, program: &str, dir: &Path, args: &[&str]) -> String {
        let o = self.run(program, dir, args);
        assert!(
            o.status.success(),
            "{program} {args:?} failed:\n{}",
            text(&o)
        );
        text(&o)
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        self.ok("git", dir, args)
    }

    fn gen_tf(&self, dir: &Path, args: &[&str]) -> Output {
        self.run(env!("CARGO_BIN_EXE_gen-tf"), dir, args)
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A git repository holding this crate's sources and its `.pre-commit-hooks.yaml`, as users
/// would point `repo:` at. Returns its path and HEAD commit.
fn hooks_repo(env: &Env, into: &Path) -> (PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = into.join("gen-tf-hooks");
    fs::create_dir_all(&repo).unwrap();
    for f in ["Cargo.toml", "Cargo.lock", ".pre-commit-hooks.yaml"] {
        fs::copy(root.join(f), repo.join(f)).unwrap();
    }
    for d in ["src", "schemas", "prices"] {
        copy_dir(&root.join(d), &repo.join(d));
    }
    env.git(&repo, &["init", "--quiet"]);
    env.git(&repo, &["add", "-A"]);
    env.git(&repo, &["commit", "--quiet", "-m", "gen-tf"]);
    let sha = env.git(&repo, &["rev-parse", "HEAD"]).trim().to_owned();
    (repo, sha)
}

const HAND_WRITTEN: &str = "# Written by a person: gen-tf must never touch this.\nlocals {}\n";

/// Three stacks, two environments, a two-level import, a hand-written `.tf` file in the output,
/// built and committed.
fn work_repo(env: &Env, into: &Path) -> PathBuf {
    let dir = into.join("infra");
    write(
        &dir,
        "gen-tf.toml",
        "stacks = [\"stacks\"]\nout = \"modules\"\njpath = [\"lib\"]\n[environments.dev]\n[environments.prd]\n",
    );
    write(
        &dir,
        "lib/sizes.libsonnet",
        "{ small: { cpu: 256, memory: 512 } }\n",
    );
    write(
        &dir,
        "lib/common.libsonnet",
        "local sizes = import 'sizes.libsonnet';\n{ service: sizes.small { port: 8080 } }\n",
    );
    for name in ["alpha", "beta", "gamma"] {
        write(
            &dir,
            &format!("stacks/{name}.jsonnet"),
            &format!(
                "local c = import 'common.libsonnet';\n\
                 {{ name: '{name}', tags: {{ env: std.extVar('ENV') }}, services: {{ api: c.service }} }}\n"
            ),
        );
    }
    write(&dir, "modules/prd/alpha/local.tf", HAND_WRITTEN);
    env.git(&dir, &["init", "--quiet"]);
    let o = env.gen_tf(&dir, &["build"]);
    assert!(o.status.success(), "{}", text(&o));
    env.git(&dir, &["add", "-A"]);
    env.git(&dir, &["commit", "--quiet", "-m", "stacks and modules"]);
    dir
}

fn hand_written_survives(dir: &Path) {
    assert_eq!(
        fs::read_to_string(dir.join("modules/prd/alpha/local.tf")).unwrap(),
        HAND_WRITTEN
    );
}

/// `.pre-commit-config.yaml` naming `hooks` of the hooks repository at `rev`.
fn config(hooks_repo: &Path, rev: &str, hooks: &[&str]) -> String {
    let ids: String = hooks.iter().map(|h| format!("      - id: {h}\n")).collect();
    format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n{ids}",
        hooks_repo.display()
    )
}

/// Every Rust-built (`language: rust`) hook in one pre-commit home, so that pre-commit builds
/// gen-tf with `cargo install` once for the whole file (`try-repo` would build it again on every
/// call, in a fresh home each time). Check passes on a tree in sync and fails with a diff on a
/// stale one without writing; with the hooks installed in `.git/hooks`, a commit is blocked
/// while the tree is stale (build regenerates it and fails until the result is staged, as the
/// terraform fmt hook does) and goes through once the rebuilt modules are staged.
#[test]
fn rust_hooks_check_build_and_block_a_stale_commit() {
    let Some(pre_commit) = pre_commit_program() else {
        return;
    };
    let pre_commit = pre_commit.as_str();
    let env = Env::new();
    let tmp = tempfile::tempdir().unwrap();
    let (hooks, sha) = hooks_repo(&env, tmp.path());
    let dir = work_repo(&env, tmp.path());
    write(
        &dir,
        ".pre-commit-config.yaml",
        &config(&hooks, &sha, &["gen-tf-check", "gen-tf-build"]),
    );
    env.ok(pre_commit, &dir, &["install"]);
    env.git(&dir, &["add", "-A"]);
    env.git(&dir, &["commit", "--quiet", "-m", "pre-commit config"]);
    let head = env.git(&dir, &["rev-parse", "HEAD"]);
    let run = |args: &[&str]| env.run(pre_commit, &dir, &[&["run"], args].concat());

    // In sync: both hooks pass (and pre-commit builds gen-tf here, the one time).
    let o = run(&["--all-files", "--verbose"]);
    assert!(o.status.success(), "in sync:\n{}", text(&o));
    assert!(text(&o).contains("gen-tf check"), "{}", text(&o));
    assert!(text(&o).contains("gen-tf build"), "{}", text(&o));

    // Stage an edit two imports deep: every module is now stale.
    write(
        &dir,
        "lib/sizes.libsonnet",
        "{ small: { cpu: 256, memory: 1024 } }\n",
    );
    env.git(&dir, &["add", "-A"]);
    let o = run(&["gen-tf-check", "--all-files", "--verbose"]);
    assert_eq!(o.status.code(), Some(1), "stale:\n{}", text(&o));
    let out = text(&o);
    assert!(out.contains("Failed"), "{out}");
    assert!(
        out.contains("+  memory                   = \"1024\""),
        "a diff:\n{out}"
    );
    assert!(
        out.contains("stale: modules/dev/alpha/api.tf"),
        "a list of files:\n{out}"
    );
    assert_eq!(
        env.git(&dir, &["status", "--porcelain", "--", "modules"]),
        "",
        "check wrote"
    );

    // The installed hooks block the commit: check shows the diff, build rewrites the modules.
    let o = env.run("git", &dir, &["commit", "-m", "bigger tasks"]);
    assert!(
        !o.status.success(),
        "the hook must block a stale commit:\n{}",
        text(&o)
    );
    assert!(
        text(&o).contains("+  memory                   = \"1024\""),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("written: modules/prd/gamma/api.tf"),
        "{}",
        text(&o)
    );
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD"]),
        head,
        "nothing was committed"
    );
    assert!(
        env.git(&dir, &["status", "--porcelain", "--", "modules"])
            .contains("modules/dev/alpha/api.tf"),
        "build wrote the modules"
    );

    // The rebuilt modules staged, the commit goes through: nothing left to change.
    env.git(&dir, &["add", "-A"]);
    let out = env.git(&dir, &["commit", "-m", "bigger tasks, rebuilt"]);
    assert!(
        out.contains("gen-tf check") && out.contains("gen-tf build") && out.contains("Passed"),
        "{out}"
    );
    assert!(!out.contains("Failed"), "{out}");
    assert_ne!(env.git(&dir, &["rev-parse", "HEAD"]), head);
    hand_written_survives(&dir);

    // One Rust environment, so one `cargo install`, for every run above.
    let rust_envs = walkdir::WalkDir::new(env.home.join("pre-commit"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("rustenv"))
        .count();
    assert_eq!(rust_envs, 1, "pre-commit built gen-tf once");
}

/// A directory holding only a link to the gen-tf this test suite built, to put on PATH as an
/// installed gen-tf would be.
fn installed_gen_tf(into: &Path) -> PathBuf {
    let bin = into.join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_gen-tf"), bin.join("gen-tf")).unwrap();
    bin
}

/// The `language: system` hooks, in one pre-commit home: nothing is compiled; without gen-tf
/// on PATH they fail and say so, with it they behave as the `language: rust` ones.
#[test]
fn system_hooks_run_the_installed_gen_tf() {
    let Some(pre_commit) = pre_commit_program() else {
        return;
    };
    let pre_commit = pre_commit.as_str();
    let env = Env::new();
    let tmp = tempfile::tempdir().unwrap();
    let (hooks, sha) = hooks_repo(&env, tmp.path());
    let dir = work_repo(&env, tmp.path());
    write(
        &dir,
        ".pre-commit-config.yaml",
        &config(
            &hooks,
            &sha,
            &["gen-tf-check-system", "gen-tf-build-system"],
        ),
    );
    env.git(&dir, &["add", "-A"]);
    env.git(&dir, &["commit", "--quiet", "-m", "pre-commit config"]);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path_without = std::env::split_paths(&path)
        .filter(|p| !p.join("gen-tf").exists())
        .collect::<Vec<_>>();
    let bin = installed_gen_tf(tmp.path());
    let path_with = std::env::join_paths(std::iter::once(bin).chain(path_without.clone())).unwrap();
    let path_without = std::env::join_paths(path_without).unwrap();
    let run = |hook: &str, path: &std::ffi::OsStr| {
        env.command(pre_commit, &dir)
            .env("PATH", path)
            .args(["run", hook, "--all-files", "--verbose"])
            .output()
            .unwrap()
    };

    let o = run("gen-tf-check-system", &path_without);
    assert_eq!(o.status.code(), Some(1), "no gen-tf on PATH:\n{}", text(&o));
    assert!(
        text(&o).contains("Executable `gen-tf` not found"),
        "{}",
        text(&o)
    );

    let o = run("gen-tf-check-system", &path_with);
    assert!(o.status.success(), "in sync:\n{}", text(&o));
    assert!(text(&o).contains("gen-tf check"), "{}", text(&o));
    // pre-commit made no Rust environment: it compiled nothing.
    let made_rust_env = walkdir::WalkDir::new(env.home.join("pre-commit"))
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("rustenv"));
    assert!(!made_rust_env, "a system hook must not build gen-tf");

    write(
        &dir,
        "lib/sizes.libsonnet",
        "{ small: { cpu: 256, memory: 1024 } }\n",
    );
    env.git(&dir, &["add", "-A"]);
    let o = run("gen-tf-check-system", &path_with);
    assert_eq!(o.status.code(), Some(1), "stale:\n{}", text(&o));
    assert!(
        text(&o).contains("+  memory                   = \"1024\""),
        "a diff:\n{}",
        text(&o)
    );

    let o = run("gen-tf-build-system", &path_with);
    assert_eq!(
        o.status.code(),
        Some(1),
        "build changed files:\n{}",
        text(&o)
    );
    env.git(&dir, &["add", "-A"]);
    let o = run("gen-tf-build-system", &path_with);
    assert!(o.status.success(), "nothing left to change:\n{}", text(&o));
    let o = run("gen-tf-check-system", &path_with);
    assert!(o.status.success(), "in sync again:\n{}", text(&o));
    hand_written_survives(&dir);
}

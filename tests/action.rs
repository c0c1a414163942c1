//! The GitHub Action (`action.yml`) through its script, `scripts/action.sh`, end to end: the
//! locally built gen-tf, a fake `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY` and `GITHUB_PATH`, and
//! real stacks and modules in a temporary directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const STACK: &str = "{ name: 'shop', services: { api: { cpu: 256, memory: 512 } } }\n";

struct Run {
    out: Output,
    github_output: String,
    summary: String,
    github_path: String,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
}

fn gen_tf() -> PathBuf {
    assert_cmd::cargo::cargo_bin("gen-tf")
}

/// PATH without any directory that holds a gen-tf, then `extra` first.
fn path_with(extra: Option<&Path>) -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).filter(|p| !p.join("gen-tf").exists());
    std::env::join_paths(extra.map(Path::to_path_buf).into_iter().chain(dirs)).unwrap()
}

/// Runs the action's script in `dir` with `inputs` (`INPUT_*` variables, as action.yml sets
/// them) and the given PATH.
fn action(dir: &Path, inputs: &[(&str, &str)], path: &std::ffi::OsStr) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action.sh");
    let gh = dir.join("github");
    fs::create_dir_all(&gh).unwrap();
    for f in ["output", "summary", "path"] {
        fs::write(gh.join(f), "").unwrap();
    }
    let mut c = Command::new("bash");
    c.arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("RUNNER_TEMP", dir.join("runner-temp"))
        .env("GITHUB_OUTPUT", gh.join("output"))
        .env("GITHUB_STEP_SUMMARY", gh.join("summary"))
        .env("GITHUB_PATH", gh.join("path"));
    for (k, v) in inputs {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let read = |f: &str| fs::read_to_string(gh.join(f)).unwrap();
    Run {
        out,
        github_output: read("output"),
        summary: read("summary"),
        github_path: read("path"),
    }
}

/// A stack and its module, built and in sync.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("stacks")).unwrap();
    fs::write(dir.path().join("stacks/shop.jsonnet"), STACK).unwrap();
    let o = Command::new(gen_tf())
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .args(["build", "stacks", "-o", "modules"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    dir
}

#[test]
fn a_stale_module_fails_with_an_annotation() {
    let dir = project();
    let bin = gen_tf();
    let inputs = [
        ("INPUT_GEN_TF", bin.to_str().unwrap()),
        ("INPUT_PATHS", "stacks"),
        ("INPUT_ARGS", "-o modules"),
    ];
    let run = action(dir.path(), &inputs, &path_with(None));
    assert_eq!(run.code(), Some(0), "in sync:\n{}", run.stdout());
    assert!(
        run.github_output.contains("exit-code=0\n"),
        "{}",
        run.github_output
    );
    assert!(
        run.summary.contains("### gen-tf check passed"),
        "{}",
        run.summary
    );

    // The stack changes and the module is not rebuilt.
    fs::write(
        dir.path().join("stacks/shop.jsonnet"),
        STACK.replace("512", "1024"),
    )
    .unwrap();
    let run = action(dir.path(), &inputs, &path_with(None));
    let stdout = run.stdout();
    assert_eq!(run.code(), Some(1), "stale:\n{stdout}");
    assert!(
        stdout.contains(
            "::error file=modules/shop/api.tf,title=out-of-date::modules/shop/api.tf is stale"
        ),
        "{stdout}"
    );
    // The diff is in the log too.
    assert!(stdout.contains("+  memory"), "{stdout}");
    assert!(
        run.github_output.contains("exit-code=1\n"),
        "{}",
        run.github_output
    );
    // One annotation per out-of-date file (the service's file and the module README).
    let files = stdout
        .lines()
        .filter(|l| l.starts_with("  stale: "))
        .count();
    assert!(files >= 1, "{stdout}");
    assert!(
        run.github_output.contains(&format!("errors={files}\n")),
        "{}",
        run.github_output
    );
    assert!(
        run.summary.contains("### gen-tf check found problems"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("stale: modules/shop/api.tf"),
        "{}",
        run.summary
    );
    assert_eq!(run.github_path, "", "nothing was installed");
}

#[test]
fn validate_annotates_each_diagnostic_at_its_field() {
    let dir = project();
    fs::write(
        dir.path().join("stacks/shop.jsonnet"),
        "{\n  name: 'shop',\n  services: { api: { cpu: 256, memory: 4096 } },\n}\n",
    )
    .unwrap();
    let bin = gen_tf();
    let run = action(
        dir.path(),
        &[
            ("INPUT_GEN_TF", bin.to_str().unwrap()),
            ("INPUT_COMMAND", "validate"),
            ("INPUT_PATHS", "stacks"),
        ],
        &path_with(None),
    );
    let stdout = run.stdout();
    assert_eq!(run.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error file=stacks/shop.jsonnet,line=3,col=22,title=fargate-size::"),
        "{stdout}"
    );
    assert!(run.github_output.contains("exit-code=1\n"));
}

#[test]
fn the_gen_tf_on_path_is_used() {
    let dir = project();
    let bin_dir = dir.path().join("bin");
    fs::create_dir_all(&bin_dir).unwrap();
    std::os::unix::fs::symlink(gen_tf(), bin_dir.join("gen-tf")).unwrap();
    let run = action(
        dir.path(),
        &[("INPUT_PATHS", "stacks"), ("INPUT_ARGS", "-o modules")],
        &path_with(Some(&bin_dir)),
    );
    assert_eq!(run.code(), Some(0), "{}", run.stdout());
    assert!(
        run.stdout()
            .contains(&format!("({})", bin_dir.join("gen-tf").display())),
        "{}",
        run.stdout()
    );
}

/// Without a gen-tf, the script fetches the release's shell installer for the version and runs
/// it with `GEN_TF_UNMANAGED_INSTALL`. The network is not reachable here, so `curl` is a stand-in
/// that records the URL and serves an installer that copies the locally built gen-tf where the
/// real one would put it.
#[test]
fn without_gen_tf_the_release_installer_runs() {
    let dir = project();
    let fake = dir.path().join("fake-bin");
    fs::create_dir_all(&fake).unwrap();
    let curl = fake.join("curl");
    fs::write(
        &curl,
        format!(
            "#!/bin/sh\nfor a; do url=\"$a\"; done\necho \"$url\" > '{}'\n\
             printf '%s\\n' 'cp {} \"$GEN_TF_UNMANAGED_INSTALL/gen-tf\"'\n",
            dir.path().join("curl-url").display(),
            gen_tf().display()
        ),
    )
    .unwrap();
    fs::set_permissions(&curl, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let run = action(
        dir.path(),
        &[
            ("INPUT_VERSION", "0.1.0"),
            ("INPUT_PATHS", "stacks"),
            ("INPUT_ARGS", "-o modules"),
            ("GEN_TF_RELEASES_URL", "https://example.invalid/releases"),
        ],
        &path_with(Some(&fake)),
    );
    assert_eq!(run.code(), Some(0), "{}", run.stdout());
    assert_eq!(
        fs::read_to_string(dir.path().join("curl-url")).unwrap(),
        "https://example.invalid/releases/download/v0.1.0/gen-tf-installer.sh\n"
    );
    let installed = dir.path().join("runner-temp/gen-tf-0.1.0");
    assert!(installed.join("gen-tf").is_file());
    assert_eq!(run.github_path, format!("{}\n", installed.display()));
    assert!(
        run.github_output.contains("version=gen-tf "),
        "{}",
        run.github_output
    );
}

#[test]
fn a_wrong_command_is_a_usage_failure() {
    let dir = project();
    let bin = gen_tf();
    let run = action(
        dir.path(),
        &[
            ("INPUT_GEN_TF", bin.to_str().unwrap()),
            ("INPUT_COMMAND", "build"),
        ],
        &path_with(None),
    );
    assert_eq!(run.code(), Some(2), "{}", run.stdout());
    assert!(run
        .stdout()
        .starts_with("::error title=gen-tf action::command must be check, validate or diff"));
    assert!(run.github_output.contains("exit-code=2\n"));
}

/// action.yml passes every input the script reads, and runs the script.
#[test]
fn action_yml_wires_the_script() {
    let yml = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&yml).unwrap();
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));
    let step = &doc["runs"]["steps"][0];
    assert!(step["run"]
        .as_str()
        .unwrap()
        .contains("$GITHUB_ACTION_PATH/scripts/action.sh"));
    for (input, var) in [
        ("version", "INPUT_VERSION"),
        ("command", "INPUT_COMMAND"),
        ("paths", "INPUT_PATHS"),
        ("args", "INPUT_ARGS"),
        ("message-format", "INPUT_MESSAGE_FORMAT"),
        ("gen-tf", "INPUT_GEN_TF"),
        ("working-directory", "INPUT_WORKING_DIRECTORY"),
    ] {
        assert!(doc["inputs"][input].is_mapping(), "input {input}");
        assert_eq!(
            step["env"][var].as_str(),
            Some(format!("${{{{ inputs.{input} }}}}").as_str()),
            "{var}"
        );
    }
    assert_eq!(
        doc["inputs"]["message-format"]["default"].as_str(),
        Some("github")
    );
}

/// README's Action snippet uses only inputs action.yml has, and its pre-commit snippet only
/// hooks `.pre-commit-hooks.yaml` ships.
#[test]
fn readme_snippets_match_what_ships() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let yml: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(root.join("action.yml")).unwrap()).unwrap();
    let hooks: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap())
            .unwrap();
    let blocks: Vec<serde_yaml::Value> = readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .filter_map(|b| serde_yaml::from_str(b).ok())
        .collect();
    let workflow = blocks
        .iter()
        .find(|b| !b["jobs"].is_null())
        .expect("a workflow snippet");
    let step = workflow["jobs"]["gen-tf"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("gen-tf/gen-tf@"))
        })
        .expect("a step that uses the action");
    for (key, _) in step["with"].as_mapping().unwrap() {
        let key = key.as_str().unwrap();
        assert!(yml["inputs"][key].is_mapping(), "README uses input {key}");
    }
    let ids: Vec<&str> = hooks
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "gen-tf-check",
            "gen-tf-build",
            "gen-tf-check-system",
            "gen-tf-build-system"
        ]
    );
    let config = blocks
        .iter()
        .find(|b| !b["repos"].is_null())
        .expect("a pre-commit snippet");
    for hook in config["repos"][0]["hooks"].as_sequence().unwrap() {
        let id = hook["id"].as_str().unwrap();
        assert!(ids.contains(&id), "README names hook {id}");
    }
}

/// action.yml runs the script in `working-directory`; annotations then name files from the
/// repository root, as GitHub resolves them.
#[test]
fn annotations_are_prefixed_with_the_working_directory() {
    let root = tempfile::tempdir().unwrap();
    let sub = root.path().join("infra/prod");
    fs::create_dir_all(sub.join("stacks")).unwrap();
    fs::write(
        sub.join("stacks/shop.jsonnet"),
        "{ name: 'shop', services: { api: { cpu: 256, memory: 4096 } } }\n",
    )
    .unwrap();
    let bin = gen_tf();
    let run = action(
        &sub,
        &[
            ("INPUT_GEN_TF", bin.to_str().unwrap()),
            ("INPUT_COMMAND", "validate"),
            ("INPUT_PATHS", "stacks"),
            ("INPUT_WORKING_DIRECTORY", "./infra/prod/"),
        ],
        &path_with(None),
    );
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    assert!(
        run.stdout()
            .contains("::error file=infra/prod/stacks/shop.jsonnet,line=1,col="),
        "{}",
        run.stdout()
    );
}

/// `command: diff` on a pull request: annotations in the log, the Markdown report in the step
/// summary, and one pull-request comment through the API (a fake `curl` that records each call
/// and answers the comment list), posted the first time and updated after.
#[test]
fn diff_writes_the_summary_and_posts_or_updates_one_comment() {
    let dir = project();
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "stacks"]);
    git(&["commit", "-q", "-m", "base"]);
    fs::write(
        dir.path().join("stacks/shop.jsonnet"),
        STACK.replace("512", "1024"),
    )
    .unwrap();
    // The fake API: GET lists the comments in $FAKE_COMMENTS; every call is logged with its body.
    let bin_dir = dir.path().join("fake-bin");
    fs::create_dir_all(&bin_dir).unwrap();
    let calls = dir.path().join("calls.log");
    let curl = format!(
        "#!/usr/bin/env bash\necho \"curl $*\" >>'{}'\nif [[ \" $* \" != *\" -X \"* ]]; then cat \"$FAKE_COMMENTS\"; fi\n",
        calls.display()
    );
    fs::write(bin_dir.join("curl"), curl).unwrap();
    let mut perms = fs::metadata(bin_dir.join("curl")).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(bin_dir.join("curl"), perms).unwrap();
    let event = dir.path().join("event.json");
    fs::write(&event, r#"{"pull_request": {"number": 7}}"#).unwrap();
    let comments = dir.path().join("comments.json");
    let bin = gen_tf();
    let run_with = |list: &str| {
        fs::write(&comments, list).unwrap();
        action(
            dir.path(),
            &[
                ("INPUT_GEN_TF", bin.to_str().unwrap()),
                ("INPUT_COMMAND", "diff"),
                ("INPUT_PATHS", "stacks"),
                ("INPUT_BASE", "HEAD"),
                ("INPUT_GITHUB_TOKEN", "fake-token"),
                ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
                ("GITHUB_REPOSITORY", "acme/infra"),
                ("GITHUB_API_URL", "http://api.invalid"),
                ("FAKE_COMMENTS", comments.to_str().unwrap()),
            ],
            &path_with(Some(&bin_dir)),
        )
    };
    let run = run_with("[]");
    let stdout = run.stdout();
    assert_eq!(run.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("::notice file=stacks/shop.jsonnet,line=1,title=gen-tf diff%3A shop service api::memory: 512 -> 1024"),
        "{stdout}"
    );
    assert!(
        run.summary.starts_with("### gen-tf diff\n"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("| shop | 1 replaced, 1 updated |"),
        "{}",
        run.summary
    );
    let log = fs::read_to_string(&calls).unwrap();
    assert!(
        log.contains("-X POST")
            && log.contains("http://api.invalid/repos/acme/infra/issues/7/comments"),
        "{log}"
    );
    assert!(log.contains("<!-- gen-tf diff -->"), "{log}");
    assert!(
        stdout.contains("posted the gen-tf diff comment on pull request #7"),
        "{stdout}"
    );

    // A rerun finds its comment by the marker and updates it.
    fs::remove_file(&calls).unwrap();
    let run =
        run_with(r#"[{"id": 1, "body": "LGTM"}, {"id": 42, "body": "<!-- gen-tf diff -->\nold"}]"#);
    assert_eq!(run.code(), Some(0), "{}", run.stdout());
    let log = fs::read_to_string(&calls).unwrap();
    assert!(
        log.contains("-X PATCH") && log.contains("/repos/acme/infra/issues/comments/42"),
        "{log}"
    );
    assert!(!log.contains("-X POST"), "{log}");
}

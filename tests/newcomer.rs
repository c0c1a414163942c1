//! What a newcomer meets first, run with the real binary: `-V` wherever it stands, shell
//! completion driven through each shell's own completion machinery, `check`'s findings as JSON,
//! and the messages of `init` and `--deny-warnings` (issue 25).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The real binary, run in `dir` with its cache under it and without color.
fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join("cache"));
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text).unwrap();
    p
}

/// A stack that reads `ENV`, as the README's stacks do.
const ENV_STACK: &str =
    "{ name: 'shop', services: { api: { cpu: 256, memory: 512, image: 'nginx:' + std.extVar('ENV') } } }";

/// A tree whose built modules are then made stale by hand.
fn stale_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "stacks/shop.jsonnet", ENV_STACK);
    let out = gen_tf(dir.path())
        .args(["build", "stacks", "-V", "ENV=prd", "-o", "modules"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let main = dir.path().join("modules/shop/api.tf");
    let mut tf = fs::read_to_string(&main).unwrap();
    tf.push_str("# edited by hand\n");
    fs::write(&main, tf).unwrap();
    dir
}

#[test]
fn ext_str_before_or_after_the_command_checks_the_stale_tree() {
    let dir = stale_tree();
    for args in [
        &["-V", "ENV=prd", "check", "stacks", "-o", "modules"][..],
        &["check", "stacks", "-V", "ENV=prd", "-o", "modules"][..],
        &["--ext-str", "ENV=prd", "check", "stacks", "-o", "modules"][..],
    ] {
        let out = gen_tf(dir.path()).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("stale: modules/shop/api.tf"),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
    }
    // Before and after the command, the later `-V` of a key wins, as in the jsonnet CLI: here
    // ENV=dev makes a different module, so the tree is stale either way, but both keys arrive.
    let out = gen_tf(dir.path())
        .args(["-V", "ENV=dev", "validate", "stacks", "-V", "X=1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = gen_tf(dir.path())
        .args(["-V", "X=1", "validate", "stacks"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "ENV is unset: {}",
        text(&out.stderr)
    );
}

#[test]
fn version_has_no_short_flag_and_ext_str_never_passes_silently() {
    let dir = tempfile::tempdir().unwrap();
    let out = gen_tf(dir.path()).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        format!("gen-tf {}\n", env!("CARGO_PKG_VERSION"))
    );
    // `-V` alone is `--ext-str` without its value: a usage error, never a version and exit 0.
    let out = gen_tf(dir.path()).arg("-V").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--ext-str <KEY=VALUE>"));
    // A command that reads no stacks says why `-V` is wrong for it.
    let out = gen_tf(dir.path())
        .args(["-V", "ENV=prd", "explain", "fargate-size"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "gen-tf: -V/--ext-str sets a Jsonnet variable, and `gen-tf explain` reads no stacks; \
         for the version, run `gen-tf --version`\n"
    );
    assert!(out.stdout.is_empty());
}

/// The completion script for `shell`, written to `dir`.
fn script(dir: &Path, shell: &str) -> PathBuf {
    let out = gen_tf(dir).args(["completions", shell]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    write(dir, &format!("gen-tf.{shell}"), &text(&out.stdout))
}

/// Whether `shell` is on PATH; outside CI a missing shell skips its part with a note, in CI
/// (which installs zsh and fish, see .ci/run) it fails.
fn have(shell: &str) -> bool {
    let found = std::process::Command::new(shell)
        .args(["-c", "exit 0"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{shell} is missing, and CI is set: CI tests the {shell} completion script"
        );
        eprintln!("note: {shell} not found; skipping its completion test");
    }
    found
}

/// What each shell offers for `line` (with the cursor at its end), one candidate a line. A
/// pseudo-terminal on a loaded machine can lose a keystroke (zsh runs in zpty), so a completion
/// that offers nothing is asked again, twice; a broken script offers nothing all three times.
fn candidates(dir: &Path, shell: &str, line: &str) -> Vec<String> {
    let mut offered = candidates_once(dir, shell, line);
    for _ in 0..2 {
        if !offered.is_empty() {
            break;
        }
        offered = candidates_once(dir, shell, line);
    }
    offered
}

fn candidates_once(dir: &Path, shell: &str, line: &str) -> Vec<String> {
    let file = script(dir, shell);
    let out: Output = match shell {
        "bash" => {
            let words: Vec<&str> = line.split(' ').collect();
            let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
            let cword = words.len() - 1;
            let prev = if cword > 0 { words[cword - 1] } else { "" };
            let program = format!(
                "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; COMP_LINE='{line}'; \
                 COMP_POINT=${{#COMP_LINE}}; _gen__tf gen-tf '{}' '{prev}'; \
                 printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                file.display(),
                quoted.join(" "),
                words[cword],
            );
            std::process::Command::new("bash")
                .args(["--norc", "-c", &program])
                .output()
                .unwrap()
        }
        "fish" => std::process::Command::new("fish")
            .args([
                "--no-config",
                "-c",
                &format!("source '{}'; complete -C '{line}'", file.display()),
            ])
            .output()
            .unwrap(),
        "zsh" => std::process::Command::new("timeout")
            .args(["60", "zsh", "-f"])
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/support/zsh_complete.zsh"
            ))
            .arg(&file)
            .arg(line)
            .output()
            .unwrap(),
        _ => unreachable!(),
    };
    let stdout = text(&out.stdout);
    let lines = stdout.lines().map(|l| l.trim_end_matches('\r'));
    match shell {
        // fish prints `candidate<TAB>description`.
        "fish" => lines
            .filter_map(|l| l.split('\t').next())
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        "zsh" => lines
            .filter_map(|l| l.strip_prefix("C:"))
            .map(str::to_owned)
            .collect(),
        _ => lines.filter(|l| !l.is_empty()).map(str::to_owned).collect(),
    }
}

#[test]
fn completion_offers_subcommand_flags_in_every_installed_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        if !have(shell) {
            continue;
        }
        let flags = candidates(dir.path(), shell, "gen-tf build --f");
        for want in ["--fail-on-change", "--format"] {
            assert!(
                flags.iter().any(|c| c == want),
                "{shell}: `gen-tf build --f<TAB>` offers {flags:?}, not {want}"
            );
        }
        let values = candidates(dir.path(), shell, "gen-tf check --message-format ");
        for want in ["human", "json", "github"] {
            assert!(
                values.iter().any(|c| c == want),
                "{shell}: `--message-format <TAB>` offers {values:?}"
            );
        }
        let top = candidates(dir.path(), shell, "gen-tf ");
        assert!(
            top.iter().any(|c| c == "build") && top.iter().any(|c| c == "rightsize"),
            "{shell}: `gen-tf <TAB>` offers {top:?}"
        );
        assert!(
            !top.iter().any(|c| c.contains("evaluate")),
            "{shell}: the internal evaluator is offered: {top:?}"
        );
    }
}

#[test]
fn every_completion_script_hides_the_internal_evaluator() {
    // Elvish and PowerShell are not driven here (neither shell is on the machine); their
    // scripts are still generated, and must not name the internal command.
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        let body = fs::read_to_string(script(dir.path(), shell)).unwrap();
        assert!(body.contains("rightsize"), "{shell}");
        assert!(!body.contains("__evaluate"), "{shell}");
        assert!(!body.contains("gen__subcmd__tf"), "{shell}");
    }
}

#[test]
fn check_reports_every_finding_as_a_json_record() {
    let dir = stale_tree();
    write(
        dir.path(),
        "stacks/gone.jsonnet",
        "{ name: 'gone', services: { w: { cpu: 256, memory: 512 } } }",
    );
    let out = gen_tf(dir.path())
        .args(["build", "stacks", "-V", "ENV=prd", "-o", "modules"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Stale (edited), missing (deleted) and extra (its stack is gone).
    let api = dir.path().join("modules/shop/api.tf");
    fs::write(&api, fs::read_to_string(&api).unwrap() + "# edited\n").unwrap();
    fs::remove_file(dir.path().join("modules/shop/outputs.tf")).unwrap();
    fs::remove_file(dir.path().join("stacks/gone.jsonnet")).unwrap();
    let out = gen_tf(dir.path())
        .args(["check", "stacks", "-V", "ENV=prd", "-o", "modules"])
        .args(["--message-format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "the diff is in the records");
    let stderr = text(&out.stderr);
    let records: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut seen: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            assert_eq!(r["code"], "out-of-date");
            assert_eq!(r["severity"], "error");
            assert_eq!(r["help"], "run `gen-tf build` and commit the result");
            let (file, state) = (r["file"].as_str().unwrap(), r["state"].as_str().unwrap());
            assert_eq!(r["message"], format!("{file} is {state}"));
            assert!(r["diff"]
                .as_str()
                .unwrap()
                .starts_with(&format!("--- {file}")));
            (state.to_owned(), file.to_owned())
        })
        .collect();
    seen.sort();
    let gone: Vec<&(String, String)> = seen.iter().filter(|(s, _)| s == "extra").collect();
    assert!(!gone.is_empty() && gone.iter().all(|(_, f)| f.starts_with("modules/gone/")));
    let rest: Vec<&(String, String)> = seen.iter().filter(|(s, _)| s != "extra").collect();
    assert_eq!(
        rest,
        [
            &("missing".to_owned(), "modules/shop/outputs.tf".to_owned()),
            &("stale".to_owned(), "modules/shop/api.tf".to_owned()),
        ]
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|l| !l.starts_with('{'))
            .collect::<Vec<_>>(),
        [format!("gen-tf: {} file(s) out of date", seen.len())]
    );
}

#[test]
fn deny_warnings_says_why_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    let stack = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validate/warn_spot_interruption.jsonnet"
    );
    let out = gen_tf(dir.path())
        .args(["validate", stack])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("--deny-warnings"));
    let out = gen_tf(dir.path())
        .args(["validate", "--deny-warnings", stack])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("warning[spot-interruption]"), "{stderr}");
    assert!(
        stderr.ends_with(
            "gen-tf: failing on 1 warning(s): --deny-warnings treats warnings as errors\n"
        ),
        "{stderr}"
    );
}

#[test]
fn init_names_its_directory_and_says_git_init_outside_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let out = gen_tf(dir.path()).args(["init", "proj"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let abs = dir.path().canonicalize().unwrap().join("proj");
    let stderr = text(&out.stderr);
    let tail: Vec<&str> = stderr.lines().skip(3).collect();
    // The temporary directory may sit inside no git repository (as on CI) or, on a laptop,
    // inside one: say `git init` exactly when none holds it.
    let outside = !abs.ancestors().any(|a| a.join(".git").exists());
    let git = if outside {
        "`git init` (pre-commit needs a git repository), then "
    } else {
        ""
    };
    assert_eq!(
        tail,
        [
            format!("gen-tf: 3 file(s) created in {}", abs.display()),
            format!("Next: `cd proj`, then {git}`gen-tf build`, then `pre-commit install`."),
        ]
    );
    // Inside a repository, from the directory itself: neither `cd` nor `git init`.
    fs::create_dir(abs.join(".git")).unwrap();
    fs::remove_file(abs.join("gen-tf.toml")).unwrap();
    let out = gen_tf(&abs).arg("init").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).ends_with(&format!(
            "gen-tf: 1 file(s) created in {}\nNext: `gen-tf build`, then `pre-commit install`.\n",
            abs.display()
        )),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_error_in_a_shared_library_prints_once_naming_its_stacks() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "s/lib.libsonnet",
        "{ svc(cpu):: { cpu: cpu, memory: 512 } + error 'shared mistake' }\n",
    );
    for n in ["a", "b", "c"] {
        write(
            dir.path(),
            &format!("s/{n}.jsonnet"),
            &format!(
                "local l = import 'lib.libsonnet';\n{{ name: '{n}', services: {{ api: l.svc(256) }} }}\n"
            ),
        );
    }
    let out = gen_tf(dir.path()).args(["validate", "s"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("shared mistake").count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error[load]: s/lib.libsonnet:1:42: runtime error: shared mistake\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  = note: in every stack that imports it: s/a.jsonnet, s/b.jsonnet, s/c.jsonnet\n"
        ),
        "{stderr}"
    );
    let out = gen_tf(dir.path())
        .args(["validate", "s", "--message-format", "json"])
        .output()
        .unwrap();
    let records: Vec<serde_json::Value> = text(&out.stderr)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 1, "{}", text(&out.stderr));
    assert_eq!(records[0]["file"], "s/lib.libsonnet");
    assert_eq!(
        records[0]["stacks"],
        serde_json::json!(["s/a.jsonnet", "s/b.jsonnet", "s/c.jsonnet"])
    );
}

#[test]
fn init_pins_the_hooks_at_its_own_version_tag_or_the_given_rev() {
    let dir = tempfile::tempdir().unwrap();
    let url = "https://example.invalid/gen-tf";
    let out = gen_tf(dir.path())
        .args(["init", "a", "--hooks-repo", url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tag = concat!("v", env!("CARGO_PKG_VERSION"));
    let config = fs::read_to_string(dir.path().join("a/.pre-commit-config.yaml")).unwrap();
    assert!(
        config.contains(&format!("  - repo: {url}\n    rev: {tag}\n")),
        "{config}"
    );
    assert!(config.contains("`rev` must be a tag (or commit) that exists in the repository"));
    assert!(config.contains("`gen-tf init --hooks-rev REV`"));
    assert!(
        text(&out.stderr).ends_with(&format!(
            "note: .pre-commit-config.yaml pins {url} at `{tag}`; pre-commit fails unless that \
             repository has this tag or commit (pin another with --hooks-rev REV)\n"
        )),
        "{}",
        text(&out.stderr)
    );
    let out = gen_tf(dir.path())
        .args(["init", "b", "--hooks-repo", url, "--hooks-rev", "0123abc"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = fs::read_to_string(dir.path().join("b/.pre-commit-config.yaml")).unwrap();
    assert!(config.contains("    rev: 0123abc\n"), "{config}");
    // Without a repository there is nothing to pin: the flag says so instead of being ignored.
    let out = gen_tf(dir.path())
        .args(["init", "c", "--hooks-rev", "0123abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--hooks-repo <URL>"),
        "{}",
        text(&out.stderr)
    );
}

/// The rightsize fixture's four `api` files, copied to `dir` without the datapoints at the
/// `drop` hours (counted from the first).
fn metrics_with_gaps(dir: &Path, drop: &[usize]) -> Vec<String> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rightsize");
    ["cpu", "cpu-p95", "memory", "memory-p95"]
        .iter()
        .map(|m| {
            let name = format!("api.{m}.json");
            let mut v: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(fixtures.join(&name)).unwrap()).unwrap();
            let points = v["Datapoints"].as_array_mut().unwrap();
            points.sort_by(|a, b| a["Timestamp"].as_str().cmp(&b["Timestamp"].as_str()));
            assert_eq!(points.len(), 168, "{name}: a week of hours");
            let mut hour = 0;
            points.retain(|_| {
                hour += 1;
                !drop.contains(&(hour - 1))
            });
            write(dir, &name, &v.to_string()).display().to_string()
        })
        .collect()
}

fn rightsize(dir: &Path, files: &[String], extra: &[&str]) -> Output {
    gen_tf(dir)
        .arg("rightsize")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/rightsize/stacks/shop.jsonnet"
        ))
        .args(["-V", "ENV=prd"])
        .args(extra)
        .arg("--metrics")
        .args(files)
        .output()
        .unwrap()
}

#[test]
fn rightsize_accepts_a_missing_hour_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    // 167 of 168 hours: the first one missing, so the data spans 6 days 23 hours.
    let files = metrics_with_gaps(dir.path(), &[0]);
    let out = rightsize(dir.path(), &files, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let human = text(&out.stdout);
    assert!(
        human.starts_with(
            "shop (prd) / api (ECS service api): 6 days 23 hours of datapoints, \
             2026-11-24T01:00Z to 2026-12-01T00:00Z; 1 of 168 periods missing (0.6%), within \
             the 5% accepted\n"
        ),
        "{human}"
    );
    let out = rightsize(dir.path(), &files, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let window = &v["services"][0]["window"];
    assert_eq!(window["datapoints"], 167);
    assert_eq!(window["expected_datapoints"], 168);
    assert_eq!(window["missing_datapoints"], 1);
    // A gap in the middle counts the same.
    let files = metrics_with_gaps(dir.path(), &[80, 81, 82, 83, 84, 85, 86, 87]);
    let out = rightsize(dir.path(), &files, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("; 8 of 168 periods missing (4.8%), within the 5% accepted\n")
    );
}

#[test]
fn rightsize_refuses_more_than_5_percent_missing_with_a_portable_recipe() {
    let dir = tempfile::tempdir().unwrap();
    let files = metrics_with_gaps(dir.path(), &(0..9).collect::<Vec<_>>());
    let out = rightsize(dir.path(), &files, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "shop (prd) / api: no recommendation: the CpuUtilized datapoints span 6 days 15 hours \
         with 159 datapoints (9 of 168 periods missing (5.4%)); right-sizing needs 7 days, the \
         seed guide's window, with at most 5% of its periods missing: fetch the metrics again \
         with `aws cloudwatch get-metric-statistics --start-time` 7 days before --end-time (GNU \
         date: `date -u -d '7 days ago' +%Y-%m-%dT%H:%M:%S`; macOS and BSD: `date -u -v-7d \
         +%Y-%m-%dT%H:%M:%S`), once the service has run that long\n\n"
    );
}

#[test]
fn arn_forms_are_one_table_that_the_rule_and_explain_read() {
    let dir = tempfile::tempdir().unwrap();
    let explain = gen_tf(dir.path())
        .args(["explain", "arn-format"])
        .output()
        .unwrap();
    assert!(explain.status.success());
    let explain = text(&explain.stdout);
    let tg_form = "arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>";
    for form in [
        "  KMS key: arn:<partition>:kms:<region>:<account>:key/<key-id>\n",
        &format!("  target group: {tg_form}\n"),
        "  managed policy: arn:<partition>:iam::<account>:policy/<path>\n",
    ] {
        assert!(explain.contains(form), "{explain}");
    }
    // The ARN, without the target group's ID: refused with the form explain prints.
    let stack = write(
        dir.path(),
        "s.jsonnet",
        "{ name: 'shop', services: { api: { cpu: 256, memory: 512, load_balancer: { \
         target_group_arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/payments-api', \
         container_port: 8080 } } } }",
    );
    let out = gen_tf(dir.path())
        .arg("validate")
        .arg(&stack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error[arn-format]: \"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/payments-api\" \
             is not a target group ARN: the resource part `targetgroup/payments-api` is not targetgroup/<name>/<id>\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("write the full ARN, {tg_form}, for example")),
        "{stderr}"
    );
    // With its ID it passes.
    fs::write(
        &stack,
        fs::read_to_string(&stack)
            .unwrap()
            .replace("payments-api'", "payments-api/6d0ecf831eec9f09'"),
    )
    .unwrap();
    let out = gen_tf(dir.path())
        .arg("validate")
        .arg(&stack)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

//! How the real binary prints diagnostics: one message per mistake across environments, the
//! `file:line:col` place, and `--message-format github` with GitHub's escaping.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join("cache"));
    c
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// A project built for dev, stg and prd whose one stack has the same mistake in every
/// environment (memory_reservation above memory), and a Fargate size that is wrong in two
/// different ways: 4096 MiB in dev and stg, 8192 MiB in prd.
fn three_env_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("stacks")).unwrap();
    fs::write(
        dir.path().join("gen-tf.toml"),
        "stacks = [\"stacks\"]\n[environments.dev]\n[environments.stg]\n[environments.prd]\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("stacks/shop.jsonnet"),
        r#"local env = std.extVar('ENV');
{
  name: 'shop',
  services: {
    api: {
      cpu: 256,
      memory: if env == 'prd' then 8192 else 4096,
    },
    web: {
      cpu: 256, memory: 512,
      memory_reservation: 1024,
    },
  },
}
"#,
    )
    .unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = gen_tf(dir).args(args).output().unwrap();
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn one_message_per_mistake_across_environments() {
    let dir = three_env_project();
    let (code, human) = run(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    // The identical finding once, with every environment; the differing ones apart.
    assert_eq!(
        human.matches("error[memory-reservation").count(),
        1,
        "{human}"
    );
    assert!(
        human.contains("= note: in environments dev, prd, stg\n"),
        "{human}"
    );
    assert_eq!(human.matches("error[fargate-size]").count(), 2, "{human}");
    assert!(
        human.contains("= note: in environments dev, stg\n"),
        "{human}"
    );
    assert!(human.contains("= note: in environment prd\n"), "{human}");
    snapshot_settings().bind(|| insta::assert_snapshot!("messages_three_envs_human", human));

    let (code, json) = run(dir.path(), &["validate", "--message-format", "json"]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{json}");
    snapshot_settings().bind(|| insta::assert_snapshot!("messages_three_envs_json", json));

    let (code, github) = run(dir.path(), &["validate", "--message-format", "github"]);
    assert_eq!(code, 1);
    assert_eq!(github.lines().count(), 3, "{github}");
    assert!(github
        .lines()
        .all(|l| l.starts_with("::error file=stacks/shop.jsonnet,line=")));
    snapshot_settings().bind(|| insta::assert_snapshot!("messages_three_envs_github", github));
}

#[test]
fn one_environment_has_no_note() {
    let dir = three_env_project();
    let (code, human) = run(dir.path(), &["validate", "--env", "dev"]);
    assert_eq!(code, 1);
    assert!(!human.contains("note:"), "{human}");
    assert_eq!(human.matches("error[").count(), 2, "{human}");
}

#[test]
fn places_have_line_and_column() {
    let dir = three_env_project();
    let (_, human) = run(dir.path(), &["validate", "--env", "prd"]);
    // `cpu` of api is on line 6, after 6 spaces; `memory_reservation` of web on line 11.
    assert!(
        human.contains("--> stacks/shop.jsonnet:6:7: services.api.cpu\n"),
        "{human}"
    );
    assert!(
        human.contains("--> stacks/shop.jsonnet:11:7: services.web"),
        "{human}"
    );
}

#[test]
fn github_format_escapes_data_and_properties() {
    let dir = tempfile::tempdir().unwrap();
    // A file name with `%`, `,` and `:`, and a warning whose message has several lines.
    let name = "we%ird,na:me.jsonnet";
    fs::write(
        dir.path().join(name),
        "{\n  name: 'x',\n  services: { api: { cpu: 256, memory: 512, image: error '100% broken, really: yes' } },\n}\n",
    )
    .unwrap();
    let (code, out) = run(
        dir.path(),
        &["validate", name, "--message-format", "github"],
    );
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("::error file=we%25ird%2Cna%3Ame.jsonnet,line=3,col="),
        "{out}"
    );
    // In the message, `:` and `,` stay; `%` and the line breaks are escaped.
    assert!(out.contains("100%25 broken, really: yes%0A"), "{out}");
    snapshot_settings().bind(|| insta::assert_snapshot!("messages_github_escaping", out));
}

#[test]
fn github_format_marks_warnings() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("w.json"),
        r#"{
  "name": "w",
  "services": {
    "api": {
      "cpu": 256, "memory": 512,
      "capacity_provider_strategy": [{ "capacity_provider": "FARGATE_SPOT", "weight": 1 }]
    }
  }
}
"#,
    )
    .unwrap();
    let (code, out) = run(
        dir.path(),
        &["validate", "w.json", "--message-format", "github"],
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("::warning file=w.json,line=6,col="),
        "{out}"
    );
    let (code, _) = run(
        dir.path(),
        &[
            "validate",
            "w.json",
            "--message-format",
            "github",
            "--deny-warnings",
        ],
    );
    assert_eq!(code, 1);
    snapshot_settings().bind(|| insta::assert_snapshot!("messages_github_warning", out));
}

#[test]
fn a_load_error_in_every_environment_is_one_message() {
    let dir = three_env_project();
    fs::write(
        dir.path().join("stacks/broken.jsonnet"),
        "{ name: 'broken', services: { api: { cpu: 256 memory: 512 } } }\n",
    )
    .unwrap();
    let (code, human) = run(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    assert_eq!(human.matches("error[load]").count(), 1, "{human}");
    let load = &human[human.find("error[load]").unwrap()..];
    assert!(
        load.contains("= note: in environments dev, prd, stg\n"),
        "{human}"
    );
}

//! The stat index of warm `gen-tf check` (src/write/index.rs), with the real binary: a file whose
//! stamp changed is read and compared, never trusted on its stamp alone.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

const STACK: &str = "{ name: 'idx', services: { api: { cpu: 256, memory: 512 } } }";

fn gen_tf(dir: &Path, verb: &str) -> Command {
    let mut c = Command::cargo_bin("gen-tf").expect("binary is built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .args([
            verb,
            "stack.jsonnet",
            "-o",
            "out",
            "--no-project",
            "--cache-dir",
            "cache",
        ]);
    c
}

/// The stat index files in the cache, with their text.
fn indexes(dir: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(dir.join("cache"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("stat-"))
        .map(|e| (e.path().to_owned(), fs::read_to_string(e.path()).unwrap()))
        .collect()
}

#[test]
fn touched_and_same_size_edits_are_both_read_not_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("stack.jsonnet"), STACK).unwrap();
    gen_tf(dir, "build").assert().success();
    // A stamp is recorded only once the file's times are older than the margin (racy files).
    std::thread::sleep(Duration::from_millis(3500));
    gen_tf(dir, "check").assert().success();
    let recorded = indexes(dir);
    assert_eq!(recorded.len(), 1, "one index for the output root");
    assert!(
        recorded[0].1.contains("idx/api.tf"),
        "the compared files are recorded: {}",
        recorded[0].1
    );
    // Known from the index: still in sync.
    gen_tf(dir, "check").assert().success();

    // Touched without a change: the stamp differs, the file is read and is still in sync.
    let main = dir.join("out/idx/api.tf");
    let before = fs::metadata(&main).unwrap().modified().unwrap();
    let file = fs::File::options().write(true).open(&main).unwrap();
    file.set_modified(before + Duration::from_secs(7)).unwrap();
    drop(file);
    gen_tf(dir, "check").assert().success();

    // A same-size edit with the modification time put back: the change time still moved, so
    // the file is read, and the edit is drift.
    let old = fs::metadata(&main).unwrap().modified().unwrap();
    let text = fs::read_to_string(&main).unwrap();
    let at = text
        .find("aws_ecs_service")
        .expect("api.tf has the service");
    let edited = format!(
        "{}aws_ecs_servicf{}",
        &text[..at],
        &text[at + "aws_ecs_service".len()..]
    );
    assert_eq!(edited.len(), text.len());
    fs::write(&main, &edited).unwrap();
    let file = fs::File::options().write(true).open(&main).unwrap();
    file.set_modified(old).unwrap();
    drop(file);
    assert_eq!(fs::metadata(&main).unwrap().len(), text.len() as u64);
    assert_eq!(fs::metadata(&main).unwrap().modified().unwrap(), old);
    let out = gen_tf(dir, "check").assert().code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stale:"), "{stderr}");
    assert!(stderr.contains("idx/api.tf"), "{stderr}");

    // `build` puts it back, and check agrees.
    gen_tf(dir, "build").assert().success();
    gen_tf(dir, "check").assert().success();
}

#[test]
fn no_cache_keeps_no_index() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("stack.jsonnet"), STACK).unwrap();
    for verb in ["build", "check"] {
        Command::cargo_bin("gen-tf")
            .expect("binary is built")
            .current_dir(dir)
            .env("XDG_CACHE_HOME", dir.join("xdg"))
            .env_remove("GEN_TF_CACHE_DIR")
            .args([
                verb,
                "stack.jsonnet",
                "-o",
                "out",
                "--no-project",
                "--no-cache",
            ])
            .assert()
            .success();
    }
    assert!(!dir.join("xdg").exists());
    assert!(!dir.join("cache").exists());
}

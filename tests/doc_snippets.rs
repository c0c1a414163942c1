//! The commands and outputs that README.md, ARCHITECTURE.md and docs/ show, run with the real
//! binary (issue 25): a snippet that drifts from what gen-tf does fails here.
//!
//! A fenced block is run when the line before it is a directive, an HTML comment that Markdown
//! renders as nothing:
//!
//! - `<!-- doctest: write PATH -->`: the block is written to PATH in the file's scratch
//!   directory (one per Markdown file, `work/` in a temporary directory).
//! - `<!-- doctest: run -->`: each line of the block that starts with `gen-tf` (a trailing
//!   `# comment` dropped) is run there with `sh -c`, the built binary first on PATH, and must exit
//!   0. Other lines (`pre-commit install`, `gh ...`) are not run.
//! - `<!-- doctest: output [exit=N] [cwd=repo] COMMAND -->`: COMMAND's stdout and stderr
//!   together must be the block, line for line (trailing spaces ignored), and its exit code N
//!   (default 0). `cwd=repo` runs it in the repository root instead.
//! - `<!-- doctest: skip REASON -->`: the block's commands are not run, for the reason given.
//!
//! Directives on lines of their own change the scratch directory between blocks:
//! `<!-- doctest: replace PATH OLD => NEW -->` (OLD must occur), `<!-- doctest: link NAME -->`
//! (NAME of the repository, symlinked in), `<!-- doctest: copy FROM TO -->`.
//!
//! Every block with a `gen-tf` command line must carry `run`, `output` or `skip`, so that a new
//! snippet cannot go untested unnoticed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn documents() -> Vec<PathBuf> {
    let mut out = vec![repo().join("README.md"), repo().join("ARCHITECTURE.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

/// `sh -c command` in `dir` with the built gen-tf first on PATH: (exit code, stdout + stderr).
fn shell(dir: &Path, command: &str) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_gen-tf")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("GEN_TF_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn normalize(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end().to_owned()
}

/// The directive of an HTML comment line: `doctest: ...` without its markers.
fn directive(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("<!-- doctest:")?
        .strip_suffix("-->")
        .map(str::trim)
}

/// Runs one Markdown file's snippets; returns every failure.
fn run_document(doc: &Path) -> Vec<String> {
    let text = fs::read_to_string(doc).unwrap();
    let name = doc.strip_prefix(repo()).unwrap().display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut failures = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if !line.starts_with("```") {
            if let Some(d) = directive(line) {
                let next_is_fence = lines.get(i + 1).is_some_and(|l| l.starts_with("```"));
                if !next_is_fence {
                    if let Err(e) = scratch_directive(d, &work) {
                        failures.push(format!("{name}:{}: {e}", i + 1));
                    }
                }
            }
            i += 1;
            continue;
        }
        let info = line.trim_start_matches('`').trim();
        let start = i + 1;
        let end = (start..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or(lines.len());
        let body = &lines[start..end];
        let at = format!("{name}:{start}");
        let before = i.checked_sub(1).and_then(|b| directive(lines[b]));
        let commands = matches!(info, "" | "sh" | "console" | "shell" | "bash")
            && body.iter().any(|l| {
                l.trim_start()
                    .trim_start_matches("$ ")
                    .starts_with("gen-tf ")
            });
        match before {
            Some(d) if d.starts_with("write ") => {
                let path = work.join(d["write ".len()..].trim());
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, body.join("\n") + "\n").unwrap();
            }
            Some("run") => {
                for l in body {
                    let command = l.split(" # ").next().unwrap().trim();
                    if !command.starts_with("gen-tf") {
                        continue;
                    }
                    let (code, out) = shell(&work, command);
                    if code != 0 {
                        failures.push(format!("{at}: `{command}` exited {code}:\n{out}"));
                    }
                }
            }
            Some(d) if d.starts_with("output ") => {
                let mut rest = d["output ".len()..].trim();
                let mut exit = 0;
                let mut dir = work.clone();
                loop {
                    if let Some(r) = rest.strip_prefix("exit=") {
                        let (n, r) = r.split_once(' ').unwrap();
                        exit = n.parse().unwrap();
                        rest = r.trim_start();
                    } else if let Some(r) = rest.strip_prefix("cwd=repo ") {
                        dir = repo().to_owned();
                        rest = r.trim_start();
                    } else {
                        break;
                    }
                }
                let (code, out) = shell(&dir, rest);
                let (want, got) = (normalize(&body.join("\n")), normalize(&out));
                if code != exit || want != got {
                    failures.push(format!(
                        "{at}: `{rest}` exited {code} (shown: {exit}) and printed:\n{got}\n--- the document shows:\n{want}"
                    ));
                }
            }
            Some(d) if d.starts_with("skip ") => {}
            _ if commands => failures.push(format!(
                "{at}: a block with gen-tf commands and no `<!-- doctest: run|output|skip REASON -->` before it"
            )),
            _ => {}
        }
        i = end + 1;
    }
    failures
}

fn scratch_directive(d: &str, work: &Path) -> Result<(), String> {
    if let Some(rest) = d.strip_prefix("replace ") {
        let (path, edit) = rest.split_once(' ').ok_or("replace PATH OLD => NEW")?;
        let (old, new) = edit.split_once(" => ").ok_or("replace PATH OLD => NEW")?;
        let file = work.join(path);
        let text = fs::read_to_string(&file).map_err(|e| format!("{path}: {e}"))?;
        if !text.contains(old) {
            return Err(format!("{path} does not contain {old:?}"));
        }
        fs::write(&file, text.replacen(old, new, 1)).unwrap();
    } else if let Some(name) = d.strip_prefix("link ") {
        std::os::unix::fs::symlink(repo().join(name.trim()), work.join(name.trim()))
            .map_err(|e| e.to_string())?;
    } else if let Some(rest) = d.strip_prefix("copy ") {
        let (from, to) = rest.split_once(' ').ok_or("copy FROM TO")?;
        let (from, to) = (work.join(from.trim()), work.join(to.trim()));
        fs::create_dir_all(&to).unwrap();
        for e in fs::read_dir(&from).map_err(|e| e.to_string())? {
            let e = e.unwrap();
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    } else {
        return Err(format!("unknown directive {d:?}"));
    }
    Ok(())
}

#[test]
fn every_command_and_output_in_the_documents_is_what_gen_tf_does() {
    let failures: Vec<String> = documents().iter().flat_map(|d| run_document(d)).collect();
    assert!(
        failures.is_empty(),
        "{} snippet(s) differ from the binary:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

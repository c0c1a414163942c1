//! The long-lived evaluator child (src/load/sandbox.rs), with the real binary: each worker
//! thread feeds its stacks to one child over a pipe, and a stack that blows the memory limit
//! still gets its clear error while the stacks after it still evaluate, in a fresh child.

use std::path::Path;
use std::time::Duration;

#[path = "hostile/run.rs"]
mod run;

use run::{gen_tf, run_limited, write, Limits, Run};

fn stack(name: &str, tags: &str) -> String {
    format!(
        "{{ name: '{name}', region: 'eu-west-1', services: {{ api: {{ cpu: 256, memory: 512, \
         tags: {{ {tags} }} }} }} }}\n"
    )
}

fn build(dir: &Path, stacks: &[&str]) -> Run {
    let mut c = gen_tf(dir);
    c.args([
        "build",
        "-o",
        "out",
        "--no-cache",
        "--no-project",
        "-j",
        "1",
    ])
    .args(["--memory-limit", "300MiB"])
    .args(stacks);
    run_limited(
        c,
        Limits {
            deadline: Duration::from_secs(120),
            address_space: 5 << 29,
            file_size: None,
        },
    )
}

#[test]
fn a_stack_over_the_limit_fails_alone_and_the_next_ones_still_evaluate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // In file order on one thread: two good stacks (one child serves both), the bomb (about
    // 400 MB of string, over the 300 MiB limit), then a stack whose error is only known after
    // evaluating it, and a good one.
    write(
        &dir.join("a.jsonnet"),
        &stack("first", "n: std.toString(1 + 1)"),
    );
    write(&dir.join("b.jsonnet"), &stack("second", "n: 'two'"));
    write(
        &dir.join("c.jsonnet"),
        &stack(
            "bomb",
            "n: std.toString(std.length(std.repeat('x', 400000000)))",
        ),
    );
    write(
        &dir.join("d.jsonnet"),
        "{ name: 'after', region: 'eu-west-1', services: { api: { cpu: 256, memory: 4096 } } }\n",
    );
    write(&dir.join("e.jsonnet"), &stack("last", "n: 'five'"));
    let r = build(
        dir,
        &[
            "a.jsonnet",
            "b.jsonnet",
            "c.jsonnet",
            "d.jsonnet",
            "e.jsonnet",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains("error[load]")
            && r.stderr.contains("c.jsonnet")
            && r.stderr.contains("memory limit of 300 MiB"),
        "{}",
        r.all()
    );
    // d.jsonnet was evaluated after the failure: its own rule reports it.
    let after: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("d.jsonnet"))
        .collect();
    assert!(!after.is_empty(), "{}", r.all());
    assert!(
        r.stderr
            .lines()
            .filter(|l| l.contains("error[load]"))
            .count()
            == 1,
        "only the bomb is a load error: {}",
        r.all()
    );
    for crash in ["panicked", "backtrace", "memory allocation of"] {
        assert!(!r.stderr.contains(crash), "{crash}: {}", r.all());
    }

    // Without the bomb and the bad stack, the same child order builds every module.
    let r = build(dir, &["a.jsonnet", "b.jsonnet", "e.jsonnet"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    for module in ["first", "second", "last"] {
        assert!(
            dir.join("out").join(module).join("api.tf").is_file(),
            "{module}"
        );
    }
}

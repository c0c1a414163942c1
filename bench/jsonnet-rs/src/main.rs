//! Evaluates every `*.jsonnet` stack in a directory with jsonnet-rs (libjsonnet 0.17, C++),
//! one VM per stack, in one thread: the same work as `bench/floor.rs` does with jrsonnet.

use std::path::PathBuf;

use jsonnet::JsonnetVm;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: jsonnet-rs-baseline DIR"));
    let mut stacks: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("a readable directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonnet"))
        .collect();
    stacks.sort();
    let mut bytes = 0;
    for stack in &stacks {
        let mut vm = JsonnetVm::new();
        let json = vm
            .evaluate_file(stack)
            .unwrap_or_else(|e| panic!("{}: {}", stack.display(), e.to_string()));
        bytes += json.len();
    }
    println!("{} stacks, {bytes} bytes of JSON", stacks.len());
}

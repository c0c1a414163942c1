//! The fast subset of the test suite (issue 22): `GEN_TF_FAST_TESTS=1 cargo test --locked` runs
//! everything except real Terraform (`tests/terraform.rs` and the Terraform half of
//! `tests/verify.rs`) and pre-commit (`tests/precommit.rs`), which then say that they were left
//! out instead of running. It wins over `CI`: it is asked for by name. `.ci/run` never sets it.

/// The variable that selects the fast subset.
pub const VAR: &str = "GEN_TF_FAST_TESTS";

/// Whether the fast subset leaves `what` out; says so on stderr when it does.
pub fn leaves_out(what: &str) -> bool {
    let fast = std::env::var_os(VAR).is_some_and(|v| v == "1");
    if fast {
        eprintln!("skipping {what}: {VAR}=1 runs the fast subset, which leaves it out");
    }
    fast
}

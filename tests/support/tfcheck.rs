//! Where `../shared/tools/tfcheck` is, for the tests that hold generated Terraform to
//! HashiCorp's parser, `terraform fmt` and the full AWS provider schema.
//!
//! Included with `#[path = "support/tfcheck.rs"] mod tfcheck;`.

use std::path::PathBuf;

/// The tfcheck directory (the `tfcheck` script and the provider schema it reads), or `None`
/// when this checkout has none: the calling test then skips its tfcheck part with a note. In CI
/// (the `CI` environment variable is set) a missing tfcheck is a failure, not a skip, so that a
/// CI run never passes without the check.
pub fn tfcheck_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tools/tfcheck"
    ));
    if dir.join("tfcheck").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing, and CI is set: CI must check the generated Terraform with it",
        dir.display()
    );
    eprintln!(
        "note: {} not found; skipping the tfcheck part of this test",
        dir.display()
    );
    None
}

//! The `private` fixture as another cluster (`media-stg`, every `media-prd` in its files
//! renamed), for the real-Terraform import tests: imported with `--manage-endpoints`, it adds a
//! stack that owns its VPC's endpoints beside the three fixtures imported as they are.

use std::path::{Path, PathBuf};

/// The copy, written under `dir`.
pub fn private_as_media_stg(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/private");
    let to = dir.join("private-managed");
    std::fs::create_dir_all(&to).unwrap();
    for f in std::fs::read_dir(&from).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read_to_string(&f)
            .unwrap()
            .replace("media-prd", "media-stg");
        std::fs::write(to.join(f.file_name().unwrap()), text).unwrap();
    }
    to
}

/// Imports `fixtures` into `dir/stacks`, adds the copy imported with `--manage-endpoints`
/// beside them (as `media-stg`), and builds every stack into `dir/root/modules`, asserting each
/// step succeeds; returns the copy's describe directory. `gen_tf` is the test's command in
/// `dir`.
pub fn import_all_and_build(
    dir: &Path,
    fixtures: &[PathBuf],
    gen_tf: impl Fn(&Path) -> std::process::Command,
) -> PathBuf {
    let ok = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(gen_tf(dir)
        .arg("import")
        .args(fixtures)
        .args(["-o", "stacks"])
        .output()
        .unwrap());
    let managed = private_as_media_stg(dir);
    ok(gen_tf(dir)
        .arg("import")
        .arg(&managed)
        .args(["--manage-endpoints", "-o", "managed"])
        .output()
        .unwrap());
    std::fs::copy(
        dir.join("managed/media-stg.jsonnet"),
        dir.join("stacks/media-stg.jsonnet"),
    )
    .unwrap();
    ok(gen_tf(dir)
        .args(["build", "stacks", "-o", "root/modules"])
        .output()
        .unwrap());
    managed
}

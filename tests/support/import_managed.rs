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

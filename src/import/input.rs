//! The input of `gen-tf import`: every directory or file named, an ecspresso directory through
//! its configuration, everything else file by file (see `read`).

use std::path::PathBuf;

use super::ecspresso;
use super::read::{ecspresso_config, files_of, read_one, Described, ReadError};

/// Reads every file the paths name. Every problem is returned, not only the first.
pub fn read(paths: &[PathBuf]) -> Result<Described, Vec<ReadError>> {
    let mut d = Described::default();
    let mut errors = Vec::new();
    for path in paths {
        let files = match files_of(path) {
            Ok(f) => f,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // ecspresso's definition files are its own format: read with its configuration.
        let mut consumed = Vec::new();
        if let Some(config) = ecspresso_config(path) {
            match ecspresso::read(&config, &mut d) {
                Ok(used) => consumed = used,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        }
        let files: Vec<PathBuf> = files
            .into_iter()
            .filter(|f| !consumed.contains(f) && !f.ends_with("ecspresso.yml"))
            .collect();
        if files.is_empty() && consumed.is_empty() {
            errors.push(ReadError {
                file: path.clone(),
                message: "holds no .json files; save each AWS CLI call's output as <name>.json there (`gen-tf import --commands` prints the calls)".to_owned(),
            });
        }
        for file in files {
            if let Err(e) = read_one(&file, &mut d) {
                errors.push(e);
            }
        }
    }
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(errors)
    }
}

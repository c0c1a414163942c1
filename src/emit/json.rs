//! Terraform JSON syntax (work in progress).

use crate::ir;

pub fn print_file(_body: &ir::Body) -> String {
    String::new()
}

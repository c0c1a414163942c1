//! gen-tf: compiles stacks of ECS Fargate services into Terraform modules.
//!
//! The pipeline is `load -> model -> validate -> lower -> emit -> write`; see ARCHITECTURE.md.

pub mod diag;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod model;
pub mod validate;
pub mod cli;
pub mod pipeline;
pub mod report;
pub mod write;

//! gen-tf: compiles stacks of ECS Fargate services into Terraform modules.
//!
//! The pipeline is `load -> model -> validate -> lower -> emit -> write`; see ARCHITECTURE.md.

pub mod batch;
pub mod cache;
pub mod cli;
pub mod cost;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod facts;
pub mod import;
pub mod interrupt;
pub mod ir;
pub mod load;
pub mod lower;
pub mod model;
pub mod pipeline;
pub mod platform;
pub mod project;
pub mod provider_schema;
pub mod report;
pub mod resolve;
pub mod validate;
pub mod write;

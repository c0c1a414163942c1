//! gen-tf: compiles stacks of ECS Fargate services into Terraform modules.
//!
//! The pipeline is `load -> model -> resolve -> validate -> lower -> emit -> write`; see
//! ARCHITECTURE.md.
//!
//! The library exists for the `gen-tf` binary and for the tests. Its public surface is chosen,
//! in the style of minijinja's `lib.rs`: every module is private unless it is listed below as
//! `pub mod`, and a few items of private modules are re-exported by `pub use`. Each entry says
//! why it is public. `tests/code_shape.rs` fails when this list changes without the list there,
//! and ARCHITECTURE.md ("Public surface") says how to narrow everything else again.
#![warn(unreachable_pub)]

mod batch;
mod cache;
mod cli;
mod cost;
mod diff;
mod facts;
mod interrupt;
mod load;
mod lower;
mod platform;
mod project;
mod resolve;
mod validate;
mod write;

/// Diagnostics: `Rule`, `Diagnostic`, severities and spans, what every stage reports.
pub mod diag;
/// The printers: the IR as HCL text (`hcl`) and as Terraform JSON (`json`), and the IR as
/// hcl-rs structures (`hcl_rs`) for the tests that compare with `hcl::parse`.
pub mod emit;
/// `gen-tf import`: the AWS CLI's describe-output types (`aws`), how a directory of them is
/// read (`input`, `read`) and the importer, its import blocks (`blocks`), and the
/// argument-by-argument comparison (`check`) that tests/import_nodiff.rs, import_plan.rs and
/// import_round_trip.rs run against what was described.
pub mod import;
/// The Terraform IR that lowering builds and the printers print; tests build it by hand.
pub mod ir;
/// The stack model: the typed stack as written, which `gen-tf schema` turns into the JSON Schema.
pub mod model;
/// The pipeline's entry points: one stack checked, compiled or rendered, from a file or a value.
pub mod pipeline;
/// The self-check of IR against the AWS provider's schema, run on generated and hand-built IR.
pub mod provider_schema;
/// Diagnostics as text for people, JSON lines and GitHub workflow commands.
pub mod report;

/// The rule catalogue: every rule code (`gen-tf explain`, README's rules table).
pub mod rules {
    pub use crate::platform::RULES as PLATFORM;
    pub use crate::validate::rules::{all, find, markdown_table};
}

/// What `src/main.rs` calls: the command line parsed and run, or the Jsonnet evaluator's child
/// process (`gen-tf __evaluate`).
pub use cli::main;

/// The stack files under some roots, as `build` and `check` find them (tests compile examples/).
pub use cli::discover;
/// The Fargate task sizes AWS accepts; the property tests draw from them.
pub use facts::fargate;
/// The first stage: a stack file to a JSON value (`pipeline::Options` holds `LoadOptions`, and
/// `pipeline::Failure` a `LoadError`); `line_of` places a JSON path on a source line.
pub use load::{line_of, load, LoadError, LoadOptions, Loaded};
/// The platform file's model, for its JSON Schema (docs/platform.md).
pub use platform::PlatformFile;
/// Whether a file on disk carries gen-tf's header (is gen-tf's to overwrite or prune).
pub use write::is_generated;

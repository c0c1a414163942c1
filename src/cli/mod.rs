//! The command line. The binary parses [`Cli`] and calls [`run`]; everything else is here.
//!
//! - `args`: the clap types, the only module that knows clap.
//! - `plan`: the project file and the flags merged into what a command works on.
//! - `compile`: the plan's stacks through [`batch`](crate::batch), with diagnostics printed.
//! - `build`, `check`, `commands`, `cost` (`cost` and `rightsize`): the commands.
//! - `error`: [`CliError`] and its exit codes.

mod args;
mod build;
mod check;
mod commands;
mod compile;
mod cost;
mod error;
mod lock;
mod output;
mod plan;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

pub use args::{
    BuildArgs, CheckArgs, Cli, ColorChoice, Command, CostArgs, FormatArg, InitArgs, InputArgs,
    KeyValueError, ListArgs, MemoryLimit, MessageFormatArg, OutArgs, PricingArgs, ReportFormatArg,
    RightsizeArgs, StackArgs,
};
pub use commands::schema_text;
pub use error::CliError;
pub use plan::discover;

use crate::report::Style;

use output::{print_stdout, say};

/// Runs a parsed command line and returns the process exit code: 0 ok, 1 diagnostics or drift,
/// 2 usage or I/O failure.
pub fn run(cli: Cli) -> ExitCode {
    match dispatch(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_reported() {
                say(&format!("gen-tf: {e}\n"));
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(cli: &Cli) -> Result<(), CliError> {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let style = Style {
        format: cli.message_format.into(),
        color,
    };
    let deny = cli.deny_warnings;
    match &cli.command {
        Command::Build(args) => build::build(args, style, deny),
        Command::Check(args) => check::check(args, style, deny),
        Command::Validate(args) => commands::validate(args, style, deny),
        Command::List(args) => commands::list(args, style, deny),
        Command::Init(args) => commands::init(args),
        Command::Cost(args) => cost::cost(args, style, deny),
        Command::Rightsize(args) => cost::rightsize(args, style, deny),
        Command::Schema => print_stdout(&schema_text()),
        Command::Explain { code } => commands::explain(code),
        Command::Completions { shell } => {
            print_stdout(&String::from_utf8_lossy(&args::completion_script(*shell)))
        }
        Command::Evaluate { memory_limit } => {
            crate::load::sandbox::serve(*memory_limit).map_err(CliError::Evaluator)
        }
    }
}

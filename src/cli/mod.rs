//! The command line. The binary calls [`main`], which parses [`Cli`] and calls [`run`];
//! everything else is here.
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
mod diff;
mod error;
mod import;
mod lock;
mod output;
mod plan;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

pub(crate) use args::Cli;
pub(crate) use args::{ColorChoice, Command};
pub(crate) use commands::schema_text;
pub(crate) use error::CliError;
pub use plan::discover;

use crate::report::Style;

use output::{print_stdout, say};

/// The `gen-tf` binary: `gen-tf __evaluate LIMIT` goes to [`run_evaluator`] before clap (so that
/// no help text or completion script offers it), anything else is parsed and [`run`].
pub fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(std::ffi::OsStr::new(crate::load::sandbox::CHILD_COMMAND)) {
        return run_evaluator(args.next().as_deref().and_then(std::ffi::OsStr::to_str));
    }
    run(args::parse())
}

/// Runs a parsed command line and returns the process exit code: 0 ok, 1 diagnostics or drift,
/// 2 usage or I/O failure.
pub(crate) fn run(mut cli: Cli) -> ExitCode {
    match share_ext_str(&mut cli).and_then(|()| dispatch(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_reported() {
                say(&format!("gen-tf: {e}\n"));
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Gives the command the `-V` values given before it, ahead of its own (a later `-V` of the
/// same key wins, as in the jsonnet CLI).
fn share_ext_str(cli: &mut Cli) -> Result<(), CliError> {
    let mut vars = std::mem::take(&mut cli.ext_str);
    if let Command::Import(args) = &mut cli.command {
        vars.append(&mut args.ext_str);
        args.ext_str = vars;
        return Ok(());
    }
    match cli.command.stack_args_mut() {
        Some(stacks) => {
            vars.append(&mut stacks.ext_str);
            stacks.ext_str = vars;
        }
        None if !vars.is_empty() => {
            return Err(CliError::ExtStrUnused {
                command: cli.command.name(),
            });
        }
        None => {}
    }
    Ok(())
}

/// Runs `gen-tf __evaluate LIMIT`, the evaluator's child process (see `load::sandbox`). It is
/// not a clap subcommand, so that no help text or completion script offers it.
pub(crate) fn run_evaluator(memory_limit: Option<&str>) -> ExitCode {
    let Some(limit) = memory_limit.and_then(|s| s.parse::<u64>().ok()) else {
        say("gen-tf: __evaluate needs the memory limit in bytes\n");
        return ExitCode::from(2);
    };
    match crate::load::sandbox::serve(limit) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let e = CliError::Evaluator(e);
            say(&format!("gen-tf: {e}\n"));
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
        Command::Prices(args) => cost::prices(args),
        Command::Diff(args) => diff::diff(args, style, deny),
        Command::Import(args) => import::run(args, style),
        Command::Schema => print_stdout(&schema_text()),
        Command::Explain { code } => commands::explain(code),
        Command::Completions { shell } => {
            print_stdout(&String::from_utf8_lossy(&args::completion_script(*shell)))
        }
    }
}

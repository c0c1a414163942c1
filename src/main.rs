use std::ffi::OsStr;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(OsStr::new(gen_tf::CHILD_COMMAND)) {
        return gen_tf::run_evaluator(args.next().as_deref().and_then(OsStr::to_str));
    }
    gen_tf::run(gen_tf::Cli::parse())
}

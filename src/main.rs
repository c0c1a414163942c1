use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    gen_tf::cli::run(gen_tf::cli::Cli::parse())
}

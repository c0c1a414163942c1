use std::process::ExitCode;

fn main() -> ExitCode {
    gen_tf::main()
}

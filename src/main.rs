use std::process::ExitCode;

fn main() -> ExitCode {
    feedsmith::cli::main()
}

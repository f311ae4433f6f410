//! The `detente` binary: parses arguments and runs a command; all logic is in the library.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let command_line: Vec<String> = std::env::args().collect();
    let result = detente::cli::parse(std::env::args_os()).and_then(|parsed| match parsed {
        detente::cli::Parsed::Info(text) => detente::cli::print(text.as_bytes()),
        detente::cli::Parsed::Command(cli) => detente::cli::execute(*cli, command_line),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            let e = anyhow::Error::from(e);
            // Nothing more can be said if standard error cannot be written.
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(code)
        }
    }
}

//! The `idnsafe` command-line tool. It only parses arguments and prints; all
//! decisions are made by the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod io;

/// Exit status of a run that completed (a rejected name is a result, not a failure).
pub const EXIT_OK: u8 = 0;
/// Exit status on usage errors or unreadable input.
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "idnsafe",
    version,
    about = "Keeps internationalized domain names safe: IDNA2008 validity, homographs, variant tables, registration policy"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check names for IDNA2008 registration validity (names from stdin when none are given).
    Check(cmd::check::CheckArgs),
    /// IDNA tables: `idnsafe idna derive` prints the RFC 5892 derived property of every code point.
    Idna(cmd::idna::IdnaArgs),
    /// Print the crate version and the Unicode version of every data source.
    Version,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(a) => cmd::check::run(&a),
        Command::Idna(a) => cmd::idna::run(&a),
        Command::Version => cmd::version::run(),
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("idnsafe: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

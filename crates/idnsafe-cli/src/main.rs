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
    /// Audit zone files or name lists: invalid names, homograph and variant clusters, lookalikes of protected names.
    Audit(cmd::audit::AuditArgs),
    /// Check names for IDNA2008 registration validity (names from stdin when none are given).
    Check(cmd::check::CheckArgs),
    /// Are two labels confusable? Prints the UTS #39 confusable class.
    Confusable(cmd::confusable::ConfusableArgs),
    /// Lookalikes of a label, most plausible first, with whether a policy accepts and our screen flags each.
    Generate(cmd::generate::GenerateArgs),
    /// IDNA tables: `idnsafe idna derive` prints the RFC 5892 derived property of every code point.
    Idna(cmd::idna::IdnaArgs),
    /// Protected-name indexes: `idnsafe index build --protect FILE -o FILE.idx`.
    Index(cmd::index::IndexArgs),
    /// Label Generation Rulesets (RFC 7940): validate, check labels, stats, write.
    Lgr(cmd::lgr::LgrArgs),
    /// The registry policies built into idnsafe: `policy list`, `policy show NAME`.
    Policy(cmd::policy::PolicyArgs),
    /// Variant labels of labels under an LGR (RFC 8228), with the exact count.
    Variants(cmd::lgr::VariantsArgs),
    /// Screen candidate names under a registry policy: accept, reject or review, with every reason and the bundle.
    Screen(cmd::screen::ScreenArgs),
    /// Run the screening service over HTTP, with durable registry state.
    Serve(cmd::serve::ServeArgs),
    /// The service's registry state: import, export, rescreen under a new policy.
    State(cmd::state::StateArgs),
    /// Tokens for the service.
    Token(cmd::serve::TokenArgs),
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
        Command::Audit(a) => cmd::audit::run(&a),
        Command::Check(a) => cmd::check::run(&a),
        Command::Confusable(a) => cmd::confusable::run(&a),
        Command::Generate(a) => cmd::generate::run(&a),
        Command::Idna(a) => cmd::idna::run(&a),
        Command::Index(a) => cmd::index::run(&a),
        Command::Lgr(a) => cmd::lgr::run(&a),
        Command::Policy(a) => cmd::policy::run(&a),
        Command::Screen(a) => cmd::screen::run(&a),
        Command::Serve(a) => cmd::serve::run(&a),
        Command::State(a) => cmd::state::run(&a),
        Command::Token(a) => cmd::serve::run_token(&a),
        Command::Variants(a) => cmd::lgr::run_variants(&a),
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

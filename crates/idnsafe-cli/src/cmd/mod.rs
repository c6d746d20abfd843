//! One module per subcommand. Each exposes an `XArgs` struct (clap) and a
//! `run(&XArgs) -> Result<(), CliError>` function.

pub mod audit;
pub mod check;
pub mod confusable;
pub mod generate;
pub mod idna;
pub mod index;
pub mod lgr;
pub mod policy;
pub mod screen;
pub mod serve;
pub mod state;
pub mod version;

use std::fmt;

/// An error that ends a run: usage errors and unreadable input (exit 2).
#[derive(Debug)]
pub struct CliError {
    message: String,
    exit: u8,
}

impl CliError {
    /// A usage error or unreadable input: exit status 2.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError { message: message.into(), exit: crate::EXIT_USAGE }
    }
    pub fn exit_code(&self) -> u8 {
        self.exit
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::usage(format!("I/O error: {e}"))
    }
}

/// The key level and the protected-name tier from `--tier` and the older
/// `--level` alias (see [`idnsafe::ops::level_and_tier`]).
pub fn level_and_tier(
    tier: &str,
    level: Option<&str>,
) -> Result<(idnsafe::confusables::Level, idnsafe::confusables::Tier), CliError> {
    idnsafe::ops::level_and_tier(tier, level).map_err(|e| CliError::usage(e.to_string()))
}

/// A registry policy file.
pub fn load_policy(path: &std::path::Path) -> Result<idnsafe::policy::Policy, CliError> {
    idnsafe::ops::load_policy(path).map_err(|e| CliError::usage(e.to_string()))
}

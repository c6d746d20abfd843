//! One module per subcommand. Each exposes an `XArgs` struct (clap) and a
//! `run(&XArgs) -> Result<(), CliError>` function.

pub mod audit;
pub mod check;
pub mod confusable;
pub mod generate;
pub mod idna;
pub mod index;
pub mod lgr;
pub mod screen;
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

/// The skeleton level and the protected-name tier from `--tier` and the
/// older `--level` alias: `--level uts39|domain` means tier `identical`
/// (skeletons at that level), `--level loose` tier `lookalike` (skeletons at
/// `lookalike`). Without `--level`, skeletons are shown at `identical`.
pub fn level_and_tier(
    tier: &str,
    level: Option<&str>,
) -> Result<(idnsafe_confusables::Level, idnsafe_confusables::Tier), CliError> {
    use idnsafe_confusables::{Level, Tier};
    if let Some(l) = level {
        let level: Level = l.parse().map_err(|_| {
            CliError::usage(format!(
                "unknown level {l:?}; use uts39, domain or loose (or --tier identical|lookalike|near)"
            ))
        })?;
        return Ok((level, Tier::of_level(level)));
    }
    let tier: Tier = tier.parse().map_err(|_| {
        CliError::usage(format!("unknown tier {tier:?}; use identical, lookalike or near"))
    })?;
    Ok((Level::Identical, tier))
}

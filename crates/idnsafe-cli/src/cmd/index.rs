//! `idnsafe index build --protect FILE [--level L] -o FILE.idx`, and the
//! loader of protected-name lists and index files used by `check --protect`.

use std::path::{Path, PathBuf};

use idnsafe::confusables::{ConfusablesError, Level, ProtectedIndex};

use super::CliError;

/// Protected-name indexes.
#[derive(clap::Args, Debug)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum IndexCommand {
    /// Build a protected-name index file from a list of names (one a line, # comments).
    Build(IndexBuildArgs),
}

#[derive(clap::Args, Debug)]
pub struct IndexBuildArgs {
    /// The list of protected names, e.g. `paypal.com` (one a line, # comments).
    #[arg(long, value_name = "FILE")]
    pub protect: PathBuf,
    /// Confusable level of the keys: uts39, domain or loose.
    #[arg(long, default_value = "domain")]
    pub level: String,
    /// Where to write the index.
    #[arg(short = 'o', long = "output", value_name = "FILE.idx")]
    pub output: PathBuf,
}

pub fn run(args: &IndexArgs) -> Result<(), CliError> {
    match &args.command {
        IndexCommand::Build(b) => build(b),
    }
}

fn build(args: &IndexBuildArgs) -> Result<(), CliError> {
    let level: Level =
        args.level.parse().map_err(|e: ConfusablesError| CliError::usage(e.message()))?;
    let index = idnsafe::ops::build_protected_index(&args.protect, level, &args.output)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let size = std::fs::metadata(&args.output).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "idnsafe: {} names, {} keys at level {level} -> {} ({size} bytes)",
        index.len(),
        index.key_count(),
        args.output.display(),
    );
    Ok(())
}

/// See [`idnsafe::ops::load_protected_list_at`].
pub fn load_protected_list_at(path: &Path, level: Level) -> Result<ProtectedIndex, CliError> {
    idnsafe::ops::load_protected_list_at(path, level).map_err(|e| CliError::usage(e.to_string()))
}

/// See [`idnsafe::ops::load_protected_at`].
pub fn load_protected_at(path: &Path, level: Option<Level>) -> Result<ProtectedIndex, CliError> {
    idnsafe::ops::load_protected_at(path, level).map_err(|e| CliError::usage(e.to_string()))
}

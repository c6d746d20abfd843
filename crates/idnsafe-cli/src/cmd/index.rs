//! `idnsafe index build --protect FILE [--level L] -o FILE.idx`, and the
//! loader of protected-name lists and index files used by `check --protect`.

use std::path::{Path, PathBuf};

use idnsafe_confusables::{ConfusablesError, Level, ProtectedIndex};

use super::CliError;

/// Largest protected-name list or index file read (bytes).
pub const MAX_PROTECTED_FILE: u64 = 1 << 30;

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

fn lib_error(context: &Path, e: ConfusablesError) -> CliError {
    CliError::usage(format!("{}: {} ({})", context.display(), e.message(), e.code()))
}

fn check_size(path: &Path) -> Result<(), CliError> {
    let meta =
        std::fs::metadata(path).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
    if meta.len() > MAX_PROTECTED_FILE {
        return Err(CliError::usage(format!(
            "{}: larger than {MAX_PROTECTED_FILE} bytes",
            path.display()
        )));
    }
    Ok(())
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, CliError> {
    check_size(path)?;
    std::fs::read(path).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
}

pub fn run(args: &IndexArgs) -> Result<(), CliError> {
    match &args.command {
        IndexCommand::Build(b) => build(b),
    }
}

fn build(args: &IndexBuildArgs) -> Result<(), CliError> {
    let level: Level =
        args.level.parse().map_err(|e: ConfusablesError| CliError::usage(e.message()))?;
    let bytes = read_bounded(&args.protect)?;
    if ProtectedIndex::is_index_file(&bytes) {
        return Err(CliError::usage(format!(
            "{}: is already an index file, not a name list",
            args.protect.display()
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{}: is not UTF-8 text", args.protect.display())))?;
    let index = ProtectedIndex::from_list(&text, level).map_err(|e| lib_error(&args.protect, e))?;
    index
        .save(&args.output)
        .map_err(|e| CliError::usage(format!("{}: {e}", args.output.display())))?;
    let size = std::fs::metadata(&args.output).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "idnsafe: {} names, {} keys at level {level} -> {} ({size} bytes)",
        index.len(),
        index.key_count(),
        args.output.display(),
    );
    Ok(())
}

/// A protected-name list keyed at `level`, or an index file (detected by its
/// magic bytes) at whatever level it was built (`check` and `audit` compare
/// at the index's level).
pub fn load_protected_list_at(path: &Path, level: Level) -> Result<ProtectedIndex, CliError> {
    if is_index_path(path)? {
        return load_protected_at(path, None);
    }
    load_protected_at(path, Some(level))
}

/// Whether the file at `path` starts with an index file's magic bytes (only
/// those are read); files over [`MAX_PROTECTED_FILE`] are refused.
fn is_index_path(path: &Path) -> Result<bool, CliError> {
    use std::io::Read;
    check_size(path)?;
    let mut head = Vec::with_capacity(8);
    std::fs::File::open(path)
        .and_then(|f| f.take(8).read_to_end(&mut head))
        .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
    Ok(ProtectedIndex::is_index_file(&head))
}

/// An index file or a list: a list is built at `level` (default `domain`),
/// and an index file built at another level than `level` is refused. Index
/// files are memory-mapped, not read: opening one checks its checksum and
/// header and rebuilds nothing.
pub fn load_protected_at(path: &Path, level: Option<Level>) -> Result<ProtectedIndex, CliError> {
    if is_index_path(path)? {
        let index = ProtectedIndex::open(path).map_err(|e| lib_error(path, e))?;
        if let Some(l) = level
            && l != index.level()
        {
            return Err(CliError::usage(format!(
                "{}: the index was built at level {}, not {l}: rebuild it (INDEX_VERSION_MISMATCH)",
                path.display(),
                index.level()
            )));
        }
        return Ok(index);
    }
    let bytes = read_bounded(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{}: is not UTF-8 text", path.display())))?;
    ProtectedIndex::from_list(&text, level.unwrap_or(Level::Identical))
        .map_err(|e| lib_error(path, e))
}

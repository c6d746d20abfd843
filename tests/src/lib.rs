//! Locates the third-party reference data in `../shared/data` for idnsafe's
//! tests and benchmarks.
//!
//! The data is never copied into the repository. Tests read it from the
//! directory named by `$IDNSAFE_SHARED_DATA`, or from `<repo>/../shared/data`
//! when that variable is unset. A missing directory is a hard failure, never
//! a skipped test: a green run must mean the conformance data was checked.
//!
//! [`postgres::TempPostgres`] starts a throw-away PostgreSQL server for the
//! tests of the PostgreSQL store.

use std::path::{Path, PathBuf};

pub mod http;
pub mod postgres;
pub mod webdriver;

/// The environment variable that overrides the data directory.
pub const ENV_VAR: &str = "IDNSAFE_SHARED_DATA";

/// The repository root (the workspace that contains this crate).
pub fn repo_root() -> PathBuf {
    // This crate lives at <repo>/tests.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// The shared data directory. Panics with a clear message when it is missing.
pub fn shared_data() -> PathBuf {
    let dir = match std::env::var_os(ENV_VAR) {
        Some(d) => PathBuf::from(d),
        None => repo_root().join("..").join("shared").join("data"),
    };
    assert!(
        dir.is_dir(),
        "idnsafe reference data not found at {} (set ${ENV_VAR} to the directory that holds \
         shared/data; tests never skip for want of it)",
        dir.display()
    );
    dir
}

/// A file under the shared data directory. Panics when it does not exist.
pub fn data_file(rel: &str) -> PathBuf {
    let p = shared_data().join(rel);
    assert!(p.exists(), "reference data file missing: {}", p.display());
    p
}

/// A text file under the shared data directory, read whole (gzip-compressed
/// files are not handled here: use the zone readers for those).
pub fn read_text(rel: &str) -> String {
    let p = data_file(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// The Unicode 18.0.0 data directory.
pub fn unicode_dir() -> PathBuf {
    data_file("unicode/18.0.0")
}

/// A file in a repo-owned directory (`tables/...`).
pub fn repo_file(rel: &str) -> PathBuf {
    repo_root().join(rel)
}

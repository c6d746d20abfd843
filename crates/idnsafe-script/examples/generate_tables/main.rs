//! Regenerates `src/tables/identifier.rs`.
//!
//! ```text
//! cargo run -p idnsafe-script --example generate_tables
//! ```
//! Reads the Unicode 18.0.0 files from `$IDNSAFE_SHARED_DATA/unicode/18.0.0`
//! (default: `../shared/data` beside the repository).

mod generator;

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = match std::env::var_os("IDNSAFE_SHARED_DATA") {
        Some(d) => PathBuf::from(d),
        None => manifest.join("../../../shared/data"),
    };
    let dir = data.join("unicode/18.0.0");
    let text = generator::generate(&dir);
    let out = manifest.join("src/tables/identifier.rs");
    std::fs::write(&out, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    println!("wrote {}", out.display());
}

//! Writes `src/tables.rs`. Run from the workspace root:
//! `cargo run -p idnsafe-confusables --example generate_confusable_tables`

#[path = "tables.rs"]
mod tables;

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tables.rs");
    let text = tables::generate();
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    println!("wrote {}", path.display());
}

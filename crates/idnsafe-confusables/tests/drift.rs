//! `src/tables.rs` is exactly what the generator produces from the current
//! dependencies: fails when either drifted.

#[path = "../gen/tables.rs"]
#[allow(dead_code)]
mod generator;

#[test]
fn generated_tables_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tables.rs");
    let on_disk = std::fs::read_to_string(&path).unwrap();
    let fresh = generator::generate();
    assert!(
        on_disk == fresh,
        "src/tables.rs is stale: run `cargo run -p idnsafe-confusables --example generate_confusable_tables`"
    );
}

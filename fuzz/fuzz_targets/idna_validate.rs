#![no_main]
// Fuzz target `idna_validate`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/idna_validate/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("idna_validate", data) {
        panic!("idna_validate: {e}");
    }
});

#![no_main]
// Fuzz target `idna_roundtrip`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/idna_roundtrip/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("idna_roundtrip", data) {
        panic!("idna_roundtrip: {e}");
    }
});

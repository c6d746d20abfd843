#![no_main]
// Fuzz target `confusable_tiers`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/confusable_tiers/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("confusable_tiers", data) {
        panic!("confusable_tiers: {e}");
    }
});

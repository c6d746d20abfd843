#![no_main]
// Fuzz target `lgr_labels`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/lgr_labels/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("lgr_labels", data) {
        panic!("lgr_labels: {e}");
    }
});

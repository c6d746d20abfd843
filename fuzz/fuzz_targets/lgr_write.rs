#![no_main]
// Fuzz target `lgr_write`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/lgr_write/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("lgr_write", data) {
        panic!("lgr_write: {e}");
    }
});

#![no_main]
// Fuzz target `lgr_parse`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/lgr_parse/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("lgr_parse", data) {
        panic!("lgr_parse: {e}");
    }
});

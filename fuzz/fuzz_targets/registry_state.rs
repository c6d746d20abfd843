#![no_main]
// Fuzz target `registry_state`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/registry_state/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("registry_state", data) {
        panic!("registry_state: {e}");
    }
});

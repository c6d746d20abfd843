#![no_main]
// Fuzz target `policy_screen`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/policy_screen/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("policy_screen", data) {
        panic!("policy_screen: {e}");
    }
});

#![no_main]
// Fuzz target `skeleton_differential`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/skeleton_differential/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("skeleton_differential", data) {
        panic!("skeleton_differential: {e}");
    }
});

#![no_main]
// Fuzz target `zone_reader`: the invariants live in idnsafe::fuzzing so that
// `cargo test` replays fuzz/regressions/zone_reader/ through the same code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = idnsafe::fuzzing::check("zone_reader", data) {
        panic!("zone_reader: {e}");
    }
});

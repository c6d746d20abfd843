//! The screening benchmark of `screen.rs` with mimalloc as the global
//! allocator, as the `idnsafe` command-line tool runs it.

use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/screen.rs"]
mod support;

fn bench(c: &mut Criterion) {
    support::bench(c, "screen_1m_state_mimalloc");
}

criterion_group!(benches, bench);
criterion_main!(benches);

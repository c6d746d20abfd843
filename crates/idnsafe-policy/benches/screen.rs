//! Pre-registration screening against a registry state of 1,000,000 names
//! under the `gtld-reference` policy (ICANN's Second-Level Reference LGRs).
//!
//! The registry state is built from the real name lists of the shared data
//! (every label of `names/*.txt.gz`, about 975,000, topped up to 1,000,000
//! with numbered copies), placed under the policy's zone. Candidates are
//! other real labels: ASCII and IDN measured separately, each with and
//! without the bundle.

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/screen.rs"]
mod support;

/// With the system allocator (what a library user gets by default).
fn bench(c: &mut Criterion) {
    support::bench(c, "screen_1m_state");
}

criterion_group!(benches, bench);
criterion_main!(benches);

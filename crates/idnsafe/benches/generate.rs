//! Lookalikes generated per second: `generate("paypal")`, 10,000 labels,
//! without a policy (each label IDNA2008-checked, deduplicated, keyed for
//! `flagged`) and with the `gtld-reference` policy (two screens per label).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idnsafe::generate::{GenerateOptions, generate};
use idnsafe_confusables::Level;

fn bench(c: &mut Criterion) {
    let path = idnsafe_tests::repo_file("tables/policies/gtld-reference.toml");
    let mut search = idnsafe_policy::SearchPath::for_policy(&path);
    search.push(idnsafe_tests::data_file("lgr"));
    let policy = idnsafe_policy::Policy::load_with(&path, &search).unwrap();
    // Build the substitute tables before timing.
    generate(
        "a",
        &GenerateOptions { level: Level::Identical, max: 1, policy: None, registrable_only: false },
        |_| {},
    );
    let mut g = c.benchmark_group("generate_paypal");
    g.sample_size(10);
    for (what, n, p) in [("no_policy", 10_000usize, None), ("gtld_reference", 2_000, Some(&policy))]
    {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(what, |b| {
            let opts = GenerateOptions {
                level: Level::Identical,
                max: n,
                policy: p,
                registrable_only: false,
            };
            b.iter(|| {
                let mut count = 0usize;
                generate(black_box("paypal"), &opts, |_| count += 1);
                assert_eq!(count, n);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

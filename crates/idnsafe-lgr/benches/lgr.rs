//! LGR benchmarks on real IDN words per script (names from zone walks in
//! shared/data/names, decoded, kept when the script's Root Zone LGR holds
//! every code point).
//!
//! Run: `cargo bench -p idnsafe-lgr --bench lgr`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idnsafe_lgr::{Lgr, VariantOptions};
use std::hint::black_box;
use std::io::Read;

const ZONES: &[&str] = &[
    "kz",
    "li",
    "lol",
    "mom",
    "pics",
    "xn--54b7fta0cc",
    "xn--80ao21a",
    "xn--l1acc",
    "xn--mgbayh7gpa",
    "xn--pgbs0dh",
];

fn idn_labels() -> Vec<String> {
    let mut out = Vec::new();
    for z in ZONES {
        let p = idnsafe_tests::data_file(&format!("names/{z}.txt.gz"));
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        for name in s.lines() {
            for l in name.split('.') {
                if let Some(p) = l.strip_prefix("xn--")
                    && let Some(u) = idna::punycode::decode_to_string(p)
                {
                    out.push(u);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn root(script: &str) -> (String, Lgr) {
    let p = idnsafe_tests::data_file(&format!(
        "lgr/root-zone/lgr-5/lgr-5-{script}-script-26may22-en.xml"
    ));
    let xml = std::fs::read_to_string(p).unwrap();
    let lgr = Lgr::from_xml(&xml).unwrap();
    (xml, lgr)
}

fn bench(c: &mut Criterion) {
    let labels = idn_labels();
    let common_xml = std::fs::read_to_string(idnsafe_tests::data_file(
        "lgr/root-zone/lgr-5-common-26may22-en.xml",
    ))
    .unwrap();
    let mut g = c.benchmark_group("parse");
    g.sample_size(10);
    g.bench_function("common-lgr-5", |b| b.iter(|| Lgr::from_xml(black_box(&common_xml)).unwrap()));
    for s in ["arabic", "latin", "chinese"] {
        let (xml, _) = root(s);
        g.bench_function(s, |b| b.iter(|| Lgr::from_xml(black_box(&xml)).unwrap()));
    }
    g.finish();

    for s in ["arabic", "chinese", "cyrillic", "latin", "japanese"] {
        let (_, lgr) = root(s);
        let words: Vec<Vec<u32>> = labels
            .iter()
            .filter(|l| l.chars().all(|c| lgr.contains(c)))
            .map(|l| l.chars().map(u32::from).collect())
            .collect();
        assert!(words.len() >= 20, "{s}: only {} words", words.len());
        let strs: Vec<String> =
            words.iter().map(|w| w.iter().filter_map(|&c| char::from_u32(c)).collect()).collect();
        let mut g = c.benchmark_group(format!("{s}({} words)", words.len()));
        g.throughput(Throughput::Elements(words.len() as u64));
        g.bench_function("disposition", |b| {
            b.iter(|| {
                for w in &words {
                    black_box(lgr.disposition_cps(black_box(w), None));
                }
            })
        });
        g.bench_function("disposition+reasons", |b| {
            b.iter(|| {
                for w in &strs {
                    black_box(lgr.disposition(black_box(w)));
                }
            })
        });
        g.bench_function("index_key", |b| {
            b.iter(|| {
                for w in &strs {
                    black_box(lgr.index_key(black_box(w)).unwrap());
                }
            })
        });
        g.bench_function("variant_count", |b| {
            b.iter(|| {
                for w in &strs {
                    black_box(lgr.variant_count(black_box(w)).unwrap());
                }
            })
        });
        // Variants streamed: throughput is variant labels produced.
        let opts = VariantOptions { limit: 1000, allocatable_only: false };
        let n: u64 =
            strs.iter().map(|w| lgr.variants(w, opts.clone()).unwrap().count() as u64).sum();
        if n > 0 {
            g.throughput(Throughput::Elements(n));
            g.bench_function("variants_streamed", |b| {
                b.iter(|| {
                    for w in &strs {
                        for v in lgr.variants(black_box(w), opts.clone()).unwrap() {
                            black_box(v);
                        }
                    }
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

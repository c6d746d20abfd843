//! Resolved script set + restriction level, and the full `analyze`, over
//! real second-level labels from ../shared/data/names: ASCII and IDN
//! measured separately. One iteration processes the whole corpus; divide
//! the time by the label count printed at start-up for ns per label.

use std::hint::black_box;
use std::io::{BufRead, BufReader};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flate2::read::GzDecoder;

/// The first label of every name in a gzip'd list, as a U-label.
fn labels(file: &str) -> Vec<String> {
    let path = idnsafe_tests::data_file(&format!("names/{file}"));
    let f = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    BufReader::new(GzDecoder::new(f))
        .lines()
        .map_while(Result::ok)
        .filter_map(|name| {
            let first = name.split('.').next()?.to_owned();
            if first.starts_with("xn--") {
                let (u, r) = idna::domain_to_unicode(&first);
                r.ok().map(|()| u)
            } else {
                Some(first)
            }
        })
        .collect()
}

fn corpora() -> (Vec<String>, Vec<String>) {
    let mut ascii = Vec::new();
    let mut idn = Vec::new();
    for f in ["xn--80ao21a.txt.gz", "kz.txt.gz", "lol.txt.gz", "li.txt.gz"] {
        for l in labels(f) {
            if l.is_ascii() {
                ascii.push(l);
            } else {
                idn.push(l);
            }
        }
    }
    // A realistic ASCII sample: every 20th label keeps the set cache-sized.
    let ascii: Vec<String> = ascii.into_iter().step_by(20).collect();
    (ascii, idn)
}

fn bench(c: &mut Criterion) {
    let (ascii, idn) = corpora();
    let chars: usize = idn.iter().map(|l| l.chars().count()).sum();
    println!(
        "corpus: {} ASCII labels, {} IDN labels (mean {:.1} chars)",
        ascii.len(),
        idn.len(),
        chars as f64 / idn.len().max(1) as f64
    );
    for (name, set) in [("ascii", &ascii), ("idn", &idn)] {
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function("script_set+restriction_level", |b| {
            b.iter(|| {
                for l in set {
                    black_box(idnsafe_script::resolved_script_set(black_box(l)));
                    black_box(idnsafe_script::restriction_level(black_box(l)));
                }
            })
        });
        g.bench_function("analyze", |b| {
            b.iter(|| {
                for l in set {
                    black_box(idnsafe_script::analyze(black_box(l)));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

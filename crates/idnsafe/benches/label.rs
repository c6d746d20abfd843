//! One label end to end, as the audit and `check --protect` see it: script
//! set + restriction level (UTS #39 §5), confusable key (domain level) and
//! the protected-name lookup against Chromium's 4,989 top domains. ASCII
//! and IDN labels (U-labels of the real name lists) are measured apart.

use std::collections::HashSet;
use std::hint::black_box;
use std::io::{BufRead, BufReader};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idnsafe_confusables::{Level, ProtectedIndex};
// The protected tier by default is `lookalike`: its key is what a check computes.

fn labels() -> (Vec<String>, Vec<String>) {
    let dir = idnsafe_tests::data_file("names");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut seen = HashSet::new();
    let (mut ascii, mut idn) = (Vec::new(), Vec::new());
    for f in files {
        let r = BufReader::new(flate2::read::MultiGzDecoder::new(std::fs::File::open(&f).unwrap()));
        for line in r.lines() {
            let line = line.unwrap();
            let Some(l) = line.trim().split('.').next() else { continue };
            if l.is_empty() || !seen.insert(l.to_owned()) {
                continue;
            }
            if l.starts_with("xn--") {
                if let Some(u) = idnsafe_idna::to_ulabel(l)
                    && idn.len() < 4000
                {
                    idn.push(u);
                }
            } else if ascii.len() < 4000 && seen.len() % 7 == 0 {
                ascii.push(l.to_owned());
            }
        }
    }
    (ascii, idn)
}

fn bench(c: &mut Criterion) {
    let list =
        std::fs::read_to_string(idnsafe_tests::data_file("top-domains/chromium_top_domains.list"))
            .unwrap();
    let index = ProtectedIndex::from_list(&list, Level::Lookalike).unwrap();
    let (ascii, idn) = labels();
    eprintln!(
        "{} ASCII labels, {} IDN labels; {} protected names",
        ascii.len(),
        idn.len(),
        index.len()
    );
    let mut g = c.benchmark_group("label_end_to_end");
    for (what, set) in [("ascii", &ascii), ("idn", &idn)] {
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function(what, |b| {
            let mut key = String::new();
            let mut hits = Vec::new();
            b.iter(|| {
                for l in set {
                    let level = idnsafe_script::restriction_level(black_box(l));
                    key.clear();
                    idnsafe_confusables::key_into(l, Level::Lookalike, &mut key);
                    hits.clear();
                    index.lookalikes_with_key(l, &key, &mut hits);
                    black_box((level, hits.len()));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

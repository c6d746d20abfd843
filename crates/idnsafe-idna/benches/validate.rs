//! IDNA2008 registration validation per label (`check_label`) on a
//! realistic label mix, ASCII and non-ASCII measured apart.
//!
//! The labels come from the real name lists in `shared/data/names/*.txt.gz`
//! (NSEC zone walks): every label left of the zone's suffix. The ASCII set is
//! the plain LDH labels; the non-ASCII set is the U-labels of the `xn--`
//! labels, decoded with `check_name(..).to_unicode()`. Each set is a
//! deterministic, evenly strided sample of the distinct labels (files in
//! name order, labels in file order) of at most [`SAMPLE`] labels.
//!
//! The two sets are also written to `/tmp/idnsafe-labels-ascii.txt` and
//! `/tmp/idnsafe-labels-unicode.txt`, one label a line, so that
//! `benches/python_idna.py` times Python's `idna` package on exactly the
//! same labels.
//!
//! Run: `cargo bench -p idnsafe-idna --bench validate`; per-label time is
//! the reported time divided by the set size printed first (criterion also
//! prints the throughput in labels per second).

use std::collections::HashSet;
use std::hint::black_box;
use std::io::{BufRead, BufReader};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flate2::read::MultiGzDecoder;
use idnsafe_idna::{check_label, check_line, check_name};

/// Labels per set.
const SAMPLE: usize = 4000;

pub const ASCII_OUT: &str = "/tmp/idnsafe-labels-ascii.txt";
pub const UNICODE_OUT: &str = "/tmp/idnsafe-labels-unicode.txt";

/// The distinct labels of every name list, left of each name's last label
/// (the zone), in a fixed order: (ASCII LDH labels, A-labels).
fn read_labels() -> (Vec<String>, Vec<String>) {
    let dir = idnsafe_tests::data_file("names");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".txt.gz"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no name lists in {}", dir.display());
    let mut seen = HashSet::new();
    let (mut ascii, mut alabels) = (Vec::new(), Vec::new());
    for f in files {
        let file = std::fs::File::open(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for line in BufReader::new(MultiGzDecoder::new(file)).lines() {
            let line = line.unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let name = line.trim().trim_end_matches('.').to_ascii_lowercase();
            let Some((left, _zone)) = name.rsplit_once('.') else { continue };
            for label in left.split('.') {
                if label.is_empty() || !seen.insert(label.to_owned()) {
                    continue;
                }
                if label.starts_with("xn--") {
                    alabels.push(label.to_owned());
                } else {
                    ascii.push(label.to_owned());
                }
            }
        }
    }
    (ascii, alabels)
}

/// An evenly strided sample of at most `n` items.
fn sample(v: Vec<String>, n: usize) -> Vec<String> {
    if v.len() <= n {
        return v;
    }
    let step = v.len() as f64 / n as f64;
    (0..n).filter_map(|i| v.get((i as f64 * step) as usize).cloned()).collect()
}

fn label_sets() -> (Vec<String>, Vec<String>) {
    let (ascii, alabels) = read_labels();
    let ascii = sample(ascii, SAMPLE);
    let unicode: Vec<String> = alabels
        .iter()
        .filter_map(|a| check_name(a).to_unicode())
        .filter(|u| !u.is_ascii())
        .collect();
    let unicode = sample(unicode, SAMPLE);
    for (path, set) in [(ASCII_OUT, &ascii), (UNICODE_OUT, &unicode)] {
        let mut text = set.join("\n");
        text.push('\n');
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    (ascii, unicode)
}

fn bench(c: &mut Criterion) {
    let (ascii, unicode) = label_sets();
    for (what, set) in [("ascii", &ascii), ("unicode", &unicode)] {
        let valid = set.iter().filter(|l| check_label(l).is_ok()).count();
        let bytes: usize = set.iter().map(String::len).sum();
        eprintln!(
            "{what}: {} labels ({valid} valid IDNA2008, mean {:.1} bytes), written for python_idna.py",
            set.len(),
            bytes as f64 / set.len().max(1) as f64
        );
    }

    let sets = [("ascii", &ascii), ("unicode", &unicode)];
    per_label(c, "check_label", sets, |l| {
        black_box(check_label(l));
    });
    // The allocation-free registration-validity answer used on hot paths
    // (same result as check_label(..).is_ok(), tested in tests/properties.rs).
    per_label(c, "is_valid_label", sets, |l| {
        black_box(idnsafe_idna::is_valid_label(l));
    });

    // The input bound: a 1 MB line is refused without being examined.
    let mut g = c.benchmark_group("check_line");
    let huge = vec![b'a'; 1 << 20];
    g.bench_function("1MB_line_too_long", |b| b.iter(|| black_box(check_line(black_box(&huge)))));
    g.finish();
}

/// One benchmark group running `f` on every label of each set.
fn per_label(c: &mut Criterion, group: &str, sets: [(&str, &Vec<String>); 2], f: impl Fn(&str)) {
    let mut g = c.benchmark_group(group);
    g.sample_size(30);
    for (what, set) in sets {
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function(what, |b| {
            b.iter(|| {
                for l in set {
                    f(black_box(l));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

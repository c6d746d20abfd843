//! Skeleton and protected-name lookup speed on real labels.
//!
//! Labels: the zone-walk lists in `../shared/data/names` (ASCII and IDN
//! separately, 4,000 distinct labels each); protected names: Chromium's
//! 4,989 top domains. Throughput is per label.

use std::hint::black_box;
use std::io::Read;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idnsafe_confusables::{Level, ProtectedIndex, key_into, skeleton_into};

const PER_KIND: usize = 4000;

fn labels() -> (Vec<String>, Vec<String>) {
    let (mut ascii, mut idn) = (Vec::new(), Vec::new());
    for file in ["nu", "kz", "li", "lol", "ee", "xn--80ao21a", "xn--54b7fta0cc", "xn--mgbayh7gpa"] {
        let path = idnsafe_tests::data_file(&format!("names/{file}.txt.gz"));
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        let mut ascii_here = 0;
        for name in text.lines() {
            let first = name.split('.').next().unwrap_or("");
            if let Some(_puny) = first.strip_prefix("xn--") {
                let (u, r) = idna::domain_to_unicode(first);
                if r.is_ok() && idn.len() < PER_KIND {
                    idn.push(u);
                }
            } else if !first.is_empty() && ascii_here < PER_KIND / 8 {
                // A few hundred from each zone, for a realistic mix.
                ascii.push(first.to_owned());
                ascii_here += 1;
            }
        }
    }
    ascii.truncate(PER_KIND);
    idn.sort();
    idn.dedup();
    // bench-icu/run.sh times ICU on exactly these labels.
    if let Some(dir) = std::env::var_os("IDNSAFE_BENCH_LABELS_OUT") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join("ascii.txt"), ascii.join("\n") + "\n").unwrap();
        std::fs::write(dir.join("idn.txt"), idn.join("\n") + "\n").unwrap();
    }
    (ascii, idn)
}

fn bench(c: &mut Criterion) {
    let (ascii, idn) = labels();
    let top = idnsafe_tests::read_text("top-domains/chromium_top_domains.list");
    let index = ProtectedIndex::from_list(&top, Level::Identical).unwrap();
    eprintln!(
        "{} ASCII labels, {} IDN labels, {} protected names",
        ascii.len(),
        idn.len(),
        index.len()
    );

    for (kind, set) in [("ascii", &ascii), ("idn", &idn)] {
        let mut g = c.benchmark_group(format!("confusables/{kind}"));
        g.throughput(Throughput::Elements(set.len() as u64));
        let mut buf = String::new();
        g.bench_function("skeleton_uts39", |b| {
            b.iter(|| {
                for l in set.iter() {
                    skeleton_into(black_box(l), &mut buf);
                    black_box(&buf);
                }
            })
        });
        g.bench_function("skeleton_unicode_security", |b| {
            b.iter(|| {
                for l in set.iter() {
                    buf.clear();
                    buf.extend(unicode_security::skeleton(black_box(l)));
                    black_box(&buf);
                }
            })
        });
        g.bench_function("key_domain", |b| {
            b.iter(|| {
                for l in set.iter() {
                    key_into(black_box(l), Level::Identical, &mut buf);
                    black_box(&buf);
                }
            })
        });
        let mut hits = Vec::new();
        g.bench_function("lookup_chromium_domain", |b| {
            b.iter(|| {
                for l in set.iter() {
                    hits.clear();
                    index.lookalikes_into(black_box(l), &mut buf, &mut hits);
                    black_box(&hits);
                }
            })
        });
        g.bench_function("near_lookup_chromium_domain", |b| {
            b.iter(|| {
                for l in set.iter() {
                    black_box(index.near_lookalikes(black_box(l)));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

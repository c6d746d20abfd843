//! Throughput of the zone readers on a synthetic CZDS zone held in memory:
//! 1M records (about 400k delegated names with 2-3 NS records each), plain
//! and gzip-compressed, against memchr line counting and flate2 alone.
//!
//! `cargo bench -p idnsafe-zone --bench zone`

use std::io::{Cursor, Read, Write};
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idnsafe_zone::{ItemRef, ReaderOptions, distinct_registered};

const RECORDS: usize = 1_000_000;

/// A CZDS-style zone: lower-case, tab-separated, fully qualified.
fn synthetic_czds() -> Vec<u8> {
    let mut v = Vec::with_capacity(RECORDS * 60);
    v.extend_from_slice(
        b"com.\t900\tin\tsoa\ta.gtld-servers.net.\tnstld.verisign-grs.com.\t1764288000\t1800\t900\t604800\t86400\n",
    );
    let mut records = 1;
    let mut i = 0u64;
    while records < RECORDS {
        // Scatter names and hosts so that nothing is trivially repetitive.
        let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let name = format!(
            "{}{:x}",
            ["shop", "my", "best", "xn--bcher-kva", "the"][(h % 5) as usize],
            h >> 40
        );
        let ns = if i.is_multiple_of(2) { 2 } else { 3 };
        for k in 0..ns {
            writeln!(v, "{name}.com.\t172800\tin\tns\tns{k}.host{}.net.", (h >> 20) % 5000)
                .unwrap();
            records += 1;
        }
        i += 1;
    }
    v
}

fn reader_over(bytes: &Arc<[u8]>) -> idnsafe_zone::Reader {
    ReaderOptions::new().from_read(Cursor::new(Arc::clone(bytes)), None)
}

fn bench(c: &mut Criterion) {
    let text: Arc<[u8]> = synthetic_czds().into();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&text).unwrap();
    let gz: Arc<[u8]> = enc.finish().unwrap().into();

    let mut g = c.benchmark_group("czds_plain");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("memchr_line_count_baseline", |b| {
        b.iter(|| memchr::memchr_iter(b'\n', &text).count())
    });
    g.bench_function("next_item_scan", |b| {
        b.iter(|| {
            let mut r = reader_over(&text);
            let mut n = 0u64;
            while let Some(item) = r.next_item() {
                if let ItemRef::Record(rec) = item {
                    n += rec.name.len() as u64;
                }
            }
            n
        })
    });
    g.bench_function("distinct_registered", |b| {
        b.iter(|| {
            let mut r = reader_over(&text);
            distinct_registered(&mut r, None, |_| {}).unwrap().len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("czds_gzip");
    g.sample_size(10);
    // Throughput in uncompressed bytes, so the two lines compare directly.
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("flate2_decompress_only", |b| {
        b.iter(|| {
            let mut d = flate2::read::MultiGzDecoder::new(Cursor::new(Arc::clone(&gz)));
            let mut buf = vec![0u8; 256 * 1024];
            let mut n = 0usize;
            loop {
                let k = d.read(&mut buf).unwrap();
                if k == 0 {
                    break n;
                }
                n += k;
            }
        })
    });
    g.bench_function("next_item_scan_gzip", |b| {
        b.iter(|| {
            let mut r = reader_over(&gz);
            let mut n = 0u64;
            while let Some(item) = r.next_item() {
                if let ItemRef::Record(_) = item {
                    n += 1;
                }
            }
            n
        })
    });
    g.bench_function("next_item_scan_gzip_background", |b| {
        b.iter(|| {
            let mut r = ReaderOptions::new()
                .decompress_in_background(true)
                .from_read(Cursor::new(Arc::clone(&gz)), None);
            let mut n = 0u64;
            while let Some(item) = r.next_item() {
                if let ItemRef::Record(_) = item {
                    n += 1;
                }
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Protected-name index at registry scale: 1,000,000 names.
//!
//! Names: every name of the zone-walk lists in `$IDNSAFE_SHARED_DATA/names`
//! (about 977,000), topped up to 1,000,000 with deterministic pseudo-random
//! pronounceable names. Printed (plain timings, one run each): build time,
//! file size, and, in a fresh child process so that the builder's memory does
//! not count, open time and resident memory (VmRSS) before opening, after
//! opening and after a `check` of 10 names. Criterion then times lookups on
//! the opened index.
//!
//! `cargo bench -p idnsafe-confusables --bench index`

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, Throughput};
use idnsafe_confusables::{Level, ProtectedIndex, ProtectedIndexBuilder};

const N: usize = 1_000_000;
const OPEN_ENV: &str = "IDNSAFE_BENCH_INDEX_OPEN";
/// The 10 labels of the measured `check`: lookalikes, near misses, misses.
const CHECK: [&str; 10] = [
    "pаypal",
    "g00gle",
    "аррӏе",
    "paypall",
    "wikipedia",
    "xn--e1afmkfd",
    "amaz0n",
    "kaubamaja",
    "zzqqxxjj",
    "bаnk",
];

/// Deterministic xorshift64*.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn synthetic(rng: &mut Rng) -> String {
    const ONSETS: [&str; 24] = [
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
        "st", "tr", "bl", "ch", "sh", "gr",
    ];
    const VOWELS: [&str; 8] = ["a", "e", "i", "o", "u", "y", "ai", "ou"];
    const TLDS: [&str; 8] = ["com", "net", "org", "de", "shop", "app", "io", "co.uk"];
    let mut s = String::new();
    for _ in 0..2 + rng.next() % 4 {
        s.push_str(rng.pick(&ONSETS));
        s.push_str(rng.pick(&VOWELS));
    }
    match rng.next() % 10 {
        0 => s.push_str(&(rng.next() % 100).to_string()),
        1 => {
            s.push('-');
            s.push_str(rng.pick(&ONSETS));
            s.push_str(rng.pick(&VOWELS));
        }
        _ => {}
    }
    s.push('.');
    s.push_str(rng.pick(&TLDS));
    s
}

fn names() -> Vec<String> {
    let dir = idnsafe_tests::data_file("names");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".txt.gz"))
        .collect();
    files.sort();
    let mut out = Vec::with_capacity(N);
    for path in files {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        out.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_owned));
    }
    out.truncate(N);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    while out.len() < N {
        out.push(synthetic(&mut rng));
    }
    out
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// User + system CPU seconds of this process so far (the machine may be
/// shared, so wall time alone can mislead).
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    // Fields 14 and 15 (utime, stime) are 11 and 12 after the command.
    let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    ticks as f64 / 100.0
}

fn open(path: &Path) -> ProtectedIndex {
    ProtectedIndex::open(path).unwrap()
}

/// The child process: open, check 10 names, report time and memory.
fn child(path: &Path) {
    let before = rss_kib();
    let t = Instant::now();
    let index = open(path);
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let opened = rss_kib();
    let t = Instant::now();
    let mut hits = 0;
    for label in CHECK {
        let label = idnsafe_confusables::decode_label(label).unwrap();
        hits += index.lookalikes(&label).len()
            + index.near_lookalikes(&label).len()
            + index.exact(&label).len();
    }
    let check_us = t.elapsed().as_secs_f64() * 1e6;
    let checked = rss_kib();
    println!("open: {open_ms:.1} ms ({} names, {} keys)", index.len(), index.key_count());
    println!("check of 10 names: {check_us:.0} us, {hits} matches");
    println!(
        "VmRSS: {before} KiB before open, {opened} KiB after open (+{} KiB), {checked} KiB after the check (+{} KiB)",
        opened - before,
        checked - before
    );
}

fn main() {
    if let Some(path) = std::env::var_os(OPEN_ENV) {
        child(Path::new(&path));
        return;
    }
    let names = names();
    let list = names.join("\n");
    let (t, cpu) = (Instant::now(), cpu_s());
    let mut b = ProtectedIndexBuilder::new(Level::Identical);
    b.add_list(&list).unwrap();
    let index = b.build().unwrap();
    let build_s = t.elapsed().as_secs_f64();
    let build_cpu = cpu_s() - cpu;
    let dir = std::env::temp_dir().join(format!("idnsafe-bench-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("protected.idx");
    index.save(&path).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "build: {build_s:.2} s ({build_cpu:.2} s of CPU) for {} names ({} keys); file {:.1} MB",
        index.len(),
        index.key_count(),
        size as f64 / 1e6
    );
    drop(index);

    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(OPEN_ENV, &path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    print!("{}", String::from_utf8_lossy(&out.stdout));

    // Lookups on the opened file: 1,000 labels, a tenth of them edited
    // listed names (hits), the rest synthetic (mostly misses).
    let index = open(&path);
    let mut rng = Rng(42);
    let labels: Vec<String> = (0..1000)
        .map(|i| {
            if i % 10 == 0 {
                let name = &names[(rng.next() % N as u64) as usize];
                name.split('.').next().unwrap().replace('o', "0")
            } else {
                synthetic(&mut rng).split('.').next().unwrap().to_owned()
            }
        })
        .collect();
    let mut c = Criterion::default().configure_from_args().sample_size(20);
    let mut g = c.benchmark_group("index_1m");
    g.throughput(Throughput::Elements(labels.len() as u64));
    let (mut buf, mut hits) = (String::new(), Vec::new());
    g.bench_function("lookalikes", |b| {
        b.iter(|| {
            for l in &labels {
                hits.clear();
                index.lookalikes_into(black_box(l), &mut buf, &mut hits);
                black_box(&hits);
            }
        })
    });
    g.bench_function("near_lookalikes", |b| {
        b.iter(|| {
            for l in &labels {
                black_box(index.near_lookalikes(black_box(l)));
            }
        })
    });
    g.finish();
    c.final_summary();
    std::fs::remove_dir_all(&dir).unwrap();
}

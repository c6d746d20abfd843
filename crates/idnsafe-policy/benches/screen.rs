//! Pre-registration screening against a registry state of 1,000,000 names
//! under the `gtld-reference` policy (ICANN's Second-Level Reference LGRs).
//!
//! The registry state is built from the real name lists of the shared data
//! (every label of `names/*.txt.gz`, about 975,000, topped up to 1,000,000
//! with numbered copies), placed under the policy's zone. Candidates are
//! other real labels: ASCII and IDN measured separately, each with and
//! without the bundle.

use std::collections::HashSet;
use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idnsafe_policy::{Policy, RegistryState, Request, SearchPath};

const STATE: usize = 1_000_000;

fn labels() -> Vec<String> {
    let dir = idnsafe_tests::data_file("names");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for f in files {
        let r = BufReader::new(flate2::read::MultiGzDecoder::new(std::fs::File::open(&f).unwrap()));
        for line in r.lines() {
            let line = line.unwrap();
            if let Some(l) = line.trim().split('.').next()
                && !l.is_empty()
                && seen.insert(l.to_owned())
            {
                out.push(l.to_owned());
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let path = idnsafe_tests::repo_file("tables/policies/gtld-reference.toml");
    let mut search = SearchPath::for_policy(&path);
    search.push(idnsafe_tests::data_file("lgr"));
    let t = Instant::now();
    let policy = Policy::load_with(&path, &search).unwrap();
    eprintln!("policy gtld-reference loaded in {:.3} s", t.elapsed().as_secs_f64());
    let all = labels();
    // Hold back every 10th label as a candidate; the rest (topped up) is the state.
    let (mut state_labels, mut cands) = (Vec::new(), Vec::new());
    for (i, l) in all.iter().enumerate() {
        if i % 10 == 0 { cands.push(l.clone()) } else { state_labels.push(l.clone()) }
    }
    let mut k = 0;
    while state_labels.len() < STATE {
        state_labels.push(format!("{}{k}", all[k % all.len()].trim_start_matches("xn--")));
        k += 1;
    }
    state_labels.truncate(STATE);
    let names: Vec<String> = state_labels.iter().map(|l| format!("{l}.example")).collect();
    let t = Instant::now();
    let state = RegistryState::build(&policy, names.iter().map(|n| (n.as_str(), Some("r1"))));
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "state: {} names built in {secs:.3} s ({:.3} s per million), {} heap bytes ({:.1} bytes/name)",
        state.len(),
        secs * 1e6 / state.len() as f64,
        state.heap_bytes(),
        state.heap_bytes() as f64 / state.len() as f64
    );
    let ascii: Vec<String> = cands
        .iter()
        .filter(|l| !l.starts_with("xn--"))
        .take(5000)
        .map(|l| format!("{l}.example"))
        .collect();
    let idn: Vec<String> = cands
        .iter()
        .filter(|l| l.starts_with("xn--"))
        .take(2000)
        .map(|l| format!("{l}.example"))
        .collect();
    eprintln!("candidates: {} ASCII, {} IDN", ascii.len(), idn.len());
    let full = Request { registrant: Some("r2"), ..Request::default() };
    let check = Request { without_bundle: true, ..full };
    let mut g = c.benchmark_group("screen_1m_state");
    g.sample_size(10);
    // The full decision (with the bundle of up to 16 variant labels the
    // policy lists), and the decision alone (`without_bundle`, what an
    // availability check or a bulk screen asks for).
    for (what, set, req) in [
        ("ascii", &ascii, full),
        ("idn", &idn, full),
        ("ascii_without_bundle", &ascii, check),
        ("idn_without_bundle", &idn, check),
    ] {
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function(what, |b| {
            b.iter(|| {
                for n in set {
                    black_box(policy.screen(&state, black_box(n), req));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

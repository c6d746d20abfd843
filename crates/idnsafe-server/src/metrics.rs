//! Prometheus text metrics: requests by route and status, latency
//! histograms by route, decisions by verdict and by reason code.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    /// Route, then status.
    requests: BTreeMap<String, BTreeMap<u16, u64>>,
    latency: BTreeMap<String, Histogram>,
    decisions: BTreeMap<String, u64>,
    reasons: BTreeMap<String, u64>,
}

/// The counter under `key`, allocating the key only the first time.
fn slot<'m, V: Default>(m: &'m mut BTreeMap<String, V>, key: &str) -> Option<&'m mut V> {
    if !m.contains_key(key) {
        m.insert(key.to_owned(), V::default());
    }
    m.get_mut(key)
}

/// The service's counters (one lock, held for a few map updates).
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        match self.inner.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        }
    }

    /// One request answered.
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        self.with(|m| {
            if let Some(by_status) = slot(&mut m.requests, route) {
                *by_status.entry(status).or_default() += 1;
            }
            if let Some(h) = slot(&mut m.latency, route) {
                h.count += 1;
                h.sum += secs;
                if let Some(i) = BUCKETS.iter().position(|&b| secs <= b)
                    && let Some(c) = h.counts.get_mut(i)
                {
                    *c += 1;
                }
            }
        });
    }

    /// Decisions made, with their reason codes.
    pub fn decisions<'a>(&self, items: impl IntoIterator<Item = (&'a str, Vec<&'a str>)>) {
        self.with(|m| {
            for (verdict, codes) in items {
                if let Some(n) = slot(&mut m.decisions, verdict) {
                    *n += 1;
                }
                for c in codes {
                    if let Some(n) = slot(&mut m.reasons, c) {
                        *n += 1;
                    }
                }
            }
        });
    }

    /// The Prometheus text exposition, with the gauges given.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        self.with(|m| {
            let _ = writeln!(out, "# HELP idnsafe_requests_total HTTP requests answered.");
            let _ = writeln!(out, "# TYPE idnsafe_requests_total counter");
            for (route, by_status) in &m.requests {
                for (status, n) in by_status {
                    let _ = writeln!(
                        out,
                        "idnsafe_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                        escape(route)
                    );
                }
            }
            let _ = writeln!(out, "# HELP idnsafe_request_seconds Time to answer a request.");
            let _ = writeln!(out, "# TYPE idnsafe_request_seconds histogram");
            for (route, h) in &m.latency {
                let r = escape(route);
                let mut cum = 0;
                for (b, c) in BUCKETS.iter().zip(h.counts.iter()) {
                    cum += c;
                    let _ = writeln!(
                        out,
                        "idnsafe_request_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {cum}"
                    );
                }
                let _ = writeln!(
                    out,
                    "idnsafe_request_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(out, "idnsafe_request_seconds_sum{{route=\"{r}\"}} {}", h.sum);
                let _ = writeln!(out, "idnsafe_request_seconds_count{{route=\"{r}\"}} {}", h.count);
            }
            let _ =
                writeln!(out, "# HELP idnsafe_decisions_total Screening decisions, by verdict.");
            let _ = writeln!(out, "# TYPE idnsafe_decisions_total counter");
            for (d, n) in &m.decisions {
                let _ = writeln!(out, "idnsafe_decisions_total{{decision=\"{}\"}} {n}", escape(d));
            }
            let _ = writeln!(out, "# HELP idnsafe_reasons_total Reasons given, by code.");
            let _ = writeln!(out, "# TYPE idnsafe_reasons_total counter");
            for (c, n) in &m.reasons {
                let _ = writeln!(out, "idnsafe_reasons_total{{code=\"{}\"}} {n}", escape(c));
            }
        });
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
            let _ = writeln!(out, "{name} {v}");
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

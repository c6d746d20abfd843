//! `idnsafe audit [--json] [--protect FILE] [--policy FILE] [--origin ZONE]
//! [--threads N] [--summary FILE] FILE...`: invalid registrations, homograph
//! clusters, variant clusters and lookalikes of protected names.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use idnsafe::audit::{AuditOptions, AuditProgress, Finding, audit};

use super::CliError;

#[derive(clap::Args)]
pub struct AuditArgs {
    /// Print each finding as a JSON line (default: one readable line per finding).
    #[arg(long)]
    json: bool,
    /// Protected names: a list (one per line, # comments) or an index built by `idnsafe index build`.
    #[arg(long, value_name = "FILE")]
    protect: Option<PathBuf>,
    /// A registry policy (a bundled name such as `cn`, or a TOML file): its rules join the `invalid` check, its IDN tables give variant clusters.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The zone's origin (e.g. `com`) when the files do not name it in an SOA record.
    #[arg(long, value_name = "ZONE")]
    origin: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Key level of homograph clusters inside the zone: identical (alias domain; the default, so
    /// that `müller` and `muller` are not a cluster), lookalike (alias loose) or uts39.
    #[arg(long, default_value = "identical")]
    level: String,
    /// Weakest tier at which lookalikes of protected names are reported: identical, lookalike
    /// (default) or near.
    #[arg(long, default_value = "lookalike")]
    tier: String,
    /// Which names to audit: `delegated` (default: the registrations, NS owners one label below
    /// a zone file's origin, every entry of a list) or `registrable` (the registrable domain, by
    /// the Public Suffix List, of every owner name: dig output, passive DNS, certificate names).
    #[arg(long, value_name = "WHICH", default_value = "delegated", value_parser = ["delegated", "registrable"])]
    names: String,
    /// Report progress on standard error even when it is not a terminal (one line a second);
    /// on a terminal a progress bar is shown anyway.
    #[arg(long)]
    progress: bool,
    /// Write a JSON summary (names read, distinct, findings by kind, seconds, data versions) here.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Zone files (RFC 1035 master files, CZDS, gzip) or name lists (one per line, or CSV with a `name` column).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: &AuditArgs) -> Result<(), CliError> {
    let level = args.level.parse().map_err(|_| {
        CliError::usage(format!(
            "unknown level {:?}; use identical, lookalike or uts39 (domain and loose are aliases)",
            args.level
        ))
    })?;
    let (_, tier) = super::level_and_tier(&args.tier, None)?;
    let protect = match &args.protect {
        Some(p) => Some(super::index::load_protected_list_at(p, tier.level())?),
        None => None,
    };
    let policy = match &args.policy {
        Some(p) => Some(super::load_policy(p)?),
        None => None,
    };
    for f in &args.files {
        if !f.exists() {
            return Err(CliError::usage(format!("{}: no such file", f.display())));
        }
    }
    let opts = AuditOptions {
        protect,
        policy,
        origin: args.origin.clone(),
        threads: args.threads,
        level: Some(level),
        tier: Some(tier),
        names: if args.names == "registrable" {
            idnsafe::audit::NameSelection::Registrable
        } else {
            idnsafe::audit::NameSelection::Delegated
        },
        progress: None,
    };
    let on_terminal = std::io::stderr().is_terminal();
    let progress = (on_terminal || args.progress).then(AuditProgress::default);
    let opts = AuditOptions { progress: progress.clone(), ..opts };
    let total: u64 =
        args.files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let reporter = progress.map(|p| Reporter::start(p, total, on_terminal));
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut io_err: Option<std::io::Error> = None;
    let summary = audit(&args.files, &opts, |f: &Finding| {
        if io_err.is_some() {
            return;
        }
        let r = if args.json {
            serde_json::to_writer(&mut out, f)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
        } else {
            let names = f.names.join(" ");
            let protected = f.protected.as_deref().map(|p| format!(" ~ {p}")).unwrap_or_default();
            let reasons: Vec<String> =
                f.reasons.iter().map(|r| format!("{}: {}", r.code, r.message)).collect();
            writeln!(out, "{} {names}{protected} | {}", f.kind.as_str(), reasons.join(" | "))
        };
        if let Err(e) = r {
            io_err = Some(e);
        }
    })
    .map_err(|e| CliError::usage(e.to_string()))?;
    if let Some(r) = reporter {
        r.stop();
    }
    if let Some(e) = io_err {
        return Err(e.into());
    }
    out.flush()?;
    let rate =
        if summary.seconds > 0.0 { summary.names_distinct as f64 / summary.seconds } else { 0.0 };
    let kinds: Vec<String> = summary.findings.iter().map(|(k, v)| format!("{k} {v}")).collect();
    eprintln!(
        "idnsafe audit: {} lines, {} names read, {} distinct ({} IDN), {} read errors; findings: {}; {:.2} s ({:.0} names/s)",
        summary.lines,
        summary.names_read,
        summary.names_distinct,
        summary.names_idn,
        summary.read_errors,
        if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") },
        summary.seconds,
        rate
    );
    // Where the records of each zone file went, so that few or no names
    // never reads as a clean zone.
    for z in &summary.zones {
        eprintln!("  {}", z.describe());
    }
    if summary.not_registrable > 0 {
        eprintln!(
            "  {} owner names have no registrable domain (a public suffix themselves, or not valid names)",
            summary.not_registrable
        );
    }
    if let Some(path) = &args.summary {
        let text =
            serde_json::to_string_pretty(&summary).map_err(|e| CliError::usage(e.to_string()))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

/// Shows an audit's progress on standard error while it runs: a bar on a
/// terminal (bytes read of the total, compressed input counted as read from
/// disk, names per second, time left), one line a second otherwise.
struct Reporter {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Reporter {
    fn start(p: AuditProgress, total: u64, bar: bool) -> Reporter {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let done = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let pb = bar.then(|| {
                let pb = indicatif::ProgressBar::new(total);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {msg} ({eta} left)",
                ) {
                    pb.set_style(style);
                }
                pb
            });
            let tick = std::time::Duration::from_millis(if bar { 200 } else { 1000 });
            let mut last_line = std::time::Instant::now();
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(100));
                let (bytes, names) = (p.bytes.get().min(total), p.names.get());
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                let rate = names as f64 / secs;
                let msg = if bytes >= total {
                    format!("{names} names read, analysing")
                } else {
                    format!("{names} names, {rate:.0} names/s")
                };
                match &pb {
                    Some(pb) => {
                        pb.set_position(bytes);
                        pb.set_message(msg);
                    }
                    None if last_line.elapsed() >= tick => {
                        last_line = std::time::Instant::now();
                        let left = if bytes > 0 && bytes < total {
                            format!(
                                ", about {:.0} s left",
                                (total - bytes) as f64 * secs / bytes as f64
                            )
                        } else {
                            String::new()
                        };
                        eprintln!(
                            "idnsafe audit: {:.1} of {:.1} MB read, {msg}{left}",
                            bytes as f64 / 1e6,
                            total as f64 / 1e6
                        );
                    }
                    None => {}
                }
            }
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
        });
        Reporter { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

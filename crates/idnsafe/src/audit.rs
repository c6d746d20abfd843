//! Bulk audit of zone files and name lists: invalid registrations,
//! homograph clusters, variant clusters and lookalikes of protected names.
//!
//! Data flow: each file gives its distinct registered names (a strict CZDS
//! file through the parallel fast scanner of `idnsafe-zone`, anything else
//! through its general streaming reader, whose bad lines become
//! `read_error` findings); then all names are analysed in parallel chunks
//! (rayon), IDN labels first so the ASCII pass can probe their skeleton
//! keys; per-name findings come out in input order, clusters after them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use idnsafe_confusables::{Level, ProtectedIndex, Tier};
use idnsafe_policy::{Policy, RegistryState, Request, Verdict};
use idnsafe_zone::{NameSink, NamesOptions, read_names};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;

/// Names analysed per parallel work item.
const CHUNK: usize = 16 * 1024;
/// Most names listed in one cluster finding (the count is always exact).
pub const MAX_CLUSTER_NAMES: usize = 1000;

/// What an audit looks for, and with what.
#[derive(Default)]
pub struct AuditOptions {
    /// Protected names (brands, famous marks ...).
    pub protect: Option<ProtectedIndex>,
    /// A registry policy: `invalid` also covers its rules, and its LGRs give `variant_cluster`.
    pub policy: Option<Policy>,
    /// The zone's origin when the files do not say (`com`); zone files
    /// otherwise take it from their SOA.
    pub origin: Option<String>,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Key level of homograph clusters (default `identical`).
    pub level: Option<Level>,
    /// Weakest tier of protected-name matches (default `lookalike`; the
    /// index should be built at this tier's level).
    pub tier: Option<Tier>,
    /// Which names of a file are audited (default: the registrations).
    pub names: NameSelection,
    /// Where to report progress while reading (input bytes and names).
    pub progress: Option<AuditProgress>,
}

/// Counters an audit updates while it reads, for a progress display:
/// input bytes consumed (compressed bytes of gzip files, so they compare
/// with the files' sizes) and names read.
#[derive(Clone, Debug, Default)]
pub struct AuditProgress {
    /// Input bytes read, over all files.
    pub bytes: idnsafe_zone::ByteCounter,
    /// Names read, over all files.
    pub names: idnsafe_zone::ByteCounter,
}

/// Which names of a file an audit takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameSelection {
    /// The registrations: names delegated directly under a zone file's
    /// origin (its first SOA's owner, or `origin`), every entry of a list.
    #[default]
    Delegated,
    /// The registrable domain (by the Public Suffix List, both sections,
    /// [`crate::psl`]) of every owner name of every record, whatever the
    /// file's zone structure: dig output, passive DNS, certificate names.
    Registrable,
}

/// The kinds of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A line of input that could not be read.
    ReadError,
    /// A zone file most of whose records are not under the origin its names
    /// were taken under (its first SOA's owner): the names audited are not
    /// the file's names.
    OutOfZone,
    /// A registered name that breaks IDNA2008 or the policy as it stands now.
    Invalid,
    /// Registered names sharing a skeleton, at least one of them an IDN.
    HomographCluster,
    /// Registered names that are variants of each other under the policy's LGRs.
    VariantCluster,
    /// A name that looks like a protected name but is not it.
    ConfusableWithProtected,
}

impl FindingKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::ReadError => "read_error",
            FindingKind::OutOfZone => "out_of_zone",
            FindingKind::Invalid => "invalid",
            FindingKind::HomographCluster => "homograph_cluster",
            FindingKind::VariantCluster => "variant_cluster",
            FindingKind::ConfusableWithProtected => "confusable_with_protected",
        }
    }
}

/// One reason in a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingReason {
    /// Stable code.
    pub code: String,
    /// For people.
    pub message: String,
    /// The input file, for read errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The 1-based line, for read errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// One finding: a JSON line of `idnsafe audit --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// The names involved (A-label form, as registered).
    pub names: Vec<String>,
    /// The protected name looked like, for `confusable_with_protected`.
    pub protected: Option<String>,
    /// Why, with stable codes.
    pub reasons: Vec<FindingReason>,
}

fn reason(code: impl Into<String>, message: impl Into<String>) -> FindingReason {
    FindingReason { code: code.into(), message: message.into(), file: None, line: None }
}

/// What an audit read and found: the `--summary` JSON.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditSummary {
    /// Files audited.
    pub files: Vec<String>,
    /// Input lines read.
    pub lines: u64,
    /// Registered names read (NS owners under the origin for zone files,
    /// entries for lists), before removing duplicates.
    pub names_read: u64,
    /// Distinct registered names.
    pub names_distinct: u64,
    /// Distinct names that are IDNs.
    pub names_idn: u64,
    /// Lines that gave an error record.
    pub read_errors: u64,
    /// Findings by kind.
    pub findings: BTreeMap<String, u64>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Which reader each file went through (`czds-fast` or the detected format).
    pub readers: Vec<String>,
    /// Which names were taken (`delegated` or `registrable`).
    pub names: NameSelection,
    /// For each zone file read for its delegations: where every record went
    /// (origin and where it came from, delegations, apex, hosts, records
    /// below the delegation level or outside the origin).
    pub zones: Vec<ZoneReport>,
    /// With `registrable`: owner names that have no registrable domain (a
    /// public suffix itself, or not a valid name).
    pub not_registrable: u64,
    /// Wall-clock seconds per phase (`read`, `dedupe`, `idn`, `names`, `clusters`).
    pub phases: BTreeMap<String, f64>,
    /// The data versions behind the keys.
    pub data_versions: Vec<crate::versions::DataVersion>,
}

/// Where the records of one zone file went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ZoneReport {
    /// The file.
    pub file: String,
    /// The counts.
    #[serde(flatten)]
    pub account: idnsafe_zone::ZoneAccount,
}

impl ZoneReport {
    /// One line for people: the origin and where every record went.
    pub fn describe(&self) -> String {
        let a = &self.account;
        let origin = match (&a.origin, a.origin_from.as_str()) {
            (Some(o), "soa") => format!("origin {} (from its first SOA record)", show_origin(o)),
            (Some(o), _) => format!("origin {}", show_origin(o)),
            (None, _) => "no origin (no SOA record and none given)".to_owned(),
        };
        let mut parts = vec![format!("{} delegation records (NS one label below)", a.delegations)];
        for (n, what) in [
            (a.apex, "at the apex"),
            (a.hosts, "other records one label below (hosts, not delegations)"),
            (a.below, "below the delegation level"),
            (a.outside, "outside the origin"),
            (a.unclassified, "not classified (before any SOA)"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let mut line =
            format!("{}: {origin}; {} records: {}", self.file, a.records, parts.join(", "));
        if !a.outside_examples.is_empty() {
            line.push_str(&format!(" (outside: {})", a.outside_examples.join(", ")));
        }
        line
    }

    /// Whether most records lie outside the origin.
    pub fn mostly_outside(&self) -> bool {
        let a = &self.account;
        a.records > 0 && (a.outside + a.unclassified) * 2 > a.records
    }
}

fn show_origin(o: &str) -> &str {
    if o.is_empty() { "." } else { o }
}

/// An audit that could not run at all (bad options, a thread pool).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditError(pub String);

impl std::fmt::Display for AuditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuditError {}

/// The distinct names of all inputs: labels in one arena, each with the
/// zone (origin) it sits under.
struct Names {
    arena: Vec<u8>,
    ends: Vec<u32>,
    zone_of: Vec<u16>,
    zones: Vec<String>,
    /// Every name so far came in strictly increasing (zone, label) order,
    /// so there are no repeats (CZDS files are sorted).
    sorted: bool,
    /// Indices of the IDN names (A-labels, or U-labels from lists).
    idn: Vec<u32>,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            arena: Vec::new(),
            ends: Vec::new(),
            zone_of: Vec::new(),
            zones: Vec::new(),
            sorted: true,
            idn: Vec::new(),
        }
    }
}

fn is_idn_label(l: &[u8]) -> bool {
    l.starts_with(b"xn--") || !l.is_ascii()
}

impl Names {
    fn len(&self) -> usize {
        self.ends.len()
    }
    fn label(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) as usize };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.arena.get(start..end).unwrap_or(&[])
    }
    fn zone(&self, i: usize) -> &str {
        self.zone_of.get(i).and_then(|&z| self.zones.get(z as usize)).map_or("", String::as_str)
    }
    fn full(&self, i: usize) -> String {
        let label = String::from_utf8_lossy(self.label(i));
        let zone = self.zone(i);
        if zone.is_empty() { label.into_owned() } else { format!("{label}.{zone}") }
    }
    fn zone_id(&mut self, zone: &str) -> u16 {
        if let Some(p) = self.zones.iter().position(|z| z == zone) {
            return u16::try_from(p).unwrap_or(u16::MAX);
        }
        self.zones.push(zone.to_owned());
        u16::try_from(self.zones.len() - 1).unwrap_or(u16::MAX)
    }
    fn push(&mut self, label: &[u8], zone: u16) {
        if let Some(n) = self.len().checked_sub(1)
            && self.sorted
            && (self.zone_of.get(n).copied().unwrap_or(0), self.label(n)) >= (zone, label)
        {
            self.sorted = false;
        }
        if is_idn_label(label)
            && let Ok(i) = u32::try_from(self.len())
        {
            self.idn.push(i);
        }
        self.arena.extend_from_slice(label);
        self.ends.push(u32::try_from(self.arena.len()).unwrap_or(u32::MAX));
        self.zone_of.push(zone);
    }
    /// Drops the names from index `n` on (a scan that turned out not to be
    /// strict CZDS). `sorted` may stay false, which only costs a dedupe pass.
    fn truncate(&mut self, n: usize) {
        let end = if n == 0 { 0 } else { self.ends.get(n - 1).copied().unwrap_or(0) as usize };
        self.arena.truncate(end);
        self.ends.truncate(n);
        self.zone_of.truncate(n);
        let keep = self.idn.partition_point(|&i| (i as usize) < n);
        self.idn.truncate(keep);
    }

    fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.capacity() * 4 + self.zone_of.capacity() * 2
    }
}

/// Runs an audit over `files`, handing each finding to `sink` (per-name
/// findings in input order, then clusters).
pub fn audit(
    files: &[PathBuf],
    opts: &AuditOptions,
    mut sink: impl FnMut(&Finding),
) -> Result<AuditSummary, AuditError> {
    let sources = files.iter().map(|f| f.display().to_string()).collect();
    run(sources, opts, &mut sink, |pool, names, summary, emit| {
        for file in files {
            let threads = if opts.threads > 0 { opts.threads } else { pool.current_num_threads() };
            read_file(file, opts, threads, names, summary, emit);
        }
    })
}

/// Runs an audit over names that do not come from a file (an Arrow
/// column, a data frame): each entry is read as a line of a name list
/// ([`idnsafe_zone::list_entry`]; a bad entry is a `read_error` finding
/// whose `line` is its 1-based position and whose `file` is `source`),
/// then audited as [`audit`] audits a list file.
pub fn audit_entries<'a>(
    entries: impl IntoIterator<Item = &'a [u8]>,
    source: &str,
    opts: &AuditOptions,
    mut sink: impl FnMut(&Finding),
) -> Result<AuditSummary, AuditError> {
    run(vec![source.to_owned()], opts, &mut sink, |_, names, summary, emit| {
        summary.readers.push("entries".to_owned());
        for (i, e) in entries.into_iter().enumerate() {
            summary.lines += 1;
            match idnsafe_zone::list_entry(e) {
                Ok(Some(name)) => {
                    summary.names_read += 1;
                    let (label, zone) = name.split_once('.').unwrap_or((&name, ""));
                    let z = names.zone_id(zone);
                    names.push(label.as_bytes(), z);
                }
                Ok(None) => {}
                Err((code, message)) => {
                    summary.read_errors += 1;
                    emit(&Finding {
                        kind: FindingKind::ReadError,
                        names: Vec::new(),
                        protected: None,
                        reasons: vec![FindingReason {
                            code: code.code().to_owned(),
                            message,
                            file: Some(source.to_owned()),
                            line: Some(i as u64 + 1),
                        }],
                    });
                }
            }
        }
    })
}

/// An audit: `read` puts the names of the sources into `names` (and read
/// errors through its sink), then they are deduplicated and analysed; the
/// summary counts the findings by kind.
fn run(
    sources: Vec<String>,
    opts: &AuditOptions,
    sink: &mut dyn FnMut(&Finding),
    read: impl FnOnce(&rayon::ThreadPool, &mut Names, &mut AuditSummary, &mut dyn FnMut(&Finding)),
) -> Result<AuditSummary, AuditError> {
    let started = Instant::now();
    let pool = worker_pool(opts)?;
    let mut summary = AuditSummary {
        files: sources,
        names: opts.names,
        data_versions: crate::versions::data_versions_with_policy(opts.policy.as_ref()),
        ..AuditSummary::default()
    };
    let mut findings: BTreeMap<String, u64> = BTreeMap::new();
    let mut count = |f: &Finding| {
        *findings.entry(f.kind.as_str().to_owned()).or_default() += 1;
        sink(f);
    };
    let mut names = Names::default();
    read(&pool, &mut names, &mut summary, &mut count);
    finish(names, opts, &pool, started, &mut summary, &mut count);
    summary.findings = findings;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn worker_pool(opts: &AuditOptions) -> Result<rayon::ThreadPool, AuditError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if opts.threads > 0 {
        builder = builder.num_threads(opts.threads);
    }
    builder.build().map_err(|e| AuditError(format!("cannot start worker threads: {e}")))
}

/// Distinct names, then the analysis: the part of an audit after reading.
fn finish(
    names: Names,
    opts: &AuditOptions,
    pool: &rayon::ThreadPool,
    started: Instant,
    summary: &mut AuditSummary,
    emit: &mut dyn FnMut(&Finding),
) {
    // Distinct across files (each file is already distinct within itself
    // unless it is a list with repeats): sorted check, else a hash set.
    summary.phases.insert("read".to_owned(), started.elapsed().as_secs_f64());
    let t = Instant::now();
    let names = dedupe(names);
    summary.phases.insert("dedupe".to_owned(), t.elapsed().as_secs_f64());
    summary.names_distinct = names.len() as u64;
    let level = opts.level.unwrap_or(Level::Identical);
    analyse(&names, opts, level, pool, summary, emit);
}

/// The finding for a read error; errors about the whole file name `file`.
fn read_error_finding(e: &idnsafe_zone::ReadError, file: &Path) -> Finding {
    Finding {
        kind: FindingKind::ReadError,
        names: Vec::new(),
        protected: None,
        reasons: vec![FindingReason {
            code: e.code().to_owned(),
            message: e.message().to_owned(),
            file: Some(e.file().map_or_else(|| file.display().to_string(), str::to_owned)),
            line: (e.line() > 0).then_some(e.line()),
        }],
    }
}

/// The audit's names as the zone readers' sink; read errors become
/// findings.
struct Sink<'a> {
    names: &'a mut Names,
    file: &'a Path,
    emit: &'a mut dyn FnMut(&Finding),
    /// With [`NameSelection::Registrable`]: the zone of the owner name being
    /// pushed (its registrable domain is worked out in `push`), and the
    /// count of owners without one.
    registrable: Option<(String, u64)>,
    /// Names read so far are published here every 64Ki names.
    progress: Option<idnsafe_zone::ByteCounter>,
}

impl Sink<'_> {
    #[inline]
    fn publish(&self) {
        if let Some(c) = &self.progress
            && self.names.len().is_multiple_of(65_536)
        {
            c.set(self.names.len() as u64);
        }
    }
}

impl NameSink for Sink<'_> {
    fn zone_id(&mut self, zone: &str) -> u16 {
        match &mut self.registrable {
            Some((pending, _)) => {
                pending.clear();
                pending.push_str(zone);
                0
            }
            None => self.names.zone_id(zone),
        }
    }
    fn push(&mut self, label: &[u8], zone: u16) {
        let Some((pending, skipped)) = &mut self.registrable else {
            self.names.push(label, zone);
            self.publish();
            return;
        };
        let label = String::from_utf8_lossy(label);
        let owner =
            if pending.is_empty() { label.into_owned() } else { format!("{label}.{pending}") };
        match crate::psl::split(&owner, crate::psl::Sections::All) {
            Some(p) => {
                let z = self.names.zone_id(&p.suffix);
                // Owners of one domain are adjacent in zone files: skip the
                // repeats here, the dedupe pass takes the rest.
                if !self.last_is(p.label.as_bytes(), z) {
                    self.names.push(p.label.as_bytes(), z);
                    self.publish();
                }
            }
            None => *skipped += 1,
        }
    }
    fn len(&self) -> usize {
        self.names.len()
    }
    fn last_is(&self, label: &[u8], zone: u16) -> bool {
        let n = self.names.len();
        n > 0 && self.names.zone_of.last() == Some(&zone) && self.names.label(n - 1) == label
    }
    fn truncate(&mut self, n: usize) {
        self.names.truncate(n);
    }
    fn error(&mut self, e: &idnsafe_zone::ReadError) {
        (self.emit)(&read_error_finding(e, self.file));
    }
}

/// Reads one file's names (the zone readers choose their fastest path).
fn read_file(
    file: &Path,
    opts: &AuditOptions,
    threads: usize,
    names: &mut Names,
    summary: &mut AuditSummary,
    emit: &mut dyn FnMut(&Finding),
) {
    let registrable = opts.names == NameSelection::Registrable;
    let ro = NamesOptions {
        origin: opts.origin.clone(),
        threads,
        all_owners: registrable,
        progress: opts.progress.as_ref().map(|p| p.bytes.clone()),
    };
    let mut sink = Sink {
        names,
        file,
        emit,
        registrable: registrable.then(|| (String::new(), 0)),
        progress: opts.progress.as_ref().map(|p| p.names.clone()),
    };
    let before = sink.names.len();
    let r = read_names(file, &ro, &mut sink);
    if let Some((_, skipped)) = sink.registrable {
        summary.not_registrable += skipped;
    }
    let pushed = (names.len() - before) as u64;
    if let Some(p) = &opts.progress {
        p.names.set(names.len() as u64);
    }
    if let Some(account) = r.zone {
        let report = ZoneReport { file: file.display().to_string(), account };
        if report.mostly_outside() {
            let a = &report.account;
            emit(&Finding {
                kind: FindingKind::OutOfZone,
                names: a.outside_examples.clone(),
                protected: None,
                reasons: vec![FindingReason {
                    code: "OUT_OF_ZONE".to_owned(),
                    message: format!(
                        "{} of the {} records of this file are not under the origin {} its registered names were taken from, so those names are not audited; give --origin, or --names registrable to audit the registrable domain of every owner name.",
                        a.outside + a.unclassified,
                        a.records,
                        a.origin.as_deref().map_or("(none)", show_origin),
                    ),
                    file: Some(report.file.clone()),
                    line: None,
                }],
            });
        }
        summary.zones.push(report);
    }
    summary.readers.push(r.reader);
    summary.lines += r.lines;
    summary.names_read += if registrable { pushed } else { r.names };
    summary.read_errors += r.errors;
}

/// Removes repeated (zone, label) pairs, keeping the first; cheap when the
/// input is already sorted (CZDS files are).
fn dedupe(names: Names) -> Names {
    let n = names.len();
    if names.sorted {
        return names;
    }
    let mut seen: rustc_hash::FxHashSet<(u16, &[u8])> = rustc_hash::FxHashSet::default();
    let mut out = Names { zones: names.zones.clone(), ..Names::default() };
    for i in 0..n {
        let z = names.zone_of.get(i).copied().unwrap_or(0);
        if seen.insert((z, names.label(i))) {
            out.push(names.label(i), z);
        }
    }
    out
}

/// The 64-bit fingerprint of a homograph-cluster key (a zone and a key):
/// the same for the same strings in every process running this build, so
/// that an audit split over machines can ship a set of IDN keys'
/// fingerprints to the workers ([`NameAuditor::idn_fingerprint`]). Not
/// collision-free: a match is a candidate, confirmed on the keys
/// themselves.
pub fn cluster_fingerprint(zone: &str, key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = FxHasher::default();
    zone.hash(&mut h);
    key.hash(&mut h);
    h.finish()
}

/// A one-bit-per-slot filter over fingerprints: the homograph check of every
/// ASCII name reads one bit of it (a few hundred kilobytes, cache-resident)
/// rather than probing the map of IDN keys (megabytes), and goes on to the
/// map only when the bit is set. Sixteen slots per key: about one ASCII name
/// in sixteen probes the map needlessly.
struct KeyFilter {
    bits: Vec<u64>,
    shift: u32,
}

impl KeyFilter {
    fn new(fps: impl Iterator<Item = u64>, count: usize) -> KeyFilter {
        let slots = (count.max(1) * 16).next_power_of_two().max(64);
        let shift = 64 - slots.trailing_zeros();
        let mut f = KeyFilter { bits: vec![0; slots / 64], shift };
        for x in fps {
            let i = f.slot(x);
            if let Some(w) = f.bits.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
        f
    }
    #[inline]
    fn slot(&self, fp: u64) -> usize {
        // Fx fingerprints are mixed again so that the top bits are uniform.
        (fp.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }
    #[inline]
    fn may_contain(&self, fp: u64) -> bool {
        let i = self.slot(fp);
        self.bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The findings of one chunk of names, and its ASCII names whose key is an
/// IDN's key (fingerprint, name index).
type ChunkOut = (Vec<Finding>, Vec<(u64, u32)>);

/// What the IDN pass learns about one name.
struct IdnInfo {
    idx: u32,
    ulabel: Option<String>,
    valid: bool,
    key: String,
    /// The key at the protected index's level when it is not `key`'s level.
    protect_key: Option<String>,
}

/// An audit one name at a time, for audits split over machines (the
/// Python package's Spark jobs): each name's own findings as [`audit`]
/// gives them, and the key on which homograph clusters are found. A
/// cluster is a (`zone`, `key`) shared by two or more distinct names, at
/// least one of them an IDN; [`homograph_cluster`] makes its finding.
/// Variant clusters are not found this way.
pub struct NameAuditor {
    opts: AuditOptions,
    level: Level,
    tier: Tier,
    /// The empty registry the policy judges each name against.
    no_state: RegistryState,
}

/// One name audited by [`NameAuditor`].
#[derive(Debug, Clone, Default)]
pub struct NameAudit {
    /// The name as an audit keeps it (trimmed, final dot removed, ASCII
    /// lower-cased); `None` for a blank entry, a comment or a read error.
    pub name: Option<String>,
    /// Its findings: `read_error`, `invalid`, `confusable_with_protected`.
    pub findings: Vec<Finding>,
    /// The zone (the name after its first label).
    pub zone: String,
    /// The homograph-cluster key of its first label at the auditor's level.
    pub key: String,
    /// True when the first label is an IDN (an A-label or non-ASCII).
    pub idn: bool,
    /// The key at the protected index's level, when it is another.
    protect_key: String,
}

/// Audits are equal when what they say is (their scratch buffer aside).
impl PartialEq for NameAudit {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name
            && self.findings == o.findings
            && self.zone == o.zone
            && self.key == o.key
            && self.idn == o.idn
    }
}

impl Eq for NameAudit {}

impl NameAuditor {
    /// An auditor with `opts` (protected names, policy, level and tier).
    pub fn new(opts: AuditOptions) -> Self {
        let level = opts.level.unwrap_or(Level::Identical);
        let tier = opts.tier.unwrap_or(Tier::Lookalike);
        NameAuditor { opts, level, tier, no_state: RegistryState::default() }
    }

    /// The level of the cluster keys.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Audits one entry, read as a line of a name list.
    pub fn entry(&self, line: &[u8]) -> NameAudit {
        let mut out = NameAudit::default();
        self.entry_into(line, &mut out);
        out
    }

    /// [`NameAuditor::entry`] into a reused result, whose strings keep
    /// their memory from entry to entry (a batch allocates little).
    pub fn entry_into(&self, line: &[u8], out: &mut NameAudit) {
        out.findings.clear();
        out.zone.clear();
        out.key.clear();
        out.idn = false;
        let mut name = out.name.take().unwrap_or_default();
        match idnsafe_zone::list_entry_into(line, &mut name) {
            Ok(true) => {}
            Ok(false) => return,
            Err((code, message)) => {
                out.findings.push(Finding {
                    kind: FindingKind::ReadError,
                    names: Vec::new(),
                    protected: None,
                    reasons: vec![reason(code.code(), message)],
                });
                return;
            }
        }
        let (label, zone, idn) = first_label(&name);
        out.zone.push_str(zone);
        out.idn = idn;
        let decoded = if idn { idnsafe_idna::to_ulabel(label) } else { None };
        let ulabel = decoded.as_deref().unwrap_or(label);
        let per_name = PerName { opts: &self.opts, tier: self.tier, no_state: &self.no_state };
        let full = || name.clone();
        per_name.invalid(idnsafe_idna::is_valid_label(label), &full, &mut out.findings);
        if let Some(p) = &self.opts.protect {
            // Both keys in one pass when the index keys at another level.
            let same = p.level() == self.level;
            if same {
                idnsafe_confusables::key_into(ulabel, self.level, &mut out.key);
            } else {
                idnsafe_confusables::keys_into(
                    ulabel,
                    self.level,
                    p.level(),
                    &mut out.key,
                    &mut out.protect_key,
                );
            }
            let pk = if same { &out.key } else { &out.protect_key };
            let mut matches = Vec::new();
            per_name.protected(ulabel, pk, &full, &mut matches, &mut out.findings);
        } else {
            idnsafe_confusables::key_into(ulabel, self.level, &mut out.key);
        }
        out.name = Some(name);
    }

    /// For an entry whose first label is an IDN, the [`cluster_fingerprint`]
    /// of its zone and key (as [`NameAuditor::entry`] gives them); `None`
    /// for any other entry (ASCII, blank, comment, unreadable). A split
    /// audit collects these first: only names whose fingerprint is among
    /// them can share a cluster with an IDN, so only those need shuffling.
    pub fn idn_fingerprint(&self, line: &[u8]) -> Option<u64> {
        let name = idnsafe_zone::list_entry(line).ok()??;
        let (label, zone, idn) = first_label(&name);
        if !idn {
            return None;
        }
        let decoded = idnsafe_idna::to_ulabel(label);
        let key = idnsafe_confusables::key(decoded.as_deref().unwrap_or(label), self.level);
        Some(cluster_fingerprint(zone, &key))
    }
}

/// A name's first label, its zone (the rest, without the dot) and whether
/// the label is an IDN: what [`NameAuditor`] keys a name by.
fn first_label(name: &str) -> (&str, &str, bool) {
    let (label, zone) = name.split_once('.').unwrap_or((name, ""));
    (label, zone, is_idn_label(label.as_bytes()))
}

/// The findings of one name on its own (invalid, lookalikes of protected
/// names), shared by [`audit`]'s pass over every name and by
/// [`NameAuditor`].
struct PerName<'a> {
    opts: &'a AuditOptions,
    tier: Tier,
    /// The policy judges each name on its own: against no registered
    /// names, and without listing bundles (only the verdict and reasons
    /// are used).
    no_state: &'a RegistryState,
}

impl PerName<'_> {
    /// `invalid`: IDNA2008 (`valid` is the label's fast verdict), then the policy.
    fn invalid(&self, valid: bool, full: &dyn Fn() -> String, out: &mut Vec<Finding>) {
        let invalid = |full: String, reasons: Vec<FindingReason>| Finding {
            kind: FindingKind::Invalid,
            names: vec![full],
            protected: None,
            reasons,
        };
        if !valid {
            let full = full();
            let r = idnsafe_idna::check_name(&full);
            let reasons = r.all_errors().map(|v| reason(v.code().as_str(), v.message())).collect();
            out.push(invalid(full, reasons));
        } else if let Some(p) = &self.opts.policy {
            let full = full();
            let alone = Request { without_bundle: true, ..Request::default() };
            let d = p.screen(self.no_state, &full, alone);
            if d.decision != Verdict::Accept {
                let reasons = d.reasons.into_iter().map(|r| reason(r.code, r.message)).collect();
                out.push(invalid(full, reasons));
            }
        }
    }

    /// `confusable_with_protected`: the label's lookalikes among the
    /// protected names (`protect_key`: its key at the index's level).
    fn protected<'p>(
        &'p self,
        ulabel: &str,
        protect_key: &str,
        full: &dyn Fn() -> String,
        matches: &mut Vec<idnsafe_confusables::ProtectedMatch<'p>>,
        out: &mut Vec<Finding>,
    ) {
        let Some(p) = &self.opts.protect else {
            return;
        };
        matches.clear();
        p.lookalikes_with_key(ulabel, protect_key, matches);
        if self.tier == Tier::Near {
            matches.extend(p.near_lookalikes(ulabel));
        }
        for m in matches.iter() {
            // The evidence at the audit's tier decides and explains.
            let Some(e) = idnsafe_confusables::explain(ulabel, m.label, self.tier) else {
                continue;
            };
            out.push(Finding {
                kind: FindingKind::ConfusableWithProtected,
                names: vec![full()],
                protected: Some(m.name.to_owned()),
                reasons: vec![reason(
                    "CONFUSABLE_PROTECTED",
                    format!(
                        "'{ulabel}' looks like the protected name '{}' ({}).",
                        m.name,
                        e.describe()
                    ),
                )],
            });
        }
    }
}

fn analyse(
    names: &Names,
    opts: &AuditOptions,
    level: Level,
    pool: &rayon::ThreadPool,
    summary: &mut AuditSummary,
    emit: &mut dyn FnMut(&Finding),
) {
    let n = names.len();
    let tier = opts.tier.unwrap_or(Tier::Lookalike);
    let t = Instant::now();
    // IDNs: A-labels, or U-labels given as they are in a name list.
    let is_idn = |i: usize| is_idn_label(names.label(i));
    // Pass 1: IDN names (A-labels): decoded once, checked once, keyed once.
    let idn_idx: &[u32] = &names.idn;
    summary.names_idn = idn_idx.len() as u64;
    // The protected index keys at its own level; share the key when it is ours.
    let protect_level = opts.protect.as_ref().map(ProtectedIndex::level);
    let protect_same_level = protect_level == Some(level);
    let idn: Vec<IdnInfo> = pool.install(|| {
        idn_idx
            .par_iter()
            .map(|&i| {
                let label = String::from_utf8_lossy(names.label(i as usize));
                let ulabel = idnsafe_idna::to_ulabel(&label);
                let u = ulabel.as_deref().unwrap_or(&label);
                let key = idnsafe_confusables::key(u, level);
                // Both keys here, so that the pass over every name only reads them.
                let protect_key =
                    protect_level.filter(|&l| l != level).map(|l| idnsafe_confusables::key(u, l));
                let valid = idnsafe_idna::is_valid_label(&label);
                IdnInfo { idx: i, valid, ulabel, key, protect_key }
            })
            .collect()
    });
    let idn_info = |i: usize| -> Option<&IdnInfo> {
        let p = idn_idx.binary_search(&u32::try_from(i).ok()?).ok()?;
        idn.get(p)
    };
    let mut idn_keys: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for (j, info) in idn.iter().enumerate() {
        idn_keys
            .entry(cluster_fingerprint(names.zone(info.idx as usize), &info.key))
            .or_default()
            .push(j as u32);
    }
    let idn_filter = KeyFilter::new(idn_keys.keys().copied(), idn_keys.len());
    summary.phases.insert("idn".to_owned(), t.elapsed().as_secs_f64());
    let t = Instant::now();
    // Pass 2: every name, in parallel chunks, findings in input order.
    let chunks: Vec<(usize, usize)> =
        (0..n).step_by(CHUNK).map(|s| (s, (s + CHUNK).min(n))).collect();
    let no_state = RegistryState::default();
    let per_name = PerName { opts, tier, no_state: &no_state };
    let per_chunk: Vec<ChunkOut> = pool.install(|| {
        chunks
            .par_iter()
            .map(|&(s, e)| {
                let mut out = Vec::new();
                let mut homograph_members: Vec<(u64, u32)> = Vec::new();
                let mut key = String::new();
                let mut matches = Vec::new();
                let mut key_buf = String::new();
                for i in s..e {
                    let raw = names.label(i);
                    let info = if is_idn(i) { idn_info(i) } else { None };
                    let label: std::borrow::Cow<'_, str> = String::from_utf8_lossy(raw);
                    let ulabel: &str = match info {
                        Some(x) => x.ulabel.as_deref().unwrap_or(&label),
                        None => &label,
                    };
                    // Invalid: IDNA2008 (fast path first), then the policy.
                    let valid = match info {
                        Some(x) => x.valid,
                        None => idnsafe_idna::is_valid_label(&label),
                    };
                    per_name.invalid(valid, &|| names.full(i), &mut out);
                    // The name's keys (at the zone's level, and at the
                    // protected index's when it differs): stored for IDNs,
                    // computed here for the others, both in one pass.
                    let (key_ref, protect_key): (&str, &str) = match info {
                        Some(x) => (&x.key, x.protect_key.as_deref().unwrap_or(&x.key)),
                        None => match protect_level {
                            Some(pl) if !protect_same_level => {
                                idnsafe_confusables::keys_into(
                                    ulabel,
                                    level,
                                    pl,
                                    &mut key,
                                    &mut key_buf,
                                );
                                (&key, &key_buf)
                            }
                            _ => {
                                idnsafe_confusables::key_into(ulabel, level, &mut key);
                                (&key, &key)
                            }
                        },
                    };
                    // ASCII names join a homograph cluster when their key is an IDN's key.
                    if info.is_none() && !idn_keys.is_empty() {
                        let f = cluster_fingerprint(names.zone(i), key_ref);
                        if idn_filter.may_contain(f) && idn_keys.contains_key(&f) {
                            homograph_members.push((f, i as u32));
                        }
                    }
                    per_name.protected(
                        ulabel,
                        protect_key,
                        &|| names.full(i),
                        &mut matches,
                        &mut out,
                    );
                }
                (out, homograph_members)
            })
            .collect()
    });
    summary.phases.insert("names".to_owned(), t.elapsed().as_secs_f64());
    let t = Instant::now();
    let mut ascii_members: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for (findings, members) in per_chunk {
        for f in &findings {
            emit(f);
        }
        for (f, i) in members {
            ascii_members.entry(f).or_default().push(i);
        }
    }
    // Homograph clusters: IDN keys shared by at least two distinct names.
    let mut clusters: Vec<Vec<u32>> = Vec::new();
    for (f, js) in &idn_keys {
        let mut members: Vec<u32> =
            js.iter().filter_map(|&j| idn.get(j as usize)).map(|x| x.idx).collect();
        if let Some(a) = ascii_members.get(f) {
            // Confirm the key (a 64-bit fingerprint collision costs nothing but a check).
            let key =
                js.first().and_then(|&j| idn.get(j as usize)).map(|x| x.key.as_str()).unwrap_or("");
            members.extend(a.iter().copied().filter(|&i| {
                idnsafe_confusables::key(&String::from_utf8_lossy(names.label(i as usize)), level)
                    == key
            }));
        }
        if members.len() >= 2 {
            members.sort_unstable();
            clusters.push(members);
        }
    }
    clusters.sort_unstable();
    for members in clusters {
        emit(&cluster_finding(FindingKind::HomographCluster, names, &members, level));
    }
    // Variant clusters under the policy's LGRs.
    if let Some(p) = &opts.policy {
        let keyed: Vec<(u64, u32)> = pool.install(|| {
            (0..n)
                .into_par_iter()
                .filter_map(|i| {
                    let full = names.full(i);
                    let label = full.split('.').next().unwrap_or("");
                    let u = idnsafe_idna::check_label(label).ulabel().map(str::to_owned)?;
                    let k = p.variant_key(&u)?;
                    Some((cluster_fingerprint(names.zone(i), &k), i as u32))
                })
                .collect()
        });
        let mut by_key: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        for (f, i) in keyed {
            by_key.entry(f).or_default().push(i);
        }
        // Equal keys are necessary; confirm each member against the first
        // (tables with contextual variants can share keys without being variants).
        let ulabel_of = |i: u32| -> String {
            let full = names.full(i as usize);
            let label = full.split('.').next().unwrap_or("");
            idnsafe_idna::check_label(label).ulabel().map(str::to_owned).unwrap_or_default()
        };
        let mut vclusters: Vec<Vec<u32>> = by_key
            .into_values()
            .filter(|v| v.len() >= 2)
            .map(|v| {
                let first = v.first().copied().map(ulabel_of).unwrap_or_default();
                let mut keep: Vec<u32> = v.first().copied().into_iter().collect();
                keep.extend(
                    v.iter().skip(1).copied().filter(|&i| p.are_variants(&first, &ulabel_of(i))),
                );
                keep
            })
            .filter(|v| v.len() >= 2)
            .collect();
        for v in &mut vclusters {
            v.sort_unstable();
        }
        vclusters.sort_unstable();
        for members in vclusters {
            emit(&cluster_finding(FindingKind::VariantCluster, names, &members, level));
        }
    }
    summary.phases.insert("clusters".to_owned(), t.elapsed().as_secs_f64());
    let _ = names.heap_bytes();
}

fn cluster_finding(kind: FindingKind, names: &Names, members: &[u32], level: Level) -> Finding {
    let listed: Vec<String> =
        members.iter().take(MAX_CLUSTER_NAMES).map(|&i| names.full(i as usize)).collect();
    cluster_of(kind, listed, members.len(), level)
}

/// A `homograph_cluster` finding for names found to share a key elsewhere
/// (a shuffle on [`NameAudit::key`] across machines): `names` are its
/// members, of which the first [`MAX_CLUSTER_NAMES`] are listed.
pub fn homograph_cluster(mut names: Vec<String>, level: Level) -> Finding {
    let total = names.len();
    names.truncate(MAX_CLUSTER_NAMES);
    cluster_of(FindingKind::HomographCluster, names, total, level)
}

fn cluster_of(kind: FindingKind, listed: Vec<String>, total: usize, level: Level) -> Finding {
    let (code, what) = match kind {
        FindingKind::VariantCluster => {
            ("VARIANT_CLUSTER", "are variants of each other under the policy's IDN tables")
        }
        _ => ("HOMOGRAPH_CLUSTER", "look alike (same skeleton)"),
    };
    let more = if total > MAX_CLUSTER_NAMES {
        format!(" ({total} names; the first {MAX_CLUSTER_NAMES} are listed)")
    } else {
        String::new()
    };
    Finding {
        kind,
        names: listed,
        protected: None,
        reasons: vec![reason(
            code,
            format!("These {total} registered names {what} at level {level}{more}."),
        )],
    }
}

/// Most findings a [`FindingsReport`] keeps for browsing; beyond it, they
/// are counted (by kind and cluster size) but not kept, and the report says
/// how many were left out.
pub const REPORT_MAX_KEPT: usize = 100_000;

/// Longest line of `audit --json` output read into a report.
pub const REPORT_MAX_LINE: usize = 1 << 20;

/// One finding read back from `idnsafe audit --json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct ReportFinding {
    /// `invalid`, `homograph_cluster`, ...
    pub kind: String,
    /// The names concerned.
    #[serde(default)]
    pub names: Vec<String>,
    /// The protected name, for `confusable_with_protected`.
    #[serde(default)]
    pub protected: Option<String>,
    /// Codes and messages.
    #[serde(default)]
    pub reasons: Vec<serde_json::Value>,
}

/// The findings of an audit (its JSON Lines), read a line at a time:
/// counts by kind, a histogram of cluster sizes, and the findings kept for
/// browsing. A line that is not a finding becomes a counted error with its
/// line number; the reading goes on.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingsReport {
    /// Lines read (blank lines included).
    pub lines: u64,
    /// Findings by kind.
    pub by_kind: std::collections::BTreeMap<String, u64>,
    /// Clusters (`homograph_cluster`, `variant_cluster`) by size.
    pub cluster_sizes: std::collections::BTreeMap<usize, u64>,
    /// Lines that are not findings: (line number, why); the first 100.
    pub errors: Vec<(u64, String)>,
    /// How many lines were not findings.
    pub error_count: u64,
    /// The findings kept, in input order (at most [`REPORT_MAX_KEPT`]).
    pub findings: Vec<ReportFinding>,
    /// Findings counted but not kept.
    pub not_kept: u64,
}

impl FindingsReport {
    fn fail(&mut self, why: String) {
        self.error_count += 1;
        if self.errors.len() < 100 {
            self.errors.push((self.lines, why));
        }
    }

    /// Counts a line longer than [`REPORT_MAX_LINE`] that the caller did
    /// not keep: an error with its line number.
    pub fn push_overlong(&mut self) {
        self.lines += 1;
        self.fail(format!("longer than {REPORT_MAX_LINE} bytes"));
    }

    /// Reads one line (without its newline).
    pub fn push_line(&mut self, line: &[u8]) {
        if line.len() > REPORT_MAX_LINE {
            self.push_overlong();
            return;
        }
        self.lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let f: ReportFinding = match serde_json::from_slice(line) {
            Ok(f) => f,
            Err(e) => {
                self.fail(format!("not a finding of `idnsafe audit --json`: {e}"));
                return;
            }
        };
        *self.by_kind.entry(f.kind.clone()).or_default() += 1;
        if f.kind.ends_with("_cluster") {
            *self.cluster_sizes.entry(f.names.len()).or_default() += 1;
        }
        if self.findings.len() < REPORT_MAX_KEPT {
            self.findings.push(f);
        } else {
            self.not_kept += 1;
        }
    }
}

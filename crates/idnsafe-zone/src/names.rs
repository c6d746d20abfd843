//! The registered names of files, whatever their format: one call
//! ([`read_names`]) that picks the fastest reader a file allows and hands
//! every (label, zone) pair to a [`NameSink`], and every unreadable line to
//! it as an error record.
//!
//! - A strict CZDS file (first line the zone's SOA, one record a line) is
//!   scanned in parallel byte ranges, or, gzip-compressed, inflated on one
//!   core and scanned on another ([`crate::czds`]). When the scan finds a
//!   line that is not strict CZDS, nothing of it is kept and the general
//!   reader takes the file.
//! - A master file gives its delegated names ([`RegisteredCollector`]).
//! - A name list or CSV gives each name, split at its first dot.

use std::path::Path;

use crate::{Format, ItemRef, ReadError, ReaderOptions, RegisteredCollector, czds};

/// Where [`read_names`] puts what it reads.
pub trait NameSink {
    /// The id of a zone (the same id for the same zone text).
    fn zone_id(&mut self, zone: &str) -> u16;
    /// One registered name: its first label and its zone's id.
    fn push(&mut self, label: &[u8], zone: u16);
    /// Number of names pushed so far.
    fn len(&self) -> usize;
    /// True when no name was pushed.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// True when the last name pushed is `label` in `zone`.
    fn last_is(&self, label: &[u8], zone: u16) -> bool;
    /// Forgets the names from index `n` on (a partial fast scan).
    fn truncate(&mut self, n: usize);
    /// A line or file that could not be read.
    fn error(&mut self, e: &ReadError);
}

/// How [`read_names`] reads.
#[derive(Debug, Clone, Default)]
pub struct NamesOptions {
    /// The zone of relative names (and of CZDS files without a first-line
    /// SOA); lower-cased, without its dots at either end.
    pub origin: Option<String>,
    /// Threads for the parallel CZDS scan (at least 1).
    pub threads: usize,
    /// Every record's owner name instead of the delegations under the
    /// origin (split at its first dot, as list entries are): for dig
    /// output, passive DNS and certificate name lists, whose owners the
    /// caller maps to registrable domains.
    pub all_owners: bool,
    /// Input bytes read are added here (for progress reports).
    pub progress: Option<crate::ByteCounter>,
}

/// What [`read_names`] did with one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileNames {
    /// The reader used: `czds-fast`, `czds-fast-gzip`, `zone`, `list`,
    /// `csv`, or `unreadable`.
    pub reader: String,
    /// Lines read.
    pub lines: u64,
    /// Names pushed.
    pub names: u64,
    /// Error records given to the sink.
    pub errors: u64,
    /// For a zone file read for its delegations: where every record went.
    pub zone: Option<crate::ZoneAccount>,
}

fn is_gzip(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 2];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok()
        && magic == [0x1f, 0x8b]
}

/// Reads the registered names of `file` into `sink` (see the module's
/// documentation). Never fails: an unreadable file is one error record.
pub fn read_names(file: &Path, opts: &NamesOptions, sink: &mut impl NameSink) -> FileNames {
    let base = opts.progress.as_ref().map(crate::ByteCounter::get);
    let out = read_names_inner(file, opts, sink, base);
    // Whatever path read it, the file counts once, whole.
    if let (Some(c), Some(b)) = (&opts.progress, base) {
        c.set(b + std::fs::metadata(file).map(|m| m.len()).unwrap_or(0));
    }
    out
}

fn read_names_inner(
    file: &Path,
    opts: &NamesOptions,
    sink: &mut impl NameSink,
    base: Option<u64>,
) -> FileNames {
    // A fast scan that gave up counted bytes the general reader reads again.
    let rewind = || {
        if let (Some(c), Some(b)) = (&opts.progress, base) {
            c.set(b);
        }
    };
    if opts.all_owners {
        // The fast CZDS scans keep delegations only.
    } else if is_gzip(file) {
        if let Some(done) = czds_gzip(file, opts, sink) {
            return done;
        }
    } else if let Some(done) = czds_fast(file, opts, sink) {
        return done;
    }
    rewind();
    let mut out = FileNames::default();
    let mut ro = ReaderOptions::new().decompress_in_background(true);
    if let Some(c) = &opts.progress {
        ro = ro.progress(c.clone());
    }
    if let Some(o) = &opts.origin {
        ro = ro.origin(o);
    }
    let mut reader = match ro.open(file) {
        Ok(r) => r,
        Err(e) => {
            out.errors += 1;
            sink.error(&e);
            out.reader = "unreadable".to_owned();
            return out;
        }
    };
    let format = reader.format();
    out.reader = format!("{format:?}").to_lowercase();
    if format == Format::Zone && !opts.all_owners {
        let mut collector = RegisteredCollector::new(opts.origin.as_deref());
        while let Some(item) = reader.next_item() {
            match item {
                ItemRef::Record(r) => {
                    collector.push(&r);
                }
                ItemRef::Error(e) => {
                    out.errors += 1;
                    sink.error(e);
                }
            }
        }
        out.lines = reader.stats().lines;
        let (names, account) = collector.finish_with_account();
        out.zone = Some(account);
        match names {
            Ok(reg) => {
                let zone = sink.zone_id(reg.origin());
                out.names = reg.len() as u64;
                for l in reg.labels() {
                    sink.push(l.as_bytes(), zone);
                }
            }
            Err(e) => {
                out.errors += 1;
                sink.error(&e);
            }
        }
    } else {
        while let Some(item) = reader.next_item() {
            match item {
                ItemRef::Record(r) => {
                    out.names += 1;
                    let name = r.name;
                    let (label, zone) = name.split_once('.').unwrap_or((name, ""));
                    let z = sink.zone_id(zone);
                    sink.push(label.as_bytes(), z);
                }
                ItemRef::Error(e) => {
                    out.errors += 1;
                    sink.error(e);
                }
            }
        }
        out.lines = reader.stats().lines;
    }
    out
}

/// The origin of a CZDS file: the one given, else the owner of its
/// first-line SOA; `None` when neither is there (not strict CZDS).
fn czds_origin(
    opts: &NamesOptions,
    from_soa: impl FnOnce() -> std::io::Result<Option<String>>,
) -> Option<String> {
    match &opts.origin {
        Some(o) => Some(o.trim_matches('.').to_ascii_lowercase()),
        None => from_soa().ok().flatten(),
    }
}

/// The parallel CZDS scan; `None` when the file is not strict CZDS.
fn czds_fast(file: &Path, opts: &NamesOptions, sink: &mut impl NameSink) -> Option<FileNames> {
    let origin = czds_origin(opts, || czds::origin_from_soa(file))?;
    let len = std::fs::metadata(file).ok()?.len();
    let ranges = czds::split_ranges(len, opts.threads.max(1));
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(a, b)| {
                let origin = origin.as_str();
                let counter = opts.progress.clone();
                s.spawn(move || {
                    let mut arena: Vec<u8> = Vec::new();
                    let mut ends: Vec<u32> = Vec::new();
                    let push = |l: &[u8]| {
                        arena.extend_from_slice(l);
                        ends.push(u32::try_from(arena.len()).unwrap_or(u32::MAX));
                    };
                    let r = czds::scan_range_counted(file, a, b, origin, push, counter);
                    (r, arena, ends)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    });
    let mut parts = Vec::new();
    let mut out = FileNames { reader: "czds-fast".to_owned(), ..FileNames::default() };
    for r in results {
        let (res, arena, ends) = r?;
        let stats = res.ok()?.ok()?;
        out.lines += stats.lines;
        parts.push((arena, ends));
    }
    let zone = sink.zone_id(&origin);
    for (arena, ends) in parts {
        let mut start = 0usize;
        for e in ends {
            let l = arena.get(start..e as usize).unwrap_or(&[]);
            start = e as usize;
            // A name split over two ranges arrives twice in a row.
            if sink.last_is(l, zone) {
                continue;
            }
            sink.push(l, zone);
            out.names += 1;
        }
    }
    Some(out)
}

/// The streaming CZDS scan of a gzip file; `None` when it is not strict
/// CZDS (nothing is kept from a partial scan).
fn czds_gzip(file: &Path, opts: &NamesOptions, sink: &mut impl NameSink) -> Option<FileNames> {
    let origin = czds_origin(opts, || czds::origin_from_gzip_soa(file))?;
    let blocks = czds::gzip_blocks_counted(file, opts.progress.clone()).ok()?;
    let zone = sink.zone_id(&origin);
    let before = sink.len();
    match czds::scan_blocks(blocks, &origin, |l| sink.push(l, zone)) {
        Ok(Ok(stats)) => Some(FileNames {
            reader: "czds-fast-gzip".to_owned(),
            lines: stats.lines,
            names: (sink.len() - before) as u64,
            errors: 0,
            zone: None,
        }),
        _ => {
            // Not strict CZDS (or unreadable): forget the partial scan.
            sink.truncate(before);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[derive(Default)]
    struct Vecs {
        zones: Vec<String>,
        names: Vec<(String, u16)>,
        errors: Vec<String>,
    }

    impl NameSink for Vecs {
        fn zone_id(&mut self, zone: &str) -> u16 {
            match self.zones.iter().position(|z| z == zone) {
                Some(p) => p as u16,
                None => {
                    self.zones.push(zone.to_owned());
                    (self.zones.len() - 1) as u16
                }
            }
        }
        fn push(&mut self, label: &[u8], zone: u16) {
            self.names.push((String::from_utf8_lossy(label).into_owned(), zone));
        }
        fn len(&self) -> usize {
            self.names.len()
        }
        fn last_is(&self, label: &[u8], zone: u16) -> bool {
            self.names.last().is_some_and(|(l, z)| l.as_bytes() == label && *z == zone)
        }
        fn truncate(&mut self, n: usize) {
            self.names.truncate(n);
        }
        fn error(&mut self, e: &ReadError) {
            self.errors.push(e.code().to_owned());
        }
    }

    const CZDS: &str = "example.\t86400\tin\tsoa\tns1.example. h.example. 1 2 3 4 5\n\
        a.example.\t86400\tin\tns\tns1.a.example.\n\
        a.example.\t86400\tin\tns\tns2.a.example.\n\
        b.example.\t86400\tin\tns\tns1.b.example.\n";

    fn read(bytes: &[u8], gzip: bool, threads: usize) -> (FileNames, Vecs) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        if gzip {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(bytes).unwrap();
            f.write_all(&gz.finish().unwrap()).unwrap();
        } else {
            f.write_all(bytes).unwrap();
        }
        let mut sink = Vecs::default();
        let r = read_names(
            f.path(),
            &NamesOptions { origin: None, threads, ..NamesOptions::default() },
            &mut sink,
        );
        (r, sink)
    }

    #[test]
    fn every_path_gives_the_same_names() {
        let want = [("a".to_owned(), 0u16), ("b".to_owned(), 0)];
        for (gzip, threads, reader) in
            [(false, 1, "czds-fast"), (false, 3, "czds-fast"), (true, 1, "czds-fast-gzip")]
        {
            let (r, sink) = read(CZDS.as_bytes(), gzip, threads);
            assert_eq!(r.reader, reader);
            assert_eq!(sink.names, want, "{reader} with {threads} threads");
            assert_eq!(sink.zones, ["example"]);
            assert_eq!(r.names, 2);
        }
        // Not strict CZDS (a $TTL directive): the general reader, nothing
        // kept twice from the abandoned fast scan.
        for gzip in [false, true] {
            let text = format!("{CZDS}$TTL 300\nc.example. IN NS ns1.c.example.\n");
            let (r, sink) = read(text.as_bytes(), gzip, 2);
            assert_eq!(r.reader, "zone");
            let labels: Vec<&str> = sink.names.iter().map(|(l, _)| l.as_str()).collect();
            assert_eq!(labels, ["a", "b", "c"]);
        }
        let (r, sink) = read(b"x.example\ny.example.org\n", false, 1);
        assert_eq!(r.reader, "namelist");
        assert_eq!(sink.zones, ["example", "example.org"]);
        assert_eq!(r.names, 2);
    }

    #[test]
    fn an_unreadable_file_is_one_error_record() {
        let mut sink = Vecs::default();
        let r = read_names(
            Path::new("/nonexistent/idnsafe"),
            &NamesOptions { origin: None, threads: 1, ..NamesOptions::default() },
            &mut sink,
        );
        assert_eq!((r.reader.as_str(), r.errors), ("unreadable", 1));
        assert_eq!(sink.errors.len(), 1);
    }
}

//! The reader: opens a file or stream, detects its format, follows
//! `$INCLUDE`s and hands out records and error records one at a time.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::detect::{DETECT_BYTES, detect};
use crate::error::{ErrorCode, ReadError};
use crate::lines::{LineEvent, LineReader, maybe_gunzip};
use crate::master::{Step, ZoneState};
use crate::plain::{CsvHeader, csv_row, name_line, parse_header};
use crate::rtype::RecordType;
use crate::{Out, Stats};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The input formats.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    /// One domain name per line; blank lines and lines starting with `#` are
    /// skipped.
    NameList,
    /// CSV (RFC 4180) with a header row holding a `name` column and
    /// optionally a `registrant` column.
    Csv,
    /// An RFC 1035 master file; this includes `dig axfr` output and ICANN
    /// CZDS zone files (one record per line, tab-separated), which take the
    /// fast path.
    Zone,
}

/// Where `$INCLUDE` may read from.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludePolicy {
    /// `$INCLUDE` is an error record (`INCLUDE_FORBIDDEN`).
    Deny,
    /// Files in the top-level input's directory or below it (the default).
    /// Streams without a path cannot include.
    BelowInputDir,
    /// Files in this directory or below it.
    Below(PathBuf),
}

/// Options for a [`Reader`], with safe defaults.
#[derive(Debug, Clone)]
pub struct ReaderOptions {
    format: Option<Format>,
    max_line_len: usize,
    max_include_depth: u32,
    max_includes: u32,
    includes: IncludePolicy,
    origin: Option<String>,
    background: bool,
    progress: Option<crate::ByteCounter>,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            format: None,
            max_line_len: crate::MAX_LIST_ENTRY,
            max_include_depth: 8,
            max_includes: 256,
            includes: IncludePolicy::BelowInputDir,
            origin: None,
            background: false,
            progress: None,
        }
    }
}

impl ReaderOptions {
    /// The defaults: auto-detected format, 64 KiB lines, `$INCLUDE` nesting
    /// 8 deep and 256 in all, confined to the input's directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fixes the format instead of detecting it.
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// The longest line read (a record in parentheses counts as one line);
    /// longer ones become `LINE_TOO_LONG` and are skipped without being
    /// buffered. Minimum 256 bytes.
    pub fn max_line_len(mut self, bytes: usize) -> Self {
        self.max_line_len = bytes.max(256);
        self
    }

    /// How deep `$INCLUDE`s may nest (the top file is depth 0).
    pub fn max_include_depth(mut self, depth: u32) -> Self {
        self.max_include_depth = depth;
        self
    }

    /// How many `$INCLUDE`s one run may follow in all.
    pub fn max_includes(mut self, n: u32) -> Self {
        self.max_includes = n;
        self
    }

    /// Where `$INCLUDE` may read from.
    pub fn include_policy(mut self, policy: IncludePolicy) -> Self {
        self.includes = policy;
        self
    }

    /// The initial `$ORIGIN` of a master file, so that relative names and
    /// `@` work before any `$ORIGIN` line. A trailing dot is optional.
    pub fn origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_string());
        self
    }

    /// Inflates gzip input on a separate thread (with at most 4 MiB queued),
    /// so that decompression and parsing overlap; worth it for large `.gz`
    /// zones when a core is free. Off by default.
    pub fn decompress_in_background(mut self, on: bool) -> Self {
        self.background = on;
        self
    }

    /// Counts the bytes read from the input file (compressed bytes for gzip
    /// input) into `counter`, for progress reports.
    pub fn progress(mut self, counter: crate::ByteCounter) -> Self {
        self.progress = Some(counter);
        self
    }

    /// Opens a file (plain or gzip). Fails only if the file cannot be
    /// opened; everything after that is reported as error records.
    pub fn open(&self, path: impl AsRef<Path>) -> Result<Reader, ReadError> {
        let path = path.as_ref();
        let display: Arc<str> = Arc::from(path.display().to_string());
        let file = File::open(path).map_err(|e| {
            ReadError::new(
                ErrorCode::Io,
                format!("cannot open the file: {e}"),
                0,
                Some(display.clone()),
            )
        })?;
        let dir = path.canonicalize().ok().and_then(|p| p.parent().map(Path::to_path_buf));
        let input = crate::progress::Counted { inner: file, counter: self.progress.clone() };
        Ok(Reader::start(self.clone(), Box::new(input), Some(display), dir))
    }

    /// Reads from a stream (plain or gzip). `name` is used in error records.
    /// `$INCLUDE` works only with [`IncludePolicy::Below`], relative to that
    /// directory.
    pub fn from_read(&self, input: impl Read + Send + 'static, name: Option<&str>) -> Reader {
        let dir = match &self.includes {
            IncludePolicy::Below(d) => d.canonicalize().ok(),
            _ => None,
        };
        Reader::start(self.clone(), Box::new(input), name.map(Arc::from), dir)
    }
}

/// One open file: the top-level input or an `$INCLUDE`d one.
struct Frame {
    lines: LineReader,
    file: Option<Arc<str>>,
    dir: Option<PathBuf>,
    gzip: bool,
    zone: ZoneState,
    first: bool,
}

/// A record, borrowed from the reader until the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// The name: escapes resolved (except `\.` and `\\`), ASCII lower-cased,
    /// absolute, without the trailing dot; the root is `""`. For zones, the
    /// owner name.
    pub name: &'a str,
    /// The record type (zones only).
    pub rtype: Option<RecordType>,
    /// For NS and SOA records, the first rdata field (the name server, or
    /// the SOA MNAME), in the same form as `name`.
    pub rdata: Option<&'a str>,
    /// The CSV `registrant` column, when present and not empty.
    pub registrant: Option<&'a str>,
    /// The 1-based line where the record starts.
    pub line: u64,
    /// The file the record is in, when read from a path.
    pub file: Option<&'a str>,
}

impl RecordRef<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> Record {
        Record {
            name: self.name.to_string(),
            rtype: self.rtype,
            rdata: self.rdata.map(str::to_string),
            registrant: self.registrant.map(str::to_string),
            line: self.line,
            file: self.file.map(Arc::from),
        }
    }
}

fn ser_file<S: Serializer>(f: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
    f.as_deref().serialize(s)
}

/// An owned record; see [`RecordRef`] for the fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub name: String,
    pub rtype: Option<RecordType>,
    pub rdata: Option<String>,
    pub registrant: Option<String>,
    pub line: u64,
    #[serde(serialize_with = "ser_file")]
    pub file: Option<Arc<str>>,
}

/// What the reader hands out, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum ItemRef<'a> {
    Record(RecordRef<'a>),
    Error(&'a ReadError),
}

impl ItemRef<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> Item {
        match self {
            ItemRef::Record(r) => Item::Record(r.to_owned()),
            ItemRef::Error(e) => Item::Error((*e).clone()),
        }
    }
}

/// What the reader hands out, owned (from the `Iterator` impl).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    Record(Record),
    Error(ReadError),
}

/// A streaming reader of names and records. Memory is bounded by the line
/// cap and the include depth, whatever the input size.
///
/// Use [`Reader::next_item`] on the hot path (no allocation per record) or
/// iterate for owned [`Item`]s.
pub struct Reader {
    opts: ReaderOptions,
    format: Format,
    frames: Vec<Frame>,
    include_root: Option<PathBuf>,
    includes_total: u32,
    stats: Stats,
    out: Out,
    out_frame: usize,
    csv: Option<CsvHeader>,
    csv_spans: Vec<(usize, usize)>,
    queue: VecDeque<ReadError>,
    current: Option<ReadError>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("format", &self.format)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

fn origin_bytes(origin: &str) -> Vec<u8> {
    let o = origin.strip_suffix('.').unwrap_or(origin);
    o.as_bytes().to_ascii_lowercase()
}

impl Reader {
    /// Opens a file with the default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Reader, ReadError> {
        ReaderOptions::new().open(path)
    }

    fn start(
        opts: ReaderOptions,
        input: Box<dyn Read + Send>,
        file: Option<Arc<str>>,
        dir: Option<PathBuf>,
    ) -> Reader {
        let include_root = match &opts.includes {
            IncludePolicy::Deny => None,
            IncludePolicy::BelowInputDir => dir.clone(),
            IncludePolicy::Below(d) => d.canonicalize().ok(),
        };
        let mut reader = Reader {
            format: opts.format.unwrap_or(Format::NameList),
            frames: Vec::new(),
            include_root,
            includes_total: 0,
            stats: Stats::default(),
            out: Out::default(),
            out_frame: 0,
            csv: None,
            csv_spans: Vec::new(),
            queue: VecDeque::new(),
            current: None,
            opts,
        };
        let origin = reader.opts.origin.as_deref().map(origin_bytes);
        match reader.push_frame(input, file.clone(), dir, origin) {
            Ok(()) => {
                if reader.opts.format.is_none()
                    && let Some(frame) = reader.frames.last_mut()
                {
                    let prefix = frame.lines.peek(DETECT_BYTES);
                    let at_eof = prefix.len() < DETECT_BYTES;
                    reader.format = detect(prefix, at_eof);
                }
            }
            Err(e) => {
                reader.stats.file_errors += 1;
                reader.queue.push_back(ReadError::new(
                    ErrorCode::Io,
                    format!("cannot read the input: {e}"),
                    0,
                    file,
                ));
            }
        }
        reader
    }

    fn push_frame(
        &mut self,
        input: Box<dyn Read + Send>,
        file: Option<Arc<str>>,
        dir: Option<PathBuf>,
        origin: Option<Vec<u8>>,
    ) -> io::Result<()> {
        let (stream, gzip) = maybe_gunzip(input, self.opts.background)?;
        self.stats.files += 1;
        self.frames.push(Frame {
            lines: LineReader::new(stream, self.opts.max_line_len),
            file,
            dir,
            gzip,
            zone: ZoneState::new(origin, self.opts.max_line_len),
            first: true,
        });
        Ok(())
    }

    /// The format being read (detected or given).
    pub fn format(&self) -> Format {
        self.format
    }

    /// Counters so far. Once the reader is exhausted,
    /// `lines == records + errors + skipped` (see [`Stats`]).
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    fn record_ref(&self) -> RecordRef<'_> {
        RecordRef {
            name: &self.out.name,
            rtype: self.out.rtype,
            rdata: matches!(self.out.rtype, Some(RecordType::NS | RecordType::SOA))
                .then_some(self.out.rdata.as_str()),
            registrant: self.out.has_registrant.then_some(self.out.registrant.as_str()),
            line: self.out.line,
            file: self.frames.get(self.out_frame).and_then(|f| f.file.as_deref()),
        }
    }

    /// The next record or error record, or `None` at the end of the input.
    /// The returned item borrows the reader until the next call.
    pub fn next_item(&mut self) -> Option<ItemRef<'_>> {
        loop {
            if let Some(e) = self.queue.pop_front() {
                self.current = Some(e);
                return self.current.as_ref().map(ItemRef::Error);
            }
            let depth = self.frames.len();
            let frame = self.frames.last_mut()?;
            match frame.lines.next_line() {
                LineEvent::Line(s, e) => {
                    self.stats.lines += 1;
                    let line_no = frame.lines.line_no;
                    let mut line = frame.lines.slice(s, e);
                    if frame.first {
                        frame.first = false;
                        line = line.strip_prefix(BOM).unwrap_or(line);
                    }
                    let step = match self.format {
                        Format::Zone => {
                            frame.zone.line(line, line_no, &mut self.out, &mut self.stats)
                        }
                        Format::NameList => {
                            self.out.rtype = None;
                            self.out.has_registrant = false;
                            self.out.line = line_no;
                            plain_step(
                                name_line(line, &mut self.out.name),
                                line_no,
                                &mut self.stats,
                            )
                        }
                        Format::Csv => {
                            self.out.rtype = None;
                            self.out.line = line_no;
                            match &self.csv {
                                Some(h) => plain_step(
                                    csv_row(h, line, &mut self.out, &mut self.csv_spans),
                                    line_no,
                                    &mut self.stats,
                                ),
                                None if line.trim_ascii().is_empty() => {
                                    self.stats.skipped += 1;
                                    Step::Nothing
                                }
                                None => match parse_header(line) {
                                    Ok(h) => {
                                        self.csv = Some(h);
                                        self.stats.skipped += 1;
                                        Step::Nothing
                                    }
                                    Err((code, message)) => {
                                        // Without the header nothing in the file can be read.
                                        self.stats.errors += 1;
                                        self.queue.push_back(ReadError::new(
                                            code,
                                            message,
                                            line_no,
                                            frame.file.clone(),
                                        ));
                                        self.frames.pop();
                                        continue;
                                    }
                                },
                            }
                        }
                    };
                    match step {
                        Step::Record => {
                            self.out_frame = depth - 1;
                            return Some(ItemRef::Record(self.record_ref()));
                        }
                        Step::Nothing => {}
                        Step::Error { code, message, line } => {
                            self.queue.push_back(ReadError::new(
                                code,
                                message,
                                line,
                                frame.file.clone(),
                            ));
                        }
                        Step::Include { file, origin, line } => self.include(&file, origin, line),
                    }
                }
                LineEvent::TooLong(bytes) => {
                    self.stats.lines += 1;
                    let line_no = frame.lines.line_no;
                    let file = frame.file.clone();
                    if let Some(Step::Error { code, message, line }) =
                        frame.zone.abort_open_record(&mut self.stats)
                    {
                        self.queue.push_back(ReadError::new(code, message, line, file.clone()));
                    }
                    self.stats.errors += 1;
                    self.queue.push_back(ReadError::new(
                        ErrorCode::LineTooLong,
                        format!(
                            "the line is {bytes} bytes long, more than the limit of {}; it was skipped",
                            self.opts.max_line_len
                        ),
                        line_no,
                        file,
                    ));
                }
                LineEvent::Failed(err, partial) => {
                    let line_no = frame.lines.line_no;
                    if partial {
                        self.stats.lines += 1;
                        self.stats.errors += 1;
                    } else {
                        self.stats.file_errors += 1;
                    }
                    let (code, what) = match (frame.gzip, err.kind()) {
                        (true, io::ErrorKind::UnexpectedEof) => (
                            ErrorCode::GzipTruncated,
                            "the gzip data ends before its end marker: the file was cut short (an interrupted download or copy?)",
                        ),
                        (true, io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData) => {
                            (ErrorCode::GzipCorrupt, "the gzip data is corrupt")
                        }
                        _ => (ErrorCode::Io, "the file could not be read to the end"),
                    };
                    let file = frame.file.clone();
                    let tail = if partial {
                        " This line was cut; the lines before it were read."
                    } else {
                        " The lines before this point were read."
                    };
                    self.queue.push_back(ReadError::new(
                        code,
                        format!("{what} ({err}).{tail}"),
                        line_no,
                        file.clone(),
                    ));
                    if let Some(Step::Error { code, message, line }) =
                        frame.zone.finish_file(&mut self.stats)
                    {
                        self.queue.push_back(ReadError::new(code, message, line, file));
                    }
                    self.frames.pop();
                }
                LineEvent::Eof => {
                    if let Some(Step::Error { code, message, line }) =
                        frame.zone.finish_file(&mut self.stats)
                    {
                        self.queue.push_back(ReadError::new(
                            code,
                            message,
                            line,
                            frame.file.clone(),
                        ));
                    }
                    self.frames.pop();
                }
            }
        }
    }

    /// Follows `$INCLUDE` (RFC 1035 §5.1), within the configured limits.
    fn include(&mut self, name: &[u8], origin: Option<Vec<u8>>, line: u64) {
        let (parent_file, parent_dir) = match self.frames.last() {
            Some(f) => (f.file.clone(), f.dir.clone()),
            None => return,
        };
        let result = self.open_include(name, parent_dir.as_deref());
        match result {
            Ok((input, path, dir)) => {
                self.includes_total += 1;
                match self.push_frame(
                    input,
                    Some(Arc::from(path.display().to_string())),
                    dir,
                    origin,
                ) {
                    Ok(()) => self.stats.skipped += 1,
                    Err(e) => {
                        self.stats.errors += 1;
                        self.queue.push_back(ReadError::new(
                            ErrorCode::IncludeNotFound,
                            format!("the included file {} cannot be read: {e}", path.display()),
                            line,
                            parent_file,
                        ));
                    }
                }
            }
            Err((code, message)) => {
                self.stats.errors += 1;
                self.queue.push_back(ReadError::new(code, message, line, parent_file));
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn open_include(
        &self,
        name: &[u8],
        parent_dir: Option<&Path>,
    ) -> Result<(Box<dyn Read + Send>, PathBuf, Option<PathBuf>), (ErrorCode, String)> {
        let shown = String::from_utf8_lossy(name.get(..200).unwrap_or(name)).into_owned();
        let Some(root) = &self.include_root else {
            return Err((
                ErrorCode::IncludeForbidden,
                format!("$INCLUDE {shown}: including other files is not allowed for this input"),
            ));
        };
        // The top file is depth 0; its includes are depth 1.
        if self.frames.len() as u64 > u64::from(self.opts.max_include_depth) {
            return Err((
                ErrorCode::IncludeDepth,
                format!(
                    "$INCLUDE {shown}: includes are nested more than {} deep (an include loop?)",
                    self.opts.max_include_depth
                ),
            ));
        }
        if self.includes_total >= self.opts.max_includes {
            return Err((
                ErrorCode::IncludeLimit,
                format!(
                    "$INCLUDE {shown}: more than {} includes in one run",
                    self.opts.max_includes
                ),
            ));
        }
        let Ok(rel) = std::str::from_utf8(name) else {
            return Err((
                ErrorCode::IncludeNotFound,
                format!("$INCLUDE {shown}: the file name is not valid UTF-8"),
            ));
        };
        let base = parent_dir.unwrap_or(root);
        let candidate = base.join(rel);
        let Ok(path) = candidate.canonicalize() else {
            return Err((ErrorCode::IncludeNotFound, format!("$INCLUDE {shown}: no such file")));
        };
        // Confinement: after resolving `..` and symbolic links the file must
        // still be below the permitted directory.
        if !path.starts_with(root) {
            return Err((
                ErrorCode::IncludeForbidden,
                format!(
                    "$INCLUDE {shown}: the file is outside the directory includes may read from"
                ),
            ));
        }
        if !path.is_file() {
            return Err((
                ErrorCode::IncludeNotFound,
                format!("$INCLUDE {shown}: not a regular file"),
            ));
        }
        let file = File::open(&path).map_err(|e| {
            (ErrorCode::IncludeNotFound, format!("$INCLUDE {shown}: cannot open the file: {e}"))
        })?;
        let dir = path.parent().map(Path::to_path_buf);
        Ok((Box::new(file), path, dir))
    }
}

fn plain_step(r: crate::plain::LineResult, line: u64, stats: &mut Stats) -> Step {
    match r {
        Ok(true) => {
            stats.records += 1;
            Step::Record
        }
        Ok(false) => {
            stats.skipped += 1;
            Step::Nothing
        }
        Err((code, message)) => {
            stats.errors += 1;
            Step::Error { code, message, line }
        }
    }
}

impl Iterator for Reader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        self.next_item().map(|i| i.to_owned())
    }
}

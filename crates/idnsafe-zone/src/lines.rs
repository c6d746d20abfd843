//! A bounded-memory line splitter over any byte stream, with gzip detection.
//!
//! Lines are found with `memchr` in a fixed buffer; a line longer than the
//! cap is never buffered whole: the splitter drops what it has and skips to
//! the next newline.

use std::io::{self, Read};

use memchr::memchr;

/// Bytes asked of the underlying reader per `read` call.
const CHUNK: usize = 256 * 1024;

/// The gzip magic (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Wraps `inner` in a multi-member gzip decoder when it starts with the gzip
/// magic. Returns the stream and whether it is gzip.
pub(crate) fn maybe_gunzip(
    mut inner: Box<dyn Read + Send>,
    background: bool,
) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < magic.len() {
        let Some(rest) = magic.get_mut(got..) else {
            break;
        };
        match inner.read(rest) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let prefix = io::Cursor::new(magic.get(..got).unwrap_or(&[]).to_vec());
    let chained = prefix.chain(inner);
    if got == 2 && magic == GZIP_MAGIC {
        // RFC 1952 §2.2: a gzip file is a series of members; `MultiGzDecoder`
        // reads them all (bgzip and `cat a.gz b.gz` produce several).
        let decoder: Box<dyn Read + Send> = Box::new(flate2::read::MultiGzDecoder::new(chained));
        Ok((if background { background_read(decoder) } else { decoder }, true))
    } else {
        Ok((Box::new(chained), false))
    }
}

/// Bytes per chunk handed over by the background reader.
const BACKGROUND_CHUNK: usize = 1 << 20;
/// Chunks queued ahead at most (bounds memory to about 4 MiB).
const BACKGROUND_QUEUE: usize = 4;

/// Runs `inner` (the gzip decoder) on its own thread, so that inflating and
/// parsing overlap. Falls back to reading in place if no thread can start.
fn background_read(inner: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
    use std::sync::{Arc, Mutex, mpsc};
    let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(BACKGROUND_QUEUE);
    // Shared so that the decoder can be taken back if the thread never starts.
    let slot = Arc::new(Mutex::new(Some(inner)));
    let for_thread = Arc::clone(&slot);
    let spawned = std::thread::Builder::new().name("idnsafe-zone-gunzip".into()).spawn(move || {
        let Some(mut inner) = for_thread.lock().ok().and_then(|mut g| g.take()) else {
            return;
        };
        loop {
            let mut buf = vec![0u8; BACKGROUND_CHUNK];
            let mut filled = 0;
            let mut failure = None;
            while let Some(dst) = buf.get_mut(filled..).filter(|d| !d.is_empty()) {
                match inner.read(dst) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            buf.truncate(filled);
            let last = filled < BACKGROUND_CHUNK || failure.is_some();
            // A send fails only when the reader was dropped: stop.
            if filled > 0 && tx.send(Ok(buf)).is_err() {
                return;
            }
            if let Some(e) = failure {
                let _ = tx.send(Err(e));
            }
            if last {
                return;
            }
        }
    });
    if spawned.is_err()
        && let Some(inner) = slot.lock().ok().and_then(|mut g| g.take())
    {
        return inner;
    }
    Box::new(BackgroundRead { rx, cur: Vec::new(), pos: 0, done: false })
}

/// The reading end of [`background_read`].
struct BackgroundRead {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Read for BackgroundRead {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.cur.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(buf)) => {
                    self.cur = buf;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                // The thread finished: end of stream.
                Err(_) => self.done = true,
            }
        }
        let src = self.cur.get(self.pos..).unwrap_or(&[]);
        let n = src.len().min(dst.len());
        if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
            d.copy_from_slice(s);
        }
        self.pos += n;
        Ok(n)
    }
}

/// What the splitter found next.
pub(crate) enum LineEvent {
    /// A complete line at `buf[start..end]`, without `\n` or a final `\r`.
    Line(usize, usize),
    /// A line longer than the cap, skipped; `bytes` is its length.
    TooLong(u64),
    /// The stream failed; `partial` is true when an incomplete line was
    /// pending (it is counted as a line and lost).
    Failed(io::Error, bool),
    /// End of stream.
    Eof,
}

pub(crate) struct LineReader {
    inner: Box<dyn Read + Send>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    failed: bool,
    pending_error: Option<io::Error>,
    max_line: usize,
    /// Inside an over-long line: bytes skipped so far.
    skipping: Option<u64>,
    /// Lines handed out so far (the number of the last one).
    pub(crate) line_no: u64,
}

impl LineReader {
    pub(crate) fn new(inner: Box<dyn Read + Send>, max_line: usize) -> Self {
        let max_line = max_line.max(1);
        LineReader {
            inner,
            buf: vec![0; max_line.saturating_add(CHUNK)],
            start: 0,
            end: 0,
            eof: false,
            failed: false,
            pending_error: None,
            max_line,
            skipping: None,
            line_no: 0,
        }
    }

    /// The bytes of a line returned by [`LineReader::next_line`].
    #[inline]
    pub(crate) fn slice(&self, start: usize, end: usize) -> &[u8] {
        self.buf.get(start..end).unwrap_or(&[])
    }

    /// Reads until at least `n` bytes are buffered (or the stream ends) and
    /// returns the buffered bytes without consuming them. Errors are kept for
    /// `next_line` to report.
    pub(crate) fn peek(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.max_line);
        while self.end - self.start < n && !self.eof && !self.failed {
            if let Err(e) = self.fill() {
                self.failed = true;
                self.pending_error = Some(e);
            }
        }
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.buf.len() - self.end < CHUNK / 2 && self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let Some(dst) = self.buf.get_mut(self.end..) else {
            return Ok(());
        };
        if dst.is_empty() {
            // Cannot happen: the buffer holds max_line + CHUNK and fewer than
            // max_line bytes are ever kept without a newline.
            debug_assert!(false, "line buffer full");
            self.start = 0;
            self.end = 0;
            return Ok(());
        }
        loop {
            match self.inner.read(dst) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    pub(crate) fn next_line(&mut self) -> LineEvent {
        loop {
            let avail = self.buf.get(self.start..self.end).unwrap_or(&[]);
            if let Some(pos) = memchr(b'\n', avail) {
                let s = self.start;
                self.start = s + pos + 1;
                self.line_no += 1;
                if let Some(skipped) = self.skipping.take() {
                    return LineEvent::TooLong(skipped + pos as u64);
                }
                if pos > self.max_line {
                    return LineEvent::TooLong(pos as u64);
                }
                let mut e = s + pos;
                if e > s && self.buf.get(e - 1) == Some(&b'\r') {
                    e -= 1;
                }
                return LineEvent::Line(s, e);
            }
            let pending = self.end - self.start;
            if let Some(skipped) = self.skipping.as_mut() {
                *skipped += pending as u64;
                self.start = 0;
                self.end = 0;
            } else if pending > self.max_line {
                self.skipping = Some(pending as u64);
                self.start = 0;
                self.end = 0;
            }
            if self.failed {
                let partial = self.skipping.take().is_some() || self.end > self.start;
                if partial {
                    self.line_no += 1;
                }
                self.start = 0;
                self.end = 0;
                let err =
                    self.pending_error.take().unwrap_or_else(|| io::Error::other("read failed"));
                self.eof = true;
                self.failed = false;
                return LineEvent::Failed(err, partial);
            }
            if self.eof {
                if let Some(skipped) = self.skipping.take() {
                    self.line_no += 1;
                    return LineEvent::TooLong(skipped);
                }
                if self.end > self.start {
                    let (s, mut e) = (self.start, self.end);
                    self.start = self.end;
                    self.line_no += 1;
                    if self.buf.get(e - 1) == Some(&b'\r') {
                        e -= 1;
                    }
                    return LineEvent::Line(s, e);
                }
                return LineEvent::Eof;
            }
            if let Err(e) = self.fill() {
                self.failed = true;
                self.pending_error = Some(e);
            }
        }
    }
}

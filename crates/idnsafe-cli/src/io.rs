//! Bounded line input: a reader never buffers more than a limit of one line,
//! so a 10 GB line costs no memory; it is reported with its full length.

use std::io::{BufRead, ErrorKind};

/// One input line: at most `limit + 1` of its bytes, and its full length
/// (without the line terminator).
pub struct Line {
    pub bytes: Vec<u8>,
    pub total_len: usize,
}

/// Reads lines of at most `limit` bytes kept (longer ones are cut, their
/// length counted).
pub struct BoundedLines<R> {
    reader: R,
    limit: usize,
    done: bool,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(reader: R, limit: usize) -> Self {
        BoundedLines { reader, limit, done: false }
    }
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = std::io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut bytes = Vec::new();
        let mut total = 0usize;
        let mut saw_any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if buf.is_empty() {
                self.done = true;
                if !saw_any {
                    return None;
                }
                break;
            }
            saw_any = true;
            let (chunk, used, end) = match memchr_newline(buf) {
                Some(i) => (buf.get(..i).unwrap_or(&[]), i + 1, true),
                None => (buf, buf.len(), false),
            };
            total += chunk.len();
            let room = (self.limit + 1).saturating_sub(bytes.len());
            bytes.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or(&[]));
            self.reader.consume(used);
            if end {
                break;
            }
        }
        if bytes.last() == Some(&b'\r') && total <= self.limit + 1 {
            bytes.pop();
            total -= 1;
        }
        Some(Ok(Line { bytes, total_len: total }))
    }
}

/// Lines in batches of at most `size`, for parallel processing in input
/// order; an I/O error ends the batches.
pub fn batches<R: BufRead>(
    lines: BoundedLines<R>,
    size: usize,
) -> impl Iterator<Item = std::io::Result<Vec<Line>>> {
    let mut lines = lines;
    std::iter::from_fn(move || {
        let mut batch = Vec::with_capacity(size);
        for line in lines.by_ref().take(size) {
            match line {
                Ok(l) => batch.push(l),
                Err(e) => return Some(Err(e)),
            }
        }
        (!batch.is_empty()).then_some(Ok(batch))
    })
}

fn memchr_newline(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<(Vec<u8>, usize)> {
        BoundedLines::new(input, limit)
            .map(|l| l.map(|l| (l.bytes, l.total_len)).unwrap())
            .collect()
    }

    #[test]
    fn splits_and_strips_crlf() {
        assert_eq!(
            lines(b"a\r\nbc\n\nd", 10),
            vec![(b"a".to_vec(), 1), (b"bc".to_vec(), 2), (vec![], 0), (b"d".to_vec(), 1)]
        );
    }

    #[test]
    fn long_line_is_cut_but_counted() {
        let mut input = vec![b'x'; 100_000];
        input.extend_from_slice(b"\nok\n");
        let got = lines(&input, 16);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.len(), 17);
        assert_eq!(got[0].1, 100_000);
        assert_eq!(got[1], (b"ok".to_vec(), 2));
    }
}

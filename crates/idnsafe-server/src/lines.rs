//! Lines of a streamed body, each kept to a bounded length: a chunk at a
//! time in, whole lines out (the same rules as the CLI's standard input:
//! `\n` ends a line, a `\r` before it is dropped, a last line without `\n`
//! counts, and a line longer than the limit keeps `limit + 1` bytes and its
//! full length).

/// One line: at most `limit + 1` of its bytes and its full length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub bytes: Vec<u8>,
    pub total_len: usize,
}

/// Splits chunks into bounded lines.
#[derive(Debug)]
pub struct Splitter {
    limit: usize,
    cur: Vec<u8>,
    total: usize,
    open: bool,
}

impl Splitter {
    pub fn new(limit: usize) -> Self {
        Splitter { limit, cur: Vec::new(), total: 0, open: false }
    }

    fn end_line(&mut self) -> Line {
        let mut bytes = std::mem::take(&mut self.cur);
        let mut total = self.total;
        if bytes.last() == Some(&b'\r') && total <= self.limit + 1 {
            bytes.pop();
            total -= 1;
        }
        self.total = 0;
        self.open = false;
        Line { bytes, total_len: total }
    }

    /// Takes a chunk; pushes the lines it completes onto `out`.
    pub fn push(&mut self, mut chunk: &[u8], out: &mut Vec<Line>) {
        while !chunk.is_empty() {
            self.open = true;
            let (part, rest, end) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (chunk.get(..i).unwrap_or(&[]), chunk.get(i + 1..).unwrap_or(&[]), true),
                None => (chunk, &[][..], false),
            };
            self.total += part.len();
            let room = (self.limit + 1).saturating_sub(self.cur.len());
            self.cur.extend_from_slice(part.get(..room.min(part.len())).unwrap_or(&[]));
            if end {
                out.push(self.end_line());
            }
            chunk = rest;
        }
    }

    /// The last line, if the body did not end with a newline.
    pub fn finish(&mut self) -> Option<Line> {
        self.open.then(|| self.end_line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]], limit: usize) -> Vec<(String, usize)> {
        let mut s = Splitter::new(limit);
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out);
        }
        out.extend(s.finish());
        out.into_iter()
            .map(|l| (String::from_utf8_lossy(&l.bytes).into_owned(), l.total_len))
            .collect()
    }

    #[test]
    fn lines_split_across_chunks_like_standard_input() {
        assert_eq!(
            split(&[b"ab", b"c\nde\r\n", b"f"], 100),
            [("abc".into(), 3), ("de".into(), 2), ("f".into(), 1)]
        );
        assert_eq!(split(&[b"a\n\n"], 100), [("a".into(), 1), ("".into(), 0)]);
        assert!(split(&[], 100).is_empty());
        assert_eq!(split(&[b"abcdefgh", b"ij\nk"], 3), [("abcd".into(), 10), ("k".into(), 1)]);
    }
}

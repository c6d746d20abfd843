//! A fast path for well-formed ICANN CZDS zone files: one record per line,
//! `owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata`, lower case, fully
//! qualified. It extracts only what an audit needs: the labels directly
//! under the origin that own NS records.
//!
//! It is strict on purpose. A line that is not in that exact form makes the
//! scan return [`NotCzds`], and the caller reads the file with the general
//! [`crate::Reader`] instead, which turns bad lines into error records. So
//! the fast path never decides anything about malformed input; tests check
//! that both paths give the same names on real files.
//!
//! A file can be scanned in byte ranges on several threads
//! ([`split_ranges`], [`scan_range`]): a range owns every line that
//! starts inside it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use memchr::memchr;

/// Bytes read per block.
const BLOCK: usize = 1 << 20;
/// Longest line the fast path accepts (longer lines go to the general reader).
pub const MAX_CZDS_LINE: usize = 64 * 1024;

/// The scan met a line that is not strict CZDS; read the file with the
/// general reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCzds {
    /// 1-based line number within the scanned range.
    pub line_in_range: u64,
    /// Why.
    pub why: &'static str,
}

/// Counters of one scanned range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CzdsStats {
    /// Lines in the range.
    pub lines: u64,
    /// NS records of names directly under the origin (before removing
    /// consecutive duplicates).
    pub delegations: u64,
}

/// Splits a file of `len` bytes into `n` byte ranges (the scanner moves
/// each start to the next line start).
pub fn split_ranges(len: u64, n: usize) -> Vec<(u64, u64)> {
    let n = n.max(1) as u64;
    let step = len.div_ceil(n).max(1);
    (0..n)
        .map(|i| ((i * step).min(len), ((i + 1) * step).min(len)))
        .filter(|(a, b)| a < b)
        .collect()
}

/// The origin named by the file's first line, when it is a CZDS SOA record
/// (`com.<TAB>900<TAB>in<TAB>soa<TAB>...`); without the trailing dot.
pub fn origin_from_soa(path: &Path) -> std::io::Result<Option<String>> {
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; 4096];
    let n = read_full_from(&mut f, &mut buf)?;
    Ok(origin_from_first_line(buf.get(..n).unwrap_or(&[])))
}

fn origin_from_first_line(buf: &[u8]) -> Option<String> {
    let line = buf.get(..memchr(b'\n', buf).unwrap_or(buf.len())).unwrap_or(&[]);
    let mut fields = line.split(|&b| b == b'\t');
    let owner = fields.next().unwrap_or(&[]);
    let rtype = fields.nth(2).unwrap_or(&[]);
    if !rtype.eq_ignore_ascii_case(b"soa") || !owner.ends_with(b".") {
        return None;
    }
    let o = owner.get(..owner.len() - 1).unwrap_or(&[]);
    std::str::from_utf8(o).ok().map(|s| s.to_ascii_lowercase())
}

/// Scans the lines starting in `[start, end)` of `path`, calling `sink`
/// with each label directly under `origin` (given without dots at the
/// ends, `""` for the root) that owns an NS record. Consecutive repeats of
/// one owner are reported once.
pub fn scan_range(
    path: &Path,
    start: u64,
    end: u64,
    origin: &str,
    sink: impl FnMut(&[u8]),
) -> Result<Result<CzdsStats, NotCzds>, std::io::Error> {
    scan_range_counted(path, start, end, origin, sink, None)
}

/// [`scan_range`], adding the bytes it reads to `counter`.
pub fn scan_range_counted(
    path: &Path,
    start: u64,
    end: u64,
    origin: &str,
    mut sink: impl FnMut(&[u8]),
    counter: Option<crate::ByteCounter>,
) -> Result<Result<CzdsStats, NotCzds>, std::io::Error> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut f = crate::progress::Counted { inner: f, counter };
    let mut stats = CzdsStats::default();
    // Suffix an owner must end with: ".origin." (or "." for the root).
    let suffix: Vec<u8> =
        if origin.is_empty() { b".".to_vec() } else { format!(".{origin}.").into_bytes() };
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + MAX_CZDS_LINE);
    let mut pos = start;
    let mut skip_partial = start > 0;
    let mut last: Vec<u8> = Vec::new();
    let mut eof = false;
    loop {
        // Refill: keep the unfinished tail, append a block.
        let old = buf.len();
        buf.resize(old + BLOCK, 0);
        let n = read_full_from(&mut f, buf.get_mut(old..).unwrap_or(&mut []))?;
        buf.truncate(old + n);
        if n == 0 {
            eof = true;
        }
        let mut i = 0usize;
        if skip_partial {
            // The previous range owns the line that crosses our start,
            // unless our start is exactly a line start.
            match memchr(b'\n', &buf) {
                Some(nl) => {
                    let prev_is_newline = start == 0 || line_starts_at(path, start)?;
                    if !prev_is_newline {
                        i = nl + 1;
                    }
                    skip_partial = false;
                }
                None if eof => return Ok(Ok(stats)),
                None => continue,
            }
        }
        loop {
            let rest = buf.get(i..).unwrap_or(&[]);
            if pos + i as u64 >= end && !rest.is_empty() {
                // Lines starting at or after `end` belong to the next range.
                return Ok(Ok(stats));
            }
            let Some(nl) = memchr(b'\n', rest) else { break };
            let line = rest.get(..nl).unwrap_or(&[]);
            stats.lines += 1;
            if let Err(why) = scan_line(line, &suffix, &mut last, &mut stats, &mut sink) {
                return Ok(Err(NotCzds { line_in_range: stats.lines, why }));
            }
            i += nl + 1;
        }
        if eof {
            let rest = buf.get(i..).unwrap_or(&[]);
            if !rest.is_empty() && pos + (i as u64) < end {
                stats.lines += 1;
                if let Err(why) = scan_line(rest, &suffix, &mut last, &mut stats, &mut sink) {
                    return Ok(Err(NotCzds { line_in_range: stats.lines, why }));
                }
            }
            return Ok(Ok(stats));
        }
        if buf.len() - i > MAX_CZDS_LINE {
            return Ok(Err(NotCzds { line_in_range: stats.lines + 1, why: "line too long" }));
        }
        buf.drain(..i);
        pos += i as u64;
    }
}

/// Scans a whole stream of CZDS text (e.g. decompressed gzip), reading it in
/// blocks from `blocks`; like [`scan_range`] over the whole input.
pub fn scan_blocks(
    blocks: impl Iterator<Item = std::io::Result<Vec<u8>>>,
    origin: &str,
    mut sink: impl FnMut(&[u8]),
) -> Result<Result<CzdsStats, NotCzds>, std::io::Error> {
    let suffix: Vec<u8> =
        if origin.is_empty() { b".".to_vec() } else { format!(".{origin}.").into_bytes() };
    let mut stats = CzdsStats::default();
    let mut last: Vec<u8> = Vec::new();
    let mut tail: Vec<u8> = Vec::new();
    for block in blocks {
        let block = block?;
        // Complete the line left over from the previous block.
        let mut start = 0usize;
        if !tail.is_empty() {
            match memchr(b'\n', &block) {
                Some(nl) => {
                    tail.extend_from_slice(block.get(..nl).unwrap_or(&[]));
                    stats.lines += 1;
                    if let Err(why) = scan_line(&tail, &suffix, &mut last, &mut stats, &mut sink) {
                        return Ok(Err(NotCzds { line_in_range: stats.lines, why }));
                    }
                    tail.clear();
                    start = nl + 1;
                }
                None => {
                    tail.extend_from_slice(&block);
                    if tail.len() > MAX_CZDS_LINE {
                        return Ok(Err(NotCzds {
                            line_in_range: stats.lines + 1,
                            why: "line too long",
                        }));
                    }
                    continue;
                }
            }
        }
        let mut rest = block.get(start..).unwrap_or(&[]);
        while let Some(nl) = memchr(b'\n', rest) {
            let line = rest.get(..nl).unwrap_or(&[]);
            stats.lines += 1;
            if let Err(why) = scan_line(line, &suffix, &mut last, &mut stats, &mut sink) {
                return Ok(Err(NotCzds { line_in_range: stats.lines, why }));
            }
            rest = rest.get(nl + 1..).unwrap_or(&[]);
        }
        tail.extend_from_slice(rest);
        if tail.len() > MAX_CZDS_LINE {
            return Ok(Err(NotCzds { line_in_range: stats.lines + 1, why: "line too long" }));
        }
    }
    if !tail.is_empty() {
        stats.lines += 1;
        if let Err(why) = scan_line(&tail, &suffix, &mut last, &mut stats, &mut sink) {
            return Ok(Err(NotCzds { line_in_range: stats.lines, why }));
        }
    }
    Ok(Ok(stats))
}

/// Reads `path` through a gzip decoder on a background thread and yields
/// its decompressed bytes in blocks (at most four blocks in flight), so
/// decompression and scanning run on two cores.
pub fn gzip_blocks(path: &Path) -> std::io::Result<impl Iterator<Item = std::io::Result<Vec<u8>>>> {
    gzip_blocks_counted(path, None)
}

/// [`gzip_blocks`], adding the compressed bytes it reads to `counter`.
pub fn gzip_blocks_counted(
    path: &Path,
    counter: Option<crate::ByteCounter>,
) -> std::io::Result<impl Iterator<Item = std::io::Result<Vec<u8>>>> {
    let file = crate::progress::Counted { inner: File::open(path)?, counter };
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(4);
    std::thread::Builder::new().name("idnsafe-gunzip".to_owned()).spawn(move || {
        let mut dec =
            flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(BLOCK, file));
        loop {
            let mut buf = vec![0u8; BLOCK];
            match read_full_from(&mut dec, &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    if tx.send(Ok(buf)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        }
    })?;
    Ok(rx.into_iter())
}

/// The first line of a gzip file's content, when it is a CZDS SOA record:
/// the origin it names.
pub fn origin_from_gzip_soa(path: &Path) -> std::io::Result<Option<String>> {
    let mut dec = flate2::read::MultiGzDecoder::new(File::open(path)?);
    let mut buf = vec![0u8; 4096];
    let n = read_full_from(&mut dec, &mut buf)?;
    Ok(origin_from_first_line(buf.get(..n).unwrap_or(&[])))
}

fn read_full_from(r: &mut impl Read, mut buf: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while !buf.is_empty() {
        match r.read(buf) {
            Ok(0) => break,
            Ok(n) => {
                total += n;
                buf = buf.get_mut(n..).unwrap_or(&mut []);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(total)
}

/// True when byte `at` of the file starts a line (the byte before it is `\n`).
fn line_starts_at(path: &Path, at: u64) -> std::io::Result<bool> {
    if at == 0 {
        return Ok(true);
    }
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(at - 1))?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b)?;
    Ok(b[0] == b'\n')
}

/// Finds the first four tabs of `line`, eight bytes at a time (SWAR: a
/// zero byte of `word ^ 0x09..09` is a tab; the mask below is exact, with
/// no false positives from borrows). Returns how many were found.
fn find_tabs(line: &[u8], tabs: &mut [usize; 4]) -> usize {
    const TAB: u64 = 0x0909_0909_0909_0909;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let mut found = 0usize;
    let mut chunks = line.chunks_exact(8);
    let mut base = 0usize;
    for c in chunks.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w) ^ TAB;
        let mut m = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while m != 0 {
            let at = base + (m.trailing_zeros() / 8) as usize;
            if let Some(t) = tabs.get_mut(found) {
                *t = at;
            }
            found += 1;
            if found == 4 {
                return found;
            }
            m &= m - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\t' {
            if let Some(t) = tabs.get_mut(found) {
                *t = base + i;
            }
            found += 1;
            if found == 4 {
                return found;
            }
        }
    }
    found
}

/// One strict CZDS line.
fn scan_line(
    line: &[u8],
    suffix: &[u8],
    last: &mut Vec<u8>,
    stats: &mut CzdsStats,
    sink: &mut impl FnMut(&[u8]),
) -> Result<(), &'static str> {
    let mut tabs = [0usize; 4];
    if find_tabs(line, &mut tabs) < 4 {
        return Err("fewer than five tab-separated fields");
    }
    let [t1, t2, t3, t4] = tabs;
    let owner = line.get(..t1).unwrap_or(&[]);
    let ttl = line.get(t1 + 1..t2).unwrap_or(&[]);
    let class = line.get(t2 + 1..t3).unwrap_or(&[]);
    let rtype = line.get(t3 + 1..t4).unwrap_or(&[]);
    if ttl.is_empty() || !ttl.iter().all(u8::is_ascii_digit) {
        return Err("TTL is not a number");
    }
    if !class.eq_ignore_ascii_case(b"in") {
        return Err("class is not IN");
    }
    // Owners: lower-case LDH labels with a final dot, nothing to unescape.
    // A repeat of the previous owner was already checked.
    let repeat = last.as_slice().len() + suffix.len() == owner.len()
        && owner.starts_with(last.as_slice())
        && owner.ends_with(suffix);
    if !repeat
        && (owner.last() != Some(&b'.')
            || !owner.iter().all(|&b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'-' | b'.' | b'_' | b'*')
            }))
    {
        return Err("owner is not a lower-case fully qualified name");
    }
    if !rtype.eq_ignore_ascii_case(b"ns") {
        return Ok(());
    }
    let Some(label) = owner.strip_suffix(suffix) else { return Ok(()) };
    if label.is_empty() || label.contains(&b'.') {
        return Ok(()); // the origin itself, or a name deeper down
    }
    stats.delegations += 1;
    if !repeat {
        last.clear();
        last.extend_from_slice(label);
        sink(label);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("idnsafe-czds-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("zone.txt");
        std::fs::write(&p, text).unwrap();
        p
    }

    const ZONE: &str = "com.\t900\tin\tsoa\ta. b. 1 2 3 4 5\ncom.\t172800\tin\tns\ta.gtld.\na.com.\t172800\tin\tns\tns1.x.\na.com.\t172800\tin\tns\tns2.x.\nns1.a.com.\t172800\tin\ta\t192.0.2.1\nb.com.\t172800\tin\tds\t1 2 3 abc\nb.com.\t172800\tin\tns\tns1.x.\nxn--bcher-kva.com.\t172800\tin\tns\tns1.x.\n";

    #[test]
    fn extracts_delegated_labels() {
        let p = tmp("a", ZONE);
        assert_eq!(origin_from_soa(&p).unwrap().as_deref(), Some("com"));
        let mut got = Vec::new();
        let s = scan_range(&p, 0, ZONE.len() as u64, "com", |l| {
            got.push(String::from_utf8(l.to_vec()).unwrap())
        })
        .unwrap()
        .unwrap();
        assert_eq!(got, ["a", "b", "xn--bcher-kva"]);
        assert_eq!(s.lines, 8);
        assert_eq!(s.delegations, 4);
    }

    #[test]
    fn ranges_partition_the_lines() {
        let p = tmp("b", ZONE);
        for n in 1..=7 {
            let mut got = Vec::new();
            let mut lines = 0;
            for (a, b) in split_ranges(ZONE.len() as u64, n) {
                let s = scan_range(&p, a, b, "com", |l| got.push(l.to_vec())).unwrap().unwrap();
                lines += s.lines;
            }
            assert_eq!(lines, 8, "{n} ranges");
            got.dedup();
            assert_eq!(got.len(), 3, "{n} ranges");
        }
    }

    #[test]
    fn blocks_agree_with_ranges_at_any_block_size() {
        let p = tmp("e", ZONE);
        let mut want = Vec::new();
        scan_range(&p, 0, ZONE.len() as u64, "com", |l| want.push(l.to_vec())).unwrap().unwrap();
        for size in [1, 2, 5, 17, 64, 1000] {
            let blocks: Vec<std::io::Result<Vec<u8>>> =
                ZONE.as_bytes().chunks(size).map(|c| Ok(c.to_vec())).collect();
            let mut got = Vec::new();
            let s =
                scan_blocks(blocks.into_iter(), "com", |l| got.push(l.to_vec())).unwrap().unwrap();
            assert_eq!(got, want, "block size {size}");
            assert_eq!(s.lines, 8);
        }
        // And through gzip.
        let gz = p.with_extension("gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, ZONE.as_bytes()).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        assert_eq!(origin_from_gzip_soa(&gz).unwrap().as_deref(), Some("com"));
        let mut got = Vec::new();
        scan_blocks(gzip_blocks(&gz).unwrap(), "com", |l| got.push(l.to_vec())).unwrap().unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn find_tabs_is_exact() {
        let lines: [&[u8]; 5] = [
            b"a\tb\tc\td\te",
            b"\t\t\t\t",
            b"abcdefghijklmnop\tq\t\t\tx",
            b"\x89\x09\x08\t\x00\t\xff\t\t",
            b"no tabs here at all, none",
        ];
        for l in lines {
            let mut tabs = [0usize; 4];
            let n = find_tabs(l, &mut tabs);
            let want: Vec<usize> = l
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\t')
                .map(|(i, _)| i)
                .take(4)
                .collect();
            assert_eq!(n, want.len());
            assert_eq!(&tabs[..n], &want[..]);
        }
    }

    #[test]
    fn non_czds_lines_are_refused() {
        let p = tmp("c", "$ORIGIN com.\na IN NS ns1.x.\n");
        let r = scan_range(&p, 0, 100, "com", |_| {}).unwrap();
        assert!(r.is_err());
        let p = tmp("d", "A.COM.\t1\tIN\tNS\tx.\n");
        assert!(scan_range(&p, 0, 100, "com", |_| {}).unwrap().is_err());
    }
}

//! Hostile input: garbage bytes, huge lines, truncated and corrupt gzip,
//! broken includes. Nothing panics and every line is accounted for.

use std::io::Write;
use std::path::Path;

use idnsafe_zone::{Format, ItemRef, Reader, ReaderOptions, Stats};
use proptest::prelude::*;

/// Lines in `bytes` counted independently: newlines, plus a final line
/// without one.
fn count_lines(bytes: &[u8]) -> u64 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    n + u64::from(!bytes.is_empty() && bytes.last() != Some(&b'\n'))
}

/// Reads everything; returns stats and the error codes in order.
fn drain(mut reader: Reader) -> (Stats, Vec<(&'static str, u64)>, u64) {
    let mut codes = Vec::new();
    let mut records = 0;
    while let Some(item) = reader.next_item() {
        match item {
            ItemRef::Record(r) => {
                records += 1;
                assert!(r.line >= 1);
            }
            ItemRef::Error(e) => {
                assert!(!e.message().is_empty());
                codes.push((e.code(), e.line()));
            }
        }
    }
    let st = *reader.stats();
    assert_eq!(st.records, records);
    assert_eq!(st.lines, st.records + st.errors + st.skipped, "{st:?}");
    assert_eq!(st.errors + st.file_errors, codes.len() as u64, "{st:?}");
    (st, codes, records)
}

/// Deterministic pseudo-random bytes (xorshift), no dependency needed.
fn garbage(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn hostile_zone() -> Vec<u8> {
    let mut z = Vec::new();
    z.extend_from_slice(b"$ORIGIN example.\n@ SOA ns h 1 2 3 4 5\nok1 NS ns\n");
    z.extend_from_slice(&garbage(5000, 7));
    z.extend_from_slice(b"\nbig TXT \"");
    z.extend(std::iter::repeat_n(b'x', 1 << 20)); // a 1 MB line
    z.extend_from_slice(b"\"\n");
    z.extend_from_slice(b"ok2 NS ns\n");
    z.extend_from_slice(
        b"$INCLUDE nothere.zone\n$INCLUDE ../../../../etc/passwd\n$INCLUDE self.zone\n",
    );
    z.extend_from_slice(b"paren NS ( ns\n");
    z.extend(std::iter::repeat_n(b'y', 100_000)); // too long inside parentheses
    z.extend_from_slice(b"\n)\n\xff\xfe NS ns\nok3 NS ns\nno-newline-at-end NS ns");
    z
}

#[test]
fn hostile_zone_file() {
    let tmp = tempfile::tempdir().unwrap();
    let z = hostile_zone();
    std::fs::write(tmp.path().join("self.zone"), &z).unwrap();
    let opts = ReaderOptions::new().format(Format::Zone).max_include_depth(2);
    let (st, codes, _) = drain(opts.open(tmp.path().join("self.zone")).unwrap());
    // self.zone includes itself twice more (depth limit 2): three copies.
    assert_eq!(st.files, 3);
    assert_eq!(st.lines, 3 * count_lines(&z));
    let has = |c: &str| codes.iter().any(|(k, _)| *k == c);
    for c in [
        "LINE_TOO_LONG",
        "RECORD_TOO_LONG",
        "INCLUDE_NOT_FOUND",
        "INCLUDE_FORBIDDEN",
        "INCLUDE_DEPTH",
        "INVALID_UTF8",
        "ZONE_SYNTAX",
    ] {
        assert!(has(c), "{c} missing in {codes:?}");
    }
    // The big line is line 5 + the garbage's own lines.
    let big_line = count_lines(&z[..z.windows(8).position(|w| w == b"big TXT ").unwrap()]) + 1;
    assert!(codes.contains(&("LINE_TOO_LONG", big_line)), "{codes:?}");

    // The same bytes gzip-compressed give the same accounting.
    std::fs::write(tmp.path().join("z.gz"), gzip(&z)).unwrap();
    let opts =
        ReaderOptions::new().format(Format::Zone).include_policy(idnsafe_zone::IncludePolicy::Deny);
    let (st2, _, _) = drain(opts.open(tmp.path().join("z.gz")).unwrap());
    assert_eq!(st2.lines, count_lines(&z));
}

#[test]
fn records_after_garbage_are_read() {
    let mut z = garbage(20_000, 99);
    z.extend_from_slice(b"\nfine.example. NS ns.example.\n");
    let (st, _, _) = drain(
        ReaderOptions::new().format(Format::Zone).from_read(std::io::Cursor::new(z.clone()), None),
    );
    assert_eq!(st.lines, count_lines(&z));
    let reader = ReaderOptions::new().format(Format::Zone).from_read(std::io::Cursor::new(z), None);
    let last = reader.filter_map(|i| match i {
        idnsafe_zone::Item::Record(r) => Some(r.name),
        _ => None,
    });
    assert_eq!(last.last().as_deref(), Some("fine.example"));
}

fn names_gz(n: usize) -> (Vec<u8>, Vec<u8>) {
    let mut text = Vec::new();
    for i in 0..n {
        writeln!(text, "name{i}.example").unwrap();
    }
    let gz = gzip(&text);
    (text, gz)
}

#[test]
fn truncated_gzip_stops_that_file_cleanly() {
    let (text, gz) = names_gz(50_000);
    for (cut, background) in
        [(gz.len() / 2, false), (gz.len() - 4, false), (11, false), (gz.len() / 2, true)]
    {
        let reader = ReaderOptions::new()
            .decompress_in_background(background)
            .from_read(std::io::Cursor::new(gz[..cut].to_vec()), Some("cut.gz"));
        let (st, codes, records) = drain(reader);
        assert_eq!(codes.len(), 1, "{codes:?}");
        assert_eq!(codes[0].0, "GZIP_TRUNCATED", "cut at {cut}");
        assert!(records < 50_000 || cut == gz.len() - 4);
        assert!(st.lines <= count_lines(&text));
    }
}

#[test]
fn corrupt_gzip_is_an_error_record() {
    let (_, mut gz) = names_gz(50_000);
    let mid = gz.len() / 2;
    for b in &mut gz[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let (_, codes, _) = drain(ReaderOptions::new().from_read(std::io::Cursor::new(gz), None));
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(["GZIP_CORRUPT", "GZIP_TRUNCATED"].contains(&codes[0].0), "{codes:?}");
}

#[test]
fn multi_member_gzip_reads_every_member() {
    let (text1, mut gz) = names_gz(1000);
    let (text2, gz2) = names_gz(500);
    gz.extend_from_slice(&gz2);
    let (st, codes, records) =
        drain(ReaderOptions::new().from_read(std::io::Cursor::new(gz.clone()), None));
    assert!(codes.is_empty(), "{codes:?}");
    // Inflating on another thread gives the same result.
    let (st_bg, codes_bg, _) = drain(
        ReaderOptions::new()
            .decompress_in_background(true)
            .from_read(std::io::Cursor::new(gz), None),
    );
    assert!(codes_bg.is_empty(), "{codes_bg:?}");
    assert_eq!(st_bg, st);
    assert_eq!(records, count_lines(&text1) + count_lines(&text2));
    assert_eq!(st.records, 1500);
}

#[test]
fn name_list_with_bad_lines() {
    let mut text = b"good.example\n\xc3\x28.example\ntwo words\n\n# comment\n".to_vec();
    text.extend(std::iter::repeat_n(b'a', 70_000));
    text.extend_from_slice(b"\nlast.example\n");
    let (st, codes, records) = drain(
        ReaderOptions::new()
            .format(Format::NameList)
            .from_read(std::io::Cursor::new(text.clone()), None),
    );
    assert_eq!(records, 2);
    assert_eq!(codes, vec![("INVALID_UTF8", 2), ("NAME_SYNTAX", 3), ("LINE_TOO_LONG", 6)]);
    assert_eq!(st.lines, count_lines(&text));
}

#[test]
fn line_cap_is_configurable() {
    let text = format!("{}\nshort.example\n", "a".repeat(1000));
    let (_, codes, records) =
        drain(ReaderOptions::new().max_line_len(500).from_read(std::io::Cursor::new(text), None));
    assert_eq!(codes, vec![("LINE_TOO_LONG", 1)]);
    assert_eq!(records, 1);
}

#[test]
fn unreadable_path_is_an_error() {
    let err = Reader::open("/nonexistent/zone.gz").unwrap_err();
    assert_eq!(err.code(), "IO_ERROR");
    assert_eq!(err.file(), Some("/nonexistent/zone.gz"));
}

fn check_bytes(bytes: &[u8], format: Option<Format>) {
    let mut opts = ReaderOptions::new().max_line_len(300);
    if let Some(f) = format {
        opts = opts.format(f);
    }
    let reader = opts.from_read(std::io::Cursor::new(bytes.to_vec()), None);
    let (st, codes, _) = drain(reader);
    // A CSV without a `name` column is not read past its header.
    let stopped = codes.iter().any(|c| c.0 == "CSV_NO_NAME_COLUMN");
    if !stopped && (bytes.len() < 2 || bytes[..2] != [0x1f, 0x8b]) {
        assert_eq!(st.lines, count_lines(bytes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        for f in [None, Some(Format::Zone), Some(Format::Csv), Some(Format::NameList)] {
            check_bytes(&bytes, f);
        }
    }

    #[test]
    fn zone_like_text_never_panics(
        parts in proptest::collection::vec(
            prop::sample::select(vec![
                "a", "B.", "@", " ", "\t", "\n", "(", ")", "\"", ";", "\\", "\\0", "\\255",
                "3600", "IN", "ns", "SOA", "TXT", "$ORIGIN", "$TTL", "$INCLUDE", ".", "..", "é",
                "\u{feff}", "\r\n", "TYPE65535", "CLASS1", "1h", "x,y", "name,registrant",
            ]),
            0..200,
        )
    ) {
        let text: String = parts.concat();
        for f in [None, Some(Format::Zone), Some(Format::Csv)] {
            check_bytes(text.as_bytes(), f);
        }
    }
}

#[test]
fn include_of_a_gzip_file_and_of_garbage() {
    let tmp = tempfile::tempdir().unwrap();
    let d: &Path = tmp.path();
    std::fs::write(d.join("part.zone.gz"), gzip(b"x NS ns\n")).unwrap();
    let mut bad = gzip(b"y NS ns\nz NS ns\n");
    bad.truncate(bad.len() - 6);
    std::fs::write(d.join("bad.zone.gz"), bad).unwrap();
    std::fs::write(
        d.join("main.zone"),
        "$ORIGIN example.\n$INCLUDE part.zone.gz\n$INCLUDE bad.zone.gz\nw NS ns\n",
    )
    .unwrap();
    let reader = Reader::open(d.join("main.zone")).unwrap();
    let mut names = Vec::new();
    let mut codes = Vec::new();
    for item in reader {
        match item {
            idnsafe_zone::Item::Record(r) => names.push(r.name),
            idnsafe_zone::Item::Error(e) => codes.push(e.code()),
            _ => unreachable!(),
        }
    }
    assert_eq!(codes, ["GZIP_TRUNCATED"]);
    assert_eq!(names.first().map(String::as_str), Some("x.example"));
    assert_eq!(names.last().map(String::as_str), Some("w.example"));
}

//! The readers over the real zone files and name lists in `shared/data`.
//! Expected figures come from SOURCES.md or are computed here independently
//! (flate2 + plain string splitting), never from the reader itself.

use std::io::Read;
use std::path::{Path, PathBuf};

use idnsafe_zone::{Format, Item, ItemRef, Reader, ReaderOptions, RecordType, distinct_registered};

fn gunzip(path: &Path) -> String {
    let mut s = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = idnsafe_tests::data_file(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gz"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no .gz files in {}", dir.display());
    v
}

/// Reads a file to the end, checking the accounting; returns (records, errors).
fn read_all(path: &Path) -> (Reader, u64, Vec<String>) {
    let mut reader = Reader::open(path).unwrap();
    let mut records = 0u64;
    let mut errors = Vec::new();
    while let Some(item) = reader.next_item() {
        match item {
            ItemRef::Record(_) => records += 1,
            ItemRef::Error(e) => errors.push(e.to_string()),
        }
    }
    let st = *reader.stats();
    assert_eq!(st.records, records);
    assert_eq!(st.lines, st.records + st.errors + st.skipped, "{}: {st:?}", path.display());
    (reader, records, errors)
}

#[test]
fn root_zone_has_1445_tlds_151_idn() {
    let path = idnsafe_tests::data_file("zones/records__root.zone.gz");
    for origin in [Some("."), None] {
        // Also with gzip inflated on a second thread.
        let mut reader =
            ReaderOptions::new().decompress_in_background(origin.is_none()).open(&path).unwrap();
        let mut errors = 0;
        let tlds = distinct_registered(&mut reader, origin, |_| errors += 1).unwrap();
        assert_eq!(errors, 0);
        assert_eq!(tlds.origin(), "");
        assert_eq!(tlds.len(), 1445, "SOURCES.md: 1,445 TLDs");
        assert_eq!(tlds.labels().filter(|l| l.starts_with("xn--")).count(), 151);
        assert!(tlds.contains_label("com"));
        assert!(tlds.contains_label("xn--p1ai"));
        assert!(!tlds.contains_label(""));
        let labels: Vec<&str> = tlds.labels().collect();
        assert!(labels.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
    }
}

/// NS owners exactly one label below the origin, by whitespace splitting.
fn independent_registered(text: &str, origin: &str) -> std::collections::BTreeSet<String> {
    let suffix = format!(".{origin}.");
    text.lines()
        .filter(|l| !l.starts_with(';'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 5 && f[3].eq_ignore_ascii_case("NS")).then(|| f[0].to_ascii_lowercase())
        })
        .filter_map(|o| o.strip_suffix(&suffix).map(str::to_string))
        .filter(|l| !l.contains('.'))
        .collect()
}

#[test]
fn every_zone_file_reads_without_errors() {
    for path in files("zones") {
        let text = gunzip(&path);
        let (reader, records, errors) = read_all(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(reader.format(), Format::Zone, "{name}");
        assert!(errors.is_empty(), "{name}: {errors:?}");
        // Independent count: non-blank lines not starting with ';'.
        let expected =
            text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with(';')).count() as u64;
        assert_eq!(records, expected, "{name}");
        // dig's own trailer says how many records the transfer had.
        if let Some(pos) = text.find(";; XFR size: ") {
            let n: u64 = text[pos + 13..].split_whitespace().next().unwrap().parse().unwrap();
            assert_eq!(records, n, "{name}: XFR size");
        }
    }
}

#[test]
fn registered_names_match_an_independent_count() {
    let mut checked = 0;
    for path in files("zones") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("records__") || name.contains("root") {
            continue;
        }
        let text = gunzip(&path);
        let mut reader = Reader::open(&path).unwrap();
        let got = distinct_registered(&mut reader, None, |e| panic!("{name}: {e}")).unwrap();
        let expected = independent_registered(&text, got.origin());
        assert!(!got.origin().is_empty(), "{name}");
        assert!(!expected.is_empty(), "{name}");
        assert_eq!(
            got.labels().collect::<Vec<_>>(),
            expected.iter().map(String::as_str).collect::<Vec<_>>(),
            "{name}"
        );
        checked += 1;
    }
    assert_eq!(checked, 9, "records__*.zone.gz files other than the root");
}

#[test]
fn idn_zones_yield_xn_labels() {
    let path = idnsafe_tests::data_file("zones/records__XN--WGBH1C.zone.gz");
    let mut reader = Reader::open(&path).unwrap();
    let got = distinct_registered(&mut reader, Some("XN--WGBH1C."), |e| panic!("{e}")).unwrap();
    assert_eq!(got.origin(), "xn--wgbh1c");
    assert!(got.len() > 10);
    assert!(got.labels().all(|l| l.starts_with("xn--")), "all-IDN zone per SOURCES.md");
    assert!(got.names().all(|n| n.ends_with(".xn--wgbh1c")));
}

#[test]
fn ns_and_soa_rdata_are_extracted() {
    let path = idnsafe_tests::data_file("zones/records__root.zone.gz");
    let reader = Reader::open(&path).unwrap();
    let mut soa = None;
    let mut com_ns = Vec::new();
    for item in reader {
        let Item::Record(r) = item else { panic!("{item:?}") };
        match r.rtype {
            Some(RecordType::SOA) if soa.is_none() => soa = r.rdata.clone(),
            Some(RecordType::NS) if r.name == "com" => com_ns.push(r.rdata.unwrap()),
            _ => {}
        }
    }
    assert_eq!(soa.as_deref(), Some("a.root-servers.net"));
    com_ns.sort();
    assert_eq!(com_ns.len(), 13);
    assert_eq!(com_ns[0], "a.gtld-servers.net");
}

#[test]
fn every_name_list_reads_to_the_end() {
    for path in files("names") {
        let text = gunzip(&path);
        let expected = text.lines().filter(|l| !l.trim().is_empty()).count() as u64;
        let (reader, records, errors) = read_all(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(reader.format(), Format::NameList, "{name}");
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert_eq!(records, expected, "{name}");
    }
}

#[test]
fn name_list_names_are_the_lines() {
    let path = idnsafe_tests::data_file("names/xn--l1acc.txt.gz");
    let text = gunzip(&path);
    let got: Vec<String> = Reader::open(&path)
        .unwrap()
        .map(|i| match i {
            Item::Record(r) => r.name,
            other => panic!("{other:?}"),
        })
        .collect();
    let expected: Vec<String> = text.lines().map(str::to_ascii_lowercase).collect();
    assert_eq!(got, expected);
}

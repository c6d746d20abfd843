//! RFC 1035 §5 master-file features, one small file each, written here.

use std::path::Path;

use idnsafe_zone::{
    ErrorCode, Format, IncludePolicy, Item, Reader, ReaderOptions, RecordType, distinct_registered,
};

/// (name, type, rdata, line) of every record; error codes with lines.
type Recs = Vec<(String, String, Option<String>, u64)>;

fn collect(reader: Reader) -> (Recs, Vec<(String, u64, Option<String>)>) {
    let mut recs = Vec::new();
    let mut errs = Vec::new();
    let mut reader = reader;
    for item in &mut reader {
        match item {
            Item::Record(r) => recs.push((
                r.name,
                r.rtype.map(|t| t.to_string()).unwrap_or_default(),
                r.rdata,
                r.line,
            )),
            Item::Error(e) => {
                errs.push((e.code().to_string(), e.line(), e.file().map(str::to_string)))
            }
            other => panic!("{other:?}"),
        }
    }
    let st = reader.stats();
    assert_eq!(st.lines, st.records + st.errors + st.skipped, "{st:?}");
    (recs, errs)
}

fn parse(text: &str) -> (Recs, Vec<(String, u64, Option<String>)>) {
    let r = ReaderOptions::new()
        .format(Format::Zone)
        .from_read(std::io::Cursor::new(text.to_string()), None);
    collect(r)
}

fn rec(
    name: &str,
    t: &str,
    rdata: Option<&str>,
    line: u64,
) -> (String, String, Option<String>, u64) {
    (name.into(), t.into(), rdata.map(Into::into), line)
}

#[test]
fn origin_at_relative_and_blank_owner() {
    let (recs, errs) = parse(
        "$ORIGIN Example.COM.\n\
         $TTL 1h\n\
         @ IN SOA ns1 hostmaster 1 2 3 4 5\n\
         \tIN NS ns1\n\
         www 300 A 192.0.2.1\n\
         \x20      AAAA 2001:db8::1\n\
         sub IN 60 NS ns.elsewhere.net.\n\
         $ORIGIN sub\n\
         deep NS ns1\n\
         $ORIGIN .\n\
         tld NS x.\n",
    );
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        recs,
        vec![
            rec("example.com", "SOA", Some("ns1.example.com"), 3),
            rec("example.com", "NS", Some("ns1.example.com"), 4),
            rec("www.example.com", "A", None, 5),
            rec("www.example.com", "AAAA", None, 6),
            rec("sub.example.com", "NS", Some("ns.elsewhere.net"), 7),
            rec("deep.sub.example.com", "NS", Some("ns1.sub.example.com"), 9),
            rec("tld", "NS", Some("x"), 11),
        ]
    );
}

#[test]
fn parentheses_span_lines_and_comments_ignore_quotes() {
    let (recs, errs) = parse(
        "example. 3600 IN SOA ns.example. host.example. (\n\
         \t2024010101 ; serial (with a paren in the comment\n\
         \t7200 3600\n\
         \t1209600 300 )\n\
         txt.example. TXT \"semi;colon (paren\" ; real comment (\n\
         multi.example. TXT ( \"a\"\n\
         \"b)\" )\n\
         after.example. NS ns.example.\n",
    );
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        recs,
        vec![
            rec("example", "SOA", Some("ns.example"), 1),
            rec("txt.example", "TXT", None, 5),
            rec("multi.example", "TXT", None, 6),
            rec("after.example", "NS", Some("ns.example"), 8),
        ]
    );
}

#[test]
fn escapes_case_and_field_order() {
    let (recs, errs) = parse(
        "caf\\195\\169.example. in ns NS1.Example.\n\
         a\\.b.example. 3600 In Ns ns.example.\n\
         \\065bc.example. CLASS1 TYPE2 ns.example.\n\
         x\\ y.example. IN 3600 ns ns.example.\n\
         MiXeD.EXAMPLE. 60 iN a 192.0.2.1\n",
    );
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        recs,
        vec![
            rec("café.example", "NS", Some("ns1.example"), 1),
            rec("a\\.b.example", "NS", Some("ns.example"), 2),
            rec("abc.example", "NS", Some("ns.example"), 3),
            rec("x y.example", "NS", Some("ns.example"), 4),
            rec("mixed.example", "A", None, 5),
        ]
    );
}

#[test]
fn syntax_errors_are_records_and_reading_goes_on() {
    let (recs, errs) = parse(
        "$ORIGIN example.\n\
         ok1 NS ns\n\
         bad 3600 IN BOGUS data\n\
         a..b NS ns\n\
         \\300 NS ns\n\
         \\255\\255 NS ns\n\
         unbalanced ) NS ns\n\
         $GENERATE 1-10 host$ A 192.0.2.$\n\
         $FOO bar\n\
         quote TXT \"never closed\n\
         nsless NS\n\
         ok2 NS ns\n\
         open NS ( ns\n",
    );
    let codes: Vec<(&str, u64)> = errs.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    assert_eq!(
        codes,
        vec![
            ("ZONE_UNKNOWN_TYPE", 3),
            ("ZONE_SYNTAX", 4),
            ("ZONE_SYNTAX", 5),
            ("INVALID_UTF8", 6),
            ("ZONE_SYNTAX", 7),
            ("ZONE_UNSUPPORTED_DIRECTIVE", 8),
            ("ZONE_SYNTAX", 9),
            ("ZONE_SYNTAX", 10),
            ("ZONE_SYNTAX", 11),
            ("ZONE_SYNTAX", 13),
        ]
    );
    let names: Vec<&str> = recs.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["ok1.example", "ok2.example"]);
}

#[test]
fn relative_name_without_origin_is_an_error() {
    let (recs, errs) = parse("www A 192.0.2.1\n@ NS ns.\n \tNS ns.\n");
    assert!(recs.is_empty());
    let codes: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(codes, ["ZONE_NO_ORIGIN", "ZONE_NO_ORIGIN", "ZONE_SYNTAX"]);
    // With an origin given by the caller the same file reads.
    let r = ReaderOptions::new()
        .format(Format::Zone)
        .origin("Example.")
        .from_read(std::io::Cursor::new("www A 192.0.2.1\n@ NS ns.\n"), None);
    let (recs, errs) = collect(r);
    assert!(errs.is_empty());
    assert_eq!(recs[0].0, "www.example");
    assert_eq!(recs[1].0, "example");
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn include_relative_to_including_file_with_origin() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    write(
        d,
        "main.zone",
        "$ORIGIN example.\n\
         @ SOA ns hostmaster 1 2 3 4 5\n\
         a NS ns\n\
         $INCLUDE sub/part.zone other.example.\n\
         b NS ns\n",
    );
    // Relative to sub/, not to the top file's directory.
    write(d, "sub/part.zone", "x NS ns\n$ORIGIN changed.\ny NS ns\n$INCLUDE leaf.zone\n");
    write(d, "sub/leaf.zone", "z NS ns\n");
    let (recs, errs) = collect(Reader::open(d.join("main.zone")).unwrap());
    assert!(errs.is_empty(), "{errs:?}");
    let names: Vec<&str> = recs.iter().map(|r| r.0.as_str()).collect();
    // RFC 1035 §5.1: the include's origin changes do not leak back.
    assert_eq!(
        names,
        ["example", "a.example", "x.other.example", "y.changed", "z.changed", "b.example"]
    );
    let mut reader = Reader::open(d.join("main.zone")).unwrap();
    let reg = distinct_registered(&mut reader, None, |e| panic!("{e}")).unwrap();
    assert_eq!(reg.labels().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(reader.stats().files, 3);
}

#[test]
fn include_errors_are_records() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("zones");
    std::fs::create_dir(&base).unwrap();
    write(tmp.path(), "secret.zone", "leak. NS ns.\n");
    write(
        &base,
        "main.zone",
        "a. NS ns.\n\
         $INCLUDE missing.zone\n\
         $INCLUDE ../secret.zone\n\
         $INCLUDE /etc/passwd\n\
         $INCLUDE .\n\
         $INCLUDE\n\
         $INCLUDE loop.zone\n\
         b. NS ns.\n",
    );
    write(&base, "loop.zone", "l. NS ns.\n$INCLUDE loop.zone\n");
    let opts = ReaderOptions::new().max_include_depth(3);
    let (recs, errs) = collect(opts.open(base.join("main.zone")).unwrap());
    let codes: Vec<(&str, u64)> = errs.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    assert_eq!(
        codes,
        vec![
            ("INCLUDE_NOT_FOUND", 2),
            ("INCLUDE_FORBIDDEN", 3),
            ("INCLUDE_FORBIDDEN", 4),
            ("INCLUDE_NOT_FOUND", 5),
            ("ZONE_SYNTAX", 6),
            ("INCLUDE_DEPTH", 2),
        ]
    );
    // The depth error is reported in the deepest loop.zone.
    assert!(errs[5].2.as_deref().unwrap().ends_with("loop.zone"));
    let names: Vec<&str> = recs.iter().map(|r| r.0.as_str()).collect();
    // loop.zone read at depths 1, 2 and 3.
    assert_eq!(names, ["a", "l", "l", "l", "b"]);

    // Includes can be switched off, and are off for streams without a path.
    let (_, errs) = collect(
        ReaderOptions::new()
            .include_policy(IncludePolicy::Deny)
            .open(base.join("loop.zone"))
            .unwrap(),
    );
    assert_eq!(errs[0].0, "INCLUDE_FORBIDDEN");
    let (_, errs) = parse("$INCLUDE loop.zone\n");
    assert_eq!(errs[0].0, ErrorCode::IncludeForbidden.code());
}

#[test]
fn include_total_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "leaf.zone", "x. NS ns.\n");
    write(d, "main.zone", &"$INCLUDE leaf.zone\n".repeat(10));
    let (recs, errs) =
        collect(ReaderOptions::new().max_includes(4).open(d.join("main.zone")).unwrap());
    assert_eq!(recs.len(), 4);
    assert_eq!(errs.len(), 6);
    assert!(errs.iter().all(|e| e.0 == "INCLUDE_LIMIT"));
}

#[test]
fn czds_lines() {
    let text = "com.\t900\tin\tsoa\ta.gtld-servers.net.\tnstld.verisign-grs.com.\t1\t1800\t900\t604800\t86400\n\
                com.\t172800\tin\tns\ta.gtld-servers.net.\n\
                example.com.\t172800\tin\tns\ta.iana-servers.net.\n\
                example.com.\t172800\tin\tns\tb.iana-servers.net.\n\
                xn--bcher-kva.com.\t172800\tin\tns\tns1.example.net.\n\
                xn--bcher-kva.com.\t86400\tin\tds\t12345 8 2 abcdef\n\
                a.gtld-servers.net.\t172800\tin\ta\t192.5.6.30\n\
                sub.example.com.\t172800\tin\tns\tns.example.net.\n\
                example.com.\t172800\tin\tns\tc.iana-servers.net.\n";
    let mut reader = ReaderOptions::new().from_read(std::io::Cursor::new(text), None);
    assert_eq!(reader.format(), Format::Zone);
    let reg = distinct_registered(&mut reader, None, |e| panic!("{e}")).unwrap();
    assert_eq!(reg.origin(), "com");
    assert_eq!(reg.labels().collect::<Vec<_>>(), ["example", "xn--bcher-kva"]);
    assert_eq!(reg.names().collect::<Vec<_>>(), ["example.com", "xn--bcher-kva.com"]);
    assert_eq!(reader.stats().records, 9);
    assert_eq!(RecordType::parse(b"ns"), Some(RecordType::NS));
}

#[test]
fn ns_before_soa_and_missing_origin() {
    let text =
        "b.test. NS ns.\nnot.under.other. NS ns.\ntest. SOA ns. h. 1 2 3 4 5\na.test. NS ns.\n";
    let mut reader = ReaderOptions::new().from_read(std::io::Cursor::new(text), None);
    let reg = distinct_registered(&mut reader, None, |e| panic!("{e}")).unwrap();
    assert_eq!(reg.labels().collect::<Vec<_>>(), ["a", "b"]);
    let mut reader = ReaderOptions::new().from_read(std::io::Cursor::new("a.test. NS ns.\n"), None);
    let err = distinct_registered(&mut reader, None, |e| panic!("{e}")).unwrap_err();
    assert_eq!(err.code(), "NO_ORIGIN");
}

#[test]
fn csv_with_registrant() {
    let text = "id,Name,registrant\n1,Example.COM.,acme\n\n2,\"b,c.com\",\n3,d.com\n4,,x\n5,\"e.com\",\"Jo \"\"J\"\" Doe\"\n";
    let reader = ReaderOptions::new().from_read(std::io::Cursor::new(text), Some("list.csv"));
    assert_eq!(reader.format(), Format::Csv);
    let mut recs = Vec::new();
    let mut errs = Vec::new();
    let mut reader = reader;
    for item in &mut reader {
        match item {
            Item::Record(r) => recs.push((r.name, r.registrant, r.line)),
            Item::Error(e) => errs.push((e.code(), e.line(), e.file().map(str::to_string))),
            _ => unreachable!(),
        }
    }
    assert_eq!(
        recs,
        vec![
            ("example.com".to_string(), Some("acme".to_string()), 2),
            ("b,c.com".to_string(), None, 4),
            ("e.com".to_string(), Some("Jo \"J\" Doe".to_string()), 7),
        ]
    );
    assert_eq!(
        errs,
        vec![
            ("CSV_SYNTAX", 5, Some("list.csv".to_string())),
            ("CSV_SYNTAX", 6, Some("list.csv".to_string())),
        ]
    );
    let st = reader.stats();
    assert_eq!((st.lines, st.records, st.errors, st.skipped), (7, 3, 2, 2));
}

#[test]
fn csv_without_name_column_stops_that_file() {
    let reader = ReaderOptions::new()
        .format(Format::Csv)
        .from_read(std::io::Cursor::new("domain,owner\na.com,x\n"), None);
    let (recs, errs) = collect(reader);
    assert!(recs.is_empty());
    assert_eq!(errs, vec![("CSV_NO_NAME_COLUMN".to_string(), 1, None)]);
}

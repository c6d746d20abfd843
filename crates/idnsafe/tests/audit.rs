//! Audits of the real zone files and name lists, planted homographs, the
//! CZDS fast path against the general reader, and hostile input.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use idnsafe::audit::{AuditOptions, AuditSummary, Finding, FindingKind, audit};
use idnsafe_confusables::{Level, ProtectedIndex};

fn run(files: &[PathBuf], opts: &AuditOptions) -> (AuditSummary, Vec<Finding>) {
    let mut out = Vec::new();
    let s = audit(files, opts, |f| out.push(f.clone())).unwrap();
    (s, out)
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut v = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut v)
        .unwrap();
    v
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("idnsafe-audit-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_shared_zone_and_name_list_is_audited() {
    for dir in ["zones", "names"] {
        let d = idnsafe_tests::data_file(dir);
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(!files.is_empty());
        for f in files {
            // The North Korean file is a series of `dig ANY` answers whose
            // first SOA is for airkoryo.com.kp; the registrations it shows
            // are under .kp, so audit it with that origin.
            let origin = f.to_string_lossy().contains("NorthKorea").then(|| "kp".to_owned());
            let opts = AuditOptions { origin, ..AuditOptions::default() };
            let (s, findings) = run(std::slice::from_ref(&f), &opts);
            assert!(s.names_distinct > 0, "{}: no names", f.display());
            assert_eq!(s.read_errors, 0, "{}: read errors", f.display());
            assert!(findings.iter().all(|x| x.kind != FindingKind::ReadError));
        }
    }
}

/// Without any option, every shared file yields names or says why not: a
/// zone file's report accounts for every record, and a file whose records
/// mostly lie outside the origin its names came from is an `out_of_zone`
/// finding, never a quiet "no findings".
#[test]
fn no_shared_file_ends_silently_empty() {
    for dir in ["zones", "names"] {
        let d = idnsafe_tests::data_file(dir);
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let (s, findings) = run(std::slice::from_ref(&f), &AuditOptions::default());
            for z in &s.zones {
                let a = &z.account;
                assert_eq!(
                    a.records,
                    a.apex + a.delegations + a.hosts + a.below + a.outside + a.unclassified,
                    "{}",
                    z.describe()
                );
            }
            let out_of_zone: Vec<&Finding> =
                findings.iter().filter(|x| x.kind == FindingKind::OutOfZone).collect();
            if s.names_distinct == 0 {
                assert_eq!(out_of_zone.len(), 1, "{}: no names and no out_of_zone", f.display());
            }
            if f.to_string_lossy().contains("NorthKorea") {
                let a = &s.zones[0].account;
                assert_eq!(a.origin.as_deref(), Some("airkoryo.com.kp"));
                assert_eq!(a.origin_from, "soa");
                assert_eq!((a.records, a.apex, a.outside), (133, 6, 127));
                let msg = &out_of_zone[0].reasons[0].message;
                assert!(msg.contains("127 of the 133 records"), "{msg}");
                assert!(out_of_zone[0].names.contains(&"co.kp".to_owned()));
            }
        }
    }
}

/// `--names registrable`: the registrable domain of every owner name, so
/// dig output audits as its owners suggest.
#[test]
fn registrable_names_of_dig_output() {
    let f = idnsafe_tests::data_file("zones/NorthKoreaDNSLeak__all_domains_any_query.zone.gz");
    let opts = AuditOptions {
        names: idnsafe::audit::NameSelection::Registrable,
        ..AuditOptions::default()
    };
    let (s, findings) = run(std::slice::from_ref(&f), &opts);
    assert!(findings.iter().all(|x| x.kind != FindingKind::OutOfZone));
    // 33 owner names: the registrable domains under the .kp suffixes, and
    // the suffixes themselves (kp, com.kp ...) counted as not registrable.
    assert!(s.names_distinct >= 15, "{}", s.names_distinct);
    assert!(s.not_registrable > 0);
    assert!(s.zones.is_empty(), "no delegation accounting in this mode");
    // The same names as the delegations under .kp, and more.
    let (kp, _) = run(
        std::slice::from_ref(&f),
        &AuditOptions { origin: Some("kp".to_owned()), ..AuditOptions::default() },
    );
    assert!(s.names_distinct > kp.names_distinct, "{} vs {}", s.names_distinct, kp.names_distinct);
}

#[test]
fn distinct_name_counts_of_known_files() {
    // The root zone: 1,445 delegated TLDs (SOURCES.md).
    let root = idnsafe_tests::data_file("zones/records__root.zone.gz");
    let (s, _) = run(&[root], &AuditOptions::default());
    assert_eq!(s.names_distinct, 1445);
    assert_eq!(s.names_idn, 151);
    // Name lists: one name per line, counted independently here.
    for list in ["names/kz.txt.gz", "names/lol.txt.gz", "names/xn--80ao21a.txt.gz"] {
        let p = idnsafe_tests::data_file(list);
        let text = String::from_utf8(gunzip(&p)).unwrap();
        let mut distinct: Vec<&str> =
            text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let (s, _) = run(&[p], &AuditOptions::default());
        assert_eq!(s.names_distinct, distinct.len() as u64, "{list}");
    }
}

/// Cyrillic letters that look like Latin ones.
fn cyrillic_twin(label: &str) -> Option<String> {
    let mut changed = false;
    let out: String = label
        .chars()
        .map(|c| match c {
            'a' => {
                changed = true;
                'а'
            }
            'o' => {
                changed = true;
                'о'
            }
            'e' => {
                changed = true;
                'е'
            }
            _ => c,
        })
        .collect();
    changed.then_some(out)
}

#[test]
fn planted_homographs_are_found() {
    let src = idnsafe_tests::data_file("names/kz.txt.gz");
    let text = String::from_utf8(gunzip(&src)).unwrap();
    // Plant mixed-script twins of ten real ASCII names.
    let originals: Vec<&str> = text
        .lines()
        .filter(|n| n.ends_with(".kz") && !n.starts_with("xn--") && n.len() > 8)
        .filter(|n| cyrillic_twin(n.trim_end_matches(".kz")).is_some())
        .step_by(997)
        .take(10)
        .collect();
    assert_eq!(originals.len(), 10);
    let mut planted = Vec::new();
    let dir = tmpdir("plant");
    let copy = dir.join("kz-planted.txt");
    let mut f = std::fs::File::create(&copy).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    for o in &originals {
        let twin = cyrillic_twin(o.trim_end_matches(".kz")).unwrap();
        let a = idnsafe_idna::encode_alabel(&twin).unwrap();
        writeln!(f, "{a}.kz").unwrap();
        planted.push((o.to_string(), format!("{a}.kz")));
    }
    drop(f);
    let (_, findings) = run(&[copy], &AuditOptions::default());
    for (orig, twin) in &planted {
        assert!(
            findings.iter().any(|x| x.kind == FindingKind::HomographCluster
                && x.names.contains(orig)
                && x.names.contains(twin)),
            "planted {twin} (twin of {orig}) not found in a homograph cluster"
        );
    }
    // And with protected names: a lookalike of a protected name is reported.
    let protect =
        ProtectedIndex::from_list(&format!("{}\n", planted[0].0), Level::Identical).unwrap();
    let opts = AuditOptions { protect: Some(protect), ..AuditOptions::default() };
    let (_, findings) = run(&[dir.join("kz-planted.txt")], &opts);
    assert!(findings.iter().any(|x| x.kind == FindingKind::ConfusableWithProtected
        && x.names == [planted[0].1.clone()]
        && x.protected.as_deref() == Some(planted[0].0.as_str())));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn czds_fast_path_agrees_with_the_general_reader() {
    // A CZDS-form copy of a real zone: lower-case, tab-separated, one record per line.
    let src = idnsafe_tests::data_file("zones/records__XN--WGBH1C.zone.gz");
    let text = String::from_utf8(gunzip(&src)).unwrap();
    let dir = tmpdir("czds");
    let czds = dir.join("zone.txt");
    let mut f = std::fs::File::create(&czds).unwrap();
    let mut soa_first = Vec::new();
    let mut rest = Vec::new();
    for line in text.lines() {
        if line.starts_with(';') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 5 {
            continue;
        }
        let l = format!(
            "{}\t{}\t{}\t{}\t{}",
            fields[0].to_lowercase(),
            fields[1],
            fields[2].to_lowercase(),
            fields[3].to_lowercase(),
            fields[4..].join(" ")
        );
        if fields[3].eq_ignore_ascii_case("soa") && soa_first.is_empty() {
            soa_first.push(l)
        } else {
            rest.push(l)
        }
    }
    for l in soa_first.iter().chain(&rest) {
        writeln!(f, "{l}").unwrap();
    }
    drop(f);
    let (fast, ff) =
        run(std::slice::from_ref(&czds), &AuditOptions { threads: 2, ..AuditOptions::default() });
    assert_eq!(fast.readers, ["czds-fast"]);
    // The same file gzip-compressed goes through the streaming CZDS path.
    let gz = dir.join("zone.txt.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&std::fs::read(&czds).unwrap()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let (fast_gz, fgz) = run(std::slice::from_ref(&gz), &AuditOptions::default());
    assert_eq!(fast_gz.readers, ["czds-fast-gzip"]);
    assert_eq!(fgz, ff);
    let (slow, sf) = run(&[src], &AuditOptions::default());
    assert_ne!(slow.readers, ["czds-fast"]);
    assert_eq!(fast.names_distinct, slow.names_distinct);
    assert!(fast.names_distinct > 100);
    assert_eq!(ff, sf);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hostile_input_every_line_accounted_for() {
    let dir = tmpdir("hostile");
    // Garbage bytes, a 1 MB line, a broken $INCLUDE, valid records.
    let zone = dir.join("bad.zone");
    let mut z = Vec::new();
    z.extend_from_slice(b"$ORIGIN example.\n@ 3600 IN SOA ns.example. h.example. 1 2 3 4 5\n");
    z.extend_from_slice(b"good 3600 IN NS ns1.other.\n");
    z.extend_from_slice(b"\xff\xfe\x00garbage\x01\n");
    z.extend(std::iter::repeat_n(b'x', 1 << 20));
    z.push(b'\n');
    z.extend_from_slice(b"$INCLUDE does-not-exist.zone\n");
    z.extend_from_slice(b"also-good 3600 IN NS ns1.other.\n");
    std::fs::write(&zone, &z).unwrap();
    let lines_in = z.iter().filter(|&&b| b == b'\n').count() as u64;
    // A truncated gzip of a name list.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..50_000 {
        writeln!(enc, "name{i}.example").unwrap();
    }
    let gz = enc.finish().unwrap();
    let trunc = dir.join("trunc.txt.gz");
    std::fs::write(&trunc, &gz[..gz.len() / 2]).unwrap();
    let (s, findings) = run(&[zone, trunc], &AuditOptions::default());
    let errors = findings.iter().filter(|f| f.kind == FindingKind::ReadError).count() as u64;
    assert!(errors >= 3, "{findings:?}");
    assert_eq!(errors, s.read_errors);
    assert!(s.lines >= lines_in, "lines counted {} < {lines_in}", s.lines);
    assert!(s.names_distinct >= 2);
    assert!(
        findings.iter().any(|f| f.reasons.iter().any(|r| r.code == "GZIP_TRUNCATED")),
        "{findings:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The audit of names from no file (audit_entries) and the one-name-at-a-time
/// audit with a grouping on its key (NameAuditor, as the Spark job runs it)
/// give what the audit of the same names as a list file gives.
#[test]
fn entries_and_per_name_audits_equal_the_file_audit() {
    use std::collections::{BTreeMap, BTreeSet};

    use idnsafe::audit::{NameAuditor, audit_entries, homograph_cluster};

    let text = String::from_utf8(gunzip(&idnsafe_tests::data_file("names/kz.txt.gz"))).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let twins: Vec<String> = lines
        .iter()
        .step_by(997)
        .filter_map(|n| cyrillic_twin(n.split('.').next()?))
        .map(|t| format!("{t}.kz"))
        .collect();
    assert!(twins.len() > 50);
    lines.extend(twins.iter().cloned());
    lines.extend(
        ["bad name.kz", "", "# comment", "a..kz", "pаypal.kz", "PAYPAL.KZ."].map(str::to_owned),
    );
    let opts = || AuditOptions {
        protect: Some(
            ProtectedIndex::from_list("paypal.kz\ngoogle.kz\n", Level::Lookalike).unwrap(),
        ),
        ..AuditOptions::default()
    };
    let dir = tmpdir("entries");
    let list = dir.join("names.txt");
    std::fs::write(&list, lines.join("\n")).unwrap();
    let (by_file, want) = run(std::slice::from_ref(&list), &opts());
    let mut got = Vec::new();
    let by_entries = audit_entries(lines.iter().map(|l| l.as_bytes()), "<test>", &opts(), |f| {
        got.push(f.clone())
    })
    .unwrap();
    assert_eq!(by_entries.names_distinct, by_file.names_distinct);
    assert_eq!(by_entries.findings, by_file.findings);
    let shape = |f: &Finding| {
        let mut names = f.names.clone();
        names.sort();
        (
            f.kind,
            names,
            f.protected.clone(),
            f.reasons.iter().map(|r| r.code.clone()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        got.iter().map(shape).collect::<Vec<_>>(),
        want.iter().map(shape).collect::<Vec<_>>()
    );
    // One name at a time, clusters by grouping on (zone, key). As the
    // Spark job does, a first pass collects the IDNs' key fingerprints and
    // only names whose fingerprint is among them are grouped.
    let auditor = NameAuditor::new(opts());
    let idn_fps: BTreeSet<u64> =
        lines.iter().filter_map(|l| auditor.idn_fingerprint(l.as_bytes())).collect();
    assert!(idn_fps.len() >= twins.len());
    let mut per_name = BTreeSet::new();
    let mut groups: BTreeMap<(String, String), (BTreeSet<String>, bool)> = BTreeMap::new();
    let mut grouped = 0;
    for l in &lines {
        let a = auditor.entry(l.as_bytes());
        per_name.extend(a.findings.iter().filter(|f| f.kind != FindingKind::ReadError).map(shape));
        let fp = idnsafe::audit::cluster_fingerprint(&a.zone, &a.key);
        let want_fp = (a.idn && a.name.is_some()).then_some(fp);
        assert_eq!(auditor.idn_fingerprint(l.as_bytes()), want_fp, "{l:?}");
        if !idn_fps.contains(&fp) {
            continue;
        }
        grouped += 1;
        if let Some(n) = a.name {
            let g = groups.entry((a.zone, a.key)).or_default();
            g.0.insert(n);
            g.1 |= a.idn;
        }
    }
    let clusters: BTreeSet<_> = groups
        .into_values()
        .filter(|(names, idn)| *idn && names.len() >= 2)
        .map(|(names, _)| shape(&homograph_cluster(names.into_iter().collect(), auditor.level())))
        .collect();
    let want_per_name: BTreeSet<_> = want
        .iter()
        .filter(|f| !matches!(f.kind, FindingKind::ReadError | FindingKind::HomographCluster))
        .map(shape)
        .collect();
    let want_clusters: BTreeSet<_> =
        want.iter().filter(|f| f.kind == FindingKind::HomographCluster).map(shape).collect();
    assert_eq!(per_name, want_per_name);
    assert_eq!(clusters, want_clusters);
    assert!(want_clusters.len() >= twins.len());
    // The first pass leaves most names out of the grouping.
    assert!(grouped * 10 < lines.len(), "{grouped} of {}", lines.len());
}

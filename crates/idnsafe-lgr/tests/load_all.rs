//! Every LGR under shared/data/lgr loads, with a non-empty repertoire.

use idnsafe_lgr::{Lgr, Severity, validate_xml};
use std::path::{Path, PathBuf};

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "xml") {
            out.push(p);
        }
    }
}

#[test]
fn every_lgr_loads() {
    let root = idnsafe_tests::data_file("lgr");
    let mut files = Vec::new();
    xml_files(&root, &mut files);
    let count = |sub: &str| files.iter().filter(|p| p.starts_with(root.join(sub))).count();
    assert_eq!(count("root-zone/lgr-5"), 25);
    assert_eq!(count("second-level"), 59);
    assert!(count("msr") >= 1 && count("registries/dotse") >= 3 && count("ref-tables") >= 34);
    let mut failures = Vec::new();
    for p in &files {
        let t0 = std::time::Instant::now();
        let r = Lgr::from_path(p);
        eprintln!("{:?} {}", t0.elapsed(), p.display());
        match r {
            Ok(l) => {
                if l.repertoire().is_empty() && l.sequences().next().is_none() {
                    failures.push(format!("{}: empty repertoire", p.display()));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", p.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn plain_text_reference_tables_load() {
    let root = idnsafe_tests::data_file("lgr/ref-tables");
    let mut n = 0;
    for sub in ["language-tables", "script-tables"] {
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|e| e == "txt") {
                let l = Lgr::from_path(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                assert!(!l.repertoire().is_empty(), "{}", p.display());
                n += 1;
            }
        }
    }
    assert_eq!(n, 34);
}

#[test]
fn root_zone_lgrs_are_symmetric_and_transitive() {
    let root = idnsafe_tests::data_file("lgr/root-zone");
    let mut files = Vec::new();
    xml_files(&root, &mut files);
    assert_eq!(files.len(), 26);
    for p in files {
        let xml = std::fs::read_to_string(&p).unwrap();
        let v = validate_xml(&xml);
        assert!(v.is_usable(), "{}: {:?}", p.display(), v.diagnostics);
        let bad: Vec<_> = v
            .diagnostics
            .iter()
            .filter(|d| {
                d.code == "LGR_VARIANT_NOT_SYMMETRIC" || d.code == "LGR_VARIANT_NOT_TRANSITIVE"
            })
            .collect();
        assert!(bad.is_empty(), "{}: {bad:?}", p.display());
        let l = Lgr::from_xml(&xml).unwrap();
        assert!(
            l.variant_relation().symmetric && l.variant_relation().transitive,
            "{}",
            p.display()
        );
        assert!(v.diagnostics.iter().all(|d| d.severity == Severity::Warning));
    }
}

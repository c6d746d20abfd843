//! The policies and LGRs built into idnsafe (`tables/policies/`,
//! `tables/lgr/`, embedded by `build.rs`):
//! - every bundled policy loads from the bundled files alone, and every
//!   table and list it names is shipped;
//! - every LGR of `tables/lgr/` (written by `scripts/bundle-lgrs.sh` with
//!   `idnsafe lgr write --facts-only`) decides as ICANN's published file it
//!   was written from: the same disposition, index key and variant labels
//!   with their dispositions, on ICANN's registry-testing labels for its
//!   tag and on every label of `../shared/data/names` made of its
//!   repertoire;
//! - `tables/lgr/SOURCES.md` names every shipped table.

use idnsafe_lgr::{Lgr, VariantOptions};
use idnsafe_policy::{Policy, PolicyFile, SearchPath, Source, bundle};
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn every_bundled_policy_loads_from_bundled_files_alone() {
    let names = bundle::policy_names();
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo().join("tables/policies"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    assert_eq!(names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(), on_disk);
    assert!(names.len() >= 10, "{names:?}");
    // Only the bundled files: no directory at all on the search path.
    let only_bundled = SearchPath::default();
    for name in &names {
        let text = bundle::policy_text(name).unwrap();
        let file = PolicyFile::parse(&text, Path::new(name)).unwrap();
        let mut named: Vec<&str> = file.tables.iter().map(|t| t.file.as_str()).collect();
        named.extend(file.reserved.iter().map(|r| r.file.as_str()));
        named.extend(file.confusables.protected_files.iter().map(String::as_str));
        for f in named {
            match only_bundled.locate(f) {
                Some(Source::Bundled(_)) => {}
                other => panic!("policy {name} names {f}, which is not shipped ({other:?})"),
            }
        }
        let p = Policy::bundled(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(p.file().policy.name, *name);
        assert_eq!(p.tables().count(), file.tables.len());
    }
    let e = Policy::bundled("no-such-policy").unwrap_err();
    assert_eq!(e.code(), "POLICY_NOT_FOUND");
    assert!(e.to_string().contains("gtld-reference"), "{e}");
}

fn lgr_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            lgr_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "xml") {
            out.push(p);
        }
    }
}

/// Every distinct label of the shared name lists, as U-labels.
fn name_labels() -> Vec<String> {
    let dir = idnsafe_tests::data_file("names");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut set = BTreeSet::new();
    for f in files.iter().filter(|p| p.to_string_lossy().ends_with(".txt.gz")) {
        let r =
            std::io::BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(f).unwrap()));
        for line in r.lines() {
            for l in line.unwrap().trim().split('.') {
                set.insert(ulabel(l));
            }
        }
    }
    set.into_iter().filter(|l| !l.is_empty()).collect()
}

fn ulabel(l: &str) -> String {
    let l = l.to_ascii_lowercase();
    if l.starts_with("xn--") {
        idnsafe_idna::check_label(&l).ulabel().map(str::to_owned).unwrap_or(l)
    } else {
        l
    }
}

/// The labels of ICANN's registry-testing file for `tag` (A-labels decoded).
fn rst_labels(tag: &str) -> Vec<String> {
    let p = idnsafe_tests::data_file("rst-idn-test-labels").join(format!("{tag}.yaml"));
    let Ok(text) = std::fs::read_to_string(&p) else { return Vec::new() };
    let mut out = BTreeSet::new();
    for tok in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        if tok.starts_with("xn--") {
            out.insert(ulabel(tok));
        }
    }
    out.into_iter().collect()
}

#[test]
fn shipped_lgrs_decide_as_their_originals() {
    let shipped = repo().join("tables/lgr");
    let mut files = Vec::new();
    lgr_files(&shipped, &mut files);
    files.sort();
    assert!(files.len() >= 30, "{} tables in tables/lgr", files.len());
    let sources = std::fs::read_to_string(shipped.join("SOURCES.md")).unwrap();
    let names = name_labels();
    assert!(names.len() > 800_000, "{} labels", names.len());
    let opts = || VariantOptions { limit: 256, allocatable_only: false };
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&shipped).unwrap().to_string_lossy().replace('\\', "/");
        assert!(sources.contains(&format!("| `{rel}` |")), "SOURCES.md does not name {rel}");
        let ours = Lgr::from_path(f).unwrap();
        let original = Lgr::from_path(idnsafe_tests::data_file("lgr").join(&rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        // The same file is embedded.
        let embedded = bundle::read(&format!("lgr/{rel}"));
        assert!(
            embedded == Some(std::fs::read_to_string(f).unwrap()),
            "{rel} is not embedded as it is"
        );
        let tag = Path::new(&rel).file_stem().unwrap().to_string_lossy().into_owned();
        let rst = rst_labels(&tag);
        let in_repertoire: Vec<&String> =
            names.iter().filter(|l| l.chars().all(|c| original.contains(c))).collect();
        let labels: Vec<&String> = rst.iter().chain(in_repertoire.iter().copied()).collect();
        let mut compared = (0usize, 0usize);
        for l in &labels {
            let (a, b) = (original.disposition(l), ours.disposition(l));
            if a.disposition != b.disposition {
                failures.push(format!(
                    "{rel} {l:?}: disposition {} vs {}",
                    a.disposition, b.disposition
                ));
                continue;
            }
            if original.index_key(l).ok() != ours.index_key(l).ok() {
                failures.push(format!("{rel} {l:?}: index keys differ"));
                continue;
            }
            // Variant labels: compared where there are any beyond the label.
            if original.variant_count(l).unwrap_or(0) > 1 {
                compared.1 += 1;
                let va: Option<Vec<_>> = original
                    .variants(l, opts())
                    .ok()
                    .map(|v| v.map(|x| (x.label, x.disposition)).collect());
                let vb: Option<Vec<_>> = ours
                    .variants(l, opts())
                    .ok()
                    .map(|v| v.map(|x| (x.label, x.disposition)).collect());
                if va != vb {
                    failures.push(format!("{rel} {l:?}: variants differ"));
                }
            }
            compared.0 += 1;
        }
        report.push(format!(
            "{rel}: {} RST labels, {} name labels; {} compared, {} with variants",
            rst.len(),
            in_repertoire.len(),
            compared.0,
            compared.1
        ));
    }
    println!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

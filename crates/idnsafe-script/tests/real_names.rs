//! Real registered names from ../shared/data/names: every label is analysed
//! without panicking, the findings are consistent with each other, and the
//! zones come out in the scripts their registries serve.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};

use flate2::read::GzDecoder;
use idnsafe_script::{LabelAnalysis, RestrictionLevel, analyze};

/// The first label of every IDN name in a gzip'd list, as a U-label.
fn idn_labels(file: &str) -> Vec<String> {
    let path = idnsafe_tests::data_file(&format!("names/{file}"));
    let f = std::fs::File::open(&path).unwrap();
    BufReader::new(GzDecoder::new(f))
        .lines()
        .map(Result::unwrap)
        .filter_map(|name| {
            let first = name.split('.').next()?.to_owned();
            first.starts_with("xn--").then(|| {
                let (u, r) = idna::domain_to_unicode(&first);
                r.map(|()| u).ok()
            })?
        })
        .collect()
}

fn consistent(label: &str, a: &LabelAnalysis) {
    assert_eq!(a.single_script, !a.scripts.is_empty(), "{label}");
    // MIXED_SCRIPT: mixed-script and not highly restrictive (an unrestricted
    // label is judged by its scripts alone, so it may go either way).
    let mixed = a.warnings.iter().any(|w| w.code == "MIXED_SCRIPT");
    if mixed {
        assert!(!a.single_script, "{label}");
        assert!(a.restriction_level > RestrictionLevel::HighlyRestrictive, "{label}");
    }
    if !a.single_script && a.restriction_level != RestrictionLevel::Unrestricted {
        assert_eq!(mixed, a.restriction_level > RestrictionLevel::HighlyRestrictive, "{label}");
    }
    assert_eq!(
        a.restriction_level == RestrictionLevel::Unrestricted,
        a.first_restricted.is_some(),
        "{label}"
    );
    if a.single_script && a.restriction_level != RestrictionLevel::Unrestricted {
        assert!(a.restriction_level <= RestrictionLevel::SingleScript, "{label}");
    }
    for w in &a.warnings {
        assert!(!w.message.is_empty());
    }
}

/// Label count and counts by label script; mixed labels that are highly
/// restrictive (Latin with Han, Japanese or Korean) count as `mixed-highly`.
fn label_scripts(file: &str) -> (usize, BTreeMap<&'static str, usize>) {
    let labels = idn_labels(file);
    let mut by_script = BTreeMap::new();
    for l in &labels {
        let a = analyze(l);
        consistent(l, &a);
        let key = match (a.label_script.as_str(), a.restriction_level) {
            ("mixed", RestrictionLevel::HighlyRestrictive) => "mixed-highly",
            (s, _) => s,
        };
        *by_script.entry(key).or_insert(0) += 1;
    }
    (labels.len(), by_script)
}

#[test]
fn kaz_zone_is_cyrillic() {
    let (n, by) = label_scripts("xn--80ao21a.txt.gz");
    assert!(n > 400, "{n} labels");
    let cyrl = by.get("Cyrl").copied().unwrap_or(0);
    assert!(cyrl * 10 >= n * 9, "only {cyrl} of {n} .қаз labels are Cyrillic: {by:?}");
}

#[test]
fn lol_idn_labels_are_mostly_han() {
    let (n, by) = label_scripts("lol.txt.gz");
    assert!(n > 400, "{n} labels");
    // Han alone, Japanese, or Han mixed with Latin ("7-eleven官方客服").
    let cjk: usize = ["Hani", "Jpan", "Kore", "Hanb", "Hira", "Kana", "mixed-highly"]
        .iter()
        .map(|s| by.get(s).copied().unwrap_or(0))
        .sum();
    assert!(cjk * 10 >= n * 8, "only {cjk} of {n} .lol IDN labels are CJK: {by:?}");
}

#[test]
fn li_idn_labels_are_mostly_latin() {
    let (n, by) = label_scripts("li.txt.gz");
    assert!(n > 1000, "{n} labels");
    let latn = by.get("Latn").copied().unwrap_or(0);
    assert!(latn * 10 >= n * 8, "only {latn} of {n} .li IDN labels are Latin: {by:?}");
}

/// `MIXED_SCRIPT` over every IDN label of the lists: the highly restrictive
/// mixtures (Latin with Han, as in .lol's `7-eleven官方客服`) are not warned
/// about. Measured: 199 mixed-script labels (all warned before), 197 of
/// them highly restrictive; 2 warned.
#[test]
fn mixed_script_warnings_on_name_lists() {
    let dir = idnsafe_tests::data_file("names");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let (mut mixed, mut highly, mut warned) = (0, 0, Vec::new());
    for f in &files {
        for l in idn_labels(f) {
            let a = analyze(&l);
            consistent(&l, &a);
            if a.single_script {
                continue;
            }
            mixed += 1;
            highly += usize::from(a.restriction_level == RestrictionLevel::HighlyRestrictive);
            if a.warnings.iter().any(|w| w.code == "MIXED_SCRIPT") {
                warned.push(format!("{l} ({})", a.restriction_level));
            }
        }
    }
    println!("{mixed} mixed-script labels, {highly} highly restrictive, MIXED_SCRIPT: {warned:?}");
    assert!(highly >= 150, "{highly} of {mixed}");
    assert!(warned.len() + highly <= mixed, "{warned:?} + {highly} > {mixed}");
    assert!(warned.len() <= 10, "{warned:?} of {mixed}");
}

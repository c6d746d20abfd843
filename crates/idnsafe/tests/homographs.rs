//! Homograph defence at the checker's default settings, on real data: the
//! development sample of registered homographs (`homograph-dev/pairs.tsv`,
//! targets protected as `<target>.com`) and every `xn--` name of the shared
//! name lists (false positives against the same targets). The figures are
//! printed; the goals of the homograph issue are asserted. The full
//! measurement, with `generate` and the spoof table, is
//! `python3 bench/homographs.py`.

use std::io::Read;

use idnsafe::Checker;
use idnsafe_confusables::{Level, ProtectedIndex, Tier};

fn pairs() -> Vec<(String, String)> {
    let text = idnsafe_tests::read_text("homograph-dev/pairs.tsv");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_owned(), f.next()?.to_owned()))
        })
        .collect()
}

fn checker(pairs: &[(String, String)]) -> Checker {
    let mut list = String::new();
    for (t, _) in pairs {
        list.push_str(&format!("{t}.com\n"));
    }
    let index = ProtectedIndex::from_list(&list, Tier::Lookalike.level()).unwrap();
    Checker::new().with_protected(index)
}

fn idn_names() -> Vec<String> {
    let dir = idnsafe_tests::data_file("names");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for p in files.into_iter().filter(|p| p.to_string_lossy().ends_with(".txt.gz")) {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        out.extend(text.lines().filter(|l| l.contains("xn--")).map(str::to_owned));
    }
    assert!(out.len() > 5000, "{} IDN names in {}", out.len(), dir.display());
    out
}

#[test]
fn recall_and_false_positives_at_the_default_settings() {
    let pairs = pairs();
    assert!(pairs.len() > 900, "{} pairs", pairs.len());
    let c = checker(&pairs);
    assert_eq!(c.tier(), Tier::Lookalike, "the default tier");
    let mut found = 0usize;
    let mut misses = Vec::new();
    for (target, homograph) in &pairs {
        let r = c.check_name(&format!("{homograph}.com"));
        let l = &r.labels()[0];
        let want = format!("{target}.com");
        if l.confusable_with().contains(&want) {
            found += 1;
            // The evidence of every match reproduces it.
            let e = l.confusable_evidence().iter().find(|e| e.name == want).unwrap();
            assert!(e.evidence.reproduces(homograph, target), "{homograph} ~ {target}: {e:?}");
        } else {
            misses.push(format!("{homograph}/{target}"));
        }
    }
    let recall = found as f64 / pairs.len() as f64;
    let names = idn_names();
    let fp: Vec<&String> = names
        .iter()
        .filter(|n| c.check_name(n).labels().iter().any(|l| !l.confusable_with().is_empty()))
        .collect();
    let fp_rate = fp.len() as f64 / names.len() as f64;
    eprintln!(
        "recall {found}/{} = {:.2}%; false positives {}/{} = {:.3}% ({fp:?}); misses: {}",
        pairs.len(),
        100.0 * recall,
        fp.len(),
        names.len(),
        100.0 * fp_rate,
        misses.join(" ")
    );
    assert!(recall >= 0.97, "recall {recall}");
    assert!(fp_rate <= 0.002, "false positives {fp_rate}");
}

fn codes(c: &Checker, name: &str) -> Vec<&'static str> {
    c.check_name(name).labels().iter().flat_map(|l| l.warnings().iter().map(|w| w.code)).collect()
}

#[test]
fn script_warnings_follow_uts39_and_the_tld() {
    let c = Checker::new();
    for safe in
        ["eコマース.jp", "한글han.kr", "東京tokyo.jp", "курс.рф", "ορος.gr", "注音ㄅㄆㄇ.tw"]
    {
        assert_eq!(codes(&c, safe), Vec::<&str>::new(), "{safe}");
    }
    // Persian with the ZWNJ its spelling needs (valid under CONTEXTJ).
    assert_eq!(codes(&c, "می\u{200C}خواهم.ir"), Vec::<&str>::new());
    assert!(codes(&c, "pаypal.com").contains(&"MIXED_SCRIPT"));
    assert!(codes(&c, "ѕсоре.com").contains(&"WHOLE_SCRIPT_CONFUSABLE"));
    assert!(!codes(&c, "ѕсоре.рф").contains(&"WHOLE_SCRIPT_CONFUSABLE"), "own script's TLD");
    assert!(codes(&c, "ⲁⲃ.com").contains(&"RESTRICTED_CHARACTER"), "Coptic is not recommended");
    assert!(codes(&c, "한\u{307}글.com").contains(&"MARK_ON_FOREIGN_BASE"));
    assert!(codes(&c, "gooi\u{307}e.com").contains(&"MARK_ON_DOTTED"));
    assert!(codes(&c, "ラーメン.jp").is_empty());
    assert!(codes(&c, "ー東京.jp").contains(&"JAPANESE_MARK_CONTEXT"));
}

#[test]
fn near_matches_only_when_asked() {
    let index = ProtectedIndex::from_list("facebook.com\n", Level::Lookalike).unwrap();
    let default = Checker::new().with_protected(index.clone());
    assert!(default.check_name("faceboook.com").labels()[0].confusable_with().is_empty());
    let near = Checker::new().with_protected(index).with_tier(Tier::Near);
    let r = near.check_name("fаceboook.com");
    let l = &r.labels()[0];
    assert_eq!(l.confusable_with(), ["facebook.com"]);
    assert_eq!(l.confusable_evidence()[0].evidence.tier, Tier::Near);
}

//! The fast skeleton against the reference `unicode_security::skeleton`.

use std::io::Read;

use idnsafe_confusables::{Level, key, skeleton, skeleton_into};
use proptest::prelude::*;

fn reference(s: &str) -> String {
    unicode_security::skeleton(s).collect()
}

#[test]
fn every_code_point_matches_unicode_security() {
    let mut buf = String::new();
    let mut checked = 0u32;
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let s = c.to_string();
        skeleton_into(&s, &mut buf);
        assert_eq!(buf, reference(&s), "U+{:04X}", c as u32);
        checked += 1;
    }
    assert_eq!(checked, 0x110000 - 0x800);
}

#[test]
fn code_points_that_change_next_to_marks_match() {
    // Every code point that is not its own skeleton or is a non-starter,
    // between bases and marks of different combining classes: exercises
    // both NFD passes and the fallback from the fast path.
    let marks = ['\u{301}', '\u{316}', '\u{93C}', '\u{F71}', '\u{200D}'];
    let bases = ['o', 'е', '가', '\u{F73}'];
    let mut buf = String::new();
    let mut checked = 0;
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let one = c.to_string();
        if unicode_normalization::char::canonical_combining_class(c) == 0 && skeleton(&one) == one {
            continue;
        }
        checked += 1;
        let b = bases[checked % bases.len()];
        for m in marks {
            for s in [format!("{b}{c}{m}"), format!("{b}{m}{c}"), format!("{c}{m}{b}")] {
                skeleton_into(&s, &mut buf);
                assert_eq!(
                    buf,
                    reference(&s),
                    "{:?}",
                    s.chars().map(|c| c as u32).collect::<Vec<_>>()
                );
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        prop::char::range('a', 'z'),
        prop::char::range('\u{300}', '\u{36F}'),
        prop::char::range('\u{400}', '\u{4FF}'),
        prop::char::range('\u{900}', '\u{97F}'),
        prop::char::range('\u{AC00}', '\u{AC40}'),
        prop::char::range('\u{1100}', '\u{11FF}'),
        prop::char::range('\u{1E00}', '\u{1EFF}'),
        prop::char::range('\u{200B}', '\u{200F}'),
        prop::char::range('\u{0F70}', '\u{0F85}'),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]
    #[test]
    fn random_strings_match(chars in prop::collection::vec(interesting_char(), 0..12)) {
        let s: String = chars.into_iter().collect();
        prop_assert_eq!(skeleton(&s), reference(&s));
    }
}

/// The labels of every name in the zone-walk lists, U-labels decoded.
fn name_list_labels() -> Vec<String> {
    let dir = idnsafe_tests::data_file("names");
    let mut labels = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 10, "name lists missing in {}", dir.display());
    for path in files {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        for name in text.lines() {
            let name = name.trim().trim_end_matches('.');
            let unicode = if name.contains("xn--") {
                let (u, r) = idna::domain_to_unicode(name);
                if r.is_err() {
                    continue;
                }
                u
            } else {
                name.to_owned()
            };
            labels.extend(unicode.split('.').map(str::to_owned));
        }
    }
    labels.sort_unstable();
    labels.dedup();
    labels
}

#[test]
fn real_name_lists_match() {
    let labels = name_list_labels();
    let idn = labels.iter().filter(|l| !l.is_ascii()).count();
    assert!(labels.len() > 500_000 && idn > 5_000, "{} labels, {idn} IDN", labels.len());
    let mut buf = String::new();
    for l in &labels {
        skeleton_into(l, &mut buf);
        assert_eq!(buf, reference(l), "{l}");
        // Keys are stable: the key of a key is itself.
        if !l.is_ascii() {
            let k = key(l, Level::Identical);
            assert_eq!(key(&k, Level::Identical), k, "{l}");
        }
    }
}

#[test]
fn unicode_security_agrees_with_confusables_txt() {
    // Every mapping of confusables.txt 18.0.0 holds in the reference
    // implementation: guards against a dependency with older data.
    let text = idnsafe_tests::read_text("unicode/18.0.0/confusables.txt");
    assert!(text.contains("# Version: 18.0.0"));
    let mut n = 0;
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}');
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(';').collect();
        let src = char::from_u32(u32::from_str_radix(f[0].trim(), 16).unwrap()).unwrap();
        let dst: String = f[1]
            .split_whitespace()
            .map(|h| char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap())
            .collect();
        assert_eq!(skeleton(&src.to_string()), skeleton(&dst), "U+{:04X}", src as u32);
        n += 1;
    }
    assert!(n > 6000, "{n} mappings");
}

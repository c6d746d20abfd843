//! `MIXED_SCRIPT` follows the UTS #39 §5.2 restriction level: raised for
//! mixed-script labels that are moderately or minimally restrictive, not for
//! the highly restrictive Latin + Han + kana / Hangul / Bopomofo.

use idnsafe_script::{IdentifierStatus, RestrictionLevel, analyze, identifier_status};

fn warns(label: &str) -> bool {
    analyze(label).warnings.iter().any(|w| w.code == "MIXED_SCRIPT")
}

#[test]
fn highly_restrictive_mixtures_do_not_warn() {
    for l in [
        "eコマース",               // Latin + Katakana (+ Common ー)
        "東京tokyo",               // Latin + Han
        "abcひらがなカタカナ漢字", // Latin + Han + Hiragana + Katakana
        "한글han",                 // Latin + Hangul
        "abc한국漢字",             // Latin + Han + Hangul
        "abc中国",                 // Latin + Han
    ] {
        let a = analyze(l);
        assert!(a.scripts.is_empty(), "{l} is mixed-script: {:?}", a.scripts);
        assert_eq!(a.restriction_level, RestrictionLevel::HighlyRestrictive, "{l}");
        assert!(!warns(l), "{l}: {:?}", a.warnings);
    }
}

#[test]
fn latin_han_bopomofo_does_not_warn_although_bopomofo_is_restricted() {
    // Bopomofo is Limited_Use (outside the identifier profile) in Unicode 18,
    // so the label is unrestricted, but its script mix is highly restrictive.
    assert_eq!(identifier_status('ㄅ'), IdentifierStatus::Restricted);
    let a = analyze("abcㄅ中");
    assert!(a.scripts.is_empty());
    assert_eq!(a.restriction_level, RestrictionLevel::Unrestricted);
    assert_eq!(a.first_restricted, Some('ㄅ'));
    assert!(!warns("abcㄅ中"), "{:?}", a.warnings);
}

#[test]
fn minimally_restrictive_mixtures_warn() {
    for l in [
        "pаypal",   // Latin + Cyrillic а
        "bαnk",     // Latin + Greek
        "аβ",       // Cyrillic + Greek
        "한국カナ", // Hangul + Katakana: Korean and Japanese do not mix
        "abcشرکت",  // Latin + Arabic ...
    ] {
        let a = analyze(l);
        assert!(a.scripts.is_empty(), "{l}");
        assert!(a.restriction_level >= RestrictionLevel::ModeratelyRestrictive, "{l}");
        assert!(warns(l), "{l}: {:?}", a.warnings);
    }
    assert_eq!(analyze("pаypal").restriction_level, RestrictionLevel::MinimallyRestrictive);
    assert_eq!(analyze("한국カナ").restriction_level, RestrictionLevel::MinimallyRestrictive);
}

#[test]
fn moderately_restrictive_mixtures_warn() {
    // Latin + one script other than Cyrillic, Greek, Cherokee: the Armenian
    // oh of `gօօgle` is a classic homograph.
    for l in ["gօօgle", "abcشرکت", "fo\u{0AE6}", "shopहिंदी"] {
        let a = analyze(l);
        assert_eq!(a.restriction_level, RestrictionLevel::ModeratelyRestrictive, "{l}");
        assert!(warns(l), "{l}");
    }
}

#[test]
fn single_script_labels_never_warn() {
    // Single-script, also when unrestricted (ㄅ is outside the profile).
    for l in ["пример", "東京タワー", "ㄅㄆ", "bücher", "123", "ελλάδα"] {
        assert!(!warns(l), "{l}");
    }
}

#[test]
fn warning_lists_the_scripts() {
    let a = analyze("pаypal");
    let w = a.warnings.iter().find(|w| w.code == "MIXED_SCRIPT").unwrap();
    assert!(w.message.contains("Cyrillic") && w.message.contains("Latin"), "{}", w.message);
}

//! Behaviour of the label checks: restriction levels (UTS #39 §5.2), the
//! augmented sets of §5.1, mixed numbers (§5.3), hidden characters (§5.4),
//! label script, and agreement with `unicode-script` on every code point.

use idnsafe_script::{
    IdentifierStatus, IdentifierType, LabelScript, RestrictionLevel, ScriptSet, analyze,
    augmented_script_set, has_mixed_numbers, hidden_characters, identifier_status, identifier_type,
    is_single_script, label_script, resolved_script_set, restriction_level, script,
    script_extensions,
};
use proptest::prelude::*;
use unicode_script::UnicodeScript;

fn level(label: &str) -> &'static str {
    restriction_level(label).as_str()
}

// --- UTS #39 §5.2, one example (or more) per level -------------------------

#[test]
fn level_ascii_only() {
    assert_eq!(level("example"), "ascii-only");
    assert_eq!(level("ex-ample-123"), "ascii-only");
    // Non-LDH but Allowed ASCII goes through the general path.
    assert_eq!(level("a_b"), "ascii-only");
    assert_eq!(level("123"), "ascii-only");
}

#[test]
fn level_single_script() {
    assert_eq!(level("пример"), "single-script");
    assert_eq!(level("bücher"), "single-script");
    assert_eq!(level("東京タワー"), "single-script");
    assert_eq!(level("한국어漢字"), "single-script");
    assert_eq!(level("ελλάδα"), "single-script");
}

#[test]
fn level_highly_restrictive() {
    // Latin + Jpan, Latin + Kore, Latin + Hanb (§5.2 "Highly Restrictive").
    assert_eq!(level("abc東京タワー"), "highly-restrictive");
    assert_eq!(level("abc한국"), "highly-restrictive");
    assert_eq!(level("abc中国"), "highly-restrictive");
    // Bopomofo is Limited_Use, so outside the default identifier profile.
    assert_eq!(level("abcㄅ中"), "unrestricted");
}

#[test]
fn level_moderately_restrictive() {
    assert_eq!(level("abcعربي"), "moderately-restrictive");
    assert_eq!(level("shopनमस्ते"), "moderately-restrictive");
}

#[test]
fn level_minimally_restrictive() {
    // Cyrillic and Greek with Latin are excluded from moderately (so is
    // Cherokee, but it is Limited_Use and so never passes the profile).
    assert_eq!(level("pаypаl"), "minimally-restrictive");
    assert_eq!(level("abcαβγ"), "minimally-restrictive");
    assert_eq!(level("abcᎠᎡ"), "unrestricted");
    // Two non-Latin scripts.
    assert_eq!(level("пример東京"), "minimally-restrictive");
}

#[test]
fn level_unrestricted() {
    assert_eq!(level("a☃b"), "unrestricted"); // U+2603 is Not_XID
    assert_eq!(level("a\u{200D}b"), "unrestricted"); // ZWJ is Restricted
    assert_eq!(level("ex!ample"), "unrestricted"); // ASCII but not Allowed
    assert_eq!(analyze("a☃b").first_restricted, Some('☃'));
}

#[test]
fn levels_are_ordered() {
    use RestrictionLevel::*;
    let all = [
        AsciiOnly,
        SingleScript,
        HighlyRestrictive,
        ModeratelyRestrictive,
        MinimallyRestrictive,
        Unrestricted,
    ];
    assert!(all.windows(2).all(|w| w[0] < w[1]));
}

// --- the two unicode-security 0.1.3 defects --------------------------------

#[test]
fn unicode_security_defect_fo_gujarati_zero_is_moderately_restrictive() {
    use unicode_security::RestrictionLevelDetection;
    // U+0AE6 GUJARATI DIGIT ZERO has Script_Extensions {Gujr, Khoj}: the
    // non-Latin remainder is not empty and not Cyrl/Grek/Cher, so ICU and
    // UTS #39 say moderately restrictive.
    let label = "fo\u{0AE6}";
    assert_eq!(script_extensions('\u{0AE6}').names(), ["Gujr", "Khoj"], "the premise of this test");
    assert_eq!(restriction_level(label), RestrictionLevel::ModeratelyRestrictive);
    // unicode-security demands exactly one script in the remainder. If this
    // assertion starts failing, upstream has fixed the defect.
    assert_eq!(
        label.detect_restriction_level(),
        unicode_security::RestrictionLevel::MinimallyRestrictive
    );
}

#[test]
fn unicode_security_defect_multiple_identifier_types() {
    use unicode_security::GeneralSecurityProfile;
    // U+018D LATIN SMALL LETTER TURNED DELTA; Technical Obsolete.
    let t = identifier_type('\u{018D}');
    assert_eq!(t.len(), 2);
    assert!(t.contains(IdentifierType::Technical));
    assert!(t.contains(IdentifierType::Obsolete));
    assert!(!t.contains(IdentifierType::Recommended));
    // unicode-security returns nothing for such a code point.
    assert_eq!(GeneralSecurityProfile::identifier_type('\u{018D}'), None);
    // U+0149 has the single type Deprecated.
    let d = identifier_type('\u{0149}');
    assert_eq!(d.iter().collect::<Vec<_>>(), [IdentifierType::Deprecated]);
}

#[test]
fn identifier_types_count_with_several_values() {
    let n = (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| identifier_type(c).len() > 1)
        .count();
    assert_eq!(n, 2869, "UTS #39 18.0.0 has 2,869 code points with several types");
    // An unlisted code point is Not_Character and Restricted.
    assert_eq!(
        identifier_type('\u{0378}').iter().collect::<Vec<_>>(),
        [IdentifierType::NotCharacter]
    );
    assert_eq!(identifier_status('\u{0378}'), IdentifierStatus::Restricted);
    assert_eq!(identifier_status('a'), IdentifierStatus::Allowed);
}

// --- §5.1 resolved sets with Hanb / Jpan / Kore -----------------------------

#[test]
fn japanese_resolves_to_jpan() {
    let a = analyze("東京タワー");
    assert_eq!(a.scripts, ["Jpan"]);
    assert!(a.single_script);
    assert_eq!(a.restriction_level, RestrictionLevel::SingleScript);
    assert_eq!(a.label_script, LabelScript::Script("Jpan"));
    assert!(a.warnings.is_empty());
}

#[test]
fn korean_resolves_to_kore() {
    let a = analyze("한국어漢字");
    assert_eq!(a.scripts, ["Kore"]);
    assert_eq!(a.label_script.as_str(), "Kore");
}

#[test]
fn han_alone_and_han_with_bopomofo() {
    assert_eq!(analyze("中国").scripts, ["Hanb", "Hani", "Jpan", "Kore"]);
    assert_eq!(analyze("ㄅ中").scripts, ["Hanb"]);
    assert_eq!(label_script("ㄅ中").as_str(), "Hanb");
}

#[test]
fn resolved_sets() {
    assert_eq!(resolved_script_set("пример").names(), ["Cyrl"]);
    assert_eq!(resolved_script_set("123-").names(), ["Zyyy"]);
    assert!(resolved_script_set("123").is_all());
    assert_eq!(resolved_script_set("abc1").names(), ["Latn"]);
    assert!(resolved_script_set("pаypаl").is_empty());
    assert!(!is_single_script("pаypаl"));
    // U+30FC PROLONGED SOUND MARK is Common with extensions {Hira, Kana}.
    assert_eq!(resolved_script_set("ー").names(), ["Hira", "Jpan", "Kana"]);
    let a = analyze("pаypаl");
    assert_eq!(a.warnings.len(), 1);
    assert_eq!(a.warnings[0].code, "MIXED_SCRIPT");
    assert!(a.warnings[0].message.contains("Cyrillic"), "{}", a.warnings[0].message);
    assert!(a.warnings[0].message.contains("Latin"), "{}", a.warnings[0].message);
}

// --- §5.3 mixed numbers ----------------------------------------------------

#[test]
fn mixed_numbers() {
    // Arabic-Indic U+0661..U+0663 with Extended Arabic-Indic U+06F4.
    assert!(has_mixed_numbers("١٢٣۴"));
    assert!(has_mixed_numbers("a1٢"));
    assert!(has_mixed_numbers("1\u{0AE6}"));
    assert!(!has_mixed_numbers("١٢٣"));
    assert!(!has_mixed_numbers("abc123"));
    assert!(!has_mixed_numbers("مصر١٢٣"));
    // Mathematical digits sit in adjacent runs of ten: bold vs double-struck.
    assert!(has_mixed_numbers("\u{1D7CF}\u{1D7D9}"));
    assert!(!has_mixed_numbers("\u{1D7CE}\u{1D7D7}"));
    let a = analyze("١٢٣۴");
    assert!(a.mixed_numbers);
    assert!(a.warnings.iter().any(|w| w.code == "MIXED_NUMBERS"));
    assert!(!analyze("abc123").mixed_numbers);
}

// --- §5.4 hidden characters ------------------------------------------------

#[test]
fn invisible_characters() {
    assert_eq!(hidden_characters("ab\u{00AD}c").invisible, Some('\u{00AD}'));
    assert_eq!(hidden_characters("a\u{200B}b").invisible, Some('\u{200B}'));
    assert_eq!(hidden_characters("a\u{3164}b").invisible, Some('\u{3164}'));
    assert!(hidden_characters("example").is_empty());
    assert!(hidden_characters("bücher").is_empty());
    let a = analyze("pay\u{200B}pal");
    assert!(a.warnings.iter().any(|w| w.code == "INVISIBLE_CHARACTER"));
    // Joiners are left to IDNA2008's CONTEXTJ rules, which reject them
    // outside the contexts where they change the rendering.
    assert_eq!(hidden_characters("pay\u{200D}pal").invisible, None);
    assert_eq!(hidden_characters("می\u{200C}خواهم").invisible, None);
}

#[test]
fn repeated_nonspacing_marks() {
    // Precomposed é followed by U+0301: the same mark twice after NFD.
    assert_eq!(hidden_characters("caf\u{E9}\u{0301}").repeated_mark, Some('\u{0301}'));
    assert_eq!(hidden_characters("a\u{0301}\u{0300}\u{0301}").repeated_mark, Some('\u{0301}'));
    // The same mark on two different letters is fine.
    assert_eq!(hidden_characters("a\u{0301}e\u{0301}").repeated_mark, None);
    assert!(analyze("caf\u{E9}\u{0301}").warnings.iter().any(|w| w.code == "INVISIBLE_CHARACTER"));
}

#[test]
fn excessive_nonspacing_marks() {
    let four = "a\u{0300}\u{0301}\u{0302}\u{0303}";
    let five = "a\u{0300}\u{0301}\u{0302}\u{0303}\u{0304}";
    assert!(!hidden_characters(four).excessive_marks);
    assert!(hidden_characters(five).excessive_marks);
    // U+1EA5 ẫ decomposes to a + U+0302 + U+0301: two marks after NFD.
    assert!(hidden_characters("\u{1EAB}\u{0300}\u{0303}\u{0304}").excessive_marks);
    assert!(!hidden_characters("\u{1EAB}\u{0300}\u{0304}").excessive_marks);
}

// --- label script ----------------------------------------------------------

#[test]
fn label_scripts() {
    let cases = [
        ("example", "Latn"),
        ("abc-123", "Latn"),
        ("123", "Zyyy"),
        ("-", "Zyyy"),
        ("пример", "Cyrl"),
        ("а1", "Cyrl"),
        ("東京タワー", "Jpan"),
        ("ひらがなカタカナ", "Jpan"),
        ("한국어漢字", "Kore"),
        ("한국어", "Hang"),
        ("中国", "Hani"),
        ("ㄅ中", "Hanb"),
        ("pаypаl", "mixed"),
        ("fo\u{0AE6}", "mixed"),
        ("한국어ひらがな", "mixed"),
        ("bücher", "Latn"),
        ("مصر١٢٣", "Arab"),
    ];
    for (label, want) in cases {
        assert_eq!(label_script(label).as_str(), want, "label {label:?}");
    }
}

// --- per code point, and against unicode-script ----------------------------

#[test]
fn per_code_point() {
    assert_eq!(script('a'), "Latn");
    assert_eq!(script('1'), "Zyyy");
    assert_eq!(script('\u{0301}'), "Zinh");
    assert_eq!(script('\u{0378}'), "Zzzz");
    assert_eq!(script_extensions('1').names(), ["Zyyy"]);
    assert!(augmented_script_set('1').is_all());
    assert_eq!(augmented_script_set('中').names(), ["Hanb", "Hani", "Jpan", "Kore"]);
    assert_eq!(augmented_script_set('か').names(), ["Hira", "Jpan"]);
    assert_eq!(augmented_script_set('한').names(), ["Hang", "Kore"]);
    assert_eq!(augmented_script_set('ㄅ').names(), ["Bopo", "Hanb"]);
    assert!(ScriptSet::ALL.contains("Latn"));
    assert!(!ScriptSet::EMPTY.contains("Latn"));
}

#[test]
fn agrees_with_unicode_script_on_every_code_point() {
    let mut mismatches = Vec::new();
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let theirs_sc = c.script().short_name();
        let mut theirs_scx: Vec<&str> =
            c.script_extension().iter().map(|s| s.short_name()).collect();
        theirs_scx.sort_unstable();
        // unicode-script gives an unassigned code point no extensions; UAX #24
        // gives it its Script value, {Zzzz}.
        if theirs_scx.is_empty() && theirs_sc == "Zzzz" {
            theirs_scx.push("Zzzz");
        }
        let ours_scx = script_extensions(c).names();
        if script(c) != theirs_sc || ours_scx != theirs_scx {
            mismatches.push((c as u32, script(c), theirs_sc, ours_scx, theirs_scx));
        }
    }
    assert!(
        mismatches.is_empty(),
        "first mismatches: {:x?}",
        &mismatches[..mismatches.len().min(10)]
    );
}

#[test]
fn identifier_status_agrees_with_unicode_security() {
    use unicode_security::GeneralSecurityProfile;
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        assert_eq!(
            identifier_status(c) == IdentifierStatus::Allowed,
            GeneralSecurityProfile::identifier_allowed(c),
            "U+{:04X}",
            c as u32
        );
    }
}

#[test]
fn analysis_serializes_with_spec_strings() {
    let json = serde_json::to_value(analyze("fo\u{0AE6}")).unwrap();
    assert_eq!(json["restriction_level"], "moderately-restrictive");
    assert_eq!(json["label_script"], "mixed");
    assert_eq!(json["scripts"], serde_json::json!([]));
    assert_eq!(json["warnings"][0]["code"], "MIXED_SCRIPT");
    let json = serde_json::to_value(analyze("東京タワー")).unwrap();
    assert_eq!(json["scripts"], serde_json::json!(["Jpan"]));
}

#[test]
fn empty_and_long_labels_do_not_panic() {
    assert_eq!(restriction_level(""), RestrictionLevel::AsciiOnly);
    let long: String = "a\u{0301}".repeat(10_000) + &"\u{0300}".repeat(10_000);
    let a = analyze(&long);
    assert!(a.hidden.excessive_marks);
    assert!(a.warnings.len() <= 5);
}

// --- property tests --------------------------------------------------------

fn allowed_chars() -> Vec<char> {
    (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| identifier_status(c) == IdentifierStatus::Allowed)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// UTS #39 §5.1: the resolved set is the intersection of the characters'
    /// augmented sets, so a subset of each; labels of Allowed characters are
    /// never unrestricted.
    #[test]
    fn resolved_set_is_subset_of_each_character_set(idx in proptest::collection::vec(any::<prop::sample::Index>(), 1..8)) {
        thread_local!(static ALLOWED: Vec<char> = allowed_chars());
        let label: String = ALLOWED.with(|a| idx.iter().map(|i| *i.get(a)).collect());
        let resolved = resolved_script_set(&label);
        let mut expected = ScriptSet::ALL;
        for c in label.chars() {
            let set = augmented_script_set(c);
            prop_assert_eq!(resolved.intersection(set), resolved, "{:?} not within set of {:?}", resolved, c);
            expected = expected.intersection(set);
        }
        prop_assert_eq!(resolved, expected);
        prop_assert_ne!(restriction_level(&label), RestrictionLevel::Unrestricted);
        prop_assert_eq!(is_single_script(&label), !resolved.is_empty());
    }

    /// Differential against unicode-security: the levels agree except where
    /// its defect reports minimally for a moderately-restrictive label.
    #[test]
    fn restriction_level_matches_unicode_security_but_for_its_defect(
        idx in proptest::collection::vec(any::<prop::sample::Index>(), 1..6),
        latin in "[a-z]{0,3}",
    ) {
        use unicode_security::RestrictionLevelDetection;
        use unicode_security::RestrictionLevel as Theirs;
        thread_local!(static ALLOWED: Vec<char> = allowed_chars());
        let label: String = latin + &ALLOWED.with(|a| idx.iter().map(|i| *i.get(a)).collect::<String>());
        let ours = restriction_level(&label);
        let theirs = label.as_str().detect_restriction_level();
        let theirs_str = match theirs {
            Theirs::ASCIIOnly => "ascii-only",
            Theirs::SingleScript => "single-script",
            Theirs::HighlyRestrictive => "highly-restrictive",
            Theirs::ModeratelyRestrictive => "moderately-restrictive",
            Theirs::MinimallyRestrictive => "minimally-restrictive",
            Theirs::Unrestricted => "unrestricted",
        };
        if ours.as_str() != theirs_str {
            prop_assert_eq!(ours, RestrictionLevel::ModeratelyRestrictive, "{:?}", label);
            prop_assert_eq!(theirs, Theirs::MinimallyRestrictive, "{:?}", label);
        }
    }

    /// The LDH fast path agrees with the per-character definition.
    #[test]
    fn ldh_fast_path_matches_definition(label in "[a-zA-Z0-9-]{0,63}") {
        let mut expected = ScriptSet::ALL;
        for c in label.chars() {
            expected = expected.intersection(augmented_script_set(c));
        }
        prop_assert_eq!(resolved_script_set(&label), expected);
        prop_assert_eq!(restriction_level(&label), RestrictionLevel::AsciiOnly);
        let a = analyze(&label);
        prop_assert!(a.warnings.is_empty());
        let want = if label.bytes().any(|b| b.is_ascii_alphabetic()) { "Latn" } else { "Zyyy" };
        prop_assert_eq!(a.label_script.as_str(), want);
    }
}

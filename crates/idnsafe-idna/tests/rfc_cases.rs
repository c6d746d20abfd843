//! IDNA2008 registration cases written from the RFC text: RFC 5891 §4.2.3
//! (hyphens, leading combining marks, contextual rules, Bidi), RFC 5892
//! Appendix A (rules A.1-A.9), RFC 5893 §2 (conditions 1-6), RFC 5890/5891
//! A-label rules and the DNS length limits. Each case asserts the exact
//! error codes and, where the code applies to one code point, its position.
//!
//! The Punycode strings used as inputs were computed independently with
//! Python's `str.encode("punycode")` codec (RFC 3492), not by this crate.

use idnsafe_idna::{
    ErrorCode, LabelForm, LabelReport, MAX_LABEL_OCTETS, MAX_NAME_OCTETS, NameReport, bidi,
    check_label, check_line, check_name, encode_alabel,
    uts46::{self, LookupOptions},
};

use ErrorCode::*;

/// The label's violations as (code, position), in reported order.
fn errs(r: &LabelReport) -> Vec<(ErrorCode, Option<usize>)> {
    r.errors().iter().map(|v| (v.code(), v.position())).collect()
}

/// Every violation of a name as (label index or None for name-level, code, position).
fn name_errs(r: &NameReport) -> Vec<(Option<usize>, ErrorCode, Option<usize>)> {
    let mut out: Vec<_> = r.errors().iter().map(|v| (None, v.code(), v.position())).collect();
    for (i, l) in r.labels().iter().enumerate() {
        out.extend(l.errors().iter().map(|v| (Some(i), v.code(), v.position())));
    }
    out
}

#[track_caller]
fn accepted(label: &str) {
    let r = check_label(label);
    assert!(r.is_ok(), "{label:?} should be accepted, got {:?}", errs(&r));
    // Every accepted label has both forms.
    assert!(r.ulabel().is_some() && r.alabel().is_some(), "{label:?}: {r:?}");
}

#[track_caller]
fn rejected(label: &str, expected: &[(ErrorCode, Option<usize>)]) {
    let r = check_label(label);
    assert_eq!(errs(&r), expected, "{label:?}");
    // Every violation has a message a person can read.
    for v in r.errors() {
        assert!(v.message().len() > 10, "{label:?}: empty message for {}", v.code());
        if let Some(p) = v.position() {
            assert_eq!(v.codepoint(), label.chars().nth(p), "{label:?}: code point at {p}");
        }
    }
}

#[track_caller]
fn name_accepted(name: &str) {
    let r = check_name(name);
    assert!(r.is_ok(), "{name:?} should be accepted, got {:?}", name_errs(&r));
}

// ---------------------------------------------------------------------------
// The examples of the brief and the crate docs.

#[test]
fn catalan_middle_dot_accepted() {
    accepted("l·l");
    accepted("col·lecció");
    name_accepted("l·l.example");
}

#[test]
fn middle_dot_outside_l_l_rejected() {
    // RFC 5892 A.3: Before(cp) = U+006C and After(cp) = U+006C.
    rejected("a·b", &[(Contexto, Some(1))]);
    rejected("l·", &[(Contexto, Some(1))]);
    rejected("·l", &[(Contexto, Some(0))]);
    rejected("l·b", &[(Contexto, Some(1))]);
    rejected("a·l", &[(Contexto, Some(1))]);
}

#[test]
fn snowman_disallowed() {
    rejected("☃", &[(DisallowedCodepoint, Some(0))]);
    let r = check_label("☃");
    assert_eq!(r.errors()[0].codepoint(), Some('☃'));
    // UTS #46 lookup maps and accepts it; registration must not.
    assert_eq!(uts46::to_ascii("☃", LookupOptions::default()).as_deref(), Ok("xn--n3h"));
}

#[test]
fn i_heart_ny_rejected() {
    rejected("i♥ny", &[(DisallowedCodepoint, Some(1))]);
    // Its A-label, as a registry would receive it over EPP.
    let r = check_label("xn--iny-zx5a");
    assert_eq!(r.ulabel(), Some("i♥ny"));
    assert_eq!(errs(&r), [(DisallowedCodepoint, Some(1))]);
    assert!(uts46::to_ascii("i♥ny", LookupOptions::default()).is_ok());
}

// ---------------------------------------------------------------------------
// RFC 5892 Appendix A.

#[test]
fn a1_zwnj_after_virama_accepted() {
    // DEVANAGARI KA, SIGN VIRAMA, ZWNJ, SSA: the first clause of A.1.
    accepted("क्\u{200C}ष");
    // Malayalam: NA, VIRAMA, ZWNJ.
    accepted("ന്\u{200C}");
}

#[test]
fn a1_zwnj_between_joining_letters_accepted() {
    // BEH (D) ZWNJ BEH (D): (Joining_Type:{L,D}) ZWNJ (Joining_Type:{R,D}).
    accepted("ب\u{200C}ب");
    // With transparent marks (FATHA, Joining_Type T) on either side.
    accepted("ب\u{064E}\u{200C}\u{064E}ب");
    // BEH (D) ZWNJ ALEF (R).
    accepted("ب\u{200C}ا");
}

#[test]
fn a1_zwnj_rejected() {
    // Between Latin letters (Joining_Type U).
    rejected("a\u{200C}b", &[(Contextj, Some(1))]);
    // ALEF is right-joining only, so it cannot join to the left of ZWNJ.
    rejected("ا\u{200C}ب", &[(Contextj, Some(1))]);
    // BEH then ZWNJ at the end: nothing joins on the right.
    rejected("ب\u{200C}", &[(Contextj, Some(1))]);
    // At the start.
    rejected("\u{200C}ب", &[(Contextj, Some(0))]);
}

#[test]
fn a2_zwj() {
    // After a virama only.
    accepted("क्\u{200D}ष");
    accepted("क्\u{200D}");
    rejected("a\u{200D}b", &[(Contextj, Some(1))]);
    // ZWJ has no joining-type clause: BEH ZWJ BEH is rejected.
    rejected("ب\u{200D}ب", &[(Contextj, Some(1))]);
    rejected("\u{200D}", &[(Contextj, Some(0))]);
}

#[test]
fn a4_greek_keraia() {
    // Script(After(cp)) = Greek.
    accepted("͵α");
    accepted("α͵β");
    rejected("͵a", &[(Contexto, Some(0))]);
    rejected("α͵", &[(Contexto, Some(1))]);
}

#[test]
fn a5_a6_hebrew_geresh_gershayim() {
    // Script(Before(cp)) = Hebrew.
    accepted("א׳");
    accepted("א״ב");
    rejected("a׳", &[(Contexto, Some(1))]);
    rejected("׳א", &[(Contexto, Some(0))]);
    rejected("״א", &[(Contexto, Some(0))]);
    rejected("a״", &[(Contexto, Some(1))]);
}

#[test]
fn a7_katakana_middle_dot() {
    // The label must hold a Hiragana, Katakana or Han character.
    accepted("ア・イ");
    accepted("あ・い");
    accepted("漢・字");
    accepted("・ア");
    rejected("a・b", &[(Contexto, Some(1))]);
    // The dot itself (Script Common) does not count.
    rejected("・", &[(Contexto, Some(0))]);
    rejected("・・", &[(Contexto, Some(0)), (Contexto, Some(1))]);
}

#[test]
fn a8_a9_arabic_indic_digits() {
    // Either digit set alone is fine.
    accepted("ب١٢");
    accepted("ب۱۲");
    accepted("٠١٢٣٤٥٦٧٨٩");
    accepted("۰۱۲۳۴۵۶۷۸۹");
    // Mixed: every digit of each set is reported (A.8 for U+0661, A.9 for U+06F2).
    rejected("١۲", &[(Contexto, Some(0)), (Contexto, Some(1))]);
    rejected("ب١۲٣", &[(Contexto, Some(1)), (Contexto, Some(2)), (Contexto, Some(3))]);
    let r = check_label("١۲");
    assert!(r.errors()[0].message().contains("A.8"), "{}", r.errors()[0].message());
    assert!(r.errors()[1].message().contains("A.9"), "{}", r.errors()[1].message());
}

// ---------------------------------------------------------------------------
// RFC 5891 §4.2.3.1 hyphens and §4.2.3.2 leading combining marks.

#[test]
fn hyphen_rules() {
    accepted("a-b");
    accepted("a--b"); // hyphens in positions 2 and 3 are fine
    accepted("ab-cd");
    rejected("-abc", &[(HyphenStartEnd, Some(0))]);
    rejected("abc-", &[(HyphenStartEnd, Some(3))]);
    rejected("-", &[(HyphenStartEnd, Some(0))]);
    rejected("ab--c", &[(Hyphen34, Some(2))]);
    rejected("-b--", &[(HyphenStartEnd, Some(0)), (Hyphen34, Some(2)), (HyphenStartEnd, Some(3))]);
    // The same rules on U-labels.
    rejected("-ü", &[(HyphenStartEnd, Some(0))]);
    rejected("ü-", &[(HyphenStartEnd, Some(1))]);
    rejected("üb--c", &[(Hyphen34, Some(2))]);
}

#[test]
fn leading_combining_mark() {
    rejected("\u{0301}a", &[(LeadingCombiningMark, Some(0))]);
    // Spacing mark (Mc): DEVANAGARI VOWEL SIGN AA.
    rejected("\u{093E}क", &[(LeadingCombiningMark, Some(0))]);
    // A combining mark after a base is fine (x + acute has no precomposed form, so NFC).
    accepted("x\u{0301}");
}

// ---------------------------------------------------------------------------
// Code points: DISALLOWED, UNASSIGNED, NFC.

#[test]
fn disallowed_and_unassigned() {
    rejected("a_b", &[(DisallowedCodepoint, Some(1))]);
    rejected("a b", &[(DisallowedCodepoint, Some(1))]);
    // Upper case is DISALLOWED in a U-label (RFC 5892 §2.6 B: not stable under NFKC_Casefold).
    rejected("Bücher", &[(DisallowedCodepoint, Some(0))]);
    // U+0378 is UNASSIGNED in Idna2008.txt 18.0.0.
    rejected("a\u{0378}", &[(UnassignedCodepoint, Some(1))]);
    // U+E0001 LANGUAGE TAG is DISALLOWED; U+10FFFF (noncharacter) is DISALLOWED.
    rejected("a\u{E0001}", &[(DisallowedCodepoint, Some(1))]);
    rejected("a\u{10FFFF}", &[(DisallowedCodepoint, Some(1))]);
}

#[test]
fn not_nfc_ulabel() {
    let r = check_label("bu\u{0308}cher");
    assert_eq!(errs(&r), [(NotNfc, None)]);
    assert!(r.errors()[0].message().contains("bücher"), "{}", r.errors()[0].message());
    accepted("bücher");
}

// ---------------------------------------------------------------------------
// A-labels (RFC 5890 §2.3.2.1, RFC 5891 §5.4).

#[test]
fn alabel_round_trip() {
    let r = check_label("xn--bcher-kva");
    assert!(r.is_ok(), "{:?}", errs(&r));
    assert_eq!(r.form(), LabelForm::ALabel);
    assert_eq!(r.ulabel(), Some("bücher"));
    assert_eq!(r.alabel(), Some("xn--bcher-kva"));
    assert!(r.is_idn());

    let u = check_label("bücher");
    assert_eq!(u.form(), LabelForm::ULabel);
    assert_eq!(u.alabel(), Some("xn--bcher-kva"));
    assert_eq!(encode_alabel("bücher").as_deref(), Some("xn--bcher-kva"));
}

#[test]
fn alabel_upper_case() {
    // DNS is case-insensitive (RFC 4343): the prefix and the Punycode.
    for input in ["XN--BCHER-KVA", "Xn--Bcher-Kva", "xN--bcher-kva"] {
        let r = check_label(input);
        assert!(r.is_ok(), "{input}: {:?}", errs(&r));
        assert_eq!(r.input(), input);
        assert_eq!(r.ulabel(), Some("bücher"), "{input}");
        assert_eq!(r.alabel(), Some("xn--bcher-kva"), "{input}");
    }
}

#[test]
fn alabel_invalid_punycode() {
    rejected("xn--", &[(PunycodeInvalid, None)]);
    rejected("xn--ab_c", &[(PunycodeInvalid, None)]);
    // Non-ASCII: a (putative) U-label, not an A-label, so "--" is in positions 3-4.
    rejected("xn--a-é", &[(Hyphen34, Some(2))]);
    let r = check_label("xn--ab_c");
    assert_eq!(r.ulabel(), None);
    assert_eq!(r.form(), LabelForm::ALabel);
    // A Punycode overflow (RFC 3492 §6.4).
    rejected("xn--99999999999999999999a", &[(PunycodeInvalid, None)]);
}

#[test]
fn alabel_decoding_to_ascii() {
    // Punycode "abc-" decodes to plain "abc": not an A-label (RFC 5890 §2.3.2.1).
    let r = check_label("xn--abc-");
    assert_eq!(errs(&r), [(AlabelNotRoundtrip, None)]);
    assert_eq!(r.ulabel(), Some("abc"));
}

#[test]
fn alabel_not_nfc() {
    // "a" + COMBINING ACUTE ACCENT: Punycode round-trips, but the U-label is not NFC.
    let r = check_label("xn--a-xbb");
    assert_eq!(r.ulabel(), Some("a\u{0301}"));
    assert_eq!(errs(&r), [(NotNfc, None)]);
}

#[test]
fn alabel_disallowed_and_unassigned() {
    let r = check_label("xn--n3h");
    assert_eq!(r.ulabel(), Some("☃"));
    assert_eq!(errs(&r), [(DisallowedCodepoint, Some(0))]);
    assert_eq!(errs(&check_label("xn--a-qib")), [(UnassignedCodepoint, Some(1))]);
    // a·b as an A-label.
    assert_eq!(errs(&check_label("xn--ab-0ea")), [(Contexto, Some(1))]);
}

#[test]
fn alabel_hyphen_rules_apply_to_ulabel() {
    // Punycode of "ab--c" is "ab--c-" then nothing: decodes to ASCII.
    let r = check_label("xn--ab--c-");
    assert_eq!(r.ulabel(), Some("ab--c"));
    assert_eq!(errs(&r), [(AlabelNotRoundtrip, None), (Hyphen34, Some(2))]);
}

// ---------------------------------------------------------------------------
// Lengths (RFC 1035 §2.3.4, RFC 5891 §4.2.4) and empty labels.

#[test]
fn label_63_and_64_octets() {
    accepted(&"a".repeat(63));
    rejected(&"a".repeat(64), &[(LabelTooLong, None)]);
    assert_eq!(MAX_LABEL_OCTETS, 63);
}

/// The U-label "ü" followed by `n` letters whose A-label is exactly `octets`.
fn ulabel_with_alabel_len(octets: usize) -> String {
    (1..80)
        .map(|n| format!("ü{}", "a".repeat(n)))
        .find(|u| encode_alabel(u).map(|a| a.len()) == Some(octets))
        .unwrap_or_else(|| panic!("no U-label with a {octets}-octet A-label"))
}

#[test]
fn ulabel_63_and_64_octet_alabels() {
    let u63 = ulabel_with_alabel_len(63);
    accepted(&u63);
    let a63 = check_label(&u63).alabel().map(str::to_owned).expect("A-label");
    assert_eq!(a63.len(), 63);
    // The A-label itself is accepted and decodes back.
    let back = check_label(&a63);
    assert!(back.is_ok(), "{:?}", errs(&back));
    assert_eq!(back.ulabel(), Some(u63.as_str()));

    let u64 = ulabel_with_alabel_len(64);
    assert!(u64.len() < 63, "the U-label is short in UTF-8 ({} bytes)", u64.len());
    rejected(&u64, &[(LabelTooLong, None)]);
}

#[test]
fn name_253_and_254_octets() {
    let l63 = "a".repeat(63);
    let n253 = format!("{l63}.{l63}.{l63}.{}", "a".repeat(61));
    assert_eq!(n253.len(), 253);
    name_accepted(&n253);
    // The root's trailing dot is not counted.
    name_accepted(&format!("{n253}."));
    let n254 = format!("{l63}.{l63}.{l63}.{}", "a".repeat(62));
    let r = check_name(&n254);
    assert_eq!(name_errs(&r), [(None, NameTooLong, None)]);
    assert_eq!(MAX_NAME_OCTETS, 253);
}

#[test]
fn name_length_counts_alabels() {
    // Four labels with 63-octet A-labels: 255 octets in DNS form, though
    // shorter than 253 bytes in UTF-8.
    let u = ulabel_with_alabel_len(63);
    let name = [u.as_str(); 4].join(".");
    assert!(name.len() < 253, "{}", name.len());
    let r = check_name(&name);
    assert_eq!(name_errs(&r), [(None, NameTooLong, None)]);
    let three = [u.as_str(); 3].join(".");
    name_accepted(&three);
}

#[test]
fn empty_labels() {
    assert_eq!(name_errs(&check_name("a..b")), [(None, EmptyLabel, None)]);
    assert_eq!(name_errs(&check_name(".a")), [(None, EmptyLabel, None)]);
    assert_eq!(name_errs(&check_name("a.b..")), [(None, EmptyLabel, None)]);
    assert_eq!(name_errs(&check_name("")), [(None, EmptyLabel, None)]);
    assert_eq!(name_errs(&check_name("..")), [(None, EmptyLabel, None), (None, EmptyLabel, None)]);
    rejected("", &[(EmptyLabel, None)]);
    // The non-empty labels are still checked.
    assert_eq!(
        name_errs(&check_name("☃..a")),
        [(None, EmptyLabel, None), (Some(0), DisallowedCodepoint, Some(0))]
    );
}

#[test]
fn trailing_dot_allowed() {
    name_accepted("example.com.");
    let r = check_name("bücher.example.");
    assert_eq!(r.labels().len(), 2);
    assert_eq!(r.to_ascii().as_deref(), Some("xn--bcher-kva.example"));
}

#[test]
fn only_full_stop_separates_labels() {
    // U+3002 IDEOGRAPHIC FULL STOP is a UTS #46 lookup mapping, not a
    // separator for registration: it is a DISALLOWED character here.
    let r = check_name("a。b");
    assert_eq!(name_errs(&r), [(Some(0), DisallowedCodepoint, Some(1))]);
}

// ---------------------------------------------------------------------------
// RFC 5893 §2: the Bidi rule, per condition, through the public
// `bidi::check_label` (which says which condition failed) and through
// `check_name` (which reports BIDI_RULE on the label).

fn conditions(label: &str) -> Vec<(u8, Option<usize>)> {
    let chars: Vec<char> = label.chars().collect();
    bidi::check_label(&chars).iter().map(|f| (f.condition, f.position)).collect()
}

#[test]
fn bidi_condition_1_first_character() {
    // The first character must be L, R or AL: a European digit is not.
    assert_eq!(conditions("1א"), [(1, Some(0))]);
    assert_eq!(conditions("0a"), [(1, Some(0))]);
    // In a Bidi domain name every label is checked, even an all-LTR one.
    assert_eq!(name_errs(&check_name("0a.א")), [(Some(0), BidiRule, Some(0))]);
    // Outside a Bidi domain name the rule does not apply.
    name_accepted("0a.example");
}

#[test]
fn bidi_condition_2_rtl_only_rtl_characters() {
    assert_eq!(conditions("אaב"), [(2, Some(1))]);
    assert_eq!(name_errs(&check_name("אaב.com")), [(Some(0), BidiRule, Some(1))]);
    // EN, ES, CS, ET, ON, BN, NSM are allowed in an RTL label.
    assert_eq!(conditions("א1ב"), []);
    assert_eq!(conditions("א-ב"), []);
}

#[test]
fn bidi_condition_3_rtl_end() {
    // U+02B9 MODIFIER LETTER PRIME is PVALID with Bidi class ON.
    assert_eq!(conditions("אבʹ"), [(3, Some(2))]);
    assert_eq!(name_errs(&check_name("אבʹ")), [(Some(0), BidiRule, Some(2))]);
    // A trailing NSM (HEBREW POINT SHEVA) after R is fine.
    assert_eq!(conditions("אב\u{05B0}"), []);
    name_accepted("אב\u{05B0}");
    // Ending in a hyphen (ES): the Bidi rule and the hyphen rule both fail.
    assert_eq!(
        name_errs(&check_name("אב-")),
        [(Some(0), HyphenStartEnd, Some(2)), (Some(0), BidiRule, Some(2))]
    );
}

#[test]
fn bidi_condition_4_en_and_an() {
    // BEH, DIGIT ONE (EN), ARABIC-INDIC DIGIT TWO (AN).
    assert_eq!(conditions("ب1٢"), [(4, Some(2))]);
    assert_eq!(name_errs(&check_name("ب1٢")), [(Some(0), BidiRule, Some(2))]);
    assert_eq!(conditions("ب12"), []);
    assert_eq!(conditions("ب١٢"), []);
}

#[test]
fn bidi_condition_5_ltr_no_rtl() {
    assert_eq!(conditions("aאb"), [(5, Some(1))]);
    // AN in an LTR label.
    assert_eq!(conditions("a٢b"), [(5, Some(1))]);
    assert_eq!(name_errs(&check_name("aאb")), [(Some(0), BidiRule, Some(1))]);
}

#[test]
fn bidi_condition_6_ltr_end() {
    assert_eq!(conditions("abʹ"), [(6, Some(2))]);
    // Checked only in a Bidi domain name.
    name_accepted("abʹ.com");
    assert_eq!(name_errs(&check_name("abʹ.א")), [(Some(0), BidiRule, Some(2))]);
    // L followed by NSM is fine.
    assert_eq!(conditions("x\u{0301}"), []);
}

#[test]
fn bidi_hebrew_label_ending_in_digit() {
    // RFC 5893 §2 condition 3 allows EN at the end of an RTL label, and the
    // LTR label "com" satisfies conditions 5 and 6.
    name_accepted("ספר1.com");
    name_accepted("ספר.com");
    name_accepted("مثال.إختبار");
}

// ---------------------------------------------------------------------------
// Every violation is reported, not only the first.

#[test]
fn multiple_errors_in_one_label() {
    // Hyphen at start, hyphens in 3-4, DISALLOWED, UNASSIGNED, CONTEXTO, hyphen at end.
    let label = "-b--☃\u{0378}·-";
    let r = check_label(label);
    let mut got = errs(&r);
    let positions: Vec<usize> = got.iter().map(|e| e.1.unwrap_or(0)).collect();
    assert!(positions.windows(2).all(|w| w[0] <= w[1]), "in order of position: {got:?}");
    got.sort();
    let mut want = vec![
        (HyphenStartEnd, Some(0)),
        (Hyphen34, Some(2)),
        (DisallowedCodepoint, Some(4)),
        (UnassignedCodepoint, Some(5)),
        (Contexto, Some(6)),
        (HyphenStartEnd, Some(7)),
    ];
    want.sort();
    assert_eq!(got, want);

    // Upper-case letters around a middle dot: each L and the dot.
    rejected(
        "L·L",
        &[(DisallowedCodepoint, Some(0)), (Contexto, Some(1)), (DisallowedCodepoint, Some(2))],
    );
}

#[test]
fn multiple_errors_across_a_name() {
    let long = "a".repeat(64);
    let name = format!("☃.a·b..l·l.{long}.ab--c");
    let r = check_name(&name);
    assert!(!r.is_ok());
    let mut got = name_errs(&r);
    got.sort();
    let mut want = vec![
        (None, EmptyLabel, None),
        (Some(0), DisallowedCodepoint, Some(0)),
        (Some(1), Contexto, Some(1)),
        (Some(3), LabelTooLong, None),
        (Some(4), Hyphen34, Some(2)),
    ];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(r.all_errors().count(), 5);
}

// ---------------------------------------------------------------------------
// Lines.

#[test]
fn line_endings_are_stripped() {
    assert!(check_line(b"example.com\n").is_ok());
    assert!(check_line(b"example.com\r\n").is_ok());
    assert_eq!(
        check_line("bücher.de\n".as_bytes()).to_ascii().as_deref(),
        Some("xn--bcher-kva.de")
    );
    // Other white space is not trimmed: it is a DISALLOWED character.
    let r = check_line(b" example.com");
    assert_eq!(name_errs(&r), [(Some(0), DisallowedCodepoint, Some(0))]);
}

#[test]
fn invalid_utf8_line() {
    let r = check_line(b"b\xFCcher.de");
    assert_eq!(name_errs(&r), [(None, InvalidUtf8, None)]);
    assert!(r.errors()[0].message().contains("offset 1"), "{}", r.errors()[0].message());
}

//! Properties of the registration checker over generated input: it never
//! panics, valid labels round-trip through their A-labels, invalid UTF-8
//! and over-long lines give exactly their own error.

use idnsafe_idna::{
    ErrorCode, LabelForm, MAX_INPUT_BYTES, MAX_LABEL_OCTETS, check_label, check_line, check_name,
    uts46::{self, LookupOptions},
};
use proptest::prelude::*;

/// Characters a label is built from: mostly PVALID letters of several
/// scripts, with hyphens, digits, combining marks and the contextual
/// characters (ZWNJ, ZWJ, middle dots, keraia, geresh, Arabic digits)
/// mixed in so that both valid and invalid labels come out.
fn label_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => prop::char::range('a', 'z'),
        2 => prop::char::range('0', '9'),
        1 => Just('-'),
        2 => prop::sample::select(vec!['ä', 'é', 'ñ', 'ø', 'ß', 'ç', 'ğ', 'ő', 'ł', 'ŋ']),
        2 => prop::char::range('а', 'я'),
        1 => prop::char::range('α', 'ω'),
        1 => prop::char::range('一', '鿿'),
        1 => prop::char::range('가', '힣'),
        1 => prop::char::range('ぁ', 'ゖ'),
        1 => prop::char::range('ァ', 'ヺ'),
        1 => prop::char::range('ء', 'ي'),
        1 => prop::char::range('א', 'ת'),
        1 => prop::char::range('क', 'ह'),
        1 => prop::sample::select(vec![
            '\u{094D}', '\u{0301}', '\u{0308}', '\u{064E}', '\u{200C}', '\u{200D}', '·', '・',
            '͵', '׳', '״', '٣', '۳', 'A', '_', '☃',
        ]),
    ]
}

fn label() -> impl Strategy<Value = String> {
    prop::collection::vec(label_char(), 1..24).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_on_arbitrary_strings(s in any::<String>()) {
        let r = check_line(s.as_bytes());
        // Lines in = records out, and an accepted name always has a DNS form.
        if r.is_ok() {
            prop_assert!(r.to_ascii().is_some());
        }
        let _ = check_name(&s);
        let _ = uts46::to_ascii(&s, LookupOptions::default());
        let _ = uts46::to_unicode(&s, LookupOptions::default());
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(b in prop::collection::vec(any::<u8>(), 0..1500)) {
        let r = check_line(&b);
        for v in r.all_errors() {
            prop_assert!(!v.message().is_empty());
        }
    }

    #[test]
    fn no_panic_on_names_of_generated_labels(labels in prop::collection::vec(label(), 1..6)) {
        let name = labels.join(".");
        let r = check_name(&name);
        prop_assert_eq!(r.labels().len(), labels.len());
        // Each label's own checks are those of check_label; the name adds
        // only the Bidi rule to labels.
        for (lr, l) in r.labels().iter().zip(&labels) {
            let alone = check_label(l);
            let non_bidi: Vec<_> = lr
                .errors()
                .iter()
                .filter(|v| v.code() != ErrorCode::BidiRule)
                .cloned()
                .collect();
            prop_assert_eq!(non_bidi.as_slice(), alone.errors());
        }
    }

    #[test]
    fn valid_labels_round_trip(l in label()) {
        let r = check_label(&l);
        if r.is_ok() {
            let u = r.ulabel().expect("a valid label has a U-label");
            let a = r.alabel().expect("a valid label has an A-label");
            prop_assert!(a.is_ascii() && a.len() <= MAX_LABEL_OCTETS, "{:?}", a);
            prop_assert!(!a.bytes().any(|b| b.is_ascii_uppercase()), "{:?}", a);
            // The A-label passes and gives back the same U-label.
            let from_a = check_label(a);
            prop_assert!(from_a.is_ok(), "{:?} -> {:?}: {:?}", l, a, from_a.errors());
            prop_assert_eq!(from_a.ulabel(), Some(u));
            prop_assert_eq!(from_a.alabel(), Some(a));
            if r.is_idn() {
                prop_assert_eq!(from_a.form(), LabelForm::ALabel);
            }
            // Re-validating the U-label gives the same result.
            let from_u = check_label(u);
            prop_assert!(from_u.is_ok(), "{:?}: {:?}", u, from_u.errors());
            prop_assert_eq!(from_u.ulabel(), Some(u));
            prop_assert_eq!(from_u.alabel(), Some(a));
        }
    }

    #[test]
    fn invalid_utf8_gives_exactly_invalid_utf8(
        mut b in prop::collection::vec(any::<u8>(), 0..600),
        at in any::<prop::sample::Index>(),
        // Bytes that never occur in UTF-8.
        bad in prop::sample::select(vec![0xC0u8, 0xC1, 0xF5, 0xF8, 0xFE, 0xFF]),
    ) {
        let i = at.index(b.len() + 1);
        b.insert(i, bad);
        let r = check_line(&b);
        let codes: Vec<ErrorCode> = r.all_errors().map(|v| v.code()).collect();
        prop_assert_eq!(codes, vec![ErrorCode::InvalidUtf8]);
        prop_assert!(r.labels().is_empty());
        prop_assert!(!r.is_ok());
    }
}

#[test]
fn generated_labels_are_often_valid() {
    // The round-trip property is vacuous if the generator never makes a
    // valid label: check a fixed sample of it has valid IDNs in it.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = label();
    let mut valid_idn = 0;
    for _ in 0..500 {
        let l = strategy.new_tree(&mut runner).expect("value").current();
        let r = check_label(&l);
        if r.is_ok() && r.is_idn() {
            valid_idn += 1;
        }
    }
    assert!(valid_idn >= 25, "only {valid_idn} of 500 generated labels are valid IDNs");
}

#[test]
fn one_megabyte_line_is_too_long() {
    let line = "a".repeat(1 << 20);
    let r = check_line(line.as_bytes());
    let codes: Vec<ErrorCode> = r.all_errors().map(|v| v.code()).collect();
    assert_eq!(codes, [ErrorCode::LineTooLong]);
    assert!(r.labels().is_empty());
    // The record keeps only a bounded prefix of the input.
    assert_eq!(r.input().len(), MAX_INPUT_BYTES);
    assert!(r.errors()[0].message().contains(&(1usize << 20).to_string()));

    // Also through check_name, with dots (labels are never split), and with
    // bytes that are not UTF-8 (the length is checked first).
    let dotted = "a.".repeat(1 << 19);
    let codes: Vec<ErrorCode> = check_name(&dotted).all_errors().map(|v| v.code()).collect();
    assert_eq!(codes, [ErrorCode::LineTooLong]);
    let bad = vec![0xFFu8; 1 << 20];
    let codes: Vec<ErrorCode> = check_line(&bad).all_errors().map(|v| v.code()).collect();
    assert_eq!(codes, [ErrorCode::LineTooLong]);
    // Cutting a multi-byte character at the limit does not panic.
    let wide = "ü".repeat(1 << 19);
    let r = check_line(wide.as_bytes());
    assert_eq!(r.errors()[0].code(), ErrorCode::LineTooLong);
}

#[test]
fn longest_accepted_line_is_checked() {
    // Exactly MAX_INPUT_BYTES is checked (and fails on its length, not as too long).
    let line = "a".repeat(MAX_INPUT_BYTES);
    let codes: Vec<ErrorCode> =
        check_line(line.as_bytes()).all_errors().map(|v| v.code()).collect();
    assert_eq!(codes, [ErrorCode::NameTooLong, ErrorCode::LabelTooLong]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The allocation-free fast path agrees with the full check.
    #[test]
    fn fast_path_agrees_with_check_label_on_generated_labels(l in label()) {
        prop_assert_eq!(idnsafe_idna::is_valid_label(&l), check_label(&l).is_ok(), "{:?}", l);
    }

    #[test]
    fn fast_path_agrees_with_check_label_on_arbitrary_strings(s in "\\PC{0,70}") {
        prop_assert_eq!(idnsafe_idna::is_valid_label(&s), check_label(&s).is_ok(), "{:?}", s);
    }
}

/// The fast path agrees with the full check on every label of the real name
/// lists (A-labels and their U-labels).
#[test]
fn fast_path_agrees_with_check_label_on_real_names() {
    use std::io::BufRead;
    let dir = idnsafe_tests::data_file("names");
    let mut checked = 0usize;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let f = std::fs::File::open(&path).unwrap();
        for line in std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f)).lines() {
            let line = line.unwrap();
            for label in line.trim().split('.') {
                let forms: Vec<String> = if label.starts_with("xn--") {
                    let u = check_label(label).ulabel().map(str::to_owned);
                    std::iter::once(label.to_owned()).chain(u).collect()
                } else {
                    vec![label.to_owned()]
                };
                for l in forms {
                    assert_eq!(
                        idnsafe_idna::is_valid_label(&l),
                        check_label(&l).is_ok(),
                        "{l:?} in {}",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1_000_000, "only {checked} labels");
}

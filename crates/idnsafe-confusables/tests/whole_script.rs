//! Whole-script confusables judged against the common letters of the other
//! script, and the TLD-aware variant.

use idnsafe_confusables::{
    Level, WholeScriptConfusable, key, whole_script_confusable, whole_script_confusable_in,
};

fn wsc(label: &str, level: Level) -> Option<WholeScriptConfusable> {
    whole_script_confusable(label, level)
}

/// The lookalike in `script`, if the label has one.
fn lookalike(label: &str, level: Level, script: &str) -> Option<String> {
    let w = wsc(label, level)?;
    let i = w.lookalike_scripts.iter().position(|s| s == script)?;
    w.lookalikes.get(i).cloned()
}

#[test]
fn classic_homographs_still_found_at_every_level() {
    for level in Level::ALL {
        // ѕ (Macedonian dze), с, о, р, е
        assert_eq!(lookalike("ѕсоре", level, "Latin").as_deref(), Some("scope"), "{level}");
        let w = wsc("аррӏе", level).unwrap();
        assert_eq!(w.scripts, ["Cyrillic"]);
        assert_eq!(w.lookalikes, ["apple"], "{level}: {w:?}");
        for (l, s) in w.lookalikes.iter().zip(&w.lookalike_scripts) {
            assert_eq!(key(l, level), key("аррӏе", level), "{s}");
        }
    }
}

#[test]
fn latin_lookalikes_must_be_ascii() {
    // к's UTS #39 prototype is Latin kra ĸ, not a common Latin letter.
    assert_eq!(wsc("курс", Level::Uts39), None);
    assert_eq!(wsc("к", Level::Uts39).map(|w| w.lookalike_scripts), Some(vec!["Greek".into()]));
    // Nor at `identical` (the case-folded skeleton); the curated table of
    // the `lookalike` level reads к as k (as browsers do).
    assert_eq!(wsc("курс", Level::Identical), None);
    assert_eq!(lookalike("курс", Level::Lookalike, "Latin").as_deref(), Some("kypc"));
    // Greek ά would need Latin á.
    assert_eq!(lookalike("ορά", Level::Identical, "Latin"), None);
    assert_eq!(lookalike("ορα", Level::Identical, "Latin").as_deref(), Some("opa"));
    // Common words with no ASCII spelling.
    for w in ["пример", "москва", "банк", "щука"] {
        assert_eq!(wsc(w, Level::Identical), None, "{w}");
    }
}

#[test]
fn digits_and_hyphens_are_shared_but_never_stand_in_for_letters() {
    assert_eq!(lookalike("о365", Level::Identical, "Latin").as_deref(), Some("o365"));
    assert_eq!(lookalike("а-1", Level::Identical, "Latin").as_deref(), Some("a-1"));
    // б looks like 6 and з like 3, but a digit is not a letter's lookalike.
    assert_eq!(wsc("бо", Level::Identical), None);
    assert_eq!(wsc("зо", Level::Identical), None);
    // Latin l has a Cyrillic lookalike only in the palochka (not common) or
    // the digit 1: `apple` is not whole-script confusable with Cyrillic.
    assert_eq!(lookalike("apple", Level::Identical, "Cyrillic"), None);
    assert!(wsc("123-456", Level::Identical).is_none());
}

#[test]
fn cyrillic_common_letters_include_the_national_alphabets() {
    // Macedonian ѕ, Serbian ј, Ukrainian і, Kazakh һ.
    assert_eq!(lookalike("scope", Level::Uts39, "Cyrillic").as_deref(), Some("ѕсоре"));
    assert_eq!(lookalike("jeep", Level::Uts39, "Cyrillic").as_deref(), Some("јеер"));
    assert_eq!(lookalike("hi", Level::Uts39, "Cyrillic").as_deref(), Some("һі"));
    // Ukrainian ї for Latin ï, Russian ё for Latin ë.
    assert_eq!(lookalike("ïe", Level::Uts39, "Cyrillic").as_deref(), Some("їе"));
    assert_eq!(lookalike("ëx", Level::Uts39, "Cyrillic").as_deref(), Some("ёх"));
    // Latin ä would need Cyrillic ӓ (Mari, Khanty): not common.
    assert_eq!(lookalike("äx", Level::Uts39, "Cyrillic"), None);
}

#[test]
fn greek_common_letters_are_modern_monotonic() {
    assert_eq!(lookalike("ü", Level::Uts39, "Greek").as_deref(), Some("ϋ"));
    assert_eq!(lookalike("o", Level::Uts39, "Greek").as_deref(), Some("ο"));
    // Latin c needs lunate sigma ϲ, not a modern letter.
    assert_eq!(lookalike("coco", Level::Uts39, "Greek"), None);
    assert_eq!(lookalike("coco", Level::Uts39, "Cyrillic").as_deref(), Some("сосо"));
}

#[test]
fn greek_omicron_rho_omicron_is_confusable_except_under_greek_tlds() {
    let w = wsc("ορο", Level::Identical).unwrap();
    assert_eq!(w.scripts, ["Greek"]);
    assert_eq!(w.lookalike_scripts, ["Latin", "Cyrillic"]);
    assert_eq!(w.lookalikes, ["opo", "оро"]);
    for tld in ["gr", "GR", "cy", "ελ", "xn--qxam"] {
        assert_eq!(whole_script_confusable_in("ορο", Level::Identical, Some(tld)), None, "{tld}");
    }
    for tld in ["com", "ru", "рф", ""] {
        assert_eq!(
            whole_script_confusable_in("ορο", Level::Identical, Some(tld)).as_ref(),
            Some(&w),
            "{tld}"
        );
    }
}

#[test]
fn labels_in_their_own_scripts_tld_are_expected() {
    for tld in ["рф", "xn--p1ai", "қаз", "xn--80ao21a", "мон", "ru", "kz", "ua", "bg", "rs", "su"]
    {
        assert_eq!(whole_script_confusable_in("ѕсоре", Level::Identical, Some(tld)), None, "{tld}");
    }
    for tld in ["com", "de", "gr", "ελ", "xn--qxam"] {
        let w = whole_script_confusable_in("ѕсоре", Level::Identical, Some(tld)).unwrap();
        assert_eq!(w.lookalikes[0], "scope", "{tld}");
    }
    // An ASCII TLD is Latin: accented Latin words are expected under it.
    assert_eq!(lookalike("ü", Level::Identical, "Greek").as_deref(), Some("ϋ"));
    assert_eq!(whole_script_confusable_in("ü", Level::Identical, Some("de")), None);
    assert!(whole_script_confusable_in("ü", Level::Identical, Some("рф")).is_some());
    // A TLD that is not a label expects nothing.
    assert!(whole_script_confusable_in("ѕсоре", Level::Identical, Some("xn--")).is_some());
}

#[test]
fn mixed_and_letterless_labels_are_not_whole_script() {
    for level in Level::ALL {
        assert_eq!(wsc("pаypal", level), None); // Cyrillic а
        assert_eq!(wsc("", level), None);
        assert_eq!(wsc("---", level), None);
    }
}

#[test]
fn long_hostile_labels_are_linear() {
    // Keys that nearly spell ASCII and fail at the end, long beyond any label.
    let s = format!("{}щ", "ѕсоре".repeat(2000));
    assert_eq!(wsc(&s, Level::Lookalike), None);
    let s = "о".repeat(10_000);
    assert_eq!(lookalike(&s, Level::Identical, "Latin").map(|l| l.len()), Some(10_000));
}

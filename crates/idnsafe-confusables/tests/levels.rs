//! Domain and loose keys, the supplementary homoglyphs, confusable classes
//! and whole-script confusables.

use idnsafe_confusables::{
    ConfusableClass, Level, confusable_class, homoglyphs, key, skeleton, whole_script_confusable,
};

fn same(a: &str, b: &str, level: Level) -> bool {
    key(a, level) == key(b, level)
}

#[test]
fn domain_skeleton_is_case_insensitive() {
    // Plain UTS #39: 0 -> O (a capital), so g00gle and google differ ...
    assert_ne!(skeleton("g00gle"), skeleton("google"));
    assert!(!same("g00gle", "google", Level::Uts39));
    // ... the domain level folds case after the skeleton.
    assert!(same("g00gle", "google", Level::Identical));
    assert!(same("paypa1", "paypal", Level::Identical));
    assert!(same("PAYPAL", "paypal", Level::Identical));
    assert!(same("rnicrosoft", "microsoft", Level::Identical));
    assert!(!same("paypal", "paypai", Level::Identical));
    assert!(!same("google", "goggle", Level::Identical));
}

#[test]
fn level_names_round_trip() {
    for l in Level::ALL {
        assert_eq!(l.as_str().parse::<Level>().unwrap(), l);
    }
    let e = "strict".parse::<Level>().unwrap_err();
    assert_eq!(e.code(), "CONFUSABLE_LEVEL_UNKNOWN");
}

#[test]
fn supplementary_entries_apply_at_their_levels() {
    // Cyrillic те (UTS #39 maps т to small capital T) is t only at
    // `lookalike`: `identical` is the case-folded UTS #39 skeleton alone.
    assert!(!same("тwitter", "twitter", Level::Uts39));
    assert!(!same("тwitter", "twitter", Level::Identical));
    assert!(same("тwitter", "twitter", Level::Lookalike));
    // Cyrillic н / Latin h.
    assert!(!same("нotmail", "hotmail", Level::Identical));
    assert!(same("нotmail", "hotmail", Level::Lookalike));
    // Digit lookalikes: з / 3, θ / 0.
    assert!(!same("з6", "36", Level::Identical));
    assert!(same("з6", "36", Level::Lookalike));
    assert!(same("gθθgle", "google", Level::Lookalike));
    // Curated entries that merge ordinary letters: vv / w, cl / d.
    assert!(!same("vvikipedia", "wikipedia", Level::Identical));
    assert!(same("vvikipedia", "wikipedia", Level::Lookalike));
    assert!(!same("clropbox", "dropbox", Level::Identical));
    assert!(same("clropbox", "dropbox", Level::Lookalike));
    // Diacritics only at loose.
    assert!(!same("gööglé", "google", Level::Identical));
    assert!(same("gööglé", "google", Level::Lookalike));
    assert!(same("støre", "store", Level::Lookalike));
    // Every entry has a reason and actually changes the domain or loose key.
    for h in homoglyphs() {
        assert!(h.reason.len() > 20, "{h:?}");
        let (s, t) = (h.source.to_string(), h.target.clone());
        assert!(!same(&s, &t, Level::Uts39), "{h:?} is already in UTS #39");
        assert!(same(&s, &t, h.level), "{h:?} has no effect");
        assert!(same(&s, &t, Level::Lookalike), "{h:?} not at loose");
    }
}

#[test]
fn keys_of_every_code_point_are_stable() {
    // The fixpoint is reached within the round bound for every code point.
    for level in [Level::Identical, Level::Lookalike] {
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && (*c as u32).is_multiple_of(3))
        {
            let k = key(&c.to_string(), level);
            assert_eq!(key(&k, level), k, "U+{:04X} at {level}", c as u32);
        }
    }
}

#[test]
fn classes_cover_the_four_outcomes() {
    let d = Level::Identical;
    assert_eq!(confusable_class("g00gle", "google", d), ConfusableClass::SingleScript);
    assert_eq!(confusable_class("pаypal", "paypal", d), ConfusableClass::MixedScript);
    assert_eq!(confusable_class("ѕсоре", "scope", d), ConfusableClass::WholeScript);
    assert_eq!(confusable_class("аррӏе", "apple", d), ConfusableClass::WholeScript);
    assert_eq!(confusable_class("paypal", "google", d), ConfusableClass::None);
    // Identical labels are not confusable, case-insensitively at domain.
    assert_eq!(confusable_class("paypal", "paypal", d), ConfusableClass::None);
    assert_eq!(confusable_class("PayPal", "paypal", d), ConfusableClass::None);
    assert_eq!(confusable_class("PayPal", "paypal", Level::Uts39), ConfusableClass::None);
    assert!(!ConfusableClass::None.is_confusable());
    assert_eq!(ConfusableClass::WholeScript.as_str(), "whole-script");
}

#[test]
fn whole_script_confusable_labels() {
    let w = whole_script_confusable("аррӏе", Level::Uts39).expect("Cyrillic аррӏе looks Latin");
    assert_eq!(w.scripts, vec!["Cyrillic"]);
    assert!(w.lookalike_scripts.contains(&"Latin".to_owned()), "{w:?}");
    // A Latin original is whole-script confusable the other way round (not
    // `apple`: its `l` needs the palochka, outside common Cyrillic letters).
    let w = whole_script_confusable("scope", Level::Uts39).unwrap();
    assert!(w.lookalike_scripts.contains(&"Cyrillic".to_owned()), "{w:?}");
    // Cyrillic words with letters that have no Latin lookalike.
    assert_eq!(whole_script_confusable("пример", Level::Uts39), None);
    assert_eq!(whole_script_confusable("москва", Level::Uts39), None);
    // т and н have Latin lookalikes only with the supplementary table.
    assert_eq!(whole_script_confusable("тон", Level::Identical), None);
    let w = whole_script_confusable("тон", Level::Lookalike).unwrap();
    assert!(w.lookalike_scripts.contains(&"Latin".to_owned()), "{w:?}");
    // Mixed-script and letterless labels are not whole-script confusables.
    assert_eq!(whole_script_confusable("pаypal", Level::Identical), None);
    assert_eq!(whole_script_confusable("123-456", Level::Identical), None);
    assert_eq!(whole_script_confusable("", Level::Identical), None);
}

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]
//! UTS #39 skeletons (fast), confusable classes, supplementary homoglyphs and
//! the protected-name index.
//!
//! ```
//! use idnsafe_confusables::{confusable_class, key, skeleton, ConfusableClass, Level, ProtectedIndex};
//!
//! // UTS #39 §4 skeleton: identical to `unicode_security::skeleton`.
//! assert_eq!(skeleton("pаypal"), skeleton("paypal")); // Cyrillic а
//!
//! // Domain level: case-insensitive, so digit zero matches o.
//! assert_eq!(key("g00gle", Level::Identical), key("google", Level::Identical));
//! assert_eq!(confusable_class("g00gle", "google", Level::Identical), ConfusableClass::SingleScript);
//! assert_eq!(confusable_class("ѕсоре", "scope", Level::Identical), ConfusableClass::WholeScript);
//!
//! // Which protected names does a label look like?
//! let index = ProtectedIndex::from_list("paypal.com\n# comment\ngoogle.com\n", Level::Identical).unwrap();
//! let hits = index.lookalikes("pаypal");
//! assert_eq!(hits[0].name, "paypal.com");
//! assert!(index.lookalikes("paypal").is_empty()); // the name itself is not a lookalike
//! ```
//!
//! # Levels
//!
//! | level | key of a label |
//! |---|---|
//! | `uts39` | the UTS #39 §4 skeleton, nothing else |
//! | `domain` | skeleton, lower-cased, skeleton again, ... until stable; supplementary homoglyphs marked `domain` |
//! | `loose` | as `domain`, also removing combining diacritics and applying the entries marked `loose` |
//!
//! Two labels are confusable at a level exactly when their keys are equal.
//!
//! # Deviations from plain UTS #39 (for CONFORMANCE.md)
//!
//! - **Skeleton** ([`skeleton`], level `uts39`): none. Tested equal to
//!   `unicode_security::skeleton` 0.1.3 (confusables.txt 18.0.0) on every code
//!   point, on random strings with combining marks and on real zone name lists.
//!   The fast path concatenates per-code-point skeletons when every character
//!   is "simple" (its decomposition and its skeleton start with a character of
//!   canonical combining class 0); any other label runs the §4 definition
//!   (NFD, remove Default_Ignorable_Code_Point, prototypes, NFD).
//! - **Case** (level `domain`): DNS labels are case-insensitive, but UTS #39
//!   prototypes are often capitals (`0` -> `O`, `I` -> `l`). The domain key
//!   applies the Unicode default lower-case mapping (`char::to_lowercase`,
//!   not full case folding, so `ß` and `ς` stay distinct as in IDNA2008) to
//!   the skeleton and takes the skeleton again, until nothing changes (at
//!   most [`MAX_ROUNDS`] rounds; keys are tested idempotent on every third
//!   code point and on every IDN label of the zone lists).
//! - **Supplementary homoglyphs** (levels `domain`, `loose`): the entries of
//!   `tables/homoglyphs/homoglyphs.tsv`, each with its reason ([`homoglyphs`]),
//!   applied in skeleton space: an entry's source and target are replaced by
//!   their case-folded skeletons, so the entry also covers every character
//!   with the same skeleton as its source.
//! - **Diacritics** (level `loose`): combining marks of the blocks Combining
//!   Diacritical Marks (and Extended, Supplement), for Symbols and Half Marks
//!   are removed from the skeleton, so `ø` (skeleton `o` + U+0338) and `é`
//!   match `o` and `e`.
//! - **Identical labels** are not confusable: [`confusable_class`] returns
//!   `none` for equal labels (case-insensitively above `uts39`), and the
//!   protected index leaves a protected name out of the lookalikes of its own
//!   label ([`ProtectedIndex::exact`] reports it instead).
//! - **Whole-script confusables of one label** ([`whole_script_confusable`]):
//!   UTS #39 §4 defines the relation between two strings; for one label we ask
//!   whether, for some other script, every letter has a character of that
//!   script with the same key at the level. Only characters that UTS #39 §3.1
//!   allows in identifiers count as lookalikes, so Latin small capitals
//!   (prototypes of several Cyrillic letters) do not. Candidates are the
//!   characters whose one-character skeleton is shared with another code
//!   point, the supplementary table's characters and LDH.
//! - **Classes** ([`confusable_class`]) use resolved *augmented* script sets
//!   (UTS #39 §5.1), as `unicode_security` does; `whole-script` is reported
//!   in preference to `mixed-script` when both labels are single-script.
//!
//! # Protected names
//!
//! [`ProtectedIndex`] keys each listed name on its leftmost label (decoded
//! from Punycode when it is an A-label): `paypal.com` and `paypal.de` both
//! protect `paypal`. Lists are expected to hold registrable names, as
//! Chromium's top-domain list does. [`ProtectedIndex::near_lookalikes`] adds
//! a weaker warning for keys one edit away from a protected key of 4 to 16
//! characters (deletion neighbourhoods confirmed by an edit-distance check,
//! rather than fst's Levenshtein automaton, which needs a per-query DFA).
//! Index files record the format, Unicode
//! and confusables versions, the level and the homoglyph table, and carry a
//! CRC-32; see the [`index`] module for the layout.

mod checksum;
mod class;
mod error;
mod evidence;
mod glyph;
#[rustfmt::skip]
mod glyphs;
pub mod index;
mod level;
mod skeleton;
#[rustfmt::skip]
mod tables;

pub use class::{
    ConfusableClass, WholeScriptConfusable, confusable_class, whole_script_confusable,
    whole_script_confusable_in,
};
pub use error::{ConfusablesError, ErrorKind};
pub use evidence::{Difference, Evidence, Source, explain, tier_of};
pub use glyph::{GLYPH_FONT, glyph_lookalikes, glyph_nearest, glyph_pairs};
pub use index::{ProtectedIndex, ProtectedIndexBuilder, ProtectedMatch, decode_label};
pub use level::{
    Homoglyph, Level, MAX_ROUNDS, NEAR_MIN_LABEL_CHARS, Tier, homoglyphs, key, key_by_rounds,
    key_into, keys_into, ldh_keys_agree,
};
pub use skeleton::{skeleton, skeleton_into};

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn homoglyph_table_parses() {
        let parsed = level::parse_homoglyphs(level::HOMOGLYPHS_TSV);
        assert!(parsed.as_ref().is_ok_and(|v| v.len() >= 10), "{parsed:?}");
    }

    #[test]
    fn no_lower_case_mappings_above_the_affected_limit() {
        for c in (level::AFFECTED_LIMIT..=0x10FFFF).filter_map(char::from_u32) {
            let mut l = c.to_lowercase();
            assert!(l.next() == Some(c) && l.next().is_none(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ldh_keys_agree_exactly_when_the_keys_are_equal() {
        let ldh: Vec<char> = ('a'..='z').chain('0'..='9').chain(['-']).collect();
        for &x in &ldh {
            for &y in &ldh {
                let s: String = [x, y, 'o', x].iter().collect();
                let same = key(&s, Level::Identical) == key(&s, Level::Lookalike);
                if ldh_keys_agree(&s, Level::Identical, Level::Lookalike) {
                    assert!(same, "{s}");
                }
                assert_eq!(ldh_keys_agree(&s, Level::Identical, Level::Lookalike), same, "{s}");
            }
        }
        assert!(!ldh_keys_agree("bücher", Level::Identical, Level::Lookalike));
        assert!(!ldh_keys_agree("abc", Level::Uts39, Level::Identical));
    }

    #[test]
    fn every_level_keeps_the_ldh_fast_path() {
        for level in [Level::Identical, Level::Lookalike] {
            assert!(level::rules(level).unwrap().has_ascii_fast_path(), "{level}");
        }
    }

    #[test]
    fn ldh_fast_path_handles_every_length_and_stops_at_other_bytes() {
        for level in [Level::Identical, Level::Lookalike] {
            let rules = level::rules(level).unwrap();
            let (mut a, mut b) = (String::new(), String::new());
            let unit = "wdm0Il1-Mx";
            for n in 0..=140 {
                let s: String = unit.chars().cycle().take(n).collect();
                rules.key_into(&s, &mut a);
                rules.key_slow(&s, &mut b);
                assert_eq!(a, b, "{s} at {level}");
                for other in ['_', '.', '\u{e9}', '\u{430}', ' '] {
                    for at in [0, n / 2, n] {
                        let mut t = s.clone();
                        t.insert(at, other);
                        a.push_str("stale");
                        rules.key_into(&t, &mut a);
                        rules.key_slow(&t, &mut b);
                        assert_eq!(a, b, "{t:?} at {level}");
                    }
                }
            }
        }
    }

    #[test]
    fn keys_into_gives_both_keys() {
        let (mut a, mut b) = (String::from("stale"), String::from("stale"));
        let unit = "wdm0Il1-Mx";
        let mut labels: Vec<String> =
            (0..=140).map(|n| unit.chars().cycle().take(n).collect()).collect();
        labels
            .extend(["b\u{fc}cher", "p\u{430}ypal", "a_b", "xn--bcher-kva", ""].map(String::from));
        // Without `d` and `w`: every byte keyed alike at both levels.
        labels.extend((1..=70).map(|n| "m0il1-xrn".chars().cycle().take(n).collect::<String>()));
        for s in &labels {
            for x in Level::ALL {
                for y in Level::ALL {
                    let same = keys_into(s, x, y, &mut a, &mut b);
                    assert_eq!(a, key(s, x), "{s:?} {x} {y}");
                    assert_eq!(b, key(s, y), "{s:?} {x} {y}");
                    assert_eq!(same, a == b, "{s:?} {x} {y}");
                }
            }
        }
    }

    /// Characters next to which the per-character keys are tried: letters
    /// that rounds change, marks (one is a pattern's blocker), Hangul,
    /// characters the fast path leaves to the general one.
    const NEIGHBOURS: &[char] = &[
        'a',
        'o',
        'I',
        'w',
        '-',
        '0',
        '\u{e9}',
        '\u{131}',
        '\u{130}',
        '\u{df}',
        '\u{410}',
        '\u{430}',
        '\u{3bf}',
        '\u{301}',
        '\u{307}',
        '\u{335}',
        '\u{338}',
        '\u{30fc}',
        '\u{d55c}',
        '\u{1100}',
        '\u{1161}',
        '\u{4e2d}',
        '\u{627}',
        '\u{1d41a}',
        '\u{ad}',
        '\u{200d}',
        '\u{1e9e}',
        '\u{2126}',
        '\u{ff21}',
    ];

    #[test]
    fn per_character_keys_match_the_general_path() {
        for level in [Level::Identical, Level::Lookalike] {
            let rules = level::rules(level).unwrap();
            let (mut a, mut b) = (String::new(), String::new());
            let mut fast = Vec::new();
            let singles = (0..0x3_0000).chain(0xE_0000..0xE_0200).filter_map(char::from_u32);
            for c in singles {
                let s = c.to_string();
                rules.key_into(&s, &mut a);
                rules.key_slow(&s, &mut b);
                assert_eq!(a, b, "U+{:04X} at {level}", c as u32);
                if rules.key_chars(&s, &mut a) && !c.is_ascii() {
                    fast.push(c);
                }
            }
            // Most of the repertoire takes the per-character path.
            assert!(fast.len() > 100_000, "{} characters at {level}", fast.len());
            for probe in ['\u{e9}', '\u{430}', '\u{4e2d}', '\u{d55c}', '\u{627}'] {
                assert!(rules.key_chars(&probe.to_string(), &mut a), "{probe} at {level}");
            }
            for &c in fast.iter().filter(|&&c| !rules.is_plain_for_tests(c)) {
                for &n in NEIGHBOURS {
                    for s in [[c, n, c], [n, c, n], [c, c, n]] {
                        let s: String = s.iter().collect();
                        rules.key_into(&s, &mut a);
                        rules.key_slow(&s, &mut b);
                        assert_eq!(
                            a,
                            b,
                            "{s:?} ({:?}) at {level}",
                            s.chars().map(|c| c as u32).collect::<Vec<_>>()
                        );
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn per_character_keys_match_the_general_path_on_strings(
            picks in proptest::collection::vec((0usize..4, 0usize..1_000_000), 0..12)
        ) {
            let pool = per_char_pool();
            let s: String = picks
                .iter()
                .map(|&(k, i)| match k {
                    0 => NEIGHBOURS[i % NEIGHBOURS.len()],
                    _ => pool[i % pool.len()],
                })
                .collect();
            for level in [Level::Identical, Level::Lookalike] {
                let rules = level::rules(level).unwrap();
                let (mut a, mut b) = (String::new(), String::new());
                rules.key_into(&s, &mut a);
                rules.key_slow(&s, &mut b);
                proptest::prop_assert_eq!(a, b, "{:?} at {}", s, level);
            }
        }
    }

    /// Characters with a per-character key at `lookalike` that is not the
    /// character itself, plus letters of a few scripts.
    fn per_char_pool() -> &'static [char] {
        static POOL: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
        POOL.get_or_init(|| {
            let rules = level::rules(Level::Lookalike).unwrap();
            let mut v = rules.per_char_sources();
            v.extend(
                ('\u{430}'..='\u{44f}').chain('\u{3b1}'..='\u{3c9}').chain('\u{5d0}'..='\u{5ea}'),
            );
            v
        })
    }

    #[test]
    fn ldh_fast_path_matches_general_path() {
        for level in [Level::Identical, Level::Lookalike] {
            let rules = level::rules(level).unwrap();
            let (mut a, mut b) = (String::new(), String::new());
            let ldh: Vec<char> =
                ('a'..='z').chain('A'..='Z').chain('0'..='9').chain(['-']).collect();
            for &x in &ldh {
                for &y in &ldh {
                    let s: String = [x, y, 'm', x].iter().collect();
                    rules.key_into(&s, &mut a);
                    rules.key_slow(&s, &mut b);
                    assert_eq!(a, b, "{s} at {level}");
                }
            }
        }
    }
}

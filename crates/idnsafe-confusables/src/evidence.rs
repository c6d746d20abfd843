//! The evidence behind a match: its [`Tier`], and for each position where
//! the two labels differ, the two characters and where the equivalence comes
//! from (`uts39`, `diacritic`, `glyph:<font>`, `curated`, or `edit` for the
//! one edit of a `near` match).
//!
//! Both labels are split into per-character key fragments at the tier's
//! level and aligned where the concatenated fragments agree: each aligned
//! group whose characters differ is one [`Difference`]. Replacing every
//! difference of the first label by its counterpart gives the second label
//! (case aside), and the two sides of every difference have equal keys at the
//! tier's level, or are the one edit of a `near` match
//! ([`Evidence::reproduces`] checks both; the fuzz target holds every match to
//! it).

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::glyph::{GLYPH_FONT, glyph_nearest};
use crate::level::{Level, NEAR_MIN_LABEL_CHARS, Tier, homoglyphs, is_diacritic, key, key_into};

/// Where the equivalence of two differing characters comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// UTS #39 confusables.txt (the case-folded skeleton).
    Uts39,
    /// Equal once combining diacritics are removed.
    Diacritic,
    /// The glyph-derived table (`tables/homoglyphs/glyphs.tsv`).
    Glyph,
    /// The curated table (`tables/homoglyphs/homoglyphs.tsv`).
    Curated,
    /// The one insertion, deletion or substitution of a `near` match.
    Edit,
}

impl Source {
    /// The source as written in JSON: `uts39`, `diacritic`, `glyph:<font>`,
    /// `curated` or `edit`.
    pub fn name(self) -> String {
        match self {
            Source::Uts39 => "uts39".into(),
            Source::Diacritic => "diacritic".into(),
            Source::Glyph => format!("glyph:{}", font_id()),
            Source::Curated => "curated".into(),
            Source::Edit => "edit".into(),
        }
    }
}

/// A short name of the glyph table's font (`unifont`).
fn font_id() -> String {
    let lower = GLYPH_FONT.to_ascii_lowercase();
    if lower.contains("unifont") {
        return "unifont".into();
    }
    lower.split_whitespace().next().unwrap_or("font").to_owned()
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// One position where two matching labels differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// 0-based code point index in the first label.
    pub position: usize,
    /// The first label's characters there.
    pub label: String,
    /// The other label's characters there.
    pub other: String,
    /// Where the equivalence comes from.
    pub source: Source,
}

/// Why two labels match: the tier and every differing position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The strongest tier at which the labels match.
    pub tier: Tier,
    /// Every differing position, in label order.
    pub differences: Vec<Difference>,
}

fn same_label(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Whether two strings are at most one character insertion, deletion or
/// substitution apart (Levenshtein distance <= 1).
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    match long.len() - short.len() {
        0 => short.iter().zip(long.iter()).filter(|(x, y)| x != y).count() <= 1,
        1 => {
            let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
            short.get(prefix..) == long.get(prefix + 1..)
        }
        _ => false,
    }
}

/// The strongest tier at which `a` and `b` match, up to `weakest`; `None`
/// when they do not match at any tier up to it, or are the same label
/// (case-insensitively). Symmetric: `tier_of(a, b, t) == tier_of(b, a, t)`.
pub fn tier_of(a: &str, b: &str, weakest: Tier) -> Option<Tier> {
    if same_label(a, b) {
        return None;
    }
    if key(a, Level::Identical) == key(b, Level::Identical) {
        return Some(Tier::Identical);
    }
    if weakest == Tier::Identical {
        return None;
    }
    let (ka, kb) = (key(a, Level::Lookalike), key(b, Level::Lookalike));
    if ka == kb {
        return Some(Tier::Lookalike);
    }
    (weakest == Tier::Near && is_near(a, b, &ka, &kb)).then_some(Tier::Near)
}

/// A `near` match: both labels long enough and their lookalike keys one edit
/// apart.
fn is_near(a: &str, b: &str, ka: &str, kb: &str) -> bool {
    a.chars().count() >= NEAR_MIN_LABEL_CHARS
        && b.chars().count() >= NEAR_MIN_LABEL_CHARS
        && within_one_edit(ka, kb)
}

/// The evidence for a match of `label` with `other` at the strongest tier up
/// to `weakest`, or `None` when they do not match (see [`tier_of`]).
pub fn explain(label: &str, other: &str, weakest: Tier) -> Option<Evidence> {
    let tier = tier_of(label, other, weakest)?;
    let differences = match tier {
        Tier::Near => near_differences(label, other),
        _ => differences(label, other, tier.level()),
    };
    Some(Evidence { tier, differences })
}

fn fragments(s: &str, level: Level) -> Vec<(char, String)> {
    let mut buf = String::new();
    s.chars()
        .map(|c| {
            key_into(c.encode_utf8(&mut [0; 4]), level, &mut buf);
            (c, buf.clone())
        })
        .collect()
}

/// Aligned groups of the two labels: (start, end) code point ranges in each,
/// such that each group's fragments concatenate to the same string. `None`
/// when the per-character fragments do not concatenate to the labels' keys
/// (a key that depends on context).
/// A half-open range of code point indices.
type Span = (usize, usize);

fn align(fa: &[(char, String)], fb: &[(char, String)]) -> Option<Vec<(Span, Span)>> {
    let ka: String = fa.iter().map(|(_, f)| f.as_str()).collect();
    let kb: String = fb.iter().map(|(_, f)| f.as_str()).collect();
    if ka != kb {
        return None;
    }
    let len = |f: &[(char, String)], i: usize| f.get(i).map_or(0, |(_, s)| s.len());
    let (mut i, mut j, mut la, mut lb) = (0usize, 0usize, 0usize, 0usize);
    let mut groups = Vec::new();
    while i < fa.len() || j < fb.len() {
        let (i0, j0) = (i, j);
        if i < fa.len() {
            la += len(fa, i);
            i += 1;
        }
        if j < fb.len() {
            lb += len(fb, j);
            j += 1;
        }
        while la != lb {
            if la < lb && i < fa.len() {
                la += len(fa, i);
                i += 1;
            } else if lb < la && j < fb.len() {
                lb += len(fb, j);
                j += 1;
            } else {
                return None;
            }
        }
        // Characters with an empty fragment (removed marks, ignorables)
        // belong with the group before them.
        while i < fa.len() && len(fa, i) == 0 {
            i += 1;
        }
        while j < fb.len() && len(fb, j) == 0 {
            j += 1;
        }
        groups.push(((i0, i), (j0, j)));
    }
    Some(groups)
}

fn slice(f: &[(char, String)], (s, e): Span) -> String {
    f.get(s..e).unwrap_or_default().iter().map(|(c, _)| *c).collect()
}

fn strip_diacritics(s: &str) -> String {
    s.nfd().filter(|&c| !is_diacritic(c)).nfc().collect()
}

/// Where the equivalence of two differing pieces comes from.
fn classify(a: &str, b: &str) -> Source {
    if key(a, Level::Identical) == key(b, Level::Identical) {
        return Source::Uts39;
    }
    let (sa, sb) = (strip_diacritics(a), strip_diacritics(b));
    if key(&sa, Level::Identical) == key(&sb, Level::Identical) {
        return Source::Diacritic;
    }
    let curated = homoglyphs().iter().any(|h| a.contains(h.source) || b.contains(h.source));
    if curated {
        return Source::Curated;
    }
    if a.chars().chain(b.chars()).any(|c| glyph_nearest(c).is_some()) {
        return Source::Glyph;
    }
    if sa != a || sb != b { Source::Diacritic } else { Source::Curated }
}

fn differences(a: &str, b: &str, level: Level) -> Vec<Difference> {
    let (fa, fb) = (fragments(a, level), fragments(b, level));
    let Some(groups) = align(&fa, &fb) else {
        // The key depends on context: one difference covering both labels.
        return vec![Difference {
            position: 0,
            label: a.to_owned(),
            other: b.to_owned(),
            source: classify(a, b),
        }];
    };
    groups
        .into_iter()
        .filter_map(|(ra, rb)| {
            let (x, y) = (slice(&fa, ra), slice(&fb, rb));
            (!same_label(&x, &y)).then(|| Difference {
                position: ra.0,
                source: classify(&x, &y),
                label: x,
                other: y,
            })
        })
        .collect()
}

/// Differences of a `near` match: characters with equal lookalike fragments
/// at the start and the end are aligned one to one; what is left in between
/// holds the edit.
fn near_differences(a: &str, b: &str) -> Vec<Difference> {
    let (fa, fb) = (fragments(a, Level::Lookalike), fragments(b, Level::Lookalike));
    let prefix = fa.iter().zip(&fb).take_while(|(x, y)| x.1 == y.1).count();
    let max_suffix = fa.len().min(fb.len()) - prefix;
    let suffix = fa
        .iter()
        .rev()
        .zip(fb.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x.1 == y.1)
        .count();
    let mut out = Vec::new();
    let mut pair = |ia: usize, ib: usize| {
        if let (Some((x, _)), Some((y, _))) = (fa.get(ia), fb.get(ib)) {
            let (x, y) = (x.to_string(), y.to_string());
            if !same_label(&x, &y) {
                out.push(Difference { position: ia, source: classify(&x, &y), label: x, other: y });
            }
        }
    };
    for k in 0..prefix {
        pair(k, k);
    }
    let (ea, eb) = (fa.len() - suffix, fb.len() - suffix);
    let mut edit = vec![Difference {
        position: prefix,
        label: slice(&fa, (prefix, ea)),
        other: slice(&fb, (prefix, eb)),
        source: Source::Edit,
    }];
    let mut tail = Vec::new();
    for k in 0..suffix {
        if let (Some((x, _)), Some((y, _))) = (fa.get(ea + k), fb.get(eb + k)) {
            let (x, y) = (x.to_string(), y.to_string());
            if !same_label(&x, &y) {
                tail.push(Difference {
                    position: ea + k,
                    source: classify(&x, &y),
                    label: x,
                    other: y,
                });
            }
        }
    }
    out.append(&mut edit);
    out.append(&mut tail);
    out
}

impl Evidence {
    /// The tier and each difference for people: `tier lookalike: 'à' for
    /// 'a' at position 1 (diacritic)`.
    pub fn describe(&self) -> String {
        let diffs: Vec<String> = self
            .differences
            .iter()
            .map(|d| {
                format!(
                    "'{}' for '{}' at position {} ({})",
                    d.label,
                    d.other,
                    d.position,
                    d.source.name()
                )
            })
            .collect();
        format!("tier {}: {}", self.tier, diffs.join(", "))
    }

    /// Whether this evidence reproduces the match of `label` with `other`:
    /// replacing each difference in `label` by its counterpart spells
    /// `other` (case aside), each difference's `label` text is at its
    /// position, and the two sides of each difference have equal keys at the
    /// tier's level (the `edit` of a `near` match excepted, which must be the
    /// only one and keep the keys within one edit).
    pub fn reproduces(&self, label: &str, other: &str) -> bool {
        if tier_of(label, other, Tier::Near) != Some(self.tier) {
            return false;
        }
        let chars: Vec<char> = label.chars().collect();
        let mut rebuilt = String::new();
        let mut at = 0usize;
        let mut edits = 0;
        for d in &self.differences {
            if d.position < at {
                return false;
            }
            let n = d.label.chars().count();
            let Some(here) = chars.get(d.position..d.position + n) else { return false };
            if here.iter().collect::<String>() != d.label {
                return false;
            }
            rebuilt.extend(chars.get(at..d.position).unwrap_or_default());
            rebuilt.push_str(&d.other);
            at = d.position + n;
            let level = self.tier.level();
            // A context-dependent key: only a single difference covering
            // both whole labels may stand for it.
            match d.source {
                Source::Edit => edits += 1,
                _ if key(&d.label, level) != key(&d.other, level)
                    && (self.differences.len() != 1 || d.label != label) =>
                {
                    return false;
                }
                _ => {}
            }
        }
        rebuilt.extend(chars.get(at..).unwrap_or_default());
        let edits_ok = if self.tier == Tier::Near { edits == 1 } else { edits == 0 };
        edits_ok && same_label(&rebuilt, other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_tier_for_a_cyrillic_a() {
        let e = explain("pаypal", "paypal", Tier::Lookalike).unwrap();
        assert_eq!(e.tier, Tier::Identical);
        assert_eq!(e.differences.len(), 1);
        let d = &e.differences[0];
        assert_eq!((d.position, d.label.as_str(), d.other.as_str()), (1, "а", "a"));
        assert_eq!(d.source, Source::Uts39);
        assert!(e.reproduces("pаypal", "paypal"));
    }

    #[test]
    fn diacritics_are_lookalike_tier() {
        let e = explain("pàypal", "paypal", Tier::Lookalike).unwrap();
        assert_eq!(e.tier, Tier::Lookalike);
        assert_eq!(e.differences[0].source, Source::Diacritic);
        assert_eq!(e.differences[0].position, 1);
        assert!(e.reproduces("pàypal", "paypal"));
        assert_eq!(explain("pàypal", "paypal", Tier::Identical), None);
    }

    #[test]
    fn multi_character_prototypes_align_as_groups() {
        // m looks like rn (UTS #39).
        let e = explain("rnicrosoft", "microsoft", Tier::Lookalike).unwrap();
        assert_eq!(e.tier, Tier::Identical);
        assert_eq!(e.differences.len(), 1);
        assert_eq!((e.differences[0].label.as_str(), e.differences[0].other.as_str()), ("rn", "m"));
        assert!(e.reproduces("rnicrosoft", "microsoft"));
    }

    #[test]
    fn near_is_only_when_asked_and_long_enough() {
        assert_eq!(tier_of("pаypall", "paypal", Tier::Lookalike), None);
        let e = explain("pаypall", "paypal", Tier::Near).unwrap();
        assert_eq!(e.tier, Tier::Near);
        assert!(e.differences.iter().any(|d| d.source == Source::Edit));
        assert!(e.reproduces("pаypall", "paypal"));
        assert_eq!(tier_of("gооgl", "google", Tier::Near), None, "5 characters");
    }

    #[test]
    fn tiers_are_symmetric_and_same_labels_do_not_match() {
        for (a, b) in [("pаypal", "paypal"), ("pàypal", "paypal"), ("pаypall", "paypal")] {
            assert_eq!(tier_of(a, b, Tier::Near), tier_of(b, a, Tier::Near));
        }
        assert_eq!(tier_of("PayPal", "paypal", Tier::Near), None);
    }
}

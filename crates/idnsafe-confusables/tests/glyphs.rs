//! The glyph-derived lookalike table: the generated Rust agrees with
//! `tables/homoglyphs/glyphs.tsv`, its rows are well formed, the curation file
//! is applied, and the metric finds (and does not find) pairs that any
//! sensible glyph comparison must.

use idnsafe_confusables::{GLYPH_FONT, glyph_lookalikes, glyph_nearest, glyph_pairs};
use idnsafe_idna::{DerivedProperty, derived_property};
use unicode_normalization::char::is_combining_mark;

const TSV: &str = include_str!("../../../tables/homoglyphs/glyphs.tsv");
const CURATED: &str = include_str!("../../../tables/homoglyphs/glyphs-curated.tsv");

fn cp(field: &str) -> char {
    let hex = field.strip_prefix("U+").unwrap_or_else(|| panic!("not U+XXXX: {field}"));
    char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap()
}

/// (source, target, distance, font) rows of the TSV.
fn tsv_rows() -> Vec<(char, char, u8, String)> {
    TSV.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "{l}");
            (cp(f[0]), cp(f[1]), f[2].parse().unwrap(), f[3].to_owned())
        })
        .collect()
}

fn header(key: &str) -> &'static str {
    TSV.lines()
        .find_map(|l| l.strip_prefix("# ").and_then(|l| l.strip_prefix(key)))
        .unwrap_or_else(|| panic!("no `# {key}` header line"))
}

#[test]
fn rust_table_equals_tsv_row_for_row() {
    let tsv: Vec<(char, char, u8)> = tsv_rows().into_iter().map(|(s, t, d, _)| (s, t, d)).collect();
    let rust: Vec<(char, char, u8)> = glyph_pairs().collect();
    assert!(tsv.len() > 100, "only {} rows", tsv.len());
    assert_eq!(tsv, rust);
    assert_eq!(header("Font: "), GLYPH_FONT);
}

#[test]
fn header_names_font_package_metric_threshold_date_and_command() {
    assert!(GLYPH_FONT.starts_with("GNU Unifont "), "{GLYPH_FONT}");
    assert!(header("Metric: ").contains("pixels that differ"));
    assert!(header("Threshold: distance <= ").starts_with(|c: char| c.is_ascii_digit()));
    assert!(header("Date: ").len() == 10);
    assert!(header("Command: ").contains("--example generate_glyph_table"));
}

#[test]
fn rows_are_sorted_and_well_formed() {
    let rows = tsv_rows();
    let max: u8 = header("Threshold: distance <= ")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap();
    for w in rows.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!((a.0, a.2, a.1) < (b.0, b.2, b.1), "not sorted or duplicate: {a:?} {b:?}");
    }
    for (s, t, d, font) in &rows {
        assert!(!s.is_ascii(), "{s:?}");
        assert!(!is_combining_mark(*s), "U+{:04X} is a mark", *s as u32);
        assert_eq!(derived_property(*s), DerivedProperty::Pvalid, "U+{:04X}", *s as u32);
        assert!(t.is_ascii_lowercase() || t.is_ascii_digit(), "target {t:?}");
        if font != "curated" {
            assert!(*d <= max, "{s} {t} {d} over the threshold {max}");
            assert!(font.starts_with("unifont-"), "{font}");
        }
    }
}

#[test]
fn curation_is_applied() {
    let pairs: Vec<(char, char, u8)> = glyph_pairs().collect();
    let has = |s: char, t: char| pairs.iter().any(|&(a, b, _)| a == s && b == t);
    let mut n = 0;
    for line in CURATED.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "{line}");
        assert!(f[3].len() > 20, "reason too short: {line}");
        let (s, t) = (cp(f[1]), cp(f[2]));
        match f[0] {
            "remove" => assert!(!has(s, t), "removed pair still present: {line}"),
            "add" => assert!(has(s, t), "added pair missing: {line}"),
            other => panic!("unknown action {other}"),
        }
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn finds_pairs_any_glyph_metric_must_find() {
    for (c, t) in [
        ('\u{0430}', 'a'), // Cyrillic а
        ('\u{0435}', 'e'), // Cyrillic е
        ('\u{043E}', 'o'), // Cyrillic о
        ('\u{0440}', 'p'), // Cyrillic р
        ('\u{0455}', 's'), // Cyrillic ѕ
        ('\u{03BF}', 'o'), // Greek ο
        ('\u{0585}', 'o'), // Armenian օ
        ('\u{0131}', 'i'), // Latin dotless ı
        ('\u{0142}', 'l'), // Latin ł
    ] {
        assert_eq!(glyph_nearest(c).map(|(n, _)| n), Some(t), "{c} U+{:04X}", c as u32);
        assert!(glyph_lookalikes(c).any(|(n, _)| n == t));
    }
    // Identical glyphs are at distance 0.
    assert_eq!(glyph_nearest('\u{0430}'), Some(('a', 0)));
}

#[test]
fn does_not_find_pairs_no_reader_would_confuse() {
    // Han ideographs, Hangul syllables and ASCII have no lookalike.
    for c in ['中', '人', '一', '口', '山', '한', 'a', 'm', '0'] {
        assert_eq!(glyph_nearest(c), None, "{c}");
    }
    // No character is listed as looking like both of two ASCII letters that
    // differ clearly (m and w, a and o, n and u).
    for (x, y) in [('m', 'w'), ('a', 'o'), ('n', 'u'), ('l', 'o')] {
        let mut sources = glyph_pairs().map(|(s, _, _)| s).collect::<Vec<_>>();
        sources.dedup();
        for s in sources {
            let targets: Vec<char> = glyph_lookalikes(s).map(|(t, _)| t).collect();
            assert!(
                !(targets.contains(&x) && targets.contains(&y)),
                "U+{:04X} looks like both {x} and {y}",
                s as u32
            );
        }
    }
}

#[test]
fn lookalikes_are_nearest_first() {
    for (s, _, _) in glyph_pairs() {
        let d: Vec<u8> = glyph_lookalikes(s).map(|(_, d)| d).collect();
        assert!(!d.is_empty() && d.windows(2).all(|w| w[0] <= w[1]), "{s}: {d:?}");
        assert_eq!(glyph_nearest(s).map(|(_, d)| d), d.first().copied());
    }
}

//! The computed RFC 5892 derived property against Unicode's `Idna2008.txt`
//! 18.0.0 (every code point) and IANA's `idna-tables-properties` 12.0.0.

use idnsafe_idna::{DerivedProperty, derive, derived_property_u32, derived_ranges};

/// Parses `Idna2008.txt` or IANA's CSV into a full per-code-point vector.
fn parse_ranges(text: &str, csv: bool) -> Vec<(u32, u32, DerivedProperty)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with("Codepoint") {
            continue;
        }
        let (range, prop) = if csv {
            let mut it = line.split(',');
            (it.next().unwrap(), it.next().unwrap())
        } else {
            let mut it = line.split(';');
            (it.next().unwrap().trim(), it.next().unwrap().trim())
        };
        let (lo, hi) = match range.split_once(if csv { "-" } else { ".." }) {
            Some((a, b)) => (a, b),
            None => (range, range),
        };
        let lo = u32::from_str_radix(lo.trim(), 16).unwrap();
        let hi = u32::from_str_radix(hi.trim(), 16).unwrap();
        let p = DerivedProperty::from_name(prop.trim())
            .unwrap_or_else(|| panic!("unknown property {prop:?} in line {line:?}"));
        out.push((lo, hi, p));
    }
    out
}

fn expand(ranges: &[(u32, u32, DerivedProperty)]) -> Vec<Option<DerivedProperty>> {
    let mut v = vec![None; 0x11_0000];
    for &(lo, hi, p) in ranges {
        for cp in lo..=hi {
            assert!(v[cp as usize].is_none(), "U+{cp:04X} listed twice");
            v[cp as usize] = Some(p);
        }
    }
    v
}

#[test]
fn every_code_point_matches_unicode_idna2008_txt() {
    let text = idnsafe_tests::read_text("unicode/18.0.0/Idna2008.txt");
    let expected = expand(&parse_ranges(&text, false));
    let mut mismatches = Vec::new();
    for cp in 0..0x11_0000u32 {
        let want =
            expected[cp as usize].unwrap_or_else(|| panic!("U+{cp:04X} missing from Idna2008.txt"));
        let got = derived_property_u32(cp);
        if got != want {
            mismatches.push(format!(
                "U+{cp:04X}: computed {} but Idna2008.txt says {}",
                got.as_str(),
                want.as_str()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.iter().take(50).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn table_equals_algorithm_on_every_code_point() {
    for cp in 0..0x11_0000u32 {
        assert_eq!(derived_property_u32(cp), derive(cp), "U+{cp:04X}");
    }
}

#[test]
fn derived_ranges_are_maximal_and_cover_everything() {
    let r = derived_ranges();
    assert_eq!(r.first().map(|x| x.0), Some(0));
    assert_eq!(r.last().map(|x| x.1), Some(0x10_FFFF));
    for w in r.windows(2) {
        assert_eq!(w[0].1 + 1, w[1].0);
        assert_ne!(w[0].2, w[1].2, "adjacent ranges with equal property are not merged");
    }
}

/// Code points assigned in Unicode 12.0 whose derived property changed after
/// 12.0 because Unicode changed one of the properties RFC 5892 reads. Each
/// entry: (code point, IANA 12.0 value, value now, reason).
///
/// Empty: with Unicode 18.0 data, every code point assigned in 12.0 keeps
/// the value IANA published for 12.0 (the test below fails if one changes,
/// so a future data update has to list it here with its reason).
const CHANGED_SINCE_12: &[(u32, &str, &str, &str)] = &[];

#[test]
fn assigned_in_unicode_12_matches_iana_12_except_documented_changes() {
    let text = idnsafe_tests::read_text("unicode/iana/idna-tables-properties-12.0.0.csv");
    let iana = expand(&parse_ranges(&text, true));
    let mut unexplained = Vec::new();
    let mut explained_seen = Vec::new();
    let mut compared = 0usize;
    for cp in 0..0x11_0000u32 {
        let Some(want) = iana[cp as usize] else { panic!("U+{cp:04X} missing from IANA table") };
        if want == DerivedProperty::Unassigned {
            continue; // not assigned in Unicode 12.0: nothing to compare
        }
        compared += 1;
        let got = derived_property_u32(cp);
        if let Some(&(_, old, new, _)) = CHANGED_SINCE_12.iter().find(|e| e.0 == cp) {
            assert_eq!(
                want.as_str(),
                old,
                "U+{cp:04X}: IANA value differs from the documented one"
            );
            assert_eq!(
                got.as_str(),
                new,
                "U+{cp:04X}: computed value differs from the documented one"
            );
            explained_seen.push(cp);
            continue;
        }
        if got != want {
            unexplained.push(format!(
                "U+{cp:04X}: IANA 12.0 {} now {}",
                want.as_str(),
                got.as_str()
            ));
        }
    }
    // Unicode 12.0 has 137,928 characters, plus private-use, surrogate and
    // noncharacter code points (about 277,000 in all, none UNASSIGNED in
    // IANA's table); guard against a vacuous pass.
    assert!(compared > 270_000, "only {compared} code points compared");
    assert!(
        unexplained.is_empty(),
        "{} undocumented differences:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert_eq!(
        explained_seen.len(),
        CHANGED_SINCE_12.len(),
        "a documented change no longer occurs"
    );
}

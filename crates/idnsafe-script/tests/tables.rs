//! Drift test: regenerating `src/tables/identifier.rs` from the Unicode
//! 18.0.0 files in ../shared/data must give the checked-in file byte for byte.

#[allow(dead_code)]
#[path = "../examples/generate_tables/generator.rs"]
mod generator;

use std::path::Path;

#[test]
fn generated_table_matches_unicode_data() {
    let dir = idnsafe_tests::unicode_dir();
    for f in [
        "IdentifierType.txt",
        "IdentifierStatus.txt",
        "Scripts.txt",
        "ScriptExtensions.txt",
        "PropertyValueAliases.txt",
        "DerivedCoreProperties.txt",
    ] {
        idnsafe_tests::data_file(&format!("unicode/18.0.0/{f}"));
    }
    let fresh = generator::generate(&dir);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tables/identifier.rs");
    let checked_in = std::fs::read_to_string(&path).unwrap();
    if fresh != checked_in {
        let line = fresh
            .lines()
            .zip(checked_in.lines())
            .position(|(a, b)| a != b)
            .map_or(fresh.lines().count().min(checked_in.lines().count()), |i| i);
        panic!(
            "{} is out of date with the Unicode data (first difference at line {}); \
             run `cargo run -p idnsafe-script --example generate_tables`",
            path.display(),
            line + 1
        );
    }
}

/// Independent of the generator: Identifier_Status and Identifier_Type of
/// every code point listed in the files, read directly.
#[test]
fn identifier_files_agree_with_lookups() {
    use idnsafe_script::{IdentifierStatus, identifier_status, identifier_type};
    let status = idnsafe_tests::read_text("unicode/18.0.0/IdentifierStatus.txt");
    let mut allowed = vec![false; 0x110000];
    for (lo, hi, _) in records(&status) {
        for cp in lo..=hi {
            allowed[cp as usize] = true;
        }
    }
    for (cp, &a) in allowed.iter().enumerate() {
        if let Some(c) = char::from_u32(cp as u32) {
            assert_eq!(identifier_status(c) == IdentifierStatus::Allowed, a, "U+{cp:04X}");
        }
    }
    let types = idnsafe_tests::read_text("unicode/18.0.0/IdentifierType.txt");
    let mut checked = 0;
    for (lo, hi, value) in records(&types) {
        let mut want: Vec<&str> = value.split_whitespace().collect();
        want.sort_unstable();
        for cp in lo..=hi {
            let c = char::from_u32(cp).unwrap();
            let mut got: Vec<&str> = identifier_type(c).iter().map(|t| t.as_str()).collect();
            got.sort_unstable();
            assert_eq!(got, want, "U+{cp:04X}");
            checked += 1;
        }
    }
    assert!(checked > 100_000, "only {checked} code points listed");
}

fn records(text: &str) -> Vec<(u32, u32, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.split('#').next()?.trim();
            let (range, value) = l.split_once(';')?;
            let (lo, hi) = range.trim().split_once("..").unwrap_or((range.trim(), range.trim()));
            Some((
                u32::from_str_radix(lo, 16).unwrap(),
                u32::from_str_radix(hi, 16).unwrap(),
                value.trim().to_owned(),
            ))
        })
        .collect()
}

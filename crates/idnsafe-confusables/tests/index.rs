//! The protected-name index: build, save, load, look up, refuse damage.

use idnsafe_confusables::index::INDEX_MAGIC;
use idnsafe_confusables::{Level, ProtectedIndex, ProtectedIndexBuilder};

const LIST: &str = "# protected brands\npaypal.com\npaypal.de\ngoogle.com.\n\nxn--e1afmkfd.com  # пример\n###END_TOP_BUCKET###\nApple.com\n";

fn crc32(bytes: &[u8]) -> u32 {
    // Independent bitwise CRC-32 to re-seal edited files.
    let mut c = !0u32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

fn reseal(bytes: &mut [u8]) {
    let n = bytes.len() - 4;
    let crc = crc32(&bytes[..n]);
    bytes[n..].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn lookup_finds_lookalikes_not_the_name_itself() {
    let index = ProtectedIndex::from_list(LIST, Level::Identical).unwrap();
    assert_eq!(index.len(), 5);
    let hits = index.lookalikes("pаypal"); // Cyrillic а
    let names: Vec<&str> = hits.iter().map(|m| m.name).collect();
    assert_eq!(names, ["paypal.com", "paypal.de"]);
    assert!(hits.iter().all(|m| m.label == "paypal"));
    assert_eq!(index.lookalikes("paypa1")[0].name, "paypal.com");
    assert_eq!(index.lookalikes("g00gle")[0].name, "google.com");
    assert_eq!(index.lookalikes("аррӏе")[0].name, "apple.com");
    assert_eq!(index.lookalikes("пpимep")[0].name, "xn--e1afmkfd.com");
    // The protected labels themselves are exact matches, not lookalikes.
    assert!(index.lookalikes("paypal").is_empty());
    assert!(index.lookalikes("PayPal").is_empty());
    assert_eq!(index.exact("paypal").len(), 2);
    assert_eq!(index.exact("пример")[0].name, "xn--e1afmkfd.com");
    assert!(index.lookalikes("example").is_empty());
    assert!(index.exact("pаypal").is_empty());
}

#[test]
fn levels_change_what_is_found() {
    let uts = ProtectedIndex::from_list("google.com\n", Level::Uts39).unwrap();
    assert!(uts.lookalikes("g00gle").is_empty(), "UTS #39 alone is case-sensitive");
    let loose = ProtectedIndex::from_list("wikipedia.org\n", Level::Lookalike).unwrap();
    assert_eq!(loose.lookalikes("vvikipedia")[0].name, "wikipedia.org");
    assert_eq!(loose.lookalikes("wíkipedia")[0].name, "wikipedia.org");
}

#[test]
fn save_load_round_trip() {
    let index = ProtectedIndex::from_list(LIST, Level::Identical).unwrap();
    let dir = std::env::temp_dir().join(format!("idnsafe-conf-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("protected.idx");
    index.save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(bytes.starts_with(&INDEX_MAGIC));
    let loaded = ProtectedIndex::from_bytes(&bytes).unwrap();
    assert_eq!(loaded.level(), Level::Identical);
    assert_eq!(loaded.len(), index.len());
    assert_eq!(loaded.key_count(), index.key_count());
    assert_eq!(loaded.lookalikes("pаypal"), index.lookalikes("pаypal"));
    assert_eq!(loaded.to_bytes(), bytes);
}

#[test]
fn damaged_files_are_refused_with_their_codes() {
    let good = ProtectedIndex::from_list(LIST, Level::Identical).unwrap().to_bytes();

    // A flipped bit in the body.
    let mut bad = good.clone();
    bad[good.len() / 2] ^= 0x10;
    assert_eq!(ProtectedIndex::from_bytes(&bad).unwrap_err().code(), "INDEX_CHECKSUM_MISMATCH");

    // Another Unicode version (re-sealed, so only the version is wrong).
    let mut bad = good.clone();
    bad[12] = 17;
    reseal(&mut bad);
    let e = ProtectedIndex::from_bytes(&bad).unwrap_err();
    assert_eq!(e.code(), "INDEX_VERSION_MISMATCH");
    assert!(e.message().contains("17.0.0"), "{}", e.message());

    // Another confusables version, format version, homoglyph table.
    for at in [16usize, 8, 20] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        reseal(&mut bad);
        assert_eq!(
            ProtectedIndex::from_bytes(&bad).unwrap_err().code(),
            "INDEX_VERSION_MISMATCH",
            "byte {at}"
        );
    }

    // Truncation, garbage, a list file, wrong section sizes.
    assert_eq!(ProtectedIndex::from_bytes(&good[..20]).unwrap_err().code(), "INDEX_CORRUPT");
    assert_eq!(ProtectedIndex::from_bytes(b"paypal.com\n").unwrap_err().code(), "INDEX_CORRUPT");
    let mut bad = good.clone();
    bad[28] ^= 0x01;
    reseal(&mut bad);
    assert_eq!(ProtectedIndex::from_bytes(&bad).unwrap_err().code(), "INDEX_CORRUPT");
    let mut bad = good.clone();
    bad.truncate(good.len() - 9);
    bad.extend_from_slice(&[0; 4]);
    reseal(&mut bad);
    assert!(ProtectedIndex::from_bytes(&bad).is_err());
}

#[test]
fn every_truncation_and_byte_flip_is_an_error_not_a_panic() {
    let good =
        ProtectedIndex::from_list("paypal.com\ngoogle.com\n", Level::Uts39).unwrap().to_bytes();
    for n in 0..good.len() {
        assert!(ProtectedIndex::from_bytes(&good[..n]).is_err());
    }
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] = bad[i].wrapping_add(1);
        reseal(&mut bad);
        // Either refused with a code or still a valid index: never a panic.
        let _ = ProtectedIndex::from_bytes(&bad).map(|ix| ix.lookalikes("pаypal").len());
    }
}

#[test]
fn bad_lists_are_refused_with_line_numbers() {
    let e = ProtectedIndex::from_list("paypal.com\nxn--.com\n", Level::Identical).unwrap_err();
    assert_eq!(e.code(), "PROTECTED_NAME_INVALID");
    assert!(e.message().starts_with("line 2:"), "{}", e.message());
    let long = format!("{}.com\n", "a".repeat(64));
    assert_eq!(
        ProtectedIndex::from_list(&long, Level::Identical).unwrap_err().code(),
        "PROTECTED_NAME_INVALID"
    );
    let mut b = ProtectedIndexBuilder::new(Level::Identical).max_names(2);
    let e = b.add_list("a.com\nb.com\nc.com\n").unwrap_err();
    assert_eq!(e.code(), "PROTECTED_LIST_TOO_LARGE");
}

#[test]
fn chromium_top_domains() {
    let text = idnsafe_tests::read_text("top-domains/chromium_top_domains.list");
    let index = ProtectedIndex::from_list(&text, Level::Identical).unwrap();
    assert_eq!(index.len(), 4989);
    let hits = index.lookalikes("gооgle"); // Cyrillic о
    assert!(hits.iter().any(|m| m.name == "google.com"), "{hits:?}");
    assert!(index.lookalikes("amazon").is_empty());
    assert!(!index.lookalikes("arnazon").is_empty());
}

#[test]
fn a_labels_decode_with_bounds() {
    use idnsafe_confusables::decode_label;
    assert_eq!(decode_label("xn--e1afmkfd").unwrap(), "пример");
    assert_eq!(decode_label("PayPal").unwrap(), "paypal");
    assert_eq!(decode_label("xn--").unwrap_err().code(), "LABEL_INVALID");
    let long = format!("xn--{}", "a".repeat(200));
    assert_eq!(decode_label(&long).unwrap_err().code(), "LABEL_INVALID");
}

#[test]
fn near_lookalikes_are_one_edit_away() {
    let index =
        ProtectedIndex::from_list("paypal.com\ngoogle.com\nbbc.co.uk\n", Level::Identical).unwrap();
    let names = |l: &str| index.near_lookalikes(l).iter().map(|m| m.name).collect::<Vec<_>>();
    assert_eq!(names("paypall"), ["paypal.com"]); // insertion
    assert_eq!(names("paypl"), ["paypal.com"]); // deletion
    assert_eq!(names("paypai"), ["paypal.com"]); // substitution
    assert_eq!(names("g00glle"), ["google.com"]); // homoglyphs and an insertion
    // Exact skeleton matches are the stronger warning, not repeated here.
    assert!(names("pаypal").is_empty());
    assert!(names("paypal").is_empty());
    // Two edits, and short protected keys, are out of scope.
    assert!(names("paypaiii").is_empty());
    assert!(names("ppyal").is_empty());
    assert!(names("bbcx").is_empty());
    // Survives a save / load round trip.
    let loaded = ProtectedIndex::from_bytes(&index.to_bytes()).unwrap();
    assert_eq!(loaded.near_lookalikes("paypall"), index.near_lookalikes("paypall"));
}

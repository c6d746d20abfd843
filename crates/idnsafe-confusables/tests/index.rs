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

#[test]
fn opened_files_answer_like_the_built_index() {
    let list =
        "paypal.com\npaypal.de\ngoogle.com\nxn--e1afmkfd.com\napple.com\namazon.com\npaypal.com\n";
    let index = ProtectedIndex::from_list(list, Level::Identical).unwrap();
    assert_eq!(index.len(), 6, "a name listed twice is kept once");
    let dir = std::env::temp_dir().join(format!("idnsafe-conf-open-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("protected.idx");
    index.save(&path).unwrap();
    let opened = ProtectedIndex::open(&path).unwrap();
    // Saving over an open file replaces it; the open index still reads the old one.
    ProtectedIndex::from_list("example.com\n", Level::Identical).unwrap().save(&path).unwrap();
    let replaced = ProtectedIndex::open(&path).unwrap();
    let missing = ProtectedIndex::open(&dir.join("missing.idx")).unwrap_err();
    std::fs::write(dir.join("short.idx"), &index.to_bytes()[..30]).unwrap();
    let short = ProtectedIndex::open(&dir.join("short.idx")).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(missing.code(), "INDEX_CORRUPT");
    assert!(missing.message().contains("missing.idx"), "{}", missing.message());
    assert_eq!(short.code(), "INDEX_CORRUPT");
    assert_eq!(replaced.len(), 1);
    assert_eq!(opened.to_bytes(), index.to_bytes());
    assert_eq!((opened.len(), opened.key_count()), (index.len(), index.key_count()));
    for label in ["pаypal", "g00gle", "пpимep", "paypall", "arnazon", "amazon", "paypal", "x"] {
        assert_eq!(opened.lookalikes(label), index.lookalikes(label), "{label}");
        assert_eq!(opened.near_lookalikes(label), index.near_lookalikes(label), "{label}");
        assert_eq!(opened.exact(label), index.exact(label), "{label}");
    }
    assert_eq!(opened.exact("пример")[0].label, "пример");
    assert_eq!(opened.lookalikes("pаypal").len(), 2);
    // Shared between threads, and clones share the mapping.
    let clone = opened.clone();
    let t = std::thread::spawn(move || clone.lookalikes("g00gle").len());
    assert_eq!(t.join().unwrap(), 1);
}

#[test]
fn format_1_files_are_refused_with_a_rebuild_message() {
    let mut old = ProtectedIndex::from_list("paypal.com\n", Level::Identical).unwrap().to_bytes();
    old[8..10].copy_from_slice(&1u16.to_le_bytes());
    reseal(&mut old);
    let e = ProtectedIndex::from_bytes(&old).unwrap_err();
    assert_eq!(e.code(), "INDEX_VERSION_MISMATCH");
    assert!(e.message().contains("rebuild"), "{}", e.message());
    // Non-zero reserved bytes.
    let mut bad = ProtectedIndex::from_list("paypal.com\n", Level::Identical).unwrap().to_bytes();
    bad[78] = 1;
    reseal(&mut bad);
    assert_eq!(ProtectedIndex::from_bytes(&bad).unwrap_err().code(), "INDEX_CORRUPT");
}

#[test]
fn every_flip_of_a_near_index_file_is_an_error_or_an_index() {
    let good = ProtectedIndex::from_list(
        "paypal.com\ngoogle.com\nxn--e1afmkfd.com\nbbc.co.uk\n",
        Level::Identical,
    )
    .unwrap()
    .to_bytes();
    for i in 0..good.len() - 4 {
        for delta in [1u8, 0x80] {
            let mut bad = good.clone();
            bad[i] = bad[i].wrapping_add(delta);
            reseal(&mut bad);
            if let Ok(ix) = ProtectedIndex::from_bytes(&bad) {
                for l in ["pаypal", "paypall", "g00gle", "пример", "bbcx"] {
                    let _ = (ix.lookalikes(l), ix.near_lookalikes(l), ix.exact(l));
                }
            }
        }
    }
}

/// Levenshtein distance <= 1 on characters, written independently.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, y) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(x != y)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()] <= 1
}

#[test]
fn near_lookalikes_match_a_brute_force_scan() {
    use idnsafe_confusables::key;
    let mut list = String::new();
    let words = ["paypal", "google", "amazon", "apple", "bank", "banks", "bamk", "ebay", "ebays"];
    for w in words {
        list.push_str(&format!("{w}.com\n"));
    }
    list.push_str("xn--e1afmkfd.com\nab.com\nabcdefghijklmnopq.com\n");
    let index = ProtectedIndex::from_list(&list, Level::Identical).unwrap();
    let protected: Vec<(String, String)> = list
        .lines()
        .map(|n| {
            let label = idnsafe_confusables::decode_label(n.split('.').next().unwrap()).unwrap();
            (n.to_owned(), key(&label, Level::Identical))
        })
        .collect();
    let queries = [
        "paypal",
        "paypall",
        "paypl",
        "pаypai",
        "g00gle",
        "gogle",
        "bank",
        "bamks",
        "bnk",
        "banx",
        "ebay",
        "eaby",
        "пример",
        "пpимеp1",
        "abc",
        "ab",
        "abcdefghijklmnopqr",
        "amaz0n",
        "appel",
    ];
    for q in queries {
        let qk = key(q, Level::Identical);
        let want: Vec<&str> = protected
            .iter()
            .filter(|(_, k)| (4..=16).contains(&k.chars().count()) && *k != qk && one_edit(k, &qk))
            .map(|(n, _)| n.as_str())
            .collect();
        let mut got: Vec<&str> = index.near_lookalikes(q).iter().map(|m| m.name).collect();
        got.sort_unstable();
        let mut want = want;
        want.sort_unstable();
        assert_eq!(got, want, "{q}");
    }
}

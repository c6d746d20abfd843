//! `detections`: positive and negative examples per rule, and the rate of
//! findings on real registered IDN labels from ../shared/data/names.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};

use flate2::read::GzDecoder;
use idnsafe_script::{DETECTION_CODES, Detection, detections, detections_into};

fn codes(label: &str) -> Vec<&'static str> {
    detections(label).iter().map(|d| d.code).collect()
}

#[track_caller]
fn fires(label: &str, code: &str, position: usize) {
    let found = detections(label);
    assert!(
        found.iter().any(|d| d.code == code && d.position == position),
        "{label:?}: expected {code} at {position}, got {found:?}"
    );
}

#[track_caller]
fn quiet(label: &str) {
    let found = detections(label);
    assert!(found.is_empty(), "{label:?}: expected nothing, got {found:?}");
}

#[track_caller]
fn not_code(label: &str, code: &str) {
    assert!(!codes(label).contains(&code), "{label:?}: unexpected {code}: {:?}", detections(label));
}

#[test]
fn ascii_labels_have_no_detections() {
    for l in ["google", "xn--80ak6aa92e", "a-b-c", "0000", "l", ""] {
        quiet(l);
    }
}

#[test]
fn mark_on_dotted() {
    fires("i\u{307}nfo", "MARK_ON_DOTTED", 0);
    fires("goj\u{307}e", "MARK_ON_DOTTED", 2);
    fires("ap\u{307}pl\u{307}e", "MARK_ON_DOTTED", 4);
    // Cyrillic і and ј are soft-dotted too.
    fires("\u{456}\u{307}", "MARK_ON_DOTTED", 0);
    // A mark below in between still lets the dot merge (NFC orders it first).
    fires("i\u{323}\u{307}x", "MARK_ON_DOTTED", 0);
    // ị (precomposed i + dot below) is soft-dotted.
    fires("\u{1ECB}\u{307}", "MARK_ON_DOTTED", 0);
    // An accent above first keeps the dot visible: í + dot above.
    not_code("\u{ED}\u{307}", "MARK_ON_DOTTED");
    not_code("i\u{301}\u{307}", "MARK_ON_DOTTED");
    // The dot on other letters is visible: ż, ȧ, ṡ.
    quiet("\u{17C}ywiec");
    quiet("a\u{307}b");
    quiet("istanbul\u{131}");
}

#[test]
fn mark_on_dotless() {
    fires("\u{131}\u{307}nfo", "MARK_ON_DOTLESS", 0);
    fires("x\u{131}\u{301}", "MARK_ON_DOTLESS", 1);
    fires("\u{237}\u{308}", "MARK_ON_DOTLESS", 0);
    // One finding, not MARK_ON_DOTTED too.
    not_code("\u{131}\u{307}", "MARK_ON_DOTTED");
    // Turkish words with ı and no mark on it.
    quiet("ı\u{15F}\u{131}k");
    quiet("k\u{131}rm\u{131}z\u{131}");
}

#[test]
fn repeated_mark() {
    fires("a\u{301}\u{301}", "REPEATED_MARK", 0);
    // UTS #39 §5.4 works on NFD: é already carries U+0301.
    fires("b\u{E9}\u{301}", "REPEATED_MARK", 1);
    // Same mark on one base, other marks in between.
    fires("a\u{301}\u{323}\u{301}", "REPEATED_MARK", 0);
    // The same mark on two different letters is fine.
    quiet("\u{E9}t\u{E9}");
    quiet("a\u{301}e\u{301}");
    // Vietnamese: two different marks on one letter.
    quiet("vi\u{1EC7}t");
}

#[test]
fn too_many_marks() {
    fires("xa\u{300}\u{301}\u{302}\u{303}\u{304}", "TOO_MANY_MARKS", 1);
    not_code("a\u{300}\u{301}\u{302}\u{303}", "TOO_MANY_MARKS");
    // Four marks after NFD of a precomposed letter plus one more.
    fires("\u{1EC7}\u{300}\u{301}\u{304}", "TOO_MANY_MARKS", 0);
    // Devanagari with a vowel sign and virama, ordinary.
    quiet("\u{939}\u{93F}\u{928}\u{94D}\u{926}\u{940}");
}

#[test]
fn digit_lookalike() {
    // Non-ASCII digits among ASCII letters or digits.
    fires("g\u{9E6}\u{9E6}gle", "DIGIT_LOOKALIKE", 1);
    fires("g\u{966}\u{966}gle", "DIGIT_LOOKALIKE", 1);
    fires("paypal\u{660}com", "DIGIT_LOOKALIKE", 6);
    fires("bank\u{E50}nline", "DIGIT_LOOKALIKE", 4);
    fires("12\u{9EA}", "DIGIT_LOOKALIKE", 2);
    // A label made only of digits and lookalikes.
    fires("\u{437}00", "DIGIT_LOOKALIKE", 0);
    fires("1\u{431}-\u{437}", "DIGIT_LOOKALIKE", 1);
    // Lookalike digits from two numbering systems (Bengali 4, Gurmukhi 2).
    fires("\u{9EA}\u{A68}", "DIGIT_LOOKALIKE", 0);
    // A digit-like letter touching ASCII digits with only ASCII around it.
    fires("1\u{14BF}345\u{431}7890", "DIGIT_LOOKALIKE", 1);
    fires("office\u{10D9}65", "DIGIT_LOOKALIKE", 6);
    fires("digklmo\u{431}8", "DIGIT_LOOKALIKE", 7);
    // A number in one non-ASCII numbering system alone.
    quiet("\u{9E8}\u{9EA}");
    quiet("\u{6F0}");
    // ... even inside a Cyrillic label: "1з7" reads "137".
    fires("\u{43A}\u{43E}\u{434}1\u{437}7", "DIGIT_LOOKALIKE", 4);
    // With a Cyrillic letter on its other side it stays a letter.
    quiet("\u{43A}\u{43E}\u{437}7");
    // A Bengali word with Bengali digits.
    quiet("\u{995}\u{9B2}\u{995}\u{9BE}\u{9A4}\u{9BE}\u{9E8}\u{9E6}\u{9E8}\u{9EA}");
    // Thai word with Thai zero.
    quiet("\u{E1A}\u{E49}\u{E32}\u{E19}\u{E50}");
    // Cyrillic words with ASCII digits next to з, б, ч.
    quiet("\u{433}\u{430}\u{437}24");
    quiet("24\u{447}\u{430}\u{441}\u{430}");
    quiet("\u{43A}\u{43B}\u{443}\u{431}7");
    // A Bengali number alone that has a digit looking like no ASCII one.
    quiet("\u{9E7}\u{9E8}\u{9E9}");
}

#[test]
fn japanese_mark_context() {
    quiet("ラーメン");
    quiet("すごーい");
    quiet("コーヒー");
    quiet("いすゞ");
    quiet("ぶゞ");
    quiet("人々");
    quiet("時々");
    quiet("バナナ・ジュース");
    quiet("東京・大阪");
    quiet("・野");
    fires("ーabc", "JAPANESE_MARK_CONTEXT", 0);
    fires("ー", "JAPANESE_MARK_CONTEXT", 0);
    fires("abcーdef", "JAPANESE_MARK_CONTEXT", 3);
    fires("1ー2", "JAPANESE_MARK_CONTEXT", 1);
    // After Han the long-vowel mark is a dash (as in Chromium).
    fires("中ー", "JAPANESE_MARK_CONTEXT", 1);
    fires("ヽabc", "JAPANESE_MARK_CONTEXT", 0);
    fires("あヽ", "JAPANESE_MARK_CONTEXT", 1);
    fires("アゝ", "JAPANESE_MARK_CONTEXT", 1);
    fires("々木", "JAPANESE_MARK_CONTEXT", 0);
    fires("a々", "JAPANESE_MARK_CONTEXT", 1);
    fires("paypal・com", "JAPANESE_MARK_CONTEXT", 6);
    // At the edge of a Japanese label (as in Chromium).
    quiet("東京・");
    fires("abc・", "JAPANESE_MARK_CONTEXT", 3);
    fires("1・2", "JAPANESE_MARK_CONTEXT", 1);
    fires("a\u{3099}", "JAPANESE_MARK_CONTEXT", 1);
}

#[test]
fn kana_lookalike() {
    quiet("ノート");
    quiet("ソニー");
    quiet("パン");
    quiet("ビタミンb6");
    quiet("一番");
    quiet("十勝");
    quiet("三井住友");
    // Next to digits only: a Chinese label with a number.
    quiet("一123");
    quiet("一生gamer");
    quiet("丶乀乁丿");
    quiet("ノ");
    fires("abcノdef", "KANA_LOOKALIKE", 3);
    fires("wwwソcom", "KANA_LOOKALIKE", 3);
    fires("a丿b", "KANA_LOOKALIKE", 1);
    fires("abc一def", "KANA_LOOKALIKE", 3);
    fires("7一eleven", "KANA_LOOKALIKE", 1);
    fires("ㄧgoogle", "KANA_LOOKALIKE", 0);
    fires("com丶test", "KANA_LOOKALIKE", 3);
    fires("〇nline", "KANA_LOOKALIKE", 0);
    // へ inside a katakana word, ヘ inside a hiragana word.
    fires("カタカナへカナ", "KANA_LOOKALIKE", 4);
    fires("ひらがなヘがな", "KANA_LOOKALIKE", 4);
    // Ordinary Japanese: the particle へ after a katakana word, and へ in
    // hiragana words.
    quiet("テレビへ");
    quiet("へいわ");
    quiet("ヘルプ");
    quiet("ようこそへ");
}

#[test]
fn positions_are_code_point_indices_and_sorted() {
    let found = detections("ーa\u{9E6}bノc");
    let pos: Vec<usize> = found.iter().map(|d| d.position).collect();
    assert_eq!(pos.len(), 3, "{found:?}");
    assert!(pos.windows(2).all(|w| w[0] <= w[1]), "{found:?}");
    assert_eq!(pos.first(), Some(&0));
    assert!(found.iter().any(|d| d.code == "DIGIT_LOOKALIKE" && d.position == 2));
    assert!(found.iter().any(|d| d.code == "KANA_LOOKALIKE" && d.position == 4));
}

#[test]
fn each_code_at_most_once_and_output_bounded() {
    let long: String = "i\u{307}".repeat(10_000) + &"ーa".repeat(10_000);
    let found = detections(&long);
    assert!(found.len() <= DETECTION_CODES.len(), "{}", found.len());
    let distinct: BTreeSet<&str> = found.iter().map(|d| d.code).collect();
    assert_eq!(distinct.len(), found.len());
}

#[test]
fn into_appends_and_leaves_earlier_entries() {
    let mut out = vec![Detection { code: "X", position: 99, message: String::new() }];
    detections_into("abcノdef", &mut out);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].code, "X");
    assert_eq!(out[1].code, "KANA_LOOKALIKE");
    detections_into("example", &mut out);
    assert_eq!(out.len(), 2);
}

#[test]
fn messages_are_plain_and_codes_are_listed() {
    for l in ["i\u{307}", "\u{131}\u{301}", "a\u{301}\u{301}", "g\u{9E6}", "ーa", "aノb"] {
        for d in detections(l) {
            assert!(DETECTION_CODES.contains(&d.code), "{d:?}");
            assert!(d.message.len() > 40 && d.message.ends_with('.'), "{d:?}");
            assert!(d.code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'));
        }
    }
}

#[test]
fn odd_input_does_not_misbehave() {
    for l in [
        "\u{307}",
        "\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
        "\u{30FB}",
        "\u{10FFFF}\u{FFFD}\u{0}",
        "ー\u{307}\u{307}",
        "\u{131}",
    ] {
        let _ = detections(l);
    }
    fires("\u{301}\u{301}", "REPEATED_MARK", 0);
}

// ---------------------------------------------------------------------------
// Real registrations
// ---------------------------------------------------------------------------

/// Every distinct non-ASCII label (any level) of every name in the lists.
fn real_labels() -> Vec<String> {
    let dir = idnsafe_tests::data_file("names");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".txt.gz"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "only {} name lists in {}", files.len(), dir.display());
    let mut labels = BTreeSet::new();
    for path in files {
        let f = std::fs::File::open(&path).unwrap();
        for line in BufReader::new(GzDecoder::new(f)).lines() {
            let line = line.unwrap();
            for raw in line.trim_end_matches('.').split('.') {
                let lower = raw.to_ascii_lowercase();
                let Some(puny) = lower.strip_prefix("xn--") else { continue };
                if let Some(u) = idna::punycode::decode_to_string(puny) {
                    labels.insert(u);
                }
            }
        }
    }
    labels.into_iter().collect()
}

#[test]
fn real_idn_labels_rarely_fire() {
    let labels = real_labels();
    assert!(labels.len() > 5_000, "only {} IDN labels", labels.len());
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut examples: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut flagged = 0usize;
    let mut out = Vec::new();
    for l in &labels {
        out.clear();
        detections_into(l, &mut out);
        if !out.is_empty() {
            flagged += 1;
        }
        for d in &out {
            *by_code.entry(d.code).or_default() += 1;
            let ex = examples.entry(d.code).or_default();
            if ex.len() < 8 {
                ex.push(l);
            }
        }
    }
    println!("{} distinct IDN labels, {flagged} with a detection", labels.len());
    for (code, n) in &by_code {
        println!("  {code}: {n}  e.g. {:?}", examples.get(code));
    }
    // <= 0.2% of real registrations carry any detection.
    assert!(
        flagged * 1000 <= labels.len() * 2,
        "{flagged} of {} real labels flagged: {by_code:?}",
        labels.len()
    );
}

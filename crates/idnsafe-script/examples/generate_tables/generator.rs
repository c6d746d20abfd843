//! Builds `src/tables/identifier.rs` from the Unicode 18.0.0 data files.
//!
//! Shared by the `generate_tables` example (which writes the file) and by the
//! drift test `tests/tables.rs` (which regenerates it in memory and compares).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use icu_properties::CodePointMapData;
use icu_properties::props::GeneralCategory;

/// Code points per trie block (`cp >> SHIFT` selects the block).
pub const SHIFT: u32 = 7;
const BLOCK: usize = 1 << SHIFT;
const MAX_CP: u32 = 0x10FFFF;

/// The Identifier_Type values in the order of UTS #39 Table 1; bit i of a
/// class's `id_type` is value i.
pub const ID_TYPES: [&str; 12] = [
    "Not_Character",
    "Deprecated",
    "Default_Ignorable",
    "Not_NFKC",
    "Not_XID",
    "Exclusion",
    "Obsolete",
    "Technical",
    "Uncommon_Use",
    "Limited_Use",
    "Inclusion",
    "Recommended",
];

// Class flag bits; must match `src/tables/mod.rs`.
const F_ALLOWED: u8 = 1;
const F_DEFAULT_IGNORABLE: u8 = 2;
const F_NONSPACING_MARK: u8 = 4;
const F_MARK_SCAN: u8 = 8;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Class {
    script: u8,
    scx: u16,
    flags: u8,
    id_type: u16,
    zero: u32,
}

/// Lines of a UCD file without comments: (code point range, fields).
fn records(text: &str) -> Vec<(u32, u32, Vec<String>)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut fields = line.split(';').map(str::trim);
        let range = fields.next().unwrap_or("");
        let (lo, hi) = match range.split_once("..") {
            Some((a, b)) => (a, b),
            None => (range, range),
        };
        let lo = u32::from_str_radix(lo, 16).unwrap_or_else(|e| panic!("bad code point {lo}: {e}"));
        let hi = u32::from_str_radix(hi, 16).unwrap_or_else(|e| panic!("bad code point {hi}: {e}"));
        out.push((lo, hi, fields.map(str::to_owned).collect()));
    }
    out
}

fn read(dir: &Path, name: &str) -> String {
    let p = dir.join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// Generates the table source from the directory holding the Unicode 18.0.0 files.
pub fn generate(dir: &Path) -> String {
    // --- script names: PropertyValueAliases.txt plus the UTS #39 §5.1 augmented sets.
    let pva = read(dir, "PropertyValueAliases.txt");
    let mut long_to_short: HashMap<String, String> = HashMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for line in pva.lines() {
        let line = line.split('#').next().unwrap_or("");
        let f: Vec<&str> = line.split(';').map(str::trim).collect();
        if f.len() >= 3 && f[0] == "sc" {
            names.insert(f[1].to_owned(), f[2].to_owned());
            for alias in &f[1..] {
                long_to_short.insert((*alias).to_owned(), f[1].to_owned());
            }
        }
    }
    names.insert("Hanb".into(), "Han_With_Bopomofo".into());
    names.insert("Jpan".into(), "Japanese".into());
    names.insert("Kore".into(), "Korean".into());
    assert!(names.len() <= 256, "too many scripts for a 256-bit set");
    let index: HashMap<String, usize> =
        names.keys().enumerate().map(|(i, n)| (n.clone(), i)).collect();
    let idx = |n: &str| -> usize { *index.get(n).unwrap_or_else(|| panic!("unknown script {n}")) };

    let n = (MAX_CP + 1) as usize;
    let zzzz = idx("Zzzz");
    let mut script = vec![zzzz; n];
    for (lo, hi, f) in records(&read(dir, "Scripts.txt")) {
        let short = long_to_short.get(&f[0]).unwrap_or_else(|| panic!("unknown script {}", f[0]));
        let s = idx(short);
        for cp in lo..=hi {
            script[cp as usize] = s;
        }
    }
    let set_of = |bits: &[usize]| -> [u64; 4] {
        let mut s = [0u64; 4];
        for &b in bits {
            s[b / 64] |= 1 << (b % 64);
        }
        s
    };
    let mut scx: Vec<[u64; 4]> = script.iter().map(|&s| set_of(&[s])).collect();
    for (lo, hi, f) in records(&read(dir, "ScriptExtensions.txt")) {
        let bits: Vec<usize> = f[0].split_whitespace().map(idx).collect();
        let s = set_of(&bits);
        for cp in lo..=hi {
            scx[cp as usize] = s;
        }
    }
    // UTS #39 §5.1: augment, and Common/Inherited stand for every script.
    let all = set_of(&(0..names.len()).collect::<Vec<_>>());
    let has = |s: &[u64; 4], b: usize| s[b / 64] & (1 << (b % 64)) != 0;
    let (hani, hira, kana, hang, bopo) =
        (idx("Hani"), idx("Hira"), idx("Kana"), idx("Hang"), idx("Bopo"));
    let (hanb, jpan, kore) = (idx("Hanb"), idx("Jpan"), idx("Kore"));
    let (zyyy, zinh) = (idx("Zyyy"), idx("Zinh"));
    for s in scx.iter_mut() {
        if has(s, zyyy) || has(s, zinh) {
            *s = all;
            continue;
        }
        let mut add = Vec::new();
        if has(s, hani) {
            add.extend([hanb, jpan, kore]);
        }
        if has(s, hira) || has(s, kana) {
            add.push(jpan);
        }
        if has(s, hang) {
            add.push(kore);
        }
        if has(s, bopo) {
            add.push(hanb);
        }
        for b in add {
            s[b / 64] |= 1 << (b % 64);
        }
    }

    // --- identifier profile (UTS #39 §3.1).
    let mut flags = vec![0u8; n];
    for (lo, hi, f) in records(&read(dir, "IdentifierStatus.txt")) {
        assert_eq!(f[0], "Allowed", "unexpected Identifier_Status {}", f[0]);
        for cp in lo..=hi {
            flags[cp as usize] |= F_ALLOWED;
        }
    }
    let mut id_type = vec![1u16; n]; // @missing: Not_Character
    for (lo, hi, f) in records(&read(dir, "IdentifierType.txt")) {
        let mut bits = 0u16;
        for t in f[0].split_whitespace() {
            let i = ID_TYPES
                .iter()
                .position(|x| *x == t)
                .unwrap_or_else(|| panic!("unknown Identifier_Type {t}"));
            bits |= 1 << i;
        }
        for cp in lo..=hi {
            id_type[cp as usize] = bits;
        }
    }
    for (lo, hi, f) in records(&read(dir, "DerivedCoreProperties.txt")) {
        if f[0] == "Default_Ignorable_Code_Point" {
            for cp in lo..=hi {
                flags[cp as usize] |= F_DEFAULT_IGNORABLE;
            }
        }
    }

    // --- General_Category (icu_properties, Unicode 18): marks and decimal digits.
    let gc = CodePointMapData::<GeneralCategory>::new();
    let is_mark = |c: char| {
        matches!(gc.get(c), GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark)
    };
    let mut zero = vec![0u32; n];
    for r in gc.iter_ranges_for_value(GeneralCategory::DecimalNumber) {
        let (lo, hi) = (*r.start(), *r.end());
        // Nd digits come in contiguous runs of ten from zero (Unicode stability policy).
        assert_eq!((hi - lo + 1) % 10, 0, "Nd range {lo:04X}..{hi:04X} is not whole runs of ten");
        for cp in lo..=hi {
            zero[cp as usize] = lo + (cp - lo) / 10 * 10;
        }
    }
    for cp in 0..=MAX_CP {
        let Some(c) = char::from_u32(cp) else { continue };
        if is_mark(c) {
            flags[cp as usize] |= F_NONSPACING_MARK | F_MARK_SCAN;
        } else {
            // UTS #39 §5.4 works on NFD: a precomposed letter may carry marks.
            let mut decomposed_mark = false;
            unicode_normalization::char::decompose_canonical(c, |d| decomposed_mark |= is_mark(d));
            if decomposed_mark {
                flags[cp as usize] |= F_MARK_SCAN;
            }
        }
    }

    // --- classes and the two-stage trie.
    let mut sets: Vec<[u64; 4]> = Vec::new();
    let mut set_ids: HashMap<[u64; 4], u16> = HashMap::new();
    let mut classes: Vec<Class> = Vec::new();
    let mut class_ids: HashMap<Class, u16> = HashMap::new();
    // Class 0 is an unassigned code point, the fallback for any lookup miss.
    let mut class_at = vec![0u16; n];
    // Visit U+10FFFF (a noncharacter, script Zzzz) first so that it owns class 0.
    for cp in std::iter::once(MAX_CP as usize).chain(0..n) {
        let sid = *set_ids.entry(scx[cp]).or_insert_with(|| {
            sets.push(scx[cp]);
            u16::try_from(sets.len() - 1).expect("too many script sets")
        });
        let class = Class {
            script: u8::try_from(script[cp]).expect("script index"),
            scx: sid,
            flags: flags[cp],
            id_type: id_type[cp],
            zero: zero[cp],
        };
        class_at[cp] = *class_ids.entry(class).or_insert_with(|| {
            classes.push(class);
            u16::try_from(classes.len() - 1).expect("too many classes")
        });
    }
    let mut blocks: Vec<u16> = Vec::new();
    let mut block_ids: HashMap<Vec<u16>, u16> = HashMap::new();
    let mut index: Vec<u16> = Vec::new();
    for chunk in class_at.chunks(BLOCK) {
        let id = *block_ids.entry(chunk.to_vec()).or_insert_with(|| {
            blocks.extend_from_slice(chunk);
            u16::try_from(blocks.len() / BLOCK - 1).expect("too many blocks")
        });
        index.push(id);
    }

    // --- emit.
    let mut o = String::new();
    o.push_str(
        "// generated by examples/generate_tables (cargo run -p idnsafe-script --example generate_tables)\n\
         // from IdentifierType.txt / IdentifierStatus.txt, Unicode 18.0.0, together with Scripts.txt,\n\
         // ScriptExtensions.txt, PropertyValueAliases.txt and DerivedCoreProperties.txt of the same\n\
         // version, and General_Category / canonical decompositions from icu_properties and\n\
         // unicode-normalization (both Unicode 18.0.0). DO NOT EDIT.\n\n\
         use super::CharClass;\n\n",
    );
    let _ = writeln!(o, "pub(crate) const SHIFT: u32 = {SHIFT};");
    let _ = writeln!(
        o,
        "\n/// ISO 15924 short and long names, sorted by short name; index = bit in a script set."
    );
    let _ = writeln!(o, "pub(crate) static SCRIPT_NAMES: [(&str, &str); {}] = [", names.len());
    for (s, l) in &names {
        let _ = writeln!(o, "    ({s:?}, {l:?}),");
    }
    o.push_str("];\n\n");
    let wanted: BTreeSet<&str> = [
        "Bopo", "Cher", "Cyrl", "Grek", "Hanb", "Hang", "Hani", "Hira", "Jpan", "Kana", "Kore",
        "Latn", "Zinh", "Zyyy", "Zzzz",
    ]
    .into_iter()
    .collect();
    for w in wanted {
        let _ = writeln!(o, "pub(crate) const {}: u8 = {};", w.to_uppercase(), idx(w));
    }
    let _ = writeln!(o, "\n/// Augmented Script_Extensions sets (UTS #39 §5.1).");
    let _ = writeln!(o, "pub(crate) static SCX_SETS: [[u64; 4]; {}] = [", sets.len());
    for s in &sets {
        let _ = writeln!(o, "    [{:#x}, {:#x}, {:#x}, {:#x}],", s[0], s[1], s[2], s[3]);
    }
    o.push_str("];\n\n");
    let _ = writeln!(o, "pub(crate) static CLASSES: [CharClass; {}] = [", classes.len());
    for c in &classes {
        let _ = writeln!(
            o,
            "    CharClass {{ script: {}, scx: {}, flags: {}, id_type: {:#x}, zero: {:#x} }},",
            c.script, c.scx, c.flags, c.id_type, c.zero
        );
    }
    o.push_str("];\n\n");
    let emit = |o: &mut String, name: &str, v: &[u16]| {
        let _ = writeln!(o, "#[rustfmt::skip]\npub(crate) static {name}: [u16; {}] = [", v.len());
        for line in v.chunks(24) {
            o.push_str("   ");
            for x in line {
                let _ = write!(o, " {x},");
            }
            o.push('\n');
        }
        o.push_str("];\n");
    };
    emit(&mut o, "INDEX", &index);
    o.push('\n');
    emit(&mut o, "BLOCKS", &blocks);
    o
}

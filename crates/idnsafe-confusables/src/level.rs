//! Confusable levels and the keys computed at each level.

use std::str::FromStr;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::ConfusablesError;
use crate::skeleton::{self, skeleton_into};

/// The supplementary homoglyph table, `tables/homoglyphs/homoglyphs.tsv`.
pub(crate) const HOMOGLYPHS_TSV: &str = include_str!("../../../tables/homoglyphs/homoglyphs.tsv");

/// The glyph-derived table as written by its generator; part of the identity
/// of every lookalike key (see `index::HOMOGLYPHS_ID`).
pub(crate) const GLYPHS_TSV: &str = include_str!("../../../tables/homoglyphs/glyphs.tsv");

/// Upper bound on skeleton / fold rounds at the `domain` and `loose` levels.
/// Keys are idempotent (`key(key(x)) == key(x)`, tested on every third code
/// point and on every IDN label of the zone lists); the bound only keeps
/// hostile input from looping.
pub const MAX_ROUNDS: usize = 6;

/// Which characters count as the same when two labels are compared: the key
/// level. Two labels are confusable at a level exactly when their keys are
/// equal. The tiers of a match ([`Tier`]) are built on these keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Level {
    /// The plain UTS #39 §4 skeleton, case-sensitive (`G00gle` != `google`).
    Uts39,
    /// The UTS #39 skeleton, case-folded and iterated to a fixpoint
    /// (`g00gle` ~ `google`, `pаypal` ~ `paypal`). Alias: `domain`.
    Identical,
    /// `identical`, plus combining diacritics removed (`pàypal` ~ `paypal`),
    /// the glyph-derived homoglyph table (`tables/homoglyphs/glyphs.tsv`) and
    /// the curated table (`tables/homoglyphs/homoglyphs.tsv`). Alias: `loose`.
    Lookalike,
}

impl Level {
    /// All levels, weakest first.
    pub const ALL: [Level; 3] = [Level::Uts39, Level::Identical, Level::Lookalike];

    /// The level's name as used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Uts39 => "uts39",
            Level::Identical => "identical",
            Level::Lookalike => "lookalike",
        }
    }

    pub(crate) fn to_byte(self) -> u8 {
        match self {
            Level::Uts39 => 1,
            Level::Identical => 2,
            Level::Lookalike => 3,
        }
    }

    pub(crate) fn from_byte(b: u8) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.to_byte() == b)
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = ConfusablesError;
    /// `uts39`, `identical` (alias `domain`) or `lookalike` (alias `loose`),
    /// case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.to_ascii_lowercase();
        match s.as_str() {
            "uts39" => Ok(Level::Uts39),
            "identical" | "domain" => Ok(Level::Identical),
            "lookalike" | "loose" => Ok(Level::Lookalike),
            _ => Err(ConfusablesError::level_unknown(&s)),
        }
    }
}

/// The tier of a match between a label and a protected (or registered) name:
/// how strong the evidence that they look alike is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Tier {
    /// Equal keys at [`Level::Identical`]: the case-folded UTS #39 skeleton.
    Identical,
    /// Equal keys at [`Level::Lookalike`]: diacritics folded, glyph-derived
    /// and curated homoglyphs applied.
    Lookalike,
    /// Lookalike keys one edit apart (labels of [`NEAR_MIN_LABEL_CHARS`] or
    /// more characters): a typo plus a homoglyph. Weaker; reported only when
    /// asked for.
    Near,
}

/// Labels shorter than this are never `near` matches.
pub const NEAR_MIN_LABEL_CHARS: usize = 6;

impl Tier {
    /// All tiers, strongest first.
    pub const ALL: [Tier; 3] = [Tier::Identical, Tier::Lookalike, Tier::Near];

    /// The tier's name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Identical => "identical",
            Tier::Lookalike => "lookalike",
            Tier::Near => "near",
        }
    }

    /// The key level a match of this tier is found with (`near` compares
    /// lookalike keys).
    pub fn level(self) -> Level {
        match self {
            Tier::Identical => Level::Identical,
            Tier::Lookalike | Tier::Near => Level::Lookalike,
        }
    }

    /// The tier that a `--level` value stands for: `uts39` and `identical`
    /// (`domain`) give `identical`, `lookalike` (`loose`) gives `lookalike`.
    pub fn of_level(level: Level) -> Tier {
        match level {
            Level::Uts39 | Level::Identical => Tier::Identical,
            Level::Lookalike => Tier::Lookalike,
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tier {
    type Err = ConfusablesError;
    /// `identical`, `lookalike` or `near`; the level names `uts39`, `domain`
    /// and `loose` are accepted as aliases (see [`Tier::of_level`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("near") {
            return Ok(Tier::Near);
        }
        s.parse::<Level>().map(Tier::of_level)
    }
}

/// One entry of the supplementary homoglyph table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Homoglyph {
    /// The character that looks like `target`.
    pub source: char,
    /// What it looks like (one or more characters).
    pub target: String,
    /// The weakest level at which the entry applies (`domain` or `loose`).
    pub level: Level,
    /// Why the entry is there.
    pub reason: &'static str,
}

fn parse_code_points(field: &str) -> Option<String> {
    let mut s = String::new();
    for cp in field.split_whitespace() {
        let hex = cp.strip_prefix("U+")?;
        s.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
    }
    if s.is_empty() { None } else { Some(s) }
}

/// Parses the embedded table; `Err(line number)` at the first bad line.
pub(crate) fn parse_homoglyphs(text: &'static str) -> Result<Vec<Homoglyph>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut f = line.split('\t');
        let (Some(src), Some(dst), Some(level), Some(reason), None) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return Err(i + 1);
        };
        let mut src_chars =
            parse_code_points(src).ok_or(i + 1)?.chars().collect::<Vec<_>>().into_iter();
        let (Some(source), None) = (src_chars.next(), src_chars.next()) else { return Err(i + 1) };
        let target = parse_code_points(dst).ok_or(i + 1)?;
        // Every entry applies at `lookalike`; the column keeps the older
        // names `domain` and `loose` readable.
        let level = match level {
            "lookalike" | "domain" | "loose" => Level::Lookalike,
            _ => return Err(i + 1),
        };
        if reason.trim().is_empty() {
            return Err(i + 1);
        }
        out.push(Homoglyph { source, target, level, reason });
    }
    Ok(out)
}

/// The supplementary homoglyph table (`tables/homoglyphs/homoglyphs.tsv`).
pub fn homoglyphs() -> &'static [Homoglyph] {
    static TABLE: OnceLock<Vec<Homoglyph>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // A bad line is a build-time mistake caught by the tests; at run
        // time the table is used without it rather than panicking.
        let parsed = parse_homoglyphs(HOMOGLYPHS_TSV);
        debug_assert!(parsed.is_ok(), "bad line {parsed:?} in homoglyphs.tsv");
        parsed.unwrap_or_default()
    })
}

/// The key of one LDH byte: one or two ASCII bytes (every LDH byte's key at
/// every level is, tested), stored inline so that the per-byte path copies
/// two bytes from one table without following a pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AsciiKey {
    bytes: [u8; 2],
    len: u8,
}

/// Keys of the 256 byte values (a `u8` index needs no bounds check).
type AsciiKeys = [Option<AsciiKey>; 256];

/// The rules of one level above `uts39`, in skeleton space.
pub(crate) struct LevelRules {
    strip_marks: bool,
    /// Case-folded skeleton of a one-character source -> its replacement.
    single: FxHashMap<char, String>,
    /// What one round writes for each affected character (diacritic removed,
    /// lower-cased, `single` applied): one lookup instead of a case-mapping
    /// search and a lookup per lower-case character.
    replacement: FxHashMap<char, Box<str>>,
    /// Sources whose skeleton is several characters.
    multi: Vec<(String, String)>,
    /// Curated sources whose skeleton is several characters (a letter with
    /// a stroke: the stroke would be removed as a diacritic before the
    /// entry could match): applied to the label before its skeleton.
    raw: FxHashMap<char, String>,
    /// Key of each LDH byte (other bytes `None`), when LDH labels may use
    /// the per-byte fast path.
    ascii: Option<Box<AsciiKeys>>,
    /// Bit per code point below [`AFFECTED_LIMIT`]: `transform` may change it.
    affected: Vec<u64>,
    /// Affected code points at or above [`AFFECTED_LIMIT`] (table entries only:
    /// no code point there has a lower-case mapping, see the tests).
    affected_astral: Vec<char>,
    /// The last character of each pattern of `multi`: a label whose rounds
    /// never hold one cannot match a pattern.
    blockers: Vec<char>,
    /// Bit per code point below [`AFFECTED_LIMIT`]: the character is its own
    /// key wherever it stands (see [`LevelRules::is_plain`]).
    plain: Vec<u64>,
    /// The key of each other character below [`AFFECTED_LIMIT`] whose key
    /// does not depend on its neighbours (see [`LevelRules::key_of_char`]).
    per_char: FxHashMap<char, Box<str>>,
}

/// Bit `c` of a bit-per-code-point table; `None` past its end.
#[inline]
fn bit(words: &[u64], c: char) -> Option<bool> {
    let i = c as usize;
    words.get(i / 64).map(|w| w & (1 << (i % 64)) != 0)
}

/// Sets bit `c`; false (nothing set) past the table's end.
fn set_bit(words: &mut [u64], c: char) -> bool {
    let i = c as usize;
    words.get_mut(i / 64).map(|w| *w |= 1 << (i % 64)).is_some()
}

/// Code points from here on have no lower-case mapping (tested).
pub(crate) const AFFECTED_LIMIT: u32 = 0x20000;

fn changes_case(c: char) -> bool {
    let mut l = c.to_lowercase();
    !(l.next() == Some(c) && l.next().is_none())
}

/// True for combining diacritical marks, removed at the `lookalike` level.
pub(crate) fn is_diacritic(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_ldh(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// Whether `target` is the nearest glyph lookalike of `source`: each source
/// maps to one target in a key.
fn glyph_nearest_is(source: char, target: char) -> bool {
    crate::glyph::glyph_nearest(source).is_some_and(|(t, _)| t == target)
}

/// Lower-cases (Unicode default lower-case mapping) and skeletonizes until
/// stable, without the supplementary table.
pub(crate) fn folded_skeleton(s: &str) -> String {
    let mut cur = String::new();
    skeleton_into(s, &mut cur);
    for _ in 0..MAX_ROUNDS {
        let lower = cur.to_lowercase();
        if lower == cur {
            break;
        }
        skeleton_into(&lower, &mut cur);
    }
    cur
}

impl LevelRules {
    fn new(level: Level) -> LevelRules {
        let mut rules = LevelRules {
            strip_marks: level == Level::Lookalike,
            single: FxHashMap::default(),
            replacement: FxHashMap::default(),
            multi: Vec::new(),
            raw: FxHashMap::default(),
            ascii: None,
            affected: vec![0; (AFFECTED_LIMIT / 64) as usize],
            affected_astral: Vec::new(),
            blockers: Vec::new(),
            plain: vec![0; (AFFECTED_LIMIT / 64) as usize],
            per_char: FxHashMap::default(),
        };
        // Curated entries first: where a curated and a glyph-derived entry
        // disagree about one source, the curated one wins.
        let curated = homoglyphs()
            .iter()
            .filter(|h| h.level <= level)
            .map(|h| (h.source, h.target.clone(), true));
        let glyph = (level == Level::Lookalike)
            .then(|| crate::glyph::glyph_pairs().filter(|&(s, t, _)| glyph_nearest_is(s, t)))
            .into_iter()
            .flatten()
            .map(|(s, t, _)| (s, t.to_string(), false));
        for (source, target, curated) in curated.chain(glyph) {
            let src = folded_skeleton(source.encode_utf8(&mut [0; 4]));
            let dst = folded_skeleton(&target);
            // A glyph entry whose source folds to ASCII would change the key
            // of plain LDH letters (dotless i folds to i): leave it to the
            // skeleton. Curated entries may (w looks like vv).
            if src == dst || (!curated && src.is_ascii()) {
                continue;
            }
            // A glyph entry whose source's skeleton is several characters is
            // a letter with a mark (é is e + U+0301): the lookalike level
            // removes the mark before such a pattern could match.
            if !curated && src.chars().nth(1).is_some() {
                continue;
            }
            let mut it = src.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => {
                    rules.single.entry(c).or_insert(dst);
                }
                (Some(_), Some(_)) => {
                    if curated && !source.is_ascii() {
                        rules.raw.entry(source).or_insert_with(|| dst.clone());
                    }
                    if !rules.multi.iter().any(|(p, _)| *p == src) {
                        rules.multi.push((src, dst));
                    }
                }
                _ => {}
            }
        }
        let mut marks: Vec<char> = rules.single.keys().copied().collect();
        marks.extend(rules.multi.iter().flat_map(|(p, _)| p.chars().collect::<Vec<_>>()));
        for c in (0..AFFECTED_LIMIT).filter_map(char::from_u32) {
            if changes_case(c) || (rules.strip_marks && is_diacritic(c)) {
                marks.push(c);
            }
        }
        for &c in &marks {
            let mut r = String::new();
            rules.replace_into(c, &mut r);
            rules.replacement.insert(c, r.into_boxed_str());
        }
        for c in marks {
            if !set_bit(&mut rules.affected, c) {
                rules.affected_astral.push(c);
            }
        }
        // The per-byte path for LDH labels is exact when every byte's key is
        // ASCII and no multi-character pattern is pure ASCII (so none can
        // match across a byte boundary).
        let multi_ok = rules.multi.iter().all(|(p, _)| !p.is_ascii());
        let mut keys: Box<AsciiKeys> = Box::new([None; 256]);
        let mut all_short = true;
        for (b, slot) in (0u8..=255).zip(keys.iter_mut()) {
            if !is_ldh(b) {
                continue;
            }
            let mut out = String::new();
            rules.key_general(&char::from(b).to_string(), &mut out);
            match *out.as_bytes() {
                [x] if x.is_ascii() => *slot = Some(AsciiKey { bytes: [x, 0], len: 1 }),
                [x, y] if x.is_ascii() && y.is_ascii() => {
                    *slot = Some(AsciiKey { bytes: [x, y], len: 2 })
                }
                _ => all_short = false,
            }
        }
        if multi_ok && all_short {
            rules.ascii = Some(keys);
        }
        rules.blockers = rules.multi.iter().filter_map(|(p, _)| p.chars().last()).collect();
        for c in (0..AFFECTED_LIMIT).filter_map(char::from_u32) {
            if rules.is_plain(c) {
                set_bit(&mut rules.plain, c);
            } else if skeleton::hangul_syllable_jamo(c).is_none()
                && let Some(k) = rules.key_of_char(c)
            {
                rules.per_char.insert(c, k.into_boxed_str());
            }
        }
        rules
    }

    /// Whether `c` is its own key in any label: a starter that the skeleton
    /// maps to itself, that no round changes and that no table entry or
    /// pattern holds.
    fn is_plain(&self, c: char) -> bool {
        skeleton::maps_to_itself(c)
            && !self.is_affected(c)
            && !self.raw.contains_key(&c)
            && !self.blockers.contains(&c)
    }

    /// The key of the one-character label `c`, when it is also `c`'s part of
    /// the key of any label of such characters; `None` when that is not
    /// known. It is, when `c` is simple and every string a round of
    /// [`LevelRules::key_general`] hands to the skeleton before `c`'s part
    /// settles is made of simple characters (so each skeleton is the
    /// concatenation of the characters' parts, see [`crate::skeleton`]),
    /// when `c`'s rounds settle before
    /// [`MAX_ROUNDS`] on a key that further rounds leave as it is (the label's
    /// rounds may go on for other characters), and when no round holds a
    /// [`LevelRules::blockers`] character (so no pattern of `multi` can match
    /// across characters). Checked against the general path for every such
    /// character and for strings of them in the tests.
    fn key_of_char(&self, c: char) -> Option<String> {
        if self.raw.contains_key(&c) || !skeleton::is_simple(c) {
            return None;
        }
        let clean =
            |s: &str| s.chars().all(|x| skeleton::is_simple(x) && !self.blockers.contains(&x));
        let (mut key, mut next) = (String::new(), String::new());
        skeleton_into(c.encode_utf8(&mut [0; 4]), &mut key);
        for _ in 0..MAX_ROUNDS {
            if !self.transform(&key, &mut next) {
                break;
            }
            if !clean(&next) {
                return None;
            }
            skeleton_into(&next, &mut key);
        }
        let mut again = String::new();
        skeleton_into(&key, &mut again);
        // Further rounds hand the key to the skeleton again, next to other
        // characters' parts: it must start with a simple character (then no
        // reordering of the skeleton's NFD crosses into it) and be its own
        // skeleton. It may end in marks (`e` U+0301 at `identical`).
        let starts_simple = key.chars().next().is_some_and(skeleton::is_simple);
        let unblocked = !key.chars().any(|x| self.blockers.contains(&x));
        (starts_simple && unblocked && !self.transform(&key, &mut next) && again == key)
            .then_some(key)
    }

    /// Writes the key of `label` character by character and returns true,
    /// or returns false (`out` unspecified) at a character whose key may
    /// depend on its neighbours. A Hangul syllable counts as its jamo.
    #[inline]
    pub(crate) fn key_chars(&self, label: &str, out: &mut String) -> bool {
        out.clear();
        out.reserve(label.len());
        for c in label.chars() {
            if self.push_char(c, out) {
                continue;
            }
            let Some(jamo) = skeleton::hangul_syllable_jamo(c) else { return false };
            for j in jamo.into_iter().flatten() {
                if !self.push_char(j, out) {
                    return false;
                }
            }
        }
        true
    }

    #[inline]
    fn push_char(&self, c: char, out: &mut String) -> bool {
        let plain = bit(&self.plain, c).unwrap_or_else(|| self.is_plain(c));
        if plain {
            out.push(c);
            return true;
        }
        match self.per_char.get(&c) {
            Some(k) => {
                out.push_str(k);
                true
            }
            None => false,
        }
    }

    #[inline]
    fn is_affected(&self, c: char) -> bool {
        bit(&self.affected, c).unwrap_or_else(|| self.affected_astral.contains(&c))
    }

    /// Appends what one round makes of the affected character `c`.
    fn replace_into(&self, c: char, out: &mut String) {
        if self.strip_marks && is_diacritic(c) {
            return;
        }
        for l in c.to_lowercase() {
            match self.single.get(&l) {
                Some(t) => out.push_str(t),
                None => out.push(l),
            }
        }
    }

    /// One round: lower-case, strip marks (loose), apply the table.
    /// Returns whether anything changed.
    fn transform(&self, input: &str, out: &mut String) -> bool {
        // Most skeletons hold no character that a round changes.
        if !input.chars().any(|c| self.is_affected(c)) {
            return false;
        }
        out.clear();
        for c in input.chars() {
            if !self.is_affected(c) {
                out.push(c);
                continue;
            }
            match self.replacement.get(&c) {
                Some(r) => out.push_str(r),
                None => self.replace_into(c, out),
            }
        }
        for (pat, rep) in &self.multi {
            if out.contains(pat.as_str()) {
                *out = out.replace(pat.as_str(), rep);
            }
        }
        out != input
    }

    fn key_general(&self, label: &str, out: &mut String) {
        thread_local! {
            static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        if !self.raw.is_empty() && label.chars().any(|c| !c.is_ascii() && self.raw.contains_key(&c))
        {
            let mapped: String = label
                .chars()
                .map(|c| self.raw.get(&c).cloned().unwrap_or_else(|| c.to_string()))
                .collect();
            skeleton_into(&mapped, out);
        } else {
            skeleton_into(label, out);
        }
        let rounds = |tmp: &mut String, out: &mut String| {
            for _ in 0..MAX_ROUNDS {
                if !self.transform(out, tmp) {
                    break;
                }
                skeleton_into(tmp, out);
            }
        };
        // A reused per-thread buffer saves an allocation per label; a nested
        // call (impossible today) would fall back to a fresh one.
        let done = SCRATCH
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut tmp) => {
                    rounds(&mut tmp, out);
                    true
                }
                Err(_) => false,
            })
            .unwrap_or(false);
        if !done {
            rounds(&mut String::new(), out);
        }
    }

    pub(crate) fn key_into(&self, label: &str, out: &mut String) {
        if let Some(ascii) = &self.ascii
            && key_ldh(ascii, label, out)
        {
            return;
        }
        self.key_non_ldh(label, out);
    }

    /// Kept out of line so that the per-byte path stays small where it is
    /// inlined.
    #[inline(never)]
    fn key_non_ldh(&self, label: &str, out: &mut String) {
        if !self.key_chars(label, out) {
            self.key_general(label, out);
        }
    }

    /// Whether LDH labels take the per-byte path (tested for every level).
    #[cfg(test)]
    pub(crate) fn has_ascii_fast_path(&self) -> bool {
        self.ascii.is_some()
    }

    #[cfg(test)]
    pub(crate) fn is_plain_for_tests(&self, c: char) -> bool {
        self.is_plain(c)
    }

    /// The characters with a per-character key other than themselves, sorted.
    #[cfg(test)]
    pub(crate) fn per_char_sources(&self) -> Vec<char> {
        let mut v: Vec<char> = self.per_char.keys().copied().collect();
        v.sort_unstable();
        v
    }

    #[cfg(test)]
    pub(crate) fn key_slow(&self, label: &str, out: &mut String) {
        self.key_general(label, out);
    }
}

/// The per-byte path: writes the key of an LDH label into `out` and returns
/// true, or returns false (`out` unspecified) when a byte is not LDH. One
/// pass checks and keys the bytes; each byte's key is read inline from the
/// table and pushed as characters (no UTF-8 validation of the result).
#[inline]
fn key_ldh(ascii: &AsciiKeys, label: &str, out: &mut String) -> bool {
    out.clear();
    out.reserve(2 * label.len());
    for &b in label.as_bytes() {
        let Some(Some(k)) = ascii.get(usize::from(b)) else { return false };
        push_key(k, out);
    }
    true
}

#[inline(always)]
fn push_key(k: &AsciiKey, out: &mut String) {
    let [x, y] = k.bytes;
    out.push(char::from(x));
    if k.len == 2 {
        out.push(char::from(y));
    }
}

pub(crate) fn rules(level: Level) -> Option<&'static LevelRules> {
    static IDENTICAL: OnceLock<LevelRules> = OnceLock::new();
    static LOOKALIKE: OnceLock<LevelRules> = OnceLock::new();
    match level {
        Level::Uts39 => None,
        Level::Identical => Some(IDENTICAL.get_or_init(|| LevelRules::new(Level::Identical))),
        Level::Lookalike => Some(LOOKALIKE.get_or_init(|| LevelRules::new(Level::Lookalike))),
    }
}

/// Writes the key of `label` at `level` into `out` (cleared first). Two
/// labels are confusable at a level exactly when their keys are equal.
pub fn key_into(label: &str, level: Level, out: &mut String) {
    match rules(level) {
        None => skeleton_into(label, out),
        Some(r) => r.key_into(label, out),
    }
}

/// Whether an LDH label has the same key at levels `a` and `b` without
/// computing either: true when both levels key LDH labels byte by byte and
/// every byte of `label` has the same key at both (at `lookalike`, only `d`
/// and `w` differ from `identical`). Lets a caller holding one key reuse it.
pub fn ldh_keys_agree(label: &str, a: Level, b: Level) -> bool {
    if a == b {
        return true;
    }
    let (Some(Some(ta)), Some(Some(tb))) =
        (rules(a).map(|r| r.ascii.as_ref()), rules(b).map(|r| r.ascii.as_ref()))
    else {
        return false;
    };
    label.bytes().all(|c| {
        let (ka, kb) = (ta.get(usize::from(c)), tb.get(usize::from(c)));
        is_ldh(c) && ka.is_some_and(|k| k.is_some() && Some(k) == kb)
    })
}

/// Writes the keys of `label` at levels `a` and `b` into `out_a` and `out_b`
/// (each cleared first), as [`key_into`] would, and returns whether they are
/// equal. An LDH label is keyed at both levels from the per-byte tables
/// (no general path, no rounds), for a caller that needs two keys of every name
/// (an audit's homograph clusters at one level, protected names at another).
pub fn keys_into(label: &str, a: Level, b: Level, out_a: &mut String, out_b: &mut String) -> bool {
    if let (Some(Some(ta)), Some(Some(tb))) =
        (rules(a).map(|r| r.ascii.as_deref()), rules(b).map(|r| r.ascii.as_deref()))
        && let Some(same) = key_ldh_pair(ta, tb, label, out_a, out_b)
    {
        return same;
    }
    key_into(label, a, out_a);
    if a == b {
        out_b.clear();
        out_b.push_str(out_a);
        return true;
    }
    key_into(label, b, out_b);
    out_a == out_b
}

/// [`key_ldh`] at two levels; `None` (outputs unspecified) when a byte is
/// not LDH. The first pass also checks whether every byte has the same key
/// at both levels (at `identical` and `lookalike` only `d` and `w` differ),
/// and then the second key is a copy of the first; otherwise a second
/// pass keys it. (One pass into two stack buffers needs two UTF-8
/// validations to copy them out, which cost more in an audit.)
#[inline]
fn key_ldh_pair(
    ta: &AsciiKeys,
    tb: &AsciiKeys,
    label: &str,
    out_a: &mut String,
    out_b: &mut String,
) -> Option<bool> {
    out_a.clear();
    out_a.reserve(2 * label.len());
    let mut agree = true;
    for &b in label.as_bytes() {
        let Some(Some(k)) = ta.get(usize::from(b)) else { return None };
        push_key(k, out_a);
        agree &= tb.get(usize::from(b)).is_some_and(|kb| kb.as_ref() == Some(k));
    }
    if agree {
        out_b.clear();
        out_b.push_str(out_a);
        return Some(true);
    }
    key_ldh(tb, label, out_b).then(|| out_a == out_b)
}

/// The key of `label` at `level` computed without the per-byte and
/// per-character shortcuts: what [`key`] must equal (the fuzz target
/// `confusable_tiers` holds it to this).
#[doc(hidden)]
pub fn key_by_rounds(label: &str, level: Level) -> String {
    let mut out = String::new();
    match rules(level) {
        None => skeleton_into(label, &mut out),
        Some(r) => r.key_general(label, &mut out),
    }
    out
}

/// The key of `label` at `level` as a new string.
pub fn key(label: &str, level: Level) -> String {
    let mut out = String::with_capacity(label.len() + 4);
    key_into(label, level, &mut out);
    out
}

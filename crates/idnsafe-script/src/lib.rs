//! Scripts of a domain label: Script / Script_Extensions (UAX #24), the
//! resolved script set and restriction level of UTS #39 §5, mixed numbers,
//! hidden characters, and the label script used to choose an IDN table.
//!
//! ```
//! use idnsafe_script::{analyze, RestrictionLevel};
//!
//! let a = analyze("東京タワー");
//! assert_eq!(a.scripts, ["Jpan"]);
//! assert_eq!(a.restriction_level, RestrictionLevel::SingleScript);
//! assert_eq!(a.label_script.as_str(), "Jpan");
//!
//! // Latin letters with two Cyrillic "а": the classic homograph.
//! let a = analyze("pаypаl");
//! assert!(a.scripts.is_empty());
//! assert_eq!(a.restriction_level.as_str(), "minimally-restrictive");
//! assert_eq!(a.warnings[0].code, "MIXED_SCRIPT");
//!
//! // Latin with Han and Katakana is how Japanese is written: highly
//! // restrictive, mixed but not warned about.
//! let a = analyze("eコマース");
//! assert_eq!(a.restriction_level.as_str(), "highly-restrictive");
//! assert!(a.scripts.is_empty() && a.warnings.is_empty());
//! ```
//!
//! All per-code-point data (Script, Script_Extensions, Identifier_Status,
//! Identifier_Type, General_Category where needed) comes from one generated
//! table, `src/tables/identifier.rs`, built from the Unicode 18.0.0 files by
//! `cargo run -p idnsafe-script --example generate_tables`; a test rebuilds it
//! and fails on drift. A label is scanned once; an LDH-ASCII label takes a
//! fast path that looks nothing up.
//!
//! Two places where this crate deliberately differs from `unicode-security`
//! 0.1.3 (and agrees with UTS #39 and ICU): see [`restriction_level`] and
//! [`identifier_type`].

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod detect;
mod script_set;
mod tables;

use std::fmt;

use serde::{Serialize, Serializer};
use unicode_normalization::UnicodeNormalization;

pub use detect::{DETECTION_CODES, Detection, detections, detections_into};
pub use script_set::ScriptSet;
use script_set::short_name;
use tables::{
    BOPO, CHER, CYRL, F_ALLOWED, F_DEFAULT_IGNORABLE, F_MARK_SCAN, F_NONSPACING_MARK, GREK, HANB,
    HANG, HANI, HIRA, JPAN, KANA, KORE, LATN, ZINH, ZYYY, class, scx_bits,
};

/// The Unicode version of every table in this crate.
pub const UNICODE_VERSION: (u8, u8, u8) = (18, 0, 0);

/// UTS #39 §5.4: more than this many nonspacing marks in a row is suspicious.
pub const MAX_NONSPACING_MARKS: usize = 4;

// ---------------------------------------------------------------------------
// Per code point
// ---------------------------------------------------------------------------

/// The Script property value of `c` (UAX #24) as an ISO 15924 short code,
/// e.g. `"Latn"`, `"Zyyy"` (Common), `"Zinh"` (Inherited), `"Zzzz"` (unassigned).
pub fn script(c: char) -> &'static str {
    short_name(class(c).script)
}

/// The Script_Extensions property value of `c` (UAX #24), unaugmented: for
/// a character without explicit extensions it is its Script, so `'1'` gives
/// `{Zyyy}` and U+0AE6 GUJARATI DIGIT ZERO gives `{Gujr, Khoj}`.
pub fn script_extensions(c: char) -> ScriptSet {
    let cl = class(c);
    let set = ScriptSet::from_bits(scx_bits(cl));
    if set.is_all() {
        return ScriptSet::single(cl.script);
    }
    // Hanb, Jpan and Kore are never Script_Extensions values themselves.
    let augmented =
        ScriptSet::single(HANB).union(ScriptSet::single(JPAN)).union(ScriptSet::single(KORE));
    let mut bits = set.bits();
    for (b, a) in bits.iter_mut().zip(augmented.bits()) {
        *b &= !a;
    }
    ScriptSet::from_bits(bits)
}

/// The augmented script set of `c` (UTS #39 §5.1): its Script_Extensions
/// with Hani adding Hanb, Jpan and Kore, Hira and Kana adding Jpan, Hang
/// adding Kore and Bopo adding Hanb; Common and Inherited give
/// [`ScriptSet::ALL`].
pub fn augmented_script_set(c: char) -> ScriptSet {
    ScriptSet::from_bits(scx_bits(class(c)))
}

/// Identifier_Status of UTS #39 §3.1: whether a character is in the General
/// Security Profile for identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentifierStatus {
    /// In the identifier profile.
    Allowed,
    /// Everything else (the file's `@missing` value).
    Restricted,
}

impl IdentifierStatus {
    /// `"Allowed"` or `"Restricted"`, as in `IdentifierStatus.txt`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierStatus::Allowed => "Allowed",
            IdentifierStatus::Restricted => "Restricted",
        }
    }
}

/// The Identifier_Status of `c`.
pub fn identifier_status(c: char) -> IdentifierStatus {
    if class(c).flags & F_ALLOWED != 0 {
        IdentifierStatus::Allowed
    } else {
        IdentifierStatus::Restricted
    }
}

/// One Identifier_Type value (UTS #39 §3.1, Table 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum IdentifierType {
    /// `Not_Character`
    NotCharacter,
    /// `Deprecated`
    Deprecated,
    /// `Default_Ignorable`
    DefaultIgnorable,
    /// `Not_NFKC`
    NotNfkc,
    /// `Not_XID`
    NotXid,
    /// `Exclusion`
    Exclusion,
    /// `Obsolete`
    Obsolete,
    /// `Technical`
    Technical,
    /// `Uncommon_Use`
    UncommonUse,
    /// `Limited_Use`
    LimitedUse,
    /// `Inclusion`
    Inclusion,
    /// `Recommended`
    Recommended,
}

impl IdentifierType {
    /// Every value, in the order of the generated table's bits.
    pub const ALL: [IdentifierType; 12] = [
        IdentifierType::NotCharacter,
        IdentifierType::Deprecated,
        IdentifierType::DefaultIgnorable,
        IdentifierType::NotNfkc,
        IdentifierType::NotXid,
        IdentifierType::Exclusion,
        IdentifierType::Obsolete,
        IdentifierType::Technical,
        IdentifierType::UncommonUse,
        IdentifierType::LimitedUse,
        IdentifierType::Inclusion,
        IdentifierType::Recommended,
    ];

    /// The value as spelled in `IdentifierType.txt`, e.g. `"Uncommon_Use"`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierType::NotCharacter => "Not_Character",
            IdentifierType::Deprecated => "Deprecated",
            IdentifierType::DefaultIgnorable => "Default_Ignorable",
            IdentifierType::NotNfkc => "Not_NFKC",
            IdentifierType::NotXid => "Not_XID",
            IdentifierType::Exclusion => "Exclusion",
            IdentifierType::Obsolete => "Obsolete",
            IdentifierType::Technical => "Technical",
            IdentifierType::UncommonUse => "Uncommon_Use",
            IdentifierType::LimitedUse => "Limited_Use",
            IdentifierType::Inclusion => "Inclusion",
            IdentifierType::Recommended => "Recommended",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The set of Identifier_Type values of one code point. UTS #39 defines the
/// property as a *set*: 2,869 code points of Unicode 18 have more than one
/// value (e.g. U+018D LATIN SMALL LETTER TURNED DELTA: Technical Obsolete).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdentifierTypes(u16);

impl IdentifierTypes {
    /// Whether `t` is one of the values.
    pub fn contains(self, t: IdentifierType) -> bool {
        self.0 & t.bit() != 0
    }

    /// Number of values (at least 1).
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Never true for a value returned by [`identifier_type`].
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The values, in Table 1 order.
    pub fn iter(self) -> impl Iterator<Item = IdentifierType> {
        IdentifierType::ALL.into_iter().filter(move |t| self.contains(*t))
    }
}

impl fmt::Debug for IdentifierTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(IdentifierType::as_str)).finish()
    }
}

/// The Identifier_Type set of `c`, never empty.
///
/// Unlike `unicode_security::GeneralSecurityProfile::identifier_type`, which
/// returns `None` for every code point with more than one type, this returns
/// the whole set.
pub fn identifier_type(c: char) -> IdentifierTypes {
    IdentifierTypes(class(c).id_type)
}

// ---------------------------------------------------------------------------
// Per label
// ---------------------------------------------------------------------------

/// UTS #39 §5.2 restriction levels, from most to least restrictive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RestrictionLevel {
    /// All characters are in the identifier profile and in ASCII.
    AsciiOnly,
    /// All characters are in the identifier profile and the label is single-script.
    SingleScript,
    /// Single-script, or Latin + Han + Bopomofo / Hiragana + Katakana / Hangul.
    HighlyRestrictive,
    /// Latin plus one other script, except Cyrillic, Greek and Cherokee.
    ModeratelyRestrictive,
    /// All characters are in the identifier profile.
    MinimallyRestrictive,
    /// Some character is outside the identifier profile (Identifier_Status=Restricted).
    Unrestricted,
}

impl RestrictionLevel {
    /// `ascii-only`, `single-script`, `highly-restrictive`,
    /// `moderately-restrictive`, `minimally-restrictive` or `unrestricted`.
    pub fn as_str(self) -> &'static str {
        match self {
            RestrictionLevel::AsciiOnly => "ascii-only",
            RestrictionLevel::SingleScript => "single-script",
            RestrictionLevel::HighlyRestrictive => "highly-restrictive",
            RestrictionLevel::ModeratelyRestrictive => "moderately-restrictive",
            RestrictionLevel::MinimallyRestrictive => "minimally-restrictive",
            RestrictionLevel::Unrestricted => "unrestricted",
        }
    }
}

impl fmt::Display for RestrictionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RestrictionLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The script of a label for choosing an IDN table (LGR).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LabelScript {
    /// One script (ISO 15924 code), including `Jpan` (Han with Hiragana
    /// and/or Katakana), `Kore` (Hangul with Han), `Hanb` (Han with Bopomofo)
    /// and `Zyyy` (only Common/Inherited characters, e.g. digits and hyphens).
    Script(&'static str),
    /// Scripts that do not belong to one writing system.
    Mixed,
}

impl LabelScript {
    /// The ISO 15924 code, or `"mixed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelScript::Script(s) => s,
            LabelScript::Mixed => "mixed",
        }
    }
}

impl fmt::Display for LabelScript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for LabelScript {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A finding about a label, with a stable machine code and a message a
/// registrar's support desk can pass on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `MIXED_SCRIPT` (mixed-script and worse than highly restrictive, see
    /// [`analyze`]), `MIXED_NUMBERS` or `INVISIBLE_CHARACTER`.
    pub code: &'static str,
    /// Plain-language explanation.
    pub message: String,
}

impl Warning {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Hidden-character findings of UTS #39 §5.4.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct HiddenCharacters {
    /// The first Default_Ignorable_Code_Point (invisible) character.
    pub invisible: Option<char>,
    /// A nonspacing mark that occurs twice on one base character after NFD.
    pub repeated_mark: Option<char>,
    /// More than [`MAX_NONSPACING_MARKS`] nonspacing marks in a row after NFD.
    pub excessive_marks: bool,
}

impl HiddenCharacters {
    /// Nothing was found.
    pub fn is_empty(&self) -> bool {
        *self == HiddenCharacters::default()
    }
}

/// Everything this crate says about a label, from one scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LabelAnalysis {
    /// The resolved script set (UTS #39 §5.1) as sorted ISO 15924 codes:
    /// `["Cyrl"]`; `["Hanb", "Hani", "Jpan", "Kore"]` for Han alone; `[]`
    /// when mixed-script; `["Zyyy"]` for only Common/Inherited characters.
    pub scripts: Vec<&'static str>,
    /// The resolved script set is not empty.
    pub single_script: bool,
    /// UTS #39 §5.2.
    pub restriction_level: RestrictionLevel,
    /// The script for choosing an IDN table.
    pub label_script: LabelScript,
    /// Decimal digits from more than one numbering system (UTS #39 §5.3).
    pub mixed_numbers: bool,
    /// The first character outside the identifier profile, if any.
    pub first_restricted: Option<char>,
    /// Invisible characters and suspicious nonspacing marks (UTS #39 §5.4).
    pub hidden: HiddenCharacters,
    /// One warning per finding, in a fixed order.
    pub warnings: Vec<Warning>,
}

/// What one pass over a label collects.
#[derive(Clone, Copy)]
struct Scan {
    /// Intersection of the augmented script sets (§5.1).
    resolved: [u64; 4],
    /// The same, skipping characters whose set contains Latin (§5.2 step 3).
    no_latin: [u64; 4],
    /// Union of Script values other than Common and Inherited.
    used: [u64; 4],
    ascii: bool,
    first_restricted: Option<char>,
    /// Zero code points of the first two numbering systems seen.
    zeros: (u32, u32),
    invisible: Option<char>,
    mark_scan: bool,
}

const ALL_BITS: [u64; 4] = ScriptSet::ALL.bits();
const LATIN_BITS: [u64; 4] = ScriptSet::single(LATN).bits();

#[inline]
fn and(a: &mut [u64; 4], b: [u64; 4]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x &= y;
    }
}

#[inline]
fn has(bits: &[u64; 4], index: u8) -> bool {
    ScriptSet::from_bits(*bits).has(index)
}

/// Byte classes for the LDH fast path: letter, digit, hyphen; 0 = anything else.
const LDH_LETTER: u8 = 1;
const LDH_DIGIT: u8 = 2;
const LDH_HYPHEN: u8 = 4;
// Evaluated at compile time, where an index out of range is a build error.
#[allow(clippy::indexing_slicing)]
static LDH: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LDH_LETTER
        } else if c.is_ascii_digit() {
            LDH_DIGIT
        } else if c == b'-' {
            LDH_HYPHEN
        } else {
            0
        };
        b += 1;
    }
    t
};

/// For an LDH-ASCII label (letters, digits, hyphen) the union of its byte
/// classes; `None` otherwise. Every LDH character is Allowed and is either
/// Latin or Common, so such a label needs no table lookups.
#[inline]
fn ldh_classes(label: &str) -> Option<u8> {
    let mut seen = 0u8;
    for &b in label.as_bytes() {
        let k = LDH.get(b as usize).copied().unwrap_or(0);
        if k == 0 {
            return None;
        }
        seen |= k;
    }
    Some(seen)
}

#[inline]
fn ldh_scan(label: &str) -> Option<Scan> {
    let seen = ldh_classes(label)?;
    let letter = seen & LDH_LETTER != 0;
    Some(Scan {
        resolved: if letter { LATIN_BITS } else { ALL_BITS },
        no_latin: ALL_BITS,
        used: if letter { LATIN_BITS } else { [0; 4] },
        ascii: true,
        first_restricted: None,
        zeros: (if seen & LDH_DIGIT != 0 { '0' as u32 } else { 0 }, 0),
        invisible: None,
        mark_scan: false,
    })
}

fn scan(label: &str) -> Scan {
    if let Some(s) = ldh_scan(label) {
        return s;
    }
    let mut s = Scan {
        resolved: ALL_BITS,
        no_latin: ALL_BITS,
        used: [0; 4],
        ascii: label.is_ascii(),
        first_restricted: None,
        zeros: (0, 0),
        invisible: None,
        mark_scan: false,
    };
    // Flags are accumulated and the rare findings located afterwards, to
    // keep this loop free of unpredictable branches.
    let mut flags_and = u8::MAX;
    let mut flags_or = 0u8;
    for c in label.chars() {
        let cl = class(c);
        flags_and &= cl.flags;
        flags_or |= cl.flags;
        let set = scx_bits(cl);
        and(&mut s.resolved, set);
        if !has(&set, LATN) {
            and(&mut s.no_latin, set);
        }
        if cl.script != ZYYY && cl.script != ZINH {
            let i = cl.script as usize;
            if let Some(w) = s.used.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
        if cl.zero != 0 {
            if s.zeros.0 == 0 {
                s.zeros.0 = cl.zero;
            } else if s.zeros.0 != cl.zero && s.zeros.1 == 0 {
                s.zeros.1 = cl.zero;
            }
        }
    }
    if flags_and & F_ALLOWED == 0 {
        s.first_restricted = label.chars().find(|&c| class(c).flags & F_ALLOWED == 0);
    }
    if flags_or & F_DEFAULT_IGNORABLE != 0 {
        // ZERO WIDTH NON-JOINER and JOINER are left to IDNA2008: its CONTEXTJ
        // rules (RFC 5892 A.1, A.2) allow them only after a virama or between
        // joining letters, where they change how the word is drawn (Persian
        // می‌خواهم); anywhere else the label is invalid.
        s.invisible = label.chars().find(|&c| {
            class(c).flags & F_DEFAULT_IGNORABLE != 0 && !matches!(c, '\u{200C}' | '\u{200D}')
        });
    }
    s.mark_scan = flags_or & F_MARK_SCAN != 0;
    s
}

impl Scan {
    /// UTS #39 §5.2, in the order of ICU's `SpoofImpl::getRestrictionLevel`.
    fn restriction_level(&self) -> RestrictionLevel {
        if self.first_restricted.is_some() {
            return RestrictionLevel::Unrestricted;
        }
        self.script_level()
    }

    /// The restriction level the label's scripts alone give, i.e. as if
    /// every character were in the identifier profile: never `Unrestricted`.
    fn script_level(&self) -> RestrictionLevel {
        if self.ascii {
            return RestrictionLevel::AsciiOnly;
        }
        if self.resolved != [0; 4] {
            return RestrictionLevel::SingleScript;
        }
        let nl = &self.no_latin;
        if has(nl, HANB) || has(nl, JPAN) || has(nl, KORE) {
            return RestrictionLevel::HighlyRestrictive;
        }
        // Any non-empty remainder counts, even one with several scripts
        // (U+0AE6 has Script_Extensions {Gujr, Khoj}); unicode-security 0.1.3
        // wrongly demands exactly one.
        if *nl != [0; 4] && !has(nl, CYRL) && !has(nl, GREK) && !has(nl, CHER) {
            return RestrictionLevel::ModeratelyRestrictive;
        }
        RestrictionLevel::MinimallyRestrictive
    }

    fn label_script(&self) -> LabelScript {
        let used = ScriptSet::from_bits(self.used);
        match used.len() {
            0 => return LabelScript::Script(short_name(ZYYY)),
            1 => return LabelScript::Script(used.iter().next().unwrap_or("Zzzz")),
            _ => {}
        }
        let within = |members: &[u8]| {
            let allowed =
                members.iter().fold(ScriptSet::EMPTY, |a, &m| a.union(ScriptSet::single(m)));
            used.intersection(allowed) == used
        };
        if within(&[HANI, HIRA, KANA]) {
            LabelScript::Script(short_name(JPAN))
        } else if within(&[HANI, HANG]) {
            LabelScript::Script(short_name(KORE))
        } else if within(&[HANI, BOPO]) {
            LabelScript::Script(short_name(HANB))
        } else {
            LabelScript::Mixed
        }
    }
}

/// The resolved script set of `label` (UTS #39 §5.1): the intersection of
/// the augmented script sets of its characters. Empty means mixed-script.
pub fn resolved_script_set(label: &str) -> ScriptSet {
    if let Some(seen) = ldh_classes(label) {
        return if seen & LDH_LETTER != 0 {
            ScriptSet::from_bits(LATIN_BITS)
        } else {
            ScriptSet::ALL
        };
    }
    ScriptSet::from_bits(scan(label).resolved)
}

/// Whether `label` is single-script (its resolved script set is not empty).
pub fn is_single_script(label: &str) -> bool {
    scan(label).resolved != [0; 4]
}

/// The UTS #39 §5.2 restriction level of `label`, with the identifier
/// profile of Identifier_Status=Allowed.
///
/// As in ICU: if the resolved set of the characters other than Latin ones
/// contains Hanb, Jpan or Kore, highly restrictive; else if it is non-empty
/// and contains none of Cyrl, Grek, Cher, moderately restrictive; else
/// minimally restrictive. So `fo૦` (Latin + U+0AE6 GUJARATI DIGIT ZERO, whose
/// Script_Extensions are Gujr and Khoj) is moderately restrictive, where
/// `unicode-security` 0.1.3 says minimally.
pub fn restriction_level(label: &str) -> RestrictionLevel {
    if ldh_classes(label).is_some() {
        return RestrictionLevel::AsciiOnly;
    }
    scan(label).restriction_level()
}

/// The script of `label` for choosing an IDN table: Common and Inherited
/// characters are ignored when other scripts are present; Han with Hiragana
/// or Katakana is `Jpan`, Hangul with Han is `Kore`, Han with Bopomofo is
/// `Hanb`; anything else with several scripts is [`LabelScript::Mixed`]; a
/// label of only Common/Inherited characters is `Zyyy`.
pub fn label_script(label: &str) -> LabelScript {
    scan(label).label_script()
}

/// Whether `label` has decimal digits (gc=Nd) from more than one numbering
/// system, i.e. with different zero code points (UTS #39 §5.3).
pub fn has_mixed_numbers(label: &str) -> bool {
    scan(label).zeros.1 != 0
}

/// Invisible characters and repeated or excessive nonspacing marks in
/// `label` (UTS #39 §5.4).
pub fn hidden_characters(label: &str) -> HiddenCharacters {
    let s = scan(label);
    hidden(label, &s)
}

fn hidden(label: &str, s: &Scan) -> HiddenCharacters {
    let mut h = HiddenCharacters { invisible: s.invisible, ..HiddenCharacters::default() };
    if !s.mark_scan {
        return h;
    }
    // UTS #39 §5.4 works on NFD, so a precomposed "é" followed by U+0301
    // is a repeated mark. Track the marks of the current run; a run longer
    // than the buffer is already excessive.
    let mut run = [char::MAX; MAX_NONSPACING_MARKS + 1];
    let mut len = 0usize;
    for c in label.nfd() {
        if class(c).flags & F_NONSPACING_MARK == 0 {
            len = 0;
            continue;
        }
        if h.repeated_mark.is_none() && run.iter().take(len).any(|&m| m == c) {
            h.repeated_mark = Some(c);
        }
        if let Some(slot) = run.get_mut(len) {
            *slot = c;
        }
        len += 1;
        if len > MAX_NONSPACING_MARKS {
            h.excessive_marks = true;
        }
    }
    h
}

fn names_of(set: ScriptSet) -> String {
    set.long_names().collect::<Vec<_>>().join(", ")
}

/// Whether `MIXED_SCRIPT` is raised: the label is mixed-script (its resolved
/// script set is empty) and its scripts are less restrictive than UTS #39
/// §5.2 *highly restrictive*, i.e. moderately or minimally restrictive.
///
/// - Latin with Han and Hiragana/Katakana (`eコマース`, `東京tokyo`), with Han
///   and Hangul (`한글han`) or with Han and Bopomofo is highly restrictive:
///   the way Japanese, Korean and Chinese are written, no warning.
/// - Latin with Cyrillic, Greek or Cherokee (`pаypal`), or any other
///   mixture, is minimally restrictive: warning.
/// - Latin with one other script (Armenian, Arabic, Devanagari, ...) is
///   moderately restrictive: warning too. Such mixtures are rare in real
///   words and include classic homographs (`gօօgle` with Armenian oh); a
///   browser set to highly restrictive shows them as Punycode.
///
/// The level is taken from the scripts alone, ignoring Identifier_Status:
/// a character outside the identifier profile makes the label
/// `unrestricted` whatever its scripts, but that is a different finding
/// (the label's `first_restricted`), and Bopomofo itself is outside the
/// profile (Limited_Use) in Unicode 18, so Latin + Han + Bopomofo would
/// otherwise always warn.
fn mixed_script_warning(s: &Scan) -> bool {
    s.resolved == [0; 4] && s.script_level() > RestrictionLevel::HighlyRestrictive
}

/// Analyse `label` (a U-label, or any string) in one pass: resolved script
/// set, restriction level, label script, mixed numbers, hidden characters
/// and the warnings they raise. An LDH-ASCII label takes a fast path.
///
/// `MIXED_SCRIPT` follows the restriction level (UTS #39 §5.2): it is
/// raised for a mixed-script label whose scripts are moderately or
/// minimally restrictive (`pаypal`, `gօօgle`), not for the highly
/// restrictive Latin + Han + kana / Hangul / Bopomofo (`eコマース`,
/// `한글han`, `東京tokyo`).
pub fn analyze(label: &str) -> LabelAnalysis {
    let s = scan(label);
    let resolved = ScriptSet::from_bits(s.resolved);
    let hidden = hidden(label, &s);
    let mut warnings = Vec::new();
    if mixed_script_warning(&s) {
        warnings.push(Warning {
            code: "MIXED_SCRIPT",
            message: format!(
                "The name mixes letters from different writing systems ({}) that are not used \
                 together in one word; such names can imitate other names.",
                names_of(ScriptSet::from_bits(s.used))
            ),
        });
    }
    if s.zeros.1 != 0 {
        warnings.push(Warning {
            code: "MIXED_NUMBERS",
            message: format!(
                "The name mixes digits from different number systems (those of U+{:04X} and \
                 U+{:04X}); digits that look alike can stand for different numbers.",
                s.zeros.0, s.zeros.1
            ),
        });
    }
    if let Some(c) = hidden.invisible {
        warnings.push(Warning {
            code: "INVISIBLE_CHARACTER",
            message: format!(
                "The name contains an invisible character (U+{:04X}) that would not be \
                 displayed.",
                c as u32
            ),
        });
    }
    if let Some(c) = hidden.repeated_mark {
        warnings.push(Warning {
            code: "INVISIBLE_CHARACTER",
            message: format!(
                "The name puts the same accent mark (U+{:04X}) twice on one letter; the second \
                 one cannot be seen.",
                c as u32
            ),
        });
    }
    if hidden.excessive_marks {
        warnings.push(Warning {
            code: "INVISIBLE_CHARACTER",
            message: format!(
                "The name stacks more than {MAX_NONSPACING_MARKS} accent marks on one letter, \
                 which cannot be displayed legibly."
            ),
        });
    }
    LabelAnalysis {
        scripts: resolved.names(),
        single_script: !resolved.is_empty(),
        restriction_level: s.restriction_level(),
        label_script: s.label_script(),
        mixed_numbers: s.zeros.1 != 0,
        first_restricted: s.first_restricted,
        hidden,
        warnings,
    }
}

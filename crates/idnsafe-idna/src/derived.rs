//! The RFC 5892 derived property of every code point, computed by the
//! algorithm of RFC 5892 §3 from the Unicode properties that ICU4X ships
//! (`icu_properties`, `icu_normalizer`, `icu_casemap`), never copied from a
//! table.
//!
//! [`derive`] runs the algorithm for one code point. [`derived_property`] is
//! the fast lookup used on the hot path: a two-stage table built once, on
//! first use, by running [`derive`] over all 1,114,112 code points.

use std::sync::OnceLock;

use icu_casemap::CaseMapper;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{
    Block, DefaultIgnorableCodePoint, GeneralCategory, HangulSyllableType, JoinControl,
    NoncharacterCodePoint, WhiteSpace,
};
use icu_properties::{CodePointMapData, CodePointSetData};
use serde::Serialize;

/// The IDNA2008 derived property of a code point (RFC 5892 §2 and §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DerivedProperty {
    /// Protocol valid: may appear in a U-label.
    Pvalid,
    /// Join controls: valid only where an RFC 5892 Appendix A CONTEXTJ rule holds.
    ContextJ,
    /// Other code points valid only where an RFC 5892 Appendix A CONTEXTO rule holds.
    ContextO,
    /// Never valid in a U-label.
    Disallowed,
    /// Not assigned in this Unicode version; not valid until it is.
    Unassigned,
}

impl DerivedProperty {
    /// The name used in RFC 5892 and in Unicode's `Idna2008.txt`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DerivedProperty::Pvalid => "PVALID",
            DerivedProperty::ContextJ => "CONTEXTJ",
            DerivedProperty::ContextO => "CONTEXTO",
            DerivedProperty::Disallowed => "DISALLOWED",
            DerivedProperty::Unassigned => "UNASSIGNED",
        }
    }

    /// Parses the names used in `Idna2008.txt` and IANA's tables.
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "PVALID" => DerivedProperty::Pvalid,
            "CONTEXTJ" => DerivedProperty::ContextJ,
            "CONTEXTO" => DerivedProperty::ContextO,
            "DISALLOWED" => DerivedProperty::Disallowed,
            "UNASSIGNED" => DerivedProperty::Unassigned,
            _ => return None,
        })
    }

    const fn from_u8(v: u8) -> Self {
        match v {
            0 => DerivedProperty::Pvalid,
            1 => DerivedProperty::ContextJ,
            2 => DerivedProperty::ContextO,
            3 => DerivedProperty::Disallowed,
            _ => DerivedProperty::Unassigned,
        }
    }
}

/// RFC 5892 §2.6 Exceptions (F), with the values §2.6 assigns.
fn exception(cp: u32) -> Option<DerivedProperty> {
    use DerivedProperty::*;
    Some(match cp {
        // PVALID: characters that would otherwise be DISALLOWED or unstable.
        0x00DF | 0x03C2 | 0x06FD | 0x06FE | 0x0F0B | 0x3007 => Pvalid,
        // CONTEXTO: punctuation and digits that need a context rule (Appendix A.3-A.9).
        0x00B7 | 0x0375 | 0x05F3 | 0x05F4 | 0x30FB => ContextO,
        0x0660..=0x0669 | 0x06F0..=0x06F9 => ContextO,
        // DISALLOWED: tatweel, N'Ko lajanyalan, vertical kana repeat marks and friends.
        0x0640 | 0x07FA | 0x302E | 0x302F | 0x3031..=0x3035 | 0x303B => Disallowed,
        _ => return None,
    })
}

/// RFC 5892 §2.7 BackwardCompatible (G): empty in RFC 5892 and every update
/// since (RFC 6452, RFC 8753 added nothing).
fn backward_compatible(_cp: u32) -> Option<DerivedProperty> {
    None
}

/// RFC 5892 §2.3 Unstable (B): `cp != toNFKC(toCaseFold(toNFKC(cp)))`.
fn unstable(c: char) -> bool {
    let nfkc = ComposingNormalizerBorrowed::new_nfkc();
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    let step1 = nfkc.normalize(s);
    let folded = CaseMapper::new().fold_string(&step1);
    let step3 = nfkc.normalize(&folded);
    step3 != s
}

/// The RFC 5892 §3 algorithm for one code point (surrogates and values beyond
/// U+10FFFF are DISALLOWED: they can never be in a label).
pub fn derive(cp: u32) -> DerivedProperty {
    use DerivedProperty::*;
    if let Some(p) = exception(cp) {
        return p;
    }
    if let Some(p) = backward_compatible(cp) {
        return p;
    }
    let Some(c) = char::from_u32(cp) else {
        // Surrogate code points: General_Category Cs, not Cn, and not LetterDigits.
        return Disallowed;
    };
    let gc = CodePointMapData::<GeneralCategory>::new().get(c);
    let noncharacter = CodePointSetData::new::<NoncharacterCodePoint>().contains(c);
    // §2.10 Unassigned (J): General_Category Cn and not a noncharacter.
    if gc == GeneralCategory::Unassigned && !noncharacter {
        return Unassigned;
    }
    // §2.9 LDH (I).
    if matches!(cp, 0x2D | 0x30..=0x39 | 0x61..=0x7A) {
        return Pvalid;
    }
    // §2.8 JoinControl (H).
    if CodePointSetData::new::<JoinControl>().contains(c) {
        return ContextJ;
    }
    // Every remaining step of §3 yields DISALLOWED except LetterDigits, which
    // yields PVALID; so a code point outside LetterDigits is DISALLOWED
    // whatever the steps in between say. Checking it first only saves the
    // normalization work of the Unstable test; the result is the same.
    let letter_digits = matches!(
        gc,
        GeneralCategory::LowercaseLetter
            | GeneralCategory::UppercaseLetter
            | GeneralCategory::OtherLetter
            | GeneralCategory::DecimalNumber
            | GeneralCategory::ModifierLetter
            | GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
    );
    if !letter_digits {
        return Disallowed;
    }
    // §2.3 Unstable (B).
    if unstable(c) {
        return Disallowed;
    }
    // §2.4 IgnorableProperties (C).
    if CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointSetData::new::<WhiteSpace>().contains(c)
        || noncharacter
    {
        return Disallowed;
    }
    // §2.5 IgnorableBlocks (D).
    let block = CodePointMapData::<Block>::new().get(c);
    if block == Block::CombiningDiacriticalMarksForSymbols
        || block == Block::MusicalSymbols
        || block == Block::AncientGreekMusicalNotation
    {
        return Disallowed;
    }
    // §2.9 OldHangulJamo (I): Hangul_Syllable_Type L, V or T.
    let hst = CodePointMapData::<HangulSyllableType>::new().get(c);
    if hst == HangulSyllableType::LeadingJamo
        || hst == HangulSyllableType::VowelJamo
        || hst == HangulSyllableType::TrailingJamo
    {
        return Disallowed;
    }
    // §2.1 LetterDigits (A), established above.
    Pvalid
}

/// Number of code points covered by one lazily computed block.
const BLOCK: usize = 256;
const PLANE_BLOCKS: usize = 0x11_0000 / BLOCK;

/// The table: one block of 256 property values per 256 code points, each
/// computed by [`derive`] the first time a code point in it is looked up.
/// A process that checks Latin and Cyrillic names pays for a few blocks,
/// not for all 1,114,112 code points (which take ~0.2 s in a release build).
static BLOCKS: [OnceLock<[u8; BLOCK]>; PLANE_BLOCKS] = [const { OnceLock::new() }; PLANE_BLOCKS];

fn compute_block(b: usize) -> [u8; BLOCK] {
    let mut block = [0u8; BLOCK];
    let base = (b * BLOCK) as u32;
    for (i, slot) in block.iter_mut().enumerate() {
        *slot = derive(base + i as u32) as u8;
    }
    block
}

/// Computes the whole table now instead of on first use (useful before timing).
pub fn warm_up() {
    for (b, cell) in BLOCKS.iter().enumerate() {
        cell.get_or_init(|| compute_block(b));
    }
}

/// The derived property of `c`, from the table filled by [`derive`].
#[inline]
pub fn derived_property(c: char) -> DerivedProperty {
    // LDH fast path: no table access for the common case.
    if matches!(c, 'a'..='z' | '0'..='9' | '-') {
        return DerivedProperty::Pvalid;
    }
    let cp = c as usize;
    let b = cp / BLOCK;
    let v = BLOCKS
        .get(b)
        .and_then(|cell| cell.get_or_init(|| compute_block(b)).get(cp % BLOCK))
        .copied()
        .unwrap_or(DerivedProperty::Disallowed as u8);
    DerivedProperty::from_u8(v)
}

/// The derived property of a code point given as a number (surrogates and
/// values beyond U+10FFFF are DISALLOWED).
pub fn derived_property_u32(cp: u32) -> DerivedProperty {
    match char::from_u32(cp) {
        Some(c) => derived_property(c),
        None => DerivedProperty::Disallowed,
    }
}

/// Maximal ranges of equal derived property over all code points, in order:
/// the content of Unicode's `Idna2008.txt`.
pub fn derived_ranges() -> Vec<(u32, u32, DerivedProperty)> {
    let mut out: Vec<(u32, u32, DerivedProperty)> = Vec::new();
    for cp in 0..0x11_0000u32 {
        let p = derived_property_u32(cp);
        match out.last_mut() {
            Some(last) if last.2 == p && last.1 + 1 == cp => last.1 = cp,
            _ => out.push((cp, cp, p)),
        }
    }
    out
}

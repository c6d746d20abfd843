//! Per-code-point data, baked from the Unicode 18.0.0 files by
//! `examples/generate_tables` into a two-stage lookup table.

// Generated; formatting it would make the drift test fail.
#[rustfmt::skip]
mod identifier;

use identifier::{BLOCKS, CLASSES, INDEX, SCX_SETS, SHIFT};
pub(crate) use identifier::{
    BOPO, CHER, CYRL, GREK, HANB, HANG, HANI, HIRA, JPAN, KANA, KORE, LATN, SCRIPT_NAMES, ZINH,
    ZYYY, ZZZZ,
};

/// Everything the label checks need to know about one code point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CharClass {
    /// Script property value: index into `SCRIPT_NAMES`.
    pub script: u8,
    /// Augmented Script_Extensions: index into `SCX_SETS`.
    pub scx: u16,
    /// `F_*` bits.
    pub flags: u8,
    /// Identifier_Type set, bit i = `IdentifierType` number i.
    pub id_type: u16,
    /// For a decimal digit (gc=Nd), the code point of its zero; else 0.
    pub zero: u32,
}

/// Identifier_Status=Allowed (UTS #39 §3.1).
pub(crate) const F_ALLOWED: u8 = 1;
/// Default_Ignorable_Code_Point.
pub(crate) const F_DEFAULT_IGNORABLE: u8 = 2;
/// General_Category Mn or Me.
pub(crate) const F_NONSPACING_MARK: u8 = 4;
/// A mark, or a character whose canonical decomposition contains one.
pub(crate) const F_MARK_SCAN: u8 = 8;

/// Used only if the tables were inconsistent, which the drift test rules out.
const FALLBACK: CharClass =
    CharClass { script: ZZZZ, scx: u16::MAX, flags: 0, id_type: 1, zero: 0 };

#[inline]
pub(crate) fn class(c: char) -> CharClass {
    let cp = c as u32;
    let block = INDEX.get((cp >> SHIFT) as usize).copied().unwrap_or(0) as usize;
    let slot = (block << SHIFT) | (cp & ((1 << SHIFT) - 1)) as usize;
    let id = BLOCKS.get(slot).copied().unwrap_or(0);
    CLASSES.get(id as usize).copied().unwrap_or(FALLBACK)
}

#[inline]
pub(crate) fn scx_bits(class: CharClass) -> [u64; 4] {
    SCX_SETS.get(class.scx as usize).copied().unwrap_or([0; 4])
}

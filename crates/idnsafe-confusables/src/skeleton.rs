//! The UTS #39 skeleton (§4), computed from a per-code-point table.
//!
//! UTS #39 §4 defines `skeleton(X)` as: NFD, remove Default_Ignorable code
//! points, replace each character by its prototype, NFD again. The table in
//! [`crate::tables`] holds `P(c) = skeleton(c)` for every code point, made by
//! the reference implementation `unicode_security::skeleton`. When every
//! character of a label is "simple" (its decomposition and its skeleton start
//! with a starter, the skeleton is not empty) the skeleton of the label is the
//! concatenation of the `P(c)`: no NFD runs at all. Otherwise the exact
//! definition runs (NFD, per-character `P`, NFD).

use unicode_normalization::UnicodeNormalization;

use crate::tables::{ASCII, DATA, HANGUL, SHIFT, SPECIAL, STAGE1, STAGE2};

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = 21 * T_COUNT;

/// The table entry of one code point: `None` when it maps to itself.
enum Entry {
    Itself,
    Hangul,
    Special { data: &'static str, simple: bool },
}

#[inline]
fn entry(c: char) -> Entry {
    let cp = c as u32;
    let block = STAGE1.get((cp >> SHIFT) as usize).copied().unwrap_or(0) as usize;
    let at = (block << SHIFT) | (cp as usize & ((1 << SHIFT) - 1));
    match STAGE2.get(at).copied().unwrap_or(0) {
        0 => Entry::Itself,
        HANGUL => Entry::Hangul,
        id => {
            let packed = SPECIAL.get(id as usize).copied().unwrap_or(0);
            let offset = (packed >> 9) as usize;
            let len = ((packed >> 1) & 0xFF) as usize;
            match DATA.get(offset..offset + len) {
                Some(data) => Entry::Special { data, simple: packed & 1 == 1 },
                None => {
                    // Impossible with a generated table; fall back to identity.
                    debug_assert!(false, "skeleton table out of range for U+{cp:04X}");
                    Entry::Itself
                }
            }
        }
    }
}

/// The jamo of a Hangul syllable (Unicode §3.12), `T` absent when zero.
#[inline]
fn hangul_jamo(c: char) -> [Option<char>; 3] {
    let s = (c as u32).wrapping_sub(S_BASE);
    let l = char::from_u32(L_BASE + s / N_COUNT);
    let v = char::from_u32(V_BASE + (s % N_COUNT) / T_COUNT);
    let t = s % T_COUNT;
    let t = if t == 0 { None } else { char::from_u32(T_BASE + t) };
    [l, v, t]
}

/// Whether `P(c) = c` and `c` is a starter (a simple character that the
/// skeleton leaves as it is).
#[inline]
pub(crate) fn maps_to_itself(c: char) -> bool {
    matches!(entry(c), Entry::Itself)
}

/// Whether `c` is simple (see the module documentation): a label of simple
/// characters has the concatenation of their prototypes as its skeleton.
pub(crate) fn is_simple(c: char) -> bool {
    match entry(c) {
        Entry::Itself => true,
        Entry::Special { simple, .. } => simple,
        Entry::Hangul => hangul_jamo(c).into_iter().flatten().all(is_simple),
    }
}

/// The conjoining jamo of a precomposed Hangul syllable, `None` for any
/// other character. Its skeleton is that of the jamo, in order.
#[inline]
pub(crate) fn hangul_syllable_jamo(c: char) -> Option<[Option<char>; 3]> {
    matches!(entry(c), Entry::Hangul).then(|| hangul_jamo(c))
}

/// Appends `P(c)` to `out`; returns false when `c` is not simple.
#[inline]
fn push_prototype(c: char, out: &mut String) -> bool {
    match entry(c) {
        Entry::Itself => {
            out.push(c);
            true
        }
        Entry::Special { data, simple } => {
            out.push_str(data);
            simple
        }
        Entry::Hangul => {
            let mut simple = true;
            for j in hangul_jamo(c).into_iter().flatten() {
                simple &= push_prototype(j, out);
            }
            simple
        }
    }
}

/// Appends a short key; one-byte keys (almost all of LDH) skip `memcpy`.
#[inline(always)]
pub(crate) fn push_ascii_key(k: &str, out: &mut String) {
    match k.as_bytes() {
        [b] => out.push(char::from(*b)),
        _ => out.push_str(k),
    }
}

/// Writes the UTS #39 skeleton of `s` into `out` (cleared first).
///
/// Identical to `unicode_security::skeleton(s).collect::<String>()`.
pub fn skeleton_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.reserve(s.len() + 4);
        for b in s.bytes() {
            push_ascii_key(ASCII.get(b as usize).copied().unwrap_or(""), out);
        }
        return;
    }
    for c in s.chars() {
        if !push_prototype(c, out) {
            return skeleton_exact(s, out);
        }
    }
}

/// The UTS #39 §4 definition step by step, with the table for the prototypes.
fn skeleton_exact(s: &str, out: &mut String) {
    let mut mapped = String::with_capacity(s.len() * 2);
    for c in s.chars().nfd() {
        // For an NFD character `P(c) = NFD(prototype(c))` (empty when
        // Default_Ignorable); the final NFD absorbs the inner one.
        push_prototype(c, &mut mapped);
    }
    out.clear();
    out.extend(mapped.chars().nfd());
}

/// The UTS #39 skeleton of `s` as a new string.
pub fn skeleton(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    skeleton_into(s, &mut out);
    out
}

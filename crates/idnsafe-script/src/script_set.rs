//! A set of scripts (ISO 15924 codes), including the UTS #39 §5.1
//! augmented sets `Hanb`, `Jpan` and `Kore`.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::tables::{self, SCRIPT_NAMES};

const N: usize = SCRIPT_NAMES.len();

// Only evaluated at compile time, where an index out of range is a build error.
#[allow(clippy::indexing_slicing)]
const fn all_bits() -> [u64; 4] {
    let mut bits = [0u64; 4];
    let mut i = 0;
    while i < 4 {
        let lo = i * 64;
        bits[i] = if N >= lo + 64 {
            u64::MAX
        } else if N > lo {
            (1u64 << (N - lo)) - 1
        } else {
            0
        };
        i += 1;
    }
    bits
}

/// A set of scripts, named by their ISO 15924 short codes (`Latn`, `Cyrl`,
/// `Jpan`, ...). Copy, 32 bytes, no allocation.
///
/// The set of *every* script is what UTS #39 §5.1 assigns to Common and
/// Inherited characters; [`ScriptSet::names`] shows it as `["Zyyy"]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScriptSet {
    bits: [u64; 4],
}

impl ScriptSet {
    /// No script.
    pub const EMPTY: ScriptSet = ScriptSet { bits: [0; 4] };
    /// Every script (the resolved set of a string of only Common/Inherited characters).
    pub const ALL: ScriptSet = ScriptSet { bits: all_bits() };

    pub(crate) const fn from_bits(bits: [u64; 4]) -> Self {
        ScriptSet { bits }
    }

    pub(crate) const fn bits(self) -> [u64; 4] {
        self.bits
    }

    pub(crate) const fn single(index: u8) -> Self {
        let i = index as usize;
        let w = 1u64 << (i % 64);
        let bits = match i / 64 {
            0 => [w, 0, 0, 0],
            1 => [0, w, 0, 0],
            2 => [0, 0, w, 0],
            _ => [0, 0, 0, w],
        };
        ScriptSet { bits }
    }

    #[inline]
    pub(crate) fn has(self, index: u8) -> bool {
        let i = index as usize;
        self.bits.get(i / 64).is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// The set holds no script (the string is mixed-script).
    pub fn is_empty(self) -> bool {
        self.bits == [0; 4]
    }

    /// The set holds every script.
    pub fn is_all(self) -> bool {
        self == Self::ALL
    }

    /// Number of scripts in the set.
    pub fn len(self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set holds the script with this ISO 15924 short code.
    pub fn contains(self, short_name: &str) -> bool {
        script_index(short_name).is_some_and(|i| self.has(i))
    }

    /// Scripts in both sets.
    #[must_use]
    pub fn intersection(self, other: ScriptSet) -> ScriptSet {
        let mut bits = self.bits;
        for (b, o) in bits.iter_mut().zip(other.bits) {
            *b &= o;
        }
        ScriptSet { bits }
    }

    /// Scripts in either set.
    #[must_use]
    pub fn union(self, other: ScriptSet) -> ScriptSet {
        let mut bits = self.bits;
        for (b, o) in bits.iter_mut().zip(other.bits) {
            *b |= o;
        }
        ScriptSet { bits }
    }

    /// Short codes of the members, sorted.
    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        self.indices().filter_map(|i| SCRIPT_NAMES.get(i).map(|n| n.0))
    }

    /// Long names (`Latin`, `Cyrillic`, `Japanese`) of the members, in short-code order.
    pub fn long_names(self) -> impl Iterator<Item = &'static str> {
        self.indices().filter_map(|i| SCRIPT_NAMES.get(i).map(|n| n.1))
    }

    fn indices(self) -> impl Iterator<Item = usize> {
        self.bits.into_iter().enumerate().flat_map(|(w, mut word)| {
            std::iter::from_fn(move || {
                if word == 0 {
                    return None;
                }
                let b = word.trailing_zeros() as usize;
                word &= word - 1;
                Some(w * 64 + b)
            })
        })
    }

    /// Sorted short codes, with the set of every script shown as `["Zyyy"]`.
    pub fn names(self) -> Vec<&'static str> {
        if self.is_all() { vec![short_name(tables::ZYYY)] } else { self.iter().collect() }
    }
}

impl fmt::Debug for ScriptSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}

impl Serialize for ScriptSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

pub(crate) fn short_name(index: u8) -> &'static str {
    SCRIPT_NAMES.get(index as usize).map_or("Zzzz", |n| n.0)
}

pub(crate) fn script_index(short_name: &str) -> Option<u8> {
    SCRIPT_NAMES
        .binary_search_by(|(s, _)| (*s).cmp(short_name))
        .ok()
        .and_then(|i| u8::try_from(i).ok())
}

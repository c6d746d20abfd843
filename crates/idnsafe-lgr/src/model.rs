//! The loaded LGR model.

use crate::cpset::CpSet;
use crate::error::Diagnostic;
use crate::rules::Rule;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Metadata of an LGR (RFC 7940 §4.3).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metadata {
    /// `<version>` text.
    pub version: Option<String>,
    /// `<version comment=..>`.
    pub version_comment: Option<String>,
    /// `<date>`.
    pub date: Option<String>,
    /// `<language>` tags (BCP 47), in order.
    pub languages: Vec<String>,
    /// `<scope type=..>` entries as (type, value).
    pub scopes: Vec<(String, String)>,
    /// `<unicode-version>`.
    pub unicode_version: Option<String>,
    /// `<validity-start>`.
    pub validity_start: Option<String>,
    /// `<validity-end>`.
    pub validity_end: Option<String>,
    /// `<description>` text (may be HTML; see `description_type`).
    pub description: Option<String>,
    /// `<description type=..>`.
    pub description_type: Option<String>,
    /// `<references>`: (id, text, comment).
    pub references: Vec<Reference>,
}

/// One `<reference>` of the metadata.
#[derive(Clone, Debug, Serialize)]
pub struct Reference {
    /// `id` attribute.
    pub id: String,
    /// Text.
    pub text: String,
    /// `comment` attribute.
    pub comment: Option<String>,
}

/// A label disposition (RFC 7940 §7.3). LGRs may define their own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
#[non_exhaustive]
pub enum Disposition {
    /// Valid (the usual disposition of an original label).
    Valid,
    /// Invalid: the label may never be registered.
    Invalid,
    /// Blocked: a variant label that no one may register.
    Blocked,
    /// Allocatable: a variant label that the holder of the original may register.
    Allocatable,
    /// Activated: a variant label delegated with the original.
    Activated,
    /// Any other disposition an LGR defines.
    Other(Box<str>),
}

impl Disposition {
    /// The disposition as written in the LGR.
    pub fn as_str(&self) -> &str {
        match self {
            Disposition::Valid => "valid",
            Disposition::Invalid => "invalid",
            Disposition::Blocked => "blocked",
            Disposition::Allocatable => "allocatable",
            Disposition::Activated => "activated",
            Disposition::Other(s) => s,
        }
    }

    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "valid" => Disposition::Valid,
            "invalid" => Disposition::Invalid,
            "blocked" => Disposition::Blocked,
            "allocatable" => Disposition::Allocatable,
            "activated" => Disposition::Activated,
            o => Disposition::Other(o.into()),
        }
    }

    /// Whether a variant label with this disposition can be registered
    /// (allocatable or activated).
    pub fn is_allocatable(&self) -> bool {
        matches!(self, Disposition::Allocatable | Disposition::Activated)
    }
}

impl From<Disposition> for String {
    fn from(d: Disposition) -> String {
        d.as_str().to_owned()
    }
}

impl std::fmt::Display for Disposition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of variant types, as a bit set over the LGR's type table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VariantTypes(pub(crate) u128);

impl VariantTypes {
    /// Whether no variant type is present.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One variant mapping of a repertoire element (RFC 7940 §5.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VariantMapping {
    /// The variant code point(s).
    pub target: Vec<u32>,
    /// Its variant type(s).
    pub types: Vec<String>,
    /// Whether it applies only in context (`when`/`not-when`).
    pub contextual: bool,
    /// The LGR's comment.
    pub comment: Option<String>,
}

/// Code points below this are looked up in [`Lgr::dense`].
pub(crate) const DENSE_LIMIT: u32 = 0x800;
/// A `dense` entry's element id bits; `DENSE_NONE` there means "no element".
pub(crate) const DENSE_ID: u32 = 0x7FFF_FFFF;
pub(crate) const DENSE_NONE: u32 = DENSE_ID;
/// A `dense` entry's flag: some sequence starts with this code point.
pub(crate) const DENSE_SEQ: u32 = 0x8000_0000;

/// Maximum number of distinct variant types in one LGR.
pub(crate) const MAX_TYPES: usize = 128;

/// [`Lgr::dense_fixed`] for a code point without a context-free element.
pub(crate) const NO_FIXED: (u32, u32) = (u32::MAX, 0);

#[derive(Clone, Debug)]
pub(crate) struct Var {
    pub cps: Box<[u32]>,
    pub types: u128,
    pub when: Option<u32>,
    pub not_when: Option<u32>,
    pub comment: Option<String>,
    /// The mapping's type is "out-of-repertoire-var" (RFC 7940 §5.3.4).
    pub type_names_hint_oor: bool,
    /// Where `cps` starts in [`Lgr::var_pool`].
    pub pool: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Elem {
    pub cps: Box<[u32]>,
    pub tags: Vec<String>,
    pub when: Option<u32>,
    pub not_when: Option<u32>,
    pub vars: Vec<Var>,
    pub line: u32,
    /// Bit b set: this element holds a code point from the first set of
    /// the rule with prefilter bit b (so a label without it cannot match).
    pub first_mask: u128,
    /// Its choices, worked out once, when neither it nor any of its
    /// variants has a context (they are then the same in every label): a
    /// range of [`Lgr::fixed_opts`], itself first (with the types of its
    /// reflexive mappings), then one per distinct variant target with the
    /// types of every mapping to it.
    pub fixed: Option<(u32, u32)>,
}

/// One choice at a position of a label's choice tree: an element of `len`
/// code points of the label, kept (`to_len == 0`) or replaced by the
/// variant `var_pool[to..to + to_len]`.
///
/// 32 bytes and free of borrows, so the choices of context-free elements
/// are worked out once at load ([`Lgr::fixed_opts`]) and a label's tree
/// refers to them instead of copying them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Opt {
    pub len: u32,
    pub to: u32,
    pub to_len: u32,
    pub mapped: bool,
    pub types: [u64; 2],
}

impl Opt {
    /// Keeps the label's own `len` code points.
    pub(crate) fn own(len: usize, types: u128, mapped: bool) -> Self {
        Opt { len: to_u32(len), to: 0, to_len: 0, mapped, types: pack(types) }
    }

    /// Replaces the label's `len` code points with the variant `v`.
    pub(crate) fn var(len: usize, v: &Var, types: u128) -> Self {
        Opt {
            len: to_u32(len),
            to: v.pool,
            to_len: to_u32(v.cps.len()),
            mapped: true,
            types: pack(types),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    pub(crate) fn types(&self) -> u128 {
        unpack(self.types)
    }

    pub(crate) fn add_types(&mut self, t: u128) {
        self.types = pack(self.types() | t);
    }

    /// The code points this choice writes at `pos` of `label`.
    #[inline]
    pub(crate) fn cps<'b>(&self, label: &'b [u32], pos: usize, pool: &'b [u32]) -> &'b [u32] {
        if self.to_len == 0 {
            label.get(pos..pos + self.len()).unwrap_or(&[])
        } else {
            let at = self.to as usize;
            pool.get(at..at + self.to_len as usize).unwrap_or(&[])
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A `u128` as two `u64` (8-byte alignment keeps choices and frames small).
pub(crate) fn pack(v: u128) -> [u64; 2] {
    [v as u64, (v >> 64) as u64]
}

pub(crate) fn unpack([lo, hi]: [u64; 2]) -> u128 {
    u128::from(lo) | (u128::from(hi) << 64)
}

impl Lgr {
    /// The table of [`Lgr::dense`] for `single` and `seqs`.
    pub(crate) fn build_dense(
        single: &FxHashMap<u32, u32>,
        seqs: &FxHashMap<u32, Vec<u32>>,
    ) -> Box<[u32]> {
        (0..DENSE_LIMIT)
            .map(|c| {
                let id = single.get(&c).copied().filter(|&i| i < DENSE_ID).unwrap_or(DENSE_NONE);
                id | if seqs.contains_key(&c) { DENSE_SEQ } else { 0 }
            })
            .collect()
    }

    /// [`Lgr::dense_fixed`]: per code point below [`DENSE_LIMIT`], the
    /// load-time choices of its own element when that is context-free.
    pub(crate) fn build_dense_fixed(
        elems: &[Elem],
        single: &FxHashMap<u32, u32>,
    ) -> Box<[(u32, u32)]> {
        (0..DENSE_LIMIT)
            .map(|c| single.get(&c).and_then(|&i| elems.get(i as usize)?.fixed).unwrap_or(NO_FIXED))
            .collect()
    }

    /// [`Lgr::seq_second`]: the code points below [`DENSE_LIMIT`] that are
    /// the second of some sequence element.
    pub(crate) fn build_seq_second(elems: &[Elem], seqs: &FxHashMap<u32, Vec<u32>>) -> Box<[u64]> {
        let mut bits = vec![0u64; DENSE_LIMIT as usize / 64];
        for &c in seqs.values().flatten().filter_map(|&i| elems.get(i as usize)?.cps.get(1)) {
            if let Some(w) = bits.get_mut(c as usize / 64) {
                *w |= 1 << (c % 64);
            }
        }
        bits.into_boxed_slice()
    }

    /// Whether a sequence element can start just before `c` (false only
    /// when no sequence has `c` as its second code point).
    #[inline]
    pub(crate) fn may_follow_in_seq(&self, c: u32) -> bool {
        match self.seq_second.get(c as usize / 64) {
            Some(&w) if c < DENSE_LIMIT => w & (1 << (c % 64)) != 0,
            _ => true,
        }
    }

    /// The single-code-point element of `c`, and whether a sequence
    /// starts with `c`.
    #[inline(always)]
    pub(crate) fn single_and_seq(&self, c: u32) -> (Option<u32>, bool) {
        match self.dense.get(c as usize) {
            Some(&d) => ((d & DENSE_ID != DENSE_NONE).then_some(d & DENSE_ID), d & DENSE_SEQ != 0),
            None => self.single_and_seq_sparse(c),
        }
    }

    #[cold]
    fn single_and_seq_sparse(&self, c: u32) -> (Option<u32>, bool) {
        (self.single.get(&c).copied(), self.seqs.contains_key(&c))
    }
}

impl Elem {
    /// The element's fixed choices ([`Elem::fixed`]), if it and its
    /// variants are context-free; their entries are appended to `opts`.
    pub(crate) fn compute_fixed(&self, opts: &mut Vec<Opt>) -> Option<(u32, u32)> {
        if self.when.is_some()
            || self.not_when.is_some()
            || self.vars.iter().any(|v| v.when.is_some() || v.not_when.is_some())
        {
            return None;
        }
        let (mut own_types, mut own_mapped) = (0, false);
        let mut vars: Vec<(usize, u128)> = Vec::new();
        for (i, v) in self.vars.iter().enumerate() {
            if v.cps == self.cps {
                own_types |= v.types;
                own_mapped = true;
                continue;
            }
            let seen =
                vars.iter_mut().find(|(j, _)| self.vars.get(*j).is_some_and(|w| w.cps == v.cps));
            match seen {
                Some((_, t)) => *t |= v.types,
                None => vars.push((i, v.types)),
            }
        }
        let len = self.cps.len();
        let start = to_u32(opts.len());
        opts.push(Opt::own(len, own_types, own_mapped));
        for (i, types) in vars {
            if let Some(v) = self.vars.get(i) {
                opts.push(Opt::var(len, v, types));
            }
        }
        Some((start, to_u32(opts.len())))
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RangeElem {
    pub first: u32,
    pub last: u32,
    pub when: Option<u32>,
    pub not_when: Option<u32>,
    /// See `Elem::first_mask`.
    pub first_mask: u128,
}

#[derive(Clone, Debug)]
pub(crate) enum Trigger {
    Always,
    Match(u32),
    NotMatch(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarTrigger {
    None,
    Any(u128),
    All(u128),
    Only(u128),
}

#[derive(Clone, Debug)]
pub(crate) struct Action {
    pub disp: Disposition,
    pub trigger: Trigger,
    pub var: VarTrigger,
    pub comment: Option<String>,
    /// Implicit RFC 7940 §7.6 default action (not in the file).
    pub default: bool,
}

/// Where a code point or sequence of a label sits in the repertoire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ElemRef {
    Elem(u32),
    Range(u32),
}

/// How the variant relation of an LGR behaves (RFC 8228 §4 wants it to be
/// an equivalence; RFC 7940 §5.3.3 asks for symmetry and transitivity).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VariantRelation {
    /// Every mapping a→b has a mapping b→a.
    pub symmetric: bool,
    /// a→b and b→c imply a→c (for a ≠ c).
    pub transitive: bool,
    /// Some mappings only apply in context (`when`/`not-when`).
    pub contextual: bool,
    /// Some mappings involve code point sequences.
    pub has_sequences: bool,
}

impl VariantRelation {
    /// Whether variant index keys decide "is a variant of" exactly: the
    /// relation is symmetric, transitive and context-free, and no mapping
    /// involves a code point sequence (where a label can be split into
    /// elements in more than one way, a linear-time key cannot follow
    /// every split).
    pub fn is_equivalence(&self) -> bool {
        self.symmetric && self.transitive && !self.contextual && !self.has_sequences
    }
}

/// A loaded, compiled LGR. Immutable and `Sync`; build once, share.
#[derive(Debug)]
pub struct Lgr {
    pub(crate) meta: Metadata,
    pub(crate) elems: Vec<Elem>,
    pub(crate) single: FxHashMap<u32, u32>,
    /// First code point of a sequence → element ids, longest first.
    pub(crate) seqs: FxHashMap<u32, Vec<u32>>,
    /// `single` and "starts a sequence" for code points below
    /// [`DENSE_LIMIT`], without hashing (the scripts of most labels).
    pub(crate) dense: Box<[u32]>,
    pub(crate) ranges: Vec<RangeElem>,
    /// The tags of each range, by index in [`Lgr::ranges`] (kept apart so
    /// the ranges searched on every label stay small).
    pub(crate) range_tags: Vec<Vec<String>>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) rule_names: FxHashMap<String, u32>,
    pub(crate) sets: Vec<CpSet>,
    pub(crate) actions: Vec<Action>,
    pub(crate) types: Vec<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) relation: VariantRelation,
    /// Variant-graph node (element or target) → canonical representative.
    pub(crate) key_map: FxHashMap<Box<[u32]>, Box<[u32]>>,
    /// Single code point → single code point representative (fast path).
    pub(crate) key_cp: FxHashMap<u32, u32>,
    /// Code points that need the general path of `index_key`: first code
    /// points of sequence keys, and code points whose representative is a
    /// sequence.
    pub(crate) key_seq_first: rustc_hash::FxHashSet<u32>,
    /// Longest key in `key_map` in code points (for keying segmentation).
    pub(crate) key_max_len: usize,
    /// Types whose presence means a variant label can never end up
    /// allocatable (RFC 7940 §7.4 order of precedence).
    pub(crate) doomed_types: u128,
    /// Every variant's code points, one after another ([`Var::pool`]).
    pub(crate) var_pool: Vec<u32>,
    /// The choices of every context-free element ([`Elem::fixed`]).
    pub(crate) fixed_opts: Vec<Opt>,
    /// For code points below [`DENSE_LIMIT`]: the range in
    /// [`Lgr::fixed_opts`] of the choices of the code point's own
    /// element when it is context-free ([`NO_FIXED`] otherwise).
    pub(crate) dense_fixed: Box<[(u32, u32)]>,
    /// Bit c set: code point c (below [`DENSE_LIMIT`]) is the second of
    /// some sequence element, so a sequence can start just before it.
    pub(crate) seq_second: Box<[u64]>,
    pub(crate) class_names: Vec<String>,
    /// Rule id → prefilter bit (rules with a known first set, up to 128).
    pub(crate) rule_bit: Vec<Option<u8>>,
}

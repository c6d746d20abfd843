//! Label operations: disposition (RFC 7940 §8), variant labels (RFC 7940
//! §8.2, RFC 8228), variant counts and variant index keys (RFC 7940 §8.5).

use crate::error::{LabelError, Reason, fmt_cps};
use crate::model::*;
use crate::rules::{Matcher, StepLimit};

/// The code points of `label`, in a vector sized once (collecting
/// `chars()` directly would grow it from a quarter of the byte length).
pub fn code_points(label: &str) -> Vec<u32> {
    let mut cps = Vec::with_capacity(label.len());
    cps.extend(label.chars().map(u32::from));
    cps
}

/// Longest label in code points (an A-label has at most 63 octets, so a
/// U-label has fewer code points still).
pub const MAX_LABEL_CPS: usize = 63;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Seg {
    pub start: usize,
    pub len: usize,
    pub elem: Option<ElemRef>,
}

/// The disposition of a label and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// The disposition (RFC 7940 §7.3).
    pub disposition: Disposition,
    /// Every reason found (empty for a label that fell through to the
    /// catch-all action).
    pub reasons: Vec<Reason>,
}

/// Options for [`Lgr::variants`].
#[derive(Clone, Debug)]
pub struct VariantOptions {
    /// Stop after producing this many variant labels.
    pub limit: u64,
    /// Produce only allocatable (or activated) variant labels, pruning
    /// branches that can only end blocked.
    pub allocatable_only: bool,
}

impl Default for VariantOptions {
    fn default() -> Self {
        VariantOptions { limit: 10_000, allocatable_only: false }
    }
}

/// One generated variant label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantLabel {
    /// The variant label (a U-label).
    pub label: String,
    /// Its disposition.
    pub disposition: Disposition,
    /// The variant types of the mappings that produced it.
    pub types: VariantTypes,
}

/// A canonical variant index key: under an LGR whose variant relation is an
/// equivalence, two labels are variants of each other exactly when their
/// keys are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct VariantKey(String);

impl VariantKey {
    /// The key as a string of code points.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Top bit of a position's range start in [`ChoiceTree::at`]: the range
/// is in the LGR's shared [`Lgr::fixed_opts`], not the label's own.
const IN_FIXED: u32 = 1 << 31;

/// The choices at every position of a label. A position whose only
/// element is context-free refers to the choices worked out at load;
/// the others are in one flat array (at most two allocations per label,
/// whatever its length).
#[derive(Debug)]
struct ChoiceTree<'a> {
    fixed: &'a [Opt],
    opts: Vec<Opt>,
    /// Per position, the range of its choices (in `fixed` when the start
    /// has [`IN_FIXED`] set, else in `opts`).
    at: Vec<(u32, u32)>,
}

impl<'a> ChoiceTree<'a> {
    fn len(&self) -> usize {
        self.at.len()
    }

    /// A range of load-time choices ([`Lgr::fixed_opts`]) as a position's
    /// range refers to it (`None` when it is too far to be tagged).
    fn tag_fixed((a, b): (u32, u32)) -> Option<(u32, u32)> {
        (a & IN_FIXED == 0).then_some((a | IN_FIXED, b))
    }

    /// Adds a position whose only element is context-free, with the
    /// choices `fixed` worked out at load.
    #[inline]
    fn push_sole(&mut self, fixed: (u32, u32)) {
        match Self::tag_fixed(fixed) {
            Some(r) => self.at.push(r),
            None => {
                let start = self.opts.len();
                self.push_fixed(fixed);
                self.close(start);
            }
        }
    }

    /// Pushes the choices of a context-free element worked out at load.
    fn push_fixed(&mut self, (a, b): (u32, u32)) {
        self.opts.extend_from_slice(self.fixed.get(a as usize..b as usize).unwrap_or(&[]));
    }

    /// Ends the choices of the next position: those pushed since `start`.
    fn close(&mut self, start: usize) {
        let end = self.opts.len();
        self.at.push((
            u32::try_from(start).unwrap_or(u32::MAX) & !IN_FIXED,
            u32::try_from(end).unwrap_or(u32::MAX),
        ));
    }

    #[inline]
    fn at(&self, i: usize) -> &[Opt] {
        self.at.get(i).map_or(&[], |&r| self.range(r))
    }

    /// The choices of a range as [`ChoiceTree::at`] holds them.
    #[inline]
    fn range(&self, (a, b): (u32, u32)) -> &[Opt] {
        if a & IN_FIXED != 0 {
            self.fixed.get((a & !IN_FIXED) as usize..b as usize)
        } else {
            self.opts.get(a as usize..b as usize)
        }
        .unwrap_or(&[])
    }
}

/// From a position of the label: how far the positions with one choice
/// (the label's own code points) reach, with their types, and where the
/// position starts in the label's UTF-8. The walk copies such a run in
/// one piece instead of stepping through it.
#[derive(Clone, Copy, Debug)]
struct Run {
    end: u32,
    byte: u32,
    mapped: bool,
    types: [u64; 2],
}

/// UTF-8 length of a code point as the walk writes it (none for a value
/// that is not a Unicode scalar value, which the text leaves out).
fn utf8_len(c: u32) -> usize {
    char::from_u32(c).map_or(0, char::len_utf8)
}

/// The runs of every position of `label` (and one for its end).
fn runs(options: &ChoiceTree<'_>, label: &[u32]) -> Vec<Run> {
    let n = label.len();
    let mut runs = Vec::with_capacity(n + 1);
    let mut byte = 0usize;
    for &c in label {
        runs.push(Run {
            end: 0,
            byte: u32::try_from(byte).unwrap_or(u32::MAX),
            mapped: true,
            types: [0; 2],
        });
        byte += utf8_len(c);
    }
    let (end, byte) =
        (u32::try_from(n).unwrap_or(u32::MAX), u32::try_from(byte).unwrap_or(u32::MAX));
    runs.push(Run { end, byte, mapped: true, types: [0; 2] });
    for i in (0..n).rev() {
        let (mut end, mut types, mut mapped) = (i, 0, true);
        if let [only] = options.at(i)
            && only.to_len == 0
            && let Some(next) = runs.get(i + only.len())
        {
            end = next.end as usize;
            types = only.types() | unpack(next.types);
            mapped = only.mapped && next.mapped;
        }
        if let Some(r) = runs.get_mut(i) {
            r.end = u32::try_from(end).unwrap_or(u32::MAX);
            r.types = pack(types);
            r.mapped = mapped;
        }
    }
    runs
}

/// One position with a choice, in odometer mode ([`odometer`]).
#[derive(Clone, Copy, Debug)]
struct Digit {
    /// Its choices (a range as [`ChoiceTree::at`] holds them).
    opts: (u32, u32),
    /// Position and length (code points) of the element, and the choice
    /// taken there.
    pos: u32,
    own_len: u32,
    k: u32,
    /// Where the element starts in the original's UTF-8, and its length.
    byte: u32,
    own_bytes: u32,
    /// Where this digit's choice starts in the current label's UTF-8, and
    /// in its code points (valid while those are kept up to date).
    text_start: u32,
    buf_start: u32,
    pre_mapped: bool,
    suf_mapped: bool,
    gap_mapped: bool,
    /// Types before the element (with the current choices before it).
    pre: [u64; 2],
    /// Types after the element when every later digit keeps its own.
    suf: [u64; 2],
    /// Types of the positions without a choice that follow the element,
    /// up to the next digit.
    gap: [u64; 2],
}

/// The positions with a choice of a label with one segmentation, as
/// odometer digits at their first choice (the label's own code points).
/// `None` (then the tree walk is used) when some position has no choice
/// (`range_at` gives none) or a first choice that is not the label's own,
/// or an offset does not fit 32 bits.
fn odometer(
    options: &ChoiceTree<'_>,
    label: &[u32],
    range_at: impl Fn(usize) -> Option<(u32, u32)>,
) -> Option<Vec<Digit>> {
    let n = label.len();
    let mut digits: Vec<Digit> = Vec::with_capacity(n.min(16));
    // Types so far, and of the gap after the last digit.
    let (mut acc, mut acc_m) = (0u128, true);
    let (mut gap, mut gap_m) = (0u128, true);
    let (mut p, mut byte) = (0usize, 0usize);
    while p < n {
        let range = range_at(p)?;
        let opts = options.range(range);
        let own = opts.first().filter(|o| o.to_len == 0 && o.len() > 0)?;
        let own_bytes = match label.get(p..p + own.len())? {
            [c] if *c < 0x80 => 1,
            cps => cps.iter().map(|&c| utf8_len(c)).sum(),
        };
        let (own_types, own_m) = (own.types(), own.mapped);
        if opts.len() > 1 {
            if let Some(d) = digits.last_mut() {
                d.gap = pack(gap);
                d.gap_mapped = gap_m;
            }
            (gap, gap_m) = (0, true);
            digits.push(Digit {
                opts: range,
                pos: u32::try_from(p).ok()?,
                own_len: own.len,
                k: 0,
                byte: u32::try_from(byte).ok()?,
                own_bytes: u32::try_from(own_bytes).ok()?,
                text_start: u32::try_from(byte).ok()?,
                buf_start: u32::try_from(p).ok()?,
                pre_mapped: acc_m,
                suf_mapped: true,
                gap_mapped: true,
                pre: pack(acc),
                suf: [0; 2],
                gap: [0; 2],
            });
        } else {
            gap |= own_types;
            gap_m &= own_m;
        }
        acc |= own_types;
        acc_m &= own_m;
        p += own.len();
        byte += own_bytes;
    }
    if let Some(d) = digits.last_mut() {
        d.gap = pack(gap);
        d.gap_mapped = gap_m;
    }
    // What follows each digit when every later one keeps its own.
    let (mut after, mut after_m) = (0u128, true);
    for d in digits.iter_mut().rev() {
        let suf = unpack(d.gap) | after;
        d.suf = pack(suf);
        d.suf_mapped = d.gap_mapped && after_m;
        let own = options.range(d.opts).first()?;
        after = own.types() | suf;
        after_m = own.mapped && d.suf_mapped;
    }
    Some(digits)
}

/// Whether some path of choices leads from the start of the label to its
/// end (every position reachable by a complete segmentation).
fn reaches_end(options: &ChoiceTree<'_>) -> bool {
    let n = options.len();
    let mut reach = [false; MAX_LABEL_CPS + 1];
    if let Some(r) = reach.get_mut(n) {
        *r = true;
    }
    for i in (0..n).rev() {
        let ok = options.at(i).iter().any(|o| reach.get(i + o.len()).copied().unwrap_or(false));
        if let Some(r) = reach.get_mut(i) {
            *r = ok;
        }
    }
    reach.first().copied().unwrap_or(false)
}

/// A context rule to check: the rule, whether it must match, the reason's
/// code, and why the element is refused (given the rule's name).
type ContextCheck = (Option<u32>, bool, &'static str, fn(&str) -> String);

/// `hay` starts with `needle`: an inlined loop (the slices are a few code
/// points long, too short for a `memcmp` call to pay).
#[inline]
fn starts_with(hay: &[u32], needle: &[u32]) -> bool {
    needle.len() <= hay.len() && needle.iter().zip(hay).all(|(a, b)| a == b)
}

/// Whether two short code point strings are equal (an inlined loop, not a
/// `memcmp` call).
#[inline]
fn same_cps(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && starts_with(a, b)
}

/// Appends a choice's code points to the output and its UTF-8 form.
#[inline]
fn push_cps(buf: &mut Vec<u32>, text: &mut String, cps: &[u32]) {
    for &c in cps {
        buf.push(c);
        if let Some(ch) = char::from_u32(c) {
            text.push(ch);
        }
    }
}

/// The labels a walk over several segmentations has produced, in one
/// arena (no allocation per label): a hash finds the first label with that
/// hash, and a hash collision falls back to comparing every stored label.
#[derive(Debug, Default)]
struct Seen {
    arena: Vec<u32>,
    ends: Vec<usize>,
    first: rustc_hash::FxHashMap<u64, usize>,
}

impl Seen {
    fn hash(label: &[u32]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        label.hash(&mut h);
        h.finish()
    }

    fn get(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.arena.get(start..end).unwrap_or(&[])
    }

    /// Whether `label` is stored.
    fn has(&self, label: &[u32]) -> bool {
        self.hash_if_absent(label).is_none()
    }

    /// The label's hash when it is not stored; `None` when it is.
    fn hash_if_absent(&self, label: &[u32]) -> Option<u64> {
        let h = Self::hash(label);
        match self.first.get(&h) {
            None => Some(h),
            Some(&i) if same_cps(self.get(i), label) => None,
            Some(_) => (0..self.ends.len()).all(|j| !same_cps(self.get(j), label)).then_some(h),
        }
    }

    /// Stores `label`; false when it was already there.
    fn insert(&mut self, label: &[u32]) -> bool {
        let Some(h) = self.hash_if_absent(label) else { return false };
        self.arena.extend_from_slice(label);
        self.ends.push(self.arena.len());
        self.first.entry(h).or_insert(self.ends.len() - 1);
        true
    }
}

/// One step of the depth-first walk of the choice tree.
#[derive(Clone, Copy, Debug)]
struct Frame {
    /// Position in the label and index of the choice taken there.
    pos: usize,
    k: usize,
    /// Length of the output (code points, and UTF-8 bytes) before this
    /// choice's code points.
    buf_start: usize,
    text_start: usize,
    /// Types, and whether every position was mapped, before this choice.
    pre: [u64; 2],
    pre_mapped: bool,
}

/// A lazily streamed iterator over the variant labels of a label.
pub struct Variants<'a> {
    lgr: &'a Lgr,
    options: ChoiceTree<'a>,
    /// Per position, its run of single choices ([`runs`]; the tree walk
    /// only).
    runs: Vec<Run>,
    /// The odometer's digits (labels with one segmentation).
    digits: Vec<Digit>,
    /// In odometer mode, `buf` is built only when asked for
    /// ([`Variants::leaf_cps`]); true when it is out of date.
    buf_stale: bool,
    /// The original label in UTF-8.
    original_text: String,
    /// The tree walk's choices, from the start of the label (empty in
    /// odometer mode, which uses `digits`).
    path: Vec<Frame>,
    odometer: bool,
    /// Types, and whether every position was mapped, of the current leaf.
    leaf_types: u128,
    leaf_mapped: bool,
    original: Vec<u32>,
    /// Labels already produced, kept only when segmentations can collide.
    seen: Option<Seen>,
    segs: Vec<Seg>,
    started: bool,
    done: bool,
    produced: u64,
    truncated: bool,
    opts: VariantOptions,
    steps: u64,
    /// The current leaf's code points (in odometer mode only once asked
    /// for: [`Variants::leaf_cps`]).
    buf: Vec<u32>,
    /// The current leaf in UTF-8 (only the changed tail of each label is
    /// written).
    text: String,
}

/// Per-label statistics for the CLI and reports.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Stats {
    /// Code points in the repertoire (ranges included).
    pub code_points: u64,
    /// Code point sequences in the repertoire.
    pub sequences: usize,
    /// Variant mappings.
    pub variant_mappings: usize,
    /// Variant types.
    pub variant_types: Vec<String>,
    /// Named rules.
    pub rules: usize,
    /// Classes (named and anonymous, after deduplication).
    pub classes: usize,
    /// Actions in the file.
    pub actions: usize,
    /// Variant relation properties.
    pub relation: VariantRelation,
}

impl Lgr {
    fn in_ranges(&self, c: u32) -> bool {
        let ri = self.ranges.partition_point(|r| r.last < c);
        self.ranges.get(ri).is_some_and(|r| r.first <= c)
    }

    pub(crate) fn lookup_at(&self, cps: &[u32], i: usize) -> Option<(ElemRef, usize)> {
        let &c = cps.get(i)?;
        let (single, seq) = self.single_and_seq(c);
        if seq && let Some(list) = self.seqs.get(&c) {
            let rest = cps.get(i..).unwrap_or(&[]);
            for &id in list {
                if let Some(e) = self.elems.get(id as usize)
                    && starts_with(rest, &e.cps)
                {
                    return Some((ElemRef::Elem(id), e.cps.len()));
                }
            }
        }
        if let Some(id) = single {
            return Some((ElemRef::Elem(id), 1));
        }
        let ri = self.ranges.partition_point(|r| r.last < c);
        match self.ranges.get(ri) {
            Some(r) if r.first <= c => Some((ElemRef::Range(ri as u32), 1)),
            _ => None,
        }
    }

    /// Whether some sequence element starting with `c` matches at `i`.
    #[inline(always)]
    fn seq_matches_at(&self, c: u32, cps: &[u32], i: usize) -> bool {
        // Sequences have at least two code points: most labels are ruled
        // out by the second one alone, without the hash lookup.
        cps.get(i + 1).is_some_and(|&n| self.may_follow_in_seq(n))
            && self.seq_list_matches_at(c, cps, i)
    }

    fn seq_list_matches_at(&self, c: u32, cps: &[u32], i: usize) -> bool {
        let rest = cps.get(i..).unwrap_or(&[]);
        self.seqs.get(&c).is_some_and(|list| {
            list.iter()
                .any(|&id| self.elems.get(id as usize).is_some_and(|e| starts_with(rest, &e.cps)))
        })
    }

    /// The load-time choices ([`Elem::fixed`]) of the single-code-point
    /// element at `i`, when it is the only element that can start there
    /// (no sequence matches) and it has no context; common code points are
    /// read from the dense table.
    #[inline]
    fn sole_fixed_at(&self, cps: &[u32], i: usize) -> Option<(u32, u32)> {
        let &c = cps.get(i)?;
        let (fixed, seq) = match (self.dense.get(c as usize), self.dense_fixed.get(c as usize)) {
            (Some(&d), Some(&r)) => ((r != NO_FIXED).then_some(r), d & DENSE_SEQ != 0),
            _ => {
                let (single, seq) = self.single_and_seq(c);
                (self.elems.get(single? as usize)?.fixed, seq)
            }
        };
        if seq && self.seq_matches_at(c, cps, i) {
            return None;
        }
        fixed
    }

    /// Every repertoire element that matches at `i`, longest first.
    pub(crate) fn candidates_at(&self, cps: &[u32], i: usize, out: &mut Vec<(ElemRef, usize)>) {
        out.clear();
        let Some(&c) = cps.get(i) else { return };
        let (single, seq) = self.single_and_seq(c);
        if seq && let Some(list) = self.seqs.get(&c) {
            let rest = cps.get(i..).unwrap_or(&[]);
            for &id in list {
                if let Some(e) = self.elems.get(id as usize)
                    && starts_with(rest, &e.cps)
                {
                    out.push((ElemRef::Elem(id), e.cps.len()));
                }
            }
        }
        if let Some(id) = single {
            out.push((ElemRef::Elem(id), 1));
        } else {
            let ri = self.ranges.partition_point(|r| r.last < c);
            if self.ranges.get(ri).is_some_and(|r| r.first <= c) {
                out.push((ElemRef::Range(ri as u32), 1));
            }
        }
    }

    /// Whether the element's own `when`/`not-when` allows it at `at`.
    fn elem_fits(&self, e: ElemRef, cps: &[u32], at: (usize, usize)) -> bool {
        let (w, nw) = self.elem_ctx(e);
        (w.is_none() && nw.is_none()) || self.context_ok(w, nw, cps, at, &[], &mut None)
    }

    /// Splits a label into repertoire elements (RFC 7940 §8.1): longest
    /// sequence first, skipping a candidate whose context is not satisfied
    /// when a shorter one exists. Unknown code points become
    /// one-code-point segments without an element.
    pub(crate) fn segment(&self, cps: &[u32], out: &mut Vec<Seg>) {
        out.clear();
        let mut cands = Vec::new();
        let mut i = 0;
        while i < cps.len() {
            // Fast path: no sequence matches here, so the element is the
            // code point's own (or its range's).
            let fast = cps.get(i).and_then(|&c| {
                let (single, seq) = self.single_and_seq(c);
                (!seq || !self.seq_matches_at(c, cps, i)).then_some(single)
            });
            let picked = match fast {
                Some(Some(id)) => Some((ElemRef::Elem(id), 1)),
                Some(None) => self.lookup_at(cps, i),
                None => {
                    self.candidates_at(cps, i, &mut cands);
                    let n = cands.len();
                    cands
                        .iter()
                        .enumerate()
                        .find(|&(k, &(e, len))| k + 1 == n || self.elem_fits(e, cps, (i, len)))
                        .map(|(_, &c)| c)
                }
            };
            match picked {
                Some((e, len)) => {
                    out.push(Seg { start: i, len, elem: Some(e) });
                    i += len;
                }
                None => {
                    out.push(Seg { start: i, len: 1, elem: None });
                    i += 1;
                }
            }
        }
    }

    fn elem_ctx(&self, e: ElemRef) -> (Option<u32>, Option<u32>) {
        match e {
            ElemRef::Elem(id) => {
                self.elems.get(id as usize).map(|e| (e.when, e.not_when)).unwrap_or_default()
            }
            ElemRef::Range(id) => {
                self.ranges.get(id as usize).map(|r| (r.when, r.not_when)).unwrap_or_default()
            }
        }
    }

    /// Evaluates a rule as a context at `anchor`, or over the whole label
    /// when the rule has no `<anchor/>` (RFC 7940 §6.4).
    fn rule_at(
        &self,
        rule: u32,
        label: &[u32],
        anchor: Option<(usize, usize)>,
    ) -> Result<bool, StepLimit> {
        let Some(r) = self.rules.get(rule as usize) else { return Ok(false) };
        let anchor = if r.has_anchor { anchor } else { None };
        Matcher::new(&self.rules, &self.sets, label, anchor).search(r)
    }

    fn rule_name(&self, id: u32) -> &str {
        self.rules.get(id as usize).map(|r| r.name.as_str()).unwrap_or("?")
    }

    /// Whether a `when`/`not-when` pair allows the element at `anchor`.
    fn context_ok(
        &self,
        when: Option<u32>,
        not_when: Option<u32>,
        label: &[u32],
        anchor: (usize, usize),
        cps: &[u32],
        reasons: &mut Option<&mut Vec<Reason>>,
    ) -> bool {
        let mut ok = true;
        let checks: [ContextCheck; 2] = [
            (when, true, "LGR_CONTEXT_WHEN", |r| {
                format!("its context rule '{r}' is not satisfied")
            }),
            (not_when, false, "LGR_CONTEXT_NOT_WHEN", |r| {
                format!("it is in the excluded context '{r}'")
            }),
        ];
        for (rule, want, code, why) in checks {
            let Some(w) = rule else { continue };
            match self.rule_at(w, label, Some(anchor)) {
                Ok(m) if m == want => {}
                Ok(_) => {
                    ok = false;
                    if let Some(r) = reasons.as_deref_mut() {
                        r.push(Reason::new(
                            code,
                            format!(
                                "{} is not allowed here: {}",
                                fmt_cps(cps),
                                why(self.rule_name(w))
                            ),
                        ));
                    }
                }
                Err(StepLimit) => {
                    ok = false;
                    push_step_limit(reasons, self.rule_name(w));
                }
            }
        }
        ok
    }

    /// RFC 7940 §8.3: repertoire and context first, then actions in order.
    pub(crate) fn evaluate(
        &self,
        label: &[u32],
        segs: &[Seg],
        types: u128,
        all_mapped: bool,
        mut reasons: Option<&mut Vec<Reason>>,
    ) -> Disposition {
        if label.is_empty() {
            if let Some(r) = reasons.as_deref_mut() {
                r.push(Reason::new("LGR_LABEL_EMPTY", "the label is empty".into()));
            }
            return Disposition::Invalid;
        }
        if label.len() > MAX_LABEL_CPS {
            if let Some(r) = reasons.as_deref_mut() {
                r.push(Reason::new(
                    "LGR_LABEL_TOO_LONG",
                    format!("the label has more than {MAX_LABEL_CPS} characters"),
                ));
            }
            return Disposition::Invalid;
        }
        let mut invalid = false;
        let mut mask = 0u128;
        for s in segs {
            mask |= match s.elem {
                Some(ElemRef::Elem(id)) => {
                    self.elems.get(id as usize).map(|e| e.first_mask).unwrap_or(!0)
                }
                Some(ElemRef::Range(id)) => {
                    self.ranges.get(id as usize).map(|r| r.first_mask).unwrap_or(!0)
                }
                None => !0,
            };
            let cps = label.get(s.start..s.start + s.len).unwrap_or(&[]);
            match s.elem {
                None => {
                    invalid = true;
                    match reasons.as_deref_mut() {
                        Some(r) => r.push(Reason::new(
                            "LGR_NOT_IN_REPERTOIRE",
                            format!("{} is not in the repertoire of this IDN table", fmt_cps(cps)),
                        )),
                        None => return Disposition::Invalid,
                    }
                }
                Some(e) => {
                    let (w, nw) = self.elem_ctx(e);
                    if (w.is_some() || nw.is_some())
                        && !self.context_ok(w, nw, label, (s.start, s.len), cps, &mut reasons)
                    {
                        invalid = true;
                        if reasons.is_none() {
                            return Disposition::Invalid;
                        }
                    }
                }
            }
        }
        if invalid {
            return Disposition::Invalid;
        }
        for a in &self.actions {
            let var_ok = match a.var {
                VarTrigger::None => true,
                VarTrigger::Any(s) => types & s != 0,
                // RFC 7940 §7.2: identity positions without a reflexive
                // mapping have no type; a label with no types triggers neither.
                VarTrigger::All(s) => types != 0 && types & !s == 0,
                VarTrigger::Only(s) => types != 0 && types & !s == 0 && all_mapped,
            };
            if !var_ok {
                continue;
            }
            let (hit, rule_reason) = match a.trigger {
                Trigger::Always => (true, None),
                Trigger::Match(id) | Trigger::NotMatch(id) => {
                    let want = matches!(a.trigger, Trigger::Match(_));
                    // No element of the label can start a match: skip the search.
                    let impossible = self
                        .rule_bit
                        .get(id as usize)
                        .copied()
                        .flatten()
                        .is_some_and(|b| mask & (1u128 << b) == 0);
                    let r = if impossible { Ok(false) } else { self.rule_at(id, label, None) };
                    match r {
                        Ok(m) if m == want => (true, Some((want, id))),
                        Ok(_) => (false, None),
                        Err(StepLimit) => {
                            push_step_limit(&mut reasons, self.rule_name(id));
                            return Disposition::Invalid;
                        }
                    }
                }
            };
            if !hit {
                continue;
            }
            if let Some(r) = reasons.as_deref_mut() {
                let why =
                    a.comment.as_deref().map(|c| format!(" ({})", c.trim())).unwrap_or_default();
                if let Some((want, id)) = rule_reason {
                    let (code, verb) = if want {
                        ("LGR_RULE", "matches")
                    } else {
                        ("LGR_NOT_RULE", "does not match")
                    };
                    r.push(Reason::new(
                        code,
                        format!("the label {verb} rule '{}'{why}", self.rule_name(id)),
                    ));
                }
                if a.var != VarTrigger::None {
                    r.push(Reason::new(
                        "LGR_VARIANT_TYPE",
                        format!(
                            "the label has variant types [{}]{why}",
                            self.type_names(VariantTypes(types)).join(", ")
                        ),
                    ));
                }
            }
            return a.disp.clone();
        }
        Disposition::Valid
    }

    /// The names of a set of variant types.
    pub fn type_names(&self, t: VariantTypes) -> Vec<&str> {
        self.types
            .iter()
            .enumerate()
            .filter(|(i, _)| t.0 & (1u128 << i) != 0)
            .map(|(_, s)| s.as_str())
            .collect()
    }

    fn reflexive(&self, e: ElemRef, label: &[u32], s: &Seg) -> (u128, bool) {
        let ElemRef::Elem(id) = e else { return (0, false) };
        let Some(el) = self.elems.get(id as usize) else { return (0, false) };
        if let Some((a, _)) = el.fixed {
            let own = self.fixed_opts.get(a as usize);
            return own.map_or((0, false), |o| (o.types(), o.mapped));
        }
        let mut t = 0;
        let mut any = false;
        for v in el.vars.iter().filter(|v| v.cps == el.cps) {
            if self.context_ok(v.when, v.not_when, label, (s.start, s.len), &el.cps, &mut None) {
                t |= v.types;
                any = true;
            }
        }
        (t, any)
    }

    /// The disposition of a label (RFC 7940 §8), with every reason.
    pub fn disposition(&self, label: &str) -> Outcome {
        let cps = code_points(label);
        let mut reasons = Vec::new();
        let disposition = self.disposition_cps(&cps, Some(&mut reasons));
        Outcome { disposition, reasons }
    }

    /// The disposition of a label given as code points; reasons are
    /// collected when `reasons` is given.
    pub fn disposition_cps(&self, cps: &[u32], reasons: Option<&mut Vec<Reason>>) -> Disposition {
        let mut segs = Vec::with_capacity(cps.len());
        self.segment(cps, &mut segs);
        let (mut types, mut all) = (0u128, true);
        if segs.iter().all(|s| s.elem.is_some()) && cps.len() <= MAX_LABEL_CPS {
            for s in &segs {
                if let Some(e) = s.elem {
                    let (t, m) = self.reflexive(e, cps, s);
                    types |= t;
                    all &= m;
                }
            }
        }
        self.evaluate(cps, &segs, types, all, reasons)
    }

    fn label_cps(label: &str) -> Result<Vec<u32>, LabelError> {
        Self::checked_cps(code_points(label))
    }

    fn checked_cps(cps: Vec<u32>) -> Result<Vec<u32>, LabelError> {
        if cps.is_empty() {
            return Err(LabelError::new("LGR_LABEL_EMPTY", "the label is empty".into()));
        }
        if cps.len() > MAX_LABEL_CPS {
            return Err(LabelError::new(
                "LGR_LABEL_TOO_LONG",
                format!("the label has more than {MAX_LABEL_CPS} characters"),
            ));
        }
        Ok(cps)
    }

    /// The choice tree of a label: at each position, every element that
    /// starts there (all segmentations, as ICANN's lgr-core does) and every
    /// choice for it: itself, or a variant whose context holds in the
    /// source label (RFC 7940 §5.3.1, §8.2).
    fn options(&self, cps: &[u32]) -> Result<(ChoiceTree<'_>, bool), LabelError> {
        let n = cps.len();
        let mut tree =
            ChoiceTree { fixed: &self.fixed_opts, opts: Vec::new(), at: Vec::with_capacity(n) };
        let mut cands = Vec::new();
        let mut ambiguous = false;
        for i in 0..n {
            // Fast path: one context-free element starts here (no sequence
            // matches), so its choices are the ones worked out at load.
            if let Some(f) = self.sole_fixed_at(cps, i) {
                tree.push_sole(f);
                continue;
            }
            self.candidates_at(cps, i, &mut cands);
            // An element whose own context fails is kept only as a last
            // resort: when none fits, all are used.
            let fits = |&(e, len): &(ElemRef, usize)| self.elem_fits(e, cps, (i, len));
            let any_fits = cands.iter().any(fits);
            let mut first_len = None;
            let start = tree.opts.len();
            for &(e, len) in cands.iter().filter(|c| !any_fits || fits(c)) {
                if *first_len.get_or_insert(len) != len {
                    ambiguous = true;
                }
                if let ElemRef::Elem(id) = e
                    && let Some(f) = self.elems.get(id as usize).and_then(|el| el.fixed)
                {
                    tree.push_fixed(f);
                    continue;
                }
                let s = Seg { start: i, len, elem: Some(e) };
                let (t, m) = self.reflexive(e, cps, &s);
                let first = tree.opts.len();
                tree.opts.push(Opt::own(len, t, m));
                if let ElemRef::Elem(id) = e
                    && let Some(el) = self.elems.get(id as usize)
                {
                    let own = cps.get(i..i + len).unwrap_or(&[]);
                    for v in el.vars.iter().filter(|v| v.cps != el.cps) {
                        // RFC 7940 §5.3.1: variant contexts are evaluated on the source label.
                        if !self.context_ok(v.when, v.not_when, cps, (i, len), own, &mut None) {
                            continue;
                        }
                        match tree.opts.get_mut(first..).and_then(|o| {
                            o.iter_mut().find(|o| o.cps(cps, i, &self.var_pool) == &*v.cps)
                        }) {
                            Some(o) => o.add_types(v.types),
                            None => tree.opts.push(Opt::var(len, v, v.types)),
                        }
                    }
                }
            }
            tree.close(start);
        }
        // Every position must be reachable by some complete segmentation.
        if !reaches_end(&tree) {
            let bad = (0..n).find(|&i| tree.at(i).is_empty()).unwrap_or(0);
            return Err(LabelError::new(
                "LGR_NOT_IN_REPERTOIRE",
                format!(
                    "{} is not in the repertoire of this IDN table",
                    fmt_cps(cps.get(bad..=bad).unwrap_or(&[]))
                ),
            ));
        }
        Ok((tree, ambiguous))
    }

    /// The variant labels of `label` (RFC 7940 §8.2), lazily, each with its
    /// disposition. The original label itself is not produced.
    pub fn variants(&self, label: &str, opts: VariantOptions) -> Result<Variants<'_>, LabelError> {
        self.variants_of_cps(Self::label_cps(label)?, opts)
    }

    /// [`Lgr::variants`] always by the general walk of the choice tree,
    /// never the odometer used for labels with one segmentation (for tests
    /// that hold the two to the same output).
    #[doc(hidden)]
    pub fn variants_by_tree_walk(
        &self,
        label: &str,
        opts: VariantOptions,
    ) -> Result<Variants<'_>, LabelError> {
        self.variants_walk(Self::label_cps(label)?, opts, false)
    }

    fn variants_of_cps(
        &self,
        cps: Vec<u32>,
        opts: VariantOptions,
    ) -> Result<Variants<'_>, LabelError> {
        self.variants_walk(cps, opts, true)
    }

    fn variants_walk(
        &self,
        cps: Vec<u32>,
        opts: VariantOptions,
        allow_odometer: bool,
    ) -> Result<Variants<'_>, LabelError> {
        let cps = Self::checked_cps(cps)?;
        let odometer_ok = allow_odometer && !opts.allocatable_only;
        // Fast path: every position's only element is context-free, so the
        // digits come straight from the choices worked out at load,
        // without a tree.
        let sole = odometer_ok
            .then(|| {
                let tree = ChoiceTree { fixed: &self.fixed_opts, opts: Vec::new(), at: Vec::new() };
                let digits =
                    odometer(&tree, &cps, |p| ChoiceTree::tag_fixed(self.sole_fixed_at(&cps, p)?))?;
                Some((tree, digits))
            })
            .flatten();
        let (options, ambiguous, digits) = match sole {
            Some((tree, digits)) => (tree, false, Some(digits)),
            None => {
                let (options, ambiguous) = self.options(&cps)?;
                let digits = (odometer_ok && !ambiguous)
                    .then(|| odometer(&options, &cps, |p| options.at.get(p).copied()))
                    .flatten();
                (options, ambiguous, digits)
            }
        };
        let n = cps.len();
        // A label with one segmentation is walked as an odometer, starting
        // from the original label (unless pruned: that needs the tree walk).
        let mut original_text = String::with_capacity(n);
        for &c in &cps {
            if let Some(ch) = char::from_u32(c) {
                original_text.push(ch);
            }
        }
        let odometer = digits.is_some();
        let (runs, buf, text) = if odometer {
            let mut text = String::with_capacity(2 * original_text.len() + 8);
            text.push_str(&original_text);
            (Vec::new(), Vec::new(), text)
        } else {
            (runs(&options, &cps), Vec::with_capacity(2 * n), String::with_capacity(8 * n))
        };
        Ok(Variants {
            lgr: self,
            options,
            runs,
            digits: digits.unwrap_or_default(),
            buf_stale: odometer,
            original_text,
            path: if odometer { Vec::new() } else { Vec::with_capacity(n) },
            odometer,
            leaf_types: 0,
            leaf_mapped: false,
            started: odometer,
            done: n == 0,
            produced: 0,
            truncated: false,
            opts,
            steps: 0,
            buf,
            text,
            original: cps,
            seen: ambiguous.then(Seen::default),
            segs: Vec::new(),
        })
    }

    /// The variant labels of `label` as a registration bundle needs them:
    /// the same labels, in the same order, as [`Lgr::variants`] with
    /// `allocatable_only: false`, each only marked allocatable or not. A
    /// variant whose types name an unconditional `any-variant` action that
    /// precedes every allocatable action (RFC 7940 §7.4: the first action
    /// that triggers decides) is not evaluated, since it cannot end
    /// allocatable; the others get their full disposition.
    pub fn bundle(&self, label: &str, limit: u64) -> Result<Bundle<'_>, LabelError> {
        self.variants(label, VariantOptions { limit, allocatable_only: false }).map(Bundle)
    }

    /// [`Lgr::bundle`] of a label given as its code points (a caller that
    /// already decoded the label hands them over).
    pub fn bundle_cps(&self, cps: Vec<u32>, limit: u64) -> Result<Bundle<'_>, LabelError> {
        self.variants_of_cps(cps, VariantOptions { limit, allocatable_only: false }).map(Bundle)
    }

    /// The number of variant labels of `label` (the original excluded),
    /// without enumerating them: the number of paths through the choice
    /// tree (per segmentation, the product of the choices at each
    /// position), saturating at `u128::MAX`. Exact when the label has one
    /// segmentation into repertoire elements; an upper bound otherwise.
    /// It counts the strings longer than 63 code points that mappings to
    /// longer sequences can make of a long label, which `variants` does
    /// not list (no such string is a DNS label).
    pub fn variant_count(&self, label: &str) -> Result<u128, LabelError> {
        let cps = Self::label_cps(label)?;
        let n = cps.len();
        // Same choice tree as `variants`, counted without building it.
        let mut cnt = [0u128; MAX_LABEL_CPS + 1];
        if let Some(c) = cnt.get_mut(n) {
            *c = 1;
        }
        let mut cands = Vec::new();
        let mut seen: Vec<&[u32]> = Vec::new();
        for i in (0..n).rev() {
            self.candidates_at(&cps, i, &mut cands);
            let any_fits = cands.iter().any(|&(e, len)| self.elem_fits(e, &cps, (i, len)));
            let mut total = 0u128;
            for &(e, len) in &cands {
                if any_fits && !self.elem_fits(e, &cps, (i, len)) {
                    continue;
                }
                let mut choices = 1u128;
                if let ElemRef::Elem(id) = e
                    && let Some(el) = self.elems.get(id as usize)
                {
                    seen.clear();
                    for v in el.vars.iter().filter(|v| v.cps != el.cps) {
                        if seen.contains(&&*v.cps)
                            || !self.context_ok(v.when, v.not_when, &cps, (i, len), &[], &mut None)
                        {
                            continue;
                        }
                        seen.push(&v.cps);
                        choices += 1;
                    }
                }
                total = total
                    .saturating_add(choices.saturating_mul(cnt.get(i + len).copied().unwrap_or(0)));
            }
            if let Some(c) = cnt.get_mut(i) {
                *c = total;
            }
        }
        if cnt.first().copied().unwrap_or(0) == 0 {
            // Let the tree builder name the offending code point.
            self.options(&cps)?;
        }
        Ok(cnt.first().copied().unwrap_or(0).saturating_sub(1))
    }

    /// The estimated number of variant labels of `label`, as ICANN's
    /// reference engine (lgr-core's `estimate_variant_number`) and its LGR
    /// tools report it: the label is split greedily (longest repertoire
    /// element whose own context holds; a code point without one is
    /// skipped), and the estimate is the product, over the elements, of
    /// one plus the number of their non-reflexive variant mappings,
    /// whatever their contexts. The label itself is counted. It bounds
    /// nothing; [`Lgr::variant_count`] is the exact count.
    pub fn variant_estimate(&self, label: &str) -> Result<u128, LabelError> {
        let cps = Self::label_cps(label)?;
        let mut cands = Vec::new();
        let mut n: u128 = 1;
        let mut i = 0;
        while i < cps.len() {
            self.candidates_at(&cps, i, &mut cands);
            match cands.iter().find(|&&(e, len)| self.elem_fits(e, &cps, (i, len))) {
                Some(&(e, len)) => {
                    if let ElemRef::Elem(id) = e
                        && let Some(el) = self.elems.get(id as usize)
                    {
                        let k = el.vars.iter().filter(|v| v.cps != el.cps).count();
                        n = n.saturating_mul(
                            u128::try_from(k).unwrap_or(u128::MAX).saturating_add(1),
                        );
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        Ok(n)
    }

    /// The index label of `label` as the Root Zone LGR procedure defines it
    /// (RZ-LGR-6 Overview, §5.5.4; RFC 7940 §8.5) and ICANN's reference
    /// engine computes it: for every split of the label into repertoire
    /// elements whose own context holds (step 2.b), each element is
    /// replaced by the smallest, in code point order, of itself and those
    /// of its variants whose context holds where it would stand (step 2.c);
    /// the index label is the smallest result over the splits. Unlike
    /// [`Lgr::index_key`], which is a collision key (equal keys are
    /// necessary for two labels to be variants, so it ignores contexts),
    /// this is the reference's index label, shown by `idnsafe lgr check`.
    /// Every split counts, in time polynomial in the label's length (no
    /// split is listed).
    pub fn index_label(&self, label: &str) -> Result<String, LabelError> {
        self.index_label_with(label, false)
    }

    /// [`Lgr::index_label`] as lgr-core 6.1.3 computes it, for the
    /// differential test only: when it checks a variant's context, lgr-core
    /// puts the variant in a label whose remainder starts one *first*
    /// element's length after the variant's position instead of after the
    /// element the variant replaces (`_generate_index_label_on_partition`
    /// advances its suffix by the current element's length, one element
    /// late). The two differ only when an element of the split is longer
    /// than the first. A deviation we do not follow (CONFORMANCE.md).
    #[doc(hidden)]
    pub fn index_label_as_lgr_core(&self, label: &str) -> Result<String, LabelError> {
        self.index_label_with(label, true)
    }

    fn index_label_with(&self, label: &str, lgr_core_suffix: bool) -> Result<String, LabelError> {
        let cps = Self::label_cps(label)?;
        let n = cps.len();
        // The elements that may stand at each position (their own context
        // holding there), longest first.
        let mut cands = Vec::new();
        let mut at: Vec<Vec<(ElemRef, usize)>> = Vec::with_capacity(n);
        for i in 0..n {
            self.candidates_at(&cps, i, &mut cands);
            at.push(
                cands
                    .iter()
                    .copied()
                    .filter(|&(e, len)| self.elem_fits(e, &cps, (i, len)))
                    .collect(),
            );
        }
        // The smallest index over every split, without listing splits: for
        // a fixed first piece the smallest completion is the smallest index
        // of the rest, so best[i] = min over the elements e at i of
        // index(e) + best[i + len(e)], from the end (time polynomial in the
        // label whatever the number of splits).
        // The smallest index of cps[from..], with `first` the length of the
        // split's first element (read only in lgr-core's mode).
        let smallest_from = |from: usize, first: usize| -> Option<Vec<u32>> {
            let mut best: Vec<Option<Vec<u32>>> = vec![None; n + 1];
            if let Some(b) = best.get_mut(n) {
                *b = Some(Vec::new());
            }
            for i in (from.min(n)..n).rev() {
                let mut here: Option<Vec<u32>> = None;
                for &(e, len) in at.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                    let Some(Some(rest)) = best.get(i + len) else { continue };
                    let mut c = self.element_index(&cps, e, (i, len), first, lgr_core_suffix);
                    c.extend_from_slice(rest);
                    if here.as_ref().is_none_or(|h| c < *h) {
                        here = Some(c);
                    }
                }
                if let Some(b) = best.get_mut(i) {
                    *b = here;
                }
            }
            best.get_mut(from).and_then(Option::take)
        };
        let overall = if lgr_core_suffix {
            // lgr-core's slip makes an element's index depend on the first
            // element's length: one pass per first element.
            let mut overall: Option<Vec<u32>> = None;
            for &(e0, len0) in at.first().map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(rest) = smallest_from(len0, len0) {
                    let mut c = self.element_index(&cps, e0, (0, len0), len0, true);
                    c.extend_from_slice(&rest);
                    if overall.as_ref().is_none_or(|o| c < *o) {
                        overall = Some(c);
                    }
                }
            }
            overall
        } else {
            smallest_from(0, 0)
        };
        match overall {
            Some(b) => Ok(b.iter().filter_map(|&c| char::from_u32(c)).collect()),
            None => {
                // Let the tree builder name the offending code point.
                self.options(&cps)?;
                Err(LabelError::new(
                    "LGR_NOT_IN_REPERTOIRE",
                    "the label cannot be split into repertoire elements whose contexts hold"
                        .to_owned(),
                ))
            }
        }
    }

    /// One element's index at `at` (start, length): the smallest of itself
    /// and its variants whose context holds in the label with the variant
    /// in its place (with lgr-core's slip, the label's remainder is taken
    /// from `first` code points after the variant's start instead).
    fn element_index(
        &self,
        cps: &[u32],
        e: ElemRef,
        (i, len): (usize, usize),
        first: usize,
        lgr_core_suffix: bool,
    ) -> Vec<u32> {
        let own = cps.get(i..i + len).unwrap_or(&[]);
        let mut min: &[u32] = own;
        if let ElemRef::Elem(id) = e
            && let Some(el) = self.elems.get(id as usize)
        {
            for v in &el.vars {
                if *v.cps >= *min {
                    continue;
                }
                let holds = (v.when.is_none() && v.not_when.is_none()) || {
                    let rest = if lgr_core_suffix { i + first } else { i + len };
                    let mut with: Vec<u32> = Vec::with_capacity(cps.len() + v.cps.len());
                    with.extend_from_slice(cps.get(..i).unwrap_or(&[]));
                    with.extend_from_slice(&v.cps);
                    with.extend_from_slice(cps.get(rest..).unwrap_or(&[]));
                    self.context_ok(v.when, v.not_when, &with, (i, v.cps.len()), &[], &mut None)
                };
                if holds {
                    min = &v.cps;
                }
            }
        }
        min.to_vec()
    }

    /// The variant index key of a label (RFC 7940 §8.5), in time linear in
    /// the label: each element is replaced by the smallest member of its
    /// variant class. Exact when [`VariantRelation::is_equivalence`] holds;
    /// otherwise equal keys are necessary but not sufficient (use
    /// [`Lgr::are_variants`]).
    pub fn index_key(&self, label: &str) -> Result<VariantKey, LabelError> {
        let cps = Self::label_cps(label)?;
        let mut key = String::with_capacity(label.len());
        let mut i = 0;
        while i < cps.len() {
            // Fast path: a single code point with no sequence starting at it.
            if let Some(&c) = cps.get(i)
                && !self.seqs.contains_key(&c)
                && !self.key_seq_first.contains(&c)
            {
                if let Some(&r) = self.key_cp.get(&c) {
                    key.extend(char::from_u32(r));
                    i += 1;
                    continue;
                }
                if self.single.contains_key(&c) || self.in_ranges(c) {
                    key.extend(char::from_u32(c));
                    i += 1;
                    continue;
                }
            }
            // Longest variant-graph sequence first (targets such as
            // U+0905 U+0902 are not repertoire elements themselves).
            let mut seq_hit = None;
            for len in (2..=self.key_max_len.min(cps.len() - i)).rev() {
                if let Some(rep) = cps.get(i..i + len).and_then(|s| self.key_map.get(s)) {
                    seq_hit = Some((&**rep, len));
                    break;
                }
            }
            if let Some((rep, len)) = seq_hit {
                key.extend(rep.iter().filter_map(|&c| char::from_u32(c)));
                i += len;
                continue;
            }
            let (piece, len): (&[u32], usize) = match self.lookup_at(&cps, i) {
                Some((_, len)) => {
                    let own = cps.get(i..i + len).unwrap_or(&[]);
                    (self.key_map.get(own).map(|b| &**b).unwrap_or(own), len)
                }
                None => {
                    // An out-of-repertoire variant target: longest match among graph nodes.
                    let mut found = None;
                    for len in (1..=self.key_max_len.min(cps.len() - i)).rev() {
                        if let Some(rep) = cps.get(i..i + len).and_then(|s| self.key_map.get(s)) {
                            found = Some((&**rep, len));
                            break;
                        }
                    }
                    found.ok_or_else(|| {
                        LabelError::new(
                            "LGR_NOT_IN_REPERTOIRE",
                            format!(
                                "{} is not in the repertoire of this IDN table",
                                fmt_cps(cps.get(i..=i).unwrap_or(&[]))
                            ),
                        )
                    })?
                }
            };
            key.extend(piece.iter().filter_map(|&c| char::from_u32(c)));
            i += len;
        }
        Ok(VariantKey(key))
    }

    /// Whether `b` is a variant of `a` (or equal to it), exactly, without
    /// enumerating: index keys when the relation is an equivalence, else a
    /// walk of `a`'s choice tree against `b` (at most 64×64 states).
    pub fn are_variants(&self, a: &str, b: &str) -> Result<bool, LabelError> {
        if a == b {
            return Ok(true);
        }
        if self.relation.is_equivalence() {
            return Ok(match self.index_key(b) {
                Ok(kb) => self.index_key(a)? == kb,
                Err(_) => false,
            });
        }
        let ca = Self::label_cps(a)?;
        let cb = code_points(b);
        if cb.is_empty() || cb.len() > MAX_LABEL_CPS {
            return Ok(false);
        }
        let (options, _) = self.options(&ca)?;
        // reach[i][j]: a's first i code points can become b's first j.
        let mut reach = vec![[false; MAX_LABEL_CPS + 1]; ca.len() + 1];
        if let Some(r) = reach.get_mut(0).and_then(|r| r.get_mut(0)) {
            *r = true;
        }
        for i in 0..ca.len() {
            for j in 0..=cb.len() {
                if !reach.get(i).and_then(|r| r.get(j)).copied().unwrap_or(false) {
                    continue;
                }
                for o in options.at(i) {
                    let to = o.cps(&ca, i, &self.var_pool);
                    if cb.get(j..).is_some_and(|rest| rest.starts_with(to))
                        && let Some(r) =
                            reach.get_mut(i + o.len()).and_then(|r| r.get_mut(j + to.len()))
                    {
                        *r = true;
                    }
                }
            }
        }
        Ok(reach.get(ca.len()).and_then(|r| r.get(cb.len())).copied().unwrap_or(false))
    }

    /// Summary figures.
    pub fn stats(&self) -> Stats {
        let cp = self.elems.iter().filter(|e| e.cps.len() == 1).count() as u64
            + self.ranges.iter().map(|r| u64::from(r.last - r.first) + 1).sum::<u64>();
        Stats {
            code_points: cp,
            sequences: self.elems.iter().filter(|e| e.cps.len() > 1).count(),
            variant_mappings: self.elems.iter().map(|e| e.vars.len()).sum(),
            variant_types: self.types.clone(),
            rules: self.rules.len(),
            classes: self.sets.len(),
            actions: self.actions.iter().filter(|a| !a.default).count(),
            relation: self.relation,
        }
    }
}

fn push_step_limit(reasons: &mut Option<&mut Vec<Reason>>, name: &str) {
    if let Some(r) = reasons.as_deref_mut() {
        r.push(Reason::new(
            "LGR_RULE_STEP_LIMIT",
            format!(
                "rule '{name}' needed too many steps on this label; the label is treated as invalid"
            ),
        ));
    }
}

impl Variants<'_> {
    /// Whether the limit (or the search budget) stopped the enumeration.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Moves to the next leaf of the choice tree (DFS order), leaving its
    /// UTF-8 in `text`, its types in `leaf_types` and its code points in
    /// `buf` (in odometer mode only once [`Variants::leaf_cps`] asked for
    /// them).
    fn next_leaf(&mut self) -> bool {
        if self.odometer { self.odometer_next() } else { self.tree_next() }
    }

    /// [`Variants::next_leaf`] for a label with one segmentation: the
    /// leaves in DFS order are the odometer's readings, last digit
    /// fastest. After a digit moves, every later digit is back at the
    /// label's own code points, so the rest of the label is the original's
    /// tail, copied whole. Only the UTF-8 is written; the code points are
    /// built when asked for ([`Variants::leaf_cps`]).
    fn odometer_next(&mut self) -> bool {
        self.steps += 1;
        let mut j = self.digits.len();
        let o = loop {
            let Some(jj) = j.checked_sub(1) else { return false };
            j = jj;
            let Some(d) = self.digits.get_mut(j) else { return false };
            d.k += 1;
            if let Some(&o) = self.options.range(d.opts).get(d.k as usize) {
                break o;
            }
            d.k = 0;
        };
        let Some(d) = self.digits.get(j) else { return false };
        let (pos, after, pos_after) =
            (d.pos as usize, (d.byte + d.own_bytes) as usize, (d.pos + d.own_len) as usize);
        self.text.truncate(d.text_start as usize);
        if o.to_len == 0 {
            self.text.push_str(self.original_text.get(d.byte as usize..after).unwrap_or(""));
        } else {
            for &c in o.cps(&[], 0, &self.lgr.var_pool) {
                if let Some(ch) = char::from_u32(c) {
                    self.text.push(ch);
                }
            }
        }
        // Code points once asked for (an evaluation) are kept up to date
        // the same way; until then they are not written at all.
        let buf_base = if self.buf_stale {
            0
        } else {
            self.buf.truncate(d.buf_start as usize);
            self.buf.extend_from_slice(o.cps(&self.original, pos, &self.lgr.var_pool));
            let base = self.buf.len();
            self.buf.extend_from_slice(self.original.get(pos_after..).unwrap_or(&[]));
            base
        };
        let (pre, pre_m) = (unpack(d.pre) | o.types(), d.pre_mapped && o.mapped);
        self.leaf_types = pre | unpack(d.suf);
        self.leaf_mapped = pre_m && d.suf_mapped;
        let base = self.text.len();
        if j + 1 < self.digits.len() {
            // The later digits went back to their own code points: where
            // they start moved with this digit's choice, and so did the
            // types before them.
            let (mut acc, mut acc_m) = (pre | unpack(d.gap), pre_m && d.gap_mapped);
            for i in j + 1..self.digits.len() {
                let own = self.digits.get(i).and_then(|e| self.options.range(e.opts).first());
                let (own_types, own_m) = own.map_or((0, true), |o| (o.types(), o.mapped));
                let Some(e) = self.digits.get_mut(i) else { break };
                e.text_start = u32::try_from(base + (e.byte as usize).saturating_sub(after))
                    .unwrap_or(u32::MAX);
                e.buf_start = u32::try_from(buf_base + (e.pos as usize).saturating_sub(pos_after))
                    .unwrap_or(u32::MAX);
                e.pre = pack(acc);
                e.pre_mapped = acc_m;
                acc |= own_types | unpack(e.gap);
                acc_m &= own_m && e.gap_mapped;
            }
        }
        self.text.push_str(self.original_text.get(after..).unwrap_or(""));
        true
    }

    /// The code points of the current leaf (in odometer mode built on the
    /// first call, then kept up to date by every reading).
    fn leaf_cps(&mut self) -> &[u32] {
        if self.buf_stale {
            self.buf_stale = false;
            self.buf.clear();
            let mut p = 0;
            for d in self.digits.iter_mut() {
                let pos = d.pos as usize;
                self.buf.extend_from_slice(self.original.get(p..pos).unwrap_or(&[]));
                d.buf_start = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
                let o = self.options.range(d.opts).get(d.k as usize);
                self.buf.extend_from_slice(
                    o.map_or(&[][..], |o| o.cps(&self.original, pos, &self.lgr.var_pool)),
                );
                p = pos + d.own_len as usize;
            }
            self.buf.extend_from_slice(self.original.get(p..).unwrap_or(&[]));
        }
        &self.buf
    }

    /// Whether the current leaf is the original label (in odometer mode
    /// its UTF-8 is compared first: equal code points have equal UTF-8).
    fn leaf_is_original(&mut self) -> bool {
        if self.odometer && self.text != self.original_text {
            return false;
        }
        self.leaf_cps();
        same_cps(&self.buf, &self.original)
    }

    /// [`Variants::next_leaf`] over the choice tree, pruning branches
    /// whose types can only end blocked in an allocatable search.
    fn tree_next(&mut self) -> bool {
        let n = self.options.len();
        if !self.started {
            self.started = true;
            if n == 0 {
                return false;
            }
            self.path.push(Frame {
                pos: 0,
                k: usize::MAX,
                buf_start: 0,
                text_start: 0,
                pre: [0; 2],
                pre_mapped: true,
            });
        }
        // Bound the work between two outputs of a pruned search.
        let max_steps = self.opts.limit.saturating_mul(64).saturating_add(1_000_000);
        let prune = self.opts.allocatable_only;
        loop {
            self.steps += 1;
            if self.steps > max_steps {
                self.truncated = true;
                return false;
            }
            let Some(f) = self.path.last_mut() else { return false };
            let (pre, pre_m) = (unpack(f.pre), f.pre_mapped);
            let opts = self.options.at(f.pos);
            f.k = f.k.wrapping_add(1);
            while prune
                && opts.get(f.k).is_some_and(|o| (pre | o.types()) & self.lgr.doomed_types != 0)
            {
                f.k += 1;
            }
            let Some(o) = opts.get(f.k) else {
                self.path.pop();
                if self.path.is_empty() {
                    return false;
                }
                continue;
            };
            let (mut types, mut mapped) = (pre | o.types(), pre_m && o.mapped);
            self.buf.truncate(f.buf_start);
            self.text.truncate(f.text_start);
            push_cps(
                &mut self.buf,
                &mut self.text,
                o.cps(&self.original, f.pos, &self.lgr.var_pool),
            );
            let mut end = f.pos + o.len();
            // Positions with a single choice are taken here, without a
            // frame of their own (backtracking never stops at them), and
            // copied in one piece.
            let mut dead = false;
            if let Some(r) = self.runs.get(end)
                && r.end as usize > end
            {
                let rt = unpack(r.types);
                if prune && (types | rt) & self.lgr.doomed_types != 0 {
                    dead = true;
                } else {
                    types |= rt;
                    mapped &= r.mapped;
                    let to = r.end as usize;
                    let bytes = self.runs.get(to).map_or(r.byte, |t| t.byte);
                    self.buf.extend_from_slice(self.original.get(end..to).unwrap_or(&[]));
                    self.text.push_str(
                        self.original_text.get(r.byte as usize..bytes as usize).unwrap_or(""),
                    );
                    end = to;
                }
            }
            if dead {
                continue;
            }
            if end >= n {
                self.leaf_types = types;
                self.leaf_mapped = mapped;
                return true;
            }
            if !self.options.at(end).is_empty() {
                let (buf_start, text_start) = (self.buf.len(), self.text.len());
                self.path.push(Frame {
                    pos: end,
                    k: usize::MAX,
                    buf_start,
                    text_start,
                    pre: pack(types),
                    pre_mapped: mapped,
                });
            }
        }
    }
}

impl Variants<'_> {
    /// Moves to the next variant label, left in `self.text`; returns its
    /// types and, unless `evaluate_doomed` is false and the types make it
    /// unallocatable whatever its rules say, its disposition.
    fn advance(&mut self, evaluate_doomed: bool) -> Option<(u128, Option<Disposition>)> {
        loop {
            if self.done {
                return None;
            }
            if self.produced >= self.opts.limit {
                // Truncated only if another candidate exists: not the
                // original label, not one already produced (for the
                // allocatable-only search: another unpruned candidate).
                self.truncated = false;
                while self.next_leaf() {
                    if !self.leaf_is_original()
                        && self.seen.as_ref().is_none_or(|s| !s.has(&self.buf))
                    {
                        self.truncated = true;
                        break;
                    }
                }
                self.done = true;
                return None;
            }
            if !self.next_leaf() {
                self.done = true;
                return None;
            }
            if self.leaf_is_original() {
                continue;
            }
            if let Some(seen) = self.seen.as_mut()
                && !seen.insert(&self.buf)
            {
                continue;
            }
            let (types, all_mapped) = (self.leaf_types, self.leaf_mapped);
            let disposition = if evaluate_doomed || types & self.lgr.doomed_types == 0 {
                self.leaf_cps();
                self.lgr.segment(&self.buf, &mut self.segs);
                Some(self.lgr.evaluate(&self.buf, &self.segs, types, all_mapped, None))
            } else {
                None
            };
            if self.opts.allocatable_only
                && !disposition.as_ref().is_some_and(|d| d.is_allocatable())
            {
                continue;
            }
            self.produced += 1;
            return Some((types, disposition));
        }
    }

    fn buf_label(&self) -> String {
        self.text.clone()
    }
}

/// Whether `text` has more than [`MAX_LABEL_CPS`] code points (counted
/// only when it has more bytes than that).
#[inline]
fn too_long(text: &str) -> bool {
    text.len() > MAX_LABEL_CPS && text.chars().nth(MAX_LABEL_CPS).is_some()
}

impl Iterator for Variants<'_> {
    type Item = VariantLabel;

    fn next(&mut self) -> Option<VariantLabel> {
        loop {
            let (types, disposition) = self.advance(true)?;
            // A string of more than 63 code points is no DNS label (its
            // A-label would pass 63 octets): a mapping to a longer sequence
            // (`ß` to `ss`) can make one from a long label. Not listed.
            if too_long(&self.text) {
                continue;
            }
            return Some(VariantLabel {
                label: self.buf_label(),
                disposition: disposition.unwrap_or(Disposition::Invalid),
                types: VariantTypes(types),
            });
        }
    }
}

/// One label of a registration bundle ([`Lgr::bundle`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleLabel {
    /// The variant label (a U-label).
    pub label: String,
    /// Whether the holder of the original may register it (its disposition
    /// is allocatable or activated); false for blocked, invalid and any
    /// other disposition.
    pub allocatable: bool,
}

/// A lazily streamed iterator over the variant labels of a label, each
/// only classified as allocatable or not ([`Lgr::bundle`]).
pub struct Bundle<'a>(Variants<'a>);

impl Bundle<'_> {
    /// Whether the limit (or the search budget) stopped the enumeration.
    pub fn truncated(&self) -> bool {
        self.0.truncated()
    }

    /// The next label, appended to `out` (no allocation of its own);
    /// returns whether it is allocatable, or `None` at the end (`out`
    /// untouched).
    pub fn next_into(&mut self, out: &mut String) -> Option<bool> {
        loop {
            let (_, disposition) = self.0.advance(false)?;
            // Longer than a label can be: not one (see `Variants::next`).
            if too_long(&self.0.text) {
                continue;
            }
            out.push_str(&self.0.text);
            return Some(disposition.is_some_and(|d| d.is_allocatable()));
        }
    }
}

impl Iterator for Bundle<'_> {
    type Item = BundleLabel;

    fn next(&mut self) -> Option<BundleLabel> {
        let mut label = String::new();
        let allocatable = self.next_into(&mut label)?;
        Some(BundleLabel { label, allocatable })
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn seen_stores_each_label_once() {
        let mut s = Seen::default();
        let labels: Vec<Vec<u32>> =
            (0..500u32).map(|i| vec![i % 7, i / 7, i % 3]).chain([vec![], vec![1]]).collect();
        let mut distinct = std::collections::HashSet::new();
        for l in &labels {
            assert_eq!(s.insert(l), distinct.insert(l.clone()), "{l:?}");
            assert!(s.has(l));
        }
        for l in &labels {
            assert!(!s.insert(l));
        }
        assert!(!s.has(&[9, 9, 9, 9]));
    }
}

//! The registry state: the names already registered, indexed by every key
//! the decision looks up (exact label, variant key, equivalence key,
//! confusable key). Built once from a list ([`RegistryState::build`]) and
//! then kept current, one registration or release at a time
//! ([`RegistryState::insert`], [`RegistryState::remove`]), by a front end
//! that holds the durable copy (the service's store).
//!
//! Each key is a sorted array of (fingerprint, name) pairs, plus the pairs
//! added since it was sorted in a small hash map; the map is merged into the
//! array when it outgrows an eighth of it, so a registration costs a
//! constant amortized time and a lookup stays one or two cache lines. A
//! released name keeps its slot (the arena does not shrink) and is marked
//! dead; lookups skip it, and the next rebuild from the store drops it.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use crate::screen::Policy;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Exact,
    Variant,
    Equivalence,
    Confusable,
}

/// A 32-bit fingerprint of a key (for variant keys, the table's index and
/// the key: keys of different tables never meet); hits are confirmed by
/// recomputing the key of the registered name, so collisions cost time,
/// never correctness.
pub(crate) fn fingerprint(kind: KeyKind, key: impl Hash) -> u32 {
    let mut h = FxHasher::default();
    (kind as u8).hash(&mut h);
    key.hash(&mut h);
    let v = h.finish();
    (v ^ (v >> 32)) as u32
}

/// One key of the registry state: (32-bit fingerprint, name index) pairs
/// sorted by fingerprint, with a directory on the fingerprint's top bits
/// (one slot per about 32 pairs: an eighth of a byte per name, small
/// enough to stay in the processor's cache). Fingerprints are uniform, so
/// within a run a fingerprint's place is predicted from its low bits: a
/// lookup reads one directory slot and, nearly always, one cache line of
/// pairs.
#[derive(Debug, Default)]
struct KeyIndex {
    entries: Vec<(u32, u32)>,
    /// Pairs added since `entries` was sorted, by fingerprint.
    delta: FxHashMap<u32, Vec<u32>>,
    /// Number of pairs in `delta`.
    delta_len: usize,
    /// `dir[h]` is the first entry whose fingerprint's top bits are `>= h`;
    /// one more slot than buckets.
    dir: Vec<u32>,
    /// 32 minus the directory's bits (a shift of a `u64`, so 32 is allowed).
    shift: u32,
}

impl KeyIndex {
    fn build(mut entries: Vec<(u32, u32)>) -> KeyIndex {
        entries.sort_unstable();
        entries.shrink_to_fit();
        // About 32 entries per bucket: an eighth of a byte of directory
        // per entry.
        let n = entries.len();
        let bits = if n < 64 { 0 } else { (usize::BITS - 1 - n.leading_zeros()).saturating_sub(5) }
            .min(28);
        let shift = 32 - bits;
        let buckets = 1usize << bits;
        let mut dir = Vec::with_capacity(buckets + 1);
        let mut at = 0usize;
        for h in 0..buckets {
            while entries.get(at).is_some_and(|e| ((u64::from(e.0) >> shift) as usize) < h) {
                at += 1;
            }
            dir.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        dir.push(u32::try_from(n).unwrap_or(u32::MAX));
        KeyIndex { entries, dir, shift, delta: FxHashMap::default(), delta_len: 0 }
    }

    /// The names whose key has fingerprint `fp` (a superset of the names
    /// with the key: confirm each).
    fn get(&self, fp: u32) -> impl Iterator<Item = u32> + '_ {
        let span = self.span(fp);
        let guess = self.guess(span, fp);
        self.hits(span, guess, self.fp_at(guess), fp)
    }

    /// The fingerprint of pair `i` (`u32::MAX` past the end).
    fn fp_at(&self, i: usize) -> u32 {
        self.entries.get(i).map_or(u32::MAX, |e| e.0)
    }

    /// The names with fingerprint `fp` in the run `span` of `entries`,
    /// searched from `guess`, whose fingerprint the caller read already
    /// (`at_guess`).
    fn hits(
        &self,
        (start, end): (usize, usize),
        guess: usize,
        at_guess: u32,
        fp: u32,
    ) -> impl Iterator<Item = u32> + '_ {
        // The first pair of the run with a fingerprint >= fp: right of the
        // guess when the guess is below fp, else at it or left of it.
        let mut i = guess.max(start).min(end);
        if i < end && at_guess < fp {
            i += 1;
            while i < end && self.fp_at(i) < fp {
                i += 1;
            }
        } else {
            while i > start && self.fp_at(i - 1) >= fp {
                i -= 1;
            }
        }
        self.entries.get(i..end).unwrap_or(&[]).iter().take_while(move |e| e.0 == fp).map(|e| e.1)
    }

    /// The range of `entries` whose fingerprints share `fp`'s top bits.
    fn span(&self, fp: u32) -> (usize, usize) {
        let h = (u64::from(fp) >> self.shift) as usize;
        let start = self.dir.get(h).copied().unwrap_or(0) as usize;
        let end = self.dir.get(h + 1).copied().unwrap_or(0) as usize;
        (start, end)
    }

    /// Where in its run `fp` is expected: its place among the run's
    /// fingerprints is about its low bits' fraction of their range.
    fn guess(&self, (start, end): (usize, usize), fp: u32) -> usize {
        let low = u64::from(fp) & ((1u64 << self.shift) - 1);
        let len = end.saturating_sub(start) as u64;
        start + ((low * len) >> self.shift) as usize
    }

    fn heap_bytes(&self) -> usize {
        self.entries.capacity() * 8
            + self.dir.capacity() * 4
            + self.delta.capacity() * 40
            + self.delta.values().map(|v| v.capacity() * 4).sum::<usize>()
    }

    /// Adds one pair; sorts the added pairs into the array when they
    /// outgrow an eighth of it (amortized constant time per pair).
    fn insert(&mut self, fp: u32, idx: u32) {
        self.delta.entry(fp).or_default().push(idx);
        self.delta_len += 1;
        if self.delta_len > 4096 + self.entries.len() / 8 {
            *self = KeyIndex::build(self.take_all());
        }
    }

    /// Every pair, the added ones included, leaving the index empty.
    fn take_all(&mut self) -> Vec<(u32, u32)> {
        let mut all = std::mem::take(&mut self.entries);
        all.extend(self.delta.drain().flat_map(|(fp, v)| v.into_iter().map(move |i| (fp, i))));
        self.delta_len = 0;
        all
    }

    /// Every name with fingerprint `fp`: the sorted array's, then the
    /// added ones.
    fn get_all(&self, fp: u32) -> impl Iterator<Item = u32> + '_ {
        self.get(fp).chain(self.added(fp))
    }

    fn added(&self, fp: u32) -> impl Iterator<Item = u32> + '_ {
        self.delta.get(&fp).map(Vec::as_slice).unwrap_or(&[]).iter().copied()
    }

    /// Drops the pairs of names `dead` says are gone (at a rebuild).
    fn retain(&mut self, live: impl Fn(u32) -> bool) {
        let mut all = self.take_all();
        all.retain(|&(_, i)| live(i));
        *self = KeyIndex::build(all);
    }
}

/// The names registered, indexed by exact label, variant key, equivalence
/// key and confusable key ([`KeyIndex`]: 8 bytes per name per key and an
/// eighth of a byte of directory), plus the labels in one arena.
#[derive(Debug, Default)]
pub struct RegistryState {
    arena: String,
    ends: Vec<u32>,
    registrant: Vec<u32>,
    registrants: Vec<String>,
    registrant_ids: FxHashMap<String, u32>,
    keys: [KeyIndex; 4],
    /// One bit per slot: set when the name was released.
    dead: Vec<u64>,
    /// Number of released slots.
    dead_count: usize,
    skipped: Vec<String>,
}

/// Registrant id meaning "unknown".
const NO_REGISTRANT: u32 = u32::MAX;

impl RegistryState {
    /// Builds the state from `(name, registrant)` pairs under `policy`.
    /// Names not under one of the policy's zones are skipped and counted
    /// ([`RegistryState::skipped`]).
    pub fn build<'a, I>(policy: &Policy, names: I) -> RegistryState
    where
        I: IntoIterator<Item = (&'a str, Option<&'a str>)>,
    {
        use rayon::prelude::*;
        /// Names keyed in parallel at a time (their keys are independent).
        const CHUNK: usize = 1 << 16;
        let mut s = RegistryState::default();
        let mut keys: [Vec<(u32, u32)>; 4] = Default::default();
        let mut names = names.into_iter().peekable();
        let mut chunk: Vec<(&str, Option<&str>)> = Vec::with_capacity(CHUNK);
        'chunks: while names.peek().is_some() {
            chunk.clear();
            chunk.extend(names.by_ref().take(CHUNK));
            let keyed: Vec<_> =
                chunk.par_iter().map(|&(name, _)| policy.registered_keys(name)).collect();
            for (&(name, registrant), k) in chunk.iter().zip(keyed) {
                let Some((label, fps)) = k else {
                    s.skipped.push(name.to_owned());
                    continue;
                };
                let Some(idx) = s.push(&label, registrant) else { break 'chunks };
                for (k, fp) in keys.iter_mut().zip(fps) {
                    if let Some(fp) = fp {
                        k.push((fp, idx));
                    }
                }
            }
        }
        s.keys = keys.map(KeyIndex::build);
        s.arena.shrink_to_fit();
        s.ends.shrink_to_fit();
        s.registrant.shrink_to_fit();
        s
    }

    /// Appends a label and its registrant; its slot, or `None` when the
    /// state holds `u32::MAX` slots already.
    fn push(&mut self, label: &str, registrant: Option<&str>) -> Option<u32> {
        let idx = u32::try_from(self.ends.len()).ok().filter(|&i| i < NO_REGISTRANT)?;
        let end = u32::try_from(self.arena.len() + label.len()).ok()?;
        self.arena.push_str(label);
        self.ends.push(end);
        let rid = match registrant {
            Some(r) => match self.registrant_ids.get(r) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(self.registrants.len()).unwrap_or(NO_REGISTRANT);
                    self.registrants.push(r.to_owned());
                    self.registrant_ids.insert(r.to_owned(), id);
                    id
                }
            },
            None => NO_REGISTRANT,
        };
        self.registrant.push(rid);
        if self.dead.len() * 64 < self.ends.len() {
            self.dead.push(0);
        }
        Some(idx)
    }

    /// Records one more registered name (a registration just committed):
    /// its slot, or `None` when the name is not under one of the policy's
    /// zones or the state is full. The caller screens first; this does not
    /// check for a name already present.
    pub fn insert(&mut self, policy: &Policy, name: &str, registrant: Option<&str>) -> Option<u32> {
        let (label, fps) = policy.registered_keys(name)?;
        let idx = self.push(&label, registrant)?;
        for (k, fp) in self.keys.iter_mut().zip(fps) {
            if let Some(fp) = fp {
                k.insert(fp, idx);
            }
        }
        Some(idx)
    }

    /// Forgets the name in `slot` (a release just committed): lookups no
    /// longer return it. False when the slot is unknown or already gone.
    pub fn remove(&mut self, slot: u32) -> bool {
        if !self.is_live(slot) {
            return false;
        }
        let (w, bit) = ((slot / 64) as usize, slot % 64);
        if let Some(word) = self.dead.get_mut(w) {
            *word |= 1u64 << bit;
            self.dead_count += 1;
        }
        // Many releases since the last rebuild: drop their pairs so lookups
        // do not wade through them.
        if self.dead_count > 4096 + self.ends.len() / 8 {
            let dead = std::mem::take(&mut self.dead);
            let live =
                |i: u32| dead.get((i / 64) as usize).is_some_and(|w| w & (1u64 << (i % 64)) == 0);
            for k in &mut self.keys {
                k.retain(live);
            }
            self.dead = dead;
        }
        true
    }

    /// True when `slot` holds a registered name (not released).
    pub fn is_live(&self, slot: u32) -> bool {
        (slot as usize) < self.ends.len()
            && self.dead.get((slot / 64) as usize).is_some_and(|w| w & (1u64 << (slot % 64)) == 0)
    }

    /// The slot of a registered label (a U-label as the state keeps it,
    /// see [`Policy::registered_label`]), if it is registered.
    pub fn find(&self, label: &str) -> Option<u32> {
        self.lookup(KeyKind::Exact, label, |i| self.label(i) == label).into_iter().next()
    }

    /// Every registered (live) slot with its label and registrant, in slot
    /// order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str, Option<&str>)> + '_ {
        (0..u32::try_from(self.ends.len()).unwrap_or(u32::MAX))
            .filter(|&i| self.is_live(i))
            .map(|i| (i, self.label(i), self.registrant(i)))
    }

    /// Number of registered names (released ones not counted).
    pub fn len(&self) -> usize {
        self.ends.len() - self.dead_count
    }

    /// True when no name is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The names given to [`RegistryState::build`] that are not under one
    /// of the policy's zones.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// Bytes on the heap (the arena, registrants and key indexes).
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.ends.capacity() * 4
            + self.registrant.capacity() * 4
            + self.dead.capacity() * 8
            + self.registrants.iter().map(|r| r.capacity() + 24).sum::<usize>()
            + self.registrant_ids.capacity() * 32
            + self.keys.iter().map(KeyIndex::heap_bytes).sum::<usize>()
    }

    /// The label in slot `i` (empty for an unknown slot).
    pub fn label(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) as usize };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.arena.get(start..end).unwrap_or("")
    }

    /// The registrant of slot `i`, when known.
    pub fn registrant(&self, i: u32) -> Option<&str> {
        let r = *self.registrant.get(i as usize)?;
        self.registrants.get(r as usize).map(String::as_str)
    }

    /// The live names whose `kind` key is `key`, confirmed by `confirm`.
    pub(crate) fn lookup(
        &self,
        kind: KeyKind,
        key: &str,
        confirm: impl Fn(u32) -> bool,
    ) -> Vec<u32> {
        let Some(k) = self.keys.get(kind as usize) else { return Vec::new() };
        let mut v: Vec<u32> =
            k.get_all(fingerprint(kind, key)).filter(|&i| self.is_live(i) && confirm(i)).collect();
        self.in_label_order(&mut v);
        v
    }

    /// Sorts slots by label: a decision lists what it conflicts with in
    /// one order, whatever order the names were registered or loaded in.
    fn in_label_order(&self, v: &mut [u32]) {
        if v.len() > 1 {
            v.sort_by(|&a, &b| self.label(a).cmp(self.label(b)).then(a.cmp(&b)));
        }
    }

    /// The live names under each of four fingerprints (one per key kind),
    /// looked up together so the processor overlaps their cache misses.
    pub(crate) fn candidates(&self, fps: [Option<u32>; 4]) -> [Vec<u32>; 4] {
        let probe = |i: usize| Some((self.keys.get(i)?, fps.get(i).copied().flatten()?));
        let spans: [(usize, usize); 4] =
            std::array::from_fn(|i| probe(i).map_or((0, 0), |(k, fp)| k.span(fp)));
        let guesses: [(usize, u32); 4] = std::array::from_fn(|i| match (probe(i), spans.get(i)) {
            (Some((k, fp)), Some(&span)) => {
                let guess = k.guess(span, fp);
                (guess, k.fp_at(guess))
            }
            _ => (0, u32::MAX),
        });
        std::array::from_fn(|i| match (probe(i), spans.get(i), guesses.get(i)) {
            (Some((k, fp)), Some(&span), Some(&(guess, at))) => {
                let mut v: Vec<u32> = k
                    .hits(span, guess, at, fp)
                    .chain(k.added(fp))
                    .filter(|&s| self.dead_count == 0 || self.is_live(s))
                    .collect();
                self.in_label_order(&mut v);
                v
            }
            _ => Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::KeyIndex;

    /// The directory finds exactly the entries with a fingerprint, for
    /// sizes around its thresholds and fingerprints at the extremes.
    #[test]
    fn key_index_finds_every_entry() {
        for n in [0usize, 1, 15, 16, 17, 63, 64, 65, 1000, 100_003] {
            // A cheap deterministic spread, with duplicates and the extremes.
            let mut x = 0x9E37_79B9u32;
            let mut entries: Vec<(u32, u32)> = (0..n as u32)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    let fp = match i % 97 {
                        0 => 0,
                        1 => u32::MAX,
                        2 => 12345,
                        _ => x,
                    };
                    (fp, i)
                })
                .collect();
            let idx = KeyIndex::build(entries.clone());
            let mut want: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
            for &(fp, i) in &entries {
                want.entry(fp).or_default().push(i);
            }
            entries.sort_unstable();
            let mut probes: Vec<u32> = entries.iter().map(|e| e.0).collect();
            probes.extend([0, 1, u32::MAX, u32::MAX - 1, 12345, 777]);
            for fp in probes {
                let mut got: Vec<u32> = idx.get(fp).collect();
                got.sort_unstable();
                assert_eq!(&got, want.get(&fp).unwrap_or(&Vec::new()), "n={n} fp={fp}");
            }
        }
    }
}

//! A variant key that never misses a variant, for IDN tables whose variant
//! relation is symmetric and transitive but has code point sequences (such as
//! ICANN's Latin LGR: `ß` ~ `ss`, `a` + U+0331 as one element), where the
//! LGR's own index key cannot follow every segmentation.
//!
//! Code points of a variant mapping that changes length (`ß` → `ss`) or of a
//! sequence element with variants, together with every code point of their
//! variant class, become a marker, and a run of markers counts as one; every other code point becomes
//! the smallest member of its class. Two labels that are variants of each
//! other always get the same key: each element of one is replaced by one of
//! its variants in the other, and either both sides of the replacement are
//! non-empty runs of marked code points or both map to one class member. The
//! converse does not hold, so every hit is confirmed with the LGR's exact
//! `are_variants` (no enumeration either way).

use idnsafe_lgr::Lgr;
use rustc_hash::{FxHashMap, FxHashSet};

/// Most repertoire code points examined (the largest shared LGR has ~33,000).
const MAX_ELEMENTS: usize = 400_000;

#[derive(Debug, Default)]
pub(crate) struct SeqFreeKey {
    rep: FxHashMap<u32, u32>,
    dropped: FxHashSet<u32>,
    /// `rep` and `dropped` for code points below [`DENSE`], without hashing.
    dense: Box<[u32]>,
}

/// Code points below this are mapped through `SeqFreeKey::dense`.
const DENSE: u32 = 0x800;
/// A `dense` entry for a dropped (marked) code point.
const DROPPED: u32 = u32::MAX;

fn find(parent: &mut FxHashMap<u32, u32>, x: u32) -> u32 {
    let mut r = x;
    let mut steps = 0;
    while let Some(&p) = parent.get(&r) {
        if p == r || steps > MAX_ELEMENTS {
            break;
        }
        r = p;
        steps += 1;
    }
    // Path compression.
    let mut y = x;
    while let Some(&p) = parent.get(&y) {
        if p == r {
            break;
        }
        parent.insert(y, r);
        y = p;
    }
    r
}

impl SeqFreeKey {
    pub(crate) fn build(lgr: &Lgr) -> SeqFreeKey {
        let mut parent: FxHashMap<u32, u32> = FxHashMap::default();
        let mut seeds: FxHashSet<u32> = FxHashSet::default();
        let mut seen = 0usize;
        for &(lo, hi) in lgr.repertoire().ranges() {
            for c in lo..=hi {
                seen += 1;
                if seen > MAX_ELEMENTS {
                    break;
                }
                for m in lgr.variant_mappings(&[c]) {
                    match m.target.as_slice() {
                        [t] => {
                            let (a, b) = (find(&mut parent, c), find(&mut parent, *t));
                            if a != b {
                                parent.insert(a.max(b), a.min(b));
                                parent.entry(a.min(b)).or_insert(a.min(b));
                            }
                        }
                        many => {
                            seeds.insert(c);
                            seeds.extend(many.iter().copied());
                        }
                    }
                }
            }
        }
        // A sequence element matters only when it has a variant other than
        // itself; one without variants stays unchanged in every variant label.
        for seq in lgr.sequences() {
            for m in lgr.variant_mappings(seq) {
                if m.target.as_slice() != seq {
                    seeds.extend(seq.iter().copied());
                    seeds.extend(m.target.iter().copied());
                }
            }
        }
        // Close the dropped set over variant classes.
        let dropped_roots: FxHashSet<u32> = seeds.iter().map(|&c| find(&mut parent, c)).collect();
        let keys: Vec<u32> = parent.keys().copied().collect();
        let mut rep = FxHashMap::default();
        let mut dropped = seeds;
        for c in keys {
            let r = find(&mut parent, c);
            if dropped_roots.contains(&r) {
                dropped.insert(c);
            } else if r != c {
                rep.insert(c, r);
            }
        }
        let mut k = SeqFreeKey { rep, dropped, dense: Box::default() };
        k.dense = (0..DENSE).map(|c| k.map_sparse(c)).collect();
        k
    }

    /// What `cp` becomes in a key ([`DROPPED`] for a dropped code point),
    /// from the hashed maps; the dense table holds the same for the
    /// common code points.
    fn map_sparse(&self, cp: u32) -> u32 {
        if self.dropped.contains(&cp) { DROPPED } else { self.rep.get(&cp).copied().unwrap_or(cp) }
    }

    pub(crate) fn key(&self, label: &str) -> String {
        const MARK: char = '\u{0}';
        let mut out = String::with_capacity(label.len());
        for c in label.chars() {
            let cp = c as u32;
            let mapped =
                self.dense.get(cp as usize).copied().unwrap_or_else(|| self.map_sparse(cp));
            if mapped == DROPPED {
                if !out.ends_with(MARK) {
                    out.push(MARK);
                }
                continue;
            }
            if let Some(m) = char::from_u32(mapped) {
                out.push(m);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idnsafe_lgr::VariantOptions;

    /// Every variant of a label has the label's key (the key never misses a
    /// variant), on words over the whole Latin reference LGR.
    #[test]
    fn variants_share_the_key_under_the_latin_reference_lgr() {
        let lgr =
            Lgr::from_path(idnsafe_tests::data_file("lgr/second-level/und-Latn.xml")).unwrap();
        assert!(lgr.variant_relation().has_sequences, "the test needs an LGR with sequences");
        let k = SeqFreeKey::build(&lgr);
        let words = [
            "strasse",
            "straße",
            "example",
            "paypal",
            "kazakhstan",
            "christmas",
            "massage",
            "niño",
            "façade",
            "smörgåsbord",
            "ssss",
            "łódź",
        ];
        let mut checked = 0;
        for w in words {
            if lgr.disposition(w).disposition != idnsafe_lgr::Disposition::Valid {
                continue;
            }
            let key = k.key(w);
            for v in
                lgr.variants(w, VariantOptions { limit: 5000, allocatable_only: false }).unwrap()
            {
                assert_eq!(k.key(&v.label), key, "{w} ~ {}", v.label);
                assert!(lgr.are_variants(w, &v.label).unwrap(), "{w} ~ {}", v.label);
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} variants checked");
    }

    /// The same on pseudo-random labels built from repertoire elements
    /// (sequences included) of LGRs whose relation has sequences.
    #[test]
    fn variants_share_the_key_on_random_labels() {
        for file in [
            "lgr/second-level/und-Latn.xml",
            "lgr/second-level/und-Deva.xml",
            "lgr/second-level/de.xml",
        ] {
            let lgr = Lgr::from_path(idnsafe_tests::data_file(file)).unwrap();
            let k = SeqFreeKey::build(&lgr);
            let mut elems: Vec<Vec<u32>> = lgr.sequences().map(<[u32]>::to_vec).collect();
            for &(lo, hi) in lgr.repertoire().ranges() {
                elems.extend((lo..=hi.min(lo + 300)).map(|c| vec![c]));
            }
            let mut seed = 0x9E37_79B9_7F4A_7C15u64;
            let mut next = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            let mut checked = 0;
            for _ in 0..3000 {
                let n = 1 + (next() % 8) as usize;
                let label: String = (0..n)
                    .flat_map(|_| elems[(next() % elems.len() as u64) as usize].clone())
                    .filter_map(char::from_u32)
                    .collect();
                let Ok(vs) =
                    lgr.variants(&label, VariantOptions { limit: 200, allocatable_only: false })
                else {
                    continue;
                };
                let key = k.key(&label);
                for v in vs {
                    assert_eq!(k.key(&v.label), key, "{file}: {label:?} ~ {:?}", v.label);
                    checked += 1;
                }
            }
            assert!(checked > 500, "{file}: only {checked} variants checked");
        }
    }
}

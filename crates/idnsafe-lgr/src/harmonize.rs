//! Harmonisation of two LGRs that share code points (`idnsafe lgr
//! harmonize`, after lgr-core's `harmonize` without a root-zone LGR): for
//! every element both have, a variant one of them maps it to is added to
//! the other as a `blocked` mapping (a target outside that LGR's
//! repertoire is added to it first, with a reflexive `out-of-repertoire`
//! mapping); then each LGR's variant relation is made symmetric and
//! transitive (missing mappings added as `blocked`; a target still outside
//! the repertoire is added with its reverse mapping). Ranges are written
//! one code point a char. Code points in only one of the two are listed for
//! manual review.

use crate::diff::MappingEntry;
use crate::model::Lgr;
use crate::write::{Additions, WriteOptions};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Most mappings harmonisation may add to one LGR (a bound on hostile
/// input: the closure of a huge variant set is quadratic).
const MAX_ADDED: usize = 2_000_000;

/// The two harmonised LGRs and what was added to each.
#[derive(Debug, Clone, Serialize)]
pub struct Harmonized {
    /// The first LGR, harmonised, as RFC 7940 XML.
    pub first_xml: String,
    /// The second.
    pub second_xml: String,
    /// Elements added to the first (hex code points).
    pub elements_added_first: Vec<String>,
    /// Elements added to the second.
    pub elements_added_second: Vec<String>,
    /// Mappings added to the first.
    pub added_first: Vec<MappingEntry>,
    /// Mappings added to the second.
    pub added_second: Vec<MappingEntry>,
    /// Code points only in the first, for manual review.
    pub review_first: Vec<String>,
    /// Code points only in the second.
    pub review_second: Vec<String>,
}

type Cps = Vec<u32>;

/// One LGR being harmonised: its repertoire and mappings, and what is added.
struct Work<'a> {
    lgr: &'a Lgr,
    rep: BTreeSet<Cps>,
    maps: BTreeMap<Cps, BTreeSet<Cps>>,
    add: Additions,
    added: Vec<(Cps, Cps, String)>,
}

use crate::error::hex_cps as hex;

impl<'a> Work<'a> {
    fn new(lgr: &'a Lgr) -> Self {
        let mut rep: BTreeSet<Cps> = lgr.elems.iter().map(|e| e.cps.to_vec()).collect();
        for r in &lgr.ranges {
            rep.extend((r.first..=r.last).map(|c| vec![c]));
        }
        let mut maps: BTreeMap<Cps, BTreeSet<Cps>> = BTreeMap::new();
        for e in &lgr.elems {
            for v in &e.vars {
                maps.entry(e.cps.to_vec()).or_default().insert(v.cps.to_vec());
            }
        }
        Work { lgr, rep, maps, add: Additions::default(), added: Vec::new() }
    }

    fn add_elem(&mut self, cps: &Cps) {
        if self.rep.insert(cps.clone()) {
            self.add.elems.push(cps.clone());
        }
    }

    fn add_map(&mut self, from: &Cps, to: &Cps, ty: &str) -> bool {
        if self.added.len() >= MAX_ADDED {
            return false;
        }
        if !self.maps.entry(from.clone()).or_default().insert(to.clone()) {
            return true;
        }
        self.add.vars.entry(from.clone()).or_default().push((to.clone(), ty.to_owned()));
        self.added.push((from.clone(), to.clone(), ty.to_owned()));
        true
    }

    /// Every mapping (source, target).
    fn edges(&self) -> Vec<(Cps, Cps)> {
        self.maps
            .iter()
            .flat_map(|(s, ts)| ts.iter().map(move |t| (s.clone(), t.clone())))
            .collect()
    }

    /// lgr-core's `populate_lgr`: targets outside the repertoire added (with
    /// the reverse mapping), then symmetric and transitive closure.
    fn populate(&mut self) {
        for (s, t) in &self.edges() {
            if !self.rep.contains(t) {
                self.add_elem(t);
                self.add_map(t, s, "blocked");
            }
        }
        // Connected components of the mapping graph; every ordered pair of
        // distinct members must be a mapping.
        let mut parent: BTreeMap<Cps, Cps> = BTreeMap::new();
        fn find(p: &mut BTreeMap<Cps, Cps>, x: &Cps) -> Cps {
            let mut r = x.clone();
            while let Some(n) = p.get(&r).filter(|n| **n != r).cloned() {
                r = n;
            }
            p.insert(x.clone(), r.clone());
            r
        }
        // The edges again: the step above added some.
        for (s, t) in &self.edges() {
            let (a, b) = (find(&mut parent, s), find(&mut parent, t));
            if a != b {
                parent.insert(a, b);
            }
        }
        let mut comps: BTreeMap<Cps, Vec<Cps>> = BTreeMap::new();
        let nodes: Vec<Cps> = parent.keys().cloned().collect();
        for n in nodes {
            let r = find(&mut parent, &n);
            comps.entry(r).or_default().push(n);
        }
        for members in comps.values() {
            for x in members {
                for y in members {
                    if x != y && !self.add_map(x, y, "blocked") {
                        return;
                    }
                }
            }
        }
    }

    fn finish(self, opts: &WriteOptions) -> (String, Vec<String>, Vec<MappingEntry>) {
        let xml = self.lgr.to_xml_with(opts, &self.add);
        let elems = self.add.elems.iter().map(|c| hex(c)).collect();
        let added = self
            .added
            .iter()
            .map(|(s, t, ty)| MappingEntry {
                source: hex(s),
                target: hex(t),
                types: ty.clone(),
                context: String::new(),
            })
            .collect();
        (xml, elems, added)
    }
}

/// Harmonises `first` and `second` (see the module documentation).
pub fn harmonize(first: &Lgr, second: &Lgr, opts: &WriteOptions) -> Harmonized {
    let (mut a, mut b) = (Work::new(first), Work::new(second));
    let (rep1, rep2) = (a.rep.clone(), b.rep.clone());
    for cp in rep1.intersection(&rep2) {
        let v1 = a.maps.get(cp).cloned().unwrap_or_default();
        let v2 = b.maps.get(cp).cloned().unwrap_or_default();
        for (into, vs, other) in [(&mut b, &v1, &v2), (&mut a, &v2, &v1)] {
            for t in vs.difference(other) {
                if !into.rep.contains(t) {
                    into.add_elem(t);
                    into.add_map(t, t, "out-of-repertoire");
                } else if t == cp {
                    continue;
                }
                into.add_map(cp, t, "blocked");
            }
        }
    }
    a.populate();
    b.populate();
    let only = |x: &BTreeSet<Cps>, y: &BTreeSet<Cps>| x.difference(y).map(|c| hex(c)).collect();
    let (review_first, review_second) = (only(&rep1, &rep2), only(&rep2, &rep1));
    let (first_xml, elements_added_first, added_first) = a.finish(opts);
    let (second_xml, elements_added_second, added_second) = b.finish(opts);
    Harmonized {
        first_xml,
        second_xml,
        elements_added_first,
        elements_added_second,
        added_first,
        added_second,
        review_first,
        review_second,
    }
}

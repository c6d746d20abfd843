//! Load-time analysis of the variant relation: symmetry, transitivity,
//! index-key classes and allocatable-search pruning.

use crate::error::{Diagnostic, Severity, fmt_cps};
use crate::model::{Action, Elem, Trigger, VarTrigger, VariantRelation};
use rustc_hash::{FxHashMap, FxHashSet};

/// Most individual symmetry/transitivity findings reported per kind.
const MAX_FINDINGS: usize = 20;

pub(crate) fn analyse_relation(
    elems: &[Elem],
    seen: &FxHashMap<Box<[u32]>, u32>,
    diags: &mut Vec<Diagnostic>,
) -> VariantRelation {
    let mut rel = VariantRelation {
        symmetric: true,
        transitive: true,
        contextual: false,
        has_sequences: false,
    };
    // Context-free adjacency over in-repertoire elements (RFC 7940 §5.3.3).
    let mut adj: FxHashMap<&[u32], FxHashSet<&[u32]>> = FxHashMap::default();
    // Context-free edges only: a chain through a mapping that applies only
    // in some context does not call for a context-free shortcut.
    let mut free: FxHashMap<&[u32], FxHashSet<&[u32]>> = FxHashMap::default();
    // RFC 7940 §5.3.4: a code point listed only to carry out-of-repertoire
    // variants has a reflexive mapping of type "out-of-repertoire-var"; it
    // is not part of the repertoire proper.
    let oor = |e: &Elem| e.vars.iter().any(|v| v.cps == e.cps && v.type_names_hint_oor);
    let outside: FxHashSet<&[u32]> = elems.iter().filter(|e| oor(e)).map(|e| &*e.cps).collect();
    for e in elems {
        if outside.contains(&*e.cps) {
            continue;
        }
        for v in &e.vars {
            if v.when.is_some() || v.not_when.is_some() {
                rel.contextual = true;
            }
            if e.cps.len() > 1 || v.cps.len() > 1 {
                rel.has_sequences = true;
            }
            if v.cps == e.cps {
                continue; // reflexive mapping (RFC 7940 §5.3.5)
            }
            if !seen.contains_key(&v.cps) || outside.contains(&*v.cps) {
                // Out-of-repertoire variants (RFC 7940 §5.3.6) are one-way by design.
                continue;
            }
            adj.entry(&e.cps).or_default().insert(&v.cps);
            if v.when.is_none() && v.not_when.is_none() {
                free.entry(&e.cps).or_default().insert(&v.cps);
            }
        }
    }
    let mut asym = 0usize;
    let mut intrans = 0usize;
    let mut keys: Vec<&&[u32]> = adj.keys().collect();
    keys.sort();
    for a in keys {
        let Some(outs) = adj.get(*a) else { continue };
        let mut outs_sorted: Vec<&&[u32]> = outs.iter().collect();
        outs_sorted.sort();
        for b in outs_sorted {
            if !adj.get(*b).is_some_and(|s| s.contains(*a)) {
                rel.symmetric = false;
                asym += 1;
                if asym <= MAX_FINDINGS {
                    diags.push(warn(
                        "LGR_VARIANT_NOT_SYMMETRIC",
                        format!("{} → {} has no reverse mapping", fmt_cps(a), fmt_cps(b)),
                    ));
                }
            }
            let free_ab = free.get(*a).is_some_and(|s| s.contains(*b));
            if let Some(bs) = free.get(*b).filter(|_| free_ab) {
                let mut cs: Vec<&&[u32]> = bs.iter().collect();
                cs.sort();
                for c in cs {
                    if *c != *a && !outs.contains(*c) {
                        rel.transitive = false;
                        intrans += 1;
                        if intrans <= MAX_FINDINGS {
                            diags.push(warn(
                                "LGR_VARIANT_NOT_TRANSITIVE",
                                format!(
                                    "{} → {} → {} but no {} → {}",
                                    fmt_cps(a),
                                    fmt_cps(b),
                                    fmt_cps(c),
                                    fmt_cps(a),
                                    fmt_cps(c)
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    if asym > MAX_FINDINGS {
        diags.push(warn("LGR_VARIANT_NOT_SYMMETRIC", format!("{asym} asymmetric mappings in all")));
    }
    if intrans > MAX_FINDINGS {
        diags.push(warn(
            "LGR_VARIANT_NOT_TRANSITIVE",
            format!("{intrans} missing transitive mappings in all"),
        ));
    }
    rel
}

fn warn(code: &'static str, message: String) -> Diagnostic {
    Diagnostic { severity: Severity::Warning, code, message, line: 0, column: 0 }
}

/// Union-find over all variant-graph nodes; each node in a non-trivial
/// class maps to the class's smallest member (RFC 7940 §8.5 index label).
pub(crate) type KeyMap = FxHashMap<Box<[u32]>, Box<[u32]>>;

pub(crate) fn build_key_map(elems: &[Elem]) -> (KeyMap, usize) {
    let mut ids: FxHashMap<&[u32], usize> = FxHashMap::default();
    let mut nodes: Vec<&[u32]> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    fn id<'a>(
        x: &'a [u32],
        ids: &mut FxHashMap<&'a [u32], usize>,
        nodes: &mut Vec<&'a [u32]>,
        parent: &mut Vec<usize>,
    ) -> usize {
        *ids.entry(x).or_insert_with(|| {
            nodes.push(x);
            parent.push(nodes.len() - 1);
            nodes.len() - 1
        })
    }
    fn find(p: &mut [usize], mut x: usize) -> usize {
        let mut root = x;
        while let Some(&q) = p.get(root) {
            if q == root {
                break;
            }
            root = q;
        }
        while let Some(&q) = p.get(x) {
            if q == root {
                break;
            }
            if let Some(s) = p.get_mut(x) {
                *s = root;
            }
            x = q;
        }
        root
    }
    for e in elems {
        if e.vars.iter().all(|v| v.cps == e.cps) {
            continue;
        }
        let a = id(&e.cps, &mut ids, &mut nodes, &mut parent);
        for v in &e.vars {
            let b = id(&v.cps, &mut ids, &mut nodes, &mut parent);
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb
                && let Some(s) = parent.get_mut(ra)
            {
                *s = rb;
            }
        }
    }
    let mut best: FxHashMap<usize, &[u32]> = FxHashMap::default();
    for i in 0..nodes.len() {
        let r = find(&mut parent, i);
        if let Some(&n) = nodes.get(i) {
            let e = best.entry(r).or_insert(n);
            if n < *e {
                *e = n;
            }
        }
    }
    let mut map = FxHashMap::default();
    let mut max_len = 0;
    for i in 0..nodes.len() {
        let r = find(&mut parent, i);
        if let (Some(&n), Some(&rep)) = (nodes.get(i), best.get(&r)) {
            max_len = max_len.max(n.len());
            map.insert(Box::from(n), Box::from(rep));
        }
    }
    (map, max_len)
}

/// Variant types that, once present in a variant label, make it impossible
/// for the label to end up allocatable: an unconditional `any-variant`
/// action naming the type precedes every allocatable action (RFC 7940 §7.4:
/// the first action that triggers decides).
pub(crate) fn doomed_types(actions: &[Action], ntypes: usize) -> u128 {
    let mut doomed = 0u128;
    for t in 0..ntypes.min(128) {
        let bit = 1u128 << t;
        for a in actions {
            if a.disp.is_allocatable() {
                break;
            }
            if matches!(a.trigger, Trigger::Always)
                && let VarTrigger::Any(s) = a.var
                && s & bit != 0
            {
                doomed |= bit;
                break;
            }
        }
    }
    doomed
}

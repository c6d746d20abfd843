//! Property tests on the Root Zone LGRs: the variant relation is symmetric
//! label-wise, and index keys agree with variant generation.

use idnsafe_lgr::{Lgr, VariantOptions};

mod common;
use proptest::prelude::*;
use std::sync::OnceLock;

const SCRIPTS: &[&str] = &[
    "arabic",
    "cyrillic",
    "greek",
    "latin",
    "hebrew",
    "armenian",
    "georgian",
    "thai",
    "japanese",
    "devanagari",
];

struct Loaded {
    name: &'static str,
    lgr: Lgr,
    rep: Vec<char>,
}

fn lgrs() -> &'static [Loaded] {
    static L: OnceLock<Vec<Loaded>> = OnceLock::new();
    L.get_or_init(|| {
        SCRIPTS
            .iter()
            .map(|s| {
                let p = idnsafe_tests::data_file(&format!(
                    "lgr/root-zone/lgr-5/lgr-5-{s}-script-26may22-en.xml"
                ));
                let lgr = Lgr::from_path(&p).unwrap();
                let rep: Vec<char> = lgr
                    .repertoire()
                    .ranges()
                    .iter()
                    .flat_map(|&(a, b)| a..=b)
                    .filter_map(char::from_u32)
                    .filter(|&c| c != '-')
                    .collect();
                Loaded { name: s, lgr, rep }
            })
            .collect()
    })
}

/// Picks a root zone LGR and a label of 1..6 repertoire code points, biased
/// towards code points that have variants so the property is not vacuous.
fn label() -> impl Strategy<Value = (usize, String)> {
    (0..SCRIPTS.len(), prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 1..6))
        .prop_map(|(i, picks)| {
            let l = &lgrs()[i];
            let with_vars: Vec<char> = l
                .rep
                .iter()
                .copied()
                .filter(|&c| {
                    l.lgr.variant_mappings(&[c as u32]).iter().any(|m| m.target != [c as u32])
                })
                .collect();
            let s: String = picks
                .iter()
                .map(|(ix, prefer_var)| {
                    if *prefer_var && !with_vars.is_empty() {
                        *ix.get(&with_vars)
                    } else {
                        *ix.get(&l.rep)
                    }
                })
                .collect();
            (i, s)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, .. ProptestConfig::default() })]

    /// b ∈ variants(a) ⇒ a ∈ variants(b), and index keys agree with it.
    #[test]
    fn variants_symmetric_and_keys_agree((i, a) in label()) {
        let l = &lgrs()[i];
        let exact = l.lgr.variant_relation().is_equivalence();
        let ka = l.lgr.index_key(&a).unwrap();
        // The count without enumeration agrees with the enumeration.
        let count = l.lgr.variant_count(&a).unwrap();
        if count <= 2000 {
            let listed = l.lgr.variants(&a, VariantOptions { limit: 5000, allocatable_only: false }).unwrap().count() as u128;
            // Exact for one segmentation; with sequences in the repertoire
            // (Thai U+0E4D U+0E32 beside U+0E4D) a label may split two ways
            // and the count is an upper bound (documented).
            if l.lgr.variant_relation().has_sequences || l.lgr.stats().sequences > 0 {
                prop_assert!(listed <= count, "{}: {a:?}: {listed} > {count}", l.name);
            } else {
                prop_assert_eq!(listed, count, "{}: {:?}", l.name, a);
            }
        }
        let vs: Vec<String> = l.lgr.variants(&a, VariantOptions { limit: 64, allocatable_only: false }).unwrap().map(|v| v.label).collect();
        // The exact walk agrees with the enumeration, for every LGR.
        for b in &vs {
            prop_assert!(l.lgr.are_variants(&a, b).unwrap(), "{}: {a:?} -> {b:?}", l.name);
        }
        for b in vs.iter().take(8) {
            // Variants whose code points are all in the repertoire (no
            // out-of-repertoire variant) must map back.
            if !b.chars().all(|c| l.lgr.contains(c)) {
                continue;
            }
            // Label-level symmetry holds for context-free relations; with
            // when/not-when mappings the context may hold only one way.
            if !l.lgr.variant_relation().contextual {
                let back = l.lgr.are_variants(b, &a).unwrap();
                prop_assert!(back, "{}: {a:?} -> {b:?} but not back", l.name);
            }
            // Necessary direction: variants share the key (guaranteed
            // unless mappings involve sequences: then are_variants decides).
            if !l.lgr.variant_relation().has_sequences {
                prop_assert_eq!(&l.lgr.index_key(b).unwrap(), &ka, "{}: {:?} vs {:?}", l.name, a, b);
            }
        }
        // A label that differs from a variant in its last code point is a
        // variant exactly when the enumeration lists it.
        if count <= 2000 && let Some(v) = vs.first() {
            let all: Vec<String> = l.lgr.variants(&a, VariantOptions { limit: 5000, allocatable_only: false }).unwrap().map(|v| v.label).collect();
            for c in l.rep.iter().take(40) {
                let mut m: Vec<char> = v.chars().collect();
                if let Some(last) = m.last_mut() { *last = *c; }
                let m: String = m.into_iter().collect();
                if m == a { continue; }
                prop_assert_eq!(l.lgr.are_variants(&a, &m).unwrap(), all.contains(&m), "{}: {:?} {:?}", l.name, a, m);
            }
        }
        if exact {
            // Sufficient direction: a label with the same key is a variant.
            // Build one by taking the key itself (every element replaced by
            // its class representative).
            let k = ka.as_str().to_owned();
            if k != a && k.chars().all(|c| l.lgr.contains(c)) {
                let all: Vec<String> = l.lgr.variants(&a, VariantOptions { limit: 1 << 20, allocatable_only: false }).unwrap().map(|v| v.label).collect();
                prop_assert!(all.contains(&k), "{}: key {k:?} of {a:?} is not among its variants", l.name);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// The bundle lists the variants, in order, each allocatable exactly
    /// when its full disposition is (the bundle skips evaluating variants
    /// whose types can only end unallocatable).
    #[test]
    fn bundle_agrees_with_variants((i, a) in label()) {
        let l = &lgrs()[i];
        let mut vs = l.lgr.variants(&a, VariantOptions { limit: 300, allocatable_only: false }).unwrap();
        let full: Vec<(String, bool)> = vs.by_ref().map(|v| (v.label, v.disposition.is_allocatable())).collect();
        let mut b = l.lgr.bundle(&a, 300).unwrap();
        let fast: Vec<(String, bool)> = b.by_ref().map(|v| (v.label, v.allocatable)).collect();
        prop_assert_eq!(&fast, &full, "{}: {:?}", l.name, a);
        prop_assert_eq!(b.truncated(), vs.truncated());
        // A limit of exactly the number of variants is not a truncation;
        // one less is.
        if !vs.truncated() {
            let n = full.len() as u64;
            let mut exact = l.lgr.bundle(&a, n).unwrap();
            prop_assert_eq!(exact.by_ref().count() as u64, n);
            prop_assert!(!exact.truncated(), "{}: {:?} limit {}", l.name, a, n);
            if n > 0 {
                let mut short = l.lgr.bundle(&a, n - 1).unwrap();
                prop_assert_eq!(short.by_ref().count() as u64, n - 1);
                prop_assert!(short.truncated(), "{}: {:?} limit {}", l.name, a, n - 1);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, .. ProptestConfig::default() })]

    /// Labels with one segmentation are enumerated as an odometer; it
    /// yields the same labels, in the same order, with the same types,
    /// dispositions and truncation as the general walk of the choice tree.
    #[test]
    fn odometer_agrees_with_tree_walk((i, a) in label(), limit in prop_oneof![Just(1u64), Just(3), Just(16), Just(300)]) {
        let l = &lgrs()[i];
        common::assert_walks_agree(&l.lgr, &a, limit);
    }
}

/// The odometer on Latin labels like the screening benchmark's (ASCII
/// letters with several variants each, and runs without any).
#[test]
fn odometer_agrees_with_tree_walk_on_latin_names() {
    let lgr = Lgr::from_path(idnsafe_tests::data_file("lgr/second-level/und-Latn.xml")).unwrap();
    for a in
        ["google", "paypal", "thequickbrown", "xyz", "a", "bank-of-union", "0x1", "unionfoundation"]
    {
        for limit in [0, 1, 5, 16, 10_000] {
            common::assert_walks_agree(&lgr, a, limit);
        }
    }
}

/// The same on labels that split two ways under the Latin reference LGR
/// (`ss` is a sequence element beside two `s`), where the walk meets
/// labels twice and must not count repeats as left out.
#[test]
fn truncation_is_exact_for_labels_with_two_segmentations() {
    let lgr = Lgr::from_path(idnsafe_tests::data_file("lgr/second-level/und-Latn.xml")).unwrap();
    for a in ["ss", "strasse", "mississippi", "glass", "assess"] {
        let all: Vec<String> = lgr.bundle(a, 100_000).unwrap().map(|v| v.label).collect();
        let distinct: std::collections::HashSet<&String> = all.iter().collect();
        assert_eq!(distinct.len(), all.len(), "{a}: a label listed twice");
        assert!(!all.iter().any(|v| v == a), "{a}: the label itself listed");
        let n = all.len() as u64;
        assert!(n > 0, "{a}");
        let mut exact = lgr.bundle(a, n).unwrap();
        assert_eq!(exact.by_ref().count() as u64, n);
        assert!(!exact.truncated(), "{a}: limit {n}");
        let mut short = lgr.bundle(a, n - 1).unwrap();
        assert_eq!(short.by_ref().count() as u64, n - 1);
        assert!(short.truncated(), "{a}: limit {}", n - 1);
    }
}

/// Across the labels the property draws from, some bundles hold both
/// allocatable and blocked labels, so the agreement above is not vacuous.
#[test]
fn bundles_hold_both_kinds() {
    let arabic = &lgrs()[0].lgr;
    let (mut alloc, mut blocked) = (0, 0);
    for c in lgrs()[0].rep.iter().take(400) {
        for v in arabic.bundle(&format!("{c}{c}"), 50).unwrap() {
            if v.allocatable { alloc += 1 } else { blocked += 1 }
        }
    }
    assert!(alloc > 0 && blocked > 0, "allocatable {alloc}, blocked {blocked}");
}

/// Labels with different keys are never variants (checked exhaustively on
/// small variant sets).
#[test]
fn different_keys_are_not_variants() {
    for l in lgrs() {
        let with_vars: Vec<char> = l
            .rep
            .iter()
            .copied()
            .filter(|&c| l.lgr.variant_mappings(&[c as u32]).iter().any(|m| m.target != [c as u32]))
            .take(40)
            .collect();
        for w in with_vars.windows(2) {
            let (a, b) = (w[0].to_string(), w[1].to_string());
            let same_key = l.lgr.index_key(&a).unwrap() == l.lgr.index_key(&b).unwrap();
            let is_var =
                l.lgr.variants(&a, VariantOptions::default()).unwrap().any(|v| v.label == b);
            if l.lgr.variant_relation().is_equivalence() {
                assert_eq!(same_key, is_var, "{}: {a:?} {b:?}", l.name);
            } else if is_var {
                assert!(same_key, "{}: {a:?} {b:?}", l.name);
            }
        }
    }
}

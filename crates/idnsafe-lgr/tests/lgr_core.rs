//! Differential test against ICANN's reference LGR engine, lgr-core 6.1.3:
//! its answers for every Root Zone LGR (RZ-LGR-5 script LGRs) and every
//! second-level Reference LGR of the shared data, on real words, random
//! repertoire strings and sampled variant labels, are kept in
//! `tests/data/lgr-core.jsonl.gz` (made by `scripts/lgr-oracle.py`; the
//! header line names the lgr-core version). The engine must give the same
//! eligibility and disposition, the same index label, the same variant
//! count estimate and the same variant set (lgr-core's default: invalid
//! variant labels left out) for every label, except where CONFORMANCE.md
//! lists a deliberate deviation: one, in lgr-core's index label (a
//! variant's context checked against the wrong remainder of the label),
//! recognised here by reproducing that slip exactly.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;

use idnsafe_lgr::{Disposition, Lgr, VariantOptions};
use serde_json::Value;

#[derive(Default)]
struct Tally {
    labels: usize,
    disposition: usize,
    index: usize,
    index_asked: usize,
    estimate: usize,
    estimate_asked: usize,
    variants: usize,
    variants_asked: usize,
    index_deviation: usize,
    examples: Vec<String>,
    deviations: Vec<String>,
}

fn note(t: &mut Tally, what: String) {
    if t.examples.len() < 3 {
        t.examples.push(what);
    }
}

fn our_variants(lgr: &Lgr, label: &str) -> Option<BTreeSet<(String, String)>> {
    let opts = VariantOptions { limit: 1_000_000, allocatable_only: false };
    let v = lgr.variants(label, opts).ok()?;
    Some(
        v.filter(|x| x.label != label && x.disposition != Disposition::Invalid)
            .map(|x| (x.label, x.disposition.as_str().to_owned()))
            .collect(),
    )
}

#[test]
fn the_engine_agrees_with_lgr_core() {
    agree_with_lgr_core(&|p: &std::path::Path| Lgr::from_path(p));
}

/// The LGRs `lgr write --facts-only` makes (the form `tables/lgr/` ships)
/// give lgr-core's answers too.
#[test]
fn written_lgrs_agree_with_lgr_core() {
    let opts = idnsafe_lgr::WriteOptions { facts_only: true, source_note: None };
    agree_with_lgr_core(&|p: &std::path::Path| Lgr::from_xml(&Lgr::from_path(p)?.to_xml(&opts)));
}

type Loader<'a> = dyn Fn(&std::path::Path) -> Result<Lgr, idnsafe_lgr::LoadError> + 'a;

fn agree_with_lgr_core(load: &Loader<'_>) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lgr-core.jsonl.gz");
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (made by scripts/lgr-oracle.py)", path.display()));
    let mut lines = std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines();
    let header: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert!(header["oracle"].as_str().unwrap().starts_with("lgr-core 6.1.3"), "{header}");
    let root = idnsafe_tests::data_file("lgr");
    let mut lgrs: HashMap<String, Lgr> = HashMap::new();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    for line in lines {
        let r: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let rel = r["lgr"].as_str().unwrap().to_owned();
        let label = r["label"].as_str().unwrap();
        let lgr = lgrs
            .entry(rel.clone())
            .or_insert_with(|| load(&root.join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}")));
        let t = tally.entry(rel.clone()).or_default();
        t.labels += 1;
        let theirs = r["disposition"].as_str().unwrap();
        let ours = lgr.disposition(label).disposition;
        if ours.as_str() != theirs {
            t.disposition += 1;
            note(t, format!("{label:?}: disposition {} (lgr-core {theirs})", ours.as_str()));
        }
        if let Some(idx) = r["index"].as_str() {
            t.index_asked += 1;
            let mine = lgr.index_label(label);
            if mine.as_deref().ok() != Some(idx) {
                // The one deliberate deviation (CONFORMANCE.md, RFC 7940
                // §8.5 / RZ-LGR §5.5.4 step 2.c): lgr-core checks a
                // variant's context against the wrong remainder of the
                // label. Such a label must give lgr-core's answer exactly
                // when we reproduce that slip, and differ only then.
                let as_lgr_core = lgr.index_label_as_lgr_core(label);
                if as_lgr_core.as_deref().ok() == Some(idx) {
                    t.index_deviation += 1;
                    if t.deviations.len() < 2 {
                        t.deviations.push(format!("{label:?}: index {mine:?}, lgr-core {idx:?}"));
                    }
                } else {
                    t.index += 1;
                    note(t, format!("{label:?}: index {mine:?} (lgr-core {idx:?})"));
                }
            }
        }
        if let Some(est) = r["estimate"].as_u64() {
            t.estimate_asked += 1;
            let mine = lgr.variant_estimate(label).ok();
            if mine != Some(u128::from(est)) {
                t.estimate += 1;
                note(t, format!("{label:?}: estimate {mine:?} (lgr-core {est})"));
            }
        }
        if let Some(vs) = r["variants"].as_array() {
            t.variants_asked += 1;
            let theirs: BTreeSet<(String, String)> = vs
                .iter()
                .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
                .collect();
            let mine = our_variants(lgr, label);
            if mine.as_ref() != Some(&theirs) {
                t.variants += 1;
                let (extra, missing) = match &mine {
                    Some(m) => (
                        m.difference(&theirs).take(2).cloned().collect::<Vec<_>>(),
                        theirs.difference(m).take(2).cloned().collect::<Vec<_>>(),
                    ),
                    None => (Vec::new(), Vec::new()),
                };
                note(
                    t,
                    format!("{label:?}: variants: ours also {extra:?}, lgr-core also {missing:?}"),
                );
            }
        }
    }
    let mut total = (0, 0);
    let mut deviations = 0;
    for (rel, t) in &tally {
        let bad = t.disposition + t.index + t.estimate + t.variants;
        total.0 += t.labels;
        total.1 += bad;
        println!(
            "{rel}: {} labels; disagreements: disposition {}, index {}/{}, estimate {}/{}, variants {}/{}",
            t.labels,
            t.disposition,
            t.index,
            t.index_asked,
            t.estimate,
            t.estimate_asked,
            t.variants,
            t.variants_asked
        );
        for e in &t.examples {
            println!("    {e}");
        }
        if t.index_deviation > 0 {
            deviations += t.index_deviation;
            println!(
                "  deliberate deviation (lgr-core's variant-context slip), index: {}",
                t.index_deviation
            );
            for e in &t.deviations {
                println!("    {e}");
            }
        }
    }
    println!(
        "{} labels over {} LGRs, {} disagreements, {} index labels of the documented deviation",
        total.0,
        tally.len(),
        total.1,
        deviations
    );
    assert!(tally.len() >= 80, "answers for {} LGRs only", tally.len());
    assert_eq!(total.1, 0, "the engine disagrees with lgr-core (see above)");
}

/// `Lgr::collisions` (`idnsafe lgr collisions`) groups labels as lgr-core's
/// collision tools do, by lgr-core's index label: on every LGR of the
/// oracle, the groups of labels sharing lgr-core's index label are exactly
/// ours, leaving out only the labels of the documented index deviation.
#[test]
fn collisions_agree_with_lgr_core() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lgr-core.jsonl.gz");
    let file = std::fs::File::open(&path).unwrap();
    let mut lines = std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines();
    lines.next();
    // LGR → [(label, lgr-core's index label)]
    let mut per_lgr: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for line in lines {
        let r: Value = serde_json::from_str(&line.unwrap()).unwrap();
        if let Some(idx) = r["index"].as_str() {
            per_lgr
                .entry(r["lgr"].as_str().unwrap().to_owned())
                .or_default()
                .push((r["label"].as_str().unwrap().to_owned(), idx.to_owned()));
        }
    }
    let root = idnsafe_tests::data_file("lgr");
    let (mut groups_seen, mut labels_seen, mut left_out) = (0, 0, 0);
    for (rel, labels) in &per_lgr {
        let lgr = Lgr::from_path(root.join(rel)).unwrap();
        let deviating: BTreeSet<&str> = labels
            .iter()
            .filter(|(l, idx)| lgr.index_label(l).ok().as_deref() != Some(idx.as_str()))
            .map(|(l, idx)| {
                assert_eq!(lgr.index_label_as_lgr_core(l).ok().as_deref(), Some(idx.as_str()));
                l.as_str()
            })
            .collect();
        left_out += deviating.len();
        let kept: Vec<&(String, String)> =
            labels.iter().filter(|(l, _)| !deviating.contains(l.as_str())).collect();
        let mut theirs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (l, idx) in &kept {
            theirs.entry(idx.as_str()).or_default().insert(l.as_str());
        }
        let theirs: BTreeSet<BTreeSet<&str>> =
            theirs.into_values().filter(|g| g.len() > 1).collect();
        let c = lgr.collisions(kept.iter().map(|(l, _)| l.as_str()));
        assert!(c.not_in_lgr.is_empty(), "{rel}: {:?}", c.not_in_lgr.first());
        let ours: BTreeSet<BTreeSet<&str>> =
            c.groups.iter().map(|g| g.labels.iter().map(String::as_str).collect()).collect();
        assert_eq!(ours, theirs, "{rel}: collision groups differ from lgr-core's");
        groups_seen += ours.len();
        labels_seen += c.labels;
    }
    println!(
        "{labels_seen} labels over {} LGRs: {groups_seen} collision groups, as lgr-core; {left_out} labels of the index deviation left out",
        per_lgr.len()
    );
    assert!(groups_seen > 100, "only {groups_seen} groups: the test would prove little");
}

/// `Lgr::idna_compliance` (`idnsafe lgr idna-compliance`) finds the
/// repertoire elements lgr-core's `check_idna2008_compliance` finds
/// (`scripts/lgr-core-idna-compliance.py`): none in the 88 shared RZ-LGR,
/// second-level and .se LGRs, and exactly lgr-core's in a small LGR made to
/// have some. CONTEXTJ/CONTEXTO code points without a context rule, which
/// lgr-core accepts, are reported apart (`IDNA_CONTEXT_WITHOUT_RULE`).
#[test]
fn idna_compliance_agrees_with_lgr_core() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lgr-core-idna2008.json");
    let oracle: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(oracle["oracle"].as_str().unwrap().starts_with("lgr-core 6.1.3"));
    let root = idnsafe_tests::data_file("lgr");
    let mut lgrs = 0;
    for (rel, theirs) in oracle["lgrs"].as_object().unwrap() {
        let lgr = if rel == "(synthetic)" {
            Lgr::from_xml(oracle["synthetic_xml"].as_str().unwrap()).unwrap()
        } else {
            Lgr::from_path(root.join(rel)).unwrap()
        };
        let c = lgr.idna_compliance();
        let ours: BTreeSet<&str> = c
            .non_compliant
            .iter()
            .filter(|n| n.code == "IDNA_NOT_PVALID")
            .map(|n| n.cp.as_str())
            .collect();
        let theirs: BTreeSet<&str> =
            theirs.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(ours, theirs, "{rel}");
        if rel == "(synthetic)" {
            assert_eq!(ours.len(), 7);
            let ctx: Vec<&str> = c
                .non_compliant
                .iter()
                .filter(|n| n.code == "IDNA_CONTEXT_WITHOUT_RULE")
                .map(|n| n.cp.as_str())
                .collect();
            assert_eq!(ctx, ["00B7"]);
            assert!(!c.compliant);
        }
        lgrs += 1;
    }
    assert!(lgrs >= 89, "{lgrs}");
}

/// `Lgr::diff` (`idnsafe lgr compare --diff`) finds the differences lgr-core
/// finds between its own parses of ten pairs of shared LGRs
/// (`scripts/lgr-core-diff.py`): code points and sequences in one
/// repertoire only, and variant mappings (source, target, type, context)
/// in one LGR only. An LGR compared with itself, or with what `lgr write`
/// makes of it, is identical.
#[test]
fn diff_agrees_with_lgr_core() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lgr-core-diff.json");
    let oracle: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let root = idnsafe_tests::data_file("lgr");
    let expand = |v: &[String]| -> BTreeSet<String> {
        v.iter()
            .flat_map(|r| {
                let (a, b) = r.split_once('-').unwrap_or((r, r));
                let (a, b) =
                    (u32::from_str_radix(a, 16).unwrap(), u32::from_str_radix(b, 16).unwrap());
                (a..=b).map(|c| format!("{c:04X}"))
            })
            .collect()
    };
    let strs = |v: &Value| -> BTreeSet<String> {
        v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect()
    };
    let maps = |v: &Value| -> BTreeSet<(String, String, String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let s = |i: usize| m[i].as_str().unwrap().to_owned();
                (s(0), s(1), s(2), s(3))
            })
            .collect()
    };
    let ours_maps =
        |v: &[idnsafe_lgr::MappingEntry]| -> BTreeSet<(String, String, String, String)> {
            v.iter()
                .map(|m| (m.source.clone(), m.target.clone(), m.types.clone(), m.context.clone()))
                .collect()
        };
    let mut pairs = 0;
    for p in oracle["pairs"].as_array().unwrap() {
        let (a, b) = (p["first"].as_str().unwrap(), p["second"].as_str().unwrap());
        let (la, lb) =
            (Lgr::from_path(root.join(a)).unwrap(), Lgr::from_path(root.join(b)).unwrap());
        let d = la.diff(&lb);
        let what = format!("{a} vs {b}");
        assert_eq!(expand(&d.repertoire_only_first), strs(&p["only_first"]), "{what}");
        assert_eq!(expand(&d.repertoire_only_second), strs(&p["only_second"]), "{what}");
        assert_eq!(
            d.sequences_only_first.iter().cloned().collect::<BTreeSet<_>>(),
            strs(&p["sequences_only_first"]),
            "{what}"
        );
        assert_eq!(
            d.sequences_only_second.iter().cloned().collect::<BTreeSet<_>>(),
            strs(&p["sequences_only_second"]),
            "{what}"
        );
        assert_eq!(ours_maps(&d.variants_only_first), maps(&p["variants_only_first"]), "{what}");
        assert_eq!(ours_maps(&d.variants_only_second), maps(&p["variants_only_second"]), "{what}");
        assert!(!d.identical, "{what}");
        for l in [&la, &lb] {
            assert!(l.diff(l).identical);
            let opts = idnsafe_lgr::WriteOptions { facts_only: true, source_note: None };
            let written = Lgr::from_xml(&l.to_xml(&opts)).unwrap();
            let w = l.diff(&written);
            assert!(w.identical, "{what}: written differs: {w:?}");
        }
        pairs += 1;
    }
    assert_eq!(pairs, 10);
}

/// `harmonize` (`idnsafe lgr harmonize`) gives lgr-core's harmonised LGRs
/// (`scripts/lgr-core-harmonize.py`) on seven pairs of shared LGRs, among
/// them zh against und-Hani (31,864 mappings each after harmonisation):
/// the same repertoire and the same variant mappings with their types.
#[test]
fn harmonize_agrees_with_lgr_core() {
    let oracle = gz_oracle("lgr-core-harmonize.json.gz");
    let root = idnsafe_tests::data_file("lgr");
    let (facts, theirs) = (lgr_facts, oracle_facts);
    let mut pairs = 0;
    for p in oracle["pairs"].as_array().unwrap() {
        let (a, b) = (p["first"].as_str().unwrap(), p["second"].as_str().unwrap());
        let (la, lb) =
            (Lgr::from_path(root.join(a)).unwrap(), Lgr::from_path(root.join(b)).unwrap());
        let h = idnsafe_lgr::harmonize(&la, &lb, &idnsafe_lgr::WriteOptions::default());
        let ha = Lgr::from_xml(&h.first_xml).unwrap_or_else(|e| panic!("{a}: {e}"));
        let hb = Lgr::from_xml(&h.second_xml).unwrap_or_else(|e| panic!("{b}: {e}"));
        for (what, ours, t) in [(a, &ha, &p["harmonized_first"]), (b, &hb, &p["harmonized_second"])]
        {
            let (our_rep, our_maps) = facts(ours);
            let (their_rep, their_maps) = theirs(t);
            assert_eq!(our_rep, their_rep, "{a} + {b}: repertoire of harmonised {what}");
            let extra: Vec<_> = our_maps.difference(&their_maps).take(3).collect();
            let missing: Vec<_> = their_maps.difference(&our_maps).take(3).collect();
            assert!(
                extra.is_empty() && missing.is_empty(),
                "{a} + {b}: harmonised {what}: ours also {extra:?}, lgr-core also {missing:?}"
            );
        }
        pairs += 1;
    }
    assert_eq!(pairs, 7);
}

type Facts = (BTreeSet<String>, BTreeSet<(String, String, String)>);

/// A gzip-compressed JSON oracle of `tests/data`.
fn gz_oracle(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut text,
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// An LGR's repertoire (single code points and sequences, hex) and its
/// mappings (source, target, types).
fn lgr_facts(l: &Lgr) -> Facts {
    let hex = |c: &[u32]| c.iter().map(|c| format!("{c:04X}")).collect::<Vec<_>>().join(" ");
    let mut rep: BTreeSet<String> = l
        .repertoire()
        .ranges()
        .iter()
        .flat_map(|&(a, b)| (a..=b).map(|c| format!("{c:04X}")))
        .collect();
    rep.extend(l.sequences().map(hex));
    let d = l.diff(
        &Lgr::from_xml("<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\"><data/></lgr>").unwrap(),
    );
    let maps = d.variants_only_first.into_iter().map(|m| (m.source, m.target, m.types)).collect();
    (rep, maps)
}

/// The same facts as an oracle script wrote them.
fn oracle_facts(v: &Value) -> Facts {
    let rep = v["repertoire"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    let maps = v["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let s = |i: usize| m[i].as_str().unwrap().to_owned();
            (s(0), s(1), s(2))
        })
        .collect();
    (rep, maps)
}

fn assert_same_facts(what: &str, ours: &Facts, theirs: &Facts) {
    let extra: Vec<_> = ours.0.difference(&theirs.0).take(3).collect();
    let missing: Vec<_> = theirs.0.difference(&ours.0).take(3).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}: repertoire: ours also {extra:?}, lgr-core also {missing:?}"
    );
    let extra: Vec<_> = ours.1.difference(&theirs.1).take(3).collect();
    let missing: Vec<_> = theirs.1.difference(&ours.1).take(3).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}: mappings: ours also {extra:?}, lgr-core also {missing:?} ({} / {})",
        ours.1.len(),
        theirs.1.len()
    );
}

/// `Lgr::union`, `Lgr::intersect` and `merge_set` (`idnsafe lgr compare
/// --union|--intersect`, `idnsafe lgr merge-set`) make what lgr-core's
/// tools make (`scripts/lgr-core-compose.py`): on eight pairs of shared
/// LGRs the same repertoire and mappings with types (an intersection's
/// without types: lgr-core's leaves them out), and for the Root Zone LGR-5
/// scripts without Japanese and Korean (which lgr-core cannot merge) the
/// same merged repertoire, mappings and rule names. The one deliberate
/// difference: a union keeps the mappings of elements only the first LGR
/// has, which lgr-core drops; the oracle lists them and they must be ours.
#[test]
fn compose_agrees_with_lgr_core() {
    let oracle = gz_oracle("lgr-core-compose.json.gz");
    let root = idnsafe_tests::data_file("lgr");
    let opts = idnsafe_lgr::ComposeOptions::default();
    let mut checked = 0;
    for c in oracle["cases"].as_array().unwrap() {
        let op = c["op"].as_str().unwrap();
        assert!(c.get("error").is_none(), "lgr-core failed on {c:?}");
        if op == "merge-set" {
            let lgrs: Vec<Lgr> = c["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| Lgr::from_path(root.join(f.as_str().unwrap())).unwrap())
                .collect();
            let refs: Vec<&Lgr> = lgrs.iter().collect();
            let m = idnsafe_lgr::merge_set(&refs, opts).unwrap();
            assert!(m.conflicts.is_empty(), "{:?}", m.conflicts.first());
            assert_same_facts("merge-set", &lgr_facts(&m.lgr), &oracle_facts(c));
            let ours: BTreeSet<&str> = m.lgr.rule_names().collect();
            let theirs: BTreeSet<&str> =
                c["rules"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
            assert_eq!(ours, theirs, "merge-set rule names");
            checked += 1;
            continue;
        }
        let (a, b) = (c["first"].as_str().unwrap(), c["second"].as_str().unwrap());
        let (la, lb) =
            (Lgr::from_path(root.join(a)).unwrap(), Lgr::from_path(root.join(b)).unwrap());
        let what = format!("{op} of {a} and {b}");
        let made = if op == "union" { la.union(&lb, opts) } else { la.intersect(&lb, opts) };
        let made = made.unwrap_or_else(|e| panic!("{what}: {e}"));
        let mut ours = lgr_facts(&made.lgr);
        let mut theirs = oracle_facts(c);
        if op == "union" {
            let kept = oracle_facts(
                &serde_json::json!({"repertoire": [], "mappings": c["first_only_mappings"]}),
            );
            theirs.1.extend(kept.1);
        } else {
            ours.1 = ours.1.into_iter().map(|(s, t, _)| (s, t, String::new())).collect();
        }
        assert_same_facts(&what, &ours, &theirs);
        checked += 1;
    }
    assert_eq!(checked, 17);
}

/// `Lgr::review` (`idnsafe lgr review TABLE --reference REF`) answers what
/// lgr-core's IDN table review (`review_lgr`, `scripts/lgr-core-review.py`)
/// answers, on eleven pairs of shared LGRs (second-level tables and RZ-LGR-5
/// script LGRs against their second-level Reference LGRs, .se against
/// und-Latn, a table against itself) and one made-up pair, facet by facet:
///
/// - repertoire: code points and sequences in one LGR only are the same;
///   elements in both that lgr-core does not call MATCH are those whose
///   tags (other than `sc:`, which lgr-core leaves out) or when/not-when
///   differ (`diff.tags_differ`, `diff.contexts_differ`), and lgr-core's
///   remark names rules exactly for the latter;
/// - variant sets: every direction x → y between elements of the table that
///   lgr-core does not call MATCH is a target our `variant_sets_differ`
///   lists for x, and the reverse, except where the two legitimately
///   differ, each asserted exactly: a finding about an element or target
///   outside the table (we compare restricted to the table's repertoire),
///   about an element the reference lacks (ours: `repertoire_added`), one
///   that differs only in the mappings' contexts (ours ignores them; the
///   diff has them), lgr-core's finding for a reflexive mapping both have
///   when the element's variant set in the table has one member; and ours
///   only: the reverse of a mapping without its symmetric one (lgr-core
///   takes the missing direction as a match and fails the set's symmetry
///   check instead), a reflexive mapping missing for an element whose only
///   mapping in the reference is that one (lgr-core's variant sets have two
///   members or more);
/// - lgr-core's sequences that "may be missing" are among ours missing;
/// - symmetry: the table's sets lgr-core finds not symmetric are those
///   holding our mappings without their symmetric mapping;
/// - reflexive mappings missing: lgr-core's findings x → x with no type in
///   the table;
/// - rules: only in the table, only in the reference, and differing; where
///   lgr-core calls a rule both have not MATCH and we do not list it, its
///   text differs only in class members the table does not have, or the
///   elements using it differ and we list those; where we list one lgr-core
///   calls MATCH (it compares class names, not members), the members that
///   differ are elements whose tags lgr-core finds different;
/// - actions: the table's actions not in the reference, the reference's
///   not in the table (by position), and their order;
/// - verdict: `match` when every lgr-core section is MATCH (`subset` if
///   only metadata differs, which lgr-core does not compare), `subset` when
///   the worst is SUBSET, `review` when any is NOTE or worse.
#[test]
fn review_agrees_with_lgr_core() {
    let oracle = gz_oracle("lgr-core-review.json.gz");
    assert!(
        oracle["oracle"].as_str().unwrap().starts_with("lgr-core 6.1.3"),
        "{}",
        oracle["oracle"]
    );
    let root = idnsafe_tests::data_file("lgr");
    let load = |name: &str, synthetic: &str| {
        if name.starts_with('(') {
            Lgr::from_xml(oracle[synthetic].as_str().unwrap()).unwrap()
        } else {
            Lgr::from_path(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
        }
    };
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pairs = 0;
    for p in oracle["pairs"].as_array().unwrap() {
        let (tn, rn) = (p["table"].as_str().unwrap(), p["reference"].as_str().unwrap());
        let (t, f) = (load(tn, "synthetic_table"), load(rn, "synthetic_reference"));
        review_pair(&format!("{tn} vs {rn}"), &t, &f, p, &mut tally);
        pairs += 1;
    }
    println!("{pairs} pairs: {tally:?}");
    assert_eq!(pairs, 12);
    // Every kind of agreement and of documented difference was met.
    for kind in [
        "variant directions agreeing",
        "variant findings outside the table",
        "variant findings on elements added",
        "variant findings on contexts only",
        "variant findings on a one-member set",
        "ours only: reverse of an asymmetric mapping",
        "ours only: lone reflexive mapping",
        "asymmetric sets",
        "rules differing on text outside the table",
        "rules differing on their users",
        "rules differing on tag classes",
    ] {
        assert!(tally.get(kind).copied().unwrap_or(0) > 0, "never met: {kind}");
    }
}

fn hex_cps(s: &str) -> Vec<u32> {
    s.split(' ').map(|h| u32::from_str_radix(h, 16).unwrap()).collect()
}

/// Whether `el` (hex) is a code point or sequence of `l`'s repertoire.
fn has_element(l: &Lgr, el: &str) -> bool {
    let cps = hex_cps(el);
    match cps.as_slice() {
        [c] => l.contains(char::from_u32(*c).unwrap()),
        _ => l.sequences().any(|s| s == cps.as_slice()),
    }
}

/// Ranges (`0061-007A`) as code points.
fn expand_ranges(v: &[String]) -> BTreeSet<String> {
    v.iter()
        .flat_map(|r| {
            let (a, b) = r.split_once('-').unwrap_or((r, r));
            let (a, b) = (u32::from_str_radix(a, 16).unwrap(), u32::from_str_radix(b, 16).unwrap());
            (a..=b).map(|c| format!("{c:04X}"))
        })
        .collect()
}

fn str_set(v: &Value) -> BTreeSet<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect()
}

/// The code points a rule body as `diff` writes it names in classes and
/// single-code-point chars.
fn class_members(body: &str) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    for part in body.split("<class").skip(1) {
        let inner = part.split_once('>').unwrap().1.split("</class>").next().unwrap();
        out.extend(
            expand_ranges(&inner.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                .iter()
                .map(|h| u32::from_str_radix(h, 16).unwrap()),
        );
    }
    for part in body.split("<char cp=\"").skip(1) {
        let cps = hex_cps(part.split('"').next().unwrap());
        if let [c] = cps.as_slice() {
            out.insert(*c);
        }
    }
    out
}

fn review_pair(what: &str, t: &Lgr, f: &Lgr, p: &Value, tally: &mut BTreeMap<&'static str, usize>) {
    let r = t.review(f);
    let mut count = |k: &'static str| *tally.entry(k).or_default() += 1;
    // Repertoire.
    let split = |v: &Value| -> (BTreeSet<String>, BTreeSet<String>) {
        str_set(v).into_iter().partition(|e| !e.contains(' '))
    };
    let (only_t, only_t_seq) = split(&p["repertoire_only_table"]);
    let (only_f, only_f_seq) = split(&p["repertoire_only_reference"]);
    let added = expand_ranges(&r.repertoire_added);
    let missing = expand_ranges(&r.repertoire_missing);
    assert_eq!(added, only_t, "{what}: code points only in the table");
    assert_eq!(missing, only_f, "{what}: code points only in the reference");
    let seq_added: BTreeSet<String> = r.sequences_added.iter().cloned().collect();
    let seq_missing: BTreeSet<String> = r.sequences_missing.iter().cloned().collect();
    assert_eq!(seq_added, only_t_seq, "{what}: sequences only in the table");
    assert_eq!(seq_missing, only_f_seq, "{what}: sequences only in the reference");
    // Elements in both: tags other than sc:, contexts.
    let tags_differ: BTreeSet<String> = r
        .diff
        .tags_differ
        .iter()
        .filter_map(|s| {
            let (el, rest) = s.split_once(": ").unwrap();
            let (x, y) = rest.split_once(" / ").unwrap();
            let tags = |l: &str| -> BTreeSet<String> {
                l.trim_matches(|c| c == '[' || c == ']')
                    .split(", ")
                    .map(|t| t.trim_matches('"'))
                    .filter(|t| !t.is_empty() && !t.starts_with("sc:"))
                    .map(str::to_owned)
                    .collect()
            };
            (tags(x) != tags(y)).then(|| el.to_owned())
        })
        .collect();
    let contexts_differ: BTreeSet<String> =
        r.diff.contexts_differ.iter().map(|s| s.split_once(": ").unwrap().0.to_owned()).collect();
    let mut elements_differ = BTreeSet::new();
    let mut tag_findings = BTreeSet::new();
    for e in p["elements_differ"].as_array().unwrap() {
        let (el, remark) = (e[0].as_str().unwrap().to_owned(), e[2].as_str().unwrap());
        assert_eq!(
            remark.contains("Rules"),
            contexts_differ.contains(&el),
            "{what}: {el}: {remark}"
        );
        if remark.contains("Tags") {
            tag_findings.insert(el.clone());
        }
        elements_differ.insert(el);
    }
    let ours: BTreeSet<String> = tags_differ.union(&contexts_differ).cloned().collect();
    assert_eq!(ours, elements_differ, "{what}: elements in both that differ");
    // Variant sets, direction by direction.
    let mut differing = BTreeSet::new();
    for v in &r.variant_sets_differ {
        let side = |list: &[String]| {
            let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for e in list {
                let (target, ty) = e.rsplit_once(" [").unwrap();
                m.entry(target.to_owned()).or_default().insert(ty.trim_end_matches(']').to_owned());
            }
            m
        };
        let (a, b) = (side(&v.table), side(&v.reference));
        for target in a.keys().chain(b.keys()) {
            if a.get(target) != b.get(target) {
                differing.insert((v.element.clone(), target.clone()));
            }
        }
    }
    let raw_variants: BTreeSet<(&str, &str)> = r
        .diff
        .variants_only_first
        .iter()
        .chain(&r.diff.variants_only_second)
        .map(|m| (m.source.as_str(), m.target.as_str()))
        .collect();
    let asymmetric: Vec<BTreeSet<String>> =
        p["asymmetric_sets"].as_array().unwrap().iter().map(str_set).collect();
    let mut found = BTreeSet::new();
    let mut reflexive_findings = BTreeSet::new();
    for v in p["variant_findings"].as_array().unwrap() {
        let s = |i: usize| v[i].as_str().unwrap();
        let (x, y, remark, ty_t, ty_f) = (s(0), s(1), s(3), s(4), s(5));
        let key = (x.to_owned(), y.to_owned());
        found.insert(key.clone());
        let ours = differing.contains(&key);
        let finding =
            format!("{what}: {x} -> {y}: lgr-core {} {remark:?} ({ty_t:?} / {ty_f:?})", s(2));
        if !has_element(t, x) || !has_element(t, y) {
            assert!(!ours, "{finding}");
            count("variant findings outside the table");
        } else if !has_element(f, x) {
            assert!(!ours && (added.contains(x) || seq_added.contains(x)), "{finding}");
            count("variant findings on elements added");
        } else if ty_t == ty_f
            && (remark.starts_with("IDN Table variant generation is less conservative")
                || remark.starts_with("Variant condition rules are mismatched")
                || remark == "Variant contextual rules are different")
        {
            assert!(!ours && raw_variants.contains(&(x, y)), "{finding}");
            count("variant findings on contexts only");
        } else if ty_t == ty_f && x == y && remark == "Variant set exists in the reference LGR" {
            let reflexive = t.variant_mappings(&hex_cps(x)).iter().any(|m| m.target == hex_cps(x));
            assert!(!ours && reflexive, "{finding}");
            count("variant findings on a one-member set");
        } else {
            assert!(ours, "{finding}: not in ours");
            count("variant directions agreeing");
            if x == y && ty_t.is_empty() {
                reflexive_findings.insert(x.to_owned());
            }
        }
    }
    for (x, y) in differing.difference(&found) {
        let lone = x == y
            && f.variant_mappings(&hex_cps(x)).iter().all(|m| m.target == hex_cps(x))
            && r.missing_reflexive.iter().any(|m| &m.source == x);
        let reverse = r.missing_symmetric.iter().any(|m| (&m.source, &m.target) == (y, x))
            && asymmetric.iter().any(|s| s.contains(x) && s.contains(y));
        assert!(lone || reverse, "{what}: ours only: {x} -> {y}");
        count(if lone {
            "ours only: lone reflexive mapping"
        } else {
            "ours only: reverse of an asymmetric mapping"
        });
    }
    // Reflexive mappings missing: lgr-core's, and the lone ones above.
    for m in &r.missing_reflexive {
        let cps = hex_cps(&m.source);
        let lone = f.variant_mappings(&cps).iter().all(|v| v.target == cps);
        assert!(reflexive_findings.contains(&m.source) || lone, "{what}: {m:?}");
    }
    for x in &reflexive_findings {
        assert!(r.missing_reflexive.iter().any(|m| &m.source == x), "{what}: reflexive {x}");
    }
    // Sequences lgr-core thinks may be missing.
    for s in str_set(&p["missing_sequences"]) {
        assert!(seq_missing.contains(&s), "{what}: sequence {s} may be missing");
    }
    // Symmetry.
    for m in &r.missing_symmetric {
        assert!(
            asymmetric.iter().any(|s| s.contains(&m.source) && s.contains(&m.target)),
            "{what}: {m:?} in no set lgr-core finds asymmetric"
        );
    }
    for s in &asymmetric {
        assert!(r.missing_symmetric.iter().any(|m| s.contains(&m.source)), "{what}: {s:?}");
        count("asymmetric sets");
    }
    // Rules.
    let names = |inside: (bool, bool)| -> BTreeSet<String> {
        p["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| (r[1].as_bool().unwrap(), r[2].as_bool().unwrap()) == inside)
            .map(|r| r[0].as_str().unwrap().to_owned())
            .collect()
    };
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(
        set(&r.diff.rules_only_first),
        names((true, false)),
        "{what}: rules only in the table"
    );
    assert_eq!(
        set(&r.diff.rules_only_second),
        names((false, true)),
        "{what}: rules only in the reference"
    );
    let table_cps: BTreeSet<u32> = t
        .repertoire()
        .ranges()
        .iter()
        .flat_map(|&(a, b)| a..=b)
        .chain(t.sequences().flatten().copied())
        .collect();
    let known = |el: &String| {
        added.contains(el)
            || missing.contains(el)
            || seq_added.contains(el)
            || seq_missing.contains(el)
            || contexts_differ.contains(el)
    };
    for rule in p["rules"].as_array().unwrap() {
        let (name, result) = (rule[0].as_str().unwrap(), rule[3].as_str().unwrap());
        if !(rule[1].as_bool().unwrap() && rule[2].as_bool().unwrap()) {
            continue;
        }
        let ours = r.rules_differ.iter().find(|d| d.name == name);
        match (result == "MATCH", ours) {
            (true, None) | (false, Some(_)) => {}
            (false, None) => {
                let d = &p["rules_in_both_detail"][name];
                let users: BTreeSet<String> = str_set(&d["users_only_table"])
                    .union(&str_set(&d["users_only_reference"]))
                    .cloned()
                    .collect();
                if d["same_text"].as_bool().unwrap() {
                    assert!(
                        !users.is_empty() && users.iter().all(known),
                        "{what}: rule {name}: {d}"
                    );
                    count("rules differing on their users");
                } else {
                    assert!(
                        r.diff.rules_differ.iter().any(|d| d.name == name),
                        "{what}: rule {name}"
                    );
                    count("rules differing on text outside the table");
                }
            }
            (true, Some(d)) => {
                let (a, b) = (class_members(&d.first), class_members(&d.second));
                let differ: BTreeSet<String> = a
                    .symmetric_difference(&b)
                    .filter(|c| table_cps.contains(c))
                    .map(|c| format!("{c:04X}"))
                    .collect();
                assert!(
                    !differ.is_empty() && differ.is_subset(&tag_findings),
                    "{what}: rule {name} differs on {differ:?}"
                );
                count("rules differing on tag classes");
            }
        }
    }
    // Actions.
    let (a1, a2) = (&r.diff.actions_first, &r.diff.actions_second);
    let additional: Vec<u64> =
        (1..).zip(a1).filter(|(_, a)| !a2.contains(a)).map(|(i, _)| i).collect();
    let missing_actions: Vec<u64> =
        (1..).zip(a2).filter(|(_, a)| !a1.contains(a)).map(|(i, _)| i).collect();
    let common = |x: &[String], y: &[String]| {
        x.iter().filter(|a| y.contains(a)).cloned().collect::<Vec<_>>()
    };
    let sequence = if common(a1, a2) == common(a2, a1) { "MATCH" } else { "MANUAL CHECK" };
    let positions =
        |v: &Value| v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect::<Vec<_>>();
    let acts = &p["actions"];
    assert_eq!(additional, positions(&acts["additional"]), "{what}: actions only in the table");
    assert_eq!(
        missing_actions,
        positions(&acts["missing"]),
        "{what}: actions only in the reference"
    );
    assert_eq!(sequence, acts["sequence"].as_str().unwrap(), "{what}: order of the actions");
    // Verdict.
    let order = ["MATCH", "SUBSET", "NOTE", "MANUAL CHECK", "REVIEW"];
    let worst = p["summary"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| order.iter().position(|o| v == o).unwrap())
        .max()
        .unwrap();
    let mut others = r.diff.clone();
    others.metadata.clear();
    others.identical = true;
    let metadata_only = others == idnsafe_lgr::LgrDiff { identical: true, ..Default::default() };
    match worst {
        0 if r.verdict == "subset" => assert!(metadata_only, "{what}: {}", r.summary),
        0 => assert_eq!(r.verdict, "match", "{what}"),
        1 => assert_eq!(r.verdict, "subset", "{what}: {}", r.summary),
        _ => assert_eq!(r.verdict, "review", "{what}"),
    }
    count("pairs");
}

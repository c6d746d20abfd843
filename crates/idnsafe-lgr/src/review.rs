//! The IDN table review a registry needs before submitting a table
//! (`idnsafe lgr review TABLE --reference REF`, after ICANN's IDN table
//! review and lgr-core's `lgr_idn_table_review`): the table against a
//! reference LGR: repertoire added or missing, variant sets that differ,
//! mappings of the table without their symmetric counterpart, reflexive
//! mappings the reference has and the table lacks, rules and actions that
//! differ, and a verdict. JSON (serde) and a self-contained HTML page.
//!
//! Rules are compared where they act, on the table's labels: these hold
//! only the table's code points, so a class is compared restricted to them
//! (a reference class that also lists code points the table leaves out is,
//! for the table, the same class).

use crate::cpset::CpSet;
use crate::diff::{LgrDiff, MappingEntry, RuleDiff};
use crate::model::Lgr;
use crate::rules::Node;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An element whose variant set differs from the reference's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantSetDiff {
    /// The element (hex code points).
    pub element: String,
    /// The table's mappings `target [types]`.
    pub table: Vec<String>,
    /// The reference's, restricted to targets in the table's repertoire
    /// (a smaller table may leave the others out).
    pub reference: Vec<String>,
}

/// The review ([`Lgr::review`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// `match` (nothing differs), `subset` (the table is the reference
    /// restricted to a smaller repertoire, its variant sets consistent) or
    /// `review` (a person must look at what is listed).
    pub verdict: &'static str,
    /// One line for people.
    pub summary: String,
    /// Code points of the table that the reference does not have (ranges).
    pub repertoire_added: Vec<String>,
    /// Code points of the reference that the table does not have.
    pub repertoire_missing: Vec<String>,
    /// Sequences only in the table.
    pub sequences_added: Vec<String>,
    /// Sequences only in the reference.
    pub sequences_missing: Vec<String>,
    /// Elements in both whose variant sets differ.
    pub variant_sets_differ: Vec<VariantSetDiff>,
    /// Mappings a → b of the table without b → a (RFC 7940 §5.3.3 asks for
    /// symmetry).
    pub missing_symmetric: Vec<MappingEntry>,
    /// Reflexive mappings (a → a, typed) of the reference, for elements of
    /// the table, that the table does not have.
    pub missing_reflexive: Vec<MappingEntry>,
    /// Rules both define whose bodies differ on the table's labels (classes
    /// restricted to the table's code points; `diff.rules_differ` has every
    /// rule whose body differs at all). Bodies as `diff` writes them.
    pub rules_differ: Vec<RuleDiff>,
    /// The structured difference (metadata, rules, actions ...).
    pub diff: LgrDiff,
}

fn entry(source: &str, target: &str, types: &str) -> MappingEntry {
    MappingEntry {
        source: source.to_owned(),
        target: target.to_owned(),
        types: types.to_owned(),
        context: String::new(),
    }
}

impl Lgr {
    /// This LGR (the table) reviewed against `reference`.
    pub fn review(&self, reference: &Lgr) -> Review {
        let diff = self.diff(reference);
        let in_table = |hex: &str| in_table_of(self, hex);
        // Element → {target [types]} for both.
        let sets = |l: &Lgr| -> BTreeMap<String, BTreeSet<(String, String)>> {
            let mut m: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
            for e in l.mapping_list() {
                m.entry(e.source).or_default().insert((e.target, e.types));
            }
            m
        };
        let (mine, theirs) = (sets(self), sets(reference));
        let mut variant_sets_differ = Vec::new();
        let elements: BTreeSet<&String> = mine.keys().chain(theirs.keys()).collect();
        let empty = BTreeSet::new();
        for el in elements {
            if !in_table(el) || !in_table_of(reference, el) {
                continue;
            }
            let a = mine.get(el).unwrap_or(&empty);
            let b: BTreeSet<(String, String)> = theirs
                .get(el)
                .unwrap_or(&empty)
                .iter()
                .filter(|(t, _)| in_table(t))
                .cloned()
                .collect();
            if *a != b {
                let show = |s: &BTreeSet<(String, String)>| {
                    s.iter().map(|(t, ty)| format!("{t} [{ty}]")).collect::<Vec<_>>()
                };
                variant_sets_differ.push(VariantSetDiff {
                    element: el.clone(),
                    table: show(a),
                    reference: show(&b),
                });
            }
        }
        let pairs: BTreeSet<(String, String)> = mine
            .iter()
            .flat_map(|(s, ts)| ts.iter().map(move |(t, _)| (s.clone(), t.clone())))
            .collect();
        let missing_symmetric: Vec<MappingEntry> = pairs
            .iter()
            .filter(|(s, t)| s != t && !pairs.contains(&(t.clone(), s.clone())))
            .map(|(s, t)| {
                let ty = mine
                    .get(s)
                    .and_then(|ts| ts.iter().find(|(x, _)| x == t))
                    .map_or(String::new(), |(_, ty)| ty.clone());
                entry(s, t, &ty)
            })
            .collect();
        let missing_reflexive: Vec<MappingEntry> = theirs
            .iter()
            .filter(|(el, _)| in_table(el))
            .flat_map(|(el, ts)| {
                ts.iter().filter(move |(t, _)| t == el).map(move |(_, ty)| (el, ty))
            })
            .filter(|(el, _)| !pairs.contains(&((*el).clone(), (*el).clone())))
            .map(|(el, ty)| entry(el, el, ty))
            .collect();
        let alphabet = self.label_code_points();
        let rules_differ: Vec<RuleDiff> = diff
            .rules_differ
            .iter()
            .filter(|r| {
                let (Some(a), Some(b)) = (self.rule_named(&r.name), reference.rule_named(&r.name))
                else {
                    return true;
                };
                !same_on(self, &a.node, reference, &b.node, &alphabet)
            })
            .cloned()
            .collect();
        let problems = !diff.repertoire_only_first.is_empty()
            || !diff.sequences_only_first.is_empty()
            || !variant_sets_differ.is_empty()
            || !missing_symmetric.is_empty()
            || !missing_reflexive.is_empty()
            || !rules_differ.is_empty()
            || !diff.rules_only_first.is_empty()
            || !diff.actions_first.is_empty()
            || !diff.contexts_differ.is_empty();
        let verdict = if diff.identical {
            "match"
        } else if !problems {
            "subset"
        } else {
            "review"
        };
        let summary = format!(
            "{verdict}: {} code points added, {} missing; {} variant sets differ; {} mappings without their symmetric one, {} reflexive mappings missing; {} rules differ, {} only in the table, {} only in the reference; actions {}",
            count(&diff.repertoire_only_first),
            count(&diff.repertoire_only_second),
            variant_sets_differ.len(),
            missing_symmetric.len(),
            missing_reflexive.len(),
            rules_differ.len(),
            diff.rules_only_first.len(),
            diff.rules_only_second.len(),
            if diff.actions_first.is_empty() { "the same" } else { "differ" }
        );
        Review {
            verdict,
            summary,
            repertoire_added: diff.repertoire_only_first.clone(),
            repertoire_missing: diff.repertoire_only_second.clone(),
            sequences_added: diff.sequences_only_first.clone(),
            sequences_missing: diff.sequences_only_second.clone(),
            variant_sets_differ,
            missing_symmetric,
            missing_reflexive,
            rules_differ,
            diff,
        }
    }

    fn rule_named(&self, name: &str) -> Option<&crate::rules::Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    /// Every code point a label of this LGR can hold: the single code
    /// points of the repertoire and those of its sequences.
    fn label_code_points(&self) -> CpSet {
        let seq: Vec<(u32, u32)> = self.sequences().flatten().map(|&c| (c, c)).collect();
        self.repertoire().union(&CpSet::from_ranges(seq))
    }
}

/// Whether rule node `x` of `a` and `y` of `b` match the same labels made
/// of `alphabet`: the same structure, classes equal once restricted to
/// `alphabet` (an empty class and an unresolved reference both match
/// nothing), references to rules of the same name (compared apart).
fn same_on(a: &Lgr, x: &Node, b: &Lgr, y: &Node, alphabet: &CpSet) -> bool {
    let class = |l: &Lgr, n: &Node| match n {
        Node::Set(i) => {
            Some(l.sets.get(*i as usize).map_or_else(CpSet::new, |s| s.intersection(alphabet)))
        }
        Node::Never => Some(CpSet::new()),
        _ => None,
    };
    if let (Some(s), Some(t)) = (class(a, x), class(b, y)) {
        return s == t;
    }
    let all = |p: &[Node], q: &[Node]| {
        p.len() == q.len() && p.iter().zip(q).all(|(m, n)| same_on(a, m, b, n, alphabet))
    };
    match (x, y) {
        (Node::Start, Node::Start)
        | (Node::End, Node::End)
        | (Node::Anchor, Node::Anchor)
        | (Node::Any, Node::Any) => true,
        (Node::Seq(p), Node::Seq(q)) => p == q,
        (Node::Cat(p), Node::Cat(q)) | (Node::Alt(p), Node::Alt(q)) => all(p, q),
        (Node::Rep(p, lo, hi), Node::Rep(q, lo2, hi2)) => {
            lo == lo2 && hi == hi2 && same_on(a, p, b, q, alphabet)
        }
        (Node::Behind(p, ..), Node::Behind(q, ..)) | (Node::Ahead(p), Node::Ahead(q)) => {
            same_on(a, p, b, q, alphabet)
        }
        (Node::Ref(i), Node::Ref(j)) => {
            match (a.rules.get(*i as usize), b.rules.get(*j as usize)) {
                (Some(r), Some(t)) => r.name == t.name,
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether the element written as `hex` is in `l`'s repertoire.
fn in_table_of(l: &Lgr, hex: &str) -> bool {
    let cps: Vec<u32> = hex.split(' ').filter_map(|h| u32::from_str_radix(h, 16).ok()).collect();
    match cps.as_slice() {
        [c] => char::from_u32(*c).is_some_and(|ch| l.contains(ch)),
        _ => l.sequences().any(|s| s == cps.as_slice()),
    }
}

/// Code points in a list of ranges (`0061-007A`, `00E9`).
fn count(ranges: &[String]) -> u64 {
    ranges
        .iter()
        .map(|r| {
            let (a, b) = r.split_once('-').unwrap_or((r, r));
            match (u32::from_str_radix(a, 16), u32::from_str_radix(b, 16)) {
                (Ok(a), Ok(b)) if b >= a => u64::from(b - a) + 1,
                _ => 0,
            }
        })
        .sum()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Review {
    /// A self-contained HTML page (no scripts, no external resources).
    pub fn to_html(&self, table: &str, reference: &str) -> String {
        let mut h = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>IDN table review</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}code{font-family:monospace}.review{color:#a00}.subset{color:#a60}.match{color:#070}</style>\n</head><body>\n",
        );
        h += &format!(
            "<h1>IDN table review</h1>\n<p>Table: <code>{}</code><br>Reference: <code>{}</code></p>\n<p class=\"{}\"><strong>Verdict: {}</strong></p>\n<p>{}</p>\n",
            esc(table),
            esc(reference),
            self.verdict,
            self.verdict,
            esc(&self.summary)
        );
        let list = |h: &mut String, title: &str, items: &[String]| {
            if items.is_empty() {
                return;
            }
            *h += &format!("<h2>{} ({})</h2>\n<p>", esc(title), items.len());
            *h += &items
                .iter()
                .map(|i| format!("<code>{}</code>", esc(i)))
                .collect::<Vec<_>>()
                .join(", ");
            *h += "</p>\n";
        };
        list(&mut h, "Code points added (not in the reference)", &self.repertoire_added);
        list(&mut h, "Code points missing (in the reference only)", &self.repertoire_missing);
        list(&mut h, "Sequences added", &self.sequences_added);
        list(&mut h, "Sequences missing", &self.sequences_missing);
        if !self.variant_sets_differ.is_empty() {
            h += &format!(
                "<h2>Variant sets that differ ({})</h2>\n<table><tr><th>element</th><th>table</th><th>reference</th></tr>\n",
                self.variant_sets_differ.len()
            );
            for v in &self.variant_sets_differ {
                h += &format!(
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                    esc(&v.element),
                    esc(&v.table.join(", ")),
                    esc(&v.reference.join(", "))
                );
            }
            h += "</table>\n";
        }
        let maps = |h: &mut String, title: &str, items: &[MappingEntry]| {
            if items.is_empty() {
                return;
            }
            *h += &format!(
                "<h2>{} ({})</h2>\n<table><tr><th>from</th><th>to</th><th>type</th></tr>\n",
                esc(title),
                items.len()
            );
            for m in items {
                *h += &format!(
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>\n",
                    esc(&m.source),
                    esc(&m.target),
                    esc(&m.types)
                );
            }
            *h += "</table>\n";
        };
        maps(&mut h, "Mappings without their symmetric mapping", &self.missing_symmetric);
        maps(&mut h, "Reflexive mappings of the reference missing", &self.missing_reflexive);
        let d = &self.diff;
        list(&mut h, "Rules only in the table", &d.rules_only_first);
        list(&mut h, "Rules only in the reference", &d.rules_only_second);
        for r in &self.rules_differ {
            h += &format!(
                "<h2>Rule {} differs</h2>\n<p>Table:</p><pre>{}</pre><p>Reference:</p><pre>{}</pre>\n",
                esc(&r.name),
                esc(&r.first),
                esc(&r.second)
            );
        }
        if !d.actions_first.is_empty() || !d.actions_second.is_empty() {
            h += &format!(
                "<h2>Actions differ</h2>\n<p>Table:</p><pre>{}</pre><p>Reference:</p><pre>{}</pre>\n",
                esc(&d.actions_first.join("\n")),
                esc(&d.actions_second.join("\n"))
            );
        }
        for f in &d.metadata {
            h += &format!(
                "<p>Metadata <code>{}</code>: {} / {}</p>\n",
                f.field,
                esc(&f.first),
                esc(&f.second)
            );
        }
        h += "</body></html>\n";
        h
    }
}

//! A structured difference of two LGRs (`idnsafe lgr compare --diff`):
//! metadata, repertoire, variant mappings with their types and contexts,
//! variant types, rules and actions. Classes are compared where they act:
//! inside the rules that use them (written as the code points they stand
//! for, so two rules that name different classes with the same members are
//! equal). Descriptions and comments are not compared.

use crate::cpset::CpSet;
use crate::model::Lgr;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A metadata field whose values differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    /// `version`, `date`, `languages`, `scopes`, `unicode_version`,
    /// `validity_start`, `validity_end`, `references`.
    pub field: &'static str,
    /// In the first LGR.
    pub first: String,
    /// In the second.
    pub second: String,
}

/// One variant mapping: source → target with its types and contexts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MappingEntry {
    /// Source code points (hex, space-separated).
    pub source: String,
    /// Target code points.
    pub target: String,
    /// Variant type(s), space-separated.
    pub types: String,
    /// `when`/`not-when` rule names, if any (`when=r1`, `not-when=r2`).
    pub context: String,
}

/// A rule defined in both LGRs with different bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleDiff {
    /// The rule's name.
    pub name: String,
    /// Its body in the first LGR (RFC 7940 XML, classes as code points).
    pub first: String,
    /// In the second.
    pub second: String,
}

/// What differs between two LGRs ([`Lgr::diff`]); every list empty and
/// `identical` true when they decide alike and say the same of themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LgrDiff {
    /// Whether nothing below differs.
    pub identical: bool,
    /// Metadata fields that differ.
    pub metadata: Vec<FieldDiff>,
    /// Single code points only in the first, as ranges (`0061-007A`).
    pub repertoire_only_first: Vec<String>,
    /// Single code points only in the second.
    pub repertoire_only_second: Vec<String>,
    /// Code point sequences only in the first.
    pub sequences_only_first: Vec<String>,
    /// Sequences only in the second.
    pub sequences_only_second: Vec<String>,
    /// Repertoire elements in both whose tags differ (`00E9: [a] / [b]`).
    pub tags_differ: Vec<String>,
    /// Repertoire elements in both whose `when`/`not-when` differ.
    pub contexts_differ: Vec<String>,
    /// Variant mappings only in the first (of elements in both or not).
    pub variants_only_first: Vec<MappingEntry>,
    /// Variant mappings only in the second.
    pub variants_only_second: Vec<MappingEntry>,
    /// Variant types used only in the first.
    pub variant_types_only_first: Vec<String>,
    /// Variant types used only in the second.
    pub variant_types_only_second: Vec<String>,
    /// Rules named only in the first.
    pub rules_only_first: Vec<String>,
    /// Rules named only in the second.
    pub rules_only_second: Vec<String>,
    /// Rules of one name whose bodies differ.
    pub rules_differ: Vec<RuleDiff>,
    /// The first LGR's own actions (§7, defaults implied), as written, when
    /// they differ from the second's in content or order.
    pub actions_first: Vec<String>,
    /// The second's, when they differ.
    pub actions_second: Vec<String>,
}

use crate::error::hex_cps as hex;

fn ranges(s: &CpSet) -> Vec<String> {
    s.ranges()
        .iter()
        .map(|&(a, b)| if a == b { format!("{a:04X}") } else { format!("{a:04X}-{b:04X}") })
        .collect()
}

impl Lgr {
    /// Every variant mapping as an entry.
    pub(crate) fn mapping_list(&self) -> Vec<MappingEntry> {
        self.mapping_set().into_iter().collect()
    }

    fn mapping_set(&self) -> BTreeSet<MappingEntry> {
        let rule = |id: Option<u32>| id.and_then(|i| self.rules.get(i as usize)).map(|r| &r.name);
        let mut out = BTreeSet::new();
        for e in &self.elems {
            for v in &e.vars {
                let mut context = Vec::new();
                if let Some(n) = rule(v.when) {
                    context.push(format!("when={n}"));
                }
                if let Some(n) = rule(v.not_when) {
                    context.push(format!("not-when={n}"));
                }
                out.insert(MappingEntry {
                    source: hex(&e.cps),
                    target: hex(&v.cps),
                    types: self.type_names(crate::model::VariantTypes(v.types)).join(" "),
                    context: context.join(" "),
                });
            }
        }
        out
    }

    /// Element → (tags, context) for every element (ranges by code point
    /// range), to compare the elements two LGRs share.
    fn element_facts(&self) -> BTreeMap<String, (Vec<String>, String)> {
        let rule = |id: Option<u32>| {
            id.and_then(|i| self.rules.get(i as usize)).map_or("", |r| r.name.as_str())
        };
        let mut out = BTreeMap::new();
        for e in &self.elems {
            let mut tags = e.tags.clone();
            tags.sort();
            out.insert(hex(&e.cps), (tags, format!("{}|{}", rule(e.when), rule(e.not_when))));
        }
        for (i, r) in self.ranges.iter().enumerate() {
            let mut tags = self.range_tags.get(i).cloned().unwrap_or_default();
            tags.sort();
            for c in r.first..=r.last {
                out.insert(
                    format!("{c:04X}"),
                    (tags.clone(), format!("{}|{}", rule(r.when), rule(r.not_when))),
                );
            }
        }
        out
    }

    /// What differs between this LGR (the first) and `other` (the second).
    pub fn diff(&self, other: &Lgr) -> LgrDiff {
        let mut d = LgrDiff::default();
        let (m1, m2) = (&self.meta, &other.meta);
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let fields: [(&'static str, String, String); 8] = [
            ("version", opt(&m1.version), opt(&m2.version)),
            ("date", opt(&m1.date), opt(&m2.date)),
            ("languages", m1.languages.join(" "), m2.languages.join(" ")),
            (
                "scopes",
                m1.scopes.iter().map(|(t, v)| format!("{t}:{v}")).collect::<Vec<_>>().join(" "),
                m2.scopes.iter().map(|(t, v)| format!("{t}:{v}")).collect::<Vec<_>>().join(" "),
            ),
            ("unicode_version", opt(&m1.unicode_version), opt(&m2.unicode_version)),
            ("validity_start", opt(&m1.validity_start), opt(&m2.validity_start)),
            ("validity_end", opt(&m1.validity_end), opt(&m2.validity_end)),
            (
                "references",
                m1.references
                    .iter()
                    .map(|r| format!("{}:{}", r.id, r.text))
                    .collect::<Vec<_>>()
                    .join(" | "),
                m2.references
                    .iter()
                    .map(|r| format!("{}:{}", r.id, r.text))
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
        ];
        for (field, first, second) in fields {
            if first != second {
                d.metadata.push(FieldDiff { field, first, second });
            }
        }
        let (r1, r2) = (self.repertoire(), other.repertoire());
        d.repertoire_only_first = ranges(&r1.difference(&r2));
        d.repertoire_only_second = ranges(&r2.difference(&r1));
        let s1: BTreeSet<String> = self.sequences().map(hex).collect();
        let s2: BTreeSet<String> = other.sequences().map(hex).collect();
        d.sequences_only_first = s1.difference(&s2).cloned().collect();
        d.sequences_only_second = s2.difference(&s1).cloned().collect();
        let (f1, f2) = (self.element_facts(), other.element_facts());
        for (k, (t1, c1)) in &f1 {
            if let Some((t2, c2)) = f2.get(k) {
                if t1 != t2 {
                    d.tags_differ.push(format!("{k}: {t1:?} / {t2:?}"));
                }
                if c1 != c2 {
                    d.contexts_differ.push(format!("{k}: {c1} / {c2}"));
                }
            }
        }
        let (v1, v2) = (self.mapping_set(), other.mapping_set());
        d.variants_only_first = v1.difference(&v2).cloned().collect();
        d.variants_only_second = v2.difference(&v1).cloned().collect();
        let t1: BTreeSet<&String> = self.types.iter().collect();
        let t2: BTreeSet<&String> = other.types.iter().collect();
        d.variant_types_only_first = t1.difference(&t2).map(|s| (*s).clone()).collect();
        d.variant_types_only_second = t2.difference(&t1).map(|s| (*s).clone()).collect();
        let rules = |l: &Lgr| -> BTreeMap<String, String> {
            (0..l.rules.len())
                .filter_map(|i| Some((l.rules.get(i)?.name.clone(), l.rule_text(i)?)))
                .collect()
        };
        let (ru1, ru2) = (rules(self), rules(other));
        for (name, body) in &ru1 {
            match ru2.get(name) {
                None => d.rules_only_first.push(name.clone()),
                Some(b2) if b2 != body => d.rules_differ.push(RuleDiff {
                    name: name.clone(),
                    first: body.clone(),
                    second: b2.clone(),
                }),
                Some(_) => {}
            }
        }
        d.rules_only_second = ru2.keys().filter(|n| !ru1.contains_key(*n)).cloned().collect();
        let (a1, a2) = (self.action_texts(), other.action_texts());
        if a1 != a2 {
            d.actions_first = a1;
            d.actions_second = a2;
        }
        d.identical = d == LgrDiff { identical: false, ..LgrDiff::default() };
        d
    }
}

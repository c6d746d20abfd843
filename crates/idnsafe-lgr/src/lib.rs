//! RFC 7940 Label Generation Rulesets (LGRs): parse, validate, label
//! dispositions, RFC 8228 variant labels and variant index keys.
//!
//! ```
//! use idnsafe_lgr::{Lgr, VariantOptions};
//!
//! let xml = r#"<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">
//!   <data>
//!     <char cp="0061"><var cp="0430" type="blocked"/></char>
//!     <char cp="0430"><var cp="0061" type="blocked"/></char>
//!     <range first-cp="0062" last-cp="007A"/>
//!   </data>
//! </lgr>"#;
//! let lgr = Lgr::from_xml(xml).unwrap();
//! assert_eq!(lgr.disposition("abc").disposition.as_str(), "valid");
//! assert_eq!(lgr.disposition("ab1").reasons[0].code(), "LGR_NOT_IN_REPERTOIRE");
//! let v: Vec<_> = lgr.variants("abc", VariantOptions::default()).unwrap().collect();
//! assert_eq!(v[0].label, "\u{430}bc");
//! assert_eq!(v[0].disposition.as_str(), "blocked"); // RFC 7940 §7.6 default action
//! assert_eq!(lgr.variant_count("aa").unwrap(), 3);
//! assert!(lgr.variant_relation().is_equivalence());
//! assert_eq!(lgr.index_key("\u{430}bc").unwrap(), lgr.index_key("abc").unwrap());
//! ```
//!
//! Everything an LGR file or a label controls is bounded: XML size (16 MiB),
//! DTDs refused, rule/class nesting, repertoire size, matcher steps per rule,
//! label length (63 code points) and the number of variants produced.
//! Variant counts never enumerate (saturating `u128`).
//!
//! # Semantics (for CONFORMANCE.md)
//! - Disposition (RFC 7940 §8.3): code points outside the repertoire, or
//!   whose `when`/`not-when` context fails, make a label `invalid` first
//!   (every such reason is reported); then actions apply in document order,
//!   first trigger wins; then the §7.6 defaults (`blocked` for any
//!   `blocked` variant, `allocatable` when all variants are `allocatable`,
//!   `valid`).
//! - Variant triggers (§7.2): `any-variant` = some type of the label is
//!   listed; `all-variants` = the label has types and all are listed
//!   (unchanged code points without a reflexive mapping add no type);
//!   `only-variants` = as `all-variants`, and every code point came from a
//!   mapping (reflexive ones included). An original label without
//!   reflexive mappings triggers none of them.
//! - Segmentation: longest repertoire sequence first, skipping one whose
//!   own context fails when a shorter one exists; variant generation
//!   follows every segmentation (as ICANN's lgr-core does) and drops
//!   duplicate labels. Variant contexts are evaluated on the source label.
//! - Rules: `match` searches anywhere unless the rule has `<start/>`/
//!   `<end/>`; context rules are evaluated with the anchor on the code point
//!   (or sequence); a context rule without an anchor applies to the whole
//!   label. Look-behind and look-ahead are atomic.
//! - Index keys (§8.5): each element → smallest member (code point
//!   sequence order) of its variant class; exact when
//!   [`VariantRelation::is_equivalence`]; otherwise [`Lgr::are_variants`]
//!   decides exactly by walking the first label's choice tree against the
//!   second (≤ 64×64 states, no enumeration). Transitivity is checked on
//!   context-free mappings; code points carrying only a reflexive
//!   `out-of-repertoire-var` mapping are outside the repertoire proper.
//! - Unicode properties in classes: `sc`, `scx`, `gc` (values and groups),
//!   `jt`, from ICU4X data (the workspace's Unicode version).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod collide;
mod compliance;
mod compose;
mod cpset;
mod diff;
mod error;
mod harmonize;
pub mod legacy;
mod load;
mod model;
mod ops;
mod props;
mod review;
mod rules;
mod set;
mod variants;
mod write;

pub use collide::{CollisionGroup, Collisions, NotInLgr};
pub use compliance::{IdnaCompliance, NonCompliant};
pub use compose::{ComposeError, ComposeOptions, ComposeSummary, Composed, Conflict, merge_set};
pub use cpset::CpSet;
pub use diff::{FieldDiff, LgrDiff, MappingEntry, RuleDiff};
pub use error::{Diagnostic, LabelError, LoadError, Reason, Severity};
pub use harmonize::{Harmonized, harmonize};
pub use load::{LoadOptions, Validation};
pub use model::{
    Disposition, Lgr, Metadata, Reference, VariantMapping, VariantRelation, VariantTypes,
};
pub use ops::{
    Bundle, BundleLabel, MAX_LABEL_CPS, Outcome, Stats, VariantKey, VariantLabel, VariantOptions,
    Variants, code_points,
};
pub use review::{Review, VariantSetDiff};
pub use set::{LgrSet, SetOutcome};
pub use write::WriteOptions;

/// Checks an LGR like ICANN's lgr-core `validate`: XML, undefined
/// references, duplicate code points, variant symmetry and transitivity,
/// unused rules, unreachable actions. Never fails; see
/// [`Validation::is_usable`].
pub fn validate_xml(xml: &str) -> Validation {
    validate_xml_with(xml, &LoadOptions::default())
}

/// [`validate_xml`] with explicit limits.
pub fn validate_xml_with(xml: &str, opts: &LoadOptions) -> Validation {
    let (_, diagnostics) = load::load(xml, opts);
    Validation { diagnostics }
}

impl Lgr {
    /// Loads an RFC 7940 LGR with default limits.
    pub fn from_xml(xml: &str) -> Result<Lgr, LoadError> {
        load::load_or_err(xml, &LoadOptions::default())
    }

    /// Loads an RFC 7940 LGR with explicit limits.
    pub fn from_xml_with(xml: &str, opts: &LoadOptions) -> Result<Lgr, LoadError> {
        load::load_or_err(xml, opts)
    }

    /// Reads and loads an LGR file: RFC 7940 XML, or a legacy table
    /// (RFC 3743, RFC 4290, code point list) when it does not start with `<`.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Lgr, LoadError> {
        let p = path.as_ref();
        let meta = std::fs::metadata(p).map_err(|e| {
            LoadError::new("LGR_IO", format!("cannot read {}: {e}", p.display()), 0, 0)
        })?;
        let limit = LoadOptions::default().size_limit;
        if meta.len() > limit as u64 {
            return Err(LoadError::new(
                "LGR_TOO_LARGE",
                format!("{} is over {limit} bytes", p.display()),
                0,
                0,
            ));
        }
        let text = std::fs::read_to_string(p).map_err(|e| {
            LoadError::new("LGR_IO", format!("cannot read {}: {e}", p.display()), 0, 0)
        })?;
        Lgr::from_text(&text)
    }

    /// Loads an LGR from its text: RFC 7940 XML, or a legacy table when it
    /// does not start with `<`.
    pub fn from_text(text: &str) -> Result<Lgr, LoadError> {
        let limit = LoadOptions::default().size_limit;
        if text.len() > limit {
            return Err(LoadError::new(
                "LGR_TOO_LARGE",
                format!("the LGR is over {limit} bytes"),
                0,
                0,
            ));
        }
        if text.trim_start_matches('\u{FEFF}').trim_start().starts_with('<') {
            Lgr::from_xml(text)
        } else {
            legacy::from_text(text)
        }
    }

    /// The LGR's metadata.
    pub fn metadata(&self) -> &Metadata {
        &self.meta
    }

    /// Warnings found while loading (errors prevent loading).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Symmetry, transitivity and context of the variant relation.
    pub fn variant_relation(&self) -> &VariantRelation {
        &self.relation
    }

    /// Whether a single code point is in the repertoire.
    pub fn contains(&self, cp: char) -> bool {
        let c = u32::from(cp);
        self.single.contains_key(&c) || {
            let i = self.ranges.partition_point(|r| r.last < c);
            self.ranges.get(i).is_some_and(|r| r.first <= c)
        }
    }

    /// Whether `cp` is in the repertoire proper: in it, and not listed only
    /// to carry out-of-repertoire variants (a reflexive mapping of type
    /// `out-of-repertoire-var`, RFC 7940 §5.3.4).
    pub fn contains_proper(&self, cp: char) -> bool {
        self.contains(cp)
            && !self
                .elem_of(&[u32::from(cp)])
                .is_some_and(|e| e.vars.iter().any(|v| v.cps == e.cps && v.type_names_hint_oor))
    }

    /// Every single code point of the repertoire (sequences excluded), sorted.
    pub fn repertoire(&self) -> CpSet {
        let mut r: Vec<(u32, u32)> = self.single.keys().map(|&c| (c, c)).collect();
        r.extend(self.ranges.iter().map(|x| (x.first, x.last)));
        CpSet::from_ranges(r)
    }

    /// Code point sequences of the repertoire.
    pub fn sequences(&self) -> impl Iterator<Item = &[u32]> {
        self.elems.iter().filter(|e| e.cps.len() > 1).map(|e| &*e.cps)
    }

    /// The variant mappings of one repertoire element (a code point or a
    /// sequence), as written in the LGR.
    pub fn variant_mappings(&self, cps: &[u32]) -> Vec<VariantMapping> {
        self.elem_of(cps)
            .map(|e| {
                e.vars
                    .iter()
                    .map(|v| VariantMapping {
                        target: v.cps.to_vec(),
                        types: self
                            .type_names(VariantTypes(v.types))
                            .into_iter()
                            .map(str::to_owned)
                            .collect(),
                        contextual: v.when.is_some() || v.not_when.is_some(),
                        comment: v.comment.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The tags of a repertoire element (RFC 7940 §5.4), empty when none.
    pub fn tags(&self, cps: &[u32]) -> &[String] {
        self.elem_of(cps).map(|e| e.tags.as_slice()).unwrap_or(&[])
    }

    fn elem_of(&self, cps: &[u32]) -> Option<&model::Elem> {
        let id = match cps {
            [c] => self.single.get(c).copied(),
            _ => cps.first().and_then(|c| self.seqs.get(c)).and_then(|l| {
                l.iter()
                    .copied()
                    .find(|&i| self.elems.get(i as usize).is_some_and(|e| &*e.cps == cps))
            }),
        };
        id.and_then(|i| self.elems.get(i as usize))
    }

    /// Names of the variant types in use, in order of first appearance.
    pub fn variant_types(&self) -> &[String] {
        &self.types
    }

    /// Names of named classes in load order (anonymous ones included as
    /// their first use); for statistics.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// Names of the named rules.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.rule_names.keys().map(String::as_str)
    }
}

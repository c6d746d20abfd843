//! IDNA2008 compliance of an LGR's repertoire (`idnsafe lgr
//! idna-compliance`, after lgr-core's `check_idna2008_compliance`): the
//! repertoire elements that can never be in a U-label because a code point
//! of theirs is not PVALID (DISALLOWED or UNASSIGNED) under the RFC 5892
//! derived property, and, beyond lgr-core, those with a CONTEXTJ or
//! CONTEXTO code point but no `when`/`not-when` rule to carry its RFC 5892
//! Appendix A context. Elements listed only to carry out-of-repertoire
//! variants (RFC 7940 §5.3.4) are left out, as lgr-core leaves them out.

use crate::model::Lgr;
use idnsafe_idna::DerivedProperty as P;
use serde::Serialize;

/// One repertoire element that fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NonCompliant {
    /// Its code points (hex, space-separated: `00B7`, `0061 0301`).
    pub cp: String,
    /// The derived property of each code point, space-separated.
    pub idna_property: String,
    /// `IDNA_NOT_PVALID` or `IDNA_CONTEXT_WITHOUT_RULE`.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

/// What [`Lgr::idna_compliance`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdnaCompliance {
    /// The Unicode version of the derived property used.
    pub unicode_version: &'static str,
    /// Repertoire elements checked (code points of ranges one by one).
    pub checked: u64,
    /// Whether every element is compliant.
    pub compliant: bool,
    /// The elements that are not, in repertoire order (chars, then ranges).
    pub non_compliant: Vec<NonCompliant>,
}

use crate::error::hex_cps as hex;

impl Lgr {
    /// Checks every repertoire element against the IDNA2008 derived
    /// property of Unicode [`idnsafe_idna::UNICODE_VERSION`].
    pub fn idna_compliance(&self) -> IdnaCompliance {
        let mut out = Vec::new();
        let mut checked = 0u64;
        let mut check = |cps: &[u32], has_rule: bool| {
            checked += 1;
            let props: Vec<P> =
                cps.iter().map(|&c| idnsafe_idna::derived_property_u32(c)).collect();
            let shown = props.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ");
            if props.iter().any(|p| matches!(p, P::Disallowed | P::Unassigned)) {
                out.push(NonCompliant {
                    cp: hex(cps),
                    message: format!(
                        "U+{} is {shown} under IDNA2008 (Unicode {}) and can never be in a label",
                        hex(cps).replace(' ', " U+"),
                        idnsafe_idna::UNICODE_VERSION
                    ),
                    idna_property: shown,
                    code: "IDNA_NOT_PVALID",
                });
            } else if !has_rule && props.iter().any(|p| matches!(p, P::ContextJ | P::ContextO)) {
                out.push(NonCompliant {
                    cp: hex(cps),
                    message: format!(
                        "U+{} is {shown}: valid only in the context RFC 5892 Appendix A gives it, and the LGR has no when/not-when rule for it",
                        hex(cps).replace(' ', " U+")
                    ),
                    idna_property: shown,
                    code: "IDNA_CONTEXT_WITHOUT_RULE",
                });
            }
        };
        for e in &self.elems {
            let oor = e.vars.iter().any(|v| v.cps == e.cps && v.type_names_hint_oor);
            if !oor {
                check(&e.cps, e.when.is_some() || e.not_when.is_some());
            }
        }
        for r in &self.ranges {
            for c in r.first..=r.last {
                check(&[c], r.when.is_some() || r.not_when.is_some());
            }
        }
        IdnaCompliance {
            unicode_version: idnsafe_idna::UNICODE_VERSION,
            checked,
            compliant: out.is_empty(),
            non_compliant: out,
        }
    }
}

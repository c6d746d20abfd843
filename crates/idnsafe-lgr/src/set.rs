//! LGR sets as in the Root Zone LGR procedure: per-script element LGRs
//! decide validity and allocatable variants; a common (merged) LGR gives
//! the index key used for cross-script collision checks.

use crate::error::{LabelError, Reason};
use crate::model::{Disposition, Lgr};
use crate::ops::VariantKey;

/// A common LGR plus named element LGRs.
#[derive(Debug)]
pub struct LgrSet {
    common: Lgr,
    elements: Vec<(String, Lgr)>,
}

/// The outcome of checking a label against an [`LgrSet`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SetOutcome {
    /// The element LGR chosen for the label (the first whose repertoire
    /// holds every code point, preferring one that finds it valid).
    pub element: Option<String>,
    /// Disposition under that element LGR (or under the common LGR when no
    /// element LGR covers the label: then invalid).
    pub disposition: Disposition,
    /// Reasons.
    pub reasons: Vec<Reason>,
}

impl LgrSet {
    /// Builds a set from a common LGR and element LGRs.
    pub fn new(common: Lgr, elements: Vec<(String, Lgr)>) -> Self {
        LgrSet { common, elements }
    }

    /// The common LGR.
    pub fn common(&self) -> &Lgr {
        &self.common
    }

    /// The element LGRs.
    pub fn elements(&self) -> &[(String, Lgr)] {
        &self.elements
    }

    /// Label-script selection: element LGRs whose repertoire holds every
    /// code point of the label.
    pub fn candidates<'a>(
        &'a self,
        label: &'a str,
    ) -> impl Iterator<Item = &'a (String, Lgr)> + 'a {
        self.elements.iter().filter(move |(_, l)| label.chars().all(|c| l.contains_proper(c)))
    }

    /// Checks a label: a candidate element LGR that finds it valid wins;
    /// else the first candidate's outcome; else invalid with
    /// `LGR_NO_ELEMENT_LGR`.
    pub fn disposition(&self, label: &str) -> SetOutcome {
        let mut first = None;
        for (name, l) in self.candidates(label) {
            let o = l.disposition(label);
            if o.disposition == Disposition::Valid {
                return SetOutcome {
                    element: Some(name.clone()),
                    disposition: o.disposition,
                    reasons: o.reasons,
                };
            }
            if first.is_none() {
                first = Some(SetOutcome {
                    element: Some(name.clone()),
                    disposition: o.disposition,
                    reasons: o.reasons,
                });
            }
        }
        first.unwrap_or_else(|| SetOutcome {
            element: None,
            disposition: Disposition::Invalid,
            reasons: vec![Reason::new(
                "LGR_NO_ELEMENT_LGR",
                "no script's table holds every character of the label (labels may not mix scripts)"
                    .into(),
            )],
        })
    }

    /// The collision key under the common LGR.
    pub fn index_key(&self, label: &str) -> Result<VariantKey, LabelError> {
        self.common.index_key(label)
    }
}

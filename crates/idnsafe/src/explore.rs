//! Everything known about one name, for the review page's name explorer
//! (and `GET /v1/explore`): the decision under the running policy with
//! every reason, the `check` record (IDNA2008, scripts, warnings, the
//! confusable key), each label's code points (name, script, IDNA2008
//! property), every protected or registered name it resembles with the
//! positions that differ and where each equivalence comes from, and the
//! bundle (variant labels with their dispositions).
//!
//! The explorer only gathers what the engine already decides: the
//! decision is [`Registry::screen`], the record [`Checker::check_name`],
//! the differences [`idnsafe_confusables::explain`].

use idnsafe_confusables::{Difference, Tier, explain};
use idnsafe_policy::{Decision, Request};
use serde::Serialize;

use crate::Checker;
use crate::registry::Registry;

/// Longest input explored (octets), as everywhere else.
pub const MAX_EXPLORE_BYTES: usize = idnsafe_idna::MAX_INPUT_BYTES;

/// One code point of a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodePoint {
    /// The character itself.
    pub char: String,
    /// `U+XXXX`.
    pub code: String,
    /// Its Unicode name (`CYRILLIC SMALL LETTER A`), or empty when it has none.
    pub name: String,
    /// Its script (ISO 15924 code, `Zyyy` for Common, `Zinh` for Inherited).
    pub script: &'static str,
    /// Its IDNA2008 derived property (RFC 5892): `PVALID`, `CONTEXTJ`, ...
    pub idna: &'static str,
}

/// The code points of one label of the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelChars {
    /// The label as given, decoded from Punycode when it is an A-label.
    pub label: String,
    /// Its code points, at most [`MAX_EXPLORE_BYTES`] of them.
    pub code_points: Vec<CodePoint>,
}

/// A protected or registered name that the explored name resembles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resemblance {
    /// `protected` or `registered`.
    pub kind: &'static str,
    /// The other name (a protected name as listed; a registered label).
    pub name: String,
    /// The label compared with (the other name's first label).
    pub other_label: String,
    /// The explored label it resembles.
    pub label: String,
    /// The tier of the match: `identical`, `lookalike` or `near`.
    pub tier: Option<String>,
    /// The reason code that reports it, when the policy gives one.
    pub code: Option<String>,
    /// Each differing position (0-based code point position in `label`,
    /// the characters on both sides, and the source of the equivalence:
    /// `uts39`, `glyph:<font>`, `diacritic`, `curated` or `edit`).
    pub differences: Vec<Difference>,
}

/// What the explorer shows for one name.
#[derive(Debug, Clone, Serialize)]
pub struct Exploration {
    /// The name as given.
    pub input: String,
    /// The decision under the running policy (no registrant: as a stranger
    /// asking).
    pub decision: Decision,
    /// The `check` record, exactly as `idnsafe check --json` prints it.
    pub check: serde_json::Value,
    /// Each label's code points.
    pub labels: Vec<LabelChars>,
    /// Protected and registered names it resembles.
    pub resembles: Vec<Resemblance>,
}

/// The code point facts of `c`.
pub fn code_point(c: char) -> CodePoint {
    CodePoint {
        char: c.to_string(),
        code: idnsafe_idna::u_plus(c),
        name: unicode_names2::name(c).map(|n| n.to_string()).unwrap_or_default(),
        script: idnsafe_script::script(c),
        idna: idnsafe_idna::derived_property(c).as_str(),
    }
}

/// The labels of `name` (A-labels decoded where they decode), each with its
/// code points; bounded by [`MAX_EXPLORE_BYTES`] in all.
pub fn label_chars(name: &str) -> Vec<LabelChars> {
    let name = name.strip_suffix('.').unwrap_or(name);
    let mut budget = MAX_EXPLORE_BYTES;
    let mut out = Vec::new();
    for raw in name.split('.') {
        if budget == 0 {
            break;
        }
        let label = idnsafe_idna::to_ulabel(raw).unwrap_or_else(|| raw.to_owned());
        let mut code_points = Vec::new();
        for c in label.chars() {
            if budget == 0 {
                break;
            }
            budget = budget.saturating_sub(c.len_utf8());
            code_points.push(code_point(c));
        }
        out.push(LabelChars { label, code_points });
    }
    out
}

fn differences(label: &str, other: &str) -> (Option<String>, Vec<Difference>) {
    match explain(label, other, Tier::Near) {
        Some(e) => (Some(e.tier.to_string()), e.differences),
        None => (None, Vec::new()),
    }
}

/// Explores `name`: the decision, the check record, the code points, and
/// what it resembles. Input longer than [`MAX_EXPLORE_BYTES`] is decided
/// and checked (both refuse it with their own codes) but not broken down.
pub fn explore(checker: &Checker, registry: &Registry, name: &str) -> Exploration {
    let decision = registry.screen(name, Request::default());
    let record = checker.check_name(name);
    let check = serde_json::to_value(&record).unwrap_or(serde_json::Value::Null);
    let labels = if name.len() > MAX_EXPLORE_BYTES { Vec::new() } else { label_chars(name) };
    let mut resembles: Vec<Resemblance> = Vec::new();
    for (l, r) in record.labels().iter().zip(record.idna().labels()) {
        let Some(u) = r.ulabel() else { continue };
        for e in l.confusable_evidence() {
            resembles.push(Resemblance {
                kind: "protected",
                name: e.name.clone(),
                other_label: e.label.clone(),
                label: u.to_owned(),
                tier: Some(e.evidence.tier.to_string()),
                code: Some("CONFUSABLE_PROTECTED".to_owned()),
                differences: e.evidence.differences.clone(),
            });
        }
    }
    // Registered names the policy reports (confusable with, or a variant
    // of, a registered label): compared with the name's registrable label.
    let registered_label = registry.policy().registered_label(name);
    for r in &decision.reasons {
        let (Some(other), Some(label)) = (&r.conflicting, &registered_label) else { continue };
        if resembles.iter().any(|x| x.kind == "registered" && &x.other_label == other) {
            continue;
        }
        let (tier, diffs) = differences(label, other);
        resembles.push(Resemblance {
            kind: "registered",
            name: other.clone(),
            other_label: other.clone(),
            label: label.clone(),
            tier,
            code: Some(r.code.clone()),
            differences: diffs,
        });
    }
    Exploration { input: name.to_owned(), decision, check, labels, resembles }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_carry_name_script_and_property() {
        let cp = code_point('а');
        assert_eq!(cp.code, "U+0430");
        assert_eq!(cp.name, "CYRILLIC SMALL LETTER A");
        assert_eq!(cp.script, "Cyrl");
        assert_eq!(cp.idna, "PVALID");
        assert_eq!(code_point('♥').idna, "DISALLOWED");
    }

    #[test]
    fn labels_are_decoded_and_bounded() {
        let l = label_chars("xn--pypal-4ve.com.");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].label, "pаypal");
        assert_eq!(l[0].code_points[1].script, "Cyrl");
        let long = "a".repeat(MAX_EXPLORE_BYTES * 2);
        let n: usize = label_chars(&long).iter().map(|l| l.code_points.len()).sum();
        assert_eq!(n, MAX_EXPLORE_BYTES);
    }
}

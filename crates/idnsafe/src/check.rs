//! The checker: IDNA2008 registration validity of each name, plus (as later
//! stages are added) scripts, skeletons and protected-name lookups.

use idnsafe_confusables::{Evidence, Level, ProtectedIndex, Tier};
use idnsafe_idna::{LabelReport, NameReport, Violation};
use idnsafe_script::LabelAnalysis;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};

/// The engine. Built once, immutable, `Sync`: share it between threads.
#[derive(Debug, Clone)]
pub struct Checker {
    level: Level,
    tier: Tier,
    protected: Option<ProtectedIndex>,
}

/// One name's check flattened into the columns of a batch (the Python
/// package's `check_arrow`): what [`NameCheck`] says, with per-label values
/// joined by dots in label order. Reused from name to name
/// ([`Checker::check_row`]) so that a batch allocates little.
#[derive(Debug, Clone, Default)]
pub struct CheckRow {
    /// IDNA2008 validity ([`NameCheck::is_ok`]).
    pub ok: bool,
    /// The code of every error, the name's first, then each label's.
    pub errors: Vec<&'static str>,
    /// The code of every warning of every label.
    pub warnings: Vec<&'static str>,
    /// The name in A-labels (`None` when a label has none, or when an
    /// error of the name itself, such as an empty label, means its labels
    /// do not spell it).
    pub alabel: Option<String>,
    /// The name in U-labels (`None` as for `alabel`).
    pub ulabel: Option<String>,
    /// Each label's UTS #39 label script, joined by dots.
    pub label_script: Option<String>,
    /// Each label's restriction level, joined by dots.
    pub restriction_level: Option<String>,
    /// Each label's skeleton at the checker's level, joined by dots.
    pub confusable_key: Option<String>,
    /// The protected names the name's labels look like (repeats removed).
    pub confusable_with: Vec<String>,
    /// One label's key, before it is joined.
    scratch: String,
    /// The same label's key at the protected index's level.
    scratch_protected: String,
}

/// Rows are equal when what they say is (their scratch buffers aside).
impl PartialEq for CheckRow {
    fn eq(&self, o: &Self) -> bool {
        self.ok == o.ok
            && self.errors == o.errors
            && self.warnings == o.warnings
            && self.alabel == o.alabel
            && self.ulabel == o.ulabel
            && self.label_script == o.label_script
            && self.restriction_level == o.restriction_level
            && self.confusable_key == o.confusable_key
            && self.confusable_with == o.confusable_with
    }
}

impl Eq for CheckRow {}

fn set(slot: &mut Option<String>, value: Option<&str>) {
    match (slot.as_mut(), value) {
        (Some(s), Some(v)) => {
            s.clear();
            s.push_str(v);
        }
        (None, Some(v)) => *slot = Some(v.to_owned()),
        (_, None) => *slot = None,
    }
}

/// Per-label values joined by dots; `None` when one is missing.
fn set_joined<'a>(slot: &mut Option<String>, parts: impl Iterator<Item = Option<&'a str>>) {
    let s = slot.get_or_insert_with(String::new);
    s.clear();
    for (i, p) in parts.enumerate() {
        let Some(p) = p else {
            *slot = None;
            return;
        };
        if i > 0 {
            s.push('.');
        }
        s.push_str(p);
    }
}

impl CheckRow {
    /// The row of a full check.
    pub fn fill(&mut self, r: &NameCheck) {
        let idna = r.idna();
        self.ok = r.is_ok();
        self.errors.clear();
        self.errors.extend(idna.all_errors().map(|v| v.code().as_str()));
        self.warnings.clear();
        self.warnings.extend(r.labels().iter().flat_map(|l| &l.warnings).map(|w| w.code));
        set_joined(&mut self.alabel, idna.labels().iter().map(LabelReport::alabel));
        set_joined(&mut self.ulabel, idna.labels().iter().map(LabelReport::ulabel));
        // With an error of the name itself (an empty label, a name too
        // long) its labels do not spell the name: `bad..name` is not `bad.name`.
        if idna.labels().is_empty() || !idna.errors().is_empty() {
            self.alabel = None;
            self.ulabel = None;
        }
        let labels = r.labels();
        let script = |f: fn(&LabelAnalysis) -> &'static str| {
            labels.iter().map(move |l| l.script.as_ref().map(f))
        };
        set_joined(&mut self.label_script, script(|a| a.label_script.as_str()));
        set_joined(&mut self.restriction_level, script(|a| a.restriction_level.as_str()));
        set_joined(&mut self.confusable_key, labels.iter().map(|l| l.skeleton.as_deref()));
        if labels.is_empty() {
            self.label_script = None;
            self.restriction_level = None;
            self.confusable_key = None;
        }
        self.confusable_with.clear();
        for n in labels.iter().flat_map(|l| &l.confusable_with) {
            if self.confusable_with.last() != Some(n) {
                self.confusable_with.push(n.clone());
            }
        }
    }
}

/// What the script analysis says of every lower-case LDH label (ASCII
/// letters, digits, hyphens) of one class: with a letter or without. Each
/// is computed once by the analysis itself, and used only when it gives no
/// warning, so the fast path cannot differ from the full check.
#[derive(Debug, Clone)]
struct LdhProfile {
    label_script: &'static str,
    restriction_level: &'static str,
    analysis: LabelAnalysis,
}

/// The two classes: labels without a letter, labels with one.
type LdhProfiles = (LdhProfile, LdhProfile);

fn ldh_profiles() -> Option<&'static LdhProfiles> {
    static PROFILES: std::sync::OnceLock<Option<LdhProfiles>> = std::sync::OnceLock::new();
    PROFILES
        .get_or_init(|| {
            let of = |label: &str| {
                let a = idnsafe_script::analyze(label);
                a.warnings.is_empty().then(|| LdhProfile {
                    label_script: a.label_script.as_str(),
                    restriction_level: a.restriction_level.as_str(),
                    analysis: a.clone(),
                })
            };
            Some((of("0")?, of("a")?))
        })
        .as_ref()
}

/// True for a label the fast path takes: lower-case LDH, not an A-label
/// or other `??--` label, valid under IDNA2008.
fn fast_label(label: &str) -> bool {
    let b = label.as_bytes();
    // Lower-case LDH with IDNA2008's length and hyphen rules: what
    // `is_valid_label` decides of such a label, without its other paths.
    b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && idnsafe_idna::ldh_shape_ok(b)
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

/// A warning about a label: a stable code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `MIXED_SCRIPT`, `MIXED_NUMBERS`, `INVISIBLE_CHARACTER`,
    /// `WHOLE_SCRIPT_CONFUSABLE`, `CONFUSABLE_PROTECTED`, and the
    /// detections of `idnsafe_script::detections` (`MARK_ON_DOTTED`,
    /// `MARK_ON_DOTLESS`, `DIGIT_LOOKALIKE`, `JAPANESE_MARK_CONTEXT`,
    /// `KANA_LOOKALIKE`, `MARK_ON_FOREIGN_BASE`), `RESTRICTED_CHARACTER`.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

impl Checker {
    /// A checker with default options: skeletons and whole-script checks
    /// at level `identical`, protected names matched up to tier
    /// `lookalike`, no protected names.
    pub fn new() -> Self {
        Checker { level: Level::Identical, tier: Tier::Lookalike, protected: None }
    }

    /// Compares labels with these protected names. Matches are found with
    /// the index's own level and reported up to the checker's tier; build
    /// the index at [`Tier::level`] of that tier.
    pub fn with_protected(mut self, index: ProtectedIndex) -> Self {
        self.protected = Some(index);
        self
    }

    /// The confusable level of skeletons and whole-script checks.
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The weakest tier at which protected names are reported (default
    /// `lookalike`; `near` adds one-edit matches of labels of six or more
    /// characters).
    pub fn with_tier(mut self, tier: Tier) -> Self {
        self.tier = tier;
        self
    }

    /// The weakest tier reported for protected names.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The confusable level in use.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Checks many lines in parallel (rayon); results in input order.
    pub fn check_batch<L: AsRef<[u8]> + Sync>(&self, lines: &[L]) -> Vec<NameCheck> {
        use rayon::prelude::*;
        lines.par_iter().map(|l| self.check_line(l.as_ref())).collect()
    }

    /// Checks one input line (bytes, so invalid UTF-8 is a result, not a failure).
    pub fn check_line(&self, line: &[u8]) -> NameCheck {
        self.finish(idnsafe_idna::check_line(line))
    }

    /// Checks one name.
    pub fn check_name(&self, name: &str) -> NameCheck {
        self.finish(idnsafe_idna::check_name(name))
    }

    /// The labels of a name the fast path takes, when the checker has no
    /// protected names: each label with its script analysis (the same for
    /// every lower-case LDH label with a letter, and for every one without)
    /// and its skeleton. Of such a name [`Self::check_line`] reports no
    /// error and no warning, and each label is its own A-label and
    /// U-label, so a front end can write the result from these alone
    /// (the Python package's per-name call does). `None` for other names.
    pub fn ldh_labels<'a>(
        &self,
        line: &'a [u8],
    ) -> Option<Vec<(&'a str, &'static LabelAnalysis, String)>> {
        if self.protected.is_some() {
            return None;
        }
        let name = std::str::from_utf8(line)
            .ok()
            .filter(|n| n.len() <= idnsafe_idna::MAX_NAME_OCTETS && n.split('.').all(fast_label))?;
        let profiles = ldh_profiles()?;
        Some(
            name.split('.')
                .map(|label| {
                    let letter = label.bytes().any(|c| c.is_ascii_lowercase());
                    let p = if letter { &profiles.1 } else { &profiles.0 };
                    (label, &p.analysis, idnsafe_confusables::key(label, self.level))
                })
                .collect(),
        )
    }

    /// Checks one input line into `row` (see [`CheckRow`]): the same values
    /// as [`Self::check_line`] gives, for names of lower-case LDH labels
    /// without the intermediate report, which is what makes batches fast.
    pub fn check_row(&self, line: &[u8], row: &mut CheckRow) {
        let fast = std::str::from_utf8(line)
            .ok()
            .filter(|name| name.len() <= idnsafe_idna::MAX_NAME_OCTETS);
        let (Some(name), Some(profiles)) = (fast, ldh_profiles()) else {
            row.fill(&self.check_line(line));
            return;
        };
        row.ok = true;
        row.errors.clear();
        row.warnings.clear();
        row.confusable_with.clear();
        set(&mut row.alabel, Some(name));
        set(&mut row.ulabel, Some(name));
        let scripts = row.label_script.get_or_insert_with(String::new);
        let levels = row.restriction_level.get_or_insert_with(String::new);
        let keys = row.confusable_key.get_or_insert_with(String::new);
        scripts.clear();
        levels.clear();
        keys.clear();
        // One split: each label is checked as it comes, and a label that
        // is not lower-case LDH sends the whole name to the full check
        // (which rewrites every field of the row).
        let mut split = name.split('.');
        let mut next = split.next();
        let mut i = 0usize;
        while let Some(label) = next {
            next = split.next();
            if !fast_label(label) {
                row.fill(&self.check_line(line));
                return;
            }
            if i > 0 {
                scripts.push('.');
                levels.push('.');
                keys.push('.');
            }
            let letter = label.bytes().any(|c| c.is_ascii_lowercase());
            let p = if letter { &profiles.1 } else { &profiles.0 };
            scripts.push_str(p.label_script);
            levels.push_str(p.restriction_level);
            // The top-level label of a name of several labels is not
            // compared with protected names.
            let compare = i == 0 || next.is_some();
            i += 1;
            match &self.protected {
                Some(p) if compare => {
                    // Both keys in one pass (key_into and keys_into write
                    // whole keys: they clear their buffers first).
                    idnsafe_confusables::keys_into(
                        label,
                        self.level,
                        p.level(),
                        &mut row.scratch,
                        &mut row.scratch_protected,
                    );
                    keys.push_str(&row.scratch);
                    let (mut warnings, mut with, mut evidence) =
                        (Vec::new(), Vec::new(), Vec::new());
                    self.protected_into(
                        label,
                        Some(&row.scratch_protected),
                        &mut warnings,
                        &mut with,
                        &mut evidence,
                    );
                    row.warnings.extend(warnings.iter().map(|w| w.code));
                    for m in with {
                        if row.confusable_with.last() != Some(&m) {
                            row.confusable_with.push(m);
                        }
                    }
                }
                _ => {
                    idnsafe_confusables::key_into(label, self.level, &mut row.scratch);
                    keys.push_str(&row.scratch);
                }
            }
        }
    }

    /// The result for an over-long line a reader did not buffer whole.
    pub fn line_too_long(&self, prefix: &[u8], total_len: usize) -> NameCheck {
        self.finish(NameReport::line_too_long(prefix, total_len))
    }

    /// Adds the per-label analyses to an IDNA2008 report.
    fn finish(&self, idna: NameReport) -> NameCheck {
        let n = idna.labels().len();
        // The top-level label of a name of several labels: a label in its
        // script is expected there (Cyrillic under .рф), not suspicious.
        let tld = if n > 1 { idna.labels().last().and_then(|l| l.ulabel()) } else { None };
        let labels = idna
            .labels()
            .iter()
            .enumerate()
            .map(|(i, l)| {
                // The top-level label is not compared with protected names.
                let compare = n == 1 || i + 1 < n;
                self.label_check(l.ulabel(), compare, tld)
            })
            .collect();
        NameCheck { idna, labels, protected: self.protected.is_some() }
    }

    /// The protected names `u` looks like, with their warnings and evidence
    /// (`key`: `u`'s key at the index's level, when the caller has it).
    fn protected_into(
        &self,
        u: &str,
        key: Option<&str>,
        warnings: &mut Vec<Warning>,
        confusable_with: &mut Vec<String>,
        evidence: &mut Vec<ProtectedEvidence>,
    ) {
        let Some(p) = &self.protected else {
            return;
        };
        let mut matches = match key {
            Some(k) => {
                let mut m = Vec::new();
                p.lookalikes_with_key(u, k, &mut m);
                m
            }
            None => p.lookalikes(u),
        };
        if self.tier == Tier::Near {
            matches.extend(p.near_lookalikes(u));
        }
        for m in matches {
            if confusable_with.iter().any(|n: &String| n == m.name) {
                continue;
            }
            // The index proposes; the evidence at the checker's tier
            // decides and explains.
            let Some(e) = idnsafe_confusables::explain(u, m.label, self.tier) else {
                continue;
            };
            warnings.push(Warning {
                code: "CONFUSABLE_PROTECTED",
                message: protected_message(u, m.name, &e),
            });
            confusable_with.push(m.name.to_owned());
            evidence.push(ProtectedEvidence {
                name: m.name.to_owned(),
                label: m.label.to_owned(),
                evidence: e,
            });
        }
    }

    fn label_check(&self, ulabel: Option<&str>, compare: bool, tld: Option<&str>) -> LabelCheck {
        let Some(u) = ulabel else {
            return LabelCheck {
                script: None,
                skeleton: None,
                warnings: Vec::new(),
                confusable_with: Vec::new(),
                evidence: Vec::new(),
            };
        };
        let script = idnsafe_script::analyze(u);
        let mut warnings: Vec<Warning> = script
            .warnings
            .iter()
            .map(|w| Warning { code: w.code, message: w.message.clone() })
            .collect();
        // Detections beyond skeletons (UTS #39 §5.4 and browser-style
        // rules). Repeated and excessive marks are already reported by the
        // script analysis as INVISIBLE_CHARACTER.
        let mut found = Vec::new();
        idnsafe_script::detections_into(u, &mut found);
        for d in found {
            if !matches!(d.code, "REPEATED_MARK" | "TOO_MANY_MARKS") {
                warnings.push(Warning { code: d.code, message: d.message });
            }
        }
        // UTS #39 §5.2: a character outside the identifier profile (historic,
        // limited-use or technical; Identifier_Status Restricted) makes the
        // label unrestricted; browsers show such labels as Punycode. Joiners
        // are left to IDNA2008's CONTEXTJ rules, and Bopomofo is how Chinese
        // is annotated in Taiwan (UTS #39 §5.2 lists Han with Bopomofo as
        // highly restrictive).
        if script.restriction_level == idnsafe_script::RestrictionLevel::Unrestricted
            && let Some(c) = u.chars().find(|&c| {
                idnsafe_script::identifier_status(c) == idnsafe_script::IdentifierStatus::Restricted
                    && !matches!(c, '\u{200C}' | '\u{200D}')
                    && idnsafe_script::script(c) != "Bopo"
            })
        {
            warnings.push(Warning {
                code: "RESTRICTED_CHARACTER",
                message: format!(
                    "'{u}' uses U+{:04X}, a character Unicode does not recommend in identifiers \
                     (historic, limited-use or technical, UTS #39 Identifier_Status \
                     Restricted); such names are hard to read and can imitate others.",
                    c as u32
                ),
            });
        }
        // Whole-script confusables are reported for IDN labels only: every
        // ASCII label made of letters like a, c, e, o, p has a Cyrillic
        // twin, and imitations of ASCII names are what the protected index
        // and the audit's homograph clusters catch. A label in its TLD's
        // script is expected there.
        if !u.is_ascii()
            && let Some(ws) = idnsafe_confusables::whole_script_confusable_in(u, self.level, tld)
        {
            warnings.push(Warning {
                code: "WHOLE_SCRIPT_CONFUSABLE",
                message: format!(
                    "Every letter of '{u}' ({}) has a lookalike in another script ({}), so a \
                     look-alike name can be written entirely in that script.",
                    ws.scripts.join(", "),
                    ws.lookalike_scripts.join(", ")
                ),
            });
        }
        let mut confusable_with = Vec::new();
        let mut evidence = Vec::new();
        if compare {
            self.protected_into(u, None, &mut warnings, &mut confusable_with, &mut evidence);
        }
        LabelCheck {
            script: Some(script),
            skeleton: Some(idnsafe_confusables::key(u, self.level)),
            warnings,
            confusable_with,
            evidence,
        }
    }
}

/// The result of checking one name. Serializes to the JSON record of
/// `idnsafe check --json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCheck {
    idna: NameReport,
    labels: Vec<LabelCheck>,
    protected: bool,
}

/// What the checker found about one label beyond IDNA2008 validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelCheck {
    script: Option<LabelAnalysis>,
    skeleton: Option<String>,
    warnings: Vec<Warning>,
    confusable_with: Vec<String>,
    evidence: Vec<ProtectedEvidence>,
}

/// Why a label matches a protected name: the name, its protected label and
/// the evidence (tier and every differing position with its source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtectedEvidence {
    /// The protected name as listed, e.g. `paypal.com`.
    pub name: String,
    /// Its protected label, e.g. `paypal`.
    pub label: String,
    /// Tier and differences.
    #[serde(flatten)]
    pub evidence: Evidence,
}

/// The warning text for a protected match.
fn protected_message(label: &str, name: &str, e: &Evidence) -> String {
    format!("'{label}' looks like the protected name '{name}' ({}).", e.describe())
}

impl LabelCheck {
    /// The skeleton (confusable key) at the checker's level.
    pub fn skeleton(&self) -> Option<&str> {
        self.skeleton.as_deref()
    }
    /// Every warning: UTS #39 script findings, whole-script confusables,
    /// lookalikes of protected names.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
    /// The protected names this label looks like.
    pub fn confusable_with(&self) -> &[String] {
        &self.confusable_with
    }
    /// The evidence for each protected name in `confusable_with`, in the
    /// same order.
    pub fn confusable_evidence(&self) -> &[ProtectedEvidence] {
        &self.evidence
    }
    /// Scripts, restriction level and UTS #39 warnings (`None` when the
    /// label has no U-label, i.e. an undecodable `xn--` label).
    pub fn script(&self) -> Option<&LabelAnalysis> {
        self.script.as_ref()
    }
}

impl NameCheck {
    /// The IDNA2008 report.
    pub fn idna(&self) -> &NameReport {
        &self.idna
    }
    /// True when the name is valid for registration under IDNA2008.
    /// (Warnings such as mixed scripts do not make a name invalid.)
    pub fn is_ok(&self) -> bool {
        self.idna.is_ok()
    }
    /// Per-label findings beyond IDNA2008, parallel to `idna().labels()`.
    pub fn labels(&self) -> &[LabelCheck] {
        &self.labels
    }
}

struct Errors<'a>(&'a [Violation]);

impl Serialize for Errors<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

struct LabelJson<'a>(&'a LabelReport, Option<&'a LabelCheck>, bool);

impl Serialize for LabelJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let l = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("ulabel", &l.ulabel())?;
        m.serialize_entry("alabel", &l.alabel())?;
        m.serialize_entry("ok", &l.is_ok())?;
        m.serialize_entry("errors", &Errors(l.errors()))?;
        if let Some(a) = self.1.and_then(LabelCheck::script) {
            m.serialize_entry("scripts", &a.scripts)?;
            m.serialize_entry("label_script", &a.label_script)?;
            m.serialize_entry("restriction_level", &a.restriction_level)?;
        }
        if let Some(k) = self.1.and_then(LabelCheck::skeleton) {
            m.serialize_entry("skeleton", k)?;
        }
        let warnings: &[Warning] = self.1.map(LabelCheck::warnings).unwrap_or(&[]);
        m.serialize_entry("warnings", warnings)?;
        if self.2 {
            let cw: &[String] = self.1.map(LabelCheck::confusable_with).unwrap_or(&[]);
            m.serialize_entry("confusable_with", cw)?;
            let ev: &[ProtectedEvidence] =
                self.1.map(LabelCheck::confusable_evidence).unwrap_or(&[]);
            m.serialize_entry("confusable_evidence", ev)?;
        }
        m.end()
    }
}

impl Serialize for NameCheck {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.idna;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("input", r.input())?;
        m.serialize_entry("ok", &self.is_ok())?;
        m.serialize_entry("errors", &Errors(r.errors()))?;
        let labels: Vec<LabelJson<'_>> = r
            .labels()
            .iter()
            .enumerate()
            .map(|(i, l)| LabelJson(l, self.labels.get(i), self.protected))
            .collect();
        m.serialize_entry("labels", &labels)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batch row of the fast path equals the row of the full check.
    fn same_row(checker: &Checker, name: &str, row: &mut CheckRow) {
        checker.check_row(name.as_bytes(), row);
        let mut full = CheckRow::default();
        full.fill(&checker.check_line(name.as_bytes()));
        assert_eq!(row.ok, full.ok, "{name}");
        assert_eq!(row.errors, full.errors, "{name}");
        assert_eq!(row.warnings, full.warnings, "{name}");
        assert_eq!(row.alabel, full.alabel, "{name}");
        assert_eq!(row.ulabel, full.ulabel, "{name}");
        assert_eq!(row.label_script, full.label_script, "{name}");
        assert_eq!(row.restriction_level, full.restriction_level, "{name}");
        assert_eq!(row.confusable_key, full.confusable_key, "{name}");
        assert_eq!(row.confusable_with, full.confusable_with, "{name}");
    }

    fn checkers() -> Vec<Checker> {
        let protected =
            ProtectedIndex::from_list("paypal.com\ngoogle.com\nrn.com\n0-0.kz\n", Level::Identical)
                .unwrap();
        vec![
            Checker::new(),
            Checker::new().with_protected(protected.clone()),
            Checker::new().with_tier(Tier::Near).with_protected(protected.clone()),
            Checker::new().with_level(Level::Uts39).with_protected(protected),
        ]
    }

    #[test]
    fn check_row_equals_the_full_check() {
        let names = [
            "example.com",
            "paypal.com",
            "paypa1.com",
            "rnicrosoft.com",
            "m.com",
            "0-0.kz",
            "123",
            "a",
            "com",
            "ab--cd.com",
            "xn--bcher-kva.com",
            "-a.com",
            "a-.com",
            "a..b",
            "a.b.",
            ".",
            "",
            "Example.com",
            "bücher.com",
            "a_b.com",
            "gооgle.com",
            "goog1e.com",
            "rn.com",
            "corn.com",
            "l1l1.org",
            "a b",
            "a\r",
            "paypal",
            "google",
        ];
        let long = format!("{}.com", "a".repeat(63));
        let too_long = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63)].join(".");
        let mut row = CheckRow::default();
        for c in checkers() {
            for n in names.iter().copied().chain([long.as_str(), too_long.as_str()]) {
                same_row(&c, n, &mut row);
            }
        }
    }

    /// What `ldh_labels` gives is what the full check reports.
    fn same_labels(c: &Checker, name: &str) {
        let Some(labels) = c.ldh_labels(name.as_bytes()) else { return };
        let full = c.check_line(name.as_bytes());
        assert!(full.is_ok() && full.idna().errors().is_empty(), "{name}");
        assert_eq!(labels.len(), full.labels().len(), "{name}");
        for ((label, analysis, key), (l, r)) in
            labels.iter().zip(full.labels().iter().zip(full.idna().labels()))
        {
            assert_eq!((Some(*label), Some(*label)), (r.ulabel(), r.alabel()), "{name}");
            assert!(r.errors().is_empty() && l.warnings().is_empty(), "{name}");
            assert_eq!(Some(*analysis), l.script(), "{name}");
            assert_eq!(Some(key.as_str()), l.skeleton(), "{name}");
        }
    }

    #[test]
    fn ldh_labels_say_what_the_full_check_says() {
        let c = Checker::new();
        let mut taken = 0;
        for n in [
            "example.com",
            "0-0.kz",
            "123",
            "a",
            "rn.com",
            "l1l1.org",
            "ab--cd.com",
            "a..b",
            "Example.com",
        ] {
            taken += usize::from(c.ldh_labels(n.as_bytes()).is_some());
            same_labels(&c, n);
        }
        assert_eq!(taken, 6);
        assert!(checkers()[1].ldh_labels(b"example.com").is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn ldh_labels_on_ldh_names(name in "[a-z0-9-]{1,12}(\\.[a-z0-9-]{0,8}){0,3}") {
            same_labels(&Checker::new(), &name);
            same_labels(&Checker::new().with_level(Level::Uts39), &name);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn check_row_equals_the_full_check_on_ldh_names(name in "[a-z0-9-]{1,12}(\\.[a-z0-9-]{0,8}){0,3}") {
            let mut row = CheckRow::default();
            for c in checkers() {
                same_row(&c, &name, &mut row);
            }
        }
    }

    #[test]
    fn checker_is_sync_and_send() {
        fn assert_sync<T: Sync + Send>() {}
        assert_sync::<Checker>();
    }

    #[test]
    fn json_shape_has_the_documented_fields() {
        let c = Checker::new();
        let v = serde_json::to_value(c.check_name("a·b.example")).unwrap();
        assert_eq!(v["input"], "a·b.example");
        assert_eq!(v["ok"], false);
        assert!(v["errors"].as_array().unwrap().is_empty());
        let l0 = &v["labels"][0];
        assert_eq!(l0["ok"], false);
        assert_eq!(l0["errors"][0]["code"], "CONTEXTO");
        assert_eq!(l0["errors"][0]["position"], 1);
        assert_eq!(l0["errors"][0]["codepoint"], "U+00B7");
        assert_eq!(v["labels"][1]["alabel"], "example");
        assert_eq!(v["labels"][1]["scripts"], serde_json::json!(["Latn"]));
        assert_eq!(v["labels"][1]["restriction_level"], "ascii-only");
    }

    #[test]
    fn mixed_script_label_gets_a_warning() {
        let c = Checker::new();
        // Latin 'p' 'y' 'p' 'l' with Cyrillic 'а' U+0430.
        let v = serde_json::to_value(c.check_name("pаypal.com")).unwrap();
        let l0 = &v["labels"][0];
        assert_eq!(l0["ok"], true, "valid under IDNA2008");
        assert_eq!(l0["scripts"], serde_json::json!([]));
        assert_eq!(l0["restriction_level"], "minimally-restrictive");
        let codes: Vec<&str> = l0["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"MIXED_SCRIPT"), "{codes:?}");
    }
}

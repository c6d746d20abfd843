//! Names and labels: splitting, A-label/U-label conversion and IDNA2008
//! registration validity (RFC 5891 §4 and §5.4, RFC 5892, RFC 5893).

use std::borrow::Cow;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::GeneralCategory;
use serde::Serialize;

use crate::error::{ErrorCode, Violation, describe};
use crate::{DerivedProperty, bidi, context, derived_property};

/// Longest label in octets, in its A-label (DNS) form (RFC 1035 §2.3.4).
pub const MAX_LABEL_OCTETS: usize = 63;
/// Longest name in octets, in A-label form, without a trailing dot
/// (RFC 1035's 255 octets of wire format less the length octets).
pub const MAX_NAME_OCTETS: usize = 253;
/// Longest input line or name accepted for checking, in bytes. Anything
/// longer cannot be a domain name (even a U-label form of a maximal name is
/// shorter) and is rejected with `LINE_TOO_LONG` without further work.
pub const MAX_INPUT_BYTES: usize = 1024;
/// Longest Punycode string that is decoded. Decoding is quadratic in its
/// input, so longer `xn--` labels are reported, not decoded.
pub const MAX_PUNYCODE_INPUT: usize = 256;
/// The ACE prefix of A-labels (RFC 5890 §2.3.2.5).
pub const ACE_PREFIX: &str = "xn--";

/// Whether `label` starts with the ACE prefix, in any case (the A-label
/// form, valid or not).
pub fn has_ace_prefix(label: &str) -> bool {
    label
        .as_bytes()
        .get(..ACE_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(ACE_PREFIX.as_bytes()))
}

/// What kind of label the input was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelForm {
    /// All ASCII and not `xn--`: a letters-digits-hyphen label.
    Ldh,
    /// An `xn--` label (A-label, or a fake one).
    ALabel,
    /// A label with non-ASCII characters (a U-label, or a putative one).
    ULabel,
}

/// The result of checking one label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelReport {
    input: String,
    form: LabelForm,
    ulabel: Option<String>,
    alabel: Option<String>,
    errors: Vec<Violation>,
}

impl LabelReport {
    /// The label as given.
    pub fn input(&self) -> &str {
        &self.input
    }
    /// What kind of label the input was.
    pub fn form(&self) -> LabelForm {
        self.form
    }
    /// The Unicode form (for LDH labels, the lower-cased label); `None` when
    /// an `xn--` label could not be decoded.
    pub fn ulabel(&self) -> Option<&str> {
        self.ulabel.as_deref()
    }
    /// The ASCII (DNS) form; `None` when a U-label could not be encoded.
    pub fn alabel(&self) -> Option<&str> {
        self.alabel.as_deref()
    }
    /// Every violation found, in order of position.
    pub fn errors(&self) -> &[Violation] {
        &self.errors
    }
    /// True when the label may be registered under IDNA2008.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
    /// True when the label is an IDN (its U-label has a non-ASCII character).
    pub fn is_idn(&self) -> bool {
        self.ulabel.as_deref().is_some_and(|u| !u.is_ascii())
    }
}

/// The result of checking one name (one input line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameReport {
    input: String,
    errors: Vec<Violation>,
    labels: Vec<LabelReport>,
}

impl NameReport {
    /// The name as given (lossily decoded when it was not UTF-8; cut to
    /// [`MAX_INPUT_BYTES`] when the line was too long, which its
    /// `LINE_TOO_LONG` error says).
    pub fn input(&self) -> &str {
        &self.input
    }
    /// Name-level violations: `EMPTY_LABEL`, `NAME_TOO_LONG`, `INVALID_UTF8`, `LINE_TOO_LONG`.
    pub fn errors(&self) -> &[Violation] {
        &self.errors
    }
    /// The non-empty labels, left to right.
    pub fn labels(&self) -> &[LabelReport] {
        &self.labels
    }
    /// True when the name and all its labels may be registered.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && self.labels.iter().all(LabelReport::is_ok)
    }
    /// Every violation, name-level first, then each label's.
    pub fn all_errors(&self) -> impl Iterator<Item = &Violation> {
        self.errors.iter().chain(self.labels.iter().flat_map(|l| l.errors.iter()))
    }
    /// The A-label form of the whole name, when every label has one.
    pub fn to_ascii(&self) -> Option<String> {
        let parts: Option<Vec<&str>> = self.labels.iter().map(|l| l.alabel()).collect();
        parts.map(|p| p.join("."))
    }
    /// The U-label form of the whole name, when every label has one.
    pub fn to_unicode(&self) -> Option<String> {
        let parts: Option<Vec<&str>> = self.labels.iter().map(|l| l.ulabel()).collect();
        parts.map(|p| p.join("."))
    }
}

impl NameReport {
    /// The report for an input line of `total_len` bytes that is over
    /// [`MAX_INPUT_BYTES`], of which a reader kept `prefix` (readers need not
    /// buffer a huge line to report it).
    pub fn line_too_long(prefix: &[u8], total_len: usize) -> NameReport {
        let shown = prefix.get(..MAX_INPUT_BYTES.min(prefix.len())).unwrap_or(&[]);
        NameReport {
            input: String::from_utf8_lossy(shown).into_owned(),
            errors: vec![Violation::new(
                ErrorCode::LineTooLong,
                format!(
                    "The input is {total_len} bytes long; a domain name cannot be longer than \
                     {MAX_INPUT_BYTES} bytes here, so it was not checked (the input shown is cut \
                     to its first {} bytes).",
                    shown.len()
                ),
            )],
            labels: Vec::new(),
        }
    }
}

/// Checks one input line: bytes that should hold one domain name. A
/// trailing `\n` or `\r\n` is removed; nothing else is trimmed.
pub fn check_line(line: &[u8]) -> NameReport {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > MAX_INPUT_BYTES {
        return NameReport::line_too_long(line, line.len());
    }
    match std::str::from_utf8(line) {
        Ok(s) => check_name(s),
        Err(e) => NameReport {
            input: String::from_utf8_lossy(line).into_owned(),
            errors: vec![Violation::new(
                ErrorCode::InvalidUtf8,
                format!(
                    "The input is not valid UTF-8 (first bad byte at offset {}); names must be \
                     sent as UTF-8 text or as A-labels.",
                    e.valid_up_to()
                ),
            )],
            labels: Vec::new(),
        },
    }
}

/// Checks a name for IDNA2008 registration validity: every label, the Bidi
/// rule across labels, and the name's length. Labels are separated by
/// U+002E FULL STOP only (other dots are lookup-side mappings, UTS #46); a
/// single trailing dot (the root) is allowed.
pub fn check_name(name: &str) -> NameReport {
    if name.len() > MAX_INPUT_BYTES {
        return check_line(name.as_bytes());
    }
    let mut errors = Vec::new();
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    if trimmed.is_empty() {
        errors.push(Violation::new(ErrorCode::EmptyLabel, "The name is empty."));
        return NameReport { input: name.to_owned(), errors, labels: Vec::new() };
    }
    let mut labels = Vec::new();
    for (i, part) in trimmed.split('.').enumerate() {
        if part.is_empty() {
            errors.push(Violation::new(
                ErrorCode::EmptyLabel,
                format!(
                    "Label {} of the name is empty (a leading dot or two dots in a row).",
                    i + 1
                ),
            ));
        } else {
            labels.push(check_label(part));
        }
    }
    apply_bidi_rule(&mut labels);
    // RFC 1035 §3.1 / RFC 5891 §4.2.4: the A-label form must fit in 253 octets.
    let octets: usize =
        labels.iter().map(|l| l.alabel.as_deref().map_or(l.input.len(), str::len)).sum::<usize>()
            + trimmed.matches('.').count();
    if octets > MAX_NAME_OCTETS {
        errors.push(Violation::new(
            ErrorCode::NameTooLong,
            format!(
                "The name is {octets} octets long in its DNS (A-label) form; the limit is \
                 {MAX_NAME_OCTETS}."
            ),
        ));
    }
    NameReport { input: name.to_owned(), errors, labels }
}

/// RFC 5893 §2: in a Bidi domain name (one with an RTL label), every label
/// must satisfy the Bidi rule.
fn apply_bidi_rule(labels: &mut [LabelReport]) {
    let decoded: Vec<Option<Vec<char>>> =
        labels.iter().map(|l| l.ulabel.as_deref().map(|u| u.chars().collect())).collect();
    let bidi_name = decoded.iter().flatten().any(|chars| bidi::is_rtl_label(chars));
    if !bidi_name {
        return;
    }
    for (label, chars) in labels.iter_mut().zip(decoded) {
        let Some(chars) = chars else { continue };
        for f in bidi::check_label(&chars) {
            let mut v = Violation::new(
                ErrorCode::BidiRule,
                format!(
                    "This name has right-to-left labels, so each label must follow the Bidi rule \
                     (RFC 5893 §2, condition {}): {}.",
                    f.condition, f.explanation
                ),
            );
            if let Some(p) = f.position
                && let Some(&c) = chars.get(p)
            {
                v = v.at(p, c);
            }
            label.errors.push(v);
        }
    }
}

/// Checks one label on its own (everything but the Bidi rule, which depends
/// on the whole name, and the name length). Accepts LDH labels, A-labels
/// (`xn--`, case-insensitive) and U-labels.
pub fn check_label(label: &str) -> LabelReport {
    if label.is_empty() {
        return LabelReport {
            input: String::new(),
            form: LabelForm::Ldh,
            ulabel: None,
            alabel: None,
            errors: vec![Violation::new(ErrorCode::EmptyLabel, "The label is empty.")],
        };
    }
    if label.is_ascii() {
        // DNS labels are case-insensitive (RFC 4343): compare in lower case.
        let lower: Cow<'_, str> = if label.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(label.to_ascii_lowercase())
        } else {
            Cow::Borrowed(label)
        };
        if has_ace_prefix(label) { check_alabel(label, &lower) } else { check_ldh(label, &lower) }
    } else {
        check_ulabel_input(label)
    }
}

fn length_violation(octets: usize) -> Violation {
    Violation::new(
        ErrorCode::LabelTooLong,
        format!(
            "The label is {octets} octets long in its DNS (A-label) form; the limit is \
             {MAX_LABEL_OCTETS}."
        ),
    )
}

fn check_ldh(input: &str, lower: &str) -> LabelReport {
    let mut errors = Vec::new();
    for (i, c) in lower.chars().enumerate() {
        if !matches!(c, 'a'..='z' | '0'..='9' | '-') {
            errors.push(
                Violation::new(
                    ErrorCode::DisallowedCodepoint,
                    format!(
                        "The character {} is not permitted in domain names; only letters, digits \
                         and hyphens are.",
                        describe(c)
                    ),
                )
                .at(i, c),
            );
        }
    }
    let chars: Vec<char> = lower.chars().collect();
    hyphen_rules(&chars, &mut errors);
    if lower.len() > MAX_LABEL_OCTETS {
        errors.push(length_violation(lower.len()));
    }
    errors.sort_by_key(|v| v.position().unwrap_or(0));
    LabelReport {
        input: input.to_owned(),
        form: LabelForm::Ldh,
        ulabel: Some(lower.to_owned()),
        alabel: Some(lower.to_owned()),
        errors,
    }
}

fn check_alabel(input: &str, lower: &str) -> LabelReport {
    let mut errors = Vec::new();
    if lower.len() > MAX_LABEL_OCTETS {
        errors.push(length_violation(lower.len()));
    }
    let puny = lower.get(ACE_PREFIX.len()..).unwrap_or("");
    let mut report = LabelReport {
        input: input.to_owned(),
        form: LabelForm::ALabel,
        ulabel: None,
        alabel: Some(lower.to_owned()),
        errors: Vec::new(),
    };
    let decoded = if puny.is_empty() {
        errors.push(Violation::new(
            ErrorCode::PunycodeInvalid,
            "The label is only the prefix 'xn--' with nothing after it, so it is not an A-label.",
        ));
        None
    } else if puny.len() > MAX_PUNYCODE_INPUT {
        errors.push(Violation::new(
            ErrorCode::PunycodeInvalid,
            format!(
                "The Punycode part of this 'xn--' label is {} octets long; it was not decoded \
                 (limit {MAX_PUNYCODE_INPUT}).",
                puny.len()
            ),
        ));
        None
    } else {
        let d = idna::punycode::decode_to_string(puny);
        if d.is_none() {
            errors.push(Violation::new(
                ErrorCode::PunycodeInvalid,
                "The label starts with 'xn--' but what follows is not valid Punycode (RFC 3492), \
                 so it is not an A-label.",
            ));
        }
        d
    };
    let Some(ulabel) = decoded else {
        report.errors = errors;
        return report;
    };
    if ulabel.is_ascii() {
        errors.push(Violation::new(
            ErrorCode::AlabelNotRoundtrip,
            format!(
                "This 'xn--' label decodes to the plain ASCII label '{ulabel}', so it is not a \
                 valid A-label (RFC 5890 §2.3.2.1)."
            ),
        ));
    } else {
        match encode_alabel(&ulabel) {
            Some(re) if re == lower => {}
            _ => errors.push(Violation::new(
                ErrorCode::AlabelNotRoundtrip,
                format!(
                    "This 'xn--' label decodes to '{ulabel}', which does not encode back to the \
                     same A-label (RFC 5891 §5.4), so it is not a valid A-label."
                ),
            )),
        }
    }
    let chars: Vec<char> = ulabel.chars().collect();
    check_ulabel_chars(&ulabel, &chars, &mut errors);
    report.ulabel = Some(ulabel);
    report.errors = errors;
    report
}

fn check_ulabel_input(input: &str) -> LabelReport {
    let mut errors = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    check_ulabel_chars(input, &chars, &mut errors);
    // A U-label's A-label holds at least one octet per character plus the
    // prefix; a label that long cannot fit, so do not encode it.
    let alabel = if chars.len() + ACE_PREFIX.len() > MAX_PUNYCODE_INPUT {
        errors.push(Violation::new(
            ErrorCode::LabelTooLong,
            format!(
                "The label has {} characters; its DNS (A-label) form would be longer than \
                 {MAX_LABEL_OCTETS} octets.",
                chars.len()
            ),
        ));
        None
    } else {
        let a = encode_alabel(input);
        match &a {
            Some(a) if a.len() > MAX_LABEL_OCTETS => errors.push(length_violation(a.len())),
            Some(_) => {}
            None => errors.push(length_violation(usize::MAX)),
        }
        a
    };
    LabelReport {
        input: input.to_owned(),
        form: LabelForm::ULabel,
        ulabel: Some(input.to_owned()),
        alabel,
        errors,
    }
}

/// `xn--` + Punycode of a non-ASCII label; `None` on Punycode overflow.
pub fn encode_alabel(ulabel: &str) -> Option<String> {
    let p = idna::punycode::encode_str(ulabel)?;
    let mut s = String::with_capacity(ACE_PREFIX.len() + p.len());
    s.push_str(ACE_PREFIX);
    s.push_str(&p);
    Some(s)
}

/// The checks on the characters of a (putative) U-label: NFC, derived
/// property, contextual rules, leading combining mark, hyphens.
fn check_ulabel_chars(ulabel: &str, chars: &[char], errors: &mut Vec<Violation>) {
    // RFC 5891 §5.4 / §4.2.2: a U-label is in NFC.
    let nfc = ComposingNormalizerBorrowed::new_nfc();
    if !nfc.is_normalized(ulabel) {
        errors.push(Violation::new(
            ErrorCode::NotNfc,
            format!(
                "The label is not in Unicode Normalization Form C; its normalized form is '{}'.",
                nfc.normalize(ulabel)
            ),
        ));
    }
    // RFC 5891 §4.2.2 and §4.2.3.3: every code point PVALID, or contextual with its rule met.
    for (i, &c) in chars.iter().enumerate() {
        match derived_property(c) {
            DerivedProperty::Pvalid => {}
            DerivedProperty::Disallowed => {
                let gc = CodePointMapData::<GeneralCategory>::new().get(c);
                let hint = if gc == GeneralCategory::UppercaseLetter
                    || gc == GeneralCategory::TitlecaseLetter
                {
                    " Upper-case letters are not permitted in an internationalized label; use lower case."
                } else {
                    ""
                };
                errors.push(
                    Violation::new(
                        ErrorCode::DisallowedCodepoint,
                        format!(
                            "The character {} is not permitted in internationalized domain names \
                             (IDNA2008, RFC 5892: DISALLOWED).{hint}",
                            describe(c)
                        ),
                    )
                    .at(i, c),
                );
            }
            DerivedProperty::Unassigned => errors.push(
                Violation::new(
                    ErrorCode::UnassignedCodepoint,
                    format!(
                        "The code point {} is not assigned in Unicode {}, so it cannot be used.",
                        describe(c),
                        crate::UNICODE_VERSION
                    ),
                )
                .at(i, c),
            ),
            p @ (DerivedProperty::ContextJ | DerivedProperty::ContextO) => {
                if let Err(f) = context::check(chars, i) {
                    let code = if p == DerivedProperty::ContextJ {
                        ErrorCode::Contextj
                    } else {
                        ErrorCode::Contexto
                    };
                    errors.push(
                        Violation::new(
                            code,
                            format!(
                                "The character {} is used where it is not allowed ({}): {}.",
                                describe(c),
                                f.rule,
                                f.explanation
                            ),
                        )
                        .at(i, c),
                    );
                }
            }
        }
    }
    // RFC 5891 §4.2.3.2: no leading combining mark.
    if let Some(&first) = chars.first()
        && is_combining_mark(first)
    {
        errors.push(
            Violation::new(
                ErrorCode::LeadingCombiningMark,
                format!(
                    "The label begins with the combining mark {}; a label cannot start with \
                     a combining mark.",
                    describe(first)
                ),
            )
            .at(0, first),
        );
    }
    hyphen_rules(chars, errors);
    errors.sort_by_key(|v| v.position().unwrap_or(0));
}

/// General_Category M (Mn, Mc, Me): a label cannot begin with one
/// (RFC 5891 §4.2.3.2).
pub(crate) fn is_combining_mark(c: char) -> bool {
    matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
    )
}

/// RFC 5891 §4.2.3.1: no hyphen at the start or end; not `??--` (reserved
/// for tagged labels such as `xn--`).
fn hyphen_rules(chars: &[char], errors: &mut Vec<Violation>) {
    if chars.first() == Some(&'-') {
        errors.push(
            Violation::new(ErrorCode::HyphenStartEnd, "The label cannot start with a hyphen.")
                .at(0, '-'),
        );
    }
    if chars.len() > 1 && chars.last() == Some(&'-') {
        errors.push(
            Violation::new(ErrorCode::HyphenStartEnd, "The label cannot end with a hyphen.")
                .at(chars.len() - 1, '-'),
        );
    }
    if chars.get(2) == Some(&'-') && chars.get(3) == Some(&'-') {
        errors.push(
            Violation::new(
                ErrorCode::Hyphen34,
                "The label has hyphens in both the third and fourth positions; that form is \
                 reserved (as in 'xn--') and cannot be registered.",
            )
            .at(2, '-'),
        );
    }
}

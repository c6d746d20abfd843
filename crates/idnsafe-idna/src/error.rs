//! Violations of IDNA2008 registration rules, each with a stable code.

use std::fmt;

use serde::Serialize;

/// The stable machine code of a violation. The string form
/// ([`ErrorCode::as_str`]) never changes once released.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// A label is empty (leading dot, two dots in a row, or an empty name).
    EmptyLabel,
    /// A label is longer than 63 octets in its A-label (DNS) form.
    LabelTooLong,
    /// The name is longer than 253 octets in its A-label form.
    NameTooLong,
    /// An `xn--` label does not hold valid Punycode (RFC 3492).
    PunycodeInvalid,
    /// Decoding and re-encoding an A-label does not give it back.
    AlabelNotRoundtrip,
    /// The U-label is not in Unicode Normalization Form C.
    NotNfc,
    /// A code point is DISALLOWED under RFC 5892.
    DisallowedCodepoint,
    /// A code point is UNASSIGNED in the Unicode version in use.
    UnassignedCodepoint,
    /// A CONTEXTJ code point (ZWNJ, ZWJ) without the context RFC 5892 A.1/A.2 require.
    Contextj,
    /// A CONTEXTO code point without the context RFC 5892 A.3-A.9 require.
    Contexto,
    /// The label starts or ends with a hyphen (RFC 5891 §4.2.3.1).
    HyphenStartEnd,
    /// The label has hyphens in both the third and fourth positions (RFC 5891 §4.2.3.1).
    Hyphen34,
    /// The label begins with a combining mark (RFC 5891 §4.2.3.2).
    LeadingCombiningMark,
    /// The label breaks the Bidi rule of RFC 5893 in a name with right-to-left labels.
    BidiRule,
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// The input line is longer than the limit.
    LineTooLong,
}

impl ErrorCode {
    /// Every code, in documentation order.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::EmptyLabel,
        ErrorCode::LabelTooLong,
        ErrorCode::NameTooLong,
        ErrorCode::PunycodeInvalid,
        ErrorCode::AlabelNotRoundtrip,
        ErrorCode::NotNfc,
        ErrorCode::DisallowedCodepoint,
        ErrorCode::UnassignedCodepoint,
        ErrorCode::Contextj,
        ErrorCode::Contexto,
        ErrorCode::HyphenStartEnd,
        ErrorCode::Hyphen34,
        ErrorCode::LeadingCombiningMark,
        ErrorCode::BidiRule,
        ErrorCode::InvalidUtf8,
        ErrorCode::LineTooLong,
    ];

    /// The stable string form, e.g. `"CONTEXTO"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::EmptyLabel => "EMPTY_LABEL",
            ErrorCode::LabelTooLong => "LABEL_TOO_LONG",
            ErrorCode::NameTooLong => "NAME_TOO_LONG",
            ErrorCode::PunycodeInvalid => "PUNYCODE_INVALID",
            ErrorCode::AlabelNotRoundtrip => "ALABEL_NOT_ROUNDTRIP",
            ErrorCode::NotNfc => "NOT_NFC",
            ErrorCode::DisallowedCodepoint => "DISALLOWED_CODEPOINT",
            ErrorCode::UnassignedCodepoint => "UNASSIGNED_CODEPOINT",
            ErrorCode::Contextj => "CONTEXTJ",
            ErrorCode::Contexto => "CONTEXTO",
            ErrorCode::HyphenStartEnd => "HYPHEN_START_END",
            ErrorCode::Hyphen34 => "HYPHEN_3_4",
            ErrorCode::LeadingCombiningMark => "LEADING_COMBINING_MARK",
            ErrorCode::BidiRule => "BIDI_RULE",
            ErrorCode::InvalidUtf8 => "INVALID_UTF8",
            ErrorCode::LineTooLong => "LINE_TOO_LONG",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One violation: a stable code, a message for people, and where it applies
/// the position (0-based code point index in the U-label) and the code point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    code: ErrorCode,
    message: String,
    position: Option<usize>,
    codepoint: Option<char>,
}

impl Violation {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Violation { code, message: message.into(), position: None, codepoint: None }
    }

    pub(crate) fn at(mut self, position: usize, codepoint: char) -> Self {
        self.position = Some(position);
        self.codepoint = Some(codepoint);
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// A message a registrar's support desk can paste to a customer.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// 0-based code point index in the U-label, where one applies.
    pub fn position(&self) -> Option<usize> {
        self.position
    }
    /// The offending code point, where one applies.
    pub fn codepoint(&self) -> Option<char> {
        self.codepoint
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl Serialize for Violation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let n = 2 + usize::from(self.position.is_some()) + usize::from(self.codepoint.is_some());
        let mut m = s.serialize_map(Some(n))?;
        m.serialize_entry("code", self.code.as_str())?;
        m.serialize_entry("message", &self.message)?;
        if let Some(p) = self.position {
            m.serialize_entry("position", &p)?;
        }
        if let Some(c) = self.codepoint {
            m.serialize_entry("codepoint", &u_plus(c))?;
        }
        m.end()
    }
}

/// `U+XXXX` notation (at least four hex digits).
pub fn u_plus(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// `U+XXXX (c)` for messages, showing the character itself only when it is
/// visible (not a control, format or combining character).
pub(crate) fn describe(c: char) -> String {
    use icu_properties::CodePointMapData;
    use icu_properties::props::GeneralCategory as Gc;
    let gc = CodePointMapData::<Gc>::new().get(c);
    let invisible = matches!(
        gc,
        Gc::Control
            | Gc::Format
            | Gc::Unassigned
            | Gc::PrivateUse
            | Gc::Surrogate
            | Gc::SpaceSeparator
            | Gc::LineSeparator
            | Gc::ParagraphSeparator
            | Gc::NonspacingMark
            | Gc::EnclosingMark
            | Gc::SpacingMark
    );
    if invisible { u_plus(c) } else { format!("{} '{}'", u_plus(c), c) }
}

//! The crate's error type.

use std::fmt;

/// What went wrong; see [`ConfusablesError::code`] for the stable codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An index file was made by another format, Unicode, confusables or
    /// homoglyph-table version, or at another level than required.
    IndexVersionMismatch,
    /// An index file's checksum does not match its contents.
    IndexChecksumMismatch,
    /// An index file is truncated or malformed, or is not an index file.
    IndexCorrupt,
    /// A line of a protected-name list is not a usable domain name.
    ProtectedNameInvalid,
    /// A protected-name list exceeds the builder's limits.
    ProtectedListTooLarge,
    /// A confusable level name is not one of `uts39`, `domain`, `loose`.
    LevelUnknown,
    /// A label is longer than a DNS label may be, or an A-label does not decode.
    LabelInvalid,
}

/// An error of this crate: a stable code and a message a registrar's support
/// desk can pass on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusablesError {
    kind: ErrorKind,
    message: String,
}

impl ConfusablesError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ConfusablesError { kind, message: message.into() }
    }

    pub(crate) fn level_unknown(s: &str) -> Self {
        let shown: String = s.chars().take(40).collect();
        Self::new(
            ErrorKind::LevelUnknown,
            format!(
                "unknown confusable tier or level {shown:?}: use identical, lookalike or near (levels uts39, domain and loose are accepted as aliases)"
            ),
        )
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable machine code, e.g. `INDEX_CHECKSUM_MISMATCH`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::IndexVersionMismatch => "INDEX_VERSION_MISMATCH",
            ErrorKind::IndexChecksumMismatch => "INDEX_CHECKSUM_MISMATCH",
            ErrorKind::IndexCorrupt => "INDEX_CORRUPT",
            ErrorKind::ProtectedNameInvalid => "PROTECTED_NAME_INVALID",
            ErrorKind::ProtectedListTooLarge => "PROTECTED_LIST_TOO_LARGE",
            ErrorKind::LevelUnknown => "CONFUSABLE_LEVEL_UNKNOWN",
            ErrorKind::LabelInvalid => "LABEL_INVALID",
        }
    }

    /// A human-readable explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfusablesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message)
    }
}

impl std::error::Error for ConfusablesError {}

impl serde::Serialize for ConfusablesError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ConfusablesError", 2)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

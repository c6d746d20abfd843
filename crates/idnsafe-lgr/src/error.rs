//! Errors, diagnostics and reasons, each with a stable SCREAMING_SNAKE code.

use serde::Serialize;
use std::fmt;

/// Why an LGR could not be loaded. Carries the line and column (1-based) of
/// the offending XML element when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoadError {
    code: &'static str,
    message: String,
    line: u32,
    column: u32,
}

impl LoadError {
    pub(crate) fn new(
        code: &'static str,
        message: impl Into<String>,
        line: u32,
        column: u32,
    ) -> Self {
        LoadError { code, message: message.into(), line, column }
    }
    /// Stable machine code, e.g. `LGR_XML_SYNTAX`, `LGR_UNDEFINED_RULE`.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// Human-readable explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// 1-based line of the problem (0 when not tied to a position).
    pub fn line(&self) -> u32 {
        self.line
    }
    /// 1-based column of the problem (0 when not tied to a position).
    pub fn column(&self) -> u32 {
        self.column
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{} at line {}, column {}: {}",
                self.code, self.line, self.column, self.message
            )
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// The LGR is still usable; the finding deserves a look.
    Warning,
    /// The LGR is unusable as written (a load fails on the first of these).
    Error,
}

/// One finding of the LGR checks (like ICANN's lgr-core `validate`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `LGR_VARIANT_NOT_SYMMETRIC`.
    pub code: &'static str,
    /// Explanation.
    pub message: String,
    /// 1-based line (0 when not tied to an element).
    pub line: u32,
    /// 1-based column (0 when not tied to an element).
    pub column: u32,
}

impl Diagnostic {
    pub(crate) fn to_load_error(&self) -> LoadError {
        LoadError::new(self.code, self.message.clone(), self.line, self.column)
    }
}

/// Why a label got its disposition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    code: &'static str,
    message: String,
}

impl Reason {
    pub(crate) fn new(code: &'static str, message: String) -> Self {
        Reason { code, message }
    }
    /// Stable code: `LGR_NOT_IN_REPERTOIRE`, `LGR_CONTEXT_WHEN`,
    /// `LGR_CONTEXT_NOT_WHEN`, `LGR_RULE`, `LGR_NOT_RULE`, `LGR_VARIANT_TYPE`,
    /// `LGR_LABEL_EMPTY`, `LGR_LABEL_TOO_LONG`, `LGR_RULE_STEP_LIMIT`.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// A message a registrar's support desk can paste to a customer.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A label that cannot be processed at all (variant generation, index keys).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelError {
    code: &'static str,
    message: String,
}

impl LabelError {
    pub(crate) fn new(code: &'static str, message: String) -> Self {
        LabelError { code, message }
    }
    /// Stable code, e.g. `LGR_NOT_IN_REPERTOIRE`, `LGR_LABEL_TOO_LONG`.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// Explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for LabelError {}

/// `0061` or `0061 0062`: code points as RFC 7940 writes them (`cp=`).
pub(crate) fn hex_cps(cps: &[u32]) -> String {
    let mut s = String::new();
    for (i, c) in cps.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{c:04X}"));
    }
    s
}

/// `U+0061` or `U+0061 U+0062` for messages.
pub(crate) fn fmt_cps(cps: &[u32]) -> String {
    let mut s = String::new();
    for (i, c) in cps.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("U+{c:04X}"));
    }
    s
}

//! Error records: a stable machine code, a message a registrar's support desk
//! can paste to a customer, and where in the input the problem was.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// What went wrong. The string form ([`ErrorCode::code`]) is stable.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A master-file line could not be parsed (RFC 1035 §5.1).
    ZoneSyntax,
    /// A record names a type that is neither a known mnemonic nor `TYPEnnn`
    /// (RFC 3597 §5).
    ZoneUnknownType,
    /// A relative name or `@` appeared before any `$ORIGIN` or SOA was known.
    ZoneNoOrigin,
    /// A directive this reader does not implement (`$GENERATE`, ...).
    ZoneUnsupportedDirective,
    /// A record spread over lines with parentheses grew past the line cap.
    RecordTooLong,
    /// A line longer than the configured cap; it was skipped, not buffered.
    LineTooLong,
    /// A name that is not valid UTF-8 (after `\DDD` escapes were resolved).
    InvalidUtf8,
    /// A name-list line that is not a single name.
    NameSyntax,
    /// A CSV row that could not be parsed, or lacks the `name` field.
    CsvSyntax,
    /// A CSV header that cannot be parsed or has no `name` column; the file
    /// is not read further.
    CsvNoNameColumn,
    /// `$INCLUDE` nested deeper than the configured limit.
    IncludeDepth,
    /// More `$INCLUDE`s in one run than the configured limit.
    IncludeLimit,
    /// The file named by `$INCLUDE` does not exist or cannot be opened.
    IncludeNotFound,
    /// `$INCLUDE` names a file outside the permitted directory, or includes
    /// are disabled.
    IncludeForbidden,
    /// A gzip stream ended before its end marker; the file was read up to there.
    GzipTruncated,
    /// A gzip stream with corrupt data; the file was read up to there.
    GzipCorrupt,
    /// Any other input/output error; the file was read up to there.
    Io,
    /// [`crate::distinct_registered`]: no `origin` was given and no SOA record
    /// was seen.
    NoOrigin,
}

impl ErrorCode {
    /// The stable SCREAMING_SNAKE code.
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::ZoneSyntax => "ZONE_SYNTAX",
            ErrorCode::ZoneUnknownType => "ZONE_UNKNOWN_TYPE",
            ErrorCode::ZoneNoOrigin => "ZONE_NO_ORIGIN",
            ErrorCode::ZoneUnsupportedDirective => "ZONE_UNSUPPORTED_DIRECTIVE",
            ErrorCode::RecordTooLong => "RECORD_TOO_LONG",
            ErrorCode::LineTooLong => "LINE_TOO_LONG",
            ErrorCode::InvalidUtf8 => "INVALID_UTF8",
            ErrorCode::NameSyntax => "NAME_SYNTAX",
            ErrorCode::CsvSyntax => "CSV_SYNTAX",
            ErrorCode::CsvNoNameColumn => "CSV_NO_NAME_COLUMN",
            ErrorCode::IncludeDepth => "INCLUDE_DEPTH",
            ErrorCode::IncludeLimit => "INCLUDE_LIMIT",
            ErrorCode::IncludeNotFound => "INCLUDE_NOT_FOUND",
            ErrorCode::IncludeForbidden => "INCLUDE_FORBIDDEN",
            ErrorCode::GzipTruncated => "GZIP_TRUNCATED",
            ErrorCode::GzipCorrupt => "GZIP_CORRUPT",
            ErrorCode::Io => "IO_ERROR",
            ErrorCode::NoOrigin => "NO_ORIGIN",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One error record. Reading goes on after it unless the message says the
/// file was read "up to there" (gzip and I/O errors stop that file only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    pub(crate) line: u64,
    pub(crate) file: Option<Arc<str>>,
}

impl ReadError {
    pub(crate) fn new(
        code: ErrorCode,
        message: impl Into<String>,
        line: u64,
        file: Option<Arc<str>>,
    ) -> Self {
        ReadError { code, message: message.into(), line, file }
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorCode {
        self.code
    }

    /// The stable machine code, e.g. `"ZONE_SYNTAX"`.
    pub fn code(&self) -> &'static str {
        self.code.code()
    }

    /// A human-readable explanation.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line number in [`ReadError::file`]; 0 when the error is
    /// about the file as a whole (e.g. it cannot be opened).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The file the line belongs to (the top-level input or an `$INCLUDE`d
    /// file), when the input came from a path.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file}:{}: ", self.line)?,
            None => write!(f, "line {}: ", self.line)?,
        }
        write!(f, "{}: {}", self.code(), self.message)
    }
}

impl std::error::Error for ReadError {}

impl Serialize for ReadError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ReadError", 4)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("file", &self.file.as_deref())?;
        st.end()
    }
}

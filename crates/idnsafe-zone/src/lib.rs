//! Streaming readers for the inputs idnsafe checks: name lists, CSV files,
//! RFC 1035 master files (including `dig axfr` output and ICANN CZDS zone
//! files) and all of them gzip-compressed, with the format detected from the
//! first few KB.
//!
//! ```
//! use idnsafe_zone::{ItemRef, ReaderOptions, Format};
//!
//! let zone = "$ORIGIN example.\n\
//!             @     3600 IN SOA ns1 hostmaster 1 7200 900 1209600 300\n\
//!             @          IN NS  ns1\n\
//!             shop       IN NS  ns1.shop\n\
//!             caf\\195\\169 IN NS ns.other.net.\n";
//! let mut reader = ReaderOptions::new().from_read(std::io::Cursor::new(zone), None);
//! assert_eq!(reader.format(), Format::Zone);
//! let mut owners = Vec::new();
//! while let Some(item) = reader.next_item() {
//!     match item {
//!         ItemRef::Record(r) => owners.push(format!("{} {}", r.name, r.rtype.unwrap())),
//!         ItemRef::Error(e) => panic!("{e}"),
//!     }
//! }
//! assert_eq!(owners, ["example SOA", "example NS", "shop.example NS", "café.example NS"]);
//! assert_eq!(reader.stats().lines, 5);
//! ```
//!
//! Every line is accounted for: it yields a record, an error record (with a
//! stable code such as `ZONE_SYNTAX` or `LINE_TOO_LONG`, its line number and
//! file), or is skipped (blank, comment, directive, continuation), and
//! [`Stats`] counts each. Bad input never stops the run; only gzip and I/O
//! failures stop the file they occur in.
//!
//! For a zone, [`distinct_registered`] returns the distinct names delegated
//! directly under the origin (the names a registry has registered).
//!
//! The hot path, one record per line with plain tokens and an absolute owner
//! (every CZDS line, nearly every `dig axfr` line), is split with `memchr`
//! and tokenized in one pass without allocating; everything else goes
//! through the general RFC 1035 tokenizer. For large `.gz` inputs,
//! [`ReaderOptions::decompress_in_background`] overlaps inflating with
//! parsing. `benches/zone.rs` measures both.
//!
//! Names are handed out as text: `\DDD` and `\X` escapes resolved (except
//! `\.` and `\\`, kept so labels stay separable), ASCII lower-cased, without
//! the trailing dot. IDNA processing is the caller's job.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod czds;
mod detect;
mod error;
mod lines;
mod master;
mod name;
mod names;
mod plain;
mod progress;
mod reader;
mod registered;
mod rtype;

use serde::Serialize;

pub use error::{ErrorCode, ReadError};
pub use names::{FileNames, NameSink, NamesOptions, read_names};
pub use plain::{MAX_LIST_ENTRY, list_entry, list_entry_into};
pub use progress::ByteCounter;
pub use reader::{Format, IncludePolicy, Item, ItemRef, Reader, ReaderOptions, Record, RecordRef};
pub use registered::{RegisteredCollector, RegisteredNames, ZoneAccount, distinct_registered};
pub use rtype::RecordType;

/// Counters of a run. Once the reader is exhausted,
/// `lines == records + errors + skipped`: each line is exactly one of them
/// (a record in parentheses counts as a record on its first line and its
/// other lines as skipped).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Lines read, over all files (includes too).
    pub lines: u64,
    /// Records handed out.
    pub records: u64,
    /// Error records about a line.
    pub errors: u64,
    /// Lines that carry no record: blank, comment, directive, CSV header,
    /// continuation of a record in parentheses.
    pub skipped: u64,
    /// Error records about a file as a whole (cannot be opened, gzip or I/O
    /// failure between lines); not counted in `errors`.
    pub file_errors: u64,
    /// Files opened (the input and each `$INCLUDE`).
    pub files: u64,
}

/// The reader's output slots, reused for every record (no allocation per
/// record on the hot path).
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub(crate) name: String,
    pub(crate) rdata: String,
    pub(crate) rtype: Option<RecordType>,
    pub(crate) registrant: String,
    pub(crate) has_registrant: bool,
    pub(crate) scratch: Vec<u8>,
    pub(crate) line: u64,
}

//! The label layer of idnsafe: names and labels, A-label/U-label
//! conversion, and **IDNA2008 registration validity** (RFC 5891 §4 and §5.4,
//! RFC 5892, RFC 5893), with UTS #46 lookup processing kept apart in
//! [`uts46`].
//!
//! ```
//! use idnsafe_idna::{check_name, ErrorCode};
//!
//! let r = check_name("bücher.example");
//! assert!(r.is_ok());
//! assert_eq!(r.to_ascii().as_deref(), Some("xn--bcher-kva.example"));
//!
//! // UTS #46 would map and accept these; IDNA2008 registration does not.
//! let snowman = check_name("☃.example");
//! assert_eq!(snowman.labels()[0].errors()[0].code(), ErrorCode::DisallowedCodepoint);
//! let middle_dot = check_name("a·b.example");
//! assert_eq!(middle_dot.labels()[0].errors()[0].code(), ErrorCode::Contexto);
//! assert!(check_name("l·l.example").is_ok()); // Catalan ela geminada
//! ```
//!
//! Every check reports every violation it finds, each with a stable
//! [`ErrorCode`], a message for people, and where it applies the position
//! and code point. Nothing here panics on input; input is bounded by
//! [`MAX_INPUT_BYTES`] and [`MAX_PUNYCODE_INPUT`].
//!
//! The derived property of each code point ([`derive`]) is computed by the
//! algorithm of RFC 5892 §3 from the Unicode properties of ICU4X, then kept
//! in a small table ([`derived_property`]).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]

pub mod bidi;
mod context;
mod derived;
mod error;
mod fast;
mod label;
pub mod uts46;

pub use derived::{
    DerivedProperty, derive, derived_property, derived_property_u32, derived_ranges, warm_up,
};
pub use error::{ErrorCode, Violation, u_plus};
pub use fast::{is_valid_label, ldh_shape_ok, to_ulabel};
pub use label::{
    ACE_PREFIX, LabelForm, LabelReport, MAX_INPUT_BYTES, MAX_LABEL_OCTETS, MAX_NAME_OCTETS,
    MAX_PUNYCODE_INPUT, NameReport, check_label, check_line, check_name, encode_alabel,
    has_ace_prefix,
};

/// The Unicode version of the character properties behind IDNA2008 validity
/// (ICU4X 2.4 data, via `icu_properties` and `icu_normalizer`). The
/// conformance tests check every code point against Unicode's
/// `Idna2008.txt` of this version.
pub const UNICODE_VERSION: &str = "18.0.0";

/// The Unicode version of the UTS #46 mapping data inside the `idna` crate
/// (1.1, through `idna_adapter` on ICU4X 2.4); checked against
/// `IdnaTestV2.txt` of this version.
pub const UTS46_UNICODE_VERSION: &str = "18.0.0";

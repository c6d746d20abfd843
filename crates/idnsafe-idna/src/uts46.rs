//! UTS #46 processing for the **lookup** side: what a user typed (upper
//! case, full-width forms, ideographic full stops ...) mapped to the name to
//! look up. This is the `idna` crate's implementation, kept apart from
//! registration validity on purpose: UTS #46 accepts names IDNA2008 does not
//! register (`☃`, `i♥ny`, `a·b`), so never use it to decide a registration.

pub use idna::uts46::{AsciiDenyList, DnsLength, Hyphens};

/// The UTS #46 processing options, named after the spec's flags.
#[derive(Clone, Copy)]
pub struct LookupOptions {
    /// _UseSTD3ASCIIRules_ (`STD3`), the WHATWG URL list (`URL`) or none (`EMPTY`).
    pub ascii_deny_list: AsciiDenyList,
    /// _CheckHyphens_.
    pub hyphens: Hyphens,
    /// _VerifyDNSLength_ (ToASCII only).
    pub dns_length: DnsLength,
}

impl Default for LookupOptions {
    /// What a resolver of host names needs: STD3 rules, hyphens at the
    /// start and end refused, DNS lengths verified with a root dot allowed.
    fn default() -> Self {
        LookupOptions {
            ascii_deny_list: AsciiDenyList::STD3,
            hyphens: Hyphens::CheckFirstLast,
            dns_length: DnsLength::VerifyAllowRootDot,
        }
    }
}

/// A UTS #46 processing failure. The `idna` crate reports that processing
/// failed, not which UTS #46 step; so this error has one code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LookupError;

impl LookupError {
    /// The stable code.
    pub const fn code(&self) -> &'static str {
        "UTS46_INVALID"
    }
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UTS46_INVALID: the name cannot be mapped for lookup under UTS #46")
    }
}

impl std::error::Error for LookupError {}

/// UTS #46 ToASCII (nontransitional; transitional processing was removed
/// from UTS #46 in Unicode 15.1).
pub fn to_ascii(input: &str, opts: LookupOptions) -> Result<String, LookupError> {
    idna::uts46::Uts46::new()
        .to_ascii(input.as_bytes(), opts.ascii_deny_list, opts.hyphens, opts.dns_length)
        .map(|c| c.into_owned())
        .map_err(|_| LookupError)
}

/// UTS #46 ToUnicode: the mapped Unicode form, and whether errors were found
/// (the form is returned either way, with U+FFFD where a label failed).
pub fn to_unicode(input: &str, opts: LookupOptions) -> (String, Result<(), LookupError>) {
    let (s, r) =
        idna::uts46::Uts46::new().to_unicode(input.as_bytes(), opts.ascii_deny_list, opts.hyphens);
    (s.into_owned(), r.map_err(|_| LookupError))
}

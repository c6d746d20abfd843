//! DNS record types: IANA mnemonics and RFC 3597 `TYPEnnn`.

use std::fmt;

use serde::{Serialize, Serializer};

/// A DNS RR type by number. Displays as its IANA mnemonic, or as `TYPEnnn`
/// (RFC 3597 §5) when it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordType(pub u16);

impl RecordType {
    pub const A: RecordType = RecordType(1);
    pub const NS: RecordType = RecordType(2);
    pub const CNAME: RecordType = RecordType(5);
    pub const SOA: RecordType = RecordType(6);
    pub const PTR: RecordType = RecordType(12);
    pub const MX: RecordType = RecordType(15);
    pub const TXT: RecordType = RecordType(16);
    pub const AAAA: RecordType = RecordType(28);
    pub const DS: RecordType = RecordType(43);
    pub const RRSIG: RecordType = RecordType(46);
    pub const NSEC: RecordType = RecordType(47);
    pub const DNSKEY: RecordType = RecordType(48);

    /// The mnemonic, or `None` for a type without one.
    pub fn mnemonic(self) -> Option<&'static str> {
        TYPES.iter().find(|(_, n)| *n == self.0).map(|(name, _)| *name)
    }

    /// Parses a mnemonic (any case) or `TYPEnnn`.
    pub fn parse(token: &[u8]) -> Option<RecordType> {
        if token.len() > 10 || token.first().is_none_or(u8::is_ascii_digit) {
            return None;
        }
        // The commonest types in a TLD zone first.
        for (m, t) in [
            (&b"NS"[..], RecordType::NS),
            (b"DS", RecordType::DS),
            (b"RRSIG", RecordType::RRSIG),
            (b"A", RecordType::A),
            (b"AAAA", RecordType::AAAA),
        ] {
            if m.eq_ignore_ascii_case(token) {
                return Some(t);
            }
        }
        if let Some(rest) = strip_prefix_ci(token, b"TYPE") {
            return parse_u16(rest).map(RecordType);
        }
        TYPES
            .iter()
            .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(token))
            .map(|&(_, n)| RecordType(n))
    }
}

pub(crate) fn strip_prefix_ci<'a>(token: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = token.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) { token.get(prefix.len()..) } else { None }
}

pub(crate) fn parse_u16(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    let mut v: u32 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    u16::try_from(v).ok()
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "TYPE{}", self.0),
        }
    }
}

impl Serialize for RecordType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// IANA "Resource Record (RR) TYPEs" registry, data types and the meta types
/// that appear in `dig` output.
const TYPES: &[(&str, u16)] = &[
    ("A", 1),
    ("NS", 2),
    ("MD", 3),
    ("MF", 4),
    ("CNAME", 5),
    ("SOA", 6),
    ("MB", 7),
    ("MG", 8),
    ("MR", 9),
    ("NULL", 10),
    ("WKS", 11),
    ("PTR", 12),
    ("HINFO", 13),
    ("MINFO", 14),
    ("MX", 15),
    ("TXT", 16),
    ("RP", 17),
    ("AFSDB", 18),
    ("X25", 19),
    ("ISDN", 20),
    ("RT", 21),
    ("NSAP", 22),
    ("NSAP-PTR", 23),
    ("SIG", 24),
    ("KEY", 25),
    ("PX", 26),
    ("GPOS", 27),
    ("AAAA", 28),
    ("LOC", 29),
    ("NXT", 30),
    ("EID", 31),
    ("NIMLOC", 32),
    ("SRV", 33),
    ("ATMA", 34),
    ("NAPTR", 35),
    ("KX", 36),
    ("CERT", 37),
    ("A6", 38),
    ("DNAME", 39),
    ("SINK", 40),
    ("OPT", 41),
    ("APL", 42),
    ("DS", 43),
    ("SSHFP", 44),
    ("IPSECKEY", 45),
    ("RRSIG", 46),
    ("NSEC", 47),
    ("DNSKEY", 48),
    ("DHCID", 49),
    ("NSEC3", 50),
    ("NSEC3PARAM", 51),
    ("TLSA", 52),
    ("SMIMEA", 53),
    ("HIP", 55),
    ("NINFO", 56),
    ("RKEY", 57),
    ("TALINK", 58),
    ("CDS", 59),
    ("CDNSKEY", 60),
    ("OPENPGPKEY", 61),
    ("CSYNC", 62),
    ("ZONEMD", 63),
    ("SVCB", 64),
    ("HTTPS", 65),
    ("DSYNC", 66),
    ("SPF", 99),
    ("UINFO", 100),
    ("UID", 101),
    ("GID", 102),
    ("UNSPEC", 103),
    ("NID", 104),
    ("L32", 105),
    ("L64", 106),
    ("LP", 107),
    ("EUI48", 108),
    ("EUI64", 109),
    ("TKEY", 249),
    ("TSIG", 250),
    ("IXFR", 251),
    ("AXFR", 252),
    ("MAILB", 253),
    ("MAILA", 254),
    ("ANY", 255),
    ("URI", 256),
    ("CAA", 257),
    ("AVC", 258),
    ("DOA", 259),
    ("AMTRELAY", 260),
    ("RESINFO", 261),
    ("WALLET", 262),
    ("TA", 32768),
    ("DLV", 32769),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        assert_eq!(RecordType::parse(b"ns"), Some(RecordType::NS));
        assert_eq!(RecordType::parse(b"Rrsig"), Some(RecordType::RRSIG));
        assert_eq!(RecordType::parse(b"TYPE65534"), Some(RecordType(65534)));
        assert_eq!(RecordType::parse(b"type70000"), None);
        assert_eq!(RecordType::parse(b"IN"), None);
        assert_eq!(RecordType::parse(b"3600"), None);
        assert_eq!(RecordType(65534).to_string(), "TYPE65534");
        assert_eq!(RecordType::parse(b"NSAP-PTR").map(|t| t.0), Some(23));
        for (name, n) in TYPES {
            assert_eq!(RecordType::parse(name.as_bytes()), Some(RecordType(*n)));
            assert_eq!(RecordType(*n).to_string(), *name);
        }
    }
}

//! Format detection from the first few KB of (decompressed) input.

use crate::Format;
use crate::master::{is_class, is_ttl};
use crate::plain::is_csv_header;
use crate::rtype::RecordType;

/// How much of the input detection looks at.
pub(crate) const DETECT_BYTES: usize = 16 * 1024;

/// Lines looked at, at most.
const DETECT_LINES: usize = 200;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Guesses the format: a CSV header with a `name` column makes CSV; a
/// `$ORIGIN`/`$TTL`/`$INCLUDE` directive or a line shaped like
/// `owner [ttl] [class] type rdata` makes a zone; anything else is a name list.
pub(crate) fn detect(prefix: &[u8], at_eof: bool) -> Format {
    let prefix = prefix.strip_prefix(BOM).unwrap_or(prefix);
    let mut lines: Vec<&[u8]> = prefix.split(|&b| b == b'\n').collect();
    if !at_eof && lines.len() > 1 {
        // The last piece may be a cut line.
        lines.pop();
    }
    let mut first_content = true;
    for line in lines.into_iter().take(DETECT_LINES) {
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        if first_content {
            first_content = false;
            if is_csv_header(trimmed) {
                return Format::Csv;
            }
        }
        if trimmed.first() == Some(&b'$') {
            let word = trimmed.split(|b| b.is_ascii_whitespace()).next().unwrap_or(&[]);
            if [&b"$ORIGIN"[..], b"$TTL", b"$INCLUDE", b"$GENERATE"]
                .iter()
                .any(|d| word.eq_ignore_ascii_case(d))
            {
                return Format::Zone;
            }
        }
        if looks_like_record(line) {
            return Format::Zone;
        }
    }
    Format::NameList
}

/// `owner [ttl] [class] type rdata...` (RFC 1035 §5.1), or the same with a
/// blank owner.
fn looks_like_record(line: &[u8]) -> bool {
    let line = match memchr::memchr(b';', line) {
        Some(p) => line.get(..p).unwrap_or(line),
        None => line,
    };
    let blank_owner = line.first().is_some_and(|b| b.is_ascii_whitespace());
    let mut toks = line.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty());
    if !blank_owner && toks.next().is_none() {
        return false;
    }
    for _ in 0..3 {
        let Some(t) = toks.next() else {
            return false;
        };
        if RecordType::parse(t).is_some() {
            return toks.next().is_some();
        }
        if !is_ttl(t) && !is_class(t) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(detect(b"example.com\nfoo.org\n", true), Format::NameList);
        assert_eq!(detect(b"\xEF\xBB\xBFname,registrant\na.com,x\n", true), Format::Csv);
        assert_eq!(detect(b"$ORIGIN example.\n@ SOA a b 1 2 3 4 5\n", true), Format::Zone);
        assert_eq!(
            detect(b"; comment\n\ncom.\t172800\tin\tns\ta.gtld-servers.net.\n", true),
            Format::Zone
        );
        assert_eq!(detect(b"www  IN A 192.0.2.1\n", true), Format::Zone);
        assert_eq!(detect(b"ns.example\n", true), Format::NameList);
        // A name that happens to be a type mnemonic is still a name.
        assert_eq!(detect(b"ns\na\n", true), Format::NameList);
    }
}

//! Name lists (one name per line) and CSV files with a header (RFC 4180).

use crate::Out;
use crate::error::ErrorCode;

/// Columns we refuse to go past in one CSV row (bounds the work per line).
const MAX_CSV_FIELDS: usize = 4096;

pub(crate) type LineResult = Result<bool, (ErrorCode, String)>;

/// Copies a name into the output form: trimmed, without a final dot,
/// ASCII lower-cased. `Ok(false)` for a blank line or a `#` comment.
pub(crate) fn name_line(line: &[u8], out: &mut String) -> LineResult {
    let line = line.trim_ascii();
    if line.is_empty() || line.first() == Some(&b'#') {
        return Ok(false);
    }
    if line.iter().any(|b| b.is_ascii_whitespace()) {
        return Err((
            ErrorCode::NameSyntax,
            "the line holds more than one word; a name list has exactly one domain name per line"
                .into(),
        ));
    }
    copy_name(line, out)?;
    Ok(true)
}

/// The longest name-list entry [`list_entry`] reads, as the reader's
/// default line limit.
pub const MAX_LIST_ENTRY: usize = 64 * 1024;

/// One name-list entry read as a list file's line is read (the reader's
/// default limits): `Ok(None)` for a blank line or a comment, the name
/// (trimmed, without its final dot, ASCII lower-cased), or the error the
/// reader would give with its stable code. For names that do not come
/// from a file: an Arrow column, a Spark partition.
pub fn list_entry(line: &[u8]) -> Result<Option<String>, (ErrorCode, String)> {
    let mut out = String::new();
    Ok(list_entry_into(line, &mut out)?.then_some(out))
}

/// [`list_entry`] into a reused buffer: writes the name to `out` (cleared
/// first) and returns true, or false for a blank line or a comment.
pub fn list_entry_into(line: &[u8], out: &mut String) -> Result<bool, (ErrorCode, String)> {
    if line.len() > MAX_LIST_ENTRY {
        return Err((
            ErrorCode::LineTooLong,
            format!(
                "the line is {} bytes long, more than the limit of {MAX_LIST_ENTRY}; it was skipped",
                line.len()
            ),
        ));
    }
    out.clear();
    name_line(line, out)
}

fn copy_name(name: &[u8], out: &mut String) -> Result<(), (ErrorCode, String)> {
    let name = match name.split_last() {
        Some((b'.', rest)) if !rest.is_empty() => rest,
        _ => name,
    };
    let name = if name == b"." { &[][..] } else { name };
    if !crate::master::set_text(out, name) {
        return Err((ErrorCode::InvalidUtf8, "the name is not valid UTF-8".into()));
    }
    out.make_ascii_lowercase();
    Ok(())
}

/// The columns of a CSV file, from its header.
#[derive(Debug, Clone)]
pub(crate) struct CsvHeader {
    name: usize,
    registrant: Option<usize>,
    fields: usize,
}

/// Splits one CSV line into fields (RFC 4180 §2; quotes may not span lines).
/// Field contents go to `scratch`, their spans to `spans`.
fn split_csv(
    line: &[u8],
    scratch: &mut Vec<u8>,
    spans: &mut Vec<(usize, usize)>,
) -> Result<(), &'static str> {
    scratch.clear();
    spans.clear();
    let mut i = 0;
    loop {
        if spans.len() >= MAX_CSV_FIELDS {
            return Err("the row has too many columns");
        }
        let start = scratch.len();
        if line.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match line.get(i) {
                    None => return Err("a quoted field is not closed on its line"),
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                        scratch.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        scratch.push(c);
                        i += 1;
                    }
                }
            }
            match line.get(i) {
                None => {
                    spans.push((start, scratch.len()));
                    return Ok(());
                }
                Some(b',') => i += 1,
                Some(_) => return Err("text follows a closing quote"),
            }
            spans.push((start, scratch.len()));
        } else {
            let rest = line.get(i..).unwrap_or(&[]);
            match memchr::memchr(b',', rest) {
                Some(p) => {
                    scratch.extend_from_slice(rest.get(..p).unwrap_or(&[]));
                    spans.push((start, scratch.len()));
                    i += p + 1;
                }
                None => {
                    scratch.extend_from_slice(rest);
                    spans.push((start, scratch.len()));
                    return Ok(());
                }
            }
        }
    }
}

fn field<'a>(scratch: &'a [u8], spans: &[(usize, usize)], i: usize) -> &'a [u8] {
    spans.get(i).and_then(|&(s, e)| scratch.get(s..e)).unwrap_or(&[]).trim_ascii()
}

/// Whether the first line is a CSV header naming a `name` column.
pub(crate) fn is_csv_header(line: &[u8]) -> bool {
    let mut scratch = Vec::new();
    let mut spans = Vec::new();
    split_csv(line, &mut scratch, &mut spans).is_ok()
        && spans.len() >= 2
        && (0..spans.len()).any(|i| field(&scratch, &spans, i).eq_ignore_ascii_case(b"name"))
}

pub(crate) fn parse_header(line: &[u8]) -> Result<CsvHeader, (ErrorCode, String)> {
    let mut scratch = Vec::new();
    let mut spans = Vec::new();
    split_csv(line, &mut scratch, &mut spans)
        .map_err(|m| {
            (
                ErrorCode::CsvNoNameColumn,
                format!("the CSV header cannot be read ({m}), so there is no 'name' column to read names from"),
            )
        })?;
    let find = |want: &[u8]| {
        (0..spans.len()).find(|&i| field(&scratch, &spans, i).eq_ignore_ascii_case(want))
    };
    let Some(name) = find(b"name") else {
        return Err((
            ErrorCode::CsvNoNameColumn,
            "the CSV header has no 'name' column, so no names can be read from this file".into(),
        ));
    };
    Ok(CsvHeader { name, registrant: find(b"registrant"), fields: spans.len() })
}

/// One CSV data row. `Ok(false)` for an empty line.
pub(crate) fn csv_row(
    header: &CsvHeader,
    line: &[u8],
    out: &mut Out,
    spans: &mut Vec<(usize, usize)>,
) -> LineResult {
    if line.trim_ascii().is_empty() {
        return Ok(false);
    }
    split_csv(line, &mut out.scratch, spans).map_err(|m| (ErrorCode::CsvSyntax, m.to_string()))?;
    if spans.len() != header.fields {
        return Err((
            ErrorCode::CsvSyntax,
            format!("the row has {} columns but the header has {}", spans.len(), header.fields),
        ));
    }
    let name = field(&out.scratch, spans, header.name);
    if name.is_empty() {
        return Err((ErrorCode::CsvSyntax, "the 'name' column is empty".into()));
    }
    if name.iter().any(|b| b.is_ascii_whitespace()) {
        return Err((ErrorCode::NameSyntax, "the 'name' column holds more than one word".into()));
    }
    copy_name(name, &mut out.name)?;
    out.registrant.clear();
    out.has_registrant = false;
    if let Some(r) = header.registrant {
        let reg = field(&out.scratch, spans, r);
        if !reg.is_empty() {
            if !crate::master::set_text(&mut out.registrant, reg) {
                return Err((
                    ErrorCode::InvalidUtf8,
                    "the 'registrant' column is not valid UTF-8".into(),
                ));
            }
            out.has_registrant = true;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_split() {
        let mut s = Vec::new();
        let mut sp = Vec::new();
        split_csv(br#"a,"b,""c""",,d"#, &mut s, &mut sp).unwrap();
        let got: Vec<&[u8]> = sp.iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(got, vec![&b"a"[..], b"b,\"c\"", b"", b"d"]);
        assert!(split_csv(br#"a,"b"#, &mut s, &mut sp).is_err());
        assert!(split_csv(br#""a"x,b"#, &mut s, &mut sp).is_err());
        assert!(is_csv_header(b"id,Name,registrant"));
        assert!(!is_csv_header(b"name"));
        assert!(!is_csv_header(b"example.com,1"));
    }

    #[test]
    fn names() {
        let mut out = String::new();
        assert_eq!(name_line(b"  Example.COM.\r", &mut out), Ok(true));
        assert_eq!(out, "example.com");
        assert_eq!(name_line(b"   ", &mut out), Ok(false));
        assert_eq!(name_line(b"# comment", &mut out), Ok(false));
        assert!(name_line(b"a.com b.com", &mut out).is_err());
        assert!(matches!(name_line(b"\xff.com", &mut out), Err((ErrorCode::InvalidUtf8, _))));
    }
}

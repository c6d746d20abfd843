//! Legacy IDN tables loaded into the RFC 7940 model: plain code point lists
//! (one `U+XXXX`, `XXXX` or `U+XXXX-U+YYYY` per line, `#` comments, as in
//! the IANA repository), RFC 4290 style `cp|variant variant` lines and
//! RFC 3743 style `cp;preferred,...;variant,...` lines (CJK). Variants of
//! legacy tables become `blocked` variant mappings (RFC 4290 §4 "reserved")
//! — RFC 3743 preferred variants become type `preferred`.

use crate::cpset::MAX_CP;
use crate::error::LoadError;
use crate::model::Lgr;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Most lines accepted in a legacy table.
const MAX_LINES: usize = 500_000;

fn parse_cp(tok: &str) -> Option<u32> {
    // Strip RFC 3743 annotations such as "U+4E0E(0)".
    let tok = tok.split('(').next().unwrap_or(tok).trim();
    let hex = tok.strip_prefix("U+").or_else(|| tok.strip_prefix("u+")).unwrap_or(tok);
    if hex.is_empty() || hex.len() > 6 {
        return None;
    }
    u32::from_str_radix(hex, 16).ok().filter(|&c| c <= MAX_CP)
}

fn parse_seq(field: &str) -> Option<Vec<u32>> {
    let v: Option<Vec<u32>> = field.split_whitespace().map(parse_cp).collect();
    v.filter(|v| !v.is_empty() && v.len() <= 63)
}

use crate::error::hex_cps as hex;

/// Converts a legacy table into RFC 7940 XML (exposed for tooling).
pub fn to_xml(text: &str) -> Result<String, LoadError> {
    let mut chars: BTreeMap<Vec<u32>, Vec<(Vec<u32>, &'static str)>> = BTreeMap::new();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        if n >= MAX_LINES {
            return Err(LoadError::new(
                "LGR_TOO_LARGE",
                format!("table has more than {MAX_LINES} lines"),
                n as u32 + 1,
                1,
            ));
        }
        let line = raw.split('#').next().unwrap_or("").trim().trim_start_matches('\u{FEFF}');
        if line.is_empty() {
            continue;
        }
        let bad = || {
            LoadError::new(
                "LGR_BAD_CODE_POINT",
                format!("cannot read line '{}'", raw.trim()),
                n as u32 + 1,
                1,
            )
        };
        let (sep, fields): (char, Vec<&str>) = if line.contains('|') {
            ('|', line.split('|').collect())
        } else if line.contains(';') {
            (';', line.split(';').collect())
        } else {
            (' ', vec![line])
        };
        let first = fields.first().copied().unwrap_or("").trim();
        if sep == ' '
            && let Some((a, b)) = first.split_once('-')
        {
            let (a, b) = (parse_cp(a).ok_or_else(bad)?, parse_cp(b).ok_or_else(bad)?);
            if a > b {
                return Err(bad());
            }
            ranges.push((a, b));
            continue;
        }
        let key = parse_seq(first).ok_or_else(bad)?;
        let entry = chars.entry(key.clone()).or_default();
        for (i, f) in fields.iter().enumerate().skip(1) {
            let ty = if sep == ';' && i == 1 { "preferred" } else { "blocked" };
            for v in f.split([',', ':']).map(str::trim).filter(|s| !s.is_empty()) {
                let v = parse_seq(v).ok_or_else(bad)?;
                if v != key && !entry.iter().any(|(x, _)| *x == v) {
                    entry.push((v, ty));
                }
            }
        }
    }
    let mut xml = String::from("<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\"><data>\n");
    for (k, vars) in &chars {
        let _ = write!(xml, "<char cp=\"{}\">", hex(k));
        for (v, t) in vars {
            let _ = write!(xml, "<var cp=\"{}\" type=\"{t}\"/>", hex(v));
        }
        xml.push_str("</char>\n");
    }
    for (a, b) in ranges {
        let _ = writeln!(xml, "<range first-cp=\"{a:04X}\" last-cp=\"{b:04X}\"/>");
    }
    xml.push_str("</data></lgr>\n");
    Ok(xml)
}

/// Loads a legacy table.
pub fn from_text(text: &str) -> Result<Lgr, LoadError> {
    Lgr::from_xml(&to_xml(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let l = from_text("# list\nU+0061\n0062 # b\nU+0063-U+0065\n").unwrap();
        assert!(l.contains('a') && l.contains('b') && l.contains('e') && !l.contains('f'));
        let l = from_text("U+00E4|U+0061 U+0308\nU+0061\nU+0308\n").unwrap();
        assert_eq!(l.variant_mappings(&[0xE4]).len(), 1);
        let l = from_text("U+4E0E(0);U+4E0E(0),U+8207(1);U+82E7(0)\n").unwrap();
        let m = l.variant_mappings(&[0x4E0E]);
        assert_eq!(m.len(), 2);
        assert!(from_text("U+ZZZZ\n").is_err());
    }
}

//! Domain names in master-file presentation form (RFC 1035 §5.1) turned into
//! the reader's output form: escapes resolved, ASCII lower-cased, made
//! absolute against the origin, without the trailing dot (the root is "").
//!
//! Two escapes are kept escaped, `\.` and `\\`, so that splitting the output
//! on unescaped dots still gives the record's real labels.

pub(crate) enum NameError {
    Syntax(&'static str),
    NoOrigin,
    Utf8,
}

/// Writes the output form of `token` into `out` (cleared first).
pub(crate) fn resolve_name(
    token: &[u8],
    origin: Option<&[u8]>,
    out: &mut Vec<u8>,
) -> Result<(), NameError> {
    out.clear();
    if token == b"@" {
        // RFC 1035 §5.1: "@" denotes the current origin.
        return match origin {
            Some(o) => {
                out.extend_from_slice(o);
                Ok(())
            }
            None => Err(NameError::NoOrigin),
        };
    }
    if token == b"." {
        return Ok(());
    }
    let mut i = 0;
    let mut label_len = 0usize;
    let mut absolute = false;
    let mut high = 0u8;
    while let Some(&b) = token.get(i) {
        match b {
            b'\\' => {
                // RFC 1035 §5.1: \X is X literally, \DDD is the octet DDD.
                let Some(&next) = token.get(i + 1) else {
                    return Err(NameError::Syntax("a name ends with a lone backslash"));
                };
                let byte = if next.is_ascii_digit() {
                    let digits = token
                        .get(i + 1..i + 4)
                        .ok_or(NameError::Syntax("a \\DDD escape needs three digits"))?;
                    let mut v: u32 = 0;
                    for &d in digits {
                        if !d.is_ascii_digit() {
                            return Err(NameError::Syntax("a \\DDD escape needs three digits"));
                        }
                        v = v * 10 + u32::from(d - b'0');
                    }
                    i += 4;
                    u8::try_from(v)
                        .map_err(|_| NameError::Syntax("a \\DDD escape is larger than 255"))?
                } else {
                    i += 2;
                    next
                };
                if byte == b'.' || byte == b'\\' {
                    out.push(b'\\');
                    out.push(byte);
                } else {
                    out.push(byte.to_ascii_lowercase());
                }
                high |= byte;
                label_len += 1;
            }
            b'.' => {
                if label_len == 0 {
                    return Err(NameError::Syntax(
                        "a name has an empty label (two dots in a row, or a leading dot)",
                    ));
                }
                if i + 1 == token.len() {
                    absolute = true;
                } else {
                    out.push(b'.');
                }
                label_len = 0;
                i += 1;
            }
            _ => {
                out.push(b.to_ascii_lowercase());
                high |= b;
                label_len += 1;
                i += 1;
            }
        }
    }
    if !absolute {
        match origin {
            None => return Err(NameError::NoOrigin),
            Some(o) if !o.is_empty() => {
                out.push(b'.');
                out.extend_from_slice(o);
            }
            Some(_) => {}
        }
    }
    if high >= 0x80 && std::str::from_utf8(out).is_err() {
        return Err(NameError::Utf8);
    }
    Ok(())
}

/// Whether `label` contains a dot that is not escaped.
pub(crate) fn has_unescaped_dot(label: &[u8]) -> bool {
    let mut escaped = false;
    for &b in label {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'.' {
            return true;
        }
    }
    false
}

/// Whether `s` ends inside an escape (an odd run of trailing backslashes),
/// i.e. a dot right after it would be escaped.
pub(crate) fn ends_with_escape(s: &[u8]) -> bool {
    s.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(token: &str, origin: Option<&str>) -> Result<String, &'static str> {
        let mut out = Vec::new();
        match resolve_name(token.as_bytes(), origin.map(str::as_bytes), &mut out) {
            Ok(()) => Ok(String::from_utf8(out).unwrap()),
            Err(NameError::Syntax(_)) => Err("syntax"),
            Err(NameError::NoOrigin) => Err("origin"),
            Err(NameError::Utf8) => Err("utf8"),
        }
    }

    #[test]
    fn forms() {
        assert_eq!(r("Www.Example.COM.", None), Ok("www.example.com".into()));
        assert_eq!(r("www", Some("example.com")), Ok("www.example.com".into()));
        assert_eq!(r("www", Some("")), Ok("www".into()));
        assert_eq!(r("@", Some("example.com")), Ok("example.com".into()));
        assert_eq!(r(".", None), Ok(String::new()));
        assert_eq!(r("www", None), Err("origin"));
        assert_eq!(r("a\\066c.", None), Ok("abc".into()));
        assert_eq!(r("a\\.b.", None), Ok("a\\.b".into()));
        assert_eq!(r("a\\046b.", None), Ok("a\\.b".into()));
        assert_eq!(r("a\\\\b.", None), Ok("a\\\\b".into()));
        assert_eq!(r("a\\ b.", None), Ok("a b".into()));
        assert_eq!(r("a\\256.", None), Err("syntax"));
        assert_eq!(r("a\\25", None), Err("syntax"));
        assert_eq!(r("a..b.", None), Err("syntax"));
        assert_eq!(r(".a.", None), Err("syntax"));
        assert_eq!(r("a\\", None), Err("syntax"));
        assert_eq!(r("\\255.", None), Err("utf8"));
        assert_eq!(r("\\195\\164.", None), Ok("ä".into()));
        assert_eq!(r("ÄX.", None), Ok("Äx".into()));
    }

    #[test]
    fn escapes_in_labels() {
        assert!(has_unescaped_dot(b"a.b"));
        assert!(!has_unescaped_dot(b"a\\.b"));
        assert!(has_unescaped_dot(b"a\\\\.b"));
        assert!(ends_with_escape(b"a\\"));
        assert!(!ends_with_escape(b"a\\\\"));
    }
}

//! UTS #46 conformance: one named test per data line of Unicode's
//! `IdnaTestV2.txt` 18.0.0, each running ToUnicode and ToASCII
//! (nontransitional) through `idnsafe_idna::uts46`.
//!
//! The file's header fixes the flags a conforming run uses when no status
//! code is ignored: CheckHyphens, CheckBidi, CheckJoiners,
//! UseSTD3ASCIIRules and VerifyDnsLength all true. `idna` always applies
//! CheckBidi and CheckJoiners; the other three are our `LookupOptions`:
//! `AsciiDenyList::STD3`, `Hyphens::Check` and (ToASCII only)
//! `DnsLength::Verify`.
//!
//! Ignored status codes, each for a stated reason (mirroring the intent of
//! the `idna` crate's own `tests/uts46.rs`):
//! - **X4_2 in ToUnicode.** UTS #46 (since 15.1) reports an empty label in
//!   ToUnicode with the "compatibility" code X4_2 (formerly an A4_2 leak
//!   from ToASCII). `idna` 1.1 does not implement it: ToUnicode of an empty
//!   label succeeds. So X4_2 is dropped from the expected ToUnicode codes
//!   (the line must still fail ToUnicode when other codes remain; 50 lines
//!   expect X4_2 alone), and ToASCII of the same line still must fail with
//!   A4_2.
//! - Nothing else. In particular A4_1/A4_2 (VerifyDnsLength) only appear in
//!   the ToASCII columns, where we verify DNS length, and C*/B*/V2/V3/U1 are
//!   all enabled, so they are not ignored.
//!
//! No line is skipped for NV8/XV8 characters: this is the UTS #46 lookup
//! mapping, which accepts them (IDNA2008 registration is `check_label`).
//!
//! Columns 6 and 7 (transitional ToASCII) are not tested: transitional
//! processing was removed from UTS #46 in Unicode 15.1 and `idna` 1.1 does
//! not offer it.
//!
//! Code points written as unpaired surrogates (`\uD900`) cannot be held in
//! a Rust `str`; they become U+FFFD, as a UTF-8 decoder would make of them
//! (WHATWG "UTF-8 decode"). Every such line expects an error, and U+FFFD is
//! disallowed, so the test stays meaningful rather than being skipped.
//!
//! Where a ToUnicode line expects errors, the returned string is also
//! compared with the expected one, treating U+FFFD in our output as a
//! wildcard (file header, CONFORMANCE) for the whole label it is in (see
//! [`labels_match`]).

use std::process::ExitCode;

use idnsafe_idna::uts46::{self, AsciiDenyList, DnsLength, Hyphens, LookupOptions};
use libtest_mimic::{Arguments, Failed, Trial};

const DATA: &str = "unicode/18.0.0/IdnaTestV2.txt";

/// One data line of the file, with the header's defaults applied.
struct Case {
    line_no: usize,
    raw_source: String,
    source: String,
    to_unicode: String,
    to_unicode_status: Vec<String>,
    to_ascii_n: String,
    to_ascii_n_status: Vec<String>,
}

/// Undoes `\uXXXX` and `\x{XXXX}` escapes; `""` is the empty string.
fn unescape(field: &str) -> Result<String, String> {
    if field == "\"\"" {
        return Ok(String::new());
    }
    let mut out = String::new();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex: String = match chars.next() {
            Some('u') => chars.by_ref().take(4).collect(),
            Some('x') if chars.peek() == Some(&'{') => {
                chars.next();
                chars.by_ref().take_while(|&c| c != '}').collect()
            }
            Some('\\') => {
                out.push('\\');
                continue;
            }
            other => return Err(format!("bad escape \\{other:?} in {field:?}")),
        };
        let cp = u32::from_str_radix(&hex, 16).map_err(|e| format!("{hex:?}: {e}"))?;
        // An unpaired surrogate: see the module docs.
        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
    }
    Ok(out)
}

/// `[B5, B6]` to its codes; blank or `[]` is no codes.
fn status(field: &str) -> Result<Vec<String>, String> {
    let f = field.trim();
    if f.is_empty() || f == "[]" {
        return Ok(Vec::new());
    }
    let inner = f
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(|| format!("bad status {f:?}"))?;
    Ok(inner.split(',').map(|s| s.trim().to_owned()).collect())
}

fn parse_line(line_no: usize, line: &str) -> Result<Option<Case>, String> {
    let data = line.split('#').next().unwrap_or("");
    if data.trim().is_empty() {
        return Ok(None);
    }
    let cols: Vec<&str> = data.split(';').map(str::trim).collect();
    if cols.len() < 7 {
        return Err(format!("line {line_no}: {} columns, expected 7", cols.len()));
    }
    let source = unescape(cols[0])?;
    // Column 2: blank means the source.
    let to_unicode = if cols[1].is_empty() { source.clone() } else { unescape(cols[1])? };
    // Column 3: blank means no errors.
    let to_unicode_status = status(cols[2])?;
    // Column 4: blank means the toUnicode value.
    let to_ascii_n = if cols[3].is_empty() { to_unicode.clone() } else { unescape(cols[3])? };
    // Column 5: blank means the toUnicodeStatus value; explicit [] means none.
    let to_ascii_n_status =
        if cols[4].is_empty() { to_unicode_status.clone() } else { status(cols[4])? };
    Ok(Some(Case {
        line_no,
        raw_source: cols[0].to_owned(),
        source,
        to_unicode,
        to_unicode_status,
        to_ascii_n,
        to_ascii_n_status,
    }))
}

/// A filter-friendly test name: the line number and the source as written
/// in the file, with anything but ASCII letters, digits, `.`, `-` and `_`
/// spelled as `uXXXX`, cut to a readable length.
fn test_name(case: &Case) -> String {
    let mut esc = String::new();
    for c in case.raw_source.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            esc.push(c);
        } else if c != '\\' {
            esc.push_str(&format!("u{:04X}", c as u32));
        }
        if esc.len() >= 48 {
            esc.push('~');
            break;
        }
    }
    format!("line_{:04}_{esc}", case.line_no)
}

/// True when `actual` has the labels of `expected`, where a label of
/// `actual` holding U+FFFD (a label `idna` marked as failed) matches any
/// label. `idna` marks errors label by label and maps the rest of a failed
/// label (it lower-cases the Georgian capitals that the expected value keeps
/// from a bad A-label), so the U+FFFD wildcard of the file header is applied
/// to whole labels.
fn labels_match(actual: &str, expected: &str) -> bool {
    let a: Vec<&str> = actual.split('.').collect();
    let e: Vec<&str> = expected.split('.').collect();
    a.len() == e.len() && a.iter().zip(&e).all(|(a, e)| a == e || a.contains('\u{FFFD}'))
}

fn run_case(case: &Case) -> Result<(), Failed> {
    let opts = LookupOptions {
        ascii_deny_list: AsciiDenyList::STD3,
        hyphens: Hyphens::Check,
        dns_length: DnsLength::Verify,
    };
    let src = &case.source;

    // ToUnicode.
    let (uni, uni_result) = uts46::to_unicode(src, opts);
    if case.to_unicode_status.is_empty() {
        if uni_result.is_err() {
            return Err(format!("ToUnicode({src:?}) failed; expected {:?}", case.to_unicode).into());
        }
        if uni != case.to_unicode {
            return Err(
                format!("ToUnicode({src:?}) = {uni:?}; expected {:?}", case.to_unicode).into()
            );
        }
    } else {
        // X4_2 is ignored: see the module docs.
        // Only the codes left after removing it must make ToUnicode fail.
        let must_fail = case.to_unicode_status.iter().any(|s| s != "X4_2");
        if must_fail && uni_result.is_ok() {
            return Err(format!(
                "ToUnicode({src:?}) = {uni:?} succeeded; expected errors {:?}",
                case.to_unicode_status
            )
            .into());
        }
        if !labels_match(&uni, &case.to_unicode) {
            return Err(format!(
                "ToUnicode({src:?}) = {uni:?} with errors; expected {:?} (a label with U+FFFD as wildcard)",
                case.to_unicode
            )
            .into());
        }
    }

    // ToASCII, nontransitional.
    let ascii = uts46::to_ascii(src, opts);
    if case.to_ascii_n_status.is_empty() {
        match ascii {
            Ok(a) if a == case.to_ascii_n => {}
            Ok(a) => {
                return Err(
                    format!("ToASCII({src:?}) = {a:?}; expected {:?}", case.to_ascii_n).into()
                );
            }
            Err(e) => {
                return Err(format!(
                    "ToASCII({src:?}) failed ({e}); expected {:?}",
                    case.to_ascii_n
                )
                .into());
            }
        }
    } else if let Ok(a) = ascii {
        return Err(format!(
            "ToASCII({src:?}) = {a:?} succeeded; expected errors {:?}",
            case.to_ascii_n_status
        )
        .into());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let text = std::fs::read_to_string(idnsafe_tests::data_file(DATA))
        .unwrap_or_else(|e| panic!("cannot read {DATA}: {e}"));
    let mut trials = Vec::new();
    let mut data_lines = 0usize;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let case = parse_line(line_no, line).unwrap_or_else(|e| panic!("{DATA}:{line_no}: {e}"));
        let Some(case) = case else { continue };
        data_lines += 1;
        trials.push(Trial::test(test_name(&case), move || run_case(&case)));
    }
    // Every data line is one test; a parser that dropped lines would show here.
    let expected_lines =
        text.lines().filter(|l| !l.split('#').next().unwrap_or("").trim().is_empty()).count();
    assert_eq!(trials.len(), expected_lines, "one test per data line");
    assert!(data_lines > 6000, "{DATA} has only {data_lines} test lines");
    libtest_mimic::run(&args, trials).exit_code()
}

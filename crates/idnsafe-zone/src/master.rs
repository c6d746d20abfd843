//! A streaming RFC 1035 §5 master-file parser that extracts only what the
//! checker needs: owner name, type, and the first rdata field of NS and SOA.
//!
//! Two paths. The fast path takes a whole record from one line of plain
//! tokens with an absolute owner: every CZDS line and nearly every `dig axfr`
//! line. Anything else (blank owner, `@`, relative names, escapes, quotes,
//! parentheses, directives) goes to the general tokenizer, which also
//! produces every error.

use memchr::memchr3;

use crate::error::ErrorCode;
use crate::name::{NameError, resolve_name};
use crate::rtype::{RecordType, parse_u16, strip_prefix_ci};
use crate::{Out, Stats};

/// What one line led to.
pub(crate) enum Step {
    /// A record is in `Out`.
    Record,
    /// Nothing to report (blank, comment, directive, part of a record).
    Nothing,
    /// An error about the line `line`.
    Error { code: ErrorCode, message: String, line: u64 },
    /// `$INCLUDE file [origin]` at line `line` (RFC 1035 §5.1).
    Include { file: Vec<u8>, origin: Option<Vec<u8>>, line: u64 },
}

#[derive(Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    quoted: bool,
}

/// Per-file parser state.
pub(crate) struct ZoneState {
    /// `$ORIGIN`, in output form.
    pub(crate) origin: Option<Vec<u8>>,
    last_owner: Option<Vec<u8>>,
    /// The last record came from the fast path, so its owner is still in
    /// `Out::name` and `last_owner` is stale (saves a copy per record).
    owner_in_out: bool,
    /// Names resolved by the general path, before they go to `Out`.
    scratch: Vec<u8>,
    /// Tokens of the record being read (it may span lines in parentheses).
    arena: Vec<u8>,
    toks: Vec<Tok>,
    depth: u32,
    in_record: bool,
    start_line: u64,
    blank_owner: bool,
    max_record: usize,
}

#[inline]
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

impl ZoneState {
    pub(crate) fn new(origin: Option<Vec<u8>>, max_record: usize) -> Self {
        ZoneState {
            origin,
            last_owner: None,
            owner_in_out: false,
            scratch: Vec::new(),
            arena: Vec::new(),
            toks: Vec::new(),
            depth: 0,
            in_record: false,
            start_line: 0,
            blank_owner: false,
            max_record,
        }
    }

    /// Handles one physical line. Accounting: every line is counted exactly
    /// once in `stats` as a record, an error or skipped, except the first line
    /// of a record in parentheses, which is counted when the record ends.
    pub(crate) fn line(
        &mut self,
        line: &[u8],
        line_no: u64,
        out: &mut Out,
        stats: &mut Stats,
    ) -> Step {
        if !self.in_record {
            if let Some(rtype) = fast_record(line, out) {
                self.owner_in_out = true;
                out.rtype = Some(rtype);
                out.line = line_no;
                stats.records += 1;
                return Step::Record;
            }
            if self.owner_in_out {
                self.owner_in_out = false;
                let name = std::mem::take(&mut out.name);
                self.remember_owner(name.as_bytes());
                out.name = name;
            }
            self.in_record = true;
            self.start_line = line_no;
            self.arena.clear();
            self.toks.clear();
            self.depth = 0;
            self.blank_owner = line.first().is_some_and(|&b| b == b' ' || b == b'\t');
        } else {
            // A continuation line inside parentheses.
            stats.skipped += 1;
        }
        if let Err(msg) = self.tokenize(line) {
            let start = self.start_line;
            self.abort();
            stats.errors += 1;
            let code =
                if msg == TOO_LONG { ErrorCode::RecordTooLong } else { ErrorCode::ZoneSyntax };
            return Step::Error { code, message: msg.to_string(), line: start };
        }
        if self.depth > 0 {
            return Step::Nothing;
        }
        self.in_record = false;
        let step = self.finish_record(out);
        match &step {
            Step::Record => stats.records += 1,
            Step::Error { .. } => stats.errors += 1,
            // An include is counted by the reader, which knows if it worked.
            Step::Include { .. } => {}
            Step::Nothing => stats.skipped += 1,
        }
        step
    }

    /// The input ended (or failed) while a record in parentheses was open.
    pub(crate) fn finish_file(&mut self, stats: &mut Stats) -> Option<Step> {
        self.drop_open_record(
            stats,
            ErrorCode::ZoneSyntax,
            "a '(' opened on this line is never closed before the end of the file",
        )
    }

    /// A line too long to read arrived while a record was open: that record
    /// is lost too.
    pub(crate) fn abort_open_record(&mut self, stats: &mut Stats) -> Option<Step> {
        self.drop_open_record(
            stats,
            ErrorCode::RecordTooLong,
            "a record in parentheses contains a line longer than the line limit",
        )
    }

    /// Drops an open record in parentheses as one error on its first line.
    fn drop_open_record(
        &mut self,
        stats: &mut Stats,
        code: ErrorCode,
        message: &str,
    ) -> Option<Step> {
        if !self.in_record {
            return None;
        }
        let start = self.start_line;
        self.abort();
        stats.errors += 1;
        Some(Step::Error { code, message: message.into(), line: start })
    }

    fn abort(&mut self) {
        self.in_record = false;
        self.arena.clear();
        self.toks.clear();
        self.depth = 0;
    }

    fn remember_owner(&mut self, name: &[u8]) {
        match &mut self.last_owner {
            Some(v) => {
                v.clear();
                v.extend_from_slice(name);
            }
            None => self.last_owner = Some(name.to_vec()),
        }
    }

    /// Splits a line into tokens (RFC 1035 §5.1): whitespace separates,
    /// `;` starts a comment, `(` `)` group lines, `"..."` is one token,
    /// `\` escapes the next character.
    fn tokenize(&mut self, line: &[u8]) -> Result<(), &'static str> {
        if self.arena.len() + line.len() > self.max_record {
            return Err(TOO_LONG);
        }
        let mut i = 0;
        while let Some(&b) = line.get(i) {
            match b {
                b' ' | b'\t' | b'\r' => i += 1,
                b';' => break,
                b'(' => {
                    self.depth += 1;
                    i += 1;
                }
                b')' => {
                    if self.depth == 0 {
                        return Err("a ')' has no matching '('");
                    }
                    self.depth -= 1;
                    i += 1;
                }
                b'"' => {
                    let start = self.arena.len();
                    i += 1;
                    loop {
                        match line.get(i) {
                            None => return Err("a quoted string is not closed on its line"),
                            Some(b'"') => {
                                i += 1;
                                break;
                            }
                            Some(b'\\') => {
                                self.arena.push(b'\\');
                                if let Some(&n) = line.get(i + 1) {
                                    self.arena.push(n);
                                }
                                i += 2;
                            }
                            Some(&c) => {
                                self.arena.push(c);
                                i += 1;
                            }
                        }
                    }
                    self.toks.push(Tok { start, end: self.arena.len(), quoted: true });
                }
                _ => {
                    let start = self.arena.len();
                    while let Some(&c) = line.get(i) {
                        if is_space(c) || matches!(c, b';' | b'(' | b')' | b'"') {
                            break;
                        }
                        self.arena.push(c);
                        if c == b'\\' {
                            if let Some(&n) = line.get(i + 1) {
                                self.arena.push(n);
                            }
                            i += 1;
                        }
                        i += 1;
                    }
                    self.toks.push(Tok { start, end: self.arena.len(), quoted: false });
                }
            }
        }
        Ok(())
    }

    fn tok(&self, i: usize) -> Option<(&[u8], bool)> {
        let t = self.toks.get(i)?;
        Some((self.arena.get(t.start..t.end).unwrap_or(&[]), t.quoted))
    }

    fn error(&self, code: ErrorCode, message: impl Into<String>) -> Step {
        Step::Error { code, message: message.into(), line: self.start_line }
    }

    fn name_error(&self, e: NameError, what: &str) -> Step {
        match e {
            NameError::Syntax(m) => self.error(ErrorCode::ZoneSyntax, format!("{what}: {m}")),
            NameError::NoOrigin => self.error(
                ErrorCode::ZoneNoOrigin,
                format!("{what} is relative, but no $ORIGIN is set and none was given"),
            ),
            NameError::Utf8 => {
                self.error(ErrorCode::InvalidUtf8, format!("{what} is not valid UTF-8"))
            }
        }
    }

    fn finish_record(&mut self, out: &mut Out) -> Step {
        let Some((first, first_quoted)) = self.tok(0) else {
            return Step::Nothing;
        };
        if !self.blank_owner && !first_quoted && first.first() == Some(&b'$') {
            return self.directive();
        }
        let mut idx = 0;
        if self.blank_owner {
            // RFC 1035 §5.1: a blank owner is the previous record's owner.
            match &self.last_owner {
                Some(o) => {
                    if !set_text(&mut out.name, o) {
                        return self
                            .error(ErrorCode::InvalidUtf8, "the owner name is not valid UTF-8");
                    }
                }
                None => {
                    return self.error(
                        ErrorCode::ZoneSyntax,
                        "the line starts with a blank, so it uses the previous record's owner, but there is none",
                    );
                }
            }
        } else {
            if first_quoted {
                return self
                    .error(ErrorCode::ZoneSyntax, "an owner name cannot be a quoted string");
            }
            let first = first.to_vec(); // the general path: a copy is fine
            let mut name = std::mem::take(&mut self.scratch);
            let r = resolve_name(&first, self.origin.as_deref(), &mut name);
            if r.is_ok() {
                self.remember_owner(&name);
            }
            let text_ok = set_text(&mut out.name, &name);
            self.scratch = name;
            if let Err(e) = r {
                return self.name_error(e, "the owner name");
            }
            if !text_ok {
                return self.error(ErrorCode::InvalidUtf8, "the owner name is not valid UTF-8");
            }
            idx = 1;
        }
        // RFC 1035 §5.1: [<TTL>] [<class>] <type> <RDATA>, TTL and class in
        // either order.
        let (mut ttl_seen, mut class_seen) = (false, false);
        let rtype = loop {
            let Some((tok, quoted)) = self.tok(idx) else {
                return self.error(ErrorCode::ZoneSyntax, "the record has no type");
            };
            idx += 1;
            if quoted {
                return self.error(
                    ErrorCode::ZoneSyntax,
                    "a quoted string where a TTL, class or type was expected",
                );
            }
            if !class_seen && is_class(tok) {
                class_seen = true;
                continue;
            }
            if !ttl_seen && is_ttl(tok) {
                ttl_seen = true;
                continue;
            }
            match RecordType::parse(tok) {
                Some(t) => break t,
                None => {
                    return self.error(
                        ErrorCode::ZoneUnknownType,
                        format!(
                            "'{}' is not a record type, TTL or class",
                            String::from_utf8_lossy(tok.get(..64).unwrap_or(tok))
                        ),
                    );
                }
            }
        };
        out.rtype = Some(rtype);
        out.line = self.start_line;
        out.rdata.clear();
        if rtype == RecordType::NS || rtype == RecordType::SOA {
            let Some((tok, quoted)) = self.tok(idx) else {
                return self
                    .error(ErrorCode::ZoneSyntax, format!("the {rtype} record has no data"));
            };
            if quoted {
                return self.error(
                    ErrorCode::ZoneSyntax,
                    format!("the {rtype} record's name is a quoted string"),
                );
            }
            let tok = tok.to_vec();
            let mut rdata = std::mem::take(&mut self.scratch);
            let r = resolve_name(&tok, self.origin.as_deref(), &mut rdata);
            let text_ok = set_text(&mut out.rdata, &rdata);
            self.scratch = rdata;
            if let Err(e) = r {
                return self.name_error(e, "the name in the record's data");
            }
            if !text_ok {
                return self.error(
                    ErrorCode::InvalidUtf8,
                    "the name in the record's data is not valid UTF-8",
                );
            }
        }
        Step::Record
    }

    fn directive(&mut self) -> Step {
        let Some((name, _)) = self.tok(0) else {
            return Step::Nothing;
        };
        let args = self.toks.len() - 1;
        if name.eq_ignore_ascii_case(b"$ORIGIN") {
            let Some((arg, false)) = self.tok(1).filter(|_| args == 1) else {
                return self.error(ErrorCode::ZoneSyntax, "$ORIGIN takes exactly one domain name");
            };
            let mut buf = Vec::new();
            if let Err(e) = resolve_name(arg, self.origin.as_deref(), &mut buf) {
                return self.name_error(e, "the $ORIGIN name");
            }
            self.origin = Some(buf);
            Step::Nothing
        } else if name.eq_ignore_ascii_case(b"$TTL") {
            // RFC 2308 §4: $TTL sets the default TTL, which we do not need.
            match self.tok(1) {
                Some((arg, false)) if args == 1 && is_ttl(arg) => Step::Nothing,
                _ => self.error(ErrorCode::ZoneSyntax, "$TTL takes exactly one TTL value"),
            }
        } else if name.eq_ignore_ascii_case(b"$INCLUDE") {
            let Some((file, _)) = self.tok(1).filter(|_| args == 1 || args == 2) else {
                return self.error(
                    ErrorCode::ZoneSyntax,
                    "$INCLUDE takes a file name and an optional domain name",
                );
            };
            let file = unescape(file);
            let origin = match self.tok(2) {
                Some((o, _)) => {
                    let mut buf = Vec::new();
                    if let Err(e) = resolve_name(o, self.origin.as_deref(), &mut buf) {
                        return self.name_error(e, "the $INCLUDE origin");
                    }
                    Some(buf)
                }
                None => self.origin.clone(),
            };
            Step::Include { file, origin, line: self.start_line }
        } else if name.eq_ignore_ascii_case(b"$GENERATE") {
            self.error(
                ErrorCode::ZoneUnsupportedDirective,
                "$GENERATE (a BIND extension) is not supported; expand it before checking the zone",
            )
        } else {
            self.error(
                ErrorCode::ZoneSyntax,
                format!(
                    "unknown directive '{}'",
                    String::from_utf8_lossy(name.get(..32).unwrap_or(name))
                ),
            )
        }
    }
}

const TOO_LONG: &str = "a record in parentheses is longer than the line limit";

fn unescape(tok: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(tok.len());
    let mut esc = false;
    for &b in tok {
        if !esc && b == b'\\' {
            esc = true;
        } else {
            v.push(b);
            esc = false;
        }
    }
    v
}

/// RFC 1035 §3.2.4 classes and RFC 3597 `CLASSnnn`.
pub(crate) fn is_class(tok: &[u8]) -> bool {
    if tok.len() == 2 {
        return [b"IN", b"CH", b"HS", b"CS"].iter().any(|c| tok.eq_ignore_ascii_case(&c[..]));
    }
    strip_prefix_ci(tok, b"CLASS").is_some_and(|d| parse_u16(d).is_some())
}

/// A TTL: decimal seconds, or BIND's `1w2d3h4m5s` units.
pub(crate) fn is_ttl(tok: &[u8]) -> bool {
    if !tok.first().is_some_and(u8::is_ascii_digit) || tok.len() > 20 {
        return false;
    }
    let mut digit_before = false;
    for &b in tok {
        if b.is_ascii_digit() {
            digit_before = true;
        } else if digit_before && matches!(b.to_ascii_lowercase(), b's' | b'm' | b'h' | b'd' | b'w')
        {
            digit_before = false;
        } else {
            return false;
        }
    }
    true
}

/// `bytes` as text, if UTF-8. Registered names are almost all ASCII, and
/// `is_ascii` is several times cheaper than full UTF-8 validation on short
/// strings: this is the hot path of a 160-million-name zone.
#[inline]
pub(crate) fn text(bytes: &[u8]) -> Option<&str> {
    if bytes.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes).ok()
    }
}

/// Copies `bytes` into `dst` if they are UTF-8.
pub(crate) fn set_text(dst: &mut String, bytes: &[u8]) -> bool {
    dst.clear();
    match text(bytes) {
        Some(s) => {
            dst.push_str(s);
            true
        }
        None => false,
    }
}

/// Byte classes for the fast path.
const WS: u8 = 1;
const SPECIAL: u8 = 2;
const DOT: u8 = 4;
const UPPER: u8 = 8;

// Evaluated at compile time only: a bad index is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const fn class_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b' ' as usize] = WS;
    t[b'\t' as usize] = WS;
    // A stray CR ends a token and sends the line to the general path, which
    // treats it as a blank.
    t[b'\r' as usize] = WS | SPECIAL;
    t[b'\\' as usize] = SPECIAL;
    t[b'"' as usize] = SPECIAL;
    t[b';' as usize] = SPECIAL;
    t[b'(' as usize] = SPECIAL;
    t[b')' as usize] = SPECIAL;
    t[b'.' as usize] = DOT;
    let mut c = b'A';
    while c <= b'Z' {
        t[c as usize] = UPPER;
        c += 1;
    }
    t
}
static CLASS: [u8; 256] = class_table();

#[inline]
fn class(b: u8) -> u8 {
    CLASS.get(usize::from(b)).copied().unwrap_or(SPECIAL)
}

/// A token found by the fast path.
struct PlainToken<'a> {
    bytes: &'a [u8],
    classes: u8,
    double_dot: bool,
}

/// The next token of `line` after `*pos`, split at blanks and tabs, in one
/// pass that also classifies its bytes (a table lookup per byte measured
/// faster than SWAR or memchr on tokens this short).
#[inline]
fn plain_token<'a>(line: &'a [u8], pos: &mut usize) -> Option<PlainToken<'a>> {
    let rest = line.get(*pos..)?;
    let skip = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let tail = rest.get(skip..)?;
    let mut classes = 0u8;
    let mut prev_dot = 0u8;
    let mut double = 0u8;
    let mut len = 0;
    for &b in tail {
        let c = class(b);
        if c & WS != 0 {
            break;
        }
        double |= c & prev_dot;
        prev_dot = c & DOT;
        classes |= c;
        len += 1;
    }
    if len == 0 {
        return None;
    }
    *pos += skip + len;
    Some(PlainToken { bytes: tail.get(..len)?, classes, double_dot: double != 0 })
}

/// The body (without the final dot) of an absolute name token that needs no
/// escape processing, or `None` (the general path handles it and says why).
#[inline]
fn plain_absolute_name<'a>(tok: &PlainToken<'a>) -> Option<(&'a str, bool)> {
    if tok.double_dot || tok.classes & SPECIAL != 0 {
        return None;
    }
    let (&b'.', body) = tok.bytes.split_last()? else {
        return None;
    };
    if body.first() == Some(&b'.') {
        return None;
    }
    Some((text(body)?, tok.classes & UPPER != 0))
}

#[inline]
fn copy_name(dst: &mut String, (body, upper): (&str, bool)) {
    dst.clear();
    dst.push_str(body);
    if upper {
        dst.make_ascii_lowercase();
    }
}

/// The fast path: a whole record on one line, plain tokens, absolute owner.
/// Writes to `out` only when it succeeds.
#[inline]
fn fast_record(line: &[u8], out: &mut Out) -> Option<RecordType> {
    let &first = line.first()?;
    if first == b' ' || first == b'\t' || first == b'$' {
        return None;
    }
    let mut pos = 0;
    let owner = plain_absolute_name(&plain_token(line, &mut pos)?)?;
    let (mut ttl_seen, mut class_seen) = (false, false);
    let rtype = loop {
        let tok = plain_token(line, &mut pos)?;
        if tok.classes & SPECIAL != 0 {
            return None;
        }
        let tok = tok.bytes;
        // The same order as the general path: class, TTL, then type.
        if !class_seen && is_class(tok) {
            class_seen = true;
        } else if !ttl_seen && is_ttl(tok) {
            ttl_seen = true;
        } else {
            break RecordType::parse(tok)?;
        }
    };
    let rdata = if rtype == RecordType::NS || rtype == RecordType::SOA {
        Some(plain_absolute_name(&plain_token(line, &mut pos)?)?)
    } else {
        None
    };
    // Parentheses later on the line (even quoted) need the tokenizer; so do
    // escapes and quotes, conservatively.
    if let Some(rest) = line.get(pos..)
        && !rest.is_empty()
        && (memchr3(b'(', b')', b'\\', rest).is_some() || memchr::memchr(b'"', rest).is_some())
    {
        return None;
    }
    copy_name(&mut out.name, owner);
    match rdata {
        Some(r) => copy_name(&mut out.rdata, r),
        None => out.rdata.clear(),
    }
    Some(rtype)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tokens() {
        let line = b"Ab..c.\tx  \\y";
        let mut pos = 0;
        let t = plain_token(line, &mut pos).unwrap();
        assert_eq!(t.bytes, b"Ab..c.");
        assert!(t.double_dot && t.classes & UPPER != 0 && t.classes & SPECIAL == 0);
        let t = plain_token(line, &mut pos).unwrap();
        assert_eq!(t.bytes, b"x");
        assert!(!t.double_dot && t.classes == 0);
        let t = plain_token(line, &mut pos).unwrap();
        assert!(t.classes & SPECIAL != 0);
        assert!(plain_token(line, &mut pos).is_none());
    }

    /// The general path alone on one line.
    fn general(line: &[u8], out: &mut Out) -> Option<RecordType> {
        let mut z = ZoneState::new(None, 1 << 16);
        z.start_line = 1;
        z.blank_owner = line.first().is_some_and(|&b| b == b' ' || b == b'\t');
        z.tokenize(line).ok()?;
        if z.depth != 0 {
            return None;
        }
        match z.finish_record(out) {
            Step::Record => out.rtype,
            _ => None,
        }
    }

    fn check_same(line: &str) -> Result<bool, proptest::test_runner::TestCaseError> {
        let mut fast = Out::default();
        let Some(t) = fast_record(line.as_bytes(), &mut fast) else {
            return Ok(false);
        };
        let mut slow = Out::default();
        let g = general(line.as_bytes(), &mut slow);
        proptest::prop_assert_eq!(g, Some(t), "{:?}", line);
        proptest::prop_assert_eq!(&fast.name, &slow.name, "{:?}", line);
        if t == RecordType::NS || t == RecordType::SOA {
            proptest::prop_assert_eq!(&fast.rdata, &slow.rdata, "{:?}", line);
        }
        Ok(true)
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 2000,
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// Differential, on record-shaped lines.
        #[test]
        fn fast_path_agrees_on_record_shapes(
            owner in proptest::sample::select(vec!["a.", "Ab.C.", "x..y.", ".", "é.", "a", "@", "\\066.", "a.b"]),
            fields in proptest::collection::vec(
                proptest::sample::select(vec!["3600", "IN", "in", "1h", "CH", "CLASS1"]), 0..4),
            rtype in proptest::sample::select(vec!["NS", "ns", "A", "SOA", "TXT", "TYPE2", "bogus"]),
            rdata in proptest::sample::select(vec!["b.", "B.c.", "b", "(", "\"x\"", "\\066.", "", "é."]),
            tail in proptest::sample::select(vec!["", " ; c", " (", " x y", "\t\"(\"", " )"]),
            sep in proptest::sample::select(vec![" ", "\t", " \t "]),
        ) {
            let line = format!("{owner}{sep}{}{sep}{rtype}{sep}{rdata}{tail}", fields.join(sep));
            check_same(&line)?;
        }

        /// Differential: whatever the fast path accepts, the general path
        /// reads the same way.
        #[test]
        fn fast_path_agrees_with_general_path(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Bc", ".", "..", " ", "\t", "\\", "\\065", "\"", ";", "(", ")", "@", "3600",
                    "1h", "IN", "in", "CH", "ns", "NS", "soa", "A", "TXT", "TYPE99", "CLASS1", "é",
                    "\r", "$", "x.", "-",
                ]),
                1..24,
            )
        ) {
            check_same(&parts.concat())?;
        }
    }

    #[test]
    fn fast_path_takes_czds_and_dig_lines() {
        let mut out = Out::default();
        let czds = b"example.com.\t172800\tin\tns\ta.iana-servers.net.";
        assert_eq!(fast_record(czds, &mut out), Some(RecordType::NS));
        assert_eq!((out.name.as_str(), out.rdata.as_str()), ("example.com", "a.iana-servers.net"));
        let dig = b"XN--P1AI.\t\t172800\tIN\tDS\t14237 8 2 ABCDEF";
        assert_eq!(fast_record(dig, &mut out), Some(RecordType::DS));
        assert_eq!(out.name, "xn--p1ai");
        for slow in [&b"www A 1.2.3.4"[..], b"a. 1 1 NS b.", b"a. NS (b.", b"a\\. NS b.", b" NS b."]
        {
            assert_eq!(fast_record(slow, &mut out), None, "{:?}", String::from_utf8_lossy(slow));
        }
    }

    #[test]
    fn ttl_and_class() {
        assert!(is_ttl(b"3600"));
        assert!(is_ttl(b"1h30m"));
        assert!(is_ttl(b"1W"));
        assert!(!is_ttl(b"h1"));
        assert!(!is_ttl(b"1hh"));
        assert!(!is_ttl(b"NS"));
        assert!(is_class(b"in"));
        assert!(is_class(b"CLASS255"));
        assert!(!is_class(b"NS"));
    }
}

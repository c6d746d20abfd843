//! The protected-name index: which protected names does a label look like?
//!
//! Built from a list of names (`paypal.com`), keyed on the key at a
//! [`Level`] of each name's leftmost label. Lookups hash the label's key to a
//! 64-bit fingerprint and test a hash set (the hot path: almost every label
//! misses); a hit is confirmed in an `fst::Map` from key to owners.
//!
//! File format (little-endian), version [`INDEX_FORMAT_VERSION`]:
//!
//! | bytes | field |
//! |---|---|
//! | 0..8 | magic `IDNSIDX\0` |
//! | 8..10 | format version (u16) |
//! | 10 | level (1 = uts39, 2 = domain, 3 = loose) |
//! | 11 | reserved, 0 |
//! | 12..16 | Unicode version major, minor, update, 0 |
//! | 16..20 | confusables.txt version major, minor, update, 0 |
//! | 20..28 | FNV-1a 64 of the supplementary homoglyph table |
//! | 28..36 | length of the fst section (u64) |
//! | 36..44 | length of the owners section (u64) |
//! | 44.. | fst map: key -> `start << 32 \| count` into the owners |
//! | .. | owners: per owner `u16 len, name, u16 len, protected label` |
//! | last 4 | CRC-32 of everything before it |

use std::collections::BTreeMap;
use std::hash::Hasher;

use fst::Streamer;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::Serialize;

use crate::checksum::{crc32, fnv1a64};
use crate::error::{ConfusablesError, ErrorKind};
use crate::level::{GLYPHS_TSV, HOMOGLYPHS_TSV, Level, key_into};

/// The first eight bytes of every index file.
pub const INDEX_MAGIC: [u8; 8] = *b"IDNSIDX\0";
/// The version of the file layout.
pub const INDEX_FORMAT_VERSION: u16 = 1;
/// The Unicode version of the skeleton data (major, minor, update).
pub const UNICODE_VERSION: (u8, u8, u8) = (18, 0, 0);
/// The version of UTS #39 confusables.txt behind the skeletons.
pub const CONFUSABLES_VERSION: (u8, u8, u8) = (18, 0, 0);
/// Identifies the supplementary homoglyph table's contents.
/// Covers the curated and the glyph-derived tables.
pub const HOMOGLYPHS_ID: u64 =
    fnv1a64(HOMOGLYPHS_TSV.as_bytes()) ^ fnv1a64(GLYPHS_TSV.as_bytes()).rotate_left(1);
/// Default cap on the number of names in one index.
pub const DEFAULT_MAX_NAMES: usize = 2_000_000;
/// The longest domain name (RFC 1035 §2.3.4, presentation form).
const MAX_NAME_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;
const HEADER_LEN: usize = 44;
/// Longest key accepted from a file: a 63-octet label whose characters all
/// have the longest prototypes stays far below.
const MAX_KEY_LEN: usize = 4096;

fn fingerprint(key: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(key.as_bytes());
    h.finish()
}

/// The protected label of a name: its leftmost label, lower-cased, decoded
/// from Punycode when it is an A-label.
fn protected_label(name: &str) -> Result<String, String> {
    let first = name.split('.').next().unwrap_or(name);
    if first.is_empty() {
        return Err("its first label is empty".into());
    }
    if first.len() > MAX_LABEL_LEN {
        return Err(format!("its first label is longer than {MAX_LABEL_LEN} octets"));
    }
    decode_label(first).map_err(|e| e.message().to_owned())
}

/// Decodes an A-label (`xn--...`) to its U-label; other labels are
/// lower-cased. The result is not checked for IDNA2008 validity.
/// A-labels longer than a DNS label (RFC 1035 §2.3.4) are refused before
/// decoding, which bounds the work done on hostile input.
/// Errors have the code `LABEL_INVALID`.
pub fn decode_label(label: &str) -> Result<String, ConfusablesError> {
    let invalid = |m: String| ConfusablesError::new(ErrorKind::LabelInvalid, m);
    if label.len() > MAX_LABEL_LEN && label.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    {
        return Err(invalid(format!("an A-label is longer than {MAX_LABEL_LEN} octets")));
    }
    let lower = label.to_lowercase();
    match lower.strip_prefix("xn--") {
        Some(puny) => match idna::punycode::decode_to_string(puny) {
            Some(u) if !u.is_empty() => Ok(u),
            _ => Err(invalid(format!("{label:?} is not a valid A-label (bad Punycode)"))),
        },
        None => Ok(lower),
    }
}

/// Collects protected names and builds a [`ProtectedIndex`].
#[derive(Debug)]
pub struct ProtectedIndexBuilder {
    level: Level,
    max_names: usize,
    /// (name, protected label)
    names: Vec<(String, String)>,
}

impl ProtectedIndexBuilder {
    /// A builder for an index at `level`.
    pub fn new(level: Level) -> Self {
        ProtectedIndexBuilder { level, max_names: DEFAULT_MAX_NAMES, names: Vec::new() }
    }

    /// Caps the number of names (default [`DEFAULT_MAX_NAMES`]).
    pub fn max_names(mut self, n: usize) -> Self {
        self.max_names = n;
        self
    }

    /// Adds one name (`paypal.com`, `xn--80ak6aa92e.com` or `пример.рф`).
    /// Surrounding white space and a trailing dot are ignored.
    pub fn add_name(&mut self, name: &str) -> Result<(), ConfusablesError> {
        let name = name.trim().trim_end_matches('.');
        if name.is_empty() {
            return Err(ConfusablesError::new(
                ErrorKind::ProtectedNameInvalid,
                "a protected name is empty",
            ));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(ConfusablesError::new(
                ErrorKind::ProtectedNameInvalid,
                format!("a protected name is longer than {MAX_NAME_LEN} octets"),
            ));
        }
        if self.names.len() >= self.max_names {
            return Err(ConfusablesError::new(
                ErrorKind::ProtectedListTooLarge,
                format!("the protected-name list has more than {} names", self.max_names),
            ));
        }
        let name = name.to_lowercase();
        let label = protected_label(&name).map_err(|why| {
            ConfusablesError::new(
                ErrorKind::ProtectedNameInvalid,
                format!("protected name {name:?}: {why}"),
            )
        })?;
        self.names.push((name, label));
        Ok(())
    }

    /// Adds every name of a list: one name a line, `#` starts a comment
    /// (so Chromium's `###END_TOP_BUCKET###` line is skipped). Returns the
    /// number of names added; errors name the line.
    pub fn add_list(&mut self, text: &str) -> Result<usize, ConfusablesError> {
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            self.add_name(line).map_err(|e| {
                ConfusablesError::new(e.kind(), format!("line {}: {}", i + 1, e.message()))
            })?;
            n += 1;
        }
        Ok(n)
    }

    /// Builds the index.
    pub fn build(self) -> Result<ProtectedIndex, ConfusablesError> {
        let mut by_key: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut buf = String::new();
        for (name, label) in self.names {
            key_into(&label, self.level, &mut buf);
            let owners = by_key.entry(buf.clone()).or_default();
            if !owners.iter().any(|(n, _)| *n == name) {
                owners.push((name, label));
            }
        }
        let mut builder = fst::MapBuilder::memory();
        let mut owners: Vec<Owner> = Vec::new();
        for (key, list) in &by_key {
            let value = ((owners.len() as u64) << 32) | list.len() as u64;
            builder
                .insert(key, value)
                .map_err(|e| corrupt(format!("cannot build the index: {e}")))?;
            owners.extend(
                list.iter()
                    .map(|(n, l)| Owner { name: n.as_str().into(), label: l.as_str().into() }),
            );
        }
        let bytes =
            builder.into_inner().map_err(|e| corrupt(format!("cannot build the index: {e}")))?;
        let map =
            fst::Map::new(bytes).map_err(|e| corrupt(format!("cannot build the index: {e}")))?;
        let fingerprints = by_key.keys().map(|k| fingerprint(k)).collect();
        let mut values = Vec::with_capacity(by_key.len());
        let mut stream = map.stream();
        while let Some((k, v)) = stream.next() {
            values.push((String::from_utf8_lossy(k).into_owned(), v));
        }
        let near = NearIndex::new(values.iter().map(|(k, v)| (k.as_str(), *v)));
        Ok(ProtectedIndex { level: self.level, map, owners, fingerprints, near })
    }
}

/// Protected keys of `NEAR_MIN_CHARS..=NEAR_MAX_CHARS` characters get
/// edit-distance-1 matching ([`ProtectedIndex::near_lookalikes`]); shorter
/// keys would match too many unrelated labels.
pub const NEAR_MIN_CHARS: usize = 4;
/// See [`NEAR_MIN_CHARS`].
pub const NEAR_MAX_CHARS: usize = 16;

/// Edit-distance-1 candidates by deletion neighbourhoods: each short key is
/// filed under its own fingerprint and that of every one-character deletion.
/// A label key `q` within one edit of `k` has `q == del(k)` (deletion),
/// `del(q) == k` (insertion) or `del(q) == del(k)` (substitution); the
/// candidates are then confirmed by [`within_one_edit`].
#[derive(Clone, Debug, Default)]
struct NearIndex {
    keys: Vec<(Box<str>, u64)>,
    by_fp: FxHashMap<u64, Vec<u32>>,
}

fn for_each_deletion(key: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for (i, c) in key.char_indices() {
        buf.clear();
        buf.push_str(key.get(..i).unwrap_or_default());
        buf.push_str(key.get(i + c.len_utf8()..).unwrap_or_default());
        f(buf);
    }
}

/// Whether two strings are at most one character insertion, deletion or
/// substitution apart (Levenshtein distance <= 1).
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    match long.len() - short.len() {
        0 => short.iter().zip(long.iter()).filter(|(x, y)| x != y).count() <= 1,
        1 => {
            let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
            short.get(prefix..) == long.get(prefix + 1..)
        }
        _ => false,
    }
}

impl NearIndex {
    fn new<'a>(entries: impl Iterator<Item = (&'a str, u64)>) -> NearIndex {
        let mut near = NearIndex::default();
        let mut buf = String::new();
        for (key, value) in entries {
            let n = key.chars().count();
            if !(NEAR_MIN_CHARS..=NEAR_MAX_CHARS).contains(&n) {
                continue;
            }
            let id = near.keys.len() as u32;
            near.keys.push((key.into(), value));
            near.by_fp.entry(fingerprint(key)).or_default().push(id);
            for_each_deletion(key, &mut buf, |d| {
                let ids = near.by_fp.entry(fingerprint(d)).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            });
        }
        near
    }
}

fn corrupt(msg: impl Into<String>) -> ConfusablesError {
    ConfusablesError::new(ErrorKind::IndexCorrupt, msg)
}

#[derive(Clone, Debug)]
struct Owner {
    name: Box<str>,
    label: Box<str>,
}

/// A protected name that a label looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ProtectedMatch<'a> {
    /// The protected name as listed (lower-cased), e.g. `paypal.com`.
    pub name: &'a str,
    /// Its protected label (U-label form), e.g. `paypal`.
    pub label: &'a str,
}

/// An immutable index of protected names; `Sync`, share it between threads.
#[derive(Clone)]
pub struct ProtectedIndex {
    level: Level,
    map: fst::Map<Vec<u8>>,
    owners: Vec<Owner>,
    fingerprints: FxHashSet<u64>,
    near: NearIndex,
}

impl std::fmt::Debug for ProtectedIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProtectedIndex")
            .field("level", &self.level)
            .field("keys", &self.map.len())
            .field("names", &self.owners.len())
            .finish()
    }
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

fn read_str<'a>(bytes: &'a [u8], pos: &mut usize) -> Option<&'a str> {
    let len: [u8; 2] = bytes.get(*pos..*pos + 2)?.try_into().ok()?;
    let len = u16::from_le_bytes(len) as usize;
    let s = std::str::from_utf8(bytes.get(*pos + 2..*pos + 2 + len)?).ok()?;
    *pos += 2 + len;
    Some(s)
}

/// Reads every (key, value) of a serialized fst map. The checksum has
/// already matched, so damage here means a crafted file; `fst` 0.4 asserts
/// rather than returns errors on some malformed input, so the walk runs under
/// `catch_unwind` and a panic becomes `INDEX_CORRUPT` (with `panic = "abort"`
/// such a file would abort instead).
///
/// `max` bounds the number of entries (each key has at least one owner).
fn read_fst_entries(bytes: &[u8], max: usize) -> Result<Vec<(Vec<u8>, u64)>, ConfusablesError> {
    let walk = || -> Result<Vec<(Vec<u8>, u64)>, ConfusablesError> {
        let map = fst::Map::new(bytes).map_err(|e| corrupt(format!("bad fst section: {e}")))?;
        let mut out = Vec::with_capacity(map.len().min(1 << 20));
        let mut stream = map.stream();
        while let Some((k, v)) = stream.next() {
            if out.len() >= max || k.len() > MAX_KEY_LEN {
                return Err(corrupt(
                    "the fst section holds more or longer keys than the owners allow",
                ));
            }
            out.push((k.to_vec(), v));
        }
        Ok(out)
    };
    std::panic::catch_unwind(walk).unwrap_or_else(|_| Err(corrupt("bad fst section")))
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    // Names are at most 253 octets, so the length fits a u16.
    let len = u16::try_from(s.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(s.as_bytes().get(..len as usize).unwrap_or_default());
}

fn version_bytes(v: (u8, u8, u8)) -> [u8; 4] {
    [v.0, v.1, v.2, 0]
}

impl ProtectedIndex {
    /// Builds an index at `level` from a name list (see
    /// [`ProtectedIndexBuilder::add_list`]).
    pub fn from_list(text: &str, level: Level) -> Result<ProtectedIndex, ConfusablesError> {
        let mut b = ProtectedIndexBuilder::new(level);
        b.add_list(text)?;
        b.build()
    }

    /// The level the index was built at; lookups use it.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The number of protected names.
    pub fn len(&self) -> usize {
        self.owners.len()
    }

    /// Whether the index holds no names.
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// The number of distinct keys.
    pub fn key_count(&self) -> usize {
        self.map.len()
    }

    fn owners_of(&self, key: &str) -> &[Owner] {
        let Some(v) = self.map.get(key) else { return &[] };
        let start = (v >> 32) as usize;
        let count = (v & 0xFFFF_FFFF) as usize;
        self.owners.get(start..start.saturating_add(count)).unwrap_or_default()
    }

    /// Appends to `out` the protected names `label` looks like. `label` is a
    /// U-label (decode A-labels first, see [`decode_label`]); `key_buf` is
    /// scratch space reused between calls so that a miss allocates nothing.
    ///
    /// A protected name whose protected label equals `label` (case-
    /// insensitively) is not a lookalike and is left out; see
    /// [`ProtectedIndex::exact`].
    pub fn lookalikes_into<'a>(
        &'a self,
        label: &str,
        key_buf: &mut String,
        out: &mut Vec<ProtectedMatch<'a>>,
    ) {
        key_into(label, self.level, key_buf);
        self.lookalikes_with_key(label, key_buf, out);
    }

    /// [`Self::lookalikes_into`] for a caller that already has the label's
    /// key at this index's [`level`](Self::level) (`key(label, level)`), so
    /// it is not computed twice.
    pub fn lookalikes_with_key<'a>(
        &'a self,
        label: &str,
        key_buf: &str,
        out: &mut Vec<ProtectedMatch<'a>>,
    ) {
        if !self.fingerprints.contains(&fingerprint(key_buf)) {
            return;
        }
        let owners = self.owners_of(key_buf);
        if owners.is_empty() {
            return;
        }
        let lower = label.to_lowercase();
        out.extend(
            owners
                .iter()
                .filter(|o| *o.label != *lower)
                .map(|o| ProtectedMatch { name: &o.name, label: &o.label }),
        );
    }

    /// The protected names `label` looks like (see [`Self::lookalikes_into`]).
    pub fn lookalikes(&self, label: &str) -> Vec<ProtectedMatch<'_>> {
        let mut out = Vec::new();
        let mut buf = String::new();
        self.lookalikes_into(label, &mut buf, &mut out);
        out
    }

    /// A weaker warning than [`Self::lookalikes`]: protected names whose key
    /// is one character insertion, deletion or substitution away from the
    /// key of `label` (`paypa1l` ~ `paypal`, `g00glle` ~ `google`). Only
    /// protected keys of [`NEAR_MIN_CHARS`] to [`NEAR_MAX_CHARS`] characters
    /// take part; names that [`Self::lookalikes`] or [`Self::exact`] report
    /// are left out.
    pub fn near_lookalikes(&self, label: &str) -> Vec<ProtectedMatch<'_>> {
        let mut out = Vec::new();
        let mut key = String::new();
        key_into(label, self.level, &mut key);
        let n = key.chars().count();
        if n + 1 < NEAR_MIN_CHARS || n > NEAR_MAX_CHARS + 1 || self.near.keys.is_empty() {
            return out;
        }
        let mut ids: Vec<u32> =
            self.near.by_fp.get(&fingerprint(&key)).cloned().unwrap_or_default();
        let mut buf = String::new();
        for_each_deletion(&key, &mut buf, |d| {
            if let Some(more) = self.near.by_fp.get(&fingerprint(d)) {
                ids.extend_from_slice(more);
            }
        });
        ids.sort_unstable();
        ids.dedup();
        let lower = label.to_lowercase();
        for id in ids {
            let Some((k, v)) = self.near.keys.get(id as usize) else { continue };
            if **k == *key || !within_one_edit(k, &key) {
                continue;
            }
            let start = (v >> 32) as usize;
            let count = (v & 0xFFFF_FFFF) as usize;
            let owners = self.owners.get(start..start.saturating_add(count)).unwrap_or_default();
            out.extend(
                owners
                    .iter()
                    .filter(|o| *o.label != *lower)
                    .map(|o| ProtectedMatch { name: &o.name, label: &o.label }),
            );
        }
        out
    }

    /// The protected names whose protected label is `label` itself.
    pub fn exact(&self, label: &str) -> Vec<ProtectedMatch<'_>> {
        let lower = label.to_lowercase();
        let mut buf = String::new();
        key_into(&lower, self.level, &mut buf);
        self.owners_of(&buf)
            .iter()
            .filter(|o| *o.label == *lower)
            .map(|o| ProtectedMatch { name: &o.name, label: &o.label })
            .collect()
    }

    /// Serializes the index (see the module docs for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let fst = self.map.as_fst().as_bytes();
        let mut owners = Vec::new();
        for o in &self.owners {
            write_str(&mut owners, &o.name);
            write_str(&mut owners, &o.label);
        }
        let mut out = Vec::with_capacity(HEADER_LEN + fst.len() + owners.len() + 4);
        out.extend_from_slice(&INDEX_MAGIC);
        out.extend_from_slice(&INDEX_FORMAT_VERSION.to_le_bytes());
        out.push(self.level.to_byte());
        out.push(0);
        out.extend_from_slice(&version_bytes(UNICODE_VERSION));
        out.extend_from_slice(&version_bytes(CONFUSABLES_VERSION));
        out.extend_from_slice(&HOMOGLYPHS_ID.to_le_bytes());
        out.extend_from_slice(&(fst.len() as u64).to_le_bytes());
        out.extend_from_slice(&(owners.len() as u64).to_le_bytes());
        out.extend_from_slice(fst);
        out.extend_from_slice(&owners);
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Whether `bytes` start like an index file (its magic).
    pub fn is_index_file(bytes: &[u8]) -> bool {
        bytes.starts_with(&INDEX_MAGIC)
    }

    /// Loads an index written by [`Self::to_bytes`], refusing files of
    /// another format, Unicode, confusables or homoglyph-table version
    /// (`INDEX_VERSION_MISMATCH`), a bad checksum (`INDEX_CHECKSUM_MISMATCH`)
    /// and malformed contents (`INDEX_CORRUPT`).
    pub fn from_bytes(bytes: &[u8]) -> Result<ProtectedIndex, ConfusablesError> {
        if !Self::is_index_file(bytes) {
            return Err(corrupt(
                "this is not an idnsafe protected-name index file (bad magic bytes)",
            ));
        }
        if bytes.len() < HEADER_LEN + 4 {
            return Err(corrupt("the index file is truncated"));
        }
        let mismatch = |what: &str, found: String, want: String| {
            ConfusablesError::new(
                ErrorKind::IndexVersionMismatch,
                format!(
                    "the index file was built with {what} {found}, this program uses {want}: rebuild the index"
                ),
            )
        };
        let format = bytes.get(8..10).and_then(|b| b.try_into().ok()).map_or(0, u16::from_le_bytes);
        if format != INDEX_FORMAT_VERSION {
            return Err(mismatch(
                "index format",
                format.to_string(),
                INDEX_FORMAT_VERSION.to_string(),
            ));
        }
        let (body, tail) = bytes.split_at(bytes.len() - 4);
        let stored = tail.try_into().map_or(0, u32::from_le_bytes);
        if crc32(body) != stored {
            return Err(ConfusablesError::new(
                ErrorKind::IndexChecksumMismatch,
                "the index file is damaged (checksum mismatch): rebuild or copy it again",
            ));
        }
        let ver = |at: usize| match body.get(at..at + 3) {
            Some(&[a, b, c]) => Some(format!("{a}.{b}.{c}")),
            _ => None,
        };
        let want = |v: (u8, u8, u8)| format!("{}.{}.{}", v.0, v.1, v.2);
        let uni = ver(12).unwrap_or_default();
        if uni != want(UNICODE_VERSION) {
            return Err(mismatch("Unicode", uni, want(UNICODE_VERSION)));
        }
        let conf = ver(16).unwrap_or_default();
        if conf != want(CONFUSABLES_VERSION) {
            return Err(mismatch("confusables.txt", conf, want(CONFUSABLES_VERSION)));
        }
        let level = body
            .get(10)
            .copied()
            .and_then(Level::from_byte)
            .ok_or_else(|| corrupt("unknown level byte"))?;
        let homoglyphs = read_u64(body, 20).unwrap_or(0);
        if level != Level::Uts39 && homoglyphs != HOMOGLYPHS_ID {
            return Err(mismatch(
                "supplementary homoglyph table",
                format!("{homoglyphs:016x}"),
                format!("{HOMOGLYPHS_ID:016x}"),
            ));
        }
        let fst_len = read_u64(body, 28).unwrap_or(u64::MAX);
        let owners_len = read_u64(body, 36).unwrap_or(u64::MAX);
        let sizes_ok =
            fst_len.checked_add(owners_len).and_then(|n| n.checked_add(HEADER_LEN as u64))
                == Some(body.len() as u64);
        if !sizes_ok {
            return Err(corrupt("the index file's section sizes do not add up"));
        }
        let fst_end = HEADER_LEN + fst_len as usize;
        let fst_bytes =
            body.get(HEADER_LEN..fst_end).ok_or_else(|| corrupt("fst section out of range"))?;
        let owner_bytes = body.get(fst_end..).unwrap_or_default();
        let entries = read_fst_entries(fst_bytes, owner_bytes.len() / 4)?;
        let mut owners = Vec::new();
        let mut pos = 0;
        while pos < owner_bytes.len() {
            let name =
                read_str(owner_bytes, &mut pos).ok_or_else(|| corrupt("bad owners section"))?;
            let label =
                read_str(owner_bytes, &mut pos).ok_or_else(|| corrupt("bad owners section"))?;
            owners.push(Owner { name: name.into(), label: label.into() });
        }
        // Rebuild the map from the validated entries so that every later
        // lookup runs on an fst this program wrote itself.
        let mut builder = fst::MapBuilder::memory();
        let mut fingerprints = FxHashSet::default();
        for (k, v) in &entries {
            let start = (v >> 32) as usize;
            let count = (v & 0xFFFF_FFFF) as usize;
            if count == 0 || start.checked_add(count).is_none_or(|end| end > owners.len()) {
                return Err(corrupt("an fst value points outside the owners section"));
            }
            let k = std::str::from_utf8(k).map_err(|_| corrupt("a key is not UTF-8"))?;
            fingerprints.insert(fingerprint(k));
            builder.insert(k, *v).map_err(|e| corrupt(format!("bad fst section: {e}")))?;
        }
        let bytes = builder.into_inner().map_err(|e| corrupt(format!("bad fst section: {e}")))?;
        let map = fst::Map::new(bytes).map_err(|e| corrupt(format!("bad fst section: {e}")))?;
        let near = NearIndex::new(
            entries.iter().filter_map(|(k, v)| std::str::from_utf8(k).ok().map(|k| (k, *v))),
        );
        Ok(ProtectedIndex { level, map, owners, fingerprints, near })
    }

    /// Writes the index to a file.
    pub fn save(&self, path: &std::path::Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_bytes())
    }
}

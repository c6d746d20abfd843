//! The protected-name index: which protected names does a label look like?
//!
//! Built from a list of names (`paypal.com`), keyed on the key at a
//! [`Level`] of each name's leftmost label. An index is one byte layout,
//! used as is whether it was just built ([`ProtectedIndexBuilder::build`],
//! held in memory) or opened from a file ([`ProtectedIndex::open`], memory-
//! mapped): opening checks the header and a CRC-32 and reads nothing else,
//! so a 1,000,000-name index opens in milliseconds and its resident memory
//! is at most the file. Lookups hash the label's key to a 64-bit fingerprint
//! and search a sorted fingerprint table (the hot path: almost every label
//! misses); a hit is confirmed in an `fst::Map` from key to key id, whose
//! owners (protected names) are read from the file when reported.
//!
//! File format (little-endian), version [`INDEX_FORMAT_VERSION`]:
//!
//! | bytes | field |
//! |---|---|
//! | 0..8 | magic `IDNSIDX\0` |
//! | 8..10 | format version (u16) |
//! | 10 | level ([`Level::to_byte`]) |
//! | 11 | reserved, 0 |
//! | 12..16 | Unicode version major, minor, update, 0 |
//! | 16..20 | confusables.txt version major, minor, update, 0 |
//! | 20..28 | identity of the supplementary homoglyph table ([`HOMOGLYPHS_ID`]) |
//! | 28..76 | lengths (u64) of the six sections below, in order |
//! | 76 | directory bits of the key table |
//! | 77 | directory bits of the near table |
//! | 78..80 | reserved, 0 |
//! | 80.. | **fst**: an `fst::Map` from each key to its key id `0..K` (keys in byte order) |
//! | .. | **key owners**: `K + 1` u32, owners of key `i` are `[k[i], k[i+1])` |
//! | .. | **owner offsets**: `N + 1` u32 into the owner records, the last is their length |
//! | .. | **owner records**: per name `u16 len, name`, then its protected label, left empty when it is the name's first label |
//! | .. | **key table**: the fingerprints of the `K` keys (fingerprint table without values) |
//! | .. | **near table**: for each key of [`NEAR_MIN_CHARS`]..=[`NEAR_MAX_CHARS`] characters, the fingerprint of each one-character deletion, with the key id as value |
//! | last 4 | CRC-32 of everything before it |
//!
//! Fingerprint tables are laid out as described in the `table` submodule: a
//! directory on the top bits, then 16 more fingerprint bits per entry, then
//! the values. Fingerprints are FNV-1a 64 of the key's UTF-8 finished with the
//! SplitMix64 mixer, so they are the same on every platform and build.
//!
//! Opening checks the magic, the format and data versions, the CRC-32 (`crc32fast`:
//! a 75 MB file opens in about 4 ms), that the sections tile the file, that the
//! directories and offset arrays are sorted and end where their sections
//! end, and that the fst's header is sound and counts `K` keys. It does not
//! walk the fst: the builder validated it when it wrote it, and the CRC shows
//! it arrived unchanged. A crafted file with a matching CRC can still hold a
//! malformed fst; `fst` 0.4 has no `unsafe` code and signals that with a
//! panic, which lookups catch (`catch_unwind`) and treat as a miss. Owner
//! records are read when a name is reported; a malformed record is skipped.
//!
//! Size: 1,000,000 names make a 75 MB file (format 1: 36 MB, but loading it
//! took seconds and 670 MB of memory), most of it the near table at 6 bytes
//! per one-character deletion of a key. `cargo bench -p idnsafe-confusables
//! --bench index` builds, opens and queries such an index.
//!
//! Format-1 files (idnsafe before the memory-mapped layout) are refused with
//! `INDEX_VERSION_MISMATCH`: rebuild them with `idnsafe index build`.
//!
//! A memory-mapped index must not be changed in place while it is open
//! (truncating it would fault the process); [`ProtectedIndex::save`] writes
//! a new file and renames it over the old one, so processes that have the
//! old file open keep reading the old contents.

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::checksum::{crc32, fnv1a64};
use crate::error::{ConfusablesError, ErrorKind};
use crate::evidence::within_one_edit;
use crate::level::{GLYPHS_TSV, HOMOGLYPHS_TSV, Level, key_into};

mod table;

use table::{Table, u32_at};

/// The first eight bytes of every index file.
pub const INDEX_MAGIC: [u8; 8] = *b"IDNSIDX\0";
/// The version of the file layout.
pub const INDEX_FORMAT_VERSION: u16 = 2;
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
const HEADER_LEN: usize = 80;
const SECTIONS: usize = 6;
const SECTION_LENS_AT: usize = 28;

/// A key's fingerprint: a word-at-a-time multiply-rotate hash finished
/// with SplitMix64's mixer, so that the top bits (the table directories)
/// are well spread. Stable: it is stored in index files.
///
/// Every label a lookup sees is fingerprinted, so whole words are loaded
/// directly and the last partial word is assembled from its bytes (copying
/// it into a zeroed buffer called `memcpy`, a third of a lookup's time);
/// the value is the same: the partial word is read little-endian and
/// zero-padded.
#[inline]
fn fingerprint(key: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = key.as_bytes();
    let mut z = K ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w: [u8; 8] = w.try_into().unwrap_or_default();
        z = (z ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let w = tail.iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        z = (z ^ w).wrapping_mul(K).rotate_left(29);
    }
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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

    /// Builds the index: keys are computed in parallel, names sorted by key
    /// (a name listed twice is kept once), and the file layout written
    /// directly; the result is the same bytes [`ProtectedIndex::to_bytes`]
    /// returns and [`ProtectedIndex::open`] maps.
    pub fn build(self) -> Result<ProtectedIndex, ConfusablesError> {
        let level = self.level;
        let names = self.names;
        if u32::try_from(names.len()).is_err() {
            return Err(ConfusablesError::new(
                ErrorKind::ProtectedListTooLarge,
                "the protected-name list is too large for one index (more than 2^32 names)",
            ));
        }
        let keys: Vec<String> = names
            .par_iter()
            .map_init(String::new, |buf, (_, label)| {
                key_into(label, level, buf);
                buf.clone()
            })
            .collect();
        let mut order: Vec<(&str, u32)> =
            keys.iter().enumerate().map(|(i, k)| (k.as_str(), i as u32)).collect();
        order.par_sort_unstable();

        let distinct: Vec<&str> =
            order.chunk_by(|a, b| a.0 == b.0).filter_map(|g| g.first().map(|e| e.0)).collect();
        // The fst is built on one thread while the fingerprint tables are
        // computed on the others.
        let (owners, (key_fps, near)) =
            rayon::join(|| write_owners(&order, &names), || fingerprints(&distinct));
        let Owners { fst, key_owners, offsets, records } = owners?;

        let (key_bits, near_bits) =
            (table::bits_for(key_fps.len(), 2), table::bits_for(near.len(), 8));
        let mut out = Vec::with_capacity(
            HEADER_LEN
                + fst.len()
                + key_owners.len()
                + offsets.len()
                + records.len()
                + (key_fps.len() * 2 + near.len() * 6)
                + ((2 << key_bits) + (2 << near_bits) + 2) * 4
                + 4,
        );
        out.extend_from_slice(&INDEX_MAGIC);
        out.extend_from_slice(&INDEX_FORMAT_VERSION.to_le_bytes());
        out.push(level.to_byte());
        out.push(0);
        out.extend_from_slice(&version_bytes(UNICODE_VERSION));
        out.extend_from_slice(&version_bytes(CONFUSABLES_VERSION));
        out.extend_from_slice(&HOMOGLYPHS_ID.to_le_bytes());
        out.extend_from_slice(&[0; SECTIONS * 8]); // section lengths, filled in below
        out.extend_from_slice(&[key_bits, near_bits, 0, 0]);
        let mut lens = [0u64; SECTIONS];
        let mut lens_iter = lens.iter_mut();
        for s in [&fst, &key_owners, &offsets, &records] {
            out.extend_from_slice(s);
            if let Some(l) = lens_iter.next() {
                *l = s.len() as u64;
            }
        }
        drop((fst, key_owners, offsets, records));
        for (entries, bits, with_values) in [(&key_fps, key_bits, false), (&near, near_bits, true)]
        {
            let start = out.len();
            table::write(entries, bits, with_values, &mut out);
            if let Some(l) = lens_iter.next() {
                *l = (out.len() - start) as u64;
            }
        }
        let header = lens.iter().flat_map(|l| l.to_le_bytes());
        for (slot, b) in out.iter_mut().skip(SECTION_LENS_AT).zip(header) {
            *slot = b;
        }
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        ProtectedIndex::from_backing(Backing::Owned(out))
    }
}

/// The fst, key owners, owner offsets and owner records sections.
struct Owners {
    fst: Vec<u8>,
    key_owners: Vec<u8>,
    offsets: Vec<u8>,
    records: Vec<u8>,
}

/// Writes the owner sections for `order` ((key, name index), sorted): key
/// ids are the keys' ranks; a name listed twice under a key is kept once.
fn write_owners(
    order: &[(&str, u32)],
    names: &[(String, String)],
) -> Result<Owners, ConfusablesError> {
    let too_large = || {
        ConfusablesError::new(
            ErrorKind::ProtectedListTooLarge,
            "the protected-name list is too large for one index (more than 4 GiB of names)",
        )
    };
    let mut fst = fst::MapBuilder::memory();
    let mut key_owners: Vec<u8> = Vec::new();
    let mut offsets: Vec<u8> = Vec::new();
    let mut records: Vec<u8> = Vec::new();
    let mut owner_count = 0u32;
    let mut kept: Vec<&str> = Vec::new();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for (id, group) in order.chunk_by(|a, b| a.0 == b.0).enumerate() {
        let Some(&(key, _)) = group.first() else { continue };
        key_owners.extend_from_slice(&owner_count.to_le_bytes());
        fst.insert(key, id as u64).map_err(|e| corrupt(format!("cannot build the index: {e}")))?;
        kept.clear();
        seen.clear();
        for &(_, i) in group {
            let Some((name, label)) = names.get(i as usize) else { continue };
            let dup =
                if group.len() > 16 { !seen.insert(name) } else { kept.contains(&name.as_str()) };
            if dup {
                continue;
            }
            kept.push(name);
            let at = u32::try_from(records.len()).map_err(|_| too_large())?;
            offsets.extend_from_slice(&at.to_le_bytes());
            write_record(&mut records, name, label);
            owner_count += 1;
        }
    }
    key_owners.extend_from_slice(&owner_count.to_le_bytes());
    let end = u32::try_from(records.len()).map_err(|_| too_large())?;
    offsets.extend_from_slice(&end.to_le_bytes());
    let fst = fst.into_inner().map_err(|e| corrupt(format!("cannot build the index: {e}")))?;
    Ok(Owners { fst, key_owners, offsets, records })
}

/// Fingerprint-table entries: (fingerprint, value), sorted.
type Entries = Vec<(u64, u32)>;

/// The key table's and the near table's entries.
fn fingerprints(distinct: &[&str]) -> (Entries, Entries) {
    let mut key_fps: Entries = distinct.par_iter().map(|k| (fingerprint(k), 0)).collect();
    key_fps.par_sort_unstable();
    let mut near: Entries = distinct
        .par_iter()
        .enumerate()
        .filter(|(_, k)| (NEAR_MIN_CHARS..=NEAR_MAX_CHARS).contains(&k.chars().count()))
        .map_init(String::new, |buf, (id, k)| {
            let mut fps = Vec::with_capacity(NEAR_MAX_CHARS);
            for_each_deletion(k, buf, |d| fps.push((fingerprint(d), id as u32)));
            fps.sort_unstable();
            fps.dedup();
            fps
        })
        .flatten_iter()
        .collect();
    near.par_sort_unstable();
    (key_fps, near)
}

/// One owner record: `u16 len, name`, then the protected label unless it is
/// the name's first label. Names are at most 253 octets, so the length fits.
fn write_record(out: &mut Vec<u8>, name: &str, label: &str) {
    let len = u16::try_from(name.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(name.as_bytes().get(..len as usize).unwrap_or_default());
    if name.split('.').next() != Some(label) {
        out.extend_from_slice(label.as_bytes());
    }
}

/// Protected keys of `NEAR_MIN_CHARS..=NEAR_MAX_CHARS` characters get
/// edit-distance-1 matching ([`ProtectedIndex::near_lookalikes`]); shorter
/// keys would match too many unrelated labels.
pub const NEAR_MIN_CHARS: usize = 4;
/// See [`NEAR_MIN_CHARS`].
pub const NEAR_MAX_CHARS: usize = 16;

fn for_each_deletion(key: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for (i, c) in key.char_indices() {
        buf.clear();
        buf.push_str(key.get(..i).unwrap_or_default());
        buf.push_str(key.get(i + c.len_utf8()..).unwrap_or_default());
        f(buf);
    }
}

fn corrupt(msg: impl Into<String>) -> ConfusablesError {
    ConfusablesError::new(ErrorKind::IndexCorrupt, msg)
}

fn version_bytes(v: (u8, u8, u8)) -> [u8; 4] {
    [v.0, v.1, v.2, 0]
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// The bytes of an index: built in memory or mapped from a file.
enum Backing {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl AsRef<[u8]> for Backing {
    fn as_ref(&self) -> &[u8] {
        match self {
            Backing::Owned(v) => v,
            Backing::Mapped(m) => m,
        }
    }
}

/// A range of an index's bytes (the fst section), shared between clones.
#[derive(Clone)]
struct Section {
    data: Arc<Backing>,
    range: Range<usize>,
}

impl AsRef<[u8]> for Section {
    fn as_ref(&self) -> &[u8] {
        (*self.data).as_ref().get(self.range.clone()).unwrap_or_default()
    }
}

/// Checks that `file[range]` is a sorted array of `u32` whose first element
/// is 0 and whose last is `last` (or, with `last` `None`, any value), and
/// returns its element count.
fn check_offsets(
    file: &[u8],
    range: &Range<usize>,
    last: Option<usize>,
    what: &str,
) -> Result<usize, ConfusablesError> {
    let bad = || corrupt(format!("the index file's {what} are malformed"));
    let bytes = file.get(range.clone()).ok_or_else(bad)?;
    if bytes.len() % 4 != 0 || bytes.len() < 4 {
        return Err(bad());
    }
    let mut prev = 0u32;
    for w in bytes.chunks_exact(4) {
        let v = w.try_into().map_or(u32::MAX, u32::from_le_bytes);
        if v < prev {
            return Err(bad());
        }
        prev = v;
    }
    if u32_at(bytes, 0) != Some(0) || last.is_some_and(|l| l != prev as usize) {
        return Err(bad());
    }
    Ok(bytes.len() / 4)
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
/// Cloning shares the bytes.
#[derive(Clone)]
pub struct ProtectedIndex {
    level: Level,
    data: Arc<Backing>,
    map: fst::Map<Section>,
    keys: usize,
    names: usize,
    key_owners: Range<usize>,
    offsets: Range<usize>,
    records: Range<usize>,
    key_table: Table,
    near_table: Table,
    /// For an index of at most [`SMALL_INDEX_KEYS`] keys, their fingerprints
    /// in a hash set (built at open from the fst, a few microseconds): the
    /// check every label makes then costs one hash probe. Larger indexes
    /// use the mapped table and stay the size of their file.
    small: Option<FxHashSet<u64>>,
}

/// Indexes with at most this many keys keep their fingerprints in memory.
const SMALL_INDEX_KEYS: usize = 1 << 16;

impl std::fmt::Debug for ProtectedIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProtectedIndex")
            .field("level", &self.level)
            .field("keys", &self.keys)
            .field("names", &self.names)
            .field("mapped", &matches!(*self.data, Backing::Mapped(_)))
            .finish()
    }
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
        self.names
    }

    /// Whether the index holds no names.
    pub fn is_empty(&self) -> bool {
        self.names == 0
    }

    /// The number of distinct keys.
    pub fn key_count(&self) -> usize {
        self.keys
    }

    fn file(&self) -> &[u8] {
        (*self.data).as_ref()
    }

    /// The id of `key`, if it is a protected key.
    fn key_id(&self, key: &str) -> Option<usize> {
        let fp = fingerprint(key);
        let present = match &self.small {
            Some(set) => set.contains(&fp),
            None => self.key_table.contains(self.file(), fp),
        };
        if !present {
            return None;
        }
        let map = &self.map;
        // A crafted fst (with a matching CRC) makes `fst` panic, not misbehave.
        let v = catch_unwind(AssertUnwindSafe(|| map.get(key))).ok().flatten()?;
        usize::try_from(v).ok().filter(|&id| id < self.keys)
    }

    /// The owner indexes of key `id`.
    fn owners(&self, id: usize) -> Range<usize> {
        let k = self.file().get(self.key_owners.clone()).unwrap_or_default();
        match (u32_at(k, id), u32_at(k, id + 1)) {
            (Some(a), Some(b)) => a as usize..(b as usize).min(self.names),
            _ => 0..0,
        }
    }

    /// Owner `i`, or `None` for a malformed record.
    fn owner(&self, i: usize) -> Option<ProtectedMatch<'_>> {
        let file = self.file();
        let offsets = file.get(self.offsets.clone())?;
        let records = file.get(self.records.clone())?;
        let (start, end) = (u32_at(offsets, i)? as usize, u32_at(offsets, i + 1)? as usize);
        let rec = records.get(start..end)?;
        let len: [u8; 2] = rec.get(..2)?.try_into().ok()?;
        let len = usize::from(u16::from_le_bytes(len));
        let name = std::str::from_utf8(rec.get(2..2 + len)?).ok()?;
        let rest = rec.get(2 + len..)?;
        let label = if rest.is_empty() {
            name.split('.').next()?
        } else {
            std::str::from_utf8(rest).ok()?
        };
        Some(ProtectedMatch { name, label })
    }

    /// Appends the owners of key `id` whose label is not `lower`.
    fn push_lookalikes<'a>(&'a self, id: usize, lower: &str, out: &mut Vec<ProtectedMatch<'a>>) {
        out.extend(self.owners(id).filter_map(|i| self.owner(i)).filter(|m| m.label != lower));
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
        let Some(id) = self.key_id(key_buf) else { return };
        self.push_lookalikes(id, &label.to_lowercase(), out);
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
    ///
    /// Candidates come from deletion neighbourhoods: a label key `q` within
    /// one edit of a protected key `k` has `q == del(k)` (the near table
    /// holds `del(k)`), `del(q) == del(k)`, or `del(q) == k` (the fst); each
    /// candidate's key is recomputed from its first owner's label and
    /// confirmed by an edit-distance check.
    pub fn near_lookalikes(&self, label: &str) -> Vec<ProtectedMatch<'_>> {
        let mut out = Vec::new();
        let mut key = String::new();
        key_into(label, self.level, &mut key);
        let n = key.chars().count();
        if n + 1 < NEAR_MIN_CHARS || n > NEAR_MAX_CHARS + 1 || self.near_table.len() == 0 {
            return out;
        }
        let file = self.file();
        let mut ids: Vec<usize> =
            self.near_table.values(file, fingerprint(&key)).map(|id| id as usize).collect();
        let mut buf = String::new();
        let shorter = (NEAR_MIN_CHARS..=NEAR_MAX_CHARS).contains(&(n - 1));
        for_each_deletion(&key, &mut buf, |d| {
            ids.extend(self.near_table.values(file, fingerprint(d)).map(|id| id as usize));
            if shorter {
                ids.extend(self.key_id(d));
            }
        });
        ids.sort_unstable();
        ids.dedup();
        let lower = label.to_lowercase();
        let mut theirs = String::new();
        for id in ids.into_iter().filter(|&id| id < self.keys) {
            let Some(first) = self.owners(id).find_map(|i| self.owner(i)) else { continue };
            key_into(first.label, self.level, &mut theirs);
            if theirs == key || !within_one_edit(&theirs, &key) {
                continue;
            }
            self.push_lookalikes(id, &lower, &mut out);
        }
        out
    }

    /// The protected names whose protected label is `label` itself.
    pub fn exact(&self, label: &str) -> Vec<ProtectedMatch<'_>> {
        let lower = label.to_lowercase();
        let mut buf = String::new();
        key_into(&lower, self.level, &mut buf);
        let Some(id) = self.key_id(&buf) else { return Vec::new() };
        self.owners(id).filter_map(|i| self.owner(i)).filter(|m| m.label == lower).collect()
    }

    /// The index's bytes, as written to a file (see the module docs for the
    /// layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.file().to_vec()
    }

    /// Whether `bytes` start like an index file (its magic).
    pub fn is_index_file(bytes: &[u8]) -> bool {
        bytes.starts_with(&INDEX_MAGIC)
    }

    /// Loads an index from bytes written by [`Self::to_bytes`] (copying
    /// them), refusing files of another format, Unicode, confusables or
    /// homoglyph-table version (`INDEX_VERSION_MISMATCH`), a bad checksum
    /// (`INDEX_CHECKSUM_MISMATCH`) and malformed contents (`INDEX_CORRUPT`).
    /// [`Self::open`] maps a file instead of reading it.
    pub fn from_bytes(bytes: &[u8]) -> Result<ProtectedIndex, ConfusablesError> {
        Self::from_backing(Backing::Owned(bytes.to_vec()))
    }

    /// Opens an index file by memory-mapping it, with the checks of
    /// [`Self::from_bytes`]; nothing is rebuilt, so opening takes about the
    /// time of the CRC-32 over the file and the index's resident memory is
    /// at most the file's size. The file must not be changed in place while
    /// the index is open ([`Self::save`] replaces files by renaming). A file
    /// that cannot be read is `INDEX_CORRUPT`, with the system's reason.
    pub fn open(path: &Path) -> Result<ProtectedIndex, ConfusablesError> {
        let unreadable = |e: std::io::Error| {
            corrupt(format!("cannot read the index file {}: {e}", path.display()))
        };
        let file = std::fs::File::open(path).map_err(unreadable)?;
        let len = file.metadata().map_err(unreadable)?.len();
        if len < (HEADER_LEN + 4) as u64 {
            // Too short to map usefully: read it for the precise error.
            let bytes = std::fs::read(path).map_err(unreadable)?;
            return Self::from_bytes(&bytes);
        }
        // SAFETY: the mapping is read-only and private to this index. The
        // documented contract is that index files are not modified in place
        // while open (`save` writes a new file and renames it); every read of
        // the mapping is bounds-checked against its length at open.
        let map =
            unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(unreadable)?;
        Self::from_backing(Backing::Mapped(map))
    }

    fn from_backing(data: Backing) -> Result<ProtectedIndex, ConfusablesError> {
        let bytes = data.as_ref();
        if !Self::is_index_file(bytes) {
            return Err(corrupt(
                "this is not an idnsafe protected-name index file (bad magic bytes)",
            ));
        }
        let mismatch = |what: &str, found: String, want: String| {
            ConfusablesError::new(
                ErrorKind::IndexVersionMismatch,
                format!(
                    "the index file was built with {what} {found}, this program uses {want}: rebuild the index"
                ),
            )
        };
        let Some(format) = bytes.get(8..10).and_then(|b| b.try_into().ok()).map(u16::from_le_bytes)
        else {
            return Err(corrupt("the index file is truncated"));
        };
        if format != INDEX_FORMAT_VERSION {
            return Err(mismatch(
                "index format",
                format.to_string(),
                INDEX_FORMAT_VERSION.to_string(),
            ));
        }
        if bytes.len() < HEADER_LEN + 4 {
            return Err(corrupt("the index file is truncated"));
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
        if body.get(11) != Some(&0) || body.get(78..80) != Some(&[0, 0]) {
            return Err(corrupt("the index file's reserved header bytes are not zero"));
        }
        let mut ranges: [Range<usize>; SECTIONS] = Default::default();
        let mut at = HEADER_LEN;
        for (i, r) in ranges.iter_mut().enumerate() {
            let len = read_u64(body, SECTION_LENS_AT + 8 * i)
                .and_then(|l| usize::try_from(l).ok())
                .and_then(|l| at.checked_add(l).filter(|&end| end <= body.len()).map(|e| (l, e)));
            let Some((_, end)) = len else {
                return Err(corrupt("the index file's section sizes do not add up"));
            };
            *r = at..end;
            at = end;
        }
        if at != body.len() {
            return Err(corrupt("the index file's section sizes do not add up"));
        }
        let [fst_r, key_owners, offsets, records, key_r, near_r] = ranges;
        let names = check_offsets(body, &offsets, Some(records.len()), "owner offsets")? - 1;
        let keys = check_offsets(body, &key_owners, Some(names), "key owners")? - 1;
        let bits = |at: usize| body.get(at).copied().unwrap_or(u8::MAX);
        let key_table = Table::parse(body, key_r, bits(76), false).map_err(corrupt)?;
        let near_table = Table::parse(body, near_r, bits(77), true).map_err(corrupt)?;
        if key_table.len() != keys {
            return Err(corrupt("the index file's key table does not match its keys"));
        }
        let data = Arc::new(data);
        let section = Section { data: Arc::clone(&data), range: fst_r };
        let map = catch_unwind(AssertUnwindSafe(|| fst::Map::new(section)))
            .map_err(|_| corrupt("bad fst section"))?
            .map_err(|e| corrupt(format!("bad fst section: {e}")))?;
        if map.len() != keys {
            return Err(corrupt("the index file's fst does not match its keys"));
        }
        let small = (keys <= SMALL_INDEX_KEYS)
            .then(|| {
                catch_unwind(AssertUnwindSafe(|| {
                    let mut set = FxHashSet::default();
                    let mut stream = map.keys();
                    while let Some(k) = fst::Streamer::next(&mut stream) {
                        set.insert(fingerprint(&String::from_utf8_lossy(k)));
                    }
                    set
                }))
                .ok()
            })
            .flatten();
        Ok(ProtectedIndex {
            level,
            data,
            map,
            keys,
            names,
            key_owners,
            offsets,
            records,
            key_table,
            near_table,
            small,
        })
    }

    /// Writes the index to a file: to a temporary file beside it, then
    /// renamed over `path`, so that processes that have mapped the old file
    /// keep reading it unchanged.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".tmp{}", std::process::id()));
        let tmp = std::path::PathBuf::from(tmp);
        std::fs::write(&tmp, self.file()).and_then(|()| std::fs::rename(&tmp, path)).inspect_err(
            |_| {
                let _ = std::fs::remove_file(&tmp);
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint as first written (a zero-padded copy of every
    /// chunk): index files store its values, so the fast one must agree.
    fn fingerprint_reference(key: &str) -> u64 {
        let bytes = key.as_bytes();
        let mut z = 0x9E37_79B9_7F4A_7C15u64 ^ bytes.len() as u64;
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            z = (z ^ u64::from_le_bytes(w)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
        }
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn fingerprint_is_the_stored_one() {
        let alphabet: Vec<char> = "ab9-\u{e9}\u{430}\u{4e2d}\u{1f600}".chars().collect();
        let mut s = String::new();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if s.len() > 70 || x.is_multiple_of(11) {
                s.clear();
            }
            s.push(alphabet[(x >> 32) as usize % alphabet.len()]);
            assert_eq!(fingerprint(&s), fingerprint_reference(&s), "{s:?}");
        }
        assert_eq!(fingerprint(""), fingerprint_reference(""));
        // A fixed value: files written by earlier builds stay readable.
        assert_eq!(fingerprint("paypal"), 0x80dc_06b9_ba0c_f820);
        assert_eq!(fingerprint("xn--80ak6aa92e"), 0xacb6_1595_8920_c5c7);
    }
}

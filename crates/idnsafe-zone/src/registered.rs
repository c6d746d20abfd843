//! The distinct registered names of a zone: owners of NS records exactly one
//! label below the zone's origin (delegations, RFC 1034 §4.2.1). The origin's
//! own NS records are the zone's apex, not a registration.

use crate::error::{ErrorCode, ReadError};
use crate::name::{ends_with_escape, has_unescaped_dot};
use crate::reader::{ItemRef, Reader, RecordRef};
use crate::rtype::RecordType;

/// Longest label stored; longer ones (not valid DNS, RFC 1035 §2.3.4, and
/// only possible in hostile input) are kept whole up to this size.
const MAX_STORED: usize = (1 << 24) - 1;

/// The sorted, distinct labels registered directly under an origin.
///
/// Stored compactly: all labels in one byte arena plus 8 bytes per name
/// (40-bit offset, 24-bit length), so a 160-million-name zone costs about
/// 8 bytes + the label length per name, with no per-name allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisteredNames {
    origin: String,
    arena: Vec<u8>,
    spans: Vec<u64>,
}

#[inline]
fn pack(start: usize, len: usize) -> u64 {
    ((start as u64) << 24) | (len as u64 & 0xFF_FFFF)
}

#[inline]
fn unpack(arena: &[u8], span: u64) -> &[u8] {
    let start = (span >> 24) as usize;
    let len = (span & 0xFF_FFFF) as usize;
    arena.get(start..start + len).unwrap_or(&[])
}

impl RegisteredNames {
    /// The origin (no trailing dot; `""` for the root).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How many distinct names.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The labels under the origin, sorted bytewise (e.g. `example` for
    /// `example.com`; `com` for the root zone).
    pub fn labels(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.spans.iter().map(|&s| std::str::from_utf8(unpack(&self.arena, s)).unwrap_or_default())
    }

    /// The full names (`label.origin`), in the same order as [`Self::labels`].
    pub fn names(&self) -> impl ExactSizeIterator<Item = String> + '_ {
        self.labels().map(|l| {
            if self.origin.is_empty() { l.to_string() } else { format!("{l}.{}", self.origin) }
        })
    }

    /// Whether `label` (output form, lower-case) is registered.
    pub fn contains_label(&self, label: &str) -> bool {
        self.spans.binary_search_by(|&s| unpack(&self.arena, s).cmp(label.as_bytes())).is_ok()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.spans.capacity() * 8 + self.origin.capacity()
    }
}

/// Collects registered names from records fed one at a time; for callers
/// that also want to see every record (or the error records) on the way.
#[derive(Debug, Default)]
pub struct RegisteredCollector {
    origin: Option<Vec<u8>>,
    arena: Vec<u8>,
    spans: Vec<u64>,
    /// NS owners seen before the origin was known (SOA not first).
    early: Vec<Box<str>>,
    last: Option<u64>,
}

impl RegisteredCollector {
    /// `origin`: the zone's origin (trailing dot optional, `.` or `""` for
    /// the root); `None` takes it from the first SOA record's owner.
    pub fn new(origin: Option<&str>) -> Self {
        RegisteredCollector {
            origin: origin.map(|o| {
                let o = o.strip_suffix('.').unwrap_or(o);
                o.as_bytes().to_ascii_lowercase()
            }),
            ..Self::default()
        }
    }

    /// Feeds one record.
    pub fn push(&mut self, rec: &RecordRef<'_>) {
        match rec.rtype {
            Some(RecordType::SOA) if self.origin.is_none() => {
                self.origin = Some(rec.name.as_bytes().to_vec());
                for name in std::mem::take(&mut self.early) {
                    self.add(name.as_bytes());
                }
            }
            Some(RecordType::NS) => {
                if self.origin.is_some() {
                    self.add(rec.name.as_bytes());
                } else {
                    self.early.push(rec.name.into());
                }
            }
            _ => {}
        }
    }

    fn add(&mut self, owner: &[u8]) {
        let Some(origin) = &self.origin else {
            return;
        };
        let label = if origin.is_empty() {
            owner
        } else {
            let Some(head) = owner.strip_suffix(origin.as_slice()) else {
                return;
            };
            let Some(label) = head.strip_suffix(b".") else {
                return;
            };
            if ends_with_escape(label) {
                return; // the dot before the origin is escaped: not a label boundary
            }
            label
        };
        if label.is_empty() || has_unescaped_dot(label) {
            return;
        }
        let label = label.get(..MAX_STORED).unwrap_or(label);
        // NS records of one owner are adjacent in practice: skip repeats
        // here so the arena holds each name about once.
        if let Some(last) = self.last
            && unpack(&self.arena, last) == label
        {
            return;
        }
        let span = pack(self.arena.len(), label.len());
        self.arena.extend_from_slice(label);
        self.spans.push(span);
        self.last = Some(span);
    }

    /// Sorts and de-duplicates. Fails with `NO_ORIGIN` when no origin was
    /// given and no SOA record was seen.
    pub fn finish(self) -> Result<RegisteredNames, ReadError> {
        let Some(origin) = self.origin else {
            return Err(ReadError::new(
                ErrorCode::NoOrigin,
                "the zone has no SOA record, so its origin is unknown; give the origin explicitly",
                0,
                None,
            ));
        };
        let arena = self.arena;
        let mut spans = self.spans;
        spans.sort_unstable_by(|&a, &b| unpack(&arena, a).cmp(unpack(&arena, b)));
        spans.dedup_by(|a, b| unpack(&arena, *a) == unpack(&arena, *b));
        // Compact when de-duplication freed much of the arena.
        let live: usize = spans.iter().map(|&s| (s & 0xFF_FFFF) as usize).sum();
        let (arena, spans) = if live < arena.len() / 4 * 3 {
            let mut packed = Vec::with_capacity(live);
            let spans = spans
                .iter()
                .map(|&s| {
                    let l = unpack(&arena, s);
                    let p = pack(packed.len(), l.len());
                    packed.extend_from_slice(l);
                    p
                })
                .collect();
            (packed, spans)
        } else {
            let mut arena = arena;
            arena.shrink_to_fit();
            spans.shrink_to_fit();
            (arena, spans)
        };
        Ok(RegisteredNames { origin: String::from_utf8(origin).unwrap_or_default(), arena, spans })
    }
}

/// Reads the whole input and returns the distinct names registered directly
/// under the origin (`origin`, or the first SOA owner when `None`). Error
/// records go to `on_error`; reading goes on after them.
///
/// ```no_run
/// use idnsafe_zone::{Reader, distinct_registered};
/// let mut reader = Reader::open("root.zone.gz")?;
/// let tlds = distinct_registered(&mut reader, Some("."), |e| eprintln!("{e}"))?;
/// println!("{} TLDs", tlds.len());
/// # Ok::<(), idnsafe_zone::ReadError>(())
/// ```
pub fn distinct_registered(
    reader: &mut Reader,
    origin: Option<&str>,
    mut on_error: impl FnMut(&ReadError),
) -> Result<RegisteredNames, ReadError> {
    let mut c = RegisteredCollector::new(origin);
    while let Some(item) = reader.next_item() {
        match item {
            ItemRef::Record(r) => c.push(&r),
            ItemRef::Error(e) => on_error(e),
        }
    }
    c.finish()
}

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

/// Owners of records other than NS kept, before the origin is known, to be
/// classified once it is (beyond this they are counted as unclassified).
const EARLY_OTHER_LIMIT: usize = 100_000;
/// Examples of owner names outside the origin kept for reports.
const OUTSIDE_EXAMPLES: usize = 5;

/// Where every record of a zone file went, so that a zone that yields few
/// or no registered names says why: `records == apex + delegations + hosts
/// + below + outside + unclassified`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ZoneAccount {
    /// The origin the names were taken under (`None`: none was known).
    pub origin: Option<String>,
    /// `given` (by the caller) or `soa` (the owner of the first SOA record).
    pub origin_from: String,
    /// Records read.
    pub records: u64,
    /// Records owned by the origin itself (its SOA, NS, A ...).
    pub apex: u64,
    /// NS records one label below the origin: the registrations.
    pub delegations: u64,
    /// Other records one label below the origin (hosts, not delegations).
    pub hosts: u64,
    /// Records more than one label below the origin (glue, hosts inside
    /// delegated or local subdomains): below the delegation level.
    pub below: u64,
    /// Records whose owner is not under the origin at all.
    pub outside: u64,
    /// A few distinct owners outside the origin.
    pub outside_examples: Vec<String>,
    /// Records seen before the origin was known, beyond what is kept to
    /// classify later, or in a file whose origin never became known.
    pub unclassified: u64,
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
    /// Owners of other records seen before the origin was known.
    early_other: Vec<Box<str>>,
    last: Option<u64>,
    account: ZoneAccount,
}

/// Where an owner name sits relative to the origin.
enum Place {
    Apex,
    OneBelow,
    Below,
    Outside,
}

fn place(origin: &[u8], owner: &[u8]) -> Place {
    if owner == origin {
        return Place::Apex;
    }
    let head = if origin.is_empty() {
        owner
    } else {
        match owner.strip_suffix(origin).and_then(|h| h.strip_suffix(b".")) {
            Some(h) if !ends_with_escape(h) => h,
            _ => return Place::Outside,
        }
    };
    if head.is_empty() {
        Place::Outside
    } else if has_unescaped_dot(head) {
        Place::Below
    } else {
        Place::OneBelow
    }
}

impl RegisteredCollector {
    /// `origin`: the zone's origin (trailing dot optional, `.` or `""` for
    /// the root); `None` takes it from the first SOA record's owner.
    pub fn new(origin: Option<&str>) -> Self {
        let given = origin.is_some();
        RegisteredCollector {
            origin: origin.map(|o| {
                let o = o.strip_suffix('.').unwrap_or(o);
                o.as_bytes().to_ascii_lowercase()
            }),
            account: ZoneAccount {
                origin_from: if given { "given" } else { "soa" }.to_owned(),
                ..ZoneAccount::default()
            },
            ..Self::default()
        }
    }

    /// Feeds one record.
    pub fn push(&mut self, rec: &RecordRef<'_>) {
        self.account.records += 1;
        let is_ns = rec.rtype == Some(RecordType::NS);
        if self.origin.is_none() {
            if rec.rtype == Some(RecordType::SOA) {
                self.origin = Some(rec.name.as_bytes().to_vec());
                self.count(rec.name.as_bytes(), false);
                for name in std::mem::take(&mut self.early) {
                    self.count(name.as_bytes(), true);
                    self.add(name.as_bytes());
                }
                for name in std::mem::take(&mut self.early_other) {
                    self.count(name.as_bytes(), false);
                }
            } else if is_ns {
                self.early.push(rec.name.into());
            } else if self.early_other.len() < EARLY_OTHER_LIMIT {
                self.early_other.push(rec.name.into());
            } else {
                self.account.unclassified += 1;
            }
            return;
        }
        self.count(rec.name.as_bytes(), is_ns);
        if is_ns {
            self.add(rec.name.as_bytes());
        }
    }

    /// Counts one record by where its owner sits (the origin is known).
    fn count(&mut self, owner: &[u8], is_ns: bool) {
        let Some(origin) = &self.origin else {
            self.account.unclassified += 1;
            return;
        };
        let a = &mut self.account;
        match place(origin, owner) {
            Place::Apex => a.apex += 1,
            Place::OneBelow if is_ns => a.delegations += 1,
            Place::OneBelow => a.hosts += 1,
            Place::Below => a.below += 1,
            Place::Outside => {
                a.outside += 1;
                if a.outside_examples.len() < OUTSIDE_EXAMPLES {
                    let o = String::from_utf8_lossy(owner).into_owned();
                    if !a.outside_examples.contains(&o) {
                        a.outside_examples.push(o);
                    }
                }
            }
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
        self.finish_with_account().0
    }

    /// [`Self::finish`], with where every record went.
    pub fn finish_with_account(mut self) -> (Result<RegisteredNames, ReadError>, ZoneAccount) {
        let mut account = std::mem::take(&mut self.account);
        account.origin = self.origin.as_ref().map(|o| String::from_utf8_lossy(o).into_owned());
        if self.origin.is_none() {
            account.unclassified += (self.early.len() + self.early_other.len()) as u64;
        }
        (self.finish_names(), account)
    }

    fn finish_names(self) -> Result<RegisteredNames, ReadError> {
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

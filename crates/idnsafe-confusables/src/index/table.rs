//! Sorted fingerprint tables, read in place from an index file.
//!
//! A table of `n` entries, each a 64-bit fingerprint and (optionally) a u32
//! value, sorted by fingerprint then value, is stored as:
//!
//! | bytes | field |
//! |---|---|
//! | `(2^bits + 1) * 4` | directory: u32 index of the first entry of each bucket, then `n` |
//! | `n * 2` | u16 per entry: the 16 fingerprint bits after the top `bits` |
//! | `n * 4` | u32 value per entry (only in tables with values) |
//!
//! The bucket of a fingerprint is its top `bits` bits, so a lookup reads two
//! directory words and binary-searches a bucket of a few u16s (about two in
//! the key table, which every label probes, eight in the larger near table). A
//! lookup matches on `bits + 16` fingerprint bits; callers confirm hits.

use std::ops::Range;

/// Largest directory: 2^24 buckets (64 MiB).
pub(super) const MAX_BITS: u8 = 24;

/// Directory bits for `n` entries: about `per_bucket` entries a bucket
/// (a power of two). Fewer entries a bucket cost directory bytes and save
/// search steps; most lookups miss, and a miss in an empty bucket reads the
/// directory only.
pub(super) fn bits_for(n: usize, per_bucket: usize) -> u8 {
    let mut bits = 0u8;
    while bits < MAX_BITS && (per_bucket << bits) < n {
        bits += 1;
    }
    bits
}

fn bucket(fp: u64, bits: u8) -> usize {
    if bits == 0 { 0 } else { (fp >> (64 - u32::from(bits))) as usize }
}

fn low(fp: u64, bits: u8) -> u16 {
    ((fp << bits) >> 48) as u16
}

pub(super) fn u32_at(bytes: &[u8], i: usize) -> Option<u32> {
    let at = i.checked_mul(4)?;
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn u16_at(bytes: &[u8], i: usize) -> Option<u16> {
    let at = i.checked_mul(2)?;
    let b: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_le_bytes(b))
}

/// Appends the table of `entries` (sorted by fingerprint, then value).
pub(super) fn write(entries: &[(u64, u32)], bits: u8, with_values: bool, out: &mut Vec<u8>) {
    let buckets = 1usize << bits;
    let mut i = 0usize;
    for b in 0..=buckets {
        while entries.get(i).is_some_and(|e| bucket(e.0, bits) < b) {
            i += 1;
        }
        out.extend_from_slice(&(i as u32).to_le_bytes());
    }
    for e in entries {
        out.extend_from_slice(&low(e.0, bits).to_le_bytes());
    }
    if with_values {
        for e in entries {
            out.extend_from_slice(&e.1.to_le_bytes());
        }
    }
}

/// Where a table's parts lie in the file (absolute byte ranges).
#[derive(Clone, Debug, Default)]
pub(super) struct Table {
    bits: u8,
    n: usize,
    dir: Range<usize>,
    low: Range<usize>,
    values: Range<usize>,
}

impl Table {
    /// Checks the table in `file[range]`: its parts add up and its directory
    /// is monotonic and ends at its entry count, so that lookups stay in
    /// bounds. Returns a description of the damage on failure.
    pub(super) fn parse(
        file: &[u8],
        range: Range<usize>,
        bits: u8,
        with_values: bool,
    ) -> Result<Table, &'static str> {
        if bits > MAX_BITS {
            return Err("a fingerprint table has too many directory bits");
        }
        let dir_len = ((1usize << bits) + 1) * 4;
        let len =
            range.end.checked_sub(range.start).ok_or("a fingerprint table is out of range")?;
        let rest = len.checked_sub(dir_len).ok_or("a fingerprint table is truncated")?;
        let entry = if with_values { 6 } else { 2 };
        if rest % entry != 0 {
            return Err("a fingerprint table's size does not match its entries");
        }
        let n = rest / entry;
        let dir = range.start..range.start + dir_len;
        let low = dir.end..dir.end + n * 2;
        let values = low.end..low.end + if with_values { n * 4 } else { 0 };
        let dir_bytes = file.get(dir.clone()).ok_or("a fingerprint table is out of range")?;
        let mut prev = 0u32;
        for w in dir_bytes.chunks_exact(4) {
            let v = w.try_into().map_or(u32::MAX, u32::from_le_bytes);
            if v < prev {
                return Err("a fingerprint table's directory is not sorted");
            }
            prev = v;
        }
        if u32_at(dir_bytes, 0) != Some(0) || prev as usize != n {
            return Err("a fingerprint table's directory does not match its entries");
        }
        file.get(range.start..values.end).ok_or("a fingerprint table is out of range")?;
        Ok(Table { bits, n, dir, low, values })
    }

    /// The number of entries.
    pub(super) fn len(&self) -> usize {
        self.n
    }

    /// The entries (indexes) whose fingerprint matches `fp`.
    pub(super) fn find(&self, file: &[u8], fp: u64) -> Range<usize> {
        let dir = file.get(self.dir.clone()).unwrap_or_default();
        let lows = file.get(self.low.clone()).unwrap_or_default();
        let b = bucket(fp, self.bits);
        let (Some(start), Some(end)) = (u32_at(dir, b), u32_at(dir, b + 1)) else {
            return 0..0;
        };
        let (start, end) = (start as usize, (end as usize).min(self.n));
        let want = low(fp, self.bits);
        let (mut a, mut z) = (start, end.max(start));
        while a < z {
            let m = a + (z - a) / 2;
            if u16_at(lows, m).unwrap_or(u16::MAX) < want {
                a = m + 1;
            } else {
                z = m;
            }
        }
        let mut last = a;
        while last < end && u16_at(lows, last) == Some(want) {
            last += 1;
        }
        a..last
    }

    /// Whether some entry matches `fp`.
    pub(super) fn contains(&self, file: &[u8], fp: u64) -> bool {
        !self.find(file, fp).is_empty()
    }

    /// The values of the entries matching `fp`.
    pub(super) fn values<'a>(&self, file: &'a [u8], fp: u64) -> impl Iterator<Item = u32> + 'a {
        let values = file.get(self.values.clone()).unwrap_or_default();
        self.find(file, fp).filter_map(move |i| u32_at(values, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_tables_find_what_they_hold() {
        let mut entries: Vec<(u64, u32)> =
            (0..5000u64).map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15), (i % 7) as u32)).collect();
        let twice = entries[10].0;
        entries.push((twice, 99));
        entries.sort_unstable();
        for bits in [0, 3, bits_for(entries.len(), 8), bits_for(entries.len(), 2)] {
            let mut out = vec![0xAA; 3];
            write(&entries, bits, true, &mut out);
            let t = Table::parse(&out, 3..out.len(), bits, true).unwrap();
            assert_eq!(t.len(), entries.len());
            for &(fp, v) in &entries {
                assert!(t.values(&out, fp).any(|x| x == v), "{fp:x} at {bits} bits");
            }
            let mut vals: Vec<u32> = t.values(&out, twice).collect();
            vals.sort_unstable();
            assert!(vals.contains(&99) && vals.len() >= 2);
            assert!(!t.contains(&out, 0x1234_5678_9ABC_DEF1));
            // A damaged directory is refused.
            out[3 + 4..3 + 8].copy_from_slice(&[0xFF; 4]);
            assert!(Table::parse(&out, 3..out.len(), bits, true).is_err());
        }
    }
}

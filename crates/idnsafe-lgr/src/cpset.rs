//! Code point sets as sorted, disjoint, non-adjacent inclusive ranges.
//!
//! RFC 7940 §6.2 classes and §6.3 set operations are evaluated once at load
//! time into this form; membership is a binary search.

/// The largest Unicode scalar value (and code point) an LGR can name.
pub const MAX_CP: u32 = 0x10FFFF;

/// A set of code points.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CpSet {
    ranges: Vec<(u32, u32)>,
}

impl CpSet {
    /// The empty set.
    pub fn new() -> Self {
        CpSet { ranges: Vec::new() }
    }

    /// Builds a set from arbitrary (possibly overlapping, unsorted) ranges.
    pub fn from_ranges(mut ranges: Vec<(u32, u32)>) -> Self {
        ranges.retain(|&(a, b)| a <= b);
        ranges.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match out.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => {
                    if b > last.1 {
                        last.1 = b;
                    }
                }
                _ => out.push((a, b)),
            }
        }
        CpSet { ranges: out }
    }

    /// Whether `cp` is in the set.
    #[inline]
    pub fn contains(&self, cp: u32) -> bool {
        // Small sets are common in LGR rules: a linear scan beats the
        // binary search's branch mispredictions there.
        if self.ranges.len() <= 4 {
            return self.ranges.iter().any(|&(a, b)| a <= cp && cp <= b);
        }
        let i = self.ranges.partition_point(|&(_, b)| b < cp);
        matches!(self.ranges.get(i), Some(&(a, _)) if a <= cp)
    }

    /// The ranges, sorted and disjoint.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    /// Number of code points in the set.
    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|&(a, b)| u64::from(b - a) + 1).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Set union (RFC 7940 §6.3.3).
    pub fn union(&self, other: &CpSet) -> CpSet {
        let mut r = self.ranges.clone();
        r.extend_from_slice(&other.ranges);
        CpSet::from_ranges(r)
    }

    /// Complement against all code points (RFC 7940 §6.3.2).
    pub fn complement(&self) -> CpSet {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = 0u32;
        for &(a, b) in &self.ranges {
            if a > next {
                out.push((next, a - 1));
            }
            next = b.saturating_add(1);
        }
        if next <= MAX_CP
            && (self.ranges.is_empty() || self.ranges.last().is_some_and(|l| l.1 < MAX_CP))
        {
            out.push((next, MAX_CP));
        }
        CpSet { ranges: out }
    }

    /// Set intersection (RFC 7940 §6.3.4).
    pub fn intersection(&self, other: &CpSet) -> CpSet {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while let (Some(&(a1, b1)), Some(&(a2, b2))) = (self.ranges.get(i), other.ranges.get(j)) {
            let lo = a1.max(a2);
            let hi = b1.min(b2);
            if lo <= hi {
                out.push((lo, hi));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        CpSet { ranges: out }
    }

    /// Set difference (RFC 7940 §6.3.5).
    pub fn difference(&self, other: &CpSet) -> CpSet {
        self.intersection(&other.complement())
    }

    /// Symmetric difference (RFC 7940 §6.3.6).
    pub fn symmetric_difference(&self, other: &CpSet) -> CpSet {
        self.difference(other).union(&other.difference(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_algebra() {
        let a = CpSet::from_ranges(vec![(10, 20), (15, 30), (40, 40)]);
        assert_eq!(a.ranges(), &[(10, 30), (40, 40)]);
        let b = CpSet::from_ranges(vec![(25, 45)]);
        assert_eq!(a.intersection(&b).ranges(), &[(25, 30), (40, 40)]);
        assert_eq!(a.difference(&b).ranges(), &[(10, 24)]);
        assert_eq!(a.symmetric_difference(&b).ranges(), &[(10, 24), (31, 39), (41, 45)]);
        let c = a.complement();
        assert!(c.contains(0) && !c.contains(10) && c.contains(35) && c.contains(MAX_CP));
        assert_eq!(c.complement(), a);
        assert!(CpSet::new().complement().contains(MAX_CP));
    }
}

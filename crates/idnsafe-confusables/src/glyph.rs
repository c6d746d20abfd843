//! ASCII lookalikes measured on glyph bitmaps (GNU Unifont), from the
//! generated table `tables/homoglyphs/glyphs.tsv` (see its README for the
//! metric, the threshold and how to regenerate). No font is read at run time.

use crate::glyphs::GLYPH_PAIRS;

pub use crate::glyphs::GLYPH_FONT;

/// The rows of [`GLYPH_PAIRS`] whose source is `cp`: a binary search on the
/// slice, which is sorted by source.
fn rows_of(cp: u32) -> &'static [(u32, u8, u8)] {
    let start = GLYPH_PAIRS.partition_point(|&(s, _, _)| s < cp);
    let rest = GLYPH_PAIRS.get(start..).unwrap_or_default();
    let len = rest.partition_point(|&(s, _, _)| s == cp);
    rest.get(..len).unwrap_or_default()
}

/// Every ASCII lookalike of `c` from the glyph table, nearest first:
/// (target, distance). Empty for ASCII and for characters without a pair.
pub fn glyph_lookalikes(c: char) -> impl Iterator<Item = (char, u8)> + 'static {
    rows_of(u32::from(c)).iter().map(|&(_, t, d)| (char::from(t), d))
}

/// The nearest ASCII lookalike of `c` (smallest distance, then smallest
/// target), if any.
pub fn glyph_nearest(c: char) -> Option<(char, u8)> {
    glyph_lookalikes(c).next()
}

/// Every pair (source, target, distance), for generators: sorted by source,
/// then distance, then target.
pub fn glyph_pairs() -> impl Iterator<Item = (char, char, u8)> + 'static {
    GLYPH_PAIRS.iter().filter_map(|&(s, t, d)| Some((char::from_u32(s)?, char::from(t), d)))
}

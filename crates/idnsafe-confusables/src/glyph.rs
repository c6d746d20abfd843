//! TEMPORARY stub until the glyph-table generator lands (replaced on merge).

/// Font the pairs come from.
pub const GLYPH_FONT: &str = "none";

/// Every pair (source, target, distance), sorted by source.
pub fn glyph_pairs() -> impl Iterator<Item = (char, char, u8)> + 'static {
    std::iter::empty()
}

/// Every ASCII lookalike of `c`, nearest first.
pub fn glyph_lookalikes(c: char) -> impl Iterator<Item = (char, u8)> + 'static {
    let _ = c;
    std::iter::empty()
}

/// The nearest ASCII lookalike of `c`.
pub fn glyph_nearest(c: char) -> Option<(char, u8)> {
    glyph_lookalikes(c).next()
}

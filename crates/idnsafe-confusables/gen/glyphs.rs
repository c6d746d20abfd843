//! Generator of `tables/homoglyphs/glyphs.tsv` and `src/glyphs.rs`: pairs of
//! an IDNA2008 PVALID code point and an LDH letter or digit whose GNU Unifont
//! glyphs differ in only a few pixels.
//!
//! Run from anywhere (paths are relative to this crate):
//!
//! ```text
//! apt-get install unifont
//! cargo run --release -p idnsafe-confusables --example generate_glyph_table -- [--hex PATH]...
//! ```
//!
//! Options:
//! - `--hex PATH` (repeatable): Unifont `.hex` files to read; default
//!   `/usr/share/unifont/unifont.hex` from the Debian package `unifont`.
//!   A later file's glyph replaces an earlier one's.
//! - `--font-version V`: the Unifont version to record; default: read from
//!   the Debian package database (`/var/lib/dpkg/status`).
//! - `--max-distance N`: the threshold (default [`MAX_DISTANCE`]).
//! - `--ink-divisor N`: a pair's distance may be at most the target's ink / N
//!   (default [`INK_DIVISOR`]); for measuring other thresholds.
//! - `--tsv PATH`, `--rust PATH`: where to write (default the repository's
//!   `tables/homoglyphs/glyphs.tsv` and this crate's `src/glyphs.rs`).
//! - `--no-curation`: ignore `tables/homoglyphs/glyphs-curated.tsv`.
//!
//! # Metric
//!
//! A glyph is a 16-row bitmap, 8 or 16 pixels wide. The distance between a
//! source glyph `s` and a target glyph `t` (the 8-wide glyph of `a`-`z`,
//! `0`-`9`) is, after ShamFinder (Suzuki et al., IMC 2019), the number of
//! pixels that differ, minimised over a few placements of `t` on `s`:
//!
//! - an 8-wide source: `t` moved by `dx`, `dy` in -1..=1 pixels, each
//!   pixel of movement adding 1 to the distance (a 1-pixel shift is a small
//!   difference, not none);
//! - a 16-wide source: `t` placed at any of the 9 horizontal offsets of the
//!   16-pixel cell (where a narrow glyph sits in a wide cell is spacing, not
//!   shape: free), moved by `dy` in -1..=1 rows at 1 per row. Pixels of `s`
//!   outside `t`'s 8 columns count as differences.
//!
//! Pixels moved out of the cell still count. A pair is kept when the
//! distance is at most [`MAX_DISTANCE`] and at most a quarter of the
//! target's ink (its number of set pixels), and the source has at least
//! [`MIN_INK`] set pixels: glyphs of a few pixels (dots, strokes) are not
//! letters a reader would take for `l` or `i`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use idnsafe_idna::{DerivedProperty, derived_property_u32};
use unicode_normalization::char::is_combining_mark;

/// Threshold on the distance (pixels that differ, plus shift penalties).
const MAX_DISTANCE: u32 = 4;
/// A pair's distance may be at most `target ink / INK_DIVISOR`.
const INK_DIVISOR: u32 = 4;
/// Sources with fewer set pixels are never matched.
const MIN_INK: u32 = 10;
const DEFAULT_HEX: &str = "/usr/share/unifont/unifont.hex";
const PACKAGE: &str = "unifont";
const TARGETS: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

/// Rows of a glyph; pixel column `x` (0 = left) is bit `MARGIN + 15 - x`,
/// so a glyph can move by a pixel either way without losing pixels.
#[derive(Clone, Copy)]
struct Glyph {
    rows: [u32; 16],
    wide: bool,
    ink: u32,
}

const MARGIN: u32 = 4;

fn parse_hex_line(line: &str) -> Result<(u32, Glyph), String> {
    let (cp, bits) = line.split_once(':').ok_or("no ':'")?;
    let cp = u32::from_str_radix(cp, 16).map_err(|e| format!("code point: {e}"))?;
    let wide = match bits.len() {
        32 => false,
        64 => true,
        n => return Err(format!("{n} hex digits, expected 32 or 64")),
    };
    let per_row = bits.len() / 16;
    let mut rows = [0u32; 16];
    for (i, row) in rows.iter_mut().enumerate() {
        let digits = bits.get(i * per_row..(i + 1) * per_row).ok_or("short row")?;
        let v = u32::from_str_radix(digits, 16).map_err(|e| format!("bitmap: {e}"))?;
        // Left-align 8-wide rows in the 16-pixel cell.
        *row = if wide { v } else { v << 8 } << MARGIN;
    }
    let ink = rows.iter().map(|r| r.count_ones()).sum();
    Ok((cp, Glyph { rows, wide, ink }))
}

fn read_hex(paths: &[PathBuf]) -> Result<BTreeMap<u32, Glyph>, String> {
    let mut glyphs = BTreeMap::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "GLYPH_FONT_MISSING: cannot read the Unifont glyph file {}: {e}. \
                 Install the Debian package `{PACKAGE}` (apt-get install {PACKAGE}) \
                 or pass --hex PATH to a Unifont .hex file.",
                path.display()
            )
        })?;
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (cp, g) =
                parse_hex_line(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
            glyphs.insert(cp, g);
        }
    }
    Ok(glyphs)
}

/// Version of an installed Debian package, from the dpkg database.
fn debian_version(package: &str) -> Option<String> {
    let status = std::fs::read_to_string("/var/lib/dpkg/status").ok()?;
    status.split("\n\n").find_map(|stanza| {
        let mut lines = stanza.lines();
        if lines.next()? != format!("Package: {package}") {
            return None;
        }
        stanza.lines().find_map(|l| l.strip_prefix("Version: ")).map(str::to_owned)
    })
}

/// `1:15.0.01-2` -> `15.0.01`.
fn upstream_version(debian: &str) -> &str {
    let v = debian.split_once(':').map_or(debian, |(_, v)| v);
    v.rsplit_once('-').map_or(v, |(v, _)| v)
}

/// Pixels that differ between `s` and `t` moved right by `dx` (left if
/// negative) and down by `dy`.
fn hamming(s: &Glyph, t: &Glyph, dx: i32, dy: i32) -> u32 {
    let mut d = 0;
    for y in -1i32..=16 {
        let srow = usize::try_from(y).ok().and_then(|y| s.rows.get(y).copied()).unwrap_or(0);
        let trow = usize::try_from(y - dy).ok().and_then(|y| t.rows.get(y).copied()).unwrap_or(0);
        let trow = if dx >= 0 { trow >> dx } else { trow << -dx };
        d += (srow ^ trow).count_ones();
    }
    d
}

/// The distance of the module documentation.
fn distance(s: &Glyph, t: &Glyph) -> u32 {
    let placements: Vec<(i32, u32)> = if s.wide {
        (0..=8).map(|dx| (dx, 0)).collect()
    } else {
        (-1..=1).map(|dx: i32| (dx, dx.unsigned_abs())).collect()
    };
    let mut best = u32::MAX;
    for &(dx, cost) in &placements {
        for dy in -1i32..=1 {
            best = best.min(hamming(s, t, dx, dy) + cost + dy.unsigned_abs());
        }
    }
    best
}

fn candidate(cp: u32) -> bool {
    cp > 0x7F
        && derived_property_u32(cp) == DerivedProperty::Pvalid
        && char::from_u32(cp).is_some_and(|c| !is_combining_mark(c))
}

struct Curation {
    add: Vec<(u32, u8, String)>,
    remove: Vec<(u32, u8, String)>,
}

fn parse_cp(s: &str) -> Result<u32, String> {
    s.strip_prefix("U+")
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .ok_or_else(|| format!("`{s}` is not U+XXXX"))
}

fn parse_target(s: &str) -> Result<u8, String> {
    let cp = parse_cp(s)?;
    u8::try_from(cp)
        .ok()
        .filter(|b| TARGETS.as_bytes().contains(b))
        .ok_or_else(|| format!("target {s} is not an LDH letter or digit"))
}

fn read_curation(path: &Path) -> Result<Curation, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut cur = Curation { add: Vec::new(), remove: Vec::new() };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |e: String| format!("{}:{}: {e}", path.display(), n + 1);
        let f: Vec<&str> = line.split('\t').collect();
        let [action, source, target, reason] = f.as_slice() else {
            return Err(at(format!("expected 4 tab-separated fields, got {}", f.len())));
        };
        let source = parse_cp(source).map_err(at)?;
        let target = parse_target(target).map_err(at)?;
        if reason.trim().is_empty() {
            return Err(at("empty reason".into()));
        }
        if !candidate(source) {
            return Err(at(format!("U+{source:04X} is ASCII, a mark or not PVALID")));
        }
        let entry = (source, target, (*reason).to_owned());
        match *action {
            "add" => cur.add.push(entry),
            "remove" => cur.remove.push(entry),
            other => return Err(at(format!("unknown action `{other}`"))),
        }
    }
    Ok(cur)
}

/// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d) = civil(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

struct Args {
    hex: Vec<PathBuf>,
    font_version: Option<String>,
    max_distance: u32,
    ink_divisor: u32,
    tsv: PathBuf,
    rust: PathBuf,
    curation: bool,
    command: String,
}

fn parse_args() -> Result<Args, String> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut a = Args {
        hex: Vec::new(),
        font_version: None,
        max_distance: MAX_DISTANCE,
        ink_divisor: INK_DIVISOR,
        tsv: crate_dir.join("../../tables/homoglyphs/glyphs.tsv"),
        rust: crate_dir.join("src/glyphs.rs"),
        curation: true,
        command: String::from(
            "cargo run --release -p idnsafe-confusables --example generate_glyph_table --",
        ),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--hex" => a.hex.push(PathBuf::from(value()?)),
            "--font-version" => a.font_version = Some(value()?),
            "--max-distance" => {
                a.max_distance = value()?.parse().map_err(|e| format!("--max-distance: {e}"))?;
            }
            "--ink-divisor" => {
                a.ink_divisor = value()?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("--ink-divisor needs a positive integer")?;
            }
            "--tsv" => a.tsv = PathBuf::from(value()?),
            "--rust" => a.rust = PathBuf::from(value()?),
            "--no-curation" => a.curation = false,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.hex.is_empty() {
        a.hex.push(PathBuf::from(DEFAULT_HEX));
    }
    for h in &a.hex {
        if h != Path::new(DEFAULT_HEX) {
            let _ = write!(a.command, " --hex {}", h.display());
        }
    }
    if let Some(v) = &a.font_version {
        let _ = write!(a.command, " --font-version {v}");
    }
    if a.max_distance != MAX_DISTANCE {
        let _ = write!(a.command, " --max-distance {}", a.max_distance);
    }
    if a.ink_divisor != INK_DIVISOR {
        let _ = write!(a.command, " --ink-divisor {}", a.ink_divisor);
    }
    if !a.curation {
        a.command.push_str(" --no-curation");
    }
    if a.command.ends_with("--") {
        a.command.truncate(a.command.len() - 3);
    }
    Ok(a)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    for h in &args.hex {
        if !h.is_file() {
            return Err(format!(
                "GLYPH_FONT_MISSING: the Unifont glyph file {} does not exist. \
                 Install the Debian package `{PACKAGE}` (apt-get install {PACKAGE}) \
                 or pass --hex PATH to a Unifont .hex file.",
                h.display()
            ));
        }
    }
    let glyphs = read_hex(&args.hex)?;
    let (debian, upstream) = match &args.font_version {
        Some(v) => (None, v.clone()),
        None => {
            let d = debian_version(PACKAGE).ok_or_else(|| {
                format!(
                    "GLYPH_FONT_VERSION_UNKNOWN: the Debian package `{PACKAGE}` is not \
                     recorded as installed; install it or pass --font-version"
                )
            })?;
            let u = upstream_version(&d).to_owned();
            (Some(d), u)
        }
    };
    let font = match &debian {
        Some(d) => format!("GNU Unifont {upstream} (Debian {PACKAGE} {d})"),
        None => format!("GNU Unifont {upstream}"),
    };
    let font_tag = format!("unifont-{upstream}");

    let mut targets = Vec::new();
    for &b in TARGETS.as_bytes() {
        let g = glyphs
            .get(&u32::from(b))
            .ok_or_else(|| format!("the glyph files lack the target {}", char::from(b)))?;
        targets.push((b, *g));
    }

    // (source, target) -> (distance, font column)
    let mut pairs: BTreeMap<(u32, u8), (u32, String)> = BTreeMap::new();
    let mut sources = 0usize;
    let mut no_glyph = 0usize;
    for cp in (0x80..0x11_0000u32).filter(|&cp| candidate(cp)) {
        let Some(s) = glyphs.get(&cp) else {
            no_glyph += 1;
            continue;
        };
        sources += 1;
        if s.ink < MIN_INK {
            continue;
        }
        for (b, t) in &targets {
            let limit = args.max_distance.min(t.ink / args.ink_divisor);
            if s.ink > t.ink + limit {
                continue; // at least ink difference pixels differ
            }
            let d = distance(s, t);
            if d <= limit {
                pairs.insert((cp, *b), (d, font_tag.clone()));
            }
        }
    }
    let measured = pairs.len();

    let curated =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tables/homoglyphs/glyphs-curated.tsv");
    let (mut added, mut removed) = (0, 0);
    if args.curation {
        let cur = read_curation(&curated)?;
        for (s, t, _) in &cur.remove {
            if pairs.remove(&(*s, *t)).is_none() {
                return Err(format!(
                    "{}: `remove U+{s:04X} U+{t:04X}` matches no measured pair; drop the entry",
                    curated.display()
                ));
            }
            removed += 1;
        }
        for (s, t, _) in &cur.add {
            let sg = glyphs.get(s).ok_or_else(|| format!("no glyph for U+{s:04X}"))?;
            let tg = glyphs.get(&u32::from(*t)).ok_or("no target glyph")?;
            if pairs.contains_key(&(*s, *t)) {
                return Err(format!(
                    "{}: `add U+{s:04X} U+{t:04X}` is already measured; drop the entry",
                    curated.display()
                ));
            }
            pairs.insert((*s, *t), (distance(sg, tg).min(255), String::from("curated")));
            added += 1;
        }
    }

    let mut rows: Vec<(u32, u32, u8, &str)> =
        pairs.iter().map(|(&(s, t), (d, f))| (s, *d, t, f.as_str())).collect();
    rows.sort_unstable();

    let date = today();
    let mut tsv = String::new();
    let _ = writeln!(tsv, "# ASCII lookalikes of IDNA2008 PVALID code points, from glyph bitmaps.");
    let _ = writeln!(tsv, "# @generated by crates/idnsafe-confusables/gen/glyphs.rs; DO NOT EDIT.");
    let _ = writeln!(tsv, "# Font: {font}");
    let _ = writeln!(
        tsv,
        "# Glyph files: {}",
        args.hex.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(
        tsv,
        "# Metric: pixels that differ between the 16-row bitmaps (after ShamFinder, IMC 2019),"
    );
    let _ = writeln!(
        tsv,
        "#   minimised over placements of the 8-wide target: on an 8-wide source moved by up to"
    );
    let _ = writeln!(
        tsv,
        "#   1 pixel each way (+1 per pixel moved); on a 16-wide source at any of 9 horizontal"
    );
    let _ = writeln!(tsv, "#   offsets (free) and up to 1 row up or down (+1).");
    let _ = writeln!(
        tsv,
        "# Threshold: distance <= {} and <= target ink / {}; sources with < {MIN_INK} set pixels never match.",
        args.max_distance, args.ink_divisor
    );
    let _ = writeln!(
        tsv,
        "# Sources: PVALID, not ASCII, not a combining mark, with a glyph: {sources} code points ({no_glyph} PVALID without a glyph)."
    );
    let _ = writeln!(
        tsv,
        "# Curation: tables/homoglyphs/glyphs-curated.tsv ({}; {removed} removed, {added} added: font `curated`).",
        if args.curation { "applied" } else { "not applied" }
    );
    let _ = writeln!(tsv, "# Pairs: {} ({measured} measured).", rows.len());
    let _ = writeln!(tsv, "# Date: {date}");
    let _ = writeln!(tsv, "# Command: {}", args.command);
    let _ = writeln!(tsv, "# source\ttarget\tdistance\tfont");
    for &(s, d, t, f) in &rows {
        let _ = writeln!(tsv, "U+{s:04X}\tU+{t:04X}\t{d}\t{f}");
    }

    let mut rs = String::new();
    let _ = writeln!(
        rs,
        "// @generated by crates/idnsafe-confusables/gen/glyphs.rs from {font}. DO NOT EDIT."
    );
    let _ = writeln!(rs, "// Same rows as tables/homoglyphs/glyphs.tsv ({date}).");
    let _ = writeln!(rs, "// Regenerate: {}", args.command);
    let _ = writeln!(rs);
    let _ = writeln!(rs, "/// Font the pairs come from.");
    let _ = writeln!(rs, "pub const GLYPH_FONT: &str = {font:?};");
    let _ = writeln!(
        rs,
        "/// (source code point, ASCII target byte, distance), sorted by source, then distance, then target."
    );
    let _ = writeln!(rs, "pub(crate) static GLYPH_PAIRS: &[(u32, u8, u8)] = &[");
    for &(s, d, t, _) in &rows {
        let _ = writeln!(rs, "    (0x{s:04X}, b'{}', {d}),", char::from(t));
    }
    let _ = writeln!(rs, "];");

    for (path, text) in [(&args.tsv, &tsv), (&args.rust, &rs)] {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "{} pairs ({measured} measured, {removed} removed, {added} added) over {sources} sources",
        rows.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate_glyph_table: {e}");
            ExitCode::from(2)
        }
    }
}

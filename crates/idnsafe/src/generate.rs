//! Lookalike generation: the names an attacker could register to imitate a
//! target, most plausible first, each with whether a policy would accept it
//! (`registrable`) and whether our own screen would catch it (`flagged`).
//! A registrable lookalike that is not flagged is a hole in the policy.
//!
//! **Input.** A bare label (`paypal`, U-label or A-label) is varied whole. A
//! name (anything with a dot, `paypal.com`, `www.bbc.co.uk`) is split with
//! the Public Suffix List ([`crate::psl`], private section included, so
//! `x.blogspot.com` varies `x`; a name that is itself a public suffix under
//! the full list, such as `github.io`, is split by the ICANN section alone):
//! only the registrable label (`paypal`, `bbc`) is varied; the suffix and
//! any labels left of it (`www.`) are kept, because an attacker registers a
//! lookalike of the registrable domain and may put the same prefix in front.
//! A dot is never substituted. `ulabel`/`alabel` are the whole name, `label`
//! the varied label, and substitution positions count code points in it.
//!
//! **Validity.** Every candidate is IDNA2008-valid as a whole name: each
//! label, the RFC 5893 Bidi rule across the name (a Latin label with one
//! Hebrew letter is not), and the 253-octet name length, i.e. exactly what
//! [`idnsafe_idna::check_name`] accepts. `registrable` also needs the
//! policy's acceptance when there is one.
//!
//! **Substitutes.** Single code points, each with a cost (lower = more
//! confusable), from these sources, strongest first:
//! 1. the same UTS #39 skeleton as the target character (`а` for `a`);
//! 2. the same key at the chosen level (`domain`: supplementary homoglyphs,
//!    digit/letter swaps; omitted at `uts39`);
//! 3. the glyph-distance table `tables/homoglyphs/glyphs.tsv`, plus the
//!    ASCII glyph swaps within its threshold (`l` for `i`, `h` for `n`,
//!    `o` for `c`);
//! 4. diacritic additions: PVALID precomposed letters whose canonical
//!    decomposition is the target character plus combining marks, cheaper
//!    for small single marks (dot, acute, grave) than for larger or
//!    stacked ones;
//! 5. the same `loose` key (letters with overlays such as `ł` for `l`),
//!    except the target letter plus marks, which is scored by its marks.
//!
//! A substitute several sources reach takes its cheapest cost. One from a
//! script other than the target's, Latin, Greek and Cyrillic, one UTS #39
//! restricts, or a Latin letter that is hard to type (neither precomposed
//! nor in Latin-1 / Latin Extended-A: IPA, small capitals) costs more; a
//! glyph lookalike that is in those two blocks (`ł`, `ı`: letters of a
//! national alphabet, one key on its layout) costs a little less.
//!
//! **Ranking.** A choice combines up to [`MAX_SUBSTITUTIONS`] units; a unit
//! is one position, or a uniform group (every occurrence of a letter with
//! the same substitute, `gôôgle`, at the substitute's cost plus a little).
//! Its score is the sum of its units' costs (a repeat of the same
//! substitute or of the same single mark costs half: attackers accent
//! every `o` of `google` alike) plus a penalty per script beyond the first
//! in the label, larger than a second same-script substitution, so
//! single-script rewrites (all-diacritic, or all-Cyrillic) come before
//! mixtures; a digit for a letter beside a non-ASCII substitute counts as
//! one more script (it mixes the ASCII typo family with the IDN one).
//! Besides these, whole-script candidates (every letter that has a
//! same-script skeleton twin replaced, e.g. all-Cyrillic `раураӏ`; and the
//! whole label in one script at any tier when every letter has a twin there,
//! `окех`) are scored as one substitution and so come early. Candidates come
//! out by score, then by fewer units, then by position; each once.

use std::collections::HashSet;
use std::sync::OnceLock;

use idnsafe_confusables::Level;
use idnsafe_idna::{DerivedProperty, derived_property_u32};
use idnsafe_policy::{Policy, RegistryState, Request, Verdict};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::psl;

/// Most substitutions in one lookalike (whole-script candidates excepted).
pub const MAX_SUBSTITUTIONS: usize = 3;

/// Longest label varied, in code points (a U-label has at most 59).
const MAX_TARGET_CHARS: usize = 63;

/// Most choices held at once (one scoring band); beyond it a band is cut
/// short, so hostile or huge requests stay bounded in memory.
const MAX_PICKS_PER_BAND: usize = 1 << 21;

/// Width of one scoring band: choices are enumerated band by band.
const BAND: u32 = 6;

/// Added to a substitute from a script other than the target's, Latin,
/// Greek and Cyrillic.
const FAR_SCRIPT_COST: u32 = 6;

/// Added to a substitute that UTS #39 does not allow in identifiers.
const RESTRICTED_COST: u32 = 4;

/// Score added per script beyond the first in a candidate label. Real
/// registrations keep one script throughout (a registrant types the whole
/// label on one keyboard layout; mixed labels are also what registries and
/// browsers refuse first), so a mixture must cost more than a second
/// same-script substitution (10 to 16).
const SCRIPT_PENALTY: u32 = 12;

/// Added to a Latin substitute that is hard to type: neither a precomposed
/// letter (base plus marks, reached with dead keys or an IME) nor in
/// Latin-1 / Latin Extended-A (on European keyboard layouts). IPA, small
/// capitals and the newer Latin blocks need a character map, so registrants
/// reach for them less; they stay in, after the easy ones.
const HARD_TO_TYPE_COST: u32 = 6;

/// Taken off a glyph-table lookalike that is in Latin-1 or Latin
/// Extended-A (the letters of European national alphabets, typed with one
/// key or a dead key on that country's layout): of two equally close
/// glyphs, the one a registrant can type is the likelier choice. Measured
/// with `bench/homographs.py --gen-max 3000` (part 3): 0 gives 858 of the
/// 947 development pairs, 2 gives 865, 3 gives 870, 4 gives 866, 5 gives 857.
const TYPABLE_GLYPH_BONUS: u32 = 3;

/// ASCII lookalikes of ASCII characters, (source, target, distance):
/// every pair of `abcdefghijklmnopqrstuvwxyz0123456789` within the
/// threshold of `tables/homoglyphs/glyphs.tsv`, measured with its metric on
/// the same font (GNU Unifont 15.0.01: distance <= 4 and <= target ink / 4).
/// That table leaves ASCII sources out because `check` folds by skeleton,
/// where `ul` and `ui` must stay distinct; for generation they are the
/// classic ASCII glyph swaps (`rn`-style), and they combine with diacritics
/// in real lookalikes.
const ASCII_GLYPH_PAIRS: [(char, char, u8); 10] = [
    ('h', 'n', 3),
    ('i', 'l', 3),
    ('l', 'i', 3),
    ('n', 'h', 3),
    ('1', 'l', 4),
    ('3', '8', 4),
    ('8', '3', 4),
    ('c', 'o', 4),
    ('l', '1', 4),
    ('o', 'c', 4),
];

/// Where a substitute comes from, strongest equivalence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubstituteKind {
    /// Same UTS #39 skeleton.
    Skeleton,
    /// Same case-folded skeleton (`identical` key) but a different skeleton.
    Homoglyph,
    /// A glyph-derived lookalike (`tables/homoglyphs/glyphs.tsv`).
    Glyph,
    /// The target letter plus combining marks.
    Diacritic,
    /// Same `lookalike` key only (overlays, curated homoglyphs, diacritics
    /// on a lookalike).
    Loose,
}

/// One replaced code point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Substitution {
    /// 0-based code point index in the varied label.
    pub position: usize,
    /// The target's code point.
    pub from: char,
    /// Its replacement.
    pub to: char,
    /// Why `to` looks like `from`.
    pub kind: SubstituteKind,
}

impl Serialize for Substitution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("position", &self.position)?;
        m.serialize_entry("from", &idnsafe_idna::u_plus(self.from))?;
        m.serialize_entry("to", &idnsafe_idna::u_plus(self.to))?;
        m.serialize_entry("kind", &self.kind)?;
        m.end()
    }
}

/// One generated lookalike (a JSON line of `idnsafe generate --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lookalike {
    /// The whole name (U-labels); the label alone for a bare-label target.
    pub ulabel: String,
    /// Its A-label form.
    pub alabel: String,
    /// The varied label (U-label).
    pub label: String,
    /// What was replaced, in the varied label.
    pub substitutions: Vec<Substitution>,
    /// Plausibility rank: lower is more confusable; candidates come out in
    /// non-decreasing order of it.
    pub score: u32,
    /// Passes IDNA2008 and the policy's own rules (without the target).
    pub registrable: bool,
    /// Our screen would reject or review it as confusable with (or a
    /// variant of) the target.
    pub flagged: bool,
}

/// Key of one character → the PVALID characters with that key, at the three
/// levels; base letter → PVALID letters made of it plus combining marks.
struct Substitutes {
    uts39: FxHashMap<String, Vec<char>>,
    identical: FxHashMap<String, Vec<char>>,
    lookalike: FxHashMap<String, Vec<char>>,
    by_base: FxHashMap<char, Vec<char>>,
    /// ASCII target → PVALID glyph lookalikes with their pixel distance.
    glyph: FxHashMap<char, Vec<(char, u8)>>,
}

fn pvalid_chars() -> impl Iterator<Item = char> {
    (0..0x11_0000u32)
        .filter(|&cp| derived_property_u32(cp) == DerivedProperty::Pvalid)
        .filter_map(char::from_u32)
}

fn build() -> Substitutes {
    use unicode_normalization::UnicodeNormalization;
    let mut s = Substitutes {
        uts39: FxHashMap::default(),
        identical: FxHashMap::default(),
        lookalike: FxHashMap::default(),
        by_base: FxHashMap::default(),
        glyph: FxHashMap::default(),
    };
    for (src, target, d) in idnsafe_confusables::glyph_pairs() {
        if derived_property_u32(src as u32) == DerivedProperty::Pvalid {
            s.glyph.entry(target).or_default().push((src, d));
        }
    }
    let mut buf = [0u8; 4];
    for c in pvalid_chars() {
        let cs: &str = c.encode_utf8(&mut buf);
        s.uts39.entry(idnsafe_confusables::key(cs, Level::Uts39)).or_default().push(c);
        s.identical.entry(idnsafe_confusables::key(cs, Level::Identical)).or_default().push(c);
        s.lookalike.entry(idnsafe_confusables::key(cs, Level::Lookalike)).or_default().push(c);
        let mut d = cs.nfd();
        if let Some(base) = d.next() {
            let rest: Vec<char> = d.collect();
            if !rest.is_empty()
                && rest.iter().all(|&m| unicode_normalization::char::is_combining_mark(m))
            {
                s.by_base.entry(base).or_default().push(c);
            }
        }
    }
    s
}

fn substitutes() -> &'static Substitutes {
    static TABLES: OnceLock<Substitutes> = OnceLock::new();
    TABLES.get_or_init(build)
}

/// How visible a combining mark is: small single marks (a dot, an acute or
/// grave stroke) 0, the other common Latin accents 2, anything else 4.
fn mark_weight(m: char) -> u32 {
    match m {
        '\u{0300}' | '\u{0301}' | '\u{0307}' | '\u{0323}' => 0,
        '\u{0302}'..='\u{030C}' | '\u{0326}'..='\u{0328}' | '\u{0331}' | '\u{031B}' => 2,
        _ => 4,
    }
}

/// The cost of a substitute of each kind (the unit of [`Lookalike::score`]);
/// `distance` is the glyph distance of a glyph-table lookalike.
fn cost(kind: SubstituteKind, to: char, distance: u8) -> u32 {
    use unicode_normalization::UnicodeNormalization;
    match kind {
        SubstituteKind::Skeleton => 10,
        SubstituteKind::Homoglyph => 13,
        // Between a skeleton twin and a diacritic addition.
        SubstituteKind::Glyph => 11 + 2 * u32::from(distance),
        SubstituteKind::Diacritic => {
            let marks: Vec<char> = to.to_string().nfd().skip(1).collect();
            let extra = 6 * u32::try_from(marks.len().saturating_sub(1)).unwrap_or(u32::MAX / 8);
            16 + marks.iter().map(|&m| mark_weight(m)).sum::<u32>() + extra
        }
        SubstituteKind::Loose => 20,
    }
}

/// One substitute of one target character.
#[derive(Debug, Clone, Copy)]
struct Alt {
    to: char,
    kind: SubstituteKind,
    cost: u32,
    /// Index of `to`'s script in the call's script list; 0 = no script
    /// (Common, Inherited).
    script: u8,
    /// What a repeat looks like: the mark of a diacritic addition, else
    /// the substitute itself. A second substitution with the same
    /// signature in one candidate (`góógle`, `ạlibạbạ`) costs half.
    sig: u32,
    /// An ASCII digit for a letter (`0` for `o`): the ASCII typo family.
    digit: bool,
}

/// The substitutes of one character, cheapest first. RTL characters are
/// left out for a target that is not RTL: one of them in an LTR label
/// always breaks the Bidi rule.
fn alternatives(
    c: char,
    level: Level,
    rtl_ok: bool,
    own_scripts: &[&str],
    scripts: &mut Scripts,
) -> Vec<Alt> {
    use unicode_normalization::UnicodeNormalization;
    let s = substitutes();
    let mut buf = [0u8; 4];
    let cs: &str = c.encode_utf8(&mut buf);
    let mut out: Vec<Alt> = Vec::new();
    let mut push = |to: char, kind: SubstituteKind, distance: u8, out: &mut Vec<Alt>| {
        if to == c {
            return;
        }
        if !rtl_ok && idnsafe_idna::bidi::is_rtl_label(&[to]) {
            return;
        }
        // Scripts other than the target's and the three that share Latin's
        // letter shapes and fonts (Latin, Greek, Cyrillic) render unlike
        // the target; characters UTS #39 restricts are rarely registrable.
        let sc = idnsafe_script::script(to);
        let far =
            !matches!(sc, "Latn" | "Cyrl" | "Grek" | "Zyyy" | "Zinh") && !own_scripts.contains(&sc);
        let restricted =
            idnsafe_script::identifier_status(to) != idnsafe_script::IdentifierStatus::Allowed;
        let decomposed: Vec<char> = to.to_string().nfd().collect();
        // The target letter plus marks is scored by its marks (or by its
        // measured glyph distance), never as a mere `loose`-key match,
        // which would make stacked marks (`ệ`) as cheap as one.
        if kind == SubstituteKind::Loose && decomposed.first() == Some(&c) {
            return;
        }
        let decomposes = decomposed.len() > 1;
        let hard = sc == "Latn" && !decomposes && !matches!(to as u32, 0xC0..=0x17F);
        let extra = if far { FAR_SCRIPT_COST } else { 0 }
            + if restricted { RESTRICTED_COST } else { 0 }
            + if hard { HARD_TO_TYPE_COST } else { 0 };
        // A glyph lookalike that is a letter of a European national
        // alphabet (`ł`, `ı`, `ø`, `ħ`: one key on that country's layout)
        // is easier to reach than one needing a character map.
        let typable = kind == SubstituteKind::Glyph && matches!(to as u32, 0xC0..=0x17F);
        let bonus = if typable { TYPABLE_GLYPH_BONUS } else { 0 };
        // The target letter plus a mark, whichever source found it, repeats
        // as its (first) mark.
        // One mark repeats as that mark (`é` then `á`); a stack of marks
        // only as the same letter.
        let sig = match decomposed.as_slice() {
            [b, m] if *b == c => *m as u32,
            _ => to as u32,
        };
        let alt = Alt {
            to,
            kind,
            cost: (cost(kind, to, distance) + extra).saturating_sub(bonus),
            script: scripts.id(to),
            sig,
            digit: to.is_ascii_digit() && !c.is_ascii_digit(),
        };
        // A substitute several sources reach takes its cheapest reading
        // (`à` is both a glyph-table lookalike of `a` and `a` plus a small
        // grave): each source's cost is a bound on how confusable it is.
        match out.iter_mut().find(|a| a.to == to) {
            Some(old) if old.cost > alt.cost => *old = alt,
            Some(_) => {}
            None => out.push(alt),
        }
    };
    type Source<'a> = (&'a FxHashMap<String, Vec<char>>, Level, SubstituteKind, bool);
    let sources: [Source<'_>; 3] = [
        (&s.uts39, Level::Uts39, SubstituteKind::Skeleton, true),
        (&s.identical, Level::Identical, SubstituteKind::Homoglyph, level >= Level::Identical),
        (&s.lookalike, Level::Lookalike, SubstituteKind::Loose, true),
    ];
    for (i, (map, lv, kind, on)) in sources.iter().enumerate() {
        if !on {
            continue;
        }
        if i == 2 {
            for &(x, d) in s.glyph.get(&c).map(Vec::as_slice).unwrap_or_default() {
                push(x, SubstituteKind::Glyph, d, &mut out);
            }
            for &(x, t, d) in &ASCII_GLYPH_PAIRS {
                if t == c {
                    push(x, SubstituteKind::Glyph, d, &mut out);
                }
            }
            if let Some(v) = s.by_base.get(&c) {
                for &x in v {
                    push(x, SubstituteKind::Diacritic, 0, &mut out);
                }
            }
        }
        if let Some(v) = map.get(&idnsafe_confusables::key(cs, *lv)) {
            for &x in v {
                push(x, *kind, 0, &mut out);
            }
        }
    }
    out.sort_by_key(|a| a.cost);
    out
}

/// The scripts met in one call, by index (0 = none).
struct Scripts(Vec<&'static str>);

impl Scripts {
    fn id(&mut self, c: char) -> u8 {
        let sc = idnsafe_script::script(c);
        if matches!(sc, "Zyyy" | "Zinh" | "Zzzz") {
            return 0;
        }
        if let Some(i) = self.0.iter().position(|&s| s == sc) {
            return u8::try_from(i + 1).unwrap_or(u8::MAX);
        }
        self.0.push(sc);
        u8::try_from(self.0.len()).unwrap_or(u8::MAX)
    }
}

/// What `generate` checks candidates against.
pub struct GenerateOptions<'a> {
    /// Confusable level of the substitutions and of `flagged` without a policy.
    pub level: Level,
    /// Stop after this many lookalikes.
    pub max: usize,
    /// Registry policy: `registrable` follows its rules and `flagged` its screen.
    pub policy: Option<&'a Policy>,
    /// Produce only registrable lookalikes.
    pub registrable_only: bool,
}

/// The target split into the fixed parts and the varied label.
struct Target {
    /// U-label prefix with its trailing dot (`www.`), or empty.
    uprefix: String,
    /// A-label prefix with its trailing dot.
    aprefix: String,
    /// U-label suffix with its leading dot (`.co.uk`), or empty.
    usuffix: String,
    /// A-label suffix with its leading dot.
    asuffix: String,
    /// The public suffix alone (`co.uk`), U-labels; empty for a bare label.
    zone: String,
    /// The varied label.
    label: String,
    /// Some fixed label is RTL: the name is a Bidi domain name whatever the
    /// varied label holds.
    fixed_rtl: bool,
    /// Every fixed label satisfies the Bidi rule.
    fixed_bidi_ok: bool,
    /// Octets of the fixed parts in the A-label form, dots included.
    fixed_octets: usize,
}

/// U- and A-label forms of fixed labels, or `None` when one is invalid.
fn fixed_forms(labels: &str) -> Option<Vec<(String, String)>> {
    if labels.is_empty() {
        return Some(Vec::new());
    }
    labels
        .split('.')
        .map(|l| {
            let u = idnsafe_idna::to_ulabel(l)?;
            if !idnsafe_idna::is_valid_label(&u) {
                return None;
            }
            let a = if u.is_ascii() { u.clone() } else { idnsafe_idna::encode_alabel(&u)? };
            Some((u, a))
        })
        .collect()
}

/// How `generate` splits `target`: the labels kept in front, the varied
/// label (a U-label) and the public suffix kept behind (U-labels); prefix
/// and suffix are empty for a bare label. `None` when there is nothing to
/// vary: an empty or over-long target, an empty or invalid kept label, or a
/// name that is a public suffix in the ICANN section (`co.uk`).
pub fn target_parts(target: &str) -> Option<psl::DomainParts> {
    let t = split_target(target)?;
    Some(psl::DomainParts {
        prefix: t.uprefix.strip_suffix('.').unwrap_or(&t.uprefix).to_owned(),
        label: t.label,
        suffix: t.zone,
    })
}

fn split_target(target: &str) -> Option<Target> {
    let target = target.strip_suffix('.').unwrap_or(target);
    let (prefix, label, suffix) = if target.contains('.') {
        let p = psl::split(target, psl::Sections::All)
            .or_else(|| psl::split(target, psl::Sections::Icann))?;
        (p.prefix, p.label, p.suffix)
    } else {
        (String::new(), target.to_owned(), String::new())
    };
    let label = idnsafe_idna::to_ulabel(&label)?;
    if label.is_empty() || label.chars().count() > MAX_TARGET_CHARS {
        return None;
    }
    let pre = fixed_forms(&prefix)?;
    let suf = fixed_forms(&suffix)?;
    let join = |v: &[(String, String)], a: bool| -> String {
        v.iter()
            .map(|(u, al)| if a { al.as_str() } else { u.as_str() })
            .collect::<Vec<_>>()
            .join(".")
    };
    let dotted = |s: String, lead: bool| {
        if s.is_empty() {
            s
        } else if lead {
            format!(".{s}")
        } else {
            format!("{s}.")
        }
    };
    let fixed: Vec<Vec<char>> = pre.iter().chain(&suf).map(|(u, _)| u.chars().collect()).collect();
    let aprefix = dotted(join(&pre, true), false);
    let asuffix = dotted(join(&suf, true), true);
    Some(Target {
        uprefix: dotted(join(&pre, false), false),
        fixed_octets: aprefix.len() + asuffix.len(),
        aprefix,
        usuffix: dotted(join(&suf, false), true),
        asuffix,
        zone: join(&suf, false),
        label,
        fixed_rtl: fixed.iter().any(|l| idnsafe_idna::bidi::is_rtl_label(l)),
        fixed_bidi_ok: fixed.iter().all(|l| idnsafe_idna::bidi::check_label(l).is_empty()),
    })
}

/// One scored choice of substitutions: `n` pairs (position index, alt
/// index) of `subs`, or, when `whole` is set, whole-script candidate
/// `subs[0].1`.
#[derive(Clone, Copy)]
struct Pick {
    score: u32,
    n: u8,
    whole: bool,
    subs: [(u8, u16); MAX_SUBSTITUTIONS],
}

/// The enumeration state shared by the scoring passes.
struct Space<'a> {
    /// Positions of the label that have substitutes, with their scripts.
    pos: Vec<usize>,
    alts: &'a [Vec<Alt>],
    /// Script id of each target character (0 = none).
    own: Vec<u8>,
    /// The units a choice combines, as indices in `pos`: first each
    /// position alone, then, for each letter that occurs at least twice, a
    /// uniform group of all its occurrences, which all take the same
    /// substitute (`gôôglé` is the group `ôô` and one `é`).
    units: Vec<Vec<usize>>,
}

impl Space<'_> {
    fn alt(&self, pi: usize, ai: usize) -> Option<&Alt> {
        self.pos.get(pi).and_then(|&p| self.alts.get(p)).and_then(|v| v.get(ai))
    }

    /// The indices in `pos` that unit `u` replaces.
    fn unit(&self, u: usize) -> &[usize] {
        self.units.get(u).map_or(&[][..], Vec::as_slice)
    }

    /// Substitute `ai` of unit `u` (that of its first position), with the
    /// unit's cost.
    fn unit_alt(&self, u: usize, ai: usize) -> Option<(Alt, u32)> {
        let ps = self.unit(u);
        let a = *self.alt(*ps.first()?, ai)?;
        let extra = if ps.len() > 1 { UNIFORM_EXTRA } else { 0 };
        Some((a, a.cost + extra))
    }

    /// Number of distinct scripts in the label after the substitutions.
    fn scripts(&self, subs: &[(u8, u16)]) -> u32 {
        let mut seen = [0u8; 8];
        let mut n = 0usize;
        let mut add = |s: u8| {
            if s != 0 && !seen.iter().take(n).any(|&x| x == s) {
                if let Some(slot) = seen.get_mut(n) {
                    *slot = s;
                }
                n += 1;
            }
        };
        for (i, &s) in self.own.iter().enumerate() {
            let replaced = subs.iter().any(|&(u, _)| {
                self.unit(usize::from(u)).iter().any(|&pi| self.pos.get(pi) == Some(&i))
            });
            if !replaced {
                add(s);
            }
        }
        let (mut digit, mut idn) = (false, false);
        for &(u, ai) in subs {
            if let Some((a, _)) = self.unit_alt(usize::from(u), usize::from(ai)) {
                add(a.script);
                digit |= a.digit;
                idn |= !a.to.is_ascii();
            }
        }
        // A digit-for-letter swap is an ASCII trick; beside a non-ASCII
        // substitute it mixes two ways of building a lookalike, which
        // registrants seldom do, so it counts as one more script.
        if digit && idn {
            n += 1;
        }
        u32::try_from(n.max(1)).unwrap_or(u32::MAX)
    }

    /// Every choice of up to `MAX_SUBSTITUTIONS` substitutions whose costs
    /// sum to at most `budget`, scored; those scoring in `(lo, budget]` go
    /// to `out`. True when some choice was cut by the budget.
    fn collect(&self, lo: u32, budget: u32, out: &mut Vec<Pick>) -> bool {
        let mut cut = false;
        let mut stack = [(0u8, 0u16); MAX_SUBSTITUTIONS];
        self.dfs(0, 0, 0, lo, budget, &mut stack, out, &mut cut);
        cut
    }

    #[allow(clippy::too_many_arguments)]
    fn dfs(
        &self,
        start: usize,
        depth: usize,
        base: u32,
        lo: u32,
        budget: u32,
        stack: &mut [(u8, u16); MAX_SUBSTITUTIONS],
        out: &mut Vec<Pick>,
        cut: &mut bool,
    ) {
        if depth >= MAX_SUBSTITUTIONS {
            return;
        }
        for u in start..self.units.len() {
            let ps = self.unit(u);
            // A unit overlapping one already chosen (a group and one of its
            // occurrences) is no new choice.
            if stack
                .iter()
                .take(depth)
                .any(|&(v, _)| self.unit(usize::from(v)).iter().any(|pi| ps.contains(pi)))
            {
                continue;
            }
            let Some(alts) =
                ps.first().and_then(|&pi| self.pos.get(pi)).and_then(|&p| self.alts.get(p))
            else {
                continue;
            };
            for ai in 0..alts.len() {
                let Some((a, cost)) = self.unit_alt(u, ai) else { break };
                // Alternatives are sorted by cost; a repeat costs half, so
                // half the cost bounds what is left of the list.
                if base + cost / 2 > budget {
                    *cut = true;
                    break;
                }
                let repeat = stack.iter().take(depth).any(|&(p, q)| {
                    self.unit_alt(usize::from(p), usize::from(q))
                        .is_some_and(|(o, _)| o.sig == a.sig)
                });
                let b = base + if repeat { cost / 2 } else { cost };
                if b > budget {
                    *cut = true;
                    continue;
                }
                let (Ok(p8), Ok(a16)) = (u8::try_from(u), u16::try_from(ai)) else { break };
                if let Some(slot) = stack.get_mut(depth) {
                    *slot = (p8, a16);
                }
                let subs = stack.get(..=depth).unwrap_or(&[]);
                let score = b + SCRIPT_PENALTY * (self.scripts(subs) - 1);
                if score > lo && score <= budget && out.len() < MAX_PICKS_PER_BAND {
                    out.push(Pick {
                        score,
                        n: u8::try_from(depth + 1).unwrap_or(u8::MAX),
                        whole: false,
                        subs: *stack,
                    });
                }
                self.dfs(u + 1, depth + 1, b, lo, budget, stack, out, cut);
            }
        }
    }

    /// Whole-script candidates: for each script other than the target's,
    /// every position with a same-script skeleton or homoglyph substitute
    /// takes its cheapest one (at least two positions). Returned as
    /// (position index, alt index) lists with their scores.
    fn whole_script(&self) -> Vec<(u32, Vec<(usize, usize)>)> {
        let mut scripts: Vec<u8> = Vec::new();
        for pi in 0..self.pos.len() {
            let Some(alts) = self.pos.get(pi).and_then(|&p| self.alts.get(p)) else { continue };
            for a in alts {
                if a.script != 0
                    && a.kind <= SubstituteKind::Homoglyph
                    && !scripts.contains(&a.script)
                {
                    scripts.push(a.script);
                }
            }
        }
        let mut out = Vec::new();
        for s in scripts {
            if self.own.contains(&s) {
                continue;
            }
            let mut subs = Vec::new();
            for pi in 0..self.pos.len() {
                let Some(alts) = self.pos.get(pi).and_then(|&p| self.alts.get(p)) else { continue };
                if let Some(ai) =
                    alts.iter().position(|a| a.script == s && a.kind <= SubstituteKind::Homoglyph)
                {
                    subs.push((pi, ai));
                }
            }
            // The whole label in that script: every position takes its
            // cheapest same-script substitute of any tier, when each one has
            // one (registrants swap the whole label, `окех`, `асогпѕ`).
            let full: Vec<(usize, usize)> = (0..self.pos.len())
                .filter_map(|pi| {
                    let alts = self.pos.get(pi).and_then(|&p| self.alts.get(p))?;
                    Some((pi, alts.iter().position(|a| a.script == s)?))
                })
                .collect();
            let letters = self.own.iter().filter(|&&o| o != 0).count();
            if full.len() == letters && full.len() >= 2 && full != subs {
                let pairs: Vec<(u8, u16)> = full
                    .iter()
                    .filter_map(|&(p, a)| Some((u8::try_from(p).ok()?, u16::try_from(a).ok()?)))
                    .collect();
                if self.scripts(&pairs) == 1 {
                    let dearest = full
                        .iter()
                        .filter_map(|&(p, a)| self.alt(p, a))
                        .map(|a| a.cost)
                        .max()
                        .unwrap_or(0);
                    out.push((dearest, full));
                }
            }
            if subs.len() < 2 {
                continue;
            }
            let pairs: Vec<(u8, u16)> = subs
                .iter()
                .filter_map(|&(p, a)| Some((u8::try_from(p).ok()?, u16::try_from(a).ok()?)))
                .collect();
            // As cheap as its dearest substitution, plus the mixing penalty.
            let dearest =
                subs.iter().filter_map(|&(p, a)| self.alt(p, a)).map(|a| a.cost).max().unwrap_or(0);
            let score = dearest + SCRIPT_PENALTY * (self.scripts(&pairs) - 1);
            out.push((score, subs));
        }
        out
    }
}

/// What a uniform rewrite costs beyond its substitute: every occurrence of
/// one letter replaced by the same substitute (`àlibàbà`, `bänkofämericä`),
/// a pattern of real registrations that reads as one decision, not several.
const UNIFORM_EXTRA: u32 = 3;

/// Uniform groups: for each letter that occurs at least twice, the indices
/// in `pos` of its occurrences.
fn uniform_groups(chars: &[char], pos: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut done: Vec<char> = Vec::new();
    for &p in pos {
        let Some(&c) = chars.get(p) else { continue };
        if done.contains(&c) {
            continue;
        }
        done.push(c);
        let at: Vec<usize> = (0..pos.len())
            .filter(|&k| pos.get(k).and_then(|&q| chars.get(q)) == Some(&c))
            .collect();
        if at.len() >= 2 {
            out.push(at);
        }
    }
    out
}

/// Generates lookalikes of `target` (a label or a name, U-labels or
/// A-labels), handing each to `sink`, most plausible first; returns how
/// many were produced.
pub fn generate(
    target: &str,
    opts: &GenerateOptions<'_>,
    mut sink: impl FnMut(&Lookalike),
) -> usize {
    let Some(t) = split_target(target) else { return 0 };
    let chars: Vec<char> = t.label.chars().collect();
    let rtl_ok = idnsafe_idna::bidi::is_rtl_label(&chars);
    let mut scripts = Scripts(Vec::new());
    let own: Vec<u8> = chars.iter().map(|&c| scripts.id(c)).collect();
    let own_scripts: Vec<&str> = chars.iter().map(|&c| idnsafe_script::script(c)).collect();
    let alts: Vec<Vec<Alt>> = chars
        .iter()
        .map(|&c| alternatives(c, opts.level, rtl_ok, &own_scripts, &mut scripts))
        .collect();
    let target_key = idnsafe_confusables::key(&t.label, opts.level);
    // The screen that decides `flagged`: the target registered and protected,
    // in the target's own zone when the policy has it, else its first zone.
    let zones = opts.policy.map(|p| p.file().policy.zones.clone()).unwrap_or_default();
    let zone = if zones.contains(&t.zone) {
        t.zone.clone()
    } else {
        zones.first().cloned().unwrap_or_default()
    };
    let full = |l: &str| if zone.is_empty() { l.to_owned() } else { format!("{l}.{zone}") };
    let with_target = opts
        .policy
        .map(|p| RegistryState::build(p, [(full(&t.label).as_str(), Some("holder-of-target"))]));
    let empty = opts.policy.map(|_| RegistryState::default());
    // Only the verdicts and reasons are used: no bundles.
    let alone = Request { without_bundle: true, ..Request::default() };
    let other = Request { registrant: Some("someone-else"), ..alone };
    let judge = |label: &str| -> (bool, bool) {
        match (opts.policy, &with_target, &empty) {
            (Some(p), Some(reg), Some(none)) => {
                let name = full(label);
                let own = p.screen(none, &name, alone);
                let vs = p.screen(reg, &name, other);
                let flagged = vs.reasons.iter().any(|r| {
                    matches!(
                        r.code.as_str(),
                        "CONFUSABLE_REGISTERED"
                            | "CONFUSABLE_PROTECTED"
                            | "VARIANT_OF_REGISTERED"
                            | "EQUIVALENT_REGISTERED"
                            | "ROMANIZED_PROTECTED"
                    )
                });
                (own.decision == Verdict::Accept, flagged)
            }
            _ => (true, idnsafe_confusables::key(label, opts.level) == target_key),
        }
    };
    let pos: Vec<usize> =
        (0..chars.len()).filter(|&i| alts.get(i).is_some_and(|a| !a.is_empty())).collect();
    let mut units: Vec<Vec<usize>> = (0..pos.len()).map(|pi| vec![pi]).collect();
    units.extend(uniform_groups(&chars, &pos));
    let space = Space { pos, alts: &alts, own, units };
    let wholes = space.whole_script();
    let mut seen: HashSet<String> = HashSet::new();
    let mut produced = 0usize;
    // Emits one choice; true once `max` is reached.
    let mut emit = |subs: &mut dyn Iterator<Item = (usize, usize)>, score: u32| -> bool {
        let mut label = chars.clone();
        let mut list = Vec::new();
        for (pi, ai) in subs {
            let Some(&p) = space.pos.get(pi) else { continue };
            let (Some(&from), Some(a)) = (chars.get(p), alts.get(p).and_then(|v| v.get(ai))) else {
                continue;
            };
            if let Some(l) = label.get_mut(p) {
                *l = a.to;
            }
            list.push(Substitution { position: p, from, to: a.to, kind: a.kind });
        }
        let ulabel: String = label.iter().collect();
        if !idnsafe_idna::is_valid_label(&ulabel) {
            return false;
        }
        // RFC 5893: in a name with an RTL label, every label obeys the Bidi rule.
        if (t.fixed_rtl || idnsafe_idna::bidi::is_rtl_label(&label))
            && !(t.fixed_bidi_ok && idnsafe_idna::bidi::check_label(&label).is_empty())
        {
            return false;
        }
        let alabel = if ulabel.is_ascii() {
            ulabel.clone()
        } else {
            match idnsafe_idna::encode_alabel(&ulabel) {
                Some(a) => a,
                None => return false,
            }
        };
        if alabel.len() + t.fixed_octets > idnsafe_idna::MAX_NAME_OCTETS
            || !seen.insert(ulabel.clone())
        {
            return false;
        }
        let (registrable, flagged) = judge(&ulabel);
        if opts.registrable_only && !registrable {
            return false;
        }
        sink(&Lookalike {
            ulabel: format!("{}{ulabel}{}", t.uprefix, t.usuffix),
            alabel: format!("{}{alabel}{}", t.aprefix, t.asuffix),
            label: ulabel,
            substitutions: list,
            score,
            registrable,
            flagged,
        });
        produced += 1;
        produced >= opts.max
    };
    if opts.max == 0 {
        return 0;
    }
    // Bands of scores: each pass enumerates the choices that cost at most
    // `budget` and emits those scoring in (lo, budget], best first.
    let mut lo = 0u32;
    let mut budget = 2 * BAND + 10;
    let mut picks: Vec<Pick> = Vec::new();
    loop {
        picks.clear();
        let cut = space.collect(lo, budget, &mut picks);
        for (i, (score, _)) in wholes.iter().enumerate() {
            if *score > lo && *score <= budget {
                picks.push(Pick {
                    score: *score,
                    n: 0,
                    whole: true,
                    subs: [(0, u16::try_from(i).unwrap_or(u16::MAX)); MAX_SUBSTITUTIONS],
                });
            }
        }
        picks.sort_by_key(|p| (p.score, p.n));
        for p in &picks {
            let done = if p.whole {
                let i = p.subs.first().map_or(usize::MAX, |s| usize::from(s.1));
                let Some((_, subs)) = wholes.get(i) else { continue };
                emit(&mut subs.iter().copied(), p.score)
            } else {
                let n = usize::from(p.n);
                let mut it = p.subs.iter().take(n).flat_map(|&(u, ai)| {
                    space.unit(usize::from(u)).iter().map(move |&pi| (pi, usize::from(ai)))
                });
                emit(&mut it, p.score)
            };
            if done {
                return produced;
            }
        }
        if !cut {
            break;
        }
        lo = budget;
        budget += BAND;
    }
    produced
}

//! Confusable classes of two labels and whole-script confusables of one
//! label (UTS #39 §4).

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Serialize;
use unicode_script::{Script, ScriptExtension};
use unicode_security::mixed_script::AugmentedScriptSet;

use crate::index::decode_label;
use crate::level::{Level, key, key_into};
use crate::skeleton::skeleton;

/// How two confusable labels relate (UTS #39 §4 definitions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ConfusableClass {
    /// Confusable, and their resolved script sets share a script
    /// (`g00gle` / `google`).
    SingleScript,
    /// Confusable, resolved script sets disjoint, at least one of the two a
    /// mixed-script string (`paypal` / `pаypal` with Cyrillic `а`).
    MixedScript,
    /// Confusable, both single-script, resolved script sets disjoint
    /// (Latin `scope` / Cyrillic `ѕсоре`).
    WholeScript,
    /// Not confusable at the chosen level, or identical.
    None,
}

impl ConfusableClass {
    /// The class name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfusableClass::SingleScript => "single-script",
            ConfusableClass::MixedScript => "mixed-script",
            ConfusableClass::WholeScript => "whole-script",
            ConfusableClass::None => "none",
        }
    }

    /// Whether the two labels are confusable at all.
    pub fn is_confusable(self) -> bool {
        self != ConfusableClass::None
    }
}

fn same_label(a: &str, b: &str, level: Level) -> bool {
    match level {
        Level::Uts39 => a == b,
        // Domain labels are case-insensitive: `Google` is `google`.
        _ => a == b || a.to_lowercase() == b.to_lowercase(),
    }
}

/// The confusable class of two labels at `level` (UTS #39 §4). Identical
/// labels (case-insensitively above `uts39`) are not reported as confusable.
pub fn confusable_class(a: &str, b: &str, level: Level) -> ConfusableClass {
    if same_label(a, b, level) || key(a, level) != key(b, level) {
        return ConfusableClass::None;
    }
    let sa = AugmentedScriptSet::for_str(a);
    let sb = AugmentedScriptSet::for_str(b);
    let mut both = sa;
    both.intersect_with(sb);
    if !both.is_empty() {
        ConfusableClass::SingleScript
    } else if !sa.is_empty() && !sb.is_empty() {
        ConfusableClass::WholeScript
    } else {
        ConfusableClass::MixedScript
    }
}

/// A set of scripts as a bit set indexed by the `Script` discriminant.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct ScriptBits([u64; 4]);

impl ScriptBits {
    fn of(ext: ScriptExtension) -> ScriptBits {
        let mut bits = ScriptBits::default();
        if ext.is_common() || ext.is_inherited() {
            return bits;
        }
        for s in ext.iter() {
            bits = bits.with(s);
        }
        bits
    }
    fn with(self, s: Script) -> ScriptBits {
        let mut r = self;
        let i = s as u8 as usize;
        if let Some(w) = r.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
        r
    }
    fn intersect(self, o: ScriptBits) -> ScriptBits {
        let mut r = self;
        for (a, b) in r.0.iter_mut().zip(o.0) {
            *a &= b;
        }
        r
    }
    fn is_empty(self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    fn contains(self, s: Script) -> bool {
        let i = s as u8 as usize;
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The Script_Extensions of `c` (empty for Common and Inherited); `latin`
/// is the Latin set. ASCII letters are Latin and other ASCII characters
/// Common: no table search for the characters most labels are made of.
#[inline]
fn char_bits(c: char, latin: ScriptBits) -> ScriptBits {
    if c.is_ascii() {
        if c.is_ascii_alphabetic() { latin } else { ScriptBits::default() }
    } else {
        ScriptBits::of(ScriptExtension::from(c))
    }
}

/// The resolved script set of `s` (UTS #39 §5.1, without augmentation):
/// the intersection of the Script_Extensions of its characters other than
/// Common and Inherited ones. `None` when `s` has no such character; an
/// empty set when it is mixed-script.
fn resolved(s: &str) -> Option<ScriptBits> {
    let mut own = None::<ScriptBits>;
    let latin = ScriptBits::default().with(Script::Latin);
    for c in s.chars() {
        let bits = char_bits(c, latin);
        if bits.is_empty() {
            continue; // Common / Inherited
        }
        let o = own.get_or_insert(bits);
        *o = o.intersect(bits);
        if o.is_empty() {
            break;
        }
    }
    own
}

/// The scripts a whole-script lookalike may be written in, with their common
/// letters (lower case: labels are compared after IDNA lower-casing).
///
/// - Latin: ASCII `a`-`z`, the letters every keyboard has and every
///   registry accepts; `é` or `ĸ` are not what a reader expects of a name
///   that imitates another.
/// - Cyrillic: the alphabets of the national languages of the countries with
///   a Cyrillic IDN ccTLD: Russian (.рф) and Bulgarian (.бг, a subset of
///   Russian), Ukrainian (.укр: і ї є ґ), Belarusian (.бел: і ў), Serbian
///   (.срб: ђ ј љ њ ћ џ), Macedonian (.мкд: ѓ ѕ ќ and the Serbian ј љ њ џ),
///   Kazakh (.қаз: ә ғ қ ң ө ұ ү һ і) and Mongolian (.мон: ө ү). Kazakh is
///   included because it is the national language of a country with its own
///   Cyrillic IDN TLD, whose labels use these letters as ordinary letters;
///   Kyrgyz (ң ө ү) adds nothing further. Letters of minority languages (the
///   palochka `ӏ` of Chechen or Avar, Tajik `ҷ`, Abkhaz `ԁ`) are left out.
/// - Greek: modern monotonic Greek: `α`-`ω` with final `ς`, the tonos forms
///   `ά έ ή ί ό ύ ώ` and `ϊ ϋ ΐ ΰ`; not lunate sigma `ϲ`, yot `ϳ` or the
///   archaic letters.
///
/// Other scripts are not candidate lookalike scripts: names are imitated to
/// pass as Latin (ASCII) names above all, browsers check whole-script
/// confusables against Latin only, and Latin, Greek and Cyrillic are the
/// scripts that share letter shapes by descent. A label in any script is
/// still checked against these three.
const TARGETS: [(Script, &str); 3] = [
    (Script::Latin, "abcdefghijklmnopqrstuvwxyz"),
    (
        Script::Cyrillic,
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя\
         ґєії\
         ў\
         ђјљњћџ\
         ѓѕќ\
         әғқңөұүһ",
    ),
    (Script::Greek, "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ"),
];

/// The keys at one level of the common characters of one lookalike script.
#[derive(Clone)]
struct CommonKeys {
    script: Script,
    /// Key -> a common letter with that key, and whether its plain UTS #39
    /// skeleton is that key.
    chars: FxHashMap<String, (char, bool)>,
    /// The longest key, in characters.
    max_chars: usize,
}

impl CommonKeys {
    fn new(script: Script, letters: &str, level: Level) -> CommonKeys {
        let mut chars = FxHashMap::default();
        let mut max_chars = 0;
        let mut buf = String::new();
        for c in letters.chars() {
            key_into(c.encode_utf8(&mut [0; 4]), level, &mut buf);
            if buf.is_empty() {
                continue;
            }
            max_chars = max_chars.max(buf.chars().count());
            // Prefer a letter that has this key by UTS #39 alone (omicron
            // rather than theta for `o`), as the example shown to people.
            let plain = skeleton(c.encode_utf8(&mut [0; 4])) == buf;
            match chars.get(&buf) {
                Some(&(_, true)) => {}
                Some(&(_, false)) if !plain => {}
                _ => {
                    chars.insert(buf.clone(), (c, plain));
                }
            }
        }
        CommonKeys { script, chars, max_chars }
    }

    /// A string of common characters whose keys, concatenated, spell `key`;
    /// `None` if there is none. Linear in the length of `key` (a bounded
    /// number of probes per character).
    fn spell(&self, key: &str) -> Option<String> {
        let bounds: Vec<usize> = key.char_indices().map(|(i, _)| i).chain([key.len()]).collect();
        // from[j]: where the last piece of a spelling of key[..bounds[j]] starts, and its char.
        let mut from: Vec<Option<(usize, char)>> = vec![None; bounds.len()];
        for i in 0..bounds.len() {
            if i > 0 && from.get(i).copied().flatten().is_none() {
                continue;
            }
            let start = bounds.get(i).copied().unwrap_or(key.len());
            for len in 1..=self.max_chars {
                let j = i + len;
                let (Some(&end), Some(slot)) = (bounds.get(j), from.get(j)) else {
                    break;
                };
                if slot.is_some() {
                    continue;
                }
                if let Some(&(c, _)) = key.get(start..end).and_then(|piece| self.chars.get(piece))
                    && let Some(s) = from.get_mut(j)
                {
                    *s = Some((i, c));
                }
            }
        }
        let mut j = bounds.len().checked_sub(1)?;
        let mut out = Vec::new();
        while j > 0 {
            let (i, c) = from.get(j).copied().flatten()?;
            out.push(c);
            j = i;
        }
        Some(out.into_iter().rev().collect())
    }
}

/// The common keys of every lookalike script at `level`, built once per level.
#[derive(Clone)]
struct Targets(Vec<CommonKeys>);

impl Targets {
    fn new(level: Level) -> Targets {
        Targets(TARGETS.iter().map(|&(s, letters)| CommonKeys::new(s, letters, level)).collect())
    }
}

fn targets(level: Level) -> Cow<'static, Targets> {
    static CACHE: OnceLock<Vec<(Level, Targets)>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Level::ALL.iter().map(|&l| (l, Targets::new(l))).collect());
    match cache.iter().find(|(l, _)| *l == level) {
        Some((_, t)) => Cow::Borrowed(t),
        None => Cow::Owned(Targets::new(level)),
    }
}

/// ASCII country-code TLDs whose country's national language is written in
/// a script other than Latin (the script used by most of its IDN labels),
/// so that a label in that script is expected there. Cyrillic: Bulgaria,
/// Belarus, Kyrgyzstan, Kazakhstan, North Macedonia, Mongolia, Serbia,
/// Russia, the Soviet Union's .su, Tajikistan, Ukraine and Uzbekistan (whose
/// Latin alphabet has not displaced Cyrillic in use); Greek: Greece and
/// Cyprus; then Armenia, Georgia, Israel, Ethiopia and Eritrea, Thailand,
/// Myanmar. Countries that write their language in two scripts equally
/// (Bosnia and Herzegovina, Montenegro) are not listed. IDN TLDs need no
/// list: their script is read from the TLD itself.
const CCTLD_SCRIPTS: [(&str, Script); 21] = [
    ("bg", Script::Cyrillic),
    ("by", Script::Cyrillic),
    ("kg", Script::Cyrillic),
    ("kz", Script::Cyrillic),
    ("mk", Script::Cyrillic),
    ("mn", Script::Cyrillic),
    ("rs", Script::Cyrillic),
    ("ru", Script::Cyrillic),
    ("su", Script::Cyrillic),
    ("tj", Script::Cyrillic),
    ("ua", Script::Cyrillic),
    ("uz", Script::Cyrillic),
    ("gr", Script::Greek),
    ("cy", Script::Greek),
    ("am", Script::Armenian),
    ("ge", Script::Georgian),
    ("il", Script::Hebrew),
    ("et", Script::Ethiopic),
    ("er", Script::Ethiopic),
    ("th", Script::Thai),
    ("mm", Script::Myanmar),
];

/// The scripts whose labels are expected under `tld`: the TLD's own
/// resolved script set (Latin for an ASCII TLD, Cyrillic for .рф, given as
/// a U-label or an A-label), plus, for the ASCII ccTLDs of
/// [`CCTLD_SCRIPTS`], the script of the country's language.
fn tld_scripts(tld: &str) -> ScriptBits {
    let Ok(u) = decode_label(tld.trim_end_matches('.')) else {
        return ScriptBits::default();
    };
    let mut bits = resolved(&u).unwrap_or_default();
    for (t, s) in CCTLD_SCRIPTS {
        if u == t {
            bits = bits.with(s);
        }
    }
    bits
}

/// A label written in one script that could be written entirely in the
/// common letters of another script (UTS #39 §4, whole-script confusables).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WholeScriptConfusable {
    /// The scripts of the label (its resolved script set; several only when
    /// every letter belongs to all of them, e.g. Han and Japanese).
    pub scripts: Vec<String>,
    /// Scripts in which a lookalike of the whole label can be written in
    /// common letters: `Latin`, `Cyrillic` and/or `Greek`.
    pub lookalike_scripts: Vec<String>,
    /// One such lookalike per entry of `lookalike_scripts`, in the same
    /// order (`apple` for Cyrillic `аррӏе`).
    pub lookalikes: Vec<String>,
}

/// Checks whether a single-script label could be imitated entirely in the
/// common letters of another script at `level` (Cyrillic `ѕсоре` vs Latin
/// `scope`). Returns `None` for mixed-script labels, labels without letters,
/// and labels whose lookalike would need letters outside the common ones
/// (Cyrillic `курс` at `uts39`: `к` resembles only Latin kra `ĸ`; the
/// `domain` level's supplementary table reads `к` as `k`, so there it is
/// confusable with `kypc`).
///
/// The lookalike scripts are Latin (common letters: ASCII `a`-`z`),
/// Cyrillic (the letters of the national alphabets: Russian, Ukrainian,
/// Belarusian, Bulgarian, Serbian, Macedonian, Kazakh, Mongolian) and Greek
/// (modern monotonic Greek). A label is a whole-script confusable for one of
/// them, other than its own, when every run of characters between its ASCII
/// digits and hyphens (which every script shares) has a key at `level` that
/// is a concatenation of keys of that script's common letters. Same as
/// [`whole_script_confusable_in`] without a TLD.
pub fn whole_script_confusable(label: &str, level: Level) -> Option<WholeScriptConfusable> {
    whole_script_confusable_in(label, level, None)
}

/// Whole-script confusable judged for a domain name: `tld` is the name's
/// top-level label (a U-label; an A-label is decoded), whose script makes a
/// label in that same script expected (Greek under .gr, Cyrillic under .рф).
/// Returns `None` when the label's script is one of the TLD's scripts:
///
/// - a non-ASCII TLD's scripts are its own resolved script set (.рф, .қаз,
///   .мон: Cyrillic; .ελ: Greek);
/// - an ASCII TLD is Latin, so non-ASCII Latin labels (`noël.christmas`)
///   are never whole-script confusables under one;
/// - the ASCII ccTLDs of countries whose national language is written in
///   another script also expect that script: `bg by kg kz mk mn rs ru su tj
///   ua uz` Cyrillic, `gr cy` Greek, `am` Armenian, `ge` Georgian, `il`
///   Hebrew, `et er` Ethiopic, `th` Thai, `mm` Myanmar.
///
/// With `tld` = `None` this is [`whole_script_confusable`]. An empty or
/// undecodable `tld` expects no script.
pub fn whole_script_confusable_in(
    label: &str,
    level: Level,
    tld: Option<&str>,
) -> Option<WholeScriptConfusable> {
    let own = resolved(label)?;
    if own.is_empty() {
        return None; // mixed-script
    }
    if let Some(t) = tld
        && !own.intersect(tld_scripts(t)).is_empty()
    {
        return None;
    }
    // ASCII digits and the hyphen are the same characters in every script:
    // they are copied; each run of other characters must be spelled in the
    // common letters of the lookalike script (a digit does not stand in for
    // a letter: `арр1е` is not a common-letter spelling of `apple`).
    let mut pieces: Vec<Result<String, char>> = Vec::new();
    let mut run = String::new();
    for c in label.chars() {
        if c.is_ascii_digit() || c == '-' {
            if !run.is_empty() {
                pieces.push(Ok(key(&run, level)));
                run.clear();
            }
            pieces.push(Err(c));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        pieces.push(Ok(key(&run, level)));
    }
    let targets = targets(level);
    let mut lookalike_scripts = Vec::new();
    let mut lookalikes = Vec::new();
    for t in targets.0.iter().filter(|t| !own.contains(t.script)) {
        let mut lookalike = String::with_capacity(label.len());
        let spelled = pieces.iter().all(|p| match p {
            Err(c) => {
                lookalike.push(*c);
                true
            }
            Ok(k) => t.spell(k).map(|s| lookalike.push_str(&s)).is_some(),
        });
        if spelled {
            lookalike_scripts.push(t.script.full_name().to_owned());
            lookalikes.push(lookalike);
        }
    }
    if lookalike_scripts.is_empty() {
        return None;
    }
    let mut scripts: Vec<String> = ScriptExtension::from(label)
        .iter()
        .filter(|s| own.contains(*s))
        .map(|s| s.full_name().to_owned())
        .collect();
    scripts.sort();
    scripts.dedup();
    Some(WholeScriptConfusable { scripts, lookalike_scripts, lookalikes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_shortcut_gives_the_script_extensions() {
        let latin = ScriptBits::default().with(Script::Latin);
        for c in (0u8..128).map(char::from) {
            assert!(char_bits(c, latin) == ScriptBits::of(ScriptExtension::from(c)), "{c:?}");
        }
    }
}

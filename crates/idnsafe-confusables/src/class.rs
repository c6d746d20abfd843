//! Confusable classes of two labels and whole-script confusables of one
//! label (UTS #39 §4).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Serialize;
use unicode_script::{Script, ScriptExtension};
use unicode_security::GeneralSecurityProfile;
use unicode_security::mixed_script::AugmentedScriptSet;

use crate::level::{Level, homoglyphs, key, key_into};
use crate::tables::CONFUSABLE_CHARS;

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
            let i = s as u8 as usize;
            if let Some(w) = bits.0.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
        bits
    }
    fn union(self, o: ScriptBits) -> ScriptBits {
        let mut r = self;
        for (a, b) in r.0.iter_mut().zip(o.0) {
            *a |= b;
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
    fn minus(self, o: ScriptBits) -> ScriptBits {
        let mut r = self;
        for (a, b) in r.0.iter_mut().zip(o.0) {
            *a &= !b;
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

/// Per level: key -> scripts of the identifier-allowed characters with that key.
struct ScriptsByKey {
    map: FxHashMap<String, ScriptBits>,
    /// Every script that occurs in `map`, to turn bits back into scripts.
    scripts: Vec<Script>,
}

fn scripts_by_key(level: Level) -> &'static ScriptsByKey {
    static TABLES: [OnceLock<ScriptsByKey>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = match level {
        Level::Uts39 => &TABLES[0],
        Level::Identical => &TABLES[1],
        Level::Lookalike => &TABLES[2],
    };
    slot.get_or_init(|| {
        let mut map: FxHashMap<String, ScriptBits> = FxHashMap::default();
        let mut scripts: Vec<Script> = Vec::new();
        let extra = homoglyphs()
            .iter()
            .flat_map(|h| std::iter::once(h.source).chain(h.target.chars().collect::<Vec<_>>()));
        let ldh = (b'a'..=b'z').chain(b'0'..=b'9').map(char::from);
        let mut buf = String::new();
        for c in CONFUSABLE_CHARS.iter().copied().chain(extra).chain(ldh) {
            // Only characters allowed in identifiers (UTS #39 §3.1) can stand
            // in for a letter of a label: small capitals and other technical
            // letters do not make a Cyrillic label whole-script confusable.
            if !c.identifier_allowed() {
                continue;
            }
            let ext = ScriptExtension::from(c);
            let bits = ScriptBits::of(ext);
            if bits.is_empty() {
                continue;
            }
            for s in ext.iter() {
                if !scripts.contains(&s) {
                    scripts.push(s);
                }
            }
            key_into(c.encode_utf8(&mut [0; 4]), level, &mut buf);
            let e = map.entry(buf.clone()).or_default();
            *e = e.union(bits);
        }
        scripts.sort_by_key(|s| s.full_name());
        ScriptsByKey { map, scripts }
    })
}

/// A label written in one script whose every letter has a lookalike in each
/// of `lookalike_scripts` (UTS #39 §4, whole-script confusables).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WholeScriptConfusable {
    /// The scripts of the label (its resolved script set; several only when
    /// every letter belongs to all of them, e.g. Han and Japanese).
    pub scripts: Vec<String>,
    /// Scripts in which a lookalike of the whole label can be written.
    pub lookalike_scripts: Vec<String>,
}

/// Checks whether a single-script label could be imitated entirely in another
/// script at `level` (Cyrillic `аррӏе` vs Latin `apple`). Returns `None` for
/// mixed-script labels, labels without letters, and labels with a letter that
/// has no lookalike in a common other script.
///
/// A lookalike is a character with the same key at `level` that UTS #39 §3.1
/// allows in identifiers; characters of the Common and Inherited scripts
/// (digits, hyphen, combining marks) are skipped.
pub fn whole_script_confusable(label: &str, level: Level) -> Option<WholeScriptConfusable> {
    let table = scripts_by_key(level);
    let mut own = None::<ScriptBits>;
    let mut others = None::<ScriptBits>;
    let mut buf = String::new();
    for c in label.chars() {
        let ext = ScriptExtension::from(c);
        let bits = ScriptBits::of(ext);
        if bits.is_empty() {
            continue; // Common / Inherited
        }
        let o = own.get_or_insert(bits);
        *o = o.intersect(bits);
        if o.is_empty() {
            return None; // mixed-script
        }
        key_into(c.encode_utf8(&mut [0; 4]), level, &mut buf);
        let alt = table.map.get(&buf).copied().unwrap_or_default().minus(bits);
        let acc = others.get_or_insert(alt);
        *acc = acc.intersect(alt);
        if acc.is_empty() {
            return None;
        }
    }
    let own = own?;
    let others = others?.minus(own);
    if others.is_empty() {
        return None;
    }
    let names = |bits: ScriptBits| -> Vec<String> {
        table
            .scripts
            .iter()
            .filter(|s| bits.contains(**s))
            .map(|s| s.full_name().to_owned())
            .collect()
    };
    let mut scripts: Vec<String> = ScriptExtension::from(label)
        .iter()
        .filter(|s| own.contains(*s))
        .map(|s| s.full_name().to_owned())
        .collect();
    scripts.sort();
    scripts.dedup();
    Some(WholeScriptConfusable { scripts, lookalike_scripts: names(others) })
}

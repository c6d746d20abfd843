//! Lookalike generation: the labels an attacker could register to imitate a
//! target, most plausible first, each with whether a policy would accept it
//! (`registrable`) and whether our own screen would catch it (`flagged`).
//! A registrable label that is not flagged is a hole in the policy.
//!
//! Substitutions are single code points: every IDNA2008-PVALID code point
//! whose one-character confusable key equals the target character's key (at
//! the chosen level; this covers UTS #39 confusables, our supplementary
//! homoglyphs, and digit/letter swaps such as `0`/`o`), then every PVALID
//! precomposed letter whose canonical decomposition is the target character
//! plus combining marks (diacritic additions). Labels come out in order of
//! the number of substitutions, then of their rank; only IDNA2008-valid
//! labels are produced, each once.

use std::collections::HashSet;
use std::sync::OnceLock;

use idnsafe_confusables::Level;
use idnsafe_idna::{DerivedProperty, derived_property_u32};
use idnsafe_policy::{Policy, RegistryState, Request, Verdict};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Most substitutions in one lookalike.
pub const MAX_SUBSTITUTIONS: usize = 3;

/// One replaced code point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Substitution {
    /// 0-based code point index in the target.
    pub position: usize,
    /// The target's code point.
    pub from: char,
    /// Its replacement.
    pub to: char,
}

impl Serialize for Substitution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("position", &self.position)?;
        m.serialize_entry("from", &idnsafe_idna::u_plus(self.from))?;
        m.serialize_entry("to", &idnsafe_idna::u_plus(self.to))?;
        m.end()
    }
}

/// One generated lookalike (a JSON line of `idnsafe generate --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lookalike {
    /// The label (U-label).
    pub ulabel: String,
    /// Its A-label.
    pub alabel: String,
    /// What was replaced.
    pub substitutions: Vec<Substitution>,
    /// Passes IDNA2008 and the policy's own rules (without the target).
    pub registrable: bool,
    /// Our screen would reject or review it as confusable with (or a
    /// variant of) the target.
    pub flagged: bool,
}

/// Single-code-point substitutes, per level: key of one character → the
/// PVALID characters with that key; base letter → PVALID letters made of
/// it plus combining marks.
struct Substitutes {
    by_key: FxHashMap<String, Vec<char>>,
    by_base: FxHashMap<char, Vec<char>>,
}

fn pvalid_chars() -> impl Iterator<Item = char> {
    (0..0x11_0000u32)
        .filter(|&cp| derived_property_u32(cp) == DerivedProperty::Pvalid)
        .filter_map(char::from_u32)
}

fn build(level: Level) -> Substitutes {
    use unicode_normalization::UnicodeNormalization;
    let mut by_key: FxHashMap<String, Vec<char>> = FxHashMap::default();
    let mut by_base: FxHashMap<char, Vec<char>> = FxHashMap::default();
    let mut buf = [0u8; 4];
    for c in pvalid_chars() {
        by_key.entry(idnsafe_confusables::key(c.encode_utf8(&mut buf), level)).or_default().push(c);
        let mut d = c.encode_utf8(&mut buf).nfd();
        if let Some(base) = d.next() {
            let rest: Vec<char> = d.collect();
            if !rest.is_empty()
                && rest.iter().all(|&m| unicode_normalization::char::is_combining_mark(m))
            {
                by_base.entry(base).or_default().push(c);
            }
        }
    }
    Substitutes { by_key, by_base }
}

fn substitutes(level: Level) -> &'static Substitutes {
    static UTS39: OnceLock<Substitutes> = OnceLock::new();
    static DOMAIN: OnceLock<Substitutes> = OnceLock::new();
    static LOOSE: OnceLock<Substitutes> = OnceLock::new();
    let cell = match level {
        Level::Uts39 => &UTS39,
        Level::Identical => &DOMAIN,
        _ => &LOOSE,
    };
    cell.get_or_init(|| build(level))
}

/// Steps an odometer: `pick[i]` runs over `0..limits[i]`, the last place
/// fastest. False once every combination has been seen.
fn advance(pick: &mut [usize], limits: &[usize]) -> bool {
    for s in (0..pick.len()).rev() {
        let limit = limits.get(s).copied().unwrap_or(0);
        if let Some(v) = pick.get_mut(s) {
            *v += 1;
            if *v < limit {
                return true;
            }
            *v = 0;
        }
    }
    false
}

/// The next k-combination of `0..n` in lexicographic order; false after the last.
fn next_combination(combo: &mut [usize], n: usize) -> bool {
    let k = combo.len();
    for i in (0..k).rev() {
        if combo.get(i).is_some_and(|&c| c + k < n + i) {
            let start = combo.get(i).copied().unwrap_or(0) + 1;
            for (off, c) in combo.iter_mut().skip(i).enumerate() {
                *c = start + off;
            }
            return true;
        }
    }
    false
}

/// The substitutes of one character, most confusable first.
fn alternatives(c: char, level: Level) -> Vec<char> {
    let s = substitutes(level);
    let mut buf = [0u8; 4];
    let mut out: Vec<char> = Vec::new();
    if let Some(v) = s.by_key.get(&idnsafe_confusables::key(c.encode_utf8(&mut buf), level)) {
        out.extend(v.iter().copied().filter(|&x| x != c));
    }
    if let Some(v) = s.by_base.get(&c) {
        for &x in v {
            if !out.contains(&x) {
                out.push(x);
            }
        }
    }
    out
}

/// What `generate` checks candidates against.
pub struct GenerateOptions<'a> {
    /// Confusable level of the substitutions and of `flagged` without a policy.
    pub level: Level,
    /// Stop after this many lookalikes.
    pub max: usize,
    /// Registry policy: `registrable` follows its rules and `flagged` its screen.
    pub policy: Option<&'a Policy>,
    /// Produce only registrable labels.
    pub registrable_only: bool,
}

/// Generates lookalikes of `target` (a label, U-label or A-label), handing
/// each to `sink`; returns how many were produced.
pub fn generate(
    target: &str,
    opts: &GenerateOptions<'_>,
    mut sink: impl FnMut(&Lookalike),
) -> usize {
    let Some(target) = idnsafe_idna::to_ulabel(target) else { return 0 };
    let chars: Vec<char> = target.chars().collect();
    let alts: Vec<Vec<char>> = chars.iter().map(|&c| alternatives(c, opts.level)).collect();
    let target_key = idnsafe_confusables::key(&target, opts.level);
    // The screen that decides `flagged`: the target registered and protected.
    let zone = opts.policy.and_then(|p| p.file().policy.zones.first().cloned()).unwrap_or_default();
    let full = |l: &str| if zone.is_empty() { l.to_owned() } else { format!("{l}.{zone}") };
    let with_target = opts
        .policy
        .map(|p| RegistryState::build(p, [(full(&target).as_str(), Some("holder-of-target"))]));
    let empty = opts.policy.map(|_| RegistryState::default());
    // Only the verdicts and reasons are used: no bundles.
    let alone = Request { without_bundle: true, ..Request::default() };
    let other = Request { registrant: Some("someone-else"), ..alone };
    let judge = |ulabel: &str| -> (bool, bool) {
        match (opts.policy, &with_target, &empty) {
            (Some(p), Some(reg), Some(none)) => {
                let name = full(ulabel);
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
            _ => (true, idnsafe_confusables::key(ulabel, opts.level) == target_key),
        }
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut produced = 0usize;
    let positions: Vec<usize> =
        (0..chars.len()).filter(|&i| alts.get(i).is_some_and(|a| !a.is_empty())).collect();
    for k in 1..=MAX_SUBSTITUTIONS.min(positions.len()) {
        let mut combo: Vec<usize> = (0..k).collect();
        loop {
            let pos: Vec<usize> = combo.iter().filter_map(|&j| positions.get(j).copied()).collect();
            let limits: Vec<usize> = pos.iter().map(|&p| alts.get(p).map_or(0, Vec::len)).collect();
            let mut pick = vec![0usize; k];
            loop {
                let mut label = chars.clone();
                let mut subs = Vec::with_capacity(k);
                for (&p, &a) in pos.iter().zip(&pick) {
                    if let (Some(&from), Some(&to)) =
                        (chars.get(p), alts.get(p).and_then(|v| v.get(a)))
                    {
                        if let Some(l) = label.get_mut(p) {
                            *l = to;
                        }
                        subs.push(Substitution { position: p, from, to });
                    }
                }
                let ulabel: String = label.iter().collect();
                if idnsafe_idna::is_valid_label(&ulabel) && seen.insert(ulabel.clone()) {
                    let (registrable, flagged) = judge(&ulabel);
                    if !opts.registrable_only || registrable {
                        let alabel = if ulabel.is_ascii() {
                            ulabel.clone()
                        } else {
                            idnsafe_idna::encode_alabel(&ulabel).unwrap_or_default()
                        };
                        sink(&Lookalike {
                            ulabel,
                            alabel,
                            substitutions: subs,
                            registrable,
                            flagged,
                        });
                        produced += 1;
                        if produced >= opts.max {
                            return produced;
                        }
                    }
                }
                if !advance(&mut pick, &limits) {
                    break;
                }
            }
            if !next_combination(&mut combo, positions.len()) {
                break;
            }
        }
    }
    produced
}

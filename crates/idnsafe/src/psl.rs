//! The Public Suffix List: the public suffix and the registrable domain of a
//! name, by the algorithm of <https://publicsuffix.org/list/> (normal,
//! wildcard `*.` and exception `!` rules; the longest matching rule wins, an
//! exception wins over all; an unlisted TLD is its own public suffix, the
//! implicit `*` rule).
//!
//! The list is embedded from `tables/psl/public_suffix_list.dat`, a compact
//! copy (rules and section markers only, under a header naming its source,
//! version and licence, MPL-2.0) written by hand with
//! `cargo run -p idnsafe --example generate_psl` from the copy in the shared
//! data directory (`psl/public_suffix_list.dat`). It is never read at build
//! time from anywhere else.
//!
//! Both sections count by default ([`Sections::All`]): `blogspot.com` and
//! `github.io` are public suffixes, as in browsers, because anyone can get a
//! name under them, so `paypal.blogspot.com` is a registrable domain of its
//! own. [`Sections::Icann`] uses the ICANN section only (`github.io` is then
//! the registrable domain of `paypal.github.io`).

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

/// The embedded list (rules only, with its header).
pub const PSL_DAT: &str = include_str!("../../../tables/psl/public_suffix_list.dat");

/// Longest name looked up, in bytes; longer input has no registrable domain.
pub const MAX_NAME_BYTES: usize = 1024;

/// Which sections of the list count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sections {
    /// The ICANN section only (suffixes delegated by registries).
    Icann,
    /// The ICANN and the private section (`blogspot.com`, `github.io`).
    #[default]
    All,
}

/// The rules of one section, as U-label suffixes without their `*.` or `!`.
#[derive(Default)]
struct RuleSet {
    normal: FxHashSet<&'static str>,
    wildcard: FxHashSet<&'static str>,
    exception: FxHashSet<&'static str>,
}

struct List {
    icann: RuleSet,
    private: RuleSet,
    version: Option<&'static str>,
}

/// Parses the list text; never panics, whatever the text. Blank lines and
/// `//` comments are skipped; a rule is the first word of its line.
fn parse(text: &'static str) -> List {
    let mut list = List { icann: RuleSet::default(), private: RuleSet::default(), version: None };
    let mut private = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(c) = line.strip_prefix("//") {
            let c = c.trim();
            if c.starts_with("===BEGIN PRIVATE DOMAINS===") {
                private = true;
            } else if c.starts_with("===BEGIN ICANN DOMAINS===") {
                private = false;
            } else if let Some(v) = c.strip_prefix("VERSION:") {
                list.version = Some(v.trim());
            }
            continue;
        }
        let Some(rule) = line.split_whitespace().next() else { continue };
        let set = if private { &mut list.private } else { &mut list.icann };
        if let Some(r) = rule.strip_prefix("!") {
            set.exception.insert(r);
        } else if let Some(r) = rule.strip_prefix("*.") {
            set.wildcard.insert(r);
        } else {
            set.normal.insert(rule);
        }
    }
    list
}

fn list() -> &'static List {
    static LIST: OnceLock<List> = OnceLock::new();
    LIST.get_or_init(|| parse(PSL_DAT))
}

/// The `VERSION:` line of the embedded list's header, if it has one.
pub fn version() -> Option<&'static str> {
    list().version
}

/// Number of rules in the embedded list (both sections).
pub fn rule_count() -> usize {
    let l = list();
    [&l.icann, &l.private]
        .iter()
        .map(|s| s.normal.len() + s.wildcard.len() + s.exception.len())
        .sum()
}

/// Matches `suffix` (a dot-joined U-label suffix of the name, `labels`
/// labels long) against the rules; returns the number of labels of the
/// public suffix it implies when a rule matches.
fn match_rule(sets: &[&RuleSet], suffix: &str, labels: usize) -> (Option<usize>, bool) {
    let parent = suffix.split_once('.').map(|(_, p)| p);
    let mut best = None;
    for s in sets {
        if s.exception.contains(suffix) {
            return (Some(labels - 1), true);
        }
        if s.normal.contains(suffix) || parent.is_some_and(|p| s.wildcard.contains(p)) {
            best = Some(labels);
        }
    }
    (best, false)
}

/// The number of labels of the public suffix of a name given as its labels
/// (lower-case U-labels, the TLD last); at least 1 (the implicit `*` rule).
pub fn suffix_labels(labels: &[&str], sections: Sections) -> usize {
    let l = list();
    let sets: &[&RuleSet] = match sections {
        Sections::Icann => &[&l.icann],
        Sections::All => &[&l.icann, &l.private],
    };
    let joined = labels.join(".");
    // Byte offset where each suffix starts, longest suffix first.
    let mut starts = vec![0usize];
    starts.extend(joined.match_indices('.').map(|(i, _)| i + 1));
    let mut best = 1usize;
    for (i, &start) in starts.iter().enumerate() {
        let n = labels.len() - i;
        let Some(suffix) = joined.get(start..) else { continue };
        match match_rule(sets, suffix, n) {
            (Some(k), true) => return k.max(1),
            (Some(k), false) => best = best.max(k),
            (None, _) => {}
        }
    }
    best
}

/// A name split at its public suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainParts {
    /// The labels left of the registrable label (`www` in `www.bbc.co.uk`),
    /// dot-joined; empty when there are none.
    pub prefix: String,
    /// The label just left of the public suffix (`bbc`).
    pub label: String,
    /// The public suffix (`co.uk`).
    pub suffix: String,
}

impl DomainParts {
    /// The registrable domain, `label.suffix`.
    pub fn registrable_domain(&self) -> String {
        format!("{}.{}", self.label, self.suffix)
    }
}

/// A name lower-cased, its labels, and how many of them form its public
/// suffix; `None` for an empty or over-long name, an empty label or an
/// undecodable A-label.
fn suffix_of(name: &str, sections: Sections) -> Option<(String, usize)> {
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return None;
    }
    let lower = name.to_lowercase();
    let labels: Vec<&str> = lower.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let ulabels: Vec<String> =
        labels.iter().map(|l| idnsafe_idna::to_ulabel(l)).collect::<Option<_>>()?;
    let urefs: Vec<&str> = ulabels.iter().map(String::as_str).collect();
    let n = suffix_labels(&urefs, sections).min(labels.len());
    Some((lower, n))
}

/// Splits a name (U-labels or A-labels, any case) into prefix, registrable
/// label and public suffix. The parts keep the form of the input (A-labels
/// stay A-labels), lower-cased. `None` for an empty name, an empty label (a
/// leading or doubled dot; a single trailing dot is not allowed either),
/// an undecodable A-label, over-long input, or a name that is itself a
/// public suffix.
pub fn split(name: &str, sections: Sections) -> Option<DomainParts> {
    let (lower, n) = suffix_of(name, sections)?;
    let labels: Vec<&str> = lower.split('.').collect();
    let k = labels.len().checked_sub(n + 1)?;
    Some(DomainParts {
        prefix: labels.get(..k)?.join("."),
        label: (*labels.get(k)?).to_owned(),
        suffix: labels.get(k + 1..)?.join("."),
    })
}

/// The public suffix of a name (`co.uk` for `www.bbc.co.uk`), lower-cased,
/// in the form of the input; `None` when [`split`] would refuse the name
/// for a reason other than the name being a suffix itself.
pub fn public_suffix(name: &str, sections: Sections) -> Option<String> {
    let (lower, n) = suffix_of(name, sections)?;
    let labels: Vec<&str> = lower.split('.').collect();
    Some(labels.get(labels.len() - n..)?.join("."))
}

/// The registrable domain of a name (`bbc.co.uk` for `www.bbc.co.uk`):
/// the public suffix and one more label; `None` when there is none.
pub fn registrable_domain(name: &str, sections: Sections) -> Option<String> {
    split(name, sections).map(|p| p.registrable_domain())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_takes_sections_and_rule_kinds() {
        let l = parse(
            "// VERSION: x\n// ===BEGIN ICANN DOMAINS===\ncom\n*.ck\n!www.ck\n\
             // ===END ICANN DOMAINS===\n// ===BEGIN PRIVATE DOMAINS===\nblogspot.com\n",
        );
        assert_eq!(l.version, Some("x"));
        assert!(l.icann.normal.contains("com"));
        assert!(l.icann.wildcard.contains("ck"));
        assert!(l.icann.exception.contains("www.ck"));
        assert!(l.private.normal.contains("blogspot.com"));
        assert!(!l.icann.normal.contains("blogspot.com"));
    }

    #[test]
    fn garbage_parses_without_panic() {
        let l = parse("!\n*.\n*\n!!\n// ===BEGIN PRIVATE DOMAINS===\n\u{0}\n");
        assert!(l.icann.exception.contains(""));
    }
}

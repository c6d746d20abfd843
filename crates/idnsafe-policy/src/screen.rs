//! The decision: a loaded [`Policy`], the [`RegistryState`] of names already
//! registered, and [`Policy::screen`] giving accept / reject / review with
//! every reason and the bundle.

use std::path::{Path, PathBuf};

use idnsafe_confusables::{Level, ProtectedIndex, Tier};
use idnsafe_lgr::{Disposition, Lgr};
use idnsafe_script::RestrictionLevel;
use rustc_hash::FxHashMap;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::model::{
    Action, EquivalenceRules, MixedScript, PolicyError, PolicyFile, ReservedCategory, SearchPath,
    Source, VariantPolicy,
};
use crate::state::{KeyKind, RegistryState, fingerprint};

/// Most lines read from one reserved or protected list file.
pub const MAX_LIST_LINES: usize = 1_000_000;
/// Most variant labels examined when an LGR's variant relation is not an
/// equivalence and collisions must be found by enumeration.
pub const MAX_VARIANT_ENUMERATION: u64 = 10_000;

/// One IDN table of a policy, loaded.
#[derive(Debug)]
struct Table {
    id: String,
    file: PathBuf,
    scripts: Vec<String>,
    languages: Vec<String>,
    lgr: Lgr,
    /// How variant collisions are found under this table.
    collisions: Collisions,
}

/// How variant collisions with registered names are found.
#[derive(Debug)]
enum Collisions {
    /// The LGR's index key; exact when the relation is an equivalence,
    /// necessary (hits confirmed with `are_variants`) when it has contexts.
    IndexKey,
    /// Symmetric and transitive with sequences: the sequence-free key
    /// (necessary), hits confirmed with `are_variants`.
    SeqFree(crate::seqkey::SeqFreeKey),
    /// Neither: bounded enumeration of the candidate's variants.
    Enumerate,
}

impl Table {
    /// The variant key of a U-label under this table, or `None` when
    /// collisions are found by enumeration (or the label is not in the table).
    fn variant_key(&self, ulabel: &str) -> Option<String> {
        match &self.collisions {
            Collisions::IndexKey => self.lgr.index_key(ulabel).ok().map(|k| k.as_str().to_owned()),
            Collisions::SeqFree(s) => Some(s.key(ulabel)),
            Collisions::Enumerate => None,
        }
    }

    /// Whether a key hit is a variant: exact for an equivalence, else
    /// decided by the LGR pairwise.
    fn confirm(&self, a: &str, b: &str) -> bool {
        match &self.collisions {
            Collisions::IndexKey if self.lgr.variant_relation().is_equivalence() => true,
            _ => self.lgr.are_variants(a, b).unwrap_or(false),
        }
    }
}

/// A loaded policy: the file, its tables, lists and protected names.
/// Immutable and `Sync` once built.
#[derive(Debug)]
pub struct Policy {
    file: PolicyFile,
    path: PathBuf,
    tables: Vec<Table>,
    /// Table indices per label script, per language tag (lower-cased), and
    /// all of them (for a script no table is meant for).
    tables_by_script: FxHashMap<String, Vec<usize>>,
    tables_by_language: FxHashMap<String, Vec<usize>>,
    all_tables: Vec<usize>,
    level: Level,
    /// Weakest tier of protected-name matches; the index is at its level.
    protected_tier: Tier,
    reserved: FxHashMap<String, ReservedCategory>,
    protected: Option<ProtectedIndex>,
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The candidate may be registered.
    Accept,
    /// The candidate may not be registered.
    Reject,
    /// A person must decide.
    Review,
}

impl Verdict {
    /// The verdict of a set of reasons: a `reject` reason wins over
    /// `review`; none of either is `accept`.
    pub fn of(reasons: &[Reason]) -> Verdict {
        if reasons.iter().any(|r| r.action == Verdict::Reject) {
            Verdict::Reject
        } else if reasons.iter().any(|r| r.action == Verdict::Review) {
            Verdict::Review
        } else {
            Verdict::Accept
        }
    }

    /// `accept`, `reject` or `review`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Review => "review",
        }
    }
}

/// One reason for a decision, with a stable code, a message for people and
/// the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable code (`POLICY_SCRIPT_NOT_ALLOWED`, `VARIANT_OF_REGISTERED`, the IDNA and LGR codes ...).
    pub code: String,
    /// A message a registrar's support desk can paste to a customer.
    pub message: String,
    /// What this reason does to the decision.
    #[serde(skip)]
    pub action: Verdict,
    /// The registered, reserved or protected name involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicting: Option<String>,
    /// The IDN table involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

impl Reason {
    fn new(code: impl Into<String>, action: Verdict, message: impl Into<String>) -> Self {
        Reason {
            code: code.into(),
            message: message.into(),
            action,
            conflicting: None,
            table: None,
        }
    }
    fn conflicting(mut self, name: impl Into<String>) -> Self {
        self.conflicting = Some(name.into());
        self
    }
    fn table(mut self, id: &str) -> Self {
        self.table = Some(id.to_owned());
        self
    }
}

/// What happens to a label of the bundle if the candidate is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BundleStatus {
    /// No one may register it.
    Blocked,
    /// It goes to the same holder with the candidate.
    Allocated,
    /// Only the same holder may register it later.
    Reserved,
}

impl BundleStatus {
    /// `blocked`, `allocated` or `reserved`.
    pub fn as_str(self) -> &'static str {
        match self {
            BundleStatus::Blocked => "blocked",
            BundleStatus::Allocated => "allocated",
            BundleStatus::Reserved => "reserved",
        }
    }
}

/// One label of the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BundleEntry<'a> {
    /// The label (U-label).
    pub label: &'a str,
    /// What happens to it.
    pub status: BundleStatus,
}

/// The labels of a bundle with their status, held in one string (a
/// bundle of sixteen labels is two allocations, not seventeen). Iterate it
/// for [`BundleEntry`] items; it serializes as a list of them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    text: String,
    /// End of each label in `text`, and its status.
    entries: Vec<(u32, BundleStatus)>,
}

impl Bundle {
    /// Number of labels.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no label.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The labels in order.
    pub fn iter(&self) -> BundleIter<'_> {
        BundleIter { bundle: self, next: 0, start: 0 }
    }

    /// Adds a label.
    pub fn push(&mut self, label: &str, status: BundleStatus) {
        self.text.push_str(label);
        self.close(status);
    }

    /// Ends the label written into `text` since the last one.
    fn close(&mut self, status: BundleStatus) {
        self.entries.push((u32::try_from(self.text.len()).unwrap_or(u32::MAX), status));
    }
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Bundle {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The labels of a [`Bundle`] in order.
#[derive(Debug, Clone)]
pub struct BundleIter<'a> {
    bundle: &'a Bundle,
    next: usize,
    start: usize,
}

impl<'a> Iterator for BundleIter<'a> {
    type Item = BundleEntry<'a>;

    fn next(&mut self) -> Option<BundleEntry<'a>> {
        let &(end, status) = self.bundle.entries.get(self.next)?;
        let end = end as usize;
        let label = self.bundle.text.get(self.start..end).unwrap_or("");
        self.next += 1;
        self.start = end;
        Some(BundleEntry { label, status })
    }
}

impl<'a> IntoIterator for &'a Bundle {
    type Item = BundleEntry<'a>;
    type IntoIter = BundleIter<'a>;
    fn into_iter(self) -> BundleIter<'a> {
        self.iter()
    }
}

/// The decision on one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The candidate as given.
    pub input: String,
    /// `accept`, `reject` or `review`.
    pub decision: Verdict,
    /// Every reason found.
    pub reasons: Vec<Reason>,
    /// The labels blocked, allocated or reserved with the candidate.
    pub bundle: Bundle,
    /// The candidate has more variant labels than the policy's
    /// `bundle_limit`: the bundle lists the first ones only. (Serialized
    /// only when true.)
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bundle_truncated: bool,
}

/// Who asks, and in which language (the EPP `idn` tag).
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// The registrant's identifier.
    pub registrant: Option<&'a str>,
    /// The language tag sent by the registrar.
    pub language: Option<&'a str>,
    /// Decide without listing the bundle (`Decision::bundle` left empty):
    /// an availability check (EPP `domain:check`) or a bulk screen needs the
    /// verdict and its reasons, not the labels a registration would bring.
    pub without_bundle: bool,
}

fn read_list(src: &Source) -> Result<Vec<String>, PolicyError> {
    let text = read_source(src, "POLICY_LIST_INVALID")?;
    let path = src.display_path();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i >= MAX_LIST_LINES {
            return Err(PolicyError::new(
                "POLICY_LIST_INVALID",
                &path,
                format!("more than {MAX_LIST_LINES} lines"),
            ));
        }
        let l = line.split('#').next().unwrap_or("").trim();
        if !l.is_empty() {
            out.push(l.to_owned());
        }
    }
    Ok(out)
}

/// The text of a file named in a policy.
fn read_source(src: &Source, code: &'static str) -> Result<String, PolicyError> {
    match src {
        Source::File(p) => std::fs::read_to_string(p)
            .map_err(|e| PolicyError::new(code, p, format!("cannot read: {e}"))),
        Source::Bundled(k) => crate::bundled::read(k).ok_or_else(|| {
            PolicyError::new(code, &src.display_path(), "the bundled file cannot be read")
        }),
    }
}

/// A name without its root dot, its first label, and the labels after it
/// (`None` for a bare label).
fn split_first(name: &str) -> (&str, &str, Option<&str>) {
    let name = name.strip_suffix('.').unwrap_or(name);
    // A byte loop: names are short, and '.' is ASCII.
    match name.bytes().position(|b| b == b'.') {
        Some(i) => (name, name.get(..i).unwrap_or(""), name.get(i + 1..)),
        None => (name, name, None),
    }
}

/// True for a name of LDH labels, none an A-label, each valid under
/// IDNA2008 by the allocation-free check, within the name length limit:
/// such a name has nothing for the full check to report (no label is
/// right-to-left, so the Bidi rule does not apply).
fn is_plain_ldh_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= idnsafe_idna::MAX_NAME_OCTETS
        && name.is_ascii()
        && name.as_bytes().split(|&b| b == b'.').all(|l| {
            // ASCII throughout, so every piece is a str.
            std::str::from_utf8(l)
                .is_ok_and(|l| !idnsafe_idna::has_ace_prefix(l) && idnsafe_idna::is_valid_label(l))
        })
}

/// The U-label of one label (A-labels decoded, ASCII lower-cased); the label
/// itself when it cannot be decoded.
fn ulabel_of(label: &str) -> String {
    if label.is_ascii() && !idnsafe_idna::has_ace_prefix(label) {
        return label.to_ascii_lowercase();
    }
    let r = idnsafe_idna::check_label(label);
    r.ulabel().map_or_else(|| label.to_ascii_lowercase(), str::to_owned)
}

impl Policy {
    /// Loads a policy file, its tables and lists, with the default search path.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        Policy::load_with(path, &SearchPath::for_policy(path))
    }

    /// Loads a policy with an explicit search path for its tables and lists.
    pub fn load_with(path: &Path, search: &SearchPath) -> Result<Policy, PolicyError> {
        let file = PolicyFile::load(path)?;
        Policy::build(file, path, search)
    }

    /// Loads the bundled policy `name` (`idnsafe policy list` shows them),
    /// its tables from `$IDNSAFE_TABLES` when set there, else bundled too.
    pub fn bundled(name: &str) -> Result<Policy, PolicyError> {
        let key = format!("policies/{name}.toml");
        let shown = PathBuf::from(format!("(bundled)/{key}"));
        let text = crate::bundled::read(&key).ok_or_else(|| {
            PolicyError::new(
                "POLICY_NOT_FOUND",
                Path::new(name),
                format!(
                    "there is no bundled policy {name:?}; the bundled policies are {}, or give a policy file's path",
                    crate::bundled::policy_names().join(", ")
                ),
            )
        })?;
        let file = PolicyFile::parse(&text, &shown)?;
        Policy::build(file, &shown, &SearchPath::for_bundled())
    }

    /// Loads a policy given as a bundled policy's name (a bare word such as
    /// `cn`, when no file of that name exists) or as a file's path.
    pub fn open(spec: &str) -> Result<Policy, PolicyError> {
        let bare = !spec.is_empty()
            && spec.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if bare && !Path::new(spec).exists() {
            Policy::bundled(spec)
        } else {
            Policy::load(Path::new(spec))
        }
    }

    fn build(file: PolicyFile, path: &Path, search: &SearchPath) -> Result<Policy, PolicyError> {
        let find = |name: &str, key: &str| {
            search.locate(name).ok_or_else(|| {
                PolicyError::new(
                    "POLICY_TABLE_NOT_FOUND",
                    path,
                    format!(
                        "{name:?} was not found in {} (set IDNSAFE_TABLES to the directory that holds it)",
                        search.describe()
                    ),
                )
                .with_key(key.to_owned())
            })
        };
        let mut tables = Vec::new();
        for t in &file.tables {
            let src = find(&t.file, "table.file")?;
            let p = src.display_path();
            let loaded = match &src {
                Source::File(f) => Lgr::from_path(f),
                Source::Bundled(_) => Lgr::from_text(&read_source(&src, "POLICY_TABLE_INVALID")?),
            };
            let lgr = loaded.map_err(|e| {
                PolicyError::new(
                    "POLICY_TABLE_INVALID",
                    &p,
                    format!("{}: {} (line {})", e.code(), e.message(), e.line()),
                )
            })?;
            let rel = lgr.variant_relation();
            let collisions = if rel.symmetric && rel.transitive && !rel.has_sequences {
                Collisions::IndexKey
            } else if rel.symmetric && rel.transitive {
                Collisions::SeqFree(crate::seqkey::SeqFreeKey::build(&lgr))
            } else {
                Collisions::Enumerate
            };
            tables.push(Table {
                id: t.id.clone(),
                file: p,
                scripts: t.scripts.clone(),
                languages: t.languages.clone(),
                lgr,
                collisions,
            });
        }
        let mut reserved = FxHashMap::default();
        for r in &file.reserved {
            let src = find(&r.file, "reserved.file")?;
            for name in read_list(&src)? {
                reserved.insert(ulabel_of(&name), r.category);
            }
        }
        let level: Level = file.confusables.level.parse().map_err(|_| {
            PolicyError::new("POLICY_INVALID", path, "bad confusable level")
                .with_key("confusables.level")
        })?;
        let protected_tier: Tier = file.confusables.protected_tier.parse().map_err(|_| {
            PolicyError::new("POLICY_INVALID", path, "bad protected tier")
                .with_key("confusables.protected_tier")
        })?;
        let mut protected = None;
        if !file.confusables.protected_files.is_empty() {
            let mut b = idnsafe_confusables::ProtectedIndexBuilder::new(protected_tier.level());
            for f in &file.confusables.protected_files {
                let src = find(f, "confusables.protected_files")?;
                let p = src.display_path();
                let text = read_source(&src, "POLICY_LIST_INVALID")?;
                b.add_list(&text).map_err(|e| {
                    PolicyError::new(
                        "POLICY_LIST_INVALID",
                        &p,
                        format!("{}: {}", e.code(), e.message()),
                    )
                })?;
            }
            protected = Some(b.build().map_err(|e| {
                PolicyError::new(
                    "POLICY_LIST_INVALID",
                    path,
                    format!("{}: {}", e.code(), e.message()),
                )
            })?);
        }
        let mut tables_by_script: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut tables_by_language: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, t) in tables.iter().enumerate() {
            for s in &t.scripts {
                let v = tables_by_script.entry(s.clone()).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
            for l in &t.languages {
                let v = tables_by_language.entry(l.to_ascii_lowercase()).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        let all_tables = (0..tables.len()).collect();
        Ok(Policy {
            file,
            path: path.to_path_buf(),
            tables,
            tables_by_script,
            tables_by_language,
            all_tables,
            level,
            protected_tier,
            reserved,
            protected,
        })
    }

    /// Replaces the protected names (e.g. from `--protect`).
    pub fn set_protected(&mut self, index: ProtectedIndex) {
        self.protected = Some(index);
    }

    /// The parsed file.
    pub fn file(&self) -> &PolicyFile {
        &self.file
    }

    /// Where it was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key level of comparisons with registered names.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The weakest tier at which protected names match; a protected index
    /// given to [`Policy::set_protected`] should be built at its level.
    pub fn protected_tier(&self) -> Tier {
        self.protected_tier
    }

    /// The files of the loaded tables, with their LGR versions (for
    /// `idnsafe version` and index headers).
    pub fn table_versions(&self) -> Vec<(String, String, Option<String>)> {
        self.tables
            .iter()
            .map(|t| (t.id.clone(), t.file.display().to_string(), t.lgr.metadata().version.clone()))
            .collect()
    }

    /// The loaded tables: id, file and LGR, in the policy's order.
    pub fn tables(&self) -> impl Iterator<Item = (&str, &Path, &Lgr)> {
        self.tables.iter().map(|t| (t.id.as_str(), t.file.as_path(), &t.lgr))
    }

    /// Splits a name into its label and zone under this policy (U-label
    /// forms). A bare label is placed under the first zone.
    /// The label a registered name is kept under in the registry state
    /// (its first label as a U-label, ASCII lower-cased), or `None` when
    /// the name is not directly under one of the policy's zones.
    pub fn registered_label(&self, name: &str) -> Option<String> {
        self.split_zone(name).map(|(l, _)| l)
    }

    /// The IDN table that governs a U-label (by its script, and the
    /// registrar's language tag when given): its id and LGR.
    pub fn table_for(&self, ulabel: &str, language: Option<&str>) -> Option<(&str, &Lgr)> {
        let t = self.tables.get(self.key_table(ulabel, language)?)?;
        Some((t.id.as_str(), &t.lgr))
    }

    /// The registry state's label for a registered name and the
    /// fingerprints of its four keys (exact, variant, equivalence,
    /// confusable; `None` where the policy has no such key for it).
    pub(crate) fn registered_keys(&self, name: &str) -> Option<(String, [Option<u32>; 4])> {
        let (label, _zone) = self.split_zone(name)?;
        let variant = self.key_table(&label, None).and_then(|ti| {
            let k = self.tables.get(ti)?.variant_key(&label)?;
            Some(fingerprint(KeyKind::Variant, (ti, k.as_str())))
        });
        let equivalence = self
            .file
            .equivalence
            .as_ref()
            .map(|r| fingerprint(KeyKind::Equivalence, Policy::equivalence_key(r, &label)));
        let confusable = (self.file.confusables.registered != Action::Ignore)
            .then(|| fingerprint(KeyKind::Confusable, self.confusable_key(&label)));
        Some((
            label.clone(),
            [Some(fingerprint(KeyKind::Exact, &label)), variant, equivalence, confusable],
        ))
    }

    /// Keys that any two mutually blocking names share at least one of: a
    /// front end that decides registrations in several processes
    /// serialises on them (for example as database advisory locks). They
    /// are the fingerprints of the state's keys, with the variant key under
    /// both the table chosen by script and the one chosen by `language`;
    /// a policy whose collisions are found by enumerating variants adds
    /// one key shared by every name (such names share no key).
    pub fn collision_keys(&self, name: &str, language: Option<&str>) -> Vec<u32> {
        let Some((label, fps)) = self.registered_keys(name) else { return vec![u32::MAX] };
        let mut keys: Vec<u32> = fps.into_iter().flatten().collect();
        if let Some(ti) = self.key_table(&label, language)
            && let Some(k) = self.tables.get(ti).and_then(|t| t.variant_key(&label))
        {
            keys.push(fingerprint(KeyKind::Variant, (ti, k.as_str())));
        }
        if let Some(roman) = self.romanized(&label) {
            keys.push(fingerprint(KeyKind::Exact, &roman));
        }
        if self.tables.iter().any(|t| matches!(t.collisions, Collisions::Enumerate)) {
            keys.push(u32::MAX);
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The ASCII registration an IDN label's romanized form would collide
    /// with, when the policy protects them.
    fn romanized(&self, label: &str) -> Option<String> {
        if !self.file.romanized.protect_ascii_registrations || label.is_ascii() {
            return None;
        }
        let roman: String = any_ascii::any_ascii(label)
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        (!roman.is_empty()).then_some(roman)
    }

    fn split_zone(&self, name: &str) -> Option<(String, &str)> {
        let (_, label, rest) = split_first(name);
        self.zone_of(rest, false).map(|z| (ulabel_of(label), z))
    }

    /// The policy zone that `rest` (a name's labels after the first)
    /// spells in any A-label or case form, or the first zone for a bare
    /// label (`None`); `plain` when the name is already known to be plain
    /// LDH ASCII without A-labels ([`is_plain_ldh_name`]).
    fn zone_of(&self, rest: Option<&str>, plain: bool) -> Option<&str> {
        let zones = &self.file.policy.zones;
        let Some(rest) = rest else { return zones.first().map(String::as_str) };
        let plain_ascii =
            plain || (rest.is_ascii() && !rest.split('.').any(idnsafe_idna::has_ace_prefix));
        let found = if plain_ascii {
            zones.iter().find(|z| z.eq_ignore_ascii_case(rest))
        } else {
            let rest_u: Vec<String> = rest.split('.').map(ulabel_of).collect();
            let rest_u = rest_u.join(".");
            zones.iter().find(|z| **z == rest_u)
        };
        found.map(String::as_str)
    }

    /// The tables a label is checked against, with their indices: the ones
    /// for the language tag, else those for its script (several for
    /// `.pl`-style one-table-per-label rules).
    fn tables_for<'s>(
        &'s self,
        label_script: &str,
        language: Option<&str>,
    ) -> impl Iterator<Item = (usize, &'s Table)> + 's {
        let ids: &[usize] = match language {
            Some(lang) => {
                self.tables_by_language.get(&lang.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
            }
            // No table is meant for this script: try them all, so a label a
            // table covers anyway is judged by it, and one no table covers
            // gets each table's reasons.
            None => self.tables_by_script.get(label_script).unwrap_or(&self.all_tables),
        };
        ids.iter().filter_map(|&i| self.tables.get(i).map(|t| (i, t)))
    }

    /// The one table used for variant keys of a label (the first that
    /// accepts it), as an index into `self.tables`.
    fn key_table(&self, ulabel: &str, language: Option<&str>) -> Option<usize> {
        let script = idnsafe_script::label_script(ulabel);
        let cps = idnsafe_lgr::code_points(ulabel);
        self.tables_for(script.as_str(), language)
            .find(|(_, t)| t.lgr.disposition_cps(&cps, None) == Disposition::Valid)
            .map(|(i, _)| i)
    }

    /// The variant index key of a U-label under the table chosen for it by
    /// its script, prefixed by the table (so keys of different tables never
    /// meet); `None` when no table accepts the label or the table's keys
    /// cannot find variants (relation not symmetric and transitive, or with
    /// sequences). Variants always share a key; when the table's variant
    /// mappings have contexts, labels sharing a key must still be confirmed
    /// with [`Policy::are_variants`].
    pub fn variant_key(&self, ulabel: &str) -> Option<String> {
        let ti = self.key_table(ulabel, None)?;
        let t = self.tables.get(ti)?;
        let k = t.variant_key(ulabel)?;
        Some(format!("{ti}\u{0}{k}"))
    }

    /// Whether two U-labels are variants of each other under the table
    /// chosen for `a`.
    pub fn are_variants(&self, a: &str, b: &str) -> bool {
        let Some(t) = self.key_table(a, None).and_then(|ti| self.tables.get(ti)) else {
            return false;
        };
        t.lgr.are_variants(a, b).unwrap_or(false)
    }

    /// The equivalence key (`.br`): NFD, marks removed, characters mapped,
    /// hyphens dropped.
    fn equivalence_key(rules: &EquivalenceRules, ulabel: &str) -> String {
        let mut out = String::with_capacity(ulabel.len());
        let chars: Box<dyn Iterator<Item = char>> =
            if rules.strip_diacritics { Box::new(ulabel.nfd()) } else { Box::new(ulabel.chars()) };
        for c in chars {
            if rules.strip_diacritics && unicode_normalization::char::is_combining_mark(c) {
                continue;
            }
            if rules.drop_hyphens && c == '-' {
                continue;
            }
            let mut buf = [0u8; 4];
            match rules.map.get(c.encode_utf8(&mut buf) as &str) {
                Some(m) => out.push_str(m),
                None => out.push(c),
            }
        }
        out.nfc().collect()
    }

    fn confusable_key(&self, ulabel: &str) -> String {
        idnsafe_confusables::key(ulabel, self.level)
    }

    /// Decides one candidate against `state`.
    pub fn screen(&self, state: &RegistryState, candidate: &str, req: Request<'_>) -> Decision {
        let mut reasons = Vec::new();
        let mut bundle = Bundle::default();
        let mut bundle_truncated = false;
        let decided = |reasons: Vec<Reason>, bundle: Bundle, bundle_truncated: bool| {
            let decision = Verdict::of(&reasons);
            Decision { input: candidate.to_owned(), decision, reasons, bundle, bundle_truncated }
        };
        // IDNA2008 first: a label that is not valid is refused whatever else
        // holds. The label's U-label and A-label length come from the same check.
        let (name, first, rest) = split_first(candidate);
        let plain = is_plain_ldh_name(name);
        let checked: Option<(String, usize)> = if plain {
            // Every label passes the allocation-free check and none is
            // right-to-left: check_line would find nothing.
            Some((first.to_ascii_lowercase(), first.len()))
        } else {
            let idna = idnsafe_idna::check_line(candidate.as_bytes());
            for v in idna.all_errors() {
                reasons.push(Reason::new(v.code().as_str(), Verdict::Reject, v.message()));
            }
            // Empty labels are not reported, so the first report is the
            // first label only when that is not empty.
            idna.labels().first().filter(|_| !first.is_empty()).and_then(|l| {
                let u = l.ulabel()?;
                let alen = if u.is_ascii() {
                    u.len()
                } else {
                    l.alabel().map_or_else(
                        || idnsafe_idna::encode_alabel(u).map_or(usize::MAX, |a| a.len()),
                        str::len,
                    )
                };
                Some((u.to_owned(), alen))
            })
        };
        let Some(zone) = self.zone_of(rest, plain) else {
            reasons.push(Reason::new(
                "POLICY_ZONE",
                Verdict::Reject,
                format!(
                    "The name is not directly under a zone of this policy ({}).",
                    self.file
                        .policy
                        .zones
                        .iter()
                        .map(|z| format!(".{z}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            return decided(reasons, bundle, false);
        };
        let Some((label, alabel_len)) = checked.filter(|(l, _)| !l.is_empty()) else {
            return decided(reasons, bundle, false);
        };
        self.length_rules(&label, alabel_len, &mut reasons);
        let analysis = idnsafe_script::analyze(&label);
        self.script_rules(&label, zone, &analysis, &mut reasons);
        let cps = if plain {
            label.bytes().map(u32::from).collect()
        } else {
            idnsafe_lgr::code_points(&label)
        };
        let table = self.table_rules(
            &label,
            &cps,
            analysis.label_script.as_str(),
            req.language,
            &mut reasons,
        );
        // Reserved lists.
        if let Some(cat) = self.reserved.get(&label) {
            reasons.push(
                Reason::new(
                    "RESERVED",
                    Verdict::Reject,
                    format!("'{label}' is on the registry's reserved list ({}).", cat.as_str()),
                )
                .conflicting(label.clone()),
            );
        }
        let same_holder = |idx: u32| -> bool {
            match (req.registrant, state.registrant(idx)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
        };
        // Every key of the label first, then the four lookups together:
        // their reads are independent, so the processor overlaps the
        // cache misses instead of taking them one after another.
        let t = table.and_then(|ti| self.tables.get(ti).map(|t| (ti, t)));
        let var_key = t.and_then(|(_, t)| t.variant_key(&label));
        let eq_key = self.file.equivalence.as_ref().map(|r| Policy::equivalence_key(r, &label));
        let conf_action = verdict_of(self.file.confusables.registered);
        let conf_key = conf_action.map(|_| self.confusable_key(&label));
        let [raw_exact, raw_var, raw_eq, raw_conf] = state.candidates([
            Some(fingerprint(KeyKind::Exact, &label)),
            var_key.as_deref().zip(t).map(|(k, (ti, _))| fingerprint(KeyKind::Variant, (ti, k))),
            eq_key.as_deref().map(|k| fingerprint(KeyKind::Equivalence, k)),
            conf_key.as_deref().map(|k| fingerprint(KeyKind::Confusable, k)),
        ]);
        // Exact registration.
        if let Some(i) = raw_exact.into_iter().find(|&i| state.label(i) == label) {
            reasons.push(
                Reason::new(
                    "ALREADY_REGISTERED",
                    Verdict::Reject,
                    if same_holder(i) {
                        format!("'{label}' is already registered to this registrant.")
                    } else {
                        format!("'{label}' is already registered.")
                    },
                )
                .conflicting(state.label(i).to_owned()),
            );
        }
        // Variants (by index key, or bounded enumeration when the LGR's
        // variant relation is not an equivalence).
        let mut variant_hits: Vec<u32> = Vec::new();
        if let Some((_, t)) = t {
            if let Some(k) = &var_key {
                // Equal keys are necessary for being variants; each hit
                // is confirmed (pairwise, no enumeration) unless the
                // table's relation is an equivalence.
                variant_hits = raw_var
                    .into_iter()
                    .filter(|&i| {
                        let other = state.label(i);
                        other != label
                            && t.variant_key(other).is_some_and(|k2| k2 == *k)
                            && t.confirm(&label, other)
                    })
                    .collect();
            } else if let Ok(mut vs) = t.lgr.bundle(&label, MAX_VARIANT_ENUMERATION) {
                // Bounded enumeration: exact up to the limit, and said
                // so when the limit stopped it.
                let mut v = String::new();
                while vs.next_into(&mut v).is_some() {
                    variant_hits.extend(state.lookup(KeyKind::Exact, &v, |i| state.label(i) == v));
                    v.clear();
                }
                if vs.truncated() {
                    reasons.push(
                        Reason::new(
                            "VARIANT_CHECK_INCOMPLETE",
                            Verdict::Review,
                            format!(
                                "'{label}' has more than {MAX_VARIANT_ENUMERATION} variant labels under \
                                 the {} table; only the first {MAX_VARIANT_ENUMERATION} were compared \
                                 with registered names.",
                                t.id
                            ),
                        )
                        .table(&t.id),
                    );
                }
            }
            self.variant_reasons(state, &label, t, &variant_hits, &same_holder, &mut reasons);
            if !req.without_bundle {
                (bundle, bundle_truncated) = self.bundle_of(cps, t);
            }
        }
        // Equivalence keys beyond the LGRs.
        if let (Some(rules), Some(key)) = (&self.file.equivalence, eq_key) {
            let hits = raw_eq.into_iter().filter(|&i| {
                state.label(i) != label && Policy::equivalence_key(rules, state.label(i)) == key
            });
            for i in hits {
                if same_holder(i) {
                    continue;
                }
                reasons.push(
                    Reason::new(
                        "EQUIVALENT_REGISTERED",
                        Verdict::Reject,
                        format!(
                            "'{label}' is equivalent to '{}', which is registered to another holder \
                             (under this registry's rules names that differ only by accents, cedilla \
                             or hyphens belong to one holder).",
                            state.label(i)
                        ),
                    )
                    .conflicting(state.label(i).to_owned()),
                );
            }
            if key != label && !req.without_bundle {
                bundle.push(&key, BundleStatus::Reserved);
            }
        }
        // Confusables against registered names of other holders.
        if let (Some(action), Some(key)) = (conf_action, conf_key) {
            let hits = raw_conf
                .into_iter()
                .filter(|&i| state.label(i) != label && self.confusable_key(state.label(i)) == key);
            for i in hits {
                if same_holder(i) || variant_hits.contains(&i) {
                    continue;
                }
                reasons.push(
                    Reason::new(
                        "CONFUSABLE_REGISTERED",
                        action,
                        format!(
                            "'{label}' looks like '{}', which is already registered (confusable at level {}).",
                            state.label(i),
                            self.level
                        ),
                    )
                    .conflicting(state.label(i).to_owned()),
                );
            }
        }
        // Protected names.
        if let (Some(action), Some(p)) =
            (verdict_of(self.file.confusables.protected), &self.protected)
        {
            let mut matches = p.lookalikes(&label);
            if self.protected_tier == Tier::Near {
                matches.extend(p.near_lookalikes(&label));
            }
            for m in matches {
                let Some(e) = idnsafe_confusables::explain(&label, m.label, self.protected_tier)
                else {
                    continue;
                };
                reasons.push(
                    Reason::new(
                        "CONFUSABLE_PROTECTED",
                        action,
                        format!(
                            "'{label}' looks like the protected name '{}' ({}).",
                            m.name,
                            e.describe()
                        ),
                    )
                    .conflicting(m.name.to_owned()),
                );
            }
        }
        // Existing romanized (ASCII) registrations.
        if let Some(roman) = self.romanized(&label) {
            {
                for i in state.lookup(KeyKind::Exact, &roman, |i| state.label(i) == roman) {
                    if same_holder(i) {
                        continue;
                    }
                    if let Some(action) = verdict_of(self.file.romanized.action) {
                        reasons.push(
                            Reason::new(
                                "ROMANIZED_PROTECTED",
                                action,
                                format!(
                                    "'{label}' is written '{roman}' in Latin letters, and '{roman}' is \
                                     already registered; this name is reserved for that holder."
                                ),
                            )
                            .conflicting(roman.clone()),
                        );
                    }
                }
            }
        }
        decided(reasons, bundle, bundle_truncated)
    }

    fn length_rules(&self, label: &str, alabel_len: usize, reasons: &mut Vec<Reason>) {
        let rules = &self.file.length;
        let chars = label.chars().count();
        if chars < rules.min_chars || chars > rules.max_chars {
            reasons.push(Reason::new(
                "POLICY_LENGTH",
                Verdict::Reject,
                format!(
                    "The label has {chars} characters; this registry allows {} to {}.",
                    rules.min_chars, rules.max_chars
                ),
            ));
        }
        if alabel_len > rules.max_alabel_octets {
            reasons.push(Reason::new(
                "POLICY_LENGTH",
                Verdict::Reject,
                format!(
                    "The label's DNS (A-label) form is {alabel_len} octets; this registry allows {}.",
                    rules.max_alabel_octets
                ),
            ));
        }
        if !rules.digits_only && label.chars().all(|c| c.is_ascii_digit()) {
            reasons.push(Reason::new(
                "POLICY_DIGITS_ONLY",
                Verdict::Reject,
                "Labels made only of digits are not accepted by this registry.",
            ));
        }
        if !rules.hyphens && label.contains('-') {
            reasons.push(Reason::new(
                "POLICY_HYPHEN",
                Verdict::Reject,
                "Hyphens are not accepted by this registry.",
            ));
        }
    }

    fn script_rules(
        &self,
        label: &str,
        zone: &str,
        a: &idnsafe_script::LabelAnalysis,
        reasons: &mut Vec<Reason>,
    ) {
        let rules = &self.file.scripts;
        let script = a.label_script.as_str();
        let neutral = script == "Zyyy";
        let mixed = match rules.mixed {
            MixedScript::Deny => a.restriction_level > RestrictionLevel::SingleScript,
            MixedScript::Cjk => a.restriction_level > RestrictionLevel::HighlyRestrictive,
            MixedScript::Allow => false,
        };
        if mixed {
            reasons.push(Reason::new(
                "POLICY_MIXED_SCRIPT",
                Verdict::Reject,
                format!(
                    "'{label}' mixes writing systems ({}); this registry accepts one script per label{}.",
                    a.restriction_level,
                    if rules.mixed == MixedScript::Cjk { " (Latin may join Japanese, Chinese or Korean)" } else { "" }
                ),
            ));
        } else if !neutral
            && !rules.allowed.is_empty()
            && !rules.allowed.iter().any(|s| s == script)
        {
            reasons.push(Reason::new(
                "POLICY_SCRIPT_NOT_ALLOWED",
                Verdict::Reject,
                format!(
                    "'{label}' is written in {script}; this registry accepts {} only.",
                    rules.allowed.join(", ")
                ),
            ));
        }
        if let Some(want) = rules.zone_script.get(zone)
            && !neutral
            && script != want
        {
            let home =
                rules.zone_script.iter().find(|(_, s)| *s == script).map(|(z, _)| z.as_str());
            reasons.push(Reason::new(
                "POLICY_SCRIPT_TLD_MISMATCH",
                Verdict::Reject,
                match home {
                    Some(h) => format!(
                        "A {script} label cannot be registered under .{zone}, whose labels must be {want}; \
                         register it under .{h} instead."
                    ),
                    None => format!("Labels under .{zone} must be written in {want}; '{label}' is {script}."),
                },
            ));
        }
    }

    /// Checks the label against the IDN tables; returns the table used for
    /// variant keys.
    fn table_rules(
        &self,
        label: &str,
        cps: &[u32],
        script: &str,
        language: Option<&str>,
        reasons: &mut Vec<Reason>,
    ) -> Option<usize> {
        if self.tables.is_empty() {
            return None;
        }
        let mut tried = 0;
        for (i, t) in self.tables_for(script, language) {
            if t.lgr.disposition_cps(cps, None) == Disposition::Valid {
                return Some(i);
            }
            tried += 1;
        }
        if let Some(lang) = language
            && tried == 0
        {
            reasons.push(Reason::new(
                "POLICY_LANGUAGE_UNKNOWN",
                Verdict::Reject,
                format!("This registry has no IDN table for the language tag '{lang}'."),
            ));
            return None;
        }
        let failures: Vec<(&Table, _)> =
            self.tables_for(script, language).map(|(_, t)| (t, t.lgr.disposition(label))).collect();
        // Not valid under any single table: every table's reasons.
        let several = failures.len() > 1;
        for (t, out) in failures {
            for r in out.reasons {
                let msg = if several {
                    format!(
                        "Under the {} table: {} (a label must fit one table entirely).",
                        t.id,
                        r.message()
                    )
                } else {
                    r.message().to_owned()
                };
                reasons.push(Reason::new(r.code(), Verdict::Reject, msg).table(&t.id));
            }
        }
        None
    }

    fn variant_reasons(
        &self,
        state: &RegistryState,
        label: &str,
        t: &Table,
        hits: &[u32],
        same_holder: &dyn Fn(u32) -> bool,
        reasons: &mut Vec<Reason>,
    ) {
        let policy = self.file.variants.policy;
        for &i in hits {
            let other = state.label(i);
            let (action, msg) = match policy {
                VariantPolicy::Block => (
                    Verdict::Reject,
                    format!(
                        "'{label}' is a variant of the registered name '{other}' under the {} table; variants are blocked.",
                        t.id
                    ),
                ),
                VariantPolicy::SameRegistrant | VariantPolicy::Bundle if same_holder(i) => continue,
                VariantPolicy::SameRegistrant => (
                    Verdict::Reject,
                    format!(
                        "'{label}' is a variant of '{other}' under the {} table; only the holder of '{other}' may register it.",
                        t.id
                    ),
                ),
                VariantPolicy::Bundle => (
                    Verdict::Reject,
                    format!(
                        "'{label}' is a variant of '{other}' under the {} table and belongs to that name's holder.",
                        t.id
                    ),
                ),
            };
            reasons.push(
                Reason::new("VARIANT_OF_REGISTERED", action, msg)
                    .conflicting(other.to_owned())
                    .table(&t.id),
            );
        }
    }

    /// The variant labels of the bundle, and whether the policy's limit
    /// cut the list short.
    fn bundle_of(&self, cps: Vec<u32>, t: &Table) -> (Bundle, bool) {
        let limit = self.file.variants.bundle_limit;
        let label_len = cps.len();
        let Ok(mut vs) = t.lgr.bundle_cps(cps, limit) else {
            return (Bundle::default(), false);
        };
        let n = usize::try_from(limit).unwrap_or(usize::MAX).min(64);
        let mut bundle = Bundle {
            text: String::with_capacity(n * (label_len + 2)),
            entries: Vec::with_capacity(n),
        };
        while let Some(allocatable) = vs.next_into(&mut bundle.text) {
            let status = match (self.file.variants.policy, allocatable) {
                (VariantPolicy::Bundle, true) => BundleStatus::Allocated,
                (VariantPolicy::SameRegistrant, true) => BundleStatus::Reserved,
                _ => BundleStatus::Blocked,
            };
            bundle.close(status);
        }
        (bundle, vs.truncated())
    }
}

fn verdict_of(a: Action) -> Option<Verdict> {
    match a {
        Action::Reject => Some(Verdict::Reject),
        Action::Review => Some(Verdict::Review),
        Action::Ignore => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Bundle, BundleStatus, is_plain_ldh_name};

    #[test]
    fn bundle_keeps_labels_in_order_and_serializes_as_a_list() {
        let mut b = Bundle::default();
        assert!(b.is_empty());
        b.push("中國", BundleStatus::Allocated);
        b.push("", BundleStatus::Blocked);
        b.push("straße", BundleStatus::Reserved);
        let got: Vec<(&str, BundleStatus)> = b.iter().map(|e| (e.label, e.status)).collect();
        assert_eq!(
            got,
            [
                ("中國", BundleStatus::Allocated),
                ("", BundleStatus::Blocked),
                ("straße", BundleStatus::Reserved)
            ]
        );
        assert_eq!(b.len(), 3);
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"[{"label":"中國","status":"allocated"},{"label":"","status":"blocked"},{"label":"straße","status":"reserved"}]"#
        );
        assert!(format!("{b:?}").contains("straße"));
        assert_eq!((&b).into_iter().count(), 3);
    }
    use proptest::prelude::*;

    proptest! {
        /// The fast path skips the full IDNA2008 check only where that
        /// check finds nothing, and gives the same U-label and A-label length.
        #[test]
        fn plain_ldh_names_pass_the_full_check(name in "[a-zA-Z0-9.-]{0,70}|(xn--|XN--)?[a-z0-9-]{0,66}(\\.[a-zA-Z]{1,5}){0,2}\\.?") {
            let trimmed = name.strip_suffix('.').unwrap_or(&name);
            if is_plain_ldh_name(trimmed) {
                let r = idnsafe_idna::check_line(name.as_bytes());
                prop_assert!(r.is_ok(), "{name:?}: {:?}", r.all_errors().collect::<Vec<_>>());
                let first = trimmed.split('.').next().unwrap_or("");
                let l = &r.labels()[0];
                let lower = first.to_ascii_lowercase();
                prop_assert_eq!(l.ulabel(), Some(lower.as_str()));
                prop_assert_eq!(l.alabel().map_or(first.len(), str::len), first.len());
            }
        }
    }

    #[test]
    fn plain_ldh_name_examples() {
        for ok in ["example", "a.example", "A-1.Example", "x.y.z"] {
            assert!(is_plain_ldh_name(ok), "{ok}");
        }
        let long =
            format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62));
        for bad in [
            "",
            "a..b",
            ".a",
            "-a.b",
            "ab--c.d",
            "xn--mller-kva.example",
            "müller.de",
            "a b.c",
            long.as_str(),
        ] {
            assert!(!is_plain_ldh_name(bad), "{bad}");
        }
    }
}

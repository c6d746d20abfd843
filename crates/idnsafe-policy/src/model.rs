//! The policy file format (TOML), documented with a commented example in
//! `tables/policies/README.md`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Largest policy file accepted (a policy is a few KB; the cap keeps a
/// hostile file from costing memory).
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// A registry's registration policy for one zone family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Who and what.
    pub policy: PolicyInfo,
    /// IDN tables (LGRs or code point lists), tried in order.
    #[serde(default, rename = "table")]
    pub tables: Vec<TableSpec>,
    /// Script rules.
    #[serde(default)]
    pub scripts: ScriptRules,
    /// What happens to the variants of a registered name.
    #[serde(default)]
    pub variants: VariantRules,
    /// Equivalence keys beyond LGRs (e.g. `.br`).
    #[serde(default)]
    pub equivalence: Option<EquivalenceRules>,
    /// Confusables against registered and protected names.
    #[serde(default)]
    pub confusables: ConfusableRules,
    /// Reserved lists.
    #[serde(default, rename = "reserved")]
    pub reserved: Vec<ReservedList>,
    /// Protection of existing ASCII registrations against their romanized IDN forms.
    #[serde(default)]
    pub romanized: RomanizedRules,
    /// Length, digit and hyphen rules.
    #[serde(default)]
    pub length: LengthRules,
}

/// `[policy]`: name, zones and the public sources its rules come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyInfo {
    /// Short name (`de`, `eu`, `gtld-reference`).
    pub name: String,
    /// What the policy models.
    #[serde(default)]
    pub description: String,
    /// Zone names, sibling IDN TLDs included (`["eu", "ею", "ευ"]`), without dots.
    pub zones: Vec<String>,
    /// The public documents each rule comes from.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// `[[table]]`: one IDN table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// Identifier used in reasons.
    pub id: String,
    /// The LGR (RFC 7940 XML) or legacy table file, found on the search path.
    pub file: String,
    /// Label scripts (ISO 15924, as `idnsafe-script` reports them) this
    /// table is chosen for when the registrar sends no language tag.
    #[serde(default)]
    pub scripts: Vec<String>,
    /// EPP `idn` language tags that select this table.
    #[serde(default)]
    pub languages: Vec<String>,
}

/// How labels mixing scripts are treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MixedScript {
    /// One script per label (plus Common/Inherited characters).
    #[default]
    Deny,
    /// Also Latin with Han+Kana (Jpan), Han+Bopomofo (Hanb) or Han+Hangul
    /// (Kore): UTS #39 highly-restrictive.
    Cjk,
    /// No script rule beyond the tables.
    Allow,
}

/// `[scripts]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptRules {
    /// Allowed label scripts (ISO 15924); empty means any. Labels of only
    /// digits and hyphens (`Zyyy`) are always allowed here.
    #[serde(default)]
    pub allowed: Vec<String>,
    /// Mixed-script labels.
    #[serde(default)]
    pub mixed: MixedScript,
    /// "The label's script must match the TLD's": zone → script
    /// (`eu = "Latn"`, `"ею" = "Cyrl"`).
    #[serde(default)]
    pub zone_script: std::collections::BTreeMap<String, String>,
}

/// The variant policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VariantPolicy {
    /// Variants of a registered name are blocked for everyone.
    #[default]
    Block,
    /// Variants may be allocated only to the holder of the registered name.
    SameRegistrant,
    /// The holder receives the allocatable variants automatically.
    Bundle,
}

/// `[variants]`; a missing key, or a missing section, takes the value of
/// [`VariantRules::default`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VariantRules {
    /// What a variant of a registered name means.
    pub policy: VariantPolicy,
    /// Most variant labels listed in a decision's bundle (default 16; a Latin
    /// label can have thousands of blocked accent variants).
    pub bundle_limit: u64,
}

/// Written out because a derived `Default` would give a bundle limit of 0.
impl Default for VariantRules {
    fn default() -> Self {
        VariantRules { policy: VariantPolicy::default(), bundle_limit: 16 }
    }
}

/// `[equivalence]`: a key beyond the LGRs; names with equal keys belong to one holder.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquivalenceRules {
    /// Remove combining marks after NFD (`ã` → `a`).
    #[serde(default)]
    pub strip_diacritics: bool,
    /// Drop hyphens.
    #[serde(default)]
    pub drop_hyphens: bool,
    /// Further one-character mappings applied after stripping (`ç` → `c`).
    #[serde(default)]
    pub map: std::collections::BTreeMap<String, String>,
}

/// What a confusable finding does to a decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Refuse the candidate.
    Reject,
    /// Hold it for a person to decide.
    #[default]
    Review,
    /// Do not check.
    Ignore,
}

/// `[confusables]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfusableRules {
    /// Key level of comparisons with registered names: `identical` (alias
    /// `domain`, the default), `lookalike` (alias `loose`) or `uts39`.
    #[serde(default = "default_level")]
    pub level: String,
    /// Weakest tier at which protected names match: `identical`,
    /// `lookalike` (the default) or `near`.
    #[serde(default = "default_protected_tier")]
    pub protected_tier: String,
    /// Against names already registered (to someone else).
    #[serde(default)]
    pub registered: Action,
    /// Against protected names.
    #[serde(default)]
    pub protected: Action,
    /// Protected-name lists (one name per line, `#` comments) or index files.
    #[serde(default)]
    pub protected_files: Vec<String>,
}

fn default_level() -> String {
    "identical".to_owned()
}

fn default_protected_tier() -> String {
    "lookalike".to_owned()
}

impl Default for ConfusableRules {
    fn default() -> Self {
        ConfusableRules {
            level: default_level(),
            protected_tier: default_protected_tier(),
            registered: Action::Review,
            protected: Action::Review,
            protected_files: Vec::new(),
        }
    }
}

/// Categories of reserved names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReservedCategory {
    /// Trademarks and famous marks.
    Trademark,
    /// Country and geographic names.
    Geographic,
    /// Culturally significant names.
    CulturallySignificant,
    /// Names the registry keeps for itself or for technical reasons.
    Registry,
}

impl ReservedCategory {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReservedCategory::Trademark => "trademark",
            ReservedCategory::Geographic => "geographic",
            ReservedCategory::CulturallySignificant => "culturally-significant",
            ReservedCategory::Registry => "registry",
        }
    }
}

/// `[[reserved]]`: a list file of labels.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservedList {
    /// One label per line (U-label or A-label), `#` comments.
    pub file: String,
    /// Why the names are reserved.
    pub category: ReservedCategory,
}

/// `[romanized]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RomanizedRules {
    /// An IDN candidate whose Latin transliteration equals a registered
    /// ASCII label is reserved for that label's holder.
    #[serde(default)]
    pub protect_ascii_registrations: bool,
    /// What happens to someone else's candidate.
    #[serde(default = "reject")]
    pub action: Action,
}

fn reject() -> Action {
    Action::Reject
}

/// `[length]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LengthRules {
    /// Fewest characters in the U-label.
    #[serde(default = "one")]
    pub min_chars: usize,
    /// Most characters in the U-label.
    #[serde(default = "sixty_three")]
    pub max_chars: usize,
    /// Most octets in the A-label.
    #[serde(default = "sixty_three")]
    pub max_alabel_octets: usize,
    /// Whether labels of digits only may be registered.
    #[serde(default = "yes")]
    pub digits_only: bool,
    /// Whether hyphens may appear at all (IDNA2008 already refuses them at
    /// the start, the end and in positions 3-4).
    #[serde(default = "yes")]
    pub hyphens: bool,
}

fn one() -> usize {
    1
}
fn sixty_three() -> usize {
    63
}
fn yes() -> bool {
    true
}

impl Default for LengthRules {
    fn default() -> Self {
        LengthRules {
            min_chars: 1,
            max_chars: 63,
            max_alabel_octets: 63,
            digits_only: true,
            hyphens: true,
        }
    }
}

/// A policy file that could not be used: names the file, the line and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    code: &'static str,
    file: String,
    line: Option<usize>,
    key: Option<String>,
    message: String,
}

impl PolicyError {
    pub(crate) fn new(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        PolicyError {
            code,
            file: file.display().to_string(),
            line: None,
            key: None,
            message: message.into(),
        }
    }
    pub(crate) fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
    /// Stable code: `POLICY_SYNTAX`, `POLICY_INVALID`, `POLICY_IO`, `POLICY_TOO_LARGE`,
    /// `POLICY_TABLE_NOT_FOUND`, `POLICY_TABLE_INVALID`, `POLICY_LIST_INVALID`.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// The policy (or referenced) file.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// 1-based line in the file, where known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }
    /// The key at fault, where known.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(k) = &self.key {
            write!(f, ": key `{k}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PolicyError {}

/// The key written on a line of TOML (`mixed = "x"` → `mixed`, `[scripts]` → `scripts`).
fn key_on_line(line: &str) -> Option<String> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix('[') {
        return Some(rest.trim_start_matches('[').trim_end_matches(']').trim().to_owned());
    }
    let (k, _) = t.split_once('=')?;
    Some(k.trim().trim_matches('"').to_owned())
}

/// The `[table]` header a line is under, for key paths (`scripts.mixed`).
fn table_of_line(text: &str, line_idx: usize) -> Option<String> {
    text.lines()
        .take(line_idx + 1)
        .filter_map(|l| {
            let t = l.trim();
            t.starts_with('[')
                .then(|| t.trim_start_matches('[').trim_end_matches(']').trim().to_owned())
        })
        .last()
}

impl PolicyFile {
    /// Parses a policy from TOML text; `path` is used in errors only.
    pub fn parse(text: &str, path: &Path) -> Result<PolicyFile, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::new(
                "POLICY_TOO_LARGE",
                path,
                format!("the file is {} bytes; the limit is {MAX_POLICY_BYTES}", text.len()),
            ));
        }
        let parsed: PolicyFile = toml::from_str(text).map_err(|e| {
            let mut err = PolicyError::new("POLICY_SYNTAX", path, e.message().to_owned());
            if let Some(span) = e.span() {
                let start = span.start.min(text.len());
                let line_idx = text.get(..start).map_or(0, |p| p.matches('\n').count());
                err.line = Some(line_idx + 1);
                let line = text.lines().nth(line_idx).unwrap_or("");
                let key = key_on_line(line);
                let table = table_of_line(text, line_idx);
                err.key = match (table, key) {
                    (Some(t), Some(k)) if t != k => Some(format!("{t}.{k}")),
                    (_, Some(k)) => Some(k),
                    (t, None) => t,
                };
            }
            err
        })?;
        parsed.check(path)?;
        Ok(parsed)
    }

    /// Reads and parses a policy file.
    pub fn load(path: &Path) -> Result<PolicyFile, PolicyError> {
        let meta = std::fs::metadata(path)
            .map_err(|e| PolicyError::new("POLICY_IO", path, format!("cannot read: {e}")))?;
        if meta.len() > MAX_POLICY_BYTES as u64 {
            return Err(PolicyError::new(
                "POLICY_TOO_LARGE",
                path,
                format!("the file is {} bytes; the limit is {MAX_POLICY_BYTES}", meta.len()),
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| PolicyError::new("POLICY_IO", path, format!("cannot read: {e}")))?;
        PolicyFile::parse(&text, path)
    }

    /// Checks what the TOML types cannot express.
    fn check(&self, path: &Path) -> Result<(), PolicyError> {
        if self.policy.zones.is_empty() {
            return Err(PolicyError::new("POLICY_INVALID", path, "at least one zone is required")
                .with_key("policy.zones"));
        }
        if self.confusables.level.parse::<idnsafe_confusables::Level>().is_err() {
            return Err(PolicyError::new(
                "POLICY_INVALID",
                path,
                format!(
                    "unknown level {:?}; use identical, lookalike or uts39 (domain and loose are aliases)",
                    self.confusables.level
                ),
            )
            .with_key("confusables.level"));
        }
        if self.confusables.protected_tier.parse::<idnsafe_confusables::Tier>().is_err() {
            return Err(PolicyError::new(
                "POLICY_INVALID",
                path,
                format!(
                    "unknown tier {:?}; use identical, lookalike or near",
                    self.confusables.protected_tier
                ),
            )
            .with_key("confusables.protected_tier"));
        }
        for (k, v) in &self.equivalence.as_ref().map(|e| e.map.clone()).unwrap_or_default() {
            if k.chars().count() != 1 {
                return Err(PolicyError::new(
                    "POLICY_INVALID",
                    path,
                    format!("map keys are single characters, not {k:?}"),
                )
                .with_key(format!("equivalence.map.{k}")));
            }
            let _ = v;
        }
        for z in self.scripts.zone_script.keys() {
            if !self.policy.zones.iter().any(|p| p == z) {
                return Err(PolicyError::new(
                    "POLICY_INVALID",
                    path,
                    format!("zone {z:?} is not among policy.zones"),
                )
                .with_key(format!("scripts.zone_script.{z}")));
            }
        }
        Ok(())
    }
}

/// Where table and list files named in a policy are found, in order: the
/// policy file's directory, `tables/`, `tables/policies/` and `tables/lgr/`
/// under the current directory, each directory in `$IDNSAFE_TABLES`
/// (colon-separated), any extra directories given by the caller, and last
/// the files compiled into the binary (`tables/policies/` and `tables/lgr/`
/// as they were at build time). Absolute paths are used as they are.
/// Nothing is fetched from the network.
#[derive(Debug, Clone)]
pub struct SearchPath {
    dirs: Vec<PathBuf>,
    bundled: bool,
}

impl Default for SearchPath {
    fn default() -> Self {
        SearchPath { dirs: Vec::new(), bundled: true }
    }
}

/// Where a file named in a policy was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// A file compiled into the binary, by key (`policies/<path>` or
    /// `lgr/<path>`).
    Bundled(&'static str),
}

impl Source {
    /// A path for messages and reports (`(bundled)/lgr/...` for bundled files).
    pub fn display_path(&self) -> PathBuf {
        match self {
            Source::File(p) => p.clone(),
            Source::Bundled(k) => PathBuf::from(format!("(bundled)/{k}")),
        }
    }
}

impl SearchPath {
    /// The default search path for a policy at `policy_path`.
    pub fn for_policy(policy_path: &Path) -> SearchPath {
        let mut dirs = Vec::new();
        if let Some(d) = policy_path.parent() {
            dirs.push(d.to_path_buf());
        }
        dirs.push(PathBuf::from("tables"));
        dirs.push(PathBuf::from("tables/policies"));
        dirs.push(PathBuf::from("tables/lgr"));
        dirs.extend(Self::env_dirs());
        SearchPath { dirs, bundled: true }
    }
    /// The search path of a bundled policy: `$IDNSAFE_TABLES`, then the
    /// bundled files.
    pub fn for_bundled() -> SearchPath {
        SearchPath { dirs: Self::env_dirs(), bundled: true }
    }
    fn env_dirs() -> Vec<PathBuf> {
        std::env::var_os("IDNSAFE_TABLES")
            .map(|v| std::env::split_paths(&v).collect())
            .unwrap_or_default()
    }
    /// Adds a directory at the end (before the bundled files).
    pub fn push(&mut self, dir: impl Into<PathBuf>) {
        self.dirs.push(dir.into());
    }
    /// Leaves the bundled files out (only directories are searched).
    pub fn without_bundled(mut self) -> SearchPath {
        self.bundled = false;
        self
    }
    /// The directories, in order.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }
    /// Finds `name` on disk.
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        let p = Path::new(name);
        if p.is_absolute() {
            return p.exists().then(|| p.to_path_buf());
        }
        self.dirs.iter().map(|d| d.join(p)).find(|c| c.exists())
    }
    /// Finds `name` on disk, then among the bundled files.
    pub fn locate(&self, name: &str) -> Option<Source> {
        if let Some(p) = self.find(name) {
            return Some(Source::File(p));
        }
        if !self.bundled || Path::new(name).is_absolute() {
            return None;
        }
        let rel = name.trim_start_matches("./");
        ["policies/", "lgr/"]
            .iter()
            .find_map(|prefix| crate::bundled::key(&format!("{prefix}{rel}")).map(Source::Bundled))
    }
    /// Where the search looks, for messages.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
        if self.bundled {
            parts.push("the bundled tables".to_owned());
        }
        parts.join(", ")
    }
}

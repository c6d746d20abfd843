//! Operations every front end shares (the CLI today; the service and the
//! Python package next): choosing the key level and tier from the options
//! users give, comparing two labels, loading protected names. Front ends
//! parse their input, call these and print the result.

use std::path::Path;

use idnsafe_confusables::{
    ConfusableClass, ConfusablesError, Evidence, Level, ProtectedIndex, Tier, confusable_class,
    decode_label, explain, key,
};
use serde::Serialize;

/// An error of an operation: a stable code (`INVALID_ARGUMENT`,
/// `FILE_NOT_FOUND`, `POLICY_NOT_FOUND`, or the code of the lower crate's
/// error) and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: std::borrow::Cow<'static, str>,
    message: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// An error with its stable code.
    pub fn new(
        code: impl Into<std::borrow::Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Error { code: code.into(), message: message.into() }
    }

    /// An option the caller gave wrong (an unknown tier, a label too long).
    fn invalid(message: impl Into<String>) -> Self {
        Error::new("INVALID_ARGUMENT", message)
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The message for people (also what `Display` writes).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The key level and the tier from a `tier` option and the older `level`
/// alias: `level uts39|domain` means tier `identical` (keys at that level),
/// `level loose` tier `lookalike` (keys at `lookalike`). Without a level,
/// keys are shown at `identical`.
pub fn level_and_tier(tier: &str, level: Option<&str>) -> Result<(Level, Tier), Error> {
    if let Some(l) = level {
        let level: Level = l.parse().map_err(|_| {
            Error::invalid(format!(
                "unknown level {l:?}; use uts39, domain or loose (or --tier identical|lookalike|near)"
            ))
        })?;
        return Ok((level, Tier::of_level(level)));
    }
    let tier: Tier = tier.parse().map_err(|_| {
        Error::invalid(format!("unknown tier {tier:?}; use identical, lookalike or near"))
    })?;
    Ok((Level::Identical, tier))
}

/// Longest label text accepted for a comparison (a name is at most 253
/// octets; the slack allows U-labels written with multi-byte characters).
pub const MAX_LABEL_ARG: usize = 1024;

/// Two labels compared; serializes to the JSON of `idnsafe confusable
/// --json` (fields in alphabetical order, `tier` and `differences` from the
/// evidence, `null` without a match).
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The first label as given.
    pub a: String,
    /// The second label as given.
    pub b: String,
    /// UTS #39 class at `level`.
    pub class: ConfusableClass,
    /// Key of `a` at `level`.
    pub key_a: String,
    /// Key of `b` at `level`.
    pub key_b: String,
    /// The level of the keys: the match's, the tier's, or the one asked for.
    pub level: Level,
    /// The match up to the tier asked for: its tier and differences.
    pub evidence: Option<Evidence>,
}

impl Serialize for Comparison {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let e = self.evidence.as_ref();
        let mut m = s.serialize_map(Some(9))?;
        m.serialize_entry("a", &self.a)?;
        m.serialize_entry("b", &self.b)?;
        m.serialize_entry("class", &self.class)?;
        m.serialize_entry("confusable", &e.is_some())?;
        m.serialize_entry("differences", &e.map(|e| &e.differences))?;
        m.serialize_entry("key_a", &self.key_a)?;
        m.serialize_entry("key_b", &self.key_b)?;
        m.serialize_entry("level", &self.level)?;
        m.serialize_entry("tier", &e.map(|e| e.tier))?;
        m.end()
    }
}

/// Compares two labels (U-labels or A-labels) up to `tier`; `level` (the
/// older option) fixes the level of the keys shown, and `uts39` keeps its
/// meaning: the plain, case-sensitive skeleton.
pub fn compare(a: &str, b: &str, tier: Tier, level: Option<Level>) -> Result<Comparison, Error> {
    let decode = |s: &str| {
        if s.len() > MAX_LABEL_ARG {
            return Err(Error::invalid(format!(
                "a label argument is longer than {MAX_LABEL_ARG} octets"
            )));
        }
        decode_label(s).map_err(|e| Error::new(e.code(), e.message()))
    };
    let (x, y) = (decode(a)?, decode(b)?);
    let plain = level == Some(Level::Uts39);
    let evidence =
        explain(&x, &y, tier).filter(|_| !plain || key(&x, Level::Uts39) == key(&y, Level::Uts39));
    let level = level.or(evidence.as_ref().map(|e| e.tier.level())).unwrap_or(tier.level());
    Ok(Comparison {
        a: a.to_owned(),
        b: b.to_owned(),
        class: confusable_class(&x, &y, level),
        key_a: key(&x, level),
        key_b: key(&y, level),
        level,
        evidence,
    })
}

impl Comparison {
    /// The sentence of `idnsafe confusable` for people.
    pub fn describe(&self, asked: Tier) -> String {
        match &self.evidence {
            Some(e) => format!(
                "{} and {} are confusable ({}, {})",
                self.a,
                self.b,
                self.class.as_str(),
                e.describe()
            ),
            None => format!("{} and {} are not confusable (up to tier {asked})", self.a, self.b),
        }
    }
}

/// Largest protected-name list or index file read (bytes).
pub const MAX_PROTECTED_FILE: u64 = 1 << 30;

fn lib_error(context: &Path, e: ConfusablesError) -> Error {
    Error::new(e.code(), format!("{}: {} ({})", context.display(), e.message(), e.code()))
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    let code = match e.kind() {
        std::io::ErrorKind::NotFound => "FILE_NOT_FOUND",
        _ => "FILE_UNREADABLE",
    };
    Error::new(code, format!("{}: {e}", path.display()))
}

fn check_size(path: &Path) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.len() > MAX_PROTECTED_FILE {
        return Err(Error::new(
            "FILE_TOO_LARGE",
            format!("{}: larger than {MAX_PROTECTED_FILE} bytes", path.display()),
        ));
    }
    Ok(())
}

/// Whether the file at `path` starts with an index file's magic bytes (only
/// those are read); files over [`MAX_PROTECTED_FILE`] are refused.
fn is_index_path(path: &Path) -> Result<bool, Error> {
    use std::io::Read;
    check_size(path)?;
    let mut head = Vec::with_capacity(8);
    std::fs::File::open(path)
        .and_then(|f| f.take(8).read_to_end(&mut head))
        .map_err(|e| io_error(path, e))?;
    Ok(ProtectedIndex::is_index_file(&head))
}

fn read_list(path: &Path) -> Result<String, Error> {
    check_size(path)?;
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::new("FILE_NOT_UTF8", format!("{}: is not UTF-8 text", path.display())))
}

/// A protected-name list keyed at `level`, or an index file (detected by its
/// magic bytes) at whatever level it was built (`check` and `audit` compare
/// at the index's level).
pub fn load_protected_list_at(path: &Path, level: Level) -> Result<ProtectedIndex, Error> {
    if is_index_path(path)? {
        return load_protected_at(path, None);
    }
    load_protected_at(path, Some(level))
}

/// An index file or a list: a list is built at `level` (default
/// `identical`), and an index file built at another level than `level` is
/// refused. Index files are memory-mapped, not read: opening one checks its
/// checksum and header and rebuilds nothing.
pub fn load_protected_at(path: &Path, level: Option<Level>) -> Result<ProtectedIndex, Error> {
    if is_index_path(path)? {
        let index = ProtectedIndex::open(path).map_err(|e| lib_error(path, e))?;
        if let Some(l) = level
            && l != index.level()
        {
            return Err(Error::new(
                "INDEX_VERSION_MISMATCH",
                format!(
                    "{}: the index was built at level {}, not {l}: rebuild it (INDEX_VERSION_MISMATCH)",
                    path.display(),
                    index.level()
                ),
            ));
        }
        return Ok(index);
    }
    let text = read_list(path)?;
    ProtectedIndex::from_list(&text, level.unwrap_or(Level::Identical))
        .map_err(|e| lib_error(path, e))
}

/// Builds an index file at `output` from the name list at `list`, keyed at
/// `level`; returns the index (for its counts).
pub fn build_protected_index(
    list: &Path,
    level: Level,
    output: &Path,
) -> Result<ProtectedIndex, Error> {
    if is_index_path(list)? {
        return Err(Error::invalid(format!(
            "{}: is already an index file, not a name list",
            list.display()
        )));
    }
    let index =
        ProtectedIndex::from_list(&read_list(list)?, level).map_err(|e| lib_error(list, e))?;
    index.save(output).map_err(|e| io_error(output, e))?;
    Ok(index)
}

/// Loads a registry policy with its IDN tables and lists: a bundled
/// policy by name (`cn`, see `idnsafe policy list`) or a TOML file by path.
pub fn load_policy(path: &Path) -> Result<idnsafe_policy::Policy, Error> {
    idnsafe_policy::Policy::open(&path.to_string_lossy())
        .map_err(|e| Error::new(e.code(), e.to_string()))
}

/// Registered names with their registrants.
pub type Registered = Vec<(String, Option<String>)>;

/// The names of a registry's state, each with its registrant where the file
/// has one: a name list, CSV `name,registrant` or a zone file (its
/// registered names by delegation). Returns them with the number of
/// unreadable lines skipped.
pub fn read_registered(path: &Path) -> Result<(Registered, u64), Error> {
    use idnsafe_zone::{Format, ItemRef, ReaderOptions, RegisteredCollector};
    let mut reader = ReaderOptions::new().open(path).map_err(|e| {
        Error::new(e.code(), format!("{}: {} ({})", path.display(), e.message(), e.code()))
    })?;
    let mut out = Vec::new();
    let mut errors = 0u64;
    if reader.format() == Format::Zone {
        let mut c = RegisteredCollector::new(None);
        while let Some(item) = reader.next_item() {
            match item {
                ItemRef::Record(r) => c.push(&r),
                ItemRef::Error(_) => errors += 1,
            }
        }
        let reg = c
            .finish()
            .map_err(|e| Error::new(e.code(), format!("{}: {}", path.display(), e.message())))?;
        out.extend(reg.names().map(|n| (n, None)));
    } else {
        while let Some(item) = reader.next_item() {
            match item {
                ItemRef::Record(r) => {
                    out.push((r.name.to_owned(), r.registrant.map(str::to_owned)))
                }
                ItemRef::Error(_) => errors += 1,
            }
        }
    }
    Ok((out, errors))
}

/// (U-label, A-label) of an input label, or an error message: the same
/// conversion `idnsafe check` uses (A-labels decoded and round-tripped,
/// ASCII lower-cased).
fn forms(input: &str) -> Result<(String, String), String> {
    let t = input.trim();
    let r = idnsafe_idna::check_label(t);
    match (r.ulabel(), r.alabel()) {
        (Some(u), Some(a)) => Ok((u.to_owned(), a.to_owned())),
        _ => Err(r.errors().first().map_or_else(
            || format!("'{t}' cannot be converted to a U-label and an A-label"),
            |v| format!("'{t}': {v}"),
        )),
    }
}

/// One label under an LGR: its forms, disposition with every reason, and
/// index label (RZ-LGR §5.5.4, as ICANN's reference engine computes it:
/// variants whose context does not hold are ignored), the JSON record of
/// `idnsafe lgr check --json`.
pub fn lgr_check(lgr: &idnsafe_lgr::Lgr, input: &str) -> serde_json::Value {
    use serde_json::json;
    match forms(input) {
        Ok((u, a)) => {
            let o = lgr.disposition(&u);
            let index = lgr.index_label(&u).ok();
            let reasons: Vec<_> = o
                .reasons
                .iter()
                .map(|r| json!({"code": r.code(), "message": r.message()}))
                .collect();
            json!({"input": input, "ulabel": u, "alabel": a, "disposition": o.disposition.as_str(),
                "reasons": reasons, "index": index})
        }
        Err(msg) => {
            json!({"input": input, "ulabel": null, "alabel": null, "disposition": "invalid",
            "reasons": [{"code": "LGR_BAD_LABEL", "message": msg}], "index": null})
        }
    }
}

/// The variant labels of one label under an LGR, streamed up to the
/// options' limit, with the exact count of variant labels of every
/// disposition (`count`), lgr-core's estimate (`estimate`) and how many
/// invalid ones were left out (`invalid_omitted`): the JSON record of
/// `idnsafe variants --json`. Variant labels whose disposition is
/// `invalid` are left out unless `include_invalid`, as ICANN's reference
/// engine does by default (RFC 7940 leaves the choice open).
pub fn lgr_variants(
    lgr: &idnsafe_lgr::Lgr,
    input: &str,
    opts: idnsafe_lgr::VariantOptions,
    include_invalid: bool,
) -> serde_json::Value {
    use serde_json::json;
    let u = match forms(input) {
        Ok((u, _)) => u,
        Err(msg) => {
            return json!({"input": input, "disposition": "invalid", "variants": [], "total": 0,
                "truncated": false, "count": null, "error": {"code": "LGR_BAD_LABEL", "message": msg}});
        }
    };
    let disposition = lgr.disposition(&u).disposition;
    match (lgr.variants(&u, opts), lgr.variant_count(&u)) {
        (Ok(mut it), Ok(count)) => {
            let mut vs = Vec::new();
            let mut omitted = 0u64;
            for v in it.by_ref() {
                if !include_invalid && v.disposition == idnsafe_lgr::Disposition::Invalid {
                    omitted += 1;
                    continue;
                }
                let a = forms(&v.label).map(|f| f.1).ok();
                vs.push(
                    json!({"ulabel": v.label, "alabel": a, "disposition": v.disposition.as_str(),
                    "types": lgr.type_names(v.types)}),
                );
            }
            let estimate = lgr.variant_estimate(&u).ok().map(|e| e.to_string());
            json!({"input": input, "disposition": disposition.as_str(), "total": vs.len(),
                "variants": vs, "truncated": it.truncated(), "count": count.to_string(),
                "estimate": estimate, "invalid_omitted": omitted})
        }
        (Err(e), _) | (_, Err(e)) => json!({"input": input, "disposition": disposition.as_str(),
            "variants": [], "total": 0, "truncated": false, "count": null,
            "error": {"code": e.code(), "message": e.message()}}),
    }
}

/// An LGR file checked against RFC 7940: serializes to the record of
/// `idnsafe lgr validate --json` (fields in alphabetical order).
#[derive(Debug, Clone, Serialize)]
pub struct LgrValidation {
    /// Every diagnostic with its line and column.
    pub diagnostics: Vec<idnsafe_lgr::Diagnostic>,
    /// The file as named.
    pub file: String,
    /// True when the LGR can be loaded and used.
    pub usable: bool,
    /// The variant relation, when the LGR is usable.
    pub variant_relation: Option<idnsafe_lgr::VariantRelation>,
}

impl LgrValidation {
    /// Number of diagnostics that are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == idnsafe_lgr::Severity::Error).count()
    }
}

/// Checks an LGR's XML against RFC 7940.
pub fn lgr_validate(file: &str, xml: &str) -> LgrValidation {
    let v = idnsafe_lgr::validate_xml(xml);
    let usable = v.is_usable();
    // The variant relation (RFC 7940 §5.3.3 asks for symmetry and transitivity).
    let variant_relation = if usable {
        idnsafe_lgr::Lgr::from_xml(xml).ok().map(|l| *l.variant_relation())
    } else {
        None
    };
    LgrValidation { diagnostics: v.diagnostics, file: file.to_owned(), usable, variant_relation }
}

/// An LGR's metadata and sizes (the record of `idnsafe lgr stats --json`).
pub fn lgr_stats(file: &str, lgr: &idnsafe_lgr::Lgr) -> serde_json::Value {
    let s = lgr.stats();
    serde_json::json!({"file": file, "metadata": lgr.metadata(), "stats": s,
        "is_equivalence": s.relation.is_equivalence(), "warnings": lgr.diagnostics().len()})
}

/// What `idnsafe lgr collisions` reports: the collision groups of the
/// labels of a file under one LGR, the labels outside it, and the lines
/// that gave no label.
#[derive(Debug, Default, serde::Serialize)]
pub struct CollisionReport {
    /// Groups and labels outside the LGR ([`idnsafe_lgr::Lgr::collisions`]).
    #[serde(flatten)]
    pub collisions: idnsafe_lgr::Collisions,
    /// Lines that could not be read or gave no U-label (code, message, line).
    pub errors: Vec<idnsafe_lgr::NotInLgr>,
}

/// The collisions among the names of `file` (a name list, CSV or zone
/// file, gzip or not, read as `audit` reads it: each name's first label,
/// A-labels decoded) under `lgr`.
pub fn lgr_collisions(lgr: &idnsafe_lgr::Lgr, file: &Path) -> Result<CollisionReport, Error> {
    let mut reader = idnsafe_zone::ReaderOptions::new()
        .open(file)
        .map_err(|e| Error::new(e.code(), format!("{}: {e}", file.display())))?;
    let mut names: Vec<(String, u64)> = Vec::new();
    let mut errors = Vec::new();
    let read_error = |e: &idnsafe_zone::ReadError| idnsafe_lgr::NotInLgr {
        label: String::new(),
        code: e.code().to_owned(),
        message: format!("line {}: {}", e.line(), e.message()),
    };
    if reader.format() == idnsafe_zone::Format::Zone {
        // A zone: its registrations, the names delegated under its origin.
        let reg = idnsafe_zone::distinct_registered(&mut reader, None, |e| {
            errors.push(read_error(e));
        })
        .map_err(|e| Error::new(e.code(), format!("{}: {e}", file.display())))?;
        names.extend(reg.labels().map(|l| (l.to_owned(), 0)));
    } else {
        while let Some(item) = reader.next_item() {
            match item {
                idnsafe_zone::ItemRef::Record(r) => {
                    let first = r.name.split('.').next().unwrap_or("");
                    names.push((first.to_owned(), r.line));
                }
                idnsafe_zone::ItemRef::Error(e) => errors.push(read_error(e)),
            }
        }
    }
    let mut labels: Vec<String> = Vec::with_capacity(names.len());
    for (first, line) in names {
        match idnsafe_idna::to_ulabel(&first) {
            Some(u) if !u.is_empty() => labels.push(u),
            _ => errors.push(idnsafe_lgr::NotInLgr {
                message: format!("line {line}: '{first}' is not a label that can be decoded"),
                label: first,
                code: "PUNYCODE_INVALID".to_owned(),
            }),
        }
    }
    let collisions = lgr.collisions(labels.iter().map(String::as_str));
    Ok(CollisionReport { collisions, errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_code_whatever_the_message_says() {
        // A path that looks like a code must not become the code.
        let dir = std::env::temp_dir().join(format!("idnsafe-ops-{}", std::process::id()));
        let missing = dir.join("POLICY_NOT_FOUND").join("SOME_LIST.txt");
        let e = load_protected_at(&missing, None).unwrap_err();
        assert_eq!(e.code(), "FILE_NOT_FOUND", "{e}");
        assert!(e.message().contains("SOME_LIST.txt"), "{e}");
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("NOT_UTF8.txt");
        std::fs::write(&bad, b"\xff\xfe\n").unwrap();
        assert_eq!(load_protected_at(&bad, None).unwrap_err().code(), "FILE_NOT_UTF8");
        let idx = dir.join("index.idx");
        let list = dir.join("list.txt");
        std::fs::write(&list, "paypal.com\n").unwrap();
        build_protected_index(&list, Level::Lookalike, &idx).unwrap();
        let e = load_protected_at(&idx, Some(Level::Identical)).unwrap_err();
        assert_eq!(e.code(), "INDEX_VERSION_MISMATCH");
        assert_eq!(
            build_protected_index(&idx, Level::Identical, &list).unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(level_and_tier("bogus", None).unwrap_err().code(), "INVALID_ARGUMENT");
        assert_eq!(
            level_and_tier("near", Some("NOT_A_LEVEL")).unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
        let long = "a".repeat(2000);
        let e = compare(&long, "b", Tier::Lookalike, None).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        assert_eq!(e.to_string(), e.message());
        let e = load_policy(Path::new("no-such-policy")).unwrap_err();
        assert_eq!(e.code(), "POLICY_NOT_FOUND", "{e}");
    }
}

//! The Python package's native module, `idnsafe._idnsafe`: a thin shell
//! over the engine (`crates/idnsafe`). It converts arguments, calls the
//! engine and converts results: per-name results are the dicts of the
//! CLI's JSON (through serde), batches are Arrow record batches passed
//! through the Arrow C data interface (PyCapsules), computed with the GIL
//! released on the engine's rayon threads. No checking logic lives here.
//!
//! Errors are `idnsafe.Error` exceptions whose `code` attribute is the
//! stable code. A bad *name* is never an exception: it is a result (a dict
//! or a row) that says what is wrong with it.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod arrow;
mod topy;

/// Batches allocate and free hundreds of megabytes of column buffers and
/// many small per-name strings on every core; glibc's allocator made a
/// second `check_arrow` of the same 3M names 1.6-1.9x slower than the first
/// (its heap grows and trims around the freed columns), mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use idnsafe::audit::{AuditOptions, NameAuditor, NameSelection};
use idnsafe::confusables::{Level, ProtectedIndex, Tier};
use idnsafe::generate::{GenerateOptions, Lookalike};
use idnsafe::lgr::{Lgr, VariantOptions};
use idnsafe::policy::{Decision, Policy, RegistryState, Request};
use idnsafe::{Checker as Engine, NameCheck};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

pyo3::create_exception!(
    idnsafe,
    Error,
    PyException,
    "An idnsafe error. `code` is its stable code (for example \
     `POLICY_UNKNOWN`, `PROTECT_INVALID`, `ARROW_TYPE`); the message is for people."
);

/// An `idnsafe.Error` with its stable code.
pub(crate) fn error(code: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| {
        let e = Error::new_err(message);
        // Setting an attribute on a fresh exception object cannot fail in practice;
        // if it does, the exception still carries its message.
        let _ = e.value(py).setattr("code", code);
        e
    })
}

fn ops_error(e: &idnsafe::ops::Error) -> PyErr {
    error(e.code(), e.to_string())
}

/// Longest name or label accepted as an argument (a whole zone line is
/// at most this long too): longer ones are refused as `LINE_TOO_LONG`
/// results by the engine, never read past.
const MAX_ARG: usize = idnsafe::idna::MAX_INPUT_BYTES;

/// A name given as `str` or `bytes` (bytes may be invalid UTF-8: the
/// engine reports that as the name's error, `INVALID_UTF8`).
fn name_bytes<'a>(name: &'a Bound<'_, PyAny>) -> PyResult<std::borrow::Cow<'a, [u8]>> {
    if let Ok(s) = name.cast::<PyString>() {
        return Ok(match s.to_cow() {
            Ok(std::borrow::Cow::Borrowed(s)) => std::borrow::Cow::Borrowed(s.as_bytes()),
            Ok(std::borrow::Cow::Owned(s)) => std::borrow::Cow::Owned(s.into_bytes()),
            // Lone surrogates: not text the engine could have been given.
            Err(_) => std::borrow::Cow::Owned(s.to_string_lossy().into_owned().into_bytes()),
        });
    }
    if let Ok(b) = name.cast::<PyBytes>() {
        return Ok(std::borrow::Cow::Borrowed(b.as_bytes()));
    }
    Err(error("ARGUMENT_TYPE", "a name is a str or bytes"))
}

fn to_py<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    topy::to_py(py, value)
}

/// The same JSON as the CLI prints, object keys in the CLI's order.
fn json_to_py(py: Python<'_>, value: &serde_json::Value) -> PyResult<Py<PyAny>> {
    to_py(py, value)
}

fn default_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

/// Checks one name as `idnsafe check --json` does, with no protected
/// names: IDNA2008 validity per label with every error, scripts,
/// restriction level, skeleton and warnings.
#[pyfunction]
fn check(py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let bytes = name_bytes(name)?;
    check_to_py(py, default_engine(), &bytes)
}

/// One name's check as the dict of `idnsafe check --json`. Names the
/// engine's fast path takes ([`Engine::ldh_labels`]) are written from its
/// labels directly, the rest through the full report.
fn check_to_py(py: Python<'_>, engine: &Engine, line: &[u8]) -> PyResult<Py<PyAny>> {
    use pyo3::intern;
    use pyo3::types::{PyDict, PyList};
    let Some(labels) = engine.ldh_labels(line) else {
        return to_py(py, &check_with(engine, line));
    };
    let d = PyDict::new(py);
    d.set_item(intern!(py, "input"), String::from_utf8_lossy(line))?;
    d.set_item(intern!(py, "ok"), true)?;
    d.set_item(intern!(py, "errors"), PyList::empty(py))?;
    let out = PyList::empty(py);
    for (label, a, key) in &labels {
        let l = PyDict::new(py);
        let text = PyString::new(py, label);
        l.set_item(intern!(py, "ulabel"), &text)?;
        l.set_item(intern!(py, "alabel"), &text)?;
        l.set_item(intern!(py, "ok"), true)?;
        l.set_item(intern!(py, "errors"), PyList::empty(py))?;
        let scripts = a.scripts.iter().map(|s| topy::cached(py, s, true));
        l.set_item(intern!(py, "scripts"), PyList::new(py, scripts)?)?;
        l.set_item(intern!(py, "label_script"), topy::cached(py, a.label_script.as_str(), true))?;
        l.set_item(
            intern!(py, "restriction_level"),
            topy::cached(py, a.restriction_level.as_str(), true),
        )?;
        l.set_item(intern!(py, "skeleton"), key)?;
        l.set_item(intern!(py, "warnings"), PyList::empty(py))?;
        out.append(l)?;
    }
    d.set_item(intern!(py, "labels"), out)?;
    Ok(d.into_any().unbind())
}

/// One batch row (see [`check_with`] for over-long names).
fn check_row(engine: &Engine, line: &[u8], row: &mut idnsafe::CheckRow) {
    if line.len() > MAX_ARG {
        row.fill(&check_with(engine, line));
    } else {
        engine.check_row(line, row);
    }
}

fn check_with(engine: &Engine, line: &[u8]) -> NameCheck {
    if line.len() > MAX_ARG {
        engine.line_too_long(line.get(..MAX_ARG).unwrap_or(line), line.len())
    } else {
        engine.check_line(line)
    }
}

/// The protected names: a path (a list or an index from `idnsafe index
/// build`) or a list of names.
fn load_protect(obj: &Bound<'_, PyAny>, level: Level) -> PyResult<ProtectedIndex> {
    if let Ok(names) = obj.extract::<Vec<String>>() {
        let text = names.join("\n");
        return ProtectedIndex::from_list(&text, level)
            .map_err(|e| error(e.code(), format!("protect: {}", e.message())));
    }
    let path: PathBuf = obj
        .extract()
        .map_err(|_| error("ARGUMENT_TYPE", "protect is a path or a list of names"))?;
    idnsafe::ops::load_protected_list_at(&path, level).map_err(|e| ops_error(&e))
}

fn load_policy(obj: &Bound<'_, PyAny>) -> PyResult<Policy> {
    let path: PathBuf = obj.extract().map_err(|_| {
        error("ARGUMENT_TYPE", "policy is a bundled policy's name or a path to a TOML file")
    })?;
    idnsafe::ops::load_policy(&path).map_err(|e| ops_error(&e))
}

/// The threads of a checker's or auditor's batch kernels: rayon's global
/// pool (one thread per core), or a pool of its own of `threads` threads,
/// for a process that runs several kernels side by side (a Spark executor
/// runs one task per core, each in its own Python worker).
struct Threads(Option<rayon::ThreadPool>);

/// Most threads a checker's own pool may have.
const MAX_THREADS: usize = 1024;

impl Threads {
    fn new(threads: usize) -> PyResult<Self> {
        if threads == 0 {
            return Ok(Threads(None));
        }
        if threads > MAX_THREADS {
            return Err(error(
                "INVALID_ARGUMENT",
                format!("threads is {threads}; at most {MAX_THREADS} (0: one per core)"),
            ));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(|p| Threads(Some(p)))
            .map_err(|e| error("THREADS", format!("cannot start {threads} threads: {e}")))
    }

    fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.0 {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

/// A checker built once from its options and shared: per-name calls,
/// Arrow batch kernels, screening under a policy, label comparison,
/// variants and lookalike generation.
#[pyclass(frozen, module = "idnsafe._idnsafe")]
struct Checker {
    engine: Engine,
    level: Level,
    tier: Tier,
    /// Keys shown by `confusable` (the `level` alias's, when given).
    shown_level: Option<Level>,
    policy: Option<Policy>,
    state: RegistryState,
    lgrs: Mutex<HashMap<PathBuf, Arc<Lgr>>>,
    threads: Threads,
}

impl Checker {
    fn policy(&self) -> PyResult<&Policy> {
        self.policy.as_ref().ok_or_else(|| {
            error("POLICY_REQUIRED", "screening needs a policy: Checker(policy=...)")
        })
    }

    fn lgr(&self, path: PathBuf) -> PyResult<Arc<Lgr>> {
        let mut cache = self.lgrs.lock().map_err(|_| error("INTERNAL", "LGR cache poisoned"))?;
        if let Some(l) = cache.get(&path) {
            return Ok(l.clone());
        }
        let lgr = Lgr::from_path(&path)
            .map_err(|e| error(e.code(), format!("{}: {}", path.display(), e.message())))?;
        let lgr = Arc::new(lgr);
        cache.insert(path, lgr.clone());
        Ok(lgr)
    }
}

fn request<'a>(
    registrant: Option<&'a str>,
    language: Option<&'a str>,
    bundle: bool,
) -> Request<'a> {
    Request { registrant, language, without_bundle: !bundle }
}

#[pymethods]
impl Checker {
    #[new]
    #[pyo3(signature = (protect=None, tier="lookalike", level=None, policy=None, registered=None, threads=0))]
    fn new(
        protect: Option<&Bound<'_, PyAny>>,
        tier: &str,
        level: Option<&str>,
        policy: Option<&Bound<'_, PyAny>>,
        registered: Option<&Bound<'_, PyAny>>,
        threads: usize,
    ) -> PyResult<Self> {
        let (shown, tier) = idnsafe::ops::level_and_tier(tier, level).map_err(|e| ops_error(&e))?;
        let mut engine = Engine::new().with_level(shown).with_tier(tier);
        let protected = protect.map(|p| load_protect(p, tier.level())).transpose()?;
        if let Some(index) = &protected {
            engine = engine.with_protected(index.clone());
        }
        let mut policy = policy.map(load_policy).transpose()?;
        if let (Some(pol), Some(p), Some(index)) = (&mut policy, protect, protected) {
            // An index at the policy's level is shared (a clone shares the
            // bytes); a list is keyed again only at another level.
            let level = pol.protected_tier().level();
            pol.set_protected(if index.level() == level { index } else { load_protect(p, level)? });
        }
        let state = match (&policy, registered) {
            (Some(pol), Some(r)) => {
                let names: Vec<(String, Option<String>)> = if let Ok(path) = r.extract::<PathBuf>()
                {
                    idnsafe::ops::read_registered(&path).map_err(|e| ops_error(&e))?.0
                } else {
                    r.extract::<Vec<String>>()
                        .map_err(|_| {
                            error(
                                "ARGUMENT_TYPE",
                                "registered is a path (list, zone or CSV) or a list of names",
                            )
                        })?
                        .into_iter()
                        .map(|n| (n, None))
                        .collect()
                };
                RegistryState::build(pol, names.iter().map(|(n, r)| (n.as_str(), r.as_deref())))
            }
            (None, Some(_)) => {
                return Err(error(
                    "POLICY_REQUIRED",
                    "registered names are screened against under a policy: give policy= too",
                ));
            }
            _ => RegistryState::default(),
        };
        Ok(Checker {
            engine,
            level: shown,
            tier,
            shown_level: level.map(|_| shown),
            policy,
            state,
            lgrs: Mutex::new(HashMap::new()),
            threads: Threads::new(threads)?,
        })
    }

    /// The key level (`uts39`, `domain`, `identical`, `lookalike`).
    #[getter]
    fn level(&self) -> String {
        self.level.to_string()
    }

    /// The weakest tier at which protected names are reported.
    #[getter]
    fn tier(&self) -> String {
        self.tier.to_string()
    }

    /// Checks one name: the dict of `idnsafe check --json` (with
    /// `confusable_with` when the checker has protected names).
    fn check(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let bytes = name_bytes(name)?;
        check_to_py(py, &self.engine, &bytes)
    }

    /// Screens one candidate under the policy: the dict of `idnsafe screen
    /// --json` (decision, every reason, the variant bundle).
    #[pyo3(signature = (name, registrant=None, language=None, bundle=true))]
    fn screen(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        registrant: Option<&str>,
        language: Option<&str>,
        bundle: bool,
    ) -> PyResult<Py<PyAny>> {
        let policy = self.policy()?;
        let bytes = name_bytes(name)?;
        let d: Decision = policy.screen(
            &self.state,
            &String::from_utf8_lossy(&bytes),
            request(registrant, language, bundle),
        );
        to_py(py, &d)
    }

    /// Compares two labels: the dict of `idnsafe confusable --json`.
    fn confusable(&self, py: Python<'_>, a: &str, b: &str) -> PyResult<Py<PyAny>> {
        let c =
            idnsafe::ops::compare(a, b, self.tier, self.shown_level).map_err(|e| ops_error(&e))?;
        let v = serde_json::to_value(&c)
            .map_err(|e| error("INTERNAL", format!("cannot convert a result: {e}")))?;
        json_to_py(py, &v)
    }

    /// The variant labels of `label` under the LGR at `lgr` (RFC 7940 XML
    /// or a legacy table): the dict of `idnsafe variants --json`.
    #[pyo3(signature = (label, lgr, limit=1000, include_invalid=false, allocatable_only=false))]
    fn variants(
        &self,
        py: Python<'_>,
        label: &str,
        lgr: PathBuf,
        limit: u64,
        include_invalid: bool,
        allocatable_only: bool,
    ) -> PyResult<Py<PyAny>> {
        let lgr = self.lgr(lgr)?;
        let opts = VariantOptions { limit, allocatable_only };
        let v = py.detach(|| idnsafe::ops::lgr_variants(&lgr, label, opts, include_invalid));
        json_to_py(py, &v)
    }

    /// Lookalikes of a label or name, most plausible first: the dicts of
    /// `idnsafe generate --json` (at the checker's tier and policy).
    #[pyo3(signature = (target, max=100, registrable_only=false))]
    fn generate(
        &self,
        py: Python<'_>,
        target: &str,
        max: usize,
        registrable_only: bool,
    ) -> PyResult<Vec<Py<PyAny>>> {
        if idnsafe::generate::target_parts(target).is_none() {
            return Err(error(
                "GENERATE_TARGET_INVALID",
                format!(
                    "{target:?} has no label to vary: it is empty, too long, has an empty or \
                     invalid label, or is itself a public suffix (such as co.uk)"
                ),
            ));
        }
        let level = if self.shown_level.is_some() { self.level } else { self.tier.level() };
        let opts = GenerateOptions { level, max, policy: self.policy.as_ref(), registrable_only };
        let mut found: Vec<Lookalike> = Vec::new();
        py.detach(|| idnsafe::generate::generate(target, &opts, |l| found.push(l.clone())));
        found.iter().map(|l| to_py(py, l)).collect()
    }

    /// Checks every name of an Arrow string or binary array (the C data
    /// interface: any object with `__arrow_c_array__`), in parallel with the
    /// GIL released: an object with `__arrow_c_array__` holding one row per
    /// input row (see `idnsafe.Checker.check_arrow`).
    fn _check_arrow(&self, py: Python<'_>, array: &Bound<'_, PyAny>) -> PyResult<arrow::Exported> {
        let input = arrow::import(array)?;
        py.detach(|| self.threads.run(|| arrow::check_batch(&self.engine, &input)))
    }

    /// Screens every name of an Arrow array under the policy (one row per
    /// input row; see `idnsafe.Checker.screen_arrow`).
    #[pyo3(signature = (array, registrant=None, language=None, bundle=false))]
    fn _screen_arrow(
        &self,
        py: Python<'_>,
        array: &Bound<'_, PyAny>,
        registrant: Option<&str>,
        language: Option<&str>,
        bundle: bool,
    ) -> PyResult<arrow::Exported> {
        let policy = self.policy()?;
        let input = arrow::import(array)?;
        let req = request(registrant, language, bundle);
        py.detach(|| self.threads.run(|| arrow::screen_batch(policy, &self.state, req, &input)))
    }
}

/// Options of an audit, from keyword arguments, as `idnsafe audit` reads
/// its options: `level` is the key level of homograph clusters
/// (`identical`, `lookalike`, `uts39`), `tier` the weakest tier of
/// protected-name matches.
fn audit_options(
    protect: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
    origin: Option<String>,
    tier: &str,
    level: &str,
    names: &str,
    threads: usize,
) -> PyResult<AuditOptions> {
    let level: Level = level.parse().map_err(|_| {
        error(
            "INVALID_ARGUMENT",
            format!(
                "unknown level {level:?}; use identical, lookalike or uts39 (domain and loose are aliases)"
            ),
        )
    })?;
    let (_, tier) = idnsafe::ops::level_and_tier(tier, None).map_err(|e| ops_error(&e))?;
    let names = match names {
        "delegated" => NameSelection::Delegated,
        "registrable" => NameSelection::Registrable,
        other => {
            return Err(error(
                "INVALID_ARGUMENT",
                format!("names={other:?}: use 'delegated' or 'registrable'"),
            ));
        }
    };
    Ok(AuditOptions {
        protect: protect.map(|p| load_protect(p, tier.level())).transpose()?,
        policy: policy.map(load_policy).transpose()?,
        origin,
        threads,
        level: Some(level),
        tier: Some(tier),
        names,
        progress: None,
    })
}

/// Audits files (zone files, CZDS files, name lists, CSV; gzip or not),
/// as `idnsafe audit` does: (findings batch, summary dict).
#[pyfunction]
#[pyo3(signature = (paths, protect=None, policy=None, origin=None, tier="lookalike", level="identical", names="delegated", threads=0))]
#[allow(clippy::too_many_arguments)]
fn _audit_files(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    protect: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
    origin: Option<String>,
    tier: &str,
    level: &str,
    names: &str,
    threads: usize,
) -> PyResult<(arrow::Exported, Py<PyAny>)> {
    let opts = audit_options(protect, policy, origin, tier, level, names, threads)?;
    // As `idnsafe audit`: a path that is not there is the caller's mistake,
    // not a file to report as unreadable.
    if let Some(p) = paths.iter().find(|p| !p.exists()) {
        return Err(error("FILE_NOT_FOUND", format!("{}: no such file", p.display())));
    }
    let mut findings = arrow::FindingsBuilder::default();
    let summary = py
        .detach(|| idnsafe::audit::audit(&paths, &opts, |f| findings.push(f)))
        .map_err(|e| error("AUDIT_FAILED", e.to_string()))?;
    Ok((findings.finish()?, to_py(py, &summary)?))
}

/// Audits the names of an Arrow array, each read as a line of a name
/// list: (findings batch, summary dict).
#[pyfunction]
#[pyo3(signature = (array, protect=None, policy=None, origin=None, tier="lookalike", level="identical", threads=0))]
#[allow(clippy::too_many_arguments)]
fn _audit_array(
    py: Python<'_>,
    array: &Bound<'_, PyAny>,
    protect: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
    origin: Option<String>,
    tier: &str,
    level: &str,
    threads: usize,
) -> PyResult<(arrow::Exported, Py<PyAny>)> {
    let opts = audit_options(protect, policy, origin, tier, level, "delegated", threads)?;
    let input = arrow::import(array)?;
    let mut findings = arrow::FindingsBuilder::default();
    let summary = py
        .detach(|| {
            let rows = input.rows();
            idnsafe::audit::audit_entries(
                (0..rows.len()).map(|i| rows.get(i).unwrap_or(b"")),
                "<array>",
                &opts,
                |f| findings.push(f),
            )
        })
        .map_err(|e| error("AUDIT_FAILED", e.to_string()))?;
    Ok((findings.finish()?, to_py(py, &summary)?))
}

/// An audit one name at a time, for Spark: per-name findings and the
/// homograph-cluster key of every name, as rows of one Arrow batch.
#[pyclass(frozen, module = "idnsafe._idnsafe")]
struct Auditor {
    inner: NameAuditor,
    threads: Threads,
}

#[pymethods]
impl Auditor {
    #[new]
    #[pyo3(signature = (protect=None, policy=None, tier="lookalike", level="identical", threads=0))]
    fn new(
        protect: Option<&Bound<'_, PyAny>>,
        policy: Option<&Bound<'_, PyAny>>,
        tier: &str,
        level: &str,
        threads: usize,
    ) -> PyResult<Self> {
        let opts = audit_options(protect, policy, None, tier, level, "delegated", threads)?;
        Ok(Auditor { inner: NameAuditor::new(opts), threads: Threads::new(threads)? })
    }

    /// The key level of homograph clusters.
    #[getter]
    fn level(&self) -> String {
        self.inner.level().to_string()
    }

    /// Audits every entry of an Arrow array: for each name a key row
    /// (`kind` null; `name`, `zone`, `key`, `idn`, and `fp`, the cluster
    /// key's fingerprint), and one row per finding (`kind`, `names`,
    /// `protected`, `codes`, `messages`). With `only` (a `Fingerprints`),
    /// key rows only for IDNs and for names whose fingerprint is in it.
    #[pyo3(signature = (array, only=None))]
    fn _audit_arrow(
        &self,
        py: Python<'_>,
        array: &Bound<'_, PyAny>,
        only: Option<PyRef<'_, Fingerprints>>,
    ) -> PyResult<arrow::Exported> {
        let input = arrow::import(array)?;
        let only = only.as_ref().map(|f| &f.set);
        py.detach(|| self.threads.run(|| arrow::audit_batch(&self.inner, &input, only)))
    }

    /// The cluster-key fingerprints of the IDN entries of an Arrow array,
    /// as one int64 column `fingerprint`: the first pass of a split audit.
    fn _idn_fingerprints(
        &self,
        py: Python<'_>,
        array: &Bound<'_, PyAny>,
    ) -> PyResult<arrow::Exported> {
        let input = arrow::import(array)?;
        py.detach(|| self.threads.run(|| arrow::idn_fingerprints(&self.inner, &input)))
    }

    /// Homograph-cluster findings from key rows (`name`, `zone`, `key`,
    /// `idn` arrays, as `_audit_arrow` gives them; every row of a
    /// (zone, key) among them, as after a shuffle on it): one per
    /// (zone, key) with two or more distinct names, one of them an IDN.
    fn _key_clusters(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        zone: &Bound<'_, PyAny>,
        key: &Bound<'_, PyAny>,
        idn: &Bound<'_, PyAny>,
    ) -> PyResult<arrow::Exported> {
        let (name, zone, key) = (arrow::import(name)?, arrow::import(zone)?, arrow::import(key)?);
        let idn = arrow::import_bools(idn)?;
        let level = self.inner.level();
        py.detach(|| self.threads.run(|| arrow::key_clusters(level, &name, &zone, &key, &idn)))
    }
}

/// A set of cluster-key fingerprints (from `Auditor._idn_fingerprints`
/// or the `fp` of key rows),
/// built once per executor from an Arrow int64 array.
#[pyclass(frozen, module = "idnsafe._idnsafe")]
struct Fingerprints {
    set: rustc_hash::FxHashSet<u64>,
}

#[pymethods]
impl Fingerprints {
    #[new]
    fn new(array: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Fingerprints { set: arrow::import_fingerprints(array)? })
    }

    fn __len__(&self) -> usize {
        self.set.len()
    }
}

/// The data versions behind every key (`idnsafe version --json`).
#[pyfunction]
fn versions(py: Python<'_>) -> PyResult<Py<PyAny>> {
    to_py(py, &idnsafe::versions::data_versions())
}

/// Short values in nearly every result: restriction levels, label
/// scripts of the scripts most names are in, the commonest codes.
const VOCABULARY: &[&str] = &[
    "ascii-only",
    "single-script",
    "highly-restrictive",
    "moderately-restrictive",
    "minimally-restrictive",
    "unrestricted",
    "mixed",
    "Latn",
    "Cyrl",
    "Grek",
    "Arab",
    "Hebr",
    "Hani",
    "Hira",
    "Kana",
    "Hang",
    "Thai",
    "Deva",
    "Beng",
    "Taml",
    "Geor",
    "Armn",
    "Ethi",
    "Zyyy",
    "Zinh",
    "Jpan",
    "Kore",
    "Hanb",
    "MIXED_SCRIPT",
    "WHOLE_SCRIPT_CONFUSABLE",
    "CONFUSABLE_PROTECTED",
    "EMPTY_LABEL",
    "HYPHEN_3_4",
    "HYPHEN_START_END",
    "DISALLOWED_CODEPOINT",
    "INVALID_UTF8",
    "LINE_TOO_LONG",
    "identical",
    "lookalike",
    "near",
    "uts39",
];

#[pymodule]
fn _idnsafe(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("Error", m.py().get_type::<Error>())?;
    // Values that recur in results, made once (see topy.rs).
    topy::remember(m.py(), VOCABULARY.iter().copied());
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MAX_NAME_BYTES", MAX_ARG)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(versions, m)?)?;
    m.add_function(wrap_pyfunction!(_audit_files, m)?)?;
    m.add_function(wrap_pyfunction!(_audit_array, m)?)?;
    m.add_class::<Checker>()?;
    m.add_class::<Auditor>()?;
    m.add_class::<Fingerprints>()?;
    m.add_class::<arrow::Exported>()?;
    Ok(())
}

//! Durable registry state for idnsafe: the registrations with their
//! bundles, the applications waiting for review, and the audit log of every
//! decision and change, behind one [`Store`] trait.
//!
//! [`SqliteStore`] keeps them in one SQLite database (`state.db` in a state
//! directory) in WAL mode with `synchronous = FULL`: when
//! [`Store::commit`] returns, the changes are on disk. A commit is one
//! transaction, so a caller that gathers concurrent requests into one batch
//! (group commit) pays one fsync for all of them, and a crash leaves either
//! the whole batch or none of it.
//!
//! [`PostgresStore`] keeps the same tables in a PostgreSQL database, for
//! more than one service instance on one state: each transaction that
//! writes locks the collision keys of its names (advisory locks), so two
//! instances never both accept names that block each other, and reads the
//! change feed to learn what the others committed (see its module for how
//! the feed stays in commit order). [`open`] picks the backend from a spec.
//!
//! The store holds facts, not decisions: the screening engine decides and
//! keeps its in-memory index; this crate only writes and reads rows.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]

mod postgres;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use serde::Serialize;

/// An error of the store, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// `STATE_OPEN` (cannot open or create the state), `STATE_IO` (a read
    /// or write failed), `STATE_CORRUPT` (a row the store cannot read) or
    /// `STATE_SCHEMA` (a state made by an unknown version of idnsafe).
    pub code: &'static str,
    /// What happened, for people.
    pub message: String,
}

impl StoreError {
    /// An error with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        StoreError { code, message: message.into() }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for StoreError {}

/// What a state was built with: the policy and the data versions. A state
/// refuses to serve under a different policy until it is re-screened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// The policy's name (`[policy] name`).
    pub policy: String,
    /// A digest of the policy file and every table it loads.
    pub policy_digest: String,
    /// The Unicode, confusables, homoglyph and LGR versions, as JSON.
    pub versions: String,
}

impl Meta {
    /// The (key, value) rows of the `meta` table a store keeps it in.
    pub fn rows(&self) -> [(&'static str, &str); 3] {
        [
            ("policy", &self.policy),
            ("policy_digest", &self.policy_digest),
            ("versions", &self.versions),
        ]
    }

    /// From a store's `meta` rows, read by key; `None` until all are there
    /// (a new state).
    pub fn from_rows(
        mut value: impl FnMut(&str) -> Result<Option<String>, StoreError>,
    ) -> Result<Option<Meta>, StoreError> {
        let (Some(policy), Some(policy_digest), Some(versions)) =
            (value("policy")?, value("policy_digest")?, value("versions")?)
        else {
            return Ok(None);
        };
        Ok(Some(Meta { policy, policy_digest, versions }))
    }
}

/// A row limit as SQL takes it.
pub(crate) fn limit_of(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// One registered name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// The label the registry state keys it under (the first label as a
    /// U-label, lower-cased): unique among registrations.
    pub label: String,
    /// The whole name as registered (U-labels).
    pub name: String,
    /// The holder, when known.
    pub registrant: Option<String>,
    /// The bundle recorded with it, as the JSON list of the decision
    /// (`[{"label":..,"status":..}]`).
    pub bundle: String,
    /// For a name registered as an allocated variant of another of the same
    /// holder, that other name's label: releasing it releases this one.
    pub primary: Option<String>,
    /// The policy it was screened under (`name` and digest).
    pub policy: String,
    /// When, in milliseconds since the Unix epoch.
    pub created_ms: i64,
}

/// An application whose decision was `review`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    /// Its number.
    pub id: i64,
    /// The name applied for.
    pub name: String,
    /// Who applied.
    pub registrant: Option<String>,
    /// The decision's reasons, as JSON.
    pub reasons: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// Who decided it, and the comment given.
    pub reviewer: Option<String>,
    /// The reviewer's comment.
    pub comment: Option<String>,
    /// When it was made, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When it was decided.
    pub decided_ms: Option<i64>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// Its number (increasing).
    pub id: i64,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// Who (the token's name, or `local`).
    pub actor: String,
    /// What: `register`, `release`, `apply`, `approve`, `reject`, `import`.
    pub action: String,
    /// The name concerned.
    pub name: String,
    /// The decision, where there was one.
    pub decision: Option<String>,
    /// Its reasons, as JSON.
    pub reasons: Option<String>,
    /// The policy and data versions in force, as JSON.
    pub versions: String,
}

/// One change, written with others in one transaction by [`Store::commit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Record a registration (its label must be free).
    Register(Registration),
    /// Delete the registration of a label.
    Release {
        /// The label.
        label: String,
    },
    /// Record an application for review (its `id` is assigned; the one
    /// given is ignored).
    Apply(Application),
    /// Decide a pending application.
    Decide {
        /// The application.
        id: i64,
        /// `approved` or `rejected`.
        status: String,
        /// Who decided.
        reviewer: String,
        /// Their comment.
        comment: Option<String>,
        /// When.
        at_ms: i64,
    },
    /// Append to the audit log (its `id` is assigned).
    Log(LogEntry),
}

/// One registration or release, as every process sharing a state learns
/// of it: the change feed, in commit order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// Its position in the feed (increasing).
    pub id: i64,
    /// True for a registration, false for a release.
    pub registered: bool,
    /// The label.
    pub label: String,
    /// The holder, for a registration.
    pub registrant: Option<String>,
}

/// One transaction of the state (see [`Store::transaction`]).
pub trait Tx {
    /// Serialises this transaction with every other one, in any process,
    /// that locks one of the same keys (until it ends). Keys are locked in
    /// ascending order to avoid deadlocks; call once per transaction.
    fn lock(&mut self, keys: &[u32]) -> Result<(), StoreError>;
    /// The feed after position `since` (registrations and releases
    /// committed since, by this process or another).
    fn feed(&mut self, since: i64) -> Result<Vec<FeedEntry>, StoreError>;
    /// The registrations whose primary is `label` (its registered bundle).
    fn members(&mut self, label: &str) -> Result<Vec<Registration>, StoreError>;
    /// One application.
    fn application(&mut self, id: i64) -> Result<Option<Application>, StoreError>;
    /// Writes `changes` (registrations and releases also to the feed).
    /// Returns the id given to each `Apply`, in order.
    fn write(&mut self, changes: &[Change]) -> Result<Vec<i64>, StoreError>;
}

/// A durable home for the registry state.
pub trait Store: Send {
    /// What the state was built with; `None` for a new state.
    fn meta(&mut self) -> Result<Option<Meta>, StoreError>;
    /// Records what the state is built with (durably).
    fn set_meta(&mut self, meta: &Meta) -> Result<(), StoreError>;
    /// Calls `f` with every registration, in label order, from one
    /// snapshot; returns the feed position of that snapshot.
    fn registrations(&mut self, f: &mut dyn FnMut(Registration)) -> Result<i64, StoreError>;
    /// Calls `f` with the label and holder of every registration (what the
    /// in-memory state is built from, without the bundles), in no set
    /// order, from one snapshot; returns the feed position of that snapshot.
    fn holders(&mut self, f: &mut dyn FnMut(&str, Option<&str>)) -> Result<i64, StoreError>;
    /// The registration of one label.
    fn registration(&mut self, label: &str) -> Result<Option<Registration>, StoreError>;
    /// Runs `body` in one transaction and commits it durably (on disk when
    /// this returns `Ok`); rolls it back when `body` or the commit fails.
    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Writes `changes` in one transaction of their own.
    fn commit(&mut self, changes: &[Change]) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::new();
        self.transaction(&mut |tx| {
            ids = tx.write(changes)?;
            Ok(())
        })?;
        Ok(ids)
    }
    /// Applications, oldest first: pending ones only, or all.
    fn applications(
        &mut self,
        pending_only: bool,
        limit: usize,
    ) -> Result<Vec<Application>, StoreError>;
    /// One application.
    fn application(&mut self, id: i64) -> Result<Option<Application>, StoreError>;
    /// The audit log, newest first, for one name or all.
    fn log(&mut self, name: Option<&str>, limit: usize) -> Result<Vec<LogEntry>, StoreError>;
    /// Number of registrations.
    fn count(&mut self) -> Result<u64, StoreError>;
}

/// A state's two connections: the writer's, then the reader's.
pub type Connections = (Box<dyn Store>, Box<dyn Store>);

/// Opens the state named by `spec` as two connections: one for the writer,
/// one for reads beside it.
///
/// - `postgres://...` or `postgresql://...`: a PostgreSQL database
///   ([`PostgresStore`]), as a libpq connection URL, e.g.
///   `postgresql://idnsafe:secret@db.example/idnsafe` or, over a Unix
///   socket, `postgresql://idnsafe@/idnsafe?host=/run/postgresql`. The
///   database must exist; its tables are created when missing. Any number
///   of processes may share it.
/// - anything else: a directory (SQLite, `state.db` in it, created when
///   missing), for one process.
pub fn open(spec: &str) -> Result<Connections, StoreError> {
    if is_postgres(spec) {
        let w = PostgresStore::open(spec)?;
        let r = w.reopen()?;
        return Ok((Box::new(w), Box::new(r)));
    }
    let w = SqliteStore::open(std::path::Path::new(spec))?;
    let r = w.reopen()?;
    Ok((Box::new(w), Box::new(r)))
}

/// Whether `spec` names a PostgreSQL database (see [`open`]).
pub fn is_postgres(spec: &str) -> bool {
    spec.starts_with("postgres://") || spec.starts_with("postgresql://")
}

//! The SQLite store: one database file, WAL mode, `synchronous = FULL`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, Transaction, params};

use crate::{
    Application, Change, FeedEntry, LogEntry, Meta, Registration, Store, StoreError, Tx, limit_of,
};

/// The schema version this code reads and writes.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS registrations (
    label TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    registrant TEXT,
    bundle TEXT NOT NULL,
    primary_label TEXT,
    policy TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
-- Covering index: the state loads from it without reading the bundles.
CREATE INDEX IF NOT EXISTS registrations_holders ON registrations(label, registrant);
CREATE INDEX IF NOT EXISTS registrations_primary ON registrations(primary_label)
    WHERE primary_label IS NOT NULL;
CREATE TABLE IF NOT EXISTS applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    registrant TEXT,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    reviewer TEXT,
    comment TEXT,
    created_ms INTEGER NOT NULL,
    decided_ms INTEGER
);
CREATE INDEX IF NOT EXISTS applications_pending ON applications(status, id);
CREATE TABLE IF NOT EXISTS log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    name TEXT NOT NULL,
    decision TEXT,
    reasons TEXT,
    versions TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_name ON log(name, id);
CREATE TABLE IF NOT EXISTS feed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registered INTEGER NOT NULL,
    label TEXT NOT NULL,
    registrant TEXT
);
";

/// The registry state in a SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

fn io(e: rusqlite::Error) -> StoreError {
    StoreError::new("STATE_IO", e.to_string())
}

impl SqliteStore {
    /// The database file of a state directory.
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join("state.db")
    }

    /// Opens the state in `dir`, creating the directory and the database
    /// when missing.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::new("STATE_OPEN", format!("cannot create {}: {e}", dir.display()))
        })?;
        let path = Self::file_in(dir);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::new("STATE_OPEN", format!("{}: {e}", path.display())))?;
        let s = SqliteStore { conn, path };
        s.configure()?;
        s.conn.execute_batch(SCHEMA).map_err(io)?;
        match s.meta_value("schema")? {
            None => {
                s.conn
                    .execute(
                        "INSERT INTO meta(key, value) VALUES ('schema', ?1)",
                        [SCHEMA_VERSION.to_string()],
                    )
                    .map_err(io)?;
            }
            Some(v) if v == SCHEMA_VERSION.to_string() => {}
            Some(v) => {
                return Err(StoreError::new(
                    "STATE_SCHEMA",
                    format!(
                        "{} has schema version {v}; this idnsafe reads version {SCHEMA_VERSION}",
                        s.path.display()
                    ),
                ));
            }
        }
        Ok(s)
    }

    /// A second connection to the same database, for reads beside a
    /// writer (WAL lets readers go on while a commit is written).
    pub fn reopen(&self) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::new("STATE_OPEN", format!("{}: {e}", self.path.display())))?;
        let s = SqliteStore { conn, path: self.path.clone() };
        s.configure()?;
        Ok(s)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn.busy_timeout(Duration::from_secs(10)).map_err(io)?;
        // WAL: readers do not block the writer; FULL: the WAL is fsync'd at
        // every commit, so a committed transaction survives power loss.
        let mode: String =
            self.conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(io)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::new(
                "STATE_OPEN",
                format!("{}: cannot use WAL mode (got {mode})", self.path.display()),
            ));
        }
        self.conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;").map_err(io)?;
        Ok(())
    }

    fn meta_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(io)
    }
}

fn registration(r: &Row<'_>) -> rusqlite::Result<Registration> {
    Ok(Registration {
        label: r.get(0)?,
        name: r.get(1)?,
        registrant: r.get(2)?,
        bundle: r.get(3)?,
        primary: r.get(4)?,
        policy: r.get(5)?,
        created_ms: r.get(6)?,
    })
}

const REGISTRATION_COLUMNS: &str =
    "label, name, registrant, bundle, primary_label, policy, created_ms";

fn application(r: &Row<'_>) -> rusqlite::Result<Application> {
    Ok(Application {
        id: r.get(0)?,
        name: r.get(1)?,
        registrant: r.get(2)?,
        reasons: r.get(3)?,
        status: r.get(4)?,
        reviewer: r.get(5)?,
        comment: r.get(6)?,
        created_ms: r.get(7)?,
        decided_ms: r.get(8)?,
    })
}

const APPLICATION_COLUMNS: &str =
    "id, name, registrant, reasons, status, reviewer, comment, created_ms, decided_ms";

fn log_entry(r: &Row<'_>) -> rusqlite::Result<LogEntry> {
    Ok(LogEntry {
        id: r.get(0)?,
        at_ms: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        name: r.get(4)?,
        decision: r.get(5)?,
        reasons: r.get(6)?,
        versions: r.get(7)?,
    })
}

const LOG_COLUMNS: &str = "id, at_ms, actor, action, name, decision, reasons, versions";

impl Store for SqliteStore {
    fn meta(&mut self) -> Result<Option<Meta>, StoreError> {
        Meta::from_rows(|k| self.meta_value(k))
    }

    fn set_meta(&mut self, meta: &Meta) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(io)?;
        for (k, v) in meta.rows() {
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)", params![k, v])
                .map_err(io)?;
        }
        tx.commit().map_err(io)
    }

    fn registrations(&mut self, f: &mut dyn FnMut(Registration)) -> Result<i64, StoreError> {
        // One read transaction: the rows and the feed position agree.
        let tx = self.conn.transaction().map_err(io)?;
        let at = feed_position(&tx)?;
        {
            let mut st = tx
                .prepare(&format!(
                    "SELECT {REGISTRATION_COLUMNS} FROM registrations ORDER BY label"
                ))
                .map_err(io)?;
            let rows = st.query_map([], registration).map_err(io)?;
            for r in rows {
                f(r.map_err(|e| StoreError::new("STATE_CORRUPT", e.to_string()))?);
            }
        }
        tx.commit().map_err(io)?;
        Ok(at)
    }

    fn holders(&mut self, f: &mut dyn FnMut(&str, Option<&str>)) -> Result<i64, StoreError> {
        let tx = self.conn.transaction().map_err(io)?;
        let at = feed_position(&tx)?;
        {
            // A table scan (no ORDER BY), borrowing each row's text.
            let mut st = tx.prepare("SELECT label, registrant FROM registrations").map_err(io)?;
            let mut rows = st.query([]).map_err(io)?;
            let corrupt = |e: rusqlite::Error| StoreError::new("STATE_CORRUPT", e.to_string());
            while let Some(r) = rows.next().map_err(io)? {
                let label = r.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(corrupt)?;
                let holder = r.get_ref(1).and_then(|v| Ok(v.as_str_or_null()?)).map_err(corrupt)?;
                f(label, holder);
            }
        }
        tx.commit().map_err(io)?;
        Ok(at)
    }

    fn registration(&mut self, label: &str) -> Result<Option<Registration>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE label = ?1"),
                [label],
                registration,
            )
            .optional()
            .map_err(io)
    }

    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // IMMEDIATE: the write lock is taken at the start, so what the
        // transaction reads (the feed) cannot change under it, in this
        // process or another.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(io)?;
        let mut t = SqliteTx { tx };
        body(&mut t)?;
        t.tx.commit().map_err(io)
    }

    fn applications(
        &mut self,
        pending_only: bool,
        limit: usize,
    ) -> Result<Vec<Application>, StoreError> {
        let filter = if pending_only { "WHERE status = 'pending'" } else { "" };
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {APPLICATION_COLUMNS} FROM applications {filter} ORDER BY id LIMIT ?1"
            ))
            .map_err(io)?;
        let rows = st.query_map([limit_of(limit)], application).map_err(io)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(io)
    }

    fn application(&mut self, id: i64) -> Result<Option<Application>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = ?1"),
                [id],
                application,
            )
            .optional()
            .map_err(io)
    }

    fn log(&mut self, name: Option<&str>, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
        let rows = match name {
            Some(n) => {
                let mut st = self
                    .conn
                    .prepare(&format!(
                        "SELECT {LOG_COLUMNS} FROM log WHERE name = ?1 ORDER BY id DESC LIMIT ?2"
                    ))
                    .map_err(io)?;
                let r = st.query_map(params![n, limit_of(limit)], log_entry).map_err(io)?;
                r.collect::<rusqlite::Result<Vec<_>>>()
            }
            None => {
                let mut st = self
                    .conn
                    .prepare(&format!("SELECT {LOG_COLUMNS} FROM log ORDER BY id DESC LIMIT ?1"))
                    .map_err(io)?;
                let r = st.query_map([limit_of(limit)], log_entry).map_err(io)?;
                r.collect::<rusqlite::Result<Vec<_>>>()
            }
        };
        rows.map_err(io)
    }

    fn count(&mut self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM registrations", [], |r| r.get(0))
            .map_err(io)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

fn feed_position(c: &Connection) -> Result<i64, StoreError> {
    c.query_row("SELECT coalesce(max(id), 0) FROM feed", [], |r| r.get(0)).map_err(io)
}

struct SqliteTx<'c> {
    tx: Transaction<'c>,
}

impl Tx for SqliteTx<'_> {
    fn lock(&mut self, _keys: &[u32]) -> Result<(), StoreError> {
        // The IMMEDIATE transaction holds the database's write lock already.
        Ok(())
    }

    fn feed(&mut self, since: i64) -> Result<Vec<FeedEntry>, StoreError> {
        let mut st = self
            .tx
            .prepare_cached(
                "SELECT id, registered, label, registrant FROM feed WHERE id > ?1 ORDER BY id",
            )
            .map_err(io)?;
        let rows = st
            .query_map([since], |r| {
                Ok(FeedEntry {
                    id: r.get(0)?,
                    registered: r.get(1)?,
                    label: r.get(2)?,
                    registrant: r.get(3)?,
                })
            })
            .map_err(io)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(io)
    }

    fn members(&mut self, label: &str) -> Result<Vec<Registration>, StoreError> {
        let mut st = self
            .tx
            .prepare_cached(&format!(
                "SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE primary_label = ?1 ORDER BY label"
            ))
            .map_err(io)?;
        let rows = st.query_map([label], registration).map_err(io)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(io)
    }

    fn application(&mut self, id: i64) -> Result<Option<Application>, StoreError> {
        self.tx
            .query_row(
                &format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = ?1"),
                [id],
                application,
            )
            .optional()
            .map_err(io)
    }

    fn write(&mut self, changes: &[Change]) -> Result<Vec<i64>, StoreError> {
        let tx = &self.tx;
        let mut ids = Vec::new();
        let feed = |registered: bool, label: &str, registrant: Option<&str>| {
            tx.prepare_cached("INSERT INTO feed(registered, label, registrant) VALUES (?1, ?2, ?3)")
                .and_then(|mut st| st.execute(params![registered, label, registrant]))
                .map_err(io)
        };
        for c in changes {
            match c {
                Change::Register(r) => {
                    tx.prepare_cached(&format!(
                        "INSERT INTO registrations({REGISTRATION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                    ))
                    .and_then(|mut st| {
                        st.execute(params![
                            r.label,
                            r.name,
                            r.registrant,
                            r.bundle,
                            r.primary,
                            r.policy,
                            r.created_ms
                        ])
                    })
                    .map_err(io)?;
                    feed(true, &r.label, r.registrant.as_deref())?;
                }
                Change::Release { label } => {
                    let n = tx
                        .prepare_cached("DELETE FROM registrations WHERE label = ?1")
                        .and_then(|mut st| st.execute([label]))
                        .map_err(io)?;
                    if n > 0 {
                        feed(false, label, None)?;
                    }
                }
                Change::Apply(a) => {
                    tx.prepare_cached(
                        "INSERT INTO applications(name, registrant, reasons, status, created_ms) VALUES (?1, ?2, ?3, 'pending', ?4)",
                    )
                    .and_then(|mut st| {
                        st.execute(params![a.name, a.registrant, a.reasons, a.created_ms])
                    })
                    .map_err(io)?;
                    ids.push(tx.last_insert_rowid());
                }
                Change::Decide { id, status, reviewer, comment, at_ms } => {
                    tx.prepare_cached(
                        "UPDATE applications SET status = ?2, reviewer = ?3, comment = ?4, decided_ms = ?5 WHERE id = ?1 AND status = 'pending'",
                    )
                    .and_then(|mut st| st.execute(params![id, status, reviewer, comment, at_ms]))
                    .map_err(io)?;
                }
                Change::Log(l) => {
                    tx.prepare_cached(
                        "INSERT INTO log(at_ms, actor, action, name, decision, reasons, versions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )
                    .and_then(|mut st| {
                        st.execute(params![
                            l.at_ms, l.actor, l.action, l.name, l.decision, l.reasons, l.versions
                        ])
                    })
                    .map_err(io)?;
                }
            }
        }
        Ok(ids)
    }
}

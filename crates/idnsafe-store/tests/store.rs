//! The store's contract, tested once and run against both backends:
//! SQLite in a temporary directory and PostgreSQL in a fresh database on
//! a throw-away server (`idnsafe_tests::postgres::TempPostgres`).

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use idnsafe_store::{
    Application, Change, LogEntry, Meta, PostgresStore, Registration, SqliteStore, Store,
    StoreError,
};
use idnsafe_tests::postgres::TempPostgres;

/// One state, opened as many times as a test likes (each open is a new
/// connection, as another process would have).
trait Backend: Sync {
    fn try_open(&self) -> Result<Box<dyn Store>, StoreError>;
    fn open(&self) -> Box<dyn Store> {
        self.try_open().unwrap()
    }
    /// Writes `v` as the state's schema version behind the store's back.
    fn set_schema_version(&self, v: &str);
    /// Whether transactions that lock different keys run at once (false
    /// for SQLite, where every write transaction takes the one lock).
    fn locks_per_key(&self) -> bool;
}

struct Sqlite(tempfile::TempDir);

impl Sqlite {
    fn new() -> Sqlite {
        Sqlite(tempfile::tempdir().unwrap())
    }
}

impl Backend for Sqlite {
    fn try_open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(SqliteStore::open(self.0.path())?))
    }
    fn set_schema_version(&self, v: &str) {
        let c = rusqlite::Connection::open(SqliteStore::file_in(self.0.path())).unwrap();
        c.execute("UPDATE meta SET value = ?1 WHERE key = 'schema'", [v]).unwrap();
    }
    fn locks_per_key(&self) -> bool {
        false
    }
}

struct Postgres(String);

impl Postgres {
    fn new() -> Postgres {
        Postgres(TempPostgres::shared().database())
    }
}

impl Backend for Postgres {
    fn try_open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(PostgresStore::open(&self.0)?))
    }
    fn set_schema_version(&self, v: &str) {
        let mut c = ::postgres::Client::connect(&self.0, ::postgres::NoTls).unwrap();
        c.execute("UPDATE meta SET value = $1 WHERE key = 'schema'", &[&v]).unwrap();
    }
    fn locks_per_key(&self) -> bool {
        true
    }
}

/// Runs each named test against both backends.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&super::Sqlite::new()) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(&super::Postgres::new()) } )*
        }
    };
}

on_both_backends!(
    a_commit_is_all_or_nothing_and_survives_reopening,
    a_failed_transaction_leaves_nothing_behind,
    a_state_of_another_schema_version_is_refused,
    meta_is_recorded_and_replaced,
    the_log_is_queried_by_name_newest_first,
    the_feed_has_registrations_and_releases_in_commit_order,
    members_are_the_registrations_of_a_bundle,
    applications_are_listed_and_decided_once,
    a_lock_waits_for_the_transaction_holding_its_key,
    a_reader_of_the_feed_never_misses_an_entry,
);

fn reg(label: &str, primary: Option<&str>) -> Registration {
    Registration {
        label: label.to_owned(),
        name: format!("{label}.example"),
        registrant: Some("alice".to_owned()),
        bundle: "[]".to_owned(),
        primary: primary.map(str::to_owned),
        policy: "p".to_owned(),
        created_ms: 1,
    }
}

fn app(name: &str) -> Change {
    Change::Apply(Application {
        id: 0,
        name: name.into(),
        registrant: Some("bob".into()),
        reasons: "[]".into(),
        status: String::new(),
        reviewer: None,
        comment: None,
        created_ms: 5,
        decided_ms: None,
    })
}

fn labels(s: &mut dyn Store) -> (Vec<String>, i64) {
    let mut all = Vec::new();
    let at = s.registrations(&mut |r| all.push(r.label)).unwrap();
    (all, at)
}

fn a_commit_is_all_or_nothing_and_survives_reopening(b: &dyn Backend) {
    let mut s = b.open();
    assert_eq!(s.meta().unwrap(), None);
    let meta = Meta { policy: "p".into(), policy_digest: "d".into(), versions: "{}".into() };
    s.set_meta(&meta).unwrap();
    s.commit(&[Change::Register(reg("a", None)), Change::Register(reg("b", Some("a")))]).unwrap();
    // A duplicate label fails the whole batch: "c" is not written either.
    let e = s.commit(&[Change::Register(reg("c", None)), Change::Register(reg("a", None))]);
    assert_eq!(e.unwrap_err().code, "STATE_IO");
    assert_eq!(s.count().unwrap(), 2);
    let ids = s.commit(&[app("x.example")]).unwrap();
    assert_eq!(ids.len(), 1);
    drop(s);
    let mut s = b.open();
    assert_eq!(s.meta().unwrap(), Some(meta));
    let (all, at) = labels(s.as_mut());
    assert_eq!(all, ["a", "b"]);
    let mut feed = Vec::new();
    s.transaction(&mut |tx| {
        feed = tx.feed(0)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(feed.len(), 2, "{feed:?}");
    assert_eq!(at, feed[1].id, "the feed position after two registrations");
    assert!(feed.iter().all(|f| f.registered));
    assert_eq!(s.registration("b").unwrap().unwrap(), reg("b", Some("a")));
    assert_eq!(s.registration("zz").unwrap(), None);
    assert_eq!(s.application(ids[0]).unwrap().unwrap().status, "pending");
    s.commit(&[Change::Release { label: "a".into() }]).unwrap();
    assert_eq!(s.count().unwrap(), 1);
    assert_eq!(b.open().count().unwrap(), 1);
}

fn a_failed_transaction_leaves_nothing_behind(b: &dyn Backend) {
    let mut s = b.open();
    s.commit(&[Change::Register(reg("kept", None))]).unwrap();
    let e = s.transaction(&mut |tx| {
        tx.lock(&[1, 2])?;
        tx.write(&[Change::Register(reg("lost", None)), app("lost.example")])?;
        tx.write(&[Change::Release { label: "kept".into() }])?;
        Err(StoreError::new("TEST", "the body fails"))
    });
    assert_eq!(e.unwrap_err().code, "TEST");
    let (all, at) = labels(b.open().as_mut());
    assert_eq!(all, ["kept"]);
    assert!(s.applications(false, 10).unwrap().is_empty());
    // The connection is usable again, and the feed did not move.
    let mut feed = Vec::new();
    s.transaction(&mut |tx| {
        feed = tx.feed(0)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].id, at);
}

fn a_state_of_another_schema_version_is_refused(b: &dyn Backend) {
    drop(b.open());
    b.set_schema_version("99");
    let Err(e) = b.try_open() else { panic!("opened") };
    assert_eq!(e.code, "STATE_SCHEMA", "{e}");
    assert!(e.message.contains("99"), "{e}");
}

fn meta_is_recorded_and_replaced(b: &dyn Backend) {
    let mut s = b.open();
    let m1 = Meta { policy: "p".into(), policy_digest: "d1".into(), versions: "{}".into() };
    let m2 = Meta { policy: "q".into(), policy_digest: "d2".into(), versions: "{\"u\":1}".into() };
    s.set_meta(&m1).unwrap();
    s.set_meta(&m2).unwrap();
    assert_eq!(b.open().meta().unwrap(), Some(m2));
}

fn the_log_is_queried_by_name_newest_first(b: &dyn Backend) {
    let mut s = b.open();
    let entry = |name: &str, action: &str| {
        Change::Log(LogEntry {
            id: 0,
            at_ms: 1,
            actor: "t".into(),
            action: action.into(),
            name: name.into(),
            decision: Some("accept".into()),
            reasons: None,
            versions: "{}".into(),
        })
    };
    s.commit(&[entry("a", "register"), entry("b", "register"), entry("a", "release")]).unwrap();
    let a = s.log(Some("a"), 10).unwrap();
    let actions: Vec<&str> = a.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["release", "register"]);
    assert!(a[0].id > a[1].id);
    assert_eq!(a[1].decision.as_deref(), Some("accept"));
    assert_eq!(s.log(None, 2).unwrap().len(), 2);
    assert_eq!(s.log(None, 10).unwrap().len(), 3);
}

fn the_feed_has_registrations_and_releases_in_commit_order(b: &dyn Backend) {
    let mut one = b.open();
    let mut two = b.open();
    let (_, start) = labels(one.as_mut());
    one.commit(&[Change::Register(reg("a", None)), Change::Register(reg("b", None))]).unwrap();
    // Through another connection: a release, a release of nothing (not
    // in the feed) and a registration of another holder.
    let mut other = reg("c", None);
    other.registrant = None;
    two.commit(&[
        Change::Release { label: "a".into() },
        Change::Release { label: "nothing".into() },
        Change::Register(other),
    ])
    .unwrap();
    let mut feed = Vec::new();
    one.transaction(&mut |tx| {
        feed = tx.feed(start)?;
        Ok(())
    })
    .unwrap();
    let seen: Vec<(bool, &str, Option<&str>)> =
        feed.iter().map(|f| (f.registered, f.label.as_str(), f.registrant.as_deref())).collect();
    assert_eq!(
        seen,
        [
            (true, "a", Some("alice")),
            (true, "b", Some("alice")),
            (false, "a", None),
            (true, "c", None)
        ]
    );
    assert!(feed.windows(2).all(|w| w[0].id < w[1].id), "{feed:?}");
    // After a position: only what came later.
    let mut later = Vec::new();
    two.transaction(&mut |tx| {
        later = tx.feed(feed[1].id)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(later, feed[2..]);
    // A snapshot's position is its last feed entry.
    let (all, at) = labels(two.as_mut());
    assert_eq!(all, ["b", "c"]);
    assert_eq!(at, feed[3].id);
}

fn members_are_the_registrations_of_a_bundle(b: &dyn Backend) {
    let mut s = b.open();
    s.commit(&[
        Change::Register(reg("p", None)),
        Change::Register(reg("p2", Some("p"))),
        Change::Register(reg("p1", Some("p"))),
        Change::Register(reg("q", None)),
    ])
    .unwrap();
    let mut m = Vec::new();
    let mut none = Vec::new();
    s.transaction(&mut |tx| {
        m = tx.members("p")?;
        none = tx.members("q")?;
        Ok(())
    })
    .unwrap();
    let m: Vec<&str> = m.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(m, ["p1", "p2"]);
    assert!(none.is_empty());
}

fn applications_are_listed_and_decided_once(b: &dyn Backend) {
    let mut s = b.open();
    let ids = s.commit(&[app("x.example"), app("y.example"), app("z.example")]).unwrap();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let decide = |id: i64, status: &str| Change::Decide {
        id,
        status: status.into(),
        reviewer: "rev".into(),
        comment: Some("ok".into()),
        at_ms: 9,
    };
    s.commit(&[decide(ids[0], "approved")]).unwrap();
    // A decided application stays decided.
    s.commit(&[decide(ids[0], "rejected")]).unwrap();
    let a = s.application(ids[0]).unwrap().unwrap();
    assert_eq!(
        (a.status.as_str(), a.reviewer.as_deref(), a.comment.as_deref(), a.decided_ms),
        ("approved", Some("rev"), Some("ok"), Some(9))
    );
    let pending: Vec<i64> = s.applications(true, 10).unwrap().iter().map(|a| a.id).collect();
    assert_eq!(pending, ids[1..]);
    assert_eq!(s.applications(true, 1).unwrap().len(), 1);
    let all = s.applications(false, 10).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].name, "y.example");
    assert_eq!(all[1].registrant.as_deref(), Some("bob"));
    let mut in_tx = None;
    s.transaction(&mut |tx| {
        in_tx = tx.application(ids[2])?;
        assert_eq!(tx.application(-1)?, None);
        Ok(())
    })
    .unwrap();
    assert_eq!(in_tx.unwrap().name, "z.example");
    assert_eq!(s.application(-1).unwrap(), None);
}

/// A transaction that locks a key waits for the one holding it, then sees
/// what it committed; one that locks other keys does not wait (where the
/// backend locks per key).
fn a_lock_waits_for_the_transaction_holding_its_key(b: &dyn Backend) {
    let hold = Duration::from_millis(300);
    let (locked_tx, locked) = mpsc::channel();
    std::thread::scope(|scope| {
        let mut first = b.open();
        let holder = scope.spawn(move || {
            first
                .transaction(&mut |tx| {
                    tx.lock(&[7, 9])?;
                    locked_tx.send(()).unwrap();
                    std::thread::sleep(hold);
                    tx.write(&[Change::Register(reg("held", None))])?;
                    Ok(())
                })
                .unwrap();
        });
        locked.recv().unwrap();
        let t0 = Instant::now();
        if b.locks_per_key() {
            let mut other = b.open();
            other
                .transaction(&mut |tx| {
                    tx.lock(&[8, 10])?;
                    tx.write(&[Change::Register(reg("free", None))])?;
                    Ok(())
                })
                .unwrap();
            assert!(t0.elapsed() < hold, "another key waited {:?}", t0.elapsed());
        }
        let mut second = b.open();
        let mut feed = Vec::new();
        second
            .transaction(&mut |tx| {
                tx.lock(&[1, 9])?;
                feed = tx.feed(0)?;
                Ok(())
            })
            .unwrap();
        assert!(t0.elapsed() >= hold / 2, "the same key did not wait: {:?}", t0.elapsed());
        assert!(feed.iter().any(|f| f.label == "held"), "{feed:?}");
        holder.join().unwrap();
    });
}

/// Writers commit concurrently, each holding its transaction open a while
/// after writing; a reader that follows the feed by position (as the
/// registry's writer does) sees every entry exactly once, in id order.
fn a_reader_of_the_feed_never_misses_an_entry(b: &dyn Backend) {
    let writers = 4;
    let per_writer = 25;
    let barrier = Barrier::new(writers + 1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut seen = Vec::new();
    std::thread::scope(|scope| {
        for w in 0..writers {
            let (barrier, done) = (&barrier, &done);
            let mut s = b.open();
            scope.spawn(move || {
                barrier.wait();
                for i in 0..per_writer {
                    s.transaction(&mut |tx| {
                        tx.lock(&[u32::try_from(w).unwrap()])?;
                        tx.write(&[Change::Register(reg(&format!("w{w}-{i}"), None))])?;
                        // Later writers hold their ids longer before commit.
                        std::thread::sleep(Duration::from_micros(300 * (w as u64 + 1)));
                        Ok(())
                    })
                    .unwrap();
                }
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            });
        }
        let mut r = b.open();
        let mut since = 0;
        barrier.wait();
        loop {
            let finished = done.load(std::sync::atomic::Ordering::SeqCst) == writers;
            let mut feed = Vec::new();
            r.transaction(&mut |tx| {
                feed = tx.feed(since)?;
                Ok(())
            })
            .unwrap();
            for f in feed {
                assert!(f.id > since);
                since = f.id;
                seen.push(f.label);
            }
            if finished {
                break;
            }
        }
    });
    let mut expected: Vec<String> =
        (0..writers).flat_map(|w| (0..per_writer).map(move |i| format!("w{w}-{i}"))).collect();
    expected.sort();
    let n = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), n, "an entry came twice");
    assert_eq!(seen, expected);
}

// PostgreSQL only.

#[test]
fn open_picks_postgres_by_the_spec() {
    let url = TempPostgres::shared().database();
    assert!(idnsafe_store::is_postgres(&url));
    assert!(!idnsafe_store::is_postgres("/var/lib/idnsafe"));
    let (mut w, mut r) = idnsafe_store::open(&url).unwrap();
    w.commit(&[Change::Register(reg("shared", None))]).unwrap();
    assert_eq!(r.count().unwrap(), 1);
    // The SQLite spec is still a directory.
    let dir = tempfile::tempdir().unwrap();
    let (mut w, _) = idnsafe_store::open(&dir.path().display().to_string()).unwrap();
    assert_eq!(w.count().unwrap(), 0);
    assert!(SqliteStore::file_in(dir.path()).exists());
}

#[test]
fn an_unreachable_postgres_is_a_state_open_error() {
    let pg = TempPostgres::shared();
    let e = PostgresStore::open(&pg.url_of("no_such_database")).unwrap_err();
    assert_eq!(e.code, "STATE_OPEN", "{e}");
    let e = PostgresStore::open("postgresql://u:secret@/x?host=/nonexistent").unwrap_err();
    assert_eq!(e.code, "STATE_OPEN");
    assert!(!e.message.contains("secret"), "{e}");
}

#[test]
fn postgres_connections_commit_durably() {
    let url = TempPostgres::shared().database();
    let mut c = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    let server: String = c.query_one("SHOW fsync", &[]).unwrap().get(0);
    assert_eq!(server, "on");
    drop(PostgresStore::open(&url).unwrap());
    // Every table the SQLite store has.
    let tables: Vec<String> = c
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(tables, ["applications", "feed", "log", "meta", "registrations"]);
}

#[test]
fn concurrent_opens_of_a_new_postgres_database_all_succeed() {
    let url = TempPostgres::shared().database();
    let barrier = Arc::new(Barrier::new(6));
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let (url, barrier) = (url.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                PostgresStore::open(&url).map(drop)
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
}

//! A throw-away PostgreSQL server for tests, started by the tests
//! themselves, so plain `cargo test` works wherever Debian's `postgresql`
//! package is installed (`scripts/setup-test-deps.sh` installs it).
//!
//! [`TempPostgres::shared`] starts one server per test binary (the first
//! test that asks starts it) and [`TempPostgres::database`] gives each test
//! a fresh database on it. The server lives in a new temporary directory:
//! `initdb` makes the cluster there, `pg_ctl start` runs it with `fsync=on`,
//! listening only on a Unix socket in that directory (no TCP port), with
//! `trust` authentication for the `postgres` role.
//!
//! As root (initdb refuses to run as root) the directory is given to the
//! `postgres` system user and the server commands run as that user through
//! `runuser`; as anyone else they run as the current user.
//!
//! Cleanup: an owned server ([`TempPostgres::start`]) is stopped
//! (`pg_ctl stop -m immediate`) and its directory deleted on drop. Statics
//! are never dropped, so every server also gets a small reaper process that
//! waits for the test process to exit (however it exits) and then does the
//! same.
//!
//! A machine without PostgreSQL fails the test with a message naming the
//! package and the setup script: tests never skip.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const MISSING: &str = "PostgreSQL is not installed: the tests start a throw-away server with \
     initdb and pg_ctl (looked for on $PATH and in /usr/lib/postgresql/*/bin). Install Debian's \
     `postgresql` package, e.g. by running scripts/setup-test-deps.sh (as root); tests never skip";

/// A running throw-away PostgreSQL server (see the module's documentation).
#[derive(Debug)]
pub struct TempPostgres {
    dir: PathBuf,
    bin: PathBuf,
    /// `Some` when the server commands run as the `postgres` user.
    run_as: Option<String>,
    reaper: Option<Child>,
}

static SHARED: OnceLock<TempPostgres> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);

impl TempPostgres {
    /// The server shared by every test of this test binary, started on
    /// first use. Panics when PostgreSQL is missing or will not start.
    pub fn shared() -> &'static TempPostgres {
        SHARED.get_or_init(TempPostgres::start)
    }

    /// Starts a server of its own, stopped when dropped. Panics when
    /// PostgreSQL is missing or will not start.
    pub fn start() -> TempPostgres {
        let bin = find_bin().unwrap_or_else(|| panic!("{MISSING}"));
        let run_as = if is_root() { Some("postgres".to_owned()) } else { None };
        let dir = make_temp_dir();
        if let Some(user) = &run_as {
            let (uid, gid) = user_ids(user).unwrap_or_else(|| {
                panic!(
                    "running as root, the tests run PostgreSQL as the `{user}` user, which does \
                     not exist; install Debian's `postgresql` package (scripts/setup-test-deps.sh)"
                )
            });
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .unwrap_or_else(|e| panic!("cannot give {} to {user}: {e}", dir.display()));
        }
        let mut pg = TempPostgres { dir, bin, run_as, reaper: None };
        pg.reaper = Some(pg.spawn_reaper());
        let data = pg.data_dir();
        pg.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth=trust".as_ref(),
                "--encoding=UTF8".as_ref(),
                "--locale=C".as_ref(),
                "--no-sync".as_ref(),
            ],
        );
        let options = format!(
            "-c listen_addresses='' -k {} -c fsync=on -c max_connections=200 \
             -c shared_buffers=32MB",
            pg.dir.display()
        );
        let log = pg.dir.join("server.log");
        pg.run(
            "pg_ctl",
            &[
                "start".as_ref(),
                "-w".as_ref(),
                "-t".as_ref(),
                "60".as_ref(),
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
            ],
        );
        pg
    }

    /// The URL of the server's `postgres` database.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of database `name` on this server.
    pub fn url_of(&self, name: &str) -> String {
        format!("postgresql://postgres@/{name}?host={}", self.dir.display())
    }

    /// Creates a new, empty database and returns its URL.
    pub fn database(&self) -> String {
        let n = DATABASES.fetch_add(1, Ordering::Relaxed);
        let name = format!("test_{}_{n}", std::process::id());
        let host = self.dir.display().to_string();
        // createdb is a client: it may run as anyone (trust auth).
        let out = Command::new(self.bin.join("createdb"))
            .args(["-h", &host, "-U", "postgres", &name])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run createdb: {e}"));
        check("createdb", &out, &self.dir);
        self.url_of(&name)
    }

    /// The directory the server lives in (and listens in).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut c = match &self.run_as {
            Some(user) => {
                let mut c = Command::new(runuser());
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        };
        // The server user may not be able to enter the test's directory.
        c.current_dir(&self.dir).stdin(Stdio::null());
        c
    }

    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) {
        let out = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        check(program, &out, &self.dir);
    }

    /// A process that waits for this one to end, then stops the server
    /// and deletes its directory.
    fn spawn_reaper(&self) -> Child {
        let stop = |c: Command| {
            let mut parts = vec![c.get_program().to_string_lossy().into_owned()];
            parts.extend(c.get_args().map(|a| a.to_string_lossy().into_owned()));
            parts.iter().map(|p| shell_quote(p)).collect::<Vec<_>>().join(" ")
        };
        let mut c = self.command("pg_ctl");
        c.args(["stop", "-m", "immediate", "-D"]).arg(self.data_dir());
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; \
             if [ -d {data} ]; then {stop} >/dev/null 2>&1; fi; rm -rf {dir}",
            pid = std::process::id(),
            data = shell_quote(&self.data_dir().to_string_lossy()),
            stop = stop(c),
            dir = shell_quote(&self.dir.to_string_lossy()),
        );
        let mut c = Command::new("sh");
        c.args(["-c", &script])
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group: a Ctrl-C to the test run must not kill it
        // before it has cleaned up.
        std::os::unix::process::CommandExt::process_group(&mut c, 0);
        c.spawn().unwrap_or_else(|e| panic!("cannot start the PostgreSQL reaper: {e}"))
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        if self.data_dir().join("postmaster.pid").exists() {
            let _ = self
                .command("pg_ctl")
                .args(["stop", "-m", "immediate", "-D"])
                .arg(self.data_dir())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(mut r) = self.reaper.take() {
            let _ = r.kill();
            let _ = r.wait();
        }
    }
}

fn check(program: &str, out: &Output, dir: &Path) {
    if !out.status.success() {
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        panic!(
            "{program} failed ({}):\n{}{}\nserver log:\n{log}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The directory holding `initdb`, `pg_ctl` and `createdb`: from `$PATH`,
/// else the newest `/usr/lib/postgresql/<version>/bin` (Debian keeps them
/// off `$PATH`).
fn find_bin() -> Option<PathBuf> {
    let has_all = |d: &Path| ["initdb", "pg_ctl", "createdb"].iter().all(|p| d.join(p).is_file());
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has_all(&d) {
                // Resolve symlinks (e.g. /usr/local/bin/initdb ->
                // /usr/lib/postgresql/15/bin/initdb): the tools must
                // come from one installation.
                let real = std::fs::canonicalize(d.join("initdb")).ok();
                return Some(real.and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or(d));
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| has_all(d))
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d)
}

/// `runuser` (util-linux), which lives in /usr/sbin, often off a user's
/// `$PATH`.
fn runuser() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join("runuser")).find(|f| f.is_file()));
    on_path
        .or_else(|| {
            ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
                .iter()
                .map(PathBuf::from)
                .find(|f| f.is_file())
        })
        .unwrap_or_else(|| {
            panic!("running as root, the tests need runuser (util-linux) to start PostgreSQL")
        })
}

fn is_root() -> bool {
    // The effective uid, from /proc (no libc here).
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

fn user_ids(user: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        if f.next()? != user {
            return None;
        }
        let _password = f.next()?;
        Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
    })
}

fn make_temp_dir() -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    // Short: the socket path (dir + "/.s.PGSQL.5432") must fit in 107 bytes.
    let base = std::env::temp_dir();
    let base = if base.to_string_lossy().len() > 60 { PathBuf::from("/tmp") } else { base };
    for i in 0..1000 {
        let dir = base.join(format!("idnsafe-pg-{}-{nanos:x}-{i}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                // Readable by the server user and the test alike.
                let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755));
                return dir;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => panic!("cannot create a directory in {}: {e}", base.display()),
        }
    }
    panic!("cannot create a temporary directory in {}", base.display())
}

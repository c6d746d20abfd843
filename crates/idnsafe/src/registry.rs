//! A live registry: a policy, the in-memory [`RegistryState`] every screen
//! reads, and a durable [`Store`] every registration, release and review is
//! committed to before it is acknowledged.
//!
//! Changes go through one writer thread. It takes every request waiting
//! (up to [`MAX_BATCH`]), screens each against the state *as the requests
//! before it in the batch left it* (so two requests for mutually blocking
//! names in one batch get one yes and one no), updates the state, writes
//! the whole batch in one transaction (one fsync: group commit), and only
//! then answers. If the commit fails, the batch's state changes are undone
//! and every request in it gets the error. Screens read the state under a
//! read lock: they may see a registration a few milliseconds before it is
//! durable, never one that failed.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use idnsafe_policy::{Decision, Policy, RegistryState, Request, Verdict};
use idnsafe_store::{Application, Change, LogEntry, Meta, Registration, Store, StoreError, Tx};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Most requests written in one transaction.
pub const MAX_BATCH: usize = 1024;
/// Most requests waiting for the writer; more wait for a place (the
/// service's concurrency limit stops them long before).
const QUEUE: usize = 8192;

/// An error of a registry operation, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryError {
    /// Stable code: `STATE_*` from the store, `STATE_POLICY_CHANGED`,
    /// `NOT_REGISTERED`, `APPLICATION_NOT_FOUND`, `APPLICATION_DECIDED`,
    /// `REGISTRY_CLOSED`.
    pub code: String,
    /// What happened, for people.
    pub message: String,
}

impl RegistryError {
    fn new(code: &str, message: impl Into<String>) -> Self {
        RegistryError { code: code.to_owned(), message: message.into() }
    }
}

impl From<StoreError> for RegistryError {
    fn from(e: StoreError) -> Self {
        RegistryError { code: e.code.to_owned(), message: e.message }
    }
}

impl std::fmt::Display for RegistryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for RegistryError {}

/// A registered name as the service shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationView {
    /// The whole name (U-labels).
    pub name: String,
    /// The label it is kept under.
    pub label: String,
    /// The holder.
    pub registrant: Option<String>,
    /// The bundle recorded with it.
    pub bundle: serde_json::Value,
    /// The label of the registration it belongs to, for an allocated
    /// variant registered after it.
    pub primary: Option<String>,
    /// The policy (name and digest) it was screened under.
    pub policy: String,
    /// When, in milliseconds since the Unix epoch.
    pub created_ms: i64,
}

impl From<Registration> for RegistrationView {
    fn from(r: Registration) -> Self {
        RegistrationView {
            bundle: serde_json::from_str(&r.bundle).unwrap_or(serde_json::Value::Null),
            name: r.name,
            label: r.label,
            registrant: r.registrant,
            primary: r.primary,
            policy: r.policy,
            created_ms: r.created_ms,
        }
    }
}

/// What became of a registration request.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RegisterOutcome {
    /// Registered, with its bundle (durable).
    Registered {
        /// The registration.
        registration: RegistrationView,
        /// The decision that allowed it.
        decision: Decision,
    },
    /// Refused: the decision says why.
    Blocked {
        /// The decision.
        decision: Decision,
    },
    /// Kept for review as an application (durable).
    Pending {
        /// The application's number.
        application: i64,
        /// The decision (`review`) with its reasons.
        decision: Decision,
    },
}

/// What became of a review decision.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// Approved and registered.
    Registered {
        /// The registration.
        registration: RegistrationView,
    },
    /// Rejected.
    Rejected {
        /// The application.
        application: i64,
    },
    /// Approval could not register the name: it is no longer free (or the
    /// policy now refuses it). The application stays pending.
    Blocked {
        /// The decision now.
        decision: Decision,
    },
}

/// Who asks for a change, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor(pub String);

enum Job {
    Register {
        name: String,
        registrant: Option<String>,
        language: Option<String>,
        actor: Actor,
        reply: Reply<RegisterOutcome>,
    },
    Release {
        name: String,
        actor: Actor,
        reply: Reply<Vec<String>>,
    },
    Decide {
        id: i64,
        approve: bool,
        reviewer: String,
        comment: Option<String>,
        reply: Reply<ReviewOutcome>,
    },
}

/// Where an answer goes: a callback, so a blocking caller and an async
/// one (the service) can both wait for it their own way.
pub type Reply<T> = Box<dyn FnOnce(Result<T, RegistryError>) + Send>;

/// The policy and data versions a state is built with, and a digest of the
/// policy and its table files.
pub fn state_meta(policy: &Policy) -> Meta {
    let mut h = Sha256::new();
    // Contents only: the same files found through another search path
    // are the same policy.
    let mut add = |path: &Path| {
        h.update(std::fs::read(path).unwrap_or_default());
        h.update([0]);
    };
    add(policy.path());
    for (_, file, _) in policy.table_versions() {
        add(Path::new(&file));
    }
    let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let versions = crate::versions::data_versions_with_policy(Some(policy));
    Meta {
        policy: policy.file().policy.name.clone(),
        policy_digest: digest,
        versions: serde_json::to_string(&versions).unwrap_or_default(),
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The state's record of what it was built with, checked against `policy`:
/// a new state records it; a state made under a different policy is
/// refused (`STATE_POLICY_CHANGED`) unless `change` accepts it, when it is
/// recorded instead. Returns the policy's record.
fn check_meta(
    policy: &Policy,
    store: &mut dyn Store,
    change: PolicyChange,
) -> Result<Meta, RegistryError> {
    let meta = state_meta(policy);
    match store.meta()? {
        Some(m) if m.policy_digest == meta.policy_digest => {}
        Some(m) if change == PolicyChange::Refuse => {
            return Err(RegistryError::new(
                "STATE_POLICY_CHANGED",
                format!(
                    "the state was built under policy {} ({}), not this one ({} {}); run `idnsafe state rescreen --policy FILE --state STATE` to see what the new policy would reject, then again with --accept to record it",
                    m.policy,
                    short(&m.policy_digest),
                    meta.policy,
                    short(&meta.policy_digest)
                ),
            ));
        }
        _ => store.set_meta(&meta)?,
    }
    Ok(meta)
}

/// Loads every registration of a store into a registry state; returns it
/// with the store's feed position it reflects.
pub fn load_state(
    policy: &Policy,
    store: &mut dyn Store,
) -> Result<(RegistryState, i64), RegistryError> {
    // Two arenas, not a String per row: a million registrations load in
    // one pass with two allocations that grow.
    let mut labels = String::new();
    type Span = (usize, usize);
    let mut ends: Vec<(usize, usize, Option<Span>)> = Vec::new();
    let mut holders = String::new();
    let seen = store.holders(&mut |label, holder| {
        let l0 = labels.len();
        labels.push_str(label);
        let h = holder.map(|h| {
            let h0 = holders.len();
            holders.push_str(h);
            (h0, holders.len())
        });
        ends.push((l0, labels.len(), h));
    })?;
    let names = ends
        .iter()
        .map(|&(a, b, h)| (labels.get(a..b).unwrap_or(""), h.and_then(|(a, b)| holders.get(a..b))));
    // Bare labels: the state keys a name by its label, under any zone.
    Ok((RegistryState::build(policy, names), seen))
}

/// A live registry (see the module's documentation).
pub struct Registry {
    policy: Arc<Policy>,
    state: Arc<RwLock<RegistryState>>,
    reader: Mutex<Box<dyn Store>>,
    jobs: Mutex<Option<SyncSender<Job>>>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    meta: Meta,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("meta", &self.meta).finish_non_exhaustive()
    }
}

/// How a registry treats a state made under another policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyChange {
    /// Refuse to open it (`STATE_POLICY_CHANGED`).
    Refuse,
    /// Open it and record the new policy (after `state rescreen`).
    Accept,
}

impl Registry {
    /// Opens a registry on `writer` (the connection the writer thread
    /// commits on) and `reader` (a second connection to the same state,
    /// for reads). A new state records the policy; a state made under a
    /// different policy is refused unless `change` accepts it.
    pub fn open(
        policy: Policy,
        mut writer: Box<dyn Store>,
        reader: Box<dyn Store>,
        change: PolicyChange,
    ) -> Result<Registry, RegistryError> {
        let meta = check_meta(&policy, writer.as_mut(), change)?;
        let (state, seen) = load_state(&policy, writer.as_mut())?;
        let policy = Arc::new(policy);
        let state = Arc::new(RwLock::new(state));
        let (tx, rx) = sync_channel(QUEUE);
        let w = Writer {
            policy: Arc::clone(&policy),
            state: Arc::clone(&state),
            store: writer,
            meta: meta.clone(),
            seen,
        };
        let handle = std::thread::Builder::new()
            .name("idnsafe-writer".into())
            .spawn(move || w.run(rx))
            .map_err(|e| RegistryError::new("STATE_IO", format!("cannot start writer: {e}")))?;
        Ok(Registry {
            policy,
            state,
            reader: Mutex::new(reader),
            jobs: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(handle)),
            meta,
        })
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The policy and data versions of the state.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Screens a candidate against the current state (read-only).
    pub fn screen(&self, candidate: &str, req: Request<'_>) -> Decision {
        match self.state.read() {
            Ok(s) => self.policy.screen(&s, candidate, req),
            Err(p) => self.policy.screen(&p.into_inner(), candidate, req),
        }
    }

    /// Runs `f` on the state under its read lock.
    pub fn with_state<T>(&self, f: impl FnOnce(&RegistryState) -> T) -> T {
        match self.state.read() {
            Ok(s) => f(&s),
            Err(p) => f(&p.into_inner()),
        }
    }

    /// Number of registered names.
    pub fn len(&self) -> usize {
        self.with_state(RegistryState::len)
    }

    /// True when nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn send(&self, job: Job) -> Result<(), Job> {
        let tx = match self.jobs.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        match tx {
            Some(tx) => tx.send(job).map_err(|e| e.0),
            None => Err(job),
        }
    }

    /// Asks to register `name` for `registrant`; `reply` is called once the
    /// outcome is durable.
    pub fn register_with(
        &self,
        name: String,
        registrant: Option<String>,
        language: Option<String>,
        actor: Actor,
        reply: Reply<RegisterOutcome>,
    ) {
        if let Err(Job::Register { reply, .. }) =
            self.send(Job::Register { name, registrant, language, actor, reply })
        {
            reply(Err(closed()));
        }
    }

    /// Asks to release `name` and the registrations of its bundle; `reply`
    /// gets the labels released.
    pub fn release_with(&self, name: String, actor: Actor, reply: Reply<Vec<String>>) {
        if let Err(Job::Release { reply, .. }) = self.send(Job::Release { name, actor, reply }) {
            reply(Err(closed()));
        }
    }

    /// Decides a pending application; approval registers the name if it is
    /// still free.
    pub fn decide_with(
        &self,
        id: i64,
        approve: bool,
        reviewer: String,
        comment: Option<String>,
        reply: Reply<ReviewOutcome>,
    ) {
        if let Err(Job::Decide { reply, .. }) =
            self.send(Job::Decide { id, approve, reviewer, comment, reply })
        {
            reply(Err(closed()));
        }
    }

    /// [`Registry::register_with`], waiting for the answer.
    pub fn register(
        &self,
        name: &str,
        registrant: Option<&str>,
        actor: &str,
    ) -> Result<RegisterOutcome, RegistryError> {
        wait(|r| {
            self.register_with(
                name.to_owned(),
                registrant.map(str::to_owned),
                None,
                Actor(actor.to_owned()),
                r,
            );
        })
    }

    /// [`Registry::release_with`], waiting for the answer.
    pub fn release(&self, name: &str, actor: &str) -> Result<Vec<String>, RegistryError> {
        wait(|r| self.release_with(name.to_owned(), Actor(actor.to_owned()), r))
    }

    /// [`Registry::decide_with`], waiting for the answer.
    pub fn decide(
        &self,
        id: i64,
        approve: bool,
        reviewer: &str,
        comment: Option<&str>,
    ) -> Result<ReviewOutcome, RegistryError> {
        wait(|r| {
            self.decide_with(id, approve, reviewer.to_owned(), comment.map(str::to_owned), r);
        })
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>,
    ) -> Result<T, RegistryError> {
        let mut g = match self.reader.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        Ok(f(g.as_mut())?)
    }

    /// The registration of a name (any zone of the policy; U- or A-label).
    pub fn registration(&self, name: &str) -> Result<Option<RegistrationView>, RegistryError> {
        let Some(label) = self.policy.registered_label(name) else { return Ok(None) };
        Ok(self.read(|s| s.registration(&label))?.map(RegistrationView::from))
    }

    /// Applications, oldest first.
    pub fn applications(
        &self,
        pending_only: bool,
        limit: usize,
    ) -> Result<Vec<Application>, RegistryError> {
        self.read(|s| s.applications(pending_only, limit))
    }

    /// One application.
    pub fn application(&self, id: i64) -> Result<Option<Application>, RegistryError> {
        self.read(|s| s.application(id))
    }

    /// The audit log for a name (the label it is kept under), newest first.
    pub fn log(&self, name: Option<&str>, limit: usize) -> Result<Vec<LogEntry>, RegistryError> {
        let key = name.map(|n| self.log_key(n));
        self.read(|s| s.log(key.as_deref(), limit))
    }

    /// The name the audit log files a request under: the label the state
    /// keeps, or the input when it is not under the policy's zones.
    pub fn log_key(&self, name: &str) -> String {
        log_name(&self.policy, name)
    }

    /// Every registration in the store (for an export or a comparison with
    /// the in-memory state).
    pub fn registrations(&self, f: &mut dyn FnMut(Registration)) -> Result<(), RegistryError> {
        self.read(|s| s.registrations(f)).map(|_| ())
    }

    /// Stops the writer after the requests already queued.
    pub fn close(&self) {
        match self.jobs.lock() {
            Ok(mut g) => drop(g.take()),
            Err(p) => drop(p.into_inner().take()),
        }
        let h = match self.writer.lock() {
            Ok(mut g) => g.take(),
            Err(p) => p.into_inner().take(),
        };
        if let Some(h) = h {
            let _ = h.join();
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.close();
    }
}

fn short(d: &str) -> &str {
    d.get(..12).unwrap_or(d)
}

fn closed() -> RegistryError {
    RegistryError::new("REGISTRY_CLOSED", "the registry is shutting down")
}

fn wait<T: Send + 'static>(ask: impl FnOnce(Reply<T>)) -> Result<T, RegistryError> {
    let (tx, rx) = sync_channel(1);
    ask(Box::new(move |r| {
        let _ = tx.send(r);
    }));
    rx.recv().unwrap_or_else(|_| Err(closed()))
}

/// An answer waiting for its batch's commit.
enum Pending {
    Register(Reply<RegisterOutcome>, Result<RegisterOutcome, RegistryError>),
    Release(Reply<Vec<String>>, Result<Vec<String>, RegistryError>),
    Decide(Reply<ReviewOutcome>, Result<ReviewOutcome, RegistryError>),
}

impl Pending {
    fn answer(self, failed: Option<&RegistryError>) {
        match (self, failed) {
            (Pending::Register(reply, _), Some(e)) => reply(Err(e.clone())),
            (Pending::Release(reply, _), Some(e)) => reply(Err(e.clone())),
            (Pending::Decide(reply, _), Some(e)) => reply(Err(e.clone())),
            (Pending::Register(reply, r), None) => reply(r),
            (Pending::Release(reply, r), None) => reply(r),
            (Pending::Decide(reply, r), None) => reply(r),
        }
    }
}

/// A state change of the batch, undone if its commit fails.
enum Undo {
    Inserted(u32),
    Removed { label: String, registrant: Option<String> },
}

struct Writer {
    policy: Arc<Policy>,
    state: Arc<RwLock<RegistryState>>,
    store: Box<dyn Store>,
    meta: Meta,
    /// The store's change feed has been applied to the state up to here.
    seen: i64,
}

/// What one transaction does to the state, and whom it answers.
#[derive(Default)]
struct Batch {
    undo: Vec<Undo>,
    answers: Vec<Pending>,
}

impl Writer {
    fn run(mut self, rx: Receiver<Job>) {
        while let Ok(first) = rx.recv() {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(j) => jobs.push(j),
                    Err(_) => break,
                }
            }
            // A review reads its application before it knows which keys to
            // lock: each goes in a transaction of its own.
            let (decides, rest): (Vec<Job>, Vec<Job>) =
                jobs.into_iter().partition(|j| matches!(j, Job::Decide { .. }));
            if !rest.is_empty() {
                self.transaction(rest);
            }
            for d in decides {
                self.transaction(vec![d]);
            }
        }
    }

    /// Runs jobs in one transaction: lock their collision keys, catch up
    /// with the feed, decide each (writing as it goes, so a release sees
    /// the registrations before it), commit, then answer.
    fn transaction(&mut self, mut jobs: Vec<Job>) {
        let mut keys: Vec<u32> = Vec::new();
        for j in &jobs {
            match j {
                Job::Register { name, language, .. } => {
                    keys.extend(self.policy.collision_keys(name, language.as_deref()));
                }
                Job::Release { name, .. } => keys.extend(self.policy.collision_keys(name, None)),
                Job::Decide { .. } => {}
            }
        }
        keys.sort_unstable();
        keys.dedup();
        let mut batch = Batch::default();
        let policy = Arc::clone(&self.policy);
        let state = Arc::clone(&self.state);
        let meta = self.meta.clone();
        let mut seen = self.seen;
        let result = self.store.transaction(&mut |tx| {
            let mut ctx =
                Ctx { policy: &policy, meta: &meta, tx, batch: &mut batch, seen: &mut seen };
            let decide_first = matches!(jobs.first(), Some(Job::Decide { .. }));
            if !decide_first {
                ctx.tx.lock(&keys)?;
            }
            let mut state = match state.write() {
                Ok(s) => s,
                Err(p) => p.into_inner(),
            };
            ctx.catch_up(&mut state)?;
            for job in jobs.drain(..) {
                ctx.job(&mut state, job)?;
            }
            Ok(())
        });
        self.seen = seen;
        let failed = result.err().map(|e| {
            let mut state = match self.state.write() {
                Ok(s) => s,
                Err(p) => p.into_inner(),
            };
            for u in batch.undo.drain(..).rev() {
                match u {
                    Undo::Inserted(slot) => {
                        state.remove(slot);
                    }
                    Undo::Removed { label, registrant } => {
                        state.insert(&self.policy, &label, registrant.as_deref());
                    }
                }
            }
            RegistryError::from(e)
        });
        // Jobs the transaction never reached (it failed first) are answered
        // with its error too.
        for a in batch.answers {
            a.answer(failed.as_ref());
        }
        let e = failed.unwrap_or_else(closed);
        for j in jobs {
            match j {
                Job::Register { reply, .. } => reply(Err(e.clone())),
                Job::Release { reply, .. } => reply(Err(e.clone())),
                Job::Decide { reply, .. } => reply(Err(e.clone())),
            }
        }
    }
}

/// Applies one feed entry (this process's or another's) to the state.
/// Idempotent, and entries come in commit order, so replaying ones the
/// state already has leaves it equal to the store.
fn catch_up(policy: &Policy, state: &mut RegistryState, f: &idnsafe_store::FeedEntry) {
    let slot = state.find(&f.label);
    if f.registered {
        match slot {
            Some(s) if state.registrant(s) == f.registrant.as_deref() => {}
            Some(s) => {
                state.remove(s);
                state.insert(policy, &f.label, f.registrant.as_deref());
            }
            None => {
                state.insert(policy, &f.label, f.registrant.as_deref());
            }
        }
    } else if let Some(s) = slot {
        state.remove(s);
    }
}

/// One transaction's view while it decides its jobs.
struct Ctx<'a> {
    policy: &'a Policy,
    meta: &'a Meta,
    tx: &'a mut dyn Tx,
    batch: &'a mut Batch,
    /// The feed position the state reflects.
    seen: &'a mut i64,
}

impl Ctx<'_> {
    /// Applies the feed after the position the state reflects: what this
    /// and other processes committed since.
    fn catch_up(&mut self, state: &mut RegistryState) -> Result<(), StoreError> {
        for f in self.tx.feed(*self.seen)? {
            *self.seen = (*self.seen).max(f.id);
            catch_up(self.policy, state, &f);
        }
        Ok(())
    }

    fn log(&self, actor: &str, action: &str, name: &str, d: Option<&Decision>) -> Change {
        Change::Log(LogEntry {
            id: 0,
            at_ms: now_ms(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            name: name.to_owned(),
            decision: d.map(|d| d.decision.as_str().to_owned()),
            reasons: d.map(|d| serde_json::to_string(&d.reasons).unwrap_or_default()),
            versions: self.meta.versions.clone(),
        })
    }

    fn policy_id(&self) -> String {
        format!("{} {}", self.meta.policy, short(&self.meta.policy_digest))
    }

    /// Records an accepted name in the state; its registration row.
    fn record(
        &mut self,
        state: &mut RegistryState,
        d: &Decision,
        registrant: Option<&str>,
    ) -> Result<Registration, RegistryError> {
        let full = || RegistryError::new("STATE_FULL", "the registry state cannot hold more names");
        let label = self.policy.registered_label(&d.input).ok_or_else(full)?;
        // The registration of the same holder whose bundle this name is in.
        let primary = d.bundle.iter().find_map(|b| {
            let slot = state.find(b.label)?;
            (registrant.is_some() && state.registrant(slot) == registrant)
                .then(|| b.label.to_owned())
        });
        let slot = state.insert(self.policy, &d.input, registrant).ok_or_else(full)?;
        self.batch.undo.push(Undo::Inserted(slot));
        Ok(Registration {
            name: canonical_name(&d.input),
            label,
            registrant: registrant.map(str::to_owned),
            bundle: serde_json::to_string(&d.bundle).unwrap_or_else(|_| "[]".to_owned()),
            primary,
            policy: self.policy_id(),
            created_ms: now_ms(),
        })
    }

    /// Decides one job and writes its changes; a store error fails the
    /// whole transaction.
    fn job(&mut self, state: &mut RegistryState, job: Job) -> Result<(), StoreError> {
        match job {
            Job::Register { name, registrant, language, actor, reply } => {
                let req = Request {
                    registrant: registrant.as_deref(),
                    language: language.as_deref(),
                    without_bundle: false,
                };
                let d = self.policy.screen(state, &name, req);
                let key = log_name(self.policy, &name);
                let mut changes = vec![self.log(&actor.0, "register", &key, Some(&d))];
                let outcome = match d.decision {
                    Verdict::Reject => Ok(RegisterOutcome::Blocked { decision: d }),
                    Verdict::Review => {
                        changes.push(Change::Apply(Application {
                            id: 0,
                            name: canonical_name(&name),
                            registrant: registrant.clone(),
                            reasons: serde_json::to_string(&d.reasons).unwrap_or_default(),
                            status: "pending".into(),
                            reviewer: None,
                            comment: None,
                            created_ms: now_ms(),
                            decided_ms: None,
                        }));
                        Ok(RegisterOutcome::Pending { application: 0, decision: d })
                    }
                    Verdict::Accept => match self.record(state, &d, registrant.as_deref()) {
                        Ok(r) => {
                            changes.push(Change::Register(r.clone()));
                            Ok(RegisterOutcome::Registered { registration: r.into(), decision: d })
                        }
                        Err(e) => Err(e),
                    },
                };
                let ids = self.tx.write(&changes)?;
                let outcome = match outcome {
                    Ok(RegisterOutcome::Pending { decision, .. }) => Ok(RegisterOutcome::Pending {
                        application: ids.first().copied().unwrap_or(0),
                        decision,
                    }),
                    o => o,
                };
                self.batch.answers.push(Pending::Register(reply, outcome));
            }
            Job::Release { name, actor, reply } => {
                let outcome = self.release(state, &name, &actor.0)?;
                self.batch.answers.push(Pending::Release(reply, outcome));
            }
            Job::Decide { id, approve, reviewer, comment, reply } => {
                let outcome = self.decide(state, id, approve, &reviewer, comment)?;
                self.batch.answers.push(Pending::Decide(reply, outcome));
            }
        }
        Ok(())
    }

    fn release(
        &mut self,
        state: &mut RegistryState,
        name: &str,
        actor: &str,
    ) -> Result<Result<Vec<String>, RegistryError>, StoreError> {
        let not_registered =
            || RegistryError::new("NOT_REGISTERED", format!("'{name}' is not registered."));
        let Some(label) = self.policy.registered_label(name).filter(|l| state.find(l).is_some())
        else {
            return Ok(Err(not_registered()));
        };
        // The name, then the registrations of its bundle, transitively.
        let mut labels = vec![label];
        let mut i = 0;
        while let Some(l) = labels.get(i).cloned() {
            for m in self.tx.members(&l)? {
                if !labels.contains(&m.label) {
                    labels.push(m.label);
                }
            }
            i += 1;
        }
        let mut changes = Vec::new();
        for l in &labels {
            if let Some(slot) = state.find(l) {
                let registrant = state.registrant(slot).map(str::to_owned);
                state.remove(slot);
                self.batch.undo.push(Undo::Removed { label: l.clone(), registrant });
            }
            changes.push(Change::Release { label: l.clone() });
            changes.push(self.log(actor, "release", l, None));
        }
        self.tx.write(&changes)?;
        Ok(Ok(labels))
    }

    fn decide(
        &mut self,
        state: &mut RegistryState,
        id: i64,
        approve: bool,
        reviewer: &str,
        comment: Option<String>,
    ) -> Result<Result<ReviewOutcome, RegistryError>, StoreError> {
        let Some(app) = self.tx.application(id)? else {
            return Ok(Err(RegistryError::new(
                "APPLICATION_NOT_FOUND",
                format!("There is no application {id}."),
            )));
        };
        if app.status != "pending" {
            return Ok(Err(RegistryError::new(
                "APPLICATION_DECIDED",
                format!("Application {id} was already {}.", app.status),
            )));
        }
        let key = log_name(self.policy, &app.name);
        let decided = |status: &str| Change::Decide {
            id,
            status: status.to_owned(),
            reviewer: reviewer.to_owned(),
            comment: comment.clone(),
            at_ms: now_ms(),
        };
        if !approve {
            let changes = [decided("rejected"), self.log(reviewer, "reject", &key, None)];
            self.tx.write(&changes)?;
            return Ok(Ok(ReviewOutcome::Rejected { application: id }));
        }
        // Approval registers: serialise with every request for a
        // blocking name, then decide on the state as it is now.
        self.tx.lock(&self.policy.collision_keys(&app.name, None))?;
        // The feed was read before this lock: where locks are per key
        // (PostgreSQL), another process may have committed a blocking name
        // in between, so read it again now that nobody else can.
        self.catch_up(state)?;
        let req = Request { registrant: app.registrant.as_deref(), ..Request::default() };
        let d = self.policy.screen(state, &app.name, req);
        if d.decision == Verdict::Reject {
            self.tx.write(&[self.log(reviewer, "approve", &key, Some(&d))])?;
            return Ok(Ok(ReviewOutcome::Blocked { decision: d }));
        }
        let r = match self.record(state, &d, app.registrant.as_deref()) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let changes = [
            Change::Register(r.clone()),
            decided("approved"),
            self.log(reviewer, "approve", &key, Some(&d)),
        ];
        self.tx.write(&changes)?;
        Ok(Ok(ReviewOutcome::Registered { registration: r.into() }))
    }
}

/// A name as recorded: U-labels, lower-cased ASCII, no root dot.
fn canonical_name(name: &str) -> String {
    let name = name.strip_suffix('.').unwrap_or(name);
    name.split('.')
        .map(|l| idnsafe_idna::to_ulabel(l).unwrap_or_else(|| l.to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(".")
}

/// The name the audit log files a request under: the label the state keeps
/// it under, or the input when it is not under the policy's zones.
fn log_name(policy: &Policy, name: &str) -> String {
    policy.registered_label(name).unwrap_or_else(|| name.to_owned())
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Registrations written.
    pub imported: u64,
    /// Names skipped because their label was already in the state (or
    /// earlier in the file).
    pub duplicates: u64,
    /// Names skipped because they are not directly under one of the
    /// policy's zones.
    pub outside_zones: u64,
}

/// Rows written per transaction by an import.
const IMPORT_BATCH: usize = 10_000;

/// Seeds a state with existing registrations (facts, not requests: they
/// are recorded as they are, not screened), each with the bundle the policy
/// gives it, in transactions of [`IMPORT_BATCH`] rows, with one log entry.
/// A new state records the policy; a state made under another policy is
/// refused (`STATE_POLICY_CHANGED`).
pub fn import(
    policy: &Policy,
    store: &mut dyn Store,
    names: &[(String, Option<String>)],
    actor: &str,
) -> Result<ImportReport, RegistryError> {
    let meta = check_meta(policy, store, PolicyChange::Refuse)?;
    let (mut state, _) = load_state(policy, store)?;
    let empty = RegistryState::default();
    let policy_id = format!("{} {}", meta.policy, short(&meta.policy_digest));
    let mut report = ImportReport::default();
    let mut rows = Vec::new();
    let flush = |rows: &mut Vec<Change>, store: &mut dyn Store| -> Result<(), RegistryError> {
        if !rows.is_empty() {
            store.commit(rows)?;
            rows.clear();
        }
        Ok(())
    };
    for (name, registrant) in names {
        let Some(label) = policy.registered_label(name) else {
            report.outside_zones += 1;
            continue;
        };
        if state.find(&label).is_some() {
            report.duplicates += 1;
            continue;
        }
        let req = Request { registrant: registrant.as_deref(), ..Request::default() };
        let bundle = policy.screen(&empty, name, req).bundle;
        if state.insert(policy, name, registrant.as_deref()).is_none() {
            report.outside_zones += 1;
            continue;
        }
        rows.push(Change::Register(Registration {
            name: canonical_name(name),
            label,
            registrant: registrant.clone(),
            bundle: serde_json::to_string(&bundle).unwrap_or_else(|_| "[]".to_owned()),
            primary: None,
            policy: policy_id.clone(),
            created_ms: now_ms(),
        }));
        report.imported += 1;
        if rows.len() >= IMPORT_BATCH {
            flush(&mut rows, store)?;
        }
    }
    rows.push(Change::Log(LogEntry {
        id: 0,
        at_ms: now_ms(),
        actor: actor.to_owned(),
        action: "import".to_owned(),
        name: "*".to_owned(),
        decision: None,
        reasons: Some(serde_json::to_string(&report).unwrap_or_default()),
        versions: meta.versions.clone(),
    }));
    flush(&mut rows, store)?;
    Ok(report)
}

/// A registration the policy would now decide otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct Rescreened {
    /// The registered name.
    pub name: String,
    /// Its holder.
    pub registrant: Option<String>,
    /// The decision now, without the reasons that are the registration
    /// itself (its own label, variants allocated to its own holder).
    pub decision: Decision,
}

/// Screens every registration of a store under `policy`, against all the
/// others, and returns those the policy would now reject or send to
/// review. Deletes nothing. With `accept`, records the policy as the
/// state's afterwards, so the service starts under it.
pub fn rescreen(
    policy: &Policy,
    store: &mut dyn Store,
    accept: bool,
) -> Result<Vec<Rescreened>, RegistryError> {
    // One read of the store: the registrations are both the state and what
    // is screened against it.
    let mut regs = Vec::new();
    store.registrations(&mut |r| regs.push((r.name, r.label, r.registrant)))?;
    let state =
        RegistryState::build(policy, regs.iter().map(|(_, l, r)| (l.as_str(), r.as_deref())));
    let out: Vec<Rescreened> = {
        use rayon::prelude::*;
        regs.par_iter()
            .filter_map(|(name, label, registrant)| {
                let req = Request { registrant: registrant.as_deref(), ..Request::default() };
                let mut d = policy.screen(&state, name, req);
                d.reasons.retain(|r| r.conflicting.as_deref() != Some(label.as_str()));
                d.decision = Verdict::of(&d.reasons);
                (d.decision != Verdict::Accept).then(|| Rescreened {
                    name: name.clone(),
                    registrant: registrant.clone(),
                    decision: d,
                })
            })
            .collect()
    };
    if accept {
        store.set_meta(&state_meta(policy))?;
    }
    Ok(out)
}

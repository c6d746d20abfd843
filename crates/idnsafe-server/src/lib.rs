//! `idnsafe serve`: the screening service. A thin HTTP shell over the
//! engine: it parses requests, calls `idnsafe` (the [`Checker`], the live
//! [`Registry`] with its durable store) and prints the engine's JSON.
//!
//! Routes (all JSON; errors are `{"code", "message"}` with a stable code):
//! - `POST /v1/check`, `/v1/screen`: one name (`{"name": ..}`), or many as
//!   `application/x-ndjson` (one name a line, one JSON line out per line
//!   in, streamed);
//! - `POST /v1/variants`, `/v1/confusable`, `/v1/generate`;
//! - `POST /v1/registrations`, `GET|DELETE /v1/registrations/{name}`;
//! - `GET /v1/reviews`, `POST /v1/reviews/{id}`; `GET /v1/log?name=`;
//! - `GET /v1/explore?name=`: everything the name explorer shows, as JSON;
//! - `GET /healthz`, `/readyz`, `/metrics`, `/openapi.json`;
//! - the review page for people at `/` ([`ui`]).
//!
//! See `docs/SERVICE.md` for the whole contract.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
mod lines;
mod metrics;
pub mod ui;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use idnsafe::Checker;
use idnsafe::registry::{PolicyChange, Registry};

pub use auth::{Role, Tokens, hash_token};

/// How `idnsafe serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The registry policy (TOML).
    pub policy: PathBuf,
    /// The state: a directory (SQLite) or a `postgres://` URL.
    pub state: String,
    /// Protected names (list or index), as `check --protect`.
    pub protect: Option<PathBuf>,
    /// Bearer tokens file.
    pub tokens: Option<PathBuf>,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Open a state made under another policy (after `state rescreen`).
    pub accept_policy_change: bool,
    /// Limits.
    pub limits: Limits,
}

/// Bounds on what a client can make the service do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest JSON request body.
    pub max_body: usize,
    /// Largest NDJSON batch body.
    pub max_batch_body: usize,
    /// Requests handled at once; more get 503 with Retry-After.
    pub max_in_flight: usize,
    /// Time to answer one JSON request.
    pub request_timeout: Duration,
    /// Time a client may take to send its request headers, or between
    /// two chunks of a streamed body.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 64 * 1024,
            max_batch_body: 256 * 1024 * 1024,
            max_in_flight: 1024,
            request_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(10),
        }
    }
}

/// An error that stops the service from starting, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeError {
    /// Stable code.
    pub code: String,
    /// For people.
    pub message: String,
}

impl ServeError {
    fn new(code: &str, message: impl Into<String>) -> Self {
        ServeError { code: code.to_owned(), message: message.into() }
    }
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ServeError {}

/// Loads the policy, protected names, tokens and state: everything the
/// service needs before it listens.
pub fn prepare(config: &ServeConfig) -> Result<api::App, ServeError> {
    let started = Instant::now();
    if !config.listen.ip().is_loopback() && config.tokens.is_none() {
        return Err(ServeError::new(
            "SERVE_NEEDS_TOKENS",
            format!(
                "{} is not a loopback address: give --tokens FILE (without tokens every client has every role)",
                config.listen
            ),
        ));
    }
    let tokens = match &config.tokens {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| ServeError::new("TOKENS_INVALID", format!("{}: {e}", p.display())))?;
            Some(
                Tokens::parse(&text).map_err(|e| {
                    ServeError::new("TOKENS_INVALID", format!("{}: {e}", p.display()))
                })?,
            )
        }
        None => None,
    };
    let mut policy = idnsafe::ops::load_policy(&config.policy)
        .map_err(|e| ServeError::new("POLICY_INVALID", e.to_string()))?;
    let tier = policy.protected_tier();
    let mut checker = Checker::new();
    if let Some(p) = &config.protect {
        // Read once; the checker and the policy share the index's bytes.
        let index = idnsafe::ops::load_protected_at(p, Some(tier.level()))
            .map_err(|e| ServeError::new("PROTECT_INVALID", e.to_string()))?;
        checker = checker.with_tier(tier).with_protected(index.clone());
        policy.set_protected(index);
    }
    let policy_time = started.elapsed();
    let (writer, reader) =
        idnsafe::store::open(&config.state).map_err(|e| ServeError::new(e.code, e.message))?;
    let change =
        if config.accept_policy_change { PolicyChange::Accept } else { PolicyChange::Refuse };
    let registry = Registry::open(policy, writer, reader, change)
        .map_err(|e| ServeError::new(&e.code, e.message))?;
    let state_time = started.elapsed().saturating_sub(policy_time);
    Ok(api::App::new(Arc::new(registry), checker, tokens, config.limits, policy_time, state_time))
}

/// Runs the service until interrupted (SIGINT or SIGTERM); `on_listening`
/// is told the address once it accepts connections.
pub fn run(
    config: &ServeConfig,
    on_listening: impl FnOnce(SocketAddr, &api::App),
) -> Result<(), ServeError> {
    let app = prepare(config)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("idnsafe-serve")
        .build()
        .map_err(|e| ServeError::new("SERVE_START", e.to_string()))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(|e| {
            ServeError::new("SERVE_LISTEN", format!("cannot listen on {}: {e}", config.listen))
        })?;
        let addr =
            listener.local_addr().map_err(|e| ServeError::new("SERVE_LISTEN", e.to_string()))?;
        on_listening(addr, &app);
        api::serve(listener, app).await;
        Ok(())
    })
}

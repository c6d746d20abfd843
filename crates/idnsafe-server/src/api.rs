//! The HTTP API: routes, their request bodies, and the connection loop.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{FutureExt, StreamExt};
use idnsafe::Checker;
use idnsafe::idna::MAX_INPUT_BYTES;
use idnsafe::policy::{Decision, Request as ScreenRequest};
use idnsafe::registry::{Actor, RegisterOutcome, Registry, RegistryError, ReviewOutcome};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::{Semaphore, oneshot};

use crate::Limits;
use crate::auth::{Role, Tokens};
use crate::lines::{Line, Splitter};
use crate::metrics::Metrics;

/// The OpenAPI description served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Lines screened or checked together in a batch.
const BATCH_LINES: usize = 4096;
/// Most lookalikes one `generate` request may ask for.
const MAX_GENERATE: usize = 100_000;
/// Most variant labels one `variants` request may ask for.
const MAX_VARIANTS: u64 = 100_000;
/// Most rows one listing returns.
const MAX_LIST: usize = 10_000;

/// Everything a request needs, shared by all of them.
pub struct Inner {
    /// The live registry.
    pub registry: Arc<Registry>,
    pub(crate) checker: Checker,
    pub(crate) tokens: Option<Tokens>,
    pub(crate) ui: crate::ui::Ui,
    limits: Limits,
    busy: Arc<Semaphore>,
    metrics: Metrics,
    policy_time: Duration,
    state_time: Duration,
}

/// The service, ready to serve.
#[derive(Clone)]
pub struct App(pub Arc<Inner>);

impl App {
    /// The service on a loaded registry.
    pub fn new(
        registry: Arc<Registry>,
        checker: Checker,
        tokens: Option<Tokens>,
        limits: Limits,
        policy_time: Duration,
        state_time: Duration,
    ) -> App {
        // The review page shows the policy as it was when the service
        // started (the file may change on disk; the running policy does not).
        let toml = std::fs::read_to_string(registry.policy().path()).unwrap_or_default();
        App(Arc::new(Inner {
            ui: crate::ui::Ui::new(toml),
            registry,
            checker,
            busy: Arc::new(Semaphore::new(limits.max_in_flight)),
            tokens,
            limits,
            metrics: Metrics::default(),
            policy_time,
            state_time,
        }))
    }

    /// True when every client has every role (no tokens).
    pub fn open_to_all(&self) -> bool {
        self.0.tokens.is_none()
    }

    /// How long loading the policy (with its tables and protected names)
    /// and then the state took.
    pub fn load_times(&self) -> (Duration, Duration) {
        (self.0.policy_time, self.0.state_time)
    }

    /// The routes.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/check", post(check))
            .route("/v1/screen", post(screen))
            .route("/v1/variants", post(variants))
            .route("/v1/confusable", post(confusable))
            .route("/v1/generate", post(generate))
            .route("/v1/registrations", post(register))
            .route("/v1/registrations/{name}", get(registration).delete(release))
            .route("/v1/reviews", get(reviews))
            .route("/v1/reviews/{id}", post(review))
            .route("/v1/log", get(log))
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            .route("/openapi.json", get(openapi))
            .route("/v1/explore", get(explore))
            .merge(crate::ui::router())
            .route_layer(axum::middleware::from_fn_with_state(self.0.clone(), guard))
            .layer(crate::ui::upload_limit(self.0.limits.max_batch_body))
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed)
            .with_state(self.0.clone())
    }
}

type Shared = State<Arc<Inner>>;

/// An error answer: a status and `{"code", "message"}`.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, code: code.to_owned(), message: message.into() }
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        let status = match e.code.as_str() {
            "NOT_REGISTERED" | "APPLICATION_NOT_FOUND" => StatusCode::NOT_FOUND,
            "APPLICATION_DECIDED" => StatusCode::CONFLICT,
            "REGISTRY_CLOSED" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError { status, code: e.code, message: e.message }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": self.code, "message": self.message});
        let mut r = (self.status, json_body(&body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        r
    }
}

fn json_body(v: &impl serde::Serialize) -> Response {
    let bytes = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn json(status: StatusCode, v: &impl serde::Serialize) -> Response {
    let mut r = json_body(v);
    *r.status_mut() = status;
    r
}

/// Concurrency limit, per-request time limit, panics kept from clients,
/// and metrics, around every matched route.
async fn guard(State(app): Shared, req: Request, next: Next) -> Response {
    // A cheap clone (the path is shared), not a new string per request.
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);
    let start = Instant::now();
    let Ok(permit) = Arc::clone(&app.busy).try_acquire_owned() else {
        let r = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVER_BUSY",
            "The service is handling as many requests as it may; retry shortly.",
        )
        .into_response();
        app.metrics.request(route, r.status().as_u16(), start.elapsed());
        return r;
    };
    let streaming = is_ndjson(req.headers());
    let run = AssertUnwindSafe(next.run(req)).catch_unwind();
    let result = if streaming {
        Ok(run.await)
    } else {
        tokio::time::timeout(app.limits.request_timeout, run).await
    };
    drop(permit);
    let r = match result {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "The service failed on this request; it has been logged.",
        )
        .into_response(),
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "REQUEST_TIMEOUT",
            format!("The request took longer than {:?}.", app.limits.request_timeout),
        )
        .into_response(),
    };
    app.metrics.request(route, r.status().as_u16(), start.elapsed());
    r
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "No such route; see /openapi.json.")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "This route does not take that method; see /openapi.json.",
    )
}

fn is_ndjson(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim() == "application/x-ndjson"))
}

impl Inner {
    /// Who is asking, if they may do what `role` allows.
    fn authorize(&self, h: &HeaderMap, role: Role) -> Result<String, ApiError> {
        let Some(tokens) = &self.tokens else { return Ok("local".to_owned()) };
        let Some(auth) = h.get(header::AUTHORIZATION) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "TOKEN_MISSING",
                "Send a bearer token: Authorization: Bearer <token>.",
            ));
        };
        let token = auth.to_str().ok().and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("");
        let Some((name, roles)) = tokens.find(token.trim()) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "TOKEN_INVALID",
                "The bearer token is not one of this service's.",
            ));
        };
        if !roles.contains(&role) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "ROLE_MISSING",
                format!("This token may not do this: it needs the {} role.", role.as_str()),
            ));
        }
        Ok(name.to_owned())
    }
}

/// Reads a whole body of at most `limit` bytes.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BODY_TOO_LARGE",
            format!("The request body is larger than {limit} bytes."),
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "BODY_READ_FAILED",
            format!("The request body could not be read: {e}"),
        )),
    }
}

/// Parses a JSON object body into `T` (unknown fields refused).
async fn parse<T: DeserializeOwned>(app: &Inner, body: Body) -> Result<T, ApiError> {
    let bytes = read_body(body, app.limits.max_body).await?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "BAD_UTF8",
            "The request body is not valid UTF-8.",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        let msg = e.to_string();
        let code = if msg.starts_with("unknown field") {
            "UNKNOWN_FIELD"
        } else if msg.starts_with("missing field") {
            "MISSING_FIELD"
        } else {
            "BAD_JSON"
        };
        ApiError::new(
            StatusCode::BAD_REQUEST,
            code,
            format!("The request body is not accepted: {msg}."),
        )
    })
}

fn too_long(field: &str, s: &str) -> Result<(), ApiError> {
    if s.len() > MAX_INPUT_BYTES {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "FIELD_TOO_LONG",
            format!("'{field}' is longer than {MAX_INPUT_BYTES} bytes."),
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameBody {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenBody {
    name: String,
    registrant: Option<String>,
    language: Option<String>,
    #[serde(default)]
    no_bundle: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchQuery {
    registrant: Option<String>,
    language: Option<String>,
    #[serde(default)]
    no_bundle: bool,
}

async fn check(State(app): Shared, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    if is_ndjson(&headers) {
        return batch(app, body, Kind::Check);
    }
    let b: NameBody = parse(&app, body).await?;
    // A name longer than the limit gets the engine's record, as on the CLI.
    let r = if b.name.len() > MAX_INPUT_BYTES {
        app.checker
            .line_too_long(b.name.as_bytes().get(..=MAX_INPUT_BYTES).unwrap_or(&[]), b.name.len())
    } else {
        app.checker.check_line(b.name.as_bytes())
    };
    Ok(json(StatusCode::OK, &r))
}

fn count_decisions(app: &Inner, ds: &[Decision]) {
    app.metrics.decisions(
        ds.iter()
            .map(|d| (d.decision.as_str(), d.reasons.iter().map(|r| r.code.as_str()).collect())),
    );
}

async fn screen(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<BatchQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    if is_ndjson(&headers) {
        return batch(app, body, Kind::Screen(q));
    }
    let b: ScreenBody = parse(&app, body).await?;
    too_long("name", &b.name)?;
    let req = ScreenRequest {
        registrant: b.registrant.as_deref(),
        language: b.language.as_deref(),
        without_bundle: b.no_bundle,
    };
    let d = app.registry.screen(&b.name, req);
    count_decisions(&app, std::slice::from_ref(&d));
    Ok(json(StatusCode::OK, &d))
}

enum Kind {
    Check,
    Screen(BatchQuery),
}

/// One JSON line per input line, in order.
fn render(app: &Inner, kind: &Kind, lines: &[Line]) -> Vec<u8> {
    let records: Vec<Vec<u8>> = match kind {
        Kind::Check => lines
            .par_iter()
            .map(|l| {
                let r = if l.total_len > MAX_INPUT_BYTES {
                    app.checker.line_too_long(&l.bytes, l.total_len)
                } else {
                    app.checker.check_line(&l.bytes)
                };
                serde_json::to_vec(&r).unwrap_or_default()
            })
            .collect(),
        Kind::Screen(q) => {
            let req = ScreenRequest {
                registrant: q.registrant.as_deref(),
                language: q.language.as_deref(),
                without_bundle: q.no_bundle,
            };
            let policy = app.registry.policy();
            // Decided and written out in parallel; only the verdict and the
            // reason codes come back for the metrics.
            let done: Vec<(Vec<u8>, &'static str, Vec<String>)> = app.registry.with_state(|s| {
                lines
                    .par_iter()
                    .map(|l| {
                        let d = policy.screen(s, &String::from_utf8_lossy(&l.bytes), req);
                        let codes = d.reasons.iter().map(|r| r.code.clone()).collect();
                        (serde_json::to_vec(&d).unwrap_or_default(), d.decision.as_str(), codes)
                    })
                    .collect()
            });
            app.metrics.decisions(
                done.iter().map(|(_, v, codes)| (*v, codes.iter().map(String::as_str).collect())),
            );
            done.into_iter().map(|(json, _, _)| json).collect()
        }
    };
    let mut out = Vec::with_capacity(records.iter().map(|r| r.len() + 1).sum());
    for r in records {
        out.extend_from_slice(&r);
        out.push(b'\n');
    }
    out
}

fn error_line(code: &str, message: &str) -> Bytes {
    let mut v = serde_json::to_vec(&serde_json::json!({"code": code, "message": message}))
        .unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

/// An NDJSON batch: lines read as they arrive, decided a batch at a time
/// on the blocking pool, written as they are decided.
fn batch(app: Arc<Inner>, body: Body, kind: Kind) -> Result<Response, ApiError> {
    // The stream outlives the handler (and the permit the guard holds for
    // it): it takes a place of its own among the requests in flight.
    let Ok(permit) = Arc::clone(&app.busy).try_acquire_owned() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVER_BUSY",
            "The service is handling as many requests as it may; retry shortly.",
        ));
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let kind = Arc::new(kind);
    tokio::spawn(async move {
        let _permit = permit;
        let mut stream = body.into_data_stream();
        let mut split = Splitter::new(MAX_INPUT_BYTES);
        let mut lines: Vec<Line> = Vec::new();
        let mut received = 0usize;
        let mut failure = None;
        loop {
            let chunk = match tokio::time::timeout(app.limits.idle_timeout, stream.next()).await {
                Ok(Some(Ok(c))) => c,
                Ok(None) => break,
                Ok(Some(Err(e))) => {
                    failure = Some(error_line(
                        "BODY_READ_FAILED",
                        &format!("The request body could not be read further: {e}"),
                    ));
                    break;
                }
                Err(_) => {
                    failure = Some(error_line(
                        "CLIENT_TOO_SLOW",
                        &format!("No data for {:?}; the batch ends here.", app.limits.idle_timeout),
                    ));
                    break;
                }
            };
            received += chunk.len();
            if received > app.limits.max_batch_body {
                failure = Some(error_line(
                    "BODY_TOO_LARGE",
                    &format!(
                        "The batch is larger than {} bytes; lines after this record were not read.",
                        app.limits.max_batch_body
                    ),
                ));
                break;
            }
            split.push(&chunk, &mut lines);
            if lines.len() >= BATCH_LINES {
                let todo = std::mem::take(&mut lines);
                if !send_rendered(&app, &kind, todo, &tx).await {
                    return;
                }
            }
        }
        if failure.is_none() {
            lines.extend(split.finish());
        }
        if !lines.is_empty() && !send_rendered(&app, &kind, lines, &tx).await {
            return;
        }
        if let Some(f) = failure {
            let _ = tx.send(Ok(f)).await;
        }
    });
    let stream =
        futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|item| (item, rx)) },
        );
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
    Ok(r)
}

async fn send_rendered(
    app: &Arc<Inner>,
    kind: &Arc<Kind>,
    lines: Vec<Line>,
    tx: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> bool {
    let (a, k) = (Arc::clone(app), Arc::clone(kind));
    let out = match tokio::task::spawn_blocking(move || render(&a, &k, &lines)).await {
        Ok(o) => Bytes::from(o),
        Err(_) => error_line("INTERNAL", "The service failed on this batch."),
    };
    tx.send(Ok(out)).await.is_ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantsBody {
    label: String,
    language: Option<String>,
    max: Option<u64>,
    #[serde(default)]
    allocatable_only: bool,
    #[serde(default)]
    include_invalid: bool,
}

async fn variants(
    State(app): Shared,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    let b: VariantsBody = parse(&app, body).await?;
    too_long("label", &b.label)?;
    let r = tokio::task::spawn_blocking(move || {
        let policy = app.registry.policy();
        let label = b.label.strip_suffix('.').unwrap_or(&b.label);
        let ulabel = idnsafe::idna::to_ulabel(label).unwrap_or_else(|| label.to_owned());
        let Some((table, lgr)) = policy.table_for(&ulabel, b.language.as_deref()) else {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "NO_IDN_TABLE",
                format!("No IDN table of this registry's policy accepts '{}'.", b.label),
            ));
        };
        let opts = idnsafe::lgr::VariantOptions {
            limit: b.max.unwrap_or(10_000).min(MAX_VARIANTS),
            allocatable_only: b.allocatable_only,
        };
        let mut v = idnsafe::ops::lgr_variants(lgr, &b.label, opts, b.include_invalid);
        if let Some(o) = v.as_object_mut() {
            o.insert("table".into(), table.into());
        }
        Ok(v)
    })
    .await
    .map_err(|_| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "variants failed")
    })??;
    Ok(json(StatusCode::OK, &r))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfusableBody {
    a: String,
    b: String,
    tier: Option<String>,
    level: Option<String>,
}

async fn confusable(
    State(app): Shared,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    let b: ConfusableBody = parse(&app, body).await?;
    let bad = |e: idnsafe::ops::Error| {
        ApiError::new(StatusCode::BAD_REQUEST, "BAD_ARGUMENT", e.message().to_owned())
    };
    let (shown, tier) =
        idnsafe::ops::level_and_tier(b.tier.as_deref().unwrap_or("lookalike"), b.level.as_deref())
            .map_err(bad)?;
    let level = b.level.as_ref().map(|_| shown);
    let c = idnsafe::ops::compare(&b.a, &b.b, tier, level).map_err(bad)?;
    let v = serde_json::to_value(&c).unwrap_or_default();
    Ok(json(StatusCode::OK, &v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerateBody {
    target: String,
    max: Option<usize>,
    #[serde(default)]
    registrable_only: bool,
    tier: Option<String>,
    level: Option<String>,
}

async fn generate(
    State(app): Shared,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    let b: GenerateBody = parse(&app, body).await?;
    too_long("target", &b.target)?;
    let bad = |e: idnsafe::ops::Error| {
        ApiError::new(StatusCode::BAD_REQUEST, "BAD_ARGUMENT", e.message().to_owned())
    };
    let (shown, tier) =
        idnsafe::ops::level_and_tier(b.tier.as_deref().unwrap_or("lookalike"), b.level.as_deref())
            .map_err(bad)?;
    let level = if b.level.is_some() { shown } else { tier.level() };
    if idnsafe::generate::target_parts(&b.target).is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "GENERATE_TARGET_INVALID",
            format!(
                "'{}' has no label to vary: it is empty, too long, has an empty or invalid label, or is itself a public suffix.",
                b.target
            ),
        ));
    }
    let out = tokio::task::spawn_blocking(move || {
        let opts = idnsafe::generate::GenerateOptions {
            level,
            max: b.max.unwrap_or(100).min(MAX_GENERATE),
            policy: Some(app.registry.policy()),
            registrable_only: b.registrable_only,
        };
        let mut out = Vec::new();
        idnsafe::generate::generate(&b.target, &opts, |l| {
            if serde_json::to_writer(&mut out, l).is_ok() {
                out.push(b'\n');
            }
        });
        out
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "generate failed"))?;
    let mut r = Response::new(Body::from(out));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
    Ok(r)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterBody {
    name: String,
    registrant: String,
    language: Option<String>,
}

/// Waits for the writer's answer.
pub(crate) async fn answer<T: Send + 'static>(
    ask: impl FnOnce(idnsafe::registry::Reply<T>),
) -> Result<T, ApiError> {
    let (tx, rx) = oneshot::channel();
    ask(Box::new(move |r| {
        let _ = tx.send(r);
    }));
    match rx.await {
        Ok(r) => Ok(r?),
        Err(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "REGISTRY_CLOSED",
            "The registry is shutting down.",
        )),
    }
}

async fn register(
    State(app): Shared,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = app.authorize(&headers, Role::Register)?;
    let b: RegisterBody = parse(&app, body).await?;
    too_long("name", &b.name)?;
    too_long("registrant", &b.registrant)?;
    let reg = Arc::clone(&app.registry);
    let o = answer(|reply| {
        reg.register_with(b.name, Some(b.registrant), b.language, Actor(actor), reply);
    })
    .await?;
    Ok(match o {
        RegisterOutcome::Registered { registration, decision } => {
            count_decisions(&app, std::slice::from_ref(&decision));
            json(
                StatusCode::CREATED,
                &serde_json::json!({"registration": registration, "decision": decision}),
            )
        }
        RegisterOutcome::Blocked { decision } => {
            count_decisions(&app, std::slice::from_ref(&decision));
            let codes: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
            json(
                StatusCode::CONFLICT,
                &serde_json::json!({
                    "code": "REGISTRATION_BLOCKED",
                    "message": format!("'{}' cannot be registered: {}.", decision.input, codes.join(", ")),
                    "decision": decision,
                }),
            )
        }
        RegisterOutcome::Pending { application, decision } => {
            count_decisions(&app, std::slice::from_ref(&decision));
            json(
                StatusCode::ACCEPTED,
                &serde_json::json!({"application": application, "status": "pending", "decision": decision}),
            )
        }
    })
}

async fn registration(
    State(app): Shared,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    too_long("name", &name)?;
    match app.registry.registration(&name)? {
        Some(r) => Ok(json(StatusCode::OK, &r)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_REGISTERED",
            format!("'{name}' is not registered."),
        )),
    }
}

async fn release(
    State(app): Shared,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let actor = app.authorize(&headers, Role::Register)?;
    too_long("name", &name)?;
    let reg = Arc::clone(&app.registry);
    let released = answer(|reply| reg.release_with(name, Actor(actor), reply)).await?;
    Ok(json(StatusCode::OK, &serde_json::json!({"released": released})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[serde(default)]
    all: bool,
    limit: Option<usize>,
    name: Option<String>,
}

async fn reviews(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Review)?;
    let apps = app.registry.applications(!q.all, q.limit.unwrap_or(1000).min(MAX_LIST))?;
    let apps: Vec<serde_json::Value> = apps
        .into_iter()
        .map(|a| {
            let mut v = serde_json::to_value(&a).unwrap_or_default();
            // Reasons are stored as JSON text: shown as JSON.
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "reasons".into(),
                    serde_json::from_str(&a.reasons).unwrap_or(serde_json::Value::Null),
                );
            }
            v
        })
        .collect();
    Ok(json(StatusCode::OK, &serde_json::json!({"applications": apps})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
enum Verdict {
    Approve,
    Reject,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    decision: Verdict,
    reviewer: Option<String>,
    comment: Option<String>,
}

async fn review(
    State(app): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = app.authorize(&headers, Role::Review)?;
    let Ok(id) = id.parse::<i64>() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "APPLICATION_NOT_FOUND",
            format!("There is no application {id:?}."),
        ));
    };
    let b: ReviewBody = parse(&app, body).await?;
    let reviewer = b.reviewer.unwrap_or(actor);
    too_long("reviewer", &reviewer)?;
    let approve = matches!(b.decision, Verdict::Approve);
    let reg = Arc::clone(&app.registry);
    let o = answer(|reply| reg.decide_with(id, approve, reviewer, b.comment, reply)).await?;
    Ok(match o {
        ReviewOutcome::Blocked { decision } => json(
            StatusCode::CONFLICT,
            &serde_json::json!({
                "code": "REGISTRATION_BLOCKED",
                "message": format!("'{}' can no longer be registered; the application stays pending.", decision.input),
                "decision": decision,
            }),
        ),
        o => json(StatusCode::OK, &o),
    })
}

async fn log(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    let entries = app.registry.log(q.name.as_deref(), q.limit.unwrap_or(100).min(MAX_LIST))?;
    let entries: Vec<serde_json::Value> = entries
        .into_iter()
        .map(|e| {
            let mut v = serde_json::to_value(&e).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                for (k, text) in
                    [("reasons", e.reasons.as_deref()), ("versions", Some(&e.versions[..]))]
                {
                    if let Some(t) = text {
                        o.insert(
                            k.into(),
                            serde_json::from_str(t).unwrap_or(serde_json::Value::Null),
                        );
                    }
                }
            }
            v
        })
        .collect();
    Ok(json(StatusCode::OK, &serde_json::json!({"entries": entries})))
}

async fn explore(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<NameQuery>,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Role::Read)?;
    too_long("name", &q.name)?;
    let a = Arc::clone(&app);
    let e = tokio::task::spawn_blocking(move || {
        idnsafe::explore::explore(&a.checker, &a.registry, &q.name)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "explore failed"))?;
    Ok(json(StatusCode::OK, &e))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameQuery {
    name: String,
}

async fn healthz() -> Response {
    json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
}

async fn readyz(State(app): Shared) -> Response {
    let meta = app.registry.meta();
    json(
        StatusCode::OK,
        &serde_json::json!({
            "ready": true,
            "registrations": app.registry.len(),
            "policy": meta.policy,
            "policy_digest": meta.policy_digest,
            "policy_load_ms": app.policy_time.as_millis(),
            "state_load_ms": app.state_time.as_millis(),
        }),
    )
}

async fn metrics(State(app): Shared) -> Response {
    let (names, bytes) = app.registry.with_state(|s| (s.len(), s.heap_bytes()));
    let text = app.metrics.render(&[
        ("idnsafe_registrations", "Names registered.", names as f64),
        ("idnsafe_state_heap_bytes", "Bytes of the in-memory registry state.", bytes as f64),
        (
            "idnsafe_requests_in_flight",
            "Requests being handled.",
            (app.limits.max_in_flight - app.busy.available_permits()) as f64,
        ),
    ]);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// Accepts connections until SIGINT or SIGTERM, then lets the writer
/// finish what it has queued.
pub async fn serve(listener: tokio::net::TcpListener, app: App) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let router = app.router();
    let idle = app.0.limits.idle_timeout;
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors, say: wait rather than spin.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let svc = TowerToHyperService::new(router.clone());
                tokio::spawn(async move {
                    let mut b = hyper::server::conn::http1::Builder::new();
                    b.timer(TokioTimer::new()).header_read_timeout(idle).keep_alive(true);
                    let _ = b.serve_connection(TokioIo::new(stream), svc).await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    let reg = Arc::clone(&app.0.registry);
    let _ = tokio::task::spawn_blocking(move || reg.close()).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

//! The review page: server-rendered HTML for registry staff, served at `/`
//! by the same process, over the same registry and checker as the API (no
//! second backend). Pages:
//! - `/` and `/names/{name}`: the name explorer (decision and reasons,
//!   code points by script, IDNA2008 property, confusable key, names it
//!   resembles with the differing characters highlighted, the bundle);
//! - `/reviews`: pending applications, oldest first, each with the explorer
//!   view inline, to approve or reject;
//! - `/registrations/{name}`: holder, bundle, log entries, release;
//! - `/audit`: upload the JSON Lines of `idnsafe audit --json` (read as it
//!   streams in) and browse the findings by kind;
//! - `/policy`: the running policy, its versions and its IDN tables.
//!
//! Security: every response carries a Content-Security-Policy allowing only
//! this server's own scripts and styles (`/assets/*`, embedded in the
//! binary; no inline script or style, no external fonts). With `--tokens`
//! staff log in with their API token and get a session cookie (`HttpOnly`,
//! `SameSite=Strict`, `Secure` when the request came through a TLS proxy
//! that says so with `X-Forwarded-Proto: https`); without tokens (loopback
//! only) every visitor has every role, as on the API. Every form carries a
//! per-session CSRF token. All text is escaped by the template engine
//! (maud), and every name sits in a `<bdi>` so a right-to-left label cannot
//! reorder the page around it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use idnsafe::audit::{FindingsReport, REPORT_MAX_LINE};
use idnsafe::explore::{Exploration, Resemblance};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::api::Inner;
use crate::auth::Role;

/// Name of the session cookie.
const COOKIE: &str = "idnsafe_session";
/// Most logged-in sessions held; the least recently used goes first
/// beyond it.
const MAX_SESSIONS: usize = 10_000;
/// A session unused this long is forgotten.
const SESSION_IDLE: Duration = Duration::from_secs(12 * 3600);
/// Applications shown on the review page, each with its explorer view.
const REVIEW_PAGE: usize = 50;
/// Pending applications counted on the review page (the API's listing limit).
const MAX_PENDING_LISTED: usize = 10_000;
/// Findings shown on one page of the audit browser.
const FINDINGS_PAGE: usize = 100;
/// Log entries shown with a registration.
const LOG_ENTRIES: usize = 200;

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");

/// The page's security headers: only our own scripts and styles, no
/// framing, no referrer, no type sniffing.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What a visit may do: who, with which roles, and the CSRF token its
/// forms carry.
#[derive(Clone)]
struct Session {
    actor: String,
    roles: Vec<Role>,
    csrf: String,
}

/// A logged-in session, kept on the server.
struct Login {
    actor: String,
    roles: Vec<Role>,
    last: Instant,
}

/// Most audit reports held (one per visitor who uploaded one); the oldest
/// goes first beyond it.
const MAX_REPORTS: usize = 16;

/// The review page's own state: logged-in sessions, uploaded audit
/// reports, the CSRF key and the policy text. Anonymous visitors keep
/// nothing here: their CSRF token is derived from their cookie, so a flood
/// of cookie-less requests costs no memory.
pub struct Ui {
    logins: Mutex<HashMap<String, Login>>,
    reports: Mutex<HashMap<String, (Instant, Arc<FindingsReport>)>>,
    key: [u8; 32],
    policy_toml: String,
}

impl Ui {
    /// The page for a policy whose TOML text is `policy_toml`.
    pub fn new(policy_toml: String) -> Ui {
        let mut key = [0u8; 32];
        // Without randomness every CSRF check fails (see `csrf_ok`) rather
        // than accept a guessable token.
        let _ = getrandom::getrandom(&mut key);
        Ui {
            logins: Mutex::new(HashMap::new()),
            reports: Mutex::new(HashMap::new()),
            key,
            policy_toml,
        }
    }

    /// The CSRF token of session `id`: HMAC-SHA256 of the id under the
    /// process's random key, in hex.
    fn csrf(&self, id: &str) -> String {
        use sha2::{Digest, Sha256};
        if id.is_empty() || self.key == [0u8; 32] {
            return String::new();
        }
        let mut ipad = [0x36u8; 64];
        let mut opad = [0x5cu8; 64];
        for (i, k) in self.key.iter().enumerate() {
            if let (Some(a), Some(b)) = (ipad.get_mut(i), opad.get_mut(i)) {
                *a ^= k;
                *b ^= k;
            }
        }
        let inner = Sha256::new().chain_update(ipad).chain_update(id.as_bytes()).finalize();
        let mac = Sha256::new().chain_update(opad).chain_update(inner).finalize();
        mac.iter().map(|x| format!("{x:02x}")).collect()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn random_hex() -> String {
    let mut b = [0u8; 32];
    // Without randomness there is no safe session; an empty id is refused
    // by every lookup.
    if getrandom::getrandom(&mut b).is_err() {
        return String::new();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn cookie_id(h: &HeaderMap) -> Option<String> {
    h.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.split(';').find_map(|kv| {
            let (k, val) = kv.trim().split_once('=')?;
            // Our ids are 64 hex digits; anything else is not ours.
            (k == COOKIE && val.len() == 64 && val.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| val.to_owned())
        })
    })
}

const ALL_ROLES: [Role; 3] = [Role::Read, Role::Register, Role::Review];

/// A request's session (a new id when it has none), and the cookie to set.
struct Visit {
    id: String,
    s: Session,
    set_cookie: Option<String>,
    secure: bool,
}

impl Inner {
    fn visit(&self, h: &HeaderMap) -> Visit {
        let secure = h
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
        let (id, set_cookie) = match cookie_id(h) {
            Some(id) => (id, None),
            None => {
                let id = random_hex();
                (id.clone(), Some(id))
            }
        };
        let now = Instant::now();
        let login = {
            let mut map = lock(&self.ui.logins);
            match map.get_mut(&id) {
                Some(l) if now.duration_since(l.last) < SESSION_IDLE => {
                    l.last = now;
                    Some((l.actor.clone(), l.roles.clone()))
                }
                Some(_) => {
                    map.remove(&id);
                    None
                }
                None => None,
            }
        };
        let (actor, roles) = login.unwrap_or_else(|| {
            if self.open_to_all() {
                ("local".to_owned(), ALL_ROLES.to_vec())
            } else {
                (String::new(), Vec::new())
            }
        });
        let s = Session { actor, roles, csrf: self.ui.csrf(&id) };
        Visit { id, s, set_cookie, secure }
    }

    fn open_to_all(&self) -> bool {
        self.tokens.is_none()
    }

    /// The visit of a form sent by POST: its CSRF token must be this
    /// session's, and, when `role` is given, the session must have it.
    /// Otherwise the page that says why.
    fn form_visit(
        &self,
        h: &HeaderMap,
        csrf: &str,
        role: Option<Role>,
    ) -> Result<Visit, Box<Response>> {
        let v = self.visit(h);
        if !v.csrf_ok(csrf) {
            return Err(Box::new(v.bad_csrf()));
        }
        match role {
            Some(r) if !v.may(r) => Err(Box::new(v.refuse(r))),
            _ => Ok(v),
        }
    }

    /// The audit report this visitor uploaded, if the server still keeps it
    /// (read by the audit pages only, not on every visit).
    fn report(&self, id: &str) -> Option<Arc<FindingsReport>> {
        lock(&self.ui.reports).get(id).map(|(_, r)| Arc::clone(r))
    }

    fn keep_report(&self, id: &str, r: Arc<FindingsReport>) {
        let mut map = lock(&self.ui.reports);
        if map.len() >= MAX_REPORTS
            && !map.contains_key(id)
            && let Some(oldest) = map.iter().min_by_key(|(_, v)| v.0).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(id.to_owned(), (Instant::now(), r));
    }
}

/// Stores a login, forgetting idle ones and then the least recently used
/// beyond [`MAX_SESSIONS`].
fn insert_login(map: &mut HashMap<String, Login>, id: String, l: Login) {
    if id.is_empty() {
        return;
    }
    if map.len() >= MAX_SESSIONS {
        let now = Instant::now();
        map.retain(|_, v| now.duration_since(v.last) < SESSION_IDLE);
        if map.len() >= MAX_SESSIONS
            && let Some(oldest) = map.iter().min_by_key(|(_, v)| v.last).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
    }
    map.insert(id, l);
}

impl Visit {
    fn may(&self, role: Role) -> bool {
        self.s.roles.contains(&role)
    }

    fn respond(&self, status: StatusCode, body: Markup) -> Response {
        let mut r = (status, body.into_string()).into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        security_headers(h);
        if let Some(id) = &self.set_cookie {
            let secure = if self.secure { "; Secure" } else { "" };
            let c = format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{secure}");
            if let Ok(v) = HeaderValue::from_str(&c) {
                h.insert(header::SET_COOKIE, v);
            }
        }
        r
    }

    fn redirect(&self, to: &str) -> Response {
        let mut r = self.respond(StatusCode::SEE_OTHER, html! {});
        if let Ok(v) = HeaderValue::from_str(to) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        r
    }

    /// The page for a visitor without `role`: the login form (with tokens)
    /// or a refusal.
    fn refuse(&self, role: Role) -> Response {
        let logged_in = !self.s.roles.is_empty();
        let body = html! {
            h1 { "Not allowed" }
            @if logged_in {
                p { "You are logged in as " (self.s.actor) ", without the " strong { (role.as_str()) } " role this page needs." }
            } @else {
                p { "Log in with a token that has the " strong { (role.as_str()) } " role." }
                (login_form(self))
            }
        };
        let status = if logged_in { StatusCode::FORBIDDEN } else { StatusCode::UNAUTHORIZED };
        self.respond(status, page("Not allowed", self, body))
    }

    fn csrf_ok(&self, given: &str) -> bool {
        !self.s.csrf.is_empty() && same(&self.s.csrf, given)
    }

    fn bad_csrf(&self) -> Response {
        let body = html! {
            h1 { "Form expired" }
            p { "The form was not sent from this session (its CSRF token does not match). Go back, reload the page and send it again." }
        };
        self.respond(StatusCode::FORBIDDEN, page("Form expired", self, body))
    }
}

fn security_headers(h: &mut HeaderMap) {
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

type Shared = State<Arc<Inner>>;

static NULL: serde_json::Value = serde_json::Value::Null;

/// A JSON object's field, or null: the engine's records read without
/// indexing that could panic.
trait Field {
    fn f(&self, key: &str) -> &serde_json::Value;
}

impl Field for serde_json::Value {
    fn f(&self, key: &str) -> &serde_json::Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// The review page's routes.
pub fn router() -> Router<Arc<Inner>> {
    Router::new()
        .route("/", get(home))
        .route("/names", get(names_search))
        .route("/names/{name}", get(name_page))
        .route("/reviews", get(reviews_page))
        .route("/reviews/{id}", post(review_post))
        .route("/registrations/{name}", get(registration_page))
        .route("/registrations/{name}/release", post(release_post))
        .route("/audit", get(audit_page).post(audit_upload))
        .route("/audit/findings", get(findings_page))
        .route("/policy", get(policy_page))
        .route("/login", get(login_page).post(login_post))
        .route("/logout", post(logout_post))
        .route("/assets/app.css", get(|| async { asset("text/css; charset=utf-8", CSS) }))
        .route("/assets/app.js", get(|| async { asset("text/javascript; charset=utf-8", JS) }))
}

/// Bodies the audit upload may send (the batch limit).
pub fn upload_limit(max: usize) -> DefaultBodyLimit {
    DefaultBodyLimit::max(max)
}

fn asset(kind: &'static str, text: &'static str) -> Response {
    let mut r = text.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    security_headers(h);
    // Assets change only with the binary.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=3600"));
    r
}

// ------------------------------------------------------------------ layout

fn page(title: &str, v: &Visit, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · idnsafe" }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    nav aria-label="Main" {
                        a.brand href="/" { "idnsafe" }
                        a href="/reviews" { "Review queue" }
                        a href="/audit" { "Audit report" }
                        a href="/policy" { "Policy" }
                    }
                    div.who {
                        @if v.s.roles.is_empty() {
                            a href="/login" { "Log in" }
                        } @else {
                            span { "Signed in as " strong { (v.s.actor) } " · roles: " span.roles { (roles_text(&v.s.roles)) } }
                            @if !v.s.actor.is_empty() && v.s.actor != "local" {
                                form.inline method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(v.s.csrf);
                                    button type="submit" { "Log out" }
                                }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
            }
        }
    }
}

fn roles_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
}

/// A name or label as data: isolated from the text around it.
fn name(s: &str) -> Markup {
    html! { bdi.name dir="auto" { (s) } }
}

fn name_link(s: &str) -> Markup {
    html! { a href=(format!("/names/{}", path_escape(s))) { (name(s)) } }
}

/// Percent-encodes a path segment (everything but unreserved ASCII).
fn path_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A colour class per script: the common ones by name, the rest spread
/// over a few more.
fn script_class(sc: &str) -> String {
    match sc {
        "Latn" | "Cyrl" | "Grek" | "Arab" | "Hebr" | "Hani" | "Hira" | "Kana" | "Hang" | "Deva"
        | "Thai" | "Armn" | "Geor" | "Zyyy" | "Zinh" => format!("sc sc-{sc}"),
        _ => format!("sc sc-o{}", sc.bytes().map(u32::from).sum::<u32>() % 6),
    }
}

fn verdict_badge(d: &str) -> Markup {
    html! { span class=(format!("badge v-{d}")) { (d) } }
}

fn when(ms: i64) -> String {
    // Days since the epoch to a civil date (Howard Hinnant's algorithm).
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem / 60 % 60, rem % 60)
}

// ------------------------------------------------------------------ explorer

fn search_form(value: &str) -> Markup {
    html! {
        form.search method="get" action="/names" role="search" {
            label for="q" { "Name (U-label or A-label)" }
            input #q type="text" name="q" value=(value) autocomplete="off" spellcheck="false" required;
            button type="submit" { "Explore" }
        }
    }
}

fn reasons_list(reasons: &serde_json::Value) -> Markup {
    let empty = Vec::new();
    let list = reasons.as_array().unwrap_or(&empty);
    html! {
        @if list.is_empty() {
            p.muted { "No reasons: nothing in the policy stands against it." }
        } @else {
            ul.reasons {
                @for r in list {
                    li {
                        code { (r.f("code").as_str().unwrap_or("?")) }
                        " "
                        span { (r.f("message").as_str().unwrap_or("")) }
                        @if let Some(c) = r.f("conflicting").as_str() {
                            " (with " (name_link(c)) ")"
                        }
                    }
                }
            }
        }
    }
}

fn bundle_table(decision: &serde_json::Value) -> Markup {
    let empty = Vec::new();
    let b = decision.f("bundle").as_array().unwrap_or(&empty);
    html! {
        @if b.is_empty() {
            p.muted { "No variant labels." }
        } @else {
            table.bundle {
                caption { "Variant labels and their dispositions (" (b.len()) ")" }
                thead { tr { th scope="col" { "Label" } th scope="col" { "Disposition" } } }
                tbody {
                    @for e in b {
                        tr { td { (name(e.f("label").as_str().unwrap_or(""))) } td { (e.f("status").as_str().unwrap_or("")) } }
                    }
                }
            }
            @if decision.f("bundle_truncated").as_bool() == Some(true) {
                p.warn { "The bundle is longer than the policy's limit; only its first labels are shown." }
            }
        }
    }
}

/// The label with each differing position marked, and the other side the
/// same way when it has as many characters.
fn side_by_side(r: &Resemblance) -> Markup {
    let positions: Vec<usize> = r.differences.iter().map(|d| d.position).collect();
    let mine: Vec<char> = r.label.chars().collect();
    let other: Vec<char> = r.other_label.chars().collect();
    let aligned = mine.len() == other.len();
    let mark = |chars: &[char], on: bool| -> Markup {
        html! {
            bdi.name dir="ltr" {
                @for (i, c) in chars.iter().enumerate() {
                    @if on && positions.contains(&i) {
                        mark data-position=(i + 1) { (c) }
                    } @else {
                        (c)
                    }
                }
            }
        }
    };
    html! {
        div.pair {
            div { span.muted { "this name" } (mark(&mine, true)) }
            div { span.muted { (r.kind) } (mark(&other, aligned)) }
        }
    }
}

fn resemblances(list: &[Resemblance]) -> Markup {
    html! {
        @if list.is_empty() {
            p.muted { "It resembles no protected or registered name." }
        } @else {
            ul.resembles {
                @for r in list {
                    li {
                        div {
                            strong { (r.kind) } " name " (name_link(&r.name))
                            @if let Some(t) = &r.tier { " · tier " strong { (t) } }
                            @if let Some(c) = &r.code { " · " code { (c) } }
                        }
                        (side_by_side(r))
                        @if !r.differences.is_empty() {
                            ul.diffs {
                                @for d in &r.differences {
                                    li {
                                        "position " (d.position + 1) ": "
                                        (name(&d.label)) " (" (codes(&d.label)) ") for "
                                        (name(&d.other)) " (" (codes(&d.other)) ") · source "
                                        code { (d.source.name()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn codes(s: &str) -> String {
    s.chars().map(idnsafe::idna::u_plus).collect::<Vec<_>>().join(" ")
}

fn labels_section(e: &Exploration) -> Markup {
    let empty = Vec::new();
    let checks = e.check.f("labels").as_array().unwrap_or(&empty);
    html! {
        @for (i, l) in e.labels.iter().enumerate() {
            @let c = checks.get(i);
            section.label aria-label=(format!("Label {}", i + 1)) {
                h3 { "Label " (i + 1) ": " (name(&l.label)) }
                @if let Some(c) = c {
                    dl.facts {
                        dt { "A-label" } dd { code { (c.f("alabel").as_str().unwrap_or("—")) } }
                        dt { "Script" } dd { (c.f("label_script").as_str().unwrap_or("—")) }
                        dt { "Restriction level" } dd { (c.f("restriction_level").as_str().unwrap_or("—")) }
                        dt { "Confusable key" } dd { (name(c.f("skeleton").as_str().unwrap_or(""))) }
                    }
                    @let errs = c.f("errors").as_array().map(Vec::as_slice).unwrap_or(&[]);
                    @let warns = c.f("warnings").as_array().map(Vec::as_slice).unwrap_or(&[]);
                    @if !errs.is_empty() || !warns.is_empty() {
                        ul.reasons {
                            @for x in errs { li.err { code { (x.f("code").as_str().unwrap_or("?")) } " " (x.f("message").as_str().unwrap_or("")) } }
                            @for x in warns { li.warnl { code { (x.f("code").as_str().unwrap_or("?")) } " " (x.f("message").as_str().unwrap_or("")) } }
                        }
                    }
                }
                div.tablewrap {
                    table.cps {
                        caption { "Code points of label " (i + 1) }
                        thead { tr { th scope="col" { "#" } th scope="col" { "Char" } th scope="col" { "Code" } th scope="col" { "Name" } th scope="col" { "Script" } th scope="col" { "IDNA2008" } } }
                        tbody {
                            @for (k, cp) in l.code_points.iter().enumerate() {
                                tr class=(script_class(cp.script)) {
                                    td { (k + 1) }
                                    td.ch { (name(&cp.char)) }
                                    td { code { (cp.code) } }
                                    td { (cp.name) }
                                    td { span.script { (cp.script) } }
                                    td class=(if cp.idna == "PVALID" { "" } else { "bad" }) { (cp.idna) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The explorer's body for one name (also shown inline in the review queue).
fn exploration(e: &Exploration, registered: bool) -> Markup {
    let d = serde_json::to_value(&e.decision).unwrap_or_default();
    let verdict = d.f("decision").as_str().unwrap_or("?").to_owned();
    html! {
        section.decision aria-label="Decision" {
            h2 { "Decision: " (verdict_badge(&verdict)) }
            (reasons_list(d.f("reasons")))
            @if registered {
                p { "Registered: " a href=(format!("/registrations/{}", path_escape(&e.input))) { "see the registration" } }
            }
        }
        section aria-label="Resembles" {
            h2 { "Resembles" }
            (resemblances(&e.resembles))
        }
        section aria-label="Bundle" {
            h2 { "Bundle" }
            (bundle_table(&d))
        }
        section aria-label="Labels" {
            h2 { "Labels and code points" }
            @if e.labels.is_empty() { p.muted { "Too long to break down." } }
            (labels_section(e))
        }
    }
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

async fn home(State(app): Shared, h: HeaderMap) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Read) {
        return v.refuse(Role::Read);
    }
    let body = html! {
        h1 { "Name explorer" }
        (search_form(""))
        p { (app.registry.len()) " names registered under policy " code { (app.registry.meta().policy) } "." }
    };
    v.respond(StatusCode::OK, page("Name explorer", &v, body))
}

async fn names_search(State(app): Shared, h: HeaderMap, Query(q): Query<SearchQuery>) -> Response {
    let v = app.visit(&h);
    match q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) => v.redirect(&format!("/names/{}", path_escape(n))),
        None => v.redirect("/"),
    }
}

async fn name_page(State(app): Shared, h: HeaderMap, Path(n): Path<String>) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Read) {
        return v.refuse(Role::Read);
    }
    let a = Arc::clone(&app);
    let n2 = n.clone();
    let got = off_thread(&v, "This name", move || {
        let e = idnsafe::explore::explore(&a.checker, &a.registry, &n2);
        let registered = a.registry.registration(&n2)?.is_some();
        Ok((e, registered))
    })
    .await;
    let (e, registered) = match got {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let body = html! {
        h1 { "Name explorer: " (name(&n)) }
        (search_form(&n))
        (exploration(&e, registered))
    };
    v.respond(StatusCode::OK, page(&format!("Explore {n}"), &v, body))
}

// ------------------------------------------------------------------ reviews

async fn reviews_page(State(app): Shared, h: HeaderMap) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Review) {
        return v.refuse(Role::Review);
    }
    let a = Arc::clone(&app);
    let got = off_thread(&v, "The review queue", move || {
        let apps = a.registry.applications(true, MAX_PENDING_LISTED)?;
        let total = apps.len();
        let shown: Vec<_> = apps
            .into_iter()
            .take(REVIEW_PAGE)
            .map(|x| {
                let e = idnsafe::explore::explore(&a.checker, &a.registry, &x.name);
                (x, e)
            })
            .collect();
        Ok((total, shown))
    })
    .await;
    let (total, shown) = match got {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let body = html! {
        h1 { "Review queue" }
        p { (total) " pending applications, oldest first"
            @if total > shown.len() { "; the first " (shown.len()) " are shown" } "." }
        @for (x, e) in &shown {
            article.application aria-label=(format!("Application {}", x.id)) {
                h2 { "Application " (x.id) ": " (name_link(&x.name)) }
                p.muted { "Applied for by " (x.registrant.as_deref().unwrap_or("(unknown)")) " on " (when(x.created_ms)) }
                details {
                    summary { "Explorer view" }
                    (exploration(e, false))
                }
                form.review method="post" action=(format!("/reviews/{}", x.id)) {
                    input type="hidden" name="csrf" value=(v.s.csrf);
                    label for=(format!("comment-{}", x.id)) { "Comment" }
                    textarea id=(format!("comment-{}", x.id)) name="comment" rows="2" {}
                    div.buttons {
                        button type="submit" name="decision" value="approve" { "Approve" }
                        button.danger type="submit" name="decision" value="reject" data-confirm="Reject this application?" { "Reject" }
                    }
                }
            }
        }
    };
    v.respond(StatusCode::OK, page("Review queue", &v, body))
}

#[derive(Deserialize)]
struct ReviewForm {
    csrf: String,
    decision: String,
    #[serde(default)]
    comment: String,
}

async fn review_post(
    State(app): Shared,
    h: HeaderMap,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ReviewForm>,
) -> Response {
    let v = match app.form_visit(&h, &f.csrf, Some(Role::Review)) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return error_page(
            &v,
            StatusCode::NOT_FOUND,
            "APPLICATION_NOT_FOUND",
            "There is no such application.",
        );
    };
    let approve = match f.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return error_page(
                &v,
                StatusCode::BAD_REQUEST,
                "BAD_ARGUMENT",
                "The decision is approve or reject.",
            );
        }
    };
    let comment = Some(f.comment).filter(|c| !c.trim().is_empty());
    let reg = Arc::clone(&app.registry);
    let actor = v.s.actor.clone();
    let o = crate::api::answer(|reply| reg.decide_with(id, approve, actor, comment, reply)).await;
    use idnsafe::registry::ReviewOutcome;
    let body = match o {
        Ok(ReviewOutcome::Registered { registration }) => html! {
            h1 { "Approved" }
            p { "Application " (id) " is approved and " (name_link(&registration.name)) " is registered to "
                (registration.registrant.as_deref().unwrap_or("(unknown)")) "." }
            p { a href=(format!("/registrations/{}", path_escape(&registration.name))) { "See the registration" } " · " a href="/reviews" { "Back to the queue" } }
        },
        Ok(ReviewOutcome::Rejected { application }) => html! {
            h1 { "Rejected" }
            p { "Application " (application) " is rejected." }
            p { a href="/reviews" { "Back to the queue" } }
        },
        Ok(ReviewOutcome::Blocked { decision }) => {
            let d = serde_json::to_value(&decision).unwrap_or_default();
            html! {
                h1 { "Cannot be registered any more" }
                p { (name(&decision.input)) " can no longer be registered; the application stays pending. Why:" }
                (reasons_list(d.f("reasons")))
                p { a href="/reviews" { "Back to the queue" } }
            }
        }
        Err(e) => return error_page(&v, e.status, &e.code, &e.message),
    };
    v.respond(StatusCode::OK, page("Review", &v, body))
}

/// Runs `f` on the blocking pool; a registry error, or a task that failed,
/// becomes the page that says so (`what` could not be read).
async fn off_thread<T: Send + 'static>(
    v: &Visit,
    what: &str,
    f: impl FnOnce() -> Result<T, idnsafe::registry::RegistryError> + Send + 'static,
) -> Result<T, Box<Response>> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(x)) => Ok(x),
        Ok(Err(e)) => {
            Err(Box::new(error_page(v, StatusCode::INTERNAL_SERVER_ERROR, &e.code, &e.message)))
        }
        Err(_) => Err(Box::new(error_page(
            v,
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            &format!("{what} could not be read."),
        ))),
    }
}

fn error_page(v: &Visit, status: StatusCode, code: &str, message: &str) -> Response {
    let body = html! {
        h1 { "Not done" }
        p { code { (code) } " " (message) }
    };
    v.respond(status, page("Not done", v, body))
}

// ------------------------------------------------------------------ registrations

async fn registration_page(State(app): Shared, h: HeaderMap, Path(n): Path<String>) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Read) {
        return v.refuse(Role::Read);
    }
    let a = Arc::clone(&app);
    let n2 = n.clone();
    let got = off_thread(&v, "The registration", move || {
        let r = a.registry.registration(&n2)?;
        let log = a.registry.log(Some(&n2), LOG_ENTRIES)?;
        Ok((r, log))
    })
    .await;
    let (reg, log) = match got {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let body = html! {
        h1 { "Registration: " (name(&n)) }
        @match &reg {
            None => p { (name(&n)) " is not registered. " a href=(format!("/names/{}", path_escape(&n))) { "Explore it" } },
            Some(r) => {
                dl.facts {
                    dt { "Name" } dd { (name_link(&r.name)) }
                    dt { "Holder" } dd { (r.registrant.as_deref().unwrap_or("(unknown)")) }
                    dt { "Registered" } dd { (when(r.created_ms)) }
                    dt { "Policy" } dd { code { (r.policy) } }
                    @if let Some(p) = &r.primary { dt { "Variant of" } dd { (name(p)) } }
                }
                (bundle_table(&serde_json::json!({"bundle": r.bundle})))
                @if v.may(Role::Register) {
                    form.release method="post" action=(format!("/registrations/{}/release", path_escape(&r.name))) {
                        input type="hidden" name="csrf" value=(v.s.csrf);
                        button.danger type="submit" data-confirm="Release this name and its bundle?" { "Release " (name(&r.name)) " and its bundle" }
                    }
                }
            }
        }
        h2 { "Log" }
        @if log.is_empty() { p.muted { "No log entries for this name." } }
        @else {
            div.tablewrap {
                table.log {
                    caption { "Log entries, newest first" }
                    thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "Action" } th scope="col" { "Decision" } th scope="col" { "Reasons" } } }
                    tbody {
                        @for e in &log {
                            tr {
                                td { (when(e.at_ms)) }
                                td { (e.actor) }
                                td { (e.action) }
                                td { (e.decision.as_deref().unwrap_or("")) }
                                td { code.small { (e.reasons.as_deref().unwrap_or("")) } }
                            }
                        }
                    }
                }
            }
        }
    };
    v.respond(StatusCode::OK, page(&format!("Registration {n}"), &v, body))
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn release_post(
    State(app): Shared,
    h: HeaderMap,
    Path(n): Path<String>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    let v = match app.form_visit(&h, &f.csrf, Some(Role::Register)) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let reg = Arc::clone(&app.registry);
    let actor = idnsafe::registry::Actor(v.s.actor.clone());
    match crate::api::answer(|reply| reg.release_with(n.clone(), actor, reply)).await {
        Ok(released) => {
            let body = html! {
                h1 { "Released" }
                p { "Released: " @for (i, l) in released.iter().enumerate() { @if i > 0 { ", " } (name(l)) } "." }
                p { a href=(format!("/names/{}", path_escape(&n))) { "Explore " (name(&n)) } }
            };
            v.respond(StatusCode::OK, page("Released", &v, body))
        }
        Err(e) => error_page(&v, e.status, &e.code, &e.message),
    }
}

// ------------------------------------------------------------------ audit

async fn audit_page(State(app): Shared, h: HeaderMap) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Read) {
        return v.refuse(Role::Read);
    }
    let report = app.report(&v.id);
    let body = html! {
        h1 { "Audit report" }
        form.upload method="post" action="/audit" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(v.s.csrf);
            label for="file" { "Findings of " code { "idnsafe audit --json" } " (JSON Lines)" }
            input #file type="file" name="file" accept=".jsonl,.ndjson,.json,.txt" required;
            button type="submit" { "Load" }
        }
        @if let Some(r) = &report { (report_summary(r)) }
    };
    v.respond(StatusCode::OK, page("Audit report", &v, body))
}

fn report_summary(r: &FindingsReport) -> Markup {
    let biggest = r.cluster_sizes.values().copied().max().unwrap_or(0);
    html! {
        section aria-label="Summary" {
            h2 { "Findings by kind" }
            p { (r.lines) " lines read; " (r.by_kind.values().sum::<u64>()) " findings; " (r.error_count) " lines were not findings."
                @if r.not_kept > 0 { " " strong { (r.not_kept) } " findings beyond the first " (r.findings.len()) " are counted but not listed." } }
            table.kinds {
                caption { "Findings by kind" }
                thead { tr { th scope="col" { "Kind" } th scope="col" { "Count" } } }
                tbody {
                    @for (k, n) in &r.by_kind {
                        tr { td { a href=(format!("/audit/findings?kind={}", path_escape(k))) { (k) } } td { (n) } }
                    }
                }
            }
            @if !r.cluster_sizes.is_empty() {
                h2 { "Cluster sizes" }
                table.hist {
                    caption { "Clusters by number of names" }
                    thead { tr { th scope="col" { "Names" } th scope="col" { "Clusters" } th scope="col" { span.visually-hidden { "Bar" } } } }
                    tbody {
                        @for (size, n) in &r.cluster_sizes {
                            tr { td { (size) } td { (n) } td { meter min="0" max=(biggest) value=(n) aria-label=(format!("{n} clusters of {size} names")) {} } }
                        }
                    }
                }
            }
            @if !r.errors.is_empty() {
                h2 { "Lines that are not findings" }
                ul { @for (line, why) in &r.errors { li { "line " (line) ": " (why) } } }
            }
        }
    }
}

async fn audit_upload(State(app): Shared, h: HeaderMap, mut mp: Multipart) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Read) {
        return v.refuse(Role::Read);
    }
    let mut csrf_seen = false;
    let mut report = FindingsReport::default();
    let mut got_file = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return error_page(
                    &v,
                    StatusCode::BAD_REQUEST,
                    "UPLOAD_FAILED",
                    &format!("The upload could not be read: {e}"),
                );
            }
        };
        match field.name() {
            Some("csrf") => {
                let Ok(t) = field.text().await else { return v.bad_csrf() };
                if !v.csrf_ok(&t) {
                    return v.bad_csrf();
                }
                csrf_seen = true;
            }
            Some("file") => {
                // The CSRF field comes first in the form; a file before it
                // is not read.
                if !csrf_seen {
                    return v.bad_csrf();
                }
                got_file = true;
                let mut field = field;
                let mut line: Vec<u8> = Vec::new();
                let mut overlong = false;
                loop {
                    let chunk = match field.chunk().await {
                        Ok(Some(c)) => c,
                        Ok(None) => break,
                        Err(e) => {
                            return error_page(
                                &v,
                                StatusCode::BAD_REQUEST,
                                "UPLOAD_FAILED",
                                &format!("The upload could not be read: {e}"),
                            );
                        }
                    };
                    let mut rest: &[u8] = &chunk;
                    while !rest.is_empty() {
                        let (part, done) = match memchr_nl(rest) {
                            Some(i) => (rest.get(..i).unwrap_or(&[]), Some(i + 1)),
                            None => (rest, None),
                        };
                        if line.len() + part.len() > REPORT_MAX_LINE {
                            overlong = true;
                            line.clear();
                        } else if !overlong {
                            line.extend_from_slice(part);
                        }
                        match done {
                            Some(i) => {
                                if overlong {
                                    report.push_overlong();
                                    overlong = false;
                                } else {
                                    report.push_line(&line);
                                }
                                line.clear();
                                rest = rest.get(i..).unwrap_or(&[]);
                            }
                            None => rest = &[],
                        }
                    }
                }
                if overlong {
                    report.push_overlong();
                } else if !line.is_empty() {
                    report.push_line(&line);
                }
            }
            _ => {}
        }
    }
    if !got_file {
        return error_page(&v, StatusCode::BAD_REQUEST, "UPLOAD_EMPTY", "The form held no file.");
    }
    let report = Arc::new(report);
    app.keep_report(&v.id, report);
    v.redirect("/audit")
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == b'\n')
}

#[derive(Deserialize)]
struct FindingsQuery {
    kind: Option<String>,
    page: Option<usize>,
}

async fn findings_page(
    State(app): Shared,
    h: HeaderMap,
    Query(q): Query<FindingsQuery>,
) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Read) {
        return v.refuse(Role::Read);
    }
    let Some(r) = app.report(&v.id) else { return v.redirect("/audit") };
    let kind = q.kind.unwrap_or_default();
    let page_no = q.page.unwrap_or(1).max(1);
    let matching: Vec<_> = r.findings.iter().filter(|f| f.kind == kind).collect();
    let pages = matching.len().div_ceil(FINDINGS_PAGE).max(1);
    let shown = matching.iter().skip((page_no - 1) * FINDINGS_PAGE).take(FINDINGS_PAGE);
    let body = html! {
        h1 { "Findings: " (kind) }
        p { (matching.len()) " listed; page " (page_no) " of " (pages) ". " a href="/audit" { "Back to the summary" } }
        ol.findings start=((page_no - 1) * FINDINGS_PAGE + 1) {
            @for f in shown {
                li {
                    @for (i, n) in f.names.iter().enumerate() { @if i > 0 { " · " } (name_link(n)) }
                    @if let Some(p) = &f.protected { " looks like " (name(p)) }
                    @if f.names.len() > 1 { " " span.muted { "(" (f.names.len()) " names)" } }
                    @if !f.reasons.is_empty() {
                        ul.reasons { @for x in &f.reasons { li { code { (x.f("code").as_str().unwrap_or("?")) } " " (x.f("message").as_str().unwrap_or("")) } } }
                    }
                }
            }
        }
        nav aria-label="Pages" {
            @if page_no > 1 { a href=(format!("/audit/findings?kind={}&page={}", path_escape(&kind), page_no - 1)) { "Previous page" } " " }
            @if page_no < pages { a href=(format!("/audit/findings?kind={}&page={}", path_escape(&kind), page_no + 1)) { "Next page" } }
        }
    };
    v.respond(StatusCode::OK, page("Findings", &v, body))
}

// ------------------------------------------------------------------ policy

async fn policy_page(State(app): Shared, h: HeaderMap) -> Response {
    let v = app.visit(&h);
    if !v.may(Role::Read) {
        return v.refuse(Role::Read);
    }
    let meta = app.registry.meta();
    let versions: serde_json::Value = serde_json::from_str(&meta.versions).unwrap_or_default();
    let policy = app.registry.policy();
    let tables: Vec<(String, String, serde_json::Value)> = policy
        .tables()
        .map(|(id, file, lgr)| {
            let f = file.display().to_string();
            (id.to_owned(), f.clone(), idnsafe::ops::lgr_stats(&f, lgr))
        })
        .collect();
    let body = html! {
        h1 { "Policy " code { (meta.policy) } }
        dl.facts {
            dt { "Digest" } dd { code { (meta.policy_digest) } }
            dt { "File" } dd { code { (policy.path().display().to_string()) } }
        }
        h2 { "Data versions" }
        pre.versions { (serde_json::to_string_pretty(&versions).unwrap_or_default()) }
        h2 { "IDN tables" }
        @if tables.is_empty() { p.muted { "This policy has no IDN tables." } }
        @else {
            div.tablewrap {
                table.tables {
                    caption { "IDN tables with repertoire size and variant relation" }
                    thead { tr { th scope="col" { "Table" } th scope="col" { "Version" } th scope="col" { "Code points" } th scope="col" { "Sequences" } th scope="col" { "Variant mappings" } th scope="col" { "Variant types" } th scope="col" { "Rules" } th scope="col" { "Equivalence relation" } } }
                    tbody {
                        @for (id, file, s) in &tables {
                            tr {
                                th scope="row" { (id) br; span.muted.small { (file) } }
                                td { (s.f("metadata").f("version").as_str().unwrap_or("—")) }
                                td { (s.f("stats").f("code_points")) }
                                td { (s.f("stats").f("sequences")) }
                                td { (s.f("stats").f("variant_mappings")) }
                                td { (s.f("stats").f("variant_types").as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                                td { (s.f("stats").f("rules")) }
                                td { (if s.f("is_equivalence").as_bool() == Some(true) { "yes" } else { "no" }) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Policy file" }
        pre.toml { (app.ui.policy_toml) }
    };
    v.respond(StatusCode::OK, page("Policy", &v, body))
}

// ------------------------------------------------------------------ login

fn login_form(v: &Visit) -> Markup {
    html! {
        form.login method="post" action="/login" {
            input type="hidden" name="csrf" value=(v.s.csrf);
            label for="token" { "API token" }
            input #token type="password" name="token" autocomplete="current-password" required;
            button type="submit" { "Log in" }
        }
    }
}

async fn login_page(State(app): Shared, h: HeaderMap) -> Response {
    let v = app.visit(&h);
    let body = html! {
        h1 { "Log in" }
        @if app.open_to_all() {
            p { "This service runs without tokens: every visitor on this loopback address has every role." }
        } @else {
            (login_form(&v))
        }
    };
    v.respond(StatusCode::OK, page("Log in", &v, body))
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    token: String,
}

async fn login_post(
    State(app): Shared,
    h: HeaderMap,
    axum::Form(f): axum::Form<LoginForm>,
) -> Response {
    let v = match app.form_visit(&h, &f.csrf, None) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(tokens) = &app.tokens else { return v.redirect("/") };
    let Some((actor, roles)) = tokens.find(f.token.trim()) else {
        let body = html! {
            h1 { "Log in" }
            p.warn { code { "TOKEN_INVALID" } " That token is not one of this service's." }
            (login_form(&v))
        };
        return v.respond(StatusCode::UNAUTHORIZED, page("Log in", &v, body));
    };
    // A new session id on login, so an id planted before it is worthless.
    let id = random_hex();
    {
        let mut map = lock(&app.ui.logins);
        map.remove(&v.id);
        let login = Login { actor: actor.to_owned(), roles: roles.to_vec(), last: Instant::now() };
        insert_login(&mut map, id.clone(), login);
    }
    let s = Session { actor: actor.to_owned(), roles: roles.to_vec(), csrf: app.ui.csrf(&id) };
    let v2 = Visit { id: id.clone(), s, set_cookie: Some(id), secure: v.secure };
    v2.redirect("/")
}

async fn logout_post(
    State(app): Shared,
    h: HeaderMap,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    let v = match app.form_visit(&h, &f.csrf, None) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    lock(&app.ui.logins).remove(&v.id);
    lock(&app.ui.reports).remove(&v.id);
    let mut r = v.redirect("/login");
    let secure = if v.secure { "; Secure" } else { "" };
    if let Ok(c) = HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
    )) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(when(0), "1970-01-01 00:00:00 UTC");
        // Checked with Python: datetime.fromtimestamp(1796218289, UTC).
        assert_eq!(when(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(when(1_796_218_289_569), "2026-12-02 13:31:29 UTC");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_escape("pаypal.com"), "p%D0%B0ypal.com");
        assert_eq!(path_escape("a/b?c#d"), "a%2Fb%3Fc%23d");
    }

    #[test]
    fn names_render_as_isolated_data() {
        let m = name("<script>alert(1)</script>\u{202E}").into_string();
        assert!(m.starts_with("<bdi class=\"name\" dir=\"auto\">"), "{m}");
        assert!(m.contains("&lt;script&gt;") && !m.contains("<script>"), "{m}");
    }

    #[test]
    fn csrf_tokens_are_per_session_and_keyed() {
        let (a, b) = (Ui::new(String::new()), Ui::new(String::new()));
        let id = "ab".repeat(32);
        let t = a.csrf(&id);
        assert_eq!(t.len(), 64);
        assert_eq!(t, a.csrf(&id));
        assert_ne!(t, a.csrf(&"cd".repeat(32)));
        assert_ne!(t, b.csrf(&id), "another process's key gives another token");
        assert_eq!(a.csrf(""), "");
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        let id = "ab".repeat(32);
        let c = format!("a=1; idnsafe_session={id}; b=2");
        h.insert(header::COOKIE, HeaderValue::from_str(&c).unwrap());
        assert_eq!(cookie_id(&h).as_deref(), Some(id.as_str()));
        h.insert(header::COOKIE, HeaderValue::from_static("idnsafe_session=abc"));
        assert_eq!(cookie_id(&h), None);
        h.insert(header::COOKIE, HeaderValue::from_static("idnsafe_session="));
        assert_eq!(cookie_id(&h), None);
    }
}

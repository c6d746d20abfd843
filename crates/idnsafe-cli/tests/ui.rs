//! The review page of `idnsafe serve`, end to end: a real server process on
//! 127.0.0.1 with a temporary SQLite state, driven by headless Chromium over
//! WebDriver (Debian's chromium and chromium-driver), plus the security
//! properties checked on the wire (CSP, cookies, CSRF, roles, escaping).
//! Screenshots of each page go to `target/ui-screenshots/` (not committed).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use idnsafe_tests::http::{Response, Server, request};
use idnsafe_tests::webdriver::{Browser, ENTER};
use serde_json::json;

const RITA: &str = "rita-token-0123456789abcdef";
const REED: &str = "reed-token-0123456789abcdef";

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_idnsafe"))
}

fn hash(t: &str) -> String {
    idnsafe_tests::http::token_hash(bin(), t)
}

/// A cn-policy server with paypal.com protected and two tokens: rita
/// (every role) and reed (read only).
fn start(dir: &Path) -> Server {
    let tokens = dir.join("tokens");
    std::fs::write(
        &tokens,
        format!("rita read,register,review {}\nreed read {}\n", hash(RITA), hash(REED)),
    )
    .unwrap();
    let protect = dir.join("protect.txt");
    std::fs::write(&protect, "paypal.com\n").unwrap();
    let policy = idnsafe_tests::repo_file("tables/policies/cn.toml");
    let args: Vec<String> = vec![
        "--policy".into(),
        policy.display().to_string(),
        "--state".into(),
        dir.join("state").display().to_string(),
        "--protect".into(),
        protect.display().to_string(),
        "--tokens".into(),
        tokens.display().to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::start(bin(), &args, &[("IDNSAFE_TABLES", &idnsafe_tests::data_file("lgr"))])
}

fn api(a: SocketAddr, method: &str, path: &str, token: &str, body: &serde_json::Value) -> Response {
    let auth = format!("Bearer {token}");
    request(
        a,
        method,
        path,
        &[("Content-Type", "application/json"), ("Authorization", &auth)],
        body.to_string().as_bytes(),
    )
    .unwrap()
}

fn register(a: SocketAddr, name: &str, who: &str) -> Response {
    api(a, "POST", "/v1/registrations", RITA, &json!({"name": name, "registrant": who}))
}

fn shots() -> PathBuf {
    idnsafe_tests::repo_root().join("target/ui-screenshots")
}

fn esc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every visible form control on the page has a label.
fn all_controls_labelled(b: &Browser) {
    let unlabelled = b.run(
        "return [...document.querySelectorAll('input:not([type=hidden]),textarea,select')]\
         .filter(e => !e.labels || e.labels.length === 0).map(e => e.outerHTML);",
    );
    assert_eq!(unlabelled, json!([]), "controls without a label on {}", b.url());
}

/// Every link, button and form control can be reached with the Tab key
/// (none is taken out of the tab order), and the page starts with a link
/// that skips to its content.
fn keyboard_reachable(b: &Browser) {
    let unreachable = b.run(
        "return [...document.querySelectorAll('a[href],button,input:not([type=hidden]),textarea,select,summary')]\
         .filter(e => e.tabIndex < 0).map(e => e.outerHTML);",
    );
    assert_eq!(unreachable, json!([]), "controls out of the tab order on {}", b.url());
    assert_eq!(
        b.run("return document.querySelector('body > a.skip').getAttribute('href');"),
        json!("#main")
    );
}

/// The page fits the window: nothing wider than the viewport.
fn fits(b: &Browser) {
    let v = b.run("return [document.documentElement.scrollWidth, window.innerWidth];");
    let (w, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
    assert!(w <= inner, "{}: the page is {w} px wide in a {inner} px window", b.url());
}

fn login(b: &Browser, base: &str, token: &str) {
    b.goto(&format!("{base}/login"));
    let t = b.find("#token");
    b.type_into(&t, token);
    b.click_to_load(&b.find("form.login button[type=submit]"));
}

#[test]
fn review_page_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let a = server.addr;
    let base = format!("http://{a}");
    assert_eq!(register(a, "中国.cn", "alice").status, 201);
    assert_eq!(register(a, "paypal.cn", "alice").status, 201);
    let r = register(a, "paypa1.cn", "bob");
    assert_eq!(r.status, 202, "{}", r.text());
    let app_id = r.json()["application"].as_i64().unwrap();

    let b = Browser::start(1280, 800);
    // Without a session the explorer asks for a login.
    b.goto(&format!("{base}/names/paypal.cn"));
    assert!(b.try_find("#token").is_some(), "no login form without a session");
    login(&b, &base, RITA);
    assert_eq!(b.text(&b.find(".who .roles")), "read, register, review");
    b.screenshot(&shots().join("home.png"));
    // From the keyboard: type a name in the search box and press Enter.
    b.type_to_load(&b.find("#q"), &format!("xn--pypal-4ve.com{ENTER}"));
    assert_eq!(b.url(), format!("{base}/names/xn--pypal-4ve.com"));
    assert!(b.text(&b.find("ul.resembles")).contains("paypal.com"), "an A-label is explored too");
    keyboard_reachable(&b);

    // pаypal.com (Cyrillic а) resembles the protected paypal.com at position 2.
    b.goto(&format!("{base}/names/{}", esc("pаypal.com")));
    let m = b.find("ul.resembles mark[data-position=\"2\"]");
    assert_eq!(b.text(&m), "а");
    assert!(b.text(&b.find("ul.resembles")).contains("paypal.com"));
    assert!(b.text(&b.find("ul.resembles ul.diffs")).contains("position 2"));
    let rows = b.find_all("table.cps tr.sc-Cyrl");
    assert_eq!(rows.len(), 1, "one Cyrillic code point, coloured as such");
    assert!(b.text(&rows[0]).contains("CYRILLIC SMALL LETTER A"));
    all_controls_labelled(&b);
    fits(&b);
    b.screenshot(&shots().join("explorer.png"));

    // 中國.cn after 中国.cn is registered: refused, with the bundle.
    b.goto(&format!("{base}/names/{}", esc("中國.cn")));
    assert!(b.text(&b.find("section.decision")).contains("VARIANT_OF_REGISTERED"));
    let bundle = b.text(&b.find("table.bundle"));
    assert!(
        bundle.contains("中国") && bundle.contains("allocated") && bundle.contains("blocked"),
        "{bundle}"
    );
    b.screenshot(&shots().join("explorer-variant.png"));

    // The review queue: approve paypa1.cn and see the registration.
    b.goto(&format!("{base}/reviews"));
    let article = format!("article[aria-label=\"Application {app_id}\"]");
    assert!(b.text(&b.find(&article)).contains("paypa1.cn"));
    all_controls_labelled(&b);
    keyboard_reachable(&b);
    b.screenshot(&shots().join("reviews.png"));
    let c = b.find(&format!("#comment-{app_id}"));
    b.type_into(&c, "a distinct brand");
    b.click_to_load(&b.find(&format!("{article} button[value=approve]")));
    assert_eq!(b.text(&b.find("h1")), "Approved");
    b.click_to_load(&b.find("main a[href^=\"/registrations/\"]"));
    let facts = b.text(&b.find("dl.facts"));
    assert!(facts.contains("bob"), "{facts}");
    assert!(b.text(&b.find("table.log")).contains("approve"));
    b.screenshot(&shots().join("registration.png"));
    let r = api(a, "GET", "/v1/registrations/paypa1.cn", REED, &json!(null));
    assert_eq!(r.json()["registrant"], "bob");

    // An audit file from the real CLI, with a planted Cyrillic twin.
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "paypal.com\nраураl.com\nexample.com\nbad_name!.com\n").unwrap();
    let out = std::process::Command::new(bin())
        .args(["audit", "--json", "--level", "lookalike"])
        .arg(&names)
        .output()
        .unwrap();
    let findings = dir.path().join("findings.jsonl");
    std::fs::write(&findings, &out.stdout).unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("homograph_cluster"), "{text}");
    b.goto(&format!("{base}/audit"));
    all_controls_labelled(&b);
    keyboard_reachable(&b);
    b.type_into(&b.find("#file"), &findings.display().to_string());
    b.click_to_load(&b.find("form.upload button[type=submit]"));
    let kinds = b.text(&b.find("table.kinds"));
    assert!(kinds.contains("homograph_cluster"), "{kinds}");
    assert!(b.try_find("table.hist meter").is_some(), "a histogram of cluster sizes");
    b.screenshot(&shots().join("audit.png"));
    b.click_to_load(&b.find("table.kinds a[href*=\"homograph_cluster\"]"));
    let list = b.text(&b.find("ol.findings"));
    assert!(list.contains("раураl.com") && list.contains("paypal.com"), "{list}");
    b.click_to_load(&b.find("ol.findings a[href*=\"xn--\"], ol.findings a[href*=\"%D1%80\"]"));
    assert!(
        b.text(&b.find("h1")).contains("раураl.com"),
        "the cluster's name opens in the explorer"
    );

    // The policy page.
    b.goto(&format!("{base}/policy"));
    assert!(b.text(&b.find("table.tables")).contains("zh"));
    assert!(b.text(&b.find("pre.toml")).contains("CNNIC"));
    b.screenshot(&shots().join("policy.png"));

    // Hostile names render as text, isolated: no script runs, no element
    // is injected, the page keeps its order.
    for probe in [
        "<script>window.pwned=1</script>.cn",
        "\"><img src=x onerror=\"window.pwned=1\">.cn",
        "שלום\u{202E}abc.cn",
        "a\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}.cn",
    ] {
        b.goto(&format!("{base}/names/{}", esc(probe)));
        assert_eq!(b.run("return window.pwned === undefined;"), json!(true), "{probe}");
        assert_eq!(
            b.run("return document.querySelectorAll('main img, main script').length;"),
            json!(0)
        );
        let h1 = b.find("h1 bdi.name");
        assert_eq!(b.text(&h1).replace('\n', ""), probe.replace('\n', ""));
        assert_eq!(b.attr(&h1, "dir").as_deref(), Some("auto"));
    }
    b.screenshot(&shots().join("explorer-hostile.png"));

    // A narrow window still shows the explorer without sideways scrolling.
    let narrow = Browser::start(420, 800);
    login(&narrow, &base, REED);
    narrow.goto(&format!("{base}/names/{}", esc("pаypal.com")));
    fits(&narrow);
    narrow.screenshot(&shots().join("explorer-narrow.png"));
    // The read-only role cannot open the review queue.
    narrow.goto(&format!("{base}/reviews"));
    assert_eq!(narrow.text(&narrow.find("h1")), "Not allowed");
    assert!(narrow.text(&narrow.find("main")).contains("review"));
}

/// A session on the wire: its cookie and a page's CSRF token.
struct Wire {
    addr: SocketAddr,
    cookie: String,
}

impl Wire {
    fn get(&self, path: &str) -> Response {
        request(self.addr, "GET", path, &[("Cookie", &self.cookie)], b"").unwrap()
    }
    fn post_form(&self, path: &str, form: &str) -> Response {
        request(
            self.addr,
            "POST",
            path,
            &[("Cookie", &self.cookie), ("Content-Type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        )
        .unwrap()
    }
    fn csrf(&self, path: &str) -> String {
        let t = self.get(path).text();
        let at = t.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
        t[at..at + 64].to_owned()
    }
}

fn session_cookie(r: &Response) -> String {
    let c = r.header("set-cookie").expect("a session cookie");
    c.split(';').next().unwrap().to_owned()
}

fn login_wire(a: SocketAddr, token: &str) -> Wire {
    let first = request(a, "GET", "/login", &[], b"").unwrap();
    let w = Wire { addr: a, cookie: session_cookie(&first) };
    let csrf = w.csrf("/login");
    let r = w.post_form("/login", &format!("csrf={csrf}&token={token}"));
    assert_eq!(r.status, 303, "{}", r.text());
    Wire { addr: a, cookie: session_cookie(&r) }
}

#[test]
fn sessions_csrf_roles_and_headers_on_the_wire() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let a = server.addr;
    let r = register(a, "paypal.cn", "alice");
    assert_eq!(r.status, 201);
    let r = register(a, "paypa1.cn", "bob");
    assert_eq!(r.status, 202);
    let id = r.json()["application"].as_i64().unwrap();

    // Every page: CSP with only our own scripts and styles, no framing.
    let first = request(a, "GET", "/login", &[], b"").unwrap();
    let csp = first.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(first.header("x-frame-options"), Some("DENY"));
    let cookie = first.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    let tls = request(a, "GET", "/login", &[("X-Forwarded-Proto", "https")], b"").unwrap();
    assert!(tls.header("set-cookie").unwrap().contains("; Secure"));
    // Assets are ours, embedded; no inline script anywhere.
    let page = first.text();
    assert!(!page.contains("<script>") && !page.contains("style="), "{page}");
    assert_eq!(request(a, "GET", "/assets/app.js", &[], b"").unwrap().status, 200);

    // A wrong token does not log in.
    let anon = Wire { addr: a, cookie: session_cookie(&first) };
    let csrf = anon.csrf("/login");
    let r = anon.post_form("/login", &format!("csrf={csrf}&token=not-a-token-at-all-0000"));
    assert_eq!(r.status, 401);
    assert!(r.text().contains("TOKEN_INVALID"));
    assert_eq!(anon.get("/names/paypal.cn").status, 401);

    // The read-only role cannot approve, even with a valid form.
    let reed = login_wire(a, REED);
    let csrf = reed.csrf("/audit");
    let r = reed.post_form(&format!("/reviews/{id}"), &format!("csrf={csrf}&decision=approve"));
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(reed.get("/reviews").status, 403);
    let pending = api(a, "GET", "/v1/reviews", RITA, &json!(null)).json();
    assert_eq!(pending["applications"][0]["id"], id, "still pending");

    // A form without this session's CSRF token is refused.
    let rita = login_wire(a, RITA);
    let r = rita.post_form(&format!("/reviews/{id}"), "csrf=0000&decision=approve");
    assert_eq!(r.status, 403);
    assert!(r.text().contains("CSRF"));
    let r = rita.post_form(&format!("/reviews/{id}"), &format!("csrf={csrf}&decision=approve"));
    assert_eq!(r.status, 403, "another session's token is not this one's");
    // With it, approval registers.
    let csrf = rita.csrf("/reviews");
    let r = rita
        .post_form(&format!("/reviews/{id}"), &format!("csrf={csrf}&decision=approve&comment=ok"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("Approved"));
    // Approving again says why it cannot.
    let r = rita.post_form(&format!("/reviews/{id}"), &format!("csrf={csrf}&decision=approve"));
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.text().contains("APPLICATION_DECIDED"));

    // Release needs the register role and the form's token.
    let r = reed
        .post_form("/registrations/paypa1.cn/release", &format!("csrf={}", reed.csrf("/audit")));
    assert_eq!(r.status, 403);
    let r = rita.post_form("/registrations/paypa1.cn/release", &format!("csrf={csrf}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(api(a, "GET", "/v1/registrations/paypa1.cn", REED, &json!(null)).status, 404);

    // A hostile name is escaped on the wire too.
    let r = rita.get(&format!("/names/{}", esc("<script>alert(1)</script>.cn")));
    assert_eq!(r.status, 200);
    let t = r.text();
    assert!(
        t.contains("&lt;script&gt;alert(1)&lt;/script&gt;.cn") && !t.contains("<script>alert"),
        "{t}"
    );

    // The explorer's facts as JSON, for scripts.
    let r = api(a, "GET", &format!("/v1/explore?name={}", esc("pаypal.com")), REED, &json!(null));
    assert_eq!(r.status, 200, "{}", r.text());
    let e = r.json();
    assert_eq!(e["resembles"][0]["name"], "paypal.com");
    assert_eq!(e["resembles"][0]["differences"][0]["position"], 1);
    assert_eq!(e["labels"][0]["code_points"][1]["name"], "CYRILLIC SMALL LETTER A");

    // Logging out ends the session.
    let csrf = rita.csrf("/audit");
    assert_eq!(rita.post_form("/logout", &format!("csrf={csrf}")).status, 303);
    assert_eq!(rita.get("/reviews").status, 401);
}

/// An audit upload with lines that are not findings: each is counted with
/// its line number, the rest are read.
#[test]
fn audit_upload_counts_bad_lines_and_reads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let rita = login_wire(server.addr, RITA);
    let csrf = rita.csrf("/audit");
    let body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.jsonl\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\
         {{\"kind\":\"homograph_cluster\",\"names\":[\"a.com\",\"\u{0430}.com\"],\"protected\":null,\"reasons\":[]}}\n\
         not json\n\
         {{\"kind\":\"invalid\",\"names\":[\"<b>x</b>.com\"],\"protected\":null,\"reasons\":[{{\"code\":\"X\",\"message\":\"m\"}}]}}\n\
         {}\n\
         \r\n--XyZ--\r\n",
        "y".repeat(2 << 20)
    );
    let r = request(
        server.addr,
        "POST",
        "/audit",
        &[("Cookie", &rita.cookie), ("Content-Type", "multipart/form-data; boundary=XyZ")],
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(r.status, 303, "{}", r.text());
    let t = rita.get("/audit").text();
    assert!(t.contains("homograph_cluster") && t.contains("invalid"), "{t}");
    assert!(t.contains("line 2: not a finding"), "{t}");
    assert!(t.contains("line 4: longer than"), "{t}");
    assert!(t.contains("2 lines were not findings"), "{t}");
    let f = rita.get("/audit/findings?kind=invalid").text();
    assert!(f.contains("&lt;b&gt;x&lt;/b&gt;.com"), "{f}");
}

//! Headless Chromium driven over WebDriver (W3C), for the review page's
//! browser tests: Debian's `chromium` and `chromium-driver`
//! (`scripts/setup-test-deps.sh` installs them). A test that needs them
//! and finds them missing fails and says so; it never skips.
//!
//! The client speaks the protocol with [`crate::http::request`]: one
//! ChromeDriver process per [`Browser`], one session, JSON in and out.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::request;

/// The Enter key, in text typed with [`Browser::type_into`].
pub const ENTER: &str = "\u{E007}";

/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium with one WebDriver session; both end when dropped.
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

/// An element found on the page.
#[derive(Debug, Clone)]
pub struct Element(String);

fn find_program(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{name} is not installed: run `bash scripts/setup-test-deps.sh` (Debian's chromium and chromium-driver)"
            )
        })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium window of `width` x
    /// `height` CSS pixels, with an empty profile and no background
    /// network traffic.
    pub fn start(width: u32, height: u32) -> Browser {
        let chromium = find_program("chromium");
        let chromedriver = find_program("chromedriver");
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = request(addr, "GET", "/status", &[], b"")
                && r.status == 200
                && r.json()["value"]["ready"] == true
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready in 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile =
            tempfile::Builder::new().prefix("idnsafe-chromium-").tempdir().expect("profile folder");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        }}});
        let r = request(
            addr,
            "POST",
            "/session",
            &[("Content-Type", "application/json")],
            caps.to_string().as_bytes(),
        )
        .expect("new session");
        let v = r.json();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_owned();
        Browser { driver, addr, session, _profile: profile }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let p = format!("/session/{}{path}", self.session);
        let b = body.map(|b| b.to_string()).unwrap_or_default();
        let r =
            request(self.addr, method, &p, &[("Content-Type", "application/json")], b.as_bytes())
                .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let v = r.json();
        if r.status != 200 {
            panic!("WebDriver {method} {path}: {} {}", r.status, v["value"]);
        }
        v["value"].clone()
    }

    /// Opens `url` and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    /// The address of the page shown.
    pub fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or("").to_owned()
    }

    /// The first element matching a CSS selector (panics when none).
    pub fn find(&self, css: &str) -> Element {
        self.try_find(css).unwrap_or_else(|| panic!("no element {css:?} on {}", self.url()))
    }

    /// The first element matching a CSS selector, if any.
    pub fn try_find(&self, css: &str) -> Option<Element> {
        self.find_all(css).into_iter().next()
    }

    /// Every element matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v =
            self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str())
                    .map(|s| Element(s.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The rendered text of an element.
    pub fn text(&self, e: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", e.0), None).as_str().unwrap_or("").to_owned()
    }

    /// An attribute of an element.
    pub fn attr(&self, e: &Element, name: &str) -> Option<String> {
        self.call("GET", &format!("/element/{}/attribute/{name}", e.0), None)
            .as_str()
            .map(str::to_owned)
    }

    /// Clicks an element (and waits for a page it loads).
    pub fn click(&self, e: &Element) {
        self.call("POST", &format!("/element/{}/click", e.0), Some(json!({})));
    }

    /// Clicks an element that loads a new page (a link, a form's button)
    /// and waits, up to 30 s, until that page has loaded: WebDriver's click
    /// may return before the navigation it starts is done.
    pub fn click_to_load(&self, e: &Element) {
        self.run("window.idnsafeOldPage = true; return null;");
        self.click(e);
        self.wait_for_new_page();
    }

    /// Types into an element keys that submit its form (ending with
    /// [`ENTER`]) and waits, as [`Browser::click_to_load`] does, for the
    /// page that loads.
    pub fn type_to_load(&self, e: &Element, keys: &str) {
        self.run("window.idnsafeOldPage = true; return null;");
        self.type_into(e, keys);
        self.wait_for_new_page();
    }

    fn wait_for_new_page(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let done = self.run(
                "return window.idnsafeOldPage === undefined && document.readyState === 'complete';",
            );
            if done == Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "no new page 30 s after a click on {}", self.url());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types text into an element (a file input takes a path).
    pub fn type_into(&self, e: &Element, text: &str) {
        self.call("POST", &format!("/element/{}/value", e.0), Some(json!({"text": text})));
    }

    /// Runs a script in the page; its return value.
    pub fn run(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// The text of an alert, prompt or confirm dialog that is open, if any.
    pub fn dialog(&self) -> Option<String> {
        let p = format!("/session/{}/alert/text", self.session);
        let r = request(self.addr, "GET", &p, &[], b"").ok()?;
        (r.status == 200).then(|| r.json()["value"].as_str().unwrap_or("").to_owned())
    }

    /// Saves a PNG screenshot of the window to `path`.
    pub fn screenshot(&self, path: &Path) {
        let b64 = self.call("GET", "/screenshot", None);
        let png = decode_base64(b64.as_str().unwrap_or(""));
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).expect("screenshot folder");
        }
        std::fs::write(path, png).expect("screenshot written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let p = format!("/session/{}", self.session);
        let _ = request(self.addr, "DELETE", &p, &[], b"");
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes() {
        assert_eq!(super::decode_base64("aWRuc2FmZQ=="), b"idnsafe");
        assert_eq!(super::decode_base64("iVBORw0K"), b"\x89PNG\r\n");
    }
}

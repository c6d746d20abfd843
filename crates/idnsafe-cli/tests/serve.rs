//! `idnsafe serve` end to end: a real server process on 127.0.0.1, a real
//! SQLite state on disk, requests over real sockets.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier, Mutex};

use idnsafe_tests::http::{Server, get, post_json, request};
use serde_json::{Value, json};

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_idnsafe"))
}

fn policy(name: &str) -> String {
    idnsafe_tests::repo_file(&format!("tables/policies/{name}.toml")).display().to_string()
}

fn lgr_dir() -> PathBuf {
    idnsafe_tests::data_file("lgr")
}

fn start(policy_name: &str, state: &Path, extra: &[&str]) -> Server {
    let p = policy(policy_name);
    let s = state.display().to_string();
    let mut args = vec!["--policy", p.as_str(), "--state", s.as_str()];
    args.extend_from_slice(extra);
    Server::start(bin(), &args, &[("IDNSAFE_TABLES", &lgr_dir())])
}

fn register(addr: SocketAddr, name: &str, registrant: &str) -> idnsafe_tests::http::Response {
    post_json(addr, "/v1/registrations", &json!({"name": name, "registrant": registrant}))
}

fn codes(decision: &Value) -> Vec<String> {
    decision["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn variant_bundles_over_http_register_block_offer_and_release() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("cn", dir.path(), &[]);
    assert!(server.log().contains("every role"), "{}", server.log());
    let a = server.addr;
    let r = register(a, "中国.cn", "alice");
    assert_eq!(r.status, 201, "{}", r.text());
    let j = r.json();
    assert_eq!(j["registration"]["registrant"], "alice");
    assert!(
        j["registration"]["bundle"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["label"] == "中國" && b["status"] == "allocated")
    );
    // The screen answer is exactly the CLI's JSON.
    let r = post_json(a, "/v1/screen", &json!({"name": "中國.cn", "registrant": "bob"}));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["decision"], "reject");
    assert!(codes(&r.json()).contains(&"VARIANT_OF_REGISTERED".to_owned()));
    let r = register(a, "中國.cn", "bob");
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.json()["code"], "REGISTRATION_BLOCKED");
    assert!(codes(&r.json()["decision"]).contains(&"VARIANT_OF_REGISTERED".to_owned()));
    // Offered to alice.
    let r = register(a, "中國.cn", "alice");
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["registration"]["primary"], "中国");
    let r = get(a, "/v1/registrations/xn--fiqs8s.cn");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["registrant"], "alice");
    // Release frees the bundle.
    let r = request(a, "DELETE", "/v1/registrations/%E4%B8%AD%E5%9B%BD.cn", &[], b"").unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["released"], json!(["中国", "中國"]));
    assert_eq!(get(a, "/v1/registrations/xn--fiqs8s.cn").json()["code"], "NOT_REGISTERED");
    assert_eq!(register(a, "中國.cn", "bob").status, 201);
    let log = get(a, "/v1/log?name=xn--fiqz9s.cn").json();
    let actions: Vec<&str> =
        log["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["register", "release", "register", "register"]);
    let m = get(a, "/metrics").text();
    assert!(
        m.contains("idnsafe_requests_total{route=\"/v1/registrations\",status=\"409\"} 1"),
        "{m}"
    );
    assert!(m.contains("idnsafe_registrations 1"), "{m}");
    assert!(m.contains("idnsafe_reasons_total{code=\"VARIANT_OF_REGISTERED\"}"), "{m}");
}

#[test]
fn equivalent_names_and_review_flow_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("br", dir.path(), &[]);
    let a = server.addr;
    assert_eq!(register(a, "paoemaca.com.br", "alice").status, 201);
    let r = register(a, "pãoemaçã.com.br", "bob");
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(codes(&r.json()["decision"]).contains(&"EQUIVALENT_REGISTERED".to_owned()));
    drop(server);

    let dir = tempfile::tempdir().unwrap();
    let server = start("gtld-reference", dir.path(), &[]);
    let a = server.addr;
    assert_eq!(register(a, "paypal.example", "alice").status, 201);
    let r = register(a, "paypa1.example", "bob");
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["application"].as_i64().unwrap();
    let pending = get(a, "/v1/reviews").json();
    assert_eq!(pending["applications"][0]["id"], id);
    assert_eq!(pending["applications"][0]["reasons"][0]["code"], "CONFUSABLE_REGISTERED");
    let r = post_json(
        a,
        &format!("/v1/reviews/{id}"),
        &json!({"decision": "approve", "reviewer": "rita", "comment": "distinct brand"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["outcome"], "registered");
    assert_eq!(get(a, "/v1/registrations/paypa1.example").json()["registrant"], "bob");
    let r = post_json(a, &format!("/v1/reviews/{id}"), &json!({"decision": "reject"}));
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["code"], "APPLICATION_DECIDED");
    assert_eq!(get(a, "/v1/reviews").json()["applications"], json!([]));
}

/// 64 concurrent clients register names that block each other in pairs and
/// triples: exactly one of each group wins.
#[test]
fn concurrent_clients_get_one_winner_per_blocking_group() {
    let dir = tempfile::tempdir().unwrap();
    let server = start("cn", dir.path(), &[]);
    let groups = race(&[server.addr], 24);
    assert_eq!(get(server.addr, "/readyz").json()["registrations"], groups.len());
}

/// 64 clients (spread over `addrs`) register names that block each other
/// in pairs (simplified and traditional variants) and triples (one label in
/// two cases and two zones), each client every group in its own order:
/// asserts that exactly one request of each group wins; returns the groups.
fn race(addrs: &[SocketAddr], n: usize) -> Vec<Vec<String>> {
    let groups: Vec<Vec<String>> = (0..n)
        .flat_map(|i| {
            [
                vec![format!("中国{i}.cn"), format!("中國{i}.cn")],
                vec![format!("dup{i}.cn"), format!("DUP{i}.cn"), format!("dup{i}.中国")],
            ]
        })
        .collect();
    let clients = 64;
    let barrier = Arc::new(Barrier::new(clients));
    let wins = Arc::new(Mutex::new(vec![0usize; groups.len()]));
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (groups, barrier, wins) = (groups.clone(), barrier.clone(), wins.clone());
            let a = addrs[c % addrs.len()];
            std::thread::spawn(move || {
                barrier.wait();
                for (g, names) in groups.iter().enumerate() {
                    let r = register(a, &names[(c + g) % names.len()], &format!("r{c}"));
                    assert!(r.status == 201 || r.status == 409, "{} {}", r.status, r.text());
                    if r.status == 201 {
                        wins.lock().unwrap()[g] += 1;
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let wins = wins.lock().unwrap();
    assert!(wins.iter().all(|&w| w == 1), "{wins:?}");
    groups
}

/// kill -9 while registrations stream in: after a restart every
/// acknowledged registration is there with its whole bundle, and the
/// rebuilt index agrees with the database.
#[test]
fn acknowledged_registrations_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start("cn", dir.path(), &[]);
    let a = server.addr;
    let acked: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let total = 10_000;
    let clients = 16;
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in (c..total).step_by(clients) {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    // Han names with variants: each has a bundle to record.
                    let name =
                        if i % 2 == 0 { format!("中国{i}.cn") } else { format!("n{i}.cn") };
                    match request(
                        a,
                        "POST",
                        "/v1/registrations",
                        &[("Content-Type", "application/json")],
                        json!({"name": name, "registrant": format!("r{c}")}).to_string().as_bytes(),
                    ) {
                        Ok(r) if r.status == 201 => {
                            let bundle = r.json()["registration"]["bundle"].clone();
                            acked.lock().unwrap().insert(name, bundle);
                        }
                        Ok(r) => panic!("{} {}", r.status, r.text()),
                        // The server died under us: this one was never acknowledged.
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    // Let a good part stream in, then pull the plug.
    while acked.lock().unwrap().len() < 1500 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    server.kill9();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 1500);
    let server = start("cn", dir.path(), &[]);
    let a = server.addr;
    for (name, bundle) in &acked {
        let r = get(a, &format!("/v1/registrations/{}", url_path(name)));
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert_eq!(&r.json()["bundle"], bundle, "{name}");
    }
    // The database's registrations (the CLI's export) ...
    let out = std::process::Command::new(bin())
        .args(["state", "export", "--state", &dir.path().display().to_string()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let exported: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    assert!(exported.len() >= acked.len());
    // ... are exactly what the rebuilt index holds: as many, and each one
    // is refused to a stranger as already registered.
    assert_eq!(get(a, "/readyz").json()["registrations"], exported.len());
    let body = exported.join("\n");
    let r = request(
        a,
        "POST",
        "/v1/screen?registrant=stranger&no_bundle=true",
        &[("Content-Type", "application/x-ndjson")],
        body.as_bytes(),
    )
    .unwrap();
    let lines: Vec<Value> = r.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), exported.len());
    for d in &lines {
        assert!(codes(d).contains(&"ALREADY_REGISTERED".to_owned()), "{d}");
    }
}

fn url_path(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn hostile_requests_get_their_error_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens");
    let hash = |t: &str| idnsafe_tests::http::token_hash(bin(), t);
    std::fs::write(
        &tokens,
        format!(
            "reader read {}\nregistrar read,register {}\n",
            hash("reader-token-0123456789"),
            hash("registrar-token-0123456789")
        ),
    )
    .unwrap();
    let state = dir.path().join("state");
    let t = tokens.display().to_string();
    let mut server = start("cn", &state, &["--tokens", &t, "--idle-timeout", "2"]);
    let a = server.addr;
    let reader = ("Authorization", "Bearer reader-token-0123456789");
    let registrar = ("Authorization", "Bearer registrar-token-0123456789");
    let ct = ("Content-Type", "application/json");
    let healthy = || {
        let r =
            request(a, "POST", "/v1/check", &[reader, ct], br#"{"name":"example.cn"}"#).unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
    };
    let expect = |r: idnsafe_tests::http::Response, status: u16, code: &str| {
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(r.json()["code"], code, "{}", r.text());
    };
    // Tokens: missing, wrong, lacking the role.
    expect(
        request(a, "POST", "/v1/check", &[ct], br#"{"name":"a.cn"}"#).unwrap(),
        401,
        "TOKEN_MISSING",
    );
    expect(
        request(
            a,
            "POST",
            "/v1/check",
            &[("Authorization", "Bearer nope"), ct],
            br#"{"name":"a"}"#,
        )
        .unwrap(),
        401,
        "TOKEN_INVALID",
    );
    let body = br#"{"name":"a.cn","registrant":"x"}"#;
    expect(
        request(a, "POST", "/v1/registrations", &[reader, ct], body).unwrap(),
        403,
        "ROLE_MISSING",
    );
    assert_eq!(
        request(a, "POST", "/v1/registrations", &[registrar, ct], body).unwrap().status,
        201
    );
    healthy();
    // Oversized, invalid, unknown.
    let big = format!(r#"{{"name":"{}"}}"#, "a".repeat(70_000));
    expect(
        request(a, "POST", "/v1/check", &[reader, ct], big.as_bytes()).unwrap(),
        413,
        "BODY_TOO_LARGE",
    );
    expect(request(a, "POST", "/v1/check", &[reader, ct], b"{\"name\":").unwrap(), 400, "BAD_JSON");
    expect(
        request(a, "POST", "/v1/check", &[reader, ct], b"{\"name\":\"\xff\"}").unwrap(),
        400,
        "BAD_UTF8",
    );
    expect(
        request(a, "POST", "/v1/check", &[reader, ct], br#"{"name":"a","level":"x","zz":1}"#)
            .unwrap(),
        400,
        "UNKNOWN_FIELD",
    );
    expect(request(a, "POST", "/v1/screen", &[reader, ct], b"{}").unwrap(), 400, "MISSING_FIELD");
    expect(request(a, "GET", "/v1/nothing", &[reader], b"").unwrap(), 404, "NOT_FOUND");
    expect(request(a, "PUT", "/v1/check", &[reader], b"").unwrap(), 405, "METHOD_NOT_ALLOWED");
    healthy();
    // A 1 MB name line in a batch, between two good ones: three records.
    let mut batch = b"ok.cn\n".to_vec();
    batch.extend(std::iter::repeat_n(b'x', 1 << 20));
    batch.extend_from_slice(b"\n\xff\xfe.cn\nlast.cn");
    let r = request(
        a,
        "POST",
        "/v1/check",
        &[reader, ("Content-Type", "application/x-ndjson")],
        &batch,
    )
    .unwrap();
    assert_eq!(r.status, 200);
    let records: Vec<Value> = r.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 4, "{}", r.text().chars().take(2000).collect::<String>());
    assert_eq!(records[0]["ok"], true);
    assert_eq!(records[1]["ok"], false);
    assert!(records[1].to_string().contains("TOO_LONG"), "{}", records[1]);
    assert_eq!(records[2]["ok"], false);
    assert_eq!(records[3]["ok"], true);
    let r = request(
        a,
        "POST",
        "/v1/screen",
        &[reader, ("Content-Type", "application/x-ndjson")],
        &batch,
    )
    .unwrap();
    assert_eq!(r.text().lines().count(), 4);
    healthy();
    // A variant bomb: bounded work, a truncated answer, said so.
    let bomb = "國".repeat(20);
    let r = request(
        a,
        "POST",
        "/v1/variants",
        &[reader, ct],
        json!({"label": bomb, "max": 1000}).to_string().as_bytes(),
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["truncated"], true, "{j}");
    assert_eq!(j["variants"].as_array().unwrap().len(), 1000);
    let r = request(
        a,
        "POST",
        "/v1/screen",
        &[reader, ct],
        json!({"name": format!("{bomb}.cn")}).to_string().as_bytes(),
    )
    .unwrap();
    assert_eq!(r.status, 200);
    let d = r.json();
    assert!(
        d["bundle_truncated"] == true || codes(&d).contains(&"VARIANT_CHECK_INCOMPLETE".to_owned()),
        "{d}"
    );
    healthy();
    // A slow client: half a request line, then nothing. The server drops
    // it after the idle timeout and serves others meanwhile.
    let mut slow = std::net::TcpStream::connect(a).unwrap();
    use std::io::{Read, Write};
    slow.write_all(b"POST /v1/check HTTP/1.1\r\nHost: x\r\n").unwrap();
    healthy();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "not dropped");
    healthy();
    assert!(server.running());
    assert_eq!(server.stop(), Some(0), "{}", server.log());
}

#[test]
fn serving_beyond_loopback_needs_tokens_and_a_changed_policy_needs_a_rescreen() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(bin())
        .args(["serve", "--policy", &policy("cn"), "--state"])
        .arg(dir.path())
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SERVE_NEEDS_TOKENS"));
    // A state made under one policy ...
    let server = start("cn", dir.path(), &[]);
    assert_eq!(register(server.addr, "example.cn", "alice").status, 201);
    drop(server);
    // ... is refused under another until rescreened and accepted.
    let out = std::process::Command::new(bin())
        .args(["serve", "--policy", &policy("gtld-reference"), "--state"])
        .arg(dir.path())
        .args(["--listen", "127.0.0.1:0"])
        .env("IDNSAFE_TABLES", lgr_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("STATE_POLICY_CHANGED"));
    let out = std::process::Command::new(bin())
        .args(["state", "rescreen", "--accept", "--policy", &policy("gtld-reference"), "--state"])
        .arg(dir.path())
        .env("IDNSAFE_TABLES", lgr_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // example.cn is not under .example: the new policy would reject it.
    let found: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["name"], "example.cn");
    assert_eq!(found[0]["decision"]["decision"], "reject");
    let server = start("gtld-reference", dir.path(), &[]);
    assert_eq!(get(server.addr, "/readyz").json()["policy"], "gtld-reference");
}

#[test]
fn state_import_seeds_registrations_with_holders() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("reg.csv");
    std::fs::write(
        &csv,
        "name,registrant\n中国.cn,alice\nexample.cn,bob\nEXAMPLE.cn,carol\nx.de,dan\n",
    )
    .unwrap();
    let state = dir.path().join("state");
    let out = std::process::Command::new(bin())
        .args(["state", "import", "--policy", &policy("cn"), "--state"])
        .arg(&state)
        .arg(&csv)
        .env("IDNSAFE_TABLES", lgr_dir())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("2 registrations imported, 1 duplicates and 1 names outside"), "{err}");
    let server = start("cn", &state, &[]);
    let r = register(server.addr, "中國.cn", "bob");
    assert_eq!(r.status, 409);
    assert_eq!(get(server.addr, "/v1/registrations/example.cn").json()["registrant"], "bob");
    let openapi = get(server.addr, "/openapi.json").json();
    assert_eq!(openapi["openapi"], "3.0.3");
    assert!(openapi["paths"]["/v1/registrations"]["post"].is_object());
}

/// Two `idnsafe serve` processes on one PostgreSQL database, 64 clients
/// split between them: of names that block each other in pairs and
/// triples, exactly one wins, and each server sees the other's
/// registrations.
#[test]
fn two_servers_on_one_postgres_database_never_both_accept_blocking_names() {
    let url = idnsafe_tests::postgres::TempPostgres::shared().database();
    let servers = [start_at("cn", &url), start_at("cn", &url)];
    let addrs = [servers[0].addr, servers[1].addr];
    let groups = race(&addrs, 16);
    // Each server refuses every winner to a stranger: a registration request
    // first catches up with the other server's commits.
    for a in addrs {
        for names in &groups {
            let r = register(a, &names[0], "stranger");
            assert_eq!(r.status, 409, "{}", r.text());
        }
    }
}

fn start_at(policy_name: &str, state: &str) -> Server {
    let p = policy(policy_name);
    Server::start(
        bin(),
        &["--policy", p.as_str(), "--state", state],
        &[("IDNSAFE_TABLES", &lgr_dir())],
    )
}

//! `idnsafe generate` given a name: the registrable label varies, the rest
//! of the name is kept, every line is a valid whole name.

use std::process::Command;

fn generate(args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_idnsafe")).arg("generate").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_name_keeps_its_suffix_and_prefix() {
    let (code, out, err) = generate(&["--json", "--max", "200", "www.bbc.co.uk"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 200);
    let mut last = 0;
    for v in &lines {
        let (u, a, label) = (
            v["ulabel"].as_str().unwrap(),
            v["alabel"].as_str().unwrap(),
            v["label"].as_str().unwrap(),
        );
        assert_eq!(u, format!("www.{label}.co.uk"));
        assert!(a.starts_with("www.") && a.ends_with(".co.uk"), "{a}");
        assert!(idnsafe::idna::check_name(u).is_ok(), "{u}");
        assert_eq!(idnsafe::idna::check_name(a).to_unicode().as_deref(), Some(u));
        let score = v["score"].as_u64().unwrap();
        assert!(score >= last);
        last = score;
        for s in v["substitutions"].as_array().unwrap() {
            assert!(s["position"].as_u64().unwrap() < 3);
            assert!(s["kind"].is_string());
        }
        assert_eq!(v["registrable"], serde_json::Value::Bool(true));
    }
}

#[test]
fn a_public_suffix_alone_is_refused_with_a_code() {
    let (code, out, err) = generate(&["co.uk"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("GENERATE_TARGET_INVALID"), "{err}");
}

//! End-to-end tests of the `idnsafe` binary: output shape, exit codes and
//! hostile input (every input line gives exactly one record).

use std::io::Write;
use std::process::{Command, Stdio};

fn idnsafe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_idnsafe"))
}

/// Runs `idnsafe ARGS` with `stdin` and returns (status, stdout, stderr).
fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = idnsafe()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect();
    for l in v["labels"].as_array().unwrap() {
        out.extend(
            l["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_owned()),
        );
    }
    out
}

#[test]
fn json_record_per_argument_with_documented_fields() {
    let (code, out, _) = run(&["check", "--json", "bücher.example", "a·b.example"], b"");
    assert_eq!(code, 0, "a rejected name is a result, not a failure");
    let recs = json_lines(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["input"], "bücher.example");
    assert_eq!(recs[0]["ok"], true);
    assert_eq!(recs[0]["labels"][0]["ulabel"], "bücher");
    assert_eq!(recs[0]["labels"][0]["alabel"], "xn--bcher-kva");
    assert_eq!(recs[1]["ok"], false);
    let e = &recs[1]["labels"][0]["errors"][0];
    assert_eq!(e["code"], "CONTEXTO");
    assert_eq!(e["position"], 1);
    assert_eq!(e["codepoint"], "U+00B7");
    assert!(e["message"].as_str().unwrap().contains("MIDDLE DOT"));
}

#[test]
fn hostile_input_gives_one_record_per_line() {
    let mut input = Vec::new();
    input.extend_from_slice(b"caf\xc3\xa9.example\n"); // valid
    input.extend_from_slice(b"bad\xff\xfeutf8.example\n"); // invalid UTF-8
    input.extend(std::iter::repeat_n(b'a', 1 << 20)); // a 1 MB line
    input.push(b'\n');
    input.extend_from_slice(b"xn--\x01\x02garbage!!.example\n");
    input.extend_from_slice(b"xn--.example\n");
    input.extend(std::iter::repeat_n(b'\n', 10_000)); // 10,000 empty lines
    input.extend_from_slice(b"last.example"); // no final newline
    let (code, out, _) = run(&["check", "--json"], &input);
    assert_eq!(code, 0);
    let recs = json_lines(&out);
    assert_eq!(recs.len(), 5 + 10_000 + 1, "lines in = records out");
    assert_eq!(recs[0]["ok"], true);
    assert_eq!(codes(&recs[1]), ["INVALID_UTF8"]);
    assert_eq!(codes(&recs[2]), ["LINE_TOO_LONG"]);
    assert!(recs[2]["input"].as_str().unwrap().len() <= idnsafe_idna::MAX_INPUT_BYTES);
    assert!(codes(&recs[3]).contains(&"PUNYCODE_INVALID".to_owned()), "{:?}", codes(&recs[3]));
    assert_eq!(codes(&recs[4]), ["PUNYCODE_INVALID"]);
    for r in &recs[5..5 + 10_000] {
        assert_eq!(codes(r), ["EMPTY_LABEL"]);
    }
    assert_eq!(recs[10_005]["input"], "last.example");
    assert_eq!(recs[10_005]["ok"], true);
}

#[test]
fn human_output_names_code_points_scripts_and_errors() {
    let (code, out, _) = run(&["check", "пример.рф", "a·b.example"], b"");
    assert_eq!(code, 0);
    assert!(out.contains("U+043F"), "{out}");
    assert!(out.contains("CYRILLIC SMALL LETTER PE"), "{out}");
    assert!(out.contains("[Cyrl]"), "{out}");
    assert!(out.contains("xn--e1afmkfd"), "{out}");
    assert!(out.contains("error CONTEXTO"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(&["check", "--no-such-flag"], b"");
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(&["no-such-command"], b"");
    assert_eq!(code, 2);
}

#[test]
fn version_lists_data_sources() {
    let (code, out, _) = run(&["version"], b"");
    assert_eq!(code, 0);
    assert!(out.starts_with("idnsafe "), "{out}");
    assert!(out.contains(idnsafe_idna::UNICODE_VERSION), "{out}");
}

#[test]
fn idna_derive_agrees_with_idna2008_txt() {
    let (code, out, _) = run(&["idna", "derive"], b"");
    assert_eq!(code, 0);
    let ours: Vec<String> = out
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let text = idnsafe_tests::read_text("unicode/18.0.0/Idna2008.txt");
    let theirs: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a, b);
    }
}

#[test]
fn demo_file_runs() {
    let path = idnsafe_tests::repo_file("tables/demo/names.txt");
    let input = std::fs::read(&path).unwrap();
    let (code, out, _) = run(&["check", "--json"], &input);
    assert_eq!(code, 0);
    let recs = json_lines(&out);
    assert_eq!(recs.len(), input.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count());
    assert!(recs.iter().any(|r| r["ok"] == true));
    assert!(recs.iter().any(|r| r["ok"] == false));
}

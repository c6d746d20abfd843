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

#[test]
fn lgr_validate_reports_root_zone_lgrs_symmetric_and_transitive() {
    let dir = idnsafe_tests::data_file("lgr/root-zone/lgr-5");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let (code, out, err) = run(&["lgr", "validate", "--json", p.to_str().unwrap()], b"");
        assert_eq!(code, 0, "{}: {err}", p.display());
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["usable"], true);
        assert_eq!(v["variant_relation"]["symmetric"], true, "{}", p.display());
        assert_eq!(v["variant_relation"]["transitive"], true, "{}", p.display());
        n += 1;
    }
    assert_eq!(n, 25);
}

#[test]
fn screen_decides_with_reasons_and_bundle() {
    let dir = std::env::temp_dir().join(format!("idnsafe-cli-screen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("reg.csv");
    std::fs::write(&reg, "name,registrant\npaoemaca.com.br,alice\n").unwrap();
    let policy = idnsafe_tests::repo_file("tables/policies/br.toml");
    let args = [
        "screen",
        "--policy",
        policy.to_str().unwrap(),
        "--registered",
        reg.to_str().unwrap(),
        "--registrant",
        "bob",
        "--json",
    ];
    let (code, out, err) = run(&args, "pãoemaçã.com.br\nsorvete.com.br\n".as_bytes());
    assert_eq!(code, 0, "{err}");
    let recs = json_lines(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["decision"], "reject");
    assert_eq!(recs[0]["reasons"][0]["code"], "EQUIVALENT_REGISTERED");
    assert_eq!(recs[0]["bundle"][0]["label"], "paoemaca");
    assert_eq!(recs[0]["bundle"][0]["status"], "reserved");
    assert_eq!(recs[1]["decision"], "accept");
    assert!(err.contains("1 accepted, 1 rejected"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn audit_writes_findings_and_summary() {
    let dir = std::env::temp_dir().join(format!("idnsafe-cli-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("names.txt");
    // An A-label twin, and a U-label twin as a list may hold it.
    std::fs::write(
        &list,
        "paypal.example\nxn--pypal-4ve.example\nраураl.example\nbücher.example\n",
    )
    .unwrap();
    let protect = dir.join("protect.txt");
    std::fs::write(&protect, "paypal.com\n").unwrap();
    let summary = dir.join("summary.json");
    let args = [
        "audit",
        "--json",
        "--protect",
        protect.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
        list.to_str().unwrap(),
    ];
    let (code, out, err) = run(&args, b"");
    assert_eq!(code, 0, "{err}");
    let recs = json_lines(&out);
    assert!(
        recs.iter()
            .any(|r| r["kind"] == "confusable_with_protected" && r["protected"] == "paypal.com"),
        "{out}"
    );
    let cluster = recs.iter().find(|r| r["kind"] == "homograph_cluster").unwrap();
    assert_eq!(cluster["names"].as_array().unwrap().len(), 3, "{out}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["names_distinct"], 4);
    assert_eq!(s["names_idn"], 3);
    assert!(s["data_versions"].as_array().unwrap().len() >= 4);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `variants` leaves invalid variant labels out by default, as ICANN's
/// reference engine does, and says how many; `--include-invalid` lists them.
#[test]
fn variants_leave_invalid_labels_out_unless_asked() {
    let lgr = idnsafe_tests::data_file("lgr/root-zone/lgr-5/lgr-5-arabic-script-26may22-en.xml");
    let lgr = lgr.display().to_string();
    let (code, out, err) = run(&["variants", "--lgr", &lgr, "--json", "ذهيبة"], b"");
    assert_eq!(code, 0, "{err}");
    let default = &json_lines(&out)[0];
    let (code, out, err) =
        run(&["variants", "--lgr", &lgr, "--json", "--include-invalid", "ذهيبة"], b"");
    assert_eq!(code, 0, "{err}");
    let all = &json_lines(&out)[0];
    let dispositions = |r: &serde_json::Value| -> Vec<String> {
        r["variants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["disposition"].as_str().unwrap().to_owned())
            .collect()
    };
    let invalid = dispositions(all).iter().filter(|d| *d == "invalid").count();
    assert!(invalid > 0, "{all}");
    assert!(!dispositions(default).iter().any(|d| d == "invalid"));
    assert_eq!(default["invalid_omitted"], invalid);
    assert_eq!(all["invalid_omitted"], 0);
    assert_eq!(default["total"].as_u64().unwrap() + invalid as u64, all["total"].as_u64().unwrap());
    assert_eq!(default["count"], all["count"], "the exact count covers every disposition");
}

/// On a pipe an audit prints only its summary unless `--progress` is given;
/// with it, a line a second says how much of the input is read.
#[test]
fn audit_progress_only_when_asked_on_a_pipe() {
    let kz = idnsafe_tests::data_file("names/kz.txt.gz");
    let kz = kz.to_str().unwrap();
    let (code, _, err) = run(&["audit", "--names", "registrable", kz], b"");
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("MB read"), "{err}");
    assert!(err.starts_with("idnsafe audit: "), "{err}");
    let t = std::time::Instant::now();
    let (code, _, err) = run(&["audit", "--progress", "--names", "registrable", kz, kz, kz], b"");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("MB read")).collect();
    if secs > 2.5 {
        assert!(!lines.is_empty(), "{secs:.1} s without a progress line:\n{err}");
    }
    for l in lines {
        assert!(l.starts_with("idnsafe audit: ") && l.contains(" of "), "{l}");
    }
}

/// `idnsafe lgr collisions`: registered names that are variants of each
/// other under an LGR, grouped (A-labels decoded, names cut to their first
/// label); labels outside the LGR and unreadable lines are records too.
#[test]
fn lgr_collisions_groups_variant_names() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("names.txt");
    std::fs::write(&list, "中国.cn\nxn--fiqz9s.cn\n例子.cn\nabc.cn\nxn--zz-99999999.cn\n").unwrap();
    let zh = idnsafe_tests::data_file("lgr/second-level/zh.xml");
    let (code, out, err) = run(
        &["lgr", "collisions", "--json", "--lgr", zh.to_str().unwrap(), list.to_str().unwrap()],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let v = json_lines(&out);
    let groups: Vec<&serde_json::Value> = v.iter().filter(|x| x["kind"] == "collision").collect();
    assert_eq!(groups.len(), 1, "{out}");
    assert_eq!(groups[0]["labels"], serde_json::json!(["中国", "中國"]));
    assert!(v.iter().any(|x| x["kind"] == "error" && x["code"] == "PUNYCODE_INVALID"), "{out}");
    assert!(err.contains("1 collision groups (2 labels)"), "{err}");
}

/// `idnsafe lgr compare --diff`: an LGR and what `lgr write` makes of it are
/// identical; two tables differ in the code points and mappings they do.
#[test]
fn lgr_compare_diff() {
    let ru = idnsafe_tests::data_file("lgr/second-level/ru.xml");
    let cyrl = idnsafe_tests::data_file("lgr/second-level/und-Cyrl.xml");
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("ru.xml");
    let (code, xml, err) = run(&["lgr", "write", "--facts-only", ru.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    std::fs::write(&written, xml).unwrap();
    let (code, out, err) = run(
        &["lgr", "compare", "--diff", "--json", ru.to_str().unwrap(), written.to_str().unwrap()],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_lines(&out)[0]["identical"], true, "{out}");
    let (code, out, err) =
        run(&["lgr", "compare", "--json", ru.to_str().unwrap(), cyrl.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let d = &json_lines(&out)[0];
    assert_eq!(d["identical"], false);
    assert!(
        d["repertoire_only_second"].as_array().unwrap().iter().any(|r| r == "0452-045C"),
        "{d}"
    );
    let m = &d["variants_only_second"];
    assert!(
        m.as_array().unwrap().iter().any(|x| x["source"] == "0456" && x["target"] == "0457"),
        "{m}"
    );
}

/// `idnsafe lgr harmonize`: writes both LGRs harmonised, each loading with
/// a symmetric and transitive variant relation, and says what it added.
#[test]
fn lgr_harmonize_writes_both() {
    let dir = tempfile::tempdir().unwrap();
    let ja = idnsafe_tests::data_file("lgr/second-level/ja.xml");
    let jpan = idnsafe_tests::data_file("lgr/second-level/und-Jpan.xml");
    let (code, out, err) = run(
        &[
            "lgr",
            "harmonize",
            "--json",
            "--out-dir",
            dir.path().to_str().unwrap(),
            ja.to_str().unwrap(),
            jpan.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let v = &json_lines(&out)[0];
    assert!(!v["added_first"].as_array().unwrap().is_empty(), "{v}");
    for name in ["ja.harmonized.xml", "und-Jpan.harmonized.xml"] {
        let lgr = idnsafe::lgr::Lgr::from_path(dir.path().join(name)).unwrap();
        let rel = lgr.variant_relation();
        assert!(rel.symmetric && rel.transitive, "{name}: {rel:?}");
    }
}

/// `idnsafe lgr compare --union|--intersect` and `idnsafe lgr merge-set`:
/// the LGR on standard output or in `--out`, the report as JSON or on
/// standard error; `--json` without `--out` is a usage error.
#[test]
fn lgr_union_intersect_and_merge_set() {
    let dir = tempfile::tempdir().unwrap();
    let de = idnsafe_tests::data_file("lgr/second-level/de.xml");
    let latn = idnsafe_tests::data_file("lgr/second-level/und-Latn.xml");
    let (de, latn) = (de.to_str().unwrap(), latn.to_str().unwrap());
    let (code, out, err) = run(&["lgr", "compare", "--union", de, latn], b"");
    assert_eq!(code, 0, "{err}");
    let u = idnsafe::lgr::Lgr::from_xml(&out).unwrap();
    let (a, b) =
        (idnsafe::lgr::Lgr::from_path(de).unwrap(), idnsafe::lgr::Lgr::from_path(latn).unwrap());
    assert!(
        a.repertoire().ranges().iter().all(|&(x, y)| (x..=y).all(|c| u.repertoire().contains(c)))
    );
    assert!(
        b.repertoire().ranges().iter().all(|&(x, y)| (x..=y).all(|c| u.repertoire().contains(c)))
    );
    assert!(err.starts_with("union: "), "{err}");
    let path = dir.path().join("i.xml");
    let (code, out, err) = run(
        &["lgr", "compare", "--intersect", "--json", "--out", path.to_str().unwrap(), de, latn],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let v = &json_lines(&out)[0];
    let i = idnsafe::lgr::Lgr::from_path(&path).unwrap();
    assert_eq!(
        v["summary"]["elements"].as_u64().unwrap(),
        i.repertoire().len() as u64 + i.sequences().count() as u64
    );
    let (code, _, err) = run(&["lgr", "compare", "--union", "--json", de, latn], b"");
    assert_eq!(code, 2, "{err}");
    let rz = |s: &str| {
        idnsafe_tests::data_file(&format!("lgr/root-zone/lgr-5/lgr-5-{s}-script-26may22-en.xml"))
    };
    let (lat, cyr) = (rz("latin"), rz("cyrillic"));
    let (code, out, err) =
        run(&["lgr", "merge-set", lat.to_str().unwrap(), cyr.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let m = idnsafe::lgr::Lgr::from_xml(&out).unwrap();
    assert!(m.rule_names().any(|r| r == "und-Cyrl-leading-combining-mark" || r == "Common-leading-combining-mark"));
    // Latin a and Cyrillic а are cross-script variants in the merged set.
    assert!(m.are_variants("a", "\u{430}").unwrap());
    let maps = m.variant_mappings(&[0x61]);
    assert!(!maps.is_empty() && maps.iter().all(|v| v.types == ["blocked"]), "{maps:?}");
}

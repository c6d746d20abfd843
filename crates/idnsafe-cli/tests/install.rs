//! `cargo install --path crates/idnsafe-cli` gives an `idnsafe` that runs
//! every README example from any directory, without the repository or
//! `IDNSAFE_TABLES`: this test installs it into a temporary root, runs each
//! command of the README's `console` blocks in a temporary directory (with
//! `../shared/data` there pointing at the shared third-party data the
//! examples name), and compares what it prints with the README.
//!
//! In the README's expected output, a line `...` stands for any number of
//! lines, and `...` inside a line for any text; a command shown without
//! output must only succeed; the summary a command writes on standard
//! error may be left out. The time and rate at the end of an audit
//! summary are masked. Blocks marked `shell-session` (a server and its
//! clients) are not run here; `tests/serve.rs` covers them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (command, expected output lines) of every README `console` block.
fn readme_examples(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        if !in_block {
            in_block = line.trim_end() == "```console";
            continue;
        }
        if line.starts_with("```") {
            in_block = false;
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push((cmd.to_owned(), Vec::new()));
        } else if let Some((_, expected)) = out.last_mut() {
            expected.push(line.to_owned());
        }
    }
    out
}

/// Masks the seconds and names per second an audit summary ends with.
fn mask_timing(line: &str) -> String {
    match (line.rfind("; "), line.ends_with(" names/s)")) {
        (Some(i), true) if line[i..].contains(" s (") => format!("{}; <time>", &line[..i]),
        _ => line.to_owned(),
    }
}

/// Whether `actual` matches `expected`, where `...` inside is any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("...").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || !actual[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

/// Whether the actual lines match the expected ones (`...` lines: any run).
fn lines_match(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e.trim() == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((e, rest)) => match actual.split_first() {
            Some((a, arest)) => line_matches(e, a) && lines_match(rest, arest),
            None => false,
        },
    }
}

fn install(root: &Path) -> PathBuf {
    let repo = idnsafe_tests::repo_root();
    let status = Command::new(env!("CARGO"))
        .current_dir(&repo)
        .args([
            "install",
            "--locked",
            "--offline",
            "--quiet",
            "--path",
            "crates/idnsafe-cli",
            "--root",
        ])
        .arg(root)
        // A target directory of its own, kept between runs, so the release
        // build is incremental after the first.
        .arg("--target-dir")
        .arg(repo.join("target/install-test"))
        .env_remove("IDNSAFE_TABLES")
        .status()
        .expect("cargo install");
    assert!(status.success(), "cargo install --path crates/idnsafe-cli failed");
    let bin = root.join("bin/idnsafe");
    assert!(bin.exists(), "{} not installed", bin.display());
    bin
}

#[test]
fn installed_binary_runs_every_readme_example_from_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = install(&tmp.path().join("root"));
    let size = std::fs::metadata(&bin).unwrap().len();
    assert!(size < 40 << 20, "the installed binary is {size} bytes (over 40 MB)");
    // The examples run in TMP/run, and name the shared data as ../shared/data.
    let run = tmp.path().join("run");
    std::fs::create_dir_all(tmp.path().join("shared")).unwrap();
    std::fs::create_dir_all(&run).unwrap();
    std::os::unix::fs::symlink(idnsafe_tests::shared_data(), tmp.path().join("shared/data"))
        .unwrap();
    let readme = std::fs::read_to_string(idnsafe_tests::repo_root().join("README.md")).unwrap();
    let examples = readme_examples(&readme);
    assert!(examples.len() >= 15, "only {} README examples found", examples.len());
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for (cmd, expected) in &examples {
        let out = Command::new("bash")
            .args(["-c", cmd])
            .current_dir(&run)
            .env("PATH", &path)
            .env_remove("IDNSAFE_TABLES")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            failures.push(format!("$ {cmd}\nexit {:?}\n{stderr}", out.status.code()));
            continue;
        }
        if expected.is_empty() {
            continue;
        }
        // The README shows what a terminal shows: standard output, then
        // the summary on standard error, which it may leave out.
        let actual: Vec<String> = stdout.lines().chain(stderr.lines()).map(mask_timing).collect();
        let only_stdout: Vec<String> = stdout.lines().map(mask_timing).collect();
        let expected: Vec<String> = expected.iter().map(|l| mask_timing(l)).collect();
        if !lines_match(&expected, &actual) && !lines_match(&expected, &only_stdout) {
            failures.push(format!(
                "$ {cmd}\n--- README\n{}\n--- actual\n{}",
                expected.join("\n"),
                actual.join("\n")
            ));
        }
    }
    println!("{} README examples run with {}", examples.len(), bin.display());
    assert!(
        failures.is_empty(),
        "{} examples differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_matcher_is_strict_where_the_readme_is() {
    let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(lines_match(&l(&["a", "...", "z"]), &l(&["a", "b", "c", "z"])));
    assert!(!lines_match(&l(&["a", "...", "z"]), &l(&["a", "b"])));
    assert!(!lines_match(&l(&["a"]), &l(&["a", "b"])));
    assert!(line_matches(r#"{"a":1,"b":[...],"c":2}"#, r#"{"a":1,"b":[3,4],"c":2}"#));
    assert!(!line_matches(r#"{"a":1,"b":[...],"c":2}"#, r#"{"a":1,"b":[3,4],"c":3}"#));
    assert_eq!(
        mask_timing("idnsafe audit: 4 names; findings: none; 0.02 s (26153 names/s)"),
        "idnsafe audit: 4 names; findings: none; <time>"
    );
}

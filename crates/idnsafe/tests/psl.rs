//! The Public Suffix List lookup against the list's official test vectors
//! (`psl/test_psl.txt` in the shared data), and the embedded table against
//! the list it was written from.

use idnsafe::psl::{self, Sections};

/// `checkPublicSuffix('input', 'expected');` lines: (input, expected
/// registrable domain); `null` is `None`.
fn vectors() -> Vec<(Option<String>, Option<String>)> {
    let text = idnsafe_tests::read_text("psl/test_psl.txt");
    let arg = |s: &str| -> Option<String> {
        let s = s.trim();
        if s == "null" { None } else { Some(s.trim_matches('\'').to_owned()) }
    };
    text.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("checkPublicSuffix(")?.strip_suffix(");"))
        .map(|args| {
            let (a, b) = args.split_once(',').expect("two arguments");
            (arg(a), arg(b))
        })
        .collect()
}

#[test]
fn official_test_vectors_pass() {
    let v = vectors();
    assert!(v.len() >= 60, "only {} test vectors found", v.len());
    let mut failures = Vec::new();
    for (input, expected) in &v {
        let got = input.as_deref().and_then(|i| psl::registrable_domain(i, Sections::All));
        if got != *expected {
            failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail:\n{}",
        failures.len(),
        v.len(),
        failures.join("\n")
    );
}

#[test]
fn embedded_table_is_the_shared_list() {
    let text = idnsafe_tests::read_text("psl/public_suffix_list.dat");
    let rules = |t: &str| -> Vec<String> {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        rules(psl::PSL_DAT),
        rules(&text),
        "tables/psl is stale: run `cargo run -p idnsafe --example generate_psl`"
    );
    let version = text.lines().find_map(|l| l.strip_prefix("// VERSION:")).map(str::trim);
    assert_eq!(psl::version(), version);
    assert!(psl::PSL_DAT.contains("Mozilla Public"), "licence notice missing");
    assert!(psl::rule_count() > 5000);
}

#[test]
fn private_section_counts_unless_icann_only() {
    let p = psl::split("paypal.blogspot.com", Sections::All).unwrap();
    assert_eq!((p.label.as_str(), p.suffix.as_str()), ("paypal", "blogspot.com"));
    let p = psl::split("paypal.blogspot.com", Sections::Icann).unwrap();
    assert_eq!(
        (p.prefix.as_str(), p.label.as_str(), p.suffix.as_str()),
        ("paypal", "blogspot", "com")
    );
    let p = psl::split("www.bbc.co.uk", Sections::All).unwrap();
    assert_eq!((p.prefix.as_str(), p.label.as_str(), p.suffix.as_str()), ("www", "bbc", "co.uk"));
    assert_eq!(psl::public_suffix("www.bbc.co.uk", Sections::All).as_deref(), Some("co.uk"));
    assert_eq!(psl::split("co.uk", Sections::All), None);
    assert_eq!(psl::split("a..com", Sections::All), None);
    assert_eq!(psl::split(&"a.".repeat(600), Sections::All), None);
}

//! The bundled policies in `tables/policies/`, each with tests that encode
//! the public facts it models.

use std::path::PathBuf;

use idnsafe_policy::{BundleStatus, Decision, Policy, RegistryState, Request, SearchPath, Verdict};

fn policy(name: &str) -> Policy {
    let path = idnsafe_tests::repo_file(&format!("tables/policies/{name}.toml"));
    let mut search = SearchPath::for_policy(&path);
    // ICANN's LGRs and the .se tables are third-party files: read them from the shared data.
    search.push(idnsafe_tests::data_file("lgr"));
    Policy::load_with(&path, &search).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn screen(p: &Policy, state: &RegistryState, name: &str, registrant: Option<&str>) -> Decision {
    p.screen(state, name, Request { registrant, ..Request::default() })
}

fn codes(d: &Decision) -> Vec<&str> {
    d.reasons.iter().map(|r| r.code.as_str()).collect()
}

fn empty(p: &Policy) -> RegistryState {
    RegistryState::build(p, std::iter::empty())
}

#[test]
fn every_bundled_policy_loads() {
    let dir = idnsafe_tests::repo_file("tables/policies");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p: PathBuf = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let name = p.file_stem().unwrap().to_str().unwrap().to_owned();
            let pol = policy(&name);
            assert!(!pol.file().policy.sources.is_empty(), "{name} cites no sources");
            n += 1;
        }
    }
    assert!(n >= 10, "only {n} policies");
}

#[test]
fn de_mueller_and_mueller_with_umlaut_are_unrelated() {
    let p = policy("de");
    let state = RegistryState::build(&p, [("mueller.de", Some("alice"))]);
    let d = screen(&p, &state, "müller.de", Some("bob"));
    assert_eq!(d.decision, Verdict::Accept, "{:?}", d.reasons);
    assert!(d.reasons.is_empty());
    // And the other way round.
    let state = RegistryState::build(&p, [("müller.de", Some("alice"))]);
    assert_eq!(screen(&p, &state, "mueller.de", Some("bob")).decision, Verdict::Accept);
    // ß is a character of its own (since 2010), not "ss".
    let state = RegistryState::build(&p, [("strasse.de", Some("alice"))]);
    assert_eq!(screen(&p, &state, "straße.de", Some("bob")).decision, Verdict::Accept);
}

#[test]
fn de_refuses_characters_outside_the_denic_list() {
    let p = policy("de");
    let d = screen(&p, &empty(&p), "ǆungla.de", None); // U+01C6 is Latin Extended-B
    assert_eq!(d.decision, Verdict::Reject);
    assert!(codes(&d).contains(&"LGR_NOT_IN_REPERTOIRE"), "{:?}", codes(&d));
    let d = screen(&p, &empty(&p), "пример.de", None);
    assert!(codes(&d).contains(&"POLICY_SCRIPT_NOT_ALLOWED"), "{:?}", codes(&d));
}

#[test]
fn eu_cyrillic_label_belongs_under_the_cyrillic_tld() {
    let p = policy("eu");
    let s = empty(&p);
    let d = screen(&p, &s, "пример.eu", None);
    assert_eq!(d.decision, Verdict::Reject);
    let r = d.reasons.iter().find(|r| r.code == "POLICY_SCRIPT_TLD_MISMATCH").unwrap();
    assert!(r.message.contains(".ею"), "{}", r.message);
    assert_eq!(screen(&p, &s, "пример.ею", None).decision, Verdict::Accept);
    assert_eq!(screen(&p, &s, "παράδειγμα.ευ", None).decision, Verdict::Accept);
    let d = screen(&p, &s, "example.ευ", None);
    assert!(codes(&d).contains(&"POLICY_SCRIPT_TLD_MISMATCH"));
    assert_eq!(screen(&p, &s, "example.eu", None).decision, Verdict::Accept);
}

#[test]
fn eu_reserves_country_names_and_romanized_registrations() {
    let p = policy("eu");
    let d = screen(&p, &empty(&p), "germany.eu", None);
    assert_eq!(d.decision, Verdict::Reject);
    assert_eq!(codes(&d), ["RESERVED"]);
    // "moskva" registered in Latin: its Cyrillic spelling is reserved for that holder.
    let state = RegistryState::build(&p, [("moskva.eu", Some("alice"))]);
    let d = screen(&p, &state, "москва.ею", Some("bob"));
    assert!(codes(&d).contains(&"ROMANIZED_PROTECTED"), "{:?}", codes(&d));
    assert_eq!(d.decision, Verdict::Reject);
    assert_eq!(screen(&p, &state, "москва.ею", Some("alice")).decision, Verdict::Accept);
}

#[test]
fn rf_refuses_latin_labels() {
    let p = policy("rf");
    let s = empty(&p);
    let d = screen(&p, &s, "example.рф", None);
    assert_eq!(d.decision, Verdict::Reject);
    assert!(codes(&d).contains(&"POLICY_SCRIPT_NOT_ALLOWED"), "{:?}", codes(&d));
    assert_eq!(screen(&p, &s, "пример.рф", None).decision, Verdict::Accept);
    // The A-label form of the zone is the same zone.
    assert_eq!(screen(&p, &s, "пример.xn--p1ai", None).decision, Verdict::Accept);
}

#[test]
fn br_equivalent_names_belong_to_one_holder() {
    let p = policy("br");
    let state = RegistryState::build(&p, [("paoemaca.com.br", Some("first"))]);
    let d = screen(&p, &state, "pãoemaçã.com.br", Some("second"));
    assert_eq!(d.decision, Verdict::Reject);
    let r = d.reasons.iter().find(|r| r.code == "EQUIVALENT_REGISTERED").unwrap();
    assert_eq!(r.conflicting.as_deref(), Some("paoemaca"));
    let d = screen(&p, &state, "pãoemaçã.com.br", Some("first"));
    assert_eq!(d.decision, Verdict::Accept, "{:?}", d.reasons);
    // Hyphens too.
    let d = screen(&p, &state, "pao-e-maca.com.br", Some("second"));
    assert!(codes(&d).contains(&"EQUIVALENT_REGISTERED"));
    // The bundle reserves the plain form.
    let d = screen(&p, &RegistryState::build(&p, std::iter::empty()), "pãoemaçã.com.br", None);
    assert!(d.bundle.iter().any(|b| b.label == "paoemaca" && b.status == BundleStatus::Reserved));
}

#[test]
fn cn_traditional_variant_goes_to_the_same_holder_only() {
    let p = policy("cn");
    let state = RegistryState::build(&p, [("中国.cn", Some("alice"))]);
    let d = screen(&p, &state, "中國.cn", Some("bob"));
    assert_eq!(d.decision, Verdict::Reject);
    let r = d.reasons.iter().find(|r| r.code == "VARIANT_OF_REGISTERED").unwrap();
    assert_eq!(r.conflicting.as_deref(), Some("中国"));
    let d = screen(&p, &state, "中國.cn", Some("alice"));
    assert_eq!(d.decision, Verdict::Accept, "{:?}", d.reasons);
    // Registering the simplified name bundles the traditional one to its holder.
    let d = screen(&p, &empty(&p), "中国.中国", Some("carol"));
    assert_eq!(d.decision, Verdict::Accept, "{:?}", d.reasons);
    assert!(
        d.bundle.iter().any(|b| b.label == "中國" && b.status == BundleStatus::Allocated),
        "{:?}",
        d.bundle
    );
}

#[test]
fn pl_refuses_a_label_mixing_two_character_tables() {
    let p = policy("pl");
    let s = empty(&p);
    assert_eq!(screen(&p, &s, "żółw.pl", None).decision, Verdict::Accept);
    assert_eq!(screen(&p, &s, "straße.pl", None).decision, Verdict::Accept);
    let d = screen(&p, &s, "żółwstraße.pl", None);
    assert_eq!(d.decision, Verdict::Reject);
    assert!(codes(&d).iter().all(|c| *c == "LGR_NOT_IN_REPERTOIRE"), "{:?}", codes(&d));
    assert!(d.reasons.iter().any(|r| r.table.as_deref() == Some("pl-polish")));
    assert!(d.reasons.iter().any(|r| r.table.as_deref() == Some("pl-german")));
}

#[test]
fn se_jp_kr_accept_their_scripts_and_refuse_others() {
    let se = policy("se");
    assert_eq!(screen(&se, &empty(&se), "räksmörgås.se", None).decision, Verdict::Accept);
    assert_eq!(screen(&se, &empty(&se), "пример.se", None).decision, Verdict::Reject);
    let jp = policy("jp");
    assert_eq!(screen(&jp, &empty(&jp), "東京タワー.jp", None).decision, Verdict::Accept);
    assert_eq!(screen(&jp, &empty(&jp), "пример.jp", None).decision, Verdict::Reject);
    let kr = policy("kr");
    assert_eq!(screen(&kr, &empty(&kr), "한국어.kr", None).decision, Verdict::Accept);
    assert_eq!(screen(&kr, &empty(&kr), "пример.kr", None).decision, Verdict::Reject);
}

#[test]
fn gtld_reference_reserves_spec5_names_and_reports_every_reason() {
    let p = policy("gtld-reference");
    let d = screen(&p, &empty(&p), "nic.example", None);
    assert_eq!(codes(&d), ["RESERVED"]);
    // IDNA violations come with the policy's own reasons.
    let d = screen(&p, &empty(&p), "a·b.example", None);
    assert_eq!(d.decision, Verdict::Reject);
    assert!(codes(&d).contains(&"CONTEXTO"), "{:?}", codes(&d));
    // A confusable of a registered name is held for review.
    let state = RegistryState::build(&p, [("paypal.example", Some("pp"))]);
    let d = screen(&p, &state, "paypa1.example", Some("x"));
    assert_eq!(d.decision, Verdict::Review, "{:?}", d.reasons);
    assert_eq!(codes(&d), ["CONFUSABLE_REGISTERED"]);
    assert_eq!(screen(&p, &state, "paypal.example", Some("x")).decision, Verdict::Reject);
    assert_eq!(screen(&p, &state, "paypal.com", Some("x")).decision, Verdict::Reject); // wrong zone
}

#[test]
fn malformed_policy_names_file_line_and_key() {
    let dir = std::env::temp_dir().join(format!("idnsafe-policy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.toml");
    std::fs::write(
        &f,
        "[policy]\nname = \"x\"\nzones = [\"x\"]\n\n[scripts]\nmixed = \"sometimes\"\n",
    )
    .unwrap();
    let e = Policy::load(&f).unwrap_err();
    assert_eq!(e.code(), "POLICY_SYNTAX");
    assert_eq!(e.line(), Some(6));
    assert_eq!(e.key(), Some("scripts.mixed"));
    assert!(e.to_string().contains("bad.toml:6"), "{e}");
    std::fs::write(&f, "[policy]\nname = \"x\"\nzones = [\"x\"]\nunknown_key = 1\n").unwrap();
    let e = Policy::load(&f).unwrap_err();
    assert_eq!(e.line(), Some(4));
    assert_eq!(e.key(), Some("policy.unknown_key"));
    std::fs::write(
        &f,
        "[policy]\nname = \"x\"\nzones = [\"x\"]\n[[table]]\nid = \"t\"\nfile = \"missing.txt\"\n",
    )
    .unwrap();
    let e = Policy::load(&f).unwrap_err();
    assert_eq!(e.code(), "POLICY_TABLE_NOT_FOUND");
    assert_eq!(e.key(), Some("table.file"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gtld_reference_finds_latin_variants_with_sequences_without_enumeration() {
    // ICANN's Latin reference LGR maps ß to the sequence "ss" and has
    // accented variants; its relation has sequences, so collisions are found
    // by the sequence-free key and confirmed pairwise.
    let p = policy("gtld-reference");
    let state = RegistryState::build(
        &p,
        [("strasse.example", Some("alice")), ("example1.example", Some("alice"))],
    );
    let d = screen(&p, &state, "straße.example", Some("bob"));
    assert_eq!(d.decision, Verdict::Reject, "{:?}", d.reasons);
    let r = d.reasons.iter().find(|r| r.code == "VARIANT_OF_REGISTERED").unwrap();
    assert_eq!(r.conflicting.as_deref(), Some("strasse"));
    // The same registrant may have it (same-registrant policy).
    assert_eq!(screen(&p, &state, "straße.example", Some("alice")).decision, Verdict::Accept);
    let d = screen(&p, &state, "exámple1.example", Some("bob"));
    assert!(codes(&d).contains(&"VARIANT_OF_REGISTERED"), "{:?}", codes(&d));
    // An unrelated label is not a variant.
    assert_eq!(screen(&p, &state, "strosse.example", Some("bob")).decision, Verdict::Accept);
}

/// A screen without the bundle gives the same verdict and reasons, and no
/// bundle, whatever the policy (LGR variants, `.br` equivalence keys).
#[test]
fn without_bundle_changes_nothing_but_the_bundle() {
    type Case<'a> = (&'a str, &'a [(&'a str, Option<&'a str>)], &'a [&'a str]);
    let cases: [Case; 3] = [
        ("cn", &[("中国.cn", Some("alice"))], &["中國.cn", "中国.中国", "例子.cn"]),
        ("br", &[("paoemaca.com.br", Some("alice"))], &["pãoemaçã.com.br", "açaí.com.br"]),
        (
            "gtld-reference",
            &[("strasse.example", Some("alice"))],
            &["straße.example", "amazon.example"],
        ),
    ];
    for (name, registered, candidates) in cases {
        let p = policy(name);
        let state = RegistryState::build(&p, registered.iter().copied());
        for c in candidates {
            for registrant in [Some("alice"), Some("bob")] {
                let full = screen(&p, &state, c, registrant);
                let bare = p.screen(
                    &state,
                    c,
                    Request { registrant, without_bundle: true, ..Request::default() },
                );
                assert_eq!(bare.decision, full.decision, "{name} {c}");
                assert_eq!(bare.reasons, full.reasons, "{name} {c}");
                assert!(bare.bundle.is_empty(), "{name} {c}: {:?}", bare.bundle);
            }
        }
    }
    // Not vacuous: some of these have a bundle when it is asked for.
    let p = policy("gtld-reference");
    assert!(!screen(&p, &empty(&p), "amazon.example", None).bundle.is_empty());
}

/// A bundle cut short by the policy's `bundle_limit` says so.
#[test]
fn a_truncated_bundle_says_so() {
    // br has no [variants] section: it gets the documented default limit.
    let br = policy("br");
    assert_eq!(br.file().variants.bundle_limit, 16);
    let state = RegistryState::build(&br, [("paoemaca.com.br", Some("alice"))]);
    let d = screen(&br, &state, "pãoemaçã.com.br", Some("bob"));
    assert!(!d.bundle_truncated, "{:?}", d.bundle);
    let p = policy("gtld-reference");
    let limit = p.file().variants.bundle_limit as usize;
    // amazon: a, m, a, z, o, n have more variant combinations than the limit.
    let d = screen(&p, &empty(&p), "amazon.example", None);
    assert_eq!(d.bundle.len(), limit);
    assert!(d.bundle_truncated);
    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains("\"bundle_truncated\":true"), "{json}");
    // straße: strasse, stráße, strásse (fewer than the limit).
    let d = screen(&p, &empty(&p), "straße.example", None);
    assert!(d.bundle.len() < limit && !d.bundle.is_empty(), "{:?}", d.bundle);
    assert!(!d.bundle_truncated);
    assert!(!serde_json::to_string(&d).unwrap().contains("bundle_truncated"));
}

/// A name already registered is refused, to its holder with a message that
/// says so, whether the policy indexes confusables (gtld-reference, where
/// that index answers the exact lookup) or not (de).
#[test]
fn already_registered_names_are_refused() {
    for (name, registered, candidate) in [
        ("gtld-reference", "straße.example", "straße.example"),
        ("gtld-reference", "paypal.example", "PayPal.example"),
        ("de", "müller.de", "xn--mller-kva.de"),
    ] {
        let p = policy(name);
        let state = RegistryState::build(&p, [(registered, Some("alice"))]);
        for (who, own) in [(Some("alice"), true), (Some("bob"), false)] {
            let d = screen(&p, &state, candidate, who);
            assert_eq!(d.decision, Verdict::Reject, "{name} {candidate}: {:?}", d.reasons);
            let r = d.reasons.iter().find(|r| r.code == "ALREADY_REGISTERED").unwrap();
            assert_eq!(r.message.contains("to this registrant"), own, "{}", r.message);
            // The exact name is not also reported as its own lookalike.
            assert!(!codes(&d).contains(&"CONFUSABLE_REGISTERED"), "{:?}", codes(&d));
        }
        // A different label is not "already registered".
        let d = screen(&p, &state, &format!("zz{candidate}"), Some("bob"));
        assert!(!codes(&d).contains(&"ALREADY_REGISTERED"), "{:?}", codes(&d));
    }
}

/// A state kept current one registration and release at a time decides
/// every candidate as a state built afresh from the names still registered,
/// across the merges of added keys and the rebuilds after many releases.
#[test]
fn incremental_state_decides_as_a_rebuilt_one() {
    for name in ["cn", "br", "gtld-reference"] {
        let p = policy(name);
        let zone = p.file().policy.zones.first().cloned().unwrap();
        // Labels with variant, equivalence and confusable relations among them.
        let stems =
            ["中国", "中國", "pãoemaçã", "paoemaca", "paypal", "paypa1", "exemple", "exámple"];
        let labels: Vec<String> = (0..12_000)
            .map(|i| match i % 10 {
                0..=7 => format!("{}{}", stems[i % 8], i / 80),
                _ => format!("name{i}"),
            })
            .collect();
        let mut state = empty(&p);
        let mut held: Vec<(String, u32)> = Vec::new();
        let mut x = 0x2545_F491u32;
        // Every other step releases a name: enough releases to rebuild the keys.
        for (i, l) in labels.iter().enumerate() {
            let full = format!("{l}.{zone}");
            if state.find(&p.registered_label(&full).unwrap()).is_none() {
                let slot = state.insert(&p, &full, Some(if i % 3 == 0 { "alice" } else { "bob" }));
                held.push((full, slot.unwrap()));
            }
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if x.is_multiple_of(2) && !held.is_empty() {
                let (_, slot) = held.swap_remove(x as usize % held.len());
                assert!(state.remove(slot));
                assert!(!state.remove(slot), "a second release of one slot");
            }
        }
        assert_eq!(state.len(), held.len());
        // Bare labels are under the policy's first zone.
        let rebuilt = RegistryState::build(&p, state.iter().map(|(_, l, r)| (l, r)));
        assert_eq!(rebuilt.len(), held.len());
        for (full, slot) in &held {
            let label = p.registered_label(full).unwrap();
            assert_eq!(state.find(&label), Some(*slot), "{full}");
        }
        let probes = labels.iter().map(String::as_str).step_by(7);
        for l in probes.chain(["中國", "paoemaça", "paypai"]) {
            let full = format!("{l}.{zone}");
            for who in [Some("alice"), Some("bob"), None] {
                let a = screen(&p, &state, &full, who);
                let b = screen(&p, &rebuilt, &full, who);
                assert_eq!(a, b, "{name}: {full} for {who:?}");
            }
        }
    }
}

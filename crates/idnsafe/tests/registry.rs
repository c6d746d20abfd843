//! The live registry on a real SQLite state: registrations with their
//! bundles, release, review, races between concurrent requests, restarts.

use std::sync::{Arc, Barrier};

use idnsafe::policy::{Policy, SearchPath, Verdict};
use idnsafe::registry::{PolicyChange, RegisterOutcome, Registry, ReviewOutcome};
use idnsafe::store::{SqliteStore, Store};

fn policy(name: &str) -> Policy {
    let path = idnsafe_tests::repo_file(&format!("tables/policies/{name}.toml"));
    let mut search = SearchPath::for_policy(&path);
    search.push(idnsafe_tests::data_file("lgr"));
    Policy::load_with(&path, &search).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn open(name: &str, dir: &std::path::Path) -> Result<Registry, idnsafe::registry::RegistryError> {
    let w = SqliteStore::open(dir).unwrap();
    let r = w.reopen().unwrap();
    Registry::open(policy(name), Box::new(w), Box::new(r), PolicyChange::Refuse)
}

fn registered(o: &RegisterOutcome) -> bool {
    matches!(o, RegisterOutcome::Registered { .. })
}

#[test]
fn variant_bundles_belong_to_one_holder_and_leave_together() {
    let dir = tempfile::tempdir().unwrap();
    let reg = open("cn", dir.path()).unwrap();
    let a = reg.register("中国.cn", Some("alice"), "test").unwrap();
    let RegisterOutcome::Registered { registration, decision } = &a else { panic!("{a:?}") };
    assert_eq!(registration.label, "中国");
    assert_eq!(decision.decision, Verdict::Accept);
    assert!(registration.bundle.to_string().contains("中國"), "{}", registration.bundle);
    // bob is refused the traditional variant; alice may have it.
    let b = reg.register("中國.cn", Some("bob"), "test").unwrap();
    let RegisterOutcome::Blocked { decision } = &b else { panic!("{b:?}") };
    assert!(decision.reasons.iter().any(|r| r.code == "VARIANT_OF_REGISTERED"));
    let a2 = reg.register("xn--fiqz9s.cn", Some("alice"), "test").unwrap();
    let RegisterOutcome::Registered { registration, .. } = &a2 else { panic!("{a2:?}") };
    assert_eq!(registration.primary.as_deref(), Some("中国"));
    assert_eq!(reg.len(), 2);
    // Releasing the name releases its bundle; then bob may have the variant.
    let released = reg.release("中国.cn", "test").unwrap();
    assert_eq!(released, ["中国", "中國"]);
    assert!(reg.is_empty());
    assert!(registered(&reg.register("中國.cn", Some("bob"), "test").unwrap()));
    assert_eq!(reg.release("中国.cn", "test").unwrap_err().code, "NOT_REGISTERED");
    let shown = reg.registration("XN--FIQZ9S.cn").unwrap().unwrap();
    assert_eq!(shown.registrant.as_deref(), Some("bob"));
    let log = reg.log(Some("中國.cn"), 10).unwrap();
    let actions: Vec<&str> = log.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["register", "release", "register", "register"]);
    assert_eq!(log[3].decision.as_deref(), Some("reject"));
}

#[test]
fn review_keeps_an_application_and_approval_registers_if_still_free() {
    let dir = tempfile::tempdir().unwrap();
    let reg = open("gtld-reference", dir.path()).unwrap();
    assert!(registered(&reg.register("paypal.example", Some("alice"), "t").unwrap()));
    let o = reg.register("paypa1.example", Some("bob"), "t").unwrap();
    let RegisterOutcome::Pending { application, decision } = o else { panic!("{o:?}") };
    assert_eq!(decision.decision, Verdict::Review);
    assert!(application > 0);
    let pending = reg.applications(true, 10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].name, "paypa1.example");
    // A second application for another name, rejected by the reviewer.
    assert!(registered(&reg.register("google.example", Some("alice"), "t").unwrap()));
    let o = reg.register("goog1e.example", Some("carol"), "t").unwrap();
    let RegisterOutcome::Pending { application: second, .. } = o else { panic!("{o:?}") };
    assert!(matches!(
        reg.decide(second, false, "rev", Some("too close")).unwrap(),
        ReviewOutcome::Rejected { .. }
    ));
    assert_eq!(reg.decide(second, true, "rev", None).unwrap_err().code, "APPLICATION_DECIDED");
    assert_eq!(reg.decide(999, true, "rev", None).unwrap_err().code, "APPLICATION_NOT_FOUND");
    // Someone registers the name before approval: approval says why it can't.
    let RegisterOutcome::Pending { application: third, .. } =
        reg.register("paypa1.example", Some("dave"), "t").unwrap()
    else {
        panic!()
    };
    let o = reg.decide(application, true, "rev", Some("ok")).unwrap();
    let ReviewOutcome::Registered { registration } = o else { panic!("{o:?}") };
    assert_eq!(registration.registrant.as_deref(), Some("bob"));
    let o = reg.decide(third, true, "rev", None).unwrap();
    let ReviewOutcome::Blocked { decision } = o else { panic!("{o:?}") };
    assert!(decision.reasons.iter().any(|r| r.code == "ALREADY_REGISTERED"), "{decision:?}");
    assert_eq!(reg.application(third).unwrap().unwrap().status, "pending");
}

/// 64 threads register names that block each other in pairs and triples:
/// exactly one of each group wins, and a restart rebuilds the same state.
#[test]
fn concurrent_registrations_of_blocking_names_have_one_winner_per_group() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Arc::new(open("cn", dir.path()).unwrap());
    // Groups: a simplified/traditional pair (variants), an exact duplicate
    // triple, and (per thread) a unique name.
    let groups: Vec<Vec<String>> = (0..40)
        .flat_map(|i| {
            [
                vec![format!("中国{i}.cn"), format!("中國{i}.cn")],
                vec![format!("dup{i}.cn"), format!("DUP{i}.cn"), format!("dup{i}.中国")],
            ]
        })
        .collect();
    let threads = 64;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let reg = Arc::clone(&reg);
            let groups = groups.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let mut won = Vec::new();
                for (g, names) in groups.iter().enumerate() {
                    let name = &names[(t + g) % names.len()];
                    let o = reg.register(name, Some(&format!("r{t}")), "t").unwrap();
                    if registered(&o) {
                        won.push(g);
                    }
                }
                won
            })
        })
        .collect();
    let mut wins = vec![0; groups.len()];
    for h in handles {
        for g in h.join().unwrap() {
            wins[g] += 1;
        }
    }
    assert!(wins.iter().all(|&w| w == 1), "{wins:?}");
    assert_eq!(reg.len(), groups.len());
    let mut in_memory: Vec<(String, Option<String>)> = reg
        .with_state(|s| s.iter().map(|(_, l, r)| (l.to_owned(), r.map(str::to_owned))).collect());
    in_memory.sort();
    drop(reg);
    let reg = open("cn", dir.path()).unwrap();
    let mut rebuilt: Vec<(String, Option<String>)> = reg
        .with_state(|s| s.iter().map(|(_, l, r)| (l.to_owned(), r.map(str::to_owned))).collect());
    rebuilt.sort();
    assert_eq!(in_memory, rebuilt);
    let mut stored = Vec::new();
    reg.registrations(&mut |r| stored.push((r.label, r.registrant))).unwrap();
    stored.sort();
    assert_eq!(stored, rebuilt);
}

#[test]
fn a_state_is_refused_under_another_policy_unless_accepted() {
    let dir = tempfile::tempdir().unwrap();
    drop(open("cn", dir.path()).unwrap());
    let e = open("gtld-reference", dir.path()).unwrap_err();
    assert_eq!(e.code, "STATE_POLICY_CHANGED");
    let w = SqliteStore::open(dir.path()).unwrap();
    let r = w.reopen().unwrap();
    let reg =
        Registry::open(policy("gtld-reference"), Box::new(w), Box::new(r), PolicyChange::Accept)
            .unwrap();
    assert_eq!(reg.meta().policy, "gtld-reference");
    drop(reg);
    let mut s = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(s.meta().unwrap().unwrap().policy, "gtld-reference");
}

/// Two registries on one state (as two service processes would be) learn
/// of each other's commits through the store's feed: of names that block
/// each other, registered through both at once, exactly one wins.
#[test]
fn two_registries_on_one_state_never_both_accept_blocking_names() {
    let dir = tempfile::tempdir().unwrap();
    let regs =
        [Arc::new(open("cn", dir.path()).unwrap()), Arc::new(open("cn", dir.path()).unwrap())];
    let groups: Vec<[String; 2]> =
        (0..60).map(|i| [format!("中国{i}.cn"), format!("中國{i}.cn")]).collect();
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let reg = Arc::clone(&regs[t % 2]);
            let groups = groups.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let mut won = Vec::new();
                for (g, names) in groups.iter().enumerate() {
                    let o = reg.register(&names[(t + g) % 2], Some(&format!("r{t}")), "t").unwrap();
                    if registered(&o) {
                        won.push(g);
                    }
                }
                won
            })
        })
        .collect();
    let mut wins = vec![0; groups.len()];
    for h in handles {
        for g in h.join().unwrap() {
            wins[g] += 1;
        }
    }
    assert!(wins.iter().all(|&w| w == 1), "{wins:?}");
    // A release through one is seen by the other at its next transaction.
    let name = ["中国0.cn", "中國0.cn"]
        .iter()
        .find_map(|n| regs[0].registration(n).unwrap())
        .unwrap()
        .name;
    regs[0].release(&name, "t").unwrap();
    assert!(registered(&regs[1].register("中國0.cn", Some("zed"), "t").unwrap()));
    assert!(matches!(
        regs[0].register("中国0.cn", Some("other"), "t").unwrap(),
        RegisterOutcome::Blocked { .. }
    ));
}

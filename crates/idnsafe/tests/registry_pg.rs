//! The live registry on PostgreSQL, the backend for more than one service
//! instance on one state: the bundle and review scenarios, and two
//! registries (as two service processes would be) racing on one database.
//! Each test gets a fresh database on a throw-away server
//! (`idnsafe_tests::postgres::TempPostgres`).

use std::sync::{Arc, Barrier};

use idnsafe::policy::{Policy, SearchPath, Verdict};
use idnsafe::registry::{PolicyChange, RegisterOutcome, Registry, ReviewOutcome};
use idnsafe::store::PostgresStore;
use idnsafe_tests::postgres::TempPostgres;

fn policy(name: &str) -> Policy {
    let path = idnsafe_tests::repo_file(&format!("tables/policies/{name}.toml"));
    let mut search = SearchPath::for_policy(&path);
    search.push(idnsafe_tests::data_file("lgr"));
    Policy::load_with(&path, &search).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn database() -> String {
    TempPostgres::shared().database()
}

fn open(name: &str, url: &str) -> Registry {
    let w = PostgresStore::open(url).unwrap();
    let r = w.reopen().unwrap();
    Registry::open(policy(name), Box::new(w), Box::new(r), PolicyChange::Refuse).unwrap()
}

fn registered(o: &RegisterOutcome) -> bool {
    matches!(o, RegisterOutcome::Registered { .. })
}

type Holders = Vec<(String, Option<String>)>;

fn in_memory(reg: &Registry) -> Holders {
    let mut v: Holders = reg
        .with_state(|s| s.iter().map(|(_, l, r)| (l.to_owned(), r.map(str::to_owned))).collect());
    v.sort();
    v
}

fn stored(reg: &Registry) -> Holders {
    let mut v = Vec::new();
    reg.registrations(&mut |r| v.push((r.label, r.registrant))).unwrap();
    v.sort();
    v
}

#[test]
fn variant_bundles_belong_to_one_holder_and_leave_together() {
    let url = database();
    let reg = open("cn", &url);
    let a = reg.register("中国.cn", Some("alice"), "test").unwrap();
    let RegisterOutcome::Registered { registration, decision } = &a else { panic!("{a:?}") };
    assert_eq!(registration.label, "中国");
    assert_eq!(decision.decision, Verdict::Accept);
    assert!(registration.bundle.to_string().contains("中國"), "{}", registration.bundle);
    let b = reg.register("中國.cn", Some("bob"), "test").unwrap();
    let RegisterOutcome::Blocked { decision } = &b else { panic!("{b:?}") };
    assert!(decision.reasons.iter().any(|r| r.code == "VARIANT_OF_REGISTERED"));
    let a2 = reg.register("xn--fiqz9s.cn", Some("alice"), "test").unwrap();
    let RegisterOutcome::Registered { registration, .. } = &a2 else { panic!("{a2:?}") };
    assert_eq!(registration.primary.as_deref(), Some("中国"));
    assert_eq!(reg.len(), 2);
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
    // A restart rebuilds the same state from the database.
    let before = in_memory(&reg);
    drop(reg);
    let reg = open("cn", &url);
    assert_eq!(in_memory(&reg), before);
    assert_eq!(stored(&reg), before);
}

#[test]
fn review_approval_registers_only_while_the_name_is_free() {
    let url = database();
    let reg = open("gtld-reference", &url);
    let other = open("gtld-reference", &url);
    assert!(registered(&reg.register("paypal.example", Some("alice"), "t").unwrap()));
    let o = reg.register("paypa1.example", Some("bob"), "t").unwrap();
    let RegisterOutcome::Pending { application, decision } = o else { panic!("{o:?}") };
    assert_eq!(decision.decision, Verdict::Review);
    // The other instance sees the application, and registers the name
    // itself before the approval (dave's application is on `reg`).
    assert_eq!(other.applications(true, 10).unwrap().len(), 1);
    let RegisterOutcome::Pending { application: daves, .. } =
        reg.register("paypa1.example", Some("dave"), "t").unwrap()
    else {
        panic!()
    };
    let o = other.decide(application, true, "rev", Some("ok")).unwrap();
    let ReviewOutcome::Registered { registration } = o else { panic!("{o:?}") };
    assert_eq!(registration.registrant.as_deref(), Some("bob"));
    // `reg` learns of it in its approval's transaction.
    let o = reg.decide(daves, true, "rev", None).unwrap();
    let ReviewOutcome::Blocked { decision } = o else { panic!("{o:?}") };
    assert!(decision.reasons.iter().any(|r| r.code == "ALREADY_REGISTERED"), "{decision:?}");
    assert_eq!(reg.application(daves).unwrap().unwrap().status, "pending");
    assert_eq!(
        other.decide(application, true, "rev", None).unwrap_err().code,
        "APPLICATION_DECIDED"
    );
}

/// 64 threads over two registries on one database register names that
/// block each other in pairs (variants) and triples (one name in other
/// case and zone): exactly one of each group wins, and both registries'
/// states, once caught up, equal the database.
#[test]
fn two_registries_on_one_database_have_one_winner_per_group() {
    let url = database();
    let regs = [Arc::new(open("cn", &url)), Arc::new(open("cn", &url))];
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
            let reg = Arc::clone(&regs[t % 2]);
            let groups = groups.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let mut won = Vec::new();
                for (g, names) in groups.iter().enumerate() {
                    let name = &names[(t / 2 + g) % names.len()];
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
    // One more transaction each (a release of a name nobody has) catches
    // each up with what the other committed.
    for reg in &regs {
        assert_eq!(reg.release("nobody.cn", "t").unwrap_err().code, "NOT_REGISTERED");
    }
    let db = stored(&regs[0]);
    assert_eq!(db.len(), groups.len());
    assert_eq!(in_memory(&regs[0]), db);
    assert_eq!(in_memory(&regs[1]), db);
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
    // A third instance starting now loads the same state.
    let third = open("cn", &url);
    assert_eq!(in_memory(&third), stored(&third));
    assert_eq!(in_memory(&third).len(), groups.len());
}

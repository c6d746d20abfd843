//! Scenarios the registry tests run on each store (SQLite and
//! PostgreSQL), and their helpers.

#![allow(dead_code)]

use std::sync::{Arc, Barrier};

use idnsafe::policy::{Policy, SearchPath, Verdict};
use idnsafe::registry::{RegisterOutcome, Registry};

pub fn policy(name: &str) -> Policy {
    let path = idnsafe_tests::repo_file(&format!("tables/policies/{name}.toml"));
    let mut search = SearchPath::for_policy(&path);
    search.push(idnsafe_tests::data_file("lgr"));
    Policy::load_with(&path, &search).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn registered(o: &RegisterOutcome) -> bool {
    matches!(o, RegisterOutcome::Registered { .. })
}

pub type Holders = Vec<(String, Option<String>)>;

/// The in-memory state's (label, holder) pairs, sorted.
pub fn in_memory(reg: &Registry) -> Holders {
    let mut v: Holders = reg
        .with_state(|s| s.iter().map(|(_, l, r)| (l.to_owned(), r.map(str::to_owned))).collect());
    v.sort();
    v
}

/// The store's (label, holder) pairs, sorted.
pub fn stored(reg: &Registry) -> Holders {
    let mut v = Vec::new();
    reg.registrations(&mut |r| v.push((r.label, r.registrant))).unwrap();
    v.sort();
    v
}

/// `中国.cn` for alice blocks `中國.cn` for bob and is offered to alice;
/// releasing the name releases its bundle; the log holds every request;
/// a restart (`open` again) rebuilds the same state. `open` opens the `cn`
/// policy's registry on one state.
pub fn bundles_belong_to_one_holder_and_leave_together(open: &dyn Fn() -> Registry) {
    let reg = open();
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
    let reg = open();
    assert_eq!(in_memory(&reg), before);
    assert_eq!(stored(&reg), before);
}

/// Of names that block each other in pairs (variants) and triples (one
/// name in another case and zone), registered by 64 threads through two
/// registries on one state (`open` twice), exactly one of each group
/// wins, and both registries' states, once caught up, equal the store.
pub fn two_registries_have_one_winner_per_group(open: &dyn Fn() -> Registry) {
    let regs = [Arc::new(open()), Arc::new(open())];
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
    let third = open();
    assert_eq!(in_memory(&third), stored(&third));
    assert_eq!(in_memory(&third).len(), groups.len());
}

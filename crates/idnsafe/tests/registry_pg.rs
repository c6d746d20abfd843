//! The live registry on PostgreSQL, the backend for more than one service
//! instance on one state: the bundle and review scenarios, and two
//! registries (as two service processes would be) racing on one database.
//! Each test gets a fresh database on a throw-away server
//! (`idnsafe_tests::postgres::TempPostgres`).

mod common;

use common::{policy, registered};
use idnsafe::policy::Verdict;
use idnsafe::registry::{PolicyChange, RegisterOutcome, Registry, ReviewOutcome};
use idnsafe::store::PostgresStore;
use idnsafe_tests::postgres::TempPostgres;

fn database() -> String {
    TempPostgres::shared().database()
}

fn open(name: &str, url: &str) -> Registry {
    let w = PostgresStore::open(url).unwrap();
    let r = w.reopen().unwrap();
    Registry::open(policy(name), Box::new(w), Box::new(r), PolicyChange::Refuse).unwrap()
}

#[test]
fn variant_bundles_belong_to_one_holder_and_leave_together() {
    let url = database();
    common::bundles_belong_to_one_holder_and_leave_together(&|| open("cn", &url));
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

/// 64 threads over two registries on one database (see the scenario).
#[test]
fn two_registries_on_one_database_have_one_winner_per_group() {
    let url = database();
    common::two_registries_have_one_winner_per_group(&|| open("cn", &url));
}

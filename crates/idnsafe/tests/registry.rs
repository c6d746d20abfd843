//! The live registry on a real SQLite state: registrations with their
//! bundles, release, review, races between concurrent requests, restarts.

mod common;

use common::{policy, registered};
use idnsafe::policy::Verdict;
use idnsafe::registry::{PolicyChange, RegisterOutcome, Registry, ReviewOutcome};
use idnsafe::store::{SqliteStore, Store};

fn open(name: &str, dir: &std::path::Path) -> Result<Registry, idnsafe::registry::RegistryError> {
    let w = SqliteStore::open(dir).unwrap();
    let r = w.reopen().unwrap();
    Registry::open(policy(name), Box::new(w), Box::new(r), PolicyChange::Refuse)
}

#[test]
fn variant_bundles_belong_to_one_holder_and_leave_together() {
    let dir = tempfile::tempdir().unwrap();
    common::bundles_belong_to_one_holder_and_leave_together(&|| open("cn", dir.path()).unwrap());
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

/// Two registries on one SQLite state (as two processes would be) learn of
/// each other's commits through the store's feed.
#[test]
fn two_registries_on_one_state_never_both_accept_blocking_names() {
    let dir = tempfile::tempdir().unwrap();
    common::two_registries_have_one_winner_per_group(&|| open("cn", dir.path()).unwrap());
}

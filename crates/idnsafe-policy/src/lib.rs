//! A registry's registration policy as data (TOML, see
//! `tables/policies/README.md`), the state of names already registered, and
//! the pre-registration decision: `accept`, `reject` or `review`, with every
//! reason (stable code, message, evidence) and the bundle of labels blocked,
//! allocated or reserved with the candidate.
//!
//! ```no_run
//! use idnsafe_policy::{Policy, RegistryState, Request, Verdict};
//!
//! let policy = Policy::load("tables/policies/br.toml".as_ref()).unwrap();
//! let state = RegistryState::build(&policy, [("paoemaca.com.br", Some("alice"))]);
//! let d = policy.screen(&state, "pãoemaçã.com.br", Request { registrant: Some("bob"), ..Request::default() });
//! assert_eq!(d.decision, Verdict::Reject);
//! assert_eq!(d.reasons[0].code, "EQUIVALENT_REGISTERED");
//! ```
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]

mod bundled;
mod model;
mod screen;
mod seqkey;
mod state;

pub use model::{
    Action, ConfusableRules, EquivalenceRules, LengthRules, MAX_POLICY_BYTES, MixedScript,
    PolicyError, PolicyFile, PolicyInfo, ReservedCategory, ReservedList, RomanizedRules,
    ScriptRules, SearchPath, Source, TableSpec, VariantPolicy, VariantRules,
};
pub use screen::{
    Bundle, BundleEntry, BundleIter, BundleStatus, Decision, MAX_LIST_LINES,
    MAX_VARIANT_ENUMERATION, Policy, Reason, Request, Verdict,
};
pub use state::RegistryState;

/// The files compiled into the crate: bundled policy names and every file.
pub mod bundle {
    pub use crate::bundled::{files, lgr_sources, policy_names, policy_text, read};
}

//! The idnsafe engine: one immutable, `Sync` [`Checker`] built once from the
//! options and shared by every caller (the CLI, library users, the tests).
//!
//! ```
//! let checker = idnsafe::Checker::new();
//! let r = checker.check_name("bücher.example");
//! assert!(r.is_ok());
//! let json = serde_json::to_string(&r).unwrap();
//! assert!(json.contains("\"alabel\":\"xn--bcher-kva\""));
//! ```
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]

pub use idnsafe_confusables as confusables;
pub use idnsafe_idna as idna;
pub use idnsafe_lgr as lgr;
pub use idnsafe_policy as policy;
pub use idnsafe_store as store;
pub use idnsafe_zone as zone;

pub mod audit;
mod check;
pub mod explore;
pub mod fuzzing;
pub mod generate;
pub mod ops;
pub mod psl;
pub mod registry;
pub mod versions;

pub use check::{CheckRow, Checker, LabelCheck, NameCheck, ProtectedEvidence, Warning};

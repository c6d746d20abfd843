//! Collisions among labels under one LGR (`idnsafe lgr collisions`): the
//! labels that are variants of each other, grouped, as ICANN's lgr-core
//! collision tools group them: by the RFC 7940 §8.5 index label
//! ([`Lgr::index_label`]). Labels outside the LGR are listed apart.

use crate::error::LabelError;
use crate::model::Lgr;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Labels that share one index label: variants of each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollisionGroup {
    /// The shared index label.
    pub index: String,
    /// The labels, in input order (each once).
    pub labels: Vec<String>,
}

/// A label without an index label: not made of the LGR's repertoire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotInLgr {
    /// The label.
    pub label: String,
    /// Stable code (`LGR_NOT_IN_REPERTOIRE`, `LGR_LABEL_TOO_LONG` ...).
    pub code: String,
    /// Why.
    pub message: String,
}

/// What [`Lgr::collisions`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Collisions {
    /// Distinct labels looked at.
    pub labels: usize,
    /// Groups of two or more labels, in the order their first label came.
    pub groups: Vec<CollisionGroup>,
    /// Labels the LGR has no index label for, in input order.
    pub not_in_lgr: Vec<NotInLgr>,
}

impl Lgr {
    /// Groups `labels` (U-labels) that are variants of each other under this
    /// LGR by their index label; repeats of a label count once.
    pub fn collisions<'a>(&self, labels: impl IntoIterator<Item = &'a str>) -> Collisions {
        let mut out = Collisions::default();
        let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        let mut by_index: FxHashMap<String, usize> = FxHashMap::default();
        let mut groups: Vec<CollisionGroup> = Vec::new();
        for label in labels {
            if !seen.insert(label) {
                continue;
            }
            out.labels += 1;
            match self.index_label(label) {
                Ok(index) => match by_index.get(&index) {
                    Some(&g) => {
                        if let Some(group) = groups.get_mut(g) {
                            group.labels.push(label.to_owned());
                        }
                    }
                    None => {
                        by_index.insert(index.clone(), groups.len());
                        groups.push(CollisionGroup { index, labels: vec![label.to_owned()] });
                    }
                },
                Err(e) => out.not_in_lgr.push(not_in(label, &e)),
            }
        }
        out.groups = groups.into_iter().filter(|g| g.labels.len() > 1).collect();
        out
    }
}

fn not_in(label: &str, e: &LabelError) -> NotInLgr {
    NotInLgr { label: label.to_owned(), code: e.code().to_owned(), message: e.message().to_owned() }
}

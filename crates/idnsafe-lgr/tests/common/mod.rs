//! Helpers shared by the LGR integration tests.

use idnsafe_lgr::{Lgr, VariantOptions};

/// Holds the odometer (`Lgr::variants` on a label with one segmentation)
/// to the general tree walk: the same variant labels in the same order,
/// with the same types and dispositions, and the same truncation at
/// `limit`. Returns how many labels were compared.
pub fn assert_walks_agree(lgr: &Lgr, label: &str, limit: u64) -> usize {
    let opts = VariantOptions { limit, allocatable_only: false };
    let mut fast = lgr.variants(label, opts.clone()).unwrap();
    let mut slow = lgr.variants_by_tree_walk(label, opts).unwrap();
    let got: Vec<_> = fast.by_ref().collect();
    let want: Vec<_> = slow.by_ref().collect();
    assert_eq!(got, want, "{label:?} limit {limit}");
    assert_eq!(fast.truncated(), slow.truncated(), "{label:?} limit {limit}");
    got.len()
}

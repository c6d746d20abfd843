//! Helpers shared by the LGR integration tests.

use idnsafe_lgr::{Lgr, VariantOptions};

/// Holds the odometer (`Lgr::variants` and `Lgr::bundle` on a label with
/// one segmentation) to the general tree walk: the same variant labels in
/// the same order, with the same types and dispositions (for the bundle,
/// the same allocatability), and the same truncation at `limit`. Returns
/// how many labels were compared; a label the LGR refuses compares
/// nothing.
pub fn assert_walks_agree(lgr: &Lgr, label: &str, limit: u64) -> usize {
    let opts = VariantOptions { limit, allocatable_only: false };
    let (Ok(mut fast), Ok(mut slow)) =
        (lgr.variants(label, opts.clone()), lgr.variants_by_tree_walk(label, opts))
    else {
        return 0;
    };
    let got: Vec<_> = fast.by_ref().collect();
    let want: Vec<_> = slow.by_ref().collect();
    assert_eq!(got, want, "{label:?} limit {limit}");
    assert_eq!(fast.truncated(), slow.truncated(), "{label:?} limit {limit}");
    let mut bundle = lgr.bundle(label, limit).unwrap();
    let listed: Vec<(String, bool)> = bundle.by_ref().map(|b| (b.label, b.allocatable)).collect();
    let expected: Vec<(String, bool)> =
        want.iter().map(|v| (v.label.clone(), v.disposition.is_allocatable())).collect();
    assert_eq!(listed, expected, "bundle of {label:?} limit {limit}");
    assert_eq!(bundle.truncated(), slow.truncated(), "bundle of {label:?} limit {limit}");
    got.len()
}

//! Root Zone LGR set: element LGRs choose validity, the common LGR keys
//! cross-script collisions.

use idnsafe_lgr::{Lgr, LgrSet};

fn root(s: &str) -> Lgr {
    Lgr::from_path(idnsafe_tests::data_file(&format!(
        "lgr/root-zone/lgr-5/lgr-5-{s}-script-26may22-en.xml"
    )))
    .unwrap()
}

#[test]
fn root_zone_set() {
    let common =
        Lgr::from_path(idnsafe_tests::data_file("lgr/root-zone/lgr-5-common-26may22-en.xml"))
            .unwrap();
    let set = LgrSet::new(
        common,
        ["latin", "cyrillic", "greek"].iter().map(|s| (s.to_string(), root(s))).collect(),
    );
    let o = set.disposition("paypal");
    assert_eq!((o.element.as_deref(), o.disposition.as_str()), (Some("latin"), "valid"));
    let cyr = "\u{440}\u{430}\u{443}\u{440}\u{430}\u{4cf}"; // раураӏ, all Cyrillic
    let o = set.disposition(cyr);
    assert_eq!((o.element.as_deref(), o.disposition.as_str()), (Some("cyrillic"), "valid"));
    // Mixed script: no element LGR holds every code point.
    let o = set.disposition("p\u{430}ypal");
    assert_eq!(o.disposition.as_str(), "invalid");
    assert_eq!(o.reasons[0].code(), "LGR_NO_ELEMENT_LGR");
    // Cross-script collision under the common LGR: the Cyrillic lookalike is
    // a variant of the Latin label.
    assert!(set.common().are_variants("paypal", cyr).unwrap());
    assert!(!set.common().are_variants("paypal", "paypai").unwrap());
    let k = set.index_key("paypal").unwrap();
    assert_eq!(k, set.index_key(cyr).unwrap());
}

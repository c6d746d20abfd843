//! Engine semantics on small hand-written LGRs (RFC 7940 examples style),
//! and hostile input.

use idnsafe_lgr::{Lgr, LoadOptions, Severity, VariantOptions, validate_xml};

mod common;

fn lgr(body: &str) -> Lgr {
    Lgr::from_xml(&format!(r#"<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">{body}</lgr>"#)).unwrap()
}

const ACTIONS: &str = r#"
  <data>
    <char cp="0061"><var cp="0430" type="blocked"/><var cp="00E0" type="allocatable"/></char>
    <char cp="0430"><var cp="0061" type="blocked"/><var cp="00E0" type="blocked"/></char>
    <char cp="00E0"><var cp="0061" type="allocatable"/><var cp="0430" type="blocked"/></char>
    <char cp="002D" not-when="hyphen-edge"/>
    <range first-cp="0062" last-cp="007A"/>
    <range first-cp="0030" last-cp="0039" tag="digit"/>
  </data>
  <rules>
    <class name="digits" from-tag="digit"/>
    <rule name="hyphen-edge"><choice>
      <rule><look-behind><start/></look-behind><anchor/></rule>
      <rule><anchor/><look-ahead><end/></look-ahead></rule>
    </choice></rule>
    <rule name="all-digits"><start/><class by-ref="digits" count="1+"/><end/></rule>
    <action disp="invalid" match="all-digits" comment="numeric labels are not allowed"/>
    <action disp="blocked" any-variant="blocked"/>
    <action disp="allocatable" all-variants="allocatable"/>
    <action disp="valid"/>
  </rules>"#;

#[test]
fn dispositions_and_reasons() {
    let l = lgr(ACTIONS);
    assert_eq!(l.disposition("abc").disposition.as_str(), "valid");
    let o = l.disposition("123");
    assert_eq!(o.disposition.as_str(), "invalid");
    assert_eq!(o.reasons[0].code(), "LGR_RULE");
    assert!(o.reasons[0].message().contains("all-digits"));
    let o = l.disposition("-ab");
    assert_eq!(o.disposition.as_str(), "invalid");
    assert_eq!(o.reasons[0].code(), "LGR_CONTEXT_NOT_WHEN");
    assert_eq!(l.disposition("a-b").disposition.as_str(), "valid");
    let o = l.disposition("a!b");
    assert_eq!(o.reasons.len(), 1);
    assert_eq!(o.reasons[0].code(), "LGR_NOT_IN_REPERTOIRE");
    assert!(o.reasons[0].message().contains("U+0021"));
    assert_eq!(l.disposition("").reasons[0].code(), "LGR_LABEL_EMPTY");
    assert_eq!(l.disposition(&"a".repeat(64)).reasons[0].code(), "LGR_LABEL_TOO_LONG");
}

#[test]
fn variant_dispositions_follow_action_order() {
    let l = lgr(ACTIONS);
    let vs: Vec<_> = l
        .variants("ab", VariantOptions::default())
        .unwrap()
        .map(|v| (v.label, v.disposition.as_str().to_owned()))
        .collect();
    assert_eq!(
        vs,
        vec![
            ("\u{430}b".to_owned(), "blocked".to_owned()),
            ("\u{e0}b".to_owned(), "allocatable".to_owned())
        ]
    );
    // "aa": one blocked + one allocatable mapping: blocked wins (first action).
    let vs: Vec<_> = l.variants("aa", VariantOptions::default()).unwrap().collect();
    assert_eq!(vs.len(), 8);
    let mixed = vs.iter().find(|v| v.label == "\u{430}\u{e0}").unwrap();
    assert_eq!(mixed.disposition.as_str(), "blocked");
    assert_eq!(l.type_names(mixed.types), vec!["blocked", "allocatable"]);
    assert_eq!(l.variant_count("aa").unwrap(), 8);
    assert_eq!(l.variant_count("bb").unwrap(), 0);
    // Allocatable-only search prunes the blocked branches.
    let alloc: Vec<_> = l
        .variants("aa", VariantOptions { limit: 100, allocatable_only: true })
        .unwrap()
        .map(|v| v.label)
        .collect();
    assert_eq!(alloc, vec!["a\u{e0}", "\u{e0}a", "\u{e0}\u{e0}"]);
    // The limit truncates and says so.
    let mut it = l.variants("aaa", VariantOptions { limit: 5, allocatable_only: false }).unwrap();
    assert_eq!(it.by_ref().count(), 5);
    assert!(it.truncated());
    let mut it = l.variants("ab", VariantOptions { limit: 2, allocatable_only: false }).unwrap();
    assert_eq!(it.by_ref().count(), 2);
    assert!(!it.truncated());
    // The original label is not a variant left out: a label without
    // variants is never truncated, even with a limit of 0.
    assert_eq!(l.variant_count("bb").unwrap(), 0);
    for limit in [0, 1, 16] {
        let mut it = l.bundle("bb", limit).unwrap();
        assert_eq!(it.by_ref().count(), 0);
        assert!(!it.truncated(), "limit {limit}");
    }
    let mut it = l.bundle("ab", 0).unwrap();
    assert_eq!(it.by_ref().count(), 0);
    assert!(it.truncated());
}

#[test]
fn index_keys_and_equivalence() {
    let l = lgr(ACTIONS);
    assert!(l.variant_relation().is_equivalence());
    let k = l.index_key("ab").unwrap();
    assert_eq!(k, l.index_key("\u{430}b").unwrap());
    assert_eq!(k, l.index_key("\u{e0}b").unwrap());
    assert_ne!(k, l.index_key("bb").unwrap());
    assert!(l.are_variants("ab", "\u{e0}b").unwrap());
    assert!(!l.are_variants("ab", "bb").unwrap());
    assert_eq!(l.index_key("a!").unwrap_err().code(), "LGR_NOT_IN_REPERTOIRE");
}

#[test]
fn huge_variant_counts_do_not_enumerate() {
    // 10 variants per code point, 63 code points: 10^63 labels.
    let mut data = String::new();
    for i in 0..10u32 {
        data.push_str(&format!("<char cp=\"{:04X}\">", 0x61 + i));
        for j in 0..10u32 {
            if i != j {
                data.push_str(&format!("<var cp=\"{:04X}\" type=\"blocked\"/>", 0x61 + j));
            }
        }
        data.push_str("</char>");
    }
    let l = lgr(&format!("<data>{data}</data>"));
    assert_eq!(l.variant_count(&"a".repeat(38)).unwrap(), 10u128.pow(38) - 1);
    assert_eq!(l.variant_count(&"a".repeat(63)).unwrap(), u128::MAX - 1); // saturated
    assert_eq!(
        l.variants(&"a".repeat(63), VariantOptions { limit: 1000, allocatable_only: false })
            .unwrap()
            .count(),
        1000
    );
    // Allocatable-only on an all-blocked LGR finishes quickly with nothing.
    let mut it =
        l.variants(&"a".repeat(63), VariantOptions { limit: 10, allocatable_only: true }).unwrap();
    assert_eq!(it.by_ref().count(), 0);
}

#[test]
fn set_operations_and_properties() {
    let l = lgr(
        r#"<data><range first-cp="0061" last-cp="007A"/><char cp="0301"/><char cp="0915"/></data>
      <rules>
        <class name="vowels">0061 0065 0069 006F 0075</class>
        <complement name="not-vowels"><class by-ref="vowels"/></complement>
        <intersection name="cons"><class by-ref="not-vowels"/><class>0061-007A</class></intersection>
        <symmetric-difference name="sd"><class>0061-0063</class><class>0062-0064</class></symmetric-difference>
        <rule name="three-consonants"><class by-ref="cons" count="3"/></rule>
        <rule name="sd-start"><start/><class by-ref="sd"/></rule>
        <rule name="leading-mark"><start/><class property="gc:Mn"/></rule>
        <rule name="deva"><class property="sc:Deva"/></rule>
        <action disp="invalid" match="leading-mark"/>
        <action disp="invalid" match="three-consonants"/>
        <action disp="blocked" match="sd-start"/>
        <action disp="invalid" match="deva"/>
        <action disp="valid"/>
      </rules>"#,
    );
    assert_eq!(l.disposition("\u{301}a").disposition.as_str(), "invalid");
    assert_eq!(l.disposition("strength").disposition.as_str(), "invalid");
    assert_eq!(l.disposition("banana").disposition.as_str(), "valid"); // b is in both: not in sd
    assert_eq!(l.disposition("anna").disposition.as_str(), "blocked");
    assert_eq!(l.disposition("dana").disposition.as_str(), "blocked");
    assert_eq!(l.disposition("e\u{915}").disposition.as_str(), "invalid");
}

#[test]
fn sequences_prefer_longest_that_fits_context() {
    let l = lgr(r#"<data>
        <char cp="0061"/><char cp="0062"/>
        <char cp="0061 0062" when="at-end"><var cp="0063" type="blocked"/></char>
        <char cp="0063"><var cp="0061 0062" type="blocked"/></char>
      </data>
      <rules><rule name="at-end"><anchor/><end/></rule></rules>"#);
    assert_eq!(l.disposition("aab").disposition.as_str(), "valid");
    assert_eq!(l.disposition("aba").disposition.as_str(), "valid"); // "ab" then fails: a, b, a
    let v: Vec<_> =
        l.variants("aab", VariantOptions::default()).unwrap().map(|v| v.label).collect();
    assert_eq!(v, vec!["ac"]);
    // The exact walk agrees (this LGR has sequences and contexts).
    assert!(!l.variant_relation().is_equivalence());
    assert!(l.are_variants("aab", "ac").unwrap());
    assert!(!l.are_variants("aba", "ca").unwrap());
    assert!(!l.are_variants("aab", "cb").unwrap());
    assert_eq!(l.variants("aba", VariantOptions::default()).unwrap().count(), 0);
}

#[test]
fn diagnostics_have_positions_and_codes() {
    let v = validate_xml(
        "<lgr>\n<data>\n<char cp=\"0061\" when=\"nope\"/>\n<char cp=\"0061\"/>\n<char cp=\"0062\"><var cp=\"0063\" type=\"blocked\"/></char>\n<char cp=\"0063\"/>\n</data>\n<rules><rule name=\"r\"><rule by-ref=\"r\"/></rule><rule name=\"unused\"><any/></rule>\n<action disp=\"invalid\" match=\"r\"/><action disp=\"valid\"/><action disp=\"blocked\"/></rules></lgr>",
    );
    assert!(!v.is_usable());
    let codes: Vec<(&str, u32)> = v.diagnostics.iter().map(|d| (d.code, d.line)).collect();
    assert!(codes.contains(&("LGR_UNDEFINED_RULE", 3)), "{codes:?}");
    assert!(codes.contains(&("LGR_DUPLICATE_CODE_POINT", 4)), "{codes:?}");
    assert!(codes.contains(&("LGR_RULE_CYCLE", 8)), "{codes:?}");
    assert!(codes.iter().any(|c| c.0 == "LGR_VARIANT_NOT_SYMMETRIC"), "{codes:?}");
    assert!(codes.iter().any(|c| c.0 == "LGR_UNUSED_RULE"), "{codes:?}");
    assert!(codes.contains(&("LGR_UNREACHABLE_ACTION", 9)), "{codes:?}");
    assert_eq!(v.diagnostics[0].severity, Severity::Error);
    let e = Lgr::from_xml("<lgr><data><char cp=\"0061\"></data></lgr>").unwrap_err();
    assert_eq!(e.code(), "LGR_XML_SYNTAX");
    assert!(e.line() == 1 && e.column() > 1);
}

#[test]
fn hostile_input_is_bounded() {
    // DTDs (and so entity expansion) are refused.
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lgr [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><lgr><data><char cp="0061" comment="&b;"/></data></lgr>"#;
    assert_eq!(Lgr::from_xml(bomb).unwrap_err().code(), "LGR_XML_SYNTAX");
    let opts = LoadOptions { size_limit: 10, ..LoadOptions::default() };
    assert_eq!(
        Lgr::from_xml_with("<lgr><data/></lgr>", &opts).unwrap_err().code(),
        "LGR_TOO_LARGE"
    );
    // Deep nesting.
    let deep = format!(
        "<lgr><data><char cp=\"0061\"/></data><rules><rule name=\"x\">{}<any/>{}</rule></rules></lgr>",
        "<rule>".repeat(100),
        "</rule>".repeat(100)
    );
    assert_eq!(Lgr::from_xml(&deep).unwrap_err().code(), "LGR_NESTING_LIMIT");
    // Catastrophic backtracking is cut off by the step budget.
    let l = lgr(r#"<data><char cp="0021"/><range first-cp="0061" last-cp="007A"/></data><rules>
        <rule name="evil"><rule count="0+"><any count="0+"/></rule><rule count="0+"><any count="0+"/></rule><char cp="0021"/></rule>
        <action disp="invalid" match="evil"/><action disp="valid"/></rules>"#);
    // The rule needs a '!': without one the prefilter rules it out at once.
    assert_eq!(l.disposition(&"a".repeat(60)).disposition.as_str(), "valid");
    let o = l.disposition(&format!("!{}", "a".repeat(59)));
    assert_eq!(o.disposition.as_str(), "invalid");
    assert_eq!(o.reasons[0].code(), "LGR_RULE_STEP_LIMIT");
    // Bad code points and counts.
    assert_eq!(
        Lgr::from_xml("<lgr><data><char cp=\"110000\"/></data></lgr>").unwrap_err().code(),
        "LGR_BAD_CODE_POINT"
    );
    assert_eq!(
        Lgr::from_xml("<lgr><data><char cp=\"61\"/></data><rules><rule name=\"r\"><any count=\"2:1\"/></rule></rules></lgr>").unwrap_err().code(),
        "LGR_BAD_COUNT"
    );
}

#[test]
fn index_keys_with_sequence_targets() {
    let l = lgr(r#"<data><char cp="0062"/><char cp="0063"/><char cp="0064"/>
        <char cp="0061"><var cp="0062 0063" type="blocked"/></char>
        <char cp="0062 0063"><var cp="0061" type="blocked"/></char></data>"#);
    assert_eq!(l.index_key("a").unwrap(), l.index_key("bc").unwrap());
    assert_eq!(l.index_key("da").unwrap(), l.index_key("dbc").unwrap());
    assert_ne!(l.index_key("a").unwrap(), l.index_key("b").unwrap());
}

#[test]
fn repertoire_must_be_pvalid() {
    // U+0041 (upper case) is DISALLOWED, U+00B7 is CONTEXTO (accepted).
    let l = lgr(r#"<data><char cp="0041"/><char cp="00B7"/><char cp="0061"/></data>"#);
    let d: Vec<_> = l.diagnostics().iter().filter(|d| d.code == "LGR_NOT_PVALID").collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("U+0041") && d[0].message.contains("DISALLOWED"));
}

/// Labels with one segmentation are enumerated as an odometer. On an LGR
/// built to expose its mistakes (reflexive mappings whose types must be
/// carried, sequences, targets of other lengths in UTF-8, rules that read the
/// variant label's code points), every label of up to four elements gives
/// the same variants, types, dispositions and truncation as the general
/// walk of the choice tree, and so does the bundle.
#[test]
fn odometer_agrees_with_tree_walk_exhaustively() {
    let l = lgr(r#"<data>
    <char cp="0061"><var cp="0061" type="r-a"/><var cp="00E0" type="allocatable"/><var cp="0430" type="blocked"/><var cp="0063 0063" type="allocatable"/></char>
    <char cp="00E0"><var cp="00E0" type="r-a"/><var cp="0061" type="allocatable"/><var cp="0430" type="blocked"/></char>
    <char cp="0430"><var cp="0061" type="blocked"/><var cp="00E0" type="blocked"/></char>
    <char cp="0062"><var cp="0062" type="r-b"/></char>
    <char cp="0064"/>
    <char cp="0065 0301"><var cp="00E9" type="allocatable"/></char>
    <char cp="00E9"><var cp="0065 0301" type="allocatable"/></char>
    <char cp="0063"><var cp="1F600" type="allocatable"/></char>
    <char cp="1F600"><var cp="0063" type="allocatable"/></char>
  </data>
  <rules>
    <class name="cyr">0430</class>
    <rule name="has-cyr"><class by-ref="cyr"/></rule>
    <rule name="ends-b"><char cp="0062"/><end/></rule>
    <rule name="c-then-b"><char cp="0063"/><char cp="0062"/></rule>
    <action disp="invalid" match="has-cyr"/>
    <action disp="activated" match="c-then-b"/>
    <action disp="blocked" any-variant="blocked"/>
    <action disp="invalid" match="ends-b" any-variant="allocatable"/>
    <action disp="valid" any-variant="r-b"/>
    <action disp="allocatable" only-variants="allocatable r-a"/>
    <action disp="activated" all-variants="allocatable r-a"/>
    <action disp="valid"/>
  </rules>"#);
    let alphabet = ["a", "à", "а", "b", "c", "d", "e\u{301}", "é", "😀"];
    let mut labels: Vec<String> = vec![String::new()];
    let mut checked = 0;
    for _ in 0..4 {
        labels =
            labels.iter().flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}"))).collect();
        for a in &labels {
            for limit in [1, 2, 7, 1000] {
                checked += common::assert_walks_agree(&l, a, limit);
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

/// An LGR where a variant label can spell the original again (`x y` → `x`
/// beside `z` → `y z`): the bundle, which does not evaluate blocked
/// variants, must still not list the label itself nor count it as left
/// out (found in review: the check built the code points from an empty
/// original).
#[test]
fn a_variant_that_spells_the_original_is_not_listed() {
    let l = lgr(r#"<data>
      <char cp="0061"/>
      <char cp="0078 0079"><var cp="0078" type="blocked"/></char>
      <char cp="007A"><var cp="0079 007A" type="blocked"/></char>
    </data><rules><action disp="blocked" any-variant="blocked"/><action disp="valid"/></rules>"#);
    let listed: Vec<String> = l.bundle("axyz", 100).unwrap().map(|b| b.label).collect();
    assert_eq!(listed, ["axyyz", "axz"]);
    for limit in [0, 1, 2, 3, 100] {
        common::assert_walks_agree(&l, "axyz", limit);
    }
    let mut two = l.bundle("axyz", 2).unwrap();
    assert_eq!(two.by_ref().count(), 2);
    assert!(!two.truncated(), "only the original is left after two labels");
}

/// A variant target holding a surrogate (the loader accepts it; the UTF-8
/// leaves it out) makes a variant's UTF-8 equal the original's: the
/// labels evaluated after it must still be evaluated on their own code
/// points.
#[test]
fn a_surrogate_in_a_variant_does_not_shift_later_evaluations() {
    let l = lgr(r#"<data>
      <char cp="0061"/>
      <char cp="0062"><var cp="D800 0062" type="t"/><var cp="0063" type="t"/></char>
      <char cp="0063"/>
    </data><rules>
      <rule name="has-a"><char cp="0061"/></rule>
      <action disp="blocked" match="has-a"/>
      <action disp="allocatable" any-variant="t"/>
    </rules>"#);
    for limit in [1, 2, 100] {
        common::assert_walks_agree(&l, "ab", limit);
    }
}

/// The reference's index label (RZ-LGR §5.5.4): the smallest over every
/// split, variants counted only where their context holds, and the number
/// of splits costs nothing (here Fibonacci(63), about 10^13).
#[test]
fn index_labels_take_the_smallest_split_and_respect_variant_contexts() {
    let l = lgr(r#"
      <data>
        <char cp="0061"/>
        <char cp="0061 0061"><var cp="0030" type="blocked"/></char>
        <char cp="0030"><var cp="0061 0061" type="blocked"/></char>
        <char cp="0062"><var cp="0063" type="blocked"/></char>
        <char cp="0063"><var cp="0062" type="blocked" not-when="at-end"/></char>
      </data>
      <rules>
        <rule name="at-end"><anchor/><look-ahead><end/></look-ahead></rule>
      </rules>"#);
    let t = std::time::Instant::now();
    let want = format!("{}a", "0".repeat(31));
    assert_eq!(l.index_label(&"a".repeat(63)).unwrap(), want);
    assert!(t.elapsed() < std::time::Duration::from_secs(5), "{:?}", t.elapsed());
    // c -> b only where c is not last (not-when at-end).
    assert_eq!(l.index_label("ca").unwrap(), "ba");
    assert_eq!(l.index_label("ac").unwrap(), "ac");
    assert_eq!(l.index_label("cc").unwrap(), "bc");
    // The collision key ignores contexts (equal keys are necessary, not
    // sufficient, for variants).
    assert_eq!(l.index_key("ac").unwrap().as_str(), "ab");
    assert_eq!(l.index_label("x").unwrap_err().code(), "LGR_NOT_IN_REPERTOIRE");
}

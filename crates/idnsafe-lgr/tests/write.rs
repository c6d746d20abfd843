//! `Lgr::to_xml` (`idnsafe lgr write`): for every LGR and legacy table of
//! the shared data, the written XML loads, loads to the same LGR
//! (repertoire, sequences, tags, variant mappings with types and contexts,
//! variant types, rules, actions, metadata, variant relation), and writing
//! that again gives the same text. `lgr_core.rs` holds the written LGRs
//! to lgr-core's answers.

use idnsafe_lgr::{Lgr, WriteOptions};
use std::path::{Path, PathBuf};

fn lgr_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            lgr_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "xml" || e == "txt") {
            out.push(p);
        }
    }
}

/// Everything of an LGR visible through its API, as comparable text.
fn shape(l: &Lgr, with_prose: bool) -> String {
    let mut meta = serde_json::to_value(l.metadata()).unwrap();
    if !with_prose {
        meta["description"] = serde_json::Value::Null;
        meta["description_type"] = serde_json::Value::Null;
    }
    let mut s = format!("meta {meta}\nrelation {:?}\n", l.variant_relation());
    s += &format!("types {:?}\n", l.variant_types());
    let mut rules: Vec<&str> = l.rule_names().collect();
    rules.sort();
    s += &format!("rules {rules:?}\nrepertoire {:?}\n", l.repertoire().ranges());
    let elems: Vec<Vec<u32>> = l
        .repertoire()
        .ranges()
        .iter()
        .flat_map(|&(a, b)| a..=b)
        .map(|c| vec![c])
        .chain(l.sequences().map(<[u32]>::to_vec))
        .collect();
    for e in elems {
        let mut m = l.variant_mappings(&e);
        if !with_prose {
            m.iter_mut().for_each(|v| v.comment = None);
        }
        let tags = l.tags(&e);
        if !m.is_empty() || !tags.is_empty() {
            s += &format!("{e:X?} {tags:?} {m:?}\n");
        }
    }
    let mut warnings: Vec<&str> = l.diagnostics().iter().map(|d| d.code).collect();
    warnings.sort();
    warnings.dedup();
    s += &format!("warnings {warnings:?}\n");
    s
}

#[test]
fn every_shared_lgr_survives_write_and_load() {
    let root = idnsafe_tests::data_file("lgr");
    let mut files = Vec::new();
    lgr_files(&root, &mut files);
    assert!(files.len() >= 150, "only {} LGR files under {}", files.len(), root.display());
    let mut failures = Vec::new();
    let (mut bytes_in, mut bytes_out, mut unloadable) = (0usize, 0usize, 0usize);
    for p in &files {
        let Ok(a) = Lgr::from_path(p) else {
            unloadable += 1;
            continue;
        };
        for facts_only in [false, true] {
            let opts =
                WriteOptions { facts_only, source_note: Some(format!("from {}", p.display())) };
            let w1 = a.to_xml(&opts);
            let b = match Lgr::from_xml(&w1) {
                Ok(b) => b,
                Err(e) => {
                    failures.push(format!("{} (facts_only {facts_only}): {e}", p.display()));
                    continue;
                }
            };
            if shape(&a, !facts_only) != shape(&b, !facts_only) {
                let (sa, sb) = (shape(&a, !facts_only), shape(&b, !facts_only));
                let first = sa.lines().zip(sb.lines()).find(|(x, y)| x != y);
                failures
                    .push(format!("{} (facts_only {facts_only}): differs: {first:?}", p.display()));
            }
            let w2 = b.to_xml(&opts);
            if w1 != w2 {
                failures.push(format!("{} (facts_only {facts_only}): not a fixpoint", p.display()));
            }
            if facts_only {
                bytes_in += std::fs::metadata(p).unwrap().len() as usize;
                bytes_out += w1.len();
            }
        }
    }
    // A few ref-tables .txt files are prose, not tables.
    assert!(unloadable <= 5, "{unloadable} files do not load");
    println!(
        "{} files ({unloadable} not LGRs); {bytes_in} bytes in, {bytes_out} bytes written (facts only)",
        files.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn written_rules_keep_their_structure() {
    let xml = r#"<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">
      <meta><version comment="c &amp; d">1</version><description>prose</description></meta>
      <data>
        <char cp="0061" tag="t1"><var cp="0062" type="blocked" comment="a → b"/></char>
        <char cp="0062"><var cp="0061" type="blocked"/></char>
        <char cp="0063" when="after-a"/>
        <char cp="0061 0062"/>
        <range first-cp="0064" last-cp="0066" tag="t2"/>
      </data>
      <rules>
        <class name="ab">0061 0062</class>
        <rule name="after-a"><look-behind><char cp="0061" count="1:3"/></look-behind><anchor/></rule>
        <rule name="two"><start/><choice><class by-ref="ab" count="2+"/><rule><any/><char cp="0061 0062"/></rule></choice><end/></rule>
        <action disp="invalid" match="two" comment="no"/>
        <action disp="blocked" any-variant="blocked"/>
      </rules>
    </lgr>"#;
    let a = Lgr::from_xml(xml).unwrap();
    let w = a.to_xml(&WriteOptions::default());
    assert!(w.contains(r#"<version comment="c &amp; d">1</version>"#), "{w}");
    assert!(w.contains(r#"<range first-cp="0064" last-cp="0066" tag="t2"/>"#), "{w}");
    assert!(w.contains(r#"<char cp="0063" when="after-a"/>"#), "{w}");
    assert!(w.contains(r#"<char cp="0061" count="1:3"/>"#), "{w}");
    assert!(w.contains(r#"<class count="2+">0061-0062</class>"#), "{w}");
    assert!(w.contains(r#"<action disp="invalid" match="two" comment="no"/>"#), "{w}");
    assert!(w.contains("<description>prose</description>"), "{w}");
    let facts = a.to_xml(&WriteOptions { facts_only: true, source_note: None });
    assert!(!facts.contains("prose") && !facts.contains("comment=\"no\""), "{facts}");
    let b = Lgr::from_xml(&w).unwrap();
    for label in ["ab", "abab", "ca", "ac", "d", "aab", "ba", "abc", "xy"] {
        assert_eq!(a.disposition(label).disposition, b.disposition(label).disposition, "{label}");
        let va: Vec<_> = a
            .variants(label, Default::default())
            .map(|v| v.map(|x| (x.label, x.disposition)).collect::<Vec<_>>())
            .unwrap_or_default();
        let vb: Vec<_> = b
            .variants(label, Default::default())
            .map(|v| v.map(|x| (x.label, x.disposition)).collect::<Vec<_>>())
            .unwrap_or_default();
        assert_eq!(va, vb, "{label}");
    }
    assert_eq!(a.disposition("abab").disposition.as_str(), "invalid");
    assert_eq!(b.disposition("abab").disposition.as_str(), "invalid");
}

/// `Lgr::review`: a table against a reference LGR.
#[test]
fn review_of_tables_against_references() {
    let root = idnsafe_tests::data_file("lgr");
    let cyrl = Lgr::from_path(root.join("second-level/und-Cyrl.xml")).unwrap();
    let same = cyrl.review(&cyrl);
    assert_eq!(same.verdict, "match", "{}", same.summary);
    // Russian against the Cyrillic script table: a smaller repertoire, and
    // the variant sets of its letters are the script table's restricted to it.
    let ru = Lgr::from_path(root.join("second-level/ru.xml")).unwrap();
    let r = ru.review(&cyrl);
    assert!(r.repertoire_added.is_empty(), "{:?}", r.repertoire_added);
    assert!(r.repertoire_missing.contains(&"0452-045C".to_owned()), "{:?}", r.repertoire_missing);
    assert!(r.variant_sets_differ.is_empty(), "{:?}", r.variant_sets_differ);
    assert!(r.missing_symmetric.is_empty());
    assert_ne!(r.verdict, "match");
    // A made-up table: an extra code point, an asymmetric mapping, a
    // missing reflexive mapping.
    let reference = Lgr::from_xml(
        r#"<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0"><data>
        <char cp="0061"><var cp="0061" type="r"/><var cp="0062" type="blocked"/></char>
        <char cp="0062"><var cp="0061" type="blocked"/></char>
        <char cp="0063"/></data></lgr>"#,
    )
    .unwrap();
    let table = Lgr::from_xml(
        r#"<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0"><data>
        <char cp="0061"><var cp="0062" type="blocked"/></char>
        <char cp="0062"/><char cp="0064"/></data></lgr>"#,
    )
    .unwrap();
    let r = table.review(&reference);
    assert_eq!(r.verdict, "review");
    assert_eq!(r.repertoire_added, ["0064"]);
    assert_eq!(r.repertoire_missing, ["0063"]);
    assert_eq!(r.missing_symmetric.len(), 1);
    assert_eq!(
        (r.missing_symmetric[0].source.as_str(), r.missing_symmetric[0].target.as_str()),
        ("0061", "0062")
    );
    assert_eq!(r.missing_reflexive.len(), 1);
    assert_eq!(r.missing_reflexive[0].source, "0061");
    let elements: Vec<&str> = r.variant_sets_differ.iter().map(|v| v.element.as_str()).collect();
    assert_eq!(elements, ["0061", "0062"]);
    let html = r.to_html("table<1>.xml", "ref.xml");
    assert!(html.contains("Verdict: review") && html.contains("table&lt;1&gt;.xml"), "{html}");
    assert!(!html.contains("<script") && !html.contains("http"), "self-contained");
}

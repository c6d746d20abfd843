//! Replays every input kept under `fuzz/regressions/<target>/` (inputs that
//! once broke a fuzz target) through the same invariants the fuzzer checks,
//! plus a few inputs written by hand for each target.

use std::path::Path;

#[test]
fn fuzz_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    for &t in idnsafe::fuzzing::TARGETS {
        let dir = root.join(t);
        assert!(dir.is_dir(), "missing {}", dir.display());
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == "README.md") {
                continue;
            }
            let data = std::fs::read(&p).unwrap();
            if let Err(msg) = idnsafe::fuzzing::check(t, &data) {
                panic!("{}: {msg}", p.display());
            }
            replayed += 1;
        }
    }
    eprintln!("{replayed} regression inputs replayed");
}

#[test]
fn fuzz_invariants_hold_on_hand_written_inputs() {
    // lgr_labels reads a root-zone LGR from the shared data.
    idnsafe_tests::shared_data();
    let inputs: &[&[u8]] = &[
        b"",
        b"xn--",
        b"xn--bcher-kva",
        "bücher".as_bytes(),
        "l·l".as_bytes(),
        "пример".as_bytes(),
        "ss".as_bytes(),
        b"\xff\xfe",
        b"<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\"><data><char cp=\"0061\"/></data></lgr>",
        b"<!DOCTYPE x [<!ENTITY a \"b\">]><lgr/>",
        b"$ORIGIN example.\n@ IN SOA a. b. 1 2 3 4 5\nx IN NS y.\n$INCLUDE /etc/passwd\n",
        b"name,registrant\nfoo.com.br,x\n\"bad\n",
        "pãoemaçã.com.br".as_bytes(),
    ];
    for &t in idnsafe::fuzzing::TARGETS {
        for &data in inputs {
            if let Err(msg) = idnsafe::fuzzing::check(t, data) {
                panic!("{t} on {:?}: {msg}", String::from_utf8_lossy(data));
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// The fuzz invariants on arbitrary bytes, in the normal test suite.
    #[test]
    fn fuzz_invariants_hold_on_arbitrary_bytes(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        for &t in idnsafe::fuzzing::TARGETS {
            if let Err(msg) = idnsafe::fuzzing::check(t, &data) {
                return Err(proptest::test_runner::TestCaseError::fail(format!("{t}: {msg}")));
            }
        }
    }

    /// And on arbitrary short strings, which reach further into the label code.
    #[test]
    fn fuzz_invariants_hold_on_arbitrary_labels(s in "\\PC{0,20}") {
        for &t in idnsafe::fuzzing::TARGETS {
            if let Err(msg) = idnsafe::fuzzing::check(t, s.as_bytes()) {
                return Err(proptest::test_runner::TestCaseError::fail(format!("{t}: {msg}")));
            }
        }
    }
}

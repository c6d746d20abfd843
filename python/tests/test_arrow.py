"""Arrow batch kernels and audits: every row equals the per-name call; bad
input gives error rows, never an exception that loses the batch; audits
equal `idnsafe audit`."""

import json

import pyarrow as pa
import pytest

import idnsafe
from conftest import kz_names, run_cli, shared_data


def expected_row(d: dict) -> dict:
    """The check_arrow row the per-name dict implies (see Checker.check_arrow)."""
    labels = d["labels"]

    def joined(key):
        vals = [l.get(key) for l in labels]
        return None if any(v is None for v in vals) else ".".join(vals)

    with_ = []
    for l in labels:
        for n in l.get("confusable_with", []):
            if not with_ or with_[-1] != n:
                with_.append(n)
    alabels = [l["alabel"] for l in labels]
    ulabels = [l["ulabel"] for l in labels]
    return {
        "name": d["input"],
        "ok": d["ok"],
        "errors": [e["code"] for e in d["errors"]] + [e["code"] for l in labels for e in l["errors"]],
        "warnings": [w["code"] for l in labels for w in l["warnings"]],
        "alabel": None if not labels or d["errors"] or None in alabels else ".".join(alabels),
        "ulabel": None if not labels or d["errors"] or None in ulabels else ".".join(ulabels),
        "label_script": joined("label_script") if labels else None,
        "restriction_level": joined("restriction_level") if labels else None,
        "confusable_key": joined("skeleton") if labels else None,
        "confusable_with": with_,
    }


def test_check_arrow_equals_per_name_calls_on_every_kz_name():
    names = kz_names()
    assert len(names) > 170_000
    checker = idnsafe.Checker(protect=["google.kz", "kaspi.kz", "halykbank.kz", "paypal.com"])
    batch = checker.check_arrow(pa.array(names))
    assert batch.num_rows == len(names)
    rows = batch.to_pylist()
    mismatches = [(n, r) for n, r in zip(names, rows) if r != expected_row(checker.check(n))]
    assert mismatches == [], mismatches[:3]
    # The columns mean something: this list has IDNs, invalid names and Cyrillic labels.
    assert any(r["alabel"] and r["alabel"].startswith("xn--") for r in rows)
    assert any(not r["ok"] for r in rows)
    assert any(r["label_script"] and r["label_script"].startswith("Cyrl") for r in rows)


def test_screen_arrow_equals_per_name_calls():
    names = [n for n in kz_names() if not n.isascii()][:2000] + ["пример.kz", "a--b.kz", "test.kz"]
    checker = idnsafe.Checker(policy="gtld-reference")
    batch = checker.screen_arrow(pa.array(names))
    assert batch.num_rows == len(names)
    for n, r in zip(names, batch.to_pylist()):
        d = checker.screen(n, bundle=False)
        assert r == {
            "name": d["input"],
            "decision": d["decision"],
            "codes": [x["code"] for x in d["reasons"]],
            "messages": [x["message"] for x in d["reasons"]],
            "bundle": [b["label"] for b in d["bundle"]],
        }, n


def test_hostile_rows_give_error_rows():
    checker = idnsafe.Checker()
    big = "a" * (1 << 20)
    batch = checker.check_arrow(pa.array(["example.com", None, big, "", "bad..name"]))
    rows = batch.to_pylist()
    assert len(rows) == 5
    assert rows[0]["ok"] is True
    assert rows[1] == {**rows[1], "name": None, "ok": False, "errors": ["NAME_NULL"]}
    assert rows[2]["ok"] is False and rows[2]["errors"] == ["LINE_TOO_LONG"]
    assert rows[3]["ok"] is False and rows[3]["errors"]
    assert rows[4]["errors"] == ["EMPTY_LABEL"] and rows[4]["alabel"] is None
    # Invalid UTF-8 in a binary array.
    b = checker.check_arrow(pa.array([b"\xff\xfe.example", b"ok.example", None], type=pa.binary()))
    r = b.to_pylist()
    assert [x["ok"] for x in r] == [False, True, False]
    assert r[0]["errors"] == ["INVALID_UTF8"] and r[2]["errors"] == ["NAME_NULL"]
    # Empty arrays, of every accepted type.
    for t in (pa.string(), pa.large_string(), pa.string_view(), pa.binary(), pa.large_binary()):
        e = checker.check_arrow(pa.array([], type=t))
        assert e.num_rows == 0 and "confusable_key" in e.schema.names
    # Screening: the same rows, never an exception.
    s = idnsafe.Checker(policy="rf").screen_arrow(pa.array(["пример.рф", None, big]))
    assert [r["decision"] for r in s.to_pylist()] == ["accept", "reject", "reject"]
    assert s.to_pylist()[1]["codes"] == ["NAME_NULL"]
    assert "LINE_TOO_LONG" in s.to_pylist()[2]["codes"]


def test_other_arrow_producers_give_the_same_rows():
    import duckdb
    import polars as pl

    names = kz_names()[:5000] + ["pаypal.com", None]
    checker = idnsafe.Checker()
    want = checker.check_arrow(pa.array(names)).to_pylist()
    assert checker.check_arrow(pa.array(names, type=pa.large_string())).to_pylist() == want
    assert checker.check_arrow(pa.array(names, type=pa.string_view())).to_pylist() == want
    chunked = pa.chunked_array([names[:1234], names[1234:]])
    assert checker.check_arrow(chunked).to_pylist() == want
    assert checker.check_arrow(pl.Series("name", names)).to_pylist() == want
    assert checker.check_arrow(pa.table({"name": names})).to_pylist() == want
    con = duckdb.connect()
    con.register("names", pa.table({"name": names}))
    assert checker.check_arrow(con.sql("SELECT name FROM names")).to_pylist() == want
    assert checker.check_arrow(con.sql("SELECT name FROM names").arrow()).to_pylist() == want
    assert checker.check_arrow(["example.com", None]).num_rows == 2  # a plain list


def test_wrong_arrow_type_is_an_error_with_a_code():
    with pytest.raises(idnsafe.Error) as e:
        idnsafe.Checker().check_arrow(pa.array([1, 2, 3]))
    assert e.value.code == "ARROW_TYPE"


def findings_set(rows) -> set:
    return {
        (f["kind"], tuple(sorted(f["names"])), f.get("protected"), tuple(r if isinstance(r, str) else r["code"] for r in f.get("codes", f.get("reasons", []))))
        for f in rows
    }


def test_audit_of_files_and_of_arrays_equals_cli(tmp_path):
    names = kz_names() + ["pаypal.kz", "paypal.kz", "gооgle.kz", "bad--name.kz", "ex ample.kz"]
    listing = tmp_path / "names.txt"
    listing.write_text("\n".join(names) + "\n", encoding="utf-8")
    protect = tmp_path / "protect.txt"
    protect.write_text("google.kz\npaypal.kz\n", encoding="utf-8")
    cli = run_cli(["audit", "--json", "--protect", str(protect), str(listing)])
    assert any(f["kind"] == "homograph_cluster" for f in cli)
    assert any(f["kind"] == "confusable_with_protected" for f in cli)
    assert any(f["kind"] == "read_error" for f in cli)
    want = findings_set(cli)
    by_file = idnsafe.audit(listing, protect=protect)
    assert findings_set(by_file.to_pylist()) == want
    summary = idnsafe.audit_summary(by_file)
    assert summary["names_distinct"] == len(set(n for n in names if " " not in n))
    by_array = idnsafe.audit(pa.array(names), protect=protect)
    assert findings_set(by_array.to_pylist()) == want
    # Findings keep the CLI's order too (per-name findings in input order, then clusters).
    assert [f["kind"] for f in by_file.to_pylist()] == [f["kind"] for f in cli]
    read_errors = [f for f in by_array.to_pylist() if f["kind"] == "read_error"]
    assert read_errors[0]["line"] == names.index("ex ample.kz") + 1
    assert idnsafe.audit([], protect=protect).num_rows == 0


def test_audit_under_a_policy_equals_cli():
    zone = shared_data() / "names" / "xn--80ao21a.txt.gz"
    cli = run_cli(["audit", "--json", "--policy", "gtld-reference", str(zone)])
    got = idnsafe.audit(zone, policy="gtld-reference")
    assert findings_set(got.to_pylist()) == findings_set(cli)
    assert idnsafe.audit_summary(got)["names_distinct"] > 0


def test_auditor_key_rows_only_for_names_sharing_an_idn_fingerprint():
    """The Spark audit's two passes on one machine: the IDNs' fingerprints
    (every spelling of an IDN, nothing for other rows), then key rows only
    for IDNs and names sharing one, and the same findings as without the
    filter. Every key row carries its key's fingerprint (`fp`), which for
    an IDN is the one the first pass gives."""
    from idnsafe._idnsafe import Fingerprints

    a = idnsafe.Auditor(protect=["paypal.com"])
    names = pa.array([
        "paypal.com", "pаypal.com", "example.com", "XN--PYPAL-4VE.COM.", "",
        "# comment", None, "bad name.com", "xn--pypal-4ve.net",
    ])
    fps = pa.record_batch(a._idn_fingerprints(names)).column("fingerprint")
    assert fps.type == pa.int64()
    # Cyrillic pаypal.com, its A-label in capitals, the .net A-label.
    assert len(fps) == 3
    assert len(set(fps.to_pylist())) == 2  # the first two are one name
    full = pa.record_batch(a._audit_arrow(names)).to_pylist()
    only = pa.record_batch(a._audit_arrow(names, only=Fingerprints(fps))).to_pylist()
    keyed = sorted(r["name"] for r in only if r["kind"] is None)
    assert keyed == ["paypal.com", "pаypal.com", "xn--pypal-4ve.com", "xn--pypal-4ve.net"]
    assert [r for r in only if r["kind"] is not None] == [r for r in full if r["kind"] is not None]
    assert sum(r["kind"] is None for r in full) == 5  # every name; not blank, comment, null, bad line
    # With no fingerprint known, the IDNs' key rows still come, with the
    # first pass's fingerprints: what the Spark audit checks it saw.
    none = pa.record_batch(a._audit_arrow(names, only=Fingerprints(pa.array([], pa.int64())))).to_pylist()
    idn_rows = [r for r in none if r["kind"] is None]
    assert sorted(r["name"] for r in idn_rows) == ["pаypal.com", "xn--pypal-4ve.com", "xn--pypal-4ve.net"]
    assert all(r["idn"] for r in idn_rows)
    assert sorted(r["fp"] for r in idn_rows) == sorted(fps.to_pylist())
    by_name = {r["name"]: r["fp"] for r in full if r["kind"] is None}
    assert by_name["paypal.com"] == by_name["pаypal.com"]  # one key, one fingerprint
    assert by_name["example.com"] != by_name["paypal.com"]
    with pytest.raises(idnsafe.Error) as e:
        Fingerprints(pa.array(["not", "ints"]))
    assert e.value.code == "ARROW_TYPE"


def test_kernels_with_a_pool_of_their_own_give_the_same_rows():
    """`threads` (what idnsafe.spark passes on an executor) changes where
    the kernels run, never what they return."""
    names = pa.array(kz_names()[:40000] + ["pаypal.com", "bad name.kz", None])
    want = pa.record_batch(idnsafe.Checker(protect=["paypal.com"]).check_arrow(names))
    got = pa.record_batch(idnsafe.Checker(protect=["paypal.com"], threads=1).check_arrow(names))
    assert got.equals(want)
    a, one = idnsafe.Auditor(protect=["paypal.com"]), idnsafe.Auditor(protect=["paypal.com"], threads=3)
    assert pa.record_batch(one._audit_arrow(names)).equals(pa.record_batch(a._audit_arrow(names)))
    with pytest.raises(OverflowError):
        idnsafe.Checker(threads=-1)
    with pytest.raises(idnsafe.Error) as e:
        idnsafe.Auditor(threads=1 << 20)
    assert e.value.code == "INVALID_ARGUMENT"

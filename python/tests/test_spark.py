"""Spark local[2]: the distributed audit equals `idnsafe audit` on the same
names, and finds every planted Cyrillic twin's cluster."""

import pathlib
import sys

import pyarrow as pa
import pytest
import pyarrow.parquet as pq

import idnsafe
from idnsafe import spark as idnspark
from conftest import kz_names, run_cli

# Latin letters and the Cyrillic letters UTS #39 maps to them.
TWIN = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у"}


def planted_twins(names):
    """Cyrillic twins of ASCII .kz names: one letter swapped, up to 40."""
    have = set(names)
    twins = []
    for n in names:
        label, _, zone = n.partition(".")
        if zone != "kz" or not label.isascii() or len(label) < 5:
            continue
        i = next((i for i, ch in enumerate(label) if ch in TWIN), None)
        if i is None:
            continue
        twin = label[:i] + TWIN[label[i]] + label[i + 1:] + ".kz"
        if twin not in have:
            twins.append((n, twin))
        if len(twins) == 40:
            break
    return twins


def as_set(rows):
    return {(f["kind"], tuple(sorted(f["names"])), f["protected"], tuple(f["codes"])) for f in rows}


def cli_as_set(findings):
    return {
        (f["kind"], tuple(sorted(f["names"])), f["protected"], tuple(r["code"] for r in f["reasons"]))
        for f in findings
    }


def upper_alabel(name):
    """`name` with its first label as an upper-case A-label (XN--...)."""
    label, _, zone = name.partition(".")
    return ("XN--" + label.encode("punycode").decode("ascii")).upper() + "." + zone.upper()


@pytest.mark.parametrize("broadcast_idn_keys", [True, False])
def test_spark_audit_equals_cli_and_finds_every_twin(spark, tmp_path, broadcast_idn_keys):
    names = kz_names()
    twins = planted_twins(names[::50])
    assert len(twins) == 40
    # The last five twins only as upper-case A-labels: the first pass's
    # filter must find IDNs in every spelling.
    spelled = [t for _, t in twins[:-5]] + [upper_alabel(t) for _, t in twins[-5:]]
    entries = names + spelled + ["bad name.kz", None]
    listing = tmp_path / "names.txt"
    listing.write_text("\n".join(e for e in entries if e is not None) + "\n", encoding="utf-8")
    protect = tmp_path / "protect.txt"
    protect.write_text("google.kz\nkaspi.kz\n", encoding="utf-8")

    cli = run_cli(["audit", "--json", "--protect", str(protect), str(listing)])
    df = spark.createDataFrame(pa.table({"name": entries}).to_pandas()).repartition(4)
    got = idnspark.audit(df, "name", protect=str(protect), broadcast_idn_keys=broadcast_idn_keys).collect()
    rows = [r.asDict() for r in got]
    assert as_set(rows) == cli_as_set(cli)
    assert len(rows) == len(cli)
    clusters = [set(r["names"]) for r in rows if r["kind"] == "homograph_cluster"]
    for (original, _), twin in zip(twins, spelled):
        assert any({original, twin.lower()} <= c for c in clusters), (original, twin)
    # Read errors and nulls: the bad line is a finding, the null is nothing.
    assert sum(r["kind"] == "read_error" for r in rows) == 1


@pytest.mark.parametrize("broadcast_idn_keys", [True, False])
def test_spark_audit_of_small_inputs(spark, broadcast_idn_keys):
    """No rows, no IDN, an IDN alone, a U-label twin (which the first job
    cannot see: the later pass finds its ASCII twin), a null and a bad line."""
    cases = [
        ([], set()),
        (["example.com", "paypal.com"], set()),
        (["xn--pypal-4ve.com"], {("confusable_with_protected", ("xn--pypal-4ve.com",))}),
        (
            ["pаypal.com", "paypal.com", "example.com"],
            {("confusable_with_protected", ("pаypal.com",)), ("homograph_cluster", ("paypal.com", "pаypal.com"))},
        ),
        ([None, "bad name.com"], {("read_error", ())}),
    ]
    for entries, want in cases:
        df = spark.createDataFrame([(e,) for e in entries], "name string")
        got = idnspark.audit(df, "name", protect=["paypal.com"], broadcast_idn_keys=broadcast_idn_keys).collect()
        assert {(r["kind"], tuple(r["names"])) for r in got} == want, entries
        assert len(got) == len(want), entries


def test_first_pass_filter_keeps_every_a_label_spelling(spark):
    """The first job's test passes every entry whose first label is an
    A-label (any case, leading white space) and few others; what it
    misses (U-labels) the audit finds by its later pass, tested above."""
    from pyspark.sql import functions as F

    keep = ["xn--pypal-4ve.com", "XN--PYPAL-4VE.COM", "Xn--a.kz", "xN--a.kz", " xn--a.kz", "\txn--a.kz", ""]
    drop = ["paypal.com", "a.xn--p1ai", "pаypal.com", "axn--b.kz", "n--a.kz"]
    df = spark.createDataFrame([(e,) for e in keep + drop], "entry string")
    got = {r["entry"] for r in df.where(idnspark._maybe_a_label(F.col("entry"))).collect()}
    assert got == set(keep)


def test_spark_check_equals_check_arrow(spark):
    names = kz_names()[:20000] + ["pаypal.com", None, "bad..kz"]
    df = spark.createDataFrame([(n,) for n in names], "name string").repartition(3)
    got = sorted((r.asDict() for r in idnspark.check(df, "name", protect=["paypal.com"]).collect()),
                 key=lambda r: (r["name"] is None, r["name"] or ""))
    want = idnsafe.Checker(protect=["paypal.com"]).check_arrow(pa.array(names)).to_pylist()
    want.sort(key=lambda r: (r["name"] is None, r["name"] or ""))
    assert got == want


def test_example_reads_parquet_and_writes_findings(spark, tmp_path):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
    import spark_audit

    names = kz_names()[:30000] + ["gооgle.kz", "google.kz"]
    src = tmp_path / "names.parquet"
    pq.write_table(pa.table({"domain": names}), src)
    protect = tmp_path / "protect.txt"
    protect.write_text("google.kz\n", encoding="utf-8")
    out = tmp_path / "findings.parquet"
    n = spark_audit.main([str(src), "domain", str(out), "--protect", str(protect), "--master", "local[2]"])
    findings = pq.read_table(out).to_pylist()
    assert n == len(findings) > 0
    assert any(f["kind"] == "confusable_with_protected" and f["names"] == ["gооgle.kz"] for f in findings)
    assert any(f["kind"] == "homograph_cluster" and sorted(f["names"]) == ["google.kz", "gооgle.kz"] for f in findings)

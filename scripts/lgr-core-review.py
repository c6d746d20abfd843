#!/usr/bin/env python3
"""Runs lgr-core 6.1.3's IDN table review (`review_lgr`, the logic of its
`tools/lgr_idn_table_review.py`) on pairs of shared LGRs (an IDN table
against a reference LGR) and on one made-up pair, and writes the findings
that answer the questions `Lgr::review` (`idnsafe lgr review`) answers, for
the Rust test `crates/idnsafe-lgr/tests/lgr_core.rs`
(`review_agrees_with_lgr_core`). Code points are written as our JSON writes
them (upper-case hex, space-separated within a sequence), lists sorted.

Per pair:
- repertoire_only_table / repertoire_only_reference: the elements (code
  points and sequences) lgr-core's repertoire report finds in one LGR only;
- elements_differ: [element, result, remark] for elements in both that are
  not MATCH (tags other than `sc:`, or when/not-when, differ);
- variant_findings: [source, target, result, remark, table types,
  reference types] for every direction of every variant pair lgr-core's
  variant-set report does not call MATCH (remark without lgr-core's note
  on a possibly missing sequence, which is in missing_sequences);
  variant_matches: how many directions it calls MATCH;
- asymmetric_sets: the table's variant sets lgr-core's symmetry check
  fails, variant_sets_checked: how many it checked;
- rules: [name, in table, in reference, result, remark] for every rule,
  and for a rule both define that is not MATCH, rules_in_both_detail:
  whether lgr-core writes the two bodies alike (classes by name) and the
  elements that use it as when/not-when in one LGR only;
- actions: the table's actions lgr-core finds nowhere in the reference
  (1-based positions), the reference's missing from the table, and
  whether the matching ones come in the same order;
- summary: lgr-core's overall result per section.

usage (the venv of scripts/lgr-oracle.py; the system ICU as its Unicode
database, for character names and properties):
    ~/.cache/idnsafe/lgrcore-venv/bin/python scripts/lgr-core-review.py \\
        | gzip -9n > crates/idnsafe-lgr/tests/data/lgr-core-review.json.gz
"""
import json
import os
import re
import sys
import tempfile

from lgrcore_env import RZ, SHARED, XMLParser, unicode_db
from lgr.tools.idn_review.review import review_lgr

LGRCORE_VERSION = "lgr-core 6.1.3 (icann/lgr-core 4dc0317767d6e093651895dd4ead48b93cf1f1f5)"
PAIRS = [
    ("second-level/ru.xml", "second-level/und-Cyrl.xml"),
    ("second-level/de.xml", "second-level/und-Latn.xml"),
    ("second-level/ja.xml", "second-level/und-Jpan.xml"),
    ("second-level/zh.xml", "second-level/und-Hani.xml"),
    ("second-level/hi.xml", "second-level/und-Deva.xml"),
    ("second-level/he.xml", "second-level/und-Hebr.xml"),
    ("registries/dotse/se_Latin_script.xml", "second-level/und-Latn.xml"),
    (RZ % "arabic", "second-level/und-Arab.xml"),
    (RZ % "devanagari", "second-level/und-Deva.xml"),
    (RZ % "georgian", "second-level/und-Geor.xml"),
    ("second-level/und-Cyrl.xml", "second-level/und-Cyrl.xml"),
]

# A made-up pair with what the shared pairs lack: an asymmetric mapping
# (a -> b without b -> a), a missing reflexive mapping in a variant set (a)
# and alone (e), a less conservative type (c, d), an added and a missing code
# point, a rule only in the table, and a rule whose class differs only in
# code points the table does not have.
SYNTHETIC_REFERENCE = """<?xml version="1.0" encoding="utf-8"?>
<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">
  <meta><version>1</version><language>und-Latn</language><unicode-version>11.0.0</unicode-version></meta>
  <data>
    <char cp="0061"><var cp="0061" type="r"/><var cp="0062" type="blocked"/></char>
    <char cp="0062"><var cp="0061" type="blocked"/></char>
    <char cp="0063"><var cp="0064" type="blocked"/></char>
    <char cp="0064"><var cp="0063" type="blocked"/></char>
    <char cp="0065"><var cp="0065" type="r"/></char>
    <char cp="0066"/>
  </data>
  <rules>
    <rule name="letters"><start/><class>0061-007A</class><end/></rule>
    <action disp="blocked" any-variant="blocked"/>
  </rules>
</lgr>
"""
SYNTHETIC_TABLE = """<?xml version="1.0" encoding="utf-8"?>
<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">
  <meta><version>1</version><language>und-Latn</language><unicode-version>11.0.0</unicode-version></meta>
  <data>
    <char cp="0061"><var cp="0062" type="blocked"/></char>
    <char cp="0062"/>
    <char cp="0063"><var cp="0064" type="allocatable"/></char>
    <char cp="0064"><var cp="0063" type="allocatable"/></char>
    <char cp="0065"/>
    <char cp="0067"/>
  </data>
  <rules>
    <rule name="letters"><start/><class>0061-0067</class><end/></rule>
    <rule name="extra"><start/><char cp="0067"/></rule>
    <action disp="blocked" any-variant="blocked"/>
  </rules>
</lgr>
"""


def hexs(cps):
    return " ".join("%04X" % c for c in cps)


MISSING_SEQUENCE = re.compile(r'\.\nThe sequence "(.*)" may be missing\.$', re.S)


def context_users(lgr):
    """Rule name -> elements (of lgr-core's parse) using it as when or
    not-when, what lgr-core's WLE report compares beside the rule's text."""
    users = {}
    for char in lgr.repertoire.all_repertoire():
        for name in (char.when, char.not_when):
            if name:
                users.setdefault(name, set()).add(hexs(char.cp))
    return users


def facets(table, reference):
    report = review_lgr(table, reference)
    rep = report["repertoire"]["reports"]
    out = {
        "repertoire_only_table": sorted(hexs(r["cp"]) for r in rep if r["idn_table"] and not r["reference_lgr"]),
        "repertoire_only_reference": sorted(hexs(r["cp"]) for r in rep if r["reference_lgr"] and not r["idn_table"]),
        "elements_differ": sorted([hexs(r["cp"]), r["result"], r["remark"]] for r in rep
                                  if r["idn_table"] and r["reference_lgr"] and r["result"] != "MATCH"),
    }
    findings, matches, missing_seq = set(), 0, set()
    asymmetric, checked = [], 0
    for s in report["variant_sets"]["reports"]:
        if s["symmetry_check"] is not None:
            checked += 1
            if not s["symmetry_check"]:
                asymmetric.append(sorted(hexs(c) for c in s["idn_table"]))
        for p in s["report"]:
            a, b = hexs(p["source_cp"]), hexs(p["dest_cp"])
            for x, y, res, rem, ti, tr in ((a, b, p["result_fwd"], p["remark_fwd"], p["fwd_type_idn"], p["fwd_type_ref"]),
                                           (b, a, p["result_rev"], p["remark_rev"], p["rev_type_idn"], p["rev_type_ref"])):
                m = MISSING_SEQUENCE.search(rem)
                if m:
                    missing_seq.add(hexs(ord(c) for c in m.group(1)))
                    rem = rem[:m.start()]
                if res == "MATCH":
                    matches += 1
                else:
                    findings.add((x, y, res, rem, ti, tr))
    out["variant_findings"] = sorted(list(f) for f in findings)
    out["variant_matches"] = matches
    out["missing_sequences"] = sorted(missing_seq)
    out["asymmetric_sets"] = sorted(asymmetric)
    out["variant_sets_checked"] = checked
    rules = report["wle"]["comparison"]
    out["rules"] = sorted([r["name"], r["idn_table"], r["reference_lgr"], r["result"], r["remark"]] for r in rules)
    ut, ur = context_users(table), context_users(reference)
    detail = {}
    for r in rules:
        name = r["name"]
        if r["idn_table"] and r["reference_lgr"] and r["result"] != "MATCH":
            t, f = ut.get(name, set()), ur.get(name, set())
            detail[name] = {
                "same_text": str(table.rules_lookup[name]) == str(reference.rules_lookup[name]),
                "users_only_table": sorted(t - f),
                "users_only_reference": sorted(f - t),
            }
    out["rules_in_both_detail"] = detail
    acts = report["actions"]
    out["actions"] = {
        "additional": sorted(int(re.match(r"IDN Table-(\d+)", a["name"]).group(1))
                             for a in acts["comparison"] if a["idn_table"] and a["result"] != "MATCH"),
        "missing": sorted(int(re.match(r"Ref\. LGR-(\d+)", a["name"]).group(1))
                          for a in acts["comparison"] if not a["idn_table"]),
        "sequence": acts["sequence"],
    }
    out["summary"] = {k: v["overall"] for k, v in report["summary"].items()}
    return out


def main():
    db = unicode_db("lgr-core-review")

    def load(path):
        lgr = XMLParser(path).parse_document()
        lgr.unicode_database = db
        return lgr

    pairs = []
    for table, reference in PAIRS:
        case = {"table": table, "reference": reference}
        case.update(facets(load(os.path.join(SHARED, "lgr", table)), load(os.path.join(SHARED, "lgr", reference))))
        pairs.append(case)
    tmp = []
    for text in (SYNTHETIC_TABLE, SYNTHETIC_REFERENCE):
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False, encoding="utf-8") as t:
            t.write(text)
        tmp.append(t.name)
    case = {"table": "(synthetic table)", "reference": "(synthetic reference)"}
    case.update(facets(load(tmp[0]), load(tmp[1])))
    pairs.append(case)
    for t in tmp:
        os.unlink(t)
    json.dump({
        "oracle": LGRCORE_VERSION + " review_lgr (lgr.tools.idn_review), system ICU " + db.get_unicode_version(),
        "synthetic_table": SYNTHETIC_TABLE,
        "synthetic_reference": SYNTHETIC_REFERENCE,
        "pairs": pairs,
    }, sys.stdout, sort_keys=True, ensure_ascii=False)


if __name__ == "__main__":
    main()

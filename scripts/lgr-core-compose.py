#!/usr/bin/env python3
"""Runs lgr-core 6.1.3's union, intersection and set merge on shared LGRs
and writes what they make (repertoire, variant mappings with types) for the
Rust test `crates/idnsafe-lgr/tests/compose.rs`, which holds
`Lgr::union`, `Lgr::intersect` and `merge_set` (`idnsafe lgr compare
--union|--intersect`, `idnsafe lgr merge-set`) to it.

For a union it also writes the mappings of elements only the first LGR has,
which lgr-core's `union_lgrs` drops (a deliberate deviation, CONFORMANCE.md).
lgr-core cannot merge sets where two LGRs give a shared element mappings of
different types (VariantAlreadyExists: Chinese, Japanese and Korean Han), so
the set here is the Root Zone LGR-5 without Japanese and Korean.

usage (the venv of scripts/lgr-oracle.py):
    ~/.cache/idnsafe/lgrcore-venv/bin/python scripts/lgr-core-compose.py \\
        | gzip -9n > crates/idnsafe-lgr/tests/data/lgr-core-compose.json.gz
"""
import glob
import json
import os
import sys

from lgrcore_env import RZ, SHARED, XMLParser
from lgr.tools.compare.union import union_lgrs
from lgr.tools.compare.intersect import intersect_lgrs
from lgr.tools.merge_set import merge_lgr_set

PAIRS = [
    ("second-level/de.xml", "second-level/und-Latn.xml"),
    ("second-level/ru.xml", "second-level/und-Cyrl.xml"),
    ("second-level/zh.xml", "second-level/und-Hani.xml"),
    (RZ % "arabic", "second-level/und-Arab.xml"),
    (RZ % "cyrillic", "second-level/und-Cyrl.xml"),
    (RZ % "greek", RZ % "latin"),
    ("registries/dotse/se_Latin_script.xml", "second-level/und-Latn.xml"),
    ("second-level/und-Grek.xml", RZ % "greek"),
]


def hexs(cps):
    return " ".join("%04X" % c for c in cps)


def load(rel):
    return XMLParser(os.path.join(SHARED, "lgr", rel)).parse_document()


def facts(lgr, typed=True):
    rep, maps = set(), set()
    for char in lgr.repertoire.all_repertoire():
        rep.add(hexs(char.cp))
        for v in char.get_variants():
            maps.add((hexs(char.cp), hexs(v.cp), (v.type or "") if typed else ""))
    return {"repertoire": sorted(rep), "mappings": sorted(list(m) for m in maps)}


def first_only_mappings(a, b):
    b_cps = {tuple(c.cp) for c in b.repertoire.all_repertoire()}
    out = set()
    for char in a.repertoire.all_repertoire():
        if tuple(char.cp) not in b_cps:
            for v in char.get_variants():
                out.add((hexs(char.cp), hexs(v.cp), v.type or ""))
    return sorted(list(m) for m in out)


def main():
    cases = []
    for first, second in PAIRS:
        for op in ("union", "intersect"):
            a, b = load(first), load(second)
            a.expand_ranges()
            b.expand_ranges()
            case = {"op": op, "first": first, "second": second}
            try:
                if op == "union":
                    case["first_only_mappings"] = first_only_mappings(a, b)
                    case.update(facts(union_lgrs(a, b)))
                else:
                    case.update(facts(intersect_lgrs(a, b), typed=False))
            except Exception as e:  # lgr-core refuses some pairs
                case["error"] = type(e).__name__
            cases.append(case)
    files = sorted(
        os.path.relpath(f, os.path.join(SHARED, "lgr"))
        for f in glob.glob(os.path.join(SHARED, "lgr", RZ % "*"))
        if "japanese" not in f and "korean" not in f
    )
    merged = merge_lgr_set([load(f) for f in files], "set")
    case = {"op": "merge-set", "files": files}
    case.update(facts(merged))
    case["rules"] = sorted(merged.rules)
    cases.append(case)
    json.dump({"lgr_core": "6.1.3", "cases": cases}, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs ICANN's reference LGR engine (lgr-core 6.1.3) `harmonize` (no
root-zone LGR) on pairs of shared LGRs that share code points, and writes
each harmonised LGR's repertoire and variant mappings (source, target, type)
as JSON, for crates/idnsafe-lgr/tests/lgr_core.rs
(`harmonize_agrees_with_lgr_core`).

usage (the venv of scripts/lgr-oracle.py):
    ~/.cache/idnsafe/lgrcore-venv/bin/python scripts/lgr-core-harmonize.py \\
        | gzip -9 > crates/idnsafe-lgr/tests/data/lgr-core-harmonize.json.gz
"""
import json
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(HERE, "..", "..", "shared", "data")
logging.disable(logging.CRITICAL)
sys.path.insert(0, os.path.join(SHARED, "..", "reference", "lgr-core"))
from munidata.idna import idnatables  # noqa: E402

idnatables.IDNA_UNICODE_MAPPING.setdefault("15.0.0", idnatables.idna_tables_1510)
from lgr.parser.xml_parser import XMLParser  # noqa: E402
from lgr.tools.harmonize import harmonize  # noqa: E402

PAIRS = [
    ("second-level/ru.xml", "second-level/uk.xml"),
    ("second-level/be.xml", "second-level/bg.xml"),
    ("second-level/da.xml", "second-level/de.xml"),
    ("second-level/ko.xml", "second-level/ja.xml"),
    ("second-level/ja.xml", "second-level/und-Jpan.xml"),
    ("second-level/zh.xml", "second-level/und-Hani.xml"),
    ("second-level/und-Cyrl.xml", "root-zone/lgr-5/lgr-5-cyrillic-script-26may22-en.xml"),
]


def hexs(cps):
    return " ".join("%04X" % c for c in cps)


def facts(lgr):
    rep = sorted(hexs(c.cp) for c in lgr.repertoire)
    maps = sorted([hexs(c.cp), hexs(v.cp), v.type or ""] for c in lgr.repertoire for v in c.get_variants())
    return {"repertoire": rep, "mappings": maps}


def main():
    root = os.path.join(SHARED, "lgr")
    out = []
    for a, b in PAIRS:
        l1 = XMLParser(os.path.join(root, a)).parse_document()
        l2 = XMLParser(os.path.join(root, b)).parse_document()
        h1, h2, _ = harmonize(l1, l2)
        out.append({"first": a, "second": b, "harmonized_first": facts(h1), "harmonized_second": facts(h2)})
    print(json.dumps({"oracle": "lgr-core 6.1.3 harmonize (no root-zone LGR)", "pairs": out}))


if __name__ == "__main__":
    main()

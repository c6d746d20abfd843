#!/usr/bin/env python3
"""Parses pairs of the shared LGRs with ICANN's reference LGR engine
(lgr-core 6.1.3) and writes, per pair, what lgr-core's own model says
differs: single code points and sequences in one repertoire only, and
variant mappings (source, target, type, when/not-when) in one LGR only. The
Rust test `crates/idnsafe-lgr/tests/lgr_core.rs` (`diff_agrees_with_lgr_core`)
holds `Lgr::diff` (`idnsafe lgr compare --diff`) to it.

usage (the venv of scripts/lgr-oracle.py):
    ~/.cache/idnsafe/lgrcore-venv/bin/python scripts/lgr-core-diff.py \\
        > crates/idnsafe-lgr/tests/data/lgr-core-diff.json
"""
import json
import os

from lgrcore_env import RZ, SHARED, XMLParser

PAIRS = [
    ("second-level/de.xml", "second-level/und-Latn.xml"),
    ("second-level/ru.xml", "second-level/und-Cyrl.xml"),
    ("second-level/ja.xml", "second-level/und-Jpan.xml"),
    ("second-level/zh.xml", "second-level/und-Hani.xml"),
    (RZ % "arabic", "second-level/und-Arab.xml"),
    (RZ % "cyrillic", "second-level/und-Cyrl.xml"),
    (RZ % "devanagari", "second-level/und-Deva.xml"),
    (RZ % "chinese", "second-level/zh.xml"),
    ("registries/dotse/se_Latin_script.xml", "second-level/und-Latn.xml"),
    ("second-level/und-Grek.xml", RZ % "greek"),
]


def hexs(cps):
    return " ".join("%04X" % c for c in cps)


def facts(lgr):
    singles, seqs, maps = set(), set(), set()
    for char in lgr.repertoire.all_repertoire():
        cps = tuple(char.cp)
        (singles if len(cps) == 1 else seqs).add(cps)
        for v in char.get_variants():
            ctx = []
            if v.when:
                ctx.append("when=" + v.when)
            if v.not_when:
                ctx.append("not-when=" + v.not_when)
            maps.add((hexs(cps), hexs(v.cp), v.type or "", " ".join(ctx)))
    return singles, seqs, maps


def main():
    root = os.path.join(SHARED, "lgr")
    out = []
    for a, b in PAIRS:
        s1, q1, m1 = facts(XMLParser(os.path.join(root, a)).parse_document())
        s2, q2, m2 = facts(XMLParser(os.path.join(root, b)).parse_document())
        out.append({
            "first": a, "second": b,
            "only_first": sorted(hexs(c) for c in s1 - s2),
            "only_second": sorted(hexs(c) for c in s2 - s1),
            "sequences_only_first": sorted(hexs(c) for c in q1 - q2),
            "sequences_only_second": sorted(hexs(c) for c in q2 - q1),
            "variants_only_first": sorted(list(m) for m in m1 - m2),
            "variants_only_second": sorted(list(m) for m in m2 - m1),
        })
    print(json.dumps({"oracle": "lgr-core 6.1.3 XMLParser (repertoire and variant mappings)", "pairs": out}))


if __name__ == "__main__":
    main()

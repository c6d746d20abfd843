#!/usr/bin/env python3
"""Checks that ICANN's reference LGR engine (lgr-core) reads what
`idnsafe lgr write --facts-only` writes: for every second-level Reference
LGR, Root Zone LGR (RZ-LGR-5) and .se table of the shared data, lgr-core
parses the original and the written file and must find the same repertoire,
the same variant mappings with their types, and as many rules and actions.
(The engine-side check, that written LGRs give lgr-core's answers on 10,649
labels, is `cargo test -p idnsafe-lgr --test lgr_core`.)

usage (from the repository root, with the venv of scripts/lgr-oracle.py):
    cargo build --release -p idnsafe-cli
    ~/.cache/idnsafe/lgrcore-venv/bin/python scripts/lgr-core-reads-written.py
"""
import glob
import logging
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(REPO, "..", "shared", "data")
LGRCORE = os.path.join(SHARED, "..", "reference", "lgr-core")
BIN = os.path.join(REPO, "target", "release", "idnsafe")

logging.disable(logging.CRITICAL)
sys.path.insert(0, LGRCORE)
from munidata.idna import idnatables  # noqa: E402

idnatables.IDNA_UNICODE_MAPPING.setdefault("15.0.0", idnatables.idna_tables_1510)
from munidata import UnicodeDataVersionManager  # noqa: E402
from lgr.parser.xml_parser import XMLParser  # noqa: E402


def shape(lgr):
    rep = sorted(tuple(c.cp) for c in lgr.repertoire)
    var = sorted((tuple(c.cp), tuple(v.cp), v.type) for c in lgr.repertoire for v in c.get_variants())
    return rep, var, len(lgr.rules), len(lgr.actions)


def main():
    um = UnicodeDataVersionManager()
    root = os.path.join(SHARED, "lgr")
    files = sorted(
        glob.glob(os.path.join(root, "second-level", "*.xml"))
        + glob.glob(os.path.join(root, "root-zone", "lgr-5", "*.xml"))
        + glob.glob(os.path.join(root, "registries", "dotse", "*.xml"))
    )
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            rel = os.path.relpath(f, root)
            out = os.path.join(tmp, rel.replace(os.sep, "_"))
            with open(out, "wb") as w:
                subprocess.run([BIN, "lgr", "write", "--facts-only", f], stdout=w, check=True)
            try:
                a = shape(XMLParser(f, um).parse_document())
                b = shape(XMLParser(out, um).parse_document())
            except Exception as e:  # noqa: BLE001 - report and go on
                bad += 1
                print(f"ERROR {rel}: {e!r}"[:300])
                continue
            if a != b:
                bad += 1
                print(f"DIFFERS {rel}: repertoire {len(a[0])}/{len(b[0])}, variants "
                      f"{len(a[1])}/{len(b[1])}, rules {a[2]}/{b[2]}, actions {a[3]}/{b[3]}")
    print(f"{len(files)} LGRs written and read by lgr-core, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

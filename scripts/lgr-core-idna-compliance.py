#!/usr/bin/env python3
"""Runs ICANN's reference LGR engine (lgr-core 6.1.3) `check_idna2008_compliance`
over every Root Zone LGR (RZ-LGR-5 and the common LGR), every second-level
Reference LGR and the .se tables of the shared data, with the system ICU's
Unicode database (as scripts/lgr-oracle.py), and writes the non-compliant
repertoire elements per LGR as JSON to standard output, for
crates/idnsafe-lgr/tests/lgr_core.rs (`idna_compliance_agrees_with_lgr_core`).

usage (the venv of scripts/lgr-oracle.py):
    ~/.cache/idnsafe/lgrcore-venv/bin/python scripts/lgr-core-idna-compliance.py \
        > crates/idnsafe-lgr/tests/data/lgr-core-idna2008.json
"""
import glob
import json
import logging
import os
import sys
logging.disable(logging.CRITICAL)
sys.path.insert(0, os.path.join(os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"), "..", "reference", "lgr-core"))
from munidata.idna import idnatables
idnatables.IDNA_UNICODE_MAPPING.setdefault("15.0.0", idnatables.idna_tables_1510)
from munidata import UnicodeDataVersionManager
from lgr.parser.xml_parser import XMLParser
from lgr.tools.idna2008_compliance import check_idna2008_compliance
import re
found = sorted(glob.glob("/usr/lib/x86_64-linux-gnu/libicuuc.so.[0-9]*"))
uc = found[0]
ver = re.search(r"\.so\.(\d+)", uc).group(1)
db = UnicodeDataVersionManager().register(None, uc, uc.replace("icuuc", "icui18n"), ver)
um = UnicodeDataVersionManager()
SHARED = os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
root = os.path.join(SHARED, "lgr")
out = {}
files = sorted(glob.glob(root+"/second-level/*.xml")+glob.glob(root+"/root-zone/lgr-5/*.xml")+glob.glob(root+"/registries/dotse/*.xml")+glob.glob(root+"/root-zone/*.xml"))
for f in files:
    rel = os.path.relpath(f, root)
    try:
        lgr = XMLParser(f, um).parse_document()
        lgr.unicode_database = db
        r = check_idna2008_compliance(lgr)
        out[rel] = sorted([" ".join("%04X" % c for c in d["cp"]) for d in r["non_compliant"]])
    except Exception as e:
        out[rel] = "ERROR " + repr(e)[:200]
# A small LGR with code points that are not PVALID, so the answer is not empty.
SYNTHETIC = """<?xml version="1.0" encoding="utf-8"?>
<lgr xmlns="urn:ietf:params:xml:ns:lgr-1.0">
  <meta><unicode-version>11.0.0</unicode-version></meta>
  <data>
    <char cp="0041"/><char cp="0061"/><char cp="00B7"/><char cp="0378"/>
    <char cp="0061 0041"/><char cp="0062 0301"/><char cp="2160"/>
    <range first-cp="0030" last-cp="0039"/><range first-cp="00C0" last-cp="00C2"/>
  </data>
</lgr>
"""
import tempfile
with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as t:
    t.write(SYNTHETIC)
lgr = XMLParser(t.name, um).parse_document()
lgr.unicode_database = db
r = check_idna2008_compliance(lgr)
out["(synthetic)"] = sorted([" ".join("%04X" % c for c in d["cp"]) for d in r["non_compliant"]])
os.unlink(t.name)
print(json.dumps({"synthetic_xml": SYNTHETIC, "oracle": "lgr-core 6.1.3 check_idna2008_compliance, system ICU " + ver + " (Unicode " + db.get_unicode_version() + "), munidata IDNA tables", "lgrs": out}, sort_keys=True))

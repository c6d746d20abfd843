"""What every script that runs ICANN's reference engine (lgr-core 6.1.3,
beside the repository in ../shared/reference/lgr-core) sets up first:
the shared data directory, lgr-core on the import path with its logging
silenced, its IDNA tables for Unicode 15.0.0, and the system ICU as a
Unicode database. Imported by scripts/lgr-core-*.py (run them with the
venv of scripts/lgr-oracle.py).
"""
import glob
import logging
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(HERE, "..", "..", "shared", "data")
LGRCORE = os.path.join(SHARED, "..", "reference", "lgr-core")
logging.disable(logging.CRITICAL)
sys.path.insert(0, LGRCORE)
from munidata.idna import idnatables  # noqa: E402

idnatables.IDNA_UNICODE_MAPPING.setdefault("15.0.0", idnatables.idna_tables_1510)
from munidata import UnicodeDataVersionManager  # noqa: E402
from lgr.parser.xml_parser import XMLParser  # noqa: E402,F401  (re-exported)

RZ = "root-zone/lgr-5/lgr-5-%s-script-26may22-en.xml"


def unicode_db(who):
    """The system ICU as lgr-core's Unicode database; stops `who` with an
    error when the library is missing."""
    found = sorted(glob.glob("/usr/lib/x86_64-linux-gnu/libicuuc.so.[0-9]*"))
    if not found:
        sys.exit(f"{who}: the system ICU library (libicuuc.so.N) is missing")
    uc = found[0]
    ver = re.search(r"\.so\.(\d+)", uc).group(1)
    return UnicodeDataVersionManager().register(None, uc, uc.replace("icuuc", "icui18n"), ver)


def parse(rel, db=None):
    """lgr-core's parse of the shared LGR at `rel` (under the data's lgr/)."""
    return XMLParser(os.path.join(SHARED, "lgr", rel), db).parse_document()

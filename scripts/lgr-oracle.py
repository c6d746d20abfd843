#!/usr/bin/env python3
"""Runs ICANN's reference LGR engine (lgr-core) over chosen labels for every
Root Zone LGR and every second-level Reference LGR in the shared data, and
writes its answers, gzip-compressed JSON Lines, for idnsafe's differential
test (crates/idnsafe-lgr/tests/lgr_core.rs) to hold the engine to.

usage (one-off, from the repository root; lgr-core is not needed by the
tests, only by this script):

    python3 -m venv ~/.cache/idnsafe/lgrcore-venv
    ~/.cache/idnsafe/lgrcore-venv/bin/pip install lxml==4.9.4 language-tags==1.1.0 \\
        pycountry==22.3.5 picu==1.6 munidata==2.5.0 idna==3.20
    ~/.cache/idnsafe/lgrcore-venv/bin/python scripts/lgr-oracle.py \\
        [--per-lgr N] [--out crates/idnsafe-lgr/tests/data/lgr-core.jsonl.gz]

Inputs, per LGR (deterministic: a fixed seed, files read in sorted order):
- words: labels of ../shared/data/names (A-labels decoded) whose every code
  point is in the LGR's repertoire, up to N/2;
- random repertoire strings: 2 to 8 code points drawn from the LGR's single
  code point repertoire, N/4 of them;
- registry-testing labels: ICANN's RST IDN test labels
  (../shared/data/rst-idn-test-labels) whose every code point is in the
  repertoire, up to N/2;
- sampled variants: up to 2 variant labels of each of the first words (from
  lgr-core itself), so variant labels are asked about as originals too.

For each input the first line of the file (a header) names the lgr-core
version and commit; then one line per (LGR, label):
  {"lgr": path under shared/data/lgr, "label": U-label, "eligible": bool,
   "disposition": str, "index": str | null, "estimate": int | null,
   "variants": [[label, disposition], ...] | null}
`index` is null when lgr-core cannot compute one (the label is not in the
LGR); `variants` (lgr-core's compute_label_disposition, invalid variants
left out, the label itself excluded) is null when the estimate exceeds
VARIANT_CAP, to bound the run.
"""
import argparse
import glob
import logging
import gzip
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(REPO, "..", "shared", "data")
LGRCORE = os.path.join(SHARED, "..", "reference", "lgr-core")
LGRCORE_VERSION = "lgr-core 6.1.3 (icann/lgr-core 4dc0317767d6e093651895dd4ead48b93cf1f1f5)"
VARIANT_CAP = 2000

sys.path.insert(0, LGRCORE)
from munidata.idna import idnatables  # noqa: E402

idnatables.IDNA_UNICODE_MAPPING.setdefault("15.0.0", idnatables.idna_tables_1510)
from munidata import UnicodeDataVersionManager  # noqa: E402
from lgr.parser.xml_parser import XMLParser  # noqa: E402


def unicode_db():
    found = sorted(glob.glob("/usr/lib/x86_64-linux-gnu/libicuuc.so.[0-9]*"))
    if not found:
        sys.exit("lgr-oracle: the system ICU library (libicuuc.so.N) is missing")
    uc = found[0]
    ver = re.search(r"\.so\.(\d+)", uc).group(1)
    return UnicodeDataVersionManager().register(None, uc, uc.replace("icuuc", "icui18n"), ver)


def lgr_files():
    base = os.path.join(SHARED, "lgr")
    files = sorted(glob.glob(os.path.join(base, "root-zone", "lgr-5", "*.xml")))
    files += sorted(glob.glob(os.path.join(base, "second-level", "*.xml")))
    return base, files


def words():
    """Every distinct label of the name lists, decoded, lower-cased."""
    out = []
    seen = set()
    for f in sorted(glob.glob(os.path.join(SHARED, "names", "*.txt.gz"))):
        with gzip.open(f, "rt", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                for lab in line.strip().lower().rstrip(".").split("."):
                    if not lab or lab in seen:
                        continue
                    seen.add(lab)
                    if lab.startswith("xn--"):
                        try:
                            lab = lab[4:].encode("ascii").decode("punycode")
                        except Exception:
                            continue
                    if 0 < len(lab) <= 63:
                        out.append(lab)
    return out


def rst_labels():
    """Every label of ICANN's registry-testing IDN labels, decoded."""
    out = []
    for f in sorted(glob.glob(os.path.join(SHARED, "rst-idn-test-labels", "*.yaml"))):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                m = re.match(r"\s*- label:\s*(\S+)", line)
                if not m:
                    continue
                lab = m.group(1).strip("'\"").lower()
                if lab.startswith("xn--"):
                    try:
                        lab = lab[4:].encode("ascii").decode("punycode")
                    except Exception:
                        continue
                out.append(lab)
    return sorted(set(out))


def repertoire(lgr):
    singles = []
    for char in lgr.repertoire.all_repertoire():
        if len(char.cp) == 1:
            singles.append(char.cp[0])
    return sorted(set(singles))


def answer(lgr, rel, label):
    cps = [ord(c) for c in label]
    rec = {"lgr": rel, "label": label}
    try:
        eligible, _, _, disp, _, _ = lgr.test_label_eligible(cps, collect_log=False)
    except Exception as e:  # a label lgr-core cannot process
        rec.update(eligible=False, disposition="error:" + type(e).__name__, index=None,
                   estimate=None, variants=None)
        return rec
    rec["eligible"] = bool(eligible)
    rec["disposition"] = disp
    try:
        rec["index"] = "".join(map(chr, lgr.generate_index_label(cps)))
    except Exception:
        rec["index"] = None
    try:
        est = lgr.estimate_variant_number(cps)
    except Exception:
        est = None
    rec["estimate"] = est
    rec["variants"] = None
    if eligible and est is not None and est <= VARIANT_CAP:
        vs = []
        for v in lgr.compute_label_disposition(cps, include_invalid=False, collect_log=False):
            # (variant code points, disposition, invalid parts, action, ...)
            vcp, vdisp = v[0], v[1]
            vlabel = "".join(map(chr, vcp))
            if vlabel != label:
                vs.append([vlabel, vdisp])
        rec["variants"] = sorted(vs)
    return rec


def main():
    # lgr-core logs every rule it applies at WARNING and below.
    logging.disable(logging.CRITICAL)
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-lgr", type=int, default=160)
    ap.add_argument("--out", default=os.path.join(REPO, "crates", "idnsafe-lgr", "tests", "data", "lgr-core.jsonl.gz"))
    ap.add_argument("--only", default="", help="substring of the LGR file names to run")
    args = ap.parse_args()
    db = unicode_db()
    base, files = lgr_files()
    all_words = words()
    all_rst = rst_labels()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    t0 = time.time()
    n = 0
    with gzip.open(args.out + ".tmp", "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(json.dumps({"oracle": LGRCORE_VERSION, "variant_cap": VARIANT_CAP,
                              "per_lgr": args.per_lgr}, ensure_ascii=False) + "\n")
        for path in files:
            rel = os.path.relpath(path, base)
            if args.only and args.only not in rel:
                continue
            lgr = XMLParser(path).parse_document()
            lgr.unicode_database = db
            rep = repertoire(lgr)
            repset = set(rep)
            rng = random.Random(rel)
            mine = [w for w in all_words if all(ord(c) in repset for c in w)]
            rng.shuffle(mine)
            inputs = mine[: args.per_lgr // 2]
            # The registry-testing labels whose code points the LGR has
            # (all of a table's own, and other scripts' words for tables
            # the name lists lack).
            have = set(inputs)
            rst = [w for w in all_rst if w not in have and all(ord(c) in repset for c in w)]
            rng.shuffle(rst)
            inputs += rst[: args.per_lgr // 2]
            for _ in range(args.per_lgr // 4):
                if rep:
                    inputs.append("".join(chr(rng.choice(rep)) for _ in range(rng.randint(2, 8))))
            recs = []
            for label in inputs:
                recs.append(answer(lgr, rel, label))
            extra = []
            for r in recs[: args.per_lgr // 8]:
                for v in (r["variants"] or [])[:2]:
                    extra.append(v[0])
            seen = set(inputs)
            for label in extra:
                if label not in seen:
                    seen.add(label)
                    recs.append(answer(lgr, rel, label))
            for r in recs:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += len(recs)
            print(f"{rel}: {len(recs)} labels ({len(mine)} words in repertoire), {time.time() - t0:.0f} s",
                  file=sys.stderr)
    os.replace(args.out + ".tmp", args.out)
    print(f"lgr-oracle: {n} answers in {time.time() - t0:.0f} s -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

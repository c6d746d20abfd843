#!/usr/bin/env python3
"""Measures homograph detection of the release `idnsafe` CLI on real data.

usage: homographs.py [--bin PATH] [--check-args "ARGS"] [--gen-max N]
                     [--gen-ranks N] [--quick] [--json FILE] [--misses FILE]

Four parts, each printed as a table:

1. Recall on real homographs: shared/data/homograph-dev/pairs.tsv (target,
   homograph). The targets are protected as `<target>.com`; each homograph is
   checked as `<homograph>.com` with `idnsafe check --json --protect LIST`
   (all names on standard input, one process). A pair is found when the first
   label's `confusable_with` holds `<target>.com`. Misses are broken down by a
   rough automatic class (see `miss_class`).
2. False positives on real IDN registrations: every name of
   shared/data/names/*.txt.gz with an `xn--` label, checked against the same
   protect list; a false positive is a name any of whose labels has a
   non-empty `confusable_with`.
3. generate recall (skipped by --quick): `idnsafe generate T --max N --json`
   for each target, 2 targets at a time. The script first asks for
   `<target>.com`; if that fails, or no candidate keeps the `.com` suffix, or
   some candidate lost it (the dot was substituted or the CLI treats the
   argument as one label), it falls back to the bare label. A pair is found
   when the homograph is a candidate's ulabel or the first label of one.
   Also each target's own recall averaged over targets. With --gen-ranks N
   the candidates go on to N per target and recall is given at 1,000,
   --gen-max, 10,000 and N (the order does not depend on --max).
4. Browser-style spoof table: bench/spoof-hosts.tsv (host, expected
   safe|unsafe, category, reason), checked against Chromium's top-domain
   list. A host is flagged when `check` rejects it (`ok` false) or any label
   has a warning.

--check-args passes extra arguments to `check` in parts 1, 2 and 4 (for
example `--check-args "--level loose"`). The shared data is read from
$IDNSAFE_SHARED_DATA (default ../shared/data beside the repository); the
script stops with an error when it is missing. Python 3.11 standard library
only.
"""
import argparse
import collections
import concurrent.futures
import gzip
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def shared_data():
    d = os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(REPO, "..", "shared", "data")
    if not os.path.isdir(d):
        sys.exit(f"homographs.py: reference data not found at {d} (set IDNSAFE_SHARED_DATA)")
    return d


def need_file(path):
    if not os.path.isfile(path):
        sys.exit(f"homographs.py: missing {path}")
    return path


def run_check(binary, protect, names, extra):
    """Checks names in one process; returns one parsed JSON record per name."""
    cmd = [binary, "check", "--json", "--protect", protect, *extra]
    p = subprocess.run(
        cmd,
        input="".join(n + "\n" for n in names).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if p.returncode != 0:
        sys.exit(f"homographs.py: {shlex.join(cmd)} failed ({p.returncode}): "
                 f"{p.stderr.decode('utf-8', 'replace')[:2000]}")
    out = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.strip()]
    if len(out) != len(names):
        sys.exit(f"homographs.py: check printed {len(out)} records for {len(names)} names")
    return out


# ---------------------------------------------------------------- part 1


def load_pairs(data):
    path = need_file(os.path.join(data, "homograph-dev", "pairs.tsv"))
    pairs = []
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header[:2] != ["target_label", "homograph_ulabel"]:
            sys.exit(f"homographs.py: unexpected header in {path}: {header}")
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) >= 2 and f[0] and f[1]:
                pairs.append((f[0], f[1]))
    return pairs


def strip_marks(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.category(c).startswith("M"))


def char_script(c):
    """A rough script of one character, from its Unicode name."""
    if c.isascii():
        return "ascii-digit" if c.isdigit() else "ascii"
    if unicodedata.category(c) == "Nd":
        return "digit"
    name = unicodedata.name(c, "")
    first = name.split(" ")[0] if name else "unnamed"
    if first in ("LATIN", "CYRILLIC", "GREEK"):
        return first.lower()
    if first in ("MODIFIER", "SMALL"):
        return "latin"
    return "other"


def miss_class(target, homograph):
    """A rough class of how the homograph differs from its target.

    `diacritics-only`: removing combining marks (after NFD) gives the target.
    `length-differs`: after that removal the lengths differ (insertions,
    deletions, one character for two such as `rn`/`m`). Otherwise the classes
    of the characters that differ, joined by `+` (latin = non-ASCII Latin
    letters without a decomposition to the target letter, cyrillic, greek,
    digit = non-ASCII decimal digits, ascii = an ASCII letter swap such as
    l/i, other); `+marks` when combining marks were removed too.
    """
    base = strip_marks(homograph)
    if base == target:
        return "diacritics-only"
    had_marks = base != unicodedata.normalize("NFC", homograph)
    if len(base) != len(target):
        return "length-differs"
    kinds = sorted({char_script(h) for h, t in zip(base, target) if h != t})
    cls = "+".join(kinds) or "same"
    return cls + ("+marks" if had_marks else "")


def part_recall(binary, data, protect, pairs, extra):
    t0 = time.monotonic()
    recs = run_check(binary, protect, [h + ".com" for _, h in pairs], extra)
    found, misses = 0, []
    by_class = collections.defaultdict(lambda: [0, 0])
    for (target, hom), r in zip(pairs, recs):
        labels = r.get("labels") or []
        cw = labels[0].get("confusable_with", []) if labels else []
        hit = (target + ".com") in cw
        cls = miss_class(target, hom)
        by_class[cls][1] += 1
        if hit:
            found += 1
            by_class[cls][0] += 1
        else:
            codes = sorted({w.get("code", "?") for w in (labels[0].get("warnings", []) if labels else [])})
            errs = sorted({e.get("code", "?") for e in (labels[0].get("errors", []) if labels else [])})
            misses.append({"target": target, "homograph": hom, "class": cls, "ok": r.get("ok"),
                           "confusable_with": cw, "warnings": codes, "errors": errs})
    return {
        "pairs": len(pairs),
        "targets": len({t for t, _ in pairs}),
        "found": found,
        "recall": found / len(pairs) if pairs else 0.0,
        "by_class": {k: {"found": v[0], "total": v[1]} for k, v in sorted(by_class.items())},
        "misses": misses,
        "seconds": round(time.monotonic() - t0, 2),
    }


# ---------------------------------------------------------------- part 2


def idn_names(data):
    d = os.path.join(data, "names")
    files = sorted(f for f in os.listdir(d) if f.endswith(".txt.gz")) if os.path.isdir(d) else []
    if not files:
        sys.exit(f"homographs.py: no names/*.txt.gz under {data}")
    names = []
    for f in files:
        with gzip.open(os.path.join(d, f), "rt", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                n = line.strip().lower().rstrip(".")
                if n and any(l.startswith("xn--") for l in n.split(".")):
                    names.append(n)
    return names, files


def part_false_positives(binary, data, protect, extra):
    t0 = time.monotonic()
    names, files = idn_names(data)
    recs = run_check(binary, protect, names, extra)
    fps = []
    for n, r in zip(names, recs):
        hits = [(l.get("ulabel"), l.get("confusable_with")) for l in r.get("labels") or [] if l.get("confusable_with")]
        if hits:
            fps.append({"name": n, "ulabels": [h[0] for h in hits], "confusable_with": [c for h in hits for c in h[1]]})
    return {
        "files": len(files),
        "total": len(names),
        "false_positives": len(fps),
        "rate": len(fps) / len(names) if names else 0.0,
        "list": fps,
        "seconds": round(time.monotonic() - t0, 2),
    }


# ---------------------------------------------------------------- part 3


def generate_once(binary, arg, gen_max):
    p = subprocess.run([binary, "generate", arg, "--max", str(gen_max), "--json"],
                       capture_output=True, check=False)
    if p.returncode != 0:
        return None
    out = []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.strip():
            u = json.loads(line).get("ulabel")
            if isinstance(u, str):
                out.append(u)
    return out


def first_ranks(labels):
    """label -> 1-based rank of its first occurrence."""
    ranks = {}
    for i, label in enumerate(labels, 1):
        ranks.setdefault(label, i)
    return ranks


def generate_for(binary, target, gen_max):
    """Candidates for one target: (mode, {first label or candidate: rank}, count)."""
    cands = generate_once(binary, target + ".com", gen_max)
    if cands and all(c.endswith(".com") for c in cands):
        return "name", first_ranks(c[: -len(".com")] for c in cands), len(cands)
    cands = generate_once(binary, target, gen_max)
    if cands is None:
        return "error", {}, 0
    ranks = first_ranks(c.split(".")[0] for c in cands)
    for c, r in first_ranks(cands).items():
        ranks[c] = min(r, ranks.get(c, r))
    return "label", ranks, len(cands)


def part_generate(binary, pairs, gen_max, workers, ranks_max=0):
    """generate recall at `gen_max` candidates per target; with `ranks_max`
    (> gen_max) the candidates go on to that many, and recall is also given
    at other cutoffs (the first N of a longer run are the run with --max N:
    the order does not depend on --max)."""
    t0 = time.monotonic()
    targets = sorted({t for t, _ in pairs})
    run_max = max(gen_max, ranks_max)
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        futs = {ex.submit(generate_for, binary, t, run_max): t for t in targets}
        for f in concurrent.futures.as_completed(futs):
            results[futs[f]] = f.result()

    def hit(t, h, cut=gen_max):
        return results[t][1].get(h, cut + 1) <= cut

    found = sum(1 for t, h in pairs if hit(t, h))
    by_class = collections.defaultdict(lambda: [0, 0])
    per_target = collections.defaultdict(lambda: [0, 0])
    for t, h in pairs:
        c = by_class[miss_class(t, h)]
        c[1] += 1
        c[0] += hit(t, h)
        per_target[t][1] += 1
        per_target[t][0] += hit(t, h)
    cutoffs = {}
    if ranks_max > gen_max:
        for cut in sorted({1000, gen_max, 10000, ranks_max}):
            if cut <= ranks_max:
                cutoffs[cut] = sum(1 for t, h in pairs if hit(t, h, cut))
    counts = sorted(min(results[t][2], gen_max) for t in targets)
    modes = collections.Counter(results[t][0] for t in targets)
    return {
        "max": gen_max,
        "pairs": len(pairs),
        "found": found,
        "recall": found / len(pairs) if pairs else 0.0,
        "modes": dict(modes),
        "by_class": {k: {"found": v[0], "total": v[1]} for k, v in sorted(by_class.items())},
        # Each target's own recall, averaged over targets, and the targets
        # at or above 95%: one target with many pairs weighs as one.
        "target_mean_recall": (sum(f / n for f, n in per_target.values()) / len(per_target)
                               if per_target else 0.0),
        "targets_at_95": sum(1 for f, n in per_target.values() if f >= 0.95 * n),
        "targets": len(per_target),
        "found_at": cutoffs,
        "candidates_min": counts[0] if counts else 0,
        "candidates_median": counts[len(counts) // 2] if counts else 0,
        "candidates_max": counts[-1] if counts else 0,
        "candidates_total": sum(counts),
        "targets_below_max": sum(1 for c in counts if c < gen_max),
        "per_target": {t: results[t][2] for t in targets},
        "seconds": round(time.monotonic() - t0, 2),
    }


# ---------------------------------------------------------------- part 4


def load_spoof_table(path):
    rows = []
    with open(need_file(path), encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            f = line.split("\t")
            if f == ["host", "expected", "category", "reason"]:
                continue
            if len(f) != 4 or f[1] not in ("safe", "unsafe"):
                sys.exit(f"homographs.py: {path}:{i}: want host<TAB>safe|unsafe<TAB>category<TAB>reason")
            rows.append({"host": f[0], "expected": f[1], "category": f[2], "reason": f[3]})
    return rows


def part_spoof(binary, data, rows, extra):
    t0 = time.monotonic()
    protect = need_file(os.path.join(data, "top-domains", "chromium_top_domains.list"))
    recs = run_check(binary, protect, [r["host"] for r in rows], extra)
    per_cat = collections.defaultdict(lambda: [0, 0])
    tot = {"safe": [0, 0], "unsafe": [0, 0]}
    tot_no_tld = {"safe": 0, "unsafe": 0}
    failures = []
    for row, r in zip(rows, recs):
        labels = r.get("labels") or []
        codes = [f"{l.get('ulabel')}:{w.get('code', '?')}" for l in labels for w in l.get("warnings", [])]
        errs = sorted({e.get("code", "?") for l in labels for e in l.get("errors", [])}
                      | {e.get("code", "?") for e in r.get("errors", [])})
        flagged = (not r.get("ok", False)) or bool(codes)
        good = flagged if row["expected"] == "unsafe" else not flagged
        # The same verdict when the last label (the TLD) is not screened.
        flagged_no_tld = (not r.get("ok", False)) or any(l.get("warnings") for l in labels[:-1])
        if flagged_no_tld == (row["expected"] == "unsafe"):
            tot_no_tld[row["expected"]] += 1
        key = (row["expected"], row["category"])
        per_cat[key][1] += 1
        tot[row["expected"]][1] += 1
        if good:
            per_cat[key][0] += 1
            tot[row["expected"]][0] += 1
        else:
            failures.append({**row, "ok": r.get("ok"), "warnings": codes, "errors": errs})
    return {
        "rows": len(rows),
        "unsafe_flagged": tot["unsafe"][0], "unsafe_total": tot["unsafe"][1],
        "safe_clean": tot["safe"][0], "safe_total": tot["safe"][1],
        "ignoring_tld_warnings": {"unsafe_flagged": tot_no_tld["unsafe"], "safe_clean": tot_no_tld["safe"]},
        "per_category": [{"expected": k[0], "category": k[1], "right": v[0], "total": v[1]}
                         for k, v in sorted(per_cat.items())],
        "failures": failures,
        "seconds": round(time.monotonic() - t0, 2),
    }


# ---------------------------------------------------------------- output


def pct(a, b):
    return f"{100.0 * a / b:6.2f}%" if b else "    n/a"


def print_classes(by_class):
    print(f"   {'class':<28} {'found':>6} {'total':>6} {'recall':>8}")
    for cls, v in sorted(by_class.items(), key=lambda kv: -kv[1]["total"]):
        print(f"   {cls:<28} {v['found']:>6} {v['total']:>6} {pct(v['found'], v['total'])}")


def print_report(res, check_args):
    suffix = f"  (check args: {' '.join(check_args)})" if check_args else ""
    r = res["recall"]
    print(f"1. recall on real homographs{suffix}")
    print(f"   {r['found']:>5} / {r['pairs']:<5} {pct(r['found'], r['pairs'])}  "
          f"({r['targets']} targets, {r['seconds']} s)")
    print_classes(r["by_class"])
    f = res["false_positives"]
    print(f"\n2. false positives on real IDN registrations{suffix}")
    print(f"   {f['false_positives']:>5} / {f['total']:<5} {pct(f['false_positives'], f['total'])}  "
          f"({f['files']} name lists, {f['seconds']} s)")
    g = res.get("generate")
    if g:
        print(f"\n3. generate recall at --max {g['max']}")
        print(f"   {g['found']:>5} / {g['pairs']:<5} {pct(g['found'], g['pairs'])}  "
              f"(modes {g['modes']}, {g['seconds']} s)")
        print(f"   candidates per target: min {g['candidates_min']}, median {g['candidates_median']}, "
              f"max {g['candidates_max']}, total {g['candidates_total']}; "
              f"{g['targets_below_max']} targets below the max")
        print(f"   per target: mean recall {100 * g['target_mean_recall']:.1f}%, "
              f"{g['targets_at_95']} of {g['targets']} targets at 95% or more")
        if g["found_at"]:
            print("   found within the first N candidates: " + ", ".join(
                f"{n}: {f} {pct(f, g['pairs'])}" for n, f in g["found_at"].items()))
        print_classes(g["by_class"])
    else:
        print("\n3. generate recall: skipped (--quick)")
    s = res["spoof"]
    print(f"\n4. browser-style spoof table ({s['rows']} hosts, {s['seconds']} s){suffix}")
    print(f"   unsafe flagged {s['unsafe_flagged']:>4} / {s['unsafe_total']:<4} "
          f"{pct(s['unsafe_flagged'], s['unsafe_total'])}")
    print(f"   safe clean     {s['safe_clean']:>4} / {s['safe_total']:<4} "
          f"{pct(s['safe_clean'], s['safe_total'])}")
    n = s["ignoring_tld_warnings"]
    print(f"   (warnings on the last label, the TLD, ignored: unsafe flagged "
          f"{pct(n['unsafe_flagged'], s['unsafe_total']).strip()}, safe clean {pct(n['safe_clean'], s['safe_total']).strip()})")
    print(f"   {'expected':<8} {'category':<32} {'right':>6} {'total':>6} {'rate':>8}")
    for c in s["per_category"]:
        print(f"   {c['expected']:<8} {c['category']:<32} {c['right']:>6} {c['total']:>6} "
              f"{pct(c['right'], c['total'])}")
    if s["failures"]:
        print("   failures:")
        for x in s["failures"]:
            why = ",".join(x["warnings"] + x["errors"]) or "no warning"
            print(f"     {x['expected']:<6} {x['host']}  [{x['category']}] ok={x['ok']} {why}")


def spread(misses, limit):
    """Up to `limit` misses, one from each class in turn, so rare classes show."""
    by = collections.defaultdict(list)
    for m in misses:
        by[m["class"]].append(m)
    queues = [by[k] for k in sorted(by, key=lambda k: -len(by[k]))]
    out, i = [], 0
    while len(out) < limit and any(i < len(q) for q in queues):
        out.extend(q[i] for q in queues if i < len(q))
        i += 1
    return out[:limit]


def write_misses(path, res, limit=40):
    with open(path, "w", encoding="utf-8") as out:
        r = res["recall"]
        out.write(f"# recall misses ({min(limit, len(r['misses']))} of {len(r['misses'])}, taken in turn from each class)\n")
        out.write("target\thomograph\tclass\tok\twarnings\terrors\tconfusable_with\n")
        for m in spread(r["misses"], limit):
            out.write(f"{m['target']}\t{m['homograph']}\t{m['class']}\t{m['ok']}\t"
                      f"{','.join(m['warnings'])}\t{','.join(m['errors'])}\t{','.join(m['confusable_with'])}\n")
        f = res["false_positives"]
        out.write(f"\n# false positives ({f['false_positives']} of {f['total']})\n")
        out.write("name\tulabels\tconfusable_with\n")
        for x in f["list"]:
            out.write(f"{x['name']}\t{','.join(x['ulabels'])}\t{','.join(x['confusable_with'])}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "idnsafe"))
    ap.add_argument("--check-args", default="", help="extra arguments for `check` (parts 1, 2, 4)")
    ap.add_argument("--gen-max", type=int, default=3000)
    ap.add_argument("--gen-ranks", type=int, default=0, metavar="N",
                    help="generate N candidates per target and give part 3's recall at several cutoffs")
    ap.add_argument("--workers", type=int, default=2, help="parallel generate processes")
    ap.add_argument("--quick", action="store_true", help="skip part 3 (generate)")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--misses", metavar="FILE")
    ap.add_argument("--table", default=os.path.join(HERE, "spoof-hosts.tsv"))
    a = ap.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"homographs.py: no executable at {a.bin} (cargo build --release -p idnsafe-cli)")
    data = shared_data()
    extra = shlex.split(a.check_args)
    pairs = load_pairs(data)
    res = {"bin": a.bin, "check_args": extra}
    with tempfile.TemporaryDirectory() as tmp:
        protect = os.path.join(tmp, "targets.list")
        with open(protect, "w", encoding="utf-8") as fh:
            for t in sorted({t for t, _ in pairs}):
                fh.write(t + ".com\n")
        res["recall"] = part_recall(a.bin, data, protect, pairs, extra)
        res["false_positives"] = part_false_positives(a.bin, data, protect, extra)
    if not a.quick:
        res["generate"] = part_generate(a.bin, pairs, a.gen_max, a.workers, a.gen_ranks)
    res["spoof"] = part_spoof(a.bin, data, load_spoof_table(a.table), extra)
    print_report(res, extra)
    if a.misses:
        write_misses(a.misses, res)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates a deterministic synthetic CZDS-format zone for benchmarks.

usage: gen_zone.py N OUT [--origin com] [--seed 1]

N distinct registered names under ORIGIN, each with 2 or 3 NS records, in
ICANN CZDS form (one record per line, tab separated, lower case, fully
qualified), sorted by owner like real CZDS files, after an SOA and the
origin's own NS records. About 97% of the labels are ASCII, built from the
real ASCII labels of the shared name lists (with numeric suffixes to make
them distinct); about 3% are IDNs: real IDN labels from the shared name
lists (decoded from Punycode), likewise suffixed and re-encoded as A-labels.
The shared data is read from $IDNSAFE_SHARED_DATA (default ../shared/data
beside the repository); nothing is copied into the repository.
"""
import gzip
import os
import random
import sys


def shared_data():
    here = os.path.dirname(os.path.abspath(__file__))
    d = os.environ.get("IDNSAFE_SHARED_DATA") or os.path.join(here, "..", "..", "shared", "data")
    if not os.path.isdir(d):
        sys.exit(f"reference data not found at {d} (set IDNSAFE_SHARED_DATA)")
    return d


def first_labels(data):
    ascii_labels, idn_labels = set(), set()
    names = os.path.join(data, "names")
    for f in sorted(os.listdir(names)):
        with gzip.open(os.path.join(names, f), "rt", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                label = line.strip().lower().split(".")[0]
                if not label:
                    continue
                if label.startswith("xn--"):
                    try:
                        u = label[4:].encode("ascii").decode("punycode")
                    except Exception:
                        continue
                    if u and not u.isascii() and "-" not in u[:1] + u[-1:]:
                        idn_labels.add(u)
                elif all(c.isalnum() or c == "-" for c in label) and label.isascii():
                    ascii_labels.add(label)
    return sorted(ascii_labels), sorted(idn_labels)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    origin = "com"
    seed = 1
    if "--origin" in args:
        origin = args[args.index("--origin") + 1].strip(".").lower()
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    rng = random.Random(seed)
    ascii_labels, idn_labels = first_labels(shared_data())
    names = set()
    n_idn = n * 3 // 100
    while len(names) < n - n_idn:
        base = rng.choice(ascii_labels)
        label = base if rng.random() < 0.3 else f"{base}{rng.randrange(100000)}"
        if len(label) <= 63:
            names.add(label)
    idn = set()
    while len(idn) < n_idn:
        base = rng.choice(idn_labels)
        u = base if rng.random() < 0.3 else f"{base}{rng.randrange(100000)}"
        a = "xn--" + u.encode("punycode").decode("ascii")
        if len(a) <= 63 and a not in names:
            idn.add(a)
    names |= idn
    ns_hosts = [f"ns{i}.dns{j}.net." for i in range(1, 4) for j in range(50)]
    with open(out, "w", encoding="ascii") as fh:
        fh.write(f"{origin}.\t900\tin\tsoa\ta.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n")
        fh.write(f"{origin}.\t172800\tin\tns\ta.gtld-servers.net.\n")
        fh.write(f"{origin}.\t172800\tin\tns\tb.gtld-servers.net.\n")
        for label in sorted(names):
            owner = f"{label}.{origin}."
            for _ in range(rng.choice((2, 2, 3))):
                fh.write(f"{owner}\t172800\tin\tns\t{rng.choice(ns_hosts)}\n")
    print(f"wrote {out}: {len(names)} names ({len(idn)} IDN) under {origin}.", file=sys.stderr)


if __name__ == "__main__":
    main()

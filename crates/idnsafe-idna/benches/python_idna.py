#!/usr/bin/env python3
"""Times Python's `idna` package (IDNA2008, RFC 5891-5893) on the label sets
that `cargo bench -p idnsafe-idna --bench validate` writes to /tmp, for a
like-for-like comparison with `idnsafe_idna::check_label`.

Per label it runs `idna.encode(label)`: IDNA2008 validation of the label
(NFC, code point properties, hyphens, CONTEXTJ/CONTEXTO, Bidi) and its
A-label, the registration-validity equivalent of `check_label`. Invalid
labels raise `idna.IDNAError`, which is caught and counted (inside the
timing, as `check_label` reports its errors inside its timing).

Usage: python3 benches/python_idna.py [--repeat N]
Needs: pip install idna
"""

import argparse
import sys
import timeit

import idna

SETS = [
    ("ascii", "/tmp/idnsafe-labels-ascii.txt"),
    ("unicode", "/tmp/idnsafe-labels-unicode.txt"),
]


def validate_all(labels):
    bad = 0
    for label in labels:
        try:
            idna.encode(label)
        except idna.IDNAError:
            bad += 1
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timing rounds; the best is kept")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, idna {idna.__version__}")
    for name, path in SETS:
        try:
            with open(path, encoding="utf-8") as f:
                labels = [line.rstrip("\n") for line in f if line.strip()]
        except FileNotFoundError:
            sys.exit(f"{path} is missing: run `cargo bench -p idnsafe-idna --bench validate` first")
        bad = validate_all(labels)
        best = min(timeit.repeat(lambda: validate_all(labels), number=1, repeat=args.repeat))
        per_label_ns = best / len(labels) * 1e9
        print(
            f"{name}: {len(labels)} labels ({len(labels) - bad} valid), "
            f"{per_label_ns:,.0f} ns/label (best of {args.repeat})"
        )


if __name__ == "__main__":
    main()

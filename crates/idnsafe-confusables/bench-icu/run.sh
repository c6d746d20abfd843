#!/bin/sh
# Compares ICU's uspoof_getSkeleton with idnsafe-confusables on the same
# labels. Needs libicu-dev (ICU 72 on Debian 12: apt-get install -y libicu-dev).
# Run from the workspace root: sh crates/idnsafe-confusables/bench-icu/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/idnsafe-bench-icu
mkdir -p "$out"
cc -O2 -o "$out/skeleton_icu" "$here/skeleton_icu.c" $(pkg-config --cflags --libs icu-i18n icu-uc)
# The benchmark writes the labels it times, then criterion's --test mode ends quickly.
IDNSAFE_BENCH_LABELS_OUT="$out" cargo bench -p idnsafe-confusables --bench confusables -- --test >/dev/null
"$out/skeleton_icu" "$out/ascii.txt"
"$out/skeleton_icu" "$out/idn.txt"
echo "compare with: cargo bench -p idnsafe-confusables --bench confusables -- skeleton_uts39"

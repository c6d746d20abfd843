#!/usr/bin/env bash
# Benchmark of `idnsafe audit` on a synthetic CZDS zone.
#
# usage: bench/zone.sh [N]          N names (default 10,000,000)
#
# Generates (once, deterministically) a CZDS zone of N names with 2-3 NS
# records each, ~97% ASCII labels and ~3% IDNs drawn from the real name lists
# in the shared data (bench/gen_zone.py), then times in the same run:
#   - the floor: `wc -l` on the same file;
#   - `idnsafe audit` with Chromium's top-domain list as protected names;
#   - the gzip variant against `zcat > /dev/null`.
# Prints names/s, the ratio to the floor and peak RSS (/usr/bin/time -v).
# Files go to $BENCH_DIR (default bench/out, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000000}"
SHARED="${IDNSAFE_SHARED_DATA:-$PWD/../shared/data}"
OUT="${BENCH_DIR:-bench/out}"
mkdir -p "$OUT"
ZONE="$OUT/czds-$N.txt"
PROTECT="$SHARED/top-domains/chromium_top_domains.list"
[ -f "$PROTECT" ] || { echo "missing $PROTECT (set IDNSAFE_SHARED_DATA)" >&2; exit 2; }
if [ ! -s "$ZONE" ]; then
  python3 bench/gen_zone.py "$N" "$ZONE.tmp" && mv "$ZONE.tmp" "$ZONE"
fi
if [ ! -s "$ZONE.gz" ]; then
  gzip -c -6 "$ZONE" > "$ZONE.gz.tmp" && mv "$ZONE.gz.tmp" "$ZONE.gz"
fi
cargo build --release -q -p idnsafe-cli
BIN=target/release/idnsafe

secs() { # run a command, print its wall seconds
  local s e
  s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
rss_kb() { grep 'Maximum resident set size' "$1" | awk '{print $NF}'; }
wall() { grep 'Elapsed (wall clock)' "$1" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }

cat "$ZONE" > /dev/null  # warm the page cache for both runs
floor=$(secs wc -l "$ZONE")
/usr/bin/time -v "$BIN" audit --json --protect "$PROTECT" --summary "$OUT/summary.json" "$ZONE" \
  > "$OUT/findings.jsonl" 2> "$OUT/time.txt"
t=$(wall "$OUT/time.txt")
names=$(python3 -c "import json;print(json.load(open('$OUT/summary.json'))['names_distinct'])")
rss=$(rss_kb "$OUT/time.txt")
echo "zone: $ZONE ($(wc -c < "$ZONE") bytes, $names distinct names)"
printf 'wc -l floor:      %.3f s\n' "$floor"
printf 'idnsafe audit:    %.3f s  %.0f names/s  %.1fx the floor  peak RSS %d MB (%.1f bytes/name)\n' \
  "$t" "$(echo "$names / $t" | bc -l)" "$(echo "$t / $floor" | bc -l)" "$((rss / 1024))" "$(echo "$rss * 1024 / $names" | bc -l)"
grep -h '^idnsafe audit' "$OUT/time.txt" || true

zfloor=$(secs zcat "$ZONE.gz")
/usr/bin/time -v "$BIN" audit --json --protect "$PROTECT" "$ZONE.gz" > /dev/null 2> "$OUT/time-gz.txt"
tz=$(wall "$OUT/time-gz.txt")
printf 'zcat floor:       %.3f s\n' "$zfloor"
printf 'audit of .gz:     %.3f s  %.0f names/s  %.2fx zcat  peak RSS %d MB\n' \
  "$tz" "$(echo "$names / $tz" | bc -l)" "$(echo "$tz / $zfloor" | bc -l)" "$(( $(rss_kb "$OUT/time-gz.txt") / 1024 ))"

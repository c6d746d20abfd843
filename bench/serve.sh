#!/usr/bin/env bash
# Benchmark of `idnsafe serve` on this machine: server and load generator
# share its cores, over 127.0.0.1 only.
#
# usage: bench/serve.sh [N]    N registrations in the state (default 1,000,000)
#
# 1. Makes (once, deterministically) N registrations under the bundled
#    gtld-reference policy (`.example`): ~97% ASCII labels, ~3% IDN labels
#    from the real name lists in the shared data; imports them with
#    `idnsafe state import` into $BENCH_DIR/serve-state-N.
# 2. Start-up: seconds from exec to "listening", and resident memory above
#    an empty-state server, per registration.
# 3. `POST /v1/screen`, single ASCII names, keep-alive, 64 connections
#    (wrk, Debian's package, installed when missing): requests/s and p99.
# 4. NDJSON batch screening of 1,000,000 names in one request (curl).
# 5. The review page's name explorer, rendered server-side (GET
#    /names/{name}), one connection at a time (wrk): latency per page for a
#    registered ASCII name, a Cyrillic lookalike of one (CONFUSABLE_
#    REGISTERED, with its evidence) and an IDN name.
# 6. Durable registrations on SQLite with 64 concurrent clients (wrk):
#    each answered 201 only once fsync'd.
# Files go to $BENCH_DIR (default bench/out, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
SHARED="${IDNSAFE_SHARED_DATA:-$PWD/../shared/data}"
OUT="${BENCH_DIR:-bench/out}"
DURATION="${DURATION:-15}"
mkdir -p "$OUT"
[ -d "$SHARED/names" ] || { echo "missing $SHARED/names (set IDNSAFE_SHARED_DATA)" >&2; exit 2; }
export IDNSAFE_TABLES="$SHARED/lgr"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
cargo build --release -q -p idnsafe-cli
BIN=target/release/idnsafe
POLICY=tables/policies/gtld-reference.toml
REG="$OUT/serve-registrations-$N.csv"
STATE="$OUT/serve-state-$N"
BATCH="$OUT/serve-batch-1000000.txt"

if [ ! -s "$REG" ]; then
python3 - "$N" "$SHARED" "$REG.tmp" <<'PY'
import gzip, glob, random, sys
n, shared, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(8053)
idn = set()
for f in sorted(glob.glob(f"{shared}/names/*.txt.gz")):
    for line in gzip.open(f, "rt", errors="replace"):
        first = line.strip().split(".")[0].lower()
        if first.startswith("xn--") and len(first) < 64:
            idn.add(first)
idn = sorted(idn)
letters = "abcdefghijklmnopqrstuvwxyz"
seen = set()
with open(out, "w") as f:
    f.write("name,registrant\n")
    i = 0
    while i < n:
        if idn and rng.random() < 0.03:
            label = rng.choice(idn)
        else:
            label = "".join(rng.choice(letters) for _ in range(rng.randint(4, 14))) + (str(rng.randint(0, 99)) if rng.random() < 0.2 else "")
        if label in seen:
            continue
        seen.add(label)
        # Half of the screening bench's names are registered.
        if i % 20 == 0:
            label = f"cand{(i // 20) * 2 % 100000}"
            if label in seen:
                continue
            seen.add(label)
        f.write(f"{label}.example,holder{rng.randint(0, 50000)}\n")
        i += 1
PY
mv "$REG.tmp" "$REG"
fi
if [ ! -s "$BATCH" ]; then
  python3 -c "
import random
rng = random.Random(53)
with open('$BATCH', 'w') as f:
    for i in range(1000000):
        f.write('batch%d%s.example\n' % (i, ''.join(rng.choice('abcdefghij') for _ in range(4))))
"
fi
if [ ! -s "$STATE/state.db" ]; then
  rm -rf "$STATE"
  /usr/bin/time -f "%e s, peak RSS %M KB" "$BIN" state import --policy "$POLICY" --state "$STATE" "$REG"
fi

start_server() { # state-dir log-file -> sets PID and ADDR
  "$BIN" serve --policy "$POLICY" --state "$1" --listen 127.0.0.1:0 2> "$2" &
  PID=$!
  for _ in $(seq 1 600); do
    ADDR=$(grep -o 'listening on http://[0-9.:]*' "$2" | sed 's|listening on http://||' || true)
    [ -n "$ADDR" ] && return 0
    sleep 0.01
  done
  echo "server did not start:"; cat "$2"; exit 1
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

EMPTY="$OUT/serve-state-empty"
rm -rf "$EMPTY"
start_server "$EMPTY" "$OUT/serve-empty.log"
base=$(rss_kb "$PID")
kill "$PID"; wait "$PID" || true

s=$(date +%s.%N)
start_server "$STATE" "$OUT/serve.log"
e=$(date +%s.%N)
rss=$(rss_kb "$PID")
trap 'kill $PID 2>/dev/null || true' EXIT
printf 'start-up with the %d-registration state: %.2f s to listening (%s)\n' "$N" "$(echo "$e - $s" | bc -l)" "$(grep -o 'loaded in [0-9]* ms.*registrations loaded in [0-9]* ms' "$OUT/serve.log")"
# The registration bench below adds names to the state: count what was loaded.
loaded=$(grep -o '[0-9]* registrations loaded' "$OUT/serve.log" | awk '{print $1}')
printf 'memory: %d MB resident, %d MB above an empty state: %.1f bytes per registration (%d loaded)\n' \
  "$((rss / 1024))" "$(((rss - base) / 1024))" "$(echo "($rss - $base) * 1024 / $loaded" | bc -l)" "$loaded"

echo "== POST /v1/screen, single ASCII names, 64 connections, ${DURATION}s"
wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/wrk-screen.lua "http://$ADDR" | grep -E 'Requests/sec|Latency|99%|50%|Non-2xx|Socket errors'

echo "== NDJSON batch: 1,000,000 names in one request"
t=$(curl -s -o "$OUT/serve-batch.out" -w '%{time_total}' -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$BATCH" "http://$ADDR/v1/screen?no_bundle=true")
lines=$(wc -l < "$OUT/serve-batch.out")
printf '%d records in %.2f s: %.0f names/s\n' "$lines" "$t" "$(echo "$lines / $t" | bc -l)"

echo "== GET /names/{name}: the review page's explorer, 1 connection, ${DURATION}s per name"
for n in cand2.example c%D0%B0nd2.example b%C3%BCcher.example; do
  printf '%s: ' "$n"
  wrk -t1 -c1 -d"${DURATION}s" --latency "http://$ADDR/names/$n" \
    | awk '/Requests\/sec/ {r=$2} /^ +Latency +[0-9]/ {avg=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$0} END {printf "mean %s, p99 %s, %s pages/s %s\n", avg, p99, r, bad}'
done

echo "== POST /v1/registrations (durable, SQLite), 64 connections, ${DURATION}s"
wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/wrk-register.lua "http://$ADDR" | grep -E 'Requests/sec|Latency|99%|50%|non-2xx|Socket errors'
kill "$PID"; wait "$PID" || true

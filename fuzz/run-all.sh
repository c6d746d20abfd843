#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), seeded from the shared
# reference data (copied into fuzz/corpus at run time, never committed), and
# prints executions and crashes per target. A crash is minimized into
# fuzz/regressions/<target>/, which `cargo test` replays.
#
# usage: fuzz/run-all.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")"
SECS="${1:-60}"
SHARED="${IDNSAFE_SHARED_DATA:-$PWD/../../shared/data}"
export IDNSAFE_SHARED_DATA="$SHARED"
# The machine has a stable toolchain only; cargo-fuzz needs nightly flags.
export RUSTC_BOOTSTRAP=1
# cargo-fuzz itself comes from crates.io: the pinned version, installed when
# missing or different.
CARGO_FUZZ_VERSION=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "run-all.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install cargo-fuzz --version $CARGO_FUZZ_VERSION --locked)" >&2
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked >&2 \
    || { echo "run-all.sh: cannot install cargo-fuzz $CARGO_FUZZ_VERSION" >&2; exit 1; }
fi
seed() { # target, files...
  local t=$1; shift
  mkdir -p "corpus/$t"
  "$@" 2>/dev/null | head -n 2000 | split -l 1 - "corpus/$t/seed-" 2>/dev/null || true
}
names() { for f in "$SHARED"/names/*.txt.gz; do zcat "$f" | head -n 200; done; }
labels() { names | tr '.' '\n'; }
seed idna_roundtrip labels
seed idna_validate names
seed skeleton_differential labels
seed lgr_labels labels
seed policy_screen names
seed confusable_tiers labels
# Registrations and releases, eight operations a seed (idnsafe::fuzzing::registry_state).
mkdir -p corpus/registry_state
names | cut -d. -f1 | head -n 400 | awk '{print "+" $0; if (NR % 3 == 0) print "-" NR}' \
  | split -l 8 - corpus/registry_state/seed- 2>/dev/null || true
mkdir -p corpus/lgr_parse corpus/zone_reader
mkdir -p corpus/lgr_write
for f in "$SHARED"/lgr/second-level/{de,ru,ko}.xml "$SHARED"/lgr/registries/dotse/*.xml; do cp "$f" corpus/lgr_parse/; cp "$f" corpus/lgr_write/; done
for f in "$SHARED"/zones/records__{FJ,GP,MP}.zone.gz; do zcat "$f" | head -c 20000 > "corpus/zone_reader/$(basename "$f" .gz)"; done
printf '%-24s %12s %8s\n' target executions crashes
for t in $(cargo fuzz list); do
  log="corpus/$t.log"
  cargo fuzz run -s none "$t" "corpus/$t" -- -max_total_time="$SECS" -max_len=4096 > "$log" 2>&1
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}' | tail -1)
  [ -n "$execs" ] || execs=$(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')
  crashes=$(ls artifacts/"$t"/ 2>/dev/null | grep -c '^crash-' || true)
  printf '%-24s %12s %8s\n' "$t" "${execs:-?}" "$crashes"
  for c in artifacts/"$t"/crash-*; do
    [ -e "$c" ] || continue
    cargo fuzz tmin -s none "$t" "$c" > /dev/null 2>&1 || true
    cp "$c" "regressions/$t/$(basename "$c")"
  done
done

#!/usr/bin/env bash
# Writes tables/lgr/: the ICANN and registry LGRs that the bundled policies
# (tables/policies/*.toml) name, as facts, with `idnsafe lgr write
# --facts-only` (repertoire, variants and their types, classes, rules,
# actions, identifying metadata; the descriptive prose dropped), from the
# published files in $IDNSAFE_SHARED_DATA/lgr (default ../shared/data/lgr),
# plus tables/lgr/SOURCES.md naming each source file, its version, date and
# SHA-256. Run it again when a policy names another table or ICANN
# publishes a new version; `cargo test -p idnsafe-policy --test bundled`
# then holds every written table to its original.
#
# usage: bash scripts/bundle-lgrs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${IDNSAFE_SHARED_DATA:-$PWD/../shared/data}"
[ -d "$SHARED/lgr" ] || { echo "bundle-lgrs.sh: $SHARED/lgr not found (set IDNSAFE_SHARED_DATA)" >&2; exit 1; }
cargo build --release -q -p idnsafe-cli
BIN=target/release/idnsafe
OUT=tables/lgr
rm -rf "$OUT"
mkdir -p "$OUT"
files=$(grep -hoE '^file = "(second-level|registries|root-zone)/[^"]+"' tables/policies/*.toml | sed -E 's/^file = "(.*)"/\1/' | sort -u)
{
  echo "# LGRs shipped with idnsafe"
  echo
  echo "Written by \`bash scripts/bundle-lgrs.sh\` with \`idnsafe lgr write --facts-only\`"
  echo "from the published files below (the shared reference data; see"
  echo "\`../shared/data/SOURCES.md\`): ICANN's Second-Level Reference LGRs as of"
  echo "2024-10-25 (gbxyz/lgr_server commit 7d77deaf7d37ef07769e6302839fb6dee4e6dfd7,"
  echo "\`lgrs/second-level-reference/\`) and the .se registry's IDN tables as filed with"
  echo "IANA (dotse/IDN-tables commit 3869bec84adae96deaca165c36ee158900046b93). Each"
  echo "written file keeps the repertoire, variant mappings and their types, classes"
  echo "(as the code points they stand for), rules, actions and the metadata that"
  echo "identifies its source (version, date, languages, scope, Unicode version,"
  echo "validity, references); the description and comments are left out. The"
  echo "bundled policies name these paths, and the \`idnsafe\` binary embeds them."
  echo
  echo "| file | source file | version | date | Unicode | source SHA-256 |"
  echo "|---|---|---|---|---|---|"
} > "$OUT/SOURCES.md.tmp"
for f in $files; do
  src="$SHARED/lgr/$f"
  [ -f "$src" ] || { echo "bundle-lgrs.sh: a policy names $f, which is not in $SHARED/lgr" >&2; exit 1; }
  mkdir -p "$OUT/$(dirname "$f")"
  "$BIN" lgr write --facts-only "$src" > "$OUT/$f"
  meta=$("$BIN" lgr write --facts-only --json "$src" | python3 -c '
import json, re, sys
x = json.load(sys.stdin)["xml"]
g = lambda t: (re.search("<%s[^>]*>([^<]*)</%s>" % (t, t), x) or [None, ""])[1]
print("|".join([g("version"), g("date"), g("unicode-version")]))')
  IFS='|' read -r ver date uni <<< "$meta"
  sum=$(sha256sum "$src" | cut -d' ' -f1)
  echo "| \`$f\` | \`lgr/$f\` | ${ver:--} | ${date:--} | ${uni:--} | \`$sum\` |" >> "$OUT/SOURCES.md.tmp"
done
mv "$OUT/SOURCES.md.tmp" "$OUT/SOURCES.md"
echo "bundle-lgrs.sh: $(echo "$files" | wc -l) tables, $(du -sh "$OUT" | cut -f1) in $OUT"

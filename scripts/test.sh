#!/usr/bin/env bash
# The README's test command: installs what the tests need and this machine
# lacks (scripts/setup-test-deps.sh, idempotent), then runs every test.
# The shared reference data is read from $IDNSAFE_SHARED_DATA, by default
# ../shared/data beside the repository; tests fail (never skip) without it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-deps.sh
cargo test --workspace "$@"

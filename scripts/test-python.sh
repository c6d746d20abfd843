#!/usr/bin/env bash
# The Python package's tests: builds the release wheel with maturin (and the
# release CLI the tests compare against), installs the wheel into the test
# environment that scripts/setup-test-deps.sh made, and runs pytest on
# python/tests (per-name calls, Arrow kernels, audits, Spark local[2]).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${IDNSAFE_PY_VENV:-$HOME/.cache/idnsafe/py-venv}"
if [ ! -x "$venv/bin/maturin" ]; then
    echo "test-python: no test environment at $venv; run scripts/setup-test-deps.sh first" >&2
    exit 1
fi
export IDNSAFE_SHARED_DATA="${IDNSAFE_SHARED_DATA:-$PWD/../shared/data}"
cargo build --release -q -p idnsafe-cli
export IDNSAFE_CLI="$PWD/target/release/idnsafe"
rm -rf target/wheels
"$venv/bin/maturin" build --release -q -m python/Cargo.toml -i "$venv/bin/python" --out target/wheels
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps target/wheels/idnsafe-*.whl
export PYSPARK_PYTHON="$venv/bin/python"
# Run from outside python/ so that the installed wheel is imported, not the sources.
cd python/tests
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" .

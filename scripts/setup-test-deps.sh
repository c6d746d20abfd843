#!/usr/bin/env bash
# Installs what idnsafe's tests need beyond the Rust toolchain, from Debian:
# - `postgresql`: PostgreSQL's server binaries (initdb, pg_ctl, createdb),
#   from which the tests start a throw-away server of their own
#   (tests/src/postgres.rs);
# - `chromium` and `chromium-driver`: headless Chromium and ChromeDriver,
#   which the review page's browser tests drive over WebDriver
#   (tests/src/webdriver.rs);
# - `openjdk-17-jre-headless`: Java, for the Python package's Spark tests
#   (Spark runs on the JVM);
# and, from PyPI, a virtual environment for the Python package's tests
# (python/requirements-test.txt: maturin, pytest, pyarrow, polars, duckdb,
# pyspark, pandas) at $IDNSAFE_PY_VENV (default ~/.cache/idnsafe/py-venv).
# Nothing is started or configured here.
#
# Idempotent: installs only what is missing (initdb on $PATH or in
# /usr/lib/postgresql/*/bin, where Debian keeps it; chromium, chromedriver
# and java on $PATH), with one apt-get run, which needs root (or sudo);
# the virtual environment is (re)filled only when the requirements file
# changed since it was last filled. Exits non-zero with a message when
# that fails.
set -euo pipefail

find_initdb() {
    if command -v initdb >/dev/null 2>&1; then
        command -v initdb
        return 0
    fi
    local f
    for f in /usr/lib/postgresql/*/bin/initdb; do
        if [ -x "$f" ]; then
            echo "$f"
            return 0
        fi
    done
    return 1
}

missing=()
if initdb=$(find_initdb); then
    echo "setup-test-deps: PostgreSQL found ($initdb)"
else
    missing+=(postgresql)
fi
for pair in chromium:chromium chromedriver:chromium-driver java:openjdk-17-jre-headless; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    if command -v "$cmd" >/dev/null 2>&1; then
        echo "setup-test-deps: $cmd found ($(command -v "$cmd"))"
    else
        missing+=("$pkg")
    fi
done

# The Python tests' virtual environment, from PyPI.
setup_venv() {
    local venv="${IDNSAFE_PY_VENV:-$HOME/.cache/idnsafe/py-venv}"
    local req
    req="$(cd "$(dirname "$0")/.." && pwd)/python/requirements-test.txt"
    local stamp="$venv/.idnsafe-requirements"
    if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
        echo "setup-test-deps: Python test environment found ($venv)"
        return 0
    fi
    echo "setup-test-deps: filling the Python test environment $venv from PyPI"
    if ! { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } ||
        ! "$venv/bin/python" -m pip install -q -r "$req"; then
        echo "setup-test-deps: could not install $req into $venv (python3 -m venv, pip)" >&2
        exit 1
    fi
    cp "$req" "$stamp"
}
setup_venv

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "setup-test-deps: missing ${missing[*]}; installing Debian's packages needs root; run this script as root" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-test-deps: missing ${missing[*]} and there is no apt-get here; install PostgreSQL's server binaries, Chromium and ChromeDriver some other way" >&2
    exit 1
fi

echo "setup-test-deps: installing Debian's ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -q || ! "${sudo[@]}" apt-get install -y -q "${missing[@]}"; then
    echo "setup-test-deps: apt-get install ${missing[*]} failed" >&2
    exit 1
fi

if ! initdb=$(find_initdb); then
    echo "setup-test-deps: postgresql was installed but initdb is still not found (looked on \$PATH and in /usr/lib/postgresql/*/bin)" >&2
    exit 1
fi
for cmd in chromium chromedriver java; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "setup-test-deps: $cmd is still not on \$PATH after installing" >&2
        exit 1
    fi
done
echo "setup-test-deps: installed ${missing[*]}"

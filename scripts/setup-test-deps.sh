#!/usr/bin/env bash
# Installs what idnsafe's tests need beyond the Rust toolchain: PostgreSQL's
# server binaries (initdb, pg_ctl, createdb), from which the tests start a
# throw-away server of their own (tests/src/postgres.rs). Nothing is started
# or configured here.
#
# Idempotent: does nothing when initdb is found already, on $PATH or in
# /usr/lib/postgresql/*/bin (where Debian keeps it). Otherwise installs
# Debian's `postgresql` package with apt-get, which needs root (or sudo).
# Exits non-zero with a message when that fails.
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

if initdb=$(find_initdb); then
    echo "setup-test-deps: PostgreSQL found ($initdb)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "setup-test-deps: PostgreSQL (initdb) is missing and installing Debian's postgresql package needs root; run this script as root" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-test-deps: PostgreSQL (initdb) is missing and there is no apt-get here; install PostgreSQL's server binaries (initdb, pg_ctl, createdb) some other way" >&2
    exit 1
fi

echo "setup-test-deps: installing Debian's postgresql package"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -q || ! "${sudo[@]}" apt-get install -y -q postgresql; then
    echo "setup-test-deps: apt-get install postgresql failed" >&2
    exit 1
fi

if initdb=$(find_initdb); then
    echo "setup-test-deps: PostgreSQL installed ($initdb)"
else
    echo "setup-test-deps: postgresql was installed but initdb is still not found (looked on \$PATH and in /usr/lib/postgresql/*/bin)" >&2
    exit 1
fi

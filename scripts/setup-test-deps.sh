#!/usr/bin/env bash
# Installs what idnsafe's tests need beyond the Rust toolchain, from Debian:
# - `postgresql`: PostgreSQL's server binaries (initdb, pg_ctl, createdb),
#   from which the tests start a throw-away server of their own
#   (tests/src/postgres.rs);
# - `chromium` and `chromium-driver`: headless Chromium and ChromeDriver,
#   which the review page's browser tests drive over WebDriver
#   (tests/src/webdriver.rs).
# Nothing is started or configured here.
#
# Idempotent: installs only what is missing (initdb on $PATH or in
# /usr/lib/postgresql/*/bin, where Debian keeps it; chromium and
# chromedriver on $PATH), with one apt-get run, which needs root (or sudo).
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

missing=()
if initdb=$(find_initdb); then
    echo "setup-test-deps: PostgreSQL found ($initdb)"
else
    missing+=(postgresql)
fi
for pair in chromium:chromium chromedriver:chromium-driver; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    if command -v "$cmd" >/dev/null 2>&1; then
        echo "setup-test-deps: $cmd found ($(command -v "$cmd"))"
    else
        missing+=("$pkg")
    fi
done
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
for cmd in chromium chromedriver; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "setup-test-deps: $cmd is still not on \$PATH after installing" >&2
        exit 1
    fi
done
echo "setup-test-deps: installed ${missing[*]}"

"""Shared fixtures: the third-party data (read from $IDNSAFE_SHARED_DATA,
default <repo>/../shared/data; missing data fails, never skips), the
idnsafe CLI the package is compared with, and one Spark local[2] session."""

import gzip
import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def shared_data() -> pathlib.Path:
    p = pathlib.Path(os.environ.get("IDNSAFE_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not p.is_dir():
        raise RuntimeError(
            f"the shared reference data is missing: {p} (set IDNSAFE_SHARED_DATA); tests never skip without it"
        )
    return p


def cli_path() -> str:
    p = os.environ.get("IDNSAFE_CLI", str(REPO / "target" / "release" / "idnsafe"))
    if not os.access(p, os.X_OK):
        raise RuntimeError(f"the idnsafe CLI is missing at {p}: cargo build --release -p idnsafe-cli, or set IDNSAFE_CLI")
    return p


def run_cli(args, stdin: bytes = b"") -> list:
    """Runs the CLI and returns its JSON lines, parsed."""
    r = subprocess.run([cli_path(), *args], input=stdin, capture_output=True, check=True)
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def kz_names() -> list:
    with gzip.open(shared_data() / "names" / "kz.txt.gz", "rt", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .appName("idnsafe-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()

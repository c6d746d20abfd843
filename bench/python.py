#!/usr/bin/env python3
"""Benchmark of the Python package (#15) against the CLI on the same names.

usage: python bench/python.py [N] [--spark] [--runs R]

Uses the names of bench/zone.sh's synthetic CZDS zone (N names, default
10,000,000; made by bench/gen_zone.py when missing), as a name list
(`LABEL.com` per line) and as Parquet, with Chromium's top-domain list as
protected names, and measures in one run:

- `idnsafe audit --protect` reading the name list (the reference);
- `Checker(protect=...).check_arrow` on the same names as one Arrow array
  (names/s of each run, the first included; the ratio to the CLI audit);
- the peak memory the Arrow call adds beyond its input and its output;
- per-name `idnsafe.check` on ASCII names (microseconds per call);
- with --spark: `idnsafe.spark.audit` on Spark local[2] from Parquet,
  against the CLI audit of the same names, with the seconds the executors
  spent in the engine and the rest (Spark itself: scheduling, Arrow
  serialisation, shuffle) reported separately, the time in the `audit`
  call (its first job and the per-name pass) and in the count after it,
  and Spark's floor: the same names through an identity mapInArrow.

Run it with the test environment's Python after installing the wheel:
  ~/.cache/idnsafe/py-venv/bin/python bench/python.py --spark
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]


def status_mb(field: str) -> float:
    """A memory figure of /proc/self/status (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets the peak RSS (VmHWM).
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000_000)
    ap.add_argument("--spark", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--spark-only", action="store_true", help="skip the Arrow and per-name measurements")
    args = ap.parse_args()
    shared = pathlib.Path(os.environ.get("IDNSAFE_SHARED_DATA", REPO.parent / "shared" / "data"))
    protect = shared / "top-domains" / "chromium_top_domains.list"
    if not protect.exists():
        sys.exit(f"missing {protect} (set IDNSAFE_SHARED_DATA)")
    out = pathlib.Path(os.environ.get("BENCH_DIR", REPO / "bench" / "out"))
    out.mkdir(parents=True, exist_ok=True)
    zone = out / f"czds-{args.n}.txt"
    if not zone.exists():
        subprocess.run([sys.executable, REPO / "bench" / "gen_zone.py", str(args.n), str(zone)], check=True)
    names_file = out / f"names-{args.n}.txt"
    if not names_file.exists():
        # The delegated names of the zone, in order (each has 2-3 NS records).
        with open(zone, encoding="utf-8") as z, open(f"{names_file}.tmp", "w", encoding="utf-8") as w:
            last = None
            for line in z:
                f = line.split("\t")
                if len(f) > 3 and f[3] == "ns" and f[0] != "com." and f[0] != last:
                    w.write(f[0].rstrip(".") + "\n")
                    last = f[0]
        os.replace(f"{names_file}.tmp", names_file)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "idnsafe-cli"], cwd=REPO, check=True)
    cli = REPO / "target" / "release" / "idnsafe"

    import pyarrow as pa
    import pyarrow.csv as pcsv

    import idnsafe

    def cli_audit(path) -> float:
        best = None
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run([cli, "audit", "--json", "--protect", protect, path], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        return best

    print(f"names: {args.n:,} ({names_file}); protected: {protect.name}")
    if args.spark_only:
        import pyarrow as pa
        import pyarrow.csv as pcsv

        names = pcsv.read_csv(names_file, read_options=pcsv.ReadOptions(column_names=["name"]),
                              parse_options=pcsv.ParseOptions(quote_char=False, escape_char=False, delimiter="\t"),
                              convert_options=pcsv.ConvertOptions(column_types={"name": pa.string()})).column(0)
        spark_bench(args, names, names_file, protect, cli_audit, out)
        return
    t_cli = cli_audit(names_file)
    print(f"idnsafe audit --protect (list file): {t_cli:.2f} s, {args.n / t_cli / 1e6:.2f}M names/s (best of {args.runs})")

    table = pcsv.read_csv(
        names_file,
        read_options=pcsv.ReadOptions(column_names=["name"]),
        parse_options=pcsv.ParseOptions(quote_char=False, escape_char=False, delimiter="\t"),
        convert_options=pcsv.ConvertOptions(column_types={"name": pa.string()}),
    )
    names = table.column(0).combine_chunks()
    del table
    assert len(names) == args.n, len(names)
    checker = idnsafe.Checker(protect=protect)
    times = []
    for i in range(args.runs):
        reset_peak()
        base = status_mb("VmRSS")
        t = time.perf_counter()
        batch = checker.check_arrow(names)
        dt = time.perf_counter() - t
        times.append(dt)
        # The `name` column of a utf8 input is the input itself: not new memory.
        shared = lambda col: [b.address for b in col.buffers() if b] == [b.address for b in names.buffers() if b]
        out_mb = sum(c.nbytes for c in batch.columns if not shared(c)) / 2**20
        extra = status_mb("VmHWM") - base - out_mb
        # After the first call the allocator holds the freed output of the
        # last one and reuses it, so only the first call's peak is telling.
        peak = f", peak beyond input and output {extra:.0f} MB" if i == 0 else ""
        print(f"check_arrow run {i + 1}: {dt:.2f} s, {args.n / dt / 1e6:.2f}M names/s; input {names.nbytes / 2**20:.0f} MB, "
              f"new output {out_mb:.0f} MB{peak}")
        del batch
    best = min(times)
    print(f"check_arrow best: {args.n / best / 1e6:.2f}M names/s = {best / t_cli:.2f}x the CLI audit's time (goal <= 1.3x, >= 4M/s)")

    sample = names.slice(0, 1_000_000).to_pylist()
    ascii_names = [n for n in sample if n.isascii()][:500_000]
    check = idnsafe.check
    for n in ascii_names[:1000]:
        check(n)
    best_us = None
    for _ in range(args.runs):
        t = time.perf_counter()
        for n in ascii_names:
            check(n)
        us = (time.perf_counter() - t) / len(ascii_names) * 1e6
        best_us = us if best_us is None else min(best_us, us)
    print(f"idnsafe.check per ASCII name: {best_us:.2f} us (best of {args.runs}, {len(ascii_names):,} names; goal <= 2 us)")

    if args.spark:
        spark_bench(args, names, names_file, protect, cli_audit, out)


def spark_bench(args, names, names_file, protect, cli_audit, out):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    from idnsafe import spark as idnspark

    parquet = out / f"names-{args.n}.parquet"
    if not parquet.exists():
        pq.write_table(pa.table({"name": names}), parquet, row_group_size=1 << 18)
    t_cli = cli_audit(names_file)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "6g")
        .config("spark.sql.shuffle.partitions", "8")
        # Parquet is split by row groups up to this size: several tasks a core.
        .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setLocalProperty("spark.ui.showConsoleProgress", "false")
    print(f"spark local[2]: {spark.read.parquet(str(parquet)).rdd.getNumPartitions()} input partitions")
    times = []
    for i in range(args.runs):
        timer = spark.sparkContext.accumulator(0.0)
        t = time.perf_counter()
        df = spark.read.parquet(str(parquet))
        findings = idnspark.audit(df, "name", protect=str(protect), timer=timer)
        # audit() runs the first job and the per-name pass; the count runs
        # the rest (repeats removed, the shuffle on the keys, clusters).
        eager = time.perf_counter() - t
        n = findings.count()
        dt = time.perf_counter() - t
        engine = timer.value
        print(f"spark local[2] audit run {i + 1}: {dt:.2f} s ({n} findings) = {dt / t_cli:.2f}x the CLI audit "
              f"({t_cli:.2f} s; goal <= 3x); engine {engine:.2f} s of executor time "
              f"(~{engine / 2:.2f} s of wall on 2 cores), Spark itself ~{dt - engine / 2:.2f} s; "
              f"{eager:.2f} s in the call (first job, per-name pass), {dt - eager:.2f} s in the count")
        times.append(dt)
        spark.catalog.clearCache()
    warm = sorted(times[1:])
    if warm:
        # The JVM compiles Spark's code paths over the first runs: the
        # first run is cold, later ones approach the steady state.
        print(f"spark local[2] audit, runs 2-{len(times)}: best {warm[0]:.2f} s = {warm[0] / t_cli:.2f}x, "
              f"median {warm[len(warm) // 2]:.2f} s = {warm[len(warm) // 2] / t_cli:.2f}x the CLI audit ({t_cli:.2f} s)")
    # Spark's own floor: the names through mapInArrow and back, nothing done.
    for i in range(args.runs):
        t = time.perf_counter()
        n = spark.read.parquet(str(parquet)).mapInArrow(lambda it: it, "name string").count()
        dt = time.perf_counter() - t
        print(f"spark local[2] floor run {i + 1} (the names through an identity mapInArrow): {dt:.2f} s "
              f"= {dt / t_cli:.2f}x the CLI audit")
    spark.stop()


if __name__ == "__main__":
    main()

"""idnsafe on Spark: checks and audits of names in a DataFrame column, run
by the Rust engine inside each executor through ``DataFrame.mapInArrow``.

- The checker (or auditor) is built once per executor Python process, not
  per batch, and kept in this module (Spark reuses its Python workers). Its
  kernels use as many threads as Spark gives a task (``spark.task.cpus``),
  since the executor runs a task per core side by side: a thread per core
  in each would oversubscribe the cores.
- Files it needs (a protected-names list or index, a policy TOML file) are
  shipped with the job through ``SparkContext.addFile`` and opened on the
  executors with ``SparkFiles.get``; bundled policies (``"rf"``) need no file.
- Homograph clusters across partitions are found by a shuffle on the
  confusable key (a repartition on a hash of (zone, key), then one engine
  call per partition groups its rows), never on the driver.

>>> from idnsafe import spark as idnspark
>>> findings = idnspark.audit(spark.read.parquet("names.parquet"), "name",
...                           protect="brands.txt")
>>> findings.write.parquet("findings.parquet")
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from typing import Any, Optional, Sequence, Union

__all__ = ["check", "audit", "CHECK_SCHEMA", "FINDING_SCHEMA"]

#: The columns of :func:`check` (those of ``Checker.check_arrow``).
CHECK_SCHEMA = (
    "name string, ok boolean, errors array<string>, warnings array<string>, "
    "alabel string, ulabel string, label_script string, restriction_level string, "
    "confusable_key string, confusable_with array<string>"
)

#: The columns of :func:`audit`'s findings (those of ``idnsafe.audit``).
FINDING_SCHEMA = (
    "kind string, names array<string>, protected string, codes array<string>, "
    "messages array<string>, file string, line bigint"
)

_KEYED_SCHEMA = FINDING_SCHEMA + ", name string, zone string, key string, idn boolean, fp bigint"

# Built once per executor process: (kind, options) -> Checker or Auditor.
_BUILT: dict = {}


def _ship(df, value: Any) -> Any:
    """A file option as the executors will see it: ("file", basename) after
    adding the file to the job, a list of names as it is, a bundled policy's
    name as it is, None as None."""
    if value is None or isinstance(value, (list, tuple)):
        return None if value is None else ("names", tuple(str(v) for v in value))
    path = os.fspath(value)
    if not os.path.exists(path):
        return ("bundled", path)  # a bundled policy's name; the engine says if it is not one
    # Shipped under a name made from its contents: two files of one name
    # (or one file changed between jobs) never meet in SparkFiles.
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    name = f"idnsafe-{digest}-{os.path.basename(path)}"
    sc = df.sparkSession.sparkContext
    shipped = getattr(sc, "_idnsafe_shipped", None)
    if shipped is None:
        shipped = sc._idnsafe_shipped = set()
    if name not in shipped:
        staging = tempfile.mkdtemp(prefix="idnsafe-ship-")
        staged = os.path.join(staging, name)
        shutil.copyfile(path, staged)
        sc.addFile(staged)
        shipped.add(name)
    return ("file", name)


def _resolve(shipped: Any) -> Any:
    if shipped is None:
        return None
    kind, value = shipped
    if kind == "file":
        from pyspark import SparkFiles

        return SparkFiles.get(value)
    if kind == "names":
        return list(value)
    return value


def _task_cpus() -> int:
    """The CPUs Spark gives this task (``spark.task.cpus``): the engine's
    threads in this executor process, which runs one task per core beside
    others. 0 (a thread per core) outside a task or on an older Spark."""
    from pyspark import TaskContext

    tc = TaskContext.get()
    cpus = getattr(tc, "cpus", None) if tc is not None else None
    return int(cpus()) if callable(cpus) else 0


def _built(kind: str, opts: tuple):
    threads = _task_cpus()
    key = (kind, opts, threads)
    obj = _BUILT.get(key)
    if obj is None:
        import idnsafe

        protect, policy, tier, level = opts
        args = dict(protect=_resolve(protect), policy=_resolve(policy), tier=tier, level=level, threads=threads)
        obj = idnsafe.Checker(**args) if kind == "checker" else idnsafe.Auditor(**args)
        _BUILT[key] = obj
    return obj


def _kernel(opts: tuple, method: str, arrow_schema, timer, only=None):
    """A mapInArrow function calling the executor's Auditor's `method` on
    each batch's first column; with `only` (a broadcast int64 array of
    cluster-key fingerprints), ``method(column, only=Fingerprints)``."""

    def run(batches):
        import pyarrow as pa

        auditor = _built("auditor", opts)
        kernel = getattr(auditor, method)
        if only is not None:
            fps = _fingerprints(only)
            call = lambda col: kernel(col, only=fps)  # noqa: E731
        else:
            call = kernel
        for b in batches:
            t = time.perf_counter()
            out = pa.record_batch(call(b.column(0)))
            _count(timer, t)
            yield _cast(out, arrow_schema)

    return run


def _partition_kernel(opts: tuple, method: str, arrow_schema, timer):
    """A mapInArrow function calling the executor's Auditor's `method`
    once per partition, with its columns in order as arguments (each the
    whole partition's)."""

    def run(batches):
        import pyarrow as pa

        batches = [b for b in batches if b.num_rows]
        if not batches:
            return
        auditor = _built("auditor", opts)
        table = pa.Table.from_batches(batches)
        t = time.perf_counter()
        out = pa.record_batch(getattr(auditor, method)(*(c.combine_chunks() for c in table.columns)))
        _count(timer, t)
        yield _cast(out, arrow_schema)

    return run


# The fingerprint set of the latest broadcast value seen by this executor
# process: (value, Fingerprints), built once, not per batch or task. The
# value is held so that its identity stays its own.
_FINGERPRINTS: list = []


def _fingerprints(broadcast):
    value = broadcast.value
    if not _FINGERPRINTS or _FINGERPRINTS[0][0] is not value:
        from idnsafe._idnsafe import Fingerprints

        _FINGERPRINTS[:] = [(value, Fingerprints(value))]
    return _FINGERPRINTS[0][1]


def _count(timer, started: float) -> None:
    if timer is not None:
        timer.add(time.perf_counter() - started)


def _cast(batch, schema):
    """A batch in the exact Arrow types Spark expects (Spark may ask for
    large strings)."""
    return batch if batch.schema.equals(schema) else batch.cast(schema)


def _arrow_schema(spark_schema, spark):
    from pyspark.sql.pandas.types import to_arrow_schema

    large = str(spark.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")).lower() == "true"
    try:
        return to_arrow_schema(spark_schema, prefers_large_types=large)
    except TypeError:  # older pyspark
        return to_arrow_schema(spark_schema)


def _maybe_a_label(entry):
    """True for entries that begin ``xn--`` in any case, or with a byte
    below ``!`` (blank, or white space the audit trims): a superset of the
    entries whose first label is an A-label, tested on a few leading bytes
    without copying or scanning the strings."""
    maybe = entry < "!"
    for prefix in ("xn--", "xN--", "Xn--", "XN--"):
        maybe = maybe | entry.startswith(prefix)
    return maybe


def _names_column(df, column: str):
    from pyspark.sql import functions as F

    return df.select(F.col(column).cast("string").alias("entry"))


def check(
    df,
    column: str,
    protect: Union[str, Sequence[str], None] = None,
    policy: Optional[str] = None,
    tier: str = "lookalike",
    level: Optional[str] = None,
    timer=None,
):
    """Checks every name of ``df[column]``: a DataFrame with the columns of
    :data:`CHECK_SCHEMA`, one row per input row (nulls and bad names give
    error rows). ``timer``: an accumulator (``sc.accumulator(0.0)``) the
    executors add the seconds they spend in the engine to."""
    from pyspark.sql.types import _parse_datatype_string

    opts = (_ship(df, protect), _ship(df, policy), tier, level)
    schema = _parse_datatype_string(CHECK_SCHEMA)
    arrow_schema = _arrow_schema(schema, df.sparkSession)

    def run(batches):
        checker = _built("checker", opts)
        for b in batches:
            t = time.perf_counter()
            out = checker.check_arrow(b.column(0))
            _count(timer, t)
            yield _cast(out, arrow_schema)

    return _names_column(df, column).mapInArrow(run, schema)


def audit(
    df,
    column: str,
    protect: Union[str, Sequence[str], None] = None,
    policy: Optional[str] = None,
    tier: str = "lookalike",
    level: str = "identical",
    persist: bool = True,
    timer=None,
    broadcast_idn_keys: bool = True,
):
    """Audits the names of ``df[column]`` (each read as a line of a name
    list) as ``idnsafe audit`` does: ``invalid``, ``confusable_with_protected``
    and ``read_error`` findings per name, and ``homograph_cluster`` findings
    found by a shuffle on (zone, confusable key). Variant clusters are not
    computed here (use ``idnsafe audit --policy`` on one machine).

    Returns a DataFrame of findings (:data:`FINDING_SCHEMA`; ``file`` and
    ``line`` are null: rows have no line numbers). Names within a cluster
    are sorted; repeated names count once, as in ``idnsafe audit``.

    A cluster has an IDN, so only names that share a (zone, key) with an
    IDN are shuffled. With ``broadcast_idn_keys`` (the default):

    1. A first job passes to Python only the entries that begin ``xn--``
       in any case (or with white space), a test of a few bytes that
       copies nothing, and collects the 64-bit fingerprints of their keys
       (8 bytes each) to the driver, which broadcasts them.
    2. The per-name pass returns the findings, a key row for every IDN,
       and key rows for other names only when their fingerprint is among
       those broadcast, so little but findings comes back from Python. It
       runs when ``audit`` is called, and is kept (``MEMORY_AND_DISK``)
       until ``spark.catalog.clearCache()`` or the end of the session.
    3. An IDN the first job did not see (a U-label, say) has a key row
       with a fingerprint not yet broadcast. If there are any, one more
       pass over the input returns the other names sharing them.

    So the result is exact whatever the first job's test lets through; it
    is fast when the IDNs are A-labels, as in zone files and certificate
    logs. A shared fingerprint is only a candidate: the grouping on
    (zone, key) that follows is exact. ``broadcast_idn_keys=False``
    returns every name's key and joins them with the IDN keys by a
    shuffle instead, for inputs whose IDN fingerprints do not fit the
    driver's or an executor's memory. All of it is then lazy; the
    per-name pass, which feeds both the findings and the shuffle, is
    computed once and kept only with ``persist`` (the default).

    The groups are formed by a shuffle on a hash of (zone, key) and one
    engine call per partition. ``timer``: an accumulator
    (``sc.accumulator(0.0)``) the executors add the seconds they spend in
    the engine to, so that the time Spark itself takes (scheduling,
    serialisation, shuffle) can be told apart.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.types import _parse_datatype_string

    spark = df.sparkSession
    opts = (_ship(df, protect), _ship(df, policy), tier, level)
    keyed_schema = _parse_datatype_string(_KEYED_SCHEMA)
    keyed_arrow = _arrow_schema(keyed_schema, spark)
    finding_schema = _parse_datatype_string(FINDING_SCHEMA)
    finding_arrow = _arrow_schema(finding_schema, spark)

    names = _names_column(df, column)
    only = None
    if broadcast_idn_keys:
        fp_schema = _parse_datatype_string("fingerprint bigint")
        first = _kernel(opts, "_idn_fingerprints", _arrow_schema(fp_schema, spark), timer)
        seen = names.where(_maybe_a_label(F.col("entry"))).mapInArrow(first, fp_schema)
        fps = seen.toArrow().column(0).combine_chunks()
        only = spark.sparkContext.broadcast(fps)
    per_name = _kernel(opts, "_audit_arrow", keyed_arrow, timer, only=only)
    clusters = _partition_kernel(opts, "_key_clusters", finding_arrow, timer)

    keyed = names.mapInArrow(per_name, keyed_schema)
    if persist or broadcast_idn_keys:
        keyed = keyed.persist(StorageLevel.MEMORY_AND_DISK)
    keys = keyed.where(F.col("kind").isNull()).select("name", "zone", "key", "idn")
    if broadcast_idn_keys:
        # Every IDN has a key row. An IDN the first pass did not see (a
        # U-label, say) has a fingerprint not yet broadcast: the names
        # sharing it are found by a pass over the input for those
        # fingerprints alone. Collecting them runs the per-name pass now.
        import pyarrow.compute as pc

        idn_fps = keyed.where(F.col("idn")).select("fp").toArrow().column(0)
        missing = pc.unique(pc.filter(idn_fps, pc.invert(pc.is_in(idn_fps, value_set=fps))))
        if len(missing):
            late = spark.sparkContext.broadcast(missing)
            again = _kernel(opts, "_audit_arrow", keyed_arrow, timer, only=late)
            more = names.mapInArrow(again, keyed_schema).where(F.col("kind").isNull() & ~F.col("idn"))
            keys = keys.unionByName(more.select("name", "zone", "key", "idn"))
    cols = [c.split(" ")[0] for c in FINDING_SCHEMA.split(", ")]
    findings = keyed.where(F.col("kind").isNotNull()).select(*cols)
    # Repeated names give the same findings once, as the audit reads each name once.
    read_errors = findings.where(F.col("kind") == "read_error")
    per_name_findings = findings.where(F.col("kind") != "read_error").distinct()
    # A cluster has an IDN: only names whose (zone, key) is an IDN's key
    # take part in the shuffle. With the fingerprints, `keys` is already
    # little more than those names (a shared fingerprint without a shared
    # key makes a group with no IDN, dropped below); without, every name's
    # key is joined with the IDN keys by a shuffle first.
    if not broadcast_idn_keys:
        idn_keys = keys.where(F.col("idn")).select("zone", "key").distinct()
        keys = keys.join(idn_keys, ["zone", "key"], "left_semi")
    # Every key row of a (zone, key) in one partition, grouped by the
    # engine. By a hash of (zone, key), not by the columns: Spark drops a
    # repartition by the columns as redundant after the semi-join above,
    # whose shuffle AQE may then read by map task, splitting groups.
    keys = keys.select("name", "zone", "key", "idn")  # the kernel's argument order
    by_key = keys.repartition(F.xxhash64("zone", "key"))
    cluster_findings = by_key.mapInArrow(clusters, finding_schema)
    return read_errors.unionByName(per_name_findings).unionByName(cluster_findings)

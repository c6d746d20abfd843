"""idnsafe: internationalized domain names kept safe, at the Rust engine's speed.

Per-name calls return the same dicts the ``idnsafe`` CLI prints as JSON:

>>> import idnsafe
>>> idnsafe.check("bücher.example")["labels"][0]["alabel"]
'xn--bcher-kva'

Batch calls take any Arrow string or binary array (pyarrow, polars, DuckDB
results) and return a ``pyarrow.RecordBatch`` with one row per input row;
they release the GIL and use every core. Errors of the *call* (a missing
file, an unknown tier) raise :class:`Error`, whose ``code`` is stable; a bad
*name* is never an exception, it is a result that says what is wrong.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Sequence, Union

from ._idnsafe import (  # noqa: F401  (re-exported)
    MAX_NAME_BYTES,
    Auditor,
    Error,
    __version__,
    check,
    versions,
)
from ._idnsafe import Checker as _NativeChecker
from ._idnsafe import _audit_array, _audit_files

__all__ = [
    "Auditor",
    "Checker",
    "Error",
    "MAX_NAME_BYTES",
    "__version__",
    "audit",
    "audit_summary",
    "check",
    "versions",
]

PathLike = Union[str, "os.PathLike[str]"]


def _pyarrow():
    try:
        import pyarrow
    except ImportError as e:  # pragma: no cover - pyarrow is a dependency of the arrow extra
        raise Error("pyarrow is needed for Arrow batches: pip install pyarrow") from e
    return pyarrow


_NATIVE_TYPES = ("string", "large_string", "string_view", "binary", "large_binary", "binary_view")


def _arrays(names: Any) -> Iterable[Any]:
    """The Arrow arrays of a batch argument, chunk by chunk, without copies
    where the input is already Arrow string or binary data."""
    pa = _pyarrow()
    if hasattr(names, "to_arrow") and not isinstance(names, (pa.Array, pa.ChunkedArray)):
        names = names.to_arrow()  # a polars Series
    if isinstance(names, (pa.Table, pa.RecordBatch)):
        if names.num_columns != 1:
            raise _error("ARROW_TYPE", "a table of names must have exactly one column")
        names = names.column(0)
    if isinstance(names, pa.RecordBatchReader):
        names = names.read_all()
    if not isinstance(names, (pa.Array, pa.ChunkedArray, pa.Table, pa.RecordBatch)):
        if hasattr(names, "__arrow_c_stream__"):
            # A table-like stream (a DuckDB relation) or a stream of one array.
            try:
                names = pa.table(names)
            except (TypeError, ValueError, pa.ArrowInvalid):
                names = pa.chunked_array(names)
        elif hasattr(names, "__arrow_c_array__"):
            names = pa.array(names)
        else:
            names = pa.array(list(names), type=pa.string())
    if isinstance(names, (pa.Table, pa.RecordBatch)):
        if names.num_columns != 1:
            raise _error("ARROW_TYPE", "a table of names must have exactly one column")
        names = names.column(0)
    chunks = names.chunks if isinstance(names, pa.ChunkedArray) else [names]
    for c in chunks:
        if str(c.type) not in _NATIVE_TYPES:
            if pa.types.is_dictionary(c.type) or pa.types.is_null(c.type):
                c = c.cast(pa.large_string())
            else:
                raise _error("ARROW_TYPE", f"names must be Arrow strings or binary, not {c.type}")
        yield c


def _error(code: str, message: str) -> Error:
    e = Error(message)
    e.code = code
    return e


def _batches_to_one(batches: list, empty_of) -> Any:
    pa = _pyarrow()
    if len(batches) == 1:
        return batches[0]
    if not batches:
        return empty_of()
    return pa.Table.from_batches(batches).combine_chunks().to_batches()[0]


class Checker:
    """A checker built once and shared (thread-safe).

    :param protect: protected names: a path to a list (one name a line, ``#``
        comments) or to an index from ``idnsafe index build``, or a list of names.
    :param tier: weakest tier at which protected names are reported:
        ``identical``, ``lookalike`` (default) or ``near``.
    :param level: older spelling of the tier (``uts39``, ``domain``, ``loose``).
    :param policy: a registry policy, by bundled name (``idnsafe policy list``)
        or TOML path; needed by :meth:`screen`.
    :param registered: names already registered (a path to a list, zone or CSV
        file, or a list of names), screened against by :meth:`screen`.
    :param threads: threads of the batch kernels (:meth:`check_arrow`,
        :meth:`screen_arrow`): 0 (default) shares one pool of a thread per
        core; a number (at most 1,024) gives this checker a pool of its own
        of that size, for processes that run one kernel per core side by
        side (Spark executors: ``idnsafe.spark`` passes the task's CPU count).
    """

    def __init__(
        self,
        protect: Union[PathLike, Sequence[str], None] = None,
        tier: str = "lookalike",
        level: Optional[str] = None,
        policy: Optional[PathLike] = None,
        registered: Union[PathLike, Sequence[str], None] = None,
        threads: int = 0,
    ) -> None:
        self._native = _NativeChecker(
            protect=_path_or_list(protect),
            tier=tier,
            level=level,
            policy=_path(policy),
            registered=_path_or_list(registered),
            threads=threads,
        )

    @property
    def level(self) -> str:
        """The key level of skeletons."""
        return self._native.level

    @property
    def tier(self) -> str:
        """The weakest tier at which protected names are reported."""
        return self._native.tier

    def check(self, name: Union[str, bytes]) -> dict:
        """One name: the dict of ``idnsafe check --json``."""
        return self._native.check(name)

    def screen(
        self,
        name: Union[str, bytes],
        registrant: Optional[str] = None,
        language: Optional[str] = None,
        bundle: bool = True,
    ) -> dict:
        """One candidate under the policy: the dict of ``idnsafe screen --json``."""
        return self._native.screen(name, registrant=registrant, language=language, bundle=bundle)

    def confusable(self, a: str, b: str) -> dict:
        """Two labels compared: the dict of ``idnsafe confusable --json``."""
        return self._native.confusable(a, b)

    def variants(
        self,
        label: str,
        lgr: PathLike,
        limit: int = 1000,
        include_invalid: bool = False,
        allocatable_only: bool = False,
    ) -> dict:
        """Variant labels under an LGR file: the dict of ``idnsafe variants --json``."""
        return self._native.variants(
            label, os.fspath(lgr), limit=limit, include_invalid=include_invalid,
            allocatable_only=allocatable_only,
        )

    def generate(self, target: str, max: int = 100, registrable_only: bool = False) -> list:
        """Lookalikes of a label or name: the dicts of ``idnsafe generate --json``."""
        return self._native.generate(target, max=max, registrable_only=registrable_only)

    def check_arrow(self, names: Any):
        """Checks every name of an Arrow array: a ``pyarrow.RecordBatch`` with
        one row per input row. Columns: ``name``, ``ok``, ``errors`` (codes),
        ``warnings`` (codes), ``alabel``, ``ulabel``, ``label_script``,
        ``restriction_level``, ``confusable_key`` (per-label values joined by
        ``.``) and ``confusable_with``. ``alabel`` and ``ulabel`` are null
        when a label has no such form or when an error of the name itself
        (``EMPTY_LABEL``, ``NAME_TOO_LONG``) means its labels do not spell
        it. A null row is ``ok=False`` with error ``NAME_NULL``."""
        pa = _pyarrow()
        out = [pa.record_batch(self._native._check_arrow(c)) for c in _arrays(names)]
        return _batches_to_one(out, lambda: pa.record_batch(self._native._check_arrow(pa.array([], pa.string()))))

    def screen_arrow(
        self,
        names: Any,
        registrant: Optional[str] = None,
        language: Optional[str] = None,
        bundle: bool = False,
    ):
        """Screens every name of an Arrow array under the policy: a
        ``pyarrow.RecordBatch`` with ``name``, ``decision``, ``codes``,
        ``messages`` and ``bundle`` (variant labels, with ``bundle=True``)."""
        pa = _pyarrow()

        def one(c):
            return pa.record_batch(
                self._native._screen_arrow(c, registrant=registrant, language=language, bundle=bundle)
            )

        out = [one(c) for c in _arrays(names)]
        return _batches_to_one(out, lambda: one(pa.array([], pa.string())))


def _path(p: Any) -> Any:
    return None if p is None else os.fspath(p)


def _path_or_list(p: Any) -> Any:
    if p is None or isinstance(p, (str, bytes, os.PathLike)):
        return _path(p)
    return [str(x) for x in p]


def audit(
    source: Any,
    protect: Union[PathLike, Sequence[str], None] = None,
    policy: Optional[PathLike] = None,
    origin: Optional[str] = None,
    tier: str = "lookalike",
    level: str = "identical",
    names: str = "delegated",
    threads: int = 0,
):
    """Audits names as ``idnsafe audit`` does: invalid registrations,
    homograph clusters, variant clusters (with a policy) and lookalikes of
    protected names. ``level`` is the key level of homograph clusters
    (``identical``, ``lookalike``, ``uts39``), ``tier`` the weakest tier of
    protected-name matches, as in the CLI.

    ``source`` is a path or a list of paths (zone files, CZDS files, name
    lists, CSV, gzip or not), or names as Arrow data (an array, a one-column
    table, a polars Series), each read as a line of a name list (a null is
    a blank line; a bad entry is a ``read_error`` finding whose ``line`` is
    its 1-based position).

    Returns a ``pyarrow.Table`` of findings (``kind``, ``names``,
    ``protected``, ``codes``, ``messages``, ``file``, ``line``); the audit's
    summary (the JSON of ``idnsafe audit --summary``) is in
    ``table.schema.metadata[b"idnsafe.summary"]`` and :func:`audit_summary`.
    """
    import json

    pa = _pyarrow()
    opts = dict(protect=_path_or_list(protect), policy=_path(policy), origin=origin, tier=tier,
                level=level, threads=threads)
    if isinstance(source, (str, os.PathLike)) or (
        isinstance(source, (list, tuple)) and all(isinstance(s, (str, os.PathLike)) for s in source)
        and len(source) > 0
    ):
        paths = [os.fspath(source)] if isinstance(source, (str, os.PathLike)) else [os.fspath(s) for s in source]
        exported, summary = _audit_files(paths, names=names, **opts)
    else:
        if names != "delegated":
            raise _error("INVALID_ARGUMENT", "names= applies to files; Arrow names are audited as given")
        chunks = list(_arrays(source))
        if not chunks:
            array = pa.array([], pa.string())
        elif len(chunks) == 1:
            array = chunks[0]
        else:
            array = pa.concat_arrays([c.cast(pa.large_binary()) for c in chunks])
        exported, summary = _audit_array(array, **opts)
    batch = pa.record_batch(exported)
    table = pa.Table.from_batches([batch])
    return table.replace_schema_metadata({"idnsafe.summary": json.dumps(summary)})


def audit_summary(table) -> dict:
    """The summary an :func:`audit` table carries."""
    import json

    return json.loads(table.schema.metadata[b"idnsafe.summary"])

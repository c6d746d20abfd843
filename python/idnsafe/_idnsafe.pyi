"""Type stubs of the native module (the Rust engine's binding). Use the
wrappers in `idnsafe` (`idnsafe.Checker`, `idnsafe.audit`); the names with a
leading underscore are the wrappers' building blocks."""

from typing import Any, Optional, Sequence, Tuple, Union

__version__: str
MAX_NAME_BYTES: int

class Error(Exception):
    """An idnsafe error; `code` is its stable code (INVALID_ARGUMENT,
    POLICY_NOT_FOUND, POLICY_REQUIRED, ARGUMENT_TYPE, ARROW_TYPE,
    FILE_NOT_FOUND, FILE_UNREADABLE, FILE_TOO_LARGE, FILE_NOT_UTF8,
    INDEX_VERSION_MISMATCH, GENERATE_TARGET_INVALID, ...)."""

    code: str

def check(name: Union[str, bytes]) -> dict:
    """One name checked as `idnsafe check --json` checks it."""

def versions() -> list:
    """The data versions behind every key (Unicode, confusables, ...)."""

class Exported:
    """A record batch behind the Arrow PyCapsule interface (importable once)."""

    def __arrow_c_array__(self, requested_schema: Any = None) -> Tuple[Any, Any]: ...
    def __len__(self) -> int: ...

class Checker:
    def __init__(
        self,
        protect: Union[str, Sequence[str], None] = None,
        tier: str = "lookalike",
        level: Optional[str] = None,
        policy: Optional[str] = None,
        registered: Union[str, Sequence[str], None] = None,
        threads: int = 0,
    ) -> None: ...
    @property
    def level(self) -> str: ...
    @property
    def tier(self) -> str: ...
    def check(self, name: Union[str, bytes]) -> dict: ...
    def screen(
        self,
        name: Union[str, bytes],
        registrant: Optional[str] = None,
        language: Optional[str] = None,
        bundle: bool = True,
    ) -> dict: ...
    def confusable(self, a: str, b: str) -> dict: ...
    def variants(
        self,
        label: str,
        lgr: str,
        limit: int = 1000,
        include_invalid: bool = False,
        allocatable_only: bool = False,
    ) -> dict: ...
    def generate(self, target: str, max: int = 100, registrable_only: bool = False) -> list: ...
    def _check_arrow(self, array: Any) -> Exported: ...
    def _screen_arrow(
        self,
        array: Any,
        registrant: Optional[str] = None,
        language: Optional[str] = None,
        bundle: bool = False,
    ) -> Exported: ...

class Auditor:
    """An audit one name at a time (for Spark): per-name findings and the
    homograph-cluster key of every name. ``threads`` as for ``Checker``."""

    def __init__(
        self,
        protect: Union[str, Sequence[str], None] = None,
        policy: Optional[str] = None,
        tier: str = "lookalike",
        level: str = "identical",
        threads: int = 0,
    ) -> None: ...
    @property
    def level(self) -> str: ...
    def _audit_arrow(self, array: Any, only: Optional["Fingerprints"] = None) -> Exported: ...
    def _idn_fingerprints(self, array: Any) -> Exported: ...
    def _key_clusters(self, name: Any, zone: Any, key: Any, idn: Any) -> Exported: ...

class Fingerprints:
    """A set of homograph-cluster key fingerprints (an Arrow int64 array
    from ``Auditor._idn_fingerprints`` or the ``fp`` column of key rows),
    built once per executor."""

    def __init__(self, array: Any) -> None: ...
    def __len__(self) -> int: ...

def _audit_files(
    paths: Sequence[str],
    protect: Union[str, Sequence[str], None] = None,
    policy: Optional[str] = None,
    origin: Optional[str] = None,
    tier: str = "lookalike",
    level: str = "identical",
    names: str = "delegated",
    threads: int = 0,
) -> Tuple[Exported, dict]: ...
def _audit_array(
    array: Any,
    protect: Union[str, Sequence[str], None] = None,
    policy: Optional[str] = None,
    origin: Optional[str] = None,
    tier: str = "lookalike",
    level: str = "identical",
    threads: int = 0,
) -> Tuple[Exported, dict]: ...

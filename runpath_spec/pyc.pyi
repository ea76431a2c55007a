# Types of runpath_spec.pyc: a stub, like the package's other public
# modules, so that the module may import nothing from typing.  stubtest
# checks it against the module (tests/test_typing.py).

from dataclasses import dataclass
from types import CodeType
from typing import Final, Literal

from typing_extensions import TypeAlias

__all__ = [
    "HEADER_SIZE",
    "FLAG_HASH_BASED",
    "FLAG_CHECK_SOURCE",
    "RESERVED_FLAGS",
    "MAGIC_NUMBER",
    "PycHeader",
    "read_header",
    "classify_pyc",
    "magic_to_int",
    "python_version_for_magic",
    "validate_timestamp",
    "validate_hash",
    "hash_check_wanted",
    "code_from_pyc",
]

HEADER_SIZE: Final = 16
FLAG_HASH_BASED: Final = 1
FLAG_CHECK_SOURCE: Final = 2
RESERVED_FLAGS: Final = 4294967292  # 0xFFFFFFFC
# This interpreter's magic number (importlib.util.MAGIC_NUMBER).
MAGIC_NUMBER: Final[bytes]

# PEP 552's three kinds of pyc.
_PycKind: TypeAlias = Literal["timestamp", "unchecked-hash", "checked-hash"]
# --check-hash-based-pycs
_CheckMode: TypeAlias = Literal["default", "always", "never"]

@dataclass(frozen=True)
class PycHeader:
    magic: bytes
    flags: int
    kind: _PycKind
    # Set for a timestamp pyc (and None for a hash-based one) ...
    mtime: int | None = ...
    source_size: int | None = ...
    # ... and the other way round.
    source_hash: bytes | None = ...
    @property
    def magic_int(self) -> int | None: ...
    @property
    def python_version(self) -> str | None: ...

def magic_to_int(magic: bytes | int) -> int | None: ...
def python_version_for_magic(magic: bytes | int) -> str | None: ...
def read_header(data: bytes, *, name: str | None = ..., path: str | None = ...) -> PycHeader: ...
def classify_pyc(data: bytes, *, name: str | None = ..., path: str | None = ...) -> PycHeader: ...
def validate_timestamp(
    header: PycHeader, source_mtime: float, source_size: int, *, name: str | None = ..., path: str | None = ...
) -> None: ...
def validate_hash(header: PycHeader, source_bytes: bytes, *, name: str | None = ..., path: str | None = ...) -> None: ...
def hash_check_wanted(header: PycHeader, mode: _CheckMode | None = ...) -> bool: ...
def code_from_pyc(data: bytes, *, name: str | None = ..., path: str | None = ...) -> CodeType: ...

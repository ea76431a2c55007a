# Types of runpath_spec.pyc: a stub, like the package's other public
# modules, so that the module may import nothing from typing.  stubtest
# checks it against the module (tests/test_typing.py).

from types import CodeType
from typing import Final, Literal

from typing_extensions import TypeAlias

from .errors import TruncatedPycError

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
    "MagicRelease",
    "implementation_for_magic",
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

class PycHeader:
    # Immutable, compared and hashed by value.
    def __init__(
        self,
        magic: bytes,
        flags: int,
        kind: _PycKind,
        mtime: int | None = ...,
        source_size: int | None = ...,
        source_hash: bytes | None = ...,
    ) -> None: ...
    @property
    def magic(self) -> bytes: ...
    @property
    def flags(self) -> int: ...
    @property
    def kind(self) -> _PycKind: ...
    # Set for a timestamp pyc (and None for a hash-based one) ...
    @property
    def mtime(self) -> int | None: ...
    @property
    def source_size(self) -> int | None: ...
    # ... and the other way round.
    @property
    def source_hash(self) -> bytes | None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    @property
    def magic_int(self) -> int | None: ...
    @property
    def python_version(self) -> str | None: ...
    # "CPython", "PyPy" or None: who writes this magic number.
    @property
    def implementation(self) -> str | None: ...

# Who writes a magic number: an (implementation, version) pair.
class MagicRelease(tuple[str, str]):
    def __new__(cls, implementation: str, version: str) -> MagicRelease: ...
    @property
    def implementation(self) -> str: ...
    @property
    def version(self) -> str: ...
    # How messages name it: "Python 3.12", "PyPy 3.11".
    @property
    def label(self) -> str: ...

def magic_to_int(magic: bytes | int) -> int | None: ...
def python_version_for_magic(magic: bytes | int) -> str | None: ...
def implementation_for_magic(magic: bytes | int) -> MagicRelease | None: ...
def read_header(data: bytes, *, name: str | None = ..., path: str | None = ...) -> PycHeader: ...
def classify_pyc(data: bytes, *, name: str | None = ..., path: str | None = ...) -> PycHeader: ...
def validate_timestamp(
    header: PycHeader, source_mtime: float, source_size: int, *, name: str | None = ..., path: str | None = ...
) -> None: ...
def validate_hash(header: PycHeader, source_bytes: bytes, *, name: str | None = ..., path: str | None = ...) -> None: ...
def hash_check_wanted(header: PycHeader, mode: _CheckMode | None = ...) -> bool: ...
def truncated_error(
    where: str | None, size: int, *, name: str | None = ..., path: str | None = ...
) -> TruncatedPycError: ...
def hash_header(source_hash: bytes, checked: bool = ...) -> bytes: ...
# A PycError for marshal data this interpreter's marshal would not survive
# (PyPy); nothing on CPython.
def check_marshal(data: bytes, *, name: str | None = ..., path: str | None = ...) -> None: ...
def code_from_pyc(data: bytes, *, name: str | None = ..., path: str | None = ...) -> CodeType: ...

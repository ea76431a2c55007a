"""The ``.pyc`` header (PEP 552) as pure functions: bytes in, facts or errors out.

Since CPython 3.7 a compiled file starts with a 16-byte header::

    offset  size  field
    0       4     magic number: a 2-byte little-endian release number + b"\\r\\n"
    4       4     flags (little-endian); bit 0: hash-based, bit 1: check source
    8       8     flags bit 0 clear: source mtime (4) and source size (4)
                  flags bit 0 set:   SipHash of the source (8 bytes)

followed by a :mod:`marshal`-ed code object.  Nothing here opens a file:
every function takes the bytes (and, for validation, facts about the
source) and either returns or raises one of :mod:`runpath_spec.errors`'
:class:`~runpath_spec.errors.PycError` classes, each carrying ``name`` and
``path`` -- the shape of importlib's ``_classify_pyc`` family.
"""

import marshal
import sys

from ._cpython import MAGIC_NUMBER, check_hash_based_pycs
from .errors import (BadFlagsError, BadMagicError, PycError, StalePycError,
                     TruncatedPycError)

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

HEADER_SIZE = 16
#: Flags bit 0: the header holds a source hash instead of mtime and size.
FLAG_HASH_BASED = 0b01
#: Flags bit 1 (hash-based pycs only): the importer should check the hash.
FLAG_CHECK_SOURCE = 0b10
#: Every other bit of the flags field is reserved by PEP 552 and must be 0.
RESERVED_FLAGS = 0xFFFFFFFF & ~(FLAG_HASH_BASED | FLAG_CHECK_SOURCE)

#: The magic numbers each CPython 3.x release line wrote, alpha to final, as
#: inclusive ranges: the comment table in Lib/importlib/_bootstrap_external.py
#: (to 3.13) and Include/internal/pycore_magic_number.h (3.14 on).  A release
#: line's number is frozen at its first release candidate: 3.14 writes 3627
#: and 3.15 writes 3666 (3.15.2 read off the interpreter; the numbers between
#: 3657 and 3666 were 3.15's betas).  tests/test_pyc.py checks the table
#: against every interpreter on the machine, so a new one cannot slip by.
_MAGIC_HISTORY = (
    ("3.0", ((3000, 3000), (3010, 3010), (3020, 3020), (3030, 3030),
             (3040, 3040), (3050, 3050), (3060, 3061), (3071, 3071),
             (3081, 3081), (3091, 3091), (3101, 3101), (3103, 3103),
             (3111, 3111), (3131, 3131))),
    ("3.1", ((3141, 3141), (3151, 3151))),
    ("3.2", ((3160, 3160), (3170, 3170), (3180, 3180))),
    ("3.3", ((3190, 3190), (3200, 3200), (3210, 3210), (3220, 3220),
             (3230, 3230))),
    ("3.4", ((3250, 3250), (3260, 3260), (3270, 3270), (3280, 3280),
             (3290, 3290), (3300, 3300), (3310, 3310))),
    ("3.5", ((3320, 3320), (3330, 3330), (3340, 3340), (3350, 3351))),
    ("3.6", ((3360, 3361), (3370, 3373), (3375, 3379))),
    ("3.7", ((3390, 3394),)),
    ("3.8", ((3400, 3401), (3410, 3413))),
    ("3.9", ((3420, 3425),)),
    ("3.10", ((3430, 3439),)),
    ("3.11", ((3450, 3495),)),
    ("3.12", ((3500, 3531),)),
    ("3.13", ((3550, 3571),)),
    ("3.14", ((3600, 3627),)),
    ("3.15", ((3650, 3666),)),
)

#: The magic numbers other implementations write in their own pycs, as
#: (implementation, X.Y, ranges).  PyPy numbers its pycs below 3000 (its
#: ``pypy_incremental_magic``, bumped by 16); each number here was read from
#: that interpreter's ``importlib.util.MAGIC_NUMBER``.
_OTHER_MAGIC_HISTORY = (
    ("PyPy", "3.11", ((432, 432),)),
)

#: How messages name an implementation's release: "Python 3.12", "PyPy 3.11".
_IMPLEMENTATION_LABELS = {"CPython": "Python", "cpython": "Python",
                          "PyPy": "PyPy", "pypy": "PyPy"}

_KINDS = {
    0: "timestamp",
    FLAG_HASH_BASED: "unchecked-hash",
    FLAG_HASH_BASED | FLAG_CHECK_SOURCE: "checked-hash",
}


class PycHeader:
    """The decoded 16-byte header of a CPython 3.7+ ``.pyc`` file.

    Immutable, compared and hashed by value.  (A plain class, not a
    dataclass: this module is imported on every bytecode run, and
    ``dataclasses`` costs more to import than the run itself.)
    """

    __slots__ = ("magic", "flags", "kind", "mtime", "source_size",
                 "source_hash")

    def __init__(self, magic: bytes, flags: int, kind: str,
                 mtime: "int | None" = None, source_size: "int | None" = None,
                 source_hash: "bytes | None" = None) -> None:
        for field, value in zip(self.__slots__, (magic, flags, kind, mtime,
                                                 source_size, source_hash)):
            object.__setattr__(self, field, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PycHeader is immutable: cannot set {!r}"
                             .format(name))

    def _fields(self) -> tuple:
        return tuple(getattr(self, field) for field in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not PycHeader:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "PycHeader({})".format(", ".join(
            "{}={!r}".format(field, getattr(self, field))
            for field in self.__slots__))

    @property
    def magic_int(self) -> "int | None":
        """The release number inside the magic, or ``None`` if it is not one."""
        return magic_to_int(self.magic)

    @property
    def python_version(self) -> "str | None":
        """The Python ``X.Y`` that writes this magic number, if any.

        :attr:`implementation` tells whose: CPython's or, for example,
        PyPy's own pycs.
        """
        return python_version_for_magic(self.magic)

    @property
    def implementation(self) -> "str | None":
        """``"CPython"``, ``"PyPy"`` or ``None``: who writes this magic."""
        release = implementation_for_magic(self.magic)
        return release.implementation if release is not None else None


def magic_to_int(magic: "bytes | int") -> "int | None":
    """The 16-bit release number of a 4-byte magic, or ``None`` if malformed."""
    if isinstance(magic, int):
        return magic if 0 <= magic <= 0xFFFF else None
    magic = bytes(magic)
    if len(magic) != 4 or magic[2:] != b"\r\n":
        return None
    return int.from_bytes(magic[:2], "little")


def python_version_for_magic(magic: "bytes | int") -> "str | None":
    """The Python ``X.Y`` whose compiler writes *magic* (bytes or int).

    A CPython 3 release line's number gives that line (``3379``: ``"3.6"``);
    another implementation's own number gives the Python version it
    implements (PyPy 3.11's ``432``: ``"3.11"``), and
    :func:`implementation_for_magic` tells whose it is.  ``None`` for a
    number that no release ever used.
    """
    release = implementation_for_magic(magic)
    return release.version if release is not None else None


class MagicRelease(tuple):
    """Who writes a magic number: ``MagicRelease("PyPy", "3.11")``, a
    ``(implementation, version)`` pair.  (A tuple subclass, not a
    ``typing.NamedTuple``: this module must stay cheap to import.)"""

    __slots__ = ()

    def __new__(cls, implementation: str, version: str) -> "MagicRelease":
        return tuple.__new__(cls, (implementation, version))

    @property
    def implementation(self) -> str:
        """``"CPython"``, ``"PyPy"``..."""
        return self[0]

    @property
    def version(self) -> str:
        """The Python ``X.Y`` it implements."""
        return self[1]

    def __repr__(self) -> str:
        return "MagicRelease(implementation={!r}, version={!r})".format(*self)

    @property
    def label(self) -> str:
        """How messages name it: ``"Python 3.12"``, ``"PyPy 3.11"``."""
        return "{} {}".format(_IMPLEMENTATION_LABELS.get(
            self.implementation, self.implementation), self.version)


def implementation_for_magic(
        magic: "bytes | int") -> "MagicRelease | None":
    """The implementation and ``X.Y`` whose compiler writes *magic*.

    ``MagicRelease("CPython", "3.12")`` for a CPython release line's number,
    ``MagicRelease("PyPy", "3.11")`` for PyPy 3.11's own pycs (``432``);
    ``None`` for a number that no release ever used.
    """
    number = magic_to_int(magic)
    if number is None:
        return None
    for version, ranges in _MAGIC_HISTORY:
        for low, high in ranges:
            if low <= number <= high:
                return MagicRelease("CPython", version)
    for implementation, version, ranges in _OTHER_MAGIC_HISTORY:
        for low, high in ranges:
            if low <= number <= high:
                return MagicRelease(implementation, version)
    return None


def _running() -> str:
    return "this is {} {}.{} (magic {})".format(
        _IMPLEMENTATION_LABELS.get(sys.implementation.name,
                                   sys.implementation.name),
        sys.version_info[0], sys.version_info[1], magic_to_int(MAGIC_NUMBER))


def _describe_magic(magic: bytes) -> str:
    number = magic_to_int(magic)
    if number is None:
        return "does not start with a Python magic number (found {!r})".format(
            magic)
    release = implementation_for_magic(number)
    if release is None:
        return ("has magic number {}, which belongs to no Python release"
                .format(number))
    return "was compiled by {} (magic {})".format(release.label, number)


def truncated_error(where: "str | None", size: int, *,
                    name: "str | None" = None,
                    path: "str | None" = None) -> TruncatedPycError:
    """The error for a file too short to hold a pyc header."""
    return TruncatedPycError(
        "{!r} is truncated: expected a {}-byte pyc header, got {} bytes"
        .format(where, HEADER_SIZE, size), name=name, path=path)


def timestamp_header(mtime: float, source_size: int) -> bytes:
    """This interpreter's header for a timestamp pyc of a source with
    *mtime* and *source_size* (both taken modulo 2**32, as importlib does)."""
    return (MAGIC_NUMBER + (0).to_bytes(4, "little")
            + (int(mtime) & 0xFFFFFFFF).to_bytes(4, "little")
            + (source_size & 0xFFFFFFFF).to_bytes(4, "little"))


def hash_header(source_hash: bytes, checked: bool = True) -> bytes:
    """This interpreter's header for a hash-based pyc (PEP 552)."""
    flags = FLAG_HASH_BASED | (FLAG_CHECK_SOURCE if checked else 0)
    return MAGIC_NUMBER + flags.to_bytes(4, "little") + source_hash


def timestamp_matches(data: bytes, mtime: float, source_size: int) -> bool:
    """Is *data* this interpreter's timestamp pyc for a source with *mtime*
    and *source_size*?  The quick check, before anything is unmarshalled."""
    return data[:HEADER_SIZE] == timestamp_header(mtime, source_size)


def read_header(data: bytes, *, name: "str | None" = None,
                path: "str | None" = None) -> PycHeader:
    """Parse the first 16 bytes of *data* as a PEP 552 header.

    The magic number is decoded, not judged (see :func:`classify_pyc`), so a
    header written by another 3.7+ release can be inspected.  Raises
    :class:`TruncatedPycError` when *data* is shorter than 16 bytes and
    :class:`BadFlagsError` when a reserved flag bit is set.
    """
    if len(data) < HEADER_SIZE:
        raise truncated_error(path if path is not None else name, len(data),
                              name=name, path=path)
    where = path if path is not None else name
    magic = bytes(data[:4])
    flags = int.from_bytes(data[4:8], "little")
    if flags & RESERVED_FLAGS:
        raise BadFlagsError(
            "{!r} has invalid pyc flags {:#010x}: expected only bits 0 and 1, "
            "found bits PEP 552 reserves ({:#010x})".format(
                where, flags, flags & RESERVED_FLAGS), name=name, path=path)
    if flags & FLAG_HASH_BASED:
        return PycHeader(magic, flags, _KINDS[flags], None, None,
                         bytes(data[8:16]))
    if flags & FLAG_CHECK_SOURCE:
        raise BadFlagsError(
            "{!r} has invalid pyc flags {:#010x}: the check-source bit is only "
            "valid with the hash-based bit".format(where, flags),
            name=name, path=path)
    return PycHeader(magic, flags, "timestamp",
                     int.from_bytes(data[8:12], "little"),
                     int.from_bytes(data[12:16], "little"), None)


def classify_pyc(data: bytes, *, name: "str | None" = None,
                 path: "str | None" = None) -> PycHeader:
    """:func:`read_header`, after checking the magic is this interpreter's.

    Raises :class:`BadMagicError` naming the release that wrote the file.
    """
    where = path if path is not None else name
    if len(data) >= 4 and bytes(data[:4]) != MAGIC_NUMBER:
        raise BadMagicError("bad magic number: {!r} {}; {}".format(
            where, _describe_magic(bytes(data[:4])), _running()),
            name=name, path=path)
    if len(data) < 4:
        raise truncated_error(where, len(data), name=name, path=path)
    return read_header(data, name=name, path=path)


def validate_timestamp(header: PycHeader, source_mtime: float,
                       source_size: int, *, name: "str | None" = None,
                       path: "str | None" = None) -> None:
    """Raise :class:`StalePycError` if a timestamp pyc no longer matches.

    *source_mtime* and *source_size* are the source's ``st_mtime`` and
    ``st_size``; both are compared modulo 2**32, as the import system does.
    """
    where = path if path is not None else name
    if header.kind != "timestamp":
        raise ValueError("expected a timestamp pyc header, got a {} one"
                         .format(header.kind))
    if header.mtime != (int(source_mtime) & 0xFFFFFFFF):
        raise StalePycError(
            "{!r} is stale: compiled from a source with mtime {}, the source "
            "now has mtime {}".format(where, header.mtime, int(source_mtime)),
            name=name, path=path)
    if header.source_size != (source_size & 0xFFFFFFFF):
        raise StalePycError(
            "{!r} is stale: compiled from a source of {} bytes, the source now "
            "has {} bytes".format(where, header.source_size, source_size),
            name=name, path=path)


def validate_hash(header: PycHeader, source_bytes: bytes, *,
                  name: "str | None" = None,
                  path: "str | None" = None) -> None:
    """Raise :class:`StalePycError` if a hash-based pyc's hash is not the source's."""
    where = path if path is not None else name
    if header.source_hash is None:
        raise ValueError("expected a hash-based pyc header, got a {} one"
                         .format(header.kind))
    from importlib.util import source_hash  # costly: only when checking
    actual = source_hash(source_bytes)
    if header.source_hash != actual:
        raise StalePycError(
            "{!r} is stale: its source hash is {}, the source now hashes to {}"
            .format(where, header.source_hash.hex(), actual.hex()),
            name=name, path=path)


def hash_check_wanted(header: PycHeader, mode: "str | None" = None) -> bool:
    """Whether the import system would check this hash-based pyc's source.

    *mode* is ``--check-hash-based-pycs``: ``"default"`` checks only
    checked-hash pycs, ``"always"`` every hash-based pyc, ``"never"`` none.
    ``None`` means the running interpreter's setting.
    """
    if mode is None:
        mode = check_hash_based_pycs()
    if header.kind == "timestamp" or mode == "never":
        return False
    return mode == "always" or header.kind == "checked-hash"


# -- PyPy: a structural check before marshal.loads ------------------------------
#
# PyPy's marshal.loads builds a code object without checking its counts, and
# a negative count fails an RPython assertion, a count past co_varnames reads
# past a list (a segmentation fault): either aborts the whole process, which
# nothing can catch.  A damaged container length makes it allocate the length
# given (MemoryError, or the OOM killer).  So on PyPy, code_from_pyc first walks
# the marshal data without building anything, and refuses what would do that.
# Everything else (unknown type codes, bad strings, truncation, ...) PyPy's
# marshal reports as an exception, and the walk leaves it to it.

#: PyPy's marshalled code object after its type byte and six 32-bit ints
#: (argcount, posonlyargcount, kwonlyargcount, nlocals, stacksize, flags),
#: by magic number: co_code, co_consts, co_names, co_varnames, co_freevars,
#: co_cellvars, co_filename, co_name, co_qualname, co_firstlineno (a bare
#: 32-bit int), co_lnotab and the exception table.
_PYPY_CODE_FIELDS = {
    432: ("bytes", "tuple", "tuple", "tuple", "tuple", "tuple", "str", "str",
          "str", "int", "bytes", "bytes"),
}
_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08
_COUNT_NAMES = ("argcount", "posonlyargcount", "kwonlyargcount", "nlocals")
#: Fixed-size payloads, and the kind of object each type code makes.
_FIXED = {"N": 0, "F": 0, "T": 0, "S": 0, ".": 0, "i": 4, "I": 8, "g": 8,
          "y": 16}
_SIZED = {"s": "bytes", "t": "str", "u": "str", "a": "str", "A": "str",
          "z": "str", "Z": "str", "l": "other"}
_CONTAINERS = {"(": "tuple", "[": "list", "<": "set", ">": "frozenset"}
#: Containers whose reference slot is empty until they are complete: a
#: reference to one of them from inside is refused (PyPy refuses it for
#: tuples and frozensets, and would hand out a half-built code object).
_REF_AFTER = ("tuple", "frozenset", "code")
#: The layout code_from_pyc checks before unmarshalling: only on PyPy, and
#: only where its layout is known.
_GUARDED_FIELDS = (_PYPY_CODE_FIELDS.get(magic_to_int(MAGIC_NUMBER))
                   if sys.implementation.name == "pypy" else None)


class _Damage(Exception):
    def __init__(self, message, truncated=False):
        Exception.__init__(self, message)
        self.truncated = truncated


def _marshal_damage(data, pos: int, fields) -> "_Damage | None":
    """The first damage in the marshal data at *data[pos:]* that PyPy's
    marshal would not survive or would meet with an allocation of a damaged
    size, as a :class:`_Damage`; ``None`` if there is none.

    *fields* is the code object layout (:data:`_PYPY_CODE_FIELDS`).  The walk
    is iterative (no recursion limit), builds nothing and reads each byte
    once.  A reference's target is looked up by the kind recorded for it.
    """
    data = bytes(data)
    end = len(data)
    refs = []    # per reference slot: (kind, length); None until complete
    stack = []   # open containers: [kind, items left, slot, length, state]

    def need(size, what):
        if size > end - pos:
            raise _Damage("{} at offset {} needs {} bytes, {} remain".format(
                what, start, size, end - pos), truncated=True)

    def int32():
        nonlocal pos
        need(4, "a 32-bit int")
        value = int.from_bytes(data[pos:pos + 4], "little", signed=True)
        pos += 4
        return value

    try:
        while True:
            start = pos
            top = stack[-1] if stack else None
            if top is not None and top[0] == "code" \
                    and fields[top[4][0]] == "int":
                int32()
                top[4][0] += 1
                kind, length = None, 0
            else:
                need(1, "an object")
                code = data[pos]
                kind_code, flag = chr(code & 0x7F), code & 0x80
                pos += 1
                slot = None
                if flag and kind_code != "r":
                    slot = len(refs)
                    refs.append(None)
                length = 0
                if kind_code in _FIXED:
                    need(_FIXED[kind_code], "a {!r} object".format(kind_code))
                    pos += _FIXED[kind_code]
                    kind = "other"
                elif kind_code in _SIZED:
                    if kind_code in "zZ":
                        need(1, "a string length")
                        size = data[pos]
                        pos += 1
                    else:
                        size = int32()
                    if kind_code == "l":
                        size = 2 * abs(size)
                    elif size < 0:
                        raise _Damage(
                            "a {!r} object at offset {}: expected a length "
                            ">= 0, found {}".format(kind_code, start, size))
                    need(size, "a {!r} object of {} bytes".format(
                        kind_code, size))
                    pos += size
                    kind = _SIZED[kind_code]
                elif kind_code in "fx":
                    for _ in range(1 if kind_code == "f" else 2):
                        need(1, "a float's length")
                        need(1 + data[pos], "a float's text")
                        pos += 1 + data[pos]
                    kind = "other"
                elif kind_code == "r":
                    index = int32()
                    if not 0 <= index < len(refs):
                        raise _Damage(
                            "a reference at offset {}: expected an index "
                            "below {}, found {}".format(
                                start, len(refs), index))
                    if refs[index] is None:
                        raise _Damage(
                            "a reference at offset {}: expected a complete "
                            "object, found index {}, an object still being "
                            "read".format(start, index))
                    kind, length = refs[index]
                elif kind_code in _CONTAINERS or kind_code in "){":
                    if kind_code == ")":
                        need(1, "a tuple length")
                        length = data[pos]
                        pos += 1
                    elif kind_code == "{":
                        length = -1  # until a NULL key
                    else:
                        length = int32()
                        if length < 0:
                            raise _Damage(
                                "a {!r} container at offset {}: expected a "
                                "length >= 0, found {}".format(
                                    kind_code, start, length))
                        # every item takes at least one byte
                        need(length, "a {!r} container of {} items".format(
                            kind_code, length))
                    kind = _CONTAINERS.get(kind_code, "tuple"
                                           if kind_code == ")" else "dict")
                    if slot is not None and kind not in _REF_AFTER:
                        refs[slot] = (kind, length)
                    stack.append([kind, length, slot, length, None])
                    if length:
                        continue
                    stack.pop()
                elif kind_code == "c":
                    counts = [int32() for _ in range(6)]
                    for name, value in zip(_COUNT_NAMES, counts):
                        if value < 0:
                            raise _Damage(
                                "code object at offset {}: expected {} >= 0, "
                                "found {}".format(start, name, value))
                    stack.append(["code", len(fields), slot, 0,
                                  [0, counts, start]])
                    continue
                elif kind_code == "0" and top is not None \
                        and top[0] == "dict" and top[4] is None:
                    stack.pop()  # the NULL key ends a dict
                    kind, length, slot = "dict", 0, top[2]
                elif kind_code == "0":
                    raise _Damage("a NULL object at offset {}: expected one "
                                  "only as a dict's last key".format(start))
                else:
                    raise _Damage("unknown type code {!r} at offset {}".format(
                        kind_code, start))
                if slot is not None and refs[slot] is None:
                    refs[slot] = (kind, length)
            # one object is complete: hand it to the containers it completes
            while stack:
                top = stack[-1]
                if top[0] == "dict":
                    top[4] = None if top[4] else "value"
                    break
                if top[0] != "code":
                    top[1] -= 1
                    if top[1] > 0:
                        break
                else:
                    state = top[4]
                    index = state[0]
                    if kind is not None:
                        expected = fields[index]
                        if kind != expected:
                            raise _Damage(
                                "code object at offset {}: expected field {} "
                                "to be {}, found {}".format(
                                    state[2], index + 1, expected, kind))
                        if index == 3:
                            state.append(length)  # len(co_varnames)
                        state[0] = index + 1
                    if state[0] < len(fields):
                        break
                    _check_code_counts(state)
                kind, length = top[0], top[3]
                stack.pop()
                if top[2] is not None:
                    refs[top[2]] = (kind, length)
            if not stack:
                return None
    except _Damage as damage:
        return damage


def _check_code_counts(state) -> None:
    (_, (argcount, posonly, kwonly, nlocals, _stacksize, flags), start,
     varnames) = state
    slots = (argcount + kwonly + bool(flags & _CO_VARARGS)
             + bool(flags & _CO_VARKEYWORDS))
    if posonly > argcount:
        raise _Damage("code object at offset {}: expected posonlyargcount "
                      "<= argcount ({}), found {}".format(
                          start, argcount, posonly))
    if slots > varnames:
        raise _Damage("code object at offset {}: expected {} argument names "
                      "in co_varnames, found {}".format(
                          start, slots, varnames))
    if nlocals != varnames:
        raise _Damage("code object at offset {}: expected nlocals == "
                      "len(co_varnames) ({}), found {}".format(
                          start, varnames, nlocals))


def check_marshal(data: bytes, *, name: "str | None" = None,
                  path: "str | None" = None) -> None:
    """Raise a :class:`PycError` for the marshal data after a pyc header
    that this interpreter's ``marshal.loads`` would not survive: on PyPy,
    what would abort the process (see the trust model); nothing to check
    on CPython, whose marshal raises instead."""
    if _GUARDED_FIELDS is None:
        return
    where = path if path is not None else name
    damage = _marshal_damage(data, HEADER_SIZE, _GUARDED_FIELDS)
    if damage is not None and damage.truncated:
        raise TruncatedPycError(
            "{!r} is truncated: its marshal data ends early ({})".format(
                where, damage), name=name, path=path)
    if damage is not None:
        raise PycError("{!r} has corrupt marshal data: {}".format(
            where, damage), name=name, path=path)


def code_from_pyc(data: bytes, *, name: "str | None" = None,
                  path: "str | None" = None):
    """Validate *data* as this interpreter's bytecode and return its code object.

    Every defect is a :class:`~runpath_spec.errors.PycError` naming *path*:
    bad magic or flags, a header or marshal body cut short
    (:class:`TruncatedPycError`, also an :class:`EOFError`), a corrupt body,
    or a marshalled object that is not a code object.
    """
    if (len(data) < HEADER_SIZE or data[:4] != MAGIC_NUMBER
            or int.from_bytes(data[4:8], "little") not in _KINDS):
        classify_pyc(data, name=name, path=path)  # raises the precise error
    where = path if path is not None else name
    check_marshal(data, name=name, path=path)
    try:
        code = marshal.loads(memoryview(data)[HEADER_SIZE:])
    except EOFError as exc:
        raise TruncatedPycError(
            "{!r} is truncated: its marshal data ends early ({})".format(
                where, exc), name=name, path=path) from exc
    except (ValueError, TypeError, SystemError) as exc:
        # SystemError: marshal built an object its own checks then refused.
        raise PycError("{!r} has corrupt marshal data: {}".format(where, exc),
                       name=name, path=path) from exc
    except MemoryError as exc:
        # A length field far beyond the file: hostile or damaged, either way
        # not bytecode to run.
        raise PycError("{!r} has corrupt marshal data: it claims more "
                       "memory than there is ({} bytes of pyc)".format(
                           where, len(data)), name=name, path=path) from exc
    if not isinstance(code, type(code_from_pyc.__code__)):
        raise PycError(
            "{!r} does not hold a code object: expected code, got {}".format(
                where, type(code).__name__), name=name, path=path)
    return code

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

def _errors():
    """:mod:`runpath_spec.errors`, imported once something is to be
    raised: the quick check of a valid pyc (every ``python -m`` of a module
    with its pyc) never needs the error classes, a tenth of the CLI's
    imports."""
    from . import errors
    return errors


_ERROR_NAMES = frozenset(["PycError", "BadMagicError", "BadFlagsError",
                          "TruncatedPycError", "StalePycError"])


def __getattr__(name):
    # The error classes were this module's attributes when it imported
    # them eagerly (``except pyc.PycError``): they still are (PEP 562).
    if name in _ERROR_NAMES:
        return getattr(_errors(), name)
    raise AttributeError("module {!r} has no attribute {!r}".format(
        __name__, name))

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
#: 3657 and 3666 were 3.15's betas).  tests/test_pyc_header.py checks the table
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

    def __init__(self, magic, flags, kind, mtime=None, source_size=None,
                 source_hash=None):
        for field, value in zip(self.__slots__, (magic, flags, kind, mtime,
                                                 source_size, source_hash)):
            object.__setattr__(self, field, value)

    def __setattr__(self, name, value):
        raise AttributeError("PycHeader is immutable: cannot set {!r}"
                             .format(name))

    def _fields(self):
        return tuple(getattr(self, field) for field in self.__slots__)

    def __eq__(self, other):
        if type(other) is not PycHeader:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        return "PycHeader({})".format(", ".join(
            "{}={!r}".format(field, getattr(self, field))
            for field in self.__slots__))

    @property
    def magic_int(self):
        """The release number inside the magic, or ``None`` if it is not one."""
        return magic_to_int(self.magic)

    @property
    def python_version(self):
        """The Python ``X.Y`` that writes this magic number, if any.

        :attr:`implementation` tells whose: CPython's or, for example,
        PyPy's own pycs.
        """
        return python_version_for_magic(self.magic)

    @property
    def implementation(self):
        """``"CPython"``, ``"PyPy"`` or ``None``: who writes this magic."""
        release = implementation_for_magic(self.magic)
        return release.implementation if release is not None else None


def magic_to_int(magic):
    """The 16-bit release number of a 4-byte magic, or ``None`` if malformed."""
    if isinstance(magic, int):
        return magic if 0 <= magic <= 0xFFFF else None
    magic = bytes(magic)
    if len(magic) != 4 or magic[2:] != b"\r\n":
        return None
    return int.from_bytes(magic[:2], "little")


def python_version_for_magic(magic):
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

    def __new__(cls, implementation, version):
        return tuple.__new__(cls, (implementation, version))

    @property
    def implementation(self):
        """``"CPython"``, ``"PyPy"``..."""
        return self[0]

    @property
    def version(self):
        """The Python ``X.Y`` it implements."""
        return self[1]

    def __repr__(self):
        return "MagicRelease(implementation={!r}, version={!r})".format(*self)

    @property
    def label(self):
        """How messages name it: ``"Python 3.12"``, ``"PyPy 3.11"``."""
        return "{} {}".format(_IMPLEMENTATION_LABELS.get(
            self.implementation, self.implementation), self.version)


def implementation_for_magic(magic):
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


def _running():
    return "this is {} {}.{} (magic {})".format(
        _IMPLEMENTATION_LABELS.get(sys.implementation.name,
                                   sys.implementation.name),
        sys.version_info[0], sys.version_info[1], magic_to_int(MAGIC_NUMBER))


def _describe_magic(magic):
    number = magic_to_int(magic)
    if number is None:
        return "does not start with a Python magic number (found {!r})".format(
            magic)
    release = implementation_for_magic(number)
    if release is None:
        return ("has magic number {}, which belongs to no Python release"
                .format(number))
    return "was compiled by {} (magic {})".format(release.label, number)


def truncated_error(where, size, *, name=None, path=None):
    """The error for a file too short to hold a pyc header."""
    return _errors().TruncatedPycError(
        "{!r} is truncated: expected a {}-byte pyc header, got {} bytes"
        .format(where, HEADER_SIZE, size), name=name, path=path)


def hash_header(source_hash, checked=True):
    """This interpreter's header for a hash-based pyc (PEP 552)."""
    flags = FLAG_HASH_BASED | (FLAG_CHECK_SOURCE if checked else 0)
    return MAGIC_NUMBER + flags.to_bytes(4, "little") + source_hash


def read_header(data, *, name=None, path=None):
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
        raise _errors().BadFlagsError(
            "{!r} has invalid pyc flags {:#010x}: expected only bits 0 and 1, "
            "found bits PEP 552 reserves ({:#010x})".format(
                where, flags, flags & RESERVED_FLAGS), name=name, path=path)
    if flags & FLAG_HASH_BASED:
        return PycHeader(magic, flags, _KINDS[flags], None, None,
                         bytes(data[8:16]))
    if flags & FLAG_CHECK_SOURCE:
        raise _errors().BadFlagsError(
            "{!r} has invalid pyc flags {:#010x}: the check-source bit is only "
            "valid with the hash-based bit".format(where, flags),
            name=name, path=path)
    return PycHeader(magic, flags, "timestamp",
                     int.from_bytes(data[8:12], "little"),
                     int.from_bytes(data[12:16], "little"), None)


def classify_pyc(data, *, name=None, path=None):
    """:func:`read_header`, after checking the magic is this interpreter's.

    Raises :class:`BadMagicError` naming the release that wrote the file.
    """
    where = path if path is not None else name
    if len(data) >= 4 and bytes(data[:4]) != MAGIC_NUMBER:
        raise _errors().BadMagicError("bad magic number: {!r} {}; {}".format(
            where, _describe_magic(bytes(data[:4])), _running()),
            name=name, path=path)
    if len(data) < 4:
        raise truncated_error(where, len(data), name=name, path=path)
    return read_header(data, name=name, path=path)


def validate_timestamp(header, source_mtime, source_size, *, name=None,
                       path=None):
    """Raise :class:`StalePycError` if a timestamp pyc no longer matches.

    *source_mtime* and *source_size* are the source's ``st_mtime`` and
    ``st_size``; both are compared modulo 2**32, as the import system does.
    """
    where = path if path is not None else name
    if header.kind != "timestamp":
        raise ValueError("expected a timestamp pyc header, got a {} one"
                         .format(header.kind))
    if header.mtime != (int(source_mtime) & 0xFFFFFFFF):
        raise _errors().StalePycError(
            "{!r} is stale: compiled from a source with mtime {}, the source "
            "now has mtime {}".format(where, header.mtime, int(source_mtime)),
            name=name, path=path)
    if header.source_size != (source_size & 0xFFFFFFFF):
        raise _errors().StalePycError(
            "{!r} is stale: compiled from a source of {} bytes, the source now "
            "has {} bytes".format(where, header.source_size, source_size),
            name=name, path=path)


def validate_hash(header, source_bytes, *, name=None, path=None):
    """Raise :class:`StalePycError` if a hash-based pyc's hash is not the source's."""
    where = path if path is not None else name
    if header.source_hash is None:
        raise ValueError("expected a hash-based pyc header, got a {} one"
                         .format(header.kind))
    from importlib.util import source_hash  # costly: only when checking
    actual = source_hash(source_bytes)
    if header.source_hash != actual:
        raise _errors().StalePycError(
            "{!r} is stale: its source hash is {}, the source now hashes to {}"
            .format(where, header.source_hash.hex(), actual.hex()),
            name=name, path=path)


def hash_check_wanted(header, mode=None):
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
# PyPy's marshal.loads aborts the whole process on some damaged code objects
# (runpath_spec/_pypy_marshal.py says which, and docs/reliability.rst), so on
# PyPy code_from_pyc first walks the marshal data and refuses those.

#: The layout code_from_pyc checks before unmarshalling: only on PyPy, and
#: only where its layout is known.
if sys.implementation.name == "pypy":
    from . import _pypy_marshal
    _GUARDED_FIELDS = _pypy_marshal.PYPY_CODE_FIELDS.get(
        magic_to_int(MAGIC_NUMBER))
else:
    _GUARDED_FIELDS = None


def check_marshal(data, *, name=None, path=None):
    """Raise a :class:`PycError` for the marshal data after a pyc header
    that this interpreter's ``marshal.loads`` would not survive: on PyPy,
    what would abort the process (see the trust model); nothing to check
    on CPython, whose marshal raises instead."""
    if _GUARDED_FIELDS is None:
        return
    where = path if path is not None else name
    damage = _pypy_marshal.marshal_damage(data, HEADER_SIZE, _GUARDED_FIELDS)
    if damage is not None and damage.truncated:
        raise _errors().TruncatedPycError(
            "{!r} is truncated: its marshal data ends early ({})".format(
                where, damage), name=name, path=path)
    if damage is not None:
        raise _errors().PycError("{!r} has corrupt marshal data: {}".format(
            where, damage), name=name, path=path)


def code_from_pyc(data, *, name=None, path=None):
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
        raise _errors().TruncatedPycError(
            "{!r} is truncated: its marshal data ends early ({})".format(
                where, exc), name=name, path=path) from exc
    except (ValueError, TypeError, SystemError) as exc:
        # SystemError: marshal built an object its own checks then refused.
        raise _errors().PycError(
            "{!r} has corrupt marshal data: {}".format(where, exc),
            name=name, path=path) from exc
    except MemoryError as exc:
        # A length field far beyond the file: hostile or damaged, either way
        # not bytecode to run.
        raise _errors().PycError(
            "{!r} has corrupt marshal data: it claims more memory than there "
            "is ({} bytes of pyc)".format(where, len(data)),
            name=name, path=path) from exc
    if not isinstance(code, type(code_from_pyc.__code__)):
        raise _errors().PycError(
            "{!r} does not hold a code object: expected code, got {}".format(
                where, type(code).__name__), name=name, path=path)
    return code

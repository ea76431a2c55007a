"""PyPy: damaged code objects in a pyc are refused before PyPy's marshal,
which would abort the process on them."""

import glob
import importlib.util
import os
import subprocess
import sys

import pytest

from runpath_spec import pyc
from runpath_spec._pypy_marshal import PYPY_CODE_FIELDS, marshal_damage

from conftest import read_bytes

MAGIC = importlib.util.MAGIC_NUMBER
PYPY = sys.implementation.name == "pypy"


# -- PyPy: damaged code objects are refused before marshal --------------------------

def _i32(value):
    return value.to_bytes(4, "little", signed=True)


def _pypy_code(counts=(0, 0, 0, 0, 1, 0), consts=b")\x01N", varnames=b")\x00",
               cellvars=b")\x00", filename=b"z\x04m.py", flag=0):
    """A code object in PyPy 3.11's marshal layout (magic 432)."""
    return (bytes([ord("c") | flag]) + b"".join(_i32(v) for v in counts)
            + b"s" + _i32(4) + b"d\x00S\x00" + consts + b")\x00" + varnames
            + b")\x00" + cellvars + filename + b"z\x01f" + b"z\x01f"
            + _i32(1) + b"s" + _i32(0) + b"s" + _i32(0))


PYPY311 = PYPY_CODE_FIELDS[432]

#: Damaged code objects, what PyPy 3.11's own marshal.loads does with each
#: (measured: see docs/reliability.rst), and what the check says.
DAMAGED = {
    # a fatal RPython AssertionError in PyCode.__init__ / make_signature
    "negative-argcount": (_pypy_code((-1, 0, 0, 0, 1, 0)),
                          "expected argcount >= 0, found -1"),
    "negative-nlocals": (_pypy_code((0, 0, 0, -5, 1, 0)),
                         "expected nlocals >= 0, found -5"),
    # with a cell variable, PyCode._initialize reads co_varnames past its
    # end: a segmentation fault
    "argcount-past-varnames": (_pypy_code((1000, 0, 0, 1, 1, 0),
                                          varnames=b")\x01Z\x01a",
                                          cellvars=b")\x01Z\x01b"),
                               "expected 1000 argument names in "
                               "co_varnames, found 1"),
    "varargs-past-varnames": (_pypy_code((0, 0, 0, 0, 1, 0x04)),
                              "expected 1 argument names in co_varnames, "
                              "found 0"),
    "posonly-past-argcount": (_pypy_code((0, 3, 0, 0, 1, 0)),
                              "expected posonlyargcount <= argcount (0), "
                              "found 3"),
    "nlocals-not-varnames": (_pypy_code((0, 0, 0, 2 ** 31 - 1, 1, 0)),
                             "expected nlocals == len(co_varnames) (0), "
                             "found 2147483647"),
    # a half-built code object handed out as its own constant
    "self-reference": (_pypy_code(flag=0x80, consts=b")\x01r" + _i32(0)),
                       "expected a complete object, found index 0, an "
                       "object still being read"),
    # an AttributeError from fsencode
    "filename-a-tuple": (_pypy_code(filename=b")\x00"),
                         "expected field 7 to be str, found tuple"),
    "negative-length": (b"(" + _i32(-5) + b"N",
                        "expected a length >= 0, found -5"),
}
#: Lengths past the end: PyPy allocates the length first (MemoryError, or
#: the OOM killer); the check calls them truncation.
TRUNCATED = {
    "tuple": (b"(" + _i32(0x6E617205) + b"N" * 8,
              "a '(' container of 1851879941 items at offset "),
    "list-with-ref-flag": (b"\xdb" + _i32(2 ** 31 - 1) + b"N",
                           "needs 2147483647 bytes, 1 remain"),
    "string": (b"s" + _i32(100) + b"abc", "needs 100 bytes, 3 remain"),
    "long": (b"l" + _i32(-(2 ** 31)) + b"\x01\x00",
             "needs 4294967296 bytes, 2 remain"),
}


def test_the_marshal_check_accepts_a_good_code_object():
    assert marshal_damage(_pypy_code(), 0, PYPY311) is None
    assert marshal_damage(
        _pypy_code((1, 1, 1, 4, 2, 0x0C), varnames=b")\x04" + b"Z\x01a" * 4,
                   cellvars=b")\x01r" + _i32(0), flag=0), 0, PYPY311) is not None
    nested = _pypy_code(consts=b")\x02N" + _pypy_code(), flag=0x80)
    assert marshal_damage(nested, 0, PYPY311) is None


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_the_marshal_check_finds_each_damage(name):
    body, message = DAMAGED[name]
    damage = marshal_damage(body, 0, PYPY311)
    assert damage is not None and message in str(damage)
    assert not damage.truncated


@pytest.mark.parametrize("name", sorted(TRUNCATED))
def test_the_marshal_check_calls_lengths_past_the_end_truncation(name):
    body, message = TRUNCATED[name]
    damage = marshal_damage(body, 0, PYPY311)
    assert damage is not None and message in str(damage)
    assert damage.truncated


def test_the_marshal_check_follows_references_and_dicts():
    i = _i32
    assert marshal_damage(b"[" + i(2) + b"\xa9\x01\xfa\x01x" + b"r" + i(0),
                               0, PYPY311) is None
    # a reference to the tuple it is inside, and one past the slots
    assert "found index 0, an object still being read" in str(
        marshal_damage(b"\xa9\x01r" + i(0), 0, PYPY311))
    assert "expected an index below 1, found 5" in str(marshal_damage(
        b"\xa9\x01r" + i(5), 0, PYPY311))
    # a dict may hold itself; NULL only as its last key
    assert marshal_damage(b"\xfbz\x01kr" + i(0) + b"0", 0, PYPY311) \
        is None
    assert "NULL object at offset 2" in str(marshal_damage(
        b")\x010", 0, PYPY311))
    assert "unknown type code '?' at offset 0" in str(marshal_damage(
        b"?", 0, PYPY311))
    # 100,000 levels deep: walked without recursion
    deep = b")\x01" * 100000 + b"N"
    assert marshal_damage(deep, 0, PYPY311) is None


def test_the_marshal_check_guards_only_pypy():
    if PYPY and int.from_bytes(MAGIC[:2], "little") == 432:
        assert pyc._GUARDED_FIELDS == PYPY311
    elif not PYPY:
        assert pyc._GUARDED_FIELDS is None


@pytest.mark.skipif(not PYPY, reason="only PyPy writes PyPy's code layout")
def test_the_marshal_check_accepts_every_pyc_pypy_wrote():
    import sysconfig
    checked = 0
    for root in {sysconfig.get_paths()["stdlib"],
                 sysconfig.get_paths()["purelib"]}:
        for path in glob.glob(os.path.join(root, "**", "__pycache__",
                                           "*.pyc"), recursive=True):
            data = read_bytes(path)
            if data[:4] == MAGIC:
                assert marshal_damage(data, 16, pyc._GUARDED_FIELDS) \
                    is None, path
                checked += 1
    assert checked > 100


_CHILD = r"""
import sys
sys.path.insert(0, %r)
import runpath_spec
try:
    runpath_spec.run_path(sys.argv[1])
except runpath_spec.PycError as exc:
    print(type(exc).__name__, exc)
"""


@pytest.mark.skipif(not PYPY, reason="the bodies are PyPy 3.11's code "
                    "layout; CPython's marshal checks its own code objects")
@pytest.mark.parametrize("name", sorted(DAMAGED) + sorted(TRUNCATED))
def test_damaged_pyc_is_a_pyc_error_on_pypy_not_an_abort(name, tmp_path):
    body, message = DAMAGED.get(name) or TRUNCATED[name]
    target = tmp_path / "damaged.pyc"
    target.write_bytes(MAGIC + bytes(12) + body)
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", _CHILD % project,
                          str(target)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    assert out.returncode == 0, out.stderr
    kind = "PycError" if name in DAMAGED else "TruncatedPycError"
    assert out.stdout.startswith(kind + " %r " % str(target)), out.stdout
    assert message in out.stdout


@pytest.mark.skipif(not PYPY, reason="PyPy's marshal is what aborts")
@pytest.mark.parametrize("name, signal", [
    ("negative-argcount", -6), ("negative-nlocals", -6),
    ("argcount-past-varnames", -11)])
def test_pypys_own_marshal_aborts_on_what_the_check_refuses(name, signal):
    """Why the check exists; fails once PyPy's marshal checks these."""
    out = subprocess.run(
        [sys.executable, "-c", "import marshal, sys; "
         "marshal.loads(bytes.fromhex(sys.argv[1]))",
         DAMAGED[name][0].hex()], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, universal_newlines=True)
    assert out.returncode == signal, out.stderr

"""Bytecode targets: PEP 552 header validation and precise diagnostics."""

import glob
import importlib.util
import marshal
import os
import py_compile
import re
import subprocess
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import runpath_spec
from runpath_spec import (BadFlagsError, BadMagicError, PycError,
                          RunpathError, StalePycError, TruncatedPycError, pyc)
from runpath_spec._pypy_marshal import PYPY_CODE_FIELDS, marshal_damage

from conftest import compile_pyc, make_zip

MODES = {
    "timestamp": py_compile.PycInvalidationMode.TIMESTAMP,
    "checked-hash": py_compile.PycInvalidationMode.CHECKED_HASH,
    "unchecked-hash": py_compile.PycInvalidationMode.UNCHECKED_HASH,
}
MAGIC = importlib.util.MAGIC_NUMBER
THIS = "%d.%d" % sys.version_info[:2]
PYPY = sys.implementation.name == "pypy"
#: How messages name the running interpreter: "Python 3.12", "PyPy 3.11".
RUNNING = ("PyPy " if PYPY else "Python ") + THIS
#: Other releases' magic numbers, by how messages name them.
OTHER_RELEASES = {"Python 3.6": 3379, "Python 3.7": 3394,
                  "Python 3.8": 3413, "Python 3.9": 3425,
                  "Python 3.10": 3439, "Python 3.11": 3495,
                  "Python 3.12": 3531, "Python 3.13": 3571,
                  "Python 3.14": 3627, "PyPy 3.11": 432}
OTHER_RELEASES = {label: number for label, number in OTHER_RELEASES.items()
                  if number != int.from_bytes(MAGIC[:2], "little")}
PLACES = ("file", "directory", "zip")


def good_pyc(tmp_path, mode="timestamp", body="result = 'ran'\n"):
    src = tmp_path / "target.py"
    src.write_text(body)
    return compile_pyc(str(src), str(tmp_path / "target.pyc"),
                       MODES[mode])


def read(path):
    with open(path, "rb") as f:
        return f.read()


def place(tmp_path, data, where):
    """Put pyc *data* where a target would be; return the path to run."""
    if where == "file":
        p = tmp_path / "placed.pyc"
        p.write_bytes(data)
        return str(p)
    if where == "directory":
        d = tmp_path / "placed_dir"
        d.mkdir()
        (d / "__main__.pyc").write_bytes(data)
        return str(d)
    z = str(tmp_path / "placed.zip")
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("__main__.pyc", data)
    return z


# -- the header ---------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_read_header_of_each_kind(mode, tmp_path):
    path = good_pyc(tmp_path, mode)
    header = pyc.read_header(read(path))
    assert header.magic == MAGIC and header.kind == mode
    assert header.python_version == THIS
    assert header.magic_int == int.from_bytes(MAGIC[:2], "little")
    source = (tmp_path / "target.py").read_bytes()
    if mode == "timestamp":
        st = os.stat(str(tmp_path / "target.py"))
        assert header.flags == 0 and header.source_hash is None
        assert header.mtime == int(st.st_mtime) & 0xFFFFFFFF
        assert header.source_size == st.st_size
    else:
        assert header.mtime is None and header.source_size is None
        assert header.source_hash == importlib.util.source_hash(source)
        assert header.flags == (3 if mode == "checked-hash" else 1)


def test_header_is_frozen(tmp_path):
    header = pyc.read_header(read(good_pyc(tmp_path)))
    with pytest.raises(AttributeError):
        header.flags = 5


@pytest.mark.parametrize("length", range(17))
def test_read_header_truncated(length, tmp_path):
    data = read(good_pyc(tmp_path))[:length]
    if length == 16:
        assert pyc.read_header(data).kind == "timestamp"
        return
    with pytest.raises(TruncatedPycError) as info:
        pyc.read_header(data, name="m", path="m.pyc")
    assert isinstance(info.value, EOFError)
    assert info.value.name == "m" and info.value.path == "m.pyc"
    assert "'m.pyc' is truncated" in str(info.value)


@pytest.mark.parametrize("bit", range(2, 32))
def test_each_reserved_flag_bit(bit, tmp_path):
    data = bytearray(read(good_pyc(tmp_path)))
    data[4:8] = (1 << bit).to_bytes(4, "little")
    with pytest.raises(BadFlagsError) as info:
        pyc.read_header(bytes(data), path="x.pyc")
    assert "'x.pyc' has invalid pyc flags" in str(info.value)


def test_check_source_bit_without_hash_bit_is_invalid(tmp_path):
    data = bytearray(read(good_pyc(tmp_path)))
    data[4:8] = (2).to_bytes(4, "little")
    with pytest.raises(BadFlagsError):
        pyc.read_header(bytes(data))


# -- magic numbers --------------------------------------------------------------

def _interpreters():
    root = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE,
                          universal_newlines=True).stdout.strip() \
        if _has_pyenv() else ""
    found = sorted(glob.glob(os.path.join(root, "versions", "3.*", "bin",
                                          "python"))) if root else []
    found += sorted(glob.glob(os.path.join(root, "versions", "pypy3.*",
                                           "bin", "pypy3"))) if root else []
    return found or [sys.executable]


def _has_pyenv():
    from shutil import which
    return which("pyenv") is not None


def test_magic_table_agrees_with_every_interpreter_on_the_machine():
    checked = []
    for python in _interpreters():
        out = subprocess.run(
            [python, "-c", "import sys, importlib.util as u; "
             "print(sys.implementation.name, '%d.%d' % sys.version_info[:2], "
             "int.from_bytes(u.MAGIC_NUMBER[:2], 'little'), "
             "u.MAGIC_NUMBER == int.from_bytes(u.MAGIC_NUMBER[:2], 'little')"
             ".to_bytes(2, 'little') + b'\\r\\n')"],
            stdout=subprocess.PIPE, universal_newlines=True)
        if out.returncode:
            continue
        implementation, version, number, shape = out.stdout.split()
        assert shape == "True"
        assert pyc.python_version_for_magic(int(number)) == version
        assert pyc.implementation_for_magic(int(number)) == (
            {"cpython": "CPython", "pypy": "PyPy"}[implementation], version)
        checked.append((implementation, version))
    assert (sys.implementation.name, THIS) in checked


def test_magic_table_agrees_with_this_interpreters_history_comment():
    from importlib import _bootstrap_external
    try:
        with open(_bootstrap_external.__file__, encoding="utf-8") as f:
            source = f.read()
    except (OSError, TypeError):
        pytest.skip("importlib._bootstrap_external has no source file here")
    start = source.find("#     Python 3000:")
    if start < 0:
        pytest.skip("no magic-number history comment in this version")
    block = source[start:source.index("MAGIC_NUMBER = ")]
    numbers = 0
    for line in block.splitlines():
        m = re.match(r"#\s+Python (3000|3\.\d+)\S*\s*:?\s+(\d{4})\b", line)
        if m:
            version = "3.0" if m.group(1) == "3000" else m.group(1)
            assert pyc.python_version_for_magic(int(m.group(2))) == version
            numbers += 1
        else:
            m = re.match(r"#\s{10,}(\d{4})\s", line)  # Python 3000 follow-ups
            if m:
                assert pyc.python_version_for_magic(int(m.group(1))) == "3.0"
                numbers += 1
    assert numbers > 50


@pytest.mark.parametrize("magic, expected", [
    (3379, "3.6"), ((3379).to_bytes(2, "little") + b"\r\n", "3.6"),
    (3131, "3.0"), (3627, "3.14"), (3495, "3.11"), (62211, None), (1234, None),
    (b"abcd", None), (b"\x00", None), (3574, None), (-1, None),
])
def test_python_version_for_magic(magic, expected):
    assert pyc.python_version_for_magic(magic) == expected


@pytest.mark.parametrize("magic, expected", [
    (3379, ("CPython", "3.6")), (3495, ("CPython", "3.11")),
    (432, ("PyPy", "3.11")), (b"\xb0\x01\r\n", ("PyPy", "3.11")),
    (416, None), (448, None), (1234, None), (b"abcd", None), (-1, None),
])
def test_implementation_for_magic(magic, expected):
    release = pyc.implementation_for_magic(magic)
    assert release == expected
    if expected is not None:
        assert (release.implementation, release.version) == expected
        assert pyc.python_version_for_magic(magic) == expected[1]
        assert release.label == ("Python " if expected[0] == "CPython"
                                 else "PyPy ") + expected[1]


def test_pypys_own_pyc_is_named_by_its_header(tmp_path):
    data = (432).to_bytes(2, "little") + b"\r\n" + read(good_pyc(tmp_path))[4:]
    header = pyc.read_header(data)
    assert (header.implementation, header.python_version) == ("PyPy", "3.11")
    assert header.magic_int == 432


def test_cpython_pyc_header_names_cpython(tmp_path):
    data = (3495).to_bytes(2, "little") + b"\r\n" + read(good_pyc(tmp_path))[4:]
    assert pyc.read_header(data).implementation == "CPython"
    assert pyc.read_header(b"NOPE" + data[4:]).implementation is None


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("release", sorted(OTHER_RELEASES))
def test_other_release_magic_names_both_versions(release, where, tmp_path):
    data = bytearray(read(good_pyc(tmp_path)))
    data[:2] = OTHER_RELEASES[release].to_bytes(2, "little")
    target = place(tmp_path, bytes(data), where)
    with pytest.raises(BadMagicError) as info:
        runpath_spec.run_path(target)
    msg = str(info.value)
    assert msg.startswith("bad magic number: ")
    assert "was compiled by %s (magic %d); this is %s (magic %d)" \
        % (release, OTHER_RELEASES[release], RUNNING,
           int.from_bytes(MAGIC[:2], "little")) in msg
    assert info.value.path is not None and "placed" in info.value.path


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("magic", [b"\x39\x30\r\n", b"NOPE"],
                         ids=["unused-number", "not-a-magic"])
def test_magic_of_no_release(magic, where, tmp_path):
    data = magic + read(good_pyc(tmp_path))[4:]
    with pytest.raises(BadMagicError) as info:
        runpath_spec.run_path(place(tmp_path, data, where))
    assert ("belongs to no Python release" in str(info.value)
            or "does not start with a Python magic number" in str(info.value))


def test_other_release_magic_in_a_non_pyc_name_is_still_refused(tmp_path):
    data = bytearray(read(good_pyc(tmp_path)))
    data[:2] = (3379).to_bytes(2, "little")
    p = tmp_path / "old_bytecode.bin"
    p.write_bytes(bytes(data))
    with pytest.raises(BadMagicError):
        runpath_spec.run_path(str(p))


# -- the matrix: valid, truncated, flags, in every place ----------------------------

@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("mode", MODES)
def test_valid_pyc_runs_everywhere(mode, where, tmp_path, sys_snapshot):
    target = place(tmp_path, read(good_pyc(tmp_path, mode)), where)
    assert runpath_spec.run_path(target)["result"] == "ran"
    sys_snapshot()


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("length", list(range(17)) + ["cut-body"])
def test_truncated_pyc(length, where, tmp_path, sys_snapshot):
    data = read(good_pyc(tmp_path))
    data = data[:-3] if length == "cut-body" else data[:length]
    with pytest.raises(TruncatedPycError) as info:
        runpath_spec.run_path(place(tmp_path, data, where))
    assert isinstance(info.value, EOFError)
    assert "is truncated" in str(info.value)
    sys_snapshot()


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("bit", [2, 7, 31])
def test_reserved_flags_everywhere(bit, where, tmp_path):
    data = bytearray(read(good_pyc(tmp_path)))
    data[4:8] = (1 << bit).to_bytes(4, "little")
    with pytest.raises(BadFlagsError):
        runpath_spec.run_path(place(tmp_path, bytes(data), where))


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize("body, message", [
    (marshal.dumps(42), "does not hold a code object: expected code, got int"),
    (b"\xff\xfe\x00garbage", "has corrupt marshal data"),
], ids=["not-code", "corrupt"])
def test_bad_marshal_body(body, message, where, tmp_path):
    data = read(good_pyc(tmp_path))[:16] + body
    with pytest.raises(PycError) as info:
        runpath_spec.run_path(place(tmp_path, data, where))
    assert message in str(info.value)
    assert info.value.path is not None


def test_sourceless_module_goes_through_the_same_validation(module_tree,
                                                            tmp_path):
    spec = importlib.util.find_spec(module_tree + ".compiled")
    data = bytearray(read(spec.origin))
    data[:2] = (3379).to_bytes(2, "little")
    with open(spec.origin, "wb") as f:
        f.write(bytes(data))
    with pytest.raises(BadMagicError) as info:
        runpath_spec.run_module(module_tree + ".compiled")
    assert "Python 3.6" in str(info.value)


def test_zip_pyc_with_source_beside_it_is_left_to_zipimport(tmp_path):
    data = bytearray(read(good_pyc(tmp_path)))
    data[:2] = (3379).to_bytes(2, "little")
    z = make_zip(str(tmp_path / "both.zip"), {
        "__main__.pyc": bytes(data), "__main__.py": "result = 'source'\n"})
    assert runpath_spec.run_path(z)["result"] == "source"


def test_pyc_named_file_holding_source_runs_as_source(tmp_path):
    p = tmp_path / "text.pyc"
    p.write_text("result = 'source'\n")
    assert runpath_spec.run_path(str(p))["result"] == "source"


# -- staleness ------------------------------------------------------------------

def _stale(tmp_path, mode, how, layout="legacy"):
    src = tmp_path / "target.py"
    src.write_text("result = 'ran'\n")
    if layout == "legacy":
        cfile = str(tmp_path / "target.pyc")
    else:
        cfile = importlib.util.cache_from_source(str(src))
    compile_pyc(str(src), cfile, MODES[mode])
    if how == "mtime":
        st = os.stat(str(src))
        os.utime(str(src), (st.st_atime, st.st_mtime + 10))
    elif how == "size":
        st = os.stat(str(src))
        src.write_text("result = 'ran!'\n")
        os.utime(str(src), (st.st_atime, st.st_mtime))
    elif how == "hash":
        src.write_text("result = 'RAN'\n")
    return cfile


@pytest.mark.parametrize("layout", ["legacy", "pep3147"])
@pytest.mark.parametrize("mode, how", [
    ("timestamp", "mtime"), ("timestamp", "size"), ("checked-hash", "hash")])
def test_stale_pyc_with_check_source(mode, how, layout, tmp_path):
    cfile = _stale(tmp_path, mode, how, layout)
    # Off by default, as `python file.pyc` never checks.
    assert runpath_spec.run_path(cfile)["result"] == "ran"
    with pytest.raises(StalePycError) as info:
        runpath_spec.run_path(cfile, check_source=True)
    assert "is stale" in str(info.value)
    spec = runpath_spec.spec_from_path(cfile, check_source=True)
    with pytest.raises(StalePycError):
        spec.loader.get_code(spec.name)


@pytest.mark.parametrize("setting, mode, checked", [
    ("default", "checked-hash", True), ("default", "unchecked-hash", False),
    ("always", "unchecked-hash", True), ("never", "checked-hash", False),
])
def test_check_hash_based_pycs_is_honoured(setting, mode, checked, tmp_path,
                                           monkeypatch):
    import _imp
    monkeypatch.setattr(_imp, "check_hash_based_pycs", setting)
    cfile = _stale(tmp_path, mode, "hash")
    if checked:
        with pytest.raises(StalePycError):
            runpath_spec.run_path(cfile, check_source=True)
    else:
        assert runpath_spec.run_path(cfile, check_source=True)["result"] == "ran"


def test_fresh_pyc_passes_check_source(tmp_path):
    for mode in MODES:
        cfile = good_pyc(tmp_path, mode)
        assert runpath_spec.run_path(cfile, check_source=True)["result"] == "ran"


def test_validators_reject_the_wrong_kind(tmp_path):
    ts = pyc.read_header(read(good_pyc(tmp_path, "timestamp")))
    hb = pyc.read_header(read(good_pyc(tmp_path, "checked-hash")))
    with pytest.raises(ValueError):
        pyc.validate_hash(ts, b"")
    with pytest.raises(ValueError):
        pyc.validate_timestamp(hb, 0, 0)
    assert pyc.hash_check_wanted(ts, "always") is False


# -- properties -------------------------------------------------------------------

#: A body that marshal would decode as a code object: crafted code objects
#: can crash the interpreter (marshal is not safe against hostile input, see
#: the trust model in the docs), so generated bodies never start with one.
_CODE_TYPE_BYTES = {ord("c"), ord("c") | 0x80}


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=64),
    st.binary(max_size=48).map(lambda b: MAGIC + b),
    st.tuples(st.binary(min_size=12, max_size=12), st.binary(max_size=40))
    .filter(lambda t: not t[1] or t[1][0] not in _CODE_TYPE_BYTES)
    .map(lambda t: MAGIC + t[0] + t[1])),
    where=st.sampled_from(PLACES))
def test_arbitrary_bytes_run_or_raise_our_errors(data, where,
                                                 tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("prop")
    before = (list(sys.argv), list(sys.path), dict(sys.modules))
    try:
        runpath_spec.run_path(place(tmp_path, data, where))
    except RunpathError:
        pass
    except (SyntaxError, ValueError) as exc:
        # Only a .pyc-named file with decodable source is compiled as text;
        # its compile error is the target's own.
        assert where == "file" and MAGIC != data[:4], exc
        assert not isinstance(exc, (EOFError,))
    except BaseException as exc:  # the target's own exception, if it ran
        assert not isinstance(exc, (EOFError, TypeError, SystemError,
                                    KeyError, AttributeError)), exc
    assert sys.argv == before[0] and sys.path == before[1]
    assert all(sys.modules.get(k) is v for k, v in before[2].items())


def test_marshal_data_that_claims_huge_memory_is_a_pyc_error(tmp_path):
    """A tuple of 2**31-1 items in 30 bytes: marshal tries to allocate it
    and fails (MemoryError, under a 2 GiB address-space limit so that it
    fails the same way on every machine); that is a PycError naming the
    file."""
    resource = pytest.importorskip("resource", reason="needs setrlimit")
    code = ("import resource, sys\n"
            "sys.path.insert(0, %r)\n"
            "from runpath_spec import pyc\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "data = pyc.MAGIC_NUMBER + bytes(12) + b'(\\xff\\xff\\xff\\x7f'"
            " + bytes(10)\n"
            "try:\n"
            "    pyc.code_from_pyc(data, path='huge.pyc')\n"
            "except pyc.PycError as exc:\n"
            "    print(type(exc.__cause__).__name__, exc)\n") % (
                os.path.dirname(os.path.dirname(os.path.abspath(
                    pyc.__file__))),)
    out = subprocess.run([sys.executable, "-c", code],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=60)
    if sys.implementation.name == "pypy":
        # PyPy's guard refuses the length before marshal would allocate it.
        expected = "NoneType 'huge.pyc' is truncated: its marshal data ends"
    else:
        expected = ("MemoryError 'huge.pyc' has corrupt marshal data: it "
                    "claims more memory")
    assert out.stdout.startswith(expected), (out.stdout, out.stderr)
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
            data = read(path)
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

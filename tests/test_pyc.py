"""Bytecode targets: valid, truncated, damaged and stale pycs in every
place, and arbitrary bytes, each run or refused with a precise error."""

import importlib.util
import marshal
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import runpath_spec
from runpath_spec import (BadFlagsError, BadMagicError, PycError,
                          RunpathError, StalePycError, TruncatedPycError, pyc)

from conftest import (PYC_MODES, PYC_PLACES, compile_pyc, good_pyc, make_zip,
                      place_pyc, read_bytes)

MAGIC = importlib.util.MAGIC_NUMBER


# -- the matrix: valid, truncated, flags, in every place ----------------------------

@pytest.mark.parametrize("where", PYC_PLACES)
@pytest.mark.parametrize("mode", PYC_MODES)
def test_valid_pyc_runs_everywhere(mode, where, tmp_path, sys_snapshot):
    target = place_pyc(tmp_path, read_bytes(good_pyc(tmp_path, mode)), where)
    assert runpath_spec.run_path(target)["result"] == "ran"
    sys_snapshot()


@pytest.mark.parametrize("where", PYC_PLACES)
@pytest.mark.parametrize("length", list(range(17)) + ["cut-body"])
def test_truncated_pyc(length, where, tmp_path, sys_snapshot):
    data = read_bytes(good_pyc(tmp_path))
    data = data[:-3] if length == "cut-body" else data[:length]
    with pytest.raises(TruncatedPycError) as info:
        runpath_spec.run_path(place_pyc(tmp_path, data, where))
    assert isinstance(info.value, EOFError)
    assert "is truncated" in str(info.value)
    sys_snapshot()


@pytest.mark.parametrize("where", PYC_PLACES)
@pytest.mark.parametrize("bit", [2, 7, 31])
def test_reserved_flags_everywhere(bit, where, tmp_path):
    data = bytearray(read_bytes(good_pyc(tmp_path)))
    data[4:8] = (1 << bit).to_bytes(4, "little")
    with pytest.raises(BadFlagsError):
        runpath_spec.run_path(place_pyc(tmp_path, bytes(data), where))


@pytest.mark.parametrize("where", PYC_PLACES)
@pytest.mark.parametrize("body, message", [
    (marshal.dumps(42), "does not hold a code object: expected code, got int"),
    (b"\xff\xfe\x00garbage", "has corrupt marshal data"),
], ids=["not-code", "corrupt"])
def test_bad_marshal_body(body, message, where, tmp_path):
    data = read_bytes(good_pyc(tmp_path))[:16] + body
    with pytest.raises(PycError) as info:
        runpath_spec.run_path(place_pyc(tmp_path, data, where))
    assert message in str(info.value)
    assert info.value.path is not None


def test_sourceless_module_goes_through_the_same_validation(module_tree,
                                                            tmp_path):
    spec = importlib.util.find_spec(module_tree + ".compiled")
    data = bytearray(read_bytes(spec.origin))
    data[:2] = (3379).to_bytes(2, "little")
    with open(spec.origin, "wb") as f:
        f.write(bytes(data))
    with pytest.raises(BadMagicError) as info:
        runpath_spec.run_module(module_tree + ".compiled")
    assert "Python 3.6" in str(info.value)


def test_zip_pyc_with_source_beside_it_is_left_to_zipimport(tmp_path):
    data = bytearray(read_bytes(good_pyc(tmp_path)))
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
    compile_pyc(str(src), cfile, PYC_MODES[mode])
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
    for mode in PYC_MODES:
        cfile = good_pyc(tmp_path, mode)
        assert runpath_spec.run_path(cfile, check_source=True)["result"] == "ran"


def test_validators_reject_the_wrong_kind(tmp_path):
    ts = pyc.read_header(read_bytes(good_pyc(tmp_path, "timestamp")))
    hb = pyc.read_header(read_bytes(good_pyc(tmp_path, "checked-hash")))
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
    where=st.sampled_from(PYC_PLACES))
def test_arbitrary_bytes_run_or_raise_our_errors(data, where,
                                                 tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("prop")
    before = (list(sys.argv), list(sys.path), dict(sys.modules))
    try:
        runpath_spec.run_path(place_pyc(tmp_path, data, where))
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

"""Bytecode targets: the PEP 552 header, and the magic numbers of every
release, named in messages."""

import glob
import importlib.util
import os
import re
import subprocess
import sys

import pytest

import runpath_spec
from runpath_spec import BadFlagsError, BadMagicError, TruncatedPycError, pyc

from conftest import PYC_MODES, PYC_PLACES, good_pyc, place_pyc, read_bytes

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


# -- the header ---------------------------------------------------------------

@pytest.mark.parametrize("mode", PYC_MODES)
def test_read_header_of_each_kind(mode, tmp_path):
    path = good_pyc(tmp_path, mode)
    header = pyc.read_header(read_bytes(path))
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
    header = pyc.read_header(read_bytes(good_pyc(tmp_path)))
    with pytest.raises(AttributeError):
        header.flags = 5


@pytest.mark.parametrize("length", range(17))
def test_read_header_truncated(length, tmp_path):
    data = read_bytes(good_pyc(tmp_path))[:length]
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
    data = bytearray(read_bytes(good_pyc(tmp_path)))
    data[4:8] = (1 << bit).to_bytes(4, "little")
    with pytest.raises(BadFlagsError) as info:
        pyc.read_header(bytes(data), path="x.pyc")
    assert "'x.pyc' has invalid pyc flags" in str(info.value)


def test_check_source_bit_without_hash_bit_is_invalid(tmp_path):
    data = bytearray(read_bytes(good_pyc(tmp_path)))
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
    data = (432).to_bytes(2, "little") + b"\r\n" + read_bytes(good_pyc(tmp_path))[4:]
    header = pyc.read_header(data)
    assert (header.implementation, header.python_version) == ("PyPy", "3.11")
    assert header.magic_int == 432


def test_cpython_pyc_header_names_cpython(tmp_path):
    data = (3495).to_bytes(2, "little") + b"\r\n" + read_bytes(good_pyc(tmp_path))[4:]
    assert pyc.read_header(data).implementation == "CPython"
    assert pyc.read_header(b"NOPE" + data[4:]).implementation is None


@pytest.mark.parametrize("where", PYC_PLACES)
@pytest.mark.parametrize("release", sorted(OTHER_RELEASES))
def test_other_release_magic_names_both_versions(release, where, tmp_path):
    data = bytearray(read_bytes(good_pyc(tmp_path)))
    data[:2] = OTHER_RELEASES[release].to_bytes(2, "little")
    target = place_pyc(tmp_path, bytes(data), where)
    with pytest.raises(BadMagicError) as info:
        runpath_spec.run_path(target)
    msg = str(info.value)
    assert msg.startswith("bad magic number: ")
    assert "was compiled by %s (magic %d); this is %s (magic %d)" \
        % (release, OTHER_RELEASES[release], RUNNING,
           int.from_bytes(MAGIC[:2], "little")) in msg
    assert info.value.path is not None and "placed" in info.value.path


@pytest.mark.parametrize("where", PYC_PLACES)
@pytest.mark.parametrize("magic", [b"\x39\x30\r\n", b"NOPE"],
                         ids=["unused-number", "not-a-magic"])
def test_magic_of_no_release(magic, where, tmp_path):
    data = magic + read_bytes(good_pyc(tmp_path))[4:]
    with pytest.raises(BadMagicError) as info:
        runpath_spec.run_path(place_pyc(tmp_path, data, where))
    assert ("belongs to no Python release" in str(info.value)
            or "does not start with a Python magic number" in str(info.value))


def test_other_release_magic_in_a_non_pyc_name_is_still_refused(tmp_path):
    data = bytearray(read_bytes(good_pyc(tmp_path)))
    data[:2] = (3379).to_bytes(2, "little")
    p = tmp_path / "old_bytecode.bin"
    p.write_bytes(bytes(data))
    with pytest.raises(BadMagicError):
        runpath_spec.run_path(str(p))

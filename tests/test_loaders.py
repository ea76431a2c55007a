"""runpath_spec._loaders: ``source_file_code`` is ``SourceFileLoader.get_code``.

``source_file_code`` takes two shortcuts (no pyc with bytecode writing off,
a valid timestamp pyc) and leaves every other case to the loader.  Each
scenario here is run both ways, on its own copy of the same files, and the
code (marshalled, so ``co_filename`` counts), the error and every file
left in ``__pycache__`` must be the same.
"""

import importlib.util
import marshal
import os
import shutil
import sys
import types
from importlib.machinery import SourceFileLoader, SourcelessFileLoader

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from runpath_spec import _files, _loaders
from runpath_spec._loaders import code_for_spec, prefill_cached, source_file_code

from conftest import compile_pyc

SOURCE = "x = 1\ndef f():\n    return x + {n}\n"

#: What the __pycache__ pyc of mod.py holds before the run.
PYC_STATES = ("none", "valid", "stale-mtime", "stale-size", "checked-hash",
              "unchecked-hash", "stale-checked-hash", "bad-magic",
              "bad-flags", "truncated", "corrupt-body", "not-code",
              "a-directory", "from-elsewhere")


def _build(root, state, n):
    """mod.py and its pyc in *state* under *root*; return mod.py's path."""
    os.makedirs(str(root))
    src = os.path.join(str(root), "mod.py")
    with open(src, "w") as f:
        f.write(SOURCE.format(n=n))
    os.utime(src, (1_600_000_000, 1_600_000_000 + n))  # the same every time
    pyc = importlib.util.cache_from_source(src)
    os.makedirs(os.path.dirname(pyc))
    if state == "none":
        return src
    if state == "a-directory":
        os.makedirs(pyc)
        return src
    if state == "from-elsewhere":
        # Compiled from a copy elsewhere: co_filename must be fixed up.
        other = os.path.join(str(root), "elsewhere.py")
        shutil.copyfile(src, other)
        st = os.stat(src)
        os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
        compile_pyc(other, pyc)
        return src
    mode = {"checked-hash": "CHECKED_HASH",
            "unchecked-hash": "UNCHECKED_HASH",
            "stale-checked-hash": "CHECKED_HASH"}.get(state)
    import py_compile
    compile_pyc(src, pyc, mode and getattr(py_compile.PycInvalidationMode,
                                           mode))
    with open(pyc, "rb") as f:
        data = bytearray(f.read())
    if state == "stale-mtime":
        data[8:12] = (int.from_bytes(data[8:12], "little") ^ 1).to_bytes(
            4, "little")
    elif state == "stale-size":
        data[12:16] = (int.from_bytes(data[12:16], "little") + 1).to_bytes(
            4, "little")
    elif state == "stale-checked-hash":
        data[8:16] = bytes(8)
    elif state == "bad-magic":
        data[0] ^= 0xFF
    elif state == "bad-flags":
        data[4] = 0b100
    elif state == "truncated":
        del data[10:]
    elif state == "corrupt-body":
        data[16:] = b"\xff\x00"
    elif state == "not-code":
        data[16:] = marshal.dumps(("not", "code"))
    with open(pyc, "wb") as f:
        f.write(bytes(data))
    return src


def _outcome(func, src):
    try:
        code = func(SourceFileLoader("mod", src), "mod")
    except Exception as exc:  # the error itself is compared
        result = ("error", type(exc), str(exc))
    else:
        result = ("ok", marshal.dumps(code), code.co_filename)
    cache = os.path.join(os.path.dirname(src), "__pycache__")
    files = {}
    for name in sorted(os.listdir(cache)):
        path = os.path.join(cache, name)
        if os.path.isdir(path):
            files[name] = "directory"
        else:
            with open(path, "rb") as f:
                files[name] = f.read()
    return result, files


def _both(root, state, n, dont_write):
    """(importlib's outcome, ours), each on a fresh build of the same files
    at the same place (so that paths and pyc headers are the same)."""
    old = sys.dont_write_bytecode
    sys.dont_write_bytecode = dont_write
    try:
        expected = _outcome(lambda loader, name: loader.get_code(name),
                            _build(root, state, n))
        shutil.rmtree(str(root))
        got = _outcome(source_file_code, _build(root, state, n))
    finally:
        sys.dont_write_bytecode = old
    return expected, got


@pytest.mark.parametrize("dont_write", [True, False],
                         ids=["dont_write_bytecode", "writes_bytecode"])
@pytest.mark.parametrize("state", PYC_STATES)
def test_source_file_code_is_get_code(state, dont_write, tmp_path):
    root = tmp_path / "pkg"
    expected, got = _both(root, state, 0, dont_write)
    assert got == expected
    if state in ("valid", "from-elsewhere"):
        assert got[0][2] == str(root / "mod.py")  # co_filename fixed up


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=st.sampled_from(PYC_STATES), n=st.integers(0, 10 ** 6),
       dont_write=st.booleans())
def test_generated_pyc_states_match_get_code(state, n, dont_write,
                                             tmp_path_factory):
    root = tmp_path_factory.mktemp("pyc") / "pkg"
    expected, got = _both(root, state, n, dont_write)
    assert got == expected


def _calls_to_get_code(func):
    """Run *func*; return how often importlib's own ``get_code`` ran."""
    own = SourceFileLoader.get_code.__code__
    calls = []

    def profiler(frame, event, arg):
        if event == "call" and frame.f_code is own:
            calls.append(frame)
    sys.setprofile(profiler)
    try:
        result = func()
    finally:
        sys.setprofile(None)
    return result, len(calls)


def test_the_fast_cases_do_not_ask_the_loader(tmp_path, monkeypatch):
    """No pyc (writing off) and a valid pyc are answered directly."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for state in ("none", "valid"):
        src = _build(tmp_path / state, state, 1)
        code, calls = _calls_to_get_code(
            lambda: source_file_code(SourceFileLoader("mod", src), "mod"))
        assert code.co_filename == src and calls == 0
        # ... while the loader itself, asked, does run get_code.
        assert _calls_to_get_code(
            lambda: SourceFileLoader("mod", src).get_code("mod"))[1] == 1


ASKED = []


class _Subclass(SourceFileLoader):
    def source_to_code(self, data, path, *args, **kwargs):
        ASKED.append("source_to_code")
        return super().source_to_code(data, path, *args, **kwargs)

    def get_code(self, fullname):
        ASKED.append("get_code")
        return super().get_code(fullname)


def _patched_source_to_code(self, data, path, *args, **kwargs):
    """What ``import hy`` does: patch the method on importlib's class."""
    ASKED.append("source_to_code")
    return compile(data, path, "exec")


def _patched_get_code(self, fullname):
    ASKED.append("get_code")
    return compile(self.get_data(self.path), self.path, "exec")


@pytest.mark.parametrize("method", ["source_to_code", "get_code"])
@pytest.mark.parametrize("how", ["subclass", "patched_class",
                                 "patched_instance"])
def test_a_patched_or_subclassed_loader_is_always_asked(how, method,
                                                        tmp_path,
                                                        monkeypatch):
    """The shortcut is taken only when the methods are importlib's own
    (Hy under -B patches SourceFileLoader.source_to_code: issue #14 item 1,
    #15 item 1)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    # No pyc: source_to_code is what importlib would call; a valid pyc:
    # get_code is (importlib compiles nothing then).
    src = _build(tmp_path / "t", "none" if method == "source_to_code"
                 else "valid", 1)
    patch = {"source_to_code": _patched_source_to_code,
             "get_code": _patched_get_code}[method]
    if how == "subclass":
        loader = _Subclass("mod", src)
    else:
        loader = SourceFileLoader("mod", src)
        if how == "patched_class":
            monkeypatch.setattr(SourceFileLoader, method, patch)
        else:
            setattr(loader, method, patch.__get__(loader))
    spec = importlib.util.spec_from_loader("mod", loader, origin=src)
    del ASKED[:]
    code = code_for_spec(spec)
    assert code.co_filename == src
    assert method in ASKED


def test_other_names_and_verbose_are_left_to_the_loader(tmp_path,
                                                        monkeypatch):
    src = _build(tmp_path / "a", "none", 1)
    loader = SourceFileLoader("mod", src)
    with pytest.raises(ImportError) as ours:
        source_file_code(loader, "other")
    with pytest.raises(ImportError) as theirs:
        loader.get_code("other")
    assert str(ours.value) == str(theirs.value)

    # Every field of the real sys.flags, verbose on: PyPy's compile() and
    # importlib read other fields (dev_mode, ...) while the stand-in is in.
    flags = types.SimpleNamespace(**{
        field: getattr(sys.flags, field) for field in dir(sys.flags)
        if not field.startswith("_")
        and not callable(getattr(sys.flags, field))})
    flags.verbose = 1
    calls = []
    monkeypatch.setattr(sys, "flags", flags)
    monkeypatch.setattr(SourceFileLoader, "get_code",
                        lambda self, name: calls.append(name) or "code")
    assert source_file_code(loader, "mod") == "code"
    assert calls == ["mod"]


def test_pycache_prefix_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "prefix"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    src = str(tmp_path / "mod.py")
    with open(src, "w") as f:
        f.write("y = 2\n")
    loader = SourceFileLoader("mod", src)
    first = source_file_code(loader, "mod")  # writes the pyc there
    pyc = importlib.util.cache_from_source(src)
    assert pyc.startswith(str(tmp_path / "prefix"))
    assert os.path.isfile(pyc)
    assert not os.path.exists(str(tmp_path / "__pycache__"))
    # ... and the next run takes it (the prefix is part of the memo key).
    monkeypatch.setattr(SourceFileLoader, "source_to_code",
                        lambda *a, **k: pytest.fail("compiled again"))
    again = source_file_code(loader, "mod")
    assert again == first and again.co_filename == first.co_filename
    monkeypatch.setattr(sys, "pycache_prefix", None)
    assert _files.pyc_path(src) == importlib.util.cache_from_source(src)


def test_code_for_spec_uses_it_for_plain_source_file_loaders(tmp_path,
                                                             monkeypatch):
    src = _build(tmp_path / "a", "none", 3)
    spec = importlib.util.spec_from_file_location("mod", src)
    seen = []
    monkeypatch.setattr(_loaders, "source_file_code",
                        lambda loader, name: seen.append(name) or "code")
    assert code_for_spec(spec) == "code"
    assert seen == ["mod"]

    class Subclass(SourceFileLoader):  # may override anything: not ours
        pass
    spec = importlib.util.spec_from_file_location("mod", src,
                                                  loader=Subclass("mod", src))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert code_for_spec(spec).co_filename == src
    assert seen == ["mod"]


# -- prefill_cached ------------------------------------------------------------

@pytest.mark.parametrize("origin", ["/somewhere/mod.py", "/somewhere/mod.pyc",
                                    "/somewhere/mod.so", "relative/mod.py",
                                    "/somewhere/mod"])
def test_prefill_cached_gives_what_the_property_computes(origin):
    lazy = importlib.util.spec_from_file_location(
        "mod", origin, loader=SourcelessFileLoader("mod", origin))
    filled = importlib.util.spec_from_file_location(
        "mod", origin, loader=SourcelessFileLoader("mod", origin))
    prefill_cached(filled)
    assert filled.cached == lazy.cached
    assert filled == lazy


def test_prefill_cached_keeps_a_value_someone_set():
    spec = importlib.util.spec_from_file_location(
        "mod", "/x/mod.py", loader=SourcelessFileLoader("mod", "/x/mod.py"))
    spec.cached = "/elsewhere/mod.pyc"
    prefill_cached(spec)
    assert spec.cached == "/elsewhere/mod.pyc"


def test_prefill_cached_leaves_specs_without_location_alone():
    from importlib.machinery import ModuleSpec
    spec = ModuleSpec("mod", None, origin="/x/mod.py")
    prefill_cached(spec)
    assert spec.cached is None

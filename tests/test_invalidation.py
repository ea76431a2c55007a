"""Caches are invalidated as importlib's are, and bad --hook/--loader
values are refused before anything is imported (issue #24, points 11-14).

* the in-memory bytecode cache (``cache=True`` where no pyc is written)
  tells file versions apart by inode and ctime too, and
  ``importlib.invalidate_caches()`` empties it;
* the directory/zip entry cache never reuses a finder made by path hooks
  that are no longer ``sys.path_hooks``;
* overlapping ``import_hooks=True`` runs in threads leave
  ``sys.path_importer_cache`` as they found it;
* the CLI checks every ``--loader`` suffix before importing anything, and
  reports a ``--hook`` that is not an install function or that exits.
"""

import importlib
import importlib.machinery
import os
import sys
import threading
import time

import pytest

import runpath_spec
from runpath_spec import _cache
from runpath_spec.__main__ import main as cli_main


# -- 11: the in-memory bytecode cache ----------------------------------------

@pytest.fixture
def memory_cached(tmp_path, monkeypatch):
    """A source file without a ``.py`` suffix: ``cache=True`` keeps its
    code in memory (import would never write a pyc for it)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _cache.clear_memory_cache()
    path = tmp_path / "prog"
    path.write_text("value = 'v1'\n")
    yield str(path)
    _cache.clear_memory_cache()


def _value(path):
    return runpath_spec.run_path(path, cache=True)["value"]


def _same_times_as(path, st):
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_file_replaced_at_the_same_size_and_mtime(memory_cached):
    """Another file (another inode) moved over the path, with the same
    size and mtime: its code runs, not the code kept for the old one."""
    assert _value(memory_cached) == "v1"
    st = os.stat(memory_cached)
    new = memory_cached + ".new"
    with open(new, "w") as f:
        f.write("value = 'v2'\n")
    _same_times_as(new, st)
    os.replace(new, memory_cached)
    after = os.stat(memory_cached)
    assert (after.st_mtime_ns, after.st_size) == (st.st_mtime_ns, st.st_size)
    assert after.st_ino != st.st_ino
    assert _value(memory_cached) == "v2"


def test_a_file_rewritten_in_place_keeping_its_mtime(memory_cached):
    """The same inode, rewritten and its mtime set back (as ``cp -p`` or
    an archive tool does): the ctime still moves, and the code is new."""
    assert _value(memory_cached) == "v1"
    st = os.stat(memory_cached)
    time.sleep(0.05)  # past the file system's timestamp granularity
    with open(memory_cached, "w") as f:
        f.write("value = 'v2'\n")
    _same_times_as(memory_cached, st)
    after = os.stat(memory_cached)
    if after.st_ctime_ns == st.st_ctime_ns:  # pragma: no cover
        pytest.skip("this file system did not change the ctime")
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        st.st_ino, st.st_mtime_ns, st.st_size)
    assert _value(memory_cached) == "v2"


def _code(path):
    spec = runpath_spec.spec_from_path(path, cache=True)
    return spec.loader.get_code("__main__")


def test_invalidate_caches_empties_the_memory_cache(memory_cached):
    first = _code(memory_cached)
    assert _code(memory_cached) is first  # kept: the cache works
    importlib.invalidate_caches()
    assert _code(memory_cached) is not first  # compiled afresh


# -- 12: the entry cache and sys.path_hooks ----------------------------------

@pytest.fixture
def xpy_directory(tmp_path, monkeypatch):
    """A directory whose only ``__main__`` is ``__main__.xpy``, and a
    function that adds a FileFinder hook taking ``.xpy`` as source."""
    monkeypatch.setattr(sys, "path_hooks", list(sys.path_hooks))
    monkeypatch.setattr(sys, "path_importer_cache",
                        dict(sys.path_importer_cache))
    app = tmp_path / "app"
    app.mkdir()
    (app / "__main__.xpy").write_text("value = 'xpy'\n")
    hook = importlib.machinery.FileFinder.path_hook(
        (importlib.machinery.SourceFileLoader, [".xpy"]))
    return str(app), hook


def test_a_hook_added_after_a_run_is_used(xpy_directory):
    import runpy
    app, hook = xpy_directory
    with pytest.raises(ImportError):
        runpath_spec.run_path(app)  # no __main__ these hooks can see
    sys.path_hooks.insert(0, hook)
    assert runpy.run_path(app)["value"] == "xpy"
    assert runpath_spec.run_path(app)["value"] == "xpy"


def test_a_hook_removed_after_a_run_is_not_used(xpy_directory):
    import runpy
    app, hook = xpy_directory
    sys.path_hooks.insert(0, hook)
    assert runpath_spec.run_path(app)["value"] == "xpy"
    sys.path_hooks.remove(hook)
    sys.path_importer_cache.clear()  # runpy's PathFinder would reuse it
    with pytest.raises(ImportError):
        runpy.run_path(app)
    with pytest.raises(ImportError):
        runpath_spec.run_path(app)


def test_the_entry_cache_is_kept_while_the_hooks_are(xpy_directory):
    """(The cache still works: the same finder serves a second run.)"""
    from runpath_spec._entries import ENTRIES
    app, hook = xpy_directory
    sys.path_hooks.insert(0, hook)
    runpath_spec.run_path(app)
    finders = [entry.finder for entry in ENTRIES._entries.values()]
    runpath_spec.run_path(app)
    assert [entry.finder for entry in ENTRIES._entries.values()] == finders


# -- 13: overlapping import_hooks=True runs ----------------------------------

def test_overlapping_hooked_runs_leave_the_importer_cache(tmp_path):
    """Thread A lends the one-file path entry, thread B lends it too, A
    ends first, then B: the cache ends as it began (before, B put back
    the entry A had lent, and it stayed for good)."""
    script = tmp_path / "prog.py"
    script.write_text("value = 1\n")
    key = str(script) + os.sep
    a_in, b_in, a_done = (threading.Event() for _ in range(3))
    errors = []

    class Gate:
        """A meta-path finder that holds each thread inside the ask."""

        @staticmethod
        def find_spec(fullname, path=None, target=None):
            if not path or path[0] != key:
                return None
            if threading.current_thread().name == "A":
                a_in.set()
                b_in.wait(10)
            else:
                b_in.set()
                a_done.wait(10)
            return None

    def run(name):
        try:
            spec = runpath_spec.spec_from_path(str(script), "__main__",
                                               import_hooks=True)
            assert spec.origin == str(script)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            if name == "A":
                a_done.set()

    before = dict(sys.path_importer_cache)
    sys.meta_path.insert(0, Gate)
    try:
        a = threading.Thread(target=run, args=("A",), name="A")
        b = threading.Thread(target=run, args=("B",), name="B")
        a.start()
        assert a_in.wait(10)
        b.start()
        a.join(20)
        b.join(20)
    finally:
        sys.meta_path.remove(Gate)
    assert not errors
    assert b_in.is_set()  # they did overlap
    assert key not in sys.path_importer_cache
    # (PathFinder caches the script's directory, as any import from it.)
    assert set(sys.path_importer_cache) - set(before) <= {str(tmp_path)}


def test_a_hooked_run_leaves_the_importer_cache(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("value = 1\n")
    before = dict(sys.path_importer_cache)
    runpath_spec.spec_from_path(str(script), "__main__", import_hooks=True)
    after = dict(sys.path_importer_cache)
    after.pop(str(tmp_path), None)  # as any import from there would
    assert after == before


# -- 14: --hook and --loader values ------------------------------------------

@pytest.fixture
def marker_module(tmp_path, monkeypatch):
    """A module that records being imported (in sys.modules: it must not
    be there after a refused value)."""
    name = "rps_invalidation_marker"
    (tmp_path / (name + ".py")).write_text(
        "import importlib.machinery\n"
        "class Loader(importlib.machinery.SourceFileLoader):\n"
        "    pass\n"
        "def install():\n"
        "    return None\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


@pytest.mark.parametrize("args", [
    ["--loader", ".=MARK:Loader"],
    ["--hook", "MARK:install", "--loader", ".=MARK:Loader"],
    ["--loader", ".ok=MARK:Loader", "--loader=.=MARK:Loader"],
])
def test_a_bad_loader_suffix_is_refused_before_any_import(
        args, marker_module, tmp_path, capsys):
    target = tmp_path / "prog.py"
    target.write_text("print('RAN')\n")
    args = [a.replace("MARK", marker_module) for a in args]
    assert cli_main(args + [str(target)]) == 2
    out, err = capsys.readouterr()
    assert marker_module not in sys.modules  # nothing was imported
    assert "RAN" not in out
    assert "--loader '.=" in err and "expected suffixes like '.hy', got '.'" \
        in err, err


@pytest.mark.parametrize("value", ["a b", "mod:", "mod:1x", ".rel", "m..n"])
def test_a_malformed_hook_is_refused_before_any_import(value, tmp_path,
                                                        capsys):
    target = tmp_path / "prog.py"
    target.write_text("print('RAN')\n")
    assert cli_main(["--hook", value, str(target)]) == 2
    err = capsys.readouterr().err
    assert "--hook expects MOD or MOD:FUNC, got {!r}".format(value) in err


def test_a_hook_that_exits_is_reported(tmp_path, capsys):
    target = tmp_path / "prog.py"
    target.write_text("print('RAN')\n")
    assert cli_main(["--hook", "sys:exit", str(target)]) == 2
    out, err = capsys.readouterr()
    assert "RAN" not in out
    assert "cannot install --hook 'sys:exit': it exited (SystemExit: None), " \
        "expected it to install an import hook and return" in err, err


def test_a_hook_that_is_not_callable_is_reported(tmp_path, capsys):
    target = tmp_path / "prog.py"
    target.write_text("print('RAN')\n")
    assert cli_main(["--hook", "os:sep", str(target)]) == 2
    out, err = capsys.readouterr()
    assert "RAN" not in out
    assert "cannot install --hook 'os:sep': expected a function that " \
        "installs an import hook, found {!r}".format(os.sep) in err, err

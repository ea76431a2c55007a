"""Targets -> specs: every kind of path and module, nothing executed."""

import importlib.machinery
import os
import sys
import threading
import zipimport

import pytest

import runpath_spec
from runpath_spec import (BytecodeScriptLoader, MainNotFoundError,
                          SourceScriptLoader, spec_from_module,
                          spec_from_path)

from conftest import PATH_KINDS, make_path_target, make_zip

EXPECTED_LOADER = {
    "script": SourceScriptLoader,
    "suffixless": SourceScriptLoader,
    "pyc": BytecodeScriptLoader,
    "pyc_named_source": SourceScriptLoader,
    "directory": importlib.machinery.SourceFileLoader,
    "directory_pyc": importlib.machinery.SourcelessFileLoader,
    "zip": zipimport.zipimporter,
    "pyz": zipimport.zipimporter,
    "zip_subdir": zipimport.zipimporter,
    "zip_pyc": zipimport.zipimporter,
}


@pytest.mark.parametrize("kind", PATH_KINDS)
def test_spec_from_path_kinds(kind, path_target, sys_snapshot):
    path = path_target(kind)
    spec = spec_from_path(path)
    sys_snapshot()
    assert isinstance(spec, importlib.machinery.ModuleSpec)
    assert isinstance(spec.loader, EXPECTED_LOADER[kind])
    assert spec.name == "__main__"
    assert spec.has_location
    assert os.path.isabs(spec.origin)  # every target here has an absolute path
    if kind in ("script", "suffixless", "pyc", "pyc_named_source"):
        assert spec.origin == os.path.abspath(path)
        assert spec.loader_state.given == path
        assert spec.loader_state.kind == ("bytecode" if kind == "pyc"
                                          else "source")
    else:
        assert spec.origin.startswith(path)
        assert os.path.basename(spec.origin).startswith("__main__.py")
    code = spec.loader.get_code(spec.name)
    assert "seen_argv0" in code.co_names


def test_spec_from_path_name_and_isinstance(path_target):
    spec = spec_from_path(path_target("script"), name="custom")
    assert spec.name == "custom" and spec.loader.name == "custom"
    assert isinstance(spec.loader, importlib.machinery.SourceFileLoader)
    pyc = spec_from_path(path_target("pyc"))
    assert isinstance(pyc.loader, importlib.machinery.SourcelessFileLoader)
    assert pyc.cached == pyc.origin


def test_magic_number_decides_not_the_suffix(tmp_path, path_target):
    pyc = path_target("pyc")
    disguised = tmp_path / "really_bytecode.txt"
    with open(pyc, "rb") as f:
        disguised.write_bytes(f.read())
    assert isinstance(spec_from_path(str(disguised)).loader,
                      BytecodeScriptLoader)
    assert isinstance(spec_from_path(path_target("pyc_named_source")).loader,
                      SourceScriptLoader)


def test_zip_with_any_suffix_and_a_shebang_prefix(tmp_path):
    z = make_zip(str(tmp_path / "app.bin"), {"__main__.py": "x = 1\n"},
                 prefix=b"#!/usr/bin/env python3\n")
    spec = spec_from_path(z)
    assert isinstance(spec.loader, zipimport.zipimporter)
    assert runpath_spec.run_path(z)["x"] == 1


def test_large_non_zip_file_is_a_script(tmp_path):
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" + "# padding\n" * 20000)
    assert isinstance(spec_from_path(str(big)).loader, SourceScriptLoader)


def test_script_mentioning_zip_signature_is_still_a_script(tmp_path):
    s = tmp_path / "tricky.py"
    s.write_bytes(b"x = b'PK\\x05\\x06'\ny = 'PK\x05\x06'\n")
    assert runpath_spec.run_path(str(s))["y"] == "PK\x05\x06"


def test_file_is_read_exactly_once_through_open_code(path_target,
                                                     open_code_calls):
    opened = open_code_calls
    for kind in ("script", "pyc"):
        del opened[:]
        path = path_target(kind)
        runpath_spec.run_path(path)
        assert opened == [path], kind


def test_nothing_is_written(path_target, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = path_target("script")
    runpath_spec.run_path(path)
    spec_from_path(path).loader.get_code("__main__")
    assert not (tmp_path / "__pycache__").exists()


def _fifo_feeder(path, data):
    def feed():
        with open(path, "wb") as f:
            f.write(data)
    thread = threading.Thread(target=feed)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_is_read_once_and_runs(tmp_path):
    fifo = str(tmp_path / "fifo")
    os.mkfifo(fifo)
    thread = _fifo_feeder(fifo, b"import sys\nresult = 6 * 7\n")
    g = runpath_spec.run_path(fifo)
    thread.join(10)
    assert g["result"] == 42
    assert g["__file__"] == fifo


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="needs /dev/fd")
def test_dev_fd_pipe_runs_like_python_process_substitution():
    r, w = os.pipe()
    os.write(w, b"value = 'from a pipe'\n")
    os.close(w)
    try:
        g = runpath_spec.run_path("/dev/fd/%d" % r)
    finally:
        os.close(r)
    assert g["value"] == "from a pipe"


def test_entry_lookup_uses_only_that_entry(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "__main__.py").write_text("")
    monkeypatch.syspath_prepend(str(elsewhere))
    for entry in (tmp_path / "empty",):
        entry.mkdir()
        with pytest.raises(MainNotFoundError):
            spec_from_path(str(entry))
    nomain = make_zip(str(tmp_path / "n.zip"), {"other.py": ""})
    with pytest.raises(MainNotFoundError) as info:
        spec_from_path(nomain)
    assert "can't find '__main__' module in %r" % nomain == str(info.value)


def test_main_package_in_entry_is_refused(tmp_path):
    (tmp_path / "d" / "__main__").mkdir(parents=True)
    (tmp_path / "d" / "__main__" / "__init__.py").write_text("")
    with pytest.raises(MainNotFoundError) as info:
        spec_from_path(str(tmp_path / "d"))
    assert "is a package, expected a module" in str(info.value)


def test_custom_path_hook_is_used_for_entries(tmp_path, monkeypatch):
    seen = []
    file_finder_hook = importlib.machinery.FileFinder.path_hook(
        (importlib.machinery.SourceFileLoader, [".py"]))

    def hook(path):
        seen.append(path)
        return file_finder_hook(path)
    monkeypatch.setattr(sys, "path_hooks", [hook] + sys.path_hooks)
    d = make_path_target("directory", tmp_path, "x = 1\n")
    assert spec_from_path(d).origin == os.path.join(d, "__main__.py")
    assert seen == [d]
    script = make_path_target("script", tmp_path, "x = 2\n")
    assert isinstance(spec_from_path(script).loader, SourceScriptLoader)


def test_directory_no_hook_accepts(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path_hooks", [])
    with pytest.raises(IsADirectoryError) as info:
        spec_from_path(str(tmp_path))
    assert info.value.filename == str(tmp_path)


def test_spec_from_module(module_tree, sys_snapshot):
    spec = spec_from_module(module_tree + ".mod")
    assert spec.name == module_tree + ".mod"
    assert spec.origin.endswith("mod.py")
    pkg = spec_from_module(module_tree)
    assert pkg.name == module_tree + ".__main__"
    sys_snapshot(ignore_modules={module_tree})


@pytest.mark.parametrize("name, message, exc_name", [
    ("", "Error while finding module specification for ''", ""),
    (".rel", "Relative module names not supported", ".rel"),
    ("{top}.ns", "is a namespace package and cannot be directly executed",
     "{top}.ns"),
    ("sys", "No code object available for sys: it is a built-in module",
     "sys"),
    ("_csv", "it is an extension module", "_csv"),
    ("{top}.nomain", "is a package and cannot be directly executed",
     "{top}.nomain"),
    ("{top}.nosuch", "No module named {top}.nosuch", "{top}.nosuch"),
])
def test_spec_from_module_errors(name, message, exc_name, module_tree):
    name = name.format(top=module_tree)
    import _csv
    if name == "_csv" and not hasattr(_csv, "__file__"):
        pytest.skip("_csv is built in on this interpreter")
    with pytest.raises(runpath_spec.RunpathError) as info:
        spec_from_module(name)
    assert message.format(top=module_tree) in str(info.value)
    assert info.value.name == exc_name.format(top=module_tree)


# -- the entry cache: a repeated run of a directory or zip ------------------------

ENTRY_KINDS = ("directory", "directory_pyc", "zip", "pyz", "zip_subdir",
               "zip_pyc")


def _describe(spec):
    loader = spec.loader
    if isinstance(loader, zipimport.zipimporter):  # equal only to itself
        loader_fields = (loader.archive, loader.prefix)
    else:
        loader_fields = vars(loader)
    return (spec.name, spec.origin, spec.cached, spec.parent,
            spec.has_location, spec.submodule_search_locations,
            type(loader), loader_fields)


@pytest.mark.parametrize("kind", ENTRY_KINDS)
def test_repeated_entry_specs_equal_the_finders_own(kind, path_target):
    """The remembered __main__ gives the very spec the entry's finder gives."""
    from runpath_spec._entries import entry_finder, main_spec
    target = path_target(kind, "x = 1\n")
    specs = [spec_from_path(target) for _ in range(3)]
    fresh = main_spec(entry_finder(target), target)  # a new finder
    for spec in specs:
        assert _describe(spec) == _describe(fresh)
    if not isinstance(fresh.loader, zipimport.zipimporter):
        assert specs[-1] == fresh


def test_directory_main_changed_between_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    d = tmp_path / "app"
    d.mkdir()
    (d / "__main__.py").write_text("value = 1\n")
    assert runpath_spec.run_path(str(d))["value"] == 1
    (d / "__main__.py").write_text("value = 2\n")  # same file, new text
    assert runpath_spec.run_path(str(d))["value"] == 2
    (d / "__main__.py").unlink()  # now only bytecode
    src = tmp_path / "elsewhere.py"
    src.write_text("value = 3\n")
    from conftest import compile_pyc
    compile_pyc(str(src), str(d / "__main__.pyc"))
    spec = spec_from_path(str(d))
    assert type(spec.loader) is importlib.machinery.SourcelessFileLoader
    assert runpath_spec.run_path(str(d))["value"] == 3
    (d / "__main__.pyc").unlink()
    (d / "__main__").mkdir()  # a package: refused, as the first time
    (d / "__main__" / "__init__.py").write_text("")
    with pytest.raises(MainNotFoundError, match="is a package"):
        spec_from_path(str(d))


def test_directory_main_replaced_by_a_directory_in_place(tmp_path,
                                                        monkeypatch):
    """The remembered file is checked on every run, as FileFinder checks it,
    even if the directory's own mtime did not move."""
    d = tmp_path / "app"
    d.mkdir()
    main = d / "__main__.py"
    main.write_text("value = 1\n")
    spec_from_path(str(d))
    st = os.stat(str(d))
    main.unlink()
    main.mkdir()  # __main__.py is now a directory
    os.utime(str(d), ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(MainNotFoundError):
        spec_from_path(str(d))


def test_zip_main_is_compiled_once_per_run(tmp_path, monkeypatch):
    """zipimporter compiles __main__ to name its file, then again for its
    code (as runpy does); a repeated run compiles it once."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    z = make_zip(str(tmp_path / "app.zip"), {"__main__.py": "value = 7\n"})
    compiled = []
    real = zipimport._compile_source
    monkeypatch.setattr(zipimport, "_compile_source",
                        lambda *a: compiled.append(a[0]) or real(*a))
    assert runpath_spec.run_path(z)["value"] == 7
    first = len(compiled)
    assert first >= 1
    del compiled[:]
    for _ in range(3):
        assert runpath_spec.run_path(z)["value"] == 7
    assert len(compiled) == 3
    make_zip(z, {"__main__.py": "value = 8\n", "pad.py": ""})  # changed
    assert runpath_spec.run_path(z)["value"] == 8


def test_entry_cache_is_not_used_with_custom_path_hooks(tmp_path,
                                                       monkeypatch):
    d = make_path_target("directory", tmp_path, "x = 1\n")
    spec_from_path(d)  # remembered
    seen = []
    file_finder_hook = importlib.machinery.FileFinder.path_hook(
        (importlib.machinery.SourceFileLoader, [".py"]))
    monkeypatch.setattr(sys, "path_hooks", [
        lambda path: seen.append(path) or file_finder_hook(path)])
    spec_from_path(d)
    assert seen == [d]


def test_zip_main_compile_warning_once_from_the_second_run(tmp_path,
                                                         monkeypatch):
    """docs/runpy-differences.rst: runpy issues it twice per run; so does
    runpath_spec's first run of an archive, later runs once."""
    import runpy
    import warnings
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    z = make_zip(str(tmp_path / "w.zip"), {"__main__.py": "x = 1 is 1\n"})

    def warnings_of(run):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run(z)
        return [w for w in caught if w.category is SyntaxWarning]
    monkeypatch.setattr(sys, "path_importer_cache",
                        dict(sys.path_importer_cache))
    # Twice up to 3.14 (zipimporter compiles __main__ to name its file),
    # once from 3.15.
    twice = sys.version_info < (3, 15)
    assert len(warnings_of(runpy.run_path)) == (2 if twice else 1)
    assert len(warnings_of(runpath_spec.run_path)) == (2 if twice else 1)
    assert len(warnings_of(runpath_spec.run_path)) == 1


# -- caches importlib can reach (issue #17) -----------------------------------

def test_invalidate_caches_clears_the_entry_cache(path_target):
    import importlib
    from runpath_spec._entries import ENTRIES
    target = path_target("directory", "x = 1\n")
    runpath_spec.run_path(target)
    first = [entry.finder for entry in ENTRIES._entries.values()]
    assert first
    importlib.invalidate_caches()
    runpath_spec.run_path(target)
    assert not {id(e.finder) for e in ENTRIES._entries.values()} & set(
        map(id, first))


def test_the_entry_cache_is_not_on_meta_path(path_target):
    from runpath_spec import _cpython
    meta_path = list(sys.meta_path)
    runpath_spec.run_path(path_target("directory", "x = 1\n"))
    runpath_spec.run_path(path_target("directory", "x = 1\n"))
    added = [f for f in sys.meta_path if f not in meta_path]
    # 3.8 has no invalidation counter: a finder that finds nothing listens.
    listener = getattr(_cpython, "_InvalidationListener", None)
    assert added in ([], [listener] if sys.version_info < (3, 9) else [])
    assert [f for f in meta_path if f not in sys.meta_path] == []


@pytest.mark.parametrize("api", ["runpath_spec", "runpath_spec twice"])
def test_a_zip_rewritten_at_the_same_size_and_mtime(api, tmp_path):
    """Other members at other offsets, the same size and mtime: the new
    archive's __main__ runs, never bytes at the old offsets."""
    z = str(tmp_path / "app.zip")
    first = {"__main__.py": "v = 'A'\n", "pad.py": "w = 1\n"}
    second = {"pad.py": "w = 1\n", "__main__.py": "v = 'B'\n"}
    make_zip(z, first)
    st = os.stat(z)
    assert runpath_spec.run_path(z)["v"] == "A"
    if api == "runpath_spec twice":
        assert runpath_spec.run_path(z)["v"] == "A"
    make_zip(z, second)
    os.utime(z, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(z).st_size == st.st_size
    assert runpath_spec.run_path(z)["v"] == "B"

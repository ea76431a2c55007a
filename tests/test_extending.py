"""Extension points: import hooks reach the main script; custom loaders."""

import importlib.machinery
import json
import os
import subprocess
import sys
import textwrap
import warnings
import zipimport

import pytest

import runpath_spec
from runpath_spec import (ImportHookWarning, register_loader,
                          spec_from_path, unregister_loader)
from runpath_spec import _plugins
from runpath_spec.notebook import NotebookLoader, NotebookMagicWarning

from conftest import compile_pyc, make_path_target, make_scratch_venv

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(
    runpath_spec.__file__)))
BODY = "value = 'ORIGINAL'\n"
USED = []


class RewritingLoader(importlib.machinery.SourceFileLoader):
    """A source-transforming loader, as assertion rewriters and Hy have."""

    def source_to_code(self, data, path, *args, **kwargs):
        # *args, **kwargs: 3.15 passes the module name too.
        USED.append(path)
        return super().source_to_code(
            data.replace(b"ORIGINAL", b"REWRITTEN"), path, *args, **kwargs)


class RecordingSourcelessLoader(importlib.machinery.SourcelessFileLoader):
    def get_code(self, fullname):
        USED.append(self.path)
        code = super().get_code(fullname)
        return code.replace(co_consts=tuple(
            "REWRITTEN" if c == "ORIGINAL" else c for c in code.co_consts))


class RewritingZipLoader:
    """Wraps a zipimporter, rewriting the source it holds."""

    def __init__(self, inner):
        self.inner = inner

    def create_module(self, spec):
        return None

    def exec_module(self, module):  # pragma: no cover - not used by runs
        exec(self.get_code(module.__name__), module.__dict__)

    def get_code(self, fullname):
        USED.append(fullname)
        source = self.inner.get_source(fullname)
        return compile(source.replace("ORIGINAL", "REWRITTEN"),
                       self.inner.get_filename(fullname), "exec")


class RewritingMetaFinder:
    """typeguard's shape: wrap PathFinder's spec and swap its loader."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None:
            return None
        if type(spec.loader) is importlib.machinery.SourceFileLoader:
            spec.loader = RewritingLoader(spec.loader.name, spec.loader.path)
        elif type(spec.loader) is importlib.machinery.SourcelessFileLoader:
            spec.loader = RecordingSourcelessLoader(spec.loader.name,
                                                    spec.loader.path)
        elif isinstance(spec.loader, zipimport.zipimporter):
            spec.loader = RewritingZipLoader(spec.loader)
        return spec


@pytest.fixture
def meta_hook(monkeypatch):
    del USED[:]
    monkeypatch.setattr(sys, "meta_path", [RewritingMetaFinder] + sys.meta_path)
    monkeypatch.setattr(sys, "path_importer_cache",
                        dict(sys.path_importer_cache))


@pytest.fixture
def path_hook(monkeypatch):
    del USED[:]
    hook = importlib.machinery.FileFinder.path_hook(
        (RewritingLoader, [".py"]))
    monkeypatch.setattr(sys, "path_hooks", [hook] + sys.path_hooks)
    monkeypatch.setattr(sys, "path_importer_cache", {})


def _pyc_target(tmp_path):
    src = tmp_path / "src" / "target.py"
    src.parent.mkdir()
    src.write_text(BODY)
    return compile_pyc(str(src), str(tmp_path / "target.pyc"))


HOOK_KINDS = ["script", "pyc", "directory", "zip"]


def _target(kind, tmp_path):
    if kind == "pyc":
        return _pyc_target(tmp_path)
    return make_path_target(kind, tmp_path, BODY)


@pytest.mark.parametrize("kind", HOOK_KINDS)
def test_meta_path_hook_reaches_the_target_only_when_asked(kind, tmp_path,
                                                           meta_hook):
    target = _target(kind, tmp_path)
    assert runpath_spec.run_path(target)["value"] == "ORIGINAL"
    assert USED == []
    g = runpath_spec.run_path(target, import_hooks=True)
    assert g["value"] == "REWRITTEN"
    assert USED


@pytest.mark.parametrize("kind", ["script", "directory"])
def test_path_hook_reaches_the_target(kind, tmp_path, path_hook):
    target = _target(kind, tmp_path)
    g = runpath_spec.run_path(target, import_hooks=True)
    assert g["value"] == "REWRITTEN"
    if kind == "script":
        assert runpath_spec.run_path(target)["value"] == "ORIGINAL"
    else:  # an entry's __main__ always comes from sys.path_hooks, as in runpy
        assert runpath_spec.run_path(target)["value"] == "REWRITTEN"


def test_hooked_spec_in_each_profile(tmp_path, meta_hook):
    target = _target("script", tmp_path)
    # The naming rule: asked first under the run name ("__main__" here), so
    # the spec and its loader are named as the code runs...
    spec = spec_from_path(target, import_hooks=True)
    assert isinstance(spec.loader, RewritingLoader) and spec.name == "__main__"
    assert spec.loader.name == "__main__"
    # ...and under the file's own name when the run name is not a module
    # name (run_path's "<run_path>").
    assert spec_from_path(target, "<run_path>", import_hooks=True).name == \
        "target"
    runpy_g = runpath_spec.run_path(target, import_hooks=True)
    assert runpy_g["__spec__"] is None and runpy_g["__loader__"] is None
    python_g = runpath_spec.run_path(target, import_hooks=True,
                                     profile="python", run_name="__main__")
    assert isinstance(python_g["__loader__"], RewritingLoader)
    assert python_g["__spec__"] is None
    spec_g = runpath_spec.run_path(target, import_hooks=True, profile="spec",
                                   run_name="__main__")
    assert spec_g["__spec__"].loader is spec_g["__loader__"]
    assert spec_g["__name__"] == "__main__"
    assert spec_g["__spec__"].name == "__main__"
    assert spec_g["value"] == "REWRITTEN"


def test_no_finder_claims_a_suffixless_script(tmp_path, meta_hook):
    target = make_path_target("suffixless", tmp_path, BODY)
    with pytest.warns(ImportHookWarning) as record:
        g = runpath_spec.run_path(target, import_hooks=True)
    assert g["value"] == "ORIGINAL"
    assert "no finder claims it" in str(record[0].message)
    assert repr(os.path.abspath(target)) in str(record[0].message)


def test_a_module_elsewhere_is_not_taken_for_the_file(tmp_path, monkeypatch):
    class Elsewhere:
        @staticmethod
        def find_spec(fullname, path=None, target=None):
            return importlib.util.spec_from_file_location(
                fullname, "/elsewhere/%s.py" % fullname)
    import importlib.util
    monkeypatch.setattr(sys, "meta_path", [Elsewhere] + sys.meta_path)
    target = tmp_path / "shadowed.py"
    target.write_text(BODY)
    with pytest.warns(ImportHookWarning, match="finds 'shadowed' at "
                                               "'/elsewhere/shadowed.py'"):
        g = runpath_spec.run_path(str(target), import_hooks=True)
    assert g["value"] == "ORIGINAL"


def test_run_main_and_cli_import_hooks(tmp_path):
    hook_dir = tmp_path / "hooks"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(textwrap.dedent('''
        import importlib.machinery, sys
        class L(importlib.machinery.SourceFileLoader):
            def source_to_code(self, data, path, *args, **kwargs):
                return super().source_to_code(
                    data.replace(b"ORIGINAL", b"REWRITTEN"), path, *args,
                    **kwargs)
        sys.path_hooks.insert(0, importlib.machinery.FileFinder.path_hook(
            (L, [".py"])))
        sys.path_importer_cache.clear()
    '''))
    (tmp_path / "t.py").write_text("value = 'ORIGINAL'\nprint(value)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(hook_dir),
                                                       PROJECT]))
    for args, expected in ((["t.py"], "ORIGINAL"),
                           (["--import-hooks", "t.py"], "REWRITTEN")):
        out = subprocess.run([sys.executable, "-m", "runpath_spec"] + args,
                             cwd=str(tmp_path), env=env, check=True,
                             stdout=subprocess.PIPE, universal_newlines=True)
        assert out.stdout.strip() == expected


# -- registered and per-call loaders ----------------------------------------------

class LoaderA(RewritingLoader):
    pass


class LoaderB(importlib.machinery.SourceFileLoader):
    pass


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(_plugins, "_registered", {})


def _file(tmp_path, name, text=BODY):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_registered_loader_is_used(tmp_path, clean_registry):
    path = _file(tmp_path, "script.rw")
    assert runpath_spec.run_path(path)["value"] == "ORIGINAL"
    register_loader(LoaderA, ".rw")
    spec = spec_from_path(path)
    assert type(spec.loader) is LoaderA and spec.origin == path
    assert runpath_spec.run_path(path)["value"] == "REWRITTEN"
    assert runpath_spec.run_main(path)["value"] == "REWRITTEN"
    unregister_loader(LoaderA)
    assert runpath_spec.run_path(path)["value"] == "ORIGINAL"


def test_precedence(tmp_path, clean_registry):
    path = _file(tmp_path, "x.data.rw")
    register_loader(LoaderA, [".rw"])
    register_loader(LoaderB, ".rw")  # the later registration wins
    assert type(spec_from_path(path).loader) is LoaderB
    register_loader(LoaderA, ".data.rw")  # the longest suffix wins
    assert type(spec_from_path(path).loader) is LoaderA
    per_call = [(LoaderB, ".data.rw")]  # per call beats registered
    assert type(spec_from_path(path, loaders=per_call).loader) is LoaderB
    assert runpath_spec.run_path(path, loaders=per_call)["value"] == "ORIGINAL"
    unregister_loader(LoaderA, ".data.rw")
    assert type(spec_from_path(path).loader) is LoaderB


def test_registration_errors(clean_registry):
    with pytest.raises(ValueError, match="expected suffixes like '.hy', "
                                         "got 'rw'"):
        register_loader(LoaderA, "rw")
    with pytest.raises(ValueError, match="at least one suffix"):
        register_loader(LoaderA, [])
    with pytest.raises(TypeError, match="expected a loader class"):
        register_loader("nope", ".rw")
    with pytest.raises(LookupError, match="is not registered"):
        unregister_loader(LoaderA)
    register_loader(LoaderA, ".rw")
    with pytest.raises(LookupError):
        unregister_loader(LoaderA, [".rw", ".other"])


def test_a_directory_with_a_registered_suffix_is_still_an_entry(
        tmp_path, clean_registry):
    d = tmp_path / "app.rw"
    d.mkdir()
    (d / "__main__.py").write_text(BODY)
    register_loader(LoaderA, ".rw")
    assert runpath_spec.run_path(str(d))["value"] == "ORIGINAL"


def test_entry_point_plugin_in_a_scratch_venv(tmp_path):
    python = make_scratch_venv(tmp_path / "venv", files={
        "tinyplug.py": textwrap.dedent('''
            import importlib.machinery
            class TinyLoader(importlib.machinery.SourceFileLoader):
                def source_to_code(self, data, path, *args, **kwargs):
                    return compile("print('tiny says', %r)" % data.decode()
                                   .strip(), path, "exec")
        '''),
        "tinyplug-0.1.dist-info/METADATA":
            "Metadata-Version: 2.1\nName: tinyplug\nVersion: 0.1\n",
        "tinyplug-0.1.dist-info/entry_points.txt":
            "[runpath_spec.loaders]\ntiny = tinyplug:TinyLoader\n",
    })
    (tmp_path / "hello.tiny").write_text("hello there\n")
    out = subprocess.run([python, "-m", "runpath_spec", "hello.tiny"],
                         cwd=str(tmp_path), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "tiny says hello there"
    # Importing runpath_spec scans no entry points.
    probe = ("import sys; before = 'importlib.metadata' in sys.modules\n"
             "import runpath_spec\n"
             "print(before, 'importlib.metadata' in sys.modules)")
    out = subprocess.run([python, "-c", probe], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True)
    before, after = out.stdout.split()
    assert after == before


def test_a_plugin_that_registers_itself_when_imported(tmp_path):
    """A common pattern: the plug-in module calls register_loader at import.
    It deadlocked: the entry point was loaded under register_loader's
    lock.  (The timeout only keeps a deadlock from hanging the suite.)"""
    python = make_scratch_venv(tmp_path / "venv", files={
        "selfplug.py": textwrap.dedent('''
            import importlib.machinery
            import runpath_spec
            class SelfLoader(importlib.machinery.SourceFileLoader):
                def source_to_code(self, data, path, *args, **kwargs):
                    return compile("print('self says', %r)" % data.decode()
                                   .strip(), path, "exec")
            runpath_spec.register_loader(SelfLoader, [".selfreg", ".other"])
        '''),
        "selfplug-0.1.dist-info/METADATA":
            "Metadata-Version: 2.1\nName: selfplug\nVersion: 0.1\n",
        "selfplug-0.1.dist-info/entry_points.txt":
            "[runpath_spec.loaders]\nselfreg = selfplug:SelfLoader\n",
    })
    (tmp_path / "hello.selfreg").write_text("hello\n")
    (tmp_path / "again.other").write_text("again\n")
    code = ("import runpath_spec\n"
            "runpath_spec.run_path('hello.selfreg')\n"
            "runpath_spec.run_path('again.other')\n")
    try:
        out = subprocess.run([python, "-c", code], cwd=str(tmp_path),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, timeout=120)
    except subprocess.TimeoutExpired:  # pragma: no cover - the defect
        pytest.fail("the first run of the plug-in's suffix deadlocked")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["self says hello", "self says again"]


class _FakeEntryPoint:
    """What importlib.metadata gives, for a plug-in loaded in this process."""

    def __init__(self, name, load):
        self.name = name
        self.load = load


@pytest.fixture
def fake_entry_points(monkeypatch, clean_registry):
    """Install {suffix: load()} as the scanned entry points."""
    def install(loads):
        monkeypatch.setattr(_plugins, "_entry_points", {
            suffix: _FakeEntryPoint(suffix.lstrip("."), load)
            for suffix, load in loads.items()})
        monkeypatch.setattr(_plugins, "_loaded", {})
    return install


def test_two_threads_racing_to_load_an_entry_point_both_get_it(
        tmp_path, fake_entry_points):
    """Loading happens outside the lock: both threads are in load() at once
    (a barrier holds them there), and both get the loader."""
    import threading
    barrier = threading.Barrier(2)
    calls = []

    def load():
        calls.append(threading.get_ident())
        barrier.wait(60)  # raises BrokenBarrierError if they never meet
        return LoaderA
    fake_entry_points({".race": load})
    path = _file(tmp_path, "script.race")
    results, errors = [], []

    def run():
        try:
            results.append(type(spec_from_path(path).loader))
        except BaseException as exc:  # pragma: no cover - the defect
            errors.append(exc)
            barrier.abort()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [LoaderA, LoaderA] and len(calls) == 2
    assert _plugins._loaded == {".race": LoaderA}
    spec_from_path(path)
    assert len(calls) == 2  # answered from then on without loading


@pytest.mark.parametrize("name, suffix", [("conf.d", ".d"),
                                          ("release-1.2", ".2")])
def test_a_directory_with_a_dotted_name_loads_no_plugin(
        name, suffix, tmp_path, fake_entry_points):
    """Custom loaders never apply to a directory, so a plug-in for its
    "suffix" must not even be imported."""
    loaded = []

    def load():  # pragma: no cover - the defect
        loaded.append(suffix)
        return LoaderA
    fake_entry_points({suffix: load})
    d = tmp_path / name
    d.mkdir()
    (d / "__main__.py").write_text(BODY)
    assert runpath_spec.run_path(str(d))["value"] == "ORIGINAL"
    assert runpath_spec.run_main(str(d))["value"] == "ORIGINAL"
    assert loaded == []
    # A file with that suffix still gets the plug-in.
    assert type(spec_from_path(_file(tmp_path, "x" + suffix)).loader) \
        is LoaderA
    assert loaded == [suffix]


# -- the notebook loader ----------------------------------------------------------

def _notebook(tmp_path, cells, name="nb.ipynb", nbformat=4):
    nb = {"nbformat": nbformat, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": kind, "metadata": {}, "source": source,
                     **({"outputs": [], "execution_count": None}
                        if kind == "code" else {})}
                    for kind, source in cells]}
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return str(path)


NB_LOADERS = [(NotebookLoader, ".ipynb")]


def test_notebook_cells_run_in_order_as_one_module(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["tool"])
    nb = _notebook(tmp_path, [
        ("markdown", "# A title\nsome *text*"),
        ("code", ["import sys\n", "x = 1\n"]),
        ("raw", "not python at all"),
        ("code", "x += 1\nargv = list(sys.argv)"),
    ])
    g = runpath_spec.run_main(nb, ["a"], loaders=NB_LOADERS)
    assert g["x"] == 2 and g["argv"] == [nb, "a"]


def test_notebook_magics_are_set_aside_with_one_warning(tmp_path):
    nb = _notebook(tmp_path, [
        ("code", "%matplotlib inline\nx = 1"),
        ("code", "!ls -l\ny = 2"),
        ("code", "%%timeit\nthis cell is not python"),
        ("code", "z = x + y"),
    ])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert g["z"] == 3
    magic = [w for w in caught if w.category is NotebookMagicWarning]
    assert len(magic) == 1
    message = str(magic[0].message)
    assert "set aside 4 IPython-only lines" in message
    for text in ("%matplotlib (cell 1)", "!ls (cell 2)", "%%timeit (cell 3)"):
        assert text in message


def test_notebook_traceback_points_at_the_cell(tmp_path):
    nb = _notebook(tmp_path, [
        ("code", "a = 1"),
        ("markdown", "between"),
        ("code", ["def f():\n", "    raise ValueError('in cell three')\n",
                  "f()\n"]),
    ])
    import traceback
    with pytest.raises(ValueError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    frames = traceback.extract_tb(info.value.__traceback__)[-2:]
    assert [(f.filename, f.lineno, f.line) for f in frames] == [
        (nb, 3003, "f()"),
        (nb, 3002, "raise ValueError('in cell three')")]


@pytest.mark.parametrize("content, message", [
    ("not json", "is not valid JSON"),
    ("[1, 2]", "expected an object with a 'cells' list"),
    (json.dumps({"nbformat": 3, "cells": []}), "expected nbformat 4, got 3"),
])
def test_bad_notebooks(content, message, tmp_path):
    p = tmp_path / "bad.ipynb"
    p.write_text(content)
    with pytest.raises(runpath_spec.RunpathError, match=message):
        runpath_spec.run_path(str(p), loaders=NB_LOADERS)


def test_long_cells_widen_the_numbering(tmp_path):
    long_cell = "x = 0\n" * 1200 + "raise KeyError('deep')\n"
    nb = _notebook(tmp_path, [("code", long_cell)])
    import traceback
    with pytest.raises(KeyError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert traceback.extract_tb(info.value.__traceback__)[-1].lineno == 11201


# Characters str.splitlines() breaks lines on and Python's tokenizer does not.
NOT_NEWLINES = ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
                "\u2029"]


@pytest.mark.parametrize("char", NOT_NEWLINES,
                         ids=lambda c: "U+%04X" % ord(c))
def test_code_hidden_in_a_comment_does_not_run(char, tmp_path):
    """As under compile() or IPython: the comment runs to the newline."""
    hidden = "# nothing here%sHIDDEN = 1" % char
    namespace = {}
    exec(compile(hidden, "<cell>", "exec"), namespace)
    assert "HIDDEN" not in namespace  # what python does with the cell
    nb = _notebook(tmp_path, [
        ("code", hidden),
        ("code", "%%matplotlib inline%sMAGIC_HIDDEN = 1\nx = 1" % char),
        ("code", "y = 2  # also%sALSO_HIDDEN = 1" % char),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotebookMagicWarning)
        g = runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert (g["x"], g["y"]) == (1, 2)
    for name in ("HIDDEN", "MAGIC_HIDDEN", "ALSO_HIDDEN"):
        assert name not in g


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"],
                         ids=["CR", "CRLF", "LF"])
def test_cells_with_any_line_ending_do_not_overwrite_each_other(newline,
                                                                tmp_path):
    long_cell = newline.join("x%d = %d" % (i, i) for i in range(1500))
    nb = _notebook(tmp_path, [("code", long_cell),
                              ("code", "y = 1%sraise KeyError('here')" % (
                                  newline))])
    import traceback
    with pytest.raises(KeyError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    g = info.traceback[-1].frame.f_globals
    assert all(g["x%d" % i] == i for i in range(1500))
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (last.lineno, last.line) == (20002, "raise KeyError('here')")


def test_a_large_notebook_takes_memory_linear_in_its_size(tmp_path):
    """The issue's notebook: a 10,000-line cell, then 2,000 one-line cells
    (212 KB there, 268 KB here) took 5 GB; tracebacks still point at the
    cell's line."""
    try:
        import tracemalloc
        tracemalloc.get_traced_memory  # noqa: B018
    except (ImportError, AttributeError):
        pytest.skip("no tracemalloc here (PyPy): memory is not measurable")
    cells = [("code", "x = 0\n" * 9999 + "x += 1")]
    cells += [("code", "x += 1") for _ in range(2000)]
    cells[-1] = ("code", "raise KeyError(x)")
    nb = _notebook(tmp_path, cells)
    size = os.path.getsize(nb)
    assert 150000 < size < 300000
    import traceback
    tracemalloc.start()
    try:
        with pytest.raises(KeyError) as info:
            runpath_spec.run_path(nb, loaders=NB_LOADERS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.args == (2000,)
    # base 100,000 (the long cell has 10,000 lines): cell 2001, line 1.
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (last.filename, last.lineno, last.line) == (
        nb, 200100001, "raise KeyError(x)")
    assert peak < 200 * size, peak  # about 40 MB


def test_syntax_errors_and_parser_warnings_point_at_the_cell(tmp_path):
    """Cells are parsed one by one: what the parser reports is moved to
    the cell's lines, as when the notebook was one padded source."""
    nb = _notebook(tmp_path, [("code", "a = 1"),
                              ("code", "x = 1\ny = '\\d'"),
                              ("code", "z = 3\ndef f(:\n    pass")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(SyntaxError) as info:
            runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert (info.value.filename, info.value.lineno, info.value.text) == (
        nb, 3002, "def f(:\n")
    escape = [w for w in caught if "escape sequence" in str(w.message)]
    assert [(w.filename, w.lineno) for w in escape] == [(nb, 2002)]
    import linecache
    assert linecache.getline(nb, 2002) == "y = '\\d'\n"


def test_deeply_nested_json_is_a_runpath_error(tmp_path):
    p = tmp_path / "deep.ipynb"
    p.write_text("[" * 200000 + "]" * 200000)
    with pytest.raises(runpath_spec.RunpathError) as info:
        runpath_spec.run_path(str(p), loaders=NB_LOADERS)
    message = str(info.value)
    assert repr(str(p)) in message and "nested" in message
    assert info.value.path == str(p)


@pytest.mark.parametrize("source", [[["x = 1\n"]], 42, {"a": 1}])
def test_a_cell_source_that_is_not_text_is_a_runpath_error(source,
                                                          tmp_path):
    nb = _notebook(tmp_path, [("code", "x = 1"), ("code", source)])
    with pytest.raises(runpath_spec.RunpathError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert str(info.value).startswith(
        "notebook %r: cell 2: expected 'source' as a string or a list of "
        "strings, got " % nb)


def test_warnings_escape_control_characters_from_the_notebook(tmp_path):
    nb = _notebook(tmp_path, [
        ("code", "%magic\x1b[2J\x1b]0;owned\x07 arg\nx = 1"),
        ("code", "!\x1b[31mred"),
    ])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    [w] = [w for w in caught if w.category is NotebookMagicWarning]
    shown = warnings.formatwarning(w.message, w.category, w.filename,
                                   w.lineno)
    assert "\x1b" not in shown and "\x07" not in shown
    assert "%magic\\x1b[2J\\x1b]0;owned\\x07 (cell 1)" in str(w.message)
    assert "!\\x1b[31mred (cell 2)" in str(w.message)


def test_notebook_through_the_builtin_loader_and_cli(tmp_path):
    # Built in: no entry point (nor package metadata) needed (#15).
    nb = _notebook(tmp_path, [
        ("code", "%load_ext autoreload\nimport sys\nprint('args', sys.argv[1:])"),
        ("markdown", "text"),
        ("code", "def f():\n    raise RuntimeError('third cell')\nf()"),
    ])
    out = subprocess.run([sys.executable, "-m", "runpath_spec", nb, "x"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    assert out.returncode == 1
    assert out.stdout == "args ['x']\n"
    assert "NotebookMagicWarning" in out.stderr and "%load_ext" in out.stderr
    assert 'line 3002, in f\n    raise RuntimeError(\'third cell\')' in \
        out.stderr


_ENTRY_POINTS = {
    "run_path": lambda t: runpath_spec.run_path(t, import_hooks=True),
    "spec_from_path": lambda t: runpath_spec.spec_from_path(
        t, import_hooks=True),
    "run_main": lambda t: runpath_spec.run_main(t, import_hooks=True),
    "MainTarget": lambda t: runpath_spec.MainTarget(t, import_hooks=True),
}


@pytest.mark.parametrize("entry", sorted(_ENTRY_POINTS))
def test_import_hook_warning_points_at_the_callers_line(entry, tmp_path):
    """Issue #13: from every public entry point, the warning's location is
    the line that called runpath_spec, never a line inside it."""
    target = make_path_target("suffixless", tmp_path, BODY)
    call = _ENTRY_POINTS[entry]
    with pytest.warns(ImportHookWarning) as record:
        call(target)  # the lambda's line, in this file
    assert record[0].filename == __file__
    assert record[0].lineno == call.__code__.co_firstlineno

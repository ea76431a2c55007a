"""Extension points: import hooks reach the main script (``import_hooks=
True``), and their warnings point at the caller."""

import importlib.machinery
import os
import subprocess
import sys
import textwrap
import zipimport

import pytest

import runpath_spec
from runpath_spec import ImportHookWarning, spec_from_path

from conftest import (PROJECT, REWRITABLE as BODY, USED, RewritingLoader,
                      compile_pyc, make_path_target)


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

"""Issue #15 without the real frameworks: the same shapes, in-process.

The real frameworks run in tests/test_frameworks.py (slow); these stand-ins
pin each rule down quickly: precedence, PEP 451 loaders, the fresh
``__main__`` in place before a loader runs, no bytecode written, the naming
rule and its warnings, the CLI's --hook/--loader, built-in loaders.
"""

import importlib.machinery
import os
import subprocess
import sys
import textwrap

import pytest

import runpath_spec
from runpath_spec import (ImportHookWarning, RunpathError, register_loader,
                          spec_from_path, unregister_loader)
from runpath_spec import _plugins
from runpath_spec.notebook import NotebookLoader

from conftest import PROJECT

SEEN = []


class MarkingLoader(importlib.machinery.SourceFileLoader):
    def source_to_code(self, data, path, *args, **kwargs):
        return super().source_to_code(data + b"\nmarked = True\n", path,
                                      *args, **kwargs)


class ExecOnlyLoader:
    """pytest's AssertionRewritingHook's shape: create/exec_module only."""

    def __init__(self, path):
        self.path = path

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        assert module.__spec__ is not None  # as pytest asserts
        SEEN.append((module.__name__, sys.modules.get(module.__name__)
                     is module))
        with open(self.path) as f:
            exec(compile(f.read(), self.path, "exec"), module.__dict__)


class HyLikeLoader(importlib.machinery.SourceFileLoader):
    """hy's loader_module_obj: setdefault, edit, then delete."""

    def get_code(self, fullname):
        module = sys.modules.setdefault(self.name, type(sys)(self.name))
        SEEN.append(getattr(module, "__file__", None))
        del sys.modules[self.name]
        return super().get_code(fullname)


def _finder(loader_for):
    """A meta-path finder giving *loader_for(spec)* for .py/.xy files."""
    class Finder:
        @staticmethod
        def find_spec(fullname, path=None, target=None):
            spec = importlib.machinery.PathFinder.find_spec(fullname, path,
                                                            target)
            if spec is not None and isinstance(
                    spec.loader, importlib.machinery.SourceFileLoader):
                spec.loader = loader_for(spec)
            return spec
    return Finder


@pytest.fixture
def meta(monkeypatch):
    del SEEN[:]
    monkeypatch.setattr(_plugins, "_registered", {})
    monkeypatch.setattr(_plugins, "_disabled", set())
    monkeypatch.setattr(_plugins, "_loaded", {})

    def install(finder):
        # runpath_spec's own lazily imported modules first: the finder
        # under test would see them too (and SEEN them) when the test runs
        # alone.
        import importlib
        for name in ("_api", "_main", "_executor", "_modules", "_hooks"):
            importlib.import_module("runpath_spec." + name)
        monkeypatch.setattr(sys, "meta_path", [finder] + sys.meta_path)
    return install


def test_import_system_wins_over_registered_loaders(tmp_path, meta):
    path = tmp_path / "prog.py"
    path.write_text("x = 1\n")
    register_loader(importlib.machinery.SourceFileLoader, ".py")
    meta(_finder(lambda s: MarkingLoader(s.loader.name, s.loader.path)))
    assert type(spec_from_path(str(path)).loader) is \
        importlib.machinery.SourceFileLoader
    spec = spec_from_path(str(path), import_hooks=True)
    assert type(spec.loader) is MarkingLoader
    assert runpath_spec.run_main(str(path), import_hooks=True)["marked"]


def test_exec_module_only_loader_under_the_spec_profile(tmp_path, meta):
    path = tmp_path / "prog.py"
    path.write_text("value = __name__\n")
    meta(_finder(lambda s: ExecOnlyLoader(s.origin)))
    g = runpath_spec.run_path(str(path), import_hooks=True, profile="spec",
                              run_name="__main__")
    assert g["value"] == "__main__" and SEEN == [("__main__", True)]
    g = runpath_spec.run_main(str(path), import_hooks=True, profile="spec")
    assert g["value"] == "__main__"
    g = runpath_spec.exec_spec(spec_from_path(str(path), import_hooks=True))
    assert g["value"] == "__main__"
    for profile in ("runpy", "python"):
        with pytest.raises(RunpathError) as info:
            runpath_spec.run_path(str(path), import_hooks=True,
                                  profile=profile)
        message = str(info.value)
        assert message.startswith(
            "cannot run {!r} under the {!r} profile: expected a loader that "
            "gives code (get_code()), found <".format(str(path), profile))
        assert message.endswith("the 'spec' profile runs it")


def test_no_code_is_never_given_to_exec(tmp_path, meta):
    path = tmp_path / "prog.py"
    path.write_text("")

    class NoCode(importlib.machinery.SourceFileLoader):
        def get_code(self, fullname):
            return None
    meta(_finder(lambda s: NoCode(s.loader.name, s.loader.path)))
    for call in (lambda: runpath_spec.run_path(str(path), import_hooks=True),
                 lambda: runpath_spec.run_main(str(path), import_hooks=True)):
        with pytest.raises(RunpathError) as info:
            call()
        assert "expected Python code, found none: its loader" in \
            str(info.value)
        assert str(info.value).endswith(
            "; the 'spec' profile runs it (create_module/exec_module, "
            "PEP 451)")


def test_the_fresh_main_is_in_place_before_the_loader_runs(tmp_path, meta):
    path = tmp_path / "prog.hyl"
    path.write_text("import sys\nmine = sys.modules['__main__'].__dict__ "
                    "is globals()\n")
    main = sys.modules["__main__"]
    register_loader(HyLikeLoader, ".hyl")
    g = runpath_spec.run_main(str(path))
    # The fresh one (with its attributes), never the caller's __main__.
    assert g["mine"] is True and SEEN == [str(path)]
    g = runpath_spec.run_path(str(path), run_name="__main__")
    assert g["mine"] is True
    assert sys.modules["__main__"] is main


def test_hooks_write_no_bytecode_for_the_target(tmp_path, meta, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "prog.py"
    path.write_text("x = 1\n")
    meta(_finder(lambda s: MarkingLoader(s.loader.name, s.loader.path)))
    runpath_spec.run_main(str(path), import_hooks=True)
    runpath_spec.run_path(str(path), import_hooks=True)
    assert not (tmp_path / "__pycache__").exists()
    assert sys.dont_write_bytecode is False


def test_a_hook_choosing_by_name_sees_the_run_name(tmp_path, meta):
    path = tmp_path / "prog.py"
    path.write_text("x = 1\n")
    asked = []

    def loader_for(spec):
        asked.append(spec.name)
        return MarkingLoader(spec.loader.name, spec.loader.path)

    class ByName:
        @staticmethod
        def find_spec(fullname, path=None, target=None):
            if fullname != "__main__":
                return None
            return _finder(loader_for).find_spec(fullname, path, target)
    meta(ByName)
    g = runpath_spec.run_main(str(path), import_hooks=True)
    assert g["marked"] and type(g["__loader__"]) is MarkingLoader
    assert g["__loader__"].name == "__main__" and asked == ["__main__"]


def test_warnings_say_what_was_asked(tmp_path, meta):
    odd = tmp_path / "my-prog.py"
    odd.write_text("x = 1\n")
    with pytest.warns(ImportHookWarning) as record:
        runpath_spec.run_path(str(odd), import_hooks=True)
    assert ("neither its run name '<run_path>' nor its file name 'my-prog' "
            "is a module name, so no finder was asked") in \
        str(record[0].message)
    plain = tmp_path / "plain"
    plain.write_text("x = 1\n")
    with pytest.warns(ImportHookWarning) as record:
        runpath_spec.run_main(str(plain), import_hooks=True)
    assert ("no finder claims it (asked as '__main__' in a path entry "
            "holding only it and as 'plain' in {!r})".format(str(tmp_path))
            in str(record[0].message))


def test_a_foreign_suffix_nobody_claims_is_not_compiled(tmp_path, meta):
    path = tmp_path / "prog.coco"
    path.write_text("x = 1 |> print\n")
    with pytest.raises(RunpathError) as info:
        runpath_spec.run_path(str(path), import_hooks=True)
    assert str(info.value).endswith(
        "expected a finder or a loader registered for '.coco', found "
        "neither, and its suffix is not Python's")
    # Without import_hooks it is source, whatever its suffix (as runpy).
    with pytest.raises(SyntaxError):
        runpath_spec.run_path(str(path))


def test_builtin_notebook_loader_can_be_turned_off(tmp_path, meta):
    nb = tmp_path / "nb.ipynb"
    nb.write_text('{"nbformat": 4, "cells": []}')
    assert type(spec_from_path(str(nb)).loader) is NotebookLoader
    off = [(None, ".ipynb")]
    assert type(spec_from_path(str(nb), loaders=off).loader) is \
        runpath_spec.SourceScriptLoader
    unregister_loader(NotebookLoader)
    assert type(spec_from_path(str(nb)).loader) is \
        runpath_spec.SourceScriptLoader
    with pytest.raises(LookupError):
        unregister_loader(NotebookLoader)
    register_loader(NotebookLoader, ".ipynb")
    assert type(spec_from_path(str(nb)).loader) is NotebookLoader


def test_cli_hook_and_loader(tmp_path):
    (tmp_path / "myhook.py").write_text(textwrap.dedent('''
        import importlib.machinery, sys
        class Marking(importlib.machinery.SourceFileLoader):
            def source_to_code(self, data, path, *args, **kwargs):
                return super().source_to_code(
                    data.replace(b"ORIGINAL", b"HOOKED"), path, *args,
                    **kwargs)
        def install():
            sys.path_hooks.insert(0, importlib.machinery.FileFinder.path_hook(
                (Marking, [".py", ".mk"])))
            sys.path_importer_cache.clear()
    '''))
    (tmp_path / "app.py").write_text("print('ORIGINAL')\n")
    (tmp_path / "app.mk").write_text("print('ORIGINAL')\n")
    env = dict(os.environ, PYTHONPATH=PROJECT)
    for args, expected in (
            (["app.py"], "ORIGINAL"),
            (["--hook", "myhook:install", "--import-hooks", "app.py"],
             "HOOKED"),
            (["--hook=myhook", "app.py"], "ORIGINAL"),
            (["--loader", ".mk=myhook:Marking", "app.mk"], "HOOKED"),
            (["--loader=.mk=myhook:Marking", "app.py"], "ORIGINAL")):
        out = subprocess.run([sys.executable, "-m", "runpath_spec"] + args,
                             cwd=str(tmp_path), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        assert (out.returncode, out.stdout.strip()) == (0, expected), args
    for args, message in (
            (["--hook", "nope_missing", "app.py"], "No module named"),
            (["--loader", "mk", "app.py"], "--loader expects SUFFIX=MOD:CLASS"),
            (["--hook"], "--hook expects a value")):
        out = subprocess.run([sys.executable, "-m", "runpath_spec"] + args,
                             cwd=str(tmp_path), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        assert out.returncode == 2 and message in out.stderr, out.stderr

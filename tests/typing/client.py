"""A client of the whole public API, for ``mypy --strict`` and for running.

tests/test_typing.py type-checks this file with ``mypy --strict``: every
``assert_type`` below states the precise type the stubs give (mypy fails
the check if the type differs, ``Any`` included).  It also runs the file
(``python client.py SCRATCH_DIR``), so the calls are real ones, on
targets built in SCRATCH_DIR, and the stubs' types are what the code
returns.  Not a pytest module: its name does not start with ``test_``.
"""

from __future__ import annotations

import importlib.machinery
import os
import pathlib
import py_compile
import sys
import types
import warnings
import zipfile
from typing import TYPE_CHECKING, Any, Literal  # noqa: F401 - in assert_type strings

import runpath_spec
import runpath_spec.errors
from runpath_spec import compat, notebook, pyc, pytest_plugin

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:
    def assert_type(value, _type):
        # At run time, the types are strings (3.8 has no dict[str, Any]).
        return value


# -- targets -----------------------------------------------------------------

def write(path: str, text: str) -> str:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class Targets:
    def __init__(self, scratch: str) -> None:
        self.scratch = scratch
        self.script = write(os.path.join(scratch, "script.py"), "x = 1\n")
        self.pyc = os.path.join(scratch, "script.pyc")
        py_compile.compile(self.script, cfile=self.pyc, doraise=True)
        self.directory = os.path.join(scratch, "app")
        os.mkdir(self.directory)
        write(os.path.join(self.directory, "__main__.py"), "x = 2\n")
        self.zip = os.path.join(scratch, "app.zip")
        with zipfile.ZipFile(self.zip, "w") as zf:
            zf.writestr("__main__.py", "x = 3\n")
        write(os.path.join(scratch, "typing_client_mod.py"), "x = 4\n")
        self.const = write(os.path.join(scratch, "answer.const"), "")
        self.notebook = write(os.path.join(scratch, "nb.ipynb"), (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": '
            '[{"cell_type": "code", "metadata": {}, "outputs": [], '
            '"execution_count": null, "source": ["x = 5\\n"]}]}'))


class ConstLoader:
    """A custom loader: any class called as (fullname, path) with get_code."""

    def __init__(self, fullname: str, path: str) -> None:
        self.name = fullname
        self.path = path

    def get_code(self, fullname: str) -> types.CodeType:
        return compile("x = 42\n", self.path, "exec")


def const_loader(fullname: str, path: str) -> ConstLoader:
    """A custom loader can be any callable, too."""
    return ConstLoader(fullname, path)


# -- runpath_spec ------------------------------------------------------------

def use_run_path(t: Targets) -> None:
    g = runpath_spec.run_path(t.script)
    assert_type(g, "dict[str, Any]")
    assert g["x"] == 1
    g = runpath_spec.run_path(
        pathlib.Path(t.script), {"seed": 1}, "runner", profile="python",
        module=types.ModuleType("runner"), keep_module=False,
        check_source=False, import_hooks=False, loaders=None, cache=False)
    assert_type(g, "dict[str, Any]")
    assert g["seed"] == 1 and g["__name__"] == "runner"
    for path in (os.fsencode(t.pyc), t.directory, t.zip):
        assert_type(runpath_spec.run_path(path, profile="spec"),
                    "dict[str, Any]")
    g = runpath_spec.run_path(t.pyc, check_source=True)
    assert g["x"] == 1
    g = runpath_spec.run_path(t.const, loaders=[(ConstLoader, ".const")])
    assert g["x"] == 42
    g = runpath_spec.run_path(
        t.const, loaders=[(const_loader, [".const", ".k"])])
    assert g["x"] == 42
    g = runpath_spec.run_path(t.notebook,
                              loaders=[(notebook.NotebookLoader, ".ipynb")])
    assert g["x"] == 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", runpath_spec.ImportHookWarning)
        assert runpath_spec.run_path(t.script, import_hooks=True)["x"] == 1


def use_run_module(t: Targets) -> None:
    g = runpath_spec.run_module("typing_client_mod")
    assert_type(g, "dict[str, Any]")
    g = runpath_spec.run_module("typing_client_mod", {"seed": 1}, "runner",
                                True, profile="spec", module=None,
                                keep_module=False)
    assert_type(g, "dict[str, Any]")
    assert g["x"] == 4 and g["__name__"] == "runner"


def use_run_main(t: Targets) -> None:
    g = runpath_spec.run_main(t.script, ["a", b"b"])
    assert_type(g, "dict[str, Any]")
    g = runpath_spec.run_main("typing_client_mod", (), module=True,
                              profile="runpy", check_source=False,
                              import_hooks=False, loaders=None, cache=False)
    assert_type(g, "dict[str, Any]")
    assert g["x"] == 4


def use_main_target(t: Targets) -> None:
    target = runpath_spec.MainTarget(pathlib.Path(t.script), iter(["a"]),
                                     module=False, profile="python",
                                     check_source=False, import_hooks=False,
                                     loaders=None, cache=False)
    assert_type(target.code, "types.CodeType | None")
    assert_type(target.spec, importlib.machinery.ModuleSpec)
    assert_type(target.kind, 'Literal["source", "bytecode", "directory", '
                '"zip", "custom", "hook", "module", "command", "stdin"]')
    assert_type(target.profile, 'Literal["runpy", "python", "spec"]')
    assert_type(target.argv, "list[str]")
    assert_type(target.argv0, str)
    assert_type(target.args, "list[str]")
    assert_type(target.path0, "str | None")
    assert_type(target.replace, bool)
    # The same facts at run time.
    assert isinstance(target.code, types.CodeType)
    assert isinstance(target.spec, importlib.machinery.ModuleSpec)
    assert target.profile == "python" and target.replace in (True, False)
    assert target.kind == "source" and target.argv == [t.script, "a"]
    assert target.argv0 == t.script and target.args == ["a"]
    assert target.path0 is None or isinstance(target.path0, str)
    g = target.run()
    assert_type(g, "dict[str, Any]")
    assert g["__name__"] == "__main__"
    kinds = {runpath_spec.MainTarget(path).kind
             for path in (t.pyc, t.directory, t.zip)}
    assert kinds == {"bytecode", "directory", "zip"}, kinds
    target = runpath_spec.MainTarget("typing_client_mod", module=True)
    assert target.kind == "module"
    found = runpath_spec.MainTarget.found_without_running(
        "typing_client_mod", ["b"], module=True, profile="spec",
        check_source=False, import_hooks=False, loaders=None, cache=False)
    assert_type(found, runpath_spec.MainTarget)
    assert found.kind == "module" and found.argv[1:] == ["b"]
    assert_type(found.attrs(), "dict[str, Any]")
    with runpath_spec.Trace() as trace:
        traced = runpath_spec.MainTarget.found_without_running(t.script)
    assert_type(trace, runpath_spec.Trace)
    step = trace.steps[0]
    assert_type(step, runpath_spec.TraceStep)
    assert_type(step.stage, str)
    assert_type(step.as_dict(), "dict[str, str]")
    assert_type(trace.as_dicts(), "list[dict[str, str]]")
    assert_type(trace.format(), str)
    assert runpath_spec.TraceStep("stat", "x", "found").detail == ""
    info = runpath_spec.explain(traced, trace)
    assert_type(info, "dict[str, Any]")
    assert info["kind"] == "source" and info["runs"] is True
    assert_type(runpath_spec.format_explanation(info, "dot"), str)
    assert "kind: source" in runpath_spec.format_explanation(info)
    again = target.again()
    assert_type(again, runpath_spec.MainTarget)
    with again.as_main(restore=True) as main_module:
        assert_type(main_module, types.ModuleType)
        code = again.code
        assert code is not None  # runpath_spec's own loader: compiled
        exec(code, main_module.__dict__)
    assert_type(again.own_traceback(None), "types.TracebackType | None")
    assert_type(again.run(restore=True), "dict[str, Any]")


def use_specs(t: Targets) -> None:
    spec = runpath_spec.spec_from_path(t.script)
    assert_type(spec, importlib.machinery.ModuleSpec)
    spec = runpath_spec.spec_from_path(
        os.fsencode(t.script), "__main__", check_source=False,
        import_hooks=False, loaders=[(ConstLoader, ".const")], cache=False)
    assert isinstance(spec.loader, runpath_spec.SourceScriptLoader)
    assert_type(runpath_spec.spec_from_module("typing_client_mod"),
                importlib.machinery.ModuleSpec)
    attrs = runpath_spec.derive(spec)
    assert_type(attrs, "dict[str, Any]")
    assert_type(runpath_spec.derive(spec, "runner"), "dict[str, Any]")
    g = runpath_spec.exec_spec(spec)
    assert_type(g, "dict[str, Any]")
    g = runpath_spec.exec_spec(spec, run_name="runner", init_globals={},
                               profile="runpy", module=None,
                               keep_module=False)
    assert_type(g, "dict[str, Any]")
    assert g["x"] == 1


def use_loaders(t: Targets) -> None:
    assert_type(runpath_spec.register_loader(ConstLoader, ".const"), None)
    assert runpath_spec.run_path(t.const)["x"] == 42
    runpath_spec.unregister_loader(ConstLoader)
    runpath_spec.register_loader(const_loader, [".const"])
    runpath_spec.unregister_loader(const_loader, ".const")
    runpath_spec.register_loader(runpath_spec.SourceScriptLoader, (".src",))
    runpath_spec.unregister_loader(runpath_spec.SourceScriptLoader, [".src"])
    # A per-call None turns a loader off; a built-in one unregisters.
    g = runpath_spec.run_path(t.script, loaders=[(None, ".const")])
    assert_type(g, "dict[str, Any]")
    runpath_spec.unregister_loader(notebook.NotebookLoader)
    runpath_spec.register_loader(notebook.NotebookLoader, ".ipynb")

    with open(t.script, "rb") as f:
        data = f.read()
    source = runpath_spec.SourceScriptLoader("__main__", t.script, data,
                                             "shown.py", cache=False)
    assert_type(source.code_filename, str)
    assert_type(source.cache, bool)
    code = source.get_code("__main__")
    assert_type(code, types.CodeType)
    assert code.co_filename == "shown.py"
    assert_type(source.cache_path(), "str | None")
    assert source.cache_path() is None
    cached = runpath_spec.SourceScriptLoader("__main__", t.script, cache=True)
    assert isinstance(cached.cache_path(), str)
    assert_type(source.source_to_code(data, "shown.py", "__main__"),
                types.CodeType)
    assert_type(source.get_data(t.script), bytes)
    assert isinstance(source, importlib.machinery.SourceFileLoader)

    bytecode = runpath_spec.BytecodeScriptLoader("__main__", t.pyc,
                                                 check_source=True)
    assert_type(bytecode.check_source, bool)
    assert_type(bytecode.code_filename, str)
    assert_type(bytecode.source_path(), "str | None")
    assert_type(bytecode.cache_path(), str)
    assert bytecode.cache_path() == t.pyc
    assert_type(bytecode.get_code("__main__"), types.CodeType)
    assert_type(bytecode.get_source("__main__"), None)
    assert isinstance(bytecode, importlib.machinery.SourcelessFileLoader)
    # runpath_spec's loaders are loaders a ModuleSpec takes.
    spec = importlib.machinery.ModuleSpec("__main__", bytecode,
                                          origin=t.pyc)
    assert runpath_spec.exec_spec(spec, profile="runpy")["x"] == 1


def use_errors(t: Targets) -> None:
    bad = os.path.join(t.scratch, "bad.pyc")
    with open(bad, "wb") as f:
        f.write(b"\x00\x00\r\n" + bytes(12))
    try:
        runpath_spec.run_path(bad)
    except runpath_spec.BadMagicError as exc:
        assert_type(exc, runpath_spec.BadMagicError)
        assert_type(exc.name, "str | None")
        assert_type(exc.path, "str | None")
    else:
        raise AssertionError("no BadMagicError")
    try:
        runpath_spec.run_path(t.scratch)
    except runpath_spec.MainNotFoundError as exc:
        error: runpath_spec.RunpathError = exc
        assert_type(error, runpath_spec.RunpathError)
        assert isinstance(error, ImportError)
    else:
        raise AssertionError("no MainNotFoundError")
    hierarchy: list[type[Exception]] = [
        runpath_spec.RunpathError, runpath_spec.MainNotFoundError,
        runpath_spec.BadPathError, runpath_spec.NotRegularFileError,
        runpath_spec.BadZipError, runpath_spec.PycError,
        runpath_spec.BadMagicError, runpath_spec.BadFlagsError,
        runpath_spec.TruncatedPycError, runpath_spec.StalePycError,
        runpath_spec.errors.RunpathError]
    assert all(issubclass(cls, ImportError) for cls in hierarchy)
    value_error: ValueError = runpath_spec.BadPathError("nul")
    eof_error: EOFError = runpath_spec.TruncatedPycError("short")
    warning: UserWarning = runpath_spec.ImportHookWarning("unclaimed")
    assert value_error and eof_error and warning
    assert_type(runpath_spec.__version__, str)


# -- runpath_spec.compat -----------------------------------------------------

def use_compat(t: Targets) -> None:
    g = compat.run_path(t.script)
    assert_type(g, "dict[str, Any]")
    assert_type(compat.run_path(pathlib.Path(t.zip), {"seed": 1}, "runner"),
                "dict[str, Any]")
    assert_type(compat.run_module("typing_client_mod"), "dict[str, Any]")
    g = compat.run_module("typing_client_mod", {}, "runner", True)
    assert g["__name__"] == "runner"
    name, spec, code = compat._get_module_details("typing_client_mod")
    assert_type(name, str)
    assert_type(spec, importlib.machinery.ModuleSpec)
    assert_type(code, types.CodeType)
    g = compat._run_code(code, {}, None, "runner", spec, None, None)
    assert_type(g, "dict[str, Any]")
    g = compat._run_module_code(code, {"seed": 1}, "runner", spec)
    assert_type(g, "dict[str, Any]")
    with compat._TempModule("runner") as temp:
        assert_type(temp, compat._TempModule)
        assert_type(temp.module, types.ModuleType)
        with compat._ModifiedArgv0("runner.py"):
            assert sys.argv[0] == "runner.py"
    error: type[Exception] = compat._Error
    assert error is not None
    sys.path.insert(0, t.directory)
    try:
        details = compat._get_main_module_details(compat._Error)
        assert_type(details, "tuple[str, importlib.machinery.ModuleSpec, "
                    "types.CodeType]")
    finally:
        del sys.path[0]
    if sys.version_info >= (3, 15):
        assert_type(compat._get_code_from_file(t.script, "__main__"),
                    types.CodeType)
    elif sys.version_info >= (3, 13):
        assert_type(compat._get_code_from_file(t.script), types.CodeType)
    elif sys.version_info < (3, 12):
        code, fname = compat._get_code_from_file("__main__", t.script)
        assert_type(code, types.CodeType)
        assert_type(fname, str)
    # 3.12 has both forms (the 1-argument one from 3.12.6 on), which type
    # checkers cannot tell apart: not called here.
    if TYPE_CHECKING:  # would run this client as __main__
        assert_type(compat._run_module_as_main("typing_client_mod", False),
                    "dict[str, Any]")


# -- runpath_spec.pyc and runpath_spec.notebook ------------------------------

def use_pyc(t: Targets) -> None:
    with open(t.pyc, "rb") as f:
        data = f.read()
    header = pyc.read_header(data, name="__main__", path=t.pyc)
    assert_type(header, pyc.PycHeader)
    assert_type(header.magic, bytes)
    assert_type(header.flags, int)
    assert_type(header.kind,
                'Literal["timestamp", "unchecked-hash", "checked-hash"]')
    assert_type(header.mtime, "int | None")
    assert_type(header.source_size, "int | None")
    assert_type(header.source_hash, "bytes | None")
    assert_type(header.magic_int, "int | None")
    assert_type(header.python_version, "str | None")
    assert_type(pyc.classify_pyc(data), pyc.PycHeader)
    assert_type(pyc.magic_to_int(header.magic), "int | None")
    assert_type(pyc.python_version_for_magic(3413), "str | None")
    assert_type(header.implementation, "str | None")
    assert_type(pyc.check_marshal(data, name="m", path=t.script), None)
    release = pyc.implementation_for_magic(3413)
    assert_type(release, "pyc.MagicRelease | None")
    assert release is not None and release.label == "Python 3.8"
    assert_type(release.implementation, str)
    assert_type(release.version, str)
    assert release == pyc.MagicRelease("CPython", "3.8")
    st = os.stat(t.script)
    assert_type(pyc.validate_timestamp(header, st.st_mtime, st.st_size), None)
    hashed = os.path.join(t.scratch, "hashed.pyc")
    py_compile.compile(
        t.script, cfile=hashed, doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    with open(hashed, "rb") as f:
        hashed_header = pyc.classify_pyc(f.read())
    with open(t.script, "rb") as f:
        pyc.validate_hash(hashed_header, f.read(), path=t.script)
    assert_type(pyc.hash_check_wanted(hashed_header, "always"), bool)
    assert pyc.hash_check_wanted(hashed_header)
    assert_type(pyc.code_from_pyc(data, path=t.pyc), types.CodeType)
    assert isinstance(header.kind, str) and header.kind == "timestamp"
    assert isinstance(header.mtime, int) and header.source_hash is None
    assert header == pyc.read_header(data) and hash(header) == hash(
        pyc.read_header(data))
    assert_type(pyc.hash_header(b"12345678", checked=False), bytes)
    error = pyc.truncated_error(t.pyc, 3, name="__main__", path=t.pyc)
    assert_type(error, runpath_spec.TruncatedPycError)
    assert isinstance(error, runpath_spec.TruncatedPycError)
    size: int = pyc.HEADER_SIZE
    flags: int = pyc.FLAG_HASH_BASED | pyc.FLAG_CHECK_SOURCE
    assert size == 16 and flags & pyc.RESERVED_FLAGS == 0
    assert_type(pyc.MAGIC_NUMBER, bytes)


def use_notebook(t: Targets) -> None:
    lines, base, set_aside = notebook.notebook_source(
        '{"nbformat": 4, "cells": []}', "nb.ipynb")
    assert_type(lines, "dict[int, str]")
    assert_type(base, int)
    assert_type(set_aside, "list[tuple[int, int, str]]")
    loader = notebook.NotebookLoader("nb", t.notebook)
    assert_type(loader.get_code("nb"), types.CodeType)
    category: type[Warning] = notebook.NotebookMagicWarning
    assert category is not None


def use_pytest_plugin(t: Targets) -> None:
    # The fixture's value, used outside pytest as a test would use it.
    run_python: pytest_plugin.PythonRunner = pytest_plugin.PythonRunner()
    done = run_python(t.script, "a", stdin="in", env={"RPS_A": "1",
                                                     "RPS_B": None},
                      cwd=pathlib.Path(t.scratch), capture="sys",
                      join_timeout=pytest_plugin.JOIN_TIMEOUT,
                      unload_site_packages=False)
    assert_type(done, pytest_plugin.CompletedPython)
    assert_type(done.returncode, int)
    assert_type(done.stdout, str)
    assert_type(done.stderr, str)
    assert_type(done.exception, "BaseException | None")
    assert_type(done.globals, "dict[str, Any] | None")
    assert done.returncode == 0 and done.globals is not None
    done.check_returncode()
    failed = run_python("-c", "raise SystemExit(3)")
    assert isinstance(failed.exception, SystemExit) and failed.returncode == 3
    made = pytest_plugin.CompletedPython(("-c", "pass"), 0, "", "")
    assert made.exception is None
    error: type[TimeoutError] = pytest_plugin.ThreadTimeoutError
    assert error is not None and pytest_plugin.run_python is not None


def use_shell(t: Targets) -> None:
    """python's shell (#25): -c, finish, tracebacks, frames, CLI names."""
    target = runpath_spec.MainTarget("y = 6", ["a"], command=True)
    assert target.kind == "command" and target.argv == ["-c", "a"]
    assert_type(target.filename, str)
    assert target.filename == "<string>"
    g = target.run(restore=True, init_globals={"z": 1}, module=None)
    assert g["y"] == 6 and g["z"] == 1
    assert_type(target.finish(), int)
    assert_type(target.finish(None), int)
    assert_type(target.is_program(sys._getframe()), bool)
    assert not target.is_program(sys._getframe())
    try:
        runpath_spec.MainTarget(t.script).run(init_globals={"x": 0})
        raise KeyError("k")
    except KeyError as exc:
        assert_type(target.python_traceback(exc), "types.TracebackType | None")
    try:
        runpath_spec.MainTarget(os.path.join(t.scratch, "missing.py"))
    except OSError as exc:
        stderr, sys.stderr = sys.stderr, open(os.devnull, "w")
        try:
            status = runpath_spec.MainTarget.start_failed(
                exc, "missing.py", module=False)
        finally:
            sys.stderr.close()
            sys.stderr = stderr
        assert_type(status, int)
        assert status == 2
    g = runpath_spec.run_main("w = 7", command=True, restore=True)
    assert g["w"] == 7
    names = runpath_spec.PROFILE_NAMES
    assert_type(names, 'tuple[Literal["runpy", "python", "spec"], ...]')
    assert "python" in names
    assert_type(runpath_spec.load_class("os.path:join"), Any)
    assert_type(runpath_spec.check_loader_suffixes(".hy"), "list[str]")
    assert runpath_spec.check_loader_suffixes([".a", ".b"]) == [".a", ".b"]
    found = runpath_spec.MainTarget.found_without_running(t.script)
    info = runpath_spec.explain(found)
    assert_type(info, "dict[str, Any]")
    assert_type(runpath_spec.format_explanation(info), str)
    assert issubclass(runpath_spec.InstallError, Exception)
    install: Any = (runpath_spec.install_runpy, runpath_spec.uninstall_runpy,
                    runpath_spec.runpy_status)
    assert all(callable(f) for f in install)


def main(scratch: str) -> None:
    t = Targets(scratch)
    # After sys.path[0], which run_main replaces while it runs.
    sys.path.insert(1, scratch)
    for use in (use_run_path, use_run_module, use_run_main, use_main_target,
                use_specs, use_loaders, use_errors, use_compat, use_pyc,
                use_notebook, use_pytest_plugin, use_shell):
        use(t)
    print("typing client: ok")


if __name__ == "__main__":
    main(sys.argv[1])

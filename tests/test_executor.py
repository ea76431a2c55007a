"""The executor: one PEP 451 derivation, three profiles, one code path."""

import builtins
import importlib.machinery
import pickle
import subprocess
import sys
import warnings

import pytest

import runpath_spec
from runpath_spec import derive, exec_spec, spec_from_path

from conftest import PATH_KINDS, make_path_target

SPEC_BODY = '''\
from __future__ import annotations
import dataclasses, pickle, sys, typing

@dataclasses.dataclass
class Point:
    x: int
    y: int = 0

hints = typing.get_type_hints(Point)
roundtrip = pickle.loads(pickle.dumps(Point(1, 2)))
registered = sys.modules[__name__].__dict__ is globals()
'''


@pytest.mark.parametrize("kind", PATH_KINDS)
def test_derive_is_pep_451(kind, tmp_path):
    spec = spec_from_path(make_path_target(kind, tmp_path, "x = 1\n"))
    attrs = derive(spec)
    assert attrs["__name__"] == spec.name
    assert attrs["__loader__"] is spec.loader
    assert attrs["__package__"] == spec.parent
    assert attrs["__spec__"] is spec
    assert attrs["__file__"] == spec.origin
    if spec.cached is None:
        assert "__cached__" not in attrs
    else:
        assert attrs["__cached__"] == spec.cached
    assert derive(spec, "other")["__name__"] == "other"


def test_derive_without_location():
    spec = importlib.machinery.ModuleSpec("m", None, origin="somewhere")
    attrs = derive(spec)
    assert "__file__" not in attrs and "__cached__" not in attrs


@pytest.mark.parametrize("kind", PATH_KINDS)
def test_spec_profile_everywhere(kind, tmp_path, sys_snapshot):
    spec = spec_from_path(make_path_target(kind, tmp_path, SPEC_BODY))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DeprecationWarning/ImportWarning
        g = exec_spec(spec)
    sys_snapshot()
    assert g["__spec__"] is spec
    assert g["__loader__"] is spec.loader
    assert g["__file__"] == spec.origin
    assert g["__package__"] == spec.parent
    assert g["registered"] is True
    assert g["hints"] == {"x": int, "y": int}
    assert g["roundtrip"] == g["Point"](1, 2)


def test_keep_module_keeps_objects_picklable(tmp_path):
    path = make_path_target("script", tmp_path, SPEC_BODY)
    spec = spec_from_path(path, name="rps_kept")
    try:
        g = exec_spec(spec, keep_module=True)
        assert sys.modules["rps_kept"].__dict__ is g
        assert pickle.loads(pickle.dumps(g["Point"](3))) == g["Point"](3)
    finally:
        sys.modules.pop("rps_kept", None)
    g = runpath_spec.run_path(path, run_name="rps_gone", profile="spec")
    assert "rps_gone" not in sys.modules
    with pytest.raises(pickle.PicklingError):
        pickle.dumps(g["Point"](3))


def test_run_path_keep_module(tmp_path):
    path = make_path_target("script", tmp_path, SPEC_BODY)
    try:
        g = runpath_spec.run_path(path, run_name="rps_kept2",
                                  keep_module=True)
        assert pickle.loads(pickle.dumps(g["Point"](3))).x == 3
    finally:
        sys.modules.pop("rps_kept2", None)


def test_module_argument_runs_in_the_given_module(tmp_path):
    path = make_path_target("script", tmp_path, "x = 1\n")
    mod = type(sys)("given")
    g = exec_spec(spec_from_path(path), module=mod)
    assert g is mod.__dict__ and mod.x == 1
    g = runpath_spec.run_path(path, module=mod, profile="runpy")
    assert mod.x == 1 and g["x"] == 1


def test_run_module_spec_profile(module_tree):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = runpath_spec.run_module(module_tree + ".sub", profile="spec")
    assert g["__name__"] == module_tree + ".sub.__main__"
    assert g["sibling"].kind == "sub-mod"  # the relative import worked
    assert g["seen_registered"] is True


def test_run_module_keep_module(module_tree):
    name = module_tree + ".mod"
    g = runpath_spec.run_module(name, run_name="rps_mod_kept",
                                keep_module=True)
    try:
        assert sys.modules["rps_mod_kept"].__dict__ is g
    finally:
        sys.modules.pop("rps_mod_kept", None)


@pytest.mark.parametrize("kind", ["script", "pyc", "directory", "zip"])
def test_python_profile(kind, tmp_path):
    path = make_path_target(kind, tmp_path, "x = 1\n")
    g = runpath_spec.run_path(path, run_name="__main__", profile="python")
    assert g["__builtins__"] is builtins
    # PEP 649: from 3.14 a fresh __main__ has no __annotations__.
    assert g.get("__annotations__", "absent") == (
        {} if sys.version_info < (3, 14) else "absent")
    if kind in ("script", "pyc"):
        assert g["__spec__"] is None and g["__package__"] is None
        # 3.15: python no longer sets __cached__.
        assert g.get("__cached__", "absent") == (
            None if sys.version_info < (3, 15) else "absent")
        expected = (importlib.machinery.SourcelessFileLoader if kind == "pyc"
                    else importlib.machinery.SourceFileLoader)
        assert type(g["__loader__"]) is expected
        assert g["__loader__"].path == g["__file__"]
    else:
        assert g["__spec__"].name == "__main__" and g["__package__"] == ""


def test_unknown_profile_is_refused(tmp_path):
    path = make_path_target("script", tmp_path, "x = 1\n")
    for call in (lambda: runpath_spec.run_path(path, profile="nope"),
                 lambda: exec_spec(spec_from_path(path), profile="nope"),
                 lambda: runpath_spec.run_module("json", profile="nope"),
                 lambda: runpath_spec.run_main(path, profile="nope")):
        with pytest.raises(ValueError) as info:
            call()
        assert "unknown profile 'nope'" in str(info.value)


def test_exec_spec_without_a_code_loader():
    spec = importlib.machinery.ModuleSpec("nothing", None)
    with pytest.raises(runpath_spec.RunpathError) as info:
        exec_spec(spec)
    assert "expected a loader with get_code()" in str(info.value)
    import sys as _sys
    builtin = importlib.util.find_spec("sys")
    flag = _sys.dont_write_bytecode
    with pytest.raises(runpath_spec.RunpathError):
        exec_spec(builtin)
    assert _sys.modules["sys"] is _sys
    # No sys built anew (PyPy's create_module would): its state is intact.
    assert _sys.dont_write_bytecode is flag


def test_runpy_profile_of_exec_spec_sets_argv0(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["caller"])
    path = make_path_target("script", tmp_path, "import sys\nseen = sys.argv[0]\n")
    g = exec_spec(spec_from_path(path), profile="runpy", run_name="r")
    assert g["seen"] == path and g["__spec__"] is None
    assert sys.argv == ["caller"]


def test_audit_event_before_the_code_runs(tmp_path):
    target = make_path_target("script", tmp_path, "print('ran')\n")
    code = """if 1:
        import sys, runpath_spec
        def hook(event, args):
            if event == "runpath_spec.run":
                print("audit", args[1])
                if args[1] == "veto":
                    raise RuntimeError("vetoed")
        sys.addaudithook(hook)
        runpath_spec.run_path(%r, run_name="ok")
        try:
            runpath_spec.run_path(%r, run_name="veto")
        except RuntimeError as e:
            print("refused:", e)
    """ % (target, target)
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True)
    assert out.stdout.split("\n")[:4] == ["audit ok", "ran", "audit veto",
                                          "refused: vetoed"]

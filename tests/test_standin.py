"""The lazy runpy stand-in is a proper module, and cannot take the
interpreter down (#24, points 1 and 7-10).

Each test runs a fresh interpreter that imports the stand-in the way its
``.pth`` line does, from a directory of the test's.
"""

import os
import shutil
import subprocess
import sys

import pytest

from runpath_spec import _install

from conftest import PROJECT, shim_dir

SHIM_SOURCE = os.path.join(PROJECT, "runpath_spec_runpy.py")


def _run(code, path, *args):
    """Run *code* in a fresh interpreter whose sys.path starts with
    *path*; returns the completed process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return subprocess.run([sys.executable, "-S"] + list(args) + ["-c", code],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=env, cwd="/",
                          timeout=120)


def _standin(tmp_path, code, root=PROJECT):
    """Run *code* after importing the stand-in, as its ``.pth`` does."""
    return _run("import _runpath_spec_runpy\n" + code,
                [shim_dir(tmp_path), root])


# -- 7: a proper module -------------------------------------------------

PROPER = """\
import importlib, importlib.util, sys, runpy
def check(when):
    spec = importlib.util.find_spec("runpy")
    assert spec is runpy.__spec__ and spec.name == "runpy", (when, spec)
    again = importlib.reload(runpy)
    assert again is runpy is sys.modules["runpy"], when
    if hasattr(__import__("pkgutil"), "find_loader"):  # (gone in 3.14)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            assert __import__("pkgutil").find_loader("runpy") is not None
    print(when, "runpath_spec.compat" in sys.modules)
check("before")
import pydoc
assert "run_path" in pydoc.render_doc("runpy"), pydoc.render_doc("runpy")
check("after")
import runpath_spec.compat as compat
print(runpy.run_path is compat.run_path)
"""


def test_the_standin_has_a_spec_and_reloads_before_and_after_first_use(
        tmp_path):
    """find_spec, reload, pkgutil and pydoc work on it (points 7 and 8);
    neither find_spec nor reload is a first use."""
    out = _standin(tmp_path, PROPER)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["before", "False", "after", "True",
                                  "True"]
    assert out.stderr == ""


def test_a_fresh_module_from_the_standins_spec_is_a_standin(tmp_path):
    out = _standin(tmp_path, (
        "import importlib.util, runpy, runpath_spec.compat as compat\n"
        "spec = importlib.util.find_spec('runpy')\n"
        "m = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(m)\n"
        "print(type(m).__name__, m.run_path is compat.run_path)\n"))
    assert out.stdout.split() == ["LazyRunpy", "True"], out.stderr


# -- 9: the program's later sys.path ------------------------------------

NARROWED = """\
import sys
sys.path[:] = [{tmp!r}]
{use}
print(run_path({script!r})["x"], run_path.__module__)
"""


@pytest.mark.parametrize("use, module", [
    ("import runpy; run_path = runpy.run_path", "runpath_spec.compat"),
    ("import runpath_spec; run_path = runpath_spec.run_path",
     "runpath_spec._api"),
])
def test_a_narrowed_sys_path_after_start_up(tmp_path, use, module):
    """The stand-in and the package's lazy names work after the program
    narrows sys.path (where, from 3.13 on, the standard runpy does not)."""
    script = tmp_path / "s.py"
    script.write_text("x = 42\n")
    first = "import runpath_spec" if "runpath_spec" in use else \
        "import _runpath_spec_runpy"
    out = _run(first + "\n" + NARROWED.format(
        tmp=str(tmp_path), script=str(script), use=use),
        [shim_dir(tmp_path), PROJECT])
    assert (out.stdout, out.stderr, out.returncode) == (
        "42 %s\n" % module, "", 0)


def test_runpath_spec_found_where_it_was_at_start_up(tmp_path):
    """The stand-in loads runpath_spec from the start-up sys.path even if
    the program removed that entry."""
    out = _standin(tmp_path, (
        "import sys\n"
        "sys.path[:] = [p for p in sys.path if p != %r]\n"
        "import runpy\n"
        "print(runpy.run_path.__module__)\n" % PROJECT))
    assert (out.stdout, out.stderr) == ("runpath_spec.compat\n", "")


# -- 10: first use in two threads at once -------------------------------

RACE = """\
import sys, threading
import runpy
calls = []
other = threading.Event()

class Slow:
    # Holds the first loader of runpath_spec.compat until a second thread
    # comes for it (which, without the stand-in's lock and the import
    # lock, it would at once); with them it never comes.
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "runpath_spec.compat":
            calls.append(threading.current_thread().name)
            if len(calls) == 1:
                other.wait(timeout=3)
            else:
                other.set()
        return None

sys.meta_path.insert(0, Slow)
got = []
threads = [threading.Thread(target=lambda: got.append(runpy.run_path))
           for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
import runpath_spec.compat as compat
from runpath_spec import _versions
print(len(calls), len(got), got[0] is got[1] is compat.run_path)
print(compat.run_path.__code__.co_firstlineno ==
      _versions.RUNPY.lines["run_path"]["def"],
      compat.run_path.__code__.co_filename == _versions.runpy_filename())
"""

ONCE = """\
import importlib
import runpath_spec.compat as compat
first = {n: (f.__code__.co_firstlineno, f.__code__.co_filename)
         for n, f in vars(compat).items() if n in compat._RUNNER_NAMES}
importlib.reload(compat)
print(first == {n: (vars(compat)[n].__code__.co_firstlineno,
                    vars(compat)[n].__code__.co_filename) for n in first},
      len(first))
"""


def test_first_use_in_two_threads_loads_once_with_runpys_frames(tmp_path):
    """Point 10: the stand-in's first use, from two threads at once, loads
    runpath_spec.compat once, and its runner frames stand at runpy's lines
    (compiled once, at import: nothing is shifted afterwards)."""
    out = _standin(tmp_path, RACE)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["1 2 True", "True True"]


def test_the_runner_frames_are_made_once_per_import():
    out = _run(ONCE, [PROJECT])
    assert out.stdout.split() == ["True", "5"], out.stderr


def test_runpy_used_while_the_standin_loads_it_is_an_import_error(
        tmp_path):
    """From a signal handler, say: not a half-loaded module."""
    out = _standin(tmp_path, (
        "import sys, runpy\n"
        "class During:\n"
        "    @staticmethod\n"
        "    def find_spec(name, path=None, target=None):\n"
        "        if name == 'runpath_spec.compat':\n"
        "            try:\n"
        "                runpy.run_path\n"
        "            except ImportError as exc:\n"
        "                print(exc)\n"
        "        return None\n"
        "sys.meta_path.insert(0, During)\n"
        "first = runpy.run_path\n"  # the stand-in's first use
        "import runpath_spec.compat as compat\n"
        "print(first is compat.run_path)\n"))
    assert out.stdout.splitlines() == [
        "runpy is used while runpath_spec's stand-in is loading it",
        "True"], out.stderr


# -- 1: any failure on first use falls back, with one warning -----------

def _damaged_copy(tmp_path, damage):
    """A copy of the package under tmp_path/copy, damaged."""
    root = tmp_path / "copy"
    shutil.copytree(os.path.join(PROJECT, "runpath_spec"),
                    str(root / "runpath_spec"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    damage(root / "runpath_spec")
    return str(root)


DAMAGES = {
    "syntax error": lambda pkg: (pkg / "_sysstate.py").write_text("def (:\n"),
    "missing submodule": lambda pkg: (pkg / "_loaders.py").unlink(),
    "raising submodule": lambda pkg: (pkg / "_profiles.py").write_text(
        "raise RuntimeError('half-finished upgrade')\n"),
    "missing compat": lambda pkg: (pkg / "compat.py").unlink(),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_broken_package_falls_back_to_the_standard_runpy(tmp_path,
                                                           damage):
    root = _damaged_copy(tmp_path, DAMAGES[damage])
    out = _run("import _runpath_spec_runpy, runpy, sys\n"
               "print(runpy.run_path.__module__)\n"
               "print(runpy.run_module.__module__)\n",
               [shim_dir(tmp_path), root])
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["runpy", "runpy"]
    assert out.stderr.count("\n") == 1 and out.stderr.startswith(
        "warning: runpath_spec's runpy stand-in cannot load runpath_spec")
    assert "python -m runpath_spec --uninstall-runpy" in out.stderr
    assert _install.PTH in out.stderr
    cause = {"syntax error": "SyntaxError", "missing compat": "compat",
             "missing submodule": "runpath_spec._loaders",
             "raising submodule": "half-finished upgrade"}[damage]
    assert cause in out.stderr


def test_runpath_spec_gone_falls_back_silently(tmp_path):
    """Uninstalled with the stand-in left behind: runpy as shipped."""
    out = _run("import _runpath_spec_runpy, runpy\n"
               "print(runpy.run_path.__module__)\n",
               [shim_dir(tmp_path)])
    assert (out.stdout, out.stderr) == ("runpy\n", "")


def test_run_module_runpy_runs_the_standins_own_code(tmp_path):
    """As runpy runs runpy.py: ``run_module("runpy")`` (CPython's
    test_runpy), and ``python -m runpy MOD`` runs MOD."""
    out = _standin(tmp_path, (
        "import runpy, sys\n"
        "print(runpy.run_module('runpy')['__name__'])\n"
        "sys.argv[:] = ['-m', 'this']\n"
        "runpy._run_module_as_main('runpy')\n"))
    assert out.stdout.startswith("runpy\nThe Zen of Python"), out.stderr


HANDLER = """\
import sys
import runpath_spec
seen = []
def handler():
    # What a signal handler running during the first import of
    # runpath_spec._api sees.
    try:
        runpath_spec.run_path
    except Exception as exc:
        seen.append("%s: %s" % (type(exc).__name__, exc))
def trace(frame, event, arg):
    if event == "call" and frame.f_globals.get("__name__") == \\
            "runpath_spec._api" and not seen:
        sys.settrace(None)
        handler()
    return None
sys.settrace(trace)
runpath_spec.run_path
sys.settrace(None)
print(seen[0])
print(runpath_spec.run_path.__module__)
"""


def test_a_lazy_name_used_during_its_own_import_is_a_clear_error():
    out = _run(HANDLER, [PROJECT])
    assert out.stdout.splitlines() == [
        "ImportError: cannot use runpath_spec.run_path: "
        "'runpath_spec._api' is still being imported in this thread",
        "runpath_spec._api"], out.stderr

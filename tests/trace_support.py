"""What tests/test_trace.py and tests/test_trace_output.py share: the
hooks, plug-in and tool programs, running the CLI with ``--explain
--trace``, and reading its steps."""


import json
import os
import subprocess
import sys

import pytest

import runpath_spec

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(
    runpath_spec.__file__)))

HOOKS = r'''
import os, sys
from importlib.machinery import SourceFileLoader
from importlib.util import spec_from_file_location


class HookLoader(SourceFileLoader):
    """An import hook's own loader (as typeguard's or beartype's)."""


class ClaimingFinder:
    """Claims prog.py, asked as __main__ in its one-file entry."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        for entry in path or ():
            origin = entry.rstrip(os.sep)
            if os.path.basename(origin) == "prog.py":
                return spec_from_file_location(
                    fullname, origin, loader=HookLoader(fullname, origin))
        return None


class DecliningFinder:
    """Asked for everything, claims nothing."""

    asked = []

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        return None


class ExecOnlyLoader:
    """A loader that executes modules and gives no code (PEP 451 only)."""

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        print("EXEC RAN")


class ForeignFinder:
    """Finds module 'foreignmod' with a loader that has no get_code()."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname != "foreignmod":
            return None
        from importlib.machinery import ModuleSpec
        return ModuleSpec(fullname, ExecOnlyLoader(), origin="foreign:mod")


def claim():
    sys.meta_path.insert(0, ClaimingFinder)


def decline():
    sys.meta_path.insert(0, DecliningFinder)


def foreign():
    sys.meta_path.insert(0, ForeignFinder)
'''

PLUGIN = r'''
from importlib.machinery import SourceFileLoader


class RwLoader(SourceFileLoader):
    """A plug-in's loader for .rw files."""
'''

PROGRAM = "print('PROGRAM RAN')\n"


def _env(cwd):
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a write would show
    env.pop("PYTHONSAFEPATH", None)
    # The hooks and plug-ins (imported by --hook/--loader, as asked: their
    # own bytecode may be written) live apart from the targets.
    env["PYTHONPATH"] = os.pathsep.join(
        [PROJECT, os.path.join(str(cwd), TOOLS)]
        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


TOOLS = "tools"


def cli(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "runpath_spec"] + list(args), cwd=str(cwd),
        env=_env(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=120)


def traced(args, cwd, status=0):
    """``--explain --trace --json ARGS``: the JSON, checked to run and
    write nothing."""
    before = _tree_state(cwd)
    out = cli(["--explain", "--trace", "--json"] + list(args), cwd)
    assert out.returncode == status, out.stderr
    assert "RAN" not in out.stdout + out.stderr
    assert _tree_state(cwd) == before
    return json.loads(out.stdout), out


def _tree_state(root):
    """Every path under *root* with its mtime: a write changes it."""
    state = {}
    for folder, dirs, files in os.walk(str(root)):
        if folder == str(root) and TOOLS in dirs:
            dirs.remove(TOOLS)
        for name in dirs + files:
            path = os.path.join(folder, name)
            state[path] = os.stat(path).st_mtime_ns
    return state


def _steps(info, stage=None, answer=None):
    return [s for s in info["trace"]
            if (stage is None or s["stage"] == stage)
            and (answer is None or s["answer"] == answer)]


def _stages(info):
    return [s["stage"] for s in info["trace"]]


@pytest.fixture
def work(tmp_path):
    (tmp_path / TOOLS).mkdir()
    (tmp_path / TOOLS / "hooks_rps.py").write_text(HOOKS)
    (tmp_path / TOOLS / "plug_rps.py").write_text(PLUGIN)
    (tmp_path / "prog.py").write_text(PROGRAM)
    return tmp_path


def _package(root):
    pkg = root / "pkg_rps"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("print('PARENT RAN')\n")
    (pkg / "sub" / "__init__.py").write_text("print('SUB RAN')\n")
    (pkg / "sub" / "mod.py").write_text(PROGRAM)
    return pkg

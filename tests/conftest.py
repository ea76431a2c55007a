"""What the suites share: targets built in tmp_path (one factory per
kind), files, child processes, the project's environment, sys snapshots.

A helper two test files need lives here, once (tests/test_architecture.py
checks that no two helpers in tests/ have the same body or, across test
files, the same name).
"""

import importlib
import importlib.machinery
import json
import os
import py_compile
import subprocess
import sys
import zipfile

import pytest
from hypothesis import settings

# CI runs the same examples every time (a red run can be replayed); locally
# hypothesis explores.  Either way nothing is stored in the work tree.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("dev", database=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

#: A target body that records what it saw while it ran.
PROBE = '''\
import sys
seen_argv0 = sys.argv[0] if sys.argv else None
seen_path0 = sys.path[0] if sys.path else None
_mod = sys.modules.get(__name__)
seen_registered = _mod is not None and getattr(_mod, "__dict__", None) is globals()
seen_main_present = "__main__" in sys.modules
del _mod
'''

#: Kinds of path target, each a function (directory, body) -> path as str.
PATH_KINDS = ("script", "suffixless", "pyc", "pyc_named_source", "directory",
              "directory_pyc", "zip", "pyz", "zip_subdir", "zip_pyc")


PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


#: A target body that :class:`RewritingLoader` rewrites.
REWRITABLE = "value = 'ORIGINAL'\n"
#: What the rewriting loaders and finders of the tests were asked for.
USED = []


class RewritingLoader(importlib.machinery.SourceFileLoader):
    """A source-transforming loader, as assertion rewriters and Hy have."""

    def source_to_code(self, data, path, *args, **kwargs):
        # *args, **kwargs: 3.15 passes the module name too.
        USED.append(path)
        return super().source_to_code(
            data.replace(b"ORIGINAL", b"REWRITTEN"), path, *args, **kwargs)


def write(path, data):
    """Write *data* (text, as UTF-8, or bytes) to *path* (a str), making
    its directories; return *path*."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, bytes):
        with open(path, "wb") as f:
            f.write(data)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(data)
    return path


def write_file(directory, name, text):
    """*text* in the file *name* of *directory* (a path); its path as str."""
    path = directory / name
    path.write_text(text)
    return str(path)


def read_bytes(path):
    # Closed at once: PyPy has no refcounting, and a file left to the GC
    # warns (ResourceWarning) in whichever test is running then.
    with open(path, "rb") as f:
        return f.read()


def compile_pyc(source_path, pyc_path, invalidation_mode=None):
    """Compile with py_compile (unaffected by PYTHONDONTWRITEBYTECODE)."""
    kwargs = {}
    if invalidation_mode is not None:
        kwargs["invalidation_mode"] = invalidation_mode
    py_compile.compile(source_path, cfile=pyc_path, doraise=True, **kwargs)
    return pyc_path


def make_zip(zip_path, members, prefix=b""):
    """*members* maps archive names to text or bytes."""
    with zipfile.ZipFile(zip_path, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    if prefix:
        with open(zip_path, "rb") as f:
            data = f.read()
        with open(zip_path, "wb") as f:
            f.write(prefix + data)
    return zip_path


#: Each pyc invalidation mode (PEP 552), by the name pyc headers give it.
PYC_MODES = {
    "timestamp": py_compile.PycInvalidationMode.TIMESTAMP,
    "checked-hash": py_compile.PycInvalidationMode.CHECKED_HASH,
    "unchecked-hash": py_compile.PycInvalidationMode.UNCHECKED_HASH,
}
#: Where a pyc can be run from: a file, a directory's or a zip's __main__.
PYC_PLACES = ("file", "directory", "zip")


def good_pyc(tmp_path, mode="timestamp", body="result = 'ran'\n"):
    """``tmp_path/target.pyc``, compiled from ``target.py`` beside it."""
    src = tmp_path / "target.py"
    src.write_text(body)
    return compile_pyc(str(src), str(tmp_path / "target.pyc"),
                       PYC_MODES[mode])


def place_pyc(tmp_path, data, where):
    """Put pyc *data* where a target would be (one of PYC_PLACES); return
    the path to run."""
    if where == "file":
        p = tmp_path / "placed.pyc"
        p.write_bytes(data)
        return str(p)
    if where == "directory":
        d = tmp_path / "placed_dir"
        d.mkdir()
        (d / "__main__.pyc").write_bytes(data)
        return str(d)
    z = str(tmp_path / "placed.zip")
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("__main__.pyc", data)
    return z


def _pyc_bytes(tmp, body):
    src = write(os.path.join(tmp, "_src", "m.py"), body)
    pyc = compile_pyc(src, os.path.join(tmp, "_src", "m.pyc"))
    with open(pyc, "rb") as f:
        return f.read()


def make_path_target(kind, tmp, body=PROBE, helper="VALUE = 42\n"):
    """Build a target of *kind* under *tmp*; return its path (str).

    Entries (directory, zip) also hold a ``helper`` module beside
    ``__main__`` so a body can import it.
    """
    tmp = str(tmp)
    if kind == "script":
        return write(os.path.join(tmp, "target.py"), body)
    if kind == "suffixless":
        return write(os.path.join(tmp, "target"), body)
    if kind == "pyc":
        src = write(os.path.join(tmp, "target_src.py"), body)
        return compile_pyc(src, os.path.join(tmp, "target.pyc"))
    if kind == "pyc_named_source":
        return write(os.path.join(tmp, "target.pyc"), body)
    if kind == "directory":
        d = os.path.join(tmp, "app")
        write(os.path.join(d, "helper.py"), helper)
        write(os.path.join(d, "__main__.py"), body)
        return d
    if kind == "directory_pyc":
        d = os.path.join(tmp, "app")
        write(os.path.join(d, "helper.py"), helper)
        with open(os.path.join(d, "__main__.pyc"), "wb") as f:
            f.write(_pyc_bytes(tmp, body))
        return d
    if kind in ("zip", "pyz"):
        return make_zip(os.path.join(tmp, "app." + kind),
                        {"__main__.py": body, "helper.py": helper})
    if kind == "zip_subdir":
        z = make_zip(os.path.join(tmp, "app.zip"),
                     {"sub/__main__.py": body, "sub/helper.py": helper})
        return os.path.join(z, "sub")
    if kind == "zip_pyc":
        return make_zip(os.path.join(tmp, "app.zip"),
                        {"__main__.pyc": _pyc_bytes(tmp, body),
                         "helper.py": helper})
    raise ValueError(kind)


def make_notebook(path, cells, nbformat=4):
    """A notebook of *cells* ((cell_type, source) pairs) at *path*; its
    path as str."""
    nb = {"nbformat": nbformat, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": kind, "metadata": {}, "source": source,
                     **({"outputs": [], "execution_count": None}
                        if kind == "code" else {})}
                    for kind, source in cells]}
    path.write_text(json.dumps(nb))
    return str(path)


def make_scratch_venv(venv, pth_lines=(), files=None, with_pip=False):
    """A virtual environment (``--without-pip`` unless *with_pip*: pip is
    needed to install packages into it) whose site-packages holds a
    ``.pth`` with the project and *pth_lines*, and *files* (relative path
    -> text); returns its python.
    """
    subprocess.run([sys.executable, "-m", "venv"]
                   + ([] if with_pip else ["--without-pip"]) + [str(venv)],
                   check=True)
    python = os.path.join(str(venv), "bin", "python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()"
         "['purelib'])"], check=True, stdout=subprocess.PIPE,
        universal_newlines=True).stdout.strip()
    with open(os.path.join(purelib, "runpath_spec_dev.pth"), "w") as f:
        f.write("\n".join([PROJECT] + list(pth_lines)) + "\n")
    for name, text in (files or {}).items():
        write(os.path.join(purelib, name), text)
    return python


#: The eager stand-in: runpath_spec.compat imported at every start.
EAGER_STANDIN = ("import runpath_spec.compat, sys; "
                 "sys.modules['runpy'] = runpath_spec.compat")


def make_standin_venv(venv, lazy=True, files=None):
    """A scratch venv (see make_scratch_venv) with runpath_spec.compat as
    its runpy: installed by ``--install-runpy`` (the lazy stand-in), or
    with *lazy* false by the one eager ``.pth`` line.  Returns its python.
    """
    python = make_scratch_venv(venv, [] if lazy else [EAGER_STANDIN], files)
    if lazy:
        subprocess.run([python, "-m", "runpath_spec", "--install-runpy"],
                       check=True, stdout=subprocess.PIPE)
    return python


def run_python(python, *args, **kw):
    """``python ARGS`` with its output captured as text (and a timeout, so
    that a hang fails one test rather than the run)."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("timeout", 600)
    return subprocess.run([python] + list(args), universal_newlines=True,
                          **kw)


_INSTALLED = []


def project_is_installed():
    """Is runpath_spec importable without PYTHONPATH (as under -I)?"""
    if not _INSTALLED:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        out = subprocess.run(
            [sys.executable, "-I", "-c", "import runpath_spec, os; "
             "print(os.path.dirname(os.path.dirname(runpath_spec.__file__)))"],
            env=env, cwd="/", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            universal_newlines=True)
        _INSTALLED.append(out.returncode == 0
                          and os.path.samefile(out.stdout.strip(), PROJECT))
    return _INSTALLED[0]


def project_env():
    """The environment for a child python that imports this checkout's
    runpath_spec (on PYTHONPATH unless installed), writes no bytecode and
    has no -P set from outside."""
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSAFEPATH", None)
    if not project_is_installed():
        env["PYTHONPATH"] = os.pathsep.join(
            [PROJECT] + [p for p in env.get("PYTHONPATH", "").split(
                os.pathsep) if p])
    return env


def run_in_project(args, cwd, flags=(), **kw):
    """``python FLAGS ARGS`` in *cwd*, with this checkout's runpath_spec
    (:func:`project_env`, unless *env* is given)."""
    kw.setdefault("env", project_env())
    kw.setdefault("timeout", 120)
    return run_python(sys.executable, *(list(flags) + list(args)),
                      cwd=str(cwd), **kw)


def snapshot_sys():
    """``sys.argv``, ``sys.path``, ``sys.modules`` and ``__main__``, for
    :func:`assert_sys_as`."""
    return (list(sys.argv), list(sys.path), dict(sys.modules),
            sys.modules.get("__main__"))


def assert_sys_as(before):
    """``sys`` is as *before* (a :func:`snapshot_sys`): no module replaced
    or removed, no run's module (``<...>``, ``rps_...``) left behind."""
    argv, path, modules, main = before
    assert sys.argv == argv
    assert sys.path == path
    assert sys.modules.get("__main__") is main
    for name, module in modules.items():
        assert sys.modules.get(name) is module, name
    assert [n for n in sys.modules if n not in modules
            and (n.startswith("<") or n.startswith("rps_"))] == []


@pytest.fixture
def open_code_calls(monkeypatch):
    """The paths ``io.open_code`` is called with, recorded."""
    import io
    opened = []
    real = io.open_code

    def recording(path):
        opened.append(path)
        return real(path)
    monkeypatch.setattr(io, "open_code", recording)
    return opened


@pytest.fixture
def path_target(tmp_path):
    """``path_target(kind, body=PROBE)`` -> path of a fresh target."""
    def make(kind, body=PROBE, **kw):
        return make_path_target(kind, tmp_path, body, **kw)
    return make


@pytest.fixture
def sys_snapshot():
    """Assert that ``sys.argv``, ``sys.path`` and ``sys.modules`` are restored."""
    argv, path = list(sys.argv), list(sys.path)
    modules = dict(sys.modules)
    main = sys.modules.get("__main__")

    def check(ignore_modules=()):
        assert sys.argv == argv
        assert sys.path == path
        added = {name for name in set(sys.modules) - set(modules)
                 - set(ignore_modules)
                 if not name.startswith("runpath_spec.")}  # lazy imports
        removed = set(modules) - set(sys.modules)
        assert not added, "modules left behind: %r" % sorted(added)
        assert not removed, "modules removed: %r" % sorted(removed)
        changed = [k for k in modules if k in sys.modules
                   and sys.modules[k] is not modules[k]]
        assert not changed, "modules replaced: %r" % changed
        assert sys.modules.get("__main__") is main
    return check


@pytest.fixture
def module_tree(tmp_path, monkeypatch):
    """A uniquely named package tree on sys.path; yields its top-level name.

    Everything it imports is removed from sys.modules afterwards.
    """
    import uuid
    top = "rps_" + uuid.uuid4().hex[:10]
    root = tmp_path / "modroot"
    base = root / top
    files = {
        "__init__.py": "",
        "__main__.py": PROBE + "kind = 'pkg-main'\n",
        "mod.py": PROBE + "kind = 'mod'\n",
        "sub/__init__.py": "",
        "sub/__main__.py": PROBE + "from . import mod as sibling\n",
        "sub/mod.py": PROBE + "kind = 'sub-mod'\n",
        "nomain/__init__.py": "",
        "nomain/other.py": "",
        "ns/inner.py": "",
        "raising/__init__.py": "",
        "raising/__main__.py": "raise KeyError('from target')\n",
        "exits/__init__.py": "",
        "exits/__main__.py": "import sys\nsys.exit(3)\n",
        "pkgerr/__init__.py": "raise ValueError('broken package')\n",
        "syntaxerr.py": "def (:\n",
    }
    for rel, text in files.items():
        write(str(base / rel), text)
    # A sourceless module: a legacy .pyc with no .py beside it.
    write(str(base / "_srcs" / "compiled.py"), PROBE + "kind = 'compiled'\n")
    compile_pyc(str(base / "_srcs" / "compiled.py"), str(base / "compiled.pyc"))
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    before = set(sys.modules)
    yield top
    for name in set(sys.modules) - before:
        if name == top or name.startswith(top + "."):
            del sys.modules[name]


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A site-packages directory of the test's, where the installer
    (runpath_spec._install) installs the stand-in."""
    from runpath_spec import _install
    where = tmp_path / "site-packages"
    where.mkdir()
    monkeypatch.setattr(_install, "site_dir", lambda user=False: str(where))
    return where


def shim_dir(tmp_path):
    """A directory holding the stand-in as ``_runpath_spec_runpy``."""
    from runpath_spec import _install
    source = os.path.join(PROJECT, "runpath_spec_runpy.py")
    with open(source, encoding="utf-8") as f:
        (tmp_path / (_install.SHIM + ".py")).write_text(f.read())
    return str(tmp_path)


def plugin_is_installed():
    """Is runpath_spec's pytest plugin registered through an installed
    distribution (its ``pytest11`` entry point)?"""
    try:
        from importlib.metadata import entry_points
    except ImportError:  # 3.8 without the backport
        return False
    eps = entry_points()
    group = eps.select(group="pytest11") if hasattr(eps, "select") \
        else eps.get("pytest11", ())
    return any(ep.name == "runpath_spec"
               and ep.value == "runpath_spec.pytest_plugin" for ep in group)


needs_plugin_install = pytest.mark.skipif(
    not plugin_is_installed(), reason="the pytest11 entry point exists only "
    "once runpath_spec is installed (pip install -e .); it is only on "
    "sys.path")


def pytester_session(pytester, *args):
    """Run the pytester directory's tests in a fresh pytest process."""
    pytester.makefile(".cfg", setup="[tool:pytest]\naddopts = -p "
                      "no:cacheprovider\n")
    return pytester.runpytest_subprocess("-q", "-p", "no:randomly", *args,
                                         timeout=600)


# -- CI: slow groups run only where they add information (.ci/run) ----------

#: .ci/run names, per interpreter, the groups of slow tests it leaves out
#: there: a group is a test file's name without ``test_`` and ``.py``
#: (``frameworks`` is tests/test_frameworks.py), and only its tests marked
#: ``slow`` are left out.  Each is deselected, not skipped, and listed by
#: name at the end of the run.
DESELECT_VARIABLE = "RUNPATH_SPEC_CI_DESELECT"


def _slow_group(item):
    if item.get_closest_marker("slow") is None:
        return None
    name = os.path.basename(str(item.fspath))
    if name.startswith("test_") and name.endswith(".py"):
        return name[len("test_"):-len(".py")]
    return None


def pytest_collection_modifyitems(config, items):
    groups = os.environ.get(DESELECT_VARIABLE, "").replace(",", " ").split()
    if not groups:
        return
    here = os.path.dirname(os.path.abspath(__file__))
    unknown = [g for g in groups
               if not os.path.exists(os.path.join(here, "test_%s.py" % g))]
    if unknown:
        raise pytest.UsageError("%s names no test file: %s (expected "
                                "tests/test_GROUP.py for each GROUP)" % (
                                    DESELECT_VARIABLE, ", ".join(unknown)))
    kept, left_out = [], []
    for item in items:
        (left_out if _slow_group(item) in groups else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config._runpath_deselected = (groups, [i.nodeid for i in left_out])


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    groups, nodeids = getattr(config, "_runpath_deselected", ((), ()))
    if not groups:
        return
    terminalreporter.section("slow tests deselected on this interpreter")
    terminalreporter.write_line("%s=%r: %d slow tests of %s not run here "
                                "(.ci/run says where they run)" % (
                                    DESELECT_VARIABLE, " ".join(groups),
                                    len(nodeids), ", ".join(groups)))
    for nodeid in nodeids:
        terminalreporter.write_line("DESELECTED %s" % nodeid)

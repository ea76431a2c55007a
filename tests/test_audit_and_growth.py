"""Reliability and security: every file is opened through
``io.open_code``, ten thousand runs leave nothing behind, and a veto of the
``runpath_spec.find`` audit event runs nothing."""

import gc
import os
import subprocess
import sys
import textwrap
import zipimport

import pytest

import runpath_spec
from runpath_spec import compat

from conftest import PROJECT, make_path_target


# -- auditing --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["script", "pyc", "directory_pyc",
                                  "pyc_named_source"])
def test_every_file_is_opened_through_open_code(kind, tmp_path,
                                                open_code_calls):
    target = make_path_target(kind, tmp_path, "x = 1\n")
    runpath_spec.run_path(target)
    opened = open_code_calls
    expected = (os.path.join(target, "__main__.pyc")
                if kind == "directory_pyc" else target)
    assert expected in opened


def test_open_code_hook_sees_every_read_in_a_subprocess(tmp_path):
    """An audit hook sees the 'open' of every file, .pyc included."""
    target = make_path_target("directory_pyc", tmp_path, "x = 1\n")
    code = textwrap.dedent('''
        import sys
        sys.path.insert(0, %r)
        import runpath_spec
        seen = []
        sys.addaudithook(lambda e, a: seen.append(str(a[0]))
                         if e == "open" else None)
        runpath_spec.run_path(%r)
        print(any(s.endswith("__main__.pyc") for s in seen))
    ''') % (PROJECT, target)
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True)
    assert out.stdout.strip() == "True"


# -- no growth ----------------------------------------------------------------------------

def _ten_thousand_runs(tmp_path, module_tree, measure=None):
    """Run every kind of target 10,000 times; *measure()* (if given) is
    called after a warm-up and at the end.  Returns the sizes of sys's
    caches before and after, and what *measure* gave."""
    targets = [make_path_target(kind, tmp_path / kind, "x = [1] * 10\n")
               for kind in ("script", "pyc", "directory", "zip")
               if (tmp_path / kind).mkdir() is None]
    calls = [lambda t=t: runpath_spec.run_path(t) for t in targets]
    calls.append(lambda: runpath_spec.run_module(module_tree + ".mod"))
    calls.append(lambda: compat.run_path(targets[2]))

    def round_():
        for call in calls:
            call()

    def sizes():
        return (len(sys.modules), len(sys.path_importer_cache),
                len(zipimport._zip_directory_cache))

    for _ in range(50):
        round_()
    gc.collect()
    before = sizes()
    for _ in range(200):
        round_()
    gc.collect()
    first = measure() if measure else None
    for _ in range(10000 // len(calls)):
        round_()
    gc.collect()
    last = measure() if measure else None
    return before, sizes(), first, last


@pytest.mark.slow
def test_ten_thousand_runs_do_not_grow(tmp_path, module_tree):
    before, after, _, _ = _ten_thousand_runs(tmp_path, module_tree)
    assert after == before  # sys.modules, path_importer_cache, zipimport's


MEMORY_CHILD = """\
import sys, tracemalloc
sys.path[:0] = [%r, %r]
import test_audit_and_growth, pytest  # noqa: F401 - the same helper, untraced
tracemalloc.start()
_, _, first, last = test_audit_and_growth._ten_thousand_runs(
    __import__("pathlib").Path(%r), %r,
    lambda: tracemalloc.get_traced_memory()[0])
print(first, last)
"""


@pytest.mark.slow
def test_ten_thousand_runs_do_not_grow_memory(tmp_path, module_tree):
    """Measured in a fresh interpreter without the suite's coverage tracer:
    coverage's own bookkeeping (its sys.monitoring core, the default on
    3.14+, keeps state per new code object, and every run compiles one)
    would otherwise be counted as ours."""
    pytest.importorskip(
        "tracemalloc", reason="this interpreter has no tracemalloc (PyPy: "
        "its GC does not trace Python allocations), so memory growth cannot "
        "be measured per allocation")
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.path[0] if module_tree else None  # module_tree's root, first
    code = MEMORY_CHILD % (here, PROJECT, str(tmp_path / "child"),
                           module_tree)
    (tmp_path / "child").mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("COVERAGE_")}
    env["PYTHONPATH"] = os.pathsep.join([root, here, PROJECT])
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=600)
    assert out.returncode == 0, out.stderr
    first, last = map(int, out.stdout.split())
    assert last - first < 256 * 1024, (first, last)


# -- the find event (issue #17) -------------------------------------------------

VETO_CALLS = {
    "run_path-script": "runpath_spec.run_path(SCRIPT)",
    "run_path-directory": "runpath_spec.run_path(DIRECTORY)",
    "run_module": "runpath_spec.run_module('vetopkg.mod')",
    "run_module-alter_sys": "runpath_spec.run_module('vetopkg.mod', "
                            "alter_sys=True)",
    "spec_from_module": "runpath_spec.spec_from_module('vetopkg.mod')",
    "spec_from_path": "runpath_spec.spec_from_path(SCRIPT)",
    "run_main-module": "runpath_spec.run_main('vetopkg.mod', module=True)",
    "run_main-script": "runpath_spec.run_main(SCRIPT)",
    "MainTarget-module": "runpath_spec.MainTarget('vetopkg.mod', "
                         "module=True)",
    "compat.run_path": "compat.run_path(SCRIPT)",
    "compat.run_module": "compat.run_module('vetopkg.mod')",
    "compat._run_module_as_main": "compat._run_module_as_main("
                                  "'vetopkg.mod')",
}


@pytest.mark.parametrize("call", sorted(VETO_CALLS))
def test_a_veto_of_the_find_event_runs_nothing_and_changes_nothing(
        call, tmp_path):
    """runpath_spec.find is raised before anything of the target -- its
    parent packages included -- is read or run; a veto leaves sys as it was."""
    pkg = tmp_path / "vetopkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("print('PACKAGE RAN')\n")
    (pkg / "mod.py").write_text("print('MODULE RAN')\n")
    (tmp_path / "s.py").write_text("print('SCRIPT RAN')\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "__main__.py").write_text("print('DIR RAN')\n")
    code = textwrap.dedent('''
        import sys
        sys.path.insert(0, %r)
        import runpath_spec
        from runpath_spec import compat
        SCRIPT, DIRECTORY = %r, %r
        seen = []
        def hook(event, args):
            if event.startswith("runpath_spec."):
                seen.append(event)
            if event == "runpath_spec.find":
                raise PermissionError("vetoed %%r" %% (args,))
        before = (list(sys.argv), list(sys.path), dict(sys.modules))
        sys.addaudithook(hook)
        try:
            %s
        except PermissionError as e:
            print("refused", e)
        after = (list(sys.argv), list(sys.path), dict(sys.modules))
        print("events", seen)
        print("unchanged", before[:2] == after[:2],
              sorted(name for name in set(after[2]) - set(before[2])
                     if not name.startswith("runpath_spec.")))
    ''') % (str(tmp_path), str(tmp_path / "s.py"), str(tmp_path / "d"),
            VETO_CALLS[call])
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True, timeout=120)
    assert "RAN" not in out.stdout, out.stdout
    assert "refused vetoed" in out.stdout, out.stdout
    assert "events ['runpath_spec.find']" in out.stdout, out.stdout
    assert "unchanged True []" in out.stdout, out.stdout

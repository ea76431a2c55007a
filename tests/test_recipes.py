"""The recipes in docs/recipes/ are like python: a target run through the
coverage-style runner or the pdb-style debugger sees what ``python X``
gives it (the probe's report), for every kind of target, and its errors
are shown as python shows them."""

import json
import os
import re
import sys

import pytest

from conftest import PROJECT, project_env, project_is_installed, run_in_project
from test_cli import FLAGS, TARGETS, report, tree  # noqa: F401

RECIPES = os.path.join(PROJECT, "docs", "recipes")
COVERAGE = os.path.join(RECIPES, "coverage_runner.py")
DEBUGGER = os.path.join(RECIPES, "debugger.py")


def _run_recipe(args, cwd, flags=(), stdin=""):
    env = project_env()
    # The recipes set their own tracer: coverage.py measuring the
    # subprocess (CI) would warn on stderr that its trace function changed.
    env.pop("COVERAGE_PROCESS_START", None)
    return run_in_project(args, cwd, flags, env=env, input=stdin)


def probe_report(out):
    """The probe's report, wherever pdb's prompt left it on its line."""
    for line in out.stdout.splitlines():
        if "PROBE " in line:
            return json.loads(line[line.index("PROBE ") + len("PROBE "):])
    raise AssertionError("no probe report: %r %r" % (out.stdout, out.stderr))


def _skips(target, flag):
    if flag == "-P" and sys.version_info < (3, 11):
        pytest.skip("-P exists from Python 3.11")
    if flag == "-I" and not project_is_installed():
        pytest.skip("under -I runpath_spec must be installed in this "
                    "interpreter (pip install -e .); it is only on PYTHONPATH")


def _pdb_stops(out):
    """Where pdb stopped: its "> FILE(LINE)FUNCTION()" lines."""
    return re.findall(r"^(?:\(Pdb\) )*> (.*)$", out.stdout, re.M)


@pytest.mark.parametrize("recipe", ["coverage", "debugger"])
@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("target", TARGETS)
def test_the_target_sees_what_python_gives_it(recipe, target, flag, tree,
                                              tmp_path):
    _skips(target, flag)
    args = [a.format(root=tree) for a in TARGETS[target]] + ["arg1", "--x"]
    cwd = tree / "work"
    direct = _run_recipe(args, cwd, FLAGS[flag])
    if recipe == "coverage":
        cov = str(tmp_path / "report.txt")
        ours = _run_recipe([COVERAGE, "--report", cov] + args, cwd, FLAGS[flag])
    else:
        ours = _run_recipe([DEBUGGER] + args, cwd, FLAGS[flag], stdin="c\n")
    if direct.returncode:  # -m under -I/-P: python cannot find it either
        assert target.startswith("dash-m") and flag != "no-flag"
        assert ours.returncode == 1 and "No module named" in ours.stderr
        return
    assert (direct.returncode, ours.returncode) == (0, 0), (
        direct.stderr, ours.stderr, ours.stdout)
    expected, actual = report(direct), probe_report(ours)
    assert actual == expected
    assert actual["is_main"] is True and actual["pickles"] == "Probe"
    assert ours.stderr == direct.stderr
    code_filename = expected["code_filename"]
    if recipe == "coverage":
        with open(cov) as f:
            line = f.read()
        assert line.startswith(code_filename + ": ")
        ran = [int(n) for n in line.split(" lines ran: ")[1].split()]
        assert ran and ran[0] == 1 and len(ran) > 20
    else:
        # It stops first at the target's first line -- not in runpath_spec.
        stops = _pdb_stops(ours)
        # pdb shows the absolute path, from the debugger's working
        # directory (3.8 compiles a script under its path as given).
        assert stops[0] == "%s(1)<module>()" % os.path.normpath(
            os.path.join(str(cwd), code_filename))


ERRING = "import sys\nprint('out', sys.argv[1:])\n" \
         "def f():\n    raise KeyError('boom')\nf()\n"


@pytest.mark.parametrize("body", [
    ERRING, "1 = x\n", "raise SystemExit(3)\n",
    "import atexit, sys\natexit.register(lambda: print(sys.argv))\n"])
@pytest.mark.parametrize("recipe", ["coverage", "debugger"])
def test_errors_and_exit_as_python_shows_them(recipe, body, tmp_path):
    if (recipe, body) == ("debugger", ERRING) and sys.version_info < (3, 10):
        pytest.skip("before 3.10 bdb leaves a traced <module> frame's "
                    "traceback line at its first line: python -m pdb itself "
                    "shows line 1 there")
    (tmp_path / "prog.py").write_text(body)
    direct = _run_recipe(["prog.py", "a"], tmp_path)
    if recipe == "coverage":
        ours = _run_recipe([COVERAGE, "--report", str(tmp_path / "r"), "prog.py",
                    "a"], tmp_path)
        assert ours.stdout == direct.stdout
    else:
        ours = _run_recipe([DEBUGGER, "prog.py", "a"], tmp_path, stdin="c\n")
        for line in direct.stdout.splitlines():
            assert line in ours.stdout
    assert (ours.returncode, ours.stderr) == (direct.returncode,
                                               direct.stderr)


def test_the_debugger_restarts_with_the_file_read_again(tmp_path):
    (tmp_path / "prog.py").write_text(
        "import sys; print('ran', sys.argv[1:]); f = open(__file__, 'a'); "
        "f.write('print(\"again\")\\n'); f.close()\n")  # (no refcounting
    # on PyPy: an unclosed file may not be written when the restart reads)
    out = _run_recipe([DEBUGGER, "prog.py", "a"], tmp_path,
              stdin="n\nrestart\nc\n")
    assert out.returncode == 0, out.stderr
    assert "Restarting " + str(tmp_path / "prog.py") in out.stdout
    assert out.stdout.count("ran ['a']") == 2
    assert out.stdout.splitlines().count("again") == 1  # the new line ran
    stops = _pdb_stops(out)
    assert stops[0] == stops[-1] == "%s(1)<module>()" % (tmp_path / "prog.py")


def test_stepping_never_enters_runpath_spec(tmp_path):
    (tmp_path / "prog.py").write_text("x = 1\ny = x + 1\n")
    out = _run_recipe([DEBUGGER, "prog.py"], tmp_path, stdin="s\n" * 10)
    assert out.returncode == 0, out.stderr
    stops = _pdb_stops(out)
    assert stops and all("runpath_spec" not in s for s in stops), stops
    assert stops[0].endswith("prog.py(1)<module>()")


def test_an_uncaught_exception_is_examined_post_mortem(tmp_path):
    (tmp_path / "prog.py").write_text(ERRING)
    out = _run_recipe([DEBUGGER, "prog.py"], tmp_path, stdin="c\np 6 * 7\n")
    assert out.returncode == 1
    assert "post mortem" in out.stdout and "42" in out.stdout
    assert _pdb_stops(out)[-1].endswith("prog.py(4)f()")

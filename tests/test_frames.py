"""Honest frames (#23): runpath_spec.compat's runner frames are runpy's,
frame for frame, while a program runs -- and a failure in runpath_spec's
own machinery shows runpath_spec's file and line.

Each case runs in a fresh interpreter twice, once through the running
version's own runpy and once through runpath_spec.compat standing in for
it, and the runner frames on the stack while the target runs are compared:
file name, function name and line.
"""

import json
import os
import subprocess
import sys

import pytest

import runpy_facts
from conftest import PROJECT

from runpath_spec import _versions, compat

# The target: the runner frames between the caller and itself.
_RECORD = """\
import json, os, sys
f, out = sys._getframe(1), []
while f is not None and f.f_code.co_filename != '<driver>':
    out.append([f.f_code.co_filename, f.f_code.co_name, f.f_lineno])
    f = f.f_back
print('FRAMES', json.dumps(out))
"""

_CASES = {
    "run_path file": "runpy.run_path('rec.py')",
    "run_path directory": "runpy.run_path('recdir')",
    "run_path zip": "runpy.run_path('rec.zip')",
    "run_module": "runpy.run_module('rec')",
    "run_module alter_sys": "runpy.run_module('rec', alter_sys=True)",
    "_run_module_as_main": "runpy._run_module_as_main('rec')",
}


def _targets(tmp_path):
    import zipfile
    (tmp_path / "rec.py").write_text(_RECORD)
    (tmp_path / "recdir").mkdir()
    (tmp_path / "recdir" / "__main__.py").write_text(_RECORD)
    with zipfile.ZipFile(str(tmp_path / "rec.zip"), "w") as zf:
        zf.writestr("__main__.py", _RECORD)


def _frames(tmp_path, call, stand_in):
    prelude = "import sys\n"
    if stand_in:
        prelude += ("import runpath_spec.compat\n"
                    "sys.modules['runpy'] = runpath_spec.compat\n")
    driver = prelude + "sys.argv = ['-m']\nimport runpy\n" + call + "\n"
    code = "exec(compile(%r, '<driver>', 'exec'))" % driver
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([PROJECT,
                                                       str(tmp_path)]))
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         cwd=str(tmp_path), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    line = next(line for line in out.stdout.splitlines()
                if line.startswith("FRAMES "))
    return json.loads(line[len("FRAMES "):])


@pytest.mark.parametrize("case", sorted(_CASES))
def test_runner_frames_are_runpys(tmp_path, case):
    _targets(tmp_path)
    theirs = _frames(tmp_path, _CASES[case], stand_in=False)
    ours = _frames(tmp_path, _CASES[case], stand_in=True)
    assert ours == theirs
    # ...and they are runner frames only: nothing of runpath_spec's own is
    # on the stack while the program runs.
    assert all(name in compat._RUNNER_NAMES for _, name, _ in ours[1:])
    assert not any("runpath_spec" in filename for filename, _, _ in ours)


def test_version_table_is_the_running_runpy():
    """The row of _versions' table for this interpreter is what its own
    runpy.py says (read with ast, never imported)."""
    source = runpy_facts.runpy_source()
    if not os.path.isfile(source):
        pytest.skip("no runpy.py on this interpreter: %r" % source)
    reader, fsdecodes, lines, warn = runpy_facts.facts(source)
    facts = _versions.RUNPY
    assert (facts.reader, facts.fsdecodes, facts.lines, facts.warn) == (
        reader, fsdecodes, lines, warn)


def test_an_unknown_release_takes_the_row_before_it():
    older = _versions.runpy_facts("cpython", (3, 12, 5))
    newer = _versions.runpy_facts("cpython", (3, 12, 7))
    assert older.reader == ("run_name", "fname")
    assert newer.reader == ("fname",)
    assert _versions.runpy_facts("cpython", (3, 99, 0)) is \
        _versions.runpy_facts("cpython", (3, 15, 0))
    assert _versions.runpy_facts("cpython", (3, 7, 0)) is \
        _versions.runpy_facts("cpython", (3, 8, 0))
    assert _versions.runpy_facts("other", (3, 11, 0)) is \
        _versions.runpy_facts("cpython", (3, 11, 0))


def test_a_table_out_of_order_still_defines_every_runner():
    """A row whose lines go backwards (a release the table does not know)
    costs only the shown line numbers, never the runners."""
    lines = {name: {step: 1 for step, _ in statements if step}
             for name, statements in compat._RUNNERS}
    namespace = dict(vars(compat))
    compat._define_runners(namespace, lines, "<test runpy>",
                           compat._RUNNER_NAMES)
    for name, _ in compat._RUNNERS:
        assert namespace[name].__code__.co_filename == "<test runpy>"
    got = namespace["run_module"]("json.tool", run_name="x")
    assert got["__name__"] == "x"


def _line_of(module, text):
    with open(module.__file__, encoding="utf-8") as f:
        return next(number for number, line in enumerate(f, 1)
                    if text in line)


def _frames_of_failure(prelude, call, error, cwd):
    """``[[filename, function, line], ...]`` of the traceback *call*
    (run after *prelude*, in a fresh interpreter) fails with, from the
    frame below the caller's on."""
    code = (prelude + "try:\n    " + call + "\nexcept " + error + ":\n"
            "    tb = traceback.extract_tb(sys.exc_info()[2])\n"
            "    for f in tb[1:]: print(f.filename, f.name, f.lineno)\n")
    env = dict(os.environ, PYTHONPATH=PROJECT)
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         cwd=str(cwd), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "never" not in out.stdout
    return [line.rsplit(" ", 2) for line in out.stdout.splitlines()]


def test_a_fault_in_our_machinery_shows_our_file_and_line(tmp_path):
    """Fault injection: an audit hook makes the executor's own step fail
    while run_path prepares a run; the traceback shows runpy's runner
    frames down to the call, then runpath_spec's files and lines."""
    from runpath_spec import _executor
    (tmp_path / "t.py").write_text("print('never')\n")
    frames = _frames_of_failure(
        "import sys, traceback, runpath_spec.compat as c\n"
        "def hook(event, args):\n"
        "    if event == 'runpath_spec.run': raise RuntimeError('injected')\n"
        "sys.addaudithook(hook)\n", "c.run_path('t.py')", "RuntimeError",
        tmp_path)
    lines = _versions.RUNPY.lines
    runpy_file = _versions.runpy_filename()
    assert frames[:3] == [
        [runpy_file, "run_path", str(lines["run_path"]["file"])],
        [runpy_file, "_run_module_code",
         str(lines["_run_module_code"]["call"])],
        # (The globals are filled on the line before runpy's exec.)
        [runpy_file, "_run_code", str(lines["_run_code"]["exec"] - 1)]]
    assert frames[3] == [compat.__file__, "_runpy_globals",
                         str(_line_of(compat, "return _fill_globals("))]
    # (The last frame is the hook's.)
    assert frames[4:] == [
        [_executor.__file__, "fill_globals",
         str(_line_of(_executor, 'sys.audit("runpath_spec.run"'))],
        ["<string>", "hook", "3"]]


def test_a_failing_find_shows_our_frames_below_runpys_find_line(tmp_path):
    """A target that cannot be found fails in runpath_spec's finder: the
    runpy frame stands at the line runpy looks the path up on."""
    frames = _frames_of_failure(
        "import sys, traceback, runpath_spec.compat as c\n",
        "c.run_path('missing.py')", "OSError", tmp_path)
    assert frames[0] == [_versions.runpy_filename(), "run_path",
                         str(_versions.RUNPY.lines["run_path"]["find"])]
    assert all("runpath_spec" in filename for filename, _, _ in frames[1:])
    assert frames[1][:2] == [compat.__file__, "_path_run"]

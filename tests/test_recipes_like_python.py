"""Issue #25's "done when": each recipe tool (docs/recipes/: the
coverage-like runner, the profiler, the debugger) and the CLI, side by
side with plain ``python``, over every kind of target and every way a
program ends.  stdout, stderr (addresses normalised) and the exit status
are python's.

Deliberate differences, each named in the docs: the debugger's stdout has
pdb's prompts and stops in it (python's stdout is checked line by line
inside it), and it is not run on a program read from stdin (pdb reads its
commands there).  Before 3.10, bdb leaves a traced ``<module>`` frame's
traceback line at the frame's first line (``python -m pdb`` shows the
same): there the debugger's tracebacks are compared without those lines.
"""

import os
import re
import signal
import subprocess
import sys

import pytest

from conftest import PROJECT, compile_pyc, make_zip, project_env

RECIPES = os.path.join(PROJECT, "docs", "recipes")

ATEXIT = '''\
import atexit, sys
def _show():
    import __main__
    print("atexit", sys.argv, sys.path[0] == PATH0,
          hasattr(__main__, "__file__"),
          type(getattr(sys, "last_value", None)).__name__,
          type(getattr(sys, "last_exc", None)).__name__)
atexit.register(_show)
'''

SPAWN = '''\
import multiprocessing as mp
def double(x):
    return x * 2
if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(1) as pool:
        print(pool.map(double, [1, 2, 3]))
'''

#: name -> (python's arguments, stdin)
CASES = {
    "script-imports-sibling": (["app.py", "a"], ""),
    "dash-m-package": (["-m", "pkg", "b"], ""),
    "directory": (["appdir"], ""),
    "zipapp": (["app.pyz"], ""),
    "pyc": (["compiled.pyc"], ""),
    "command": (["-c", "import sibling; print(sibling.VALUE, "
                 "__name__)", "c"], ""),
    "stdin": (["-", "d"], "import sys; print('stdin', sys.argv)\n1/0\n"),
    "raises": (["raises.py"], ""),
    "exit-3": (["exit3.py"], ""),
    "exit-message": (["exitmsg.py"], ""),
    "keyboard-interrupt": (["interrupt.py"], ""),
    "atexit": (["atexit_error.py", "x"], ""),
    "atexit-dash-m": (["-m", "pkg.atexit_mod"], ""),
    "multiprocessing-spawn": (["spawn.py"], ""),
    "syntax-error": (["bad.py"], ""),
    "syntax-error-dash-m": (["-m", "badpkg"], ""),
    "missing-file": (["missing.py"], ""),
    "missing-module": (["-m", "no_such_mod_rps"], ""),
}

RUNNERS = ["cli", "coverage", "profiler", "debugger"]


def _targets_tree(root):
    def write(name, text):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    write("sibling.py", "VALUE = 42\n")
    write("app.py", "import sys, sibling\nprint(sibling.VALUE, sys.argv)\n")
    write("pkg/__init__.py", "")
    write("pkg/__main__.py", "import sys\nprint('pkg', sys.argv[1:], "
          "__spec__.name)\nraise ValueError('from pkg')\n")
    write("pkg/atexit_mod.py", ATEXIT.replace("PATH0", repr(str(root)))
          + "raise KeyError(1)\n")
    write("appdir/__main__.py", "print('dir', __spec__.name)\n")
    make_zip(str(root / "app.pyz"), {"__main__.py": "import sys\n"
                                     "print('zip', sys.argv)\n1/0\n"},
             prefix=b"#!/usr/bin/env python3\n")
    write("compiled_src.py", "print('pyc', __name__)\n")
    compile_pyc(str(root / "compiled_src.py"), str(root / "compiled.pyc"))
    write("raises.py", "def f():\n    raise KeyError('boom')\nf()\n")
    write("exit3.py", "import sys\nsys.exit(3)\n")
    write("exitmsg.py", "import sys\nsys.exit('msg')\n")
    write("interrupt.py", "print('before')\nraise KeyboardInterrupt\n")
    write("atexit_error.py", ATEXIT.replace("PATH0", repr(str(root)))
          + "raise KeyError(1)\n")
    write("spawn.py", SPAWN)
    write("bad.py", "x = 1 +\n")
    write("badpkg/__init__.py", "")
    write("badpkg/__main__.py", "x = (\n")


def _command(runner, args, tmp_path):
    if runner == "cli":
        return ["-m", "runpath_spec"] + args
    if runner == "coverage":
        return [os.path.join(RECIPES, "coverage_runner.py"), "--report",
                str(tmp_path / "report.txt")] + args
    if runner == "profiler":
        return [os.path.join(RECIPES, "profiler.py"), "-o",
                str(tmp_path / "stats.prof")] + args
    return [os.path.join(RECIPES, "debugger.py")] + args


def _run_tool(args, cwd, stdin):
    env = project_env()
    env.pop("COVERAGE_PROCESS_START", None)  # the recipes trace themselves
    out = subprocess.run([sys.executable] + args, cwd=str(cwd), env=env,
                         input=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True,
                         timeout=120)
    normal = re.compile(r"0x[0-9a-fA-F]+")
    return (out.returncode, normal.sub("0xADDR", out.stdout),
            normal.sub("0xADDR", out.stderr))


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("case", CASES)
def test_side_by_side_with_python(case, runner, tmp_path):
    args, stdin = CASES[case]
    if runner == "debugger" and case == "stdin":
        pytest.skip("pdb reads its own commands from stdin (documented)")
    _targets_tree(tmp_path)
    status, stdout, stderr = _run_tool(args, tmp_path, stdin)
    if runner == "debugger":
        stdin = "c\n"
    ours = _run_tool(_command(runner, args, tmp_path), tmp_path, stdin)
    if runner == "debugger" and sys.version_info < (3, 10) and \
            "Traceback" in stderr:
        # Before 3.10 bdb leaves a traced <module> frame's line at its
        # first line (python -m pdb shows the same): all but that line.
        stderr, ours = _module_line_cut(stderr), (
            ours[0], ours[1], _module_line_cut(ours[2]))
    assert (ours[0], ours[2]) == (status, stderr), ours
    if runner == "debugger":
        shown = ours[1].replace("(Pdb) ", "\n")
        lines = [line for line in stdout.splitlines()
                 if not line.startswith("atexit ")]
        for line in lines:
            assert line in shown.splitlines(), (line, ours[1])
    else:
        assert ours[1] == stdout
    if case == "keyboard-interrupt":
        assert status == -signal.SIGINT


def _module_line_cut(stderr):
    """*stderr* without the line number and source line of <module>
    frames."""
    lines, out = stderr.splitlines(), []
    skip = False
    for line in lines:
        if skip:
            skip = False
            continue
        if line.endswith(", in <module>"):
            out.append(line.rsplit(", line ", 1)[0])
            skip = True
            continue
        out.append(line)
    return out


def test_the_debugger_restarts_the_file_that_ran_first(tmp_path):
    """A program that changes directory is restarted as itself, not as a
    file of the same name in its new directory; sys.argv stays as given."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "prog.py").write_text(
        "import os, sys\nprint('ran a', sys.argv)\nos.chdir('../b')\n")
    (tmp_path / "b" / "prog.py").write_text("print('ran b')\n")
    status, stdout, stderr = _run_tool(
        [os.path.join(RECIPES, "debugger.py"), "prog.py", "x"],
        tmp_path / "a", "n\nn\nn\nrestart\nc\n")  # restart after chdir
    assert status == 0, stderr
    assert stdout.count("ran a ['prog.py', 'x']") == 2
    assert "ran b" not in stdout


def test_the_profiler_counts_the_program_alone(tmp_path):
    (tmp_path / "prog.py").write_text("def f():\n    return 1\nf()\n")
    status, _, stderr = _run_tool([os.path.join(RECIPES, "profiler.py"),
                              "prog.py"], tmp_path, "")
    assert status == 0, stderr
    assert "prog.py:1(f)" in stderr
    assert "runpath_spec" not in stderr and "importlib" not in stderr


def test_recipes_are_short_and_use_the_public_api_only():
    import ast
    for name in ("coverage_runner.py", "debugger.py", "profiler.py"):
        path = os.path.join(RECIPES, name)
        with open(path) as f:
            text = f.read()
        assert len(text.splitlines()) <= 60, name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("runpath_spec"):
                assert node.module == "runpath_spec", name
                assert all(not a.name.startswith("_") for a in node.names)

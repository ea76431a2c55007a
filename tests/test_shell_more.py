"""python's shell, continued (#25): a source-named pyc by profile,
recursion headroom, ``sys.orig_argv``, usage errors, and the traceback
python shows for ``-m``."""

import sys

import pytest

import runpath_spec
from runpath_spec import _shell

from conftest import run_in_project

#: A tool on the public API alone: the pattern the docs teach.


def test_the_runpy_profile_runs_a_source_named_pyc(tmp_path):
    (tmp_path / "src.pyc").write_text("print('ran')\n")
    out = run_in_project(["-m", "runpath_spec", "--profile", "runpy", "src.pyc"],
               tmp_path)
    assert (out.returncode, out.stdout) == (0, "ran\n")
    import runpy
    assert runpy.run_path(str(tmp_path / "src.pyc"))["__name__"] == \
        "<run_path>"


RECURSE = '''\
def f(n):
    try:
        return f(n + 1)
    except RecursionError:
        return n
print(f(0))
'''

MINIMAL_TOOL = '''\
import sys
from runpath_spec import MainTarget
target = MainTarget(sys.argv[1], sys.argv[2:])
code = target.code
with target.as_main(restore=False) as main_module:
    exec(code, vars(main_module))
'''


def test_recursion_headroom_is_a_few_frames_less(tmp_path):
    """docs/api.rst: "one or two less through a minimal tool on
    MainTarget, and up to ten less through the CLI"."""
    (tmp_path / "rec.py").write_text(RECURSE)
    (tmp_path / "tool.py").write_text(MINIMAL_TOOL)
    depth = {}
    for how, args in (("python", ["rec.py"]), ("tool", ["tool.py", "rec.py"]),
                      ("cli", ["-m", "runpath_spec", "rec.py"])):
        out = run_in_project(args, tmp_path)
        assert out.returncode == 0, out.stderr
        depth[how] = int(out.stdout)
    if sys.implementation.name == "pypy":
        # PyPy's limit counts its own stack, not frames: a few either way.
        assert abs(depth["python"] - depth["tool"]) <= 10, depth
        assert abs(depth["python"] - depth["cli"]) <= 20, depth
        return
    assert 0 <= depth["python"] - depth["tool"] <= 2, depth
    assert 0 <= depth["python"] - depth["cli"] <= 10, depth


def test_sys_orig_argv_is_the_tools(tmp_path):
    if sys.version_info < (3, 10):
        pytest.skip("sys.orig_argv exists from 3.10")
    (tmp_path / "p.py").write_text("import sys; print(sys.orig_argv[1:])\n")
    out = run_in_project(["-m", "runpath_spec", "p.py"], tmp_path)
    assert out.stdout.strip() == "['-m', 'runpath_spec', 'p.py']"


@pytest.mark.parametrize("args", [["-c", "x = 1"], ["-"]])
def test_explain_of_code_without_a_file_is_a_usage_error(args, tmp_path):
    out = run_in_project(["-m", "runpath_spec", "--explain"] + args, tmp_path)
    assert out.returncode == 2
    assert out.stderr.endswith("error: --explain expects a TARGET file or "
                               "-m MOD, got %s\n" % args[0])


def test_dash_c_without_code_is_a_usage_error(tmp_path):
    out = run_in_project(["-m", "runpath_spec", "-c"], tmp_path)
    assert out.returncode == 2
    assert out.stderr.endswith("error: -c expects an argument\n")


def test_python_traceback_heads_dash_m_with_runpys_frames(tmp_path,
                                                          monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "tb_mod_rps.py").write_text("def f():\n    1/0\nf()\n")
    target = runpath_spec.MainTarget("tb_mod_rps", module=True)
    with pytest.raises(ZeroDivisionError) as info:
        target.run()
    tb = target.python_traceback(info.value)
    entries = []
    while tb is not None:
        code = tb.tb_frame.f_code
        entries.append((code.co_filename, code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    runpy, lines = _shell.runpy_file()[0], _shell.runpy_lines()
    assert entries[:2] == [(runpy, "_run_module_as_main", lines["run"]),
                           (runpy, "_run_code", lines["exec"])]
    assert [e[1:] for e in entries[2:]] == [("<module>", 3), ("f", 2)]
    # own_traceback stays the program's frames alone.
    own = target.own_traceback(info.value.__traceback__)
    assert own.tb_frame.f_code is target.code


def test_is_program_keeps_a_tools_frames_out_of_a_script(tmp_path):
    (tmp_path / "s.py").write_text("import json\njson.loads('x')\n")
    target = runpath_spec.MainTarget(str(tmp_path / "s.py"))
    with pytest.raises(ValueError) as info:
        target.run()
    tb, kept = info.value.__traceback__, []
    while tb is not None:
        if target.is_program(tb):
            kept.append(tb.tb_lineno)
        tb = tb.tb_next
    assert kept == [2]  # json's frames and ours are not the program's

"""run_main: python TARGET in the running process."""

import os
import subprocess
import sys
import textwrap

import pytest

import runpath_spec
from runpath_spec import run_main

from conftest import PROJECT, make_path_target
import runpath_spec.compat  # noqa: E402,F401

BODY = '''\
import pickle, sys
class Thing:
    pass
argv = list(sys.argv)
path0 = sys.path[0] if sys.path else None
is_main = sys.modules["__main__"].__dict__ is globals()
blob = pickle.dumps(Thing())
'''


@pytest.fixture
def caller_state(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["the-tool", "--tool-flag"])
    monkeypatch.setattr(sys, "path", ["/the/tool/dir"] + sys.path)
    return sys.modules["__main__"]


@pytest.mark.parametrize("kind", ["script", "pyc", "directory", "zip"])
def test_run_main_paths(kind, tmp_path, caller_state):
    before_path = list(sys.path)
    path = make_path_target(kind, tmp_path, BODY)
    g = run_main(path, ["a", "b"])
    assert g["argv"] == [path, "a", "b"]
    assert g["is_main"] is True
    safe = sys.flags.isolated or getattr(sys.flags, "safe_path", False)
    if kind in ("directory", "zip"):
        assert g["path0"] == path
    elif not safe:
        assert g["path0"] == os.path.dirname(os.path.realpath(path))
    # restored
    assert sys.argv == ["the-tool", "--tool-flag"]
    assert sys.path == before_path
    assert sys.modules["__main__"] is caller_state


def test_run_main_module(module_tree, caller_state):
    g = run_main(module_tree + ".mod", ["x"], module=True)
    assert g["__name__"] == "__main__"
    assert g["seen_argv0"] == g["__file__"]
    assert g["__spec__"].name == module_tree + ".mod"
    assert g["seen_registered"] is True  # it is sys.modules['__main__']
    safe = sys.flags.isolated or getattr(sys.flags, "safe_path", False)
    assert g["seen_path0"] == (os.getcwd() if not safe else g["seen_path0"])
    assert sys.argv[0] == "the-tool"


def test_dash_m_sees_dash_m_while_parents_import(tmp_path, monkeypatch):
    pkg = tmp_path / "rps_argv_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import sys\nINIT_ARGV0 = sys.argv[0]\n")
    (pkg / "m.py").write_text("x = 1\n")
    # sys.path[0] is the caller's own start-up entry, which run_main
    # replaces with the current directory; the package lives further on.
    monkeypatch.setattr(sys, "path", sys.path[:1] + [str(tmp_path)]
                        + sys.path[1:])
    try:
        run_main("rps_argv_pkg.m", module=True)
        assert sys.modules["rps_argv_pkg"].INIT_ARGV0 == "-m"
    finally:
        for name in ("rps_argv_pkg", "rps_argv_pkg.m"):
            sys.modules.pop(name, None)


def test_mp_main_alias_follows_when_multiprocessing_made_it(tmp_path,
                                                           monkeypatch):
    fake = type(sys)("__main__")
    monkeypatch.setitem(sys.modules, "__mp_main__", fake)
    path = make_path_target("script", tmp_path,
                            "import sys\nsame = sys.modules['__mp_main__']"
                            ".__dict__ is globals()\n")
    assert run_main(path)["same"] is True
    assert sys.modules["__mp_main__"] is fake


def test_target_exceptions_propagate_unchanged(tmp_path, caller_state):
    path = make_path_target("script", tmp_path, "raise SystemExit(7)\n")
    with pytest.raises(SystemExit) as info:
        run_main(path)
    assert info.value.code == 7
    assert sys.modules["__main__"] is caller_state
    assert sys.argv[0] == "the-tool"


def test_missing_target(tmp_path):
    with pytest.raises(FileNotFoundError):
        run_main(str(tmp_path / "missing.py"))
    with pytest.raises(runpath_spec.RunpathError):
        run_main("nosuch_module_rps_x", module=True)


def test_pickled_objects_from_the_target_load_while_it_is_main(tmp_path):
    path = make_path_target("script", tmp_path, BODY + textwrap.dedent('''
        restored = pickle.loads(blob)
        ok = type(restored) is Thing
    '''))
    assert run_main(path)["ok"] is True


def test_multiprocessing_spawn_works_through_the_cli(tmp_path):
    script = tmp_path / "mp.py"
    script.write_text(textwrap.dedent('''
        import multiprocessing as mp

        class Box:
            def __init__(self, v):
                self.v = v

        def work(x):
            return Box(x * x)

        if __name__ == "__main__":
            ctx = mp.get_context("spawn")
            with ctx.Pool(2) as pool:
                print(sum(b.v for b in pool.map(work, range(5))))
    '''))
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(
        runpath_spec.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        [root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    out = subprocess.run([sys.executable, "-m", "runpath_spec", str(script)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "30"


def _python_sees(python_args, cwd):
    out = subprocess.run(
        [sys.executable] + python_args, cwd=str(cwd), check=True,
        stdout=subprocess.PIPE, universal_newlines=True).stdout
    return out.splitlines()


SHOW = ("import sys\n"
        "print(__file__)\n"
        "print(sys._getframe().f_code.co_filename)\n")


@pytest.mark.parametrize("spelling", ["./sub/p.py", "sub/../sub/p.py",
                                      "sub//p.py", "sub/p.py", "link.py",
                                      "absolute"])
def test_python_profile_file_names_match_python(spelling, tmp_path,
                                                monkeypatch, capsys):
    """Issue #13: the one rule for a script's __file__ and co_filename, as
    ``python X`` has them, from run_path, run_main and the CLI alike."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "p.py").write_text(SHOW)
    (tmp_path / "link.py").symlink_to(sub / "p.py")
    path = str(sub / "p.py") if spelling == "absolute" else spelling
    expected = _python_sees([path], tmp_path)
    via_cli = _python_sees(["-m", "runpath_spec", path], tmp_path)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    runpath_spec.run_path(path, profile="python", run_name="__main__")
    via_run_path = capsys.readouterr().out.splitlines()
    code_filename = runpath_spec.spec_from_path(path).loader.get_code(
        "__main__").co_filename  # the spec profile's: the origin
    assert via_cli == expected
    assert via_run_path == expected
    target = runpath_spec.MainTarget(path)
    assert target.code.co_filename == expected[1]
    assert code_filename == os.path.abspath(path)


# -- issue #14: sys.path[0], state after the run, MainTarget as an API ------

LAUNCHER = '''
import sys
sys.path.insert(0, %(extra)r)   # a launcher's own entry, first
import runpath_spec
runpath_spec.run_main(%(target)r)
'''


def test_a_launchers_own_first_entry_is_kept(tmp_path):
    """coverage's test_coverage_custom_script: only the entry python's
    start-up put first is replaced; a launcher's own stays, after the
    target's."""
    lib = tmp_path / "launcher_lib"
    lib.mkdir()
    (lib / "launcher_helper.py").write_text("VALUE = 'from launcher lib'\n")
    target = tmp_path / "prog" / "p.py"
    target.parent.mkdir()
    target.write_text("import sys, launcher_helper\n"
                      "print(launcher_helper.VALUE)\n"
                      "print(sys.path[0])\nprint(sys.path[1])\n")
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER % {"extra": str(lib), "target": str(target)})
    env = dict(os.environ, PYTHONPATH=PROJECT)
    out = subprocess.run([sys.executable, str(launcher)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "from launcher lib", str(target.parent), str(lib)]


def test_the_startup_entry_is_replaced(tmp_path):
    target = tmp_path / "prog" / "p.py"
    target.parent.mkdir()
    target.write_text("import sys\nprint(sys.path[0])\nprint(sys.path[1])\n")
    tool = tmp_path / "tool" / "t.py"
    tool.parent.mkdir()
    tool.write_text("import sys, runpath_spec\n"
                    "runpath_spec.run_main(%r)\n" % str(target))
    env = dict(os.environ, PYTHONPATH=PROJECT)
    out = subprocess.run([sys.executable, str(tool)], env=env,
                         stdout=subprocess.PIPE, universal_newlines=True,
                         timeout=60, check=True)
    first, second = out.stdout.splitlines()
    assert first == str(target.parent) and second != str(tool.parent)


AFTERLIFE = '''
import atexit, sys, threading
def report(where):
    main = sys.modules["__main__"]
    print(where, sys.argv, sys.path[0], main.__dict__ is globals(),
          "__file__" in globals(), flush=True)
atexit.register(report, "atexit")
def hook(*exc):
    report("excepthook")
sys.excepthook = hook
started = threading.Event()
def linger():
    started.set()
    import time
    time.sleep(0.3)
    report("thread")
threading.Thread(target=linger).start()
started.wait()
if "exit" in sys.argv:
    raise SystemExit(3)
if "raise" in sys.argv:
    raise ValueError("boom")
'''


@pytest.mark.parametrize("how", ["exit", "raise", "end"])
def test_the_cli_leaves_sys_as_the_target_left_it(how, tmp_path):
    """atexit handlers, sys.excepthook and a thread still running see the
    target's argv, sys.path[0] and __main__, as under python X -- which
    also takes __file__ out of a script's __main__ when it ends (not on
    SystemExit), so that they see a NameError then."""
    (tmp_path / "after.py").write_text(AFTERLIFE)
    env = dict(os.environ, PYTHONPATH=PROJECT)
    direct, ours = (subprocess.run(
        [sys.executable] + prefix + ["after.py", how], cwd=str(tmp_path),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
        for prefix in ([], ["-m", "runpath_spec"]))
    assert sorted(ours.stdout.splitlines()) == sorted(
        direct.stdout.splitlines())
    assert "after.py" in direct.stdout
    assert ours.returncode == direct.returncode


def test_run_main_restore_false_leaves_sys(tmp_path, caller_state):
    path = make_path_target("script", tmp_path, "x = 1\n")
    main_before = sys.modules["__main__"]
    try:
        g = runpath_spec.MainTarget(path, ["a"]).run(restore=False)
        assert sys.argv == [path, "a"]
        assert sys.modules["__main__"].__dict__ is g
    finally:
        sys.modules["__main__"] = main_before


def test_main_target_steps_for_a_tool_that_runs_the_code_itself(
        tmp_path, caller_state):
    """What a debugger or coverage tool does: find, get the attributes,
    set up sys, execute the code under its own control, re-run."""
    path = make_path_target("script", tmp_path,
                            "import sys\nseen = list(sys.argv)\n"
                            "def f():\n    return 1 / 0\n")
    target = runpath_spec.MainTarget(path, ["x"])
    attrs = target.attrs()
    assert attrs["__name__"] == "__main__" and attrs["__spec__"] is None
    assert attrs["__file__"] == os.path.abspath(path)
    with target.as_main() as module:
        assert sys.modules["__main__"] is module
        assert sys.argv == [path, "x"]
        exec(target.code, module.__dict__)
    assert module.seen == [path, "x"]
    assert sys.argv == ["the-tool", "--tool-flag"]
    assert sys.modules["__main__"] is caller_state
    try:
        exec("f()", module.__dict__)  # the tool's frame, then the target's
    except ZeroDivisionError as exc:
        tb = target.own_traceback(exc.__traceback__)
        assert tb.tb_frame.f_code.co_name == "f"
        assert tb.tb_frame.f_code.co_filename == target.code.co_filename
    again = target.again()
    assert again.spec.origin == target.spec.origin
    assert again.code is not target.code
    assert again.argv == target.argv


def test_a_syntax_error_is_raised_on_first_use_of_code(tmp_path):
    path = make_path_target("script", tmp_path, "x = (\n")
    target = runpath_spec.MainTarget(path)  # found: no error yet
    assert target.kind == "source"
    with pytest.raises(SyntaxError):
        target.code


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_pipe_cannot_be_run_again(tmp_path):
    import threading
    fifo = str(tmp_path / "p.py")
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: open(fifo, "w").close())
    writer.start()
    target = runpath_spec.MainTarget(fifo)
    writer.join()
    with pytest.raises(runpath_spec.RunpathError, match="found a pipe"):
        target.again()


def test_missing_file_names_the_absolute_path(tmp_path, monkeypatch):
    import runpy
    monkeypatch.chdir(tmp_path)
    for run in (runpy.run_path, runpath_spec.run_path,
                runpath_spec.compat.run_path):
        with pytest.raises(FileNotFoundError) as info:
            run("nosuchfile.py")
        assert info.value.filename == str(tmp_path / "nosuchfile.py"), run


def test_no_main_keeps_runpys_chained_cause(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(runpath_spec.MainNotFoundError) as info:
        runpath_spec.run_path(str(empty))
    cause = info.value.__cause__
    assert isinstance(cause, ImportError)
    assert str(cause) == "No module named __main__"


def test_no_main_traceback_has_no_inner_frames(tmp_path):
    """Issue #14 item 6: the error's traceback is the caller's, as runpy's,
    not the finders' inner frames."""
    import traceback
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(runpath_spec.MainNotFoundError) as info:
        runpath_spec.run_path(str(empty))
    files = [frame.filename for frame in
             traceback.extract_tb(info.value.__traceback__)]
    inner = [f for f in files if os.sep + "runpath_spec" + os.sep in f]
    assert len(inner) <= 2, files  # run_path, find_path

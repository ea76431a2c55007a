"""run_main: python TARGET in the running process."""

import os
import subprocess
import sys
import textwrap

import pytest

import runpath_spec
from runpath_spec import run_main

from conftest import make_path_target

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

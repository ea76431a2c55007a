"""runpath_spec.compat: every name runpy defines, with runpy's signatures."""

import inspect
import os
import runpy
import subprocess
import sys
import threading

import pytest

from runpath_spec import compat

from conftest import PROJECT


def _public_and_private_names(module):
    return {name for name in vars(module)
            if not (name.startswith("__") and name.endswith("__"))}


def test_defines_every_name_runpy_defines():
    missing = _public_and_private_names(runpy) - _public_and_private_names(
        compat)
    assert not missing
    assert compat.__all__ == runpy.__all__


@pytest.mark.parametrize("name", sorted(
    n for n, v in vars(runpy).items()
    if inspect.isfunction(v) and v.__module__ == "runpy"))
def test_function_signatures_match(name):
    assert inspect.signature(getattr(compat, name)) == inspect.signature(
        getattr(runpy, name))


@pytest.mark.parametrize("name", ["_TempModule", "_ModifiedArgv0"])
def test_helper_class_signatures_match(name):
    assert inspect.signature(getattr(compat, name)) == inspect.signature(
        getattr(runpy, name))


def test_error_class():
    assert issubclass(compat._Error, Exception)
    assert not issubclass(compat._Error, ImportError)


def test_compat_never_imports_runpy():
    code = ("import sys; sys.modules.pop('runpy', None)\n"
            "import runpath_spec, runpath_spec.compat, runpath_spec.pyc\n"
            "print('runpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True)
    assert out.stdout.strip() == "False"


def test_temp_module_and_argv0_restore(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["orig"])
    with compat._TempModule("rps_tmp_mod") as tm, compat._ModifiedArgv0("x"):
        assert sys.modules["rps_tmp_mod"] is tm.module
        assert sys.argv[0] == "x"
    assert "rps_tmp_mod" not in sys.modules
    assert sys.argv == ["orig"]
    m = compat._ModifiedArgv0("y")
    with m:
        with pytest.raises(RuntimeError):
            m.__enter__()


def test_get_code_from_file_signature_of_this_version(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("x = 1\n")
    if sys.version_info >= (3, 15):
        code = compat._get_code_from_file(str(script), "mod_name")
    elif sys.version_info >= (3, 12, 6):
        code = compat._get_code_from_file(str(script))
    else:
        code, fname = compat._get_code_from_file("<run_path>", str(script))
        assert fname == str(script)
    assert code.co_filename == str(script)


def test_patching_get_code_from_file_takes_effect(tmp_path, monkeypatch):
    """What Hy does to runpy: swap _get_code_from_file for its own reader."""
    script = tmp_path / "s.hy"
    script.write_text("this is not python")
    if sys.version_info >= (3, 15):
        def patched(fname, module):
            return compile("via_patch = True", fname, "exec", module=module)
    elif sys.version_info >= (3, 12, 6):
        def patched(fname):
            return compile("via_patch = True", fname, "exec")
    else:
        def patched(run_name, fname):
            return compile("via_patch = True", fname, "exec"), fname
    monkeypatch.setattr(compat, "_get_code_from_file", patched)
    assert compat.run_path(str(script))["via_patch"] is True


def test_patching_get_module_details_takes_effect(monkeypatch):
    calls = []
    real = compat._get_module_details

    def patched(mod_name, error=ImportError):
        calls.append(mod_name)
        return real(mod_name, error)
    monkeypatch.setattr(compat, "_get_module_details", patched)
    compat.run_module("json.tool", run_name="not_main")
    assert calls == ["json.tool"]


def test_run_module_as_main_reports_errors_like_runpy(tmp_path):
    code = ("import runpath_spec.compat as c, sys\n"
            "sys.modules['runpy'] = c\n"
            "c._run_module_as_main('nosuch_module_rps')\n")
    out = subprocess.run([sys.executable, "-c", code],
                         stderr=subprocess.PIPE, universal_newlines=True)
    assert out.returncode == 1
    assert out.stderr.strip() == "%s: No module named nosuch_module_rps" % (
        sys.executable)


def test_main_module_details_keeps_main_in_sys_modules(tmp_path,
                                                       monkeypatch):
    (tmp_path / "__main__.py").write_text("x = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    main = sys.modules["__main__"]
    seen = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen.append("__main__" in sys.modules)
    t = threading.Thread(target=watch)
    t.start()
    try:
        for _ in range(50):
            name, spec, code = compat._get_main_module_details()
    finally:
        stop.set()
        t.join()
    assert name == "__main__" and spec.origin == str(tmp_path / "__main__.py")
    assert all(seen) and sys.modules["__main__"] is main


STANDIN = ("import sys, runpath_spec.compat as c; sys.modules['runpy'] = c; "
           "sys.argv[1:1] = []\n")


def test_dash_m_runpy_under_the_stand_in(tmp_path):
    """Issue #14 item 3: ``python -m runpy MOD`` with the stand-in as runpy
    (what the interpreter does: _run_module_as_main("runpy"))."""
    (tmp_path / "hello_rps.py").write_text("import sys\n"
                                           "print('hello', sys.argv[1:])\n")
    code = STANDIN + ("sys.argv = ['-m', 'hello_rps', 'x']\n"
                      "c._run_module_as_main('runpy')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([PROJECT,
                                                       str(tmp_path)]))
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         cwd=str(tmp_path), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "hello ['x']\n"


def test_run_module_of_runpy_under_the_stand_in():
    code = STANDIN + ("g = c.run_module('runpy', run_name='not_main')\n"
                      "print(g['__name__'], 'run_path' in g)\n")
    env = dict(os.environ, PYTHONPATH=PROJECT)
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "not_main True\n"


def test_stand_in_frames_are_runpys_in_a_dash_m_traceback(tmp_path):
    """Issue #14 item 4: standing in for runpy, the
    runner frames of a ``python -m`` traceback are python's own, line for
    line (``<frozen runpy>`` on 3.11+, runpy.py's lines before)."""
    (tmp_path / "boom_rps.py").write_text("def f():\n    1 / 0\nf()\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([PROJECT,
                                                       str(tmp_path)]))
    direct = subprocess.run([sys.executable, "-m", "boom_rps"], env=env,
                            cwd=str(tmp_path), stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=60)
    code = ("import sys, runpath_spec.compat as c\n"
            "sys.modules['runpy'] = c\n"
            "sys.argv = ['-m']\n"
            "c._run_module_as_main('boom_rps')\n")
    ours = subprocess.run([sys.executable, "-c", code], env=env,
                          cwd=str(tmp_path), stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)
    theirs = direct.stderr.splitlines()
    mine = ours.stderr.splitlines()
    # Ours has one more frame first: the -c line that called it.
    assert mine[0] == theirs[0] == "Traceback (most recent call last):"
    start = next(i for i, line in enumerate(mine)
                 if line.endswith(", in _run_module_as_main"))
    assert mine[start:] == theirs[1:], "\n".join(mine + ["---"] + theirs)

"""Acceptance: CPython's own suites pass with runpath_spec.compat as runpy.

A scratch virtual environment puts the project on ``sys.path`` and gets
the stand-in -- the lazy one, installed by ``python -m runpath_spec
--install-runpy``, and the eager one-line ``.pth`` form -- then the
running interpreter's ``test.test_runpy`` and ``test.test_cmd_line_script``
run in it, less the two exempt tests (see cpython_suite_driver.py), and
``test.test_import``, which checks what a bare start imports.
"""

import os
import textwrap

import pytest

from conftest import make_standin_venv, run_python

HERE = os.path.dirname(os.path.abspath(__file__))


def _has_test_package(*names):
    import importlib
    try:
        for name in names or ("test.test_runpy", "test.test_cmd_line_script"):
            importlib.import_module(name)
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module", params=["lazy", "eager"])
def standin_python(request, tmp_path_factory):
    """A scratch venv's python with runpath_spec.compat installed as runpy."""
    if not _has_test_package():
        pytest.skip("this interpreter has no CPython 'test' package")
    return make_standin_venv(
        tmp_path_factory.mktemp("standin") / "venv",
        lazy=request.param == "lazy")


@pytest.mark.slow
def test_interpreter_runs_dash_m_and_entries_through_the_standin(
        standin_python, tmp_path):
    """python -m, python dir/ and python app.zip reach runpath_spec.compat."""
    (tmp_path / "probe_mod.py").write_text(
        "import sys; print(sys.modules['runpy'].__name__)\n")
    out = run_python(standin_python, "-m", "probe_mod", cwd=str(tmp_path))
    assert out.stdout.strip() == "runpath_spec.compat", out.stderr
    # gh-75221 at interpreter level: a directory without __main__ must not
    # run the __main__.py that PYTHONPATH puts later on sys.path.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "__main__.py").write_text("print('hijacked')\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = dict(os.environ, PYTHONPATH=str(elsewhere))
    out = run_python(standin_python, str(empty), env=env)
    assert "hijacked" not in out.stdout
    assert out.returncode == 1
    assert "can't find '__main__' module in %r" % str(empty) in out.stderr


@pytest.mark.slow
def test_cpython_runpy_suites_pass_with_the_standin(standin_python, tmp_path):
    # The suites make fixed-name scratch directories in the current one.
    out = run_python(standin_python,
                     os.path.join(HERE, "cpython_suite_driver.py"),
                     cwd=str(tmp_path))
    tail = _suite_tail(out)
    assert out.returncode == 0, tail
    assert "SUITES" in out.stdout and " 0 failures, 0 errors" in out.stdout, tail


def _suite_tail(out):
    return textwrap.indent("\n".join((out.stdout + out.stderr).splitlines()
                                     [-60:]), "    ")


@pytest.mark.slow
def test_cpython_test_import_passes_with_the_lazy_standin(tmp_path):
    """The lazy stand-in imports nothing at start (test_import's
    subinterpreter tests fail when threading is already imported)."""
    if not _has_test_package("test.test_import"):
        pytest.skip("this interpreter has no CPython 'test' package")
    python = make_standin_venv(tmp_path / "venv")
    out = run_python(python, os.path.join(HERE, "cpython_suite_driver.py"),
               "test.test_import", cwd=str(tmp_path))
    assert out.returncode == 0, _suite_tail(out)
    assert "stand-in: lazy" in out.stdout, _suite_tail(out)
    assert " 0 failures, 0 errors" in out.stdout, _suite_tail(out)

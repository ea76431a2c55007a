"""Start-up (#16): the lazy runpy stand-in, its installer, a cheap CLI.

Speed is the benchmark's business (``benchmarks/bench.py --startup``);
these tests check what can be checked exactly: which modules load, what
the stand-in forwards, which files the installer writes and removes.
"""

import io
import os
import subprocess
import sys
import zipfile

import pytest

from runpath_spec import _install

from conftest import (PROJECT, make_scratch_venv, make_standin_venv,
                      run_python, shim_dir)

SHIM_SOURCE = os.path.join(PROJECT, "runpath_spec_runpy.py")


def _python(code, *, path=(PROJECT,), flags=("-S",), cwd="/"):
    """Run *code* in a fresh interpreter (no site: nothing else loads)
    with *path* first on sys.path; return its stdout."""
    setup = "import sys; sys.path[:0] = %r\n" % (list(path),)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    out = subprocess.run([sys.executable] + list(flags) + ["-c", setup + code],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=env, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_standin_imports_nothing_until_runpy_is_used(tmp_path):
    out = _python(
        "import importlib; before = set(sys.modules)\n"
        "import _runpath_spec_runpy as shim; shim.install()\n"
        "import runpy; importlib.import_module('runpy')\n"
        "print(sorted(set(sys.modules) - before))\n"
        "print(type(runpy).__name__, runpy.__spec__.name)\n",
        path=[shim_dir(tmp_path), PROJECT])
    assert out.splitlines() == ["['_runpath_spec_runpy', 'runpy']",
                                "LazyRunpy runpy"]


def test_after_first_use_runpy_is_runpath_spec_compat(tmp_path):
    out = _python(
        "import _runpath_spec_runpy as shim; shim.install()\n"
        "import runpy\n"
        "held = runpy\n"
        "import runpath_spec.compat as compat\n"
        "print(runpy.run_path is compat.run_path)\n"
        "print(held.__name__, held.__spec__.name == 'runpy',\n"
        "      held.__file__ == compat.__file__)\n"
        "import runpy\n"
        "print(runpy is held)\n",
        path=[shim_dir(tmp_path), PROJECT])
    assert out.split() == ["True", "runpath_spec.compat", "True", "True",
                           "True"]


def test_writes_through_the_standin_reach_compat(tmp_path):
    """Hy patches runpy._get_code_from_file on the module it imported."""
    out = _python(
        "import _runpath_spec_runpy as shim; shim.install()\n"
        "import runpy\n"
        "runpy._get_code_from_file = patched = lambda *a: None\n"
        "import runpath_spec.compat as compat\n"
        "print(compat._get_code_from_file is patched)\n"
        "del runpy._get_code_from_file\n"
        "print(hasattr(compat, '_get_code_from_file'),\n"
        "      'run_module' in dir(runpy))\n"
        # Hy then takes runpy out of sys.modules and imports it again.
        "del sys.modules['runpy']; import runpy\n"
        "print(runpy.__name__)\n",
        path=[shim_dir(tmp_path), PROJECT])
    assert out.split() == ["True", "False", "True", "runpy"]


def test_without_runpath_spec_the_standin_is_the_stdlib_runpy(tmp_path):
    """runpath_spec uninstalled, the stand-in left behind: plain runpy."""
    script = tmp_path / "s.py"
    script.write_text("x = 42\n")
    out = _python(
        "import _runpath_spec_runpy as shim; shim.install()\n"
        "import runpy\n"
        "print(runpy.run_path(%r)['x'])\n"
        "print(sys.modules['runpy'].__name__, 'runpath_spec' in sys.modules)"
        "\n" % str(script), path=[shim_dir(tmp_path)], cwd=str(tmp_path))
    assert out.split() == ["42", "runpy", "False"]


def test_install_leaves_a_standin_or_compat_in_place(tmp_path):
    out = _python(
        "import _runpath_spec_runpy as shim\n"
        "first = shim.install(); print(shim.install() is first)\n"
        "import runpath_spec.compat as compat, runpy\n"
        "sys.modules['runpy'] = compat\n"
        "print(shim.install() is compat)\n",
        path=[shim_dir(tmp_path), PROJECT])
    assert out.split() == ["True", "True"]


#: How many of the package's modules (the CLI's own aside) the CLI may
#: import to run a script, each costing the import system's fixed 0.3-0.4
#: million instructions: eleven before issue #23 (docs/performance.md
#: names them), fourteen with #23's kinds of target (_kinds) and version
#: table (_versions) and #26's recorder (_trace: the finders ask it at
#: each decision whether a trace is on).  A module more is a decision for
#: the start-up benchmark, not for this number.
MAX_OWN_MODULES_FOR_A_SCRIPT = 14


def test_the_cli_imports_only_what_a_script_needs(tmp_path):
    """No module the target may never need: the CLI's own start-up
    imports runpath_spec's engine and nothing of the standard library
    (the promise, not today's file list: at most
    MAX_OWN_MODULES_FOR_A_SCRIPT of ours)."""
    (tmp_path / "hello.py").write_text("print('hello')\n")
    out = _python(
        "before = set(sys.modules)\n"
        "from runpath_spec.__main__ import main\n"
        "status = main(['hello.py'])\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n",
        flags=(), cwd=str(tmp_path))
    hello, added = out.splitlines()
    assert hello == "hello"
    added = set(added.split())
    # Modules compiled into the interpreter (atexit) cost no file and next
    # to no time: the CLI may use them.
    assert not {m for m in added if not m.startswith("runpath_spec")
                and m not in sys.builtin_module_names}, added
    own = {m for m in added if m == "runpath_spec" or m.startswith(
        "runpath_spec.") and m != "runpath_spec.__main__"}  # (the CLI)
    assert len(own) <= MAX_OWN_MODULES_FOR_A_SCRIPT, sorted(own)
    # Nor what only another kind of target, or an error, needs: the pyc
    # module and the error classes are a fifth of the CLI's own imports;
    # the runpy stand-in is for runpy's callers.
    assert own.isdisjoint({"runpath_spec.compat", "runpath_spec.pyc",
                           "runpath_spec.errors"}), added


@pytest.mark.parametrize("target, needs", [
    ("hello.pyc", "runpath_spec.pyc"),
    ("missing.py", "runpath_spec.errors"),
    ("dir", "runpath_spec.errors"),
], ids=["bytecode", "missing-file", "directory-without-main"])
def test_what_the_cli_leaves_out_loads_when_needed(tmp_path, target, needs):
    """The lazily imported modules load on the run that needs them, and
    the run behaves as if they had always been there."""
    import py_compile
    (tmp_path / "hello.py").write_text("print('hello')\n")
    py_compile.compile(str(tmp_path / "hello.py"),
                       str(tmp_path / "hello.pyc"), doraise=True)
    (tmp_path / "dir").mkdir()
    out = _python(
        "from runpath_spec.__main__ import main\n"
        "status = main([%r])\n"
        "print(status, %r in sys.modules)\n" % (target, needs),
        flags=(), cwd=str(tmp_path))
    if target == "hello.pyc":
        assert out.split() == ["hello", "0", "True"], out
    else:
        assert out.split()[-2:] in (["1", "True"], ["2", "True"]), out


def test_import_runpath_spec_loads_nothing_else():
    out = _python("before = set(sys.modules); import runpath_spec\n"
                  "print(sorted(set(sys.modules) - before))\n"
                  "runpath_spec.run_path; runpath_spec.pyc\n")
    assert out.strip() == "['runpath_spec']"


# -- the installer, in a directory of the test's --------------------------

def test_install_writes_the_pth_and_the_standin_and_is_idempotent(site):
    out = io.StringIO()
    assert _install.install(out=out) == 0
    pth, shim = site / _install.PTH, site / (_install.SHIM + ".py")
    assert pth.read_text() == _install.PTH_TEXT
    assert shim.read_text().startswith(_install.HEADER)
    assert "wrote %s" % shim in out.getvalue()
    assert "wrote %s" % pth in out.getvalue()
    assert list((site / "__pycache__").iterdir())
    again = io.StringIO()
    _install.install(out=again)
    assert "kept %s" % pth in again.getvalue()
    assert sorted(p.name for p in site.iterdir()) == sorted(
        [_install.PTH, _install.SHIM + ".py", "__pycache__"])


def test_status_says_where(site):
    out = io.StringIO()
    assert _install.status(out=out) == 1
    assert "not installed in site-packages (%s)" % site in out.getvalue()
    _install.install(out=io.StringIO())
    out = io.StringIO()
    assert _install.status(out=out) == 0
    assert "installed in site-packages (%s)" % site in out.getvalue()


def test_uninstall_removes_exactly_what_install_wrote(site):
    (site / "other.pth").write_text("import os\n")
    (site / "__pycache__").mkdir()
    (site / "__pycache__" / "other.cpython-311.pyc").write_bytes(b"")
    _install.install(out=io.StringIO())
    out = io.StringIO()
    assert _install.uninstall(out=out) == 0
    assert sorted(p.name for p in site.iterdir()) == ["__pycache__",
                                                     "other.pth"]
    assert [p.name for p in (site / "__pycache__").iterdir()] == [
        "other.cpython-311.pyc"]
    assert out.getvalue().count("removed ") == 3
    out = io.StringIO()
    _install.uninstall(out=out)
    assert "nothing to remove" in out.getvalue()


def test_uninstall_leaves_files_of_the_same_name_it_did_not_write(site):
    (site / _install.PTH).write_text("import something_else\n")
    _install.uninstall(out=io.StringIO())
    assert (site / _install.PTH).exists()


def test_an_earlier_versions_pth_line_is_recognised_and_replaced(site):
    _install.install(out=io.StringIO())
    pth = site / _install.PTH
    pth.write_text("import _runpath_spec_runpy; _runpath_spec_runpy.install()\n")
    out = io.StringIO()
    assert _install.status(out=out) == 0, out.getvalue()
    _install.install(out=io.StringIO())
    assert pth.read_text() == _install.PTH_TEXT
    assert _install.PTH_TEXT.endswith("\nimport _runpath_spec_runpy\n")
    pth.write_text("import _runpath_spec_runpy; _runpath_spec_runpy.install()\n")
    out = io.StringIO()
    _install.uninstall(out=out)
    assert not pth.exists() and out.getvalue().count("removed ") == 3


def test_importing_the_shim_installs_it(tmp_path):
    """The .pth line is the bare import."""
    out = _python(
        "import _runpath_spec_runpy as shim\n"
        "print(type(sys.modules['runpy']) is shim.LazyRunpy,"
        " 'runpath_spec' in sys.modules)\n",
        path=[shim_dir(tmp_path), PROJECT])
    assert out.split() == ["True", "False"]


def test_user_site_refused_where_there_is_none(monkeypatch):
    import site as site_module
    monkeypatch.setattr(site_module, "ENABLE_USER_SITE", False)
    with pytest.raises(_install.InstallError, match="--user"):
        _install.site_dir(user=True)


@pytest.mark.parametrize("argv, message", [
    (["--install-runpy", "x.py"], "--install-runpy takes no TARGET"),
    (["--runpy-status", "-m", "json"], "--runpy-status takes no TARGET"),
    (["--user", "x.py"], "--user goes with --install-runpy"),
])
def test_cli_installer_usage_errors(argv, message, capsys):
    from runpath_spec.__main__ import main
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_installer_options(site, capsys):
    from runpath_spec.__main__ import main
    assert main(["--install-runpy"]) == 0
    assert main(["--runpy-status"]) == 0
    assert "installed in site-packages" in capsys.readouterr().out
    assert main(["--uninstall-runpy"]) == 0
    assert main(["--runpy-status"]) == 1


# -- in a scratch virtual environment --------------------------------------

MODULES = "import sys; print(' '.join(sorted(sys.modules)))"
AUDIT = """\
import sys
def _hook(event, args):
    if event == "runpath_spec.run":
        sys.stderr.write("AUDIT runpath_spec.run %r\\n" % (args[0],))
sys.addaudithook(_hook)
"""


@pytest.mark.slow
def test_installer_in_a_scratch_venv(tmp_path):
    python = make_scratch_venv(tmp_path / "venv")
    bare = set(out_of(python, MODULES).split())
    out = run_python(python, "-m", "runpath_spec", "--install-runpy")
    assert out.returncode == 0 and _install.PTH in out.stdout, out.stderr
    # A bare start adds the stand-in and nothing else.
    added = set(out_of(python, MODULES).split()) - bare
    assert added == {"_runpath_spec_runpy", "runpy"}
    out = run_python(python, "-c", "import runpy, runpath_spec.compat as c; "
               "print(runpy.run_path is c.run_path)")
    assert out.stdout.strip() == "True", out.stderr
    # python -m and a zip application run through runpath_spec.
    purelib = os.path.dirname(out_of(python, "import _runpath_spec_runpy as"
                                     " m; print(m.__file__)"))
    with open(os.path.join(purelib, "sitecustomize.py"), "w") as f:
        f.write(AUDIT)
    out = run_python(python, "-m", "json.tool", input='{"a": 1}')
    assert out.returncode == 0 and '"a": 1' in out.stdout, out.stderr
    assert "AUDIT runpath_spec.run" in out.stderr and "json" in out.stderr
    app = tmp_path / "app.zip"
    with zipfile.ZipFile(str(app), "w") as zf:
        zf.writestr("__main__.py", "print('zipped')\n")
    out = run_python(python, str(app))
    assert out.stdout.strip() == "zipped", out.stderr
    assert "AUDIT runpath_spec.run %r" % os.path.join(
        str(app), "__main__.py") in out.stderr
    os.remove(os.path.join(purelib, "sitecustomize.py"))
    # Uninstalled: runpy is the standard library's again.
    out = run_python(python, "-m", "runpath_spec", "--uninstall-runpy")
    assert out.stdout.count("removed ") == 3, out.stdout
    stdlib = out_of(python, "import sysconfig, os; print(os.path.join("
                    "sysconfig.get_paths()['stdlib'], 'runpy.py'))")
    assert out_of(python, "import runpy; print(runpy.__file__)") == stdlib
    assert set(out_of(python, MODULES).split()) == bare


@pytest.mark.slow
def test_a_bare_start_adds_only_the_shim_and_what_any_pth_costs(tmp_path):
    """In an environment with no other ``.pth`` file (runpath_spec reached
    by links in site-packages, as a normal install has it), a bare start
    adds the stand-in's two names, and what site itself loads for any
    ``.pth`` file: from 3.13, the codec it decodes them with."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip",
                    str(tmp_path / "venv")], check=True)
    python = str(tmp_path / "venv" / "bin" / "python")
    purelib = out_of(python, "import sysconfig; "
                     "print(sysconfig.get_paths()['purelib'])")
    for name in ("runpath_spec", "runpath_spec_runpy.py"):
        os.symlink(os.path.join(PROJECT, name), os.path.join(purelib, name))
    assert not [n for n in os.listdir(purelib) if n.endswith(".pth")]
    bare = set(out_of(python, MODULES).split())
    comment = os.path.join(purelib, "comment.pth")
    with open(comment, "w") as f:
        f.write("# nothing to run\n")
    any_pth = set(out_of(python, MODULES).split()) - bare
    os.remove(comment)
    # site decodes a .pth with the locale's codec (3.8: _bootlocale) or,
    # from 3.13, with utf-8-sig: standard library modules, none of ours.
    assert any_pth <= {"encodings.utf_8_sig", "_bootlocale", "_locale"}
    assert ("encodings.utf_8_sig" in any_pth) == (
        sys.version_info >= (3, 13)
        and sys.implementation.name == "cpython"), any_pth
    out = run_python(python, "-m", "runpath_spec", "--install-runpy")
    assert out.returncode == 0, out.stderr
    added = set(out_of(python, MODULES).split()) - bare
    assert added - any_pth == {"_runpath_spec_runpy", "runpy"}


def out_of(python, code):
    out = run_python(python, "-c", code, cwd=os.path.dirname(python))
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.slow
def test_runpath_spec_uninstalled_while_the_standin_is_installed(tmp_path):
    """The interpreter keeps working, silently, with the stdlib's runpy."""
    python = make_standin_venv(tmp_path / "venv")
    dev_pth = os.path.join(os.path.dirname(out_of(
        python, "import _runpath_spec_runpy as m; print(m.__file__)")),
        "runpath_spec_dev.pth")
    os.remove(dev_pth)  # runpath_spec is no longer importable
    (tmp_path / "hellomod.py").write_text("print('hello')\n")
    out = run_python(python, "-m", "hellomod", cwd=str(tmp_path))
    assert (out.stdout, out.stderr, out.returncode) == ("hello\n", "", 0)
    assert out_of(python, "import runpy; runpy.run_path; "
                  "print(runpy.__name__)") == "runpy"

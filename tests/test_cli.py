"""Is like python: ``python X`` and ``python -m runpath_spec X`` must agree.

A probe program prints its dunders, ``__spec__`` fields, ``sys.argv``, the
whole ``sys.path``, whether it is ``sys.modules["__main__"]`` and whether
its classes pickle; the two reports must be identical, for every kind of
target, under no flag, ``-I`` and ``-P`` (3.11+).
"""

import json
import os
import sys

import pytest

import runpath_spec

from conftest import (compile_pyc, make_zip, project_env,
                      project_is_installed, run_in_project)

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "probe_target.py")) as _f:
    PROBE = _f.read()


def _ours(args, cwd, flags=(), **kw):
    """``python -m runpath_spec ARGS``."""
    return run_in_project(["-m", "runpath_spec"] + list(args), cwd, flags,
                          **kw)


def report(out):
    for line in out.stdout.splitlines():
        if line.startswith("PROBE "):
            return json.loads(line[len("PROBE "):])
    raise AssertionError("no probe report: %r %r" % (out.stdout, out.stderr))


@pytest.fixture
def tree(tmp_path):
    """Every kind of target, built around the probe."""
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "probe.py").write_text(PROBE)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "probe.py").write_text(PROBE)
    (tmp_path / "work" / "probe_noext").write_text(PROBE)
    os.symlink(str(tmp_path / "other" / "probe.py"),
               str(tmp_path / "work" / "link.py"))
    os.symlink(str(tmp_path / "other"), str(tmp_path / "work" / "linkdir"))
    compile_pyc(str(tmp_path / "other" / "probe.py"),
                str(tmp_path / "work" / "probe.pyc"))
    # work/probe.py is the same text: with the same mtime it matches the pyc.
    st = os.stat(str(tmp_path / "other" / "probe.py"))
    os.utime(str(tmp_path / "work" / "probe.py"), ns=(st.st_atime_ns,
                                                      st.st_mtime_ns))
    app = tmp_path / "work" / "app"
    app.mkdir()
    (app / "__main__.py").write_text(PROBE)
    make_zip(str(tmp_path / "work" / "app.zip"), {"__main__.py": PROBE})
    make_zip(str(tmp_path / "work" / "app.pyz"), {"__main__.py": PROBE},
             prefix=b"#!/usr/bin/env python3\n")
    pkg = tmp_path / "work" / "probepkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "__main__.py").write_text(PROBE)
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "mod.py").write_text(PROBE)
    (tmp_path / "work" / "probemod.py").write_text(PROBE)
    return tmp_path


TARGETS = {
    "script-relative": ["probe.py"],
    "script-absolute": ["{root}/work/probe.py"],
    "script-other-dir": ["../other/probe.py"],
    "script-symlink": ["link.py"],
    "script-in-symlinked-dir": ["linkdir/probe.py"],
    "suffixless": ["probe_noext"],
    "pyc": ["probe.pyc"],
    "directory": ["app"],
    "zip": ["app.zip"],
    "pyz": ["app.pyz"],
    "dash-m-module": ["-m", "probemod"],
    "dash-m-package": ["-m", "probepkg"],
    "dash-m-submodule": ["-m", "probepkg.sub.mod"],
}
FLAGS = {"no-flag": [], "-I": ["-I"], "-P": ["-P"]}

#: Where PyPy's own start-up differs from CPython's and runpath_spec still
#: follows CPython's (issue #19): `pypy ../other/p.py` compiles the script
#: as os.path.normpath(os.path.abspath(path)); its sys.path[0] follows only
#: the script file's own symlinks, not a symlinked directory; "can't open
#: file" shows the path without quotes.  Strict: each fails once runpath_spec
#: follows PyPy there, and its entry must go.
@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("target", TARGETS)
def test_probe_reports_are_identical(target, flag, tree, request):
    if flag == "-P" and sys.version_info < (3, 11):
        pytest.skip("-P exists from Python 3.11")
    if flag == "-I" and not project_is_installed():
        pytest.skip("under -I runpath_spec must be installed in this "
                    "interpreter (pip install -e .); it is only on PYTHONPATH")
    args = [a.format(root=tree) for a in TARGETS[target]] + ["arg1", "--x"]
    cwd = tree / "work"
    direct = run_in_project(args, cwd, FLAGS[flag])
    ours = _ours(args, cwd, FLAGS[flag])
    if target.startswith("dash-m") and flag != "no-flag" and \
            direct.returncode:
        # -I/-P leave the current directory off sys.path: python cannot
        # find the module (unless PYTHONPATH has it), nor may we -- with
        # the same words.
        assert ours.returncode == direct.returncode == 1
        assert direct.stderr == ours.stderr
        return
    assert (direct.returncode, ours.returncode) == (0, 0), (
        direct.stderr, ours.stderr)
    expected, actual = report(direct), report(ours)
    if flag == "no-flag" and target.startswith("script"):
        # The script's real directory -- on PyPy, which follows only the
        # script file's own symlinks, the symlinked directory as it is.
        where = os.path.realpath(str(tree / "other"))
        if sys.implementation.name == "pypy" \
                and target == "script-in-symlinked-dir":
            where = str(tree / "work" / "linkdir")
        assert expected["path"][0] == where \
            or target in ("script-relative", "script-absolute")
    assert actual == expected
    assert actual["is_main"] is True
    assert actual["pickles"] == "Probe"
    assert direct.stderr == ours.stderr


@pytest.mark.parametrize("body, status", [
    ("def f():\n    raise KeyError('boom')\nf()\n", 1),
    ("import sys\nsys.exit(3)\n", 3),
    ("import sys\nsys.exit('bye')\n", 1),
    ("raise SystemExit\n", 0),
    ("print('out'); import sys; print('err', file=sys.stderr)\n", 0),
    ("class E(Exception): pass\ntry:\n    1/0\nexcept Exception as e:\n"
     "    raise E('chained') from e\n", 1),
], ids=["traceback", "exit-3", "exit-message", "bare-systemexit", "output",
        "chained"])
def test_same_output_traceback_and_status(body, status, tmp_path):
    (tmp_path / "t.py").write_text(body)
    direct = run_in_project(["t.py", "a"], tmp_path)
    ours = _ours(["t.py", "a"], tmp_path)
    assert direct.returncode == ours.returncode == status
    assert direct.stdout == ours.stdout
    assert direct.stderr == ours.stderr
    assert "runpath_spec" not in ours.stderr


@pytest.mark.parametrize("args", [
    ["missing.py"], ["empty_dir"], ["nomain.zip"], ["-m", "nosuch_mod_rps"],
    ["-m", "pkg_without_main"], ["-m", ".relative"],
], ids=["missing-file", "dir-without-main", "zip-without-main",
        "missing-module", "package-without-main", "relative-module"])
def test_same_message_and_status_for_bad_targets(args, tmp_path, request):
    (tmp_path / "empty_dir").mkdir()
    make_zip(str(tmp_path / "nomain.zip"), {"x.py": ""})
    (tmp_path / "pkg_without_main").mkdir()
    (tmp_path / "pkg_without_main" / "__init__.py").write_text("")
    direct = run_in_project(args, tmp_path)
    ours = _ours(args, tmp_path)
    assert direct.returncode == ours.returncode
    assert direct.stdout == ours.stdout
    # runpath_spec says a little more after python's own words.
    assert ours.stderr.startswith(direct.stderr.rstrip("\n")), (
        direct.stderr, ours.stderr)


def test_bad_pyc_is_reported_without_traceback(tmp_path):
    (tmp_path / "s.py").write_text("x = 1\n")
    pyc = compile_pyc(str(tmp_path / "s.py"), str(tmp_path / "s.pyc"))
    with open(pyc, "rb") as f:
        data = bytearray(f.read())
    data[:2] = (3379).to_bytes(2, "little")
    with open(pyc, "wb") as f:  # closed (flushed) before the child reads it
        f.write(bytes(data))
    out = _ours(["s.pyc"], tmp_path)
    assert out.returncode == 1
    import importlib.util
    # Named as python names a script: absolute from 3.9, as given on 3.8.
    shown = "s.pyc" if sys.version_info < (3, 9) else str(tmp_path / "s.pyc")
    running = "PyPy" if sys.implementation.name == "pypy" else "Python"
    assert out.stderr == "%s: bad magic number: %r was compiled by " \
        "Python 3.6 (magic 3379); this is %s %d.%d (magic %d)\n" % (
            sys.executable, shown, running, sys.version_info[0],
            sys.version_info[1],
            int.from_bytes(importlib.util.MAGIC_NUMBER[:2], "little"))


@pytest.mark.parametrize("profile", ["runpy", "python", "spec"])
def test_profile_option(profile, tmp_path):
    (tmp_path / "t.py").write_text(PROBE)
    out = _ours(["--profile", profile, "t.py"], tmp_path)
    rep = report(out)
    if profile == "spec":
        assert rep["__spec__"]["origin"] == str(tmp_path / "t.py")
        assert rep["__loader__"] == "SourceScriptLoader"
    elif profile == "runpy":
        assert rep["__spec__"] is None and rep["__loader__"] is None
        assert rep["__file__"] == "t.py" and rep["__package__"] == ""
    else:
        assert rep["__loader__"] == "SourceFileLoader"
    assert rep["is_main"] and rep["argv"] == ["t.py"]


def test_check_source_option(tmp_path):
    (tmp_path / "s.py").write_text("x = 1\n")
    compile_pyc(str(tmp_path / "s.py"), str(tmp_path / "s.pyc"))
    st = os.stat(str(tmp_path / "s.py"))
    os.utime(str(tmp_path / "s.py"), (st.st_atime, st.st_mtime + 5))
    assert _ours(["s.pyc"], tmp_path).returncode == 0
    out = _ours(["--check-source", "s.pyc"], tmp_path)
    assert out.returncode == 1 and "is stale" in out.stderr


@pytest.mark.parametrize("args", [[], ["--profile"], ["--profile", "x", "t"],
                                  ["--bogus", "t"], ["-m"]])
def test_usage_errors(args, tmp_path):
    out = _ours(args, tmp_path)
    assert out.returncode == 2 and "usage:" in out.stderr


def test_help_and_version(tmp_path):
    assert "usage:" in _ours(["--help"], tmp_path).stdout
    out = _ours(["--version"], tmp_path)
    assert out.stdout.strip() == "runpath_spec " + runpath_spec.__version__


def test_options_after_target_belong_to_the_target(tmp_path):
    (tmp_path / "t.py").write_text("import sys; print(sys.argv)\n")
    out = _ours(["--", "t.py", "--explain", "-m"],
                tmp_path)
    assert out.stdout.strip() == "['t.py', '--explain', '-m']"


# -- --explain ------------------------------------------------------------------

@pytest.mark.parametrize("target", ["probe.py", "probe.pyc", "app", "app.zip",
                                    "-m probepkg"])
def test_explain_json_executes_nothing(target, tree):
    args = target.split()
    out = _ours(["--explain", "--json"] + args + ["a"],
                tree / "work")
    assert out.returncode == 0, out.stderr
    assert "PROBE" not in out.stdout
    info = json.loads(out.stdout)
    assert set(info["profiles"]) == {"runpy", "python", "spec"}
    assert info["spec"]["name"] in ("__main__", "probepkg.__main__")
    assert info["sys"]["argv"][1:] == ["a"]
    if target == "probe.pyc":
        assert info["kind"] == "bytecode"
        b = info["bytecode"]
        assert b["python_version"] == "%d.%d" % sys.version_info[:2]
        assert b["kind"] == "timestamp" and b["mtime"] is not None
        # work/probe.py stands beside it: the header is checked against it.
        assert b["source"].endswith(os.path.join("work", "probe.py"))
        assert b["matches_source"] is True
    if target == "app.zip":
        assert info["kind"] == "zip"
        assert info["profiles"]["spec"]["__package__"] == ""
    if target == "probe.py":
        assert info["profiles"]["runpy"]["__spec__"] is None
        assert info["profiles"]["spec"]["__spec__"] == \
            "ModuleSpec(name='__main__')"
        assert info["profiles"]["python"]["__loader__"].endswith(
            "SourceFileLoader>")


def test_explain_text_and_bytecode_match(tmp_path):
    (tmp_path / "s.py").write_text("x = 1\n")
    compile_pyc(str(tmp_path / "s.py"), str(tmp_path / "s.pyc"))
    out = _ours(["--explain", "s.pyc"], tmp_path)
    assert out.returncode == 0, out.stderr
    for text in ("kind: bytecode", "dunders, by profile:", "sys.path[0]",
                 "matches_source", "True"):
        assert text in out.stdout


# -- --explain runs and writes nothing; errors as python shows them -----------

def test_explain_dash_m_imports_no_parent_package(tmp_path):
    """Issue #17: --explain -m finds the spec without running the parents'
    __init__ (nothing of it in the output, nothing in the JSON)."""
    pkg = tmp_path / "explpkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("print('PARENT RAN')\n")
    (pkg / "sub" / "__init__.py").write_text("print('SUB RAN')\n")
    (pkg / "sub" / "__main__.py").write_text("print('MAIN RAN')\n")
    (pkg / "mod.py").write_text("print('MOD RAN')\n")
    for name, expected in (("explpkg.mod", "mod.py"),
                           ("explpkg.sub", "__main__.py")):
        out = _ours(["--explain", "--json", "-m", name],
                    tmp_path)
        assert out.returncode == 0, out.stderr
        assert "RAN" not in out.stdout + out.stderr
        info = json.loads(out.stdout)
        assert info["spec"]["origin"].endswith(expected)
        assert "without importing" in info["note"]


def test_explain_dash_m_of_a_missing_module(tmp_path):
    out = _ours(["--explain", "-m", "nosuch_rps.mod"],
                tmp_path)
    assert out.returncode == 1
    assert "No module named nosuch_rps" in out.stderr


def test_explain_of_a_directory_writes_nothing(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "__main__.py").write_text("print('ran')\n")
    env = project_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = _ours(["--explain", str(app)],
                tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert sorted(os.listdir(str(app))) == ["__main__.py"]


def test_explain_of_a_hostile_pyc_is_a_clear_answer(tmp_path):
    """A pyc whose marshal data claims a huge object: --explain decodes the
    header and never unmarshals it (no MemoryError)."""
    import importlib.util
    bad = tmp_path / "huge.pyc"
    bad.write_bytes(importlib.util.MAGIC_NUMBER + bytes(12)
                    + b"s\xff\xff\xff\x7f")  # a 2 GiB bytes object, cut
    out = _ours(["--explain", str(bad)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "kind: bytecode" in out.stdout
    assert "MemoryError" not in out.stderr


def test_a_syntax_error_is_shown_as_python_shows_it(tmp_path):
    (tmp_path / "bad.py").write_text("1 = x\n")
    direct = run_in_project(["bad.py"], tmp_path)
    ours = _ours(["bad.py"], tmp_path)
    assert (ours.returncode, ours.stderr) == (direct.returncode,
                                               direct.stderr)

"""Issue #26: the package as pip installs it.

The fast tests check the version in the running environment.  The slow
ones build an sdist with ``python -m build`` and a wheel from that sdist
(once per session, in a copy of the project, so that two interpreters
building at once do not share a ``build/``), list both archives, install
the wheel into a fresh virtual environment and compare its console script
``runpath-spec TARGET`` with ``python -m runpath_spec TARGET`` -- and with
``python TARGET`` -- on the like-python probe targets of test_cli.
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

import runpath_spec

from conftest import PROJECT
from test_cli import TARGETS, report, tree  # noqa: F401 (tree: a fixture)


def _metadata_version():
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover - 3.8 has it
        pytest.skip("no importlib.metadata")
    try:
        return metadata.version("runpath_spec")
    except metadata.PackageNotFoundError:
        pytest.skip("runpath_spec is not installed in this interpreter "
                    "(pip install -e .): it has no distribution metadata")


def test_version_is_single_sourced_in_this_environment():
    """``__version__``, the distribution's metadata and ``--version``."""
    # The editable install's metadata was made from setup.cfg's
    # `version = attr: runpath_spec.__version__`.
    assert _metadata_version() == runpath_spec.__version__
    out = subprocess.run([sys.executable, "-m", "runpath_spec", "--version"],
                         stdout=subprocess.PIPE, universal_newlines=True,
                         check=True, cwd=PROJECT)
    assert out.stdout == "runpath_spec %s\n" % runpath_spec.__version__


def test_the_console_script_entry_point_is_the_cli_main():
    """setup.cfg's ``runpath-spec`` names the function ``python -m`` runs."""
    import configparser
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(PROJECT, "setup.cfg"))
    scripts = [line.split("=", 1) for line in
               cfg["options.entry_points"]["console_scripts"].split("\n")
               if line.strip()]
    assert [(name.strip(), ref.strip()) for name, ref in scripts] == [
        ("runpath-spec", "runpath_spec.__main__:main")]
    module, _, func = scripts[0][1].strip().partition(":")
    cli = importlib.import_module(module)
    assert getattr(cli, func) is cli.main


# -- built and installed (slow) ----------------------------------------------

#: Not copied into the build: what tests, CI and docs leave in the tree.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venvs", "build", "dist", "*.egg-info", "__pycache__",
    ".coverage*", ".pytest_cache", ".hypothesis", ".mypy_cache", "_build",
    "htmlcov")


def _run_in(args, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(args, universal_newlines=True, timeout=600, **kw)


def _clean_env():
    """No PYTHONPATH: the venv's own install is what runs."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONSAFEPATH", "PYTHONHOME"):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """``(sdist, wheel)``: ``python -m build`` of a copy of the project."""
    try:
        import build  # noqa: F401
    except ImportError:
        pytest.skip("the 'build' package is not installed (it is in the "
                    "test extra: pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("dist")
    source = root / "src"
    shutil.copytree(PROJECT, str(source), ignore=_NOT_SOURCE, symlinks=True)
    out = _run_in([sys.executable, "-m", "build", "--outdir", str(root / "out"),
                str(source)], cwd=str(root), env=_clean_env())
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    built = sorted(os.listdir(str(root / "out")))
    sdists = [n for n in built if n.endswith(".tar.gz")]
    wheels = [n for n in built if n.endswith(".whl")]
    assert len(sdists) == len(wheels) == 1, built
    return str(root / "out" / sdists[0]), str(root / "out" / wheels[0])


@pytest.fixture(scope="module")
def wheel_venv(dist, tmp_path_factory):
    """The bin directory of a fresh venv with only the wheel installed."""
    venv = tmp_path_factory.mktemp("wheelvenv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bindir = os.path.join(str(venv), "bin")
    out = _run_in([os.path.join(bindir, "python"), "-m", "pip", "install",
                "-q", "--no-index", "--no-deps", dist[1]], env=_clean_env())
    assert out.returncode == 0, out.stdout + out.stderr
    return bindir


@pytest.mark.slow
def test_sdist_and_wheel_carry_the_license_and_metadata(dist):
    sdist, wheel = dist
    with open(os.path.join(PROJECT, "LICENSE")) as f:
        license_text = f.read()
    assert "MIT License" in license_text
    assert "The runpath_spec developers" in license_text
    with tarfile.open(sdist) as tf:
        top = os.path.basename(sdist)[:-len(".tar.gz")]
        member = tf.extractfile(top + "/LICENSE")
        assert member is not None
        assert member.read().decode("utf-8") == license_text
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        licenses = [n for n in names if ".dist-info/" in n
                    and os.path.basename(n) == "LICENSE"]
        assert len(licenses) == 1, names
        assert zf.read(licenses[0]).decode("utf-8") == license_text
        meta_name = [n for n in names if n.endswith(".dist-info/METADATA")][0]
        meta = zf.read(meta_name).decode("utf-8")
        points = [n for n in names
                  if n.endswith(".dist-info/entry_points.txt")][0]
        entry_points = zf.read(points).decode("utf-8")
    headers = meta.split("\n\n", 1)[0].splitlines()
    assert "Version: %s" % runpath_spec.__version__ in headers
    assert "Maintainer: The runpath_spec developers" in headers
    assert "Author: The runpath_spec developers" in headers
    assert ("License: MIT" in headers
            or "License-Expression: MIT" in headers), headers
    assert "runpath-spec = runpath_spec.__main__:main" in entry_points


@pytest.mark.slow
def test_installed_versions_agree(wheel_venv):
    python = os.path.join(wheel_venv, "python")
    script = os.path.join(wheel_venv, "runpath-spec")
    expected = "runpath_spec %s\n" % runpath_spec.__version__
    for args in ([script, "--version"],
                 [python, "-m", "runpath_spec", "--version"]):
        out = _run_in(args, env=_clean_env(), cwd="/")
        assert (out.returncode, out.stdout) == (0, expected), out.stderr
    out = _run_in([python, "-c", "import json, runpath_spec\n"
                "from importlib import metadata\n"
                "print(json.dumps([runpath_spec.__version__, "
                "metadata.version('runpath_spec'), runpath_spec.__file__]))"],
               env=_clean_env(), cwd="/")
    assert out.returncode == 0, out.stderr
    version, meta_version, where = json.loads(out.stdout)
    assert version == meta_version == runpath_spec.__version__
    # The venv's own copy, not the project on some path.
    assert where.startswith(os.path.dirname(wheel_venv) + os.sep)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_console_script_is_like_python_m(target, wheel_venv, tree):  # noqa: F811
    python = os.path.join(wheel_venv, "python")
    script = os.path.join(wheel_venv, "runpath-spec")
    args = [a.format(root=tree) for a in TARGETS[target]] + ["arg1", "--x"]
    cwd = str(tree / "work")
    direct = _run_in([python] + args, cwd=cwd, env=_clean_env())
    dash_m = _run_in([python, "-m", "runpath_spec"] + args, cwd=cwd,
                  env=_clean_env())
    ours = _run_in([script] + args, cwd=cwd, env=_clean_env())
    assert (direct.returncode, dash_m.returncode, ours.returncode) == \
        (0, 0, 0), (direct.stderr, dash_m.stderr, ours.stderr)
    assert report(ours) == report(dash_m)
    assert ours.stderr == dash_m.stderr == direct.stderr == ""
    if sys.implementation.name != "pypy":
        # On PyPy, python itself differs from CPython in places that
        # runpath_spec does not follow (test_cli's strict xfails, #19).
        assert report(ours) == report(direct)


@pytest.mark.slow
@pytest.mark.parametrize("body, status", [
    ("def f():\n    raise KeyError('boom')\nf()\n", 1),
    ("import sys\nsys.exit(3)\n", 3),
], ids=["traceback", "exit-3"])
def test_console_script_reports_and_exits_like_python_m(body, status,
                                                        wheel_venv, tmp_path):
    python = os.path.join(wheel_venv, "python")
    (tmp_path / "t.py").write_text(body)
    dash_m = _run_in([python, "-m", "runpath_spec", "t.py"], cwd=str(tmp_path),
                  env=_clean_env())
    ours = _run_in([os.path.join(wheel_venv, "runpath-spec"), "t.py"],
                cwd=str(tmp_path), env=_clean_env())
    assert ours.returncode == dash_m.returncode == status
    assert (ours.stdout, ours.stderr) == (dash_m.stdout, dash_m.stderr)


@pytest.mark.slow
def test_console_script_bad_target_and_usage_like_python_m(wheel_venv,
                                                           tmp_path):
    python = os.path.join(wheel_venv, "python")
    script = os.path.join(wheel_venv, "runpath-spec")
    for args in (["missing.py"], ["-m", "nosuch_mod_rps"], ["--bogus"]):
        dash_m = _run_in([python, "-m", "runpath_spec"] + args,
                      cwd=str(tmp_path), env=_clean_env())
        ours = _run_in([script] + args, cwd=str(tmp_path), env=_clean_env())
        assert ours.returncode == dash_m.returncode != 0, args
        assert (ours.stdout, ours.stderr) == (dash_m.stdout, dash_m.stderr)

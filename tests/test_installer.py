"""The installer is held to pip's standard (#24, points 1-6).

The unit tests install into a directory of the test's; the damaged
installs (``slow``) are made in one scratch virtual environment holding a
copy of the package, which each test damages and the fixture repairs.
"""

import io
import os
import shutil
import subprocess
import sys

import pytest

from runpath_spec import _install

from conftest import PROJECT, make_scratch_venv

SHIM = _install.SHIM + ".py"


def _install_quietly(**kw):
    import contextlib
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        status = _install.install(out=out, **kw)
    return status, out.getvalue(), err.getvalue()


def _uninstall(out=None):
    import contextlib
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = _install.uninstall(out=io.StringIO() if out is None else out)
    return status, err.getvalue()


# -- 2: never through a symbolic link --------------------------------------

@pytest.mark.parametrize("name", [SHIM, _install.PTH])
def test_install_refuses_a_symlink_at_its_files_names(site, tmp_path, name):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    os.symlink(str(victim), str(site / name))
    status, out, err = _install_quietly()
    assert status == 1
    assert victim.read_text() == "precious\n"
    assert os.path.islink(str(site / name))
    assert "%r is a symbolic link, expected a regular file" % str(
        site / name) in err
    assert sorted(p.name for p in site.iterdir()) == [name]  # nothing else


def test_uninstall_removes_a_link_never_its_target(site, tmp_path):
    victim = tmp_path / "victim.py"
    victim.write_text(_install.HEADER + "# not the shim\n")
    os.symlink(str(victim), str(site / SHIM))
    assert _uninstall()[0] == 0
    assert victim.exists() and os.path.islink(str(site / SHIM))


# -- 3: a foreign .pth (or shim) of the same name --------------------------

@pytest.mark.parametrize("name, text", [
    (_install.PTH, "import something_else\n"),
    (SHIM, "print('somebody else')\n"),
])
def test_install_refuses_a_foreign_file_of_its_files_names(site, name,
                                                           text):
    (site / name).write_text(text)
    status, out, err = _install_quietly()
    assert status == 1 and out == ""
    assert (site / name).read_text() == text
    assert "%r was not written by runpath_spec" % str(site / name) in err
    assert "nothing installed" in err
    assert sorted(p.name for p in site.iterdir()) == [name]


# -- 4: atomic writes -------------------------------------------------------

FULL_DISK = """\
import resource, sys
from runpath_spec import _install
_install.site_dir = lambda user=False: {site!r}
resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
try:
    _install.install()
except OSError as exc:
    print("OSError", exc.errno)
"""


def test_a_failed_reinstall_leaves_the_previous_files(site):
    """A full disk (RLIMIT_FSIZE) while the shim is rewritten."""
    pytest.importorskip("resource")
    assert _install_quietly()[0] == 0
    shim = site / SHIM
    previous = shim.read_text() + "# an older version\n" * 10
    shim.write_text(previous)
    out = subprocess.run(
        [sys.executable, "-c", FULL_DISK.format(site=str(site))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, cwd=PROJECT, timeout=60)
    import errno
    assert out.stdout.split() == ["OSError", str(errno.EFBIG)], out.stderr
    assert shim.read_text() == previous
    assert sorted(p.name for p in site.iterdir()) == sorted(
        [_install.PTH, SHIM, "__pycache__"])  # no temporary file left


def test_a_failed_pth_write_takes_back_a_new_shim(site, monkeypatch):
    real = _install._write

    def failing(path, text):
        if path.endswith(".pth"):
            raise OSError(28, "No space left on device")
        real(path, text)
    monkeypatch.setattr(_install, "_write", failing)
    with pytest.raises(OSError):
        _install_quietly()
    assert list(site.iterdir()) == []


def test_writes_keep_the_umask_mode(site):
    assert _install_quietly()[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    for name in (SHIM, _install.PTH):
        assert os.stat(str(site / name)).st_mode & 0o777 == 0o666 & ~umask


# -- 5: uninstall leaves no .pth importing the shim -------------------------

@pytest.mark.parametrize("text", [
    "import _runpath_spec_runpy",  # no newline
    "import _runpath_spec_runpy\r\n",
    "import _runpath_spec_runpy; _runpath_spec_runpy.install()",
])
def test_uninstall_removes_our_pth_whatever_its_line_ending(site, text):
    assert _install_quietly()[0] == 0
    (site / _install.PTH).write_text(text)
    out = io.StringIO()
    assert _uninstall(out)[0] == 0
    assert sorted(p.name for p in site.iterdir()) == ["__pycache__"]
    assert list((site / "__pycache__").iterdir()) == []


def test_uninstall_takes_the_shim_import_out_of_any_pth(site):
    assert _install_quietly()[0] == 0
    other = site / "zz_other.pth"
    other.write_text("# mine\nimport _runpath_spec_runpy\n/some/dir\n")
    other.chmod(0o600)
    only = site / "aa_only.pth"
    only.write_text("import _runpath_spec_runpy  # added by hand\n")
    out = io.StringIO()
    assert _uninstall(out)[0] == 0
    assert other.read_text() == "# mine\n/some/dir\n"
    assert other.stat().st_mode & 0o777 == 0o600
    assert not only.exists()
    assert "removed the lines importing _runpath_spec_runpy from %s" % (
        other) in out.getvalue()
    assert sorted(p.name for p in site.iterdir()) == [
        "__pycache__", "zz_other.pth"]


def test_uninstall_with_the_shim_already_gone_removes_the_pth(site):
    assert _install_quietly()[0] == 0
    (site / SHIM).unlink()
    assert _uninstall()[0] == 0
    assert not (site / _install.PTH).exists()


def test_uninstall_refuses_to_follow_a_linked_pth(site, tmp_path):
    assert _install_quietly()[0] == 0
    target = tmp_path / "elsewhere.pth"
    target.write_text("import _runpath_spec_runpy\n")
    os.symlink(str(target), str(site / "linked.pth"))
    status, err = _uninstall()
    assert status == 1
    assert "'%s' is a symbolic link" % (site / "linked.pth") in err
    assert (site / SHIM).exists()  # still imported: kept
    assert target.read_text() == "import _runpath_spec_runpy\n"


# -- 6: the exit status tells the truth -------------------------------------

def test_a_failed_byte_compile_is_a_warning(site, capsys):
    from runpath_spec.__main__ import main
    (site / "__pycache__").write_text("a file, not a directory\n")
    assert main(["--install-runpy"]) == 0
    captured = capsys.readouterr()
    assert "warning: cannot byte-compile %r" % str(site / SHIM) in \
        captured.err
    assert "error" not in captured.err
    assert main(["--runpy-status"]) == 0


def test_refused_install_exits_non_zero(site, capsys):
    from runpath_spec.__main__ import main
    (site / _install.PTH).write_text("import something_else\n")
    assert main(["--install-runpy"]) == 1
    assert "not written by runpath_spec" in capsys.readouterr().err


# -- --runpy-status on damaged and foreign installs -------------------------

def _status():
    out = io.StringIO()
    return _install.status(out=out), out.getvalue()


@pytest.mark.parametrize("damage, says", [
    (lambda s: (s / SHIM).write_text((s / SHIM).read_text()[:3000]),
     "damaged: %r does not compile"),
    (lambda s: (s / SHIM).unlink(), "damaged: %r import %r, which is "
     "missing"),
    (lambda s: (s / _install.PTH).unlink(), "partly installed: only %r"),
    (lambda s: (s / _install.PTH).write_text("import x\n"),
     "foreign: %r was not written by runpath_spec"),
])
def test_status_reports_a_damaged_or_foreign_install(site, damage, says):
    assert _install_quietly()[0] == 0
    assert _status()[0] == 0
    damage(site)
    status, out = _status()
    assert status == 1
    shim, pth = str(site / SHIM), str(site / _install.PTH)
    args = {"damaged: %r does not compile": (shim,),
            "damaged: %r import %r, which is missing": (pth, shim),
            "partly installed: only %r": (shim,),
            "foreign: %r was not written by runpath_spec": (pth,)}[says]
    assert "not serving in site-packages" in out
    assert says % args in out, out


def test_reinstall_repairs_a_truncated_shim(site):
    assert _install_quietly()[0] == 0
    shim = site / SHIM
    good = shim.read_text()
    shim.write_text(good[:3000])
    assert _install_quietly()[0] == 0
    assert shim.read_text() == good and _status()[0] == 0


# -- damaged installs in a scratch virtual environment ----------------------

def _run_venv(python, *args, **kw):
    return subprocess.run([python] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120, cwd=os.path.dirname(python), **kw)


@pytest.fixture(scope="module")
def installed_venv(tmp_path_factory):
    """A scratch venv with a copy of the package, and the stand-in
    installed; returns (python, copy of the package, site-packages)."""
    root = tmp_path_factory.mktemp("installer")
    copy = root / "src"
    shutil.copytree(os.path.join(PROJECT, "runpath_spec"),
                    str(copy / "runpath_spec"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(PROJECT, "runpath_spec_runpy.py"), str(copy))
    python = make_scratch_venv(root / "venv")
    purelib = _run_venv(python, "-c", "import sysconfig; print(sysconfig."
                   "get_paths()['purelib'])").stdout.strip()
    with open(os.path.join(purelib, "runpath_spec_dev.pth"), "w") as f:
        f.write(str(copy) + "\n")
    return python, copy / "runpath_spec", purelib


@pytest.fixture
def installed(installed_venv):
    """The venv's stand-in installed from an intact package; put back
    afterwards, whatever the test did."""
    python, package, purelib = installed_venv
    pristine = {}
    for name in os.listdir(os.path.join(PROJECT, "runpath_spec")):
        if name.endswith(".py"):
            with open(os.path.join(PROJECT, "runpath_spec", name)) as f:
                pristine[name] = f.read()
    out = _run_venv(python, "-m", "runpath_spec", "--install-runpy")
    assert out.returncode == 0, out.stderr
    yield python, package, purelib
    for name, text in pristine.items():
        (package / name).write_text(text)
    for name in (SHIM, _install.PTH):
        path = os.path.join(purelib, name)
        if os.path.islink(path) or os.path.isfile(path):
            os.unlink(path)
    out = _run_venv(python, "-m", "runpath_spec", "--install-runpy")
    assert out.returncode == 0, out.stderr


def _json_tool(python):
    return _run_venv(python, "-m", "json.tool", input='{"a": 1}')


@pytest.mark.slow
@pytest.mark.parametrize("damage, cause", [
    (lambda pkg: (pkg / "_loaders.py").unlink(),
     "ModuleNotFoundError: No module named 'runpath_spec._loaders'"),
    (lambda pkg: (pkg / "_modules.py").write_text("def (:\n"),
     "SyntaxError"),
])
def test_a_broken_package_never_breaks_python_m(installed, damage, cause):
    python, package, purelib = installed
    damage(package)
    out = _json_tool(python)
    assert out.returncode == 0 and '"a": 1' in out.stdout
    assert out.stderr.count("\n") == 1 and cause in out.stderr, out.stderr
    assert "python -m runpath_spec --uninstall-runpy" in out.stderr
    # The uninstaller runs (through the standard runpy), and then nothing
    # is left to warn.
    out = _run_venv(python, "-m", "runpath_spec", "--uninstall-runpy")
    assert out.returncode == 0 and "removed" in out.stdout, out.stderr
    out = _json_tool(python)
    assert (out.returncode, out.stderr) == (0, "")
    assert not os.path.exists(os.path.join(purelib, SHIM))


@pytest.mark.slow
def test_a_truncated_shim_is_reported_and_repaired(installed):
    python, package, purelib = installed
    shim = os.path.join(purelib, SHIM)
    with open(shim) as f:
        good = f.read()
    with open(shim, "w") as f:
        f.write(good[:len(good) // 2])
    assert _json_tool(python).returncode == 0  # noisy (site), but runs
    out = _run_venv(python, "-m", "runpath_spec", "--runpy-status")
    assert out.returncode == 1 and "damaged: %r does not compile" % shim \
        in out.stdout, out.stdout + out.stderr
    out = _run_venv(python, "-m", "runpath_spec", "--install-runpy")
    assert out.returncode == 0, out.stderr
    out = _json_tool(python)
    assert (out.returncode, out.stderr) == (0, "")


@pytest.mark.slow
def test_foreign_files_and_links_are_refused_in_a_venv(installed, tmp_path):
    python, package, purelib = installed
    pth = os.path.join(purelib, _install.PTH)
    with open(pth, "w") as f:
        f.write("import json\n")
    out = _run_venv(python, "-m", "runpath_spec", "--install-runpy")
    assert out.returncode == 1 and "%r was not written by runpath_spec" % (
        pth) in out.stderr
    with open(pth) as f:
        assert f.read() == "import json\n"
    out = _run_venv(python, "-m", "runpath_spec", "--runpy-status")
    assert out.returncode == 1 and "foreign" in out.stdout
    os.unlink(pth)
    shim = os.path.join(purelib, SHIM)
    os.unlink(shim)
    victim = tmp_path / "victim.py"
    victim.write_text("precious = 1\n")
    os.symlink(str(victim), shim)
    out = _run_venv(python, "-m", "runpath_spec", "--install-runpy")
    assert out.returncode == 1 and "symbolic link" in out.stderr
    assert victim.read_text() == "precious = 1\n"


def _fsize_limit():
    import resource
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


@pytest.mark.slow
def test_a_full_disk_during_a_reinstall_in_a_venv(installed):
    pytest.importorskip("resource")
    python, package, purelib = installed
    shim = os.path.join(purelib, SHIM)
    with open(shim) as f:
        previous = f.read() + "# an older version\n"
    with open(shim, "w") as f:
        f.write(previous)
    out = _run_venv(python, "-m", "runpath_spec", "--install-runpy",
               preexec_fn=_fsize_limit)
    assert out.returncode == 1 and "error:" in out.stderr
    with open(shim) as f:
        assert f.read() == previous
    out = _json_tool(python)
    assert (out.returncode, out.stderr) == (0, "")

"""coverage.py's own test suite, run with its ``PyRunner`` and then with
tests/coverage_adapter.py -- the same interface on runpath_spec's public
API -- in its place.

coverage.py's sdist (a pinned release) is unpacked into a scratch venv
with its test requirements and installed editable, as its own tox does.
One line appended to the scratch copy of ``coverage/execfile.py`` makes
``PyRunner``, ``run_python_file`` and ``run_python_module`` the adapter's
when ``RUNPATH_SPEC_PYRUNNER`` is set, so coverage's command line uses it
everywhere: in-process (test_execfile, test_cmdline) and in every
``coverage run`` subprocess (test_process, test_concurrency, the venvs
test_venv builds).  The whole suite runs twice, with two xdist workers
(about a minute each on two cores); a subset would miss the tests that run
programs in passing (reports, plug-ins, concurrency, signals).

runpath_spec and the adapter are copied into the venv's site-packages, as
a tool a user installs is: coverage measures any file outside the standard
library and site-packages, and a tool's own frames would otherwise be
measured as the program's (the ``.pth`` that make_scratch_venv writes is
shadowed by the copies).
"""

import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import PROJECT, make_scratch_venv, read_bytes, run_python, write

pytestmark = pytest.mark.slow

#: The pinned release: it supports CPython 3.11+ (its python_requires).
COVERAGE_VERSION = "7.18.0"
SUPPORTED = sys.version_info >= (3, 11)

#: What the scratch copy of coverage/execfile.py gets at its end.
HOOK = '''
# runpath_spec's tests/test_adapter_coverage.py: coverage's runner replaced
# by the adapter on runpath_spec's public API, when asked to.
if os.environ.get("RUNPATH_SPEC_PYRUNNER"):
    try:
        import coverage_adapter
    except ImportError:  # a venv that coverage's own tests made
        sys.path.append(os.environ["RUNPATH_SPEC_PYRUNNER"])
    from coverage_adapter import PyRunner, run_python_file, run_python_module
'''

_TRACED_RUNNER = (
    "coverage's --debug=trace output is to name coverage/execfile.py, the "
    "runner on the stack under the program; the adapter's frames are "
    "coverage_adapter.py's and runpath_spec's (installed, so 'third-party')")

#: Tests that pass with coverage's runner and fail with the adapter, and why.
EXPECTED_DIFFERENCES = {
    "tests.test_venv.VirtualenvTest::%s@virtualenv_test" % name: _TRACED_RUNNER
    for name in [
        "test_third_party_venv_isnt_measured[coverage-True]",
        "test_third_party_venv_isnt_measured[coverage-False]",
        "test_third_party_venv_isnt_measured[python -m coverage-True]",
        "test_third_party_venv_isnt_measured[python -m coverage-False]",
        "test_us_in_venv_isnt_measured[coverage]",
        "test_us_in_venv_isnt_measured[python -m coverage]",
        "test_venv_isnt_measured[coverage]",
        "test_venv_isnt_measured[python -m coverage]",
        "test_installed_namespace_packages[coverage]",
        "test_installed_namespace_packages[python -m coverage]",
    ]}


def _pip_status(python, *args, cwd=None):
    """pip's status and last line of output."""
    out = subprocess.run([python, "-m", "pip", "--disable-pip-version-check"]
                         + list(args), cwd=cwd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, universal_newlines=True,
                         timeout=900)
    return out.returncode, out.stdout.strip().splitlines()[-1:]


def _tools():
    """runpath_spec and the adapter, installed as files: path -> bytes."""
    files = {"coverage_adapter.py": read_bytes(
        os.path.join(PROJECT, "tests", "coverage_adapter.py"))}
    package = os.path.join(PROJECT, "runpath_spec")
    for name in sorted(os.listdir(package)):
        if name.endswith((".py", ".pyi", ".typed")):
            files["runpath_spec/" + name] = read_bytes(
                os.path.join(package, name))
    return files


class Suite:
    """coverage.py's sdist unpacked and installed in a scratch venv."""

    def __init__(self, root):
        self.root = root
        status, last = _pip_status(
            sys.executable, "download", "--no-binary", ":all:", "--no-deps",
            "-d", str(root), "coverage==" + COVERAGE_VERSION)
        if status:
            pytest.skip("coverage %s's sdist cannot be downloaded: %s"
                        % (COVERAGE_VERSION, " ".join(last)))
        name = "coverage-" + COVERAGE_VERSION
        with tarfile.open(str(root / (name + ".tar.gz"))) as tar:
            tar.extractall(str(root), **(  # (3.14's default, warned before)
                {"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        self.sdist = root / name
        with open(str(self.sdist / "coverage" / "execfile.py"), "a") as f:
            f.write(HOOK)
        tools = _tools()
        self.python = make_scratch_venv(root / "venv", with_pip=True,
                                        files=tools)
        for args in (["-r", "requirements/pytest.txt"], ["-e", "."]):
            status, last = _pip_status(self.python, "install", "-q",
                                       *args, cwd=str(self.sdist))
            assert status == 0, (args, last)
        assert run_python(self.python, "tools/igor.py", "zip_mods",
                          cwd=str(self.sdist)).returncode == 0
        # For the venvs test_venv makes: the tools, for the hook to find.
        self.tools = str(root / "tools")
        for name, data in tools.items():
            write(os.path.join(self.tools, name), data)

    def env(self, adapter):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("COVERAGE_") and k not in (
                   "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONSAFEPATH")}
        # coverage's tests run "python" and "coverage" found on PATH.
        env["PATH"] = os.pathsep.join([os.path.dirname(self.python),
                                       env.get("PATH", "")])
        if adapter:
            env["RUNPATH_SPEC_PYRUNNER"] = self.tools
        return env

    def run(self, adapter, *args, **kw):
        kw.setdefault("cwd", str(self.sdist))
        return run_python(self.python, *args, env=self.env(adapter), **kw)

    def results(self, adapter):
        """{test id: "passed", "failed" or "skipped"} of the whole suite."""
        label = "adapter" if adapter else "original"
        report = self.root / ("%s.xml" % label)
        out = subprocess.run(
            ["nice", self.python, "-m", "pytest", "-p", "no:randomly",
             "-p", "no:cacheprovider", "-o", "addopts=-q -p no:legacypath "
             "--no-flaky-report --dist loadgroup", "-n", "2",
             "--basetemp", str(self.root / ("tmp-" + label)),
             "--junitxml", str(report), "tests"],
            cwd=str(self.sdist), env=self.env(adapter), timeout=1800,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True)
        assert report.exists(), out.stdout[-3000:]
        results = {}
        for case in ElementTree.parse(str(report)).iter("testcase"):
            tags = {child.tag for child in case}
            results["%s::%s" % (case.get("classname"), case.get("name"))] = (
                "failed" if tags & {"failure", "error"} else
                "skipped" if "skipped" in tags else "passed")
        return results


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    if not SUPPORTED:
        pytest.skip("coverage %s (the pinned release) needs Python 3.11+"
                    % COVERAGE_VERSION)
    if _pip_status(sys.executable, "--version")[0]:
        pytest.skip("pip is not available to %s" % sys.executable)
    return Suite(tmp_path_factory.mktemp("coverage-suite"))


@pytest.fixture(scope="module")
def results(suite):
    return suite.results(adapter=False), suite.results(adapter=True)


RUNNER = ("import coverage.cmdline, coverage.execfile, sys; "
          "print(coverage.cmdline.PyRunner.__module__, "
          "coverage.execfile.run_python_file.__module__)")


@pytest.mark.parametrize("adapter", [False, True])
def test_the_runner_in_use(suite, adapter, tmp_path):
    """The hook swaps the runner only when asked, in coverage's own process
    and in the program's under ``coverage run``."""
    expected = "coverage_adapter" if adapter else "coverage.execfile"
    out = suite.run(adapter, "-c", RUNNER)
    assert out.stdout.split() == [expected] * 2, out.stderr
    program = tmp_path / "which.py"
    program.write_text("import sys\nprint(sys.modules['coverage.cmdline']"
                       ".PyRunner.__module__)\n")
    out = suite.run(adapter, "-m", "coverage", "run", str(program))
    assert out.stdout.split() == [expected], out.stderr


def test_what_passes_with_coverages_runner_passes_with_the_adapter(results):
    original, adapter = results
    assert sum(r == "passed" for r in original.values()) > 1000
    lost = sorted(test for test, result in original.items()
                  if result == "passed" and adapter.get(test) != "passed"
                  and test not in EXPECTED_DIFFERENCES)
    assert lost == []


def test_each_expected_difference_still_differs(results):
    original, adapter = results
    for test, why in EXPECTED_DIFFERENCES.items():
        assert test in original, "no longer in coverage's suite: " + test
        if original[test] == "passed":  # (test_venv needs PyPI to run)
            assert adapter[test] != "passed", "passes now: %s (%s)" % (
                test, why)


#: Where coverage's runner is not like python and the adapter is: a
#: zipapp (coverage#350), a .pyc's __file__ and __loader__, the traceback
#: of a KeyboardInterrupt (coverage's own frames in it), a parent package
#: that fails under -m (coverage's frames again).
PROGRAMS = {
    "app.pyz": {"app/__main__.py": "import sys\nprint(__file__, "
                "sys.argv)\n"},
    "compiled.pyc": {"compiled.py": "print(__file__, __spec__, "
                     "type(__loader__).__name__)\n"},
    "interrupted.py": {"interrupted.py": "raise KeyboardInterrupt\n"},
    "-m broken.mod": {"broken/__init__.py": "1 / 0\n",
                      "broken/mod.py": "print('never')\n"},
}


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_like_python_where_coverages_runner_is_not(suite, program,
                                                  tmp_path):
    for name, text in PROGRAMS[program].items():
        write(str(tmp_path / name), text)
    if program == "app.pyz":
        run_python(suite.python, "-m", "zipapp", "app", "-o", program,
                   cwd=str(tmp_path))
    if program == "compiled.pyc":
        run_python(suite.python, "-m", "py_compile", "compiled.py",
                   cwd=str(tmp_path))
        os.rename(str(next((tmp_path / "__pycache__").iterdir())),
                  str(tmp_path / program))
    args = program.split()

    def outcome(out):
        return out.returncode, out.stdout, out.stderr

    python = outcome(suite.run(False, *args, cwd=str(tmp_path)))
    original, adapter = [outcome(suite.run(adapter, "-m", "coverage",
                                           "run", *args, cwd=str(tmp_path)))
                         for adapter in (False, True)]
    assert adapter == python
    assert original != python  # what the docs say coverage's runner does


def test_a_program_on_a_pipe_is_read_once(suite):
    """``coverage run <(...)``: prepare() finds the file and run() runs
    what it found (a pipe read twice would run empty)."""
    line = "python %s <(echo 'print(\"piped\")')"
    outs = [subprocess.run(["bash", "-c", line % runner],
                           env=suite.env(adapter), stdout=subprocess.PIPE,
                           universal_newlines=True, timeout=120).stdout
            for adapter, runner in ((False, ""), (True, "-m coverage run"))]
    assert outs == ["piped\n"] * 2

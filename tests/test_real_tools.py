"""Real tools, run as a user runs them, with and without the stand-in.

Two scratch venvs share one set of tools installed from PyPI (pytest,
coverage, pyinstrument, hy); one has the stand-in installed as ``runpy``
(``--install-runpy``).  Each tool runs in both -- through ``python -m``
and, for pyinstrument and hy, through their own ``runpy.run_path`` calls
-- and the outputs and exit statuses must agree (timings and dates
normalised).  A ``sitecustomize`` logs the ``runpath_spec.run`` audit
event to a file: in the stand-in's venv every run must have gone through
runpath_spec, in the other none.
"""

import os
import re
import subprocess
import sys

import pytest

from conftest import make_scratch_venv, make_standin_venv

pytestmark = pytest.mark.slow

SITECUSTOMIZE = '''import os, sys
_log = os.environ.get("RUNPATH_AUDIT_LOG")
if _log:
    def _hook(event, args, _log=_log):
        if event == "runpath_spec.run":
            with open(_log, "a") as f:
                f.write("%s\\n" % (args[0],))
    sys.addaudithook(_hook)
'''

#: What pip installs, one target directory each: (requirements, pip
#: options).  hy publishes no wheel from 1.0 on: it is built (pure Python).
TOOLS = {
    "pytest": (["pytest"], ["--only-binary=:all:"]),
    "coverage": (["coverage"], ["--only-binary=:all:"]),
    "pyinstrument": (["pyinstrument"], ["--only-binary=:all:"]),
    "hy": (["hy>=1"], []),
}

SCRIPT = '''import sys

def work(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

if __name__ == "__main__":
    print("argv", sys.argv[1:], "name", __name__, "spec", __spec__)
    print(work(3000000))
    if len(sys.argv) > 5:
        print("never")
'''

TESTS = '''import sys

def test_ok(tmp_path):
    (tmp_path / "f").write_text("x")
    assert sys.argv

def test_fail():
    assert 1 + 1 == 3
'''


class Venvs:
    def __init__(self, root):
        self.root, self.work = root, root / "work"
        self.installed, self.missing = [], {}
        paths = []
        for tool, (requirements, options) in TOOLS.items():
            target = str(root / "lib" / tool)
            out = subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q",
                 "--disable-pip-version-check", "--target", target]
                + options + requirements, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, universal_newlines=True,
                timeout=300)
            if out.returncode:
                self.missing[tool] = out.stdout.strip().splitlines()[-1:]
            else:
                self.installed.append(tool)
                paths.append(target)
        files = {"sitecustomize.py": SITECUSTOMIZE,
                 "zz_tools.pth": "\n".join(paths) + "\n"}
        self.python = {
            "plain": make_scratch_venv(root / "plain", files=files),
            "standin": make_standin_venv(root / "standin", files=files)}
        self.work.mkdir()
        (self.work / "script.py").write_text(SCRIPT)
        (self.work / "tdemo").mkdir()
        (self.work / "tdemo" / "test_demo.py").write_text(TESTS)
        (self.work / "prog.hy").write_text(
            '(import sys)\n(print "hy" sys.argv __name__)\n'
            '(defn f [] (/ 1 0))\n(f)\n')
        (self.work / "hypkg").mkdir()
        (self.work / "hypkg" / "__init__.py").write_text("import hy\n")
        (self.work / "hypkg" / "__main__.hy").write_text(
            '(import sys)\n'
            '(print "hy package" __name__ (. __spec__ name) sys.argv)\n')

    def need(self, *tools):
        for tool in tools:
            if tool not in self.installed:
                pytest.skip("%s cannot be installed for Python %s here: %s"
                            % (tool, sys.version.split()[0],
                               " ".join(self.missing.get(tool, []))))

    def run(self, venv, *args):
        """(status, stdout, stderr, runs logged) of the venv's python."""
        log = self.root / ("audit-%s.log" % venv)
        if log.exists():
            log.unlink()
        env = dict(os.environ, RUNPATH_AUDIT_LOG=str(log),
                   TMPDIR=str(self.root), PYTHONDONTWRITEBYTECODE="1")
        env.pop("PYTHONPATH", None)
        for name in list(env):  # CI's own coverage settings are not the tools'
            if name.startswith("COVERAGE_"):
                del env[name]
        out = subprocess.run([self.python[venv]] + list(args),
                             cwd=str(self.work), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, timeout=300)
        runs = log.read_text().splitlines() if log.exists() else []
        return out.returncode, out.stdout, out.stderr, runs

    def both(self, *args):
        """The two runs, the stand-in's through runpath_spec, the other's
        not; returns ((status, out, err) plain, same standin, its runs)."""
        plain = self.run("plain", *args)
        standin = self.run("standin", *args)
        assert plain[3] == [], "runpath_spec ran without the stand-in"
        assert standin[3], "the stand-in's venv did not run through " \
            "runpath_spec: %r" % (standin[:3],)
        return plain[:3], standin[:3], standin[3]


@pytest.fixture(scope="module")
def venvs(tmp_path_factory):
    if subprocess.run([sys.executable, "-m", "pip", "--version"],
                      stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode:
        pytest.skip("pip is not available to %s" % sys.executable)
    return Venvs(tmp_path_factory.mktemp("real-tools"))


def _timings(text):
    text = re.sub(r"\d+\.\d+s\b", "N.NNs", text)          # pytest
    return re.sub(r"\(\d+(\.\d+)?s\)", "(N.NNs)", text)


def test_pytest(venvs):
    venvs.need("pytest")
    plain, standin, runs = venvs.both("-m", "pytest", "-q",
                                      "-p", "no:cacheprovider", "tdemo")
    assert plain[0] == standin[0] == 1
    assert _timings(standin[1]) == _timings(plain[1])
    assert "1 failed, 1 passed" in plain[1]
    assert runs == [str(venvs.root / "lib" / "pytest" / "pytest" /
                        "__main__.py")]


def test_coverage_run_and_report(venvs):
    venvs.need("coverage")
    plain, standin, runs = venvs.both("-m", "coverage", "run", "script.py",
                                      "a", "b")
    assert plain == standin
    assert plain[0] == 0 and "argv ['a', 'b'] name __main__" in plain[1]
    plain, standin, _ = venvs.both("-m", "coverage", "report", "-m")
    assert plain == standin
    assert re.search(r"script\.py\s+11\s+1\s+91%\s+13", plain[1]), plain


def _profile_tree(text):
    """pyinstrument's call tree: frame names and places, no timings."""
    tree = text.split("Program:", 1)[1].split("To view this report")[0]
    return [re.sub(r"^([\s│├└─]*)\d+\.\d+ ", r"\1", line)
            for line in tree.splitlines()[1:] if line.strip()]


def test_pyinstrument(venvs):
    venvs.need("pyinstrument")
    plain, standin, runs = venvs.both("-m", "pyinstrument", "script.py", "x")
    assert plain[0] == standin[0] == 0, (plain[2], standin[2])
    assert plain[2] == standin[2]
    program = [line for line in plain[1].splitlines() if "argv" in line]
    assert program == [line for line in standin[1].splitlines()
                       if "argv" in line] == [
        "argv ['x'] name __main__ spec None"]
    # pyinstrument's own runpy.run_path went through runpath_spec too.
    assert runs[-1] == "script.py"
    assert _profile_tree(plain[1])[0].endswith("<module>  script.py:1")


def test_pyinstrument_trims_the_runner_frames(venvs):
    venvs.need("pyinstrument")
    plain, standin, _ = venvs.both("-m", "pyinstrument", "script.py")
    assert _profile_tree(standin[1])[0] == _profile_tree(plain[1])[0]


def _without_runner_frames(traceback):
    """*traceback* without runpy's frames (or the stand-in's)."""
    kept, skipping = [], False
    for line in traceback.splitlines():
        if line.startswith("  File "):
            skipping = '"<frozen runpy>"' in line or line.endswith(
                "runpy.py") or os.path.join("runpath_spec", "") in line
        if not (skipping and line.startswith("  ")):
            kept.append(line)
    return kept


def test_hy_script_and_its_error(venvs):
    venvs.need("hy")
    plain, standin, runs = venvs.both("-B", "-m", "hy", "prog.hy", "a")
    if not plain[1] and (3, 12) <= sys.version_info < (3, 12, 6):
        # hy patches runpy._get_code_from_file with 3.12.6's one-argument
        # form: under plain python it cannot run a script on 3.12.0-3.12.5
        # (hy issue 2598); the stand-in then fails the same way.
        assert plain[:2] == standin[:2] and "expected 1" in plain[2]
        pytest.skip("hy cannot run a script on Python %d.%d.%d itself "
                    "(hy issue 2598)" % sys.version_info[:3])
    assert plain[0] == standin[0] == 1
    assert plain[1] == standin[1] and plain[1].startswith("hy ")
    assert "ZeroDivisionError" in plain[2]
    assert _without_runner_frames(plain[2]) == _without_runner_frames(
        standin[2])
    # hy's own run_path (the path as hy gave it: relative on some versions)
    assert os.path.join(str(venvs.work), runs[-1]) == str(
        venvs.work / "prog.hy")


def test_hy_traceback_shows_runpy_frames_as_python_does(venvs):
    venvs.need("hy")
    plain, standin, _ = venvs.both("-B", "-m", "hy", "prog.hy", "a")
    assert plain[2] == standin[2]


def test_hy_package_main_under_dash_B(venvs):
    venvs.need("hy")
    plain, standin, runs = venvs.both("-B", "-m", "hypkg", "a")
    assert plain == standin
    assert plain[0] == 0 and "hy package __main__ hypkg.__main__" in plain[1]
    assert runs == [str(venvs.work / "hypkg" / "__main__.hy")]

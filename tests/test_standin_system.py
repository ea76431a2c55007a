"""The stand-in with real programs (#24): each runs with the same stdout,
stderr and exit status in a scratch venv with the stand-in installed by
the installer as in a twin venv without it.

Both venvs are built once for the module, without pip: pip and pytest
come from the environment running the tests, through a ``.pth`` file in
each (so nothing is downloaded, and the two see the same packages).
What necessarily differs is normalised: the venvs' and work directories'
paths, addresses, timings, ports and dates.  Two programs print what the
stand-in is rather than what it runs, and compare less (see their
cases): ``pydoc runpy`` documents runpath_spec.compat, and ``cProfile``'s
table lists the runner's functions.
"""

import base64
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from conftest import PROJECT, make_scratch_venv

pytestmark = pytest.mark.slow

TARGET = """\
import sys
def main():
    print("target", sys.argv[1:], __name__)
    return 0
if __name__ == "__main__":
    main()
"""

TESTS = """\
import unittest
class T(unittest.TestCase):
    def test_ok(self):
        self.assertEqual(1 + 1, 2)
def test_plain():
    assert [1] == [1]
"""

WORK = {
    "target.py": TARGET,
    "test_small.py": TESTS,
    "data.json": '{"b": [1, 2], "a": null}',
    "app/__main__.py": "import sys\nprint('zipapp', sys.argv[1:])\n",
    "tree/pkg/__init__.py": "",
    "tree/pkg/m.py": "X = 1\n",
}


def _wheel(directory):
    """A small pure-Python wheel, made by hand (no build backend)."""
    files = {"smallpkg/__init__.py": "VALUE = 1\n",
             "smallpkg-1.0.dist-info/METADATA":
                 "Metadata-Version: 2.1\nName: smallpkg\nVersion: 1.0\n"
                 "Summary: a small package for the system test\n",
             "smallpkg-1.0.dist-info/WHEEL":
                 "Wheel-Version: 1.0\nGenerator: hand\n"
                 "Root-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    for name, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(
            hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("{},sha256={},{}".format(name, digest, len(data)))
    record.append("smallpkg-1.0.dist-info/RECORD,,")
    files["smallpkg-1.0.dist-info/RECORD"] = "\n".join(record) + "\n"
    path = os.path.join(directory, "smallpkg-1.0-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


class Side:
    """One venv and its work directory."""

    def __init__(self, root, standin):
        self.root = str(root)
        self.work = os.path.join(self.root, "work")
        outer = sysconfig.get_paths()["purelib"]  # pip, pytest
        self.python = make_scratch_venv(
            os.path.join(self.root, "venv"),
            # (PROJECT first: the stand-in must find the package it installs)
            pth_lines=[outer])
        if standin:
            out = self.run("-m", "runpath_spec", "--install-runpy")
            assert out[2] == 0, out
            assert self.run("-c", "import runpy; runpy.run_path; "
                            "print(runpy.run_path.__module__)")[0] == \
                "runpath_spec.compat\n"
        for name, text in WORK.items():
            path = os.path.join(self.work, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        _wheel(self.work)

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
        env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1",
                   PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
                   PIP_NO_CACHE_DIR="1", NO_COLOR="1", TERM="dumb",
                   COLUMNS="80", PYTHONHASHSEED="0",
                   # (the outer environment's plugins, hypothesis's, cost
                   # PyPy seconds a run and test nothing here)
                   PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        return env

    def run(self, *args, stdin=None):
        out = subprocess.run([self.python] + list(args), input=stdin,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, env=self.env(),
                             cwd=self.work if os.path.isdir(self.work)
                             else self.root, timeout=180)
        return self.normal(out.stdout), self.normal(out.stderr), \
            out.returncode

    def normal(self, text):
        text = text.replace(os.path.realpath(self.root), "<root>")
        text = text.replace(self.root, "<root>")
        for pattern, by in NORMAL:
            text = re.sub(pattern, by, text)
        return text


NORMAL = [
    (r"0x[0-9a-fA-F]+", "0x?"),
    (r"\b\d+(\.\d+)? (nsec|usec|msec|sec|seconds)\b", "? sec"),
    (r"\bin \d+\.\d+s\b", "in ?s"),
    (r"\d+ loops?, best of \d+", "? loops, best of ?"),
    (r"\b\d+(\.\d+)? \+- ", "? +- "),  # (PyPy's timeit)
    (r"\[\d\d/\w+/\d{4} \d\d:\d\d:\d\d\]", "[date]"),
    (r"\bport \d+\b", "port ?"), (r"127\.0\.0\.1:\d+", "127.0.0.1:?"),
    # timeit's own word on a busy machine: timing, not behaviour.
    (r"[^\n]*UserWarning: The test results are likely unreliable[^\n]*\n",
     ""),
]


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """(with the stand-in, without it): built once for the module."""
    return (Side(tmp_path_factory.mktemp("with"), standin=True),
            Side(tmp_path_factory.mktemp("without"), standin=False))


def _pip(side):
    if side.run("-c", "import pip")[2] != 0:
        pytest.skip("pip is not installed in the environment running the "
                    "tests, so the venvs cannot borrow it")
    steps = [side.run("-m", "pip", "install", "--no-index",
                      "smallpkg-1.0-py3-none-any.whl"),
             side.run("-m", "pip", "show", "smallpkg"),
             side.run("-m", "pip", "list"),
             side.run("-m", "pip", "uninstall", "-y", "smallpkg")]
    return steps


def _zipapp(side):
    made = side.run("-m", "zipapp", "app", "-o", "app.pyz")
    return [made, side.run("app.pyz", "x", "y")]


def _trace(side):
    got = side.run("-m", "trace", "--count", "-C", "cover", "--module",
                   "target", "a")
    with open(os.path.join(side.work, "cover", "target.cover")) as f:
        return [got, f.read()]


def _cprofile(side):
    # The table counts the runner's calls: only the program's own output
    # and the status are compared.
    return side.run("-m", "cProfile", "-o", "profile.out", "-m", "target",
                    "a")


def _pydoc(side):
    # pydoc documents the module runpy is: runpath_spec.compat's own text
    # under the stand-in.  Compared: status, stderr, the functions listed.
    out, err, status = side.run("-m", "pydoc", "runpy")
    functions = out.split("FUNCTIONS")[-1].split("DATA")[0]
    return (re.findall(r"^    (\w+)\(", functions, re.M), err, status)


def _http_server(side):
    proc = subprocess.Popen(
        [side.python, "-m", "http.server", "0", "--bind", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, env=side.env(), cwd=side.work)
    try:
        first = proc.stdout.readline()
        port = re.search(r"port (\d+)", first).group(1)
        from urllib.request import urlopen
        with urlopen("http://127.0.0.1:%s/data.json" % port,
                     timeout=30) as reply:
            body = reply.read().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    return (side.normal(first + out), side.normal(err), proc.returncode,
            body)


def _pickle(side):
    import pickle
    path = os.path.join(side.work, "data.pickle")
    with open(path, "wb") as f:
        pickle.dump({"a": [1, 2.5, "x"]}, f, protocol=2)
    return side.run("-m", "pickletools", "data.pickle")


PDB_INPUT = "where\nnext\np sys.argv[1:]\ncontinue\nquit\n"

PROGRAMS = {
    "pip": _pip,
    "venv": lambda s: [s.run("-m", "venv", "--without-pip", "newvenv"),
                       sorted(os.listdir(os.path.join(s.work, "newvenv")))],
    "json.tool": lambda s: s.run("-m", "json.tool", "--sort-keys",
                                 "data.json"),
    "json.tool stdin": lambda s: s.run("-m", "json.tool", stdin='[1, {}]'),
    "zipapp": _zipapp,
    "compileall": lambda s: s.run("-m", "compileall", "tree"),
    "unittest": lambda s: s.run("-m", "unittest", "-v", "test_small"),
    "pytest": lambda s: s.run("-m", "pytest", "-q", "-p",
                              "no:cacheprovider", "test_small.py"),
    "timeit": lambda s: s.run("-m", "timeit", "-n", "3", "-r", "2", "1+1"),
    "cProfile -m": _cprofile,
    "trace --count": _trace,
    "pdb": lambda s: s.run("-m", "pdb", "target.py", "a", stdin=PDB_INPUT),
    "pdb -m": lambda s: s.run("-m", "pdb", "-m", "target", "a",
                              stdin=PDB_INPUT),
    "http.server": _http_server,
    "site": lambda s: s.run("-m", "site"),
    "pydoc runpy": _pydoc,
    "pickletools": _pickle,
    "tokenize": lambda s: s.run("-m", "tokenize", "target.py"),
    "ast": lambda s: s.run("-m", "ast", "target.py"),
    "calendar": lambda s: s.run("-m", "calendar", "2024", "2"),
    "this": lambda s: s.run("-m", "this"),
    "module error": lambda s: s.run("-m", "no_such_module_here"),
}

#: Programs a version does not have (python -m of them fails alike, but
#: that would test nothing).
MISSING = {"ast": (3, 9)}


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_a_program_runs_alike_with_and_without_the_standin(twins, program):
    if sys.version_info < MISSING.get(program, (0,)):
        pytest.skip("python -m %s is new in %s" % (
            program, ".".join(map(str, MISSING[program]))))
    with_it, without = twins
    ours, theirs = PROGRAMS[program](with_it), PROGRAMS[program](without)
    assert ours == theirs
    # And each ran: a status of 0 and some output (but the error case).
    first = theirs[0] if isinstance(theirs, list) else theirs
    assert (first[-1] if program != "http.server" else theirs[2]) == (
        1 if program == "module error" else 0), theirs

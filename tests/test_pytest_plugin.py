"""The pytest plugin (issue #27): ``run_python`` is ``python`` in-process.

Every behaviour is checked through pytest's own ``pytester``, a plugin's
normal harness: each test writes a small test module and runs it in a
fresh pytest process (``runpytest_subprocess``), where the plugin is
loaded from its ``pytest11`` entry point as a user's session loads it.
The sessions are few and each runs many cases: a pytest start-up costs
more than all of a session's runs.
"""

import os
import subprocess
import sys

pytest_plugins = ["pytester"]

from conftest import needs_plugin_install, pytester_session

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
with open(os.path.join(HERE, "probe_target.py")) as _f:
    PROBE = _f.read()


def test_plugin_import_loads_no_machinery():
    """pytest imports the plugin in every session: it costs next to
    nothing, runpath_spec's machinery loads at the fixture's first use."""
    code = ("import sys, pytest; before = set(sys.modules); "
            "import runpath_spec.pytest_plugin; "
            "print(sorted(set(sys.modules) - before))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [PROJECT] + [p for p in os.environ.get("PYTHONPATH", "").split(
            os.pathsep) if p]))
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         stdout=subprocess.PIPE, universal_newlines=True,
                         check=True)
    assert out.stdout.strip() == repr(["runpath_spec",
                                       "runpath_spec.pytest_plugin"])


@needs_plugin_install
def test_registered_and_disabled_with_p_no(pytester):
    pytester.makepyfile(test_uses="""
        def test_it(run_python):
            assert run_python("-c", "print(6 * 7)").stdout == "42\\n"
    """)
    pytester_session(pytester).assert_outcomes(passed=1)
    off = pytester_session(pytester, "-p", "no:runpath_spec")
    off.assert_outcomes(errors=1)
    off.stdout.fnmatch_lines(["*fixture 'run_python' not found*"])


def test_pytest_leaves_the_already_imported_package_unwarned():
    """pytest marks the plug-in's whole distribution for assertion
    rewriting; through the runpy stand-in (``python -m pytest`` from a
    regular install) runpath_spec is imported by then, and pytest warns
    unless the package says PYTEST_DONT_REWRITE (pytest's own check; the
    warning itself is seen end to end by tests/test_real_tools.py)."""
    import runpath_spec
    from _pytest.assertion.rewrite import AssertionRewriter
    assert AssertionRewriter.is_rewrite_disabled(runpath_spec.__doc__)
    assert not AssertionRewriter.is_rewrite_disabled(
        runpath_spec.__doc__.replace("PYTEST_DONT_REWRITE", ""))


# -- fidelity: run_python(...) against subprocess.run([sys.executable, ...]) --

FIDELITY = r'''
import os, re, subprocess, sys, textwrap, zipfile, py_compile
import pytest

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "probe_source.txt")) as f:
    PROBE = f.read()

def write(path, text):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(str(path), "w") as f:
        f.write(text)

def make_zip(path, members, prefix=b""):
    with zipfile.ZipFile(str(path), "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    if prefix:
        with open(str(path), "rb") as f:
            data = f.read()
        with open(str(path), "wb") as f:
            f.write(prefix + data)

@pytest.fixture
def tree(tmp_path):
    """Every kind of target around the probe (as tests/test_cli.py's)."""
    work, other = tmp_path / "work", tmp_path / "other"
    for where in (work, other):
        write(where / "probe.py", PROBE)
    write(work / "probe_noext", PROBE)
    os.symlink(str(other / "probe.py"), str(work / "link.py"))
    os.symlink(str(other), str(work / "linkdir"))
    py_compile.compile(str(other / "probe.py"), cfile=str(work / "probe.pyc"),
                       doraise=True)
    st = os.stat(str(other / "probe.py"))
    os.utime(str(work / "probe.py"), ns=(st.st_atime_ns, st.st_mtime_ns))
    write(work / "app" / "__main__.py", PROBE)
    make_zip(work / "app.zip", {"__main__.py": PROBE})
    make_zip(work / "app.pyz", {"__main__.py": PROBE},
             prefix=b"#!/usr/bin/env python3\n")
    for rel in ("__init__.py", "sub/__init__.py"):
        write(work / "probepkg" / rel, "")
    write(work / "probepkg" / "__main__.py", PROBE)
    write(work / "probepkg" / "sub" / "mod.py", PROBE)
    write(work / "probemod.py", PROBE)
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
    "dash-c": ["-c", PROBE],
    "stdin": ["-"],
}

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")

def compare(args, cwd, stdin=None, prefix_only=False):
    direct = subprocess.run(
        [sys.executable] + args, cwd=str(cwd), input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=120)
    ours = run_python_(*args, cwd=str(cwd), stdin=stdin)
    expected = (direct.returncode, ADDRESS.sub("0xADDR", direct.stdout),
                ADDRESS.sub("0xADDR", direct.stderr))
    actual = (ours.returncode, ADDRESS.sub("0xADDR", ours.stdout),
              ADDRESS.sub("0xADDR", ours.stderr))
    if prefix_only:  # runpath_spec says a little more after python's words
        assert actual[:2] == expected[:2]
        assert actual[2].startswith(expected[2].rstrip("\n")), (
            expected[2], actual[2])
    else:
        assert actual == expected
    return ours

@pytest.fixture(autouse=True)
def _runner(run_python):
    global run_python_
    run_python_ = run_python

@pytest.mark.parametrize("target", TARGETS)
def test_probe(target, tree):
    args = [a.replace("{root}", str(tree)) for a in TARGETS[target]]
    args += ["arg1", "--x"]
    ours = compare(args, tree / "work", PROBE if target == "stdin" else None)
    assert ours.returncode == 0 and "PROBE " in ours.stdout

AFTERLIFE = """
import atexit, sys, threading
def report(where):
    main = sys.modules["__main__"]
    print(where, sys.argv, sys.path[0], main.__dict__ is globals(),
          "__file__" in globals(), flush=True)
atexit.register(report, "atexit")
def hook(*exc):
    report("excepthook")
sys.excepthook = hook
started = threading.Event()
def linger():
    started.set()
    import time
    time.sleep(0.3)
    report("thread")
threading.Thread(target=linger).start()
started.wait()
if "exit" in sys.argv:
    raise SystemExit(3)
if "raise" in sys.argv:
    raise ValueError("boom")
"""

BODIES = {
    "traceback": "def f():\n    raise KeyError('boom')\nf()\n",
    "exit-3": "import sys\nsys.exit(3)\n",
    "exit-message": "import sys\nsys.exit('bye')\n",
    "exit-256": "import sys\nsys.exit(256)\n",
    "exit-minus-1": "import sys\nsys.exit(-1)\n",
    "bare-systemexit": "raise SystemExit\n",
    "output": "print('out'); import sys; print('err', file=sys.stderr)\n",
    "chained": "class E(Exception): pass\ntry:\n    1/0\n"
               "except Exception as e:\n    raise E('chained') from e\n",
    "keyboard-interrupt": "print('before')\nraise KeyboardInterrupt\n",
    "syntax-error": "1 = x\n",
    "atexit": "import atexit, sys\n"
              "atexit.register(print, 'atexit', sys.argv)\n"
              "@atexit.register\ndef last():\n    print('first registered')\n"
              "print('main')\n",
    "atexit-raises": "import atexit\n"
                     "def bad():\n    raise ValueError('in handler')\n"
                     "atexit.register(bad)\natexit.register(print, 'ok')\n",
    "atexit-unregister": "import atexit\n"
                         "def f():\n    print('never')\n"
                         "atexit.register(f)\natexit.unregister(f)\n",
    "thread": "import threading, time\n"
              "def work():\n    time.sleep(0.2)\n    print('thread done')\n"
              "threading.Thread(target=work).start()\nprint('main done')\n",
    "thread-raises": "import threading\n"
                     "def work():\n    raise ValueError('in thread')\n"
                     "t = threading.Thread(target=work, name='T1')\n"
                     "t.start(); t.join()\n",
    "afterlife-end": AFTERLIFE,
    "warning": "import warnings\nwarnings.warn('careful')\n"
               "warnings.warn('old', DeprecationWarning)\n",
}
ARGS = {"afterlife-exit": ["exit"], "afterlife-raise": ["raise"]}
BODIES["afterlife-exit"] = BODIES["afterlife-raise"] = AFTERLIFE

@pytest.mark.parametrize("how", ["script", "dash-c"])
@pytest.mark.parametrize("body", BODIES)
def test_behaviour(body, how, tmp_path):
    if how == "dash-c" and body.startswith("afterlife"):
        pytest.skip("prints the script's path")
    write(tmp_path / "t.py", BODIES[body])
    args = ["t.py"] if how == "script" else ["-c", BODIES[body]]
    compare(args + ARGS.get(body, ["a"]), tmp_path)

ENTRY_BODY = "import sys\nprint('running', sys.argv[1:])\n" \
             "def f():\n    raise ValueError('from the entry')\nf()\n"

@pytest.mark.parametrize("kind", ["directory", "zip", "dash-m-package",
                                  "dash-m-module"])
def test_runpy_frames(kind, tmp_path):
    """-m, directories and zips: runpy's two frames, as python shows them."""
    if kind == "directory":
        write(tmp_path / "app" / "__main__.py", ENTRY_BODY)
        args = ["app"]
    elif kind == "zip":
        make_zip(tmp_path / "app.zip", {"__main__.py": ENTRY_BODY})
        args = ["app.zip"]
    elif kind == "dash-m-package":
        write(tmp_path / "epkg" / "__init__.py", "")
        write(tmp_path / "epkg" / "__main__.py", ENTRY_BODY)
        args = ["-m", "epkg"]
    else:
        write(tmp_path / "emod.py", ENTRY_BODY)
        args = ["-m", "emod"]
    ours = compare(args + ["a"], tmp_path)
    assert ours.returncode == 1 and isinstance(ours.exception, ValueError)

@pytest.mark.parametrize("args", [
    ["missing.py"], ["empty_dir"], ["nomain.zip"], ["-m", "nosuch_mod_rps"],
    ["-m", "pkg_without_main"], ["-m", ".relative"],
])
def test_bad_targets(args, tmp_path):
    os.mkdir(str(tmp_path / "empty_dir"))
    make_zip(tmp_path / "nomain.zip", {"x.py": ""})
    write(tmp_path / "pkg_without_main" / "__init__.py", "")
    compare(args, tmp_path, prefix_only=True)
'''


def _write_fidelity(pytester):
    pytester.makefile(".txt", probe_source=PROBE)
    pytester.makepyfile(test_fidelity=FIDELITY)


@needs_plugin_install
def test_run_python_is_python(pytester):
    """Issue #27's fidelity comparison: every probe target, every kind of
    ending, errors: returncode, stdout and stderr as a subprocess's."""
    _write_fidelity(pytester)
    result = pytester_session(pytester)
    result.assert_outcomes(passed=15 + 2 * 19 - 3 + 4 + 6, skipped=3)

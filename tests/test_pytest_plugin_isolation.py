"""The pytest plugin (issue #27), continued: isolation and interference
between runs, mocks, coverage, speed and the typed API -- each through
pytest's own ``pytester`` in a fresh pytest process."""

import os
import sys

import pytest

pytest_plugins = ["pytester"]

from conftest import needs_plugin_install, pytester_session  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)


# -- isolation and interference -------------------------------------------------

ISOLATION = r'''
import logging, os, sys, threading, warnings
import pytest

def write(path, text):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(str(path), "w") as f:
        f.write(text)

COUNTER = "count = 0\n"
PROG = "import sys, counter\ncounter.count += 1\n" \
       "print(counter.count, sys.argv[1:])\n"

def test_counter_module_is_fresh_each_run(run_python, tmp_path):
    write(tmp_path / "counter.py", COUNTER)
    write(tmp_path / "prog.py", PROG)
    first = run_python(str(tmp_path / "prog.py"))
    second = run_python(str(tmp_path / "prog.py"))
    assert first.stdout == second.stdout == "1 []\n"
    assert "counter" not in sys.modules

STATEFUL = """
import sys, settings
if "--loud" in sys.argv:
    settings.LOUD = True
print("LOUD" if settings.LOUD else "quiet")
"""

@pytest.fixture
def stateful(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "stateful"
    write(root / "settings.py", "LOUD = False\n")
    write(root / "cli.py", STATEFUL)
    return str(root / "cli.py")

def test_a_loud_run(run_python, stateful):
    assert run_python(stateful, "--loud").stdout == "LOUD\n"

def test_b_default_run(run_python, stateful):
    # Passes alone, and after test_a_loud_run set settings.LOUD.
    assert run_python(stateful).stdout == "quiet\n"

def test_atexit_and_thread_output_in_the_runs_stdout(run_python, tmp_path):
    write(tmp_path / "p.py", "import atexit, threading, time\n"
          "atexit.register(print, 'at exit')\n"
          "def late():\n    time.sleep(0.2)\n    print('from thread')\n"
          "threading.Thread(target=late).start()\nprint('main ends')\n")
    result = run_python(str(tmp_path / "p.py"))
    assert result.stdout == "main ends\nfrom thread\nat exit\n"

def test_a_librarys_atexit_handler_is_left_for_the_process(run_python,
                                                           tmp_path):
    import atexit, pprint
    write(tmp_path / "p.py", "import atexit, pprint\n"
          "atexit.register(pprint.pprint, 'at process exit')\n"
          "atexit.register(print, 'at the end of the run')\n")
    try:
        result = run_python(str(tmp_path / "p.py"))
        assert result.stdout == "at the end of the run\n"
    finally:
        atexit.unregister(pprint.pprint)

def test_a_lingering_thread_fails_clearly(run_python, tmp_path):
    write(tmp_path / "p.py", "import threading\n"
          "stop = threading.Event()\n"
          "threading.Thread(target=stop.wait, args=(5,), name='stuck').start()\n")
    from runpath_spec.pytest_plugin import ThreadTimeoutError
    with pytest.raises(ThreadTimeoutError, match="'stuck'.*0.2 s"):
        run_python(str(tmp_path / "p.py"), join_timeout=0.2)

CHANGES = """
import atexit, logging, os, sys, warnings
sys.argv.append("x"); sys.path.append("/nowhere"); os.chdir("/")
os.environ["RPS_PROGRAM_SET"] = "1"
print(os.environ.get("RPS_GIVEN"), "RPS_REMOVED" in os.environ)
warnings.simplefilter("error")
logging.basicConfig(level=logging.DEBUG)
logging.getLogger("prog.child").addHandler(logging.StreamHandler())
sys.meta_path.append(type("F", (), {"find_spec": staticmethod(
    lambda *a: None)})())
sys.setrecursionlimit(500)
sys.excepthook = print
sys.modules["json"] = None
import helper_from_tree
"""

def test_the_process_is_left_as_it_was(run_python, tmp_path, monkeypatch):
    write(tmp_path / "p.py", CHANGES)
    write(tmp_path / "helper_from_tree.py", "")
    monkeypatch.setenv("RPS_REMOVED", "1")
    import json
    before = (list(sys.argv), list(sys.path), os.getcwd(), dict(os.environ),
              list(warnings.filters), logging.root.handlers[:],
              logging.root.level, list(sys.meta_path),
              sys.getrecursionlimit(), sys.excepthook, dict(sys.modules),
              sys.stdout, sys.stderr, sys.stdin)
    result = run_python(str(tmp_path / "p.py"),
                        env={"RPS_GIVEN": "yes", "RPS_REMOVED": None})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "yes False\n"
    after = (list(sys.argv), list(sys.path), os.getcwd(), dict(os.environ),
             list(warnings.filters), logging.root.handlers[:],
             logging.root.level, list(sys.meta_path),
             sys.getrecursionlimit(), sys.excepthook, dict(sys.modules),
             sys.stdout, sys.stderr, sys.stdin)
    assert after == before
    assert "prog.child" not in logging.root.manager.loggerDict or \
        not logging.getLogger("prog.child").handlers
    assert sys.modules["json"] is json

def test_stdlib_and_site_packages_stay_program_tree_goes(run_python,
                                                         tmp_path):
    write(tmp_path / "mine" / "__init__.py", "")
    write(tmp_path / "mine" / "sub.py", "")
    write(tmp_path / "p.py", "import mine.sub, colorsys\n")
    assert "colorsys" not in sys.modules  # not imported yet: the run does
    result = run_python(str(tmp_path / "p.py"))
    assert result.returncode == 0, result.stderr
    assert "colorsys" in sys.modules  # the standard library stays
    assert "mine" not in sys.modules and "mine.sub" not in sys.modules

def test_site_packages_stay_unless_asked(run_python):
    # sortedcontainers: pure Python, in site-packages (hypothesis needs it),
    # not imported by a pytest session.
    if "sortedcontainers" in sys.modules:
        pytest.skip("sortedcontainers is imported already")
    pytest.importorskip("sortedcontainers")  # imports it: take it out
    for name in [m for m in sys.modules if m.startswith("sortedcontainers")]:
        del sys.modules[name]
    assert run_python("-c", "import sortedcontainers").returncode == 0
    assert "sortedcontainers" in sys.modules
    for name in [m for m in sys.modules if m.startswith("sortedcontainers")]:
        del sys.modules[name]
    result = run_python("-c", "import sortedcontainers",
                        unload_site_packages=True)
    assert result.returncode == 0
    assert "sortedcontainers" not in sys.modules

def test_path_objects_and_dash_m_spellings(run_python, tmp_path):
    import pathlib
    write(tmp_path / "mod_rps_spelt.py", "import sys; print(sys.argv[1:])\n")
    script = pathlib.Path(tmp_path / "mod_rps_spelt.py")
    assert run_python(script, pathlib.Path("a")).stdout == "['a']\n"
    assert run_python(os.fsencode(str(script)), b"b").stdout == "['b']\n"
    result = run_python("-mmod_rps_spelt", "c", cwd=tmp_path)
    assert result.stdout == "['c']\n", result.stderr

def test_fd_capture(run_python):
    code = "import os, sys; print('print'); sys.stdout.flush(); " \
           "os.write(1, b'fd 1\\n'); os.write(2, b'fd 2\\n')"
    sys_level = run_python("-c", code)
    assert sys_level.stdout == "print\n"  # fd 1 went to pytest's capture
    fileno = run_python("-c", "import sys; sys.stdout.fileno()")
    assert "io.UnsupportedOperation" in fileno.stderr
    fd_level = run_python("-c", code, capture="fd")
    assert (fd_level.stdout, fd_level.stderr) == ("print\nfd 1\n", "fd 2\n")

def test_stdin_globals_and_exception(run_python):
    result = run_python("-c", "import sys\ndata = sys.stdin.read()\n"
                        "def main():\n    return helper(data)\n"
                        "def helper(x):\n    return x.upper()\n"
                        "raise SystemExit(main())\n", stdin="abc")
    assert result.returncode == 1 and result.stderr == "ABC\n"
    assert isinstance(result.exception, SystemExit)
    g = result.globals
    g["helper"] = lambda x: "patched " + x  # the name main() looks up
    assert g["main"]() == "patched abc"

def test_check_returncode_and_bad_arguments(run_python):
    import subprocess
    with pytest.raises(subprocess.CalledProcessError):
        run_python("-c", "raise SystemExit(4)").check_returncode()
    run_python("-c", "pass").check_returncode()
    with pytest.raises(ValueError, match="unsupported python option '-X'"):
        run_python("-X", "dev", "t.py")
    with pytest.raises(ValueError, match="capture expects"):
        run_python("-c", "pass", capture="both")
'''


@needs_plugin_install
def test_isolation_and_interference(pytester):
    pytester.makepyfile(test_isolation=ISOLATION)
    pytester_session(pytester).assert_outcomes(passed=13)
    alone = pytester_session(pytester, "-k", "test_b_default_run")
    alone.assert_outcomes(passed=1, deselected=12)


MOCKS = r'''
import os, sys
import pytest

@pytest.fixture
def app(tmp_path, monkeypatch):
    (tmp_path / "greeting.py").write_text(
        "def greet(name):\n    return 'hello ' + name\n")
    (tmp_path / "hello.py").write_text(
        "import sys, greeting\n"
        "def shout(text):\n    return text.upper()\n"
        "def main():\n    print(shout(greeting.greet(sys.argv[1])))\n"
        "if __name__ == '__main__':\n    main()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return str(tmp_path / "hello.py")

def test_a_mock_of_an_imported_module_reaches_the_program(run_python, app,
                                                          monkeypatch):
    import greeting
    monkeypatch.setattr(greeting, "greet", lambda name: "mocked " + name)
    assert run_python(app, "ann").stdout == "MOCKED ANN\n"

def test_the_scripts_own_function_is_rebound_by_its_def(run_python, app):
    # What cannot be patched: `def shout` runs again in the fresh
    # __main__.  What works: call main() again from the globals.
    result = run_python(app, "bob")
    assert result.stdout == "HELLO BOB\n"
    result.globals["shout"] = lambda text: text.title()
    result.globals["main"]()  # prints to pytest's capture: sys.argv is back
'''


@needs_plugin_install
def test_mocks_reach_the_program(pytester):
    pytester.makepyfile(test_mocks=MOCKS)
    pytester_session(pytester).assert_outcomes(passed=2)


COVERAGE = r'''
def test_runs_in_process(run_python, tmp_path):
    (tmp_path / "covered_prog.py").write_text(
        "x = 1\nif x:\n    y = 2\nelse:\n    y = 3\nprint(y)\n")
    assert run_python(str(tmp_path / "covered_prog.py")).stdout == "2\n"
'''


@needs_plugin_install
def test_coverage_counts_the_programs_lines(pytester, monkeypatch):
    """``coverage run -m pytest``, no configuration: the program's lines
    run by run_python are in the data, line by line."""
    coverage = pytest.importorskip("coverage")
    for name in ("COVERAGE_PROCESS_START", "COVERAGE_RCFILE", "COV_CORE_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    data_file = str(pytester.path / "cov.data")
    monkeypatch.setenv("COVERAGE_FILE", data_file)
    pytester.makepyfile(test_cov=COVERAGE)
    result = pytester.run(sys.executable, "-m", "coverage", "run",
                          "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          timeout=600)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    data = coverage.CoverageData(basename=data_file)
    data.read()
    measured = [f for f in data.measured_files()
                if f.endswith("covered_prog.py")]
    assert len(measured) == 1, sorted(data.measured_files())
    assert sorted(data.lines(measured[0])) == [1, 2, 3, 6]


def test_the_typed_client_uses_the_whole_plugin_api():
    """tests/test_typing.py checks the client with mypy --strict and the
    stub with stubtest; here: the client uses every name of the stub."""
    import ast
    from test_typing import CLIENT, _stub_names
    with open(CLIENT, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    used = {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "pytest_plugin"}
    import runpath_spec.pytest_plugin as plugin
    declared = {name for name in _stub_names("runpath_spec.pytest_plugin")
                if hasattr(plugin, name)}  # (aliases are the checker's)
    assert {"run_python", "PythonRunner", "CompletedPython"} <= declared
    assert sorted(declared - used) == []

"""The ``run_python`` fixture against a subprocess and pytest-console-scripts.

Two programs, built in a temporary directory: a one-line script, and a
script importing a small package beside it (three modules).  Each is run
three ways, in interleaved rounds in one process (ours, subprocess,
console-scripts, ours, ...), so a noisy neighbour slows all alike:

* ``run_python(script)``: the fixture's callable
  (``runpath_spec.pytest_plugin.PythonRunner``), each run isolated (the
  package is imported afresh every time, as python would);
* ``subprocess.run([sys.executable, script])``, output captured;
* pytest-console-scripts' ``inprocess`` mode
  (``ScriptRunner.run_inprocess``), if it is installed: it compiles the
  file and ``exec``s it, and keeps what the script imported (so its second
  run of the package script imports nothing).

Per round, each figure is the mean of a batch of calls; the report gives
each one's median over the rounds, in milliseconds per call, and the
median of the per-round ratios (subprocess / ours, console-scripts /
ours), with the lowest and highest round.  The fixture's one-time cost
(it asks a fresh ``python -c`` for its ``sys.path`` once per session) is
measured first and reported apart.

    python -m venv /tmp/bench && /tmp/bench/bin/pip install -e . pytest \\
        pytest-console-scripts
    /tmp/bench/bin/python benchmarks/plugin.py [--rounds N] [--quick]

Not a test: speed is never asserted in the test suite.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from runpath_spec.pytest_plugin import PythonRunner  # noqa: E402

try:
    from pytest_console_scripts import ScriptRunner
except ImportError:  # reported as absent
    ScriptRunner = None

#: Target: ours at least this many times faster than a subprocess.
TARGET_VS_SUBPROCESS = 20


def build(tmp):
    def write(rel, text):
        path = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path
    write("smallpkg_rps/__init__.py", "from .a import A\nfrom .b import B\n")
    write("smallpkg_rps/a.py", "A = 1\n\ndef twice(x):\n    return 2 * x\n")
    write("smallpkg_rps/b.py", "from .a import twice\nB = twice(21)\n")
    return {
        "one-line script": write("one.py", "print('hello')\n"),
        "script importing a small package": write(
            "uses_pkg.py", "import smallpkg_rps\n"
            "print(smallpkg_rps.A + smallpkg_rps.B)\n"),
    }


def methods(script):
    runner = PythonRunner()
    env = dict(os.environ)

    def ours():
        result = runner(script)
        assert result.returncode == 0, result.stderr

    def sub():
        result = subprocess.run([sys.executable, script], env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        assert result.returncode == 0, result.stderr

    found = {"run_python": ours, "subprocess": sub}
    if ScriptRunner is not None:
        where = os.path.dirname(script)

        def console_scripts():
            # It sets no sys.path[0]: its users put the script's directory
            # on sys.path themselves (conftest.py, PYTHONPATH).
            sys.path.insert(0, where)
            try:
                result = ScriptRunner.run_inprocess(script,
                                                    print_result=False)
            finally:
                sys.path.remove(where)
            assert result.returncode == 0, result.stderr
        found["console-scripts inprocess"] = console_scripts
    return found


def _own_modules(name, kept):
    """Each method keeps its own imports of the small package between its
    calls (console-scripts keeps them; run_python forgets them itself), so
    that one method's imports never serve another's run."""
    mine = kept.setdefault(name, {})
    for module in [m for m in sys.modules if m.startswith("smallpkg_rps")]:
        del sys.modules[module]
    sys.modules.update(mine)
    return mine


def batch(call, n):
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n


def measure(script, rounds, batches):
    calls = methods(script)
    for call in calls.values():  # warm: imports, the fresh sys.path
        call()
    per = {name: [] for name in calls}
    kept = {}
    for _ in range(rounds):
        for name, call in calls.items():
            mine = _own_modules(name, kept)
            per[name].append(batch(call, batches[name]))
            mine.clear()
            mine.update((m, sys.modules[m]) for m in list(sys.modules)
                        if m.startswith("smallpkg_rps"))
    _own_modules(None, kept)
    return per


def one_time_cost(script):
    """The first run of a session: it asks python for its sys.path."""
    from runpath_spec import pytest_plugin
    pytest_plugin._FRESH.clear()  # the benchmark's own reach into it
    start = time.perf_counter()
    PythonRunner()(script)
    first = time.perf_counter() - start
    start = time.perf_counter()
    PythonRunner()(script)
    return first, time.perf_counter() - start


def report(name, per):
    ours = per["run_python"]
    print("\n### {}\n".format(name))
    print("| method | ms per call (median) | ratio to run_python "
          "(median of rounds) | lowest, highest round |")
    print("|---|---:|---:|---|")
    for method, times in per.items():
        ratios = [t / o for t, o in zip(times, ours)]
        print("| {} | {:.3f} | {:.1f}x | {:.1f}x, {:.1f}x |".format(
            method, 1000 * statistics.median(times),
            statistics.median(ratios), min(ratios), max(ratios)))
    return statistics.median(
        [s / o for s, o in zip(per["subprocess"], ours)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true",
                        help="3 rounds of small batches (keeps it working)")
    opts = parser.parse_args()
    rounds = 3 if opts.quick else opts.rounds
    batches = {"run_python": 5 if opts.quick else 40, "subprocess": 2 if
               opts.quick else 8, "console-scripts inprocess": 5 if
               opts.quick else 40}
    print("## run_python: {} {} on {}, {} rounds".format(
        platform.python_implementation(), platform.python_version(),
        platform.machine(), rounds))
    if ScriptRunner is None:
        print("\npytest-console-scripts is not installed: its column is "
              "left out")
    with tempfile.TemporaryDirectory() as tmp:
        scripts = build(tmp)
        first, then = one_time_cost(scripts["one-line script"])
        print("\nfirst run of a session: {:.1f} ms (then {:.3f} ms)".format(
            1000 * first, 1000 * then))
        for name, script in scripts.items():
            ratio = report(name, measure(script, rounds, batches))
            if name == "one-line script":
                print("\ntarget: >= {}x faster than a subprocess: {}".format(
                    TARGET_VS_SUBPROCESS, "met" if ratio >= TARGET_VS_SUBPROCESS
                    else "NOT met ({:.1f}x)".format(ratio)))


if __name__ == "__main__":
    main()

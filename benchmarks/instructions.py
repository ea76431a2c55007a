"""Instructions per call, counted by valgrind: the noise-free companion
of bench.py.

Wall-clock medians on a shared machine move by 10-20% between runs.
Instruction counts do not: for the same interpreter, files and arguments,
``valgrind --tool=callgrind`` counts the same number every time, whatever
else the machine is doing.  They leave out time spent in the kernel
(system calls), which favours runpy slightly -- it makes about thirty
system calls per script run against runpath_spec's seven -- so the ratios
here are conservative.

For every row of bench.py, a child interpreter takes the targets bench.py
builds and calls the row's function *n* times, and once more with 0 calls:
the difference over *n* is the count per call.

    python benchmarks/instructions.py [--calls N] [--rows NAME ...] [--json FILE]

Needs valgrind; without it, says so and exits 0.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ("runpath_spec", "runpy", "floor")


def child(row, column, calls, tmp):
    """Run in the child: take the targets the parent built, call one
    function."""
    sys.path.insert(0, HERE)
    import bench
    sys.dont_write_bytecode = True
    with open(os.path.join(tmp, "targets.json")) as f:
        targets = json.load(f)
    sys.path.insert(0, tmp)
    funcs = dict(bench.rows(targets, 1))[row]
    func = funcs[COLUMNS.index(column)]
    if "cache=True" in row:
        sys.dont_write_bytecode = False
        funcs[0]()
        sys.dont_write_bytecode = True
    func()  # imports, finder caches, first-use work: not counted
    func()
    for _ in range(calls):
        func()


def count(row, column, calls, tmp):
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, os.path.abspath(__file__), "--child", row, column,
         str(calls), tmp],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, check=True,
        env=dict(os.environ, PYTHONHASHSEED="0"))
    return int(re.search(r"Collected : (\d+)", out.stdout).group(1))


def per_call(row, column, calls, tmp):
    # A cache=True row writes its pyc on the first run: do that outside
    # the count, so that both counted runs find the same files.
    subprocess.run([sys.executable, os.path.abspath(__file__), "--child",
                    row, column, "0", tmp], check=True)
    return (count(row, column, calls, tmp) - count(row, column, 0, tmp)) \
        / calls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rows", nargs="*")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        row, column, calls, tmp = args.child
        child(row, column, int(calls), tmp)
        return 0
    if shutil.which("valgrind") is None:
        print("instructions.py: valgrind is not installed; nothing counted")
        return 0
    sys.path.insert(0, HERE)
    import bench
    rows = [name for name in bench.TARGETS
            if not args.rows or name in args.rows]
    results = {"python": platform.python_version(), "rows": []}
    print("CPython %s, instructions per call (valgrind callgrind, user "
          "space)\n" % results["python"])
    print("| target | runpath_spec | runpy | floor | ours/runpy | target |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "targets.json"), "w") as f:
            json.dump(bench.build(tmp), f)
        for name in rows:
            # A 9,000-line compile is ~1e9 instructions: few calls suffice.
            calls = max(1, args.calls // 100) if "9000" in name else \
                args.calls
            ours, theirs, floor = (per_call(name, c, calls, tmp)
                                   for c in COLUMNS)
            goal = bench.TARGETS[name]
            results["rows"].append(dict(target=name, ours=ours,
                                        runpy=theirs, floor=floor,
                                        ratio=ours / theirs, goal=goal))
            print("| %s | %.0f | %.0f | %.0f | %.2f | <= %.2f |" % (
                name, ours, theirs, floor, ours / theirs, goal))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

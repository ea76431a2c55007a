"""Reliability: overlapping runs in threads restore ``sys`` exactly, and
an interpreter without ``__main__`` runs every kind of target."""

import subprocess
import sys
import textwrap
import threading
import time

import pytest

import runpath_spec
from runpath_spec import compat

from conftest import (PATH_KINDS, PROJECT, assert_sys_as, make_path_target,
                      snapshot_sys)

RECORDING_BODY = textwrap.dedent('''\
    import sys, time
    seen_argv0 = sys.argv[0]
    _m = sys.modules.get(__name__)
    seen_own_module = _m is not None and _m.__dict__ is globals()
    time.sleep(SLEEP)
    if RAISE:
        raise KeyError("planned")
''')


# -- threads ---------------------------------------------------------------------

def test_overlapping_runs_in_threads_restore_sys_exactly(tmp_path,
                                                         module_tree):
    scripts = []
    for i in range(8):
        d = tmp_path / ("t%d" % i)
        d.mkdir()
        scripts.append(make_path_target("script", d, RECORDING_BODY))
    pkg = tmp_path / "modroot2" / "rps_threaded"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "m.py").write_text(RECORDING_BODY)
    # run_main has no init_globals: its targets read theirs from a module.
    mains = []
    for i in range(8):
        d = tmp_path / ("m%d" % i)
        d.mkdir()
        mains.append(make_path_target("script", d, textwrap.dedent('''\
            import rps_thread_params
            SLEEP, RAISE = rps_thread_params.params[%d]
        ''') % i + RECORDING_BODY))
    params = type(sys)("rps_thread_params")
    params.params = {}
    sys.modules["rps_thread_params"] = params
    sys.path.insert(1, str(tmp_path / "modroot2"))
    before = snapshot_sys()
    records, errors = [], []
    lock = threading.Lock()

    def one(i, round_):
        sleep = 0.0005 * ((i + round_) % 4)
        should_raise = (i + round_) % 5 == 0
        init = {"SLEEP": sleep, "RAISE": should_raise}
        kind = ("path", "module", "module-alter", "main")[(i + round_) % 4]
        start = time.perf_counter()
        try:
            if kind == "path":
                g = runpath_spec.run_path(scripts[i], init_globals=init)
                own = scripts[i]
            elif kind == "main":
                params.params[i] = (sleep, should_raise)
                g = runpath_spec.run_main(mains[i], ["arg"])
                own = mains[i]
            else:
                # A run name of its own: registered under the module's name,
                # the other threads would (rightly) warn that it is there.
                g = runpath_spec.run_module(
                    "rps_threaded.m", init_globals=init,
                    run_name="<rps_threaded>",
                    alter_sys=(kind == "module-alter"))
                own = g["__file__"]
        except KeyError:
            assert should_raise
            return
        except BaseException as exc:  # pragma: no cover - a real failure
            errors.append(exc)
            return
        end = time.perf_counter()
        with lock:
            records.append((start, end, kind, own, g["seen_argv0"],
                            g["seen_own_module"]))

    def worker(i):
        for round_ in range(25):
            one(i, round_)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.path.remove(str(tmp_path / "modroot2"))
    sys.modules.pop("rps_threaded", None)
    del sys.modules["rps_thread_params"]
    del before[2]["rps_thread_params"]
    before[1].remove(str(tmp_path / "modroot2"))
    assert not errors
    assert_sys_as(before)
    # Every run that no other run overlapped saw its own values.
    alone = 0
    for start, end, kind, own, argv0, own_module in records:
        overlapped = any(s < end and start < e for s, e, *_ in records
                         if (s, e) != (start, end))
        if not overlapped and kind != "module":
            assert argv0 == own and own_module
            alone += 1
    assert len(records) > 100


# Targets that wait on a module of events, so that runs in threads overlap
# in a chosen order: no sleeps.  ``rps_sync.steps[NAME]`` is the list of
# calls a target named NAME makes while it runs.
SYNC_BODY = textwrap.dedent('''\
    import sys, rps_sync
    seen_argv0 = sys.argv[0]
    seen_path0 = sys.path[0]
    for _step in rps_sync.steps[NAME]:
        _step()
''')


@pytest.fixture
def sync(monkeypatch):
    import types
    mod = types.ModuleType("rps_sync")
    mod.events = {name: threading.Event() for name in (
        "a_running", "b_running", "a_done")}
    mod.steps = {}
    monkeypatch.setitem(sys.modules, "rps_sync", mod)
    argv, argv_items, path = sys.argv, list(sys.argv), list(sys.path)
    yield mod
    # Undo what a failing run left, so that one failure stays one.
    sys.argv = argv
    argv[:] = argv_items
    sys.path[:] = path


def _wait(event):
    def wait():
        assert event.wait(60)
    return wait


def _sync_target(kind, where, name):
    where.mkdir()
    return make_path_target(kind, where, "NAME = %r\n" % name + SYNC_BODY)


def _in_thread(call, errors):
    def run():
        try:
            call()
        except BaseException as exc:  # pragma: no cover - a real failure
            errors.append(exc)
    t = threading.Thread(target=run)
    t.start()
    return t


def _a_then_b_a_ends_first(sync, run_a, run_b):
    """A starts; B starts while A runs; A ends while B runs; then B ends."""
    ev = sync.events
    sync.steps["a"] = [ev["a_running"].set, _wait(ev["b_running"])]
    sync.steps["b"] = [ev["b_running"].set, _wait(ev["a_done"])]
    errors = []
    a = _in_thread(run_a, errors)
    assert ev["a_running"].wait(60)
    b = _in_thread(run_b, errors)
    a.join()
    ev["a_done"].set()
    b.join()
    assert not errors


@pytest.mark.parametrize("a_kind", ["script", "directory", "zip"])
@pytest.mark.parametrize("a_runs", ["run_path", "run_main"])
def test_run_main_overlapping_another_run_that_ends_first(a_kind, a_runs,
                                                          tmp_path, sync):
    """The issue's reproductions: A runs, run_main starts in B, A ends first.

    runpath_spec used to leave A's ``sys.argv[0]`` or A's directory at
    ``sys.path[0]`` for good, or (run_main in A) lose the caller's
    ``sys.path[0]``."""
    a = _sync_target(a_kind, tmp_path / "a_dir", "a")
    b = _sync_target("script", tmp_path / "b_dir", "b")
    before = snapshot_sys()
    run_a = getattr(runpath_spec, a_runs)
    _a_then_b_a_ends_first(sync, lambda: run_a(a),
                           lambda: runpath_spec.run_main(b, ["x"]))
    assert_sys_as(before)


@pytest.mark.parametrize("b_kind", ["script", "directory"])
def test_run_path_overlapping_run_main_that_ends_first(b_kind, tmp_path,
                                                       sync):
    a = _sync_target("script", tmp_path / "a_dir", "a")
    b = _sync_target(b_kind, tmp_path / "b_dir", "b")
    before = snapshot_sys()
    _a_then_b_a_ends_first(sync, lambda: runpath_spec.run_main(a, ["x"]),
                           lambda: runpath_spec.run_path(b))
    assert_sys_as(before)


def test_run_main_leaves_a_sys_argv_the_target_replaced(tmp_path):
    """As pdb's ``run a b c`` does (issue #14): the new list stays."""
    (tmp_path / "r").mkdir()
    (tmp_path / "k").mkdir()
    replaces = make_path_target("script", tmp_path / "r",
                                "import sys\nsys.argv = ['new', 'a', 'b']\n")
    keeps = make_path_target("script", tmp_path / "k", "x = 1\n")
    saved = sys.argv
    try:
        runpath_spec.run_main(replaces, ["x"])
        assert sys.argv == ["new", "a", "b"]
    finally:
        sys.argv = saved
    before = snapshot_sys()
    runpath_spec.run_main(keeps, ["y"])
    assert sys.argv is saved
    assert_sys_as(before)


def test_sixteen_threads_of_run_path_and_run_main_restore_sys_exactly(
        tmp_path, sync):
    """Each round, 16 runs of mixed kinds are all in force at once (a
    barrier in the targets holds them), then end in whatever order the
    threads are scheduled."""
    kinds = [("run_path", "script"), ("run_path", "directory"),
             ("run_path", "zip"), ("run_main", "script"),
             ("run_main", "directory"), ("run_main", "zip")]
    barrier = threading.Barrier(16)
    targets = {}
    for i in range(16):
        sync.steps["t%d" % i] = [lambda: barrier.wait(60)]
        for runs, kind in kinds:
            targets[i, runs, kind] = _sync_target(
                kind, tmp_path / ("%d_%s_%s" % (i, runs, kind)), "t%d" % i)
    before = snapshot_sys()
    errors = []

    def worker(i):
        for round_ in range(12):
            runs, kind = kinds[(i + round_) % len(kinds)]
            getattr(runpath_spec, runs)(targets[i, runs, kind], ["r"]
                                        if runs == "run_main" else None)

    threads = [_in_thread(lambda i=i: worker(i), errors) for i in range(16)]
    for t in threads:
        t.join()
    assert not errors
    assert_sys_as(before)


def test_runpy_itself_is_left_wrong_by_overlapping_threads(tmp_path):
    """The defect we fix, shown on runpy's own helpers (documentation)."""
    import runpy
    a, b = runpy._ModifiedArgv0("a"), runpy._ModifiedArgv0("b")
    saved = sys.argv[0]
    a.__enter__()
    b.__enter__()
    a.__exit__(None, None, None)  # thread A ends first
    b.__exit__(None, None, None)
    wrong = sys.argv[0]
    sys.argv[0] = saved
    assert wrong == "a"  # runpy leaves the first run's value behind
    ours_a, ours_b = compat._ModifiedArgv0("a"), compat._ModifiedArgv0("b")
    ours_a.__enter__()
    ours_b.__enter__()
    ours_a.__exit__(None, None, None)
    assert sys.argv[0] == "b"  # B is still running: it keeps its value
    ours_b.__exit__(None, None, None)
    assert sys.argv[0] == saved


def test_target_that_runs_another_target_in_a_thread_does_not_deadlock(
        tmp_path):
    inner = make_path_target("script", tmp_path / "inner" if (
        tmp_path / "inner").mkdir() is None else tmp_path, "x = 41\n")
    outer = tmp_path / "outer.py"
    outer.write_text(textwrap.dedent('''
        import threading, runpath_spec
        box = []
        t = threading.Thread(target=lambda: box.append(
            runpath_spec.run_path(INNER)["x"] + 1))
        t.start()
        t.join(30)
        result = box[0]
    '''))
    before = snapshot_sys()
    g = runpath_spec.run_path(str(outer), init_globals={"INNER": inner})
    assert g["result"] == 42
    assert_sys_as(before)


def test_nested_runs_end_in_any_order(tmp_path):
    from runpath_spec import _sysstate
    before = list(sys.argv)
    o1, o2, o3 = (_sysstate.argv0(v) for v in "123")
    o1.__enter__(), o2.__enter__(), o3.__enter__()
    o2.__exit__(None, None, None)
    assert sys.argv[0] == "3"
    o3.__exit__(None, None, None)
    assert sys.argv[0] == "1"
    o1.__exit__(None, None, None)
    assert sys.argv == before


# -- __main__ ---------------------------------------------------------------------

def test_main_never_leaves_sys_modules_during_a_directory_run(tmp_path):
    target = make_path_target("directory", tmp_path, "import time\n"
                              "time.sleep(0.01)\n")
    main = sys.modules["__main__"]
    seen, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            seen.append(sys.modules.get("__main__") is main)
    t = threading.Thread(target=watch)
    t.start()
    try:
        for _ in range(20):
            runpath_spec.run_path(target)
            compat.run_path(target)
    finally:
        stop.set()
        t.join()
    assert seen and all(seen)


def test_an_interpreter_without_main_runs_every_kind(tmp_path):
    targets = {kind: make_path_target(kind, tmp_path / kind, "x = 1\n")
               for kind in PATH_KINDS if (tmp_path / kind).mkdir() is None}
    code = textwrap.dedent('''
        import sys, json
        sys.path.insert(0, %r)
        del sys.modules["__main__"]
        import runpath_spec, runpath_spec.compat as compat
        results = {}
        for kind, path in json.loads(%r).items():
            try:  # python refuses a .pyc that holds source (#25)
                main = runpath_spec.run_main(path)["x"]
            except RuntimeError as exc:
                main = str(exc)
            results[kind] = [runpath_spec.run_path(path)["x"],
                             compat.run_path(path)["x"], main]
        results["module"] = runpath_spec.run_module("json.tool",
                                                    run_name="x")["__name__"]
        print(json.dumps(results), "__main__" in sys.modules)
    ''') % (PROJECT, __import__("json").dumps(targets))
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    assert out.returncode == 0, out.stderr
    results, main_present = out.stdout.rsplit(" ", 1)
    assert main_present.strip() == "False"
    parsed = __import__("json").loads(results)
    refused = [1, 1, "Bad magic number in .pyc file"]
    assert all(v == (refused if k == "pyc_named_source" else [1, 1, 1])
               for k, v in parsed.items() if k != "module"), parsed

"""Reliability and security: threads, no __main__, hostile input, audit, growth."""

import gc
import io
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zipimport

import pytest
from hypothesis import (HealthCheck, assume, given, settings,
                        strategies as st)

import runpath_spec
from runpath_spec import (BadPathError, BadZipError, NotRegularFileError,
                          RunpathError, compat)

from conftest import PATH_KINDS, make_path_target, make_zip

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(
    runpath_spec.__file__)))

RECORDING_BODY = textwrap.dedent('''\
    import sys, time
    seen_argv0 = sys.argv[0]
    _m = sys.modules.get(__name__)
    seen_own_module = _m is not None and _m.__dict__ is globals()
    time.sleep(SLEEP)
    if RAISE:
        raise KeyError("planned")
''')


def _sys_state():
    return (list(sys.argv), list(sys.path), dict(sys.modules),
            sys.modules.get("__main__"))


def _assert_restored(before):
    argv, path, modules, main = before
    assert sys.argv == argv
    assert sys.path == path
    assert sys.modules.get("__main__") is main
    for name, module in modules.items():
        assert sys.modules.get(name) is module, name
    assert [n for n in sys.modules if n not in modules
            and (n.startswith("<") or n.startswith("rps_"))] == []


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
    before = _sys_state()
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
    _assert_restored(before)
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
    before = _sys_state()
    run_a = getattr(runpath_spec, a_runs)
    _a_then_b_a_ends_first(sync, lambda: run_a(a),
                           lambda: runpath_spec.run_main(b, ["x"]))
    _assert_restored(before)


@pytest.mark.parametrize("b_kind", ["script", "directory"])
def test_run_path_overlapping_run_main_that_ends_first(b_kind, tmp_path,
                                                       sync):
    a = _sync_target("script", tmp_path / "a_dir", "a")
    b = _sync_target(b_kind, tmp_path / "b_dir", "b")
    before = _sys_state()
    _a_then_b_a_ends_first(sync, lambda: runpath_spec.run_main(a, ["x"]),
                           lambda: runpath_spec.run_path(b))
    _assert_restored(before)


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
    before = _sys_state()
    runpath_spec.run_main(keeps, ["y"])
    assert sys.argv is saved
    _assert_restored(before)


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
    before = _sys_state()
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
    _assert_restored(before)


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
    before = _sys_state()
    g = runpath_spec.run_path(str(outer), init_globals={"INNER": inner})
    assert g["result"] == 42
    _assert_restored(before)


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


# -- bad and hostile input ----------------------------------------------------------

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_character_devices_are_refused(device):
    if not os.path.exists(device):
        pytest.skip("no %s here" % device)
    before = _sys_state()
    with pytest.raises(NotRegularFileError) as info:
        runpath_spec.run_path(device)
    assert "%r is a character device" % device in str(info.value)
    assert info.value.path == device
    _assert_restored(before)


def test_a_socket_is_refused(tmp_path):
    path = str(tmp_path / "sock")
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(path)
        with pytest.raises((OSError, NotRegularFileError)) as info:
            runpath_spec.run_path(path)
        assert "sock" in str(info.value)
    finally:
        s.close()


@pytest.mark.parametrize("path", ["a\0b.py", b"a\0b.py"])
def test_nul_in_path(path):
    with pytest.raises(BadPathError) as info:
        runpath_spec.run_path(path)
    assert isinstance(info.value, ValueError)  # what runpy raises
    assert "contains a NUL character" in str(info.value)


def test_undecodable_bytes_path(tmp_path):
    raw = os.path.join(os.fsencode(str(tmp_path)), b"\xff\xfe.py")
    with pytest.raises(FileNotFoundError):
        runpath_spec.run_path(raw)
    with open(raw, "wb") as f:
        f.write(b"x = 'undecodable name'\n")
    assert runpath_spec.run_path(raw)["x"] == "undecodable name"


def test_unreadable_file(tmp_path, monkeypatch):
    target = make_path_target("script", tmp_path, "x = 1\n")
    real = io.open_code

    def refuse(path):
        if path == target:
            raise PermissionError(13, "Permission denied", path)
        return real(path)
    monkeypatch.setattr(io, "open_code", refuse)
    before = _sys_state()
    with pytest.raises(PermissionError) as info:
        runpath_spec.run_path(target)
    assert info.value.filename == target
    _assert_restored(before)


def test_directory_where_a_file_is_needed(tmp_path):
    if sys.version_info >= (3, 15):
        call = lambda: compat._get_code_from_file(str(tmp_path), "r")  # noqa
    elif sys.version_info >= (3, 12, 6):
        call = lambda: compat._get_code_from_file(str(tmp_path))  # noqa
    else:
        call = lambda: compat._get_code_from_file("r", str(tmp_path))  # noqa
    with pytest.raises(IsADirectoryError):
        call()


def test_a_zip_that_is_not_one(tmp_path):
    z = make_zip(str(tmp_path / "good.zip"), {"__main__.py": "x = 1\n"})
    with open(z, "rb") as f:
        data = f.read()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(BadZipError) as info:
        runpath_spec.run_path(str(cut))
    assert info.value.path == str(cut)
    assert isinstance(info.value, RunpathError)


def test_wrong_argument_types_are_type_errors():
    with pytest.raises(TypeError):
        runpath_spec.run_path(42)
    with pytest.raises(TypeError, match="module name must be str"):
        runpath_spec.run_module(42)


# -- properties -----------------------------------------------------------------------

def _raised_by_target(exc, target):
    tb = exc.__traceback__
    origin = os.path.abspath(target)
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == origin:
            return True
        tb = tb.tb_next
    return False


_INTERNAL = (TypeError, KeyError, AttributeError, SystemError, EOFError)


def _check_outcome(call, target):
    before = _sys_state()
    try:
        call()
    except (RunpathError, OSError):
        pass
    except SyntaxError:
        pass  # the target's own source does not compile
    except ValueError as exc:
        # compile() of source with NUL bytes (Python <= 3.11) or with bytes
        # that are not UTF-8 (a UnicodeDecodeError from 3.11): as runpy.
        assert "null bytes" in str(exc) or isinstance(
            exc, UnicodeDecodeError), exc
    except BaseException as exc:
        if isinstance(exc, _INTERNAL):
            assert _raised_by_target(exc, target), repr(exc)
    _assert_restored(before)


_CODE = {ord("c"), ord("c") | 0x80}

#: PyPy 3.11's tokenizer fails on a number literal followed by a byte that
#: is not ASCII, when the source is not valid UTF-8: an abort of the whole
#: process (a fatal RPython AssertionError, b"5\x94", b"0Xe\x80") or a
#: SystemError (an internal KeyError, b"0\xf6"), in compile() and in
#: `pypy t.py` alike.  So on PyPy such sources cannot give a clear error
#: until runpath_spec checks them before compile() (issue #19).  The pattern
#: is wider than the bug: a digit, the rest of a number token, a non-ASCII
#: byte.
_PYPY_TOKENIZER_FAILS = re.compile(rb"[0-9][0-9A-Za-z_.+-]*[\x80-\xff]")


def _fails_pypys_compiler(data):
    if sys.implementation.name != "pypy" \
            or _PYPY_TOKENIZER_FAILS.search(data) is None:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@pytest.mark.parametrize("source, pypy", [
    (b"5\x94", "Fatal RPython error: AssertionError"),
    (b"1.5\x80", "Fatal RPython error: AssertionError"),
    (b"0Xe\x80", "Fatal RPython error: AssertionError"),
    (b"0\xf6\x0f\xc2", "SystemError: unexpected internal exception"),
])
def test_pypys_compiler_fails_where_the_property_test_looks_away(
        source, pypy, tmp_path):
    """What _fails_pypys_compiler filters out fails `pypy t.py` itself; on
    CPython it is a SyntaxError.  Fails once PyPy fixes its tokenizer, so
    that the filter can go."""
    target = tmp_path / "t.py"
    target.write_bytes(source)
    assert _fails_pypys_compiler(source) == (
        sys.implementation.name == "pypy")
    out = subprocess.run([sys.executable, str(target)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if sys.implementation.name == "pypy":
        assert pypy in out.stderr
        assert out.returncode == (-6 if "Fatal" in pypy else 1)  # SIGABRT
    else:
        assert out.returncode == 1
        assert "SyntaxError" in out.stderr


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=80),
       kind=st.sampled_from(["source", "pyc", "zip", "suffixless"]))
def test_random_bytes_as_targets(data, kind, tmp_path_factory):
    from importlib.util import MAGIC_NUMBER
    d = tmp_path_factory.mktemp("rand")
    if kind == "pyc":
        if len(data) > 16 and data[16] in _CODE:
            data = data[:16] + b"N" + data[17:]  # marshal is not safe: see docs
        data = MAGIC_NUMBER + data[4:] if data[:1] == b"\xff" else data
        name = "t.pyc"
    elif kind == "zip":
        data = b"PK\x03\x04" + data
        name = "t.zip"
    else:
        name = "t.py" if kind == "source" else "t"
    assume(not _fails_pypys_compiler(data))
    target = d / name
    target.write_bytes(data)
    _check_outcome(lambda: runpath_spec.run_path(str(target)), str(target))


@settings(max_examples=150, deadline=None)
@given(path=st.one_of(st.text(max_size=20),
                      st.binary(max_size=20)))
def test_random_paths(path, tmp_path_factory):
    d = tmp_path_factory.mktemp("paths")
    old = os.getcwd()
    os.chdir(str(d))
    try:
        _check_outcome(lambda: runpath_spec.run_path(path), "<none>")
    finally:
        os.chdir(old)


_keys = st.text(min_size=1, max_size=8)
_values = st.one_of(st.none(), st.integers(), st.text(max_size=5),
                    st.lists(st.integers(), max_size=2))


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(init=st.dictionaries(_keys, _values, max_size=6),
       kind=st.sampled_from(["script", "directory", "zip"]))
def test_random_init_globals(init, kind, tmp_path_factory):
    d = tmp_path_factory.mktemp("init")
    target = make_path_target(kind, d, "y = 2\n")
    origin = target if kind == "script" else os.path.join(target,
                                                          "__main__.py")
    _check_outcome(lambda: runpath_spec.run_path(target, init_globals=init),
                   origin)


# -- auditing --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["script", "pyc", "directory_pyc",
                                  "pyc_named_source"])
def test_every_file_is_opened_through_open_code(kind, tmp_path,
                                                open_code_calls):
    target = make_path_target(kind, tmp_path, "x = 1\n")
    runpath_spec.run_path(target)
    opened = open_code_calls
    expected = (os.path.join(target, "__main__.pyc")
                if kind == "directory_pyc" else target)
    assert expected in opened


def test_open_code_hook_sees_every_read_in_a_subprocess(tmp_path):
    """An audit hook sees the 'open' of every file, .pyc included."""
    target = make_path_target("directory_pyc", tmp_path, "x = 1\n")
    code = textwrap.dedent('''
        import sys
        sys.path.insert(0, %r)
        import runpath_spec
        seen = []
        sys.addaudithook(lambda e, a: seen.append(str(a[0]))
                         if e == "open" else None)
        runpath_spec.run_path(%r)
        print(any(s.endswith("__main__.pyc") for s in seen))
    ''') % (PROJECT, target)
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True)
    assert out.stdout.strip() == "True"


# -- no growth ----------------------------------------------------------------------------

def _ten_thousand_runs(tmp_path, module_tree, measure=None):
    """Run every kind of target 10,000 times; *measure()* (if given) is
    called after a warm-up and at the end.  Returns the sizes of sys's
    caches before and after, and what *measure* gave."""
    targets = [make_path_target(kind, tmp_path / kind, "x = [1] * 10\n")
               for kind in ("script", "pyc", "directory", "zip")
               if (tmp_path / kind).mkdir() is None]
    calls = [lambda t=t: runpath_spec.run_path(t) for t in targets]
    calls.append(lambda: runpath_spec.run_module(module_tree + ".mod"))
    calls.append(lambda: compat.run_path(targets[2]))

    def round_():
        for call in calls:
            call()

    def sizes():
        return (len(sys.modules), len(sys.path_importer_cache),
                len(zipimport._zip_directory_cache))

    for _ in range(50):
        round_()
    gc.collect()
    before = sizes()
    for _ in range(200):
        round_()
    gc.collect()
    first = measure() if measure else None
    for _ in range(10000 // len(calls)):
        round_()
    gc.collect()
    last = measure() if measure else None
    return before, sizes(), first, last


@pytest.mark.slow
def test_ten_thousand_runs_do_not_grow(tmp_path, module_tree):
    before, after, _, _ = _ten_thousand_runs(tmp_path, module_tree)
    assert after == before  # sys.modules, path_importer_cache, zipimport's


MEMORY_CHILD = """\
import sys, tracemalloc
sys.path[:0] = [%r, %r]
import test_reliability, pytest  # noqa: F401 - the same helper, untraced
tracemalloc.start()
_, _, first, last = test_reliability._ten_thousand_runs(
    __import__("pathlib").Path(%r), %r,
    lambda: tracemalloc.get_traced_memory()[0])
print(first, last)
"""


@pytest.mark.slow
def test_ten_thousand_runs_do_not_grow_memory(tmp_path, module_tree):
    """Measured in a fresh interpreter without the suite's coverage tracer:
    coverage's own bookkeeping (its sys.monitoring core, the default on
    3.14+, keeps state per new code object, and every run compiles one)
    would otherwise be counted as ours."""
    pytest.importorskip(
        "tracemalloc", reason="this interpreter has no tracemalloc (PyPy: "
        "its GC does not trace Python allocations), so memory growth cannot "
        "be measured per allocation")
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.path[0] if module_tree else None  # module_tree's root, first
    code = MEMORY_CHILD % (here, PROJECT, str(tmp_path / "child"),
                           module_tree)
    (tmp_path / "child").mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("COVERAGE_")}
    env["PYTHONPATH"] = os.pathsep.join([root, here, PROJECT])
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=600)
    assert out.returncode == 0, out.stderr
    first, last = map(int, out.stdout.split())
    assert last - first < 256 * 1024, (first, last)


# -- the find event (issue #17) -------------------------------------------------

VETO_CALLS = {
    "run_path-script": "runpath_spec.run_path(SCRIPT)",
    "run_path-directory": "runpath_spec.run_path(DIRECTORY)",
    "run_module": "runpath_spec.run_module('vetopkg.mod')",
    "run_module-alter_sys": "runpath_spec.run_module('vetopkg.mod', "
                            "alter_sys=True)",
    "spec_from_module": "runpath_spec.spec_from_module('vetopkg.mod')",
    "spec_from_path": "runpath_spec.spec_from_path(SCRIPT)",
    "run_main-module": "runpath_spec.run_main('vetopkg.mod', module=True)",
    "run_main-script": "runpath_spec.run_main(SCRIPT)",
    "MainTarget-module": "runpath_spec.MainTarget('vetopkg.mod', "
                         "module=True)",
    "compat.run_path": "compat.run_path(SCRIPT)",
    "compat.run_module": "compat.run_module('vetopkg.mod')",
    "compat._run_module_as_main": "compat._run_module_as_main("
                                  "'vetopkg.mod')",
}


@pytest.mark.parametrize("call", sorted(VETO_CALLS))
def test_a_veto_of_the_find_event_runs_nothing_and_changes_nothing(
        call, tmp_path):
    """runpath_spec.find is raised before anything of the target -- its
    parent packages included -- is read or run; a veto leaves sys as it was."""
    pkg = tmp_path / "vetopkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("print('PACKAGE RAN')\n")
    (pkg / "mod.py").write_text("print('MODULE RAN')\n")
    (tmp_path / "s.py").write_text("print('SCRIPT RAN')\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "__main__.py").write_text("print('DIR RAN')\n")
    code = textwrap.dedent('''
        import sys
        sys.path.insert(0, %r)
        import runpath_spec
        from runpath_spec import compat
        SCRIPT, DIRECTORY = %r, %r
        seen = []
        def hook(event, args):
            if event.startswith("runpath_spec."):
                seen.append(event)
            if event == "runpath_spec.find":
                raise PermissionError("vetoed %%r" %% (args,))
        before = (list(sys.argv), list(sys.path), dict(sys.modules))
        sys.addaudithook(hook)
        try:
            %s
        except PermissionError as e:
            print("refused", e)
        after = (list(sys.argv), list(sys.path), dict(sys.modules))
        print("events", seen)
        print("unchanged", before[:2] == after[:2],
              sorted(name for name in set(after[2]) - set(before[2])
                     if not name.startswith("runpath_spec.")))
    ''') % (str(tmp_path), str(tmp_path / "s.py"), str(tmp_path / "d"),
            VETO_CALLS[call])
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True, timeout=120)
    assert "RAN" not in out.stdout, out.stdout
    assert "refused vetoed" in out.stdout, out.stdout
    assert "events ['runpath_spec.find']" in out.stdout, out.stdout
    assert "unchanged True []" in out.stdout, out.stdout

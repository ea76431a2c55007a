"""cache=True: the PEP 3147 bytecode cache for source targets."""

import importlib.util
import os
import subprocess
import sys
import threading
import time

import pytest

import runpath_spec
from runpath_spec import _cache, pyc

from conftest import read_bytes, write_file


BODY = "value = 'v1'\n"


@pytest.fixture(autouse=True)
def _writable(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _cache.clear_memory_cache()


def _counting_compiles(monkeypatch):
    calls = []
    real = runpath_spec.SourceScriptLoader.source_to_code

    def counting(self, data, path, *args, **kwargs):
        calls.append(path)
        return real(self, data, path, *args, **kwargs)
    monkeypatch.setattr(runpath_spec.SourceScriptLoader, "source_to_code",
                        counting)
    return calls


def test_written_where_pep_3147_says_and_reused(tmp_path, monkeypatch):
    calls = _counting_compiles(monkeypatch)
    path = write_file(tmp_path, "s.py", BODY)
    assert runpath_spec.run_path(path, cache=True)["value"] == "v1"
    pyc_path = importlib.util.cache_from_source(path)
    assert os.path.exists(pyc_path)
    header = pyc.read_header(read_bytes(pyc_path))
    assert header.kind == "timestamp"
    assert runpath_spec.run_path(path, cache=True)["value"] == "v1"
    assert len(calls) == 1  # the second run compiled nothing
    # Without cache=True nothing is read from or written to the cache.
    assert runpath_spec.run_path(path)["value"] == "v1"
    assert len(calls) == 2


def test_spec_profile_shows_the_cached_file(tmp_path):
    path = write_file(tmp_path, "s.py", BODY)
    g = runpath_spec.run_path(path, cache=True, profile="spec")
    assert g["__cached__"] == importlib.util.cache_from_source(path)
    assert g["__spec__"].cached == g["__cached__"]


@pytest.mark.parametrize("how", ["mtime", "size"])
def test_invalidated_by_mtime_and_size(how, tmp_path, monkeypatch):
    calls = _counting_compiles(monkeypatch)
    path = write_file(tmp_path, "s.py", BODY)
    runpath_spec.run_path(path, cache=True)
    st = os.stat(path)
    if how == "mtime":
        with open(path, "w") as f:
            f.write("value = 'v2'\n")  # same size
        os.utime(path, (st.st_atime, st.st_mtime + 7))
    else:
        with open(path, "w") as f:
            f.write("value = 'v2!'\n")
        os.utime(path, (st.st_atime, st.st_mtime))  # same mtime
    assert runpath_spec.run_path(path, cache=True)["value"].startswith("v2")
    assert len(calls) == 2


def test_checked_hash_when_source_date_epoch_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "315532800")
    calls = _counting_compiles(monkeypatch)
    path = write_file(tmp_path, "s.py", BODY)
    runpath_spec.run_path(path, cache=True)
    header = pyc.read_header(read_bytes(
        importlib.util.cache_from_source(path)))
    assert header.kind == "checked-hash"
    runpath_spec.run_path(path, cache=True)
    assert len(calls) == 1
    st = os.stat(path)
    with open(path, "w") as f:
        f.write("value = 'v3'\n")  # same size, same mtime: only the hash
    os.utime(path, (st.st_atime, st.st_mtime))
    assert runpath_spec.run_path(path, cache=True)["value"] == "v3"
    assert len(calls) == 2


def test_dont_write_bytecode_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    calls = _counting_compiles(monkeypatch)
    path = write_file(tmp_path, "s.py", BODY)
    runpath_spec.run_path(path, cache=True)
    runpath_spec.run_path(path, cache=True)
    assert not (tmp_path / "__pycache__").exists()
    assert len(calls) == 1  # the in-memory cache answered


def test_pycache_prefix_is_honoured(tmp_path, monkeypatch):
    prefix = tmp_path / "prefix"
    monkeypatch.setattr(sys, "pycache_prefix", str(prefix))
    path = write_file(tmp_path, "s.py", BODY)
    runpath_spec.run_path(path, cache=True)
    assert not (tmp_path / "__pycache__").exists()
    written = [os.path.join(d, f) for d, _, fs in os.walk(str(prefix))
               for f in fs]
    assert written == [importlib.util.cache_from_source(path)]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only directories")
def test_read_only_directory_falls_back_to_memory(tmp_path, monkeypatch):
    calls = _counting_compiles(monkeypatch)
    path = write_file(tmp_path, "s.py", BODY)
    os.chmod(str(tmp_path), 0o555)
    try:
        runpath_spec.run_path(path, cache=True)
        runpath_spec.run_path(path, cache=True)
    finally:
        os.chmod(str(tmp_path), 0o755)
    assert not (tmp_path / "__pycache__").exists()
    assert len(calls) == 1


def test_unwritable_cache_falls_back_to_memory(tmp_path, monkeypatch):
    """The read-only case as root sees it: the write itself fails."""
    calls = _counting_compiles(monkeypatch)
    import posix

    def refuse(*args):
        raise PermissionError(13, "refused")
    monkeypatch.setattr(posix, "replace", refuse)  # importlib's _os.replace
    path = write_file(tmp_path, "s.py", BODY)
    runpath_spec.run_path(path, cache=True)
    runpath_spec.run_path(path, cache=True)
    assert len(calls) == 1


def test_suffixless_file_uses_memory_only(tmp_path, monkeypatch):
    calls = _counting_compiles(monkeypatch)
    path = write_file(tmp_path, "tool", BODY)
    for _ in range(3):
        assert runpath_spec.run_path(path, cache=True)["value"] == "v1"
    assert len(calls) == 1
    assert not (tmp_path / "__pycache__").exists()
    spec = runpath_spec.spec_from_path(path, cache=True)
    assert spec.cached is None


def test_damaged_cache_is_rewritten(tmp_path):
    path = write_file(tmp_path, "s.py", BODY)
    runpath_spec.run_path(path, cache=True)
    pyc_path = importlib.util.cache_from_source(path)
    with open(pyc_path, "r+b") as f:
        f.seek(20)
        f.write(b"\xff\xff\xff")
    assert runpath_spec.run_path(path, cache=True)["value"] == "v1"
    runpath_spec.pyc.code_from_pyc(read_bytes(pyc_path))  # valid again


def test_code_filename_follows_the_path_given(tmp_path, monkeypatch):
    path = write_file(tmp_path, "s.py", "def f():\n    pass\n")
    runpath_spec.run_path(path, cache=True)
    monkeypatch.chdir(tmp_path)
    g = runpath_spec.run_path("s.py", cache=True)
    assert g["f"].__code__.co_filename == "s.py"


def test_concurrent_writers_never_show_a_torn_file(tmp_path):
    path = write_file(tmp_path, "s.py", "x = 1\n" + "y = [%s]\n" % ",".join(
        str(i) for i in range(3000)))
    pyc_path = importlib.util.cache_from_source(path)
    errors, stop = [], threading.Event()

    def writer():
        for i in range(30):
            st = os.stat(path)
            os.utime(path, (st.st_atime, st.st_mtime + 1))
            try:
                runpath_spec.run_path(path, cache=True)
            except Exception as exc:  # pragma: no cover - a real failure
                errors.append(exc)

    def reader():
        while not stop.is_set():
            try:
                data = read_bytes(pyc_path)
            except FileNotFoundError:
                continue
            try:
                runpath_spec.pyc.code_from_pyc(data)
            except Exception as exc:  # pragma: no cover - a torn file
                errors.append(exc)
    readers = [threading.Thread(target=reader) for _ in range(2)]
    writers = [threading.Thread(target=writer) for _ in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not errors
    assert [f for f in os.listdir(os.path.dirname(pyc_path))
            if f.endswith(".tmp")] == []


def test_concurrent_writer_processes(tmp_path):
    path = write_file(tmp_path, "s.py", "x = 1\n" * 2000)
    root = os.path.dirname(os.path.dirname(os.path.abspath(
        runpath_spec.__file__)))
    code = ("import sys; sys.path.insert(0, %r); sys.dont_write_bytecode = "
            "False\nimport runpath_spec\nfor _ in range(20): "
            "runpath_spec.run_path(%r, cache=True)") % (root, path)
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
    assert [p.wait(120) for p in procs] == [0, 0, 0, 0]
    runpath_spec.pyc.code_from_pyc(read_bytes(
        importlib.util.cache_from_source(path)))


def test_cli_cache_option(tmp_path):
    path = write_file(tmp_path, "s.py", "print('ran')\n")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = os.path.dirname(os.path.dirname(os.path.abspath(
        runpath_spec.__file__)))
    env["PYTHONPATH"] = root
    out = subprocess.run([sys.executable, "-m", "runpath_spec", "--cache",
                          path], env=env, stdout=subprocess.PIPE,
                         universal_newlines=True, check=True)
    assert out.stdout == "ran\n"
    assert os.path.exists(importlib.util.cache_from_source(path))


def test_benchmark_runs(tmp_path):
    """benchmarks/bench.py --quick works (a smoke test, not a timing)."""
    bench = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))), "benchmarks", "bench.py")
    out_json = tmp_path / "bench.json"
    start = time.time()
    out = subprocess.run([sys.executable, bench, "--quick", "--json",
                          str(out_json)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    import json
    data = json.loads(out_json.read_text())
    assert {row["target"] for row in data["rows"]} >= {
        "script (1 line)", "pyc (1 line)", "directory", "zip",
        "run_module (small)", "script (9000 lines)"}
    assert all(row["ours"] > 0 and row["runpy"] > 0 for row in data["rows"])
    assert set(data["slopes"]) == {"script", "zip"}
    assert len(data["bounds"]) == 4
    assert all(b["micro"] > 0 and b["ratio"] > 0 for b in data["bounds"])
    assert "| target |" in out.stdout
    assert time.time() - start < 600


def test_benchmark_median_interval():
    """The interval the benchmark prints: order statistics of the median."""
    import importlib.util as iu
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))), "benchmarks", "bench.py")
    spec = iu.spec_from_file_location("rps_bench", path)
    bench = iu.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.median_interval([3.0, 1.0, 2.0]) == (1.0, 3.0)
    # n = 15: P(Binomial(15, 1/2) <= 3) = 576/32768 <= 2.5% < P(<= 4), so
    # the 4th smallest and the 4th largest.
    assert bench.median_interval(list(range(15))) == (3, 11)
    assert bench.median_interval(list(range(41))) == (13, 27)


# -- hardening (issue #17) -----------------------------------------------------

def test_the_pyc_gets_the_sources_mode(tmp_path):
    """A 0600 source must not leave a world-readable pyc (importlib's
    _calc_mode): its strings would be readable."""
    path = write_file(tmp_path, "s.py", "TOKEN = 'secret'\n")
    os.chmod(path, 0o600)
    old = os.umask(0o022)
    try:
        runpath_spec.run_path(path, cache=True)
    finally:
        os.umask(old)
    mode = os.stat(importlib.util.cache_from_source(path)).st_mode & 0o777
    assert mode & 0o077 == 0, oct(mode)


def test_a_symlink_planted_as_the_pyc_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    path = write_file(tmp_path, "s.py", BODY)
    pyc_file = importlib.util.cache_from_source(path)
    os.makedirs(os.path.dirname(pyc_file))
    os.symlink(str(victim), pyc_file)
    assert runpath_spec.run_path(path, cache=True)["value"] == "v1"
    assert victim.read_text() == "precious\n"
    assert not os.path.islink(pyc_file)


def test_the_write_is_importlibs_own(tmp_path):
    """The temporary file is opened by importlib's _write_atomic (O_EXCL:
    a planted link at its name is refused), reached through its set_data."""
    from importlib.machinery import SourceFileLoader
    own = SourceFileLoader.set_data.__code__
    calls = []

    def profiler(frame, event, arg):
        if event == "call" and frame.f_code is own:
            calls.append(frame.f_locals.get("path"))
    path = write_file(tmp_path, "s.py", BODY)
    sys.setprofile(profiler)
    try:
        runpath_spec.run_path(path, cache=True)
    finally:
        sys.setprofile(None)
    assert calls == [importlib.util.cache_from_source(path)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_never_cached(tmp_path):
    fifo = str(tmp_path / "job.py")
    os.mkfifo(fifo)
    seen = []
    for job in (1, 2, 3):
        def feed(job=job):
            with open(fifo, "w") as f:
                f.write("job = %d\n" % job)
        writer = threading.Thread(target=feed)
        writer.start()
        seen.append(runpath_spec.run_path(fifo, cache=True)["job"])
        writer.join()
    assert seen == [1, 2, 3]
    assert not (tmp_path / "__pycache__").exists()


def test_a_save_between_read_and_stat_is_not_cached_as_new(tmp_path):
    """The stat is the one taken before the bytes were read: a file saved
    after the read is cached (if at all) under its old mtime and size, so
    the next run sees the change."""
    path = write_file(tmp_path, "s.py", "value = 'old'\n")
    spec = runpath_spec.spec_from_path(path, cache=True)  # stat, then read
    st = os.stat(path)
    with open(path, "w") as f:
        f.write("value = 'new, longer'\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    namespace = {}
    exec(spec.loader.get_code("__main__"), namespace)  # the bytes read
    assert namespace["value"] == "old"
    assert runpath_spec.run_path(path, cache=True)["value"] == "new, longer"

"""Extension points: custom loaders, registered, per call and as
entry-point plug-ins."""

import importlib.machinery
import subprocess
import textwrap

import pytest

import runpath_spec
from runpath_spec import register_loader, spec_from_path, unregister_loader
from runpath_spec import _plugins

from conftest import (REWRITABLE as BODY, RewritingLoader, make_scratch_venv,
                      write_file)


class LoaderA(RewritingLoader):
    pass


class LoaderB(importlib.machinery.SourceFileLoader):
    pass


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(_plugins, "_registered", {})


def test_registered_loader_is_used(tmp_path, clean_registry):
    path = write_file(tmp_path, "script.rw", BODY)
    assert runpath_spec.run_path(path)["value"] == "ORIGINAL"
    register_loader(LoaderA, ".rw")
    spec = spec_from_path(path)
    assert type(spec.loader) is LoaderA and spec.origin == path
    assert runpath_spec.run_path(path)["value"] == "REWRITTEN"
    assert runpath_spec.run_main(path)["value"] == "REWRITTEN"
    unregister_loader(LoaderA)
    assert runpath_spec.run_path(path)["value"] == "ORIGINAL"


def test_precedence(tmp_path, clean_registry):
    path = write_file(tmp_path, "x.data.rw", BODY)
    register_loader(LoaderA, [".rw"])
    register_loader(LoaderB, ".rw")  # the later registration wins
    assert type(spec_from_path(path).loader) is LoaderB
    register_loader(LoaderA, ".data.rw")  # the longest suffix wins
    assert type(spec_from_path(path).loader) is LoaderA
    per_call = [(LoaderB, ".data.rw")]  # per call beats registered
    assert type(spec_from_path(path, loaders=per_call).loader) is LoaderB
    assert runpath_spec.run_path(path, loaders=per_call)["value"] == "ORIGINAL"
    unregister_loader(LoaderA, ".data.rw")
    assert type(spec_from_path(path).loader) is LoaderB


def test_registration_errors(clean_registry):
    with pytest.raises(ValueError, match="expected suffixes like '.hy', "
                                         "got 'rw'"):
        register_loader(LoaderA, "rw")
    with pytest.raises(ValueError, match="at least one suffix"):
        register_loader(LoaderA, [])
    with pytest.raises(TypeError, match="expected a loader class"):
        register_loader("nope", ".rw")
    with pytest.raises(LookupError, match="is not registered"):
        unregister_loader(LoaderA)
    register_loader(LoaderA, ".rw")
    with pytest.raises(LookupError):
        unregister_loader(LoaderA, [".rw", ".other"])


def test_a_directory_with_a_registered_suffix_is_still_an_entry(
        tmp_path, clean_registry):
    d = tmp_path / "app.rw"
    d.mkdir()
    (d / "__main__.py").write_text(BODY)
    register_loader(LoaderA, ".rw")
    assert runpath_spec.run_path(str(d))["value"] == "ORIGINAL"


def test_entry_point_plugin_in_a_scratch_venv(tmp_path):
    python = make_scratch_venv(tmp_path / "venv", files={
        "tinyplug.py": textwrap.dedent('''
            import importlib.machinery
            class TinyLoader(importlib.machinery.SourceFileLoader):
                def source_to_code(self, data, path, *args, **kwargs):
                    return compile("print('tiny says', %r)" % data.decode()
                                   .strip(), path, "exec")
        '''),
        "tinyplug-0.1.dist-info/METADATA":
            "Metadata-Version: 2.1\nName: tinyplug\nVersion: 0.1\n",
        "tinyplug-0.1.dist-info/entry_points.txt":
            "[runpath_spec.loaders]\ntiny = tinyplug:TinyLoader\n",
    })
    (tmp_path / "hello.tiny").write_text("hello there\n")
    out = subprocess.run([python, "-m", "runpath_spec", "hello.tiny"],
                         cwd=str(tmp_path), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "tiny says hello there"
    # Importing runpath_spec scans no entry points.
    probe = ("import sys; before = 'importlib.metadata' in sys.modules\n"
             "import runpath_spec\n"
             "print(before, 'importlib.metadata' in sys.modules)")
    out = subprocess.run([python, "-c", probe], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True)
    before, after = out.stdout.split()
    assert after == before


def test_a_plugin_that_registers_itself_when_imported(tmp_path):
    """A common pattern: the plug-in module calls register_loader at import.
    It deadlocked: the entry point was loaded under register_loader's
    lock.  (The timeout only keeps a deadlock from hanging the suite.)"""
    python = make_scratch_venv(tmp_path / "venv", files={
        "selfplug.py": textwrap.dedent('''
            import importlib.machinery
            import runpath_spec
            class SelfLoader(importlib.machinery.SourceFileLoader):
                def source_to_code(self, data, path, *args, **kwargs):
                    return compile("print('self says', %r)" % data.decode()
                                   .strip(), path, "exec")
            runpath_spec.register_loader(SelfLoader, [".selfreg", ".other"])
        '''),
        "selfplug-0.1.dist-info/METADATA":
            "Metadata-Version: 2.1\nName: selfplug\nVersion: 0.1\n",
        "selfplug-0.1.dist-info/entry_points.txt":
            "[runpath_spec.loaders]\nselfreg = selfplug:SelfLoader\n",
    })
    (tmp_path / "hello.selfreg").write_text("hello\n")
    (tmp_path / "again.other").write_text("again\n")
    code = ("import runpath_spec\n"
            "runpath_spec.run_path('hello.selfreg')\n"
            "runpath_spec.run_path('again.other')\n")
    try:
        out = subprocess.run([python, "-c", code], cwd=str(tmp_path),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, timeout=120)
    except subprocess.TimeoutExpired:  # pragma: no cover - the defect
        pytest.fail("the first run of the plug-in's suffix deadlocked")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["self says hello", "self says again"]


class _FakeEntryPoint:
    """What importlib.metadata gives, for a plug-in loaded in this process."""

    def __init__(self, name, load):
        self.name = name
        self.load = load


@pytest.fixture
def fake_entry_points(monkeypatch, clean_registry):
    """Install {suffix: load()} as the scanned entry points."""
    def install(loads):
        monkeypatch.setattr(_plugins, "_entry_points", {
            suffix: _FakeEntryPoint(suffix.lstrip("."), load)
            for suffix, load in loads.items()})
        monkeypatch.setattr(_plugins, "_loaded", {})
    return install


def test_two_threads_racing_to_load_an_entry_point_both_get_it(
        tmp_path, fake_entry_points):
    """Loading happens outside the lock: both threads are in load() at once
    (a barrier holds them there), and both get the loader."""
    import threading
    barrier = threading.Barrier(2)
    calls = []

    def load():
        calls.append(threading.get_ident())
        barrier.wait(60)  # raises BrokenBarrierError if they never meet
        return LoaderA
    fake_entry_points({".race": load})
    path = write_file(tmp_path, "script.race", BODY)
    results, errors = [], []

    def run():
        try:
            results.append(type(spec_from_path(path).loader))
        except BaseException as exc:  # pragma: no cover - the defect
            errors.append(exc)
            barrier.abort()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [LoaderA, LoaderA] and len(calls) == 2
    assert _plugins._loaded == {".race": LoaderA}
    spec_from_path(path)
    assert len(calls) == 2  # answered from then on without loading


@pytest.mark.parametrize("name, suffix", [("conf.d", ".d"),
                                          ("release-1.2", ".2")])
def test_a_directory_with_a_dotted_name_loads_no_plugin(
        name, suffix, tmp_path, fake_entry_points):
    """Custom loaders never apply to a directory, so a plug-in for its
    "suffix" must not even be imported."""
    loaded = []

    def load():  # pragma: no cover - the defect
        loaded.append(suffix)
        return LoaderA
    fake_entry_points({suffix: load})
    d = tmp_path / name
    d.mkdir()
    (d / "__main__.py").write_text(BODY)
    assert runpath_spec.run_path(str(d))["value"] == "ORIGINAL"
    assert runpath_spec.run_main(str(d))["value"] == "ORIGINAL"
    assert loaded == []
    # A file with that suffix still gets the plug-in.
    plain = write_file(tmp_path, "x" + suffix, BODY)
    assert type(spec_from_path(plain).loader) is LoaderA
    assert loaded == [suffix]

"""Issue #15: real import-hook frameworks reach the main script.

hy, importnb, pytest's assertion rewriting, Cython's pyximport, coconut,
typeguard and beartype are installed from PyPI into one scratch virtual
environment per module (the project on its path through a ``.pth``), and
driven there as their users would: through ``import_hooks=True``
(``run_path``, ``run_main``, the command line), ``register_loader`` and
entry points, with bytecode writing on and off (``-B``).  A framework
without a release that installs on the running Python is skipped, saying
so.  Each test runs its checks in one child process and reads back one
JSON line.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import PROJECT, make_notebook, make_scratch_venv, run_python

pytestmark = pytest.mark.slow

#: distribution -> requirement.  --prefer-binary, not --only-binary: hy
#: 1.x ships an sdist only, and --only-binary would pick 2021's hy 0.20.
FRAMEWORKS = {"hy": "hy>=1", "importnb": "importnb", "pytest": "pytest",
              "Cython": "cython", "coconut": "coconut",
              "typeguard": "typeguard", "beartype": "beartype"}
BYTECODE = ["-B", "writes"]


class Venv:
    def __init__(self, python, installed):
        self.python = python
        self.installed = installed

    def need(self, dist):
        if dist not in self.installed:
            pytest.skip("{} has no release that installs on Python {}"
                        .format(dist, sys.version.split()[0]))


def _installed_frameworks(python):
    probe = ("import importlib.metadata as m, json, sys\n"
             "names = json.loads(sys.argv[1])\n"
             "found = []\n"
             "for n in names:\n"
             "    try: m.version(n); found.append(n)\n"
             "    except m.PackageNotFoundError: pass\n"
             "print(json.dumps(found))\n")
    out = subprocess.run([python, "-c", probe, json.dumps(list(FRAMEWORKS))],
                         check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    return set(json.loads(out))


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("frameworks")
    python = make_scratch_venv(root / "venv", with_pip=True)
    pip = [python, "-m", "pip", "install", "-q", "--prefer-binary",
           "--disable-pip-version-check"]
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if subprocess.run(pip + list(FRAMEWORKS.values()), **quiet).returncode:
        for requirement in FRAMEWORKS.values():  # install what installs
            subprocess.run(pip + [requirement], **quiet)
    return Venv(python, _installed_frameworks(python))


def _framework_env(extra_path=None):
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPATH", None)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # importnb's plugin is old
    if extra_path:
        env["PYTHONPATH"] = str(extra_path)
    return env


def _run_in_venv(venv, args, cwd, bytecode, extra_path=None):
    return run_python(venv.python, *(["-B"] if bytecode == "-B" else []),
                      *args, cwd=str(cwd), env=_framework_env(extra_path),
                      timeout=300)


def _driver(venv, cwd, text, bytecode, extra_path=None):
    """Run *text* as a script in *cwd*; its last output line is JSON."""
    (cwd / "driver.py").write_text(textwrap.dedent(text))
    out = _run_in_venv(venv, ["driver.py"], cwd, bytecode, extra_path)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cli(venv, cwd, args, bytecode, extra_path=None):
    return _run_in_venv(venv, ["-m", "runpath_spec"] + args, cwd, bytecode,
                extra_path)


def _no_pycache(directory, prefix=""):  # (prefix: a str or a tuple)
    """Item 8: only cache=True writes bytecode for a target."""
    assert not [os.path.join(d, name) for d, _, names in os.walk(
        str(directory)) if os.path.basename(d) == "__pycache__"
        for name in names if name.startswith(prefix)]


def _plugin(tmp_path, name, entry):
    """A directory holding a distribution that declares *entry*
    (``suffix = module:Class``) in the group ``runpath_spec.loaders``."""
    info = tmp_path / "plugins" / "{}-0.1.dist-info".format(name)
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: {}\nVersion: 0.1\n".format(name))
    (info / "entry_points.txt").write_text(
        "[runpath_spec.loaders]\n{}\n".format(entry))
    return tmp_path / "plugins"


# -- hy ---------------------------------------------------------------------------

HY_PROG = '''\
(import sys)
(setv value (+ 1 2))
(setv seen [__name__ (is (. (get sys.modules __name__) __dict__) (globals))])
(print "hy" value)
'''


@pytest.mark.parametrize("bytecode", BYTECODE)
def test_hy(venv, tmp_path, bytecode):
    venv.need("hy")
    for name in ("prog.hy", "my-prog.hy"):
        (tmp_path / name).write_text(HY_PROG)
    (tmp_path / "hymod.hy").write_text("(setv value (+ 1 2))\n")
    got = _driver(venv, tmp_path, '''
        import json, sys, warnings
        import hy, runpath_spec
        from hy.importer import HyLoader
        warnings.simplefilter("error")  # no ImportHookWarning: hy claims it
        main = sys.modules["__main__"]
        out = {
            # Item 1: hy patches SourceFileLoader.source_to_code; -B too.
            "run_path": runpath_spec.run_path("prog.hy",
                                              import_hooks=True)["seen"],
            "run_module": runpath_spec.run_module("hymod")["value"],
            "run_main": runpath_spec.run_main("prog.hy",
                                              import_hooks=True)["seen"],
            # Item 6: asked as __main__, so a non-identifier stem is found.
            "dashed": runpath_spec.run_main("my-prog.hy",
                                            import_hooks=True)["value"],
        }
        runpath_spec.register_loader(HyLoader, ".hy")
        # Item 7: hy's loader edits and deletes sys.modules[name].
        out["registered"] = runpath_spec.run_main("prog.hy")["seen"]
        out["run_path_main"] = runpath_spec.run_path(
            "prog.hy", run_name="__main__")["seen"]
        out["main_kept"] = sys.modules.get("__main__") is main
        print(json.dumps(out))
    ''', bytecode)
    assert got == {"run_path": ["<run_path>", True], "run_module": 3,
                   "run_main": ["__main__", True], "dashed": 3,
                   "registered": ["__main__", True],
                   "run_path_main": ["__main__", True], "main_kept": True}
    for args, extra in ((["--hook", "hy", "--import-hooks", "prog.hy"], None),
                        (["--loader", ".hy=hy.importer:HyLoader", "prog.hy"],
                         None),
                        (["prog.hy"], _plugin(tmp_path, "hy_runpath",
                                              "hy = hy.importer:HyLoader"))):
        out = _cli(venv, tmp_path, args, bytecode, extra)
        assert (out.returncode, out.stdout) == (0, "hy 3\n"), out.stderr
    # (run_module writes hymod's, as runpy and python -m do.)
    _no_pycache(tmp_path, ("prog.", "my-prog."))


# -- importnb and the built-in notebook loader -------------------------------------

def test_importnb_and_the_builtin_notebook_loader(venv, tmp_path):
    venv.need("importnb")
    make_notebook(tmp_path / "nb.ipynb", [(
        "code", "value = 6\nby = type(__loader__).__module__\nprint(by)\n")])
    probe = _run_in_venv(venv, ["-c", "import importnb\nwith importnb."
                                "imports('ipynb'):\n    import nb"],
                         tmp_path, "-B")
    if probe.returncode:  # (3.15: its source_to_code takes no fullname)
        pytest.skip("importnb cannot import a notebook on Python {} "
                    "either: {}".format(sys.version.split()[0],
                                        probe.stderr.strip().splitlines()[-1]))
    got = _driver(venv, tmp_path, '''
        import json, warnings
        import importnb, runpath_spec
        from runpath_spec.notebook import NotebookLoader
        warnings.simplefilter("error")
        out = {}
        # Item 2: with import_hooks, the import system wins.
        with importnb.imports("ipynb"):
            out["hooked"] = runpath_spec.run_main("nb.ipynb",
                                                  import_hooks=True)["by"]
            out["hooked_spec"] = runpath_spec.run_path(
                "nb.ipynb", import_hooks=True, profile="spec")["by"]
        out["builtin"] = runpath_spec.run_main("nb.ipynb")["by"]
        runpath_spec.register_loader(importnb.Notebook, ".ipynb")
        out["registered"] = runpath_spec.run_main("nb.ipynb")["by"]
        runpath_spec.unregister_loader(importnb.Notebook)
        # Item 10: a per-call None turns a loader off; so does
        # unregister_loader for the built-in one.
        # (importnb puts null in builtins: JSON would run as Python.)
        def loader(**kw):
            spec = runpath_spec.spec_from_path("nb.ipynb", **kw)
            return type(spec.loader).__name__
        out["per_call_off"] = loader(loaders=[(None, ".ipynb")])
        runpath_spec.unregister_loader(NotebookLoader)
        out["unregistered"] = loader()
        print(json.dumps(out))
    ''', "-B")
    assert got == {"hooked": "importnb.loader",
                   "hooked_spec": "importnb.loader",
                   "builtin": "runpath_spec.notebook",
                   "registered": "importnb.loader",
                   "per_call_off": "SourceScriptLoader",
                   "unregistered": "SourceScriptLoader"}
    # A third party's entry point beats the built-in loader.
    plugins = _plugin(tmp_path, "nb_plugin", "ipynb = importnb:Notebook")
    for args, extra, by in (
            (["nb.ipynb"], None, "runpath_spec.notebook"),
            (["--loader", ".ipynb=importnb:Notebook", "nb.ipynb"], None,
             "importnb.loader"),
            (["nb.ipynb"], plugins, "importnb.loader")):
        out = _cli(venv, tmp_path, args, "writes", extra)
        assert (out.returncode, out.stdout) == (0, by + "\n"), out.stderr
    _no_pycache(tmp_path)


def test_builtin_notebook_loader_without_package_metadata(tmp_path):
    """Item 10: from a source checkout on PYTHONPATH (no metadata)."""
    make_notebook(tmp_path / "nb.ipynb", [("code", "print('cells ran')\n")])
    # A vendored copy of the package, on PYTHONPATH, with no site-packages
    # at all (-S): no metadata, so no entry point, anywhere.
    shutil.copytree(os.path.join(PROJECT, "runpath_spec"),
                    str(tmp_path / "vendor" / "runpath_spec"))
    env = _framework_env(tmp_path / "vendor")
    probe = subprocess.run(
        [sys.executable, "-S", "-c", "import importlib.metadata as m\n"
         "print(m.entry_points().get('runpath_spec.loaders', 'none') if "
         "not hasattr(m.entry_points(), 'select') else "
         "list(m.entry_points().select(group='runpath_spec.loaders')) or "
         "'none')"], env=env, cwd=str(tmp_path),
        stdout=subprocess.PIPE, universal_newlines=True)
    assert probe.stdout.strip() == "none"
    out = subprocess.run([sys.executable, "-S", "-m", "runpath_spec",
                          "nb.ipynb"], cwd=str(tmp_path), env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    assert (out.returncode, out.stdout) == (0, "cells ran\n"), out.stderr


# -- pytest's assertion rewriting ------------------------------------------------

PYTEST_OUTER = '''\
import os, pytest, runpath_spec

PROG = os.path.join(os.path.dirname(__file__), "test_prog.py")


@pytest.mark.parametrize("call", [
    lambda: runpath_spec.run_main(PROG, import_hooks=True, profile="spec"),
    lambda: runpath_spec.run_path(PROG, import_hooks=True, profile="spec"),
    lambda: runpath_spec.exec_spec(
        runpath_spec.spec_from_path(PROG, import_hooks=True)),
])
def test_rewritten(call):
    with pytest.raises(AssertionError) as info:
        call()
    assert "assert 2 == 3" in str(info.value)


@pytest.mark.parametrize("profile", ["runpy", "python"])
def test_refused_where_the_spec_is_hidden(profile):
    with pytest.raises(runpath_spec.RunpathError) as info:
        runpath_spec.run_path(PROG, import_hooks=True, profile=profile)
    message = str(info.value)
    assert message.startswith("cannot run {!r} under the {!r} profile: "
                              "expected a loader that gives code".format(
                                  PROG, profile))
    assert "AssertionRewritingHook" in message and "exec_module" in message
'''


@pytest.mark.parametrize("bytecode", BYTECODE)
def test_pytest_assertion_rewriting(venv, tmp_path, bytecode):
    venv.need("pytest")
    (tmp_path / "test_prog.py").write_text("x = 2\nassert x == 3\n")
    (tmp_path / "test_outer.py").write_text(PYTEST_OUTER)
    out = _run_in_venv(venv, ["-m", "pytest", "-q", "-p", "no:cacheprovider",
                      "test_outer.py"], tmp_path, bytecode)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "5 passed" in out.stdout
    _no_pycache(tmp_path, "test_prog.")  # (pytest caches test_outer's)


# -- Cython's pyximport ---------------------------------------------------------------

PYX = '''\
def add(int a, int b):
    return a + b
value = add(1, 2)
print("pyx", value, __name__)
'''


def test_cython_pyximport(venv, tmp_path):
    venv.need("Cython")
    if not (shutil.which("gcc") or shutil.which("cc")):
        pytest.skip("pyximport builds C: no C compiler (gcc, cc) here")
    (tmp_path / "m.pyx").write_text(PYX)
    build = tmp_path / "pyxbld"
    install = "import pyximport; pyximport.install(build_dir={!r})\n".format(
        str(build))
    # One run per process: a Cython module initialises once per process.
    got = _driver(venv, tmp_path, install + textwrap.dedent('''
        import json, runpath_spec
        g = runpath_spec.run_main("m.pyx", import_hooks=True, profile="spec")
        print(json.dumps([g["value"], g["__name__"]]))
    '''), "-B")
    assert got == [3, "__main__"]
    got = _driver(venv, tmp_path, install + textwrap.dedent('''
        import json, runpath_spec
        out = []
        for call in (runpath_spec.run_path, runpath_spec.run_main):
            try:
                call("m.pyx", import_hooks=True)
            except runpath_spec.RunpathError as exc:
                out.append(str(exc))
        print(json.dumps(out))
    '''), "-B")
    assert len(got) == 2 and all(
        m.startswith("cannot run {!r}: expected Python code, found none: it "
                     "is an extension module".format(str(tmp_path / "m.pyx")))
        and m.endswith("the 'spec' profile runs it (create_module/"
                       "exec_module, PEP 451)") for m in got), got
    out = _cli(venv, tmp_path, ["--hook", "pyximport:install",
                                "--import-hooks", "--profile", "spec",
                                "m.pyx"], "writes")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "pyx 3 __main__\n"


# -- coconut ----------------------------------------------------------------------

COCO_LOADER = '''\
import importlib.machinery
import coconut.api


class CocoLoader(importlib.machinery.SourceFileLoader):
    def source_to_code(self, data, path, *args, **kwargs):
        python = coconut.api.parse(data.decode("utf-8"), "sys")
        return compile(python, path, "exec", dont_inherit=True)
'''


def test_coconut(venv, tmp_path):
    venv.need("coconut")
    (tmp_path / "prog.coco").write_text(
        "value = 3 |> (x -> x * 2)\nprint('coco', value)\n")
    (tmp_path / "cocoloader.py").write_text(COCO_LOADER)
    got = _driver(venv, tmp_path, '''
        import json, warnings
        import coconut.api, runpath_spec
        from cocoloader import CocoLoader
        coconut.api.auto_compilation(True)
        out = {}
        # Item 5: coconut's spec is for the compiled file; after saying
        # so, a '.coco' file is never compiled as Python.
        try:
            runpath_spec.run_main("prog.coco", import_hooks=True)
        except runpath_spec.RunpathError as exc:
            out["refused"] = str(exc)
        runpath_spec.register_loader(CocoLoader, ".coco")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out["value"] = runpath_spec.run_main("prog.coco",
                                                 import_hooks=True)["value"]
        out["warning"] = [str(w.message) for w in caught]
        print(json.dumps(out))
    ''', "-B")
    assert got["value"] == 6
    assert "finds 'prog' at " in got["refused"]
    assert "__coconut_cache__" in got["refused"]
    assert got["refused"].endswith("expected a finder or a loader registered "
                                   "for '.coco', found neither, and its "
                                   "suffix is not Python's")
    assert [w for w in got["warning"]
            if w.endswith("running it with the loader registered for its "
                          "suffix, CocoLoader")]
    out = _cli(venv, tmp_path, ["--loader", ".coco=cocoloader:CocoLoader",
                                "prog.coco"], "writes", tmp_path)
    assert (out.returncode, out.stdout) == (0, "coco 6\n"), out.stderr


# -- typeguard and beartype -------------------------------------------------------

APP = '''\
def f(x: int) -> int:
    return x


try:
    f("not an int")
except Exception as exc:
    checked = type(exc).__name__
else:
    checked = None
print(checked)
'''


@pytest.mark.parametrize("bytecode", BYTECODE)
def test_typeguard(venv, tmp_path, bytecode):
    venv.need("typeguard")
    (tmp_path / "app.py").write_text(APP)
    got = _driver(venv, tmp_path, '''
        import json, typeguard, runpath_spec
        # Item 6: a hook that chooses modules by name sees __main__.
        with typeguard.install_import_hook(["__main__"]):
            out = [runpath_spec.run_main("app.py", import_hooks=True),
                   runpath_spec.run_path("app.py", import_hooks=True,
                                         run_name="__main__"),
                   runpath_spec.run_main("app.py", import_hooks=True,
                                         profile="spec"),
                   runpath_spec.run_main("app.py")]
        print(json.dumps([g["checked"] for g in out]))
    ''', bytecode)
    assert got == ["TypeCheckError"] * 3 + [None]
    out = _cli(venv, tmp_path, ["--hook", "typeguard:install_import_hook",
                                "--import-hooks", "app.py"], bytecode)
    assert (out.returncode, out.stdout) == (0, "TypeCheckError\n"), out.stderr
    _no_pycache(tmp_path)


@pytest.mark.parametrize("bytecode", BYTECODE)
def test_beartype(venv, tmp_path, bytecode):
    venv.need("beartype")
    (tmp_path / "app.py").write_text(APP)
    got = _driver(venv, tmp_path, '''
        import json, runpath_spec
        from beartype.claw import beartype_all
        beartype_all()
        out = [runpath_spec.run_main("app.py", import_hooks=True),
               runpath_spec.run_path("app.py", import_hooks=True)]
        print(json.dumps([g["checked"] for g in out]))
    ''', bytecode)
    assert got == ["BeartypeCallHintParamViolation"] * 2
    out = _cli(venv, tmp_path, ["--hook", "beartype.claw:beartype_all",
                                "--import-hooks", "app.py"], bytecode)
    assert (out.returncode, out.stdout) == (
        0, "BeartypeCallHintParamViolation\n"), out.stderr
    _no_pycache(tmp_path)

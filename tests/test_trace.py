"""``--explain --trace``: every decision the finders made, in order, for
every kind of target -- and nothing run, imported or written meanwhile.

The trace is recorded by the finders themselves (``runpath_spec._trace``),
so each test checks a decision the code really made: the step that
claimed, the ones that declined or were not asked, and the loader chosen.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import threading

import pytest

import runpath_spec
from runpath_spec import MainTarget, Trace, explain, format_explanation

from conftest import make_zip

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(
    runpath_spec.__file__)))

HOOKS = r'''
import os, sys
from importlib.machinery import SourceFileLoader
from importlib.util import spec_from_file_location


class HookLoader(SourceFileLoader):
    """An import hook's own loader (as typeguard's or beartype's)."""


class ClaimingFinder:
    """Claims prog.py, asked as __main__ in its one-file entry."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        for entry in path or ():
            origin = entry.rstrip(os.sep)
            if os.path.basename(origin) == "prog.py":
                return spec_from_file_location(
                    fullname, origin, loader=HookLoader(fullname, origin))
        return None


class DecliningFinder:
    """Asked for everything, claims nothing."""

    asked = []

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        return None


class ExecOnlyLoader:
    """A loader that executes modules and gives no code (PEP 451 only)."""

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        print("EXEC RAN")


class ForeignFinder:
    """Finds module 'foreignmod' with a loader that has no get_code()."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname != "foreignmod":
            return None
        from importlib.machinery import ModuleSpec
        return ModuleSpec(fullname, ExecOnlyLoader(), origin="foreign:mod")


def claim():
    sys.meta_path.insert(0, ClaimingFinder)


def decline():
    sys.meta_path.insert(0, DecliningFinder)


def foreign():
    sys.meta_path.insert(0, ForeignFinder)
'''

PLUGIN = r'''
from importlib.machinery import SourceFileLoader


class RwLoader(SourceFileLoader):
    """A plug-in's loader for .rw files."""
'''

PROGRAM = "print('PROGRAM RAN')\n"


def _env(cwd):
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a write would show
    env.pop("PYTHONSAFEPATH", None)
    # The hooks and plug-ins (imported by --hook/--loader, as asked: their
    # own bytecode may be written) live apart from the targets.
    env["PYTHONPATH"] = os.pathsep.join(
        [PROJECT, os.path.join(str(cwd), TOOLS)]
        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


TOOLS = "tools"


def cli(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "runpath_spec"] + list(args), cwd=str(cwd),
        env=_env(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=120)


def traced(args, cwd, status=0):
    """``--explain --trace --json ARGS``: the JSON, checked to run and
    write nothing."""
    before = _tree_state(cwd)
    out = cli(["--explain", "--trace", "--json"] + list(args), cwd)
    assert out.returncode == status, out.stderr
    assert "RAN" not in out.stdout + out.stderr
    assert _tree_state(cwd) == before
    return json.loads(out.stdout), out


def _tree_state(root):
    """Every path under *root* with its mtime: a write changes it."""
    state = {}
    for folder, dirs, files in os.walk(str(root)):
        if folder == str(root) and TOOLS in dirs:
            dirs.remove(TOOLS)
        for name in dirs + files:
            path = os.path.join(folder, name)
            state[path] = os.stat(path).st_mtime_ns
    return state


def _steps(info, stage=None, answer=None):
    return [s for s in info["trace"]
            if (stage is None or s["stage"] == stage)
            and (answer is None or s["answer"] == answer)]


def _stages(info):
    return [s["stage"] for s in info["trace"]]


@pytest.fixture
def work(tmp_path):
    (tmp_path / TOOLS).mkdir()
    (tmp_path / TOOLS / "hooks_rps.py").write_text(HOOKS)
    (tmp_path / TOOLS / "plug_rps.py").write_text(PLUGIN)
    (tmp_path / "prog.py").write_text(PROGRAM)
    return tmp_path


# -- every kind of target ----------------------------------------------------

def test_a_script_gets_its_kind_from_the_stat_and_the_magic_number(work):
    info, _ = traced(["prog.py"], work)
    assert info["kind"] == "source"
    assert _stages(info) == ["plug-in", "import hooks", "stat",
                             "zip signature", "magic number", "loader",
                             "spec"]
    plugin, hooks, stat, signature, magic, loader, spec = info["trace"]
    assert plugin["answer"] == "not asked"
    assert "suffix is runpath_spec's own" in plugin["detail"]
    assert hooks["answer"] == "not asked"
    assert "--import-hooks not given" in hooks["detail"]
    assert stat["answer"] == "regular file"
    assert signature["answer"] == "absent"
    assert magic["answer"] == "source"
    assert repr(b"prin") in magic["detail"]
    assert loader["subject"].endswith("SourceScriptLoader")
    assert loader["answer"] == "chosen"
    assert spec["detail"] == "by a fresh finder"


def test_a_plugin_that_claims(work):
    (work / "prog.rw").write_text(PROGRAM)
    info, _ = traced(["--loader", ".rw=plug_rps:RwLoader", "prog.rw"], work)
    assert info["kind"] == "custom"
    [plugin] = _steps(info, "plug-in")
    assert plugin["answer"] == "claimed"
    assert plugin["detail"] == "plug_rps.RwLoader"
    assert _stages(info)[1:] == ["import hooks", "runpath_spec's finders",
                                 "loader", "spec"]  # nothing else asked
    assert info["trace"][2]["answer"] == "not asked"
    assert info["trace"][3]["subject"] == "plug_rps.RwLoader"


def test_a_plugin_that_declines(work):
    (work / "prog.other").write_text(PROGRAM)
    info, _ = traced(["--loader", ".rw=plug_rps:RwLoader", "prog.other"],
                     work)
    [plugin] = _steps(info, "plug-in")
    assert plugin["answer"] == "declined"
    assert info["kind"] == "source"


def test_a_hook_that_claims(work):
    info, _ = traced(["--hook", "hooks_rps:claim", "--import-hooks",
                      "prog.py"], work)
    assert info["kind"] == "hook"
    first = _steps(info, "meta_path")[0]
    assert first["subject"] == "hooks_rps.ClaimingFinder"
    assert first["answer"] == "found"
    assert "'__main__'" in first["detail"]
    # The finders after it were not asked, and the trace says why.
    later = _steps(info, "meta_path", "not asked")
    assert later and all("hooks_rps.ClaimingFinder answered first"
                         in s["detail"] for s in later)
    [verdict] = _steps(info, "import hooks")
    assert verdict["answer"] == "claimed"
    [loader] = _steps(info, "loader")
    assert loader["subject"] == "hooks_rps.HookLoader"
    assert info["spec"]["loader"] == "<hooks_rps.HookLoader>"


def test_a_hook_that_declines_is_not_called_a_hook(work):
    info, _ = traced(["--hook", "hooks_rps:decline", "--import-hooks",
                      "prog.py"], work)
    declined = [s for s in _steps(info, "meta_path", "declined")
                if s["subject"] == "hooks_rps.DecliningFinder"]
    # Asked twice: as the run name, then as the file's own module name.
    assert len(declined) == 2
    assert "'__main__'" in declined[0]["detail"]
    assert "'prog'" in declined[1]["detail"]
    # importlib's own PathFinder found it with its own loader: no hook.
    assert info["kind"] == "source"
    assert "no import hook claimed it" in info["found_by"]
    text = cli(["--hook", "hooks_rps:decline", "--explain", "--import-hooks",
                "prog.py"], work)
    assert text.returncode == 0, text.stderr
    assert "kind: hook" not in text.stdout
    assert "kind: source" in text.stdout


def test_import_hooks_without_any_hook_say_so(work):
    out = cli(["--explain", "--import-hooks", "prog.py"], work)
    assert out.returncode == 0, out.stderr
    assert "kind: source" in out.stdout and "kind: hook" not in out.stdout
    assert "no import hook claimed it" in out.stdout


def test_a_gh_75221_directory(work):
    """A directory without __main__ while a __main__.py is on sys.path (the
    current directory, for python -m): the entry's own finder finds
    nothing, the rest of sys.path is not searched, and the run is refused."""
    (work / "app").mkdir()
    (work / "app" / "helper.py").write_text(PROGRAM)
    (work / "__main__.py").write_text(PROGRAM)
    info, out = traced(["app"], work, status=1)
    assert info["runs"] is False
    # (3.8 names the directory as given, later versions absolutely.)
    assert re.search(r"can't find '__main__' module in '(.*/)?app'$",
                     out.stderr.strip())
    [stat] = _steps(info, "stat")
    assert stat["answer"] == "directory"
    [hook] = _steps(info, "path hook", "claimed")
    [found] = _steps(info, "entry finder")
    assert _stages(info).index("stat") < _stages(info).index("entry finder")
    assert hook["answer"] == "claimed"
    assert hook["subject"].endswith("path_hook_for_FileFinder")
    assert found["answer"] == "found nothing"
    assert "gh-75221" in found["detail"]
    assert "runpy would run {!r}".format(str(work / "__main__.py")) \
        in found["detail"]
    text = cli(["--explain", "--trace", "app"], work)
    assert text.returncode == 1
    assert "entry finder" in text.stdout and "found nothing" in text.stdout


def test_a_directory(work):
    (work / "app").mkdir()
    (work / "app" / "__main__.py").write_text(PROGRAM)
    info, _ = traced(["app"], work)
    assert info["kind"] == "directory"
    [found] = _steps(info, "entry finder")
    assert found["answer"] == "found"
    assert os.path.join("app", "__main__.py") in found["detail"]
    [loader] = _steps(info, "loader")
    assert loader["subject"].endswith("SourceFileLoader")


def test_a_zip(work):
    make_zip(str(work / "app.zip"), {"__main__.py": PROGRAM})
    info, _ = traced(["app.zip"], work)
    assert info["kind"] == "zip"
    stages = _stages(info)
    assert stages.index("stat") < stages.index("zip signature") \
        < stages.index("path hook") < stages.index("entry finder")
    [signature] = _steps(info, "zip signature")
    assert signature["answer"] == "found"
    [hook] = _steps(info, "path hook")
    assert (hook["subject"], hook["answer"]) == ("zipimport.zipimporter",
                                                 "claimed")
    [found] = _steps(info, "entry finder")
    assert os.path.join("app.zip", "__main__.py") in found["detail"]
    assert "magic number" not in stages  # never read as a script


def _package(root):
    pkg = root / "pkg_rps"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("print('PARENT RAN')\n")
    (pkg / "sub" / "__init__.py").write_text("print('SUB RAN')\n")
    (pkg / "sub" / "mod.py").write_text(PROGRAM)
    return pkg


def test_dash_m_with_parents(work):
    pkg = _package(work)
    info, _ = traced(["-m", "pkg_rps.sub.mod"], work)
    assert info["kind"] == "module"
    parents = _steps(info, "package")
    assert [s["subject"] for s in parents] == ["pkg_rps", "pkg_rps.sub"]
    for step, where in zip(parents, (pkg, pkg / "sub")):
        assert step["answer"] == "would be imported from"
        assert str(where / "__init__.py") in step["detail"]
        assert "not imported" in step["detail"]
    [module] = _steps(info, "module")
    assert module["subject"] == "pkg_rps.sub.mod"
    assert str(pkg / "sub" / "mod.py") in module["detail"]
    # Each name was asked of sys.meta_path, in order: PathFinder found it.
    assert [s["detail"].split(":")[0] for s in
            _steps(info, "meta_path", "found")] == [
        "asked for 'pkg_rps'", "asked for 'pkg_rps.sub' in [{!r}]".format(
            str(pkg)), "asked for 'pkg_rps.sub.mod' in [{!r}]".format(
                str(pkg / "sub"))]


def test_a_foreign_loader_without_code_cannot_run(work):
    info, out = traced(["--hook", "hooks_rps:foreign", "-m", "foreignmod"],
                       work, status=1)
    assert info["runs"] is False
    assert "expected a loader that gives code" in info["cannot_run"]
    [loader] = _steps(info, "loader")
    assert loader["subject"] == "hooks_rps.ExecOnlyLoader"
    assert info["cannot_run"] in out.stderr
    # The spec profile executes it (PEP 451): that target can run, and
    # the real run agrees.
    ok, _ = traced(["--hook", "hooks_rps:foreign", "--profile", "spec",
                    "-m", "foreignmod"], work, status=1)
    assert ok["cannot_run"] is not None  # -m needs code under any profile


def test_explain_m_sys_cannot_run(tmp_path):
    """Issue #26: `--explain -m sys` printed a table and exited 0, while
    running it fails."""
    ran = cli(["-m", "sys"], tmp_path)
    out = cli(["--explain", "-m", "sys"], tmp_path)
    assert ran.returncode == out.returncode == 1
    message = "No code object available for sys"
    assert message in ran.stderr and message in out.stderr
    assert "cannot run: " + message in out.stdout
    info = json.loads(cli(["--explain", "--json", "-m", "sys"],
                          tmp_path).stdout)
    assert info["runs"] is False and message in info["cannot_run"]


def test_a_runnable_module_runs(work):
    _package(work)
    out = cli(["--explain", "-m", "pkg_rps.sub.mod"], work)
    assert out.returncode == 0, out.stderr
    assert "cannot run" not in out.stdout


# -- what the code sees --------------------------------------------------------

def test_explain_shows_what_the_code_sees(tmp_path):
    """Issue #26: ``__doc__`` and ``__builtins__`` are what the code sees
    under each profile, never "(not set)"."""
    prog = tmp_path / "see.py"
    prog.write_text("import builtins\nDOC = __doc__\nB = __builtins__\n")
    info = explain(MainTarget.found_without_running(str(prog)))
    names = {"module": "<module 'builtins'>",
             "dict": "<dict of module 'builtins'>"}
    for profile in ("runpy", "python", "spec"):
        if profile == "python":
            g = MainTarget(str(prog)).run()
        else:
            g = runpath_spec.run_path(str(prog), profile=profile)
        shown = info["profiles"][profile]
        assert shown["__doc__"] is None and g["DOC"] is None
        seen = "module" if isinstance(g["B"], type(sys)) else "dict"
        assert g["B"] is (sys.modules["builtins"] if seen == "module"
                          else vars(sys.modules["builtins"]))
        assert shown["__builtins__"] == names[seen], profile


def test_attributes_name_python_and_runpy_where_they_differ(work):
    info, _ = traced(["prog.py"], work)
    rows = {row["name"]: row for row in info["attributes"]}
    assert rows["__package__"]["value"] is None
    assert rows["__package__"]["runpy"] == ""  # runpy's differs: shown
    assert "python" not in rows["__package__"]  # the chosen profile's
    if rows["__file__"]["value"] == "prog.py":  # 3.8: as given, as runpy
        assert "runpy" not in rows["__file__"]
    else:
        assert rows["__file__"]["value"] == str(work / "prog.py")
        assert rows["__file__"]["runpy"] == "prog.py"
    assert rows["__name__"].keys() == {"name", "value", "from"}
    assert rows["__file__"]["from"] == (
        "the spec (a fresh finder)" if rows["__file__"]["value"]
        == info["spec"]["origin"] else "the 'python' profile's rule")
    assert rows["__loader__"]["from"] == "the 'python' profile's rule"
    spec_profile, _ = traced(["--profile", "spec", "prog.py"], work)
    rows = {row["name"]: row for row in spec_profile["attributes"]}
    assert rows["__spec__"]["value"] == "ModuleSpec(name='__main__')"
    assert rows["__spec__"]["python"] is None
    assert rows["__spec__"]["runpy"] is None


def test_a_remembered_spec_is_named_so(tmp_path, monkeypatch):
    """A directory run again: the entry cache's remembered __main__, not a
    fresh finder, gave the spec -- and the trace says which."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "__main__.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    first, second = Trace(), Trace()
    with first:
        target = MainTarget.found_without_running(str(app))
    with second:
        again = MainTarget.found_without_running(str(app))
    assert explain(target, first)["trace"][-1]["detail"] == \
        "by a fresh finder"
    info = explain(again, second)
    remembered = [s for s in info["trace"] if s["answer"] == "remembered"]
    assert remembered and remembered[-1]["stage"] == "entry finder"
    assert info["trace"][-1]["detail"].startswith("by remembered:")
    rows = {row["name"]: row for row in info["attributes"]}
    assert rows["__file__"]["from"].startswith("the spec (remembered:")


# -- nothing imported, nothing written ---------------------------------------

@pytest.mark.parametrize("kind", ["script", "directory", "zip", "module",
                                  "hook"])
def test_nothing_is_imported_or_written(kind, work, monkeypatch):
    pkg = _package(work)
    (work / "app").mkdir()
    (work / "app" / "__main__.py").write_text("import pkg_rps\n")
    make_zip(str(work / "app.zip"), {"__main__.py": "import pkg_rps\n"})
    monkeypatch.chdir(work)
    monkeypatch.syspath_prepend(str(work))
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    target, options = {"script": ("prog.py", {}),
                       "directory": ("app", {}), "zip": ("app.zip", {}),
                       "module": ("pkg_rps.sub.mod", {"module": True}),
                       "hook": ("prog.py", {"import_hooks": True})}[kind]
    modules, files = set(sys.modules), _tree_state(work)
    with Trace() as trace:
        found = MainTarget.found_without_running(target, **options)
    info = explain(found, trace)
    format_explanation(info)
    format_explanation(info, "dot")
    assert info["runs"] is True
    assert not {name for name in set(sys.modules) - modules
                if name.startswith(("pkg_rps", "prog", "hooks_rps"))}
    assert _tree_state(work) == files
    assert not (pkg / "__pycache__").exists()


# -- the recorder ------------------------------------------------------------

def test_the_trace_records_only_its_own_thread(tmp_path):
    prog = tmp_path / "p.py"
    prog.write_text("x = 1\n")
    from runpath_spec import _trace
    seen = []
    with Trace() as trace:
        assert _trace.on
        worker = threading.Thread(target=lambda: seen.append(
            runpath_spec.spec_from_path(str(prog))))
        worker.start()
        worker.join()
        assert trace.steps == []  # the other thread's finding is not ours
        runpath_spec.spec_from_path(str(prog))
    assert seen and trace.steps
    assert not _trace.on
    with pytest.raises(RuntimeError, match="already recording"):
        with trace:
            with Trace():
                pass  # pragma: no cover - refused
    assert not _trace.on


def test_a_step_as_dict_and_repr():
    step = runpath_spec.TraceStep("stat", "/x", "directory", "why")
    assert step.as_dict() == {"stage": "stat", "subject": "/x",
                              "answer": "directory", "detail": "why"}
    assert repr(step) == "TraceStep('stat', '/x', 'directory', 'why')"


# -- the three output formats -------------------------------------------------

def test_text_lists_every_step_in_order(work):
    info, _ = traced(["prog.py"], work)
    out = cli(["--explain", "--trace", "prog.py"], work)
    assert out.returncode == 0, out.stderr
    numbered = re.findall(r"^\s+(\d+)\. (\S[^:]*?)\s{2,}(.*): (.*)$",
                          out.stdout, re.M)
    assert [(int(n), stage) for n, stage, _, _ in numbered] == [
        (i, s["stage"]) for i, s in enumerate(info["trace"], 1)]
    assert [answer for _, _, _, answer in numbered] == [
        s["answer"] for s in info["trace"]]
    assert "derived attributes ('python' profile):" in out.stdout


_NODE = re.compile(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"', re.M)
_EDGE = re.compile(r"^\s*(\w+) -> (\w+);$", re.M)


def parse_dot(source):
    """``(nodes, edges)`` of the digraph the CLI prints: node id -> label."""
    assert source.startswith("digraph explain {") and \
        source.rstrip().endswith("}")
    nodes = {name: label.replace("\\n", "\n").replace('\\"', '"')
             for name, label in _NODE.findall(source)}
    return nodes, _EDGE.findall(source)


@pytest.mark.parametrize("args", [["prog.py"], ["app.zip"],
                                  ["-m", "pkg_rps.sub.mod"]])
def test_dot_is_the_decision_path_of_the_json(args, work):
    make_zip(str(work / "app.zip"), {"__main__.py": PROGRAM})
    _package(work)
    info, _ = traced(args, work)
    out = cli(["--explain", "--dot"] + args, work)
    assert out.returncode == 0, out.stderr
    nodes, edges = parse_dot(out.stdout)
    steps = ["step%d" % i for i in range(1, len(info["trace"]) + 1)]
    # One node per step, in the JSON's order, chained from the target.
    assert edges[:len(steps)] == list(zip(["target"] + steps[:-1], steps))
    for name, step in zip(steps, info["trace"]):
        head, subject, answer = nodes[name].split("\n")
        assert head == "{}. {}".format(name[4:], step["stage"])
        assert (subject, answer) == (step["subject"], step["answer"])
    assert nodes["target"] == "kind: " + info["kind"]
    attributes = [n for n in nodes if n.startswith("attr_")]
    assert len(attributes) == len(info["attributes"])
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed: the source was parsed "
                    "but not rendered")
    rendered = subprocess.run(["dot", "-Tsvg"], input=out.stdout,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    assert "<svg" in rendered.stdout


def test_dot_of_a_target_that_cannot_run(tmp_path):
    out = cli(["--explain", "--dot", "-m", "sys"], tmp_path)
    assert out.returncode == 1
    nodes, edges = parse_dot(out.stdout)
    assert "No code object available for sys" in nodes["cannot_run"]
    assert edges[-1][1] == "cannot_run"


def test_format_explanation_refuses_an_unknown_format(tmp_path):
    prog = tmp_path / "p.py"
    prog.write_text("x = 1\n")
    info = explain(MainTarget.found_without_running(str(prog)))
    assert "trace" not in info and "attributes" not in info
    with pytest.raises(ValueError, match="unknown format 'svg'"):
        format_explanation(info, "svg")

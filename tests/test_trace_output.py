"""``--explain --trace``: what the code sees, that nothing is imported or
written, the recorder, and the three output formats (text, JSON, dot)."""

import re
import shutil
import subprocess
import sys
import threading

import pytest

import runpath_spec
from runpath_spec import MainTarget, Trace, explain, format_explanation

from trace_support import (  # noqa: F401 - work: the fixture
    PROGRAM, _package, _tree_state, cli, traced, work)
from conftest import make_zip


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

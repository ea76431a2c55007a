"""``--explain --trace``: every decision the finders made, in order, for
every kind of target -- and nothing run, imported or written meanwhile.

The trace is recorded by the finders themselves (``runpath_spec._trace``),
so each test checks a decision the code really made: the step that
claimed, the ones that declined or were not asked, and the loader chosen.
"""

import json
import os
import re

from trace_support import (  # noqa: F401 - work: the fixture
    PROGRAM, _package, _stages, _steps, cli, traced, work)

from conftest import make_zip


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


def test_a_script_that_cannot_compile_cannot_run(tmp_path):
    """--explain compiles a source target (nothing runs, nothing is
    written): a SyntaxError is reported as running would, status 1."""
    (tmp_path / "bad.py").write_text("print('RAN')\ndef (:\n")
    ran = cli(["bad.py"], tmp_path)
    out = cli(["--explain", "bad.py"], tmp_path)
    assert ran.returncode == out.returncode == 1
    assert "SyntaxError" in ran.stderr and "RAN" not in ran.stdout
    assert "cannot run: SyntaxError: " in out.stdout
    assert "RAN" not in out.stdout
    assert sorted(os.listdir(str(tmp_path))) == ["bad.py"]


def test_a_source_named_pyc_cannot_run_under_python(tmp_path):
    (tmp_path / "src.pyc").write_text("print('RAN')\n")
    out = cli(["--explain", "src.pyc"], tmp_path)
    assert out.returncode == 1
    assert "cannot run: RuntimeError: Bad magic number in .pyc file" in \
        out.stdout
    runpy_profile = cli(["--explain", "--profile", "runpy", "src.pyc"],
                        tmp_path)
    assert runpy_profile.returncode == 0, runpy_profile.stderr


def test_a_runnable_module_runs(work):
    _package(work)
    out = cli(["--explain", "-m", "pkg_rps.sub.mod"], work)
    assert out.returncode == 0, out.stderr
    assert "cannot run" not in out.stdout



"""Acceptance: pdb's ``_ScriptTarget``, ``_ModuleTarget`` and
``_ZipTarget`` re-implemented on the public API (tests/pdb_adapter.py)
pass CPython's own ``test_pdb`` as the originals do.

The running interpreter's ``test.test_pdb`` runs twice, each time in a
scratch venv whose ``.pth`` imports the adapter at every start -- once
with pdb's own classes, once with ``pdb_adapter.install()`` -- so that
every ``python -m pdb`` in the suite's subprocesses gets them too (pdb.py
run as ``__main__`` calls ``main()`` of the imported ``pdb`` module).
Every test that passes with the originals passes with the adapter, but
for EXPECTED_DIFFERENCES, each of which must really differ.

test_what_the_program_sees and test_a_restart_reads_the_file_again: the
differences the suite does not look at, each deliberate (runpath_spec
gives what python gives), pinned against pdb's own classes and plain
python.

Time (2 shared cores, ``nice``, two venvs and two runs of the suite):
13-30 s on 3.13 (112 tests), 25 s on 3.14 (224) and 3.15 (245), as the
machine is loaded.  pdb's target classes are the
same on 3.14 and 3.15, so CI need run it only on 3.13, the first with
``_ZipTarget``, and 3.15, the newest.
"""

import os
import sys

import pytest

from conftest import (compile_pyc, make_scratch_venv, make_zip,
                      project_env, run_python, write_file)

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "cpython_suite_driver.py")
ADAPTER = os.path.join(HERE, "pdb_adapter.py")

#: test id -> why it passes only with pdb's own classes (docs/recipes.rst,
#: "pdb's own suite, through an adapter").  An id not in this
#: interpreter's suite is not checked here.
EXPECTED_DIFFERENCES = {
}


def _has_test_pdb():
    try:
        import test.test_pdb  # noqa: F401
    except ImportError:
        return False
    return True


def _run_suite(venv, install):
    """{test id: outcome} of test_pdb in a scratch venv with the adapter
    imported at start (and installed, if *install*), and the module pdb's
    targets came from."""
    with open(ADAPTER, encoding="utf-8") as f:
        adapter = f.read()
    line = "import pdb_adapter" + ("; pdb_adapter.install()" if install
                                   else "")
    python = make_scratch_venv(venv / "venv", [line],
                               {"pdb_adapter.py": adapter})
    work = venv / "cwd"  # the suite writes fixed names in the current one
    work.mkdir()
    out = run_python(python, DRIVER, "--outcomes", "test.test_pdb",
                     cwd=str(work))
    outcomes, targets = {}, None
    for line in out.stdout.splitlines():
        if line.startswith("OUTCOME "):
            _, outcome, test_id = line.split(" ", 2)
            outcomes[test_id] = outcome
        elif line.startswith("pdb targets: "):
            targets = line.split(": ", 1)[1]
    assert outcomes, out.stdout[-3000:] + out.stderr[-3000:]
    return outcomes, targets, out.stdout


@pytest.mark.slow
def test_pdb_suite_passes_with_the_adapter(tmp_path):
    if sys.version_info < (3, 13):
        pytest.skip("pdb's _ZipTarget and the suite's target tests: 3.13+")
    if not _has_test_pdb():
        pytest.skip("this interpreter has no CPython 'test' package")
    original, targets, _ = _run_suite(tmp_path / "original", False)
    assert targets == "pdb"
    adapted, targets, log = _run_suite(tmp_path / "adapted", True)
    assert targets == "pdb_adapter"  # the adapter's classes ran
    assert set(adapted) == set(original)
    lost = {test_id for test_id, outcome in original.items()
            if outcome == "pass" and adapted[test_id] != "pass"}
    expected = {test_id for test_id in EXPECTED_DIFFERENCES
                if test_id in original}
    report = "\n".join(line for line in log.splitlines()
                        if not line.startswith("OUTCOME "))
    assert lost == expected, report[-8000:]


PROBE = """\
import sys
print("file", __file__)
print("names", sorted(name for name in globals() if name.startswith("__")))
print("path", sys.path[:2])
"""
#: pdb's main() as `python -m pdb` runs it (sys.path[0] the current
#: directory), with pdb's own target classes or, after "{}", the adapter's.
UNDER_PDB = ("import os, sys; sys.path[0] = os.getcwd(); import pdb, "
             "pdb_adapter; {}pdb.main()")


def _stdout(*args, cwd, pdb=None, commands="where\ncontinue\nquit\n"):
    """The stdout, pdb's prompts taken out, of `python ARGS` or, with *pdb*
    "original" or "adapted", of `python -m pdb ARGS`."""
    env = project_env()
    env["PYTHONPATH"] = os.pathsep.join(
        [HERE] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                  if p])
    if pdb is not None:
        args = ("-c", UNDER_PDB.format("pdb_adapter.install(); "
                                       if pdb == "adapted" else "")) + args
    out = run_python(sys.executable, *args, cwd=str(cwd), env=env,
                     input=commands, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout.replace("(Pdb) ", "")


def _probe_lines(*args, cwd, pdb=None):
    """What PROBE printed, and whether pdb's `where` showed a <string>
    frame."""
    out = _stdout(*args, cwd=cwd, pdb=pdb)
    probe = [line.split(" ", 1) for line in out.splitlines()
             if line.startswith(("file ", "names ", "path "))]
    return dict(probe), "<string>(1)<module>()" in out


def test_what_the_program_sees(tmp_path):
    """The adapter gives the program python's __main__ and sys.path[0],
    where pdb's own classes give their own (docs/recipes.rst)."""
    if sys.version_info < (3, 13):
        pytest.skip("pdb's _ZipTarget: 3.13+")
    (tmp_path / "real" / "pkg").mkdir(parents=True)
    write_file(tmp_path / "real", "prog.py", PROBE)
    os.symlink("real", str(tmp_path / "link"))
    write_file(tmp_path / "real" / "pkg", "__init__.py", "")
    write_file(tmp_path / "real" / "pkg", "__main__.py", PROBE)
    make_zip(str(tmp_path / "app.pyz"), {"__main__.py": PROBE})
    make_zip(str(tmp_path / "app.zip"), {"__main__.py": PROBE})
    compile_pyc(str(tmp_path / "real" / "prog.py"), str(tmp_path / "p.pyc"))
    everything = {"file", "names", "path"}  # it never ran under pdb
    for args, cwd, differ in [
            (["link/prog.py"], tmp_path, {"file", "names"}),
            (["-m", "pkg"], tmp_path / "real", {"names"}),
            (["app.pyz"], tmp_path, {"names", "path"}),
            (["app.zip"], tmp_path, everything),
            (["p.pyc"], tmp_path, everything)]:
        python, _ = _probe_lines(*args, cwd=cwd)
        adapted, string_frame = _probe_lines(*args, cwd=cwd, pdb="adapted")
        original, pdb_string_frame = _probe_lines(*args, cwd=cwd,
                                                  pdb="original")
        assert adapted == python, args
        assert {key for key in python if original.get(key) != python[key]} \
            == differ, (args, original, python)
        # pdb's _ScriptTarget (all but -m and .pyz) runs the file's text
        # through exec() of a string.
        assert not string_frame
        assert pdb_string_frame == (args[0] != "-m"
                                    and not args[0].endswith(".pyz"))


def test_a_restart_reads_the_file_again(tmp_path):
    """pdb re-reads a script on a restart but reruns the code it compiled
    for -m first; with the adapter (MainTarget.again()) both are read
    again."""
    if sys.version_info < (3, 13):
        pytest.skip("pdb's _ZipTarget: 3.13+")
    edit = "with open(__file__, 'w') as f: f.write('print(\"edited\")')\n"
    for args in (["prog.py"], ["-m", "prog"]):
        write_file(tmp_path, "prog.py", edit)
        commands = "continue\ncontinue\nquit\n"  # pdb restarts at the end
        adapted = _stdout(*args, cwd=tmp_path, pdb="adapted",
                          commands=commands)
        write_file(tmp_path, "prog.py", edit)
        original = _stdout(*args, cwd=tmp_path, pdb="original",
                           commands=commands)
        assert "\nedited\n" in adapted, adapted
        assert ("\nedited\n" in original) == (args[0] == "prog.py"), original

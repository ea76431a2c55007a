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

Time (2 shared cores, ``nice``): about 25 s a run on 3.13, 45 s on 3.14
and 3.15; CI runs it on the newest, 3.15 (see docs/recipes.rst).
"""

import os
import sys

import pytest

from conftest import make_scratch_venv, run_python

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

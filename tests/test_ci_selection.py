"""Issue #26: .ci/run leaves some slow groups out on some interpreters
(RUNPATH_SPEC_CI_DESELECT, read by conftest.py): only the group's slow
tests go, each reported as deselected by name, and a misspelt group is an
error, never a silent no-op."""

import os
import subprocess
import sys

from conftest import DESELECT_VARIABLE, PROJECT


def _collect(groups, *files):
    env = dict(os.environ)
    env[DESELECT_VARIABLE] = groups
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--collect-only"] + [os.path.join("tests", f) for f in files],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=300)


def test_a_group_loses_only_its_slow_tests_each_reported():
    out = _collect("packaging", "test_packaging.py", "test_docs_diagrams.py")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    collected = [l for l in lines if "::" in l and not l.startswith("DESEL")]
    deselected = [l for l in lines if l.startswith("DESELECTED ")]
    # The fast tests of the group's file stay, and every other file's.
    assert any("test_packaging.py::test_version_is_single_sourced" in l
               for l in collected)
    assert any("test_docs_diagrams.py::" in l for l in collected)
    assert deselected and all("tests/test_packaging.py::" in l
                              for l in deselected)
    assert any("test_console_script_is_like_python_m" in l
               for l in deselected)
    assert "%s='packaging'" % DESELECT_VARIABLE in out.stdout
    assert "(%d deselected)" % len(deselected) in out.stdout


def test_no_variable_no_deselection():
    out = _collect("", "test_packaging.py")
    assert out.returncode == 0
    assert "DESELECTED" not in out.stdout and "deselected" not in out.stdout


def test_a_misspelt_group_is_an_error():
    out = _collect("packaging framework", "test_packaging.py")
    assert out.returncode != 0
    assert "names no test file: framework" in out.stdout + out.stderr


def test_ci_names_only_existing_groups():
    """Every group .ci/run's deselect_for names is a test file."""
    import re
    with open(os.path.join(PROJECT, ".ci", "run")) as f:
        text = f.read()
    body = text[text.index("deselect_for() {"):]
    body = body[:body.index("\n}\n")]
    groups = set()
    for value in re.findall(r'echo "([^"]*)"', body):
        groups.update(value.split())
    assert groups >= {"frameworks", "real_tools", "packaging"}
    for group in groups:
        assert os.path.exists(os.path.join(PROJECT, "tests",
                                           "test_%s.py" % group)), group

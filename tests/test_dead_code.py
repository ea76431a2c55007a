"""No dead code in the package, checked by vulture.

vulture lists every function, class, method, attribute and variable of
``runpath_spec/`` that nothing uses.  What it reports and is not dead (a
hook the import system calls, public API, a name called through getattr)
is in ``tests/dead_code_allowlist.txt``, each entry with its reason.

A private module's ``__all__`` is no user: vulture counts a name listed
there as used, so the check runs on a copy of the package without them
(``_executor.profile_attrs`` was dead for months behind one).  The
public modules' ``__all__`` (``runpath_spec``, ``compat``, ``pyc``,
``errors``, ``notebook``) stays: it is the API.  So do the names the
package's one list (``runpath_spec._WHERE``) makes public: the package
reaches them by name, through PEP 562.
"""

import ast
import os
import re
import shutil
import subprocess
import sys

import pytest

from shape import is_private_name

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(os.path.dirname(HERE), "runpath_spec")
ALLOWLIST = os.path.join(HERE, "dead_code_allowlist.txt")
_REPORT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): unused \w+(?: \w+)? "
                     r"'(?P<name>[^']+)' \((?P<confidence>\d+)% confidence")


def _allowlist():
    """{(file, name): reason} from the allowlist file."""
    entries = {}
    with open(ALLOWLIST, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            entry, _, reason = line.partition("#")
            fields = entry.split()
            assert len(fields) == 2 and reason.strip(), (
                "dead_code_allowlist.txt:{}: expected '<file> <name>  # "
                "<reason>', got {!r}".format(number, line))
            entries[tuple(fields)] = reason.strip()
    return entries


def _without_private_all(source):
    """*source* with its top-level ``__all__ = [...]`` blanked out (the
    line numbers kept)."""
    lines = source.splitlines(True)
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "__all__" for t in node.targets):
            for i in range(node.lineno - 1, node.end_lineno):
                lines[i] = "\n"
    return "".join(lines)


def _copy_package(dest):
    import runpath_spec
    shutil.copytree(PACKAGE, dest, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyi"))
    with open(os.path.join(dest, "_public_names.py"), "w") as f:
        f.write("# used by name: runpath_spec._WHERE\n")
        f.write("".join(name + "\n" for name in runpath_spec._WHERE))
    for name in os.listdir(dest):
        if name.endswith(".py") and is_private_name(name):
            path = os.path.join(dest, name)
            with open(path, encoding="utf-8") as f:
                source = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(_without_private_all(source))


def _vulture(package):
    """vulture's findings in *package*: [(file, name, line)]."""
    proc = subprocess.run(
        [sys.executable, "-m", "vulture", "--min-confidence", "0", package],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=300)
    assert proc.returncode in (0, 3), proc.stderr  # 3: dead code found
    found = []
    for line in proc.stdout.splitlines():
        match = _REPORT.match(line)
        assert match, "unexpected vulture output: %r" % line
        found.append((os.path.relpath(match.group("file"), package),
                      match.group("name"), int(match.group("line"))))
    return found


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    pytest.importorskip("vulture", reason="vulture is not installed (the "
                        "test extra in setup.cfg installs it)")
    copy = str(tmp_path_factory.mktemp("dead") / "runpath_spec")
    _copy_package(copy)
    return _vulture(copy)


def test_no_dead_code_in_the_package(findings):
    allowed = _allowlist()
    dead = ["runpath_spec/{}:{}: {}".format(file, line, name)
            for file, name, line in findings if (file, name) not in allowed]
    assert dead == []


def test_every_allowlist_entry_is_still_needed(findings):
    reported = {(file, name) for file, name, _ in findings}
    assert sorted(set(_allowlist()) - reported) == []


def test_the_check_finds_dead_code_behind_a_private_all(tmp_path):
    pytest.importorskip("vulture", reason="vulture is not installed (the "
                        "test extra in setup.cfg installs it)")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "_mod.py").write_text(
        '__all__ = ["used", "unused"]\n\n\ndef used():\n    pass\n\n\n'
        'def unused():\n    pass\n')
    (package / "user.py").write_text("from ._mod import used\nused()\n")
    copy = str(tmp_path / "copy")
    shutil.copytree(str(package), copy)
    for name in os.listdir(copy):
        if is_private_name(name):
            path = os.path.join(copy, name)
            with open(path) as f:
                source = f.read()
            with open(path, "w") as f:
                f.write(_without_private_all(source))
    assert [(f, n) for f, n, _ in _vulture(str(package))] == []
    assert [(f, n) for f, n, _ in _vulture(copy)] == [("_mod.py", "unused")]

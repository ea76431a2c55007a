"""The public API is typed: stubs that match the code, precise for a client.

The types live in stub files beside the modules (``runpath_spec/*.pyi``),
which ``py.typed`` makes authoritative, so the modules import nothing from
``typing``.  Three checks keep them honest:

* mypy's ``stubtest`` compares every stub with the running module: names,
  parameter names, kinds and defaults (the stubs cannot drift from code);
* ``tests/typing/client.py`` uses the whole public API and passes
  ``mypy --strict``; its ``assert_type`` calls pin each precise type (an
  ``Any`` fails them).  It also runs, so the calls are real ones;
* ``tests/typing/bad_client.py`` holds mistakes mypy must report, each on
  its marked line, so the check itself can fail.

mypy runs where it installs (see the ``test`` extra in setup.cfg); these
checks are skipped elsewhere.  CI runs them on every CPython it covers.
"""

import ast
import os
import re
import subprocess
import sys

import pytest

import runpath_spec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPING = os.path.join(ROOT, "tests", "typing")
CLIENT = os.path.join(TYPING, "client.py")
BAD_CLIENT = os.path.join(TYPING, "bad_client.py")

#: stubtest allowlist entries: (entry, applies on this interpreter, why).
#: Only genuine differences, each documented.
ALLOWLIST = [
    ("runpath_spec.compat._get_code_from_file",
     (3, 12, 6) <= sys.version_info < (3, 13),
     "runpy has the 1-argument form from 3.12.6 on, but type checkers "
     "compare major and minor versions only, so the stub gives 3.12 the "
     "2-argument form of 3.12.0-3.12.5 (see runpath_spec/compat.pyi)"),
]


def _need_mypy():
    pytest.importorskip(
        "mypy", reason="mypy is not installed (the test extra installs it "
        "on CPython only)")
    if not os.path.isfile(os.path.join(ROOT, "runpath_spec", "__init__.pyi")):
        pytest.skip("runpath_spec is not imported from a source checkout")


def _env(tmp_path):
    env = dict(os.environ)
    # Every run gets its own cache: nothing written into the checkout.
    env["MYPY_CACHE_DIR"] = str(tmp_path / "mypy_cache")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("MYPYPATH", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                  if p])
    return env


def _mypy(tmp_path, *args):
    """``python -m mypy --strict ARGS`` from the checkout's root."""
    # The root is the working directory: mypy finds the checkout's
    # runpath_spec there (an editable install's import hook it cannot
    # follow) and reports errors in the stubs as in the client.
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output",
         "--show-error-codes", "--no-error-summary", *args],
        cwd=ROOT, env=_env(tmp_path), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    return proc.returncode, proc.stdout


def test_client_passes_mypy_strict(tmp_path):
    _need_mypy()
    code, out = _mypy(tmp_path, CLIENT)
    assert code == 0, out
    assert "error" not in out, out


def test_client_uses_whole_public_api():
    """Every name in each public module's ``__all__`` appears in the client."""
    from runpath_spec import compat, notebook, pyc
    with open(CLIENT, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    used = {(node.value.id, node.attr) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)}
    wanted = {("runpath_spec", name) for name in runpath_spec.__all__}
    wanted |= {("runpath_spec", "__version__")}
    for module in (compat, notebook, pyc):
        short = module.__name__.rpartition(".")[2]
        wanted |= {(short, name) for name in module.__all__}
    # compat's private helpers are typed too: projects patch and call them.
    wanted |= {("compat", name) for name in (
        "_TempModule", "_ModifiedArgv0", "_run_code", "_run_module_code",
        "_get_module_details", "_Error", "_run_module_as_main",
        "_get_main_module_details", "_get_code_from_file")}
    assert sorted(wanted - used) == []


def test_client_runs(tmp_path):
    """The client's calls are real: it runs, and its runtime checks pass."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    proc = subprocess.run(
        [sys.executable, CLIENT, str(scratch)], cwd=str(tmp_path),
        env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().endswith("typing client: ok"), proc.stdout


_MARK = re.compile(r"#\s*E:\s*([a-z|-]+)\s*$")
_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: .*"
                    r"\[(?P<code>[a-z-]+)\]$")


def test_mypy_catches_mistakes(tmp_path):
    """mypy fails on exactly the marked lines of bad_client.py."""
    _need_mypy()
    with open(BAD_CLIENT, encoding="utf-8") as f:
        expected = {(number, match.group(1)) for number, line in
                    enumerate(f, 1) for match in [_MARK.search(line)]
                    if match}
    assert len(expected) >= 10
    code, out = _mypy(tmp_path, BAD_CLIENT)
    assert code == 1, out
    reported = set()
    for line in out.splitlines():
        match = _ERROR.match(line)
        if match:
            assert match.group("file").endswith("bad_client.py"), out
            number, error = int(match.group("line")), match.group("code")
            # "a|b": older mypy releases give some errors another code.
            marked = [codes for n, codes in expected if n == number
                      and error in codes.split("|")]
            reported.add((number, marked[0] if marked else error))
    assert sorted(reported) == sorted(expected), out


def test_stubs_match_the_code(tmp_path):
    """mypy's stubtest: each stub against the module it describes."""
    _need_mypy()
    allowlist = tmp_path / "stubtest-allowlist.txt"
    allowlist.write_text("".join(
        "# {}\n{}\n".format(why, entry)
        for entry, applies, why in ALLOWLIST if applies))
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--concise",
         "--mypy-config-file", os.path.join(TYPING, "stubtest.ini"),
         "--allowlist", str(allowlist), "runpath_spec"],
        cwd=ROOT, env=_env(tmp_path), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    assert proc.returncode == 0, proc.stdout


def test_stubtest_sees_a_drift(tmp_path):
    """stubtest is really checking: a stub copy with one wrong parameter fails."""
    _need_mypy()
    import shutil
    copy = tmp_path / "checkout"
    shutil.copytree(os.path.join(ROOT, "runpath_spec"),
                    str(copy / "runpath_spec"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    stub = copy / "runpath_spec" / "__init__.pyi"
    text = stub.read_text(encoding="utf-8")
    wrong = text.replace("def spec_from_module(mod_name: str)",
                         "def spec_from_module(module_name: str)")
    assert wrong != text
    stub.write_text(wrong, encoding="utf-8")
    env = _env(tmp_path)
    env["PYTHONPATH"] = str(copy)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--concise",
         "--mypy-config-file", os.path.join(TYPING, "stubtest.ini"),
         "runpath_spec"],
        cwd=str(copy), env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    assert proc.returncode == 1, proc.stdout
    assert "runpath_spec.spec_from_module" in proc.stdout, proc.stdout

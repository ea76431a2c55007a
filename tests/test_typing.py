"""The public API is typed: stubs that match the code, precise for a client.

The types live in stub files beside the modules (``runpath_spec/*.pyi``),
which ``py.typed`` makes authoritative, so the modules import nothing from
``typing``.  They are the one copy of the types: a module with a stub has
no annotations of its own, and the package's public names are listed once
(``runpath_spec._WHERE``), the stub's ``__all__`` checked against it.
Three checks keep the stubs honest:

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
import importlib
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
    (r"runpath_spec\._(hooks\._IMPORTLIBS_OWN|profiles\._SINGLETON_IMPORTERS)",
     sys.version_info < (3, 9),
     "private, unstubbed modules: the mypy that installs on 3.8 (1.14) "
     "infers a tuple of classes as Tuple[Type[A], Type[B]] and compares it "
     "with the runtime's Tuple[type, type]"),
]


def _need_mypy():
    pytest.importorskip(
        "mypy", reason="mypy is not installed (the test extra installs it "
        "on CPython only)")
    if not os.path.isfile(os.path.join(ROOT, "runpath_spec", "__init__.pyi")):
        pytest.skip("runpath_spec is not imported from a source checkout")


def _mypy_env(tmp_path):
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
        cwd=ROOT, env=_mypy_env(tmp_path), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    return proc.returncode, proc.stdout


def test_client_passes_mypy_strict(tmp_path):
    _need_mypy()
    code, out = _mypy(tmp_path, CLIENT)
    assert code == 0, out
    assert "error" not in out, out


#: The modules with stubs, as the client names them.
STUBBED = {"runpath_spec": "runpath_spec", "compat": "runpath_spec.compat",
           "notebook": "runpath_spec.notebook", "pyc": "runpath_spec.pyc",
           "pytest_plugin": "runpath_spec.pytest_plugin"}


def _stub_names(module):
    """The names *module*'s stub declares at its top level (in version
    branches too), re-exports included."""
    parts = module.split(".")[1:] or ["__init__"]
    with open(os.path.join(ROOT, "runpath_spec", *parts) + ".pyi",
              encoding="utf-8") as f:
        body = ast.parse(f.read()).body
    names = set()
    while body:
        node = body.pop()
        if isinstance(node, ast.If):
            body.extend(node.body + node.orelse)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.name for a in node.names if a.asname == a.name)
    return names


def test_client_uses_whole_public_api():
    """Every name a stub declares appears in the client, as module.name."""
    with open(CLIENT, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    used = {(node.value.id, node.attr) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)}
    # Each name the stubs declare that exists at run time (the private
    # aliases and protocols exist for type checkers only).
    wanted = {(short, name) for short, module in STUBBED.items()
              for name in _stub_names(module)
              if hasattr(importlib.import_module(module), name)}
    assert ("compat", "_get_code_from_file") in wanted
    assert ("pyc", "PycHeader") in wanted
    assert sorted(wanted - used) == []


def test_stubs_declare_every_public_name():
    """Each public name a stubbed module defines is in its stub.

    stubtest checks the names in ``__all__``; this also catches a public
    helper defined outside it (as ``pyc``'s header builders are).
    """
    missing = []
    for module_name in STUBBED.values():
        module = importlib.import_module(module_name)
        declared = _stub_names(module_name)
        exported = getattr(module, "__all__", ())
        for name, value in vars(module).items():
            if name.startswith("_") or name in declared:
                continue
            if name in exported or getattr(value, "__module__",
                                           None) == module_name:
                missing.append("{}.{}".format(module_name, name))
    assert missing == []


def _stub_all(module):
    """The literal ``__all__`` of *module*'s stub."""
    parts = module.split(".")[1:] or ["__init__"]
    with open(os.path.join(ROOT, "runpath_spec", *parts) + ".pyi",
              encoding="utf-8") as f:
        for node in ast.parse(f.read()).body:
            if isinstance(node, ast.Assign) and [
                    t.id for t in node.targets] == ["__all__"]:
                return ast.literal_eval(node.value)
    return None


def test_the_public_names_are_listed_once():
    """``runpath_spec._WHERE`` is the one list of the package's public
    names: ``__all__`` is made from it, and the stub declares each of them
    and lists exactly them, in the same order, in its own ``__all__``
    (type checkers read a literal there)."""
    assert runpath_spec.__all__ == list(runpath_spec._WHERE)
    assert _stub_all("runpath_spec") == runpath_spec.__all__
    declared = _stub_names("runpath_spec")
    assert [name for name in runpath_spec._WHERE
            if name not in declared] == []
    # Every name resolves to the module the list names.
    for name, where in runpath_spec._WHERE.items():
        value = getattr(runpath_spec, name)
        # ("module:attribute": defined there under another name.)
        module, _, attribute = where.partition(":")
        assert value is getattr(importlib.import_module(
            "runpath_spec." + module), attribute or name), name
    for name in runpath_spec._SUBMODULES:
        assert getattr(runpath_spec, name) is importlib.import_module(
            "runpath_spec." + name)


def test_the_stubs_list_what_the_public_modules_export():
    for short, module_name in STUBBED.items():
        module = importlib.import_module(module_name)
        assert _stub_all(module_name) == getattr(module, "__all__", None), \
            module_name


def _annotations(path):
    """``file:line`` of every annotation in the module at *path*."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            for arg in (getattr(args, "posonlyargs", []) + args.args
                        + args.kwonlyargs + [args.vararg, args.kwarg]):
                if arg is not None and arg.annotation is not None:
                    found.append("{}:{}".format(path, arg.lineno))
            if node.returns is not None:
                found.append("{}:{}".format(path, node.returns.lineno))
        elif isinstance(node, ast.AnnAssign):
            found.append("{}:{}".format(path, node.lineno))
    return found


def test_the_types_live_in_the_stubs_only(tmp_path):
    """One source of truth for the public API's types: the stubs, which
    stubtest checks against the code.  A module with a stub carries no
    annotations of its own (stubtest does not compare annotations, so a
    second copy would drift unseen, as pyc.py's did)."""
    package = os.path.join(ROOT, "runpath_spec")
    stubbed = [os.path.join(package, name[:-1]) for name in
               os.listdir(package) if name.endswith(".pyi")]
    assert len(stubbed) == len(STUBBED)
    found = [where for path in sorted(stubbed)
             for where in _annotations(path)]
    assert found == []
    # The check sees an annotation.
    sample = tmp_path / "sample.py"
    sample.write_text("def f(x: int) -> None:\n    y: str = ''\n")
    assert len(_annotations(str(sample))) == 3


def test_client_runs(tmp_path):
    """The client's calls are real: it runs, and its runtime checks pass."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    proc = subprocess.run(
        [sys.executable, CLIENT, str(scratch)], cwd=str(tmp_path),
        env=_mypy_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
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
        cwd=ROOT, env=_mypy_env(tmp_path), stdout=subprocess.PIPE,
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
    env = _mypy_env(tmp_path)
    env["PYTHONPATH"] = str(copy)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--concise",
         "--mypy-config-file", os.path.join(TYPING, "stubtest.ini"),
         "runpath_spec"],
        cwd=str(copy), env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    assert proc.returncode == 1, proc.stdout
    assert "runpath_spec.spec_from_module" in proc.stdout, proc.stdout

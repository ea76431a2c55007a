"""python's shell, public: what ``python TARGET`` does once the program
ends (``MainTarget.finish``, ``MainTarget.start_failed``) and the
traceback it shows (``MainTarget.python_traceback``), through the CLI and
through a tool built on the public API, compared with python itself; and
the CLI uses nothing but the public API."""

import ast
import os
import signal
import subprocess
import sys

import pytest

import runpath_spec
from runpath_spec import _shell

from conftest import PROJECT, make_zip, project_env

#: A tool on the public API alone: the pattern the docs teach.
TOOL = '''\
import sys
from runpath_spec import MainTarget

def main(argv):
    module, command = argv[:1] == ["-m"], argv[:1] == ["-c"]
    argv = argv[1:] if module or command else argv
    try:
        target = MainTarget(argv[0], argv[1:], module=module,
                            command=command)
    except BaseException as exc:
        return MainTarget.start_failed(exc, argv[0], module=module)
    try:
        code = target.code
        with target.as_main(restore=False) as main_module:
            exec(code, vars(main_module))
    except BaseException as exc:
        return target.finish(exc)
    return target.finish()

sys.exit(main(sys.argv[1:]))
'''

ATEXIT = '''\
import atexit, sys
def show():
    import __main__
    print("atexit", sys.argv, sys.path[0] == %r,
          hasattr(__main__, "__file__"),
          type(getattr(sys, "last_value", None)).__name__,
          type(getattr(sys, "last_exc", None)).__name__,
          getattr(sys, "last_traceback", None) is not None)
atexit.register(show)
'''

#: name -> (files to write, python's arguments)
CASES = {
    "script-raises": ({"s.py": "def f():\n    raise KeyError('boom')\nf()\n"},
                      ["s.py", "a"]),
    "dash-m-raises": ({"pkg/__init__.py": "",
                       "pkg/__main__.py": "raise ValueError('x')\n"},
                      ["-m", "pkg"]),
    "dash-m-module-raises": ({"mod.py": "def f():\n    1/0\nf()\n"},
                             ["-m", "mod"]),
    "directory-raises": ({"d/__main__.py": "raise ValueError('x')\n"},
                         ["d"]),
    "zip-raises": ({}, ["app.zip"]),
    # (Not "x = (": 3.8 reads a script with its file tokenizer, which
    # reports an unclosed bracket on the next line; compile() on line 1.)
    "script-syntax-error": ({"s.py": "x = 1 +\n"}, ["s.py"]),
    "dash-m-package-syntax-error": ({"pkg/__init__.py": "",
                                     "pkg/__main__.py": "x = (\n"},
                                    ["-m", "pkg"]),
    "dash-m-module-syntax-error": ({"mod.py": "x = (\n"}, ["-m", "mod"]),
    "directory-syntax-error": ({"d/__main__.py": "x = (\n"}, ["d"]),
    "parent-package-raises": ({"ipk/__init__.py": "raise ValueError(1)\n",
                               "ipk/m.py": ""}, ["-m", "ipk.m"]),
    "parent-package-exits": ({"ipk/__init__.py": "raise SystemExit(4)\n",
                              "ipk/m.py": ""}, ["-m", "ipk.m"]),
    "exit-3": ({"s.py": "import sys\nsys.exit(3)\n"}, ["s.py"]),
    "exit-message": ({"s.py": "import sys\nsys.exit('msg')\n"}, ["s.py"]),
    "exit-none": ({"s.py": "raise SystemExit\n"}, ["s.py"]),
    "keyboard-interrupt": ({"s.py": "raise KeyboardInterrupt\n"}, ["s.py"]),
    "dash-m-keyboard-interrupt": ({"mod.py": "raise KeyboardInterrupt\n"},
                                  ["-m", "mod"]),
    "command-raises": ({}, ["-c", "import sys; print(sys.argv, "
                            "repr(sys.path[0]), __spec__); 1/0", "a"]),
    "command-syntax-error": ({}, ["-c", "x = (", "a"]),
    "command-exits": ({}, ["-c", "import sys; sys.exit('m')"]),
    "stdin-raises": ({}, ["-", "b"]),
    "source-named-pyc": ({"src.pyc": "print('ran')\n"}, ["src.pyc"]),
    "missing-file": ({}, ["missing.py"]),
    "missing-module": ({}, ["-m", "no_such_module_rps"]),
    "atexit-after-error": ({"s.py": ATEXIT + "raise KeyError(1)\n"},
                           ["s.py", "x"]),
    "atexit-after-exit": ({"s.py": ATEXIT + "sys.exit(2)\n"}, ["s.py"]),
    "atexit-after-return": ({"s.py": ATEXIT}, ["s.py", "y"]),
    "atexit-dash-m": ({"mod.py": ATEXIT + "raise KeyError(1)\n"},
                      ["-m", "mod"]),
    "atexit-directory": ({"d/__main__.py": ATEXIT + "raise KeyError(1)\n"},
                         ["d"]),
}


def _write(root, files, args):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("%r", repr(str(
            root / os.path.dirname(name)) if "/" in name else str(root))))
    if "app.zip" in args:
        make_zip(str(root / "app.zip"), {"__main__.py":
                                         "raise ValueError('x')\n"})


#: What the stdin cases read.
STDIN = ATEXIT.replace("%r", "''") + "print(__file__, sys.argv)\n1/0\n"


def _run_cli(args, cwd):
    return subprocess.run([sys.executable] + args, cwd=str(cwd),
                          env=project_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          input=STDIN, universal_newlines=True, timeout=120)


def _atexit_text(files):
    return next((t for t in files.values() if "atexit" in t), None)


@pytest.mark.parametrize("how", ["cli", "tool"])
@pytest.mark.parametrize("case", CASES)
def test_ends_as_python_ends(case, how, tmp_path):
    files, args = CASES[case]
    _write(tmp_path, files, args)
    if _atexit_text(files) is not None:
        # sys.path[0] is the script's directory or the cwd (-m): the same
        # under python and the runners, which replace the start-up entry.
        for name in files:
            text = ATEXIT.replace("%r", repr(str(tmp_path / os.path.dirname(
                name)) if "/" in name else str(tmp_path)))
            (tmp_path / name).write_text(files[name].replace(ATEXIT, text))
    (tmp_path / "tool.py").write_text(TOOL)
    direct = _run_cli(args, tmp_path)
    runner = ["-m", "runpath_spec"] if how == "cli" else ["tool.py"]
    ours = _run_cli(runner + args, tmp_path)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        direct.returncode, direct.stdout, direct.stderr)
    if "keyboard" in case:
        assert direct.returncode == -signal.SIGINT


def test_the_cli_uses_the_public_api_only():
    """runpath_spec/__main__.py imports nothing from an underscore module
    and touches no underscore name of the package."""
    _check_public_only(os.path.join(PROJECT, "runpath_spec", "__main__.py"))
    # The --install-runpy family is looked up by name in runpath_spec: only
    # public names may be.
    from runpath_spec.__main__ import _ACTIONS
    assert all(name in runpath_spec.__all__ for name in _ACTIONS.values())


def _check_public_only(path):
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    package_names = {"runpath_spec"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("relative import of %r (line %d)" % (
                    node.module, node.lineno))
                continue
            parts = (node.module or "").split(".")
            if parts[0] == "runpath_spec":
                found.extend("%s (line %d)" % (p, node.lineno)
                             for p in parts[1:] if p.startswith("_"))
                found.extend("%s (line %d)" % (a.name, node.lineno)
                             for a in node.names if a.name.startswith("_")
                             and a.name != "__version__")
                package_names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "runpath_spec":
                    found.extend("%s (line %d)" % (p, node.lineno)
                                 for p in parts[1:] if p.startswith("_"))
                    package_names.add(alias.asname or parts[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(
                node.value, ast.Name) and node.value.id in package_names \
                and node.attr.startswith("_") and node.attr != "__version__":
            found.append("%s.%s (line %d)" % (node.value.id, node.attr,
                                              node.lineno))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.args and node.func.id in (
                    "getattr", "__import__", "import_module"):
            names = [a.value for a in node.args[:2]
                     if isinstance(a, ast.Constant) and isinstance(a.value,
                                                                   str)]
            on_package = isinstance(node.args[0], ast.Name) and \
                node.args[0].id in package_names
            if any(n.startswith("runpath_spec._") or "._" in n or
                   (on_package and n.startswith("_")) for n in names):
                found.append("dynamic lookup %s() (line %d)" % (
                    node.func.id, node.lineno))
    assert found == [], found


def test_the_check_itself_can_fail(tmp_path):
    """The AST check reports a private import: run it on a bad copy."""
    bad = tmp_path / "runpath_spec" / "__main__.py"
    bad.parent.mkdir()
    bad.write_text("from ._main import MainTarget\nimport runpath_spec\n"
                   "runpath_spec._WHERE\n"
                   "from runpath_spec._shell import finish\n"
                   "getattr(runpath_spec, '_main')\n")
    with pytest.raises(AssertionError) as failed:
        _check_public_only(str(bad))
    for line in (1, 3, 4, 5):
        assert "(line %d)" % line in str(failed.value)


def test_every_public_name_the_cli_needs_is_exported():
    for name in ("PROFILE_NAMES", "load_class", "explain",
                 "format_explanation", "install_runpy", "uninstall_runpy",
                 "runpy_status", "InstallError"):
        assert name in runpath_spec.__all__
        assert getattr(runpath_spec, name) is not None
    assert set(runpath_spec.PROFILE_NAMES) == {"runpy", "python", "spec"}
    from runpath_spec import _install
    assert runpath_spec.install_runpy is _install.install


def test_the_runpy_anchor_lines_are_runpys():
    """The anchors python's shell heads a traceback with stand on the lines
    of _versions' table (checked against runpy.py by test_frames): each
    is a line of the anchor's function that holds the call named."""
    source = _shell.runpy_file()[1]
    if not os.path.isfile(source):
        pytest.skip("this interpreter ships no runpy.py to compare with")
    with open(source) as f:
        lines = f.read().splitlines()
    calls = {"run": "_run_code(", "exec": "exec(",
             "find_module": "_get_module_details(",
             "find_main": "_get_main_module_details(",
             "main_details": "_get_module_details(",
             "import_parent": "__import__(",
             "package_main": "_get_module_details(",
             "get_code": "get_code("}
    found = _shell.runpy_lines()
    assert set(found) == set(_shell.ANCHORS) == set(calls)
    for anchor, number in found.items():
        assert calls[anchor] in lines[number - 1], anchor


def test_finish_in_process_sets_the_last_exception(tmp_path, monkeypatch):
    (tmp_path / "s.py").write_text("raise KeyError('k')\n")
    target = runpath_spec.MainTarget(str(tmp_path / "s.py"))
    hooked = []
    monkeypatch.setattr(sys, "excepthook", lambda *a: hooked.append(a))
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        monkeypatch.delattr(sys, name, raising=False)
    try:
        target.run()
    except KeyError as exc:
        status = target.finish(exc)
    assert status == 1
    (kind, value, tb), = hooked
    assert kind is KeyError and sys.last_value is value
    assert sys.last_type is KeyError and sys.last_traceback is tb
    assert tb.tb_frame.f_code is target.code and tb.tb_next is None
    if sys.version_info >= (3, 12):
        assert sys.last_exc is value
    else:
        assert not hasattr(sys, "last_exc")


def test_finish_of_a_run_that_returned(tmp_path):
    (tmp_path / "s.py").write_text("x = 1\n")
    target = runpath_spec.MainTarget(str(tmp_path / "s.py"))
    target.run()
    assert target.finish() == 0
    pypy = sys.implementation.name == "pypy"
    assert ("__file__" in vars(target.module)) is pypy


@pytest.mark.parametrize("code, status, message", [
    (None, 0, ""), (5, 5, ""), (True, 1, ""), ("bye", 1, "bye\n"),
    ([1], 1, "[1]\n")])
def test_system_exit_status_and_message(code, status, message, capsys):
    assert _shell.exit_status(SystemExit(code)) == status
    assert capsys.readouterr().err == message


def _kind_target(path, *args, **kwargs):
    return runpath_spec.MainTarget(path, list(args), **kwargs)


def test_command_and_stdin_targets(tmp_path, monkeypatch, capsys):
    target = _kind_target("import sys; seen = (list(sys.argv), sys.path[0])",
                     "a", command=True)
    assert (target.kind, target.argv, target.spec) == (
        "command", ["-c", "a"], None)
    g = target.run()
    assert g["seen"] == (["-c", "a"], "" if target.path0 == "" else
                         g["seen"][1])
    assert g["__spec__"] is None and "__file__" not in g
    assert target.code.co_filename == "<string>"
    import io
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        b"# -*- coding: latin-1 -*-\nword = '\xe9'\n")))
    target = _kind_target("-", "b")
    assert (target.kind, target.argv) == ("stdin", ["-", "b"])
    g = target.run()
    assert g["word"] == "\xe9" and g["__file__"] == "<stdin>"
    assert target.code.co_filename == "<stdin>"
    with pytest.raises(runpath_spec.RunpathError, match="again"):
        target.again()


def test_command_path0_is_empty_unless_isolated(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", "import runpath_spec, sys; print(repr("
         "runpath_spec.MainTarget('', command=True).path0))"],
        cwd=str(tmp_path), env=project_env(), stdout=subprocess.PIPE,
        universal_newlines=True)
    assert out.stdout.strip() == "''"
    if sys.version_info >= (3, 11):
        out = subprocess.run(
            [sys.executable, "-P", "-c", "import runpath_spec, sys; print("
             "repr(runpath_spec.MainTarget('', command=True).path0))"],
            cwd=str(tmp_path), env=project_env(), stdout=subprocess.PIPE,
            universal_newlines=True)
        assert out.stdout.strip() == "None"


def test_again_reruns_the_file_that_ran_first(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "s.py").write_text(
        "import os, sys\nwho = 'a'\nargv = list(sys.argv)\n"
        "os.chdir(os.path.join(os.path.dirname(__file__), '..', 'b'))\n")
    (tmp_path / "b" / "s.py").write_text("who = 'b'\n")
    monkeypatch.chdir(tmp_path / "a")
    target = _kind_target("s.py", "x")
    assert target.run()["who"] == "a"
    assert os.getcwd() == str(tmp_path / "b")
    again = target.again()
    assert again.argv == ["s.py", "x"]  # as given, as pdb keeps it
    g = again.run()
    assert g["who"] == "a" and g["argv"] == ["s.py", "x"]
    assert again.again().run()["who"] == "a"


def test_again_finds_a_module_where_it_was_found_first(tmp_path,
                                                       monkeypatch):
    """-m's sys.path[0] is the directory python started in: a program that
    changed directory restarts as itself, not as a module of the same name
    in its new directory."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "modx.py").write_text(
        "import os\nwho = 'first'\n"
        "os.chdir(os.path.join(os.path.dirname(__file__), 'sub'))\n")
    (tmp_path / "sub" / "modx.py").write_text("who = 'other'\n")
    monkeypatch.chdir(tmp_path)
    target = runpath_spec.MainTarget("modx", ["x"], module=True)
    assert target.run()["who"] == "first"
    again = target.again()
    assert (again.spec.origin, again.path0, again.replace) == (
        target.spec.origin, target.path0, target.replace)
    assert again.run()["who"] == "first"
    assert again.argv == target.argv


def test_init_globals_and_an_existing_module(tmp_path):
    (tmp_path / "s.py").write_text("seen = (given, __name__)\n")
    target = _kind_target(str(tmp_path / "s.py"))
    g = target.run(init_globals={"given": 1, "__name__": "ignored"})
    assert g["seen"] == (1, "__main__")
    import types
    mine = types.ModuleType("mine")
    mine.kept = True
    with target.as_main(module=mine, init_globals={"given": 2}) as main:
        assert main is mine and sys.modules["__main__"] is mine
        exec(target.code, vars(main))
    assert mine.seen == (2, "__main__") and mine.kept is True
    g = target.again().run(module=mine)
    assert g is vars(mine) and mine.seen == (2, "__main__")


def test_run_main_restore_false_and_command(tmp_path, monkeypatch):
    saved = list(sys.argv)
    monkeypatch.setattr(sys, "argv", saved)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    g = runpath_spec.run_main("x = 5", ["q"], command=True, restore=False)
    assert g["x"] == 5 and sys.argv == ["-c", "q"]
    assert vars(sys.modules["__main__"]) is g


@pytest.mark.parametrize("kind", ["script", "pyc", "directory", "command"])
def test_is_program_and_filename(kind, tmp_path):
    import py_compile
    body = "import sys\ndef f():\n    return sys._getframe()\n" \
        "frame = f()\ntop = sys._getframe()\n"
    (tmp_path / "s.py").write_text(body)
    if kind == "pyc":
        py_compile.compile(str(tmp_path / "s.py"), str(tmp_path / "s.pyc"),
                           doraise=True)
        target = _kind_target(str(tmp_path / "s.pyc"))
    elif kind == "directory":
        (tmp_path / "d").mkdir()
        (tmp_path / "d" / "__main__.py").write_text(body)
        target = _kind_target(str(tmp_path / "d"))
    elif kind == "command":
        target = _kind_target(body, command=True)
    else:
        target = _kind_target(str(tmp_path / "s.py"))
    before = target.filename  # known before compiling
    g = target.run()
    assert target.filename == before == target.code.co_filename
    assert target.is_program(g["frame"]) and target.is_program(g["top"])
    assert target.is_program(target.code)
    assert not target.is_program(sys._getframe())
    if kind == "pyc":
        # python names a pyc's code after the file it was compiled from.
        assert target.filename != target.spec.origin


ALIASED = '''\
import sys
class Thing:
    pass
runs = getattr(sys, "_rps_runs", 0) + 1
sys._rps_runs = runs
import apkg.mod
print("runs", runs, sys.modules["apkg.mod"] is sys.modules["__main__"],
      __name__, Thing.__module__)
'''


@pytest.mark.parametrize("alias", [False, True])
def test_alias_main_prevents_the_double_import(alias, tmp_path):
    (tmp_path / "apkg").mkdir()
    (tmp_path / "apkg" / "__init__.py").write_text("")
    (tmp_path / "apkg" / "mod.py").write_text(ALIASED)
    args = ["-m", "runpath_spec"] + (["--alias-main"] if alias else []) + [
        "-m", "apkg.mod"]
    out = _run_cli(args, tmp_path)
    assert out.returncode == 0, out.stderr
    if alias:  # one run; the import is the running module
        assert out.stdout == "runs 1 True __main__ __main__\n"
    else:  # python's own hazard: the import runs the file again
        direct = _run_cli(["-m", "apkg.mod"], tmp_path)
        assert out.stdout == direct.stdout
        assert out.stdout.splitlines()[-1] == "runs 1 False __main__ __main__"
        assert out.stdout.splitlines()[0] == "runs 2 False apkg.mod apkg.mod"


def test_alias_main_is_undone_and_only_for_modules(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "alias_mod_rps.py").write_text(
        "import sys\nseen = sys.modules['alias_mod_rps'] is "
        "sys.modules['__main__']\n")
    g = runpath_spec.run_main("alias_mod_rps", module=True, alias_main=True)
    assert g["seen"] is True and "alias_mod_rps" not in sys.modules
    target = _kind_target(str(tmp_path / "alias_mod_rps.py"), alias_main=True)
    assert target.alias_main is False  # a script has no name to alias

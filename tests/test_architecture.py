"""The package's shape, checked: small functions, no import cycles, one
home for CPython-private API, profiles compared nowhere by name."""

import ast
import os
import re

import pytest

import runpath_spec

from shape import duplicated_helpers, private_api_uses

PACKAGE = os.path.dirname(os.path.abspath(runpath_spec.__file__))
MODULES = sorted(name[:-3] for name in os.listdir(PACKAGE)
                 if name.endswith(".py"))
MAX_LINES = 60
MAX_BRANCHES = 15
_BRANCHES = (ast.If, ast.For, ast.While, ast.Try, ast.With, ast.IfExp,
             ast.ExceptHandler, ast.BoolOp, ast.comprehension)


def _tree(module):
    with open(os.path.join(PACKAGE, module + ".py"), encoding="utf-8") as f:
        return ast.parse(f.read())


def _functions():
    for module in MODULES:
        for node in ast.walk(_tree(module)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield module, node


def _body_lines(node):
    body = node.body
    if (body and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            and isinstance(body[0].value.value, str)):
        body = body[1:]  # the docstring does not count
    if not body:
        return 0
    return body[-1].end_lineno - body[0].lineno + 1


def _branches(node):
    count = 0
    for child in ast.walk(node):
        if isinstance(child, _BRANCHES):
            count += len(child.values) - 1 if isinstance(child, ast.BoolOp) \
                else 1
    return count


def test_no_function_is_long_or_branchy():
    offenders = []
    for module, node in _functions():
        lines, branches = _body_lines(node), _branches(node)
        if lines > MAX_LINES or branches > MAX_BRANCHES:
            offenders.append("{}.{}: {} lines, {} branch points".format(
                module, node.name, lines, branches))
    assert offenders == []


def _imports(module):
    """Sibling modules *module* imports, anywhere (function-local too)."""
    found = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and \
                (node.module or "").startswith("runpath_spec."):
            found.add(node.module.split(".")[1])
    found.discard("__init__")
    return found & set(MODULES)


def test_no_import_cycle_between_the_package_modules():
    graph = {module: _imports(module) for module in MODULES}
    # __init__ re-exports, __main__ is the CLI: neither is imported by the
    # modules they import (checked here too).
    state = {}

    def visit(module, path):
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", " -> ".join(path + [module])
        state[module] = "open"
        for dep in sorted(graph[module]):
            visit(dep, path + [module])
        state[module] = "done"
    for module in MODULES:
        visit(module, [])


# -- CPython's private API: in _cpython only ---------------------------------

#: Uses still outside _cpython, as (module, what): to be moved by the lead
#: (issue #23), who empties this list.  An entry that no longer occurs
#: fails the test too, so that the list only shrinks.
KNOWN = set()  # (module, what): uses still to be moved into _cpython


def _allprivate_api_uses():
    found = {}
    for module in MODULES:
        if module == "_cpython":
            continue
        with open(os.path.join(PACKAGE, module + ".py"),
                  encoding="utf-8") as f:
            for line, what in private_api_uses(f.read()):
                found.setdefault((module, what), []).append(line)
    return found


def test_cpython_private_api_only_in_its_module():
    """CPython's private names (``_imp``, ``importlib._bootstrap*``,
    ``sys._getframe``, any private attribute of a standard-library module
    or of importlib's objects), frame introspection and changes to the
    import system's state are used in ``_cpython`` only."""
    found = _allprivate_api_uses()
    outside = ["runpath_spec/{}.py:{}: {}".format(module, line, what)
               for (module, what), lines in sorted(found.items())
               if (module, what) not in KNOWN for line in lines]
    assert outside == []
    assert sorted(set(KNOWN) - set(found)) == []


@pytest.mark.parametrize("source, expected", [
    ("import _imp\n_imp.source_hash(1, b'')", [
        (1, "import _imp"), (2, "_imp.source_hash")]),
    ("from importlib import _bootstrap_external as be", [
        (1, "from importlib import _bootstrap_external")]),
    ("import importlib._bootstrap", [(1, "import importlib._bootstrap")]),
    ("import sys\nf = sys._getframe(1)\nf = f.f_back", [
        (2, "sys._getframe"), (3, "frame introspection: f.f_back")]),
    ("import importlib.machinery as m\nm._x", [
        (2, "importlib.machinery._x")]),
    ("from importlib import util\nutil._resolve_name", [
        (2, "importlib.util._resolve_name")]),
    ("import importlib.util\nimportlib.util._x", [
        (2, "importlib.util._x")]),
    ("def f(spec):\n    return spec._cached", [(2, "._cached")]),
    ("def f(s):\n    return getattr(s, '_cached')", [
        (2, "the name '_cached'")]),
    ("def f(h):\n    return h.__qualname__.endswith("
     "'path_hook_for_FileFinder')", [
         (2, "the name 'path_hook_for_FileFinder'")]),
    ("import sys\nsys.meta_path.append(1)\nc = sys.path_importer_cache", [
        (2, "sys.meta_path.append()"), (3, "sys.path_importer_cache")]),
    ("import inspect\ninspect.currentframe()", [
        (2, "frame introspection: inspect.currentframe")]),
    ("from _frozen_importlib import ModuleSpec", [
        (1, "from _frozen_importlib import")]),
    # Not private: dunders, the package's own names, self's attributes,
    # reading the import system's lists, docstrings, comments.
    ('"""_cached, path_hook_for_FileFinder"""\nimport sys\n'
     "from . import _files\nfrom runpath_spec import _main\n"
     "_main._x  # sys._getframe\nsys.__name__\n"
     "import _thread\n_thread.allocate_lock()\nx = {'_loaders': 1}\n"
     "for f in sys.meta_path: pass\n"
     "class C:\n    def f(self):\n        return self._cached", []),
])
def test_the_private_api_check_finds_each_kind_of_use(source, expected):
    assert private_api_uses(source) == expected


@pytest.mark.parametrize("module", MODULES)
def test_profiles_are_never_compared_by_name(module):
    source = open(os.path.join(PACKAGE, module + ".py"),
                  encoding="utf-8").read()
    assert not re.search(r"""profile\s*[!=]=\s*["']""", source), module
    assert not re.search(r"""["'](runpy|python|spec)["']\s*[!=]=\s*"""
                         r"""profile""", source), module


def test_the_cli_lists_the_profiles_from_the_profile_objects():
    from runpath_spec import __main__ as cli
    from runpath_spec._profiles import PROFILES
    usage = cli._usage()
    assert "--profile {%s}" % ",".join(PROFILES) in usage


def test_kinds_are_classes():
    """One small class per kind of target (#23): what differs by kind is a
    method or attribute of it, and every kind is named in PathTarget's
    documentation."""
    from runpath_spec import _kinds
    from runpath_spec._finders import PathTarget
    kinds = [_kinds.SOURCE, _kinds.BYTECODE, _kinds.DIRECTORY, _kinds.ZIP,
             _kinds.MODULE, _kinds.CUSTOM, _kinds.HOOK,
             _kinds.HOOKED_DIRECTORY, _kinds.HOOKED_ZIP]
    assert all(isinstance(kind, _kinds.Kind) for kind in kinds)
    assert len({type(kind) for kind in kinds}) >= 6
    for kind in kinds:
        if kind is _kinds.MODULE:
            continue  # (not a path's)
        assert "``{}``".format(
            [name for name, value in vars(_kinds).items()
             if value is kind][0]) in PathTarget.__doc__
    assert [kind for kind in kinds if kind.code_late] == [_kinds.CUSTOM,
                                                          _kinds.HOOK]
    assert {kind for kind in kinds if kind.is_entry} == {
        _kinds.DIRECTORY, _kinds.ZIP}


def _compares_a_kind_with_a_string(node):
    """``x.kind == "zip"``, ``x.kind in ("zip", ...)`` and the like."""
    if not isinstance(node, ast.Compare):
        return False
    sides = [node.left] + list(node.comparators)

    def is_kind(side):
        # (A pyc header's kind is a documented Literal of pyc's, not a
        # kind of target.)
        if isinstance(side, ast.Attribute) and side.attr == "kind":
            return not (isinstance(side.value, ast.Name)
                        and side.value.id == "header")
        return isinstance(side, ast.Name) and side.id == "kind"

    def is_text(side):
        if isinstance(side, (ast.Tuple, ast.List, ast.Set)):
            return any(is_text(element) for element in side.elts)
        return isinstance(side, ast.Constant) and isinstance(side.value, str)
    return any(is_kind(side) for side in sides) and any(
        is_text(side) for side in sides)


@pytest.mark.parametrize("module", MODULES)
def test_kinds_are_never_compared_by_name(module):
    found = [node.lineno for node in ast.walk(_tree(module))
             if _compares_a_kind_with_a_string(node)]
    assert not found, (module, found)


def test_the_kind_check_can_fail():
    tree = ast.parse('if target.kind in ("custom", "hook"): pass\n'
                     'ok = kind is SOURCE\n')
    assert [_compares_a_kind_with_a_string(node)
            for node in ast.walk(tree)].count(True) == 1


def test_prefill_cached_agrees_with_importlib_for_every_suffix(tmp_path):
    """One meaning of "source suffix" for ``spec.cached``: importlib's."""
    from importlib.machinery import ModuleSpec, SourceFileLoader
    from runpath_spec._files import prefill_cached
    for name in ("m.py", "m.pyw", "m.txt", "m"):
        origin = str(tmp_path / name)
        ours, theirs = (ModuleSpec("m", SourceFileLoader("m", origin),
                                   origin=origin) for _ in range(2))
        ours.has_location = theirs.has_location = True
        prefill_cached(ours)
        assert ours.cached == theirs.cached, name


def test_one_message_for_a_truncated_pyc(tmp_path):
    from runpath_spec import TruncatedPycError, pyc
    empty = tmp_path / "empty.pyc"
    empty.write_bytes(b"")
    messages = []
    for call in (lambda: pyc.read_header(b"abc", path=str(empty)),
                 lambda: pyc.classify_pyc(b"abc", path=str(empty)),
                 lambda: runpath_spec.run_path(str(empty))):
        with pytest.raises(TruncatedPycError) as info:
            call()
        messages.append(str(info.value).replace("got 0 ", "got 3 "))
    assert messages == [
        "{!r} is truncated: expected a 16-byte pyc header, got 3 bytes"
        .format(str(empty))] * 3


@pytest.mark.parametrize("module", MODULES)
def test_private_names_do_not_cross_modules(module):
    """The rule (docs/how-it-works.rst): within the package, a name other
    modules use has no underscore; an underscore means this module only."""
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.ImportFrom) and node.level == 1 \
                and node.module:  # (`from . import _main`: a module)
            for alias in node.names:
                assert not (alias.name.startswith("_")
                            and not alias.name.startswith("__")), (
                    module, node.module, alias.name)


def _audit_calls(module):
    """``(event, line)`` of each ``sys.audit("event", ...)`` in *module*."""
    found = []
    for node in ast.walk(_tree(module)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "audit" and node.args
                and isinstance(node.args[0], ast.Constant)):
            found.append((node.args[0].value, node.lineno))
    return found


def test_the_run_audit_event_is_raised_in_one_place():
    """One executor (#23): every run -- run_path, run_module, exec_spec,
    run_main and runpath_spec.compat's runpy functions -- is announced by
    the one call in _executor.fill_globals."""
    sites = [(module, line) for module in MODULES
             for event, line in _audit_calls(module)
             if event == "runpath_spec.run"]
    assert len(sites) == 1 and sites[0][0] == "_executor", sites


def _compares_the_version(node):
    """A comparison with ``sys.version_info`` (or a slice of it)."""
    if not isinstance(node, ast.Compare):
        return False
    for side in [node.left] + list(node.comparators):
        while isinstance(side, ast.Subscript):
            side = side.value
        if isinstance(side, ast.Attribute) and side.attr == "version_info":
            return True
    return False


@pytest.mark.parametrize("module", MODULES)
def test_version_rules_live_in_versions(module):
    """Every rule that differs by version is a name in _versions."""
    if module == "_versions":
        return
    found = [node.lineno for node in ast.walk(_tree(module))
             if _compares_the_version(node)]
    assert not found, (module, found)


def test_the_version_check_can_fail():
    tree = ast.parse("if sys.version_info[:2] >= (3, 12): pass\n"
                     "x = sys.version_info[0]\n")
    assert [_compares_the_version(node)
            for node in ast.walk(tree)].count(True) == 1


# -- the tests' own shape -----------------------------------------------------

TESTS = os.path.dirname(os.path.abspath(__file__))
#: No test file is longer: past it, a file holds more than one topic.
MAX_TEST_FILE_LINES = 500


def _test_sources():
    """{file name: source} of tests/*.py (tests/typing holds mypy's inputs,
    not tests)."""
    sources = {}
    for name in sorted(os.listdir(TESTS)):
        if name.endswith(".py"):
            with open(os.path.join(TESTS, name), encoding="utf-8") as f:
                sources[name] = f.read()
    return sources


def test_no_test_file_is_over_the_size_limit():
    lengths = {name: len(source.splitlines())
               for name, source in _test_sources().items()}
    assert {name: n for name, n in lengths.items()
            if n > MAX_TEST_FILE_LINES} == {}


def test_no_test_helper_is_duplicated():
    """A helper two test files need lives in conftest.py, once; a helper
    of one file with another meaning has a name of its own."""
    assert duplicated_helpers(_test_sources()) == []


def test_the_duplicate_check_finds_copies():
    copied = ("def read(path):\n    with open(path, 'rb') as f:\n"
              "        return f.read()\n")
    renamed = ("def _read(p):\n    '''Bytes.'''\n    with open(p, 'rb') as f:"
               "\n        return f.read()\n")
    same_name = "def read(path, mode):\n    return [path, mode, 1, 2, 3]\n"
    trivial = "def create_module(self, spec):\n    return None\n"
    assert duplicated_helpers({"a.py": copied, "b.py": renamed}) == [
        "a.py:1 read = b.py:1 _read"]
    assert duplicated_helpers({"a.py": copied, "b.py": same_name}) == [
        "a.py:1 read = b.py:1 read"]
    assert duplicated_helpers({"a.py": trivial, "b.py": trivial}) == [
        "a.py:1 create_module = b.py:1 create_module"]
    assert duplicated_helpers({"a.py": "class A:\n    " + trivial.replace(
        "\n", "\n    "), "b.py": "class B:\n    " + trivial.replace(
        "\n", "\n    ")}) == []

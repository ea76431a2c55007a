"""The package's shape, checked: small functions, no import cycles, one
home for CPython-private API, profiles compared nowhere by name."""

import ast
import os
import re

import pytest

import runpath_spec

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


@pytest.mark.parametrize("module", MODULES)
def test_cpython_private_api_only_in_its_module(module):
    if module == "_cpython":
        return
    source = open(os.path.join(PACKAGE, module + ".py"),
                  encoding="utf-8").read()
    code = "\n".join(line.split("#")[0] for line in source.splitlines())
    for private in (r"\b_bootstrap_external\b", r"\bimport _imp\b",
                    r"\b_imp\.", r"\._cached\b", r"_fix_co_filename"):
        assert not re.search(private, code), (module, private)


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
    kinds = list(_kinds.KINDS.values()) + [_kinds.HOOKED_DIRECTORY,
                                           _kinds.HOOKED_ZIP]
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

"""AST checks of the package's shape and of the tests' own, for
tests/test_architecture.py (and test_dead_code.py): what counts as a use
of CPython's private API, and what counts as a duplicated helper."""

import ast
import copy
import os

#: Helpers smaller than this (in AST nodes) may repeat: a loader's
#: ``create_module`` that returns ``None`` is a protocol, not a copy.
MIN_HELPER_NODES = 10


def is_private_name(name):
    """``_x``, not ``__x__``."""
    return name.startswith("_") and not name.startswith("__")


def _cpython_private_attributes():
    """The private attributes of importlib's and zipimport's objects, read
    off live ones: ``ModuleSpec._cached``, ``FileFinder._path_cache``,
    zipimporter's ``_files``..."""
    import importlib.machinery as machinery
    import tempfile
    import zipfile
    import zipimport
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "a.zip")
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("m.py", "")
        samples = [machinery.ModuleSpec("m", None),
                   machinery.SourceFileLoader("m", "/m.py"),
                   machinery.SourcelessFileLoader("m", "/m.pyc"),
                   machinery.ExtensionFileLoader("m", "/m.so"),
                   machinery.FileFinder(tmp), machinery.PathFinder,
                   machinery.FrozenImporter, machinery.BuiltinImporter,
                   zipimport.zipimporter(archive)]
        names = set()
        for sample in samples:
            names.update(name for name in dir(sample)
                         if is_private_name(name))
            names.update(name for name in getattr(sample, "__dict__", ())
                         if is_private_name(name))
    return frozenset(names)


def _cpython_internal_strings():
    """Names of CPython's inner functions that code could recognise
    objects by (``FileFinder.path_hook``'s closure)."""
    import importlib.machinery as machinery
    hook = machinery.FileFinder.path_hook((machinery.SourceFileLoader,
                                           [".py"]))
    return frozenset([hook.__name__])


_CPYTHON_PRIVATE_ATTRIBUTES = _cpython_private_attributes()
_CPYTHON_INTERNAL_STRINGS = _cpython_internal_strings()
#: Frame introspection: these functions, and any ``frame.f_back``.
_FRAME_FUNCTIONS = {"sys": {"_getframe", "_getframemodulename"},
                    "inspect": {"currentframe", "stack", "getouterframes",
                                "getframeinfo"}}
#: The import system's state: mutated (the cache: touched at all) only
#: through _cpython.
_IMPORT_STATE = {"meta_path", "path_hooks", "path_importer_cache"}
_MUTATORS = {"append", "insert", "extend", "remove", "pop", "clear"}


#: Modules with a leading underscore that the library reference documents
#: as public (low-level) API.
_DOCUMENTED = {"_thread"}


def _private_module(dotted):
    return dotted.split(".")[0] not in _DOCUMENTED and any(
        is_private_name(part) for part in dotted.split("."))


def _foreign_imports(tree):
    """``({bound name: what it is}, violations)`` for the imports in
    *tree* of anything outside the package; the violations are imports of
    a private module or name."""
    bound, found = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "runpath_spec":
                    continue
                if _private_module(alias.name):
                    found.append((node.lineno, "import " + alias.name))
                root = alias.name.split(".")[0]
                bound[alias.asname or root] = (
                    alias.name if alias.asname else root)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and \
                node.module.split(".")[0] != "runpath_spec":
            if _private_module(node.module):
                found.append((node.lineno, "from {} import".format(
                    node.module)))
            for alias in node.names:
                if is_private_name(alias.name):
                    found.append((node.lineno, "from {} import {}".format(
                        node.module, alias.name)))
                bound[alias.asname or alias.name] = "{}.{}".format(
                    node.module, alias.name)
    return bound, found


def _dotted(node):
    """``a.b.c`` for an attribute chain on a name, else ``None``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id] + parts[::-1])
    return None


def _attribute_use(node, bound):
    dotted = _dotted(node.value)
    root = dotted.split(".")[0] if dotted else None
    full = bound[root] + dotted[len(root):] if root in bound else None
    if full is not None and (is_private_name(node.attr)
                             or _private_module(full)):
        return "{}.{}".format(full, node.attr)
    if node.attr in _CPYTHON_PRIVATE_ATTRIBUTES and root not in ("self",
                                                                 "cls"):
        return "." + node.attr
    if node.attr == "f_back" or node.attr in _FRAME_FUNCTIONS.get(full, ()):
        return "frame introspection: {}.{}".format(full or dotted,
                                                   node.attr)
    if full == "sys" and node.attr == "path_importer_cache":
        return "sys.path_importer_cache"
    return None


def _mutation_of_import_state(node, bound):
    target = _dotted(node.func.value) or ""
    root, _, rest = target.partition(".")
    if node.func.attr in _MUTATORS and bound.get(root) == "sys" and \
            rest in _IMPORT_STATE:
        return "sys.{}.{}()".format(rest, node.func.attr)
    return None


def private_api_uses(source):
    """``[(line, what)]``: every use in *source* of CPython's private API,
    frame introspection or the import system's internal state."""
    tree = ast.parse(source)
    bound, found = _foreign_imports(tree)
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr)}
    # getattr(x, "_cached") and its kin: a private attribute by name.
    by_name = {id(node.args[1]) for node in ast.walk(tree)
               if isinstance(node, ast.Call)
               and isinstance(node.func, ast.Name)
               and node.func.id in ("getattr", "setattr", "hasattr",
                                    "delattr") and len(node.args) > 1
               and isinstance(node.args[1], ast.Constant)
               and node.args[1].value in _CPYTHON_PRIVATE_ATTRIBUTES}
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Attribute):
            what = _attribute_use(node, bound)
        elif isinstance(node, ast.Call) and isinstance(node.func,
                                                       ast.Attribute):
            what = _mutation_of_import_state(node, bound)
        elif isinstance(node, ast.Constant) and isinstance(
                node.value, str) and id(node) not in docstrings and (
                id(node) in by_name or any(
                    name in node.value
                    for name in _CPYTHON_INTERNAL_STRINGS)):
            what = "the name {!r}".format(node.value)
        if what is not None:
            found.append((node.lineno, what))
    return sorted(set(found))


def _normalized_body(node):
    """*node*'s body as a dump, its docstring dropped and its parameters
    renamed by position (so ``def f(p): ...`` and ``def g(q): ...`` that
    do the same compare equal); and its size in nodes."""
    args = node.args
    params = [a.arg for a in (getattr(args, "posonlyargs", []) + args.args
                              + args.kwonlyargs + [args.vararg, args.kwarg])
              if a is not None]
    rename = {name: "_p%d" % i for i, name in enumerate(params)}
    body = node.body
    if (body and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        body = body[1:]
    module = ast.Module(body=copy.deepcopy(body), type_ignores=[])
    for child in ast.walk(module):
        if isinstance(child, ast.Name) and child.id in rename:
            child.id = rename[child.id]
    return ast.dump(module), sum(1 for _ in ast.walk(module))


def duplicated_helpers(sources):
    """Helpers (functions that are not tests) defined twice: with the same
    body anywhere in *sources*, or with the same name at the top level of
    two files.  Returns ["file:line name = file:line name", ...]."""
    bodies, names, found = {}, {}, []
    for file, source in sorted(sources.items()):
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    or node.name.startswith("test_"):
                continue
            where = "{}:{} {}".format(file, node.lineno, node.name)
            body, size = _normalized_body(node)
            if size >= MIN_HELPER_NODES:
                if body in bodies:
                    found.append("{} = {}".format(bodies[body], where))
                bodies.setdefault(body, where)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and not node.name.startswith("test_"):
                where = "{}:{} {}".format(file, node.lineno, node.name)
                if node.name in names:
                    found.append("{} = {}".format(names[node.name], where))
                names.setdefault(node.name, where)
    return found

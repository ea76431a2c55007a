"""The facts ``runpath_spec._versions`` records about a ``runpy.py``, read
with :mod:`ast` from the running interpreter's own file (never imported).

``python tests/runpy_facts.py`` prints them as a row of the table."""
import ast
import os


def _calls(node, name):
    """The lines of the calls to *name* (a plain name or an attribute)."""
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            called = func.id if isinstance(func, ast.Name) else getattr(
                func, "attr", None)
            if called == name:
                found.append(sub.lineno)
    return sorted(found)


def runpy_source():
    return os.path.join(os.path.dirname(os.__file__), "runpy.py")


def facts(path=None):
    """``(reader, fsdecodes, lines, warn)`` as ``RunpyFacts`` holds them."""
    with open(path or runpy_source(), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    funcs = {node.name: node for node in tree.body
             if isinstance(node, ast.FunctionDef)}
    code, module_code, as_main, run_module, run_path = (funcs[name] for name in (
        "_run_code", "_run_module_code", "_run_module_as_main", "run_module",
        "run_path"))
    with_line = min(node.lineno for node in ast.walk(module_code)
                    if isinstance(node, ast.With))
    lines = {
        "_run_code": {"def": code.lineno, "exec": _calls(code, "exec")[0]},
        "_run_module_code": {"def": module_code.lineno, "with": with_line,
                             "call": _calls(module_code, "_run_code")[0]},
        "_run_module_as_main": {
            "def": as_main.lineno,
            "details": _calls(as_main, "_get_module_details")[0],
            "find_main": _calls(as_main, "_get_main_module_details")[0],
            "call": _calls(as_main, "_run_code")[0]},
        "run_module": {"def": run_module.lineno,
                       "details": _calls(run_module, "_get_module_details")[0],
                       "alter": _calls(run_module, "_run_module_code")[0],
                       "plain": _calls(run_module, "_run_code")[0]},
        "_get_module_details": {
            "import_parent": _calls(funcs["_get_module_details"],
                                    "__import__")[0],
            "package_main": _calls(funcs["_get_module_details"],
                                   "_get_module_details")[0],
            "get_code": _calls(funcs["_get_module_details"], "get_code")[0]},
        "_get_main_module_details": {
            "details": _calls(funcs["_get_main_module_details"],
                              "_get_module_details")[0]},
        "run_path": {"def": run_path.lineno,
                     "find": _calls(run_path, "get_importer")[0],
                     "read": _calls(run_path, "_get_code_from_file")[0],
                     "file": _calls(run_path, "_run_module_code")[0],
                     "entry": _calls(run_path, "_run_code")[0]},
    }
    reader = tuple(arg.arg for arg in funcs["_get_code_from_file"].args.args)
    fsdecodes = bool(_calls(run_path, "fsdecode"))
    warn = _calls(funcs["_get_module_details"], "warn")[0]
    return reader, fsdecodes, lines, warn


if __name__ == "__main__":
    print(facts())

"""Helpers to compare what runpy and runpath_spec give, field by field."""

import os
import sys
import warnings

PLAIN = (str, bytes, int, float, bool, type(None))


def describe_loader(loader):
    if loader is None:
        return None
    desc = {"type": type(loader).__name__}
    for attr in ("name", "path", "archive", "prefix"):
        value = getattr(loader, attr, None)
        if isinstance(value, PLAIN):
            desc[attr] = value
    return desc


def describe_spec(spec):
    if spec is None:
        return None
    return {
        "name": spec.name,
        "origin": spec.origin,
        "cached": spec.cached,
        "parent": spec.parent,
        "has_location": spec.has_location,
        "submodule_search_locations": (
            None if spec.submodule_search_locations is None
            else list(spec.submodule_search_locations)),
        "loader": describe_loader(spec.loader),
    }


def describe_value(value):
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, os.PathLike):
        return ("pathlike", type(value).__name__, os.fspath(value))
    if isinstance(value, (list, tuple)):
        return type(value)(describe_value(v) for v in value)
    if isinstance(value, dict):
        return {k: describe_value(v) for k, v in value.items()}
    return ("object", type(value).__name__)


def describe_globals(run_globals):
    out = {}
    for key, value in run_globals.items():
        if key == "__builtins__":
            out[key] = type(value).__name__
        elif key == "__loader__":
            out[key] = describe_loader(value)
        elif key == "__spec__":
            out[key] = describe_spec(value)
        else:
            out[key] = describe_value(value)
    return out


def outcome(func, *args, **kwargs):
    """``("ok", described globals, warnings)`` or ``("error", exc, warnings)``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:  # SystemExit included
            return ("error", exc, [(w.category, str(w.message)) for w in caught])
    return ("ok", describe_globals(result),
            [(w.category, str(w.message)) for w in caught])


def sys_state():
    return (list(sys.argv), list(sys.path), dict(sys.modules))


#: Modules a target may import and leave behind, as with any import.
TARGET_IMPORTS = ("helper",)


def assert_sys_restored(before, run_name=None):
    """argv and path as they were; no module replaced, removed or left over.

    Modules the target imported itself (``helper``) are dropped first, so
    the next run imports its own; standard-library modules that runpy
    imports lazily (``pkgutil``...) may appear.
    """
    argv, path, modules = before
    for name in TARGET_IMPORTS:
        sys.modules.pop(name, None)
    assert sys.argv == argv
    assert sys.path == path
    assert [k for k in modules if k not in sys.modules] == []
    assert [k for k in modules if sys.modules[k] is not modules[k]] == []
    for name in (run_name, "<run_path>"):
        if name is not None and name not in modules:
            assert name not in sys.modules

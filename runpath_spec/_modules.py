"""Module names to specs and code: runpy's ``_get_module_details``.

The rules and messages are runpy's, version by version (3.14+ names the
module on its errors; runpath_spec does on every version); where runpy's
message leaves out the cause, the cause is appended.  Parent packages are
imported first, as ``python -m`` does.
"""

import sys

from . import _trace
from ._files import prefill_cached
from ._loaders import code_for_spec

__all__ = ["module_details", "spec_from_module", "spec_without_import",
           "no_code_reason"]


def _error(error, msg, name=None, path=None):
    """*error*(msg), with ``name`` and ``path`` where it is an ImportError
    (runpy's ``_Error`` is not)."""
    if isinstance(error, type) and issubclass(error, ImportError):
        return error(msg, name=name, path=path)
    return error(msg)


def no_code_reason(spec):
    from importlib.machinery import (BuiltinImporter, ExtensionFileLoader,
                                     FrozenImporter)
    loader = spec.loader
    if loader is BuiltinImporter or isinstance(loader, BuiltinImporter):
        return "it is a built-in module, compiled into the interpreter"
    if isinstance(loader, ExtensionFileLoader):
        return "it is an extension module ({!r}), not Python code".format(
            spec.origin)
    if loader is FrozenImporter or isinstance(loader, FrozenImporter):
        return "it is a frozen module without code"  # pragma: no cover
    return "its loader {!r} returned None from get_code()".format(loader)


def _check_name(mod_name, error):
    if not isinstance(mod_name, str):
        raise TypeError("module name must be str, not {}".format(
            type(mod_name).__name__))
    if mod_name.startswith("."):
        raise _error(error, "Relative module names not supported: got {!r}, "
                     "expected an absolute module name".format(mod_name),
                     name=mod_name)


def _import_parent(mod_name, pkg_name):
    """Import the parent first, so that its own errors are not mistaken
    for the module's absence; warn, as runpy does, if that imported the
    module itself."""
    try:
        __import__(pkg_name)
    except ImportError as e:
        # A missing parent is reported by find_spec() later; any other
        # ImportError is the parent's own failure, raised as it is.
        if e.name is None or (e.name != pkg_name and
                              not pkg_name.startswith(e.name + ".")):
            raise
    existing = sys.modules.get(mod_name)
    if existing is not None and not hasattr(existing, "__path__"):
        msg = "{mod_name!r} found in sys.modules after import of " \
            "package {pkg_name!r}, but prior to execution of " \
            "{mod_name!r}; this may result in unpredictable " \
            "behaviour".format(mod_name=mod_name, pkg_name=pkg_name)
        _warn_as_runpy(RuntimeWarning(msg))


# runpy's own __warningregistry__, as warnings keeps one per module.
_RUNPY_REGISTRY = {}


def _warn_as_runpy(warning):
    """Issue *warning* as runpy issues it -- from module ``runpy``, at its
    file and line -- so that ``-W ...:runpy`` filters match it and it shows
    where runpy's does (it is runpy's warning, whoever stands in)."""
    import warnings
    from ._versions import RUNPY, runpy_filename
    warnings.warn_explicit(warning, type(warning), runpy_filename(),
                           RUNPY.warn, module="runpy",
                           registry=_RUNPY_REGISTRY)


def _find_spec(mod_name, error):
    # importlib.util costs milliseconds to import: only when a module runs.
    import importlib.util
    try:
        # Looked up on each call, as runpy does, so that a patch applies.
        spec = importlib.util.find_spec(mod_name)
    except (ImportError, AttributeError, TypeError, ValueError) as ex:
        msg = "Error while finding module specification for {!r} ({}: {})"
        if mod_name.endswith(".py"):
            msg += (". Try using '{}' instead of '{}' as the module "
                    "name.".format(mod_name[:-3], mod_name))
        raise _error(error, msg.format(mod_name, type(ex).__name__, ex),
                     name=mod_name) from ex
    if spec is None:
        raise _error(error, "No module named %s" % mod_name, name=mod_name)
    prefill_cached(spec)
    return spec


def _package_main_details(mod_name, spec, error):
    """A package runs its ``__main__`` submodule."""
    if mod_name == "__main__" or mod_name.endswith(".__main__"):
        raise _error(error, "Cannot use package as __main__ module",
                     name=mod_name, path=spec.origin)
    try:
        return module_details(mod_name + ".__main__", error)
    except error as e:
        if mod_name not in sys.modules:
            raise  # No module loaded; being a package is irrelevant
        what = "a namespace package" if spec.origin is None else "a package"
        raise _error(error, ("%s; %r is %s and cannot " +
                             "be directly executed") % (e, mod_name, what),
                     name=mod_name, path=spec.origin)


# The stand-in's own name: its loader knows it by it, not as "runpy".
_STAND_IN = __name__.rpartition(".")[0] + ".compat"


def _pyc_error():
    """PycError, for an ``except`` clause: evaluated only once something
    was raised, so a module that runs never imports the errors module."""
    from .errors import PycError
    return PycError


def _module_code(mod_name, spec, error):
    # runpy asks the loader for the name it was given (for "os.path" the
    # loader of posixpath then refuses, as under runpy) -- except for runpy
    # itself when runpath_spec.compat stands in for it (python -m runpy).
    name = spec.name if (mod_name == "runpy"
                         and spec.name == _STAND_IN) else mod_name
    try:
        code = code_for_spec(spec, name)
    except _pyc_error() as e:
        raise e if isinstance(e, error) else _error(error, format(e)) from e
    except ImportError as e:
        raise _error(error, format(e), name=mod_name,
                     path=spec.origin) from e
    if code is None:
        raise _error(error, "No code object available for %s: %s" % (
            mod_name, no_code_reason(spec)), name=mod_name, path=spec.origin)
    return code


def module_details(mod_name, error=ImportError):
    """runpy's ``_get_module_details``: ``(name, spec, code)`` for *mod_name*.

    *error* is the class raised for a target that cannot run
    (``ImportError``, or runpy's ``_Error``).
    """
    _check_name(mod_name, error)
    # Before a parent package is imported: a veto runs nothing.
    sys.audit("runpath_spec.find", mod_name, "module")
    pkg_name = mod_name.rpartition(".")[0]
    if pkg_name:
        _import_parent(mod_name, pkg_name)
    spec = _find_spec(mod_name, error)
    if spec.submodule_search_locations is not None:
        return _package_main_details(mod_name, spec, error)
    if spec.loader is None:
        raise _error(error, "%r is a namespace package and cannot be executed"
                     % mod_name, name=mod_name)
    return mod_name, spec, _module_code(mod_name, spec, error)


def spec_from_module(mod_name):
    """The spec ``run_module(mod_name)`` (or ``python -m``) would execute.

    runpy's rules: parent packages are imported first; a package runs its
    ``__main__`` submodule; relative names and namespace packages are
    refused; a :class:`RuntimeWarning` says when the module is already in
    ``sys.modules``.  Errors are :class:`~runpath_spec.RunpathError`
    (an :class:`ImportError`) with ``name`` and ``path`` set.
    """
    from .errors import RunpathError
    return module_details(mod_name, RunpathError)[1]


def spec_without_import(mod_name):
    """The spec ``python -m mod_name`` would run, found without importing
    -- and so without running -- its parent packages: each parent's spec
    from the finders, then its ``submodule_search_locations``.

    It may differ from what an import finds where a package's
    ``__init__`` changes its own ``__path__``.  Errors are
    :class:`~runpath_spec.RunpathError`.
    """
    from ._hooks import ask_meta_path  # only --explain -m needs it
    from .errors import RunpathError
    _check_name(mod_name, RunpathError)
    sys.audit("runpath_spec.find", mod_name, "module")
    path, spec, name = None, None, ""
    for part in mod_name.split("."):
        if spec is not None:
            path = spec.submodule_search_locations
            if path is None:
                raise RunpathError("No module named {}; {!r} is not a "
                                   "package".format(mod_name, name),
                                   name=mod_name)
        name = name + "." + part if name else part
        module = sys.modules.get(name)
        spec = getattr(module, "__spec__", None) or ask_meta_path(name, path)
        if spec is None:
            raise RunpathError("No module named %s" % name, name=name)
        if _trace.on:  # trace: where each package would come from
            _trace.module_found(name, spec, spec is getattr(
                module, "__spec__", None), name != mod_name)
    if spec.submodule_search_locations is not None:
        if mod_name.endswith("__main__"):
            raise RunpathError("Cannot use package as __main__ module",
                               name=mod_name, path=spec.origin)
        return spec_without_import(mod_name + ".__main__")
    prefill_cached(spec)
    return spec

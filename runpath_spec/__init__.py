"""Run a script, a ``.pyc``, a directory or zip, or a module the way
``python`` would -- built on importlib's ``ModuleSpec`` and loaders.

A finder turns a target into an :class:`importlib.machinery.ModuleSpec`
(:func:`spec_from_path`, :func:`spec_from_module`); one executor
(:func:`exec_spec`) derives ``__file__``, ``__cached__``, ``__loader__``
and ``__package__`` from it as PEP 451 describes and runs the code.
:func:`run_path` and :func:`run_module` are drop-ins for :mod:`runpy`'s,
and :mod:`runpath_spec.compat` is a complete stand-in for ``runpy``.

(PYTEST_DONT_REWRITE: pytest, which loads this package's plug-in, marks
the package for assertion rewriting; where the runpy stand-in has already
imported it -- ``python -m pytest`` -- that is to be no warning.)
"""

__version__ = "0.1.0.dev0"

import sys as _sys  # (always loaded)

# Every public name loads on first use (PEP 562): `python -m runpath_spec`
# imports only what running its target needs, and `import runpath_spec`
# costs next to nothing.  The one list of the public names: name -> the
# module that defines it.  `__all__` is made from it, and
# tests/test_typing.py checks the stub (__init__.pyi) against it.  A new
# public name is one line here, then its declaration in the stub.
_WHERE = {
    "run_path": "_api",
    "run_module": "_api",
    "run_main": "_main",
    "MainTarget": "_main",
    "spec_from_path": "_finders",
    "spec_from_module": "_modules",
    "exec_spec": "_executor",
    "derive": "_profiles",
    "register_loader": "_plugins",
    "unregister_loader": "_plugins",
    "SourceScriptLoader": "_loaders",
    "BytecodeScriptLoader": "_loaders",
    "RunpathError": "errors",
    "MainNotFoundError": "errors",
    "BadPathError": "errors",
    "NotRegularFileError": "errors",
    "BadZipError": "errors",
    "PycError": "errors",
    "BadMagicError": "errors",
    "BadFlagsError": "errors",
    "TruncatedPycError": "errors",
    "StalePycError": "errors",
    "ImportHookWarning": "errors",
    "Trace": "_trace",
    "TraceStep": "_trace",
    "explain": "_explain",
    "format_explanation": "_explain",
    # What the CLI uses, so that it needs nothing private.
    "PROFILE_NAMES": "_profiles",
    "load_class": "_plugins",
    "check_loader_suffixes": "_plugins:check_suffixes",
    # ("module:attribute": defined there under another name)
    "install_runpy": "_install:install",
    "uninstall_runpy": "_install:uninstall",
    "runpy_status": "_install:status",
    "InstallError": "_install",
}
#: Public submodules that are attributes of the package on first use (as
#: they were when this module imported everything); not in ``__all__``.
_SUBMODULES = ("errors", "pyc")
__all__ = list(_WHERE)


def __getattr__(name):
    where = _WHERE.get(name)
    if where is None and name in _SUBMODULES:
        # Public submodules, attributes once imported (as they were when
        # this module imported everything).
        return _submodule(name)
    if where is None:
        raise AttributeError("module {!r} has no attribute {!r}".format(
            __name__, name))
    where, _, attr = where.partition(":")  # "module:attribute"
    module = _submodule(where)
    try:
        value = getattr(module, attr or name)
    except AttributeError:
        if not getattr(module.__spec__, "_initializing", False):
            raise
        # Used by the very thread importing it (a signal handler, say):
        # not a half-initialised module's name error.
        raise ImportError("cannot use {}.{}: {!r} is still being imported "
                          "in this thread".format(__name__, name,
                                                  module.__name__),
                          name=module.__name__) from None
    globals()[name] = value  # looked up once
    return value


def _submodule(name):
    # __import__, not importlib.import_module: the submodule is found on
    # this package's __path__, so a program that has narrowed sys.path
    # (and may not find importlib any more) still gets it.  What it imports
    # in turn is looked for as at this package's import if need be.
    full = __name__ + "." + name
    try:
        __import__(full)
    except ModuleNotFoundError:
        from ._cpython import import_with_finder
        with _AS_AT_IMPORT[0]:
            import_with_finder(full, _as_at_import())
    return _sys.modules[full]


def _as_at_import():
    """The last finder on ``sys.meta_path`` while a public name loads after
    a first try failed: it finds what the program's ``sys.path`` or
    ``sys.meta_path`` no longer finds, as they were when this package was
    imported.  (A class made when needed: ``import runpath_spec`` stays
    cheap.  The stand-in, runpath_spec_runpy, has its own: it must work
    without this package.)"""

    class AsAtImport:
        @staticmethod
        def find_spec(name, path=None, target=None):
            for finder in _AS_AT_IMPORT[2]:
                find = getattr(finder, "find_spec", None)
                spec = None if find is None else find(
                    name, _AS_AT_IMPORT[1] if path is None else path, target)
                if spec is not None:
                    return spec
            return None
    return AsAtImport


# (lock, sys.path, sys.meta_path) as at import: built-in modules, free.
_AS_AT_IMPORT = (__import__("_thread").allocate_lock(), list(_sys.path),
                 list(_sys.meta_path))


def __dir__():
    return sorted(set(globals()) | set(_WHERE))

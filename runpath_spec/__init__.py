"""Run a script, a ``.pyc``, a directory or zip, or a module the way
``python`` would -- built on importlib's ``ModuleSpec`` and loaders.

A finder turns a target into an :class:`importlib.machinery.ModuleSpec`
(:func:`spec_from_path`, :func:`spec_from_module`); one executor
(:func:`exec_spec`) derives ``__file__``, ``__cached__``, ``__loader__``
and ``__package__`` from it as PEP 451 describes and runs the code.
:func:`run_path` and :func:`run_module` are drop-ins for :mod:`runpy`'s,
and :mod:`runpath_spec.compat` is a complete stand-in for ``runpy``.
"""

__version__ = "0.1.0.dev0"

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
        from importlib import import_module
        return import_module("." + name, __name__)
    if where is None:
        raise AttributeError("module {!r} has no attribute {!r}".format(
            __name__, name))
    from importlib import import_module
    value = getattr(import_module("." + where, __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))

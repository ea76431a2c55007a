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
# costs next to nothing.  Public name -> the module that defines it.
_WHERE = dict.fromkeys(("run_path", "run_module"), "_api")
_WHERE.update(exec_spec="_executor", spec_from_path="_finders",
              spec_from_module="_modules", derive="_profiles",
              register_loader="_plugins", unregister_loader="_plugins",
              SourceScriptLoader="_loaders", BytecodeScriptLoader="_loaders",
              run_main="_main", MainTarget="_main",
              # What the CLI uses, so that it needs nothing private.
              PROFILE_NAMES="_profiles", load_class="_plugins",
              explain="_explain", format_explanation="_explain",
              install_runpy="_install:install",
              uninstall_runpy="_install:uninstall",
              runpy_status="_install:status", InstallError="_install")
_WHERE.update(dict.fromkeys((
    "RunpathError", "MainNotFoundError", "BadPathError",
    "NotRegularFileError", "BadZipError", "PycError", "BadMagicError",
    "BadFlagsError", "TruncatedPycError", "StalePycError",
    "ImportHookWarning"), "errors"))


def __getattr__(name):
    where = _WHERE.get(name)
    if where is None and name in ("errors", "pyc"):
        # Public submodules, attributes once imported (as they were when
        # this module imported everything).
        from importlib import import_module
        return import_module("." + name, __name__)
    if where is None:
        raise AttributeError("module {!r} has no attribute {!r}".format(
            __name__, name))
    from importlib import import_module
    where, _, attr = where.partition(":")  # "module:attribute" where renamed
    value = getattr(import_module("." + where, __name__), attr or name)
    globals()[name] = value  # looked up once
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))

__all__ = [
    "run_path",
    "run_module",
    "run_main",
    "MainTarget",
    "spec_from_path",
    "spec_from_module",
    "exec_spec",
    "derive",
    "register_loader",
    "unregister_loader",
    "SourceScriptLoader",
    "BytecodeScriptLoader",
    "RunpathError",
    "MainNotFoundError",
    "BadPathError",
    "NotRegularFileError",
    "BadZipError",
    "PycError",
    "BadMagicError",
    "BadFlagsError",
    "TruncatedPycError",
    "StalePycError",
    "ImportHookWarning",
    "PROFILE_NAMES",
    "load_class",
    "explain",
    "format_explanation",
    "install_runpy",
    "uninstall_runpy",
    "runpy_status",
    "InstallError",
]

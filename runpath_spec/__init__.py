"""Run a script, a ``.pyc``, a directory or zip, or a module the way
``python`` would -- built on importlib's ``ModuleSpec`` and loaders.

A finder turns a target into an :class:`importlib.machinery.ModuleSpec`
(:func:`spec_from_path`, :func:`spec_from_module`); one executor
(:func:`exec_spec`) derives ``__file__``, ``__cached__``, ``__loader__``
and ``__package__`` from it as PEP 451 describes and runs the code.
:func:`run_path` and :func:`run_module` are drop-ins for :mod:`runpy`'s,
and :mod:`runpath_spec.compat` is a complete stand-in for ``runpy``.
"""

from ._api import run_module, run_path
from ._executor import exec_spec
from ._finders import spec_from_path
from ._modules import spec_from_module
from ._profiles import derive
from ._plugins import register_loader, unregister_loader
from ._loaders import BytecodeScriptLoader, SourceScriptLoader
from .errors import (BadFlagsError, BadMagicError, BadPathError,
                     BadZipError, ImportHookWarning, MainNotFoundError,
                     NotRegularFileError, PycError, RunpathError,
                     StalePycError, TruncatedPycError)

__version__ = "0.1.0.dev0"


def __getattr__(name):
    # run_main and MainTarget load on first use: most callers never need
    # them, and `import runpath_spec` should cost less than `import runpy`.
    if name in ("run_main", "MainTarget"):
        from . import _main
        return getattr(_main, name)
    raise AttributeError("module {!r} has no attribute {!r}".format(
        __name__, name))


def __dir__():
    return sorted(set(globals()) | {"run_main", "MainTarget"})

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
]

"""``run_main``: what ``python TARGET ARGS`` does, in the running process.

python's start-up, for the record (CPython 3.8-3.15, read off each):

============  =====================================  ===========================
target        ``sys.path[0]``                        ``__file__``
============  =====================================  ===========================
script        directory of the script, symlinks      ``join(cwd, path)``, not
              resolved; nothing under ``-I``/``-P``  normalised (3.8: as given)
directory,    the entry, ``join(cwd, path)`` (3.8:   the spec's origin
zip           as given); kept under ``-I``/``-P``
``-m mod``    the current directory; nothing under   the spec's origin
              ``-I``/``-P``
============  =====================================  ===========================

``sys.argv`` is ``[TARGET, *ARGS]`` (``["-m", *ARGS]`` while ``-m`` imports
the parent packages, then the module's file).  The target runs in a fresh
module that *is* ``sys.modules["__main__"]`` (and ``__mp_main__``, where
multiprocessing has made that alias), so classes defined in it pickle.
"""

import os
import sys

from . import _sysstate
from ._executor import execute
from ._finders import FOREIGN_KINDS, find_path
from ._loaders import code_for_spec
from ._modules import module_details
from ._profiles import get_profile
from .errors import RunpathError

__all__ = ["run_main", "MainTarget", "python_path0"]

ModuleType = type(sys)
def _startup_added_path0():
    """Did this interpreter's own start-up put an entry at sys.path[0]?"""
    return not (sys.flags.isolated or getattr(sys.flags, "safe_path", False))


def python_path0(kind, path=None):
    """The ``sys.path[0]`` python's start-up gives a target of *kind*.

    *kind* is ``"source"``/``"bytecode"`` (a file at *path*),
    ``"directory"``/``"zip"`` (the entry *path*) or ``"module"``.
    ``None`` means python adds nothing (``-I``, ``-P``).
    """
    if kind in ("directory", "zip"):
        return path
    if not _startup_added_path0():
        return None
    if kind == "module":
        return os.getcwd()
    return os.path.dirname(os.path.realpath(path))


class _MainModule:
    """Make *module* ``sys.modules["__main__"]`` (and ``__mp_main__``)."""

    def __init__(self, module):
        self.overrides = [_sysstate.module("__main__", module)]
        if "__mp_main__" in sys.modules:
            # multiprocessing aliased the caller's __main__ when imported.
            self.overrides.append(_sysstate.module("__mp_main__", module))

    def __enter__(self):
        for override in self.overrides:
            override.__enter__()
        return self

    def __exit__(self, *exc_info):
        for override in reversed(self.overrides):
            override.__exit__(*exc_info)


class MainTarget:
    """A target found as ``python`` would find it, ready to :meth:`run`.

    Finding happens in the constructor (for ``-m`` with ``sys.argv[0]`` set
    to ``"-m"`` and ``sys.path[0]`` to the current directory, as python
    has them while the parent packages import); running, in :meth:`run`.
    Tools that must tell "cannot be run" from "raised while running"
    (the CLI) use the two steps; :func:`run_main` does both.
    """

    def __init__(self, target, argv=None, *, module=False, profile="python",
                 check_source=False, import_hooks=False, loaders=None,
                 cache=False):
        self._profile = chosen = get_profile(profile)
        #: The profile's name: "runpy", "python" or "spec".
        self.profile = chosen.name
        self.args = [] if argv is None else [
            os.fsdecode(a) if isinstance(a, bytes) else a for a in argv]
        self.replace = _startup_added_path0()
        if module:
            self.kind = "module"
            with _sysstate.argv(["-m"] + self.args), \
                    _sysstate.Path0(python_path0("module"), self.replace):
                _, self.spec, self.code = module_details(target, RunpathError)
            self.argv0 = self.spec.origin
            self.path0 = python_path0("module")
            return
        given = os.fsdecode(target)
        path = chosen.main_path(given)
        found = find_path(path, "__main__",
                          code_filename=chosen.script_filename(given),
                          check_source=check_source,
                          import_hooks=import_hooks, loaders=loaders,
                          cache=cache)
        self.kind, self.spec = found.kind, found.spec
        self.argv0 = given
        self.path0 = python_path0(found.kind, found.entry or path)
        # A loader not runpath_spec's own is asked for code only in run(),
        # once the fresh __main__ is in place (hy edits sys.modules[name]).
        self.code = (None if found.kind in FOREIGN_KINDS
                     else code_for_spec(self.spec))

    @property
    def argv(self):
        """``sys.argv`` while the target runs."""
        return [self.argv0] + self.args

    def run(self):
        """Run the target as ``__main__``; return its globals."""
        main = (ModuleType("__main__") if self.code is not None
                or self._profile.plain_module
                else self._profile.new_module(self.spec, "__main__"))
        with _sysstate.argv(self.argv), \
                _sysstate.Path0(self.path0, self.replace), _MainModule(main):
            return execute(self.spec, self.code, run_name="__main__",
                           profile=self._profile, module=main, register=False)


def run_main(target, argv=None, *, module=False, profile="python",
             check_source=False, import_hooks=False, loaders=None,
             cache=False):
    """Run *target* as ``python TARGET *argv`` would, in this process.

    *target* is a path (script, ``.pyc``, directory, zip) or, with
    ``module=True``, a module name (``python -m TARGET``).  While it runs
    the target is ``sys.modules["__main__"]``, ``sys.argv`` is
    ``[TARGET, *argv]`` and ``sys.path[0]`` is what python's start-up
    would have put there, replacing the entry the calling tool's own
    start-up put first.  Everything is restored afterwards; the module's
    globals are returned.  *profile* chooses the attribute conventions
    (default ``"python"``: exactly what python gives); *check_source*,
    *import_hooks*, *loaders* and *cache* are as for :func:`run_path`.

    Raises what :func:`run_path`/:func:`run_module` raise for a target
    that cannot run (:class:`OSError`, :class:`~runpath_spec.RunpathError`);
    the target's own exceptions (``SystemExit`` included) propagate
    unchanged.
    """
    return MainTarget(target, argv, module=module, profile=profile,
                      check_source=check_source, import_hooks=import_hooks,
                      loaders=loaders, cache=cache).run()

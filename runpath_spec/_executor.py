"""One executor: a spec becomes module attributes, and its code runs.

The attributes come from a :class:`~._profiles.Profile` (a view of
:func:`derive`, PEP 451's mapping); the ``sys`` changes a run makes are
``_sysstate`` overrides, undone by ownership.
"""

import sys

from . import _sysstate
from ._loaders import code_for_spec
from ._profiles import SPEC, derive, get_profile, script_state

__all__ = ["derive", "exec_spec", "execute", "run_loaded"]

ModuleType = type(sys)


def execute(spec, code, *, run_name=None, init_globals=None,
            profile=SPEC, module=None, keep_module=False,
            register=True, argv0=None, pkg_name=None):
    """Run *code* for *spec* under *profile*; return the module's globals.

    *code* ``None`` means: ask the loader once the module is in place
    (:func:`run_loaded`), as a loader that is not runpath_spec's own needs.
    *register* puts the module in ``sys.modules[run_name]`` while it runs;
    *argv0*, if not ``None``, is put in ``sys.argv[0]`` meanwhile.  Both
    are undone by ownership afterwards (see ``_sysstate``) unless
    *keep_module*.  A profile with ``returns_copy`` (runpy's) returns a
    copy of the globals, as runpy does; the others the module's own dict.
    """
    if run_name is None:
        run_name = spec.name
    if module is None:  # PEP 451: the module first (create_module)...
        module = (ModuleType(run_name) if profile.plain_module
                  else profile.new_module(spec, run_name))
    attrs = profile.attrs(spec, run_name, pkg_name)  # ...then attributes
    run_globals = module.__dict__
    if init_globals is not None:
        run_globals.update(init_globals)
    run_globals.update(attrs)
    sys.audit("runpath_spec.run", spec.origin, run_name)
    if register and keep_module:
        sys.modules[run_name] = module
        register = False
    if register:
        owner = _sysstate.enter_run(run_name, module, argv0)
        try:
            if code is None:
                run_loaded(spec, module, run_name, profile)
            else:
                exec(code, run_globals)
        finally:
            _sysstate.exit_run(owner)
        # runpy copies: the temporary module may be collected afterwards.
        return run_globals.copy() if profile.returns_copy else run_globals
    if code is None:
        with _sysstate.argv0(argv0) if argv0 is not None else _NO_CHANGE:
            run_loaded(spec, module, run_name, profile)
    elif argv0 is None:
        exec(code, run_globals)
    else:
        with _sysstate.argv0(argv0):
            exec(code, run_globals)
    return run_globals


class _NoChange:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


_NO_CHANGE = _NoChange()


def _no_code_error(spec, profile, runs_modules):
    from .errors import RunpathError
    where = spec.origin or spec.name
    if hasattr(spec.loader, "get_code"):  # it gave None: say why
        from ._modules import no_code_reason
        hint = ("; the 'spec' profile runs it (create_module/exec_module, "
                "PEP 451)" if runs_modules and not profile.runs_exec_module
                else "")
        return RunpathError("cannot run {!r}: expected Python code, found "
                            "none: {}{}".format(where, no_code_reason(spec),
                                                hint),
                            name=spec.name, path=spec.origin)
    return RunpathError(
        "cannot run {!r} under the {!r} profile: expected a loader that "
        "gives code (get_code()), found {!r}, which only executes modules "
        "(create_module/exec_module, PEP 451); the 'spec' profile runs "
        "it".format(where, profile.name, spec.loader),
        name=spec.name, path=spec.origin)


def _runs_modules(loader):
    """Does *loader* execute modules itself (PEP 451's exec_module) -- one
    that may run as a target, not a built-in or frozen module's?"""
    from importlib.machinery import BuiltinImporter, FrozenImporter
    if loader in (BuiltinImporter, FrozenImporter) or isinstance(
            loader, (BuiltinImporter, FrozenImporter)):
        return False
    return callable(getattr(loader, "exec_module", None))


def run_loaded(spec, module, run_name, profile):
    """Run *spec* in *module*, already ``sys.modules[run_name]``: ask its
    loader for the code, or -- a loader without code (an ``exec_module``
    only loader, an extension module) -- let it execute *module*, where
    *profile* allows that (PEP 451).  Bytecode writing is off meanwhile:
    only ``cache=True`` writes a target's bytecode.  Returns the code run,
    or ``None``."""
    loader = spec.loader
    with _sysstate.Override(("attr", "dont_write_bytecode"), True):
        code = code_for_spec(spec) if hasattr(loader, "get_code") else None
        if sys.modules.get(run_name) is None:
            sys.modules[run_name] = module  # a loader (hy's) removed it
        if code is None:
            runs_modules = _runs_modules(loader)
            if not (runs_modules and profile.runs_exec_module):
                raise _no_code_error(spec, profile, runs_modules)
            loader.exec_module(module)
            return None
    exec(code, module.__dict__)
    return code


def exec_spec(spec, *, run_name=None, init_globals=None, profile="spec",
              module=None, keep_module=False):
    """Execute *spec* as PEP 451 describes and return the module's globals.

    Under the default ``"spec"`` profile it runs in a real module made from
    the spec (``loader.create_module``, else a plain module), registered in
    ``sys.modules`` under ``run_name`` (default ``spec.name``) while it
    runs; then the code comes from ``spec.loader.get_code(spec.name)`` or,
    for a loader that has none (``exec_module`` only, an extension
    module), ``loader.exec_module(module)`` runs it.  ``keep_module=True``
    leaves the module in ``sys.modules``, ``module=`` runs in a module you
    give.  ``profile="runpy"`` or ``"python"`` give those conventions'
    attributes instead (see :mod:`runpath_spec`'s documentation), and need
    a loader with ``get_code()``.
    """
    chosen = get_profile(profile)
    loader = spec.loader
    if loader is None or not (hasattr(loader, "get_code")
                              or _runs_modules(loader)):
        from .errors import RunpathError
        raise RunpathError(
            "cannot execute spec {!r}: expected a loader with get_code() or "
            "exec_module(), got {!r}".format(spec.name, loader),
            name=spec.name, path=spec.origin)
    state = script_state(spec)
    argv0 = None
    if state is not None:
        argv0 = chosen.shown_argv0(state.given)
    elif chosen.shown_argv0(spec.origin) is not None:
        argv0 = spec.origin
    return execute(spec, None, run_name=run_name, init_globals=init_globals,
                   profile=chosen, module=module, keep_module=keep_module,
                   argv0=argv0)

"""One executor: a spec becomes module attributes, and its code runs.

The attributes come from a :class:`~._profiles.Profile` (a view of
:func:`derive`, PEP 451's mapping); the ``sys`` changes a run makes are
``_sysstate`` overrides, undone by ownership.
"""

import sys

from . import _sysstate
from ._profiles import SPEC, derive, get_profile, script_state

__all__ = ["derive", "exec_spec", "execute", "profile_attrs"]

ModuleType = type(sys)


def profile_attrs(profile, spec, run_name=None, pkg_name=None):
    """The dunders *profile* (a name or a profile) sets for *spec*."""
    return get_profile(profile).attrs(spec, run_name, pkg_name)


def execute(spec, code, *, run_name=None, init_globals=None,
            profile=SPEC, module=None, keep_module=False,
            register=True, argv0=None, pkg_name=None):
    """Run *code* for *spec* under *profile*; return the module's globals.

    *register* puts the module in ``sys.modules[run_name]`` while it runs;
    *argv0*, if not ``None``, is put in ``sys.argv[0]`` meanwhile.  Both
    are undone by ownership afterwards (see ``_sysstate``) unless
    *keep_module*.  A profile with ``returns_copy`` (runpy's) returns a
    copy of the globals, as runpy does; the others the module's own dict.
    """
    if run_name is None:
        run_name = spec.name
    attrs = profile.attrs(spec, run_name, pkg_name)
    if module is None:
        module = (ModuleType(run_name) if profile.plain_module
                  else profile.new_module(spec, run_name))
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
            exec(code, run_globals)
        finally:
            _sysstate.exit_run(owner)
        # runpy copies: the temporary module may be collected afterwards.
        return run_globals.copy() if profile.returns_copy else run_globals
    if argv0 is None:
        exec(code, run_globals)
    else:
        with _sysstate.argv0(argv0):
            exec(code, run_globals)
    return run_globals


def exec_spec(spec, *, run_name=None, init_globals=None, profile="spec",
              module=None, keep_module=False):
    """Execute *spec* as PEP 451 describes and return the module's globals.

    The code comes from ``spec.loader.get_code(spec.name)``.  Under the
    default ``"spec"`` profile it runs in a real module made from the spec
    (``loader.create_module``, else a plain module), registered in
    ``sys.modules`` under ``run_name`` (default ``spec.name``) while it
    runs; ``keep_module=True`` leaves it there, ``module=`` runs in a module
    you give.  ``profile="runpy"`` or ``"python"`` give those conventions'
    attributes instead (see :mod:`runpath_spec`'s documentation).
    """
    from .errors import RunpathError
    from ._loaders import code_for_spec
    chosen = get_profile(profile)
    loader = spec.loader
    if loader is None or not hasattr(loader, "get_code"):
        raise RunpathError(
            "cannot execute spec {!r}: expected a loader with get_code(), "
            "got {!r}".format(spec.name, loader), name=spec.name,
            path=spec.origin)
    code = code_for_spec(spec)
    if code is None:
        raise RunpathError("no code object available for {!r}".format(
            spec.name), name=spec.name, path=spec.origin)
    state = script_state(spec)
    argv0 = None
    if state is not None:
        argv0 = chosen.shown_argv0(state.given)
    elif chosen.shown_argv0(spec.origin) is not None:
        argv0 = spec.origin
    return execute(spec, code, run_name=run_name, init_globals=init_globals,
                   profile=chosen, module=module, keep_module=keep_module,
                   argv0=argv0)

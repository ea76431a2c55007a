"""One executor: a spec becomes module attributes, and its code runs.

:func:`derive` is the single derivation PEP 451 describes (spec field ->
module attribute).  A *profile* is a mapping over it:

``"spec"``
    PEP 451 for every target, scripts included; the code runs in a real
    module made from the spec, registered under its name while it runs.
``"runpy"``
    What the running interpreter's :mod:`runpy` gives: a plain-file
    target's spec is hidden (``__spec__``, ``__loader__`` and
    ``__cached__`` are ``None``, ``__file__`` is the path as given and
    ``__package__`` comes from the run name).
``"python"``
    What the interpreter gives ``python TARGET``: a script sees a fresh
    ``SourceFileLoader``/``SourcelessFileLoader`` and no spec; directories,
    zips and ``-m`` see the real spec; ``__builtins__`` is the module.
"""

import builtins
import os
import sys
from importlib.machinery import SourceFileLoader, SourcelessFileLoader

from . import _sysstate
from ._loaders import ScriptState

__all__ = ["PROFILES", "derive", "profile_attrs", "runpy_attrs", "exec_spec",
           "execute"]

PROFILES = ("runpy", "python", "spec")
ModuleType = type(sys)
_FSDECODED_PATHS = sys.version_info >= (3, 13)  # runpy fsdecodes (gh-99437)
_ABSOLUTE_MAIN_FILE = sys.version_info >= (3, 9)  # python's __file__
# 3.15 stopped putting __cached__ in runpy's globals and python's __main__
# (it was deprecated in 3.12): those conventions follow the running version.
_CACHED_IN_GLOBALS = sys.version_info < (3, 15)
# PEP 649 (3.14): a fresh __main__ no longer starts with __annotations__.
_MAIN_ANNOTATIONS = sys.version_info < (3, 14)


def check_profile(profile):
    """Raise :class:`ValueError` unless *profile* is one of :data:`PROFILES`."""
    if profile not in PROFILES:
        raise ValueError("unknown profile {!r}: expected one of {}".format(
            profile, ", ".join(map(repr, PROFILES))))


def derive(spec, run_name=None):
    """PEP 451: the module attributes *spec* implies, as a new dict.

    ``origin`` -> ``__file__`` (only when ``has_location``), ``cached`` ->
    ``__cached__`` (only when not ``None``), ``parent`` -> ``__package__``,
    ``loader`` -> ``__loader__``, the spec itself -> ``__spec__``, and
    ``run_name`` or ``name`` -> ``__name__``.
    """
    attrs = {
        "__name__": spec.name if run_name is None else run_name,
        "__loader__": spec.loader,
        "__package__": spec.parent,
        "__spec__": spec,
    }
    if spec.has_location:
        attrs["__file__"] = spec.origin
        if spec.cached is not None:
            attrs["__cached__"] = spec.cached
    return attrs


def python_file(given):
    """python's ``__file__`` for a script: from 3.9 ``join(cwd, path)``
    (``_Py_abspath``: not normalised), as given on 3.8."""
    path = os.fsdecode(given)
    if _ABSOLUTE_MAIN_FILE and not os.path.isabs(path):
        path = os.path.join(os.getcwd(), path)
    return path


def _script_state(spec):
    """The ScriptState of a plain-file target's spec, else ``None``."""
    state = spec.loader_state
    if type(state) is ScriptState:
        return state
    return getattr(spec, "_runpath_script", None)  # a hook's spec


def _given_path(state):
    """The script path as runpy shows it: decoded on 3.13+, as given before."""
    given = state.given
    if type(given) is str or not _FSDECODED_PATHS:
        return given
    return os.fsdecode(given)


def profile_attrs(profile, spec, run_name=None, pkg_name=None):
    """The dunders *profile* sets for *spec*, as a dict (a view of :func:`derive`).

    *pkg_name* overrides ``__package__`` in the runpy profile, as
    ``runpy.run_path`` does for a directory or zip (``''`` for
    ``"<run_path>"``).
    """
    if profile == "spec":
        return derive(spec, run_name)
    name = spec.name if run_name is None else run_name
    state = spec.loader_state
    if type(state) is not ScriptState:
        state = _script_state(spec)
    if profile == "runpy":
        if state is not None:
            # runpy never makes a spec for a plain file.
            return runpy_attrs(name, None, name.rpartition(".")[0],
                               _given_path(state))
        return runpy_attrs(name, spec, pkg_name)
    if profile == "python":
        if state is not None:
            shown = python_file(state.given)
            if state.kind in ("source", "bytecode"):
                loader = (SourcelessFileLoader if state.kind == "bytecode"
                          else SourceFileLoader)(name, shown)
            else:  # a hook's or a registered loader: python has none
                loader = spec.loader
            attrs = {"__name__": name, "__doc__": None,
                     "__package__": None, "__spec__": None,
                     "__loader__": loader,
                     "__builtins__": builtins, "__file__": shown}
            if _CACHED_IN_GLOBALS:
                attrs["__cached__"] = None
        else:
            # Directories, zips and -m: runpy's _run_module_as_main into
            # the interpreter's own __main__.
            attrs = runpy_attrs(name, spec)
            attrs["__builtins__"] = builtins
        if _MAIN_ANNOTATIONS:
            attrs["__annotations__"] = {}
        return attrs
    check_profile(profile)
    raise AssertionError("unreachable")  # pragma: no cover


def runpy_attrs(mod_name, mod_spec=None, pkg_name=None, script_name=None):
    """runpy's ``_run_code`` conventions, given its own arguments.

    Without a spec: ``__file__`` is *script_name* and the spec, loader and
    cache are ``None``.  With one: :func:`derive`'s fields, except that
    ``__file__`` is ``origin`` even without a location and *pkg_name*, when
    given, wins over ``parent``.
    """
    if mod_spec is None:
        attrs = {"__name__": mod_name, "__file__": script_name,
                 "__doc__": None, "__loader__": None,
                 "__package__": pkg_name, "__spec__": None}
        if _CACHED_IN_GLOBALS:
            attrs["__cached__"] = None
        return attrs
    # derive()'s fields, with origin (and cached, before 3.15) whether or
    # not has_location.
    attrs = {"__name__": mod_spec.name if mod_name is None else mod_name,
             "__file__": mod_spec.origin, "__doc__": None,
             "__loader__": mod_spec.loader,
             "__package__": mod_spec.parent if pkg_name is None else pkg_name,
             "__spec__": mod_spec}
    if _CACHED_IN_GLOBALS:
        attrs["__cached__"] = mod_spec.cached
    return attrs


def _new_module(spec, profile, run_name):
    if profile == "spec":
        create = getattr(spec.loader, "create_module", None)
        module = create(spec) if create is not None else None
        if module is not None:
            return module
    return ModuleType(run_name)


def _argv0_for(spec, profile):
    state = _script_state(spec)
    if state is not None and profile == "runpy":
        return _given_path(state)
    return spec.origin


def execute(spec, code, *, run_name=None, init_globals=None,
            profile="spec", module=None, keep_module=False,
            register=True, argv0=None, pkg_name=None):
    """Run *code* for *spec* under *profile*; return the module's globals.

    *register* puts the module in ``sys.modules[run_name]`` while it runs;
    *argv0*, if not ``None``, is put in ``sys.argv[0]`` meanwhile.  Both
    are undone by ownership afterwards (see ``_sysstate``) unless
    *keep_module*.  The runpy profile returns a copy of the globals, as
    runpy does; the others the module's own dict.
    """
    if run_name is None:
        run_name = spec.name
    attrs = profile_attrs(profile, spec, run_name, pkg_name)
    if module is None:
        module = (ModuleType(run_name) if profile != "spec"
                  else _new_module(spec, profile, run_name))
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
        if profile == "runpy":
            # runpy copies: the temporary module may be collected afterwards.
            return run_globals.copy()
        return run_globals
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
    loader = spec.loader
    if loader is None or not hasattr(loader, "get_code"):
        from .errors import RunpathError
        raise RunpathError(
            "cannot execute spec {!r}: expected a loader with get_code(), "
            "got {!r}".format(spec.name, loader), name=spec.name,
            path=spec.origin)
    from ._loaders import code_for_spec
    code = code_for_spec(spec)
    if code is None:
        from .errors import RunpathError
        raise RunpathError("no code object available for {!r}".format(
            spec.name), name=spec.name, path=spec.origin)
    argv0 = _argv0_for(spec, profile) if profile == "runpy" else None
    return execute(spec, code, run_name=run_name, init_globals=init_globals,
                   profile=profile, module=module, keep_module=keep_module,
                   argv0=argv0)

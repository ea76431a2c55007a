"""Profiles: three ways to present one spec as module attributes.

A profile is an object, and every rule that differs between the three
conventions is a method or attribute of it -- nowhere else compares
profile names.  Each is a view of :func:`derive`, PEP 451's one mapping
from spec fields to module attributes:

``"spec"``  (:data:`SPEC`)
    PEP 451 for every target, scripts included; the code runs in a real
    module made from the spec, registered under its name while it runs.
``"runpy"``  (:data:`RUNPY`)
    What the running interpreter's :mod:`runpy` gives: a plain-file
    target's spec is hidden (``__spec__``, ``__loader__`` and, before
    3.15, ``__cached__`` are ``None``), ``__file__`` is the path as given
    and ``__package__`` comes from the run name.
``"python"``  (:data:`PYTHON`)
    What the interpreter gives ``python TARGET``: a script sees a fresh
    ``SourceFileLoader``/``SourcelessFileLoader`` and no spec;
    directories, zips and ``-m`` see the real spec; ``__builtins__`` is
    the module.

The version rules the profiles follow (3.13's runpy decodes a path target
to ``str``, gh-99437; python's ``__file__`` for a script is absolute from
3.9; 3.14's ``__main__`` starts without ``__annotations__``, PEP 649;
3.15's runpy and python no longer set ``__cached__``) live in
``_versions`` with every other.
"""

import builtins
import os
import sys
from importlib.machinery import BuiltinImporter, FrozenImporter

from ._versions import (ABSOLUTE_MAIN_FILE, CACHED_IN_GLOBALS,
                        MAIN_ANNOTATIONS, PYPY)
from ._versions import RUNPY as _RUNPY_FACTS

__all__ = ["Profile", "RUNPY", "PYTHON", "SPEC", "PROFILES", "PROFILE_NAMES",
           "get_profile",
           "derive", "runpy_attrs", "python_file", "ScriptState"]

ModuleType = type(sys)
_SINGLETON_IMPORTERS = (BuiltinImporter, FrozenImporter)


class ScriptState:
    """``spec.loader_state`` of a plain-file target: what was asked for.

    *kind* is a :class:`~._kinds.Kind`: ``SOURCE`` or ``BYTECODE``
    (runpath_spec's own loaders), ``CUSTOM`` (a registered loader) or
    ``HOOK`` (a spec the import system gave, with ``import_hooks=True``); *given* is the path object
    as the caller passed it (runpy shows it unchanged as ``__file__`` and
    ``sys.argv[0]`` before Python 3.13).
    """

    __slots__ = ("kind", "given")

    def __init__(self, kind, given):
        self.kind = kind
        self.given = given

    def __repr__(self):
        return "ScriptState(kind={!r}, given={!r})".format(self.kind,
                                                            self.given)


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


def runpy_attrs(mod_name, mod_spec=None, pkg_name=None, script_name=None):
    """runpy's ``_run_code`` conventions, given its own arguments.

    Without a spec: ``__file__`` is *script_name* and the spec, loader (and,
    before 3.15, the cache) are ``None``.  With one: :func:`derive`'s
    fields, except that ``__file__`` is ``origin`` even without a location
    and *pkg_name*, when given, wins over ``parent``.
    """
    if mod_spec is None:
        attrs = {"__name__": mod_name, "__file__": script_name,
                 "__doc__": None, "__loader__": None,
                 "__package__": pkg_name, "__spec__": None}
        if CACHED_IN_GLOBALS:
            attrs["__cached__"] = None
        return attrs
    attrs = {"__name__": mod_spec.name if mod_name is None else mod_name,
             "__file__": mod_spec.origin, "__doc__": None,
             "__loader__": mod_spec.loader,
             "__package__": mod_spec.parent if pkg_name is None else pkg_name,
             "__spec__": mod_spec}
    if CACHED_IN_GLOBALS:
        attrs["__cached__"] = mod_spec.cached
    return attrs


def python_file(given):
    """python's ``__file__`` (and ``co_filename``) for a script: from 3.9
    ``join(cwd, path)`` (``_Py_abspath``: not normalised), as given on 3.8."""
    path = os.fsdecode(given)
    if ABSOLUTE_MAIN_FILE and not os.path.isabs(path):
        path = os.path.join(os.getcwd(), path)
    return path


def given_path(given):
    """A path as runpy shows it: decoded on 3.13+, the object as given before."""
    if type(given) is str or not _RUNPY_FACTS.fsdecodes:
        return given
    return os.fsdecode(given)


def script_state(spec):
    """The ScriptState of a plain-file target's spec, else ``None``."""
    state = spec.loader_state
    if type(state) is ScriptState:
        return state
    # A spec an import hook returned keeps its own loader_state; the
    # finder records what was asked for beside it (see _finders).
    return getattr(spec, "_runpath_script", None)


class Profile:
    """One convention: the attributes it gives and the ``sys`` it implies.

    Subclasses set :attr:`name` and override :meth:`attrs`; the other
    hooks have the spec profile's behaviour by default.
    """

    __slots__ = ()
    #: The profile's public name, as ``profile=`` takes it.
    name = ""
    #: Does a run return a copy of the globals (runpy's temporary module
    #: may be collected afterwards) rather than the module's own dict?
    returns_copy = False
    #: Does ``run_module`` register the module in ``sys.modules`` while it
    #: runs even without ``alter_sys``?
    registers_module = True
    #: Does the code run in a plain new module (never the loader's
    #: ``create_module``)?  Then :meth:`new_module` need not be called.
    plain_module = True
    #: Does a loader without code (PEP 451's ``exec_module`` only, an
    #: extension module) execute the module itself?  Only where the code
    #: may see the spec: runpy and python hide a script's.
    runs_exec_module = False

    def attrs(self, spec, run_name=None, pkg_name=None):
        """The dunders for *spec* (``pkg_name``: runpy's entry override)."""
        raise NotImplementedError

    def source_script_error(self, origin):
        """The error a source script at *origin* raises instead of running,
        or ``None`` (it runs, as runpy runs any file that is not bytecode)."""
        return None

    def script_filename(self, given):
        """The file name compiled into a script's code, for a path *given*
        as the caller gave it; also the script's ``__file__``."""
        return os.path.abspath(os.fsdecode(given))

    def main_path(self, given):
        """The path a ``python TARGET`` run of *given* looks the target up by."""
        return python_file(given)

    def lookup_path(self, given):
        """The path ``run_path`` looks *given* up by: as given, so that the
        spec's ``origin`` (a zip's ``__file__``) is the path the caller gave."""
        return given

    def shown_argv0(self, given):
        """``sys.argv[0]`` while ``run_path`` runs *given*, or ``None`` to
        leave it alone."""
        return None

    def entry_package(self, run_name):
        """``__package__`` of a directory's or zip's ``__main__``, or
        ``None`` for the spec's own ``parent``."""
        return None

    def new_module(self, spec, run_name):
        """The module the code runs in when the caller gives none."""
        return ModuleType(run_name)

    def __repr__(self):
        return "<profile {!r}>".format(self.name)


class _SpecProfile(Profile):
    __slots__ = ()
    name = "spec"
    plain_module = False
    runs_exec_module = True

    def attrs(self, spec, run_name=None, pkg_name=None):
        return derive(spec, run_name)

    def new_module(self, spec, run_name):
        # PEP 451: the loader may make the module (create_module) -- not a
        # built-in or frozen module's importer, whose modules are the
        # interpreter's own (PyPy's create_module for "sys" builds sys anew,
        # resetting its state): such a spec is refused later anyway.
        loader = spec.loader
        if loader in _SINGLETON_IMPORTERS or isinstance(
                loader, _SINGLETON_IMPORTERS):
            return ModuleType(run_name)
        create = getattr(loader, "create_module", None)
        module = create(spec) if create is not None else None
        return ModuleType(run_name) if module is None else module


class _RunpyProfile(Profile):
    __slots__ = ()
    name = "runpy"
    returns_copy = True
    registers_module = False

    def attrs(self, spec, run_name=None, pkg_name=None):
        name = spec.name if run_name is None else run_name
        state = spec.loader_state
        if type(state) is not ScriptState:  # (inline: every run does this)
            state = script_state(spec)
        if state is not None:
            # runpy never makes a spec for a plain file.
            return runpy_attrs(name, None, name.rpartition(".")[0],
                               given_path(state.given))
        return runpy_attrs(name, spec, pkg_name)

    def script_filename(self, given):
        # compile() decodes a path object too.
        return given if type(given) is str else os.fsdecode(given)

    def main_path(self, given):
        return os.fsdecode(given)  # runpy shows the path as given

    def shown_argv0(self, given):
        return given if type(given) is str else given_path(given)

    def entry_package(self, run_name):
        return run_name.rpartition(".")[0]


class _PythonProfile(Profile):
    __slots__ = ()
    name = "python"

    def attrs(self, spec, run_name=None, pkg_name=None):
        name = spec.name if run_name is None else run_name
        state = script_state(spec)
        if state is not None:
            attrs = self._script_attrs(spec, name, state)
        else:
            # Directories, zips and -m: runpy's _run_module_as_main into
            # the interpreter's own __main__.
            attrs = runpy_attrs(name, spec)
            attrs["__builtins__"] = builtins
        if MAIN_ANNOTATIONS:
            attrs["__annotations__"] = {}
        return attrs

    @staticmethod
    def _script_attrs(spec, name, state):
        shown = python_file(state.given)
        attrs = {"__name__": name, "__doc__": None, "__package__": None,
                 "__spec__": None,
                 "__loader__": state.kind.python_loader(name, shown, spec),
                 "__builtins__": builtins, "__file__": shown}
        if CACHED_IN_GLOBALS:
            attrs["__cached__"] = None
        return attrs

    def source_script_error(self, origin):
        # python runs a file named .pyc as bytecode or not at all
        # (maybe_pyc_file): one that holds source gets its own message.
        if origin.endswith(".pyc"):
            return RuntimeError("Bad magic number in .pyc file")
        return None

    def lookup_path(self, given):
        # As `python TARGET` looks it up: a relative zip's __file__ is
        # absolute from 3.9, like a directory's and a script's.
        return self.main_path(given)

    def script_filename(self, given):
        if PYPY:
            # PyPy compiles a script under its normalised absolute path
            # (while __file__ stays as python_file gives it).
            return os.path.normpath(python_file(given))
        return python_file(given)


RUNPY = _RunpyProfile()
PYTHON = _PythonProfile()
SPEC = _SpecProfile()
#: Every profile by name, in the order the documentation lists them.
PROFILES = {profile.name: profile for profile in (RUNPY, PYTHON, SPEC)}
#: Their names (public: runpath_spec.PROFILE_NAMES).
PROFILE_NAMES = tuple(PROFILES)


def get_profile(profile):
    """The :class:`Profile` named *profile* (a profile object passes
    through); :class:`ValueError` for any other name."""
    try:
        return PROFILES[profile]
    except (KeyError, TypeError):  # (TypeError: unhashable)
        pass
    if isinstance(profile, Profile):
        return profile
    raise ValueError("unknown profile {!r}: expected one of {}".format(
        profile, ", ".join(map(repr, PROFILES))))

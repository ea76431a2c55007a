"""The lazy stand-in for runpy: ``sys.modules["runpy"]`` until first use.

``python -m runpath_spec --install-runpy`` copies this file beside a
``.pth`` file in site-packages, as the top-level module
``_runpath_spec_runpy``, and the ``.pth`` imports it at every interpreter
start: importing it calls :func:`install`.  It imports nothing (``sys``
and ``_thread`` are always loaded), so a start that never uses runpy pays
for this one small module only.

The first time anything is looked up on the stand-in -- ``python -m``
asking for ``runpy._run_module_as_main``, ``python dir/`` or ``python
app.zip`` likewise, a tool calling ``runpy.run_path`` -- it imports
``runpath_spec.compat``, once, under a lock; from then on every attribute
of the stand-in is ``runpath_spec.compat``'s (``runpy.run_path is
runpath_spec.compat.run_path``), and writes (``runpy._get_code_from_file =
...``, as Hy patches it) and deletions go to ``runpath_spec.compat`` too.
The stand-in stays in ``sys.modules["runpy"]``: code that imported runpy
before its first use and code that imports it after hold the same object
(CPython's ``test_runpy`` compares them).  Its module attributes
(``__spec__``, ``__loader__``...) are its own: it is a proper module
named ``runpy`` for ``importlib.util.find_spec``, ``importlib.reload``,
``pkgutil`` and ``pydoc``, before and after first use.

runpath_spec is looked for on ``sys.path`` as the program left it and, if
it is not there, on ``sys.path`` as it was at start-up: a program that
narrows ``sys.path`` before it uses runpy still gets runpath_spec.

If runpath_spec has been uninstalled while this file stayed behind, the
stand-in loads the standard library's runpy instead: the interpreter
behaves as if nothing had been installed.  If it is there but fails to
load -- whatever the exception: a syntax error in one of its files, a
missing module, a half-finished upgrade -- the stand-in loads the
standard library's runpy too, and says so once on stderr, with the way
to remove it: a broken install never breaks ``python -m``.
"""

import sys
import _thread  # (built in and loaded at every start, as sys is)

_ModuleType = type(sys)
_ModuleSpec = type(sys.__spec__)  # importlib's own class, always loaded
_loaded = []  # the module the stand-in stands for, once loaded
_loading = []  # non-empty while it loads
_lock = _thread.RLock()
# sys.path and sys.meta_path as they were at start-up (copied by install()).
_startup = []
# What the import system sets on a module it (re)loads: the stand-in's own.
_OWN = frozenset(("__spec__", "__loader__", "__name__", "__package__",
                  "__file__", "__cached__", "__path__"))
_UNINSTALL = "python -m runpath_spec --uninstall-runpy"


def _stdlib_runpy():
    """The standard library's runpy, imported by name past the stand-in
    (which stays in sys.modules)."""
    saved = sys.modules.pop("runpy", None)
    try:
        import runpy
    finally:
        if saved is not None:
            sys.modules["runpy"] = saved
    return runpy


def _startup_finder():
    """The last finder on ``sys.meta_path`` while the stand-in loads: it
    finds what the program's ``sys.path`` or ``sys.meta_path`` no longer
    finds, with the finders and ``sys.path`` of start-up.  (A class made on
    first use: making it costs every interpreter start otherwise.)"""

    class AsAtStartup:
        @staticmethod
        def find_spec(name, path=None, target=None):
            startup_path, startup_meta_path = _startup
            for finder in startup_meta_path:
                find = getattr(finder, "find_spec", None)
                spec = None if find is None else find(
                    name, startup_path if path is None else path, target)
                if spec is not None:
                    return spec
            return None
    return AsAtStartup


def _import_compat():
    """``runpath_spec.compat``, presented as runpy; the standard runpy if
    runpath_spec is not installed at all."""
    try:
        import runpath_spec.compat as real
    except ModuleNotFoundError as exc:
        if exc.name != "runpath_spec":
            raise
        return _stdlib_runpy()  # runpath_spec is gone: runpy as shipped
    # (Its runner frames are runpy's: runpath_spec.compat compiles them so.)
    return real


def _warn(exc):
    """One line on stderr: what failed, and how to remove the stand-in."""
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    user = getattr(sys.modules.get("site"), "USER_SITE", None)
    user = " --user" if user and os.path.abspath(user) == here else ""
    try:
        sys.stderr.write(
            "warning: runpath_spec's runpy stand-in cannot load runpath_spec"
            " ({}: {}); using the standard library's runpy.  Repair or "
            "reinstall runpath_spec, or remove the stand-in: {}{} (or delete"
            " {})\n".format(type(exc).__name__,
                            " ".join(str(exc).split()),  # one line
                            _UNINSTALL, user,
                            os.path.join(here, "runpath_spec_runpy.pth")))
    except Exception:  # no stderr (pythonw, closed): still run
        pass


def _load():
    if _loaded:
        return _loaded[0]
    with _lock:  # one first use, whatever the number of threads
        if _loaded:
            return _loaded[0]
        if _loading:
            # The same thread again, while loading: a signal handler, or a
            # module runpath_spec imports that uses runpy.
            raise ImportError("runpy is used while runpath_spec's stand-in "
                              "is loading it", name="runpy")
        _loading.append(True)
        finder = _startup_finder()
        sys.meta_path.append(finder)
        try:
            try:
                real = _import_compat()
            except Exception as exc:  # whatever it is: python -m must work
                real = _stdlib_runpy()
                _warn(exc)
        finally:
            _loading.clear()
            while finder in sys.meta_path:
                sys.meta_path.remove(finder)
        _loaded.append(real)
    return _loaded[0]


def _reset(module):
    """The stand-in as install() leaves it: its module attributes looked
    up on the module it stands for (``__spec__``: its own)."""
    for name in _OWN | {"__doc__"}:
        vars(module).pop(name, None)


_spec_made = []


def _spec():
    """The stand-in's spec, made on first need: ``import runpy`` reads it
    (is the module still initialising?).  Its loader is a class made with
    it, for the same reason as the start-up finder."""
    if not _spec_made:
        class Loader:
            # The stand-in's loader: what importlib.reload runs (see
            # LazyRunpy.__setattr__).  Loading makes a stand-in; running one
            # leaves it as installed.  Its code and source are this file's
            # (run_module("runpy"), python -m runpy MOD), read by the loader
            # that imported it.

            @staticmethod
            def get_code(name):
                return __loader__.get_code(__loader__.name)

            @staticmethod
            def get_source(name):
                return __loader__.get_source(__loader__.name)

            @staticmethod
            def is_package(name):
                return False

            @staticmethod
            def create_module(spec):
                return LazyRunpy(spec.name)

            @staticmethod
            def exec_module(module):
                if isinstance(module, LazyRunpy):
                    _reset(module)

        spec = _ModuleSpec("runpy", Loader, origin=__file__)
        spec.has_location = True
        _spec_made.append(spec)
    return _spec_made[0]


class LazyRunpy(_ModuleType):
    # A module object whose attributes are runpath_spec.compat's, imported
    # on first use.  (No docstring: __doc__ is the module's it stands for.)

    def __getattr__(self, name):
        return getattr(_load(), name)

    def __setattr__(self, name, value):
        if name == "__spec__" and getattr(value, "name", None) == "runpy" \
                and getattr(value, "loader", None) is not _spec().loader:
            # importlib.reload(runpy) sets the spec it found for runpy (the
            # standard library's), then runs that spec's loader on the
            # stand-in: ours, so that the stand-in stays what it is.  (The
            # spec is the one find_spec has just made for this reload.)
            value.loader = _spec().loader
        if name in _OWN:  # the import system's, as for any module
            vars(self)[name] = value
        else:
            setattr(_load(), name, value)

    def __delattr__(self, name):
        if name in _OWN:
            vars(self).pop(name, None)
        else:
            delattr(_load(), name)

    def __dir__(self):
        return dir(_load())

    @property
    def __doc__(self):
        return _load().__doc__

    @property
    def __spec__(self):
        # Its own, before and after first use, so that importing runpy is
        # not using it, and find_spec("runpy") gives a spec named runpy.
        return vars(self).get("__spec__") or _spec()


def install():
    """Make ``sys.modules["runpy"]`` the lazy stand-in; return what is there.

    Leaves an existing stand-in (or ``runpath_spec.compat``) in place.
    """
    if not _startup:
        _startup[:] = list(sys.path), list(sys.meta_path)
    current = sys.modules.get("runpy")
    if current is None or vars(current).get("__name__") == "runpy":
        current = LazyRunpy("runpy")
        _reset(current)  # looked up on first use instead
        sys.modules["runpy"] = current
    return current


# The .pth line is the bare import: one statement to compile at every start.
install()

if __name__ == "__main__":
    # python -m runpy MOD: what runpy's own block does, by the module the
    # stand-in stands for.
    if len(sys.argv) < 2:
        print("No module specified for execution", file=sys.stderr)
    else:
        del sys.argv[0]  # Make the requested module sys.argv[0]
        _load()._run_module_as_main(sys.argv[0])

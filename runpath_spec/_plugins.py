"""Custom loaders by suffix: per call, registered, or from entry points.

Precedence: a per-call ``loaders=[(loader_class, suffixes), ...]`` (first
match in list order; ``None`` as the class means "no custom loader" for
those suffixes), then :func:`register_loader` (the longest matching
suffix; the last registration of a suffix wins), then a plug-in's entry
point in the group ``runpath_spec.loaders`` -- scanned lazily, the first
time a file suffix is not otherwise known, so ``import runpath_spec``
stays cheap -- then the built-in loaders (:data:`BUILTIN`: the notebook
loader for ``.ipynb``; built in, so it works without the package's
metadata, and turned off with ``unregister_loader``), then runpath_spec's
own script loaders.

A loader class has importlib's shape: ``loader_class(fullname, path)``
with ``get_code(fullname)`` (for example a ``SourceFileLoader`` subclass
that overrides ``source_to_code``).  An entry point is named after the
suffix without its dot (``ipynb = runpath_spec.notebook:NotebookLoader``).
"""

import os
import _thread

__all__ = ["register_loader", "unregister_loader", "loader_for",
           "may_have_loader", "load_class", "check_suffixes",
           "ENTRY_POINT_GROUP", "BUILTIN"]

ENTRY_POINT_GROUP = "runpath_spec.loaders"
# Suffixes runpath_spec handles itself (scripts, bytecode, zip
# applications): never worth an entry-point scan.  register_loader() can
# still claim them.
_OWN_SUFFIXES = frozenset(["", ".py", ".pyw", ".pyc", ".pyo", ".zip",
                           ".pyz", ".pyzw"])
_OWN_SUFFIX_TUPLE = tuple(sorted(_OWN_SUFFIXES - {""}))

_lock = _thread.allocate_lock()
_registered = {}  # suffix -> loader class
_entry_points = None  # suffix -> EntryPoint, filled on first need
_loaded = {}  # suffix -> loader class loaded from an entry point, or None
_UNKNOWN = object()
_SEP = os.sep
#: Built-in loaders: suffix -> "module:Class", imported on first use.
BUILTIN = {".ipynb": "runpath_spec.notebook:NotebookLoader"}
_disabled = set()  # built-in suffixes turned off with unregister_loader()


def load_class(reference):
    """The object a ``"module:attr.attr"`` reference names (imported)."""
    import importlib
    module_name, _, attrs = reference.partition(":")
    obj = importlib.import_module(module_name)
    for attr in filter(None, attrs.split(".")):
        obj = getattr(obj, attr)
    return obj


def check_suffixes(suffixes):
    if isinstance(suffixes, str):
        suffixes = [suffixes]
    suffixes = list(suffixes)
    for suffix in suffixes:
        if not isinstance(suffix, str) or not suffix.startswith(".") \
                or len(suffix) < 2:
            raise ValueError("expected suffixes like '.hy', got {!r}".format(
                suffix))
    if not suffixes:
        raise ValueError("expected at least one suffix, got none")
    return suffixes


def register_loader(loader_class, suffixes):
    """Use *loader_class* for files ending in any of *suffixes*.

    *suffixes* is a string or an iterable of strings, each starting with a
    dot.  A later registration of the same suffix replaces an earlier one.
    """
    if not callable(loader_class):
        raise TypeError("expected a loader class, got {!r}".format(
            loader_class))
    suffixes = check_suffixes(suffixes)
    with _lock:
        for suffix in suffixes:
            _registered[suffix] = loader_class


def _builtin_suffixes(loader_class, wanted):
    """The enabled built-in suffixes (of *wanted*, if given) whose loader
    is *loader_class*; imports only a module the caller has imported."""
    import sys
    found = []
    for suffix, reference in BUILTIN.items():
        module_name = reference.partition(":")[0]
        if (suffix in _disabled or (wanted is not None and suffix not in wanted)
                or module_name not in sys.modules):
            continue
        if load_class(reference) is loader_class:
            found.append(suffix)
    return found


def unregister_loader(loader_class, suffixes=None):
    """Stop using *loader_class* (for *suffixes*, or for all it has).

    A built-in loader (the notebook loader for ``.ipynb``) is turned off
    the same way.  Raises :class:`LookupError` if it was not registered
    (nor built in) for them.
    """
    wanted = None if suffixes is None else set(check_suffixes(suffixes))
    with _lock:
        gone = [s for s, cls in _registered.items() if cls is loader_class
                and (wanted is None or s in wanted)]
        builtin = _builtin_suffixes(loader_class, wanted)
        if (not gone and not builtin) or (
                wanted is not None and wanted - set(gone) - set(builtin)):
            raise LookupError(
                "{!r} is not registered for {}: expected one of {}".format(
                    loader_class, sorted(wanted) if wanted else "any suffix",
                    sorted(s for s, c in _registered.items()
                           if c is loader_class) or "no suffix"))
        for suffix in gone:
            del _registered[suffix]
        _disabled.update(builtin)
        for suffix in builtin:
            _loaded.pop(suffix, None)


def _scan_entry_points():
    """suffix -> entry point, for the group; scanned once per process.

    Two threads may both scan the first time: they find the same."""
    global _entry_points
    found = _entry_points
    if found is None:
        found = {}
        try:
            from importlib.metadata import entry_points
        except ImportError:  # pragma: no cover - 3.8+ always has it
            entry_points = None
        if entry_points is not None:
            eps = entry_points()
            if hasattr(eps, "select"):
                group = eps.select(group=ENTRY_POINT_GROUP)
            else:  # 3.8, 3.9: a dict of groups
                group = eps.get(ENTRY_POINT_GROUP, ())
            for ep in group:
                found.setdefault("." + ep.name.lstrip("."), ep)
        _entry_points = found
    return found


def _from_entry_point(suffix):
    """A plug-in's loader for *suffix*, else the built-in one, else None.

    The plug-in is imported without the lock held: a plug-in module that
    calls :func:`register_loader` when imported (which takes the lock)
    would otherwise deadlock.  Threads racing here may each load it (the
    import system makes them wait for one import); the first answer
    recorded is the one every thread gets.
    """
    ep = _scan_entry_points().get(suffix)
    cls = None if ep is None else ep.load()
    builtin = BUILTIN.get(suffix)
    if builtin is not None and (cls is None or builtin.replace(":", ".")
                                == "{0.__module__}.{0.__qualname__}".format(
                                    cls)):
        # (An installed copy's metadata may still name the built-in one.)
        cls = None if suffix in _disabled else load_class(builtin)
    with _lock:
        return _loaded.setdefault(suffix, cls)


def _needs_no_lookup(path):
    """The hot path: a .py, .pyc or suffixless file (while nothing is
    registered) is runpath_spec's own, without any lookup."""
    if path.endswith(_OWN_SUFFIX_TUPLE):
        return True
    dot = path.rfind(".")
    return dot < 0 or path.rfind(_SEP) > dot or path[dot:] in _OWN_SUFFIXES


def _registered_for(name, loaders):
    """A per-call loader (first match: a class, or ``None`` for "none"),
    else the registered one (longest suffix), else ``_UNKNOWN``."""
    for loader_class, suffixes in loaders or ():
        if any(name.endswith(s) for s in check_suffixes(suffixes)):
            return loader_class
    matches = [s for s in _registered if name.endswith(s)]
    return _registered[max(matches, key=len)] if matches else _UNKNOWN


def may_have_loader(path, loaders=None):
    """Could :func:`loader_for` find a custom loader for *path*?  ``False``
    answers without any lookup (a .py, .pyc or suffixless file while
    nothing is registered): the hot path."""
    if loaders or _registered or not path.endswith(_OWN_SUFFIX_TUPLE):
        return True if loaders or _registered else not _needs_no_lookup(path)
    return False


def loader_for(path, loaders=None):
    """The custom loader class for *path*, or ``None`` for runpath_spec's own."""
    if not loaders and not _registered and _needs_no_lookup(path):
        return None
    name = os.path.basename(path)
    found = _registered_for(name, loaders)
    if found is not _UNKNOWN:
        return found
    suffix = os.path.splitext(name)[1]
    if suffix in _OWN_SUFFIXES:
        return None
    cls = _loaded.get(suffix, _UNKNOWN)  # answered before: no lock needed
    if cls is not _UNKNOWN:
        return cls
    return _from_entry_point(suffix)

"""Ask the import system for a file, as if it were being imported.

With ``import_hooks=True`` a script's spec comes from ``sys.meta_path``
(and, through ``PathFinder``, from ``sys.path_hooks``).  The naming rule
(``docs/extending.rst``): the finders are asked first under the *run
name* (``__main__`` for ``run_main`` and the command line), in a path
entry that holds the target file alone, so that a hook choosing modules by
name (typeguard's ``install_import_hook(["__main__"])``) sees the name the
code runs under; only if none claims the file that way are they asked
under the file's own module name (its stem) in its directory, as an import
of it would be (finders that search the file system by name themselves --
coconut's, pyximport's -- answer only that).  A spec is accepted only if
its origin is that very file; the code then comes from that spec's
loader, so a source-transforming hook applies to the main script exactly
as it does to the modules it imports.
"""

import copy
import os
import sys
from importlib.machinery import (SOURCE_SUFFIXES, ModuleSpec,
                                 SourceFileLoader, SourcelessFileLoader)

from . import _trace
from ._cpython import lend_path_entry, return_path_entry, stacklevel_outside
from ._entries import entry_finder
from .errors import ImportHookWarning, RunpathError

__all__ = ["spec_from_import_system", "main_spec_from_import_system",
           "is_module_name", "ImportHookWarning"]


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except (OSError, TypeError, ValueError):
        return False


def is_module_name(name):
    """Is *name* a (dotted) module name a finder can be asked for?"""
    return type(name) is str and all(
        part.isidentifier() for part in name.split("."))


def ask_meta_path(fullname, path):
    """The first spec a ``sys.meta_path`` finder gives, as import would."""
    finders = list(sys.meta_path)
    for i, finder in enumerate(finders):
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            if _trace.on:  # trace: a finder without find_spec
                _trace.note("meta_path", _trace.name_of(finder), "not asked",
                            "it has no find_spec()")
            continue
        spec = find_spec(fullname, path)
        if _trace.on:  # trace: each finder's answer, and who was not asked
            _trace.meta_path_answer(fullname, path, finder, spec,
                                    finders[i + 1:])
        if spec is not None:
            return spec
    return None


def _renamed(spec, name):
    """*spec* as the module *name*: a source or bytecode file loader (of
    any subclass) is copied with that name, so ``__loader__.name`` is the
    run name too; any other loader (an extension's: its name picks its
    init function) keeps the spec as it is."""
    loader = spec.loader
    if not isinstance(loader, (SourceFileLoader, SourcelessFileLoader)) \
            or getattr(loader, "name", None) != spec.name:
        return spec
    loader = copy.copy(loader)
    loader.name = name
    renamed = ModuleSpec(name, loader, origin=spec.origin,
                         loader_state=spec.loader_state)
    renamed.has_location = spec.has_location
    return renamed


class OneFileEntry:
    """The finder of a path entry that holds one module: the target file,
    under the run names being asked for (overlapping runs of the same file
    share it).  It asks the file's own directory (through
    ``sys.path_hooks``, so a path hook's loader -- beartype.claw's, hy's,
    importnb's -- is kept) for the file's stem, and renames the spec."""

    def __init__(self, origin):
        self.origin = origin
        self.names = []  # one item per run asking (list ops are atomic)

    def find_spec(self, fullname, target=None):
        if fullname not in self.names:
            return None
        directory, filename = os.path.split(self.origin)
        finder = entry_finder(directory)
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            return None
        spec = find_spec(filename.split(".", 1)[0])
        if spec is None or spec.loader is None or not spec.origin \
                or not _same_file(spec.origin, self.origin):
            return None
        return _renamed(spec, fullname)

    def invalidate_caches(self):
        """Nothing is cached."""


def _ask_as_run_name(origin, name):
    """``sys.meta_path`` asked for *name* in a path entry holding *origin*
    alone.  ``PathFinder`` (and the finders that wrap it, typeguard's)
    find a path entry's finder only in ``sys.path_importer_cache`` or
    through ``sys.path_hooks``, so the entry's finder is lent there while
    it is asked, and the cache is left as it was found, however runs in
    other threads overlap (``_cpython.lend_path_entry``)."""
    key = origin + os.sep  # no directory there: finders that look find none
    entry = lend_path_entry(key, lambda: OneFileEntry(origin))
    entry.names.append(name)
    try:
        return ask_meta_path(name, [key])
    finally:
        entry.names.remove(name)
        return_path_entry(key)


_IMPORTLIBS_OWN = (SourceFileLoader, SourcelessFileLoader)
_PACKAGE = __name__.rpartition(".")[0] + "."  # "runpath_spec."


def _claims(spec, origin):
    return (spec is not None and spec.loader is not None and spec.origin
            and _same_file(spec.origin, origin))


def _ask(origin, name):
    """``(spec, reason)``: the spec that claims *origin*, else ``None`` and
    why not, in words."""
    directory, filename = os.path.split(origin)
    stem = filename.split(".", 1)[0]
    asked, elsewhere = [], None
    plain = None  # importlib's own loader claimed it under the run name
    if is_module_name(name):
        spec = _ask_as_run_name(origin, name)
        if _claims(spec, origin):
            if type(spec.loader) not in _IMPORTLIBS_OWN:
                return spec, None
            plain = spec  # a hook choosing by file name may still want it
        else:
            asked.append("as {!r} in a path entry holding only it".format(
                name))
            elsewhere = spec
    if stem.isidentifier():
        spec = ask_meta_path(stem, [directory])
        if _claims(spec, origin) and (
                plain is None or type(spec.loader) not in _IMPORTLIBS_OWN):
            return spec, None
    if plain is not None:
        return plain, None
    if stem.isidentifier():
        asked.append("as {!r} in {!r}".format(stem, directory))
        elsewhere = spec or elsewhere
    if elsewhere is not None:
        return None, "the import system finds {!r} at {!r} instead".format(
            elsewhere.name, elsewhere.origin)
    if not asked:
        return None, ("neither its run name {!r} nor its file name {!r} is a "
                      "module name, so no finder was asked".format(name, stem))
    return None, "no finder claims it (asked {})".format(" and ".join(asked))


def _is_python_source(origin):
    suffix = os.path.splitext(origin)[1]
    return not suffix or suffix in (".py", ".pyw") or suffix in SOURCE_SUFFIXES


def spec_from_import_system(origin, name, fallback=None, source=True):
    """The import system's spec for the file *origin*, asked as described
    in the module docstring, or ``None`` after an
    :class:`~runpath_spec.ImportHookWarning` saying why and what runs it
    instead: *fallback* (a custom loader class) or runpath_spec's own
    loader.  A *source* file whose suffix is not Python's is refused
    (:class:`~runpath_spec.RunpathError`) rather than compiled as Python."""
    spec, reason = _ask(origin, name)
    if _trace.on:  # trace: the import system's verdict on the file
        _trace.note("import hooks", origin, "declined" if spec is None else
                    "claimed", reason or _trace.spec_detail(spec))
    if spec is not None:
        return spec
    if fallback is None and source and not _is_python_source(origin):
        raise RunpathError(
            "import hooks not applied to {!r}: {}; expected a finder or a "
            "loader registered for {!r}, found neither, and its suffix is "
            "not Python's".format(origin, reason,
                                  os.path.splitext(origin)[1]), path=origin)
    instead = ("runpath_spec's own loader" if fallback is None else
               "the loader registered for its suffix, {}".format(
                   getattr(fallback, "__qualname__", repr(fallback))))
    import warnings
    warnings.warn(ImportHookWarning(
        "import hooks not applied to {!r}: {}; running it with {}".format(
            origin, reason, instead)), stacklevel=stacklevel_outside(_PACKAGE))
    return None


def main_spec_from_import_system(entry):
    """A meta-path finder's spec for an entry's ``__main__``, or ``None``."""
    spec = ask_meta_path("__main__", [entry])
    inside = os.path.join(entry, "")
    claimed = (spec is not None and spec.loader is not None
               and bool(spec.origin) and spec.origin.startswith(inside))
    if _trace.on:  # trace: the import system's verdict on the entry
        _trace.note("import hooks", entry, "claimed" if claimed else
                    "declined", _trace.spec_detail(spec) if claimed else
                    "no finder on sys.meta_path gave a __main__ inside it: "
                    "the entry's own finder's is kept")
    return spec if claimed else None

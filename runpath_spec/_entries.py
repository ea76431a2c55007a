"""``sys.path`` entries -- directories and zip files -- and their ``__main__``.

An entry's ``__main__`` is looked up with that entry's own path-hook
finder only (runpy searches the whole ``sys.path`` and may run an
unrelated ``__main__``: CPython gh-75221).  :class:`EntryCache` keeps the
finders of entries already seen while the file system object is the same,
so a repeated run neither lists a directory nor reads a zip's index again.
"""

import os
import sys
import zipimport  # loaded by every start-up: free
from importlib.machinery import FileFinder, ModuleSpec, SourceFileLoader

from . import _trace
from ._cpython import (caches_epoch, file_finder_hook_class,
                       refresh_zip_directory, spec_from_file_location)
from ._files import prefill_cached

__all__ = ["no_main", "entry_finder", "zip_hooks", "only_default_hooks",
           "main_spec", "file_key", "EntryCache", "ENTRIES"]


def _is_plain_hook(hook):
    """Is *hook* zipimporter itself, or one that ``FileFinder.path_hook``
    made (with any loaders)?  Both take only what they can open -- a zip
    file, a directory -- and their finders depend on nothing but it."""
    return hook is zipimport.zipimporter or \
        file_finder_hook_class(hook) is FileFinder


#: The ``sys.path_hooks`` that the entry cache's finders came from.
_plain_hooks = []


def only_default_hooks():
    """Are ``sys.path_hooks`` all plain (see :func:`_is_plain_hook`)?

    While they are, :data:`ENTRIES` is used, and it holds only finders
    made by these very hook objects: when the list changes (a hook added,
    removed or replaced), the cache is emptied first.
    """
    global _plain_hooks
    hooks = sys.path_hooks
    if hooks == _plain_hooks:  # compares by identity first: cheap
        return True
    if all(_is_plain_hook(hook) for hook in hooks):
        ENTRIES.clear()  # its finders came from other hooks
        _plain_hooks = list(hooks)
        return True
    return False


def entry_finder(entry, hooks=None):
    """A new finder from the first of ``sys.path_hooks`` that accepts *entry*.

    ``sys.path_importer_cache`` is neither read nor written: its keys may
    be relative paths, which name other places after a ``chdir``, and
    finding a spec must change nothing.
    """
    for hook in (sys.path_hooks if hooks is None else hooks):
        try:
            finder = hook(entry)
        except ImportError as exc:
            if _trace.on:  # trace: a path hook declines
                _trace.note("path hook", _trace.name_of(hook), "declined",
                            "{!r}: {}".format(entry, exc))
            continue
        if _trace.on:  # trace: a path hook claims the entry
            _trace.note("path hook", _trace.name_of(hook), "claimed",
                        "{!r}: finder {}".format(entry,
                                                 _trace.name_of(finder)))
        return finder
    return None


def zip_hooks():
    """``sys.path_hooks`` less FileFinder's: those that may take a file."""
    return [hook for hook in sys.path_hooks
            if file_finder_hook_class(hook) is None]


def fresh_zip_finder(fspath, hooks):
    """:func:`entry_finder` for a zip file not seen in this version: a
    zipimporter then reads the archive's directory anew, since zipimport's
    own cache of it may describe an earlier archive at the same path (the
    same size and mtime, other members: their bytes would run)."""
    finder = entry_finder(fspath, hooks)
    if type(finder) is zipimport.zipimporter:
        refresh_zip_directory(finder)
    return finder


def no_main(entry, detail=None, path=None):
    """The error for an entry without a runnable ``__main__``.

    Its words are runpy's (tools and CPython's tests match them), with the
    cause after a colon when there is more to say.
    """
    from .errors import MainNotFoundError
    msg = "can't find '__main__' module in {!r}".format(entry)
    if detail:
        msg += ": " + detail
    return MainNotFoundError(msg, name="__main__",
                             path=entry if path is None else path)


def _find_main_spec(finder):
    find_spec = getattr(finder, "find_spec", None)
    if find_spec is not None:
        return find_spec("__main__")
    # zipimporter before 3.10 speaks only the PEP 302 protocol.
    from importlib.util import spec_from_loader
    loader = finder.find_module("__main__")
    return None if loader is None else spec_from_loader("__main__", loader)


def _diagnose_zip_main_pyc(finder):
    """Raise the PycError of a zip's own ``__main__.pyc``, if it has one."""
    archive = getattr(finder, "archive", None)
    if archive is None:
        return
    path = os.path.join(archive, getattr(finder, "prefix", ""),
                        "__main__.pyc")
    try:
        data = finder.get_data(path)
    except OSError:
        return
    from .pyc import code_from_pyc
    code_from_pyc(data, name="__main__", path=path)


def main_spec(finder, entry):
    """Find ``__main__`` with *finder* alone, or raise MainNotFoundError."""
    try:
        spec = _find_main_spec(finder)
    except (ImportError, EOFError, ValueError, TypeError) as exc:
        # zipimporter (before 3.10) loads the code to name the file, and a
        # bad __main__.pyc fails there: say what is wrong with it.
        _diagnose_zip_main_pyc(finder)
        raise no_main(entry, str(exc)) from exc
    if _trace.on:  # trace: the entry's own finder, and its __main__
        _trace.note("entry finder", _trace.name_of(finder), "found" if spec
                    is not None and spec.loader is not None else "found "
                    "nothing", "{} in {!r}; the rest of sys.path is not "
                    "searched (gh-75221{})".format(
                        _trace.spec_detail(spec), entry, "" if spec else
                        ": runpy would run {!r}".format(
                            _trace.main_elsewhere(entry))))
    if spec is None or spec.loader is None:
        # runpy chains the ImportError its lookup of __main__ raised.
        raise no_main(entry) from ImportError(
            "No module named __main__", name="__main__")
    archive = getattr(finder, "archive", None)
    if archive is not None and not (spec.origin or "").startswith(archive):
        # zipimporter could not load the code to name its file
        # (origin "<unknown>"): a bad __main__.pyc.
        _diagnose_zip_main_pyc(finder)
        raise no_main(entry, "its code cannot be loaded")
    if spec.submodule_search_locations is not None:
        raise no_main(entry, "'__main__' there is a package, expected a "
                      "module")
    return spec


# importlib's FileFinder matches names case-insensitively on these when
# PYTHONCASEOK is set: its answer may change without the directory changing.
_CASE_INSENSITIVE = sys.platform.startswith(("win", "cygwin", "darwin"))


def _directory_main_spec(loader_path, origin):
    """The spec FileFinder makes of a directory's ``__main__.py``: importlib's
    own ``spec_from_file_location``, with its ``cached`` remembered."""
    spec = spec_from_file_location(
        "__main__", origin, loader=SourceFileLoader("__main__", loader_path),
        submodule_search_locations=None)
    prefill_cached(spec)
    return spec


def _zip_main_spec(finder, origin):
    """The spec zipimporter makes of its ``__main__.py``.

    zipimporter's ``find_spec`` is ``spec_from_file_location(name,
    loader=self)``, which asks ``get_filename`` -- and that compiles the
    source just to name the file.  Given the name remembered, importlib's
    function would make a relative archive path absolute (3.10+), which
    zipimporter's spec does not: so this is its result, field by field.
    """
    spec = ModuleSpec("__main__", finder, origin=origin)
    spec.has_location = True
    prefill_cached(spec)
    return spec


class _Entry:
    """A cached entry's finder, and the ``__main__`` it found last time.

    *main* is ``(origin, loader_path)`` when that ``__main__`` was a plain
    file the next run can take again without asking the finder: a
    directory's ``__main__.py`` (while it is still a file: the directory
    has not changed, or its key would have), or a zip's ``__main__.py``
    (the archive has not changed either).  The spec is then built by
    importlib's ``spec_from_file_location``, as the finder builds it, and a
    zip's source is compiled once per run, not twice (zipimporter compiles
    ``__main__`` just to name its file).
    """

    __slots__ = ("finder", "main")

    def __init__(self, finder):
        self.finder = finder
        self.main = None

    def main_spec(self, entry):
        if self.main is not None:
            origin, loader_path = self.main
            if _trace.on:  # trace: a remembered __main__, finder not asked
                _trace.note("entry finder", _trace.name_of(self.finder),
                            "remembered", "__main__ at {!r}, found by an "
                            "earlier run of the unchanged {!r}: not asked "
                            "again".format(origin, entry))
            if loader_path is None:  # a zip: the finder is the loader
                return _zip_main_spec(self.finder, origin)
            if os.path.isfile(loader_path):  # as FileFinder checks it
                return _directory_main_spec(loader_path, origin)
        spec = main_spec(self.finder, entry)
        self.main = self._memo_of(spec)
        return spec

    def _memo_of(self, spec):
        loader = spec.loader
        # Exact types only: a subclass (an import hook's) may find or load
        # differently next time, so it is always asked again.
        if loader is self.finder:
            if (type(loader) is zipimport.zipimporter
                    and spec.origin.endswith(".py")):
                return spec.origin, None
        elif type(loader) is SourceFileLoader and not _CASE_INSENSITIVE:
            return spec.origin, loader.path
        return None


def file_key(fspath, st):
    """What identifies the file system object at *fspath*, in the version
    the ``stat`` result *st* saw: the path, device, inode, mtime, ctime
    and size (a copy that keeps the mtime cannot keep the ctime), and the
    working directory for a relative path."""
    key = (fspath, st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns,
           st.st_size)
    if fspath[:1] != "/" and not os.path.isabs(fspath):
        key += (os.getcwd(),)
    return key


class EntryCache:
    """Finders of directories and zip files, by what they are on disk.

    The key is :func:`file_key`, so a changed entry is a new key.
    Bounded; used only while ``sys.path_hooks`` are plain
    (:func:`only_default_hooks`, which empties it when they change), since
    a custom hook may answer differently for the same object.
    :func:`importlib.invalidate_caches` empties it too, as it empties the
    import system's own caches (a file system with coarse timestamps).
    """

    SIZE = 64

    def __init__(self):
        self._entries = {}  # file_key -> _Entry
        #: :func:`file_key` of the zip files cached.
        self.zip_files = set()
        self._epoch = None  # (read on first use: 3.8 then starts listening)

    def clear(self):
        self._entries.clear()
        self.zip_files.clear()

    def _current(self):
        """Empty the cache if importlib's caches were invalidated since."""
        epoch = caches_epoch()
        if epoch != self._epoch:
            self.clear()
            self._epoch = epoch

    def _entry(self, key, make):
        """The entry for *key*, made with ``make()`` -> finder if new;
        ``None`` if no finder takes it."""
        cached = self._entries.get(key)
        if cached is not None and _trace.on:  # trace: a remembered finder
            _trace.note("entry cache", key[0], "remembered",
                        "finder {} made by an earlier run while the entry "
                        "is unchanged".format(_trace.name_of(cached.finder)))
        if cached is None:
            finder = make()
            if finder is None:
                return None
            if len(self._entries) >= self.SIZE:
                self.clear()
            cached = self._entries[key] = _Entry(finder)
        return cached

    def directory_spec(self, fspath, st):
        """``__main__`` of the directory *fspath*, or ``None`` if no hook
        takes it."""
        self._current()
        key = file_key(fspath, st)
        cached = self._entries.get(key)  # (the common case, inline)
        if cached is None:
            cached = self._entry(key, lambda: entry_finder(fspath))
        return None if cached is None else cached.main_spec(fspath)

    def known_zip_spec(self, fspath, st):
        """``__main__`` of *fspath* if it is a zip file seen unchanged
        before (checked before the file is even read), else ``None``."""
        self._current()
        key = file_key(fspath, st)
        if key not in self.zip_files:
            return None
        cached = self._entries.get(key)
        return None if cached is None else cached.main_spec(fspath)

    def zip_spec(self, fspath, st, hooks):
        """``__main__`` of the zip file *fspath*, or ``None`` if no hook
        takes it."""
        self._current()
        key = file_key(fspath, st)
        cached = self._entry(key, lambda: fresh_zip_finder(fspath, hooks))
        if cached is None:
            return None
        self.zip_files.add(key)
        return cached.main_spec(fspath)


#: The process's one entry cache.
ENTRIES = EntryCache()

"""Every use of the interpreter's private import machinery, in one place.

importlib re-exports most of these from :mod:`importlib.util`, which
costs milliseconds to import; these come from the modules start-up has
already loaded.  Checked on CPython 3.8-3.15 and PyPy 3.11: each name
exists, with the meaning used here, on all of them.

* ``importlib._bootstrap_external.MAGIC_NUMBER``, ``cache_from_source``
  and ``spec_from_file_location`` (``importlib.util``'s own);
* ``_imp._fix_co_filename(code, path)``: what importlib does to code
  read from a pyc compiled elsewhere, so tracebacks name the real file;
* ``_imp.check_hash_based_pycs``: ``--check-hash-based-pycs``;
* ``importlib._bootstrap_external._classify_pyc``,
  ``_validate_timestamp_pyc`` and ``_compile_bytecode``: the steps of
  ``SourceLoader.get_code`` for a timestamp pyc (3.7+);
* ``ModuleSpec._cached``: unset (``None``) until ``spec.cached`` is first
  computed or assigned;
* before 3.10, ``zipimport._read_directory``, ``_zip_directory_cache`` and
  a zipimporter's ``_files`` (3.10+ has ``zipimporter.invalidate_caches``).

No other module of the package touches a private name of the
interpreter's.  (They do use each other's private names: see the rule
in ``docs/how-it-works.rst``.)
"""

import _imp
import sys
from _operator import attrgetter as _attrgetter

try:
    # CPython: the frozen module importlib._bootstrap_external *is*, there
    # since start-up -- importable even once a program has narrowed
    # sys.path so far that the importlib package is not.
    import _frozen_importlib_external as _bootstrap_external
except ImportError:  # PyPy: a plain module, importlib's own
    from importlib import _bootstrap_external

MAGIC_NUMBER = _bootstrap_external.MAGIC_NUMBER
cache_from_source = _bootstrap_external.cache_from_source
spec_from_file_location = _bootstrap_external.spec_from_file_location

__all__ = ["MAGIC_NUMBER", "cache_from_source", "spec_from_file_location",
           "fix_co_filename",
           "is_importlibs_own", "LoaderSteps",
           "refresh_zip_directory", "thread_local",
           "check_hash_based_pycs", "cached_is_unset",
           "code_from_timestamp_pyc", "import_with_finder",
           "register_command_source"]


def fix_co_filename(code, path):
    """Rename *code* (and its nested code) to *path*, as importlib does."""
    _imp._fix_co_filename(code, path)


def code_from_timestamp_pyc(data, source_mtime, source_size, name, path):
    """The code in *data*, renamed to *path*, if *data* is this
    interpreter's timestamp pyc for a source with *source_mtime* and
    *source_size*; else ``None`` (hash-based, stale or damaged: the loader
    then decides, and speaks).

    importlib's own steps, as ``SourceLoader.get_code`` takes them for a
    pyc it has read -- so that ``python -m`` through runpath_spec need not
    import :mod:`runpath_spec.pyc` (a tenth of its imports) to compare 16
    bytes.
    """
    try:
        if _bootstrap_external._classify_pyc(data, name, {}) != 0:
            return None  # hash-based: the loader's rules
        _bootstrap_external._validate_timestamp_pyc(
            data, int(source_mtime), source_size, name, {})  # (as get_code)
        return _bootstrap_external._compile_bytecode(
            memoryview(data)[16:], name, None, path)  # (importlib's slice)
    except (ImportError, EOFError, ValueError, TypeError):
        # What these steps raise for a damaged or stale pyc (marshal's
        # ValueError and TypeError included), and nothing else: if a
        # CPython release renames or changes them, a test fails instead.
        return None


def register_command_source(code, source):
    """Give ``python -c``'s source to linecache, as CPython 3.13+ does
    (``_PyRun_SimpleStringFlagsWithName`` calls ``linecache._register_code``),
    so that a traceback shows its lines."""
    import linecache
    register = getattr(linecache, "_register_code", None)
    if register is not None:
        # 3.13 keys the entry by the file name (python passes it as the
        # "code"); 3.14+ by each code object in it.
        register(code if LINECACHE_KEYS_BY_CODE else "<string>",
                 source, "<string>")


def check_hash_based_pycs():
    """``"default"``, ``"always"`` or ``"never"``, as the interpreter was told."""
    return _imp.check_hash_based_pycs


def cached_is_unset(spec):
    """Has nobody computed or set ``spec.cached`` yet?  (Reading the
    property would compute it, which is what the caller wants to avoid.)"""
    return getattr(spec, "_cached", 0) is None


# The modules importlib's own loader methods are defined in: frozen into
# CPython, plain on PyPy.
_IMPORTLIB_MODULES = frozenset(["_frozen_importlib_external",
                                "importlib._bootstrap_external"])


def _genuine(cls, name):
    """``cls.name`` if it is importlib's own function, else ``None``."""
    method = getattr(cls, name, None)
    module = getattr(method, "__module__", None)
    return method if module in _IMPORTLIB_MODULES else None


class LoaderSteps:
    """The methods of *cls* that a shortcut past a loader's ``get_code``
    would skip: the shortcut is taken only while they are importlib's own
    (:func:`is_importlibs_own`)."""

    __slots__ = ("cls", "names", "_get", "_methods")

    def __init__(self, cls, names):
        self.cls = cls
        self.names = names
        self._get = _attrgetter(*names)  # (all of them in one C call)
        # The methods as first found to be importlib's own; a method
        # patched later is no longer the same object.
        self._methods = None


def is_importlibs_own(loader, steps):
    """Is *loader* exactly a ``steps.cls`` whose methods ``steps.names``
    are all importlib's own -- not overridden by a subclass, not patched on
    the class (as ``import hy`` patches ``SourceFileLoader.source_to_code``),
    not set on the instance?  Only then may a shortcut skip calling them.
    (The one such predicate: every shortcut past a loader method asks it.)"""
    cls = steps.cls
    if type(loader) is not cls:
        return False
    own = getattr(loader, "__dict__", None)
    if own and not own.keys().isdisjoint(steps.names):
        return False
    methods = steps._methods
    if methods is None:
        found = tuple(_genuine(cls, name) for name in steps.names)
        if None in found:
            return False
        methods = steps._methods = found  # (only ever importlib's own)
    return steps._get(cls) == methods


def refresh_zip_directory(finder):
    """Make a zipimporter read its archive's directory again (3.10+ has
    ``invalidate_caches`` for it; before, the private module cache entry
    is dropped and read again)."""
    invalidate = getattr(finder, "invalidate_caches", None)
    if invalidate is not None:
        invalidate()
        return
    import zipimport
    try:
        files = zipimport._read_directory(finder.archive)
    except zipimport.ZipImportError:
        zipimport._zip_directory_cache.pop(finder.archive, None)
        files = {}
    else:
        zipimport._zip_directory_cache[finder.archive] = files
    finder._files = files


def import_with_finder(fullname, finder):
    """``__import__(fullname)`` with *finder* last on ``sys.meta_path``
    meanwhile (the import system's state: changed here only)."""
    sys.meta_path.append(finder)
    try:
        __import__(fullname)
    finally:
        sys.meta_path.remove(finder)


try:
    # threading.local is this class: taking it from _thread spares every
    # process that runs through the runpy stand-in an import of threading.
    from _thread import _local as thread_local
except ImportError:  # pragma: no cover - an implementation without it
    from threading import local as thread_local


# -- caches, path hooks, borrowed path entries, frames ----------------------
# (_cache, _entries, _hooks: issues #23 and #24.)  Each function names
# the interpreter detail it relies on; all were checked on CPython
# 3.8-3.15 and PyPy 3.11.

from _thread import allocate_lock

from ._versions import LINECACHE_KEYS_BY_CODE, PATHFINDER_EPOCH

# (importlib.machinery's, from the bootstrap module: importable where a
# program has narrowed sys.path.)
FileFinder = _bootstrap_external.FileFinder

__all__ += ["caches_epoch", "file_finder_hook_class", "lend_path_entry",
            "return_path_entry", "stacklevel_outside", "importer_cache_keys",
            "forget_importer_cache_entries"]

class _InvalidationListener:
    """3.8 has no counter of importlib.invalidate_caches() calls: a finder
    that finds nothing joins the end of ``sys.meta_path`` (on first use)
    to count them."""

    _epoch = 0

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        return None

    @classmethod
    def invalidate_caches(cls):
        cls._epoch += 1


# PathFinder.invalidate_caches() -- which importlib.invalidate_caches()
# calls, as it calls every sys.meta_path finder's -- bumps this counter
# (_NamespacePath._epoch, 3.9-3.15 and PyPy 3.11; 3.15 names the class
# NamespacePath and keeps the old name as an alias).
_EPOCH = _bootstrap_external._NamespacePath if PATHFINDER_EPOCH else None


def caches_epoch():
    """A number that changes whenever :func:`importlib.invalidate_caches`
    runs (while importlib's ``PathFinder`` is on ``sys.meta_path``: then
    its path entry finders are invalidated too).  A cache that records it
    and compares it later forgets what importlib's caches forget."""
    if _EPOCH is not None:
        return _EPOCH._epoch
    if _InvalidationListener not in sys.meta_path:
        sys.meta_path.append(_InvalidationListener)
    return _InvalidationListener._epoch


# Every hook FileFinder.path_hook() makes is a closure of this one code
# object, over the free variables ('cls', 'loader_details') -- the same on
# 3.8-3.15 and PyPy 3.11.
_FILE_FINDER_HOOK = FileFinder.path_hook().__code__


def file_finder_hook_class(hook):
    """The class whose ``path_hook()`` made *hook* (``FileFinder`` or a
    subclass), or ``None`` if *hook* is not such a hook.  Such a hook
    takes directories only, and its finder depends on nothing but the
    directory and the loaders it was given."""
    if getattr(hook, "__code__", None) is not _FILE_FINDER_HOOK:
        return None
    cells = dict(zip(_FILE_FINDER_HOOK.co_freevars, hook.__closure__))
    return cells["cls"].cell_contents


_lent_lock = allocate_lock()
_lent = {}  # key -> [finder, users, (had a value before, that value)]


def lend_path_entry(key, make_finder):
    """Make ``sys.path_importer_cache[key]`` a finder, for as long as the
    caller is asking ``sys.meta_path`` through *key*: ``PathFinder`` (and
    finders that wrap it) then use that finder for the path entry *key*.
    Overlapping callers (threads) with the same *key* share the first
    one's ``make_finder()``; the last to :func:`return_path_entry` puts
    back what was there before, so the cache ends as it was found."""
    with _lent_lock:
        lent = _lent.get(key)
        if lent is None:
            cache = sys.path_importer_cache
            before = (key in cache, cache.get(key))
            lent = _lent[key] = [make_finder(), 0, before]
            cache[key] = lent[0]
        lent[1] += 1
        return lent[0]


def return_path_entry(key):
    """The end of one :func:`lend_path_entry`."""
    with _lent_lock:
        lent = _lent[key]
        lent[1] -= 1
        if lent[1]:
            return
        del _lent[key]
        had, value = lent[2]
        if had:  # pragma: no cover - nobody caches a file's path + a slash
            sys.path_importer_cache[key] = value
        else:
            sys.path_importer_cache.pop(key, None)


def stacklevel_outside(package):
    """The ``stacklevel`` that makes a warning the caller of this function
    raises point at the first frame whose module is not in *package*
    (``"runpath_spec."``): the program's line, however many of the
    package's frames lie between.  (``sys._getframe`` and ``f_back``,
    CPython and PyPy.)"""
    frame = sys._getframe(2)  # the caller of warnings.warn's caller
    level = 2
    while frame is not None and frame.f_globals.get(
            "__name__", "").startswith(package):
        frame = frame.f_back
        level += 1
    return level


def importer_cache_keys():
    """The entries ``sys.path_importer_cache`` has now (the import
    system's state: read here only)."""
    return set(sys.path_importer_cache)


def forget_importer_cache_entries(before):
    """Forget the path entry finders cached since *before*
    (:func:`importer_cache_keys`): a fresh interpreter would find those
    entries afresh."""
    cache = sys.path_importer_cache
    for key in set(cache) - before:
        cache.pop(key, None)

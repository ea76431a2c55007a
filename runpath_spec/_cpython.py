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
from importlib import _bootstrap_external
from importlib._bootstrap_external import (MAGIC_NUMBER, cache_from_source,
                                           spec_from_file_location)

__all__ = ["MAGIC_NUMBER", "cache_from_source", "spec_from_file_location",
           "fix_co_filename",
           "is_importlibs_own", "is_plain_source_file_loader",
           "refresh_zip_directory", "thread_local",
           "check_hash_based_pycs", "cached_is_unset",
           "code_from_timestamp_pyc", "register_command_source"]


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
    except Exception:  # ImportError, EOFError, marshal's ValueError...
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
        register(code if sys.version_info >= (3, 14) else "<string>",
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


def is_importlibs_own(loader, cls, names):
    """Is *loader* exactly a *cls* whose methods *names* are all importlib's
    own -- not overridden by a subclass, not patched on the class (as
    ``import hy`` patches ``SourceFileLoader.source_to_code``), not set on
    the instance?  Only then may a shortcut skip calling them."""
    if type(loader) is not cls:
        return False
    own = getattr(loader, "__dict__", None)
    for name in names:
        if own and name in own:
            return False
        if _genuine(cls, name) is None:
            return False
    return True


def _source_file_loader_methods():
    from importlib.machinery import SourceFileLoader
    return SourceFileLoader, tuple(
        _genuine(SourceFileLoader, name) for name in
        ("get_code", "get_data", "path_stats", "source_to_code",
         "get_filename"))


# importlib's own methods as they were when this module was imported, each
# None if it was not importlib's own even then.
_SFL, (_GET_CODE, _GET_DATA, _PATH_STATS, _SOURCE_TO_CODE,
       _GET_FILENAME) = _source_file_loader_methods()


def is_plain_source_file_loader(loader):
    """:func:`is_importlibs_own` for a ``SourceFileLoader`` and every
    method a shortcut past ``get_code`` skips (get_code, get_data,
    path_stats, source_to_code, get_filename), written out: this runs on
    every directory, zip-less entry and module run.  An instance with more
    than its ``name`` and ``path`` (a method set on it, say) is not plain."""
    cls = _SFL
    return (type(loader) is cls and len(loader.__dict__) == 2
            and cls.get_code is _GET_CODE is not None
            and cls.source_to_code is _SOURCE_TO_CODE is not None
            and cls.get_data is _GET_DATA is not None
            and cls.path_stats is _PATH_STATS is not None
            and cls.get_filename is _GET_FILENAME is not None)


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


try:
    # threading.local is this class: taking it from _thread spares every
    # process that runs through the runpy stand-in an import of threading.
    from _thread import _local as thread_local
except ImportError:  # pragma: no cover - an implementation without it
    from threading import local as thread_local

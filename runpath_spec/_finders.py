"""Targets to specs: a path or a module name becomes a ``ModuleSpec``.

Nothing here runs the target or changes ``sys.path``, ``sys.argv`` or
``sys.modules`` (except that :func:`spec_from_module`, like ``python -m``,
imports the parent packages of a dotted name first).

A path is one of:

* a ``sys.path`` entry -- a directory, a zip file of any suffix, or a path
  inside one (``app.zip/sub``) -- whose ``__main__`` is looked up with that
  entry's own path-hook finder only (runpy searches the whole ``sys.path``
  and may run an unrelated ``__main__``: CPython gh-75221);
* a file whose first four bytes are this interpreter's magic number:
  bytecode, whatever its name;
* anything else: source text, whatever its suffix.
"""

import io
import os
import stat
import sys
from importlib.machinery import ModuleSpec, SourceFileLoader
# importlib.util (which re-exports it) costs milliseconds to import.
from importlib._bootstrap_external import MAGIC_NUMBER

from ._loaders import (BytecodeScriptLoader, ScriptState, SourceScriptLoader,
                       code_for_spec, prefill_cached)
from ._plugins import loader_for
from .errors import (BadPathError, BadZipError, MainNotFoundError,
                     NotRegularFileError, PycError, RunpathError)

__all__ = ["spec_from_path", "spec_from_module", "ScriptState"]

# zipimporter gives up unless the end-of-central-directory record is in the
# last 22 bytes plus the longest possible archive comment.
_EOCD = b"PK\x05\x06"
_LOCAL_HEADER = b"PK\x03\x04"  # how a zip file (not a zipapp) starts
_EOCD_WINDOW = 22 + 0xFFFF
_BYTECODE_SUFFIXES = frozenset([".pyc", ".pyo"])


class PathTarget:
    """What a path turned out to be: *kind*, its *spec*, and the *entry*.

    *kind* is ``"source"``, ``"bytecode"``, ``"directory"`` or ``"zip"``;
    *entry* is the decoded ``sys.path`` entry for the last two, else ``None``.
    """

    __slots__ = ("kind", "spec", "entry")

    def __init__(self, kind, spec, entry=None):
        self.kind = kind
        self.spec = spec
        self.entry = entry


# -- sys.path entries --------------------------------------------------------

def _is_default_hook(hook):
    """True for the two hooks CPython installs: zipimporter and FileFinder's."""
    zipimport = sys.modules.get("zipimport")
    if zipimport is not None and hook is zipimport.zipimporter:
        return True
    return getattr(hook, "__qualname__", "").endswith(
        "path_hook_for_FileFinder")


def _entry_finder(entry, hooks=None):
    """A new finder from the first of ``sys.path_hooks`` that accepts *entry*.

    ``sys.path_importer_cache`` is neither read nor written: its keys may
    be relative paths, which name other places after a ``chdir``, and
    finding a spec must change nothing.
    """
    for hook in (sys.path_hooks if hooks is None else hooks):
        try:
            return hook(entry)
        except ImportError:
            continue
    return None


def _zip_hooks():
    zipimport = sys.modules.get("zipimport")
    if zipimport is None:  # pragma: no cover - CPython always has it
        import zipimport
    return [hook for hook in sys.path_hooks
            if hook is zipimport.zipimporter or not _is_default_hook(hook)]


def no_main(entry, detail=None, path=None):
    """The error for an entry without a runnable ``__main__``.

    Its words are runpy's (tools and CPython's tests match them), with the
    cause after a colon when there is more to say.
    """
    msg = "can't find '__main__' module in {!r}".format(entry)
    if detail:
        msg += ": " + detail
    return MainNotFoundError(msg, name="__main__",
                             path=entry if path is None else path)


def _main_spec(finder, entry):
    """Find ``__main__`` with *finder* alone, or raise MainNotFoundError."""
    try:
        spec = _find_main_spec(finder)
    except (ImportError, EOFError, ValueError, TypeError) as exc:
        # zipimporter (before 3.10) loads the code to name the file, and a
        # bad __main__.pyc fails there: say what is wrong with it.
        _diagnose_zip_main_pyc(finder)
        raise no_main(entry, str(exc)) from exc
    if spec is None or spec.loader is None:
        raise no_main(entry)
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


# -- plain files -------------------------------------------------------------

def _is_foreign_bytecode(data):
    """Another CPython release's magic number, followed by binary data."""
    if data[2:4] != b"\r\n" or b"\0" not in data[4:]:
        return False
    from .pyc import python_version_for_magic
    return python_version_for_magic(data[:4]) is not None


def _is_decodable_source(data):
    if b"\0" in data:
        return False
    from importlib.util import decode_source
    try:
        decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return False
    return True


def _classify_file(data, fspath):
    """``"source"`` or ``"bytecode"``; raises PycError for bytecode we refuse."""
    if data.startswith(MAGIC_NUMBER):
        return "bytecode"
    # (startswith and one-character slices allocate nothing: this runs on
    # every run of a script.)
    named_bytecode = (fspath[-1:] in "cCoO"
                      and fspath[-4:].lower() in _BYTECODE_SUFFIXES)
    if not named_bytecode and not data.startswith(b"\r\n", 2):
        return "source"  # the common case: no release's magic number
    if named_bytecode and MAGIC_NUMBER.startswith(data):
        # An empty or cut-off pyc (python itself refuses it, and runpy would
        # run an empty file as empty source).
        from .errors import TruncatedPycError
        raise TruncatedPycError(
            "{!r} is truncated: expected a 16-byte pyc header, got {} "
            "bytes".format(fspath, len(data)), path=fspath)
    if _is_foreign_bytecode(data) or (named_bytecode
                                      and not _is_decodable_source(data)):
        # Compiling another release's bytecode as text can only fail, and
        # with a confusing "null bytes" error: say what the file really is.
        from .pyc import classify_pyc
        classify_pyc(data, name=None, path=fspath)
        raise PycError(  # pragma: no cover - classify_pyc always raises here
            "{!r} is not valid bytecode".format(fspath), path=fspath)
    return "source"


def _read_all(fspath):
    with io.open_code(fspath) as f:
        return f.read()


def _read_candidate(fspath, size):
    """Read a regular file once: ``(data, looks_like_zip)``.

    A large file is first checked for a zip directory at its end (then
    ``data`` is ``None``, as it has not been read yet: a zip file may be
    large, and zipimport reads only its index).
    """
    with io.open_code(fspath) as f:
        if size > _EOCD_WINDOW:
            f.seek(size - _EOCD_WINDOW)
            if _EOCD in f.read():
                return None, True
            f.seek(0)
            return f.read(), False
        # One unbuffered read of the size stat gave, plus one byte to see
        # the end: cheaper than read()'s own fstat, copy and second read.
        raw = f.raw if type(f) is io.BufferedReader else f
        data = raw.read(size + 1)
        if len(data) != size:  # it changed meanwhile, or the read was short
            data += raw.read()
    return data, _EOCD in data


# Finders of directories and zip files, reused while the file system object
# is the same (device, inode; for a zip also mtime and size), so a repeated
# run does not list the directory or read the zip's index again.  Bounded,
# and used only while sys.path_hooks are CPython's own.
_FINDER_CACHE_SIZE = 64
_finder_cache = {}  # key -> _CachedEntry
_zip_files = set()  # (dev, inode, mtime, size) of the zip files cached
# importlib's FileFinder matches names case-insensitively on these when
# PYTHONCASEOK is set: its answer may change without the directory changing.
_CASE_INSENSITIVE = sys.platform.startswith(("win", "cygwin", "darwin"))


class _CachedEntry:
    """A sys.path entry's finder, and the ``__main__`` it found last time.

    *main* is ``(origin, loader_path)`` when that ``__main__`` was a plain
    file the next run can take again without asking the finder: a
    directory's ``__main__.py`` (while it is still a file: the directory
    has not changed, or its key would have), or a zip's ``__main__.py``
    (the archive has not changed either).  The spec is then built as the
    finder builds it, and the zip's source is compiled once per run, not
    twice (zipimporter compiles ``__main__`` just to name its file).
    """

    __slots__ = ("finder", "main")

    def __init__(self, finder):
        self.finder = finder
        self.main = None

    def main_spec(self, entry):
        main = self.main
        if main is not None:
            origin, loader_path = main
            finder = self.finder
            if loader_path is None:  # a zip: the finder is the loader
                return _file_spec("__main__", finder, origin)
            if os.path.isfile(loader_path):  # as FileFinder checks it
                return _file_spec("__main__", SourceFileLoader(
                    "__main__", loader_path), origin)
        spec = _main_spec(self.finder, entry)
        self.main = _memo_of(spec, self.finder)
        return spec


def _file_spec(name, loader, origin):
    """What ``spec_from_file_location`` makes of a module file."""
    spec = ModuleSpec(name, loader, origin=origin)
    spec.has_location = True
    prefill_cached(spec)
    return spec


def _memo_of(spec, finder):
    loader = spec.loader
    if loader is finder:
        zipimport = sys.modules.get("zipimport")
        if (zipimport is not None and type(finder) is zipimport.zipimporter
                and spec.origin.endswith(".py")):
            return spec.origin, None
    elif type(loader) is SourceFileLoader and not _CASE_INSENSITIVE:
        return spec.origin, loader.path
    return None


def _cache_key(fspath, st):
    key = (fspath, st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    if not os.path.isabs(fspath):
        key += (os.getcwd(),)
    return key


def _cached_entry(key, make):
    """The cached entry for *key*, made with ``make()`` -> finder if new;
    ``None`` if no finder takes it."""
    cached = _finder_cache.get(key)
    if cached is None:
        finder = make()
        if finder is None:
            return None
        if len(_finder_cache) >= _FINDER_CACHE_SIZE:
            _finder_cache.clear()
            _zip_files.clear()
        cached = _finder_cache[key] = _CachedEntry(finder)
    return cached


_default_hooks = []


def _only_default_hooks():
    """Are ``sys.path_hooks`` CPython's own two (zipimporter, FileFinder)?"""
    global _default_hooks
    hooks = sys.path_hooks
    if hooks == _default_hooks:  # compares by identity first: cheap
        return True
    if all(_is_default_hook(hook) for hook in hooks):
        _default_hooks = list(hooks)
        return True
    return False


_POSIX_PATHS = os.sep == "/" and os.altsep is None


def _absolute(path):
    """``os.path.abspath``, skipping its normalising when none is needed."""
    if (not _POSIX_PATHS or "/." in path or "//" in path
            or path.endswith("/") or path.startswith(".")):
        return os.path.abspath(path)
    return path if path.startswith("/") else os.path.join(os.getcwd(), path)


def _file_type(mode):
    for test, name in ((stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"  # pragma: no cover - no other kinds on POSIX


def _find_path(path_name, name="__main__", code_filename=None,
               check_source=False, import_hooks=False, loaders=None,
               cache=False):
    """The :class:`PathTarget` for *path_name* (see the module docstring)."""
    fspath = path_name if type(path_name) is str else os.fsdecode(path_name)
    if "\0" in fspath:
        raise BadPathError(
            "path {!r} contains a NUL character: expected a file system "
            "path".format(fspath), path=fspath)
    custom = loader_for(fspath, loaders, os.path.isdir)  # never a directory
    if custom is not None:
        origin = os.path.abspath(fspath)
        spec = ModuleSpec(name, custom(name, origin), origin=origin,
                          loader_state=ScriptState("custom", path_name))
        spec.has_location = True
        return PathTarget("custom", spec)
    target = _find_builtin(fspath, path_name, name, code_filename,
                           check_source, cache)
    if import_hooks:
        from ._hooks import (main_spec_from_import_system,
                             spec_from_import_system)
        if target.entry is not None:
            hooked = main_spec_from_import_system(target.entry)
            if hooked is not None:
                return PathTarget(target.kind, hooked, target.entry)
        else:
            hooked = spec_from_import_system(target.spec.origin)
            if hooked is not None:
                hooked._runpath_script = ScriptState("hook", path_name)
                return PathTarget("hook", hooked)
    return target


def _find_builtin(fspath, path_name, name, code_filename, check_source,
                  cache=False):
    """:func:`_find_path` with runpath_spec's own finders and loaders.

    One ``stat`` decides the kind (a device is refused before it is
    opened), one open reads a file, once.
    """
    default_hooks = _only_default_hooks()
    if not default_hooks:
        # A custom path hook may accept any path: ask them all first.
        finder = _entry_finder(fspath)
        if finder is not None:
            kind = "directory" if os.path.isdir(fspath) else "zip"
            return PathTarget(kind, _main_spec(finder, fspath), fspath)
    try:
        st = os.stat(fspath)
    except (FileNotFoundError, NotADirectoryError):
        # Perhaps a path inside a zip file (app.zip/sub).
        finder = _entry_finder(fspath, _zip_hooks())
        if finder is not None:
            return PathTarget("zip", _main_spec(finder, fspath), fspath)
        raise
    mode = st.st_mode
    file_type = stat.S_IFMT(mode)
    if file_type == stat.S_IFDIR:
        if default_hooks:
            cached = _cached_entry(_cache_key(fspath, st),
                                   lambda: _entry_finder(fspath))
            if cached is not None:
                return PathTarget("directory", cached.main_spec(fspath),
                                  fspath)
            finder = None
        else:
            finder = _entry_finder(fspath)
        if finder is None:
            raise IsADirectoryError(
                21, "is a directory, and no sys.path hook accepts it "
                "(expected a file or a directory with a finder)", fspath)
        return PathTarget("directory", _main_spec(finder, fspath), fspath)
    if file_type == stat.S_IFREG:
        if default_hooks and _zip_files and (
                st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size) in _zip_files:
            cached = _finder_cache.get(_cache_key(fspath, st))
            if cached is not None:
                return PathTarget("zip", cached.main_spec(fspath), fspath)
        data, maybe_zip = _read_candidate(fspath, st.st_size)
        if maybe_zip:
            hooks = _zip_hooks()
            if default_hooks:
                cached = _cached_entry(_cache_key(fspath, st),
                                       lambda: _entry_finder(fspath, hooks))
                if cached is not None:
                    _zip_files.add((st.st_dev, st.st_ino, st.st_mtime_ns,
                                    st.st_size))
                    return PathTarget("zip", cached.main_spec(fspath),
                                      fspath)
            else:
                finder = _entry_finder(fspath, hooks)
                if finder is not None:
                    return PathTarget("zip", _main_spec(finder, fspath),
                                      fspath)
            if data is None:  # a large file that merely looked like a zip
                data = _read_all(fspath)
    elif file_type == stat.S_IFIFO:
        data = _read_all(fspath)  # a pipe: never a zip, and read only once
    else:
        raise NotRegularFileError(
            "{!r} is a {}: expected a regular file, a FIFO, a directory or "
            "a zip file".format(fspath, _file_type(mode)), path=fspath)
    if data.startswith(_LOCAL_HEADER):
        # Not source (control characters), and no zipimporter takes it.
        raise BadZipError(
            "{!r} starts like a zip file but is not a valid one: expected an "
            "archive with a central directory".format(fspath), path=fspath)
    kind = _classify_file(data, fspath)
    origin = _absolute(fspath)
    display = fspath if code_filename is None else code_filename
    state = ScriptState(kind, path_name)
    if kind == "bytecode":
        loader = BytecodeScriptLoader(name, origin, data, display,
                                      check_source=check_source)
        spec = ModuleSpec(name, loader, origin=origin, loader_state=state)
        spec.cached = origin
    else:
        loader = SourceScriptLoader(name, origin, data, display, cache=cache)
        spec = ModuleSpec(name, loader, origin=origin, loader_state=state)
        if cache:
            from ._cache import cache_path
            spec.cached = cache_path(origin)
    spec.has_location = True
    return PathTarget(kind, spec)


def spec_from_path(path, name="__main__", *, check_source=False,
                   import_hooks=False, loaders=None, cache=False):
    """The spec that running *path* would execute, without running it.

    *path* is a ``str``, ``bytes`` or ``os.PathLike``: a script (any
    suffix), a compiled file, a directory or zip file with a
    ``__main__``, or a path inside a zip file.  For a plain file the spec
    is named *name*, its origin is the absolute path, and its loader is a
    :class:`~runpath_spec.SourceScriptLoader` or
    :class:`~runpath_spec.BytecodeScriptLoader` holding the bytes it has
    already read (a FIFO is read exactly once).  For an entry it is the
    spec that entry's own finder gives ``__main__``.

    A file is bytecode when its first four bytes are this interpreter's
    magic number, whatever its name; a ``.pyc``/``.pyo`` file that is
    neither that nor decodable source, or any file that starts with
    another CPython release's magic number, raises
    :class:`~runpath_spec.PycError` (:class:`~runpath_spec.BadMagicError`,
    :class:`~runpath_spec.TruncatedPycError`...) instead of being
    compiled as text.  With *check_source*, the bytecode is checked
    against its source when that can be found, and a stale pyc raises
    :class:`~runpath_spec.StalePycError` when its code is asked for.

    *loaders* (``[(loader_class, suffixes), ...]``) and loaders registered
    with :func:`~runpath_spec.register_loader` or through the entry-point
    group ``runpath_spec.loaders`` take files with their suffixes.  With
    *import_hooks*, the spec comes from the import system (``sys.meta_path``
    and ``sys.path_hooks``) when a finder there claims the very file; if
    none does, a :class:`~runpath_spec.ImportHookWarning` says so and
    runpath_spec's own loader is used.  With *cache*, a source file's code
    comes from the bytecode cache (see :func:`~runpath_spec.run_path`) and
    ``spec.cached`` names its file.

    Raises :class:`OSError` for a path that cannot be read and
    :class:`~runpath_spec.MainNotFoundError` for an entry without
    ``__main__``.
    """
    return _find_path(path, name, check_source=check_source,
                      import_hooks=import_hooks, loaders=loaders,
                      cache=cache).spec


# -- module names ------------------------------------------------------------

def _error(error, msg, name=None, path=None):
    if isinstance(error, type) and issubclass(error, ImportError):
        return error(msg, name=name, path=path)
    return error(msg)


def _no_code_reason(spec):
    import _imp
    from importlib.machinery import (BuiltinImporter, ExtensionFileLoader,
                                     FrozenImporter)
    loader = spec.loader
    if loader is BuiltinImporter or isinstance(loader, BuiltinImporter):
        return "it is a built-in module, compiled into the interpreter"
    if isinstance(loader, ExtensionFileLoader):
        return "it is an extension module ({!r}), not Python code".format(
            spec.origin)
    if loader is FrozenImporter or isinstance(loader, FrozenImporter):
        return "it is a frozen module without code"  # pragma: no cover
    del _imp
    return "its loader {!r} returned None from get_code()".format(loader)


_util = None


def module_details(mod_name, error=ImportError):
    """runpy's ``_get_module_details``: ``(name, spec, code)`` for *mod_name*.

    The rules and messages are runpy's; where runpy's message leaves out
    the cause, the cause is appended.  *error* is the class raised for a
    target that cannot run (``ImportError``, or runpy's ``_Error``).
    """
    if not isinstance(mod_name, str):
        raise TypeError("module name must be str, not {}".format(
            type(mod_name).__name__))
    if mod_name.startswith("."):
        raise _error(error, "Relative module names not supported: got {!r}, "
                     "expected an absolute module name".format(mod_name),
                     name=mod_name)
    pkg_name, _, _ = mod_name.rpartition(".")
    if pkg_name:
        # Import the parent first, so that its own errors are not mistaken
        # for the module's absence.
        try:
            __import__(pkg_name)
        except ImportError as e:
            # A missing parent is reported by find_spec() below; any other
            # ImportError is the parent's own failure, raised as it is.
            if e.name is None or (e.name != pkg_name and
                                  not pkg_name.startswith(e.name + ".")):
                raise
        existing = sys.modules.get(mod_name)
        if existing is not None and not hasattr(existing, "__path__"):
            from warnings import warn
            msg = "{mod_name!r} found in sys.modules after import of " \
                "package {pkg_name!r}, but prior to execution of " \
                "{mod_name!r}; this may result in unpredictable " \
                "behaviour".format(mod_name=mod_name, pkg_name=pkg_name)
            warn(RuntimeWarning(msg))
    global _util
    if _util is None:  # importlib.util is costly to import: on first use
        import importlib.util as _util
    try:
        # Looked up on each call, as runpy does, so that a patch applies.
        spec = _util.find_spec(mod_name)
    except (ImportError, AttributeError, TypeError, ValueError) as ex:
        msg = "Error while finding module specification for {!r} ({}: {})"
        if mod_name.endswith(".py"):
            msg += (f". Try using '{mod_name[:-3]}' instead of "
                    f"'{mod_name}' as the module name.")
        raise _error(error, msg.format(mod_name, type(ex).__name__, ex),
                     name=mod_name) from ex
    if spec is None:
        raise _error(error, "No module named %s" % mod_name, name=mod_name)
    prefill_cached(spec)
    if spec.submodule_search_locations is not None:
        if mod_name == "__main__" or mod_name.endswith(".__main__"):
            raise _error(error, "Cannot use package as __main__ module",
                         name=mod_name, path=spec.origin)
        try:
            pkg_main_name = mod_name + ".__main__"
            return module_details(pkg_main_name, error)
        except error as e:
            if mod_name not in sys.modules:
                raise  # No module loaded; being a package is irrelevant
            what = ("a namespace package" if spec.origin is None
                    else "a package")
            raise _error(error, ("%s; %r is %s and cannot " +
                                 "be directly executed") % (e, mod_name, what),
                         name=mod_name, path=spec.origin)
    loader = spec.loader
    if loader is None:
        raise _error(error, "%r is a namespace package and cannot be executed"
                     % mod_name, name=mod_name)
    try:
        code = code_for_spec(spec, mod_name)
    except PycError as e:
        raise e if isinstance(e, error) else _error(error, format(e)) from e
    except ImportError as e:
        raise _error(error, format(e), name=mod_name,
                     path=spec.origin) from e
    if code is None:
        raise _error(error, "No code object available for %s: %s" % (
            mod_name, _no_code_reason(spec)), name=mod_name, path=spec.origin)
    return mod_name, spec, code


def spec_from_module(mod_name):
    """The spec ``run_module(mod_name)`` (or ``python -m``) would execute.

    runpy's rules: parent packages are imported first; a package runs its
    ``__main__`` submodule; relative names and namespace packages are
    refused; a :class:`RuntimeWarning` says when the module is already in
    ``sys.modules``.  Errors are :class:`~runpath_spec.RunpathError`
    (an :class:`ImportError`) with ``name`` and ``path`` set.
    """
    return module_details(mod_name, RunpathError)[1]

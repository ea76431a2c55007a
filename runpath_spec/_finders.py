"""Targets to specs: a path becomes a ``ModuleSpec``.

Nothing here runs the target or changes ``sys.path``, ``sys.argv`` or
``sys.modules``.  A path is one of:

* a ``sys.path`` entry -- a directory, a zip file of any suffix, or a path
  inside one (``app.zip/sub``) -- whose ``__main__`` is found by that
  entry's own finder (see ``_entries``);
* a file whose first four bytes are this interpreter's magic number:
  bytecode, whatever its name;
* anything else: source text, whatever its suffix.

:func:`find_path` is the hub: one ``stat`` decides the kind (a device is
refused before it is opened), one open reads a file, once; then one small
builder per kind makes the spec.  Custom loaders (by suffix) and the
import system (``import_hooks=True``) are consulted as documented in
``docs/extending.rst``.
"""

import io
import os
import stat
import sys
from importlib.machinery import ModuleSpec

from . import _trace
from ._cpython import MAGIC_NUMBER
from ._entries import (ENTRIES, entry_finder, main_spec,
                       only_default_hooks, zip_hooks)
from ._kinds import (BYTECODE, CUSTOM, DIRECTORY, HOOK, HOOKED_DIRECTORY,
                     HOOKED_ZIP, SOURCE, ZIP)
from ._loaders import BytecodeScriptLoader, SourceScriptLoader
from ._plugins import loader_for, may_have_loader
from ._profiles import SPEC, ScriptState

__all__ = ["PathTarget", "FindOptions", "DEFAULT_OPTIONS", "find_options",
           "find_path",
           "spec_from_path"]

# zipimporter gives up unless the end-of-central-directory record is in the
# last 22 bytes plus the longest possible archive comment.
_EOCD = b"PK\x05\x06"
_LOCAL_HEADER = b"PK\x03\x04"  # how a zip file (not a zipapp) starts
_EOCD_WINDOW = 22 + 0xFFFF
_BYTECODE_SUFFIXES = frozenset([".pyc", ".pyo"])


class FindOptions:
    """How a path is found and read, one object wherever it goes: the
    keywords of the same names of :func:`~runpath_spec.run_path`,
    :func:`~runpath_spec.spec_from_path` and :class:`~runpath_spec.MainTarget`."""

    __slots__ = ("check_source", "import_hooks", "loaders", "cache")

    def __init__(self, check_source=False, import_hooks=False, loaders=None,
                 cache=False):
        self.check_source = check_source
        self.import_hooks = import_hooks
        self.loaders = loaders
        self.cache = cache

    def __repr__(self):
        return ("FindOptions(check_source={!r}, import_hooks={!r}, "
                "loaders={!r}, cache={!r})".format(
                    self.check_source, self.import_hooks, self.loaders,
                    self.cache))


DEFAULT_OPTIONS = FindOptions()


def find_options(check_source=False, import_hooks=False, loaders=None,
                 cache=False):
    """The :class:`FindOptions` of these keywords (the shared default
    object when all are off: the common run makes none)."""
    if check_source or import_hooks or loaders or cache:
        return FindOptions(check_source, import_hooks, loaders, cache)
    return DEFAULT_OPTIONS


class PathTarget:
    """What a path turned out to be: *kind*, its *spec*, and the *entry*.

    *kind* is a :class:`~._kinds.Kind`: ``SOURCE`` or ``BYTECODE`` (a plain
    file, runpath_spec's own loaders), ``DIRECTORY`` or ``ZIP`` (a
    ``sys.path`` entry's ``__main__``; ``HOOKED_DIRECTORY``/``HOOKED_ZIP``
    where an import hook claimed it), ``CUSTOM`` (a loader registered for
    the suffix) or ``HOOK`` (a spec the import system gave,
    ``import_hooks=True``); *entry* is the decoded ``sys.path`` entry of a
    directory or zip, else ``None``.
    """

    __slots__ = ("kind", "spec", "entry")

    def __init__(self, kind, spec, entry=None):
        self.kind = kind
        self.spec = spec
        self.entry = entry


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


def _classify_file(data, fspath, name):
    """SOURCE or BYTECODE; raises PycError for bytecode we refuse."""
    if data.startswith(MAGIC_NUMBER):
        return BYTECODE
    # (startswith and one-character slices allocate nothing: this runs on
    # every run of a script.)
    named_bytecode = (fspath[-1:] in "cCoO"
                      and fspath[-4:].lower() in _BYTECODE_SUFFIXES)
    if not named_bytecode and not data.startswith(b"\r\n", 2):
        return SOURCE  # the common case: no release's magic number
    if named_bytecode and MAGIC_NUMBER.startswith(data):
        # An empty or cut-off pyc (python itself refuses it, and runpy would
        # run an empty file as empty source).
        from .pyc import truncated_error
        raise truncated_error(fspath, len(data), name=name, path=fspath)
    if _is_foreign_bytecode(data) or (named_bytecode
                                      and not _is_decodable_source(data)):
        # Compiling another release's bytecode as text can only fail, and
        # with a confusing "null bytes" error: say what the file really is.
        from .errors import PycError
        from .pyc import classify_pyc
        classify_pyc(data, name=name, path=fspath)
        raise PycError(  # pragma: no cover - classify_pyc always raises here
            "{!r} is not valid bytecode".format(fspath), name=name,
            path=fspath)
    return SOURCE


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


_POSIX_PATHS = os.sep == "/" and os.altsep is None


def _absolute(path):
    """``os.path.abspath(path)``: on POSIX, a path with nothing for
    ``normpath`` to do (no ``.``/``..`` part, no doubled or trailing
    slash) is joined to the working directory without it -- the same
    result, for 2% of a one-line script's run."""
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



# -- one builder per kind ----------------------------------------------------

def _custom_target(fspath, path_name, name, loaders):
    """A file whose suffix has a custom loader, else ``None``.  Custom
    loaders take files only: a directory named ``conf.d`` never looks one
    up (nor imports a plug-in for ``.d``)."""
    if not may_have_loader(fspath, loaders) or os.path.isdir(fspath):
        if _trace.on:  # trace: plug-ins not asked, and why
            _trace.note("plug-in", fspath, "not asked",
                        "a directory: custom loaders take files only"
                        if os.path.isdir(fspath) else "its suffix is "
                        "runpath_spec's own and no loader is registered")
        return None
    custom = loader_for(fspath, loaders)
    if _trace.on:  # trace: the plug-ins' answer
        _trace.note("plug-in", fspath, "declined" if custom is None
                    else "claimed", "no custom loader for its suffix"
                    if custom is None else _trace.name_of(custom))
    if custom is None:
        return None
    origin = os.path.abspath(fspath)
    spec = ModuleSpec(name, custom(name, origin), origin=origin,
                      loader_state=ScriptState(CUSTOM, path_name))
    spec.has_location = True
    return PathTarget(CUSTOM, spec)


def _hooked_target(target, path_name, name, custom):
    """With ``import_hooks``: the import system's spec for *target*'s file
    or entry if it claims it, else the *custom* target (a loader for the
    suffix) or *target* (runpath_spec's own)."""
    from ._hooks import main_spec_from_import_system, spec_from_import_system
    if target.entry is not None:
        hooked = main_spec_from_import_system(target.entry)
        return target if hooked is None else PathTarget(
            HOOKED_DIRECTORY if target.kind is DIRECTORY else HOOKED_ZIP,
            hooked, target.entry)
    fallback = None if custom is None else type(custom.spec.loader)
    hooked = spec_from_import_system(target.spec.origin, name, fallback,
                                     source=target.kind is SOURCE)
    if hooked is None:
        return custom or target
    # The hook's spec keeps its own loader_state: what was asked for is
    # recorded beside it, for the profiles (_profiles.script_state).
    hooked._runpath_script = ScriptState(HOOK, path_name)
    return PathTarget(HOOK, hooked)


def _entry_target(fspath):
    """A custom path hook may accept any path: when there are such hooks,
    they are asked first, as the import system would."""
    finder = entry_finder(fspath)
    if finder is None:
        return None
    kind = DIRECTORY if os.path.isdir(fspath) else ZIP
    return PathTarget(kind, main_spec(finder, fspath), fspath)


def _inside_zip_target(fspath):
    """A path that does not exist may be one inside a zip (app.zip/sub)."""
    finder = entry_finder(fspath, zip_hooks())
    if finder is None:
        return None
    return PathTarget(ZIP, main_spec(finder, fspath), fspath)


def _directory_target(fspath, st, default_hooks):
    if default_hooks:
        spec = ENTRIES.directory_spec(fspath, st)
    else:
        finder = entry_finder(fspath)
        spec = None if finder is None else main_spec(finder, fspath)
    if spec is None:
        raise IsADirectoryError(
            21, "is a directory, and no sys.path hook accepts it "
            "(expected a file or a directory with a finder)", fspath)
    return PathTarget(DIRECTORY, spec, fspath)


def _zip_spec(fspath, st, default_hooks):
    hooks = zip_hooks()
    if default_hooks:
        return ENTRIES.zip_spec(fspath, st, hooks)
    finder = entry_finder(fspath, hooks)
    return None if finder is None else main_spec(finder, fspath)


def _read_target(fspath, st, default_hooks, name):
    """``(data, zip_target)``: a regular file or FIFO's bytes, read once,
    or the zip entry it turned out to be."""
    file_type = stat.S_IFMT(st.st_mode)
    if file_type == stat.S_IFIFO:
        return _read_all(fspath), None  # a pipe: never a zip, read once
    if file_type != stat.S_IFREG:
        from .errors import NotRegularFileError
        raise NotRegularFileError(
            "{!r} is a {}: expected a regular file, a FIFO, a directory or "
            "a zip file".format(fspath, _file_type(st.st_mode)), name=name,
            path=fspath)
    if default_hooks and ENTRIES.zip_files:
        spec = ENTRIES.known_zip_spec(fspath, st)
        if spec is not None:
            if _trace.on:  # trace: taken as a zip unread
                _trace.note("zip signature", fspath, "remembered",
                            "a zip file seen unchanged before: not read")
            return None, PathTarget(ZIP, spec, fspath)
    data, maybe_zip = _read_candidate(fspath, st.st_size)
    if _trace.on:  # trace: the zip signature
        _trace.note("zip signature", fspath, "found" if maybe_zip else
                    "absent", "end-of-central-directory record (PK\\5\\6) "
                    "in the last {} bytes".format(_EOCD_WINDOW))
    if maybe_zip:
        spec = _zip_spec(fspath, st, default_hooks)
        if spec is not None:
            return None, PathTarget(ZIP, spec, fspath)
        if data is None:  # a large file that merely looked like a zip
            data = _read_all(fspath)
    return data, None


def _file_target(data, st, fspath, path_name, name, code_filename, options):
    """A plain file's spec, with runpath_spec's own loader holding *data*."""
    if data.startswith(_LOCAL_HEADER):
        # Not source (control characters), and no zipimporter takes it.
        from .errors import BadZipError
        raise BadZipError(
            "{!r} starts like a zip file but is not a valid one: expected an "
            "archive with a central directory".format(fspath), name=name,
            path=fspath)
    kind = _classify_file(data, fspath, name)
    if _trace.on:  # trace: why a file is bytecode or source
        _trace.note("magic number", fspath, kind,
                    "first 4 bytes {!r}; this interpreter's magic number "
                    "is {!r}".format(data[:4], MAGIC_NUMBER))
    origin = _absolute(fspath)
    display = fspath if code_filename is None else code_filename
    if kind is BYTECODE:
        loader = BytecodeScriptLoader(name, origin, data, display,
                                      check_source=options.check_source)
    else:
        loader = SourceScriptLoader(name, origin, data, display,
                                    cache=options.cache)
        loader.source_stat = st  # taken before the bytes were read
    spec = ModuleSpec(name, loader, origin=origin,
                      loader_state=ScriptState(kind, path_name))
    spec.has_location = True
    if kind is BYTECODE:
        spec.cached = origin  # a compiled file is its own cache
    elif options.cache:
        spec.cached = loader.cache_path()
    return PathTarget(kind, spec)


def _builtin_target(fspath, path_name, name, code_filename, options):
    """:func:`find_path` with runpath_spec's own finders and loaders."""
    default_hooks = only_default_hooks()
    if not default_hooks:
        target = _entry_target(fspath)
        if target is not None:
            return target
    try:
        st = os.stat(fspath)
    except (FileNotFoundError, NotADirectoryError) as exc:
        if _trace.on:  # trace: the stat
            _trace.note("stat", fspath, "no such file",
                        "{}: perhaps a path inside a zip file".format(exc))
        target = _inside_zip_target(fspath)
        if target is None:
            # runpy (and python) name the absolute path they tried to open.
            raise type(exc)(exc.errno, exc.strerror,
                            os.path.abspath(fspath)) from None
        return target
    if _trace.on:  # trace: the stat decides the kind of file
        _trace.note("stat", fspath, _trace.file_type(st.st_mode),
                    "st_mode {:o}, {} bytes; sys.path_hooks {}".format(
                        st.st_mode, st.st_size, "CPython's own"
                        if default_hooks else "with custom hooks"))
    if stat.S_ISDIR(st.st_mode):
        return _directory_target(fspath, st, default_hooks)
    data, target = _read_target(fspath, st, default_hooks, name)
    if target is not None:
        return target
    return _file_target(data, st, fspath, path_name, name, code_filename,
                        options)


def _main_not_found():
    """MainNotFoundError, for an ``except`` clause: evaluated only once
    something was raised, so a run that raises nothing never imports the
    errors module (a tenth of the CLI's own imports)."""
    from .errors import MainNotFoundError
    return MainNotFoundError


def find_path(path_name, name="__main__", code_filename=None,
              options=DEFAULT_OPTIONS):
    """The :class:`PathTarget` for *path_name* (see the module docstring).

    Precedence: with *import_hooks*, what the import system gives when it
    claims the very file; then a custom loader for the file's suffix
    (per call, registered, entry point, built in); then runpath_spec's own.
    """
    fspath = path_name if type(path_name) is str else os.fsdecode(path_name)
    if "\0" in fspath:
        from .errors import BadPathError
        raise BadPathError(
            "path {!r} contains a NUL character: expected a file system "
            "path".format(fspath), name=name, path=fspath)
    # Before anything of the target is read or run: a veto changes nothing.
    sys.audit("runpath_spec.find", fspath, "path")
    custom = _custom_target(fspath, path_name, name, options.loaders)
    if not options.import_hooks and _trace.on:  # trace: the import system
        _trace.note("import hooks", fspath, "not asked",  # is not asked
                    "import_hooks is off (--import-hooks not given)")
    if custom is not None and not options.import_hooks:
        if _trace.on:  # trace: a plug-in's loader takes it unseen
            _trace.note("runpath_spec's finders", fspath, "not asked",
                        "a plug-in's loader claimed the file")
        return custom
    try:
        target = _builtin_target(fspath, path_name, name, code_filename,
                                 options)
    except _main_not_found() as exc:
        # The caller's traceback, as runpy's: not the finders' inner frames.
        exc.__traceback__ = None
        raise exc
    if options.import_hooks:
        return _hooked_target(target, path_name, name, custom)
    return target


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
    return find_path(path, name, SPEC.script_filename(path),
                     find_options(check_source, import_hooks, loaders,
                                  cache)).spec

"""Loaders for plain-file targets, composed like importlib's own.

``_ReadOnce`` owns one concern -- the file's bytes, read once through
:func:`io.open_code` and kept -- and is mixed into subclasses of the
importlib loaders, so ``isinstance(loader, SourceFileLoader)`` holds for a
script and ``isinstance(loader, SourcelessFileLoader)`` for bytecode.
Neither writes bytecode (unless ``cache=True`` asks for it).

:func:`code_for_spec` asks any spec's loader for its code.  It takes a
shortcut past a loader's methods only where they are provably importlib's
own (``_cpython.is_importlibs_own``): a subclass or a patched class (an
import hook's, Hy's) is always called.
"""

import os
import sys
import zipimport  # loaded by every start-up: free
from importlib.machinery import SourceFileLoader, SourcelessFileLoader

from ._cpython import LoaderSteps, code_from_timestamp_pyc, is_importlibs_own
from ._files import prefill_cached, pyc_path, read_file
from ._versions import COMPILE_WITH_MODULE

__all__ = ["SourceScriptLoader", "BytecodeScriptLoader", "code_for_spec",
           "source_file_code", "prefill_cached", "read_file"]

# (3.15: SourceLoader.get_code calls source_to_code(data, path, fullname)
# and compiles with compile(..., module=fullname): COMPILE_WITH_MODULE.)


_PYC = __name__.rpartition(".")[0] + ".pyc"


def _pyc():
    """:mod:`runpath_spec.pyc`, imported by the first run that needs it.

    A script never does, and the module is a tenth of the CLI's own
    imports; but a per-call ``from . import pyc`` costs every bytecode run
    5,500 instructions (5% of a one-line pyc), so later calls take it from
    ``sys.modules`` directly (about 1,000).
    """
    module = sys.modules.get(_PYC)
    if module is None:
        from . import pyc as module
    return module


def _module_kwarg(fullname):
    """``compile()``'s ``module=`` keyword where the version has it."""
    return {"module": fullname} if COMPILE_WITH_MODULE else {}


class _ReadOnce:
    """Serve the target's bytes from memory: read at most once, ever.

    A FIFO (``python <(...)``, ``/dev/fd/N``) can be read only once, and a
    file that changes while it is being run must not be seen half old, half
    new.  *data* is what the finder already read, if it read the file.
    *code_filename* is the name compiled into the code (``co_filename``,
    what tracebacks show); by default the path.
    """

    def __init__(self, fullname, path, data=None, code_filename=None):
        # What FileLoader.__init__ does (3.8-3.15), without one more level
        # of calls: every run makes one of these.
        self.name = fullname
        self.path = path
        self._data = data
        self.code_filename = path if code_filename is None else code_filename

    #: The source's ``os.stat`` taken before its bytes were read (the
    #: finder's), for the bytecode cache; ``None`` if unknown.
    source_stat = None

    def get_data(self, path):
        if path != self.path:
            return read_file(path)
        if self._data is None:
            self._data = read_file(path)
        return self._data

    def set_data(self, path, data, *, _mode=0o666):
        """Never write bytecode for a run target (``python script.py`` doesn't)."""

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)


class SourceScriptLoader(_ReadOnce, SourceFileLoader):
    """A source file of any suffix, or none, compiled from memory.

    Subclasses change the language by overriding :meth:`source_to_code`,
    exactly as with :class:`importlib.machinery.SourceFileLoader`.  With
    *cache*, code comes from runpath_spec's bytecode cache (see
    :func:`runpath_spec.run_path`).
    """

    def __init__(self, fullname, path, data=None, code_filename=None,
                 cache=False):
        super().__init__(fullname, path, data, code_filename)
        self.cache = cache

    def cache_path(self):
        """The bytecode file ``cache=True`` uses for this source, if any."""
        if not self.cache:
            return None
        from ._cache import cache_path
        return cache_path(self.path)

    def get_code(self, fullname):
        if self.cache:
            from ._cache import cached_code
            return cached_code(self, fullname)
        return self.compile_source(self.get_data(self.path), fullname)

    def compile_source(self, data, fullname):
        """Compile *data* with :meth:`source_to_code`, named as the target."""
        # As SourceLoader.get_code calls it: 3.15 passes the module name,
        # so that warnings filters by module apply to the code's warnings.
        if COMPILE_WITH_MODULE:
            return self.source_to_code(data, self.code_filename, fullname)
        return self.source_to_code(data, self.code_filename)

    def source_to_code(self, data, path, fullname=None, *, _optimize=-1):
        """Compile *data* as ``SourceFileLoader`` does (no frame trickery).

        *fullname* (3.15+) is the module name warnings are attributed to.
        """
        return compile(data, path, "exec", dont_inherit=True,
                       optimize=_optimize, **_module_kwarg(fullname))


class BytecodeScriptLoader(_ReadOnce, SourcelessFileLoader):
    """A compiled file, validated with :func:`runpath_spec.pyc.code_from_pyc`.

    With *check_source*, a pyc whose source can be found -- a PEP 3147
    ``__pycache__/name.tag.pyc`` maps back to ``name.py``, a legacy
    ``name.pyc`` has ``name.py`` beside it -- is checked against it as the
    import system would (mtime and size, or the source hash as
    ``--check-hash-based-pycs`` says) and raises
    :class:`~runpath_spec.StalePycError` when it no longer matches.
    """

    def __init__(self, fullname, path, data=None, code_filename=None,
                 check_source=False):
        super().__init__(fullname, path, data, code_filename)
        self.check_source = check_source

    def cache_path(self):
        """A compiled file is its own cache (``spec.cached``)."""
        return self.path

    def source_path(self):
        """The source this pyc was compiled from, if it can be found."""
        from importlib.util import source_from_cache
        try:
            candidate = source_from_cache(self.path)
        except ValueError:  # not a PEP 3147 path: try name.py beside it
            candidate = os.path.splitext(self.path)[0] + ".py"
        return candidate if os.path.isfile(candidate) else None

    def get_code(self, fullname):
        data = self.get_data(self.path)
        pyc = _pyc()
        if not self.check_source:
            return pyc.code_from_pyc(data, name=fullname,
                                     path=self.code_filename)
        where = dict(name=fullname, path=self.code_filename)
        source = self.source_path()
        if source is not None:
            header = pyc.classify_pyc(data, **where)
            if header.kind == "timestamp":
                st = os.stat(source)
                pyc.validate_timestamp(header, st.st_mtime, st.st_size,
                                       **where)
            elif pyc.hash_check_wanted(header):
                pyc.validate_hash(header, read_file(source), **where)
        return pyc.code_from_pyc(data, **where)

    def get_source(self, fullname):
        return None


def _standalone_pyc_in_zip(loader, origin):
    """True if a zip's ``X.pyc`` has no ``X.py`` beside it in the archive.

    With a source beside it, zipimporter's own rules apply (a stale pyc
    falls back to the source), so it is left to zipimporter.
    """
    try:
        loader.get_data(origin[:-1])
    except OSError:
        return True
    return False


def _valid_pyc_code(path, pyc_file, name):
    """The code in *pyc_file* if it is a valid timestamp pyc for *path*,
    else ``None`` (the loader then decides, and speaks).  A pyc copied
    from elsewhere names its old source: renamed to *path*, as importlib
    renames it."""
    try:
        st = os.stat(path)
        data = read_file(pyc_file)
    except OSError:
        return None
    return code_from_timestamp_pyc(data, st.st_mtime, st.st_size, name, path)


# What SourceLoader.get_code goes through for a plain SourceFileLoader,
# skipped by source_file_code.
_SOURCE_FILE_STEPS = LoaderSteps(SourceFileLoader, (
    "get_code", "get_data", "path_stats", "source_to_code", "get_filename"))


def source_file_code(loader, name):
    """``loader.get_code(name)`` for a plain ``SourceFileLoader``, with the
    same result and the same files read, in fewer steps.

    ``SourceLoader.get_code`` computes the pyc path anew, opens the pyc
    even when there is none (an exception each time), and goes through
    several layers of helpers: that is most of runpy's cost for a small
    ``__main__`` or module.  Here the two cases that matter are done
    directly -- no pyc with bytecode writing off (compile the source), and
    a valid timestamp pyc (unmarshal it) -- and everything else (a pyc to
    write, a hash-based or stale pyc, ``-v``, a name the loader refuses) is
    left to the loader itself, so its rules and messages stay exact.  Only
    for a loader whose methods are importlib's own: anything else is asked.
    """
    path = loader.path
    if (name != loader.name or sys.flags.verbose or type(path) is not str
            or not is_importlibs_own(loader, _SOURCE_FILE_STEPS)):
        return loader.get_code(name)
    try:
        pyc_file = pyc_path(path)
    except NotImplementedError:  # no cache_tag: no pyc either
        return loader.get_code(name)
    if not os.access(pyc_file, os.F_OK):
        if not sys.dont_write_bytecode:
            return loader.get_code(name)  # compiles, then writes the pyc
        # As SourceFileLoader.source_to_code compiles.
        return compile(read_file(path), path, "exec", dont_inherit=True,
                       **_module_kwarg(name))
    code = _valid_pyc_code(path, pyc_file, name)
    return loader.get_code(name) if code is None else code


# What SourcelessFileLoader.get_code goes through, skipped by reading the
# pyc here.
_SOURCELESS_STEPS = LoaderSteps(SourcelessFileLoader,
                                ("get_code", "get_data"))


def code_for_spec(spec, name=None):
    """The code object *spec*'s loader gives for *name* (default
    ``spec.name``), with bytecode validated our way.

    importlib's ``SourcelessFileLoader`` reads a pyc without
    ``io.open_code`` and reports defects as a bare "bad magic number";
    zipimporter skips a bad pyc silently and then cannot find the module.
    Both are read here instead and checked by
    :func:`runpath_spec.pyc.code_from_pyc`, which says what is wrong.
    """
    loader = spec.loader
    name = spec.name if name is None else name
    if isinstance(loader, _ReadOnce):  # ours, or a subclass: its get_code
        return loader.get_code(name)
    # Exact type checks below, never isinstance: a subclass (an import
    # hook's loader) must be asked itself, never shortcut.
    if type(loader) is SourceFileLoader:
        return source_file_code(loader, name)
    origin = spec.origin
    if origin and is_importlibs_own(loader, _SOURCELESS_STEPS):
        loader.get_filename(name)  # the loader's own name check
        return _pyc().code_from_pyc(read_file(origin), name=name, path=origin)
    if (type(loader) is zipimport.zipimporter and origin
            and origin.endswith(".pyc")
            and _standalone_pyc_in_zip(loader, origin)):
        return _pyc().code_from_pyc(loader.get_data(origin), name=name,
                                    path=origin)
    # runpy asks for the name it was given, which may differ from spec.name
    # (os.path is posixpath): the loader's own check then speaks.
    return loader.get_code(name)

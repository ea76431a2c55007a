"""Loaders for plain-file targets, composed like importlib's own.

``_ReadOnce`` owns one concern -- the file's bytes, read once through
:func:`io.open_code` and kept -- and is mixed into subclasses of the
importlib loaders, so ``isinstance(loader, SourceFileLoader)`` holds for a
script and ``isinstance(loader, SourcelessFileLoader)`` for bytecode.
Neither writes bytecode.
"""

import _imp
import io
import marshal
import os
import sys
from importlib.machinery import (SOURCE_SUFFIXES, SourceFileLoader,
                                 SourcelessFileLoader)
# importlib.util (which re-exports these) costs milliseconds to import.
from importlib._bootstrap_external import MAGIC_NUMBER, cache_from_source

# 3.15: SourceLoader.get_code calls source_to_code(data, path, fullname)
# and compiles with compile(..., module=fullname).
_COMPILE_WITH_MODULE = sys.version_info >= (3, 15)


def _module_kwarg(fullname):
    """``compile()``'s ``module=`` keyword where the version has it."""
    return {"module": fullname} if _COMPILE_WITH_MODULE else {}


__all__ = ["SourceScriptLoader", "BytecodeScriptLoader", "ScriptState",
           "read_file", "code_for_spec", "source_file_code", "prefill_cached"]


class ScriptState:
    """``spec.loader_state`` of a plain-file target: what was asked for.

    *kind* is ``"source"`` or ``"bytecode"`` (runpath_spec's own loaders),
    ``"custom"`` (a registered loader) or ``"hook"`` (a spec the import
    system gave, with ``import_hooks=True``); *given* is the path object
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


_pyc_module = None


def _pyc():
    """runpath_spec.pyc, imported on first use (it needs ``dataclasses``,
    which ``import runpath_spec`` does not load)."""
    global _pyc_module
    if _pyc_module is None:
        from . import pyc as _pyc_module
    return _pyc_module


def read_file(path):
    """The whole content of *path*, opened through :func:`io.open_code`."""
    with io.open_code(os.fsdecode(path)) as f:
        return f.read()


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

    def get_code(self, fullname):
        data = self.get_data(self.path)
        if self.cache:
            from ._cache import cached_code
            return cached_code(self, self.path, data, lambda source:
                               self._compile(source, fullname),
                               self.code_filename)
        return self._compile(data, fullname)

    def _compile(self, data, fullname):
        # As SourceLoader.get_code calls it: 3.15 passes the module name,
        # so that warnings filters by module apply to the code's warnings.
        if _COMPILE_WITH_MODULE:
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
        if not self.check_source:
            return _pyc().code_from_pyc(data, name=fullname,
                                        path=self.code_filename)
        pyc = _pyc()
        source = self.source_path()
        if source is not None:
            header = pyc.classify_pyc(data, name=fullname,
                                      path=self.code_filename)
            where = dict(name=fullname, path=self.code_filename)
            if header.kind == "timestamp":
                st = os.stat(source)
                pyc.validate_timestamp(header, st.st_mtime, st.st_size,
                                       **where)
            elif pyc.hash_check_wanted(header):
                pyc.validate_hash(header, read_file(source), **where)
        return pyc.code_from_pyc(data, name=fullname,
                                 path=self.code_filename)

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


# The 8 bytes a timestamp pyc of this interpreter starts with: the magic
# number, then flags 0 (PEP 552).
_TIMESTAMP_PYC = MAGIC_NUMBER + bytes(4)
_CODE_TYPE = type(read_file.__code__)
_SOURCE_SUFFIXES = tuple(SOURCE_SUFFIXES)
_PYC_PATHS_SIZE = 256
_pyc_paths = {}  # (source, pycache_prefix, cache_tag) -> its PEP 3147 path


def _pyc_path(source):
    """``cache_from_source(source)``, remembered for absolute paths."""
    if not os.path.isabs(source):
        return cache_from_source(source)
    key = (source, sys.pycache_prefix, sys.implementation.cache_tag)
    pyc = _pyc_paths.get(key)
    if pyc is None:
        pyc = cache_from_source(source)
        if len(_pyc_paths) >= _PYC_PATHS_SIZE:
            _pyc_paths.clear()
        _pyc_paths[key] = pyc
    return pyc


def prefill_cached(spec):
    """Set ``spec.cached`` to what ``ModuleSpec.cached`` would compute.

    That property calls ``cache_from_source`` on first use, and runpy's
    conventions read it on every run; :func:`_pyc_path` remembers the
    answer.  Only for a located spec of a ``.py`` file, where the value
    is ``cache_from_source(origin)`` (importlib's ``_get_cached``), and
    only while nobody has set it.
    """
    origin = spec.origin
    if (getattr(spec, "_cached", 0) is None and spec.has_location
            and origin and origin.endswith(_SOURCE_SUFFIXES)):
        try:
            spec.cached = _pyc_path(origin)
        except NotImplementedError:  # no cache_tag: the property says None
            pass


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
    left to the loader itself, so its rules and messages stay exact.
    """
    path = loader.path
    if name != loader.name or sys.flags.verbose or type(path) is not str:
        return loader.get_code(name)
    try:
        pyc = _pyc_path(path)
    except NotImplementedError:  # no cache_tag: no pyc either
        return loader.get_code(name)
    if not os.access(pyc, os.F_OK):
        if not sys.dont_write_bytecode:
            return loader.get_code(name)  # compiles, then writes the pyc
        # As SourceFileLoader.source_to_code compiles.
        return compile(read_file(path), path, "exec", dont_inherit=True,
                       **_module_kwarg(name))
    try:
        st = os.stat(path)
        data = read_file(pyc)
    except OSError:
        return loader.get_code(name)
    if (data[:8] == _TIMESTAMP_PYC and len(data) >= 16
            and int.from_bytes(data[8:12], "little")
            == int(st.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(data[12:16], "little")
            == st.st_size & 0xFFFFFFFF):
        try:
            code = marshal.loads(memoryview(data)[16:])
        except Exception:  # the loader raises it, as runpy shows it
            return loader.get_code(name)
        if type(code) is _CODE_TYPE:
            # A pyc copied from elsewhere names its old source: importlib
            # fixes that, and so must we.
            _imp._fix_co_filename(code, path)
            return code
    return loader.get_code(name)


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
    if isinstance(loader, _ReadOnce):
        return loader.get_code(name)
    if type(loader) is SourceFileLoader:
        return source_file_code(loader, name)
    origin = spec.origin
    if type(loader) is SourcelessFileLoader and origin:
        from .pyc import code_from_pyc
        loader.get_filename(name)  # the loader's own name check
        return code_from_pyc(read_file(origin), name=name, path=origin)
    zipimport = sys.modules.get("zipimport")
    if (zipimport is not None and isinstance(loader, zipimport.zipimporter)
            and origin and origin.endswith(".pyc")
            and _standalone_pyc_in_zip(loader, origin)):
        from .pyc import code_from_pyc
        return code_from_pyc(loader.get_data(origin), name=name,
                             path=origin)
    # runpy asks for the name it was given, which may differ from spec.name
    # (os.path is posixpath): the loader's own check then speaks.
    return loader.get_code(name)

"""The opt-in bytecode cache (``cache=True``) for source targets.

importlib's own ``SourceLoader.get_code`` does the work: it finds the PEP
3147 file (``__pycache__/name.<tag>.pyc``, or under ``sys.pycache_prefix``),
validates it as every import does (timestamp, or source hash as
``--check-hash-based-pycs`` says), compiles when it must, and writes with
``SourceFileLoader.set_data`` -- atomically, through a new file opened
with ``O_EXCL`` (a planted symlink is refused), with the source's mode (a
``0600`` source gets a ``0600`` pyc).  :class:`_CacheLoader` feeds it what
the finder already has: the bytes read once, and the ``stat`` taken
*before* they were read, so a file saved in between is never cached under
its new mtime with its old code.

What runpath_spec adds around it:

* with ``SOURCE_DATE_EPOCH`` set, the pyc written is a checked-hash one,
  as ``py_compile`` writes it (reproducible builds);
* where no file is written (``sys.dont_write_bytecode``, a read-only
  directory, a target without a ``.py``/``.pyw`` suffix, which import never
  caches), code is kept in memory instead, keyed by what identifies the
  file's version (path, device, inode, mtime, ctime and size: a file
  replaced or rewritten keeps none of them all) and forgotten by
  :func:`importlib.invalidate_caches`, as importlib's own caches are;
* a pyc whose header is valid but whose code is damaged is rewritten
  (importlib would raise);
* only regular files are cached: a FIFO is read and compiled anew on
  every run.
"""

import os
import stat
import threading
from importlib.machinery import SourceFileLoader

from . import pyc as pycmod
from ._cpython import caches_epoch, fix_co_filename
from ._entries import file_key
from ._files import pyc_path, read_file

__all__ = ["cache_path", "cached_code", "clear_memory_cache"]

_MEMORY_SIZE = 256
_memory = {}
_memory_epoch = None  # caches_epoch() of the code in _memory
_lock = threading.Lock()
# Targets whose bytecode is written to a PEP 3147 file; others (no suffix,
# a custom one) are cached in memory only, as python would never import
# them.
_CACHED_SUFFIXES = (".py", ".pyw")


def cache_path(origin):
    """Where the pyc for *origin* lives, or ``None`` if it has no such place."""
    if not origin.endswith(_CACHED_SUFFIXES):
        return None
    try:
        return pyc_path(origin)  # cache_from_source, remembered
    except (NotImplementedError, ValueError):  # no cache_tag
        return None


def clear_memory_cache():
    """Forget every code object kept in memory."""
    with _lock:
        _memory.clear()


def _remember(key, code, epoch):
    """Keep *code* under *key*, read while :func:`caches_epoch` was
    *epoch*; code kept before an invalidation is dropped."""
    global _memory_epoch
    with _lock:
        if len(_memory) >= _MEMORY_SIZE or epoch != _memory_epoch:
            _memory.clear()
            _memory_epoch = epoch
        _memory[key] = code


class _CacheLoader(SourceFileLoader):
    """``SourceFileLoader`` for one run of *script* (a SourceScriptLoader):
    importlib's ``get_code`` and ``set_data``, over the bytes and the stat
    the finder took.  Records whether it compiled and whether it wrote."""

    def __init__(self, script, fullname, st):
        super().__init__(fullname, script.path)
        self._script = script
        self._stat = st
        self.skip_pyc = False  # a damaged pyc: read as if there were none
        self.compiled = self.written = False

    def path_stats(self, path):
        if path == self.path:
            return {"mtime": self._stat.st_mtime, "size": self._stat.st_size}
        return super().path_stats(path)

    def get_data(self, path):
        if path == self.path:
            return self._script.get_data(path)
        if self.skip_pyc:
            raise OSError("damaged: compiled afresh")
        data = read_file(path)  # through io.open_code, unlike importlib
        try:
            # importlib unmarshals it next: on PyPy, damage there would
            # abort the process.  Damaged: as if there were no pyc.
            pycmod.check_marshal(data, path=path)
        except ImportError as exc:
            raise OSError("damaged: compiled afresh") from exc
        return data

    def source_to_code(self, data, path, *args, **kwargs):
        self.compiled = True
        return self._script.compile_source(data, self.name)

    def set_data(self, path, data, *, _mode=0o666):
        if os.environ.get("SOURCE_DATE_EPOCH") and \
                data[4:8] == bytes(4):  # timestamp -> checked hash
            from importlib.util import source_hash
            data = pycmod.hash_header(source_hash(self.get_data(self.path)),
                                      checked=True) + data[16:]
        super().set_data(path, data, _mode=_mode)
        try:
            self.written = read_file(path) == data
        except OSError:  # it could not be written
            self.written = False


def _code_via_importlib(script, fullname, st):
    loader = _CacheLoader(script, fullname, st)
    try:
        code = loader.get_code(fullname)
    except (EOFError, ValueError, TypeError, SystemError, ImportError):
        # importlib unmarshals a pyc whose header is valid and raises what
        # marshal says: compile afresh instead, and rewrite it.
        loader = _CacheLoader(script, fullname, st)
        loader.skip_pyc = True
        code = loader.get_code(fullname)
    return code, loader.compiled and not loader.written


def cached_code(script, fullname):
    """The code of the SourceScriptLoader *script* for *fullname*: from the
    cache, or compiled (and then cached)."""
    st = script.source_stat
    if st is None:
        try:
            st = os.stat(script.path)
        except OSError:
            st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        # A pipe (or a file that is gone): what it gives is new each time.
        return script.compile_source(script.get_data(script.path), fullname)
    filename = script.code_filename
    # The epoch is part of the key: code found before an invalidation is
    # never found after it, even if it was stored after it.
    epoch = caches_epoch()
    key = (file_key(script.path, st), filename, epoch)
    code = _memory.get(key)
    if code is not None:
        return code
    if cache_path(script.path) is None:
        code, unwritten = script.compile_source(
            script.get_data(script.path), fullname), True
    else:
        code, unwritten = _code_via_importlib(script, fullname, st)
    if code.co_filename != filename:  # importlib names it by the origin
        fix_co_filename(code, filename)
    if unwritten:
        _remember(key, code, epoch)
    return code

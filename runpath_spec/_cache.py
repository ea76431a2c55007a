"""The opt-in bytecode cache (``cache=True``) for source targets.

PEP 3147 files (``__pycache__/name.<tag>.pyc``, or under
``sys.pycache_prefix``), validated as the import system validates them --
timestamp pycs by the source's mtime and size, checked-hash pycs (written
when ``SOURCE_DATE_EPOCH`` is set, as ``py_compile`` does) by the source
hash -- and written atomically: to a temporary file beside the target, then
``os.replace``, so a concurrent reader never sees a torn file.  Where no
file can be written (``sys.dont_write_bytecode``, a read-only directory, a
target without a ``.py``-like suffix), code is kept in memory instead,
keyed by path, mtime and size.
"""

import marshal
import os
import stat
import sys
import threading

from . import pyc as pycmod
from ._cpython import fix_co_filename
from ._files import pyc_path, read_file

__all__ = ["cache_path", "cached_code", "clear_memory_cache"]

_MEMORY_SIZE = 256
_memory = {}
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


def _remember(key, code):
    with _lock:
        if len(_memory) >= _MEMORY_SIZE:
            _memory.clear()
        _memory[key] = code


def _header_for(st, data, hash_based):
    if hash_based:
        from importlib.util import source_hash
        return pycmod.hash_header(source_hash(data), checked=True)
    return pycmod.timestamp_header(st.st_mtime, st.st_size)


def _load(pyc, st, data, name):
    """The code in *pyc* if it is valid for this source, else ``None``."""
    try:
        blob = read_file(pyc)
    except OSError:
        return None
    try:
        header = pycmod.classify_pyc(blob, name=name, path=pyc)
        if header.kind == "timestamp":
            pycmod.validate_timestamp(header, st.st_mtime, st.st_size)
        elif pycmod.hash_check_wanted(header):
            pycmod.validate_hash(header, data)
        return pycmod.code_from_pyc(blob, name=name, path=pyc)
    except ImportError:  # stale or damaged: compile afresh and rewrite
        return None


def _write_atomically(path, blob):
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        tmp = "{}.{}.{}.tmp".format(path, os.getpid(), threading.get_ident())
        with open(tmp, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
        return False


def cached_code(loader, origin, data, compile_source, filename):
    """The code for source *data* at *origin*: from the cache, or compiled.

    *compile_source* compiles the bytes when the cache cannot answer;
    *filename* is the ``co_filename`` the code must carry (a pyc written
    for another spelling of the path is fixed up, as importlib does).
    """
    try:
        st = os.stat(origin)
    except OSError:
        st = None
    pyc = cache_path(origin) if st is not None else None
    if pyc is not None:
        code = _load(pyc, st, data, loader.name)
        if code is not None:
            if code.co_filename != filename:
                fix_co_filename(code, filename)
            return code
    key = ((origin, filename, st.st_mtime_ns, st.st_size)
           if st is not None else None)
    if key is not None:
        code = _memory.get(key)
        if code is not None:
            return code
    code = compile_source(data)
    if pyc is not None and not sys.dont_write_bytecode:
        hash_based = bool(os.environ.get("SOURCE_DATE_EPOCH"))
        blob = _header_for(st, data, hash_based) + marshal.dumps(code)
        if _write_atomically(pyc, blob):
            return code
    if key is not None:
        _remember(key, code)
    return code

"""Reading targets and naming their bytecode files: shared by the loaders,
the finders and the bytecode cache."""

import io
import os
import sys
from importlib.machinery import SOURCE_SUFFIXES

from ._cpython import cache_from_source, cached_is_unset

__all__ = ["read_file", "pyc_path", "prefill_cached"]

# The suffixes whose spec.cached importlib computes (_get_cached): ".py",
# and ".pyw" on Windows.
_IMPORTLIB_SOURCE_SUFFIXES = tuple(SOURCE_SUFFIXES)


def read_file(path):
    """The whole content of *path*, opened through :func:`io.open_code`."""
    with io.open_code(os.fsdecode(path)) as f:
        return f.read()


_PYC_PATHS_SIZE = 256
_pyc_paths = {}  # (source, pycache_prefix, cache_tag) -> its PEP 3147 path


def pyc_path(source):
    """``cache_from_source(source)``, remembered for absolute paths.

    Raises :class:`NotImplementedError` where the interpreter has no
    cache tag, as ``cache_from_source`` does.
    """
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
    conventions read it on every run; :func:`pyc_path` remembers the
    answer.  Only for a located spec of a ``.py`` file, where the value
    is ``cache_from_source(origin)`` (importlib's ``_get_cached``), and
    only while nobody has set it.
    """
    origin = spec.origin
    if (cached_is_unset(spec) and spec.has_location and origin
            and origin.endswith(_IMPORTLIB_SOURCE_SUFFIXES)):
        try:
            spec.cached = pyc_path(origin)
        except NotImplementedError:  # no cache_tag: the property says None
            pass

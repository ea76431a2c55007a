"""Loaders for plain-file targets, composed like importlib's own.

``_ReadOnce`` owns one concern -- the file's bytes, read once through
:func:`io.open_code` and kept -- and is mixed into subclasses of the
importlib loaders, so ``isinstance(loader, SourceFileLoader)`` holds for a
script and ``isinstance(loader, SourcelessFileLoader)`` for bytecode.
Neither writes bytecode.
"""

import io
import os
import sys
from importlib.machinery import SourceFileLoader, SourcelessFileLoader

__all__ = ["SourceScriptLoader", "BytecodeScriptLoader", "ScriptState",
           "read_file", "code_for_spec"]


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
        super().__init__(fullname, path)
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
                               self.source_to_code(source,
                                                   self.code_filename),
                               self.code_filename)
        return self.source_to_code(data, self.code_filename)

    def source_to_code(self, data, path, *, _optimize=-1):
        """Compile *data* as ``SourceFileLoader`` does (no frame trickery)."""
        return compile(data, path, "exec", dont_inherit=True,
                       optimize=_optimize)


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
        from . import pyc
        data = self.get_data(self.path)
        source = self.source_path() if self.check_source else None
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

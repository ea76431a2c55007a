"""Loaders for plain-file targets, composed like importlib's own.

``_ReadOnce`` owns one concern -- the file's bytes, read once through
:func:`io.open_code` and kept -- and is mixed into subclasses of the
importlib loaders, so ``isinstance(loader, SourceFileLoader)`` holds for a
script and ``isinstance(loader, SourcelessFileLoader)`` for bytecode.
Neither writes bytecode.
"""

import io
import os
from importlib.machinery import SourceFileLoader, SourcelessFileLoader

__all__ = ["SourceScriptLoader", "BytecodeScriptLoader", "read_file"]


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
    exactly as with :class:`importlib.machinery.SourceFileLoader`.
    """

    def get_code(self, fullname):
        return self.source_to_code(self.get_data(self.path),
                                   self.code_filename)


class BytecodeScriptLoader(_ReadOnce, SourcelessFileLoader):
    """A compiled file, validated with :func:`runpath_spec.pyc.code_from_pyc`."""

    def get_code(self, fullname):
        from .pyc import code_from_pyc
        return code_from_pyc(self.get_data(self.path), name=fullname,
                             path=self.code_filename)

    def get_source(self, fullname):
        return None

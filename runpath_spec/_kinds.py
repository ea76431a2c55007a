"""Kinds of target: one small class each, as pdb has ``_ScriptTarget``,
``_ModuleTarget`` and ``_ZipTarget``.

A kind owns what differs between kinds: when its code is asked for, the
``sys.path[0]`` python's start-up gives it, and the ``__loader__`` python
shows a script of that kind.  Each kind is also its name -- a ``str``
(``"source"``, ``"zip"``...), which is how :attr:`MainTarget.kind
<runpath_spec.MainTarget.kind>` and ``--explain`` show it -- but the code
asks the kind, never compares the name.
"""

import os
import sys
from importlib.machinery import SourceFileLoader, SourcelessFileLoader

from ._versions import PYPY

__all__ = ["Kind", "SOURCE", "BYTECODE", "DIRECTORY", "ZIP", "MODULE",
           "CUSTOM", "HOOK", "COMMAND", "STDIN", "HOOKED_DIRECTORY",
           "HOOKED_ZIP",
           "startup_added_path0"]


def startup_added_path0():
    """Does python's start-up put the target's entry at ``sys.path[0]``
    for a script or ``-m`` (not under ``-I``/``-P``)?"""
    return not (sys.flags.isolated or getattr(sys.flags, "safe_path", False))


class Kind(str):
    """A kind of target; the base class is a plain file's."""

    __slots__ = ()
    #: Is the code asked for only once the fresh module is in place?  A
    #: loader that is neither runpath_spec's nor the one runpy would use
    #: may need the module first (hy's edits ``sys.modules[name]``), or
    #: have no code at all (``exec_module`` only).
    code_late = False
    #: Is the target a ``sys.path`` entry (a directory or zip) whose
    #: ``__main__`` runs, the entry first on ``sys.path`` meanwhile?
    is_entry = False
    #: Is it a directory whose ``__main__`` runs (hooked or not)?
    is_directory = False
    #: Is it a plain file that runpath_spec's own loaders read (its path
    #: is what runpy shows as ``__file__``)?
    own_file = False
    #: Why this kind's loader was chosen, as ``--explain --trace`` says.
    reason = ""
    #: Does python run it through runpy (``-m``, a directory, a zip)?  Then
    #: runpy's frames head its tracebacks and its ``__main__`` keeps
    #: ``__file__``.
    through_runpy = False
    #: The file name the code of a ``-c`` or stdin program reports, else
    #: ``None``: it has no file.
    text_filename = None

    def path0(self, path):
        """The ``sys.path[0]`` python's start-up gives this kind of target
        at *path*; ``None`` where it adds nothing (``-I``, ``-P``).  A
        script: its directory, symlinks resolved."""
        if not startup_added_path0():
            return None
        if PYPY:
            return _pypy_resolvedirof(path)
        return os.path.dirname(os.path.realpath(path))

    def python_loader(self, name, shown, spec):
        """The ``__loader__`` ``python`` gives a script of this kind (it
        makes its own: a hook's or a plug-in's loader is the spec's)."""
        return spec.loader


class _Source(Kind):
    __slots__ = ()
    own_file = True
    reason = ("runpath_spec's own loader, holding the bytes read once: no "
              "plug-in or import hook claimed the file, and it does not "
              "start with this interpreter's magic number")

    def python_loader(self, name, shown, spec):
        return SourceFileLoader(name, shown)


class _Bytecode(Kind):
    __slots__ = ()
    own_file = True
    reason = ("runpath_spec's own bytecode loader: the file starts with "
              "this interpreter's magic number")

    def python_loader(self, name, shown, spec):
        return SourcelessFileLoader(name, shown)


class _Entry(Kind):
    __slots__ = ()
    is_entry = True
    through_runpy = True

    def path0(self, path):
        # The entry itself, even under -I/-P.
        return path


class _Module(Kind):
    __slots__ = ()
    through_runpy = True
    reason = ("the loader of the spec the finders gave (as python -m "
              "would, the parent packages not imported)")

    def path0(self, path=None):
        return os.getcwd() if startup_added_path0() else None


class _Foreign(Kind):
    """A file whose loader is not runpath_spec's: a plug-in's for its
    suffix, or the one an import hook gave (``import_hooks=True``)."""

    __slots__ = ()
    code_late = True


class _Custom(_Foreign):
    __slots__ = ()
    reason = "the loader a plug-in registered for the file's suffix"


class _Hook(_Foreign):
    __slots__ = ()
    reason = ("the loader of the spec the import system gave for this very "
              "file")


class _Directory(_Entry):
    __slots__ = ()
    is_directory = True
    reason = "the loader the directory's own finder gave its __main__"


class _Zip(_Entry):
    __slots__ = ()
    reason = "the loader the zip file's own finder gave its __main__"


class _Text(Kind):
    """A program given as text: ``-c CODE`` or ``-`` (stdin)."""

    __slots__ = ()

    def path0(self, path=None):
        # '' (the current directory, as it is when imports happen).
        return "" if startup_added_path0() else None


class _Command(_Text):
    __slots__ = ()
    text_filename = "<string>"


class _Stdin(_Text):
    __slots__ = ()
    text_filename = "<stdin>"


class _HookedEntry(_Entry):
    """A directory or zip whose ``__main__`` an import hook's finder
    claimed.  Its code is asked for first all the same: python runs an
    entry's ``__main__`` through runpy, which asks the loader for code
    before the module exists, hooked or not."""

    __slots__ = ()
    reason = ("the loader an import hook's finder gave the entry's "
              "__main__")


class _HookedDirectory(_HookedEntry):
    __slots__ = ()
    is_directory = True


def _pypy_resolvedirof(path):
    """PyPy's ``sys.path[0]`` for a script (``app_main.resolvedirof``): the
    file's own symlinks followed, each relative to its directory, but not
    a symlinked directory (CPython's ``realpath`` resolves both)."""
    path, seen = os.path.abspath(path), set()
    while os.path.islink(path) and path not in seen:
        seen.add(path)
        path = os.path.abspath(os.path.join(os.path.dirname(path),
                                            os.readlink(path)))
    return os.path.dirname(path)


SOURCE = _Source("source")
BYTECODE = _Bytecode("bytecode")
DIRECTORY = _Directory("directory")
ZIP = _Zip("zip")
MODULE = _Module("module")
CUSTOM = _Custom("custom")
HOOK = _Hook("hook")
COMMAND = _Command("command")
STDIN = _Stdin("stdin")
HOOKED_DIRECTORY = _HookedDirectory("directory")
HOOKED_ZIP = _HookedEntry("zip")

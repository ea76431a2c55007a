"""The exceptions runpath_spec raises for its own reasons.

Every class subclasses :class:`ImportError`, so code written against
:mod:`runpy` (which raises plain ``ImportError``) keeps catching them, and
every instance carries ``name`` (the module name the target would run as)
and ``path`` (the file or entry that was being run; ``None`` for a module
name that finds no file).  The target's own
exceptions are never wrapped: they propagate unchanged.
"""

__all__ = [
    "RunpathError",
    "MainNotFoundError",
    "BadPathError",
    "NotRegularFileError",
    "BadZipError",
    "PycError",
    "BadMagicError",
    "BadFlagsError",
    "TruncatedPycError",
    "StalePycError",
    "ImportHookWarning",
]


class RunpathError(ImportError):
    """Root of runpath_spec's own errors: a target that cannot be run."""


class MainNotFoundError(RunpathError):
    """A ``sys.path`` entry (directory or zip file) has no ``__main__``."""


class BadPathError(RunpathError, ValueError):
    """A path that names no file at all (a NUL character in it).

    Also a :class:`ValueError`, which is what runpy raises for it.
    """


class NotRegularFileError(RunpathError):
    """A device, socket or other special file given as a target.

    Regular files, FIFOs (``python <(...)``, ``/dev/fd/N``), directories and
    zip files run; a character device such as ``/dev/zero`` would be read
    forever.
    """


class BadZipError(RunpathError):
    """A file that starts or ends like a zip archive but is not a valid one."""


class PycError(RunpathError):
    """A bytecode target that is not valid bytecode for this interpreter."""


class BadMagicError(PycError):
    """The magic number is another CPython release's, or nobody's."""


class BadFlagsError(PycError):
    """The flags field has bits set that PEP 552 reserves."""


class TruncatedPycError(PycError, EOFError):
    """The header is shorter than 16 bytes, or the marshal data is cut short."""


class StalePycError(PycError):
    """The bytecode no longer matches the source it was compiled from."""


class ImportHookWarning(UserWarning):
    """``import_hooks=True``, but no import hook claimed the target file."""

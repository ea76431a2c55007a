"""Ask the import system for a file, as if it were being imported.

With ``import_hooks=True`` a script's spec comes from ``sys.meta_path``
(and, through ``PathFinder``, from ``sys.path_hooks``), asked for the
file's module name in the file's own directory.  A spec is accepted only
if its origin is that very file; the code then comes from that spec's
loader, so a source-transforming hook (typeguard, beartype.claw, an
assertion rewriter, a language front-end) applies to the main script
exactly as it does to the modules it imports.
"""

import os
import sys

__all__ = ["spec_from_import_system", "ImportHookWarning"]

from .errors import ImportHookWarning


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except (OSError, TypeError, ValueError):
        return False


def _ask_meta_path(fullname, path):
    """The first spec a ``sys.meta_path`` finder gives, as import would."""
    for finder in list(sys.meta_path):
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            continue
        spec = find_spec(fullname, path)
        if spec is not None:
            return spec
    return None


def _caller_stacklevel():
    """The ``stacklevel`` that makes a warning point at the first frame
    outside runpath_spec: the caller's line, from every public entry point
    (however many of the package's frames lie between)."""
    frame = sys._getframe(2)  # the caller of warnings.warn's caller
    level = 2
    package = __name__.rpartition(".")[0] + "."
    while frame is not None and frame.f_globals.get(
            "__name__", "").startswith(package):
        frame = frame.f_back
        level += 1
    return level


def spec_from_import_system(origin):
    """The import system's spec for the file *origin*, or ``None`` (warned)."""
    directory, filename = os.path.split(origin)
    stem = filename.split(".", 1)[0]
    spec = _ask_meta_path(stem, [directory]) if stem.isidentifier() else None
    if spec is not None and spec.loader is not None and spec.origin \
            and _same_file(spec.origin, origin):
        return spec
    import warnings
    reason = ("no finder claims it" if spec is None else
              "the import system finds {!r} at {!r} instead".format(
                  spec.name, spec.origin))
    warnings.warn(ImportHookWarning(
        "import hooks not applied to {!r}: {}; running it with "
        "runpath_spec's own loader".format(origin, reason)),
        stacklevel=_caller_stacklevel())
    return None


def main_spec_from_import_system(entry):
    """A meta-path finder's spec for an entry's ``__main__``, or ``None``."""
    spec = _ask_meta_path("__main__", [entry])
    if spec is None or spec.loader is None or not spec.origin:
        return None
    inside = os.path.join(entry, "")
    return spec if spec.origin.startswith(inside) else None

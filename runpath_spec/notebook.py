"""Run a Jupyter notebook's code cells as one module: the worked example of
runpath_spec's loader API, registered through the ``runpath_spec.loaders``
entry point for the ``.ipynb`` suffix::

    python -m runpath_spec analysis.ipynb ARGS

The notebook is nbformat 4 JSON, read with the standard library.  Code
cells run in order, in one namespace; markdown and raw cells are skipped.
Lines only IPython understands -- ``%line magic``, ``%%cell magic`` (the
whole cell), ``!shell`` -- are set aside, and one
:class:`NotebookMagicWarning` names them all.

Tracebacks lead back to the cell: line *L* of cell *N* (counting code and
markdown cells alike from 1, as a notebook's own numbering does) is line
``N * base + L`` of the module, where *base* is 1000 (or the next power of
ten above the longest cell) -- so ``line 3002`` is cell 3, line 2 -- and
:mod:`linecache` knows every cell's text, so the traceback shows it.
"""

import json
import linecache
import warnings
from importlib.machinery import SourceFileLoader

from .errors import RunpathError

__all__ = ["NotebookLoader", "NotebookMagicWarning", "notebook_source"]


class NotebookMagicWarning(UserWarning):
    """A notebook had IPython-only lines, which were not run."""


def _cell_text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def notebook_source(data, path="<notebook>"):
    """``(lines, base, set_aside)`` for notebook JSON *data* (bytes or str).

    *lines* maps module line numbers (1-based) to source text, with
    IPython-only lines blanked; *set_aside* lists ``(cell, line, text)``
    (``cell * base + line`` is that line's number in the module).
    """
    try:
        nb = json.loads(data.decode("utf-8") if isinstance(data, bytes)
                        else data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RunpathError("notebook {!r} is not valid JSON: {}".format(
            path, exc), path=path) from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise RunpathError("notebook {!r}: expected an object with a 'cells' "
                           "list, got {}".format(path, type(nb).__name__),
                           path=path)
    if nb.get("nbformat") != 4:
        raise RunpathError("notebook {!r}: expected nbformat 4, got {!r}"
                           .format(path, nb.get("nbformat")), path=path)
    cells = [(number, _cell_text(cell)) for number, cell in
             enumerate(nb["cells"], 1)
             if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    longest = max((text.count("\n") + 1 for _, text in cells), default=1)
    base = 1000
    while base <= longest:
        base *= 10
    lines, set_aside = {}, []
    for number, text in cells:
        cell_magic = text.lstrip().startswith("%%")
        for offset, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip()
            if cell_magic or stripped.startswith(("%", "!")):
                if stripped:
                    set_aside.append((number, offset, stripped))
                line = ""
            lines[number * base + offset] = line
    return lines, base, set_aside


class NotebookLoader(SourceFileLoader):
    """Compile a notebook's code cells into one module's code object."""

    def source_to_code(self, data, path, fullname=None, *, _optimize=-1):
        lines, base, set_aside = notebook_source(data, path)
        total = max(lines, default=0)
        text = [""] * total
        for number, line in lines.items():
            text[number - 1] = line
        source = "\n".join(text) + "\n"
        # Tracebacks read source lines through linecache: give it the
        # cells as written (an entry without mtime is never invalidated).
        shown = list(text)
        for cell, line, original in set_aside:
            shown[cell * base + line - 1] = original
        linecache.cache[path] = (len(source), None,
                                 [line + "\n" for line in shown], path)
        if set_aside:
            names = ", ".join("{} (cell {})".format(t.split()[0], c)
                              for c, _, t in set_aside)
            cell, line, _ = set_aside[0]
            warnings.warn_explicit(NotebookMagicWarning(
                "notebook {!r}: set aside {} IPython-only line{}: {}".format(
                    path, len(set_aside), "" if len(set_aside) == 1 else "s",
                    names)), NotebookMagicWarning, path, cell * base + line)
        return compile(source, path, "exec", dont_inherit=True,
                       optimize=_optimize)

    def get_code(self, fullname):
        return self.source_to_code(self.get_data(self.path), self.path)

    def set_data(self, path, data, *, _mode=0o666):
        """Never cache a notebook's bytecode."""

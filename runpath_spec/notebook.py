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
:mod:`linecache` knows every cell's text, so the traceback shows it.  Each
cell is parsed on its own and its line numbers moved to its place, so
memory stays linear in the notebook's size however far apart the cells'
numbers are.

Lines end where Python's tokenizer ends them -- at ``\\r\\n``, ``\\r`` or
``\\n`` only -- so a form feed or a ``\\u2028`` in a comment cannot start a
line of code that ``compile()`` and IPython would not run.
"""

import ast
import json
import linecache
import re
import sys
import warnings
from importlib.machinery import SourceFileLoader

from .errors import RunpathError

__all__ = ["NotebookLoader", "NotebookMagicWarning", "notebook_source"]

#: Where Python's tokenizer ends a line: not everywhere str.splitlines() does
#: (form feed, vertical tab, \x1c-\x1e, \x85, \u2028, \u2029).
_NEWLINE = re.compile(r"\r\n|\r|\n")


class NotebookMagicWarning(UserWarning):
    """A notebook had IPython-only lines, which were not run."""


def _split(text):
    """*text*'s lines, as Python's tokenizer has them (no line ends)."""
    if not text:
        return []
    lines = _NEWLINE.split(text)
    if not lines[-1]:
        del lines[-1]  # the text ended with a line end
    return lines


def _printable(text):
    """*text* with what a terminal would obey escaped (``\x1b`` ...)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _cell_text(cell, number, path):
    source = cell.get("source", "")
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        wrong = sorted({type(s).__name__ for s in source
                        if not isinstance(s, str)})
        if not wrong:
            return "".join(source)
        found = "a list holding " + ", ".join(wrong)
    else:
        found = type(source).__name__
    raise RunpathError(
        "notebook {!r}: cell {}: expected 'source' as a string or a list "
        "of strings, got {}".format(path, number, found), path=path)


def _load(data, path):
    """The notebook's JSON object, checked to be nbformat 4."""
    try:
        nb = json.loads(data.decode("utf-8") if isinstance(data, bytes)
                        else data)
    except RecursionError:
        raise RunpathError(
            "notebook {!r} is nested too deeply: expected JSON the parser "
            "can follow within the recursion limit ({}), found deeper "
            "nesting".format(path, sys.getrecursionlimit()),
            path=path) from None
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
    return nb


def _code_cells(data, path):
    """``(cells, base, set_aside)``: *cells* lists ``(number, lines)`` per
    code cell, IPython-only lines blanked; see :func:`notebook_source`."""
    cells = []
    for number, cell in enumerate(_load(data, path)["cells"], 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            text = _cell_text(cell, number, path)
            cells.append((number, text.lstrip().startswith("%%"),
                          _split(text)))
    longest = max((len(lines) for _, _, lines in cells), default=1)
    base = 1000
    while base <= longest:
        base *= 10
    code, set_aside = [], []
    for number, cell_magic, lines in cells:
        for offset, line in enumerate(lines, 1):
            stripped = line.lstrip()
            if cell_magic or stripped.startswith(("%", "!")):
                if stripped:
                    set_aside.append((number, offset, stripped))
                lines[offset - 1] = ""
        code.append((number, lines))
    return code, base, set_aside


def notebook_source(data, path="<notebook>"):
    """``(lines, base, set_aside)`` for notebook JSON *data* (bytes or str).

    *lines* maps module line numbers (1-based) to source text, with
    IPython-only lines blanked; *set_aside* lists ``(cell, line, text)``
    (``cell * base + line`` is that line's number in the module).
    """
    cells, base, set_aside = _code_cells(data, path)
    lines = {}
    for number, cell_lines in cells:
        first = number * base + 1
        lines.update(zip(range(first, first + len(cell_lines)), cell_lines))
    return lines, base, set_aside


class _Lines(object):
    """A module's lines for :mod:`linecache`: a read-only sequence of
    *length* lines, those not in *lines* (a dict by line number) empty.

    The cells' line numbers are far apart (cell 3 starts at 3001 or
    30001 ...): a list would hold every empty line between them."""

    __slots__ = ("_lines", "_length")

    def __init__(self, lines, length):
        self._lines = lines
        self._length = length

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("line index out of range")
        return self._lines.get(index + 1, "\n")

    def __iter__(self):
        get = self._lines.get
        for number in range(1, self._length + 1):
            yield get(number, "\n")


def _parse_cell(lines, path, offset):
    """The AST of one cell, its line numbers moved down by *offset*."""
    source = "\n".join(lines) + "\n"
    try:
        tree = ast.parse(source, path)
    except SyntaxError as exc:
        if exc.lineno is not None:
            # The parser may quote the notebook file's own line (JSON).
            if 0 < exc.lineno <= len(lines):
                exc.text = lines[exc.lineno - 1] + "\n"
            exc.lineno += offset
        if getattr(exc, "end_lineno", None) is not None:
            exc.end_lineno += offset
        exc.args = (exc.msg, (exc.filename, exc.lineno, exc.offset, exc.text)
                    + tuple(getattr(exc, name) for name in (
                        "end_lineno", "end_offset") if hasattr(exc, name)))
        raise
    return ast.increment_lineno(tree, offset)


def _warn_again(caught, path):
    """Issue the parse's warnings (invalid escape sequences ...) again,
    at their lines in the module, through the filters in force; as
    ``compile()`` does, one that the filters make an error is a
    :class:`SyntaxError`."""
    for w, offset, lines in caught:
        lineno = w.lineno
        if w.filename == path and lineno is not None:
            lineno += offset
        try:
            warnings.warn_explicit(w.message, w.category, w.filename, lineno)
        except (SyntaxWarning, DeprecationWarning) as exc:
            if w.filename != path or not isinstance(exc, w.category):
                raise
            line = lines[w.lineno - 1] if 0 < w.lineno <= len(lines) else None
            raise SyntaxError(str(exc), (path, lineno, 0, line)) from None


class NotebookLoader(SourceFileLoader):
    """Compile a notebook's code cells into one module's code object."""

    def source_to_code(self, data, path, fullname=None, *, _optimize=-1):
        cells, base, set_aside = _code_cells(data, path)
        # Tracebacks read source lines through linecache: give it the
        # cells as written (an entry without mtime is never invalidated);
        # set-aside lines appear only under the warning, escaped there.
        shown = {}
        for number, lines in cells:
            first = number * base + 1
            shown.update(zip(range(first, first + len(lines)),
                             [line + "\n" for line in lines]))
        for cell, line, original in set_aside:
            shown[cell * base + line] = _printable(original) + "\n"
        linecache.cache[path] = (len(data), None,
                                 _Lines(shown, max(shown, default=0)), path)
        # Each cell is parsed on its own, so the parser's warnings carry
        # line numbers within the cell: hold them (one catch_warnings for
        # the notebook), then issue them again where the line is.
        module = ast.Module(body=[], type_ignores=[])
        caught = []
        try:
            with warnings.catch_warnings(record=True) as held:
                warnings.simplefilter("always")
                for number, lines in cells:
                    if not lines:
                        continue
                    offset = number * base
                    start = len(held)
                    try:
                        tree = _parse_cell(lines, path, offset)
                    finally:
                        caught.extend((w, offset, lines)
                                      for w in held[start:])
                    module.body.extend(tree.body)
        finally:
            _warn_again(caught, path)
        if set_aside:
            names = ", ".join("{} (cell {})".format(
                _printable(t.split()[0]), c) for c, _, t in set_aside)
            cell, line, _ = set_aside[0]
            warnings.warn_explicit(NotebookMagicWarning(
                "notebook {!r}: set aside {} IPython-only line{}: {}".format(
                    path, len(set_aside), "" if len(set_aside) == 1 else "s",
                    names)), NotebookMagicWarning, path, cell * base + line)
        return compile(module, path, "exec", dont_inherit=True,
                       optimize=_optimize)

    def get_code(self, fullname):
        return self.source_to_code(self.get_data(self.path), self.path)

    def set_data(self, path, data, *, _mode=0o666):
        """Never cache a notebook's bytecode."""

"""The notebook loader (``runpath_spec.notebook``): cells run in order as
one module, magics are set aside, tracebacks point at the cell."""

import json
import os
import subprocess
import sys
import warnings

import pytest

import runpath_spec
from runpath_spec.notebook import NotebookLoader, NotebookMagicWarning

from conftest import make_notebook


def _notebook(tmp_path, cells, name="nb.ipynb", nbformat=4):
    return make_notebook(tmp_path / name, cells, nbformat)


NB_LOADERS = [(NotebookLoader, ".ipynb")]


def test_notebook_cells_run_in_order_as_one_module(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["tool"])
    nb = _notebook(tmp_path, [
        ("markdown", "# A title\nsome *text*"),
        ("code", ["import sys\n", "x = 1\n"]),
        ("raw", "not python at all"),
        ("code", "x += 1\nargv = list(sys.argv)"),
    ])
    g = runpath_spec.run_main(nb, ["a"], loaders=NB_LOADERS)
    assert g["x"] == 2 and g["argv"] == [nb, "a"]


def test_notebook_magics_are_set_aside_with_one_warning(tmp_path):
    nb = _notebook(tmp_path, [
        ("code", "%matplotlib inline\nx = 1"),
        ("code", "!ls -l\ny = 2"),
        ("code", "%%timeit\nthis cell is not python"),
        ("code", "z = x + y"),
    ])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert g["z"] == 3
    magic = [w for w in caught if w.category is NotebookMagicWarning]
    assert len(magic) == 1
    message = str(magic[0].message)
    assert "set aside 4 IPython-only lines" in message
    for text in ("%matplotlib (cell 1)", "!ls (cell 2)", "%%timeit (cell 3)"):
        assert text in message


def test_notebook_traceback_points_at_the_cell(tmp_path):
    nb = _notebook(tmp_path, [
        ("code", "a = 1"),
        ("markdown", "between"),
        ("code", ["def f():\n", "    raise ValueError('in cell three')\n",
                  "f()\n"]),
    ])
    import traceback
    with pytest.raises(ValueError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    frames = traceback.extract_tb(info.value.__traceback__)[-2:]
    assert [(f.filename, f.lineno, f.line) for f in frames] == [
        (nb, 3003, "f()"),
        (nb, 3002, "raise ValueError('in cell three')")]


@pytest.mark.parametrize("content, message", [
    ("not json", "is not valid JSON"),
    ("[1, 2]", "expected an object with a 'cells' list"),
    (json.dumps({"nbformat": 3, "cells": []}), "expected nbformat 4, got 3"),
])
def test_bad_notebooks(content, message, tmp_path):
    p = tmp_path / "bad.ipynb"
    p.write_text(content)
    with pytest.raises(runpath_spec.RunpathError, match=message):
        runpath_spec.run_path(str(p), loaders=NB_LOADERS)


def test_long_cells_widen_the_numbering(tmp_path):
    long_cell = "x = 0\n" * 1200 + "raise KeyError('deep')\n"
    nb = _notebook(tmp_path, [("code", long_cell)])
    import traceback
    with pytest.raises(KeyError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert traceback.extract_tb(info.value.__traceback__)[-1].lineno == 11201


# Characters str.splitlines() breaks lines on and Python's tokenizer does not.
NOT_NEWLINES = ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
                "\u2029"]


@pytest.mark.parametrize("char", NOT_NEWLINES,
                         ids=lambda c: "U+%04X" % ord(c))
def test_code_hidden_in_a_comment_does_not_run(char, tmp_path):
    """As under compile() or IPython: the comment runs to the newline."""
    hidden = "# nothing here%sHIDDEN = 1" % char
    namespace = {}
    exec(compile(hidden, "<cell>", "exec"), namespace)
    assert "HIDDEN" not in namespace  # what python does with the cell
    nb = _notebook(tmp_path, [
        ("code", hidden),
        ("code", "%%matplotlib inline%sMAGIC_HIDDEN = 1\nx = 1" % char),
        ("code", "y = 2  # also%sALSO_HIDDEN = 1" % char),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotebookMagicWarning)
        g = runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert (g["x"], g["y"]) == (1, 2)
    for name in ("HIDDEN", "MAGIC_HIDDEN", "ALSO_HIDDEN"):
        assert name not in g


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"],
                         ids=["CR", "CRLF", "LF"])
def test_cells_with_any_line_ending_do_not_overwrite_each_other(newline,
                                                                tmp_path):
    long_cell = newline.join("x%d = %d" % (i, i) for i in range(1500))
    nb = _notebook(tmp_path, [("code", long_cell),
                              ("code", "y = 1%sraise KeyError('here')" % (
                                  newline))])
    import traceback
    with pytest.raises(KeyError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    g = info.traceback[-1].frame.f_globals
    assert all(g["x%d" % i] == i for i in range(1500))
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (last.lineno, last.line) == (20002, "raise KeyError('here')")


def test_a_large_notebook_takes_memory_linear_in_its_size(tmp_path):
    """The issue's notebook: a 10,000-line cell, then 2,000 one-line cells
    (212 KB there, 268 KB here) took 5 GB; tracebacks still point at the
    cell's line."""
    try:
        import tracemalloc
        tracemalloc.get_traced_memory  # noqa: B018
    except (ImportError, AttributeError):
        pytest.skip("no tracemalloc here (PyPy): memory is not measurable")
    cells = [("code", "x = 0\n" * 9999 + "x += 1")]
    cells += [("code", "x += 1") for _ in range(2000)]
    cells[-1] = ("code", "raise KeyError(x)")
    nb = _notebook(tmp_path, cells)
    size = os.path.getsize(nb)
    assert 150000 < size < 300000
    import traceback
    tracemalloc.start()
    try:
        with pytest.raises(KeyError) as info:
            runpath_spec.run_path(nb, loaders=NB_LOADERS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.args == (2000,)
    # base 100,000 (the long cell has 10,000 lines): cell 2001, line 1.
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (last.filename, last.lineno, last.line) == (
        nb, 200100001, "raise KeyError(x)")
    assert peak < 200 * size, peak  # about 40 MB


def test_syntax_errors_and_parser_warnings_point_at_the_cell(tmp_path):
    """Cells are parsed one by one: what the parser reports is moved to
    the cell's lines, as when the notebook was one padded source."""
    nb = _notebook(tmp_path, [("code", "a = 1"),
                              ("code", "x = 1\ny = '\\d'"),
                              ("code", "z = 3\ndef f(:\n    pass")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(SyntaxError) as info:
            runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert (info.value.filename, info.value.lineno, info.value.text) == (
        nb, 3002, "def f(:\n")
    escape = [w for w in caught if "escape sequence" in str(w.message)]
    assert [(w.filename, w.lineno) for w in escape] == [(nb, 2002)]
    import linecache
    assert linecache.getline(nb, 2002) == "y = '\\d'\n"


def test_deeply_nested_json_is_a_runpath_error(tmp_path):
    p = tmp_path / "deep.ipynb"
    p.write_text("[" * 200000 + "]" * 200000)
    with pytest.raises(runpath_spec.RunpathError) as info:
        runpath_spec.run_path(str(p), loaders=NB_LOADERS)
    message = str(info.value)
    assert repr(str(p)) in message and "nested" in message
    assert info.value.path == str(p)


@pytest.mark.parametrize("source", [[["x = 1\n"]], 42, {"a": 1}])
def test_a_cell_source_that_is_not_text_is_a_runpath_error(source,
                                                          tmp_path):
    nb = _notebook(tmp_path, [("code", "x = 1"), ("code", source)])
    with pytest.raises(runpath_spec.RunpathError) as info:
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    assert str(info.value).startswith(
        "notebook %r: cell 2: expected 'source' as a string or a list of "
        "strings, got " % nb)


def test_warnings_escape_control_characters_from_the_notebook(tmp_path):
    nb = _notebook(tmp_path, [
        ("code", "%magic\x1b[2J\x1b]0;owned\x07 arg\nx = 1"),
        ("code", "!\x1b[31mred"),
    ])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runpath_spec.run_path(nb, loaders=NB_LOADERS)
    [w] = [w for w in caught if w.category is NotebookMagicWarning]
    shown = warnings.formatwarning(w.message, w.category, w.filename,
                                   w.lineno)
    assert "\x1b" not in shown and "\x07" not in shown
    assert "%magic\\x1b[2J\\x1b]0;owned\\x07 (cell 1)" in str(w.message)
    assert "!\\x1b[31mred (cell 2)" in str(w.message)


def test_notebook_through_the_builtin_loader_and_cli(tmp_path):
    # Built in: no entry point (nor package metadata) needed (#15).
    nb = _notebook(tmp_path, [
        ("code", "%load_ext autoreload\nimport sys\nprint('args', sys.argv[1:])"),
        ("markdown", "text"),
        ("code", "def f():\n    raise RuntimeError('third cell')\nf()"),
    ])
    out = subprocess.run([sys.executable, "-m", "runpath_spec", nb, "x"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    assert out.returncode == 1
    assert out.stdout == "args ['x']\n"
    assert "NotebookMagicWarning" in out.stderr and "%load_ext" in out.stderr
    assert 'line 3002, in f\n    raise RuntimeError(\'third cell\')' in \
        out.stderr

"""Every error message of runpath_spec that differs from runpy's, checked
against docs/runpy-differences.rst: each case is built, run through the
stdlib's runpy and through runpath_spec, and the two messages must be the
ones the page's table shows.  ``python tests/test_error_messages.py``
prints the table for the page."""

import importlib.machinery
import importlib.util
import marshal
import os
import re
import runpy
import struct
import sys
import zipfile

import pytest

import runpath_spec

from conftest import write

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(os.path.dirname(HERE), "docs", "runpy-differences.rst")
#: runpy's words before 3.12 -> the page's (3.12+): compile() and
#: os.stat() said it otherwise.
OLDER_WORDS = {
    "ValueError: source code string cannot contain null bytes":
        "SyntaxError: source code string cannot contain null bytes",
    "ValueError: embedded null byte":
        "ValueError: stat: embedded null character in path",
}


def _pyc(body=b"", magic=None, flags=0):
    magic = importlib.util.MAGIC_NUMBER if magic is None else magic
    return magic + struct.pack("<III", flags, 0, 0) + body


def _extension_module():
    for name in ("_csv", "_json", "_struct", "_bisect", "_random", "select",
                 "math", "array", "_ctypes", "_decimal", "_sqlite3", "zlib",
                 "_hashlib", "_ssl", "_lzma", "_bz2", "_uuid"):
        spec = importlib.util.find_spec(name)
        if spec is not None and isinstance(
                spec.loader, importlib.machinery.ExtensionFileLoader):
            return name
    raise LookupError("no extension module in this interpreter's stdlib")


# name -> (what the row says, "path" or "module", builder(tmp) -> target)
CASES = {
    "relative-name": ("a relative module name", "module", lambda t: ".x"),
    "namespace-package": (
        "a namespace package", "module",
        lambda t: os.makedirs(os.path.join(t, "nspkg")) or "nspkg"),
    "builtin-module": ("a built-in module", "module", lambda t: "sys"),
    "extension-module": ("an extension module", "module",
                         lambda t: _extension_module()),
    "main-is-a-package": (
        "a directory whose ``__main__`` is a package", "path",
        lambda t: os.path.dirname(os.path.dirname(write(
            os.path.join(t, "app", "__main__", "__init__.py"), "")))),
    "bad-magic-pyc": (
        "a ``.pyc`` with a wrong magic number", "path",
        lambda t: write(os.path.join(t, "m.pyc"),
                         _pyc(b"\xe3\x00\x00", magic=b"\x00\x00\r\n"))),
    "truncated-pyc": (
        "a ``.pyc`` cut short in its header", "path",
        lambda t: write(os.path.join(t, "m.pyc"), _pyc()[:10])),
    "bad-main-pyc-in-directory": (
        "a directory whose ``__main__.pyc`` has a wrong magic number",
        "path", lambda t: os.path.dirname(write(
            os.path.join(t, "app", "__main__.pyc"),
            _pyc(b"\xe3\x00\x00", magic=b"\x00\x00\r\n")))),
    "bad-main-pyc-in-zip": (
        "a zip whose ``__main__.pyc`` has a wrong magic number", "path",
        lambda t: _zip(os.path.join(t, "app.zip"), {
            "__main__.pyc": _pyc(b"\xe3\x00\x00", magic=b"\x00\x00\r\n")})),
    "bad-flags-pyc": (
        "a ``.pyc`` whose flags set a bit PEP 552 reserves", "path",
        lambda t: write(os.path.join(t, "m.pyc"), _pyc(marshal.dumps(
            compile("x = 1\n", "m.py", "exec")), flags=4))),
    "nul-in-path": ("a path with a NUL character", "path",
                    lambda t: os.path.join(t, "a\0b.py")),
    "corrupt-zip": (
        "a file that starts like a zip but is not one", "path",
        lambda t: write(os.path.join(t, "app.zip"),
                         b"PK\x03\x04" + b"\x00" * 40)),
}


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _message(call, target, tmp):
    try:
        call(target)
    except BaseException as exc:
        text = "{}: {}".format(type(exc).__name__, exc)
    else:
        text = "(runs)"
    return text.replace(os.path.realpath(tmp), "TMP").replace(tmp, "TMP")


def _normal(text, case):
    """The message as the page shows it, whatever the version."""
    text = OLDER_WORDS.get(text, text)
    text = re.sub(r"Python \d+\.\d+ \(magic \d+\)", "Python 3.X (magic N)",
                  text)
    if case == "extension-module":
        text = re.sub(r"\('[^']*'\)", "('ORIGIN')", text)
        text = re.sub(r"available for \w+", "available for EXT", text)
    return text


def messages(case, tmp):
    """(runpy's message, runpath_spec's) for *case*, built in *tmp*."""
    _, how, build = CASES[case]
    try:
        target = build(tmp)
    except LookupError:
        return None  # this interpreter has no such target
    sys.path.insert(0, tmp)
    saved = dict(sys.modules)
    try:
        if how == "module":
            pair = [_message(fn, target, tmp) for fn in (
                runpy.run_module, runpath_spec.run_module)]
        else:
            pair = [_message(fn, target, tmp) for fn in (
                runpy.run_path, runpath_spec.run_path)]
    finally:
        sys.path.remove(tmp)
        for name in set(sys.modules) - set(saved):
            del sys.modules[name]
    return tuple(_normal(text, case) for text in pair)


def _cell(text):
    return "``{}``".format(text) if text != "(runs)" else "runs it"


def table(all_messages):
    """The page's table, from ``{case: (runpy's, runpath_spec's)}``."""
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 20 40 40",
             "", "   * - Target", "     - runpy", "     - runpath_spec"]
    for case, (theirs, ours) in all_messages.items():
        lines += ["   * - " + CASES[case][0], "     - " + _cell(theirs),
                  "     - " + _cell(ours)]
    return "\n".join(lines) + "\n"


def test_the_cases_differ(tmp_path):
    for case in CASES:
        where = tmp_path / case
        where.mkdir()
        pair = messages(case, str(where))
        assert pair is None or pair[0] != pair[1], case


def test_the_page_lists_every_message_as_it_is(tmp_path):
    found = {}
    for case in CASES:
        where = tmp_path / case
        where.mkdir()
        found[case] = messages(case, str(where))
        if found[case] is None:
            pytest.skip("cannot build the case %r here" % case)
    with open(DOC) as f:
        page = f.read()
    # Indented: the table is part of the page's "Error messages" item.
    expected = "".join("   " + line if line.strip() else line
                       for line in table(found).splitlines(True))
    assert expected in page, (
        "docs/runpy-differences.rst's table of error messages drifted; "
        "regenerate it with python tests/test_error_messages.py:\n"
        + expected)


if __name__ == "__main__":
    import tempfile
    found = {}
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            found[case] = messages(case, tmp)
    if None in found.values():
        sys.exit("cannot build every case here: %s" % sorted(
            case for case, pair in found.items() if pair is None))
    sys.stdout.write(table(found))

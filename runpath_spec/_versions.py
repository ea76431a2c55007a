"""Every rule that differs between interpreter versions, in one place.

Two kinds of rule live here.  What ``python`` itself does differently from
one release to the next (the flags below), and what the running
interpreter's ``runpy.py`` looks like (:data:`RUNPY`, one row of
:data:`_RUNPY_TABLE`): the signature of its ``_get_code_from_file``,
whether ``run_path`` decodes its path, and the line of each statement
runpath_spec presents its runner frames at.  The rows were read off each
interpreter's ``runpy.py`` with :mod:`ast` (``tests/runpy_facts.py``), and
``tests/test_versions.py`` reads the running interpreter's again and
compares.  A release this table does not name takes the newest row before
it: only line numbers in a traceback can then be off.
"""

import sys

__all__ = ["PYPY", "ABSOLUTE_MAIN_FILE", "CACHED_IN_GLOBALS",
           "MAIN_ANNOTATIONS", "COMPILE_WITH_MODULE", "RUNPY_IMPORTS_TYPES",
           "RUNPY_IMPORTS_PKGUTIL", "PATHFINDER_EPOCH", "FORGET_FILE_FIRST",
           "SETS_LAST_EXC", "C_SOURCE_IN_RUN", "C_SOURCE_NOT_IN_WARNINGS",
           "C_SOURCE_ONLY_IN_RUN", "ATEXIT_ERROR_HEAD", "LINECACHE_KEYS_BY_CODE", "RUNPY", "RunpyFacts",
           "runpy_facts", "runpy_filename"]

PYPY = sys.implementation.name == "pypy"
# python's __file__ for a script is absolute from 3.9 (as given on 3.8).
ABSOLUTE_MAIN_FILE = sys.version_info >= (3, 9)
# 3.15 stopped putting __cached__ in runpy's globals and python's __main__
# (deprecated since 3.12).
CACHED_IN_GLOBALS = sys.version_info < (3, 15)
# PEP 649 (3.14): a fresh __main__ no longer starts with __annotations__.
MAIN_ANNOTATIONS = sys.version_info < (3, 14)
# 3.15's SourceLoader passes the module name on to compile() (module=).
COMPILE_WITH_MODULE = sys.version_info >= (3, 15)
# python takes __file__ out of a script's __main__ as soon as it ends
# (before it reports an error or handles SystemExit) from 3.14; earlier
# versions after reporting.
FORGET_FILE_FIRST = sys.version_info >= (3, 14)
# python's report of an uncaught exception sets sys.last_exc from 3.12.
SETS_LAST_EXC = sys.version_info >= (3, 12)
# 3.13 shows the source of -c in tracebacks and warnings; 3.14 keys it by
# the code object: tracebacks show it, warnings (by file name) do not.
C_SOURCE_IN_RUN = sys.version_info >= (3, 13)
C_SOURCE_NOT_IN_WARNINGS = sys.version_info >= (3, 14)
# 3.13 and 3.14 show it while the program runs and reports its error, and
# no more in atexit handlers; 3.15 there too.
C_SOURCE_ONLY_IN_RUN = (3, 13) <= sys.version_info < (3, 15)
# How atexit introduces an error in a handler (PyPy prints no traceback).
if sys.version_info >= (3, 13):
    ATEXIT_ERROR_HEAD = "Exception ignored in atexit callback {!r}:\n"
elif sys.version_info >= (3, 10):
    ATEXIT_ERROR_HEAD = "Exception ignored in atexit callback: {!r}\n"
else:
    ATEXIT_ERROR_HEAD = "Error in atexit._run_exitfuncs:\n"
# linecache._register_code keys -c's source by the file name on 3.13, by
# each code object from 3.14.
LINECACHE_KEYS_BY_CODE = sys.version_info >= (3, 14)
# importlib.invalidate_caches() bumps a counter from 3.9 on
# (_NamespacePath._epoch: _cpython.caches_epoch).
PATHFINDER_EPOCH = sys.version_info >= (3, 9)
# What runpy imported into its namespace (runpath_spec.compat imports it
# too): types before 3.11, pkgutil's get_importer and read_code before 3.10.
RUNPY_IMPORTS_TYPES = sys.version_info < (3, 11)
RUNPY_IMPORTS_PKGUTIL = sys.version_info < (3, 10)


class RunpyFacts:
    """What one release's ``runpy.py`` looks like.

    *reader* is the parameter list of ``_get_code_from_file``;
    *fsdecodes*: ``run_path`` decodes a path object to ``str`` (gh-99437);
    *lines*: ``{function: {step: line}}``, the line of each statement of
    runpy's runner functions that runpath_spec's presented frames stand
    at; *warn*: the line of ``_get_module_details``'s ``warn(...)``.
    """

    __slots__ = ("reader", "fsdecodes", "lines", "warn")

    def __init__(self, reader, fsdecodes, lines, warn):
        self.reader = reader
        self.fsdecodes = fsdecodes
        self.lines = lines
        self.warn = warn

    def __repr__(self):
        return "RunpyFacts({!r}, {!r}, {!r}, {!r})".format(
            self.reader, self.fsdecodes, self.lines, self.warn)


_OLD_READER = ("run_name", "fname")


def _lines(code, module_code, as_main, run_module, run_path, module_details,
           main_details):
    """The table's line columns, in the order runpy.py defines them:
    ``_run_code`` (def, exec), ``_run_module_code`` (def, with, call),
    ``_run_module_as_main`` (def, details, find_main, call),
    ``run_module`` (def, details, alter, plain), ``run_path`` (def, find,
    read, file, entry), ``_get_module_details`` (import_parent,
    package_main, get_code) and ``_get_main_module_details`` (details)."""
    return {
        "_run_code": dict(zip(("def", "exec"), code)),
        "_run_module_code": dict(zip(("def", "with", "call"), module_code)),
        "_run_module_as_main": dict(zip(("def", "details", "find_main",
                                         "call"), as_main)),
        "run_module": dict(zip(("def", "details", "alter", "plain"),
                               run_module)),
        "run_path": dict(zip(("def", "find", "read", "file", "entry"),
                             run_path)),
        "_get_module_details": dict(zip(("import_parent", "package_main",
                                         "get_code"), module_details)),
        "_get_main_module_details": dict(zip(("details",), main_details)),
    }


# (implementation, first release, facts): the rows of one implementation
# newest first.  3.12.6 changed _get_code_from_file's signature (not a line
# moved); checked on 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0,
# 3.14.10, 3.15.2 and PyPy 3.11 (7.3.x/8.0).
_RUNPY_TABLE = (
    ("cpython", (3, 15), RunpyFacts(
        ("fname", "module"), True, _lines(
            (65, 87),
            (90, 95, 97),
            (177, 192, 194, 201),
            (204, 225, 229, 232),
            (267, 286, 291, 292, 309),
            (113, 150, 163),
            (244,)), 129)),
    ("cpython", (3, 14), RunpyFacts(
        ("fname",), True, _lines(
            (65, 88),
            (91, 96, 98),
            (178, 194, 196, 203),
            (206, 227, 231, 234),
            (269, 288, 293, 294, 311),
            (114, 151, 164),
            (246,)), 130)),
    ("cpython", (3, 13), RunpyFacts(
        ("fname",), True, _lines(
            (65, 88),
            (91, 96, 98),
            (173, 189, 191, 198),
            (201, 222, 226, 229),
            (262, 281, 286, 287, 304),
            (112, 148, 159),
            (240,)), 128)),
    ("cpython", (3, 12, 6), RunpyFacts(
        ("fname",), False, _lines(
            (65, 88),
            (91, 96, 98),
            (173, 189, 191, 198),
            (201, 222, 226, 229),
            (262, 281, 285, 286, 303),
            (112, 148, 159),
            (240,)), 128)),
    ("cpython", (3, 12), RunpyFacts(
        _OLD_READER, False, _lines(
            (65, 88),
            (91, 96, 98),
            (173, 189, 191, 198),
            (201, 222, 226, 229),
            (262, 281, 285, 286, 303),
            (112, 148, 159),
            (240,)), 128)),
    ("cpython", (3, 11), RunpyFacts(
        _OLD_READER, False, _lines(
            (65, 88),
            (91, 96, 98),
            (173, 189, 191, 198),
            (201, 222, 226, 229),
            (262, 281, 290, 291, 308),
            (112, 148, 159),
            (240,)), 128)),
    ("cpython", (3, 10), RunpyFacts(
        _OLD_READER, False, _lines(
            (63, 86),
            (89, 94, 96),
            (171, 187, 189, 196),
            (199, 220, 224, 227),
            (260, 279, 288, 289, 306),
            (110, 146, 157),
            (238,)), 126)),
    ("cpython", (3, 9), RunpyFacts(
        _OLD_READER, False, _lines(
            (64, 87),
            (90, 95, 97),
            (172, 188, 190, 197),
            (200, 221, 225, 228),
            (260, 278, 287, 288, 305),
            (111, 147, 158),
            (239,)), 127)),
    ("cpython", (3, 8), RunpyFacts(
        _OLD_READER, False, _lines(
            (64, 87),
            (90, 95, 97),
            (169, 185, 187, 194),
            (197, 203, 207, 210),
            (242, 255, 264, 265, 282),
            (111, 144, 155),
            (221,)), 127)),
    ("pypy", (3, 11), RunpyFacts(
        _OLD_READER, False, _lines(
            (65, 88),
            (91, 96, 98),
            (176, 192, 194, 201),
            (204, 225, 229, 232),
            (265, 284, 293, 294, 311),
            (112, 151, 162),
            (243,)), 128)),
)


def runpy_facts(implementation, version):
    """The table's row for *implementation* at *version*: the newest row
    of that implementation not newer than *version* (else the oldest)."""
    rows = [row for row in _RUNPY_TABLE if row[0] == implementation]
    if not rows:
        rows = [row for row in _RUNPY_TABLE if row[0] == "cpython"]
    for _, first, facts in rows:
        if tuple(version) >= first:
            return facts
    return rows[-1][2]


#: The running interpreter's runpy.
RUNPY = runpy_facts(sys.implementation.name, sys.version_info[:3])


def runpy_filename():
    """The file name runpy's code has: ``<frozen runpy>`` where the
    interpreter froze it (CPython 3.11+, unless ``-X frozen_modules=off``),
    else its ``runpy.py``."""
    import os
    if sys.version_info >= (3, 11):
        from importlib.machinery import FrozenImporter
        find = getattr(FrozenImporter, "find_spec", None)
        if find is not None and find("runpy") is not None:
            return "<frozen runpy>"
    return os.path.join(os.path.dirname(os.__file__), "runpy.py")

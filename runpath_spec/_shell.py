"""python's shell: what the interpreter does once a program has ended.

``python TARGET`` reports an uncaught exception through ``sys.excepthook``
after setting ``sys.last_exc`` (3.12+), ``last_type``, ``last_value`` and
``last_traceback`` (``_PyErr_PrintEx``); turns ``SystemExit`` into the exit
status, printing a message that is not an int (``handle_system_exit``);
dies of SIGINT after an uncaught ``KeyboardInterrupt``, once threads and
atexit handlers are done (``_Py_HandleSystemExit``/``Py_RunMain``); and
takes ``__file__`` and ``__cached__`` back out of a script's ``__main__``
(``_PyRun_SimpleFileObject``).  For ``-m``, a directory or a zip, runpy
ran the code: its frames head the traceback.  Each step is here, as the
running version takes it.
"""

import os
import sys

__all__ = ["sigint_if_interrupted", "finish", "report", "exit_status",
           "runner_traceback", "importlib_frames", "chained", "after",
           "RUNPY_LINES", "ANCHORS", "lines_in_source", "runpy_file"]

_PYPY = sys.implementation.name == "pypy"
# 3.14 takes __file__ out as soon as the script ends, before it prints an
# error (sys.excepthook sees no __file__) or handles SystemExit; earlier
# versions after printing, and not at all on SystemExit.
_FORGET_FILE_FIRST = sys.version_info >= (3, 14)


def _set_last(exc):
    """What ``PyErr_Print`` records before it calls ``sys.excepthook``."""
    if sys.version_info >= (3, 12):
        sys.last_exc = exc
    sys.last_type, sys.last_value = type(exc), exc
    sys.last_traceback = exc.__traceback__


def exit_status(exc):
    """The status python exits with for *exc* (a ``SystemExit``), after
    printing its message if it is not an int, as ``handle_system_exit``
    does."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    stderr = sys.stderr
    if stderr is not None:
        try:
            stderr.write(str(code) + "\n")
            stderr.flush()
        except Exception:  # python ignores a broken stderr here too
            pass
    return 1


def finish(exc, forget, traceback, custom_printer=False):
    """python's last steps for a program that ended with *exc*; *forget*
    takes ``__file__`` out of its ``__main__`` (when python does);
    *traceback* is the one python shows.  The exit status."""
    if _FORGET_FILE_FIRST:
        forget()
    if isinstance(exc, SystemExit):
        return exit_status(exc)  # before 3.14 python exits at once
    report(exc, traceback, custom_printer)
    forget()
    if isinstance(exc, KeyboardInterrupt):
        global _SIGINT_AT_EXIT
        _SIGINT_AT_EXIT = True
        return 130  # what a shell shows; the process dies of SIGINT first
    return 1


def report(exc, traceback, custom_printer=False):
    """Record and print *exc* with *traceback*, as ``PyErr_Print`` does."""
    # The default hook prints exc.__traceback__, whatever tb it is given.
    exc.__traceback__ = traceback
    _set_last(exc)
    if custom_printer and sys.excepthook is sys.__excepthook__:
        # A custom loader's source (a notebook's cells) is known only
        # to linecache, which the C printer does not read before 3.13.
        import traceback as _traceback
        _traceback.print_exception(type(exc), exc, traceback)
    else:
        sys.excepthook(type(exc), exc, traceback)


_SIGINT_AT_EXIT = False


def sigint_if_interrupted():  # pragma: no cover - exercised in a subprocess
    """Die of SIGINT if :func:`finish` saw a ``KeyboardInterrupt``."""
    if not _SIGINT_AT_EXIT:
        return
    import signal
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)


# runpy's lines that are on the stack under python -m, python DIR and
# python ZIP: name -> (function, the text of the line).  Their numbers
# differ by version: RUNPY_LINES below, checked against each interpreter's
# Lib/runpy.py by the tests; a version not in the table reads them there.
ANCHORS = {
    "run": ("_run_module_as_main", "return _run_code(code, main_globals, "
            "None,"),
    "exec": ("_run_code", "exec(code, run_globals)"),
    "find_module": ("_run_module_as_main", "mod_name, mod_spec, code = "
                    "_get_module_details(mod_name, _Error)"),
    "find_main": ("_run_module_as_main", "mod_name, mod_spec, code = "
                  "_get_main_module_details(_Error)"),
    "main_details": ("_get_main_module_details",
                     "return _get_module_details(main_name)"),
    "import_parent": ("_get_module_details", "__import__(pkg_name)"),
    "package_main": ("_get_module_details",
                     "return _get_module_details(pkg_main_name, error)"),
    "get_code": ("_get_module_details", "code = loader.get_code(mod_name)"),
}

#: (implementation, major, minor, micro) -> the line of each anchor.
RUNPY_LINES = {
    ("cpython", 3, 8, 18): dict(run=194, exec=87, find_module=185,
                                find_main=187, main_details=221,
                                import_parent=111, package_main=144,
                                get_code=155),
    ("cpython", 3, 9, 18): dict(run=197, exec=87, find_module=188,
                                find_main=190, main_details=239,
                                import_parent=111, package_main=147,
                                get_code=158),
    ("cpython", 3, 10, 13): dict(run=196, exec=86, find_module=187,
                                 find_main=189, main_details=238,
                                 import_parent=110, package_main=146,
                                 get_code=157),
    ("cpython", 3, 11, 7): dict(run=198, exec=88, find_module=189,
                                find_main=191, main_details=240,
                                import_parent=112, package_main=148,
                                get_code=159),
    ("cpython", 3, 12, 1): dict(run=198, exec=88, find_module=189,
                                find_main=191, main_details=240,
                                import_parent=112, package_main=148,
                                get_code=159),
    ("cpython", 3, 13, 0): dict(run=198, exec=88, find_module=189,
                                find_main=191, main_details=240,
                                import_parent=112, package_main=148,
                                get_code=159),
    ("cpython", 3, 14, 10): dict(run=203, exec=88, find_module=194,
                                 find_main=196, main_details=246,
                                 import_parent=114, package_main=151,
                                 get_code=164),
    ("cpython", 3, 15, 2): dict(run=201, exec=87, find_module=192,
                                find_main=194, main_details=244,
                                import_parent=113, package_main=150,
                                get_code=163),
    ("pypy", 3, 11, 17): dict(run=201, exec=88, find_module=192,
                              find_main=194, main_details=243,
                              import_parent=112, package_main=151,
                              get_code=162),
}


def runpy_file():
    """The file name runpy's frames have: ``<frozen runpy>`` where it is
    frozen (CPython 3.11+), else runpy.py's own path."""
    source = os.path.join(os.path.dirname(os.__file__), "runpy.py")
    if sys.version_info >= (3, 11) and not _PYPY:
        return "<frozen runpy>", source
    return source, source


def runpy_lines():
    """``{anchor: line}`` of the running interpreter's runpy."""
    key = (sys.implementation.name,) + tuple(sys.version_info[:3])
    lines = RUNPY_LINES.get(key)
    if lines is None:
        lines = lines_in_source(runpy_file()[1])
    return lines


def lines_in_source(filename):
    """``{anchor: line}`` read off runpy's source *filename*: the first
    line holding the anchor's text inside its function."""
    try:
        with open(filename, encoding="utf-8") as f:
            source = f.read().splitlines()
    except OSError:
        return {}
    found = {}
    for key, (function, text) in ANCHORS.items():
        inside = False
        for number, line in enumerate(source, 1):
            if line[:1] not in ("", " ", "\t", "#"):  # top level
                inside = line.startswith("def " + function + "(")
            elif inside and text in line:
                found[key] = number
                break
    return found


class _Next:
    """Whatever name a stand-in runpy line looks up: calling it (or an
    attribute of it) goes one frame deeper."""

    def __init__(self, call):
        self._call = call

    def __call__(self, *args, **kwargs):
        return self._call()

    def __getattr__(self, name):
        return self


class _Names(dict):
    def __init__(self, call):
        super().__init__()
        self.next = _Next(call)

    def __missing__(self, name):
        return self.next


class _Stop(Exception):
    pass


def _stand_in(function, line, text, filename):
    """Module code whose line *line* is *text* (runpy's own, so that the
    positions a traceback underlines are runpy's), named *function*."""
    body = text.strip() or "x()"
    indent = text[:len(text) - len(text.lstrip())] or " "
    if body.startswith("return "):  # (the same columns, outside a def)
        body = "_ =   " + body[len("return"):]
    for closing in ("", ")", "))", ")))"):
        source = ("\n" * (line - 2) + "if 1:\n" + indent + body + "\n"
                  + indent + closing)
        try:
            code = compile(source, filename, "exec")
            break
        except SyntaxError:
            continue
    else:  # pragma: no cover - a line no closing completes
        code = compile("\n" * (line - 1) + "x()", filename, "exec")
    changes = {"co_name": function}
    if hasattr(code, "co_qualname"):
        changes["co_qualname"] = function
    return code.replace(**changes)


def _frames(anchors):
    """``[(frame, lasti, lineno)]`` of runpy's functions for *anchors*,
    outermost first: frames that ran the same lines runpy's did."""
    import linecache
    lines = runpy_lines()
    shown, source = runpy_file()
    codes = []
    for anchor in anchors:
        if anchor not in lines:
            return []  # a runpy we cannot read: nothing made up
        number = lines[anchor]
        text = linecache.getline(source, number).rstrip("\n")
        codes.append(_stand_in(ANCHORS[anchor][0], number, text, shown))

    def run(i):
        if i == len(codes):
            raise _Stop
        exec(codes[i], _Names(lambda: run(i + 1)))

    try:
        run(0)
    except _Stop as stop:
        tb = stop.__traceback__
    found = []
    while tb is not None:
        if tb.tb_frame.f_code in codes:
            found.append((tb.tb_frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    return found


def runner_traceback(anchors, tb):
    """*tb* headed by runpy's frames for *anchors*, as python shows it."""
    from types import TracebackType
    for frame, lasti, lineno in reversed(_frames(anchors)):
        tb = TracebackType(tb, frame, lasti, lineno)
    return tb


def importlib_frames(exc, spec):
    """The frames python's import system shows above a ``SyntaxError`` in
    a module it compiles (``get_code``, ``source_to_code``,
    ``_call_with_frames_removed``): the interpreter's own, taken from its
    ``SourceFileLoader`` compiling the same file again.  ``None`` where
    the target's loader is not a ``SourceFileLoader``, or the file no
    longer gives the same error."""
    from importlib.machinery import SourceFileLoader
    loader = getattr(spec, "loader", None)
    if not isinstance(loader, SourceFileLoader) or not spec.origin:
        return None
    try:
        SourceFileLoader(spec.name, spec.origin).get_code(spec.name)
    except SyntaxError as again:
        if again.args == exc.args:
            return again.__traceback__.tb_next
    except Exception:
        pass
    return None


def chained(first, then):
    """The traceback entries of *first* (its own frames), then *then*."""
    from types import TracebackType
    entries = []
    while first is not None:
        entries.append(first)
        first = first.tb_next
    for tb in reversed(entries):
        then = TracebackType(then, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
    return then


def after(tb, directory, keep=True):
    """*tb* from the first frame after the first run of frames in
    *directory* (runpath_spec's own): what a tool's call into the package
    led to; if no frame is there, *tb* itself (*keep*) or ``None``."""
    cur, seen = tb, False
    while cur is not None:
        inside = cur.tb_frame.f_code.co_filename.startswith(directory)
        if seen and not inside:
            return cur
        seen = seen or inside
        cur = cur.tb_next
    return None if seen or not keep else tb

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

from ._versions import (FORGET_FILE_FIRST, RUNPY, SETS_LAST_EXC,
                        runpy_filename)

__all__ = ["sigint_if_interrupted", "finish", "report", "exit_status",
           "runner_traceback", "importlib_frames", "after",
           "ANCHORS", "runpy_lines", "runpy_file"]


def _set_last(exc):
    """What ``PyErr_Print`` records before it calls ``sys.excepthook``."""
    if SETS_LAST_EXC:
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
    if FORGET_FILE_FIRST:
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
# python ZIP: name -> (function, its step in _versions' table of runpy's
# lines, release by release).
ANCHORS = {
    "run": ("_run_module_as_main", "call"),
    "exec": ("_run_code", "exec"),
    "find_module": ("_run_module_as_main", "details"),
    "find_main": ("_run_module_as_main", "find_main"),
    "main_details": ("_get_main_module_details", "details"),
    "import_parent": ("_get_module_details", "import_parent"),
    "package_main": ("_get_module_details", "package_main"),
    "get_code": ("_get_module_details", "get_code"),
}


def runpy_file():
    """``(name, source)``: the file name runpy's frames have
    (``<frozen runpy>`` where it is frozen), and runpy.py's own path."""
    source = os.path.join(os.path.dirname(os.__file__), "runpy.py")
    return runpy_filename(), source


def runpy_lines():
    """``{anchor: line}`` of the running interpreter's runpy."""
    lines = RUNPY.lines
    return {anchor: lines[function][step]
            for anchor, (function, step) in ANCHORS.items()}


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

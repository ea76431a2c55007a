"""The ``runpath_spec`` pytest plugin: ``python ARGS`` in the test's process.

Installed with the package (the ``pytest11`` entry point), disabled with
``-p no:runpath_spec``.  Its one fixture, :func:`run_python`, runs a
script, a ``.pyc``, a directory or zip, ``-m MOD``, ``-c CODE`` or ``-``
as ``python`` would, in the running process, and gives back what a
subprocess would have given (:class:`CompletedPython`); then it puts the
process back as it found it.  See the documentation's "Testing your
scripts" page for the isolation rules.

pytest imports this module in every session of every project that has
runpath_spec installed, so it imports nothing but pytest (already loaded)
at module level: the machinery loads when the fixture is first used.
"""

import os
import sys

import pytest

__all__ = ["run_python", "PythonRunner", "CompletedPython",
           "ThreadTimeoutError"]

#: Seconds to wait, in all, for the non-daemon threads a program leaves.
JOIN_TIMEOUT = 10.0


class ThreadTimeoutError(TimeoutError):
    """A program's non-daemon thread was still running after the join
    timeout: python would still be waiting for it."""


class CompletedPython:
    """What :func:`run_python` gives: a :class:`subprocess.CompletedProcess`
    (``args``, ``returncode``, ``stdout``, ``stderr``) plus the program's
    uncaught ``exception`` (``SystemExit`` included; ``None`` if it ended
    normally) and ``globals`` (its ``__main__`` namespace, the live dict;
    ``None`` if it never started)."""

    def __init__(self, args, returncode, stdout, stderr, exception=None,
                 globals=None):
        self.args, self.returncode = args, returncode
        self.stdout, self.stderr = stdout, stderr
        self.exception, self.globals = exception, globals

    def __repr__(self):
        return "CompletedPython(args={!r}, returncode={!r})".format(
            self.args, self.returncode)

    def check_returncode(self):
        """Raise :class:`subprocess.CalledProcessError` for a non-zero
        ``returncode``, as :class:`~subprocess.CompletedProcess` does."""
        if self.returncode:
            import subprocess
            raise subprocess.CalledProcessError(
                self.returncode, ["python"] + list(self.args), self.stdout,
                self.stderr)


class PythonRunner:
    """The callable the :func:`run_python` fixture gives."""

    def __call__(self, *args, stdin=None, env=None, cwd=None, capture="sys",
                 join_timeout=JOIN_TIMEOUT, unload_site_packages=False):
        """Run ``python *args`` in this process; return a
        :class:`CompletedPython`.

        *args*: a script, ``.pyc``, directory or zip path, ``-m MOD``,
        ``-c CODE`` or ``-`` (the program is *stdin*), then the program's
        own arguments.  *stdin* (``str`` or ``bytes``) is ``sys.stdin``
        (empty if ``None``).  *env* maps variables to set (``None``:
        unset) over ``os.environ`` for the run; *cwd* is the working
        directory.  *capture* is ``"sys"`` (``sys.stdout``/``sys.stderr``
        replaced) or ``"fd"`` (file descriptors 1 and 2 too).  Non-daemon
        threads are joined for at most *join_timeout* seconds in all
        (:class:`ThreadTimeoutError` after).  Modules the run imports
        first are forgotten afterwards, except the standard library's and
        site-packages' -- those too with *unload_site_packages*.
        """
        if capture not in ("sys", "fd"):
            raise ValueError("capture expects 'sys' or 'fd', got {!r}".format(
                capture))
        program = _Program(_parse(args), stdin)
        state = _State(env, cwd, unload_site_packages)
        state.save()
        try:
            state.apply()
            with _Capture(capture, program.stdin_bytes) as out:
                status, exc = program.run(state, join_timeout)
        finally:
            state.restore()
        if program.timed_out:
            raise ThreadTimeoutError(program.timed_out)
        return CompletedPython(tuple(args), status, out.stdout, out.stderr,
                               exc, program.globals)


@pytest.fixture
def run_python():
    """``run_python(*args, stdin=None, env=None, cwd=None, capture="sys")``
    runs ``python *args`` in the test's process and returns a
    :class:`CompletedPython`; see :class:`PythonRunner`."""
    return PythonRunner()


# -- the command line -----------------------------------------------------------

def _parse(args):
    """``(how, what, program_args)``: how is "path", "module", "code" or
    "stdin", as python reads its command line (no options but ``-m``,
    ``-c`` and ``-``)."""
    if not args or args[0] == "-":
        return "stdin", "-", [_arg(a) for a in args[1:]]
    first = args[0]
    if isinstance(first, str) and first[:2] in ("-m", "-c") \
            and first != "--":
        how = "module" if first[1] == "m" else "code"
        if len(first) > 2:
            return how, first[2:], [_arg(a) for a in args[1:]]
        if len(args) < 2:
            raise ValueError("run_python: {} expects an argument".format(
                first[:2]))
        return how, _arg(args[1]), [_arg(a) for a in args[2:]]
    if isinstance(first, str) and first.startswith("-"):
        raise ValueError("run_python: unsupported python option {!r}: "
                         "expected a path, -m MOD, -c CODE or -".format(
                             first))
    return "path", first, [_arg(a) for a in args[1:]]


def _arg(arg):
    return os.fsdecode(arg) if isinstance(arg, (bytes, os.PathLike)) \
        else arg


# -- saving and restoring the process -------------------------------------------

class _State:
    """What a run may change in the process, saved and put back."""

    def __init__(self, env, cwd, unload_site_packages):
        self.env, self.cwd = env, cwd
        self.unload_site_packages = unload_site_packages

    def save(self):
        import warnings
        self.saved_cwd = os.getcwd()
        self.environ = dict(os.environ)
        self.sys = {name: getattr(sys, name, _ABSENT) for name in _SYS_NAMES}
        self.lists = [(lst, list(lst)) for lst in (
            sys.argv, sys.path, sys.meta_path, sys.path_hooks)]
        self.modules = dict(sys.modules)
        from ._cpython import importer_cache_keys
        self.importer_cache = importer_cache_keys()
        self.recursion_limit = sys.getrecursionlimit()
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()
        self.logging = _LoggingState()
        self.threading = _threading_hook()
        self.atexit = _Atexit()
        linecache = sys.modules.get("linecache")
        self.lines = None if linecache is None else set(linecache.cache)

    def apply(self):
        """The fresh interpreter's view: its environment, directory,
        ``sys.path``, a ``__main__`` of its own, default hooks."""
        for name, value in (self.env or {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self.cwd is not None:
            os.chdir(self.cwd)
        path, filters = _fresh()
        sys.path = list(path)
        _reset_warnings(filters)
        sys.argv = [""]
        sys.excepthook = sys.__excepthook__
        sys.displayhook = sys.__displayhook__
        # What `python -c` runs in until the target is found, so that the
        # target's sys.path[0] replaces the '' above (MainTarget's rule).
        sys.modules["__main__"] = _new_main()
        if self.threading is not None:
            import threading
            threading.excepthook = self.threading[1]
        self.atexit.intercept()

    def restore(self):
        self.atexit.release()
        self.logging.restore()
        self.warnings.__exit__(None, None, None)
        if self.threading is not None:
            import threading
            threading.excepthook = self.threading[0]
        sys.setrecursionlimit(self.recursion_limit)
        for name, value in self.sys.items():
            if value is _ABSENT:
                sys.__dict__.pop(name, None)
            else:
                setattr(sys, name, value)
        for lst, items in self.lists:
            lst[:] = items
        _restore_modules(self.modules, self.unload_site_packages)
        self._forget_lines()
        # The finders of the run's own entries go: a later run's files
        # there are found afresh, as a fresh interpreter finds them.
        from ._cpython import forget_importer_cache_entries
        forget_importer_cache_entries(self.importer_cache)
        _restore_environ(self.environ)
        os.chdir(self.saved_cwd)


    def _forget_lines(self):
        """The source lines a run's tracebacks and warnings cached: the
        next run's files may have the same (relative) names."""
        linecache = sys.modules.get("linecache")
        if linecache is not None:
            for name in set(linecache.cache) - (self.lines or set()):
                linecache.cache.pop(name, None)


_ABSENT = object()

#: The sys attributes a run may rebind, put back afterwards.
_SYS_NAMES = ("argv", "path", "meta_path", "path_hooks", "stdin", "stdout",
              "stderr", "excepthook", "displayhook", "last_type",
              "last_value", "last_traceback", "last_exc")


def _new_main():
    """A ``__main__`` as python's start-up makes it (``add_main_module``)."""
    import builtins
    from importlib.machinery import BuiltinImporter
    main = type(sys)("__main__")
    main.__dict__.update(__builtins__=builtins, __loader__=BuiltinImporter,
                         __spec__=None)
    if _rules().MAIN_ANNOTATIONS:  # (PEP 649: made on demand from 3.14)
        main.__annotations__ = {}
    return main


def _threading_hook():
    """``(saved, default)`` threading.excepthook, where ``threading`` is
    loaded (pytest installs its own hook for each test)."""
    threading = sys.modules.get("threading")
    if threading is None:
        return None
    return threading.excepthook, getattr(threading, "__excepthook__",
                                         _thread_excepthook)


def _thread_excepthook(args):
    """threading's default hook as 3.8 and 3.9 print (they keep it only in
    a private name): what a thread's uncaught exception shows."""
    import traceback
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    sys.stderr.write("Exception in thread {}:\n".format(name))
    traceback.print_exception(args.exc_type, args.exc_value,
                              args.exc_traceback, file=sys.stderr)
    sys.stderr.flush()


def _restore_environ(saved):
    current = dict(os.environ)
    if current == saved:
        return
    for name in set(current) - set(saved):
        del os.environ[name]
    for name, value in saved.items():
        if current.get(name) != value:
            os.environ[name] = value


_FRESH = {}

#: The environment variables that shape a fresh interpreter's sys.path
#: and warnings filters.
_FRESH_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONNOUSERSITE",
                    "PYTHONSAFEPATH", "PYTHONUSERBASE", "PYTHONWARNINGS",
                    "PYTHONDEVMODE", "HOME")

#: What a fresh ``python -c`` reports: its sys.path, its warnings filters.
_ASK = ("import sys, warnings, json; print(json.dumps([sys.path, [[f[0], "
        "getattr(f[1], 'pattern', f[1]), f[2].__module__, f[2].__qualname__, "
        "getattr(f[3], 'pattern', f[3]), f[4]] for f in warnings.filters]]))")


def _fresh():
    """``(sys.path, warnings filters)`` of a fresh ``python -c`` of this
    interpreter (same flags, same environment), asked once per
    environment: the ``sys.path`` every target's own entry goes in front
    of, and the filters a program starts with."""
    key = tuple(os.environ.get(v) for v in _FRESH_VARIABLES)
    if any(not os.path.isabs(p) for p in
           os.environ.get("PYTHONPATH", "").split(os.pathsep) if p):
        key += (os.getcwd(),)  # relative entries: from the directory
    if key not in _FRESH:
        import json
        import subprocess
        flags = [flag for flag, on in (
            ("-I", sys.flags.isolated), ("-E", sys.flags.ignore_environment),
            ("-s", sys.flags.no_user_site), ("-S", sys.flags.no_site),
            ("-P", getattr(sys.flags, "safe_path", False))) if on]
        out = subprocess.run([sys.executable] + flags + ["-c", _ASK],
                             stdout=subprocess.PIPE, check=True,
                             universal_newlines=True)
        path, filters = json.loads(out.stdout)
        _FRESH[key] = tuple(path), filters
    return _FRESH[key]


def _reset_warnings(filters):
    """The filters a fresh python starts with, and its way of showing a
    warning (pytest records them instead)."""
    import warnings
    warnings.resetwarnings()
    for action, message, module, qualname, pattern, lineno in filters:
        category = getattr(sys.modules.get(module), qualname, None)
        if isinstance(category, type) and issubclass(category, Warning):
            warnings.filterwarnings(action, message or "", category,
                                    pattern or "", lineno, append=True)
    warnings.showwarning = _showwarning


def _showwarning(message, category, filename, lineno, file=None, line=None):
    import warnings
    file = sys.stderr if file is None else file
    if line is None and filename == "<string>" and _rules().C_SOURCE_NOT_IN_WARNINGS:
        line = ""  # python 3.14+ keeps -c's source for tracebacks only
    try:
        file.write(warnings.formatwarning(message, category, filename,
                                          lineno, line))
    except (OSError, AttributeError):  # as warnings' own: no stderr
        pass


def _restore_modules(saved, unload_site_packages):
    """Put back every module the test process had; forget those the run
    imported first from the program's own tree (see :func:`_kept`)."""
    for name in set(sys.modules) - set(saved):
        module = sys.modules[name]
        if _kept(name, module, unload_site_packages):
            continue
        del sys.modules[name]
        parent, _, child = name.rpartition(".")
        if parent and getattr(saved.get(parent), child, None) is module:
            delattr(saved[parent], child)
    for name, module in saved.items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module


def _kept(name, module, unload_site_packages):
    """Does a module the run imported first stay imported?  Yes for
    built-in and frozen modules, extension modules (they cannot be loaded
    twice), runpath_spec's own, the standard library's and -- unless
    *unload_site_packages* -- site-packages'; no for everything else: the
    program's own tree."""
    if name == "runpath_spec" or name.startswith("runpath_spec."):
        return True
    where = _module_location(module)
    if where is None:
        return True
    from importlib.machinery import EXTENSION_SUFFIXES
    if where.endswith(tuple(EXTENSION_SUFFIXES)):
        return True
    stdlib, site = _library_dirs()
    if where.startswith(site):
        return not unload_site_packages
    return where.startswith(stdlib)


def _module_location(module):
    """The module's file, or its first ``__path__`` entry; ``None`` for a
    module that has neither (built in, frozen, made by hand)."""
    where = getattr(module, "__file__", None)
    if not isinstance(where, str):
        path = getattr(module, "__path__", None)
        try:
            where = next(iter(path), None) if path is not None else None
        except TypeError:
            where = None
    if not isinstance(where, str):
        return None
    return os.path.join(os.path.realpath(where), "")[:-1]


_LIBRARY_DIRS = []


def _library_dirs():
    """``(stdlib, site)``: tuples of directory prefixes."""
    if not _LIBRARY_DIRS:
        import site
        import sysconfig
        paths = sysconfig.get_paths()
        stdlib = {paths[k] for k in ("stdlib", "platstdlib") if k in paths}
        sites = {paths[k] for k in ("purelib", "platlib") if k in paths}
        sites.update(getattr(site, "getsitepackages", lambda: [])())
        user = getattr(site, "getusersitepackages", lambda: None)()
        if user:
            sites.add(user)

        def prefixes(dirs):
            return tuple(os.path.join(os.path.realpath(d), "") for d in dirs)
        _LIBRARY_DIRS[:] = [prefixes(stdlib - sites), prefixes(sites)]
    return _LIBRARY_DIRS[0], _LIBRARY_DIRS[1]


def _belongs_to_library(func):
    """Is *func* a function of the standard library or site-packages?
    Such a handler belongs to a library that outlives the run (weakref's
    finalize, multiprocessing and logging register theirs on first use):
    it is handed to the real atexit, for the end of the process."""
    func = getattr(func, "__func__", func)
    if type(func) is not type(_belongs_to_library):  # a Python function
        return False
    module = sys.modules.get(getattr(func, "__module__", None) or "")
    where = None if module is None else _module_location(module)
    if where is None:
        return False
    stdlib, site = _library_dirs()
    return where.startswith(stdlib + site)


class _LoggingState:
    """Every logger's handlers, level, propagation and disabled flag; the
    loggers a run creates get no handlers left.  Nothing if ``logging`` is
    not imported (a run that imports it leaves a fresh root)."""

    def __init__(self):
        logging = sys.modules.get("logging")
        self.saved = self.disable = None
        if logging is not None:
            self.saved = {name: _logger_state(logger)
                          for name, logger in _loggers(logging)}
            self.disable = logging.root.manager.disable

    def restore(self):
        logging = sys.modules.get("logging")
        if logging is None:
            return
        saved = self.saved or {"": ([], logging.WARNING, True, False)}
        for name, logger in _loggers(logging):
            handlers, level, propagate, disabled = saved.get(
                name, ([], logging.NOTSET, True, False))
            for handler in logger.handlers:
                if handler not in handlers:
                    _close(handler)
            logger.handlers[:] = handlers
            logger.level, logger.propagate = level, propagate
            logger.disabled = disabled
        logging.disable(self.disable or logging.NOTSET)


def _loggers(logging):
    return [("", logging.root)] + [
        (name, logger) for name, logger in
        list(logging.root.manager.loggerDict.items())
        if isinstance(logger, logging.Logger)]


def _logger_state(logger):
    return list(logger.handlers), logger.level, logger.propagate, \
        logger.disabled


def _close(handler):
    try:
        handler.flush()
        handler.close()
    except Exception:  # a program's broken handler is not the test's error
        pass


class _Atexit:
    """``atexit.register``/``unregister`` taken over while a program runs:
    the program's handlers run when it ends, as python's do at exit."""

    def __init__(self):
        import atexit
        self.atexit = atexit
        self.handlers = []

    def intercept(self):
        atexit = self.atexit
        self.real = atexit.register, atexit.unregister

        def register(func, *args, **kwargs):
            self.handlers.append((func, args, kwargs))
            return func

        def unregister(func):
            self.handlers[:] = [h for h in self.handlers if h[0] != func]
        register.__doc__ = self.real[0].__doc__
        unregister.__doc__ = self.real[1].__doc__
        atexit.register, atexit.unregister = register, unregister

    def release(self):
        if getattr(self, "real", None) is not None:
            self.atexit.register, self.atexit.unregister = self.real
            self.real = None

    def take(self):
        """The handlers to run now, last registered first."""
        handlers, self.handlers = self.handlers, []
        return handlers[::-1]


# -- output ---------------------------------------------------------------------

class _Capture:
    """``sys.stdin``/``stdout``/``stderr`` (and fds 1, 2 for "fd") for the
    run; ``stdout``/``stderr`` text after, decoded as a subprocess's."""

    def __init__(self, how, stdin_bytes):
        import io
        self.how, self.io, self.encoding = how, io, _preferred_encoding()
        self.stdin_bytes = stdin_bytes or b""

    def _stream(self, raw, errors):
        return self.io.TextIOWrapper(raw, encoding=self.encoding,
                                     errors=errors, write_through=True)

    def __enter__(self):
        io = self.io
        sys.stdin = self._stream(io.BytesIO(self.stdin_bytes), "strict")
        if self.how == "fd":
            self._redirect_fds()
            out = io.FileIO(1, "wb", closefd=False)
            if not (os.environ.get("PYTHONUNBUFFERED") or getattr(
                    sys.__stdout__, "write_through", False)):  # python -u
                out = io.BufferedWriter(out)  # as python's, into a pipe
            self.raws = [out, io.FileIO(2, "wb", closefd=False)]
        else:
            self.raws = [io.BytesIO(), io.BytesIO()]
        sys.stdout = self._stream(self.raws[0], "strict")
        sys.stderr = self._stream(self.raws[1], "backslashreplace")
        self.streams = sys.stdout, sys.stderr
        return self

    def _redirect_fds(self):
        import tempfile
        for stream in (sys.stdout, sys.stderr):  # pytest's, say
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        self.files = [tempfile.TemporaryFile() for _ in (1, 2)]
        self.saved_fds = []
        for fd, f in zip((1, 2), self.files):
            self.saved_fds.append(os.dup(fd))
            os.dup2(f.fileno(), fd)

    def __exit__(self, *exc_info):
        for stream in self.streams + tuple(self.raws):
            try:
                stream.flush()
            except (OSError, ValueError):  # closed by the program
                pass
        if self.how == "fd":
            data = []
            for fd, saved, f in zip((1, 2), self.saved_fds, self.files):
                os.dup2(saved, fd)
                os.close(saved)
                f.seek(0)
                data.append(f.read())
                f.close()
        else:
            data = [b"" if raw.closed else raw.getvalue()
                    for raw in self.raws]
        self.stdout, self.stderr = (self._text(d, e) for d, e in zip(
            data, ("strict", "backslashreplace")))

    def _text(self, data, errors):
        # As subprocess.run(text=True) reads a pipe: universal newlines.
        return self.io.TextIOWrapper(self.io.BytesIO(data), self.encoding,
                                     errors).read()


# -- running and ending like python ---------------------------------------------

class _Program:
    """One ``python ARGS``: found, run, ended as python ends."""

    globals = None
    timed_out = None
    target = code = None

    def __init__(self, parsed, stdin):
        self.how, self.what, self.args = parsed
        if isinstance(stdin, str):
            stdin = stdin.encode(_preferred_encoding())
        self.source = None
        if self.how == "stdin":  # the program is stdin: python reads it all
            self.source, stdin = stdin or b"", None
        self.stdin_bytes = stdin

    def run(self, state, join_timeout):
        """``(returncode, exception)`` after the program and its ending."""
        status = self._prepare()
        if status is not None:
            return status, None
        exc = None
        threading = sys.modules.get("threading")
        self.threads_before = set() if threading is None else set(
            threading.enumerate())
        try:
            self._execute()
        except BaseException as caught:
            exc = caught
        status = self._report(exc)
        if _rules().C_SOURCE_ONLY_IN_RUN:
            self._hide_c_source()
        self._join(join_timeout)
        self._call_atexit(state.atexit)
        if isinstance(exc, KeyboardInterrupt):
            import signal  # python dies of SIGINT (a shell's 130)
            status = -int(signal.SIGINT)
        return status, exc

    def _prepare(self):
        """Find and compile; ``None``, or the status of a target python
        cannot run, after printing what python prints."""
        from . import MainTarget, RunpathError
        try:
            if self.how in ("path", "module"):
                self.target = MainTarget(self.what, self.args,
                                         module=self.how == "module")
                self.code = self.target.code
            else:
                self.code = compile(
                    self.source if self.how == "stdin" else self.what,
                    "<stdin>" if self.how == "stdin" else "<string>", "exec",
                    dont_inherit=True)
        except SyntaxError as exc:
            exc.__traceback__ = None  # python shows the error alone
            sys.excepthook(type(exc), exc, None)
            return 1
        except RunpathError as exc:
            sys.stderr.write("{}: {}\n".format(sys.executable, exc))
            return 1
        except OSError as exc:
            sys.stderr.write(_cannot_open(self.what, exc))
            return 2
        return None

    def _execute(self):
        if self.target is None:
            self._execute_string()
            return
        target = self.target
        with target.as_main(restore=False) as module:
            self.globals = module.__dict__
            if self.code is None:  # a loader's own module (PEP 451)
                target.run(restore=False)
                self.globals = target.module.__dict__
            else:
                exec(self.code, self.globals)

    def _execute_string(self):
        """``-c CODE`` and ``-``: python's ``__main__`` as it makes it."""
        main = _new_main()
        if self.how == "stdin":
            main.__file__ = "<stdin>"
            if _rules().CACHED_IN_GLOBALS:
                main.__cached__ = None
        sys.modules["__main__"] = main
        if "__mp_main__" in sys.modules:
            sys.modules["__mp_main__"] = main
        sys.argv = ["-c" if self.how == "code" else "-"] + self.args
        self.globals = main.__dict__
        if _rules().C_SOURCE_IN_RUN:
            self._show_c_source()
        exec(self.code, self.globals)

    def _show_c_source(self):
        """python 3.13+ shows the source of ``-c`` in tracebacks (3.13 in
        warnings too): linecache has it for the run, under ``<string>``."""
        if self.how == "code" and not hasattr(self, "lines"):
            import linecache
            self.lines = linecache.cache.get("<string>")
            linecache.cache["<string>"] = (
                len(self.what), None,
                [line + "\n" for line in self.what.splitlines()], "<string>")

    def _report(self, exc):
        """Print *exc* as python does; its exit status."""
        if isinstance(exc, SystemExit):
            if _rules().FORGET_FILE_FIRST:
                self._forget_file()
            return _exit_status(exc)
        if _rules().FORGET_FILE_FIRST:
            self._forget_file()
        if exc is not None:
            tb = self._own_traceback(exc)
            exc.__traceback__ = tb
            sys.last_type, sys.last_value, sys.last_traceback = \
                type(exc), exc, tb
            if _rules().SETS_LAST_EXC:
                sys.last_exc = exc
            sys.excepthook(type(exc), exc, tb)
        self._forget_file()
        return 0 if exc is None else 1

    def _own_traceback(self, exc):
        """The traceback python shows for *exc*: for a target,
        :meth:`MainTarget.python_traceback` (runpy's two frames first for
        ``-m``, a directory or a zip); for ``-c`` and stdin, from the
        program's own code on."""
        if self.target is not None:
            return self.target.python_traceback(exc)
        cur = exc.__traceback__
        while cur is not None:
            if cur.tb_frame.f_code is self.code:
                return cur
            cur = cur.tb_next
        return exc.__traceback__

    def _forget_file(self):
        """python takes ``__file__`` and ``__cached__`` out of a file's
        ``__main__`` when it ends (not runpy's: dir, zip, -m; not PyPy)."""
        runpy_ran = self.target is not None and self.target.kind.through_runpy
        if runpy_ran or self.how == "code" or _rules().PYPY \
                or self.globals is None:
            return
        self.globals.pop("__file__", None)
        self.globals.pop("__cached__", None)

    def _join(self, timeout):
        """python's ``threading._shutdown``: wait for non-daemon threads."""
        threading = sys.modules.get("threading")
        if threading is None:
            return
        import time
        deadline = time.monotonic() + timeout
        while True:
            waiting = [t for t in threading.enumerate()
                       if not t.daemon and t.is_alive()
                       and t is not threading.main_thread()
                       and t is not threading.current_thread()
                       and t not in self.threads_before]
            if not waiting:
                return
            for thread in waiting:
                thread.join(max(0.0, deadline - time.monotonic()))
            if any(t.is_alive() for t in waiting):
                self.timed_out = (
                    "run_python: python would still wait for the program's "
                    "non-daemon thread(s) {} after {} s (join_timeout)"
                    .format(", ".join(repr(t.name) for t in waiting
                                      if t.is_alive()), timeout))
                return

    def _call_atexit(self, atexit):
        """The program's atexit handlers, last first, as python runs them;
        an error is printed as python prints it, and the next one runs."""
        while True:
            handlers = atexit.take()
            if not handlers:
                break
            for func, args, kwargs in handlers:
                if _belongs_to_library(func):  # it outlives the run
                    atexit.real[0](func, *args, **kwargs)
                    continue
                try:
                    func(*args, **kwargs)
                except BaseException as exc:  # python goes on, too
                    _print_atexit_error(func, exc)
        self._hide_c_source()

    def _hide_c_source(self):
        """Put ``<string>`` back in linecache as it was before the run."""
        if hasattr(self, "lines"):
            import linecache
            if self.lines is None:
                linecache.cache.pop("<string>", None)
            else:
                linecache.cache["<string>"] = self.lines
            del self.lines


def _rules():
    """runpath_spec's version rules (``_versions``), loaded with the
    machinery on first use: the plugin's import stays cheap."""
    from . import _versions
    return _versions


def _preferred_encoding():
    import locale
    return "utf-8" if sys.flags.utf8_mode else \
        locale.getpreferredencoding(False)


def _exit_status(exc):
    """python's ``handle_system_exit``: the status, the message printed."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(str(code) + "\n")
    return 1


def _cannot_open(given, exc):
    """python's words for a file it cannot open."""
    where = exc.filename if exc.filename is not None else given
    where = os.fsdecode(where)
    if where == os.path.abspath(os.fsdecode(given)) and \
            not _rules().ABSOLUTE_MAIN_FILE:
        where = os.fsdecode(given)  # 3.8 shows it as given
    shown = where if _rules().PYPY else repr(where)
    return "{}: can't open file {}: [Errno {}] {}\n".format(
        sys.executable, shown, exc.errno, exc.strerror)


def _print_atexit_error(func, exc):
    """As python's atexit module prints an error, version by version; the
    traceback from the handler's own frame on."""
    import traceback
    if _rules().PYPY:  # the error alone, without a traceback
        sys.stderr.write("Exception ignored in atexit callback {!r}\n"
                         .format(func))
        sys.stderr.write("".join(traceback.format_exception_only(
            type(exc), exc)))
        return
    sys.stderr.write(_rules().ATEXIT_ERROR_HEAD.format(func))
    tb = exc.__traceback__.tb_next  # (the caller's frame is ours)
    exc.__traceback__ = tb
    traceback.print_exception(type(exc), exc, tb)

"""coverage.py's ``PyRunner`` re-implemented on runpath_spec's public API.

coverage.py (``coverage/execfile.py``) runs the measured program with a
runner of its own: a hand-made ``__main__``, a ``DummyLoader``, the source
``compile()``-d, ``sys.path[0]`` guessed from ``inspect.stack()``.  This is
the same interface -- ``PyRunner(args, as_module)``, ``prepare()``,
``run()``, ``run_python_file()``, ``run_python_module()`` -- with the
program found, compiled, run and reported as ``python`` would, by
:class:`runpath_spec.MainTarget`.  coverage's error contract is kept:
``NoSource``/``NoCode`` for a program that cannot be found or read, a
``CoverageException`` for one that does not compile, ``SystemExit`` for
the program's exit status, ``_ExceptionDuringRun`` when the program's own
``sys.excepthook`` fails.

tests/test_adapter_coverage.py makes this coverage's ``PyRunner`` in a
scratch venv and runs coverage.py's own test suite through it.  It is
written to be read: a tool author's reference for ``MainTarget``.
"""
import os
import sys
import traceback

from coverage.exceptions import (CoverageException, NoCode, NoSource,
                                 _ExceptionDuringRun)
from runpath_spec import MainTarget
from runpath_spec.errors import (BadMagicError, MainNotFoundError, PycError,
                                 RunpathError)


class PyRunner:
    """Multi-stage execution of Python code, as ``python`` runs it."""

    def __init__(self, args, as_module=False):
        self.args, self.as_module = args, as_module
        self.arg0 = args[0]
        # What coverage's runner exposes, filled in by run() from the target.
        self.package = self.modulename = self.pathname = None
        self.loader = self.spec = None
        self._found = self._startup_path0 = None

    def prepare(self):
        """Put the program's ``sys.path[0]`` in place before coverage starts
        (its plug-ins import from there), as coverage's own runner does.
        Nothing is imported: a module is found without its parents."""
        try:
            found = MainTarget.found_without_running(
                self.arg0, self.args[1:], module=self.as_module)
        except Exception:
            return  # run() finds it again, and reports it
        if not self.as_module:  # a file is found once: a pipe reads once
            self._found = found
        if found.path0 is not None and found.replace:
            self._startup_path0, sys.path[0] = sys.path[0], found.path0

    def run(self):
        """Find, compile and run the program; its exit is a ``SystemExit``
        (a traceback first, printed as python prints it)."""
        target = self._found
        if target is None:  # -m: its parent packages import now
            if self._startup_path0 is not None:
                # Back as start-up left it, for MainTarget to judge.
                sys.path[0] = self._startup_path0
            target = self._find()
        attrs = target.attrs()  # the program's __main__ attributes
        self.spec, self.loader = attrs["__spec__"], attrs["__loader__"]
        self.package, self.arg0 = attrs["__package__"], target.argv0
        self.modulename = self.spec.name if self.as_module else None
        # "-" is stdin, as for python: no spec, "<stdin>" its file name.
        self.pathname = target.filename if target.spec is None \
            else target.spec.origin
        self._compile(target)
        cwd = os.getcwd()
        try:
            # restore=False: sys stays as the program leaves it, for its
            # atexit handlers and threads, as under python.
            target.run(restore=False)
        except SystemExit:
            raise  # coverage's command line turns it into the exit status
        except BaseException as exc:
            raise SystemExit(self._report(target, exc))
        else:
            target.finish()  # what python does after it: __file__ goes
        finally:
            os.chdir(cwd)  # coverage writes its data file from here

    def _find(self):
        """The target, or coverage's ``NoSource``/``NoCode``."""
        try:
            return MainTarget(self.arg0, self.args[1:],
                              module=self.as_module)
        except MainNotFoundError:
            raise NoSource("Can't find '__main__' module in '%s'"
                           % self.arg0)
        except PycError as exc:  # a .pyc's header is read when it is found
            raise _no_code(exc) from exc
        except RunpathError as exc:  # no such module, no __main__ in it...
            raise NoSource(str(exc)) from exc
        except OSError as exc:
            missing = NoCode if self.arg0.endswith((".pyc", ".pyo")) \
                else NoSource
            raise missing("No file to run: '%s'"
                          % os.path.abspath(self.arg0)) from exc
        except Exception as exc:  # -m: a parent package failed to import
            if not self.as_module:
                raise
            raise SystemExit(MainTarget.start_failed(exc, self.arg0,
                                                     module=True))

    def _compile(self, target):
        """Compile (or read) the code now, so that a program that does not
        compile is coverage's error, not the program's."""
        try:
            return target.code
        except PycError as exc:
            raise _no_code(exc) from exc
        except (SyntaxError, ValueError) as exc:
            raise CoverageException("Couldn't run '%s' as Python code: %s: %s"
                                    % (self.pathname, type(exc).__name__,
                                       exc)) from exc

    @staticmethod
    def _report(target, exc):
        """python's report of the program's uncaught *exc* (``sys.last_exc``,
        ``sys.excepthook`` with the program's frames); its exit status."""
        try:
            return target.finish(exc)
        except Exception as hook_error:  # the program's excepthook failed
            sys.stderr.write("Error in sys.excepthook:\n")
            traceback.print_exception(
                type(hook_error), hook_error,
                target.own_traceback(hook_error.__traceback__), chain=False)
            sys.stderr.write("\nOriginal exception was:\n")
            raise _ExceptionDuringRun(type(exc), exc, exc.__traceback__) \
                from hook_error


def _no_code(exc):
    """coverage's error for a ``.pyc`` that is not this python's
    bytecode (its words for a bad magic number, runpath_spec's detail)."""
    if isinstance(exc, BadMagicError):
        return NoCode("Bad magic number in .pyc file: %s" % exc)
    return NoCode(str(exc))


def run_python_module(args):
    """Run a module, as ``python -m name args...`` would; *args* is
    ``sys.argv``, the module's name first."""
    runner = PyRunner(args, as_module=True)
    runner.prepare()
    runner.run()


def run_python_file(args):
    """Run a file, directory or zip as ``python path args...`` would;
    *args* is ``sys.argv``, the path first."""
    runner = PyRunner(args, as_module=False)
    runner.prepare()
    runner.run()

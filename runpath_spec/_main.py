"""``run_main``: what ``python TARGET ARGS`` does, in the running process.

python's start-up, for the record (CPython 3.8-3.15, read off each):

============  =====================================  ===========================
target        ``sys.path[0]``                        ``__file__``
============  =====================================  ===========================
script        directory of the script, symlinks      ``join(cwd, path)``, not
              resolved; nothing under ``-I``/``-P``  normalised (3.8: as given)
directory,    the entry, ``join(cwd, path)`` (3.8:   the spec's origin
zip           as given); kept under ``-I``/``-P``
``-m mod``    the current directory; nothing under   the spec's origin
              ``-I``/``-P``
============  =====================================  ===========================

``sys.argv`` is ``[TARGET, *ARGS]`` (``["-m", *ARGS]`` while ``-m`` imports
the parent packages, then the module's file).  The target runs in a fresh
module that *is* ``sys.modules["__main__"]`` (and ``__mp_main__``, where
multiprocessing has made that alias), so classes defined in it pickle.
"""

import os
import sys

from . import _sysstate
from ._executor import execute
from ._finders import find_options, find_path
from ._kinds import (BYTECODE, COMMAND, MODULE, SOURCE, STDIN,
                     startup_added_path0)
from ._versions import (C_SOURCE_IN_RUN, CACHED_IN_GLOBALS,
                        MAIN_ANNOTATIONS, PYPY)
from ._loaders import code_for_spec
from ._profiles import get_profile

__all__ = ["run_main", "MainTarget"]

ModuleType = type(sys)


def _startup_entry():
    """The ``sys.path[0]`` this process's own start-up gave the running
    ``__main__``: its script's directory, its directory or zip, the current
    directory for ``-m``, ``''`` for ``-c`` and the interactive prompt."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name != "__main__":
        return os.getcwd()  # python -m tool
    filename = getattr(main, "__file__", None)
    if not isinstance(filename, str):
        return ""
    if spec is not None:  # python dir/ or app.zip: the entry itself
        return os.path.dirname(filename)
    return os.path.dirname(os.path.realpath(filename))


def _replaces_startup_entry():
    """Is ``sys.path[0]`` still what this process's start-up put there?

    Only that entry is replaced by the target's, as python would have put
    the target's instead of it; a launcher that put its own entries first
    keeps them (the target's is then inserted before them), as coverage.py
    does it.
    """
    if not (startup_added_path0() and sys.path):
        return False
    first, expected = sys.path[0], _startup_entry()
    if first == expected:
        return True
    cwd = os.getcwd()
    return {first or cwd, expected or cwd} == {cwd} or (
        bool(first) and bool(expected)
        and os.path.realpath(first) == os.path.realpath(expected))


def _main_names(target):
    """The ``sys.modules`` names the running module takes: ``__main__``,
    ``__mp_main__`` where multiprocessing aliased the caller's ``__main__``
    when imported, and the module's own name under PEP 499's
    ``alias_main``."""
    names = ["__main__"]
    if "__mp_main__" in sys.modules:
        names.append("__mp_main__")
    if getattr(target, "alias_main", False):
        names.append(target.spec.name)
    return names


class _ParentAttribute:
    """PEP 499's alias as an import would make it: the module is also an
    attribute of its parent package (``pkg.mod``), taken back afterwards
    if it still is."""

    def __init__(self, name, module, restore=True):
        parent, _, self.child = name.rpartition(".")
        self.parent = sys.modules.get(parent) if parent else None
        self.module, self.restore = module, restore
        self.saved = None

    def __enter__(self):
        if self.parent is not None:
            self.saved = vars(self.parent).get(self.child, _MISSING)
            setattr(self.parent, self.child, self.module)
        return self

    def __exit__(self, *exc_info):
        if not self.restore or self.parent is None or \
                vars(self.parent).get(self.child) is not self.module:
            return
        if self.saved is _MISSING:
            delattr(self.parent, self.child)
        else:
            setattr(self.parent, self.child, self.saved)


_MISSING = object()


class _MainModule:
    """Make *module* ``sys.modules[name]`` for each of *names*."""

    def __init__(self, module, names=("__main__",)):
        self.overrides = [_sysstate.module(name, module) for name in names]

    def __enter__(self):
        for override in self.overrides:
            override.__enter__()
        return self

    def __exit__(self, *exc_info):
        for override in reversed(self.overrides):
            override.__exit__(*exc_info)


class _ForGood:
    """What the ``with`` of :meth:`MainTarget.as_main` does with
    ``restore=False``: the same changes, never undone -- as python leaves
    them for atexit handlers, ``sys.excepthook`` and lingering threads."""

    def __init__(self, target, module):
        self.target, self.module = target, module

    def __enter__(self):
        target = self.target
        sys.argv = target.argv
        if target.path0 is not None:
            if target.replace and sys.path:
                sys.path[0] = target.path0
            else:
                sys.path.insert(0, target.path0)
        for name in _main_names(target):
            sys.modules[name] = self.module
        return self

    def __exit__(self, *exc_info):
        pass


class _AsMain:
    """The context manager :meth:`MainTarget.as_main` returns."""

    def __init__(self, target, restore, init_globals=None, module=None):
        profile = target._profile
        if module is not None:
            pass  # the caller's own (pdb's __main__, IPython's namespace)
        elif target.code is not None or profile.plain_module:
            module = ModuleType("__main__")
        else:  # PEP 451: the loader may make the module
            module = profile.new_module(target.spec, "__main__")
        self.module = target.module = module
        if init_globals is not None:
            module.__dict__.update(init_globals)
        module.__dict__.update(target.attrs())
        if restore:
            self._changes = [_sysstate.argv(target.argv),
                             _sysstate.Path0(target.path0, target.replace),
                             _MainModule(module, _main_names(target))]
        else:
            self._changes = [_ForGood(target, module)]
        if target.alias_main:
            self._changes.append(_ParentAttribute(target.spec.name, module,
                                                  restore))

    def __enter__(self):
        _arm_sigint()  # before the target's own atexit handlers
        entered = []
        try:
            for change in self._changes:
                change.__enter__()
                entered.append(change)
        except BaseException:
            for change in reversed(entered):
                change.__exit__(None, None, None)
            raise
        return self.module

    def __exit__(self, *exc_info):
        for change in reversed(self._changes):
            change.__exit__(*exc_info)


class MainTarget:
    """A target found as ``python`` would find it, ready to :meth:`run`.

    Finding happens in the constructor (for ``-m`` with ``sys.argv[0]`` set
    to ``"-m"`` and ``sys.path[0]`` to the current directory, as python
    has them while the parent packages import); compiling, on the first
    use of :attr:`code` (so a debugger can report a ``SyntaxError`` as the
    program's own); running, in :meth:`run` -- or, for a tool that runs
    the code itself under its own tracer, in :meth:`as_main`.  The CLI and
    the recipes in the documentation are built on these steps;
    :func:`run_main` does them all.

    Attributes: :attr:`spec` (the ``ModuleSpec``; ``None`` for ``-c`` and
    stdin), :attr:`kind` (a ``str``: ``"source"``, ``"bytecode"``,
    ``"directory"``, ``"zip"``, ``"custom"``, ``"hook"``, ``"module"``,
    ``"command"`` or ``"stdin"``), :attr:`profile` (its name), :attr:`argv0` and
    :attr:`args` (:attr:`argv` is both), :attr:`path0` (``sys.path[0]``
    while it runs, ``None`` where python adds none: ``-I``, ``-P``) and
    :attr:`replace` (whether that replaces the entry this process's own
    start-up put first, or is inserted before a launcher's own entries).

    ``alias_main=True`` (``-m`` only) is PEP 499's proposal, opt-in: while
    it runs, the module is ``sys.modules[spec.name]`` too, so an ``import
    pkg.mod`` inside the program gets the running module instead of
    executing the file a second time (cpython#80556).  What it changes:
    ``pkg.mod.__name__`` is ``"__main__"``, and so is the ``__module__`` of
    its classes and functions; pickles name them ``__main__.Cls``, as they
    do without it (they load where ``__main__`` is that module).
    """

    _code = None
    _rerun = None
    #: again() of a -m target: the (path0, replace) it was first found with.
    _first_path0 = None
    alias_main = False
    #: The module the target last ran in (:meth:`run`, :meth:`as_main`),
    #: ``None`` before.
    module = None

    def __init__(self, target, argv=None, *, module=False, command=False,
                 profile="python", check_source=False, import_hooks=False,
                 loaders=None, cache=False, alias_main=False):
        if "atexit" in sys.modules:
            # Before a parent package (-m) registers its own handlers; a
            # find that an audit hook vetoes imports nothing new, so
            # otherwise as_main() does it, before the target runs.
            _arm_sigint()
        self._setup(target, argv, module, profile,
                    dict(check_source=check_source, import_hooks=import_hooks,
                         loaders=loaders, cache=cache), alias_main)
        if command or (not module and _is_stdin(target)):
            self._text(target, command)
            return
        if module:
            from ._modules import module_details  # only for -m
            from .errors import RunpathError
            with _sysstate.argv(["-m"] + self.args), \
                    _sysstate.Path0(self.path0, self.replace):
                _, self.spec, self._code = module_details(target,
                                                          RunpathError)
            self.argv0 = self.spec.origin
            return
        chosen = self._profile
        given = os.fsdecode(target)
        path = chosen.main_path(given)
        found = find_path(path, "__main__", chosen.script_filename(given),
                          find_options(**self._find))
        self.kind, self.spec = found.kind, found.spec
        self.argv0 = given
        self._rerun = os.path.abspath(path)  # what again() runs
        self.path0 = found.kind.path0(found.entry or path)

    def _setup(self, target, argv, module, profile, find, alias_main):
        """The fields every way of finding sets alike."""
        self._target, self._find = target, find
        #: PEP 499 (-m only): the module is also sys.modules[spec.name].
        self.alias_main = bool(alias_main and module)
        self._profile = chosen = get_profile(profile)
        #: The profile's name: "runpy", "python" or "spec".
        self.profile = chosen.name
        self.args = [] if argv is None else [
            os.fsdecode(a) if isinstance(a, bytes) else a for a in argv]
        self.replace = _replaces_startup_entry()
        if module:
            self.kind = MODULE
            self.path0 = MODULE.path0()
            if self._first_path0 is not None:  # again(): where found first
                self.path0, self.replace = self._first_path0

    def _text(self, target, command):
        """``python -c CODE`` (*target* is the code) or ``python -``: no
        spec, no file; ``sys.argv[0]`` ``"-c"``/``"-"``; ``sys.path[0]``
        ``''`` (nothing under ``-I``/``-P``)."""
        self.spec = None
        self.kind = COMMAND if command else STDIN
        self.path0 = self.kind.path0()
        if command:
            self.argv0, self._source = "-c", target
            return
        self.argv0 = "-"
        stdin = sys.stdin
        self._source = stdin.buffer.read() if hasattr(stdin, "buffer") \
            else stdin.read()  # bytes: compile() reads a coding cookie

    @classmethod
    def found_without_running(cls, target, argv=None, *, module=False,
                              command=False, profile="python",
                              check_source=False, import_hooks=False,
                              loaders=None, cache=False, alias_main=False):
        """A target found as the constructor finds it, but with nothing of
        it run or written (``--explain``): a module is found without
        importing its parent packages, and nothing is compiled."""
        find = dict(check_source=check_source, import_hooks=import_hooks,
                    loaders=loaders, cache=cache)
        if not module:
            return cls(target, argv, command=command, profile=profile,
                       **find)
        from ._modules import spec_without_import
        self = cls.__new__(cls)
        self._setup(target, argv, module, profile, find, alias_main)
        self.spec = spec_without_import(target)
        self.argv0 = self.spec.origin
        return self

    @property
    def code(self):
        """The code object that :meth:`run` executes, compiled (or read)
        on first use; a ``SyntaxError`` or :class:`~runpath_spec.errors.PycError`
        is raised here.  ``None`` for a loader not runpath_spec's own (a
        registered loader's, an import hook's): it is asked for code only
        in :meth:`run`, once the fresh ``__main__`` is in place (hy edits
        ``sys.modules[name]``), or never where it only executes."""
        if self._code is None and self.kind.text_filename is not None:
            # dont_inherit: the tool's own __future__ imports stay its own.
            self._code = compile(self._source, self.kind.text_filename,
                                 "exec", dont_inherit=True)
            if self.kind is COMMAND and _COMMAND_IN_LINECACHE:
                from ._cpython import register_command_source
                register_command_source(self._code, self._source)
        elif self._code is None and not self.kind.code_late:
            refused = self.kind is SOURCE and \
                self._profile.source_script_error(self.spec.origin)
            if refused:
                raise refused
            self._code = code_for_spec(self.spec)
        return self._code

    @property
    def filename(self):
        """The file name the program's frames report (``co_filename``):
        ``"<string>"`` for ``-c``, ``"<stdin>"`` for ``-``; for a script
        the name python compiles it under; for bytecode the name compiled
        into it (python does not rename a ``.pyc`` script's code), so not
        ``spec.origin``.  A source target's is known without compiling; a
        ``.pyc`` is read for it."""
        if self._code is None and self.kind is BYTECODE:
            self.code  # the name is in the file
        if self._code is not None:
            return self._code.co_filename
        if self.kind.text_filename is not None:
            return self.kind.text_filename
        named = getattr(self.spec.loader, "code_filename", None)
        return named if isinstance(named, str) else self.spec.origin

    def is_program(self, frame):
        """Is *frame* (a frame, a code object or a traceback entry) the
        program's own -- its module code or a function of its file --
        rather than the tool's, runpath_spec's or a library's?  For a
        ``sys.settrace`` tracer, a :class:`bdb.Bdb` subclass's
        ``stop_here``, or filtering a traceback."""
        code = getattr(frame, "tb_frame", frame)
        code = getattr(code, "f_code", code)
        return code is self._code or code.co_filename == self.filename

    @property
    def argv(self):
        """``sys.argv`` while the target runs."""
        return [self.argv0] + self.args

    def attrs(self):
        """The module attributes the profile gives the target (``__name__``
        is ``"__main__"``), as a new dict, without running anything."""
        if self.kind.text_filename is not None:
            return _text_attrs(self.kind)
        return self._profile.attrs(self.spec, "__main__")

    def as_main(self, *, restore=True, init_globals=None, module=None):
        """A context manager that makes a fresh module, with :meth:`attrs`,
        the real ``__main__`` (and ``__mp_main__``) and sets ``sys.argv``
        and ``sys.path[0]`` as python would; it gives the module.  A tool
        that runs :attr:`code` itself under its own tracer (a debugger, a
        coverage tool) does so inside it.  Restored on exit by ownership,
        unless *restore* is false: then ``sys`` stays as the target leaves
        it, as python leaves it for atexit handlers, ``sys.excepthook`` and
        threads still running (for a tool that exits afterwards).

        *init_globals* (a mapping) is put in the module's namespace before
        :meth:`attrs`, as runpy's ``run_path`` does; *module*, an existing
        module, is run in instead of a fresh one: its namespace is kept,
        then updated (pdb clears ``__main__.__dict__`` first: a caller
        that wants that clears it itself)."""
        return _AsMain(self, restore, init_globals, module)

    def run(self, *, restore=True, init_globals=None, module=None):
        """Run the target as ``__main__``; return its globals.  *restore*,
        *init_globals* and *module* as for :meth:`as_main`."""
        code = self.code  # before sys changes: a SyntaxError changes nothing
        with self.as_main(restore=restore, init_globals=init_globals,
                          module=module) as main:
            if self.spec is None:  # -c, stdin: python's exec, no loader
                exec(code, main.__dict__)
                return main.__dict__
            return execute(self.spec, code, run_name="__main__",
                           profile=self._profile, module=main, register=False)

    def again(self):
        """A fresh target for a re-run (a debugger's ``restart``): the very
        file that ran first, found anew by the absolute path taken when it
        was first found (a script that changed directory re-runs itself,
        not a file of the same name in its new directory), the module
        found again by name on the ``sys.path[0]`` it was first found on
        (the directory it started in), the same ``-c`` code.
        :attr:`argv` stays exactly as given, as pdb's restart keeps it.
        A pipe or stdin cannot be read twice:
        :class:`~runpath_spec.errors.RunpathError`."""
        if self.kind is STDIN or (self.spec is not None and self.kind
                                  is not MODULE
                                  and _is_pipe(self.spec.origin)):
            from .errors import RunpathError
            raise RunpathError(
                "cannot run {!r} again: expected a file that can be read "
                "again, found a pipe".format(self.argv0), path=self.argv0)
        target = self._target if self._rerun is None else self._rerun
        again = type(self).__new__(type(self))
        if self.kind is MODULE:
            # The directory -m started in, not the one the program has
            # changed to, where a module of the same name may be.
            again._first_path0 = (self.path0, self.replace)
        again.__init__(target, self.args, module=self.kind is MODULE,
                       command=self.kind is COMMAND, profile=self.profile,
                       alias_main=self.alias_main, **self._find)
        if self.kind is not MODULE and self.kind is not COMMAND:
            again.argv0 = self.argv0  # sys.argv[0] as given
        return again

    def own_traceback(self, tb):
        """*tb* from the target's first frame on -- its module code, or a
        function of its file -- with runpath_spec's and the tool's frames
        cut; *tb* itself if the target has no frame in it.  For a script
        that is python's traceback; :meth:`python_traceback` is python's
        for every kind of target (runpy's frames for ``-m``, directories
        and zips)."""
        own = self._program_traceback(tb)
        return tb if own is None else own

    def _program_traceback(self, tb):
        code = self._code
        if code is None:
            if not self.kind.code_late:
                return None  # it never compiled: no frame of it ran
            from . import _shell
            # A loader ran it (PEP 451): its first frame below ours.
            return _shell.after(tb, _PACKAGE_DIR, keep=False)
        filename = code.co_filename
        cur = tb
        while cur is not None:
            frame_code = cur.tb_frame.f_code
            if frame_code is code or frame_code.co_filename == filename:
                return cur
            cur = cur.tb_next
        return None

    def python_traceback(self, exc):
        """The traceback ``python TARGET`` shows for *exc*, raised while
        this target compiled (:attr:`code`) or ran: the program's frames,
        headed for ``-m``, a directory or a zip by runpy's (two
        ``<frozen runpy>`` lines on 3.11+, runpy.py's own before and on
        PyPy); for a ``SyntaxError`` in the target itself, none for a
        script and, for ``-m`` and a directory, runpy's and importlib's
        frames, as python shows them.  The tool's and runpath_spec's
        frames are never in it."""
        from . import _shell  # only once something ended
        tb = exc.__traceback__
        own = self._program_traceback(tb)
        if own is not None:
            if self.kind.through_runpy:
                return _shell.runner_traceback(["run", "exec"], own)
            return own
        if isinstance(exc, SyntaxError):
            return _compile_error_traceback(exc, self.kind, self.spec,
                                            self._target)
        return _shell.after(tb, _PACKAGE_DIR)

    def finish(self, exc=None):
        """What python does once the program has ended, raising *exc*
        (``None``: it returned); the exit status, for ``sys.exit()``.

        As the running version of python does: ``__file__`` and
        ``__cached__`` are taken out of a script's ``__main__`` (3.14+
        before the report, earlier after it, and not on ``SystemExit``);
        ``SystemExit`` gives its status, printing a message that is not
        an int; any other exception sets ``sys.last_exc`` (3.12+),
        ``last_type``, ``last_value`` and ``last_traceback`` and goes to
        ``sys.excepthook`` with :meth:`python_traceback`; after a
        ``KeyboardInterrupt`` the process dies of SIGINT once atexit
        handlers have run (status 130 in a shell).  A target that could
        not be compiled reports as :meth:`start_failed` does."""
        if exc is None:  # it returned: nothing to report
            _forget_file(self.module, self.kind)
            return 0
        from . import _shell  # only once something was raised
        if not isinstance(exc, SystemExit):
            if self._program_traceback(exc.__traceback__) is None and \
                    isinstance(exc, _runpath_error()):
                return _cannot_start(exc, self._target, self.kind)
            tb = self.python_traceback(exc)
        else:
            tb = None
        return _shell.finish(exc, lambda: _forget_file(self.module,
                                                      self.kind),
                             tb, custom_printer=self.kind.code_late)

    @staticmethod
    def start_failed(exc, target, *, module=False):
        """What python prints, and its exit status, when *target* (as
        given to the constructor, with *module*) raised *exc* before it
        ran: ``can't open file ...`` (2) for a file that cannot be read,
        ``No module named ...`` and runpy's other refusals (1), a
        ``SyntaxError`` (1), and for ``-m`` whatever a parent package
        raised, as :meth:`finish` reports it."""
        _arm_sigint()
        from . import _shell
        kind = MODULE if module else SOURCE
        if isinstance(exc, _runpath_error()) or (
                isinstance(exc, OSError) and not module):
            return _cannot_start(exc, target, kind)
        if isinstance(exc, SyntaxError):
            spec = None
            if module and exc.filename and exc.filename.endswith(".py"):
                from importlib.machinery import SourceFileLoader
                from importlib.util import spec_from_loader
                spec = spec_from_loader(target, SourceFileLoader(
                    target, exc.filename))
            tb = _compile_error_traceback(exc, kind, spec, target)
        elif module and not isinstance(exc, SystemExit):
            tb = _shell.runner_traceback(
                ["find_module", "import_parent"],
                _shell.after(exc.__traceback__, _PACKAGE_DIR))
        else:
            tb = _shell.after(exc.__traceback__, _PACKAGE_DIR)
        return _shell.finish(exc, lambda: None, tb)


def _forget_file(module, kind):
    """python takes ``__file__`` and ``__cached__`` back out of a script's
    ``__main__`` when it ends (``_PyRun_SimpleFileObject``); runpy's
    entries keep them, and so does PyPy."""
    if kind.through_runpy or PYPY:
        return
    namespace = getattr(module, "__dict__", {})
    namespace.pop("__file__", None)
    namespace.pop("__cached__", None)


_ARMED = []


def _arm_sigint():
    """Register, once, the atexit handler that kills the process by SIGINT
    after an uncaught ``KeyboardInterrupt`` (:meth:`MainTarget.finish`).
    Registered before the program runs, it runs after the program's own
    handlers (last in, first out), as python's death by SIGINT comes
    after them."""
    if not _ARMED:
        import atexit  # built in: free
        atexit.register(_sigint_if_interrupted)
        _ARMED.append(True)


def _sigint_if_interrupted():  # pragma: no cover - runs in a subprocess
    shell = sys.modules.get(__package__ + "._shell")
    if shell is not None:  # nothing ended through finish() otherwise
        shell.sigint_if_interrupted()


def _runpath_error():
    """RunpathError, for an ``isinstance``: imported only once something
    was raised."""
    from .errors import RunpathError
    return RunpathError


def _compile_error_traceback(exc, kind, spec, target):
    """What python shows above a ``SyntaxError`` in the target's own code:
    nothing for a script; runpy's and importlib's frames for ``-m`` and a
    directory; runpy's for a zip (zipimport's are not made up)."""
    from . import _shell
    if kind is MODULE:
        anchors = ["find_module", "get_code"]
        origin = getattr(spec, "origin", None) or ""
        if os.path.basename(origin).startswith("__main__.") and \
                os.fsdecode(target).rpartition(".")[2] != "__main__":
            anchors.insert(1, "package_main")  # -m pkg ran pkg.__main__
    elif kind.is_entry:
        anchors = ["find_main", "main_details"]
        if kind.is_directory:
            anchors.append("get_code")
    else:
        return None
    below = _shell.importlib_frames(exc, spec) if "get_code" in anchors \
        else None
    return _shell.runner_traceback(anchors, below)


def _program():
    """The program name python's messages start with."""
    orig = getattr(sys, "orig_argv", None)
    return orig[0] if orig else sys.executable


def _cannot_start(exc, target, kind):
    """Print what python prints for a target it cannot run; its status."""
    if isinstance(exc, _runpath_error()):
        # What python (runpy's _Error) prints for a target it cannot run.
        sys.stderr.write("{}: {}\n".format(sys.executable, exc))
        return 1
    where = exc.filename if exc.filename is not None else target
    if where == os.path.abspath(os.fsdecode(target)):
        from ._profiles import python_file
        where = python_file(target)  # as python shows it (3.8: as given)
    shown = os.fsdecode(where)
    if not PYPY:  # PyPy prints it bare
        shown = repr(shown)
    sys.stderr.write("{}: can't open file {}: [Errno {}] {}\n".format(
        _program(), shown, exc.errno, exc.strerror))
    return 2


# CPython 3.13+ shows the lines of -c code in a traceback.
_COMMAND_IN_LINECACHE = C_SOURCE_IN_RUN and not PYPY


def _is_stdin(target):
    return isinstance(target, str) and target == "-"


def _text_attrs(kind):
    """python's ``__main__`` for ``-c`` and stdin (3.8-3.15, PyPy)."""
    import builtins
    from importlib.machinery import BuiltinImporter
    attrs = {"__name__": "__main__", "__doc__": None, "__package__": None,
             "__loader__": BuiltinImporter, "__spec__": None,
             "__builtins__": builtins}
    if MAIN_ANNOTATIONS:  # (PEP 649: made on demand from 3.14)
        attrs["__annotations__"] = {}
    if kind is STDIN:
        attrs["__file__"] = "<stdin>"
        if CACHED_IN_GLOBALS:
            attrs["__cached__"] = None
    return attrs


_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")


def _is_pipe(path):
    import stat
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except (OSError, TypeError, ValueError):
        return False


def run_main(target, argv=None, *, module=False, command=False,
             profile="python", check_source=False, import_hooks=False,
             loaders=None, cache=False, restore=True, alias_main=False):
    """Run *target* as ``python TARGET *argv`` would, in this process.

    *alias_main* (``-m`` only) is PEP 499's opt-in: the running module is
    also ``sys.modules[spec.name]``, so ``import pkg.mod`` in the program
    does not run it a second time (see :meth:`MainTarget.__init__`).

    *target* is a path (script, ``.pyc``, directory, zip, or ``"-"``:
    stdin), with ``module=True`` a module name (``python -m TARGET``), with
    ``command=True`` the code itself (``python -c TARGET``).  While it runs
    the target is ``sys.modules["__main__"]``, ``sys.argv`` is
    ``[TARGET, *argv]`` (``-c``, ``-``) and ``sys.path[0]`` is what python's
    start-up would have put there, replacing the entry the calling tool's
    own start-up put first.  Everything is restored afterwards unless
    *restore* is false (then ``sys`` stays as the target left it, for a
    tool that exits next); the module's globals are returned.  *profile* chooses the attribute conventions
    (default ``"python"``: exactly what python gives); *check_source*,
    *import_hooks*, *loaders* and *cache* are as for :func:`run_path`.

    Raises what :func:`run_path`/:func:`run_module` raise for a target
    that cannot run (:class:`OSError`,
    :class:`~runpath_spec.errors.RunpathError`);
    the target's own exceptions (``SystemExit`` included) propagate
    unchanged.
    """
    return MainTarget(target, argv, module=module, command=command,
                      profile=profile, check_source=check_source,
                      import_hooks=import_hooks, loaders=loaders,
                      cache=cache, alias_main=alias_main).run(restore=restore)

"""A complete stand-in for the standard library's :mod:`runpy`.

Every name the running version's ``runpy`` defines is here, with that
version's signatures, built on runpath_spec's finders and executor and
never importing ``runpy``.  Install it for a whole interpreter with
``python -m runpath_spec --install-runpy`` (a lazy stand-in that loads
this module when runpy is first used), or eagerly with one line in a
``.pth`` file::

    import runpath_spec.compat, sys; sys.modules["runpy"] = runpath_spec.compat

and ``python -m``, ``python dir/`` and ``python app.zip`` run through it.

Where it differs from runpy (on purpose): ``_get_main_module_details``
looks ``__main__`` up in ``sys.path[0]`` with that entry's own finder only
and never removes ``sys.modules["__main__"]`` (gh-75221); ``_TempModule``
and ``_ModifiedArgv0`` restore by ownership, so overlapping runs in
threads leave ``sys`` as it was; bytecode is validated.

The private helpers stay patchable the way projects patch runpy's:
:func:`run_path` calls ``_get_code_from_file`` and :func:`run_module`
calls ``_get_module_details`` through this module's globals.  The runner
functions' frames are runpy's (file name and lines): see "The runner
functions" below.
"""

import importlib.machinery  # noqa: F401 - runpy's namespace has it
import importlib.util  # noqa: F401
import io  # noqa: F401
import os
import sys

from . import _sysstate, _versions
from ._cpython import thread_local as _thread_local
from ._executor import fill_globals as _fill_globals
# (The path finders and entries load with the first path target: python -m,
# the stand-in's most common use, never needs them.)
from ._loaders import code_for_spec as _code_for_spec
from ._modules import module_details as _module_details
from ._profiles import given_path as _given_path
from ._profiles import runpy_attrs as _runpy_attrs
from ._sysstate import PathEntry as _PathEntry
from ._versions import RUNPY as _RUNPY
from ._versions import runpy_filename as _runpy_filename

# runpy's namespace has the modules its version imported.
if _versions.RUNPY_IMPORTS_TYPES:
    import types  # noqa: F401
if _versions.RUNPY_IMPORTS_PKGUTIL:
    from pkgutil import get_importer, read_code  # noqa: F401

__all__ = [
    "run_module", "run_path",
]

# avoid 'import types' just for ModuleType
ModuleType = type(sys)

# The target run_path has already found and read, handed to
# _get_code_from_file so that a file is read only once -- unless somebody
# replaced _get_code_from_file, in which case theirs reads it.
_handoff = _thread_local()


class _TempModule(object):
    """Temporarily replace a module in sys.modules with an empty namespace"""

    def __init__(self, mod_name):
        self.mod_name = mod_name
        self.module = ModuleType(mod_name)
        self._override = None

    def __enter__(self):
        self._override = _sysstate.module(self.mod_name, self.module)
        self._override.__enter__()
        return self

    def __exit__(self, *args):
        override, self._override = self._override, None
        if override is not None:
            override.__exit__(*args)


class _ModifiedArgv0(object):
    def __init__(self, value):
        self.value = value
        self._override = None

    def __enter__(self):
        if self._override is not None:
            raise RuntimeError("Already preserving saved value")
        self._override = _sysstate.argv0(self.value)
        self._override.__enter__()

    def __exit__(self, *args):
        override, self._override = self._override, None
        override.__exit__(*args)


# -- What the runner functions call: runpath_spec's own code, whose frames
# -- show this file (see "The runner functions" below).

def _runpy_globals(run_globals, init_globals, mod_name, mod_spec, pkg_name,
                   script_name):
    """*run_globals*, filled as runpy's ``_run_code`` fills them."""
    origin = script_name if mod_spec is None else mod_spec.origin
    return _fill_globals(run_globals, init_globals,
                         _runpy_attrs(mod_name, mod_spec, pkg_name,
                                      script_name), origin, mod_name)


def _get_module_details(mod_name, error=ImportError):
    return _module_details(mod_name, error)


class _Error(Exception):
    """Error that _run_module_as_main() should report without a traceback"""


def _main_run(mod_name, alter_argv):
    """``(code, main_globals, spec)`` for ``_run_module_as_main``: a
    target that cannot run ends the process with runpy's message."""
    try:
        if alter_argv or mod_name != "__main__":  # i.e. -m switch
            mod_name, mod_spec, code = _get_module_details(mod_name, _Error)
        else:          # i.e. directory or zipfile execution
            mod_name, mod_spec, code = _get_main_module_details(_Error)
    except _Error as exc:
        msg = "%s: %s" % (sys.executable, exc)
        sys.exit(msg)
    main_globals = sys.modules["__main__"].__dict__
    if alter_argv:
        sys.argv[0] = mod_spec.origin
    return code, main_globals, mod_spec


def _main_details_in(entry, error):
    """``("__main__", spec, code)`` of *entry*, found by its own finder only."""
    from ._entries import entry_finder, main_spec, no_main
    finder = entry_finder(entry)
    try:
        if finder is None:
            raise no_main(entry)
        spec = main_spec(finder, entry)
        return "__main__", spec, _main_code(spec, entry)
    except ImportError as exc:
        if isinstance(exc, error):
            raise
        raise error(str(exc)) from exc


def _main_code(spec, entry):
    """The code of an entry's ``__main__``, or MainNotFoundError."""
    code = _code_for_spec(spec)
    if code is None:
        from ._entries import no_main
        raise no_main(entry, "its loader gives no code", spec.origin)
    return code


def _get_main_module_details(error=ImportError):
    # Helper that gives a nicer error message when attempting to
    # execute a zipfile or directory by invoking __main__.py.
    # Unlike runpy's, it asks only the finder of the entry python put at
    # sys.path[0] (an entry without __main__ must not run one found
    # elsewhere: gh-75221) and so never takes __main__ out of sys.modules.
    sys.audit("runpath_spec.find", sys.path[0], "path")
    return _main_details_in(sys.path[0], error)


def _code_for_file(fname, run_name="<run_path>"):
    target = getattr(_handoff, "target", None)
    _handoff.target = None
    if target is None or target[0] != fname:
        if os.path.isdir(fname):
            # runpy opens it, and the OS says what is wrong.
            raise IsADirectoryError(21, "Is a directory", os.fsdecode(fname))
        from ._finders import find_path
        target = (fname, find_path(fname, run_name))
    found = target[1]
    if found.entry is not None:
        raise IsADirectoryError(
            21, "is a sys.path entry, expected a file", os.fsdecode(fname))
    return found.spec.loader.get_code(found.spec.name)


# _get_code_from_file with this runpy's signature (version rules:
# runpath_spec._versions), and _read: ``(code, script_name)`` from it,
# called through this module's globals so that a patched one is used.
if _RUNPY.reader == ("fname", "module"):
    def _get_code_from_file(fname, module):
        # Check for a compiled file first; *module* is the name compile()
        # attributes warnings to.
        return _code_for_file(fname, module)

    def _read(path_name, run_name):
        return _get_code_from_file(path_name, run_name), path_name
elif _RUNPY.reader == ("fname",):
    def _get_code_from_file(fname):
        # Check for a compiled file first
        return _code_for_file(fname)

    def _read(path_name, run_name):
        return _get_code_from_file(path_name), path_name
else:
    def _get_code_from_file(run_name, fname):
        # Check for a compiled file first
        return _code_for_file(fname, run_name), fname

    def _read(path_name, run_name):
        return _get_code_from_file(run_name, path_name)


class _PathRun(object):
    """What ``run_path`` found at a path: a file, whose code
    ``_get_code_from_file`` then reads, or a ``sys.path`` entry (a
    directory or zip) and its ``__main__``, found once."""

    __slots__ = ("path_name", "run_name", "pkg_name", "entry", "spec")

    def __init__(self, path_name, run_name):
        from ._finders import find_path
        if run_name is None:
            run_name = "<run_path>"
        found = find_path(path_name, run_name)
        self.path_name = _given_path(path_name)  # decoded where runpy does
        self.run_name = run_name
        self.pkg_name = run_name.rpartition(".")[0]
        self.entry = found.entry
        self.spec = found.spec
        if found.entry is None:
            # Consumed by _code_for_file; replaced by the next run if a
            # patched reader does not call it.
            _handoff.target = (self.path_name, found)

    def main_code(self):
        """The entry's ``__main__`` code (asked for while the entry is
        first on ``sys.path``, as runpy asks)."""
        return _main_code(self.spec, self.entry)


def _path_run(path_name, run_name):
    return _PathRun(path_name, run_name)


# -- The runner functions: runpy's, frame for frame.
#
# While a target runs, the frames of runpy's runner functions are on the
# stack, and tools and tracebacks know them: python prints them in a -m
# traceback ("<frozen runpy>" on 3.11+, runpy.py's lines before and on
# PyPy), pyinstrument trims them.  So these functions are made to be
# runpy's: each is compiled at the running runpy's lines (from the table
# in _versions) under its file name.  They hold nothing but calls -- into
# the program, and into the functions above, whose own frames (and any
# failure in them) show this file.  Compiled with exec(), not compile():
# the first compile() in a process builds every AST node class, a fifth of
# a `python -m` start.

# (function, [(where, text)]): *where* is a step of _versions' table,
# (step, offset) for a line that many before it, or None for the next
# line.  The statements on the stack while the program runs are runpy's
# own text, indented as in runpy.py: where a traceback shows runpy.py's
# source (PyPy; 3.8-3.10), it marks their columns (PyPy 3.11 with carets).
_SCRIPT_NAME = "fname" if _RUNPY.reader[0] == "run_name" else "path_name"
_RUNNERS = (
    ("_run_code", (
        ("def", "def _run_code(code, run_globals, init_globals=None, "
                "mod_name=None, mod_spec=None, pkg_name=None, "
                "script_name=None):"),
        (("exec", -1), "    run_globals = _runpy_globals(run_globals, "
                       "init_globals, mod_name, mod_spec, pkg_name, "
                       "script_name)"),
        ("exec", "    exec(code, run_globals)"),
        (None, "    return run_globals"))),
    ("_run_module_code", (
        ("def", "def _run_module_code(code, init_globals=None, "
                "mod_name=None, mod_spec=None, pkg_name=None, "
                "script_name=None):"),
        ("with", "    with _TempModule(mod_name) as temp_module, "
                 "_ModifiedArgv0(script_name if mod_spec is None "
                 "else mod_spec.origin):"),
        (None, "        mod_globals = temp_module.module.__dict__"),
        ("call", "        _run_code(code, mod_globals, init_globals,\n"
                 "                  mod_name, mod_spec, pkg_name, "
                 "script_name)"),
        (None, "    return mod_globals.copy()"))),
    ("_run_module_as_main", (
        ("def", "def _run_module_as_main(mod_name, alter_argv=True):"),
        ("details", "    code, main_globals, mod_spec = "
                    "_main_run(mod_name, alter_argv)"),
        ("call", "    return _run_code(code, main_globals, None,\n"
                 "                     \"__main__\", mod_spec)"))),
    ("run_module", (
        ("def", "def run_module(mod_name, init_globals=None, run_name=None, "
                "alter_sys=False):"),
        ("details", "    mod_name, mod_spec, code = "
                    "_get_module_details(mod_name)"),
        (None, "    run_name = mod_name if run_name is None else run_name"),
        (("alter", -1), "    if alter_sys:"),
        ("alter", "        return _run_module_code(code, init_globals, "
                  "run_name, mod_spec)"),
        (("plain", -1), "    if not alter_sys:"),
        ("plain", "        return _run_code(code, {}, init_globals, "
                  "run_name, mod_spec)"))),
    ("run_path", (
        ("def", "def run_path(path_name, init_globals=None, run_name=None):"),
        ("find", "    run = _path_run(path_name, run_name)"),
        (None, "    path_name, run_name, pkg_name = "
               "run.path_name, run.run_name, run.pkg_name"),
        (("read", -1), "    if run.entry is None:"),
        ("read", "        code, fname = _read(path_name, run_name)"),
        ("file", "        return _run_module_code(code, init_globals, "
                 "run_name,\n                                "
                 "pkg_name=pkg_name, script_name=" + _SCRIPT_NAME + ")"),
        (("entry", -5), "    with _PathEntry(run.entry):"),
        (("entry", -4), "        code, mod_spec = run.main_code(), run.spec"),
        (("entry", -3), "        with _TempModule(run_name) as temp_module, "
                        "_ModifiedArgv0(path_name):"),
        (("entry", -2), "            mod_globals = temp_module.module.__dict__"),
        # (Only to indent the call to runpy's column.)
        (("entry", -1), "            if mod_globals is not None:"),
        ("entry", "                return _run_code(code, mod_globals, "
                  "init_globals,\n                                    "
                  "run_name, mod_spec, pkg_name).copy()"))),
)


def _runner_source(lines, names):
    """The source of the runner functions *names* (in _RUNNERS' order, as
    runpy.py has them), each statement at its line in *lines*
    (``_versions.RunpyFacts.lines``)."""
    return _statements_source(lines, [(name, statements) for name, statements
                                      in _RUNNERS if name in names])


def _statements_source(lines, runners):
    """*runners*' source (``[(function, statements)]``, as in _RUNNERS),
    each statement at its line in *lines*.  A line the table puts before
    the previous statement's (a release it does not know) goes right
    after it: only the line shown in a traceback is then off."""
    out = []
    for name, statements in runners:
        for where, text in statements:
            if where is None:
                at = 0
            elif isinstance(where, tuple):
                at = lines[name][where[0]] + where[1]
            else:
                at = lines[name][where]
            out.extend([""] * (at - 1 - len(out)))
            out.extend(text.split("\n"))
    return "\n".join(out) + "\n"


def _define_runners(namespace, lines, filename, names):
    """Define the runner functions *names* in *namespace* (this module's
    globals), their code named *filename*."""
    exec(_runner_source(lines, names), namespace)
    for name in names:
        function = namespace[name]
        function.__code__ = function.__code__.replace(co_filename=filename)
        function.__doc__ = _DOCS.get(name)


_DOCS = {
    "_run_code": "Helper to run code in nominated namespace",
    "_run_module_code": "Helper to run code in new namespace with sys "
                        "modified",
    "_run_module_as_main": """Runs the designated module in the __main__ namespace

       Note that the executed module will have full access to the
       __main__ namespace. If this is not desirable, the run_module()
       function should be used to run the module code in a fresh namespace.

       At the very least, these variables in __main__ will be overwritten:
           __name__
           __file__
           __cached__
           __loader__
           __package__
    """,
    "run_module": """Execute a module's code without importing it.

       mod_name -- an absolute module name or package name.

       Optional arguments:
       init_globals -- dictionary used to pre-populate the module's
       globals dictionary before the code is executed.

       run_name -- if not None, this will be used for setting __name__;
       otherwise, __name__ will be set to mod_name + '__main__' if the
       named module is a package and to just mod_name otherwise.

       alter_sys -- if True, sys.argv[0] is updated with the value of
       __file__ and sys.modules[__name__] is updated with a temporary
       module object for the module being executed. Both are
       restored to their original values before the function returns.

       Returns the resulting module globals dictionary.
    """,
    "run_path": """Execute code located at the specified filesystem location.

       path_name -- filesystem location of a Python script, zipfile,
       or directory containing a top level __main__.py script.

       Optional arguments:
       init_globals -- dictionary used to pre-populate the module's
       globals dictionary before the code is executed.

       run_name -- if not None, this will be used to set __name__;
       otherwise, '<run_path>' will be used for __name__.

       Returns the resulting module globals dictionary.
    """,
}

# Compiled once, when this module is imported (about a third of a
# millisecond: python -m through the stand-in pays it once).
_RUNNER_NAMES = [name for name, _ in _RUNNERS]
_define_runners(globals(), _RUNPY.lines, _runpy_filename(), _RUNNER_NAMES)


if __name__ == "__main__":
    # Run the module specified as the next command line argument
    if len(sys.argv) < 2:
        print("No module specified for execution", file=sys.stderr)
    else:
        del sys.argv[0]  # Make the requested module sys.argv[0]
        _run_module_as_main(sys.argv[0])

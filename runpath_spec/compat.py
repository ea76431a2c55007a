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
calls ``_get_module_details`` through this module's globals.
"""

import importlib.machinery  # noqa: F401 - runpy's namespace has it
import importlib.util  # noqa: F401
import io  # noqa: F401
import os
import sys
from _thread import allocate_lock as _thread_lock  # (built in: free)

from . import _sysstate
from ._cpython import thread_local as _thread_local
# (The path finders and entries load with the first path target: python -m,
# the stand-in's most common use, never needs them.)
from ._loaders import code_for_spec as _code_for_spec
from ._modules import module_details as _module_details
from ._profiles import runpy_attrs as _runpy_attrs

if sys.version_info < (3, 11):
    import types  # noqa: F401 - runpy imported it before 3.11
if sys.version_info < (3, 10):
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


def _run_code(code, run_globals, init_globals=None,
              mod_name=None, mod_spec=None,
              pkg_name=None, script_name=None):
    """Helper to run code in nominated namespace"""
    if init_globals is not None:
        run_globals.update(init_globals)
    if mod_spec is not None and pkg_name is None:
        pkg_name = mod_spec.parent
    run_globals.update(_runpy_attrs(mod_name, mod_spec, pkg_name, script_name))
    sys.audit("runpath_spec.run",
              script_name if mod_spec is None else mod_spec.origin, mod_name)
    exec(code, run_globals)
    return run_globals


def _run_module_code(code, init_globals=None,
                     mod_name=None, mod_spec=None,
                     pkg_name=None, script_name=None):
    """Helper to run code in new namespace with sys modified"""
    fname = script_name if mod_spec is None else mod_spec.origin
    with _TempModule(mod_name) as temp_module, _ModifiedArgv0(fname):
        mod_globals = temp_module.module.__dict__
        _run_code(code, mod_globals, init_globals,
                  mod_name, mod_spec, pkg_name, script_name)
    # Copy the globals of the temporary module, as they
    # may be cleared when the temporary module goes away
    return mod_globals.copy()


def _get_module_details(mod_name, error=ImportError):
    return _module_details(mod_name, error)


class _Error(Exception):
    """Error that _run_module_as_main() should report without a traceback"""


def _run_module_as_main(mod_name, alter_argv=True):
    """Runs the designated module in the __main__ namespace

       Note that the executed module will have full access to the
       __main__ namespace. If this is not desirable, the run_module()
       function should be used to run the module code in a fresh namespace.

       At the very least, these variables in __main__ will be overwritten:
           __name__
           __file__
           __cached__
           __loader__
           __package__
    """
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
    return _run_code(code, main_globals, None,
                     "__main__", mod_spec)


def run_module(mod_name, init_globals=None,
               run_name=None, alter_sys=False):
    """Execute a module's code without importing it.

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
    """
    mod_name, mod_spec, code = _get_module_details(mod_name)
    if run_name is None:
        run_name = mod_name
    if alter_sys:
        return _run_module_code(code, init_globals, run_name, mod_spec)
    else:
        # Leave the sys module alone
        return _run_code(code, {}, init_globals, run_name, mod_spec)


def _main_details_in(entry, error, finder=None):
    """``("__main__", spec, code)`` of *entry*, found by its own finder only."""
    from ._entries import entry_finder, main_spec, no_main
    if finder is None:
        finder = entry_finder(entry)
    try:
        if finder is None:
            raise no_main(entry)
        spec = main_spec(finder, entry)
        code = _code_for_spec(spec)
        if code is None:
            raise no_main(entry, "its loader gives no code", spec.origin)
    except ImportError as exc:
        if isinstance(exc, error):
            raise
        raise error(str(exc)) from exc
    return "__main__", spec, code


def _get_main_module_details(error=ImportError):
    # Helper that gives a nicer error message when attempting to
    # execute a zipfile or directory by invoking __main__.py.
    # Unlike runpy's, it asks only the finder of the entry python put at
    # sys.path[0] (an entry without __main__ must not run one found
    # elsewhere: gh-75221) and so never takes __main__ out of sys.modules.
    sys.audit("runpath_spec.find", sys.path[0], "path")
    return _main_details_in(sys.path[0], error)


if sys.version_info >= (3, 15):
    def _get_code_from_file(fname, module):
        # Check for a compiled file first; *module* is the name compile()
        # attributes warnings to.
        return _code_for_file(fname, module)
elif sys.version_info >= (3, 12, 6):
    def _get_code_from_file(fname):
        # Check for a compiled file first
        return _code_for_file(fname)
else:
    def _get_code_from_file(run_name, fname):
        # Check for a compiled file first
        return _code_for_file(fname, run_name), fname


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


def _reader_args(path_name, run_name):
    """The arguments this version's ``_get_code_from_file`` takes."""
    if sys.version_info >= (3, 15):
        return path_name, run_name
    if sys.version_info >= (3, 12, 6):
        return (path_name,)
    return run_name, path_name


def _code_and_script(got, path_name):
    """``_run_module_code``'s code and script name from what this version's
    ``_get_code_from_file`` returned."""
    _handoff.target = None
    if sys.version_info >= (3, 12, 6):
        return {"code": got, "script_name": path_name}
    return {"code": got[0], "script_name": got[1]}


def run_path(path_name, init_globals=None, run_name=None):
    """Execute code located at the specified filesystem location.

       path_name -- filesystem location of a Python script, zipfile,
       or directory containing a top level __main__.py script.

       Optional arguments:
       init_globals -- dictionary used to pre-populate the module's
       globals dictionary before the code is executed.

       run_name -- if not None, this will be used to set __name__;
       otherwise, '<run_path>' will be used for __name__.

       Returns the resulting module globals dictionary.
    """
    if run_name is None:
        run_name = "<run_path>"
    pkg_name = run_name.rpartition(".")[0]
    from ._finders import find_path
    found = find_path(path_name, run_name)
    if sys.version_info >= (3, 13):
        path_name = os.fsdecode(path_name)
    if found.entry is None:
        # Not a valid sys.path entry, so run the code directly
        # (Consumed by _code_for_file; replaced by the next run if a
        # patched reader does not call it.  The call and the return are on
        # adjacent lines, as in runpy: see _present_as_runpy.)
        _handoff.target = (path_name, found)
        got = _get_code_from_file(*_reader_args(path_name, run_name))
        return _run_module_code(pkg_name=pkg_name, init_globals=init_globals,
                                mod_name=run_name,
                                **_code_and_script(got, path_name))
    # Finder is defined for path, so add it to the start of sys.path
    with _sysstate.PathEntry(found.entry):
        mod_name, mod_spec, code = _main_details_in(found.entry, ImportError)
        with _TempModule(run_name) as temp_module, \
                _ModifiedArgv0(path_name):
            mod_globals = temp_module.module.__dict__
            return _run_code(code, mod_globals, init_globals,
                             run_name, mod_spec, pkg_name).copy()


# The line of each runner function that is on the stack while the target
# runs; runpy's function has the very same line.
_RUNNER_LINES = {
    "_run_code": "exec(code, run_globals)",
    "_run_module_code": "_run_code(code, mod_globals, init_globals,",
    "_run_module_as_main": "return _run_code(code, main_globals, None,",
    "run_module": "return _run_module_code(code, init_globals, run_name, "
                  "mod_spec)",
    "run_path": "return _run_module_code(code, init_globals, run_name,",
}
# The same lines here, where they are spelt otherwise.
_OUR_LINES = dict(_RUNNER_LINES,
                  run_path="return _run_module_code(pkg_name=pkg_name,")


def _lines_of(filename, names):
    """``{name: line}`` of each top-level function's anchor line in
    *filename* (the first line holding the anchor before the next
    top-level ``def``).  Searched in the whole text at once: this runs on
    the stand-in's first use, in every ``python -m`` it serves."""
    found = {}
    try:
        with open(filename, "rb") as f:  # (the names and anchors are ASCII)
            text = b"\n" + f.read()  # so that every def follows a newline
    except OSError:
        return found
    for name, anchor in names.items():
        start = text.find(b"\ndef " + name.encode() + b"(")
        if start < 0:
            continue
        at = text.find(anchor.encode(), start)
        end = text.find(b"\ndef ", start + 1)
        if at >= 0 and (end < 0 or at < end):
            found[name] = text.count(b"\n", 0, at)  # (b"\n" added: 1-based)
    return found


def _present_as_runpy():
    """Make the runner functions' frames runpy's, as tools see them.

    Called when this module stands in for runpy (the lazy stand-in does,
    on first use).  Tools recognise runpy's frames by file name --
    pyinstrument trims ``.*runpy.py`` and ``<frozen runpy>`` -- and python
    shows them in a ``-m`` traceback as ``<frozen runpy>`` lines (3.11+;
    before, and on PyPy, as runpy.py's own lines).  So the runner
    functions' code is renamed to that file, and each shifted so that the
    line on the stack while the target runs is runpy's line for it: a
    traceback through them is python's, line for line.

    Idempotent: the code is renamed and shifted once, however many times
    (and from however many threads) it is called.
    """
    with _presenting:
        if not _presented:
            _present()
            _presented.append(True)


_presenting = _thread_lock()
_presented = []  # non-empty once the runner functions are runpy's


def _present():
    from importlib.machinery import FrozenImporter
    source = os.path.join(os.path.dirname(os.__file__), "runpy.py")
    frozen = sys.version_info >= (3, 11) and getattr(
        FrozenImporter, "find_spec", lambda name: None)("runpy")
    filename = "<frozen runpy>" if frozen else source
    theirs = _lines_of(source, _RUNNER_LINES)
    ours = _lines_of(__file__, _OUR_LINES)
    for name in _RUNNER_LINES:
        code = globals()[name].__code__
        shift = theirs.get(name, 0) - ours.get(name, 0) \
            if name in theirs and name in ours else 0
        globals()[name].__code__ = code.replace(
            co_filename=filename, co_firstlineno=code.co_firstlineno + shift)


if __name__ == "__main__":
    # Run the module specified as the next command line argument
    if len(sys.argv) < 2:
        print("No module specified for execution", file=sys.stderr)
    else:
        del sys.argv[0]  # Make the requested module sys.argv[0]
        _run_module_as_main(sys.argv[0])

"""pdb's ``_ScriptTarget``, ``_ModuleTarget`` and ``_ZipTarget`` (CPython
3.13+), re-implemented on runpath_spec's public API: a reference for tool
authors, and what tests/test_adapter_pdb.py runs CPython's own
``test_pdb`` through.

pdb runs the program itself, under its tracer (``Pdb._run``): it asks a
target for ``filename`` (the file its frames report), ``namespace`` (what
it puts into the cleared ``__main__``) and ``code``, and keeps
``sys.argv`` to itself (``run a b c`` replaces it).  A
:class:`runpath_spec.MainTarget` has each of them -- :attr:`filename`,
:meth:`attrs`, :attr:`code` -- found as ``python`` finds the target, and
:meth:`again` for a restart.  What pdb does that python does not stays
pdb's: its messages, its refusal of a directory, a ``.pyz`` as the only
zip (pdb's ``main()`` chooses the class).

``install()`` puts these classes in pdb's place.
"""

import os
import sys
import traceback

import pdb
from runpath_spec import MainTarget


class _Target:
    """What the three have in common: a MainTarget found in the
    constructor, where pdb finds its own."""

    module = False
    #: pdb compiles a module or a zip's __main__ when it finds it, and
    #: exits on a SyntaxError; a script inside its run.
    compile_first = True

    def __init__(self, target):
        self._target = target
        try:
            self._main = MainTarget(target, module=self.module)
            if self.compile_first:
                self._main.code
        except ImportError as exc:  # as pdb reports runpy's refusals
            print(f"ImportError: {exc}")
            sys.exit(1)
        except Exception:
            traceback.print_exc()
            sys.exit(1)
        self._ran = False
        # sys.path[0] as python would have it for the target, in place of
        # the one `python -m pdb` got (none under -P/-I).  sys.argv is
        # pdb's to set.
        path0 = self._main.path0
        if path0 is not None:
            if self._main.replace and sys.path:
                sys.path[0] = path0
            else:
                sys.path.insert(0, path0)

    def __repr__(self):
        return self._target

    @property
    def filename(self):
        return self._main.filename

    @property
    def namespace(self):
        return self._main.attrs()

    @property
    def code(self):
        # pdb asks once a run.  A re-run (restart) finds and reads the
        # target again: the very file, by the absolute path taken first, a
        # module where it was found first (the program may have changed
        # directory).  pdb's own classes read only a script again.
        if self._ran:
            self._main = self._main.again()
        self._ran = True
        try:
            return self._main.code
        except SyntaxError as exc:
            return _raise_in_run(exc)


class _ScriptTarget(_Target):
    compile_first = False

    def __init__(self, target):
        # pdb's own refusals, in its words; python would run a directory.
        if not os.path.exists(target):
            print(f'Error: {target} does not exist')
            sys.exit(1)
        if os.path.isdir(target):
            print(f'Error: {target} is a directory')
            sys.exit(1)
        super().__init__(target)
        self._target = os.path.abspath(target)


class _ModuleTarget(_Target):
    module = True


class _ZipTarget(_Target):
    def __init__(self, target):
        super().__init__(target)
        self._target = os.path.abspath(target)


def _raise_in_run(exc):
    """Code that raises *exc* again (a SyntaxError's arguments are plain
    data): pdb compiles a script inside its run (``bdb.run`` of a string),
    so the program's SyntaxError is examined post mortem; raised before
    the run, pdb's ``main()`` has no frame to quit to."""
    return compile("raise {}(*{!r})".format(type(exc).__name__, exc.args),
                   "<string>", "exec")


def install():
    """Replace pdb's target classes with these."""
    pdb._ScriptTarget = _ScriptTarget
    pdb._ModuleTarget = _ModuleTarget
    pdb._ZipTarget = _ZipTarget

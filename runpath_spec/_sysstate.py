"""Changes to ``sys`` made on behalf of one run, undone by ownership.

runpy saves a value on entry and writes it back on exit.  That is right
for nested runs in one thread and wrong for overlapping runs in two: the
run that ends last writes back a value the other run installed, and it
stays there.  Here every change is an *override* owned by one run.  A slot
(``sys.argv[0]``, one ``sys.modules`` key) remembers its value from before
the first override and the overrides in order of start; the newest
override's value is the one installed.  An ending run removes only its own
override, so when the last one ends the slot holds its original value
again, whatever the order in which the runs ended.

The lock guards only this bookkeeping and is never held while a target
runs, so a target that starts another run in another thread and joins it
cannot deadlock.
"""

import sys
import _thread

_lock = _thread.allocate_lock()
_MISSING = object()
_NO_ARGV = object()  # sys.argv itself is missing (an embedded interpreter)
# Slot keys: a module name (str) is that sys.modules key; ARGV0 is
# sys.argv[0]; ("attr", name) is the attribute sys.<name>.
ARGV0 = object()
# slot key -> [its value before the first override, owner, value, owner,
# value, ...]: the overrides now in force, oldest first.  (Flat, so that a
# run allocates as little as possible: this is on every run's path.)
_stacks = {}


def _read(key):
    if type(key) is str:
        return sys.modules.get(key, _MISSING)
    if key is ARGV0:
        argv = getattr(sys, "argv", None)
        if argv is None:
            return _NO_ARGV
        return argv[0] if argv else _MISSING
    return getattr(sys, key[1], _MISSING)


def _write(key, value):
    if type(key) is str:
        if value is _MISSING:
            sys.modules.pop(key, None)
        else:
            sys.modules[key] = value
    elif key is ARGV0:
        argv = getattr(sys, "argv", None)
        if value is _NO_ARGV:
            if argv is not None:
                del sys.argv
        elif argv is None:
            # An embedded interpreter may have no sys.argv at all: python
            # always gives a program one, so make one for the run.
            if value is not _MISSING:
                sys.argv = [value]
        elif value is _MISSING:
            if argv:
                del argv[0]
        elif argv:
            argv[0] = value
        else:
            argv.append(value)
    elif value is not _MISSING:
        setattr(sys, key[1], value)
    elif hasattr(sys, key[1]):
        delattr(sys, key[1])


def _push(key, owner, value):  # with _lock held
    stack = _stacks.get(key)
    if stack is None:
        _stacks[key] = [_read(key), owner, value]
    else:
        stack += (owner, value)
    _write(key, value)


def _pop(key, owner):  # with _lock held
    stack = _stacks[key]
    if stack[-2] is owner:
        del stack[-2:]
        if len(stack) == 1:
            del _stacks[key]
            _write(key, stack[0])
        else:
            # An older run is still going: give it back its own value.
            _write(key, stack[-1])
    else:  # a newer run's value stays in force
        for i in range(1, len(stack), 2):
            if stack[i] is owner:
                del stack[i:i + 2]
                break


class Override:
    """Install *value* in one ``sys`` slot for the duration of a ``with``."""

    __slots__ = ("key", "value")

    def __init__(self, key, value):
        self.key = key
        self.value = value

    def __enter__(self):
        with _lock:
            _push(self.key, self, self.value)
        return self

    def __exit__(self, *exc_info):
        with _lock:
            _pop(self.key, self)


def enter_run(run_name, module, argv0=None):
    """Override ``sys.modules[run_name]`` and, unless *argv0* is ``None``,
    ``sys.argv[0]``, under one acquisition of the lock; return the token
    to give :func:`exit_run`.

    Every run comes through here, so the common case -- no other run
    holds either slot -- is written out inline, and the lock is taken
    without ``with`` (twice as cheap): :func:`_push` would do the same,
    but on this path each Python call costs as much as the work itself.
    """
    owner = (run_name, argv0 is not None)  # a new object: the run's identity
    modules = sys.modules
    _lock.acquire()
    try:
        if run_name in _stacks:
            _push(run_name, owner, module)
        else:
            _stacks[run_name] = [modules.get(run_name, _MISSING), owner,
                                 module]
            modules[run_name] = module
        if argv0 is not None:
            argv = getattr(sys, "argv", None)
            if not argv or ARGV0 in _stacks:
                _push(ARGV0, owner, argv0)
            else:
                _stacks[ARGV0] = [argv[0], owner, argv0]
                argv[0] = argv0
    finally:
        _lock.release()
    return owner


def exit_run(owner):
    """Undo :func:`enter_run`'s overrides, by ownership as :func:`_pop`."""
    run_name, has_argv0 = owner
    _lock.acquire()
    try:
        if has_argv0:
            stack = _stacks[ARGV0]
            argv = getattr(sys, "argv", None)
            baseline = stack[0]
            if (len(stack) == 3 and stack[1] is owner and argv
                    and baseline is not _MISSING
                    and baseline is not _NO_ARGV):
                del _stacks[ARGV0]
                argv[0] = baseline
            else:
                _pop(ARGV0, owner)
        stack = _stacks[run_name]
        if len(stack) == 3 and stack[1] is owner:
            del _stacks[run_name]
            if stack[0] is _MISSING:
                sys.modules.pop(run_name, None)
            else:
                sys.modules[run_name] = stack[0]
        else:
            _pop(run_name, owner)
    finally:
        _lock.release()


def argv0(value):
    """Override ``sys.argv[0]``."""
    return Override(ARGV0, value)


def module(name, value):
    """Override ``sys.modules[name]``."""
    return Override(name, value)


def argv(value):
    """Override the whole ``sys.argv`` list (``run_main``)."""
    return Override(("attr", "argv"), value)


class PathEntry:
    """Put *entry* first on ``sys.path`` for the duration of a ``with``.

    On exit the first equal entry is removed, as runpy does: equal entries
    are interchangeable, so each run takes away exactly one.
    """

    __slots__ = ("entry",)

    def __init__(self, entry):
        self.entry = entry

    def __enter__(self):
        with _lock:
            sys.path.insert(0, self.entry)
        return self

    def __exit__(self, *exc_info):
        with _lock:
            try:
                sys.path.remove(self.entry)
            except ValueError:
                pass  # the target took it away itself


class Path0:
    """Set ``sys.path[0]`` as python's start-up does for a target.

    *replace*: the interpreter's own start-up put an entry first (it does
    unless ``-I`` or ``-P``), and the target's replaces it.  *entry* is
    then put first, or nothing if ``None``.  On exit the list is restored
    to what it was.
    """

    __slots__ = ("entry", "replace", "_saved")

    def __init__(self, entry, replace):
        self.entry = entry
        self.replace = replace
        self._saved = None

    def __enter__(self):
        with _lock:
            self._saved = list(sys.path)
            if self.replace and sys.path:
                del sys.path[0]
            if self.entry is not None:
                sys.path.insert(0, self.entry)
        return self

    def __exit__(self, *exc_info):
        with _lock:
            sys.path[:] = self._saved

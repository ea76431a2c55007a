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
_owners = {}  # slot key -> [(owner, value), ...] now in force, oldest first
_baselines = {}  # slot key -> its value before the first of them
ARGV0 = ("argv0", None)  # the slot key of sys.argv[0]


def _read(key):
    kind, name = key
    if kind == "module":
        return sys.modules.get(name, _MISSING)
    if kind == "attr":
        return getattr(sys, name, _MISSING)
    argv = getattr(sys, "argv", None)
    return argv[0] if argv else _MISSING


def _write(key, value):
    kind, name = key
    if kind == "module":
        if value is _MISSING:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = value
    elif kind == "attr":
        if value is not _MISSING:
            setattr(sys, name, value)
        elif hasattr(sys, name):
            delattr(sys, name)
    else:
        argv = getattr(sys, "argv", None)
        if argv is None:
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


def _push(key, owner, value):  # with _lock held
    owners = _owners.get(key)
    if owners is None:
        _baselines[key] = _read(key)
        _owners[key] = [(owner, value)]
    else:
        owners.append((owner, value))
    _write(key, value)


def _pop(key, owner):  # with _lock held
    owners = _owners[key]
    if owners[-1][0] is owner:
        owners.pop()
        if owners:
            # An older run is still going: give it back its own value.
            _write(key, owners[-1][1])
        else:
            del _owners[key]
            _write(key, _baselines.pop(key))
    else:  # a newer run's value stays in force
        for i, (other, _) in enumerate(owners):
            if other is owner:
                del owners[i]
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


class RunSlots:
    """``sys.modules[run_name]`` and, unless ``None``, ``sys.argv[0]``:
    the two slots a run overrides, taken under one acquisition of the lock.
    """

    __slots__ = ("key", "module", "argv0")

    def __init__(self, run_name, module, argv0=None):
        self.key = ("module", run_name)
        self.module = module
        self.argv0 = argv0

    def __enter__(self):
        with _lock:
            _push(self.key, self, self.module)
            if self.argv0 is not None:
                _push(ARGV0, self, self.argv0)
        return self

    def __exit__(self, *exc_info):
        with _lock:
            if self.argv0 is not None:
                _pop(ARGV0, self)
            _pop(self.key, self)


def argv0(value):
    """Override ``sys.argv[0]``."""
    return Override(ARGV0, value)


def module(name, value):
    """Override ``sys.modules[name]``."""
    return Override(("module", name), value)


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

"""Changes to ``sys`` made on behalf of one run, undone by ownership.

runpy saves a value on entry and writes it back on exit.  That is right
for nested runs in one thread and wrong for overlapping runs in two: the
run that ends last writes back a value the other run installed, and it
stays there.  Here every change is an *override* owned by one run.  A slot
remembers its value from before the first override and the overrides in
order of start; the newest override's value is the one installed.  An
ending run removes only its own override, so when the last one ends the
slot holds its original value again, whatever the order in which the runs
ended.  The slots:

* ``sys.modules[name]``, one slot per name;
* ``sys.argv[0]`` *of one list*: a run that sets ``argv[0]`` sets it in
  the list ``sys.argv`` is when it starts, and undoes it in that list,
  even if by then ``run_main`` has put another list in ``sys.argv``;
* the attribute ``sys.argv`` (``run_main``'s whole list).  If, when the
  run that installed a list ends, ``sys.argv`` is no longer that list --
  the target replaced it, as pdb's ``run a b c`` does -- the new list is
  left alone;
* ``sys.path`` entries put first (:class:`Path0`, :class:`PathEntry`):
  see :class:`Path0`.

The lock guards only this bookkeeping and is never held while a target
runs, so a target that starts another run in another thread and joins it
cannot deadlock.
"""

import sys
import _thread

_lock = _thread.allocate_lock()
_MISSING = object()
_NO_ARGV = object()  # sys.argv itself was missing (an embedded interpreter)
# Slot keys in _stacks: a module name (str) is that sys.modules key;
# ("attr", name) is the attribute sys.<name>.
ARGV = ("attr", "argv")
# The layout of a slot's record (flat, so that a run allocates as little as
# possible: this is on every run's path).  _stacks: slot key -> [its value
# before the first override, owner, value, owner, value, ...], the
# overrides now in force, oldest first.  _argv0: id(list) -> [list, its [0]
# before the first override (_MISSING: it was empty; _NO_ARGV:
# runpath_spec made the list), owner, value, ...].  The newest override
# is the last pair of either.
_BEFORE = 0  # in a _stacks record
_FIRST_PAIR = 1  # in a _stacks record
_ONE_OVERRIDE = 3  # the length of a _stacks record with one override
_ARGV_LIST = 0  # in an _argv0 record
_ARGV_BEFORE = 1  # in an _argv0 record
_ARGV_FIRST_PAIR = 2  # in an _argv0 record
_ARGV_ONE_OVERRIDE = 4  # the length of an _argv0 record with one override
_NEWEST_OWNER = -2  # in either
_NEWEST_VALUE = -1  # in either
_stacks = {}
_argv0 = {}
# The sys.path overrides in force (Path0 objects), oldest first.
_path_ops = []


def _read(key):
    if type(key) is str:
        return sys.modules.get(key, _MISSING)
    return getattr(sys, key[1], _MISSING)


def _write(key, value):
    if type(key) is str:
        if value is _MISSING:
            sys.modules.pop(key, None)
        else:
            sys.modules[key] = value
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
    if stack[_NEWEST_OWNER] is owner:
        del stack[_NEWEST_OWNER:]
        if len(stack) == _FIRST_PAIR:
            del _stacks[key]
            _write(key, stack[_BEFORE])
        else:
            # An older run is still going: give it back its own value.
            _write(key, stack[_NEWEST_VALUE])
    else:  # a newer run's value stays in force
        for i in range(_FIRST_PAIR, len(stack), 2):
            if stack[i] is owner:
                del stack[i:i + 2]
                break


# -- sys.argv[0], per list ---------------------------------------------------

def _argv_list():  # with _lock held: the list an argv[0] override goes in
    argv = getattr(sys, "argv", None)
    if argv is None:
        # An embedded interpreter may have no sys.argv at all: python
        # always gives a program one, so make one for the run, and take
        # it away when the last override in it ends.
        argv = sys.argv = []
        _argv0[id(argv)] = [argv, _NO_ARGV]
    return argv


def _write_argv0(argv, value):
    if value is _NO_ARGV:
        del argv[:]
        if getattr(sys, "argv", None) is argv:
            del sys.argv
        else:
            # run_main put its own list in sys.argv meanwhile: when it
            # ends, there is to be no sys.argv, not this list.
            stack = _stacks.get(ARGV)
            if stack is not None and stack[_BEFORE] is argv:
                stack[_BEFORE] = _MISSING
    elif value is _MISSING:
        if argv:
            del argv[0]
    elif argv:
        argv[0] = value
    else:
        argv.append(value)


def _push_argv0(argv, owner, value):  # with _lock held
    stack = _argv0.get(id(argv))
    if stack is None:
        _argv0[id(argv)] = [argv, argv[0] if argv else _MISSING, owner,
                            value]
    else:
        stack += (owner, value)
    _write_argv0(argv, value)


def _pop_argv0(argv, owner):  # with _lock held
    stack = _argv0[id(argv)]
    if stack[_NEWEST_OWNER] is owner:
        del stack[_NEWEST_OWNER:]
        if len(stack) == _ARGV_FIRST_PAIR:
            del _argv0[id(argv)]
        # (The next newest value, or the one from before.)
        _write_argv0(argv, stack[_NEWEST_VALUE])
    else:
        for i in range(_ARGV_FIRST_PAIR, len(stack), 2):
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


class _Argv0:
    """Install *value* in ``sys.argv[0]`` of the list ``sys.argv`` is on
    entry, for the duration of a ``with``."""

    __slots__ = ("value", "argv")

    def __init__(self, value):
        self.value = value
        self.argv = None

    def __enter__(self):
        with _lock:
            self.argv = _argv_list()
            _push_argv0(self.argv, self, self.value)
        return self

    def __exit__(self, *exc_info):
        with _lock:
            _pop_argv0(self.argv, self)


class _Argv:
    """Install the list *value* as ``sys.argv`` for the duration of a
    ``with``; on exit, a list someone else installed meanwhile stays."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __enter__(self):
        with _lock:
            _push(ARGV, self, self.value)
        return self

    def __exit__(self, *exc_info):
        with _lock:
            stack = _stacks[ARGV]
            if stack[_NEWEST_OWNER] is not self:
                _pop(ARGV, self)  # a newer run's list stays in force
            elif getattr(sys, "argv", _MISSING) is self.value:
                _pop(ARGV, self)
            else:
                # Replaced while the run ran (pdb's "run a b c"): the new
                # list stays.
                del stack[_NEWEST_OWNER:]
                if len(stack) == _FIRST_PAIR:
                    del _stacks[ARGV]


def enter_run(run_name, module, argv0=None):
    """Override ``sys.modules[run_name]`` and, unless *argv0* is ``None``,
    ``sys.argv[0]``, under one acquisition of the lock; return the token
    to give :func:`exit_run`.

    Every run comes through here, so the common case -- no other run
    holds either slot -- is written out inline, and the lock is taken
    without ``with`` (twice as cheap): :func:`_push` would do the same,
    but on this path each Python call costs as much as the work itself.
    """
    modules = sys.modules
    _lock.acquire()
    try:
        if argv0 is None:
            owner = (run_name, None)  # a new object: the run's identity
        else:
            argv = getattr(sys, "argv", None)
            key = id(argv)
            if argv and key not in _argv0:
                owner = (run_name, argv)
                _argv0[key] = [argv, argv[0], owner, argv0]
                argv[0] = argv0
            else:
                argv = _argv_list()
                owner = (run_name, argv)
                _push_argv0(argv, owner, argv0)
        if run_name in _stacks:
            _push(run_name, owner, module)
        else:
            _stacks[run_name] = [modules.get(run_name, _MISSING), owner,
                                 module]
            modules[run_name] = module
    finally:
        _lock.release()
    return owner


def exit_run(owner):
    """Undo :func:`enter_run`'s overrides, by ownership as :func:`_pop`."""
    run_name, argv = owner
    _lock.acquire()
    try:
        if argv is not None:
            key = id(argv)
            stack = _argv0[key]
            baseline = stack[_ARGV_BEFORE]
            if (len(stack) == _ARGV_ONE_OVERRIDE
                    and stack[_ARGV_FIRST_PAIR] is owner and argv
                    and baseline is not _MISSING
                    and baseline is not _NO_ARGV):
                del _argv0[key]
                argv[0] = baseline
            else:
                _pop_argv0(argv, owner)
        stack = _stacks[run_name]
        if len(stack) == _ONE_OVERRIDE and stack[_FIRST_PAIR] is owner:
            del _stacks[run_name]
            if stack[_BEFORE] is _MISSING:
                sys.modules.pop(run_name, None)
            else:
                sys.modules[run_name] = stack[_BEFORE]
        else:
            _pop(run_name, owner)
    finally:
        _lock.release()


def argv0(value):
    """Override ``sys.argv[0]`` (of the list ``sys.argv`` is now)."""
    return _Argv0(value)


def module(name, value):
    """Override ``sys.modules[name]``."""
    return Override(name, value)


def argv(value):
    """Override the whole ``sys.argv`` list (``run_main``)."""
    return _Argv(value)


# -- sys.path ---------------------------------------------------------------

def _find(path, entry, skip):
    """Index of the *skip*-th (from 0) entry equal to *entry*, or of the
    last one if there are fewer; ``-1`` if there is none."""
    found = -1
    for i, item in enumerate(path):
        if item == entry:
            found = i
            if skip == 0:
                break
            skip -= 1
    return found


class Path0:
    """Put *entry* first on ``sys.path``, as python's start-up does for a
    target, for the duration of a ``with``.

    *replace*: the interpreter's own start-up put an entry first (it does
    unless ``-I`` or ``-P``), and the target's replaces the entry first
    now; otherwise *entry* is inserted.  *entry* ``None`` (python adds
    none: ``-I``, ``-P``; then its start-up added none either) leaves
    ``sys.path`` alone.

    On exit the run takes away exactly what it put and puts back exactly
    what it replaced, whatever other runs did meanwhile: it removes the
    first entry equal to its own (equal entries are interchangeable; those
    of newer runs still in force, which are further forward, are skipped)
    and puts the replaced one in its place.  If a newer run replaced this
    run's entry in turn, there is nothing to take away: the newer run is
    told instead to put back, when it ends, what this one replaced.  If
    the target took the entry away itself, what it replaced goes first.
    """

    __slots__ = ("entry", "replace", "replaced")

    def __init__(self, entry, replace):
        self.entry = entry
        self.replace = replace
        self.replaced = _MISSING

    def __enter__(self):
        entry = self.entry
        if entry is None:
            return self  # nothing to do, nothing to undo
        with _lock:
            path = sys.path
            if self.replace and path:
                self.replaced = path[0]
                path[0] = entry
            else:
                path.insert(0, entry)
            _path_ops.append(self)
        return self

    def __exit__(self, *exc_info):
        ops = _path_ops
        _lock.acquire()
        try:
            if ops and ops[-1] is self:
                del ops[-1]
                newer = ()
            else:
                try:
                    i = ops.index(self)
                except ValueError:
                    return  # it changed nothing
                newer = ops[i + 1:]
                del ops[i]
            entry, replaced = self.entry, self.replaced
            skip = 0
            for op in newer:
                if op.replaced is not _MISSING and op.replaced == entry:
                    op.replaced = replaced  # it took over our entry
                    return
                if op.entry == entry:
                    skip += 1
            path = sys.path
            if skip:
                i = _find(path, entry, skip)
            else:
                try:
                    i = path.index(entry)
                except ValueError:
                    i = -1
            if i >= 0:
                if replaced is _MISSING:
                    del path[i]
                else:
                    path[i] = replaced
            elif replaced is not _MISSING:
                # The target took our entry away: what we replaced goes
                # back first.
                path.insert(0, replaced)
        finally:
            _lock.release()


class PathEntry(Path0):
    """Put *entry* first on ``sys.path`` for the duration of a ``with``
    (a directory or zip that ``run_path`` runs): a :class:`Path0` that
    inserts, and on exit takes away one equal entry, as runpy does."""

    __slots__ = ()

    def __init__(self, entry):
        self.entry = entry
        self.replace = False
        self.replaced = _MISSING

    def __enter__(self):
        _lock.acquire()
        try:
            sys.path.insert(0, self.entry)
            _path_ops.append(self)
        finally:
            _lock.release()
        return self

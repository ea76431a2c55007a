"""runpath_spec._sysstate: overrides owned by runs, ended in any order.

A model of the rule (in every slot the newest override in force is
installed; when the last ends, the value from before the first is back) is
checked against the real ``sys`` after every step of generated sequences
that mix ``enter_run``/``exit_run`` (the executor's fast path) with
``Override`` objects, ``run_main``'s whole-``sys.argv`` override and the
``sys.path`` overrides of ``run_path`` (``PathEntry``) and ``run_main``
(``Path0``), on names, an ``argv`` that may start empty or missing and
``sys.path`` entries drawn from a small pool, so that they collide with
each other and with what ``sys.path`` held before.
"""

import sys

import pytest
from hypothesis import given, settings, strategies as st

from runpath_spec import _sysstate

NAMES = ("<rps-a>", "<rps-b>")
MISSING = _sysstate._MISSING
NO_ARGV = object()
#: sys.path entries the runs put first, and what sys.path starts with.
POOL = ("<rps-p0>", "<rps-p1>", "<rps-q>", "<rps-r>")
PATH_HEAD = ["<rps-p0>", "<rps-p1>", "<rps-p0>"]


def _read_module(name):
    return sys.modules.get(name, MISSING)


class Model:
    """Per slot: [baseline, [(owner, value), ...]], the overrides in force
    oldest first.  Slots: module names, ("argv0", id(list)), "argv"."""

    def __init__(self):
        self.slots = {}
        self.lists = {}  # id -> list, for the argv0 slots

    def push(self, slot, owner, value, baseline):
        if slot not in self.slots:
            self.slots[slot] = [baseline, []]
        self.slots[slot][1].append((owner, value))

    def pop(self, slot, owner):
        stack = self.slots[slot][1]
        stack[:] = [(o, v) for o, v in stack if o is not owner]
        if not stack:
            del self.slots[slot]

    def check(self, steps):
        for slot, (_, stack) in self.slots.items():
            want = stack[-1][1]
            if slot == "argv":
                assert getattr(sys, "argv", MISSING) is want, steps
            elif type(slot) is tuple:
                argv = self.lists[slot[1]]
                assert (argv[0] if argv else MISSING) == want, steps
            else:
                assert _read_module(slot) == want, steps


# Each step: ("run", name, with_argv0) starts a run; ("argv0",),
# ("module", name) or ("argv",) (run_main's whole list) start an Override;
# ("path", entry, replace) starts a sys.path override (entry None: python
# puts nothing first; replace False with an entry: PathEntry); ("end", i) ends
# the i-th still running one (modulo their number).
steps = st.lists(st.one_of(
    st.tuples(st.just("run"), st.sampled_from(NAMES), st.booleans()),
    st.tuples(st.just("argv0")),
    st.tuples(st.just("argv")),
    st.tuples(st.just("module"), st.sampled_from(NAMES)),
    st.tuples(st.just("path"), st.sampled_from(POOL + (None,)),
              st.booleans()),
    st.tuples(st.just("end"), st.integers(0, 10))), max_size=30)


@settings(max_examples=300, deadline=None)
@given(steps=steps, argv=st.sampled_from(["normal", "empty", "missing"]),
       preexisting=st.booleans())
def test_overrides_follow_the_model(steps, argv, preexisting):
    saved_argv = sys.argv
    saved_path = list(sys.path)
    saved = {name: sys.modules.get(name, MISSING) for name in NAMES}
    if argv == "missing":
        del sys.argv
    else:
        sys.argv = ["caller"] if argv == "normal" else []
    original_argv = getattr(sys, "argv", MISSING)
    sys.path[:0] = PATH_HEAD
    original_path = list(sys.path)
    if preexisting:
        sys.modules[NAMES[0]] = "the original"
    model, running, counter = Model(), [], [0]
    # sys.path: per override in force, oldest first, [override, the list
    # right after it started, still comparable?]
    path_ops = []

    def value():
        counter[0] += 1
        return "v%d" % counter[0]

    def argv0_baseline():
        argv = getattr(sys, "argv", None)
        if argv is None:
            return NO_ARGV
        return argv[0] if argv else MISSING

    def push_argv0(owner, argv, v, baseline):
        model.lists[id(argv)] = argv
        model.push(("argv0", id(argv)), owner, v, baseline)

    def check_path():
        if path_ops:
            newest = path_ops[-1]
            assert sys.path[0] == newest[0].entry, steps
            if newest[2]:
                # Every newer one has ended, none older: the list is as
                # it was right after this one started.
                assert sys.path == newest[1], steps
        else:
            assert sys.path == original_path, steps

    try:
        for step in steps:
            if step[0] == "run":
                _, name, with_argv0 = step
                module, argv0 = value(), value() if with_argv0 else None
                baseline = _read_module(name)
                a_baseline = argv0_baseline()
                owner = _sysstate.enter_run(name, module, argv0)
                model.push(name, owner, module, baseline)
                if argv0 is not None:
                    push_argv0(owner, owner[1], argv0, a_baseline)
                running.append(("run", owner, name, argv0 is not None))
            elif step[0] in ("argv0", "module", "argv"):
                v = value()
                if step[0] == "argv0":
                    o = _sysstate.argv0(v)
                    baseline = argv0_baseline()
                    o.__enter__()
                    slot = ("argv0", id(o.argv))
                    push_argv0(o, o.argv, v, baseline)
                elif step[0] == "argv":
                    v = [v, "arg"]
                    o, slot = _sysstate.argv(v), "argv"
                    model.push(slot, o, v, getattr(sys, "argv", MISSING))
                    o.__enter__()
                else:
                    slot = step[1]
                    o = _sysstate.module(slot, v)
                    model.push(slot, o, v, _read_module(slot))
                    o.__enter__()
                running.append(("override", o, slot))
            elif step[0] == "path":
                _, entry, replace = step
                o = (_sysstate.PathEntry(entry) if entry and not replace
                     else _sysstate.Path0(entry, replace))
                before = list(sys.path)
                o.__enter__()
                if entry is None:
                    assert sys.path == before  # python adds nothing
                else:
                    path_ops.append([o, list(sys.path), True])
                running.append(("path", o))
            elif running:
                entry = running.pop(step[1] % len(running))
                if entry[0] == "run":
                    _, owner, name, has_argv0 = entry
                    _sysstate.exit_run(owner)
                    model.pop(name, owner)
                    if has_argv0:
                        model.pop(("argv0", id(owner[1])), owner)
                elif entry[0] == "override":
                    _, o, slot = entry
                    o.__exit__(None, None, None)
                    model.pop(slot, o)
                else:
                    o = entry[1]
                    o.__exit__(None, None, None)
                    if o.entry is not None:
                        i = [op[0] for op in path_ops].index(o)
                        for newer in path_ops[i + 1:]:
                            newer[2] = False  # an older one ended under it
                        del path_ops[i]
            model.check(steps)
            check_path()
        while running:  # end the rest, newest first
            entry = running.pop()
            if entry[0] == "run":
                _sysstate.exit_run(entry[1])
            else:
                entry[1].__exit__(None, None, None)
        assert _sysstate._stacks == {}
        assert _sysstate._argv0 == {}
        assert _sysstate._path_ops == []
        assert getattr(sys, "argv", MISSING) is original_argv
        assert (getattr(sys, "argv", MISSING) ==
                {"normal": ["caller"], "empty": [],
                 "missing": MISSING}[argv])
        assert sys.path == original_path, steps
        assert sys.modules.get(NAMES[0], MISSING) == (
            "the original" if preexisting else MISSING)
        assert NAMES[1] not in sys.modules
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
        for entry in POOL:
            sys.path_importer_cache.pop(entry, None)
        for name, module in saved.items():
            if module is MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        _sysstate._stacks.clear()
        _sysstate._argv0.clear()
        del _sysstate._path_ops[:]


def test_enter_run_on_a_missing_argv_makes_one_and_takes_it_away():
    saved = sys.argv
    del sys.argv
    try:
        owner = _sysstate.enter_run("<rps-c>", "m", "prog")
        assert sys.argv == ["prog"]
        assert sys.modules["<rps-c>"] == "m"
        _sysstate.exit_run(owner)
        assert not hasattr(sys, "argv")  # as it was
        assert "<rps-c>" not in sys.modules
    finally:
        sys.argv = saved

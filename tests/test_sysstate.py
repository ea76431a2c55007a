"""runpath_spec._sysstate: overrides owned by runs, ended in any order.

A model of the rule (the newest override in force is installed; when the
last ends, the value from before the first is back) is checked against the
real ``sys`` after every step of generated sequences that mix
``enter_run``/``exit_run`` (the executor's fast path) with ``Override``
objects, on names and an ``argv`` that may start empty or missing.
"""

import sys

import pytest
from hypothesis import given, settings, strategies as st

from runpath_spec import _sysstate

NAMES = ("<rps-a>", "<rps-b>")
MISSING = _sysstate._MISSING


def _read(slot):
    if slot == "argv0":
        argv = getattr(sys, "argv", None)
        return argv[0] if argv else MISSING
    return sys.modules.get(slot, MISSING)


class Model:
    def __init__(self):
        self.baseline = {}
        self.stacks = {}

    def push(self, slot, owner, value):
        if slot not in self.stacks:
            self.baseline[slot] = _read(slot)
            self.stacks[slot] = []
        self.stacks[slot].append((owner, value))

    def pop(self, slot, owner):
        stack = self.stacks[slot]
        stack[:] = [(o, v) for o, v in stack if o is not owner]
        if not stack:
            del self.stacks[slot]

    def rename(self, old, new):
        for stack in self.stacks.values():
            stack[:] = [(new if o is old else o, v) for o, v in stack]

    def expected(self, slot):
        if slot in self.stacks:
            return self.stacks[slot][-1][1]
        return self.baseline.get(slot, "untouched")


# Each step: ("run", name, with_argv0) starts a run; ("argv0",) or
# ("module", name) starts an Override; ("end", i) ends the i-th still
# running one (modulo their number).
steps = st.lists(st.one_of(
    st.tuples(st.just("run"), st.sampled_from(NAMES), st.booleans()),
    st.tuples(st.just("argv0")),
    st.tuples(st.just("module"), st.sampled_from(NAMES)),
    st.tuples(st.just("end"), st.integers(0, 10))), max_size=25)


@settings(max_examples=200, deadline=None)
@given(steps=steps, argv=st.sampled_from(["normal", "empty", "missing"]),
       preexisting=st.booleans())
def test_overrides_follow_the_model(steps, argv, preexisting):
    saved_argv = sys.argv
    saved = {name: sys.modules.get(name, MISSING) for name in NAMES}
    if argv == "missing":
        del sys.argv
    else:
        sys.argv = ["caller"] if argv == "normal" else []
    if preexisting:
        sys.modules[NAMES[0]] = "the original"
    model, running, counter = Model(), [], [0]

    def value():
        counter[0] += 1
        return "v%d" % counter[0]

    def check():
        for slot in ("argv0",) + NAMES:
            want = model.expected(slot)
            if want != "untouched":
                assert _read(slot) == want, (slot, steps)

    try:
        for step in steps:
            if step[0] == "run":
                _, name, with_argv0 = step
                module, argv0 = value(), value() if with_argv0 else None
                placeholder = object()  # baselines are read before the run
                model.push(name, placeholder, module)
                if argv0 is not None:
                    model.push("argv0", placeholder, argv0)
                owner = _sysstate.enter_run(name, module, argv0)
                model.rename(placeholder, owner)
                running.append(("run", owner, name, argv0 is not None))
            elif step[0] in ("argv0", "module"):
                slot = "argv0" if step[0] == "argv0" else step[1]
                v = value()
                o = (_sysstate.argv0(v) if slot == "argv0"
                     else _sysstate.module(slot, v))
                model.push(slot, o, v)
                o.__enter__()
                running.append(("override", o, slot))
            elif running:
                entry = running.pop(step[1] % len(running))
                if entry[0] == "run":
                    _, owner, name, has_argv0 = entry
                    _sysstate.exit_run(owner)
                    model.pop(name, owner)
                    if has_argv0:
                        model.pop("argv0", owner)
                else:
                    _, o, slot = entry
                    o.__exit__(None, None, None)
                    model.pop(slot, o)
            check()
        while running:  # end the rest, newest first
            entry = running.pop()
            if entry[0] == "run":
                _sysstate.exit_run(entry[1])
            else:
                entry[1].__exit__(None, None, None)
        assert _sysstate._stacks == {}
        assert (getattr(sys, "argv", MISSING) ==
                {"normal": ["caller"], "empty": [],
                 "missing": MISSING}[argv])
        assert sys.modules.get(NAMES[0], MISSING) == (
            "the original" if preexisting else MISSING)
        assert NAMES[1] not in sys.modules
    finally:
        sys.argv = saved_argv
        for name, module in saved.items():
            if module is MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        _sysstate._stacks.clear()


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

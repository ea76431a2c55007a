"""What the finders decide, step by step, while a :class:`Trace` records.

The finders (``_finders``, ``_entries``, ``_hooks``, ``_modules``) call
:func:`note` at each decision point, behind ``if _trace.on:``: when
nothing traces -- every run but ``--explain --trace`` -- that is one
module-attribute load and a test, so the trace is what the code really
decided (not a second derivation of it) and costs a normal run nothing
measurable.  A :class:`Trace` records only the thread that entered it.
"""

import _thread

__all__ = ["Trace", "TraceStep", "note", "on", "name_of", "spec_detail",
           "main_elsewhere",
           "format_steps", "file_type", "meta_path_answer", "module_found"]

#: Is any :class:`Trace` recording?  Read by the finders at each step.
on = False
_active = {}  # thread id -> the Trace recording in that thread
_lock = _thread.allocate_lock()


class TraceStep:
    """One decision: at *stage*, *subject* was asked (or looked at) and
    gave *answer* (``"claimed"``, ``"declined"``, ``"not asked"``,
    ``"found"``, ...); *detail* says why, in words."""

    __slots__ = ("stage", "subject", "answer", "detail")

    def __init__(self, stage, subject, answer, detail=""):
        self.stage = stage
        self.subject = subject
        self.answer = answer
        self.detail = detail

    def as_dict(self):
        """The step as a JSON-able dict."""
        return {"stage": self.stage, "subject": self.subject,
                "answer": self.answer, "detail": self.detail}

    def __repr__(self):
        return "TraceStep({!r}, {!r}, {!r}, {!r})".format(
            self.stage, self.subject, self.answer, self.detail)


class Trace:
    """A context manager that records, in :attr:`steps`, every decision
    the finders make in this thread while it is entered (one trace per
    thread at a time)."""

    def __init__(self):
        #: The :class:`TraceStep` list, in the order the code decided.
        self.steps = []

    def __enter__(self):
        global on
        ident = _thread.get_ident()
        with _lock:
            if ident in _active:
                raise RuntimeError("a Trace is already recording in this "
                                   "thread: expected one at a time")
            _active[ident] = self
            on = True
        return self

    def __exit__(self, *exc_info):
        global on
        with _lock:
            if _active.get(_thread.get_ident()) is self:
                del _active[_thread.get_ident()]
            on = bool(_active)

    def as_dicts(self):
        """:attr:`steps` as JSON-able dicts."""
        return [step.as_dict() for step in self.steps]

    def format(self):
        """:attr:`steps` as numbered lines of text."""
        return "\n".join(format_steps(self.as_dicts()))


def format_steps(steps):
    """Steps (as dicts) as numbered text lines, each detail below."""
    lines = ["trace:"]
    width = max([len(step["stage"]) for step in steps] or [0])
    for number, step in enumerate(steps, 1):
        lines.append("  {:>2}. {:<{w}}  {}: {}".format(
            number, step["stage"], step["subject"], step["answer"],
            w=width))
        if step["detail"]:
            lines.append("      {:<{w}}  {}".format("", step["detail"],
                                                      w=width))
    return lines


def note(stage, subject, answer, detail=""):
    """Record a step in this thread's :class:`Trace`, if it has one."""
    trace = _active.get(_thread.get_ident())
    if trace is not None:
        trace.steps.append(TraceStep(stage, subject, answer, detail))


def name_of(obj):
    """A finder, hook or loader as a trace names it: a class or function
    by its module and qualified name, any other object by its class's."""
    if not hasattr(obj, "__qualname__"):  # an instance
        obj = type(obj)
    return "{}.{}".format(getattr(obj, "__module__", "?"),
                          getattr(obj, "__qualname__", repr(obj)))


def spec_detail(spec):
    """What a finder's answer says: its origin and loader."""
    if spec is None:
        return "no spec"
    return "spec {!r} at {!r}, loader {}".format(
        spec.name, spec.origin, name_of(spec.loader))


def file_type(mode):
    """What a ``stat`` mode says the path is, in words."""
    import stat
    for test, name in ((stat.S_ISDIR, "directory"),
                       (stat.S_ISREG, "regular file"),
                       (stat.S_ISFIFO, "FIFO")):
        if test(mode):
            return name
    return "special file"


def meta_path_answer(fullname, path, finder, spec, rest):
    """Record a ``sys.meta_path`` finder's answer for *fullname*, and
    the finders after it, not asked once it answered."""
    where = "" if path is None else " in {!r}".format(path)
    note("meta_path", name_of(finder), "declined" if spec is None else
         "found", "asked for {!r}{}: {}".format(fullname, where,
                                                spec_detail(spec)))
    if spec is not None:
        for later in rest:
            note("meta_path", name_of(later), "not asked",
                 "{} answered first".format(name_of(finder)))


def module_found(name, spec, remembered, parent):
    """Record where ``-m`` finds *name*: a *parent* package (never
    imported by ``--explain``) or the module itself; *remembered* when
    the spec is that of a module already in ``sys.modules``."""
    if remembered:
        answer = "already imported"
        detail = "its __spec__ in sys.modules: {}".format(spec_detail(spec))
    else:
        answer = "would be imported from" if parent else "found"
        detail = "{}, not imported".format(spec_detail(spec))
    if spec.submodule_search_locations is not None:
        detail += "; a package searched in {!r}".format(
            list(spec.submodule_search_locations))
    note("package" if parent else "module", name, answer, detail)


def main_elsewhere(entry):
    """Where runpy (and python itself) would find ``__main__`` for an
    *entry* that has none: the first ``sys.path`` entry whose path-hook
    finder has one (gh-75221), else ``None``.  Asks fresh finders, as
    :func:`note` records nothing of them; ``sys.path_importer_cache`` is
    neither read nor written."""
    import sys
    for place in sys.path:
        for hook in sys.path_hooks:
            try:
                finder = hook(place or ".")
            except ImportError:
                continue
            find_spec = getattr(finder, "find_spec", None)
            spec = None if find_spec is None else find_spec("__main__")
            if spec is not None and spec.origin:
                return spec.origin
            break
    return None

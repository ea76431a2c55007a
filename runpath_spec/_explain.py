"""``--explain``: what would run, how each profile would present it, and
-- with a :class:`~runpath_spec.Trace` -- why: every decision the finders
made, in order (``--explain --trace``), as text, JSON or Graphviz."""

import builtins
import os
import sys

from ._kinds import BYTECODE, HOOK, MODULE, SOURCE
from ._profiles import PROFILES, derive

__all__ = ["explain", "format_explanation"]

DUNDERS = ("__name__", "__file__", "__cached__", "__package__", "__loader__",
           "__spec__", "__builtins__", "__doc__")
_ABSENT = "(not set)"
#: How ``__builtins__`` shows when the code sees the builtins module's
#: dict: what ``exec()`` inserts into globals that lack it.
BUILTINS_DICT = "<dict of module 'builtins'>"


def _show(value):
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if value is vars(builtins):
        return BUILTINS_DICT
    if isinstance(value, type(sys)):
        return "<module {!r}>".format(value.__name__)
    name = getattr(value, "name", None)
    if type(value).__name__ == "ModuleSpec":
        return "ModuleSpec(name={!r})".format(name)
    return "<{}.{}>".format(type(value).__module__, type(value).__qualname__)


def _spec_fields(spec):
    return {
        "name": spec.name,
        "origin": spec.origin,
        "cached": spec.cached,
        "parent": spec.parent,
        "loader": _show(spec.loader),
        "has_location": spec.has_location,
        "submodule_search_locations": (
            None if spec.submodule_search_locations is None
            else list(spec.submodule_search_locations)),
    }


def _bytecode(target):
    from . import pyc
    loader = target.spec.loader
    header = pyc.read_header(loader.get_data(loader.path), path=loader.path)
    info = {
        "magic": header.magic.hex(),
        "magic_number": header.magic_int,
        "python_version": header.python_version,
        "implementation": header.implementation,
        "kind": header.kind,
        "flags": header.flags,
        "mtime": header.mtime,
        "source_size": header.source_size,
        "source_hash": (None if header.source_hash is None
                        else header.source_hash.hex()),
        "source": None,
        "matches_source": None,
    }
    source = loader.source_path()
    if source is not None:
        info["source"] = source
        try:
            if header.kind == "timestamp":
                st = os.stat(source)
                pyc.validate_timestamp(header, st.st_mtime, st.st_size)
            else:
                from ._files import read_file
                pyc.validate_hash(header, read_file(source))
        except pyc.StalePycError:
            info["matches_source"] = False
        else:
            info["matches_source"] = True
    return info


def _seen(attrs):
    """The dunders the code sees: the fresh module's own (``__doc__`` is
    ``None``...), the profile's over them, and what ``exec()`` inserts
    where the profile sets no ``__builtins__``."""
    seen = dict(vars(type(sys)("__main__")))
    seen.update(attrs)
    if "__builtins__" not in seen:
        # What exec() inserts is the implementation's choice (CPython the
        # builtins dict, PyPy the module): asked of exec itself, with code
        # that does nothing.
        exec("", seen)
    return {k: _show(seen.get(k, _ABSENT)) for k in DUNDERS}


def _profiles(target):
    profiles = {}
    for name, profile in PROFILES.items():
        attrs = profile.attrs(target.spec, "__main__")
        if target.kind.own_file and \
                profile.shown_argv0(target.argv0) is not None:
            # runpy shows the path as given (the target was found by the
            # CLI's own profile's path).
            attrs["__file__"] = target.argv0
        profiles[name] = _seen(attrs)
    return profiles


def _own_loader_of_the_import_system(target):
    """A HOOK target whose loader is exactly importlib's own: the
    import system's default finders found the file, no hook claimed it."""
    from importlib.machinery import SourceFileLoader, SourcelessFileLoader
    return target.kind is HOOK and type(target.spec.loader) in (
        SourceFileLoader, SourcelessFileLoader)


def _shown_kind(target):
    """``(kind, found_by)`` as the output tells them."""
    if _own_loader_of_the_import_system(target):
        from importlib.machinery import SourceFileLoader
        kind = (SOURCE if type(target.spec.loader) is SourceFileLoader
                else BYTECODE)
        return kind, ("the import system's default finders, with "
                      "importlib's own loader: no import hook claimed it")
    return target.kind, None


def cannot_run(target):
    """Why *target* cannot run, in the words running it would say; else
    ``None``.  Decided from the loader -- and, for a source file that
    runpath_spec's own loader holds, from compiling the bytes already
    read (the loader's ``source_to_code``: nothing runs or is written).
    Bytecode is never unmarshalled here."""
    from importlib.machinery import BuiltinImporter, ExtensionFileLoader
    spec = target.spec
    loader = spec.loader
    if target.kind is SOURCE:
        return _source_cannot_run(target)
    without_code = (loader is BuiltinImporter
                    or isinstance(loader, (BuiltinImporter,
                                           ExtensionFileLoader)))
    if target.kind is MODULE and without_code:
        from ._modules import no_code_reason
        return "No code object available for {}: {}".format(
            spec.name, no_code_reason(spec))
    executes = (callable(getattr(loader, "exec_module", None))
                and PROFILES[target.profile].runs_exec_module)
    if not hasattr(loader, "get_code") and (target.kind is MODULE
                                            or not executes):
        return ("cannot run {!r} under the {!r} profile: expected a loader "
                "that gives code (get_code()), found {!r}".format(
                    spec.origin or spec.name, target.profile, loader))
    return None


def _source_cannot_run(target):
    """What running a source file would refuse: python's own "Bad magic
    number" for a ``.pyc`` that holds source (python profile), or the
    source's ``SyntaxError``."""
    spec = target.spec
    refused = PROFILES[target.profile].source_script_error(spec.origin)
    if refused is not None:
        return "{}: {}".format(type(refused).__name__, refused)
    loader = spec.loader
    try:
        loader.source_to_code(loader.get_data(spec.origin), spec.origin)
    except (SyntaxError, ValueError) as exc:  # (ValueError: NUL, <3.12)
        return "{}: {}".format(type(exc).__name__, exc)
    return None


def _provenance(steps):
    """Did a remembered spec or a fresh finder give the final spec?"""
    for step in reversed(steps):
        if step["answer"] in ("remembered", "already imported") and \
                step["stage"] in ("entry finder", "module"):
            return "remembered: " + step["detail"]
        if step["stage"] in ("entry finder", "module", "magic number",
                             "plug-in", "import hooks"):
            break
    return "a fresh finder"


def _attribute_rows(target, info, provenance):
    """Each derived attribute under the chosen profile, with python's and
    runpy's value beside it where they differ, and where it came from."""
    derived = derive(target.spec, "__main__")
    chosen = info["profiles"][target.profile]
    rows = []
    for key in DUNDERS:
        row = {"name": key, "value": chosen[key]}
        for other in ("python", "runpy"):
            if other != target.profile and \
                    info["profiles"][other][key] != chosen[key]:
                row[other] = info["profiles"][other][key]
        if key in derived and _show(derived[key]) == chosen[key]:
            row["from"] = "the spec ({})".format(provenance)
        else:
            row["from"] = "the {!r} profile's rule".format(target.profile)
        rows.append(row)
    return rows


def _trace_info(target, trace, info):
    """The trace steps, closed by the loader chosen and why."""
    from ._trace import name_of
    steps = trace.as_dicts()
    found_by = info.get("found_by")
    steps.append({"stage": "loader", "subject": name_of(target.spec.loader),
                  "answer": "chosen",
                  "detail": found_by or target.kind.reason})
    provenance = _provenance(steps)
    steps.append({"stage": "spec", "subject": target.spec.name,
                  "answer": "given", "detail": "by " + provenance})
    info["trace"] = steps
    info["attributes"] = _attribute_rows(target, info, provenance)


def explain(target, trace=None):
    """A JSON-able description of a :class:`~runpath_spec.MainTarget`
    found by :meth:`~runpath_spec.MainTarget.found_without_running`;
    with the :class:`~runpath_spec.Trace` that recorded the finding, why
    (``"trace"``, ``"attributes"``).  Runs, imports and writes nothing."""
    kind, found_by = _shown_kind(target)
    replaced = sys.path[0] if (target.replace and sys.path) else None
    modules = ["__main__"] + (["__mp_main__"] if "__mp_main__" in sys.modules
                              else [])
    reason = cannot_run(target)
    info = {
        "kind": kind,
        "profile": target.profile,
        "runs": reason is None,
        "cannot_run": reason,
        "spec": _spec_fields(target.spec),
        "profiles": _profiles(target),
        "sys": {"argv": target.argv, "path0": target.path0,
                "path0_replaces": replaced, "modules": modules},
        "bytecode": (_bytecode(target) if target.kind is BYTECODE
                     else None),
    }
    if found_by is not None:
        info["found_by"] = found_by
    if trace is not None:
        _trace_info(target, trace, info)
    return info


def format_explanation(info, format="text"):
    """:func:`explain`'s result as text (``format="text"``) or as a
    Graphviz ``digraph`` of the decision path (``format="dot"``)."""
    if format == "dot":
        return _dot(info)
    if format != "text":
        raise ValueError("unknown format {!r}: expected 'text' or "
                         "'dot'".format(format))
    lines = []
    if "trace" in info:
        from ._trace import format_steps
        lines += format_steps(info["trace"]) + [""]
    lines += _text(info)
    if "attributes" in info:
        lines += [""] + _attribute_lines(info)
    if not info["runs"]:
        lines += ["", "cannot run: " + info["cannot_run"]]
    return "\n".join(lines)


def _attribute_lines(info):
    lines = ["derived attributes ({!r} profile):".format(info["profile"])]
    for row in info["attributes"]:
        others = "".join("; {} gives {!r}".format(p, row[p])
                         for p in ("python", "runpy") if p in row)
        value = row["value"]
        lines.append("  {:<13} {}{}".format(
            row["name"], value if value == _ABSENT else repr(value), others))
        lines.append("  {:<13}   from {}".format("", row["from"]))
    return lines


_COLORS = {"claimed": "darkgreen", "found": "darkgreen", "chosen": "blue",
           "declined": "gray40", "not asked": "gray70"}


def _quote(text):
    return '"{}"'.format(str(text).replace("\\", "\\\\").replace(
        '"', '\\"').replace("\n", "\\n"))


def _dot(info):
    """The decision path as Graphviz source: one node per trace step, in
    order, then the attributes the spec gives."""
    steps = info.get("trace") or []
    lines = ["digraph explain {", "  rankdir=TB;",
             "  node [shape=box, fontname=\"Helvetica\", fontsize=10];",
             "  target [label={}, shape=ellipse];".format(_quote(
                 "kind: " + info["kind"]))]
    previous = "target"
    for number, step in enumerate(steps, 1):
        node = "step{}".format(number)
        label = "{}. {}\n{}\n{}".format(number, step["stage"],
                                        step["subject"], step["answer"])
        style = ", style=dashed" if step["answer"] == "not asked" else ""
        lines.append("  {} [label={}, color={}{}];".format(
            node, _quote(label), _COLORS.get(step["answer"], "black"), style))
        lines.append("  {} -> {};".format(previous, node))
        previous = node
    for row in info.get("attributes", ()):
        node = "attr_" + row["name"].strip("_")
        lines.append("  {} [label={}, shape=note];".format(node, _quote(
            "{} = {!r}".format(row["name"], row["value"]))))
        lines.append("  {} -> {};".format(previous, node))
    if not info["runs"]:
        lines.append("  cannot_run [label={}, color=red];".format(
            _quote(info["cannot_run"])))
        lines.append("  {} -> cannot_run;".format(previous))
    lines.append("}")
    return "\n".join(lines)


def _text(info):
    """The human-readable form of :func:`explain`'s result."""
    lines = ["kind: {}".format(info["kind"])]
    if info.get("found_by"):
        lines.append("found by: " + info["found_by"])
    lines += ["", "spec:"]
    width = max(len(k) for k in info["spec"])
    for key, value in info["spec"].items():
        lines.append("  {:<{w}}  {!r}".format(key, value, w=width))
    lines += ["", "dunders, by profile:"]
    rows = [("", ) + tuple(PROFILES)]
    for key in DUNDERS:
        rows.append((key,) + tuple(
            repr(info["profiles"][p][key]) if info["profiles"][p][key]
            != _ABSENT else _ABSENT for p in PROFILES))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        lines.append("  " + "  ".join(str(cell).ljust(w) for cell, w in
                                      zip(row, widths)).rstrip())
    s = info["sys"]
    lines += ["", "sys while it runs:",
              "  sys.argv      {!r}".format(s["argv"]),
              "  sys.path[0]   {!r}{}".format(
                  s["path0"], "" if s["path0_replaces"] is None
                  else " (replacing {!r})".format(s["path0_replaces"])),
              "  sys.modules   {}".format(", ".join(s["modules"]))]
    if info["bytecode"] is not None:
        lines += ["", "bytecode:"]
        b = info["bytecode"]
        for key in ("magic", "magic_number", "python_version",
                    "implementation", "kind",
                    "flags", "mtime", "source_size", "source_hash",
                    "source", "matches_source"):
            lines.append("  {:<15} {!r}".format(key, b[key]))
    return lines

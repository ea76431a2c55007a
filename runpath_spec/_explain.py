"""``--explain``: what would run, and how each profile would present it."""

import os
import sys

from ._profiles import PROFILES

__all__ = ["explain", "format_explanation"]

DUNDERS = ("__name__", "__file__", "__cached__", "__package__", "__loader__",
           "__spec__", "__builtins__", "__doc__")
_ABSENT = "(not set)"


def _show(value):
    if value is None or isinstance(value, (str, bool, int)):
        return value
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


def explain(target):
    """A JSON-able description of a prepared :class:`~._main.MainTarget`."""
    profiles = {}
    for name, profile in PROFILES.items():
        attrs = profile.attrs(target.spec, "__main__")
        if target.kind in ("source", "bytecode") and \
                profile.shown_argv0(target.argv0) is not None:
            # runpy shows the path as given (the target was found by the
            # CLI's own profile's path).
            attrs["__file__"] = target.argv0
        profiles[name] = {k: _show(attrs.get(k, _ABSENT)) for k in DUNDERS}
    replaced = sys.path[0] if (target.replace and sys.path) else None
    modules = ["__main__"] + (["__mp_main__"] if "__mp_main__" in sys.modules
                              else [])
    result = {
        "kind": target.kind,
        "spec": _spec_fields(target.spec),
        "profiles": profiles,
        "sys": {"argv": target.argv, "path0": target.path0,
                "path0_replaces": replaced, "modules": modules},
        "bytecode": _bytecode(target) if target.kind == "bytecode" else None,
    }
    return result


def format_explanation(info):
    """The human-readable form of :func:`explain`'s result."""
    lines = ["kind: {}".format(info["kind"]), "", "spec:"]
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
    return "\n".join(lines)

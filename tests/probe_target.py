"""A probe: runs as a target and prints, as JSON, what it was given.

Used by the "is like python" tests: run through ``python X`` and through
``python -m runpath_spec X``, the two reports must be identical.
"""
import json
import pickle
import sys


class Probe:
    pass


def _loader(loader):
    return None if loader is None else type(loader).__name__


def _spec(spec):
    if spec is None:
        return None
    return {"name": spec.name, "origin": spec.origin, "cached": spec.cached,
            "parent": spec.parent, "has_location": spec.has_location,
            "loader": _loader(spec.loader),
            "submodule_search_locations": (
                None if spec.submodule_search_locations is None
                else list(spec.submodule_search_locations))}


def _pickles():
    try:
        return type(pickle.loads(pickle.dumps(Probe()))).__name__
    except Exception as exc:  # report, don't fail
        return "error: %s" % type(exc).__name__


_g = globals()
report = {
    "keys": sorted(k for k in _g if k not in ("json", "pickle", "sys",
                                               "Probe", "_loader", "_spec",
                                               "_pickles", "_g")),
    "__name__": __name__,
    "__file__": _g.get("__file__", "<absent>"),
    "__cached__": _g.get("__cached__", "<absent>"),
    "__package__": __package__,
    "__doc__": __doc__ is not None,
    "__loader__": _loader(__loader__),
    "__spec__": _spec(__spec__),
    "__builtins__": type(_g["__builtins__"]).__name__,
    "argv": sys.argv,
    "path": sys.path,
    "is_main": getattr(sys.modules.get("__main__"), "__dict__", None) is _g,
    "mp_main": getattr(sys.modules.get("__mp_main__"), "__dict__", None) is _g,
    "pickles": _pickles(),
    "code_filename": sys._getframe().f_code.co_filename,
}
print("PROBE " + json.dumps(report, sort_keys=True))

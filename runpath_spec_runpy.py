"""The lazy stand-in for runpy: ``sys.modules["runpy"]`` until first use.

``python -m runpath_spec --install-runpy`` copies this file beside a
``.pth`` file in site-packages, as the top-level module
``_runpath_spec_runpy``, and the ``.pth`` imports it at every interpreter
start: importing it calls :func:`install`.  It imports nothing (``sys`` is always loaded), so a
start that never uses runpy pays for this one small module only.

The first time anything is looked up on the stand-in -- ``python -m``
asking for ``runpy._run_module_as_main``, ``python dir/`` or ``python
app.zip`` likewise, a tool calling ``runpy.run_path`` -- it imports
``runpath_spec.compat``; from then on every attribute of the stand-in is
``runpath_spec.compat``'s (``runpy.run_path is runpath_spec.compat.run_path``),
and writes (``runpy._get_code_from_file = ...``, as Hy patches it) and
deletions go to ``runpath_spec.compat`` too.  The stand-in stays in
``sys.modules["runpy"]``: code that imported runpy before its first use
and code that imports it after hold the same object (CPython's
``test_runpy`` compares them).

If runpath_spec has been uninstalled while this file stayed behind, the
stand-in loads the standard library's runpy instead: the interpreter
behaves as if nothing had been installed.
"""

import sys

_ModuleType = type(sys)
_loaded = []  # the module the stand-in stands for, once loaded


def _stdlib_runpy():
    """The standard library's runpy, imported by name past the stand-in
    (which stays in sys.modules)."""
    saved = sys.modules.pop("runpy", None)
    try:
        import runpy
    finally:
        if saved is not None:
            sys.modules["runpy"] = saved
    return runpy


def _load():
    if _loaded:
        return _loaded[0]
    try:
        import runpath_spec.compat as real
    except ModuleNotFoundError as exc:
        if exc.name not in ("runpath_spec", "runpath_spec.compat"):
            raise
        real = _stdlib_runpy()  # runpath_spec is gone: runpy as shipped
    else:
        # Its runner frames are runpy's, as tools and tracebacks see them.
        present = getattr(real, "_present_as_runpy", None)
        if present is not None:
            present()
    _loaded.append(real)
    return _loaded[0]


class LazyRunpy(_ModuleType):
    """A module object whose attributes are ``runpath_spec.compat``'s,
    imported on first use."""

    def __getattr__(self, name):
        return getattr(_load(), name)

    def __setattr__(self, name, value):
        setattr(_load(), name, value)

    def __delattr__(self, name):
        delattr(_load(), name)

    def __dir__(self):
        return dir(_load())

    # ``import runpy`` reads __spec__ (is the module still initialising?):
    # None until loaded, so that importing runpy is not using it.  (Set,
    # it is forwarded by __setattr__, as everything else is.)
    @property
    def __spec__(self):
        return _loaded[0].__spec__ if _loaded else None


def install():
    """Make ``sys.modules["runpy"]`` the lazy stand-in; return what is there.

    Leaves an existing stand-in (or ``runpath_spec.compat``) in place.
    """
    current = sys.modules.get("runpy")
    if current is None or vars(current).get("__name__") == "runpy":
        current = LazyRunpy("runpy")
        for name in ("__name__", "__doc__", "__package__", "__loader__"):
            # Looked up on first use instead: runpath_spec.compat's own.
            vars(current).pop(name, None)
        sys.modules["runpy"] = current
    return current


# The .pth line is the bare import: one statement to compile at every start.
install()

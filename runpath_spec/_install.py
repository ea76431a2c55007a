"""``--install-runpy``, ``--uninstall-runpy``, ``--runpy-status``.

Installing writes two files into the running interpreter's site-packages
(with ``user=True``, its user site-packages):

* ``_runpath_spec_runpy.py``: a copy of the shim module ``runpath_spec_runpy``,
  the lazy stand-in, with its bytecode beside it in ``__pycache__``;
* ``runpath_spec_runpy.pth``: one line, run by :mod:`site` at every
  start, that makes the stand-in ``sys.modules["runpy"]``.

The stand-in is a file of its own, not a part of the package, so that
the ``.pth`` finds it wherever runpath_spec is installed (the user site is
processed before site-packages) and still finds it after runpath_spec is
uninstalled (it then loads the standard library's runpy).  Uninstalling
removes exactly these files and the stand-in's bytecode.
"""

import os
import sys

__all__ = ["install", "uninstall", "status", "site_dir"]

SHIM = "_runpath_spec_runpy"
PTH = "runpath_spec_runpy.pth"
# Importing the shim installs it: a call after the import would cost every
# interpreter start one more compile and lookup (3.13: 0.2% of a bare start).
PTH_LINE = "import {0}\n".format(SHIM)
# What earlier versions wrote: still recognised, and replaced on install.
_OLD_PTH_LINES = ("import {0}; {0}.install()\n".format(SHIM),)
HEADER = ("# Written by `python -m runpath_spec --install-runpy`; remove it "
          "with\n# `python -m runpath_spec --uninstall-runpy` (or delete "
          "this file and\n# {}).\n".format(PTH))


class InstallError(Exception):
    """The stand-in cannot be installed there (the message says why)."""


def site_dir(user=False):
    """The directory the stand-in goes to: site-packages, or the user's."""
    if not user:
        import sysconfig
        return sysconfig.get_paths()["purelib"]
    import site
    if not site.ENABLE_USER_SITE:
        raise InstallError(
            "this interpreter does not use a user site-packages (a virtual "
            "environment, -s or PYTHONNOUSERSITE): install without --user")
    return site.getusersitepackages()


def _shim_source():
    # The shim ships beside the package, as the top-level module
    # runpath_spec_runpy: it is not part of runpath_spec, since it must work
    # (falling back to the standard library's runpy) when runpath_spec is
    # gone.
    import importlib.util
    spec = importlib.util.find_spec("runpath_spec_runpy")
    if spec is None or not spec.origin:
        raise InstallError("the shim module 'runpath_spec_runpy' is not "
                           "installed beside runpath_spec: expected it in "
                           "the same distribution, found none")
    with open(spec.origin, encoding="utf-8") as f:
        return HEADER + f.read()


def _paths(directory):
    return (os.path.join(directory, PTH),
            os.path.join(directory, SHIM + ".py"))


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def _write(path, text):
    """Write *text* to *path* unless it holds it already; True if written."""
    if _read(path) == text:
        return False
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return True


def _compile(path):
    import py_compile
    return py_compile.compile(path, doraise=True)


def install(user=False, out=None):
    """Install the stand-in; print what was written.  Idempotent."""
    out = sys.stdout if out is None else out
    directory = site_dir(user)
    os.makedirs(directory, exist_ok=True)
    pth, shim = _paths(directory)
    written = [path for path, text in ((shim, _shim_source()),
                                       (pth, PTH_LINE)) if _write(path, text)]
    for path in (shim, pth):
        out.write("{} {}\n".format("wrote" if path in written else "kept",
                                    path))
    out.write("compiled {}\n".format(_compile(shim)))
    out.write("runpy is now runpath_spec's lazy stand-in in every new "
              "interpreter using {}\n".format(directory))
    return 0


def _ours(pth, shim):
    """Those of the two files that are runpath_spec's (a file of the same
    name with other contents is left alone)."""
    found = []
    if _read(pth) in (PTH_LINE,) + _OLD_PTH_LINES:
        found.append(pth)
    text = _read(shim)
    if text is not None and text.startswith(HEADER):
        found.append(shim)
    return found


def _bytecode(shim):
    cache = os.path.join(os.path.dirname(shim), "__pycache__")
    try:
        names = os.listdir(cache)
    except OSError:
        return []
    return [os.path.join(cache, name) for name in sorted(names)
            if name.startswith(SHIM + ".") and name.endswith(".pyc")]


def uninstall(user=False, out=None):
    """Remove what :func:`install` wrote; print what was removed."""
    out = sys.stdout if out is None else out
    pth, shim = _paths(site_dir(user))
    found = _ours(pth, shim)
    if shim in found:
        found += _bytecode(shim)
    for path in found:
        os.remove(path)
        out.write("removed {}\n".format(path))
    if not found:
        out.write("not installed in {}: nothing to remove\n".format(
            os.path.dirname(pth)))
    return 0


def _where(user):
    """(label, directory) of every place the stand-in may be installed."""
    places = [] if user else [("site-packages", site_dir())]
    try:
        places.append(("user site-packages", site_dir(user=True)))
    except InstallError:
        if user:
            raise
    return places


def status(user=False, out=None):
    """Say where the stand-in is installed (with *user*, in the user site
    only); return 0 if it is installed there, else 1."""
    out = sys.stdout if out is None else out
    installed = False
    for label, directory in _where(user):
        pth, shim = _paths(directory)
        found = _ours(pth, shim)
        if len(found) == 2:
            installed = True
            out.write("installed in {} ({}): {}, {}\n".format(
                label, directory, pth, shim))
        elif found:
            out.write("partly installed in {} ({}): only {}\n".format(
                label, directory, ", ".join(found)))
        else:
            out.write("not installed in {} ({})\n".format(label, directory))
    return 0 if installed else 1

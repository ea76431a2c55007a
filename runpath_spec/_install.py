"""``--install-runpy``, ``--uninstall-runpy``, ``--runpy-status``.

Installing writes two files into the running interpreter's site-packages
(with ``user=True``, its user site-packages):

* ``_runpath_spec_runpy.py``: a copy of the shim module ``runpath_spec_runpy``,
  the lazy stand-in, with its bytecode beside it in ``__pycache__``;
* ``runpath_spec_runpy.pth``: a marker comment and one line, run by
  :mod:`site` at every start, that makes the stand-in ``sys.modules["runpy"]``.

The stand-in is a file of its own, not a part of the package, so that
the ``.pth`` finds it wherever runpath_spec is installed (the user site is
processed before site-packages) and still finds it after runpath_spec is
uninstalled (it then loads the standard library's runpy).

Held to pip's standard: both files carry a marker, and a file of either
name that does not is foreign and never written or removed; no symbolic
link is followed; every write goes to a temporary file in the same
directory, flushed to disk, then ``os.replace``\\ d over the old one, and a
failed install puts back what was there.  The shim is written before the
``.pth`` that imports it and, on uninstalling, removed after every ``.pth``
line importing it, so that no interpreter start finds a line importing a
missing module.
"""

import os
import re
import stat
import sys

__all__ = ["install", "uninstall", "status", "site_dir"]

SHIM = "_runpath_spec_runpy"
PTH = "runpath_spec_runpy.pth"
# Importing the shim installs it: a call after the import would cost every
# interpreter start one more compile and lookup (3.13: 0.2% of a bare start).
PTH_LINE = "import {0}\n".format(SHIM)
# The .pth's marker (site skips comment lines).
PTH_MARKER = ("# Written by `python -m runpath_spec --install-runpy`; remove "
              "it with `python -m runpath_spec --uninstall-runpy`.\n")
PTH_TEXT = PTH_MARKER + PTH_LINE
# What earlier versions wrote: still recognised, and replaced on install.
_OLD_PTH_LINES = ("import {0}; {0}.install()\n".format(SHIM),)
HEADER = ("# Written by `python -m runpath_spec --install-runpy`; remove it "
          "with\n# `python -m runpath_spec --uninstall-runpy` (or delete "
          "this file and\n# {}).\n".format(PTH))
# A .pth line that imports the shim (site runs lines starting "import").
_IMPORTS_SHIM = re.compile(r"import[ \t].*\b{}\b".format(SHIM))


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


# -- reading, without following a link -------------------------------------

class _Foreign(Exception):
    """A file at one of our names that is not ours (the message says why)."""


def _read(path):
    """The text of the regular file *path*; None if there is none.  Raises
    _Foreign for a link or anything but a regular file, or bytes that are
    not UTF-8."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise _Foreign("{!r} is a symbolic link, expected a regular "
                       "file".format(path))
    if not stat.S_ISREG(st.st_mode):
        raise _Foreign("{!r} is not a regular file".format(path))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(path, flags), "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Foreign("{!r} is not UTF-8 text".format(path)) from None


def _pth_is_ours(text):
    """A .pth we wrote: marked, or (earlier versions) nothing but lines
    importing the shim."""
    if text.startswith(PTH_MARKER):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(_IMPORTS_SHIM.match(line) for line in lines)


def _owned(pth, shim):
    """``(pth text, shim text)`` of our files there (None where absent);
    raises _Foreign naming a file of ours' name that is not ours."""
    pth_text, shim_text = _read(pth), _read(shim)
    if pth_text is not None and not _pth_is_ours(pth_text):
        raise _Foreign("{!r} was not written by runpath_spec (it lacks the "
                       "marker line)".format(pth))
    if shim_text is not None and not shim_text.startswith(HEADER):
        raise _Foreign("{!r} was not written by runpath_spec (it lacks the "
                       "marker lines)".format(shim))
    return pth_text, shim_text


# -- writing: atomic, never through a link ---------------------------------

def _write(path, text, mode=None):
    """Replace *path* by a file holding *text*, atomically: a temporary
    file in the same directory, flushed to disk, then os.replace (which
    replaces a link, never what it points to).  Its permissions are *mode*
    or, by default, what the umask leaves of 0o666."""
    directory, name = os.path.split(path)
    tmp = os.path.join(directory, ".{}.{}.tmp".format(
        name, os.urandom(6).hex()))
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL
             | getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(tmp, flags, 0o666)  # (less the umask, as open() does)
    try:
        with open(fd, "wb") as f:
            if mode is not None:
                os.chmod(f.fileno(), mode)
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path):
    try:
        os.unlink(path)  # (unlinks a link itself, never its target)
    except FileNotFoundError:
        pass


def _put(path, text, old):
    """Write *text* to *path* unless it holds it (*old*); True if written."""
    if old == text:
        return False
    _write(path, text)
    return True


def _compile(path):
    import py_compile
    return py_compile.compile(path, doraise=True)


def install(user=False, out=None, err=None):
    """Install the stand-in; print what was written.  Idempotent.

    Returns 0 when the stand-in is installed and serving (the optional
    byte-compile failing is a warning), 1 when nothing was changed.
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    directory = site_dir(user)
    os.makedirs(directory, exist_ok=True)
    pth, shim = _paths(directory)
    try:
        old_pth, old_shim = _owned(pth, shim)
    except _Foreign as exc:
        err.write("error: {}: not touched; nothing installed\n".format(exc))
        return 1
    # The shim first: the .pth never imports a file that is not there.
    wrote_shim = _put(shim, _shim_source(), old_shim)
    try:
        wrote_pth = _put(pth, PTH_TEXT, old_pth)
    except BaseException:
        if wrote_shim and old_shim is None:  # put back what was there
            _remove(shim)
        elif wrote_shim:
            _write(shim, old_shim)
        raise
    for path, written in ((shim, wrote_shim), (pth, wrote_pth)):
        out.write("{} {}\n".format("wrote" if written else "kept", path))
    try:
        out.write("compiled {}\n".format(_compile(shim)))
    except Exception as exc:  # python compiles it at start-up instead
        err.write("warning: cannot byte-compile {!r} ({}: {}); it is "
                  "installed, and compiled when first imported\n".format(
                      shim, type(exc).__name__, exc))
    out.write("runpy is now runpath_spec's lazy stand-in in every new "
              "interpreter using {}\n".format(directory))
    return 0


def _bytecode(shim):
    cache = os.path.join(os.path.dirname(shim), "__pycache__")
    try:
        names = os.listdir(cache)
    except OSError:
        return []
    return [os.path.join(cache, name) for name in sorted(names)
            if name.startswith(SHIM + ".") and name.endswith(".pyc")]


def _importing_pths(directory):
    """``{path: text}`` of the ``.pth`` files in *directory* that import
    the shim."""
    found = {}
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return found
    for name in names:
        if not name.endswith(".pth"):
            continue
        path = os.path.join(directory, name)
        try:
            text = _read(path)
        except _Foreign:
            if os.path.islink(path) and _links_to_importing(path):
                found[path] = None  # cannot be fixed without following it
            continue
        if text is not None and any(_IMPORTS_SHIM.match(line)
                                    for line in text.splitlines()):
            found[path] = text
    return found


def _links_to_importing(path):
    try:
        with open(path, encoding="utf-8") as f:
            return any(_IMPORTS_SHIM.match(line) for line in f)
    except (OSError, UnicodeDecodeError):
        return False


def _unimport(path, text, out):
    """Take the lines importing the shim out of the .pth *path* (the whole
    file if it is ours, or nothing else is left in it)."""
    kept = [line for line in text.splitlines(True)
            if not _IMPORTS_SHIM.match(line)]
    if os.path.basename(path) == PTH and _pth_is_ours(text) or \
            not "".join(kept).strip():
        os.unlink(path)
        out.write("removed {}\n".format(path))
    else:  # somebody else's: only the lines are taken out
        _write(path, "".join(kept), stat.S_IMODE(os.lstat(path).st_mode))
        out.write("removed the lines importing {} from {}\n".format(
            SHIM, path))


def uninstall(user=False, out=None, err=None):
    """Remove what :func:`install` wrote; print what was removed.

    Every ``.pth`` line importing the stand-in goes first, then the
    stand-in.  Returns 0 when no stand-in is left installed there, 1 when
    something stopped it (the message says what).
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    directory = site_dir(user)
    pth, shim = _paths(directory)
    try:
        shim_text = _read(shim)
        ours = shim_text is not None and shim_text.startswith(HEADER)
    except _Foreign:
        ours = False
    removed = False
    for path, text in _importing_pths(directory).items():
        if text is None:
            err.write("error: {!r} is a symbolic link to a file importing "
                      "{}: not followed; remove that line by hand\n".format(
                          path, SHIM))
            return 1
        _unimport(path, text, out)
        removed = True
    if ours:
        for path in [shim] + _bytecode(shim):
            _remove(path)
            out.write("removed {}\n".format(path))
        removed = True
    elif os.path.lexists(shim):
        out.write("left {}: not written by runpath_spec\n".format(shim))
    if not removed:
        out.write("not installed in {}: nothing to remove\n".format(
            directory))
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


def _diagnose(directory):
    """``(installed, problem)``: whether the stand-in is installed and
    serving in *directory*, and what is wrong there, if anything."""
    pth, shim = _paths(directory)
    try:
        pth_text, shim_text = _owned(pth, shim)
    except _Foreign as exc:
        return False, "foreign: {}".format(exc)
    importing = _importing_pths(directory)
    if shim_text is None:
        if importing:
            return False, "damaged: {} import {!r}, which is missing".format(
                ", ".join(map(repr, importing)), shim)
        return False, None
    try:
        compile(shim_text, shim, "exec")
    except (SyntaxError, ValueError) as exc:
        return False, "damaged: {!r} does not compile ({}); install " \
                      "again".format(shim, exc)
    if not importing:
        return False, "partly installed: only {!r}, which no .pth " \
                      "imports".format(shim)
    return True, None


def status(user=False, out=None):
    """Say where the stand-in is installed (with *user*, in the user site
    only), and what is damaged or foreign; return 0 if it is installed
    and serving there, else 1."""
    out = sys.stdout if out is None else out
    installed = False
    for label, directory in _where(user):
        pth, shim = _paths(directory)
        serving, problem = _diagnose(directory)
        installed = installed or serving
        if serving:
            out.write("installed in {} ({}): {}, {}\n".format(
                label, directory, pth, shim))
        elif problem:
            out.write("not serving in {} ({}): {}\n".format(
                label, directory, problem))
        else:
            out.write("not installed in {} ({})\n".format(label, directory))
    return 0 if installed else 1
